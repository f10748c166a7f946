#!/usr/bin/env python3
"""Writes the small PDF files the PDF reader tests use (tests/data/pdf/).

Each PDF is built from scratch: pages of text set in the standard Helvetica
fonts (nothing embedded), an Info dictionary (title, author, creation date)
and a correct cross-reference table. Variants cover what the reader must
survive: a multi-page report with headings, bullets, line-end hyphenation
and an IOC list; a compressed-stream copy; a report with a running header,
page-number footers and a paragraph running over a page break; a page
without text; a copy cut in half (truncated); a copy whose cross-reference
offsets are wrong (poppler repairs it); a copy with junk written over its
objects (damaged); and one encrypted with a user password (RC4, revision 2
of the standard security handler).

Usage: tools/mkpdf.py OUTDIR    (writes the files and lists them)
"""
import hashlib
import os
import re
import sys
import zlib

PAGE_W, PAGE_H = 612, 792          # US Letter, points
MARGIN_X, TOP_Y = 72, 720
WRAP = 80                          # characters per body line

# The pad string of the standard security handler (PDF 1.7, 7.6.3.3).
PAD = bytes([
    0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56,
    0xFF, 0xFA, 0x01, 0x08, 0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80,
    0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A])


def rc4(key, data):
    """RC4 stream cipher (used by the revision-2 security handler)."""
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) & 0xFF
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for b in data:
        i = (i + 1) & 0xFF
        j = (j + s[i]) & 0xFF
        s[i], s[j] = s[j], s[i]
        out.append(b ^ s[(s[i] + s[j]) & 0xFF])
    return bytes(out)


def pdf_string(text):
    """A PDF literal string in WinAnsi encoding, with the needed escapes."""
    data = text.encode("cp1252")
    out = bytearray(b"(")
    for b in data:
        if b in (0x28, 0x29, 0x5C):
            out += b"\\" + bytes([b])
        elif b < 0x20 or b > 0x7E:
            out += b"\\%03o" % b
        else:
            out.append(b)
    out += b")"
    return bytes(out)


def wrap(text, width):
    """Greedy word wrap; words are never split (hyphens are the caller's)."""
    lines, cur = [], ""
    for word in text.split():
        if cur and len(cur) + 1 + len(word) > width:
            lines.append(cur)
            cur = word
        else:
            cur = cur + " " + word if cur else word
    if cur:
        lines.append(cur)
    return lines


def layout(page, number=None, header=None):
    """Turns a page description into (font, size, x, y, text) runs.

    A page is a list of items: ("t", text) title, ("h", text) heading,
    ("p", text) paragraph (wrapped), ("raw", [lines]) lines set as given,
    ("li", text) bullet item. `header` is set small above the text and the
    page `number` below it.
    """
    runs, y = [], TOP_Y
    if header:
        runs.append(("F1", 8, MARGIN_X, 750, header))
    for kind, body in page:
        if kind == "t":
            runs.append(("F2", 22, MARGIN_X, y, body))
            y -= 36
        elif kind == "h":
            y -= 6
            runs.append(("F2", 16, MARGIN_X, y, body))
            y -= 24
        elif kind == "p":
            for line in wrap(body, WRAP):
                runs.append(("F1", 11, MARGIN_X, y, line))
                y -= 14
            y -= 10
        elif kind == "raw":
            for line in body:
                runs.append(("F1", 11, MARGIN_X, y, line))
                y -= 14
            y -= 10
        elif kind == "li":
            first = True
            for line in wrap(body, WRAP - 4):
                if first:
                    runs.append(("F1", 11, MARGIN_X + 8, y, "\u2022"))
                runs.append(("F1", 11, MARGIN_X + 20, y, line))
                first = False
                y -= 14
            y -= 4
    if number is not None:
        runs.append(("F1", 9, PAGE_W // 2, 40, str(number)))
    return runs


def content_stream(runs):
    ops = []
    for font, size, x, y, text in runs:
        ops.append(b"BT /%s %d Tf %d %d Td %s Tj ET" %
                   (font.encode(), size, x, y, pdf_string(text)))
    return b"\n".join(ops) + b"\n"


class Pdf:
    """Collects numbered objects and serialises them with an xref table."""

    def __init__(self):
        self.objs = []

    def add(self, body):
        self.objs.append(body)
        return len(self.objs)

    def set(self, num, body):
        self.objs[num - 1] = body

    def serialise(self, root, info, encrypt=None, file_id=None, crypt_key=None):
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for i, body in enumerate(self.objs, 1):
            if crypt_key is not None and i != encrypt:
                body = encrypt_object(body, i, crypt_key)
            offsets.append(len(out))
            out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(self.objs) + 1)
        for off in offsets:
            out += b"%010d 00000 n \n" % off
        trailer = b"/Size %d /Root %d 0 R /Info %d 0 R" % (len(self.objs) + 1, root, info)
        if encrypt:
            trailer += b" /Encrypt %d 0 R" % encrypt
        if file_id:
            trailer += b" /ID [<%s> <%s>]" % (file_id.hex().encode(), file_id.hex().encode())
        out += b"trailer\n<< " + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
        return bytes(out)


def object_key(key, num):
    h = hashlib.md5(key + bytes([num & 0xFF, (num >> 8) & 0xFF, (num >> 16) & 0xFF, 0, 0])).digest()
    return h[:min(len(key) + 5, 16)]


def encrypt_object(body, num, key):
    """Encrypts the strings and the stream of one object (only the shapes
    this generator writes: literal strings and one stream)."""
    k = object_key(key, num)
    if b"stream\n" in body:
        head, rest = body.split(b"stream\n", 1)
        data, tail = rest.rsplit(b"\nendstream", 1)
        enc = rc4(k, data)
        head = head.replace(b"/Length %d" % len(data), b"/Length %d" % len(enc))
        return head + b"stream\n" + enc + b"\nendstream" + tail
    out = bytearray()
    i = 0
    while i < len(body):
        if body[i:i + 1] == b"(":
            j, depth, raw = i + 1, 1, bytearray()
            while depth:
                c = body[j:j + 1]
                if c == b"\\":
                    raw += body[j + 1:j + 2]
                    j += 2
                    continue
                if c == b"(":
                    depth += 1
                elif c == b")":
                    depth -= 1
                    if not depth:
                        break
                raw += c
                j += 1
            out += b"<" + rc4(k, bytes(raw)).hex().encode() + b">"
            i = j + 1
        else:
            out += body[i:i + 1]
            i += 1
    return bytes(out)


def build(pages, title, author, date, compress=False, password=None, header=None,
          numbers=False, shared=False):
    """A PDF of the given pages. `shared`: every page draws the first page's
    content stream (so the file is tiny next to its text)."""
    pdf = Pdf()
    catalog = pdf.add(b"")
    pages_obj = pdf.add(b"")
    f1 = pdf.add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                 b"/Encoding /WinAnsiEncoding >>")
    f2 = pdf.add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold "
                 b"/Encoding /WinAnsiEncoding >>")
    kids = []
    content = None
    for i, page in enumerate(pages, 1):
        if shared and content is not None:
            kids.append(pdf.add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] "
                b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages_obj, PAGE_W, PAGE_H, f1, f2, content)))
            continue
        data = content_stream(layout(page, i if numbers else None, header))
        if compress:
            data = zlib.compress(data)
            stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data)
        else:
            stream = b"<< /Length %d >>\nstream\n" % len(data)
        content = pdf.add(stream + data + b"\nendstream")
        kids.append(pdf.add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] "
            b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> /Contents %d 0 R >>"
            % (pages_obj, PAGE_W, PAGE_H, f1, f2, content)))
    pdf.set(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj)
    pdf.set(pages_obj, b"<< /Type /Pages /Kids [%s] /Count %d >>" %
            (b" ".join(b"%d 0 R" % k for k in kids), len(kids)))
    info = pdf.add(b"<< /Title %s /Author %s /CreationDate %s /Producer (ctix mkpdf.py) >>"
                   % (pdf_string(title), pdf_string(author), pdf_string(date)))
    if password is None:
        return pdf.serialise(catalog, info)
    # Standard security handler, revision 2, 40-bit RC4.
    file_id = hashlib.md5(title.encode()).digest()
    owner_pad = (b"owner-" + password.encode() + PAD)[:32]
    user_pad = (password.encode() + PAD)[:32]
    o_value = rc4(hashlib.md5(owner_pad).digest()[:5], user_pad)
    perms = -4
    key = hashlib.md5(user_pad + o_value + (perms & 0xFFFFFFFF).to_bytes(4, "little")
                      + file_id).digest()[:5]
    u_value = rc4(key, PAD)
    enc = pdf.add(b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
                  % (o_value.hex().encode(), u_value.hex().encode(), perms))
    return pdf.serialise(catalog, info, encrypt=enc, file_id=file_id, crypt_key=key)


REPORT = [
    [
        ("h", "Operation Paper Lantern"),
        ("p", "Analysts observed a phishing campaign against logistics firms in March 2024. "
              "The actor sent invoices that dropped a loader named lantern.dll through a "
              "signed binary. The loader contacted its server over HTTPS and fetched a "
              "second stage."),
        ("raw", ["The operators relied on a custom tool for data exfil-",
                 "tration over DNS, and the implant only ran on x86-",
                 "64 hosts with more than two cores."]),
        ("h", "Indicators"),
        ("raw", ["203.0.113.7", "paper-lantern[.]example", "lantern.dll"]),
    ],
    [
        ("h", "Recommendations"),
        ("li", "Block the listed addresses at the perimeter and review proxy logs for "
               "connections to them since February 2024."),
        ("li", "Hunt for rundll32.exe loading DLLs from user profile folders."),
        ("p", "The campaign is ongoing. Contact the response team with any questions."),
    ],
]


CONTINUED = [
    [
        ("t", "Harbor Fox Intrusion Set"),
        ("p", "Harbor Fox gained access through a vulnerable VPN appliance and "
              "deployed a web shell on the portal. Over the next week the actor moved "
              "laterally using"),
    ],
    [
        ("raw", ["stolen credentials and remote desktop sessions toward the domain",
                 "controllers."]),
        ("h", "Detection"),
        ("p", "Look for logons from the appliance address outside business hours."),
    ],
]


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(outdir, exist_ok=True)
    meta = ("Paper Lantern Report", "CTIX Test Team", "D:20240315120000Z")
    report = build(REPORT, *meta)
    files = {
        "report.pdf": report,
        "report-deflate.pdf": build(REPORT, *meta, compress=True),
        "notext.pdf": build([[]], "Blank", "Nobody", "D:20240101000000Z"),
        "truncated.pdf": report[:len(report) // 2],
        "encrypted.pdf": build(REPORT, *meta, password="secret"),
        "continued.pdf": build(CONTINUED, "Harbor Fox", "CTIX Test Team", "D:20240601080000Z",
                               header="ACME Threat Intelligence - TLP:CLEAR", numbers=True),
    }
    # Many pages of compressed, repetitive text: far more text than file bytes.
    lines = ["Beacon to 203.0.113.%d observed on host WS-%03d during the sweep." % (i % 250, i)
             for i in range(40)]
    files["many-pages.pdf"] = build([[("h", "Sweep log"), ("raw", lines)]] * 200, "Sweep",
                                    "CTIX Test Team", "D:20240701000000Z", compress=True,
                                    shared=True)
    # Wrong cross-reference offsets: poppler rebuilds the table and reads on.
    files["badxref.pdf"] = re.sub(rb"\d{10} 00000 n", b"0000000001 00000 n", report)
    # Damaged: object bodies and the xref overwritten with junk past the header.
    damaged = bytearray(report)
    for i in range(20, len(damaged) - 20, 7):
        damaged[i] = 0x7F
    files["damaged.pdf"] = bytes(damaged)
    for name, data in files.items():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)
        print("%s %d bytes" % (name, len(data)))


if __name__ == "__main__":
    main()
