#!/bin/sh
# `ctix model info` and `ctix eval ttp` on hand-written items (no
# ../shared needed): the embedded model describes itself, the evaluation
# scores the items (JSON keys and values in range; the items are easy
# enough that most are right), implied techniques count only with
# --implied, --trace writes what the decision saw and
# tools/ttp/decide_replay.py replays it exactly, malformed lines are reported as FILE:LINE and bad options are
# usage errors.
. "$(dirname "$0")/lib.sh"
DATA=$SRC/tests/data/ttp

run model info
expect_rc 0 "model info"
expect_grep "origin: embedded" out.txt "model info"
expect_grep "classes:" out.txt "model info"
expect_grep "thr0=" out.txt "model info: parameters"
expect_grep "trained on" out.txt "model info: manifest"

run eval ttp --json "$DATA/items.jsonl"
expect_rc 0 "eval ttp --json"
expect_at_least n 8 "eval ttp items"
expect_at_least doc_f1 0.6 "eval ttp items"
expect_at_least micro.p 0.6 "eval ttp items"
expect_at_least micro.r 0.5 "eval ttp items"
for k in doc_f1 micro.p micro.r micro.f1 macro.f1 n; do
  json_at "$k" >/dev/null 2>&1 || fail "eval ttp --json: no $k"
done

# Parents: T1053.005 counts as T1053 on both sides, so nothing gets worse.
run eval ttp --json --parents "$DATA/items.jsonl"
expect_rc 0 "eval ttp --parents"
expect_at_least doc_f1 0.6 "eval ttp --parents"

# Text output and the verbose list of misses.
run eval ttp -v "$DATA/items.jsonl"
expect_rc 0 "eval ttp text"
expect_grep "per-document F1" out.txt "eval ttp text"

# Decision parameters can be changed: an impossible threshold predicts nothing.
run eval ttp --json --set thr0=100 --set id_w=0 --set cue_w=0 "$DATA/items.jsonl"
expect_rc 0 "eval ttp --set"
[ "$(json_at micro.tp)" = "0" ] || fail "eval ttp --set thr0=100 still predicts: $(cat out.txt)"

# Implied techniques (named software and groups) are predictions only with
# --implied: the text's own findings stay, the implied ones add to them.
run eval ttp --json "$DATA/implied.jsonl"
expect_rc 0 "eval ttp implied items"
fp_plain=$(json_at micro.fp)
tp_plain=$(json_at micro.tp)
run eval ttp --json --implied "$DATA/implied.jsonl"
expect_rc 0 "eval ttp --implied"
[ "$(json_at micro.fp)" -gt "$fp_plain" ] || fail "eval ttp --implied adds no prediction: $(cat out.txt)"
[ "$(json_at micro.tp)" -ge "$tp_plain" ] || fail "eval ttp --implied loses a finding: $(cat out.txt)"
# Cue weights from the lexicon's priors (evaluation only) still map the items.
run eval ttp --json --cue-priors "$DATA/items.jsonl"
expect_rc 0 "eval ttp --cue-priors"
expect_at_least doc_f1 0.5 "eval ttp --cue-priors"

# --trace: what the decision saw, per item; tools/ttp/decide_replay.py
# recomputes the same predictions from it, and other ones with other
# parameters.
run eval ttp --trace items.trace "$DATA/items.jsonl"
expect_rc 0 "eval ttp --trace"
n_items=$(wc -l <"$DATA/items.jsonl")
[ "$(grep -c '^pred' items.trace)" -eq "$n_items" ] || fail "eval ttp --trace: not one pred line per item"
[ "$(grep -c '^doc ' items.trace)" -eq "$n_items" ] || fail "eval ttp --trace: not one doc line per item"
grep -q '^sent 0 [0-9]* [0-9]* -\{0,1\}[0-9]' items.trace || fail "eval ttp --trace: no sentence scores"
python3 "$SRC/tools/ttp/decide_replay.py" items.trace >replay.txt 2>&1 ||
  fail "decide_replay.py failed: $(cat replay.txt)"
grep -q "differs from ctix 0\$" replay.txt || fail "decide_replay.py differs from ctix: $(cat replay.txt)"
python3 "$SRC/tools/ttp/decide_replay.py" --set thr0=100 --set id_w=0 --set cue_w=0 \
  items.trace >replay.txt 2>&1 || fail "decide_replay.py --set failed: $(cat replay.txt)"
grep -q "micro P 0.0000 R 0.0000" replay.txt || fail "decide_replay.py --set thr0=100 still predicts: $(cat replay.txt)"
# Each scored sentence's text follows its scores; --add FILE adds other
# per-sentence class scores (here: the first class, +100, in the first
# scored sentence of every item), weighed by add_w.
grep -q '^text 0 The attackers created a scheduled task' items.trace || fail "eval ttp --trace: no sentence text"
awk '/^doc /{n++} /^classes/{c=$2; sub(/:.*/, "", c)}
     /^sent / && NF > 4 && !(n in seen) {print n - 1, $2, c ":100"; seen[n] = 1}' items.trace >extra.txt
[ -s extra.txt ] || fail "no scored sentence in items.trace"
python3 "$SRC/tools/ttp/decide_replay.py" --add extra.txt --set add_w=0 items.trace >replay.txt 2>&1 ||
  fail "decide_replay.py --add failed: $(cat replay.txt)"
grep -q "differs from ctix 0\$" replay.txt || fail "decide_replay.py --add add_w=0 differs: $(cat replay.txt)"
python3 "$SRC/tools/ttp/decide_replay.py" --add extra.txt items.trace >replay.txt 2>&1 ||
  fail "decide_replay.py --add failed: $(cat replay.txt)"
grep -q "extra scores for $(wc -l <extra.txt) sentences" replay.txt || fail "decide_replay.py --add: $(cat replay.txt)"
grep -q "differs from ctix 0\$" replay.txt && fail "decide_replay.py --add changed nothing: $(cat replay.txt)"
echo "0 x T1003:1" >bad.txt
python3 "$SRC/tools/ttp/decide_replay.py" --add bad.txt items.trace >replay.txt 2>&1 &&
  fail "decide_replay.py --add took a bad line"
grep -q "bad.txt:1: want ITEM SENT CLASS:VALUE" replay.txt || fail "decide_replay.py --add: no clear error: $(cat replay.txt)"
# Ids with white space, line breaks (U+0085, U+2028 too), control
# characters, `\` and `"` stay one token of the trace, as the body of a JSON
# string that gives the id back (ctix__json_escape's escapes, white space
# as \u escapes); an id "-" is not the empty one.
printf '%s\n' '{"id": "odd id\nwith\tbreak\u2028x\u0085y\u00a0z\u3000\\w\"q\u0001\u00e9", "text": "The actor ran schtasks /create to persist.", "techniques": ["T1053.005"], "level": "sentence"}' \
  '{"id": "-", "text": "The attackers dumped LSASS memory with procdump.", "techniques": ["T1003.001"], "level": "sentence"}' >odd.jsonl
run eval ttp --trace odd.trace odd.jsonl
expect_rc 0 "eval ttp --trace odd id"
grep -q '^gold odd\\u0020id\\nwith\\tbreak\\u2028x\\u0085y\\u00a0z\\u3000\\\\w\\"q\\u0001é 0 T1053.005$' odd.trace ||
  fail "eval ttp --trace: id not escaped as one token: $(grep gold odd.trace)"
grep -q '^gold \\u002d 0 T1003.001$' odd.trace || fail "eval ttp --trace: id - not escaped: $(grep gold odd.trace)"
python3 - odd.jsonl odd.trace <<'PY' || fail "eval ttp --trace: the gold ids do not read back"
import json, sys
ids = [json.loads(l)["id"] for l in open(sys.argv[1], encoding="utf-8")]
lines = open(sys.argv[2], encoding="utf-8").read().splitlines()
gold = [l.split()[1] for l in lines if l.startswith("gold ")]
back = [json.loads('"' + g + '"') for g in gold]
sys.exit(0 if back == ids and all(len(l.split()) == 4 for l in lines if l.startswith("gold ")) else 1)
PY
python3 "$SRC/tools/ttp/decide_replay.py" odd.trace >replay.txt 2>&1 ||
  fail "decide_replay.py failed on an odd id: $(cat replay.txt)"
grep -q '^items 2$' replay.txt && grep -q 'differs from ctix 0$' replay.txt ||
  fail "decide_replay.py did not replay both odd items: $(cat replay.txt)"
run eval ttp --trace "$WORK/no/such/dir/t.trace" "$DATA/items.jsonl"
expect_rc 1 "eval ttp --trace unwritable"
expect_grep "t.trace" err.txt "eval ttp --trace unwritable"

# Malformed lines: reported with their line, the rest evaluated, status 1.
run eval ttp --json "$DATA/malformed.jsonl"
expect_rc 1 "eval ttp malformed"
expect_grep "malformed.jsonl:1:" err.txt "eval ttp malformed line 1"
expect_grep "malformed.jsonl:2:" err.txt "eval ttp malformed line 2"
expect_at_least n 1 "eval ttp malformed"

# Usage errors.
run eval ttp --labels nope "$DATA/items.jsonl"
expect_rc 2 "eval ttp --labels nope"
run eval ttp --cv 0 "$DATA/items.jsonl"
expect_rc 2 "eval ttp --cv 0"
run eval ttp --set nosuch=1 "$DATA/items.jsonl"
expect_rc 2 "eval ttp --set nosuch"
run eval ttp --cv 2 --model x.bin "$DATA/items.jsonl"
expect_rc 2 "eval ttp --cv with --model"
run eval ttp --cv-cues "$WORK" "$DATA/items.jsonl"
expect_rc 2 "eval ttp --cv-cues without --cv"
run eval ttp --nb bin "$DATA/items.jsonl"
expect_rc 2 "eval ttp --nb without --cv"
for spec in x bin,b=0 bin,b=1.5 bin,a=0 value,clip=-1 bin,; do
  run eval ttp --cv 5 --nb "$spec" "$DATA/items.jsonl"
  expect_rc 2 "eval ttp --nb $spec"
done
run eval ttp --cv 5 --neg mil-add:0.5 --nb bin "$DATA/items.jsonl"
expect_rc 2 "eval ttp --nb with --neg mil-add"
# A cross-validation that cannot train its folds prints no figures.
run eval ttp --cv 2 --shared "$WORK/no-shared-here" "$DATA/items.jsonl"
expect_rc 1 "eval ttp --cv without training data"
if grep -q "per-document F1" out.txt; then fail "eval ttp --cv failed but printed a table"; fi
run model info --model "$WORK/missing.bin"
expect_rc 1 "model info missing file"
expect_one_line "model info missing file"
printf 'CTIXTTPM garbage' >bad.bin
run model info --model bad.bin
expect_rc 1 "model info bad file"
expect_grep "bad.bin" err.txt "model info bad file"
run model train
expect_rc 2 "model train without -o"
run model frobnicate
expect_rc 2 "model unknown sub-command"
finish
