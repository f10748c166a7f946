#!/bin/sh
# Sigma rules of every dev article and every example: deterministic (the
# driver builds them twice), valid against the Sigma JSON schema, accepted
# by `ctix sigma check`, and holding every `ioc` observable (validate.py).
# Usage: sigma_corpus.sh DRIVER CTIX SOURCE_DIR SHARED_DIR WORK_DIR
DRIVER=$1 CTIX=$2 SRC=$3 SHARED=$4 WORK=$5
ARTICLES="$SHARED/data/articles/dev"
SCHEMA="$SHARED/data/sigma/spec/sigma-detection-rule-schema.json"
if [ ! -d "$ARTICLES" ] || [ ! -f "$SCHEMA" ]; then
  echo "SKIP: $SHARED (dev articles or Sigma schema) is absent" >&2
  exit 77
fi
if ! python3 -c 'import yaml, jsonschema' 2>/dev/null; then
  echo "SKIP: python3-yaml and python3-jsonschema are needed (scripts/deps.sh)" >&2
  exit 77
fi
. "$SRC/tests/integration/common.sh"

mkdir -p out
"$DRIVER" "$WORK/out" "$ARTICLES"/*.text.txt "$SRC"/examples/* >corpus.txt 2>err.txt
rc=$?
cat corpus.txt
[ "$rc" -eq 0 ] || { fail "corpus driver failed (status $rc)"; cat err.txt >&2; }
sanitizer_check "corpus driver"

n=$(ls -d "$WORK"/out/*/ 2>/dev/null | wc -l)
want=$(( $(ls "$ARTICLES"/*.text.txt | wc -l) + $(ls "$SRC"/examples/* | wc -l) ))
[ "$n" -eq "$want" ] || fail "$n articles written, $want expected"

python3 "$SRC/tests/integration/sigma/validate.py" "$SCHEMA" "$WORK/out" >validate.txt 2>&1 ||
  fail "schema or coverage: $(grep -c FAIL validate.txt) failures: $(grep FAIL validate.txt | head -n 5)"
tail -n 1 validate.txt

run sigma check --strict "$WORK/out"
expect_rc 0 "ctix sigma check --strict on the generated rules"
[ "$rc" -eq 0 ] || head -n 10 out.txt >&2
cat err.txt
finish
