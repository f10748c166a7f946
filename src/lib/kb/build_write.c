/*
 * The last step of `ctix kb build`: completes the model (sub-technique and
 * replacement edges, parents' D3FEND countermeasures rolled up from their
 * sub-techniques, the reverse of every relation), then lays it out in the
 * table format of format.h. Everything is sorted before it is written
 * (objects by kind then id, edges by relation then target, strings by
 * bytes), so the same inputs always give the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "kb/build.h"
#include "kb/format.h"
#include "util/str.h"

_Static_assert(sizeof(ctix__kb_obj) == 52, "object record layout");
_Static_assert(sizeof(ctix__kb_edge) == 12, "edge record layout");
_Static_assert(sizeof(ctix__kb_kevrec) == 32, "KEV record layout");
_Static_assert(sizeof(ctix__kb_header) % 8 == 0, "header layout");

/* The reverse of each forward relation (0: none, the relation is a field). */
static const uint8_t reverse_rel[CTIX_KB_NRELS] = {
    [CTIX_KB_REL_TACTIC] = CTIX_KB_REL_TECHNIQUE,
    [CTIX_KB_REL_USES] = CTIX_KB_REL_USED_BY,
    [CTIX_KB_REL_ATTRIBUTED_TO] = CTIX_KB_REL_CAMPAIGN,
    [CTIX_KB_REL_MITIGATES] = CTIX_KB_REL_MITIGATED_BY,
    [CTIX_KB_REL_DETECTED_BY] = CTIX_KB_REL_DETECTS,
    [CTIX_KB_REL_ARTIFACT] = CTIX_KB_REL_ARTIFACT_OF,
    [CTIX_KB_REL_COUNTERED_BY] = CTIX_KB_REL_COUNTERS,
    [CTIX_KB_REL_D3FEND] = CTIX_KB_REL_MITIGATION,
};

/* ------------------------------------------------------- model completion */

/* Parents get their active sub-techniques' D3FEND countermeasures. */
static int roll_up(ctix__kbb *b)
{
  size_t n = CTIX__BUF_COUNT(&b->edges, ctix__kbb_edge), i;
  int rc;
  for (i = 0; i < n; i++) {
    ctix__kbb_edge e = CTIX__BUF_AT(&b->edges, ctix__kbb_edge, i);
    const ctix__kbb_obj *child = CTIX__KBB_OBJ(b, e.src);
    if (e.rel != CTIX_KB_REL_COUNTERED_BY || (e.flags & CTIX_KB_EDGE_INHERITED) ||
        child->kind != CTIX_KB_TECHNIQUE || child->parent == CTIX__KB_NIL ||
        (child->flags & (CTIX_KB_REVOKED | CTIX_KB_DEPRECATED)))
      continue;
    if ((rc = ctix__kbb_add_edge(b, child->parent, CTIX_KB_REL_COUNTERED_BY, e.dst, e.via,
                                 e.verb, (e.flags & CTIX_KB_EDGE_SUBCLASS) | CTIX_KB_EDGE_ROLLUP,
                                 2)))
      return rc;
  }
  return 0;
}

/* Sub-technique and replacement edges from the parent / revoked_by fields. */
static int field_edges(ctix__kbb *b)
{
  size_t n = CTIX__KBB_NOBJS(b), i;
  int rc;
  for (i = 0; i < n; i++) {
    const ctix__kbb_obj *o = CTIX__KBB_OBJ(b, i);
    uint32_t parent = o->parent, repl = o->revoked_by;
    if (parent != CTIX__KB_NIL &&
        (rc = ctix__kbb_add_edge(b, parent, CTIX_KB_REL_SUBTECHNIQUE, (uint32_t)i, CTIX__KB_NIL,
                                 "", 0, 0)))
      return rc;
    if (repl != CTIX__KB_NIL &&
        (rc = ctix__kbb_add_edge(b, repl, CTIX_KB_REL_REPLACES, (uint32_t)i, CTIX__KB_NIL, "",
                                 0, 0)))
      return rc;
  }
  return 0;
}

/* Adds the reverse of every forward edge. */
static int reverse_edges(ctix__kbb *b)
{
  size_t n = CTIX__BUF_COUNT(&b->edges, ctix__kbb_edge), i;
  int rc;
  for (i = 0; i < n; i++) {
    ctix__kbb_edge e = CTIX__BUF_AT(&b->edges, ctix__kbb_edge, i);
    uint8_t rev = e.rel < CTIX_KB_NRELS ? reverse_rel[e.rel] : 0;
    if (rev && (rc = ctix__kbb_add_edge(b, e.dst, (ctix_kb_rel)rev, e.src, e.via, e.verb,
                                        e.flags, e.rank)))
      return rc;
  }
  return 0;
}

/* ------------------------------------------------------------- ordering */

typedef struct okey {
  uint8_t kind;
  uint32_t order;
  const char *id, *stix;
  uint32_t idx;
} okey;

/* Final object order: kind, then order inside the kind, id, STIX id. */
static int cmp_okey(const void *pa, const void *pb)
{
  const okey *a = pa, *b = pb;
  int c;
  if (a->kind != b->kind)
    return a->kind < b->kind ? -1 : 1;
  if (a->order != b->order)
    return a->order < b->order ? -1 : 1;
  if ((c = strcmp(a->id, b->id)))
    return c;
  if ((c = strcmp(a->stix, b->stix)))
    return c;
  return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Edge order: source, relation, target, artifact, verb, then provenance. */
static int cmp_edge(const void *pa, const void *pb)
{
  const ctix__kbb_edge *a = pa, *b = pb;
  int c;
  if (a->src != b->src)
    return a->src < b->src ? -1 : 1;
  if (a->rel != b->rel)
    return a->rel < b->rel ? -1 : 1;
  if (a->dst != b->dst)
    return a->dst < b->dst ? -1 : 1;
  if (a->via != b->via)
    return a->via < b->via ? -1 : 1;
  if ((c = strcmp(a->verb, b->verb)))
    return c;
  if (a->rank != b->rank)
    return a->rank < b->rank ? -1 : 1;
  return (int)a->flags - (int)b->flags;
}

static int cmp_str(const void *pa, const void *pb)
{
  return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* ASCII case-insensitive comparison. */
static int icmp(const char *a, const char *b)
{
  for (;; a++, b++) {
    int ca = ctix__lower((unsigned char)*a), cb = ctix__lower((unsigned char)*b);
    if (ca != cb || !ca)
      return ca - cb;
  }
}

/* ------------------------------------------------------------- the writer */

typedef struct writer {
  ctix__kbb *b;
  ctix_buf strs;          /* const char * of every string, then sorted unique */
  const char **sorted;
  size_t nsorted;
  uint32_t *stroff;       /* offset of sorted[i] in the pool */
  ctix_buf verbs;         /* const char *, sorted unique, [0] = "" */
  ctix_buf pool;          /* uint32_t */
  ctix_buf out;           /* the blob */
  uint32_t *final;        /* creation index -> final index */
  okey *keys;             /* final index -> key */
} writer;

/* Records a writer failure (limit or memory). */
static int w_fail(writer *w, int rc)
{
  if (rc == CTIX_ETOOBIG)
    return ctix__error_set(w->b->err, rc, "the knowledge base exceeds the format's size limit");
  return ctix__kbb_nomem(w->b);
}

static int w_str(writer *w, const char *s)
{
  return ctix__buf_push(&w->strs, &s, sizeof(s));
}

/* Collects every string that goes into the pool. */
static int collect_strings(writer *w)
{
  ctix__kbb *b = w->b;
  size_t i, k;
  int rc = 0;
  for (i = 0; i < CTIX__KBB_NOBJS(b); i++) {
    const ctix__kbb_obj *o = CTIX__KBB_OBJ(b, i);
    w_str(w, o->id);
    w_str(w, o->stix);
    w_str(w, o->name);
    w_str(w, o->shortname);
    w_str(w, o->first_seen);
    w_str(w, o->last_seen);
    for (k = 0; k < o->naliases; k++)
      w_str(w, o->aliases[k]);
    for (k = 0; k < o->nplatforms; k++)
      w_str(w, o->platforms[k]);
  }
  for (i = 0; i < CTIX__BUF_COUNT(&b->edges, ctix__kbb_edge); i++)
    w_str(w, CTIX__BUF_AT(&b->edges, ctix__kbb_edge, i).verb);
  for (i = 0; i < CTIX__BUF_COUNT(&b->kev, ctix__kbb_kev); i++) {
    const ctix__kbb_kev *k2 = &CTIX__BUF_AT(&b->kev, ctix__kbb_kev, i);
    w_str(w, k2->cve);
    w_str(w, k2->vendor);
    w_str(w, k2->product);
    w_str(w, k2->name);
    w_str(w, k2->date_added);
    w_str(w, k2->due_date);
    w_str(w, k2->ransomware);
    for (k = 0; k < k2->ncwes; k++)
      w_str(w, k2->cwes[k]);
  }
  for (i = 0; i < CTIX__BUF_COUNT(&b->meta, ctix__kbb_meta); i++) {
    w_str(w, CTIX__BUF_AT(&b->meta, ctix__kbb_meta, i).key);
    rc = w_str(w, CTIX__BUF_AT(&b->meta, ctix__kbb_meta, i).value);
  }
  rc = w_str(w, "");
  if (rc)
    return w_fail(w, rc);
  /* Sort, drop duplicates, give each its pool offset ("" at 0). */
  w->sorted = (const char **)(void *)w->strs.data;
  w->nsorted = CTIX__BUF_COUNT(&w->strs, const char *);
  qsort(w->sorted, w->nsorted, sizeof(*w->sorted), cmp_str);
  for (i = 0, k = 0; i < w->nsorted; i++)
    if (k == 0 || strcmp(w->sorted[i], w->sorted[k - 1]) != 0)
      w->sorted[k++] = w->sorted[i];
  w->nsorted = k;
  return 0;
}

/* Pool offset of string s (which collect_strings saw). */
static uint32_t soff(const writer *w, const char *s)
{
  size_t lo = 0, hi = w->nsorted;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(s, w->sorted[mid]);
    if (c == 0)
      return w->stroff[mid];
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return 0; /* not reached: every string was collected */
}

/* Appends zero bytes up to an 8-byte boundary. */
static int align8(ctix_buf *out)
{
  static const char zero[8] = {0};
  return ctix__buf_add(out, zero, (8 - out->len % 8) % 8);
}

/* Starts a section: aligns, and records its offset. */
static int section(writer *w, ctix__kb_sec *sec, size_t count)
{
  int rc = align8(&w->out);
  if (rc)
    return w_fail(w, rc);
  if (w->out.len > UINT32_MAX || count > UINT32_MAX)
    return w_fail(w, CTIX_ETOOBIG);
  sec->off = (uint32_t)w->out.len;
  sec->count = (uint32_t)count;
  return 0;
}

/* Appends a list of string offsets to the pool; returns its index. */
static int pool_strs(writer *w, const char *const *items, size_t n, uint32_t *at)
{
  uint32_t v = (uint32_t)n;
  size_t i;
  if (n == 0) {
    *at = 0;
    return 0;
  }
  *at = (uint32_t)CTIX__BUF_COUNT(&w->pool, uint32_t);
  ctix__buf_push(&w->pool, &v, sizeof(v));
  for (i = 0; i < n; i++) {
    v = soff(w, items[i]);
    ctix__buf_push(&w->pool, &v, sizeof(v));
  }
  return w->pool.err ? w_fail(w, w->pool.err) : 0;
}

/* Verb index of s in the sorted verbs list. */
static uint16_t verb_index(const writer *w, const char *s)
{
  size_t lo = 0, hi = CTIX__BUF_COUNT(&w->verbs, const char *);
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(s, CTIX__BUF_AT(&w->verbs, const char *, mid));
    if (c == 0)
      return (uint16_t)mid;
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return 0;
}

/* Fills an open-addressing table: slot = entry + 1, linear probing. */
static int hash_insert(uint32_t *slots, uint32_t nslots, const char *key, uint32_t value)
{
  uint32_t s = ctix__kb_hash(key, strlen(key)) & (nslots - 1), i;
  for (i = 0; i < nslots; i++, s = (s + 1) & (nslots - 1))
    if (!slots[s]) {
      slots[s] = value + 1;
      return 0;
    }
  return CTIX_ETOOBIG;
}

/* Slots of a hash table for n entries: a power of two, at most half full. */
static uint32_t table_size(size_t n)
{
  uint32_t s = 8;
  while (s < n * 2)
    s *= 2;
  return s;
}

/* Writes a hash section from slots. */
static int put_table(writer *w, ctix__kb_sec *sec, const uint32_t *slots, uint32_t n)
{
  int rc;
  if ((rc = section(w, sec, n)))
    return rc;
  if ((rc = ctix__buf_add(&w->out, slots, (size_t)n * sizeof(uint32_t))))
    return w_fail(w, rc);
  return 0;
}

typedef struct nentry {
  const char *s;
  uint32_t obj;
} nentry;

/* Name entries: lower-case text, then object. */
static int cmp_nentry(const void *pa, const void *pb)
{
  const nentry *a = pa, *b = pb;
  int c = icmp(a->s, b->s);
  if (c)
    return c;
  if (a->obj != b->obj)
    return a->obj < b->obj ? -1 : 1;
  return strcmp(a->s, b->s);
}

/* The id and STIX-id hash tables over the final object order. */
static int write_object_tables(writer *w, ctix__kb_header *h, const ctix__kb_obj *objs,
                               size_t n)
{
  uint32_t nid = table_size(n), i;
  uint32_t *ids = calloc(nid, sizeof(uint32_t)), *stix = calloc(nid, sizeof(uint32_t));
  const char *strs = w->out.data + h->strs.off;
  int rc = 0;
  if (!ids || !stix) {
    rc = ctix__kbb_nomem(w->b);
    goto done;
  }
  for (i = 0; i < n && !rc; i++) {
    const char *id = strs + objs[i].id;
    uint32_t s = ctix__kb_hash(id, strlen(id)) & (nid - 1);
    bool placed = false;
    if (!id[0])
      continue;
    while (ids[s] && !placed) {
      const ctix__kb_obj *p = &objs[ids[s] - 1];
      if (icmp(strs + p->id, id) == 0) {
        /* Same id: the lower kind keeps it, then the active object. */
        if (p->kind == objs[i].kind &&
            ctix__kbb_status_rank(objs[i].flags) < ctix__kbb_status_rank(p->flags))
          ids[s] = i + 1;
        placed = true;
      }
      s = (s + 1) & (nid - 1);
    }
    if (!placed)
      rc = hash_insert(ids, nid, id, i);
    if (!rc && objs[i].stix)
      rc = hash_insert(stix, nid, strs + objs[i].stix, i);
  }
  if (rc)
    rc = w_fail(w, rc);
  if (!rc)
    rc = put_table(w, &h->hash_id, ids, nid);
  if (!rc)
    rc = put_table(w, &h->hash_stix, stix, nid);
done:
  free(ids);
  free(stix);
  return rc;
}

/* Name and alias entries, sorted, and their hash table. */
static int write_names(writer *w, ctix__kb_header *h)
{
  ctix__kbb *b = w->b;
  size_t n = CTIX__KBB_NOBJS(b), i, k, j, ne = 0;
  ctix_buf ents = CTIX_BUF_INIT(CTIX__KBB_MAX_RECORDS * sizeof(nentry));
  nentry *e;
  uint32_t nslots, *slots = NULL;
  int rc = 0;
  for (i = 0; i < n; i++) {
    const ctix__kbb_obj *o = CTIX__KBB_OBJ(b, w->keys[i].idx);
    size_t first = CTIX__BUF_COUNT(&ents, nentry);
    for (k = 0; k <= o->naliases; k++) {
      nentry x = {k == 0 ? o->name : o->aliases[k - 1], (uint32_t)i};
      bool dup = !x.s[0];
      for (j = first; j < CTIX__BUF_COUNT(&ents, nentry) && !dup; j++)
        dup = icmp(CTIX__BUF_AT(&ents, nentry, j).s, x.s) == 0;
      if (!dup)
        ctix__buf_push(&ents, &x, sizeof(x));
    }
  }
  if (ents.err) {
    rc = w_fail(w, ents.err);
    goto done;
  }
  e = (nentry *)(void *)ents.data;
  ne = CTIX__BUF_COUNT(&ents, nentry);
  if (ne)
    qsort(e, ne, sizeof(*e), cmp_nentry);
  if ((rc = section(w, &h->names, ne)))
    goto done;
  for (i = 0; i < ne; i++) {
    ctix__kb_name rec = {soff(w, e[i].s), e[i].obj};
    ctix__buf_add(&w->out, &rec, sizeof(rec));
  }
  nslots = table_size(ne);
  if (!(slots = calloc(nslots, sizeof(uint32_t)))) {
    rc = ctix__kbb_nomem(b);
    goto done;
  }
  for (i = 0; i < ne && !rc; i++)
    if (i == 0 || icmp(e[i].s, e[i - 1].s) != 0)
      rc = hash_insert(slots, nslots, e[i].s, (uint32_t)i);
  if (rc)
    rc = w_fail(w, rc);
  if (!rc)
    rc = put_table(w, &h->hash_name, slots, nslots);
done:
  free(slots);
  ctix__buf_free(&ents);
  return rc;
}

/* The KEV records and the CVE hash table. */
static int write_kev(writer *w, ctix__kb_header *h)
{
  ctix__kbb *b = w->b;
  size_t n = CTIX__BUF_COUNT(&b->kev, ctix__kbb_kev), i;
  uint32_t nslots = table_size(n), *slots, *cwes;
  int rc = 0;
  /* CWE lists go to the pool first: the pool section is written later. */
  if (!(cwes = calloc(n ? n : 1, sizeof(uint32_t))))
    return ctix__kbb_nomem(b);
  for (i = 0; i < n && !rc; i++) {
    const ctix__kbb_kev *k = &CTIX__BUF_AT(&b->kev, ctix__kbb_kev, i);
    rc = pool_strs(w, k->cwes, k->ncwes, &cwes[i]);
  }
  if (!rc)
    rc = section(w, &h->kev, n);
  for (i = 0; i < n && !rc; i++) {
    const ctix__kbb_kev *k = &CTIX__BUF_AT(&b->kev, ctix__kbb_kev, i);
    ctix__kb_kevrec r;
    r.cve = soff(w, k->cve);
    r.vendor = soff(w, k->vendor);
    r.product = soff(w, k->product);
    r.name = soff(w, k->name);
    r.date_added = soff(w, k->date_added);
    r.due_date = soff(w, k->due_date);
    r.ransomware = soff(w, k->ransomware);
    r.cwes = cwes[i];
    ctix__buf_add(&w->out, &r, sizeof(r));
  }
  free(cwes);
  if (rc)
    return rc;
  if (!(slots = calloc(nslots, sizeof(uint32_t))))
    return ctix__kbb_nomem(b);
  for (i = 0; i < n && !rc; i++)
    rc = hash_insert(slots, nslots, CTIX__BUF_AT(&b->kev, ctix__kbb_kev, i).cve, (uint32_t)i);
  if (rc)
    rc = w_fail(w, rc);
  if (!rc)
    rc = put_table(w, &h->hash_cve, slots, nslots);
  free(slots);
  return rc;
}

/* Orders objects, maps edges to final indexes, sorts and deduplicates them. */
static int order_all(writer *w)
{
  ctix__kbb *b = w->b;
  size_t n = CTIX__KBB_NOBJS(b), i, k, ne;
  ctix__kbb_edge *e;
  if (n > CTIX__KBB_MAX_RECORDS)
    return w_fail(w, CTIX_ETOOBIG);
  w->keys = calloc(n ? n : 1, sizeof(*w->keys));
  w->final = calloc(n ? n : 1, sizeof(*w->final));
  if (!w->keys || !w->final)
    return ctix__kbb_nomem(b);
  for (i = 0; i < n; i++) {
    const ctix__kbb_obj *o = CTIX__KBB_OBJ(b, i);
    okey key = {o->kind, o->order, o->id, o->stix, (uint32_t)i};
    w->keys[i] = key;
  }
  qsort(w->keys, n, sizeof(*w->keys), cmp_okey);
  for (i = 0; i < n; i++)
    w->final[w->keys[i].idx] = (uint32_t)i;
  e = (ctix__kbb_edge *)(void *)b->edges.data;
  ne = CTIX__BUF_COUNT(&b->edges, ctix__kbb_edge);
  for (i = 0; i < ne; i++) {
    e[i].src = w->final[e[i].src];
    e[i].dst = w->final[e[i].dst];
    if (e[i].via != CTIX__KB_NIL)
      e[i].via = w->final[e[i].via];
  }
  if (ne)
    qsort(e, ne, sizeof(*e), cmp_edge);
  /* Duplicates differ only in provenance: the first (lowest rank) stays. */
  for (i = 0, k = 0; i < ne; i++)
    if (k == 0 || e[i].src != e[k - 1].src || e[i].rel != e[k - 1].rel ||
        e[i].dst != e[k - 1].dst || e[i].via != e[k - 1].via ||
        strcmp(e[i].verb, e[k - 1].verb) != 0)
      e[k++] = e[i];
  ctix__buf_truncate(&b->edges, k * sizeof(*e));
  return 0;
}

/* Verbs: "" first, then the distinct edge verbs in byte order. */
static int collect_verbs(writer *w)
{
  ctix__kbb *b = w->b;
  size_t ne = CTIX__BUF_COUNT(&b->edges, ctix__kbb_edge), i, k;
  const char *empty = "";
  const char **v;
  ctix__buf_push(&w->verbs, &empty, sizeof(empty));
  for (i = 0; i < ne; i++) {
    const char *s = CTIX__BUF_AT(&b->edges, ctix__kbb_edge, i).verb;
    if (s[0])
      ctix__buf_push(&w->verbs, &s, sizeof(s));
  }
  if (w->verbs.err)
    return w_fail(w, w->verbs.err);
  v = (const char **)(void *)w->verbs.data;
  k = CTIX__BUF_COUNT(&w->verbs, const char *);
  qsort(v + 1, k - 1, sizeof(*v), cmp_str);
  for (i = 1, ne = 1; i < k; i++)
    if (strcmp(v[i], v[ne - 1]) != 0)
      v[ne++] = v[i];
  if (ne > 0xffff)
    return w_fail(w, CTIX_ETOOBIG);
  ctix__buf_truncate(&w->verbs, ne * sizeof(*v));
  return 0;
}

/* Lays everything out; the header is patched in at the end. */
static int layout(writer *w)
{
  ctix__kbb *b = w->b;
  ctix__kb_header h;
  size_t n = CTIX__KBB_NOBJS(b), ne = CTIX__BUF_COUNT(&b->edges, ctix__kbb_edge), i, k;
  ctix__kb_obj *objs = NULL;
  int rc;
  memset(&h, 0, sizeof(h));
  ctix__buf_add(&w->out, &h, sizeof(h));
  /* Strings. */
  if (!(w->stroff = calloc(w->nsorted ? w->nsorted : 1, sizeof(uint32_t))))
    return ctix__kbb_nomem(b);
  if ((rc = section(w, &h.strs, 0)))
    return rc;
  for (i = 0; i < w->nsorted; i++) {
    w->stroff[i] = (uint32_t)(w->out.len - h.strs.off);
    ctix__buf_add(&w->out, w->sorted[i], strlen(w->sorted[i]) + 1);
  }
  if (w->out.err)
    return w_fail(w, w->out.err);
  h.strs.count = (uint32_t)(w->out.len - h.strs.off);
  /* Pool lists: [0] is the empty list. */
  {
    uint32_t zero = 0;
    ctix__buf_push(&w->pool, &zero, sizeof(zero));
  }
  /* Objects. */
  if (!(objs = calloc(n ? n : 1, sizeof(*objs))))
    return ctix__kbb_nomem(b);
  for (i = 0, k = 0; i < n && !rc; i++) {
    const ctix__kbb_obj *o = CTIX__KBB_OBJ(b, w->keys[i].idx);
    ctix__kb_obj *r = &objs[i];
    r->id = soff(w, o->id);
    r->stix = soff(w, o->stix);
    r->name = soff(w, o->name);
    r->shortname = soff(w, o->shortname);
    r->first_seen = soff(w, o->first_seen);
    r->last_seen = soff(w, o->last_seen);
    r->parent = o->parent == CTIX__KB_NIL ? CTIX__KB_NIL : w->final[o->parent];
    r->revoked_by = o->revoked_by == CTIX__KB_NIL ? CTIX__KB_NIL : w->final[o->revoked_by];
    r->kind = o->kind;
    r->domains = o->domains;
    r->flags = o->flags;
    r->edges = (uint32_t)k;
    while (k < ne && CTIX__BUF_AT(&b->edges, ctix__kbb_edge, k).src == i)
      k++;
    r->nedges = (uint32_t)(k - r->edges);
    if ((rc = pool_strs(w, o->aliases, o->naliases, &r->aliases)))
      break;
    rc = pool_strs(w, o->platforms, o->nplatforms, &r->platforms);
  }
  if (!rc && !(rc = section(w, &h.objs, n)) &&
      (rc = ctix__buf_add(&w->out, objs, n * sizeof(*objs))))
    rc = w_fail(w, rc);
  if (!rc)
    rc = section(w, &h.edges, ne);
  for (i = 0; i < ne && !rc; i++) {
    const ctix__kbb_edge *e = &CTIX__BUF_AT(&b->edges, ctix__kbb_edge, i);
    ctix__kb_edge r;
    r.target = e->dst;
    r.via = e->via;
    r.rel = e->rel;
    r.flags = e->flags;
    r.verb = verb_index(w, e->verb);
    ctix__buf_add(&w->out, &r, sizeof(r));
  }
  if (!rc)
    rc = write_object_tables(w, &h, objs, n);
  free(objs);
  if (!rc)
    rc = write_names(w, &h);
  if (!rc)
    rc = write_kev(w, &h);
  /* Meta and verbs lists, then the pool itself. */
  if (!rc) {
    size_t nm = CTIX__BUF_COUNT(&b->meta, ctix__kbb_meta);
    const char **kv = calloc(nm * 2 + 1, sizeof(*kv));
    if (!kv)
      return ctix__kbb_nomem(b);
    for (i = 0; i < nm; i++) {
      kv[2 * i] = CTIX__BUF_AT(&b->meta, ctix__kbb_meta, i).key;
      kv[2 * i + 1] = CTIX__BUF_AT(&b->meta, ctix__kbb_meta, i).value;
    }
    rc = pool_strs(w, kv, nm * 2, &h.meta);
    free(kv);
  }
  if (!rc)
    rc = pool_strs(w, (const char *const *)(void *)w->verbs.data,
                   CTIX__BUF_COUNT(&w->verbs, const char *), &h.verbs);
  if (!rc && !(rc = section(w, &h.pool, CTIX__BUF_COUNT(&w->pool, uint32_t))) &&
      (rc = ctix__buf_add(&w->out, w->pool.data, w->pool.len)))
    rc = w_fail(w, rc);
  if (!rc && (rc = align8(&w->out)))
    rc = w_fail(w, rc);
  if (rc)
    return rc;
  if (w->out.err)
    return w_fail(w, w->out.err);
  if (w->out.len > CTIX__KB_MAX_SIZE)
    return w_fail(w, CTIX_ETOOBIG);
  memcpy(h.magic, CTIX__KB_MAGIC, 8);
  h.format = CTIX__KB_FORMAT;
  h.size = (uint32_t)w->out.len;
  memcpy(w->out.data, &h, sizeof(h));
  h.checksum = ctix__kb_checksum((const unsigned char *)w->out.data + CTIX__KB_CHECKED_FROM,
                                 w->out.len - CTIX__KB_CHECKED_FROM);
  memcpy(w->out.data, &h, sizeof(h));
  return 0;
}

/* Sorts the source versions by key so input order does not matter. */
static int cmp_meta(const void *pa, const void *pb)
{
  const ctix__kbb_meta *a = pa, *b = pb;
  return strcmp(a->key, b->key);
}

int ctix__kbb_write(ctix__kbb *b, unsigned char **out, size_t *len)
{
  writer w;
  uint32_t probe = 1;
  size_t nm;
  int rc;
  *out = NULL;
  *len = 0;
  if (*(const unsigned char *)&probe != 1)
    return ctix__error_set(b->err, CTIX_EUNSUPPORTED,
                           "the knowledge-base format is little-endian only");
  if (!b->linked && (rc = ctix__kbb_link_attack(b)))
    return rc;
  memset(&w, 0, sizeof(w));
  w.b = b;
  ctix__buf_init(&w.strs, (size_t)1 << 30);
  ctix__buf_init(&w.verbs, (size_t)1 << 20);
  ctix__buf_init(&w.pool, CTIX__KB_MAX_SIZE);
  ctix__buf_init(&w.out, CTIX__KB_MAX_SIZE);
  nm = CTIX__BUF_COUNT(&b->meta, ctix__kbb_meta);
  if (nm)
    qsort(b->meta.data, nm, sizeof(ctix__kbb_meta), cmp_meta);
  if ((rc = roll_up(b)) || (rc = field_edges(b)) || (rc = reverse_edges(b)) ||
      (rc = order_all(&w)) || (rc = collect_verbs(&w)) || (rc = collect_strings(&w)) ||
      (rc = layout(&w)))
    goto done;
  *out = (unsigned char *)ctix__buf_detach(&w.out, len);
  if (!*out)
    rc = ctix__kbb_nomem(b);
done:
  ctix__buf_free(&w.strs);
  ctix__buf_free(&w.verbs);
  ctix__buf_free(&w.pool);
  ctix__buf_free(&w.out);
  free(w.stroff);
  free(w.final);
  free(w.keys);
  return rc;
}
