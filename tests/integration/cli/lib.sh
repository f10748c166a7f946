# Helpers of the ctix CLI integration tests (sourced by each *.sh).
# Arguments of every test: CTIX_BINARY SOURCE_DIR WORK_DIR.
CTIX=$1
SRC=$2
WORK=$3
EXAMPLES=$SRC/examples
CHECK="python3 $SRC/tests/integration/cli/check_report.py"
. "$SRC/tests/integration/common.sh"

# check_report FILE OPTIONS...: runs check_report.py, failing on any problem.
check_report() {
  _f=$1
  shift
  $CHECK "$_f" "$@" >check.txt 2>&1 || fail "report $_f: $(head -n 10 check.txt)"
}

# json_table FILE PATH...: reads a JSONL file once (python starts slowly)
# into table.txt, one row per line, the values at each PATH ("error.code",
# "id") separated by tabs; "null" when absent. Then json_get LINE COLUMN
# prints one value (COLUMN counts the PATHs from 1).
json_table() {
  python3 - "$@" >table.txt <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8").read().split("\n"):
    if not line:
        continue
    row = []
    for path in sys.argv[2:]:
        v = json.loads(line)
        for key in path.split("."):
            v = v.get(key) if isinstance(v, dict) else None
        row.append("null" if v is None else str(v))
    print("\t".join(row))
PY
}

json_get() {
  awk -F '\t' -v l="$1" -v c="$2" 'NR == l { print $c }' table.txt
}
