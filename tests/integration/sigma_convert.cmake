# Sigma conversion (docs/sigma-convert.md): `eval sigma` against pySigma's
# reference outputs in ../shared/data/sigma/reference for splunk,
# splunk__splunk_windows and splunk__sysmon__splunk_windows, with thresholds just below the measured identical
# share. Until the lead wires `ctix eval sigma`, a small driver links the CLI
# entry points. Label shared-data; skips (77) without ../shared.
add_executable(sigma_convert_driver ${CMAKE_CURRENT_LIST_DIR}/sigma_convert/driver.c
               ${CMAKE_SOURCE_DIR}/src/cli/sigma_convert.c)
target_include_directories(sigma_convert_driver PRIVATE ${CMAKE_SOURCE_DIR}/src
                           ${CMAKE_SOURCE_DIR}/src/lib ${CMAKE_BINARY_DIR}/generated)
target_link_libraries(sigma_convert_driver PRIVATE ctix PkgConfig::JANSSON)
# ctix_sigma_reference_test(REF MIN_PCT [quoting]): one test per reference
# file, passing when at least MIN_PCT % of the queries are identical (with
# "quoting": or differ in quoting only) and every rule pySigma converts,
# ctix converts. Each backend family registers its own files in
# tests/integration/sigma_convert_<family>.cmake (included after this file).
function(ctix_sigma_reference_test ref min)
  add_test(NAME sigma_convert_eval_${ref}
           COMMAND sh ${CMAKE_SOURCE_DIR}/tests/integration/sigma_convert/eval.sh
                   $<TARGET_FILE:sigma_convert_driver> ${CTIX_SHARED_DIR} ${ref} ${min} ${ARGN})
  set_tests_properties(sigma_convert_eval_${ref} PROPERTIES LABELS "integration;shared-data"
                       SKIP_RETURN_CODE 77 TIMEOUT 300)
endfunction()
foreach(ref splunk splunk__splunk_windows splunk__sysmon__splunk_windows)
  ctix_sigma_reference_test(${ref} 99.5)
endforeach()
add_test(NAME sigma_convert_cli
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/sigma_convert/cli.sh
                 $<TARGET_FILE:sigma_convert_driver> ${CMAKE_SOURCE_DIR}/tests/data/sigma_reader)
set_tests_properties(sigma_convert_cli PROPERTIES LABELS "integration" TIMEOUT 60)
