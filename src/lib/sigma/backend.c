/*
 * The conversion driver and the generic text-query renderer.
 *
 * Conversion: each condition of a rule is lowered into one expression tree
 * (named detections resolved, `1 of`/`all of` patterns expanded, value
 * modifiers applied), the pipelines rewrite it, and the target renders it.
 * Rendering is driven by the target's table (sg_target: tokens, precedence,
 * quoting, escaping, IN lists, formats per match kind); hooks handle what a
 * table cannot (Splunk's rex/eval prelude for regular expressions, its
 * `| where` for field references). A new backend is a new table plus hooks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigma/sigma_internal.h"
#include "util/str.h"

static const sg_target *const targets[] = {&ctix__sg_target_splunk, &ctix__sg_target_qradar_aql, &ctix__sg_target_lucene, &ctix__sg_target_eql, &ctix__sg_target_esql, &ctix__sg_target_kusto, &ctix__sg_target_splunk_spl2};
#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

struct ctix_sigma_converter {
  const sg_target *t;
  sg_pipeline **p;
  size_t np;
};

const char *ctix_sigma_target_name(size_t i, const char **description)
{
  if (i >= NTARGETS)
    return NULL;
  if (description)
    *description = targets[i]->description;
  return targets[i]->name;
}

const char *ctix_sigma_pipeline_name(size_t i, const char **description)
{
  const char *text, *name;
  size_t len;
  name = ctix__sg_pipeline_embedded(i, &text, &len);
  if (name && description)
    *description = ctix__sg_pipeline_info(i);
  return name;
}

/* ------------------------------------------------------------ converter */

static bool ends_with(const char *s, const char *suf)
{
  size_t n = strlen(s), m = strlen(suf);
  return n >= m && strcmp(s + n - m, suf) == 0;
}

int ctix_sigma_converter_new(ctix_sigma_converter **out, const char *target,
                             const char *const *pipelines, size_t npipelines, ctix_error *err)
{
  ctix_sigma_converter *cv;
  size_t i;
  int rc = 0;
  if (!out || !target || (npipelines && !pipelines))
    return ctix__error_set(err, CTIX_EINVAL, "invalid argument");
  *out = NULL;
  cv = calloc(1, sizeof(*cv));
  if (!cv)
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  for (i = 0; i < NTARGETS; i++)
    if (strcmp(targets[i]->name, target) == 0 ||
        (targets[i]->alias && strcmp(targets[i]->alias, target) == 0))
      cv->t = targets[i];
  if (!cv->t) {
    rc = ctix__error_set(err, CTIX_ENOTFOUND, "unknown target '%s' (see `ctix sigma list targets`)",
                         target);
    goto done;
  }
  cv->p = calloc(npipelines + 1, sizeof(sg_pipeline *));
  if (!cv->p) {
    rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
    goto done;
  }
  for (i = 0; i < npipelines; i++) {
    const char *name = pipelines[i];
    rc = ctix__sg_pipeline_builtin(&cv->p[i], name, err);
    if (rc == CTIX_ENOTFOUND && (ends_with(name, ".yml") || ends_with(name, ".yaml"))) {
      FILE *f = fopen(name, "rb");
      ctix_buf b = CTIX_BUF_INIT(CTIX_SIGMA_MAX_INPUT + 1);
      char chunk[8192];
      size_t n;
      if (!f) {
        rc = ctix__error_set(err, CTIX_EIO, "cannot open pipeline file");
        ctix__error_source(err, name);
        goto done;
      }
      while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        ctix__buf_add(&b, chunk, n);
      fclose(f);
      if (b.err) {
        rc = ctix__error_set(err, b.err, "pipeline file too large");
        ctix__error_source(err, name);
        ctix__buf_free(&b);
        goto done;
      }
      rc = ctix__sg_pipeline_load(&cv->p[i], b.data ? b.data : "", b.len, name, err);
      ctix__buf_free(&b);
    } else if (rc == CTIX_ENOTFOUND) {
      rc = ctix__error_set(err, CTIX_ENOTFOUND,
                           "unknown pipeline '%s' (see `ctix sigma list pipelines`)", name);
    }
    if (rc)
      goto done;
    cv->np++;
  }
done:
  if (rc) {
    ctix_sigma_converter_free(cv);
    return rc;
  }
  *out = cv;
  return 0;
}

void ctix_sigma_converter_free(ctix_sigma_converter *cv)
{
  size_t i;
  if (!cv)
    return;
  for (i = 0; cv->p && i < cv->np; i++)
    ctix__sg_pipeline_free(cv->p[i]);
  free(cv->p);
  free(cv);
}

void ctix_sigma_queries_free(ctix_sigma_queries *q)
{
  size_t i;
  if (!q)
    return;
  for (i = 0; i < q->count; i++)
    free(q->query[i]);
  free(q->query);
  q->query = NULL;
  q->count = 0;
}

/* ------------------------------------------------------------- lowering */

static int det_lower(sg_expr **out, sg_ctx *cx, const sg_det *d)
{
  sg_expr *or = NULL, *and, *e;
  size_t i, k;
  int rc;
  if (d->nmaps > 1 && !(or = ctix__sg_expr_new(cx, SG_E_OR, d->nmaps)))
    return cx->err->code;
  for (i = 0; i < d->nmaps; i++) {
    const sg_map *m = &d->maps[i];
    if (m->n == 1) {
      rc = ctix__sg_item_lower(&e, cx, &m->items[0]);
      if (rc)
        return rc;
    } else {
      and = ctix__sg_expr_new(cx, SG_E_AND, m->n);
      if (!and)
        return cx->err->code;
      for (k = 0; k < m->n; k++) {
        rc = ctix__sg_item_lower(&and->kids[k], cx, &m->items[k]);
        if (rc)
          return rc;
        and->nkids++;
      }
      e = and;
    }
    if (!or) {
      *out = e;
      return 0;
    }
    or->kids[or->nkids++] = e;
  }
  *out = or;
  return 0;
}

static int cond_lower(sg_expr **out, sg_ctx *cx, const sg_cond *c, unsigned line, unsigned col);

/* Collects the operands of an unparenthesised chain of the same operator. */
static int chain(sg_ctx *cx, ctix_buf *kids, const sg_cond *c, sg_cop op, unsigned line,
                 unsigned col)
{
  sg_expr *e;
  int rc;
  if (c->op == op && (c->paren == false)) {
    rc = chain(cx, kids, c->a, op, line, col);
    return rc ? rc : chain(cx, kids, c->b, op, line, col);
  }
  rc = cond_lower(&e, cx, c, line, col);
  if (rc)
    return rc;
  return ctix__buf_push(kids, &e, sizeof(e)) ? ctix__error_set(cx->err, CTIX_ENOMEM, "out of memory")
                                             : 0;
}

static int cond_lower(sg_expr **out, sg_ctx *cx, const sg_cond *c, unsigned line, unsigned col)
{
  const ctix_sigma_rule *r = cx->rule;
  sg_expr *e;
  size_t i;
  int rc = 0;
  switch (c->op) {
  case SG_C_REF:
    for (i = 0; i < r->ndets; i++)
      if (strcmp(r->dets[i].name, c->name) == 0)
        return det_lower(out, cx, &r->dets[i]);
    return ctix__error_set_lc(cx->err, CTIX_EPARSE, line, col + c->col - 1,
                              "condition refers to unknown detection '%s'", c->name);
  case SG_C_NOT:
    e = ctix__sg_expr_new(cx, SG_E_NOT, 1);
    if (!e)
      return cx->err->code;
    rc = cond_lower(&e->kids[0], cx, c->a, line, col);
    e->nkids = 1;
    *out = e;
    return rc;
  case SG_C_AND:
  case SG_C_OR: {
    ctix_buf kids = CTIX_BUF_INIT(SG_MAX_EXPR * sizeof(void *));
    rc = chain(cx, &kids, c->a, c->op, line, col);
    if (!rc)
      rc = chain(cx, &kids, c->b, c->op, line, col);
    if (!rc) {
      size_t n = CTIX__BUF_COUNT(&kids, sg_expr *);
      e = ctix__sg_expr_new(cx, c->op == SG_C_AND ? SG_E_AND : SG_E_OR, n);
      if (!e)
        rc = cx->err->code;
      else {
        memcpy(e->kids, kids.data, n * sizeof(sg_expr *));
        e->nkids = n;
        *out = e;
      }
    }
    ctix__buf_free(&kids);
    return rc;
  }
  case SG_C_ONE_OF:
  case SG_C_ALL_OF: {
    bool them = strcmp(c->name, "them") == 0;
    size_t n = 0;
    for (i = 0; i < r->ndets; i++)
      n += them ? r->dets[i].name[0] != '_' : ctix__sg_glob_match(c->name, r->dets[i].name);
    if (n == 0)
      return ctix__error_set_lc(cx->err, CTIX_EPARSE, line, col + c->col - 1,
                                "'%s of %s' matches no detection",
                                c->op == SG_C_ALL_OF ? "all" : "1", c->name);
    e = n > 1 ? ctix__sg_expr_new(cx, c->op == SG_C_ALL_OF ? SG_E_AND : SG_E_OR, n) : NULL;
    if (n > 1 && !e)
      return cx->err->code;
    for (i = 0; i < r->ndets; i++) {
      sg_expr *d;
      if (!(them ? r->dets[i].name[0] != '_' : ctix__sg_glob_match(c->name, r->dets[i].name)))
        continue;
      rc = det_lower(&d, cx, &r->dets[i]);
      if (rc)
        return rc;
      if (!e) {
        *out = d;
        return 0;
      }
      e->kids[e->nkids++] = d;
    }
    *out = e;
    return 0;
  }
  }
  return ctix__error_set(cx->err, CTIX_EINVAL, "bad condition node");
}

/* ------------------------------------------------------------ rendering */

int ctix__sg_put_fmt(ctix_buf *b, const char *fmt, const char *f, size_t fn, const char *v,
                     size_t vn)
{
  const char *p;
  for (p = fmt; *p; p++) {
    if (*p == '%' && p[1] == 'F') {
      ctix__buf_add(b, f, fn);
      p++;
    } else if (*p == '%' && p[1] == 'V') {
      ctix__buf_add(b, v, vn);
      p++;
    } else if (*p == '%' && p[1] == '%') {
      ctix__buf_addc(b, '%');
      p++;
    } else {
      ctix__buf_addc(b, *p);
    }
  }
  return b->err;
}

int ctix__sg_put_field(sg_render *r, ctix_buf *b, const char *field)
{
  const sg_target *t = r->t;
  const char *p;
  bool plain = field[0] != 0;
  if (t->field_names)
    plain = ctix__sg_plain_name(field, t->field_names);
  else
    for (p = field; *p && plain; p++)
      plain = ctix__isalnum((unsigned char)*p) ||
              (t->field_plain_chars && strchr(t->field_plain_chars, *p));
  if (plain || !t->field_quote)
    return ctix__buf_adds(b, field);
  ctix__buf_addc(b, t->field_quote);
  for (p = field; *p; p++) {
    if (*p == t->field_quote || *p == t->escape)
      ctix__buf_addc(b, t->escape);
    ctix__buf_addc(b, *p);
  }
  return ctix__buf_addc(b, t->field_quote);
}

int ctix__sg_placeholder_error(sg_render *r, const char *s, size_t n)
{
  const char *e = memchr(s, SG_PH_CLOSE, n);
  size_t len = e ? (size_t)(e - s - 1) : n - 1;
  return ctix__error_set(r->cx->err, CTIX_EUNSUPPORTED,
                         "unhandled placeholder '%.*s' (give a pipeline that defines it)",
                         (int)(len > 64 ? 64 : len), s + 1);
}

int ctix__sg_put_string(sg_render *r, ctix_buf *b, const char *s, size_t n)
{
  const sg_target *t = r->t;
  size_t i, run;
  unsigned char special[256];   /* 1: needs more than a copy (marker or escape) */
  const char *x;
  memset(special, 0, sizeof(special));
  for (x = t->escaped_chars; *x; x++)
    special[(unsigned char)*x] = 1;
  special['*'] = t->escape_literal_wildcards;
  special['?'] = t->escape_literal_wildcards && strchr(t->escaped_chars, '?');
  special[(unsigned char)SG_WILD_MULTI] = special[(unsigned char)SG_WILD_SINGLE] = 1;
  special[(unsigned char)SG_PH_OPEN] = 1;
  if (t->str_quote)
    ctix__buf_addc(b, t->str_quote);
  for (i = 0; i < n; i++) {
    char c = s[i];
    for (run = i; run < n && !special[(unsigned char)s[run]]; run++)
      ;
    if (run > i) {              /* plain characters: one copy */
      ctix__buf_add(b, s + i, run - i);
      i = run - 1;
      continue;
    }
    if (c == SG_WILD_MULTI)
      ctix__buf_adds(b, t->wild_multi);
    else if (c == SG_WILD_SINGLE)
      ctix__buf_adds(b, t->wild_single);
    else if (c == SG_PH_OPEN) {
      return ctix__sg_placeholder_error(r, s + i, n - i);
    } else {
      if ((c == '*' || c == '?')
              ? t->escape_literal_wildcards && (c == '*' || strchr(t->escaped_chars, '?'))
              : (c && strchr(t->escaped_chars, c) != NULL))
        ctix__buf_addc(b, t->escape);
      ctix__buf_addc(b, c);
    }
  }
  if (t->str_quote)
    ctix__buf_addc(b, t->str_quote);
  return b->err;
}

static int prec_of(const sg_target *t, const sg_expr *e)
{
  switch (e->op) {
  case SG_E_AND: return t->prec_and;
  case SG_E_OR:   /* modifier expansions are never grouped (as pySigma does) */
    return e->expansion ? 1000 : t->prec_or;
  case SG_E_NOT: return t->prec_not;
  default: return 1000;
  }
}

static bool can_in(const sg_target *t, const sg_expr *e)
{
  return t->or_as_in && !(e->expansion && !t->in_expansions) && ctix__sg_value_list(e, 0);
}

static int put_value(sg_render *r, ctix_buf *b, const sg_expr *e)
{
  if (e->kind == SG_K_STR || e->kind == SG_K_CIDR)
    return ctix__sg_put_string(r, b, e->s, e->n);
  return ctix__buf_add(b, e->s, e->n);
}

/* Renders one match with the table's formats. */
static int render_match(sg_render *r, const sg_expr *e)
{
  const sg_target *t = r->t;
  ctix_buf f = CTIX_BUF_INIT(SG_MAX_QUERY), v = CTIX_BUF_INIT(SG_MAX_QUERY);
  const char *fmt = NULL;
  int rc = 0;
  if (e->field)
    ctix__sg_put_field(r, &f, e->field);
  switch (e->kind) {
  case SG_K_STR: case SG_K_NUM:
    fmt = e->field ? t->eq_fmt : t->keyword_fmt;
    rc = put_value(r, &v, e);
    break;
  case SG_K_BOOL:
    fmt = e->field ? t->eq_fmt : t->keyword_fmt;
    ctix__buf_adds(&v, e->n == 4 ? t->bool_true : t->bool_false);
    break;
  case SG_K_NULL:
    fmt = t->null_fmt;
    break;
  case SG_K_EXISTS:
    fmt = e->flags ? t->exists_fmt : t->not_exists_fmt;
    break;
  case SG_K_CIDR:
    fmt = t->cidr_fmt;
    rc = put_value(r, &v, e);
    break;
  case SG_K_CMP:
    fmt = e->flags < 5 ? t->cmp_fmt[e->flags] : NULL;
    rc = put_value(r, &v, e);
    break;
  default:
    break;
  }
  if (!rc && (!fmt || (!e->field && e->kind != SG_K_STR && e->kind != SG_K_NUM &&
                       e->kind != SG_K_BOOL)))
    rc = ctix__error_set(r->cx->err, CTIX_EUNSUPPORTED, "%s: this kind of match is not supported%s",
                         t->name, e->field ? "" : " without a field");
  if (!rc)
    rc = ctix__sg_put_fmt(&r->out, fmt, f.data ? f.data : "", f.len, v.data ? v.data : "", v.len);
  if (!rc && (f.err || v.err))
    rc = ctix__error_set(r->cx->err, CTIX_ETOOBIG, "query too large");
  ctix__buf_free(&f);
  ctix__buf_free(&v);
  return rc;
}

static int render(sg_render *r, const sg_expr *e, int parent_prec)
{
  const sg_target *t = r->t;
  int prec = prec_of(t, e), rc = 0;
  bool group;
  size_t i;
  group = prec < parent_prec;
  if (t->group_hook && e->op != SG_E_MATCH) {
    int g = t->group_hook(r, e, parent_prec);
    if (g >= 0)
      group = g > 0;
  }
  if (group)
    ctix__buf_adds(&r->out, t->group_open);
  switch (e->op) {
  case SG_E_AND:
  case SG_E_OR:
    if (can_in(t, e)) {
      ctix_buf f = CTIX_BUF_INIT(SG_MAX_QUERY);
      ctix__sg_put_field(r, &f, e->kids[0]->field);
      ctix__sg_put_fmt(&r->out, t->in_open, f.data ? f.data : "", f.len, "", 0);
      ctix__buf_free(&f);
      for (i = 0; i < e->nkids && !rc; i++) {
        if (i)
          ctix__buf_adds(&r->out, t->in_sep);
        rc = put_value(r, &r->out, e->kids[i]);
      }
      ctix__buf_adds(&r->out, t->in_close);
      break;
    }
    for (i = 0; i < e->nkids && !rc; i++) {
      if (i)
        ctix__buf_adds(&r->out, e->op == SG_E_AND ? t->tok_and : t->tok_or);
      rc = render(r, e->kids[i], prec);
    }
    break;
  case SG_E_NOT:
    ctix__buf_adds(&r->out, t->tok_not);
    rc = render(r, e->kids[0], prec);
    break;
  case SG_E_MATCH:
    rc = t->match_hook ? t->match_hook(r, e, parent_prec) : 0;
    if (rc == 0)
      rc = render_match(r, e);
    else if (rc > 0)
      rc = 0;
    break;
  }
  if (group)
    ctix__buf_adds(&r->out, t->group_close);
  return ctix__sg_size_error(r, &r->out, rc);
}

int ctix__sg_render(sg_render *r, const sg_expr *root)
{
  return root ? render(r, root, 0) : 0;
}

/* Converts one condition of a rule into one query string (*out malloc'd). */
static int convert_one(char **out, const ctix_sigma_converter *cv, const ctix_sigma_rule *rule,
                       size_t ci, ctix_error *err)
{
  ctix_arena arena;
  sg_ctx cx;
  sg_render r;
  sg_expr *root = NULL;
  ctix_buf final = CTIX_BUF_INIT(SG_MAX_QUERY);
  size_t i;
  int rc;

  *out = NULL;
  ctix__arena_init(&arena, 512u << 20);
  memset(&cx, 0, sizeof(cx));
  cx.arena = &arena;
  cx.err = err;
  cx.rule = rule;
  cx.ls = rule->logsource;
  memset(&r, 0, sizeof(r));
  r.t = cv->t;
  r.cx = &cx;
  ctix__buf_init(&r.out, SG_MAX_QUERY);
  ctix__buf_init(&r.pre, SG_MAX_QUERY);
  ctix__buf_init(&r.post, SG_MAX_QUERY);
  ctix__buf_init(&r.head, SG_MAX_QUERY);
  rc = cond_lower(&root, &cx, rule->ctrees[ci], rule->cond_line[ci], rule->cond_col[ci]);
  for (i = 0; !rc && i < cv->np; i++)
    rc = ctix__sg_pipeline_apply(&root, &cx, cv->p[i]);
  if (!rc && cv->t->check_hook)
    rc = cv->t->check_hook(&r, &root);
  if (!rc)
    rc = ctix__sg_render(&r, root);
  if (!rc && cv->t->finish_hook)
    rc = cv->t->finish_hook(&r, &final);
  else if (!rc)
    ctix__buf_add(&final, r.out.data ? r.out.data : "", r.out.len);
  if (!rc && final.err)
    rc = ctix__error_set(err, CTIX_ETOOBIG, "query larger than %u bytes", (unsigned)SG_MAX_QUERY);
  if (!rc) {
    *out = ctix__buf_detach(&final, NULL);
    if (!*out)
      rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  }
  ctix__buf_free(&final);
  ctix__buf_free(&r.out);
  ctix__buf_free(&r.pre);
  ctix__buf_free(&r.post);
  ctix__buf_free(&r.head);
  ctix__arena_free(&arena);
  return rc;
}

int ctix_sigma_convert(ctix_sigma_queries *out, const ctix_sigma_converter *cv,
                       const ctix_sigma_rule *rule, ctix_error *err)
{
  size_t i;
  int rc = 0;
  if (!out || !cv || !rule)
    return ctix__error_set(err, CTIX_EINVAL, "invalid argument");
  out->count = 0;
  out->query = NULL;
  if (rule->kind != CTIX_SIGMA_DETECTION) {
    rc = ctix__error_set(err, CTIX_EUNSUPPORTED, "%s are read but not converted yet",
                         rule->kind == CTIX_SIGMA_CORRELATION ? "correlation rules" : "filters");
    goto done;
  }
  out->query = calloc(rule->nconds + 1, sizeof(char *));
  if (!out->query) {
    rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
    goto done;
  }
  for (i = 0; i < rule->nconds && !rc; i++) {
    rc = convert_one(&out->query[i], cv, rule, i, err);
    if (!rc)
      out->count++;
  }
done:
  if (rc) {
    ctix__error_source(err, rule->source[0] ? rule->source : NULL);
    ctix_sigma_queries_free(out);
  }
  return rc;
}
