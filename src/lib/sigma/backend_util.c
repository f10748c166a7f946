/*
 * Pieces of query text several Sigma targets write the same way
 * (backend_<name>.c): the ECS keyword-field table, backtick-quoted field
 * names, comparison operators, regular-expression flags and bodies,
 * double-quoted strings with `*` / `?` wildcards, the "one field, a list
 * of values" test of IN-style lists and the finish hook of targets that
 * render the whole query in their check hook (with its operand joining
 * and size check), the "may this field name stand bare" test and wildcard
 * values written as regular expressions. Each target passes what differs
 * as data (its name characters and keywords, its regex metacharacters,
 * which list members it accepts).
 */
#include <string.h>

#include "sigma/sigma_internal.h"
#include "util/str.h"

/*
 * ECS Windows fields that hold keywords although Sigma gives numbers
 * (event ids, every Windows event-data field), as pySigma's ecs_windows
 * pipeline makes them. `.` at the end: a prefix.
 */
static const char *const ecs_keyword_fields[] = {"event.code", "winlog.event_data."};

const char *const ctix__sg_cmp_ops[5] = {NULL, "<", "<=", ">", ">="};

bool ctix__sg_ecs_keyword_field(const char *field)
{
  size_t i, n;
  for (i = 0; field && i < sizeof(ecs_keyword_fields) / sizeof(ecs_keyword_fields[0]); i++) {
    n = strlen(ecs_keyword_fields[i]);
    if (ecs_keyword_fields[i][n - 1] == '.' ? strncmp(field, ecs_keyword_fields[i], n) == 0
                                            : strcmp(field, ecs_keyword_fields[i]) == 0)
      return true;
  }
  return false;
}

void ctix__sg_put_dq_char(ctix_buf *b, char c)
{
  if (c == '\n' || c == '\r' || c == '\t') {
    ctix__buf_adds(b, c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t");
    return;
  }
  if (c == '\\' || c == '"')
    ctix__buf_addc(b, '\\');
  ctix__buf_addc(b, c);
}

bool ctix__sg_keyword(const char *s, size_t n, const char *const *words, size_t nwords,
                      bool fold)
{
  size_t lo = 0, hi = nwords, i;
  if (n == 0 || n > 16) /* no keyword is longer */
    return false;
  while (lo < hi) { /* the words are sorted */
    size_t mid = lo + (hi - lo) / 2;
    const unsigned char *w = (const unsigned char *)words[mid];
    int d = 0;
    for (i = 0; i < n && !d; i++)
      d = (fold ? ctix__lower((unsigned char)s[i]) : (unsigned char)s[i]) - w[i];
    if (!d && w[n])
      d = -1; /* s is a proper prefix of the word */
    if (!d)
      return true;
    if (d < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return false;
}

bool ctix__sg_plain_name(const char *field, const sg_plain_rule *names)
{
  const char *p = field, *part;
  for (;;) {
    part = p;
    if (part == field || !names->loose_parts) {
      if (!ctix__isalpha((unsigned char)*p) && !(*p && strchr(names->first, *p)))
        return false;
      p++;
    }
    for (; ctix__isalnum((unsigned char)*p) || (*p && strchr(names->other, *p)); p++)
      ;
    if (*p && *p != '.')
      return false;
    if (names->nkeywords &&
        ctix__sg_keyword(part, (size_t)(p - part), names->keywords, names->nkeywords,
                         names->fold))
      return false;
    if (!*p)
      return true;
    p++;
  }
}

int ctix__sg_put_field_backtick(ctix_buf *b, const char *field, const sg_plain_rule *names)
{
  return ctix__sg_plain_name(field, names) ? ctix__buf_adds(b, field)
                                           : ctix__sg_put_backticked(b, field);
}

int ctix__sg_put_backticked(ctix_buf *b, const char *field)
{
  const char *p;
  ctix__buf_addc(b, '`');
  for (p = field; *p; p++) {
    if (*p == '`')
      ctix__buf_addc(b, '`');
    ctix__buf_addc(b, *p);
  }
  return ctix__buf_addc(b, '`');
}

void ctix__sg_put_re_flags(ctix_buf *b, unsigned flags)
{
  if (!flags)
    return;
  ctix__buf_adds(b, "(?");
  if (flags & SG_RE_I) ctix__buf_addc(b, 'i');
  if (flags & SG_RE_M) ctix__buf_addc(b, 'm');
  if (flags & SG_RE_S) ctix__buf_addc(b, 's');
  ctix__buf_addc(b, ')');
}

void ctix__sg_put_re_dq(ctix_buf *b, const sg_expr *e, bool breaks)
{
  size_t i;
  ctix__sg_put_re_flags(b, e->flags);
  for (i = 0; i < e->n; i++) {
    if (breaks) {
      ctix__sg_put_dq_char(b, e->s[i]);
      continue;
    }
    if (e->s[i] == '\\' || e->s[i] == '"')
      ctix__buf_addc(b, '\\');
    ctix__buf_addc(b, e->s[i]);
  }
}

int ctix__sg_put_dq_string(sg_render *r, ctix_buf *b, const char *s, size_t n,
                           enum sg_dq_mode mode)
{
  size_t i;
  ctix__buf_addc(b, '"');
  for (i = 0; i < n; i++) {
    char c = s[i];
    if (c == SG_WILD_MULTI || c == SG_WILD_SINGLE) {
      if (mode != SG_DQ_PLAIN)
        ctix__buf_addc(b, c == SG_WILD_MULTI ? '*' : '?');
    } else if (c == SG_PH_OPEN) {
      return ctix__sg_placeholder_error(r, s + i, n - i);
    } else if (mode == SG_DQ_LIKE && (c == '\\' || c == '*' || c == '?')) {
      /* the LIKE escape `\`, itself escaped for the string */
      ctix__buf_adds(b, "\\\\");
      if (c == '\\')
        ctix__buf_adds(b, "\\\\");
      else
        ctix__buf_addc(b, c);
    } else {
      ctix__sg_put_dq_char(b, c); /* a raw line break is refused too */
    }
  }
  return ctix__buf_addc(b, '"');
}

int ctix__sg_put_wild_regex(sg_render *r, ctix_buf *b, const char *s, size_t n,
                             const char *meta)
{
  size_t i;
  for (i = 0; i < n; i++) {
    char c = s[i];
    if (c == SG_WILD_MULTI || c == SG_WILD_SINGLE) {
      ctix__buf_adds(b, c == SG_WILD_MULTI ? ".*" : ".");
    } else if (c == SG_PH_OPEN) {
      return ctix__sg_placeholder_error(r, s + i, n - i);
    } else {
      if (c && strchr(meta, c))
        ctix__sg_put_dq_char(b, '\\'); /* the regex escape, escaped for the string */
      ctix__sg_put_dq_char(b, c);
    }
  }
  return b->err;
}

bool ctix__sg_has_wildcard(const char *s, size_t n)
{
  return memchr(s, SG_WILD_MULTI, n) || memchr(s, SG_WILD_SINGLE, n);
}

bool ctix__sg_value_list(const sg_expr *e, unsigned accept)
{
  size_t i;
  if ((e->op != SG_E_OR && !(e->op == SG_E_AND && (accept & SG_VL_AND))) || e->nkids < 2)
    return false;
  for (i = 0; i < e->nkids; i++) {
    const sg_expr *k = e->kids[i];
    if (k->op != SG_E_MATCH || (k->kind != SG_K_STR && k->kind != SG_K_NUM) || !k->field ||
        (k->cased && !(accept & SG_VL_CASED)) || (k->expansion && !(accept & SG_VL_EXPANDED)) ||
        strcmp(k->field, e->kids[0]->field) != 0)
      return false;
  }
  return true;
}

int ctix__sg_finish_head(sg_render *r, ctix_buf *final)
{
  ctix__buf_add(final, r->head.data ? r->head.data : "", r->head.len);
  return final->err;
}

int ctix__sg_size_error(sg_render *r, const ctix_buf *b, int rc)
{
  if (!rc && b->err)
    rc = ctix__error_set(r->cx->err, CTIX_ETOOBIG, "query larger than %u bytes",
                         (unsigned)SG_MAX_QUERY);
  return rc;
}

int ctix__sg_join_kids(sg_render *r, ctix_buf *b, const sg_expr *e, sg_node_fn node, int ctx)
{
  size_t i;
  int rc = 0;
  for (i = 0; i < e->nkids && !rc; i++) {
    if (i)
      ctix__buf_adds(b, e->op == SG_E_AND ? r->t->tok_and : r->t->tok_or);
    rc = node(r, b, e->kids[i], ctx);
  }
  return rc;
}

int ctix__sg_render_head(sg_render *r, sg_expr **root, const char *prefix, sg_node_fn node,
                         int ctx)
{
  int rc;
  ctix__buf_adds(&r->head, prefix);
  rc = *root ? node(r, &r->head, *root, ctx) : 0;
  *root = NULL;
  return rc;
}
