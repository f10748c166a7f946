#!/bin/sh
# Round trip: the rules `ctix analyze` writes to sigma/ for every article of
# ../shared/data/articles/dev and every example load back in ctix's own
# Sigma reader and convert to Splunk (`ctix sigma convert`), and pass
# `ctix sigma check --strict`. Skips (77) without ../shared; the examples
# alone are still not enough to cover the templates, so the corpus is needed.
# Usage: sigma_roundtrip.sh DRIVER CTIX SOURCE_DIR SHARED_DIR WORK_DIR
CTIX=$2 SRC=$3 SHARED=$4 WORK=$5
. "$SRC/tests/integration/common.sh"
skip_unless_present "the article corpus" "$SHARED/data/articles/dev"
mkdir -p "$WORK" && cd "$WORK" || exit 1
rm -rf out
"$CTIX" analyze -q -o out --format sigma "$SHARED"/data/articles/dev/*.text.txt "$SRC"/examples/* \
  >/dev/null 2>err.txt
rc=$?
sanitizer_check "ctix analyze" err.txt
[ "$rc" -eq 0 ] || fail "ctix analyze exit $rc: $(head -c 300 err.txt)"
n=$(find out -name '*.yml' | wc -l | tr -d ' ')
[ "$n" -gt 20 ] || fail "only $n rules written"
"$CTIX" sigma convert -t splunk out/*/sigma >queries.txt 2>conv.err
rc=$?
sanitizer_check "ctix sigma convert" conv.err
[ "$rc" -eq 0 ] || fail "ctix sigma convert exit $rc: $(head -n 5 conv.err)"
q=$(wc -l <queries.txt | tr -d ' ')
[ "$q" -eq "$n" ] || fail "$n rules but $q queries"
"$CTIX" sigma check --strict out/*/sigma >check.txt 2>check.err
rc=$?
sanitizer_check "ctix sigma check" check.err
[ "$rc" -eq 0 ] || fail "ctix sigma check --strict exit $rc: $(head -n 5 check.txt)"
echo "$n generated rules load, convert to Splunk and pass the checker"
finish
