#!/bin/sh
# `ctix kb` on the command line, without ../shared: the embedded tables
# (info, show, search), tables built from tests/data/kb loaded with --kb
# and CTIX_KB, corrupt tables, bad build input, usage errors.
. "$(dirname "$0")/lib.sh"
DATA=$SRC/tests/data/kb

run kb --help
expect_rc 0 "kb --help"
expect_grep "ctix kb build" out.txt "kb --help"

run kb info --json
expect_rc 0 "kb info --json"
$CHECK info out.txt embedded || fail "kb info --json is not the expected object"

run kb info
expect_rc 0 "kb info"
expect_grep "origin: embedded" out.txt "kb info"
expect_grep "attack-enterprise" out.txt "kb info"

# The ids of the issue, one call, JSON array in argument order.
run kb show T1566.001 G0016 S0002 C0024 M1032 D3-DA CVE-2021-44228 --json
expect_rc 0 "kb show of the example ids"
$CHECK show-examples out.txt || fail "kb show --json of the example ids"

run kb show T1566.001
expect_rc 0 "kb show T1566.001"
expect_grep "Spearphishing Attachment" out.txt "kb show T1566.001"
expect_grep "D3FEND countermeasures" out.txt "kb show T1566.001"
expect_grep "D3-EF " out.txt "kb show T1566.001"

run kb show t1086
expect_rc 0 "kb show of a revoked id"
expect_grep "replaced by  T1059.001" out.txt "kb show t1086"

run kb show "cozy bear"
expect_rc 0 "kb show of an alias"
expect_grep "G0016  APT29" out.txt "kb show cozy bear"

run kb show CVE-1999-0001
expect_rc 0 "kb show of a CVE not in KEV"
expect_grep "not in the CISA KEV catalog" out.txt "kb show CVE-1999-0001"

run kb show T9999.999
expect_rc 1 "kb show of an unknown id"
expect_grep "T9999.999" err.txt "kb show T9999.999"
expect_one_line "kb show T9999.999"

run kb search powershell
expect_rc 0 "kb search powershell"
[ "$(head -n 1 out.txt | cut -d ' ' -f 1)" = "T1059.001" ] ||
  fail "kb search powershell: T1059.001 not first: $(head -n 3 out.txt)"

run kb search --limit 2 --json apt
expect_rc 0 "kb search --json"
python3 -c 'import json,sys; a=json.load(open("out.txt")); sys.exit(len(a)!=2 or a[0]["score"]<a[1]["score"])' ||
  fail "kb search --limit 2 --json: $(head -c 300 out.txt)"

run kb search qqqzzzxxx
expect_rc 1 "kb search without a match"

run kb frobnicate
expect_rc 2 "unknown sub-command"
expect_one_line "unknown sub-command"
run kb show
expect_rc 2 "kb show without an id"
run kb info --limit 3
expect_rc 2 "kb info --limit"
run kb build --attack "$DATA/enterprise.json"
expect_rc 2 "kb build without --kev"

# Tables built from the test sources, read with --kb and CTIX_KB.
run kb build --attack "$DATA/enterprise.json" "$DATA/ics.json" --d3fend "$DATA/d3fend" \
  --d3fend-version 0.0.1 --kev "$DATA/kev.json" -o "$WORK/mini"
expect_rc 0 "kb build of the test sources"
[ -s "$WORK/mini/ctix.kb" ] && [ -s "$WORK/mini/manifest.txt" ] || fail "kb build wrote no tables"
run kb --kb "$WORK/mini" info --json
expect_rc 0 "kb info --kb"
$CHECK info out.txt "$WORK/mini/ctix.kb" || fail "kb info --json --kb DIR"
CTIX_KB=$WORK/mini "$CTIX" kb show G0001 >out.txt 2>err.txt
rc=$?
sanitizer_check "CTIX_KB=DIR kb show"
expect_rc 0 "CTIX_KB=DIR kb show"
expect_grep "Alpha Group" out.txt "CTIX_KB=DIR kb show G0001"

# Corrupt tables: one clear line, exit 1.
head -c 2000 "$WORK/mini/ctix.kb" >"$WORK/short.kb"
mkdir -p "$WORK/corrupt" && mv "$WORK/short.kb" "$WORK/corrupt/ctix.kb"
run kb info --kb "$WORK/corrupt"
expect_rc 1 "kb info on truncated tables"
expect_grep "corrupt" err.txt "kb info on truncated tables"
expect_one_line "kb info on truncated tables"
run kb info --kb "$WORK/nonexistent"
expect_rc 1 "kb info --kb on a missing folder"

# Bad build input: file and position on one line, exit 1, nothing written.
head -c 3000 "$DATA/enterprise.json" >"$WORK/truncated.json"
run kb build --attack "$WORK/truncated.json" --d3fend "$DATA/d3fend" --d3fend-version 0 \
  --kev "$DATA/kev.json" -o "$WORK/bad"
expect_rc 1 "kb build of a truncated bundle"
expect_grep "truncated.json:" err.txt "kb build of a truncated bundle"
expect_grep "invalid JSON" err.txt "kb build of a truncated bundle"
expect_one_line "kb build of a truncated bundle"
[ ! -e "$WORK/bad/ctix.kb" ] || fail "kb build wrote tables from bad input"
finish
