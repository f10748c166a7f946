#!/usr/bin/env python3
"""Checks of the IOC integration tests (tests/integration/ioc/*.sh).

Sub-commands (each exits 0 when all holds, else 1 with one line per problem):

  records JSONL [--text REPORT_JSONL] [--statuses S,...] [--types T,...]
      every line of `ctix iocs --json` is a record with exactly the documented
      members and types (`bidi` only for a value holding a bidirectional
      control), only the allowed statuses and types; with --text,
      document.text[start:end] of that report is the record's `original`.
  truth JSONL MARKDOWN [--types T,...]
      every indicator of the article's own table ("| Type | Indicator |")
      is among the records (refanged by this script, compared canonically).
  has JSONL TYPE VALUE STATUS [REASON] [--defanged ORIGINAL]
      one record with that type and value has that status (and reason).
  same-set A.jsonl REPORT.jsonl
      the records of A (`ctix iocs --all --json`) are the `iocs` of the
      report (analyze --jsonl), as (type, value, status, reason, start, end).
  eval EVAL.json KEY=VALUE...
      members of `ctix eval --json` output: "micro.tp=9", "tags.x.right=1".
  targets EVAL.json README.md
      the targets of issue 4 on the dev cases: micro and micro_core F1 >=
      0.97, defanged and defanged_core F1 >= 0.95, and every type's F1 at or
      above the best peer F1 of the README's score table (types no peer
      supports are only reported).
"""
import json
import re
import sys

MEMBERS = ["type", "value", "original", "status", "reason", "defanged", "start", "end", "hits"]
TABLE_TYPES = {"sha-256": "sha256", "sha256": "sha256", "md5": "md5", "sha-1": "sha1",
               "sha1": "sha1", "domain": "domain", "ipv4": "ipv4", "ipv6": "ipv6",
               "url": "url", "file path": "file_path", "registry key": "registry_key",
               "e-mail": "email", "email": "email"}
LOWER = {"md5", "sha1", "sha256", "sha512", "domain", "email"}


def load_jsonl(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            if line.strip():
                out.append((i, json.loads(line)))
    return out


def canon(t, v):
    return v.lower() if t in LOWER else v


def refang(v):
    v = v.replace("[.]", ".").replace("(.)", ".").replace("[@]", "@")
    return re.sub(r"^hxxp", "http", v, flags=re.I)


def split_list(s):
    return set(x for x in s.split(",") if x) if s else None


def opt(args, name):
    if name in args:
        i = args.index(name)
        val = args[i + 1]
        del args[i:i + 2]
        return val
    return None


def cmd_records(args, bad):
    text_report = opt(args, "--text")
    statuses = split_list(opt(args, "--statuses")) or {"ioc", "benign", "rejected"}
    types = split_list(opt(args, "--types"))
    recs = load_jsonl(args[0])
    raw = None
    if text_report:
        rep = load_jsonl(text_report)[0][1]
        raw = rep["document"]["text"].encode("utf-8")
    for ln, r in recs:
        where = f"{args[0]}:{ln}"
        if not isinstance(r, dict) or list(r) not in (MEMBERS, MEMBERS + ["bidi"]):
            bad(f"{where}: members {list(r) if isinstance(r, dict) else r!r}, want {MEMBERS}")
            continue
        if "bidi" in r:
            check_bidi(where, r)
        for k in ("type", "value", "original", "status"):
            if not isinstance(r[k], str) or not r[k]:
                bad(f"{where}: {k} is not a non-empty string")
        if not isinstance(r["defanged"], bool):
            bad(f"{where}: defanged is not a boolean")
        for k in ("start", "end", "hits"):
            if not isinstance(r[k], int) or isinstance(r[k], bool) or r[k] < 0:
                bad(f"{where}: {k} is not a non-negative integer")
        if r["status"] not in statuses:
            bad(f"{where}: status {r['status']!r} not in {sorted(statuses)}")
        if (r["reason"] is None) != (r["status"] == "ioc"):
            bad(f"{where}: reason {r['reason']!r} with status {r['status']!r}")
        if types is not None and r["type"] not in types:
            bad(f"{where}: type {r['type']!r} not in {sorted(types)}")
        if raw is not None and isinstance(r["start"], int) and isinstance(r["end"], int):
            piece = raw[r["start"]:r["end"]].decode("utf-8", "replace")
            if r["end"] > len(raw) or piece != r["original"]:
                bad(f"{where}: text[{r['start']}:{r['end']}] is {piece!r}, original {r['original']!r}")
    if not recs:
        bad(f"{args[0]}: no records")


BIDI = {"\u061c", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
        "\u2066", "\u2067", "\u2068", "\u2069"}


def check_bidi(where, r):
    """The optional `bidi` member: only on a value holding a bidirectional
    control, listing exactly its controls; display without them."""
    b = r["bidi"]
    held = sorted("U+%04X" % ord(c) for c in set(r["value"]) & BIDI)
    if not isinstance(b, dict) or list(b) != ["spoofed", "display", "controls", "technique"]:
        bad(f"{where}: bidi {b!r}")
        return
    if not held or b["controls"] != held:
        bad(f"{where}: bidi controls {b['controls']!r}, the value holds {held!r}")
    if not isinstance(b["display"], str) or set(b["display"]) & BIDI:
        bad(f"{where}: bidi display {b['display']!r}")
    if b["technique"] != ("T1036.002" if b["spoofed"] is True else None):
        bad(f"{where}: bidi technique {b['technique']!r} with spoofed {b['spoofed']!r}")


def table_truth(md, types=None):
    truth = []
    for line in open(md, encoding="utf-8"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2:
            continue
        t = TABLE_TYPES.get(cells[0].lower())
        if t and (types is None or t in types):
            truth.append((t, canon(t, refang(cells[1]))))
    return truth


def cmd_truth(args, bad):
    types = split_list(opt(args, "--types"))
    got = {(r["type"], canon(r["type"], r["value"])) for _, r in load_jsonl(args[0])}
    truth = table_truth(args[1], types)
    if len(truth) < 5:
        bad(f"{args[1]}: only {len(truth)} indicators read from its table")
    for t, v in truth:
        if (t, v) not in got:
            bad(f"{t} {v} of the article's table was not found")


def cmd_count_truth(args, bad):
    types = split_list(opt(args, "--types"))
    print(len(table_truth(args[0], types)))


def cmd_has(args, bad):
    defanged = opt(args, "--defanged")
    t, v, status = args[1], args[2], args[3]
    reason = args[4] if len(args) > 4 else None
    found = [r for _, r in load_jsonl(args[0]) if r["type"] == t and r["value"] == v]
    if len(found) != 1:
        bad(f"{t} {v}: {len(found)} records, expected 1")
        return
    r = found[0]
    if r["status"] != status:
        bad(f"{t} {v}: status {r['status']!r} ({r['reason']}), expected {status!r}")
    if reason is not None and r["reason"] != reason:
        bad(f"{t} {v}: reason {r['reason']!r}, expected {reason!r}")
    if defanged is not None and (not r["defanged"] or r["original"] != defanged):
        bad(f"{t} {v}: defanged {r['defanged']} original {r['original']!r}, expected {defanged!r}")


def cmd_same_set(args, bad):
    key = lambda r: (r["type"], r["value"], r["status"], r["reason"], r["start"], r["end"])
    a = [key(r) for _, r in load_jsonl(args[0])]
    rep = load_jsonl(args[1])[0][1]
    b = [key(r) for r in rep.get("iocs", [])]
    if a != b:
        bad(f"ctix iocs --all and the report's iocs differ: {set(a) ^ set(b)}")


def lookup(obj, path):
    for k in path.split("."):
        if not isinstance(obj, dict) or k not in obj:
            return KeyError
        obj = obj[k]
    return obj


def cmd_eval(args, bad):
    res = json.load(open(args[0], encoding="utf-8"))
    for spec in args[1:]:
        path, want = spec.split("=", 1)
        got = lookup(res, path)
        if got is KeyError:
            bad(f"{path}: missing")
        elif str(got) != want:
            bad(f"{path} = {got}, expected {want}")


def f1_of(c):
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    return None if tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn)


def best_peers(readme):
    """Best peer F1 per type from the score table of the corpus README."""
    best, on = {}, False
    for line in open(readme, encoding="utf-8"):
        if line.startswith("## Scores on the union corpus"):
            on = True
            continue
        if on and line.startswith("## "):
            break
        m = re.match(r"\|\s*`([a-z0-9_]+)`\s*\|", line)
        if not on or not m:
            continue
        f1s = [float(x) for x in re.findall(r"\*\*([0-9.]+)\*\*", line)]
        if f1s:
            best[m.group(1)] = max(f1s)
    return best


# Expected values of peer cases that contradict a rule the issue states
# outright, so the per-type comparison with that peer leaves them out:
# (case id, type, value, the rule). Kept short and printed on every run.
RULE_CONFLICTS = [
    ("iocfinder-035-domain-issue_104__domains_read_from_percent_encoded_url_quer",
     "domain", "cba0019_file_00002_pdf.zip",
     "issue 4: a file name whose extension is also a TLD is classified from its "
     "context; the last segment of a URL path is a file, not a domain"),
    ("iocfinder-106-file_path_3", "domain", "abc.py",
     "issue 4: abc.py is named as an example of a file name to classify from "
     "its context; here it ends the path ~/foo/bar/abc.py"),
]


def cmd_targets(args, bad):
    res = json.load(open(args[0], encoding="utf-8"))
    best = best_peers(args[1])
    # Only a conflict that really failed (the failing list of --verbose names
    # the case and the missing value) is left out, never another miss.
    missed = {(f["id"], x["type"], v) for f in res.get("failing", [])
              for x in f.get("types", []) for v in x.get("missing", [])}
    for case, t, value, rule in RULE_CONFLICTS:
        c = res["per_type"].get(t)
        if c and c["fn"] > 0 and (case, t, value) in missed:
            c["fn"] -= 1
            print(f"left out of the {t} comparison: {value} ({case}): {rule}")
    if len(best) < 20:
        bad(f"{args[1]}: read only {len(best)} peer scores from its table")
    for key, target in (("micro", 0.97), ("micro_core", 0.97), ("defanged", 0.95),
                        ("defanged_core", 0.95)):
        f = f1_of(res[key])
        print(f"{key}: F1 {f:.4f} (target {target})" if f is not None else f"{key}: no data")
        if f is None or f < target:
            bad(f"{key} F1 {f if f is None else round(f, 4)} below the target {target}")
    for t, c in sorted(res["per_type"].items()):
        f = f1_of(c)
        peer = best.get(t)
        shown = "-" if f is None else f"{f:.4f}"
        print(f"  {t:20s} F1 {shown:>6}  best peer {peer if peer is not None else 'n/a'}")
        # F1 undefined: nothing expected and nothing found, i.e. all right.
        if peer is not None and f is not None and round(f, 2) < peer:
            bad(f"{t}: F1 {f:.4f} below the best peer's {peer}")


def main():
    cmds = {"records": cmd_records, "truth": cmd_truth, "count-truth": cmd_count_truth,
            "has": cmd_has, "same-set": cmd_same_set, "eval": cmd_eval,
            "targets": cmd_targets}
    if len(sys.argv) < 3 or sys.argv[1] not in cmds:
        print(__doc__)
        return 2
    problems = []
    try:
        cmds[sys.argv[1]](sys.argv[2:], problems.append)
    except (OSError, ValueError, KeyError, IndexError) as e:
        problems.append(f"{sys.argv[1]}: {type(e).__name__}: {e}")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
