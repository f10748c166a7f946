#!/bin/sh
# Golden test: the Sigma rules of examples/technical-writeup.md (the
# pipeline's stages, the labels-free path) are exactly those kept in
# tests/data/sigma/golden/ (regenerate with CTIX_UPDATE_GOLDEN=1 after a
# deliberate change and review the diff).
# Usage: sigma_golden.sh DRIVER CTIX SOURCE_DIR SHARED_DIR WORK_DIR
DRIVER=$1 SRC=$3 WORK=$5
. "$SRC/tests/integration/common.sh"
GOLDEN=$SRC/tests/data/sigma/golden
mkdir -p out
CTIX_SIGMA_CORPUS_PLAIN=1 "$DRIVER" "$WORK/out" "$SRC/examples/technical-writeup.md" >/dev/null 2>err.txt ||
  fail "driver failed: $(head -c 300 err.txt)"
rc=0
sanitizer_check "driver"
got=$WORK/out/technical-writeup.md
rm -f "$got/iocs.jsonl"
if [ "${CTIX_UPDATE_GOLDEN:-}" = 1 ]; then
  rm -rf "$GOLDEN" && mkdir -p "$GOLDEN" && cp "$got"/*.yml "$GOLDEN"/
fi
diff -r "$GOLDEN" "$got" >diff.txt || fail "rules differ from $GOLDEN: $(head -n 20 diff.txt)"
[ "$(ls "$got" | wc -l)" -gt 0 ] || fail "no rules generated"
finish
