/*
 * JSON string escaping shared by every JSON writer of ctix (the report,
 * `ctix iocs --json`, ...). Untrusted text goes out as valid JSON and
 * valid UTF-8, safe to embed in JavaScript too.
 */
#ifndef CTIX_UTIL_JSON_H
#define CTIX_UTIL_JSON_H

#include <stddef.h>

#include "util/buf.h"

/*
 * Appends s[0..n) escaped for the inside of a JSON string (no quotes):
 * '"' and '\\' escaped, control characters and DEL as short or \u00XX
 * escapes, U+2028/U+2029 and the bidirectional controls (U+061C, U+200E,
 * U+200F, U+202A-U+202E, U+2066-U+2069) as \u escapes, invalid UTF-8
 * bytes as U+FFFD.
 * Errors are the buffer's sticky error.
 */
void ctix__json_escape(ctix_buf *b, const char *s, size_t n);

/*
 * Number of leading bytes of s[0..n) that go into a JSON string as they
 * are: printable ASCII other than '"' and '\\' (the bytes
 * ctix__json_escape copies unchanged without decoding). n when the whole
 * string needs no escaping, the case of nearly every value written.
 * Sixteen bytes at a time with SSE2, short strings in two overlapping
 * loads; never reads outside s[0..n).
 */
size_t ctix__json_plain_prefix(const char *s, size_t n);

/* The same inside double quotes. */
void ctix__json_string(ctix_buf *b, const char *s, size_t n);

#endif
