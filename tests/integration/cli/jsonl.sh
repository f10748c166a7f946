# `ctix analyze --jsonl -`: a JSONL stream on standard input gives one result
# line per record, in order; a bad line in the middle gives an error line in
# its place (and a one-line error on stderr naming <stdin>:LINE), the stream
# goes on, and the exit status is 1.
. "$(dirname "$0")/lib.sh"

# Seven records: good, good (integer id), invalid JSON, no content, blank
# line (skipped), markdown without id, empty text, good again.
python3 - >stream.jsonl <<'PY'
import json
print(json.dumps({"id": "first", "text": "The first record is fine. It has two sentences."}))
print(json.dumps({"id": 42, "text": "Quotes \" and back\\slashes and caf\u00e9 survive."}))
print('{"id": "broken", "text": "no closing brace"')
print(json.dumps({"id": "nothing"}))
print("")
print(json.dumps({"markdown": "# Heading\n\nBody of the markdown record."}))
print(json.dumps({"id": "empty", "text": "   "}))
print(json.dumps({"id": "last", "text": "The last record is fine too."}) + "\r")
PY
run_in stream.jsonl analyze --jsonl -
expect_rc 1 "stream with bad lines"
expect_lines 7 out.txt "one output line per record"
check_report out.txt --jsonl
json_table out.txt id error.code source format
[ "$(json_get 1 1)" = first ] || fail "line 1 id"
[ "$(json_get 1 3)" = "<stdin>:1" ] || fail "line 1 source"
[ "$(json_get 2 1)" = 42 ] || fail "line 2 id (integer)"
[ "$(json_get 3 1)" = "<stdin>:3" ] || fail "line 3 id of invalid JSON"
[ "$(json_get 3 2)" = EPARSE ] || fail "line 3 error code"
[ "$(json_get 4 1)" = nothing ] || fail "line 4 keeps its id"
[ "$(json_get 4 2)" = EINVAL ] || fail "line 4 error code"
[ "$(json_get 5 1)" = "<stdin>:6" ] || fail "line 5 is input line 6"
[ "$(json_get 5 4)" = markdown ] || fail "line 5 format"
[ "$(json_get 6 2)" = EEMPTY ] || fail "line 6 error code"
[ "$(json_get 7 1)" = last ] || fail "line 7 id (CRLF line)"
[ "$(json_get 7 2)" = null ] || fail "line 7 is a result"
expect_grep "<stdin>:3: invalid JSON" err.txt "stderr names line 3"
expect_grep "<stdin>:4: " err.txt "stderr names line 4"
expect_grep "<stdin>:7: " err.txt "stderr names line 7"
[ "$(wc -l <err.txt | tr -d ' ')" -eq 3 ] || fail "three error lines expected: $(cat err.txt)"
python3 - out.txt <<'PY' || fail "record 2 text not decoded exactly"
import json, sys
r = json.loads(open(sys.argv[1], encoding="utf-8").read().split("\n")[1])
assert r["document"]["text"] == "Quotes \" and back\\slashes and caf\u00e9 survive.", r["document"]["text"]
PY

# A line over --max-size is reported and skipped; the next one still runs.
python3 - >big.jsonl <<'PY'
import json
print(json.dumps({"id": "big", "text": "word " * 400}))
print(json.dumps({"id": "small", "text": "Small enough."}))
PY
run_in big.jsonl analyze --jsonl --max-size 1K -
expect_rc 1 "line over --max-size"
expect_lines 2 out.txt "over-long line keeps its place"
json_table out.txt id error.code
[ "$(json_get 1 2)" = ETOOBIG ] || fail "over-long line error code"
[ "$(json_get 2 1)" = small ] || fail "line after the over-long one"
expect_grep "<stdin>:1: line is over the limit" err.txt "over-long line message"

# A clean stream: exit 0, one line per record, with -o one folder per id.
printf '%s\n' '{"id":"a/b","text":"One."}' '{"id":"a/b","html":"<p>Two.</p>"}' '{"text":"Three."}' >clean.jsonl
run_in clean.jsonl analyze --jsonl -o dir -
expect_rc 0 "clean stream"
expect_lines 3 out.txt "clean stream lines"
for d in a_b a_b-2 line-3; do
  [ -f "dir/$d/report.json" ] || fail "clean stream: dir/$d/report.json missing ($(ls dir))"
done

# --no-text drops document.text from the lines.
run_in clean.jsonl analyze --jsonl --no-text -
json_table out.txt document.text stats.sentences
[ "$(json_get 1 1)" = null ] || fail "--no-text kept the text"
[ "$(json_get 1 2)" = 1 ] || fail "--no-text lost the counts"
finish
