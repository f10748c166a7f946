# Mobile and ICS techniques through every writer: ctix analyze -o on the
# hand-written ICS/Mobile text, the two CISA ICS advisories of the dev
# articles and an Enterprise-only example; checks each report's technique
# domains, which Navigator layers exist, the STIX kill chains and MISP
# tags (Mobile in a galaxy, ICS in a comment), and runs the three
# validators of ../shared/tools.
# Arguments: CTIX SOURCE_DIR SHARED_DIR WORK_DIR.
CTIX=$1
SRC=$2
SHARED=$3
WORK=$4
. "$SRC/tests/integration/common.sh"

ART="$SHARED/data/articles/dev"
skip_unless_present "the shared data" "$ART/cisa-aa26-231a-siemens-s7.text.txt" \
  "$ART/cisa-aa26-097a-iran-plc.text.txt" "$SHARED/tools/stix-validate" \
  "$SHARED/tools/navigator-validate" "$SHARED/tools/misp-validate"

cp "$SRC/tests/data/ttp_domains/ics-mobile.md" ics-mobile.md
cp "$ART/cisa-aa26-231a-siemens-s7.text.txt" siemens.txt
cp "$ART/cisa-aa26-097a-iran-plc.text.txt" iran.txt
cp "$SRC/examples/technical-writeup.md" enterprise.md
run analyze -q -o out ics-mobile.md siemens.txt iran.txt enterprise.md
expect_rc 0 "analyze"

# Which layers: the Enterprise one always, the others only with such techniques.
for d in ics-mobile siemens iran enterprise; do
  [ -f "out/$d/layer.json" ] || fail "$d: no layer.json"
done
for f in out/ics-mobile/layer-ics.json out/ics-mobile/layer-mobile.json \
  out/siemens/layer-ics.json out/iran/layer-ics.json; do
  [ -f "$f" ] || fail "missing $f"
done
for f in out/siemens/layer-mobile.json out/iran/layer-mobile.json \
  out/enterprise/layer-ics.json out/enterprise/layer-mobile.json; do
  [ ! -e "$f" ] || fail "unexpected $f"
done

# Report, STIX, layers and MISP of the hand-written text.
python3 - out >check.txt 2>&1 <<'PY' || fail "writers: $(head -n 20 check.txt)"
import json, sys
out = sys.argv[1]
bad = []
def expect(cond, msg):
    if not cond:
        bad.append(msg)

rep = json.load(open(out + "/ics-mobile/report.json"))
expect(rep["schema_version"] == "1.3", "schema_version %r" % rep["schema_version"])
t = {x["id"]: x for x in rep["techniques"]}
for tid, dom, status, tactic in [("T0883", "ics", "observed", "initial-access"),
                                 ("T0885", "ics", "observed", "command-and-control"),
                                 ("T0821", "ics", "observed", "execution"),
                                 ("T0849", "ics", "potential", "evasion"),
                                 ("T1636.004", "mobile", "observed", "collection"),
                                 ("T1628.001", "mobile", "observed", "defense-evasion")]:
    h = t.get(tid)
    expect(h is not None, "%s not reported" % tid)
    if h:
        expect(h["domain"] == dom, "%s domain %r" % (tid, h["domain"]))
        expect(h["status"] == status, "%s status %r" % (tid, h["status"]))
        expect(tactic in h["tactics"], "%s tactics %r" % (tid, h["tactics"]))
        expect(tid in h["evidence"][0]["text"] or "T1412" in h["evidence"][0]["text"],
               "%s evidence %r" % (tid, h["evidence"][0]["text"]))
expect("T1412" not in t, "revoked T1412 not remapped")
expect("T0836" not in t, "T0836 from the references section reported")
expect(t.get("T1059.001", {}).get("domain") == "enterprise", "T1059.001 not enterprise")

# STIX: the domain's kill chain, the mitre-attack reference.
b = json.load(open(out + "/ics-mobile/bundle.stix.json"))
ap = {}
for o in b["objects"]:
    if o["type"] == "attack-pattern":
        ap[o["external_references"][0]["external_id"]] = o
for tid, kc in [("T0883", "mitre-ics-attack"), ("T1636.004", "mitre-mobile-attack"),
                ("T1059.001", "mitre-attack")]:
    o = ap.get(tid)
    expect(o is not None, "no attack-pattern %s" % tid)
    if o:
        expect({p["kill_chain_name"] for p in o["kill_chain_phases"]} == {kc},
               "%s kill chains %r" % (tid, o["kill_chain_phases"]))
        expect(o["external_references"][0]["source_name"] == "mitre-attack",
               "%s source_name" % tid)

# Navigator: one domain per layer.
for name, dom, ids, absent in [("layer.json", "enterprise-attack", {"T1059.001"}, {"T0883", "T1636.004"}),
                               ("layer-ics.json", "ics-attack", {"T0883", "T0885", "T0821", "T0849"}, {"T1059.001"}),
                               ("layer-mobile.json", "mobile-attack", {"T1636.004", "T1628.001"}, {"T0883"})]:
    L = json.load(open(out + "/ics-mobile/" + name))
    expect(L["domain"] == dom, "%s domain %r" % (name, L["domain"]))
    got = {x["techniqueID"] for x in L["techniques"]}
    expect(ids <= got and not (absent & got), "%s techniques %r" % (name, sorted(got)))

# MISP: Mobile in mitre-attack-pattern; ICS in a comment, no galaxy tag.
e = json.load(open(out + "/ics-mobile/misp-event.json"))["Event"]
tags = {x["name"] for x in e.get("Tag", [])}
expect('misp-galaxy:mitre-attack-pattern="SMS Messages - T1636.004"' in tags,
       "missing the T1636.004 tag")
expect(not any("mitre-ics" in x or "Internet Accessible Device" in x for x in tags),
       "ICS technique in a galaxy tag")
notes = [x["value"] for x in e.get("Attribute", []) if x["type"] == "comment"]
ics = [v for v in notes if v.startswith("ATT&CK for ICS techniques: ")]
expect(len(ics) == 1 and "T0883 Internet Accessible Device" in ics[0] and
       "T0821 Modify Controller Tasking" in ics[0] and "T0849" not in ics[0],
       "ICS comment %r" % ics)

# The CISA advisories: the ids their authors wrote.
for d, ids in [("siemens", {"T0821", "T0834", "T0849", "T0893"}), ("iran", {"T0883", "T0885"})]:
    r = json.load(open(out + "/" + d + "/report.json"))
    got = {x["id"] for x in r["techniques"] if x["domain"] == "ics"}
    expect(got == ids, "%s ICS techniques %r" % (d, sorted(got)))
r = json.load(open(out + "/enterprise/report.json"))
expect(all(x["domain"] == "enterprise" for x in r["techniques"]), "enterprise example domains")
for x in bad:
    print(x)
sys.exit(1 if bad else 0)
PY

# Markdown and the summary name the domain.
expect_grep '` T0883 ` (ICS)' out/ics-mobile/report.md "report.md"
expect_grep '` T1636.004 ` (Mobile)' out/ics-mobile/report.md "report.md"
run analyze ics-mobile.md
expect_grep "T0883 (ICS) Internet Accessible Device" out.txt "summary"

# Zero errors from the validators.
"$SHARED/tools/stix-validate" out/*/bundle.stix.json >stix.txt 2>&1 ||
  fail "stix-validate: $(grep -v warning: stix.txt | head -n 20)"
"$SHARED/tools/navigator-validate" --attack out/*/layer*.json >nav.txt 2>&1 ||
  fail "navigator-validate: $(grep -v warning: nav.txt | head -n 20)"
"$SHARED/tools/misp-validate" out/*/misp-event.json >misp.txt 2>&1 ||
  fail "misp-validate: $(grep -v warning: misp.txt | head -n 20)"
tail -n 1 stix.txt
tail -n 1 nav.txt
tail -n 1 misp.txt
finish
