# Integration tests of the ctix command line: every tests/integration/cli/*.sh
# (but lib.sh) is one test, run as `sh SCRIPT CTIX SOURCE_DIR WORK_DIR`. They
# need python3 (scripts/deps.sh) to read the JSON the CLI writes.
file(GLOB CTIX_CLI_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/cli/*.sh)
foreach(script ${CTIX_CLI_TESTS})
  get_filename_component(name ${script} NAME_WE)
  if(name STREQUAL "lib")
    continue()
  endif()
  add_test(NAME cli_${name}
           COMMAND sh ${script} $<TARGET_FILE:ctix_cli> ${CMAKE_SOURCE_DIR}
                   ${CMAKE_CURRENT_BINARY_DIR}/cli/${name})
  set_tests_properties(cli_${name} PROPERTIES LABELS "integration" SKIP_RETURN_CODE 77)
endforeach()
