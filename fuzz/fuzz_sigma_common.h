/*
 * What the Sigma target fuzzers (fuzz_sigma_<target>.c) share: load the
 * input as a rule, convert it to one target with no pipeline or one
 * built-in pipeline, insist that a failure says why, and hand each query
 * to the fuzzer's own check. Each fuzzer keeps only its target's checks.
 */
#ifndef CTIX_FUZZ_SIGMA_COMMON_H
#define CTIX_FUZZ_SIGMA_COMMON_H
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ctix/sigma.h"

/*
 * A check of one query (number `index` of `rule`, converted with the
 * pipeline `pipe`, NULL for none); aborts when it is wrong.
 */
typedef void (*fz_sigma_check)(const ctix_sigma_rule *rule, const char *pipe, const char *query,
                               size_t index, const void *arg);

/* Loads the fuzz input as a Sigma rule (caller frees it); NULL if it is not one. */
static inline ctix_sigma_rule *fz_sigma_load(const uint8_t *data, size_t size)
{
  ctix_sigma_rule *rule = NULL;
  ctix_error err;
  ctix_error_clear(&err);
  if (ctix_sigma_rule_load(&rule, (const char *)data, size, "fuzz", &err) != 0)
    return NULL;
  return rule;
}

/*
 * Converts `rule` to `target` with the built-in pipeline `pipe` (NULL:
 * none) and passes every query to `check` (with `arg`). Aborts if the
 * converter cannot be made (targets and pipelines are built in) or if a
 * conversion fails without a message.
 */
static inline void fz_sigma_convert(const ctix_sigma_rule *rule, const char *target,
                                    const char *pipe, fz_sigma_check check, const void *arg)
{
  ctix_sigma_converter *cv = NULL;
  ctix_sigma_queries q = {0, NULL};
  ctix_error err;
  size_t i;
  ctix_error_clear(&err);
  if (ctix_sigma_converter_new(&cv, target, pipe ? &pipe : NULL, pipe ? 1 : 0, &err) != 0)
    abort(); /* the target and the pipeline are built in */
  if (ctix_sigma_convert(&q, cv, rule, &err) == 0) {
    for (i = 0; i < q.count; i++)
      check(rule, pipe, q.query[i], i, arg);
  } else if (err.message[0] == 0) {
    abort(); /* a failure always says why */
  }
  ctix_sigma_queries_free(&q);
  ctix_sigma_converter_free(cv);
}

/* fz_sigma_convert with each of `pipes` in turn (a NULL entry: no pipeline). */
static inline void fz_sigma_convert_all(const ctix_sigma_rule *rule, const char *target,
                                        const char *const *pipes, size_t npipes,
                                        fz_sigma_check check, const void *arg)
{
  size_t p;
  for (p = 0; p < npipes; p++)
    fz_sigma_convert(rule, target, pipes[p], check, arg);
}

#endif
