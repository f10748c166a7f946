/*
 * UTF-8 validation, decoding and repair. Repair replaces every invalid
 * sequence (bad lead byte, truncated or overlong sequence, surrogate, code
 * point above U+10FFFF) with U+FFFD and counts the replacements, so no byte
 * is ever dropped silently.
 */
#ifndef CTIX_UTIL_UTF8_H
#define CTIX_UTIL_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define CTIX_UTF8_REPLACEMENT 0xFFFDu

/*
 * Length of the valid UTF-8 sequence at s[0..n), storing its code point in
 * *cp; 0 if the bytes there are not a valid sequence (n must be > 0).
 */
size_t ctix__utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Writes the encoding of cp (<= U+10FFFF, not a surrogate) to out; returns 1..4. */
size_t ctix__utf8_encode(uint32_t cp, char out[4]);

/* Offset of the first invalid byte, or n when s[0..n) is valid UTF-8. */
size_t ctix__utf8_validate(const char *s, size_t n);

/*
 * Appends s[0..n) to out with every invalid sequence replaced by U+FFFD;
 * *replaced (may be NULL) is increased by the number of replacements.
 * Returns 0 or the buffer's sticky error.
 */
int ctix__utf8_repair(ctix_buf *out, const char *s, size_t n, size_t *replaced);

/* Number of code points in valid UTF-8 s[0..n). */
size_t ctix__utf8_count(const char *s, size_t n);

#endif
