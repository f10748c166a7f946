#!/bin/sh
# Response content of every dev article (../shared) and every sample of
# examples/, through the whole pipeline (the driver runs the stages that
# ctix_analyze does not run yet): the driver succeeds without a sanitizer
# report, response.md has its title and sections, an article whose authors
# list indicators gets hunting or blocking steps, and a second run gives
# the same bytes (determinism).
DRIVER=$1 SRC=$2 SHARED=$3 WORK=$4
CTIX=$DRIVER
. "$SRC/tests/integration/common.sh"
DEV=$SHARED/data/articles/dev
skip_unless_present "the dev articles" "$DEV"

n=0
for input in "$DEV"/*.full.txt "$SRC"/examples/*.md "$SRC"/examples/*.html; do
  [ -f "$input" ] || continue
  name=$(basename "$input")
  n=$((n + 1))
  for run in 1 2; do
    "$DRIVER" "$input" "$name.$run.md" "$name.$run.steps" 2>err.txt
    rc=$?
    sanitizer_check "$name (run $run)"
    expect_rc 0 "$name (run $run)"
  done
  [ -s "$name.1.md" ] || { fail "$name: no response.md"; continue; }
  cmp -s "$name.1.md" "$name.2.md" || fail "$name: response.md differs between two runs"
  cmp -s "$name.1.steps" "$name.2.steps" || fail "$name: steps differ between two runs"
  for heading in "# Response: " "## Response steps" "## Countermeasures" "## Sigma rules"; do
    expect_grep "$heading" "$name.1.md" "$name"
  done
  grep -q "^countermeasures [0-9]" "$name.1.steps" || fail "$name: no countermeasure count"
  # The authors list indicators: some step must hunt or block them.
  json=${input%.full.txt}.json
  if [ -f "$json" ] && python3 -c "import json,sys; sys.exit(0 if any(json.load(open(sys.argv[1])).get('iocs', {}).values()) else 1)" "$json"; then
    grep -Eq "^(detection-and-analysis|containment)	(hunt|block)-" "$name.1.steps" ||
      fail "$name: the article lists indicators but no hunting or blocking step came out"
  fi
  # Every step line is a checklist item on one line.
  steps=$(grep -c "^[a-z-]*	" "$name.1.steps")
  items=$(grep -c "^- \[ \] " "$name.1.md")
  [ "$steps" -eq "$items" ] || fail "$name: $steps steps but $items checklist items"
done
[ "$n" -ge 10 ] || fail "only $n articles found"
echo "$n articles"
finish
