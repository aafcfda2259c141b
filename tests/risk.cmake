# risk.cmake - cmocka unit tests for src/risk (risk-based alerting), included by
# tests/CMakeLists.txt. The golden scenarios are tests/golden/risk*.test (golden.cmake).
set(VG_RISK_TESTS risk/test_risk risk/test_risk_stream)
foreach(t ${VG_RISK_TESTS})
  get_filename_component(name ${t} NAME)
  add_executable(${name} ${CMAKE_CURRENT_SOURCE_DIR}/${t}.c)
  target_link_libraries(${name} PRIVATE vigil PkgConfig::CMOCKA PkgConfig::SQLITE)
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/include)
  target_compile_options(${name} PRIVATE ${VG_WARNINGS})
  target_compile_definitions(${name} PRIVATE VG_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  add_test(NAME unit_${name} COMMAND ${name})
  set_tests_properties(unit_${name} PROPERTIES TIMEOUT 600 LABELS unit)
endforeach()
