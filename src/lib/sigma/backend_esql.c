/*
 * Elastic ES|QL target, as pySigma's Elasticsearch ES|QL backend writes
 * it: `from * metadata _id, _index, _version | where <condition>`.
 * Usual precedence (not > and > or; a weaker operand is parenthesised, an
 * OR made into an IN list counts as an OR); fields with characters other
 * than letters, digits, `_` and `.` are quoted with backticks. A string
 * match is `field=="v"` without wildcards, `starts_with(field, "v")` /
 * `ends_with(field, "v")` for one trailing / leading `*`, else
 * `field like "p"` (`*`, `?`); `\` and `"` are escaped with `\`, literal
 * `*` and `?` too. ORs of one field over plain strings or numbers become
 * `field in ("a", "b")`. Regular expressions are `field rlike "..."`
 * (flags as a `(?ims)` prefix, `\` and `"` escaped), cidr
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
 * ECS Windows fields that hold keywords although Sigma gives numbers
 * (event ids, every Windows event-data field): numbers compared with them
 * are written as strings, as pySigma's ecs_windows pipeline makes them.
 * `.` at the end: a prefix.
 */
static const char *const esql_keyword_fields[] = {"event.code", "winlog.event_data."};

/* True if numbers compared with `field` are written as strings. */
static bool esql_keyword_field(const char *field)
{
  size_t i, n;
  for (i = 0; field && i < sizeof(esql_keyword_fields) / sizeof(esql_keyword_fields[0]); i++) {
    n = strlen(esql_keyword_fields[i]);
    if (esql_keyword_fields[i][n - 1] == '.' ? strncmp(field, esql_keyword_fields[i], n) == 0
                                         : strcmp(field, esql_keyword_fields[i]) == 0)
      return true;
  }
  return false;
}

/* Appends a field name; other characters than letters, digits and `_ .`
 * need backticks (a backtick inside is doubled). */
static int esql_field(ctix_buf *b, const char *field)
{
  const char *p;
  bool plain = field[0] != 0;
  for (p = field; *p && plain; p++)
    plain = ctix__isalnum((unsigned char)*p) || strchr("_.", *p) != NULL;
  if (plain)
    return ctix__buf_adds(b, field);
  ctix__buf_addc(b, '`');
  for (p = field; *p; p++) {
    if (*p == '`')
      ctix__buf_addc(b, '`');
    ctix__buf_addc(b, *p);
  }
  return ctix__buf_addc(b, '`');
}

/* Comparison operators indexed by sg_cmp. */
static const char *const esql_cmp[] = {NULL, "<", "<=", ">", ">="};

/* Appends a quoted string; `like` keeps wildcards, else they are literal. */
static int esql_str(sg_render *r, ctix_buf *b, const char *s, size_t n, bool like)
{
  size_t i;
  ctix__buf_addc(b, '"');
  for (i = 0; i < n; i++) {
    char c = s[i];
    if (c == SG_WILD_MULTI || c == SG_WILD_SINGLE) {
      if (like)
        ctix__buf_addc(b, c == SG_WILD_MULTI ? '*' : '?');
    } else if (c == SG_PH_OPEN) {
      return ctix__sg_put_string(r, b, s + i, n - i); /* reports the placeholder */
    } else {
      if (c == '\\' || c == '"' || c == '*' || c == '?')
        ctix__buf_addc(b, '\\');
      ctix__buf_addc(b, c);
    }
  }
  return ctix__buf_addc(b, '"');
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

/* True if an OR can be written as `field in (...)`. */
static bool esql_in_list(const sg_expr *e)
{
  size_t i;
  bool l, t;
  if (e->op != SG_E_OR || e->nkids < 2)
    return false;
  for (i = 0; i < e->nkids; i++) {
    const sg_expr *k = e->kids[i];
    if (k->op != SG_E_MATCH || (k->kind != SG_K_STR && k->kind != SG_K_NUM) || !k->field ||
        k->expansion || strcmp(k->field, e->kids[0]->field) != 0)
      return false;
    if (k->kind == SG_K_STR && esql_wild(k->s, k->n, &l, &t))
      return false;
  }
  return true;
}

/* Appends a regular expression as an ES|QL string: flags prefix, `\`/`"` escaped. */
static int esql_regex(ctix_buf *b, const sg_expr *e)
{
  size_t i;
  ctix__buf_addc(b, '"');
  if (e->flags) {
    ctix__buf_adds(b, "(?");
    if (e->flags & SG_RE_I) ctix__buf_addc(b, 'i');
    if (e->flags & SG_RE_M) ctix__buf_addc(b, 'm');
    if (e->flags & SG_RE_S) ctix__buf_addc(b, 's');
    ctix__buf_addc(b, ')');
  }
  for (i = 0; i < e->n; i++) {
    if (e->s[i] == '\\' || e->s[i] == '"')
      ctix__buf_addc(b, '\\');
    ctix__buf_addc(b, e->s[i]);
  }
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
    if (esql_keyword_field(e->field))
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
    ctix__buf_addf(b, "%s", esql_cmp[e->flags]);
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
      if (e->kids[i]->kind == SG_K_STR || esql_keyword_field(e->kids[i]->field))
        rc = esql_str(r, b, e->kids[i]->s, e->kids[i]->n, false);
      else
        rc = ctix__buf_add(b, e->kids[i]->s, e->kids[i]->n);
    }
    ctix__buf_addc(b, ')');
  } else if (e->op == SG_E_NOT) {
    ctix__buf_adds(b, "not ");
    rc = esql_node(r, b, e->kids[0], prec);
  } else {
    for (i = 0; i < e->nkids && !rc; i++) {
      if (i)
        ctix__buf_adds(b, e->op == SG_E_AND ? " and " : " or ");
      rc = esql_node(r, b, e->kids[i], prec);
    }
  }
  if (group)
    ctix__buf_addc(b, ')');
  if (!rc && b->err)
    rc = ctix__error_set(r->cx->err, CTIX_ETOOBIG, "query larger than %u bytes",
                         (unsigned)SG_MAX_QUERY);
  return rc;
}

/* Renders the whole query into r->head; the generic renderer gets nothing. */
static int esql_check(sg_render *r, sg_expr **root)
{
  int rc;
  ctix__buf_adds(&r->head, "from * metadata _id, _index, _version | where ");
  rc = *root ? esql_node(r, &r->head, *root, 0) : 0;
  *root = NULL;
  return rc;
}

static int esql_finish(sg_render *r, ctix_buf *final)
{
  ctix__buf_add(final, r->head.data ? r->head.data : "", r->head.len);
  return final->err;
}

const sg_target ctix__sg_target_esql = {
  .name = "esql",
  .description = "Elastic ES|QL (from * | where ...), ECS field names via a pipeline",
  .tok_and = " and ",
  .tok_or = " or ",
  .tok_not = "not ",
  .group_open = "(",
  .group_close = ")",
  .prec_and = ESQL_AND,
  .prec_or = ESQL_OR,
  .prec_not = ESQL_NOT,
  .field_plain_chars = "_.",
  .field_quote = '`',
  .str_quote = '"',
  .escape = '\\',
  .escaped_chars = "\\\"",
  .wild_multi = "*",
  .wild_single = "?",
  .escape_literal_wildcards = true,
  .check_hook = esql_check,
  .finish_hook = esql_finish,
};
