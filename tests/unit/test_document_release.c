/*
 * Unit tests of the loader's memory release (ctix__docb_consumed in
 * src/lib/document/document.c): ctix_document_load gives back the memory
 * of the raw input the plain-text parser has consumed, so a large input
 * and its normalised text are not held in full at once. The document it
 * builds must be exactly the one ctix_document_parse builds from the same
 * bytes (which never releases anything): text, blocks, sections,
 * sentences, title. The inputs are large enough (over RELEASE_MIN, 8 MiB)
 * for the release to happen several times, and mix paragraphs, headings,
 * list items, record-like lines and form feeds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctix/document.h"
#include "util/buf.h"

/* Writes data to a new temporary file; returns its path (static buffer). */
static const char *temp_file(const void *data, size_t len)
{
  static char path[64];
  int fd;
  snprintf(path, sizeof(path), "/tmp/ctix-test-release-XXXXXX");
  fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, data, len), (ssize_t)len);
  close(fd);
  return path;
}

/* About `mb` MiB of varied plain text (deterministic). */
static void make_text(ctix_buf *b, size_t mb)
{
  static const char *const words[] = {"the", "actor", "loader", "deployed", "beacons",
                                      "persistence", "registry", "evil[.]com", "10.0.0.1",
                                      "hxxp://x.example/a", "payload.exe", "over", "and"};
  uint32_t seed = 12345;
  size_t para = 0, w, nw;
  ctix__buf_adds(b, "Threat Report Title\n\n");
  while (b->len < mb << 20) {
    para++;
    if (para % 17 == 0)
      ctix__buf_addf(b, "%zu.1 Delivery Stage\n\n", para);
    else if (para % 23 == 0)
      ctix__buf_adds(b, "- first item\n- second item\n  - nested item\n\n");
    else if (para % 29 == 0)
      ctix__buf_adds(b, "key: value\nhost: 10.1.2.3\nport: 443\n\n");
    else if (para % 31 == 0)
      ctix__buf_adds(b, "\f\n");
    nw = 20 + para % 60;
    for (w = 0; w < nw; w++) {
      seed = seed * 1103515245u + 12345u;
      ctix__buf_adds(b, words[(seed >> 16) % (sizeof(words) / sizeof(words[0]))]);
      ctix__buf_addc(b, w + 1 < nw ? ' ' : '.');
    }
    ctix__buf_adds(b, para % 5 ? "\n\n" : "\n");
  }
  assert_int_equal(b->err, 0);
}

/* Loads the text from a file and parses it from memory; both documents
 * must be equal in every field extraction and triage read. */
static void check_same(const char *data, size_t len, bool sentences)
{
  ctix_doc_options o;
  ctix_document *a = NULL, *b = NULL;
  ctix_error err;
  const char *path = temp_file(data, len);
  size_t i;
  ctix_doc_options_init(&o);
  o.max_input = 0;
  o.format = CTIX_FORMAT_TEXT;
  o.no_sentences = !sentences;
  o.source = "release.txt";
  ctix_error_clear(&err);
  assert_int_equal(ctix_document_parse(&a, data, len, &o, &err), 0);
  assert_int_equal(ctix_document_load(&b, path, &o, &err), 0);
  unlink(path);
  assert_int_equal(a->len, b->len);
  assert_memory_equal(a->text, b->text, a->len);
  assert_int_equal(a->nblocks, b->nblocks);
  assert_true(a->nblocks > 1000);
  assert_memory_equal(a->blocks, b->blocks, a->nblocks * sizeof(*a->blocks));
  assert_int_equal(a->nsections, b->nsections);
  assert_memory_equal(a->sections, b->sections, a->nsections * sizeof(*a->sections));
  assert_int_equal(a->nsentences, b->nsentences);
  for (i = 0; i < a->nsentences; i++) { /* field by field: the record has padding */
    assert_int_equal(a->sentences[i].span.start, b->sentences[i].span.start);
    assert_int_equal(a->sentences[i].span.end, b->sentences[i].span.end);
    assert_int_equal(a->sentences[i].block, b->sentences[i].block);
  }
  assert_int_equal(a->utf8_replaced, b->utf8_replaced);
  assert_non_null(a->meta.title);
  assert_non_null(b->meta.title);
  assert_string_equal(a->meta.title, b->meta.title);
  ctix_document_free(a);
  ctix_document_free(b);
}

static void test_large_text_same_document(void **state)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)64 << 20);
  (void)state;
  make_text(&b, 12);
  check_same(b.data, b.len, false);
  check_same(b.data, b.len, true);
  ctix__buf_free(&b);
}

/* Invalid UTF-8 and CR LF line ends in a large input: repaired and
 * counted the same way whether or not the input's memory is released. */
static void test_large_text_repairs(void **state)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)64 << 20);
  size_t i;
  (void)state;
  make_text(&b, 10);
  for (i = 1 << 20; i < b.len; i += 3u << 20)
    b.data[i] = (char)0xFF;
  check_same(b.data, b.len, false);
  ctix__buf_free(&b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_large_text_same_document),
      cmocka_unit_test(test_large_text_repairs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
