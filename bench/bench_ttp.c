/*
 * Technique mapping benchmark (issue 5): the mapping stage alone
 * (ctix_ttp_map_document on documents already built), on one pinned core.
 * Input: the report texts of data/ttp-eval/tram2-docs/dev.jsonl under the
 * shared data ($CTIX_SHARED_DIR, else ../shared next to the repository)
 * when present (120 real reports), else the sample articles in examples/.
 *
 * Rows (scripts/bench.sh):
 *   ttp/map     sentences per second over the corpus    target >= 50,000
 *               and milliseconds per 3,000-word article (time per word x 3000),
 *               from the process's CPU time (the machine may be shared), with
 *               the wall-clock rate beside it
 *   ttp/load    loading the embedded model: size, load time (CPU) the way
 *               ctix loads it (checksum skipped, postings used in place;
 *               first load, so the model's pages are faulted in), and the
 *               time of the fully checked load used for model files
 */
#define _GNU_SOURCE /* sched_setaffinity, sched_getcpu */
#include <jansson.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctix/ttp.h"
#include "ctix_config.h"
#include "ttp/model.h"
#include "util/buf.h"
#include "util/str.h"

#define TARGET_SENT_S 50000.0
#define REPS 3
#define MAX_DOCS 512

static double clock_s(clockid_t id)
{
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_s(void) { return clock_s(CLOCK_MONOTONIC); }
/* CPU time of the process: the one-core figure on a shared machine. */
static double cpu_s(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }

static void pin(void)
{
  cpu_set_t set;
  int cpu = sched_getcpu();
  if (cpu < 0)
    return;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  sched_setaffinity(0, sizeof(set), &set);
}

static size_t count_words(const char *s, size_t n)
{
  size_t i, w = 0;
  bool in = false;
  for (i = 0; i < n; i++) {
    bool sp = ctix__isspace((unsigned char)s[i]);
    if (!sp && !in)
      w++;
    in = !sp;
  }
  return w;
}

/* Reads the documents: tram2-docs texts, else the sample articles. */
static size_t load_docs(ctix_document **docs, const char **origin)
{
  char path[4096];
  size_t n = 0;
  FILE *f;
  ctix_doc_options o;
  const char *env = getenv("CTIX_SHARED_DIR");
  ctix_doc_options_init(&o);
  if (env && *env)
    snprintf(path, sizeof(path), "%s/data/ttp-eval/tram2-docs/dev.jsonl", env);
  else
    snprintf(path, sizeof(path), "%s/data/ttp-eval/tram2-docs/dev.jsonl", CTIX_SOURCE_DIR "/../shared");
  if ((f = fopen(path, "r"))) {
    char *line = NULL;
    size_t cap = 0;
    o.format = CTIX_FORMAT_TEXT;
    while (n < MAX_DOCS && getline(&line, &cap, f) > 0) {
      json_t *j = json_loads(line, JSON_ALLOW_NUL, NULL);
      json_t *t = json_object_get(j, "text");
      ctix_error err;
      ctix_error_clear(&err);
      if (json_is_string(t) &&
          ctix_document_parse(&docs[n], json_string_value(t), json_string_length(t), &o, &err) == 0)
        n++;
      json_decref(j);
    }
    free(line);
    fclose(f);
    *origin = "tram2-docs dev reports";
  }
  if (n == 0) {
    static const char *const samples[] = {"examples/technical-writeup.md", "examples/news-breach.md",
                                          "examples/news-breach.html"};
    size_t i;
    for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
      ctix_error err;
      ctix_error_clear(&err);
      snprintf(path, sizeof(path), "%s/%s", CTIX_SOURCE_DIR, samples[i]);
      if (ctix_document_load(&docs[n], path, &o, &err) == 0)
        n++;
    }
    *origin = "examples/";
  }
  return n;
}

int main(void)
{
  static ctix_document *docs[MAX_DOCS];
  const char *origin = "";
  size_t n, i, r, sentences = 0, words = 0, hits = 0;
  const unsigned char *blob;
  size_t blen = 0;
  ctix_ttp_model *m = NULL;
  const ctix_ttp_model *dm;
  ctix_error err;
  double t0, c0, load_ms, checked_ms, dense_kib, best = 1e30, best_wall = 1e30;
  ctix_error_clear(&err);
  pin();
  blob = ctix__ttp_model_embedded(&blen);
  c0 = cpu_s();
  if (!blen || ctix__ttp_model_load_embedded(&m, blob, blen, &err)) {
    printf("bench ttp/map error no embedded technique model: %s\n", err.message);
    return 0;
  }
  load_ms = (cpu_s() - c0) * 1e3;
  dense_kib = (double)m->ndense * m->stride * sizeof(int16_t) / 1024.0;
  ctix_ttp_model_free(m);
  c0 = cpu_s();
  if (ctix__ttp_model_load_mem(&m, blob, blen, "embedded", &err)) {
    printf("bench ttp/map error embedded technique model: %s\n", err.message);
    return 0;
  }
  checked_ms = (cpu_s() - c0) * 1e3;
  printf("bench ttp/load model_kib %zu load_ms %.2f checked_load_ms %.2f classes %u features %u "
         "dense_rows %u dense_kib %.0f\n",
         blen / 1024, load_ms, checked_ms, m->nclasses, m->nfeat, m->ndense, dense_kib);
  ctix_ttp_model_free(m);
  if (ctix_ttp_model_default(&dm, &err)) {
    printf("bench ttp/map error %s\n", err.message);
    return 0;
  }
  n = load_docs(docs, &origin);
  for (i = 0; i < n; i++) {
    sentences += docs[i]->nsentences;
    words += count_words(docs[i]->text, docs[i]->len);
  }
  if (!n || !sentences) {
    printf("bench ttp/map error no documents to map\n");
    return 0;
  }
  {
    ctix_kb const *kb;
    ctix_kb_default(&kb, &err); /* load outside the timing */
  }
  for (r = 0; r < REPS; r++) {
    double el, wall;
    t0 = now_s();
    c0 = cpu_s();
    hits = 0;
    for (i = 0; i < n; i++) {
      ctix_ttp_list *l = NULL;
      if (ctix_ttp_map_document(&l, docs[i], NULL, &err)) {
        printf("bench ttp/map error %s\n", err.message);
        return 0;
      }
      hits += l->count;
      ctix_ttp_list_free(l);
    }
    el = cpu_s() - c0;
    wall = now_s() - t0;
    if (el < best)
      best = el;
    if (wall < best_wall)
      best_wall = wall;
  }
  printf("bench ttp/map sent_s %.0f status %s wall_sent_s %.0f documents %zu sentences %zu "
         "words %zu ms_per_3000_words %.2f techniques %zu\n",
         (double)sentences / best, (double)sentences / best >= TARGET_SENT_S ? "PASS" : "FAIL",
         (double)sentences / best_wall, n, sentences, words,
         best * 1e3 / (double)words * 3000.0, hits);
  printf("note ttp: corpus %s; target %.0f sentences/s on one core\n", origin, TARGET_SENT_S);
  for (i = 0; i < n; i++)
    ctix_document_free(docs[i]);
  return 0;
}
