/*
 * The Sigma condition language: `and`, `or`, `not`, parentheses,
 * `1 of X`, `all of X` (X a detection name, a name pattern with '*', or
 * `them`) and plain detection names, with the usual precedence
 * (not > and > or). Parsed by recursive descent into sg_cond nodes; errors
 * give the line and column of the offending token in the rule. The
 * deprecated aggregation syntax (`| count() ...`) is refused with a hint.
 */
#include <string.h>

#include "sigma/sigma_internal.h"
#include "util/str.h"

typedef enum { T_END, T_LP, T_RP, T_WORD, T_PIPE, T_BAD } ttype;

typedef struct cparser {
  const char *s;
  size_t pos, n;
  ttype t;           /* current token */
  size_t tpos, tlen;
  ctix_arena *arena;
  ctix_error *err;
  unsigned line, col;
  unsigned depth;
} cparser;

static bool word_char(unsigned char c)
{
  return ctix__isalnum(c) || c == '_' || c == '*' || c == '-' || c == '.' || c == '?' || c >= 0x80;
}

static void next(cparser *p)
{
  while (p->pos < p->n && ctix__isspace((unsigned char)p->s[p->pos]))
    p->pos++;
  p->tpos = p->pos;
  p->tlen = 0;
  if (p->pos >= p->n) {
    p->t = T_END;
    return;
  }
  switch (p->s[p->pos]) {
  case '(':
    p->t = T_LP;
    p->tlen = 1;
    break;
  case ')':
    p->t = T_RP;
    p->tlen = 1;
    break;
  case '|':
    p->t = T_PIPE;
    p->tlen = 1;
    break;
  default:
    if (!word_char((unsigned char)p->s[p->pos])) {
      p->t = T_BAD;
      p->tlen = 1;
      break;
    }
    p->t = T_WORD;
    while (p->pos + p->tlen < p->n && word_char((unsigned char)p->s[p->pos + p->tlen]))
      p->tlen++;
  }
  p->pos += p->tlen;
}

static bool is_kw(const cparser *p, const char *kw)
{
  return p->t == T_WORD && ctix__mem_ieq(p->s + p->tpos, p->tlen, kw);
}

static int fail(cparser *p, const char *what)
{
  char tok[48];
  size_t n = p->tlen < sizeof(tok) - 1 ? p->tlen : sizeof(tok) - 1;
  memcpy(tok, p->s + p->tpos, n);
  tok[n] = 0;
  return ctix__error_set_lc(p->err, CTIX_EPARSE, p->line, p->col + (unsigned)p->tpos,
                            "condition: %s%s%s%s", what, p->t == T_END ? " at the end" : " near '",
                            p->t == T_END ? "" : tok, p->t == T_END ? "" : "'");
}

static sg_cond *node(cparser *p, sg_cop op, size_t at)
{
  sg_cond *c = ctix__arena_calloc(p->arena, 1, sizeof(*c));
  if (c) {
    c->op = op;
    c->col = (unsigned)at + 1;
  }
  return c;
}

static int parse_or(cparser *p, sg_cond **out);

static int parse_primary(cparser *p, sg_cond **out)
{
  size_t at = p->tpos;
  int rc;
  if (p->t == T_LP) {
    if (++p->depth > SG_MAX_COND_DEPTH)
      return ctix__error_set_lc(p->err, CTIX_ETOOBIG, p->line, p->col + (unsigned)at,
                                "condition nested deeper than %d levels", SG_MAX_COND_DEPTH);
    next(p);
    rc = parse_or(p, out);
    if (rc)
      return rc;
    if (p->t != T_RP)
      return fail(p, "expected ')'");
    p->depth--;
    (*out)->paren = true;
    next(p);
    return 0;
  }
  if (p->t == T_PIPE)
    return fail(p, "aggregations ('|') are not supported, use a correlation rule");
  if (p->t != T_WORD)
    return fail(p, "expected a detection name");
  if (is_kw(p, "and") || is_kw(p, "or") || is_kw(p, "of") || is_kw(p, "them"))
    return fail(p, "expected a detection name");
  if (is_kw(p, "1") || is_kw(p, "all") || is_kw(p, "any")) {
    sg_cop op = is_kw(p, "all") ? SG_C_ALL_OF : SG_C_ONE_OF;
    size_t save_pos = p->pos;
    ttype save_t = p->t;
    size_t save_tpos = p->tpos, save_tlen = p->tlen;
    next(p);
    if (is_kw(p, "of")) {
      next(p);
      if (p->t != T_WORD || is_kw(p, "and") || is_kw(p, "or") || is_kw(p, "not"))
        return fail(p, "expected a name pattern or 'them' after 'of'");
      *out = node(p, op, at);
      if (!*out)
        return ctix__error_set(p->err, CTIX_ENOMEM, "out of memory");
      (*out)->name = ctix__arena_strndup(p->arena, p->s + p->tpos, p->tlen);
      next(p);
      return (*out)->name ? 0 : ctix__error_set(p->err, CTIX_ENOMEM, "out of memory");
    }
    /* not a quantifier: a detection literally named "1" or "all" */
    p->pos = save_pos;
    p->t = save_t;
    p->tpos = save_tpos;
    p->tlen = save_tlen;
  }
  *out = node(p, SG_C_REF, at);
  if (!*out)
    return ctix__error_set(p->err, CTIX_ENOMEM, "out of memory");
  (*out)->name = ctix__arena_strndup(p->arena, p->s + p->tpos, p->tlen);
  if (!(*out)->name)
    return ctix__error_set(p->err, CTIX_ENOMEM, "out of memory");
  if (strchr((*out)->name, '*'))
    return fail(p, "a name pattern needs '1 of' or 'all of'");
  next(p);
  return 0;
}

static int parse_not(cparser *p, sg_cond **out)
{
  if (is_kw(p, "not")) {
    size_t at = p->tpos;
    int rc;
    if (++p->depth > SG_MAX_COND_DEPTH)
      return ctix__error_set_lc(p->err, CTIX_ETOOBIG, p->line, p->col + (unsigned)at,
                                "condition nested deeper than %d levels", SG_MAX_COND_DEPTH);
    next(p);
    *out = node(p, SG_C_NOT, at);
    if (!*out)
      return ctix__error_set(p->err, CTIX_ENOMEM, "out of memory");
    rc = parse_not(p, &(*out)->a);
    p->depth--;
    return rc;
  }
  return parse_primary(p, out);
}

static int parse_and(cparser *p, sg_cond **out)
{
  int rc = parse_not(p, out);
  while (!rc && is_kw(p, "and")) {
    sg_cond *c = node(p, SG_C_AND, p->tpos);
    if (!c)
      return ctix__error_set(p->err, CTIX_ENOMEM, "out of memory");
    next(p);
    c->a = *out;
    rc = parse_not(p, &c->b);
    *out = c;
  }
  return rc;
}

static int parse_or(cparser *p, sg_cond **out)
{
  int rc = parse_and(p, out);
  while (!rc && is_kw(p, "or")) {
    sg_cond *c = node(p, SG_C_OR, p->tpos);
    if (!c)
      return ctix__error_set(p->err, CTIX_ENOMEM, "out of memory");
    next(p);
    c->a = *out;
    rc = parse_and(p, &c->b);
    *out = c;
  }
  return rc;
}

int ctix__sg_cond_parse(sg_cond **out, ctix_arena *arena, const char *s, unsigned line,
                        unsigned col, ctix_error *err)
{
  cparser p;
  int rc;
  *out = NULL;
  memset(&p, 0, sizeof(p));
  p.s = s;
  p.n = strlen(s);
  p.arena = arena;
  p.err = err;
  p.line = line;
  p.col = col;
  if (p.n > SG_MAX_COND)
    return ctix__error_set_lc(err, CTIX_ETOOBIG, line, col, "condition longer than %d bytes",
                              SG_MAX_COND);
  next(&p);
  if (p.t == T_END)
    return ctix__error_set_lc(err, CTIX_EPARSE, line, col, "empty condition");
  rc = parse_or(&p, out);
  if (!rc && p.t != T_END)
    rc = fail(&p, p.t == T_PIPE ? "aggregations ('|') are not supported, use a correlation rule"
                                : "unexpected token");
  if (rc)
    *out = NULL;
  return rc;
}

/* Matches a detection name against a pattern with '*' (linear time). */
bool ctix__sg_glob_match(const char *pat, const char *s)
{
  const char *star = NULL, *resume = NULL;
  while (*s) {
    if (*pat == '*') {
      star = pat++;
      resume = s;
    } else if (*pat == *s) {
      pat++;
      s++;
    } else if (star) {
      pat = star + 1;
      s = ++resume;
    } else {
      return false;
    }
  }
  while (*pat == '*')
    pat++;
  return !*pat;
}

/* Checks that every name and pattern of a parsed condition resolves. */
int ctix__sg_cond_check(const sg_cond *c, const ctix_sigma_rule *r, unsigned line, unsigned col,
                        ctix_error *err)
{
  size_t i, hits = 0;
  int rc;
  if (!c)
    return 0;
  switch (c->op) {
  case SG_C_AND:
  case SG_C_OR:
    rc = ctix__sg_cond_check(c->a, r, line, col, err);
    return rc ? rc : ctix__sg_cond_check(c->b, r, line, col, err);
  case SG_C_NOT:
    return ctix__sg_cond_check(c->a, r, line, col, err);
  case SG_C_REF:
    for (i = 0; i < r->ndets; i++)
      if (strcmp(r->dets[i].name, c->name) == 0)
        return 0;
    return ctix__error_set_lc(err, CTIX_EPARSE, line, col + c->col - 1,
                              "condition refers to unknown detection '%s'", c->name);
  default:
    for (i = 0; i < r->ndets; i++)
      hits += strcmp(c->name, "them") == 0 ? r->dets[i].name[0] != '_'
                                           : ctix__sg_glob_match(c->name, r->dets[i].name);
    if (hits)
      return 0;
    return ctix__error_set_lc(err, CTIX_EPARSE, line, col + c->col - 1,
                              "'%s of %s' matches no detection",
                              c->op == SG_C_ALL_OF ? "all" : "1", c->name);
  }
}
