# coverage.cmake - tests of src/coverage and src/report, included by tests/CMakeLists.txt.
#
# test_coverage: cmocka tests of statuses, roll-up and tallies on the golden fixture
# (tests/golden/data/coverage), a validator of the ATT&CK Navigator layer 4.5 requirements, and
# the HTML report's structure. The Navigator spec check reads ../shared (VG_SHARED) and skips
# without it. coverage_screenshot: the SVG and HTML open in headless Chromium and the
# screenshot is checked for the matrix's colours; skipped (exit 77) when chromium is not
# installed (Debian: apt-get install chromium).
add_executable(test_coverage ${CMAKE_CURRENT_SOURCE_DIR}/coverage/test_coverage.c)
target_link_libraries(test_coverage PRIVATE vigil PkgConfig::CMOCKA)
target_include_directories(test_coverage PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/include)
target_compile_options(test_coverage PRIVATE ${VG_WARNINGS})
target_compile_definitions(test_coverage PRIVATE
  FIXTURE_DIR="${CMAKE_CURRENT_SOURCE_DIR}/golden/data/coverage")
add_test(NAME unit_test_coverage COMMAND test_coverage)
set_tests_properties(unit_test_coverage PROPERTIES
  ENVIRONMENT "VG_SHARED=${VG_SHARED_DIR}"
  TIMEOUT 600
  LABELS unit)

# test_needs: data needs and the greedy ranking (src/coverage/sources.c, needs.c, next.c) on the
# same fixture plus tests/golden/data/needs.
add_executable(test_needs ${CMAKE_CURRENT_SOURCE_DIR}/coverage/test_needs.c)
target_link_libraries(test_needs PRIVATE vigil PkgConfig::CMOCKA)
target_include_directories(test_needs PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/include)
target_compile_options(test_needs PRIVATE ${VG_WARNINGS})
target_compile_definitions(test_needs PRIVATE
  FIXTURE_DIR="${CMAKE_CURRENT_SOURCE_DIR}/golden/data/coverage"
  NEEDS_DIR="${CMAKE_CURRENT_SOURCE_DIR}/golden/data/needs")
add_test(NAME unit_test_needs COMMAND test_needs)
set_tests_properties(unit_test_needs PROPERTIES TIMEOUT 600 LABELS unit)

add_test(NAME e2e/coverage_screenshot
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/coverage/screenshot.sh $<TARGET_FILE:vigil-cli>
          ${CMAKE_CURRENT_SOURCE_DIR}/golden/data/coverage)
set_tests_properties(e2e/coverage_screenshot PROPERTIES
  SKIP_RETURN_CODE 77
  TIMEOUT 300
  LABELS e2e)
