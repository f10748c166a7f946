/*
 * Sigma conversion engine: reads Sigma rules (detection rules, filters and
 * correlation rules, specification 2.1.0) into an in-memory model and
 * converts detection rules into the query language of a SIEM ("target"),
 * after applying processing pipelines (field mapping, logsource-conditioned
 * conditions, value transformations, placeholders) given as YAML data.
 *
 * Ownership: every `**out` object is the caller's, released with the
 * matching _free function (which accepts NULL). Errors carry the source
 * name and, for rule text, the 1-based line and column.
 */
#ifndef CTIX_SIGMA_H
#define CTIX_SIGMA_H
#include <stddef.h>

#include "ctix/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest rule or pipeline document accepted, in bytes. */
#define CTIX_SIGMA_MAX_INPUT (4u << 20)

typedef struct ctix_sigma_rule ctix_sigma_rule;
typedef struct ctix_sigma_converter ctix_sigma_converter;

/* What a loaded document is. */
typedef enum ctix_sigma_kind {
  CTIX_SIGMA_DETECTION = 0,   /* a detection rule (has `detection`) */
  CTIX_SIGMA_CORRELATION = 1, /* a correlation rule (has `correlation`) */
  CTIX_SIGMA_FILTER = 2       /* a filter (has `filter`) */
} ctix_sigma_kind;

/*
 * Reads one Sigma document from data[0..len). `source` names it in error
 * messages (may be NULL). *out is the caller's (ctix_sigma_rule_free).
 */
int ctix_sigma_rule_load(ctix_sigma_rule **out, const char *data, size_t len,
                         const char *source, ctix_error *err);
/* As ctix_sigma_rule_load, reading the file at `path`. */
int ctix_sigma_rule_load_file(ctix_sigma_rule **out, const char *path, ctix_error *err);
void ctix_sigma_rule_free(ctix_sigma_rule *rule);

/* Accessors; the strings belong to the rule ("" when absent). */
ctix_sigma_kind ctix_sigma_rule_kind(const ctix_sigma_rule *rule);
const char *ctix_sigma_rule_title(const ctix_sigma_rule *rule);
const char *ctix_sigma_rule_id(const ctix_sigma_rule *rule);

/*
 * Prepares conversion to `target` (see ctix_sigma_target_name) after the
 * given pipelines, applied in order. A pipeline is the name of an embedded
 * one (ctix_sigma_pipeline_name) or the path of a pipeline YAML file.
 * *out is the caller's (ctix_sigma_converter_free).
 */
int ctix_sigma_converter_new(ctix_sigma_converter **out, const char *target,
                             const char *const *pipelines, size_t npipelines,
                             ctix_error *err);
void ctix_sigma_converter_free(ctix_sigma_converter *cv);

/* The queries made from one rule: `count` NUL-terminated strings. */
typedef struct ctix_sigma_queries {
  size_t count;
  char **query;
} ctix_sigma_queries;

/*
 * Converts `rule` into out (one query per condition of the rule). On error
 * out is left empty and err says why (unsupported feature, unresolved
 * placeholder, ...). Release out with ctix_sigma_queries_free.
 */
int ctix_sigma_convert(ctix_sigma_queries *out, const ctix_sigma_converter *cv,
                       const ctix_sigma_rule *rule, ctix_error *err);
void ctix_sigma_queries_free(ctix_sigma_queries *q);

/* Output formats of converted rules (`ctix sigma convert --format`). */
typedef enum ctix_sigma_format {
  CTIX_SIGMA_FORMAT_DEFAULT = 0,   /* the queries, one per line */
  CTIX_SIGMA_FORMAT_SAVEDSEARCHES, /* Splunk savedsearches.conf, one stanza per query */
  CTIX_SIGMA_FORMAT_NDJSON,        /* Kibana detection rules, one JSON object per line */
  CTIX_SIGMA_FORMAT_JSON           /* one JSON object per rule: metadata and queries */
} ctix_sigma_format;

/*
 * Writes the queries `q` made from `rule` for `target` in format `fmt`
 * into *out (NUL-terminated, ends with a newline; the caller's, free()).
 * `name` names the savedsearches stanza (NULL: the rule's title; a rule
 * with several queries gets " (2)", " (3)", ... on the later ones).
 * savedsearches needs target "splunk", ndjson "lucene", "eql" or "esql";
 * CTIX_EUNSUPPORTED otherwise.
 */
int ctix_sigma_format_rule(char **out, ctix_sigma_format fmt, const char *target,
                           const ctix_sigma_rule *rule, const ctix_sigma_queries *q,
                           const char *name, ctix_error *err);

/* The i-th built-in target / embedded pipeline, or NULL past the end. */
const char *ctix_sigma_target_name(size_t i, const char **description);
const char *ctix_sigma_pipeline_name(size_t i, const char **description);

#ifdef __cplusplus
}
#endif
#endif
