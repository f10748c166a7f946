#!/usr/bin/env python3
"""Lexicons whose cue weights are fitted without one cross-validation fold.

The weights of data/ttp/cues.tsv are measured on the dev sentence sets
(tools/ttp/cue_stats.py), the same sets `ctix eval ttp --cv` scores. To keep
the cross-validation honest, this tool writes one lexicon per fold,
OUT/cues-f<F>.tsv, whose weights `cue_stats.py --write` fitted on the dev
sentences minus every sentence of fold F's reports; then

    ctix eval ttp --labels tram50 --cv 5 --cv-cues OUT FILE.jsonl

maps each fold with its own lexicon. The folds are those of `ctix eval ttp
--cv K` on the evaluated FILE: its reports (keys as in
ctix__ttp_report_key, src/lib/ttp/train.c) sorted by FNV-1a hash of the key,
then dealt in turn. Rows left out of fold F's fitting: tram2-multi and
annoctr-sent rows of F's reports (by id), and TRAM bootstrap or CTI-HAL
rows whose text occurs in one of F's reports (they carry no report
number). Patterns, priors and pruning stay as committed: only the weights
are refitted.

Usage: cue_folds.py [--k 5] [--data DIR] [--attack FILE] [--cues FILE]
                    --out DIR EVALSET     (tram2-docs, annoctr, tram2-multi, ...)
Standard library only.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SENT_SETS = ("tram2-multi", "annoctr-sent", "tram-bootstrap", "cti-hal-spans")
DOC_SETS = {"tram2": "tram2-docs", "annoctr": "annoctr", "ctihal": "cti-hal-docs"}


def strip_suffix(s, c):
    m = re.search(r"-%s\d+$" % c, s)
    return s[: m.start()] if m else s


def report_key(i):
    """Same as ctix__ttp_report_key."""
    if i.startswith("tram2m-") or i.startswith("tram2d-"):
        return "tram2:" + re.match(r"\d*", i[7:]).group(0)
    if i.startswith("annoctr-"):
        return "annoctr:" + strip_suffix(i, "s")[8:]
    if i.startswith("ctihal-"):
        return "ctihal:" + strip_suffix(i, "x")[7:]
    return i


def fnv(s):
    h = 2166136261
    for b in s.encode():
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def rows(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield line, json.loads(line)


def norm(t):
    return " ".join(t.lower().split())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("evalset")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data", "ttp-eval"))
    ap.add_argument("--attack", default=os.path.join(ROOT, "..", "shared", "data", "attack",
                                                     "enterprise-attack.json"))
    ap.add_argument("--cues", default=os.path.join(ROOT, "data", "ttp", "cues.tsv"))
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    keys = []
    for _, r in rows(os.path.join(a.data, a.evalset, "dev.jsonl")):
        k = report_key(r["id"])
        if k not in keys:
            keys.append(k)
    ranked = sorted(keys, key=lambda k: (fnv(k), k.encode()))
    fold = {k: n % a.k for n, k in enumerate(ranked)}
    # Report texts, to find the rows without a report number.
    texts = {}
    for prefix, ds in DOC_SETS.items():
        p = os.path.join(a.data, ds, "dev.jsonl")
        if os.path.exists(p):
            for _, r in rows(p):
                k = report_key(r["id"])
                if k in fold:
                    texts.setdefault(fold[k], []).append(norm(r["text"]))
    os.makedirs(a.out, exist_ok=True)
    for f in range(a.k):
        own = texts.get(f, [])
        with tempfile.TemporaryDirectory() as tmp:
            kept = dropped = 0
            for s in SENT_SETS:
                src = os.path.join(a.data, s, "dev.jsonl")
                if not os.path.exists(src):
                    continue
                os.makedirs(os.path.join(tmp, s))
                with open(os.path.join(tmp, s, "dev.jsonl"), "w", encoding="utf-8") as out:
                    for line, r in rows(src):
                        k = report_key(r["id"])
                        if k in fold:
                            drop = fold[k] == f
                        else:
                            t = norm(r["text"])
                            drop = len(t) >= 20 and any(t in d for d in own)
                        if drop:
                            dropped += 1
                        else:
                            kept += 1
                            out.write(line)
            dst = os.path.join(a.out, "cues-f%d.tsv" % f)
            shutil.copyfile(a.cues, dst)
            cmd = [sys.executable, os.path.join(HERE, "cue_stats.py"), "--cues", dst,
                   "--data", tmp, "--attack", a.attack, "--write", "--summary-only"]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            print("fold %d: %d reports, %d rows fitted, %d left out -> %s" % (
                f, sum(1 for k in fold if fold[k] == f), kept, dropped, dst))
    return 0


if __name__ == "__main__":
    sys.exit(main())
