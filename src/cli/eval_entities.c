/*
 * `ctix eval entities DIR [--json] [--verbose]`: the entity stage against
 * the articles of DIR (../shared/data/articles/dev). For each DIR/<id>.json
 * (ground truth: `actors`, `malware`, `tools`, `cves`) it reads DIR/<id>.text.txt,
 * builds the document, runs the IOC stage and ctix_entity_extract, and
 * compares:
 *
 *   actors   gold actors with the groups found (known or new names)
 *   malware  gold malware with the malware and tools found (ATT&CK calls
 *            some malware tools and the reverse)
 *   tools    gold tools (dual-use and legitimate software the attackers
 *            used) with the tools and malware found
 *   cves     gold CVE ids with the vulnerabilities found
 *
 * A found malware or tool is scored as malware when it matches a gold
 * malware name, else as a tool when it matches a gold tool name, else by
 * its own kind (an extra of that kind).
 *
 * A found entity matches a gold name when the gold name equals its name,
 * one of its ATT&CK aliases or a name it was mentioned under, compared in
 * a normal form: ASCII case and every character other than a letter or a
 * digit ignored, a trailing "ransomware", "malware", "group" or "gang"
 * dropped, and a gold "Name (note)" also matching "Name" and "note".
 * Recall is matched gold names over gold names; precision is found
 * entities matching some gold name over found entities (per kind, per
 * article, and micro-averaged overall). Prints a table, or one JSON object
 * with --json; the time the entity stage took is reported too.
 */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/eval.h"
#include "ctix/document.h"
#include "ctix/entity.h"
#include "ctix/ioc.h"
#include "ctix/kb.h"
#include "util/buf.h"
#include "util/str.h"

#define NKINDS 4
enum { K_ACTORS, K_MALWARE, K_CVES, K_TOOLS };
static const char *const kind_keys[NKINDS] = {"actors", "malware", "cves", "tools"};

/* Most articles in one directory. */
#define MAX_ARTICLES 4096
/* Longest normalised name. */
#define NORM_MAX 128

typedef struct score {
  size_t gold, matched, found, correct;
} score;

/* Normal form of s[0..n): lower-case letters and digits only, a trailing
 * generic word dropped. */
static void normalise(char *out, const char *s, size_t n)
{
  static const char *const suffixes[] = {"ransomware", "malware", "group", "gang"};
  size_t k = 0;
  for (size_t i = 0; i < n && k + 1 < NORM_MAX; i++)
    if (ctix__isalnum((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80)
      out[k++] = (char)ctix__lower((unsigned char)s[i]);
  out[k] = '\0';
  for (size_t j = 0; j < sizeof(suffixes) / sizeof(suffixes[0]); j++) {
    size_t sl = strlen(suffixes[j]);
    if (k > sl && memcmp(out + k - sl, suffixes[j], sl) == 0) {
      out[k - sl] = '\0';
      break;
    }
  }
}

/* The normal forms of a gold name: whole, without "(...)", and inside it. */
static size_t gold_forms(char forms[3][NORM_MAX], const char *g)
{
  size_t n = 0, len = strlen(g);
  const char *open = strchr(g, '(');
  normalise(forms[n++], g, len);
  if (open) {
    const char *close = strchr(open, ')');
    normalise(forms[n++], g, (size_t)(open - g));
    if (close)
      normalise(forms[n++], open + 1, (size_t)(close - open - 1));
  }
  return n;
}

/* True when entity e answers to one of the normal forms. */
static bool entity_matches(const ctix_entity *e, const ctix_kb *kb, char forms[3][NORM_MAX],
                           size_t nforms)
{
  char buf[NORM_MAX];
  const char *al;
  normalise(buf, e->name, strlen(e->name));
  for (size_t f = 0; f < nforms; f++)
    if (forms[f][0] && strcmp(buf, forms[f]) == 0)
      return true;
  for (size_t i = 0; e->ref != CTIX_KB_NONE && (al = ctix_kb_alias(kb, e->ref, i)); i++) {
    normalise(buf, al, strlen(al));
    for (size_t f = 0; f < nforms; f++)
      if (forms[f][0] && strcmp(buf, forms[f]) == 0)
        return true;
  }
  /* The names it was mentioned under (a listed tool's other names). */
  for (size_t i = 0; i < e->nmentions; i++) {
    if (!(al = e->mentions[i].alias))
      continue;
    normalise(buf, al, strlen(al));
    for (size_t f = 0; f < nforms; f++)
      if (forms[f][0] && strcmp(buf, forms[f]) == 0)
        return true;
  }
  return false;
}

/* True when an entity of kind `ek` can answer to a gold name of scored
 * kind k: software (malware or tool) to malware and tools alike. */
static bool kind_fits(ctix_entity_kind ek, int k)
{
  switch (ek) {
  case CTIX_ENTITY_GROUP: return k == K_ACTORS;
  case CTIX_ENTITY_MALWARE:
  case CTIX_ENTITY_TOOL: return k == K_MALWARE || k == K_TOOLS;
  case CTIX_ENTITY_VULNERABILITY: return k == K_CVES;
  default: return false;
  }
}

/* The scored kind of a found entity (-1: not scored), given the kinds whose
 * gold names it matched (bit k set: it matched a gold name of kind k). */
static int scored_kind(const ctix_entity *e, unsigned matched)
{
  switch (e->kind) {
  case CTIX_ENTITY_GROUP: return K_ACTORS;
  case CTIX_ENTITY_VULNERABILITY: return K_CVES;
  case CTIX_ENTITY_MALWARE:
  case CTIX_ENTITY_TOOL:
    if (matched & (1u << K_MALWARE))
      return K_MALWARE;
    if (matched & (1u << K_TOOLS))
      return K_TOOLS;
    return e->kind == CTIX_ENTITY_MALWARE ? K_MALWARE : K_TOOLS;
  default: return -1;
  }
}

static double ratio(size_t a, size_t b) { return b ? (double)a / (double)b : 1.0; }

/* Scores one article; fills sc[NKINDS] and the JSON row. */
static int score_article(score sc[NKINDS], json_t *row, const ctix_entity_list *ents,
                         const ctix_kb *kb, json_t *gold)
{
  json_t *missed = json_array(), *extra = json_array();
  unsigned *hit = ents->count ? calloc(ents->count, sizeof(*hit)) : NULL;
  int rc = 0;
  if (!missed || !extra || (ents->count && !hit)) {
    rc = -1;
    goto done;
  }
  for (int k = 0; k < NKINDS; k++) {
    json_t *arr = json_object_get(gold, kind_keys[k]), *v;
    size_t i;
    memset(&sc[k], 0, sizeof(sc[k]));
    json_array_foreach(arr, i, v) {
      char forms[3][NORM_MAX];
      const char *g = json_string_value(v);
      bool found = false;
      if (!g)
        continue;
      size_t nf = gold_forms(forms, g);
      sc[k].gold++;
      for (size_t j = 0; j < ents->count; j++) {
        const ctix_entity *e = &ents->items[j];
        if (kind_fits(e->kind, k) && entity_matches(e, kb, forms, nf)) {
          hit[j] |= 1u << k;
          found = true;
        }
      }
      if (found)
        sc[k].matched++;
      else
        json_array_append_new(missed, json_sprintf("%s: %s", kind_keys[k], g));
    }
  }
  for (size_t j = 0; j < ents->count; j++) {
    const ctix_entity *e = &ents->items[j];
    int k = scored_kind(e, hit[j]);
    if (k < 0)
      continue;
    sc[k].found++;
    if (hit[j] & (1u << k))
      sc[k].correct++;
    else
      json_array_append_new(extra, json_sprintf("%s: %s%s", kind_keys[k], e->name,
                                                e->known ? "" : " (new)"));
  }
  json_t *pk = json_object();
  size_t g = 0, m = 0, f = 0, c = 0;
  for (int k = 0; k < NKINDS; k++) {
    json_object_set_new(pk, kind_keys[k],
                        json_pack("{s:f,s:f,s:I,s:I,s:I,s:I}", "recall",
                                  ratio(sc[k].matched, sc[k].gold), "precision",
                                  ratio(sc[k].correct, sc[k].found), "gold", (json_int_t)sc[k].gold,
                                  "matched", (json_int_t)sc[k].matched, "found",
                                  (json_int_t)sc[k].found, "correct", (json_int_t)sc[k].correct));
    g += sc[k].gold, m += sc[k].matched, f += sc[k].found, c += sc[k].correct;
  }
  json_object_set_new(row, "recall", json_real(ratio(m, g)));
  json_object_set_new(row, "precision", json_real(ratio(c, f)));
  json_object_set_new(row, "per_kind", pk);
  json_object_set_new(row, "missed", missed);
  json_object_set_new(row, "extra", extra);
  missed = extra = NULL;
done:
  json_decref(missed);
  json_decref(extra);
  free(hit);
  return rc;
}

static double now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs one article: document, IOCs, entities, score. */
static int run_article(json_t *row, score sc[NKINDS], double *ms, size_t *words,
                       const char *dir, const char *id, const ctix_kb *kb)
{
  char path[4096];
  ctix_error err;
  ctix_document *doc = NULL;
  ctix_ioc_list *iocs = NULL;
  ctix_entity_list *ents = NULL;
  json_t *gold = NULL;
  json_error_t jerr;
  int rc = 0;

  ctix_error_clear(&err);
  snprintf(path, sizeof(path), "%s/%s.json", dir, id);
  gold = json_load_file(path, 0, &jerr);
  if (!gold || !json_is_object(gold)) {
    fprintf(stderr, "ctix eval entities: %s:%d: %s\n", path, jerr.line,
            gold ? "not a JSON object" : jerr.text);
    rc = 1;
    goto done;
  }
  snprintf(path, sizeof(path), "%s/%s.text.txt", dir, id);
  if ((rc = ctix_document_load(&doc, path, NULL, &err)) ||
      (rc = ctix_ioc_extract_document(&iocs, doc, NULL, &err))) {
    char msg[600];
    ctix_error_format(msg, sizeof(msg), &err);
    fprintf(stderr, "ctix eval entities: %s\n", msg);
    rc = 1;
    goto done;
  }
  ctix_entity_options opts;
  ctix_entity_options_init(&opts);
  opts.kb = kb;
  double t0 = now_ms();
  rc = ctix_entity_extract(&ents, doc, iocs, &opts, &err);
  *ms = now_ms() - t0;
  if (rc) {
    char msg[600];
    ctix_error_format(msg, sizeof(msg), &err);
    fprintf(stderr, "ctix eval entities: %s: %s\n", id, msg);
    rc = 1;
    goto done;
  }
  *words = 0;
  for (size_t i = 0; i < doc->len; i++)
    *words += !ctix__isspace((unsigned char)doc->text[i]) &&
              (i == 0 || ctix__isspace((unsigned char)doc->text[i - 1]));
  json_object_set_new(row, "id", json_string(id));
  json_object_set_new(row, "ms", json_real(*ms));
  if (score_article(sc, row, ents, kb, gold))
    rc = -1;
done:
  json_decref(gold);
  ctix_entity_list_free(ents);
  ctix_ioc_list_free(iocs);
  ctix_document_free(doc);
  return rc;
}

static void print_text(json_t *res)
{
  json_t *rows = json_object_get(res, "articles"), *row;
  size_t i;
  printf("%-42s %13s %13s %13s %13s %7s %7s\n", "article", "actors R/P", "malware R/P",
         "cves R/P", "tools R/P", "recall", "prec.");
  json_array_foreach(rows, i, row) {
    json_t *pk = json_object_get(row, "per_kind");
    printf("%-42.42s", json_string_value(json_object_get(row, "id")));
    for (int k = 0; k < NKINDS; k++) {
      json_t *o = json_object_get(pk, kind_keys[k]);
      printf("   %4.2f / %4.2f", json_real_value(json_object_get(o, "recall")),
             json_real_value(json_object_get(o, "precision")));
    }
    printf(" %7.3f %7.3f\n", json_real_value(json_object_get(row, "recall")),
           json_real_value(json_object_get(row, "precision")));
    json_t *v;
    size_t j;
    json_array_foreach(json_object_get(row, "missed"), j, v)
      printf("    missed  %s\n", json_string_value(v));
    json_array_foreach(json_object_get(row, "extra"), j, v)
      printf("    extra   %s\n", json_string_value(v));
  }
  json_t *pk = json_object_get(res, "per_kind");
  printf("\noverall: recall %.3f, precision %.3f\n",
         json_real_value(json_object_get(res, "recall")),
         json_real_value(json_object_get(res, "precision")));
  for (int k = 0; k < NKINDS; k++) {
    json_t *o = json_object_get(pk, kind_keys[k]);
    printf("  %-8s recall %.3f (%lld/%lld)  precision %.3f (%lld/%lld)\n", kind_keys[k],
           json_real_value(json_object_get(o, "recall")),
           (long long)json_integer_value(json_object_get(o, "matched")),
           (long long)json_integer_value(json_object_get(o, "gold")),
           json_real_value(json_object_get(o, "precision")),
           (long long)json_integer_value(json_object_get(o, "correct")),
           (long long)json_integer_value(json_object_get(o, "found")));
  }
  printf("entity stage: %.2f ms per article, %.2f ms per 1,000 words\n",
         json_real_value(json_object_get(res, "ms_per_article")),
         json_real_value(json_object_get(res, "ms_per_1000_words")));
}

int ctix__eval_entities(int argc, char **argv)
{
  const char *dir = NULL;
  bool json = false;
  DIR *d = NULL;
  char **ids = NULL;
  size_t nids = 0, words_total = 0;
  score total[NKINDS];
  double ms_total = 0;
  json_t *res = NULL, *rows = NULL;
  const ctix_kb *kb;
  ctix_error err;
  int rc = CTIX_EXIT_OK;

  memset(total, 0, sizeof(total));
  ctix_error_clear(&err);
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0) {
      json = true;
    } else if (argv[i][0] == '-' && argv[i][1]) {
      fprintf(stderr, "ctix eval entities: unknown option '%s'; try 'ctix help eval'\n", argv[i]);
      return CTIX_EXIT_USAGE;
    } else if (!dir) {
      dir = argv[i];
    } else {
      fprintf(stderr, "ctix eval entities: one DIR only; try 'ctix help eval'\n");
      return CTIX_EXIT_USAGE;
    }
  }
  if (!dir) {
    fprintf(stderr, "ctix eval entities: no DIR given; try 'ctix help eval'\n");
    return CTIX_EXIT_USAGE;
  }
  if (ctix_kb_default(&kb, &err)) {
    char msg[600];
    ctix_error_format(msg, sizeof(msg), &err);
    fprintf(stderr, "ctix eval entities: %s\n", msg);
    return CTIX_EXIT_INTERNAL;
  }
  if (!(d = opendir(dir))) {
    fprintf(stderr, "ctix eval entities: cannot open directory '%s'\n", dir);
    return CTIX_EXIT_INPUT;
  }
  ids = calloc(MAX_ARTICLES, sizeof(*ids));
  res = json_object();
  rows = json_array();
  if (!ids || !res || !rows) {
    rc = CTIX_EXIT_INTERNAL;
    goto done;
  }
  for (struct dirent *de; (de = readdir(d));) {
    size_t n = strlen(de->d_name);
    if (n <= 5 || strcmp(de->d_name + n - 5, ".json") != 0 || de->d_name[0] == '.')
      continue;
    if (nids == MAX_ARTICLES) {
      fprintf(stderr, "ctix eval entities: more than %d articles in '%s'\n", MAX_ARTICLES, dir);
      rc = CTIX_EXIT_INPUT;
      goto done;
    }
    if (!(ids[nids] = strndup(de->d_name, n - 5))) {
      rc = CTIX_EXIT_INTERNAL;
      goto done;
    }
    nids++;
  }
  if (!nids) {
    fprintf(stderr, "ctix eval entities: no <id>.json ground truth in '%s'\n", dir);
    rc = CTIX_EXIT_INPUT;
    goto done;
  }
  qsort(ids, nids, sizeof(*ids), cmp_str);
  for (size_t i = 0; i < nids; i++) {
    score sc[NKINDS];
    double ms = 0;
    size_t words = 0;
    json_t *row = json_object();
    if (!row) {
      rc = CTIX_EXIT_INTERNAL;
      goto done;
    }
    int r = run_article(row, sc, &ms, &words, dir, ids[i], kb);
    if (r) {
      json_decref(row);
      rc = r < 0 ? CTIX_EXIT_INTERNAL : CTIX_EXIT_INPUT;
      if (r < 0)
        goto done;
      continue;
    }
    json_array_append_new(rows, row);
    ms_total += ms;
    words_total += words;
    for (int k = 0; k < NKINDS; k++) {
      total[k].gold += sc[k].gold;
      total[k].matched += sc[k].matched;
      total[k].found += sc[k].found;
      total[k].correct += sc[k].correct;
    }
  }
  size_t g = 0, m = 0, f = 0, c = 0, narticles = json_array_size(rows);
  json_t *pk = json_object();
  for (int k = 0; k < NKINDS; k++) {
    json_object_set_new(pk, kind_keys[k],
                        json_pack("{s:f,s:f,s:I,s:I,s:I,s:I}", "recall",
                                  ratio(total[k].matched, total[k].gold), "precision",
                                  ratio(total[k].correct, total[k].found), "gold",
                                  (json_int_t)total[k].gold, "matched",
                                  (json_int_t)total[k].matched, "found", (json_int_t)total[k].found,
                                  "correct", (json_int_t)total[k].correct));
    g += total[k].gold, m += total[k].matched, f += total[k].found, c += total[k].correct;
  }
  json_object_set_new(res, "recall", json_real(ratio(m, g)));
  json_object_set_new(res, "precision", json_real(ratio(c, f)));
  json_object_set_new(res, "per_kind", pk);
  json_object_set_new(res, "articles_scored", json_integer((json_int_t)narticles));
  json_object_set_new(res, "ms_per_article", json_real(narticles ? ms_total / (double)narticles : 0));
  json_object_set_new(res, "ms_per_1000_words",
                      json_real(words_total ? ms_total * 1000.0 / (double)words_total : 0));
  json_object_set_new(res, "articles", rows);
  rows = NULL;
  if (json) {
    char *s = json_dumps(res, JSON_INDENT(2) | JSON_REAL_PRECISION(4));
    if (!s) {
      rc = CTIX_EXIT_INTERNAL;
      goto done;
    }
    puts(s);
    free(s);
  } else {
    print_text(res);
  }
  if (fflush(stdout) != 0 || ferror(stdout))
    rc = CTIX_EXIT_OUTPUT;
done:
  if (d)
    closedir(d);
  for (size_t i = 0; i < nids; i++)
    free(ids[i]);
  free(ids);
  json_decref(rows);
  json_decref(res);
  return rc;
}
