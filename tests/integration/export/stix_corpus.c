/*
 * Corpus driver of the STIX integration test (stix_corpus.sh): for each
 * article given, builds a full analysis (the pipeline's stages, plus
 * techniques, actors, malware, tools and CVEs from the article's label
 * file <name>.json when it has one and the pipeline has no such stage),
 * writes its bundle twice, checks the two are byte-identical and that the
 * bundle parses as JSON, and saves it as OUTDIR/<name>.stix.json. Prints
 * one line per article: objects in the bundle and per type.
 *
 *   stix_corpus OUTDIR FILE...     exit 0, or 1 if any article failed
 *   stix_corpus --hostile OUTDIR N
 *       the same for a hand-built hostile analysis: every observable of
 *       export_hostile_iocs (tests/unit/export_test.h) plus N generated
 *       ones, entities and evidence with quotes, backslashes, brackets,
 *       control characters and odd Unicode; writes OUTDIR/hostile-N.stix.json
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ctix/ctix.h"
#include "ctix/export.h"
#include "../../unit/export_test.h"

/* Reads a whole file; NULL on error. */
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

/* The label file next to an article: X.text.txt -> X.json; NULL if none. */
static json_t *labels_for(const char *path)
{
  char lp[4096];
  size_t n = strlen(path);
  const char *suffix = ".text.txt";
  size_t sn = strlen(suffix);
  if (n <= sn || strcmp(path + n - sn, suffix) || n - sn + 6 > sizeof(lp))
    return NULL;
  memcpy(lp, path, n - sn);
  memcpy(lp + n - sn, ".json", 6);
  return json_load_file(lp, 0, NULL);
}

/* Adds every string of labels[key] as an entity of `kind`. */
static int add_entities(export_fx *f, json_t *labels, const char *key, ctix_entity_kind kind)
{
  json_t *arr = json_object_get(labels, key), *v;
  size_t i;
  int rc = 0;
  json_array_foreach(arr, i, v)
  {
    const char *s = json_string_value(v);
    if (s && !rc)
      rc = export_fx_entity(f, kind, s, kind == CTIX_ENTITY_VULNERABILITY ? s : NULL,
                            "named by the source", 0.9f);
  }
  return rc;
}

/* Victim context the labels do not give: a sector and countries the text names. */
static int add_context(export_fx *f)
{
  static const struct {
    const char *word, *code;
  } countries[] = {{"South Korea", "KR"}, {"United States", "US"}, {"Ukraine", "UA"},
                   {"Israel", "IL"},      {"Taiwan", "TW"},        {"Germany", "DE"}};
  const ctix_document *d = export_fx_doc(f);
  size_t i;
  int rc = 0;
  if (!d)
    return 0;
  if (ctix__mem_ifind(d->text, d->len, "government"))
    rc = export_fx_entity(f, CTIX_ENTITY_SECTOR, "government", "government", "targeted", 0.7f);
  for (i = 0; i < sizeof(countries) / sizeof(countries[0]) && !rc; i++)
    if (ctix__mem_ifind(d->text, d->len, countries[i].word))
      rc = export_fx_entity(f, CTIX_ENTITY_LOCATION, countries[i].word, countries[i].code,
                            "targeted", 0.6f);
  return rc;
}

/* Exports f's analysis twice, compares, parses, saves OUTDIR/NAME.stix.json, prints counts. */
static int emit(const char *outdir, const char *name, export_fx *f, const ctix_export_options *o);

/* A hand-built hostile analysis with `extra` generated observables. */
static int hostile(const char *outdir, size_t extra)
{
  static const char text[] =
      "# Evil'\"Mal\\ware] report \x01\xe2\x80\xa8\n\n"
      "The actor used PowerShell ('powershell -enc ...') and cmd.exe /c \"del \\\\x\".\n\n"
      "Evil'\"Mal\\ware] targeted the go\x7fvernment of Ukraine \xf0\x9f\x98\x80.\n";
  export_fx f;
  ctix_export_options o;
  char name[64];
  int rc = 1;
  ctix_export_options_init(&o);
  o.producer = "Producer 'with' \"quotes\" \\ ]";
  o.source_url = "http://example.com/a b'\"<>";
  o.timestamp = "2024-02-29T23:30:00-01:30";
  if (export_fx_init(&f, text, sizeof(text) - 1, "hostile'\"\\].md") ||
      export_fx_technique(&f, "T1059.001", 0.9f, CTIX_TTP_OBSERVED, "PowerShell") ||
      export_fx_technique(&f, "T9999.999", 0.5f, CTIX_TTP_POTENTIAL, "cmd.exe") ||
      export_fx_entity(&f, CTIX_ENTITY_MALWARE, "Evil'\"Mal\\ware]", NULL, "named by the source",
                       0.8f) ||
      export_fx_entity(&f, CTIX_ENTITY_VICTIM, "go\x7fvernment \x01 'org'", NULL, "targeted", 0.5f) ||
      export_fx_entity(&f, CTIX_ENTITY_LOCATION, "Ukraine", "UA", "targeted", 0.6f) ||
      export_fx_entity(&f, CTIX_ENTITY_LOCATION, "Eastern Europe", "eastern-europe", "targeted",
                       0.6f) ||
      export_fx_entity(&f, CTIX_ENTITY_VULNERABILITY, "CVE-2021-44228", "CVE-2021-44228",
                       "mentioned", 1.0f) ||
      export_fx_hostile(&f, extra) || export_fx_finish(&f))
    goto done;
  snprintf(name, sizeof(name), "hostile-%zu", extra);
  rc = emit(outdir, name, &f, &o);
done:
  export_fx_free(&f);
  return rc;
}

static int one(const char *outdir, const char *path)
{
  export_fx f;
  json_t *labels = labels_for(path), *v;
  ctix_export_options o;
  char *text = NULL;
  size_t len = 0, i;
  int rc = 1;
  const char *group = NULL;

  ctix_export_options_init(&o);
  memset(&f, 0, sizeof(f));
  text = slurp(path, &len);
  if (!text) {
    fprintf(stderr, "%s: cannot read\n", path);
    goto done;
  }
  if (export_fx_init(&f, text, len, base_name(path))) {
    fprintf(stderr, "%s: analysis failed\n", path);
    goto done;
  }
  if (labels) {
    json_array_foreach(json_object_get(labels, "techniques"), i, v)
    {
      const char *tid = json_string_value(v);
      if (tid && export_fx_technique(&f, tid, i % 3 ? 0.72f : 0.91f,
                                     i % 4 == 3 ? CTIX_TTP_POTENTIAL : CTIX_TTP_OBSERVED, tid))
        goto done;
    }
    if (add_entities(&f, labels, "actors", CTIX_ENTITY_GROUP) ||
        add_entities(&f, labels, "malware", CTIX_ENTITY_MALWARE) ||
        add_entities(&f, labels, "tools", CTIX_ENTITY_TOOL) ||
        add_entities(&f, labels, "cves", CTIX_ENTITY_VULNERABILITY))
      goto done;
    o.timestamp = json_string_value(json_object_get(labels, "published"));
    o.source_url = json_string_value(json_object_get(labels, "source_url"));
    group = json_string_value(json_array_get(json_object_get(labels, "actors"), 0));
  }
  if (add_context(&f))
    goto done;
  if (group) {
    /* A resemblance candidate: the named actor's ATT&CK group, when known. */
    ctix_kb_ref refs[8];
    size_t n = f.kb ? ctix_kb_find_name(f.kb, group, strlen(group), refs, 8) : 0;
    for (i = 0; i < n && i < 8; i++)
      if (ctix_kb_kind_of(f.kb, refs[i]) == CTIX_KB_GROUP) {
        export_fx_resemblance(&f, ctix_kb_id(f.kb, refs[i]), 0.41f, NULL, 0);
        break;
      }
  }
  export_fx_risk(&f, "observed_techniques", 20, "techniques of the labels");
  export_fx_event(&f, "2025-01-02", "detected", "January 2, 2025");
  if (export_fx_finish(&f))
    goto done;
  rc = emit(outdir, base_name(path), &f, &o);
done:
  json_decref(labels);
  free(text);
  export_fx_free(&f);
  return rc;
}

static int emit(const char *outdir, const char *name, export_fx *f, const ctix_export_options *o)
{
  char *b1 = NULL, *b2 = NULL, outp[4096];
  size_t l1 = 0, l2 = 0, i;
  json_t *root = NULL, *v;
  json_error_t jerr;
  ctix_error err;
  const char *path = name;
  FILE *fp;
  int rc = 1;
  ctix_error_clear(&err);
  if (ctix_export_stix(&b1, &l1, &f->a, o, &err) || ctix_export_stix(&b2, &l2, &f->a, o, &err)) {
    fprintf(stderr, "%s: export failed: %s\n", path, err.message);
    goto done;
  }
  if (l1 != l2 || memcmp(b1, b2, l1)) {
    fprintf(stderr, "%s: two exports differ\n", path);
    goto done;
  }
  root = json_loadb(b1, l1, JSON_REJECT_DUPLICATES, &jerr);
  if (!root) {
    fprintf(stderr, "%s: bundle is not JSON: %s (line %d)\n", path, jerr.text, jerr.line);
    goto done;
  }
  snprintf(outp, sizeof(outp), "%s/%s.stix.json", outdir, name);
  fp = fopen(outp, "wb");
  if (!fp || fwrite(b1, 1, l1, fp) != l1 || fclose(fp)) {
    fprintf(stderr, "%s: cannot write\n", outp);
    goto done;
  }
  {
    /* Objects per type, in first-seen order. */
    json_t *objs = json_object_get(root, "objects"), *counts = json_object();
    const char *k;
    printf("%s: %zu objects:", name, json_array_size(objs));
    json_array_foreach(objs, i, v)
    {
      const char *t = json_string_value(json_object_get(v, "type"));
      json_int_t c = json_integer_value(json_object_get(counts, t ? t : "?"));
      json_object_set_new(counts, t ? t : "?", json_integer(c + 1));
    }
    json_object_foreach(counts, k, v) printf(" %s=%lld", k, (long long)json_integer_value(v));
    printf("\n");
    json_decref(counts);
  }
  rc = 0;
done:
  json_decref(root);
  free(b1);
  free(b2);
  return rc;
}

int main(int argc, char **argv)
{
  int i, bad = 0;
  if (argc < 3) {
    fprintf(stderr, "usage: stix_corpus OUTDIR FILE...\n");
    return 2;
  }
  if (!strcmp(argv[1], "--hostile"))
    return argc == 4 ? hostile(argv[2], (size_t)strtoul(argv[3], NULL, 10)) : 2;
  for (i = 2; i < argc; i++)
    bad |= one(argv[1], argv[i]);
  return bad;
}
