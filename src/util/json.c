/*
 * JSON string escaping (see util/json.h): one pass, copying runs of plain
 * bytes and escaping the rest.
 */
#include "util/json.h"

#include <stdint.h>
#include <string.h>

#include "util/utf8.h"

void ctix__json_escape(ctix_buf *b, const char *str, size_t n)
{
  static const char hex[] = "0123456789abcdef";
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0, run = 0;
  while (i < n) {
    unsigned char c = s[i];
    const char *rep = NULL;
    char ubuf[6];
    size_t k = 0;
    uint32_t cp = 0;
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      i++;
      continue;
    }
    if (c >= 0x80) {
      k = ctix__utf8_decode(s + i, n - i, &cp);
      if (k && cp != 0x2028 && cp != 0x2029) {
        i += k;
        continue;
      }
    }
    ctix__buf_add(b, str + run, i - run);
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
      ctix__buf_adds(b, rep);
      i++;
    } else if (c < 0x80) {
      /* Other control characters and DEL. */
      memcpy(ubuf, "\\u00", 4);
      ubuf[4] = hex[c >> 4];
      ubuf[5] = hex[c & 15];
      ctix__buf_add(b, ubuf, 6);
      i++;
    } else if (k) {
      /* U+2028 / U+2029: valid JSON raw, but they break JavaScript lines. */
      ctix__buf_adds(b, cp == 0x2028 ? "\\u2028" : "\\u2029");
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
