/*
 * Fuzz target: HTML to document. Parses arbitrary bytes as HTML with
 * ctix_document_parse (the first byte picks the nesting limit: the default,
 * a small one, or none) and aborts when the result breaks an invariant:
 * a failure must be one of the documented codes with a message and no
 * document; a success must give NUL-terminated valid UTF-8 text, blocks
 * that are non-empty, in order, inside the text and separated by "\n\n",
 * heading levels 1..6, list levels >= 1, sentences inside their block,
 * links and metadata that are valid strings with spans inside the text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/document.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_string(const char *s)
{
  if (s && ctix__utf8_validate(s, strlen(s)) != strlen(s))
    abort();
}

static void check_doc(const ctix_document *d)
{
  size_t i, prev_end = 0;
  if (!d->text || d->text[d->len] != '\0' || strlen(d->text) != d->len)
    abort();
  if (ctix__utf8_validate(d->text, d->len) != d->len)
    abort();
  if (d->nblocks == 0 || d->nsections < 1)
    abort();
  for (i = 0; i < d->nblocks; i++) {
    const ctix_block *b = &d->blocks[i];
    uint32_t k;
    if (b->span.start >= b->span.end || b->span.end > d->len)
      abort();
    if (i == 0 ? b->span.start != 0
               : (b->span.start != prev_end + 2 || memcmp(d->text + prev_end, "\n\n", 2) != 0))
      abort();
    if (b->kind == CTIX_BLOCK_HEADING && (b->level < 1 || b->level > 6))
      abort();
    if (b->kind == CTIX_BLOCK_LIST_ITEM && b->level < 1)
      abort();
    if (b->section >= d->nsections)
      abort();
    for (k = 0; k < b->nsentences; k++) {
      const ctix_sentence *s = &d->sentences[b->first_sentence + k];
      if (b->first_sentence + k >= d->nsentences || s->block != i ||
          s->span.start < b->span.start || s->span.end > b->span.end ||
          s->span.start >= s->span.end)
        abort();
    }
    prev_end = b->span.end;
  }
  if (prev_end != d->len)
    abort();
  for (i = 0; i < d->nlinks; i++) {
    if (!d->links[i].href || d->links[i].span.start > d->links[i].span.end ||
        d->links[i].span.end > d->len)
      abort();
    check_string(d->links[i].href);
  }
  check_string(d->meta.title);
  check_string(d->meta.author);
  check_string(d->meta.published);
  check_string(d->meta.canonical_url);
  check_string(d->meta.language);
  check_string(d->meta.site_name);
  check_string(d->meta.description);
  for (i = 0; i < d->ndiags; i++)
    if (!d->diags[i].message)
      abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const unsigned depths[] = {CTIX_DEFAULT_MAX_DEPTH, 8, 0};
  ctix_doc_options o;
  ctix_document *d = NULL;
  ctix_error err;
  int rc;

  ctix_doc_options_init(&o);
  o.format = CTIX_FORMAT_HTML;
  o.source = "fuzz.html";
  o.max_depth = depths[size ? data[0] % 3 : 0];
  ctix_error_clear(&err);
  rc = ctix_document_parse(&d, data, size, &o, &err);
  if (rc) {
    if (d || err.code != rc || !err.message[0])
      abort();
    if (rc != CTIX_EEMPTY && rc != CTIX_ETOOBIG && rc != CTIX_EUNSUPPORTED && rc != CTIX_ENOMEM)
      abort();
    return 0;
  }
  if (!d || d->format != CTIX_FORMAT_HTML)
    abort();
  check_doc(d);
  ctix_document_free(d);
  return 0;
}
