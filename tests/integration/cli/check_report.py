#!/usr/bin/env python3
"""Checks ctix JSON reports (docs/report-json.md) for internal consistency.

Usage: check_report.py [options] FILE
  FILE is a report.json, or with --jsonl a file of one result per line.
Every report is checked: schema header, member types, every span inside the
text (byte offsets into its UTF-8 encoding), sentences inside their blocks,
blocks in order and matched to their sections, counts equal to the arrays.
Options add expectations about the content (title, sentence count, text).
Exits 0 when all holds, 1 with one line per problem otherwise.
"""
import argparse
import json
import re
import sys

SCHEMA = "1.3"
KINDS = {"paragraph", "heading", "list_item", "code", "table_row", "quote"}
META = ["title", "author", "published", "canonical_url", "language", "site_name",
        "description"]


class Checker:
    def __init__(self, where):
        self.where = where
        self.problems = []

    def bad(self, msg):
        self.problems.append(f"{self.where}: {msg}")

    def expect(self, cond, msg):
        if not cond:
            self.bad(msg)
        return cond


def is_uint(v):
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def check_span(c, what, obj, nbytes):
    s, e = obj.get("start"), obj.get("end")
    if not (is_uint(s) and is_uint(e)):
        c.bad(f"{what}: start/end are not non-negative integers")
        return None
    if not (s <= e <= nbytes):
        c.bad(f"{what}: span [{s},{e}) outside the text of {nbytes} bytes")
        return None
    return s, e


def check_report(c, r, args):
    c.expect(r.get("schema_version") == SCHEMA, f"schema_version {r.get('schema_version')!r}")
    c.expect(isinstance(r.get("ctix_version"), str), "ctix_version missing")
    c.expect(isinstance(r.get("id"), str), "id is not a string")
    c.expect(r.get("format") in {"text", "markdown", "html", "pdf"}, "bad format")
    meta = r.get("metadata", {})
    c.expect(sorted(meta) == sorted(META), f"metadata members {sorted(meta)}")
    for k in META:
        c.expect(meta.get(k) is None or isinstance(meta.get(k), str), f"metadata.{k} type")
    doc = r.get("document", {})
    text = doc.get("text")
    if not c.expect(isinstance(text, str), "document.text missing"):
        return
    raw = text.encode("utf-8")
    n = len(raw)
    stats = r.get("stats", {})
    blocks, sents = doc.get("blocks", []), doc.get("sentences", [])
    secs, links = doc.get("sections", []), doc.get("links", [])
    c.expect(stats.get("text_bytes") == n, "stats.text_bytes != len(text)")
    c.expect(stats.get("blocks") == len(blocks), "stats.blocks != len(blocks)")
    c.expect(stats.get("sentences") == len(sents), "stats.sentences != len(sentences)")
    c.expect(stats.get("sections") == len(secs), "stats.sections != len(sections)")
    c.expect(stats.get("links") == len(links), "stats.links != len(links)")
    c.expect(stats.get("diagnostics") == len(r.get("diagnostics", [])), "stats.diagnostics")
    c.expect(stats.get("words", 0) > 0, "no words")

    prev_end = 0
    for i, b in enumerate(blocks):
        sp = check_span(c, f"block {i}", b, n)
        c.expect(b.get("kind") in KINDS, f"block {i}: kind {b.get('kind')!r}")
        if not sp:
            continue
        c.expect(sp[0] >= prev_end, f"block {i} overlaps the previous one")
        c.expect(sp[0] < sp[1], f"block {i} is empty")
        prev_end = sp[1]
        c.expect(raw[sp[0]:sp[1]].strip() == raw[sp[0]:sp[1]] or b.get("kind") == "code",
                 f"block {i} has surrounding white space")
        fs, ns = b.get("first_sentence"), b.get("nsentences")
        if c.expect(is_uint(fs) and is_uint(ns) and fs + ns <= len(sents),
                    f"block {i}: sentence range"):
            for k in range(fs, fs + ns):
                c.expect(sents[k].get("block") == i, f"sentence {k} does not point to block {i}")
        sec = b.get("section")
        c.expect(is_uint(sec) and sec < len(secs), f"block {i}: section {sec}")

    prev = 0
    for k, s in enumerate(sents):
        sp = check_span(c, f"sentence {k}", s, n)
        bi = s.get("block")
        if not sp or not c.expect(is_uint(bi) and bi < len(blocks), f"sentence {k}: block"):
            continue
        b = blocks[bi]
        c.expect(b["start"] <= sp[0] < sp[1] <= b["end"], f"sentence {k} outside block {bi}")
        c.expect(sp[0] >= prev, f"sentence {k} out of order")
        prev = sp[1]
        piece = raw[sp[0]:sp[1]]
        c.expect(piece.strip() == piece and piece, f"sentence {k} not trimmed")
        try:
            piece.decode("utf-8")
        except UnicodeDecodeError:
            c.bad(f"sentence {k} cuts a UTF-8 character")

    total = 0
    for j, s in enumerate(secs):
        total += s.get("nblocks", 0)
        if j == 0:
            c.expect(s.get("parent") is None and s.get("heading") is None and s.get("level") == 0,
                     "section 0 is not the root")
            continue
        c.expect(is_uint(s.get("parent")) and s["parent"] < j, f"section {j}: parent")
        sp = check_span(c, f"section {j} heading", s, n)
        if sp:
            c.expect(raw[sp[0]:sp[1]].decode("utf-8", "replace") == s.get("heading"),
                     f"section {j}: heading text differs from its span")
        fb = s.get("first_block")
        if c.expect(is_uint(fb) and fb < len(blocks), f"section {j}: first_block"):
            c.expect(blocks[fb]["kind"] == "heading" and blocks[fb]["section"] == j,
                     f"section {j}: first block is not its heading")
    c.expect(total == len(blocks), "sections' nblocks do not add up to the blocks")

    for i, l in enumerate(links):
        check_span(c, f"link {i}", l, n)
        c.expect(isinstance(l.get("href"), str), f"link {i}: href")
    for i, d in enumerate(r.get("diagnostics", [])):
        c.expect(isinstance(d.get("code"), str) and d["code"].startswith("E"),
                 f"diagnostic {i}: code")
        c.expect(isinstance(d.get("message"), str), f"diagnostic {i}: message")
    # Observables (schema 1.1): the first occurrence's span holds `original`.
    iocs = r.get("iocs")
    if c.expect(isinstance(iocs, list), "iocs missing"):
        for i, o in enumerate(iocs):
            c.expect(o.get("status") in {"ioc", "benign", "rejected"}, f"ioc {i}: status")
            c.expect((o.get("reason") is None) == (o.get("status") == "ioc"), f"ioc {i}: reason")
            c.expect(isinstance(o.get("value"), str) and o["value"], f"ioc {i}: value")
            c.expect(is_uint(o.get("hits")) and o["hits"] >= 1, f"ioc {i}: hits")
            sp = check_span(c, f"ioc {i}", o, n)
            if sp:
                c.expect(raw[sp[0]:sp[1]].decode("utf-8", "replace") == o.get("original"),
                         f"ioc {i}: original differs from its span")

    # Techniques (schema 1.2): ids well formed, confidences in [0, 1], sorted,
    # every evidence span a sentence of the document whose text it carries.
    techs = r.get("techniques")
    if c.expect(isinstance(techs, list), "techniques missing"):
        sent_spans = {(x.get("start"), x.get("end")) for x in sents}
        prev = None
        for i, t in enumerate(techs):
            tid = t.get("id")
            c.expect(isinstance(tid, str) and re.fullmatch(r"T\d{4}(\.\d{3})?", tid or "") is not None,
                     f"technique {i}: id {tid!r}")
            conf = t.get("confidence")
            c.expect(isinstance(conf, (int, float)) and 0 <= conf <= 1, f"technique {i}: confidence")
            if prev is not None and isinstance(conf, (int, float)):
                c.expect(conf <= prev, f"technique {i}: not sorted by confidence")
            prev = conf if isinstance(conf, (int, float)) else prev
            c.expect(t.get("status") in {"observed", "potential", "implied"}, f"technique {i}: status")
            c.expect(isinstance(t.get("tactics"), list) and t["tactics"], f"technique {i}: tactics")
            ev = t.get("evidence")
            if c.expect(isinstance(ev, list) and (ev or t.get("status") == "implied"),
                        f"technique {i}: evidence"):
                for j, e in enumerate(ev):
                    sp = check_span(c, f"technique {i} evidence {j}", e, n)
                    if sp:
                        c.expect((e.get("start"), e.get("end")) in sent_spans,
                                 f"technique {i} evidence {j}: not a sentence span")
                        c.expect(raw[sp[0]:sp[1]].decode("utf-8", "replace") == e.get("text"),
                                 f"technique {i} evidence {j}: text differs from its span")

    # Expectations of the caller.
    if args.title is not None:
        title = meta.get("title") or ""
        c.expect(title.startswith(args.title), f"title {title!r} does not start with {args.title!r}")
    if args.min_sentences is not None:
        c.expect(len(sents) >= args.min_sentences,
                 f"{len(sents)} sentences, expected at least {args.min_sentences}")
    for kind, least in args.min_blocks or []:
        got = sum(1 for b in blocks if b.get("kind") == kind)
        c.expect(got >= int(least), f"{got} {kind} blocks, expected at least {least}")
    for s in args.contains or []:
        c.expect(s in text, f"text does not contain {s!r}")
    for s in args.absent or []:
        c.expect(s not in text, f"text contains {s!r}, which should have been dropped")
    for s in args.sentence or []:
        c.expect(any(raw[x["start"]:x["end"]].decode("utf-8") == s for x in sents),
                 f"no sentence is exactly {s!r}")
    if args.format:
        c.expect(r.get("format") == args.format, f"format {r.get('format')!r}, expected {args.format!r}")
    if args.source:
        c.expect(r.get("source") == args.source, f"source {r.get('source')!r}, expected {args.source!r}")
    if args.id:
        c.expect(r.get("id") == args.id, f"id {r.get('id')!r}, expected {args.id!r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--jsonl", action="store_true", help="one result per line (errors skipped)")
    ap.add_argument("--title")
    ap.add_argument("--min-sentences", type=int)
    ap.add_argument("--min-blocks", nargs=2, action="append", metavar=("KIND", "N"))
    ap.add_argument("--contains", action="append")
    ap.add_argument("--absent", action="append")
    ap.add_argument("--sentence", action="append")
    ap.add_argument("--format")
    ap.add_argument("--source")
    ap.add_argument("--id")
    args = ap.parse_args()
    problems = []
    with open(args.file, "rb") as f:
        data = f.read()
    if args.jsonl:
        docs = [(f"{args.file}:{i + 1}", line) for i, line in enumerate(data.split(b"\n")) if line]
    else:
        docs = [(args.file, data)]
    for where, blob in docs:
        c = Checker(where)
        try:
            r = json.loads(blob.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            c.bad(f"not valid UTF-8 JSON: {e}")
            problems += c.problems
            continue
        if args.jsonl and "error" in r:
            continue
        check_report(c, r, args)
        problems += c.problems
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
