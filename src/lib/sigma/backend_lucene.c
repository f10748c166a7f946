/*
 * Elastic Lucene target: the Kibana/Elasticsearch query-string syntax as
 * pySigma's elasticsearch backend writes it. `F:V` terms joined by AND/OR,
 * NOT in front; every AND, OR and NOT below the top of the query is put in
 * brackets (the query reflects the rule's tree, not operator precedence),
 * except the ORs made by value modifiers (windash, base64offset). Values are
 * written unquoted with every Lucene special character and white space
 * escaped by '\'; `*` and `?` stay wildcards; an empty value is `""`. ORs
 * over one field become `F:(a OR b)`. Regular expressions are `F:/re/` (flags as a
 * leading `(?i)`), CIDR ranges `F:net\/len`, null `NOT _exists_:F` (and a
 * negated null `_exists_:F`). Field references cannot be expressed.
 */
#include <string.h>

#include "sigma/sigma_internal.h"
#include "util/str.h"

/* True if the rendered leaf sits below an operator (it then needs brackets). */
static bool nested(int parent_prec)
{
  return parent_prec > 0;
}

/* Puts a regular expression between slashes; flags become a leading (?ims). */
static int put_regex(sg_render *r, const sg_expr *e)
{
  const char *p;
  bool odd = false; /* an odd run of backslashes precedes p */
  ctix__sg_put_field(r, &r->out, e->field);
  ctix__buf_adds(&r->out, ":/");
  ctix__sg_put_re_flags(&r->out, e->flags);
  for (p = e->s; p < e->s + e->n; p++) {
    /* a '/' ends the expression unless escaped; one already escaped stays */
    if (*p == '/' && !odd)
      ctix__buf_addc(&r->out, '\\');
    odd = *p == '\\' && !odd;
    ctix__buf_addc(&r->out, *p);
  }
  return ctix__buf_addc(&r->out, '/');
}

/*
 * Result of a match hook after writing: an error of the value (placeholder,
 * message set) or 1; a full buffer is reported by the renderer.
 */
static int hook_rc(const sg_render *r, int rc)
{
  return rc && !r->out.err ? rc : 1;
}

/*
 * Renders what the table cannot: regular expressions, the bracketed
 * `NOT _exists_:F` of null values and absent fields, refusals.
 */
static int lucene_match(sg_render *r, const sg_expr *e, int parent_prec)
{
  int rc;
  switch (e->kind) {
  case SG_K_RE:
    if (!e->field)
      return ctix__error_set(r->cx->err, CTIX_EUNSUPPORTED,
                             "lucene: a regular expression needs a field");
    put_regex(r, e);
    return 1;
  case SG_K_FIELDREF:
    return ctix__error_set(r->cx->err, CTIX_EUNSUPPORTED,
                           "lucene: field references (|fieldref) cannot be expressed in a Lucene "
                           "query");
  case SG_K_NULL:
  case SG_K_EXISTS:
    if (!e->field)
      return 0;
    if (e->kind == SG_K_EXISTS && e->flags) {
      ctix__buf_adds(&r->out, "_exists_:");
      ctix__sg_put_field(r, &r->out, e->field);
      return 1;
    }
    ctix__buf_adds(&r->out, nested(parent_prec) ? "(NOT _exists_:" : "NOT _exists_:");
    ctix__sg_put_field(r, &r->out, e->field);
    if (nested(parent_prec))
      ctix__buf_addc(&r->out, ')');
    return 1;
  case SG_K_STR:
    if (!e->field) {
      /* keywords match anywhere in the message (an existing '*' is kept: `**`) */
      ctix__buf_addc(&r->out, '*');
      rc = ctix__sg_put_string(r, &r->out, e->s, e->n);
      ctix__buf_addc(&r->out, '*');
      return hook_rc(r, rc);
    }
    if (e->expansion) {
      /* the one variant of an expanding modifier: still a list */
      ctix__sg_put_field(r, &r->out, e->field);
      ctix__buf_adds(&r->out, ":(");
      rc = ctix__sg_put_string(r, &r->out, e->s, e->n);
      ctix__buf_addc(&r->out, ')');
      return hook_rc(r, rc);
    }
    return 0;
  default:
    return 0;
  }
}

/*
 * Lucene's special characters (also in field names) and its white space
 * (space, tab, LF, CR), which would otherwise end the term: a value with
 * a line break stays one term (`F:a\<LF>b`).
 */
#define LUCENE_SPECIAL " \t\n\r+-=&|><!(){}[]^\"~?:\\/"

/* A field name with special characters (not '-') gets them escaped. */
static const char *field_escaped(sg_ctx *cx, const char *f)
{
  size_t n = 0, k = 0;
  const char *p;
  char *s;
  for (p = f; *p; p++)
    n += !ctix__isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-' &&
         strchr(LUCENE_SPECIAL, *p) != NULL;
  if (!n)
    return f;
  s = ctix__arena_alloc(cx->arena, strlen(f) + n + 1);
  if (!s)
    return NULL;
  for (p = f; *p; p++) {
    if (*p != '-' && strchr(LUCENE_SPECIAL, *p))
      s[k++] = '\\';
    s[k++] = *p;
  }
  s[k] = 0;
  return s;
}

/*
 * Rewrites the tree before rendering: an empty string becomes the literal
 * `""` (also inside `F:(...)` lists), a negated null test becomes an
 * existence test, special characters of field names are escaped.
 */
static int fix(sg_ctx *cx, sg_expr **slot)
{
  sg_expr *e = *slot;
  size_t i;
  int rc = 0;
  if (e->op == SG_E_MATCH) {
    if (e->field && !(e->field = field_escaped(cx, e->field)))
      return ctix__error_set(cx->err, CTIX_ENOMEM, "out of memory");
    if (e->kind == SG_K_STR && e->n == 0) {
      e->kind = SG_K_NUM;
      e->s = "\"\"";
      e->n = 2;
    }
    return 0;
  }
  if (e->op == SG_E_NOT && e->nkids == 1 && e->kids[0]->op == SG_E_MATCH &&
      e->kids[0]->kind == SG_K_NULL && e->kids[0]->field) {
    e->kids[0]->kind = SG_K_EXISTS;
    e->kids[0]->flags = 1;
    *slot = e->kids[0];
    return fix(cx, slot);
  }
  for (i = 0; i < e->nkids && !rc; i++)
    rc = fix(cx, &e->kids[i]);
  return rc;
}

static int lucene_check(sg_render *r, sg_expr **root)
{
  return *root ? fix(r->cx, root) : 0;
}

/* Every AND/OR/NOT below the top is bracketed, modifier expansions never. */
static int lucene_group(const sg_render *r, const sg_expr *e, int parent_prec)
{
  (void)r;
  if (e->op == SG_E_OR && e->expansion)
    return 0;
  return parent_prec > 0;
}

const sg_target ctix__sg_target_lucene = {
  .name = "lucene",
  .description = "Elasticsearch/Kibana Lucene query string",
  .tok_and = " AND ",
  .tok_or = " OR ",
  .tok_not = "NOT ",
  .group_open = "(",
  .group_close = ")",
  .prec_and = 2,
  .prec_or = 1,
  .prec_not = 3,
  .field_plain_chars = "_.-@",
  .field_quote = 0,
  .str_quote = 0,
  .escape = '\\',
  .escaped_chars = LUCENE_SPECIAL,
  .wild_multi = "*",
  .wild_single = "?",
  .escape_literal_wildcards = true,
  .eq_fmt = "%F:%V",
  .keyword_fmt = "%V",
  .null_fmt = "NOT _exists_:%F",
  .exists_fmt = "_exists_:%F",
  .not_exists_fmt = "NOT _exists_:%F",
  .cidr_fmt = "%F:%V",
  .bool_true = "true",
  .bool_false = "false",
  .cmp_fmt = {NULL, "%F:<%V", "%F:<=%V", "%F:>%V", "%F:>=%V"},
  .or_as_in = true,
  .in_open = "%F:(",
  .in_sep = " OR ",
  .in_close = ")",
  .match_hook = lucene_match,
  .check_hook = lucene_check,
  .group_hook = lucene_group,
  .in_expansions = true,
};
