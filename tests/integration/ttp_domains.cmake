# Integration test of the Mobile and ICS techniques through every writer
# (docs/ttp.md "Mobile and ICS techniques"), run as
# `sh tests/integration/ttp_domains/NAME.sh CTIX SOURCE_DIR [SHARED_DIR] WORK_DIR`:
#   ttp_domains_writers  `ctix analyze -o` on tests/data/ttp_domains (ICS and
#                        Mobile ids, a revoked one, a negated one, one in a
#                        reference section), the two CISA ICS advisories of
#                        ../shared/data/articles/dev and an Enterprise-only
#                        example: each technique's report `domain`, the
#                        layer-ics.json / layer-mobile.json present only with
#                        such techniques, the STIX kill chains, the MISP tags
#                        (Mobile in a galaxy, ICS in a comment); every bundle, layer and event
#                        passes stix-validate, navigator-validate --attack and
#                        misp-validate with zero errors.
#   ttp_domains_replay   `ctix eval ttp --parents --trace` on
#                        tests/data/ttp_domains/items.jsonl (ICS and Mobile ids
#                        in long texts): every gold id found, the trace marks
#                        their hits with the model score of their sentence, and
#                        tools/ttp/decide_replay.py replays the decision exactly
#                        (no ../shared needed).
#   ttp_domains_stale    a second `ctix analyze -o` into the same folder, on an
#                        Enterprise-only text of the same name, removes the
#                        layer-ics.json and layer-mobile.json of the first.
# ttp_domains_writers reads ../shared (label shared-data) and skips (77) without it.
add_test(NAME ttp_domains_writers
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/ttp_domains/writers.sh $<TARGET_FILE:ctix_cli>
                 ${CMAKE_SOURCE_DIR} ${CTIX_SHARED_DIR}
                 ${CMAKE_CURRENT_BINARY_DIR}/ttp_domains/writers)
set_tests_properties(ttp_domains_writers PROPERTIES LABELS "integration;shared-data"
                     SKIP_RETURN_CODE 77)
add_test(NAME ttp_domains_replay
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/ttp_domains/replay.sh $<TARGET_FILE:ctix_cli>
                 ${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/ttp_domains/replay)
set_tests_properties(ttp_domains_replay PROPERTIES LABELS "integration" SKIP_RETURN_CODE 77)
add_test(NAME ttp_domains_stale
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/ttp_domains/stale.sh $<TARGET_FILE:ctix_cli>
                 ${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/ttp_domains/stale)
set_tests_properties(ttp_domains_stale PROPERTIES LABELS "integration" SKIP_RETURN_CODE 77)
