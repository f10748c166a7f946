#!/usr/bin/env python3
"""Measure the technique-cue lexicon (data/ttp/cues.tsv) on labelled sentences.

Checks every line of the lexicon (format, weight range, lower case, known and
current ATT&CK ids when --attack is given), matches every cue over the dev
sentence sets with the same semantics the C matcher implements, and prints per
cue its support and precision, a summary per technique and an overall summary.
With --write it rewrites the WEIGHT column from the measured precision, shrunk
toward the prior given by the nearest preceding `#@prior X` comment line.

Matching semantics (docs/ttp-lexicon.md):
  * case-insensitive (ASCII), pattern written in lower case;
  * a space in the pattern matches any run of whitespace;
  * when a part starts (ends) with a letter, digit or '_', the text must have
    a word boundary there; word characters are ASCII letters, digits and '_';
  * ` ... ` splits the pattern into parts that must occur in order in the same
    sentence, with at most 60 bytes between the end of one part and the start
    of the next; the gap must not cross a sentence end ('.', '!' or '?'
    followed by whitespace, or a line break);
  * a '*' ending a word means "any word continuation" (0-40 word characters);
    '*' is allowed nowhere else.

Hit rule for precision (per matched sentence, labels L, cue technique t):
  1   if t is in L;
  0.5 if t is a sub-technique and its parent is in L, or t is a parent and
      one of its sub-techniques is in L (1 instead of 0.5 on annoctr-sent,
      whose annotators label parent techniques);
  0   otherwise (a sibling sub-technique scores 0).
Before scoring, t is mapped the way each set was annotated:
  * labels that the bundle marks revoked are replaced by their successor
    (T1574.002 -> T1574.001), in the data and in the TRAM-50 list;
  * a technique created in the bundle after the set's annotation cutoff
    becomes its parent if the parent existed then (a later split), else the
    match is not scored on that set;
  * TRAM-50 sets (tram2-multi, tram-bootstrap): t is kept if listed, else its
    parent if listed; otherwise the match is counted as "unscored";
  * tram2-multi rows that contain a literal technique id are skipped (the
    annotators left such rows unlabelled on purpose).
Weight = clamp((hits + k*prior) / (support + k), 0.05, 0.95) where prior and k
come from the nearest preceding `#@prior P [k]` comment line (k defaults to 2).

Standard library only.
"""

import argparse
import json
import os
import re
import statistics
import sys
from collections import defaultdict

GAP_MAX = 60
STAR_MAX = 40
WORD = rb"[A-Za-z0-9_]"
NOT_WORD_BEFORE = rb"(?<![A-Za-z0-9_])"
NOT_WORD_AFTER = rb"(?![A-Za-z0-9_])"
# A gap byte that does not end a sentence (a line break, or '.', '!', '?'
# followed by white space).
GAP = rb"(?:(?![.!?]\s|\n)[\s\S])"
TOKEN_RE = re.compile(rb"[a-z0-9_]+")
UESC_RE = re.compile(r"<u\+([0-9a-f]{4,6})>")
ID_RE = re.compile(r"^T\d{4}(\.\d{3})?$")
WEIGHT_RE = re.compile(r"^(0\.\d\d|1\.00)$")
# P: one integer digit, at most four decimals, 0.05-1.00 (as the C loader)
PRIOR_RE = re.compile(r"^#@prior[ \t]+(\d(?:\.\d{1,4})?)(?:[ \t]+(\d{1,2}))?[ \t]*$")

TRAM50 = set(
    "T1003.001 T1005 T1012 T1016 T1021.001 T1027 T1033 T1036.005 T1041 T1047 "
    "T1053.005 T1055 T1056.001 T1057 T1059.003 T1068 T1070.004 T1071.001 T1072 "
    "T1074.001 T1078 T1082 T1083 T1090 T1095 T1105 T1106 T1110 T1112 T1113 T1140 "
    "T1190 T1204.002 T1210 T1218.011 T1219 T1484.001 T1518.001 T1543.003 T1547.001 "
    "T1548.002 T1552.001 T1557.001 T1562.001 T1564.001 T1566.001 T1569.002 T1570 "
    "T1573.001 T1574.002".split())

# name, label space (None = open), annotation cutoff (techniques created in the
# bundle after it cannot carry a label there), parent-level annotation (labels
# are mostly parent techniques, so a parent label fully confirms a sub-technique
# cue), skip rows with a literal technique id (annotators left those negative).
DATASETS = [
    ("tram2-multi", TRAM50, "2023-04-30", False, True),
    ("annoctr-sent", None, "2023-04-30", True, False),
    ("tram-bootstrap", TRAM50, "2023-04-30", False, False),
    ("cti-hal-spans", None, "2024-10-31", False, False),
]
LITERAL_ID_RE = re.compile(rb"\bT\d{4}(?:\.\d{3})?\b")


def parent(t):
    return t.split(".")[0]


class Cue:
    __slots__ = ("line", "tech", "weight", "pattern", "prior", "strength", "regex", "keys",
                 "prefixes", "matched")

    def __init__(self, line, tech, weight, pattern, prior, strength):
        self.line = line
        self.strength = strength
        self.tech = tech
        self.weight = weight
        self.pattern = pattern
        self.prior = prior
        self.regex = None
        self.keys = []      # full tokens that every match must contain
        self.prefixes = []  # token prefixes (wildcard words)
        self.matched = []   # (dataset index, row index)


def unescape(part):
    """`<u+XXXX>` (4-6 lower-case hex digits): the non-ASCII code point, as
    cues.c reads it; any other `<u+` is an error."""
    out, i = [], 0
    while True:
        j = part.find("<u+", i)
        if j < 0:
            return "".join(out) + part[i:]
        m = UESC_RE.match(part, j)
        cp = int(m.group(1), 16) if m else 0
        if not m or cp < 0x80 or cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF:
            raise ValueError("bad <u+XXXX> escape")
        out.append(part[i:j] + chr(cp))
        i = m.end()


def compile_pattern(pat):
    """Returns (regex, tokens, prefixes) or raises ValueError with a message."""
    if pat != pat.strip() or not pat:
        raise ValueError("pattern has leading/trailing space or is empty")
    if pat != pat.lower():
        raise ValueError("pattern must be lower case")
    if "  " in pat or "\t" in pat:
        raise ValueError("pattern has a double space or a tab")
    parts = pat.split(" ... ")
    out = []
    keys, prefixes = [], []
    for part in parts:
        if not part or part == "..." or part.startswith("... ") or part.endswith(" ..."):
            raise ValueError("empty part around ' ... '")
        b = unescape(part).encode("utf-8")
        words = b.split(b" ")
        if any(w == b"" for w in words):
            raise ValueError("empty word")
        pieces = []
        for w in words:
            star = w.endswith(b"*")
            core = w[:-1] if star else w
            if not core or b"*" in core:
                raise ValueError("'*' must end a word")
            if star and not re.match(WORD, core[-1:]):
                raise ValueError("'*' must follow a letter or digit")
            toks = TOKEN_RE.findall(core)
            rx = re.escape(core)
            if star:
                rx += WORD + b"{0,%d}" % STAR_MAX + NOT_WORD_AFTER
                prefixes.append(toks[-1])
                toks = toks[:-1]
            keys.extend(toks)
            pieces.append(rx)
        rx = rb"\s+".join(pieces)
        if re.match(WORD, b[:1]):
            rx = NOT_WORD_BEFORE + rx
        if not b.endswith(b"*") and re.match(WORD, b[-1:]):
            rx = rx + NOT_WORD_AFTER
        out.append(rx)
    gap = GAP + rb"{0,%d}?" % GAP_MAX
    full = gap.join(out)
    return re.compile(full, re.I), keys, prefixes


def load_attack(path):
    """Returns (ids, remap): ids maps id -> (name, status) where status is
    'ok', 'revoked' or 'deprecated'; remap maps a revoked id to its
    replacement (from the bundle's revoked-by relationships)."""
    with open(path, "rb") as f:
        bundle = json.load(f)
    ids = {}
    stix = {}
    created = {}
    for o in bundle.get("objects", []):
        if o.get("type") != "attack-pattern":
            continue
        ext = [r.get("external_id") for r in o.get("external_references", [])
               if r.get("source_name") == "mitre-attack"]
        if not ext or not ext[0]:
            continue
        st = "revoked" if o.get("revoked") else (
            "deprecated" if o.get("x_mitre_deprecated") else "ok")
        stix[o["id"]] = ext[0]
        if not o.get("revoked"):
            created[ext[0]] = o.get("created", "")[:10]
        prev = ids.get(ext[0])
        if prev is None or prev[1] != "ok":
            ids[ext[0]] = (o.get("name", ""), st)
    remap = {}
    uses = defaultdict(int)
    for o in bundle.get("objects", []):
        if (o.get("type") == "relationship" and o.get("relationship_type") == "uses"
                and not o.get("revoked") and not o.get("x_mitre_deprecated")
                and o.get("target_ref", "") in stix):
            t = stix[o["target_ref"]]
            if ids.get(t, ("", ""))[1] == "ok":
                uses[t] += 1
        if o.get("type") == "relationship" and o.get("relationship_type") == "revoked-by":
            a, b = stix.get(o.get("source_ref")), stix.get(o.get("target_ref"))
            if a and b and a != b:
                remap[a] = b
    USES.clear()
    USES.update(uses)
    return ids, remap, created


USES = {}  # technique id -> number of `uses` relationships targeting it


def load_cues(path, attack, problems):
    cues = []
    prior = 0.70
    strength = 2
    seen = {}
    with open(path, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        problems.append("%s: not UTF-8 (%s)" % (path, e))
        return cues
    for n, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        if line.startswith("#"):
            m = PRIOR_RE.match(line)
            if m and not 0.05 <= float(m.group(1)) <= 1.0:
                problems.append("cues.tsv:%d: prior must be 0.05-1.00" % n)
            elif m:
                prior = float(m.group(1))
                strength = int(m.group(2)) if m.group(2) else 2
            elif line.startswith("#@prior"):
                problems.append("cues.tsv:%d: expected `#@prior P [k]`" % n)
            elif line.startswith("#@"):
                problems.append("cues.tsv:%d: unknown directive" % n)
            continue
        f3 = line.split("\t")
        if len(f3) != 3:
            problems.append("cues.tsv:%d: expected 3 TAB-separated fields, got %d" % (n, len(f3)))
            continue
        tech, w, pat = f3
        if not ID_RE.match(tech):
            problems.append("cues.tsv:%d: bad technique id %r" % (n, tech))
            continue
        if not WEIGHT_RE.match(w) or not (0.05 <= float(w) <= 1.0):
            problems.append("cues.tsv:%d: weight %r not in 0.05-1.00 with two decimals" % (n, w))
            continue
        if attack is not None:
            info = attack.get(tech)
            if info is None:
                problems.append("cues.tsv:%d: unknown technique %s" % (n, tech))
                continue
            if info[1] != "ok":
                problems.append("cues.tsv:%d: technique %s is %s" % (n, tech, info[1]))
                continue
        c = Cue(n, tech, float(w), pat, prior, strength)
        try:
            c.regex, c.keys, c.prefixes = compile_pattern(pat)
        except ValueError as e:
            problems.append("cues.tsv:%d: %s" % (n, e))
            continue
        k = (tech, pat)
        if k in seen:
            problems.append("cues.tsv:%d: duplicate of line %d" % (n, seen[k]))
            continue
        seen[k] = n
        cues.append(c)
    return cues


def load_sets(root, names, remap):
    """Loads the dev sets; labels that the bundle marks revoked are replaced
    by their successor (T1574.002 -> T1574.001), in the label space too."""
    sets = []
    for name, space, cutoff, parent_level, skip_ids in DATASETS:
        if space is not None:
            space = frozenset(remap.get(t, t) for t in space)
        if names and name not in names:
            continue
        p = os.path.join(root, name, "dev.jsonl")
        if not os.path.exists(p):
            print("note: %s missing, skipped" % p, file=sys.stderr)
            continue
        rows = []
        with open(p, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    if skip_ids and LITERAL_ID_RE.search(r["text"].encode("utf-8")):
                        continue
                    rows.append((r["text"].encode("utf-8"),
                                 frozenset(remap.get(t, t) for t in r["techniques"])))
        sets.append((name, (space, cutoff, parent_level), rows))
    return sets


def build_index(rows):
    idx = defaultdict(set)
    for i, (text, _) in enumerate(rows):
        for t in set(TOKEN_RE.findall(text.lower())):
            idx[t].add(i)
    return idx


def candidates(cue, idx, vocab_sorted, nrows):
    best = None
    for k in cue.keys:
        s = idx.get(k, set())
        if best is None or len(s) < len(best):
            best = s
    if best is not None:
        return best
    if cue.prefixes:
        import bisect
        pre = cue.prefixes[0]
        out = set()
        i = bisect.bisect_left(vocab_sorted, pre)
        while i < len(vocab_sorted) and vocab_sorted[i].startswith(pre):
            out |= idx[vocab_sorted[i]]
            i += 1
        return out
    return range(nrows)


CREATED = {}


def fold(tech, info):
    """Technique as the set's annotators would have labelled it, or None.
    A technique created after the set's cutoff becomes its parent when the
    parent existed then (a later sub-technique split), else None."""
    space, cutoff, _ = info
    c = CREATED.get(tech)
    if c and c > cutoff:
        if "." in tech and CREATED.get(parent(tech), "9") <= cutoff:
            tech = parent(tech)
        else:
            return None
    if space is None:
        return tech
    if tech in space:
        return tech
    if "." in tech and parent(tech) in space:
        return parent(tech)
    if "." not in tech and any(parent(s) == tech for s in space):
        return tech  # only half hits possible (a listed sub-technique)
    return None


def hit(tech, labels, parent_level=False):
    if tech in labels:
        return 1.0
    if "." in tech:
        if parent(tech) in labels:
            return 1.0 if parent_level else 0.5
        return 0.0
    return 0.5 if any("." in l and parent(l) == tech for l in labels) else 0.0


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cues", default=os.path.join(here, "..", "..", "data", "ttp", "cues.tsv"))
    ap.add_argument("--data", default=os.path.join(here, "..", "..", "..", "shared", "data", "ttp-eval"),
                    help="ttp-eval directory holding <set>/dev.jsonl")
    default_attack = os.path.join(here, "..", "..", "..", "shared", "data", "attack",
                                  "enterprise-attack.json")
    ap.add_argument("--attack", default=default_attack if os.path.exists(default_attack) else None,
                    help="ATT&CK Enterprise STIX bundle: check ids are current, remap revoked labels")
    ap.add_argument("--sets", help="comma-separated subset of: " + ",".join(d[0] for d in DATASETS))
    ap.add_argument("--check", action="store_true", help="only check the file (no matching)")
    ap.add_argument("--min-support", type=int, default=0, help="print cues with at least this support")
    ap.add_argument("--tech", help="only print cues/summary for this technique (prefix)")
    ap.add_argument("--show", type=int, default=0, help="print up to N wrong matches per cue")
    ap.add_argument("--bad", action="store_true", help="print only cues whose shrunk precision < 0.5")
    ap.add_argument("--write", action="store_true",
                    help="rewrite WEIGHT = clamp((hits + k*prior)/(support + k), 0.05, 0.95), "
                         "prior and k (default 2) from the nearest `#@prior P [k]` line")
    ap.add_argument("--prune", type=float, metavar="P",
                    help="delete entries whose precision < P with support >= --prune-support")
    ap.add_argument("--prune-support", type=int, default=5)
    ap.add_argument("--summary-only", action="store_true")
    ap.add_argument("--top", help="file with one technique id per line: report coverage of it")
    ap.add_argument("--top-uses", type=int, metavar="N",
                    help="report coverage of the N techniques most used in the bundle's "
                         "`uses` relationships (needs --attack)")
    a = ap.parse_args()

    problems = []
    attack, remap, created = load_attack(a.attack) if a.attack else (None, {}, {})
    cues = load_cues(a.cues, attack, problems)
    for p in problems:
        print("ERROR " + p)
    if a.check:
        print("%d cues, %d techniques, %d problems" % (
            len(cues), len({c.tech for c in cues}), len(problems)))
        return 1 if problems else 0

    CREATED.update(created)
    names = set(a.sets.split(",")) if a.sets else None
    sets = load_sets(a.data, names, remap)
    for si, (name, space, rows) in enumerate(sets):
        idx = build_index(rows)
        vocab = sorted(idx)
        for c in cues:
            for i in candidates(c, idx, vocab, len(rows)):
                if c.regex.search(rows[i][0]):
                    c.matched.append((si, i))

    # Per-cue statistics.
    stats = {}
    for c in cues:
        sup = 0
        hits = 0.0
        unscored = 0
        per = defaultdict(lambda: [0, 0.0])
        wrong = []
        for si, i in c.matched:
            name, space, rows = sets[si]
            t = fold(c.tech, space)
            if t is None:
                unscored += 1
                continue
            h = hit(t, rows[i][1], space[2])
            sup += 1
            hits += h
            per[name][0] += 1
            per[name][1] += h
            if h < 1.0 and len(wrong) < a.show:
                wrong.append((name, h, sorted(rows[i][1]), rows[i][0][:220].decode("utf-8", "replace")))
        prec = hits / sup if sup else None
        shrunk = (hits + c.strength * c.prior) / (sup + c.strength)
        stats[c] = (sup, hits, prec, shrunk, unscored, per, wrong)

    def fmt(p):
        return "  -  " if p is None else "%.2f" % p

    if not a.summary_only:
        print("# line tech weight prior -> suggested | support hits prec unscored | per-set sup/prec | pattern")
        for c in cues:
            if a.tech and not c.tech.startswith(a.tech):
                continue
            sup, hits, prec, shrunk, uns, per, wrong = stats[c]
            if sup < a.min_support:
                continue
            if a.bad and (sup == 0 or shrunk >= 0.5):
                continue
            ps = " ".join("%s=%d/%s" % (n.split("-")[0][:5], v[0], fmt(v[1] / v[0]))
                          for n, v in sorted(per.items()))
            print("%5d %-9s %.2f %.2f -> %.2f | %4d %6.1f %s %3d | %s | %s" % (
                c.line, c.tech, c.weight, c.prior, shrunk, sup, hits, fmt(prec), uns, ps, c.pattern))
            for w in wrong:
                print("        x %s %.1f %s %s" % w)

    # Per-technique summary: union of the sentences its cues match, and recall
    # over the sentences labelled with it (in the sets where it is scorable).
    by_tech = defaultdict(list)
    for c in cues:
        by_tech[c.tech].append(c)
    label_count = defaultdict(int)
    for name, space, rows in sets:
        for _, labels in rows:
            for l in labels:
                label_count[(name, l)] += 1
    print("\n# technique cues | matched-sentences precision | labelled recall")
    tech_prec = []
    for t in sorted(by_tech):
        if a.tech and not t.startswith(a.tech):
            continue
        matched = set()
        for c in by_tech[t]:
            matched.update(c.matched)
        sup = 0
        hits = 0.0
        found = 0
        for si, i in matched:
            name, space, rows = sets[si]
            ft = fold(t, space)
            if ft is None:
                continue
            h = hit(ft, rows[i][1], space[2])
            sup += 1
            hits += h
            if ft in rows[i][1]:
                found += 1
        total = 0
        for name, space, rows in sets:
            ft = fold(t, space)
            if ft is not None:
                total += label_count[(name, ft)]
        prec = hits / sup if sup else None
        if prec is not None and sup >= 5:
            tech_prec.append(prec)
        name = attack[t][0] if attack and t in attack else ""
        print("%-9s %3d | %5d %s | %4d/%-4d %s  %s" % (
            t, len(by_tech[t]), sup, fmt(prec), found, total,
            fmt(found / total if total else None), name))

    # Overall summary.
    measured = [stats[c][2] for c in cues if stats[c][0] >= 3]
    parents = {parent(c.tech) for c in cues}
    print("\n# summary")
    print("cues %d, techniques %d (parents %d), problems %d" % (
        len(cues), len(by_tech), len(parents), len(problems)))
    print("cues with support >= 1: %d, >= 3: %d" % (
        sum(1 for c in cues if stats[c][0] >= 1), len(measured)))
    if measured:
        print("median cue precision (support >= 3): %.3f; mean %.3f" % (
            statistics.median(measured), statistics.mean(measured)))
        print("cues with precision < 0.5 (support >= 3): %d" % sum(1 for p in measured if p < 0.5))
    if tech_prec:
        print("median technique precision (support >= 5): %.3f over %d techniques" % (
            statistics.median(tech_prec), len(tech_prec)))
    tram = {remap.get(t, t) for t in TRAM50}
    print("TRAM-50 covered: %d/%d" % (len(tram & set(by_tech)), len(tram)))
    if a.top:
        with open(a.top) as f:
            top = [l.split()[0] for l in f if l.strip() and not l.startswith("#")]
        cov = [t for t in top if t in by_tech]
        print("top list covered: %d/%d; missing: %s" % (
            len(cov), len(top), " ".join(t for t in top if t not in by_tech)))
    if a.top_uses:
        top = sorted(USES, key=lambda t: (-USES[t], t))[:a.top_uses]
        print("top %d used techniques covered: %d; missing: %s" % (
            len(top), sum(1 for t in top if t in by_tech),
            " ".join(t for t in top if t not in by_tech) or "-"))
    for name, space, rows in sets:
        si = [k for k, s in enumerate(sets) if s[0] == name][0]
        any_m = set()
        for c in cues:
            for s, i in c.matched:
                if s == si:
                    any_m.add(i)
        pos = sum(1 for _, l in rows if l)
        posm = sum(1 for i in any_m if rows[i][1])
        print("%-15s rows %5d, matched by any cue %5d (%d labelled positive; %.1f%% of positives)" % (
            name, len(rows), len(any_m), posm, 100.0 * posm / pos if pos else 0))

    if a.write or a.prune is not None:
        with open(a.cues, encoding="utf-8") as f:
            lines = f.read().split("\n")
        changed = 0
        dropped = set()
        if a.prune is not None:
            for c in cues:
                sup, prec = stats[c][0], stats[c][2]
                if sup >= a.prune_support and prec < a.prune:
                    dropped.add(c.line - 1)
                    print("pruned %s %s (support %d, precision %.2f)" % (c.tech, c.pattern, sup, prec))
        for c in cues:
            if not a.write or c.line - 1 in dropped:
                continue
            w = min(0.95, max(0.05, stats[c][3]))
            old = lines[c.line - 1].split("\t")
            new = "%.2f" % w
            if old[1] != new:
                old[1] = new
                lines[c.line - 1] = "\t".join(old)
                changed += 1
        lines = [l for i, l in enumerate(lines) if i not in dropped]
        with open(a.cues, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        print("rewrote %d weights, pruned %d entries in %s" % (changed, len(dropped), a.cues))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
