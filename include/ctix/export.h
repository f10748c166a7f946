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

/* ATT&CK Navigator layer, format 4.5 (layer.json): the Enterprise techniques. */
int ctix_export_navigator(char **out, size_t *len, const ctix_analysis *a,
                          const ctix_export_options *opts, ctix_error *err);

/*
 * The layer of one ATT&CK domain, `domain` one of CTIX_KB_ENTERPRISE (as
 * ctix_export_navigator), CTIX_KB_MOBILE (domain "mobile-attack") or
 * CTIX_KB_ICS ("ics-attack"), with that domain's techniques; another
 * value is CTIX_EINVAL.
 */
int ctix_export_navigator_domain(char **out, size_t *len, const ctix_analysis *a, unsigned domain,
                                 const ctix_export_options *opts, ctix_error *err);

/* True when the analysis holds a technique of ATT&CK domain `domain` (a CTIX_KB_* bit). */
bool ctix_export_has_domain(const ctix_analysis *a, unsigned domain);

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
