/*
 * Benchmark: converts every rule of ../shared/data/sigma/rules (or the
 * folder given) to Splunk, without and with splunk_windows, in one process;
 * prints wall time per target and peak RSS. `make bench` runs it.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "ctix/sigma.h"
#include "util/buf.h"

#ifndef CTIX_BENCH_SIGMA_DIR
#define CTIX_BENCH_SIGMA_DIR "../shared/data/sigma/rules"
#endif

static void collect(ctix_buf *files, const char *path, int depth)
{
  DIR *d = depth < 32 ? opendir(path) : NULL;
  struct dirent *de;
  if (!d)
    return;
  while ((de = readdir(d))) {
    ctix_buf p = CTIX_BUF_INIT(4096);
    struct stat st;
    size_t n = strlen(de->d_name);
    if (de->d_name[0] == '.')
      continue;
    ctix__buf_addf(&p, "%s/%s", path, de->d_name);
    if (!p.err && stat(p.data, &st) == 0) {
      if (S_ISDIR(st.st_mode))
        collect(files, p.data, depth + 1);
      else if (n > 4 && strcmp(de->d_name + n - 4, ".yml") == 0) {
        char *s = ctix__buf_detach(&p, NULL);
        ctix__buf_push(files, &s, sizeof(s));
      }
    }
    ctix__buf_free(&p);
  }
  closedir(d);
}

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
  const char *dir = argc > 1 ? argv[1] : CTIX_BENCH_SIGMA_DIR;
  static const char *const pipes[] = {"splunk_windows"};
  ctix_buf files = CTIX_BUF_INIT((size_t)1 << 26);
  struct rusage ru;
  size_t i, n;
  collect(&files, dir, 0);
  n = CTIX__BUF_COUNT(&files, char *);
  if (n == 0) {
    printf("bench_sigma: no rules under %s (skipped)\n", dir);
    return 0;
  }
  for (int pass = 0; pass < 2; pass++) {
    ctix_sigma_converter *cv = NULL;
    size_t ok = 0;
    double t0 = now();
    ctix_error err;
    ctix_error_clear(&err);
    if (ctix_sigma_converter_new(&cv, "splunk", pipes, (size_t)pass, &err))
      return 1;
    for (i = 0; i < n; i++) {
      ctix_sigma_rule *r = NULL;
      ctix_sigma_queries q = {0, NULL};
      ctix_error_clear(&err);
      if (ctix_sigma_rule_load_file(&r, CTIX__BUF_AT(&files, char *, i), &err) == 0 &&
          ctix_sigma_convert(&q, cv, r, &err) == 0)
        ok++;
      ctix_sigma_queries_free(&q);
      ctix_sigma_rule_free(r);
    }
    {
      double ms = now() - t0;
      getrusage(RUSAGE_SELF, &ru);
      /* One table row per target (scripts/bench.sh); the first pass also
       * reads the rule files, the second finds them in the page cache. */
      printf("bench sigma/splunk%s rules %zu converted %zu wall_ms %.1f target_ms 100 "
             "rss_kib %ld status %s\n",
             pass ? "+splunk_windows" : "", n, ok, ms, (long)ru.ru_maxrss,
             ms <= 100.0 && ru.ru_maxrss <= 30L * 1024 ? "PASS" : "FAIL");
    }
    ctix_sigma_converter_free(cv);
  }
  printf("note sigma: whole SigmaHQ corpus per target, one process; targets <= 100 ms and "
         "<= 30 MiB (the first row includes reading the files)\n");
  for (i = 0; i < n; i++)
    free(CTIX__BUF_AT(&files, char *, i));
  ctix__buf_free(&files);
  return 0;
}
