# The STIX bundle and MISP event of a text whose file names hold a
# right-to-left override: zero errors from ../shared/tools/stix-validate and
# misp-validate, the real name in the indicator and attribute, and how it
# displays in their description and comment. Skips (77) without ../shared.
. "$(dirname "$0")/lib.sh"
skip_unless_present "the validators" "$SHARED/tools/stix-validate" "$SHARED/tools/misp-validate"

run analyze -o out --format stix,misp "$SRC/tests/data/ioc/bidi.md"
expect_rc 0 "analyze -o --format stix,misp"
"$SHARED/tools/stix-validate" out/bundle.stix.json >stix.txt 2>&1
vrc=$?
[ "$vrc" -eq 2 ] && { echo "SKIP: stix-validate cannot run here: $(head -n 5 stix.txt)"; exit 77; }
[ "$vrc" -eq 0 ] || fail "stix-validate: $(head -n 20 stix.txt)"
"$SHARED/tools/misp-validate" out/misp-event.json >misp.txt 2>&1
vrc=$?
[ "$vrc" -eq 2 ] && { echo "SKIP: misp-validate cannot run here: $(head -n 5 misp.txt)"; exit 77; }
[ "$vrc" -eq 0 ] || fail "misp-validate: $(head -n 20 misp.txt)"
expect_grep '"pattern": "[file:name = '"'"'Invoice_2024\u202ecod.scr'"'"']"' out/bundle.stix.json \
  "STIX pattern of the real name"
expect_grep '"description": "spoofed: displays as \"Invoice_2024rcs.doc\"' out/bundle.stix.json \
  "STIX description"
expect_grep '"value": "Invoice_2024\u202ecod.scr"' out/misp-event.json "MISP value"
expect_grep 'spoofed: displays as \"Invoice_2024rcs.doc\" (right-to-left override U+202E; ATT&CK T1036.002)' \
  out/misp-event.json "MISP comment"
finish
