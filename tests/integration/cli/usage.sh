# Bad command lines: each gives exit status 2, one line on stderr with a
# hint, nothing on stdout, and nothing written.
. "$(dirname "$0")/lib.sh"

printf 'Some text to analyse.\n' >in.txt

# usage_case WHAT EXPECTED-FRAGMENT ARGS...
usage_case() {
  _what=$1
  _frag=$2
  shift 2
  run "$@"
  expect_rc 2 "$_what"
  expect_grep "$_frag" err.txt "$_what"
  expect_grep "try 'ctix help" err.txt "$_what hint"
  [ "$(wc -l <err.txt | tr -d ' ')" -eq 1 ] || fail "$_what: not one line: $(cat err.txt)"
  [ ! -s out.txt ] || fail "$_what: wrote to stdout"
}

usage_case "unknown format" "unknown format 'bogus' in --format (available: json, " \
  analyze --format json,bogus -o out in.txt
usage_case "empty format" "empty name in --format" analyze --format json, -o out in.txt
usage_case "format without -o" "--format chooses the files written with -o" analyze --format json in.txt
usage_case "unknown option" "unknown option '--frobnicate'" analyze --frobnicate in.txt
usage_case "near miss" "did you mean '--format'" analyze --formt json in.txt
usage_case "unknown short option" "unknown option '-x'" analyze -x in.txt
usage_case "missing value" "option '--output' needs a value" analyze in.txt --output
usage_case "value to a flag" "option '--jsonl' takes no value" analyze --jsonl=yes in.txt
usage_case "bad max-size" "invalid --max-size '12Q'" analyze --max-size 12Q in.txt
usage_case "zero max-size" "invalid --max-size '0'" analyze --max-size 0 in.txt
usage_case "bad input format" "unknown input format 'docx'" analyze --input-format docx in.txt
usage_case "no input" "no input given" analyze
usage_case "stdin twice" "standard input (-) can be read only once" analyze - -
usage_case "id with a batch" "--id applies to a single input" analyze --id x in.txt in.txt
usage_case "unknown command" "unknown command 'analyse'" analyse in.txt
usage_case "command suggestion" "did you mean 'analyze'" analyz in.txt
usage_case "option before command" "unknown option '--quiet'" --quiet analyze in.txt
usage_case "help of unknown command" "unknown command 'nope'" help nope
usage_case "version argument" "unexpected argument 'now'" version now
[ ! -e out ] || fail "a usage error created the output folder"

# No arguments: the overview on stderr, status 2.
run
expect_rc 2 "no arguments"
expect_grep "Commands:" err.txt "no arguments shows the commands"
finish
