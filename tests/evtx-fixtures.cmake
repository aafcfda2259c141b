# EVTX fixtures of the golden tests (tests/golden/data/evtx/), written by
# tests/evtx/make_fixtures.c with the test builder. The files are committed; the test
# evtx_fixtures checks that they are exactly what the program writes. Regenerate with
#   build/tests/evtx_make_fixtures tests/golden/data/evtx
add_executable(evtx_make_fixtures ${CMAKE_CURRENT_LIST_DIR}/evtx/make_fixtures.c
  ${CMAKE_CURRENT_LIST_DIR}/evtx/builder.c)
target_compile_options(evtx_make_fixtures PRIVATE ${VG_WARNINGS})
add_test(NAME evtx_fixtures COMMAND evtx_make_fixtures --check
  ${CMAKE_CURRENT_LIST_DIR}/golden/data/evtx)
set_tests_properties(evtx_fixtures PROPERTIES LABELS golden)
