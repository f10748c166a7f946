/*
 * Bech32 (BIP-173), bech32m (BIP-350) and CashAddr (Bitcoin Cash): the
 * 5-bit-per-character encodings of segwit, Litecoin, Cardano, Zcash
 * shielded and Bitcoin Cash addresses, with their BCH-code checksums. Only
 * decoding and verification, on caller buffers.
 */
#include <string.h>

#include "ioc/coin.h"
#include "util/str.h"

#define BECH32_CHECKSUM_LEN 6
#define BECH32M_CONST 0x2bc830a3u
#define CASHADDR_CHECKSUM_LEN 8
#define CASHADDR_PREFIX "bitcoincash"

/* Value of each lower-case character in the charset
 * "qpzry9x8gf2tvdw0s3jn54khce6mua7l", -1 outside it. */
static const int8_t bech32_values[128] = {
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  15, -1, 10, 17, 21, 20, 26, 30,  7,  5, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, 29, -1, 24, 13, 25,  9,  8, 23, -1, 18, 22, 31, 27, 19, -1,
   1,  0,  3, 16, 11, 28, 12, 14,  6,  4,  2, -1, -1, -1, -1, -1,
};

/* Generator of the bech32 BCH code, one step per 5-bit value. */
static uint32_t bech32_step(uint32_t chk, unsigned v)
{
  static const uint32_t gen[5] = {0x3b6a57b2u, 0x26508e6du, 0x1ea119fau, 0x3d4233ddu,
                                  0x2a1462b3u};
  uint32_t top = chk >> 25;
  unsigned i;
  chk = ((chk & 0x1ffffffu) << 5) ^ v;
  for (i = 0; i < 5; i++)
    if ((top >> i) & 1)
      chk ^= gen[i];
  return chk;
}

/* Value of a character of either case in the charset, or -1. */
static int value_of(char c)
{
  unsigned char u = (unsigned char)ctix__lower((unsigned char)c);
  return u < 128 ? bech32_values[u] : -1;
}

int ctix__bech32_decode(char *hrp, size_t hrpcap, uint8_t *data, size_t datacap, size_t *ndata,
                        const char *s, size_t n, size_t maxlen)
{
  size_t sep = n, i, nd;
  bool lower = false, upper = false;
  uint32_t chk = 1;

  *ndata = 0;
  if (n < 8 || n > maxlen)
    return CTIX__BECH32_SHAPE;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 33 || c > 126)
      return CTIX__BECH32_SHAPE;
    lower |= ctix__islower(c);
    upper |= ctix__isupper(c);
    if (c == '1')
      sep = i;
  }
  if ((lower && upper) || sep == n || sep == 0 || sep + 1 + BECH32_CHECKSUM_LEN > n ||
      sep + 1 > hrpcap)
    return CTIX__BECH32_SHAPE;
  nd = n - sep - 1;
  if (nd - BECH32_CHECKSUM_LEN > datacap)
    return CTIX__BECH32_SHAPE;
  for (i = sep + 1; i < n; i++)
    if (value_of(s[i]) < 0)
      return CTIX__BECH32_SHAPE;
  /* the human-readable part, expanded: high bits, 0, low bits */
  for (i = 0; i < sep; i++) {
    hrp[i] = (char)ctix__lower((unsigned char)s[i]);
    chk = bech32_step(chk, (unsigned char)hrp[i] >> 5);
  }
  hrp[sep] = '\0';
  chk = bech32_step(chk, 0);
  for (i = 0; i < sep; i++)
    chk = bech32_step(chk, (unsigned char)hrp[i] & 31);
  for (i = sep + 1; i < n; i++) {
    unsigned v = (unsigned)value_of(s[i]);
    chk = bech32_step(chk, v);
    if (i < n - BECH32_CHECKSUM_LEN)
      data[(*ndata)++] = (uint8_t)v;
  }
  if (chk == 1)
    return CTIX__BECH32;
  if (chk == BECH32M_CONST)
    return CTIX__BECH32M;
  return CTIX__BECH32_BADSUM;
}

int ctix__convert_bits(uint8_t *out, size_t cap, const uint8_t *in, size_t nin, unsigned from,
                       unsigned to, bool pad)
{
  uint32_t acc = 0, maxv = (1u << to) - 1;
  unsigned bits = 0;
  size_t i, n = 0;

  for (i = 0; i < nin; i++) {
    if (in[i] >> from)
      return -1;
    acc = ((acc << from) | in[i]) & 0xffffffu;
    bits += from;
    while (bits >= to) {
      bits -= to;
      if (n >= cap)
        return -1;
      out[n++] = (uint8_t)((acc >> bits) & maxv);
    }
  }
  if (pad) {
    if (bits) {
      if (n >= cap)
        return -1;
      out[n++] = (uint8_t)((acc << (to - bits)) & maxv);
    }
  } else if (bits >= from || ((acc << (to - bits)) & maxv)) {
    return -1;
  }
  return (int)n;
}

/* One step of CashAddr's 40-bit BCH code. */
static uint64_t cashaddr_step(uint64_t c, unsigned v)
{
  static const uint64_t gen[5] = {0x98f2bc8e61ULL, 0x79b76d99e2ULL, 0xf33e5fb3c4ULL,
                                  0xae2eabe2a8ULL, 0x1e4f43e470ULL};
  uint64_t top = c >> 35;
  unsigned i;
  c = ((c & 0x07ffffffffULL) << 5) ^ v;
  for (i = 0; i < 5; i++)
    if ((top >> i) & 1)
      c ^= gen[i];
  return c;
}

int ctix__cashaddr_check(const char *s, size_t n)
{
  static const size_t plen = sizeof(CASHADDR_PREFIX) - 1;
  /* payload lengths in characters for the standard hash sizes 160..512 */
  static const size_t lengths[] = {42, 50, 58, 66, 74, 82, 98, 114};
  bool lower = false, upper = false, known = false;
  uint64_t c = 1;
  size_t i;

  if (n > plen && s[plen] == ':') {
    if (!ctix__mem_istarts(s, n, CASHADDR_PREFIX))
      return CTIX__BECH32_SHAPE;
    s += plen + 1;
    n -= plen + 1;
  }
  for (i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++)
    known |= n == lengths[i];
  if (!known)
    return CTIX__BECH32_SHAPE;
  /* version byte: type 0 (P2PKH, 'q') or 1 (P2SH, 'p') */
  if (ctix__lower((unsigned char)s[0]) != 'q' && ctix__lower((unsigned char)s[0]) != 'p')
    return CTIX__BECH32_SHAPE;
  for (i = 0; i < n; i++) {
    lower |= ctix__islower((unsigned char)s[i]);
    upper |= ctix__isupper((unsigned char)s[i]);
    if (value_of(s[i]) < 0)
      return CTIX__BECH32_SHAPE;
  }
  if (lower && upper)
    return CTIX__BECH32_SHAPE;
  for (i = 0; i < plen; i++)
    c = cashaddr_step(c, (unsigned char)CASHADDR_PREFIX[i] & 31);
  c = cashaddr_step(c, 0);
  for (i = 0; i < n; i++)
    c = cashaddr_step(c, (unsigned)value_of(s[i]));
  return (c ^ 1) == 0 ? CTIX__BECH32 : CTIX__BECH32_BADSUM;
}
