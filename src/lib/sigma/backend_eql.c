/*
 * Elastic EQL target, as pySigma's Elasticsearch EQL backend writes it:
 * `any where <condition>`. Every compound operand (and, or, not) below
 * another operator is parenthesised, single matches are not. A match is
 * `field:"value"` (case-insensitive; `*` and `?` wildcards; literal `\` and
 * `"` escaped with `\`); empty strings and IP addresses are
 * compared exactly (`field=="v"`), |cased values with `==` / `like`. ORs
 * of one field become `field like~ ("a", "b")`, and so do the variants of
 * an expanding modifier (windash, base64offset), never parenthesised.
 * A value with a literal `*` or `?` (Sigma's `\*`, `\?`) becomes an
 * anchored `field regex~ "..."`: EQL strings have no `\*` escape and EQL
 * wildcard patterns no escape at all. Strings escape only `\` and `"`
 * (and line breaks as `\n`...), the escapes the EQL lexer accepts.
 * Regular expressions are `field regex~ "..."` (flags as a `(?ims)`
 * prefix, `\` and `"` escaped for the string), cidr
 * `cidrMatch(field, "net")`, null `(?field == null)`, exists and
 * not-null `?field != null`; unbound keywords are bare quoted strings;
 * field references are refused. Field
 * names EQL cannot read bare (a hyphen, a space, a leading digit, a
 * keyword) are written in backticks, as the EQL syntax asks; pySigma
 * writes them bare, so `cs-uri-query` would be read as a subtraction. The
 * whole query is rendered by the check hook: the generic renderer cannot
 * say "group every compound operand".
 */
#include <string.h>

#include "sigma/sigma_internal.h"
#include "util/str.h"

/*
 * EQL keywords: a field of that name (or a part of a dotted name) written
 * bare would be read as the keyword.
 * Kept sorted: ctix__sg_keyword searches it by halves.
 */
static const char *const eql_keywords[] = {
  "and", "any", "by", "false", "fork", "in", "join", "like", "maxspan", "not", "null",
  "of", "or", "regex", "repeat", "runs", "sample", "sequence", "true", "until", "where",
  "with",
};

/*
 * Field names EQL reads bare: dot-separated parts, each a letter, `_` or
 * `@` followed by letters, digits and `_`, none a keyword (any case).
 * Anything else (a hyphen as in `cs-uri-query`, a space, a leading digit)
 * would be read as arithmetic or fail to parse.
 */
static const sg_plain_rule eql_names = {
  .first = "_@",
  .other = "_",
  .keywords = eql_keywords,
  .nkeywords = sizeof(eql_keywords) / sizeof(eql_keywords[0]),
  .fold = true,
};

/* Appends a field name: bare when EQL allows it, else in backticks (doubled inside). */
static int eql_field(ctix_buf *b, const char *field)
{
  return ctix__sg_put_field_backtick(b, field, &eql_names);
}

/* Appends a string value: quoted, wildcards as `*`/`?`, `\` and `"` escaped. */
static int eql_str(sg_render *r, ctix_buf *b, const char *s, size_t n)
{
  return ctix__sg_put_dq_string(r, b, s, n, SG_DQ_WILD);
}

/*
 * True if a string value holds a literal `*` or `?` (Sigma's `\*`, `\?`):
 * `:` and `like` would read it as a wildcard and EQL has no escape for it.
 */
static bool eql_literal_wild(const sg_expr *e)
{
  return e->kind == SG_K_STR && (memchr(e->s, '*', e->n) || memchr(e->s, '?', e->n));
}

/* ASCII characters escaped in a regular expression built from a value. */
#define EQL_RE_PUNCT " !\"#$%&'()*+,-./:;<=>?@[\\]^`{|}~"

/*
 * Renders a value with a literal `*` or `?` as an anchored regular
 * expression, `field regex~ "..."` (`regex` when |cased): wildcards as `.*`
 * and `.`, space and every ASCII punctuation character but `_` escaped
 * with `\` (a literal in Java's and Lucene's syntax alike), the whole
 * escaped again for the string.
 */
static int eql_wild_regex(sg_render *r, ctix_buf *b, const sg_expr *e)
{
  int rc;
  eql_field(b, e->field);
  ctix__buf_adds(b, e->cased ? " regex \"" : " regex~ \"");
  rc = ctix__sg_put_wild_regex(r, b, e->s, e->n, EQL_RE_PUNCT);
  return rc ? rc : ctix__buf_addc(b, '"');
}

/* True if a decoded string is an IPv4 or IPv6 address without wildcards. */
static bool eql_is_ip(const char *s, size_t n)
{
  size_t i, digits = 0, dots = 0, colons = 0;
  if (n == 0 || n > 45)
    return false;
  for (i = 0; i < n; i++) {
    char c = s[i];
    if (c == '.') {
      if (digits == 0 || digits > 3)
        return false;
      dots++;
      digits = 0;
    } else if (c == ':') {
      colons++;
      digits = 0;
    } else if (c >= '0' && c <= '9') {
      digits++;
    } else if (!((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) || colons == 0) {
      return false;
    } else {
      digits++;
    }
  }
  if (colons == 0)
    return dots == 3 && digits >= 1 && digits <= 3;
  return colons >= 2 && colons <= 7 && dots == 0;
}

/* Appends a value of a match (string or number text). */
static int eql_value(sg_render *r, ctix_buf *b, const sg_expr *e)
{
  if (e->kind == SG_K_STR || (e->kind == SG_K_NUM && ctix__sg_ecs_keyword_field(e->field)))
    return eql_str(r, b, e->s, e->n);
  return ctix__buf_add(b, e->s, e->n);
}

/*
 * Appends a regular expression as an EQL string: flags as a prefix, then
 * the expression with `\` and `"` escaped and line breaks as `\n`..., as
 * the EQL lexer asks (it knows only \b \t \n \f \r \" \' \\ and \u{...}:
 * pySigma's `"a\.b"` and `\/` are rejected).
 */
static int eql_regex(ctix_buf *b, const sg_expr *e)
{
  ctix__buf_addc(b, '"');
  ctix__sg_put_re_dq(b, e, true);
  return ctix__buf_addc(b, '"');
}

/* True if an OR can be written as `field like~ (...)` (no literal `*` / `?` in it). */
static bool eql_in_list(const sg_expr *e)
{
  size_t i;
  if (!ctix__sg_value_list(e, e->expansion ? SG_VL_EXPANDED : 0))
    return false;
  for (i = 0; i < e->nkids; i++)
    if (eql_literal_wild(e->kids[i]))
      return false;
  return true;
}

/* Renders one match; `nested` when an operator is above it. */
static int eql_match(sg_render *r, ctix_buf *b, const sg_expr *e, bool nested)
{
  const char *err = NULL;
  if (!e->field && e->kind != SG_K_STR && e->kind != SG_K_NUM)
    return ctix__error_set(r->cx->err, CTIX_EUNSUPPORTED,
                           "eql: this kind of match needs a field");
  switch (e->kind) {
  case SG_K_STR: case SG_K_NUM:
    if (e->field && eql_literal_wild(e))
      return eql_wild_regex(r, b, e);
    if (e->field && e->expansion && e->kind == SG_K_STR && !e->cased) {
      /* the single variant of an expanding modifier: a list of one */
      eql_field(b, e->field);
      ctix__buf_adds(b, " like~ (");
      eql_value(r, b, e);
      return ctix__buf_addc(b, ')');
    }
    if (e->field && e->kind == SG_K_STR && (e->n == 0 || eql_is_ip(e->s, e->n))) {
      /* empty strings and IP addresses are compared exactly */
      eql_field(b, e->field);
      ctix__buf_adds(b, "==");
      return eql_value(r, b, e);
    }
    if (e->field) {
      /* |cased: `==` (exact) or `like` (wildcards), both case-sensitive */
      bool wild = ctix__sg_has_wildcard(e->s, e->n);
      eql_field(b, e->field);
      ctix__buf_adds(b, !(e->cased && e->kind == SG_K_STR) ? ":" : wild ? " like " : " == ");
    }
    return eql_value(r, b, e);
  case SG_K_BOOL:
    eql_field(b, e->field);
    return ctix__buf_adds(b, e->n == 4 ? ":true" : ":false");
  case SG_K_EXISTS: case SG_K_NULL:
    if (e->kind == SG_K_EXISTS && e->flags) {
      ctix__buf_addc(b, '?');
      eql_field(b, e->field);
      return ctix__buf_adds(b, " != null");
    }
    /* null, or a field that does not exist */
    ctix__buf_adds(b, nested ? "(?" : "?");
    eql_field(b, e->field);
    return ctix__buf_adds(b, nested ? " == null)" : " == null");
  case SG_K_RE:
    eql_field(b, e->field);
    ctix__buf_adds(b, " regex~ ");
    return eql_regex(b, e);
  case SG_K_CIDR:
    ctix__buf_adds(b, "cidrMatch(");
    eql_field(b, e->field);
    ctix__buf_adds(b, ", ");
    eql_str(r, b, e->s, e->n);
    return ctix__buf_addc(b, ')');
  case SG_K_CMP:
    if (e->flags < 1 || e->flags > 4)
      break;
    eql_field(b, e->field);
    ctix__buf_addf(b, " %s ", ctix__sg_cmp_ops[e->flags]);
    return ctix__buf_add(b, e->s, e->n);
  case SG_K_FIELDREF:
    err = "eql: field references (|fieldref) are not supported";
    break;
  }
  return ctix__error_set(r->cx->err, CTIX_EUNSUPPORTED, "%s",
                         err ? err : "eql: this kind of match is not supported");
}

/* Renders a subtree; compound operands below an operator are grouped. */
static int eql_node(sg_render *r, ctix_buf *b, const sg_expr *e, int nested)
{
  size_t i;
  int rc = 0;
  bool group, in;
  if (e->op == SG_E_MATCH)
    return eql_match(r, b, e, nested);
  if ((e->op == SG_E_AND || e->op == SG_E_OR) && e->nkids == 1)
    return eql_node(r, b, e->kids[0], nested);
  if (e->op == SG_E_NOT && e->kids[0]->op == SG_E_MATCH && e->kids[0]->field &&
      (e->kids[0]->kind == SG_K_NULL || (e->kids[0]->kind == SG_K_EXISTS && !e->kids[0]->flags))) {
    /* not null: the field exists */
    ctix__buf_addc(b, '?');
    eql_field(b, e->kids[0]->field);
    return ctix__buf_adds(b, " != null");
  }
  in = eql_in_list(e);
  group = nested && !(e->expansion && in); /* an expansion list stands alone */
  if (group)
    ctix__buf_addc(b, '(');
  if (in) {
    eql_field(b, e->kids[0]->field);
    ctix__buf_adds(b, " like~ (");
    for (i = 0; i < e->nkids && !rc; i++) {
      if (i)
        ctix__buf_adds(b, ", ");
      rc = eql_value(r, b, e->kids[i]);
    }
    ctix__buf_addc(b, ')');
  } else if (e->op == SG_E_NOT) {
    ctix__buf_adds(b, "not ");
    rc = eql_node(r, b, e->kids[0], 1);
  } else {
    rc = ctix__sg_join_kids(r, b, e, eql_node, 1);
  }
  if (group)
    ctix__buf_addc(b, ')');
  return ctix__sg_size_error(r, b, rc);
}

/* Renders the whole query into r->head; the generic renderer gets nothing. */
static int eql_check(sg_render *r, sg_expr **root)
{
  return ctix__sg_render_head(r, root, "any where ", eql_node, 0);
}

const sg_target ctix__sg_target_eql = {
  .name = "eql",
  .description = "Elastic Event Query Language (EQL), ECS field names via a pipeline",
  .tok_and = " and ",
  .tok_or = " or ",
  .check_hook = eql_check,
  .finish_hook = ctix__sg_finish_head,
};
