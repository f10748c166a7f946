/*
 * Fuzz target: the Elastic Lucene target and the Kibana NDJSON writer. The
 * input is a whole Sigma rule, converted to `lucene` without and with the
 * ecs_windows pipeline. A conversion either fails with a message or yields
 * non-empty queries whose brackets balance outside escapes and regular
 * expressions (every special character of a value is escaped), and whose
 * NDJSON rule object is one line ending in "}\n".
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_sigma_common.h"
#include "sigma/sigma_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* True if '(' and ')' balance outside `\x` escapes and `/regex/` bodies. */
static int balanced(const char *q)
{
  long depth = 0;
  int re = 0;
  const char *p;
  for (p = q; *p; p++) {
    if (*p == '\\' && p[1]) {
      p++;
      continue;
    }
    if (*p == '/')
      re = !re;
    else if (!re && *p == '(')
      depth++;
    else if (!re && *p == ')' && --depth < 0)
      return 0;
  }
  return depth == 0 && !re;
}

/* Aborts unless the query is non-empty and balanced and its NDJSON rule is one line. */
static void check_query(const ctix_sigma_rule *rule, const char *pipe, const char *q, size_t index,
                        const void *arg)
{
  ctix_buf b = CTIX_BUF_INIT(64u << 20);
  (void)pipe, (void)arg;
  if (!q[0] || !balanced(q))
    abort();
  if (ctix__sg_output_ndjson(&b, rule, q, "lucene", index) != 0 || b.len < 2 ||
      memcmp(b.data + b.len - 2, "}\n", 2) != 0 || memchr(b.data, '\n', b.len - 1))
    abort();
  ctix__buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char *const pipes[] = {NULL, "ecs_windows"};
  ctix_sigma_rule *rule = fz_sigma_load(data, size);
  if (!rule)
    return 0;
  fz_sigma_convert_all(rule, "lucene", pipes, 2, check_query, NULL);
  ctix_sigma_rule_free(rule);
  return 0;
}
