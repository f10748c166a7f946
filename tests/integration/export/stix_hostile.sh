#!/bin/sh
# Hostile observables (quotes, backslashes, ']', control characters, odd
# Unicode, invalid UTF-8) and 10,000 generated ones: the bundles are
# deterministic JSON (checked by the driver) and pass
# ../shared/tools/stix-validate with zero errors, patterns included.
# Usage: stix_hostile.sh CORPUS_DRIVER SOURCE_DIR SHARED_DIR WORK_DIR
CORPUS=$1 SRC=$2 SHARED=$3 WORK=$4
VALIDATE="$SHARED/tools/stix-validate"
if [ ! -x "$VALIDATE" ]; then
  echo "SKIP: $VALIDATE is absent" >&2
  exit 77
fi
. "$SRC/tests/integration/common.sh"

for n in 0 10000; do
  "$CORPUS" --hostile "$WORK" "$n" 2>err.txt
  rc=$?
  [ "$rc" -eq 0 ] || { fail "hostile $n: driver failed (status $rc)"; cat err.txt >&2; }
  sanitizer_check "hostile $n"
done
"$VALIDATE" -q "$WORK"/hostile-*.stix.json >validate.txt 2>summary.txt
vrc=$?
cat summary.txt
if [ "$vrc" -eq 2 ]; then
  echo "SKIP: stix-validate cannot run here:" >&2
  cat validate.txt >&2
  exit 77
fi
[ "$vrc" -eq 0 ] || { fail "stix-validate found errors:"; head -n 40 validate.txt >&2; }
n=$(grep -c '"type": "indicator"' "$WORK/hostile-10000.stix.json")
[ "$n" -ge 10000 ] || fail "hostile 10000: only $n indicators"
finish
