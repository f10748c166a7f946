#!/bin/sh
# formats.sh DRIVER DATA_DIR [RULES_DIR]: `sigma convert --format` through
# the test driver. savedsearches (-t splunk) and json for the rules of
# DATA_DIR (a regex under OR makes a multi-line query, a multi-line
# description, two rules with one title, a rule that cannot be converted),
# or of RULES_DIR (the whole SigmaHQ corpus; exit 77 when absent), checked
# by formats_check.py against the --json output of the same rules; ndjson
# (-t lucene) likewise; -o FILE, bad --format values, savedsearches and
# ndjson with a target they do not take.
set -u
drv=$1 data=$2 rules=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "FAIL: $*"; exit 1; }
command -v python3 >/dev/null 2>&1 || { echo "skip: python3 absent"; exit 77; }
if [ -n "$rules" ]; then
  [ -d "$rules" ] || { echo "skip: $rules absent"; exit 77; }
  data=$rules
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ctix-formats.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

"$drv" convert -t splunk --json "$data" >"$tmp/ref.jsonl" 2>/dev/null
[ -s "$tmp/ref.jsonl" ] || fail "--json gave nothing"
"$drv" convert -t splunk --format savedsearches -o "$tmp/out.conf" "$data" 2>"$tmp/err"; rc=$?
grep -q '"error": null' "$tmp/ref.jsonl" || fail "no rule converted"
if grep -q '"query": null' "$tmp/ref.jsonl"; then
  [ $rc -eq 1 ] || fail "savedsearches with a failing rule: exit $rc"
else
  [ $rc -eq 0 ] || fail "savedsearches: exit $rc"
fi
python3 "$here/formats_check.py" savedsearches "$tmp/out.conf" "$tmp/ref.jsonl" || exit 1
"$drv" convert -t splunk --format json "$data" >"$tmp/out.json" 2>/dev/null
python3 "$here/formats_check.py" json "$tmp/out.json" "$tmp/ref.jsonl" || exit 1

if [ -z "$rules" ]; then
  # the stanzas of this data: severity from the level, ATT&CK annotations,
  # a repeated title made unique with the rule id, the failure as a comment
  grep -q '^\[Regex under OR  test \]$' "$tmp/out.conf" || fail "stanza name: $(grep '^\[' "$tmp/out.conf")"
  grep -q '^alert.severity = 5$' "$tmp/out.conf" || fail "severity of a high rule"
  grep -q '^action.correlationsearch.annotations = {"mitre_attack": \["T1059.001", "T1105"\]}$' \
    "$tmp/out.conf" || fail "annotations"
  grep -q '^\[Same title\]$' "$tmp/out.conf" || fail "first of a repeated title"
  grep -q '^\[Same title - 7a3c9e10-2f4d-4c8b-8e21-6d5f0b1a9c02\]$' "$tmp/out.conf" \
    || fail "second of a repeated title"
  grep -q '^# ctix: not converted: .*placeholder.yml' "$tmp/out.conf" || fail "failure comment"
  grep -q 'placeholder.yml' "$tmp/err" || fail "failure on stderr"
  # the regex prelude spans lines: each but the last ends with a backslash
  [ "$(sed -n '/^search = | rex/,/^$/p' "$tmp/out.conf" | grep -c '\\$')" -eq 2 ] \
    || fail "continuation lines: $(cat "$tmp/out.conf")"
fi

"$drv" convert -t lucene -p ecs_windows --format ndjson "$data" >"$tmp/out.ndjson" 2>/dev/null
"$drv" convert -t lucene -p ecs_windows --json "$data" >"$tmp/lref.jsonl" 2>/dev/null
python3 "$here/formats_check.py" ndjson "$tmp/out.ndjson" "$tmp/lref.jsonl" || exit 1
"$drv" convert -t splunk --format ndjson "$data" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "ndjson with splunk: exit $rc"

"$drv" convert -t splunk --format nosuch "$data" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "unknown format: exit $rc"
"$drv" convert -t splunk_spl2 --format savedsearches "$data" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "savedsearches with splunk_spl2: exit $rc"
"$drv" convert -t splunk --format json --json "$data" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "--json with --format: exit $rc"
"$drv" convert -t splunk -o "$tmp/no/such/dir/x" "$data" >/dev/null 2>&1; rc=$?
[ $rc -eq 3 ] || fail "unwritable -o: exit $rc"
echo "formats ok"
