# Integration tests of the Navigator layer, MISP event and CSV writers
# (docs/navigator-misp-csv.md), run as
# `sh tests/integration/export_formats/NAME.sh CTIX TEST_BIN SOURCE_DIR SHARED_DIR WORK_DIR`:
#   export_formats_validate  `ctix analyze --format navigator,misp,csv` on every
#                            article of ../shared/data/articles/dev and examples/,
#                            twice (byte-identical), plus the hand-built analyses
#                            of test_export_layers --dump (hostile text, 10,000
#                            observables, every ATT&CK technique): every layer
#                            passes navigator-validate --attack and every event
#                            misp-validate with zero errors; every CSV parses as
#                            RFC 4180 with the header and six fields a row.
# It reads ../shared (label shared-data) and skips (77) without it.
set(CTIX_EXPORT_FORMATS_DIR ${CMAKE_CURRENT_LIST_DIR}/export_formats)
foreach(name validate)
  add_test(NAME export_formats_${name}
           COMMAND sh ${CTIX_EXPORT_FORMATS_DIR}/${name}.sh $<TARGET_FILE:ctix_cli>
                   $<TARGET_FILE:test_export_layers> ${CMAKE_SOURCE_DIR} ${CTIX_SHARED_DIR}
                   ${CMAKE_CURRENT_BINARY_DIR}/export_formats/${name})
  set_tests_properties(export_formats_${name} PROPERTIES
                       LABELS "integration;shared-data" SKIP_RETURN_CODE 77)
endforeach()
