#!/bin/sh
# `ctix sigma check` on the rules of tests/data/sigma_check: a valid rule
# passes (exit 0), each broken one fails (exit 1) with FILE:LINE:COL
# messages naming the problem, warnings count only with --strict, and bad
# command lines exit 2.
# Usage: sigma_cli.sh DRIVER CTIX SOURCE_DIR SHARED_DIR WORK_DIR
CTIX=$2 SRC=$3 WORK=$5
. "$SRC/tests/integration/common.sh"
D=$SRC/tests/data/sigma_check

run sigma check "$D/good.yml"
expect_rc 0 "valid rule"
expect_grep "1 file, 0 with errors" err.txt "summary of a valid rule"

run sigma check "$D/bad_fields.yml"
expect_rc 1 "rule with bad fields"
expect_grep "bad_fields.yml:1:5: error: 'id' is not a UUID" out.txt "id"
expect_grep "bad_fields.yml:2:9: error: status must be" out.txt "status"
expect_grep "bad_fields.yml:3:7: error: 'date'" out.txt "date"
expect_grep "bad_fields.yml:4:8: error: level must be" out.txt "level"
expect_grep "tag 'Attack.T1059' must be" out.txt "tag"
expect_grep "'logsource' must be a mapping" out.txt "logsource"
expect_grep "unknown modifier 'bogus'" out.txt "modifier"
expect_grep "unknown search identifier 'missing_one'" out.txt "condition identifier"
expect_grep "missing required field 'title'" out.txt "title"

run sigma check "$D/bad_condition.yml"
expect_rc 1 "bad condition"
expect_grep "no search identifier matches 'other*'" out.txt "pattern"

run sigma check "$D/bad_yaml.yml"
expect_rc 1 "YAML syntax"
expect_grep "bad_yaml.yml:2:" out.txt "syntax error position"

run sigma check "$D/hostile.yml"
expect_rc 1 "aliases"
expect_grep "aliases are not supported" out.txt "alias"

run sigma check "$D/deep.yml"
expect_rc 1 "deep nesting"
expect_grep "nesting deeper than" out.txt "depth"

run sigma check "$D/hostile_values.yml"
expect_rc 0 "hostile but valid values"
run sigma check --strict "$D/hostile_values.yml"
expect_rc 1 "--strict counts warnings"
run sigma check -W -q "$D/hostile_values.yml"
expect_rc 0 "-W -q"
[ -s err.txt ] && fail "-q still printed: $(cat err.txt)"

run sigma check "$D"
expect_rc 1 "directory with broken rules"
expect_grep "8 files" err.txt "directory walk"

run sigma check "$WORK/does-not-exist.yml"
expect_rc 1 "missing file"
expect_grep "does-not-exist.yml: error:" out.txt "missing file message"

head -c 1100000 /dev/zero | tr '\0' 'a' >big.yml
run sigma check big.yml
expect_rc 1 "file over 1 MiB"
expect_grep "larger than 1 MiB" out.txt "size limit"

run sigma
expect_rc 2 "no sub-command"
run sigma frobnicate
expect_rc 2 "unknown sub-command"
run sigma check
expect_rc 2 "no file"
run sigma check --bogus x.yml
expect_rc 2 "unknown option"
run sigma --help
expect_rc 0 "help"
expect_grep "ctix sigma check" out.txt "help text"
finish
