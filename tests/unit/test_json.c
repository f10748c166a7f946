/*
 * Unit tests of the shared JSON string escaper (src/util/json.c): every
 * byte class it treats specially, and that plain text passes unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
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
}

static void test_invalid_utf8(void **state)
{
  (void)state;
  check("a\xFF" "b", 3, "\"a\xEF\xBF\xBD" "b\"");
  check("\xC3", 1, "\"\xEF\xBF\xBD\"");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain),
      cmocka_unit_test(test_escapes),
      cmocka_unit_test(test_invalid_utf8),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
