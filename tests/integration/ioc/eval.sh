# The `ctix eval` scorer on small files of tests/data/ioc whose scores are
# known by construction: true and false positives and negatives per type,
# normalisation of expected and found values (IPv6 compression, hash and
# URL host case, ASN, registry key trailing backslash, MAC forms, white
# space around values), unscored types ignored, a duplicated scored type
# counted once, defanged and plain cases apart, tags, failing ids with
# --verbose, bad lines reported as FILE:LINE, and the refang pairs.
. "$(dirname "$0")/lib.sh"

DATA=$SRC/tests/data/ioc
cp "$DATA/cases.jsonl" "$DATA/bad.jsonl" "$DATA/pairs.jsonl" .

run eval ioc --json cases.jsonl
expect_rc 0 "eval ioc --json"
cp out.txt eval.json
check "eval counts" eval eval.json cases=13 fully_right=11 \
  per_type.ipv4.cases=5 per_type.ipv4.tp=2 per_type.ipv4.fp=2 per_type.ipv4.fn=1 \
  per_type.ipv6.tp=1 per_type.ipv6.fp=0 per_type.ipv6.fn=0 \
  per_type.md5.cases=2 per_type.md5.tp=2 per_type.md5.fp=0 per_type.md5.fn=0 \
  per_type.url.cases=2 per_type.url.tp=2 per_type.url.fp=0 per_type.url.fn=0 \
  per_type.domain.cases=1 per_type.domain.tp=1 per_type.domain.fp=0 \
  per_type.asn.tp=1 per_type.asn.fp=0 per_type.registry_key.tp=1 per_type.registry_key.fp=0 \
  per_type.mac.tp=1 per_type.mac.fp=0 per_type.mac.fn=0 \
  micro.tp=11 micro.fp=2 micro.fn=1 micro.cases=13 \
  micro_core.tp=8 micro_core.fp=2 micro_core.fn=1 \
  defanged.cases=1 defanged.tp=2 defanged.fp=0 defanged.fn=0 \
  plain.cases=12 plain.tp=9 plain.fp=2 plain.fn=1 \
  tags.plain_tag.right=1 tags.plain_tag.cases=2 tags.defang_tag.right=1 \
  tags.defanged.right=1 tags.defanged.cases=1 \
  per_type.ipv4.f1=0.571429 micro.precision=0.846154 micro.recall=0.916667
run eval ioc cases.jsonl
expect_rc 0 "eval ioc (table)"
expect_grep "micro (all types)" out.txt "table micro row"
expect_grep "defanged cases" out.txt "table defanged row"
expect_grep "plain_tag" out.txt "table tags"
expect_grep "2 failing cases" out.txt "failing count"
expect_no_grep "t-wrong" out.txt "failing ids without --verbose"
run eval ioc --verbose cases.jsonl
expect_grep "t-wrong (cases.jsonl:5)" out.txt "verbose failing id"
expect_grep "missing [9.9.9.8] extra [9.9.9.9]" out.txt "verbose missing and extra"
expect_grep "t-negative" out.txt "verbose negative case"
run eval ioc --json -v cases.jsonl
cp out.txt evalv.json
python3 -c "
import json, sys
r = json.load(open('evalv.json'))
ids = [f['id'] for f in r.get('failing', [])]
sys.exit(0 if ids == ['t-wrong', 't-negative'] else 1)" || fail "--json -v: failing ids"

# Bad lines: one line each on stderr, the others scored, exit status 1.
run eval ioc --json bad.jsonl
expect_rc 1 "eval ioc bad lines"
expect_grep "bad.jsonl:2:" err.txt "invalid JSON line"
expect_grep "bad.jsonl:3:" err.txt "line without text"
expect_grep "bad.jsonl:4:" err.txt "line that is not an object"
[ "$(wc -l <err.txt)" -eq 3 ] || fail "bad lines: expected 3 lines on stderr: $(cat err.txt)"
cp out.txt bad.json
check "bad file counts" eval bad.json cases=2 micro.tp=2 micro.fp=0 micro.fn=0
run eval ioc nosuch.jsonl
expect_rc 1 "missing case file"
expect_one_line "missing case file"

# Refang pairs.
run eval refang --json pairs.jsonl
expect_rc 0 "eval refang"
cp out.txt refang.json
check "refang counts" eval refang.json pairs=4 passed=3 failed=1 percent=75.0
run eval refang -v pairs.jsonl
expect_grep "3/4" out.txt "refang summary"
expect_grep "p-wrong" out.txt "refang failing id"
expect_grep "want: something else" out.txt "refang expected text"

# Usage.
run eval
expect_rc 2 "eval without evaluation"
run eval iocs cases.jsonl
expect_rc 2 "misspelt evaluation"
expect_grep "did you mean 'ioc'" err.txt "evaluation suggestion"
run eval ioc
expect_rc 2 "eval ioc without files"
finish
