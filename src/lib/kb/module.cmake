# The knowledge base (src/lib/kb): embeds the committed tables
# data/kb/ctix.kb into libctix. embed.c assembles the file with .incbin;
# OBJECT_DEPENDS rebuilds it whenever the tables change (`make kb`).
set(CTIX_KB_TABLES ${CMAKE_SOURCE_DIR}/data/kb/ctix.kb)
if(EXISTS ${CTIX_KB_TABLES})
  set_source_files_properties(${CMAKE_SOURCE_DIR}/src/lib/kb/embed.c PROPERTIES
    COMPILE_DEFINITIONS "CTIX_KB_BLOB=\"${CTIX_KB_TABLES}\""
    OBJECT_DEPENDS ${CTIX_KB_TABLES})
else()
  message(WARNING "ctix: ${CTIX_KB_TABLES} is missing; the library has no embedded "
                  "knowledge base (run 'make kb')")
endif()
# Re-run CMake when the tables appear or disappear.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/data/kb)
