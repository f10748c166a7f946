/*
 * Unit tests of the cryptocurrency recognizer (src/lib/ioc/coin.c) and the
 * encodings under it (base58.c, bech32.c, keccak.c): known-answer tests of
 * Keccak-256 and EIP-55, base58/base58check/Monero base58 decoding,
 * bech32/bech32m and CashAddr checksums, then one valid address per coin
 * (generated for these tests by encoding random payloads, or published
 * examples of the specifications) and its one-character corruption, which
 * must come out rejected with "bad checksum", not dropped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ioc/coin.h"
#include "ioc_test.h"

/* ---- encodings ---- */

static void hex_of(char *out, const uint8_t *p, size_t n)
{
  static const char digits[] = "0123456789abcdef";
  size_t i;
  for (i = 0; i < n; i++) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
  out[2 * n] = '\0';
}

static void test_keccak(void **state)
{
  uint8_t h[32];
  char hex[65];
  uint8_t block[200];

  ctix__keccak256(h, "", 0);
  hex_of(hex, h, 32);
  assert_string_equal(hex, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  /* more than one rate block (136 bytes) goes through the same code path
   * twice: hashing the same data must be deterministic and differ */
  memset(block, 'a', sizeof(block));
  ctix__keccak256(h, block, sizeof(block));
  hex_of(hex, h, 32);
  assert_string_not_equal(hex,
                          "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
}

static void test_eip55(void **state)
{
  /* the examples of the EIP-55 specification */
  assert_int_equal(ctix__eth_check("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", 42), 1);
  assert_int_equal(ctix__eth_check("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", 42), 1);
  assert_int_equal(ctix__eth_check("0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", 42), 1);
  assert_int_equal(ctix__eth_check("0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb", 42), 1);
  /* one letter's case flipped */
  assert_int_equal(ctix__eth_check("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", 42), 0);
  /* single case carries no checksum */
  assert_int_equal(ctix__eth_check("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", 42), 1);
  assert_int_equal(ctix__eth_check("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae", 41), -1);
  assert_int_equal(ctix__eth_check("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg", 42), -1);
}

static void test_base58(void **state)
{
  uint8_t out[CTIX__COIN_MAX_BYTES];
  char hex[2 * CTIX__COIN_MAX_BYTES + 1];
  int n;

  /* leading '1's are zero bytes; "2" is 1, "21" is 58 */
  n = ctix__b58_decode(out, sizeof(out), "112", 3, CTIX__B58_BITCOIN);
  assert_int_equal(n, 3);
  hex_of(hex, out, (size_t)n);
  assert_string_equal(hex, "000001");
  n = ctix__b58_decode(out, sizeof(out), "21", 2, CTIX__B58_BITCOIN);
  assert_int_equal(n, 1);
  assert_int_equal(out[0], 58);
  assert_int_equal(ctix__b58_decode(out, sizeof(out), "0OIl", 4, CTIX__B58_BITCOIN), -1);
  assert_int_equal(ctix__b58_decode(out, 1, "zzzz", 4, CTIX__B58_BITCOIN), -1);
  /* Ripple's zero digit is 'r' */
  n = ctix__b58_decode(out, sizeof(out), "rp", 2, CTIX__B58_RIPPLE);
  assert_int_equal(n, 2);
  assert_int_equal(out[0], 0);
  assert_int_equal(out[1], 1);
  /* base58check: the genesis block's address is version 0 */
  n = ctix__b58check_decode(out, sizeof(out), "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", 34,
                            CTIX__B58_BITCOIN);
  assert_int_equal(n, 21);
  assert_int_equal(out[0], 0);
  assert_int_equal(ctix__b58check_decode(out, sizeof(out), "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",
                                         34, CTIX__B58_BITCOIN),
                   -2);
  /* Monero blocks: 11 characters per 8 bytes, 7 characters for 5 */
  n = ctix__b58_monero_decode(out, sizeof(out), "11111111111", 11);
  assert_int_equal(n, 8);
  assert_int_equal(ctix__b58_monero_decode(out, sizeof(out), "1111", 4), -1);
  /* an 11-character block above 2^64 */
  assert_int_equal(ctix__b58_monero_decode(out, sizeof(out), "zzzzzzzzzzz", 11), -1);
}

static void test_bech32(void **state)
{
  char hrp[16];
  uint8_t data[128], prog[64];
  size_t nd;
  static const char v0[] = "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"; /* BIP-173 */
  static const char v1[] = "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0";

  assert_int_equal(ctix__bech32_decode(hrp, sizeof(hrp), data, sizeof(data), &nd, v0,
                                       strlen(v0), 90),
                   CTIX__BECH32);
  assert_string_equal(hrp, "bc");
  assert_int_equal(data[0], 0);
  assert_int_equal(ctix__convert_bits(prog, sizeof(prog), data + 1, nd - 1, 5, 8, false), 20);
  assert_int_equal(ctix__bech32_decode(hrp, sizeof(hrp), data, sizeof(data), &nd, v1,
                                       strlen(v1), 90),
                   CTIX__BECH32M);
  /* a flipped character, mixed case, no separator, too long */
  assert_int_equal(ctix__bech32_decode(hrp, sizeof(hrp), data, sizeof(data), &nd,
                                       "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T5", 42, 90),
                   CTIX__BECH32_BADSUM);
  assert_int_equal(ctix__bech32_decode(hrp, sizeof(hrp), data, sizeof(data), &nd,
                                       "bc1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", 42, 90),
                   CTIX__BECH32_SHAPE);
  assert_int_equal(ctix__bech32_decode(hrp, sizeof(hrp), data, sizeof(data), &nd,
                                       "bcqw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", 41, 90),
                   CTIX__BECH32_SHAPE);
  assert_int_equal(ctix__bech32_decode(hrp, sizeof(hrp), data, sizeof(data), &nd, v1,
                                       strlen(v1), 40),
                   CTIX__BECH32_SHAPE);
  /* CashAddr: the specification's example, with and without prefix */
  assert_int_equal(ctix__cashaddr_check("bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
                                        54),
                   CTIX__BECH32);
  assert_int_equal(ctix__cashaddr_check("qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a", 42),
                   CTIX__BECH32);
  assert_int_equal(ctix__cashaddr_check("qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6q", 42),
                   CTIX__BECH32_BADSUM);
  assert_int_equal(ctix__cashaddr_check("bitcoin:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a", 50),
                   CTIX__BECH32_SHAPE);
}

/* ---- one address per coin ---- */

typedef struct coin_case {
  const char *addr;
  ctix_ioc_type type;
} coin_case;

/* Valid addresses: payloads chosen at random for these tests and encoded
 * by an independent script (plus the Monero General Fund's published
 * donation address for the Keccak checksum). */
static const coin_case valid_coins[] = {
    {"1M9G4ToMNn4JUa8NhFjVTcoysNxRaaAzsU", CTIX_IOC_BTC},
    {"3HQyEv1eErLowD2ZWvLCwrz8yhrZxjkwUm", CTIX_IOC_BTC},
    {"bc1qzgn38yjl6gvsd0msmsh526pnkx8d52esl85jpz", CTIX_IOC_BTC},
    {"bc1q6hsgny0mw9nj9kn6r803e5pauls58qrxknyql36wu43eeu0pdshsu9tytp", CTIX_IOC_BTC},
    {"bc1pmhqv9s6qcgssfj0f5els548ww68xv2kly8ezg5hgdm72uw9f8pds93w9k4", CTIX_IOC_BTC},
    {"bitcoincash:qpeq24sr4pqy20z7wpeq65rutal40hpr956h9zdh5s", CTIX_IOC_BCH},
    {"qpeq24sr4pqy20z7wpeq65rutal40hpr956h9zdh5s", CTIX_IOC_BCH},
    {"LVd4McXMNqUQYvEZkJ2vTVQ7qFA1nUD4xk", CTIX_IOC_LTC},
    {"MBm4kWfWepJdavbJEqKniyEMYLwXXpTb1A", CTIX_IOC_LTC},
    {"ltc1q94edg9t4dkuz8d63zthp0lfq5udnuwfrtgcsg4", CTIX_IOC_LTC},
    {"DGNwopo4LLVuqZP3JA9nYBAE3uJ5PLAfXx", CTIX_IOC_DOGE},
    {"XkQD1a9W6JGMfjdi3VjHCv2616vfs3mVV3", CTIX_IOC_DASH},
    {"TCHdHa3knZnadj17xrPtSf32jfBwANsPgF", CTIX_IOC_TRX},
    {"t1NyJPrwJ5UGaXZmSNmGMnQATEc94niCRDo", CTIX_IOC_ZEC},
    {"tz1X1wCwosSKHnKnKEcqoZXjzZh2DzKZx2Zc", CTIX_IOC_XTZ},
    {"KT1UZgiJrRQuM11RJUSzQ4SFPvmA9SMTkwVZ", CTIX_IOC_XTZ},
    {"rEKNxF4wU6kPNpF8xJA7hXyq4zWHy7FbkQ", CTIX_IOC_XRP},
    {"addr1qxw7qq2n7jgvr9r7q45x2fdt6tj28z8rm3pcwr5nwxkcyahzzc9djfn4xd802sjyxjkk7m60sqpr63t05u0e"
     "g79vcrfq6s20vw",
     CTIX_IOC_ADA},
    {"Ae2tdPwUPEYyzeHuPNoct8x9B13wB5PaRyPNfpfmmbb8LvrqktV6ePJ67Xy", CTIX_IOC_ADA},
    {"GDSKWFXGUKWEJEGSJVZQNWHNAVDZME6QX75GAHRNIXWYMIERV4URO4WN", CTIX_IOC_XLM},
    {"44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RV"
     "GQBEP3A",
     CTIX_IOC_XMR},
    {"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", CTIX_IOC_ETH},
};

/* Changes the last character to another of the same class. */
static void corrupt(char *s)
{
  size_t n = strlen(s);
  char *c = &s[n - 1];
  if (*c >= '2' && *c <= '8')
    (*c)++;
  else if (*c == '9')
    *c = '8';
  else if (*c >= 'a' && *c < 'k')
    (*c)++;
  else if (*c >= 'm' && *c < 'z')
    (*c)++;
  else if (*c >= 'A' && *c < 'H')
    (*c)++;
  else if (*c >= 'J' && *c < 'Z')
    (*c)++;
  else
    (*c)--;
}

static void test_coin_check(void **state)
{
  size_t i;
  for (i = 0; i < sizeof(valid_coins) / sizeof(valid_coins[0]); i++) {
    const coin_case *c = &valid_coins[i];
    ctix__coin_result r;
    char bad[160];
    if (!ctix__coin_check(&r, c->addr, strlen(c->addr)) || r.type != c->type ||
        r.status != CTIX_IOC_STATUS_IOC)
      fail_msg("%s: not a valid %s", c->addr, ctix_ioc_type_name(c->type));
    snprintf(bad, sizeof(bad), "%s", c->addr);
    if (c->type == CTIX_IOC_ETH) {
      /* flip the case of the first letter: exactly one case is right */
      char *p = bad + 2;
      while (!((*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')))
        p++;
      *p = (char)(*p ^ 0x20);
    } else {
      corrupt(bad);
    }
    if (!ctix__coin_check(&r, bad, strlen(bad)) || r.type != c->type ||
        r.status != CTIX_IOC_STATUS_REJECTED || !r.reason)
      fail_msg("%s: not a rejected %s", bad, ctix_ioc_type_name(c->type));
  }
}

static void test_not_coins(void **state)
{
  ctix__coin_result r;
  static const char *const words[] = {
      "ThisIsJustAVeryLongIdentifierName", /* has I and l: not base58 */
      "abcdefghijkmnopqrstuvwxyzabcdefghij", /* no digits or capitals */
      "12345678912345678912345678912345678",  /* a number */
      "bc1 is a prefix, not an address at all",
  };
  size_t i;
  for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
    if (ctix__coin_check(&r, words[i], strlen(words[i])))
      fail_msg("\"%s\" taken as %s", words[i], ctix_ioc_type_name(r.type));
}

/* ---- through the extractor ---- */

static void test_extract(void **state)
{
  EXPECT_IOC("send to 1M9G4ToMNn4JUa8NhFjVTcoysNxRaaAzsU.", CTIX_IOC_BTC,
             "1M9G4ToMNn4JUa8NhFjVTcoysNxRaaAzsU");
  EXPECT_IOC("pay bitcoin:3HQyEv1eErLowD2ZWvLCwrz8yhrZxjkwUm now", CTIX_IOC_BTC,
             "3HQyEv1eErLowD2ZWvLCwrz8yhrZxjkwUm");
  EXPECT_REJECTED("wallet 1M9G4ToMNn4JUa8NhFjVTcoysNxRaaAzsV", CTIX_IOC_BTC,
                  "1M9G4ToMNn4JUa8NhFjVTcoysNxRaaAzsV");
  EXPECT_IOC("(bitcoincash:qpeq24sr4pqy20z7wpeq65rutal40hpr956h9zdh5s)", CTIX_IOC_BCH,
             "bitcoincash:qpeq24sr4pqy20z7wpeq65rutal40hpr956h9zdh5s");
  /* a checksummed Ethereum address is only that; a single-case one has
   * the shape of a SHA-1 too, and both are kept */
  EXPECT_IOC("to 0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", CTIX_IOC_ETH,
             "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359");
  EXPECT_NONE("to 0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", CTIX_IOC_SHA1);
  EXPECT_IOC("0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359", CTIX_IOC_ETH,
             "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359");
  EXPECT_IOC("0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359", CTIX_IOC_SHA1,
             "fb6916095ca1df60bb79ce92ce3ea74c37c5d359");
  EXPECT_REJECTED("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5D359", CTIX_IOC_ETH,
                  "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5D359");
}

static void test_solana(void **state)
{
  /* base58 of 32 bytes, 44 characters: a Solana key even without context */
  EXPECT_IOC("FtAfuG935JKrJrY7GJb2R7cdMCVFdrKzKWccFS8FDfaN", CTIX_IOC_SOL,
             "FtAfuG935JKrJrY7GJb2R7cdMCVFdrKzKWccFS8FDfaN");
  /* shorter keys need the text to name Solana */
  EXPECT_NONE("1111rUtzHsE5HqzGDa6PnDU6EBrjiYm8WoVdcqtWRu", CTIX_IOC_SOL);
  EXPECT_IOC("Solana wallet 1111rUtzHsE5HqzGDa6PnDU6EBrjiYm8WoVdcqtWRu", CTIX_IOC_SOL,
             "1111rUtzHsE5HqzGDa6PnDU6EBrjiYm8WoVdcqtWRu");
  /* 44 characters that decode to 33 bytes */
  EXPECT_NONE("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz9A", CTIX_IOC_SOL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_keccak),     cmocka_unit_test(test_eip55),
      cmocka_unit_test(test_base58),     cmocka_unit_test(test_bech32),
      cmocka_unit_test(test_coin_check), cmocka_unit_test(test_not_coins),
      cmocka_unit_test(test_extract),    cmocka_unit_test(test_solana),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
