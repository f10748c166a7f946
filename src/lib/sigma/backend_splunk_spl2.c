/*
 * Splunk SPL2 target: `FROM main WHERE <expression>`. SPL2's WHERE clause
 * has explicit AND/OR/NOT and evaluates NOT, then AND, then OR. pySigma's
 * SPL2 backend brackets as for SPL search (OR tighter), which changes the
 * meaning of an OR under an AND; ctix brackets every AND/OR under another
 * operator (group hook), so its queries equal pySigma's where those are
 * right and differ only by brackets where they are not. Values are
 * double-quoted; `\` and `"` are escaped with '\': an SPL2 string reads a
 * backslash as an escape, so `C:\Windows` is written `"C:\\Windows"`
 * (pySigma leaves backslashes single). A value with wildcards becomes
 * `F LIKE "..."` with `%` and `_`, a literal `%` / `_` in it `\%` / `\_`;
 * plain values are `F="v"` with `%` and `_` as they are (they are not
 * special in `=`) and ORs of plain values of one field
 * `F IN ("a", "b")`. Field names with characters other than
 * [A-Za-z0-9_.], that do not start with a letter or `_`, or with a
 * dot-separated part that is an SPL2 keyword (`by`, `where`, `and`,
 * `like`...) are single-quoted.
 * Hooks: LIKE for wildcard values, `match(F, /(?i)re/)` for regular
 * expressions, `cidrmatch("net", F)` for CIDR; the finish hook prefixes
 * the dataset clause.
 */
#include <string.h>

#include "sigma/sigma_internal.h"
#include "util/str.h"

/*
 * Words of SPL2's expressions and clauses (any case): logical and
 * pattern-matching operators, literals, and the SELECT / FROM / WHERE /
 * GROUP BY / ORDER BY / HAVING / LIMIT / AS words of its SQL-like form.
 * A field of that name, or with a dotted part of that name, is quoted: a
 * single-quoted name is always a field, so quoting one too many is
 * harmless.
 * Kept sorted: ctix__sg_keyword searches it by halves.
 */
static const char *const spl2_keywords[] = {
  "and", "as", "between", "by", "false", "from", "group", "having", "in", "is", "join", "like",
  "limit", "not", "null", "on", "or", "order", "select", "true", "union", "where", "xor",
};

/*
 * Field names SPL2 reads bare: letters, digits, `_` and `.`, starting with
 * a letter or `_`, no dot-separated part a keyword (any case).
 */
static const sg_plain_rule spl2_names = {
  .first = "_",
  .other = "_",
  .keywords = spl2_keywords,
  .nkeywords = sizeof(spl2_keywords) / sizeof(spl2_keywords[0]),
  .fold = true,
  .loose_parts = true,
};

/*
 * Appends a regular expression between slashes: '\' doubled, '/' escaped,
 * always case-insensitive (as pySigma writes it), with |re|m and |re|s.
 */
static void put_regex(ctix_buf *b, const sg_expr *e)
{
  const char *p;
  ctix__buf_adds(b, "/(?i");
  if (e->flags & SG_RE_M)
    ctix__buf_addc(b, 'm');
  if (e->flags & SG_RE_S)
    ctix__buf_addc(b, 's');
  ctix__buf_addc(b, ')');
  for (p = e->s; p < e->s + e->n; p++) {
    if (*p == '\\' || *p == '/')
      ctix__buf_addc(b, '\\');
    ctix__buf_addc(b, *p);
  }
  ctix__buf_addc(b, '/');
}

/*
 * Appends a LIKE pattern without its quotes: wildcards as `%` / `_`, `\`
 * and `"` escaped for the string, a literal `%` / `_` as `\%` / `\_` (read
 * as the SQL-style LIKE escape; see docs/sigma-convert.md for what the
 * SPL2 documentation leaves open). A placeholder is reported.
 */
static int put_like_bare(sg_render *r, const char *s, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++) {
    char c = s[i];
    if (c == SG_WILD_MULTI || c == SG_WILD_SINGLE) {
      ctix__buf_addc(&r->out, c == SG_WILD_MULTI ? '%' : '_');
      continue;
    }
    if (c == SG_PH_OPEN)
      return ctix__sg_placeholder_error(r, s + i, n - i);
    if (c == '\\' || c == '"' || c == '%' || c == '_')
      ctix__buf_addc(&r->out, '\\');
    ctix__buf_addc(&r->out, c);
  }
  return r->out.err;
}

/* Renders the matches SPL2 writes differently from the table. */
static int spl2_match(sg_render *r, const sg_expr *e, int parent_prec)
{
  int rc;
  (void)parent_prec;
  switch (e->kind) {
  case SG_K_NUM:
    if (e->field)
      return 0;
    ctix__buf_adds(&r->out, "_raw LIKE \"%");
    ctix__buf_add(&r->out, e->s, e->n);
    ctix__buf_adds(&r->out, "%\"");
    return r->out.err ? r->out.err : 1;
  case SG_K_FIELDREF: {
    char other[256];
    if (!e->field)
      return ctix__error_set(r->cx->err, CTIX_EUNSUPPORTED,
                             "splunk_spl2: field references need a field");
    if (e->n >= sizeof(other))
      return ctix__error_set(r->cx->err, CTIX_EUNSUPPORTED,
                             "splunk_spl2: referenced field name too long");
    memcpy(other, e->s, e->n);
    other[e->n] = 0;
    ctix__sg_put_field(r, &r->out, e->field);
    ctix__buf_addc(&r->out, '=');
    ctix__sg_put_field(r, &r->out, other);
    return r->out.err ? r->out.err : 1;
  }
  case SG_K_STR:
    if (!e->field) { /* a keyword: anywhere in the raw event */
      ctix__buf_adds(&r->out, "_raw LIKE \"%");
      rc = put_like_bare(r, e->s, e->n);
      ctix__buf_adds(&r->out, "%\"");
      return rc ? rc : 1;
    }
    if (!ctix__sg_has_wildcard(e->s, e->n))
      return 0;
    ctix__sg_put_field(r, &r->out, e->field);
    ctix__buf_adds(&r->out, " LIKE \"");
    rc = put_like_bare(r, e->s, e->n);
    ctix__buf_addc(&r->out, '"');
    return rc ? rc : 1;
  case SG_K_RE:
    if (!e->field)
      return ctix__error_set(r->cx->err, CTIX_EUNSUPPORTED,
                             "splunk_spl2: regular expressions need a field");
    ctix__buf_adds(&r->out, "match(");
    ctix__sg_put_field(r, &r->out, e->field);
    ctix__buf_adds(&r->out, ", ");
    put_regex(&r->out, e);
    ctix__buf_addc(&r->out, ')');
    return r->out.err ? r->out.err : 1;
  default:
    return 0;
  }
}

/* Keeps values with wildcards (LIKE) out of IN lists. */
static void mark_like(sg_expr *e)
{
  size_t i;
  if (e->op == SG_E_MATCH) {
    if (e->kind == SG_K_STR && ctix__sg_has_wildcard(e->s, e->n))
      e->expansion = true; /* "never joins an IN list"; a match is never grouped */
    return;
  }
  for (i = 0; i < e->nkids; i++)
    mark_like(e->kids[i]);
}

/* True if the generic renderer writes this OR as `F IN (...)`. */
static bool is_in_list(const sg_expr *e)
{
  return !e->expansion && ctix__sg_value_list(e, 0);
}

/*
 * WHERE evaluates NOT, then AND, then OR. An AND or OR of several operands
 * below an operator of the other kind (or below NOT) is grouped, whichever
 * binds tighter: ORs under ANDs need it; ANDs under ORs get the redundant
 * brackets pySigma writes. Modifier expansions (windash, base64offset) are
 * grouped too (pySigma leaves them bare, which changes the meaning under an
 * AND). A single operand is grouped only where SPL's order would do it, as
 * pySigma does.
 */
static int spl2_group(const sg_render *r, const sg_expr *e, int parent_prec)
{
  const sg_target *t = r->t;
  int prec = e->op == SG_E_AND ? t->prec_and : t->prec_or;
  if (e->op == SG_E_NOT || parent_prec == 0 || parent_prec > t->prec_not)
    return e->op == SG_E_NOT ? -1 : 0;
  if (e->nkids < 2) /* SPL's order: OR above AND */
    return (e->op == SG_E_OR ? 2 : 1) < (parent_prec == t->prec_not ? 3
                                         : parent_prec == t->prec_or ? 2 : 1);
  if (is_in_list(e))
    return 0;
  if (e->op == SG_E_OR && e->expansion)
    return parent_prec != t->prec_or;
  return prec != parent_prec;
}

static int spl2_check(sg_render *r, sg_expr **root)
{
  (void)r;
  if (*root)
    mark_like(*root);
  return 0;
}

static int spl2_finish(sg_render *r, ctix_buf *final)
{
  ctix__buf_adds(final, "FROM main");
  if (r->out.len) {
    ctix__buf_adds(final, " WHERE ");
    ctix__buf_add(final, r->out.data, r->out.len);
  }
  return final->err;
}

const sg_target ctix__sg_target_splunk_spl2 = {
  .name = "splunk_spl2",
  .description = "Splunk SPL2 (FROM main WHERE ...)",
  .tok_and = " AND ",
  .tok_or = " OR ",
  .tok_not = "NOT ",
  .group_open = "(",
  .group_close = ")",
  .prec_and = 2,
  .prec_or = 1,
  .prec_not = 3,
  .field_names = &spl2_names,
  .field_quote = '\'',
  .str_quote = '"',
  .escape = '\\',
  .escaped_chars = "\\\"",
  .wild_multi = "%",
  .wild_single = "_",
  .escape_literal_wildcards = false,
  .eq_fmt = "%F=%V",
  .keyword_fmt = "%V",
  .null_fmt = "%F IS NULL",
  .exists_fmt = "isnotnull(%F)",
  .not_exists_fmt = "isnull(%F)",
  .cidr_fmt = "cidrmatch(%V, %F)",
  .bool_true = "true",
  .bool_false = "false",
  .cmp_fmt = {NULL, "%F<%V", "%F<=%V", "%F>%V", "%F>=%V"},
  .or_as_in = true,
  .in_open = "%F IN (",
  .in_sep = ", ",
  .in_close = ")",
  .match_hook = spl2_match,
  .finish_hook = spl2_finish,
  .check_hook = spl2_check,
  .group_hook = spl2_group,
};
