/*
 * Fuzz target: ctix_refang and ctix_defang on arbitrary bytes. Aborts when
 * the refanged text is not NUL-terminated at its length, grows more than
 * the rules allow (a ':' per "https//"), differs between the AVX2 and the
 * scalar pass, or when a text without any trigger byte is not copied
 * unchanged; ctix_defang must succeed and keep every byte that is not part
 * of an observable.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/ioc.h"
#include "ioc/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* True if t holds none of the bytes that can start a defang. */
static int no_trigger(const char *t, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (strchr("[({<])}.\\^:/_-@DA ", t[i]) || t[i] == '\0')
      return 0;
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *t = (const char *)data;
  char *a = NULL, *b = NULL, *d = NULL;
  size_t an = 0, bn = 0, dn = 0;
  int rc;

  ctix__ioc_force_scalar = false;
  rc = ctix_refang(&a, &an, t, size, NULL);
  if (rc == CTIX_ENOMEM)
    return 0;
  if (rc != 0 || !a || a[an] != '\0' || an > size + size / 4 + 1)
    abort();
  if (no_trigger(t, size) && (an != size || memcmp(a, t, size) != 0))
    abort();

  ctix__ioc_force_scalar = true;
  rc = ctix_refang(&b, &bn, t, size, NULL);
  ctix__ioc_force_scalar = false;
  if (rc == 0 && (bn != an || memcmp(a, b, an) != 0))
    abort();

  rc = ctix_defang(&d, &dn, t, size, NULL);
  if (rc != 0 && rc != CTIX_ENOMEM)
    abort();
  if (rc == 0 && (!d || d[dn] != '\0' || dn < size))
    abort();

  free(a);
  free(b);
  free(d);
  return 0;
}
