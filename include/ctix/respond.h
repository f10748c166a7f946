/*
 * Detection and response content generated from an analysis: Sigma rules
 * (IOC rules per observable kind, behaviour rules from a template library
 * kept as data, and matching rules from a user's Sigma collection), D3FEND
 * countermeasures and ATT&CK mitigations per technique with a report-level
 * ranking, and incident-response steps in the NIST SP 800-61 phases from
 * templates kept as data. Deterministic: rule ids are UUIDv5 of content,
 * dates come from the document, never from the clock.
 *
 * Ownership: `**out` is the caller's to free with ctix_response_free
 * (NULL accepted); strings live as long as the result.
 */
#ifndef CTIX_RESPOND_H
#define CTIX_RESPOND_H

#include <stdbool.h>
#include <stddef.h>

#include "ctix/analysis.h"
#include "ctix/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One generated or matched Sigma rule. */
typedef struct ctix_response_rule {
  const char *id;            /* UUID (generated: UUIDv5; existing: the rule's own id) */
  const char *title;
  const char *origin;        /* "ioc", "behaviour" or "existing" */
  const char *file_name;     /* file name inside sigma/ of the output: "ioc_dns_query.yml" */
  const char *yaml;          /* the whole rule, YAML */
  const char *level;         /* informational, low, medium, high, critical */
  const char *const *techniques; /* ATT&CK ids it detects */
  size_t ntechniques;
  const char *source_path;   /* existing rules: path in the --sigma-rules directory, else NULL */
} ctix_response_rule;

/* One countermeasure (D3FEND technique or ATT&CK mitigation). */
typedef struct ctix_countermeasure {
  const char *id;            /* "D3-PSEP" or "M1040" */
  const char *name;
  const char *tactic;        /* D3FEND tactic (Model, Harden, Detect, Isolate, Deceive, Evict,
                                Restore) or "Mitigation" for ATT&CK M-ids */
  const char *const *covers; /* the report's technique ids it counters, sorted */
  size_t ncovers;
} ctix_countermeasure;

/* One incident-response step. */
typedef struct ctix_response_step {
  const char *phase;         /* "preparation", "detection-and-analysis", "containment",
                                "eradication", "recovery", "post-incident" */
  const char *key;           /* template key from data/respond/steps.tsv (or .yml) */
  const char *text;          /* filled step: "Block these domains at the proxy: a.com, b.net" */
  const char *const *because; /* technique ids, observable kinds or CVE ids that triggered it */
  size_t nbecause;
} ctix_response_step;

typedef struct ctix_response {
  const ctix_response_rule *rules;        /* ioc rules, then behaviour, then existing; by file name */
  size_t nrules;
  const ctix_countermeasure *countermeasures; /* ranked: most techniques covered first, then id */
  size_t ncountermeasures;
  const ctix_response_step *steps;     /* in phase order, de-duplicated */
  size_t nsteps;
} ctix_response;

/*
 * A user's Sigma rule collection (a SigmaHQ-style checkout) read once, to
 * match existing rules for many documents (ctix_response_collection_load).
 */
typedef struct ctix_sigma_collection ctix_sigma_collection;

typedef struct ctix_response_options {
  const ctix_kb *kb;         /* NULL = ctix_kb_default() */
  const char *sigma_rules_dir; /* a SigmaHQ-style checkout to match existing rules from, or NULL */
  const char *author;        /* rule author (default "ctix") */
  const char *date;          /* YYYY/MM/DD or YYYY-MM-DD for rules; NULL = document's published date,
                                else "1970-01-01" (never the clock) */
  const char *tlp;           /* "clear" (default) ... for rule tags */
  const ctix_sigma_collection *sigma_rules; /* a collection read beforehand; used instead of
                                               sigma_rules_dir (read per call), or NULL */
} ctix_response_options;

void ctix_response_options_init(ctix_response_options *opts);

/* Generates detection and response content for `a`. */
int ctix_respond(ctix_response **out, const ctix_analysis *a, const ctix_response_options *opts,
                 ctix_error *err);

void ctix_response_free(ctix_response *r);

/*
 * Reads the Sigma rule files under `dir` (*.yml / *.yaml, sorted, links
 * followed, loops cut, limits on files and bytes) once: each rule's id,
 * title, level, ATT&CK technique tags and text, for any number of
 * ctix_respond() calls through opts->sigma_rules. Unreadable or malformed
 * files are skipped and counted in *skipped (may be NULL). Errors:
 * CTIX_EIO (dir missing or unreadable), CTIX_EINVAL (not a directory),
 * CTIX_ETOOBIG (too many files), with a message naming dir. *out is the
 * caller's (ctix_response_collection_free, NULL accepted); it is read-only
 * once loaded and may be used by several threads.
 */
int ctix_response_collection_load(ctix_sigma_collection **out, const char *dir, size_t *skipped,
                                  ctix_error *err);
void ctix_response_collection_free(ctix_sigma_collection *c);

/* response.md: the steps as a Markdown checklist, countermeasures as a table. */
int ctix_response_markdown(char **out, size_t *len, const ctix_analysis *a,
                           const ctix_response *r, ctix_error *err);

#ifdef __cplusplus
}
#endif
#endif
