# A re-run of `ctix analyze -o` into the same folder leaves no layer of a
# domain the new text has no technique of: layer-ics.json and
# layer-mobile.json of an ICS/Mobile text are removed when an
# Enterprise-only text of the same name is analysed there, layer.json stays.
# Arguments: CTIX SOURCE_DIR WORK_DIR.
CTIX=$1
SRC=$2
WORK=$3
. "$SRC/tests/integration/common.sh"

cp "$SRC/tests/data/ttp_domains/ics-mobile.md" doc.md
run analyze -q -o out doc.md
expect_rc 0 "analyze (ICS and Mobile)"
for f in layer.json layer-ics.json layer-mobile.json; do
  [ -f "out/$f" ] || fail "first run: no out/$f"
done
cp "$SRC/examples/technical-writeup.md" doc.md
run analyze -q -o out doc.md
expect_rc 0 "analyze (Enterprise only)"
[ -f out/layer.json ] || fail "second run: no layer.json"
for f in layer-ics.json layer-mobile.json; do
  [ ! -e "out/$f" ] || fail "second run: stale out/$f left behind"
done
grep -q '"T0883"' out/layer.json && fail "second run: layer.json names T0883"
finish
