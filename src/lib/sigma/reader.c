/*
 * Sigma rule reader: libyaml's event stream becomes a positioned tree
 * (sg_y; no aliases, bounded depth and node count), which is then read
 * into the rule model of sigma_internal.h: metadata, logsource, named
 * detections with their items, modifier chains and typed values, the
 * condition strings (parsed at load time so syntax errors surface early),
 * and, for the other document kinds, correlation and filter data.
 * Every error names the line and column of the offending node.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "sigma/sigma_internal.h"
#include "util/str.h"

/* ------------------------------------------------------------ YAML tree */

typedef struct yctx {
  ctix_arena *arena;
  ctix_error *err;
  size_t nodes;
  sg_y *stack[SG_MAX_DEPTH + 1];
  size_t depth;
  const char *pending_key;   /* key waiting for its value, per map level */
  bool key_turn[SG_MAX_DEPTH + 1];
  const char *keys[SG_MAX_DEPTH + 1];
  unsigned kline[SG_MAX_DEPTH + 1], kcol[SG_MAX_DEPTH + 1];
} yctx;

static void y_append(sg_y *parent, sg_y *child)
{
  child->next = NULL;
  if (parent->last)
    parent->last->next = child;
  else
    parent->first = child;
  parent->last = child;
  parent->n++;
}

/* Attaches a finished node to the open collection on top of the stack. */
static int y_attach(yctx *y, sg_y *node, sg_y **root)
{
  sg_y *top;
  if (y->depth == 0) {
    if (!*root)
      *root = node;
    return 0;
  }
  top = y->stack[y->depth - 1];
  if (top->kind == SG_Y_MAP) {
    if (y->key_turn[y->depth - 1]) {
      if (node->kind != SG_Y_SCALAR)
        return ctix__error_set_lc(y->err, CTIX_EPARSE, node->line, node->col,
                                  "mapping keys must be plain strings");
      y->keys[y->depth - 1] = node->str;
      y->kline[y->depth - 1] = node->line;
      y->kcol[y->depth - 1] = node->col;
      y->key_turn[y->depth - 1] = false;
      return 0;
    }
    node->key = y->keys[y->depth - 1];
    node->kline = y->kline[y->depth - 1];
    node->kcol = y->kcol[y->depth - 1];
    y->key_turn[y->depth - 1] = true;
  }
  y_append(top, node);
  return 0;
}

static sg_y *y_node(yctx *y, sg_ykind kind, const yaml_mark_t *m)
{
  sg_y *n;
  if (++y->nodes > SG_MAX_NODES)
    return NULL;
  n = ctix__arena_calloc(y->arena, 1, sizeof(*n));
  if (!n)
    return NULL;
  n->kind = kind;
  n->line = (unsigned)m->line + 1;
  n->col = (unsigned)m->column + 1;
  return n;
}

int ctix__sg_yaml_parse(sg_y **out, ctix_arena *arena, const char *data, size_t len,
                        ctix_error *err)
{
  if (len <= CTIX_SIGMA_MAX_INPUT && ctix__sg_yaml_parse_fast(out, arena, data, len) == 0)
    return 0;
  return ctix__sg_yaml_parse_libyaml(out, arena, data, len, err);
}

int ctix__sg_yaml_parse_libyaml(sg_y **out, ctix_arena *arena, const char *data, size_t len,
                                ctix_error *err)
{
  yaml_parser_t parser;
  yaml_event_t ev;
  yctx y;
  sg_y *root = NULL, *n;
  int rc = 0, done = 0, docs = 0;

  *out = NULL;
  if (len > CTIX_SIGMA_MAX_INPUT)
    return ctix__error_set(err, CTIX_ETOOBIG, "document larger than %u bytes",
                           (unsigned)CTIX_SIGMA_MAX_INPUT);
  memset(&y, 0, sizeof(y));
  y.arena = arena;
  y.err = err;
  if (!yaml_parser_initialize(&parser))
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
  while (!done) {
    if (!yaml_parser_parse(&parser, &ev)) {
      rc = ctix__error_set_lc(err, CTIX_EPARSE, (unsigned)parser.problem_mark.line + 1,
                              (unsigned)parser.problem_mark.column + 1, "YAML: %s%s%s",
                              parser.problem ? parser.problem : "syntax error",
                              parser.context ? " " : "", parser.context ? parser.context : "");
      goto done;
    }
    switch (ev.type) {
    case YAML_STREAM_END_EVENT:
      done = 1;
      break;
    case YAML_DOCUMENT_START_EVENT:
      if (++docs > 1) {
        rc = ctix__error_set_lc(err, CTIX_EUNSUPPORTED, (unsigned)ev.start_mark.line + 1,
                                (unsigned)ev.start_mark.column + 1,
                                "more than one YAML document (rule collections are not supported)");
        yaml_event_delete(&ev);
        goto done;
      }
      break;
    case YAML_ALIAS_EVENT:
      rc = ctix__error_set_lc(err, CTIX_EUNSUPPORTED, (unsigned)ev.start_mark.line + 1,
                              (unsigned)ev.start_mark.column + 1, "YAML aliases are not supported");
      yaml_event_delete(&ev);
      goto done;
    case YAML_SCALAR_EVENT:
      n = y_node(&y, SG_Y_SCALAR, &ev.start_mark);
      if (!n) {
        rc = ctix__error_set_lc(err, y.nodes > SG_MAX_NODES ? CTIX_ETOOBIG : CTIX_ENOMEM,
                                (unsigned)ev.start_mark.line + 1, (unsigned)ev.start_mark.column + 1,
                                "too many YAML nodes or out of memory");
        yaml_event_delete(&ev);
        goto done;
      }
      n->str = ctix__arena_strndup(arena, (const char *)ev.data.scalar.value,
                                   ev.data.scalar.length);
      n->len = ev.data.scalar.length;
      n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !ev.data.scalar.tag;
      if (!n->str) {
        rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
        yaml_event_delete(&ev);
        goto done;
      }
      if (memchr(n->str, 0, n->len)) {
        rc = ctix__error_set_lc(err, CTIX_EPARSE, n->line, n->col, "NUL byte in a scalar");
        yaml_event_delete(&ev);
        goto done;
      }
      rc = y_attach(&y, n, &root);
      break;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
      n = y_node(&y, ev.type == YAML_MAPPING_START_EVENT ? SG_Y_MAP : SG_Y_SEQ, &ev.start_mark);
      if (!n || y.depth >= SG_MAX_DEPTH) {
        rc = ctix__error_set_lc(err, n ? CTIX_ETOOBIG : CTIX_ENOMEM,
                                (unsigned)ev.start_mark.line + 1, (unsigned)ev.start_mark.column + 1,
                                n ? "YAML nesting deeper than %d levels"
                                  : "too many YAML nodes or out of memory (limit %d)",
                                n ? SG_MAX_DEPTH : SG_MAX_NODES);
        yaml_event_delete(&ev);
        goto done;
      }
      rc = y_attach(&y, n, &root);
      y.stack[y.depth] = n;
      y.key_turn[y.depth] = true;
      y.depth++;
      break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
      if (y.depth > 0)
        y.depth--;
      break;
    default:
      break;
    }
    yaml_event_delete(&ev);
    if (rc)
      goto done;
  }
  if (!root) {
    rc = ctix__error_set(err, CTIX_EEMPTY, "empty YAML document");
    goto done;
  }
  *out = root;
done:
  yaml_parser_delete(&parser);
  return rc;
}

const sg_y *ctix__sg_y_get(const sg_y *map, const char *key)
{
  const sg_y *c, *hit = NULL;
  if (!map || map->kind != SG_Y_MAP)
    return NULL;
  for (c = map->first; c; c = c->next)   /* the last duplicate wins, as in YAML loaders */
    if (c->key && c->key[0] == key[0] && strcmp(c->key, key) == 0)
      hit = c;
  return hit;
}

bool ctix__sg_y_equal(const sg_y *a, const sg_y *b)
{
  const sg_y *x, *y;
  if (!a || !b)
    return a == b;
  if (a->kind != b->kind || a->n != b->n || a->line != b->line || a->col != b->col ||
      (a->key == NULL) != (b->key == NULL) || (a->key && strcmp(a->key, b->key) != 0) ||
      a->kline != b->kline || a->kcol != b->kcol)
    return false;
  if (a->kind == SG_Y_SCALAR)
    return a->plain == b->plain && a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
  for (x = a->first, y = b->first; x && y; x = x->next, y = y->next)
    if (!ctix__sg_y_equal(x, y))
      return false;
  return !x && !y;
}

/* ------------------------------------------------------------ modifiers */

static const char *const mod_names[] = {
  NULL, "contains", "startswith", "endswith", "all", "base64", "base64offset", "utf16le",
  "utf16be", "utf16", "wide", "windash", "re", "i", "m", "s", "cidr", "exists", "expand",
  "fieldref", "gt", "gte", "lt", "lte", "cased", "neq", "minute", "hour", "day", "week",
  "month", "year"
};

const char *ctix__sg_mod_name(int mod)
{
  if (mod <= 0 || (size_t)mod >= sizeof(mod_names) / sizeof(mod_names[0]))
    return NULL;
  return mod_names[mod];
}

static int mod_lookup(const char *s, size_t n)
{
  size_t i;
  for (i = 1; i < sizeof(mod_names) / sizeof(mod_names[0]); i++)
    if (strlen(mod_names[i]) == n && memcmp(mod_names[i], s, n) == 0)
      return (int)i;
  /* long forms of the regular-expression flags */
  if (n == 6 && memcmp(s, "ignore", 6) == 0) return SG_M_RE_I;
  if (n == 9 && memcmp(s, "multiline", 9) == 0) return SG_M_RE_M;
  if (n == 6 && memcmp(s, "dotall", 6) == 0) return SG_M_RE_S;
  return 0;
}

/* ------------------------------------------------------------ rule model */

typedef struct rctx {
  ctix_sigma_rule *r;
  ctix_error *err;
} rctx;

static const char *const null_words[] = {"", "~", "null", "Null", "NULL"};
static const char *const true_words[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
static const char *const false_words[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};

static bool in_words(const char *s, const char *const *w, size_t nw)
{
  size_t i;
  for (i = 0; i < nw; i++)
    if (strcmp(s, w[i]) == 0)
      return true;
  return false;
}

/* Parses a YAML 1.1 integer (decimal, 0x, 0o-style octal, 0b, underscores). */
static bool parse_yaml_int(const char *s, long long *out)
{
  int base = 10, neg = 0;
  unsigned long long v = 0;
  size_t digits = 0;
  if (*s == '-' || *s == '+')
    neg = (*s++ == '-');
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s[2]) {
    base = 16;
    s += 2;
  } else if (s[0] == '0' && s[1] == 'b' && s[2]) {
    base = 2;
    s += 2;
  } else if (s[0] == '0' && s[1]) {
    base = 8;
    s += 1;
  }
  for (; *s; s++) {
    int d;
    if (*s == '_')
      continue;
    if (ctix__isdigit(*s))
      d = *s - '0';
    else if (base == 16 && ctix__isalpha(*s) && ctix__lower(*s) <= 'f')
      d = ctix__lower(*s) - 'a' + 10;
    else
      return false;
    if (d >= base)
      return false;
    if (v > (unsigned long long)(INT64_MAX - d) / (unsigned)base)
      return false;
    v = v * (unsigned)base + (unsigned)d;
    digits++;
  }
  if (!digits)
    return false;
  *out = neg ? -(long long)v : (long long)v;
  return true;
}

static bool is_yaml_float(const char *s)
{
  size_t i = 0, digits = 0;
  bool dot = false;
  if (s[i] == '-' || s[i] == '+')
    i++;
  for (; s[i] && s[i] != 'e' && s[i] != 'E'; i++) {
    if (ctix__isdigit(s[i]))
      digits++;
    else if (s[i] == '.' && !dot)
      dot = true;
    else if (s[i] != '_')
      return false;
  }
  if (!dot || !digits)
    return false;
  if (s[i]) {
    i++;
    if (s[i] != '-' && s[i] != '+')
      return false;
    i++;
    if (!ctix__isdigit(s[i]))
      return false;
    while (ctix__isdigit(s[i]))
      i++;
  }
  return s[i] == 0;
}

/* Types a scalar as YAML resolves plain scalars (quoted ones stay strings). */
void ctix__sg_scalar_value(sg_val *v, const sg_y *y)
{
  memset(v, 0, sizeof(*v));
  v->s = y->str;
  v->n = y->len;
  v->line = y->line;
  v->col = y->col;
  v->type = SG_V_STR;
  if (!y->plain)
    return;
  if (in_words(y->str, null_words, 5))
    v->type = SG_V_NULL;
  else if (in_words(y->str, true_words, 9)) {
    v->type = SG_V_BOOL;
    v->b = true;
  } else if (in_words(y->str, false_words, 9))
    v->type = SG_V_BOOL;
  else if (parse_yaml_int(y->str, &v->i))
    v->type = SG_V_INT;
  else if (is_yaml_float(y->str))
    v->type = SG_V_FLOAT;
}

static const char *scalar_str(const sg_y *y)
{
  return (y && y->kind == SG_Y_SCALAR) ? y->str : "";
}

/* Reads a scalar or a list of scalars as a string list. */
static int str_list(rctx *c, const sg_y *y, const char ***out, size_t *n)
{
  const sg_y *e;
  size_t i = 0;
  *out = NULL;
  *n = 0;
  if (!y)
    return 0;
  if (y->kind == SG_Y_SCALAR) {
    *out = ctix__arena_alloc(&c->r->arena, sizeof(char *));
    if (!*out)
      return ctix__error_set(c->err, CTIX_ENOMEM, "out of memory");
    (*out)[0] = y->str;
    *n = 1;
    return 0;
  }
  if (y->kind != SG_Y_SEQ)
    return ctix__error_set_lc(c->err, CTIX_EPARSE, y->line, y->col,
                              "'%s' must be a string or a list of strings", y->key ? y->key : "");
  *out = ctix__arena_calloc(&c->r->arena, y->n + 1, sizeof(char *));
  if (!*out)
    return ctix__error_set(c->err, CTIX_ENOMEM, "out of memory");
  for (e = y->first; e; e = e->next) {
    if (e->kind != SG_Y_SCALAR)
      return ctix__error_set_lc(c->err, CTIX_EPARSE, e->line, e->col,
                                "'%s' must hold only strings", y->key ? y->key : "");
    (*out)[i++] = e->str;
  }
  *n = i;
  return 0;
}

/* Splits "Field|mod|mod" into the item's field and modifier chain. */
static int item_key(rctx *c, sg_item *it, const char *key, unsigned line, unsigned col)
{
  const char *bar = strchr(key, '|');
  const char *p;
  it->field = bar ? ctix__arena_strndup(&c->r->arena, key, (size_t)(bar - key)) : key;
  if (!it->field)
    return ctix__error_set(c->err, CTIX_ENOMEM, "out of memory");
  if (!it->field[0])
    it->field = NULL;   /* "|contains": keyword with modifiers */
  for (p = bar; p; p = strchr(p + 1, '|')) {
    const char *s = p + 1, *e = strchr(s, '|');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    int m = mod_lookup(s, n);
    if (!m)
      return ctix__error_set_lc(c->err, CTIX_EPARSE, line, col, "unknown modifier '%.*s'",
                                (int)(n > 40 ? 40 : n), s);
    if (it->nmods >= SG_MAX_MODS)
      return ctix__error_set_lc(c->err, CTIX_ETOOBIG, line, col, "more than %d modifiers",
                                SG_MAX_MODS);
    it->mods[it->nmods++] = (uint8_t)m;
  }
  return 0;
}

/* Reads one detection item: key and a scalar or a list of scalars. */
static int read_item(rctx *c, sg_item *it, const sg_y *v)
{
  const sg_y *e;
  size_t i = 0;
  int rc;
  it->line = v->kline;
  it->col = v->kcol;
  rc = item_key(c, it, v->key, v->kline, v->kcol);
  if (rc)
    return rc;
  if (v->kind == SG_Y_MAP)
    return ctix__error_set_lc(c->err, CTIX_EPARSE, v->line, v->col,
                              "value of '%s' must be a scalar or a list, not a map", v->key);
  if (v->kind == SG_Y_SCALAR) {
    it->vals = ctix__arena_alloc(&c->r->arena, sizeof(sg_val));
    if (!it->vals)
      return ctix__error_set(c->err, CTIX_ENOMEM, "out of memory");
    ctix__sg_scalar_value(&it->vals[0], v);
    it->nvals = 1;
    return 0;
  }
  it->vals = ctix__arena_calloc(&c->r->arena, v->n + 1, sizeof(sg_val));
  if (!it->vals)
    return ctix__error_set(c->err, CTIX_ENOMEM, "out of memory");
  for (e = v->first; e; e = e->next) {
    if (e->kind != SG_Y_SCALAR)
      return ctix__error_set_lc(c->err, CTIX_EPARSE, e->line, e->col,
                                "values of '%s' must be scalars", v->key);
    ctix__sg_scalar_value(&it->vals[i++], e);
  }
  it->nvals = i;
  return 0;
}

static int read_map(rctx *c, sg_map *m, const sg_y *y)
{
  const sg_y *v;
  size_t i = 0;
  int rc;
  m->items = ctix__arena_calloc(&c->r->arena, y->n + 1, sizeof(sg_item));
  if (!m->items)
    return ctix__error_set(c->err, CTIX_ENOMEM, "out of memory");
  for (v = y->first; v; v = v->next) {
    rc = read_item(c, &m->items[i++], v);
    if (rc)
      return rc;
  }
  m->n = i;
  return 0;
}

/* A keyword alternative: one item without field holding the given scalars. */
static int keyword_map(rctx *c, sg_map *m, const sg_y *first, size_t count)
{
  sg_item *it;
  size_t i;
  const sg_y *e = first;
  m->items = it = ctix__arena_calloc(&c->r->arena, 1, sizeof(sg_item));
  if (!it)
    return ctix__error_set(c->err, CTIX_ENOMEM, "out of memory");
  m->n = 1;
  it->line = first->line;
  it->col = first->col;
  it->vals = ctix__arena_calloc(&c->r->arena, count, sizeof(sg_val));
  if (!it->vals)
    return ctix__error_set(c->err, CTIX_ENOMEM, "out of memory");
  for (i = 0; i < count && e; i++, e = e->next)
    ctix__sg_scalar_value(&it->vals[i], e);
  it->nvals = i;
  return 0;
}

/* Reads one named detection: a map, a list of maps, or keywords. */
static int read_detection(rctx *c, sg_det *d, const sg_y *y)
{
  const sg_y *e;
  size_t i = 0, nscalar = 0;
  int rc;
  d->name = y->key;
  d->line = y->kline;
  d->col = y->kcol;
  if (y->kind == SG_Y_SCALAR) {
    d->maps = ctix__arena_calloc(&c->r->arena, 1, sizeof(sg_map));
    if (!d->maps)
      return ctix__error_set(c->err, CTIX_ENOMEM, "out of memory");
    d->nmaps = 1;
    return keyword_map(c, &d->maps[0], y, 1);
  }
  if (y->kind == SG_Y_MAP) {
    d->maps = ctix__arena_calloc(&c->r->arena, 1, sizeof(sg_map));
    if (!d->maps)
      return ctix__error_set(c->err, CTIX_ENOMEM, "out of memory");
    d->nmaps = 1;
    return read_map(c, &d->maps[0], y);
  }
  for (e = y->first; e; e = e->next)
    nscalar += e->kind == SG_Y_SCALAR;
  if (y->n == 0)
    return ctix__error_set_lc(c->err, CTIX_EPARSE, y->line, y->col, "detection '%s' is empty",
                              d->name);
  d->maps = ctix__arena_calloc(&c->r->arena, y->n, sizeof(sg_map));
  if (!d->maps)
    return ctix__error_set(c->err, CTIX_ENOMEM, "out of memory");
  if (nscalar == y->n) {   /* a list of keywords */
    d->nmaps = 1;
    return keyword_map(c, &d->maps[0], y->first, y->n);
  }
  for (e = y->first; e; e = e->next) {
    if (e->kind == SG_Y_MAP)
      rc = read_map(c, &d->maps[i], e);
    else if (e->kind == SG_Y_SCALAR)
      rc = keyword_map(c, &d->maps[i], e, 1);
    else
      rc = ctix__error_set_lc(c->err, CTIX_EPARSE, e->line, e->col,
                              "detection '%s' holds a nested list", d->name);
    if (rc)
      return rc;
    i++;
  }
  d->nmaps = i;
  return 0;
}

/* Reads the detections of a `detection` (or filter `filter`) map. */
static int read_detections(rctx *c, const sg_y *det, bool filter)
{
  const sg_y *e, *cond;
  ctix_sigma_rule *r = c->r;
  size_t i = 0;
  int rc;
  if (!det || det->kind != SG_Y_MAP)
    return ctix__error_set_lc(c->err, CTIX_EPARSE, det ? det->line : 1, det ? det->col : 1,
                              "'%s' must be a map", filter ? "filter" : "detection");
  r->dets = ctix__arena_calloc(&r->arena, det->n + 1, sizeof(sg_det));
  if (!r->dets)
    return ctix__error_set(c->err, CTIX_ENOMEM, "out of memory");
  for (e = det->first; e; e = e->next) {
    if (strcmp(e->key, "condition") == 0 || strcmp(e->key, "timeframe") == 0 ||
        (filter && strcmp(e->key, "rules") == 0))
      continue;
    rc = read_detection(c, &r->dets[i++], e);
    if (rc)
      return rc;
  }
  r->ndets = i;
  cond = ctix__sg_y_get(det, "condition");
  if (!cond)
    return ctix__error_set_lc(c->err, CTIX_EPARSE, det->line, det->col,
                              "'%s' has no condition", filter ? "filter" : "detection");
  if (cond->kind == SG_Y_MAP)
    return ctix__error_set_lc(c->err, CTIX_EPARSE, cond->line, cond->col,
                              "condition must be a string or a list of strings");
  rc = str_list(c, cond, &r->conds, &r->nconds);
  if (rc)
    return rc;
  r->cond_line = ctix__arena_calloc(&r->arena, r->nconds + 1, sizeof(unsigned));
  r->cond_col = ctix__arena_calloc(&r->arena, r->nconds + 1, sizeof(unsigned));
  r->ctrees = ctix__arena_calloc(&r->arena, r->nconds + 1, sizeof(sg_cond *));
  if (!r->cond_line || !r->cond_col || !r->ctrees)
    return ctix__error_set(c->err, CTIX_ENOMEM, "out of memory");
  e = cond->kind == SG_Y_SEQ ? cond->first : cond;
  for (i = 0; i < r->nconds && e; i++, e = e->next) {
    r->cond_line[i] = e->line;
    r->cond_col[i] = e->col;
    rc = ctix__sg_cond_parse(&r->ctrees[i], &r->arena, r->conds[i], e->line,
                             e->col + (e->plain ? 0 : 1), c->err);
    if (!rc)
      rc = ctix__sg_cond_check(r->ctrees[i], r, e->line, e->col + (e->plain ? 0 : 1), c->err);
    if (rc)
      return rc;
  }
  if (r->nconds == 0)
    return ctix__error_set_lc(c->err, CTIX_EPARSE, cond->line, cond->col, "empty condition");
  return 0;
}

static int read_correlation(rctx *c, const sg_y *y)
{
  sg_correlation *k = &c->r->corr;
  const sg_y *cond;
  int rc;
  if (y->kind != SG_Y_MAP)
    return ctix__error_set_lc(c->err, CTIX_EPARSE, y->line, y->col, "'correlation' must be a map");
  k->type = scalar_str(ctix__sg_y_get(y, "type"));
  if (!k->type[0])
    return ctix__error_set_lc(c->err, CTIX_EPARSE, y->line, y->col, "correlation without a type");
  rc = str_list(c, ctix__sg_y_get(y, "rules"), &k->rules, &k->nrules);
  if (!rc)
    rc = str_list(c, ctix__sg_y_get(y, "group-by"), &k->group_by, &k->ngroup_by);
  if (rc)
    return rc;
  k->timespan = scalar_str(ctix__sg_y_get(y, "timespan"));
  if (!k->timespan[0])
    k->timespan = scalar_str(ctix__sg_y_get(y, "timeframe"));
  cond = ctix__sg_y_get(y, "condition");
  if (cond && cond->kind == SG_Y_MAP) {
    const sg_y *e;
    for (e = cond->first; e; e = e->next) {
      if (strcmp(e->key, "field") == 0)
        k->cond_field = scalar_str(e);
      else {
        k->cond_op = e->key;
        k->cond_value = scalar_str(e);
      }
    }
  }
  return 0;
}

static int read_rule(rctx *c, const sg_y *root)
{
  ctix_sigma_rule *r = c->r;
  const sg_y *ls, *det, *corr, *filt;
  int rc;
  if (root->kind != SG_Y_MAP)
    return ctix__error_set_lc(c->err, CTIX_EPARSE, root->line, root->col,
                              "a Sigma rule must be a YAML map");
  r->title = scalar_str(ctix__sg_y_get(root, "title"));
  r->id = scalar_str(ctix__sg_y_get(root, "id"));
  r->status = scalar_str(ctix__sg_y_get(root, "status"));
  r->level = scalar_str(ctix__sg_y_get(root, "level"));
  r->description = scalar_str(ctix__sg_y_get(root, "description"));
  r->author = scalar_str(ctix__sg_y_get(root, "author"));
  r->date = scalar_str(ctix__sg_y_get(root, "date"));
  rc = str_list(c, ctix__sg_y_get(root, "tags"), &r->tags, &r->ntags);
  if (rc)
    return rc;
  ls = ctix__sg_y_get(root, "logsource");
  if (ls && ls->kind != SG_Y_MAP)
    return ctix__error_set_lc(c->err, CTIX_EPARSE, ls->line, ls->col, "'logsource' must be a map");
  r->logsource.product = scalar_str(ctix__sg_y_get(ls, "product"));
  r->logsource.category = scalar_str(ctix__sg_y_get(ls, "category"));
  r->logsource.service = scalar_str(ctix__sg_y_get(ls, "service"));
  det = ctix__sg_y_get(root, "detection");
  corr = ctix__sg_y_get(root, "correlation");
  filt = ctix__sg_y_get(root, "filter");
  if (det) {
    r->kind = CTIX_SIGMA_DETECTION;
    return read_detections(c, det, false);
  }
  if (corr) {
    r->kind = CTIX_SIGMA_CORRELATION;
    return read_correlation(c, corr);
  }
  if (filt) {
    r->kind = CTIX_SIGMA_FILTER;
    if (filt->kind == SG_Y_MAP) {
      rc = str_list(c, ctix__sg_y_get(filt, "rules"), &r->filter_rules, &r->nfilter_rules);
      if (rc)
        return rc;
    }
    return read_detections(c, filt, true);
  }
  return ctix__error_set_lc(c->err, CTIX_EPARSE, root->line, root->col,
                            "no 'detection', 'correlation' or 'filter' section");
}

int ctix_sigma_rule_load(ctix_sigma_rule **out, const char *data, size_t len,
                         const char *source, ctix_error *err)
{
  ctix_sigma_rule *r = NULL;
  sg_y *root;
  rctx c;
  int rc;

  if (!out || (!data && len))
    return ctix__error_set(err, CTIX_EINVAL, "invalid argument");
  *out = NULL;
  r = calloc(1, sizeof(*r));
  if (!r)
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  ctix__arena_init(&r->arena, 64u * CTIX_SIGMA_MAX_INPUT);
  if (source)
    ctix__strlcpy(r->source, source, sizeof(r->source));
  rc = ctix__sg_yaml_parse(&root, &r->arena, data ? data : "", len, err);
  if (rc)
    goto done;
  c.r = r;
  c.err = err;
  rc = read_rule(&c, root);
done:
  if (rc) {
    ctix__error_source(err, source);
    ctix_sigma_rule_free(r);
    return rc;
  }
  *out = r;
  return 0;
}

/*
 * Reads a whole file into b (at most b->max bytes; more: CTIX_ETOOBIG):
 * open, fstat and, for a regular file, one read of its size plus one byte
 * (a short read of a regular file is its end); other files in chunks up
 * to end of file. 0, CTIX_EIO or the buffer's error.
 */
static int read_whole(ctix_buf *b, int fd)
{
  struct stat st;
  bool reg = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  size_t want = reg && (uintmax_t)st.st_size < b->max ? (size_t)st.st_size + 1 : 16384;
  for (;;) {
    ssize_t n;
    if (b->len == b->max) {   /* full: one more byte is one too many */
      char one;
      do
        n = read(fd, &one, 1);
      while (n < 0 && errno == EINTR);
      return n < 0 ? CTIX_EIO : n > 0 ? CTIX_ETOOBIG : 0;
    }
    if (want > b->max - b->len)
      want = b->max - b->len;
    if (ctix__buf_grow(b, want))
      return b->err;
    n = read(fd, b->data + b->len, want);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return CTIX_EIO;
    if (n == 0)
      return 0;
    b->len += (size_t)n;
    b->data[b->len] = '\0';
    if (reg && (size_t)n < want)
      return 0;
    want = 16384;
  }
}

int ctix_sigma_rule_load_file(ctix_sigma_rule **out, const char *path, ctix_error *err)
{
  ctix_buf b = CTIX_BUF_INIT(CTIX_SIGMA_MAX_INPUT + 1);
  int fd, rc;
  if (!out || !path)
    return ctix__error_set(err, CTIX_EINVAL, "invalid argument");
  *out = NULL;
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    rc = ctix__error_set(err, CTIX_EIO, "cannot open: %s", strerror(errno));
    ctix__error_source(err, path);
    return rc;
  }
  rc = read_whole(&b, fd);
  close(fd);
  if (rc) {
    ctix__buf_free(&b);
    rc = ctix__error_set(err, rc, rc == CTIX_ETOOBIG ? "file larger than %u bytes" : "read failed%.0u",
                         (unsigned)CTIX_SIGMA_MAX_INPUT);
    ctix__error_source(err, path);
    return rc;
  }
  rc = ctix_sigma_rule_load(out, b.data ? b.data : "", b.len, path, err);
  ctix__buf_free(&b);
  return rc;
}

void ctix_sigma_rule_free(ctix_sigma_rule *rule)
{
  if (!rule)
    return;
  ctix__arena_free(&rule->arena);
  free(rule);
}

ctix_sigma_kind ctix_sigma_rule_kind(const ctix_sigma_rule *rule)
{
  return rule ? rule->kind : CTIX_SIGMA_DETECTION;
}

const char *ctix_sigma_rule_title(const ctix_sigma_rule *rule)
{
  return rule && rule->title ? rule->title : "";
}

const char *ctix_sigma_rule_id(const ctix_sigma_rule *rule)
{
  return rule && rule->id ? rule->id : "";
}
