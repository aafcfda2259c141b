# The rule index against exhaustive evaluation on all shared data (passes with a message when
# ../shared is absent).
add_executable(index_vs_exact ${CMAKE_CURRENT_LIST_DIR}/match/index_vs_exact.c)
target_link_libraries(index_vs_exact PRIVATE vigil)
target_compile_options(index_vs_exact PRIVATE ${VG_WARNINGS})
add_test(NAME index_vs_exact COMMAND index_vs_exact ${VG_SHARED_DIR})
set_tests_properties(index_vs_exact PROPERTIES TIMEOUT 1500)
