/* PLACEHOLDER: plain text and Markdown as paragraphs split by blank lines. */
#include <string.h>

#include "document/builder.h"

int ctix__doc_parse_text(ctix__docb *b, const char *s, size_t n)
{
  size_t i = 0;
  int rc;
  while (i < n) {
    const char *nl = memchr(s + i, '\n', n - i);
    size_t j = nl ? (size_t)(nl - s) : n;
    if (j == i || (j == i + 1 && s[i] == '\r')) {
      if ((rc = ctix__docb_end(b)))
        return rc;
    } else if ((rc = ctix__docb_append(b, s + i, j - i))) {
      return rc;
    } else {
      ctix__docb_break(b);
    }
    i = j + 1;
  }
  return ctix__docb_end(b);
}

int ctix__doc_parse_markdown(ctix__docb *b, const char *s, size_t n)
{
  return ctix__doc_parse_text(b, s, n);
}

ctix_format ctix_format_detect(const void *data, size_t len, const char *name)
{
  const char *s = data;
  if (len >= 5 && memcmp(s, "%PDF-", 5) == 0)
    return CTIX_FORMAT_PDF;
  if (len >= 1 && s[0] == '<')
    return CTIX_FORMAT_HTML;
  (void)name;
  return CTIX_FORMAT_TEXT;
}
