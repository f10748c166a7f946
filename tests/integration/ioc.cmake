# Integration tests of IOC extraction on the command line (docs/iocs.md), run
# as `sh tests/integration/ioc/NAME.sh CTIX SOURCE_DIR SHARED_DIR WORK_DIR`:
#   ioc_cli          `ctix iocs` on examples/technical-writeup.md against the
#                    article's own indicator table; --json records, offsets,
#                    filters, errors; the iocs of `ctix analyze` reports
#   ioc_filters      `ctix refang` / `ctix defang` as streaming filters and
#                    their round trip, on small and multi-megabyte inputs
#   ioc_eval         the `ctix eval` scorer on the cases of tests/data/ioc:
#                    counts, normalisation, tags, bad lines, refang pairs
#   ioc_eval_dev     `ctix eval ioc` on ../shared/data/ioc dev cases: the
#                    targets of issue 4 (micro-F1 >= 0.97, defanged >= 0.95,
#                    each type at or above the best peer of the README)
#   ioc_refang_dev   `ctix eval refang` on the dev pairs: >= 99 % exact
#   ioc_bidi         names holding a right-to-left override (T1036.002):
#                    the whole name kept, its display, JSON escapes, the
#                    table, the report and the technique with its sentence
#   ioc_bidi_shared  their STIX bundle and MISP event pass the validators
# The _dev and _shared ones read ../shared (label shared-data) and skip
# (77) without it.
set(CTIX_IOC_TEST_DIR ${CMAKE_CURRENT_LIST_DIR}/ioc)
foreach(name cli filters eval eval_dev refang_dev bidi bidi_shared)
  add_test(NAME ioc_${name}
           COMMAND sh ${CTIX_IOC_TEST_DIR}/${name}.sh $<TARGET_FILE:ctix_cli> ${CMAKE_SOURCE_DIR}
                   ${CTIX_SHARED_DIR} ${CMAKE_CURRENT_BINARY_DIR}/ioc/${name})
  if(name MATCHES "_dev$|_shared$")
    set_tests_properties(ioc_${name} PROPERTIES LABELS "integration;shared-data"
                         SKIP_RETURN_CODE 77)
  else()
    set_tests_properties(ioc_${name} PROPERTIES LABELS "integration" SKIP_RETURN_CODE 77)
  endif()
endforeach()
