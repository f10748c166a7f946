#!/usr/bin/env python3
"""Independent checks of `ctix kb` output against the source files.

Usage: check_kb.py COMMAND ARGS...
  info OUT.json ORIGIN             kb info --json has the expected shape
  show-examples OUT.json           kb show --json of the issue's example ids
  counts SHARED_DATA OUT.json      kb info --json counts = counts from the sources
  revoked-ids SHARED_DATA          prints every revoked ATT&CK id (one line)
  revoked SHARED_DATA OUT.json     each revoked id names the end of its chain
  d3fend-ids SHARED_DATA           prints the ATT&CK ids to check (one line)
  d3fend SHARED_DATA OUT.json      countermeasures = the mappings CSV's
Exits 0 when everything matches, 1 with one line per difference otherwise.
The counting here is written from the STIX and CSV formats, not from ctix.
"""
import csv
import json
import os
import sys

DOMAINS = {"enterprise": "enterprise-attack.json", "mobile": "mobile-attack.json",
           "ics": "ics-attack.json"}
ID_SOURCES = ("mitre-attack", "mitre-mobile-attack", "mitre-ics-attack")

errors = []


def err(msg):
    errors.append(msg)


def done():
    for e in errors[:50]:
        print("check_kb:", e, file=sys.stderr)
    if len(errors) > 50:
        print("check_kb: ... and %d more" % (len(errors) - 50), file=sys.stderr)
    sys.exit(1 if errors else 0)


def bundles(data):
    out = {}
    for dom, name in DOMAINS.items():
        with open(os.path.join(data, "attack", name)) as f:
            out[dom] = json.load(f)["objects"]
    return out


def attack_id(o):
    for r in o.get("external_references", []):
        if r.get("source_name") in ID_SOURCES and "external_id" in r:
            return r["external_id"]
    return None


def status(o):
    if o.get("revoked"):
        return "revoked"
    if o.get("x_mitre_deprecated"):
        return "deprecated"
    return "active"


def row_of(o):
    t = o["type"]
    if t == "attack-pattern":
        return "subtechniques" if o.get("x_mitre_is_subtechnique") else "techniques"
    return {"x-mitre-tactic": "tactics", "intrusion-set": "groups", "campaign": "campaigns",
            "course-of-action": "mitigations", "x-mitre-data-component": "data_components",
            "malware": "malware", "tool": "tools"}.get(t)


def load_json(path):
    with open(path) as f:
        return json.load(f)


def cmd_info(out, origin):
    j = load_json(out)
    if j.get("origin") != origin:
        err("origin %r, expected %r" % (j.get("origin"), origin))
    for key in ("sources", "attack", "d3fend", "kev", "relations"):
        if key not in j:
            err("no %r in kb info --json" % key)
    if not j.get("attack", {}).get("enterprise", {}).get("techniques", {}).get("active"):
        err("no active Enterprise technique")
    if not j.get("kev", {}).get("entries"):
        err("no KEV entry")


def cmd_show_examples(out):
    j = load_json(out)
    want = ["T1566.001", "G0016", "S0002", "C0024", "M1032", "D3-DA", "CVE-2021-44228"]
    got = [o.get("id", o.get("cve")) for o in j] if isinstance(j, list) else []
    if got != want:
        err("ids %r, expected %r" % (got, want))
        return
    t, g, s, c, m, d, cve = j
    if t.get("parent", {}).get("id") != "T1566":
        err("T1566.001 parent %r" % t.get("parent"))
    cm = {x["id"] for tac in t.get("d3fend_countermeasures", {}).values() for x in tac}
    for x in ("D3-EF", "D3-SRA", "D3-HD", "D3-ER"):
        if x not in cm:
            err("T1566.001 lacks countermeasure %s" % x)
    if "Cozy Bear" not in g.get("aliases", []):
        err("G0016 aliases %r" % g.get("aliases"))
    if s.get("software_type") != "tool" or not s["relations"].get("uses_techniques"):
        err("S0002 %r" % s.get("software_type"))
    if [x["id"] for x in c["relations"].get("attributed_to", [])] != ["G0016"]:
        err("C0024 attributed_to %r" % c["relations"].get("attributed_to"))
    if not c.get("first_seen") or not c.get("last_seen"):
        err("C0024 has no first/last seen")
    if not m["relations"].get("mitigates"):
        err("M1032 mitigates nothing")
    if not d["relations"].get("counters") or d.get("kind") != "d3fend_technique":
        err("D3-DA counters nothing")
    if not cve.get("in_kev") or cve.get("vendor") != "Apache":
        err("CVE-2021-44228 KEV entry %r" % cve)


def cmd_counts(data, out):
    j = load_json(out)
    b = bundles(data)
    for dom, objs in b.items():
        want = {}
        for o in objs:
            row = row_of(o)
            if not row:
                continue
            rows = [row] + (["software"] if row in ("malware", "tools") else [])
            for r in rows:
                cell = want.setdefault(r, {"total": 0, "active": 0, "revoked": 0, "deprecated": 0})
                cell["total"] += 1
                cell[status(o)] += 1
        got = j["attack"][dom]
        for row, cell in want.items():
            if got.get(row) != cell:
                err("%s %s: kb says %r, the bundle %r" % (dom, row, got.get(row), cell))
        coll = [o for o in objs if o["type"] == "x-mitre-collection"][0]
        if j["sources"].get("attack-" + dom) != coll["x_mitre_version"]:
            err("attack-%s version %r" % (dom, j["sources"].get("attack-" + dom)))
    # The numbers of the issue, for the v18.1 data they were taken from.
    if j["sources"].get("attack-enterprise") == "18.1":
        e = j["attack"]["enterprise"]
        for row, n in (("techniques", 216), ("subtechniques", 475), ("tactics", 14),
                       ("groups", 172), ("campaigns", 52), ("mitigations", 44)):
            if e[row]["active"] != n:
                err("Enterprise active %s %d, the README says %d" % (row, e[row]["active"], n))
    kev = load_json(os.path.join(data, "kev", "known_exploited_vulnerabilities.json"))
    vulns = kev["vulnerabilities"]
    if j["kev"]["entries"] != len(vulns):
        err("KEV entries %d, the feed has %d" % (j["kev"]["entries"], len(vulns)))
    known = sum(1 for v in vulns if v["knownRansomwareCampaignUse"] == "Known")
    if j["kev"]["known_ransomware"] != known:
        err("KEV known ransomware %d, the feed has %d" % (j["kev"]["known_ransomware"], known))
    if j["sources"].get("kev") != kev["catalogVersion"]:
        err("KEV version %r" % j["sources"].get("kev"))
    with open(os.path.join(data, "d3fend", "d3fend-techniques.csv")) as f:
        techs = list(csv.DictReader(f))
    if j["d3fend"]["techniques"] != len(techs):
        err("D3FEND techniques %d, the CSV has %d" % (j["d3fend"]["techniques"], len(techs)))
    if j["d3fend"]["tactics"] != len({t["def_tactic"] for t in techs}):
        err("D3FEND tactics %d" % j["d3fend"]["tactics"])
    with open(os.path.join(data, "d3fend", "attack-d3fend-mappings.csv")) as f:
        rows = list(csv.DictReader(f))
    pairs = {(r["attack_id"], r["d3fend_id"]) for r in rows}
    if j["d3fend"]["technique_countermeasure_pairs"] != len(pairs):
        err("D3FEND pairs %d, the CSV has %d" % (j["d3fend"]["technique_countermeasure_pairs"],
                                                 len(pairs)))
    if j["d3fend"]["attack_techniques_mapped"] != len({p[0] for p in pairs}):
        err("ATT&CK ids with countermeasures %d" % j["d3fend"]["attack_techniques_mapped"])


def revoked_map(data):
    """ATT&CK id of every revoked object -> ATT&CK id at the end of its chain (or None)."""
    objs, nxt = {}, {}
    for dom_objs in bundles(data).values():
        for o in dom_objs:
            objs[o["id"]] = o
            if o["type"] == "relationship" and o["relationship_type"] == "revoked-by":
                nxt[o["source_ref"]] = o["target_ref"]
    kept = ("attack-pattern", "intrusion-set", "malware", "tool", "campaign", "course-of-action")
    out = {}
    for sid, o in objs.items():
        if o["type"] not in kept or not o.get("revoked") or not attack_id(o):
            continue
        cur, seen = nxt.get(sid), set()
        while cur in nxt and cur not in seen:
            seen.add(cur)
            cur = nxt[cur]
        out[attack_id(o)] = attack_id(objs[cur]) if cur else None
    return out


def cmd_revoked_ids(data):
    print(" ".join(sorted(revoked_map(data))))


def cmd_revoked(data, out):
    want = revoked_map(data)
    got = load_json(out)
    if not isinstance(got, list):
        got = [got]
    seen = set()
    for o in got:
        oid = o["id"]
        if oid not in want:
            continue
        seen.add(oid)
        if o.get("status") != "revoked":
            err("%s status %r" % (oid, o.get("status")))
        rb = o.get("revoked_by", {}).get("id")
        if rb != want[oid]:
            err("%s resolves to %r, its revoked-by chain ends at %r" % (oid, rb, want[oid]))
    for oid in set(want) - seen:
        err("%s missing from kb show" % oid)
    if len(want) < 100:
        err("only %d revoked ids in the bundles" % len(want))


def mappings(data):
    with open(os.path.join(data, "d3fend", "attack-d3fend-mappings.csv")) as f:
        rows = list(csv.DictReader(f))
    own = {}
    for r in rows:
        own.setdefault(r["attack_id"], set()).add(r["d3fend_id"])
    return own


def children(data):
    """Parent id -> ids of its active sub-techniques."""
    out = {}
    for objs in bundles(data).values():
        for o in objs:
            if o["type"] == "attack-pattern" and o.get("x_mitre_is_subtechnique") \
                    and status(o) == "active":
                i = attack_id(o)
                out.setdefault(i.split(".")[0], set()).add(i)
    return out


def cmd_d3fend_ids(data):
    ids = set(mappings(data)) | set(children(data))
    print(" ".join(sorted(ids)))


def cmd_d3fend(data, out):
    own, kids = mappings(data), children(data)
    got = load_json(out)
    if not isinstance(got, list):
        got = [got]
    by_id = {o["id"]: o for o in got}
    for tid in set(own) | set(kids):
        o = by_id.get(tid)
        if not o:
            err("%s missing from kb show" % tid)
            continue
        cms = [x for tac in o.get("d3fend_countermeasures", {}).values() for x in tac]
        mine = {x["id"] for x in cms if not x["source"].startswith("rolled up")}
        total = {x["id"] for x in cms}
        if mine != own.get(tid, set()):
            err("%s own countermeasures %s, the CSV %s" % (tid, sorted(mine),
                                                          sorted(own.get(tid, set()))))
        want = set(own.get(tid, set()))
        for k in kids.get(tid, ()):
            want |= own.get(k, set())
        if total != want:
            err("%s countermeasures with roll-ups %s, expected %s" % (tid, sorted(total),
                                                                     sorted(want)))
        for tac, items in o.get("d3fend_countermeasures", {}).items():
            if not tac:
                err("%s has a countermeasure without tactic" % tid)
    hand = {"D3-DA", "D3-EFA", "D3-FA", "D3-FIM", "D3-EAL", "D3-EDL", "D3-CF", "D3-CM", "D3-CQ",
            "D3-LFP", "D3-RFAM", "D3-FE", "D3-FEV", "D3-RF", "D3-DF"}
    t = by_id.get("T1059.001", {})
    got_hand = {x["id"] for tac in t.get("d3fend_countermeasures", {}).values() for x in tac}
    if got_hand != hand:
        err("T1059.001 countermeasures %s, the README's hand check %s" % (sorted(got_hand),
                                                                         sorted(hand)))


def main():
    a = sys.argv[1:]
    cmds = {"info": (cmd_info, 2), "show-examples": (cmd_show_examples, 1),
            "counts": (cmd_counts, 2), "revoked-ids": (cmd_revoked_ids, 1),
            "revoked": (cmd_revoked, 2), "d3fend-ids": (cmd_d3fend_ids, 1),
            "d3fend": (cmd_d3fend, 2)}
    if not a or a[0] not in cmds or len(a) - 1 != cmds[a[0]][1]:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    cmds[a[0]][0](*a[1:])
    done()


if __name__ == "__main__":
    main()
