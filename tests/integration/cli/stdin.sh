# Standard input as a single document ("-"), --id, --input-format, and the
# summary's source name.
. "$(dirname "$0")/lib.sh"

printf 'Read from a pipe. Two sentences here.\n' >in.txt
run_in in.txt analyze -
expect_rc 0 "analyze -"
expect_grep "<stdin>" out.txt "summary names standard input"

run_in in.txt analyze -o single - --id my-doc
expect_rc 0 "analyze - with -o and --id"
check_report single/report.json --source "<stdin>" --id my-doc --sentence "Read from a pipe."

# --input-format overrides detection: markup read as plain text keeps the tags.
printf '<p>Tagged text stays as it is.</p>\n' >tags.txt
run_in tags.txt analyze --input-format text -o astext -
expect_rc 0 "--input-format text"
check_report astext/report.json --format text --contains "<p>Tagged text stays as it is.</p>"

# Empty standard input is an input error, not a crash.
: >nothing.txt
run_in nothing.txt analyze -
expect_rc 1 "empty standard input"
expect_grep "<stdin>: input is empty" err.txt "empty stdin message"
finish
