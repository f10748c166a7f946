/*
 * Elastic EQL target, as pySigma's Elasticsearch EQL backend writes it:
 * `any where <condition>`. Every compound operand (and, or, not) below
 * another operator is parenthesised, single matches are not. A match is
 * `field:"value"` (case-insensitive; `*` and `?` wildcards; literal `*`,
 * `?`, `\` and `"` escaped with `\`); empty strings and IP addresses are
 * compared exactly (`field=="v"`), |cased values with `==` / `like`. ORs
 * of one field become `field like~ ("a", "b")`, and so do the variants of
 * an expanding modifier (windash, base64offset), never parenthesised.
 * Regular expressions are `field regex~ "..."` (flags as a `(?ims)`
 * prefix, `/` escaped), cidr `cidrMatch(field, "net")`, null
 * `(?field == null)`, exists and not-null `?field != null`; unbound
 * keywords are bare quoted strings; field references are refused. The
 * whole query is rendered by the check hook: the generic renderer cannot
 * say "group every compound operand".
 */
#include <string.h>

#include "sigma/sigma_internal.h"
#include "util/str.h"

/*
 * ECS Windows fields that hold keywords although Sigma gives numbers
 * (event ids, every Windows event-data field): numbers compared with them
 * are written as strings, as pySigma's ecs_windows pipeline makes them.
 * `.` at the end: a prefix.
 */
static const char *const eql_keyword_fields[] = {"event.code", "winlog.event_data."};

/* True if numbers compared with `field` are written as strings. */
static bool eql_keyword_field(const char *field)
{
  size_t i, n;
  for (i = 0; field && i < sizeof(eql_keyword_fields) / sizeof(eql_keyword_fields[0]); i++) {
    n = strlen(eql_keyword_fields[i]);
    if (eql_keyword_fields[i][n - 1] == '.' ? strncmp(field, eql_keyword_fields[i], n) == 0
                                         : strcmp(field, eql_keyword_fields[i]) == 0)
      return true;
  }
  return false;
}

/* Appends a field name; other characters than letters, digits and `_ . - @`
 * need backticks (a backtick inside is doubled). */
static int eql_field(ctix_buf *b, const char *field)
{
  const char *p;
  bool plain = field[0] != 0;
  for (p = field; *p && plain; p++)
    plain = ctix__isalnum((unsigned char)*p) || strchr("_.-@", *p) != NULL;
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
static const char *const eql_cmp[] = {NULL, "<", "<=", ">", ">="};

/* Appends a string value: quoted, wildcards as `*`/`?`, literals escaped. */
static int eql_str(sg_render *r, ctix_buf *b, const char *s, size_t n)
{
  size_t i;
  ctix__buf_addc(b, '"');
  for (i = 0; i < n; i++) {
    char c = s[i];
    if (c == SG_WILD_MULTI)
      ctix__buf_addc(b, '*');
    else if (c == SG_WILD_SINGLE)
      ctix__buf_addc(b, '?');
    else if (c == SG_PH_OPEN)
      return ctix__sg_put_string(r, b, s + i, n - i); /* reports the placeholder */
    else {
      if (c == '\\' || c == '"' || c == '*' || c == '?')
        ctix__buf_addc(b, '\\');
      ctix__buf_addc(b, c);
    }
  }
  return ctix__buf_addc(b, '"');
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
  if (e->kind == SG_K_STR || (e->kind == SG_K_NUM && eql_keyword_field(e->field)))
    return eql_str(r, b, e->s, e->n);
  return ctix__buf_add(b, e->s, e->n);
}

/* Appends a regular expression: flags as a prefix, `/` and `"` escaped. */
static int eql_regex(ctix_buf *b, const sg_expr *e)
{
  size_t i;
  bool escaped = false;
  ctix__buf_addc(b, '"');
  if (e->flags) {
    ctix__buf_adds(b, "(?");
    if (e->flags & SG_RE_I) ctix__buf_addc(b, 'i');
    if (e->flags & SG_RE_M) ctix__buf_addc(b, 'm');
    if (e->flags & SG_RE_S) ctix__buf_addc(b, 's');
    ctix__buf_addc(b, ')');
  }
  for (i = 0; i < e->n; i++) {
    /* a `"` already escaped in the expression stays as it is */
    if (e->s[i] == '/' || (e->s[i] == '"' && !escaped))
      ctix__buf_addc(b, '\\');
    escaped = e->s[i] == '\\' && !escaped;
    ctix__buf_addc(b, e->s[i]);
  }
  return ctix__buf_addc(b, '"');
}

/* True if an OR can be written as `field like~ (...)`. */
static bool eql_in_list(const sg_expr *e)
{
  size_t i;
  if (e->op != SG_E_OR || e->nkids < 2)
    return false;
  for (i = 0; i < e->nkids; i++) {
    const sg_expr *k = e->kids[i];
    if (k->op != SG_E_MATCH || (k->kind != SG_K_STR && k->kind != SG_K_NUM) || !k->field ||
        k->cased || (k->expansion && !e->expansion) ||
        strcmp(k->field, e->kids[0]->field) != 0)
      return false;
  }
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
      bool wild = memchr(e->s, SG_WILD_MULTI, e->n) || memchr(e->s, SG_WILD_SINGLE, e->n);
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
    ctix__buf_addf(b, " %s ", eql_cmp[e->flags]);
    return ctix__buf_add(b, e->s, e->n);
  case SG_K_FIELDREF:
    err = "eql: field references (|fieldref) are not supported";
    break;
  }
  return ctix__error_set(r->cx->err, CTIX_EUNSUPPORTED, "%s",
                         err ? err : "eql: this kind of match is not supported");
}

/* Renders a subtree; compound operands below an operator are grouped. */
static int eql_node(sg_render *r, ctix_buf *b, const sg_expr *e, bool nested)
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
    rc = eql_node(r, b, e->kids[0], true);
  } else {
    for (i = 0; i < e->nkids && !rc; i++) {
      if (i)
        ctix__buf_adds(b, e->op == SG_E_AND ? " and " : " or ");
      rc = eql_node(r, b, e->kids[i], true);
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
static int eql_check(sg_render *r, sg_expr **root)
{
  int rc;
  ctix__buf_adds(&r->head, "any where ");
  rc = *root ? eql_node(r, &r->head, *root, false) : 0;
  *root = NULL;
  return rc;
}

static int eql_finish(sg_render *r, ctix_buf *final)
{
  ctix__buf_add(final, r->head.data ? r->head.data : "", r->head.len);
  return final->err;
}

const sg_target ctix__sg_target_eql = {
  .name = "eql",
  .description = "Elastic Event Query Language (EQL), ECS field names via a pipeline",
  .tok_and = " and ",
  .tok_or = " or ",
  .tok_not = "not ",
  .group_open = "(",
  .group_close = ")",
  .prec_and = 2,
  .prec_or = 1,
  .prec_not = 3,
  .field_plain_chars = "_.-@",
  .field_quote = '`',
  .str_quote = '"',
  .escape = '\\',
  .escaped_chars = "\\\"",
  .wild_multi = "*",
  .wild_single = "?",
  .escape_literal_wildcards = true,
  .check_hook = eql_check,
  .finish_hook = eql_finish,
};
