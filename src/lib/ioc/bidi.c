/*
 * Bidirectional-text controls inside observables (ctix_ioc_bidi_read).
 *
 * A right-to-left override (U+202E) inside a file name makes viewers show
 * the characters after it reversed: "inv<U+202E>fdp.exe" is the file
 * "inv...fdp.exe" that a user sees as "invexe.pdf" (ATT&CK T1036.002). The
 * extractor keeps such controls inside a name (scan.c); this file tells
 * which controls a value holds and how it displays, computed with the
 * explicit rules of the Unicode bidirectional algorithm (UAX #9, X1-X10:
 * embeddings, overrides, isolates and their overflow counts, isolating
 * run sequences) and a simplified version of its implicit rules:
 * character types from a small table (Hebrew and Arabic blocks
 * right-to-left, digits, ASCII separators and terminators of numbers,
 * neutrals, the rest left-to-right; Arabic digits are European ones, no
 * W1-W3), separators and terminators next to digits (W4-W6), a digit
 * taking the direction of the strong letter before it (W7), neutrals the
 * direction around them (N1, N2), levels raised by I1-I2, then the
 * reversal of L2 (no L1: trailing spaces are not moved). Against ICU on
 * the reviewer's 3000 random Latin strings with controls, and 3000 with
 * overrides, verdict and display are the same; mixed Hebrew and Arabic
 * strings differ in places. Linear in the value's length.
 */
#include <stdlib.h>
#include <string.h>

#include "ioc/scan.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/utf8.h"

/* Indexes of the controls in `controls` (and bits of ctix_ioc_bidi.controls). */
enum { X_ALM, X_LRM, X_RLM, X_LRE, X_RLE, X_PDF, X_LRO, X_RLO, X_LRI, X_RLI, X_FSI, X_PDI };

/* The controls, in bit order of ctix_ioc_bidi.controls. */
typedef struct control {
  uint32_t cp;
  const char *code, *name;
} control;

static const control controls[CTIX_IOC_BIDI_NCONTROLS] = {
    {0x061C, "U+061C", "arabic letter mark"},
    {0x200E, "U+200E", "left-to-right mark"},
    {0x200F, "U+200F", "right-to-left mark"},
    {0x202A, "U+202A", "left-to-right embedding"},
    {0x202B, "U+202B", "right-to-left embedding"},
    {0x202C, "U+202C", "pop directional formatting"},
    {0x202D, "U+202D", "left-to-right override"},
    {0x202E, "U+202E", "right-to-left override"},
    {0x2066, "U+2066", "left-to-right isolate"},
    {0x2067, "U+2067", "right-to-left isolate"},
    {0x2068, "U+2068", "first strong isolate"},
    {0x2069, "U+2069", "pop directional isolate"},
};

const char *ctix_ioc_bidi_code(unsigned i)
{
  return i < CTIX_IOC_BIDI_NCONTROLS ? controls[i].code : NULL;
}

const char *ctix_ioc_bidi_name(unsigned i)
{
  return i < CTIX_IOC_BIDI_NCONTROLS ? controls[i].name : NULL;
}

/* Index of control cp in `controls`, or -1. */
static int control_index(uint32_t cp)
{
  unsigned i;
  for (i = 0; i < CTIX_IOC_BIDI_NCONTROLS; i++)
    if (controls[i].cp == cp)
      return (int)i;
  return -1;
}

/* Character types after the explicit rules (a subset of UAX #9's). */
enum {
  T_L = 0, /* strong left-to-right */
  T_R,     /* strong right-to-left (R and AL) */
  T_EN,    /* a digit */
  T_N,     /* neutral: punctuation, space, symbols, isolate controls */
  T_X,     /* an embedding, override or pop (removed by X9) */
  T_CS,    /* a separator of numbers: , . / : + - (CS and ES) */
  T_ET     /* a terminator of numbers: # $ % */
};

/* Code point ranges that are not strong left-to-right, by first code point. */
typedef struct range {
  uint32_t lo, hi;
  uint8_t type;
} range;

static const range ranges[] = {
    {0x0030, 0x0039, T_EN},   {0x0080, 0x00BF, T_N},    {0x00D7, 0x00D7, T_N},
    {0x00F7, 0x00F7, T_N},    {0x0590, 0x065F, T_R},    {0x0660, 0x0669, T_EN},
    {0x066A, 0x06EF, T_R},    {0x06F0, 0x06F9, T_EN},   {0x06FA, 0x08FF, T_R},
    {0x2000, 0x2BFF, T_N},    {0x3000, 0x3003, T_N},    {0xFB1D, 0xFDFF, T_R},
    {0xFE70, 0xFEFF, T_R},    {0xFF01, 0xFF0F, T_N},    {0xFFFD, 0xFFFD, T_N},
    {0x10800, 0x10FFF, T_R},
    {0x1E800, 0x1EFFF, T_R},
};

/* Type of an ordinary character (not a control). */
static uint8_t char_type(uint32_t cp)
{
  size_t i;
  if (cp < 0x80)
    return cp >= '0' && cp <= '9'                  ? T_EN
           : ((cp | 32) >= 'a' && (cp | 32) <= 'z') ? T_L
           : cp && strchr(",./:+-", (int)cp)        ? T_CS
           : cp && strchr("#$%", (int)cp)           ? T_ET
                                                     : T_N;
  for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
    if (cp >= ranges[i].lo && cp <= ranges[i].hi)
      return ranges[i].type;
  return T_L;
}

bool ctix__ioc_bidi_rtl(uint32_t cp)
{
  return char_type(cp) == T_R;
}

/* One character of the value. */
typedef struct uchar {
  uint32_t off;   /* byte offset in the value */
  uint8_t len;    /* its bytes */
  uint8_t type;   /* T_* after the explicit rules */
  uint8_t level;  /* embedding level, then resolved level */
  uint8_t elevel; /* embedding level (X1-X8), kept while levels resolve */
  int8_t ctl;     /* index in `controls`, or -1 */
} uchar;

#define MAX_DEPTH 125

/* One entry of the directional status stack (X1). */
typedef struct status {
  uint8_t level;
  uint8_t override; /* T_L, T_R, or T_N for none */
  bool isolate;
} status;

/* Least odd (rtl) or even level above `level`. */
static unsigned next_level(unsigned level, bool rtl)
{
  return rtl ? (level + 1) | 1u : (level + 2) & ~1u;
}

/*
 * Directions of the first-strong isolates of c[0..n) (X5c), in one pass:
 * c[i].type of each FSI is set to T_R when the first strong character
 * before its matching PDI (nested isolates skipped) is right-to-left,
 * else T_L. `open` has room for n indexes (the isolates not yet closed,
 * each marked resolved once its first strong character is seen). Linear
 * in n whatever the nesting: each character is visited once and each
 * isolate pushed and popped once. Adds the visits to *work.
 */
static void fsi_directions(uchar *c, const uint32_t *cps, size_t n, size_t *open, size_t *work)
{
  size_t depth = 0, k;
  for (k = 0; k < n; k++) {
    int x = c[k].ctl;
    uint8_t t = x < 0 ? char_type(cps[k]) : x == X_LRM ? T_L : x <= X_RLM ? T_R : T_N;
    (*work)++;
    if (x >= X_LRI && x <= X_FSI) {
      c[k].type = T_L; /* an FSI with no strong character: left-to-right */
      open[depth++] = x == X_FSI ? k : SIZE_MAX; /* SIZE_MAX: nothing to resolve */
    } else if (x == X_PDI) {
      if (depth)
        depth--;
    } else if ((t == T_L || t == T_R) && depth && open[depth - 1] != SIZE_MAX) {
      c[open[depth - 1]].type = t;
      open[depth - 1] = SIZE_MAX; /* resolved: later strong characters do not count */
    }
  }
}

/* The explicit rules X1-X8: levels and overridden types of c[0..n);
 * the first-strong isolates hold their direction in `type`
 * (fsi_directions). Adds its steps to *work. */
static void explicit_levels(uchar *c, const uint32_t *cps, size_t n, size_t *work)
{
  status st[MAX_DEPTH + 2];
  size_t depth = 1, i;
  unsigned over_iso = 0, over_emb = 0, valid_iso = 0;
  st[0].level = 0;
  st[0].override = T_N;
  st[0].isolate = false;
  for (i = 0; i < n; i++) {
    status *top = &st[depth - 1];
    int x = c[i].ctl;
    (*work)++;
    uint8_t own = x == X_LRM                  ? T_L
                  : (x == X_ALM || x == X_RLM) ? T_R
                  : x < 0                      ? char_type(cps[i])
                                               : T_N;
    if (x >= X_LRE && x <= X_RLO && x != X_PDF) {
      bool rtl = x == X_RLE || x == X_RLO;
      unsigned lv = next_level(top->level, rtl);
      c[i].type = T_X;
      c[i].level = top->level;
      if (lv <= MAX_DEPTH && !over_iso && !over_emb) {
        st[depth].level = (uint8_t)lv;
        st[depth].override = x == X_LRO ? T_L : x == X_RLO ? T_R : T_N;
        st[depth].isolate = false;
        depth++;
      } else if (!over_iso) {
        over_emb++;
      }
    } else if (x >= X_LRI && x <= X_FSI) {
      bool rtl = x == X_RLI || (x == X_FSI && c[i].type == T_R);
      unsigned lv = next_level(top->level, rtl);
      c[i].level = top->level;
      c[i].type = top->override != T_N ? top->override : T_N;
      if (lv <= MAX_DEPTH && !over_iso && !over_emb) {
        valid_iso++;
        st[depth].level = (uint8_t)lv;
        st[depth].override = T_N;
        st[depth].isolate = true;
        depth++;
      } else {
        over_iso++;
      }
    } else if (x == X_PDI) {
      if (over_iso) {
        over_iso--;
      } else if (valid_iso) {
        over_emb = 0;
        while (!st[depth - 1].isolate) {
          depth--;
          (*work)++;
        }
        depth--;
        valid_iso--;
      }
      top = &st[depth - 1];
      c[i].level = top->level;
      c[i].type = top->override != T_N ? top->override : T_N;
    } else if (x == X_PDF) {
      c[i].type = T_X;
      c[i].level = top->level;
      if (!over_iso && over_emb)
        over_emb--;
      else if (!over_iso && !top->isolate && depth >= 2)
        depth--;
    } else {
      c[i].level = top->level;
      c[i].type = top->override != T_N ? top->override : own;
    }
  }
}

/* Direction (T_L or T_R) of a level. */
static uint8_t dir_of(unsigned level) { return level & 1u ? T_R : T_L; }

/*
 * The implicit rules, simplified (see the file comment), over the
 * isolating run sequence v[a..b) (indexes into c of characters that X9
 * keeps); sos and eos are the directions at its edges.
 */
static void resolve_run(uchar *c, const size_t *v, size_t a, size_t b, uint8_t sos, uint8_t eos,
                        size_t *work)
{
  uint8_t last = sos, e = dir_of(c[v[a]].elevel);
  size_t k, m;
  *work += 5 * (b - a); /* five passes over the sequence */
  for (k = a; k < b; k++) { /* W4: one separator between two digits is one */
    uchar *u = &c[v[k]];
    if (u->type == T_CS && k > a && k + 1 < b && c[v[k - 1]].type == T_EN &&
        c[v[k + 1]].type == T_EN)
      u->type = T_EN;
  }
  for (k = a; k < b; k = m) { /* W5, W6: terminators next to digits are digits, then neutral */
    uint8_t t;
    if (c[v[k]].type != T_ET && c[v[k]].type != T_CS) {
      m = k + 1;
      continue;
    }
    for (m = k; m < b && c[v[m]].type == T_ET; m++)
      ;
    if (m == k) { /* a separator left: W6 */
      c[v[k]].type = T_N;
      m = k + 1;
      continue;
    }
    t = (k > a && c[v[k - 1]].type == T_EN) || (m < b && c[v[m]].type == T_EN) ? T_EN : T_N;
    while (k < m)
      c[v[k++]].type = t;
  }
  for (k = a; k < b; k++) { /* W7: a digit after a left-to-right letter is one */
    uchar *u = &c[v[k]];
    if (u->type == T_L || u->type == T_R)
      last = u->type;
    else if (u->type == T_EN && last == T_L)
      u->type = T_L;
  }
  for (k = a; k < b; k = m) { /* N1, N2 over each run of neutrals */
    uint8_t before, after, t;
    if (c[v[k]].type != T_N) {
      m = k + 1;
      continue;
    }
    for (m = k; m < b && c[v[m]].type == T_N; m++)
      ;
    before = k == a ? sos : c[v[k - 1]].type == T_L ? T_L : T_R;
    after = m == b ? eos : c[v[m]].type == T_L ? T_L : T_R;
    t = before == after ? before : e;
    while (k < m)
      c[v[k++]].type = t;
  }
  for (k = a; k < b; k++) { /* I1, I2 */
    uchar *u = &c[v[k]];
    if (!(u->level & 1u))
      u->level = (uint8_t)(u->level + (u->type == T_R ? 1 : u->type == T_EN ? 2 : 0));
    else if (u->type != T_R)
      u->level = (uint8_t)(u->level + 1);
  }
}

/* Reverses v[a..b). */
static void reverse(size_t *v, size_t a, size_t b)
{
  while (a + 1 < b) {
    size_t t = v[a];
    v[a++] = v[--b];
    v[b] = t;
  }
}

/* True if c is an isolate initiator (LRI, RLI, FSI). */
static bool is_initiator(const uchar *c) { return c->ctl >= X_LRI && c->ctl <= X_FSI; }

/*
 * Resolves the levels of the kept characters v[0..nv) over their
 * isolating run sequences (X10: the level runs, joined from an isolate
 * initiator that ends one to the run its matching PDI starts; sos and
 * eos from the embedding levels next to the sequence, the paragraph's
 * after an initiator without a match) and puts v in visual order (L2):
 * from the highest level down to the lowest odd one, every maximal run at
 * that level or above is reversed. w has room for 2 nv indexes. Linear
 * in nv (times the levels, at most MAX_DEPTH + 2); adds its steps to *work.
 */
static void visual_order(uchar *c, size_t *v, size_t nv, size_t *w, size_t *work)
{
  size_t *seq = w, *match = w + nv; /* a sequence's characters; BD9 matches */
  size_t a, b, k, p, depth = 0;
  unsigned hi = 0, lo = 255, lv;
  for (k = 0; k < nv; k++) { /* matching PDIs, seq as the stack */
    uchar *u = &c[v[k]];
    u->elevel = u->level;
    match[k] = SIZE_MAX;
    if (is_initiator(u))
      seq[depth++] = k;
    else if (u->ctl == X_PDI && depth) {
      p = seq[--depth];
      match[p] = k;
      match[k] = p;
    }
  }
  *work += nv;
#define ENDS_RUN(i) ((i) + 1 == nv || c[v[(i) + 1]].elevel != c[v[i]].elevel)
#define CHAINED(i) (is_initiator(&c[v[i]]) && match[i] != SIZE_MAX && ENDS_RUN(i))
  for (a = 0; a < nv; a = b) {
    size_t ns = 0, first = a, last;
    unsigned level = c[v[a]].elevel, prev, next;
    for (b = a; b < nv && c[v[b]].elevel == level; b++)
      ;
    if (c[v[a]].ctl == X_PDI && match[a] != SIZE_MAX && CHAINED(match[a]))
      continue; /* resolved with the sequence of its initiator */
    for (p = a, last = b - 1;;) { /* the runs of the sequence */
      size_t e;
      for (e = p; e < nv && c[v[e]].elevel == c[v[p]].elevel; e++)
        seq[ns++] = v[e];
      *work += e - p;
      last = e - 1;
      if (!CHAINED(last))
        break;
      p = match[last];
    }
    prev = first ? c[v[first - 1]].elevel : 0;
    next = is_initiator(&c[v[last]]) || last + 1 == nv ? 0 : c[v[last + 1]].elevel;
    resolve_run(c, seq, 0, ns, dir_of(level > prev ? level : prev),
                dir_of(level > next ? level : next), work);
  }
#undef CHAINED
#undef ENDS_RUN
  for (k = 0; k < nv; k++) {
    lv = c[v[k]].level;
    if (lv > hi)
      hi = lv;
    if (lv < lo)
      lo = lv;
  }
  lo |= 1u; /* the lowest odd level */
  for (lv = hi; lv >= lo; lv--) {
    *work += nv; /* one pass per level, at most MAX_DEPTH + 2 of them */
    for (a = 0; a < nv; a = b + 1) {
      while (a < nv && c[v[a]].level < lv)
        a++;
      for (b = a; b < nv && c[v[b]].level >= lv; b++)
        ;
      reverse(v, a, b);
      if (b >= nv)
        break;
    }
  }
}

/* Writes the one-line note of b (controls, display and reordered set)
 * into b->note: 'spoofed: displays as "invexe.pdf" (right-to-left
 * override U+202E; ATT&CK T1036.002)'. */
static int make_note(ctix_ioc_bidi *b)
{
  ctix_buf nb = CTIX_BUF_INIT((size_t)1 << 30);
  unsigned i;
  bool first = true;
  ctix__buf_adds(&nb, b->reordered ? "spoofed: displays as \""
                                    : "hidden bidi control: displays as \"");
  ctix__buf_add(&nb, b->display, b->display_len);
  ctix__buf_adds(&nb, "\" (");
  for (i = 0; i < CTIX_IOC_BIDI_NCONTROLS; i++)
    if (b->controls & (1u << i)) {
      ctix__buf_addf(&nb, "%s%s %s", first ? "" : ", ", controls[i].name, controls[i].code);
      first = false;
    }
  ctix__buf_adds(&nb, b->reordered ? "; ATT&CK " CTIX_IOC_BIDI_TECHNIQUE ")" : ")");
  b->note = ctix__buf_detach(&nb, NULL);
  return b->note ? 0 : CTIX_ENOMEM;
}

/*
 * Appends to `out` the characters c[0..n) of `value` (code points cps) in
 * visual order, the controls left out; v has room for n indexes, w for
 * 2 n. The
 * levels and types of c are overwritten. Adds its steps to *work.
 */
static void lay_out(ctix_buf *out, const char *value, uchar *c, const uint32_t *cps, size_t n,
                    size_t *v, size_t *w, size_t *work)
{
  size_t i, nv = 0;
  fsi_directions(c, cps, n, v, work);
  explicit_levels(c, cps, n, work);
  for (i = 0; i < n; i++)
    if (c[i].type != T_X)
      v[nv++] = i;
  visual_order(c, v, nv, w, work);
  for (i = 0; i < nv; i++)
    if (c[v[i]].ctl < 0)
      ctix__buf_add(out, value + c[v[i]].off, c[v[i]].len);
}

/* True if s[0..n) holds a byte >= 0x80 (eight bytes at a time). */
static bool has_high_byte(const char *s, size_t n)
{
  uint64_t w, acc = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    memcpy(&w, s + i, 8);
    acc |= w;
  }
  for (; i < n; i++)
    acc |= (unsigned char)s[i];
  return (acc & 0x8080808080808080ull) != 0;
}

/* True if value[0..len) holds a bidirectional control (most values are
 * ASCII, checked eight bytes at a time first). */
static bool has_control(const char *value, size_t len)
{
  const unsigned char *s = (const unsigned char *)value;
  size_t i;
  if (!has_high_byte(value, len))
    return false;
  for (i = 0; i < len; i++)
    if (s[i] >= 0xD8 && ctix__utf8_bidi_control(s + i, len - i))
      return true;
  return false;
}

int ctix_ioc_bidi_read(ctix_ioc_bidi *out, const char *value, size_t len, ctix_error *err)
{
  size_t work = 0;
  if (!has_control(value, len)) { /* the common case, without a call more */
    memset(out, 0, sizeof(*out));
    return 0;
  }
  return ctix__ioc_bidi_read_work(out, &work, value, len, err);
}

int ctix__ioc_bidi_read_work(ctix_ioc_bidi *out, size_t *work, const char *value, size_t len,
                             ctix_error *err)
{
  const unsigned char *s = (const unsigned char *)value;
  uchar *c = NULL;
  uint32_t *cps = NULL;
  size_t *v = NULL, n = 0, nplain = 0, i;
  ctix_buf db = CTIX_BUF_INIT(len + 1), plain = CTIX_BUF_INIT(len + 1);
  int rc = 0;
  memset(out, 0, sizeof(*out));
  if (!has_control(value, len))
    return 0;
  if (len > UINT32_MAX) {
    rc = ctix__error_set(err, CTIX_ETOOBIG, "value of 4 GiB or more");
    goto done;
  }
  /* the characters, then (after them, at c + n) the same without the controls */
  c = malloc(2 * len * sizeof(*c));
  cps = malloc(2 * len * sizeof(*cps));
  v = malloc(3 * len * sizeof(*v)); /* v, then lay_out's w */
  if (!c || !cps || !v) {
    rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
    goto done;
  }
  for (i = 0; i < len; i += c[n++].len) {
    size_t m = ctix__utf8_decode(s + i, len - i, &cps[n]);
    if (!m) {
      m = 1;
      cps[n] = CTIX_UTF8_REPLACEMENT;
    }
    c[n].off = (uint32_t)i;
    c[n].len = (uint8_t)m;
    c[n].ctl = (int8_t)control_index(cps[n]);
    if (c[n].ctl >= 0) {
      out->controls |= 1u << c[n].ctl;
      out->count++;
    }
  }
  for (i = 0; i < n; i++)
    if (c[i].ctl < 0) {
      c[n + nplain] = c[i];
      cps[n + nplain++] = cps[i];
    }
  /* the display, and the display the same value would have without its
   * controls: spoofed (reordered) when the controls change it */
  lay_out(&db, value, c, cps, n, v, v + len, work);
  lay_out(&plain, value, c + n, cps + n, nplain, v, v + len, work);
  out->reordered = db.len != plain.len || (db.len && memcmp(db.data, plain.data, db.len) != 0);
  out->display = ctix__buf_detach(&db, &out->display_len);
  if (!out->display || plain.err || make_note(out)) {
    rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
    goto done;
  }
done:
  ctix__buf_free(&db);
  ctix__buf_free(&plain);
  free(c);
  free(cps);
  free(v);
  return rc;
}

void ctix_ioc_bidi_clear(ctix_ioc_bidi *b)
{
  if (!b)
    return;
  free(b->display);
  free(b->note);
  memset(b, 0, sizeof(*b));
}
