/*
 * Reports a person reads, rendered from an analysis (docs/report-html.md):
 *
 * - report.html: one self-contained page that works offline from disk:
 *   summary and risk, timeline, ATT&CK heatmap with evidence highlighted in
 *   the article text, observables table (filter, copy defanged or fanged,
 *   CSV), actors, malware and campaigns with resemblance candidates, an
 *   interactive graph of the STIX bundle, Sigma rules, D3FEND
 *   countermeasures and the response checklist; light and dark themes and
 *   a print stylesheet. Its script and styles are built into libctix; the
 *   analysis travels as JSON in the page. A Content-Security-Policy admits
 *   only the page's own script and styles (by SHA-256) and data: images:
 *   the page makes no request. Article text is escaped for every context.
 * - report.md: the same content for tickets and wikis, with a Mermaid graph
 *   of the relations; observables are defanged, article text is escaped so
 *   it cannot add links, HTML or Mermaid syntax.
 *
 * Output is deterministic: the same analysis gives the same bytes.
 * Ownership: on success *out (NUL-terminated, *len bytes) is the caller's
 * to free(); on failure it is NULL.
 */
#ifndef CTIX_RENDER_H
#define CTIX_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "ctix/analysis.h"
#include "ctix/error.h"
#include "ctix/export.h"
#include "ctix/respond.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ctix_render_options {
  /* Detection and response content; NULL = generated with ctix_respond's defaults. */
  const ctix_response *response;
  /* The STIX bundle to draw (JSON text, stix_len bytes); NULL = written with
     ctix_export_stix and `export_opts`. */
  const char *stix;
  size_t stix_len;
  const ctix_export_options *export_opts; /* NULL = ctix_export_options_init's defaults */
  bool no_text;              /* leave the article text out (evidence then shows no quotes) */
  size_t max_output;         /* CTIX_ETOOBIG past this many bytes (default 256 MiB) */
  /* (Fields added later go here, at the end, so that code compiled against
     an older ctix/render.h keeps the offsets of the fields above.) */
  /* The analysis's bundle from ctix_export_stix_bundle (it then takes the
     place of `stix` and `export_opts`): several writers of one analysis
     share one bundle instead of each making its own. */
  const ctix_stix_bundle *bundle;
} ctix_render_options;

void ctix_render_options_init(ctix_render_options *opts);

/* report.html. `opts` may be NULL. Errors: CTIX_ENOMEM, CTIX_ETOOBIG, or
 * those of ctix_respond / ctix_export_stix when they are run. */
int ctix_render_html(char **out, size_t *len, const ctix_analysis *a,
                     const ctix_render_options *opts, ctix_error *err);

/* report.md, with a Mermaid graph of the relations. `opts` may be NULL. */
int ctix_render_markdown(char **out, size_t *len, const ctix_analysis *a,
                         const ctix_render_options *opts, ctix_error *err);

#ifdef __cplusplus
}
#endif
#endif
