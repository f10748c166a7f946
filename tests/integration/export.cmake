# Integration tests of the exchange formats (docs/stix.md), run as
# `sh tests/integration/export/NAME.sh CORPUS SOURCE_DIR SHARED_DIR WORK_DIR`:
#   stix_corpus     a STIX bundle for every article of ../shared/data/articles/dev
#                   and examples/ (pipeline stages plus hand-built techniques and
#                   entities from the article labels): built twice and
#                   byte-identical, then `../shared/tools/stix-validate` with zero
#                   errors on all of them. Reads ../shared (label shared-data) and
#                   skips (77) without it.
#   stix_hostile    hand-built hostile observables (quotes, backslashes, ']',
#                   controls, odd Unicode, invalid UTF-8) and 10,000 generated
#                   ones: zero stix-validate errors (pattern grammar included);
#                   needs only ../shared/tools (label shared-data, skips 77).
# The corpus driver (tests/integration/export/stix_corpus.c) is a test-only program.
set(CTIX_EXPORT_TEST_DIR ${CMAKE_CURRENT_LIST_DIR}/export)
add_executable(stix_corpus ${CTIX_EXPORT_TEST_DIR}/stix_corpus.c)
target_include_directories(stix_corpus PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/src/lib
                                              ${CMAKE_BINARY_DIR}/generated)
target_link_libraries(stix_corpus PRIVATE ctix)
foreach(name stix_corpus stix_hostile)
  add_test(NAME export_${name}
           COMMAND sh ${CTIX_EXPORT_TEST_DIR}/${name}.sh $<TARGET_FILE:stix_corpus>
                   ${CMAKE_SOURCE_DIR} ${CTIX_SHARED_DIR} ${CMAKE_CURRENT_BINARY_DIR}/export/${name})
  set_tests_properties(export_${name} PROPERTIES LABELS "integration;shared-data"
                       SKIP_RETURN_CODE 77 TIMEOUT 900)
endforeach()
#   misp_galaxy_regen  data/export/misp-galaxy.tsv is what tools/misp_galaxy_table.py
#                   makes of ../shared/data/misp/galaxies/clusters (label
#                   shared-data, skips 77 without it).
add_test(NAME export_misp_galaxy_regen
         COMMAND sh ${CTIX_EXPORT_TEST_DIR}/misp_galaxy_regen.sh ${CMAKE_SOURCE_DIR} ${CTIX_SHARED_DIR}
                 ${CMAKE_CURRENT_BINARY_DIR}/export/misp_galaxy_regen)
set_tests_properties(export_misp_galaxy_regen PROPERTIES LABELS "integration;shared-data"
                     SKIP_RETURN_CODE 77 TIMEOUT 120)
