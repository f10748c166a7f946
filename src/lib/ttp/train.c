/*
 * Training of the technique model (model.h): reads the labelled sources
 * (ATT&CK procedure examples and technique names, the dev splits of the
 * ttp-eval sets), computes their features once, then trains one binary
 * liblinear model per technique (one-vs-rest), keeps each class's largest
 * weights and writes the model file.
 *
 * Reproducible: rows keep the order of their files, classes are sorted by
 * id, liblinear's shuffling is re-seeded before every class and training
 * runs on one thread, so the same inputs give the same bytes.
 *
 * Every row remembers the report it comes from, so cross-validation can
 * keep whole reports out of training: TRAM2 spans (tram2-single, and the
 * tram-bootstrap rows that are TRAM2 spans) are traced back to their
 * report through the report texts of tram2-docs; a span found in several
 * reports is kept out of every fold ("*").
 *
 * A class's negatives are every row not labelled with it, unless the
 * configuration's neg_mode leaves out the unlabelled sentences of reports
 * that have the class's family (all of them, those near a labelled
 * sentence, or those a first model scores high: docs/ttp.md,
 * "Report-aware negatives"); a row of a report sentence set keeps its
 * sentence number for that. `ctix model train` uses "report" (annotators
 * mark a technique where they see it first, not every sentence that
 * describes it); a zeroed configuration means "all".
 *
 * Optionally (cfg.nb, off by default) a class is trained on its rows'
 * features scaled by their naive-Bayes log-count ratios (NBSVM) and keeps
 * the weights multiplied back by those ratios, so the model still scores
 * the unchanged features with one dot product.
 *
 * An optional row source (ctix__ttp_data_load_src, off for `ctix model
 * train`): one row per Sigma rule of data/sigma/rules, its title (and
 * description) labelled with its ATT&CK technique tags; read with the
 * Sigma module's folder walk and libyaml tree, named in the manifest.
 */
#include <jansson.h>
#include <linear.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/build.h"
#include "respond/sigma.h"
#include "sigma/sigma_lib.h"
#include "ttp/model.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/str.h"

/* Training sources under data/ttp-eval: the sentence-level dev splits. */
static const char *const eval_sources[] = {
    "tram2-multi", "tram2-single", "tram-bootstrap", "annoctr-sent", "cti-hal-spans",
};
#define NSOURCES (sizeof(eval_sources) / sizeof(eval_sources[0]) + 2)
enum { SRC_ATTACK = 0, SRC_NAMES = 1 }; /* then the eval sources, from 2 */
/* The optional Sigma rule rows (ctix__ttp_data_load_src), after the eval sources. */
#define SRC_SIGMA NSOURCES

/* Defaults of the training configuration (measured: docs/ttp.md). */
#define DEFAULT_C_SVM 0.5
#define DEFAULT_C_LR 16.0
#define DEFAULT_TOPN 1000
#define DEFAULT_MIN_POS 2
#define MAX_JSONL ((size_t)64 << 20)
#define MAX_BUNDLE ((size_t)256 << 20)
/* Word n-gram length used to trace spans to their report. */
#define SHINGLE 6

typedef struct row {
  uint32_t node_off;     /* first feature_node of the row in d->nodes */
  uint32_t label_off;    /* first label index in d->rlabels */
  uint32_t nlabels;
  uint32_t group;        /* index into d->groups */
  uint32_t source;
  uint32_t seq;          /* sentence number in its report (report sentence sets), or NO_SEQ */
} row;
#define NO_SEQ UINT32_MAX

struct ctix__ttp_data {
  ctix_buf rows;         /* row */
  ctix_buf nodes;        /* struct feature_node, each row ends with bias and -1 */
  ctix_buf rlabels;      /* uint32_t label indexes */
  char **labels;         /* sorted technique ids */
  size_t nlabels;
  char **groups;         /* sorted report keys */
  size_t ngroups;
  uint32_t star;         /* index of "*" in groups, or UINT32_MAX */
  char summary[2048];
};

/* A row while reading: text, label strings, report key. */
typedef struct raw_row {
  char *text;
  char *labels;          /* ids separated by spaces */
  char *group;
  uint32_t source;
  uint32_t seq;          /* as row.seq */
} raw_row;

typedef struct reader {
  const ctix_kb *kb;
  ctix_buf raws;         /* raw_row */
  int sigma;             /* CTIX__TTP_SIGMA_* */
  size_t sigma_skipped;  /* rule files that do not parse or have no title */
  bool progress;
  ctix_error *err;
} reader;

/* ---------------------------------------------------------- report keys */

/* Length of s without a trailing "-<c><digits>" suffix. */
static size_t strip_suffix(const char *s, char c)
{
  size_t n = strlen(s), i = n;
  while (i > 0 && ctix__isdigit((unsigned char)s[i - 1]))
    i--;
  if (i < n && i >= 2 && s[i - 1] == c && s[i - 2] == '-')
    return i - 2;
  return n;
}

void ctix__ttp_report_key(char *out, size_t cap, const char *id)
{
  size_t n;
  if (strncmp(id, "tram2m-", 7) == 0 || strncmp(id, "tram2d-", 7) == 0) {
    n = strspn(id + 7, "0123456789");
    snprintf(out, cap, "tram2:%.*s", (int)n, id + 7);
  } else if (strncmp(id, "annoctr-", 8) == 0) {
    n = strip_suffix(id, 's');
    snprintf(out, cap, "annoctr:%.*s", (int)(n - 8), id + 8);
  } else if (strncmp(id, "ctihal-", 7) == 0) {
    n = strip_suffix(id, 'x');
    snprintf(out, cap, "ctihal:%.*s", (int)(n - 7), id + 7);
  } else {
    snprintf(out, cap, "%s", id);
  }
}

/* ------------------------------------------------------------ text tools */

/*
 * Appends `s` cleaned for training: "(Citation: ...)" removed, markdown
 * links [text](url) reduced to their text (or to `actor_ph` when the
 * link names the user, `actor`), <code> tags dropped.
 */
static void clean_text(ctix_buf *b, const char *s, const char *actor, const char *actor_id)
{
  size_t n = strlen(s), i = 0;
  while (i < n) {
    if (strncmp(s + i, "(Citation:", 10) == 0) {
      const char *e = strchr(s + i, ')');
      if (e) {
        i = (size_t)(e - s) + 1;
        continue;
      }
    }
    if (strncmp(s + i, "<code>", 6) == 0) {
      i += 6;
      continue;
    }
    if (strncmp(s + i, "</code>", 7) == 0) {
      i += 7;
      continue;
    }
    if (s[i] == '[') {
      const char *close = strchr(s + i, ']');
      if (close && close[1] == '(' && strchr(close, ')')) {
        const char *url = close + 2, *end = strchr(close, ')');
        size_t tl = (size_t)(close - s) - i - 1;
        bool is_actor = (actor && strlen(actor) == tl && strncmp(s + i + 1, actor, tl) == 0) ||
                        (actor_id && actor_id[0] &&
                         ctix__mem_ifind(url, (size_t)(end - url), actor_id));
        if (is_actor)
          ctix__buf_adds(b, "#actor");
        else
          ctix__buf_add(b, s + i + 1, tl);
        i = (size_t)(end - s) + 1;
        continue;
      }
    }
    ctix__buf_addc(b, s[i]);
    i++;
  }
}

/* Lower-cased words of s joined by single spaces, with a space at both ends. */
static void word_norm(ctix_buf *b, const char *s, size_t n)
{
  size_t i;
  bool sp = true;
  ctix__buf_addc(b, ' ');
  for (i = 0; i < n; i++) {
    int c = (unsigned char)s[i];
    if (ctix__isalnum(c) || c >= 0x80) {
      ctix__buf_addc(b, (char)ctix__lower(c));
      sp = false;
    } else if (!sp) {
      ctix__buf_addc(b, ' ');
      sp = true;
    }
  }
  if (!sp)
    ctix__buf_addc(b, ' ');
}

/* ---------------------------------------------------------- label lookup */

/*
 * Appends the current Enterprise technique id for `id` (and its parent for
 * a sub-technique) to `labels`, space separated; unknown ids are skipped.
 */
static void add_label(ctix_buf *labels, const ctix_kb *kb, const char *id)
{
  ctix_kb_ref ref;
  ctix_kb_obj o;
  if (ctix_kb_resolve_id(kb, id, strlen(id), &ref) || ctix_kb_get(kb, ref, &o) ||
      o.kind != CTIX_KB_TECHNIQUE || (o.flags & (CTIX_KB_REVOKED | CTIX_KB_DEPRECATED)) ||
      !(o.domains & CTIX_KB_ENTERPRISE))
    return;
  ctix__buf_addf(labels, "%s%s", labels->len ? " " : "", o.id);
  if (o.parent != CTIX_KB_NONE)
    ctix__buf_addf(labels, " %s", ctix_kb_id(kb, o.parent));
}

static int push_raw(reader *r, const char *text, size_t tlen, const char *labels,
                    const char *group, uint32_t source, uint32_t seq)
{
  raw_row rr;
  rr.seq = seq;
  rr.text = strndup(text, tlen);
  rr.labels = strdup(labels);
  rr.group = strdup(group);
  rr.source = source;
  if (!rr.text || !rr.labels || !rr.group || ctix__buf_push(&r->raws, &rr, sizeof(rr))) {
    free(rr.text);
    free(rr.labels);
    free(rr.group);
    return ctix__error_set(r->err, CTIX_ENOMEM, "out of memory reading training data");
  }
  return 0;
}

/* ------------------------------------------------------------- ATT&CK */

static const char *ext_id(json_t *obj)
{
  json_t *refs = json_object_get(obj, "external_references"), *e;
  size_t i;
  json_array_foreach(refs, i, e) {
    const char *src = json_string_value(json_object_get(e, "source_name"));
    if (src && strcmp(src, "mitre-attack") == 0)
      return json_string_value(json_object_get(e, "external_id"));
  }
  return NULL;
}

static bool inactive(json_t *o)
{
  return json_is_true(json_object_get(o, "revoked")) ||
         json_is_true(json_object_get(o, "x_mitre_deprecated"));
}

/*
 * Reads the procedure examples (descriptions of `uses` relationships from
 * a group, software or campaign to a technique) and the technique names.
 */
static int read_attack(reader *r, const char *shared)
{
  char path[4096];
  char *data = NULL;
  size_t len = 0, i;
  json_t *root = NULL, *objs, *o;
  json_error_t je;
  ctix_buf text = CTIX_BUF_INIT((size_t)1 << 20), labels = CTIX_BUF_INIT(4096);
  int rc;
  snprintf(path, sizeof(path), "%s/data/attack/enterprise-attack.json", shared);
  if ((rc = ctix__kbb_read(&data, &len, path, MAX_BUNDLE, r->err)))
    goto done;
  if (!(root = json_loadb(data, len, 0, &je))) {
    rc = ctix__error_set_lc(r->err, CTIX_EPARSE, (unsigned)je.line, (unsigned)je.column, "%s",
                            je.text);
    ctix__error_source(r->err, path);
    goto done;
  }
  free(data);
  data = NULL;
  objs = json_object_get(root, "objects");
  /* Technique names, in file order. */
  json_array_foreach(objs, i, o) {
    const char *type = json_string_value(json_object_get(o, "type")), *id, *name;
    if (!type || strcmp(type, "attack-pattern") != 0 || inactive(o))
      continue;
    id = ext_id(o);
    name = json_string_value(json_object_get(o, "name"));
    if (!id || !name)
      continue;
    ctix__buf_reset(&labels);
    add_label(&labels, r->kb, id);
    if (labels.len &&
        (rc = push_raw(r, name, strlen(name), labels.data, "attack", SRC_NAMES, NO_SEQ)))
      goto done;
  }
  /* Procedure examples. */
  json_array_foreach(objs, i, o) {
    const char *type = json_string_value(json_object_get(o, "type"));
    const char *rel, *src, *dst, *desc, *tid, *actor = NULL, *actor_id = NULL;
    if (!type || strcmp(type, "relationship") != 0 || inactive(o))
      continue;
    rel = json_string_value(json_object_get(o, "relationship_type"));
    src = json_string_value(json_object_get(o, "source_ref"));
    dst = json_string_value(json_object_get(o, "target_ref"));
    desc = json_string_value(json_object_get(o, "description"));
    if (!rel || strcmp(rel, "uses") != 0 || !src || !dst || !desc ||
        strncmp(dst, "attack-pattern--", 16) != 0)
      continue;
    /* Both ends through the KB (its STIX index), which also skips unknown objects. */
    {
      ctix_kb_ref sref, tref;
      if (ctix_kb_find_stix(r->kb, dst, strlen(dst), &tref) ||
          ctix_kb_find_stix(r->kb, src, strlen(src), &sref))
        continue;
      tid = ctix_kb_id(r->kb, tref);
      actor = ctix_kb_name(r->kb, sref);
      actor_id = ctix_kb_id(r->kb, sref);
    }
    ctix__buf_reset(&labels);
    add_label(&labels, r->kb, tid);
    if (!labels.len)
      continue;
    ctix__buf_reset(&text);
    clean_text(&text, desc, actor, actor_id);
    if (text.err)
      goto nomem;
    if (text.len &&
        (rc = push_raw(r, text.data, text.len, labels.data, "attack", SRC_ATTACK, NO_SEQ)))
      goto done;
  }
  goto done;
nomem:
  rc = ctix__error_set(r->err, CTIX_ENOMEM, "out of memory reading %s", path);
done:
  free(data);
  json_decref(root);
  ctix__buf_free(&text);
  ctix__buf_free(&labels);
  return rc;
}

/* ---------------------------------------------------------- Sigma rules */

/* The walk over data/sigma/rules. */
typedef struct sigma_walk {
  reader *r;
  size_t files;
} sigma_walk;

/*
 * Appends the technique labels of a rule's `tags` (attack.tNNNN[.NNN],
 * case ignored) to `labels` as add_label does: current Enterprise ids,
 * the parent of a sub-technique too, unknown ids skipped.
 */
static void sigma_labels(ctix_buf *labels, const ctix_kb *kb, const ctix__sy *tags)
{
  const ctix__sy *t;
  if (!tags || tags->kind != CTIX__SY_SEQ)
    return;
  for (t = tags->first; t; t = t->next) {
    char id[16];
    if (t->kind != CTIX__SY_SCALAR || t->len < 12 || t->len - 7 >= sizeof(id) ||
        !ctix__mem_istarts(t->str, t->len, "attack.t") || !ctix__isdigit((unsigned char)t->str[8]))
      continue;
    snprintf(id, sizeof(id), "T%s", t->str + 8);
    add_label(labels, kb, id);
  }
}

/*
 * One rule file of the walk: a row of its title (and description, for
 * CTIX__TTP_SIGMA_DESC) labelled with its technique tags, from no report
 * (group "sigma"). A file that is over the YAML size limit, does not parse,
 * has no title, or whose tags or text overflow their buffers is counted in
 * r->sigma_skipped; one without a technique tag gives no row.
 */
static int sigma_rule(void *ctx, const ctix__sigma_file *f)
{
  sigma_walk *w = ctx;
  reader *r = w->r;
  ctix_arena arena;
  ctix_error rerr;
  ctix__sy *docs = NULL;
  const ctix__sy *doc, *title, *desc;
  ctix_buf text = CTIX_BUF_INIT(2 * CTIX__SY_MAX_INPUT), labels = CTIX_BUF_INIT(4096);
  char *data = NULL;
  size_t len = 0;
  int rc;
  if (++w->files > CTIX__SIGMA_DIR_MAX_FILES)
    return ctix__error_set(r->err, CTIX_ETOOBIG, "%s: more than %u rule files", f->path,
                           CTIX__SIGMA_DIR_MAX_FILES);
  ctix_error_clear(&rerr);
  if ((rc = ctix__kbb_read(&data, &len, f->path, CTIX__SY_MAX_INPUT, &rerr))) {
    if (rc == CTIX_ETOOBIG) {
      r->sigma_skipped++;
      return 0;
    }
    if (r->err && !r->err->code)
      *r->err = rerr;
    return rc;
  }
  ctix__arena_init(&arena, 0);
  if (ctix__sy_parse(&docs, &arena, data, len, CTIX__SY_MAX_INPUT, NULL) || !docs->first ||
      docs->first->kind != CTIX__SY_MAP ||
      !(title = ctix__sy_get(docs->first, "title")) || title->kind != CTIX__SY_SCALAR ||
      !title->str[0]) {
    r->sigma_skipped++;
    goto done;
  }
  doc = docs->first;
  sigma_labels(&labels, r->kb, ctix__sy_get(doc, "tags"));
  ctix__buf_add(&text, title->str, strlen(title->str));
  desc = ctix__sy_get(doc, "description");
  if (r->sigma == CTIX__TTP_SIGMA_DESC && desc && desc->kind == CTIX__SY_SCALAR && desc->len) {
    ctix__buf_adds(&text, ". ");
    ctix__buf_add(&text, desc->str, strlen(desc->str));
  }
  if (text.err == CTIX_ENOMEM || labels.err == CTIX_ENOMEM) {
    rc = ctix__error_set(r->err, CTIX_ENOMEM, "out of memory reading %s", f->path);
    goto done;
  }
  if (text.err || labels.err) { /* over the buffers' limits */
    r->sigma_skipped++;
    goto done;
  }
  if (labels.len)
    rc = push_raw(r, text.data, text.len, labels.data, "sigma", SRC_SIGMA, NO_SEQ);
done:
  ctix__arena_free(&arena);
  ctix__buf_free(&text);
  ctix__buf_free(&labels);
  free(data);
  return rc;
}

/* Reads the Sigma rules under data/sigma/rules (r->sigma not OFF), in walk order. */
static int read_sigma(reader *r, const char *shared)
{
  char path[4096];
  sigma_walk w;
  size_t skipped = 0;
  int rc;
  snprintf(path, sizeof(path), "%s/data/sigma/rules", shared);
  memset(&w, 0, sizeof(w));
  w.r = r;
  rc = ctix__sigma_walk(path, sigma_rule, &w, &skipped, r->err);
  r->sigma_skipped += skipped;
  return rc;
}

/* ------------------------------------------------------- TRAM2 reports */

/* Word n-gram index of the TRAM2 dev reports: hash -> report key. */
typedef struct shingles {
  uint64_t *keys;        /* 0 = free */
  uint32_t *doc;         /* index into docs; UINT32_MAX = several */
  size_t cap;
  ctix_buf docs_buf;     /* char * records: report keys (unbounded) */
  ctix_buf texts_buf;    /* char * records: normalised report texts */
  char **docs;           /* views of the two arrays above */
  char **texts;
  size_t ndocs;
} shingles;

static uint64_t hash64(const char *s, size_t n)
{
  uint64_t h = 14695981039346656037ull;
  size_t i;
  for (i = 0; i < n; i++)
    h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return h | 1;
}

static void sh_put(shingles *sh, uint64_t k, uint32_t doc)
{
  size_t h = (size_t)(k ^ (k >> 29)) & (sh->cap - 1);
  while (sh->keys[h] && sh->keys[h] != k)
    h = (h + 1) & (sh->cap - 1);
  if (!sh->keys[h]) {
    sh->keys[h] = k;
    sh->doc[h] = doc;
  } else if (sh->doc[h] != doc) {
    sh->doc[h] = UINT32_MAX;
  }
}

static bool sh_get(const shingles *sh, uint64_t k, uint32_t *doc)
{
  size_t h = (size_t)(k ^ (k >> 29)) & (sh->cap - 1);
  while (sh->keys[h]) {
    if (sh->keys[h] == k) {
      *doc = sh->doc[h];
      return true;
    }
    h = (h + 1) & (sh->cap - 1);
  }
  return false;
}

static void sh_free(shingles *sh)
{
  size_t i;
  for (i = 0; i < sh->ndocs; i++) {
    free(sh->docs[i]);
    free(sh->texts[i]);
  }
  ctix__buf_free(&sh->docs_buf);
  ctix__buf_free(&sh->texts_buf);
  free(sh->keys);
  free(sh->doc);
}

/* Offsets of the first n+1 word starts of normalised text t (" a b c "). */
static size_t word_starts(const char *t, size_t len, size_t *starts, size_t max)
{
  size_t i, n = 0;
  for (i = 1; i < len && n < max; i++)
    if (t[i - 1] == ' ' && t[i] != ' ')
      starts[n++] = i;
  return n;
}

/* Reads tram2-docs/dev.jsonl into the shingle index. */
static int sh_build(shingles *sh, const char *shared, ctix_error *err)
{
  char path[4096];
  FILE *f;
  char *line = NULL;
  size_t lcap = 0, total = 0, i;
  ssize_t n;
  ctix_buf b = CTIX_BUF_INIT((size_t)64 << 20);
  int rc = 0;
  memset(sh, 0, sizeof(*sh));
  ctix__buf_init(&sh->docs_buf, (size_t)1 << 24);
  ctix__buf_init(&sh->texts_buf, (size_t)1 << 24);
  snprintf(path, sizeof(path), "%s/data/ttp-eval/tram2-docs/dev.jsonl", shared);
  if (!(f = fopen(path, "r")))
    return 0; /* no reports: spans keep their own keys */
  while ((n = getline(&line, &lcap, f)) > 0) {
    json_t *j = json_loads(line, JSON_ALLOW_NUL, NULL);
    const char *id = json_string_value(json_object_get(j, "id"));
    const char *tx = json_string_value(json_object_get(j, "text"));
    char key[256];
    char *kd, *td;
    if (id && tx) {
      ctix__ttp_report_key(key, sizeof(key), id);
      ctix__buf_reset(&b);
      word_norm(&b, tx, strlen(tx));
      kd = b.err ? NULL : strdup(key);
      td = kd ? ctix__buf_detach(&b, NULL) : NULL;
      if (!td || ctix__buf_push(&sh->docs_buf, &kd, sizeof(kd)) ||
          ctix__buf_push(&sh->texts_buf, &td, sizeof(td))) {
        if (CTIX__BUF_COUNT(&sh->docs_buf, char *) > sh->ndocs)
          ctix__buf_truncate(&sh->docs_buf, sh->ndocs * sizeof(char *));
        free(kd);
        free(td);
        json_decref(j);
        rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory indexing TRAM2 reports");
        goto done;
      }
      sh->docs = (char **)(void *)sh->docs_buf.data;
      sh->texts = (char **)(void *)sh->texts_buf.data;
      sh->ndocs++;
      total += strlen(sh->texts[sh->ndocs - 1]);
    }
    json_decref(j);
  }
  sh->cap = 1024;
  while (sh->cap < total / 2)
    sh->cap <<= 1;
  if (!(sh->keys = calloc(sh->cap, 8)) || !(sh->doc = calloc(sh->cap, 4))) {
    rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory indexing TRAM2 reports");
    goto done;
  }
  for (i = 0; i < sh->ndocs; i++) {
    const char *t = sh->texts[i];
    size_t tl = strlen(t), w, nw;
    size_t *st = malloc((tl + 1) * sizeof(size_t));
    if (!st) {
      rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory indexing TRAM2 reports");
      goto done;
    }
    nw = word_starts(t, tl, st, tl + 1);
    for (w = 0; w + SHINGLE <= nw; w++) {
      size_t end = w + SHINGLE < nw ? st[w + SHINGLE] - 1 : tl - 1;
      sh_put(sh, hash64(t + st[w], end - st[w]), (uint32_t)i);
    }
    free(st);
  }
done:
  free(line);
  fclose(f);
  ctix__buf_free(&b);
  return rc;
}

/*
 * The report key of a TRAM2 span: through its first word 6-gram, or for
 * shorter spans by search; "*" when it occurs in several reports; `own`
 * when in none.
 */
static const char *span_report(const shingles *sh, const char *text, const char *own)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)1 << 20);
  size_t st[SHINGLE + 1], nw, i;
  const char *res = own;
  uint32_t doc;
  if (!sh->ndocs)
    return own;
  word_norm(&b, text, strlen(text));
  if (b.err || b.len < 2)
    goto done;
  nw = word_starts(b.data, b.len, st, SHINGLE + 1);
  if (nw >= SHINGLE) {
    size_t end = nw > SHINGLE ? st[SHINGLE] - 1 : b.len - 1;
    if (sh_get(sh, hash64(b.data + st[0], end - st[0]), &doc))
      res = doc == UINT32_MAX ? "*" : sh->docs[doc];
    goto done;
  }
  for (i = 0; i < sh->ndocs; i++)
    if (strstr(sh->texts[i], b.data)) {
      if (res != own) {
        res = "*";
        break;
      }
      res = sh->docs[i];
    }
done:
  ctix__buf_free(&b);
  return res;
}

/* ------------------------------------------------------------- ttp-eval */

/*
 * The sentence number of a report sentence set's row ("-s<digits>" at the
 * end of its id: tram2m-091-s0005, annoctr-<split>-<doc>-s0012), or
 * NO_SEQ for the other sets and ids.
 */
static uint32_t sentence_seq(const char *set, const char *id)
{
  size_t n = strlen(id), k = strip_suffix(id, 's');
  uint64_t v;
  if ((strcmp(set, "tram2-multi") != 0 && strcmp(set, "annoctr-sent") != 0) || k == n ||
      ctix__parse_size(&v, id + k + 2, n - k - 2) || v >= NO_SEQ)
    return NO_SEQ;
  return (uint32_t)v;
}

/* Reads DIR/dev.jsonl of one evaluation set; rows of level "sentence". */
static int read_eval(reader *r, const char *shared, size_t k, const shingles *sh)
{
  char path[4096], key[512];
  FILE *f;
  char *line = NULL;
  size_t lcap = 0;
  unsigned long lineno = 0;
  ssize_t n;
  ctix_buf labels = CTIX_BUF_INIT(65536), text = CTIX_BUF_INIT(MAX_JSONL);
  const char *name = eval_sources[k];
  bool tram2span = strcmp(name, "tram2-single") == 0 || strcmp(name, "tram-bootstrap") == 0;
  int rc = 0;
  snprintf(path, sizeof(path), "%s/data/ttp-eval/%s/dev.jsonl", shared, name);
  if (!(f = fopen(path, "r")))
    return ctix__error_set(r->err, CTIX_EIO, "cannot open %s", path);
  while ((n = getline(&line, &lcap, f)) > 0) {
    json_error_t je;
    json_t *j, *techs, *t;
    const char *id, *tx;
    size_t i;
    lineno++;
    if ((size_t)n > MAX_JSONL) {
      rc = ctix__error_set_lc(r->err, CTIX_ETOOBIG, (unsigned)lineno, 1, "line too long");
      ctix__error_source(r->err, path);
      break;
    }
    if (!(j = json_loads(line, JSON_ALLOW_NUL, &je))) {
      rc = ctix__error_set_lc(r->err, CTIX_EPARSE, (unsigned)lineno, (unsigned)je.column, "%s",
                              je.text);
      ctix__error_source(r->err, path);
      break;
    }
    id = json_string_value(json_object_get(j, "id"));
    tx = json_string_value(json_object_get(j, "text"));
    techs = json_object_get(j, "techniques");
    if (!id || !tx || !json_is_array(techs)) {
      json_decref(j);
      rc = ctix__error_set_lc(r->err, CTIX_EPARSE, (unsigned)lineno, 1,
                              "needs \"id\", \"text\" and \"techniques\"");
      ctix__error_source(r->err, path);
      break;
    }
    ctix__buf_reset(&labels);
    json_array_foreach(techs, i, t) {
      if (json_is_string(t))
        add_label(&labels, r->kb, json_string_value(t));
    }
    ctix__buf_reset(&text);
    clean_text(&text, tx, NULL, NULL);
    ctix__ttp_report_key(key, sizeof(key), id);
    if (tram2span)
      snprintf(key, sizeof(key), "%s", span_report(sh, tx, id));
    if (!text.err && !labels.err && text.len)
      rc = push_raw(r, text.data, text.len, labels.len ? labels.data : "", key, (uint32_t)k + 2,
                    sentence_seq(name, id));
    else if (text.err || labels.err)
      rc = ctix__error_set(r->err, CTIX_ENOMEM, "out of memory reading %s", path);
    json_decref(j);
    if (rc)
      break;
  }
  free(line);
  fclose(f);
  ctix__buf_free(&labels);
  ctix__buf_free(&text);
  return rc;
}

/* -------------------------------------------------------------- the data */

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted unique copy of `n` strings (pointers shared with the input). */
static char **uniq_sorted(char **v, size_t n, size_t *out_n)
{
  size_t i, w = 0;
  qsort(v, n, sizeof(char *), cmp_str);
  for (i = 0; i < n; i++)
    if (!w || strcmp(v[w - 1], v[i]) != 0)
      v[w++] = v[i];
  *out_n = w;
  return v;
}

static int64_t find_sorted(char *const *v, size_t n, const char *s)
{
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(v[mid], s);
    if (c == 0)
      return (int64_t)mid;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}

void ctix__ttp_data_free(ctix__ttp_data *d)
{
  size_t i;
  if (!d)
    return;
  for (i = 0; i < d->nlabels; i++)
    free(d->labels[i]);
  for (i = 0; i < d->ngroups; i++)
    free(d->groups[i]);
  free(d->labels);
  free(d->groups);
  ctix__buf_free(&d->rows);
  ctix__buf_free(&d->nodes);
  ctix__buf_free(&d->rlabels);
  free(d);
}

const char *ctix__ttp_data_summary(const ctix__ttp_data *d) { return d->summary; }

/* Interns the labels and groups of the raw rows and computes features. */
static int build_data(ctix__ttp_data *d, reader *r)
{
  size_t nraw = CTIX__BUF_COUNT(&r->raws, raw_row), i, nl = 0, ng = 0, k;
  raw_row *raws = (raw_row *)(void *)r->raws.data;
  char **lv = NULL, **gv = NULL;
  ctix__ttp_fx fx;
  size_t per_src[NSOURCES + 1][3];
  int rc = 0;
  ctix__ttp_fx_init(&fx);
  fx.sorted = 1;
  memset(per_src, 0, sizeof(per_src));
  /* Label and group tables. */
  for (i = 0; i < nraw; i++) {
    const char *p = raws[i].labels;
    while (*p) {
      nl++;
      p += strcspn(p, " ");
      p += *p == ' ';
    }
  }
  if (!(lv = calloc(nl + 1, sizeof(char *))) || !(gv = calloc(nraw + 2, sizeof(char *))))
    goto nomem;
  nl = 0;
  for (i = 0; i < nraw; i++) {
    const char *p = raws[i].labels;
    while (*p) {
      size_t m = strcspn(p, " ");
      if (!(lv[nl++] = strndup(p, m)))
        goto nomem;
      p += m;
      p += *p == ' ';
    }
    if (!(gv[ng++] = strdup(raws[i].group)))
      goto nomem;
  }
  if (!(gv[ng++] = strdup("*")))
    goto nomem;
  {
    size_t u;
    char **tmp = malloc((nl + 1) * sizeof(char *));
    if (!tmp)
      goto nomem;
    memcpy(tmp, lv, nl * sizeof(char *));
    uniq_sorted(tmp, nl, &u);
    d->labels = calloc(u + 1, sizeof(char *));
    if (!d->labels) {
      free(tmp);
      goto nomem;
    }
    for (k = 0; k < u; k++)
      if (!(d->labels[k] = strdup(tmp[k]))) {
        free(tmp);
        goto nomem;
      }
    d->nlabels = u;
    free(tmp);
    if (!(tmp = malloc((ng + 1) * sizeof(char *))))
      goto nomem;
    memcpy(tmp, gv, ng * sizeof(char *));
    uniq_sorted(tmp, ng, &u);
    if (!(d->groups = calloc(u + 1, sizeof(char *)))) {
      free(tmp);
      goto nomem;
    }
    for (k = 0; k < u; k++)
      if (!(d->groups[k] = strdup(tmp[k]))) {
        free(tmp);
        goto nomem;
      }
    d->ngroups = u;
    free(tmp);
  }
  d->star = (uint32_t)find_sorted(d->groups, d->ngroups, "*");
  /* Rows and features. */
  for (i = 0; i < nraw; i++) {
    row rw;
    const char *p = raws[i].labels;
    size_t f, nf;
    struct feature_node node;
    if (ctix__ttp_features(&fx, raws[i].text, strlen(raws[i].text)))
      goto nomem;
    nf = CTIX__TTP_FX_COUNT(&fx);
    if (nf == 0)
      continue;
    rw.node_off = (uint32_t)CTIX__BUF_COUNT(&d->nodes, struct feature_node);
    rw.label_off = (uint32_t)CTIX__BUF_COUNT(&d->rlabels, uint32_t);
    rw.nlabels = 0;
    rw.group = (uint32_t)find_sorted(d->groups, d->ngroups, raws[i].group);
    rw.source = raws[i].source;
    rw.seq = raws[i].seq;
    for (f = 0; f < nf; f++) {
      node.index = (int)CTIX__TTP_FX_AT(&fx, f).id + 1;
      node.value = CTIX__TTP_FX_AT(&fx, f).v;
      ctix__buf_push(&d->nodes, &node, sizeof(node));
    }
    node.index = (int)CTIX__TTP_NFEAT + 1; /* the bias feature */
    node.value = 1.0;
    ctix__buf_push(&d->nodes, &node, sizeof(node));
    node.index = -1;
    node.value = 0;
    ctix__buf_push(&d->nodes, &node, sizeof(node));
    while (*p) {
      size_t m = strcspn(p, " ");
      char id[16];
      uint32_t li, j;
      bool dup = false;
      snprintf(id, sizeof(id), "%.*s", (int)(m < 15 ? m : 15), p);
      li = (uint32_t)find_sorted(d->labels, d->nlabels, id);
      for (j = 0; j < rw.nlabels; j++)
        dup |= CTIX__BUF_AT(&d->rlabels, uint32_t, rw.label_off + j) == li;
      if (!dup) {
        ctix__buf_push(&d->rlabels, &li, sizeof(li));
        rw.nlabels++;
      }
      p += m;
      p += *p == ' ';
    }
    ctix__buf_push(&d->rows, &rw, sizeof(rw));
    if (rw.source <= SRC_SIGMA) {
      per_src[rw.source][0]++;
      per_src[rw.source][1] += rw.nlabels > 0;
      per_src[rw.source][2] += rw.nlabels;
    }
    if (d->nodes.err || d->rows.err || d->rlabels.err)
      goto nomem;
  }
  {
    size_t off = 0;
    for (k = 0; k <= SRC_SIGMA; k++) {
      const char *nm = k == SRC_ATTACK  ? "attack-procedures"
                       : k == SRC_NAMES ? "attack-names"
                       : k == SRC_SIGMA ? (r->sigma == CTIX__TTP_SIGMA_DESC
                                               ? "sigma-titles+descriptions"
                                               : "sigma-titles")
                                        : eval_sources[k - 2];
      char skip[64] = "";
      int w;
      if (k == SRC_SIGMA && r->sigma == CTIX__TTP_SIGMA_OFF)
        break; /* the default manifest names no optional source */
      if (k == SRC_SIGMA)
        snprintf(skip, sizeof(skip), ", %zu files unread", r->sigma_skipped);
      w = snprintf(d->summary + off, sizeof(d->summary) - off,
                   "source %s: %zu rows, %zu positive, %zu labels%s\n", nm, per_src[k][0],
                   per_src[k][1], per_src[k][2], skip);
      if (w > 0 && (size_t)w < sizeof(d->summary) - off)
        off += (size_t)w;
    }
  }
  goto done;
nomem:
  rc = ctix__error_set(r->err, CTIX_ENOMEM, "out of memory building the training data");
done:
  if (lv)
    for (i = 0; i < nl; i++)
      free(lv[i]);
  if (gv)
    for (i = 0; i < ng; i++)
      free(gv[i]);
  free(lv);
  free(gv);
  ctix__ttp_fx_free(&fx);
  return rc;
}

int ctix__ttp_data_load(ctix__ttp_data **out, const char *shared_dir, const ctix_kb *kb,
                        bool progress, ctix_error *err)
{
  return ctix__ttp_data_load_src(out, shared_dir, kb, CTIX__TTP_SIGMA_OFF, progress, err);
}

int ctix__ttp_data_load_src(ctix__ttp_data **out, const char *shared_dir, const ctix_kb *kb,
                            int sigma, bool progress, ctix_error *err)
{
  reader r;
  ctix__ttp_data *d;
  shingles sh;
  size_t k, i;
  int rc;
  *out = NULL;
  memset(&r, 0, sizeof(r));
  ctix__buf_init(&r.raws, (size_t)1 << 30);
  r.kb = kb;
  r.err = err;
  r.progress = progress;
  r.sigma = sigma;
  memset(&sh, 0, sizeof(sh));
  if (!(d = calloc(1, sizeof(*d))))
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  ctix__buf_init(&d->rows, (size_t)1 << 30);
  ctix__buf_init(&d->nodes, (size_t)4 << 30);
  ctix__buf_init(&d->rlabels, (size_t)1 << 28);
  if (progress)
    fprintf(stderr, "ctix: reading ATT&CK procedure examples\n");
  if ((rc = read_attack(&r, shared_dir)))
    goto done;
  if ((rc = sh_build(&sh, shared_dir, err)))
    goto done;
  for (k = 0; k < sizeof(eval_sources) / sizeof(eval_sources[0]); k++) {
    if (progress)
      fprintf(stderr, "ctix: reading %s\n", eval_sources[k]);
    if ((rc = read_eval(&r, shared_dir, k, &sh)))
      goto done;
  }
  if (sigma != CTIX__TTP_SIGMA_OFF) {
    if (progress)
      fprintf(stderr, "ctix: reading Sigma rules\n");
    if ((rc = read_sigma(&r, shared_dir)))
      goto done;
  }
  if (progress)
    fprintf(stderr, "ctix: computing features of %zu rows\n",
            CTIX__BUF_COUNT(&r.raws, raw_row));
  if ((rc = build_data(d, &r)))
    goto done;
  *out = d;
  d = NULL;
done:
  for (i = 0; i < CTIX__BUF_COUNT(&r.raws, raw_row); i++) {
    raw_row *rr = &CTIX__BUF_AT(&r.raws, raw_row, i);
    free(rr->text);
    free(rr->labels);
    free(rr->group);
  }
  ctix__buf_free(&r.raws);
  sh_free(&sh);
  ctix__ttp_data_free(d);
  return rc;
}

/* ------------------------------------------------------------- negatives */

size_t ctix__ttp_data_rows(const ctix__ttp_data *d) { return CTIX__BUF_COUNT(&d->rows, row); }

const struct feature_node *ctix__ttp_data_x(const ctix__ttp_data *d, size_t i)
{
  return (const struct feature_node *)(const void *)d->nodes.data +
         CTIX__BUF_AT(&d->rows, row, i).node_off;
}

/* Whether row r has a label in the family marked by fam (over label indexes). */
static bool row_in_family(const ctix__ttp_data *d, const row *r, const bool *fam)
{
  uint32_t j;
  for (j = 0; j < r->nlabels; j++)
    if (fam[CTIX__BUF_AT(&d->rlabels, uint32_t, r->label_off + j)])
      return true;
  return false;
}

/* Whether b is a sentence of a's report (same set) within w sentences of it. */
static bool near(const row *a, const row *b, unsigned w)
{
  return a->group == b->group && a->source == b->source && b->seq != NO_SEQ &&
         (a->seq > b->seq ? a->seq - b->seq : b->seq - a->seq) <= w;
}

/*
 * Fills keep[i] for every row: whether it may be a negative of label
 * `lab` under cfg's neg_mode (ctix__ttp_negatives). `fam` (d->nlabels
 * entries) and `grp` (d->ngroups) are scratch.
 */
static void negatives(bool *keep, bool *fam, bool *grp, const ctix__ttp_data *d, uint32_t lab,
                      const ctix__ttp_train_cfg *cfg)
{
  size_t nrows = CTIX__BUF_COUNT(&d->rows, row), i;
  const row *rows = (const row *)(const void *)d->rows.data;
  uint32_t j;
  /* The family: the ids sharing the class's "T####". */
  for (i = 0; i < d->nlabels; i++)
    fam[i] = strncmp(d->labels[i], d->labels[lab], 5) == 0;
  for (i = 0; i < nrows; i++) {
    keep[i] = true;
    for (j = 0; j < rows[i].nlabels; j++)
      if (CTIX__BUF_AT(&d->rlabels, uint32_t, rows[i].label_off + j) == lab)
        keep[i] = false;
  }
  if (cfg->neg_mode == CTIX__TTP_NEG_REPORT) {
    memset(grp, 0, d->ngroups * sizeof(bool));
    for (i = 0; i < nrows; i++)
      if (rows[i].group != d->star && row_in_family(d, rows + i, fam))
        grp[rows[i].group] = true;
    for (i = 0; i < nrows; i++)
      if (rows[i].seq != NO_SEQ && rows[i].nlabels == 0 && grp[rows[i].group])
        keep[i] = false;
  } else if (cfg->neg_mode == CTIX__TTP_NEG_WINDOW) {
    /* A report's sentences are consecutive rows in sentence order. */
    for (i = 0; i < nrows; i++) {
      size_t k;
      if (rows[i].seq == NO_SEQ || !row_in_family(d, rows + i, fam))
        continue;
      for (k = i; k-- > 0 && near(rows + i, rows + k, cfg->neg_window);)
        keep[k] &= rows[k].nlabels != 0;
      for (k = i + 1; k < nrows && near(rows + i, rows + k, cfg->neg_window); k++)
        keep[k] &= rows[k].nlabels != 0;
    }
  }
}

int ctix__ttp_negatives(bool *keep, const ctix__ttp_data *d, const char *id,
                        const ctix__ttp_train_cfg *cfg)
{
  int64_t lab = find_sorted(d->labels, d->nlabels, id);
  bool *fam, *grp;
  if (lab < 0)
    return CTIX_EINVAL;
  fam = calloc(d->nlabels + 1, sizeof(bool));
  grp = calloc(d->ngroups + 1, sizeof(bool));
  if (fam && grp)
    negatives(keep, fam, grp, d, (uint32_t)lab, cfg);
  free(fam);
  free(grp);
  return fam && grp ? 0 : CTIX_ENOMEM;
}

/* -------------------------------------------------------------- training */

static void quiet(const char *s) { (void)s; }

typedef struct wsel {
  float a;     /* |w| */
  uint32_t id;
} wsel;

static int cmp_wsel(const void *x, const void *y)
{
  const wsel *a = x, *b = y;
  if (a->a != b->a)
    return a->a > b->a ? -1 : 1;
  return a->id < b->id ? -1 : a->id > b->id;
}

typedef struct trip {
  uint32_t feat;
  uint16_t cls;
  int16_t w;
} trip;

static int cmp_trip(const void *x, const void *y)
{
  const trip *a = x, *b = y;
  if (a->feat != b->feat)
    return a->feat < b->feat ? -1 : 1;
  return a->cls < b->cls ? -1 : a->cls > b->cls;
}

/* Scratch of a class's own problem when neg_mode is not CTIX__TTP_NEG_ALL. */
typedef struct negscratch {
  bool *keep, *fam, *grp;       /* negatives() */
  struct feature_node **xs;     /* the class's rows */
  double *ys;
} negscratch;

/*
 * The multiple-instance refinement of one class's problem: trains on all
 * `nused` rows (x, y: the default negatives), scores the unlabelled
 * sentences of the reports that have the class's family, and those over
 * cfg->neg_margin become positives (CTIX__TTP_NEG_MIL_ADD) or leave the
 * problem (_DROP). Points `prob` at the refined rows in ns->xs, ns->ys;
 * adds the number changed to *nout.
 */
static int mil_problem(struct problem *prob, size_t *nout, negscratch *ns,
                       const ctix__ttp_data *d, uint32_t lab, const ctix__ttp_train_cfg *cfg,
                       const uint32_t *used, struct feature_node **x, double *y, size_t nused,
                       const struct parameter *par, ctix_error *err)
{
  ctix__ttp_train_cfg rep = *cfg;
  struct model *mdl;
  const char *chk;
  int labels[2];
  size_t i, nc = 0;
  prob->l = (int)nused;
  prob->x = x;
  prob->y = y;
  if ((chk = check_parameter(prob, par)))
    return ctix__error_set(err, CTIX_EINVAL, "liblinear: %s", chk);
  srand(1);
  if (!(mdl = train(prob, par)))
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory training the technique model");
  get_labels(mdl, labels);
  rep.neg_mode = CTIX__TTP_NEG_REPORT;
  negatives(ns->keep, ns->fam, ns->grp, d, lab, &rep);
  for (i = 0; i < nused; i++) {
    double dec = 0, yy = y[i];
    if (yy < 0 && !ns->keep[used[i]]) {
      predict_values(mdl, x[i], &dec);
      if ((labels[0] == 1 ? dec : -dec) > cfg->neg_margin) {
        (*nout)++;
        if (cfg->neg_mode == CTIX__TTP_NEG_MIL_DROP)
          continue;
        yy = 1.0;
      }
    }
    ns->xs[nc] = x[i];
    ns->ys[nc++] = yy;
  }
  free_and_destroy_model(&mdl);
  prob->l = (int)nc;
  prob->x = ns->xs;
  prob->y = ns->ys;
  return 0;
}

void ctix__ttp_nb_ratios(float *r, double *p, double *q, size_t nfeat,
                         struct feature_node *const *x, const double *y, size_t n,
                         const ctix__ttp_train_cfg *cfg)
{
  double a = cfg->nb_alpha > 0 ? cfg->nb_alpha : 1.0, sp = 0, sq = 0, nv = 0, lp, lq;
  size_t i, j;
  memset(p, 0, nfeat * sizeof(double));
  memset(q, 0, nfeat * sizeof(double));
  for (i = 0; i < n; i++) {
    const struct feature_node *f;
    double *acc = y[i] > 0 ? p : q;
    for (f = x[i]; f->index != -1; f++)
      if (f->index >= 1 && (size_t)f->index <= nfeat && f->value != 0)
        acc[f->index - 1] += cfg->nb == CTIX__TTP_NB_BIN ? 1.0 : fabs(f->value);
  }
  for (j = 0; j < nfeat; j++)
    if (p[j] > 0 || q[j] > 0) {
      nv++;
      sp += p[j];
      sq += q[j];
    }
  lp = log(a * nv + sp);
  lq = log(a * nv + sq);
  for (j = 0; j < nfeat; j++) {
    double v = 0;
    if (p[j] > 0 || q[j] > 0) {
      v = log(a + p[j]) - lp - log(a + q[j]) + lq;
      if (cfg->nb_clip > 0 && fabs(v) > cfg->nb_clip)
        v = v > 0 ? cfg->nb_clip : -cfg->nb_clip;
    }
    r[j] = (float)v;
  }
}

/* Scratch of the naive-Bayes scaling (cfg.nb). */
typedef struct nbscratch {
  float *r;                     /* the class's ratios, CTIX__TTP_NFEAT */
  double *p, *q;                /* counts, CTIX__TTP_NFEAT */
  struct feature_node *nodes;   /* scaled copy of d->nodes (same offsets) */
  struct feature_node **xs;     /* the problem's rows in that copy */
} nbscratch;

/*
 * Computes the class's ratios over the rows of `prob` and points prob at
 * the same rows with every feature multiplied by its ratio (the bias
 * feature unchanged); `base` is d->nodes, of which nb->nodes is a copy.
 */
static void nb_problem(struct problem *prob, nbscratch *nb, const struct feature_node *base,
                       const ctix__ttp_train_cfg *cfg)
{
  size_t i;
  ctix__ttp_nb_ratios(nb->r, nb->p, nb->q, CTIX__TTP_NFEAT, prob->x, prob->y, (size_t)prob->l,
                      cfg);
  for (i = 0; i < (size_t)prob->l; i++) {
    const struct feature_node *f = prob->x[i];
    struct feature_node *g = nb->nodes + (f - base);
    nb->xs[i] = g;
    for (;; f++, g++) {
      *g = *f;
      if (f->index == -1)
        break;
      if (f->index >= 1 && (uint32_t)f->index <= CTIX__TTP_NFEAT)
        g->value = f->value * nb->r[f->index - 1];
    }
  }
  prob->x = nb->xs;
}

/*
 * The weight kept for feature k (1-based) of a trained class: liblinear's
 * w_k, under cfg.nb interpolated towards the mean magnitude `wbar` of the
 * weights of the features present (nb_beta in (0, 1)) and multiplied by the
 * feature's ratio.
 */
static double nb_weight(double w, size_t k, const nbscratch *nb, double wbar,
                        const ctix__ttp_train_cfg *cfg)
{
  if (cfg->nb == CTIX__TTP_NB_OFF)
    return w;
  if (cfg->nb_beta > 0 && cfg->nb_beta < 1 && (nb->p[k - 1] > 0 || nb->q[k - 1] > 0))
    w = (1 - cfg->nb_beta) * wbar + cfg->nb_beta * w;
  return w * nb->r[k - 1];
}

int ctix__ttp_train_buf(ctix_buf *out, const ctix__ttp_data *d, const ctix__ttp_train_cfg *cfg,
                        ctix_error *err)
{
  size_t nrows = CTIX__BUF_COUNT(&d->rows, row), i, c, ncls = 0, nused = 0;
  const row *rows = (const row *)(const void *)d->rows.data;
  const uint32_t *rl = (const uint32_t *)(const void *)d->rlabels.data;
  struct feature_node *nodes = (struct feature_node *)(void *)d->nodes.data;
  struct feature_node **x = NULL;
  double *y = NULL;
  uint32_t *used = NULL, *pos = NULL, *cls = NULL;
  bool *excluded = NULL;
  negscratch ns = {NULL, NULL, NULL, NULL, NULL};
  nbscratch nb = {NULL, NULL, NULL, NULL, NULL};
  size_t nneg_out = 0;
  wsel *ws = NULL;
  float *scale = NULL, *bias = NULL;
  ctix_buf trips = CTIX_BUF_INIT((size_t)1 << 31), info = CTIX_BUF_INIT(1 << 16);
  size_t topn = cfg->topn ? cfg->topn : DEFAULT_TOPN;
  size_t min_pos = cfg->min_pos ? cfg->min_pos : DEFAULT_MIN_POS;
  double cc = cfg->c > 0 ? cfg->c : cfg->solver == CTIX__TTP_LOGREG ? DEFAULT_C_LR : DEFAULT_C_SVM;
  ctix__ttp_params params;
  struct problem prob;
  struct parameter par;
  size_t start = out->len;
  int rc = 0;

  if (cfg->params)
    params = *cfg->params;
  else
    ctix__ttp_params_default(&params);
  set_print_string_function(quiet);
  if (!(excluded = calloc(d->ngroups + 1, sizeof(bool))) ||
      !(used = calloc(nrows + 1, sizeof(uint32_t))) || !(x = calloc(nrows + 1, sizeof(*x))) ||
      !(y = calloc(nrows + 1, sizeof(double))) || !(pos = calloc(d->nlabels + 1, 4)) ||
      !(cls = calloc(d->nlabels + 1, 4)) || !(ws = calloc(CTIX__TTP_NFEAT, sizeof(wsel))) ||
      !(scale = calloc(d->nlabels + 1, 4)) || !(bias = calloc(d->nlabels + 1, 4)))
    goto nomem;
  if (cfg->neg_mode != CTIX__TTP_NEG_ALL &&
      (!(ns.keep = calloc(nrows + 1, sizeof(bool))) ||
       !(ns.fam = calloc(d->nlabels + 1, sizeof(bool))) ||
       !(ns.grp = calloc(d->ngroups + 1, sizeof(bool))) ||
       !(ns.xs = calloc(nrows + 1, sizeof(*ns.xs))) ||
       !(ns.ys = calloc(nrows + 1, sizeof(double)))))
    goto nomem;
  if (cfg->nb != CTIX__TTP_NB_OFF &&
      (!(nb.r = calloc(CTIX__TTP_NFEAT, sizeof(float))) ||
       !(nb.p = calloc(CTIX__TTP_NFEAT, sizeof(double))) ||
       !(nb.q = calloc(CTIX__TTP_NFEAT, sizeof(double))) ||
       !(nb.nodes = calloc(CTIX__BUF_COUNT(&d->nodes, struct feature_node) + 1,
                           sizeof(struct feature_node))) ||
       !(nb.xs = calloc(nrows + 1, sizeof(*nb.xs)))))
    goto nomem;
  /* Rows in training: all but the excluded reports ("*" with any exclusion). */
  for (i = 0; i < cfg->nexclude; i++) {
    int64_t g = find_sorted(d->groups, d->ngroups, cfg->exclude[i]);
    if (g >= 0)
      excluded[g] = true;
  }
  if (cfg->nexclude && d->star != UINT32_MAX)
    excluded[d->star] = true;
  for (i = 0; i < nrows; i++)
    if (!excluded[rows[i].group]) {
      used[nused] = (uint32_t)i;
      x[nused++] = nodes + rows[i].node_off;
    }
  for (i = 0; i < nused; i++) {
    const row *r = rows + used[i];
    uint32_t j;
    for (j = 0; j < r->nlabels; j++)
      pos[rl[r->label_off + j]]++;
  }
  /* Classes: enough positives, and in the requested set. */
  for (c = 0; c < d->nlabels; c++) {
    if (pos[c] < min_pos || (cfg->parents_only && strchr(d->labels[c], '.')))
      continue;
    if (cfg->classes) {
      size_t k;
      bool want = false;
      for (k = 0; k < cfg->nclasses && !want; k++)
        want = strcmp(cfg->classes[k], d->labels[c]) == 0;
      if (!want)
        continue;
    }
    cls[ncls++] = (uint32_t)c;
  }
  if (ncls == 0 || ncls > CTIX__TTP_MAX_CLASSES) {
    rc = ctix__error_set(err, CTIX_EINVAL, "%zu technique classes to train (1..%u allowed)", ncls,
                         CTIX__TTP_MAX_CLASSES);
    goto done;
  }
  memset(&prob, 0, sizeof(prob));
  prob.n = (int)CTIX__TTP_NFEAT + 1;
  prob.bias = 1.0;
  memset(&par, 0, sizeof(par));
  par.solver_type = cfg->solver == CTIX__TTP_LOGREG ? L2R_LR_DUAL : L2R_L2LOSS_SVC_DUAL;
  par.C = cc;
  par.eps = 0.1;
  for (c = 0; c < ncls; c++) {
    uint32_t lab = cls[c], j;
    struct model *mdl;
    int labels[2], li;
    size_t nw = 0, keep, k;
    float maxa = 0.0f;
    double wbar = 0;
    const char *chk;
    prob.l = (int)nused;
    prob.x = x;
    prob.y = y;
    for (i = 0; i < nused; i++) {
      const row *r = rows + used[i];
      y[i] = -1.0;
      for (j = 0; j < r->nlabels; j++)
        if (rl[r->label_off + j] == lab)
          y[i] = 1.0;
    }
    if (cfg->neg_mode == CTIX__TTP_NEG_MIL_ADD || cfg->neg_mode == CTIX__TTP_NEG_MIL_DROP) {
      if ((rc = mil_problem(&prob, &nneg_out, &ns, d, lab, cfg, used, x, y, nused, &par, err)))
        goto done;
    } else if (cfg->neg_mode != CTIX__TTP_NEG_ALL) {
      /* The class's own problem: its positives and the negatives its mode keeps. */
      size_t nc = 0;
      negatives(ns.keep, ns.fam, ns.grp, d, lab, cfg);
      for (i = 0; i < nused; i++)
        if (y[i] > 0 || ns.keep[used[i]]) {
          ns.xs[nc] = x[i];
          ns.ys[nc++] = y[i];
        }
      nneg_out += nused - nc; /* the negatives left out */
      prob.l = (int)nc;
      prob.x = ns.xs;
      prob.y = ns.ys;
    }
    if (cfg->nb != CTIX__TTP_NB_OFF)
      nb_problem(&prob, &nb, nodes, cfg);
    if ((chk = check_parameter(&prob, &par))) {
      rc = ctix__error_set(err, CTIX_EINVAL, "liblinear: %s", chk);
      goto done;
    }
    srand(1);
    if (!(mdl = train(&prob, &par)))
      goto nomem;
    get_labels(mdl, labels);
    li = labels[0] == 1 ? 0 : 1;
    if (cfg->nb != CTIX__TTP_NB_OFF && cfg->nb_beta > 0 && cfg->nb_beta < 1) {
      size_t nv = 0;
      for (k = 1; k <= CTIX__TTP_NFEAT; k++)
        if (nb.p[k - 1] > 0 || nb.q[k - 1] > 0) {
          wbar += fabs(get_decfun_coef(mdl, (int)k, li));
          nv++;
        }
      wbar = nv ? wbar / (double)nv : 0;
    }
    for (k = 1; k <= CTIX__TTP_NFEAT; k++) {
      double w = nb_weight(get_decfun_coef(mdl, (int)k, li), k, &nb, wbar, cfg);
      if (w != 0.0) {
        ws[nw].a = (float)fabs(w);
        ws[nw].id = (uint32_t)k - 1;
        if (w < 0)
          ws[nw].id |= 0x80000000u;
        nw++;
      }
    }
    bias[c] = (float)get_decfun_bias(mdl, li);
    free_and_destroy_model(&mdl);
    qsort(ws, nw, sizeof(wsel), cmp_wsel);
    keep = nw < topn ? nw : topn;
    for (k = 0; k < keep; k++)
      if (ws[k].a > maxa)
        maxa = ws[k].a;
    scale[c] = maxa > 0 ? maxa / 32767.0f : 1.0f;
    for (k = 0; k < keep; k++) {
      trip t;
      long q = lroundf(ws[k].a / scale[c]);
      if (q == 0)
        continue;
      t.feat = ws[k].id & 0x7fffffffu;
      t.cls = (uint16_t)c;
      t.w = (int16_t)((ws[k].id & 0x80000000u) ? -q : q);
      ctix__buf_push(&trips, &t, sizeof(t));
    }
    if (trips.err)
      goto nomem;
    if (cfg->progress)
      fprintf(stderr, "\rctix: trained %zu/%zu classes (%s)   ", c + 1, ncls, d->labels[lab]);
  }
  if (cfg->progress)
    fputc('\n', stderr);
  /* Feature-major postings. */
  {
    size_t nt = CTIX__BUF_COUNT(&trips, trip), nf = 0, k;
    trip *t = (trip *)(void *)trips.data;
    qsort(t, nt, sizeof(trip), cmp_trip);
    for (k = 0; k < nt; k++)
      nf += !k || t[k].feat != t[k - 1].feat;
    ctix__buf_addf(&info, "trained on %zu rows (%zu kept out), %zu classes, solver %s, C=%g, "
                          "top %zu weights per class\n",
                   nused, nrows - nused, ncls,
                   cfg->solver == CTIX__TTP_LOGREG ? "logistic regression (dual)"
                                                   : "L2-loss SVM (dual)",
                   cc, topn);
    if (cfg->neg_mode == CTIX__TTP_NEG_REPORT)
      ctix__buf_addf(&info, "negatives: not the unlabelled sentences of a report labelled with "
                            "the class's family (%zu row-class pairs left out)\n",
                     nneg_out);
    else if (cfg->neg_mode == CTIX__TTP_NEG_WINDOW)
      ctix__buf_addf(&info, "negatives: not the unlabelled sentences within %u of a sentence "
                            "labelled with the class's family (%zu row-class pairs left out)\n",
                     cfg->neg_window, nneg_out);
    else if (cfg->neg_mode == CTIX__TTP_NEG_MIL_ADD || cfg->neg_mode == CTIX__TTP_NEG_MIL_DROP)
      ctix__buf_addf(&info, "negatives: trained twice, the unlabelled sentences of a report "
                            "labelled with the class's family scoring over %g the first time "
                            "%s the second (%zu row-class pairs)\n",
                     cfg->neg_margin,
                     cfg->neg_mode == CTIX__TTP_NEG_MIL_ADD ? "are positives" : "left out",
                     nneg_out);
    if (cfg->nb != CTIX__TTP_NB_OFF)
      ctix__buf_addf(&info, "features: naive-Bayes scaled (NBSVM), ratios of %s counts, a=%g, "
                            "clip=%g, interpolation b=%g; stored weights are w*r\n",
                     cfg->nb == CTIX__TTP_NB_BIN ? "binary" : "value",
                     cfg->nb_alpha > 0 ? cfg->nb_alpha : 1.0, cfg->nb_clip,
                     cfg->nb_beta > 0 && cfg->nb_beta < 1 ? cfg->nb_beta : 1.0);
    ctix__buf_adds(&info, d->summary);
    ctix__buf_add(out, CTIX__TTP_MODEL_MAGIC, 8);
    ctix__ttp_put32(out, CTIX__TTP_MODEL_VERSION);
    ctix__ttp_put32(out, (uint32_t)ncls);
    ctix__ttp_put32(out, (uint32_t)nf);
    ctix__ttp_put32(out, (uint32_t)nt);
    ctix__ttp_put32(out, CTIX__TTP_FEAT_BITS);
    ctix__ttp_put32(out, (uint32_t)ctix__ttp_param_count());
    ctix__ttp_put32(out, (uint32_t)info.len);
    ctix__ttp_put32(out, 0); /* flags */
    for (k = 0; k < ctix__ttp_param_count(); k++)
      ctix__ttp_putf(out, ctix__ttp_param_get(&params, k));
    for (c = 0; c < ncls; c++) {
      char id[12] = {0};
      snprintf(id, sizeof(id), "%s", d->labels[cls[c]]);
      ctix__buf_add(out, id, 12);
      ctix__ttp_putf(out, scale[c]);
      ctix__ttp_putf(out, bias[c]);
      ctix__ttp_put32(out, pos[cls[c]]);
    }
    for (k = 0; k < nt; k++)
      if (!k || t[k].feat != t[k - 1].feat)
        ctix__ttp_put32(out, t[k].feat);
    ctix__ttp_put32(out, 0);
    for (k = 1; k < nt; k++)
      if (t[k].feat != t[k - 1].feat)
        ctix__ttp_put32(out, (uint32_t)k);
    if (nt)
      ctix__ttp_put32(out, (uint32_t)nt);
    for (k = 0; k < nt; k++) {
      unsigned char b4[4] = {(unsigned char)t[k].cls, (unsigned char)(t[k].cls >> 8),
                             (unsigned char)(uint16_t)t[k].w,
                             (unsigned char)((uint16_t)t[k].w >> 8)};
      ctix__buf_add(out, b4, 4);
    }
    ctix__buf_add(out, info.data ? info.data : "", info.len);
    while ((out->len - start) % 4)
      ctix__buf_addc(out, 0);
    ctix__ttp_put32(out, ctix__ttp_model_checksum(out->data + start, out->len - start));
    if (out->err)
      goto nomem;
  }
  goto done;
nomem:
  rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory training the technique model");
done:
  free(excluded);
  free(ns.keep);
  free(ns.fam);
  free(ns.grp);
  free(ns.xs);
  free(ns.ys);
  free(nb.r);
  free(nb.p);
  free(nb.q);
  free(nb.nodes);
  free(nb.xs);
  free(used);
  free(x);
  free(y);
  free(pos);
  free(cls);
  free(ws);
  free(scale);
  free(bias);
  ctix__buf_free(&trips);
  ctix__buf_free(&info);
  return rc;
}

int ctix_ttp_model_train(const ctix_ttp_train_opts *opts, ctix_error *err)
{
  const ctix_kb *kb;
  ctix__ttp_data *d = NULL;
  ctix__ttp_train_cfg cfg;
  ctix_buf out = CTIX_BUF_INIT(CTIX__TTP_MODEL_MAX);
  char **keys = NULL;
  size_t nkeys = 0;
  FILE *f = NULL;
  int rc;
  if (!opts || !opts->shared_dir || !opts->out_path)
    return ctix__error_set(err, CTIX_EINVAL, "training needs the shared data folder and an output file");
  if ((rc = ctix_kb_default(&kb, err)))
    return rc;
  if ((rc = ctix__ttp_data_load(&d, opts->shared_dir, kb, opts->progress, err)))
    goto done;
  memset(&cfg, 0, sizeof(cfg));
  /* the committed model's negatives (docs/ttp.md "Report-aware negatives") */
  cfg.neg_mode = CTIX__TTP_NEG_REPORT;
  cfg.progress = opts->progress;
  if (opts->exclude_ids) {
    size_t n = 0, i;
    while (opts->exclude_ids[n])
      n++;
    if (!(keys = calloc(n + 1, sizeof(char *))))
      goto nomem;
    for (i = 0; i < n; i++) {
      char k[512];
      ctix__ttp_report_key(k, sizeof(k), opts->exclude_ids[i]);
      if (!(keys[nkeys++] = strdup(k)))
        goto nomem;
    }
    cfg.exclude = (const char *const *)keys;
    cfg.nexclude = nkeys;
  }
  if ((rc = ctix__ttp_train_buf(&out, d, &cfg, err)))
    goto done;
  if (!(f = fopen(opts->out_path, "wb")) || fwrite(out.data, 1, out.len, f) != out.len) {
    rc = ctix__error_set(err, CTIX_EIO, "cannot write %s", opts->out_path);
    goto done;
  }
  goto done;
nomem:
  rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
done:
  if (f && fclose(f) && !rc)
    rc = ctix__error_set(err, CTIX_EIO, "cannot write %s", opts->out_path);
  while (nkeys)
    free(keys[--nkeys]);
  free(keys);
  ctix__buf_free(&out);
  ctix__ttp_data_free(d);
  return rc;
}
