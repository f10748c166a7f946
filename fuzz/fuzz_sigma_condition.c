/*
 * Fuzz target: the Sigma condition parser, fed through a fixed rule whose
 * condition is the input (so references, quantifiers and the conversion
 * of the parsed tree are exercised too).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ctix/sigma.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  ctix_buf b = CTIX_BUF_INIT(1u << 20);
  ctix_sigma_rule *rule = NULL;
  ctix_sigma_converter *cv = NULL;
  ctix_sigma_queries q = {0, NULL};
  ctix_error err;
  size_t i;
  ctix_error_clear(&err);
  ctix__buf_adds(&b, "title: f\nlogsource: {product: windows}\ndetection:\n"
                     "  a: {Image|endswith: x}\n  b: [k1, k2]\n  c: {F|re: 'a.b'}\n"
                     "  filter_1: {G: 1}\n  condition: \"");
  for (i = 0; i < size; i++) {  /* keep the input inside one double-quoted scalar */
    unsigned char c = data[i];
    if (c == '"' || c == '\\')
      ctix__buf_addc(&b, '\\');
    if (c >= 0x20 && c < 0x7f)
      ctix__buf_addc(&b, (char)c);
  }
  ctix__buf_adds(&b, "\"\n");
  if (!b.err && ctix_sigma_rule_load(&rule, b.data, b.len, "fuzz", &err) == 0 &&
      ctix_sigma_converter_new(&cv, "splunk", NULL, 0, &err) == 0) {
    ctix_sigma_convert(&q, cv, rule, &err);
    ctix_sigma_queries_free(&q);
  }
  ctix_sigma_converter_free(cv);
  ctix_sigma_rule_free(rule);
  ctix__buf_free(&b);
  return 0;
}
