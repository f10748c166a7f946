/*
 * Unit tests of the region allocator (src/util/arena.c): 16-byte
 * alignment, big allocations with chunks of their own, the byte limit,
 * strndup/strdup/memdup/calloc, many chunks without overlap, and reuse
 * after free.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

static void assert_aligned(const void *p)
{
  assert_non_null(p);
  assert_int_equal((uintptr_t)p % 16, 0);
}

static void test_alignment(void **state)
{
  ctix_arena a;
  size_t i;
  (void)state;
  ctix__arena_init(&a, 0);
  for (i = 0; i < 3000; i++) {
    unsigned char *p = ctix__arena_alloc(&a, i % 37 + 1);
    assert_aligned(p);
    memset(p, 0xAB, i % 37 + 1);
  }
  /* Zero-size requests still give distinct, aligned pointers. */
  {
    void *p = ctix__arena_alloc(&a, 0), *q = ctix__arena_alloc(&a, 0);
    assert_aligned(p);
    assert_aligned(q);
    assert_ptr_not_equal(p, q);
  }
  ctix__arena_free(&a);
}

static void test_big_allocations(void **state)
{
  ctix_arena a;
  unsigned char *small1, *big, *small2, *huge;
  (void)state;
  ctix__arena_init(&a, 0);
  small1 = ctix__arena_alloc(&a, 100);
  big = ctix__arena_alloc(&a, 1u << 20);
  small2 = ctix__arena_alloc(&a, 100);
  assert_aligned(small1);
  assert_aligned(big);
  assert_aligned(small2);
  memset(small1, 1, 100);
  memset(big, 2, 1u << 20);
  memset(small2, 3, 100);
  /* The big block has a chunk of its own: the small ones stay together. */
  assert_true(small2 == small1 + 112);
  assert_int_equal(small1[99], 1);
  assert_int_equal(big[0], 2);
  assert_int_equal(big[(1u << 20) - 1], 2);
  assert_int_equal(small2[0], 3);
  huge = ctix__arena_alloc(&a, 16u << 20);
  assert_aligned(huge);
  memset(huge, 4, 16u << 20);
  assert_true(a.used >= (17u << 20) + 224);
  /* Impossible sizes fail cleanly. */
  assert_null(ctix__arena_alloc(&a, (size_t)-1));
  assert_null(ctix__arena_alloc(&a, (size_t)-1 - 8));
  assert_null(ctix__arena_calloc(&a, (size_t)-1 / 2, 4));
  ctix__arena_free(&a);
}

static void test_limit(void **state)
{
  ctix_arena a;
  size_t n = 0;
  (void)state;
  ctix__arena_init(&a, 1000);
  /* 16-byte rounding: 62 allocations of 16 bytes fit in 1000, not 63. */
  while (ctix__arena_alloc(&a, 10))
    n++;
  assert_int_equal(n, 1000 / 16);
  assert_true(a.used <= 1000);
  assert_null(ctix__arena_alloc(&a, 1));
  assert_null(ctix__arena_strdup(&a, "x"));
  ctix__arena_free(&a);
  assert_int_equal(a.used, 0);
  /* The limit survives free; a single request over it fails at once. */
  assert_null(ctix__arena_alloc(&a, 1001));
  assert_non_null(ctix__arena_alloc(&a, 992));
  assert_null(ctix__arena_alloc(&a, 16));
  ctix__arena_free(&a);
  /* A big dedicated chunk is counted against the limit too. */
  ctix__arena_init(&a, 100000);
  assert_non_null(ctix__arena_alloc(&a, 60000));
  assert_null(ctix__arena_alloc(&a, 60000));
  assert_non_null(ctix__arena_alloc(&a, 30000));
  ctix__arena_free(&a);
}

static void test_strings(void **state)
{
  ctix_arena a;
  char *s;
  unsigned char *m;
  static const unsigned char bytes[5] = {0, 1, 2, 0, 255};
  (void)state;
  ctix__arena_init(&a, 0);
  s = ctix__arena_strndup(&a, "evil.example.com/path", 16);
  assert_string_equal(s, "evil.example.com");
  s = ctix__arena_strndup(&a, "", 0);
  assert_string_equal(s, "");
  s = ctix__arena_strndup(&a, NULL, 0);
  assert_non_null(s);
  assert_string_equal(s, "");
  s = ctix__arena_strdup(&a, "Lazarus");
  assert_string_equal(s, "Lazarus");
  assert_aligned(s);
  m = ctix__arena_memdup(&a, bytes, sizeof(bytes));
  assert_memory_equal(m, bytes, sizeof(bytes));
  assert_null(ctix__arena_memdup(&a, bytes, 0));
  assert_null(ctix__arena_strndup(&a, "x", (size_t)-1));
  ctix__arena_free(&a);
}

static void test_zeroed_alloc(void **state)
{
  ctix_arena a;
  unsigned char *p;
  size_t i;
  (void)state;
  ctix__arena_init(&a, 0);
  /* Dirty the memory first so zeroing is observable on reuse. */
  p = ctix__arena_alloc(&a, 4096);
  memset(p, 0xFF, 4096);
  ctix__arena_free(&a);
  p = ctix__arena_calloc(&a, 1000, 4);
  assert_aligned(p);
  for (i = 0; i < 4000; i++)
    assert_int_equal(p[i], 0);
  assert_non_null(ctix__arena_calloc(&a, 0, 8));
  ctix__arena_free(&a);
}

/* Many chunks: every allocation keeps its own content. */
static void test_many_chunks(void **state)
{
  enum { COUNT = 20000, SIZE = 300 };
  ctix_arena a;
  unsigned char **ptrs = malloc(COUNT * sizeof(*ptrs));
  size_t i, j;
  (void)state;
  assert_non_null(ptrs);
  ctix__arena_init(&a, 0);
  for (i = 0; i < COUNT; i++) {
    size_t size = (i % 50 == 0) ? 40000 : SIZE;
    ptrs[i] = ctix__arena_alloc(&a, size);
    assert_aligned(ptrs[i]);
    memset(ptrs[i], (int)(i & 0xFF), size);
  }
  for (i = 0; i < COUNT; i++) {
    size_t size = (i % 50 == 0) ? 40000 : SIZE;
    for (j = 0; j < size; j += 97)
      assert_int_equal(ptrs[i][j], (unsigned char)(i & 0xFF));
    assert_int_equal(ptrs[i][size - 1], (unsigned char)(i & 0xFF));
  }
  assert_true(a.used >= (size_t)COUNT * SIZE);
  ctix__arena_free(&a);
  assert_null(a.head);
  assert_int_equal(a.used, 0);
  /* Reusable after free. */
  assert_aligned(ctix__arena_alloc(&a, 10));
  ctix__arena_free(&a);
  ctix__arena_free(&a);
  ctix__arena_free(NULL);
  free(ptrs);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_alignment),
    cmocka_unit_test(test_big_allocations),
    cmocka_unit_test(test_limit),
    cmocka_unit_test(test_strings),
    cmocka_unit_test(test_zeroed_alloc),
    cmocka_unit_test(test_many_chunks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
