/*
 * Knowledge-base benchmark: the time to open the embedded tables (the
 * structural validation and checksum included), averaged over many
 * opens, the resident memory the first open adds, and the cost of the
 * O(1) lookups. Prints one line of results and one note (scripts/bench.sh):
 *   kb_load_ms X kb_first_load_ms F kb_rss_kib Y kb_size_kib Z kb_lookup_ns W
 *   note kb: load X ms (target <= 10 ms: PASS), ...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctix/kb.h"

#define LOAD_RUNS 50
#define LOOKUP_RUNS 200000
#define TARGET_LOAD_MS 10.0

static double now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Resident set size of the process in KiB, from /proc/self/status. */
static long rss_kib(void)
{
  char line[256];
  long v = -1;
  FILE *f = fopen("/proc/self/status", "r");
  if (!f)
    return -1;
  while (fgets(line, sizeof(line), f))
    if (strncmp(line, "VmRSS:", 6) == 0) {
      v = strtol(line + 6, NULL, 10);
      break;
    }
  fclose(f);
  return v;
}

int main(void)
{
  static const char *const ids[] = {"T1059.001", "G0016", "S0002", "C0024", "M1032",
                                    "D3-DA",     "T1086", "TA0002"};
  ctix_error err;
  ctix_kb *kb = NULL;
  ctix_kb_ref ref;
  long before, after;
  double t0, first_ms, avg_ms;
  size_t i;
  unsigned long found = 0;
  int r;
  ctix_error_clear(&err);
  before = rss_kib();
  t0 = now_ms();
  if (ctix_kb_open_embedded(&kb, &err)) {
    fprintf(stderr, "bench_kb: %s\n", err.message);
    return 1;
  }
  first_ms = now_ms() - t0;
  after = rss_kib();
  t0 = now_ms();
  for (r = 0; r < LOAD_RUNS; r++) {
    ctix_kb *again = NULL;
    if (ctix_kb_open_embedded(&again, &err))
      return 1;
    ctix_kb_free(again);
  }
  avg_ms = (now_ms() - t0) / LOAD_RUNS;
  t0 = now_ms();
  for (i = 0; i < LOOKUP_RUNS; i++) {
    const char *id = ids[i % (sizeof(ids) / sizeof(ids[0]))];
    found += ctix_kb_resolve_id(kb, id, strlen(id), &ref) == 0;
  }
  printf("kb_load_ms %.3f kb_first_load_ms %.3f kb_rss_kib %ld kb_size_kib %zu "
         "kb_lookup_ns %.1f\n",
         avg_ms, first_ms, after - before, ctix_kb_size(kb) / 1024,
         (now_ms() - t0) * 1e6 / LOOKUP_RUNS);
  printf("note kb: load %.3f ms (target <= %.0f ms: %s), first load %.3f ms, +%ld KiB RSS\n",
         avg_ms, TARGET_LOAD_MS, avg_ms <= TARGET_LOAD_MS && first_ms <= TARGET_LOAD_MS ? "PASS" : "FAIL",
         first_ms, after - before);
  ctix_kb_free(kb);
  return found == LOOKUP_RUNS ? 0 : 1;
}
