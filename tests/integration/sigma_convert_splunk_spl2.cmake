# Splunk SPL2 target and the output formats of `ctix sigma convert`
# (docs/sigma-convert.md). The SPL2 reference: ctix groups ORs under ANDs
# where pySigma's SPL2 output does not (WHERE evaluates AND before OR)
# and doubles the backslashes of string values, which pySigma leaves single
# (SPL2 strings read '\' as an escape), and writes '%' / '_' bare in '='
# values (pySigma escapes them as in LIKE), so the identical share (29.8 %)
# is the share of reference queries that are right; spl2_eval.sh requires
# every other query to differ in brackets or quoting only.
# formats.sh: savedsearches/json/ndjson structure on tests/data and, with
# ../shared, on the whole corpus.
ctix_sigma_reference_test(splunk_spl2__splunk_windows 29.5)
add_test(NAME sigma_convert_spl2_brackets_only
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/sigma_convert/spl2_eval.sh
                 $<TARGET_FILE:sigma_convert_driver> ${CTIX_SHARED_DIR})
set_tests_properties(sigma_convert_spl2_brackets_only PROPERTIES
                     LABELS "integration;shared-data" SKIP_RETURN_CODE 77 TIMEOUT 300)
add_test(NAME sigma_convert_formats
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/sigma_convert/formats.sh
                 $<TARGET_FILE:sigma_convert_driver>
                 ${CMAKE_SOURCE_DIR}/tests/data/sigma_convert_formats)
set_tests_properties(sigma_convert_formats PROPERTIES LABELS "integration"
                     SKIP_RETURN_CODE 77 TIMEOUT 120)
add_test(NAME sigma_convert_formats_corpus
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/sigma_convert/formats.sh
                 $<TARGET_FILE:sigma_convert_driver>
                 ${CMAKE_SOURCE_DIR}/tests/data/sigma_convert_formats
                 ${CTIX_SHARED_DIR}/data/sigma/rules)
set_tests_properties(sigma_convert_formats_corpus PROPERTIES
                     LABELS "integration;shared-data" SKIP_RETURN_CODE 77 TIMEOUT 300)
