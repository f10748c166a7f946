/*
 * Fuzz target: the reader of prebuilt rule sets (src/lib/ttp/
 * patset_io.c). The input is a blob, read without an expected identity
 * (copied to 8-aligned memory first); a set that loads then scans a fixed
 * sentence and the input itself as text. Aborts when the reader fails
 * without recording an error, or a match leaves the text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ttp/cues_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check_match(void *ud, const ctix__ttp_pmatch *m, const char *text, size_t len)
{
  (void)ud;
  (void)text;
  if (m->start > m->end || m->end > len)
    abort();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char sentence[] =
      "The actor ran powershell -enc, created a scheduled task (T1053.005) and dumped lsass.";
  ctix__ttp_patset *ps = NULL;
  ctix_error err;
  unsigned char *copy;
  int rc;
  if (size > ((size_t)8 << 20))
    return 0;
  copy = aligned_alloc(16, (size + 16) & ~(size_t)15);
  if (!copy)
    return 0;
  if (size)
    memcpy(copy, data, size);
  ctix_error_clear(&err);
  rc = ctix__ttp_patset_load(&ps, copy, size, NULL, &err);
  if (rc != 0 && (err.code != rc || ps))
    abort();
  if (rc == 0) {
    ctix__ttp_patset_scan(ps, sentence, sizeof(sentence) - 1, check_match, NULL);
    ctix__ttp_patset_scan(ps, (const char *)data, size, check_match, NULL);
    ctix__ttp_patset_free(ps);
  }
  free(copy);
  return 0;
}
