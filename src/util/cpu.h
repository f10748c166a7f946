/*
 * What the CPU offers the vector code paths (AVX2 and POPCNT on x86-64),
 * detected once per process. Modules with an AVX2 path ask here instead of
 * querying the CPU themselves, and keep their own switch to force the
 * scalar path (tests compare both).
 */
#ifndef CTIX_UTIL_CPU_H
#define CTIX_UTIL_CPU_H

#include <stdbool.h>

/* CPU features, as bits for ctix__cpu_has. */
enum {
  CTIX__CPU_AVX2 = 1u << 0,
  CTIX__CPU_POPCNT = 1u << 1,
};

/*
 * True when the CPU has every feature in `want` (CTIX__CPU_* bits); always
 * false off x86-64 or for an empty `want`. Thread-safe; the CPU is queried
 * on the first call only.
 */
bool ctix__cpu_has(unsigned want);

/* True when the CPU has AVX2 (ctix__cpu_has(CTIX__CPU_AVX2)). */
static inline bool ctix__cpu_has_avx2(void) { return ctix__cpu_has(CTIX__CPU_AVX2); }

#endif
