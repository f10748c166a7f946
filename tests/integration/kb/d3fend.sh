#!/bin/sh
# D3FEND countermeasures: for every ATT&CK id of the mappings CSV the
# technique's own (or inherited) countermeasures are the CSV's; parents
# also get their sub-techniques' (rolled up); T1059.001 shows the hand
# check of ../shared/data/d3fend/README.md, grouped by D3FEND tactic.
. "$(dirname "$0")/lib.sh"
need_shared
$CHECK d3fend-ids "$SHARED/data" >ids.txt || fail "cannot list the mapped ids"
# shellcheck disable=SC2046
run kb show --json $(cat ids.txt)
expect_rc 0 "kb show of every mapped id"
$CHECK d3fend "$SHARED/data" out.txt || fail "countermeasures differ from the mappings CSV"
# The hand check, in the text output, under its tactic.
run kb show T1059.001
expect_rc 0 "kb show T1059.001"
for id in D3-DA D3-EFA D3-FA D3-FIM D3-EAL D3-EDL D3-CF D3-CM D3-CQ D3-LFP D3-RFAM D3-FE \
          D3-FEV D3-RF D3-DF; do
  expect_grep "      $id " out.txt "T1059.001 countermeasure"
done
awk '/D3FEND countermeasures/ {on=1; next} on && /^    [A-Z]/ {t=$1} on && /^      D3-/ {print t, $1}' \
  out.txt >tactics.txt
for pair in "Detect D3-DA" "Detect D3-FIM" "Isolate D3-EAL" "Isolate D3-RFAM" "Harden D3-FE" \
            "Evict D3-FEV" "Restore D3-RF" "Deceive D3-DF"; do
  expect_grep "$pair" tactics.txt "T1059.001 tactic of a countermeasure"
done
finish
