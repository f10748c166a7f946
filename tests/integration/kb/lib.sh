# Helpers of the knowledge-base integration tests (sourced by each *.sh).
# Arguments of every test: CTIX SOURCE_DIR SHARED_DIR WORK_DIR. The work
# folder is emptied first; each failed check prints one line and the test
# exits 1 at the end (finish), so one run shows every broken expectation.
CTIX=$1
SRC=$2
SHARED=$3
WORK=$4
CHECK="python3 $SRC/tests/integration/kb/check_kb.py"
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
NO_COLOR=1
export NO_COLOR
unset CTIX_KB
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# run ARGS...: runs ctix; stdout in out.txt, stderr in err.txt, status in $rc.
run() {
  "$CTIX" "$@" >out.txt 2>err.txt
  rc=$?
  if grep -q "Sanitizer" err.txt; then
    fail "$*: sanitizer report:"
    head -n 40 err.txt >&2
  fi
}

expect_rc() {
  [ "$rc" -eq "$1" ] || fail "$2: exit status $rc, expected $1; stderr: $(head -c 400 err.txt)"
}

# expect_grep PATTERN FILE WHAT (fixed string)
expect_grep() {
  grep -qF -- "$1" "$2" || fail "$3: '$1' not found in $2: $(head -c 300 "$2")"
}

# One line on stderr, naming what went wrong.
expect_one_line() {
  [ "$(wc -l <err.txt)" -eq 1 ] || fail "$1: expected one line on stderr: $(head -c 400 err.txt)"
}

# Skips (77) when the shared reference data is absent.
need_shared() {
  if [ ! -f "$SHARED/data/attack/enterprise-attack.json" ] ||
     [ ! -d "$SHARED/data/d3fend" ] ||
     [ ! -f "$SHARED/data/kev/known_exploited_vulnerabilities.json" ]; then
    echo "SKIP: $SHARED/data (ATT&CK, D3FEND, KEV) is not available"
    exit 77
  fi
}

finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
  fi
  echo "ok"
  exit 0
}
