# Integration tests of the assessment stage (docs/attribution.md), run as
# `sh tests/integration/assess/NAME.sh CTIX SOURCE_DIR WORK_DIR`:
#   assess_attribution  `ctix eval attribution [--json]` on the embedded
#                       knowledge base: every ATT&CK campaign attributed to
#                       a group, its group's top-1 and top-5 rates above
#                       floors set just below the measured values
# Only the embedded knowledge base is read: no ../shared, no skip.
set(CTIX_ASSESS_TEST_DIR ${CMAKE_CURRENT_LIST_DIR}/assess)
foreach(name attribution)
  add_test(NAME assess_${name}
           COMMAND sh ${CTIX_ASSESS_TEST_DIR}/${name}.sh $<TARGET_FILE:ctix_cli> ${CMAKE_SOURCE_DIR}
                   ${CMAKE_CURRENT_BINARY_DIR}/assess/${name})
  set_tests_properties(assess_${name} PROPERTIES LABELS "integration")
endforeach()
