#!/bin/sh
# eval.sh DRIVER SHARED_DIR REF MIN_PCT: converts the rules listed in
# SHARED_DIR/data/sigma/reference/REF.jsonl and requires identical_pct >=
# MIN_PCT, no rule pySigma converts that ctix fails (pysigma_only_ok 0).
set -eu
drv=$1 shared=$2 ref=$3 min=$4
dir=$shared/data/sigma
[ -f "$dir/reference/$ref.jsonl" ] || { echo "skip: $dir/reference/$ref.jsonl absent"; exit 77; }
out=$("$drv" eval "$dir/reference/$ref.jsonl" --rules "$dir/rules" --json)
echo "$out"
pct=$(echo "$out" | sed -n 's/.*"identical_pct": \([0-9.]*\).*/\1/p')
only=$(echo "$out" | sed -n 's/.*"pysigma_only_ok": \([0-9]*\).*/\1/p')
[ -n "$pct" ] || { echo "no result"; exit 1; }
awk -v p="$pct" -v m="$min" 'BEGIN { exit !(p >= m) }' || { echo "identical $pct% < $min%"; exit 1; }
[ "$only" = 0 ] || { echo "pysigma_only_ok=$only"; exit 1; }
