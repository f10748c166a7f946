/*
 * Unit tests of the string helpers (src/util/str.h, str.c): size parsing
 * with suffixes and overflow, strlcpy truncation, ASCII case-insensitive
 * comparison and search, trimming, and the locale-independent character
 * classes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ctix/error.h"
#include "util/str.h"

static int parse(uint64_t *v, const char *s)
{
  return ctix__parse_size(v, s, strlen(s));
}

static void test_parse_size_ok(void **state)
{
  static const struct {
    const char *in;
    uint64_t want;
  } ok[] = {
    {"0", 0},
    {"7", 7},
    {"0042", 42},
    {"52428800", 52428800},
    {"10k", 10240},
    {"10K", 10240},
    {"10kb", 10240},
    {"10KB", 10240},
    {"50m", 50ull << 20},
    {"50MB", 50ull << 20},
    {"2g", 2ull << 30},
    {"2Gb", 2ull << 30},
    {"18446744073709551615", UINT64_MAX},
    {"17179869183g", 17179869183ull << 30},
    {"17592186044415m", 17592186044415ull << 20},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
    uint64_t v = 12345;
    if (parse(&v, ok[i].in) != 0 || v != ok[i].want)
      fail_msg("\"%s\" parsed wrong", ok[i].in);
  }
}

static void test_parse_size_bad(void **state)
{
  static const char *const bad[] = {
    "",        "k",       "-1",       "+1",      " 1",    "1 ",     "1.5m",  "1t",
    "1kk",     "1kbb",    "1kx",      "0x10",    "1e3",   "abc",
    "18446744073709551616",          /* UINT64_MAX + 1 */
    "99999999999999999999999",       /* far over */
    "17179869184g",                  /* 2^34 GiB = 2^64 */
    "17592186044416m",               /* 2^44 MiB = 2^64 */
    "18014398509481984k",            /* 2^54 KiB = 2^64 */
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    uint64_t v = 777;
    if (parse(&v, bad[i]) != CTIX_EINVAL)
      fail_msg("\"%s\" accepted", bad[i]);
    if (v != 777)
      fail_msg("\"%s\": output written on failure", bad[i]);
  }
}

/* Only the n bytes given are read. */
static void test_parse_size_length(void **state)
{
  uint64_t v = 0;
  (void)state;
  assert_int_equal(ctix__parse_size(&v, "123456", 3), 0);
  assert_int_equal(v, 123);
  assert_int_equal(ctix__parse_size(&v, "4kZZZ", 2), 0);
  assert_int_equal(v, 4096);
  assert_int_equal(ctix__parse_size(&v, "4kZZZ", 3), CTIX_EINVAL);
  assert_int_equal(ctix__parse_size(&v, "9", 0), CTIX_EINVAL);
}

static void test_strlcpy(void **state)
{
  char dst[8];
  (void)state;
  memset(dst, 'X', sizeof(dst));
  assert_false(ctix__strlcpy(dst, "abc", sizeof(dst)));
  assert_string_equal(dst, "abc");
  /* size - 1 characters fit exactly. */
  assert_false(ctix__strlcpy(dst, "1234567", sizeof(dst)));
  assert_string_equal(dst, "1234567");
  /* One more is truncated, still terminated. */
  assert_true(ctix__strlcpy(dst, "12345678", sizeof(dst)));
  assert_string_equal(dst, "1234567");
  assert_true(ctix__strlcpy(dst, "a much longer source string", sizeof(dst)));
  assert_string_equal(dst, "a much ");
  assert_false(ctix__strlcpy(dst, "", sizeof(dst)));
  assert_string_equal(dst, "");
  assert_true(ctix__strlcpy(dst, "x", 1));
  assert_string_equal(dst, "");
  assert_false(ctix__strlcpy(dst, "", 1));
}

static void test_mem_ieq(void **state)
{
  (void)state;
  assert_true(ctix__mem_ieq("HTML", 4, "html"));
  assert_true(ctix__mem_ieq("Markdown", 8, "markDOWN"));
  assert_true(ctix__mem_ieq("", 0, ""));
  assert_false(ctix__mem_ieq("htm", 3, "html"));
  assert_false(ctix__mem_ieq("html5", 5, "html"));
  assert_false(ctix__mem_ieq("htmx", 4, "html"));
  /* Only n bytes count: the rest of s is ignored. */
  assert_true(ctix__mem_ieq("pdf-extra", 3, "PDF"));
  /* Non-letters are not folded: '@' (0x40) is not '`' (0x60). */
  assert_false(ctix__mem_ieq("@", 1, "`"));
  assert_false(ctix__mem_ieq("[", 1, "{"));
}

static void test_mem_istarts(void **state)
{
  (void)state;
  assert_true(ctix__mem_istarts("HXXP://evil", 11, "hxxp://"));
  assert_true(ctix__mem_istarts("abc", 3, ""));
  assert_true(ctix__mem_istarts("abc", 3, "ABC"));
  assert_false(ctix__mem_istarts("ab", 2, "abc"));
  /* The prefix must lie within the n bytes. */
  assert_false(ctix__mem_istarts("abcdef", 2, "abc"));
  assert_false(ctix__mem_istarts("xabc", 4, "abc"));
}

static void test_mem_ifind(void **state)
{
  static const char hay[] = "Threat actors used Cobalt STRIKE beacons; cobalt strike again";
  size_t n = sizeof(hay) - 1;
  (void)state;
  assert_ptr_equal(ctix__mem_ifind(hay, n, "cobalt strike"), hay + 19);
  assert_ptr_equal(ctix__mem_ifind(hay, n, "THREAT"), hay);
  assert_ptr_equal(ctix__mem_ifind(hay, n, "AGAIN"), hay + n - 5);
  assert_ptr_equal(ctix__mem_ifind(hay, n, "; C"), hay + 40);
  assert_null(ctix__mem_ifind(hay, n, "mimikatz"));
  assert_ptr_equal(ctix__mem_ifind(hay, n, ""), hay);
  assert_null(ctix__mem_ifind("abc", 3, "abcd"));
  assert_null(ctix__mem_ifind("", 0, "a"));
  /* The search stays inside the n bytes. */
  assert_null(ctix__mem_ifind(hay, 20, "cobalt"));
  assert_null(ctix__mem_ifind(hay, 24, "cobalt"));
  assert_ptr_equal(ctix__mem_ifind(hay, 25, "cobalt"), hay + 19);
  /* Repeated prefixes do not hide a match. */
  {
    static const char rep[] = "aaab";
    assert_ptr_equal(ctix__mem_ifind(rep, 4, "AAB"), rep + 1);
  }
}

static void test_trim(void **state)
{
  const char *s;
  size_t n;
  (void)state;
  n = 15;
  s = ctix__trim("  \t evil.com\r\n ", &n);
  assert_int_equal(n, 8);
  assert_memory_equal(s, "evil.com", 8);
  n = 3;
  s = ctix__trim("abc", &n);
  assert_int_equal(n, 3);
  assert_memory_equal(s, "abc", 3);
  n = 5;
  s = ctix__trim(" \n\t\v\f", &n);
  assert_int_equal(n, 0);
  n = 0;
  s = ctix__trim("", &n);
  assert_int_equal(n, 0);
  /* Inner white space stays; only n bytes are looked at. */
  n = 7;
  s = ctix__trim(" a  b  tail", &n);
  assert_int_equal(n, 4);
  assert_memory_equal(s, "a  b", 4);
  /* U+00A0 is not ASCII white space. */
  n = 4;
  s = ctix__trim("\xC2\xA0x ", &n);
  assert_int_equal(n, 3);
}

/* The classes match their ASCII definition for all 256 byte values. */
static void test_char_classes(void **state)
{
  int c;
  (void)state;
  for (c = 0; c < 256; c++) {
    int up = c >= 'A' && c <= 'Z', lo = c >= 'a' && c <= 'z', dig = c >= '0' && c <= '9';
    int space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    assert_int_equal(ctix__isupper(c), up);
    assert_int_equal(ctix__islower(c), lo);
    assert_int_equal(ctix__isdigit(c), dig);
    assert_int_equal(ctix__isalpha(c), up || lo);
    assert_int_equal(ctix__isalnum(c), up || lo || dig);
    assert_int_equal(ctix__isspace(c), space);
    assert_int_equal(ctix__lower(c), up ? c + 32 : c);
    assert_int_equal(ctix__upper(c), lo ? c - 32 : c);
  }
}

/* Tab-separated fields: trimmed, counted past the maximum, empty ones kept. */
static void test_split_tabs(void **state)
{
  ctix__field f[3];
  static const char line[] = " a \t\tb c\t d";
  (void)state;
  assert_int_equal(ctix__split_tabs(f, 3, line, sizeof(line) - 1), 4);
  assert_int_equal(f[0].n, 1);
  assert_memory_equal(f[0].s, "a", 1);
  assert_int_equal(f[1].n, 0);
  assert_int_equal(f[2].n, 3);
  assert_memory_equal(f[2].s, "b c", 3);
  assert_int_equal(ctix__split_tabs(f, 3, "x", 1), 1);
  assert_int_equal(ctix__split_tabs(f, 3, "", 0), 1);
  assert_int_equal(f[0].n, 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_parse_size_ok),
    cmocka_unit_test(test_parse_size_bad),
    cmocka_unit_test(test_parse_size_length),
    cmocka_unit_test(test_strlcpy),
    cmocka_unit_test(test_mem_ieq),
    cmocka_unit_test(test_mem_istarts),
    cmocka_unit_test(test_mem_ifind),
    cmocka_unit_test(test_trim),
    cmocka_unit_test(test_split_tabs),
    cmocka_unit_test(test_char_classes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
