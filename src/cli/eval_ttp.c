/*
 * `ctix eval ttp FILE.jsonl...`: technique mapping against labelled items
 * of the ttp-eval format ({"id", "text", "techniques", "level"}).
 *
 * Every item's text is read as a plain-text document and mapped; its
 * predicted technique set (observed and potential findings) is compared
 * with the gold set. Reported: precision, recall and F1 micro-averaged
 * over (item, technique) pairs, macro F1 over the techniques seen in
 * either side, and the literature's per-document F1 (F1 of each item's
 * two sets, averaged; an item with both sets empty scores 1).
 *
 * Label spaces: `--labels tram50` folds predictions into the TRAM-50 list
 * (kept if listed, else its parent if listed, else dropped; gold is
 * folded the same way); `--parents` rolls both sides up to parents.
 *
 * `--cv K` cross-validates by report: items are grouped by the report they
 * come from, groups are dealt into K folds, and for each fold a model is
 * trained on the shared data minus every row derived from the fold's
 * reports, then maps the fold. Only the classes of the label space are
 * trained (faster; same decisions inside the space). K = 1 is a hold-out:
 * one model trained without any of the file's reports (a quick screen on
 * a file holding one fold's reports).
 *
 * Implied findings (techniques only named software or groups suggest) are
 * not predictions: the mapper is asked for them only with `--implied`,
 * which also counts them. `--cue-priors` gives the lexicon cues their
 * prior instead of the weight measured on the dev sets, so that the cue
 * part of a dev evaluation is not fitted to the dev labels; `--cv-cues
 * DIR` maps each fold with a lexicon whose weights were fitted without
 * the fold's reports.
 *
 * `--trace FILE` writes, per item, what the document decision saw
 * (ctix__ttp_map_trace: every sentence's class scores, the rule hits, the
 * threshold) followed by the item's gold and predicted labels, so that
 * decision experiments can be replayed outside ctix
 * (tools/ttp/decide_replay.py).
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli_internal.h"
#include "cli/eval_ttp.h"
#include "ctix/ttp.h"
#include "kb/build.h"
#include "ttp/cues_internal.h"
#include "ttp/model.h"
#include "util/str.h"

#define MAX_LINE ((size_t)64 << 20)
#define MAX_LABELS 64

/* The TRAM-50 label space (ttp-eval README). */
static const char *const tram50[] = {
    "T1003.001", "T1005",     "T1012",     "T1016",     "T1021.001", "T1027",     "T1033",
    "T1036.005", "T1041",     "T1047",     "T1053.005", "T1055",     "T1056.001", "T1057",
    "T1059.003", "T1068",     "T1070.004", "T1071.001", "T1072",     "T1074.001", "T1078",
    "T1082",     "T1083",     "T1090",     "T1095",     "T1105",     "T1106",     "T1110",
    "T1112",     "T1113",     "T1140",     "T1190",     "T1204.002", "T1210",     "T1218.011",
    "T1219",     "T1484.001", "T1518.001", "T1543.003", "T1547.001", "T1548.002", "T1552.001",
    "T1557.001", "T1562.001", "T1564.001", "T1566.001", "T1569.002", "T1570",     "T1573.001",
    "T1574.002",
};
#define NTRAM50 (sizeof(tram50) / sizeof(tram50[0]))

/* One evaluation item. */
typedef struct item {
  char *id;
  char *text;
  size_t len;
  char gold[MAX_LABELS][12];
  size_t ngold;
  char pred[MAX_LABELS][12];
  size_t npred;
  char key[256];             /* report key */
  unsigned fold;
} item;

typedef struct cls_count {
  char id[12];
  size_t tp, fp, fn;
} cls_count;

/* The current id of a technique: revoked ids follow the KB to their replacement. */
static void current_id(char out[12], const char *id)
{
  const ctix_kb *kb;
  ctix_kb_ref ref;
  ctix_error err;
  ctix_error_clear(&err);
  if (ctix_kb_default(&kb, &err) == 0 && ctix_kb_resolve_id(kb, id, strlen(id), &ref) == 0 &&
      ctix_kb_kind_of(kb, ref) == CTIX_KB_TECHNIQUE)
    ctix__strlcpy(out, ctix_kb_id(kb, ref), 12);
  else
    ctix__strlcpy(out, id, 12);
}

/* The TRAM-50 entry whose current id is `id` (T1574.002 is now T1574.001), or NULL. */
static const char *in_tram50(const char *id)
{
  static char cur[NTRAM50][12];
  static bool ready;
  size_t i;
  if (!ready) {
    for (i = 0; i < NTRAM50; i++)
      current_id(cur[i], tram50[i]);
    ready = true;
  }
  for (i = 0; i < NTRAM50; i++)
    if (strcmp(cur[i], id) == 0 || strcmp(tram50[i], id) == 0)
      return tram50[i];
  return NULL;
}

/*
 * Maps a label into the evaluated space (through the KB, so gold and
 * predictions agree on revoked ids); false when it drops out.
 */
static bool fold_label(char out[12], const char *id, const ctix__eval_ttp_opts *o)
{
  char v[12];
  const char *t;
  current_id(v, id);
  if (o->parents)
    v[strcspn(v, ".")] = 0;
  if (o->labels) {
    if (!(t = in_tram50(v))) {
      v[strcspn(v, ".")] = 0;
      if (!(t = in_tram50(v)))
        return false;
    }
    ctix__strlcpy(v, t, sizeof(v));
  }
  memcpy(out, v, 12);
  return true;
}

static void add_unique(char set[][12], size_t *n, const char *v)
{
  size_t i;
  for (i = 0; i < *n; i++)
    if (strcmp(set[i], v) == 0)
      return;
  if (*n < MAX_LABELS)
    ctix__strlcpy(set[(*n)++], v, 12);
}

/* Reads every item of `file`; returns 0, 1 (reported) or a CTIX_E code. */
static int read_items(ctix_buf *items, const char *file, const ctix__eval_ttp_opts *o)
{
  ctix__jsonl_reader rd;
  FILE *f = fopen(file, "rb");
  int worst = 0, rc;
  if (!f) {
    ctix__cli_msg("%s: cannot open: %s", file, strerror(errno));
    return 1;
  }
  ctix__jsonl_init(&rd, f, file, MAX_LINE);
  for (;;) {
    ctix_error err;
    json_t *c, *t, *techs;
    const char *id, *text;
    item it;
    size_t i;
    ctix_error_clear(&err);
    rc = ctix__jsonl_next(&rd, &err);
    if (rc == 0)
      break;
    if (rc < 0) {
      ctix__cli_error(&err);
      worst = rc == CTIX_ENOMEM ? rc : 1;
      if (rc == CTIX_EIO || rc == CTIX_ENOMEM)
        break;
      continue;
    }
    c = json_loadb(rd.buf.data, rd.buf.len, JSON_ALLOW_NUL, NULL);
    id = json_string_value(json_object_get(c, "id"));
    text = json_string_value(json_object_get(c, "text"));
    techs = json_object_get(c, "techniques");
    if (!id || !text || !json_is_array(techs)) {
      ctix__cli_msg("%s:%lu: not an item: needs \"id\", \"text\" (strings) and "
                    "\"techniques\" (array)",
                    file, rd.line);
      json_decref(c);
      worst = 1;
      continue;
    }
    memset(&it, 0, sizeof(it));
    it.id = strdup(id);
    it.len = json_string_length(json_object_get(c, "text"));
    it.text = malloc(it.len + 1);
    if (!it.id || !it.text) {
      free(it.id);
      free(it.text);
      json_decref(c);
      worst = CTIX_ENOMEM;
      break;
    }
    memcpy(it.text, text, it.len);
    it.text[it.len] = 0;
    json_array_foreach(techs, i, t) {
      char v[12];
      if (json_is_string(t) && fold_label(v, json_string_value(t), o))
        add_unique(it.gold, &it.ngold, v);
    }
    ctix__ttp_report_key(it.key, sizeof(it.key), id);
    json_decref(c);
    if (ctix__buf_push(items, &it, sizeof(it))) {
      free(it.id);
      free(it.text);
      worst = CTIX_ENOMEM;
      break;
    }
  }
  ctix__jsonl_free(&rd);
  fclose(f);
  return worst;
}

/*
 * Writes " S" to `tf` with S as one trace token (ctix__ttp_trace_escape:
 * the body of a JSON string, white space escaped, `-` for an empty S; out
 * of memory: `-` too, so that the line keeps its fields).
 */
static void put_token(FILE *tf, const char *s)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)1 << 31); /* 6 bytes per input byte at most */
  ctix__buf_addc(&b, ' ');
  ctix__ttp_trace_escape(&b, s, strlen(s), true);
  if (!b.err)
    fwrite(b.data, 1, b.len, tf);
  else
    fputs(" -", tf);
  ctix__buf_free(&b);
}

/*
 * Writes the trace of one item to `tf`: the mapper's trace, then
 * "gold ID FOLD LABEL..." and "pred LABEL..." in the evaluated label space
 * (ids and labels from the input file as single tokens, see put_token).
 */
static void write_trace(FILE *tf, const ctix_buf *tb, const item *it)
{
  size_t i;
  if (tb->len)
    fwrite(tb->data, 1, tb->len, tf);
  fputs("gold", tf);
  put_token(tf, it->id);
  fprintf(tf, " %u", it->fold);
  for (i = 0; i < it->ngold; i++)
    put_token(tf, it->gold[i]);
  fputs("\npred", tf);
  for (i = 0; i < it->npred; i++)
    fprintf(tf, " %s", it->pred[i]);
  fputc('\n', tf);
}

/* Maps one item with `model`; fills it->pred (and writes its trace to `tf`, if any). */
static int predict(item *it, const ctix_ttp_model *model, const ctix__eval_ttp_opts *o, FILE *tf)
{
  ctix_document *doc = NULL;
  ctix_ttp_list *list = NULL;
  ctix_doc_options dopt;
  ctix_ttp_options topt;
  ctix_buf tb = CTIX_BUF_INIT((size_t)1 << 30);
  ctix_error err;
  size_t i;
  int rc;
  ctix_error_clear(&err);
  ctix_doc_options_init(&dopt);
  dopt.format = CTIX_FORMAT_TEXT;
  dopt.source = it->id;
  it->npred = 0;
  rc = ctix_document_parse(&doc, it->text, it->len, &dopt, &err);
  if (rc == CTIX_EEMPTY) {
    if (tf)
      write_trace(tf, &tb, it);
    return 0;
  }
  if (rc) {
    ctix__cli_error(&err);
    if (tf) /* scored with no prediction: the replay sees it too */
      write_trace(tf, &tb, it);
    return rc == CTIX_ENOMEM ? rc : 1;
  }
  ctix_ttp_options_init(&topt);
  topt.model = model;
  topt.ignore_explicit_ids = o->ignore_ids;
  topt.implied = o->implied;
  rc = ctix__ttp_map_trace(&list, tf ? &tb : NULL, doc, &topt, &err);
  if (rc) {
    ctix__cli_error(&err);
    ctix_document_free(doc);
    if (tf) {
      tb.len = 0; /* the item's own lines only */
      write_trace(tf, &tb, it);
    }
    ctix__buf_free(&tb);
    return rc == CTIX_ENOMEM ? rc : 1;
  }
  for (i = 0; i < list->count; i++) {
    char v[12];
    if (list->items[i].status == CTIX_TTP_IMPLIED && !o->implied)
      continue;
    if (fold_label(v, list->items[i].id, o))
      add_unique(it->pred, &it->npred, v);
  }
  ctix_ttp_list_free(list);
  ctix_document_free(doc);
  if (tf)
    write_trace(tf, &tb, it);
  ctix__buf_free(&tb);
  return 0;
}

/* Applies the --set NAME=VALUE overrides to a model's parameters. */
static int apply_sets(ctix_ttp_model *m, const ctix__eval_ttp_opts *o)
{
  size_t i;
  for (i = 0; i < o->nsets; i++) {
    char name[64];
    const char *eq = strchr(o->sets[i], '=');
    char *end;
    double v;
    if (!eq || (size_t)(eq - o->sets[i]) >= sizeof(name))
      return ctix__cli_usage("eval", "--set wants NAME=VALUE, not '%s'", o->sets[i]);
    memcpy(name, o->sets[i], (size_t)(eq - o->sets[i]));
    name[eq - o->sets[i]] = 0;
    errno = 0;
    v = strtod(eq + 1, &end);
    if (errno || end == eq + 1 || *end || !isfinite(v))
      return ctix__cli_usage("eval", "--set %s: '%s' is not a number", name, eq + 1);
    if (ctix__ttp_param_set(&m->params, name, (float)v))
      return ctix__cli_usage("eval", "--set: unknown parameter '%s'", name);
  }
  return 0;
}

/* The shared data folder: --shared, else the part of FILE before /data/ttp-eval/. */
static void shared_dir(char *out, size_t cap, const char *file, const ctix__eval_ttp_opts *o)
{
  const char *p;
  if (o->shared) {
    snprintf(out, cap, "%s", o->shared);
    return;
  }
  p = strstr(file, "/data/ttp-eval/");
  if (p)
    snprintf(out, cap, "%.*s", (int)(p - file), file);
  else if (strncmp(file, "data/ttp-eval/", 14) == 0)
    snprintf(out, cap, ".");
  else
    snprintf(out, cap, "../shared");
}

static uint32_t fnv(const char *s)
{
  uint32_t h = 2166136261u;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

typedef struct keyrank {
  const char *key;
  uint32_t h;
} keyrank;

static int cmp_keyrank(const void *a, const void *b)
{
  const keyrank *x = a, *y = b;
  if (x->h != y->h)
    return x->h < y->h ? -1 : 1;
  return strcmp(x->key, y->key);
}

/*
 * --cv-cues DIR: the lexicon of fold f is DIR/cues-f<f>.tsv, its weights
 * fitted on the dev sentences of the other folds' reports only
 * (tools/ttp/cue_folds.py writes them). Returns 0 or prints the error and
 * returns 1.
 */
static int fold_cues(const char *dir, size_t f)
{
  char path[4096];
  char *text = NULL;
  size_t len = 0;
  ctix_error err;
  int rc;
  ctix_error_clear(&err);
  snprintf(path, sizeof(path), "%s/cues-f%zu.tsv", dir, f);
  rc = ctix__kbb_read(&text, &len, path, CTIX__TTP_LEXICON_MAX, &err);
  if (!rc)
    rc = ctix__ttp_rules_replace(text, len, path, &err);
  free(text);
  if (rc) {
    ctix__cli_error(&err);
    return 1;
  }
  return 0;
}

/* Deals the items' reports into K folds (by a hash of the key: stable). */
static int assign_folds(item *items, size_t n, unsigned k)
{
  keyrank *kr = calloc(n + 1, sizeof(keyrank));
  size_t i, j, nk = 0;
  if (!kr)
    return CTIX_ENOMEM;
  for (i = 0; i < n; i++) {
    bool seen = false;
    for (j = 0; j < nk && !seen; j++)
      seen = strcmp(kr[j].key, items[i].key) == 0;
    if (!seen) {
      kr[nk].key = items[i].key;
      kr[nk].h = fnv(items[i].key);
      nk++;
    }
  }
  qsort(kr, nk, sizeof(keyrank), cmp_keyrank);
  for (i = 0; i < n; i++)
    for (j = 0; j < nk; j++)
      if (strcmp(kr[j].key, items[i].key) == 0) {
        items[i].fold = (unsigned)(j % k);
        break;
      }
  free(kr);
  return 0;
}

/* Classes to train for the label space (NULL: all). */
static const char **space_classes(const ctix__eval_ttp_opts *o, size_t *n)
{
  const char **v;
  size_t i, k = 0;
  *n = 0;
  if (o->labels) {
    if (!(v = calloc(2 * NTRAM50 + 1, sizeof(char *))))
      return NULL;
    for (i = 0; i < NTRAM50; i++) {
      static char cur[NTRAM50][12];
      current_id(cur[i], tram50[i]);
      v[k++] = cur[i];
      if (strchr(cur[i], '.')) {
        static char parents[NTRAM50][12];
        size_t j;
        bool dup = false;
        ctix__strlcpy(parents[i], cur[i], 12);
        parents[i][5] = 0;
        for (j = 0; j < k && !dup; j++)
          dup = strcmp(v[j], parents[i]) == 0;
        if (!dup)
          v[k++] = parents[i];
      }
    }
    *n = k;
    return v;
  }
  return NULL;
}

/*
 * Reads --neg into the training configuration: "report" (default, as the
 * committed model is trained), "all", "window:N" (N sentences, 1 to 1000),
 * "mil-add:M" or "mil-drop:M" (M a margin, -10 to 10). False for anything
 * else.
 */
static bool neg_mode(ctix__ttp_train_cfg *cfg, const char *neg)
{
  uint64_t v;
  cfg->neg_mode = CTIX__TTP_NEG_REPORT;
  cfg->neg_window = 0;
  cfg->neg_margin = 0;
  if (!neg || strcmp(neg, "report") == 0)
    return true;
  if (strcmp(neg, "all") == 0) {
    cfg->neg_mode = CTIX__TTP_NEG_ALL;
    return true;
  }
  if (strncmp(neg, "window:", 7) == 0 && !ctix__parse_size(&v, neg + 7, strlen(neg + 7)) &&
      v >= 1 && v <= 1000) {
    cfg->neg_mode = CTIX__TTP_NEG_WINDOW;
    cfg->neg_window = (unsigned)v;
    return true;
  }
  if (strncmp(neg, "mil-add:", 8) == 0 || strncmp(neg, "mil-drop:", 9) == 0) {
    const char *num = strchr(neg, ':') + 1;
    char *end;
    cfg->neg_margin = strtod(num, &end);
    cfg->neg_mode = neg[4] == 'a' ? CTIX__TTP_NEG_MIL_ADD : CTIX__TTP_NEG_MIL_DROP;
    return end != num && !*end && cfg->neg_margin > -10 && cfg->neg_margin < 10;
  }
  return false;
}

/*
 * Reads --nb into the training configuration: NULL leaves the scaling off;
 * "bin" or "value" (what a feature counts in the ratios) then optional
 * ",a=A" (smoothing, 0.01 to 100), ",b=B" (interpolation, 0 < B <= 1) and
 * ",clip=R" (0 to 100) in any order. False for anything else.
 */
static bool nb_mode(ctix__ttp_train_cfg *cfg, const char *spec)
{
  const char *p;
  cfg->nb = CTIX__TTP_NB_OFF;
  cfg->nb_alpha = 1.0;
  cfg->nb_beta = 0;
  cfg->nb_clip = 0;
  if (!spec)
    return true;
  p = spec + strcspn(spec, ",");
  if ((size_t)(p - spec) == 3 && strncmp(spec, "bin", 3) == 0)
    cfg->nb = CTIX__TTP_NB_BIN;
  else if ((size_t)(p - spec) == 5 && strncmp(spec, "value", 5) == 0)
    cfg->nb = CTIX__TTP_NB_VALUE;
  else
    return false;
  while (*p == ',') {
    const struct { const char *key; double *dst, lo, hi; } keys[] = {
        {"a=", &cfg->nb_alpha, 0.01, 100},
        {"b=", &cfg->nb_beta, 1e-6, 1}, /* b = 0 would be read as "none" */
        {"clip=", &cfg->nb_clip, 0, 100},
    };
    size_t k, kl = 0;
    char *end;
    double v;
    p++;
    for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
      if (strncmp(p, keys[k].key, (kl = strlen(keys[k].key))) == 0)
        break;
    if (k == sizeof(keys) / sizeof(keys[0]))
      return false;
    v = strtod(p + kl, &end);
    if (end == p + kl || (*end && *end != ',') || !(v >= keys[k].lo && v <= keys[k].hi))
      return false;
    *keys[k].dst = v;
    p = end;
  }
  return *p == 0;
}

/*
 * Reads --sigma-rows into a ctix__ttp_data_load_src source setting:
 * NULL none, "title" or "desc" (title and description); -1 otherwise.
 */
static int sigma_rows(const char *what)
{
  if (!what)
    return CTIX__TTP_SIGMA_OFF;
  if (strcmp(what, "title") == 0)
    return CTIX__TTP_SIGMA_TITLE;
  if (strcmp(what, "desc") == 0)
    return CTIX__TTP_SIGMA_DESC;
  return -1;
}

/* Cross-validation: trains one model per fold and maps the fold's items. */
static int run_cv(item *items, size_t n, const char *file, const ctix__eval_ttp_opts *o,
                  FILE *tf)
{
  char shared[4096];
  const ctix_kb *kb;
  ctix__ttp_data *d = NULL;
  ctix_error err;
  const char **classes = NULL;
  size_t ncls = 0, f, i;
  int rc = 0;
  ctix_error_clear(&err);
  shared_dir(shared, sizeof(shared), file, o);
  if ((rc = ctix_kb_default(&kb, &err)))
    goto fail;
  if ((rc = assign_folds(items, n, o->cv)))
    return rc;
  classes = space_classes(o, &ncls);
  for (f = 0; f < o->cv; f++) {
    ctix_buf mb = CTIX_BUF_INIT(CTIX__TTP_MODEL_MAX);
    ctix_ttp_model *m = NULL;
    char cache[4096] = "";
    const char **excl;
    size_t ne = 0;
    if (o->cache) {
      char tag[256];
      const char *b = strrchr(file, '/');
      const char *set = file;
      size_t sl = b ? (size_t)(b - file) : 0;
      /* every name says its negatives: caches made before --neg have none
       * and were trained with "all", so they are not taken for the default */
      const char *neg = o->neg ? o->neg : "report";
      if (b) {
        const char *b2 = sl ? file + sl : file;
        while (b2 > file && b2[-1] != '/')
          b2--;
        set = b2;
      }
      snprintf(tag, sizeof(tag), "%.*s", (int)(b ? (size_t)(file + sl - set) : strlen(set)), set);
      /* the naive-Bayes scaling and Sigma rows, when asked for, too (--nb, --sigma-rows) */
      snprintf(cache, sizeof(cache), "%s/%s-%s%s-%s-c%g%s%s%s%s%s%s-k%u-f%zu.bin", o->cache,
               tag, o->labels ? o->labels : "all", o->parents ? "-parents" : "",
               o->solver ? o->solver : "svm", o->c, "-neg-", neg, o->nb ? "-nb-" : "",
               o->nb ? o->nb : "", o->sigma ? "-sigma-" : "", o->sigma ? o->sigma : "", o->cv,
               f);
      if (ctix_ttp_model_open_file(&m, cache, &err) == 0)
        goto loaded;
      ctix_error_clear(&err);
    }
    if (!d) {
      if (o->verbose)
        ctix__cli_msg("cross-validation: reading the training data under %s", shared);
      if ((rc = ctix__ttp_data_load_src(&d, shared, kb, sigma_rows(o->sigma), false, &err)))
        goto fail;
    }
    if (!(excl = calloc(n + 1, sizeof(char *)))) {
      rc = CTIX_ENOMEM;
      goto done;
    }
    for (i = 0; i < n; i++)
      if (items[i].fold == f)
        excl[ne++] = items[i].key;
    {
      ctix__ttp_train_cfg cfg;
      memset(&cfg, 0, sizeof(cfg));
      cfg.solver = o->solver && strcmp(o->solver, "logreg") == 0 ? CTIX__TTP_LOGREG : CTIX__TTP_SVM;
      cfg.c = o->c;
      cfg.classes = classes;
      cfg.nclasses = ncls;
      cfg.parents_only = o->parents && !classes;
      cfg.exclude = excl;
      cfg.nexclude = ne;
      neg_mode(&cfg, o->neg);
      nb_mode(&cfg, o->nb);
      if (o->verbose)
        ctix__cli_msg("cross-validation: training fold %zu of %u", f + 1, o->cv);
      rc = ctix__ttp_train_buf(&mb, d, &cfg, &err);
    }
    free(excl);
    if (rc)
      goto fail;
    if ((rc = ctix__ttp_model_load_mem(&m, mb.data, mb.len, "fold model", &err)))
      goto fail;
    if (cache[0]) {
      FILE *cf = fopen(cache, "wb");
      if (cf) {
        fwrite(mb.data, 1, mb.len, cf);
        fclose(cf);
      }
    }
  loaded:
    ctix__buf_free(&mb);
    if ((rc = apply_sets(m, o))) {
      ctix_ttp_model_free(m);
      rc = 2;
      goto done;
    }
    if (o->cv_cues && fold_cues(o->cv_cues, f)) {
      ctix_ttp_model_free(m);
      rc = 1;
      goto done;
    }
    for (i = 0; i < n && rc >= 0; i++)
      if (items[i].fold == f) {
        int r = predict(&items[i], m, o, tf);
        if (r < 0)
          rc = r;
      }
    ctix_ttp_model_free(m);
    if (rc < 0)
      goto done;
  }
  goto done;
fail:
  ctix__cli_error(&err);
  rc = rc == CTIX_ENOMEM ? rc : 1;
done:
  free(classes);
  ctix__ttp_data_free(d);
  return rc;
}

static cls_count *class_count(ctix_buf *cc, const char *id)
{
  size_t i, n = CTIX__BUF_COUNT(cc, cls_count);
  cls_count c;
  for (i = 0; i < n; i++)
    if (strcmp(CTIX__BUF_AT(cc, cls_count, i).id, id) == 0)
      return &CTIX__BUF_AT(cc, cls_count, i);
  memset(&c, 0, sizeof(c));
  ctix__strlcpy(c.id, id, sizeof(c.id));
  if (ctix__buf_push(cc, &c, sizeof(c)))
    return NULL;
  return &CTIX__BUF_AT(cc, cls_count, n);
}

static bool has(char set[][12], size_t n, const char *v)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (strcmp(set[i], v) == 0)
      return true;
  return false;
}

static double f1(size_t tp, size_t fp, size_t fn)
{
  return tp + fp + fn ? 2.0 * (double)tp / (double)(2 * tp + fp + fn) : 1.0;
}

/* Scores the predictions and writes the report. */
static int report(ctix_buf *out, item *items, size_t n, const ctix__eval_ttp_opts *o)
{
  ctix_buf cc = CTIX_BUF_INIT((size_t)1 << 24);
  size_t tp = 0, fp = 0, fn = 0, i, j, ncls;
  double docf = 0, macro = 0, p, r, mf;
  for (i = 0; i < n; i++) {
    item *it = &items[i];
    size_t itp = 0, ifp = 0, ifn = 0;
    for (j = 0; j < it->npred; j++) {
      cls_count *c = class_count(&cc, it->pred[j]);
      if (!c)
        return CTIX_ENOMEM;
      if (has(it->gold, it->ngold, it->pred[j])) {
        itp++;
        c->tp++;
      } else {
        ifp++;
        c->fp++;
      }
    }
    for (j = 0; j < it->ngold; j++)
      if (!has(it->pred, it->npred, it->gold[j])) {
        cls_count *c = class_count(&cc, it->gold[j]);
        if (!c)
          return CTIX_ENOMEM;
        ifn++;
        c->fn++;
      }
    tp += itp;
    fp += ifp;
    fn += ifn;
    docf += f1(itp, ifp, ifn);
    if (o->verbose && (ifp || ifn) && !o->json) {
      ctix__buf_addf(out, "%s:", it->id);
      for (j = 0; j < it->ngold; j++)
        if (!has(it->pred, it->npred, it->gold[j]))
          ctix__buf_addf(out, " -%s", it->gold[j]);
      for (j = 0; j < it->npred; j++)
        if (!has(it->gold, it->ngold, it->pred[j]))
          ctix__buf_addf(out, " +%s", it->pred[j]);
      ctix__buf_addc(out, '\n');
    }
  }
  ncls = CTIX__BUF_COUNT(&cc, cls_count);
  for (i = 0; i < ncls; i++) {
    const cls_count *c = &CTIX__BUF_AT(&cc, cls_count, i);
    macro += f1(c->tp, c->fp, c->fn);
  }
  macro = ncls ? macro / (double)ncls : 0.0;
  docf = n ? docf / (double)n : 0.0;
  p = tp + fp ? (double)tp / (double)(tp + fp) : 0.0;
  r = tp + fn ? (double)tp / (double)(tp + fn) : 0.0;
  mf = tp + fp + fn ? 2.0 * (double)tp / (double)(2 * tp + fp + fn) : 0.0;
  if (o->json)
    ctix__buf_addf(out,
                   "{\"n\": %zu, \"doc_f1\": %.4f, \"micro\": {\"p\": %.4f, \"r\": %.4f, "
                   "\"f1\": %.4f, \"tp\": %zu, \"fp\": %zu, \"fn\": %zu}, \"macro\": {\"f1\": "
                   "%.4f, \"classes\": %zu}}\n",
                   n, docf, p, r, mf, tp, fp, fn, macro, ncls);
  else
    ctix__buf_addf(out,
                   "items %zu   per-document F1 %.4f\n"
                   "micro   P %.4f  R %.4f  F1 %.4f   (tp %zu, fp %zu, fn %zu)\n"
                   "macro   F1 %.4f over %zu techniques\n",
                   n, docf, p, r, mf, tp, fp, fn, macro, ncls);
  ctix__buf_free(&cc);
  return out->err;
}

int ctix__eval_ttp(const ctix__eval_ttp_opts *o, const char *const *files, size_t nfiles,
                   ctix_buf *out)
{
  ctix_buf items = CTIX_BUF_INIT((size_t)1 << 31);
  ctix_ttp_model *own = NULL;
  const ctix_ttp_model *model = NULL;
  FILE *tf = NULL;
  ctix_error err;
  size_t i, n;
  int rc = 0, worst = 0;
  ctix_error_clear(&err);
  if (o->labels && strcmp(o->labels, "tram50") != 0)
    return ctix__cli_usage("eval", "--labels: unknown label space '%s' (tram50)", o->labels);
  if (o->solver && strcmp(o->solver, "svm") != 0 && strcmp(o->solver, "logreg") != 0)
    return ctix__cli_usage("eval", "--solver: 'svm' or 'logreg', not '%s'", o->solver);
  if (o->cv && o->model)
    return ctix__cli_usage("eval", "--cv trains its own models: drop --model");
  if (o->cv_cues && !o->cv)
    return ctix__cli_usage("eval", "--cv-cues goes with --cv");
  if (o->neg && !o->cv)
    return ctix__cli_usage("eval", "--neg goes with --cv");
  if (o->nb && !o->cv)
    return ctix__cli_usage("eval", "--nb goes with --cv");
  if (o->sigma && !o->cv)
    return ctix__cli_usage("eval", "--sigma-rows goes with --cv");
  if (sigma_rows(o->sigma) < 0)
    return ctix__cli_usage("eval", "--sigma-rows: 'title' or 'desc', not '%s'", o->sigma);
  {
    ctix__ttp_train_cfg chk;
    if (!neg_mode(&chk, o->neg))
      return ctix__cli_usage("eval", "--neg: 'all', 'report', 'window:N', 'mil-add:M' or "
                                     "'mil-drop:M', not '%s'", o->neg);
    if (!nb_mode(&chk, o->nb))
      return ctix__cli_usage("eval", "--nb: 'bin' or 'value', then optional ',a=A' (0.01-100), "
                                     "',b=B' (0 < B <= 1), ',clip=R' (0-100), not '%s'", o->nb);
    /* the first MIL pass would score unscaled rows, the second train scaled ones */
    if (o->nb && (chk.neg_mode == CTIX__TTP_NEG_MIL_ADD || chk.neg_mode == CTIX__TTP_NEG_MIL_DROP))
      return ctix__cli_usage("eval", "--nb does not go with --neg mil-add/mil-drop");
  }
  if (o->trace && !(tf = fopen(o->trace, "w"))) {
    ctix__cli_msg("%s: cannot write: %s", o->trace, strerror(errno));
    return 1;
  }
  /* Before the first mapping: the rule set is built once per process. */
  ctix__ttp_cues_use_priors(o->cue_priors);
  for (i = 0; i < nfiles; i++) {
    int r = read_items(&items, files[i], o);
    if (r < 0) {
      rc = r;
      goto done;
    }
    worst |= r;
  }
  n = CTIX__BUF_COUNT(&items, item);
  if (o->cv) {
    if (o->cache)
      mkdir(o->cache, 0777);
    /* A fold that could not be trained or given its lexicon leaves the
     * table incomplete: no figures are printed then. */
    rc = run_cv((item *)(void *)items.data, n, files[0], o, tf);
    if (rc)
      goto done;
  } else {
    if (o->model) {
      if ((rc = ctix_ttp_model_open_file(&own, o->model, &err))) {
        ctix__cli_error(&err);
        rc = 1;
        goto done;
      }
    } else {
      const ctix_ttp_model *def;
      if ((rc = ctix_ttp_model_default(&def, &err))) {
        ctix__cli_error(&err);
        rc = 1;
        goto done;
      }
      /* A private copy so --set can change its parameters. */
      {
        size_t len = 0;
        const unsigned char *p = ctix__ttp_model_embedded(&len);
        if ((rc = ctix__ttp_model_load_mem(&own, p, len, "embedded technique model", &err))) {
          ctix__cli_error(&err);
          rc = 1;
          goto done;
        }
      }
    }
    if ((rc = apply_sets(own, o))) {
      rc = 2;
      goto done;
    }
    model = own;
    for (i = 0; i < n; i++) {
      int r = predict(&CTIX__BUF_AT(&items, item, i), model, o, tf);
      if (r < 0) {
        rc = r;
        goto done;
      }
      worst |= r;
    }
  }
  rc = report(out, (item *)(void *)items.data, n, o);
  if (rc == 0)
    rc = worst;
done:
  for (i = 0; i < CTIX__BUF_COUNT(&items, item); i++) {
    free(CTIX__BUF_AT(&items, item, i).id);
    free(CTIX__BUF_AT(&items, item, i).text);
  }
  ctix__buf_free(&items);
  ctix_ttp_model_free(own);
  if (tf && (ferror(tf) | fclose(tf)) && rc == 0) {
    ctix__cli_msg("%s: cannot write: %s", o->trace, strerror(errno));
    rc = 1;
  }
  return rc;
}
