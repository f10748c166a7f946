#!/usr/bin/env python3
"""top_techniques.py BUNDLE N: the N techniques most often targeted by a
`uses` relationship in an ATT&CK STIX bundle (revoked and deprecated objects
and relations left out), one "ID COUNT" per line, ties by id."""
import collections
import json
import sys


def live(o):
    return not o.get("revoked") and not o.get("x_mitre_deprecated")


def main():
    bundle = json.load(open(sys.argv[1], encoding="utf-8"))
    objs = {o["id"]: o for o in bundle["objects"]}
    counts = collections.Counter()
    for o in bundle["objects"]:
        if o["type"] != "relationship" or o.get("relationship_type") != "uses" or not live(o):
            continue
        src, dst = objs.get(o["source_ref"]), objs.get(o["target_ref"])
        if not src or not dst or dst["type"] != "attack-pattern" or not live(src) or not live(dst):
            continue
        ext = [r["external_id"] for r in dst.get("external_references", [])
               if r.get("source_name") == "mitre-attack"]
        if ext:
            counts[ext[0]] += 1
    for tid, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:int(sys.argv[2])]:
        print(tid, n)


if __name__ == "__main__":
    main()
