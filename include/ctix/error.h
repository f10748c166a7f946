/*
 * Error reporting for every ctix function.
 *
 * Functions return 0 on success or a negative CTIX_E* code. When they take a
 * `ctix_error *err` argument (which may be NULL), the first failure also
 * fills it with a one-line message naming the source and position. The
 * first error recorded wins: later code on the way up may add nothing, so
 * the message always describes the root cause.
 */
#ifndef CTIX_ERROR_H
#define CTIX_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
  CTIX_OK = 0,
  CTIX_ENOMEM = -1,       /* allocation failed */
  CTIX_EINVAL = -2,       /* invalid argument or option */
  CTIX_EIO = -3,          /* reading or writing a file failed */
  CTIX_ETOOBIG = -4,      /* a configured size or depth limit was exceeded */
  CTIX_EPARSE = -5,       /* malformed input (JSON, HTML, PDF, ...) */
  CTIX_ENOTFOUND = -6,    /* looked-up item does not exist */
  CTIX_EUNSUPPORTED = -7, /* input format or feature not supported */
  CTIX_EEMPTY = -8        /* input holds no text to analyse */
};

#define CTIX_ERROR_MSG_MAX 320
#define CTIX_ERROR_SRC_MAX 256
#define CTIX_NOPOS ((size_t)-1)

/* One error: its code, the input it concerns, where in it, and a message. */
typedef struct ctix_error {
  int code;                          /* 0 while no error was recorded */
  char source[CTIX_ERROR_SRC_MAX];   /* file name, "<stdin>", "line 3 of <stdin>" */
  size_t offset;                     /* byte offset in the input or CTIX_NOPOS */
  unsigned line, column;             /* 1-based; 0 when unknown */
  char message[CTIX_ERROR_MSG_MAX];  /* one line, no trailing newline */
} ctix_error;

/* Resets `err` to "no error" (code 0, empty strings, no position). */
void ctix_error_clear(ctix_error *err);

/* Short name of a code, e.g. "ETOOBIG". Never NULL. */
const char *ctix_error_name(int code);

/*
 * Formats `err` as one line, "SOURCE:LINE:COL: message" or
 * "SOURCE: byte N: message", into `out` (always NUL-terminated).
 */
void ctix_error_format(char *out, size_t outsize, const ctix_error *err);

#ifdef __cplusplus
}
#endif
#endif
