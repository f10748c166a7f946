/*
 * Fuzz target: the rule signals of the technique mapper. The input is
 * split at its first NUL byte: the part before is text for
 * ctix__ttp_cues_match and the context functions (as one bare sentence
 * and as a document built from it), the part after (if any) is lexicon
 * text for the cues.tsv and context.tsv parsers, whose compiled sets then
 * scan the same text. Aborts when a hit leaves the text, hits are not
 * sorted, or a parser fails without recording an error.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/document.h"
#include "ttp/cues_internal.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether a match's first part [start, first_end) or last part
 * [last_start, end) is empty or outside the match. */
static bool bad_parts(uint32_t start, uint32_t end, uint32_t first_end, uint32_t last_start)
{
  return first_end <= start || first_end > end || last_start < start || last_start >= end;
}

/* Checks each match of a fuzzed lexicon. */
static int check_match(void *ud, const ctix__ttp_pmatch *m, const char *text, size_t len)
{
  (void)ud;
  (void)text;
  if (m->start > m->end || m->end > len || bad_parts(m->start, m->end, m->first_end, m->last_start))
    abort();
  return 0;
}

static void lexicons(const char *text, size_t tlen, const char *lex, size_t llen,
                     const ctix_kb *kb)
{
  ctix__ttp_patset *ps = NULL;
  ctix_error err;
  int rc;
  ctix_error_clear(&err);
  if (ctix__ttp_patset_new(&ps, &err) == 0) {
    rc = ctix__ttp_lexicon_parse(ps, lex, llen, "cues.tsv", kb, llen % 2 == 0, &err);
    if (rc != 0 && err.code == 0)
      abort();
    if (rc == 0 && ctix__ttp_patset_compile(ps, &err) == 0)
      ctix__ttp_patset_scan(ps, text, tlen, check_match, NULL);
    ctix__ttp_patset_free(ps);
  }
  ps = NULL;
  ctix_error_clear(&err);
  rc = ctix__ttp_context_parse(&ps, lex, llen, "context.tsv", &err);
  if (rc != 0 && (err.code == 0 || ps))
    abort();
  if (rc == 0) {
    ctix__ttp_patset_scan(ps, text, tlen, check_match, NULL);
    ctix__ttp_patset_free(ps);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *t = (const char *)data;
  const char *nul = memchr(t, '\0', size);
  size_t tlen = nul ? (size_t)(nul - t) : size, i, n;
  ctix_buf hits = CTIX_BUF_INIT((size_t)64 << 20);
  const ctix_kb *kb = NULL;
  ctix_document *doc = NULL;
  ctix_error err;

  ctix_error_clear(&err);
  if (ctix_kb_default(&kb, &err) != 0)
    return 0;
  if (ctix__ttp_cues_match(&hits, t, tlen, kb, &err) == 0) {
    const ctix__ttp_cue_hit *h = (const ctix__ttp_cue_hit *)(const void *)hits.data;
    n = CTIX__BUF_COUNT(&hits, ctix__ttp_cue_hit);
    for (i = 0; i < n; i++) {
      if (h[i].start >= h[i].end || h[i].end > tlen || !h[i].cue ||
          bad_parts(h[i].start, h[i].end, h[i].first_end, h[i].last_start))
        abort();
      if (i > 0 && h[i - 1].start > h[i].start)
        abort();
      if (h[i].weight <= 0.0f || h[i].weight > 1.0f)
        abort();
    }
  } else if (err.code == 0) {
    abort();
  }
  ctix__buf_free(&hits);
  (void)ctix__ttp_text_context(t, tlen);
  ctix_error_clear(&err);
  if (ctix_document_parse(&doc, t, tlen, NULL, &err) == 0) {
    for (i = 0; i < doc->nsentences; i++)
      (void)ctix__ttp_sentence_context(doc, i);
    ctix_document_free(doc);
  }
  if (nul)
    lexicons(t, tlen, nul + 1, size - tlen - 1, kb);
  return 0;
}
