/*
 * RFC 8785 (JSON Canonicalization Scheme) strings: the only JCS piece the
 * STIX writer needs, since the ID-contributing objects it hashes have
 * fixed ASCII keys (written in sorted order by the caller) and integers.
 */
#include "export/ids.h"

#include "util/utf8.h"

void ctix__jcs_string(ctix_buf *b, const char *str, size_t n)
{
  static const char hex[] = "0123456789abcdef";
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  ctix__buf_addc(b, '"');
  while (i < n) {
    unsigned char c = s[i];
    uint32_t cp;
    size_t k;
    if (c >= 0x80) {
      k = ctix__utf8_decode(s + i, n - i, &cp);
      if (k) {
        ctix__buf_add(b, str + i, k);
        i += k;
      } else {
        ctix__buf_adds(b, "\xEF\xBF\xBD");
        i++;
      }
      continue;
    }
    switch (c) {
    case '"': ctix__buf_adds(b, "\\\""); break;
    case '\\': ctix__buf_adds(b, "\\\\"); break;
    case '\b': ctix__buf_adds(b, "\\b"); break;
    case '\f': ctix__buf_adds(b, "\\f"); break;
    case '\n': ctix__buf_adds(b, "\\n"); break;
    case '\r': ctix__buf_adds(b, "\\r"); break;
    case '\t': ctix__buf_adds(b, "\\t"); break;
    default:
      if (c < 0x20) {
        char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        ctix__buf_add(b, u, 6);
      } else {
        ctix__buf_addc(b, (char)c);
      }
    }
    i++;
  }
  ctix__buf_addc(b, '"');
}
