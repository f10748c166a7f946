/*
 * Standard exchange formats written from an analysis: a STIX 2.1 bundle,
 * ATT&CK Navigator layers (format 4.5, one per ATT&CK domain), a MISP
 * event (MISP core format) and a CSV of observables. Writers only read the analysis. Output is
 * deterministic: ids are UUIDv5 of content (SCOs under the STIX namespace,
 * SDOs under ctix's own namespace) and timestamps come from the document
 * (its published date) or the options, never from the clock, so the same
 * input gives the same bytes.
 *
 * Ownership: *out (NUL-terminated, *len bytes) is the caller's to free().
 */
#ifndef CTIX_EXPORT_H
#define CTIX_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "ctix/analysis.h"
#include "ctix/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ctix_export_options {
  const char *producer;      /* identity name of the producer (default "ctix") */
  const char *tlp;           /* "clear" (default), "green", "amber", "amber+strict", "red" */
  const char *timestamp;     /* RFC 3339 UTC used for created/modified/valid_from when the
                                document has no published date; default "1970-01-01T00:00:00Z"
                                so output never depends on the clock */
  const char *source_url;    /* article URL for references; NULL = doc->meta.canonical_url */
  const ctix_kb *kb;         /* NULL = ctix_kb_default() (STIX ids, mitigations, D3FEND) */
} ctix_export_options;

void ctix_export_options_init(ctix_export_options *opts);

/* STIX 2.1 bundle (bundle.stix.json). */
int ctix_export_stix(char **out, size_t *len, const ctix_analysis *a,
                     const ctix_export_options *opts, ctix_error *err);

/*
 * The STIX bundle made once for every writer that needs it: its text as
 * ctix_export_stix writes it, the same JSON compact, and what report.html
 * and report.md read from it (ctix_render_options.bundle). A program
 * writing several formats of one analysis builds it once instead of
 * letting each writer make its own. *out is the caller's, released with
 * ctix_stix_bundle_free (which accepts NULL); errors as ctix_export_stix.
 *
 * A bundle is immutable once made and independent of the analysis: every
 * string it holds is copied into its own memory, so it stays valid after
 * the analysis (and `opts`) are freed, and several threads may read one
 * bundle at once (ctix_stix_bundle_json, ctix_render_* with it) without
 * locking; only ctix_stix_bundle_free must not race with a reader.
 */
typedef struct ctix_stix_bundle ctix_stix_bundle;

int ctix_export_stix_bundle(ctix_stix_bundle **out, const ctix_analysis *a,
                            const ctix_export_options *opts, ctix_error *err);

/*
 * The bundle's JSON text (NUL-terminated, *len bytes, owned by the
 * bundle): `pretty`, byte for byte what ctix_export_stix returns (indented,
 * a final newline), else compact (no white space outside strings).
 */
const char *ctix_stix_bundle_json(const ctix_stix_bundle *b, bool pretty, size_t *len);

void ctix_stix_bundle_free(ctix_stix_bundle *b);

/* ATT&CK Navigator layer, format 4.5 (layer.json): the Enterprise techniques
 * (*out NULL and *len 0 on error, as ctix_export_navigator_domain). */
int ctix_export_navigator(char **out, size_t *len, const ctix_analysis *a,
                          const ctix_export_options *opts, ctix_error *err);

/*
 * The layer of one ATT&CK domain, `domain` one of CTIX_KB_ENTERPRISE (as
 * ctix_export_navigator), CTIX_KB_MOBILE (domain "mobile-attack") or
 * CTIX_KB_ICS ("ics-attack"), with that domain's techniques; another
 * value is CTIX_EINVAL, as is a NULL out, len or a. On any error *out is
 * NULL and *len 0 (when out and len are not NULL).
 */
int ctix_export_navigator_domain(char **out, size_t *len, const ctix_analysis *a, unsigned domain,
                                 const ctix_export_options *opts, ctix_error *err);

/*
 * *count = the number of the analysis's techniques of ATT&CK domain
 * `domain` (one CTIX_KB_* bit; a hit's domain read as ctix_kb_domain_first
 * does). CTIX_EINVAL, *count untouched, for a NULL count or a, or another
 * domain value.
 */
int ctix_export_count_domain(size_t *count, const ctix_analysis *a, unsigned domain);

/* MISP event JSON, MISP core format (misp-event.json). */
int ctix_export_misp(char **out, size_t *len, const ctix_analysis *a,
                     const ctix_export_options *opts, ctix_error *err);

/* CSV of observables (iocs.csv): type,value,defanged,status,reason,offset. */
int ctix_export_csv(char **out, size_t *len, const ctix_analysis *a,
                    const ctix_export_options *opts, ctix_error *err);

#ifdef __cplusplus
}
#endif
#endif
