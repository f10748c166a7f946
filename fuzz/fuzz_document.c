/*
 * Fuzz target: input to document with format detection (AUTO), over plain
 * text, Markdown and PDF-like seeds (fuzz/corpus/document/). Besides
 * crashes, leaks and undefined behaviour it checks the document model on
 * every success: blocks ordered and inside the text, sentences inside
 * their blocks, sections consistent, the text valid NUL-terminated UTF-8;
 * and that every failure leaves one line of message. A violation aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/document.h"
#include "util/utf8.h"

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "fuzz_document: invariant failed: %s\n", #cond);     \
      abort();                                                             \
    }                                                                      \
  } while (0)

static void check(const ctix_document *d)
{
  size_t i, nsent = 0;
  CHECK(d->text && d->text[d->len] == '\0' && strlen(d->text) == d->len);
  CHECK(ctix__utf8_validate(d->text, d->len) == d->len);
  CHECK(d->nblocks > 0 && d->nsections >= 1);
  for (i = 0; i < d->nblocks; i++) {
    const ctix_block *b = &d->blocks[i];
    CHECK(b->span.start < b->span.end && b->span.end <= d->len);
    CHECK(i == 0 || d->blocks[i - 1].span.end <= b->span.start);
    CHECK(b->section < d->nsections);
    CHECK(b->kind != CTIX_BLOCK_HEADING || (b->level >= 1 && b->level <= 6));
    CHECK(d->format != CTIX_FORMAT_PDF || (b->page >= 1 && b->page <= d->npages));
    CHECK(b->first_sentence == nsent);
    nsent += b->nsentences;
  }
  CHECK(nsent == d->nsentences);
  for (i = 0; i < d->nsentences; i++) {
    const ctix_sentence *s = &d->sentences[i];
    CHECK(s->block < d->nblocks);
    CHECK(s->span.start < s->span.end);
    CHECK(s->span.start >= d->blocks[s->block].span.start &&
          s->span.end <= d->blocks[s->block].span.end);
  }
  for (i = 1; i < d->nsections; i++) {
    const ctix_section *sec = &d->sections[i];
    CHECK(sec->parent >= 0 && (size_t)sec->parent < i);
    CHECK(sec->first_block < d->nblocks &&
          d->blocks[sec->first_block].kind == CTIX_BLOCK_HEADING);
  }
  for (i = 0; i < d->nlinks; i++)
    CHECK(d->links[i].href && d->links[i].span.start <= d->links[i].span.end &&
          d->links[i].span.end <= d->len);
  for (i = 0; i < d->ndiags; i++)
    CHECK(d->diags[i].message && !strchr(d->diags[i].message, '\n'));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  ctix_doc_options o;
  ctix_document *d = NULL;
  ctix_error err;
  int rc;
  ctix_doc_options_init(&o);
  o.max_input = 1u << 20;
  o.source = "fuzz";
  ctix_error_clear(&err);
  rc = ctix_document_parse(&d, data, size, &o, &err);
  if (rc == 0) {
    check(d);
    ctix_document_free(d);
  } else {
    CHECK(d == NULL && err.code == rc && err.message[0] && !strchr(err.message, '\n'));
  }
  return 0;
}
