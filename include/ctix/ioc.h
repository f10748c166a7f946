/*
 * Observables and indicators of compromise (IOCs) found in text.
 *
 * Extraction works on any UTF-8 text (usually doc->text). Defanged forms
 * (evil[.]com, hxxp://, 1.2.3[.]4, user[@]host, " dot ", ...) are refanged
 * before validation; each finding keeps its canonical value, the text as
 * written and its byte offsets in the input.
 *
 * Nothing is dropped silently: every candidate that looked like an
 * observable is kept with a status: CTIX_IOC_STATUS_IOC (actionable),
 * CTIX_IOC_STATUS_BENIGN (a real observable that is not an indicator:
 * private or documentation range, well-known benign domain, the article's
 * own publisher, a reference link; `reason` says which), or
 * CTIX_IOC_STATUS_REJECTED (looked like one but failed validation; `reason`
 * says why, e.g. "unknown TLD", "bad checksum").
 *
 * Ownership: a ctix_ioc_list and all its strings live in one allocation
 * context released by ctix_ioc_list_free.
 */
#ifndef CTIX_IOC_H
#define CTIX_IOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctix/document.h"
#include "ctix/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Observable types. Names (ctix_ioc_type_name) follow the vocabulary of the
 * IOC evaluation corpus: "ipv4", "domain", "attack_technique", "btc", ... */
typedef enum ctix_ioc_type {
  CTIX_IOC_IPV4 = 0,
  CTIX_IOC_IPV4_CIDR,
  CTIX_IOC_IPV6,
  CTIX_IOC_IPV6_CIDR,
  CTIX_IOC_DOMAIN,
  CTIX_IOC_URL,
  CTIX_IOC_EMAIL,
  CTIX_IOC_MD5,
  CTIX_IOC_SHA1,
  CTIX_IOC_SHA224,
  CTIX_IOC_SHA256,
  CTIX_IOC_SHA384,
  CTIX_IOC_SHA512,
  CTIX_IOC_SSDEEP,
  CTIX_IOC_IMPHASH,
  CTIX_IOC_AUTHENTIHASH,
  CTIX_IOC_CVE,
  CTIX_IOC_CWE,
  CTIX_IOC_CAPEC,
  CTIX_IOC_ATTACK_TECHNIQUE,
  CTIX_IOC_ATTACK_TACTIC,
  CTIX_IOC_ATTACK_GROUP,
  CTIX_IOC_ATTACK_SOFTWARE,
  CTIX_IOC_ATTACK_MITIGATION,
  CTIX_IOC_ATTACK_CAMPAIGN,
  CTIX_IOC_ATTACK_DATA_SOURCE,
  CTIX_IOC_FILE_NAME,
  CTIX_IOC_FILE_PATH,
  CTIX_IOC_REGISTRY_KEY,
  CTIX_IOC_ASN,
  CTIX_IOC_MAC,
  CTIX_IOC_USER_AGENT,
  CTIX_IOC_BTC,
  CTIX_IOC_BCH,
  CTIX_IOC_ETH,
  CTIX_IOC_XMR,
  CTIX_IOC_LTC,
  CTIX_IOC_DOGE,
  CTIX_IOC_DASH,
  CTIX_IOC_ZEC,
  CTIX_IOC_ADA,
  CTIX_IOC_XRP,
  CTIX_IOC_SOL,
  CTIX_IOC_XLM,
  CTIX_IOC_XTZ,
  CTIX_IOC_TRX,
  CTIX_IOC_JA3,
  CTIX_IOC_JA3S,
  CTIX_IOC_JA4,
  CTIX_IOC_YARA_RULE,
  CTIX_IOC_MUTEX,
  CTIX_IOC_TLP,
  CTIX_IOC_GOOGLE_ANALYTICS,
  CTIX_IOC_GOOGLE_ADSENSE,
  CTIX_IOC_XMPP,
  CTIX_IOC_ARN,
  CTIX_IOC_TYPE_COUNT
} ctix_ioc_type;

typedef enum ctix_ioc_status {
  CTIX_IOC_STATUS_IOC = 0,
  CTIX_IOC_STATUS_BENIGN,
  CTIX_IOC_STATUS_REJECTED
} ctix_ioc_status;

/* Byte range [start, end) of an occurrence in the input. Offsets are 32
 * bits (extraction takes inputs under 4 GiB) so that the lists of large,
 * IOC-dense reports stay small: a hit takes 12 bytes, an item 40. */
typedef struct ctix_ioc_span {
  uint32_t start, end;
} ctix_ioc_span;

/* One occurrence in the text. */
typedef struct ctix_ioc_hit {
  ctix_ioc_span span;       /* byte offsets of the text as written */
  uint32_t ioc : 31;        /* index into ctix_ioc_list.items */
  uint32_t defanged : 1;    /* the written form was defanged */
} ctix_ioc_hit;

/* One distinct observable (type + canonical value). */
typedef struct ctix_ioc {
  const char *value;        /* canonical (refanged, normalised) */
  const char *original;     /* as written at its first occurrence */
  const char *reason;       /* why benign or rejected; NULL for IOC status */
  ctix_ioc_span span;       /* first occurrence */
  uint32_t nhits;           /* occurrences in the text */
  uint8_t type;             /* a ctix_ioc_type */
  uint8_t status;           /* a ctix_ioc_status */
  bool defanged;            /* some occurrence was defanged */
} ctix_ioc;

typedef struct ctix_ioc_list {
  const ctix_ioc *items;    /* in order of first occurrence */
  size_t nitems;
  const ctix_ioc_hit *hits; /* every occurrence, in text order */
  size_t nhits;
  struct ctix_ioc_priv *priv;
} ctix_ioc_list;

typedef struct ctix_ioc_options {
  size_t max_input;           /* bytes; larger input fails with CTIX_ETOOBIG
                                 (so does any input of 4 GiB or more) */
  const char *publisher_host; /* the article's own site (canonical URL host):
                                 its domains and URLs are benign; may be NULL */
  bool keep_rejected;         /* list rejected candidates too (default true) */
  bool consume_input;         /* the caller reads the text no more (default
                                 false): the memory of the parts extraction
                                 has read is given back as it goes (whole
                                 pages, inputs of 8 MiB or more), so the
                                 text's bytes are undefined afterwards,
                                 except a document's section headings */
} ctix_ioc_options;

void ctix_ioc_options_init(ctix_ioc_options *opts);

/*
 * Extracts observables from text[0..len). On success *out is the caller's
 * to release with ctix_ioc_list_free.
 */
int ctix_ioc_extract(ctix_ioc_list **out, const char *text, size_t len,
                     const ctix_ioc_options *opts, ctix_error *err);

/*
 * As ctix_ioc_extract over a document's text, using its structure:
 * reference/citation sections and link targets the document marks as
 * references are benign ("reference link"), and meta.canonical_url gives
 * the publisher when opts->publisher_host is NULL.
 */
int ctix_ioc_extract_document(ctix_ioc_list **out, const ctix_document *doc,
                              const ctix_ioc_options *opts, ctix_error *err);

void ctix_ioc_list_free(ctix_ioc_list *list);

const char *ctix_ioc_type_name(ctix_ioc_type type);
/* CTIX_EINVAL if the name is unknown. */
int ctix_ioc_type_from_name(ctix_ioc_type *out, const char *name);
const char *ctix_ioc_status_name(ctix_ioc_status status);

/*
 * Refangs text: every defanged form becomes its plain form ("hxxp" ->
 * "http", "[.]" -> ".", "[@]" -> "@", ...); text that is not defanged is
 * copied unchanged. *out (NUL-terminated) is the caller's to free().
 */
int ctix_refang(char **out, size_t *outlen, const char *text, size_t len, ctix_error *err);

/*
 * Defangs the observables in text (URLs, domains, IPs, e-mails) in the
 * common style ("hxxp", "[.]", "[@]"); other text is copied unchanged.
 * *out is the caller's to free().
 */
int ctix_defang(char **out, size_t *outlen, const char *text, size_t len, ctix_error *err);

/*
 * Bidirectional-text controls inside a value: Unicode's Bidi_Control
 * characters U+061C, U+200E, U+200F, U+202A-U+202E and U+2066-U+2069.
 * A file named "inv<U+202E>fdp.exe" is shown by file managers and mail
 * clients as "invexe.pdf" (ATT&CK T1036.002, Right-to-Left Override).
 * Extraction keeps the real bytes in `value`; ctix_ioc_bidi_read says how
 * the value displays. The display is the visual order of the value taken
 * alone as a left-to-right paragraph, the controls left out, by the
 * explicit rules of the Unicode bidirectional algorithm (embeddings,
 * overrides, isolates, isolating run sequences) with simplified implicit
 * rules (strong letters of the Hebrew and Arabic blocks are right-to-left,
 * separators between digits join them, digits follow the last strong
 * letter, neutrals take the direction around them). The display is in
 * visual order: a viewer that applies the bidirectional algorithm itself
 * reverses its right-to-left runs again. Time linear in the length.
 */
#define CTIX_IOC_BIDI_NCONTROLS 12u

/* The technique a reordered value is evidence of. */
#define CTIX_IOC_BIDI_TECHNIQUE "T1036.002"

typedef struct ctix_ioc_bidi {
  uint32_t controls;    /* bit i: control i (ctix_ioc_bidi_code) occurs */
  uint32_t count;       /* control characters in the value; 0: none */
  bool reordered;       /* the controls change the order in which the
                           value is shown (spoofed): the display differs
                           from that of the value without them */
  char *display;        /* the value as shown (NUL-terminated), or NULL when
                           count is 0; released by ctix_ioc_bidi_clear */
  size_t display_len;
  char *note;           /* one line for people: "spoofed: displays as
                           \"invexe.pdf\" (right-to-left override U+202E;
                           ATT&CK T1036.002)", or "hidden bidi control:
                           displays as ..." when not reordered; NULL when
                           count is 0; released by ctix_ioc_bidi_clear */
} ctix_ioc_bidi;

/*
 * Reads the bidirectional controls of value[0..len) (UTF-8; an invalid
 * byte counts as a neutral character of its own) into *out. A value
 * without a control (the common case, checked first) allocates nothing.
 * Returns 0, CTIX_ENOMEM or CTIX_ETOOBIG (4 GiB or more); *out is the
 * caller's to ctix_ioc_bidi_clear either way.
 */
int ctix_ioc_bidi_read(ctix_ioc_bidi *out, const char *value, size_t len, ctix_error *err);
void ctix_ioc_bidi_clear(ctix_ioc_bidi *b);
/* "U+202E" and "right-to-left override" for control i (< CTIX_IOC_BIDI_NCONTROLS), NULL past the end. */
const char *ctix_ioc_bidi_code(unsigned i);
const char *ctix_ioc_bidi_name(unsigned i);

#ifdef __cplusplus
}
#endif
#endif
