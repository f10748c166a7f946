/*
 * Input format detection (ctix_format_detect).
 *
 * Content first, from the strongest signal to the weakest: the PDF magic
 * "%PDF-" (also after a little leading junk); a document that opens with
 * an HTML doctype or a known HTML element (a lone '<', as in "<user>", is
 * not enough); clear Markdown structure (ATX headings, fences, pipe-table
 * delimiter rows, [text](target) links, emphasis, code spans). When the
 * content is ambiguous the file name's extension decides, then weaker
 * signs (several HTML block tags, a little Markdown), then plain text.
 */
#include <string.h>

#include "ctix/document.h"
#include "util/str.h"

/* Bytes searched for the PDF magic, the HTML opening and Markdown signs. */
#define PDF_WINDOW 1024
#define HTML_WINDOW 4096
#define MD_WINDOW 65536
/* Markdown scores: at or above STRONG content wins over the extension. */
#define MD_STRONG 4
#define MD_WEAK 2
/* HTML tags needed in the first window when nothing else decided. */
#define HTML_WEAK_TAGS 3

typedef struct ext_format {
  const char *ext;
  ctix_format format;
} ext_format;

static const ext_format extensions[] = {
    {"html", CTIX_FORMAT_HTML},     {"htm", CTIX_FORMAT_HTML},
    {"xhtml", CTIX_FORMAT_HTML},    {"shtml", CTIX_FORMAT_HTML},
    {"md", CTIX_FORMAT_MARKDOWN},   {"markdown", CTIX_FORMAT_MARKDOWN},
    {"mdown", CTIX_FORMAT_MARKDOWN}, {"mkd", CTIX_FORMAT_MARKDOWN},
    {"mkdn", CTIX_FORMAT_MARKDOWN}, {"pdf", CTIX_FORMAT_PDF},
    {"txt", CTIX_FORMAT_TEXT},      {"text", CTIX_FORMAT_TEXT},
};

/* Elements a document may open with to be taken as HTML. */
static const char *const html_open[] = {
    "!doctype html", "html", "head", "body", "meta", "title", "link", "script", "style",
    "div", "p", "article", "section", "main", "header", "nav", "table", "h1", "h2",
    "h3", "h4", "h5", "h6", "ul", "ol", "span", "a", "br", "pre", "form", "iframe",
};

/* Tags counted as weaker evidence of HTML anywhere in the first window. */
static const char *const html_weak[] = {
    "<p>", "</p>", "<div", "</div>", "<br>", "<br/>", "<br />", "<a href", "<table",
    "<li>", "</li>", "<span", "</span>", "<img ", "<h2>", "<h3>",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static ctix_format from_extension(const char *name)
{
  const char *slash, *dot;
  size_t i;
  if (!name)
    return CTIX_FORMAT_AUTO;
  slash = strrchr(name, '/');
  dot = strrchr(slash ? slash : name, '.');
  if (!dot)
    return CTIX_FORMAT_AUTO;
  for (i = 0; i < COUNT(extensions); i++)
    if (ctix__mem_ieq(dot + 1, strlen(dot + 1), extensions[i].ext))
      return extensions[i].format;
  return CTIX_FORMAT_AUTO;
}

/* Does the text open (after white space, an XML declaration and comments)
 * with an HTML doctype or a known element? */
static bool html_opening(const char *s, size_t n)
{
  size_t i = 0, k, len;
  for (;;) {
    while (i < n && ctix__isspace((unsigned char)s[i]))
      i++;
    if (i >= n || s[i] != '<')
      return false;
    if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
      const char *e = ctix__mem_ifind(s + i + 4, n - i - 4, "-->");
      if (!e)
        return false;
      i = (size_t)(e - s) + 3;
      continue;
    }
    if (n - i >= 5 && ctix__mem_istarts(s + i, n - i, "<?xml")) {
      const char *e = ctix__mem_ifind(s + i, n - i, "?>");
      if (!e)
        return false;
      i = (size_t)(e - s) + 2;
      continue;
    }
    break;
  }
  i++;
  for (k = 0; k < COUNT(html_open); k++) {
    len = strlen(html_open[k]);
    if (n - i > len && ctix__mem_istarts(s + i, n - i, html_open[k]) &&
        (s[i + len] == '>' || s[i + len] == '/' || ctix__isspace((unsigned char)s[i + len])))
      return true;
  }
  return false;
}

static size_t html_weak_count(const char *s, size_t n)
{
  size_t k, count = 0;
  for (k = 0; k < COUNT(html_weak); k++)
    if (ctix__mem_ifind(s, n, html_weak[k]))
      count++;
  return count;
}

/* Scores the Markdown structure of the lines in s[0..n). */
static unsigned markdown_score(const char *s, size_t n)
{
  unsigned heads = 0, fences = 0, tables = 0, links = 0, emph = 0, code = 0;
  size_t i = 0;
  while (i < n) {
    const char *e = memchr(s + i, '\n', n - i);
    size_t le = e ? (size_t)(e - s) : n, len = le - i, h = 0;
    const char *l = s + i, *p, *lb;
    if (len && l[len - 1] == '\r')
      len--;
    while (h < len && l[h] == '#')
      h++;
    if (h >= 1 && h <= 6 && h + 1 < len && l[h] == ' ' && !ctix__isspace((unsigned char)l[h + 1]))
      heads++;
    if (len >= 3 && (memcmp(l, "```", 3) == 0 || memcmp(l, "~~~", 3) == 0))
      fences++;
    if (len >= 3 && (l[0] == '|' || l[0] == '-' || l[0] == ':') && memchr(l, '|', len) &&
        memchr(l, '-', len)) {
      size_t k;
      for (k = 0; k < len && strchr("|-: \t", l[k]) && l[k]; k++)
        ;
      tables += k == len;
    }
    lb = memchr(l, '[', len); /* the first '[': found once, not per ']' */
    for (p = lb ? memchr(lb, ']', len - (size_t)(lb - l)) : NULL; p;
         p = memchr(p + 1, ']', len - (size_t)(p + 1 - l))) {
      if (p + 1 < l + len && p[1] == '(')
        links++;
      if (p + 1 >= l + len)
        break;
    }
    if (len >= 4 && (p = ctix__mem_ifind(l, len, "**")) && ctix__mem_ifind(p + 2, len - (size_t)(p + 2 - l), "**"))
      emph++;
    if ((p = memchr(l, '`', len)) && memchr(p + 1, '`', len - (size_t)(p + 1 - l)))
      code++;
    i = e ? le + 1 : n;
  }
  return 2 * (heads > 2 ? 2 : heads) + 2 * (fences > 1 ? 1 : fences) + 3 * (tables > 0) +
         2 * (links > 2 ? 2 : links) + (emph > 1 ? 1 : emph) + (code > 1 ? 1 : code);
}

/* Is the "%PDF-" magic within the first bytes? */
static bool pdf_magic(const char *s, size_t n)
{
  size_t lim = n < PDF_WINDOW ? n : PDF_WINDOW, i;
  const char *p;
  for (i = 0; i + 5 <= lim; i = (size_t)(p - s) + 1) {
    p = memchr(s + i, '%', lim - i);
    if (!p || (size_t)(p - s) + 5 > lim)
      return false;
    if (memcmp(p, "%PDF-", 5) == 0)
      return true;
  }
  return false;
}

ctix_format ctix_format_detect(const void *data, size_t len, const char *name)
{
  const char *s = data;
  ctix_format ext = from_extension(name);
  unsigned md;

  if (pdf_magic(s, len))
    return CTIX_FORMAT_PDF;
  if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
    s += 3;
    len -= 3;
  }
  if (html_opening(s, len < HTML_WINDOW ? len : HTML_WINDOW))
    return CTIX_FORMAT_HTML;
  md = markdown_score(s, len < MD_WINDOW ? len : MD_WINDOW);
  if (md >= MD_STRONG)
    return CTIX_FORMAT_MARKDOWN;
  if (ext != CTIX_FORMAT_AUTO)
    return ext;
  if (html_weak_count(s, len < HTML_WINDOW ? len : HTML_WINDOW) >= HTML_WEAK_TAGS)
    return CTIX_FORMAT_HTML;
  if (md >= MD_WEAK)
    return CTIX_FORMAT_MARKDOWN;
  return CTIX_FORMAT_TEXT;
}
