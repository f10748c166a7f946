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

#include "ctix/sigma.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless strings close and brackets balance outside them. */
static void check_query(const char *q, bool table)
{
  const char *w = strstr(q, "\n| where ");
  long depth = 0;
  bool str = false;
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
    if (ctix_sigma_converter_new(&cv, "kusto", pipes[p] ? &pipes[p] : NULL, pipes[p] ? 1 : 0,
                                 &err) != 0)
      abort(); /* the target and the pipelines are built in */
    if (ctix_sigma_convert(&q, cv, rule, &err) == 0) {
      for (i = 0; i < q.count; i++)
        check_query(q.query[i], pipes[p] != NULL);
    } else if (err.message[0] == 0) {
      abort(); /* a failure always says why */
    }
    ctix_sigma_queries_free(&q);
    ctix_sigma_converter_free(cv);
  }
  ctix_sigma_rule_free(rule);
  return 0;
}
