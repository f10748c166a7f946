# Integration tests of the response content (src/lib/respond, docs/response.md),
# run as `sh tests/integration/respond/NAME.sh DRIVER SOURCE_DIR SHARED_DIR WORK_DIR`
# with the test driver respond_driver (respond/respond_driver.c):
#   respond_dev     every dev article of ../shared and every sample of
#                   examples/ through the whole pipeline, twice: response.md
#                   is produced, has steps when the article has indicators,
#                   and is the same byte for byte on both runs
#   respond_golden  response.md and the step list of one advisory
#                   (cisa-aa26-222a-gunra) and one news article
#                   (bc-2026-02-13-beyondtrust-cve) with hand-built technique
#                   lists (tests/data/respond/*.techniques) against the
#                   expected files of tests/data/respond; CTIX_UPDATE_GOLDEN=1
#                   rewrites them
# Both read ../shared (label shared-data) and skip (77) without it.
add_executable(respond_driver ${CMAKE_CURRENT_LIST_DIR}/respond/respond_driver.c)
target_link_libraries(respond_driver PRIVATE ctix)
set(CTIX_RESPOND_TEST_DIR ${CMAKE_CURRENT_LIST_DIR}/respond)
foreach(name dev golden)
  add_test(NAME respond_${name}
           COMMAND sh ${CTIX_RESPOND_TEST_DIR}/${name}.sh $<TARGET_FILE:respond_driver>
                   ${CMAKE_SOURCE_DIR} ${CTIX_SHARED_DIR} ${CMAKE_CURRENT_BINARY_DIR}/respond/${name})
  set_tests_properties(respond_${name} PROPERTIES LABELS "integration;shared-data"
                       SKIP_RETURN_CODE 77)
endforeach()
