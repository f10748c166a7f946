/*
 * Fuzz target: the Elastic EQL and ES|QL targets. The input is a whole
 * Sigma rule; it is converted to `eql` and `esql`, each without and with
 * the ecs_windows pipeline. Whatever the rule, a conversion either fails
 * with a message or yields queries that start with the target's prefix.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/sigma.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
  const char *target, *prefix;
} targets[] = {
  {"eql", "any where "},
  {"esql", "from * metadata _id, _index, _version | where "},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  ctix_sigma_rule *rule = NULL;
  ctix_error err;
  size_t t, p, i;
  ctix_error_clear(&err);
  if (ctix_sigma_rule_load(&rule, (const char *)data, size, "fuzz", &err) != 0)
    return 0;
  for (t = 0; t < sizeof(targets) / sizeof(targets[0]); t++) {
    for (p = 0; p < 2; p++) {
      const char *pipe = "ecs_windows";
      ctix_sigma_converter *cv = NULL;
      ctix_sigma_queries q = {0, NULL};
      ctix_error_clear(&err);
      if (ctix_sigma_converter_new(&cv, targets[t].target, p ? &pipe : NULL, p, &err) != 0)
        abort(); /* both targets and the pipeline are built in */
      if (ctix_sigma_convert(&q, cv, rule, &err) == 0) {
        for (i = 0; i < q.count; i++)
          if (strncmp(q.query[i], targets[t].prefix, strlen(targets[t].prefix)) != 0)
            abort();
      } else if (err.message[0] == 0) {
        abort(); /* a failure always says why */
      }
      ctix_sigma_queries_free(&q);
      ctix_sigma_converter_free(cv);
    }
  }
  ctix_sigma_rule_free(rule);
  return 0;
}
