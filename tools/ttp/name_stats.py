#!/usr/bin/env python3
"""Measures how precise each ATT&CK Enterprise technique name is as a signal.

For every current Enterprise technique, the name is matched the way
src/lib/ttp/names.c matches it (ASCII case ignored, word boundaries at
letter/digit ends, any white space between words, plus a plural form and,
for names of two to four words, a hyphenated form) in the dev sentence sets
of ../shared/data/ttp-eval (tram2-multi, annoctr-sent). Sentences holding a
literal technique id are left out: they are ID tables, which the context
signal handles. A match counts as correct when the sentence's gold labels
hold the technique: on TRAM2 after folding it into the TRAM-50 label space
(matches of techniques outside it are not counted), on AnnoCTR at the
parent level (its labels are mostly parents).

Prints one row per name with support and precision, and with --write
rewrites data/ttp/names.tsv (the format of data/ttp/cues.tsv):
  - names seen at least MIN_SUPPORT times get weight = smoothed precision
    (tp+1)/(n+2), capped at 0.95, or 0.00 (never matched bare) when the raw
    precision is below THRESHOLD;
  - sub-technique names shared by several techniques (matched only in the
    "Parent: Sub" form by default) are listed for a technique when that
    technique's own precision is at least THRESHOLD.
The output depends only on the inputs.

Usage: tools/ttp/name_stats.py [--shared DIR] [--write data/ttp/names.tsv]
"""
import argparse
import collections
import json
import os
import re
import sys

MIN_SUPPORT = 3
THRESHOLD = 0.5
CAP = 0.95
SETS = ("tram2-multi", "annoctr-sent")
TRAM50 = set("""T1003.001 T1005 T1012 T1016 T1021.001 T1027 T1033 T1036.005 T1041 T1047
T1053.005 T1055 T1056.001 T1057 T1059.003 T1068 T1070.004 T1071.001 T1072 T1074.001 T1078
T1082 T1083 T1090 T1095 T1105 T1106 T1110 T1112 T1113 T1140 T1190 T1204.002 T1210 T1218.011
T1219 T1484.001 T1518.001 T1543.003 T1547.001 T1548.002 T1552.001 T1557.001 T1562.001
T1564.001 T1566.001 T1569.002 T1570 T1573.001 T1574.002""".split())
ID_RE = re.compile(r"\bT1\d{3}\b")


def techniques(bundle):
    """Current Enterprise techniques: id -> name."""
    with open(bundle, encoding="utf-8") as f:
        objs = json.load(f)["objects"]
    out = {}
    for o in objs:
        if o.get("type") != "attack-pattern" or o.get("revoked") or o.get("x_mitre_deprecated"):
            continue
        if "enterprise-attack" not in o.get("x_mitre_domains", ["enterprise-attack"]):
            continue
        for r in o.get("external_references", []):
            if r.get("source_name") == "mitre-attack" and r.get("external_id", "").startswith("T"):
                out[r["external_id"]] = o["name"]
    return out


def variants(lower):
    """The name and the forms names.c adds."""
    v = [lower]
    if lower[-1:].isalpha() and lower[-1:].islower() and not lower.endswith("s"):
        v.append(lower + "s")
    words = lower.split(" ")
    if 2 <= len(words) <= 4 and all(w.isalnum() and w.isascii() for w in words):
        v.append("-".join(words))
    return v


def pattern_re(p):
    """A regex equivalent to one literal pattern of names.c."""
    body = r"\s+".join(re.escape(w) for w in p.split(" "))
    pre = r"(?<![A-Za-z0-9_])" if p[0].isascii() and p[0].isalnum() else ""
    post = r"(?![A-Za-z0-9_])" if p[-1].isascii() and p[-1].isalnum() else ""
    return pre + body + post


def fold_tram(t):
    if t in TRAM50:
        return t
    p = t.split(".")[0]
    return p if p in TRAM50 else None


def load(shared):
    rows = []
    for s in SETS:
        path = os.path.join(shared, "data", "ttp-eval", s, "dev.jsonl")
        with open(path, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                if ID_RE.search(r["text"]):
                    continue
                t = r["text"]
                rows.append((s, t, " ".join(t.lower().split()), set(r["techniques"])))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    ap.add_argument("--shared", default=os.path.join(root, "..", "shared"))
    ap.add_argument("--write", metavar="NAMES_TSV")
    a = ap.parse_args()
    tech = techniques(os.path.join(a.shared, "data", "attack", "enterprise-attack.json"))
    rows = load(a.shared)
    lower_count = collections.Counter(n.lower() for n in tech.values())
    # one alternation per technique name, all variants
    stats = {}
    for tid, name in sorted(tech.items()):
        vs = variants(name.lower())
        rx = re.compile("|".join(pattern_re(v) for v in vs), re.I | re.A)
        n = tp = 0
        for s, text, flat, gold in rows:
            if not any(v in flat for v in vs) or not rx.search(text):
                continue
            if s == "tram2-multi":
                f = fold_tram(tid)
                if f is None:
                    continue
                ok = f in gold
            else:
                ok = tid.split(".")[0] in {g.split(".")[0] for g in gold}
            n += 1
            tp += ok
        stats[tid] = (n, tp)
    print("id\tname\tshared\tsupport\tcorrect\tprecision")
    for tid, (n, tp) in sorted(stats.items(), key=lambda kv: (-kv[1][0], kv[0])):
        if n:
            print(f"{tid}\t{tech[tid]}\t{lower_count[tech[tid].lower()] > 1:d}\t{n}\t{tp}\t{tp / n:.2f}")
    measured = [t for t, (n, _) in stats.items() if n >= MIN_SUPPORT]
    low = [t for t in measured if stats[t][1] / stats[t][0] < THRESHOLD]
    print(f"# names {len(tech)}, seen {sum(1 for n, _ in stats.values() if n)}, "
          f"measured (support >= {MIN_SUPPORT}) {len(measured)}, below {THRESHOLD}: {len(low)}",
          file=sys.stderr)
    if not a.write:
        return
    out = ["# Technique-name weights for src/lib/ttp/names.c, written by tools/ttp/name_stats.py",
           "# (do not edit by hand: rerun the tool). Format of data/ttp/cues.tsv:",
           "# TECHNIQUE<TAB>WEIGHT<TAB>NAME. A line whose pattern is the technique's own name sets",
           "# that name's weight; 0.00 = too generic, the bare name is never matched. Weight =",
           f"# (correct+1)/(support+2) capped at {CAP}, measured on the dev sentences of",
           f"# {', '.join(SETS)} without literal ids; 0.00 when the precision is below {THRESHOLD}.",
           "# Support and precision per name: run the tool without --write."]
    for tid in sorted(measured):
        n, tp = stats[tid]
        name = tech[tid].lower()
        shared = lower_count[name] > 1 and "." in tid
        prec = tp / n
        if prec < THRESHOLD:
            if shared:
                continue  # never matched bare anyway
            w = 0.0
        else:
            w = min(CAP, (tp + 1) / (n + 2))
        out.append(f"{tid}\t{w:.2f}\t{name}")
    with open(a.write, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
