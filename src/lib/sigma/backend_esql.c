/*
 * Elastic ES|QL target, as pySigma's Elasticsearch ES|QL backend writes
 * it: `from * metadata _id, _index, _version | where <condition>`.
 * Usual precedence (not > and > or; a weaker operand is parenthesised, an
 * OR made into an IN list counts as an OR); fields with characters other
 * than letters, digits, `_` and `.`, or with a dot-separated part that
 * does not start with a letter or `_` or is a lone `_`, are quoted with
 * backticks. A string match is `field=="v"` without wildcards,
 * `starts_with(field, "v")` /
 * `ends_with(field, "v")` for one trailing / leading `*`, else
 * `field like "p"` (`*`, `?`). Strings escape `\` and `"` with `\` and
 * write line breaks and tabs as `\n` `\r` `\t` (the only escapes ES|QL
 * strings know); LIKE has an escape of its own, `\`, so in a pattern a
 * literal `\` is `\\\\`, a literal `*` / `?` is `\\*` / `\\?` (pySigma writes
 * `\\`, which Elasticsearch rejects: "escape character is not followed
 * by special wildcard char"); exact values write `*` and `?` as they are.
 * Field names that are ES|QL keywords are backticked too. ORs of one
 * field over plain strings or numbers become
 * `field in ("a", "b")`. Regular expressions are `field rlike "..."`
 * (flags as a `(?ims)` prefix, `\` and `"` escaped, line breaks and tabs
 * as `\n` `\r` `\t`), cidr
 * `cidr_match(field, "net")`, null `field is null`, exists
 * `field is not null`, a field reference `field==other`. ES|QL has no
 * full-text search in `where`: unbound keywords are refused. The
 * whole query is rendered by the check hook.
 */
#include <string.h>

#include "sigma/sigma_internal.h"
#include "util/str.h"

enum { ESQL_OR = 1, ESQL_AND = 2, ESQL_NOT = 3, ESQL_LEAF = 4 };

/*
 * Words the ES|QL lexer reads as keywords in an expression (any case): a
 * field of that name, or with a dotted part of that name, is backticked.
 * A few more than the grammar needs today (`match`, `metadata`, `on`,
 * `with`): a backticked name means the same. `where` is one inside an
 * expression too (STATS ... WHERE). A lone `_` is no keyword but no name
 * either (`_` must be followed by a letter, digit or `_`): listed here so
 * that it is backticked too.
 * Kept sorted: ctix__sg_keyword searches it by halves.
 */
static const char *const esql_keywords[] = {
  "_", "and", "as", "asc", "by", "desc", "false", "first", "in", "is", "last", "like",
  "match", "metadata", "not", "null", "nulls", "on", "or", "rlike", "true", "where", "with",
};

/*
 * Field names ES|QL reads bare: dot-separated parts, each a letter or `_`
 * followed by letters, digits and `_`, none a keyword (any case) or a lone
 * `_`. Anything else is backticked: ES|QL reads `1f` or `a.2` bare as a
 * number, `a..b` or `cs-uri` not as one name.
 */
static const sg_plain_rule esql_names = {
  .first = "_",
  .other = "_",
  .keywords = esql_keywords,
  .nkeywords = sizeof(esql_keywords) / sizeof(esql_keywords[0]),
  .fold = true,
};

/* Appends a field name: bare when ES|QL allows it, else in backticks (doubled inside). */
static int esql_field(ctix_buf *b, const char *field)
{
  return ctix__sg_put_field_backtick(b, field, &esql_names);
}

/*
 * Appends a quoted string: a `like` pattern keeps wildcards and escapes
 * literal `\`, `*` and `?` for LIKE as well as for the string; an exact
 * value (==, starts_with, ends_with, in) escapes for the string only.
 */
static int esql_str(sg_render *r, ctix_buf *b, const char *s, size_t n, bool like)
{
  return ctix__sg_put_dq_string(r, b, s, n, like ? SG_DQ_LIKE : SG_DQ_PLAIN);
}

/* Counts wildcard markers; says whether the value starts / ends with `*` (`*` alone: ends). */
static size_t esql_wild(const char *s, size_t n, bool *lead, bool *trail)
{
  size_t i, k = 0;
  for (i = 0; i < n; i++)
    k += s[i] == SG_WILD_MULTI || s[i] == SG_WILD_SINGLE;
  *trail = n > 0 && s[n - 1] == SG_WILD_MULTI;
  *lead = n > 0 && s[0] == SG_WILD_MULTI && !(n == 1 && *trail);
  return k;
}

/* True if an OR can be written as `field in (...)` (no wildcard values). */
static bool esql_in_list(const sg_expr *e)
{
  size_t i;
  bool l, t;
  if (!ctix__sg_value_list(e, SG_VL_CASED))
    return false;
  for (i = 0; i < e->nkids; i++)
    if (e->kids[i]->kind == SG_K_STR && esql_wild(e->kids[i]->s, e->kids[i]->n, &l, &t))
      return false;
  return true;
}

/*
 * Appends a regular expression as an ES|QL string: flags prefix, `\`/`"`
 * escaped, line breaks and tabs as `\n` `\r` `\t` (the lexer refuses a raw
 * line break in a string).
 */
static int esql_regex(ctix_buf *b, const sg_expr *e)
{
  ctix__buf_addc(b, '"');
  ctix__sg_put_re_dq(b, e, true);
  return ctix__buf_addc(b, '"');
}

/* Renders a string match: ==, starts_with, ends_with or like. */
static int esql_str_match(sg_render *r, ctix_buf *b, const sg_expr *e)
{
  bool lead, trail;
  size_t k = esql_wild(e->s, e->n, &lead, &trail);
  if (k == 0) {
    esql_field(b, e->field);
    ctix__buf_adds(b, "==");
    return esql_str(r, b, e->s, e->n, false);
  }
  if (k == 1 && (lead || trail)) {
    ctix__buf_adds(b, trail ? "starts_with(" : "ends_with(");
    esql_field(b, e->field);
    ctix__buf_adds(b, ", ");
    esql_str(r, b, e->s + (trail ? 0 : 1), e->n - 1, false);
    return ctix__buf_addc(b, ')');
  }
  esql_field(b, e->field);
  ctix__buf_adds(b, " like ");
  return esql_str(r, b, e->s, e->n, true);
}

/* Renders one match. */
static int esql_match(sg_render *r, ctix_buf *b, const sg_expr *e)
{
  if (!e->field)
    return ctix__error_set(r->cx->err, CTIX_EUNSUPPORTED,
                           "esql: ES|QL cannot search unbound keywords (values without a field)");
  switch (e->kind) {
  case SG_K_STR:
    return esql_str_match(r, b, e);
  case SG_K_NUM:
    esql_field(b, e->field);
    ctix__buf_adds(b, "==");
    if (ctix__sg_ecs_keyword_field(e->field))
      return esql_str(r, b, e->s, e->n, false);
    return ctix__buf_add(b, e->s, e->n);
  case SG_K_BOOL:
    esql_field(b, e->field);
    return ctix__buf_adds(b, e->n == 4 ? "==true" : "==false");
  case SG_K_NULL:
    esql_field(b, e->field);
    return ctix__buf_adds(b, " is null");
  case SG_K_EXISTS:
    esql_field(b, e->field);
    return ctix__buf_adds(b, e->flags ? " is not null" : " is null");
  case SG_K_RE:
    esql_field(b, e->field);
    ctix__buf_adds(b, " rlike ");
    return esql_regex(b, e);
  case SG_K_CIDR:
    ctix__buf_adds(b, "cidr_match(");
    esql_field(b, e->field);
    ctix__buf_adds(b, ", ");
    esql_str(r, b, e->s, e->n, false);
    return ctix__buf_addc(b, ')');
  case SG_K_CMP:
    if (e->flags < 1 || e->flags > 4)
      break;
    esql_field(b, e->field);
    ctix__buf_addf(b, "%s", ctix__sg_cmp_ops[e->flags]);
    return ctix__buf_add(b, e->s, e->n);
  case SG_K_FIELDREF:
    esql_field(b, e->field);
    ctix__buf_adds(b, "==");
    return esql_field(b, e->s);
  }
  return ctix__error_set(r->cx->err, CTIX_EUNSUPPORTED, "esql: this kind of match is not supported");
}

static int esql_prec(const sg_expr *e)
{
  if ((e->op == SG_E_AND || e->op == SG_E_OR) && e->nkids == 1)
    return esql_prec(e->kids[0]);
  switch (e->op) {
  case SG_E_AND: return ESQL_AND;
  case SG_E_OR: return ESQL_OR;
  case SG_E_NOT: return ESQL_NOT;
  default: return ESQL_LEAF;
  }
}

/* Renders a subtree; an operand binding weaker than its parent is grouped. */
static int esql_node(sg_render *r, ctix_buf *b, const sg_expr *e, int parent)
{
  size_t i;
  int rc = 0, prec = esql_prec(e);
  bool group = prec < parent;
  if ((e->op == SG_E_AND || e->op == SG_E_OR) && e->nkids == 1)
    return esql_node(r, b, e->kids[0], parent);
  if (e->op == SG_E_MATCH)
    return esql_match(r, b, e);
  if (group)
    ctix__buf_addc(b, '(');
  if (esql_in_list(e)) {
    esql_field(b, e->kids[0]->field);
    ctix__buf_adds(b, " in (");
    for (i = 0; i < e->nkids && !rc; i++) {
      if (i)
        ctix__buf_adds(b, ", ");
      if (e->kids[i]->kind == SG_K_STR || ctix__sg_ecs_keyword_field(e->kids[i]->field))
        rc = esql_str(r, b, e->kids[i]->s, e->kids[i]->n, false);
      else
        rc = ctix__buf_add(b, e->kids[i]->s, e->kids[i]->n);
    }
    ctix__buf_addc(b, ')');
  } else if (e->op == SG_E_NOT) {
    ctix__buf_adds(b, "not ");
    rc = esql_node(r, b, e->kids[0], prec);
  } else {
    rc = ctix__sg_join_kids(r, b, e, esql_node, prec);
  }
  if (group)
    ctix__buf_addc(b, ')');
  return ctix__sg_size_error(r, b, rc);
}

/* Renders the whole query into r->head; the generic renderer gets nothing. */
static int esql_check(sg_render *r, sg_expr **root)
{
  return ctix__sg_render_head(r, root, "from * metadata _id, _index, _version | where ", esql_node, 0);
}

const sg_target ctix__sg_target_esql = {
  .name = "esql",
  .description = "Elastic ES|QL (from * | where ...), ECS field names via a pipeline",
  .tok_and = " and ",
  .tok_or = " or ",
  .check_hook = esql_check,
  .finish_hook = ctix__sg_finish_head,
};
