# Helpers of the IOC integration tests (sourced by each *.sh). Arguments of
# every test: CTIX SOURCE_DIR SHARED_DIR WORK_DIR.
CTIX=$1
SRC=$2
SHARED=$3
WORK=$4
PY="python3 $SRC/tests/integration/ioc/check_iocs.py"
. "$SRC/tests/integration/common.sh"

# check WHAT COMMAND...: runs a check_iocs.py sub-command, failing on output.
check() {
  _what=$1
  shift
  $PY "$@" >check.txt 2>&1 || fail "$_what: $(head -n 20 check.txt)"
}

# Skips (77) when the IOC evaluation data is absent.
need_shared() {
  skip_unless_present "$SHARED/data/ioc" "$SHARED/data/ioc/README.md" "$SHARED/data/ioc/iocextract"
}
