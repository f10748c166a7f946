/*
 * IOC extraction benchmark (issue 4): throughput of ctix_ioc_extract on
 * the ~50 MB report-like text of ../shared/data/ioc/bench/gen_bench.py
 * (`gen_bench.py OUT --mb 50 --seed 1`, generated into the build folder
 * on first use, or $CTIX_IOC_BENCH_FILE when set), on one pinned core,
 * with the peak RSS of the process; and `ctix iocs --json` on the same
 * file as a whole process (wall time, peak RSS of the child). Without the
 * shared data the rows say "skipped" and a note says why.
 *
 * Rows (scripts/bench.sh):
 *   ioc/extract      the whole text in one call           target >= 500 MB/s
 *   ioc/per-doc      one call per document (split on the "\f" lines, as
 *                    the peers were run)                   target >= 500 MB/s
 *   ioc/ctix-iocs    `ctix iocs --json FILE > /dev/null`, whole process
 *                    (reading, document building, extraction, output)
 * and a note with the RSS verdict (target: peak RSS < 2x the input) and
 * the size of the one-call list itself (items, hits and their strings):
 * the input and the finished list are held together when the call
 * returns, so their sum is the least a call can peak at.
 */
#define _GNU_SOURCE /* sched_setaffinity, sched_getcpu */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ctix/ioc.h"
#include "ctix_config.h"
#include "util/str.h"

#define TARGET_MB_S 500.0
#define TARGET_RSS_RATIO 2.0
#define REPS 3
#define BENCH_MB "50"
#define BENCH_SEED "1"

static double now_s(int clock)
{
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A "Vm..." line of /proc/self/status in KiB, or 0. */
static long status_kib(const char *key)
{
  char line[256];
  long v = 0;
  size_t n = strlen(key);
  FILE *f = fopen("/proc/self/status", "r");
  if (!f)
    return 0;
  while (fgets(line, sizeof(line), f))
    if (strncmp(line, key, n) == 0 && line[n] == ':') {
      v = strtol(line + n + 1, NULL, 10);
      break;
    }
  fclose(f);
  return v;
}

/* Resets the kernel's peak-RSS mark to the current RSS (Linux >= 4.0), so
 * each row reports its own peak. */
static void reset_peak_rss(void)
{
  FILE *f = fopen("/proc/self/clear_refs", "w");
  if (f) {
    fputs("5", f);
    fclose(f);
  }
}

/* Pins the process to the CPU it runs on; returns that CPU or -1. */
static int pin_to_one_cpu(void)
{
  cpu_set_t set;
  int cpu = sched_getcpu();
  if (cpu < 0)
    return -1;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return sched_setaffinity(0, sizeof(set), &set) == 0 ? cpu : -1;
}

static bool is_file(const char *path, struct stat *st)
{
  return stat(path, st) == 0 && S_ISREG(st->st_mode);
}

/* The folder of this program's build: the parent of bench/. */
static bool build_dir(char *out, size_t size)
{
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  char *slash;
  if (n <= 0)
    return false;
  exe[n] = 0;
  if (!(slash = strrchr(exe, '/')))
    return false;
  *slash = 0;                       /* .../bench */
  if (!(slash = strrchr(exe, '/')))
    return false;
  *slash = 0;                       /* the build folder */
  return !ctix__strlcpy(out, exe, size);
}

/* Runs argv (no shell) with stdout to /dev/null when `quiet`; returns its
 * exit status (or -1), the wall time and the child's peak RSS in KiB. */
static int run_child(char *const argv[], bool quiet, double *wall, long *rss_kib)
{
  struct rusage ru;
  int status = 0;
  double t0 = now_s(CLOCK_MONOTONIC);
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    if (quiet) {
      int fd = open("/dev/null", O_WRONLY);
      if (fd >= 0) {
        dup2(fd, STDOUT_FILENO);
        close(fd);
      }
    }
    execvp(argv[0], argv);
    _exit(127);
  }
  memset(&ru, 0, sizeof(ru));
  if (wait4(pid, &status, 0, &ru) < 0)
    return -1;
  if (wall)
    *wall = now_s(CLOCK_MONOTONIC) - t0;
  if (rss_kib)
    *rss_kib = ru.ru_maxrss;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * Finds or makes the bench text: $CTIX_IOC_BENCH_FILE, else
 * BUILD/bench/ioc-bench-50mb.txt, generated (again when the generator is
 * newer) with the shared gen_bench.py. Returns false with `why` filled.
 */
static bool bench_file(char *path, size_t size, char *why, size_t wsize)
{
  const char *env = getenv("CTIX_IOC_BENCH_FILE"), *shared = getenv("CTIX_SHARED_DIR");
  char gen[PATH_MAX], dir[PATH_MAX], tmp[PATH_MAX + 8];
  struct stat sg, sf;
  if (env && *env) {
    ctix__strlcpy(path, env, size);
    if (is_file(path, &sf))
      return true;
    snprintf(why, wsize, "CTIX_IOC_BENCH_FILE=%s is not a file", env);
    return false;
  }
  if (shared && *shared)
    snprintf(gen, sizeof(gen), "%s/data/ioc/bench/gen_bench.py", shared);
  else
    snprintf(gen, sizeof(gen), "%s/../shared/data/ioc/bench/gen_bench.py", CTIX_SOURCE_DIR);
  if (!is_file(gen, &sg)) {
    snprintf(why, wsize, "%s not found (no shared data)", gen);
    return false;
  }
  if (!build_dir(dir, sizeof(dir))) {
    snprintf(why, wsize, "cannot locate the build folder");
    return false;
  }
  if (snprintf(path, size, "%s/bench/ioc-bench-" BENCH_MB "mb.txt", dir) >= (int)size ||
      snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
    snprintf(why, wsize, "path of the build folder too long");
    return false;
  }
  if (is_file(path, &sf) && sf.st_mtime >= sg.st_mtime)
    return true;
  {
    char *argv[] = {"python3", gen, tmp, "--mb", BENCH_MB, "--seed", BENCH_SEED, NULL};
    fprintf(stderr, "bench_ioc: generating %s ...\n", path);
    if (run_child(argv, true, NULL, NULL) != 0 || rename(tmp, path) != 0) {
      unlink(tmp);
      snprintf(why, wsize, "generating the text with %s failed", gen);
      return false;
    }
  }
  return true;
}

/* Reads the whole file; NULL on failure. */
static char *read_all(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  struct stat st;
  char *data;
  if (!f)
    return NULL;
  if (fstat(fileno(f), &st) != 0 || st.st_size <= 0 || !(data = malloc((size_t)st.st_size + 1))) {
    fclose(f);
    return NULL;
  }
  *len = fread(data, 1, (size_t)st.st_size, f);
  fclose(f);
  if (*len != (size_t)st.st_size) {
    free(data);
    return NULL;
  }
  data[*len] = 0;
  return data;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Counts of one extraction pass; list_bytes only when asked for. */
typedef struct pass {
  size_t items, hits, rejected, list_bytes;
} pass;

static void count(pass *p, const ctix_ioc_list *l, bool sizes)
{
  size_t i;
  p->items += l->nitems;
  p->hits += l->nhits;
  for (i = 0; i < l->nitems; i++)
    p->rejected += l->items[i].status == CTIX_IOC_STATUS_REJECTED;
  if (!sizes)
    return;
  /* the list's own data: the arrays and each string once (the written
   * form shares the value's string when they are equal) */
  p->list_bytes += l->nitems * sizeof(ctix_ioc) + l->nhits * sizeof(ctix_ioc_hit);
  for (i = 0; i < l->nitems; i++) {
    const ctix_ioc *it = &l->items[i];
    p->list_bytes += strlen(it->value) + 1;
    if (it->original && it->original != it->value)
      p->list_bytes += strlen(it->original) + 1;
  }
}

/* One pass over the text: whole (one call) or per document; `sizes`
 * also sums the lists' sizes (a few milliseconds on the bench text). */
static int extract_pass(const char *text, size_t len, bool per_doc, bool sizes, pass *p,
                        ctix_error *err)
{
  ctix_ioc_options o;
  size_t pos = 0;
  ctix_ioc_options_init(&o);
  o.max_input = len;
  memset(p, 0, sizeof(*p));
  while (pos < len) {
    size_t end = len;
    ctix_ioc_list *l = NULL;
    if (per_doc) {
      const char *ff = memchr(text + pos, '\f', len - pos);
      end = ff ? (size_t)(ff - text) + 1 : len;
    }
    if (ctix_ioc_extract(&l, text + pos, end - pos, &o, err))
      return -1;
    count(p, l, sizes);
    ctix_ioc_list_free(l);
    pos = end;
  }
  return 0;
}

/* Times REPS passes and prints the row. */
static void bench_extract(const char *name, const char *text, size_t len, bool per_doc,
                          int cpu, long *peak_kib, size_t *list_bytes)
{
  double wall[REPS], cpu_s[REPS];
  pass p;
  ctix_error err;
  int r;
  double mb = (double)len / 1e6;
  reset_peak_rss();
  for (r = 0; r < REPS; r++) {
    double w0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
    ctix_error_clear(&err);
    /* the sizes are summed in the first pass only */
    if (extract_pass(text, len, per_doc, r == 0, &p, &err)) {
      printf("bench %s input_mb %.2f target_mb_s %.0f error %s\n", name, mb, TARGET_MB_S,
             err.message);
      return;
    }
    wall[r] = now_s(CLOCK_MONOTONIC) - w0;
    cpu_s[r] = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    if (r == 0)
      *list_bytes = p.list_bytes;
  }
  qsort(wall, REPS, sizeof(double), cmp_double);
  qsort(cpu_s, REPS, sizeof(double), cmp_double);
  *peak_kib = status_kib("VmHWM");
  printf("bench %s input_mb %.2f mb_s %.1f target_mb_s %.0f best_mb_s %.1f cpu_mb_s %.1f "
         "rss_kib %ld rss_ratio %.2f reps %d cpu %d items %zu hits %zu rejected %zu\n",
         name, mb, mb / wall[REPS / 2], TARGET_MB_S, mb / wall[0], mb / cpu_s[REPS / 2],
         *peak_kib, (double)*peak_kib * 1024.0 / (double)len, REPS, cpu, p.items, p.hits,
         p.rejected);
  fflush(stdout);
}

/* `ctix iocs --json FILE` as a whole process. */
static void bench_process(const char *path, size_t len)
{
  char dir[PATH_MAX], ctix[PATH_MAX + 8];
  char *argv[] = {ctix, "iocs", "--json", "--max-size", "1G", (char *)path, NULL};
  struct stat st;
  double wall = 0, mb = (double)len / 1e6;
  long rss = 0;
  int rc;
  if (!build_dir(dir, sizeof(dir))) {
    printf("bench ioc/ctix-iocs error cannot locate the build folder\n");
    return;
  }
  if (snprintf(ctix, sizeof(ctix), "%s/ctix", dir) >= (int)sizeof(ctix) || !is_file(ctix, &st)) {
    printf("bench ioc/ctix-iocs skipped=no-ctix-binary\n");
    return;
  }
  rc = run_child(argv, true, &wall, &rss);
  if (rc != 0) {
    printf("bench ioc/ctix-iocs input_mb %.2f error ctix iocs exited with status %d\n", mb, rc);
    return;
  }
  printf("bench ioc/ctix-iocs input_mb %.2f mb_s %.1f wall_ms %.0f rss_kib %ld rss_ratio %.2f\n",
         mb, mb / wall, wall * 1e3, rss, (double)rss * 1024.0 / (double)len);
}

int main(void)
{
  char path[PATH_MAX], why[PATH_MAX + 64];
  char *text;
  size_t len = 0;
  long peak_whole = 0, peak_doc = 0, before;
  size_t list_whole = 0, list_doc = 0;
  int cpu;
  if (!bench_file(path, sizeof(path), why, sizeof(why))) {
    printf("bench ioc/extract skipped=no-input\n");
    printf("note ioc: skipped: %s; set CTIX_SHARED_DIR or CTIX_IOC_BENCH_FILE\n", why);
    return 0;
  }
  if (!(text = read_all(path, &len))) {
    printf("bench ioc/extract error cannot read %s: %s\n", path, strerror(errno));
    return 0;
  }
  cpu = pin_to_one_cpu();
  before = status_kib("VmRSS");
  bench_extract("ioc/extract", text, len, false, cpu, &peak_whole, &list_whole);
  bench_extract("ioc/per-doc", text, len, true, cpu, &peak_doc, &list_doc);
  free(text);
  bench_process(path, len);
  printf("note ioc: input %s (%.2f MB, %.1f MiB RSS once read); peak RSS during extraction "
         "%.2fx the input in one call, %.2fx per document (target < %.0fx: %s); the one-call "
         "list itself %.1f MiB (%.2fx the input), so a call peaks at %.2fx at least\n",
         path, (double)len / 1e6, (double)before / 1024.0,
         (double)peak_whole * 1024.0 / (double)len, (double)peak_doc * 1024.0 / (double)len,
         TARGET_RSS_RATIO,
         (double)peak_whole * 1024.0 / (double)len < TARGET_RSS_RATIO ? "PASS" : "FAIL",
         (double)list_whole / 1048576.0, (double)list_whole / (double)len,
         ((double)before * 1024.0 + (double)list_whole) / (double)len);
  return 0;
}
