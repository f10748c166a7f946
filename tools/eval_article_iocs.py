#!/usr/bin/env python3
"""Scores `ctix iocs` on real articles against their authors' own IOC lists.

usage: eval_article_iocs.py CTIX ARTICLES_DIR [--form text|full|both] [--json] [--show]

For every ARTICLES_DIR/<id>.json (the article corpus format: "iocs" maps a
kind to the authors' values, "cves" lists CVE ids, "source_url" is the
publisher's page) runs `CTIX iocs --json --all --publisher HOST` on
<id>.text.txt and/or <id>.full.txt, and compares the observables of
status `ioc` with the authors' lists. Kinds are mapped to ctix types
(filename -> file_name, filepath -> file_path, x509_sha256 -> sha256);
kinds ctix has no type for (qtox_id, account) are counted apart as
"unscorable". Values are compared case-insensitively (paths too: the
authors' lists mix cases).

ATT&CK ids, CWE, CAPEC and TLP labels are left out of the comparison
(they are references, not indicators; techniques are scored by
eval_articles.py). The authors list the indicators they think matter, not every observable
of the text, so precision is a lower bound: --show prints each article's
IOCs that are not in the list (to read, not to count blindly), its misses
and the values ctix set aside as benign or rejected that the authors list.
Prints a table, or one JSON object with --json.
"""
import argparse
import json
import os
import subprocess
import sys
from urllib.parse import urlparse

KIND_TO_TYPE = {
    "ipv4": "ipv4", "ipv6": "ipv6", "domain": "domain", "url": "url", "email": "email",
    "md5": "md5", "sha1": "sha1", "sha256": "sha256", "sha512": "sha512",
    "x509_sha256": "sha256", "filename": "file_name", "filepath": "file_path",
    "registry_key": "registry_key", "cve": "cve",
}


def scored_type(t):
    return not (t.startswith("attack_") or t in ("cwe", "capec", "tlp"))


def norm(t, v):
    v = v.strip()
    if t == "url":
        return v.rstrip("/").lower()
    return v.lower()


def gold_of(meta):
    gold, unscorable = set(), 0
    for kind, vals in (meta.get("iocs") or {}).items():
        t = KIND_TO_TYPE.get(kind)
        if t is None:
            unscorable += len(vals)
            continue
        gold.update((t, norm(t, v)) for v in vals)
    gold.update(("cve", norm("cve", v)) for v in meta.get("cves") or [])
    return gold, unscorable


def run_ctix(ctix, path, publisher):
    cmd = [ctix, "iocs", "--json", "--all", path]
    if publisher:
        cmd[2:2] = ["--publisher", publisher]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode not in (0, 2):
        raise SystemExit(f"{ctix} iocs {path}: exit {out.returncode}: {out.stderr.strip()}")
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("ctix")
    ap.add_argument("dir")
    ap.add_argument("--form", choices=["text", "full", "both"], default="both")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--show", action="store_true")
    a = ap.parse_args()

    forms = ["text", "full"] if a.form == "both" else [a.form]
    totals = {f: {"tp": 0, "fp": 0, "fn": 0, "unscorable": 0} for f in forms}
    rows = []
    for name in sorted(os.listdir(a.dir)):
        if not name.endswith(".json"):
            continue
        art = name[:-5]
        with open(os.path.join(a.dir, name), encoding="utf-8") as fh:
            meta = json.load(fh)
        gold, unscorable = gold_of(meta)
        publisher = urlparse(meta.get("source_url") or "").hostname
        for form in forms:
            path = os.path.join(a.dir, f"{art}.{form}.txt")
            if not os.path.exists(path):
                continue
            items = run_ctix(a.ctix, path, publisher)
            items = [i for i in items if scored_type(i["type"])]
            pred = {(i["type"], norm(i["type"], i["value"])) for i in items if i["status"] == "ioc"}
            aside = {(i["type"], norm(i["type"], i["value"])): f'{i["status"]}: {i["reason"]}'
                     for i in items if i["status"] != "ioc"}
            tp, fp, fn = len(pred & gold), len(pred - gold), len(gold - pred)
            t = totals[form]
            t["tp"] += tp
            t["fp"] += fp
            t["fn"] += fn
            t["unscorable"] += unscorable
            rows.append({"article": art, "form": form, "tp": tp, "fp": fp, "fn": fn})
            if a.show:
                print(f"== {art}.{form}: tp {tp} fp {fp} fn {fn}")
                for ty, v in sorted(pred - gold):
                    print(f"   + {ty} {v}")
                for ty, v in sorted(gold - pred):
                    print(f"   - {ty} {v}" + (f"  ({aside[(ty, v)]})" if (ty, v) in aside else ""))
    out = {}
    for form, t in totals.items():
        p = t["tp"] / (t["tp"] + t["fp"]) if t["tp"] + t["fp"] else 1.0
        r = t["tp"] / (t["tp"] + t["fn"]) if t["tp"] + t["fn"] else 1.0
        out[form] = dict(t, precision=round(p, 4), recall=round(r, 4))
    if a.json:
        print(json.dumps({"totals": out, "articles": rows}))
    else:
        for form, t in out.items():
            print(f"{form}: tp {t['tp']} fp {t['fp']} fn {t['fn']} "
                  f"P {t['precision']:.3f} R {t['recall']:.3f} (unscorable kinds: {t['unscorable']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
