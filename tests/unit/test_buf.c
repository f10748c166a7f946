/*
 * Unit tests of the growable buffer (src/util/buf.c): growth, the hard
 * maximum and its sticky error, detaching, use as a record array,
 * formatted appends, truncation and NUL termination.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

/* Data NUL-terminated right after len (when any memory is held). */
static void assert_terminated(const ctix_buf *b)
{
  if (b->data) {
    assert_true(b->cap > b->len);
    assert_int_equal(b->data[b->len], '\0');
  }
}

static void test_growth(void **state)
{
  ctix_buf b = CTIX_BUF_INIT(1u << 20);
  size_t i, caps = 0, last_cap = 0;
  (void)state;
  assert_null(b.data);
  for (i = 0; i < 100000; i++) {
    assert_int_equal(ctix__buf_addc(&b, (char)('a' + i % 26)), 0);
    if (b.cap != last_cap) {
      caps++;
      last_cap = b.cap;
    }
    assert_terminated(&b);
  }
  assert_int_equal(b.len, 100000);
  /* Capacity doubles: few reallocations for many appends. */
  assert_true(caps < 20);
  for (i = 0; i < 100000; i++)
    assert_int_equal(b.data[i], (char)('a' + i % 26));
  assert_int_equal(b.err, 0);
  ctix__buf_free(&b);
  assert_null(b.data);
  assert_int_equal(b.len, 0);
  assert_int_equal(b.cap, 0);
}

static void test_add_variants(void **state)
{
  ctix_buf b;
  (void)state;
  ctix__buf_init(&b, 1000);
  assert_int_equal(ctix__buf_add(&b, "abc", 3), 0);
  assert_int_equal(ctix__buf_adds(&b, "def"), 0);
  assert_int_equal(ctix__buf_addc(&b, 'g'), 0);
  assert_int_equal(ctix__buf_add(&b, NULL, 0), 0);
  assert_int_equal(ctix__buf_adds(&b, ""), 0);
  assert_int_equal(b.len, 7);
  assert_string_equal(b.data, "abcdefg");
  /* Embedded NULs are data. */
  assert_int_equal(ctix__buf_add(&b, "x\0y", 3), 0);
  assert_int_equal(b.len, 10);
  assert_memory_equal(b.data + 7, "x\0y", 3);
  assert_terminated(&b);
  ctix__buf_free(&b);
}

static void test_grow_reserves(void **state)
{
  ctix_buf b = CTIX_BUF_INIT(1u << 20);
  char *before;
  (void)state;
  assert_int_equal(ctix__buf_grow(&b, 0), 0);
  assert_non_null(b.data);
  assert_int_equal(ctix__buf_grow(&b, 5000), 0);
  assert_true(b.cap >= 5001);
  before = b.data;
  /* Appending within the reserved room does not move the data. */
  memset(b.data, 'z', 5000);
  assert_int_equal(ctix__buf_add(&b, b.data, 4000), 0);
  assert_ptr_equal(b.data, before);
  ctix__buf_free(&b);
}

static void test_max_exact_and_sticky(void **state)
{
  ctix_buf b = CTIX_BUF_INIT(10);
  (void)state;
  /* Exactly the maximum fits. */
  assert_int_equal(ctix__buf_add(&b, "0123456789", 10), 0);
  assert_int_equal(b.len, 10);
  assert_string_equal(b.data, "0123456789");
  /* One byte more fails, empties the buffer and sticks. */
  assert_int_equal(ctix__buf_addc(&b, 'x'), CTIX_ETOOBIG);
  assert_int_equal(b.err, CTIX_ETOOBIG);
  assert_null(b.data);
  assert_int_equal(b.len, 0);
  assert_int_equal(ctix__buf_add(&b, "a", 1), CTIX_ETOOBIG);
  assert_int_equal(ctix__buf_adds(&b, "a"), CTIX_ETOOBIG);
  assert_int_equal(ctix__buf_addc(&b, 'a'), CTIX_ETOOBIG);
  assert_int_equal(ctix__buf_addf(&b, "%d", 1), CTIX_ETOOBIG);
  assert_int_equal(ctix__buf_push(&b, "abcd", 4), CTIX_ETOOBIG);
  assert_int_equal(ctix__buf_grow(&b, 0), CTIX_ETOOBIG);
  assert_null(b.data);
  /* Reset clears no sticky error; detach gives NULL. */
  ctix__buf_reset(&b);
  assert_int_equal(ctix__buf_add(&b, "a", 1), CTIX_ETOOBIG);
  assert_null(ctix__buf_detach(&b, NULL));
  ctix__buf_free(&b);
}

static void test_max_single_big_add(void **state)
{
  ctix_buf b = CTIX_BUF_INIT(100);
  char big[101];
  (void)state;
  memset(big, 'q', sizeof(big));
  assert_int_equal(ctix__buf_add(&b, "ab", 2), 0);
  assert_int_equal(ctix__buf_add(&b, big, 99), CTIX_ETOOBIG);
  assert_int_equal(b.len, 0);
  ctix__buf_init(&b, 100);
  assert_int_equal(ctix__buf_add(&b, big, 101), CTIX_ETOOBIG);
  ctix__buf_init(&b, 0);
  assert_int_equal(ctix__buf_addc(&b, 'a'), CTIX_ETOOBIG);
  /* A huge request cannot overflow the size computation (no limit set). */
  ctix__buf_init(&b, (size_t)-1);
  assert_int_equal(ctix__buf_add(&b, "abc", 3), 0);
  assert_int_not_equal(ctix__buf_grow(&b, (size_t)-1), 0);
  assert_null(b.data);
  ctix__buf_init(&b, (size_t)-1);
  assert_int_not_equal(ctix__buf_grow(&b, (size_t)-1), 0);
  assert_int_not_equal(b.err, 0);
  assert_null(b.data);
  ctix__buf_free(&b);
}

static void test_detach(void **state)
{
  ctix_buf b = CTIX_BUF_INIT(1000);
  size_t len = 99;
  char *p;
  (void)state;
  /* An empty buffer detaches as "". */
  p = ctix__buf_detach(&b, &len);
  assert_non_null(p);
  assert_int_equal(len, 0);
  assert_string_equal(p, "");
  free(p);
  assert_int_equal(ctix__buf_adds(&b, "hello"), 0);
  p = ctix__buf_detach(&b, &len);
  assert_string_equal(p, "hello");
  assert_int_equal(len, 5);
  assert_null(b.data);
  assert_int_equal(b.len, 0);
  assert_int_equal(b.cap, 0);
  /* The buffer stays usable and does not share memory with p. */
  assert_int_equal(ctix__buf_adds(&b, "again"), 0);
  assert_ptr_not_equal(b.data, p);
  assert_string_equal(p, "hello");
  free(p);
  p = ctix__buf_detach(&b, NULL);
  assert_string_equal(p, "again");
  free(p);
  ctix__buf_free(&b);
}

typedef struct rec {
  uint32_t id;
  double score;
  const char *name;
} rec;

static void test_push_array(void **state)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)-1 / 2);
  size_t i;
  (void)state;
  assert_int_equal(CTIX__BUF_COUNT(&b, rec), 0);
  for (i = 0; i < 5000; i++) {
    rec r = {(uint32_t)i, (double)i / 2, "x"};
    assert_int_equal(ctix__buf_push(&b, &r, sizeof(r)), 0);
  }
  assert_int_equal(CTIX__BUF_COUNT(&b, rec), 5000);
  assert_int_equal(b.len, 5000 * sizeof(rec));
  for (i = 0; i < 5000; i++) {
    assert_int_equal(CTIX__BUF_AT(&b, rec, i).id, i);
    assert_true(CTIX__BUF_AT(&b, rec, i).score == (double)i / 2);
  }
  CTIX__BUF_AT(&b, rec, 17).id = 4242;
  assert_int_equal(((rec *)(void *)b.data)[17].id, 4242);
  /* Truncating by records drops the tail. */
  ctix__buf_truncate(&b, 10 * sizeof(rec));
  assert_int_equal(CTIX__BUF_COUNT(&b, rec), 10);
  ctix__buf_free(&b);
}

static void test_push_limit(void **state)
{
  ctix_buf b = CTIX_BUF_INIT(3 * sizeof(rec));
  rec r = {1, 1.0, NULL};
  (void)state;
  assert_int_equal(ctix__buf_push(&b, &r, sizeof(r)), 0);
  assert_int_equal(ctix__buf_push(&b, &r, sizeof(r)), 0);
  assert_int_equal(ctix__buf_push(&b, &r, sizeof(r)), 0);
  assert_int_equal(ctix__buf_push(&b, &r, sizeof(r)), CTIX_ETOOBIG);
  assert_int_equal(CTIX__BUF_COUNT(&b, rec), 0);
  ctix__buf_free(&b);
}

static void test_addf(void **state)
{
  ctix_buf b = CTIX_BUF_INIT(1u << 16);
  char longer[300];
  size_t i;
  (void)state;
  assert_int_equal(ctix__buf_addf(&b, "%s=%d", "port", 443), 0);
  assert_string_equal(b.data, "port=443");
  assert_int_equal(ctix__buf_addf(&b, "%s", ""), 0);
  assert_int_equal(b.len, 8);
  assert_int_equal(ctix__buf_addf(&b, ";%zu;%x;%.2f", (size_t)12345, 255u, 1.5), 0);
  assert_string_equal(b.data, "port=443;12345;ff;1.50");
  /* Longer than the first allocation: grows inside addf. */
  memset(longer, 'L', sizeof(longer) - 1);
  longer[sizeof(longer) - 1] = '\0';
  assert_int_equal(ctix__buf_addf(&b, "[%s]", longer), 0);
  assert_int_equal(b.len, 22 + 2 + 299);
  assert_int_equal(b.data[22], '[');
  for (i = 23; i < 23 + 299; i++)
    assert_int_equal(b.data[i], 'L');
  assert_int_equal(b.data[b.len - 1], ']');
  assert_terminated(&b);
  ctix__buf_free(&b);

  /* Formatting past the maximum fails and sticks. */
  ctix__buf_init(&b, 10);
  assert_int_equal(ctix__buf_addf(&b, "%s", "0123456789"), 0);
  assert_int_equal(ctix__buf_addf(&b, "%d", 7), CTIX_ETOOBIG);
  assert_int_equal(b.err, CTIX_ETOOBIG);
  ctix__buf_free(&b);
}

static void test_truncate_reset(void **state)
{
  ctix_buf b = CTIX_BUF_INIT(1000);
  size_t cap;
  (void)state;
  /* Truncating an empty buffer is harmless. */
  ctix__buf_truncate(&b, 0);
  ctix__buf_truncate(&b, 5);
  assert_int_equal(b.len, 0);
  assert_int_equal(ctix__buf_adds(&b, "threat report"), 0);
  ctix__buf_truncate(&b, 6);
  assert_int_equal(b.len, 6);
  assert_string_equal(b.data, "threat");
  /* Truncating to a longer length changes nothing. */
  ctix__buf_truncate(&b, 100);
  assert_int_equal(b.len, 6);
  assert_string_equal(b.data, "threat");
  cap = b.cap;
  ctix__buf_reset(&b);
  assert_int_equal(b.len, 0);
  assert_int_equal(b.cap, cap);
  assert_string_equal(b.data, "");
  assert_int_equal(ctix__buf_adds(&b, "x"), 0);
  assert_string_equal(b.data, "x");
  ctix__buf_free(&b);
  ctix__buf_free(&b); /* twice is fine */
  ctix__buf_free(NULL);
}

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* An allocation failure is sticky like the size limit. */
static void test_enomem(void **state)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)-1 / 2);
  (void)state;
#ifdef UNDER_ASAN
  print_message("skipping: ASan aborts on impossible allocations instead of returning NULL\n");
  skip();
#endif
  assert_int_equal(ctix__buf_adds(&b, "abc"), 0);
  assert_int_equal(ctix__buf_grow(&b, (size_t)-1 / 4), CTIX_ENOMEM);
  assert_int_equal(b.err, CTIX_ENOMEM);
  assert_null(b.data);
  assert_int_equal(ctix__buf_adds(&b, "abc"), CTIX_ENOMEM);
  ctix__buf_free(&b);
}

/*
 * ctix__buf_add_inline gives what ctix__buf_add gives: same bytes,
 * length, NUL and return codes, over appends that fit in the memory held,
 * that need growing, that reach the maximum exactly and that pass it (also
 * while the memory held would still have room: the maximum wins).
 */
static void test_add_inline(void **state)
{
  static const size_t sizes[] = {0, 1, 3, 60, 2, 0, 7, 64, 1, 33, 5, 120, 9, 1, 4};
  char src[200];
  ctix_buf a = CTIX_BUF_INIT(300), b = CTIX_BUF_INIT(300);
  size_t i, k, off = 0;
  (void)state;
  for (i = 0; i < sizeof(src); i++)
    src[i] = (char)('A' + i % 53);
  for (k = 0; k < 40; k++) {
    size_t n = sizes[k % (sizeof(sizes) / sizeof(sizes[0]))];
    int ra = ctix__buf_add(&a, src + off, n), rb = ctix__buf_add_inline(&b, src + off, n);
    off = (off + 17) % 64;
    assert_int_equal(rb, ra);
    assert_int_equal(b.err, a.err);
    assert_int_equal(b.len, a.len);
    assert_true((a.data == NULL) == (b.data == NULL));
    if (a.data)
      assert_memory_equal(b.data, a.data, a.len + 1);
    assert_terminated(&b);
  }
  /* the sizes pass the maximum of 300: both stopped with the same sticky error */
  assert_int_equal(b.err, CTIX_ETOOBIG);
  assert_null(b.data);
  ctix__buf_free(&a);
  ctix__buf_free(&b);

  /* an append that fits the memory held is copied in place */
  ctix__buf_init(&b, 100);
  assert_int_equal(ctix__buf_add_inline(&b, "abcdef", 6), 0);
  {
    const char *held = b.data;
    size_t cap = b.cap;
    assert_true(cap > 10);
    assert_int_equal(ctix__buf_add_inline(&b, "gh", 2), 0);
    assert_ptr_equal(b.data, held);
    assert_int_equal(b.cap, cap);
  }
  assert_string_equal(b.data, "abcdefgh");
  ctix__buf_free(&b);
  /* room in the memory held but not under the maximum: refused, sticky */
  ctix__buf_init(&b, 10);
  assert_int_equal(ctix__buf_add_inline(&b, "12345678", 8), 0);
  assert_true(b.cap > 11);
  assert_int_equal(ctix__buf_add_inline(&b, "9ab", 3), CTIX_ETOOBIG);
  assert_int_equal(b.err, CTIX_ETOOBIG);
  assert_null(b.data);
  assert_int_equal(ctix__buf_add_inline(&b, "x", 1), CTIX_ETOOBIG);
  ctix__buf_free(&b);
  /* exactly up to the maximum is fine */
  ctix__buf_init(&b, 10);
  assert_int_equal(ctix__buf_add_inline(&b, "12345678", 8), 0);
  assert_int_equal(ctix__buf_add_inline(&b, "9a", 2), 0);
  assert_string_equal(b.data, "123456789a");
  ctix__buf_free(&b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_growth),
    cmocka_unit_test(test_add_variants),
    cmocka_unit_test(test_grow_reserves),
    cmocka_unit_test(test_max_exact_and_sticky),
    cmocka_unit_test(test_max_single_big_add),
    cmocka_unit_test(test_detach),
    cmocka_unit_test(test_push_array),
    cmocka_unit_test(test_push_limit),
    cmocka_unit_test(test_addf),
    cmocka_unit_test(test_truncate_reset),
    cmocka_unit_test(test_enomem),
    cmocka_unit_test(test_add_inline),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
