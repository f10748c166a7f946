/*
 * Helpers shared by the unit tests of the Sigma backends (test_sigma_*.c):
 * convert one rule given as YAML text to one target, optionally after one
 * pipeline, and check the first query or the error message. Include after
 * <cmocka.h>.
 */
#ifndef CTIX_TEST_SIGMA_TEST_H
#define CTIX_TEST_SIGMA_TEST_H
#include <stdlib.h>
#include <string.h>

#include "ctix/sigma.h"

/* The first query of `yaml` converted to `target` (after `pipe` unless
 * NULL), malloc'd; NULL with `err` filled when loading or conversion fails. */
static inline char *sigma_test_convert(const char *target, const char *yaml, const char *pipe,
                                       ctix_error *err)
{
  ctix_sigma_rule *r = NULL;
  ctix_sigma_converter *cv = NULL;
  ctix_sigma_queries q = {0, NULL};
  char *out = NULL;
  ctix_error_clear(err);
  if (ctix_sigma_rule_load(&r, yaml, strlen(yaml), "t.yml", err) == 0 &&
      ctix_sigma_converter_new(&cv, target, pipe ? &pipe : NULL, pipe ? 1 : 0, err) == 0 &&
      ctix_sigma_convert(&q, cv, r, err) == 0 && q.count > 0) {
    out = q.query[0];
    q.query[0] = NULL;
  }
  ctix_sigma_queries_free(&q);
  ctix_sigma_converter_free(cv);
  ctix_sigma_rule_free(r);
  return out;
}

/* Fails the test unless `yaml` converts to exactly `want`. */
static inline void sigma_test_expect(const char *target, const char *yaml, const char *pipe,
                                     const char *want)
{
  ctix_error err;
  char *q = sigma_test_convert(target, yaml, pipe, &err);
  if (!q)
    fail_msg("conversion failed: %s", err.message);
  assert_string_equal(q, want);
  free(q);
}

/* Fails the test unless converting `yaml` fails with a message holding `substr`. */
static inline void sigma_test_expect_error(const char *target, const char *yaml, const char *pipe,
                                           const char *substr)
{
  ctix_error err;
  char *q = sigma_test_convert(target, yaml, pipe, &err);
  if (q)
    fail_msg("converted to %s", q);
  assert_int_not_equal(err.code, 0);
  if (!strstr(err.message, substr))
    fail_msg("message '%s' lacks '%s'", err.message, substr);
}
#endif
