#!/bin/sh
# `ctix eval ttp` on the dev sets of ../shared/data/ttp-eval with the
# embedded model. The model was trained on these sets, so these are
# in-sample numbers: the floors (a little below what docs/ttp.md reports)
# catch a broken pipeline, a broken label mapping or a model that no
# longer fits its own data; the cross-validated numbers are checked by
# ttp_cv.
. "$(dirname "$0")/lib.sh"
need_shared
SETS=$SHARED/data/ttp-eval

run eval ttp --json --labels tram50 "$SETS/tram2-docs/dev.jsonl"
expect_rc 0 "eval ttp tram2-docs"
expect_at_least n 120 "tram2-docs"
expect_at_least doc_f1 0.74 "tram2-docs per-document F1"

run eval ttp --json --parents "$SETS/annoctr/dev.jsonl"
expect_rc 0 "eval ttp annoctr"
expect_at_least doc_f1 0.63 "annoctr per-document F1 (parents)"

run eval ttp --json --labels tram50 "$SETS/tram2-multi/dev.jsonl"
expect_rc 0 "eval ttp tram2-multi"
expect_at_least micro.f1 0.58 "tram2-multi sentence micro-F1"

run eval ttp --json --parents "$SETS/annoctr-sent/dev.jsonl"
expect_rc 0 "eval ttp annoctr-sent"
expect_at_least micro.f1 0.54 "annoctr-sent sentence micro-F1"

# Literal ids ignored: still a working mapper.
run eval ttp --json --labels tram50 --ignore-explicit-ids "$SETS/tram2-docs/dev.jsonl"
expect_rc 0 "eval ttp --ignore-explicit-ids"
expect_at_least doc_f1 0.74 "tram2-docs without literal ids"
finish
