#!/usr/bin/env python3
"""Replays the technique mapper's document decision on a trace.

`ctix eval ttp ... --trace FILE` writes, for every evaluated item, what the
document decision of src/lib/ttp/ttp.c saw (format: ctix__ttp_map_trace in
src/lib/ttp/model.h): each sentence's context and raw class scores, the rule
hits (ids, names, lexicon cues) that count, then the item's gold and
predicted labels in the evaluated label space. This tool recomputes the
decision from that trace with other parameter values, in seconds instead of
a run of ctix per value, so a change of the decision can be measured before
it is written in C:

    ctix eval ttp --labels tram50 --cv 5 --cv-cache DIR --cv-cues CUES \\
        --set name_w=1 --trace /tmp/tram.trace .../tram2-docs/dev.jsonl
    decide_replay.py --labels tram50 /tmp/tram.trace
    decide_replay.py --labels tram50 --grid thr0=-0.5,-0.3,-0.1 \\
        --grid thr1=0.05,0.1,0.15 /tmp/tram.trace

The replay is the committed decision with topk = 1 (the best sentence
score, floored at z_floor, minus potential_pen in negated, hypothetical and
advice sentences; plus cue_w, name_w, id_w times the strongest cue, name and
id of the technique, a parent taking the strongest of its sub-techniques';
a family accepted when its best member reaches thr0 + thr1 ln(usable
sentences); inside it the sub-techniques within sub_margin of the threshold,
else the parent). Predictions are folded into the label space as
`ctix eval ttp` does (src/cli/eval_ttp.c). With the parameters of the run
that wrote the trace, the replay gives ctix's predictions (scores are
rounded to 3 decimals in the trace: a tie can rarely differ); the line
"differs from ctix" counts the items where it does not.

Usage: decide_replay.py [--labels tram50 | --parents] [--set NAME=VALUE]...
                        [--grid NAME=V1,V2,...]... TRACE
Standard library only.
"""
import argparse
import itertools
import math
import sys

# The TRAM-50 label space of src/cli/eval_ttp.c, and the revoked ids among
# them with their current replacement (ATT&CK 18).
TRAM50 = """T1003.001 T1005 T1012 T1016 T1021.001 T1027 T1033 T1036.005 T1041 T1047
T1053.005 T1055 T1056.001 T1057 T1059.003 T1068 T1070.004 T1071.001 T1072 T1074.001 T1078
T1082 T1083 T1090 T1095 T1105 T1106 T1110 T1112 T1113 T1140 T1190 T1204.002 T1210
T1218.011 T1219 T1484.001 T1518.001 T1543.003 T1547.001 T1548.002 T1552.001 T1557.001
T1562.001 T1564.001 T1566.001 T1569.002 T1570 T1573.001 T1574.002""".split()
REPLACED = {"T1574.002": "T1574.001"}

# The committed decision parameters (data/ttp/model.txt).
DEFAULTS = {"thr0": -0.3, "thr1": 0.1, "z_floor": -1.0, "cue_w": 1.2, "name_w": 1.0,
            "id_w": 1.0, "potential_pen": 0.3, "sub_margin": 0.2}

SIG_ID, SIG_NAME, SIG_CUE = 1, 2, 4
CTX_POTENTIAL = 1 | 2 | 4


class Item:
    """One evaluated item of the trace."""

    def __init__(self, nusable):
        self.nusable = nusable
        self.classes = []
        self.scores = []    # (context, [class scores]) of the scored sentences
        self.hits = []      # (technique, kind, weight)
        self.gold = set()
        self.pred = set()


def read_trace(path):
    items, cur = [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            p = line.split()
            if not p:
                continue
            if p[0] == "doc":  # the source may hold spaces: count from the end
                cur = Item(int(p[-2]))
            elif p[0] == "classes":
                cur.classes = [c.split(":")[0] for c in p[1:]]
            elif p[0] == "sent" and len(p) > 4:
                cur.scores.append((int(p[2]), [float(x) for x in p[4:]]))
            elif p[0] == "hit":
                cur.hits.append((p[2], int(p[3]), float(p[4])))
            elif p[0] == "gold":
                if cur is None:  # an empty text: no decision was traced
                    cur = Item(0)
                cur.gold = set(p[3:])
            elif p[0] == "pred":
                cur.pred = set(p[1:])
                items.append(cur)
                cur = None
    return items


def fold_label(t, labels, parents):
    """The label of technique t in the evaluated space, or None."""
    if parents:
        return t[:5]
    if labels != "tram50":
        return t
    for v in (t, t[:5]):
        for x in TRAM50:
            if v in (x, REPLACED.get(x)):
                return x
    return None


def decide(it, pr):
    """The set of techniques the decision reports for one item."""
    zf = pr["z_floor"]
    best = [zf] * len(it.classes)
    for ctx, z in it.scores:
        pen = pr["potential_pen"] if ctx & CTX_POTENTIAL else 0.0
        for c, v in enumerate(z):
            if v - pen > best[c]:
                best[c] = v - pen
    cue, name, ids = {}, {}, set()
    for t, kind, w in it.hits:
        if kind == SIG_CUE:
            cue[t] = max(cue.get(t, 0.0), w)
        elif kind == SIG_NAME:
            name[t] = max(name.get(t, 0.0), w)
        else:
            ids.add(t)
    techs = set(it.classes) | set(cue) | set(name) | ids
    techs |= {t[:5] for t in techs}
    bonus = {t: pr["cue_w"] * cue.get(t, 0.0) + pr["name_w"] * name.get(t, 0.0) +
             (pr["id_w"] if t in ids else 0.0) for t in techs}
    for t in techs:
        if len(t) > 5 and bonus[t] > bonus[t[:5]]:
            bonus[t[:5]] = bonus[t]
    model = dict(zip(it.classes, best))
    score = {t: model.get(t, zf) + bonus[t] for t in techs}
    thr = pr["thr0"] + pr["thr1"] * math.log(max(it.nusable, 1))
    families = {}
    for t in techs:
        families.setdefault(t[:5], []).append(t)
    out = set()
    for parent, members in families.items():
        if max(score[t] for t in members) < thr:
            continue
        subs = {t for t in members if len(t) > 5 and score[t] >= thr - pr["sub_margin"]}
        out |= subs if subs else {parent}
    return out


def f1(tp, fp, fn):
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def evaluate(items, pr, labels, parents):
    tp = fp = fn = differ = 0
    doc = 0.0
    for it in items:
        pred = {x for x in (fold_label(t, labels, parents) for t in decide(it, pr)) if x}
        a, b, c = len(pred & it.gold), len(pred - it.gold), len(it.gold - pred)
        tp, fp, fn = tp + a, fp + b, fn + c
        doc += f1(a, b, c)
        differ += pred != it.pred
    n = max(len(items), 1)
    return (doc / n, tp / max(tp + fp, 1), tp / max(tp + fn, 1), f1(tp, fp, fn), differ)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--labels", choices=["tram50"])
    ap.add_argument("--parents", action="store_true")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--grid", action="append", default=[], metavar="NAME=V1,V2,...")
    ap.add_argument("trace")
    a = ap.parse_args()
    pr = dict(DEFAULTS)
    try:
        for s in a.set:
            k, v = s.split("=", 1)
            if k not in pr:
                ap.error("unknown parameter %s (%s)" % (k, ", ".join(pr)))
            pr[k] = float(v)
        grid = []
        for g in a.grid:
            k, v = g.split("=", 1)
            if k not in pr:
                ap.error("unknown parameter %s (%s)" % (k, ", ".join(pr)))
            grid.append((k, [float(x) for x in v.split(",")]))
    except ValueError:
        ap.error("--set and --grid want NAME=NUMBER[,NUMBER...]")
    items = read_trace(a.trace)
    print("items %d" % len(items))
    for combo in itertools.product(*[vals for _, vals in grid]):
        q = dict(pr)
        q.update({k: v for (k, _), v in zip(grid, combo)})
        r = evaluate(items, q, a.labels, a.parents)
        what = " ".join("%s=%g" % (k, q[k]) for k, _ in grid)
        print("%sper-document F1 %.4f  micro P %.4f R %.4f F1 %.4f  differs from ctix %d"
              % (what + "  " if what else "", *r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
