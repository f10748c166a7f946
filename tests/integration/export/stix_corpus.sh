#!/bin/sh
# STIX bundles of every dev article and every example: deterministic, valid
# JSON (checked by the driver) and zero errors from ../shared/tools/stix-validate.
# Usage: stix_corpus.sh CORPUS_DRIVER SOURCE_DIR SHARED_DIR WORK_DIR
CORPUS=$1 SRC=$2 SHARED=$3 WORK=$4
VALIDATE="$SHARED/tools/stix-validate"
ARTICLES="$SHARED/data/articles/dev"
if [ ! -x "$VALIDATE" ] || [ ! -d "$ARTICLES" ]; then
  echo "SKIP: $SHARED (validator or dev articles) is absent" >&2
  exit 77
fi
. "$SRC/tests/integration/common.sh"

# shellcheck disable=SC2086
"$CORPUS" "$WORK" "$ARTICLES"/*.text.txt "$SRC"/examples/* >corpus.txt 2>err.txt
rc=$?
cat corpus.txt
[ "$rc" -eq 0 ] || { fail "corpus driver failed (status $rc)"; cat err.txt >&2; }
sanitizer_check "corpus driver"

n=$(ls "$WORK"/*.stix.json 2>/dev/null | wc -l)
want=$(( $(ls "$ARTICLES"/*.text.txt | wc -l) + $(ls "$SRC"/examples/* | wc -l) ))
[ "$n" -eq "$want" ] || fail "$n bundles written, $want expected"

"$VALIDATE" -q "$WORK"/*.stix.json >validate.txt 2>summary.txt
vrc=$?
cat summary.txt
if [ "$vrc" -eq 2 ]; then
  echo "SKIP: stix-validate cannot run here:" >&2
  cat validate.txt >&2
  exit 77
fi
[ "$vrc" -eq 0 ] || { fail "stix-validate found errors:"; head -n 40 validate.txt >&2; }
# Every bundle holds the report, the marking and at least one indicator or technique.
for f in "$WORK"/*.stix.json; do
  grep -q '"type": "report"' "$f" || fail "$f: no report"
  grep -q '"type": "marking-definition"' "$f" || fail "$f: no marking"
done
finish
