/*
 * Unit tests of the hash recognizers (src/lib/ioc/hash.c): every digest
 * length, lower-casing, hashes glued to words ("words<md5>words",
 * "<md5>hash") against long hex runs that are not two hashes, numbers and
 * low-entropy words, the context-typed imphash / authentihash / JA3 /
 * JA3S (the look-back at every distance, vector test and byte loop), and
 * ssdeep with its block-size rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "ioc/coin.h"
#include "ioc/scan.h"
#include "ioc_test.h"

/* Digests of "ctix types test" and friends (made with Python's hashlib). */
#define MD5 "7ca7b2a1f4a5fc015d10619a5ba6f05c"
#define SHA1 "2d39af2b90f12c957569a0ee92507365f8a084c1"
#define SHA224 "a79fcfb082613686f7b6be54449c1de834e7a43c29b339a25f0c799a"
#define SHA256 "45221a92f3fc98a75c7a42d181bd3dff47dd59f77c5d027acf1c83674290157b"
#define SHA384                                                                            \
  "10d11216f5bd455c2d62f437cd3dac66a2976cab12160a03df9a4db64295f1c7f833475617c0cb7fd8f08" \
  "0e8a7d5ed5f"
#define SHA512                                                                            \
  "f0d84ca7055678cf13dbbd6348dd627e91d98e3ce545d36f4016a880a2c715172997ffec42703c3888eb7" \
  "d77a32e3b4be6fb1446b1a32fa843ab83663e1998fe"
#define IMPHASH "dbf46c554de79961bbee77c09d253246"
#define AUTHENTI "459bcfe3c5a48f6848dc9d850748abb2b1f388d078317b13e904fee1cb628a6e"
#define JA3 "9b86181653fd54c587068904fcb93417"

static void test_lengths(void **state)
{
  EXPECT_IOC("dropper " MD5 " seen", CTIX_IOC_MD5, MD5);
  EXPECT_IOC("dropper " SHA1 " seen", CTIX_IOC_SHA1, SHA1);
  EXPECT_IOC("dropper " SHA224 " seen", CTIX_IOC_SHA224, SHA224);
  EXPECT_IOC("dropper " SHA256 " seen", CTIX_IOC_SHA256, SHA256);
  EXPECT_IOC("dropper " SHA384 " seen", CTIX_IOC_SHA384, SHA384);
  EXPECT_IOC("dropper " SHA512 " seen", CTIX_IOC_SHA512, SHA512);
  /* a sha256 is one value, not an md5 and junk */
  EXPECT_NONE(SHA256, CTIX_IOC_MD5);
  EXPECT_NONE(SHA512, CTIX_IOC_SHA256);
  /* 34, 33 and 31 hex digits are no hash */
  expect_nothing("x " MD5 "ab y", CTIX_IOC_MD5);
  expect_nothing("x " MD5 "a y", CTIX_IOC_MD5);
  expect_nothing("x 7ca7b2a1f4a5fc015d10619a5ba6f05 y", CTIX_IOC_MD5);
}

static void test_case_and_punctuation(void **state)
{
  EXPECT_IOC("MD5: 7CA7B2A1F4A5FC015D10619A5BA6F05C.", CTIX_IOC_MD5, MD5);
  EXPECT_IOC("(" SHA1 ")", CTIX_IOC_SHA1, SHA1);
  EXPECT_IOC("\"" SHA256 "\",", CTIX_IOC_SHA256, SHA256);
  EXPECT_IOC("sha256=" SHA256, CTIX_IOC_SHA256, SHA256);
  EXPECT_IOC("|" MD5 "|", CTIX_IOC_MD5, MD5);
  /* a hash file name: the hash, and the token stays for file names */
  EXPECT_IOC("ran " SHA256 ".exe twice", CTIX_IOC_SHA256, SHA256);
}

static void test_glued(void **state)
{
  EXPECT_IOC("sampling" MD5 "payload", CTIX_IOC_MD5, MD5);
  /* a word ending in a hex letter makes the run 33 digits long: nothing */
  EXPECT_NONE("sample" MD5 "payload", CTIX_IOC_MD5);
  EXPECT_IOC(MD5 "hash -x", CTIX_IOC_MD5, MD5);
  EXPECT_IOC("--digest=" SHA1 "hash", CTIX_IOC_SHA1, SHA1);
  EXPECT_IOC("prefix_" SHA256 "_suffix", CTIX_IOC_SHA256, SHA256);
  /* two hashes in one token */
  expect_count(MD5 ":" SHA1, CTIX_IOC_MD5, 1);
  expect_count(MD5 ":" SHA1, CTIX_IOC_SHA1, 1);
  /* a word ending in 32 hex letters without a digit is a word */
  EXPECT_NONE("a testaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", CTIX_IOC_MD5);
  EXPECT_NONE("a bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbword", CTIX_IOC_MD5);
  /* but standing alone it is a (degenerate) md5 */
  EXPECT_IOC("hash bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb here", CTIX_IOC_MD5,
             "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
}

static void test_numbers(void **state)
{
  EXPECT_NONE("id 12345678901234567890123456789012 ok", CTIX_IOC_MD5);
  EXPECT_NONE("n=1234567890123456789012345678901234567890", CTIX_IOC_SHA1);
}

static void test_context_types(void **state)
{
  /* the fast lookup tables agree with the keyword table */
  assert_true(ctix__ioc_hash_tables_ok());
  EXPECT_IOC("imphash " IMPHASH, CTIX_IOC_IMPHASH, IMPHASH);
  EXPECT_NONE("imphash " IMPHASH, CTIX_IOC_MD5);
  EXPECT_IOC("Import Hash: " IMPHASH, CTIX_IOC_IMPHASH, IMPHASH);
  EXPECT_IOC("The import hash\n" IMPHASH, CTIX_IOC_IMPHASH, IMPHASH);
  EXPECT_IOC("Imphash\n\n" IMPHASH, CTIX_IOC_IMPHASH, IMPHASH);
  EXPECT_IOC("imphash of the dropper is " IMPHASH, CTIX_IOC_IMPHASH, IMPHASH);
  EXPECT_IOC("authentihash - " AUTHENTI, CTIX_IOC_AUTHENTIHASH, AUTHENTI);
  EXPECT_IOC("AUTHENTIHASH-" AUTHENTI, CTIX_IOC_AUTHENTIHASH, AUTHENTI);
  EXPECT_IOC("JA3: " JA3, CTIX_IOC_JA3, JA3);
  EXPECT_IOC("ja3_hash=" JA3, CTIX_IOC_JA3, JA3);
  EXPECT_IOC("JA3S fingerprint " JA3, CTIX_IOC_JA3S, JA3);
  /* the keyword must fit the length */
  EXPECT_IOC("imphash " SHA256, CTIX_IOC_SHA256, SHA256);
  EXPECT_IOC("authentihash " MD5, CTIX_IOC_MD5, MD5);
  /* an algorithm name in between wins; a value in between stops */
  EXPECT_IOC("imphash " IMPHASH " md5 " MD5, CTIX_IOC_MD5, MD5);
  EXPECT_IOC("imphash " IMPHASH " " MD5, CTIX_IOC_MD5, MD5);
  /* not across a sentence, not from far away */
  EXPECT_IOC("We list the imphash. " MD5, CTIX_IOC_MD5, MD5);
  EXPECT_IOC("imphash values are useful for clustering samples of one family " MD5,
             CTIX_IOC_MD5, MD5);
  /* a plain word "hash" types nothing */
  EXPECT_IOC("hash " MD5, CTIX_IOC_MD5, MD5);
}

/* The type of the only hash of `text`, extracted with the vector paths
 * (scalar false) or the byte loops; CTIX_IOC_TYPE_COUNT when none. */
static int hash_type(const char *text, bool scalar)
{
  ctix_ioc_list *l;
  int type = CTIX_IOC_TYPE_COUNT;
  size_t i;
  ctix__ioc_force_scalar = scalar;
  l = ioc_run(text);
  ctix__ioc_force_scalar = false;
  for (i = 0; i < l->nitems; i++)
    if (l->items[i].type != CTIX_IOC_DOMAIN)
      type = l->items[i].type;
  ctix_ioc_list_free(l);
  return type;
}

/* The look-back for a typing keyword, with the keyword 0-56 bytes before
 * the hash (across the 16-byte steps of its vector test and the end of
 * its span), in any case: the vector test and the byte loop agree, a
 * near keyword types the hash and a far one leaves it plain. */
static void test_context_distance(void **state)
{
  static const struct {
    const char *word;
    const char *hash;
    ctix_ioc_type type, plain;
  } cases[] = {
      {"imphash", "0123456789abcdef0123456789abcdef", CTIX_IOC_IMPHASH, CTIX_IOC_MD5},
      {"JA3s", "fedcba9876543210fedcba9876543210", CTIX_IOC_JA3S, CTIX_IOC_MD5},
      {"AuthentiHash",
       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
       CTIX_IOC_AUTHENTIHASH, CTIX_IOC_SHA256},
  };
  char text[256];
  size_t c, gap;
  (void)state;
  for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
    for (gap = 1; gap <= 56; gap++) {
      int vec, byte;
      /* a long lead, so the look-back span ends inside the text */
      size_t n = (size_t)snprintf(text, sizeof(text),
                                  "Seen by many teams in several weeks of the campaign, the %s",
                                  cases[c].word);
      memset(text + n, ' ', gap);
      snprintf(text + n + gap, sizeof(text) - n - gap, "%s was seen.", cases[c].hash);
      vec = hash_type(text, false);
      byte = hash_type(text, true);
      if (vec != byte)
        fail_msg("%s, gap %zu: vector %d, bytes %d", cases[c].word, gap, vec, byte);
      if (gap <= 24 && vec != (int)cases[c].type)
        fail_msg("%s, gap %zu: not typed (%d)", cases[c].word, gap, vec);
      if (gap >= 48 && vec != (int)cases[c].plain)
        fail_msg("%s, gap %zu: typed from too far (%d)", cases[c].word, gap, vec);
    }
}

static void test_ssdeep(void **state)
{
  static const char v1[] = "3072:kXgWxq0Vp9tTJuG3LzHJ7w+Pa1oRfE2sN/d5yUqrC8b:kXgW0Vp9tT3LzHJ7w+PaRfE2s";
  static const char v2[] = "24:Qw3eR5tY7uI9oP:Qw3eR5t";
  char buf[256];

  EXPECT_IOC(v1, CTIX_IOC_SSDEEP, v1);
  snprintf(buf, sizeof(buf), "ssdeep %s,\"sample.bin\" next", v1);
  EXPECT_IOC(buf, CTIX_IOC_SSDEEP, v1);
  snprintf(buf, sizeof(buf), "%s,001/002/000000042 next", v1);
  EXPECT_IOC(buf, CTIX_IOC_SSDEEP, v1);
  snprintf(buf, sizeof(buf), "ssdeep: %s", v2);
  EXPECT_IOC(buf, CTIX_IOC_SSDEEP, v2);
  /* block sizes are 3 * 2^k */
  EXPECT_REJECTED("1000:kXgWxq0Vp9tTJuG3LzHJ7w:kXgW0Vp9", CTIX_IOC_SSDEEP,
                  "1000:kXgWxq0Vp9tTJuG3LzHJ7w:kXgW0Vp9");
  /* times, ratios and IPv6 are not ssdeep */
  expect_nothing("at 12:30:45 UTC", CTIX_IOC_SSDEEP);
  expect_nothing("ratio 3:1:2", CTIX_IOC_SSDEEP);
  expect_nothing("host 2001:db8:85a3::8a2e:370:7334", CTIX_IOC_SSDEEP);
  expect_nothing("mac 00:1a:2b:3c:4d:5e", CTIX_IOC_SSDEEP);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lengths),       cmocka_unit_test(test_case_and_punctuation),
      cmocka_unit_test(test_glued),         cmocka_unit_test(test_numbers),
      cmocka_unit_test(test_context_types), cmocka_unit_test(test_ssdeep),
      cmocka_unit_test(test_context_distance),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
