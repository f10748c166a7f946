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

#include "fuzz_sigma_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless the query has the AQL frame, closed quotes, balanced brackets. */
static void check_query(const ctix_sigma_rule *rule, const char *pipe, const char *q, size_t index,
                        const void *arg)
{
  static const char head[] = "SELECT * FROM events WHERE ";
  long depth = 0;
  char quote = 0;
  (void)rule, (void)pipe, (void)index, (void)arg;
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
  ctix_sigma_rule *rule = fz_sigma_load(data, size);
  if (!rule)
    return 0;
  fz_sigma_convert_all(rule, "qradar_aql", pipes, sizeof(pipes) / sizeof(pipes[0]), check_query,
                       NULL);
  ctix_sigma_rule_free(rule);
  return 0;
}
