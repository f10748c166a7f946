# The decision trace of Mobile and ICS ids: `ctix eval ttp --parents
# --trace` on tests/data/ttp_domains/items.jsonl (ICS and Mobile ids in
# texts over 20 sentences, a revoked Mobile id, negated and hypothetical
# ones) finds every gold id, and tools/ttp/decide_replay.py, reading the
# model score the trace gives such an id's sentence, replays ctix's
# decision exactly. Arguments: CTIX SOURCE_DIR WORK_DIR.
CTIX=$1
SRC=$2
WORK=$3
. "$SRC/tests/integration/common.sh"

ITEMS="$SRC/tests/data/ttp_domains/items.jsonl"
run eval ttp --parents --json --trace items.trace "$ITEMS"
expect_rc 0 "eval ttp"
python3 - out.txt <<'PY' >eval.txt 2>&1 || fail "eval: $(cat eval.txt)"
import json, sys
r = json.load(open(sys.argv[1]))
m = r["micro"]
sys.exit(0 if m["fn"] == 0 and m["tp"] == 4 else 1)
PY
expect_grep "hit " items.trace "trace hits"
python3 - items.trace <<'PY' >hits.txt 2>&1 || fail "trace: $(cat hits.txt)"
import sys
foreign = [l.split() for l in open(sys.argv[1]) if l.startswith("hit ") and len(l.split()) == 6]
ids = {p[2] for p in foreign}
want = {"T0883", "T0821", "T0849", "T1636.004", "T1628.001", "T0885"}
sys.exit(0 if ids == want else 1)
PY
python3 "$SRC/tools/ttp/decide_replay.py" --parents items.trace >replay.txt 2>&1 ||
  fail "decide_replay.py failed: $(cat replay.txt)"
grep -q "differs from ctix 0\$" replay.txt || fail "decide_replay.py differs from ctix: $(cat replay.txt)"
finish
