/*
 * JSON string escaping (see util/json.h): one pass, copying runs of plain
 * bytes and escaping the rest.
 */
#include "util/json.h"

#include <stdint.h>
#include <string.h>

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

#include "util/utf8.h"

/* Is c a byte JSON takes as it is (printable ASCII but '"' and '\\')? */
static inline int is_plain(unsigned char c)
{
  return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

#if defined(__SSE2__) && defined(__GNUC__)
/* One bit per lane of v (bit i for byte i) that is not plain (is_plain). */
static inline unsigned not_plain_mask(__m128i v)
{
  /* signed: bytes of 0x80 and more are negative, so one compare finds both
   * the control bytes and the non-ASCII ones */
  __m128i ok = _mm_cmpgt_epi8(v, _mm_set1_epi8(0x1F));
  __m128i odd = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)),
                                          _mm_cmpeq_epi8(v, _mm_set1_epi8('"'))),
                             _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
  return (unsigned)_mm_movemask_epi8(_mm_andnot_si128(odd, ok)) ^ 0xFFFFu;
}
#endif

size_t ctix__json_plain_prefix(const char *str, size_t n)
{
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
#if defined(__SSE2__) && defined(__GNUC__)
  unsigned m;
  int32_t w0, w1;
  int64_t q0, q1;
  if (n >= 16) {
    for (; i + 16 <= n; i += 16)
      if ((m = not_plain_mask(_mm_loadu_si128((const __m128i *)(const void *)(s + i)))))
        return i + (size_t)__builtin_ctz(m);
    if (i == n)
      return n;
    /* the last bytes: one load ending at s[n - 1], the lanes already
     * checked masked out */
    m = not_plain_mask(_mm_loadu_si128((const __m128i *)(const void *)(s + n - 16))) &
        (0xFFFFu << (i - (n - 16)));
    return m ? n - 16 + (size_t)__builtin_ctz(m) : n;
  }
  if (n >= 4) {
    /* 4..15 bytes: the first and the last 8 (or 4) bytes in the two halves
     * of one register; they overlap, and a byte in both is seen first in
     * the low half */
    unsigned half = n >= 8 ? 8 : 4;
    __m128i v;
    if (half == 8) {
      memcpy(&q0, s, 8);
      memcpy(&q1, s + n - 8, 8);
      v = _mm_set_epi64x(q1, q0);
    } else {
      memcpy(&w0, s, 4);
      memcpy(&w1, s + n - 4, 4);
      v = _mm_set_epi32(0, 0, w1, w0);
    }
    m = not_plain_mask(v) & ((1u << (2 * half)) - 1);
    if (m & ((1u << half) - 1))
      return (size_t)__builtin_ctz(m);
    return m ? n - half + (size_t)__builtin_ctz(m >> half) : n;
  }
#endif
  while (i < n && is_plain(s[i]))
    i++;
  return i;
}

/* Code points written as \u escapes although JSON takes them raw:
 * U+2028/U+2029 (they break JavaScript lines) and the bidirectional
 * controls (ctix__utf8_bidi_control), which would reorder the text around
 * them in a terminal or an editor showing the JSON ("inv<U+202E>fdp.exe"
 * shown as "invexe.pdf"). The sequence at s[0..n) decodes to cp. */
static inline int escaped_cp(const unsigned char *s, size_t n, uint32_t cp)
{
  return cp == 0x2028 || cp == 0x2029 || ctix__utf8_bidi_control(s, n);
}

void ctix__json_escape(ctix_buf *b, const char *str, size_t n)
{
  static const char hex[] = "0123456789abcdef";
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0, run = 0;
  while (i < n) {
    unsigned char c;
    const char *rep = NULL;
    char ubuf[6];
    size_t k = 0;
    uint32_t cp = 0;
    i += ctix__json_plain_prefix(str + i, n - i);
    if (i >= n)
      break;
    c = s[i];
    if (c >= 0x80) {
      k = ctix__utf8_decode(s + i, n - i, &cp);
      if (k && !escaped_cp(s + i, n - i, cp)) {
        i += k;
        continue;
      }
    }
    ctix__buf_add_inline(b, str + run, i - run);
    switch (c) {
    case '"': rep = "\\\""; break;
    case '\\': rep = "\\\\"; break;
    case '\n': rep = "\\n"; break;
    case '\t': rep = "\\t"; break;
    case '\r': rep = "\\r"; break;
    case '\b': rep = "\\b"; break;
    case '\f': rep = "\\f"; break;
    default: break;
    }
    if (rep) {
      ctix__buf_add_inline(b, rep, 2);
      i++;
    } else if (c < 0x80) {
      /* Other control characters and DEL. */
      memcpy(ubuf, "\\u00", 4);
      ubuf[4] = hex[c >> 4];
      ubuf[5] = hex[c & 15];
      ctix__buf_add(b, ubuf, 6);
      i++;
    } else if (k) {
      /* escaped_cp: valid JSON raw, escaped for the readers of the JSON */
      memcpy(ubuf, "\\u", 2);
      ubuf[2] = hex[(cp >> 12) & 15];
      ubuf[3] = hex[(cp >> 8) & 15];
      ubuf[4] = hex[(cp >> 4) & 15];
      ubuf[5] = hex[cp & 15];
      ctix__buf_add(b, ubuf, 6);
      i += k;
    } else {
      ctix__buf_adds(b, "\xEF\xBF\xBD");
      i++;
    }
    run = i;
  }
  ctix__buf_add(b, str + run, n - run);
}

void ctix__json_string(ctix_buf *b, const char *s, size_t n)
{
  ctix__buf_addc(b, '"');
  ctix__json_escape(b, s, n);
  ctix__buf_addc(b, '"');
}
