/*
 * The knowledge-base file format (data/kb/ctix.kb), shared by the writer
 * (build_write.c) and the loader (kb.c). See docs/kb.md for the layout in
 * prose.
 *
 * One little-endian blob: a fixed header, then sections at 8-byte aligned
 * offsets: the string pool (NUL-terminated strings, offset 0 is ""), the
 * object records, the edge records (per object, sorted by relation then
 * target), a pool of uint32 lists (count followed by items), name/alias
 * entries, KEV records, and four open-addressing hash tables (ATT&CK id,
 * STIX id, lower-case name/alias, CVE id). Loading is pointing into the
 * blob plus one pass that checks every offset and index, so a corrupt
 * file gives CTIX_EPARSE, never a read out of bounds.
 */
#ifndef CTIX_KB_FORMAT_H
#define CTIX_KB_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define CTIX__KB_MAGIC "CTIXKB\r\n"
#define CTIX__KB_FORMAT 1u
#define CTIX__KB_FILE "ctix.kb"
#define CTIX__KB_MANIFEST "manifest.txt"
/* Largest table file the loader accepts. */
#define CTIX__KB_MAX_SIZE ((size_t)64 * 1024 * 1024)
/* "No object" in parent / revoked_by / via fields. */
#define CTIX__KB_NIL 0xffffffffu
/* Bytes of the header not covered by the checksum (magic, format, size, checksum). */
#define CTIX__KB_CHECKED_FROM 24u

/* A section: byte offset in the blob and number of records (bytes for strings). */
typedef struct ctix__kb_sec {
  uint32_t off;
  uint32_t count;
} ctix__kb_sec;

typedef struct ctix__kb_header {
  char magic[8];
  uint32_t format;
  uint32_t size;          /* bytes of the whole blob */
  uint64_t checksum;      /* ctix__kb_checksum over [CTIX__KB_CHECKED_FROM, size) */
  uint32_t meta;          /* pool list: key, value string offsets, pairs */
  uint32_t verbs;         /* pool list: string offsets; edge.verb indexes it */
  ctix__kb_sec strs;      /* bytes */
  ctix__kb_sec objs;      /* ctix__kb_obj */
  ctix__kb_sec edges;     /* ctix__kb_edge */
  ctix__kb_sec pool;      /* uint32_t */
  ctix__kb_sec names;     /* ctix__kb_name */
  ctix__kb_sec kev;       /* ctix__kb_kevrec */
  ctix__kb_sec hash_id;   /* uint32_t slots: object index + 1, 0 = empty */
  ctix__kb_sec hash_stix; /* uint32_t slots: object index + 1 */
  ctix__kb_sec hash_name; /* uint32_t slots: first name entry of a run + 1 */
  ctix__kb_sec hash_cve;  /* uint32_t slots: KEV index + 1 */
} ctix__kb_header;

/* One object (technique, tactic, group, ...). Strings are pool offsets. */
typedef struct ctix__kb_obj {
  uint32_t id, stix, name, shortname;
  uint32_t first_seen, last_seen;
  uint32_t parent, revoked_by;  /* object index or CTIX__KB_NIL */
  uint32_t aliases, platforms;  /* pool lists of string offsets */
  uint32_t edges, nedges;       /* range in the edge section */
  uint8_t kind, domains;
  uint16_t flags;
} ctix__kb_obj;

typedef struct ctix__kb_edge {
  uint32_t target;
  uint32_t via;                 /* object index or CTIX__KB_NIL */
  uint8_t rel, flags;
  uint16_t verb;                /* index into the verbs list */
} ctix__kb_edge;

/* A name or alias of an object; entries are sorted by lower-case text. */
typedef struct ctix__kb_name {
  uint32_t str, obj;
} ctix__kb_name;

typedef struct ctix__kb_kevrec {
  uint32_t cve, vendor, product, name, date_added, due_date, ransomware;
  uint32_t cwes;                /* pool list of string offsets */
} ctix__kb_kevrec;

/* FNV-1a over ASCII-lower-cased bytes: the hash of every index. */
static inline uint32_t ctix__kb_hash(const char *s, size_t n)
{
  uint32_t h = 2166136261u;
  size_t i;
  for (i = 0; i < n; i++) {
    unsigned c = (unsigned char)s[i];
    if (c >= 'A' && c <= 'Z')
      c += 32;
    h = (h ^ c) * 16777619u;
  }
  return h;
}

/*
 * Checksum of the blob: four interleaved 64-bit multiply-xor lanes over
 * 8-byte words (independent lanes keep it fast), folded together with
 * the length. Words are read in host order: the format is little-endian
 * and both the writer and the loader refuse big-endian hosts.
 */
static inline uint64_t ctix__kb_checksum(const unsigned char *p, size_t n)
{
  uint64_t h[4] = {0xcbf29ce484222325ull, 0x84222325cbf29ce4ull, 0x9e3779b97f4a7c15ull,
                   0x7f4a7c159e3779b9ull};
  uint64_t w, r;
  size_t i = 0, lane;
  for (; i + 32 <= n; i += 32)
    for (lane = 0; lane < 4; lane++) {
      memcpy(&w, p + i + lane * 8, 8);
      h[lane] = (h[lane] ^ w) * 0x100000001b3ull;
      h[lane] ^= h[lane] >> 29;
    }
  r = h[0] ^ (h[1] * 3) ^ (h[2] * 5) ^ (h[3] * 7);
  for (; i < n; i++)
    r = (r ^ p[i]) * 0x100000001b3ull;
  return r ^ (uint64_t)n;
}

#endif
