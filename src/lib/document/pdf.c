/*
 * PDF to document through poppler-glib.
 *
 * Each page's text comes with one rectangle per character. From them every
 * line gets its left and right edge, its height (the font size, roughly)
 * and its vertical position. A vertical gap clearly larger than the page's
 * usual line spacing separates paragraphs; lines set clearly larger than
 * the page's body text are headings (level by size); positions are turned
 * into columns of the page's average character width so that the plain
 * text rules of lines.h decide, per line break, between wrapped prose and
 * one record per line, and find bullet lists and their nesting.
 *
 * Line-end hyphenation is undone only between two lower-case letters
 * ("exfil-\ntration" -> "exfiltration"); after a digit or a capital the
 * hyphen belongs to the word and the halves are joined keeping it
 * ("x86-\n64" -> "x86-64", "SHA-\n256" -> "SHA-256"). A true compound split
 * at a line end ("well-\nknown") loses its hyphen: the price of the rule.
 * A paragraph running over a page break is continued when the page's last
 * line does not end a sentence and the next page starts in lower case; it
 * keeps the page it started on. A page's first or last line is dropped as
 * a page number ("12", "Page 3 of 10") or a running header or footer (the
 * previous page's, digits aside) only when it is set apart from the body by
 * smaller type or a clear gap, so body text is never taken for one.
 *
 * Every block carries its 1-based page number; the title, author, subject
 * and creation date of the PDF go into the metadata. A damaged or
 * truncated file poppler cannot open fails with CTIX_EPARSE, an encrypted
 * one with CTIX_EUNSUPPORTED; a file poppler repaired is read with a
 * diagnostic. Poppler's own messages (GLib log domain "Poppler") are
 * captured into that diagnostic, never printed.
 *
 * poppler-glib (and the cairo, X11 and NSS libraries it pulls in) is loaded
 * with dlopen on the first PDF, not linked: a process that never reads a PDF
 * starts without those ~40 libraries. When it cannot be loaded, PDF input
 * fails with CTIX_EUNSUPPORTED and the loader's reason.
 */
#include <dlfcn.h>
#include <poppler.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "document/lines.h"
#include "util/str.h"

/* Lines of text on one page kept at most (the rest is dropped, with a diag). */
#define PAGE_MAX_LINES 100000
/* Line heights this much above the body text make a heading, by level. */
#define H1_RATIO 1.6
#define H2_RATIO 1.3
#define H3_RATIO 1.15
/* Longest line (characters) that may be a heading. */
#define HEADING_MAX_CHARS 150
/* Narrowest chunk (columns) taken as wrapped prose. */
#define PDF_MIN_WRAP 30.0

/* Poppler's messages during one parse (per thread). */
typedef struct pdf_log {
  unsigned count;
  char first[160];
} pdf_log;

static _Thread_local pdf_log *current_log;

/* One line of a page: byte range in the page text, and its geometry. */
typedef struct pline {
  size_t start, end;       /* content, trimmed */
  double x1, x2, top, bottom, fw;
  size_t nchars;
  bool geom;               /* geometry known */
} pline;

typedef struct pdf_ctx {
  ctix__docb *b;
  ctix__lstate st;
  ctix_buf plines;         /* pline records of the page */
  ctix_buf tlines;         /* ctix__tline records of the page */
  ctix_buf prev_first, prev_last;  /* previous page's first and last line */
  ctix_buf last_text;      /* text of `last` */
  ctix__tline last;        /* last line written (for continuation) */
  bool have_last;
  size_t text_pages;       /* pages that had text */
  size_t dropped_lines;
} pdf_ctx;

/* The poppler-glib functions used here, resolved by name on first use. */
static struct {
  GQuark (*error_quark)(void);
  PopplerDocument *(*document_new_from_bytes)(GBytes *, const char *, GError **);
  gchar *(*document_get_title)(PopplerDocument *);
  gchar *(*document_get_author)(PopplerDocument *);
  gchar *(*document_get_subject)(PopplerDocument *);
  GDateTime *(*document_get_creation_date_time)(PopplerDocument *);
  int (*document_get_n_pages)(PopplerDocument *);
  PopplerPage *(*document_get_page)(PopplerDocument *, int);
  char *(*page_get_text)(PopplerPage *);
  gboolean (*page_get_text_layout)(PopplerPage *, PopplerRectangle **, guint *);
} pp;

static const struct {
  const char *name;
  size_t offset;
} pp_symbols[] = {
    {"poppler_error_quark", offsetof(__typeof__(pp), error_quark)},
    {"poppler_document_new_from_bytes", offsetof(__typeof__(pp), document_new_from_bytes)},
    {"poppler_document_get_title", offsetof(__typeof__(pp), document_get_title)},
    {"poppler_document_get_author", offsetof(__typeof__(pp), document_get_author)},
    {"poppler_document_get_subject", offsetof(__typeof__(pp), document_get_subject)},
    {"poppler_document_get_creation_date_time",
     offsetof(__typeof__(pp), document_get_creation_date_time)},
    {"poppler_document_get_n_pages", offsetof(__typeof__(pp), document_get_n_pages)},
    {"poppler_document_get_page", offsetof(__typeof__(pp), document_get_page)},
    {"poppler_page_get_text", offsetof(__typeof__(pp), page_get_text)},
    {"poppler_page_get_text_layout", offsetof(__typeof__(pp), page_get_text_layout)},
};

/* Why loading poppler failed ("" when it worked). */
static char pp_failure[256];

/*
 * Loads poppler-glib and fills `pp`, once per process (thread-safe);
 * 0, or CTIX_EUNSUPPORTED with the reason in pp_failure.
 */
static int poppler_load(void)
{
  static gsize once = 0;
  if (g_once_init_enter(&once)) {
    void *h = dlopen(CTIX_POPPLER_SONAME, RTLD_NOW | RTLD_LOCAL);
    size_t i;
    const char *why = h ? NULL : dlerror();
    for (i = 0; h && i < sizeof(pp_symbols) / sizeof(pp_symbols[0]); i++) {
      void *f = dlsym(h, pp_symbols[i].name);
      if (!f) {
        why = dlerror();
        break;
      }
      memcpy((char *)&pp + pp_symbols[i].offset, &f, sizeof(f));
    }
    if (why) {
      snprintf(pp_failure, sizeof(pp_failure), "%s", why);
      if (h)
        dlclose(h);
    }
    g_once_init_leave(&once, 1);
  }
  return pp_failure[0] ? CTIX_EUNSUPPORTED : 0;
}

static void log_handler(const gchar *domain, GLogLevelFlags level, const gchar *message,
                        gpointer ud)
{
  pdf_log *l = current_log;
  size_t n;
  (void)domain;
  (void)level;
  (void)ud;
  if (!l || !message)
    return;
  if (l->count++ == 0) {
    ctix__strlcpy(l->first, message, sizeof(l->first));
    /* One line: poppler ends some messages with a newline or "<0a>". */
    n = strcspn(l->first, "\r\n");
    l->first[n] = '\0';
    if (n >= 4 && strcmp(l->first + n - 4, "<0a>") == 0)
      l->first[n - 4] = '\0';
  }
}

/* Routes the "Poppler" log domain to log_handler, once per process. */
static void install_log_handler(void)
{
  static gsize once = 0;
  if (g_once_init_enter(&once)) {
    g_log_set_handler("Poppler", G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
                      log_handler, NULL);
    g_once_init_leave(&once, 1);
  }
}

static int set_meta(ctix__docb *b, ctix__meta_field f, gchar *value)
{
  int rc = 0;
  if (value) {
    rc = ctix__docb_meta(b, f, value, strlen(value));
    g_free(value);
  }
  return rc;
}

static int read_meta(ctix__docb *b, PopplerDocument *pd)
{
  GDateTime *dt;
  int rc;
  if ((rc = set_meta(b, CTIX__META_TITLE, pp.document_get_title(pd))) ||
      (rc = set_meta(b, CTIX__META_AUTHOR, pp.document_get_author(pd))) ||
      (rc = set_meta(b, CTIX__META_DESCRIPTION, pp.document_get_subject(pd))))
    return rc;
  dt = pp.document_get_creation_date_time(pd);
  if (dt) {
    rc = set_meta(b, CTIX__META_PUBLISHED, g_date_time_format_iso8601(dt));
    g_date_time_unref(dt);
  }
  return rc;
}

/* "12", "Page 3", "page 3 of 10", "3 / 10", "- 4 -": a page number line. */
static bool page_number_line(const char *s, size_t n)
{
  size_t i = 0, digits = 0;
  if (ctix__mem_istarts(s, n, "page"))
    i = 4;
  for (; i < n; i++) {
    char c = s[i];
    if (ctix__isdigit((unsigned char)c))
      digits++;
    else if (c == 'o' && i + 1 < n && s[i + 1] == 'f')
      i++;
    else if (!strchr(" -/|", c))
      return false;
  }
  return digits > 0 && digits <= 8;
}

/* Compares two lines ignoring digits (running headers with page numbers). */
static bool same_but_digits(const char *a, size_t an, const char *b, size_t bn)
{
  size_t i = 0, j = 0;
  for (;;) {
    while (i < an && ctix__isdigit((unsigned char)a[i]))
      i++;
    while (j < bn && ctix__isdigit((unsigned char)b[j]))
      j++;
    if (i == an || j == bn)
      return i == an && j == bn;
    if (a[i] != b[j])
      return false;
    i++;
    j++;
  }
}

/* Splits the page text into lines with their geometry from `r` (one
 * rectangle per character; NULL when poppler gave none that fit). */
static int split_lines(pdf_ctx *c, const char *text, const PopplerRectangle *r, size_t nr)
{
  size_t i = 0, ci = 0, len = strlen(text);
  while (i < len) {
    pline pl;
    size_t j = i, first = 0;
    bool in_first_word = true, started = false;
    memset(&pl, 0, sizeof(pl));
    pl.top = 1e9;
    pl.bottom = -1e9;
    pl.geom = r != NULL;
    pl.start = pl.end = i;
    while (j < len && text[j] != '\n') {
      unsigned char ch = (unsigned char)text[j];
      size_t clen = ch < 0x80 ? 1 : ch < 0xE0 ? 2 : ch < 0xF0 ? 3 : 4;
      bool space = ctix__isspace(ch) || (ch == 0xC2 && j + 1 < len &&
                                         (unsigned char)text[j + 1] == 0xA0);
      if (j + clen > len)
        clen = len - j;
      if (!space) {
        if (!started) {
          pl.start = j;
          first = ci;
          started = true;
        }
        pl.end = j + clen;
        pl.nchars++;
        if (r && ci < nr) {
          const PopplerRectangle *q = &r[ci];
          if (pl.nchars == 1)
            pl.x1 = q->x1;
          pl.x2 = q->x2;
          if (q->y1 < pl.top)
            pl.top = q->y1;
          if (q->y2 > pl.bottom)
            pl.bottom = q->y2;
          if (in_first_word && first < nr)
            pl.fw = q->x2 - r[first].x1;
        }
      } else if (started) {
        in_first_word = false;
      }
      j += clen;
      ci++;
    }
    if (!r || ci > nr || pl.bottom < pl.top)
      pl.geom = false;
    if (started) {
      if (CTIX__BUF_COUNT(&c->plines, pline) >= PAGE_MAX_LINES) {
        c->dropped_lines++;
      } else if (ctix__buf_push(&c->plines, &pl, sizeof(pl))) {
        return ctix__error_set(c->b->err, CTIX_ENOMEM, "out of memory reading PDF text");
      }
    }
    i = j + 1;
    ci++;  /* the newline has its rectangle too */
  }
  return 0;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* The most common line height on the page, weighting lines by length. */
static double body_height(const pline *ls, size_t n, ctix_buf *tmp)
{
  size_t i, best = 0, run = 0;
  double *h, cur = 0, best_h = 0;
  ctix__buf_reset(tmp);
  for (i = 0; i < n; i++) {
    if (ls[i].geom) {
      /* Rounded to a quarter point; one entry per 10 characters. */
      double v = (double)(long)((ls[i].bottom - ls[i].top) * 4 + 0.5) / 4;
      size_t w = ls[i].nchars / 10 + 1, k;
      for (k = 0; k < w && k < 20; k++)
        ctix__buf_push(tmp, &v, sizeof(v));
    }
  }
  if (tmp->err || !tmp->len)
    return 0;
  h = (double *)(void *)tmp->data;
  n = CTIX__BUF_COUNT(tmp, double);
  qsort(h, n, sizeof(double), cmp_double);
  for (i = 0; i < n; i++) {
    if (i == 0 || h[i] != cur) {
      cur = h[i];
      run = 0;
    }
    if (++run > best) {
      best = run;
      best_h = cur;
    }
  }
  return best_h;
}

/* The median vertical gap between consecutive body lines. */
static double median_gap(const pline *ls, size_t n, double hb, ctix_buf *tmp)
{
  size_t i;
  double *g;
  ctix__buf_reset(tmp);
  for (i = 1; i < n; i++) {
    const pline *p = &ls[i - 1], *l = &ls[i];
    double hp = p->bottom - p->top, hl = l->bottom - l->top, gap = l->top - p->bottom;
    if (!p->geom || !l->geom || hp > hb * 1.1 || hl > hb * 1.1 || gap < -hb * 0.5)
      continue;
    ctix__buf_push(tmp, &gap, sizeof(gap));
  }
  if (tmp->err || CTIX__BUF_COUNT(tmp, double) < 3)
    return hb * 0.25;
  g = (double *)(void *)tmp->data;
  qsort(g, CTIX__BUF_COUNT(tmp, double), sizeof(double), cmp_double);
  return g[CTIX__BUF_COUNT(tmp, double) / 2];
}

static uint32_t heading_level(const pline *l, double hb)
{
  double h = l->bottom - l->top;
  if (!l->geom || hb <= 0 || l->nchars > HEADING_MAX_CHARS)
    return 0;
  if (h >= hb * H1_RATIO)
    return 1;
  if (h >= hb * H2_RATIO)
    return 2;
  if (h >= hb * H3_RATIO)
    return 3;
  return 0;
}

/* Is edge line l (first or last of a page) set apart from its neighbour
 * `nb`: in smaller type than the body, or separated by a clear gap? */
static bool edge_apart(const pline *l, const pline *nb, double hb, double gmed)
{
  double gap = l->top < nb->top ? nb->top - l->bottom : l->top - nb->bottom;
  if (!l->geom || !nb->geom || hb <= 0)
    return false;
  return (l->bottom - l->top) < hb * 0.95 || gap > gmed + hb;
}

/* Remembers a line's text in buf (running header detection). A line too
 * long for buf leaves it empty; the sticky error is not kept, so the
 * next page's line is remembered again. */
static void remember(ctix_buf *buf, const char *s, size_t n)
{
  if (buf->err)
    ctix__buf_init(buf, buf->max);
  ctix__buf_reset(buf);
  ctix__buf_add(buf, s, n);
}

/* Writes one page's text as blocks. */
static int read_page(pdf_ctx *c, const char *text, const PopplerRectangle *r, size_t nr,
                     uint32_t pageno)
{
  ctix__docb *b = c->b;
  ctix_buf tmp = CTIX_BUF_INIT((size_t)-1 / 2);
  pline *ls;
  ctix__tline *tl;
  size_t n, i, from, lo, hi, chars = 0;
  double hb, gmed, cw = 0, minx = 1e9;
  bool geom = true;
  int rc = 0;

  ctix__buf_reset(&c->plines);
  ctix__buf_reset(&c->tlines);
  if ((rc = split_lines(c, text, r, nr)))
    goto done;
  ls = (pline *)(void *)c->plines.data;
  n = CTIX__BUF_COUNT(&c->plines, pline);
  if (n == 0)
    goto done;

  for (i = 0; i < n; i++) {
    geom = geom && ls[i].geom;
    if (ls[i].geom && ls[i].nchars >= 8) {
      cw += ls[i].x2 - ls[i].x1;
      chars += ls[i].nchars;
    }
    if (ls[i].geom && ls[i].x1 < minx)
      minx = ls[i].x1;
  }
  cw = chars ? cw / (double)chars : 0;
  if (cw <= 0.1)
    geom = false;
  hb = geom ? body_height(ls, n, &tmp) : 0;
  gmed = geom ? median_gap(ls, n, hb, &tmp) : 0;

  /* Page numbers and running headers/footers repeated from the previous
   * page, when set apart from the body (smaller type or a clear gap). */
  lo = 0;
  hi = n;
  if (geom && n >= 2 && edge_apart(&ls[0], &ls[1], hb, gmed) &&
      (page_number_line(text + ls[0].start, ls[0].end - ls[0].start) ||
       (c->prev_first.len && same_but_digits(text + ls[0].start, ls[0].end - ls[0].start,
                                             c->prev_first.data, c->prev_first.len))))
    lo++;
  if (geom && n - lo >= 2 && edge_apart(&ls[n - 1], &ls[n - 2], hb, gmed) &&
      (page_number_line(text + ls[n - 1].start, ls[n - 1].end - ls[n - 1].start) ||
       (c->prev_last.len &&
        same_but_digits(text + ls[n - 1].start, ls[n - 1].end - ls[n - 1].start,
                        c->prev_last.data, c->prev_last.len))))
    hi--;
  remember(&c->prev_first, text + ls[0].start, ls[0].end - ls[0].start);
  remember(&c->prev_last, text + ls[n - 1].start, ls[n - 1].end - ls[n - 1].start);
  ls += lo;
  n = hi - lo;
  if (n == 0)
    goto done;
  c->text_pages++;

  for (i = 0; i < n; i++) {
    ctix__tline t;
    memset(&t, 0, sizeof(t));
    t.s = text + ls[i].start;
    t.n = ls[i].end - ls[i].start;
    if (geom) {
      t.left = (ls[i].x1 - minx) / cw;
      t.right = (ls[i].x2 - minx) / cw;
      t.fw = ls[i].fw / cw;
      t.hlevel = heading_level(&ls[i], hb);
    } else {
      t.left = 0;
      t.right = (double)ls[i].nchars;
      t.fw = (double)ctix__text_width(t.s, ctix__first_word(t.s, t.n));
    }
    if (ctix__buf_push(&c->tlines, &t, sizeof(t))) {
      rc = ctix__error_set(b->err, CTIX_ENOMEM, "out of memory reading PDF text");
      goto done;
    }
  }
  tl = (ctix__tline *)(void *)c->tlines.data;

  /* Continue the previous page's paragraph, or start this page afresh. */
  if (c->have_last && b->open && ctix__lines_continues(&c->last, &tl[0])) {
    c->st.cont = true;
    c->st.next_page = pageno;
  } else {
    if ((rc = ctix__lines_end(b)))
      goto done;
    b->page = pageno;
  }

  for (from = 0, i = 1; i <= n; i++) {
    bool gap = i == n;
    if (!gap && geom) {
      const pline *p = &ls[i - 1], *l = &ls[i];
      double hmin = p->bottom - p->top, dy = l->top - p->bottom;
      if (l->bottom - l->top < hmin)
        hmin = l->bottom - l->top;
      /* A paragraph gap, or a jump upwards (next column) or far down. */
      gap = dy > gmed + 0.45 * hmin || l->top < p->top - hmin * 0.5 ||
            tl[i].hlevel != tl[i - 1].hlevel;
    }
    if (gap) {
      if ((rc = ctix__lines_chunk(&c->st, tl + from, i - from, true)))
        goto done;
      from = i;
    }
  }
  /* Keep the last line (its text outlives the page) for continuation. */
  c->last = tl[n - 1];
  remember(&c->last_text, tl[n - 1].s, tl[n - 1].n);
  c->last.s = c->last_text.data;
  c->have_last = c->last_text.err == 0 && c->last_text.len > 0;

done:
  ctix__buf_free(&tmp);
  return rc;
}

int ctix__doc_parse_pdf(ctix__docb *b, const char *s, size_t n)
{
  GBytes *bytes = NULL;
  PopplerDocument *pd = NULL;
  GError *gerr = NULL;
  pdf_log log;
  pdf_ctx c;
  int rc = 0, npages, i;

  memset(&log, 0, sizeof(log));
  memset(&c, 0, sizeof(c));
  c.b = b;
  ctix__lstate_init(&c.st, b, CTIX__L_DEHYPHEN | CTIX__L_MARKERS);
  c.st.min_wrap = PDF_MIN_WRAP;
  c.st.slack = 1.0;
  ctix__buf_init(&c.plines, (size_t)-1 / 2);
  ctix__buf_init(&c.tlines, (size_t)-1 / 2);
  ctix__buf_init(&c.prev_first, 4096);
  ctix__buf_init(&c.prev_last, 4096);
  ctix__buf_init(&c.last_text, (size_t)-1 / 2);
  if (poppler_load()) {
    rc = ctix__error_set(b->err, CTIX_EUNSUPPORTED,
                         "PDF input needs poppler-glib, which could not be loaded: %s", pp_failure);
    goto done;
  }
  install_log_handler();
  current_log = &log;

  bytes = g_bytes_new_static(s, n);
  pd = pp.document_new_from_bytes(bytes, NULL, &gerr);
  if (!pd) {
    if (gerr && gerr->domain == pp.error_quark() && gerr->code == POPPLER_ERROR_ENCRYPTED)
      rc = ctix__error_set(b->err, CTIX_EUNSUPPORTED,
                           "PDF is encrypted (password protected); decrypt it first");
    else
      rc = ctix__error_set(b->err, CTIX_EPARSE, "PDF is damaged or truncated: %s%s%s%s",
                           gerr ? gerr->message : "poppler could not open it",
                           log.count ? " (" : "", log.first, log.count ? ")" : "");
    goto done;
  }
  if ((rc = read_meta(b, pd)))
    goto done;
  npages = pp.document_get_n_pages(pd);
  b->doc->npages = npages > 0 ? (uint32_t)npages : 0;
  for (i = 0; i < npages; i++) {
    PopplerPage *page = pp.document_get_page(pd, i);
    PopplerRectangle *rects = NULL;
    guint nrects = 0;
    char *text;
    if (!page)
      continue;
    text = pp.page_get_text(page);
    if (text && *text) {
      if (!pp.page_get_text_layout(page, &rects, &nrects)) {
        rects = NULL;
        nrects = 0;
      }
      rc = read_page(&c, text, rects, nrects, (uint32_t)i + 1);
    }
    g_free(rects);
    g_free(text);
    g_object_unref(page);
    if (rc)
      goto done;
  }
  if ((rc = ctix__lines_end(b)))
    goto done;
  if (c.st.next_page)
    b->page = c.st.next_page;
  if (c.dropped_lines)
    ctix__docb_warn(b, CTIX_ETOOBIG, CTIX_NOPOS,
                    "PDF: %zu line(s) past %d on one page dropped", c.dropped_lines,
                    PAGE_MAX_LINES);
  if (log.count)
    ctix__docb_warn(b, CTIX_EPARSE, CTIX_NOPOS,
                    "PDF needed repair (%u message(s) from poppler, first: %s)", log.count,
                    log.first);
  if (c.text_pages == 0)
    rc = ctix__error_set(b->err, CTIX_EEMPTY,
                         "PDF has %d page(s) but no extractable text (scanned pages need OCR)",
                         npages);

done:
  current_log = NULL;
  if (pd)
    g_object_unref(pd);
  if (bytes)
    g_bytes_unref(bytes);
  if (gerr)
    g_error_free(gerr);
  ctix__lstate_free(&c.st);
  ctix__buf_free(&c.plines);
  ctix__buf_free(&c.tlines);
  ctix__buf_free(&c.prev_first);
  ctix__buf_free(&c.prev_last);
  ctix__buf_free(&c.last_text);
  return rc;
}
