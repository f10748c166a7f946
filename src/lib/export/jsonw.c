/*
 * The streaming JSON writer of the export formats (see jsonw.h): tracks the
 * open containers to place separators and indentation, and turns misuse
 * (a value where a key is due, too deep nesting) into a sticky error
 * instead of malformed output.
 */
#include "export/jsonw.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/err.h"
#include "util/json.h"

void ctix__jsonw_init_max(ctix__jsonw *w, bool pretty, size_t max)
{
  memset(w, 0, sizeof(*w));
  ctix__buf_init(&w->b, max);
  w->pretty = pretty;
}

void ctix__jsonw_init(ctix__jsonw *w, bool pretty)
{
  ctix__jsonw_init_max(w, pretty, (size_t)-1 / 2);
}

void ctix__jsonw_free(ctix__jsonw *w)
{
  ctix__buf_free(&w->b);
}

static void newline(ctix__jsonw *w, int depth)
{
  int i;
  ctix__buf_addc(&w->b, '\n');
  for (i = 0; i < depth; i++)
    ctix__buf_add(&w->b, "  ", 2);
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
    ctix__buf_addc(&w->b, ',');
  if (w->pretty) {
    if (in_inline(w)) {
      if (!w->first[w->depth - 1])
        ctix__buf_addc(&w->b, ' ');
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
  ctix__buf_addc(&w->b, c);
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
  ctix__buf_addc(&w->b, c);
}

void ctix__jsonw_key(ctix__jsonw *w, const char *key)
{
  before(w, true);
  ctix__json_string(&w->b, key ? key : "", key ? strlen(key) : 0);
  if (w->pretty)
    ctix__buf_add(&w->b, ": ", 2);
  else
    ctix__buf_addc(&w->b, ':');
  w->after_key = true;
}

void ctix__jsonw_strn(ctix__jsonw *w, const char *s, size_t n)
{
  before(w, false);
  if (s)
    ctix__json_string(&w->b, s, n);
  else
    ctix__buf_add(&w->b, "null", 4);
}

void ctix__jsonw_str(ctix__jsonw *w, const char *s)
{
  ctix__jsonw_strn(w, s, s ? strlen(s) : 0);
}

void ctix__jsonw_int(ctix__jsonw *w, int64_t v)
{
  before(w, false);
  ctix__buf_addf(&w->b, "%lld", (long long)v);
}

void ctix__jsonw_uint(ctix__jsonw *w, uint64_t v)
{
  before(w, false);
  ctix__buf_addf(&w->b, "%llu", (unsigned long long)v);
}

void ctix__jsonw_fixed(ctix__jsonw *w, double v, int decimals)
{
  static const double scale[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
  double r;
  before(w, false);
  if (decimals < 0)
    decimals = 0;
  if (decimals > 9)
    decimals = 9;
  if (!isfinite(v) || fabs(v) > 1e15) {
    ctix__buf_adds(&w->b, "0");
    return;
  }
  /* Round once, in decimal steps, so printf's own rounding never differs. */
  r = round(v * scale[decimals]) / scale[decimals];
  if (r == 0)
    r = 0; /* no "-0.00" */
  ctix__buf_addf(&w->b, "%.*f", decimals, r);
}

void ctix__jsonw_bool(ctix__jsonw *w, bool v)
{
  before(w, false);
  ctix__buf_adds(&w->b, v ? "true" : "false");
}

void ctix__jsonw_null(ctix__jsonw *w)
{
  before(w, false);
  ctix__buf_add(&w->b, "null", 4);
}

void ctix__jsonw_raw(ctix__jsonw *w, const char *s, size_t n)
{
  before(w, false);
  ctix__buf_add(&w->b, s, n);
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
  return w->b.err ? w->b.err : w->err;
}

int ctix__jsonw_finish(ctix__jsonw *w, char **out, size_t *len, ctix_error *err)
{
  int rc;
  *out = NULL;
  *len = 0;
  if (w->pretty)
    ctix__buf_addc(&w->b, '\n');
  if (!w->err && (w->depth || w->after_key))
    w->err = CTIX_EINVAL;
  rc = ctix__jsonw_error(w);
  if (rc) {
    ctix__buf_free(&w->b);
    if (rc == CTIX_ETOOBIG)
      return ctix__error_set(err, rc, "JSON output exceeds the size limit");
    if (rc == CTIX_ENOMEM)
      return ctix__error_set(err, rc, "out of memory writing JSON");
    return ctix__error_set(err, rc, "JSON writer misuse (unbalanced containers or keys)");
  }
  *out = ctix__buf_detach(&w->b, len);
  if (!*out)
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory writing JSON");
  return 0;
}
