/*
 * Unit tests of UTF-8 handling (src/util/utf8.c): decoding of valid and
 * invalid sequences (overlong forms, surrogates, code points above
 * U+10FFFF, stray continuation bytes, sequences truncated at the end),
 * validation offsets, repair that replaces and counts every invalid byte,
 * encode/decode round trips, and code point counting.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "util/utf8.h"

typedef struct seq {
  const char *bytes;
  size_t len;
  uint32_t cp; /* expected code point when valid */
} seq;

#define S(lit, cp) {lit, sizeof(lit) - 1, cp}

static const seq valid[] = {
  S("\x00", 0x0),
  S("A", 0x41),
  S("\x7F", 0x7F),
  S("\xC2\x80", 0x80),
  S("\xC3\xA9", 0xE9),
  S("\xDF\xBF", 0x7FF),
  S("\xE0\xA0\x80", 0x800),
  S("\xE2\x80\xA6", 0x2026),
  S("\xED\x9F\xBF", 0xD7FF),
  S("\xEE\x80\x80", 0xE000),
  S("\xEF\xBF\xBD", 0xFFFD),
  S("\xEF\xBF\xBF", 0xFFFF),
  S("\xF0\x90\x80\x80", 0x10000),
  S("\xF0\x9F\x98\x80", 0x1F600),
  S("\xF4\x8F\xBF\xBF", 0x10FFFF),
};

/* Sequences invalid at their first byte. */
static const seq invalid[] = {
  S("\x80", 0),                 /* stray continuation */
  S("\xBF", 0),
  S("\xC0\x80", 0),             /* overlong NUL */
  S("\xC1\xBF", 0),             /* overlong U+007F */
  S("\xE0\x80\x80", 0),         /* overlong */
  S("\xE0\x9F\xBF", 0),         /* overlong U+07FF */
  S("\xF0\x80\x80\x80", 0),     /* overlong */
  S("\xF0\x8F\xBF\xBF", 0),     /* overlong U+FFFF */
  S("\xED\xA0\x80", 0),         /* surrogate U+D800 */
  S("\xED\xBF\xBF", 0),         /* surrogate U+DFFF */
  S("\xF4\x90\x80\x80", 0),     /* U+110000 */
  S("\xF5\x80\x80\x80", 0),     /* lead byte beyond U+10FFFF */
  S("\xF7\xBF\xBF\xBF", 0),
  S("\xF8\x88\x80\x80\x80", 0), /* old 5-byte form */
  S("\xFC\x84\x80\x80\x80\x80", 0),
  S("\xFE", 0),
  S("\xFF", 0),
  S("\xC3\x28", 0),             /* bad continuation */
  S("\xE2\x28\xA1", 0),
  S("\xE2\x82\x28", 0),
  S("\xF0\x28\x8C\xBC", 0),
  S("\xF0\x90\x28\xBC", 0),
  S("\xF0\x90\x8C\x28", 0),
  S("\xC3", 0),                 /* truncated at the end */
  S("\xE2\x82", 0),
  S("\xE2", 0),
  S("\xF0\x9F\x98", 0),
  S("\xF0\x9F", 0),
};

static void test_decode_valid(void **state)
{
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
    uint32_t cp = 0xDEADBEEF;
    size_t k = ctix__utf8_decode((const unsigned char *)valid[i].bytes, valid[i].len, &cp);
    assert_int_equal(k, valid[i].len);
    assert_int_equal(cp, valid[i].cp);
    /* Extra bytes after the sequence do not matter. */
    {
      unsigned char buf[8];
      memcpy(buf, valid[i].bytes, valid[i].len);
      buf[valid[i].len] = 0x80;
      assert_int_equal(ctix__utf8_decode(buf, valid[i].len + 1, &cp), valid[i].len);
    }
  }
}

static void test_decode_invalid(void **state)
{
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
    uint32_t cp;
    if (ctix__utf8_decode((const unsigned char *)invalid[i].bytes, invalid[i].len, &cp) != 0)
      fail_msg("invalid sequence %zu accepted", i);
    /* The length argument is honoured: a valid sequence cut short fails. */
  }
  {
    uint32_t cp;
    assert_int_equal(ctix__utf8_decode((const unsigned char *)"\xE2\x80\xA6", 2, &cp), 0);
    assert_int_equal(ctix__utf8_decode((const unsigned char *)"\xF0\x9F\x98\x80", 3, &cp), 0);
  }
}

/* Every 2- and 3-byte sequence: accepted exactly when it is the shortest
 * form of a non-surrogate code point. */
static void test_decode_exhaustive(void **state)
{
  unsigned b0, b1, b2;
  (void)state;
  for (b0 = 0x80; b0 <= 0xFF; b0++)
    for (b1 = 0; b1 <= 0xFF; b1++) {
      unsigned char s[2] = {(unsigned char)b0, (unsigned char)b1};
      uint32_t cp;
      size_t k = ctix__utf8_decode(s, 2, &cp);
      int cont = (b1 & 0xC0) == 0x80;
      uint32_t want = ((b0 & 0x1F) << 6) | (b1 & 0x3F);
      int ok = b0 >= 0xC0 && b0 <= 0xDF && cont && want >= 0x80;
      assert_int_equal(k, ok ? 2 : 0);
      if (ok)
        assert_int_equal(cp, want);
    }
  for (b0 = 0xE0; b0 <= 0xEF; b0++)
    for (b1 = 0; b1 <= 0xFF; b1++)
      for (b2 = 0; b2 <= 0xFF; b2++) {
        unsigned char s[3] = {(unsigned char)b0, (unsigned char)b1, (unsigned char)b2};
        uint32_t cp;
        size_t k = ctix__utf8_decode(s, 3, &cp);
        int cont = (b1 & 0xC0) == 0x80 && (b2 & 0xC0) == 0x80;
        uint32_t want = ((b0 & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F);
        int ok = cont && want >= 0x800 && (want < 0xD800 || want > 0xDFFF);
        if (k != (ok ? 3u : 0u))
          fail_msg("%02X %02X %02X: decode gave %zu", b0, b1, b2, k);
        if (ok && cp != want)
          fail_msg("%02X %02X %02X: code point %X", b0, b1, b2, (unsigned)cp);
      }
}

static void test_roundtrip(void **state)
{
  static const uint32_t edges[] = {0,      0x7F,   0x80,    0x7FF,   0x800,
                                   0xD7FF, 0xE000, 0xFFFD,  0xFFFF,  0x10000,
                                   0xFFFFF, 0x100000, 0x10FFFF};
  static const size_t lens[] = {1, 1, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 4};
  uint32_t cp;
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
    char out[4];
    uint32_t back = 0;
    size_t k = ctix__utf8_encode(edges[i], out);
    assert_int_equal(k, lens[i]);
    assert_int_equal(ctix__utf8_decode((const unsigned char *)out, k, &back), k);
    assert_int_equal(back, edges[i]);
  }
  /* Every scalar value survives encode then decode, and validates. */
  for (cp = 0; cp <= 0x10FFFF; cp++) {
    char out[4];
    uint32_t back;
    size_t k;
    if (cp >= 0xD800 && cp <= 0xDFFF)
      continue;
    k = ctix__utf8_encode(cp, out);
    if (ctix__utf8_decode((const unsigned char *)out, k, &back) != k || back != cp)
      fail_msg("U+%04X does not round-trip", (unsigned)cp);
    if (ctix__utf8_validate(out, k) != k)
      fail_msg("U+%04X encoding does not validate", (unsigned)cp);
  }
}

static void test_validate(void **state)
{
  static const char mixed[] = "IOC: evil.com \xE2\x80\x94 caf\xC3\xA9 \xF0\x9F\x98\x80 ok";
  char longer[200];
  size_t i;
  (void)state;
  assert_int_equal(ctix__utf8_validate("", 0), 0);
  assert_int_equal(ctix__utf8_validate(mixed, sizeof(mixed) - 1), sizeof(mixed) - 1);
  assert_int_equal(ctix__utf8_validate("abc\x80", 4), 3);
  assert_int_equal(ctix__utf8_validate("abc\xE2\x82", 5), 3);
  assert_int_equal(ctix__utf8_validate("\xC3\xA9\xED\xA0\x80", 5), 2);
  /* The first bad byte is found at every offset, including past the
   * eight-byte ASCII fast path. */
  for (i = 0; i < sizeof(longer); i++) {
    memset(longer, 'a', sizeof(longer));
    longer[i] = (char)0xFF;
    assert_int_equal(ctix__utf8_validate(longer, sizeof(longer)), i);
  }
  for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
    assert_int_equal(ctix__utf8_validate(invalid[i].bytes, invalid[i].len), 0);
}

/* Repairs s[0..n) into a fresh buffer; returns the count of replacements. */
static size_t repair(ctix_buf *out, const char *s, size_t n)
{
  size_t replaced = 0;
  ctix__buf_reset(out);
  assert_int_equal(ctix__utf8_repair(out, s, n, &replaced), 0);
  assert_int_equal(ctix__utf8_validate(out->data, out->len), out->len);
  return replaced;
}

#define FFFD "\xEF\xBF\xBD"

static void test_repair(void **state)
{
  ctix_buf b = CTIX_BUF_INIT(1u << 20);
  size_t i;
  (void)state;
  /* Valid text is copied unchanged. */
  assert_int_equal(repair(&b, "plain \xC3\xA9 text", 13), 0);
  assert_string_equal(b.data, "plain \xC3\xA9 text");
  /* One U+FFFD per invalid byte, each counted. */
  assert_int_equal(repair(&b, "a\xC0\x80z", 4), 2);
  assert_string_equal(b.data, "a" FFFD FFFD "z");
  assert_int_equal(repair(&b, "x\xED\xA0\x80y", 5), 3);
  assert_string_equal(b.data, "x" FFFD FFFD FFFD "y");
  assert_int_equal(repair(&b, "\xF4\x90\x80\x80", 4), 4);
  assert_int_equal(b.len, 12);
  /* Truncated at the end: nothing dropped. */
  assert_int_equal(repair(&b, "end\xE2\x82", 5), 2);
  assert_string_equal(b.data, "end" FFFD FFFD);
  assert_int_equal(repair(&b, "\xF0\x9F\x98", 3), 3);
  /* A bad continuation costs only the lead byte; the ASCII after it stays. */
  assert_int_equal(repair(&b, "\xC3(", 2), 1);
  assert_string_equal(b.data, FFFD "(");
  /* Valid sequences right after invalid bytes are kept. */
  assert_int_equal(repair(&b, "\xFF\xE2\x80\xA6\xFE", 5), 2);
  assert_string_equal(b.data, FFFD "\xE2\x80\xA6" FFFD);
  /* Every invalid case: at least one replacement, text still valid. */
  for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
    assert_true(repair(&b, invalid[i].bytes, invalid[i].len) >= 1);
  /* All 128 high bytes alone: each replaced. */
  for (i = 0x80; i <= 0xFF; i++) {
    char c = (char)i;
    assert_int_equal(repair(&b, &c, 1), 1);
    assert_string_equal(b.data, FFFD);
  }
  /* Appends after existing content; the count accumulates; NULL count ok. */
  {
    size_t replaced = 5;
    ctix__buf_reset(&b);
    ctix__buf_adds(&b, "pre:");
    assert_int_equal(ctix__utf8_repair(&b, "\x80ok", 3, &replaced), 0);
    assert_string_equal(b.data, "pre:" FFFD "ok");
    assert_int_equal(replaced, 6);
    assert_int_equal(ctix__utf8_repair(&b, "\x80", 1, NULL), 0);
    assert_int_equal(ctix__utf8_repair(&b, "", 0, &replaced), 0);
    assert_string_equal(b.data, "pre:" FFFD "ok" FFFD);
  }
  ctix__buf_free(&b);
}

/* The buffer's size limit surfaces from repair as its sticky error. */
static void test_repair_limit(void **state)
{
  ctix_buf b = CTIX_BUF_INIT(5);
  size_t replaced = 0;
  (void)state;
  assert_int_equal(ctix__utf8_repair(&b, "\xFF\xFF", 2, &replaced), CTIX_ETOOBIG);
  assert_int_equal(b.err, CTIX_ETOOBIG);
  ctix__buf_free(&b);
}

static void test_count(void **state)
{
  (void)state;
  assert_int_equal(ctix__utf8_count("", 0), 0);
  assert_int_equal(ctix__utf8_count("abc", 3), 3);
  assert_int_equal(ctix__utf8_count("caf\xC3\xA9", 5), 4);
  assert_int_equal(ctix__utf8_count("\xE2\x80\xA6\xF0\x9F\x98\x80", 7), 2);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_decode_valid),
    cmocka_unit_test(test_decode_invalid),
    cmocka_unit_test(test_decode_exhaustive),
    cmocka_unit_test(test_roundtrip),
    cmocka_unit_test(test_validate),
    cmocka_unit_test(test_repair),
    cmocka_unit_test(test_repair_limit),
    cmocka_unit_test(test_count),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
