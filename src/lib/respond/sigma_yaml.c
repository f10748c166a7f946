/*
 * The YAML side of ctix's Sigma support: a reader that turns libyaml's
 * event stream into a small tree with positions (no aliases, bounded
 * depth and node count, so hostile input cannot blow up), a writer that
 * emits that tree as block YAML with quoting chosen so every scalar reads
 * back as the same string, and the escaping of literal Sigma values
 * (wildcards '*', '?' and the escape character '\').
 */
#include <string.h>

#include <yaml.h>

#include "respond/sigma.h"
#include "sigma/sigma_internal.h"
#include "util/err.h"
#include "util/str.h"
#include "util/utf8.h"

/* ---------------------------------------------------------------- tree */

ctix__sy *ctix__sy_new(ctix_arena *arena, ctix__sy_kind kind)
{
  ctix__sy *n = ctix__arena_calloc(arena, 1, sizeof(*n));
  if (n)
    n->kind = kind;
  return n;
}

ctix__sy *ctix__sy_scalar(ctix_arena *arena, const char *s)
{
  ctix__sy *n;
  if (!s)
    return NULL;
  n = ctix__sy_new(arena, CTIX__SY_SCALAR);
  if (!n)
    return NULL;
  n->len = strlen(s);
  n->str = ctix__arena_strndup(arena, s, n->len);
  return n->str ? n : NULL;
}

void ctix__sy_append(ctix__sy *parent, const char *key, ctix__sy *child)
{
  if (!parent || !child)
    return;
  child->key = key;
  child->next = NULL;
  if (parent->last)
    parent->last->next = child;
  else
    parent->first = child;
  parent->last = child;
  parent->n++;
}

ctix__sy *ctix__sy_put(ctix_arena *arena, ctix__sy *map, const char *key, const char *value)
{
  ctix__sy *v = ctix__sy_scalar(arena, value);
  const char *k = ctix__arena_strdup(arena, key);
  if (!v || !k || !map)
    return NULL;
  ctix__sy_append(map, k, v);
  return v;
}

const ctix__sy *ctix__sy_get(const ctix__sy *map, const char *key)
{
  const ctix__sy *c;
  if (!map || map->kind != CTIX__SY_MAP)
    return NULL;
  for (c = map->first; c; c = c->next)
    if (c->key && strcmp(c->key, key) == 0)
      return c;
  return NULL;
}

ctix__sy *ctix__sy_copy(ctix_arena *arena, const ctix__sy *node)
{
  ctix__sy *n;
  const ctix__sy *c;
  if (!node)
    return NULL;
  n = ctix__sy_new(arena, node->kind);
  if (!n)
    return NULL;
  n->plain = node->plain;
  n->line = node->line;
  n->col = node->col;
  if (node->str) {
    n->str = ctix__arena_strndup(arena, node->str, node->len);
    n->len = node->len;
    if (!n->str)
      return NULL;
  }
  for (c = node->first; c; c = c->next) {
    ctix__sy *cc = ctix__sy_copy(arena, c);
    if (!cc)
      return NULL;
    ctix__sy_append(n, c->key, cc);
  }
  return n;
}

/* ------------------------------------------------------------- reading */

/* Reader state: the stack of open containers and pending map keys. */
typedef struct sy_reader {
  ctix_arena *arena;
  ctix__sy *stack[CTIX__SY_MAX_DEPTH + 2];
  unsigned depth;
  /* For each open map: the key waiting for its value (NULL: expecting a key). */
  const char *pending[CTIX__SY_MAX_DEPTH + 2];
  unsigned pline[CTIX__SY_MAX_DEPTH + 2], pcol[CTIX__SY_MAX_DEPTH + 2];
  size_t nodes;
} sy_reader;

/* Attaches a finished node to the container on top of the stack. Returns
 * false when a map key is not a scalar. */
static bool sy_attach(sy_reader *r, ctix__sy *node, ctix_error *err)
{
  ctix__sy *top = r->stack[r->depth];
  unsigned d = r->depth;
  if (top->kind == CTIX__SY_MAP) {
    if (!r->pending[d]) {
      if (node->kind != CTIX__SY_SCALAR) {
        ctix__error_set_lc(err, CTIX_EPARSE, node->line, node->col,
                           "a mapping key must be a plain string");
        return false;
      }
      r->pending[d] = node->str;
      r->pline[d] = node->line;
      r->pcol[d] = node->col;
      return true;
    }
    node->key_line = r->pline[d];
    node->key_col = r->pcol[d];
    ctix__sy_append(top, r->pending[d], node);
    r->pending[d] = NULL;
    return true;
  }
  ctix__sy_append(top, NULL, node);
  return true;
}

int ctix__sy_parse_libyaml(ctix__sy **docs, ctix_arena *arena, const char *data, size_t len,
                           size_t max, ctix_error *err)
{
  yaml_parser_t parser;
  yaml_event_t ev;
  sy_reader *r = NULL;
  int rc = 0;
  bool done = false, have_ev = false;
  *docs = NULL;
  if (len > max)
    return ctix__error_set(err, CTIX_ETOOBIG, "YAML input of %zu bytes is over the limit of %zu",
                           len, max);
  if (!yaml_parser_initialize(&parser))
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  r = ctix__arena_calloc(arena, 1, sizeof(*r));
  if (!r || !(r->stack[0] = ctix__sy_new(arena, CTIX__SY_SEQ))) {
    rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
    goto done;
  }
  r->arena = arena;
  yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
  while (!done) {
    ctix__sy *node = NULL;
    unsigned line, col;
    if (!yaml_parser_parse(&parser, &ev)) {
      rc = ctix__error_set_lc(err, CTIX_EPARSE, (unsigned)parser.problem_mark.line + 1,
                              (unsigned)parser.problem_mark.column + 1, "YAML syntax: %s%s%s",
                              parser.problem ? parser.problem : "error",
                              parser.context ? " " : "", parser.context ? parser.context : "");
      goto done;
    }
    have_ev = true;
    line = (unsigned)ev.start_mark.line + 1;
    col = (unsigned)ev.start_mark.column + 1;
    switch (ev.type) {
    case YAML_STREAM_END_EVENT:
      done = true;
      break;
    case YAML_ALIAS_EVENT:
      rc = ctix__error_set_lc(err, CTIX_EPARSE, line, col,
                              "YAML aliases are not supported in Sigma rules");
      goto done;
    case YAML_SCALAR_EVENT:
      node = ctix__sy_new(arena, CTIX__SY_SCALAR);
      if (node) {
        node->len = ev.data.scalar.length;
        node->str = ctix__arena_strndup(arena, (const char *)ev.data.scalar.value, node->len);
        node->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !ev.data.scalar.tag;
      }
      break;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
      if (r->depth >= CTIX__SY_MAX_DEPTH) {
        rc = ctix__error_set_lc(err, CTIX_ETOOBIG, line, col, "nesting deeper than %u levels",
                                CTIX__SY_MAX_DEPTH);
        goto done;
      }
      node = ctix__sy_new(arena, ev.type == YAML_SEQUENCE_START_EVENT ? CTIX__SY_SEQ
                                                                      : CTIX__SY_MAP);
      break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: {
      ctix__sy *fin = r->stack[r->depth--];
      if (!sy_attach(r, fin, err)) {
        rc = CTIX_EPARSE;
        goto done;
      }
      break;
    }
    default:
      break;
    }
    if (node || ev.type == YAML_SCALAR_EVENT || ev.type == YAML_SEQUENCE_START_EVENT ||
        ev.type == YAML_MAPPING_START_EVENT) {
      if (!node || (node->kind == CTIX__SY_SCALAR && !node->str)) {
        rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
        goto done;
      }
      if (++r->nodes > CTIX__SY_MAX_NODES) {
        rc = ctix__error_set_lc(err, CTIX_ETOOBIG, line, col, "more than %u YAML nodes",
                                CTIX__SY_MAX_NODES);
        goto done;
      }
      node->line = line;
      node->col = col;
      if (node->kind == CTIX__SY_SCALAR) {
        if (!sy_attach(r, node, err)) {
          rc = CTIX_EPARSE;
          goto done;
        }
      } else {
        r->stack[++r->depth] = node;
        r->pending[r->depth] = NULL;
      }
    }
    yaml_event_delete(&ev);
    have_ev = false;
  }
  *docs = r->stack[0];
done:
  if (have_ev)
    yaml_event_delete(&ev);
  yaml_parser_delete(&parser);
  return rc;
}

/* ---------------------------------------------------- fast path */

/* Limits the fast path stays under (libyaml then decides at the limits). */
#define FAST_MAX_DEPTH (CTIX__SY_MAX_DEPTH - 4u)

/*
 * Copies the tree y of the Sigma reader's fast path (the same fields,
 * libyaml's conventions) as a ctix__sy tree, lines moved down by `dline`;
 * strings are shared. Counts nodes (map keys too, as the libyaml reader
 * does) into *nodes. NULL when out of memory or nested too deep.
 */
static ctix__sy *from_sg(ctix_arena *arena, const sg_y *y, unsigned dline, size_t *nodes,
                         unsigned depth)
{
  ctix__sy *n;
  const sg_y *c;
  if (depth > FAST_MAX_DEPTH)
    return NULL;
  n = ctix__sy_new(arena, y->kind == SG_Y_SCALAR ? CTIX__SY_SCALAR
                          : y->kind == SG_Y_MAP  ? CTIX__SY_MAP
                                                 : CTIX__SY_SEQ);
  if (!n)
    return NULL;
  n->str = y->str;
  n->len = y->len;
  n->plain = y->plain;
  n->line = y->line + dline;
  n->col = y->col;
  (*nodes)++;
  for (c = y->first; c; c = c->next) {
    ctix__sy *cc = from_sg(arena, c, dline, nodes, depth + 1);
    if (!cc)
      return NULL;
    ctix__sy_append(n, c->key, cc);
    if (c->key) {
      cc->key_line = c->kline + dline;
      cc->key_col = c->kcol;
      (*nodes)++;
    }
  }
  return n;
}

/* True when data[from..to) holds only blank and comment lines of printable ASCII. */
static bool only_comments(const char *data, size_t from, size_t to)
{
  size_t i = from;
  while (i < to) {
    while (i < to && data[i] == ' ')
      i++;
    if (i < to && data[i] != '\n' && data[i] != '#')
      return false;
    for (; i < to && data[i] != '\n'; i++)
      if ((unsigned char)data[i] < 0x20 || (unsigned char)data[i] > 0x7e)
        return false;
    i++;
  }
  return true;
}

/* Whether data[i] starts a line that is the document marker "---" alone. */
static bool doc_marker(const char *data, size_t len, size_t i)
{
  return (i == 0 || data[i - 1] == '\n') && len - i >= 4 && memcmp(data + i, "---\n", 4) == 0;
}

/*
 * The common shape of Sigma rule and template files, read without
 * libyaml: documents that each start with a line "---" alone (or one
 * document without it), each read by the Sigma reader's subset parser
 * (sigma/yaml_fast.c, checked against libyaml by fuzz_sigma_reader) and
 * copied over with its lines moved to the file's. CTIX_EUNSUPPORTED for
 * anything else (a marker with content after it, text before the first
 * marker, an empty document, a document outside the subset, the node or
 * depth limits), when the caller falls back to libyaml.
 */
static int sy_parse_fast(ctix__sy **docs, ctix_arena *arena, const char *data, size_t len)
{
  ctix__sy *seq = ctix__sy_new(arena, CTIX__SY_SEQ);
  size_t i = 0, start, nodes = 0;
  unsigned line = 0; /* lines before data[i] */
  bool marked;
  if (!seq)
    return CTIX_ENOMEM;
  /* text before the first marker: comments only, or one unmarked document */
  for (start = 0; start < len; start++) {
    if (doc_marker(data, len, start))
      break;
    if (data[start] == '\n')
      line++;
  }
  marked = start < len;
  if (marked && !only_comments(data, 0, start))
    return CTIX_EUNSUPPORTED;
  i = marked ? start : 0;
  if (!marked)
    line = 0;
  while (i < len) {
    size_t from = i, to;
    unsigned dline = line;
    sg_y *root = NULL;
    ctix__sy *copy;
    if (marked) {
      from = i + 4; /* past "---\n" */
      dline = line + 1;
    }
    /* the document runs to the next marker line */
    for (to = from; to < len; to++)
      if (doc_marker(data, len, to))
        break;
    if (to - from > CTIX_SIGMA_MAX_INPUT ||
        ctix__sg_yaml_parse_fast(&root, arena, data + from, to - from) != 0 || !root)
      return CTIX_EUNSUPPORTED;
    if (!(copy = from_sg(arena, root, dline, &nodes, 1)) || nodes > CTIX__SY_MAX_NODES)
      return CTIX_EUNSUPPORTED;
    ctix__sy_append(seq, NULL, copy);
    for (; i < to; i++)
      line += data[i] == '\n';
    if (!marked)
      break;
  }
  *docs = seq;
  return 0;
}

int ctix__sy_parse(ctix__sy **docs, ctix_arena *arena, const char *data, size_t len, size_t max,
                   ctix_error *err)
{
  *docs = NULL;
  if (len > max)
    return ctix__error_set(err, CTIX_ETOOBIG, "YAML input of %zu bytes is over the limit of %zu",
                           len, max);
  if (sy_parse_fast(docs, arena, data, len) == 0)
    return 0;
  *docs = NULL;
  return ctix__sy_parse_libyaml(docs, arena, data, len, max, err);
}

bool ctix__sy_equal(const ctix__sy *a, const ctix__sy *b)
{
  const ctix__sy *x, *y;
  if (!a || !b)
    return a == b;
  if (a->kind != b->kind || a->n != b->n || a->line != b->line || a->col != b->col ||
      a->key_line != b->key_line || a->key_col != b->key_col || a->plain != b->plain ||
      (a->key == NULL) != (b->key == NULL) || (a->key && strcmp(a->key, b->key) != 0) ||
      (a->str == NULL) != (b->str == NULL) || a->len != b->len ||
      (a->str && memcmp(a->str, b->str, a->len) != 0))
    return false;
  for (x = a->first, y = b->first; x && y; x = x->next, y = y->next)
    if (!ctix__sy_equal(x, y))
      return false;
  return !x && !y;
}

int ctix__sy_paths_agree(const char *data, size_t len, ctix_error *fast_err,
                         ctix_error *ref_err)
{
  ctix_arena a;
  ctix__sy *fast = NULL, *ref = NULL;
  int r1, r2;
  bool same;
  ctix__arena_init(&a, 0);
  ctix_error_clear(fast_err);
  ctix_error_clear(ref_err);
  r1 = ctix__sy_parse(&fast, &a, data, len, CTIX__SY_MAX_INPUT, fast_err);
  r2 = ctix__sy_parse_libyaml(&ref, &a, data, len, CTIX__SY_MAX_INPUT, ref_err);
  same = r1 == r2 && strcmp(fast_err->message, ref_err->message) == 0 &&
         fast_err->line == ref_err->line && fast_err->column == ref_err->column &&
         ctix__sy_equal(fast, ref);
  ctix__arena_free(&a);
  return same ? 0 : CTIX_EINVAL;
}

/* True if s[0..n) equals one of the NULL-terminated words, case ignored. */
static bool in_words(const char *s, size_t n, const char *const *words)
{
  size_t i;
  for (i = 0; words[i]; i++)
    if (ctix__mem_ieq(s, n, words[i]))
      return true;
  return false;
}

static const char *const bool_words[] = {"y", "n", "yes", "no", "true", "false", "on", "off",
                                         NULL};
static const char *const null_words[] = {"~", "null", "", NULL};

/* Whether every byte of s[0..n) is in `set` (and n > 0). */
static bool all_in(const char *s, size_t n, const char *set)
{
  size_t i;
  if (n == 0)
    return false;
  for (i = 0; i < n; i++)
    if (!strchr(set, s[i]) || !s[i])
      return false;
  return true;
}

/*
 * YAML 1.1 numbers as PyYAML resolves them: ints (binary 0b, octal 0,
 * decimal, hex 0x, sexagesimal a:b) and floats (a '.' is required; an
 * exponent needs its sign; sexagesimal; .inf and .nan).
 */
static bool looks_number(const char *s, size_t n, bool *is_float)
{
  static const char *const special[] = {".inf", ".nan", NULL};
  size_t i = 0;
  *is_float = false;
  if (n && (s[0] == '+' || s[0] == '-'))
    i++;
  s += i;
  n -= i;
  if (n == 0)
    return false;
  if (in_words(s, n, special))
    return *is_float = true;
  if (n > 2 && s[0] == '0' && s[1] == 'b')
    return all_in(s + 2, n - 2, "01_");
  if (n > 2 && s[0] == '0' && s[1] == 'x')
    return all_in(s + 2, n - 2, "0123456789abcdefABCDEF_");
  if (all_in(s, n, "0123456789_"))
    return ctix__isdigit((unsigned char)s[0]);
  if (memchr(s, ':', n)) /* sexagesimal: digits and colons, a leading non-zero digit */
    return s[0] >= '1' && s[0] <= '9' && all_in(s, n, "0123456789_:.") &&
           (*is_float = memchr(s, '.', n) != NULL, true);
  {
    /* float: [0-9][0-9_]* optional, '.', [0-9_]*, optional [eE][-+][0-9]+ */
    size_t k = 0;
    bool dot = false;
    while (k < n && (ctix__isdigit((unsigned char)s[k]) || (k && s[k] == '_')))
      k++;
    if (k < n && s[k] == '.') {
      dot = true;
      k++;
      while (k < n && (ctix__isdigit((unsigned char)s[k]) || s[k] == '_' || s[k] == '.'))
        k++;
    }
    if (!dot || (k == 1 && n == 1))
      return false;
    if (k < n && (s[k] == 'e' || s[k] == 'E')) {
      k++;
      if (k >= n || (s[k] != '+' && s[k] != '-'))
        return false;
      k++;
      if (k >= n || !all_in(s + k, n - k, "0123456789"))
        return false;
      k = n;
    }
    if (k != n)
      return false;
    return *is_float = true;
  }
}

/* YAML 1.1 timestamps: YYYY-M(M)-D(D), then nothing or a time after T, t or blanks. */
static bool looks_timestamp(const char *s, size_t n)
{
  size_t i = 0, k;
  for (k = 0; k < 4; k++)
    if (i >= n || !ctix__isdigit((unsigned char)s[i++]))
      return false;
  for (int part = 0; part < 2; part++) {
    if (i >= n || s[i++] != '-')
      return false;
    if (i >= n || !ctix__isdigit((unsigned char)s[i++]))
      return false;
    if (i < n && ctix__isdigit((unsigned char)s[i]))
      i++;
  }
  if (i == n)
    return true;
  return (s[i] == 'T' || s[i] == 't' || s[i] == ' ' || s[i] == '\t') && i + 1 < n &&
         ctix__isdigit((unsigned char)s[i + 1]);
}

const char *ctix__sy_scalar_type(const ctix__sy *node)
{
  bool fl;
  if (!node || node->kind != CTIX__SY_SCALAR)
    return "none";
  if (!node->plain)
    return "str";
  if (in_words(node->str, node->len, null_words))
    return "null";
  if (in_words(node->str, node->len, bool_words))
    return "bool";
  if (looks_timestamp(node->str, node->len))
    return "timestamp";
  if (looks_number(node->str, node->len, &fl))
    return fl ? "float" : "int";
  return "str";
}

/* ------------------------------------------------------------- writing */

/* Characters that may appear anywhere in a plain scalar we write. */
static bool plain_char(unsigned char c)
{
  return ctix__isalnum(c) || c >= 0x80 || strchr("_./\\()+=$^~;,<>@ |-", c) != NULL;
}

/* Whether s[0..n) can be written plain and read back as the same string. */
static bool can_be_plain(const char *s, size_t n)
{
  size_t i;
  ctix__sy probe;
  if (n == 0 || (!ctix__isalpha((unsigned char)s[0]) && s[0] != '_' && s[0] != '/' && s[0] != '\\'))
    return false;
  if (s[n - 1] == ' ')
    return false;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (!plain_char(c))
      return false;
    if (c >= 0x80)
      return false; /* keep non-ASCII quoted: the reader's printable set differs by version */
  }
  memset(&probe, 0, sizeof(probe));
  probe.kind = CTIX__SY_SCALAR;
  probe.str = s;
  probe.len = n;
  probe.plain = true;
  return strcmp(ctix__sy_scalar_type(&probe), "str") == 0;
}

/* Whether s[0..n) is valid UTF-8 with no character YAML cannot print. */
static bool single_quotable(const char *s, size_t n)
{
  size_t i = 0;
  while (i < n) {
    uint32_t cp;
    size_t k = ctix__utf8_decode((const unsigned char *)s + i, n - i, &cp);
    if (k == 0)
      return false;
    if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0x2028 ||
        cp == 0x2029 || cp == 0xfeff || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe ||
        cp == 0xffff)
      return false;
    i += k;
  }
  return n == 0 || (s[0] != ' ' && s[n - 1] != ' ');
}

void ctix__sy_emit_scalar(ctix_buf *out, const char *s, size_t n)
{
  size_t i = 0;
  if (can_be_plain(s, n)) {
    ctix__buf_add(out, s, n);
    return;
  }
  if (single_quotable(s, n)) {
    ctix__buf_addc(out, '\'');
    for (i = 0; i < n; i++) {
      if (s[i] == '\'')
        ctix__buf_addc(out, '\'');
      ctix__buf_addc(out, s[i]);
    }
    ctix__buf_addc(out, '\'');
    return;
  }
  ctix__buf_addc(out, '"');
  while (i < n) {
    uint32_t cp;
    size_t k = ctix__utf8_decode((const unsigned char *)s + i, n - i, &cp);
    if (k == 0) {
      ctix__buf_adds(out, "\\uFFFD");
      i++;
      continue;
    }
    switch (cp) {
    case '"': ctix__buf_adds(out, "\\\""); break;
    case '\\': ctix__buf_adds(out, "\\\\"); break;
    case '\n': ctix__buf_adds(out, "\\n"); break;
    case '\t': ctix__buf_adds(out, "\\t"); break;
    case '\r': ctix__buf_adds(out, "\\r"); break;
    case 0: ctix__buf_adds(out, "\\0"); break;
    default:
      if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
        ctix__buf_addf(out, "\\x%02X", (unsigned)cp);
      else if (cp == 0x2028 || cp == 0x2029 || cp == 0xfeff || cp == 0xfffe || cp == 0xffff ||
               (cp >= 0xd800 && cp <= 0xdfff))
        ctix__buf_addf(out, "\\u%04X", (unsigned)cp);
      else
        ctix__buf_add(out, s + i, k);
    }
    i += k;
  }
  ctix__buf_addc(out, '"');
}

static void indent(ctix_buf *out, unsigned level)
{
  unsigned i;
  for (i = 0; i < level * 4; i++)
    ctix__buf_addc(out, ' ');
}

/* Writes the children of a container at `level`. */
static void emit_children(ctix_buf *out, const ctix__sy *node, unsigned level)
{
  const ctix__sy *c;
  for (c = node->first; c; c = c->next) {
    indent(out, level);
    if (node->kind == CTIX__SY_MAP) {
      ctix__sy_emit_scalar(out, c->key ? c->key : "", c->key ? strlen(c->key) : 0);
      ctix__buf_addc(out, ':');
    } else {
      ctix__buf_addc(out, '-');
    }
    if (c->kind == CTIX__SY_SCALAR) {
      bool is_float;
      ctix__buf_addc(out, ' ');
      /* A number the template wrote unquoted stays a number (the numeric
       * modifiers gt, gte, lt, lte need one); everything else is quoted
       * as its text requires. */
      if (c->plain && c->str && looks_number(c->str, c->len, &is_float))
        ctix__buf_add(out, c->str, c->len);
      else
        ctix__sy_emit_scalar(out, c->str, c->len);
      ctix__buf_addc(out, '\n');
    } else if (c->n == 0) {
      ctix__buf_adds(out, c->kind == CTIX__SY_MAP ? " {}\n" : " []\n");
    } else {
      ctix__buf_addc(out, '\n');
      emit_children(out, c, level + 1);
    }
  }
}

void ctix__sy_emit(ctix_buf *out, const ctix__sy *node)
{
  if (!node)
    return;
  if (node->kind == CTIX__SY_SCALAR) {
    ctix__sy_emit_scalar(out, node->str, node->len);
    ctix__buf_addc(out, '\n');
  } else {
    emit_children(out, node, 0);
  }
}

/* ------------------------------------------------------------ escaping */

void ctix__sigma_escape(ctix_buf *out, const char *s, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++) {
    char c = s[i];
    if (c == '*' || c == '?') {
      ctix__buf_addc(out, '\\');
    } else if (c == '\\') {
      char next = i + 1 < n ? s[i + 1] : 0;
      if (next == 0 || next == '*' || next == '?' || next == '\\')
        ctix__buf_addc(out, '\\');
    }
    ctix__buf_addc(out, c);
  }
}

char *ctix__sigma_escape_dup(ctix_arena *arena, const char *s, size_t n)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)1 << 24);
  char *r;
  ctix__sigma_escape(&b, s, n);
  if (b.err) {
    ctix__buf_free(&b);
    return NULL;
  }
  r = ctix__arena_strndup(arena, b.data ? b.data : "", b.len);
  ctix__buf_free(&b);
  return r;
}
