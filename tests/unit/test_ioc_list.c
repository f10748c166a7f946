/*
 * Unit tests of the list builder of the IOC extractor (src/lib/ioc/list.c)
 * through ctix_ioc_extract: candidates are queued between emission and
 * their insertion into the deduplication table (so that the table's cache
 * line can be fetched meanwhile), and values too long for the queue are
 * inserted at once after it; a large table lives in its own mapping. The
 * list must come out as if every candidate were inserted when emitted:
 * one item per distinct value, its hits counted, items in order of first
 * occurrence, hits in text order, offsets pointing at the written form.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

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

/* Short values around a value longer than the queue holds, each repeated
 * at once (inside the queue) and later (after it was inserted). */
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

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_queue_and_long_values),
      cmocka_unit_test(test_large_table),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
