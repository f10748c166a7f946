/*
 * Name-based UUIDs, version 5 (RFC 4122 4.3): SHA-1 (Nettle) of the
 * namespace bytes followed by the name, truncated to 16 bytes with the
 * version and variant bits set.
 */
#include "export/ids.h"

#include <nettle/sha1.h>

const uint8_t ctix__uuid_ns_stix[16] = {0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c,
                                        0x9c, 0x01, 0xfe, 0xd2, 0x33, 0x15, 0xa9, 0xb7};
const uint8_t ctix__uuid_ns_ctix[16] = {0x84, 0xc7, 0x56, 0xa2, 0x82, 0x3e, 0x4c, 0xa7,
                                        0x8c, 0x96, 0x0c, 0xed, 0x4b, 0xa2, 0xc6, 0xdc};

void ctix__uuid5(char out[CTIX__UUID_STR], const uint8_t ns[16], const char *name, size_t n)
{
  static const char hex[] = "0123456789abcdef";
  struct sha1_ctx ctx;
  uint8_t d[SHA1_DIGEST_SIZE];
  size_t i, o = 0;
  sha1_init(&ctx);
  sha1_update(&ctx, 16, ns);
  if (n)
    sha1_update(&ctx, n, (const uint8_t *)name);
  sha1_digest(&ctx, sizeof(d), d);
  d[6] = (uint8_t)((d[6] & 0x0f) | 0x50);
  d[8] = (uint8_t)((d[8] & 0x3f) | 0x80);
  for (i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      out[o++] = '-';
    out[o++] = hex[d[i] >> 4];
    out[o++] = hex[d[i] & 15];
  }
  out[o] = '\0';
}
