/*
 * Growable byte buffer with a maximum size and a sticky error. Capacity
 * doubles, so appending n bytes costs amortised O(n).
 */
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ctix__buf_init(ctix_buf *b, size_t max)
{
  b->data = NULL;
  b->len = b->cap = 0;
  b->max = max;
  b->err = 0;
}

void ctix__buf_free(ctix_buf *b)
{
  if (!b)
    return;
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

void ctix__buf_reset(ctix_buf *b)
{
  b->len = 0;
  if (b->data)
    b->data[0] = '\0';
}

static int fail(ctix_buf *b, int code)
{
  ctix__buf_free(b);
  b->err = code;
  return code;
}

int ctix__buf_grow(ctix_buf *b, size_t extra)
{
  size_t need, ncap;
  char *p;
  if (b->err)
    return b->err;
  if (extra > b->max || b->len > b->max - extra)
    return fail(b, CTIX_ETOOBIG);
  if (b->len + extra == (size_t)-1)
    return fail(b, CTIX_ENOMEM); /* no room for the NUL: would wrap to 0 */
  need = b->len + extra + 1;
  if (need <= b->cap)
    return 0;
  ncap = b->cap ? b->cap : 64;
  while (ncap < need)
    ncap = ncap > ((size_t)-1) / 2 ? need : ncap * 2;
  p = realloc(b->data, ncap);
  if (!p)
    return fail(b, CTIX_ENOMEM);
  b->data = p;
  b->cap = ncap;
  return 0;
}

int ctix__buf_add(ctix_buf *b, const void *p, size_t n)
{
  int rc = ctix__buf_grow(b, n);
  if (rc)
    return rc;
  if (n)
    memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
  return 0;
}

int ctix__buf_adds(ctix_buf *b, const char *s)
{
  return ctix__buf_add(b, s, strlen(s));
}

int ctix__buf_addc(ctix_buf *b, char c)
{
  int rc;
  if (b->len + 1 < b->cap && b->len < b->max && !b->err) {
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
    return 0;
  }
  rc = ctix__buf_grow(b, 1);
  if (rc)
    return rc;
  b->data[b->len++] = c;
  b->data[b->len] = '\0';
  return 0;
}

/*
 * Formats straight into the room the buffer already has; only when the
 * text does not fit is it formatted a second time, after growing (most
 * appends are short and fit, so most take one vsnprintf, not two).
 */
int ctix__buf_vaddf(ctix_buf *b, const char *fmt, va_list ap)
{
  va_list ap2;
  size_t room = b->data ? b->cap - b->len : 0; /* the NUL's byte included */
  int n, rc;
  if (b->err)
    return b->err;
  va_copy(ap2, ap);
  n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap2);
  va_end(ap2);
  if (n < 0) {
    if (room)
      b->data[b->len] = '\0';
    return fail(b, CTIX_EINVAL);
  }
  if ((size_t)n < room) {
    if ((size_t)n > b->max || b->len > b->max - (size_t)n)
      return fail(b, CTIX_ETOOBIG);
    b->len += (size_t)n;
    return 0;
  }
  if (room)
    b->data[b->len] = '\0'; /* the cut text written past the end is not kept */
  rc = ctix__buf_grow(b, (size_t)n);
  if (rc)
    return rc;
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
  return 0;
}

int ctix__buf_addf(ctix_buf *b, const char *fmt, ...)
{
  va_list ap;
  int rc;
  va_start(ap, fmt);
  rc = ctix__buf_vaddf(b, fmt, ap);
  va_end(ap);
  return rc;
}

int ctix__buf_push(ctix_buf *b, const void *rec, size_t size)
{
  return ctix__buf_add(b, rec, size);
}

void ctix__buf_truncate(ctix_buf *b, size_t len)
{
  if (len < b->len) {
    b->len = len;
    b->data[len] = '\0';
  }
}

char *ctix__buf_detach(ctix_buf *b, size_t *len)
{
  char *p;
  if (b->err)
    return NULL;
  if (!b->data) {
    if (ctix__buf_grow(b, 0))
      return NULL;
    b->data[0] = '\0';
  }
  p = b->data;
  if (len)
    *len = b->len;
  b->data = NULL;
  b->len = b->cap = 0;
  return p;
}
