/*
 * Fuzz target: the path, registry, file-name, user-agent and named
 * recognizers (src/lib/ioc/path.c, context.c) through ctix_ioc_extract.
 * Aborts when an invariant breaks for their types: a non-empty value, a
 * span inside the input whose `original` is exactly that slice, a registry
 * key without a trailing backslash, a file name without a separator. Also
 * runs the extension table and ctix__ioc_filename_likely on every token of
 * the input (they must not read outside it).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/ioc.h"
#include "ioc/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_item(const ctix_ioc *it, const char *text, size_t size)
{
  size_t n = strlen(it->value);
  if (n == 0 || it->span.start > it->span.end || it->span.end > size)
    abort();
  if (strlen(it->original) != it->span.end - it->span.start ||
      memcmp(it->original, text + it->span.start, it->span.end - it->span.start) != 0)
    abort();
  switch (it->type) {
  case CTIX_IOC_REGISTRY_KEY:
    if (it->value[n - 1] == '\\')
      abort();
    break;
  case CTIX_IOC_FILE_NAME: {
    const char *dot = strrchr(it->value, '.');
    if (strchr(it->value, '/') || strchr(it->value, '\\') || !dot ||
        ctix__ioc_ext_kind(dot + 1, strlen(dot + 1)) == CTIX__EXT_NONE)
      abort();
    break;
  }
  default:
    break;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *text = (const char *)data;
  ctix_ioc_list *l = NULL;
  ctix_error err;
  ctix__ioc_scan s;
  size_t i, a;

  ctix_error_clear(&err);
  if (ctix_ioc_extract(&l, text, size, NULL, &err) == 0) {
    for (i = 0; i < l->nitems; i++)
      check_item(&l->items[i], text, size);
    ctix_ioc_list_free(l);
  }

  memset(&s, 0, sizeof(s));
  s.text = text;
  s.len = size;
  for (i = 0; i < size;) {
    while (i < size && (data[i] == ' ' || data[i] == '\n'))
      i++;
    a = i;
    while (i < size && data[i] != ' ' && data[i] != '\n')
      i++;
    if (i > a) {
      (void)ctix__ioc_filename_likely(&s, a, i);
      (void)ctix__ioc_ext_kind(text + a, i - a);
    }
  }
  return 0;
}
