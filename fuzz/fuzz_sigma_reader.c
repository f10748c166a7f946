/*
 * Fuzz target: the Sigma rule reader. Whatever the bytes, (1) the fast YAML
 * subset parser either declines or builds exactly the tree libyaml builds
 * (a difference aborts), and (2) loading the rule and converting it to
 * Splunk, with and without the splunk_windows pipeline, never crashes,
 * leaks or hangs.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ctix/sigma.h"
#include "sigma/sigma_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void differential(const char *s, size_t n)
{
  ctix_arena a1, a2;
  sg_y *fast = NULL, *ref = NULL;
  ctix_error err;
  ctix__arena_init(&a1, 0);
  ctix__arena_init(&a2, 0);
  ctix_error_clear(&err);
  if (ctix__sg_yaml_parse_fast(&fast, &a1, s, n) == 0 &&
      (ctix__sg_yaml_parse_libyaml(&ref, &a2, s, n, &err) != 0 || !ctix__sg_y_equal(fast, ref)))
    abort();
  ctix__arena_free(&a1);
  ctix__arena_free(&a2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *pipes[] = {"splunk_windows"};
  ctix_sigma_rule *rule = NULL;
  ctix_error err;
  if (size > CTIX_SIGMA_MAX_INPUT)
    return 0;
  differential((const char *)data, size);
  ctix_error_clear(&err);
  if (ctix_sigma_rule_load(&rule, (const char *)data, size, "fuzz", &err) == 0) {
    for (size_t np = 0; np < 2; np++) {
      ctix_sigma_converter *cv = NULL;
      ctix_sigma_queries q = {0, NULL};
      ctix_error_clear(&err);
      if (ctix_sigma_converter_new(&cv, "splunk", pipes, np, &err) == 0)
        ctix_sigma_convert(&q, cv, rule, &err);
      ctix_sigma_queries_free(&q);
      ctix_sigma_converter_free(cv);
    }
  }
  ctix_sigma_rule_free(rule);
  return 0;
}
