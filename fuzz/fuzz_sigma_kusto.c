/*
 * Fuzz target: the Microsoft KQL (kusto) target and its pipelines. The
 * input is a whole Sigma rule; it is converted to `kusto` without a
 * pipeline and with each of microsoft_xdr, sentinel_asim and azure_monitor.
 * Whatever the rule: a failure says why; with a pipeline every query starts
 * with its table and "\n| where "; brackets and double quotes balance
 * outside string literals.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_sigma_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless strings close and brackets balance outside them. */
static void check_query(const ctix_sigma_rule *rule, const char *pipe, const char *q, size_t index,
                        const void *arg)
{
  bool table = pipe != NULL; /* a pipeline chooses the table */
  const char *w = strstr(q, "\n| where ");
  long depth = 0;
  bool str = false;
  (void)rule, (void)index, (void)arg;
  if (table && (!w || w == q || memchr(q, ' ', (size_t)(w - q))))
    abort(); /* TABLE\n| where ... */
  for (; *q; q++) {
    if (str) {
      if (*q == '\\' && q[1])
        q++;
      else if (*q == '"')
        str = false;
      continue;
    }
    if (*q == '"')
      str = true;
    else if (*q == '(')
      depth++;
    else if (*q == ')' && --depth < 0)
      abort();
  }
  if (str || depth != 0)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char *const pipes[] = {NULL, "microsoft_xdr", "sentinel_asim", "azure_monitor"};
  ctix_sigma_rule *rule = fz_sigma_load(data, size);
  if (!rule)
    return 0;
  fz_sigma_convert_all(rule, "kusto", pipes, sizeof(pipes) / sizeof(pipes[0]), check_query, NULL);
  ctix_sigma_rule_free(rule);
  return 0;
}
