# Every Navigator layer, MISP event and CSV that ctix writes for the dev
# articles and examples/ (and for the hand-built analyses of
# test_export_layers --dump) passes the validators of ../shared/tools with
# zero errors, every MISP galaxy tag names a cluster MISP links as written,
# and a second run gives the same bytes.
# Arguments: CTIX TEST_BIN SOURCE_DIR SHARED_DIR WORK_DIR.
CTIX=$1
TEST_BIN=$2
SRC=$3
SHARED=$4
WORK=$5
. "$SRC/tests/integration/common.sh"

skip_unless_present "the shared data" "$SHARED/data/articles/dev" \
  "$SHARED/tools/navigator-validate" "$SHARED/tools/misp-validate"

# The inputs: dev articles (plain text) and the examples.
ls "$SHARED"/data/articles/dev/*.text.txt "$SRC"/examples/* >inputs.txt 2>/dev/null
n_inputs=$(wc -l <inputs.txt | tr -d ' ')
[ "$n_inputs" -gt 0 ] || fail "no input articles"

for pass in 1 2; do
  # shellcheck disable=SC2046
  "$CTIX" analyze -q -o "out$pass" --format navigator,misp,csv $(cat inputs.txt) \
    >"analyze$pass.txt" 2>err.txt
  rc=$?
  sanitizer_check "analyze pass $pass"
  expect_rc 0 "analyze pass $pass"
done
diff -r out1 out2 >diff.txt 2>&1 || fail "second run differs: $(head -c 400 diff.txt)"

n_layers=$(find out1 -name layer.json | wc -l | tr -d ' ')
n_events=$(find out1 -name misp-event.json | wc -l | tr -d ' ')
n_csv=$(find out1 -name iocs.csv | wc -l | tr -d ' ')
[ "$n_layers" -eq "$n_inputs" ] || fail "$n_layers layers for $n_inputs inputs"
[ "$n_events" -eq "$n_inputs" ] || fail "$n_events events for $n_inputs inputs"
[ "$n_csv" -eq "$n_inputs" ] || fail "$n_csv CSV files for $n_inputs inputs"

# The hand-built analyses (hostile text, 10,000 observables, all techniques).
mkdir -p dump
"$TEST_BIN" --dump dump >dump.txt 2>&1 || fail "test_export_layers --dump: $(head -c 400 dump.txt)"
if grep -q "Sanitizer" dump.txt; then fail "dump: sanitizer report: $(head -c 800 dump.txt)"; fi

# Zero errors from the validators (warnings are listed in the log, not fatal).
find out1 dump \( -name '*layer.json' -o -name 'layer-*.json' \) | sort >layers.txt
find out1 dump -name '*misp*.json' | sort >events.txt
# shellcheck disable=SC2046
"$SHARED/tools/navigator-validate" --attack $(cat layers.txt) >nav.txt 2>&1 ||
  fail "navigator-validate: $(grep -v warning: nav.txt | head -n 20)"
# shellcheck disable=SC2046
"$SHARED/tools/misp-validate" $(cat events.txt) >misp.txt 2>&1 ||
  fail "misp-validate: $(grep -v warning: misp.txt | head -n 20)"
tail -n 1 nav.txt
tail -n 1 misp.txt
# Every galaxy tag names a cluster MISP links, with its current value (no
# unknown, renamed or revoked cluster, no synonym in place of the cluster).
if grep -E 'warning: .*(no cluster|is a synonym in galaxy|is revoked in galaxy|will not link)' \
  misp.txt >galaxy.txt; then
  fail "galaxy tags MISP does not link as written: $(head -n 5 galaxy.txt)"
fi

# CSV: RFC 4180 with CRLF, the header, six fields a row.
find out1 dump -name '*.csv' | sort >csv.txt
python3 - csv.txt >csvcheck.txt 2>&1 <<'PY' || fail "csv: $(head -n 20 csvcheck.txt)"
import csv, io, sys
bad = 0
files = [l.strip() for l in open(sys.argv[1]) if l.strip()]
for path in files:
    data = open(path, 'rb').read()
    text = data.decode('utf-8')
    if not text.endswith('\r\n'):
        print('%s: does not end with CRLF' % path); bad += 1
    rows = list(csv.reader(io.StringIO(text, newline=''), strict=True))
    if rows[0] != ['type', 'value', 'defanged', 'status', 'reason', 'offset']:
        print('%s: bad header %r' % (path, rows[0])); bad += 1
    for i, r in enumerate(rows[1:], 2):
        if len(r) != 6 or r[3] not in ('ioc', 'benign', 'rejected') or not r[5].isdigit():
            print('%s: record %d: %r' % (path, i, r)); bad += 1
            break
        if r[1][:1] in ('=', '+', '-', '@', '\t', '\r'):
            print('%s: record %d: formula not neutralised: %r' % (path, i, r[1])); bad += 1
            break
print('%d CSV files checked' % len(files))
sys.exit(1 if bad else 0)
PY
tail -n 1 csvcheck.txt
finish
