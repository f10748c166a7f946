/*
 * `ctix eval ttp` (cmd_eval.c dispatches here): technique mapping against
 * the ttp-eval JSONL sets, optionally with cross-validation by report.
 */
#ifndef CTIX_CLI_EVAL_TTP_H
#define CTIX_CLI_EVAL_TTP_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

typedef struct ctix__eval_ttp_opts {
  const char *labels;        /* "tram50" or NULL */
  bool parents;              /* roll both sides up to parent techniques */
  bool ignore_ids;           /* --ignore-explicit-ids */
  bool implied;              /* --implied: implied findings count as predictions */
  bool cue_priors;           /* --cue-priors: cue weights from the lexicon's priors */
  const char *cv_cues;       /* --cv-cues DIR: DIR/cues-f<fold>.tsv per fold */
  const char *trace;         /* --trace FILE: the decision's inputs per item (docs/ttp.md) */
  unsigned cv;               /* folds; 0 = no cross-validation */
  const char *model;         /* --model FILE */
  const char *shared;        /* --shared DIR (cross-validation data) */
  const char *cache;         /* --cv-cache DIR */
  const char *solver;        /* --solver svm|logreg */
  double c;                  /* --cost */
  const char *neg;           /* --neg all|report|window:N|mil-add:M|mil-drop:M (NULL: report) */
  const char *nb;            /* --nb bin|value[,a=A][,b=B][,clip=R] (NULL: off) */
  const char *sigma;         /* --sigma-rows title|desc: Sigma rule training rows (NULL: none) */
  const char *const *sets;   /* --set NAME=VALUE */
  size_t nsets;
  bool json, verbose;
} ctix__eval_ttp_opts;

/*
 * Evaluates the files; appends the report to `out`. Returns 0, 1 when an
 * input could not be read (reported), 2 for a usage error (reported), or
 * a negative CTIX_E code.
 */
int ctix__eval_ttp(const ctix__eval_ttp_opts *o, const char *const *files, size_t nfiles,
                   ctix_buf *out);

#endif
