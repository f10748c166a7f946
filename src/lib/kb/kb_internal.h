/*
 * The loaded knowledge base: pointers into a validated table blob (see
 * format.h), shared by the loader (kb.c), search (search.c) and the info
 * report (info.c).
 */
#ifndef CTIX_KB_INTERNAL_H
#define CTIX_KB_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ctix/kb.h"
#include "kb/format.h"

struct ctix_kb {
  const unsigned char *base;
  size_t size;
  unsigned char *owned;           /* the copy behind base, or NULL (embedded) */
  uint64_t checksum;
  const char *strs;
  uint32_t nstrs;
  const ctix__kb_obj *objs;
  uint32_t nobjs;
  const ctix__kb_edge *edges;
  uint32_t nedges;
  const uint32_t *pool;
  uint32_t npool;
  const ctix__kb_name *names;
  uint32_t nnames;
  const ctix__kb_kevrec *kev;
  uint32_t nkev;
  const uint32_t *hash_id, *hash_stix, *hash_name, *hash_cve;
  uint32_t nhash_id, nhash_stix, nhash_name, nhash_cve;
  uint32_t meta, nmeta;           /* pool index of the list; pairs */
  uint32_t verbs, nverbs;
  uint32_t kind_first[CTIX_KB_NKINDS];
  uint32_t kind_count[CTIX_KB_NKINDS];
  char origin[256];
};

/* The embedded blob and its length (NULL, 0 when none was built in). */
const unsigned char *ctix__kb_embedded(size_t *len);

/* Skip the checksum (fuzzing the structural checks). */
#define CTIX__KB_NO_CHECKSUM 1u

/* True when kb is the process-wide instance of ctix_kb_default (which
 * this does not load). */
bool ctix__kb_is_default(const ctix_kb *kb);

/*
 * Validates `len` bytes at `data` and fills *kb to point into them; the
 * bytes must stay valid and 8-byte aligned. Errors: CTIX_EPARSE (corrupt),
 * CTIX_EUNSUPPORTED (other format version, big-endian host).
 */
int ctix__kb_attach(ctix_kb *kb, const unsigned char *data, size_t len, unsigned flags,
                    ctix_error *err);

/* As ctix_kb_open_mem, with flags. */
int ctix__kb_open_mem(ctix_kb **out, const void *data, size_t len, const char *source,
                      unsigned flags, ctix_error *err);

/* The string at pool offset off (validated at load). */
static inline const char *ctix__kb_str(const ctix_kb *kb, uint32_t off)
{
  return kb->strs + off;
}

/* Count of the pool list at idx, and its items. */
static inline uint32_t ctix__kb_list_count(const ctix_kb *kb, uint32_t idx)
{
  return kb->pool[idx];
}
static inline const uint32_t *ctix__kb_list_items(const ctix_kb *kb, uint32_t idx)
{
  return kb->pool + idx + 1;
}

#endif
