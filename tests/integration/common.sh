# Helpers shared by the integration tests of every area (sourced by each
# area's lib.sh after it has set CTIX, SRC and WORK). The work folder is
# emptied first; each check that fails prints one line and the test exits 1
# at the end (finish), so one run shows every broken expectation.
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
# Never colour, whatever the environment running the tests says.
NO_COLOR=1
export NO_COLOR
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# sanitizer_check WHAT [ERRFILE]: fails on a sanitizer report in ERRFILE
# (err.txt) or on a status that means ctix died of a signal ($rc > 125),
# whatever status the caller expects next.
sanitizer_check() {
  _err=${2:-err.txt}
  if grep -q "Sanitizer" "$_err"; then
    fail "$1: sanitizer report:"
    head -n 40 "$_err" >&2
  fi
  if [ "$rc" -gt 125 ]; then
    fail "$1: ctix crashed (exit status $rc)"
  fi
}

# run ARGS...: runs ctix; stdout in out.txt, stderr in err.txt, status in $rc.
run() {
  "$CTIX" "$@" >out.txt 2>err.txt
  rc=$?
  sanitizer_check "$*"
}

# run_in FILE ARGS...: the same, with standard input from FILE.
run_in() {
  _in=$1
  shift
  "$CTIX" "$@" <"$_in" >out.txt 2>err.txt
  rc=$?
  sanitizer_check "$* < $_in"
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

# expect_one_line WHAT: exactly one line on stderr, naming what went wrong.
expect_one_line() {
  [ "$(wc -l <err.txt)" -eq 1 ] || fail "$1: expected one line on stderr: $(head -c 400 err.txt)"
}

# skip_unless_present WHAT PATH...: skips the test (77) when a path is absent.
skip_unless_present() {
  _what=$1
  shift
  for _p in "$@"; do
    if [ ! -e "$_p" ]; then
      echo "SKIP: $_what is not available ($_p is missing)"
      exit 77
    fi
  done
}

finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
  fi
  echo "ok"
  exit 0
}
