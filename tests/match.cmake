# The rule index against exhaustive evaluation on all shared data (passes with a message when
# ../shared is absent).
add_executable(index_vs_exact ${CMAKE_CURRENT_LIST_DIR}/match/index_vs_exact.c)
target_link_libraries(index_vs_exact PRIVATE vigil)
target_compile_options(index_vs_exact PRIVATE ${VG_WARNINGS})
add_test(NAME index_vs_exact COMMAND index_vs_exact ${VG_SHARED_DIR})
set_tests_properties(index_vs_exact PROPERTIES TIMEOUT 1500)

# Rules written to probe the index's literal derivation (cmocka; no shared data needed).
add_executable(test_index ${CMAKE_CURRENT_LIST_DIR}/match/test_index.c)
target_link_libraries(test_index PRIVATE vigil PkgConfig::CMOCKA)
target_compile_options(test_index PRIVATE ${VG_WARNINGS})
add_test(NAME unit_test_index COMMAND test_index)
set_tests_properties(unit_test_index PROPERTIES LABELS unit)

# Literals grouped by prefix and found by hashing (src/match/prefix.c) against a plain search.
add_executable(test_prefix ${CMAKE_CURRENT_LIST_DIR}/match/test_prefix.c)
target_link_libraries(test_prefix PRIVATE vigil PkgConfig::CMOCKA)
target_include_directories(test_prefix PRIVATE ${CMAKE_SOURCE_DIR}/src)
target_compile_options(test_prefix PRIVATE ${VG_WARNINGS})
add_test(NAME unit_test_prefix COMMAND test_prefix)
set_tests_properties(unit_test_prefix PROPERTIES LABELS unit)

# Keyword literals found by one byte pair each (src/match/bigram.c) against a plain search.
add_executable(test_bigram ${CMAKE_CURRENT_LIST_DIR}/match/test_bigram.c)
target_link_libraries(test_bigram PRIVATE vigil PkgConfig::CMOCKA)
target_include_directories(test_bigram PRIVATE ${CMAKE_SOURCE_DIR}/src)
target_compile_options(test_bigram PRIVATE ${VG_WARNINGS})
add_test(NAME unit_test_bigram COMMAND test_bigram)
set_tests_properties(unit_test_bigram PROPERTIES LABELS unit)
