#!/bin/sh
# cli.sh DRIVER DATA_DIR: `sigma convert` and `sigma list` through the test
# driver (until the lead wires them into ctix): outputs, messages with
# FILE:LINE:COL, exit codes.
set -u
drv=$1 data=$2
fail() { echo "FAIL: $*"; exit 1; }
out=$("$drv" convert -t splunk -p splunk_windows "$data/good.yml") || fail "good rule: exit $?"
[ "$out" = 'source="WinEventLog:Security" EventCode=4688 NewProcessName IN ("*\\cmd.exe", "*\\powershell.exe") NOT SubjectUserName="*$"' ] \
  || fail "good rule query: $out"
"$drv" list targets | grep -q '^splunk ' || fail "list targets"
"$drv" list pipelines | grep -q '^splunk_windows ' || fail "list pipelines"
"$drv" list pipelines | grep -q '^sysmon ' || fail "list pipelines (sysmon)"
err=$("$drv" convert -t splunk "$data/bad_modifier.yml" 2>&1 >/dev/null); rc=$?
[ $rc -eq 1 ] || fail "bad modifier: exit $rc"
echo "$err" | grep -q 'bad_modifier.yml:6:9: unknown modifier .endswit.' || fail "bad modifier message: $err"
err=$("$drv" convert -t splunk "$data/bad_condition.yml" 2>&1 >/dev/null); rc=$?
[ $rc -eq 1 ] || fail "bad condition: exit $rc"
echo "$err" | grep -q 'bad_condition.yml:7:' || fail "bad condition message: $err"
err=$("$drv" convert -t splunk "$data/alias.yml" 2>&1 >/dev/null); rc=$?
[ $rc -eq 1 ] || fail "alias: exit $rc"
echo "$err" | grep -q 'aliases are not supported' || fail "alias message: $err"
"$drv" convert -t nosuch "$data/good.yml" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "unknown target: exit $rc"
"$drv" convert -t splunk -p nosuch "$data/good.yml" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "unknown pipeline: exit $rc"
js=$("$drv" convert -t splunk --json "$data/good.yml" "$data/broken.yml" 2>/dev/null)
[ "$(echo "$js" | wc -l)" -eq 2 ] || fail "--json lines: $js"
echo "$js" | grep -q '"error": null' || fail "--json ok line"
echo "$js" | grep -q '"query": null' || fail "--json error line"
# --json escapes as every JSON writer of ctix (src/util/json.c): U+2028 and
# DEL as \u escapes, control characters as lower-case \u00xx, an invalid
# UTF-8 byte (here in a file name) as U+FFFD rather than a null string
tmp=$(mktemp -d) || fail "mktemp"
trap 'rm -rf "$tmp"' EXIT
printf 'title: Esc\nid: 3f1e7a52-1b2c-4d5e-8f90-0a1b2c3d4e5f\nlogsource: {product: windows}\ndetection:\n  s:\n    F: "a\\u2028b\\x7fc\\x1fd"\n  condition: s\n' > "$tmp/esc.yml"
cp "$tmp/esc.yml" "$(printf '%s/bad\377name.yml' "$tmp")" || fail "cp"
js=$("$drv" convert -t splunk --json "$tmp") || fail "escape rules: exit $?"
[ "$(echo "$js" | grep -cF '"query": ["F=\"a\u2028b\u007fc\u001fd\""]')" -eq 2 ] || fail "--json escapes: $js"
echo "$js" | grep -qF "\"rule\": \"$tmp/bad$(printf '\357\277\275')name.yml\"" || fail "--json invalid UTF-8: $js"
echo "cli ok"
