#!/bin/sh
# The template library covers the 60 techniques most used in the ATT&CK
# `uses` relations (counted from ../shared/data/attack), each template is a
# rule-shaped document `ctix sigma check` accepts, and the checker finds no
# error in SigmaHQ's corpus (../shared/data/sigma/rules).
# Usage: sigma_templates.sh DRIVER CTIX SOURCE_DIR SHARED_DIR WORK_DIR
CTIX=$2 SRC=$3 SHARED=$4 WORK=$5
ATTACK="$SHARED/data/attack/enterprise-attack.json"
RULES="$SHARED/data/sigma/rules"
if [ ! -f "$ATTACK" ] || [ ! -d "$RULES" ]; then
  echo "SKIP: $SHARED (ATT&CK bundle or Sigma rules) is absent" >&2
  exit 77
fi
. "$SRC/tests/integration/common.sh"

python3 "$SRC/tests/integration/sigma/top_techniques.py" "$ATTACK" 60 >top.txt ||
  fail "cannot count the ATT&CK uses relations"
[ "$(wc -l <top.txt)" -eq 60 ] || fail "expected 60 techniques, got $(wc -l <top.txt)"
while read -r t count; do
  [ -f "$SRC/data/sigma/templates/$t.yml" ] ||
    fail "no template for $t ($count uses): data/sigma/templates/$t.yml"
done <top.txt

run sigma check -W "$SRC/data/sigma/templates"
expect_rc 0 "ctix sigma check on the templates"

run sigma check -W "$RULES"
expect_rc 0 "ctix sigma check on SigmaHQ's rules"
[ "$rc" -eq 0 ] || head -n 10 out.txt >&2
cat err.txt
finish
