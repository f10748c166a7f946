/*
 * Internal interface of the assessment stage (src/lib/assess): the tables
 * read from the embedded data/assess files (data.c), the timeline
 * (timeline.c), attribution by resemblance with its tunable measure
 * (resemble.c, also used by `ctix eval attribution`) and the risk model
 * (risk.c). ctix_assess (assess.c) ties them together.
 */
#ifndef CTIX_ASSESS_INTERNAL_H
#define CTIX_ASSESS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "ctix/assess.h"
#include "util/arena.h"
#include "util/buf.h"

/* ------------------------------------------------------------------ tables */

/* A word or phrase of a vocabulary with its value(s). */
typedef struct ctix__assess_word {
  const char *text;          /* lower case, NUL-terminated */
  size_t len;
  int value;                 /* month 1-12, weekday 0-6, number, unit days, relative
                                offset; triggers: 1 strong, 2 weak */
  int unit;                  /* relative: CTIX__REL_* */
  const char *label;         /* triggers: the event label */
} ctix__assess_word;

enum { CTIX__REL_DAY = 0, CTIX__REL_WEEK, CTIX__REL_WEEKEND, CTIX__REL_MONTH, CTIX__REL_YEAR };

/* One name=value parameter of a risk row; a value list is split on '|'. */
typedef struct ctix__assess_param {
  const char *name;
  const char *value;
  const char *const *items;  /* the '|' items, lower case */
  const size_t *lens;
  size_t nitems;
} ctix__assess_param;

/* One row of data/assess/risk.tsv. */
typedef struct ctix__risk_row {
  const char *key;           /* "impact_tactic:impact" */
  const char *rule;          /* "impact_tactic" */
  const char *arg;           /* "impact", or "" */
  const char *label;
  float points, cap;
  const ctix__assess_param *params;
  size_t nparams;
} ctix__risk_row;

/* A sector's criticality (data/assess/sectors.tsv). */
typedef struct ctix__sector_crit {
  const char *key;
  float criticality;
} ctix__sector_crit;

/*
 * First words of the date vocabulary, sorted by text: a word that is none
 * of them cannot start a date expression, so the timeline skips it with
 * one binary search.
 */
typedef struct ctix__assess_lex {
  const char *text;          /* lower case */
  size_t len;
} ctix__assess_lex;

typedef struct ctix__assess_tables {
  const ctix__assess_word *months, *weekdays, *numbers, *units, *durations, *preps,
      *relatives, *approx, *triggers;
  size_t nmonths, nweekdays, nnumbers, nunits, ndurations, npreps, nrelatives, napprox,
      ntriggers;
  const ctix__assess_lex *lex;
  size_t nlex;
  const ctix__risk_row *risk;
  size_t nrisk;
  const ctix__sector_crit *sectors;
  size_t nsectors;
} ctix__assess_tables;

/* True if word s[0..n) (any case) is the first word of a date vocabulary entry. */
bool ctix__assess_lex_has(const ctix__assess_tables *t, const char *s, size_t n);

/* The embedded bytes of data/assess/NAME ("risk.tsv", ...); NULL if unknown. */
const char *ctix__assess_data(const char *name, size_t *len);

/*
 * The tables, parsed once per process from the embedded files (thread
 * safe). CTIX_EPARSE names the file and line of a malformed row.
 */
int ctix__assess_tables_get(const ctix__assess_tables **out, ctix_error *err);

/*
 * Parses tables from the texts of the four files (each NUL-free, any may be
 * NULL for "empty"); used by the loader and by tests on malformed input.
 * *out is the caller's to free with ctix__assess_tables_free.
 */
int ctix__assess_tables_parse(ctix__assess_tables **out, const char *risk, size_t risk_len,
                              const char *sectors, size_t sectors_len, const char *triggers,
                              size_t triggers_len, const char *dates, size_t dates_len,
                              ctix_error *err);
void ctix__assess_tables_free(ctix__assess_tables *t);

/* The parameter `name` of a risk row, or NULL. */
const ctix__assess_param *ctix__risk_param(const ctix__risk_row *row, const char *name);

/*
 * True if s[pos..pos+plen) equals `phrase` (lower case) with ASCII case
 * ignored, at word boundaries where the phrase starts or ends with a
 * letter or digit.
 */
bool ctix__assess_phrase_at(const char *s, size_t n, size_t pos, const char *phrase,
                            size_t plen);

/* First whole-word occurrence of `phrase` in s[0..n) at or after `from`; n if none. */
size_t ctix__assess_phrase_find(const char *s, size_t n, size_t from, const char *phrase,
                                size_t plen);

/* ---------------------------------------------------------------- calendar */

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian); no validation. */
long ctix__assess_days(int y, int m, int d);
/* The inverse. */
void ctix__assess_civil(long days, int *y, int *m, int *d);
/* Days of month m of year y; 0 for a month outside 1-12. */
int ctix__assess_month_days(int y, int m);
/*
 * Parses "YYYY-MM-DD" (anything may follow, e.g. a time) into a valid
 * date; CTIX_EINVAL otherwise.
 */
int ctix__assess_parse_ymd(const char *s, int *y, int *m, int *d);

/* ---------------------------------------------------------------- timeline */

/*
 * Finds the dated events of `doc` (see ctix_event), resolving relative
 * expressions against `reference` (YYYY-MM-DD..., or NULL: they stay
 * undated). Strings go to `arena`; the events are pushed onto `out`
 * (records of ctix_event), sorted.
 */
int ctix__assess_timeline(ctix_buf *out, ctix_arena *arena, const ctix_document *doc,
                          const char *reference, ctix_error *err);

/* --------------------------------------------------------------- resemble */

/* Similarity measures compared by `ctix eval attribution --measure`. */
typedef enum ctix__sim {
  CTIX__SIM_COSINE = 0,      /* IDF-weighted cosine */
  CTIX__SIM_JACCARD,         /* IDF-weighted Jaccard (sum min / sum max) */
  CTIX__SIM_DICE,            /* IDF-weighted Dice (2 sum min / (sum q + sum p)) */
  CTIX__SIM_COVERAGE,        /* share of the query's weight the profile holds */
  CTIX__SIM_TVERSKY,         /* coverage, lowered by `alpha` x the profile's extra weight */
  CTIX__SIM_COUNT
} ctix__sim;

typedef struct ctix__resemble_params {
  ctix__sim measure;
  float parent_credit;       /* a sub-technique credits its parent this much */
  float software_weight;     /* a software of the profile or query */
  float software_techniques; /* a profile software's own techniques (0 = off) */
  float query_software_techniques; /* a query software's techniques (0 = off) */
  float idf_power;           /* idf^power (1 = plain IDF, 0 = unweighted) */
  float alpha;               /* Tversky: weight of what only the profile holds */
  bool groups;               /* rank groups */
  bool campaigns;            /* rank campaigns */
} ctix__resemble_params;

/* The defaults ctix_assess_resemble uses (chosen by `ctix eval attribution`). */
void ctix__resemble_params_default(ctix__resemble_params *p);

/* Name of a measure ("cosine", ...); ctix__sim_from_name gives -1 if unknown. */
const char *ctix__sim_name(ctix__sim s);
int ctix__sim_from_name(const char *name);

/* ctix_assess_resemble with explicit parameters. max 0 = every candidate. */
int ctix__assess_resemble_ex(ctix_resemblance **out, size_t *n, const ctix_kb *kb,
                             const ctix_kb_ref *techniques, size_t ntechniques,
                             const ctix_kb_ref *software, size_t nsoftware, ctix_kb_ref exclude,
                             size_t max, const ctix__resemble_params *p, ctix_error *err);

/* -------------------------------------------------------------------- risk */

/* The result of the risk model; strings and the factor array live in the arena. */
typedef struct ctix__risk_result {
  int score;
  const char *level;
  const ctix_risk_factor *factors;
  size_t nfactors;
} ctix__risk_result;

int ctix__assess_risk(ctix__risk_result *out, ctix_arena *arena, const ctix_kb *kb,
                      const ctix_document *doc, const ctix_ioc_list *iocs,
                      const ctix_ttp_list *techniques, const ctix_entity_list *entities,
                      ctix_error *err);

/* True if `rule` (the key's part before ':') names a rule of risk.c. */
bool ctix__risk_rule_known(const char *rule, size_t len);

/* The same against explicit tables (tests use modified tables). */
int ctix__assess_risk_tables(ctix__risk_result *out, ctix_arena *arena,
                             const ctix__assess_tables *t, const ctix_kb *kb,
                             const ctix_document *doc, const ctix_ioc_list *iocs,
                             const ctix_ttp_list *techniques,
                             const ctix_entity_list *entities, ctix_error *err);

#endif
