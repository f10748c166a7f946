# Several files in one run: a missing, an empty, a binary and an oversized
# file in the middle each give one error line naming the file, the others
# are analysed, and the exit status is 1. With --jsonl every file keeps its
# line.
. "$(dirname "$0")/lib.sh"

printf 'The first file is fine. It says so twice.\n' >good1.txt
: >empty.txt
printf 'MZ\220\000\003\000\000\000\004\000\000\000\377\377' >binary.txt
python3 -c 'print("All work and no play. " * 200)' >large.txt
printf 'The last file is fine as well.\n' >good2.txt

run analyze -o out good1.txt missing.txt empty.txt binary.txt large.txt good2.txt --max-size 2K
expect_rc 1 "batch with bad files"
expect_grep "missing.txt: cannot open" err.txt "missing file"
expect_grep "empty.txt: input is empty" err.txt "empty file"
expect_grep "binary.txt: byte 3: binary data" err.txt "binary file"
expect_grep "large.txt: input is over the limit" err.txt "file over --max-size"
[ "$(wc -l <err.txt | tr -d ' ')" -eq 4 ] || fail "four error lines expected: $(cat err.txt)"
check_report out/good1/report.json --sentence "The first file is fine."
check_report out/good2/report.json
[ ! -e out/missing ] || fail "a folder was made for a failed input"
expect_grep "6 documents: 2 analysed, 4 failed" out.txt "totals line"
expect_grep "FAILED binary.txt" out.txt "failure in the summary"

run analyze --jsonl good1.txt missing.txt good2.txt
expect_rc 1 "jsonl batch with a missing file"
expect_lines 3 out.txt "jsonl batch lines"
json_table out.txt id error.code
[ "$(json_get 2 1)" = missing.txt ] || fail "error line names the file"
[ "$(json_get 2 2)" = EIO ] || fail "missing file code"
[ "$(json_get 3 1)" = good2.txt ] || fail "third line"

run analyze good1.txt good2.txt
expect_rc 0 "two good files"
expect_grep "2 documents: 2 analysed" out.txt "totals"
finish
