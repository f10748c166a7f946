# `analyze --implied`: named software adds its known techniques as
# `implied` findings (low confidence, signal software) and leaves every
# observed or potential finding as it was; without the option there are none.
. "$(dirname "$0")/lib.sh"

printf '%s\n' "The intruders ran Mimikatz on the domain controller to dump credentials." \
  "They then deployed Cobalt Strike beacons and used PowerShell scripts to move laterally." >in.txt
run analyze -q -o plain in.txt
expect_rc 0 "analyze without --implied"
run analyze -q --implied -o implied in.txt
expect_rc 0 "analyze --implied"
python3 - plain/report.json implied/report.json >check.txt 2>&1 <<'PY' || fail "implied findings: $(head -n 5 check.txt)"
import json, sys
plain = json.load(open(sys.argv[1]))["techniques"]
impl = json.load(open(sys.argv[2]))["techniques"]
assert not [t for t in plain if t["status"] == "implied"], "implied without --implied"
found = [t for t in impl if t["status"] == "implied"]
assert len(found) >= 5, "too few implied techniques: %d" % len(found)
for t in found:
    assert t["confidence"] < 0.5, t
    assert t["signals"] == ["software"], t
key = lambda t: (t["id"], t["status"], t["confidence"])
rest = sorted(key(t) for t in impl if t["status"] != "implied")
assert rest == sorted(key(t) for t in plain), "observed/potential findings changed"
assert rest, "no observed finding in the text"
PY
finish
