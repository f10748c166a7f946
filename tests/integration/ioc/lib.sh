# Helpers of the IOC integration tests (sourced by each *.sh). Arguments of
# every test: CTIX SOURCE_DIR SHARED_DIR WORK_DIR. The work folder is
# emptied first; each failed check prints one line and the test exits 1 at
# the end (finish), so one run shows every broken expectation.
CTIX=$1
SRC=$2
SHARED=$3
WORK=$4
PY="python3 $SRC/tests/integration/ioc/check_iocs.py"
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
NO_COLOR=1
export NO_COLOR
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

sanitizer_check() {
  if grep -q "Sanitizer" err.txt; then
    fail "$1: sanitizer report:"
    head -n 40 err.txt >&2
  fi
}

# run ARGS...: runs ctix; stdout in out.txt, stderr in err.txt, status in $rc.
run() {
  "$CTIX" "$@" >out.txt 2>err.txt
  rc=$?
  sanitizer_check "$*"
}

# run_in FILE ARGS...: the same with standard input from FILE.
run_in() {
  _in=$1
  shift
  "$CTIX" "$@" <"$_in" >out.txt 2>err.txt
  rc=$?
  sanitizer_check "$* < $_in"
}

expect_rc() {
  [ "$rc" -eq "$1" ] || fail "$2: exit status $rc, expected $1; stderr: $(head -c 400 err.txt)"
}

# expect_grep PATTERN FILE WHAT (fixed string)
expect_grep() {
  grep -qF -- "$1" "$2" || fail "$3: '$1' not found in $2: $(head -c 400 "$2")"
}

expect_no_grep() {
  if grep -qF -- "$1" "$2"; then fail "$3: '$1' unexpectedly in $2"; fi
}

# One line on stderr, naming what went wrong.
expect_one_line() {
  [ "$(wc -l <err.txt)" -eq 1 ] || fail "$1: expected one line on stderr: $(head -c 400 err.txt)"
}

# check WHAT COMMAND...: runs a check_iocs.py sub-command, failing on output.
check() {
  _what=$1
  shift
  $PY "$@" >check.txt 2>&1 || fail "$_what: $(head -n 20 check.txt)"
}

# Skips (77) when the IOC evaluation data is absent.
need_shared() {
  if [ ! -f "$SHARED/data/ioc/README.md" ] || [ ! -d "$SHARED/data/ioc/iocextract" ]; then
    echo "SKIP: $SHARED/data/ioc is not available"
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
