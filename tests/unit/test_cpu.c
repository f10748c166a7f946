/*
 * Unit tests of the CPU feature check (src/util/cpu.c): on Linux x86-64 the
 * answer matches the flags the kernel lists in /proc/cpuinfo, an empty
 * request is false, and threads racing for the first query all get the
 * same answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/cpu.h"

#define NTHREADS 4

/* True when the first "flags" line of /proc/cpuinfo lists `flag`; -1 when unreadable. */
static int cpuinfo_flag(const char *flag)
{
  char line[8192];
  int found = -1;
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f)
    return -1;
  while (fgets(line, sizeof(line), f)) {
    const char *p = strchr(line, ':');
    size_t n = strlen(flag);
    if (strncmp(line, "flags", 5) != 0 || !p)
      continue;
    found = 0;
    for (p = strstr(p, flag); p && !found; p = strstr(p + 1, flag))
      found = p[-1] == ' ' && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0');
    break;
  }
  fclose(f);
  return found;
}

static void test_matches_cpuinfo(void **state)
{
  int avx2 = cpuinfo_flag("avx2"), popcnt = cpuinfo_flag("popcnt");
  (void)state;
#if !defined(__x86_64__)
  assert_false(ctix__cpu_has_avx2());
  assert_false(ctix__cpu_has(CTIX__CPU_POPCNT));
  return;
#endif
  if (avx2 < 0 || popcnt < 0) {
    print_message("skipping: no flags line in /proc/cpuinfo\n");
    skip();
  }
  print_message("cpu: avx2 %d popcnt %d\n", avx2, popcnt);
  assert_int_equal(ctix__cpu_has_avx2(), avx2 == 1);
  assert_int_equal(ctix__cpu_has(CTIX__CPU_AVX2), avx2 == 1);
  assert_int_equal(ctix__cpu_has(CTIX__CPU_POPCNT), popcnt == 1);
  assert_int_equal(ctix__cpu_has(CTIX__CPU_AVX2 | CTIX__CPU_POPCNT), avx2 == 1 && popcnt == 1);
}

static void test_empty_request(void **state)
{
  (void)state;
  assert_false(ctix__cpu_has(0));
}

static void *ask(void *out)
{
  *(bool *)out = ctix__cpu_has(CTIX__CPU_AVX2 | CTIX__CPU_POPCNT);
  return NULL;
}

static void test_threads_agree(void **state)
{
  pthread_t t[NTHREADS];
  bool got[NTHREADS];
  int i;
  (void)state;
  for (i = 0; i < NTHREADS; i++)
    assert_int_equal(pthread_create(&t[i], NULL, ask, &got[i]), 0);
  for (i = 0; i < NTHREADS; i++)
    assert_int_equal(pthread_join(t[i], NULL), 0);
  for (i = 0; i < NTHREADS; i++)
    assert_int_equal(got[i], ctix__cpu_has(CTIX__CPU_AVX2 | CTIX__CPU_POPCNT));
}

int main(void)
{
  /* the threads test first: it makes the first query of the process */
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_threads_agree),
      cmocka_unit_test(test_matches_cpuinfo),
      cmocka_unit_test(test_empty_request),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
