/*
 * Helpers shared by the document reader tests (test_text.c,
 * test_markdown.c, test_pdf.c, test_document.c): the document-model
 * invariants every parsed document must satisfy, lookups of blocks by
 * their text, and a check that an error is one clear line. Included by
 * each test program (everything here is static).
 */
#ifndef CTIX_TEST_DOC_CHECK_H
#define CTIX_TEST_DOC_CHECK_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ctix/document.h"
#include "util/utf8.h"

/* Asserts the invariants of the document model on d. */
static inline void doc_check(const ctix_document *d)
{
  size_t i, j, nsent = 0;
  assert_non_null(d);
  assert_non_null(d->text);
  assert_int_equal(d->text[d->len], '\0');
  assert_int_equal(strlen(d->text), d->len);  /* no NUL inside */
  assert_int_equal(ctix__utf8_validate(d->text, d->len), d->len);
  assert_true(d->nblocks > 0);
  assert_true(d->nsections >= 1);
  if (d->format != CTIX_FORMAT_PDF)
    assert_int_equal(d->npages, 0);

  for (i = 0; i < d->nblocks; i++) {
    const ctix_block *b = &d->blocks[i];
    assert_true(b->span.start < b->span.end);
    assert_true(b->span.end <= d->len);
    if (i > 0)
      assert_true(d->blocks[i - 1].span.end <= b->span.start);
    /* Blocks are trimmed (code keeps the indentation of its first line). */
    assert_false(d->text[b->span.start] == '\n');
    if (b->kind != CTIX_BLOCK_CODE)
      assert_false(d->text[b->span.start] == ' ');
    assert_false(d->text[b->span.end - 1] == ' ' || d->text[b->span.end - 1] == '\n');
    assert_true((unsigned)b->kind <= CTIX_BLOCK_QUOTE);
    if (b->kind == CTIX_BLOCK_HEADING)
      assert_true(b->level >= 1 && b->level <= 6);
    if (b->kind == CTIX_BLOCK_LIST_ITEM)
      assert_true(b->level >= 1);
    if (d->format == CTIX_FORMAT_PDF) {
      assert_true(b->page >= 1 && b->page <= d->npages);
      if (i > 0)
        assert_true(d->blocks[i - 1].page <= b->page);
    } else {
      assert_int_equal(b->page, 0);
    }
    assert_true(b->section < d->nsections);
    /* Prose blocks hold no line breaks; code keeps them. */
    if (b->kind != CTIX_BLOCK_CODE)
      assert_null(memchr(d->text + b->span.start, '\n', b->span.end - b->span.start));
    /* Sentences of consecutive blocks are consecutive. */
    assert_int_equal(b->first_sentence, nsent);
    nsent += b->nsentences;
  }
  assert_int_equal(nsent, d->nsentences);

  for (i = 0; i < d->nsentences; i++) {
    const ctix_sentence *s = &d->sentences[i];
    const ctix_block *b;
    assert_true(s->block < d->nblocks);
    b = &d->blocks[s->block];
    assert_true(s->span.start < s->span.end);
    assert_true(s->span.start >= b->span.start && s->span.end <= b->span.end);
    assert_true(i >= b->first_sentence && i < b->first_sentence + b->nsentences);
    if (i > 0)
      assert_true(d->sentences[i - 1].span.end <= s->span.start);
  }

  assert_int_equal(d->sections[0].level, 0);
  assert_int_equal(d->sections[0].parent, -1);
  for (i = 0; i < d->nsections; i++) {
    const ctix_section *sec = &d->sections[i];
    size_t count = 0;
    for (j = 0; j < d->nblocks; j++)
      count += d->blocks[j].section == i;
    assert_int_equal(count, sec->nblocks);
    if (i == 0)
      continue;
    assert_true(sec->parent >= 0 && (size_t)sec->parent < i);
    assert_true(d->sections[sec->parent].level < sec->level);
    assert_true(sec->first_block < d->nblocks);
    assert_int_equal(d->blocks[sec->first_block].kind, CTIX_BLOCK_HEADING);
    assert_int_equal(d->blocks[sec->first_block].span.start, sec->heading.start);
    assert_int_equal(d->blocks[sec->first_block].span.end, sec->heading.end);
    /* Its blocks are contiguous from its heading. */
    for (j = sec->first_block; j < sec->first_block + sec->nblocks; j++)
      assert_int_equal(d->blocks[j].section, i);
  }

  for (i = 0; i < d->nlinks; i++) {
    assert_non_null(d->links[i].href);
    assert_true(d->links[i].span.start <= d->links[i].span.end);
    assert_true(d->links[i].span.end <= d->len);
  }
  for (i = 0; i < d->ndiags; i++) {
    assert_non_null(d->diags[i].message);
    assert_null(strchr(d->diags[i].message, '\n'));
  }
  if (d->meta.title)
    assert_int_equal(ctix__utf8_validate(d->meta.title, strlen(d->meta.title)),
                     strlen(d->meta.title));
}

/* Asserts that err holds `code` and a non-empty one-line message. */
static inline void error_check(const ctix_error *err, int rc, int code)
{
  assert_int_equal(rc, code);
  assert_int_equal(err->code, code);
  assert_true(err->message[0] != '\0');
  assert_null(strchr(err->message, '\n'));
  assert_null(strchr(err->message, '\r'));
}

/* Parses a C string as `fmt` (CTIX_FORMAT_AUTO to detect); fails the test
 * on error. The caller frees the document. */
static inline ctix_document *parse_as(const char *src, size_t len, ctix_format fmt)
{
  ctix_doc_options o;
  ctix_error err;
  ctix_document *d = NULL;
  int rc;
  ctix_doc_options_init(&o);
  o.format = fmt;
  ctix_error_clear(&err);
  rc = ctix_document_parse(&d, src, len, &o, &err);
  if (rc)
    fail_msg("parse failed: %s (%s)", err.message, ctix_error_name(rc));
  doc_check(d);
  return d;
}

/* Loads a test data file; fails the test on error. */
static inline ctix_document *load_data(const char *rel, ctix_format fmt)
{
  char path[1024];
  ctix_doc_options o;
  ctix_error err;
  ctix_document *d = NULL;
  int rc;
  snprintf(path, sizeof(path), "%s/%s", CTIX_TEST_DATA, rel);
  ctix_doc_options_init(&o);
  o.format = fmt;
  ctix_error_clear(&err);
  rc = ctix_document_load(&d, path, &o, &err);
  if (rc)
    fail_msg("loading %s failed: %s (%s)", path, err.message, ctix_error_name(rc));
  doc_check(d);
  return d;
}

/* Does block i's text equal s? */
static inline int block_is(const ctix_document *d, size_t i, const char *s)
{
  const ctix_block *b = &d->blocks[i];
  return strlen(s) == b->span.end - b->span.start &&
         memcmp(d->text + b->span.start, s, strlen(s)) == 0;
}

/* Index of the block whose text is exactly s; fails the test if none. */
static inline size_t find_block(const ctix_document *d, const char *s)
{
  size_t i;
  for (i = 0; i < d->nblocks; i++)
    if (block_is(d, i, s))
      return i;
  fail_msg("no block with text \"%s\"", s);
  return 0;
}

/* Index of the first block containing s; fails the test if none. */
static inline size_t find_block_with(const ctix_document *d, const char *s)
{
  size_t i, n = strlen(s);
  for (i = 0; i < d->nblocks; i++) {
    const ctix_block *b = &d->blocks[i];
    size_t k;
    for (k = b->span.start; k + n <= b->span.end; k++)
      if (memcmp(d->text + k, s, n) == 0)
        return i;
  }
  fail_msg("no block containing \"%s\"", s);
  return 0;
}

/* Does the document text contain s anywhere? */
static inline int text_has(const ctix_document *d, const char *s)
{
  return strstr(d->text, s) != NULL;
}

/* Asserts block i's kind and level. */
static inline void assert_block(const ctix_document *d, size_t i, ctix_block_kind kind,
                         uint32_t level)
{
  if (d->blocks[i].kind != kind || d->blocks[i].level != level)
    fail_msg("block %zu \"%.*s\" is %s/%u, expected %s/%u", i,
             (int)(d->blocks[i].span.end - d->blocks[i].span.start),
             d->text + d->blocks[i].span.start, ctix_block_kind_name(d->blocks[i].kind),
             d->blocks[i].level, ctix_block_kind_name(kind), level);
}

#endif
