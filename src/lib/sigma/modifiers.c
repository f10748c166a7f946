/*
 * Value modifiers of the Sigma specification. A detection item (field,
 * modifier chain, values) is lowered into an expression: each value runs
 * through the chain left to right as a list of variants (windash and
 * base64offset turn one value into several), then becomes a MATCH node
 * (several variants: an OR marked as an expansion); the values are ORed,
 * or ANDed under `all`. Special modifiers (re, cidr, exists, fieldref,
 * comparisons) give their own match kinds. Strings are kept decoded: the
 * Sigma escapes are resolved and wildcards/placeholders become the marker
 * bytes of sigma_internal.h.
 */
#include <stdio.h>
#include <string.h>

#include "sigma/sigma_internal.h"
#include "util/str.h"

typedef struct var {
  char *s;
  size_t n;
} var;

sg_expr *ctix__sg_expr_new(sg_ctx *cx, sg_eop op, size_t nkids)
{
  sg_expr *e;
  if (++cx->nodes > SG_MAX_EXPR) {
    ctix__error_set(cx->err, CTIX_ETOOBIG, "rule expands to more than %d expressions",
                    SG_MAX_EXPR);
    return NULL;
  }
  e = ctix__arena_calloc(cx->arena, 1, sizeof(*e));
  if (!e) {
    ctix__error_set(cx->err, CTIX_ENOMEM, "out of memory");
    return NULL;
  }
  e->op = op;
  if (nkids) {
    e->kids = ctix__arena_calloc(cx->arena, nkids, sizeof(sg_expr *));
    if (!e->kids) {
      ctix__error_set(cx->err, CTIX_ENOMEM, "out of memory");
      return NULL;
    }
  }
  return e;
}

int ctix__sg_str_decode(char **out, size_t *outn, ctix_arena *arena, const char *s, size_t n,
                        bool placeholders)
{
  /* bytes that need more than a copy ('%' only with placeholders, checked below) */
  static const unsigned char special[256] = {
    [1] = 1, [2] = 1, [3] = 1, [4] = 1, ['\\'] = 1, ['*'] = 1, ['?'] = 1, ['%'] = 1};
  char *d = ctix__arena_alloc(arena, n + 1);
  size_t i, o = 0;
  if (!d)
    return CTIX_ENOMEM;
  for (i = 0; i < n; i++) {
    unsigned char c;
    size_t run = i;
    while (run < n && !special[(unsigned char)s[run]])
      run++;
    if (run > i) {             /* plain bytes: one copy */
      memcpy(d + o, s + i, run - i);
      o += run - i;
      i = run;
      if (i == n)
        break;
    }
    c = (unsigned char)s[i];
    if (c >= 1 && c <= 4)
      return CTIX_EPARSE;
    if (c == '\\' && i + 1 < n && (s[i + 1] == '*' || s[i + 1] == '?' || s[i + 1] == '\\')) {
      d[o++] = s[++i];
    } else if (c == '*') {
      d[o++] = SG_WILD_MULTI;
    } else if (c == '?') {
      d[o++] = SG_WILD_SINGLE;
    } else if (c == '%' && placeholders) {
      const char *e = memchr(s + i + 1, '%', n - i - 1);
      size_t k;
      bool ok = e && e > s + i + 1;
      for (k = i + 1; ok && s + k < e; k++)
        ok = ctix__isalnum((unsigned char)s[k]) || s[k] == '_' || s[k] == '-' || s[k] == '.';
      if (ok) {
        d[o++] = SG_PH_OPEN;
        memcpy(d + o, s + i + 1, (size_t)(e - s - i - 1));
        o += (size_t)(e - s - i - 1);
        d[o++] = SG_PH_CLOSE;
        i = (size_t)(e - s);
      } else {
        d[o++] = '%';
      }
    } else {
      d[o++] = (char)c;
    }
  }
  d[o] = 0;
  *out = d;
  *outn = o;
  return 0;
}

/* ------------------------------------------------------------ variants */

static int push(ctix_buf *vs, ctix_arena *a, const char *s, size_t n)
{
  var v;
  v.s = ctix__arena_alloc(a, n + 1);
  if (!v.s)
    return CTIX_ENOMEM;
  memcpy(v.s, s, n);
  v.s[n] = 0;
  v.n = n;
  return ctix__buf_push(vs, &v, sizeof(v));
}

/* A variant with a leading / trailing `*` added unless it has one (built in the arena). */
static int wrap_var(var *w, ctix_arena *a, const var *v, bool pre, bool post)
{
  bool add_pre = pre && !(v->n && v->s[0] == SG_WILD_MULTI);
  bool add_post = post && !(v->n ? v->s[v->n - 1] == SG_WILD_MULTI : add_pre);
  size_t n = v->n + add_pre + add_post;
  char *s;
  if (n > SG_MAX_QUERY)
    return CTIX_ETOOBIG;
  s = ctix__arena_alloc(a, n + 1);
  if (!s)
    return CTIX_ENOMEM;
  if (add_pre)
    s[0] = SG_WILD_MULTI;
  memcpy(s + add_pre, v->s, v->n);
  if (add_post)
    s[n - 1] = SG_WILD_MULTI;
  s[n] = 0;
  w->s = s;
  w->n = n;
  return 0;
}

static int wrap(ctix_buf *out, ctix_arena *a, const var *v, bool pre, bool post)
{
  var w;
  int rc = wrap_var(&w, a, v, pre, post);
  return rc ? rc : ctix__buf_push(out, &w, sizeof(w));
}

/* Encodes UTF-8 text as UTF-16 (le/be, optional BOM). */
static int utf16(ctix_buf *out, ctix_arena *a, const var *v, bool be, bool bom)
{
  ctix_buf b = CTIX_BUF_INIT(SG_MAX_QUERY);
  size_t i = 0;
  int rc;
  if (bom)
    ctix__buf_add(&b, be ? "\xfe\xff" : "\xff\xfe", 2);
  while (i < v->n) {
    unsigned char c = (unsigned char)v->s[i];
    unsigned cp, len = 1;
    if (c < 0x80) cp = c;
    else if ((c & 0xe0) == 0xc0) { cp = c & 0x1f; len = 2; }
    else if ((c & 0xf0) == 0xe0) { cp = c & 0x0f; len = 3; }
    else { cp = c & 0x07; len = 4; }
    if (i + len > v->n) { cp = 0xfffd; len = (unsigned)(v->n - i); }
    else for (unsigned k = 1; k < len; k++) cp = (cp << 6) | ((unsigned char)v->s[i + k] & 0x3f);
    i += len;
    if (cp >= 0x10000) {
      unsigned hi = 0xd800 + ((cp - 0x10000) >> 10), lo = 0xdc00 + ((cp - 0x10000) & 0x3ff);
      unsigned u[2] = {hi, lo};
      for (int k = 0; k < 2; k++) {
        ctix__buf_addc(&b, (char)(be ? u[k] >> 8 : u[k] & 0xff));
        ctix__buf_addc(&b, (char)(be ? u[k] & 0xff : u[k] >> 8));
      }
    } else {
      ctix__buf_addc(&b, (char)(be ? cp >> 8 : cp & 0xff));
      ctix__buf_addc(&b, (char)(be ? cp & 0xff : cp >> 8));
    }
  }
  rc = b.err ? b.err : push(out, a, b.data ? b.data : "", b.len);
  ctix__buf_free(&b);
  return rc;
}

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void b64(ctix_buf *b, const unsigned char *p, size_t n)
{
  size_t i;
  for (i = 0; i + 2 < n; i += 3) {
    unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
    ctix__buf_addc(b, b64chars[v >> 18]);
    ctix__buf_addc(b, b64chars[(v >> 12) & 63]);
    ctix__buf_addc(b, b64chars[(v >> 6) & 63]);
    ctix__buf_addc(b, b64chars[v & 63]);
  }
  if (n - i == 1) {
    unsigned v = (unsigned)p[i] << 16;
    ctix__buf_addc(b, b64chars[v >> 18]);
    ctix__buf_addc(b, b64chars[(v >> 12) & 63]);
    ctix__buf_adds(b, "==");
  } else if (n - i == 2) {
    unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
    ctix__buf_addc(b, b64chars[v >> 18]);
    ctix__buf_addc(b, b64chars[(v >> 12) & 63]);
    ctix__buf_addc(b, b64chars[(v >> 6) & 63]);
    ctix__buf_addc(b, '=');
  }
}

/*
 * base64offset: the three encodings of the value shifted by 0, 1 and 2
 * bytes, trimmed to the characters that do not depend on the neighbours.
 */
static int b64offset(ctix_buf *out, ctix_arena *a, const var *v)
{
  static const size_t start[3] = {0, 2, 3};
  static const size_t endcut[3] = {0, 3, 2};
  int rc = 0;
  for (size_t i = 0; i < 3 && !rc; i++) {
    ctix_buf in = CTIX_BUF_INIT(SG_MAX_QUERY), enc = CTIX_BUF_INIT(SG_MAX_QUERY);
    size_t cut = endcut[(v->n + i) % 3];
    ctix__buf_add(&in, "  ", i);
    ctix__buf_add(&in, v->s, v->n);
    b64(&enc, (const unsigned char *)(in.data ? in.data : ""), in.len);
    if (in.err || enc.err)
      rc = CTIX_ENOMEM;
    else if (enc.len >= start[i] + cut)
      rc = push(out, a, enc.data + start[i], enc.len - start[i] - cut);
    else
      rc = push(out, a, "", 0);
    ctix__buf_free(&in);
    ctix__buf_free(&enc);
  }
  return rc;
}

static bool word_byte(unsigned char c)
{
  return ctix__isalnum(c) || c == '_' || c >= 0x80;
}

/*
 * windash: every '-' or '/' that starts a word (no word character before,
 * one after) takes each of the five dash forms; several positions give
 * every combination, the first position varying slowest.
 */
static int windash(ctix_buf *out, ctix_arena *a, const var *v)
{
  static const char *const dashes[5] = {"-", "/", "\xe2\x80\x93", "\xe2\x80\x94", "\xe2\x80\x95"};
  size_t pos[16], np = 0, i, total = 1, k;
  int rc = 0;
  for (i = 0; i < v->n; i++) {
    unsigned char c = (unsigned char)v->s[i];
    if ((c == '-' || c == '/') && (i == 0 || !word_byte((unsigned char)v->s[i - 1])) &&
        i + 1 < v->n && word_byte((unsigned char)v->s[i + 1]) &&
        !(i > 0 && (unsigned char)v->s[i - 1] >= 0x80)) {
      if (np == 16)
        return CTIX_ETOOBIG;
      pos[np++] = i;
    }
  }
  if (np == 0)
    return push(out, a, v->s, v->n);
  for (i = 0; i < np; i++)
    total *= 5;
  if (total > 100000 || total * (v->n + 2 * np) > SG_MAX_QUERY)
    return CTIX_ETOOBIG;
  for (k = 0; k < total && !rc; k++) {
    ctix_buf b = CTIX_BUF_INIT(SG_MAX_QUERY);
    size_t last = 0, div = total;
    for (i = 0; i < np; i++) {
      div /= 5;
      ctix__buf_add(&b, v->s + last, pos[i] - last);
      ctix__buf_adds(&b, dashes[(k / div) % 5]);
      last = pos[i] + 1;
    }
    ctix__buf_add(&b, v->s + last, v->n - last);
    rc = b.err ? b.err : push(out, a, b.data, b.len);
    ctix__buf_free(&b);
  }
  return rc;
}

/* True if s[0..n) ends with an odd run of backslashes. */
static bool trailing_backslash(const char *s, size_t n)
{
  size_t k = 0;
  while (k < n && s[n - 1 - k] == '\\')
    k++;
  return k % 2 == 1;
}

/* ------------------------------------------------------------ lowering */

static sg_expr *match(sg_ctx *cx, const sg_item *it, sg_kind kind, const char *s, size_t n)
{
  sg_expr *e = ctix__sg_expr_new(cx, SG_E_MATCH, 0);
  if (!e)
    return NULL;
  e->kind = kind;
  e->field = it->field;
  e->s = s;
  e->n = n;
  return e;
}

static int item_err(sg_ctx *cx, const sg_item *it, const sg_val *v, int code, const char *msg)
{
  return ctix__error_set_lc(cx->err, code, v ? v->line : it->line, v ? v->col : it->col,
                            "'%s': %s", it->field ? it->field : "keywords", msg);
}


static bool has_mod(const sg_item *it, int m)
{
  for (size_t i = 0; i < it->nmods; i++)
    if (it->mods[i] == m)
      return true;
  return false;
}

/* Value text of a scalar as a string (numbers as written by YAML). */
static int value_text(sg_ctx *cx, const sg_val *v, const char **s, size_t *n)
{
  if (v->type == SG_V_INT) {
    char tmp[32];
    int len = snprintf(tmp, sizeof(tmp), "%lld", v->i);
    *s = ctix__arena_strndup(cx->arena, tmp, (size_t)len);
    *n = (size_t)len;
    return *s ? 0 : CTIX_ENOMEM;
  }
  if (v->type == SG_V_BOOL) {
    *s = v->b ? "true" : "false";
    *n = strlen(*s);
    return 0;
  }
  *s = v->s;
  *n = v->n;
  return 0;
}

/* Lowers one value of an item under its modifier chain. */
static int lower_value(sg_expr **out, sg_ctx *cx, const sg_item *it, const sg_val *v)
{
  ctix_buf vs = CTIX_BUF_INIT(SG_MAX_QUERY), next;
  bool expand = has_mod(it, SG_M_EXPAND), binary = false, strmods = false;
  unsigned reflags = 0;
  int special = 0, cmp = 0, rc = 0;
  size_t i, nv;
  const char *txt;
  size_t tn;
  sg_expr *e = NULL;

  *out = NULL;
  for (i = 0; i < it->nmods; i++) {
    switch (it->mods[i]) {
    case SG_M_RE: case SG_M_CIDR: case SG_M_EXISTS: case SG_M_FIELDREF:
      special = it->mods[i];
      break;
    case SG_M_RE_I: reflags |= SG_RE_I; break;
    case SG_M_RE_M: reflags |= SG_RE_M; break;
    case SG_M_RE_S: reflags |= SG_RE_S; break;
    case SG_M_LT: cmp = SG_CMP_LT; break;
    case SG_M_LTE: cmp = SG_CMP_LTE; break;
    case SG_M_GT: cmp = SG_CMP_GT; break;
    case SG_M_GTE: cmp = SG_CMP_GTE; break;
    case SG_M_MINUTE: case SG_M_HOUR: case SG_M_DAY: case SG_M_WEEK: case SG_M_MONTH:
    case SG_M_YEAR:
      return item_err(cx, it, v, CTIX_EUNSUPPORTED, "time modifiers are not supported yet");
    case SG_M_ALL: case SG_M_CASED: case SG_M_NEQ: case SG_M_EXPAND:
      break;
    default:
      strmods = true;
    }
  }
  if (reflags && special != SG_M_RE)
    return item_err(cx, it, v, CTIX_EPARSE, "regular-expression flags (i, m, s) need 're'");
  if (v->type == SG_V_NULL && (special || cmp || strmods))
    return item_err(cx, it, v, CTIX_EPARSE, "null value with a value modifier");
  if (v->type == SG_V_NULL) {
    *out = match(cx, it, SG_K_NULL, "", 0);
    return *out ? 0 : cx->err->code;
  }
  if (special == SG_M_EXISTS) {
    if (v->type != SG_V_BOOL)
      return item_err(cx, it, v, CTIX_EPARSE, "'exists' needs true or false");
    if (!it->field)
      return item_err(cx, it, v, CTIX_EPARSE, "'exists' needs a field");
    e = match(cx, it, SG_K_EXISTS, "", 0);
    if (e)
      e->flags = v->b;
    *out = e;
    return e ? 0 : cx->err->code;
  }
  if (cmp) {
    if (v->type != SG_V_INT && v->type != SG_V_FLOAT)
      return item_err(cx, it, v, CTIX_EPARSE, "comparison modifiers need a number");
    if ((rc = value_text(cx, v, &txt, &tn)))
      return ctix__error_set(cx->err, rc, "out of memory");
    e = match(cx, it, SG_K_CMP, txt, tn);
    if (e)
      e->flags = (unsigned)cmp;
    *out = e;
    return e ? 0 : cx->err->code;
  }
  if ((rc = value_text(cx, v, &txt, &tn)))
    return ctix__error_set(cx->err, rc, "out of memory");
  if (special == SG_M_RE || special == SG_M_CIDR || special == SG_M_FIELDREF) {
    if (strmods)
      return item_err(cx, it, v, CTIX_EPARSE, "string modifiers cannot be combined with re, cidr or fieldref");
    if (special != SG_M_RE && !it->field)
      return item_err(cx, it, v, CTIX_EPARSE, "cidr and fieldref need a field");
    if (special == SG_M_RE && trailing_backslash(txt, tn))
      /* not a valid expression, and it would escape the target's closing quote */
      return item_err(cx, it, v, CTIX_EPARSE, "regular expression ends with a lone backslash");
    e = match(cx, it, special == SG_M_RE ? SG_K_RE : special == SG_M_CIDR ? SG_K_CIDR : SG_K_FIELDREF,
              txt, tn);
    if (e)
      e->flags = reflags;
    *out = e;
    return e ? 0 : cx->err->code;
  }
  if ((v->type == SG_V_INT || v->type == SG_V_FLOAT) && !strmods && !expand) {
    *out = match(cx, it, SG_K_NUM, txt, tn);
    return *out ? 0 : cx->err->code;
  }
  if (v->type == SG_V_BOOL && !strmods) {
    *out = match(cx, it, SG_K_BOOL, txt, tn);
    return *out ? 0 : cx->err->code;
  }
  /* a string through the chain of string modifiers */
  {
    char *dec;
    size_t dn;
    var one;
    if (v->type == SG_V_STR) {
      rc = ctix__sg_str_decode(&dec, &dn, cx->arena, txt, tn, expand);
      if (rc == CTIX_EPARSE)
        return item_err(cx, it, v, CTIX_EPARSE, "control characters 0x01-0x04 in a value");
    } else {
      rc = (dec = ctix__arena_strndup(cx->arena, txt, tn)) ? 0 : CTIX_ENOMEM;
      dn = tn;
    }
    /*
     * While the chain keeps one variant (contains/startswith/endswith and
     * the modifiers that leave strings alone) no variant list is needed;
     * the first modifier that encodes or expands switches to the list.
     */
    one.s = dec;
    one.n = dn;
    for (i = 0; !rc && i < it->nmods; i++) {
      int m = it->mods[i];
      if (m == SG_M_CONTAINS || m == SG_M_STARTSWITH || m == SG_M_ENDSWITH)
        rc = wrap_var(&one, cx->arena, &one, m != SG_M_STARTSWITH, m != SG_M_ENDSWITH);
      else if (m == SG_M_WIDE || m == SG_M_UTF16LE || m == SG_M_UTF16BE || m == SG_M_UTF16 ||
               m == SG_M_BASE64 || m == SG_M_BASE64OFFSET || m == SG_M_WINDASH)
        break;
    }
    if (!rc && i == it->nmods) {
      e = match(cx, it, SG_K_STR, one.s, one.n);
      *out = e;
      return e ? 0 : cx->err->code ? cx->err->code : CTIX_ENOMEM;
    }
    if (!rc)
      rc = ctix__buf_push(&vs, &one, sizeof(one));
  }
  for (; i < it->nmods && !rc; i++) {
    int m = it->mods[i];
    ctix__buf_init(&next, SG_MAX_QUERY);
    nv = CTIX__BUF_COUNT(&vs, var);
    for (size_t k = 0; k < nv && !rc; k++) {
      const var *cur = &CTIX__BUF_AT(&vs, var, k);
      switch (m) {
      case SG_M_CONTAINS: rc = wrap(&next, cx->arena, cur, true, true); break;
      case SG_M_STARTSWITH: rc = wrap(&next, cx->arena, cur, false, true); break;
      case SG_M_ENDSWITH: rc = wrap(&next, cx->arena, cur, true, false); break;
      case SG_M_WIDE: case SG_M_UTF16LE: case SG_M_UTF16BE: case SG_M_UTF16:
        if (memchr(cur->s, SG_WILD_MULTI, cur->n) || memchr(cur->s, SG_WILD_SINGLE, cur->n))
          rc = CTIX_EUNSUPPORTED;
        else
          rc = utf16(&next, cx->arena, cur, m == SG_M_UTF16BE, m == SG_M_UTF16);
        binary = true;
        break;
      case SG_M_BASE64: case SG_M_BASE64OFFSET:
        if (memchr(cur->s, SG_WILD_MULTI, cur->n) || memchr(cur->s, SG_WILD_SINGLE, cur->n) ||
            memchr(cur->s, SG_PH_OPEN, cur->n)) {
          rc = CTIX_EUNSUPPORTED;
          break;
        }
        if (m == SG_M_BASE64) {
          ctix_buf enc = CTIX_BUF_INIT(SG_MAX_QUERY);
          b64(&enc, (const unsigned char *)cur->s, cur->n);
          rc = enc.err ? enc.err : push(&next, cx->arena, enc.data ? enc.data : "", enc.len);
          ctix__buf_free(&enc);
        } else {
          rc = b64offset(&next, cx->arena, cur);
        }
        binary = false;
        break;
      case SG_M_WINDASH: rc = windash(&next, cx->arena, cur); break;
      default: rc = push(&next, cx->arena, cur->s, cur->n); break;
      }
    }
    ctix__buf_free(&vs);
    vs = next;
    if (!rc && vs.err)
      rc = vs.err;
  }
  if (rc) {
    ctix__buf_free(&vs);
    if (rc == CTIX_EUNSUPPORTED)
      return item_err(cx, it, v, rc, "wildcards or placeholders cannot be encoded (utf16/base64)");
    if (rc == CTIX_ETOOBIG)
      return item_err(cx, it, v, rc, "too many windash variants");
    return ctix__error_set(cx->err, rc, "out of memory");
  }
  if (binary) {
    ctix__buf_free(&vs);
    return item_err(cx, it, v, CTIX_EPARSE, "utf16/wide must be followed by base64 or base64offset");
  }
  nv = CTIX__BUF_COUNT(&vs, var);
  if (nv == 1) {
    e = match(cx, it, SG_K_STR, CTIX__BUF_AT(&vs, var, 0).s, CTIX__BUF_AT(&vs, var, 0).n);
    /* a value of an expanding modifier never joins an IN list */
    if (e && (has_mod(it, SG_M_WINDASH) || has_mod(it, SG_M_BASE64OFFSET)))
      e->expansion = true;
  } else {
    e = ctix__sg_expr_new(cx, SG_E_OR, nv);
    if (e) {
      e->expansion = true;
      for (i = 0; i < nv && e; i++) {
        e->kids[i] = match(cx, it, SG_K_STR, CTIX__BUF_AT(&vs, var, i).s,
                           CTIX__BUF_AT(&vs, var, i).n);
        if (!e->kids[i])
          e = NULL;
        else
          e->nkids++;
      }
    }
  }
  ctix__buf_free(&vs);
  *out = e;
  return e ? 0 : cx->err->code ? cx->err->code : CTIX_ENOMEM;
}

static void mark_cased(sg_expr *e, bool cased)
{
  if (e->op == SG_E_MATCH)
    e->cased = cased;
  for (size_t i = 0; i < e->nkids; i++)
    mark_cased(e->kids[i], cased);
}

int ctix__sg_item_lower(sg_expr **out, sg_ctx *cx, const sg_item *it)
{
  sg_expr *e, *v;
  bool all = has_mod(it, SG_M_ALL), neq = has_mod(it, SG_M_NEQ);
  size_t i;
  int rc;
  *out = NULL;
  if (it->nvals == 0)
    return item_err(cx, it, NULL, CTIX_EPARSE, "no values");
  if (it->nvals == 1) {
    rc = lower_value(&e, cx, it, &it->vals[0]);
    if (rc)
      return rc;
  } else {
    e = ctix__sg_expr_new(cx, all ? SG_E_AND : SG_E_OR, it->nvals);
    if (!e)
      return cx->err->code;
    e->item = true;
    for (i = 0; i < it->nvals; i++) {
      rc = lower_value(&v, cx, it, &it->vals[i]);
      if (rc)
        return rc;
      e->kids[e->nkids++] = v;
    }
  }
  if (has_mod(it, SG_M_CASED))
    mark_cased(e, true);
  if (neq) {
    v = ctix__sg_expr_new(cx, SG_E_NOT, 1);
    if (!v)
      return cx->err->code;
    v->kids[v->nkids++] = e;
    e = v;
  }
  *out = e;
  return 0;
}
