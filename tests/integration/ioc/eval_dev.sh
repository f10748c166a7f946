# `ctix eval ioc` on the dev cases of ../shared/data/ioc: the targets of
# issue 4. micro-F1 (all scored types, and the README's ten core types)
# >= 0.97, defanged cases >= 0.95, and every type's F1 (rounded to two
# decimals, as the README reports the peers) at or above the best peer's
# F1 in the README's score table. Prints the per-type table either way.
. "$(dirname "$0")/lib.sh"
need_shared

IOC=$SHARED/data/ioc
run eval ioc --json --verbose "$IOC"/*/cases.dev.jsonl
expect_rc 0 "eval ioc on the dev cases"
cp out.txt eval.json
$PY targets eval.json "$IOC/README.md" >targets.txt 2>&1 || {
  cat targets.txt >&2
  fail "issue 4 targets not met (see above)"
}
run eval ioc "$IOC"/*/cases.dev.jsonl
cat out.txt
finish
