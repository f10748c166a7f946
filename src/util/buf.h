/*
 * The one growable byte buffer of ctix (after curl's dynbuf).
 *
 * A buffer has a hard maximum size fixed at init. Any failure (allocation,
 * or growing past the maximum) is sticky: the buffer is emptied and freed,
 * `err` keeps the code, and every later append is a no-op returning the same
 * code, so a sequence of appends needs only one check at the end. The data
 * is always NUL-terminated when non-empty (the NUL is not counted in len).
 *
 * The same type serves as a growable array: push fixed-size records with
 * ctix__buf_push and view them through CTIX__BUF_AT / CTIX__BUF_COUNT.
 */
#ifndef CTIX_UTIL_BUF_H
#define CTIX_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "util/err.h"

typedef struct ctix_buf {
  char *data;   /* NULL until the first append */
  size_t len;   /* bytes in use, without the terminating NUL */
  size_t cap;   /* bytes allocated */
  size_t max;   /* hard limit on len */
  int err;      /* sticky: 0, CTIX_ENOMEM or CTIX_ETOOBIG */
} ctix_buf;

#define CTIX_BUF_INIT(maxlen) {NULL, 0, 0, (maxlen), 0}

void ctix__buf_init(ctix_buf *b, size_t max);
void ctix__buf_free(ctix_buf *b);
/* Empties the buffer but keeps its memory; clears no sticky error. */
void ctix__buf_reset(ctix_buf *b);
/* Makes room for `extra` more bytes (plus NUL). */
int ctix__buf_grow(ctix_buf *b, size_t extra);
int ctix__buf_add(ctix_buf *b, const void *p, size_t n);
int ctix__buf_adds(ctix_buf *b, const char *s);
int ctix__buf_addc(ctix_buf *b, char c);
int ctix__buf_addf(ctix_buf *b, const char *fmt, ...) CTIX__PRINTF(2, 3);
int ctix__buf_vaddf(ctix_buf *b, const char *fmt, va_list ap) CTIX__PRINTF(2, 0);
/*
 * ctix__buf_add with its common case inline: when the bytes fit in the
 * memory already held (no error, within the maximum), they are copied
 * without a call; otherwise ctix__buf_add runs. Same result and return
 * value as ctix__buf_add; for hot loops appending a few bytes at a time.
 */
static inline int ctix__buf_add_inline(ctix_buf *b, const void *p, size_t n)
{
  if (n && b->data && !b->err && n <= b->max && b->len <= b->max - n && b->len + n < b->cap) {
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
  }
  return ctix__buf_add(b, p, n);
}
/* Appends a record of `size` bytes (growable-array use). */
int ctix__buf_push(ctix_buf *b, const void *rec, size_t size);
/* Drops bytes from the end. */
void ctix__buf_truncate(ctix_buf *b, size_t len);
/*
 * Hands the data to the caller (who frees it with free()) and resets the
 * buffer. Returns NULL after a sticky error; an empty buffer gives "".
 */
char *ctix__buf_detach(ctix_buf *b, size_t *len);

#define CTIX__BUF_COUNT(b, T) ((b)->len / sizeof(T))
#define CTIX__BUF_AT(b, T, i) (((T *)(void *)(b)->data)[i])

#endif
