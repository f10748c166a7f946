/*
 * Cryptocurrency addresses: btc (base58check P2PKH/P2SH, bech32/bech32m
 * segwit), bch (CashAddr), eth (0x + 40 hex, EIP-55 mixed-case checksum),
 * xmr (Monero block base58 + Keccak checksum), ltc, doge, dash, zec, trx,
 * xtz (base58check version prefixes), xrp (Ripple-alphabet base58check),
 * ada (Shelley bech32, Byron base58 CBOR + CRC32), xlm (base32 + CRC16),
 * sol (base58 of 32 bytes; no checksum, so only in its usual length or
 * when the text names Solana).
 *
 * Every checksum is verified: a token shaped like an address whose
 * checksum fails is reported as rejected ("bad checksum"), not dropped and
 * not accepted. Version prefixes, lengths and shapes are tables; the
 * recognizer exits early on the token shape, so ordinary words cost a
 * few comparisons.
 */
#include <string.h>

#include "ioc/coin.h"
#include "ioc/scan.h"
#include "util/str.h"

#define HASH160_LEN 20
#define ETH_HEX_LEN 40
#define XMR_STD_CHARS 95
#define XMR_INTEGRATED_CHARS 106
#define XMR_CHECKSUM_LEN 4
#define SOL_KEY_BYTES 32
#define SOL_MIN_CHARS 32
#define SOL_MAX_CHARS 44
#define SOL_USUAL_MIN_CHARS 43 /* a random 32-byte key is 43 or 44 characters */
#define XLM_ACCOUNT_CHARS 56
#define XLM_MUXED_CHARS 69
#define SEGWIT_MAX_CHARS 90
#define CARDANO_MAX_CHARS 128
#define MAX_HRP 16

static const char R_BAD_CHECKSUM[] = "bad checksum";
static const char R_BAD_PROGRAM[] = "bad witness program";

/* ---- tables ---- */

/* base58check version prefixes followed by a 20-byte hash. */
typedef struct b58_version {
  uint8_t len;
  uint8_t prefix[3];
  ctix_ioc_type type;
} b58_version;

static const b58_version b58_versions[] = {
  {1, {0x00}, CTIX_IOC_BTC},             /* P2PKH, "1..." */
  {1, {0x05}, CTIX_IOC_BTC},             /* P2SH, "3..." */
  {1, {0x30}, CTIX_IOC_LTC},             /* "L..." */
  {1, {0x32}, CTIX_IOC_LTC},             /* P2SH, "M..." */
  {1, {0x1e}, CTIX_IOC_DOGE},            /* "D..." */
  {1, {0x16}, CTIX_IOC_DOGE},            /* P2SH, "9..." / "A..." */
  {1, {0x4c}, CTIX_IOC_DASH},            /* "X..." */
  {1, {0x10}, CTIX_IOC_DASH},            /* P2SH, "7..." */
  {1, {0x41}, CTIX_IOC_TRX},             /* "T..." */
  {2, {0x1c, 0xb8}, CTIX_IOC_ZEC},       /* "t1..." */
  {2, {0x1c, 0xbd}, CTIX_IOC_ZEC},       /* "t3..." */
  {3, {0x06, 0xa1, 0x9f}, CTIX_IOC_XTZ}, /* "tz1..." */
  {3, {0x06, 0xa1, 0xa1}, CTIX_IOC_XTZ}, /* "tz2..." */
  {3, {0x06, 0xa1, 0xa4}, CTIX_IOC_XTZ}, /* "tz3..." */
  {3, {0x06, 0xa1, 0xa6}, CTIX_IOC_XTZ}, /* "tz4..." */
  {3, {0x02, 0x5a, 0x79}, CTIX_IOC_XTZ}, /* "KT1..." */
};

/* What a base58check address of each coin looks like as text: used to
 * report a bad checksum only for tokens that really have the shape. */
typedef struct b58_shape {
  const char *lead; /* first characters */
  uint8_t minlen, maxlen;
  ctix_ioc_type type;
} b58_shape;

static const b58_shape b58_shapes[] = {
  {"1", 26, 35, CTIX_IOC_BTC},   {"3", 26, 35, CTIX_IOC_BTC},   {"L", 33, 34, CTIX_IOC_LTC},
  {"M", 33, 34, CTIX_IOC_LTC},   {"D", 33, 34, CTIX_IOC_DOGE},  {"A", 33, 34, CTIX_IOC_DOGE},
  {"9", 33, 34, CTIX_IOC_DOGE},  {"X", 33, 34, CTIX_IOC_DASH},  {"7", 33, 34, CTIX_IOC_DASH},
  {"T", 34, 34, CTIX_IOC_TRX},   {"t1", 35, 35, CTIX_IOC_ZEC},  {"t3", 35, 35, CTIX_IOC_ZEC},
  {"tz1", 36, 36, CTIX_IOC_XTZ}, {"tz2", 36, 36, CTIX_IOC_XTZ}, {"tz3", 36, 36, CTIX_IOC_XTZ},
  {"tz4", 36, 36, CTIX_IOC_XTZ}, {"KT1", 36, 36, CTIX_IOC_XTZ},
};

/* bech32 human-readable parts. */
typedef enum hrp_kind { HRP_SEGWIT, HRP_ANY } hrp_kind;
typedef struct bech32_hrp {
  const char *hrp;
  ctix_ioc_type type;
  hrp_kind kind;     /* segwit rules (BIP-141/350) or any checksummed data */
  uint8_t checksum;  /* CTIX__BECH32 or CTIX__BECH32M for HRP_ANY */
  uint8_t maxlen;
} bech32_hrp;

static const bech32_hrp bech32_hrps[] = {
  {"bc", CTIX_IOC_BTC, HRP_SEGWIT, 0, SEGWIT_MAX_CHARS},
  {"ltc", CTIX_IOC_LTC, HRP_SEGWIT, 0, SEGWIT_MAX_CHARS},
  {"addr", CTIX_IOC_ADA, HRP_ANY, CTIX__BECH32, CARDANO_MAX_CHARS},
  {"stake", CTIX_IOC_ADA, HRP_ANY, CTIX__BECH32, CARDANO_MAX_CHARS},
  {"zs", CTIX_IOC_ZEC, HRP_ANY, CTIX__BECH32, SEGWIT_MAX_CHARS},
};

/* Monero network prefixes (varint, one byte on mainnet). */
static const uint8_t xmr_prefixes[] = {18, 19, 42}; /* standard, integrated, subaddress */

/* Stellar strkey version bytes. */
#define XLM_VERSION_ACCOUNT (6u << 3)  /* "G..." */
#define XLM_VERSION_MUXED (12u << 3)   /* "M..." */

/* URI schemes put before an address (BIP-21 and the like). */
static const char *const uri_schemes[] = {
  "bitcoin:", "litecoin:", "dogecoin:", "dash:", "ethereum:", "monero:", "zcash:", "ripple:",
  "tron:", "solana:", "cardano:", "stellar:", "tezos:", NULL,
};

/* Words that introduce a Solana address. */
static const char *const sol_context[] = {"solana", "sol", "spl", "phantom", NULL};

/* ---- helpers ---- */

static bool is_hex(int c)
{
  return ctix__isdigit(c) || (unsigned)((c | 32) - 'a') < 6;
}

/* True if s[0..n) mixes digits, upper- and lower-case letters. */
static bool mixed_alnum(const char *s, size_t n)
{
  bool d = false, u = false, l = false;
  size_t i;
  for (i = 0; i < n; i++) {
    d |= ctix__isdigit((unsigned char)s[i]);
    u |= ctix__isupper((unsigned char)s[i]);
    l |= ctix__islower((unsigned char)s[i]);
  }
  return d && u && l;
}

static void set_result(ctix__coin_result *r, ctix_ioc_type type, bool ok, const char *reason)
{
  r->type = type;
  r->status = ok ? CTIX_IOC_STATUS_IOC : CTIX_IOC_STATUS_REJECTED;
  r->reason = ok ? NULL : reason;
  r->also_sha1 = false;
}

/* CRC-32 (IEEE 802.3, reflected), bitwise: inputs are tiny. */
static uint32_t crc32_ieee(const uint8_t *p, size_t n)
{
  uint32_t c = 0xffffffffu;
  size_t i;
  unsigned k;
  for (i = 0; i < n; i++) {
    c ^= p[i];
    for (k = 0; k < 8; k++)
      c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
  }
  return c ^ 0xffffffffu;
}

/* CRC-16/XMODEM (polynomial 0x1021, initial 0). */
static uint16_t crc16_xmodem(const uint8_t *p, size_t n)
{
  uint16_t c = 0;
  size_t i;
  unsigned k;
  for (i = 0; i < n; i++) {
    c ^= (uint16_t)(p[i] << 8);
    for (k = 0; k < 8; k++)
      c = (c & 0x8000) ? (uint16_t)((c << 1) ^ 0x1021) : (uint16_t)(c << 1);
  }
  return c;
}

/* ---- Ethereum ---- */

int ctix__eth_check(const char *s, size_t n)
{
  uint8_t h[32];
  char lower[ETH_HEX_LEN];
  bool up = false, lo = false;
  size_t i;

  if (n != ETH_HEX_LEN + 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
    return -1;
  s += 2;
  for (i = 0; i < ETH_HEX_LEN; i++) {
    unsigned char c = (unsigned char)s[i];
    if (!is_hex(c))
      return -1;
    up |= ctix__isupper(c);
    lo |= ctix__islower(c);
    lower[i] = (char)ctix__lower(c);
  }
  if (!(up && lo))
    return 1; /* no checksum is carried by a single-case address */
  ctix__keccak256(h, lower, ETH_HEX_LEN);
  for (i = 0; i < ETH_HEX_LEN; i++) {
    unsigned nib = (i % 2) ? (h[i / 2] & 0x0f) : (h[i / 2] >> 4);
    unsigned char c = (unsigned char)s[i];
    if (ctix__isalpha(c) && ctix__isupper(c) != (nib >= 8))
      return 0;
  }
  return 1;
}

/* ---- base58check families ---- */

/* Checks a Bitcoin-alphabet base58check token against the version table,
 * or reports a bad checksum for a token with a known address shape. */
static bool check_b58_versions(ctix__coin_result *r, const char *s, size_t n)
{
  uint8_t p[CTIX__COIN_MAX_BYTES];
  int len = ctix__b58check_decode(p, sizeof(p), s, n, CTIX__B58_BITCOIN);
  size_t i;

  if (len > 0) {
    for (i = 0; i < sizeof(b58_versions) / sizeof(b58_versions[0]); i++) {
      const b58_version *v = &b58_versions[i];
      if ((size_t)len == (size_t)v->len + HASH160_LEN && memcmp(p, v->prefix, v->len) == 0) {
        set_result(r, v->type, true, NULL);
        return true;
      }
    }
    return false; /* a valid encoding of something else */
  }
  if (!mixed_alnum(s, n))
    return false;
  for (i = 0; i < sizeof(b58_shapes) / sizeof(b58_shapes[0]); i++) {
    const b58_shape *sh = &b58_shapes[i];
    size_t ll = strlen(sh->lead);
    if (n >= sh->minlen && n <= sh->maxlen && n > ll && memcmp(s, sh->lead, ll) == 0) {
      set_result(r, sh->type, false, R_BAD_CHECKSUM);
      return true;
    }
  }
  return false;
}

/* Ripple: "r" + base58check (Ripple alphabet) of version 0 + hash160. */
static bool check_xrp(ctix__coin_result *r, const char *s, size_t n)
{
  uint8_t p[CTIX__COIN_MAX_BYTES];
  int len;

  if (n < 25 || n > 35 || s[0] != 'r' || !ctix__b58_is_alpha(s, n, CTIX__B58_RIPPLE))
    return false;
  len = ctix__b58check_decode(p, sizeof(p), s, n, CTIX__B58_RIPPLE);
  if (len == 1 + HASH160_LEN && p[0] == 0) {
    set_result(r, CTIX_IOC_XRP, true, NULL);
    return true;
  }
  if (len == -2 && mixed_alnum(s, n)) {
    set_result(r, CTIX_IOC_XRP, false, R_BAD_CHECKSUM);
    return true;
  }
  return false;
}

/* Monero: 95 (standard, subaddress) or 106 (integrated) characters. */
static bool check_xmr(ctix__coin_result *r, const char *s, size_t n)
{
  uint8_t p[CTIX__COIN_MAX_BYTES], h[32];
  int len;
  size_t i;
  bool known = false;

  if ((n != XMR_STD_CHARS && n != XMR_INTEGRATED_CHARS) || (s[0] != '4' && s[0] != '8'))
    return false;
  len = ctix__b58_monero_decode(p, sizeof(p), s, n);
  if (len <= XMR_CHECKSUM_LEN + 1)
    return false;
  for (i = 0; i < sizeof(xmr_prefixes); i++)
    known |= p[0] == xmr_prefixes[i];
  if (!known)
    return false;
  ctix__keccak256(h, p, (size_t)len - XMR_CHECKSUM_LEN);
  set_result(r, CTIX_IOC_XMR, memcmp(h, p + len - XMR_CHECKSUM_LEN, XMR_CHECKSUM_LEN) == 0,
             R_BAD_CHECKSUM);
  return true;
}

/* Reads a CBOR unsigned integer / length argument after the initial byte
 * p[*off - 1] whose low 5 bits are `info`. */
static bool cbor_arg(uint64_t *v, const uint8_t *p, size_t n, size_t *off, unsigned info)
{
  unsigned k, nb;
  if (info < 24) {
    *v = info;
    return true;
  }
  if (info > 27)
    return false;
  nb = 1u << (info - 24);
  if (*off + nb > n)
    return false;
  *v = 0;
  for (k = 0; k < nb; k++)
    *v = (*v << 8) | p[(*off)++];
  return true;
}

/* Cardano Byron: base58 of CBOR [tag 24 (bytes), crc32(bytes)]. */
static bool check_ada_byron(ctix__coin_result *r, const char *s, size_t n)
{
  uint8_t p[CTIX__COIN_MAX_BYTES];
  uint64_t blen, crc;
  size_t off, body;
  int len;

  if (n < 50 || !(ctix__mem_istarts(s, n, "Ae2") || ctix__mem_istarts(s, n, "Ddz")))
    return false;
  len = ctix__b58_decode(p, sizeof(p), s, n, CTIX__B58_BITCOIN);
  /* array(2), tag(24), byte string header */
  if (len < 8 || p[0] != 0x82 || p[1] != 0xd8 || p[2] != 0x18 || (p[3] >> 5) != 2)
    return false;
  off = 4;
  if (!cbor_arg(&blen, p, (size_t)len, &off, p[3] & 31u) || blen >= (size_t)len - off)
    return false;
  body = off;
  off += (size_t)blen;
  /* the CRC: an unsigned integer closing the array */
  if ((p[off] >> 5) != 0)
    return false;
  off++;
  if (!cbor_arg(&crc, p, (size_t)len, &off, p[off - 1] & 31u) || off != (size_t)len)
    return false;
  set_result(r, CTIX_IOC_ADA, crc == crc32_ieee(p + body, (size_t)blen), R_BAD_CHECKSUM);
  return true;
}

/* Stellar: base32 strkey with a CRC-16/XMODEM (little-endian). */
static bool check_xlm(ctix__coin_result *r, const char *s, size_t n)
{
  uint8_t p[48];
  uint32_t acc = 0;
  unsigned bits = 0;
  size_t i, np = 0;
  uint16_t want;

  if (!((n == XLM_ACCOUNT_CHARS && s[0] == 'G') || (n == XLM_MUXED_CHARS && s[0] == 'M')))
    return false;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    unsigned v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= '2' && c <= '7')
      v = c - '2' + 26;
    else
      return false;
    acc = ((acc << 5) | v) & 0xfffu;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      if (np >= sizeof(p))
        return false;
      p[np++] = (uint8_t)(acc >> bits);
    }
  }
  if (np < 3 || (p[0] != XLM_VERSION_ACCOUNT && p[0] != XLM_VERSION_MUXED))
    return false;
  want = (uint16_t)(p[np - 2] | (p[np - 1] << 8));
  set_result(r, CTIX_IOC_XLM, crc16_xmodem(p, np - 2) == want, R_BAD_CHECKSUM);
  return true;
}

/* Segwit program rules for bech32 "bc"/"ltc" addresses. */
static bool segwit_ok(const uint8_t *data, size_t nd, int enc)
{
  uint8_t prog[64];
  int plen;
  if (nd < 1 || data[0] > 16)
    return false;
  plen = ctix__convert_bits(prog, sizeof(prog), data + 1, nd - 1, 5, 8, false);
  if (plen < 2 || plen > 40)
    return false;
  if (data[0] == 0)
    return enc == CTIX__BECH32 && (plen == 20 || plen == 32);
  return enc == CTIX__BECH32M;
}

static bool check_bech32(ctix__coin_result *r, const char *s, size_t n)
{
  char hrp[MAX_HRP];
  uint8_t data[CTIX__COIN_MAX_CHARS];
  size_t nd, i;
  int enc;

  for (i = 0; i < sizeof(bech32_hrps) / sizeof(bech32_hrps[0]); i++) {
    const bech32_hrp *h = &bech32_hrps[i];
    size_t hl = strlen(h->hrp);
    if (n <= hl || s[hl] != '1' || !ctix__mem_istarts(s, n, h->hrp))
      continue;
    enc = ctix__bech32_decode(hrp, sizeof(hrp), data, sizeof(data), &nd, s, n, h->maxlen);
    if (enc == CTIX__BECH32_SHAPE || strcmp(hrp, h->hrp) != 0)
      return false;
    if (enc == CTIX__BECH32_BADSUM) {
      set_result(r, h->type, false, R_BAD_CHECKSUM);
      return true;
    }
    if (h->kind == HRP_SEGWIT)
      set_result(r, h->type, segwit_ok(data, nd, enc), R_BAD_PROGRAM);
    else
      set_result(r, h->type, enc == h->checksum, R_BAD_CHECKSUM);
    return true;
  }
  return false;
}

static bool check_cashaddr(ctix__coin_result *r, const char *s, size_t n)
{
  int rc = ctix__cashaddr_check(s, n);
  if (rc == CTIX__BECH32_SHAPE)
    return false;
  if (rc == CTIX__BECH32_BADSUM) {
    /* a bare 42-letter word is an address only if it has digits too */
    bool digit = false;
    size_t i;
    for (i = 0; i < n; i++)
      digit |= ctix__isdigit((unsigned char)s[i]);
    if (!digit)
      return false;
  }
  set_result(r, CTIX_IOC_BCH, rc == CTIX__BECH32, R_BAD_CHECKSUM);
  return true;
}

/* Solana: base58 of a 32-byte key. Only the shape can be checked. */
static bool sol_shape(const char *s, size_t n)
{
  uint8_t p[CTIX__COIN_MAX_BYTES];
  if (n < SOL_MIN_CHARS || n > SOL_MAX_CHARS || !mixed_alnum(s, n))
    return false;
  return ctix__b58_decode(p, sizeof(p), s, n, CTIX__B58_BITCOIN) == SOL_KEY_BYTES;
}

bool ctix__coin_check(ctix__coin_result *r, const char *s, size_t n)
{
  int eth;

  memset(r, 0, sizeof(*r));
  if (n < 25 || n > CTIX__COIN_MAX_CHARS)
    return false;
  eth = ctix__eth_check(s, n);
  if (eth >= 0) {
    set_result(r, CTIX_IOC_ETH, eth == 1, R_BAD_CHECKSUM);
    if (eth == 1) {
      size_t i;
      bool up = false, lo = false;
      for (i = 2; i < n; i++) {
        up |= ctix__isupper((unsigned char)s[i]);
        lo |= ctix__islower((unsigned char)s[i]);
      }
      r->also_sha1 = !(up && lo);
    }
    return true;
  }
  if (memchr(s, ':', n))
    return check_cashaddr(r, s, n);
  if (check_bech32(r, s, n))
    return true;
  if (n == 42 && check_cashaddr(r, s, n))
    return true;
  if (check_xlm(r, s, n))
    return true;
  if (!ctix__b58_is_alpha(s, n, CTIX__B58_BITCOIN))
    return check_xrp(r, s, n);
  if (check_xmr(r, s, n) || check_ada_byron(r, s, n))
    return true;
  if (n <= 36 && check_b58_versions(r, s, n))
    return true;
  return check_xrp(r, s, n);
}

/* ---- the recognizer ---- */

/* Strips a known URI scheme and a query ("bitcoin:ADDR?amount=1"). */
static void strip_uri(const char **s, size_t *n)
{
  const char *q;
  size_t i;
  for (i = 0; uri_schemes[i]; i++) {
    size_t sl = strlen(uri_schemes[i]);
    if (*n > sl && ctix__mem_istarts(*s, *n, uri_schemes[i])) {
      *s += sl;
      *n -= sl;
      q = memchr(*s, '?', *n);
      if (q)
        *n = (size_t)(q - *s);
      return;
    }
  }
}

int ctix__ioc_rec_coin(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh)
{
  const char *t = s->text + start;
  size_t n = end - start, off;
  ctix__coin_result r;
  int rc;

  if (n < 25)
    return 0;
  if (sh->alpha + sh->digits != sh->len) {
    /* only "scheme:address[?query]" and "bitcoincash:q..." carry punctuation */
    if (sh->colons != 1 || sh->slashes || sh->backslashes || sh->ats)
      return 0;
    strip_uri(&t, &n);
  }
  if (n < 25 || n > CTIX__COIN_MAX_CHARS)
    return 0;
  if (!ctix__coin_check(&r, t, n)) {
    if (!sol_shape(t, n))
      return 0;
    if (n < SOL_USUAL_MIN_CHARS && !ctix__ioc_context_has(s, start, 6, sol_context))
      return 0;
    set_result(&r, CTIX_IOC_SOL, true, NULL);
  }
  off = (size_t)(t - s->text);
  rc = ctix__ioc_emit(s, r.type, off, off + n, t, n, r.status, r.reason);
  if (rc == 0 && r.also_sha1) {
    char low[ETH_HEX_LEN];
    size_t i;
    for (i = 0; i < ETH_HEX_LEN; i++)
      low[i] = (char)ctix__lower((unsigned char)t[2 + i]);
    rc = ctix__ioc_emit(s, CTIX_IOC_SHA1, off + 2, off + n, low, ETH_HEX_LEN,
                        CTIX_IOC_STATUS_IOC, NULL);
  }
  return rc < 0 ? rc : 1;
}
