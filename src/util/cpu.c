/*
 * CPU feature detection for the vector code paths: one query of the CPU
 * per process (pthread_once), read by every module with an AVX2 path.
 */
#include "util/cpu.h"

#include <pthread.h>

static unsigned cpu_features;
static pthread_once_t cpu_once = PTHREAD_ONCE_INIT;

/* Fills cpu_features from the CPU (nothing off x86-64). */
static void cpu_detect(void)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  unsigned f = 0;
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2"))
    f |= CTIX__CPU_AVX2;
  if (__builtin_cpu_supports("popcnt"))
    f |= CTIX__CPU_POPCNT;
  cpu_features = f;
#endif
}

bool ctix__cpu_has(unsigned want)
{
  pthread_once(&cpu_once, cpu_detect);
  return want != 0 && (cpu_features & want) == want;
}
