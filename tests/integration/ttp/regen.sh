#!/bin/sh
# `ctix model train` rebuilds data/ttp/model.bin from ../shared byte for
# byte: the committed model is exactly what the data and the trainer give.
. "$(dirname "$0")/lib.sh"
need_shared
skip_unless_present "the committed model" "$SRC/data/ttp/model.bin"
run model train --shared "$SHARED" -o "$WORK/model.bin" --quiet
expect_rc 0 "model train"
if ! cmp -s "$WORK/model.bin" "$SRC/data/ttp/model.bin"; then
  fail "data/ttp/model.bin differs from a fresh training (run 'ctix model train --shared ../shared -o data/ttp/model.bin')"
fi
# The manifest next to it is `ctix model info` of that file.
(cd "$WORK" && "$CTIX" model info --model model.bin) >fresh.txt 2>err.txt
sed 1d fresh.txt >fresh.info
sed 1d "$SRC/data/ttp/model.txt" >committed.info
cmp -s fresh.info committed.info || fail "data/ttp/model.txt is not 'ctix model info' of the model"
finish
