# EVTX reader tests, included by tests/CMakeLists.txt.
#   evtx_differential: `vigil dump` against the oracle decodings and SigmaHQ's regression JSON
#     in ../shared (VG_SHARED_DIR); passes with a message when the shared data is absent.
#   test_evtx: cmocka tests over EVTX files built in memory (corrupt inputs, every limit, every
#     value type, the JSON and event conventions).
add_executable(evtx_differential ${CMAKE_CURRENT_LIST_DIR}/evtx/differential.c)
target_link_libraries(evtx_differential PRIVATE vigil m)
target_include_directories(evtx_differential PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/include)
target_compile_options(evtx_differential PRIVATE ${VG_WARNINGS})
add_test(NAME evtx_differential COMMAND evtx_differential $<TARGET_FILE:vigil-cli> ${VG_SHARED_DIR})
set_tests_properties(evtx_differential PROPERTIES TIMEOUT 900 LABELS evtx)

if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/evtx/test_evtx.c)
  add_executable(test_evtx ${CMAKE_CURRENT_LIST_DIR}/evtx/test_evtx.c
    ${CMAKE_CURRENT_LIST_DIR}/evtx/builder.c)
  target_link_libraries(test_evtx PRIVATE vigil PkgConfig::CMOCKA)
  target_include_directories(test_evtx PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/include)
  target_compile_options(test_evtx PRIVATE ${VG_WARNINGS})
  target_compile_definitions(test_evtx PRIVATE VG_FUZZ_CORPUS="${CMAKE_SOURCE_DIR}/fuzz/corpus/evtx")
  add_test(NAME unit_test_evtx COMMAND test_evtx)
  set_tests_properties(unit_test_evtx PROPERTIES TIMEOUT 600 LABELS unit)
endif()

# test_value: the text of every value type against a printf/gmtime reference (edge values and
# a fixed-seed random stream).
add_executable(test_evtx_value ${CMAKE_CURRENT_LIST_DIR}/evtx/test_value.c)
target_link_libraries(test_evtx_value PRIVATE vigil PkgConfig::CMOCKA)
target_include_directories(test_evtx_value PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/include)
target_compile_options(test_evtx_value PRIVATE ${VG_WARNINGS})
add_test(NAME unit_test_evtx_value COMMAND test_evtx_value)
set_tests_properties(unit_test_evtx_value PROPERTIES LABELS unit)

# test_plan: event fields from plans (src/evtx/plan.c) against rendering every record.
add_executable(test_evtx_plan ${CMAKE_CURRENT_LIST_DIR}/evtx/test_plan.c
  ${CMAKE_CURRENT_LIST_DIR}/evtx/builder.c)
target_link_libraries(test_evtx_plan PRIVATE vigil PkgConfig::CMOCKA)
target_include_directories(test_evtx_plan PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/include)
target_compile_options(test_evtx_plan PRIVATE ${VG_WARNINGS})
add_test(NAME unit_test_evtx_plan COMMAND test_evtx_plan)
set_tests_properties(unit_test_evtx_plan PROPERTIES LABELS unit)
