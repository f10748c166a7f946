/*
 * FNV-1a, the 64-bit hash of the writers' open-addressing tables (ids of
 * the STIX bundle, folder names of ctix analyze -o, MISP attributes and
 * galaxy names, report.md's node ids and kept texts): plain over bytes or
 * a string, and ASCII case folded for tables whose keys compare ignoring
 * case. Only slot positions depend on it, never a byte written to an
 * output, so the tables may share it freely.
 */
#ifndef CTIX_UTIL_HASH_H
#define CTIX_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "util/str.h"

#define CTIX__FNV1A_BASIS 14695981039346656037ull /* FNV's 64-bit offset basis */
#define CTIX__FNV1A_PRIME 1099511628211ull

/* Continues the hash h over s[0..n) (start from CTIX__FNV1A_BASIS). */
static inline uint64_t ctix__fnv1a_add(uint64_t h, const void *s, size_t n)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t i;
  for (i = 0; i < n; i++)
    h = (h ^ p[i]) * CTIX__FNV1A_PRIME;
  return h;
}

/* FNV-1a of s[0..n). */
static inline uint64_t ctix__fnv1a(const void *s, size_t n)
{
  return ctix__fnv1a_add(CTIX__FNV1A_BASIS, s, n);
}

/* FNV-1a of the NUL-terminated s. */
static inline uint64_t ctix__fnv1a_str(const char *s)
{
  uint64_t h = CTIX__FNV1A_BASIS;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * CTIX__FNV1A_PRIME;
  return h;
}

/* FNV-1a of the NUL-terminated s with ASCII letters lowercased: strings
 * equal ignoring ASCII case hash alike. */
static inline uint64_t ctix__fnv1a_str_lower(const char *s)
{
  uint64_t h = CTIX__FNV1A_BASIS;
  for (; *s; s++)
    h = (h ^ (unsigned char)ctix__lower((unsigned char)*s)) * CTIX__FNV1A_PRIME;
  return h;
}

#endif
