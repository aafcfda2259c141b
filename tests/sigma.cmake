# Sigma tests that run whole corpora: the SigmaHQ regression cases (JSON side) and the
# conformance comparison with the oracle (make conformance). Both pass with a message when
# ../shared is absent.
add_executable(sigma_regression ${CMAKE_CURRENT_LIST_DIR}/sigma/regression.c)
target_link_libraries(sigma_regression PRIVATE vigil)
target_compile_options(sigma_regression PRIVATE ${VG_WARNINGS})
add_test(NAME sigma_regression COMMAND sigma_regression ${VG_SHARED_DIR}/sigma)

add_executable(sigma_conformance ${CMAKE_CURRENT_LIST_DIR}/sigma/conformance.c)
target_link_libraries(sigma_conformance PRIVATE vigil)
target_include_directories(sigma_conformance PRIVATE ${CMAKE_SOURCE_DIR}/src)
target_compile_options(sigma_conformance PRIVATE ${VG_WARNINGS})
add_test(NAME sigma_conformance COMMAND sigma_conformance ${VG_SHARED_DIR}/oracle
  ${CMAKE_CURRENT_LIST_DIR}/sigma/conformance-explained.txt ${VG_SHARED_DIR}/evtx)
set_tests_properties(sigma_conformance PROPERTIES TIMEOUT 1500)

# cmocka unit tests of the Sigma engine's parts and of events from JSON (tests/sigma/test_sigma.c):
# glob matching, encodings, windash, ISO weeks, CIDR, the condition parser, every Sigma limit.
add_executable(test_sigma ${CMAKE_CURRENT_LIST_DIR}/sigma/test_sigma.c)
target_link_libraries(test_sigma PRIVATE vigil PkgConfig::CMOCKA)
target_include_directories(test_sigma PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/include)
target_compile_options(test_sigma PRIVATE ${VG_WARNINGS})
add_test(NAME unit_test_sigma COMMAND test_sigma)
set_tests_properties(unit_test_sigma PROPERTIES TIMEOUT 600 LABELS unit)

# Loading rule folders with several threads gives the rules and diagnostics of one thread, in
# the same order (tests/sigma/test_load.c): the golden fixtures, a tree made by the test, and
# the shared SigmaHQ corpus (skipped with a message when ../shared is absent).
add_executable(test_load ${CMAKE_CURRENT_LIST_DIR}/sigma/test_load.c)
target_link_libraries(test_load PRIVATE vigil PkgConfig::CMOCKA)
target_include_directories(test_load PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/include)
target_compile_options(test_load PRIVATE ${VG_WARNINGS})
add_test(NAME unit_test_load COMMAND test_load ${CMAKE_CURRENT_LIST_DIR}/golden/data/sigma)
set_tests_properties(unit_test_load PROPERTIES
  ENVIRONMENT "VG_SHARED=${VG_SHARED_DIR}"
  SKIP_REGULAR_EXPRESSION "shared data not found at"
  TIMEOUT 600
  LABELS unit)
