/*
 * ctix's own Sigma rule reader and checker (`ctix sigma check`, and the
 * self-check of every rule the generator writes): the fields of the Sigma
 * 2.x detection-rule specification with their types, enumerations and
 * formats (as the JSON schema states them), the logsource, and the
 * detection: search identifiers of the right shape, known modifiers and a
 * condition that parses and names only existing identifiers. Lint
 * warnings cover what is legal but probably unintended.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "respond/sigma.h"
#include "util/err.h"
#include "util/str.h"

/* Tables of the specification. */
static const char *const status_values[] = {"stable", "test", "experimental", "deprecated",
                                            "unsupported", NULL};
static const char *const level_values[] = {"informational", "low", "medium", "high",
                                           "critical", NULL};
static const char *const related_types[] = {"derived", "obsolete", "merged", "renamed",
                                            "similar", NULL};
static const char *const known_fields[] = {
    "title", "id", "related", "name", "taxonomy", "status", "description", "license", "author",
    "references", "date", "modified", "logsource", "detection", "fields", "falsepositives",
    "level", "tags", "scope", NULL};
static const char *const logsource_keys[] = {"category", "product", "service", "definition",
                                             NULL};
static const char *const modifiers[] = {
    "all", "startswith", "endswith", "contains", "exists", "cased", "neq", "windash", "re",
    "i", "m", "s", "base64", "base64offset", "utf16le", "utf16be", "utf16", "wide", "lt",
    "lte", "gt", "gte", "minute", "hour", "day", "week", "month", "year", "cidr", "expand",
    "fieldref", NULL};
static const char *const tag_namespaces[] = {"attack", "car", "cve", "d3fend", "detection",
                                             "stp", "tlp", NULL};

static bool in_list(const char *s, const char *const *list)
{
  size_t i;
  for (i = 0; list[i]; i++)
    if (strcmp(s, list[i]) == 0)
      return true;
  return false;
}

typedef struct checker {
  ctix_buf *issues;
} checker;

/* Records one issue at a node's position (or the given one). */
static void issue(checker *c, unsigned line, unsigned col, bool warning, const char *fmt, ...)
    CTIX__PRINTF(5, 6);
static void issue(checker *c, unsigned line, unsigned col, bool warning, const char *fmt, ...)
{
  ctix__sigma_issue is;
  va_list ap;
  memset(&is, 0, sizeof(is));
  is.line = line;
  is.col = col;
  is.warning = warning;
  va_start(ap, fmt);
  vsnprintf(is.msg, sizeof(is.msg), fmt, ap);
  va_end(ap);
  ctix__msg_flatten(is.msg);
  ctix__buf_push(c->issues, &is, sizeof(is));
}

#define ERR(c, n, ...) issue((c), (n)->line, (n)->col, false, __VA_ARGS__)
#define WARN(c, n, ...) issue((c), (n)->line, (n)->col, true, __VA_ARGS__)

/* A string scalar (quoted, or plain resolving to a string). */
static bool is_string(const ctix__sy *n)
{
  return n && n->kind == CTIX__SY_SCALAR && strcmp(ctix__sy_scalar_type(n), "str") == 0;
}

/* Checks that field `key` holds a string of at most max bytes (0: any). */
static const ctix__sy *want_string(checker *c, const ctix__sy *doc, const char *key, size_t max)
{
  const ctix__sy *v = ctix__sy_get(doc, key);
  if (!v)
    return NULL;
  if (!is_string(v)) {
    ERR(c, v, "'%s' must be a string", key);
    return NULL;
  }
  if (max && v->len > max)
    ERR(c, v, "'%s' is longer than %zu characters", key, max);
  return v;
}

/* Checks that field `key` is a list of unique strings of at least minlen bytes. */
static const ctix__sy *want_string_list(checker *c, const ctix__sy *doc, const char *key,
                                        size_t minlen)
{
  const ctix__sy *v = ctix__sy_get(doc, key), *i, *j;
  if (!v)
    return NULL;
  if (v->kind != CTIX__SY_SEQ) {
    ERR(c, v, "'%s' must be a list of strings", key);
    return NULL;
  }
  for (i = v->first; i; i = i->next) {
    if (!is_string(i)) {
      ERR(c, i, "'%s': every item must be a string", key);
      continue;
    }
    if (i->len < minlen)
      ERR(c, i, "'%s': item shorter than %zu characters", key, minlen);
    for (j = v->first; j != i; j = j->next)
      if (is_string(j) && j->len == i->len && memcmp(j->str, i->str, i->len) == 0) {
        ERR(c, i, "'%s': duplicate item '%.80s'", key, i->str);
        break;
      }
  }
  return v;
}

static bool hex_run(const char *s, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++) {
    char ch = s[i];
    if (!ctix__isdigit((unsigned char)ch) && !((ch | 32) >= 'a' && (ch | 32) <= 'f'))
      return false;
  }
  return true;
}

/* 8-4-4-4-12 hexadecimal digits. */
static bool uuid_ok(const char *s, size_t n)
{
  return n == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-' &&
         hex_run(s, 8) && hex_run(s + 9, 4) && hex_run(s + 14, 4) && hex_run(s + 19, 4) &&
         hex_run(s + 24, 12);
}

static void check_uuid(checker *c, const ctix__sy *v, const char *what)
{
  if (!is_string(v))
    ERR(c, v, "'%s' must be a string", what);
  else if (!uuid_ok(v->str, v->len))
    ERR(c, v, "'%s' is not a UUID (8-4-4-4-12 hexadecimal digits): '%.60s'", what, v->str);
}

/* YYYY-MM-DD with a month 01-12 and a day 01-31. */
static void check_date(checker *c, const ctix__sy *doc, const char *key)
{
  const ctix__sy *v = ctix__sy_get(doc, key);
  const char *s;
  int m, d;
  if (!v)
    return;
  if (v->kind != CTIX__SY_SCALAR) {
    ERR(c, v, "'%s' must be a date YYYY-MM-DD", key);
    return;
  }
  s = v->str;
  if (v->len == 10 && s[4] == '/' && s[7] == '/') {
    ERR(c, v, "'%s': '%s' uses the Sigma 1 form YYYY/MM/DD; write YYYY-MM-DD", key, s);
    return;
  }
  if (v->len != 10 || s[4] != '-' || s[7] != '-' || !ctix__isdigit((unsigned char)s[0]) ||
      !ctix__isdigit((unsigned char)s[1]) || !ctix__isdigit((unsigned char)s[2]) ||
      !ctix__isdigit((unsigned char)s[3]) || !ctix__isdigit((unsigned char)s[5]) ||
      !ctix__isdigit((unsigned char)s[6]) || !ctix__isdigit((unsigned char)s[8]) ||
      !ctix__isdigit((unsigned char)s[9])) {
    ERR(c, v, "'%s' must be a date YYYY-MM-DD, not '%.40s'", key, s);
    return;
  }
  m = (s[5] - '0') * 10 + (s[6] - '0');
  d = (s[8] - '0') * 10 + (s[9] - '0');
  if (m < 1 || m > 12 || d < 1 || d > 31)
    ERR(c, v, "'%s': '%s' is not a valid date", key, s);

}

/* tags: namespace.name, lower case; namespaces and attack/tlp values linted. */
static void check_tags(checker *c, const ctix__sy *doc)
{
  const ctix__sy *v = want_string_list(c, doc, "tags", 0), *t;
  if (!v)
    return;
  for (t = v->first; t; t = t->next) {
    const char *s = t->str, *dot;
    size_t i, ns;
    bool ok = true;
    if (!is_string(t))
      continue;
    dot = strchr(s, '.');
    if (!dot || dot == s || !dot[1])
      ok = false;
    for (i = 0; ok && s[i]; i++) {
      char ch = s[i];
      if (!(ctix__islower((unsigned char)ch) || ctix__isdigit((unsigned char)ch) || ch == '_' ||
            ch == '-' || (ch == '.' && s + i >= dot)))
        ok = false;
    }
    if (!ok) {
      ERR(c, t, "tag '%.80s' must be namespace.name in lower case ([a-z0-9_-] '.' [a-z0-9._-])",
          s);
      continue;
    }
    ns = (size_t)(dot - s);
    {
      char name[32];
      if (ns >= sizeof(name) || (memcpy(name, s, ns), name[ns] = 0, !in_list(name, tag_namespaces)))
        WARN(c, t, "tag '%.80s': unknown namespace", s);
    }
    if (strncmp(s, "attack.t", 8) == 0 && ctix__isdigit((unsigned char)s[8])) {
      size_t n = strlen(s + 8);
      bool good = n == 4 || (n == 8 && s[12] == '.');
      for (i = 0; good && i < n; i++)
        if (i != 4 && !ctix__isdigit((unsigned char)s[8 + i]))
          good = false;
      if (!good)
        WARN(c, t, "tag '%.80s': ATT&CK technique tags are attack.tNNNN or attack.tNNNN.NNN", s);
    }
    if (strncmp(s, "tlp.", 4) == 0 &&
        !in_list(s + 4, (const char *const[]){"clear", "white", "green", "amber",
                                              "amber-strict", "red", NULL}))
      WARN(c, t, "tag '%.80s': unknown TLP level", s);
  }
}

static void check_logsource(checker *c, const ctix__sy *doc)
{
  const ctix__sy *v = ctix__sy_get(doc, "logsource"), *k;
  if (!v)
    return;
  if (v->kind != CTIX__SY_MAP) {
    ERR(c, v, "'logsource' must be a mapping (category, product, service)");
    return;
  }
  for (k = v->first; k; k = k->next) {
    if (!in_list(k->key, logsource_keys))
      issue(c, k->key_line, k->key_col, true, "logsource: unknown key '%.60s'", k->key);
    else if (!is_string(k))
      ERR(c, k, "logsource: '%s' must be a string", k->key);
  }
  if (!ctix__sy_get(v, "category") && !ctix__sy_get(v, "product") &&
      !ctix__sy_get(v, "service"))
    ERR(c, v, "logsource needs at least one of category, product and service");
}

/* Checks a field key "name|mod|mod" of a search identifier. */
static void check_field_key(checker *c, const ctix__sy *entry, const char *ident)
{
  const char *k = entry->key, *p;
  bool seen_re = false;
  size_t nvalues = entry->kind == CTIX__SY_SEQ ? entry->n : 1;
  bool all = false;
  p = strchr(k, '|'); /* "|contains" alone: a keyword search with modifiers */
  while (p) {
    const char *q = strchr(p + 1, '|');
    size_t n = q ? (size_t)(q - p - 1) : strlen(p + 1);
    char mod[32];
    if (n == 0 || n >= sizeof(mod)) {
      issue(c, entry->key_line, entry->key_col, false, "%s: empty or overlong modifier in '%.80s'",
            ident, k);
      return;
    }
    memcpy(mod, p + 1, n);
    mod[n] = 0;
    if (!in_list(mod, modifiers))
      issue(c, entry->key_line, entry->key_col, false, "%s: unknown modifier '%s' in '%.80s'",
            ident, mod, k);
    else if ((strcmp(mod, "i") == 0 || strcmp(mod, "m") == 0 || strcmp(mod, "s") == 0) &&
             !seen_re)
      issue(c, entry->key_line, entry->key_col, false,
            "%s: modifier '%s' is a flag of 're' and must follow it", ident, mod);
    if (strcmp(mod, "re") == 0)
      seen_re = true;
    if (strcmp(mod, "all") == 0)
      all = true;
    p = q;
  }
  if (all && nvalues < 2)
    issue(c, entry->key_line, entry->key_col, true, "%s: '|all' with fewer than two values",
          ident);
}

/* A value of a field: scalar (string, number, bool or null) only. */
static void check_value(checker *c, const ctix__sy *v, const char *ident, bool contains)
{
  if (v->kind != CTIX__SY_SCALAR) {
    ERR(c, v, "%s: a field value must be a string, number or null", ident);
    return;
  }
  if (contains && v->len > 1 && (v->str[0] == '*' || (v->str[v->len - 1] == '*' &&
                                                      (v->len < 2 || v->str[v->len - 2] != '\\'))))
    WARN(c, v, "%s: '|contains' already matches anywhere; the '*' is redundant", ident);
}

/* Checks a field map of a search identifier. */
static void check_field_map(checker *c, const ctix__sy *map, const char *ident)
{
  const ctix__sy *e, *v, *w;
  if (map->n == 0)
    ERR(c, map, "%s: empty field map", ident);
  for (e = map->first; e; e = e->next) {
    bool contains = strstr(e->key, "|contains") != NULL;
    check_field_key(c, e, ident);
    if (e->kind == CTIX__SY_MAP) {
      ERR(c, e, "%s: field '%.80s' must have a value or a list of values", ident, e->key);
      continue;
    }
    if (e->kind == CTIX__SY_SEQ) {
      if (e->n == 0)
        ERR(c, e, "%s: field '%.80s' has an empty list", ident, e->key);
      for (v = e->first; v; v = v->next) {
        check_value(c, v, ident, contains);
        for (w = e->first; w != v; w = w->next)
          if (w->kind == CTIX__SY_SCALAR && v->kind == CTIX__SY_SCALAR && w->len == v->len &&
              memcmp(w->str, v->str, v->len) == 0) {
            WARN(c, v, "%s: duplicate value '%.80s'", ident, v->str);
            break;
          }
      }
    } else {
      check_value(c, e, ident, contains);
    }
  }
}

/* ------------------------------------------------------------ condition */

typedef struct cond_parser {
  checker *c;
  const ctix__sy *det;      /* the detection map */
  const ctix__sy *node;     /* the condition scalar, for positions */
  const char *s;
  size_t pos, len;
  bool failed;
  bool *used;               /* per detection entry: named by the condition */
} cond_parser;

typedef struct cond_tok {
  const char *p;
  size_t n;
} cond_tok;

static bool ident_char(char ch)
{
  return ctix__isalnum((unsigned char)ch) || ch == '_' || ch == '*' || ch == '-' || ch == '.';
}

/* The next token (identifier, word, '(' or ')'); n == 0 at the end. */
static cond_tok cond_peek(cond_parser *p)
{
  cond_tok t = {NULL, 0};
  size_t i = p->pos;
  while (i < p->len && ctix__isspace((unsigned char)p->s[i]))
    i++;
  t.p = p->s + i;
  if (i >= p->len)
    return t;
  if (p->s[i] == '(' || p->s[i] == ')' || p->s[i] == '|') {
    t.n = 1;
    return t;
  }
  while (i + t.n < p->len && ident_char(p->s[i + t.n]))
    t.n++;
  if (t.n == 0)
    t.n = 1; /* an unexpected character: a one-byte token */
  return t;
}

static void cond_take(cond_parser *p, cond_tok t)
{
  p->pos = (size_t)(t.p + t.n - p->s);
}

static bool tok_is(cond_tok t, const char *w)
{
  return t.n == strlen(w) && ctix__mem_ieq(t.p, t.n, w);
}

static void cond_error(cond_parser *p, const char *fmt, ...) CTIX__PRINTF(2, 3);
static void cond_error(cond_parser *p, const char *fmt, ...)
{
  char msg[200];
  va_list ap;
  if (p->failed)
    return;
  p->failed = true;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  ERR(p->c, p->node, "condition: %s", msg);
}

/* Marks the identifiers an exact name or a '*' pattern names; false if none. */
static bool cond_mark(cond_parser *p, cond_tok t)
{
  const ctix__sy *e;
  size_t i = 0;
  bool any = false;
  const char *star = memchr(t.p, '*', t.n);
  for (e = p->det->first; e; e = e->next, i++) {
    size_t kl = strlen(e->key);
    bool hit;
    if (strcmp(e->key, "condition") == 0)
      continue;
    if (!star) {
      hit = kl == t.n && memcmp(e->key, t.p, t.n) == 0;
    } else {
      size_t pre = (size_t)(star - t.p), suf = t.n - pre - 1;
      hit = kl >= pre + suf && memcmp(e->key, t.p, pre) == 0 &&
            memcmp(e->key + kl - suf, star + 1, suf) == 0;
    }
    if (hit) {
      p->used[i] = true;
      any = true;
    }
  }
  return any;
}

#define TOKLEN(t) ((int)((t).n > 60 ? 60 : (t).n))

static void cond_expr(cond_parser *p, unsigned depth);

/* term := 'not' term | '(' expr ')' | quantifier 'of' target | identifier */
static void cond_term(cond_parser *p, unsigned depth)
{
  cond_tok t = cond_peek(p);
  if (p->failed)
    return;
  if (depth > 64) {
    cond_error(p, "nested too deeply");
    return;
  }
  if (t.n == 0) {
    cond_error(p, "ends where a search identifier is expected");
    return;
  }
  if (tok_is(t, "not")) {
    cond_take(p, t);
    cond_term(p, depth + 1);
    return;
  }
  if (tok_is(t, "(")) {
    cond_take(p, t);
    cond_expr(p, depth + 1);
    t = cond_peek(p);
    if (!p->failed && !tok_is(t, ")"))
      cond_error(p, "missing ')'");
    else
      cond_take(p, t);
    return;
  }
  if (tok_is(t, "1") || tok_is(t, "all") || tok_is(t, "any") ||
      (t.n && ctix__isdigit((unsigned char)t.p[0]))) {
    cond_tok of, target;
    bool numeric = ctix__isdigit((unsigned char)t.p[0]);
    size_t i;
    for (i = 0; numeric && i < t.n; i++)
      if (!ctix__isdigit((unsigned char)t.p[i]))
        numeric = false;
    if (ctix__isdigit((unsigned char)t.p[0]) && !numeric) {
      if (cond_mark(p, t))
        cond_take(p, t);
      else
        cond_error(p, "unknown search identifier '%.*s'", TOKLEN(t), t.p);
      return;
    }
    cond_take(p, t);
    of = cond_peek(p);
    if (!tok_is(of, "of")) {
      cond_error(p, "expected 'of' after '%.*s'", TOKLEN(t), t.p);
      return;
    }
    cond_take(p, of);
    target = cond_peek(p);
    if (target.n == 0 || tok_is(target, "(") || tok_is(target, ")")) {
      cond_error(p, "expected 'them' or a search identifier after 'of'");
      return;
    }
    cond_take(p, target);
    if (tok_is(target, "them")) {
      const ctix__sy *e;
      size_t k = 0;
      for (e = p->det->first; e; e = e->next, k++)
        p->used[k] = true;
    } else if (!cond_mark(p, target)) {
      cond_error(p, "no search identifier matches '%.*s'", TOKLEN(target), target.p);
    }
    return;
  }
  if (tok_is(t, "and") || tok_is(t, "or") || tok_is(t, "of") || tok_is(t, ")")) {
    cond_error(p, "unexpected '%.*s'", TOKLEN(t), t.p);
    return;
  }
  if (tok_is(t, "|")) {
    cond_error(p, "aggregation ('|') is not Sigma 2; use a correlation rule");
    return;
  }
  if (!ident_char(t.p[0])) {
    cond_error(p, "unexpected character '%.*s'", TOKLEN(t), t.p);
    return;
  }
  cond_take(p, t);
  if (memchr(t.p, '*', t.n)) {
    cond_error(p, "a '*' pattern needs '1 of' or 'all of': '%.*s'", TOKLEN(t), t.p);
    return;
  }
  if (!cond_mark(p, t))
    cond_error(p, "unknown search identifier '%.*s'", TOKLEN(t), t.p);
}

/* expr := term (('and' | 'or') term)* */
static void cond_expr(cond_parser *p, unsigned depth)
{
  cond_term(p, depth);
  while (!p->failed) {
    cond_tok t = cond_peek(p);
    if (!tok_is(t, "and") && !tok_is(t, "or"))
      return;
    cond_take(p, t);
    cond_term(p, depth);
  }
}

/* Parses one condition string. */
static void check_condition_string(checker *c, const ctix__sy *det, const ctix__sy *cond,
                                   bool *used)
{
  cond_parser p;
  cond_tok t;
  memset(&p, 0, sizeof(p));
  p.c = c;
  p.det = det;
  p.node = cond;
  p.s = cond->str;
  p.len = cond->len;
  p.used = used;
  if (!is_string(cond) || cond->len == 0) {
    ERR(c, cond, "condition must be a non-empty string");
    return;
  }
  cond_expr(&p, 0);
  t = cond_peek(&p);
  if (!p.failed && t.n)
    cond_error(&p, "unexpected '%.*s'", TOKLEN(t), t.p);
}

static void check_detection(checker *c, const ctix__sy *doc, ctix_arena *arena)
{
  const ctix__sy *det = ctix__sy_get(doc, "detection"), *e, *cond, *i;
  bool *used;
  size_t k;
  if (!det)
    return;
  if (det->kind != CTIX__SY_MAP) {
    ERR(c, det, "'detection' must be a mapping of search identifiers and a condition");
    return;
  }
  for (e = det->first; e; e = e->next) {
    if (strcmp(e->key, "condition") == 0 || strcmp(e->key, "timeframe") == 0)
      continue;
    if (e->kind == CTIX__SY_MAP) {
      check_field_map(c, e, e->key);
    } else if (e->kind == CTIX__SY_SEQ) {
      if (e->n == 0)
        ERR(c, e, "%s: empty list", e->key);
      for (i = e->first; i; i = i->next) {
        if (i->kind == CTIX__SY_MAP)
          check_field_map(c, i, e->key);
        else if (i->kind == CTIX__SY_SEQ)
          ERR(c, i, "%s: a list item must be a value or a field map", e->key);
        else if (!is_string(i) && strcmp(ctix__sy_scalar_type(i), "int") != 0)
          ERR(c, i, "%s: a keyword must be a string or an integer", e->key);
      }
    } else {
      ERR(c, e, "search identifier '%.80s' must be a field map or a list", e->key);
    }
  }
  cond = ctix__sy_get(det, "condition");
  if (!cond) {
    ERR(c, det, "detection has no condition");
    return;
  }
  used = ctix__arena_calloc(arena, det->n + 1, sizeof(*used));
  if (!used)
    return;
  if (cond->kind == CTIX__SY_SEQ) {
    WARN(c, cond, "a list of conditions is deprecated; combine them with 'or'");
    for (i = cond->first; i; i = i->next)
      check_condition_string(c, det, i, used);
  } else {
    check_condition_string(c, det, cond, used);
  }
  for (e = det->first, k = 0; e; e = e->next, k++)
    if (!used[k] && strcmp(e->key, "condition") != 0 && strcmp(e->key, "timeframe") != 0)
      issue(c, e->key_line, e->key_col, true, "search identifier '%.80s' is not used by the condition",
            e->key);
}

static void check_related(checker *c, const ctix__sy *doc)
{
  const ctix__sy *v = ctix__sy_get(doc, "related"), *r;
  if (!v)
    return;
  if (v->kind != CTIX__SY_SEQ) {
    ERR(c, v, "'related' must be a list of {id, type}");
    return;
  }
  for (r = v->first; r; r = r->next) {
    const ctix__sy *id = ctix__sy_get(r, "id"), *type = ctix__sy_get(r, "type");
    if (r->kind != CTIX__SY_MAP || !id || !type) {
      ERR(c, r, "'related' items need an id and a type");
      continue;
    }
    check_uuid(c, id, "related id");
    if (!is_string(type) || !in_list(type->str, related_types))
      ERR(c, type, "related type must be derived, obsolete, merged, renamed or similar");
  }
}

/* Checks one rule document. */
static void check_rule(checker *c, const ctix__sy *doc, ctix_arena *arena)
{
  const ctix__sy *v, *k;
  if (doc->kind != CTIX__SY_MAP) {
    ERR(c, doc, "a Sigma rule must be a mapping");
    return;
  }
  if (ctix__sy_get(doc, "correlation") || ctix__sy_get(doc, "filter")) {
    WARN(c, doc, "correlation and filter rules are not checked");
    return;
  }
  for (k = doc->first; k; k = k->next)
    if (!in_list(k->key, known_fields))
      issue(c, k->key_line, k->key_col, true, "unknown field '%.60s' (custom fields are allowed)",
            k->key);
  if (!ctix__sy_get(doc, "title"))
    ERR(c, doc, "missing required field 'title'");
  if (!ctix__sy_get(doc, "logsource"))
    ERR(c, doc, "missing required field 'logsource'");
  if (!ctix__sy_get(doc, "detection"))
    ERR(c, doc, "missing required field 'detection'");
  want_string(c, doc, "title", 256);
  want_string(c, doc, "name", 256);
  want_string(c, doc, "taxonomy", 256);
  want_string(c, doc, "description", 65535);
  want_string(c, doc, "license", 0);
  want_string(c, doc, "author", 0);
  if ((v = ctix__sy_get(doc, "id")))
    check_uuid(c, v, "id");
  else
    WARN(c, doc, "no 'id': give the rule a UUID");
  if ((v = want_string(c, doc, "status", 0)) && !in_list(v->str, status_values))
    ERR(c, v, "status must be stable, test, experimental, deprecated or unsupported, not "
              "'%.40s'", v->str);
  if ((v = want_string(c, doc, "level", 0)) && !in_list(v->str, level_values))
    ERR(c, v, "level must be informational, low, medium, high or critical, not '%.40s'",
        v->str);
  if (!ctix__sy_get(doc, "level"))
    WARN(c, doc, "no 'level'");
  if (!ctix__sy_get(doc, "description"))
    WARN(c, doc, "no 'description'");
  if (!ctix__sy_get(doc, "date"))
    WARN(c, doc, "no 'date'");
  if (!ctix__sy_get(doc, "author"))
    WARN(c, doc, "no 'author'");
  want_string_list(c, doc, "references", 0);
  want_string_list(c, doc, "fields", 0);
  want_string_list(c, doc, "falsepositives", 2);
  want_string_list(c, doc, "scope", 2);
  check_date(c, doc, "date");
  check_date(c, doc, "modified");
  check_tags(c, doc);
  check_related(c, doc);
  check_logsource(c, doc);
  check_detection(c, doc, arena);
}

/* Stable insertion sort (issues of one file are few). */
static void sort_issues(ctix__sigma_issue *v, size_t n);

int ctix__sigma_check(ctix_buf *issues, const char *data, size_t len, ctix_error *err)
{
  size_t first = CTIX__BUF_COUNT(issues, ctix__sigma_issue);
  ctix_arena arena;
  ctix__sy *docs = NULL;
  const ctix__sy *d;
  ctix_error perr;
  checker c;
  int rc;
  c.issues = issues;
  ctix__arena_init(&arena, 0);
  ctix_error_clear(&perr);
  rc = ctix__sy_parse(&docs, &arena, data, len, CTIX__SY_MAX_INPUT, &perr);
  if (rc == CTIX_ENOMEM) {
    rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
    goto done;
  }
  if (rc) {
    issue(&c, perr.line, perr.column, false, "%s", perr.message);
    rc = rc == CTIX_ETOOBIG && len > CTIX__SY_MAX_INPUT
             ? ctix__error_set(err, CTIX_ETOOBIG, "%s", perr.message)
             : 0;
    goto done;
  }
  if (docs->n == 0)
    issue(&c, 0, 0, false, "no YAML document: not a Sigma rule");
  for (d = docs->first; d; d = d->next)
    check_rule(&c, d, &arena);
  if (issues->err)
    rc = ctix__error_set(err, issues->err, "out of memory");
  else
    sort_issues((ctix__sigma_issue *)(void *)issues->data + first,
                      CTIX__BUF_COUNT(issues, ctix__sigma_issue) - first);
done:
  ctix__arena_free(&arena);
  return rc;
}

size_t ctix__sigma_nerrors(const ctix_buf *issues)
{
  size_t i, n = 0;
  for (i = 0; i < CTIX__BUF_COUNT(issues, ctix__sigma_issue); i++)
    if (!CTIX__BUF_AT(issues, ctix__sigma_issue, i).warning)
      n++;
  return n;
}

static void sort_issues(ctix__sigma_issue *v, size_t n)
{
  size_t i, j;
  for (i = 1; i < n; i++) {
    ctix__sigma_issue t = v[i];
    for (j = i; j > 0 && (v[j - 1].line > t.line ||
                          (v[j - 1].line == t.line && v[j - 1].col > t.col)); j--)
      v[j] = v[j - 1];
    v[j] = t;
  }
}
