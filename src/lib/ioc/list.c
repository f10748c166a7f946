/*
 * The list of observables (the last stage of the IOC pipeline).
 *
 * Recognizers emit candidates with offsets in the scanned (refanged) text;
 * the builder maps each offset back to the input through the refang edit
 * map of the current segment, deduplicates candidates by (type, canonical
 * value) in an open-addressing hash table (the first occurrence keeps its
 * written form and its status, except that a rejected value accepted at a
 * later occurrence takes that status, and a built-in program's file name
 * that a later occurrence gives to the actors' file becomes an indicator),
 * records every occurrence as a hit,
 * and finally puts items in order of first occurrence and hits in text
 * order into the public ctix_ioc_list.
 *
 * The hash table is larger than the caches on a big input, so a lookup
 * would wait for memory at nearly every candidate. Instead emit computes
 * the hash, asks for the slot's cache line (a prefetch) and queues the
 * candidate; it is looked up and inserted PENDING candidates later, when
 * the line has arrived. The queue is first in, first out and flushed
 * before a rehash and at finish, so the result is the same as inserting
 * at once.
 *
 * Emit reads the value once: one loop copies it to the end of the packed
 * strings (where it stays when it is a new item, nine candidates in ten),
 * computes its hash and compares it with the written form in the input
 * (equal bytes share the string). A candidate found to be a duplicate
 * leaves its copy behind: a hole, where the next strings that fit go
 * (or given back when it is the last string), so the strings take no
 * more memory than when copied at insertion.
 *
 * Memory is kept near the minimum, since a large report may hold hundreds
 * of thousands of observables: every string lives once in one packed
 * buffer (the written form shares the value's bytes when they are equal),
 * and the item and hit arrays built here become the list's arrays without
 * a copy. While building, an item is a compact record (bitem, 32 bytes
 * against the list's 40) in a buffer reserved for the list's items; the
 * hash table is freed at finish, then the records are widened in place,
 * from the last one, into the list's items. The memory the records save
 * while the table lives is more than the table takes, so the peak of a
 * call is the finished list with the input, not the list plus the table. When
 * the caller needs the input no more (opts.consume_input, `ctix iocs`),
 * the memory of the part read is given back as the segments go by, so
 * the input and the list are not held in full at once.
 */
#define _DEFAULT_SOURCE 1 /* mmap flags and madvise of <sys/mman.h> */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ioc/scan.h"
#include "util/buf.h"

/* Hard limits that keep a hostile input from exhausting memory. */
#define MAX_VALUE_LEN (64u * 1024u)
#define MAX_ITEMS (8u * 1024u * 1024u)
#define MAX_HITS (32u * 1024u * 1024u)
#define MAX_STRINGS ((size_t)1 << 31)

/* What the list owns: the arrays and the packed strings. */
struct ctix_ioc_priv {
  ctix_ioc *items;
  ctix_ioc_hit *hits;
  char *strings;
};

/* An item while building: its value and written form are offsets into
 * the packed strings (which move as they grow); finish turns the record
 * into a ctix_ioc (expand_items). */
typedef struct bitem {
  const char *reason;
  uint32_t value, original;   /* offsets into the packed strings */
  ctix_ioc_span span;
  uint32_t nhits;
  uint8_t type, status;
  bool defanged;
} bitem;

/* A bitem ends as a ctix_ioc does, from `span` on (span, nhits, type,
 * status, defanged, padding), so expand_items copies that tail whole. */
#define BITEM_TAIL (sizeof(bitem) - offsetof(bitem, span))
_Static_assert(sizeof(ctix_ioc) - offsetof(ctix_ioc, span) == BITEM_TAIL &&
                   offsetof(ctix_ioc, nhits) - offsetof(ctix_ioc, span) ==
                       offsetof(bitem, nhits) - offsetof(bitem, span) &&
                   offsetof(ctix_ioc, type) - offsetof(ctix_ioc, span) ==
                       offsetof(bitem, type) - offsetof(bitem, span) &&
                   offsetof(ctix_ioc, status) - offsetof(ctix_ioc, span) ==
                       offsetof(bitem, status) - offsetof(bitem, span) &&
                   offsetof(ctix_ioc, defanged) - offsetof(ctix_ioc, span) ==
                       offsetof(bitem, defanged) - offsetof(bitem, span),
               "bitem and ctix_ioc end alike");

/* Holes of the packed strings remembered (see above); a smaller one
 * left when a string takes the start of one is kept. */
#define HOLES 8u
#define HOLE_MIN 4u

/* Candidates queued between emit and their insertion (see above): enough
 * to cover the work of a few recognizer calls, which hides the latency of
 * the slot's cache line. A power of two. */
#define PENDING 8

/* A candidate waiting for insertion: offsets already mapped to the input,
 * its value already copied to the packed strings. */
typedef struct pending {
  uint32_t hash;
  uint32_t vlen;
  uint32_t in_start, in_end;
  uint32_t off;               /* of the value in the packed strings */
  uint8_t type, status;
  bool defanged;
  bool same;                  /* the written form is the value's bytes */
  const char *reason;
} pending;

struct ctix__ioc_builder {
  const char *input;
  size_t input_len;
  ctix_ioc_options opts;
  ctix_buf items;             /* bitem records (ctix_ioc after finish) */
  ctix_buf hits;              /* ctix_ioc_hit records */
  ctix_buf strs;              /* packed NUL-terminated strings */
  uint32_t *slots;            /* hash table: SLOT_TAG bits of the hash | item index + 1;
                                 0 = empty */
  size_t nslots;
  size_t grow_at;             /* items (queued ones counted) that make the table
                                 grow: 3/4 of nslots */
  bool hits_sorted;           /* hits were emitted in text order so far */
  uint32_t last_hit;          /* start of the last hit */
  size_t in_base;             /* current segment */
  const ctix__ioc_edit *edits;
  size_t nedits;
  size_t hint;                /* edits wholly before the last mapped start */
  size_t gap_lo, gap_hi;      /* the scanned text between two edits (or an end): */
  size_t gap_shift;           /* a span within it moves by gap_shift (see emit) */
  pending queue[PENDING];     /* candidates waiting for their slot (a ring) */
  uint32_t hole_off[HOLES];   /* unused runs of the packed strings (the copies */
  uint32_t hole_len[HOLES];   /* of duplicates), the last one first */
  unsigned nholes;
  unsigned qhead, qlen;
  const ctix__ioc_scan *scan; /* of the last emit (its document), for release_input */
  size_t released;            /* input[0..released) given back (consume_input) */
  size_t next_heading;        /* first section whose heading release_input keeps */
  int failed;                 /* error of a queue flush release_input made: every
                                 later emit returns it (a failed buffer's memory is gone) */
};

/* Giving back the input (opts.consume_input, release_input): inputs
 * smaller than RELEASE_MIN keep their memory; the part read is given back
 * in steps of RELEASE_STEP bytes or more. */
#define RELEASE_MIN ((size_t)8 << 20)
#define RELEASE_STEP ((size_t)4 << 20)

/* Hashes a type and value, eight bytes at a time (a multiply-xorshift
 * mix, the length mixed in). A tail shorter than eight bytes is read as
 * the last eight bytes of the value, or in pieces when the value is
 * shorter, with fixed-size loads only. */
__attribute__((always_inline)) static inline uint32_t hash_of(ctix_ioc_type type, const char *v,
                                                             size_t n)
{
  const uint64_t k = 0x9E3779B97F4A7C15u;
  uint64_t h = ((uint64_t)type << 32 | (uint32_t)n) * k, w;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    memcpy(&w, v + i, 8);
    h = (h ^ w) * k;
    h ^= h >> 29;
  }
  if (i < n) {
    if (n >= 8) {
      memcpy(&w, v + n - 8, 8);
    } else if (n >= 4) {
      uint32_t a, z;
      memcpy(&a, v, 4);
      memcpy(&z, v + n - 4, 4);
      w = (uint64_t)a << 32 | z;
    } else {
      w = (uint64_t)(unsigned char)v[0] << 16 | (uint64_t)(unsigned char)v[n / 2] << 8 |
          (unsigned char)v[n - 1];
    }
    h = (h ^ w) * k;
  }
  h ^= h >> 32;
  return (uint32_t)h;
}

/* A slot of the hash table keeps the low bits of the hash as a tag above
 * the item index + 1 (MAX_ITEMS < 2^SLOT_INDEX_BITS), so probing touches
 * no item until the tags match, in half the memory of a full hash. The
 * home slot comes from the high bits (home_slot), so the tag is not
 * already implied by the position. The table has any size (not a power
 * of two) and is kept at most 3/4 full. */
#define SLOT_INDEX_BITS 24
#define SLOT_INDEX_MASK ((1u << SLOT_INDEX_BITS) - 1)
#define SLOT_TAG(h) ((uint32_t)(h) << SLOT_INDEX_BITS)

/* The home slot of hash h in a table of n slots (multiply-shift). */
static size_t home_slot(uint32_t h, size_t n) { return (size_t)(((uint64_t)h * n) >> 32); }

/* The slot after j (linear probing, wrapping). */
static size_t next_slot(size_t j, size_t n) { return j + 1 < n ? j + 1 : 0; }

/* The item count at which a table of n slots is too full for one more:
 * (items + 1) * 4 > n * 3 from there on. */
static size_t grow_at(size_t n) { return n * 3 / 4; }

/* Expected bytes of text per observable in an IOC-dense report: the
 * arrays are reserved for len / BYTES_PER_ITEM items up front (pages are
 * touched only when used), which saves the growth steps. */
#define BYTES_PER_ITEM 96u
/* Average bytes of packed strings per item (value and written form). */
#define STRING_BYTES_PER_ITEM 48u

/*
 * The hash table's memory, zeroed. A large table is probed at random, so
 * with 4 KiB pages nearly every probe also misses the TLB (a page walk,
 * costly under virtualisation); a table of HUGE_MIN bytes or more is
 * mapped on its own with its first 2 MiB-aligned part marked for huge
 * pages (MADV_HUGEPAGE), which the kernel backs with 2 MiB pages when it
 * can. Only the pages touched count, as with calloc, so the memory used
 * is the same. slots_free releases it.
 */
#define HUGE_ALIGN ((size_t)2 << 20)
#define HUGE_MIN HUGE_ALIGN

static uint32_t *slots_alloc(size_t n)
{
#if defined(MADV_HUGEPAGE)
  size_t size = n * sizeof(uint32_t);
  if (size >= HUGE_MIN) {
    size_t span = size + HUGE_ALIGN, head, keep, page = (size_t)sysconf(_SC_PAGESIZE);
    char *p = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *a;
    if (p == MAP_FAILED)
      return NULL;
    /* keep the pages of [a, a + size), a 2 MiB-aligned; unmap the rest */
    a = (char *)(((uintptr_t)p + HUGE_ALIGN - 1) & ~(uintptr_t)(HUGE_ALIGN - 1));
    head = (size_t)(a - p);
    keep = (size + page - 1) / page * page;
    if (head)
      munmap(p, head);
    if (span - head > keep)
      munmap(a + keep, span - head - keep);
    madvise(a, size / HUGE_ALIGN * HUGE_ALIGN, MADV_HUGEPAGE);
    return (uint32_t *)(void *)a;
  }
#endif
  return calloc(n, sizeof(uint32_t));
}

static void slots_free(uint32_t *slots, size_t n)
{
  if (!slots)
    return;
#if defined(MADV_HUGEPAGE)
  if (n * sizeof(uint32_t) >= HUGE_MIN) {
    munmap(slots, n * sizeof(uint32_t));
    return;
  }
#endif
  free(slots);
}

/* True when `size` more bytes fit in the memory `rb` holds, with the NUL
 * it keeps after its bytes, within its maximum (false before its memory
 * exists and after an error, which empties it). */
static inline bool fits(const ctix_buf *rb, size_t size)
{
  return rb->len + size < rb->cap && rb->len + size <= rb->max;
}

/* Reserves room for the items expected in `len` bytes of input (as the
 * list's items, wider than the build records: finish widens them in
 * place). */
static int reserve(ctix__ioc_builder *b, size_t len)
{
  size_t est = len / BYTES_PER_ITEM + 16, slots;
  if (est > MAX_ITEMS)
    est = MAX_ITEMS;
  slots = est / 3 * 4 + 64;
  /* the build records' limit bounds the reserve (est 40-byte items may be
   * more bytes than MAX_ITEMS records: the buffer grows at finish) */
  if (ctix__buf_grow(&b->items, est * sizeof(ctix_ioc) < (size_t)MAX_ITEMS * sizeof(bitem)
                                    ? est * sizeof(ctix_ioc)
                                    : (size_t)MAX_ITEMS * sizeof(bitem)) ||
      ctix__buf_grow(&b->hits, est * sizeof(ctix_ioc_hit)) ||
      ctix__buf_grow(&b->strs, est * STRING_BYTES_PER_ITEM))
    return CTIX_ENOMEM;
  b->slots = slots_alloc(slots);
  if (!b->slots)
    return CTIX_ENOMEM;
  b->nslots = slots;
  b->grow_at = grow_at(slots);
  return 0;
}

int ctix__ioc_builder_new(ctix__ioc_builder **out, const char *input, size_t len,
                          const ctix_ioc_options *opts)
{
  ctix__ioc_builder *b = calloc(1, sizeof(*b));
  *out = NULL;
  if (!b)
    return CTIX_ENOMEM;
  b->input = input;
  b->input_len = len;
  if (opts)
    b->opts = *opts;
  else
    ctix_ioc_options_init(&b->opts);
  /* MAX_ITEMS records; finish raises the limit to as many ctix_ioc */
  ctix__buf_init(&b->items, (size_t)MAX_ITEMS * sizeof(bitem));
  ctix__buf_init(&b->hits, (size_t)MAX_HITS * sizeof(ctix_ioc_hit));
  ctix__buf_init(&b->strs, MAX_STRINGS);
  b->hits_sorted = true;
  if (reserve(b, len)) {
    ctix__ioc_builder_free(b);
    return CTIX_ENOMEM;
  }
  *out = b;
  return 0;
}

void ctix__ioc_builder_free(ctix__ioc_builder *b)
{
  if (!b)
    return;
  ctix__buf_free(&b->items);
  ctix__buf_free(&b->hits);
  ctix__buf_free(&b->strs);
  slots_free(b->slots, b->nslots);
  free(b);
}

static inline uint32_t hash_of(ctix_ioc_type type, const char *v, size_t n);
static unsigned char uchar_of(char c) { return (unsigned char)c; }

/* Doubles the hash table (or creates it) and re-inserts every item, its
 * hash computed again from its value (a rare event: reserve sizes the
 * table for the input). */
static int rehash(ctix__ioc_builder *b)
{
  size_t n = b->nslots ? b->nslots * 2 : 256, i, nitems = CTIX__BUF_COUNT(&b->items, bitem);
  uint32_t *slots = slots_alloc(n);
  if (!slots)
    return CTIX_ENOMEM;
  for (i = 0; i < nitems; i++) {
    const bitem *it = &CTIX__BUF_AT(&b->items, bitem, i);
    const char *v = b->strs.data + it->value;
    uint32_t h = hash_of((ctix_ioc_type)it->type, v, strlen(v));
    size_t j = home_slot(h, n);
    while (slots[j])
      j = next_slot(j, n);
    slots[j] = SLOT_TAG(h) | (uint32_t)(i + 1);
  }
  slots_free(b->slots, b->nslots);
  b->slots = slots;
  b->nslots = n;
  b->grow_at = grow_at(n);
  return 0;
}

void ctix__ioc_map_span(const ctix__ioc_edit *edits, size_t n, size_t start, size_t end,
                        size_t *in_start, size_t *in_end, bool *defanged)
{
  size_t lo = 0, hi = n, c, d;
  /* c = edits wholly at or before `start` (out_end <= start) */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (edits[mid].out_end <= start)
      lo = mid + 1;
    else
      hi = mid;
  }
  c = lo;
  if (c < n && edits[c].out_start <= start)
    *in_start = edits[c].in_start;
  else if (c > 0)
    *in_start = edits[c - 1].in_end + (start - edits[c - 1].out_end);
  else
    *in_start = start;
  /* d = edits starting before `end` (out_start < end) */
  lo = c;
  hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (edits[mid].out_start < end)
      lo = mid + 1;
    else
      hi = mid;
  }
  d = lo;
  if (d > 0 && edits[d - 1].out_end >= end)
    *in_end = edits[d - 1].in_end;
  else if (d > 0)
    *in_end = edits[d - 1].in_end + (end - edits[d - 1].out_end);
  else
    *in_end = end;
  if (*in_end < *in_start)
    *in_end = *in_start;
  *defanged = d > c;
}

/*
 * ctix__ioc_map_span for the builder's segment, starting from where the
 * last lookup ended: emissions come mostly in text order, so the edit is
 * usually found in a step or two instead of a binary search.
 */
static void map_hinted(ctix__ioc_builder *b, size_t start, size_t end, size_t *in_start,
                       size_t *in_end, bool *defanged)
{
  const ctix__ioc_edit *e = b->edits;
  size_t n = b->nedits, c = b->hint, d, steps = 0;
  if (c > n || (c > 0 && e[c - 1].out_end > start)) {
    ctix__ioc_map_span(e, n, start, end, in_start, in_end, defanged);
    return;
  }
  while (c < n && e[c].out_end <= start) {
    if (++steps > 8) {
      ctix__ioc_map_span(e, n, start, end, in_start, in_end, defanged);
      return;
    }
    c++;
  }
  b->hint = c;
  /* the gap of the text between edits c - 1 and c, for the next spans */
  b->gap_lo = c ? e[c - 1].out_end : 0;
  b->gap_hi = c < n ? e[c].out_start : SIZE_MAX;
  b->gap_shift = c ? e[c - 1].in_end - e[c - 1].out_end : 0;
  /* the usual case: no edit touches the span, which moves by the shift of
   * the edits before it */
  if (start < end && (c == n || e[c].out_start >= end)) {
    size_t shift = c ? e[c - 1].in_end - e[c - 1].out_end : 0;
    *in_start = start + shift;
    *in_end = end + shift;
    *defanged = false;
    return;
  }
  if (c < n && e[c].out_start <= start)
    *in_start = e[c].in_start;
  else if (c > 0)
    *in_start = e[c - 1].in_end + (start - e[c - 1].out_end);
  else
    *in_start = start;
  for (d = c; d < n && e[d].out_start < end; d++)
    ;
  if (d > 0 && e[d - 1].out_end >= end)
    *in_end = e[d - 1].in_end;
  else if (d > 0)
    *in_end = e[d - 1].in_end + (end - e[d - 1].out_end);
  else
    *in_end = end;
  if (*in_end < *in_start)
    *in_end = *in_start;
  *defanged = d > c;
}

bool ctix__ioc_is_defanged(const ctix__ioc_scan *s, size_t start, size_t end)
{
  const ctix__ioc_builder *b = s->priv;
  size_t a, z;
  bool d = false;
  if (!b || !b->nedits)
    return false;
  ctix__ioc_map_span(b->edits, b->nedits, start, end, &a, &z, &d);
  return d;
}

/* Takes `size` bytes from the last hole of the packed strings when they
 * fit (*off: where); false when they do not, or once the strings buffer
 * has failed (its memory is gone: the append that follows is a no-op
 * that reports the sticky error). */
static inline bool take_hole(ctix__ioc_builder *b, size_t size, size_t *off)
{
  unsigned k;
  if (!b->nholes || b->strs.err)
    return false;
  k = b->nholes - 1;
  if (b->hole_len[k] < size)
    return false;
  *off = b->hole_off[k];
  b->hole_off[k] += (uint32_t)size;
  b->hole_len[k] -= (uint32_t)size;
  if (b->hole_len[k] < HOLE_MIN)
    b->nholes--;
  return true;
}

/* Remembers the unused bytes strs[off..off + size) as a hole, or gives
 * them back when they end the packed strings. */
static void add_hole(ctix__ioc_builder *b, size_t off, size_t size)
{
  ctix_buf *sb = &b->strs;
  if (sb->err) {
    b->nholes = 0;
    return;
  }
  if (off + size == sb->len) {
    sb->len = off;
    sb->data[sb->len] = '\0';
    return;
  }
  if (size < HOLE_MIN)
    return;
  if (b->nholes == HOLES) {
    /* the smallest one goes */
    unsigned k, m = 0;
    for (k = 1; k < HOLES; k++)
      if (b->hole_len[k] < b->hole_len[m])
        m = k;
    if (b->hole_len[m] >= size)
      return;
    b->hole_off[m] = b->hole_off[HOLES - 1];
    b->hole_len[m] = b->hole_len[HOLES - 1];
    b->nholes--;
  }
  b->hole_off[b->nholes] = (uint32_t)off;
  b->hole_len[b->nholes] = (uint32_t)size;
  b->nholes++;
}

/* Appends s[0..n) and a NUL to the packed strings; *off is its offset. */
static int add_string(ctix__ioc_builder *b, const char *s, size_t n, size_t *off)
{
  ctix_buf *sb = &b->strs;
  if (take_hole(b, n + 1, off)) {
    memcpy(sb->data + *off, s, n);
    sb->data[*off + n] = '\0';
    return 0;
  }
  *off = sb->len;
  if (fits(sb, n + 1)) {
    memcpy(sb->data + sb->len, s, n);
    sb->len += n + 1;
    sb->data[sb->len - 1] = '\0';
    sb->data[sb->len] = '\0';
    return 0;
  }
  ctix__buf_add(sb, s, n);
  return ctix__buf_addc(sb, '\0');
}

/* Records the written form input[p->in_start..in_end) of item `it` (the
 * value's string when the bytes are equal). */
static int set_original(ctix__ioc_builder *b, bitem *it, const pending *p)
{
  size_t off;
  int rc;
  if (p->same) {
    it->original = it->value;
    return 0;
  }
  rc = add_string(b, b->input + p->in_start, p->in_end - p->in_start, &off);
  it->original = (uint32_t)off;
  return rc;
}

/* Makes room for `size` more bytes in `rb`; 0 or the buffer's error. */
static inline int room_for(ctix_buf *rb, size_t size)
{
  if (__builtin_expect(fits(rb, size), 1))
    return 0;
  return ctix__buf_grow(rb, size); /* fails past max, stickily */
}

/*
 * Looks the candidate p up in the hash table and adds a new item or a hit
 * to the existing one; its offsets are in the input.
 */
__attribute__((always_inline)) static inline int insert(ctix__ioc_builder *b, const pending *p)
{
  size_t j = home_slot(p->hash, b->nslots), idx, vlen = p->vlen;
  const uint32_t tag = SLOT_TAG(p->hash);
  const char *pv = b->strs.data + p->off;
  ctix_ioc_hit *hit;
  bitem *it;
  int rc;

  for (;;) {
    uint32_t slot = b->slots[j];
    if (!slot)
      break;
    if ((slot & ~SLOT_INDEX_MASK) == tag) {
      const bitem *m = &CTIX__BUF_AT(&b->items, bitem, (slot & SLOT_INDEX_MASK) - 1);
      size_t off = m->value;
      const char *v = b->strs.data + off;
      if (m->type == p->type && off + vlen < b->strs.len && v[vlen] == '\0' &&
          memcmp(v, pv, vlen) == 0)
        break;
    }
    j = next_slot(j, b->nslots);
  }
  if (b->slots[j]) {
    idx = (b->slots[j] & SLOT_INDEX_MASK) - 1;
    it = &CTIX__BUF_AT(&b->items, bitem, idx);
    /* the candidate's copy of the value is not needed */
    add_hole(b, p->off, vlen + 1);
    it->nhits++;
    it->defanged = it->defanged || p->defanged;
    if (it->status == CTIX_IOC_STATUS_REJECTED && p->status != CTIX_IOC_STATUS_REJECTED) {
      /* valid here (e.g. written defanged) though rejected before */
      it->status = p->status;
      it->reason = p->status == CTIX_IOC_STATUS_IOC ? NULL : p->reason;
    } else if (it->status == CTIX_IOC_STATUS_BENIGN && p->status == CTIX_IOC_STATUS_IOC &&
               it->type == CTIX_IOC_FILE_NAME && it->reason &&
               strcmp(it->reason, "well-known system file") == 0) {
      /* a built-in program's name that this occurrence gives to the
       * actors' file (path.c, actor_file): the value is theirs */
      it->status = CTIX_IOC_STATUS_IOC;
      it->reason = NULL;
    }
    if (p->in_start < it->span.start) {
      /* a sub-token emitted after a later one: keep the earliest */
      it->span.start = p->in_start;
      it->span.end = p->in_end;
      if ((rc = set_original(b, it, p)))
        return rc;
    }
  } else {
    idx = CTIX__BUF_COUNT(&b->items, bitem);
    /* the record is written in place */
    if ((rc = room_for(&b->items, sizeof(bitem))))
      return rc;
    it = &CTIX__BUF_AT(&b->items, bitem, idx);
    memset(it, 0, sizeof(*it));
    it->type = p->type;
    it->status = p->status;
    it->reason = p->status == CTIX_IOC_STATUS_IOC ? NULL : p->reason;
    it->span.start = p->in_start;
    it->span.end = p->in_end;
    it->nhits = 1;
    it->defanged = p->defanged;
    it->value = p->off;
    b->items.len += sizeof(bitem);
    b->items.data[b->items.len] = '\0';
    if ((rc = set_original(b, it, p)))
      return rc;
    b->slots[j] = tag | (uint32_t)(idx + 1);
  }
  if (p->in_start < b->last_hit)
    b->hits_sorted = false;
  b->last_hit = p->in_start;
  if ((rc = room_for(&b->hits, sizeof(ctix_ioc_hit))))
    return rc;
  hit = (ctix_ioc_hit *)(void *)(b->hits.data + b->hits.len); /* len: whole records */
  hit->span.start = p->in_start;
  hit->span.end = p->in_end;
  hit->ioc = (uint32_t)idx & 0x7fffffffu;
  hit->defanged = p->defanged;
  b->hits.len += sizeof(ctix_ioc_hit);
  b->hits.data[b->hits.len] = '\0';
  return 0;
}

/* Inserts the oldest queued candidate. */
__attribute__((always_inline)) static inline int insert_oldest(ctix__ioc_builder *b)
{
  const pending *p = &b->queue[b->qhead];
  b->qhead = (b->qhead + 1) & (PENDING - 1);
  b->qlen--;
  return insert(b, p);
}

/* Inserts every queued candidate, in order; the first error stops. */
static int flush_queue(ctix__ioc_builder *b)
{
  int rc = 0;
  while (b->qlen && !rc)
    rc = insert_oldest(b);
  return rc;
}

/* Gives back the whole pages of input[lo..hi) (advice only: if the system
 * declines, the memory simply stays). */
static void release_pages(const char *input, size_t lo, size_t hi, uintptr_t page)
{
  uintptr_t a = ((uintptr_t)input + lo + page - 1) & ~(page - 1);
  uintptr_t z = ((uintptr_t)input + hi) & ~(page - 1);
  if (lo < hi && z > a)
    madvise((void *)a, (size_t)(z - a), MADV_DONTNEED);
}

/*
 * Gives back the memory of the input before `upto` (opts.consume_input)
 * once RELEASE_STEP bytes have been read since the last time, except the
 * pages holding a section heading of the document, which the reference
 * triage reads after extraction. Nothing is given back before the first
 * emit, which tells whether there is a document. The queued candidates
 * are inserted first: insertion reads their written form in the input.
 */
static void release_input(ctix__ioc_builder *b, size_t upto)
{
  long pg = sysconf(_SC_PAGESIZE);
  uintptr_t page = pg > 0 ? (uintptr_t)pg : 0;
  const ctix_document *doc;
  size_t lo = b->released;
  if (!page || !b->scan || upto < lo + RELEASE_STEP)
    return;
  /* the next emit returns the error; the buffers keep it for finish */
  if ((b->failed = flush_queue(b)))
    return;
  doc = b->scan->doc;
  upto = (size_t)((((uintptr_t)b->input + upto) & ~(page - 1)) - (uintptr_t)b->input);
  while (doc && b->next_heading < doc->nsections) {
    const ctix_span *h = &doc->sections[b->next_heading].heading;
    if (h->start >= upto)
      break;
    if (h->end > h->start) {
      release_pages(b->input, lo, h->start, page);
      if (h->end > lo)
        lo = h->end;
    }
    b->next_heading++;
  }
  release_pages(b->input, lo, upto, page);
  b->released = lo > upto ? lo : upto;
}

void ctix__ioc_builder_segment(ctix__ioc_builder *b, size_t in_base,
                               const ctix__ioc_edit *edits, size_t n)
{
  b->in_base = in_base;
  b->edits = edits;
  b->nedits = n;
  b->hint = 0;
  b->gap_lo = 0;
  b->gap_hi = n ? edits[0].out_start : SIZE_MAX;
  b->gap_shift = 0;
  if (b->opts.consume_input && b->input_len >= RELEASE_MIN)
    release_input(b, in_base);
}

/*
 * Copies v[0..n) to dst[0..n) and returns hash_of(type, v, n); *same
 * tells whether in[0..n) holds the same bytes (in may be NULL: then
 * false). One pass, eight bytes a step, with the loads of hash_of (fixed
 * size, none outside the n bytes).
 */
__attribute__((always_inline)) static inline uint32_t copy_hash(char *dst, ctix_ioc_type type,
                                                               const char *v, size_t n,
                                                               const char *in, bool *same)
{
  const uint64_t k = 0x9E3779B97F4A7C15u;
  uint64_t h = ((uint64_t)type << 32 | (uint32_t)n) * k, w, x, diff = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    memcpy(&w, v + i, 8);
    memcpy(dst + i, &w, 8);
    if (in) {
      memcpy(&x, in + i, 8);
      diff |= w ^ x;
    }
    h = (h ^ w) * k;
    h ^= h >> 29;
  }
  if (i < n) {
    if (n >= 8) {
      memcpy(&w, v + n - 8, 8);
      memcpy(dst + n - 8, &w, 8);
      if (in) {
        memcpy(&x, in + n - 8, 8);
        diff |= w ^ x;
      }
    } else if (n >= 4) {
      uint32_t a, z, ia, iz;
      memcpy(&a, v, 4);
      memcpy(&z, v + n - 4, 4);
      memcpy(dst, &a, 4);
      memcpy(dst + n - 4, &z, 4);
      if (in) {
        memcpy(&ia, in, 4);
        memcpy(&iz, in + n - 4, 4);
        diff |= (uint64_t)(a ^ ia) | (z ^ iz);
      }
      w = (uint64_t)a << 32 | z;
    } else {
      size_t m;
      for (m = 0; m < n; m++) {
        dst[m] = v[m];
        if (in)
          diff |= (uint64_t)(uchar_of(v[m]) ^ uchar_of(in[m]));
      }
      w = (uint64_t)(unsigned char)v[0] << 16 | (uint64_t)(unsigned char)v[n / 2] << 8 |
          (unsigned char)v[n - 1];
    }
    h = (h ^ w) * k;
  }
  h ^= h >> 32;
  *same = in && diff == 0;
  return (uint32_t)h;
}

int ctix__ioc_emit(ctix__ioc_scan *s, ctix_ioc_type type, size_t start, size_t end,
                   const char *value, size_t vlen, ctix_ioc_status status,
                   const char *reason)
{
  ctix__ioc_builder *b = s->priv;
  ctix_buf *sb = &b->strs;
  size_t in_start = start, in_end = end, off;
  bool defanged = false, same;
  uint32_t h;
  pending *p;
  int rc;

  b->scan = s;
  if (b->failed)
    return b->failed;
  if ((unsigned)type >= CTIX_IOC_TYPE_COUNT || vlen == 0 || vlen > MAX_VALUE_LEN || start > end ||
      end > s->len)
    return 0;
  if (status == CTIX_IOC_STATUS_REJECTED && !b->opts.keep_rejected)
    return 0;
  /* the queued candidates may all become items */
  if (CTIX__BUF_COUNT(&b->items, bitem) + b->qlen >= b->grow_at) {
    if ((rc = flush_queue(b)) || (rc = rehash(b)))
      return rc;
  }
  /* nearly always the span lies in the gap of the last one, touching no
   * edit: it moves by the gap's shift */
  if (start >= b->gap_lo && end <= b->gap_hi && start < end) {
    in_start = start + b->gap_shift;
    in_end = end + b->gap_shift;
  } else if (b->nedits) {
    map_hinted(b, start, end, &in_start, &in_end, &defanged);
  }
  in_start += b->in_base;
  in_end += b->in_base;
  if (in_end > b->input_len)
    in_end = b->input_len;
  if (in_start > in_end)
    in_start = in_end;
  /* room in the queue (the insertion may add a string) */
  if (b->qlen == PENDING && (rc = insert_oldest(b)))
    return rc;
  /* the value goes to the end of the packed strings, hashed and compared
   * with the written form on the way; the slot is fetched while later
   * candidates are found */
  if (!take_hole(b, vlen + 1, &off)) {
    if ((rc = room_for(sb, vlen + 1)))
      return rc;
    off = sb->len;
    sb->len += vlen + 1;
    sb->data[sb->len] = '\0';
  }
  h = copy_hash(sb->data + off, type, value, vlen,
                in_end - in_start == vlen ? b->input + in_start : NULL, &same);
  sb->data[off + vlen] = '\0';
  __builtin_prefetch(&b->slots[home_slot(h, b->nslots)]);
  p = &b->queue[(b->qhead + b->qlen) & (PENDING - 1)];
  b->qlen++;
  p->hash = h;
  p->vlen = (uint32_t)vlen;
  p->in_start = (uint32_t)in_start;
  p->in_end = (uint32_t)in_end;
  p->off = (uint32_t)off;
  p->reason = reason;
  p->type = (uint8_t)type;
  p->status = (uint8_t)status;
  p->defanged = defanged;
  p->same = same;
  return 0;
}

/* Hits in text order; ties keep emission order (the sort is stable). */
static int cmp_hit(const void *a, const void *b)
{
  const ctix_ioc_hit *x = a, *y = b;
  if (x->span.start != y->span.start)
    return x->span.start < y->span.start ? -1 : 1;
  return 0;
}

/* Stable merge sort of hits; tmp has room for n / 2 records (the left
 * half is moved out and merged back with the right one in place). */
static void sort_hits(ctix_ioc_hit *h, ctix_ioc_hit *tmp, size_t n)
{
  size_t mid = n / 2, i = 0, j = mid, k = 0;
  if (n < 2)
    return;
  sort_hits(h, tmp, mid);
  sort_hits(h + mid, tmp, n - mid);
  if (cmp_hit(&h[mid - 1], &h[mid]) <= 0)
    return;
  memcpy(tmp, h, mid * sizeof(*h));
  /* k = i + (j - mid) <= j: a write never overtakes the unread right half */
  while (i < mid && j < n)
    h[k++] = cmp_hit(&h[j], &tmp[i]) < 0 ? h[j++] : tmp[i++];
  while (i < mid)
    h[k++] = tmp[i++];
}

/*
 * Puts items in order of their first hit (hits already in text order), in
 * place: remap gives each item its new index, the hits are renumbered,
 * then the items follow the cycles of the permutation. Items without a
 * hit (none in practice) go last and are dropped. Returns the item count.
 */
static size_t order_items(bitem *items, size_t nitems, ctix_ioc_hit *hits, size_t nhits,
                          uint32_t *remap)
{
  size_t i, k;
  for (i = 0; i < nitems; i++)
    remap[i] = UINT32_MAX;
  for (i = 0, k = 0; i < nhits; i++)
    if (remap[hits[i].ioc] == UINT32_MAX)
      remap[hits[i].ioc] = (uint32_t)k++;
  for (i = 0; i < nhits; i++)
    hits[i].ioc = remap[hits[i].ioc] & 0x7fffffffu;
  nhits = k; /* items with a hit */
  for (i = 0; i < nitems; i++)
    if (remap[i] == UINT32_MAX)
      remap[i] = (uint32_t)k++;
  for (i = 0; i < nitems; i++)
    while (remap[i] != i) {
      uint32_t j = remap[i], r;
      bitem t = items[j];
      items[j] = items[i];
      items[i] = t;
      r = remap[j];
      remap[j] = j;
      remap[i] = r;
    }
  return nhits;
}

/*
 * Turns the first n build records of b->items into the list's items in
 * place, their string offsets into pointers into `strings`; the buffer
 * grows to n items first when the reserve is short. A ctix_ioc is wider
 * than a bitem, so the records are taken from the last: item i covers
 * records i and after only, which are read already. 0 or CTIX_ENOMEM /
 * CTIX_ETOOBIG.
 */
static int expand_items(ctix__ioc_builder *b, size_t n, const char *strings)
{
  ctix_buf *ib = &b->items;
  size_t need = n * sizeof(ctix_ioc), i;
  char *d;
  ib->max = (size_t)MAX_ITEMS * sizeof(ctix_ioc);
  if (ctix__buf_grow(ib, need > ib->len ? need - ib->len : 0))
    return ib->err;
  d = ib->data;
  for (i = n; i-- > 0;) {
    /* the record is read whole (byte copies, which may alias the item)
     * before the item is written over it */
    const char *r = d + i * sizeof(bitem), *reason;
    char *it = d + i * sizeof(ctix_ioc), tail[BITEM_TAIL];
    uint32_t value, original;
    memcpy(&reason, r + offsetof(bitem, reason), sizeof(reason));
    memcpy(&value, r + offsetof(bitem, value), sizeof(value));
    memcpy(&original, r + offsetof(bitem, original), sizeof(original));
    memcpy(tail, r + offsetof(bitem, span), sizeof(tail));
    ((ctix_ioc *)(void *)it)->value = strings + value;
    ((ctix_ioc *)(void *)it)->original = strings + original;
    ((ctix_ioc *)(void *)it)->reason = reason;
    memcpy(it + offsetof(ctix_ioc, span), tail, sizeof(tail));
  }
  ib->len = need;
  d[need] = '\0';
  return 0;
}

int ctix__ioc_builder_finish(ctix__ioc_builder *b, ctix_ioc_list **out)
{
  size_t nitems, nhits, i;
  ctix_ioc_list *list = NULL;
  struct ctix_ioc_priv *priv = NULL;
  bitem *items;
  ctix_ioc_hit *hits;
  uint32_t *remap = NULL;
  bool ordered = true;
  int rc = 0;

  *out = NULL;
  if ((rc = b->failed) || (rc = flush_queue(b)))
    goto done;
  nitems = CTIX__BUF_COUNT(&b->items, bitem);
  nhits = CTIX__BUF_COUNT(&b->hits, ctix_ioc_hit);
  /* the hash table is done with: its memory goes before any other is taken */
  slots_free(b->slots, b->nslots);
  b->slots = NULL;
  b->nslots = 0;
  if (b->items.err || b->hits.err || b->strs.err) {
    rc = b->items.err ? b->items.err : b->hits.err ? b->hits.err : b->strs.err;
    goto done;
  }
  list = calloc(1, sizeof(*list));
  priv = calloc(1, sizeof(*priv));
  if (!list || !priv) {
    rc = CTIX_ENOMEM;
    goto done;
  }
  items = (bitem *)(void *)b->items.data;
  hits = (ctix_ioc_hit *)(void *)b->hits.data;
  if (!b->hits_sorted) {
    ctix_ioc_hit *tmp = malloc((nhits / 2 + 1) * sizeof(*tmp));
    if (!tmp) {
      rc = CTIX_ENOMEM;
      goto done;
    }
    sort_hits(hits, tmp, nhits);
    free(tmp);
  }
  /* Items in order of first occurrence = order of their first hit. */
  for (i = 1; i < nitems && ordered; i++)
    if (items[i].span.start < items[i - 1].span.start)
      ordered = false;
  if (!ordered) {
    if (!(remap = malloc(nitems * sizeof(*remap)))) {
      rc = CTIX_ENOMEM;
      goto done;
    }
    nitems = order_items(items, nitems, hits, nhits, remap);
    free(remap);
    remap = NULL;
  }
  /* the arrays and strings change hands (the strings do not move) */
  if (!(priv->strings = ctix__buf_detach(&b->strs, NULL)) ||
      (rc = expand_items(b, nitems, priv->strings)) ||
      !(priv->items = (ctix_ioc *)(void *)ctix__buf_detach(&b->items, NULL)) ||
      !(priv->hits = (ctix_ioc_hit *)(void *)ctix__buf_detach(&b->hits, NULL))) {
    rc = rc ? rc : CTIX_ENOMEM;
    goto done;
  }
  list->items = priv->items;
  list->nitems = nitems;
  list->hits = priv->hits;
  list->nhits = nhits;
  list->priv = priv;
  *out = list;
  list = NULL;
  priv = NULL;
done:
  free(list);
  if (priv) {
    free(priv->items);
    free(priv->hits);
    free(priv->strings);
    free(priv);
  }
  free(remap);
  return rc;
}

void ctix_ioc_list_free(ctix_ioc_list *list)
{
  if (!list)
    return;
  if (list->priv) {
    free(list->priv->items);
    free(list->priv->hits);
    free(list->priv->strings);
    free(list->priv);
  }
  free(list);
}
