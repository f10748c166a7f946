/*
 * Fast path of the Sigma YAML reader. Sigma rules use a small, regular
 * part of YAML: block mappings and sequences indented with spaces, plain
 * and single-line quoted scalars (keys too), literal block scalars (`|`)
 * and plain folded ones (`>`: lines of one indentation joined by spaces),
 * one-line flow sequences of scalars and one-line flow mappings of plain
 * keys and scalar values, and comments. This parser reads exactly that
 * subset into the same positioned tree (sg_y) libyaml's events give, about
 * ten times faster, and answers CTIX_EUNSUPPORTED for anything else (tabs,
 * CR, BOM, invalid UTF-8, anchors, aliases, tags, other folded or
 * multi-line scalars, other flow collections, several documents, ...), so
 * the caller falls back to libyaml, which also produces every error
 * message. The fuzz target fuzz_sigma_reader checks that both paths build
 * identical trees.
 */
#include <stdint.h>
#include <string.h>

#include "sigma/sigma_internal.h"
#include "util/str.h"
#include "util/utf8.h"

#define NO CTIX_EUNSUPPORTED

/* libyaml refuses an implicit (simple) key whose ':' is more than 1,024
 * characters after its start ("mapping values are not allowed"); keys
 * longer than that, in bytes, go to libyaml so that both readers agree. */
#define SIMPLE_KEY_MAX 1024u

/* A position in the input: offset, 1-based line, offset of the line start. */
typedef struct pos {
  size_t i;
  unsigned line;
  size_t bol;
} pos;

typedef struct fp {
  const char *s;
  size_t n;
  ctix_arena *a;
  size_t nodes;
  unsigned depth;
  bool ascii;                /* no byte >= 0x80: a column is the byte offset plus one */
  size_t eol_from, eol_to;   /* last eol() answer (every line is asked several times) */
  size_t nc_from;            /* last next_content() call: start offset, */
  pos nc_to;         /* its answer (a value looks ahead, then its map asks again) */
  size_t nc_ind;
  bool nc_ok;
} fp;


/*
 * Number of UTF-8 continuation bytes in s[0..n) (columns count characters,
 * as libyaml's do); eight ASCII bytes at a time.
 */
static size_t continuation_bytes(const char *s, size_t n)
{
  const uint64_t highs = 0x8080808080808080u;
  size_t k = 0, c = 0;
  for (; n - k >= 8; k += 8) {
    uint64_t w;
    memcpy(&w, s + k, 8);
    if (!(w & highs))
      continue;
    for (size_t j = k; j < k + 8; j++)
      c += ((unsigned char)s[j] & 0xc0) == 0x80;
  }
  for (; k < n; k++)
    c += ((unsigned char)s[k] & 0xc0) == 0x80;
  return c;
}

static sg_y *node(fp *p, sg_ykind kind, const pos *at, size_t i)
{
  sg_y *y;
  if (++p->nodes > SG_MAX_NODES)
    return NULL;
  y = ctix__arena_alloc(p->a, sizeof(*y));
  if (!y)
    return NULL;
  *y = (sg_y){0};
  y->kind = kind;
  y->line = at->line;
  y->col = 1 + (unsigned)(i - at->bol - (p->ascii ? 0 : continuation_bytes(p->s + at->bol, i - at->bol)));
  return y;
}

static void append(sg_y *parent, sg_y *child)
{
  if (parent->last)
    parent->last->next = child;
  else
    parent->first = child;
  parent->last = child;
  parent->n++;
}

static size_t eol(fp *p, size_t i)
{
  const char *e;
  if (i == p->eol_from)
    return p->eol_to;
  e = memchr(p->s + i, '\n', p->n - i);
  p->eol_from = i;
  p->eol_to = e ? (size_t)(e - p->s) : p->n;
  return p->eol_to;
}

/* Moves to the next line that holds content; false at the end of input. */
static bool next_content(fp *p, pos *c, size_t *indent)
{
  size_t from = c->i;
  if (from == p->nc_from) {
    *c = p->nc_to;
    *indent = p->nc_ind;
    return p->nc_ok;
  }
  p->nc_from = from;
  p->nc_ok = false;
  while (c->i < p->n) {
    size_t k = c->i, e = eol(p, c->i);
    while (k < e && p->s[k] == ' ')
      k++;
    if (k < e && p->s[k] != '#') {
      *indent = p->nc_ind = k - c->i;
      p->nc_ok = true;
      break;
    }
    c->i = e < p->n ? e + 1 : p->n;
    c->bol = c->i;
    c->line++;
  }
  p->nc_to = *c;
  return p->nc_ok;
}

/* Only spaces and an optional comment remain on the line after i. */
static bool rest_empty(const fp *p, size_t i, size_t e)
{
  while (i < e && p->s[i] == ' ')
    i++;
  return i == e || (p->s[i] == '#' && (i == 0 || p->s[i - 1] == ' '));
}

static sg_y *scalar(fp *p, const pos *at, size_t i, const char *txt, size_t len, bool plain)
{
  sg_y *y = node(p, SG_Y_SCALAR, at, i);
  if (!y)
    return NULL;
  y->str = ctix__arena_strndup(p->a, txt, len);
  y->len = len;
  y->plain = plain;
  return y->str ? y : NULL;
}

static int hexval(int c)
{
  if (ctix__isdigit(c))
    return c - '0';
  c = ctix__lower(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A quoted scalar starting at i, ending on the same line; *end after it. */
static int quoted(fp *p, const pos *at, size_t i, size_t e, sg_y **out, size_t *end)
{
  char q = p->s[i];
  ctix_buf b = CTIX_BUF_INIT(CTIX_SIGMA_MAX_INPUT);
  size_t k = i + 1;
  int rc = NO;
  /* common case: no escape before the closing quote */
  while (k < e && p->s[k] != q && p->s[k] != '\\')
    k++;
  if (k < e && p->s[k] == q && (q == '"' || k + 1 >= e || p->s[k + 1] != '\'')) {
    *end = k + 1;
    *out = scalar(p, at, i, p->s + i + 1, k - i - 1, false);
    return *out ? 0 : CTIX_ENOMEM;
  }
  ctix__buf_add(&b, p->s + i + 1, k - i - 1);
  while (k < e) {
    char c = p->s[k];
    size_t run = k;
    while (run < e && p->s[run] != q && !(q == '"' && p->s[run] == '\\'))
      run++;
    if (run > k) {             /* plain characters: one copy */
      ctix__buf_add(&b, p->s + k, run - k);
      k = run;
      continue;
    }
    if (c == q) {
      if (q == '\'' && k + 1 < e && p->s[k + 1] == '\'') {
        ctix__buf_addc(&b, '\'');
        k += 2;
        continue;
      }
      rc = 0;
      break;
    }
    if (q == '"' && c == '\\') {
      char x = k + 1 < e ? p->s[k + 1] : 0;
      unsigned long cp = 0;
      int digits = x == 'x' ? 2 : x == 'u' ? 4 : x == 'U' ? 8 : 0;
      switch (x) {
      case '\\': case '"': case '/': ctix__buf_addc(&b, x); break;
      case 'n': ctix__buf_addc(&b, '\n'); break;
      case 't': ctix__buf_addc(&b, '\t'); break;
      case 'r': ctix__buf_addc(&b, '\r'); break;
      case '0': ctix__buf_addc(&b, '\0'); break;
      case ' ': ctix__buf_addc(&b, ' '); break;
      case 'x': case 'u': case 'U': {
        char u[4];
        size_t ul;
        for (int d = 0; d < digits; d++) {
          int h = k + 2 + (size_t)d < e ? hexval((unsigned char)p->s[k + 2 + d]) : -1;
          if (h < 0)
            goto done;
          cp = cp * 16 + (unsigned long)h;
        }
        if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
          goto done;
        ul = ctix__utf8_encode((uint32_t)cp, u);
        if (!ul)
          goto done;
        ctix__buf_add(&b, u, ul);
        k += (size_t)digits;
        break;
      }
      default:
        goto done;
      }
      k += 2;
      continue;
    }
    ctix__buf_addc(&b, c);
    k++;
  }
  if (rc || b.err)
    goto done;
  rc = NO;
  if (b.data && memchr(b.data, 0, b.len))
    goto done;
  *end = k + 1;
  *out = scalar(p, at, i, b.data ? b.data : "", b.len, false);
  rc = *out ? 0 : CTIX_ENOMEM;
done:
  ctix__buf_free(&b);
  return rc;
}

static bool plain_start_ok(const fp *p, size_t i, size_t e)
{
  char c = p->s[i];
  if (strchr("[]{},#&*!|>'\"%@`", c))
    return false;
  if ((c == '-' || c == '?' || c == ':') && (i + 1 >= e || p->s[i + 1] == ' '))
    return false;
  return true;
}

/* Offset of the first `c` in s[i..e), or e. */
static size_t find(const fp *p, size_t i, size_t e, char c)
{
  const char *h = i < e ? memchr(p->s + i, c, e - i) : NULL;
  return h ? (size_t)(h - p->s) : e;
}

/* Offset of the first comment (`#` after a space) in s[i..e) (i > 0), or e. */
static size_t comment_at(const fp *p, size_t i, size_t e)
{
  size_t k;
  for (k = find(p, i, e, '#'); k < e && p->s[k - 1] != ' '; k = find(p, k + 1, e, '#'))
    ;
  return k;
}

/* Offset of the first `: ` (or `:` ending the line at e) in s[i..end), or end. */
static size_t key_colon(const fp *p, size_t i, size_t end, size_t e)
{
  size_t k;
  for (k = find(p, i, end, ':'); k < end && !(k + 1 == e || p->s[k + 1] == ' ');
       k = find(p, k + 1, end, ':'))
    ;
  return k;
}

/* A plain scalar to the end of the line (comments cut, spaces trimmed). */
static int plain(fp *p, const pos *at, size_t i, size_t e, sg_y **out)
{
  size_t end;
  if (!plain_start_ok(p, i, e))
    return NO;
  end = comment_at(p, i, e);
  if (key_colon(p, i, end, e) < end)
    return NO;
  while (end > i && p->s[end - 1] == ' ')
    end--;
  *out = scalar(p, at, i, p->s + i, end - i, true);
  return *out ? 0 : CTIX_ENOMEM;
}

/* What a scalar of a one-line flow collection is (flow_scalar). */
typedef enum { FLOW_ITEM, FLOW_KEY, FLOW_VALUE } flow_role;

/*
 * One scalar of a one-line flow collection at *kp: quoted (not as a key),
 * or plain up to the next ',', bracket or brace, a key up to its ": ";
 * no ':' in a mapping's plain keys and values beyond that. *kp moves past
 * it.
 */
static int flow_scalar(fp *p, const pos *at, size_t *kp, size_t e, flow_role role, sg_y **out)
{
  size_t k = *kp, st, en;
  if (p->s[k] == '\'' || p->s[k] == '"') {
    int rc;
    if (role == FLOW_KEY)
      return NO;
    rc = quoted(p, at, k, e, out, kp);
    return rc;
  }
  /* '?' and ':' open a key or a value anywhere in a flow collection */
  if (strchr("[]{},#&*!|>%@`'\"?:", p->s[k]) ||
      (p->s[k] == '-' && (k + 1 >= e || p->s[k + 1] == ' ')))
    return NO;
  st = k;
  while (k < e && !strchr(",[]{}#", p->s[k])) {
    if (p->s[k] == ':') {
      if (role == FLOW_KEY && k + 1 < e && p->s[k + 1] == ' ')
        break;                       /* the key's ": " */
      if (role != FLOW_ITEM || k + 1 >= e || strchr(" ,?[]{}", p->s[k + 1]))
        return NO;
    }
    k++;
  }
  if ((k < e && p->s[k] == '#') || (role == FLOW_KEY && (k >= e || p->s[k] != ':' ||
                                                       k - st > SIMPLE_KEY_MAX)))
    return NO;
  en = k;
  while (en > st && p->s[en - 1] == ' ')
    en--;
  *out = scalar(p, at, st, p->s + st, en - st, true);
  if (!*out)
    return CTIX_ENOMEM;
  *kp = k;
  return 0;
}

/*
 * A flow sequence of scalars, [a, 'b', "c"], or with `map` a flow mapping
 * of plain keys and values that are scalars or such sequences, {a: 1,
 * b: [c, d]}, starting at i and closed on the same line; *end is the
 * offset of its closing bracket.
 */
static int flow_collection(fp *p, const pos *at, size_t i, size_t e, bool map, sg_y **out,
                           size_t *end)
{
  sg_y *coll;
  char close = map ? '}' : ']';
  size_t k = i + 1;
  if (++p->depth > SG_MAX_DEPTH / 2)
    return NO;
  if (!(coll = node(p, map ? SG_Y_MAP : SG_Y_SEQ, at, i)))
    return CTIX_ENOMEM;
  for (;;) {
    sg_y *it, *key = NULL;
    int rc;
    while (k < e && p->s[k] == ' ')
      k++;
    if (k < e && p->s[k] == close && coll->n == 0)
      break;
    if (k >= e)
      return NO;
    if (map) {
      if ((rc = flow_scalar(p, at, &k, e, FLOW_KEY, &key)))
        return rc;
      k += 2;                        /* ": " */
      while (k < e && p->s[k] == ' ')
        k++;
      if (k >= e)
        return NO;
    }
    if (map && p->s[k] == '[') {
      if ((rc = flow_collection(p, at, k, e, false, &it, &k)))
        return rc;
      k++;
    } else if ((rc = flow_scalar(p, at, &k, e, map ? FLOW_VALUE : FLOW_ITEM, &it))) {
      return rc;
    }
    if (key) {
      it->key = key->str;
      it->kline = key->line;
      it->kcol = key->col;
    }
    append(coll, it);
    while (k < e && p->s[k] == ' ')
      k++;
    if (k < e && p->s[k] == ',') {
      k++;
      continue;
    }
    if (k < e && p->s[k] == close)
      break;
    return NO;
  }
  p->depth--;
  *out = coll;
  *end = k;
  return 0;
}

/*
 * A literal block scalar (`|`, `|-`, `|+`) whose header ends at e, or with
 * `folded` a folded one (`>`, `>-`, `>+`) in its plain form: lines of the
 * same indentation without trailing spaces, no empty line before or
 * between them, joined by single spaces (anything else is libyaml's).
 */
static int literal(fp *p, pos *c, size_t i, size_t e, size_t parent_indent, bool folded,
                   sg_y **out)
{
  char chomp = 0;
  size_t k = i + 1, ind = 0, trailing = 0;
  bool spaces_eof = false;
  ctix_buf b = CTIX_BUF_INIT(CTIX_SIGMA_MAX_INPUT);
  pos at = *c;
  int rc = 0;
  if (k < e && (p->s[k] == '-' || p->s[k] == '+'))
    chomp = p->s[k++];
  if (!rest_empty(p, k, e))
    return NO;
  /* next lines: the first non-empty one fixes the indentation */
  c->i = e < p->n ? e + 1 : p->n;
  c->bol = c->i;
  c->line++;
  while (c->i < p->n) {
    size_t le = eol(p, c->i), sp = 0;
    while (c->i + sp < le && p->s[c->i + sp] == ' ')
      sp++;
    if (c->i + sp == le) {          /* empty or spaces-only line */
      if (folded && ind && sp > ind) {
        rc = NO;                     /* a more indented line keeps its break */
        break;
      }
      if (ind && sp > ind) {
        if (le == p->n) {
          rc = NO;                   /* spaces past the indentation, no line break after */
          break;
        }
        ctix__buf_add(&b, p->s + c->i + ind, sp - ind);
        trailing = 0;
        ctix__buf_addc(&b, '\n');
      } else if (!ind && sp > parent_indent) {
        rc = NO;                     /* leading spaces-only lines: libyaml rules differ */
        break;
      } else if (le == p->n) {
        spaces_eof = true;           /* a last line of spaces without a break adds nothing */
      } else {
        ctix__buf_addc(&b, '\n');
        trailing++;
      }
    } else {
      if (!ind) {
        if (sp <= parent_indent)
          break;
        ind = sp;
      } else if (sp < ind) {
        break;
      }
      if (folded) {
        if (sp > ind || trailing || p->s[le - 1] == ' ') {
          rc = NO;                   /* more indented, after empty lines, or trailing spaces */
          break;
        }
        if (b.len)
          b.data[b.len - 1] = ' '; /* the line break between two lines folds */
      }
      ctix__buf_add(&b, p->s + c->i + ind, le - c->i - ind);
      ctix__buf_addc(&b, '\n');
      trailing = 0;
    }
    c->i = le < p->n ? le + 1 : p->n;
    c->bol = c->i;
    c->line++;
    if (le == p->n)
      break;
  }
  if (!rc && b.len && p->s[p->n - 1] != '\n' && c->i == p->n && trailing == 0 && !spaces_eof) {
    /* the last content line had no line break in the input */
    ctix__buf_truncate(&b, b.len - 1);
    if (chomp == '+' || chomp == 0)
      rc = NO;
  }
  if (!rc && !b.err) {
    size_t len = b.len;
    if (chomp != '+') {
      while (len && b.data[len - 1] == '\n')
        len--;
      if (chomp == 0 && len)
        len++;               /* clip: keep one line break */
      if (chomp == 0 && !ind)
        len = 0;
    }
    if (b.data && memchr(b.data, 0, len))
      rc = NO;
    else {
      *out = scalar(p, &at, i, b.data ? b.data : "", len, false);
      rc = *out ? 0 : CTIX_ENOMEM;
    }
  } else if (!rc) {
    rc = NO;
  }
  ctix__buf_free(&b);
  return rc;
}

static int block(fp *p, pos *c, size_t indent, sg_y **out);

/*
 * The value after "key:" or "- " at offset i of the current line: inline
 * scalar / flow sequence / literal, or a nested block on the next lines
 * (a sequence may sit at the parent's own indentation after a key), or null.
 */
static int value(fp *p, pos *c, size_t i, size_t parent_indent, bool after_key, sg_y **out)
{
  size_t e = eol(p, c->i), ind;
  pos save;
  int rc;
  while (i < e && p->s[i] == ' ')
    i++;
  if (i < e && !(p->s[i] == '#' && p->s[i - 1] == ' ')) {
    char ch = p->s[i];
    if (ch == '|' || ch == '>')
      return literal(p, c, i, e, parent_indent, ch == '>', out);
    if (ch == '[' || ch == '{') {
      size_t fe;
      rc = flow_collection(p, c, i, e, ch == '{', out, &fe);
      if (!rc && !rest_empty(p, fe + 1, e))
        rc = NO;
    } else if (ch == '\'' || ch == '"') {
      size_t qe;
      rc = quoted(p, c, i, e, out, &qe);
      if (!rc && !rest_empty(p, qe, e))
        rc = NO;
    } else
      rc = plain(p, c, i, e, out);
    if (rc)
      return rc;
    c->i = e < p->n ? e + 1 : p->n;
    c->bol = c->i;
    c->line++;
    /* a more indented line right after a scalar would continue it */
    save = *c;
    if (next_content(p, &save, &ind) && ind > parent_indent)
      return NO;
    return 0;
  }
  /* nothing on this line: a nested block or null */
  save = *c;
  save.i = e < p->n ? e + 1 : p->n;
  save.bol = save.i;
  save.line++;
  if (next_content(p, &save, &ind) &&
      (ind > parent_indent ||
       (after_key && ind == parent_indent && p->s[save.i + ind] == '-' &&
        (save.i + ind + 1 >= p->n || p->s[save.i + ind + 1] == ' ' || p->s[save.i + ind + 1] == '\n')))) {
    *c = save;
    return block(p, c, ind, out);
  }
  return NO;  /* empty values: libyaml's positions for them are not reproduced */
}

/*
 * Reads a key at i (plain up to ": ", or quoted on one line with the ':'
 * right after its closing quote); *vi is where its value starts.
 */
static int key(fp *p, const pos *c, size_t i, size_t e, sg_y **out, size_t *vi)
{
  size_t k, end;
  if (p->s[i] == '\'' || p->s[i] == '"') {
    int rc = quoted(p, c, i, e, out, &k);
    if (rc)
      return rc;
    if (k >= e || p->s[k] != ':' || (k + 1 < e && p->s[k + 1] != ' ') || k - i > SIMPLE_KEY_MAX)
      return NO;
    *vi = k + 1;
    return 0;
  }
  if (!plain_start_ok(p, i, e))
    return NO;
  k = key_colon(p, i, e, e);   /* a '#' or a ':' cannot start a key: i + 1 <= k */
  if (k >= e || comment_at(p, i + 1, k) < k || k - i > SIMPLE_KEY_MAX)
    return NO;
  end = k;
  while (end > i && p->s[end - 1] == ' ')
    end--;
  *out = scalar(p, c, i, p->s + i, end - i, true);
  *vi = k + 1;
  return *out ? 0 : CTIX_ENOMEM;
}

/* A block mapping whose keys sit at column `indent` (first key at c). */
static int mapping(fp *p, pos *c, size_t indent, size_t first, sg_y **out)
{
  sg_y *map = node(p, SG_Y_MAP, c, c->i + first);
  size_t ind = indent, at = first;
  int rc;
  if (!map)
    return CTIX_ENOMEM;
  for (;;) {
    sg_y *k, *v;
    size_t vi, e = eol(p, c->i);
    rc = key(p, c, c->i + at, e, &k, &vi);
    if (rc)
      return rc;
    rc = value(p, c, vi, indent, true, &v);
    if (rc)
      return rc;
    v->key = k->str;
    v->kline = k->line;
    v->kcol = k->col;
    append(map, v);
    if (!next_content(p, c, &ind) || ind < indent)
      break;
    if (ind > indent || p->s[c->i + ind] == '-')
      return NO;
    at = ind;
  }
  *out = map;
  return 0;
}

/* A block sequence whose dashes sit at column `indent`. */
static int sequence(fp *p, pos *c, size_t indent, sg_y **out)
{
  sg_y *seq = node(p, SG_Y_SEQ, c, c->i + indent);
  size_t ind = indent;
  int rc;
  if (!seq)
    return CTIX_ENOMEM;
  for (;;) {
    size_t e = eol(p, c->i), i = c->i + indent + 1, k;
    sg_y *v;
    while (i < e && p->s[i] == ' ')
      i++;
    if (i < e && p->s[i] == '-' && (i + 1 >= e || p->s[i + 1] == ' '))
      return NO;   /* "- - x" */
    /* "- key: value" opens a mapping at the key's column */
    k = i;
    if (i < e && p->s[i] != '\'' && p->s[i] != '"' && p->s[i] != '[' && p->s[i] != '{' &&
        p->s[i] != '|') {
      size_t cm = comment_at(p, i, e), kc = key_colon(p, i, cm, e);
      k = kc < cm ? kc : cm;   /* the first of a key's colon and a comment */
    }
    if (++p->depth > SG_MAX_DEPTH)
      return NO;
    if (k < e && p->s[k] == ':' && p->s[i] != '\'' && p->s[i] != '"' && p->s[i] != '[' &&
        p->s[i] != '{' && p->s[i] != '|')
      rc = mapping(p, c, i - c->i, i - c->i, &v);
    else
      rc = value(p, c, i, indent, false, &v);
    p->depth--;
    if (rc)
      return rc;
    append(seq, v);
    if (!next_content(p, c, &ind) || ind < indent)
      break;
    if (ind > indent)
      return NO;
    /* a key at the same column ends a sequence that is a key's value */
    if (p->s[c->i + ind] != '-' ||
        !(c->i + ind + 1 >= p->n || p->s[c->i + ind + 1] == ' ' || p->s[c->i + ind + 1] == '\n'))
      break;
  }
  *out = seq;
  return 0;
}

static int block(fp *p, pos *c, size_t indent, sg_y **out)
{
  size_t i = c->i + indent;
  int rc;
  if (++p->depth > SG_MAX_DEPTH)
    return NO;
  if (p->s[i] == '-' && (i + 1 >= p->n || p->s[i + 1] == ' ' || p->s[i + 1] == '\n'))
    rc = sequence(p, c, indent, out);
  else
    rc = mapping(p, c, indent, indent, out);
  p->depth--;
  return rc;
}

/* True if the 8 bytes at s are all printable ASCII (0x20..0x7e). */
static bool printable8(const char *s)
{
  const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
  uint64_t w, x;
  memcpy(&w, s, 8);
  x = w ^ (0x7f * ones);
  return !((w | ((w - 0x20 * ones) & ~w) | ((x - ones) & ~x)) & highs);
}

/*
 * The characters the subset allows (printable ASCII, line feeds, UTF-8 that
 * YAML reads as printable and not as a line break) and no document marker
 * or directive at the start of a line; anything else is libyaml's.
 * *ascii tells whether every byte is below 0x80.
 */
static bool subset_text(const char *data, size_t len, bool *ascii)
{
  size_t i = 0;
  for (;;) {
    /* at the start of a line */
    if (len - i >= 3 && (memcmp(data + i, "---", 3) == 0 || memcmp(data + i, "...", 3) == 0) &&
        (len - i == 3 || data[i + 3] == ' ' || data[i + 3] == '\n'))
      return false;
    if (i < len && data[i] == '%')
      return false;
    for (;;) {
      unsigned char ch;
      uint32_t cp;
      size_t l;
      while (len - i >= 8 && printable8(data + i))
        i += 8;
      if (i >= len)
        return true;
      ch = (unsigned char)data[i];
      if (ch >= 0x20 && ch < 0x7f) {
        i++;
        continue;
      }
      if (ch == '\n') {
        i++;
        break;
      }
      if (ch < 0x80)
        return false;
      *ascii = false;
      l = ctix__utf8_decode((const unsigned char *)data + i, len - i, &cp);
      if (!l || cp < 0xa0 || cp == 0x2028 || cp == 0x2029 || cp == 0xfeff || cp == 0xfffe ||
          cp == 0xffff)
        return false;
      i += l;
    }
    if (i >= len)
      return true;
  }
}

int ctix__sg_yaml_parse_fast(sg_y **out, ctix_arena *arena, const char *data, size_t len)
{
  fp p;
  pos c = {0, 1, 0};
  size_t ind;
  int rc;
  *out = NULL;
  if (len == 0)
    return NO;   /* tabs, CR and NUL are refused by the character scan below */
  memset(&p, 0, sizeof(p));
  p.ascii = true;
  if (!subset_text(data, len, &p.ascii))
    return NO;
  p.s = data;
  p.n = len;
  p.a = arena;
  p.eol_from = SIZE_MAX;
  p.nc_from = SIZE_MAX;
  if (!next_content(&p, &c, &ind) || ind != 0)
    return NO;
  if ((len - c.i >= 3 && (memcmp(data + c.i, "---", 3) == 0 || memcmp(data + c.i, "...", 3) == 0)) ||
      data[c.i] == '%')
    return NO;
  rc = block(&p, &c, 0, out);
  if (!rc && next_content(&p, &c, &ind))
    rc = NO;   /* content left over (less indented, or a second block) */
  if (rc)
    *out = NULL;
  return rc;
}
