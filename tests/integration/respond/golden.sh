#!/bin/sh
# Golden tests of the response content: one advisory and one news article
# of ../shared with hand-built technique lists (the technique stage is not
# in ctix_analyze yet), so that the output depends only on the document
# reader, the IOC extractor, the knowledge base and the response module.
# The Sigma part (the "## Sigma rules" section and the "rules N" line) is
# left out of the comparison: the Sigma generator has tests of its own.
# CTIX_UPDATE_GOLDEN=1 rewrites the expected files after a deliberate change.
DRIVER=$1 SRC=$2 SHARED=$3 WORK=$4
CTIX=$DRIVER
. "$SRC/tests/integration/common.sh"
DEV=$SHARED/data/articles/dev
DATA=$SRC/tests/data/respond
skip_unless_present "the dev articles" "$DEV"

golden() { # NAME ARTICLE
  "$DRIVER" --techniques "$DATA/$1.techniques" "$DEV/$2" "$1.md" "$1.steps" 2>err.txt
  rc=$?
  sanitizer_check "$1"
  expect_rc 0 "$1"
  sed -i -e '/^## Sigma rules$/q' "$1.md"
  sed -i -e '/^rules [0-9]*$/d' "$1.steps"
  for ext in md steps; do
    if [ "${CTIX_UPDATE_GOLDEN:-0}" = 1 ]; then
      cp "$1.$ext" "$DATA/$1.expected.$ext"
    elif ! cmp -s "$1.$ext" "$DATA/$1.expected.$ext"; then
      fail "$1.$ext differs from tests/data/respond/$1.expected.$ext:"
      diff "$DATA/$1.expected.$ext" "$1.$ext" | head -n 20 >&2
    fi
  done
}

golden gunra cisa-aa26-222a-gunra.full.txt
golden beyondtrust bc-2026-02-13-beyondtrust-cve.full.txt
finish
