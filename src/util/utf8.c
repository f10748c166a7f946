/*
 * UTF-8 decoding per RFC 3629 (the table of well-formed byte sequences in
 * Unicode chapter 3), with an ASCII fast path that checks eight bytes at a
 * time, since threat reports are mostly ASCII.
 */
#include "util/utf8.h"

#include <string.h>

size_t ctix__utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
  unsigned char c = s[0];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c >= 0xC2 && c <= 0xDF) {
    if (n < 2 || (s[1] & 0xC0) != 0x80)
      return 0;
    *cp = ((uint32_t)(c & 0x1F) << 6) | (s[1] & 0x3F);
    return 2;
  }
  if (c >= 0xE0 && c <= 0xEF) {
    unsigned char lo = 0x80, hi = 0xBF;
    if (c == 0xE0)
      lo = 0xA0;            /* overlong */
    else if (c == 0xED)
      hi = 0x9F;            /* surrogates */
    if (n < 3 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80)
      return 0;
    *cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    unsigned char lo = 0x80, hi = 0xBF;
    if (c == 0xF0)
      lo = 0x90;            /* overlong */
    else if (c == 0xF4)
      hi = 0x8F;            /* above U+10FFFF */
    if (n < 4 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80 ||
        (s[3] & 0xC0) != 0x80)
      return 0;
    *cp = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
          ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    return 4;
  }
  return 0;
}

size_t ctix__utf8_encode(uint32_t cp, char out[4])
{
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* Length of the ASCII run starting at s (checked a word at a time). */
static size_t ascii_run(const unsigned char *s, size_t n)
{
  size_t i = 0;
  uint64_t w;
  while (i + 8 <= n) {
    memcpy(&w, s + i, 8);
    if (w & 0x8080808080808080ull)
      break;
    i += 8;
  }
  while (i < n && s[i] < 0x80)
    i++;
  return i;
}

size_t ctix__utf8_validate(const char *str, size_t n)
{
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0, k;
  uint32_t cp;
  while (i < n) {
    i += ascii_run(s + i, n - i);
    if (i >= n)
      break;
    k = ctix__utf8_decode(s + i, n - i, &cp);
    if (!k)
      return i;
    i += k;
  }
  return n;
}

int ctix__utf8_repair(ctix_buf *out, const char *str, size_t n, size_t *replaced)
{
  static const char fffd[3] = {(char)0xEF, (char)0xBF, (char)0xBD};
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0, start = 0, k;
  uint32_t cp;
  while (i < n) {
    i += ascii_run(s + i, n - i);
    if (i >= n)
      break;
    k = ctix__utf8_decode(s + i, n - i, &cp);
    if (k) {
      i += k;
      continue;
    }
    ctix__buf_add(out, str + start, i - start);
    ctix__buf_add(out, fffd, 3);
    if (replaced)
      (*replaced)++;
    /* One replacement per invalid byte: simple and loses no count. */
    i++;
    start = i;
  }
  return ctix__buf_add(out, str + start, n - start);
}

size_t ctix__utf8_count(const char *s, size_t n)
{
  size_t i, c = 0;
  for (i = 0; i < n; i++)
    c += ((unsigned char)s[i] & 0xC0) != 0x80;
  return c;
}
