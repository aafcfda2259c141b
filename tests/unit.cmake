# cmocka unit tests for src/base, src/event, src/input and src/attack, included by
# tests/CMakeLists.txt.
#
# Each test is one executable that links the static library and reaches internal headers as
# "base/json.h" through the src include directory. Tests that read ../shared get its path in
# the environment variable VG_SHARED (the VG_SHARED_DIR cache variable); when the folder is
# absent they print "shared data not found at ..., skipping" and ctest reports them skipped.
set(VG_UNIT_TESTS
  base/test_json
  base/test_util
  event/test_event
  input/test_input
  attack/test_attack
  attack/test_attack_shared
)

foreach(t ${VG_UNIT_TESTS})
  get_filename_component(name ${t} NAME)
  add_executable(${name} ${CMAKE_CURRENT_SOURCE_DIR}/${t}.c)
  target_link_libraries(${name} PRIVATE vigil PkgConfig::CMOCKA)
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/include)
  target_compile_options(${name} PRIVATE ${VG_WARNINGS})
  add_test(NAME unit_${name} COMMAND ${name})
  set_tests_properties(unit_${name} PROPERTIES
    ENVIRONMENT "VG_SHARED=${VG_SHARED_DIR}"
    SKIP_REGULAR_EXPRESSION "shared data not found at"
    TIMEOUT 600
    LABELS unit)
endforeach()
