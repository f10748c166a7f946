# Output behaviour: deterministic reports, no colour in pipes, --quiet,
# --verbose on stderr, and exit status 3 when stdout cannot be written.
. "$(dirname "$0")/lib.sh"

cp "$EXAMPLES/news-breach.md" story.md
run analyze -o r1 story.md
run analyze -o r2 story.md
cmp -s r1/report.json r2/report.json || fail "two runs gave different report.json"
grep -q '"elapsed\|"time' r1/report.json && fail "report.json holds a time"

# Piped summary: no escape sequences, even without NO_COLOR.
env -u NO_COLOR "$CTIX" analyze story.md >plain.txt 2>err.txt
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

# Standard output on a full device: status 3.
if [ -w /dev/full ]; then
  "$CTIX" analyze --jsonl story.md >/dev/full 2>err.txt
  rc=$?
  expect_rc 3 "stdout to /dev/full"
  expect_grep "cannot write to standard output" err.txt "stdout failure message"
fi
finish
