# Integration tests of the technique mapper (docs/ttp.md), run as
# `sh tests/integration/ttp/NAME.sh CTIX SOURCE_DIR SHARED_DIR WORK_DIR`:
#   ttp_cli    `ctix model info` and `ctix eval ttp` on the hand-written
#              items of tests/data/ttp (no ../shared needed), and the
#              errors of both commands
#   ttp_dev    `ctix eval ttp` on the dev sets of ../shared/data/ttp-eval,
#              with floors a little below the measured numbers
#   ttp_cv     the cross-validated numbers (`--cv 5` by report) on
#              tram2-docs and annoctr, with floors below the measured ones
#              (half an hour: runs only with CTIX_TTP_CV=1 in the environment)
#   ttp_regen  `ctix model train` on ../shared gives data/ttp/model.bin
#              byte for byte
# The last three read ../shared (label shared-data) and skip (77) without
# it; ttp_cv and ttp_regen train models for many minutes, so they are not
# registered in the sanitizer build.
set(CTIX_TTP_TEST_DIR ${CMAKE_CURRENT_LIST_DIR}/ttp)
set(_ctix_ttp_tests cli dev)
if(NOT CTIX_SANITIZE)
  list(APPEND _ctix_ttp_tests cv regen)
endif()
foreach(name ${_ctix_ttp_tests})
  add_test(NAME ttp_${name}
           COMMAND sh ${CTIX_TTP_TEST_DIR}/${name}.sh $<TARGET_FILE:ctix_cli> ${CMAKE_SOURCE_DIR}
                   ${CTIX_SHARED_DIR} ${CMAKE_CURRENT_BINARY_DIR}/ttp/${name})
  if(name STREQUAL "cli")
    set_tests_properties(ttp_${name} PROPERTIES LABELS "integration" SKIP_RETURN_CODE 77)
  else()
    set_tests_properties(ttp_${name} PROPERTIES LABELS "integration;shared-data"
                         SKIP_RETURN_CODE 77 TIMEOUT 3600)
  endif()
endforeach()
