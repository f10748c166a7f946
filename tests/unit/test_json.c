/*
 * Unit tests of the shared JSON string escaper (src/util/json.c): every
 * byte class it treats specially, that plain text passes unchanged, and
 * that ctix__json_plain_prefix (vector loads) agrees with a byte loop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/json.h"

static void check(const char *in, size_t n, const char *want)
{
  ctix_buf b = CTIX_BUF_INIT(1024);
  ctix__json_string(&b, in, n);
  assert_int_equal(b.err, 0);
  assert_string_equal(b.data, want);
  ctix__buf_free(&b);
}

static void test_plain(void **state)
{
  (void)state;
  check("evil.example.com", 16, "\"evil.example.com\"");
  check("", 0, "\"\"");
  check("caf\xC3\xA9", 5, "\"caf\xC3\xA9\"");
}

static void test_escapes(void **state)
{
  (void)state;
  check("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
  check("l1\nl2\tx\r", 8, "\"l1\\nl2\\tx\\r\"");
  check("\x1b[2J\x7f", 5, "\"\\u001b[2J\\u007f\"");
  check("nul\0x", 5, "\"nul\\u0000x\"");
  check("\xE2\x80\xA8|\xE2\x80\xA9", 7, "\"\\u2028|\\u2029\"");
  /* bidirectional controls, which would reorder the JSON as shown */
  check("inv\xE2\x80\xAE" "fdp.exe", 13, "\"inv\\u202efdp.exe\"");
  check("\xD8\x9C\xE2\x80\x8E\xE2\x80\x8F\xE2\x80\xAA\xE2\x81\xA6\xE2\x81\xA9", 17,
        "\"\\u061c\\u200e\\u200f\\u202a\\u2066\\u2069\"");
  /* their neighbours stay raw: U+200D, U+202F, U+2065, U+206A */
  check("\xE2\x80\x8D\xE2\x80\xAF\xE2\x81\xA5\xE2\x81\xAA", 12,
        "\"\xE2\x80\x8D\xE2\x80\xAF\xE2\x81\xA5\xE2\x81\xAA\"");
}

static void test_invalid_utf8(void **state)
{
  (void)state;
  check("a\xFF" "b", 3, "\"a\xEF\xBF\xBD" "b\"");
  check("\xC3", 1, "\"\xEF\xBF\xBD\"");
}

/* The byte-loop model of ctix__json_plain_prefix. */
static size_t model_plain_prefix(const unsigned char *s, size_t n)
{
  size_t i = 0;
  while (i < n && s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\')
    i++;
  return i;
}

/* ctix__json_plain_prefix against the byte loop: random strings of 0-100
 * bytes, mostly plain with the bytes that stop a run planted at random
 * (density varies), each read from a heap block of exactly its length so
 * that a read past the end shows under ASan. */
static void test_plain_prefix_random(void **state)
{
  static const unsigned char stop[] = {'"', '\\', 0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xFF, '\n'};
  uint32_t seed = 11;
  size_t round, n, k;
  (void)state;
  for (round = 0; round < 50000; round++) {
    unsigned char *s;
    unsigned dens;
    seed = seed * 1103515245u + 12345u;
    n = (seed >> 8) % 101;
    dens = 1 + (seed >> 20) % 60;
    s = malloc(n ? n : 1);
    assert_non_null(s);
    for (k = 0; k < n; k++) {
      seed = seed * 1103515245u + 12345u;
      s[k] = (seed >> 8) % dens ? (unsigned char)(0x20 + (seed >> 16) % 95)
                                : stop[(seed >> 16) % sizeof(stop)];
    }
    assert_int_equal(ctix__json_plain_prefix((const char *)s, n), model_plain_prefix(s, n));
    free(s);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain),
      cmocka_unit_test(test_escapes),
      cmocka_unit_test(test_invalid_utf8),
      cmocka_unit_test(test_plain_prefix_random),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
