/*
 * Error recording and formatting. See include/ctix/error.h for the rules:
 * the first error wins, messages are one line, positions are optional.
 */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/utf8.h"

void ctix_error_clear(ctix_error *err)
{
  if (!err)
    return;
  memset(err, 0, sizeof(*err));
  err->offset = CTIX_NOPOS;
}

const char *ctix_error_name(int code)
{
  switch (code) {
  case CTIX_OK: return "OK";
  case CTIX_ENOMEM: return "ENOMEM";
  case CTIX_EINVAL: return "EINVAL";
  case CTIX_EIO: return "EIO";
  case CTIX_ETOOBIG: return "ETOOBIG";
  case CTIX_EPARSE: return "EPARSE";
  case CTIX_ENOTFOUND: return "ENOTFOUND";
  case CTIX_EUNSUPPORTED: return "EUNSUPPORTED";
  case CTIX_EEMPTY: return "EEMPTY";
  default: return "EUNKNOWN";
  }
}

void ctix__msg_flatten(char *str)
{
  unsigned char *s = (unsigned char *)str;
  size_t n = strlen(str), i = 0, k;
  uint32_t cp;
  while (i < n) {
    if (s[i] < 0x80) {
      if (s[i] < 0x20 || s[i] == 0x7F)
        s[i] = ' ';
      i++;
    } else if ((k = ctix__utf8_decode(s + i, n - i, &cp)) == 0) {
      s[i++] = '?'; /* invalid, or a sequence cut by truncation */
    } else {
      if (cp < 0xA0) /* C1 control (U+0080..U+009F, e.g. CSI) */
        memset(s + i, ' ', k);
      i += k;
    }
  }
}

static int vset(ctix_error *err, int code, size_t offset, unsigned line, unsigned col,
                const char *fmt, va_list ap) CTIX__PRINTF(6, 0);

static int vset(ctix_error *err, int code, size_t offset, unsigned line, unsigned col,
                const char *fmt, va_list ap)
{
  if (!err || err->code != 0)
    return code;
  err->code = code;
  err->offset = offset;
  err->line = line;
  err->column = col;
  vsnprintf(err->message, sizeof(err->message), fmt, ap);
  ctix__msg_flatten(err->message);
  return code;
}

int ctix__error_set(ctix_error *err, int code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vset(err, code, CTIX_NOPOS, 0, 0, fmt, ap);
  va_end(ap);
  return code;
}

int ctix__error_set_at(ctix_error *err, int code, size_t offset, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vset(err, code, offset, 0, 0, fmt, ap);
  va_end(ap);
  return code;
}

int ctix__error_set_lc(ctix_error *err, int code, unsigned line, unsigned column,
                       const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vset(err, code, CTIX_NOPOS, line, column, fmt, ap);
  va_end(ap);
  return code;
}

void ctix__error_source(ctix_error *err, const char *source)
{
  if (!err || err->source[0] || !source)
    return;
  snprintf(err->source, sizeof(err->source), "%s", source);
  ctix__msg_flatten(err->source);
}

void ctix_error_format(char *out, size_t outsize, const ctix_error *err)
{
  const char *src;
  if (!out || outsize == 0)
    return;
  if (!err || err->code == 0) {
    snprintf(out, outsize, "no error");
    return;
  }
  src = err->source[0] ? err->source : "ctix";
  if (err->line)
    snprintf(out, outsize, "%s:%u:%u: %s", src, err->line, err->column, err->message);
  else if (err->offset != CTIX_NOPOS)
    snprintf(out, outsize, "%s: byte %zu: %s", src, err->offset, err->message);
  else
    snprintf(out, outsize, "%s: %s", src, err->message);
}
