/*
 * The analysis result: one structure that each stage (IOC extraction,
 * technique mapping, entities, assessment, ...) adds to, in order, after
 * reading the document. Writers (JSON, STIX, ...) only read it.
 *
 * Ownership: ctix_analyze takes the document; ctix_analysis_free releases
 * the analysis, its document and everything the stages allocated.
 */
#ifndef CTIX_ANALYSIS_H
#define CTIX_ANALYSIS_H

#include <stdbool.h>

#include "ctix/assess.h"
#include "ctix/document.h"
#include "ctix/entity.h"
#include "ctix/error.h"
#include "ctix/ioc.h"
#include "ctix/ttp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Options for the whole pipeline. */
typedef struct ctix_options {
  ctix_doc_options doc;     /* input limits and format */
  ctix_ttp_options ttp;     /* technique mapping */
  ctix_entity_options entity; /* named entities */
  ctix_assess_options assess; /* timeline, attribution, risk */
  struct ctix_response_options *response; /* detections and response; NULL = defaults */
  bool skip_response;       /* leave out the "response" stage (a->response stays NULL), for
                               callers that write no detection or response content; a
                               writer given such an analysis generates its own (render) or
                               lists none (report JSON). Default false. */
} ctix_options;

/* Fills `opts` with the defaults. */
void ctix_options_init(ctix_options *opts);

/* Counts that summarise the document (filled by the "document" stage). */
typedef struct ctix_doc_stats {
  size_t words;
  size_t sentences;
  size_t paragraphs;        /* paragraph, list item and quote blocks */
  size_t headings;
  size_t code_blocks;
  size_t table_rows;
} ctix_doc_stats;

typedef struct ctix_analysis {
  const char *id;           /* caller-given id (batch) or the document's source */
  ctix_document *doc;       /* owned */
  ctix_doc_stats stats;
  const ctix_ioc_list *iocs; /* "iocs" stage: observables of doc->text (owned) */
  const ctix_ttp_list *techniques; /* "techniques" stage: ATT&CK techniques (owned) */
  const ctix_entity_list *entities; /* "entities" stage: actors, malware, victims... (owned) */
  const ctix_assessment *assessment; /* "assessment" stage: timeline, resemblance, risk (owned) */
  const struct ctix_response *response; /* "response" stage: Sigma rules, countermeasures,
                                           response steps (owned) */
  /* Stages of later issues add their results here. */
  struct ctix_analysis_priv *priv;
} ctix_analysis;

/*
 * Runs every analysis stage over `doc`. The document is taken over in all
 * cases (released on failure). `id` may be NULL (the document's source is
 * used). On success *out is the caller's to ctix_analysis_free.
 */
int ctix_analyze(ctix_analysis **out, ctix_document *doc, const char *id,
                 const ctix_options *opts, ctix_error *err);

/* Releases an analysis; NULL is accepted. */
void ctix_analysis_free(ctix_analysis *a);

/* Names of the stages, in the order they run; NULL-terminated. */
const char *const *ctix_analysis_stages(void);

#ifdef __cplusplus
}
#endif
#endif
