/*
 * Unit tests of the list builder of the IOC extractor (src/lib/ioc/list.c)
 * through ctix_ioc_extract: candidates are queued between emission and
 * their insertion into the deduplication table (so that the table's cache
 * line can be fetched meanwhile), their values already copied to the
 * packed strings (a duplicate's copy becomes a hole that later strings
 * fill); a large table lives in its own mapping. The
 * list must come out as if every candidate were inserted when emitted:
 * one item per distinct value, its hits counted, items in order of first
 * occurrence, hits in text order, offsets pointing at the written form.
 * With consume_input the memory of the text read is given back as
 * extraction goes, and the list is the same.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ioc/scan.h"
#include "ioc_test.h"
#include "util/buf.h"

/* Items in order of first occurrence, hits in text order, every hit
 * pointing at an item whose first occurrence is not after it. */
static void check_order(const ctix_ioc_list *l)
{
  size_t i;
  for (i = 1; i < l->nitems; i++)
    assert_true(l->items[i - 1].span.start <= l->items[i].span.start);
  for (i = 1; i < l->nhits; i++)
    assert_true(l->hits[i - 1].span.start <= l->hits[i].span.start);
  for (i = 0; i < l->nhits; i++) {
    assert_true(l->hits[i].ioc < l->nitems);
    assert_true(l->items[l->hits[i].ioc].span.start <= l->hits[i].span.start);
  }
}

/* Sum of the items' hit counts equals the number of hits. */
static void check_hit_counts(const ctix_ioc_list *l)
{
  size_t i, total = 0;
  for (i = 0; i < l->nitems; i++)
    total += l->items[i].nhits;
  assert_int_equal(total, l->nhits);
}

/* Short values around a long one (over 256 bytes), each repeated at once
 * (inside the queue) and later (after it was inserted). */
static void test_queue_and_long_values(void **state)
{
  ctix_buf b = CTIX_BUF_INIT(1u << 20);
  ctix_buf url = CTIX_BUF_INIT(1u << 16);
  ctix_ioc_list *l;
  const ctix_ioc *it;
  unsigned i, rep;
  ctix__buf_adds(&url, "https://cdn.badcorp.ru/");
  for (i = 0; i < 40; i++)
    ctix__buf_addf(&url, "seg%02u/", i); /* a path of 240 bytes */
  assert_true(url.len > 256);
  for (rep = 0; rep < 2; rep++) {
    for (i = 0; i < 20; i++)
      ctix__buf_addf(&b, "91.204.%u.3 91.204.%u.3 ", i, i);
    ctix__buf_addf(&b, "%s %s ", url.data, url.data);
    for (i = 20; i < 40; i++)
      ctix__buf_addf(&b, "91.204.%u.3 ", i);
    ctix__buf_adds(&b, "\n");
  }
  assert_int_equal(b.err, 0);
  assert_int_equal(ctix_ioc_extract(&l, b.data, b.len, NULL, NULL), 0);
  for (i = 0; i < 40; i++) {
    char v[32];
    snprintf(v, sizeof(v), "91.204.%u.3", i);
    it = ioc_find(l, CTIX_IOC_IPV4, v);
    assert_non_null(it);
    assert_int_equal(it->nhits, i < 20 ? 4 : 2);
    assert_memory_equal(b.data + it->span.start, v, strlen(v));
  }
  it = ioc_find(l, CTIX_IOC_URL, url.data);
  assert_non_null(it);
  assert_int_equal(it->nhits, 4);
  assert_memory_equal(b.data + it->span.start, url.data, url.len);
  it = ioc_find(l, CTIX_IOC_DOMAIN, "cdn.badcorp.ru");
  assert_non_null(it);
  assert_int_equal(it->nhits, 4);
  check_order(l);
  check_hit_counts(l);
  ctix_ioc_list_free(l);
  ctix__buf_free(&b);
  ctix__buf_free(&url);
}

/* Enough distinct addresses in a short text that the table grows past
 * the size that gets its own mapping (2 MiB: over 393,000 items); the
 * first address again at the end. */
static void test_large_table(void **state)
{
  enum { N = 420000 };
  ctix_buf b = CTIX_BUF_INIT(1u << 24);
  ctix_ioc_list *l;
  const ctix_ioc *first;
  size_t i;
  for (i = 0; i < N; i++)
    ctix__buf_addf(&b, "10.%u.%u.%u\n", (unsigned)(i >> 16), (unsigned)((i >> 8) & 255),
                   (unsigned)(i & 255));
  ctix__buf_adds(&b, "10.0.0.0\n");
  assert_int_equal(b.err, 0);
  assert_int_equal(ctix_ioc_extract(&l, b.data, b.len, NULL, NULL), 0);
  assert_int_equal(ioc_count_any(l, CTIX_IOC_IPV4), N);
  assert_int_equal(l->nhits, N + 1);
  first = ioc_find(l, CTIX_IOC_IPV4, "10.0.0.0");
  assert_non_null(first);
  assert_int_equal(first->nhits, 2);
  for (i = 0; i < l->nitems; i++)
    if (&l->items[i] != first)
      assert_int_equal(l->items[i].nhits, 1);
  /* the last hit is the repeated first address */
  assert_int_equal(l->hits[l->nhits - 1].ioc, (uint32_t)(first - l->items));
  check_order(l);
  ctix_ioc_list_free(l);
  ctix__buf_free(&b);
}

/* The two lists are the same, item by item and hit by hit. */
static void check_same_list(const ctix_ioc_list *a, const ctix_ioc_list *b)
{
  size_t i;
  assert_int_equal(a->nitems, b->nitems);
  assert_int_equal(a->nhits, b->nhits);
  for (i = 0; i < a->nitems; i++) {
    const ctix_ioc *x = &a->items[i], *y = &b->items[i];
    assert_int_equal(x->type, y->type);
    assert_int_equal(x->status, y->status);
    assert_string_equal(x->value, y->value);
    assert_string_equal(x->original, y->original);
    assert_string_equal(x->reason ? x->reason : "-", y->reason ? y->reason : "-");
    assert_int_equal(x->span.start, y->span.start);
    assert_int_equal(x->span.end, y->span.end);
    assert_int_equal(x->nhits, y->nhits);
    assert_int_equal(x->defanged, y->defanged);
  }
  for (i = 0; i < a->nhits; i++) {
    assert_int_equal(a->hits[i].span.start, b->hits[i].span.start);
    assert_int_equal(a->hits[i].span.end, b->hits[i].span.end);
    assert_int_equal(a->hits[i].ioc, b->hits[i].ioc);
    assert_int_equal(a->hits[i].defanged, b->hits[i].defanged);
  }
}

/*
 * consume_input on a document of over 8 MiB whose reference section
 * starts near the top: extraction gives back the memory of the text it
 * has read (the bytes read as zero afterwards), keeps the pages of the
 * section headings (the reference triage reads them after extraction),
 * and the list is the same as without the option.
 */
static void test_consume_input(void **state)
{
  ctix_buf md = CTIX_BUF_INIT((size_t)32 << 20);
  ctix_document *doc = NULL;
  ctix_ioc_list *keep = NULL, *used = NULL;
  ctix_ioc_options o;
  const ctix_ioc *ref;
  size_t i, zeros = 0;
  (void)state;
  ctix__buf_adds(&md, "# Report\n\nThe actor used 91.204.1.3 and evil.badcorp.ru.\n\n");
  /* the heading well past the first page of the text */
  for (i = 0; i < 400; i++)
    ctix__buf_adds(&md, "The loader decrypts its next stage and waits for commands.\n");
  ctix__buf_adds(&md, "\n## References\n\n- https://research.vendor-labs.io/post/1\n");
  for (i = 0; md.len < ((size_t)10 << 20); i++) {
    if (i % 8 == 0)
      ctix__buf_addf(&md, "- seen 45.%u.%u.%u at hxxp://c2-%zu.badcorp[.]ru/gate\n",
                     (unsigned)(i >> 16) & 255, (unsigned)(i >> 8) & 255, (unsigned)i & 255,
                     i);
    else
      ctix__buf_adds(&md, "- the loader reads its configuration and sleeps for a while\n");
  }
  ctix__buf_adds(&md, "\n## Analysis\n\nAgain 91.204.1.3 and 45.0.0.0 here.\n");
  assert_int_equal(md.err, 0);
  {
    ctix_doc_options d;
    ctix_doc_options_init(&d);
    d.format = CTIX_FORMAT_MARKDOWN;
    assert_int_equal(ctix_document_parse(&doc, md.data, md.len, &d, NULL), 0);
  }
  assert_true(doc->len >= ((size_t)9 << 20));
  ctix_ioc_options_init(&o);
  assert_false(o.consume_input);
  assert_int_equal(ctix_ioc_extract_document(&keep, doc, &o, NULL), 0);
  o.consume_input = true;
  assert_int_equal(ctix_ioc_extract_document(&used, doc, &o, NULL), 0);
  check_same_list(keep, used);
  /* the reference section was still found */
  ref = ioc_find(used, CTIX_IOC_URL, "https://research.vendor-labs.io/post/1");
  assert_non_null(ref);
  assert_int_equal(ref->status, CTIX_IOC_STATUS_BENIGN);
  assert_string_equal(ref->reason, "reference link");
  /* and so was the section after it: an address seen there too stays an IOC */
  ref = ioc_find(used, CTIX_IOC_IPV4, "45.0.0.0");
  assert_non_null(ref);
  assert_int_equal(ref->status, CTIX_IOC_STATUS_IOC);
  assert_int_equal(ref->nhits, 2);
  /* the text read was given back (zeros), its headings were kept */
  for (i = (size_t)1 << 20; i < ((size_t)6 << 20); i++)
    zeros += doc->text[i] == '\0';
  assert_true(zeros > ((size_t)1 << 20));
  for (i = 1; i < doc->nsections; i++) {
    const ctix_span *h = &doc->sections[i].heading;
    size_t k;
    for (k = h->start; k < h->end; k++)
      assert_true(doc->text[k] != '\0');
  }
  check_order(used);
  check_hit_counts(used);
  ctix_ioc_list_free(keep);
  ctix_ioc_list_free(used);
  ctix_document_free(doc);
  ctix__buf_free(&md);
}

/*
 * The vector loops of the scanner and recognizers (context words before
 * and after an address, the end of a URL, block masks) give the lists of
 * the byte loops, with every observable moved across the 16- and 32-byte
 * edges by 0-31 leading spaces.
 */
static void test_vector_edges(void **state)
{
  static const char body[] =
      "Contact report-abuse@example-cert.org for questions. The loader reached "
      "hxxps://update-cdn[.]badhost[.]top/gate/index.php?id=7&k=x and 198.51.100.7:8443, "
      "then wrote C:\\ProgramData\\svc\\run.dll; e-mail alice.smith@evil-mail.ru (at) "
      "evil-mail[.]ru was used. See https://www.example.com/report.pdf). SHA-256 "
      "0f3a5c7e9b1d2f4a6c8e0b2d4f6a8c0e1f3a5c7e9b1d2f4a6c8e0b2d4f6a8c0e and "
      "2001:db8:85a3::8a2e:370:7334, 203.0.113.9/24, evil.example[.]net.\n";
  char text[sizeof(body) + 32];
  size_t shift;
  (void)state;
  for (shift = 0; shift < 32; shift++) {
    ctix_ioc_list *vec = NULL, *byte = NULL;
    ctix_error err;
    memset(text, ' ', shift);
    memcpy(text + shift, body, sizeof(body));
    ctix_error_clear(&err);
    ctix__ioc_force_scalar = false;
    assert_int_equal(ctix_ioc_extract(&vec, text, shift + sizeof(body) - 1, NULL, &err), 0);
    ctix__ioc_force_scalar = true;
    assert_int_equal(ctix_ioc_extract(&byte, text, shift + sizeof(body) - 1, NULL, &err), 0);
    ctix__ioc_force_scalar = false;
    assert_true(vec->nitems >= 8);
    check_same_list(vec, byte);
    ctix_ioc_list_free(vec);
    ctix_ioc_list_free(byte);
  }
}

/* Values of every length from 4 to 40 bytes (the emit copies and hashes a
 * value eight bytes a step, with a shorter tail): each domain written
 * lower-case, in capitals and lower-case again is one item of three hits
 * whose written form is that of its first occurrence; half of them are
 * first written in capitals (the written form is then a string of its
 * own, not the value's). */
static void test_value_lengths(void **state)
{
  ctix_buf b = CTIX_BUF_INIT(1u << 20);
  ctix_ioc_list *l;
  char name[64], upper[64];
  unsigned len, k;
  (void)state;
  for (len = 4; len <= 40; len++) {
    /* "xx...x.ru" of len bytes, a different letter per length */
    for (k = 0; k + 3 < len; k++)
      name[k] = (char)('a' + len % 26);
    memcpy(name + len - 3, ".ru", 4);
    for (k = 0; k <= len; k++)
      upper[k] = (char)(name[k] >= 'a' && name[k] <= 'z' ? name[k] - 32 : name[k]);
    if (len % 2)
      ctix__buf_addf(&b, "seen %s then %s and %s.\n", name, upper, name);
    else
      ctix__buf_addf(&b, "seen %s then %s and %s.\n", upper, name, name);
  }
  assert_int_equal(b.err, 0);
  assert_int_equal(ctix_ioc_extract(&l, b.data, b.len, NULL, NULL), 0);
  for (len = 4; len <= 40; len++) {
    const ctix_ioc *it;
    for (k = 0; k + 3 < len; k++)
      name[k] = (char)('a' + len % 26);
    memcpy(name + len - 3, ".ru", 4);
    for (k = 0; k <= len; k++)
      upper[k] = (char)(name[k] >= 'a' && name[k] <= 'z' ? name[k] - 32 : name[k]);
    it = ioc_find(l, CTIX_IOC_DOMAIN, name);
    if (!it)
      fail_msg("%s: not found", name);
    assert_int_equal(it->nhits, 3);
    assert_string_equal(it->original, len % 2 ? name : upper);
    assert_int_equal(it->span.end - it->span.start, len);
    assert_memory_equal(b.data + it->span.start, it->original, len);
  }
  check_order(l);
  check_hit_counts(l);
  ctix_ioc_list_free(l);
  ctix__buf_free(&b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_queue_and_long_values),
      cmocka_unit_test(test_value_lengths),
      cmocka_unit_test(test_large_table),
      cmocka_unit_test(test_consume_input),
      cmocka_unit_test(test_vector_edges),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
