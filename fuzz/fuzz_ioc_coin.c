/*
 * Fuzz target: the typed recognizers (src/lib/ioc/coin.c, hash.c, ids.c)
 * and the address encodings under them (base58.c, bech32.c, keccak.c).
 * Runs ctix_ioc_extract on the input and aborts when an invariant of these
 * types breaks (canonical hash, CVE, ASN, MAC, TLP and coin forms, a span
 * inside the input); then feeds every space-separated token straight to
 * the decoders and checks their results stay within their buffers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/ioc.h"
#include "ioc/coin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool all_of(const char *s, const char *set)
{
  return s[strspn(s, set)] == '\0';
}

/* Aborts if an item of one of the typed kinds is not in canonical form. */
static void check_item(const ctix_ioc *it, size_t size)
{
  static const char hexlow[] = "0123456789abcdef";
  size_t n = strlen(it->value);

  if (n == 0 || it->span.start > it->span.end || it->span.end > size)
    abort();
  switch (it->type) {
  case CTIX_IOC_MD5:
  case CTIX_IOC_IMPHASH:
  case CTIX_IOC_JA3:
  case CTIX_IOC_JA3S:
    if (n != 32 || !all_of(it->value, hexlow))
      abort();
    break;
  case CTIX_IOC_SHA1:
    if (n != 40 || !all_of(it->value, hexlow))
      abort();
    break;
  case CTIX_IOC_SHA256:
  case CTIX_IOC_AUTHENTIHASH:
    if (n != 64 || !all_of(it->value, hexlow))
      abort();
    break;
  case CTIX_IOC_SHA512:
    if (n != 128 || !all_of(it->value, hexlow))
      abort();
    break;
  case CTIX_IOC_CVE:
    if (strncmp(it->value, "CVE-", 4) != 0 || !all_of(it->value + 4, "0123456789-"))
      abort();
    break;
  case CTIX_IOC_ASN:
    if (strncmp(it->value, "AS", 2) != 0 || n < 3 || !all_of(it->value + 2, "0123456789"))
      abort();
    break;
  case CTIX_IOC_MAC:
    if (n != 17 || !all_of(it->value, "0123456789abcdef:"))
      abort();
    break;
  case CTIX_IOC_TLP:
    if (strncmp(it->value, "TLP:", 4) != 0)
      abort();
    break;
  case CTIX_IOC_BTC:
  case CTIX_IOC_ETH:
  case CTIX_IOC_XMR:
  case CTIX_IOC_LTC:
  case CTIX_IOC_DOGE:
  case CTIX_IOC_DASH:
  case CTIX_IOC_XRP: {
    /* a valid coin address re-checks as valid; a rejected one as rejected */
    ctix__coin_result r;
    const char *v = it->value;
    if (!ctix__coin_check(&r, v, n) || r.type != it->type || r.status != it->status)
      abort();
    break;
  }
  default:
    break;
  }
}

/* Runs the decoders on s[0..n) and checks their output bounds. */
static void decode_token(const char *s, size_t n)
{
  uint8_t out[CTIX__COIN_MAX_BYTES], five[CTIX__COIN_MAX_CHARS], eight[CTIX__COIN_MAX_CHARS];
  char hrp[16];
  size_t nd = 0;
  int k, rc;
  ctix__coin_result r;

  k = ctix__b58_decode(out, sizeof(out), s, n, CTIX__B58_BITCOIN);
  if (k > (int)sizeof(out))
    abort();
  k = ctix__b58check_decode(out, sizeof(out), s, n, CTIX__B58_RIPPLE);
  if (k > (int)sizeof(out))
    abort();
  k = ctix__b58_monero_decode(out, sizeof(out), s, n);
  if (k > (int)sizeof(out))
    abort();
  rc = ctix__bech32_decode(hrp, sizeof(hrp), five, sizeof(five), &nd, s, n, 200);
  if (nd > sizeof(five) || (rc >= 0 && strlen(hrp) >= sizeof(hrp)))
    abort();
  if (rc > 0) {
    k = ctix__convert_bits(eight, sizeof(eight), five, nd, 5, 8, false);
    if (k > (int)sizeof(eight))
      abort();
  }
  (void)ctix__cashaddr_check(s, n);
  (void)ctix__eth_check(s, n);
  if (ctix__coin_check(&r, s, n) && r.status != CTIX_IOC_STATUS_IOC && !r.reason)
    abort();
  ctix__keccak256(out, s, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *text = (const char *)data;
  ctix_ioc_list *l = NULL;
  ctix_error err;
  size_t i, a;

  ctix_error_clear(&err);
  if (ctix_ioc_extract(&l, text, size, NULL, &err) == 0) {
    for (i = 0; i < l->nitems; i++)
      check_item(&l->items[i], size);
    ctix_ioc_list_free(l);
  }
  for (i = 0; i < size;) {
    while (i < size && (text[i] == ' ' || text[i] == '\n'))
      i++;
    a = i;
    while (i < size && text[i] != ' ' && text[i] != '\n')
      i++;
    if (i > a)
      decode_token(text + a, i - a);
  }
  return 0;
}
