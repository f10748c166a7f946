# Integration tests of the Sigma rules (docs/sigma.md), run as
# `sh tests/integration/sigma/NAME.sh DRIVER CTIX SOURCE_DIR SHARED_DIR WORK_DIR`:
#   sigma_corpus     rules for every article of ../shared/data/articles/dev
#                    and examples/ (pipeline stages, the labels' techniques and
#                    tools, and every template's technique): generated twice
#                    and byte-identical; every rule validates against
#                    ../shared/data/sigma/spec/sigma-detection-rule-schema.json
#                    (python3-yaml + python3-jsonschema) and passes
#                    `ctix sigma check`; every `ioc` observable of a detectable
#                    kind appears in some rule. Label shared-data; skips (77)
#                    without ../shared.
#   sigma_templates  the template library covers the 60 techniques most used in
#                    the ATT&CK `uses` relations of ../shared/data/attack
#                    (shared-data, skips 77), and `ctix sigma check` accepts
#                    SigmaHQ's corpus in ../shared/data/sigma/rules with no error.
#   sigma_cli        `ctix sigma check` on good, broken and hostile rules in
#                    tests/data/sigma: messages FILE:LINE:COL and exit codes.
#   sigma_golden     the rules of examples/technical-writeup.md (pipeline only)
#                    against tests/data/sigma/golden/.
#   sigma_roundtrip  the sigma/ folders `ctix analyze` writes for every article
#                    and example load back in ctix's Sigma reader, convert to
#                    Splunk and pass `ctix sigma check --strict` (shared-data).
set(CTIX_SIGMA_TEST_DIR ${CMAKE_CURRENT_LIST_DIR}/sigma)
add_executable(sigma_corpus ${CTIX_SIGMA_TEST_DIR}/sigma_corpus.c)
target_include_directories(sigma_corpus PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/src/lib
                                               ${CMAKE_BINARY_DIR}/generated)
target_link_libraries(sigma_corpus PRIVATE ctix)
foreach(name sigma_corpus sigma_templates sigma_cli sigma_golden sigma_roundtrip)
  add_test(NAME ${name}
           COMMAND sh ${CTIX_SIGMA_TEST_DIR}/${name}.sh $<TARGET_FILE:sigma_corpus>
                   $<TARGET_FILE:ctix_cli> ${CMAKE_SOURCE_DIR} ${CTIX_SHARED_DIR}
                   ${CMAKE_CURRENT_BINARY_DIR}/sigma/${name})
  if(name STREQUAL "sigma_corpus" OR name STREQUAL "sigma_templates" OR
     name STREQUAL "sigma_roundtrip")
    set_tests_properties(${name} PROPERTIES LABELS "integration;shared-data"
                         SKIP_RETURN_CODE 77 TIMEOUT 900)
  else()
    set_tests_properties(${name} PROPERTIES LABELS "integration" TIMEOUT 300)
  endif()
endforeach()
