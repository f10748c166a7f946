# Helpers of the technique-mapping integration tests (sourced by each *.sh).
# Arguments of every test: CTIX SOURCE_DIR SHARED_DIR WORK_DIR.
CTIX=$1
SRC=$2
SHARED=$3
WORK=$4
unset CTIX_KB
. "$SRC/tests/integration/common.sh"

# Skips (77) when the shared evaluation data is absent.
need_shared() {
  skip_unless_present "$SHARED/data (ATT&CK, ttp-eval)" \
    "$SHARED/data/attack/enterprise-attack.json" "$SHARED/data/ttp-eval/tram2-docs/dev.jsonl"
}

# json_at KEY: the number at KEY (micro.f1, doc_f1, ...) of out.txt.
json_at() {
  python3 -c 'import json,sys
o=json.load(open("out.txt"))
for k in sys.argv[1].split("."): o=o[k]
print(o)' "$1"
}

# expect_at_least KEY FLOOR WHAT
expect_at_least() {
  _v=$(json_at "$1" 2>/dev/null)
  if [ -z "$_v" ]; then
    fail "$3: no $1 in the output: $(head -c 300 out.txt)"
  elif ! python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= float(sys.argv[2]) else 1)' "$_v" "$2"; then
    fail "$3: $1 = $_v, below the floor $2"
  fi
}
