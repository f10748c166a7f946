# Shared helpers of the ctix CLI integration tests (sourced by each *.sh).
# Arguments of every test: CTIX_BINARY SOURCE_DIR WORK_DIR. The work folder
# is emptied first; each check that fails prints one line and the test
# exits 1 at the end (finish), so one run shows every broken expectation.
CTIX=$1
SRC=$2
WORK=$3
EXAMPLES=$SRC/examples
CHECK="python3 $SRC/tests/integration/cli/check_report.py"
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
# Never colour, whatever the environment running the tests says.
NO_COLOR=1
export NO_COLOR
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# run ARGS...: runs ctix; stdout in out.txt, stderr in err.txt, status in $rc.
run() {
  "$CTIX" "$@" >out.txt 2>err.txt
  rc=$?
  sanitizer_check "$*"
}

# run_in FILE ARGS...: same, with standard input from FILE.
run_in() {
  _in=$1
  shift
  "$CTIX" "$@" <"$_in" >out.txt 2>err.txt
  rc=$?
  sanitizer_check "$* < $_in"
}

sanitizer_check() {
  if grep -q "Sanitizer" err.txt; then
    fail "$1: sanitizer report:"
    head -n 40 err.txt >&2
  fi
}

# expect_rc CODE WHAT
expect_rc() {
  [ "$rc" -eq "$1" ] || fail "$2: exit status $rc, expected $1; stderr: $(head -c 400 err.txt)"
}

# expect_grep PATTERN FILE WHAT (fixed string)
expect_grep() {
  grep -qF -- "$1" "$2" || fail "$3: '$1' not found in $2: $(head -c 400 "$2")"
}

# expect_no_grep PATTERN FILE WHAT (fixed string)
expect_no_grep() {
  if grep -qF -- "$1" "$2"; then fail "$3: '$1' unexpectedly in $2"; fi
}

# expect_lines N FILE WHAT
expect_lines() {
  _n=$(wc -l <"$2" | tr -d ' ')
  [ "$_n" -eq "$1" ] || fail "$3: $2 has $_n lines, expected $1"
}

# check_report FILE OPTIONS...: runs check_report.py, failing on any problem.
check_report() {
  _f=$1
  shift
  $CHECK "$_f" "$@" >check.txt 2>&1 || fail "report $_f: $(head -n 10 check.txt)"
}

# json_table FILE PATH...: reads a JSONL file once (python starts slowly)
# into table.txt, one row per line, the values at each PATH ("error.code",
# "id") separated by tabs; "null" when absent. Then json_get LINE COLUMN
# prints one value (COLUMN counts the PATHs from 1).
json_table() {
  python3 - "$@" >table.txt <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8").read().split("\n"):
    if not line:
        continue
    row = []
    for path in sys.argv[2:]:
        v = json.loads(line)
        for key in path.split("."):
            v = v.get(key) if isinstance(v, dict) else None
        row.append("null" if v is None else str(v))
    print("\t".join(row))
PY
}

json_get() {
  awk -F '\t' -v l="$1" -v c="$2" 'NR == l { print $c }' table.txt
}

finish() {
  if [ "$failures" -eq 0 ]; then
    echo "ok"
    exit 0
  fi
  echo "$failures check(s) failed" >&2
  exit 1
}
