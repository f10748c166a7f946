#!/bin/sh
# eval.sh DRIVER SHARED_DIR REF MIN_PCT [quoting]: converts the rules listed in
# SHARED_DIR/data/sigma/reference/REF.jsonl and requires identical_pct >=
# MIN_PCT, no rule pySigma converts that ctix fails (pysigma_only_ok 0).
# With "quoting", the share counts the queries that differ in quoting only
# (field names EQL needs in backticks) as identical.
set -eu
drv=$1 shared=$2 ref=$3 min=$4 mode=${5:-}
dir=$shared/data/sigma
[ -f "$dir/reference/$ref.jsonl" ] || { echo "skip: $dir/reference/$ref.jsonl absent"; exit 77; }
out=$("$drv" eval "$dir/reference/$ref.jsonl" --rules "$dir/rules" --json)
echo "$out"
pct=$(echo "$out" | sed -n 's/.*"identical_pct": \([0-9.]*\).*/\1/p')
only=$(echo "$out" | sed -n 's/.*"pysigma_only_ok": \([0-9]*\).*/\1/p')
[ -n "$pct" ] || { echo "no result"; exit 1; }
if [ "$mode" = quoting ]; then
  get() { echo "$out" | sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p"; }
  same=$(get identical) q=$(get differ_in_quoting_only) both=$(get both_ok)
  [ -n "$q" ] && [ "$both" -gt 0 ] || { echo "no quoting result"; exit 1; }
  pct=$(awk -v s="$same" -v q="$q" -v b="$both" -v o="$only" 'BEGIN { printf "%.2f", 100 * (s + q) / (b + o) }')
  echo "identical or differing in quoting only: $pct%"
fi
awk -v p="$pct" -v m="$min" 'BEGIN { exit !(p >= m) }' || { echo "identical $pct% < $min%"; exit 1; }
[ "$only" = 0 ] || { echo "pysigma_only_ok=$only"; exit 1; }
