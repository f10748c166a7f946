/*
 * Corpus driver of the Sigma integration test (sigma_corpus.sh): for each
 * article given, builds an analysis (the pipeline's stages, plus the
 * techniques, malware and tools of the article's label file when the
 * pipeline has no such stage, plus every technique of the template
 * library, so each template is filled from every article), generates its
 * Sigma rules twice (they must be byte-identical) and writes them to
 * OUTDIR/<article>/<file name>. OUTDIR/<article>/iocs.jsonl lists the
 * article's `ioc` observables (type, value) for the coverage check.
 *
 *   sigma_corpus OUTDIR FILE...     exit 0, or 1 if any article failed
 *
 * With CTIX_SIGMA_CORPUS_PLAIN set, only the pipeline's own results are
 * used (the golden test).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "ctix/ctix.h"
#include "ctix/respond.h"
#include "respond/respond_internal.h"
#include "respond/sigma.h"
#include "../../unit/export_test.h"

static char *slurp(const char *path, size_t *len)
{
  FILE *fp = fopen(path, "rb");
  ctix_buf b = CTIX_BUF_INIT((size_t)64 << 20);
  char chunk[65536];
  size_t n;
  if (!fp)
    return NULL;
  while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
    ctix__buf_add(&b, chunk, n);
  fclose(fp);
  return ctix__buf_detach(&b, len);
}

static const char *base_name(const char *path)
{
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

static json_t *labels_for(const char *path)
{
  char lp[4096];
  size_t n = strlen(path), sn = strlen(".text.txt");
  if (n <= sn || strcmp(path + n - sn, ".text.txt") || n - sn + 6 > sizeof(lp))
    return NULL;
  memcpy(lp, path, n - sn);
  memcpy(lp + n - sn, ".json", 6);
  return json_load_file(lp, 0, NULL);
}

static int write_file(const char *path, const char *data, size_t len)
{
  FILE *f = fopen(path, "wb");
  int ok = f && fwrite(data, 1, len, f) == len;
  if (f && fclose(f))
    ok = 0;
  return ok ? 0 : -1;
}

/* Generates the rules of one analysis into a buffer of records. */
static int generate(ctix_buf *rules, ctix_arena *arena, const ctix_analysis *a, const char *url)
{
  ctix_response_options o;
  ctix_error err;
  int rc;
  ctix_response_options_init(&o);
  (void)url;
  ctix_error_clear(&err);
  rc = ctix__sigma_generate(rules, arena, a, &o, &err);
  if (rc)
    fprintf(stderr, "sigma_corpus: %s\n", err.message);
  return rc;
}

static int one(const char *outdir, const char *path)
{
  export_fx f;
  size_t len = 0, i, n1, n2;
  char *text = slurp(path, &len);
  json_t *labels = labels_for(path), *v;
  ctix_buf r1 = CTIX_BUF_INIT((size_t)1 << 28), r2 = CTIX_BUF_INIT((size_t)1 << 28);
  ctix_arena a1, a2;
  const ctix__sigma_template *tpl;
  size_t ntpl;
  char dir[4096];
  int rc = 1;
  bool plain = getenv("CTIX_SIGMA_CORPUS_PLAIN") != NULL;
  ctix__arena_init(&a1, 0);
  ctix__arena_init(&a2, 0);
  if (!text || export_fx_init(&f, text, len, base_name(path))) {
    fprintf(stderr, "sigma_corpus: %s: cannot read or analyse\n", path);
    free(text);
    json_decref(labels);
    return 1;
  }
  if (labels) {
    json_array_foreach(json_object_get(labels, "techniques"), i, v)
    {
      const char *tid = json_string_value(v);
      if (tid)
        export_fx_technique(&f, tid, 0.8f, CTIX_TTP_OBSERVED, NULL);
    }
    json_array_foreach(json_object_get(labels, "malware"), i, v)
      if (json_string_value(v))
        export_fx_entity(&f, CTIX_ENTITY_MALWARE, json_string_value(v), NULL, "named", 0.9f);
    json_array_foreach(json_object_get(labels, "tools"), i, v)
      if (json_string_value(v))
        export_fx_entity(&f, CTIX_ENTITY_TOOL, json_string_value(v), NULL, "named", 0.9f);
  }
  if (!plain) {
    if (ctix__sigma_templates(&tpl, &ntpl, NULL) == 0)
      for (i = 0; i < ntpl; i++)
        export_fx_technique(&f, tpl[i].technique, 0.6f, CTIX_TTP_OBSERVED, NULL);
    export_fx_risk(&f, "observed_techniques", 55, "techniques");
  }
  if (export_fx_finish(&f))
    goto done;
  if (generate(&r1, &a1, &f.a, NULL) || generate(&r2, &a2, &f.a, NULL))
    goto done;
  n1 = CTIX__BUF_COUNT(&r1, ctix_response_rule);
  n2 = CTIX__BUF_COUNT(&r2, ctix_response_rule);
  if (n1 != n2) {
    fprintf(stderr, "sigma_corpus: %s: rule counts differ between runs\n", path);
    goto done;
  }
  snprintf(dir, sizeof(dir), "%s/%s", outdir, base_name(path));
  mkdir(dir, 0777);
  for (i = 0; i < n1; i++) {
    const ctix_response_rule *x = &CTIX__BUF_AT(&r1, ctix_response_rule, i),
                          *y = &CTIX__BUF_AT(&r2, ctix_response_rule, i);
    char p[8192];
    if (strcmp(x->yaml, y->yaml) || strcmp(x->file_name, y->file_name)) {
      fprintf(stderr, "sigma_corpus: %s: %s differs between runs\n", path, x->file_name);
      goto done;
    }
    snprintf(p, sizeof(p), "%s/%s", dir, x->file_name);
    if (write_file(p, x->yaml, strlen(x->yaml)))
      goto done;
  }
  {
    char p[8192];
    FILE *jf;
    snprintf(p, sizeof(p), "%s/iocs.jsonl", dir);
    jf = fopen(p, "wb");
    if (!jf)
      goto done;
    for (i = 0; f.a.iocs && i < f.a.iocs->nitems; i++) {
      const ctix_ioc *o = &f.a.iocs->items[i];
      json_t *j;
      if (o->status != CTIX_IOC_STATUS_IOC)
        continue;
      j = json_pack("{s:s,s:s}", "type", ctix_ioc_type_name((ctix_ioc_type)o->type), "value",
                    o->value);
      if (j) {
        char *s = json_dumps(j, JSON_COMPACT);
        if (s)
          fprintf(jf, "%s\n", s);
        free(s);
        json_decref(j);
      }
    }
    fclose(jf);
  }
  printf("%s: %zu rules\n", base_name(path), n1);
  rc = 0;
done:
  ctix__buf_free(&r1);
  ctix__buf_free(&r2);
  ctix__arena_free(&a1);
  ctix__arena_free(&a2);
  export_fx_free(&f);
  free(text);
  json_decref(labels);
  return rc;
}

int main(int argc, char **argv)
{
  int i, failed = 0;
  if (argc < 3) {
    fprintf(stderr, "usage: sigma_corpus OUTDIR FILE...\n");
    return 2;
  }
  for (i = 2; i < argc; i++)
    failed |= one(argv[1], argv[i]);
  return failed;
}
