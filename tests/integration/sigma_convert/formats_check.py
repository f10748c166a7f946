"""Checks `ctix sigma convert --format` outputs against the --json output of
the same rules (the queries as converted, in the same order).

  formats_check.py savedsearches OUT.conf REF.jsonl
  formats_check.py json OUT.json REF.jsonl
  formats_check.py ndjson OUT.ndjson REF.jsonl

savedsearches: every converted query is one stanza with a unique name, every
line is a comment, a blank line, a [stanza] or `key = value`, a value goes on
over the following lines exactly when its line ends with a backslash, and
the `search` value read that way is the query itself; every rule that failed
is listed as a `# ctix: not converted` comment. json: one array, one object
per converted rule, queries identical. ndjson: every line one JSON object
with the keys a Kibana detection rule needs, one per converted query.
Prints what is wrong and exits 1; exits 0 when all holds.
"""
import json
import sys

REQUIRED_KEYS = ("search", "description", "alert.severity", "cron_schedule", "enableSched",
                 "dispatch.earliest_time", "action.correlationsearch.enabled",
                 "action.correlationsearch.label")
NDJSON_KEYS = ("rule_id", "name", "description", "type", "query", "language", "risk_score",
               "severity", "enabled")


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def load_ref(path):
    ok, errors = [], 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row["error"] is None:
                ok.append(row)
            else:
                errors += 1
    return ok, errors


def parse_conf(path):
    """Returns ([(name, {key: value})], comments) of a .conf file."""
    stanzas, comments = [], []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if line == "":
            continue
        if line.startswith("#"):
            comments.append(line)
            continue
        if line.startswith("["):
            if not line.endswith("]") or len(line) < 3:
                fail("bad stanza header at line %d: %r" % (i, line))
            stanzas.append((line[1:-1], {}))
            continue
        if not stanzas:
            fail("setting outside a stanza at line %d" % i)
        if " = " not in line:
            fail("line %d is neither comment, stanza nor key = value: %r" % (i, line))
        key, value = line.split(" = ", 1)
        if key in stanzas[-1][1]:
            fail("key %s twice in stanza %s" % (key, stanzas[-1][0]))
        while value.endswith("\\"):
            if i >= len(lines):
                fail("continuation at end of file")
            value = value[:-1] + "\n" + lines[i]
            i += 1
        stanzas[-1][1][key] = value
    return stanzas, comments


def check_savedsearches(out, ref):
    ok, errors = load_ref(ref)
    stanzas, comments = parse_conf(out)
    queries = [q for row in ok for q in row["query"]]
    if len(stanzas) != len(queries):
        fail("%d stanzas for %d queries" % (len(stanzas), len(queries)))
    names = [name for name, _ in stanzas]
    if len(set(names)) != len(names):
        fail("stanza names are not unique")
    for (name, kv), query in zip(stanzas, queries):
        for key in REQUIRED_KEYS:
            if key not in kv:
                fail("stanza %r lacks %s" % (name, key))
        if kv["search"] != query.lstrip("\n "):
            fail("stanza %r: search %r is not the query %r" % (name, kv["search"], query))
        if not kv["alert.severity"].isdigit():
            fail("stanza %r: alert.severity %r" % (name, kv["alert.severity"]))
    missing = sum(1 for c in comments if c.startswith("# ctix: not converted"))
    if missing != errors:
        fail("%d 'not converted' comments for %d failed rules" % (missing, errors))
    print("savedsearches ok: %d stanzas, %d failures listed" % (len(stanzas), errors))


def check_json(out, ref):
    ok, _ = load_ref(ref)
    with open(out, encoding="utf-8") as f:
        doc = json.load(f)
    if not isinstance(doc, list) or len(doc) != len(ok):
        fail("json: %s entries for %d converted rules" % (len(doc), len(ok)))
    for obj, row in zip(doc, ok):
        if obj.get("id") != (row["id"] or None) or obj.get("queries") != row["query"]:
            fail("json: entry %r differs from the --json output" % obj.get("title"))
        for key in ("title", "level", "tags", "attack", "logsource"):
            if key not in obj:
                fail("json: entry lacks %s" % key)
    print("json ok: %d rules" % len(doc))


def check_ndjson(out, ref):
    ok, _ = load_ref(ref)
    n = 0
    with open(out, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            obj = json.loads(line)
            if not isinstance(obj, dict):
                fail("ndjson line %d is not an object" % number)
            for key in NDJSON_KEYS:
                if key not in obj:
                    fail("ndjson line %d lacks %s" % (number, key))
            n += 1
    queries = sum(len(row["query"]) for row in ok)
    if n != queries:
        fail("ndjson: %d lines for %d queries" % (n, queries))
    print("ndjson ok: %d rules" % n)


if __name__ == "__main__":
    {"savedsearches": check_savedsearches, "json": check_json,
     "ndjson": check_ndjson}[sys.argv[1]](sys.argv[2], sys.argv[3])
