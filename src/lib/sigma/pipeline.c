/*
 * Processing pipelines as data. A pipeline is a YAML document (the
 * embedded ones come from data/sigma/pipelines/NAME.yml) with a name, a
 * description and a list of transformations, each optionally limited by
 * rule conditions on the logsource:
 *
 *   field_name_mapping   mapping: {From: To | [To, ...]}   (several: OR; with
 *                        `item_level: true` an OR of values of one field is
 *                        copied whole per target field, as pySigma maps items)
 *   field_name_prefix    prefix: TEXT       field_name_suffix  suffix: TEXT
 *   add_condition        conditions: {Field: value | [values]} ANDed in front
 *   value_placeholders   values: {name: value | [values]}  (%name% of |expand)
 *   wildcard_placeholders  every remaining placeholder becomes '*'
 *   replace_string       search: TEXT  replacement: TEXT (plain text)
 *   rule_failure         message: TEXT  (refuses matching rules)
 *   change_logsource     product/category/service: TEXT (later rule conditions
 *                        see the changed logsource)
 *   set_table            table: NAME  (the query table of targets that name one,
 *                        e.g. kusto; later `table` rule conditions see it)
 *   field_name_check     fields: [Name, ...]  message: TEXT ({field} = the field):
 *                        refuses a rule using a field not in the list
 *   drop_field           fields: [Name, ...]  removes the matches of these fields
 *   hashes_fields        field: Hashes  algorithms: {ALGO: Field}  message: TEXT:
 *                        a value `ALGO=hex` becomes Field=hex; values of other
 *                        algorithms are dropped, none left refuses the rule;
 *                        an OR of values becomes an OR of one OR per target field
 *                        (kept as a group even when alone unless `nest: false`);
 *                        extra_algorithms: {ALGO: Field} are rewritten too but
 *                        alone do not make a valid hash item
 *   replace_affix        fields: [Name, ...]  prefixes: {FROM: TO}  suffixes: {FROM: TO}:
 *                        string values starting (ending) with FROM (ASCII case
 *                        ignored; `*` in FROM is the wildcard) get TO instead
 *                        (TO is literal text); the first matching entry wins
 *   value_mapping        fields: [Name, ...]  mapping: {FROM: TO | [TO, ...]}: a plain
 *                        string value FROM becomes TO (several: OR of them)
 *   value_basename       fields: [Name, ...]: a string value keeps what follows its
 *                        last `\` (a path becomes a file name)
 *
 *   value_contains       fields: [Name, ...]  field_prefix: true|false: values of
 *                        these fields match anywhere (wildcards added at both
 *                        ends, numbers become text); with field_prefix the value
 *                        is first written `Name%value` (QRadar unstructured fields)
 *   field_to_keyword     known: [Name, ...]  expansion_field: NAME  message: TEXT
 *                        ({type}, {field}): matches of fields not in `known`, and
 *                        keywords, become keywords (windash/base64offset values
 *                        take expansion_field instead); a number becomes the text
 *                        `Field%number`; null, boolean, regex, cidr, comparison,
 *                        exists and fieldref values refuse the rule (QRadar payload)
 *
 *   rule_conditions: [{type: logsource, product: P, category: C, service: S}]
 *                    or {type: table, table: NAME} ({type: table} alone: no table yet)
 *                    or {type: field_value, field: F, values: [...]} (the rule
 *                       matches F against one of the values, e.g. an EventID)
 *   rule_cond_op: and | or   (default and)
 *   exclude_fields: [F, ...] / exclude_fields_containing: TEXT
 *                        field_name_mapping/prefix/suffix leave these fields
 *                        alone (e.g. `.`: fields an earlier mapping renamed)
 *
 * Pipelines rewrite the lowered expression tree of one conversion.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigma/sigma_internal.h"
#include "util/str.h"

typedef enum {
  TR_FIELD_MAP = 1, TR_PREFIX, TR_SUFFIX, TR_ADD_COND, TR_VALUE_PH, TR_WILD_PH, TR_REPLACE,
  TR_FAIL, TR_CHANGE_LS, TR_SET_TABLE, TR_FIELD_CHECK, TR_DROP, TR_HASHES, TR_CONTAINS, TR_KEYWORD, TR_AFFIX, TR_VALUE_MAP, TR_BASENAME
} trtype;

static const struct { const char *name; trtype t; } tr_names[] = {
  {"field_name_mapping", TR_FIELD_MAP}, {"field_name_prefix", TR_PREFIX},
  {"field_name_suffix", TR_SUFFIX}, {"add_condition", TR_ADD_COND},
  {"value_placeholders", TR_VALUE_PH}, {"wildcard_placeholders", TR_WILD_PH},
  {"replace_string", TR_REPLACE}, {"rule_failure", TR_FAIL},
  {"change_logsource", TR_CHANGE_LS}, {"set_table", TR_SET_TABLE},
  {"field_name_check", TR_FIELD_CHECK}, {"drop_field", TR_DROP},
  {"hashes_fields", TR_HASHES}, {"replace_affix", TR_AFFIX},
  {"value_mapping", TR_VALUE_MAP}, {"value_basename", TR_BASENAME},
  {"value_contains", TR_CONTAINS}, {"field_to_keyword", TR_KEYWORD},
};

typedef struct sg_lscond {
  const char *product, *category, *service;
  bool is_table;       /* {type: table}: matches the query table (NULL: none chosen) */
  const char *table;
  const char *field;   /* {type: field_value}: a match of `field` with one of `values` */
  const sg_y *values;
} sg_lscond;

/*
 * A hash index of names built once at load (open addressing, power-of-two
 * size): the keys of a map (the last duplicate wins, as ctix__sg_y_get) or
 * the scalars of a list (a lone scalar: a list of one), each with its node.
 */
typedef struct sg_names {
  const char **keys;
  const sg_y **vals;
  size_t cap;              /* 0: empty index */
} sg_names;

typedef struct sg_transform {
  trtype type;
  const char *id;
  const sg_y *data;        /* the transformation's map */
  sg_lscond *conds;
  size_t nconds;
  bool cond_or;
  /* parameters read once at load (the per-match code looks nothing up in data) */
  sg_names mapping;        /* field_name_mapping / value_mapping: mapping keys */
  sg_names fields;         /* `fields` as a list */
  sg_names known;          /* field_to_keyword: `known` as a list */
  sg_names exclude;        /* exclude_fields (a sequence only) */
  const char *exclude_sub; /* exclude_fields_containing */
  const char *affix;       /* field_name_prefix / field_name_suffix text */
  const char *field;       /* hashes_fields: the hash field */
  const char *message;     /* rule_failure, field_name_check, hashes_fields, field_to_keyword */
  const char *search, *replacement; /* replace_string */
  const char *table;       /* set_table */
  const char *product, *category, *service; /* change_logsource */
  const char *expansion_field; /* field_to_keyword */
  const sg_y *algorithms[2]; /* hashes_fields: algorithms, extra_algorithms (maps) */
  const sg_y *affixes[2];  /* replace_affix: prefixes, suffixes (maps) */
  const sg_y *conditions;  /* add_condition: the map */
  sg_names values;         /* value_placeholders: placeholder name -> values */
  bool item_level;         /* field_name_mapping: item_level given */
  bool field_prefix;       /* value_contains: field_prefix: true */
  bool nest_false;         /* hashes_fields: nest: false */
} sg_transform;

struct sg_pipeline {
  ctix_arena arena;
  const char *name;
  sg_transform *tr;
  size_t ntr;
};

static const char *ystr(const sg_y *y, const char *key)
{
  const sg_y *v = ctix__sg_y_get(y, key);
  return v && v->kind == SG_Y_SCALAR ? v->str : NULL;
}

/* FNV-1a of s[0..n). */
static size_t name_hash(const char *s, size_t n)
{
  size_t h = 1469598103934665603u, i;
  for (i = 0; i < n; i++)
    h = (h ^ (unsigned char)s[i]) * 1099511628211u;
  return h;
}

/* Adds name -> node (an existing name gets the new node). */
static void names_put(sg_names *ix, const char *name, const sg_y *node)
{
  size_t i = name_hash(name, strlen(name)) & (ix->cap - 1);
  while (ix->keys[i] && strcmp(ix->keys[i], name) != 0)
    i = (i + 1) & (ix->cap - 1);
  ix->keys[i] = name;
  ix->vals[i] = node;
}

/*
 * Builds the index of a map's keys (`is_map`) or of a list's scalars (a
 * lone scalar is a list of one; a sequence: only its sequence, with
 * `seq_only`). 0 or CTIX_ENOMEM.
 */
static int names_build(sg_names *ix, ctix_arena *a, const sg_y *y, bool is_map, bool seq_only)
{
  const sg_y *v;
  size_t n = 0;
  memset(ix, 0, sizeof(*ix));
  if (!y || (is_map && y->kind != SG_Y_MAP) || (!is_map && y->kind == SG_Y_MAP) ||
      (seq_only && y->kind != SG_Y_SEQ))
    return 0;
  n = y->kind == SG_Y_SCALAR ? 1 : y->n;
  for (ix->cap = 8; ix->cap < 2 * n + 1; ix->cap *= 2)
    ;
  ix->keys = ctix__arena_calloc(a, ix->cap, sizeof(*ix->keys));
  ix->vals = ctix__arena_calloc(a, ix->cap, sizeof(*ix->vals));
  if (!ix->keys || !ix->vals)
    return CTIX_ENOMEM;
  if (y->kind == SG_Y_SCALAR) {
    names_put(ix, y->str, y);
    return 0;
  }
  for (v = y->first; v; v = v->next) {
    if (is_map && v->key)
      names_put(ix, v->key, v);
    else if (!is_map && v->kind == SG_Y_SCALAR)
      names_put(ix, v->str, v);
  }
  return 0;
}

/* The node of the name s[0..n) in the index, or NULL. */
static const sg_y *names_getn(const sg_names *ix, const char *s, size_t n)
{
  size_t i;
  if (!ix->cap || !s)
    return NULL;
  for (i = name_hash(s, n) & (ix->cap - 1); ix->keys[i]; i = (i + 1) & (ix->cap - 1))
    if (strlen(ix->keys[i]) == n && memcmp(ix->keys[i], s, n) == 0)
      return ix->vals[i];
  return NULL;
}

/* The node of `name` in the index, or NULL. */
static const sg_y *names_get(const sg_names *ix, const char *name)
{
  return name ? names_getn(ix, name, strlen(name)) : NULL;
}

/* The map under `key`, or NULL. */
static const sg_y *ymap(const sg_y *y, const char *key)
{
  const sg_y *v = ctix__sg_y_get(y, key);
  return v && v->kind == SG_Y_MAP ? v : NULL;
}

/* Reads, once at load, every parameter of a transformation the applying code uses. */
static int prepare(sg_transform *x, ctix_arena *a)
{
  const sg_y *t = x->data;
  const char *fp = ystr(t, "field_prefix"), *il = ystr(t, "item_level"), *nest = ystr(t, "nest");
  x->exclude_sub = ystr(t, "exclude_fields_containing");
  x->affix = ystr(t, x->type == TR_PREFIX ? "prefix" : "suffix");
  x->item_level = il && strcmp(il, "true") == 0;
  x->field_prefix = fp && strcmp(fp, "true") == 0;
  x->nest_false = nest && strcmp(nest, "false") == 0;
  x->field = ystr(t, "field");
  x->message = ystr(t, "message");
  x->search = ystr(t, "search");
  x->replacement = ystr(t, "replacement");
  x->table = ystr(t, "table");
  x->product = ystr(t, "product");
  x->category = ystr(t, "category");
  x->service = ystr(t, "service");
  x->expansion_field = ystr(t, "expansion_field");
  x->algorithms[0] = ymap(t, "algorithms");
  x->algorithms[1] = ymap(t, "extra_algorithms");
  x->affixes[0] = ymap(t, "prefixes");
  x->affixes[1] = ymap(t, "suffixes");
  x->conditions = ctix__sg_y_get(t, "conditions");
  if (names_build(&x->values, a, ctix__sg_y_get(t, "values"), true, false) ||
      names_build(&x->mapping, a, ctix__sg_y_get(t, "mapping"), true, false) ||
      names_build(&x->fields, a, ctix__sg_y_get(t, "fields"), false, false) ||
      names_build(&x->known, a, ctix__sg_y_get(t, "known"), false, false) ||
      names_build(&x->exclude, a, ctix__sg_y_get(t, "exclude_fields"), false, true))
    return CTIX_ENOMEM;
  return 0;
}

int ctix__sg_pipeline_load(sg_pipeline **out, const char *data, size_t len, const char *source,
                           ctix_error *err)
{
  sg_pipeline *p;
  sg_y *root;
  const sg_y *trs, *t, *rc_list, *c;
  int rc;
  size_t i = 0;

  *out = NULL;
  p = calloc(1, sizeof(*p));
  if (!p)
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  ctix__arena_init(&p->arena, 64u * CTIX_SIGMA_MAX_INPUT);
  rc = ctix__sg_yaml_parse(&root, &p->arena, data, len, err);
  if (rc)
    goto done;
  if (root->kind != SG_Y_MAP) {
    rc = ctix__error_set_lc(err, CTIX_EPARSE, root->line, root->col, "a pipeline must be a map");
    goto done;
  }
  p->name = ystr(root, "name");
  trs = ctix__sg_y_get(root, "transformations");
  if (!trs || trs->kind != SG_Y_SEQ) {
    rc = ctix__error_set_lc(err, CTIX_EPARSE, root->line, root->col,
                            "a pipeline needs a 'transformations' list");
    goto done;
  }
  p->tr = ctix__arena_calloc(&p->arena, trs->n + 1, sizeof(sg_transform));
  if (!p->tr) {
    rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
    goto done;
  }
  for (t = trs->first; t; t = t->next, i++) {
    sg_transform *x = &p->tr[i];
    const char *type = t->kind == SG_Y_MAP ? ystr(t, "type") : NULL;
    size_t k;
    for (k = 0; type && k < sizeof(tr_names) / sizeof(tr_names[0]); k++)
      if (strcmp(type, tr_names[k].name) == 0)
        x->type = tr_names[k].t;
    if (!x->type) {
      rc = ctix__error_set_lc(err, CTIX_EPARSE, t->line, t->col, "unknown transformation type '%s'",
                              type ? type : "");
      goto done;
    }
    x->id = ystr(t, "id");
    x->data = t;
    x->cond_or = ystr(t, "rule_cond_op") && strcmp(ystr(t, "rule_cond_op"), "or") == 0;
    rc_list = ctix__sg_y_get(t, "rule_conditions");
    if (rc_list && rc_list->kind == SG_Y_SEQ) {
      x->conds = ctix__arena_calloc(&p->arena, rc_list->n + 1, sizeof(sg_lscond));
      if (!x->conds) {
        rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
        goto done;
      }
      for (c = rc_list->first; c; c = c->next) {
        const char *ct = ystr(c, "type");
        if (ct && strcmp(ct, "table") == 0) {
          x->conds[x->nconds].is_table = true;
          x->conds[x->nconds++].table = ystr(c, "table");
          continue;
        }
        if (ct && strcmp(ct, "field_value") == 0 && ystr(c, "field") &&
            ctix__sg_y_get(c, "values")) {
          x->conds[x->nconds].field = ystr(c, "field");
          x->conds[x->nconds++].values = ctix__sg_y_get(c, "values");
          continue;
        }
        if (!ct || strcmp(ct, "logsource") != 0) {
          rc = ctix__error_set_lc(err, CTIX_EPARSE, c->line, c->col,
                                  "only 'logsource' and 'table' rule conditions are supported");
          goto done;
        }
        x->conds[x->nconds].product = ystr(c, "product");
        x->conds[x->nconds].category = ystr(c, "category");
        x->conds[x->nconds].service = ystr(c, "service");
        x->nconds++;
      }
    }
    if ((x->type == TR_FIELD_MAP && !ctix__sg_y_get(t, "mapping")) ||
        (x->type == TR_ADD_COND && !ctix__sg_y_get(t, "conditions")) ||
        (x->type == TR_VALUE_PH && !ctix__sg_y_get(t, "values")) ||
        (x->type == TR_PREFIX && !ystr(t, "prefix")) || (x->type == TR_SET_TABLE && !ystr(t, "table")) ||
        ((x->type == TR_FIELD_CHECK || x->type == TR_DROP) && !ctix__sg_y_get(t, "fields")) ||
        (x->type == TR_HASHES && (!ystr(t, "field") || !ctix__sg_y_get(t, "algorithms"))) || (x->type == TR_SUFFIX && !ystr(t, "suffix")) ||
        (x->type == TR_REPLACE && (!ystr(t, "search") || !ystr(t, "replacement")))) {
      rc = ctix__error_set_lc(err, CTIX_EPARSE, t->line, t->col,
                              "transformation '%s' lacks its parameters", type);
      goto done;
    }
  }
  p->ntr = i;
  for (i = 0; i < p->ntr; i++)
    if (prepare(&p->tr[i], &p->arena)) {
      rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
      goto done;
    }
  for (i = 0; i < p->ntr; i++) /* value_contains / field_to_keyword parameters */
    if ((p->tr[i].type == TR_CONTAINS && !ctix__sg_y_get(p->tr[i].data, "fields")) ||
        (p->tr[i].type == TR_KEYWORD && !ctix__sg_y_get(p->tr[i].data, "known"))) {
      rc = ctix__error_set_lc(err, CTIX_EPARSE, p->tr[i].data->line, p->tr[i].data->col,
                              "transformation '%s' lacks its parameters",
                              p->tr[i].type == TR_CONTAINS ? "value_contains" : "field_to_keyword");
      goto done;
    }
done:
  if (rc) {
    ctix__error_source(err, source);
    ctix__sg_pipeline_free(p);
    return rc;
  }
  *out = p;
  return 0;
}

void ctix__sg_pipeline_free(sg_pipeline *p)
{
  if (!p)
    return;
  ctix__arena_free(&p->arena);
  free(p);
}

int ctix__sg_pipeline_builtin(sg_pipeline **out, const char *name, ctix_error *err)
{
  const char *n, *text;
  size_t len, i;
  char src[96];
  for (i = 0; (n = ctix__sg_pipeline_embedded(i, &text, &len)); i++) {
    if (strcmp(n, name) == 0) {
      snprintf(src, sizeof(src), "pipeline %s", n);
      return ctix__sg_pipeline_load(out, text, len, src, err);
    }
  }
  *out = NULL;
  return CTIX_ENOTFOUND;
}

/* ------------------------------------------------------------ applying */

static bool eq_opt(const char *want, const char *have)
{
  return !want || (have && strcmp(want, have) == 0);
}

/* True if a match below `e` has `field` and one of the scalar `values` (as text). */
static bool has_value(const sg_expr *e, const char *field, const sg_y *values)
{
  const sg_y *v;
  size_t i;
  if (!e)
    return false;
  if (e->op != SG_E_MATCH) {
    for (i = 0; i < e->nkids; i++)
      if (has_value(e->kids[i], field, values))
        return true;
    return false;
  }
  if (!e->field || strcmp(e->field, field) != 0 || (e->kind != SG_K_NUM && e->kind != SG_K_STR))
    return false;
  for (v = values->kind == SG_Y_SEQ ? values->first : values; v;
       v = values->kind == SG_Y_SEQ ? v->next : NULL)
    if (v->kind == SG_Y_SCALAR && v->len == e->n && memcmp(v->str, e->s, e->n) == 0)
      return true;
  return false;
}

static bool applies(const sg_transform *x, const sg_logsource *ls, const char *table,
                    const sg_expr *root)
{
  size_t i;
  bool any = false;
  if (!x->nconds)
    return true;
  for (i = 0; i < x->nconds; i++) {
    const sg_lscond *c = &x->conds[i];
    bool ok = c->field      ? has_value(root, c->field, c->values)
              : c->is_table ? (c->table ? table && strcmp(c->table, table) == 0 : !table)
                            : eq_opt(c->product, ls->product) && eq_opt(c->category, ls->category) &&
                                  eq_opt(c->service, ls->service);
    if (ok)
      any = true;
    else if (!x->cond_or)
      return false;
  }
  return any;
}

static const char *cat3(sg_ctx *cx, const char *a, const char *b, const char *c)
{
  size_t na = strlen(a), nb = strlen(b), nc = strlen(c);
  char *s = ctix__arena_alloc(cx->arena, na + nb + nc + 1);
  if (!s)
    return NULL;
  memcpy(s, a, na);
  memcpy(s + na, b, nb);
  memcpy(s + na + nb, c, nc);
  s[na + nb + nc] = 0;
  return s;
}

/* Builds Field=value (a list of values: OR) for add_condition. */
static int cond_expr(sg_expr **out, sg_ctx *cx, const char *field, const sg_y *v)
{
  sg_item it;
  sg_val *vals;
  const sg_y *e;
  size_t i = 0;
  memset(&it, 0, sizeof(it));
  it.field = field;
  it.line = v->line;
  it.col = v->col;
  vals = ctix__arena_calloc(cx->arena, v->kind == SG_Y_SEQ ? v->n + 1 : 1, sizeof(sg_val));
  if (!vals)
    return ctix__error_set(cx->err, CTIX_ENOMEM, "out of memory");
  for (e = v->kind == SG_Y_SEQ ? v->first : v; e; e = v->kind == SG_Y_SEQ ? e->next : NULL) {
    if (e->kind != SG_Y_SCALAR)
      return ctix__error_set_lc(cx->err, CTIX_EPARSE, e->line, e->col, "condition values must be scalars");
    ctix__sg_scalar_value(&vals[i], e);
    i++;
  }
  it.vals = vals;
  it.nvals = i;
  return ctix__sg_item_lower(out, cx, &it);
}

/* Replaces placeholders of a string by the given values (cartesian). */
static int ph_replace(sg_expr **slot, sg_ctx *cx, const sg_transform *x)
{
  sg_expr *e = *slot;
  const char *ph = memchr(e->s, SG_PH_OPEN, e->n);
  const char *end;
  char name[128];
  const sg_y *vals, *v;
  sg_expr *or;
  size_t nn;
  if (!ph)
    return 0;
  end = memchr(ph, SG_PH_CLOSE, e->n - (size_t)(ph - e->s));
  if (!end)
    return 0;
  nn = (size_t)(end - ph - 1);
  if (nn >= sizeof(name))
    return 0;
  memcpy(name, ph + 1, nn);
  name[nn] = 0;
  if (x->type == TR_WILD_PH) {
    vals = NULL;
  } else {
    vals = names_get(&x->values, name);
    if (!vals)
      return 0;
  }
  or = ctix__sg_expr_new(cx, SG_E_OR, vals && vals->kind == SG_Y_SEQ ? vals->n : 1);
  if (!or)
    return cx->err->code;
  or->expansion = true;
  for (v = vals ? (vals->kind == SG_Y_SEQ ? vals->first : vals) : NULL;; ) {
    sg_expr *m = ctix__sg_expr_new(cx, SG_E_MATCH, 0);
    ctix_buf b = CTIX_BUF_INIT(SG_MAX_QUERY);
    char *dec = NULL;
    size_t dn = 0;
    int rc = 0;
    if (!m)
      return cx->err->code;
    *m = *e;
    ctix__buf_add(&b, e->s, (size_t)(ph - e->s));
    if (v) {
      rc = ctix__sg_str_decode(&dec, &dn, cx->arena, v->str, v->len, false);
      if (!rc)
        ctix__buf_add(&b, dec, dn);
    } else {
      ctix__buf_addc(&b, SG_WILD_MULTI);
    }
    ctix__buf_add(&b, end + 1, e->n - (size_t)(end + 1 - e->s));
    if (rc || b.err) {
      ctix__buf_free(&b);
      return ctix__error_set(cx->err, rc ? rc : b.err, "placeholder '%s': bad value", name);
    }
    m->s = ctix__arena_strndup(cx->arena, b.data ? b.data : "", b.len);
    m->n = b.len;
    ctix__buf_free(&b);
    if (!m->s)
      return ctix__error_set(cx->err, CTIX_ENOMEM, "out of memory");
    or->kids[or->nkids++] = m;
    if (!v || vals->kind != SG_Y_SEQ || !(v = v->next))
      break;
  }
  *slot = or->nkids == 1 ? or->kids[0] : or;
  /* further placeholders in the same value */
  for (size_t i = 0; i < (*slot == or ? or->nkids : 1); i++) {
    int rc = ph_replace(*slot == or ? &or->kids[i] : slot, cx, x);
    if (rc)
      return rc;
  }
  return 0;
}

static int str_replace(sg_expr *e, sg_ctx *cx, const char *from, const char *to)
{
  ctix_buf b = CTIX_BUF_INIT(SG_MAX_QUERY);
  size_t fn = strlen(from), i = 0;
  if (!fn)
    return 0;
  while (i < e->n) {
    if (i + fn <= e->n && memcmp(e->s + i, from, fn) == 0) {
      ctix__buf_adds(&b, to);
      i += fn;
    } else {
      ctix__buf_addc(&b, e->s[i++]);
    }
  }
  if (b.err) {
    ctix__buf_free(&b);
    return ctix__error_set(cx->err, b.err, "replace_string: value too long");
  }
  e->s = ctix__arena_strndup(cx->arena, b.data ? b.data : "", b.len);
  e->n = b.len;
  ctix__buf_free(&b);
  return e->s ? 0 : ctix__error_set(cx->err, CTIX_ENOMEM, "out of memory");
}

/* True if a field transformation must leave `field` alone (exclude_fields*). */
static bool field_excluded(const sg_transform *x, const char *field)
{
  const char *sub = x->exclude_sub;
  if (sub && *sub && strstr(field, sub))
    return true;
  return names_get(&x->exclude, field) != NULL;
}

/* Removes the matches of the listed fields; emptied AND/OR/NOT nodes go too. */
static void drop_fields(sg_expr **slot, const sg_names *fields)
{
  sg_expr *e = *slot;
  size_t i, o = 0;
  if (!e)
    return;
  if (e->op == SG_E_MATCH) {
    if (e->field && names_get(fields, e->field))
      *slot = NULL;
    return;
  }
  for (i = 0; i < e->nkids; i++) {
    drop_fields(&e->kids[i], fields);
    if (e->kids[i])
      e->kids[o++] = e->kids[i];
  }
  e->nkids = o;
  if (o == 0)
    *slot = NULL;
  else if (o == 1 && e->op != SG_E_NOT)
    *slot = e->kids[0];
}

/*
 * hashes_fields on one match: `[*]ALGO=value` of a known algorithm becomes
 * Field=value (leading wildcard gone); 1 if it was rewritten (2: by an
 * extra algorithm), 0 if it is not a value of the hash field, -1 if its
 * algorithm is unknown.
 */
static int hash_one(sg_expr *e, const sg_transform *x)
{
  const char *s = e->s, *eq;
  size_t n = e->n, k;
  const sg_y *a;
  if (e->op != SG_E_MATCH || !e->field || strcmp(e->field, x->field) != 0)
    return 0;
  if (e->kind != SG_K_STR)
    return -1;
  if (n && s[0] == SG_WILD_MULTI)
    s++, n--;
  eq = memchr(s, '=', n);
  if (!eq)
    return -1;
  k = (size_t)(eq - s);
  for (int pass = 1; pass <= 2; pass++) {
    const sg_y *m;
    a = x->algorithms[pass - 1];
    for (m = a ? a->first : NULL; m; m = m->next)
      if (m->kind == SG_Y_SCALAR && ctix__mem_ieq(s, k, m->key)) {
        e->field = m->str;
        e->s = eq + 1;
        e->n = n - k - 1;
        return pass;
      }
  }
  return -1;
}

/*
 * Applies hashes_fields below *slot. An OR of hash values loses the values
 * of unknown algorithms and becomes an OR of one OR per algorithm (in order
 * of first use), kept even with one member so that targets group it.
 */
static int hashes(sg_expr **slot, sg_ctx *cx, const sg_transform *x)
{
  sg_expr *e = *slot, *outer, *g;
  size_t i, j, o = 0;
  int rc = 0;
  const char *msg = x->message ? x->message : "no valid hash algorithm in the hash field";
  if (!e)
    return 0;
  if (e->op == SG_E_MATCH) {
    int h = hash_one(e, x);
    return h < 0 || h == 2 ? ctix__error_set(cx->err, CTIX_EUNSUPPORTED, "%s", msg) : 0;
  }
  if (e->op == SG_E_OR && e->nkids > 0) {
    bool all = true;
    for (i = 0; i < e->nkids && all; i++)
      all = e->kids[i]->op == SG_E_MATCH && e->kids[i]->field &&
            strcmp(e->kids[i]->field, x->field) == 0;
    if (all) {
      bool valid = false;
      for (i = 0; i < e->nkids; i++) {
        int h = hash_one(e->kids[i], x);
        valid |= h == 1;
        if (h > 0)
          e->kids[o++] = e->kids[i];
      }
      e->nkids = o;
      if (!valid)
        return ctix__error_set(cx->err, CTIX_EUNSUPPORTED, "%s", msg);
      outer = ctix__sg_expr_new(cx, SG_E_OR, o);
      if (!outer)
        return cx->err->code;
      for (i = 0; i < o; i++) {
        const char *f = e->kids[i]->field;
        size_t n = 0;
        for (j = 0; j < outer->nkids; j++)
          if (strcmp(outer->kids[j]->op == SG_E_MATCH ? outer->kids[j]->field
                                                       : outer->kids[j]->kids[0]->field, f) == 0)
            break;
        if (j < outer->nkids)
          continue;
        for (j = i; j < o; j++)
          n += strcmp(e->kids[j]->field, f) == 0;
        if (n == 1) {
          outer->kids[outer->nkids++] = e->kids[i];
          continue;
        }
        g = ctix__sg_expr_new(cx, SG_E_OR, n);
        if (!g)
          return cx->err->code;
        for (j = i; j < o; j++)
          if (strcmp(e->kids[j]->field, f) == 0)
            g->kids[g->nkids++] = e->kids[j];
        outer->kids[outer->nkids++] = g;
      }
      *slot = outer->nkids == 1 && x->nest_false ? outer->kids[0] : outer;
      return 0;
    }
  }
  for (i = 0; i < e->nkids && !rc; i++)
    rc = hashes(&e->kids[i], cx, x);
  return rc;
}

/* True if s[0..n) starts with the pattern `pat` (`*` = the wildcard, ASCII case ignored). */
static bool affix_match(const char *s, size_t n, const char *pat, size_t pn)
{
  size_t i;
  if (pn > n)
    return false;
  for (i = 0; i < pn; i++)
    if (pat[i] == '*' ? s[i] != SG_WILD_MULTI
                      : s[i] == SG_WILD_MULTI || ctix__lower((unsigned char)s[i]) !=
                                                     ctix__lower((unsigned char)pat[i]))
      return false;
  return true;
}

/* replace_affix on one string match of the listed fields. */
static int affix(sg_expr *e, sg_ctx *cx, const sg_transform *x)
{
  const sg_y *m;
  int pass;
  if (e->kind != SG_K_STR || !e->field || !names_get(&x->fields, e->field))
    return 0;
  for (pass = 0; pass < 2; pass++) {
    for (m = x->affixes[pass] ? x->affixes[pass]->first : NULL; m; m = m->next) {
      size_t kn = strlen(m->key);
      char *v;
      if (m->kind != SG_Y_SCALAR ||
          !affix_match(pass ? e->s + (e->n >= kn ? e->n - kn : 0) : e->s, e->n, m->key, kn) ||
          (pass && e->n < kn))
        continue;
      v = ctix__arena_alloc(cx->arena, e->n - kn + m->len + 1);
      if (!v)
        return ctix__error_set(cx->err, CTIX_ENOMEM, "out of memory");
      if (pass) {
        memcpy(v, e->s, e->n - kn);
        memcpy(v + e->n - kn, m->str, m->len);
      } else {
        memcpy(v, m->str, m->len);
        memcpy(v + m->len, e->s + kn, e->n - kn);
      }
      e->n = e->n - kn + m->len;
      v[e->n] = 0;
      e->s = v;
      break;
    }
  }
  return 0;
}

/*
 * field_name_mapping with `item_level: true`: an OR of values of one
 * field mapped to several fields becomes an OR of one copy per field (as a
 * Sigma detection item is mapped); 1 if done, 0 if *slot is not such a list.
 */
static int map_item(sg_expr **slot, sg_ctx *cx, const sg_transform *x)
{
  sg_expr *e = *slot, *or;
  const sg_y *to, *f;
  size_t i;
  if (e->op != SG_E_OR || e->expansion || e->nkids < 2)
    return 0;
  for (i = 0; i < e->nkids; i++)
    if (e->kids[i]->op != SG_E_MATCH || !e->kids[i]->field ||
        strcmp(e->kids[i]->field, e->kids[0]->field) != 0)
      return 0;
  if (field_excluded(x, e->kids[0]->field))
    return 0;
  to = names_get(&x->mapping, e->kids[0]->field);
  if (!to || to->kind != SG_Y_SEQ || to->n < 2)
    return 0;
  or = ctix__sg_expr_new(cx, SG_E_OR, to->n);
  if (!or)
    return cx->err->code;
  for (f = to->first; f; f = f->next) {
    sg_expr *c = ctix__sg_expr_new(cx, e->op, e->nkids);
    if (!c)
      return cx->err->code;
    for (i = 0; i < e->nkids; i++) {
      sg_expr *k = ctix__sg_expr_new(cx, SG_E_MATCH, 0);
      if (!k)
        return cx->err->code;
      *k = *e->kids[i];
      k->field = f->kind == SG_Y_SCALAR ? f->str : k->field;
      c->kids[c->nkids++] = k;
    }
    or->kids[or->nkids++] = c;
  }
  *slot = or;
  return 1;
}

/* Applies one transformation to every match below *slot. */
static int walk(sg_expr **slot, sg_ctx *cx, const sg_transform *x)
{
  sg_expr *e = *slot;
  int rc = 0;
  size_t i;
  if (!e)
    return 0;
  if (e->op != SG_E_MATCH && x->type == TR_FIELD_MAP && x->item_level)
    rc = map_item(slot, cx, x);
  if (rc > 0)
    return 0;
  if (e->op != SG_E_MATCH) {
    for (i = 0; i < e->nkids && !rc; i++)
      rc = walk(&e->kids[i], cx, x);
    return rc;
  }
  if (e->field && (x->type == TR_FIELD_MAP || x->type == TR_PREFIX || x->type == TR_SUFFIX) &&
      field_excluded(x, e->field))
    return 0;
  switch (x->type) {
  case TR_FIELD_MAP: {
    const sg_y *to;
    if (!e->field)
      break;
    to = names_get(&x->mapping, e->field);
    if (e->kind == SG_K_FIELDREF) {
      const sg_y *ref = names_get(&x->mapping, e->s);
      if (ref && ref->kind == SG_Y_SCALAR) {
        e->s = ref->str;
        e->n = ref->len;
      }
    }
    if (!to)
      break;
    if (to->kind == SG_Y_SCALAR) {
      e->field = to->str;
    } else if (to->kind == SG_Y_SEQ && to->n > 0) {
      sg_expr *or = ctix__sg_expr_new(cx, SG_E_OR, to->n);
      const sg_y *f;
      if (!or)
        return cx->err->code;
      for (f = to->first; f; f = f->next) {
        sg_expr *m = ctix__sg_expr_new(cx, SG_E_MATCH, 0);
        if (!m)
          return cx->err->code;
        *m = *e;
        m->field = f->kind == SG_Y_SCALAR ? f->str : e->field;
        or->kids[or->nkids++] = m;
      }
      *slot = or->nkids == 1 ? or->kids[0] : or;
    }
    break;
  }
  case TR_PREFIX:
  case TR_SUFFIX:
    if (e->field) {
      const char *a = x->affix;
      e->field = x->type == TR_PREFIX ? cat3(cx, a, e->field, "") : cat3(cx, e->field, a, "");
      if (!e->field)
        return ctix__error_set(cx->err, CTIX_ENOMEM, "out of memory");
    }
    break;
  case TR_VALUE_PH:
  case TR_WILD_PH:
    if (e->kind == SG_K_STR)
      rc = ph_replace(slot, cx, x);
    break;
  case TR_AFFIX:
    rc = affix(e, cx, x);
    break;
  case TR_BASENAME:
    if (e->kind == SG_K_STR && e->field && names_get(&x->fields, e->field)) {
      const char *b = e->s + e->n;
      while (b > e->s && b[-1] != '\\')
        b--;
      if (b > e->s) {
        e->n -= (size_t)(b - e->s);
        e->s = b;
      }
    }
    break;
  case TR_VALUE_MAP: {
    const sg_y *to, *f;
    if (e->kind != SG_K_STR || !e->field || !names_get(&x->fields, e->field))
      break;
    to = names_getn(&x->mapping, e->s, e->n); /* value_mapping: value -> new value(s) */
    if (!to)
      break;
    if (to->kind == SG_Y_SCALAR) {
      e->s = to->str;
      e->n = to->len;
    } else if (to->kind == SG_Y_SEQ && to->n > 0) {
      sg_expr *or = ctix__sg_expr_new(cx, SG_E_OR, to->n);
      if (!or)
        return cx->err->code;
      for (f = to->first; f; f = f->next) {
        sg_expr *k = ctix__sg_expr_new(cx, SG_E_MATCH, 0);
        if (!k)
          return cx->err->code;
        *k = *e;
        if (f->kind == SG_Y_SCALAR) {
          k->s = f->str;
          k->n = f->len;
        }
        or->kids[or->nkids++] = k;
      }
      *slot = or->nkids == 1 ? or->kids[0] : or;
    }
    break;
  }
  case TR_FIELD_CHECK:
    if (e->field && !names_get(&x->fields, e->field)) {
      const char *m = x->message, *ph = m ? strstr(m, "{field}") : NULL;
      if (!m)
        m = "field not supported";
      return ctix__error_set(cx->err, CTIX_EUNSUPPORTED, "%.*s%s%s", ph ? (int)(ph - m) : (int)strlen(m),
                             m, ph ? e->field : "", ph ? ph + 7 : "");
    }
    break;
  case TR_REPLACE:
    if (e->kind == SG_K_STR)
      rc = str_replace(e, cx, x->search, x->replacement);
    break;
  default:
    break;
  }
  return rc;
}

/* Stores the text of a buffer as the value of a match (arena copy). */
static int set_value(sg_expr *e, sg_ctx *cx, ctix_buf *b)
{
  if (b->err) {
    ctix__buf_free(b);
    return ctix__error_set(cx->err, CTIX_ETOOBIG, "value too long");
  }
  e->s = ctix__arena_strndup(cx->arena, b->data ? b->data : "", b->len);
  e->n = b->len;
  e->kind = SG_K_STR;
  ctix__buf_free(b);
  return e->s ? 0 : ctix__error_set(cx->err, CTIX_ENOMEM, "out of memory");
}

/*
 * value_contains: the string and number values of the listed fields match
 * anywhere; with field_prefix the value is first written `Field%value`.
 */
static int contains_walk(sg_expr *e, sg_ctx *cx, const sg_transform *x)
{
  ctix_buf c = CTIX_BUF_INIT(SG_MAX_QUERY), b = CTIX_BUF_INIT(SG_MAX_QUERY);
  size_t i;
  int rc = 0;
  if (!e)
    return 0;
  if (e->op != SG_E_MATCH) {
    for (i = 0; i < e->nkids && !rc; i++)
      rc = contains_walk(e->kids[i], cx, x);
    return rc;
  }
  if (!e->field || (e->kind != SG_K_STR && e->kind != SG_K_NUM) ||
      !names_get(&x->fields, e->field))
    return 0;
  if (x->field_prefix) {
    ctix__buf_adds(&c, e->field);
    if (!(e->n && e->s[0] == SG_WILD_MULTI))
      ctix__buf_addc(&c, '%');
  }
  ctix__buf_add(&c, e->s, e->n);
  if (!(c.len && c.data[0] == SG_WILD_MULTI))
    ctix__buf_addc(&b, SG_WILD_MULTI);
  ctix__buf_add(&b, c.data ? c.data : "", c.len);
  if (c.len && c.data[c.len - 1] != SG_WILD_MULTI)
    ctix__buf_addc(&b, SG_WILD_MULTI);
  ctix__buf_free(&c);
  return set_value(e, cx, &b);
}

/* True if a value is digits, '%' and '\'' only (a "number" for field_to_keyword). */
static bool numeric_text(const char *s, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (!ctix__isdigit((unsigned char)s[i]) && s[i] != '%' && s[i] != '\'')
      return false;
  return true;
}

/*
 * field_to_keyword on one match: refuses the value types a keyword search
 * cannot express, turns numbers into `Field%number` and drops the field
 * (expansion values keep expansion_field).
 */
static int keyword_one(sg_expr *e, sg_ctx *cx, const sg_transform *x, bool in_exp)
{
  const char *f = e->field, *what = NULL, *m, *p;
  ctix_buf b = CTIX_BUF_INIT(SG_MAX_QUERY);
  if (f && names_get(&x->known, f))
    return 0;
  switch (e->kind) {
  case SG_K_CMP: what = "Numeric comparison operation"; break;
  case SG_K_NULL: what = "Null value"; break;
  case SG_K_BOOL: what = "Boolean value"; break;
  case SG_K_RE: what = "Regular expression value"; break;
  case SG_K_CIDR: what = "CIDR expression"; break;
  case SG_K_EXISTS: what = "Existence check"; break;
  case SG_K_FIELDREF: what = "Field reference"; break;
  case SG_K_STR:
    if (e->n == 0)
      what = "Null value";
    else if ((e->n == 4 && memcmp(e->s, "true", 4) == 0) || (e->n == 5 && memcmp(e->s, "false", 5) == 0))
      what = "Boolean value";
    break;
  default:
    break;
  }
  if (what) {
    m = x->message ? x->message : "{type} is not supported for the field '{field}'";
    for (p = m; *p; p++) {
      if (strncmp(p, "{type}", 6) == 0) {
        ctix__buf_adds(&b, what);
        p += 5;
      } else if (strncmp(p, "{field}", 7) == 0) {
        ctix__buf_adds(&b, f ? f : "(keyword)");
        p += 6;
      } else {
        ctix__buf_addc(&b, *p);
      }
    }
    ctix__buf_addc(&b, 0);
    ctix__error_set(cx->err, CTIX_EUNSUPPORTED, "%s", b.data && !b.err ? b.data : what);
    ctix__buf_free(&b);
    return cx->err->code;
  }
  if (e->kind == SG_K_NUM || (e->kind == SG_K_STR && numeric_text(e->s, e->n))) {
    if (f) {
      ctix__buf_adds(&b, f);
      ctix__buf_addc(&b, '%');
    }
    ctix__buf_add(&b, e->s, e->n);
    if (set_value(e, cx, &b))
      return cx->err->code;
  }
  e->field = in_exp ? x->expansion_field : NULL;
  return 0;
}

/* field_to_keyword below e (in_exp: inside the variants of an expanding modifier). */
static int keyword_walk(sg_expr *e, sg_ctx *cx, const sg_transform *x, bool in_exp)
{
  size_t i;
  int rc = 0;
  if (!e)
    return 0;
  if (e->op == SG_E_MATCH)
    return keyword_one(e, cx, x, in_exp || e->expansion);
  for (i = 0; i < e->nkids && !rc; i++)
    rc = keyword_walk(e->kids[i], cx, x, in_exp || (e->op == SG_E_OR && e->expansion));
  return rc;
}

int ctix__sg_pipeline_apply(sg_expr **root, sg_ctx *cx, const sg_pipeline *p)
{
  size_t i;
  int rc = 0;
  for (i = 0; i < p->ntr && !rc; i++) {
    const sg_transform *x = &p->tr[i];
    if (!applies(x, &cx->ls, cx->table, *root))
      continue;
    if (x->type == TR_SET_TABLE) {
      cx->table = x->table;
      continue;
    }
    if (x->type == TR_DROP) {
      drop_fields(root, &x->fields);
      if (!*root) /* an empty query would match every event */
        return ctix__error_set(cx->err, CTIX_EUNSUPPORTED,
                               "pipeline %s: dropping fields left the rule with no condition",
                               p->name ? p->name : "");
      continue;
    }
    if (x->type == TR_HASHES) {
      rc = hashes(root, cx, x);
      continue;
    }
    if (x->type == TR_CHANGE_LS) {
      if (x->product)
        cx->ls.product = x->product;
      if (x->category)
        cx->ls.category = x->category;
      if (x->service)
        cx->ls.service = x->service;
      continue;
    }
    if (x->type == TR_FAIL) {
      return ctix__error_set(cx->err, CTIX_EUNSUPPORTED, "pipeline %s: %s", p->name ? p->name : "",
                             x->message ? x->message : "rule refused");
    }
    if (x->type == TR_ADD_COND) {
      const sg_y *conds = x->conditions, *c;
      sg_expr *and;
      if (!conds || conds->kind != SG_Y_MAP)
        return ctix__error_set(cx->err, CTIX_EPARSE, "add_condition: 'conditions' must be a map");
      and = ctix__sg_expr_new(cx, SG_E_AND, conds->n + 1);
      if (!and)
        return cx->err->code;
      for (c = conds->first; c && !rc; c = c->next) {
        sg_expr *ce;
        rc = cond_expr(&ce, cx, c->key, c);
        if (!rc)
          and->kids[and->nkids++] = ce;
      }
      if (*root)
        and->kids[and->nkids++] = *root;
      *root = and;
      continue;
    }
    if (!*root) /* drop_field removed every match */
      continue;
    if (x->type == TR_CONTAINS || x->type == TR_KEYWORD) {
      rc = x->type == TR_CONTAINS ? contains_walk(*root, cx, x) : keyword_walk(*root, cx, x, false);
      continue;
    }
    rc = walk(root, cx, x);
  }
  return rc;
}
