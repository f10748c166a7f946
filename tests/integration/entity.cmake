# Integration test of the entity stage (docs/entities.md), run as
# `sh tests/integration/entity/NAME.sh CTIX SOURCE_DIR SHARED_DIR WORK_DIR`:
#   entity_eval_dev   `ctix eval entities` on ../shared/data/articles/dev:
#                     overall and per-kind recall and precision at or above
#                     the thresholds of the script (a little below the
#                     measured numbers), and its --json shape. Reads
#                     ../shared (label shared-data); skips (77) without it.
set(CTIX_ENTITY_TEST_DIR ${CMAKE_CURRENT_LIST_DIR}/entity)
foreach(name eval_dev)
  add_test(NAME entity_${name}
           COMMAND sh ${CTIX_ENTITY_TEST_DIR}/${name}.sh $<TARGET_FILE:ctix_cli> ${CMAKE_SOURCE_DIR}
                   ${CTIX_SHARED_DIR} ${CMAKE_CURRENT_BINARY_DIR}/entity/${name})
  set_tests_properties(entity_${name} PROPERTIES LABELS "integration;shared-data"
                       SKIP_RETURN_CODE 77)
endforeach()
