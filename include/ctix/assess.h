/*
 * Assessment of a document from what the extractors found: a timeline of
 * dated events, attribution by resemblance (which ATT&CK groups and
 * campaigns have the most similar technique and software profile) and a
 * risk score that lists every factor with its contribution and evidence.
 *
 * Attribution never says "is": candidates *resemble* the report; an actor
 * the text names is reported by the entity stage ("named by the source").
 * The risk model is a data table (data/assess/risk.tsv) documented in
 * docs/risk.md.
 *
 * Ownership: `**out` is the caller's to free with the matching _free
 * (NULL accepted); strings live as long as the result.
 */
#ifndef CTIX_ASSESS_H
#define CTIX_ASSESS_H

#include <stdbool.h>
#include <stddef.h>

#include "ctix/document.h"
#include "ctix/entity.h"
#include "ctix/error.h"
#include "ctix/ioc.h"
#include "ctix/kb.h"
#include "ctix/ttp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------ timeline */

typedef struct ctix_event {
  const char *date;          /* ISO 8601: "2026-01-30", "2026-01", "2026"; NULL if only relative */
  const char *precision;     /* "day", "week" (date = its Monday), "month", "year", "duration" */
  const char *what;          /* short label from the trigger: "detected", "disclosed", "contained", ... */
  const char *expression;    /* the date words as written: "January 30, 2026", "within nine hours" */
  size_t start, end;         /* span of the date expression in doc->text */
  size_t sentence;           /* evidence sentence, index into doc->sentences */
  bool relative;             /* resolved against the article's date ("yesterday", "last week") */
} ctix_event;

/* ------------------------------------------------------------ attribution */

typedef struct ctix_resemblance {
  ctix_kb_ref ref;           /* group or campaign */
  const char *id;            /* G0016 / C0024 */
  const char *name;
  const char *stix_id;
  ctix_kb_kind kind;         /* CTIX_KB_GROUP or CTIX_KB_CAMPAIGN */
  float score;               /* 0-1, rarity-weighted overlap */
  const char *const *shared_techniques; size_t nshared_techniques;
  const char *const *shared_software; size_t nshared_software;
} ctix_resemblance;

/* ------------------------------------------------------------ risk */

typedef struct ctix_risk_factor {
  const char *key;           /* row key of data/assess/risk.tsv: "impact_tactic", "kev_exploited", ... */
  const char *label;         /* human label */
  float contribution;        /* points added to the 0-100 score (may be negative, e.g. contained) */
  const char *evidence;      /* what triggered it: technique ids, CVE ids, sector, sentence text */
} ctix_risk_factor;

typedef struct ctix_assessment {
  const ctix_event *events;  /* sorted by date (undated last), then text order */
  size_t nevents;
  const ctix_resemblance *resemblances; /* best first, at most opts.max_candidates */
  size_t nresemblances;
  int risk_score;            /* 0-100 */
  const char *risk_level;    /* "low", "medium", "high", "critical" */
  const ctix_risk_factor *factors; /* in table order, only those that fired */
  size_t nfactors;
} ctix_assessment;

typedef struct ctix_assess_options {
  const ctix_kb *kb;         /* NULL = ctix_kb_default() */
  size_t max_candidates;     /* resemblance candidates kept (default 5) */
  const char *reference_date; /* YYYY-MM-DD for relative dates (else CTIX_EINVAL);
                                 NULL = doc->meta.published (ignored if not a date) */
} ctix_assess_options;

void ctix_assess_options_init(ctix_assess_options *opts);

/* Assesses a document from the extractors' results (each may be NULL). */
int ctix_assess(ctix_assessment **out, const ctix_document *doc, const ctix_ioc_list *iocs,
                const ctix_ttp_list *techniques, const ctix_entity_list *entities,
                const ctix_assess_options *opts, ctix_error *err);

void ctix_assessment_free(ctix_assessment *a);

/*
 * Attribution alone: ranks groups and campaigns by resemblance to a set
 * of technique refs and software refs (used by `ctix eval attribution`).
 * `exclude` (may be CTIX_KB_NONE) is a campaign whose own relations are
 * left out of every profile. At most `max` candidates (0: all of them).
 * *out (count *n) is the caller's to free with ctix_resemblances_free.
 */
int ctix_assess_resemble(ctix_resemblance **out, size_t *n, const ctix_kb *kb,
                         const ctix_kb_ref *techniques, size_t ntechniques,
                         const ctix_kb_ref *software, size_t nsoftware, ctix_kb_ref exclude,
                         size_t max, ctix_error *err);

void ctix_resemblances_free(ctix_resemblance *r, size_t n);

#ifdef __cplusplus
}
#endif
#endif
