#!/usr/bin/env python3
"""Checks the generated Sigma rules of the corpus test (sigma_corpus.sh).

validate.py SCHEMA OUTDIR: every *.yml under OUTDIR/<article>/ is loaded
with PyYAML and validated against the Sigma detection-rule JSON schema;
every `ioc` observable listed in OUTDIR/<article>/iocs.jsonl whose type is
detectable appears (unescaped) in some IOC rule's detection values, and
explicit ATT&CK technique ids and CVE ids appear as tags. Prints one line
per failure and a summary; exit 1 on any failure.
"""
import json
import os
import sys

import jsonschema
import yaml

# Detectable observable types and how each is written into a rule value.
DETECTABLE = {"domain", "ipv4", "ipv6", "ipv4_cidr", "ipv6_cidr", "url", "user_agent", "md5",
              "sha1", "sha256", "sha224", "sha384", "sha512", "ssdeep", "imphash",
              "authentihash", "file_name", "file_path", "registry_key", "email", "ja3", "ja3s",
              "ja4", "mutex"}
HIVES = ("HKEY_LOCAL_MACHINE", "HKEY_CURRENT_USER", "HKEY_USERS", "HKEY_CLASSES_ROOT",
         "HKEY_CURRENT_CONFIG", "HKLM", "HKCU", "HKU", "HKCR", "HKCC")


def unescape(v):
    """A Sigma value back to its literal text (\\* \\? \\\\ escapes)."""
    out, i = [], 0
    while i < len(v):
        if v[i] == "\\" and i + 1 < len(v) and v[i + 1] in "*?\\":
            out.append(v[i + 1])
            i += 2
        else:
            out.append(v[i])
            i += 1
    return "".join(out)


def values(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k != "condition":
                yield from values(v)
    elif isinstance(node, list):
        for v in node:
            yield from values(v)
    elif node is not None:
        yield unescape(str(node))


def expected_forms(typ, value):
    """Literal texts any one of which must be in some rule value."""
    if typ in ("md5", "sha1", "sha256", "imphash"):
        return [value.upper()]
    if typ == "url":
        return [value.split("://", 1)[-1]]
    if typ == "registry_key":
        for h in HIVES:
            if value.upper().startswith(h + "\\"):
                return [value[len(h):]]
        return [value]
    if typ == "file_path" and value[:1] in "%~":
        rest = value.split("%", 2)[-1] if value[0] == "%" else value[1:]
        return [rest or value]
    return [value]


def main():
    schema = json.load(open(sys.argv[1]))
    validator = jsonschema.Draft202012Validator(schema)
    outdir = sys.argv[2]
    failures = nrules = nobs = 0
    for art in sorted(os.listdir(outdir)):
        d = os.path.join(outdir, art)
        if not os.path.isdir(d):
            continue
        ioc_values, tags = [], set()
        for name in sorted(os.listdir(d)):
            if not name.endswith(".yml"):
                continue
            nrules += 1
            with open(os.path.join(d, name), encoding="utf-8") as f:
                rule = yaml.safe_load(f)
            for e in validator.iter_errors(rule):
                print(f"FAIL: {art}/{name}: schema: {e.message} at {list(e.path)}")
                failures += 1
            if name.startswith("ioc_"):
                ioc_values.extend(values(rule.get("detection")))
                tags.update(rule.get("tags", []))
        with open(os.path.join(d, "iocs.jsonl"), encoding="utf-8") as f:
            for line in f:
                o = json.loads(line)
                typ, value = o["type"], o["value"]
                if typ in DETECTABLE:
                    nobs += 1
                    forms = expected_forms(typ, value)
                    if not any(form in v for form in forms for v in ioc_values):
                        print(f"FAIL: {art}: ioc {typ} {value!r} is in no IOC rule")
                        failures += 1
                elif typ in ("attack_technique", "cve") and ioc_values:
                    nobs += 1
                    tag = ("attack." if typ == "attack_technique" else "cve.") + \
                        value.lower().removeprefix("cve-")
                    if tag not in tags:
                        print(f"FAIL: {art}: {typ} {value} is not a tag of the IOC rules")
                        failures += 1
    print(f"validate: {nrules} rules, {nobs} ioc observables checked, {failures} failures")
    return 1 if failures or nrules == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
