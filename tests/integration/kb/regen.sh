#!/bin/sh
# `make kb` regenerates data/kb from ../shared/data byte for byte: the
# committed tables are exactly what the sources and the builder give.
. "$(dirname "$0")/lib.sh"
need_shared
sh "$SRC/scripts/kb-build.sh" "$CTIX" "$SHARED/data" "$WORK/out" >out.txt 2>err.txt
rc=$?
expect_rc 0 "kb build from $SHARED/data"
for f in ctix.kb manifest.txt; do
  if ! cmp -s "$WORK/out/$f" "$SRC/data/kb/$f"; then
    fail "data/kb/$f differs from a fresh build (run 'make kb' and commit data/kb)"
  fi
done
finish
