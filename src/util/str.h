/*
 * Small, bounded string helpers used instead of the unsafe libc ones
 * (strcpy, sprintf, atoi, strtok are not used in ctix).
 */
#ifndef CTIX_UTIL_STR_H
#define CTIX_UTIL_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ASCII-only classification and case folding, locale independent. */
static inline int ctix__lower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }
static inline int ctix__upper(int c) { return (c >= 'a' && c <= 'z') ? c - 32 : c; }
static inline bool ctix__isdigit(int c) { return c >= '0' && c <= '9'; }
static inline bool ctix__isalpha(int c) { return (unsigned)((c | 32) - 'a') < 26; }
static inline bool ctix__isalnum(int c) { return ctix__isdigit(c) || ctix__isalpha(c); }
static inline bool ctix__isspace(int c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
static inline bool ctix__isupper(int c) { return c >= 'A' && c <= 'Z'; }
static inline bool ctix__islower(int c) { return c >= 'a' && c <= 'z'; }

/*
 * Copies at most size-1 bytes of src into dst and NUL-terminates it
 * (size > 0). Returns true if src was truncated.
 */
bool ctix__strlcpy(char *dst, const char *src, size_t size);

/* Case-insensitive (ASCII) comparison of s[0..n) with the C string t. */
bool ctix__mem_ieq(const char *s, size_t n, const char *t);

/* True if s[0..n) starts with prefix, ASCII case ignored. */
bool ctix__mem_istarts(const char *s, size_t n, const char *prefix);

/* Case-insensitive search for needle in hay[0..n); NULL if absent. */
const char *ctix__mem_ifind(const char *hay, size_t n, const char *needle);

/*
 * Parses an unsigned decimal in s[0..n), optionally followed by one of the
 * suffixes k, m, g (binary multiples, case ignored). Returns 0 and stores
 * the value, or CTIX_EINVAL for anything else, including overflow.
 */
int ctix__parse_size(uint64_t *out, const char *s, size_t n);

/*
 * Copies s[0..n) lower-cased (ASCII) into out with a NUL; false, leaving
 * out untouched, when it does not fit in `cap` bytes.
 */
bool ctix__lower_copy(char *out, size_t cap, const char *s, size_t n);

/* Room for ctix__u64_dec: 20 digits, a sign put in front by the caller. */
#define CTIX__U64_DEC_MAX 24

/*
 * The decimal digits of v without printf (writers format millions of
 * integers), written at the END of buf: returns the first digit, *n the
 * count. At least one byte before it stays free for a '-'.
 */
static inline char *ctix__u64_dec(char buf[CTIX__U64_DEC_MAX], uint64_t v, size_t *n)
{
  char *p = buf + CTIX__U64_DEC_MAX;
  do {
    *--p = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  *n = (size_t)(buf + CTIX__U64_DEC_MAX - p);
  return p;
}

/* Strips ASCII white space from both ends of s[0..*n); returns the new start. */
const char *ctix__trim(const char *s, size_t *n);

/* One field of a tab-separated line: a trimmed span of the line. */
typedef struct ctix__field {
  const char *s;
  size_t n;
} ctix__field;

/*
 * Splits s[0..n) at tabs into trimmed fields, storing at most `max` in f.
 * Returns the number of fields the line has (more than `max` when it has
 * too many; only the first `max` are stored).
 */
size_t ctix__split_tabs(ctix__field *f, size_t max, const char *s, size_t n);

#endif
