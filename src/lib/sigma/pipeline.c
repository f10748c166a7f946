/*
 * Processing pipelines as data. A pipeline is a YAML document (the
 * embedded ones come from data/sigma/pipelines/NAME.yml) with a name, a
 * description and a list of transformations, each optionally limited by
 * rule conditions on the logsource:
 *
 *   field_name_mapping   mapping: {From: To | [To, ...]}   (several: OR)
 *   field_name_prefix    prefix: TEXT       field_name_suffix  suffix: TEXT
 *   add_condition        conditions: {Field: value | [values]} ANDed in front
 *   value_placeholders   values: {name: value | [values]}  (%name% of |expand)
 *   wildcard_placeholders  every remaining placeholder becomes '*'
 *   replace_string       search: TEXT  replacement: TEXT (plain text)
 *   rule_failure         message: TEXT  (refuses matching rules)
 *   change_logsource     product/category/service: TEXT (later rule conditions
 *                        see the changed logsource)
 *
 *   rule_conditions: [{type: logsource, product: P, category: C, service: S}]
 *   rule_cond_op: and | or   (default and)
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
  TR_FAIL, TR_CHANGE_LS
} trtype;

static const struct { const char *name; trtype t; } tr_names[] = {
  {"field_name_mapping", TR_FIELD_MAP}, {"field_name_prefix", TR_PREFIX},
  {"field_name_suffix", TR_SUFFIX}, {"add_condition", TR_ADD_COND},
  {"value_placeholders", TR_VALUE_PH}, {"wildcard_placeholders", TR_WILD_PH},
  {"replace_string", TR_REPLACE}, {"rule_failure", TR_FAIL},
  {"change_logsource", TR_CHANGE_LS},
};

typedef struct sg_lscond {
  const char *product, *category, *service;
} sg_lscond;

typedef struct sg_transform {
  trtype type;
  const char *id;
  const sg_y *data;        /* the transformation's map */
  sg_lscond *conds;
  size_t nconds;
  bool cond_or;
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
        if (!ct || strcmp(ct, "logsource") != 0) {
          rc = ctix__error_set_lc(err, CTIX_EPARSE, c->line, c->col,
                                  "only 'logsource' rule conditions are supported");
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
        (x->type == TR_PREFIX && !ystr(t, "prefix")) || (x->type == TR_SUFFIX && !ystr(t, "suffix")) ||
        (x->type == TR_REPLACE && (!ystr(t, "search") || !ystr(t, "replacement")))) {
      rc = ctix__error_set_lc(err, CTIX_EPARSE, t->line, t->col,
                              "transformation '%s' lacks its parameters", type);
      goto done;
    }
  }
  p->ntr = i;
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

static bool applies(const sg_transform *x, const sg_logsource *ls)
{
  size_t i;
  bool any = false;
  if (!x->nconds)
    return true;
  for (i = 0; i < x->nconds; i++) {
    const sg_lscond *c = &x->conds[i];
    bool ok = eq_opt(c->product, ls->product) && eq_opt(c->category, ls->category) &&
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
    vals = ctix__sg_y_get(ctix__sg_y_get(x->data, "values"), name);
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

/* Applies one transformation to every match below *slot. */
static int walk(sg_expr **slot, sg_ctx *cx, const sg_transform *x)
{
  sg_expr *e = *slot;
  int rc = 0;
  size_t i;
  if (e->op != SG_E_MATCH) {
    for (i = 0; i < e->nkids && !rc; i++)
      rc = walk(&e->kids[i], cx, x);
    return rc;
  }
  switch (x->type) {
  case TR_FIELD_MAP: {
    const sg_y *to;
    if (!e->field)
      break;
    to = ctix__sg_y_get(ctix__sg_y_get(x->data, "mapping"), e->field);
    if (e->kind == SG_K_FIELDREF) {
      const sg_y *ref = ctix__sg_y_get(ctix__sg_y_get(x->data, "mapping"), e->s);
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
      const char *a = ystr(x->data, x->type == TR_PREFIX ? "prefix" : "suffix");
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
  case TR_REPLACE:
    if (e->kind == SG_K_STR)
      rc = str_replace(e, cx, ystr(x->data, "search"), ystr(x->data, "replacement"));
    break;
  default:
    break;
  }
  return rc;
}

int ctix__sg_pipeline_apply(sg_expr **root, sg_ctx *cx, const sg_pipeline *p)
{
  size_t i;
  int rc = 0;
  for (i = 0; i < p->ntr && !rc; i++) {
    const sg_transform *x = &p->tr[i];
    if (!applies(x, &cx->ls))
      continue;
    if (x->type == TR_CHANGE_LS) {
      const char *v;
      if ((v = ystr(x->data, "product")))
        cx->ls.product = v;
      if ((v = ystr(x->data, "category")))
        cx->ls.category = v;
      if ((v = ystr(x->data, "service")))
        cx->ls.service = v;
      continue;
    }
    if (x->type == TR_FAIL) {
      const char *m = ystr(x->data, "message");
      return ctix__error_set(cx->err, CTIX_EUNSUPPORTED, "pipeline %s: %s", p->name ? p->name : "",
                             m ? m : "rule refused");
    }
    if (x->type == TR_ADD_COND) {
      const sg_y *conds = ctix__sg_y_get(x->data, "conditions"), *c;
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
      and->kids[and->nkids++] = *root;
      *root = and;
      continue;
    }
    rc = walk(root, cx, x);
  }
  return rc;
}
