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
advice sentences, a Mobile or ICS id's sentence scoring the trace's Z for
it; plus cue_w, name_w, id_w times the strongest cue, name and
id of the technique, a parent taking the strongest of its sub-techniques';
a family accepted when its best member reaches thr0 + thr1 ln(usable
sentences), a Mobile or ICS family (ids only) always, and so a family
one of whose ids the text states (a plain assertion that is no id table);
inside it the sub-techniques within sub_margin of the threshold (a Mobile
or ICS one, or one whose id is stated, always), else the parent, and the
parent beside them when its own id is stated). Predictions are folded into the label space as
`ctix eval ttp` does (src/cli/eval_ttp.c). With the parameters of the run
that wrote the trace, the replay gives ctix's predictions (scores are
rounded to 3 decimals in the trace: a tie can rarely differ); the line
"differs from ctix" counts the items where it does not.
The trace's `text` lines (a sentence's text) are JSON string bodies
(backslash escapes, no quotes) and ids are escaped the same way; this tool
does not read the text.

`--add FILE` adds other per-sentence class scores to the model's, to
measure a second sentence model before it is written in C (docs/ttp.md,
"A second sentence model"): a sentence's score for a class becomes
z + add_w x extra (add_w 1 unless set; `--grid add_w=...` works). FILE
has one line per sentence that gets extra scores:

    ITEM SENT CLASS:VALUE...

ITEM the item's number in the trace (0 = its first `doc`), SENT the
sentence number of its `sent` line, CLASS one of the item's `classes`
(others are ignored); a missing class adds 0. Only scored sentences take
extra scores. Traces of ctix carry each scored sentence's text (`text`
lines), from which such scores can be computed.

`--paired` adds to each line the mean per-document difference from a
baseline and its standard error; the baseline is the committed decision
with the `--base NAME=VALUE` changes, replayed on the same trace, or on
`--base-trace FILE`, a trace of the same items by other sentence scores
(e.g. the cross-validation of another training), to compare two models
document by document:

    decide_replay.py --labels tram50 --set name_w=1 --base name_w=1 \
        --paired --base-trace /tmp/base.trace /tmp/new.trace

`--base` and `--base-trace` go with `--paired` or `--nested`, `--nested`
with `--grid`.

Usage: decide_replay.py [--labels tram50 | --parents] [--set NAME=VALUE]...
                        [--grid NAME=V1,V2,...]... [--add FILE]
                        [--paired] [--nested] [--base NAME=VALUE]...
                        [--base-trace FILE] TRACE
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
            "id_w": 1.0, "potential_pen": 0.3, "sub_margin": 0.2,
            # Second stage, technique co-occurrence (off while cooc_b = cooc_pen = 0):
            # see cooc_table() and cooc_adjust().
            "cooc_b": 0.0, "cooc_pen": 0.0, "cooc_kind": 0.0, "cooc_alpha": 1.0,
            "cooc_mean": 0.0, "cooc_top": 0.0, "cooc_conf": 0.0, "cooc_min": 0.0,
            "cooc_prior": 0.0}

SIG_ID, SIG_NAME, SIG_CUE = 1, 2, 4
CTX_POTENTIAL = 1 | 2 | 4
CTX_ID_TABLE = 32


class Item:
    """One evaluated item of the trace."""

    def __init__(self, nusable):
        self.nusable = nusable
        self.fold = -1
        self.classes = []
        self.scores = []    # (context, [class scores]) of the scored sentences
        self.sents = []     # their sentence numbers
        self.extra = {}     # sentence number -> [extra class scores] (--add)
        self.hits = []      # (technique, kind, weight)
        self.hit_sents = [] # the sentence number of each hit
        self.contexts = {}  # sentence number -> context flags (every sentence)
        self.foreign = []   # (technique, sentence, z): Mobile/ICS ids and their model score
        self.stated = set() # ids the author states ("stated" lines: ttp.c states_id())
        self.gold = set()
        self.pred = set()


def read_trace(path):
    items, cur = [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            p = line.split()
            if not p:
                continue
            if p[0] == "doc":  # doc SOURCE SENTENCES USABLE THRESHOLD
                cur = Item(int(p[-2]))
            elif p[0] == "classes":
                cur.classes = [c.split(":")[0] for c in p[1:]]
            elif p[0] == "sent":
                cur.contexts[int(p[1])] = int(p[2])
                if len(p) > 4:
                    cur.scores.append((int(p[2]), [float(x) for x in p[4:]]))
                    cur.sents.append(int(p[1]))
            elif p[0] == "hit":
                cur.hits.append((p[2], int(p[3]), float(p[4])))
                cur.hit_sents.append(int(p[1]))
                if len(p) > 5:  # a Mobile or ICS id: the model score of its sentence
                    cur.foreign.append((p[2], int(p[1]), float(p[5])))
            elif p[0] == "stated":  # stated I TECHNIQUE: an id the author states
                cur.stated.add(p[2])
            elif p[0] == "gold":
                if cur is None:  # an empty text: no decision was traced
                    cur = Item(0)
                cur.fold = int(p[2])
                cur.gold = set(p[3:])
            elif p[0] == "pred":
                cur.pred = set(p[1:])
                items.append(cur)
                cur = None
    return items


def read_extra(items, path):
    """Reads --add FILE into the items' `extra` scores; returns the lines used."""
    used = 0
    with open(path, encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            p = line.split()
            if not p:
                continue
            try:
                it, sent = items[int(p[0])], int(p[1])
                vals = [(c, float(v)) for c, v in (x.rsplit(":", 1) for x in p[2:])]
            except (ValueError, IndexError):
                raise SystemExit("%s:%d: want ITEM SENT CLASS:VALUE..." % (path, ln))
            col = {c: i for i, c in enumerate(it.classes)}
            row = it.extra.setdefault(sent, [0.0] * len(it.classes))
            for c, v in vals:
                if c in col:
                    row[col[c]] += v
            used += 1
    return used


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


class Cooc:
    """Technique co-occurrence in ATT&CK: which technique families the same
    group, software or campaign uses.

    Each active (not revoked, not deprecated) intrusion-set, malware, tool
    and campaign of the bundle is one set: the parent techniques (families)
    of the techniques its `uses` relationships name, a revoked technique
    replaced by the end of its revoked-by chain, deprecated ones dropped;
    sets with fewer than two families are left out. From the N sets, n(t)
    sets hold t and n(t,u) hold both; the association of family t with u
    (assoc) is one of, with the smoothing a = cooc_alpha and only the
    positive part kept (a negative association never lowers a score):
      cooc_kind 0  PMI    ln((n(t,u) + a) N / ((n(t) + a)(n(u) + a)))
      cooc_kind 1  NPMI   PMI / -ln((n(t,u) + a) / N)
      cooc_kind 2  P(t|u) - P(t) = (n(t,u) + a P(t)) / (n(u) + a) - n(t) / N
      cooc_kind 3  P(t|u) = n(t,u) / (n(u) + a)
    The table is ATT&CK's, not fitted to any evaluated label."""

    def __init__(self, path):
        import json
        with open(path, encoding="utf-8") as f:
            objs = json.load(f)["objects"]
        tid, dead, revoked_by = {}, set(), {}
        for o in objs:
            if o.get("type") == "attack-pattern":
                for r in o.get("external_references", []):
                    if r.get("source_name") == "mitre-attack" and r.get("external_id"):
                        tid[o["id"]] = r["external_id"]
                if o.get("x_mitre_deprecated") or o.get("revoked"):
                    dead.add(o["id"])
        live = {o["id"] for o in objs
                if o.get("type") in ("intrusion-set", "malware", "tool", "campaign")
                and not o.get("revoked") and not o.get("x_mitre_deprecated")}
        for o in objs:
            if o.get("type") == "relationship" and o.get("relationship_type") == "revoked-by":
                revoked_by[o["source_ref"]] = o["target_ref"]
        sets = {}
        for o in objs:
            if (o.get("type") != "relationship" or o.get("relationship_type") != "uses"
                    or o.get("revoked") or o.get("x_mitre_deprecated")
                    or o["source_ref"] not in live):
                continue
            t, steps = o["target_ref"], 0
            while t in revoked_by and steps < 16:
                t, steps = revoked_by[t], steps + 1
            if t not in tid or t in dead:
                continue
            sets.setdefault(o["source_ref"], set()).add(tid[t][:5])
        self.sets = [s for s in sets.values() if len(s) >= 2]
        self.n = len(self.sets)
        self.one, self.two = {}, {}
        for s in self.sets:
            for t in s:
                self.one[t] = self.one.get(t, 0) + 1
                for u in s:
                    if u != t:
                        self.two[(t, u)] = self.two.get((t, u), 0) + 1
        self.cache = {}

    def assoc(self, t, u, kind, a):
        """The positive association of family t with family u."""
        key = (t, u, kind, a)
        v = self.cache.get(key)
        if v is not None:
            return v
        n, nt, nu, ntu = self.n, self.one.get(t, 0), self.one.get(u, 0), self.two.get((t, u), 0)
        if kind == 0:
            v = math.log((ntu + a) * n / ((nt + a) * (nu + a)))
        elif kind == 1:
            v = math.log((ntu + a) * n / ((nt + a) * (nu + a))) / -math.log((ntu + a) / n)
        elif kind == 2:
            v = (ntu + a * nt / n) / (nu + a) - nt / n
        else:
            v = ntu / (nu + a)
        v = max(v, 0.0)
        self.cache[key] = v
        return v


COOC = None  # the Cooc table when --attack is given


def cooc_adjust(score, families, thr, pr):
    """Second stage: a family's score borrows from the families the same
    document already reports. The context is the families whose best
    member reaches thr + cooc_conf (or, with cooc_top = k > 0, the k best
    families); every other family t gets, added to each of its members,
        cooc_b x (max, or mean when cooc_mean = 1, over the context's u != t
                  of assoc(t, u), counted only above cooc_min)
      - cooc_pen when no u of the context reaches cooc_min (t never goes
                 with what the document confidently reports).
    Apart from the context, cooc_prior x ln((n(t) + 1) / N) is added to
    every family's members: a prior from how many ATT&CK sets use t."""
    if not COOC or (not pr["cooc_b"] and not pr["cooc_pen"] and not pr["cooc_prior"]):
        return score
    if pr["cooc_prior"]:
        score = dict(score)
        for p, members in families.items():
            add = pr["cooc_prior"] * math.log((COOC.one.get(p, 0) + 1) / COOC.n)
            for t in members:
                score[t] += add
    fam = {p: max(score[t] for t in m) for p, m in families.items()}
    if pr["cooc_top"] > 0:
        ctx = sorted(fam, key=lambda p: (-fam[p], p))[:int(pr["cooc_top"])]
    else:
        ctx = [p for p in fam if fam[p] >= thr + pr["cooc_conf"]]
    if not ctx:
        return score
    kind, a, lo = int(pr["cooc_kind"]), pr["cooc_alpha"], pr["cooc_min"]
    out, inctx = dict(score), set(ctx)
    for p, members in families.items():
        if p in inctx:
            continue
        vals = [COOC.assoc(p, u, kind, a) for u in ctx if u != p]
        vals = [v for v in vals if v > lo]
        add = 0.0
        if vals:
            add = pr["cooc_b"] * (sum(vals) / len(vals) if pr["cooc_mean"] else max(vals))
        else:
            add = -pr["cooc_pen"]
        if add:
            for t in members:
                out[t] = score[t] + add
    return out


def decide(it, pr):
    """The set of techniques the decision reports for one item."""
    zf = pr["z_floor"]
    best = [zf] * len(it.classes)
    aw = pr.get("add_w", 0.0)
    for k, (ctx, z) in enumerate(it.scores):
        pen = pr["potential_pen"] if ctx & CTX_POTENTIAL else 0.0
        ex = it.extra.get(it.sents[k]) if aw and it.extra else None
        if ex:
            z = [v + aw * e for v, e in zip(z, ex)]
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
    for t, s, z in it.foreign:
        pen = pr["potential_pen"] if it.contexts.get(s, 0) & CTX_POTENTIAL else 0.0
        model[t] = max(model.get(t, zf), z - pen)
    score = {t: model.get(t, zf) + bonus[t] for t in techs}
    thr = pr["thr0"] + pr["thr1"] * math.log(max(it.nusable, 1))
    families = {}
    for t in techs:
        families.setdefault(t[:5], []).append(t)
    score = cooc_adjust(score, families, thr, pr)
    foreign = {t for t, _, _ in it.foreign}
    # Ids the author states: a plain assertion, in brackets or a table cell
    # of ids only (the mapper decides it from the text and traces it).
    stated = it.stated
    out = set()
    for parent, members in families.items():
        # A Mobile or ICS family (ids only), or one with a stated id, is
        # reported whatever its score.
        if max(score[t] for t in members) < thr and not (foreign | stated) & set(members):
            continue
        subs = {t for t in members
                if len(t) > 5 and (score[t] >= thr - pr["sub_margin"] or t in foreign
                                   or t in stated)}
        out |= subs if subs and parent not in stated else subs | {parent}
    return out


def f1(tp, fp, fn):
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def evaluate(items, pr, labels, parents, per_doc=None):
    """Per-document F1, micro P, R, F1 and the number of items whose
    prediction differs from ctix's; per_doc, a list, receives each item's F1."""
    tp = fp = fn = differ = 0
    doc = 0.0
    for it in items:
        pred = {x for x in (fold_label(t, labels, parents) for t in decide(it, pr)) if x}
        a, b, c = len(pred & it.gold), len(pred - it.gold), len(it.gold - pred)
        tp, fp, fn = tp + a, fp + b, fn + c
        doc += f1(a, b, c)
        if per_doc is not None:
            per_doc.append(f1(a, b, c))
        differ += pred != it.pred
    n = max(len(items), 1)
    return (doc / n, tp / max(tp + fp, 1), tp / max(tp + fn, 1), f1(tp, fp, fn), differ)


def paired(new, base):
    """Mean and standard error of the per-document differences new - base."""
    d = [x - y for x, y in zip(new, base)]
    n = len(d)
    if n < 2:
        return 0.0, 0.0
    m = sum(d) / n
    return m, math.sqrt(sum((x - m) ** 2 for x in d) / (n - 1) / n)


def nested(items, combos, labels, parents):
    """Nested by fold: for each fold, the combination best on the other folds
    (per-document F1; the first of equals) scores the fold. Returns the
    per-item F1 in item order and the combination chosen per fold."""
    folds = sorted({it.fold for it in items})
    scores = []
    for q in combos:
        per = []
        evaluate(items, q, labels, parents, per)
        scores.append(per)
    out, chosen = [0.0] * len(items), {}
    for f in folds:
        best, bi = None, 0
        for i, per in enumerate(scores):
            v = sum(x for x, it in zip(per, items) if it.fold != f)
            if best is None or v > best + 1e-12:
                best, bi = v, i
        chosen[f] = bi
        for j, it in enumerate(items):
            if it.fold == f:
                out[j] = scores[bi][j]
    return out, chosen


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--labels", choices=["tram50"])
    ap.add_argument("--parents", action="store_true")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--grid", action="append", default=[], metavar="NAME=V1,V2,...")
    ap.add_argument("--attack", metavar="BUNDLE",
                    help="ATT&CK Enterprise STIX bundle: the co-occurrence table of cooc_*")
    ap.add_argument("--paired", action="store_true",
                    help="also the paired per-document difference against the baseline")
    ap.add_argument("--base", action="append", default=[], metavar="NAME=VALUE",
                    help="the baseline of --paired and --nested: the committed parameters "
                         "with these changes")
    ap.add_argument("--base-trace", metavar="FILE",
                    help="replay the baseline on this trace of the same items instead")
    ap.add_argument("--nested", action="store_true",
                    help="choose the --grid combination on 4 folds, score the 5th")
    ap.add_argument("--add", metavar="FILE", help="extra per-sentence class scores")
    ap.add_argument("trace")
    a = ap.parse_args()
    if (a.base or a.base_trace) and not (a.paired or a.nested):
        ap.error("--base and --base-trace give the baseline of --paired or --nested: "
                 "add one of them")
    if a.nested and not a.grid:
        ap.error("--nested chooses among --grid combinations: give at least one --grid")
    pr = dict(DEFAULTS)
    if a.add:
        pr["add_w"] = 1.0
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
    global COOC
    if a.attack:
        COOC = Cooc(a.attack)
    elif any(pr[k] for k in ("cooc_b", "cooc_pen", "cooc_prior")) or \
            any(k in ("cooc_b", "cooc_pen", "cooc_prior") for k, _ in grid):
        ap.error("cooc_b, cooc_pen and cooc_prior need --attack BUNDLE")
    items = read_trace(a.trace)
    print("items %d" % len(items))
    if a.add:
        print("extra scores for %d sentences" % read_extra(items, a.add))
    base, bpr = [], dict(DEFAULTS)
    try:
        for s in a.base:
            k, v = s.split("=", 1)
            if k not in bpr:
                ap.error("unknown parameter %s" % k)
            bpr[k] = float(v)
    except ValueError:
        ap.error("--base wants NAME=NUMBER")
    if a.paired or a.nested:
        bitems = items
        if a.base_trace:
            bitems = read_trace(a.base_trace)
            if len(bitems) != len(items) or any(
                    x.gold != y.gold or x.fold != y.fold for x, y in zip(items, bitems)):
                ap.error("--base-trace: not a trace of the same items (count, gold or fold "
                         "differ)")
        r = evaluate(bitems, bpr, a.labels, a.parents, base)
        print("baseline per-document F1 %.4f  micro P %.4f R %.4f F1 %.4f" % r[:4])
    combos = []
    for combo in itertools.product(*[vals for _, vals in grid]):
        q = dict(pr)
        q.update({k: v for (k, _), v in zip(grid, combo)})
        combos.append(q)
        per = []
        r = evaluate(items, q, a.labels, a.parents, per)
        what = " ".join("%s=%g" % (k, q[k]) for k, _ in grid)
        line = ("%sper-document F1 %.4f  micro P %.4f R %.4f F1 %.4f  differs from ctix %d"
                % (what + "  " if what else "", *r))
        if a.paired:
            line += "  paired %+.4f +- %.4f" % paired(per, base)
        print(line)
    if a.nested and grid:
        per, chosen = nested(items, combos, a.labels, a.parents)
        print("nested per-document F1 %.4f  paired %+.4f +- %.4f  chosen %s" % (
            sum(per) / max(len(per), 1), *paired(per, base),
            "; ".join("f%d %s" % (f, " ".join("%s=%g" % (k, combos[i][k]) for k, _ in grid))
                      for f, i in sorted(chosen.items()))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
