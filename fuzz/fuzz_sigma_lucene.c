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

#include "ctix/sigma.h"
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  ctix_sigma_rule *rule = NULL;
  ctix_error err;
  size_t p, i;
  ctix_error_clear(&err);
  if (ctix_sigma_rule_load(&rule, (const char *)data, size, "fuzz", &err) != 0)
    return 0;
  for (p = 0; p < 2; p++) {
    const char *pipe = "ecs_windows";
    ctix_sigma_converter *cv = NULL;
    ctix_sigma_queries q = {0, NULL};
    ctix_error_clear(&err);
    if (ctix_sigma_converter_new(&cv, "lucene", p ? &pipe : NULL, p, &err) != 0)
      abort(); /* the target and the pipeline are built in */
    if (ctix_sigma_convert(&q, cv, rule, &err) == 0) {
      for (i = 0; i < q.count; i++) {
        ctix_buf b = CTIX_BUF_INIT(64u << 20);
        if (!q.query[i][0] || !balanced(q.query[i]))
          abort();
        if (ctix__sg_output_ndjson(&b, rule, q.query[i], "lucene", i) != 0 || b.len < 2 ||
            memcmp(b.data + b.len - 2, "}\n", 2) != 0 || memchr(b.data, '\n', b.len - 1))
          abort();
        ctix__buf_free(&b);
      }
    } else if (err.message[0] == 0) {
      abort(); /* a failure always says why */
    }
    ctix_sigma_queries_free(&q);
    ctix_sigma_converter_free(cv);
  }
  ctix_sigma_rule_free(rule);
  return 0;
}
