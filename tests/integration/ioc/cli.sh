# `ctix iocs` on the sample write-up and on small inputs of tests/data/ioc:
# the article's own indicator table is found, records are complete and
# their offsets slice the document text, filters, triage reasons end to
# end (documentation range, publisher, reference section), the same
# observables in `ctix analyze` reports and summary, and usage errors.
. "$(dirname "$0")/lib.sh"

EX=$SRC/examples/technical-writeup.md
DATA=$SRC/tests/data/ioc

run iocs --json "$EX"
expect_rc 0 "iocs --json"
cp out.txt iocs.jsonl
run analyze --jsonl "$EX"
expect_rc 0 "analyze --jsonl"
cp out.txt report.jsonl
check "records" records iocs.jsonl --text report.jsonl --statuses ioc,benign
check "article table" truth iocs.jsonl "$EX"
check "defanged domain" has iocs.jsonl domain billing-docs-secure.top ioc \
  --defanged "billing-docs-secure[.]top"
check "defanged url" has iocs.jsonl url "https://cdn-mapletrack.xyz/assets/v2/font.woff2" ioc \
  --defanged "hxxps://cdn-mapletrack[.]xyz/assets/v2/font.woff2"
check "documentation ip" has iocs.jsonl ipv4 203.0.113.47 benign "documentation range"

# Every status, and the report of `ctix analyze` holds the same list.
run iocs --all --json "$EX"
expect_rc 0 "iocs --all --json"
cp out.txt all.jsonl
check "all records" records all.jsonl --text report.jsonl
check "report iocs" same-set all.jsonl report.jsonl
[ "$(wc -l <all.jsonl)" -ge "$(wc -l <iocs.jsonl)" ] || fail "--all lists fewer than the default"

# Filters: types and statuses.
run iocs --json --type sha256,md5 "$EX"
expect_rc 0 "iocs --type"
cp out.txt hashes.jsonl
check "type filter" records hashes.jsonl --types sha256,md5
want=$($PY count-truth "$EX" --types sha256,md5)
[ "$(wc -l <hashes.jsonl)" -eq "$want" ] ||
  fail "--type sha256,md5: $(wc -l <hashes.jsonl) records, the article lists $want hashes"
run iocs --json -s benign "$EX"
expect_rc 0 "iocs -s benign"
cp out.txt benign.jsonl
check "status filter" records benign.jsonl --statuses benign

# Standard input gives the same bytes as the file (same format detection).
run_in "$EX" iocs --json --input-format markdown -
expect_rc 0 "iocs - < FILE"
cp out.txt stdin.jsonl
run iocs --json --input-format markdown "$EX"
expect_rc 0 "iocs --input-format markdown FILE"
[ -s stdin.jsonl ] || fail "iocs - < FILE printed nothing"
cmp -s out.txt stdin.jsonl || fail "iocs - < FILE differs from iocs FILE"

# The table for people.
run iocs "$EX"
expect_rc 0 "iocs (table)"
expect_grep "TYPE" out.txt "table header"
expect_grep "billing-docs-secure.top" out.txt "table value"
expect_grep "written billing-docs-secure[.]top" out.txt "table written form"
expect_grep "documentation range" out.txt "table reason"
expect_grep " shown: " out.txt "table counts"

# The summary of analyze has an iocs row.
run analyze "$EX"
expect_rc 0 "analyze summary"
expect_grep "iocs" out.txt "summary iocs row"
expect_grep "benign:" out.txt "summary benign types"

# Triage end to end: the publisher, and a reference section.
run iocs --json --publisher acme-threat.com "$DATA/publisher.md"
expect_rc 0 "iocs --publisher"
cp out.txt pub.jsonl
check "publisher" has pub.jsonl domain research.acme-threat.com benign "publisher's own site"
check "publisher look-alike" has pub.jsonl domain acme-threat-login.top ioc
check "not the publisher" has pub.jsonl domain cdn-relay-42.top ioc
run iocs --json "$DATA/publisher.md"
cp out.txt nopub.jsonl
check "no publisher" has nopub.jsonl domain research.acme-threat.com ioc
run iocs --json "$DATA/references.md"
expect_rc 0 "iocs references"
cp out.txt refs.jsonl
check "reference url" has refs.jsonl url "https://blog.vendor-research.net/2024/relay-analysis" \
  benign "reference link"
check "reference email" has refs.jsonl email press@vendor-research.net benign "reference link"
check "body domain also in references" has refs.jsonl domain relay-node-77.top ioc
check "body ip" has refs.jsonl ipv4 45.77.12.9 ioc

# Usage errors and input errors.
run iocs --type nosuchtype "$EX"
expect_rc 2 "unknown type"
expect_grep "unknown type 'nosuchtype'" err.txt "unknown type message"
expect_one_line "unknown type"
run iocs --type ipv5 "$EX"
expect_rc 2 "misspelt type"
expect_grep "did you mean" err.txt "type suggestion"
run iocs --status maybe "$EX"
expect_rc 2 "bad status"
run iocs --all --status ioc "$EX"
expect_rc 2 "--all with --status"
run iocs "$EX" "$EX"
expect_rc 2 "two inputs"
run iocs "$WORK/missing.md"
expect_rc 1 "missing file"
expect_grep "missing.md" err.txt "missing file named"
expect_one_line "missing file"
# A value holding a right-to-left override (U+202E) or a byte-order mark:
# the table shows '?' instead, so a terminal cannot reorder or hide text.
printf 'The dropper wrote C:\\Temp\\inv\342\200\256fdp.exe and contacted \357\273\277evil-c2.example.com today.\n' >bidi.txt
run iocs bidi.txt
expect_rc 0 "bidi input"
if grep -q "$(printf '\342\200\256')" out.txt || grep -q "$(printf '\357\273\277')" out.txt; then
  fail "iocs table prints a bidirectional or zero-width control raw"
fi
expect_grep 'inv?fdp' out.txt "bidi override shown as ?"
printf '' >empty.txt
run iocs empty.txt
expect_rc 1 "empty input"
expect_one_line "empty input"
finish
