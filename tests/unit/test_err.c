/*
 * Unit tests of error recording (src/util/err.c): the first error wins,
 * and messages that quote input stay one printable line of valid UTF-8
 * (no terminal escapes, no bytes cut in the middle of a character).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "util/err.h"
#include "util/utf8.h"

static void test_first_wins(void **state)
{
  ctix_error err;
  (void)state;
  ctix_error_clear(&err);
  assert_int_equal(ctix__error_set(&err, CTIX_EPARSE, "first %d", 1), CTIX_EPARSE);
  assert_int_equal(ctix__error_set(&err, CTIX_ENOMEM, "second"), CTIX_ENOMEM);
  assert_int_equal(err.code, CTIX_EPARSE);
  assert_string_equal(err.message, "first 1");
}

static void test_controls_flattened(void **state)
{
  ctix_error err;
  (void)state;
  ctix_error_clear(&err);
  /* ESC, DEL, U+009B (CSI) and a newline quoted from input. */
  ctix__error_set(&err, CTIX_EPARSE, "bad \"%s\"", "\x1b[2Ja\x7f" "b\xC2\x9B" "c\nd\xC3\xA9");
  assert_string_equal(err.message, "bad \" [2Ja b  c d\xC3\xA9\"");
}

static void test_invalid_and_cut_utf8(void **state)
{
  ctix_error err;
  char big[CTIX_ERROR_MSG_MAX + 8];
  size_t n;
  (void)state;
  ctix_error_clear(&err);
  ctix__error_set(&err, CTIX_EPARSE, "x\xFFy");
  assert_string_equal(err.message, "x?y");
  /* A message cut by the size limit inside a 2-byte character. */
  memset(big, 'a', sizeof(big));
  big[CTIX_ERROR_MSG_MAX - 2] = (char)0xC3;
  big[CTIX_ERROR_MSG_MAX - 1] = (char)0xA9;
  big[sizeof(big) - 1] = '\0';
  ctix_error_clear(&err);
  ctix__error_set(&err, CTIX_EPARSE, "%s", big);
  n = strlen(err.message);
  assert_int_equal(n, CTIX_ERROR_MSG_MAX - 1);
  assert_int_equal(ctix__utf8_validate(err.message, n), n);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_first_wins),
    cmocka_unit_test(test_controls_flattened),
    cmocka_unit_test(test_invalid_and_cut_utf8),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
