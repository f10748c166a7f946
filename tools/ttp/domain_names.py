#!/usr/bin/env python3
"""Measures ATT&CK Mobile and ICS technique names as a signal of their technique.

For every current (not revoked, not deprecated) Mobile and ICS technique of
the ATT&CK bundles in ../shared/data/attack, the name is matched in the dev
documents of ../shared/data/ttp-eval (tram2-docs, annoctr, cti-hal-docs)
and in the dev articles (../shared/data/articles/dev/*.text.txt, with the
authors' lists in the .json beside each): ASCII case ignored, word
boundaries, any white space between words, an optional plural "s".
A (document, technique) pair counts as labelled when the document's gold
list holds the technique's id. Names equal to an Enterprise technique's
name, current or older (revoked, deprecated), are marked "enterprise": the
mapper could not tell them apart.

Prints one line per name that occurs (id, domain, name, the Enterprise
mark, per set: labelled pairs, unlabelled pairs, mentions) and the totals
of the names of their own. docs/ttp.md, "Mobile and ICS techniques", holds
the decision taken from it (names not used). The output depends only on
the inputs.

Usage: tools/ttp/domain_names.py [--shared DIR]
"""
import argparse
import collections
import glob
import json
import os
import re
import sys

SETS = ("tram2-docs", "annoctr", "cti-hal-docs")
BUNDLES = (("enterprise-attack.json", "enterprise"), ("mobile-attack.json", "mobile"),
           ("ics-attack.json", "ics"))


def technique_id(o):
    for r in o.get("external_references", []):
        if r.get("external_id", "").startswith("T"):
            return r["external_id"]
    return None


def load_names(shared):
    """{id: (name, domain)} of current Mobile/ICS techniques; all Enterprise names."""
    own, enterprise = {}, set()
    for fname, dom in BUNDLES:
        with open(os.path.join(shared, "data", "attack", fname), encoding="utf-8") as f:
            objs = json.load(f)["objects"]
        for o in objs:
            if o.get("type") != "attack-pattern" or not technique_id(o):
                continue
            if dom == "enterprise":
                enterprise.add(o["name"].lower())
            elif not o.get("revoked") and not o.get("x_mitre_deprecated"):
                own[technique_id(o)] = (o["name"], dom)
    return own, enterprise


def documents(shared):
    """(set, id, text, gold ids) of every document measured."""
    for s in SETS:
        with open(os.path.join(shared, "data", "ttp-eval", s, "dev.jsonl"), encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                yield s, d.get("id"), d.get("text", ""), set(d.get("techniques") or d.get("labels") or [])
    for path in sorted(glob.glob(os.path.join(shared, "data", "articles", "dev", "*.text.txt"))):
        meta_path = path[: -len(".text.txt")] + ".json"
        gold = set()
        if os.path.exists(meta_path):
            with open(meta_path, encoding="utf-8") as f:
                gold = set(json.load(f).get("techniques") or [])
        with open(path, encoding="utf-8") as f:
            yield "articles", os.path.basename(path), f.read(), gold


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "..", "..", "..",
                                                     "shared"))
    a = ap.parse_args()
    own, enterprise = load_names(a.shared)
    patterns = []
    for tid, (name, dom) in sorted(own.items()):
        words = r"\s+".join(re.escape(w) for w in name.split())
        rx = re.compile(r"(?<![A-Za-z0-9])" + words + r"s?(?![A-Za-z0-9])", re.I)
        patterns.append((tid, name, dom, name.lower() in enterprise, rx))
    counts = collections.defaultdict(collections.Counter)
    for s, _, text, gold in documents(a.shared):
        for tid, name, dom, ent, rx in patterns:
            n = len(rx.findall(text))
            if n:
                counts[tid][s + (" labelled" if tid in gold else " unlabelled")] += 1
                counts[tid][s + " mentions"] += n
    totals = collections.Counter()
    for tid, name, dom, ent, _ in patterns:
        if tid not in counts:
            continue
        c = counts[tid]
        print("%-10s %-6s %-40s %-10s %s" % (tid, dom, name, "enterprise" if ent else "",
                                             ", ".join("%s %d" % kv for kv in sorted(c.items()))))
        if not ent:
            totals.update(c)
    print("names of their own, totals: " + ", ".join("%s %d" % kv for kv in sorted(totals.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
