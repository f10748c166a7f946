# Helpers of the knowledge-base integration tests (sourced by each *.sh).
# Arguments of every test: CTIX SOURCE_DIR SHARED_DIR WORK_DIR.
CTIX=$1
SRC=$2
SHARED=$3
WORK=$4
CHECK="python3 $SRC/tests/integration/kb/check_kb.py"
unset CTIX_KB
. "$SRC/tests/integration/common.sh"

# Skips (77) when the shared reference data is absent.
need_shared() {
  skip_unless_present "$SHARED/data (ATT&CK, D3FEND, KEV)" \
    "$SHARED/data/attack/enterprise-attack.json" "$SHARED/data/d3fend" \
    "$SHARED/data/kev/known_exploited_vulnerabilities.json"
}
