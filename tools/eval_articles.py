#!/usr/bin/env python3
"""Scores ctix's techniques on real articles against their authors' own lists.

usage: eval_articles.py CTIX ARTICLES_DIR [--json] [--markdown] [--min-recall R]
                        [--enterprise-only]

For every ARTICLES_DIR/<id>.json (the article corpus format: "techniques",
"kind", "title") whose <id>.text.txt exists, runs `CTIX analyze --jsonl` on
the text once and compares the technique ids of the report with the
authors' list:

- exact: an id counts only if it is the same id;
- parent: both sides rolled up to parent techniques (T1059.001 -> T1059).

Only articles whose authors list techniques are scored (the others have no
list to compare with; their predicted counts are still printed). ctix
reports Mobile and ICS techniques from their explicit ids (report field
"domain"), so the authors' ICS ids (T0xxx) are scored like the others.
--enterprise-only gives the earlier view: the authors' ICS ids counted
apart (column "+N ICS"), not as misses, and only ctix's Enterprise
techniques predicted. Prints a table (Markdown with --markdown), or one
JSON object with --json. With --min-recall, exits 1 when the micro
parent-level recall is below R.
"""
import argparse
import json
import os
import subprocess
import sys


def parent(t):
    return t.split(".")[0]


def prf(pred, gold):
    tp = len(pred & gold)
    p = tp / len(pred) if pred else (1.0 if not gold else 0.0)
    r = tp / len(gold) if gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return tp, p, r, f


def run_ctix(ctix, path):
    out = subprocess.run([ctix, "analyze", "--jsonl", path], capture_output=True, text=True)
    if out.returncode not in (0, 2):
        raise SystemExit(f"{ctix} analyze {path}: exit {out.returncode}: {out.stderr.strip()}")
    rep = json.loads(out.stdout.splitlines()[0])
    if "error" in rep:
        raise SystemExit(f"{path}: {rep['error']}")
    return rep


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ctix")
    ap.add_argument("dir")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--min-recall", type=float)
    ap.add_argument("--enterprise-only", action="store_true",
                    help="score Enterprise only: authors' ICS ids apart, ctix's Mobile/ICS dropped")
    a = ap.parse_args()

    rows = []
    for name in sorted(os.listdir(a.dir)):
        if not name.endswith(".json"):
            continue
        aid = name[:-5]
        text = os.path.join(a.dir, aid + ".text.txt")
        if not os.path.exists(text):
            continue
        with open(os.path.join(a.dir, name), encoding="utf-8") as f:
            meta = json.load(f)
        gold_all = set(meta.get("techniques") or [])
        ics = {t for t in gold_all if t.startswith("T0")}
        gold = gold_all - ics if a.enterprise_only else gold_all
        if not a.enterprise_only:
            ics = set()
        rep = run_ctix(a.ctix, text)
        techs = rep.get("techniques") or []
        if a.enterprise_only:
            techs = [t for t in techs if t.get("domain", "enterprise") == "enterprise"]
        pred = {t["id"] for t in techs if t.get("status") != "implied"}
        observed = {t["id"] for t in techs if t.get("status") == "observed"}
        row = {"id": aid, "kind": meta.get("kind"), "gold": len(gold), "gold_ics": len(ics),
               "predicted": len(pred), "observed": len(observed)}
        if gold:
            tp, p, r, f = prf(pred, gold)
            ptp, pp, pr, pf = prf({parent(t) for t in pred}, {parent(t) for t in gold})
            row.update({"tp": tp, "p": p, "r": r, "f1": f, "parent_tp": ptp, "parent_p": pp,
                        "parent_pred": len({parent(t) for t in pred}),
                        "parent_gold": len({parent(t) for t in gold}),
                        "parent_r": pr, "parent_f1": pf,
                        "missed": sorted(gold - pred), "extra": sorted(pred - gold)})
        rows.append(row)

    scored = [r for r in rows if r["gold"]]

    def ratio(num, den):
        return num / den if den else 0.0

    tp = sum(r["tp"] for r in scored)
    ptp = sum(r["parent_tp"] for r in scored)
    summary = {
        "articles": len(rows), "scored": len(scored),
        "micro": {"p": ratio(tp, sum(r["predicted"] for r in scored)),
                  "r": ratio(tp, sum(r["gold"] for r in scored))},
        "parent_micro": {"p": ratio(ptp, sum(r["parent_pred"] for r in scored)),
                         "r": ratio(ptp, sum(r["parent_gold"] for r in scored))},
        "macro_f1": ratio(sum(r["f1"] for r in scored), len(scored)),
        "macro_parent_f1": ratio(sum(r["parent_f1"] for r in scored), len(scored)),
        "rows": rows,
    }
    if a.json:
        print(json.dumps(summary, indent=1, sort_keys=True))
    else:
        sep = "|" if a.markdown else " "
        hdr = ["article", "kind", "gold", "pred", "P", "R", "F1", "parent P", "parent R"]
        if a.markdown:
            print("| " + " | ".join(hdr) + " |")
            print("|" + " --- |" * len(hdr))
        else:
            print(f"{'article':42} {'kind':8} {'gold':>4} {'pred':>4} {'P':>5} {'R':>5} {'F1':>5} {'pP':>5} {'pR':>5}")
        for r in rows:
            g = f"{r['gold']}" + (f"+{r['gold_ics']} ICS" if r["gold_ics"] else "")
            if r["gold"]:
                vals = [f"{r['p']:.2f}", f"{r['r']:.2f}", f"{r['f1']:.2f}", f"{r['parent_p']:.2f}",
                        f"{r['parent_r']:.2f}"]
            else:
                vals = ["-"] * 5
            if a.markdown:
                print("| " + " | ".join([r["id"], r["kind"] or "", g, str(r["predicted"])] + vals) + " |")
            else:
                print(f"{r['id']:42} {r['kind'] or '':8} {g:>4} {r['predicted']:>4} " +
                      " ".join(f"{v:>5}" for v in vals))
        print()
        print(f"scored articles: {len(scored)} of {len(rows)}; micro P {summary['micro']['p']:.3f} "
              f"R {summary['micro']['r']:.3f}; parent-level micro P {summary['parent_micro']['p']:.3f} "
              f"R {summary['parent_micro']['r']:.3f}; macro F1 {summary['macro_f1']:.3f} "
              f"(parent {summary['macro_parent_f1']:.3f})")
    if a.min_recall is not None and summary["parent_micro"]["r"] < a.min_recall:
        print(f"FAIL: parent-level micro recall {summary['parent_micro']['r']:.3f} < {a.min_recall}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
