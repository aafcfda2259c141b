# join-rules.cmake - writes the files in IN (a ;-list) to OUT as one YAML stream, each file its
# own document ("---" between them). Used to embed rules/starter/ in the binary.
set(text "")
foreach(f IN LISTS IN)
  file(READ ${f} body)
  get_filename_component(name ${f} NAME)
  string(APPEND text "--- # rules/starter/${name}\n${body}\n")
endforeach()
file(WRITE ${OUT} "${text}")
