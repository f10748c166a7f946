# `ctix eval refang` on the dev refang pairs of ../shared/data/ioc: at least
# 99 % of the pairs refanged exactly (issue 4).
. "$(dirname "$0")/lib.sh"
need_shared

run eval refang --json "$SHARED/data/ioc/refang/pairs.dev.jsonl"
expect_rc 0 "eval refang on the dev pairs"
cp out.txt refang.json
python3 - refang.json <<'PY' || fail "refang: below 99 % ($(cat out.txt))"
import json, sys
r = json.load(open(sys.argv[1]))
print(f"refang: {r['passed']}/{r['pairs']} = {r['percent']:.2f} %")
sys.exit(0 if r["pairs"] >= 100 and r["percent"] >= 99.0 else 1)
PY
run eval refang --verbose "$SHARED/data/ioc/refang/pairs.dev.jsonl"
head -n 40 out.txt
finish
