/*
 * Helpers shared by the Navigator, MISP and CSV writers (navigator.c,
 * misp.c, csv.c): the export options with their defaults filled in, text
 * made fit for a one-line label (control characters out, white space
 * collapsed, cut on a character boundary), a calendar date taken from the
 * document's published date or the options' timestamp, a look at
 * whether a URL carries a scheme, and how each ATT&CK domain is named
 * (also used by the STIX writer).
 */
#ifndef CTIX_EXPORT_LAYERS_INTERNAL_H
#define CTIX_EXPORT_LAYERS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "ctix/export.h"
#include "ctix/kb.h"
#include "util/buf.h"

/* The options a writer uses, every field set (never NULL except kb). */
typedef struct ctix__xopts {
  const char *producer;     /* "ctix" by default */
  const char *tlp;          /* lower-case TLP 2.0 name, "clear" by default */
  const char *timestamp;    /* "1970-01-01T00:00:00Z" by default */
  const char *source_url;   /* "" when neither the options nor the document give one */
  const ctix_kb *kb;        /* NULL when no knowledge base can be loaded */
} ctix__xopts;

/*
 * Fills `x` from `opts` (may be NULL) and the analysis' document. An
 * unknown TLP name is CTIX_EINVAL. A knowledge base that cannot be loaded
 * is not an error: kb stays NULL and the writers do without it.
 */
int ctix__xopts_resolve(ctix__xopts *x, const ctix_export_options *opts, const ctix_analysis *a,
                        ctix_error *err);

/*
 * Appends s[0..n) as one line of at most `max` bytes (max >= 8): control
 * characters and runs of white space become one space, the ends are
 * trimmed, and a longer text is cut on a UTF-8 character boundary with
 * "..." appended. Invalid UTF-8 is left for the JSON escaper to replace.
 */
void ctix__x_oneline(ctix_buf *b, const char *s, size_t n, size_t max);

/*
 * Writes "YYYY-MM-DD" (11 bytes with the NUL) when `s` starts with a real
 * calendar date in that form, followed by nothing, 'T' or a space; false
 * otherwise (out untouched).
 */
bool ctix__x_date(char out[11], const char *s);

/* True when `url` starts with "scheme://" and something after it. */
bool ctix__x_has_scheme(const char *url);

/* How each ATT&CK domain is named by the exchange formats (also read by
 * the STIX writer, the Markdown report and the terminal summary). */
typedef struct ctix__x_domain {
  unsigned bit;             /* CTIX_KB_ENTERPRISE, CTIX_KB_MOBILE or CTIX_KB_ICS */
  const char *attack;       /* "enterprise-attack": Navigator domain and bundle name */
  const char *kill_chain;   /* kill_chain_name of its STIX kill_chain_phases */
  const char *source;       /* ctix_kb_source key of its ATT&CK version */
  const char *galaxy;       /* MISP galaxy of its techniques ("Name - T1234" clusters),
                             * NULL when its techniques are not tagged (ICS) */
} ctix__x_domain;

/* The domains, Enterprise first, and their number. */
extern const ctix__x_domain ctix__x_domains[];
extern const size_t ctix__x_ndomains;

/* The entry of the domain ctix_kb_domain_first(bits) names (Enterprise for 0 or unknown bits). */
const ctix__x_domain *ctix__x_domain_of(unsigned bits);

/*
 * The sentence of one piece of evidence as it stands in the document text,
 * one line of at most `max` bytes, appended to b; nothing when the
 * document is absent or the span is out of range.
 */
void ctix__x_evidence(ctix_buf *b, const ctix_analysis *a, const ctix_ttp_evidence *ev, size_t max);

#endif
