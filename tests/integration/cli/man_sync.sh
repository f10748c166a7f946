# docs/ctix.1 and `ctix help` stay in sync: for every command, the options
# its help lists are exactly those of its section of the man page, every
# command has a section, and every option the help lists is accepted.
. "$(dirname "$0")/lib.sh"

MAN=$SRC/docs/ctix.1

# Options on the option lines of a help text ("  -o, --output DIR  text").
help_options() {
  sed -n 's/^  *\(-[-a-zA-Z]\)/\1/p' "$1" | sed 's/  .*//' |
    grep -oE -- '(^|[ ,])--?[a-zA-Z][a-zA-Z0-9-]*' | tr -d ' ,' | sort -u
}

# Options of the tagged paragraphs (.TP) of one man page section: the
# section runs from the line matching $2 to the next .SS or .SH.
man_options() {
  awk -v start="$2" '
    $0 ~ start { on = 1; next }
    on && /^\.S[SH]/ { exit }
    on && tp { print; tp = 0; next }
    on && /^\.TP/ { tp = 1 }
  ' "$1" | sed 's/\\-/-/g; s/\\f[BIRP]//g' |
    grep -oE -- '(^|[ ,"])--?[a-zA-Z][a-zA-Z0-9-]*' | tr -d ' ,"' | sort -u
}

run help
cmds=$(sed -n '/^Commands:/,/^$/p' out.txt | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p')
for c in $cmds; do
  run help "$c"
  cp out.txt "help-$c.txt"
  help_options "help-$c.txt" >"help-$c.opts"
  grep -q "^\.SS \"ctix $c\"" "$MAN" || fail "docs/ctix.1 has no section .SS \"ctix $c\""
  man_options "$MAN" "^\\.SS \"ctix $c\"" >"man-$c.opts"
  [ -s "help-$c.opts" ] || fail "no options found in ctix help $c"
  if ! cmp -s "help-$c.opts" "man-$c.opts"; then
    fail "options of '$c' differ between ctix help (<) and docs/ctix.1 (>): $(diff "help-$c.opts" "man-$c.opts" | grep '^[<>]' | tr '\n' ' ')"
  fi
  # Every listed option is known to the parser (an unknown one says so).
  for o in $(cat "help-$c.opts"); do
    "$CTIX" "$c" "$o" </dev/null >/dev/null 2>opt.err
    rc=$?
    sanitizer_check "ctix $c $o" opt.err
    if grep -q "unknown option" opt.err; then fail "ctix $c: listed option $o is rejected"; fi
  done
done

# The overview's own options and the man page's GLOBAL OPTIONS.
run help
help_options out.txt >help-global.opts
man_options "$MAN" '^\.SH GLOBAL OPTIONS' >man-global.opts
cmp -s help-global.opts man-global.opts ||
  fail "global options differ: $(diff help-global.opts man-global.opts | grep '^[<>]' | tr '\n' ' ')"

# The man page renders without warnings where groff is installed.
if command -v groff >/dev/null 2>&1; then
  groff -man -Tutf8 -ww -z "$MAN" 2>groff.err
  [ ! -s groff.err ] || fail "groff warnings: $(head -n 5 groff.err)"
fi
finish
