#!/bin/sh
# `ctix kb info --json` (the embedded tables) against object counts
# computed independently from the ATT&CK bundles, the D3FEND CSVs and the
# KEV feed in ../shared/data.
. "$(dirname "$0")/lib.sh"
need_shared
run kb info --json
expect_rc 0 "kb info --json"
$CHECK counts "$SHARED/data" out.txt || fail "counts differ from the sources"
finish
