/*
 * Internal helpers to record errors into a ctix_error. A set call never
 * overwrites an error already recorded, so the first (root) cause is the
 * one reported; each helper returns the code so callers can write
 * `rc = ctix__error_set(err, CTIX_EPARSE, ...); goto done;`.
 */
#ifndef CTIX_UTIL_ERR_H
#define CTIX_UTIL_ERR_H

#include "ctix/error.h"

#if defined(__GNUC__)
#define CTIX__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CTIX__PRINTF(f, a)
#endif

/* Records code and message if `err` holds no error yet. Returns `code`. */
int ctix__error_set(ctix_error *err, int code, const char *fmt, ...) CTIX__PRINTF(3, 4);

/* As ctix__error_set, with a byte offset into the input. */
int ctix__error_set_at(ctix_error *err, int code, size_t offset, const char *fmt, ...)
    CTIX__PRINTF(4, 5);

/* As ctix__error_set, with a 1-based line and column. */
int ctix__error_set_lc(ctix_error *err, int code, unsigned line, unsigned column,
                       const char *fmt, ...) CTIX__PRINTF(5, 6);

/*
 * Makes a message safe to print as one line: control characters (C0, DEL
 * and C1) become spaces, bytes that are not valid UTF-8 become '?'.
 */
void ctix__msg_flatten(char *s);

/* Names the source (file name) of an error if none was named yet. */
void ctix__error_source(ctix_error *err, const char *source);

#endif
