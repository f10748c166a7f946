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

#include "fuzz_sigma_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
  const char *target, *prefix;
} targets[] = {
  {"eql", "any where "},
  {"esql", "from * metadata _id, _index, _version | where "},
};

/* Aborts unless the query starts with the target's prefix (arg). */
static void check_prefix(const ctix_sigma_rule *rule, const char *pipe, const char *q, size_t index,
                         const void *arg)
{
  const char *prefix = arg;
  (void)rule, (void)pipe, (void)index;
  if (strncmp(q, prefix, strlen(prefix)) != 0)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char *const pipes[] = {NULL, "ecs_windows"};
  ctix_sigma_rule *rule = fz_sigma_load(data, size);
  size_t t;
  if (!rule)
    return 0;
  for (t = 0; t < sizeof(targets) / sizeof(targets[0]); t++)
    fz_sigma_convert_all(rule, targets[t].target, pipes, 2, check_prefix, targets[t].prefix);
  ctix_sigma_rule_free(rule);
  return 0;
}
