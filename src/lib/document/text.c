/*
 * Plain text to document, and the line rules the Markdown and PDF readers
 * share (see lines.h).
 *
 * Plain text: blank lines separate chunks; inside a chunk every line break
 * is either wrapping (the lines are joined into one paragraph) or the end of
 * a record (each line its own block), decided per break by
 * ctix__lines_break. Bullet and numbered lines are list items nested by
 * indentation. A single short line between blank lines in Title Case or ALL
 * CAPS, a numbered line such as "2.1 Delivery", or a line underlined with
 * === or --- is a heading; a short first line is the title. A UTF-8 BOM is
 * skipped; UTF-16 input is converted before it reaches here (document.c).
 *
 * Speed matters (the plain-text pipeline targets >= 200 MB/s): lines are
 * found with memchr, a chunk's line records live in one reused buffer and
 * nothing is allocated per line.
 */
#include <string.h>

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

#include "document/lines.h"
#include "util/str.h"
#include "util/utf8.h"

/* Lines gathered before a chunk is written even without a blank line. */
#define CHUNK_MAX_LINES 4096
/* Plain-text lines narrower than this are records, not wrapped prose. */
#define TEXT_MIN_WRAP 40.0
/* Longest line that may be a heading or the title (bytes, words). */
#define HEADING_MAX_BYTES 120
#define HEADING_MAX_WORDS 14
/* Lines of one heading joined at most (PDF headings wrap). */
#define HEADING_MAX_LINES 3

/* Bullets that start a list item when white space follows them. */
#define BULLET(s) {s, sizeof(s) - 1}
static const struct {
  const char *s;
  size_t len;
} bullets[] = {
    BULLET("-"), BULLET("*"), BULLET("+"),
    BULLET("\xE2\x80\xA2"), /* U+2022 bullet */
    BULLET("\xE2\x80\xA3"), /* U+2023 triangular bullet */
    BULLET("\xE2\x81\x83"), /* U+2043 hyphen bullet */
    BULLET("\xE2\x97\xA6"), /* U+25E6 white bullet */
    BULLET("\xE2\x97\x8F"), /* U+25CF black circle */
    BULLET("\xE2\x96\xAA"), /* U+25AA small black square */
    BULLET("\xE2\x96\xA0"), /* U+25A0 black square */
    BULLET("\xE2\x96\xBA"), /* U+25BA black right-pointing pointer */
    BULLET("\xE2\x9E\xA2"), /* U+27A2 arrowhead */
    BULLET("\xE2\x80\x93"), /* U+2013 en dash */
    BULLET("\xC2\xB7"),     /* U+00B7 middle dot */
    BULLET("\xEF\x82\xB7"), /* U+F0B7 Symbol-font bullet in PDFs from word processors */
    BULLET("\xEF\x82\xA7"), /* U+F0A7 Wingdings square in the same */
};
#undef BULLET

/* Words that stay lower case inside a Title Case heading. */
static const char *const small_words[] = {
    "a",   "an",  "and", "as",  "at",   "but", "by",  "for", "from", "in",  "into",
    "is",  "nor", "of",  "on",  "or",   "over", "per", "the", "to",  "up",  "via",
    "vs",  "with", "are", "its", "their", "your", "our", "out", "off", "than",
};

/* Longest of small_words. */
#define SMALL_WORD_MAX 5

/* Closing characters that may follow a sentence's final punctuation. */
static const char *const closers[] = {
    ")", "]", "\"", "'", "\xE2\x80\x9D" /* U+201D */, "\xE2\x80\x99" /* U+2019 */,
    "\xC2\xBB" /* U+00BB */, "*", "_",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ line shapes */

size_t ctix__list_marker(const char *s, size_t n)
{
  size_t i, j, k;
  bool paren = false;
  unsigned char c0 = n ? (unsigned char)s[0] : 0;
  /* Most lines start with a letter that cannot begin a marker. */
  if (n < 2 || (ctix__isalpha(c0) && s[1] != ')' && !strchr("ivx", c0)) ||
      !(ctix__isalnum(c0) || c0 >= 0xC2 || c0 == '-' || c0 == '*' || c0 == '+' || c0 == '('))
    return 0;
  /* no bullet starts with a letter or a digit */
  for (i = ctix__isalnum(c0) ? COUNT(bullets) : 0; i < COUNT(bullets); i++) {
    k = bullets[i].len;
    if (n > k && s[0] == bullets[i].s[0] && memcmp(s, bullets[i].s, k) == 0 &&
        (s[k] == ' ' || s[k] == '\t'))
      goto spaces;
  }
  /* "1." "1)" "a)" "(a)" "(1)" "(iv)" "iv)" */
  i = 0;
  if (n && s[0] == '(') {
    paren = true;
    i = 1;
  }
  j = i;
  while (j < n && j - i < 3 && ctix__isdigit((unsigned char)s[j]))
    j++;
  if (j > i) {
    if (j >= n || !(s[j] == ')' || (s[j] == '.' && !paren)))
      return 0;
  } else {
    while (j < n && j - i < 4 && s[j] && strchr("ivx", s[j]))
      j++;
    if (j == i && i < n && ctix__isalpha((unsigned char)s[i]))
      j = i + 1;
    if (j == i || j >= n || s[j] != ')')
      return 0;
  }
  k = j + 1;
  if (k >= n || (s[k] != ' ' && s[k] != '\t'))
    return 0;
spaces:
  while (k < n && (s[k] == ' ' || s[k] == '\t'))
    k++;
  return k < n ? k : 0;
}

size_t ctix__text_width(const char *s, size_t n)
{
  size_t i = 0, cont = 0;
  uint64_t w;
#if defined(__SSE2__) && defined(__GNUC__)
  /* Sixteen bytes at a time: a continuation byte is 10xxxxxx. */
  const __m128i c0 = _mm_set1_epi8((char)0xC0), c80 = _mm_set1_epi8((char)0x80);
  while (i + 16 <= n) {
    /* per-lane counts (minus the all-ones compare results), summed every
     * 255 steps at most so no lane overflows */
    __m128i acc = _mm_setzero_si128();
    size_t steps = 0;
    for (; i + 16 <= n && steps < 255; i += 16, steps++) {
      __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
      acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_and_si128(v, c0), c80));
    }
    acc = _mm_sad_epu8(acc, _mm_setzero_si128());
    cont += (size_t)_mm_cvtsi128_si32(acc) + (size_t)_mm_cvtsi128_si32(_mm_srli_si128(acc, 8));
  }
#endif
  /* Eight bytes at a time: a continuation byte is 10xxxxxx. */
  for (; i + 8 <= n; i += 8) {
    memcpy(&w, s + i, 8);
    w = (w & ~(w << 1) & 0x8080808080808080ull) >> 7;
    cont += (size_t)((w * 0x0101010101010101ull) >> 56);
  }
  for (; i < n; i++)
    cont += ((unsigned char)s[i] & 0xC0) == 0x80;
  return n - cont;
}

size_t ctix__first_word(const char *s, size_t n)
{
  size_t i = 0;
#if defined(__SSE2__) && defined(__GNUC__)
  /* Sixteen bytes at a time: the first space or tab. */
  const __m128i sp = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t');
  for (; i + 16 <= n; i += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    unsigned m = (unsigned)_mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(v, tab)));
    if (m)
      return i + (size_t)__builtin_ctz(m);
  }
#endif
  while (i < n && s[i] != ' ' && s[i] != '\t')
    i++;
  return i;
}

bool ctix__line_recordlike(const char *s, size_t n)
{
  size_t i, spaces = 0;
  if (n == 0)
    return false;
  if (memchr(s, '\t', n))
    return true;
  if (!memchr(s, ' ', n)) {
    /* One token: data (an address, a hash, a path, a domain), not a word. */
    for (i = 0; i < n; i++)
      if (ctix__isdigit((unsigned char)s[i]) || strchr("./\\:@_-[]%$#=", s[i]))
        return s[i] != '\0';
    return false;
  }
  /* "Key: value" with a key of at most four words. */
  if (!ctix__isalnum((unsigned char)s[0]))
    return false;
  for (i = 1; i < n && i < 40; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == ':')
      return i + 1 == n || s[i + 1] == ' ';
    if (c == ' ' && ++spaces > 3)
      return false;
    if (!(ctix__isalnum(c) || c >= 0x80 || strchr(" _-./()#'&", c)))
      return false;
  }
  return false;
}

/* Does the line end a sentence (., !, ?, : or ;, maybe before closers)? */
static bool ends_sentence(const char *s, size_t n)
{
  size_t i, k;
  bool again = true;
  while (n && again) {
    again = false;
    for (i = 0; i < COUNT(closers); i++) {
      k = strlen(closers[i]);
      if (n > k && memcmp(s + n - k, closers[i], k) == 0) {
        n -= k;
        again = true;
        break;
      }
    }
  }
  return n && strchr(".!?:;", s[n - 1]) && s[n - 1];
}

double ctix__lines_width(const ctix__tline *ls, size_t n)
{
  double m1 = 0, m2 = 0;
  size_t i;
  for (i = 0; i < n; i++) {
    if (ls[i].right > m1) {
      m2 = m1;
      m1 = ls[i].right;
    } else if (ls[i].right > m2) {
      m2 = ls[i].right;
    }
  }
  /* One overlong line (a URL past the margin) does not set the width of
   * prose; among short lines (a list) the long one is the prose. */
  return (n >= 3 && m1 > m2 * 1.25 && m2 >= TEXT_MIN_WRAP) ? m2 : m1;
}

/* Offset of the first character after opening brackets, quotes and
 * Markdown markup ("(See", "[Vendor", "**Note", U+201C, U+2018). */
static size_t skip_openers(const char *s, size_t n)
{
  size_t i = 0;
  while (i < n && s[i] && strchr("([{\"'*_`!<", s[i]))
    i++;
  if (i + 3 <= n && (memcmp(s + i, "\xE2\x80\x9C", 3) == 0 || memcmp(s + i, "\xE2\x80\x98", 3) == 0))
    i += 3;
  return i;
}

/* Does the line start a new statement: a capital letter or a digit, after
 * the openers? A lower-case letter or other punctuation ("%TEMP%", "$env")
 * continues. */
static bool starts_new(const char *s, size_t n)
{
  size_t i = skip_openers(s, n);
  return i < n && (ctix__isupper((unsigned char)s[i]) || ctix__isdigit((unsigned char)s[i]));
}

/* Does the line start with a lower-case letter (after the same openers)? */
static bool starts_lower(const char *s, size_t n)
{
  size_t i = skip_openers(s, n);
  return i < n && ctix__islower((unsigned char)s[i]);
}

/* Does the line's first word look like data: a digit, a dot or a slash
 * inside it (an address, a version, a path, a domain)? */
static bool starts_data(const char *s, size_t n)
{
  size_t i, w = ctix__first_word(s, n);
  for (i = 0; i < w; i++)
    if (ctix__isdigit((unsigned char)s[i]) || strchr("/\\@", s[i]) ||
        (s[i] == '.' && i + 1 < w && ctix__isalnum((unsigned char)s[i + 1])))
      return true;
  return false;
}

bool ctix__lines_break(const ctix__tline *p, const ctix__tline *l, double width,
                       double min_wrap, double slack, bool soft)
{
  bool p_rec = ctix__line_recordlike(p->s, p->n), l_rec = ctix__line_recordlike(l->s, l->n);
  if (p_rec && l_rec)
    return true;
  if (soft && !p_rec && !l_rec && !ends_sentence(p->s, p->n) && starts_lower(l->s, l->n))
    return false;
  if (width < min_wrap)
    return true;
  /* The next line's first word would have fitted: the break is deliberate,
   * unless the next line plainly continues a sentence. */
  if (p->right + 1 + l->fw <= width - slack) {
    if (ends_sentence(p->s, p->n))
      return true;
    return soft ? starts_data(l->s, l->n) : starts_new(l->s, l->n);
  }
  return false;
}

bool ctix__lines_continues(const ctix__tline *p, const ctix__tline *l)
{
  return p->n && l->n && !p->hlevel && !l->hlevel && !ends_sentence(p->s, p->n) &&
         starts_lower(l->s, l->n) && !ctix__list_marker(l->s, l->n);
}

/* ------------------------------------------------------------------ state */

void ctix__lstate_init(ctix__lstate *st, ctix__docb *b, unsigned flags)
{
  memset(st, 0, sizeof(*st));
  st->b = b;
  st->flags = flags;
  st->min_wrap = TEXT_MIN_WRAP;
  st->first_chunk = true;
  ctix__buf_init(&st->lines, (size_t)-1 / 2);
}

void ctix__lstate_free(ctix__lstate *st)
{
  ctix__buf_free(&st->lines);
}

int ctix__lines_end(ctix__docb *b)
{
  size_t before = CTIX__BUF_COUNT(&b->blocks, ctix_block);
  const ctix_block *blk;
  int rc;
  if (!b->open)
    return 0;
  if ((rc = ctix__docb_end(b)))
    return rc;
  if (CTIX__BUF_COUNT(&b->blocks, ctix_block) == before || b->doc->meta.title)
    return 0;
  blk = &CTIX__BUF_AT(&b->blocks, ctix_block, before);
  if (blk->kind == CTIX_BLOCK_HEADING && blk->level == 1)
    return ctix__docb_meta(b, CTIX__META_TITLE, b->text.data + blk->span.start,
                           blk->span.end - blk->span.start);
  return 0;
}

static int begin(ctix__lstate *st, ctix_block_kind kind, uint32_t level)
{
  int rc;
  if ((rc = ctix__lines_end(st->b)))
    return rc;
  if (st->next_page) {
    st->b->page = st->next_page;
    st->next_page = 0;
  }
  st->in_item = kind == CTIX_BLOCK_LIST_ITEM;
  if (kind == CTIX_BLOCK_HEADING)
    st->depth = 0;
  return ctix__docb_begin(st->b, kind, level);
}

/* The nesting level of a list item whose marker is at column `left`. */
static uint32_t list_level(ctix__lstate *st, double left)
{
  while (st->depth > 0 && left < st->list_left[st->depth - 1] - 0.5)
    st->depth--;
  if (st->depth > 0 && left <= st->list_left[st->depth - 1] + 0.5)
    return st->depth;
  if (st->depth < CTIX__LIST_MAX)
    st->list_left[st->depth++] = left;
  return st->depth;
}

/* ------------------------------------------------------------- headings */

static bool is_small_word(const char *w, size_t n)
{
  size_t i;
  if (n == 0 || n > SMALL_WORD_MAX)
    return false;
  for (i = 0; i < COUNT(small_words); i++)
    if (ctix__mem_ieq(w, n, small_words[i]))
      return true;
  return false;
}

/* A line of one character repeated (---, ===, ***, ___), spaces allowed. */
static char rule_char(const char *s, size_t n)
{
  size_t i, count = 0;
  char c;
  if (n < 3 || !strchr("-=*_~#", s[0]))
    return 0;
  c = s[0];
  for (i = 0; i < n; i++) {
    if (s[i] == c)
      count++;
    else if (s[i] != ' ')
      return 0;
  }
  return count >= 3 ? c : 0;
}

/* Is every word capitalised, except small words after the first? */
static bool title_case(const char *s, size_t n, size_t *words)
{
  size_t i = 0, w = 0, caps = 0;
  while (i < n) {
    size_t j, k;
    while (i < n && s[i] == ' ')
      i++;
    j = i;
    while (j < n && s[j] != ' ')
      j++;
    if (j == i)
      break;
    k = i;
    while (k < j && strchr("(\"'[", s[k]))
      k++;
    if (k < j) {
      unsigned char c = (unsigned char)s[k];
      if (ctix__isupper(c) || ctix__isdigit(c) || c >= 0x80) {
        caps += ctix__isupper(c);
      } else if (ctix__islower(c)) {
        if (w == 0 || !is_small_word(s + k, j - k))
          return false;
      }
    }
    w++;
    i = j;
  }
  *words = w;
  return caps > 0;
}

/* Does s[0..n) hold "://"? */
static bool has_scheme_sep(const char *s, size_t n)
{
  const char *c;
  size_t i = 0;
  while (i + 3 <= n && (c = memchr(s + i, ':', n - i - 2))) {
    i = (size_t)(c - s);
    if (s[i + 1] == '/' && s[i + 2] == '/')
      return true;
    i++;
  }
  return false;
}

/* Heading level of a plain-text line standing alone between blank lines,
 * or 0. `more`: text follows it. */
static uint32_t text_heading(const ctix__lstate *st, const ctix__tline *l, bool more)
{
  const char *s = l->s;
  size_t n = l->n, i, words = 0, upper = 0, lower = 0, other = 0, fw;
  uint32_t level = 2;
  if (!more || n == 0 || n > HEADING_MAX_BYTES || l->left > 0)
    return 0;
  if (strchr(".,;:!?", s[n - 1]) || ctix__list_marker(s, n))
    return 0;
  fw = ctix__first_word(s, n);
  if (s[fw - 1] == ':' || has_scheme_sep(s, n) || memchr(s, '@', n))
    return 0;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    words += c == ' ' && i + 1 < n && s[i + 1] != ' ';
    upper += ctix__isupper(c);
    lower += ctix__islower(c);
    other += c != ' ' && !ctix__isalpha(c);
  }
  words++;
  if (words > HEADING_MAX_WORDS)
    return 0;
  if (st->first_chunk && (st->flags & CTIX__L_TITLE) && words >= 2 && upper + lower >= 4)
    return 1;
  /* "2.1 Delivery", "3. Technical Details" */
  if (ctix__isdigit((unsigned char)s[0])) {
    i = 0;
    while (i < fw && (ctix__isdigit((unsigned char)s[i]) || s[i] == '.')) {
      level += s[i] == '.' && i + 1 < fw;
      i++;
    }
    if (i != fw || fw == n)
      return 0;
    s += fw + 1;
    n -= fw + 1;
    if (!title_case(s, n, &words))
      return 0;
    return level > 6 ? 6 : level;
  }
  if (words == 1)
    return (other == 0 && n >= 3 && n <= 30 && upper) ? 2 : 0;
  if (upper >= 3 && lower == 0 && (upper) * 2 >= n - words + 1)
    return 2;
  return title_case(s, n, &words) ? 2 : 0;
}

/* ---------------------------------------------------------------- chunks */

/* Heading level a chunk's line k gets (PDF: from the caller; text: rules). */
static uint32_t line_level(const ctix__tline *ls, size_t k, uint32_t text_level)
{
  return text_level ? text_level : ls[k].hlevel;
}

/* Is the break between lines k and k + 1 mere wrapping? */
static bool joins(const ctix__lstate *st, const ctix__tline *ls, size_t k, double width,
                  uint32_t lp, uint32_t ln, size_t heading_lines, size_t next_marker)
{
  if (ln)
    return lp == ln && heading_lines < HEADING_MAX_LINES;
  if (lp || next_marker)
    return false;
  return !ctix__lines_break(&ls[k], &ls[k + 1], width, st->min_wrap, st->slack, false);
}

static size_t marker_at(const ctix__lstate *st, const ctix__tline *l)
{
  return (st->flags & CTIX__L_MARKERS) ? ctix__list_marker(l->s, l->n) : 0;
}

int ctix__lines_chunk(ctix__lstate *st, const ctix__tline *ls, size_t n, bool more)
{
  ctix__docb *b = st->b;
  uint32_t tl = 0, lp, ln;
  double width;
  size_t k, mk, mk_next, heading_lines = 0;
  bool join_this = st->cont && b->open, glue = false;
  char underline;
  int rc = 0;

  st->cont = false;
  if (n == 0)
    return 0;
  if (st->flags & CTIX__L_HEADINGS) {
    if (n == 1 && rule_char(ls[0].s, ls[0].n))
      return 0;  /* a separator line */
    if (n == 2 && (underline = rule_char(ls[1].s, ls[1].n)) && (underline == '=' || underline == '-') &&
        !marker_at(st, &ls[0]) && ls[0].n <= HEADING_MAX_BYTES) {
      if ((rc = begin(st, CTIX_BLOCK_HEADING, underline == '=' ? 1 : 2)) ||
          (rc = ctix__docb_append(b, ls[0].s, ls[0].n)))
        return rc;
      st->first_chunk = false;
      return ctix__lines_end(b);
    }
    if (n == 1)
      tl = text_heading(st, &ls[0], more);
  }
  width = ctix__lines_width(ls, n);
  mk_next = marker_at(st, &ls[0]);
  for (k = 0; k < n; k++) {
    const ctix__tline *l = &ls[k];
    size_t len;
    bool glue_next = false, join_next = false;
    mk = mk_next;
    lp = line_level(ls, k, tl);
    if (!join_this) {
      /* A new block starts with this line. */
      heading_lines = 0;
      if (lp) {
        rc = begin(st, CTIX_BLOCK_HEADING, lp);
      } else if (mk) {
        rc = begin(st, CTIX_BLOCK_LIST_ITEM, list_level(st, l->left));
        st->item_left = l->left;
      } else if ((k == 0 && st->depth && l->left > st->list_left[st->depth - 1] + 0.5) ||
                 (k > 0 && st->in_item && l->left > st->item_left + 0.5)) {
        rc = begin(st, CTIX_BLOCK_LIST_ITEM, st->depth ? st->depth : 1);
        st->in_item = true;
      } else {
        st->depth = 0;
        rc = begin(st, CTIX_BLOCK_PARAGRAPH, 0);
      }
      if (rc)
        return rc;
    } else if (!glue) {
      ctix__docb_break(b);
    }
    heading_lines++;
    /* Decide now whether the next line joins this one, to know what to do
     * with a hyphen at the end of this one. */
    if (k + 1 < n) {
      mk_next = marker_at(st, &ls[k + 1]);
      ln = line_level(ls, k + 1, tl);
      join_next = joins(st, ls, k, width, lp, ln, heading_lines, mk_next);
    }
    len = l->n;
    if (join_next && len - mk >= 2 && l->s[len - 1] == '-') {
      unsigned char c = (unsigned char)l->s[len - 2], d = (unsigned char)ls[k + 1].s[0];
      if ((ctix__isalnum(c) || c >= 0x80) && (ctix__isalnum(d) || d >= 0x80)) {
        glue_next = true;
        /* A hyphen between two lower-case letters was put there by the
         * typesetter; after a digit or a capital (x86-64, SHA-256) it is
         * part of the word. */
        if ((st->flags & CTIX__L_DEHYPHEN) && (ctix__islower(c) || c >= 0x80) &&
            ctix__islower(d))
          len--;
      }
    }
    if ((rc = ctix__docb_append(b, l->s + mk, len - mk)))
      return rc;
    join_this = join_next;
    glue = glue_next;
  }
  st->first_chunk = false;
  return 0;
}

/* ------------------------------------------------------------ plain text */

/*
 * Reads the line at s[i..n) ending at `eol` into *l; returns the offset of
 * the next line. *blank tells whether the line holds only white space.
 */
static size_t read_line(const char *s, size_t n, size_t i, char eol, ctix__tline *l,
                        bool *blank)
{
  const char *e = memchr(s + i, eol, n - i);
  size_t end = e ? (size_t)(e - s) : n, next = e ? end + 1 : n, j = i;
  size_t col = 0;
  while (j < end && (s[j] == ' ' || s[j] == '\t')) {
    col = s[j] == '\t' ? (col + 4) & ~(size_t)3 : col + 1;
    j++;
  }
  while (end > j && ctix__isspace((unsigned char)s[end - 1]))
    end--;
  *blank = end == j;
  if (*blank)
    return next;
  l->s = s + j;
  l->n = end - j;
  l->left = (double)col;
  /* Widths in characters are only needed when the chunk has more than
   * one line: measure_lines fills them in then. */
  l->right = (double)(col + l->n);
  l->fw = 0;
  l->hlevel = 0;
  l->hard = false;
  return next;
}

/* Measures the lines of a chunk in characters (see read_line). */
static void measure_lines(ctix__tline *ls, size_t n)
{
  size_t k;
  for (k = 0; k < n; k++) {
    ls[k].right = ls[k].left + (double)ctix__text_width(ls[k].s, ls[k].n);
    ls[k].fw = (double)ctix__text_width(ls[k].s, ctix__first_word(ls[k].s, ls[k].n));
  }
}

/* The line terminator: LF, or CR for files that use CR alone. */
static char pick_eol(const char *s, size_t n)
{
  size_t lim = n < 65536 ? n : 65536;
  if (memchr(s, '\n', lim) || !memchr(s, '\r', lim))
    return '\n';
  return '\r';
}

int ctix__doc_parse_text(ctix__docb *b, const char *s, size_t n)
{
  ctix__lstate st;
  ctix__tline l;
  size_t i = 0, nl, next = 0;
  char eol = pick_eol(s, n);
  bool blank, have = false;
  int rc = 0;

  if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
    i = 3;
  ctix__lstate_init(&st, b, CTIX__L_TITLE | CTIX__L_HEADINGS | CTIX__L_MARKERS);
  /* Skip leading blank lines. The line that ends a run of blank lines is
   * kept (`have`: l holds it, `next` is where the line after it starts)
   * for the chunk it begins, so no line is read twice. */
  while (i < n) {
    next = read_line(s, n, i, eol, &l, &blank);
    if (!blank) {
      have = true;
      break;
    }
    i = next;
  }
  while (i < n) {
    ctix__buf_reset(&st.lines);
    nl = 0;
    while (i < n && nl < CHUNK_MAX_LINES) {
      if (!have) {
        next = read_line(s, n, i, eol, &l, &blank);
        if (blank) {
          i = next; /* the blank line that ends the chunk */
          break;
        }
      }
      have = false;
      if (ctix__buf_push(&st.lines, &l, sizeof(l))) {
        rc = ctix__error_set(b->err, CTIX_ENOMEM, "out of memory reading text lines");
        goto done;
      }
      nl++;
      i = next;
    }
    while (i < n && !have) {
      next = read_line(s, n, i, eol, &l, &blank);
      if (!blank)
        have = true;
      else
        i = next;
    }
    if (nl > 1)
      measure_lines((ctix__tline *)(void *)st.lines.data, nl);
    if ((rc = ctix__lines_chunk(&st, (const ctix__tline *)(void *)st.lines.data, nl, i < n)))
      goto done;
    /* the chunk is in the document: the input before it is not read again */
    ctix__docb_consumed(b, s + i);
  }
  rc = ctix__lines_end(b);

done:
  ctix__lstate_free(&st);
  return rc;
}

/* ---------------------------------------------------------------- UTF-16 */

int ctix__utf16_bom(const void *data, size_t len)
{
  const unsigned char *s = data;
  if (len >= 2 && s[0] == 0xFF && s[1] == 0xFE)
    return 1;
  if (len >= 2 && s[0] == 0xFE && s[1] == 0xFF)
    return 2;
  return 0;
}

int ctix__utf16_to_utf8(ctix_buf *out, const void *data, size_t len, size_t *replaced)
{
  const unsigned char *s = data;
  bool be = ctix__utf16_bom(data, len) == 2;
  size_t i = ctix__utf16_bom(data, len) ? 2 : 0;
  char enc[4];
  while (i + 1 < len) {
    uint32_t u = be ? ((uint32_t)s[i] << 8 | s[i + 1]) : ((uint32_t)s[i + 1] << 8 | s[i]);
    i += 2;
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < len) {
      uint32_t v = be ? ((uint32_t)s[i] << 8 | s[i + 1]) : ((uint32_t)s[i + 1] << 8 | s[i]);
      if (v >= 0xDC00 && v <= 0xDFFF) {
        u = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00);
        i += 2;
      }
    }
    if (u >= 0xD800 && u <= 0xDFFF) {
      u = CTIX_UTF8_REPLACEMENT;
      (*replaced)++;
    }
    ctix__buf_add(out, enc, ctix__utf8_encode(u, enc));
  }
  if (i < len) {
    (*replaced)++;
    ctix__buf_add(out, "\xEF\xBF\xBD", 3);
  }
  return out->err;
}
