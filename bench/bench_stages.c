/*
 * Per-stage cost of analysing real articles: every *.text.txt of the
 * article corpus ($CTIX_SHARED_DIR/data/articles/dev, else ../shared next
 * to the sources; the repository's examples/ when that is absent) is
 * parsed once, then each stage and writer runs on it REPS times and the
 * median is kept. Prints one row per stage (scripts/bench.sh):
 *   bench stage/NAME ms_per_article X ms_per_3000_words Y articles N
 * and a note naming the input. The whole analysis of one article is the
 * sum; `ctix analyze` adds only reading and writing files.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ctix/ctix.h"
#include "ctix/export.h"
#include "ctix/render.h"
#include "ctix/respond.h"
#include "ctix_config.h"
#include "util/buf.h"

#define MAX_ARTICLES 256
#define REPS 7

enum { ST_DOCUMENT, ST_IOCS, ST_TECHNIQUES, ST_ENTITIES, ST_ASSESS, ST_RESPONSE, ST_STIX,
       ST_HTML, ST_COUNT };

static const char *const stage_names[ST_COUNT] = {
    "document", "iocs", "techniques", "entities", "assessment", "response", "stix", "html"};

static double now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads a whole file into a NUL-terminated buffer; NULL on failure. */
static char *slurp(const char *path, size_t *len)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)64 << 20);
  char chunk[65536];
  size_t n;
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
    ctix__buf_add(&b, chunk, n);
  fclose(f);
  ctix__buf_addc(&b, '\0');
  if (b.err) {
    ctix__buf_free(&b);
    return NULL;
  }
  *len = b.len - 1;
  return ctix__buf_detach(&b, NULL);
}

/* The article texts: *.text.txt of dir (or *.md of examples/), sorted. */
static size_t list_inputs(char **paths, const char *dir, const char *suffix)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  size_t n = 0, sl = strlen(suffix);
  if (!d)
    return 0;
  while ((e = readdir(d)) && n < MAX_ARTICLES) {
    size_t l = strlen(e->d_name);
    if (l > sl && strcmp(e->d_name + l - sl, suffix) == 0) {
      size_t need = strlen(dir) + l + 2;
      paths[n] = malloc(need);
      if (!paths[n])
        break;
      snprintf(paths[n], need, "%s/%s", dir, e->d_name);
      n++;
    }
  }
  closedir(d);
  qsort(paths, n, sizeof(*paths), cmp_str);
  return n;
}

/* Runs stage `s` once on `a` (whose earlier stages are filled); 0 or an error. */
static int run_stage(int s, ctix_analysis *a, const ctix_options *o, ctix_error *err)
{
  char *out = NULL;
  size_t len = 0;
  int rc = 0;
  switch (s) {
  case ST_IOCS: {
    ctix_ioc_list *l = NULL;
    ctix_ioc_options io;
    ctix_ioc_options_init(&io);
    rc = ctix_ioc_extract_document(&l, a->doc, &io, err);
    ctix_ioc_list_free(l);
    break;
  }
  case ST_TECHNIQUES: {
    ctix_ttp_list *l = NULL;
    rc = ctix_ttp_map_document(&l, a->doc, &o->ttp, err);
    ctix_ttp_list_free(l);
    break;
  }
  case ST_ENTITIES: {
    ctix_entity_list *l = NULL;
    rc = ctix_entity_extract(&l, a->doc, a->iocs, &o->entity, err);
    ctix_entity_list_free(l);
    break;
  }
  case ST_ASSESS: {
    ctix_assessment *x = NULL;
    rc = ctix_assess(&x, a->doc, a->iocs, a->techniques, a->entities, &o->assess, err);
    ctix_assessment_free(x);
    break;
  }
  case ST_RESPONSE: {
    ctix_response *x = NULL;
    rc = ctix_respond(&x, a, NULL, err);
    ctix_response_free(x);
    break;
  }
  case ST_STIX: rc = ctix_export_stix(&out, &len, a, NULL, err); break;
  case ST_HTML: rc = ctix_render_html(&out, &len, a, NULL, err); break;
  default: break;
  }
  free(out);
  return rc;
}

int main(void)
{
  char *paths[MAX_ARTICLES];
  static double times[ST_COUNT][MAX_ARTICLES * REPS];
  double words_total = 0, per[REPS];
  size_t n, i, nt[ST_COUNT] = {0};
  const char *env = getenv("CTIX_SHARED_DIR");
  char dir[4096];
  const char *used = dir;
  int s, r, failed = 0;
  ctix_options opts;

  snprintf(dir, sizeof(dir), "%s/data/articles/dev",
           env && *env ? env : CTIX_SOURCE_DIR "/../shared");
  n = list_inputs(paths, dir, ".text.txt");
  if (!n) {
    used = CTIX_SOURCE_DIR "/examples";
    n = list_inputs(paths, used, ".md");
  }
  if (!n) {
    printf("bench stages error no articles in %s or examples/\n", dir);
    return 1;
  }
  ctix_options_init(&opts);
  for (i = 0; i < n; i++) {
    size_t len = 0;
    char *text = slurp(paths[i], &len);
    ctix_document *doc = NULL;
    ctix_analysis *a = NULL;
    ctix_error err;
    ctix_error_clear(&err);
    if (!text)
      continue;
    for (r = 0; r < REPS; r++) {
      ctix_document *d = NULL;
      double t0 = now_ms();
      if (ctix_document_parse(&d, text, len, &opts.doc, &err) == 0)
        per[r] = now_ms() - t0;
      ctix_document_free(d);
    }
    qsort(per, REPS, sizeof(double), cmp_double);
    times[ST_DOCUMENT][nt[ST_DOCUMENT]++] = per[REPS / 2];
    /* One full analysis gives every stage its inputs. */
    if (ctix_document_parse(&doc, text, len, &opts.doc, &err) ||
        ctix_analyze(&a, doc, NULL, &opts, &err)) {
      fprintf(stderr, "bench_stages: %s: %s\n", paths[i], err.message);
      failed = 1;
      free(text);
      continue;
    }
    words_total += (double)a->stats.words;
    for (s = ST_IOCS; s < ST_COUNT; s++) {
      for (r = 0; r < REPS; r++) {
        double t0 = now_ms();
        if (run_stage(s, a, &opts, &err)) {
          fprintf(stderr, "bench_stages: %s: %s: %s\n", paths[i], stage_names[s], err.message);
          failed = 1;
        }
        per[r] = now_ms() - t0;
      }
      qsort(per, REPS, sizeof(double), cmp_double);
      times[s][nt[s]++] = per[REPS / 2];
    }
    ctix_analysis_free(a);
    free(text);
  }
  for (s = 0; s < ST_COUNT; s++) {
    double sum = 0;
    for (i = 0; i < nt[s]; i++)
      sum += times[s][i];
    printf("bench stage/%s ms_per_article %.3f ms_per_3000_words %.3f articles %zu\n",
           stage_names[s], nt[s] ? sum / (double)nt[s] : 0.0,
           words_total > 0 ? sum * 3000.0 / words_total : 0.0, nt[s]);
  }
  printf("note stages: mean over %zu articles of %s (%.0f words each on average), median of %d "
         "runs per article and stage\n",
         n, used, words_total / (double)n, REPS);
  for (i = 0; i < n; i++)
    free(paths[i]);
  return failed;
}
