/*
 * Markdown to document.
 *
 * A line-by-line reader of the Markdown that threat reports and their
 * mirrors use (CommonMark with the GitHub table extension, simplified):
 * ATX and setext headings; fenced (``` and ~~~) and indented code as CODE
 * blocks; nested lists; block quotes; pipe tables, one TABLE_ROW block per
 * row (header kept, delimiter row dropped, cells joined by " | ");
 * thematic breaks, HTML comments and link reference definitions dropped;
 * YAML front matter read for the title, date, author and description.
 *
 * Paragraph lines go through the same per-break rules as plain text
 * (lines.h), so a run of one-IOC-per-line lines is not glued into one
 * sentence. Inline markup is then reduced to its visible text: links keep
 * their text (and are recorded with their target), images their alt text,
 * code spans their content; emphasis markers are removed only where they
 * pair up as emphasis under the CommonMark flanking rules, never inside
 * snake_case_names, file_names.exe or *.dll globs; HTML tags and comments
 * are dropped and entities decoded. The first level-1 heading is the title
 * unless the front matter gave one.
 *
 * Choices made for threat reports: a backslash escapes Markdown punctuation
 * but not another backslash (sources write "\\.\pipe\x" and Windows paths
 * unescaped); a footnote marker glued to a word ("Conti[1](#note1)") is
 * dropped; reference links keep their text, shortcut ones ("[ref]") stay
 * literal, and "[text][label]" is a reference link only when the document
 * defines the label ("[label]: target"), as in CommonMark: advisories
 * write a tactic and a technique id side by side ("[TA0009][T1114]"),
 * which a reader taking every "[x][y]" for a link cut to "TA0009".
 * Scanning for closing brackets, backticks and comment ends is
 * bounded by a per-block budget, so no input makes parsing quadratic.
 */
#include <stdlib.h>
#include <string.h>

#include "document/lines.h"
#include "util/str.h"
#include "util/utf8.h"

/* How far a link's brackets or a code span's closing backticks are looked
 * for: bounds the work on unbalanced input. */
#define SCAN_MAX 8192
/* Nesting of inline constructs (link text inside link text ...). */
#define INLINE_DEPTH_MAX 8
/* Source lines carry markup (link targets, emphasis markers), so the
 * "next word would have fitted" test of lines.h gets this much slack. */
#define MD_WRAP_SLACK 8.0
/* Narrowest paragraph taken as wrapped prose rather than records. */
#define MD_MIN_WRAP 40.0
/* Scanning work allowed for a block of n bytes (see spend). */
#define BUDGET(n) (16 * (size_t)(n) + 65536)
/* Front matter is looked for in this many bytes at the top. */
#define FRONT_MATTER_MAX 65536
/* Link reference definitions remembered per document, and the longest
 * label (CommonMark's limit); more or longer ones are ignored (their
 * reference links then stay literal text). */
#define REF_LABELS_MAX 4096
#define REF_LABEL_LEN 999

/* A run of emphasis delimiters (*, _ or ~~) in one inline span. */
typedef struct delim {
  size_t pos, len;
  size_t rem;     /* characters still unmatched */
  size_t del;     /* characters removed as emphasis markers */
  char ch;
  bool open, close;
} delim;

typedef struct md {
  ctix__docb *b;
  ctix_buf plines;     /* ctix__tline records of the open paragraph */
  ctix_buf scratch;    /* text of one segment, for inline processing */
  ctix_buf delims;     /* delim records of the spans being processed */
  bool popen;          /* a paragraph is being collected */
  ctix_block_kind pkind;
  uint32_t plevel;
  size_t list_col[CTIX__LIST_MAX];      /* marker column per list depth */
  size_t list_content[CTIX__LIST_MAX];  /* content column per list depth */
  unsigned depth;
  bool blank_before;   /* the previous line was blank */
  bool in_table;
  bool in_fence, in_icode, in_comment, code_started;
  char fence_ch;
  size_t fence_len, fence_indent;
  unsigned inline_depth;
  size_t budget;       /* scanning work left for the current block */
  ctix_buf openers[3]; /* open '*', '_', '~' delimiters (indices), for pairing */
  ctix_buf labels;     /* the defined reference labels, normalised, each NUL-ended */
  ctix_buf label_at;   /* const char * to each label in `labels`, sorted */
} md;

/* Inline HTML elements whose tags are dropped without a word break. */
static const char *const inline_tags[] = {
    "a", "abbr", "b", "cite", "code", "del", "em", "font", "i", "ins", "kbd", "mark",
    "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt",
    "u", "var",
};
/* Other HTML elements: their tags are dropped and break words. */
static const char *const block_tags[] = {
    "address", "article", "aside", "blockquote", "br", "caption", "center", "col",
    "colgroup", "dd", "details", "div", "dl", "dt", "figcaption", "figure", "footer",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "iframe", "img", "li", "main",
    "nav", "ol", "p", "picture", "pre", "section", "source", "summary", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "video", "wbr",
};

typedef struct entity {
  const char *name;
  const char *utf8;
} entity;

static const entity entities[] = {
    {"amp", "&"},  {"lt", "<"},   {"gt", ">"},   {"quot", "\""},   {"apos", "'"},
    {"nbsp", "\xC2\xA0"},         {"ndash", "\xE2\x80\x93"},       {"mdash", "\xE2\x80\x94"},
    {"hellip", "\xE2\x80\xA6"},   {"lsquo", "\xE2\x80\x98"},       {"rsquo", "\xE2\x80\x99"},
    {"ldquo", "\xE2\x80\x9C"},    {"rdquo", "\xE2\x80\x9D"},       {"laquo", "\xC2\xAB"},
    {"raquo", "\xC2\xBB"},        {"bull", "\xE2\x80\xA2"},        {"middot", "\xC2\xB7"},
    {"copy", "\xC2\xA9"},         {"reg", "\xC2\xAE"},             {"trade", "\xE2\x84\xA2"},
    {"times", "\xC3\x97"},        {"deg", "\xC2\xB0"},             {"shy", ""},
    {"zwj", ""},                  {"zwnj", ""},
};

/* Front matter keys and the metadata field each fills. */
typedef struct fm_key {
  const char *key;
  ctix__meta_field field;
} fm_key;

static const fm_key fm_keys[] = {
    {"title", CTIX__META_TITLE},         {"date", CTIX__META_PUBLISHED},
    {"published", CTIX__META_PUBLISHED}, {"pubdate", CTIX__META_PUBLISHED},
    {"author", CTIX__META_AUTHOR},       {"authors", CTIX__META_AUTHOR},
    {"description", CTIX__META_DESCRIPTION}, {"summary", CTIX__META_DESCRIPTION},
    {"lang", CTIX__META_LANGUAGE},       {"language", CTIX__META_LANGUAGE},
    {"canonical_url", CTIX__META_CANONICAL_URL}, {"canonical", CTIX__META_CANONICAL_URL},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Characters where an inline construct may start. */
static const unsigned char special[256] = {
    ['\\'] = 1, ['`'] = 1, ['*'] = 1, ['_'] = 1, ['~'] = 1,
    ['['] = 1,  ['!'] = 1, ['<'] = 1, ['&'] = 1,
};

static bool is_punct(unsigned char c)
{
  return c < 0x80 && c > 0x20 && !ctix__isalnum(c) && c != 0x7F;
}

static bool is_ws(unsigned char c)
{
  return ctix__isspace(c);
}

/* ================================================================ inline */

typedef enum atom_kind {
  ATOM_NONE = 0,
  ATOM_TEXT,      /* literal bytes [a, a + alen) */
  ATOM_CODE,      /* code span: content [a, a + alen) */
  ATOM_LINK,      /* text [a, alen), target [u, ulen) (ulen 0: reference link) */
  ATOM_IMAGE,     /* alt text [a, alen) */
  ATOM_AUTOLINK,  /* target [u, ulen), shown as is */
  ATOM_SKIP,      /* dropped (comment, inline tag) */
  ATOM_BREAK,     /* dropped with a word break (block tag) */
  ATOM_CHARS      /* decoded characters in buf */
} atom_kind;

typedef struct atom {
  atom_kind kind;
  size_t len;           /* bytes of input it covers */
  size_t a, alen, u, ulen;
  char buf[8];
  size_t blen;
} atom;

/* Length of a run of c at t[i..n). */
static size_t run_len(const char *t, size_t n, size_t i, char c)
{
  size_t j = i;
  while (j < n && t[j] == c)
    j++;
  return j - i;
}

/*
 * Spends `cost` of the scanning budget; false once it is used up. The
 * budget bounds the work on one block to a constant times its length, so
 * unbalanced brackets, backticks or comment openers cannot make parsing
 * quadratic; past it such constructs are left as literal text.
 */
static bool spend(size_t *budget, size_t cost)
{
  if (*budget < cost) {
    *budget = 0;
    return false;
  }
  *budget -= cost;
  return true;
}

/* End (exclusive) of the code span opened by k backticks at i, or 0. */
static size_t code_span_end(const char *t, size_t n, size_t i, size_t k, size_t *budget)
{
  size_t j = i + k, lim = n - j > SCAN_MAX ? j + SCAN_MAX : n;
  if (!spend(budget, lim - j))
    return 0;
  while (j < lim) {
    const char *p = memchr(t + j, '`', lim - j);
    size_t r;
    if (!p)
      return 0;
    j = (size_t)(p - t);
    r = run_len(t, n, j, '`');
    if (r == k)
      return j + r;
    j += r;
  }
  return 0;
}

/* Index of the ']' closing the '[' at i, or n. */
static size_t close_bracket(const char *t, size_t n, size_t i, size_t *budget)
{
  size_t j = i + 1, depth = 1, lim = n - i > SCAN_MAX ? i + SCAN_MAX : n;
  while (j < lim) {
    char c = t[j];
    if (!spend(budget, 1))
      return n;
    if (c == '\\' && j + 1 < n) {
      j += 2;
      continue;
    }
    if (c == '`') {
      size_t k = run_len(t, n, j, '`'), e = code_span_end(t, n, j, k, budget);
      j = e ? e : j + k;
      continue;
    }
    if (c == '[')
      depth++;
    else if (c == ']' && --depth == 0)
      return j;
    j++;
  }
  return n;
}

/* Parses "(dest "title")" at t[i] == '('; returns its end or 0. */
static size_t link_dest(const char *t, size_t n, size_t i, size_t *u, size_t *ulen,
                        size_t *budget)
{
  size_t j = i + 1, depth = 0, lim = n - i > SCAN_MAX ? i + SCAN_MAX : n;
  while (j < lim && is_ws((unsigned char)t[j]))
    j++;
  if (j < lim && t[j] == '<') {
    *u = ++j;
    while (j < lim && t[j] != '>' && t[j] != '\n' && spend(budget, 1))
      j++;
    if (j >= lim || t[j] != '>')
      return 0;
    *ulen = j - *u;
    j++;
  } else {
    *u = j;
    while (j < lim && !is_ws((unsigned char)t[j])) {
      if (!spend(budget, 1))
        return 0;
      if (t[j] == '\\' && j + 1 < lim) {
        j += 2;
        continue;
      }
      if (t[j] == '(')
        depth++;
      else if (t[j] == ')' && depth-- == 0)
        break;
      j++;
    }
    *ulen = j - *u;
  }
  while (j < lim && is_ws((unsigned char)t[j]))
    j++;
  if (j < lim && (t[j] == '"' || t[j] == '\'' || t[j] == '(')) {
    char close = t[j] == '(' ? ')' : t[j];
    j++;
    while (j < lim && t[j] != close) {
      if (!spend(budget, 1))
        return 0;
      if (t[j] == '\\')
        j++;
      j++;
    }
    if (j >= lim)
      return 0;
    j++;
    while (j < lim && is_ws((unsigned char)t[j]))
      j++;
  }
  if (j >= lim || t[j] != ')')
    return 0;
  return j + 1;
}

static bool label_defined(const md *m, const char *l, size_t n);
static bool attack_id(const char *s, size_t n);

/* Finds a link or image whose '[' is at t[i]. */
static bool link_at(const md *m, const char *t, size_t n, size_t i, atom *a, size_t *budget)
{
  size_t close = close_bracket(t, n, i, budget), end, u = 0, ulen = 0;
  if (close >= n)
    return false;
  a->a = i + 1;
  a->alen = close - i - 1;
  if (close + 1 < n && t[close + 1] == '(' &&
      (end = link_dest(t, n, close + 1, &u, &ulen, budget)) != 0) {
    a->kind = ATOM_LINK;
    a->u = u;
    a->ulen = ulen;
    a->len = end - i;
    return true;
  }
  if (close + 1 < n && t[close + 1] == '[') {
    size_t c2 = close_bracket(t, n, close + 1, budget);
    /* [text][label] ([text][] uses the text as label) when the label is
     * defined: the text, without a target we could resolve here. Two
     * ATT&CK ids side by side ("[TA0009][T1114]") stay as written even
     * when defined: the advisories' tactic and technique. */
    if (c2 < n &&
        !(attack_id(t + i + 1, close - i - 1) && attack_id(t + close + 2, c2 - close - 2)) &&
        (c2 == close + 2 ? label_defined(m, t + i + 1, close - i - 1)
                         : label_defined(m, t + close + 2, c2 - close - 2))) {
      a->kind = ATOM_LINK;
      a->u = a->ulen = 0;
      a->len = c2 + 1 - i;
      return true;
    }
  }
  return false;
}

static bool in_table(const char *const *tab, size_t count, const char *s, size_t n)
{
  size_t i;
  for (i = 0; i < count; i++)
    if (ctix__mem_ieq(s, n, tab[i]))
      return true;
  return false;
}

/* Recognises "<...>" at t[i]: autolink, comment or known HTML tag. */
static bool angle_at(const char *t, size_t n, size_t i, atom *a, size_t *budget)
{
  size_t j = i + 1, k, lim = n - i > 1024 ? i + 1024 : n;
  if (!spend(budget, lim - i))
    return false;
  if (n - i >= 4 && memcmp(t + i, "<!--", 4) == 0) {
    const char *e = ctix__mem_ifind(t + i + 4, lim - i - 4, "-->");
    if (!e)
      return false;
    a->kind = ATOM_SKIP;
    a->len = (size_t)(e - t) + 3 - i;
    return true;
  }
  /* Autolink: <scheme:...> or <user@host>, no spaces. */
  k = j;
  while (k < lim && t[k] != '>' && t[k] != '<' && !is_ws((unsigned char)t[k]))
    k++;
  if (k < lim && t[k] == '>' && k > j) {
    const char *colon = memchr(t + j, ':', k - j), *at = memchr(t + j, '@', k - j);
    bool scheme = colon && colon >= t + j + 2 && ctix__isalpha((unsigned char)t[j]);
    size_t q;
    for (q = j; scheme && t + q < colon; q++)
      if (!ctix__isalnum((unsigned char)t[q]) && !strchr("+.-", t[q]))
        scheme = false;
    if (scheme || (at && at > t + j && at + 1 < t + k)) {
      a->kind = ATOM_AUTOLINK;
      a->u = j;
      a->ulen = k - j;
      a->len = k + 1 - i;
      return true;
    }
  }
  /* A tag of a known HTML element. */
  if (j < n && t[j] == '/')
    j++;
  k = j;
  while (k < lim && ctix__isalnum((unsigned char)t[k]))
    k++;
  if (k == j || k >= lim || !(t[k] == '>' || t[k] == '/' || is_ws((unsigned char)t[k])))
    return false;
  if (in_table(inline_tags, COUNT(inline_tags), t + j, k - j))
    a->kind = ATOM_SKIP;
  else if (in_table(block_tags, COUNT(block_tags), t + j, k - j))
    a->kind = ATOM_BREAK;
  else
    return false;
  while (k < lim && t[k] != '>') {
    if (t[k] == '"' || t[k] == '\'') {
      const char *q = memchr(t + k + 1, t[k], lim - k - 1);
      if (!q)
        return false;
      k = (size_t)(q - t);
    }
    k++;
  }
  if (k >= lim)
    return false;
  a->len = k + 1 - i;
  return true;
}

/* Decodes "&name;" or "&#N;" at t[i]. */
static bool entity_at(const char *t, size_t n, size_t i, atom *a)
{
  size_t j = i + 1, k, e;
  uint32_t cp = 0;
  if (j < n && t[j] == '#') {
    bool hex = j + 1 < n && (t[j + 1] == 'x' || t[j + 1] == 'X');
    k = j + 1 + hex;
    e = k;
    while (e < n && e - k < 7 &&
           (hex ? (ctix__isdigit((unsigned char)t[e]) ||
                   ((unsigned)(ctix__lower((unsigned char)t[e]) - 'a') < 6))
                : ctix__isdigit((unsigned char)t[e]))) {
      unsigned char c = (unsigned char)t[e];
      cp = cp * (hex ? 16 : 10) +
           (uint32_t)(ctix__isdigit(c) ? c - '0' : ctix__lower(c) - 'a' + 10);
      e++;
    }
    if (e == k || e >= n || t[e] != ';')
      return false;
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      cp = CTIX_UTF8_REPLACEMENT;
    a->kind = ATOM_CHARS;
    a->blen = ctix__utf8_encode(cp, a->buf);
    a->len = e + 1 - i;
    return true;
  }
  e = j;
  while (e < n && e - j < 10 && ctix__isalnum((unsigned char)t[e]))
    e++;
  if (e == j || e >= n || t[e] != ';')
    return false;
  for (k = 0; k < COUNT(entities); k++)
    if (strlen(entities[k].name) == e - j && memcmp(t + j, entities[k].name, e - j) == 0) {
      a->kind = ATOM_CHARS;
      a->blen = strlen(entities[k].utf8);
      memcpy(a->buf, entities[k].utf8, a->blen);
      a->len = e + 1 - i;
      return true;
    }
  return false;
}

/* The construct starting at t[i], if any (emphasis runs excluded). */
static bool atom_at(const md *m, const char *t, size_t n, size_t i, atom *a, size_t *budget)
{
  size_t k, e;
  memset(a, 0, sizeof(*a));
  switch (t[i]) {
  case '\\':
    /* A backslash escapes Markdown punctuation but not another backslash:
     * the sources write Windows paths and pipe names ("\\.\pipe\x") as is. */
    if (i + 1 < n && is_punct((unsigned char)t[i + 1]) && t[i + 1] != '\\') {
      a->kind = ATOM_TEXT;
      a->a = i + 1;
      a->alen = 1;
      a->len = 2;
      return true;
    }
    return false;
  case '`':
    k = run_len(t, n, i, '`');
    e = code_span_end(t, n, i, k, budget);
    a->len = e ? e - i : k;
    if (!e) {
      a->kind = ATOM_TEXT;  /* unmatched backticks are literal */
      a->a = i;
      a->alen = k;
      return true;
    }
    a->kind = ATOM_CODE;
    a->a = i + k;
    a->alen = e - k - a->a;
    return true;
  case '!':
    if (i + 1 < n && t[i + 1] == '[' && link_at(m, t, n, i + 1, a, budget)) {
      a->kind = ATOM_IMAGE;
      a->len++;
      return true;
    }
    return false;
  case '[':
    return link_at(m, t, n, i, a, budget);
  case '<':
    return angle_at(t, n, i, a, budget);
  case '&':
    return entity_at(t, n, i, a);
  default:
    return false;
  }
}

/*
 * Does the token from t[i] on go past another '_' into more of the word?
 * Then an opening '_' before it belongs to an identifier ("__init__.py",
 * "_x_y"), not to emphasis.
 */
static bool identifier_after(const char *t, size_t n, size_t i)
{
  /* Identifiers are short: look no further than this. */
  if (n - i > 128)
    n = i + 128;
  while (i < n && !is_ws((unsigned char)t[i])) {
    if (t[i] == '_') {
      size_t r = run_len(t, n, i, '_');
      unsigned char a = i + r < n ? (unsigned char)t[i + r] : ' ';
      if (ctix__isalnum(a) ||
          (a == '.' && i + r + 1 < n && ctix__isalnum((unsigned char)t[i + r + 1])))
        return true;
      i += r;
      continue;
    }
    i++;
  }
  return false;
}

/* Records the emphasis delimiter runs of t[0..n) outside other constructs
 * and pairs them up; the removed counts are left in the records. */
static int find_emphasis(md *m, const char *t, size_t n, size_t base)
{
  size_t i = 0, r;
  atom a;
  while (i < n) {
    unsigned char c = (unsigned char)t[i];
    if (!special[c]) {
      i++;
      continue;
    }
    if (c == '*' || c == '_' || c == '~') {
      delim d;
      unsigned char prev = i ? (unsigned char)t[i - 1] : ' ', next;
      bool lf, rf;
      memset(&d, 0, sizeof(d));
      d.pos = i;
      d.len = d.rem = run_len(t, n, i, (char)c);
      d.ch = (char)c;
      next = i + d.len < n ? (unsigned char)t[i + d.len] : ' ';
      lf = !is_ws(next) && (!is_punct(next) || is_ws(prev) || is_punct(prev));
      rf = !is_ws(prev) && (!is_punct(prev) || is_ws(next) || is_punct(next));
      if (c == '_') {
        d.open = lf && (!rf || is_punct(prev));
        d.close = rf && (!lf || is_punct(next));
      } else if (d.len >= 2) {
        /* "**Note:**This": converters drop the space after bold text, so
         * strong emphasis with '*' only needs a non-space on its inner side. */
        d.open = !is_ws(next);
        d.close = !is_ws(prev);
      } else {
        /* A single '*' between letters or digits is not emphasis here:
         * "2*3*4", "evil*corp*" are more often literal in reports. */
        d.open = lf && !ctix__isalnum(prev);
        d.close = rf && !ctix__isalnum(next);
      }
      /* Never inside a file name or a glob: "*.dll", "__init__.py". */
      if ((c == '_' || d.len == 1) && next == '.' && i + d.len + 1 < n &&
          ctix__isalnum((unsigned char)t[i + d.len + 1]))
        d.open = d.close = false;
      if (c == '~' && d.len != 2)
        d.open = d.close = false;
      if (c == '_' && d.open && identifier_after(t, n, i + d.len))
        d.open = false;
      if ((d.open || d.close) && ctix__buf_push(&m->delims, &d, sizeof(d)))
        return ctix__error_set(m->b->err, CTIX_ENOMEM, "out of memory reading Markdown");
      i += d.len;
      continue;
    }
    if (atom_at(m, t, n, i, &a, &m->budget)) {
      i += a.len;
      continue;
    }
    i++;
  }
  /* Pair closers with the nearest usable opener of the same character.
   * One stack of open delimiters per character keeps the work linear. */
  for (r = 0; r < 3; r++)
    ctix__buf_reset(&m->openers[r]);
  for (r = base; r < CTIX__BUF_COUNT(&m->delims, delim); r++) {
    delim *dc = &CTIX__BUF_AT(&m->delims, delim, r);
    size_t ci = dc->ch == '*' ? 0 : dc->ch == '_' ? 1 : 2, q;
    ctix_buf *st = &m->openers[ci];
    while (dc->close && dc->rem > 0 && st->len) {
      size_t o_idx = CTIX__BUF_AT(st, size_t, CTIX__BUF_COUNT(st, size_t) - 1), k;
      delim *o = &CTIX__BUF_AT(&m->delims, delim, o_idx);
      k = dc->ch == '~' ? 2 : (o->rem >= 2 && dc->rem >= 2 ? 2 : 1);
      o->rem -= k;
      o->del += k;
      dc->rem -= k;
      dc->del += k;
      if (o->rem == 0)
        ctix__buf_truncate(st, st->len - sizeof(size_t));
      /* Delimiters between the pair can no longer open. */
      for (q = 0; q < 3; q++) {
        ctix_buf *other = &m->openers[q];
        while (q != ci && other->len &&
               CTIX__BUF_AT(other, size_t, CTIX__BUF_COUNT(other, size_t) - 1) > o_idx)
          ctix__buf_truncate(other, other->len - sizeof(size_t));
      }
    }
    if (dc->open && dc->rem > 0 && ctix__buf_push(st, &r, sizeof(r)))
      return ctix__error_set(m->b->err, CTIX_ENOMEM, "out of memory reading Markdown");
  }
  return 0;
}

static int inline_text(md *m, const char *t, size_t n);

/* Appends the text of a link or image and returns its span, trimmed. */
static int inline_span(md *m, const char *t, size_t n, size_t *start, size_t *end)
{
  ctix__docb *b = m->b;
  int rc;
  *start = ctix__docb_mark(b);
  if ((rc = inline_text(m, t, n)))
    return rc;
  *end = ctix__docb_mark(b);
  while (*start < *end && b->text.data[*start] == ' ')
    (*start)++;
  return 0;
}

/* A footnote reference: a link whose text is a small number glued to the
 * word before it ("Conti[1](#Note1)"); it is dropped, since its number
 * would read as part of the word or sentence. */
static bool footnote_ref(const char *t, const atom *a)
{
  size_t i;
  if (a->alen == 0 || a->alen > 3 || a->a < 2 || is_ws((unsigned char)t[a->a - 2]))
    return false;
  for (i = 0; i < a->alen; i++)
    if (!ctix__isdigit((unsigned char)t[a->a + i]))
      return false;
  return a->ulen > 0;
}

/* True if the text appended so far ends with a letter or digit: a word
 * a link glued to it would run into. */
static bool ends_in_word(const ctix__docb *b)
{
  return b->text.len > b->block_start &&
         ctix__isalnum((unsigned char)b->text.data[b->text.len - 1]);
}

/* True if s[0..n) is shaped like an observable or a part of one: it
 * holds a '.', '/', '\\', '@' or ':' ("ncsc.gov.uk", "/opt/x/LIST",
 * "R3ADM3.txt"; "svc", "kworker" are none). */
static bool observable_shaped(const char *s, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (s[i] == '.' || s[i] == '/' || s[i] == '\\' || s[i] == '@' || s[i] == ':')
      return true;
  return false;
}

/* True if the text appended so far ends with a separator of a path or
 * URL: a code span after it is a part of that token
 * ("/tmp/`kworker`d", "hxxp://host/`a`1.bin"). */
static bool ends_in_path(const ctix__docb *b)
{
  char c;
  if (b->text.len <= b->block_start)
    return false;
  c = b->text.data[b->text.len - 1];
  return c == '/' || c == '\\';
}

/*
 * A link or code span written glued to the word before or after it
 * ("Report incidents to[ncsc.gov.uk](...)", "[site](...)or email",
 * "`/opt/x/LIST`if it is missing", a space lost when the page was turned
 * into Markdown): the page shows the link or code apart from the word, in
 * its own style, but its visible text would join the two into one word
 * ("toncsc.gov.uk", "LISTif"). Starts a new word before the text s[0..n)
 * of the atom when both the text so far and s are word characters there
 * and s is observable-shaped (observable_shaped); inline_text does the
 * same after the atom (glued_after). A span that only styles a piece of a
 * word ("`svc`host.exe", "/tmp/`kworker`d") stays in it.
 */
static void glued_word_break(md *m, const char *s, size_t n)
{
  if (n && ctix__isalnum((unsigned char)s[0]) && ends_in_word(m->b) && observable_shaped(s, n))
    ctix__docb_break(m->b);
}

/* glued_word_break for a code span s[0..n), which may also open with the
 * root of a path or a variable ("whether`/opt/x`", "to`%APPDATA%\x`"). */
static void glued_code_break(md *m, const char *s, size_t n)
{
  if (n && s[0] && (ctix__isalnum((unsigned char)s[0]) || strchr("/\\~%$", s[0])) &&
      ends_in_word(m->b) && (observable_shaped(s, n) || strchr("~%$", s[0])))
    ctix__docb_break(m->b);
}

/* True if a word glued after the link or code span a (of the inline text
 * t) starts a word of its own: the atom's visible text is
 * observable-shaped, and a code span does not continue a path or URL
 * (`path`: the text before the span ended in a separator). */
static bool glued_after(const char *t, const atom *a, bool path)
{
  if (a->kind == ATOM_LINK)
    return observable_shaped(t + a->a, a->alen);
  return a->kind == ATOM_CODE && !path && observable_shaped(t + a->a, a->alen);
}

static int emit_atom(md *m, const char *t, const atom *a)
{
  ctix__docb *b = m->b;
  size_t s, e;
  int rc = 0;
  switch (a->kind) {
  case ATOM_TEXT:
    return ctix__docb_append(b, t + a->a, a->alen);
  case ATOM_CODE: {
    /* One space of padding on each side is dropped. */
    size_t s0 = a->a, n0 = a->alen;
    if (n0 >= 2 && t[s0] == ' ' && t[s0 + n0 - 1] == ' ') {
      s0++;
      n0 -= 2;
    }
    glued_code_break(m, t + s0, n0);
    return ctix__docb_append(b, t + s0, n0);
  }
  case ATOM_IMAGE:
    ctix__docb_break(b);
    if ((rc = inline_span(m, t + a->a, a->alen, &s, &e)))
      return rc;
    ctix__docb_break(b);
    return 0;
  case ATOM_LINK:
    if (footnote_ref(t, a))
      return 0;
    glued_word_break(m, t + a->a, a->alen);
    if ((rc = inline_span(m, t + a->a, a->alen, &s, &e)))
      return rc;
    if (a->ulen)
      rc = ctix__docb_link(b, t + a->u, a->ulen, s, e);
    return rc;
  case ATOM_AUTOLINK:
    s = ctix__docb_mark(b) + (b->space ? 1 : 0);
    if ((rc = ctix__docb_append(b, t + a->u, a->ulen)))
      return rc;
    return ctix__docb_link(b, t + a->u, a->ulen, s, ctix__docb_mark(b));
  case ATOM_BREAK:
    ctix__docb_break(b);
    return 0;
  case ATOM_CHARS:
    return a->blen ? ctix__docb_append(b, a->buf, a->blen) : 0;
  default:
    return 0;
  }
}

/* Appends the visible text of inline Markdown t[0..n) to the open block. */
static int inline_text(md *m, const char *t, size_t n)
{
  ctix__docb *b = m->b;
  size_t i = 0, lit, base = CTIX__BUF_COUNT(&m->delims, delim), next = base;
  bool has_emph = false;
  atom a;
  int rc = 0;

  for (lit = 0; lit < n; lit++)
    if (special[(unsigned char)t[lit]])
      break;
  if (lit == n || m->inline_depth >= INLINE_DEPTH_MAX)
    return ctix__docb_append(b, t, n);
  for (i = lit; i < n && !has_emph; i++)
    has_emph = t[i] == '*' || t[i] == '_' || t[i] == '~';
  m->inline_depth++;
  if (has_emph && (rc = find_emphasis(m, t, n, base)))
    goto done;
  i = 0;
  while (i < n) {
    unsigned char c;
    lit = i;
    while (lit < n && !special[(unsigned char)t[lit]])
      lit++;
    if (lit > i && (rc = ctix__docb_append(b, t + i, lit - i)))
      goto done;
    i = lit;
    if (i >= n)
      break;
    c = (unsigned char)t[i];
    if (c == '*' || c == '_' || c == '~') {
      size_t len = run_len(t, n, i, (char)c), keep = len;
      while (next < CTIX__BUF_COUNT(&m->delims, delim) &&
             CTIX__BUF_AT(&m->delims, delim, next).pos < i)
        next++;
      if (next < CTIX__BUF_COUNT(&m->delims, delim) &&
          CTIX__BUF_AT(&m->delims, delim, next).pos == i)
        keep = len - CTIX__BUF_AT(&m->delims, delim, next).del;
      if (keep && (rc = ctix__docb_append(b, t + i, keep)))
        goto done;
      i += len;
      continue;
    }
    if (atom_at(m, t, n, i, &a, &m->budget)) {
      bool path = ends_in_path(m->b);
      if ((rc = emit_atom(m, t, &a)))
        goto done;
      i += a.len;
      /* "[site](...)or", "`code.txt`if": the word after a link or code
       * span is a word of its own (glued_after) */
      if (i < n && ctix__isalnum((unsigned char)t[i]) && ends_in_word(m->b) &&
          glued_after(t, &a, path))
        ctix__docb_break(m->b);
      continue;
    }
    if ((rc = ctix__docb_append(b, t + i, 1)))
      goto done;
    i++;
  }

done:
  m->inline_depth--;
  ctix__buf_truncate(&m->delims, base * sizeof(delim));
  return rc;
}

/* ================================================================ blocks */

static int md_fail(md *m)
{
  return ctix__error_set(m->b->err, CTIX_ENOMEM, "out of memory reading Markdown");
}

static int md_begin(md *m, ctix_block_kind kind, uint32_t level)
{
  int rc;
  if ((rc = ctix__lines_end(m->b)))
    return rc;
  if (kind == CTIX_BLOCK_HEADING)
    m->depth = 0;
  return ctix__docb_begin(m->b, kind, level);
}

/* Writes lines [from, to) of the open paragraph as one block: joined by
 * newlines (white space to the builder) and reduced to visible text. */
static int emit_lines(md *m, const ctix__tline *ls, size_t from, size_t to,
                      ctix_block_kind kind, uint32_t level)
{
  size_t k;
  int rc;
  ctix__buf_reset(&m->scratch);
  for (k = from; k < to; k++) {
    if (k > from)
      ctix__buf_addc(&m->scratch, '\n');
    ctix__buf_add(&m->scratch, ls[k].s, ls[k].n);
  }
  if (m->scratch.err)
    return md_fail(m);
  if (!m->scratch.len)
    return 0;
  m->budget = BUDGET(m->scratch.len);
  if ((rc = md_begin(m, kind, level)) || (rc = inline_text(m, m->scratch.data, m->scratch.len)))
    return rc;
  return ctix__lines_end(m->b);
}

/* Writes the open paragraph: split where a line break ends a record. */
static int flush_para(md *m)
{
  const ctix__tline *ls = (const ctix__tline *)(void *)m->plines.data;
  size_t n = CTIX__BUF_COUNT(&m->plines, ctix__tline), k, from = 0;
  double width;
  int rc;
  if (!m->popen)
    return 0;
  m->popen = false;
  width = ctix__lines_width(ls, n);
  for (k = 0; k < n; k++) {
    if (k + 1 < n && !ls[k].hard &&
        !ctix__lines_break(&ls[k], &ls[k + 1], width, MD_MIN_WRAP, MD_WRAP_SLACK, true))
      continue;
    if ((rc = emit_lines(m, ls, from, k + 1, m->pkind, m->plevel)))
      return rc;
    from = k + 1;
  }
  ctix__buf_reset(&m->plines);
  return 0;
}

static int open_para(md *m, ctix_block_kind kind, uint32_t level)
{
  int rc;
  if ((rc = flush_para(m)))
    return rc;
  m->popen = true;
  m->pkind = kind;
  m->plevel = level;
  ctix__buf_reset(&m->plines);
  return 0;
}

/* Adds a line (content s[0..n), starting at column col) to the paragraph. */
static int para_line(md *m, const char *s, size_t n, size_t col, bool hard)
{
  ctix__tline l;
  size_t fw;
  if (n && s[n - 1] == '\\') {
    n--;
    hard = true;
  }
  while (n && is_ws((unsigned char)s[n - 1]))
    n--;
  if (!n)
    return 0;
  l.s = s;
  l.n = n;
  l.left = (double)col;
  l.right = (double)(col + ctix__text_width(s, n));
  fw = ctix__first_word(s, n);
  l.fw = (double)ctix__text_width(s, fw);
  l.hlevel = 0;
  l.hard = hard;
  if (ctix__buf_push(&m->plines, &l, sizeof(l)))
    return md_fail(m);
  return 0;
}

/* The nesting level of a list item with its marker at column `col`: a
 * child needs its marker at least two columns right of its parent's (the
 * sources indent nested items by 4 under "1.   " items whose text starts at
 * column 5, which CommonMark would read as siblings). */
static uint32_t md_list_level(md *m, size_t col, size_t content)
{
  while (m->depth > 0 && col < m->list_col[m->depth - 1])
    m->depth--;
  if (m->depth > 0 && col < m->list_col[m->depth - 1] + 2) {
    m->list_col[m->depth - 1] = col;
    m->list_content[m->depth - 1] = content;
    return m->depth;
  }
  if (m->depth < CTIX__LIST_MAX) {
    m->list_col[m->depth] = col;
    m->list_content[m->depth] = content;
    m->depth++;
  }
  return m->depth;
}

/* Markdown list marker at s: "-", "*", "+" or 1-9 digits and "." or ")",
 * then white space or the end. Returns its length with the spaces after. */
static size_t md_marker(const char *s, size_t n)
{
  size_t k = 0;
  if (n && (s[0] == '-' || s[0] == '*' || s[0] == '+')) {
    k = 1;
  } else {
    while (k < n && k < 9 && ctix__isdigit((unsigned char)s[k]))
      k++;
    if (k == 0 || k >= n || (s[k] != '.' && s[k] != ')'))
      return 0;
    k++;
  }
  if (k < n && s[k] != ' ' && s[k] != '\t')
    return 0;
  while (k < n && (s[k] == ' ' || s[k] == '\t'))
    k++;
  return k;
}

/* Number of decimal digits at the start of s[0..n). */
static size_t lead_digits(const char *s, size_t n)
{
  size_t k = 0;
  while (k < n && ctix__isdigit((unsigned char)s[k]))
    k++;
  return k;
}

/* "***", "- - -", "___" */
static bool thematic_break(const char *s, size_t n)
{
  size_t i, count = 0;
  if (!n || !strchr("-*_", s[0]))
    return false;
  for (i = 0; i < n; i++) {
    if (s[i] == s[0])
      count++;
    else if (s[i] != ' ' && s[i] != '\t')
      return false;
  }
  return count >= 3;
}

/* "===" or "---" under a paragraph: heading level 1 or 2, else 0. */
static uint32_t setext_level(const char *s, size_t n)
{
  size_t i = 0;
  char c;
  if (!n || (s[0] != '=' && s[0] != '-'))
    return 0;
  c = s[0];
  while (i < n && s[i] == c)
    i++;
  while (i < n && (s[i] == ' ' || s[i] == '\t'))
    i++;
  return i == n ? (c == '=' ? 1 : 2) : 0;
}

/* A table delimiter row: "| --- | :-: |" (at least one pipe). */
static bool delimiter_row(const char *s, size_t n)
{
  size_t i, dashes = 0;
  bool pipe = false;
  for (i = 0; i < n; i++) {
    char c = s[i];
    if (c == '|')
      pipe = true;
    else if (c == '-')
      dashes++;
    else if (c != ':' && c != ' ' && c != '\t')
      return false;
  }
  return pipe && dashes > 0;
}

/* Is there an unescaped pipe in s[0..n)? */
static bool has_pipe(const char *s, size_t n)
{
  const char *p = memchr(s, '|', n);
  while (p) {
    if (p == s || p[-1] != '\\')
      return true;
    p = memchr(p + 1, '|', n - (size_t)(p + 1 - s));
  }
  return false;
}

/* Writes one table row: cells split at pipes outside code spans, each
 * reduced to its text, joined by " | "; trailing empty cells dropped. */
static int table_row(md *m, const char *s, size_t n)
{
  ctix__docb *b = m->b;
  size_t i = 0, start, ncell = 0, pending = 0;
  int rc;
  if ((rc = flush_para(m)) || (rc = md_begin(m, CTIX_BLOCK_TABLE_ROW, 0)))
    return rc;
  m->budget = BUDGET(n);
  if (n && s[0] == '|')
    i = 1;
  while (i < n) {
    size_t cs, ce;
    start = i;
    while (i < n && s[i] != '|') {
      if (s[i] == '\\' && i + 1 < n) {
        i += 2;
        continue;
      }
      if (s[i] == '`') {
        size_t k = run_len(s, n, i, '`'), e = code_span_end(s, n, i, k, &m->budget);
        i = e ? e : i + k;
        continue;
      }
      i++;
    }
    cs = start;
    ce = i < n ? i : n;
    while (cs < ce && is_ws((unsigned char)s[cs]))
      cs++;
    while (ce > cs && is_ws((unsigned char)s[ce - 1]))
      ce--;
    if (i >= n && ce == cs)
      break;  /* after the closing pipe */
    if (ce == cs) {
      pending++;
    } else {
      /* Separators for this cell and the empty ones before it. */
      size_t k, seps = ncell ? pending + 1 : pending;
      for (k = 0; k < seps; k++)
        if ((rc = ctix__docb_append(b, " | ", 3)))
          return rc;
      pending = 0;
      if ((rc = inline_text(m, s + cs, ce - cs)))
        return rc;
      ncell++;
    }
    i++;
  }
  return ctix__lines_end(b);
}

/* Ends a code block (fenced or indented). */
static int end_code(md *m)
{
  m->in_fence = m->in_icode = false;
  return ctix__lines_end(m->b);
}

/* Adds one line to the open code block; leading blank lines are skipped
 * and the builder trims trailing ones. */
static int code_line(md *m, const char *s, size_t n)
{
  int rc;
  if (!m->code_started && n == 0)
    return 0;
  if (m->code_started && (rc = ctix__docb_append(m->b, "\n", 1)))
    return rc;
  m->code_started = true;
  return n ? ctix__docb_append(m->b, s, n) : 0;
}

/* Skips up to `cols` columns of indentation at s[0..n). */
static size_t skip_cols(const char *s, size_t n, size_t cols)
{
  size_t i = 0, col = 0;
  while (i < n && col < cols && (s[i] == ' ' || s[i] == '\t')) {
    col = s[i] == '\t' ? (col + 4) & ~(size_t)3 : col + 1;
    i++;
  }
  return i;
}

/* Reads YAML front matter at s[0..n); returns the bytes it spans (0: none). */
static size_t front_matter(md *m, const char *s, size_t n)
{
  size_t i, lim = n < FRONT_MATTER_MAX ? n : FRONT_MATTER_MAX, end = 0;
  const fm_key *list_key = NULL;
  if (n < 4 || memcmp(s, "---", 3) != 0 || (s[3] != '\n' && s[3] != '\r'))
    return 0;
  /* Find the closing line first. */
  for (i = 4; i < lim;) {
    const char *e = memchr(s + i, '\n', lim - i);
    size_t le = e ? (size_t)(e - s) : lim, t = le;
    while (t > i && is_ws((unsigned char)s[t - 1]))
      t--;
    if ((t - i == 3 && (memcmp(s + i, "---", 3) == 0 || memcmp(s + i, "...", 3) == 0))) {
      end = e ? le + 1 : le;
      break;
    }
    if (!e)
      break;
    i = le + 1;
  }
  if (!end)
    return 0;
  for (i = 4; i < end;) {
    const char *e = memchr(s + i, '\n', end - i);
    size_t le = e ? (size_t)(e - s) : end, ks = i, ke, vs, ve, k;
    while (ks < le && (s[ks] == ' ' || s[ks] == '\t'))
      ks++;
    ve = le;
    while (ve > ks && is_ws((unsigned char)s[ve - 1]))
      ve--;
    if (list_key && ks > i && ks + 2 <= ve && s[ks] == '-' && s[ks + 1] == ' ') {
      /* "  - name" under "authors:": joined with ", " */
      vs = ks + 2;
      if (m->scratch.len)
        ctix__buf_add(&m->scratch, ", ", 2);
      ctix__buf_add(&m->scratch, s + vs, ve - vs);
      i = le + 1;
      continue;
    }
    if (list_key && m->scratch.len && !m->scratch.err)
      ctix__docb_meta(m->b, list_key->field, m->scratch.data, m->scratch.len);
    ctix__buf_reset(&m->scratch);
    list_key = NULL;
    ke = ks;
    while (ke < ve && s[ke] != ':')
      ke++;
    if (ke < ve && ks == i) {
      vs = ke + 1;
      while (vs < ve && (s[vs] == ' ' || s[vs] == '\t'))
        vs++;
      if (vs + 1 < ve && ((s[vs] == '"' && s[ve - 1] == '"') ||
                          (s[vs] == '\'' && s[ve - 1] == '\'') ||
                          (s[vs] == '[' && s[ve - 1] == ']'))) {
        vs++;
        ve--;
      }
      for (k = 0; k < COUNT(fm_keys); k++)
        if (ctix__mem_ieq(s + ks, ke - ks, fm_keys[k].key)) {
          if (vs < ve)
            ctix__docb_meta(m->b, fm_keys[k].field, s + vs, ve - vs);
          else
            list_key = &fm_keys[k];
          break;
        }
    }
    i = le + 1;
  }
  if (list_key && m->scratch.len && !m->scratch.err)
    ctix__docb_meta(m->b, list_key->field, m->scratch.data, m->scratch.len);
  ctix__buf_reset(&m->scratch);
  return end;
}

/*
 * Writes label l[0..n) to out (REF_LABEL_LEN + 1 bytes) normalised as
 * CommonMark compares labels: ASCII case folded, white space runs as one
 * space, none at the ends; NUL-ended. Returns its length, 0 when it is
 * empty or too long.
 */
static size_t label_norm(char *out, const char *l, size_t n)
{
  size_t i, k = 0;
  bool space = false;
  if (n > REF_LABEL_LEN)
    return 0;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)l[i];
    if (is_ws(c)) {
      space = k > 0;
      continue;
    }
    if (space)
      out[k++] = ' ';
    space = false;
    out[k++] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
  }
  out[k] = '\0';
  return k;
}

/* qsort order of label pointers. */
static int cmp_label(const void *x, const void *y)
{
  return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Whether the document defines reference label l[0..n). */
static bool label_defined(const md *m, const char *l, size_t n)
{
  char k[REF_LABEL_LEN + 1];
  const char *kp = k;
  size_t count = CTIX__BUF_COUNT(&m->label_at, const char *);
  if (!count || !label_norm(k, l, n))
    return false;
  return bsearch(&kp, m->label_at.data, count, sizeof(const char *), cmp_label) != NULL;
}

/*
 * Whether s[c..n), the rest of a line after "[label]:", is a link
 * destination as CommonMark requires one: "<...>" or a run without white
 * space, then nothing or, after white space, a title opening with '"',
 * '\'' or '('. "[T1114]: Email Collection" defines nothing: "Collection"
 * is no title.
 */
static bool ref_destination(const char *s, size_t n, size_t c)
{
  size_t d;
  while (c < n && (s[c] == ' ' || s[c] == '\t'))
    c++;
  d = c;
  if (c < n && s[c] == '<') {
    while (c < n && s[c] != '>' && s[c] != '\n')
      c++;
    if (c >= n || s[c] != '>')
      return false;
    c++;
  } else {
    while (c < n && !ctix__isspace((unsigned char)s[c]) && (unsigned char)s[c] >= 0x20)
      c++;
    if (c == d)
      return false;
  }
  d = c;
  while (c < n && (s[c] == ' ' || s[c] == '\t'))
    c++;
  if (c >= n || s[c] == '\r' || s[c] == '\n')
    return true;
  return c > d && (s[c] == '"' || s[c] == '\'' || s[c] == '(');
}

/* Whether s[0..n) is an ATT&CK id: T1234, T1234.001, TA0001. */
static bool attack_id(const char *s, size_t n)
{
  size_t i = 1, d;
  if (n < 5 || s[0] != 'T')
    return false;
  if (s[i] == 'A')
    i++;
  for (d = 0; i < n && ctix__isdigit((unsigned char)s[i]); i++)
    d++;
  if (d != 4)
    return false;
  if (i == n)
    return true;
  if (s[i] != '.' || s[1] == 'A' || n - i != 4)
    return false;
  for (i++; i < n; i++)
    if (!ctix__isdigit((unsigned char)s[i]))
      return false;
  return true;
}

/*
 * Remembers the labels of the document's link reference definitions (a
 * line of at most 3 spaces, then "[label]:"), at most REF_LABELS_MAX, and
 * sorts them for label_defined. One pass over s; lines in code blocks are
 * not told apart (a label defined there only keeps a reference link).
 */
static int collect_labels(md *m, const char *s, size_t n)
{
  char k[REF_LABEL_LEN + 1];
  size_t i = 0, count = 0, off, len;
  while (i < n && count < REF_LABELS_MAX) {
    const char *e = memchr(s + i, '\n', n - i);
    size_t le = e ? (size_t)(e - s) : n, j = i, c;
    while (j < le && j - i < 3 && s[j] == ' ')
      j++;
    if (j + 1 < le && s[j] == '[' && s[j + 1] != '^') {
      for (c = j + 1; c < le && s[c] != ']' && s[c] != '['; c++)
        if (s[c] == '\\')
          c++;
      if (c + 1 < le && s[c] == ']' && s[c + 1] == ':' && ref_destination(s, le, c + 2) &&
          (len = label_norm(k, s + j + 1, c - j - 1)) != 0) {
        ctix__buf_add(&m->labels, k, len + 1);
        count++;
      }
    }
    i = e ? le + 1 : n;
  }
  if (m->labels.err)
    return m->labels.err;
  /* Pointers once the text no longer moves. */
  for (off = 0; off < m->labels.len; off += strlen(m->labels.data + off) + 1) {
    const char *p = m->labels.data + off;
    ctix__buf_push(&m->label_at, &p, sizeof(p));
  }
  if (m->label_at.err)
    return m->label_at.err;
  if (count > 1)
    qsort(m->label_at.data, count, sizeof(const char *), cmp_label);
  return 0;
}

/* A link reference definition "[label]: destination" (dropped). */
static bool link_definition(const char *s, size_t n, size_t *budget)
{
  size_t close;
  if (n < 4 || s[0] != '[' || s[1] == '^')
    return false;
  close = close_bracket(s, n, 0, budget);
  return close + 1 < n && s[close + 1] == ':' && ref_destination(s, n, close + 2);
}

/* An opening code fence: 3+ backticks or tildes. */
static bool fence_open(md *m, const char *s, size_t n, size_t col)
{
  size_t k;
  if (!n || (s[0] != '`' && s[0] != '~'))
    return false;
  k = run_len(s, n, 0, s[0]);
  if (k < 3 || (s[0] == '`' && memchr(s + k, '`', n - k)))
    return false;
  m->fence_ch = s[0];
  m->fence_len = k;
  m->fence_indent = col;
  return true;
}

static bool fence_close(const md *m, const char *s, size_t n)
{
  size_t k = run_len(s, n, 0, m->fence_ch);
  if (k < m->fence_len)
    return false;
  while (k < n && is_ws((unsigned char)s[k]))
    k++;
  return k == n;
}

/* Writes an ATX heading whose content is s[0..n). */
static int atx_heading(md *m, const char *s, size_t n, uint32_t level)
{
  size_t e = n;
  int rc;
  /* An optional closing run of '#' after a space. */
  while (e && s[e - 1] == '#')
    e--;
  if (e < n && (e == 0 || s[e - 1] == ' ' || s[e - 1] == '\t'))
    n = e;
  while (n && is_ws((unsigned char)s[n - 1]))
    n--;
  if ((rc = flush_para(m)) || (rc = md_begin(m, CTIX_BLOCK_HEADING, level)))
    return rc;
  m->budget = BUDGET(n);
  if (n && (rc = inline_text(m, s, n)))
    return rc;
  return ctix__lines_end(m->b);
}

/* Handles one non-blank line outside code: block structure, then text. */
static int md_line(md *m, const char *line, size_t len, const char *next, size_t nlen,
                   size_t *skip_next)
{
  size_t lead = 0, col = 0, n, d, dmatch = 0, base = 0, rel, mk;
  const char *s;
  bool hard, blockpos;
  uint32_t level;
  int rc;

  while (lead < len && (line[lead] == ' ' || line[lead] == '\t')) {
    col = line[lead] == '\t' ? (col + 4) & ~(size_t)3 : col + 1;
    lead++;
  }
  s = line + lead;
  n = len - lead;
  hard = n >= 2 && s[n - 1] == ' ' && s[n - 2] == ' ';
  while (n && is_ws((unsigned char)s[n - 1]))
    n--;
  /* The deepest open list item this line is indented under. */
  for (d = m->depth; d > 0; d--)
    if (col + 1 >= m->list_content[d - 1]) {
      dmatch = d;
      base = m->list_content[d - 1];
      break;
    }
  rel = col > base ? col - base : 0;
  blockpos = rel < 4;

  if (m->in_icode) {
    if (col >= 4)
      return code_line(m, line + skip_cols(line, len, 4), len - skip_cols(line, len, 4));
    if ((rc = end_code(m)))
      return rc;
  }
  if (m->in_table) {
    if (has_pipe(s, n))
      return table_row(m, s, n);
    m->in_table = false;
  }
  if (blockpos && fence_open(m, s, n, col)) {
    if ((rc = flush_para(m)) || (rc = md_begin(m, CTIX_BLOCK_CODE, 0)))
      return rc;
    m->in_fence = true;
    m->code_started = false;
    return 0;
  }
  if (blockpos && n >= 4 && memcmp(s, "<!--", 4) == 0 && !ctix__mem_ifind(s + 4, n - 4, "-->")) {
    m->in_comment = true;
    return flush_para(m);
  }
  if (blockpos && s[0] == '#') {
    level = (uint32_t)run_len(s, n, 0, '#');
    if (level <= 6 && (level == n || s[level] == ' ' || s[level] == '\t')) {
      if (!dmatch)
        m->depth = 0;
      return atx_heading(m, s + level, n - level, level);
    }
  }
  if (blockpos && m->popen && m->pkind == CTIX_BLOCK_PARAGRAPH && (level = setext_level(s, n))) {
    const ctix__tline *ls = (const ctix__tline *)(void *)m->plines.data;
    m->popen = false;
    rc = emit_lines(m, ls, 0, CTIX__BUF_COUNT(&m->plines, ctix__tline), CTIX_BLOCK_HEADING,
                    level);
    ctix__buf_reset(&m->plines);
    return rc;
  }
  if (blockpos && thematic_break(s, n)) {
    if (!dmatch)
      m->depth = 0;
    return flush_para(m);
  }
  if (blockpos && s[0] == '>') {
    size_t i = 0;
    while (i < n && (s[i] == '>' || s[i] == ' ' || s[i] == '\t'))
      i++;
    if (i < n && (mk = ctix__list_marker(s + i, n - i)))
      i += mk;
    if (i == n)
      return flush_para(m);
    if (!(m->popen && m->pkind == CTIX_BLOCK_QUOTE) && (rc = open_para(m, CTIX_BLOCK_QUOTE, 0)))
      return rc;
    return para_line(m, s + i, n - i, col + i, hard);
  }
  if ((blockpos || m->popen) && (mk = md_marker(s, n)) != 0 &&
      /* Inside a paragraph only a non-empty item with a short number may
       * start: "2024. The actor" wrapped onto a new line is prose. */
      (!m->popen || (mk < n && lead_digits(s, n) <= 3))) {
    level = md_list_level(m, col, col + mk);
    if ((rc = open_para(m, CTIX_BLOCK_LIST_ITEM, level)))
      return rc;
    return mk < n ? para_line(m, s + mk, n - mk, col + mk, hard) : 0;
  }
  if (blockpos && has_pipe(s, n) && next && delimiter_row(next, nlen)) {
    m->in_table = true;
    *skip_next = 1;
    if (!dmatch)
      m->depth = 0;
    return table_row(m, s, n);
  }
  m->budget = BUDGET(n);
  if (blockpos && !m->popen && link_definition(s, n, &m->budget))
    return 0;
  if (m->popen)
    return para_line(m, s, n, col, hard);
  if (rel >= 4 && !dmatch) {
    m->in_icode = true;
    m->code_started = false;
    if ((rc = md_begin(m, CTIX_BLOCK_CODE, 0)))
      return rc;
    return code_line(m, line + skip_cols(line, len, 4), len - skip_cols(line, len, 4));
  }
  /* A new paragraph: inside the list item it is indented under, or
   * lazily continuing an item with no blank line between. */
  if (dmatch || (m->depth && !m->blank_before)) {
    if (dmatch)
      m->depth = (unsigned)dmatch;
    rc = open_para(m, CTIX_BLOCK_LIST_ITEM, m->depth);
  } else {
    m->depth = 0;
    rc = open_para(m, CTIX_BLOCK_PARAGRAPH, 0);
  }
  return rc ? rc : para_line(m, s, n, col, hard);
}

int ctix__doc_parse_markdown(ctix__docb *b, const char *s, size_t n)
{
  md m;
  size_t i = 0, skip = 0;
  int rc = 0;

  memset(&m, 0, sizeof(m));
  m.b = b;
  ctix__buf_init(&m.plines, (size_t)-1 / 2);
  ctix__buf_init(&m.scratch, (size_t)-1 / 2);
  ctix__buf_init(&m.delims, (size_t)-1 / 2);
  for (i = 0; i < 3; i++)
    ctix__buf_init(&m.openers[i], (size_t)-1 / 2);
  ctix__buf_init(&m.labels, (size_t)REF_LABELS_MAX * (REF_LABEL_LEN + 1));
  ctix__buf_init(&m.label_at, (size_t)REF_LABELS_MAX * sizeof(const char *));
  if ((rc = collect_labels(&m, s, n)))
    goto done;
  i = 0;
  if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
    i = 3;
  i += front_matter(&m, s + i, n - i);
  while (i < n) {
    const char *e = memchr(s + i, '\n', n - i);
    size_t le = e ? (size_t)(e - s) : n, next = e ? le + 1 : n, len = le - i, t;
    const char *nx = NULL;
    size_t nxlen = 0;
    if (len && s[le - 1] == '\r')
      len--;
    if (skip) {
      skip = 0;
      i = next;
      continue;
    }
    if (m.in_fence) {
      size_t k = skip_cols(s + i, len, 3);
      if (fence_close(&m, s + i + k, len - k))
        rc = end_code(&m);
      else
        rc = code_line(&m, s + i + skip_cols(s + i, len, m.fence_indent),
                       len - skip_cols(s + i, len, m.fence_indent));
      if (rc)
        goto done;
      i = next;
      continue;
    }
    if (m.in_comment) {
      if (ctix__mem_ifind(s + i, len, "-->"))
        m.in_comment = false;
      i = next;
      continue;
    }
    for (t = 0; t < len && is_ws((unsigned char)s[i + t]); t++)
      ;
    if (t == len) {
      /* A blank line. */
      if ((rc = flush_para(&m)))
        goto done;
      if (m.in_icode && (rc = code_line(&m, "", 0)))
        goto done;
      m.in_table = false;
      m.blank_before = true;
      i = next;
      continue;
    }
    if (next < n) {
      const char *e2 = memchr(s + next, '\n', n - next);
      nx = s + next;
      nxlen = (e2 ? (size_t)(e2 - s) : n) - next;
      while (nxlen && is_ws((unsigned char)nx[nxlen - 1]))
        nxlen--;
      while (nxlen && is_ws((unsigned char)nx[0])) {
        nx++;
        nxlen--;
      }
    }
    if ((rc = md_line(&m, s + i, len, nx, nxlen, &skip)))
      goto done;
    m.blank_before = false;
    i = next;
  }
  if ((rc = flush_para(&m)))
    goto done;
  rc = ctix__lines_end(b);

done:
  ctix__buf_free(&m.plines);
  ctix__buf_free(&m.scratch);
  ctix__buf_free(&m.delims);
  for (i = 0; i < 3; i++)
    ctix__buf_free(&m.openers[i]);
  ctix__buf_free(&m.labels);
  ctix__buf_free(&m.label_at);
  return rc;
}
