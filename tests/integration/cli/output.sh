# Output behaviour: deterministic reports, no colour in pipes, --quiet,
# --verbose on stderr, and exit status 3 when stdout cannot be written.
. "$(dirname "$0")/lib.sh"

cp "$EXAMPLES/news-breach.md" story.md
run analyze -o r1 story.md
expect_rc 0 "first run"
run analyze -o r2 story.md
expect_rc 0 "second run"
cmp -s r1/report.json r2/report.json || fail "two runs gave different report.json"
grep -q '"elapsed\|"time"\|"timestamp' r1/report.json && fail "report.json holds a time"

# Piped summary: no escape sequences, even without NO_COLOR.
env -u NO_COLOR "$CTIX" analyze story.md >plain.txt 2>err.txt
rc=$?
sanitizer_check "analyze without NO_COLOR"
expect_rc 0 "analyze without NO_COLOR"
grep -q "$(printf '\033')" plain.txt && fail "colour escapes in a pipe"
expect_grep "story.md" plain.txt "summary header"
expect_grep "title" plain.txt "summary title row"
expect_grep "sentences" plain.txt "summary counts"
expect_grep "diagnostics" plain.txt "summary diagnostics row"
expect_grep " ms" plain.txt "summary elapsed time"

run analyze --quiet -o q story.md
expect_rc 0 "--quiet"
[ ! -s out.txt ] || fail "--quiet printed: $(head -c 200 out.txt)"
[ -f q/report.json ] || fail "--quiet did not write the report"

run analyze --verbose --jsonl story.md
expect_rc 0 "--verbose"
expect_lines 1 out.txt "--verbose keeps stdout for results"
expect_grep "story.md: " err.txt "--verbose timing line"
expect_grep "read and parse" err.txt "--verbose timing line"

# Input-controlled text reaches the terminal inert: a file name holding an
# escape sequence (in the error line on stderr and the summary on stdout)
# and a title holding one.
esc=$(printf '\033')
run analyze "${esc}]0;owned${esc}[31m-missing.txt"
expect_rc 1 "missing file with an escape in its name"
expect_grep "missing.txt" err.txt "error names the file"
expect_no_grep "$esc" err.txt "escape from a file name on stderr"
expect_no_grep "$esc" out.txt "escape from a file name in the summary"
printf '# Title %s[2J here\n\nSome text.\n' "$esc" >esc.md
run analyze --no-color esc.md
expect_rc 0 "title with an escape"
expect_grep "here" out.txt "title shown"
expect_no_grep "$esc" out.txt "escape from a title in the summary"

# Standard output on a full device: status 3.
if [ -w /dev/full ]; then
  "$CTIX" analyze --jsonl story.md >/dev/full 2>err.txt
  rc=$?
  sanitizer_check "stdout to /dev/full"
  expect_rc 3 "stdout to /dev/full"
  expect_grep "cannot write to standard output" err.txt "stdout failure message"
fi
finish
