# The sample articles of examples/: each is analysed on its own into a
# report that is consistent (check_report.py) and holds what the article
# holds: its title, enough sentences, its code and table rows, and for the
# web page the story without the page's cookie banner, comments and menus.
. "$(dirname "$0")/lib.sh"

title_of() { sed -n 's/^# //p' "$1" | head -n 1; }

# The news story: plain prose, headings.
f=$EXAMPLES/news-breach.md
run analyze -o news "$f"
expect_rc 0 "analyze news-breach.md"
check_report news/report.json --format markdown --source "$f" --title "$(title_of "$f")" \
  --min-sentences 30 --min-blocks heading 4 \
  --contains "Ashworth Valley Health said it expected all services to be back to normal"

# The technical write-up: code blocks, IOC and ATT&CK tables, defanged IOCs.
f=$EXAMPLES/technical-writeup.md
run analyze -o tech "$f"
expect_rc 0 "analyze technical-writeup.md"
check_report tech/report.json --format markdown --title "$(title_of "$f")" \
  --min-sentences 40 --min-blocks code 6 --min-blocks table_row 30 \
  --contains "vssadmin.exe delete shadows /all /quiet" \
  --contains "billing-docs-secure[.]top" --contains "T1566.001" \
  --contains "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run"

# The same story as a news web page: main content only, metadata from tags.
f=$EXAMPLES/news-breach.html
run analyze -o web "$f"
expect_rc 0 "analyze news-breach.html"
check_report web/report.json --format html \
  --title "Hospital group turns away ambulances after ransomware attack" \
  --min-sentences 30 \
  --contains "Doctors and nurses switched to paper." \
  --absent "Accept all" --absent "Most read" --absent "All rights reserved" \
  --absent "Huge credit to the porters"
meta=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["metadata"]; print(m["author"], m["published"], m["language"], sep="|")' web/report.json)
case $meta in
  "Clara Hendry|2024-03-12"*"|en"*) ;;
  *) fail "news-breach.html metadata author|published|language = $meta" ;;
esac

# Every example together, as `make run` does: one folder per document.
set -- "$EXAMPLES"/*.md "$EXAMPLES"/*.html
run analyze -o all "$@"
expect_rc 0 "analyze all examples"
for f in "$@"; do
  expect_grep "$f" out.txt "summary of all examples"
done
expect_grep "Output folder: all" out.txt "summary of all examples"
n=$(find all -name report.json | wc -l | tr -d ' ')
[ "$n" -eq $# ] || fail "all examples: $n reports for $# inputs"
finish
