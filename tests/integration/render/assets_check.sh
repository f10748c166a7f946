#!/bin/sh
# The build-time check of report.html's asset digests (web/build.mjs
# --check, run by src/lib/render/module.cmake after every rebuild of the
# assets): it accepts the header the build wrote and refuses one that is
# stale (an asset changed after it, or the header lost), so a build never
# ships a page whose Content-Security-Policy blocks its own script.
# usage: assets_check.sh NODE SOURCE_DIR GENERATED_DIR WORK_DIR
NODE=$1
SRC=$2
GEN=$3
WORK=$4
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
fresh() {
  cp "$GEN/report.js" "$GEN/report.css" "$GEN/report_sha256.h" "$WORK/" || exit 1
}
check() { # check WHAT EXPECTED_STATUS
  "$NODE" "$SRC/web/build.mjs" --check --out "$WORK" > "$WORK/out.txt" 2>&1
  rc=$?
  [ "$rc" -eq "$2" ] || { fail "$1: status $rc, expected $2"; cat "$WORK/out.txt" >&2; }
}

fresh
check "the build's own header" 0
printf '/* one more rule */\n' >> "$WORK/report.css"
check "report.css changed after the header" 1
grep -q "CTIX_REPORT_CSS_SHA256" "$WORK/out.txt" || fail "the message does not name the stale digest"
fresh
printf ';\n' >> "$WORK/report.js"
check "report.js changed after the header" 1
fresh
rm "$WORK/report_sha256.h"
check "no header" 1
fresh
grep -v CTIX_REPORT_JS_SHA256 "$GEN/report_sha256.h" > "$WORK/report_sha256.h"
check "a header without the script's digest" 1
[ "$failures" -eq 0 ] || exit 1
echo "assets_check: ok"
