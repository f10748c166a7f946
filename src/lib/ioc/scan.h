/*
 * Internal contract of the IOC extractor.
 *
 * Pipeline for one text:
 *  1. refang (refang.c): one pass producing the scanned text, where every
 *     defanged form is already plain, plus a sparse edit map to translate
 *     offsets in the scanned text back to offsets in the input;
 *  2. scan (scan.c): one pass over the scanned text cutting tokens (maximal
 *     runs of non-space bytes, trimmed of enclosing punctuation), computing
 *     each token's shape once, and offering the token to the recognizers of
 *     the table in scan.c, in order, whose shape test accepts it;
 *  3. recognizers (net.c, hash.c, ids.c, coin.c, path.c, ...) validate and
 *     canonicalise, and emit candidates with a status and reason;
 *  4. the list (list.c) deduplicates by (type, value), maps offsets back to
 *     the input, and builds the public ctix_ioc_list.
 */
#ifndef CTIX_IOC_SCAN_H
#define CTIX_IOC_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctix/ioc.h"
#include "util/buf.h"

/* Shape of a token, computed in one pass over its bytes. */
typedef struct ctix__ioc_shape {
  uint32_t len;
  uint32_t digits;      /* 0-9 */
  uint32_t hexalpha;    /* a-f A-F */
  uint32_t alpha;       /* all ASCII letters */
  uint32_t upper;       /* A-Z */
  uint32_t dots, colons, slashes, backslashes, ats, dashes, underscores;
  uint32_t nonascii;    /* bytes >= 0x80 */
  uint32_t other;       /* any other punctuation */
} ctix__ioc_shape;

typedef struct ctix__ioc_scan ctix__ioc_scan;

/*
 * A recognizer looks at the token text[start..end) of the scanned text (it
 * may also look before `start` and after `end`, e.g. for "CVE 2014-1001",
 * registry keys with spaces, or a context word such as "mutex"). It emits
 * zero or more candidates and returns:
 *   0 - not claimed: the next recognizer is tried;
 *   1 - claimed: no later recognizer sees this token;
 *   <0 - an error (CTIX_ENOMEM), which stops the scan.
 * A recognizer that consumed text past `end` calls ctix__ioc_consume so the
 * scanner resumes after it.
 */
typedef int (*ctix__ioc_recognizer)(ctix__ioc_scan *s, size_t start, size_t end,
                                    const ctix__ioc_shape *shape);

/* The scanned text and context available to recognizers. */
struct ctix__ioc_scan {
  const char *text;         /* the scanned (refanged) text */
  size_t len;
  const ctix_ioc_options *opts;
  const ctix_document *doc; /* when extracting from a document, else NULL */
  size_t resume;            /* where the scanner continues (>= token end) */
  size_t claims;            /* tokens claimed so far (scan.c's offer) */
  void *priv;               /* the list builder (list.c) */
  /* a file name ending in a script or program extension that is also a
   * top-level domain ("tool.py") was emitted: ctix__ioc_triage_one_type
   * has work to do */
  bool tld_programs;
};

/*
 * Emits a candidate of `type` whose written form spans [start, end) of the
 * scanned text and whose canonical value is value[0..vlen). `reason` is a
 * static string (NULL for status IOC). Returns 0 or CTIX_ENOMEM.
 */
int ctix__ioc_emit(ctix__ioc_scan *s, ctix_ioc_type type, size_t start, size_t end,
                   const char *value, size_t vlen, ctix_ioc_status status,
                   const char *reason);

/* Marks text up to `end` as consumed by the current recognizer. */
void ctix__ioc_consume(ctix__ioc_scan *s, size_t end);

/* True if the scanned span [start, end) was written defanged in the input
 * (it touches a refang edit): a strong hint that it is an observable. */
bool ctix__ioc_is_defanged(const ctix__ioc_scan *s, size_t start, size_t end);

/* Computes the shape of text[0..n). */
void ctix__ioc_shape_of(ctix__ioc_shape *sh, const char *text, size_t n);

/*
 * Context helpers for recognizers: the word (letters only, lower-cased into
 * `out`, at most `outsz`-1 bytes) ending just before `pos` skipping spaces
 * and punctuation; returns its length or 0.
 */
size_t ctix__ioc_word_before(const ctix__ioc_scan *s, size_t pos, char *out, size_t outsz);
/* True if one of the NULL-terminated lower-case `words` occurs among the
 * `nwords` words before `pos` (same sentence). */
bool ctix__ioc_context_has(const ctix__ioc_scan *s, size_t pos, unsigned nwords,
                           const char *const *words);

/* ---- recognizers (one file each group; registered in scan.c's table) ---- */
/* net.c */
int ctix__ioc_rec_url(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh);
int ctix__ioc_rec_email(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh);
int ctix__ioc_rec_ip(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh);
int ctix__ioc_rec_domain(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh);
/* hash.c: md5 sha1 sha224 sha256 sha384 sha512 ssdeep imphash authentihash ja3 */
int ctix__ioc_rec_hash(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh);
int ctix__ioc_rec_ssdeep(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh);
/* ids.c: cve cwe capec attack ids asn tlp mac google ids ja4 arn xmpp */
int ctix__ioc_rec_ids(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh);
int ctix__ioc_rec_mac(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh);
/* coin.c: btc bch eth xmr ltc doge dash zec ada xrp sol xlm xtz trx */
int ctix__ioc_rec_coin(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh);
/* path.c: registry keys, Windows and POSIX paths, file names */
int ctix__ioc_rec_registry(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh);
int ctix__ioc_rec_path(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh);
int ctix__ioc_rec_filename(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh);
/* context.c: user agents, YARA rule names and mutexes introduced as such */
int ctix__ioc_rec_user_agent(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh);
int ctix__ioc_rec_named(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh);

/*
 * ctix_ioc_bidi_read (bidi.c) that also adds to *work the character
 * visits it made: a bound on its time, linear in len whatever the input
 * (the unit tests check it).
 */
int ctix__ioc_bidi_read_work(ctix_ioc_bidi *out, size_t *work, const char *value, size_t len,
                             ctix_error *err);
/* True if cp is a strong right-to-left character for ctix_ioc_bidi_read
 * (Hebrew, Arabic and the other right-to-left blocks). */
bool ctix__ioc_bidi_rtl(uint32_t cp);

/*
 * File-extension knowledge shared by the domain and file-name recognizers
 * (path.c): the kind of a file extension (without the dot, any case), or
 * CTIX__EXT_NONE.
 */
typedef enum ctix__ext_kind {
  CTIX__EXT_NONE = 0,
  CTIX__EXT_EXECUTABLE,
  CTIX__EXT_SCRIPT,
  CTIX__EXT_DOCUMENT,
  CTIX__EXT_ARCHIVE,
  CTIX__EXT_OTHER           /* images, data, logs, ... */
} ctix__ext_kind;
ctix__ext_kind ctix__ioc_ext_kind(const char *ext, size_t n);
/*
 * True when the token text[start..end) of the scanned text ("abc.py",
 * "file.exe") reads as a file name here rather than a host (path.c): its
 * extension is known and either is no TLD, or the context says "file" (a
 * path or URL-path separator before it, a double extension, a nearby word
 * such as "file", "attachment", "dropped", "executed", "named", "payload",
 * "archive"; a nearby "domain", "site", "visit", "from" says host).
 */
bool ctix__ioc_filename_likely(const ctix__ioc_scan *s, size_t start, size_t end);
/* True if the text around the name t[start..end) says it is a host: a
 * port or a scheme beside it, a net word ("beacons", "domain",
 * "resolved", ...) before any file word among the words before it, or
 * "domain" among the words after it. */
bool ctix__ioc_context_says_host(const char *t, size_t len, size_t start, size_t end);

/* Triage of a network value (triage.c): sets *status and *reason for an
 * IPv4/IPv6 address (private, reserved, documentation ranges as data) or a
 * domain (well-known benign list as data, the publisher). */
void ctix__ioc_triage_ip(const uint8_t *addr, bool v6, ctix_ioc_status *status,
                         const char **reason);
void ctix__ioc_triage_domain(const ctix__ioc_scan *s, const char *domain, size_t n,
                             ctix_ioc_status *status, const char **reason);
/* Triage of a file name or path (triage.c): a well-known operating-system
 * binary (rundll32.exe, svchost.exe, ...) named bare or in its own system
 * folder is BENIGN "well-known system file"; the same name anywhere else
 * (C:\Users\Public\svchost.exe: masquerading) stays an IOC. */
void ctix__ioc_triage_file(const char *path, size_t n, ctix_ioc_status *status,
                           const char **reason);
/* Rejects ("file name elsewhere in the text") a domain item, not written
 * defanged, whose value is also a file_name item, that ends in a script or
 * program extension ("secretsdump.py") and that no path or URL holds at
 * any of its hits and whose text text[0..len) (the hits' offsets) says
 * host at none of its hits (ctix__ioc_context_says_host); run on the
 * finished list when the scan emitted such a file name
 * (ctix__ioc_scan.tld_programs). Returns 0 or CTIX_ENOMEM. */
int ctix__ioc_triage_one_type(ctix_ioc *items, size_t nitems, const ctix_ioc_hit *hits,
                              size_t nhits, const char *text, size_t len);
/* Marks the url/domain/email/ip items all of whose hits lie in a reference
 * section of `doc` ("References", "Sources", "Further reading", ...) as
 * BENIGN "reference link"; run on the finished list (document offsets) by
 * ctix_ioc_extract_document. Returns 0 or CTIX_ENOMEM. */
int ctix__ioc_triage_references(ctix_ioc *items, size_t nitems, const ctix_ioc_hit *hits,
                                size_t nhits, const ctix_document *doc);

/* True if label[0..n) (any case) is a top-level domain of the IANA root
 * zone, as listed in the ICANN section of the public-suffix list (net.c). */
bool ctix__ioc_is_tld(const char *label, size_t n);

/* ---- refang (refang.c) ---- */

/*
 * One edit of the refang pass: the scanned text [out_start, out_end) was
 * written as the input [in_start, in_end). Only changed regions are kept
 * (a sparse map), in increasing order; the bytes between edits are equal.
 */
typedef struct ctix__ioc_edit {
  size_t out_start, out_end;
  size_t in_start, in_end;
} ctix__ioc_edit;

/*
 * Refangs in[0..len) into `out` (appended; reset by the caller) and
 * appends its edits (ctix__ioc_edit records, offsets relative to the
 * start of `in` and of the appended text) to `edits`. One pass; returns 0
 * or the buffers' sticky error (CTIX_ENOMEM, CTIX_ETOOBIG).
 */
int ctix__ioc_refang_into(ctix_buf *out, ctix_buf *edits, const char *in, size_t len);

/* Maps the scanned span [start, end) back to the input through `edits`
 * (n records); a position inside an edit maps to the edit's edge. Sets
 * *defanged when the span touches an edit. */
void ctix__ioc_map_span(const ctix__ioc_edit *edits, size_t n, size_t start, size_t end,
                        size_t *in_start, size_t *in_end, bool *defanged);

/* ---- driver (scan.c) and list builder (list.c), used by ioc.c ---- */

/* The scanners have an AVX2 path on x86-64 (chosen at run time) and a
 * scalar one; both give the same result. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CTIX_IOC_X86 1
#else
#define CTIX_IOC_X86 0
#endif
/* True when the AVX2 paths run: the CPU has AVX2 and ctix__ioc_force_scalar
 * (set by tests and fuzz targets to compare both paths) is false. */
bool ctix__ioc_simd(void);
extern bool ctix__ioc_force_scalar;

/* Scans s->text[0..s->len) once, offering tokens to the recognizer table.
 * Returns 0 or the first recognizer error. */
int ctix__ioc_scan_text(ctix__ioc_scan *s);

typedef struct ctix__ioc_builder ctix__ioc_builder;

/* A builder for the list of observables found in input[0..len). *out is
 * the caller's to release with ctix__ioc_builder_free. */
int ctix__ioc_builder_new(ctix__ioc_builder **out, const char *input, size_t len,
                          const ctix_ioc_options *opts);
/* Sets the mapping of the scanned text that follows: it is the refanged
 * form of input[in_base..) with `edits` (n records, offsets relative to
 * in_base). The builder does not copy `edits`; keep them until the next
 * call. */
void ctix__ioc_builder_segment(ctix__ioc_builder *b, size_t in_base,
                               const ctix__ioc_edit *edits, size_t n);
/* Sorts, finalises and hands over the list; the builder is emptied. */
int ctix__ioc_builder_finish(ctix__ioc_builder *b, ctix_ioc_list **out);
void ctix__ioc_builder_free(ctix__ioc_builder *b);

#endif
