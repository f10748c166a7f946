# Bidirectional controls inside observables (docs/iocs.md, "Spoofed
# names"): `ctix iocs` keeps the whole name with its right-to-left
# override (T1036.002) as the value, says how it displays, escapes the
# controls in JSON and prints them as '?' in the table; a control at the
# edge of a token or inside a host stays out of the value; `ctix analyze`
# holds the same records (schema 1.3) and maps the sentence to T1036.002.
. "$(dirname "$0")/lib.sh"

IN=$SRC/tests/data/ioc/bidi.md
RLO=$(printf '\342\200\256')

run iocs --json --all "$IN"
expect_rc 0 "iocs --json --all"
cp out.txt bidi.jsonl
expect_no_grep "$RLO" bidi.jsonl "JSON lines escape the override"
run analyze --jsonl "$IN"
expect_rc 0 "analyze --jsonl"
cp out.txt report.jsonl
check "records" records bidi.jsonl --text report.jsonl
check "report iocs" same-set bidi.jsonl report.jsonl
python3 - bidi.jsonl report.jsonl >bidi.txt 2>&1 <<'PY' || fail "bidi records: $(head -n 20 bidi.txt)"
import json, sys
RLO, LRM, ALM = "\u202e", "\u200e", "\u061c"
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
report = json.loads(open(sys.argv[2], encoding="utf-8").read())
problems = []
def find(t, v):
    return next((r for r in lines if r["type"] == t and r["value"] == v), None)
def want(t, v, spoofed, display, controls):
    r = find(t, v)
    if r is None:
        problems.append("no %s %r" % (t, v))
        return
    b = r.get("bidi")
    exp = {"spoofed": spoofed, "display": display, "controls": controls,
           "technique": "T1036.002" if spoofed else None}
    if b != exp:
        problems.append("%s %r: bidi %r, want %r" % (t, v, b, exp))
want("file_name", "Invoice_2024" + RLO + "cod.scr", True, "Invoice_2024rcs.doc", ["U+202E"])
want("file_path", "C:\\Users\\Public\\inv" + RLO + "fdp.exe", True,
     "C:\\Users\\Public\\invexe.pdf", ["U+202E"])
want("url", "http://update-cdn.top/doc" + RLO + "fdp.exe", True,
     "http://update-cdn.top/docexe.pdf", ["U+202E"])
# a mark that changes nothing shown stays where the extractor always left it
want("file_name", "report" + ALM + "2024.pdf.exe", False, "report2024.pdf.exe", ["U+061C"])
for t, v in (("file_name", "cod.scr"), ("file_name", "fdp.exe")):
    if find(t, v):
        problems.append("the part after the override came out alone: %s %r" % (t, v))
for t, v in (("domain", "update-cdn.top"), ("domain", "mirror-cdn.top")):
    r = find(t, v)
    if r is None or "bidi" in r:
        problems.append("%s %r: missing or with bidi" % (t, v))
for r in lines:
    if r["type"] == "domain" and (RLO in r["value"] or LRM in r["value"] or ALM in r["value"]):
        problems.append("a control in a host: %r" % r["value"])
for r in lines:
    rep = next((o for o in report["iocs"] if (o["type"], o["value"]) == (r["type"], r["value"])), {})
    if rep.get("bidi") != r.get("bidi"):
        problems.append("report bidi of %r: %r, iocs: %r" % (r["value"], rep.get("bidi"), r.get("bidi")))
if report["schema_version"] != "1.3":
    problems.append("schema %r" % report["schema_version"])
tech = next((t for t in report["techniques"] if t["id"] == "T1036.002"), None)
if tech is None:
    problems.append("T1036.002 not mapped")
elif not any("<u+202e>" in e["why"] and "Invoice_2024" + RLO + "cod.scr" in e["text"]
             for e in tech["evidence"]):
    problems.append("T1036.002 without the sentence of the name: %r" % tech["evidence"])
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY

# The table: the override printed as '?', with how the name displays.
run iocs "$IN"
expect_rc 0 "iocs (table)"
expect_no_grep "$RLO" out.txt "table prints the override as '?'"
expect_grep 'Invoice_2024?cod.scr' out.txt "table value"
expect_grep 'spoofed: displays as "Invoice_2024rcs.doc" (right-to-left override U+202E; ATT&CK T1036.002)' \
  out.txt "table note"
expect_grep 'hidden bidi control: displays as "report2024.pdf.exe" (arabic letter mark U+061C)' \
  out.txt "table note of a mark"

# The Markdown report shows the control instead of obeying it.
run analyze -o md --format md "$IN"
expect_rc 0 "analyze --format md"
expect_grep '| file\_name | ` Invoice_2024<U+202E>cod.scr ` | 1 |' md/report.md "report.md observable"
expect_grep 'Invoice\_2024\<U+202E\>cod\.scr' md/report.md "report.md prose"

# The summary of `ctix analyze` shows the technique with the sentence.
run analyze "$IN"
expect_rc 0 "analyze"
expect_grep "T1036.002 Right-to-Left Override" out.txt "analyze technique"
expect_grep "Invoice_2024?cod.scr" out.txt "analyze evidence sentence"
finish
