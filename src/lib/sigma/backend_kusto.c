/*
 * Microsoft KQL (Kusto) target, as pySigma's kusto backend writes it for
 * Microsoft Defender XDR advanced hunting, Sentinel (ASIM) and Azure Monitor:
 * `TABLE\n| where EXPR`, where the table is chosen by a pipeline
 * (`set_table`, kept in sg_ctx.table; without one the bare expression is
 * written). Operators: `and`, `or`, `not(...)`; every compound operand of
 * an operator is parenthesised (modifier expansions under an OR are not).
 * Strings are double-quoted with `\` escaping `\` and `"`; a value with a
 * leading and/or trailing `*` becomes `contains` / `startswith` /
 * `endswith`, a plain one `=~`, one with a wildcard inside a regex. ORs
 * (ANDs) of values of one field become `F in~ ("a", "b")` (`has_all`) for
 * the plain values, then the wildcard ones, an inner wildcard splitting a
 * value into `(F contains "a" and F contains "b")`.
 * Regular expressions are `F matches regex "..."` (flags as `(?ims)`),
 * CIDR ranges `ipv4_is_in_range(F, "net")`, null `isnull(F)`, exists
 * `isnotempty(F)` / `isempty(F)`, numbers `F == 1`, comparisons `F < 1`.
 * Field references are refused. The whole tree is rendered by this file's
 * check hook, so the generic renderer only sees an empty tree.
 */
#include <stdio.h>
#include <string.h>

#include "sigma/sigma_internal.h"
#include "util/str.h"

/*
 * Appends a wildcard `*` to a string being written; like pySigma, an
 * escaped character right before it (`\*`) loses its backslash. (A
 * literal `*` is written as is.)
 */
static void k_star(ctix_buf *b, size_t start)
{
  if (b->len > start && b->data[b->len - 1] == '\\')
    b->len--;
  ctix__buf_addc(b, '*');
}

/*
 * Appends one piece of a value split at its wildcards as pySigma does: the
 * piece is read again as Sigma text, so `\\`, `\*` and `\?` lose their
 * backslash.
 */
static void k_part(ctix_buf *b, const char *s, size_t n)
{
  size_t i, start;
  ctix__buf_addc(b, '"');
  start = b->len;
  for (i = 0; i < n; i++) {
    char c = s[i];
    if (c == '\\' && i + 1 < n && (s[i + 1] == '\\' || s[i + 1] == '*' || s[i + 1] == '?'))
      c = s[++i];
    else if (c == '*' || c == '?') { /* an unescaped one is a wildcard now */
      k_star(b, start);
      continue;
    }
    ctix__sg_put_dq_char(b, c);
  }
  ctix__buf_addc(b, '"');
}

/* True if a string value holds a wildcard other than at its ends. */
static bool k_inner_wild(const char *s, size_t n)
{
  return n > 2 && ctix__sg_has_wildcard(s + 1, n - 2);
}

/* Appends a quoted KQL string: `\` and `"` escaped, wildcards as `*`. */
static void k_str(ctix_buf *b, const char *s, size_t n)
{
  size_t i, start;
  ctix__buf_addc(b, '"');
  start = b->len;
  for (i = 0; i < n; i++) {
    char c = s[i];
    if (c == SG_WILD_MULTI || c == SG_WILD_SINGLE) {
      k_star(b, start);
      continue;
    }
    ctix__sg_put_dq_char(b, c);
  }
  ctix__buf_addc(b, '"');
}

/* Records an unhandled-placeholder error (ctix__sg_placeholder_error) when the
 * string holds a placeholder the pipelines left; 0 otherwise. */
static int k_placeholder(sg_render *r, const sg_expr *e)
{
  const char *p = memchr(e->s, SG_PH_OPEN, e->n);
  return p ? ctix__sg_placeholder_error(r, p, e->n - (size_t)(p - e->s)) : 0;
}

/* Regular-expression metacharacters escaped in a regex built from a wildcard value. */
#define K_RE_META "\\.^$*+?{}[]|()"

/*
 * KQL keywords and operator words (case-sensitive): a dot-separated part
 * of a field name spelled so cannot stand bare (`or =~ "x"` does not
 * parse) and is written `['or']`. More words than the grammar strictly
 * reserves: a quoted part means the same.
 * Kept sorted: ctix__sg_keyword searches it by halves.
 */
static const char *const k_keywords[] = {
  "and", "as", "asc", "between", "bool", "by", "contains", "count", "datatable", "datetime",
  "decimal", "desc", "distinct", "dynamic", "endswith", "evaluate", "extend", "false", "find",
  "from", "guid", "has", "in", "int", "into", "invoke", "join", "let", "limit", "long",
  "matches", "not", "null", "of", "on", "or", "order", "parse", "print", "project", "range",
  "real", "regex", "sample", "search", "sort", "startswith", "string", "summarize", "table",
  "take", "time", "timespan", "to", "top", "true", "typeof", "union", "where", "with",
};

/* True if the part [p, p + n) of a field name is a KQL keyword. */
static bool k_keyword(const char *p, size_t n)
{
  return ctix__sg_keyword(p, n, k_keywords, sizeof(k_keywords) / sizeof(k_keywords[0]), false);
}

/*
 * A plain dotted field name with each part that is a keyword as `['part']`
 * (`or` -> `['or']`, `a.or` -> `a['or']`, an index on the dynamic value):
 * the other dots stay property accesses. The name
 * itself when no part is a keyword; "" (error set) when out of memory.
 */
static const char *k_field_keywords(sg_render *r, const char *f)
{
  const char *p, *part;
  char *q, *out;
  size_t quoted = 0;
  for (p = f;; p++) {
    for (part = p; *p && *p != '.'; p++)
      ;
    quoted += k_keyword(part, (size_t)(p - part));
    if (!*p)
      break;
  }
  if (!quoted)
    return f;
  out = ctix__arena_alloc(r->cx->arena, (size_t)(p - f) + 4 * quoted + 1);
  if (!out) {
    ctix__error_set(r->cx->err, CTIX_ENOMEM, "out of memory");
    return "";
  }
  q = out;
  for (p = f;; p++) {
    bool kw;
    for (part = p; *p && *p != '.'; p++)
      ;
    kw = k_keyword(part, (size_t)(p - part));
    if (kw && q > out)
      q--; /* `a['or']`: the index replaces the dot */
    if (kw)
      *q++ = '[', *q++ = '\'';
    memcpy(q, part, (size_t)(p - part));
    q += p - part;
    if (kw)
      *q++ = '\'', *q++ = ']';
    if (!*p)
      break;
    *q++ = '.';
  }
  *q = 0;
  return out;
}

/*
 * Field names KQL reads bare: dot-separated parts of letters, digits and
 * `_`, none starting with a digit. Keywords are plain too: k_field_keywords
 * quotes them part by part.
 */
static const sg_plain_rule k_names = {.first = "_", .other = "_"};

/*
 * The field name as KQL reads it: dot-separated parts of letters, digits
 * and `_`, none starting with a digit, as it is (a part that is a
 * keyword quoted as k_field_keywords says); anything else as
 * `['name']` with `'` and `\\` escaped, as KQL asks of names with special
 * characters (bare, `cs-uri` would read as cs minus uri; `1day` is a
 * timespan literal) and so that a hostile field name cannot end the
 * comparison. NULL stays NULL; out of memory sets the conversion's error
 * and gives "".
 */
static const char *k_field(sg_render *r, const char *f)
{
  const char *p;
  char *q, *out;
  size_t extra = 0;
  if (!f)
    return NULL;
  if (ctix__sg_plain_name(f, &k_names))
    return k_field_keywords(r, f);
  for (p = f; *p; p++)
    extra += *p == '\'' || *p == '\\';
  out = ctix__arena_alloc(r->cx->arena, (size_t)(p - f) + extra + 5);
  if (!out) {
    ctix__error_set(r->cx->err, CTIX_ENOMEM, "out of memory");
    return "";
  }
  q = out;
  *q++ = '[', *q++ = '\'';
  for (p = f; *p; p++) {
    if (*p == '\'' || *p == '\\')
      *q++ = '\\';
    *q++ = *p;
  }
  *q++ = '\'', *q++ = ']', *q = 0;
  return out;
}

/* Renders a string match: contains / startswith / endswith / =~ (cased: _cs / ==). */
static int k_strmatch(sg_render *r, const sg_expr *e)
{
  ctix_buf *b = &r->out;
  const char *s = e->s;
  size_t n = e->n;
  bool lead, trail;
  const char *op;
  int rc = k_placeholder(r, e);
  if (rc)
    return rc;
  if (e->field && k_inner_wild(s, n)) {
    ctix__buf_addf(b, "%s matches regex \"", k_field(r, e->field));
    ctix__sg_put_wild_regex(r, b, s, n, K_RE_META); /* no placeholder: checked above */
    ctix__buf_addc(b, '"');
    return 0;
  }
  lead = n > 0 && s[0] == SG_WILD_MULTI;
  trail = n > 1 && s[n - 1] == SG_WILD_MULTI;
  if (!e->field) {
    if (lead)
      s++, n--;
    if (trail)
      n--;
    k_str(b, s, n);
    return 0;
  }
  if (n == 1 && lead)
    op = e->cased ? " startswith_cs " : " startswith ", n = 0;
  else if (lead && trail)
    op = e->cased ? " contains_cs " : " contains ", s++, n -= 2;
  else if (lead)
    op = e->cased ? " endswith_cs " : " endswith ", s++, n--;
  else if (trail)
    op = e->cased ? " startswith_cs " : " startswith ", n--;
  else
    op = e->cased ? " == " : " =~ ";
  ctix__buf_adds(b, k_field(r, e->field));
  ctix__buf_adds(b, op);
  k_str(b, s, n);
  return 0;
}

/*
 * Appends a regular expression as a KQL string with its flags in front,
 * line breaks as `\n` `\r` (a KQL string literal cannot hold them raw).
 */
static void k_regex(ctix_buf *b, const sg_expr *e)
{
  ctix__buf_addc(b, '"');
  ctix__sg_put_re_dq(b, e, true);
  ctix__buf_addc(b, '"');
}

/* Renders one match. */
static int k_match(sg_render *r, const sg_expr *e)
{
  ctix_buf *b = &r->out;
  const char *f = k_field(r, e->field);
  if (!f && e->kind != SG_K_STR && e->kind != SG_K_NUM && e->kind != SG_K_BOOL)
    return ctix__error_set(r->cx->err, CTIX_EUNSUPPORTED,
                           "kusto: this kind of match is not supported without a field");
  switch (e->kind) {
  case SG_K_STR:
    return k_strmatch(r, e);
  case SG_K_NUM:
  case SG_K_BOOL:
    if (f)
      ctix__buf_addf(b, "%s == ", f);
    if (e->kind == SG_K_BOOL)
      ctix__buf_adds(b, e->n == 4 ? "true" : "false");
    else
      ctix__buf_add(b, e->s, e->n);
    return 0;
  case SG_K_NULL:
    ctix__buf_addf(b, "isnull(%s)", f);
    return 0;
  case SG_K_EXISTS:
    ctix__buf_addf(b, e->flags ? "isnotempty(%s)" : "isempty(%s)", f);
    return 0;
  case SG_K_RE:
    ctix__buf_addf(b, "%s matches regex ", f);
    k_regex(b, e);
    return 0;
  case SG_K_CIDR:
    ctix__buf_addf(b, "%s(%s, ", memchr(e->s, ':', e->n) ? "ipv6_is_in_range" : "ipv4_is_in_range",
                   f);
    k_str(b, e->s, e->n);
    ctix__buf_addc(b, ')');
    return 0;
  case SG_K_CMP:
    if (e->flags < 1 || e->flags > 4)
      break;
    ctix__buf_addf(b, "%s %s ", f, ctix__sg_cmp_ops[e->flags]);
    ctix__buf_add(b, e->s, e->n);
    return 0;
  case SG_K_FIELDREF:
    return ctix__error_set(r->cx->err, CTIX_EUNSUPPORTED,
                           "kusto: field reference expressions (|fieldref) are not supported");
  }
  return ctix__error_set(r->cx->err, CTIX_EUNSUPPORTED, "kusto: this kind of match is not supported");
}

/*
 * True if an AND / OR is a list of string or number values of one field
 * (rendered as `F in~ (...)` / `F has_all (...)` plus the wildcard values).
 */
static bool k_can_in(const sg_expr *e)
{
  size_t i;
  if (e->expansion || !ctix__sg_value_list(e, SG_VL_AND))
    return false;
  for (i = 0; i < e->nkids; i++)
    if (e->kids[i]->kind == SG_K_STR && memchr(e->kids[i]->s, SG_PH_OPEN, e->kids[i]->n))
      return false;
  return true;
}

/*
 * A value list of one field: the plain values as one `in~` (OR) or
 * `has_all` (AND) list first, then each wildcard value; a value with an
 * inner wildcard becomes `(F contains "a" and F contains "b")`.
 */
static int k_in_list(sg_render *r, const sg_expr *e)
{
  ctix_buf *b = &r->out;
  const char *f = k_field(r, e->kids[0]->field), *sep = e->op == SG_E_OR ? " or " : " and ";
  size_t i, nplain = 0;
  bool first = true;
  int rc = 0;
  for (i = 0; i < e->nkids; i++) {
    const sg_expr *k = e->kids[i];
    if (k->kind == SG_K_STR && ctix__sg_has_wildcard(k->s, k->n))
      continue;
    ctix__buf_adds(b, nplain++ ? ", " : "");
    if (nplain == 1)
      ctix__buf_addf(b, "%s %s (", f, e->op == SG_E_OR ? "in~" : "has_all");
    k_str(b, k->s, k->n);
  }
  if (nplain) {
    ctix__buf_addc(b, ')');
    first = false;
  }
  for (i = 0; i < e->nkids && !rc; i++) {
    const sg_expr *k = e->kids[i];
    if (k->kind != SG_K_STR || !ctix__sg_has_wildcard(k->s, k->n))
      continue;
    if (!first)
      ctix__buf_adds(b, sep);
    first = false;
    if (k_inner_wild(k->s, k->n)) {
      size_t st = 0, j, parts = 0;
      ctix__buf_addc(b, '(');
      for (j = 0; j <= k->n; j++) {
        if (j < k->n && k->s[j] != SG_WILD_MULTI && k->s[j] != SG_WILD_SINGLE)
          continue;
        if (j > st) {
          ctix__buf_addf(b, "%s%s contains ", parts++ ? " and " : "", f);
          k_part(b, k->s + st, j - st);
        }
        st = j + 1;
      }
      ctix__buf_addc(b, ')');
    } else {
      rc = k_strmatch(r, k);
    }
  }
  return rc;
}

/* Renders a subtree below `parent` (NULL at the top). */
static int k_render(sg_render *r, const sg_expr *e, const sg_expr *parent)
{
  ctix_buf *b = &r->out;
  bool group;
  size_t i;
  int rc = 0;
  if (e->op == SG_E_MATCH)
    return k_match(r, e);
  if ((e->op == SG_E_AND || e->op == SG_E_OR) && e->nkids == 1)
    return k_render(r, e->kids[0], e);
  group = parent && !(e->op == SG_E_OR && e->expansion &&
                      (parent->op == SG_E_OR || parent->op == SG_E_NOT));
  if (group)
    ctix__buf_addc(b, '(');
  if (k_can_in(e)) {
    rc = k_in_list(r, e);
  } else if (e->op == SG_E_NOT) {
    ctix__buf_adds(b, "not(");
    rc = k_render(r, e->kids[0], e);
    ctix__buf_addc(b, ')');
  } else {
    for (i = 0; i < e->nkids && !rc; i++) {
      if (i)
        ctix__buf_adds(b, e->op == SG_E_AND ? " and " : " or ");
      rc = k_render(r, e->kids[i], e);
    }
  }
  if (group)
    ctix__buf_addc(b, ')');
  if (!rc && b->err)
    rc = ctix__error_set(r->cx->err, CTIX_ETOOBIG, "query too large");
  return rc;
}

/* Renders the whole tree (the generic renderer then sees nothing). */
static int kusto_check(sg_render *r, sg_expr **root)
{
  int rc;
  if (!*root)
    return ctix__error_set(r->cx->err, CTIX_EUNSUPPORTED,
                           "kusto: no condition left after the pipelines");
  rc = k_render(r, *root, NULL);
  *root = NULL;
  return rc;
}

/* `TABLE\n| where EXPR` when a pipeline chose a table, else the expression. */
static int kusto_finish(sg_render *r, ctix_buf *final)
{
  if (r->cx->table) {
    ctix__buf_adds(final, r->cx->table);
    ctix__buf_adds(final, "\n| where ");
  }
  ctix__buf_add(final, r->out.data ? r->out.data : "", r->out.len);
  return final->err;
}

const sg_target ctix__sg_target_kusto = {
  .name = "kusto",
  .description = "Microsoft KQL (Defender XDR, Sentinel, Azure Monitor): TABLE | where ...",
  .check_hook = kusto_check,
  .finish_hook = kusto_finish,
};
