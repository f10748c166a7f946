/*
 * Fuzz target: the YAML reader of the response module
 * (src/lib/respond/sigma_yaml.c). The input is read by ctix__sy_parse
 * (without libyaml when it has the usual shape) and by libyaml alone
 * (ctix__sy_paths_agree); aborts when the two differ in result code,
 * message, position or tree.
 */
#include <stdint.h>
#include <stdlib.h>

#include "respond/sigma.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  ctix_error e1, e2;
  if (ctix__sy_paths_agree((const char *)data, size, &e1, &e2) != 0)
    abort();
  return 0;
}
