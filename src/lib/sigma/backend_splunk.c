/*
 * Splunk SPL target. The table gives SPL's search syntax: implicit AND
 * (a space) binds weaker than OR, so ANDs inside ORs are grouped and ORs
 * inside ANDs are not; values are double-quoted with '\' escaping '\' and
 * '"', and a literal '*' is escaped; ORs over one field become `F IN (...)`.
 * Hooks: a regular expression becomes a `| rex` + `| eval` prelude and a
 * `FieldCondition="true"` test in the search; field references (|fieldref)
 * become a trailing `| where 'A'='B'` and are refused under OR or NOT.
 */
#include <stdio.h>
#include <string.h>

#include "sigma/sigma_internal.h"
#include "util/str.h"

/* Name of the n-th generated match variable of a field: F, F2, F3, ... */
static unsigned next_index(sg_render *r, const char *field)
{
  size_t i;
  for (i = 0; i < r->nnames; i++)
    if (strcmp(r->names[i], field) == 0)
      return ++r->counts[i];
  if (r->nnames < sizeof(r->names) / sizeof(r->names[0])) {
    r->names[r->nnames] = field;
    r->counts[r->nnames++] = 1;
  }
  return 1;
}

static int splunk_match(sg_render *r, const sg_expr *e, int parent_prec)
{
  unsigned k;
  char num[16] = "";
  if (e->kind != SG_K_RE)
    return 0;
  if (!e->field)
    return ctix__error_set(r->cx->err, CTIX_EUNSUPPORTED,
                           "splunk: regular expressions need a field");
  k = next_index(r, e->field);
  if (k > 1)
    snprintf(num, sizeof(num), "%u", k);
  ctix__buf_addf(&r->pre, "\n| rex field=%s \"(?<%sMatch%s>", e->field, e->field, num);
  ctix__sg_put_re_dq(&r->pre, e, false);
  ctix__buf_addf(&r->pre,
                 ")\"\n| eval %sCondition%s=if(isnotnull(%sMatch%s), \"true\", \"false\")",
                 e->field, num, e->field, num);
  ctix__buf_addf(&r->out, "%sCondition%s=\"true\"", e->field, num);
  return r->pre.err ? r->pre.err : 1;
}

/*
 * Characters a field name may not hold where the query writes it bare
 * (`rex field=F`, `| regex F=`, the names of the match variables, `| where
 * 'A'='B'`): a quote, a space or an operator there would change what the
 * query says.
 */
#define SPL_BARE_STOP "\"' \t\r\n=!<>()[]{},;|`\\"

/* 0, or CTIX_EUNSUPPORTED when name[0..n) cannot be written bare. */
static int bare_name(sg_render *r, const char *name, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (!name[i] || strchr(SPL_BARE_STOP, name[i]))
      return ctix__error_set(r->cx->err, CTIX_EUNSUPPORTED,
                             "splunk: field name '%.*s' cannot be written in a regex or "
                             "field-reference clause",
                             (int)n, name);
  return 0;
}

/*
 * Finds field references; refuses them below OR / NOT. Refuses the field
 * names that regex and field-reference clauses would write bare and that
 * cannot stand so.
 */
static int scan_fieldref(sg_render *r, const sg_expr *e, bool in_or, bool in_not)
{
  size_t i;
  int rc = 0;
  if (e->op == SG_E_MATCH) {
    if (e->kind == SG_K_RE && e->field)
      return bare_name(r, e->field, strlen(e->field));
    if (e->kind != SG_K_FIELDREF)
      return 0;
    if ((rc = bare_name(r, e->field, e->field ? strlen(e->field) : 0)) ||
        (rc = bare_name(r, e->s, e->n)))
      return rc;
    if (in_or)
      return ctix__error_set(r->cx->err, CTIX_EUNSUPPORTED,
                             "ORing FieldRef matching is not yet supported by Splunk backend");
    if (in_not)
      return ctix__error_set(r->cx->err, CTIX_EUNSUPPORTED,
                             "negated FieldRef matching is not supported by the Splunk backend");
    return 0;
  }
  for (i = 0; i < e->nkids && !rc; i++)
    rc = scan_fieldref(r, e->kids[i], in_or || (e->op == SG_E_OR && e->nkids > 1),
                       in_not || e->op == SG_E_NOT);
  return rc;
}

/* `| regex F="..."` (F!= when negated) for a regular expression ANDed at the top. */
static void regex_clause(sg_render *r, const sg_expr *e, bool neg)
{
  ctix__buf_addf(&r->post, "\n| regex %s%s", e->field, neg ? "!=\"" : "=\"");
  ctix__sg_put_re_dq(&r->post, e, false);
  ctix__buf_addc(&r->post, '"');
}

/*
 * Moves what sits under ANDs only (from the top) out of the search, in
 * order: regular expressions become `| regex` (negated: `!=`), field
 * references `| where 'A'='B'`. Emptied ANDs disappear.
 */
static void pull(sg_render *r, sg_expr **slot, bool negated, bool regex)
{
  sg_expr *e = *slot;
  size_t i, o = 0;
  if (!e)
    return;
  if (e->op == SG_E_MATCH) {
    if (e->kind == SG_K_FIELDREF) {
      ctix__buf_addf(&r->post, "\n| where '%s'='%.*s'", e->field, (int)e->n, e->s);
      *slot = NULL;
    } else if ((regex || !negated) && e->kind == SG_K_RE && e->field) {
      /* like pySigma: only a NOT directly above negates the clause */
      regex_clause(r, e, negated);
      *slot = NULL;
    }
    return;
  }
  if (e->op == SG_E_NOT) {
    pull(r, &e->kids[0], true, regex);
    if (!e->kids[0])
      *slot = NULL;
    return;
  }
  if (e->op != SG_E_AND && !(e->op == SG_E_OR && e->nkids == 1))
    return;
  for (i = 0; i < e->nkids; i++) {
    pull(r, &e->kids[i], false, regex);
    if (e->kids[i])
      e->kids[o++] = e->kids[i];
  }
  e->nkids = o;
  if (o == 0)
    *slot = NULL;
}

/* True if a regular expression sits below an OR of several operands. */
static bool regex_in_or(const sg_expr *e, bool in_or)
{
  size_t i;
  if (e->op == SG_E_MATCH)
    return in_or && e->kind == SG_K_RE;
  for (i = 0; i < e->nkids; i++)
    if (regex_in_or(e->kids[i], in_or || (e->op == SG_E_OR && e->nkids > 1)))
      return true;
  return false;
}

/*
 * Field references become `| where`; regular expressions under ANDs only
 * become `| regex` clauses, negated ones (`!=`) only when no regular
 * expression sits under an OR (those go through the rex/eval prelude).
 */
static int splunk_check(sg_render *r, sg_expr **root)
{
  int rc = scan_fieldref(r, *root, false, false);
  if (!rc)
    pull(r, root, false, !regex_in_or(*root, false));
  return rc ? rc : r->post.err;
}

/* Length of the leading run of `field=value` terms (not XCondition="true"). */
static size_t plain_head(const char *s, size_t n)
{
  size_t i = 0, end = 0;
  while (i < n) {
    size_t st = i, f = i;
    bool cond;
    while (f < n && (ctix__isalnum((unsigned char)s[f]) || s[f] == '_' || s[f] == '.'))
      f++;
    if (f == st || f >= n || s[f] != '=')
      break;
    cond = f - st >= 9 && memcmp(s + f - 9, "Condition", 9) == 0;
    if (!cond && f - st > 9) {
      size_t d = f;
      while (d > st && s[d - 1] >= '0' && s[d - 1] <= '9')
        d--;
      cond = d != f && d - st >= 9 && memcmp(s + d - 9, "Condition", 9) == 0;
    }
    i = f + 1;
    if (i < n && s[i] == '"') {
      for (i++; i < n && s[i] != '"'; i++)
        if (s[i] == '\\')
          i++;
      if (i >= n)
        break;
      i++;
    } else {
      while (i < n && s[i] != ' ')
        i++;
    }
    if (cond || (i < n && s[i] != ' '))
      break;
    end = i;
    if (i < n)
      i++;
  }
  return end;
}

static int splunk_finish(sg_render *r, ctix_buf *final)
{
  const char *q = r->out.data ? r->out.data : "";
  size_t h = 0;
  if (r->pre.len) {
    h = plain_head(q, r->out.len);
    ctix__buf_add(final, q, h);
    ctix__buf_add(final, r->pre.data, r->pre.len);
    ctix__buf_adds(final, "\n| search ");
    if (h < r->out.len && q[h] == ' ')
      h++;
  }
  ctix__buf_add(final, q + h, r->out.len - h);
  if (!r->pre.len && r->out.len == 0)
    ctix__buf_addc(final, '*');
  if (r->post.len)
    ctix__buf_add(final, r->post.data, r->post.len);
  return final->err;
}

const sg_target ctix__sg_target_splunk = {
  .name = "splunk",
  .description = "Splunk SPL search (savedsearch query text)",
  .tok_and = " ",
  .tok_or = " OR ",
  .tok_not = "NOT ",
  .group_open = "(",
  .group_close = ")",
  .prec_and = 1,
  .prec_or = 2,
  .prec_not = 3,
  .field_plain_chars = "_.",
  .field_quote = '"',
  .str_quote = '"',
  .escape = '\\',
  .escaped_chars = "\\\"",
  .wild_multi = "*",
  .wild_single = "*",
  .escape_literal_wildcards = true,
  .eq_fmt = "%F=%V",
  .keyword_fmt = "%V",
  .null_fmt = "NOT %F=*",
  .exists_fmt = "%F=*",
  .not_exists_fmt = "NOT %F=*",
  .cidr_fmt = "%F=%V",
  .bool_true = "true",
  .bool_false = "false",
  .cmp_fmt = {NULL, "%F<%V", "%F<=%V", "%F>%V", "%F>=%V"},
  .or_as_in = true,
  .in_open = "%F IN (",
  .in_sep = ", ",
  .in_close = ")",
  .match_hook = splunk_match,
  .finish_hook = splunk_finish,
  .check_hook = splunk_check,
};
