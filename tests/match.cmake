# The rule index against exhaustive evaluation on all shared data (passes with a message when
# ../shared is absent).
add_executable(index_vs_exact ${CMAKE_CURRENT_LIST_DIR}/match/index_vs_exact.c)
target_link_libraries(index_vs_exact PRIVATE vigil)
target_compile_options(index_vs_exact PRIVATE ${VG_WARNINGS})
add_test(NAME index_vs_exact COMMAND index_vs_exact ${VG_SHARED_DIR})
set_tests_properties(index_vs_exact PROPERTIES TIMEOUT 1500)

# cmocka tests, no shared data needed: rules written to probe the index's literal derivation
# (test_index); literals grouped by prefix and found by hashing (src/match/prefix.c) and
# keyword literals found by one byte pair each (src/match/bigram.c), against a plain search.
foreach(t test_index test_prefix test_bigram)
  add_executable(${t} ${CMAKE_CURRENT_LIST_DIR}/match/${t}.c)
  target_link_libraries(${t} PRIVATE vigil PkgConfig::CMOCKA)
  target_include_directories(${t} PRIVATE ${CMAKE_SOURCE_DIR}/src)
  target_compile_options(${t} PRIVATE ${VG_WARNINGS})
  add_test(NAME unit_${t} COMMAND ${t})
  set_tests_properties(unit_${t} PROPERTIES LABELS unit)
endforeach()
