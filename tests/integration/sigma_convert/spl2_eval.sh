#!/bin/sh
# spl2_eval.sh DRIVER SHARED_DIR: ctix's SPL2 queries group ORs under ANDs
# (WHERE evaluates AND before OR) where pySigma's do not, and escape the
# backslashes of string values (SPL2 strings read '\' as an escape) where
# pySigma leaves them single; every other query must be identical. Requires
# identical + differ-in-brackets-only + differ-in-quoting-only = every query
# both converted, and pysigma_only_ok 0. Exit 77 without ../shared.
set -eu
drv=$1 shared=$2
ref=$shared/data/sigma/reference/splunk_spl2__splunk_windows.jsonl
[ -f "$ref" ] || { echo "skip: $ref absent"; exit 77; }
out=$("$drv" eval "$ref" --rules "$shared/data/sigma/rules" --json)
echo "$out"
get() { echo "$out" | sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p"; }
same=$(get identical) br=$(get differ_in_brackets_only) both=$(get both_ok) only=$(get pysigma_only_ok)
q=$(get differ_in_quoting_only)
[ -n "$same" ] && [ -n "$br" ] && [ -n "$q" ] && [ -n "$both" ] || { echo "no result"; exit 1; }
[ $((same + br + q)) -eq "$both" ] ||
  { echo "identical $same + brackets-only $br + quoting-only $q != both_ok $both"; exit 1; }
[ "$only" = 0 ] || { echo "pysigma_only_ok=$only"; exit 1; }
