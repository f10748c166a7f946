/*
 * Internal interface of the response part of src/lib/respond: the
 * countermeasure ranking (countermeasures.c), the incident-response step
 * templates and their filler (steps.c) and the Markdown escaping
 * (markdown.c). The Sigma part has its own header, respond_internal.h.
 * Everything here allocates in the arena of the response being built.
 */
#ifndef CTIX_RESPOND_RESPONSE_INTERNAL_H
#define CTIX_RESPOND_RESPONSE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "ctix/respond.h"
#include "util/arena.h"
#include "util/buf.h"

/* The NIST SP 800-61 phases, in order. */
#define CTIX__RESPOND_NPHASES 6
extern const char *const ctix__respond_phases[CTIX__RESPOND_NPHASES];
/* Headings of the phases in response.md ("Detection and analysis"). */
extern const char *const ctix__respond_phase_titles[CTIX__RESPOND_NPHASES];

/* At most this many values of one list are written into a step. */
#define CTIX__RESPOND_LIST_MAX 10
/* A single value longer than this is cut (at a UTF-8 boundary) with "...". */
#define CTIX__RESPOND_VALUE_MAX 200

/* ------------------------------------------------------------- templates */

/* One row of data/respond/steps.tsv. */
typedef struct ctix__resp_template {
  const char *key;
  int phase;                 /* index into ctix__respond_phases */
  int order;
  const char *const *when;   /* triggers, any of */
  size_t nwhen;
  const char *text;          /* with {placeholders} */
} ctix__resp_template;

/* One row of data/respond/accounts.tsv. */
typedef struct ctix__resp_account {
  const char *technique;     /* "T1003" (matches its sub-techniques) or "T1003.003" */
  const char *kind;          /* "domain and local administrator accounts" */
} ctix__resp_account;

typedef struct ctix__resp_tables {
  const ctix__resp_template *templates; /* in file order */
  size_t ntemplates;
  const ctix__resp_account *accounts;
  size_t naccounts;
} ctix__resp_tables;

/*
 * Parses the step templates and the account kinds (each text may be NULL
 * with length 0). Unknown phases, triggers or placeholders, duplicate
 * keys and malformed lines fail with CTIX_EPARSE naming the file and line.
 * *out is the caller's to ctix__respond_tables_free.
 */
int ctix__respond_tables_parse(ctix__resp_tables **out, const char *steps, size_t steps_len,
                               const char *accounts, size_t accounts_len, ctix_error *err);
void ctix__respond_tables_free(ctix__resp_tables *t);

/* The embedded tables, parsed once per process; never freed by the caller. */
int ctix__respond_tables_get(const ctix__resp_tables **out, ctix_error *err);

/* ----------------------------------------------------------------- facts */

/* A CVE of the report with its KEV entry, if any. */
typedef struct ctix__resp_cve {
  const char *id;
  bool kev;
  const char *due;           /* KEV due date, "" if unknown */
  const char *vendor, *product; /* "" if unknown */
} ctix__resp_cve;

/* One technique of the report that counts (observed or potential). */
typedef struct ctix__resp_tech {
  const char *id;
  const char *name;
  const char *const *tactics; /* shortnames, from the hit or else the KB */
  size_t ntactics;
} ctix__resp_tech;

/* What the steps are filled from, gathered once from the analysis. */
typedef struct ctix__resp_facts {
  const char *const *iocs[CTIX_IOC_TYPE_COUNT]; /* `ioc` status values by type */
  size_t niocs[CTIX_IOC_TYPE_COUNT];
  const ctix__resp_tech *techniques; size_t ntechniques;
  const ctix__resp_cve *cves; size_t ncves;      /* by KEV due date, then id */
  const char *const *entities[CTIX_ENTITY_KIND_COUNT]; /* distinct names by kind */
  size_t nentities[CTIX_ENTITY_KIND_COUNT];
  const char *const *accounts; size_t naccounts; /* account kinds, table order */
  const ctix_countermeasure *countermeasures; size_t ncountermeasures; /* ranked */
} ctix__resp_facts;

/*
 * Gathers the facts of `an` (any stage may be missing). `tables` gives the
 * account kinds; `cm` the ranked countermeasures (may be NULL).
 */
int ctix__respond_facts(ctix__resp_facts *f, ctix_arena *arena, const ctix_analysis *an,
                        const ctix_kb *kb, const ctix__resp_tables *tables,
                        const ctix_countermeasure *cm, size_t ncm, ctix_error *err);

/*
 * Fills one template text into `out` (appended). `trig` are the techniques
 * that triggered the step (for {techniques}). Values are cut and cleaned
 * of control characters; lists longer than CTIX__RESPOND_LIST_MAX end in
 * "and K more". Returns 0 or the buffer's error.
 */
int ctix__respond_fill(ctix_buf *out, const char *text, const ctix__resp_facts *f,
                       const ctix__resp_tech *const *trig, size_t ntrig);

/*
 * Selects the templates whose triggers fire, fills them and orders them
 * by phase, then template order, then key; drops repeated texts.
 */
int ctix__respond_steps(const ctix_response_step **out, size_t *n, ctix_arena *arena,
                        const ctix__resp_tables *t, const ctix__resp_facts *f, ctix_error *err);

/* ------------------------------------------------------- countermeasures */

/*
 * D3FEND countermeasures and ATT&CK mitigations of the report's observed
 * and potential techniques, ranked by the number of techniques covered,
 * then by id. See docs/response.md for the sub-technique rule.
 */
int ctix__respond_countermeasures(const ctix_countermeasure **out, size_t *n, ctix_arena *arena,
                                  const ctix_analysis *an, const ctix_kb *kb, ctix_error *err);

/* True if the hit counts for response content (observed or potential). */
bool ctix__respond_tech_active(const ctix_ttp_hit *h);

/* ---------------------------------------------------------------- markdown */

/*
 * Appends s[0..n) escaped for Markdown text (and table cells): the
 * characters with Markdown meaning get a backslash, line breaks and other
 * control characters become spaces.
 */
int ctix__md_escape(ctix_buf *out, const char *s, size_t n);

#endif
