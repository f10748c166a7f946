/*
 * The streaming JSON writer of the export formats (see jsonw.h): tracks the
 * open containers to place separators and indentation, and turns misuse
 * (a value where a key is due, too deep nesting) into a sticky error
 * instead of malformed output. A two-form writer appends every byte that
 * is not white space to its compact buffer too, so both forms come from
 * one pass.
 */
#include "export/jsonw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/json.h"
#include "util/str.h"

/* A line break and the deepest indentation (two spaces per level):
 * newline() copies the prefix it needs in one piece. */
#define S8 "        "
static const char nl_indent[] = "\n" S8 S8 S8 S8 S8 S8 S8 S8 S8 S8 S8 S8;
#undef S8
_Static_assert(sizeof(nl_indent) == 2 + 2 * CTIX__JSONW_MAX_DEPTH, "one indentation per level");

void ctix__jsonw_init_max(ctix__jsonw *w, bool pretty, size_t max)
{
  memset(w, 0, sizeof(*w));
  ctix__buf_init(&w->b, max);
  ctix__buf_init(&w->c, max);
  w->pretty = pretty;
}

void ctix__jsonw_init(ctix__jsonw *w, bool pretty)
{
  ctix__jsonw_init_max(w, pretty, (size_t)-1 / 2);
}

void ctix__jsonw_init_both(ctix__jsonw *w, size_t max)
{
  ctix__jsonw_init_max(w, true, max);
  w->both = true;
}

void ctix__jsonw_free(ctix__jsonw *w)
{
  ctix__buf_free(&w->b);
  ctix__buf_free(&w->c);
}

/* Appends p[0..n), which is not white space, to every form. */
static void put(ctix__jsonw *w, const char *p, size_t n)
{
  ctix__buf_add_inline(&w->b, p, n);
  if (w->both)
    ctix__buf_add_inline(&w->c, p, n);
}

/* Copies what was appended to the first form since offset `at` to the
 * compact one (a value or a key: no white space outside its strings). */
static void mirror(ctix__jsonw *w, size_t at)
{
  if (w->both && w->b.len > at)
    ctix__buf_add_inline(&w->c, w->b.data + at, w->b.len - at);
}

/*
 * A quoted, escaped string (util/json.h) into the first form. Nearly every
 * key and value needs no escape: those are copied with their quotes in
 * one step.
 */
static void qstring(ctix__jsonw *w, const char *s, size_t n)
{
  ctix_buf *b = &w->b;
  if (ctix__json_plain_prefix(s, n) == n && ctix__buf_grow(b, n + 2) == 0) {
    char *p = b->data + b->len;
    p[0] = '"';
    memcpy(p + 1, s, n);
    p[n + 1] = '"';
    b->len += n + 2;
    b->data[b->len] = '\0';
    return;
  }
  ctix__buf_add_inline(b, "\"", 1);
  ctix__json_escape(b, s, n);
  ctix__buf_add_inline(b, "\"", 1);
}

static void newline(ctix__jsonw *w, int depth)
{
  ctix__buf_add_inline(&w->b, nl_indent, 1 + 2 * (size_t)depth);
}

static bool in_inline(const ctix__jsonw *w)
{
  return w->inline_from && w->depth >= w->inline_from;
}

/*
 * Places what precedes a new element of the current container (comma and
 * line break) and checks that an element may start here. `is_key` is true
 * for a member name.
 */
static void before(ctix__jsonw *w, bool is_key)
{
  char k = w->depth ? w->kind[w->depth - 1] : 0;
  if (w->after_key) {
    if (is_key)
      w->err = w->err ? w->err : CTIX_EINVAL;
    w->after_key = false;
    return;
  }
  if ((k == '{') != is_key) {
    /* A key outside an object, or a value in an object without its key. */
    if (!(k == 0 && !is_key && w->b.len == 0))
      w->err = w->err ? w->err : CTIX_EINVAL;
    if (k == 0)
      return;
  }
  if (!w->depth)
    return;
  if (!w->first[w->depth - 1])
    put(w, ",", 1);
  if (w->pretty) {
    if (in_inline(w)) {
      if (!w->first[w->depth - 1])
        ctix__buf_add_inline(&w->b, " ", 1);
    } else {
      newline(w, w->depth);
    }
  }
  w->first[w->depth - 1] = false;
}

static void open_container(ctix__jsonw *w, char c, bool one_line)
{
  before(w, false);
  if (w->depth >= CTIX__JSONW_MAX_DEPTH) {
    w->err = w->err ? w->err : CTIX_EINVAL;
    return;
  }
  put(w, &c, 1);
  w->kind[w->depth] = c;
  w->first[w->depth] = true;
  w->depth++;
  if (one_line && !w->inline_from)
    w->inline_from = w->depth;
}

void ctix__jsonw_object(ctix__jsonw *w) { open_container(w, '{', false); }
void ctix__jsonw_array(ctix__jsonw *w) { open_container(w, '[', false); }
void ctix__jsonw_object_inline(ctix__jsonw *w) { open_container(w, '{', true); }
void ctix__jsonw_array_inline(ctix__jsonw *w) { open_container(w, '[', true); }

void ctix__jsonw_end(ctix__jsonw *w)
{
  bool empty, was_inline;
  char c;
  if (!w->depth || w->after_key) {
    w->err = w->err ? w->err : CTIX_EINVAL;
    return;
  }
  empty = w->first[w->depth - 1];
  was_inline = in_inline(w);
  c = w->kind[w->depth - 1] == '{' ? '}' : ']';
  w->depth--;
  if (w->inline_from > w->depth)
    w->inline_from = 0;
  if (w->pretty && !empty && !was_inline)
    newline(w, w->depth);
  put(w, &c, 1);
}

void ctix__jsonw_key(ctix__jsonw *w, const char *key)
{
  size_t at;
  before(w, true);
  at = w->b.len;
  qstring(w, key ? key : "", key ? strlen(key) : 0);
  mirror(w, at);
  if (w->pretty)
    ctix__buf_add_inline(&w->b, ": ", 2);
  else
    ctix__buf_add_inline(&w->b, ":", 1);
  if (w->both)
    ctix__buf_add_inline(&w->c, ":", 1);
  w->after_key = true;
}

void ctix__jsonw_strn(ctix__jsonw *w, const char *s, size_t n)
{
  size_t at;
  before(w, false);
  at = w->b.len;
  if (s)
    qstring(w, s, n);
  else
    ctix__buf_add_inline(&w->b, "null", 4);
  mirror(w, at);
}

void ctix__jsonw_str(ctix__jsonw *w, const char *s)
{
  ctix__jsonw_strn(w, s, s ? strlen(s) : 0);
}

/* Decimal digits of v (with '-' when `neg`), as printf's %llu / %lld. */
static void put_decimal(ctix__jsonw *w, uint64_t v, bool neg)
{
  char d[CTIX__U64_DEC_MAX];
  size_t n;
  char *p = ctix__u64_dec(d, v, &n);
  if (neg) {
    *--p = '-';
    n++;
  }
  put(w, p, n);
}

void ctix__jsonw_int(ctix__jsonw *w, int64_t v)
{
  before(w, false);
  /* the magnitude in unsigned arithmetic: INT64_MIN has no positive int64 */
  put_decimal(w, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0);
}

void ctix__jsonw_uint(ctix__jsonw *w, uint64_t v)
{
  before(w, false);
  put_decimal(w, v, false);
}

void ctix__jsonw_fixed(ctix__jsonw *w, double v, int decimals)
{
  static const double scale[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
  double r;
  size_t at;
  before(w, false);
  if (decimals < 0)
    decimals = 0;
  if (decimals > 9)
    decimals = 9;
  if (!isfinite(v) || fabs(v) > 1e15) {
    put(w, "0", 1);
    return;
  }
  /* Round once, in decimal steps, so printf's own rounding never differs. */
  r = round(v * scale[decimals]) / scale[decimals];
  if (r == 0)
    r = 0; /* no "-0.00" */
  at = w->b.len;
  ctix__buf_addf(&w->b, "%.*f", decimals, r);
  mirror(w, at);
}

void ctix__jsonw_bool(ctix__jsonw *w, bool v)
{
  before(w, false);
  if (v)
    put(w, "true", 4);
  else
    put(w, "false", 5);
}

void ctix__jsonw_null(ctix__jsonw *w)
{
  before(w, false);
  put(w, "null", 4);
}

void ctix__jsonw_raw(ctix__jsonw *w, const char *s, size_t n)
{
  before(w, false);
  ctix__buf_add(&w->b, s, n);
  if (w->both)
    ctix__buf_add(&w->c, s, n);
}

void ctix__jsonw_kstr(ctix__jsonw *w, const char *key, const char *s)
{
  ctix__jsonw_key(w, key);
  ctix__jsonw_str(w, s);
}

void ctix__jsonw_kstrn(ctix__jsonw *w, const char *key, const char *s, size_t n)
{
  ctix__jsonw_key(w, key);
  ctix__jsonw_strn(w, s, n);
}

void ctix__jsonw_kint(ctix__jsonw *w, const char *key, int64_t v)
{
  ctix__jsonw_key(w, key);
  ctix__jsonw_int(w, v);
}

void ctix__jsonw_kuint(ctix__jsonw *w, const char *key, uint64_t v)
{
  ctix__jsonw_key(w, key);
  ctix__jsonw_uint(w, v);
}

void ctix__jsonw_kfixed(ctix__jsonw *w, const char *key, double v, int decimals)
{
  ctix__jsonw_key(w, key);
  ctix__jsonw_fixed(w, v, decimals);
}

void ctix__jsonw_kbool(ctix__jsonw *w, const char *key, bool v)
{
  ctix__jsonw_key(w, key);
  ctix__jsonw_bool(w, v);
}

void ctix__jsonw_knull(ctix__jsonw *w, const char *key)
{
  ctix__jsonw_key(w, key);
  ctix__jsonw_null(w);
}

int ctix__jsonw_error(const ctix__jsonw *w)
{
  return w->b.err ? w->b.err : w->c.err ? w->c.err : w->err;
}

/* Ends the document and hands over the first form and, when `compact` is
 * not NULL, the compact one; releases the buffers in every case. */
static int finish(ctix__jsonw *w, char **out, size_t *len, char **compact, size_t *clen,
                  ctix_error *err)
{
  int rc;
  *out = NULL;
  *len = 0;
  if (compact) {
    *compact = NULL;
    *clen = 0;
  }
  if (w->pretty)
    ctix__buf_add(&w->b, "\n", 1);
  if (!w->err && (w->depth || w->after_key))
    w->err = CTIX_EINVAL;
  rc = ctix__jsonw_error(w);
  if (rc) {
    ctix__jsonw_free(w);
    if (rc == CTIX_ETOOBIG)
      return ctix__error_set(err, rc, "JSON output exceeds the size limit");
    if (rc == CTIX_ENOMEM)
      return ctix__error_set(err, rc, "out of memory writing JSON");
    return ctix__error_set(err, rc, "JSON writer misuse (unbalanced containers or keys)");
  }
  *out = ctix__buf_detach(&w->b, len);
  if (compact)
    *compact = ctix__buf_detach(&w->c, clen);
  ctix__buf_free(&w->c);
  if (!*out || (compact && !*compact)) {
    free(*out);
    *out = NULL;
    *len = 0;
    if (compact) {
      free(*compact);
      *compact = NULL;
      *clen = 0;
    }
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory writing JSON");
  }
  return 0;
}

int ctix__jsonw_finish(ctix__jsonw *w, char **out, size_t *len, ctix_error *err)
{
  return finish(w, out, len, NULL, NULL, err);
}

int ctix__jsonw_finish_both(ctix__jsonw *w, char **pretty, size_t *plen, char **compact,
                            size_t *clen, ctix_error *err)
{
  if (!w->both) {
    *pretty = NULL; /* both NULL on failure, as the header says */
    *plen = 0;
    *compact = NULL;
    *clen = 0;
    ctix__jsonw_free(w);
    return ctix__error_set(err, CTIX_EINVAL, "JSON writer misuse (one form only)");
  }
  return finish(w, pretty, plen, compact, clen, err);
}
