/*
 * Internal validators of the "typed" IOC recognizers (coin.c, hash.c,
 * ids.c) and the encodings they rest on: base58 (Bitcoin and Ripple
 * alphabets, Monero's block form), base58check, bech32/bech32m, CashAddr,
 * base32 with CRC16 (Stellar), Keccak-256 (Ethereum, Monero).
 *
 * Every function works on caller-provided fixed buffers (no allocation),
 * runs in time linear in its input (quadratic in at most
 * CTIX__COIN_MAX_CHARS characters for base58), and never reads past
 * s[0..n). They are separate from the recognizers so unit tests can check
 * them directly.
 */
#ifndef CTIX_IOC_COIN_H
#define CTIX_IOC_COIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctix/ioc.h"

/* Longest address text the validators look at (Cardano Byron: ~110). */
#define CTIX__COIN_MAX_CHARS 128
/* Largest decoded payload. */
#define CTIX__COIN_MAX_BYTES 96

/* ---- hashing (keccak.c; SHA-256 comes from Nettle) ---- */

/* Keccak-256 as Ethereum and Monero use it (original Keccak padding, not
 * FIPS-202 SHA3-256). */
void ctix__keccak256(uint8_t out[32], const void *data, size_t n);

/* SHA-256(SHA-256(data)). */
void ctix__sha256d(uint8_t out[32], const void *data, size_t n);

/* ---- base58 (base58.c) ---- */

typedef enum ctix__b58_alphabet {
  CTIX__B58_BITCOIN = 0, /* 123456789ABCDEFGHJKLMNPQRSTUVWXYZabc... */
  CTIX__B58_RIPPLE       /* rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcd... */
} ctix__b58_alphabet;

/* True if every byte of s[0..n) is in the alphabet. */
bool ctix__b58_is_alpha(const char *s, size_t n, ctix__b58_alphabet a);

/*
 * Decodes base58 s[0..n) into out (big-endian, leading '1's -- or the
 * alphabet's zero digit -- become zero bytes). Returns the number of bytes,
 * or -1 if a character is outside the alphabet, n is 0 or larger than
 * CTIX__COIN_MAX_CHARS, or the result exceeds `cap`.
 */
int ctix__b58_decode(uint8_t *out, size_t cap, const char *s, size_t n, ctix__b58_alphabet a);

/*
 * Decodes base58check: on success returns the payload length (without the
 * 4 checksum bytes) with the payload in out. Returns -1 for a bad alphabet
 * or length, -2 if it decodes but the double-SHA-256 checksum is wrong.
 */
int ctix__b58check_decode(uint8_t *out, size_t cap, const char *s, size_t n,
                          ctix__b58_alphabet a);

/*
 * Monero's block base58 (11 characters per 8 bytes). Returns the number of
 * bytes, or -1 if the text is not a well-formed Monero base58 string.
 */
int ctix__b58_monero_decode(uint8_t *out, size_t cap, const char *s, size_t n);

/* ---- bech32 (bech32.c) ---- */

enum {
  CTIX__BECH32_SHAPE = -1, /* not bech32: charset, case mix, separator, length */
  CTIX__BECH32_BADSUM = 0, /* well formed but the checksum is wrong */
  CTIX__BECH32 = 1,        /* BIP-173 checksum */
  CTIX__BECH32M = 2        /* BIP-350 checksum */
};

/*
 * Decodes a bech32/bech32m string of at most `maxlen` characters (90 for
 * BIP-173; Cardano allows more). The human-readable part (lower-cased) goes
 * to hrp (hrpcap bytes incl. NUL), the 5-bit data values without the
 * checksum to data (*ndata). Returns one of the CTIX__BECH32* codes.
 */
int ctix__bech32_decode(char *hrp, size_t hrpcap, uint8_t *data, size_t datacap, size_t *ndata,
                        const char *s, size_t n, size_t maxlen);

/*
 * Regroups bits: in[0..nin) of `from` bits into out of `to` bits. With
 * pad false (decoding), leftover bits must be fewer than `from` and zero.
 * Returns the number of output values or -1.
 */
int ctix__convert_bits(uint8_t *out, size_t cap, const uint8_t *in, size_t nin, unsigned from,
                       unsigned to, bool pad);

/*
 * CashAddr (Bitcoin Cash): s[0..n) with or without the "bitcoincash:"
 * prefix. Returns CTIX__BECH32 when valid, CTIX__BECH32_BADSUM for a
 * well-formed address with a wrong checksum, CTIX__BECH32_SHAPE otherwise.
 */
int ctix__cashaddr_check(const char *s, size_t n);

/* ---- hashes (hash.c) ---- */

/* True if hash.c's lookup tables (keyword first letters and lengths,
 * character classes) agree with its keyword table and <util/str.h>. */
bool ctix__ioc_hash_tables_ok(void);

/* ---- per-coin checks (coin.c) ---- */

/* Outcome of checking one token as a cryptocurrency address. */
typedef struct ctix__coin_result {
  ctix_ioc_type type;      /* the coin (valid or rejected) */
  ctix_ioc_status status;  /* CTIX_IOC_STATUS_IOC or _REJECTED */
  const char *reason;      /* static, for rejected */
  bool also_sha1;          /* a single-case 0x+40 hex: also a SHA-1 shape */
} ctix__coin_result;

/*
 * Checks s[0..n) (the whole address, no URI scheme) as an address of any
 * supported coin. Returns true and fills *r when it is a valid address or
 * looks enough like one to be reported as rejected (bad checksum); false
 * when it is not an address at all.
 */
bool ctix__coin_check(ctix__coin_result *r, const char *s, size_t n);

/* Ethereum address "0x" + 40 hex: 1 valid (all one case, or a correct
 * EIP-55 mixed-case checksum), 0 bad checksum, -1 not the shape. */
int ctix__eth_check(const char *s, size_t n);

#endif
