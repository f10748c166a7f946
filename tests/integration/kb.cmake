# Integration tests of the knowledge base (`ctix kb`, docs/kb.md), run as
# `sh tests/integration/kb/NAME.sh CTIX SOURCE_DIR SHARED_DIR WORK_DIR`:
#   kb_cli      the command line on the embedded tables and on tables built
#               from tests/data/kb (no ../shared needed)
#   kb_counts   `kb info --json` against counts computed from the bundles,
#               the D3FEND CSVs and the KEV feed
#   kb_revoked  every revoked ATT&CK object resolves to its replacement
#   kb_d3fend   countermeasures per technique against the mappings CSV,
#               with inheritance and roll-ups, and the README's hand check
#   kb_regen    `make kb` gives the committed data/kb byte for byte
# The last four read ../shared (label shared-data) and skip (77) without it.
set(CTIX_KB_TEST_DIR ${CMAKE_CURRENT_LIST_DIR}/kb)
foreach(name cli counts revoked d3fend regen)
  add_test(NAME kb_${name}
           COMMAND sh ${CTIX_KB_TEST_DIR}/${name}.sh $<TARGET_FILE:ctix_cli> ${CMAKE_SOURCE_DIR}
                   ${CTIX_SHARED_DIR} ${CMAKE_CURRENT_BINARY_DIR}/kb/${name})
  if(name STREQUAL "cli")
    set_tests_properties(kb_${name} PROPERTIES LABELS "integration" SKIP_RETURN_CODE 77)
  else()
    set_tests_properties(kb_${name} PROPERTIES LABELS "integration;shared-data"
                         SKIP_RETURN_CODE 77)
  endif()
endforeach()
