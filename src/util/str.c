/*
 * Bounded string helpers: copying with truncation reporting, ASCII case
 * insensitive comparison and search, and checked number parsing.
 */
#include "util/str.h"

#include <string.h>

#include "ctix/error.h"

bool ctix__strlcpy(char *dst, const char *src, size_t size)
{
  size_t n = strlen(src);
  bool trunc = n >= size;
  if (trunc)
    n = size - 1;
  memcpy(dst, src, n);
  dst[n] = '\0';
  return trunc;
}

bool ctix__mem_ieq(const char *s, size_t n, const char *t)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (!t[i] || ctix__lower((unsigned char)s[i]) != ctix__lower((unsigned char)t[i]))
      return false;
  return t[n] == '\0';
}

bool ctix__mem_istarts(const char *s, size_t n, const char *prefix)
{
  size_t i;
  for (i = 0; prefix[i]; i++)
    if (i >= n || ctix__lower((unsigned char)s[i]) != ctix__lower((unsigned char)prefix[i]))
      return false;
  return true;
}

const char *ctix__mem_ifind(const char *hay, size_t n, const char *needle)
{
  size_t m = strlen(needle), i;
  if (m == 0)
    return hay;
  if (m > n)
    return NULL;
  for (i = 0; i + m <= n; i++)
    if (ctix__lower((unsigned char)hay[i]) == ctix__lower((unsigned char)needle[0]) &&
        ctix__mem_istarts(hay + i, n - i, needle))
      return hay + i;
  return NULL;
}

int ctix__parse_size(uint64_t *out, const char *s, size_t n)
{
  uint64_t v = 0, mul = 1;
  size_t i = 0;
  if (n == 0 || !ctix__isdigit((unsigned char)s[0]))
    return CTIX_EINVAL;
  for (; i < n && ctix__isdigit((unsigned char)s[i]); i++) {
    unsigned d = (unsigned)(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10)
      return CTIX_EINVAL;
    v = v * 10 + d;
  }
  if (i < n) {
    switch (ctix__lower((unsigned char)s[i])) {
    case 'k': mul = 1024ull; break;
    case 'm': mul = 1024ull * 1024; break;
    case 'g': mul = 1024ull * 1024 * 1024; break;
    default: return CTIX_EINVAL;
    }
    i++;
    if (i < n && ctix__lower((unsigned char)s[i]) == 'b')
      i++;
    if (i != n)
      return CTIX_EINVAL;
    if (v > UINT64_MAX / mul)
      return CTIX_EINVAL;
  }
  *out = v * mul;
  return 0;
}

size_t ctix__split_tabs(ctix__field *f, size_t max, const char *s, size_t n)
{
  size_t nf = 0, start = 0, i;
  for (i = 0; i <= n; i++) {
    if (i == n || s[i] == '\t') {
      if (nf < max) {
        size_t len = i - start;
        f[nf].s = ctix__trim(s + start, &len);
        f[nf].n = len;
      }
      nf++;
      start = i + 1;
    }
  }
  return nf;
}

const char *ctix__trim(const char *s, size_t *n)
{
  size_t len = *n;
  while (len && ctix__isspace((unsigned char)*s)) {
    s++;
    len--;
  }
  while (len && ctix__isspace((unsigned char)s[len - 1]))
    len--;
  *n = len;
  return s;
}

bool ctix__lower_copy(char *out, size_t cap, const char *s, size_t n)
{
  size_t i;
  if (n >= cap)
    return false;
  for (i = 0; i < n; i++)
    out[i] = (char)ctix__lower((unsigned char)s[i]);
  out[n] = '\0';
  return true;
}
