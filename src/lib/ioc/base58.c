/*
 * Base58 decoding for cryptocurrency address validation: the Bitcoin and
 * Ripple alphabets (plain and base58check with its double-SHA-256
 * checksum) and Monero's block variant, where every 8 bytes are encoded
 * independently as 11 characters. Inputs are short (addresses), so the
 * plain decoder uses the quadratic base conversion on a bounded buffer
 * of 32-bit limbs, five characters per step.
 */
#include <string.h>

#include "ioc/coin.h"

/* Digit value of each ASCII byte in each alphabet, -1 outside it (built
 * from the alphabet strings by a one-off script). */
static const int8_t b58_digits[2][128] = {
  { /* Bitcoin: 123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz */
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1,  0,  1,  2,  3,  4,  5,  6,  7,  8, -1, -1, -1, -1, -1, -1,
    -1,  9, 10, 11, 12, 13, 14, 15, 16, -1, 17, 18, 19, 20, 21, -1,
    22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, -1, -1, -1, -1, -1,
    -1, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, -1, 44, 45, 46,
    47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, -1, -1, -1, -1, -1,
  },
  { /* Ripple: rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz */
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, 50, 33,  7, 21, 41, 40, 27, 45,  8, -1, -1, -1, -1, -1, -1,
    -1, 54, 10, 38, 12, 14, 47, 15, 16, -1, 17, 18, 19, 20, 13, -1,
    22, 23, 24, 25, 26, 11, 28, 29, 30, 31, 32, -1, -1, -1, -1, -1,
    -1,  5, 34, 35, 36, 37,  6, 39,  3, 49, 42, 43, -1, 44,  4, 46,
     1, 48,  0,  2, 51, 52, 53,  9, 55, 56, 57, -1, -1, -1, -1, -1,
  },
};

/* Characters of a full Monero block (8 bytes) and of a partial block of
 * k bytes (index k); 0 marks an impossible partial length. */
#define XMR_FULL_BLOCK_BYTES 8
#define XMR_FULL_BLOCK_CHARS 11
static const uint8_t xmr_block_chars[XMR_FULL_BLOCK_BYTES + 1] = {0, 2, 3, 5, 6, 7, 9, 10, 11};

static int digit_of(char c, ctix__b58_alphabet a)
{
  unsigned char u = (unsigned char)c;
  return u < 128 ? b58_digits[a][u] : -1;
}

bool ctix__b58_is_alpha(const char *s, size_t n, ctix__b58_alphabet a)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (digit_of(s[i], a) < 0)
      return false;
  return true;
}

/* Characters folded into one multiply-add of the limbs: 58^5 < 2^30. */
#define B58_GROUP 5

int ctix__b58_decode(uint8_t *out, size_t cap, const char *s, size_t n, ctix__b58_alphabet a)
{
  /* log(58)/log(256) < 0.733: n characters need at most n*733/1000+1
   * bytes, held as 32-bit limbs, least significant first */
  uint32_t limb[(CTIX__COIN_MAX_CHARS * 733 / 1000 + 1 + 3) / 4];
  size_t nl = 0, zeros = 0, i, j, nbytes, outlen;

  if (n == 0 || n > CTIX__COIN_MAX_CHARS)
    return -1;
  while (zeros < n && digit_of(s[zeros], a) == 0)
    zeros++;
  for (i = zeros; i < n;) {
    /* up to B58_GROUP digits as one number: limbs = limbs * 58^k + group */
    uint64_t mul = 1, carry = 0;
    size_t k;
    for (k = 0; k < B58_GROUP && i < n; k++, i++) {
      int d = digit_of(s[i], a);
      if (d < 0)
        return -1;
      mul *= 58u;
      carry = carry * 58u + (uint64_t)d;
    }
    for (j = 0; j < nl; j++) {
      carry += (uint64_t)limb[j] * mul;
      limb[j] = (uint32_t)carry;
      carry >>= 32;
    }
    if (carry) {
      if (nl == sizeof(limb) / sizeof(limb[0]))
        return -1; /* cannot happen with the bound above; defensive */
      limb[nl++] = (uint32_t)carry;
    }
  }
  /* the significant bytes of the number, most significant first */
  nbytes = nl * 4;
  while (nbytes && ((limb[(nbytes - 1) / 4] >> (8 * ((nbytes - 1) % 4))) & 0xff) == 0)
    nbytes--;
  outlen = zeros + nbytes;
  if (outlen > cap)
    return -1;
  memset(out, 0, zeros);
  for (j = 0; j < nbytes; j++) {
    size_t b = nbytes - 1 - j;
    out[zeros + j] = (uint8_t)(limb[b / 4] >> (8 * (b % 4)));
  }
  return (int)outlen;
}

int ctix__b58check_decode(uint8_t *out, size_t cap, const char *s, size_t n,
                          ctix__b58_alphabet a)
{
  uint8_t buf[CTIX__COIN_MAX_BYTES];
  uint8_t sum[32];
  int len = ctix__b58_decode(buf, sizeof(buf), s, n, a);

  if (len < 5 || (size_t)len - 4 > cap)
    return -1;
  ctix__sha256d(sum, buf, (size_t)len - 4);
  if (memcmp(sum, buf + len - 4, 4) != 0)
    return -2;
  memcpy(out, buf, (size_t)len - 4);
  return len - 4;
}

/* Decodes one Monero block of `nchars` characters into `nbytes` bytes. */
static bool xmr_block(uint8_t *out, size_t nbytes, const char *s, size_t nchars)
{
  uint64_t v = 0;
  size_t i;
  for (i = 0; i < nchars; i++) {
    int d = digit_of(s[i], CTIX__B58_BITCOIN);
    if (d < 0)
      return false;
    /* v * 58 + d must not overflow 64 bits */
    if (v > (UINT64_MAX - (uint64_t)d) / 58)
      return false;
    v = v * 58 + (uint64_t)d;
  }
  if (nbytes < 8 && (v >> (8 * nbytes)) != 0)
    return false;
  for (i = nbytes; i-- > 0;) {
    out[i] = (uint8_t)(v & 0xff);
    v >>= 8;
  }
  return true;
}

int ctix__b58_monero_decode(uint8_t *out, size_t cap, const char *s, size_t n)
{
  size_t full = n / XMR_FULL_BLOCK_CHARS, rest = n % XMR_FULL_BLOCK_CHARS;
  size_t restbytes = 0, total, i;

  if (n == 0 || n > CTIX__COIN_MAX_CHARS)
    return -1;
  if (rest) {
    for (i = 1; i <= XMR_FULL_BLOCK_BYTES; i++)
      if (xmr_block_chars[i] == rest)
        restbytes = i;
    if (!restbytes)
      return -1;
  }
  total = full * XMR_FULL_BLOCK_BYTES + restbytes;
  if (total > cap)
    return -1;
  for (i = 0; i < full; i++)
    if (!xmr_block(out + i * XMR_FULL_BLOCK_BYTES, XMR_FULL_BLOCK_BYTES,
                   s + i * XMR_FULL_BLOCK_CHARS, XMR_FULL_BLOCK_CHARS))
      return -1;
  if (rest && !xmr_block(out + full * XMR_FULL_BLOCK_BYTES, restbytes,
                         s + full * XMR_FULL_BLOCK_CHARS, rest))
    return -1;
  return (int)total;
}
