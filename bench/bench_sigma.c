/*
 * Benchmark: converts every rule of ../shared/data/sigma/rules (or the
 * folder given) to every target of ctix_sigma_target_name(), each with its
 * natural pipeline (the SIEM views of src/lib/sigma/views.c, which
 * report.html uses too; a target the table does not know runs without
 * one, a row whose pipeline is not built in is skipped with a note).
 * Each row runs in a fresh child process (this program re-executed with
 * --one), so its wall time is the whole process (start, reading the
 * files, converting) and its peak RSS is that target's alone; the best of
 * REPS runs is reported after one untimed run that warms the page cache.
 * Targets: <= 100 ms and <= 30 MiB per target. `make bench` runs it.
 */
#define _DEFAULT_SOURCE 1 /* wait4 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ctix/sigma.h"
#include "sigma/sigma_lib.h"
#include "util/buf.h"

#ifndef CTIX_BENCH_SIGMA_DIR
#define CTIX_BENCH_SIGMA_DIR "../shared/data/sigma/rules"
#endif

#define REPS 3
#define MAX_PIPES 4
#define TARGET_MS 100.0
#define TARGET_RSS_KIB (30L * 1024)

/* Adds a rule file the walk found to the list (a ctix_buf of malloc'd paths). */
static int add_file(void *ctx, const ctix__sigma_file *f)
{
  char *s = strdup(f->path);
  if (s && ctix__buf_push((ctix_buf *)ctx, &s, sizeof(s)))
    free(s);
  return 0;
}

/* The rule files under dir, as `ctix sigma convert` finds them. */
static void collect(ctix_buf *files, const char *dir)
{
  ctix__sigma_walk(dir, add_file, files, NULL, NULL);
}

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Child: converts the corpus; prints "RULES CONVERTED" on stdout. */
static int run_one(const char *dir, const char *target, const char *const *pipes, size_t np)
{
  ctix_buf files = CTIX_BUF_INIT((size_t)1 << 26);
  ctix_sigma_converter *cv = NULL;
  ctix_error err;
  size_t i, n, ok = 0;
  collect(&files, dir);
  n = CTIX__BUF_COUNT(&files, char *);
  ctix_error_clear(&err);
  if (ctix_sigma_converter_new(&cv, target, pipes, np, &err)) {
    fprintf(stderr, "bench_sigma: %s: %s\n", target, err.message);
    return 1;
  }
  for (i = 0; i < n; i++) {
    ctix_sigma_rule *r = NULL;
    ctix_sigma_queries q = {0, NULL};
    ctix_error_clear(&err);
    if (ctix_sigma_rule_load_file(&r, CTIX__BUF_AT(&files, char *, i), &err) == 0 &&
        ctix_sigma_convert(&q, cv, r, &err) == 0)
      ok++;
    ctix_sigma_queries_free(&q);
    ctix_sigma_rule_free(r);
    free(CTIX__BUF_AT(&files, char *, i));
  }
  ctix_sigma_converter_free(cv);
  ctix__buf_free(&files);
  printf("%zu %zu\n", n, ok);
  return 0;
}

/*
 * Parent: runs one child for `target` + pipes; returns 0 with its wall
 * time (fork to exit), CPU time (user + system), peak RSS and counts, -1
 * if it failed.
 */
static int spawn(const char *dir, const char *target, const char *const *pipes, double *ms,
                 double *cpu_ms, long *rss_kib, size_t *rules, size_t *converted)
{
  const char *argv[MAX_PIPES + 5];
  char buf[128];
  int fd[2], status = 0;
  size_t i, k = 0, got = 0;
  ssize_t r;
  struct rusage ru;
  double t0;
  pid_t pid;
  argv[k++] = "bench_sigma";
  argv[k++] = "--one";
  argv[k++] = dir;
  argv[k++] = target;
  for (i = 0; i < MAX_PIPES && pipes[i]; i++)
    argv[k++] = pipes[i];
  argv[k] = NULL;
  if (pipe(fd) != 0)
    return -1;
  t0 = now();
  pid = fork();
  if (pid < 0) {
    close(fd[0]);
    close(fd[1]);
    return -1;
  }
  if (pid == 0) {
    close(fd[0]);
    if (dup2(fd[1], 1) < 0)
      _exit(127);
    execv("/proc/self/exe", (char *const *)argv);
    _exit(127);
  }
  close(fd[1]);
  while (got + 1 < sizeof(buf) && (r = read(fd[0], buf + got, sizeof(buf) - 1 - got)) > 0)
    got += (size_t)r;
  buf[got] = 0;
  close(fd[0]);
  memset(&ru, 0, sizeof(ru));
  if (wait4(pid, &status, 0, &ru) != pid)
    return -1;
  *ms = now() - t0;
  *rss_kib = ru.ru_maxrss;
  *cpu_ms = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
            (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
      sscanf(buf, "%zu %zu", rules, converted) != 2)
    return -1;
  return 0;
}

static int pipeline_known(const char *name)
{
  size_t i;
  const char *p;
  for (i = 0; (p = ctix_sigma_pipeline_name(i, NULL)); i++)
    if (strcmp(p, name) == 0)
      return 1;
  return 0;
}

/* Runs and prints one table row: the best of REPS child runs. */
static void row(const char *dir, const char *target, const char *const *pipes)
{
  char label[256];
  double best = 0, best_cpu = 0, ms, cpu;
  long rss = 0, r;
  size_t i, rules = 0, conv = 0;
  int bad = 0;
  snprintf(label, sizeof(label), "sigma/%s", target);
  for (i = 0; i < MAX_PIPES && pipes[i]; i++) {
    size_t n = strlen(label);
    snprintf(label + n, sizeof(label) - n, "+%s", pipes[i]);
  }
  for (i = 0; i < REPS; i++) {
    if (spawn(dir, target, pipes, &ms, &cpu, &r, &rules, &conv) != 0) {
      bad = 1;
      break;
    }
    if (i == 0 || ms < best)
      best = ms;
    if (i == 0 || cpu < best_cpu)
      best_cpu = cpu;
    if (r > rss)
      rss = r;
  }
  if (bad) {
    printf("bench %s error child process failed\n", label);
    return;
  }
  printf("bench %s rules %zu converted %zu wall_ms %.1f cpu_ms %.1f target_ms %.0f rss_kib %ld "
         "reps %d status %s\n",
         label, rules, conv, best, best_cpu, TARGET_MS, rss, REPS,
         best <= TARGET_MS && rss <= TARGET_RSS_KIB ? "PASS" : "FAIL");
  fflush(stdout);
}

int main(int argc, char **argv)
{
  const char *dir = CTIX_BENCH_SIGMA_DIR, *target, *none[] = {NULL};
  ctix_buf files = CTIX_BUF_INIT((size_t)1 << 26);
  double ms, cpu;
  long rss;
  size_t i, t, n, rules, conv;
  if (argc >= 4 && strcmp(argv[1], "--one") == 0)
    return run_one(argv[2], argv[3], (const char *const *)argv + 4, (size_t)(argc - 4));
  if (argc > 1)
    dir = argv[1];
  collect(&files, dir);
  n = CTIX__BUF_COUNT(&files, char *);
  for (i = 0; i < n; i++)
    free(CTIX__BUF_AT(&files, char *, i));
  ctix__buf_free(&files);
  if (n == 0) {
    printf("bench_sigma: no rules under %s (skipped)\n", dir);
    return 0;
  }
  spawn(dir, "splunk", none, &ms, &cpu, &rss, &rules, &conv); /* warms the page cache */
  for (t = 0; (target = ctix_sigma_target_name(t, NULL)); t++) {
    size_t rows = 0;
    for (i = 0; i < ctix__sigma_nviews; i++) {
      const char *pipes[2] = {ctix__sigma_views[i].pipeline, NULL};
      if (strcmp(ctix__sigma_views[i].target, target) != 0)
        continue;
      rows++;
      if (pipes[0] && !pipeline_known(pipes[0])) {
        printf("note sigma: %s with %s skipped (pipeline not built in)\n", target, pipes[0]);
        continue;
      }
      row(dir, target, pipes);
    }
    if (rows == 0)
      row(dir, target, none);
  }
  printf("note sigma: whole SigmaHQ corpus (%zu rules) per target; each row one fresh process "
         "(start, read, convert), best of %d wall and CPU; targets <= 100 ms wall and <= 30 MiB\n",
         n, REPS);
  return 0;
}
