/*
 * Fuzz target: text to sentences. Splits arbitrary bytes with
 * ctix_sentences_split and aborts when a span invariant breaks: every span
 * non-empty, inside the input, after the previous one, trimmed of white
 * space, and every non-space byte inside some span (nothing dropped). The
 * internal callback interface must report the same spans.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/document.h"
#include "document/builder.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_space(unsigned char c)
{
  return c == ' ' || (c >= '\t' && c <= '\r');
}

typedef struct replay {
  const ctix_span *spans;
  size_t count, next;
} replay;

/* Compares each emitted span with the public API's result. */
static int same_span(void *ud, size_t start, size_t end)
{
  replay *r = ud;
  if (r->next >= r->count || r->spans[r->next].start != start || r->spans[r->next].end != end)
    abort();
  r->next++;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *t = (const char *)data;
  ctix_span *s = NULL;
  size_t count = 0, i, pos = 0, prev = 0;
  ctix_error err;
  replay r;
  int rc;

  ctix_error_clear(&err);
  rc = ctix_sentences_split(&s, &count, t, size, &err);
  if (rc == CTIX_ENOMEM)
    return 0;
  if (rc != 0 || err.code != 0 || !s)
    abort();
  for (i = 0; i < count; i++) {
    if (s[i].start >= s[i].end || s[i].end > size || s[i].start < prev)
      abort();
    if (is_space(data[s[i].start]) || is_space(data[s[i].end - 1]))
      abort();
    for (; pos < s[i].start; pos++)
      if (!is_space(data[pos]))
        abort();
    pos = prev = s[i].end;
  }
  for (; pos < size; pos++)
    if (!is_space(data[pos]))
      abort();
  r.spans = s;
  r.count = count;
  r.next = 0;
  if (ctix__sentence_split(t, size, same_span, &r) != 0 || r.next != count)
    abort();
  free(s);
  return 0;
}
