/*
 * Keccak-256 (the pre-FIPS-202 padding used by Ethereum's EIP-55 address
 * checksum and Monero's address checksum), and the double SHA-256 of
 * base58check, which delegates to Nettle. Written for short inputs
 * (addresses): one call hashes one buffer.
 */
#include <nettle/sha2.h>
#include <string.h>

#include "ioc/coin.h"

#define KECCAK_ROUNDS 24
#define KECCAK256_RATE 136 /* bytes: 1600 - 2 * 256 bits */

static const uint64_t round_constants[KECCAK_ROUNDS] = {
  0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808AULL,
  0x8000000080008000ULL, 0x000000000000808BULL, 0x0000000080000001ULL,
  0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008AULL,
  0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000AULL,
  0x000000008000808BULL, 0x800000000000008BULL, 0x8000000000008089ULL,
  0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
  0x000000000000800AULL, 0x800000008000000AULL, 0x8000000080008081ULL,
  0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* Rotation offset of lane x + 5y (the rho step). */
static const unsigned rho_offsets[25] = {
  0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
};

static uint64_t rotl64(uint64_t v, unsigned r)
{
  return r ? (v << r) | (v >> (64 - r)) : v;
}

/* The Keccak-f[1600] permutation over 25 little-endian lanes. */
static void keccak_f1600(uint64_t a[25])
{
  uint64_t b[25], c[5], d[5];
  unsigned round, x, y;

  for (round = 0; round < KECCAK_ROUNDS; round++) {
    /* theta */
    for (x = 0; x < 5; x++)
      c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
    for (x = 0; x < 5; x++)
      d[x] = c[(x + 4) % 5] ^ rotl64(c[(x + 1) % 5], 1);
    for (y = 0; y < 25; y += 5)
      for (x = 0; x < 5; x++)
        a[y + x] ^= d[x];
    /* rho and pi: lane (x, y) moves to (y, 2x + 3y) */
    for (y = 0; y < 5; y++)
      for (x = 0; x < 5; x++)
        b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl64(a[x + 5 * y], rho_offsets[x + 5 * y]);
    /* chi */
    for (y = 0; y < 25; y += 5)
      for (x = 0; x < 5; x++)
        a[y + x] = b[y + x] ^ (~b[y + (x + 1) % 5] & b[y + (x + 2) % 5]);
    /* iota */
    a[0] ^= round_constants[round];
  }
}

/* XORs one rate-sized block (little-endian lanes) into the state. */
static void absorb_block(uint64_t st[25], const uint8_t *p)
{
  unsigned i, k;
  for (i = 0; i < KECCAK256_RATE / 8; i++) {
    uint64_t lane = 0;
    for (k = 0; k < 8; k++)
      lane |= (uint64_t)p[8 * i + k] << (8 * k);
    st[i] ^= lane;
  }
}

void ctix__keccak256(uint8_t out[32], const void *data, size_t n)
{
  uint64_t st[25];
  uint8_t block[KECCAK256_RATE];
  const uint8_t *p = data;
  unsigned i;

  memset(st, 0, sizeof(st));
  while (n >= KECCAK256_RATE) {
    absorb_block(st, p);
    keccak_f1600(st);
    p += KECCAK256_RATE;
    n -= KECCAK256_RATE;
  }
  memset(block, 0, sizeof(block));
  if (n)
    memcpy(block, p, n);
  block[n] ^= 0x01;
  block[KECCAK256_RATE - 1] ^= 0x80;
  absorb_block(st, block);
  keccak_f1600(st);
  for (i = 0; i < 32; i++)
    out[i] = (uint8_t)(st[i / 8] >> (8 * (i % 8)));
}

void ctix__sha256d(uint8_t out[32], const void *data, size_t n)
{
  struct sha256_ctx ctx;
  uint8_t first[SHA256_DIGEST_SIZE];

  sha256_init(&ctx);
  sha256_update(&ctx, n, data);
  sha256_digest(&ctx, sizeof(first), first);
  sha256_init(&ctx);
  sha256_update(&ctx, sizeof(first), first);
  sha256_digest(&ctx, SHA256_DIGEST_SIZE, out);
}
