#!/usr/bin/env python3
"""Techniques ctix finds in the dev articles against the authors' own lists.

For every DIR/<id>.json of the article corpus (../shared/data/articles/dev)
whose `techniques` list is not empty, runs `ctix analyze --jsonl` on
DIR/<id>.text.txt and compares the observed and potential techniques (not
the implied ones) with the list: precision and recall per article, exact
and rolled up to parent techniques, then micro-averaged over the articles.
The numbers of docs/ttp.md ("Articles") come from this tool.

Usage: article_ttp.py [--ctix PATH] [--dir DIR] [-v]
Standard library only.
"""
import argparse
import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))


def gold_ids(v):
    out = set()
    for t in v or []:
        out.add(t if isinstance(t, str) else t.get("id"))
    out.discard(None)
    return out


def parents(s):
    return {t.split(".")[0] for t in s}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ctix", default=os.path.join(ROOT, "build", "ctix"))
    ap.add_argument("--dir", default=os.path.join(ROOT, "..", "shared", "data", "articles", "dev"))
    ap.add_argument("-v", action="store_true", help="list missed and extra techniques")
    a = ap.parse_args()
    tot = [0, 0, 0, 0, 0, 0]  # tp fp fn, parents tp fp fn
    n = 0
    print("| article | techniques | P | R | P (parents) | R (parents) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for path in sorted(glob.glob(os.path.join(a.dir, "*.json"))):
        with open(path, encoding="utf-8") as f:
            gold = gold_ids(json.load(f).get("techniques"))
        text = path[:-5] + ".text.txt"
        if not gold or not os.path.exists(text):
            continue
        r = subprocess.run([a.ctix, "analyze", "--jsonl", "--no-text", text],
                           capture_output=True, text=True, check=True)
        pred = {t["id"] for t in json.loads(r.stdout)["techniques"]
                if t.get("status") != "implied"}
        row = []
        for k, (g, p) in enumerate(((gold, pred), (parents(gold), parents(pred)))):
            tp = len(g & p)
            tot[3 * k] += tp
            tot[3 * k + 1] += len(p - g)
            tot[3 * k + 2] += len(g - p)
            row += [tp / len(p) if p else 0.0, tp / len(g)]
        n += len(gold)
        print("| %s | %d | %.2f | %.2f | %.2f | %.2f |" % (
            os.path.basename(path)[:-5], len(gold), *row))
        if a.v:
            print("|  missed %s, extra %s |" % (" ".join(sorted(gold - pred)) or "-",
                                               " ".join(sorted(pred - gold)) or "-"))
    def pr(tp, fp, fn):
        return (tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0)
    print("| all (micro) | %d | %.3f | %.3f | %.3f | %.3f |" % (
        n, *pr(*tot[:3]), *pr(*tot[3:])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
