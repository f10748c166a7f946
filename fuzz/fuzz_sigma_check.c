/*
 * Fuzz target of ctix's Sigma reader and checker (`ctix sigma check`):
 * any bytes, parsed as a YAML stream and checked as Sigma rules, must
 * never crash, leak or run away; the template parser gets the same input.
 */
#include <stddef.h>
#include <stdint.h>

#include "respond/sigma.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  ctix_buf issues = CTIX_BUF_INIT((size_t)16 << 20);
  ctix_arena arena;
  ctix__sigma_template *t;
  size_t n;
  ctix__sigma_check(&issues, (const char *)data, size, NULL);
  (void)ctix__sigma_nerrors(&issues);
  ctix__buf_free(&issues);
  ctix__arena_init(&arena, 0);
  ctix__sigma_templates_parse(&t, &n, &arena, (const char *)data, size, "fuzz", NULL);
  ctix__arena_free(&arena);
  return 0;
}
