# golden.cmake - golden CLI tests (tests/golden/NAME.test) and end-to-end tests (tests/e2e/NAME.test).
#
# Builds the runner (tests/golden/runner.c; format and options at its top and in
# docs/testing.md) and registers one ctest test per .test file, named golden/<file> or
# e2e/<file>. Every case runs with its working directory in tests/golden/data, `vigil` on PATH
# pointing at the freshly built CLI and VG_SHARED set to VG_SHARED_DIR. Cases marked
# %needs-shared are skipped when that directory is absent; a file whose cases were all skipped
# is reported as skipped. Rewrite expected output after a reviewed change with
#   UPDATE=1 build/tests/golden-runner --vigil build/vigil tests/golden/FILE.test
add_executable(golden-runner ${CMAKE_CURRENT_SOURCE_DIR}/golden/runner.c)
target_compile_options(golden-runner PRIVATE ${VG_WARNINGS})

file(GLOB VG_GOLDEN_TESTS CONFIGURE_DEPENDS
  ${CMAKE_CURRENT_SOURCE_DIR}/golden/*.test
  ${CMAKE_CURRENT_SOURCE_DIR}/e2e/*.test)
foreach(test_file ${VG_GOLDEN_TESTS})
  get_filename_component(test_name ${test_file} NAME_WE)
  get_filename_component(test_dir ${test_file} DIRECTORY)
  get_filename_component(test_group ${test_dir} NAME)
  add_test(NAME ${test_group}/${test_name}
    COMMAND golden-runner
      --vigil $<TARGET_FILE:vigil-cli>
      --data ${CMAKE_CURRENT_SOURCE_DIR}/golden/data
      --shared ${VG_SHARED_DIR}
      ${test_file}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(${test_group}/${test_name} PROPERTIES
    SKIP_RETURN_CODE 77
    TIMEOUT 1200
    LABELS ${test_group})
  if(test_group STREQUAL "e2e")
    # end-to-end cases scan all of ../shared; under ASan+UBSan one case takes tens of seconds
    set_tests_properties(${test_group}/${test_name} PROPERTIES ENVIRONMENT "VG_GOLDEN_TIMEOUT=300")
  endif()
endforeach()
