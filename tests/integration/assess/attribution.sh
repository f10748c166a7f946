#!/bin/sh
# `ctix eval attribution`: attribution by resemblance checked on ATT&CK's
# own campaigns (each left out of every profile). Measured with ATT&CK
# 18.1 (docs/attribution.md): 24 campaigns, top-1 62.5 %, top-5 79.2 %
# with software, 33.3 % / 58.3 % with techniques only. The floors are a
# little below, so a regression of the measure fails while a new ATT&CK
# release moving one campaign does not.
CTIX=$1
SRC=$2
WORK=$3
unset CTIX_KB
. "$SRC/tests/integration/common.sh"

run eval attribution --json
expect_rc 0 "eval attribution --json"
python3 - out.txt <<'PY' || fail "eval attribution --json: rates below the floors"
import json, sys
d = json.load(open(sys.argv[1]))
floors = {"n": 20, "top1": 0.55, "top5": 0.70}
tech = {"top1": 0.25, "top5": 0.50}
bad = [k for k, v in floors.items() if d[k] < v]
bad += ["techniques_only." + k for k, v in tech.items() if d["techniques_only"][k] < v]
# every case is a real campaign with its rank in range
for c in d["campaigns"]:
    assert c["campaign"].startswith("C") and c["group"].startswith("G"), c
    assert 0 <= c["rank"] and 0 <= c["rank_techniques_only"], c
assert len(d["campaigns"]) == d["n"]
top1 = sum(1 for c in d["campaigns"] if c["rank"] == 1) / d["n"]
assert abs(top1 - d["top1"]) < 1e-3, (top1, d["top1"])
if bad:
    print("below the floor:", bad, json.dumps({k: d[k] for k in ("n", "top1", "top5", "techniques_only")}))
    sys.exit(1)
PY

# The same numbers as text.
run eval attribution
expect_rc 0 "eval attribution"
expect_grep "top-1" out.txt "eval attribution"
expect_grep "techniques only" out.txt "eval attribution"

# Usage errors.
run eval attribution --measure nonsense
expect_rc 2 "eval attribution --measure nonsense"
run eval attribution extra-operand
expect_rc 2 "eval attribution with an operand"

finish
