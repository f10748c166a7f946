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

/*
 * Byte length (2 or 3) of a bidirectional control at s[0..n), else 0:
 * Unicode's Bidi_Control characters U+061C, U+200E, U+200F, U+202A-U+202E
 * and U+2066-U+2069, which reorder the text around them when shown (a
 * right-to-left override makes "inv<U+202E>fdp.exe" look like
 * "invexe.pdf"). Reads at most 3 bytes; n may be 0.
 */
static inline size_t ctix__utf8_bidi_control(const unsigned char *s, size_t n)
{
  if (n >= 2 && s[0] == 0xD8)
    return s[1] == 0x9C ? 2 : 0;
  if (n < 3 || s[0] != 0xE2)
    return 0;
  if (s[1] == 0x80)
    return s[2] == 0x8E || s[2] == 0x8F || (s[2] >= 0xAA && s[2] <= 0xAE) ? 3 : 0;
  return s[1] == 0x81 && s[2] >= 0xA6 && s[2] <= 0xA9 ? 3 : 0;
}

#endif
