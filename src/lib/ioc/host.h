/*
 * One walk per host name (net.c, triage.c): while the domain recognizers
 * check and lower-case a host name into its canonical form, they also
 * record where each label starts and a running hash of the name, so the
 * triage looks the name and each of its parent domains up in the benign
 * list without reading the name again.
 *
 * The hash is a polynomial one over the canonical (lower-case) bytes,
 * h = h * CTIX__HOST_MUL + byte from h = 0, so the hash of any suffix
 * name[start..n) follows from the hash of the whole name and of the
 * prefix before it: full - pre * CTIX__HOST_MUL^(n - start).
 */
#ifndef CTIX_IOC_HOST_H
#define CTIX_IOC_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "ioc/scan.h"

/* A canonical name has at most 253 bytes, so at most 127 labels. */
#define CTIX__HOST_LABELS 128u
#define CTIX__HOST_MUL 0x01000193u

/* What the walk over a canonical host name records. */
typedef struct ctix__ioc_host {
  uint32_t nlabels;
  uint32_t full;                       /* hash of the whole name */
  uint8_t start[CTIX__HOST_LABELS];    /* offset of each label */
  uint32_t pre[CTIX__HOST_LABELS];     /* hash of name[0..start[i]) */
} ctix__ioc_host;

/* One step of the hash. */
static inline uint32_t ctix__host_step(uint32_t h, unsigned char c)
{
  return h * CTIX__HOST_MUL + c;
}

/*
 * ctix__ioc_triage_domain for a canonical name d[0..n) (lower case, no
 * trailing dot, n <= 253) whose walk `host` recorded: the same status and
 * reason, from the recorded hashes.
 */
void ctix__ioc_triage_host(const ctix__ioc_scan *s, const char *d, size_t n,
                           const ctix__ioc_host *host, ctix_ioc_status *status,
                           const char **reason);

#endif
