/*
 * Fuzz target: the QRadar AQL target (backend_qradar_aql.c) and its
 * pipelines. The input is a whole Sigma rule; it is converted to
 * `qradar_aql` without a pipeline and with qradar-aql-fields and
 * qradar-aql-payload. Whatever the rule: a failure says why; every query
 * starts with "SELECT * FROM events WHERE "; single-quoted strings (with
 * '' inside) and double-quoted names close, and brackets balance outside
 * them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/sigma.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless the query has the AQL frame, closed quotes, balanced brackets. */
static void check_query(const char *q)
{
  static const char head[] = "SELECT * FROM events WHERE ";
  long depth = 0;
  char quote = 0;
  if (strncmp(q, head, sizeof(head) - 1) != 0)
    abort();
  for (q += sizeof(head) - 1; *q; q++) {
    if (quote) {
      if (*q == quote && quote == '\'' && q[1] == '\'')
        q++; /* '' inside a string */
      else if (*q == quote)
        quote = 0;
      continue;
    }
    if (*q == '\'' || *q == '"')
      quote = *q;
    else if (*q == '(')
      depth++;
    else if (*q == ')' && --depth < 0)
      abort();
  }
  if (quote || depth != 0)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char *const pipes[] = {NULL, "qradar-aql-fields", "qradar-aql-payload"};
  ctix_sigma_rule *rule = NULL;
  ctix_error err;
  size_t p, i;
  ctix_error_clear(&err);
  if (ctix_sigma_rule_load(&rule, (const char *)data, size, "fuzz", &err) != 0)
    return 0;
  for (p = 0; p < sizeof(pipes) / sizeof(pipes[0]); p++) {
    ctix_sigma_converter *cv = NULL;
    ctix_sigma_queries q = {0, NULL};
    ctix_error_clear(&err);
    if (ctix_sigma_converter_new(&cv, "qradar_aql", pipes[p] ? &pipes[p] : NULL, pipes[p] ? 1 : 0,
                                 &err) != 0)
      abort(); /* the target and the pipelines are built in */
    if (ctix_sigma_convert(&q, cv, rule, &err) == 0) {
      for (i = 0; i < q.count; i++)
        check_query(q.query[i]);
    } else if (err.message[0] == 0) {
      abort(); /* a failure always says why */
    }
    ctix_sigma_queries_free(&q);
    ctix_sigma_converter_free(cv);
  }
  ctix_sigma_rule_free(rule);
  return 0;
}
