# `ctix help`, `ctix help CMD`, `ctix CMD --help`, `-h`, `ctix version`:
# the same text everywhere, status 0, on stdout.
. "$(dirname "$0")/lib.sh"

run help
expect_rc 0 "ctix help"
cp out.txt overview.txt
cmds=$(sed -n '/^Commands:/,/^$/p' overview.txt | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p')
[ -n "$cmds" ] || fail "no commands listed by ctix help"
for c in analyze help version; do
  echo "$cmds" | grep -qx "$c" || fail "ctix help does not list $c"
done
run --help
cmp -s out.txt overview.txt || fail "ctix --help differs from ctix help"
run -h
cmp -s out.txt overview.txt || fail "ctix -h differs from ctix help"

for c in $cmds; do
  run help "$c"
  expect_rc 0 "ctix help $c"
  cp out.txt "help-$c.txt"
  expect_grep "Usage: ctix $c" "help-$c.txt" "help of $c"
  expect_grep "Options:" "help-$c.txt" "help of $c"
  run "$c" --help
  expect_rc 0 "ctix $c --help"
  cmp -s out.txt "help-$c.txt" || fail "ctix $c --help differs from ctix help $c"
  run "$c" -h
  cmp -s out.txt "help-$c.txt" || fail "ctix $c -h differs from ctix help $c"
  [ ! -s err.txt ] || fail "ctix $c --help wrote to stderr"
done

run version
expect_rc 0 "ctix version"
cp out.txt version.txt
grep -Eq '^ctix [0-9]+\.[0-9]+\.[0-9]+$' version.txt || fail "version line: $(cat version.txt)"
expect_grep "report schema 1.3" version.txt "schema version"
run --version
cmp -s out.txt version.txt || fail "ctix --version differs from ctix version"
finish
