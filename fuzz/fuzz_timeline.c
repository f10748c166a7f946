/*
 * Fuzz target: the timeline parser (src/lib/assess/timeline.c). The first
 * line of the input is the reference date (any bytes: a bad one means no
 * reference), the rest is parsed as plain text and scanned for dated
 * events. Aborts when an invariant breaks: every event's span inside the
 * text and equal to its expression, inside its sentence; every date a
 * valid ISO date of its precision; events sorted by date, undated last.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess_internal.h"
#include "ctix/document.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs larger than this are cut: the parser is linear, big inputs only slow the run. */
#define MAX_FUZZ_INPUT ((size_t)1 << 16)

/* True if d is "YYYY", "YYYY-MM" or "YYYY-MM-DD" as `prec` says, and a real date. */
static int date_ok(const char *d, const char *prec)
{
  int y, m, dd;
  size_t n = strlen(d);
  char full[16];
  if (strcmp(prec, "year") == 0) {
    if (n != 4)
      return 0;
    memcpy(full, d, 4);
    memcpy(full + 4, "-01-01", 7);
  } else if (strcmp(prec, "month") == 0) {
    if (n != 7)
      return 0;
    memcpy(full, d, 7);
    memcpy(full + 7, "-01", 4);
  } else {
    if (n != 10 || strcmp(prec, "duration") == 0)
      return 0;
    memcpy(full, d, 11);
  }
  return ctix__assess_parse_ymd(full, &y, &m, &dd) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char ref[32];
  size_t nl = 0;
  ctix_doc_options o;
  ctix_document *doc = NULL;
  ctix_error err;
  ctix_arena arena;
  ctix_buf ev = CTIX_BUF_INIT((size_t)1 << 28);

  if (size > MAX_FUZZ_INPUT)
    size = MAX_FUZZ_INPUT;
  while (nl < size && data[nl] != '\n')
    nl++;
  size_t rl = nl < sizeof(ref) - 1 ? nl : sizeof(ref) - 1;
  memcpy(ref, data, rl);
  ref[rl] = '\0';
  const char *text = (const char *)data + (nl < size ? nl + 1 : size);
  size_t len = size - (size_t)(text - (const char *)data);

  ctix_doc_options_init(&o);
  o.format = CTIX_FORMAT_TEXT;
  ctix_error_clear(&err);
  if (ctix_document_parse(&doc, text, len, &o, &err) != 0)
    return 0;
  ctix__arena_init(&arena, 0);
  int rc = ctix__assess_timeline(&ev, &arena, doc, ref, &err);
  if (rc != 0 && rc != CTIX_ENOMEM)
    abort();
  size_t n = CTIX__BUF_COUNT(&ev, ctix_event);
  for (size_t i = 0; rc == 0 && i < n; i++) {
    const ctix_event *e = &CTIX__BUF_AT(&ev, ctix_event, i);
    if (e->start >= e->end || e->end > doc->len || e->sentence >= doc->nsentences)
      abort();
    if (strlen(e->expression) != e->end - e->start ||
        memcmp(doc->text + e->start, e->expression, e->end - e->start) != 0)
      abort();
    const ctix_sentence *s = &doc->sentences[e->sentence];
    if (e->start < s->span.start || e->end > s->span.end)
      abort();
    if (!e->what || !e->precision)
      abort();
    if (e->date && !date_ok(e->date, e->precision))
      abort();
    if (i > 0) {
      const ctix_event *p = &CTIX__BUF_AT(&ev, ctix_event, i - 1);
      if (!p->date && e->date)
        abort();
      if (p->date && e->date && strcmp(p->date, e->date) > 0)
        abort();
    }
  }
  ctix__buf_free(&ev);
  ctix__arena_free(&arena);
  ctix_document_free(doc);
  return 0;
}
