#!/usr/bin/env python3
"""Stress texts for byte-for-byte comparisons of IOC extraction builds.

Writes files of random bytes, punctuation, defanged fragments and
observable-dense prose into OUT (a folder), from a fixed seed, so that two
builds of ctix can be compared on the same inputs (`ctix iocs --json --all`
or every item and hit of ctix_ioc_extract). The fragments are built here
from pieces (schemes, labels, brackets, markers); no real indicator list is
used.

Usage: gen_ioc_stress.py OUT [--seed N] [--scale K]
"""
import argparse
import os
import random

SCHEMES = ["http", "https", "hxxp", "hXXps", "ftp", "fxp", "meow", "h**p", "tcp"]
SEPS = ["://", "[://]", ":/ /", "[:]//", "://"]
DOTS = [".", "[.]", "(.)", "[dot]", "(dot)", " . ", "{.}", "[.", ".]", "\\.", "DOT"]
ATS = ["@", "[@]", "(at)", " at ", "[at]", "{at}"]
TLDS = ["com", "net", "org", "io", "ru", "cn", "exe", "dll", "zip", "top", "xyz", "co.uk",
        "local", "onion", "py", "sh", "js", "md", "pdf"]
PUNCT = list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~") + ["\t", "\n", "\r\n", "\u00a0", "\u2019",
                                                    "\u201c", "\u201d", "\u2026", "\u200b"]
WORDS = ("the actor used a loader to fetch the payload from its server then wrote a file to "
         "disk and contacted the domain over port with a hash of sample report contact "
         "imphash ja3 md5 sha256 registry key path email at dot").split()


def label(r):
    n = r.choice([1, 2, 3, 5, 8, 13, 30, 63, 64])
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_ABCXYZ"
    return "".join(r.choice(alphabet) for _ in range(n))


def host(r):
    return r.choice(DOTS).join([label(r) for _ in range(r.randint(1, 4))] + [r.choice(TLDS)])


def ipv4(r):
    parts = [str(r.choice([0, 1, 10, 127, 192, 255, 256, 999, r.randint(0, 300)])) for _ in range(4)]
    return r.choice(DOTS).join(parts[: r.choice([3, 4, 4, 4, 5])] if r.random() < 0.9 else parts)


def hexrun(r):
    return "".join(r.choice("0123456789abcdefABCDEF") for _ in range(r.choice([31, 32, 40, 64, 65, 128])))


def fragment(r):
    k = r.randint(0, 9)
    if k == 0:
        return r.choice(SCHEMES) + r.choice(SEPS) + host(r) + r.choice(["", "/", "/a/b?c=d&e=f#g", ":8080/x", "/%20"])
    if k == 1:
        return label(r) + r.choice(ATS) + host(r)
    if k == 2:
        return ipv4(r) + r.choice(["", ":80", "/24", "]", ")"])
    if k == 3:
        return hexrun(r)
    if k == 4:
        return r.choice(["C:\\Windows\\", "%APPDATA%\\", "/tmp/", "HKLM\\Software\\", "~/.ssh/"]) + label(r) + "." + r.choice(TLDS)
    if k == 5:
        return "".join(r.choice(PUNCT) for _ in range(r.randint(1, 12)))
    if k == 6:
        return "CVE-" + str(r.randint(1990, 2030)) + "-" + str(r.randint(0, 99999))
    if k == 7:
        return r.choice(["[", "(", "<", "\"", "'", "`"]) + host(r) + r.choice(["]", ")", ">", "\"", "'", "`", ".", ","])
    if k == 8:
        return "fe80::" + ":".join("%x" % r.randint(0, 65535) for _ in range(r.randint(0, 6)))
    return host(r)


def prose(r, nbytes):
    out, size = [], 0
    while size < nbytes:
        piece = r.choice(WORDS) if r.random() < 0.6 else fragment(r)
        out.append(piece)
        size += len(piece) + 1
        out.append(r.choice([" ", " ", " ", "\n", ". ", ", ", "\n\n", "\t"]))
    return "".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--scale", type=int, default=1, help="multiply the file counts")
    a = ap.parse_args()
    r = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    n = 0

    def put(data):
        nonlocal n
        with open(os.path.join(a.out, "s%05d.txt" % n), "wb") as f:
            f.write(data)
        n += 1

    for _ in range(40 * a.scale):  # random bytes, all sizes around block edges
        size = r.choice([1, 2, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 4095, 4096, 4097, 70000])
        put(bytes(r.randrange(256) for _ in range(size)))
    for _ in range(60 * a.scale):  # punctuation and fragments glued together
        put("".join(r.choice(PUNCT) + fragment(r) for _ in range(r.randint(1, 200))).encode("utf-8"))
    for _ in range(40 * a.scale):  # observable-dense prose
        put(prose(r, r.choice([100, 1000, 20000, 200000])).encode("utf-8"))
    print("%d files in %s" % (n, a.out))


if __name__ == "__main__":
    main()
