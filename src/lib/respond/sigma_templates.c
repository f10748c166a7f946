/*
 * The behaviour-template library of the Sigma generator: the project's own
 * templates, data/sigma/templates/T*.yml (one ATT&CK technique each; format
 * in docs/sigma.md), embedded in libctix with .incbin (module.cmake
 * concatenates them into one YAML stream) and parsed with libyaml once per
 * process. A malformed template is an error naming its file and line, so
 * a broken library never ships silently (the unit tests load it).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "respond/sigma.h"
#include "util/err.h"
#include "util/str.h"

#ifdef CTIX_SIGMA_TEMPLATES_BLOB
__asm__(".section .rodata.ctix_sigma_templates,\"a\"\n"
        ".balign 16\n"
        ".globl ctix__sigma_templates_start\n"
        ".hidden ctix__sigma_templates_start\n"
        ".type ctix__sigma_templates_start, @object\n"
        "ctix__sigma_templates_start:\n"
        ".incbin \"" CTIX_SIGMA_TEMPLATES_BLOB "\"\n"
        ".globl ctix__sigma_templates_end\n"
        ".hidden ctix__sigma_templates_end\n"
        "ctix__sigma_templates_end:\n"
        ".byte 0\n"
        ".previous\n");
extern const char ctix__sigma_templates_start[];
extern const char ctix__sigma_templates_end[];
#endif

/* Article specifics a template may take. */
static const char *const fill_sources[] = {
    "file_name", "file_path", "registry_key", "domain", "ipv4", "url", "tool", "command_line",
    NULL};

static const char *const levels[] = {"informational", "low", "medium", "high", "critical",
                                     NULL};

static bool in_list(const char *s, const char *const *list)
{
  size_t i;
  for (i = 0; list[i]; i++)
    if (strcmp(s, list[i]) == 0)
      return true;
  return false;
}

/* True for T1234 or T1234.567. */
static bool technique_id(const char *s)
{
  size_t i, n = strlen(s);
  if ((n != 5 && n != 9) || s[0] != 'T')
    return false;
  for (i = 1; i < n; i++)
    if (i == 5 ? s[i] != '.' : !ctix__isdigit((unsigned char)s[i]))
      return false;
  return true;
}

/* A scalar string entry of `map`, or NULL (with an error if required). */
static const char *str_field(const ctix__sy *map, const char *key, bool required,
                             const char *source, ctix_error *err, int *rc)
{
  const ctix__sy *v = ctix__sy_get(map, key);
  if (!v) {
    if (required && !*rc) {
      *rc = ctix__error_set_lc(err, CTIX_EPARSE, map->line, map->col,
                               "template: missing '%s'", key);
      ctix__error_source(err, source);
    }
    return NULL;
  }
  if (v->kind != CTIX__SY_SCALAR || !*v->str) {
    if (!*rc) {
      *rc = ctix__error_set_lc(err, CTIX_EPARSE, v->line, v->col,
                               "template: '%s' must be a non-empty string", key);
      ctix__error_source(err, source);
    }
    return NULL;
  }
  return v->str;
}

/* Reads the fill entries of one template. */
static int parse_fills(ctix__sigma_template *t, const ctix__sy *fill, ctix_arena *arena,
                       const char *source, ctix_error *err)
{
  ctix__sigma_fill *f;
  const ctix__sy *c;
  size_t i = 0;
  int rc = 0;
  if (fill->kind != CTIX__SY_SEQ) {
    rc = ctix__error_set_lc(err, CTIX_EPARSE, fill->line, fill->col,
                            "template: 'fill' must be a list");
    ctix__error_source(err, source);
    return rc;
  }
  f = ctix__arena_calloc(arena, fill->n ? fill->n : 1, sizeof(*f));
  if (!f)
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  for (c = fill->first; c; c = c->next, i++) {
    const ctix__sy *m;
    if (c->kind != CTIX__SY_MAP) {
      rc = ctix__error_set_lc(err, CTIX_EPARSE, c->line, c->col,
                              "template: a fill entry must be a mapping");
      ctix__error_source(err, source);
      return rc;
    }
    f[i].from = str_field(c, "from", true, source, err, &rc);
    f[i].field = str_field(c, "field", true, source, err, &rc);
    f[i].selection = str_field(c, "selection", true, source, err, &rc);
    if (rc)
      return rc;
    if (!in_list(f[i].from, fill_sources) ||
        strncmp(f[i].selection, "selection_article", 17) != 0 ||
        ctix__sy_get(t->detection, f[i].selection)) {
      rc = ctix__error_set_lc(err, CTIX_EPARSE, c->line, c->col,
                              "template: fill needs a known 'from' and a new selection named "
                              "selection_article...");
      ctix__error_source(err, source);
      return rc;
    }
    if ((m = ctix__sy_get(c, "match"))) {
      const ctix__sy *w;
      const char **words = ctix__arena_calloc(arena, m->n ? m->n : 1, sizeof(*words));
      if (!words)
        return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
      if (m->kind != CTIX__SY_SEQ) {
        rc = ctix__error_set_lc(err, CTIX_EPARSE, m->line, m->col,
                                "template: 'match' must be a list of words");
        ctix__error_source(err, source);
        return rc;
      }
      for (w = m->first; w; w = w->next)
        if (w->kind == CTIX__SY_SCALAR && *w->str)
          words[f[i].nmatch++] = w->str;
      f[i].match = words;
    }
  }
  t->fills = f;
  t->nfills = fill->n;
  return 0;
}

/* Reads one template document into t. */
static int parse_one(ctix__sigma_template *t, const ctix__sy *doc, ctix_arena *arena,
                     const char *source, ctix_error *err)
{
  const ctix__sy *v;
  int rc = 0;
  if (doc->kind != CTIX__SY_MAP) {
    rc = ctix__error_set_lc(err, CTIX_EPARSE, doc->line, doc->col,
                            "template: a document must be a mapping");
    ctix__error_source(err, source);
    return rc;
  }
  t->technique = str_field(doc, "technique", true, source, err, &rc);
  t->title = str_field(doc, "title", true, source, err, &rc);
  t->description = str_field(doc, "description", true, source, err, &rc);
  t->level = str_field(doc, "level", true, source, err, &rc);
  t->condition_filled = str_field(doc, "condition_filled", false, source, err, &rc);
  if (rc)
    return rc;
  if (!technique_id(t->technique) || !in_list(t->level, levels)) {
    rc = ctix__error_set_lc(err, CTIX_EPARSE, doc->line, doc->col,
                            "template %s: bad technique id or level", t->technique);
    ctix__error_source(err, source);
    return rc;
  }
  t->logsource = ctix__sy_get(doc, "logsource");
  t->detection = ctix__sy_get(doc, "detection");
  t->falsepositives = ctix__sy_get(doc, "falsepositives");
  if (!t->logsource || t->logsource->kind != CTIX__SY_MAP || !t->detection ||
      t->detection->kind != CTIX__SY_MAP || !ctix__sy_get(t->detection, "condition") ||
      !t->falsepositives || t->falsepositives->kind != CTIX__SY_SEQ) {
    rc = ctix__error_set_lc(err, CTIX_EPARSE, doc->line, doc->col,
                            "template %s: needs logsource, detection with a condition and "
                            "a falsepositives list",
                            t->technique);
    ctix__error_source(err, source);
    return rc;
  }
  if ((v = ctix__sy_get(doc, "fill")) && (rc = parse_fills(t, v, arena, source, err)))
    return rc;
  if (t->condition_filled && t->nfills == 0) {
    rc = ctix__error_set_lc(err, CTIX_EPARSE, doc->line, doc->col,
                            "template %s: condition_filled without fill", t->technique);
    ctix__error_source(err, source);
    return rc;
  }
  return 0;
}

static int cmp_template(const void *a, const void *b)
{
  return strcmp(((const ctix__sigma_template *)a)->technique,
                ((const ctix__sigma_template *)b)->technique);
}

int ctix__sigma_templates_parse(ctix__sigma_template **out, size_t *n, ctix_arena *arena,
                                const char *data, size_t len, const char *source,
                                ctix_error *err)
{
  ctix__sy *docs = NULL;
  const ctix__sy *d;
  ctix__sigma_template *t;
  size_t i = 0;
  int rc;
  *out = NULL;
  *n = 0;
  if ((rc = ctix__sy_parse(&docs, arena, data, len, (size_t)16 << 20, err))) {
    ctix__error_source(err, source);
    return rc;
  }
  t = ctix__arena_calloc(arena, docs->n ? docs->n : 1, sizeof(*t));
  if (!t)
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  for (d = docs->first; d; d = d->next) {
    if ((rc = parse_one(&t[i], d, arena, source, err)))
      return rc;
    t[i].source = source;
    i++;
  }
  qsort(t, i, sizeof(*t), cmp_template);
  for (size_t k = 1; k < i; k++)
    if (strcmp(t[k - 1].technique, t[k].technique) == 0)
      return ctix__error_set(err, CTIX_EPARSE, "%s: two templates for %s", source,
                             t[k].technique);
  *out = t;
  *n = i;
  return 0;
}

const ctix__sigma_template *ctix__sigma_template_find(const ctix__sigma_template *t, size_t n,
                                                      const char *technique)
{
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(t[mid].technique, technique);
    if (c == 0)
      return &t[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

/* The embedded library, parsed once. */
static pthread_once_t lib_once = PTHREAD_ONCE_INIT;
static ctix_arena lib_arena;
static ctix__sigma_template *lib_templates;
static size_t lib_count;
static int lib_rc;
static ctix_error lib_err;

static void load_library(void)
{
  const char *data = "";
  size_t len = 0;
#ifdef CTIX_SIGMA_TEMPLATES_BLOB
  data = ctix__sigma_templates_start;
  len = (size_t)(ctix__sigma_templates_end - ctix__sigma_templates_start);
#endif
  ctix__arena_init(&lib_arena, 0);
  ctix_error_clear(&lib_err);
  lib_rc = ctix__sigma_templates_parse(&lib_templates, &lib_count, &lib_arena, data, len,
                                       "data/sigma/templates", &lib_err);
}

int ctix__sigma_templates(const ctix__sigma_template **out, size_t *n, ctix_error *err)
{
  pthread_once(&lib_once, load_library);
  if (lib_rc) {
    if (err && !err->code)
      *err = lib_err;
    *out = NULL;
    *n = 0;
    return lib_rc;
  }
  *out = lib_templates;
  *n = lib_count;
  return 0;
}
