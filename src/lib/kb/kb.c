/*
 * Loading and reading the knowledge base: attaching to a table blob (the
 * embedded one, a file, or memory) after checking every offset and index
 * in it, the process-wide default instance, object and edge views, and
 * the O(1) lookups by id, STIX id, name/alias and CVE.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/build.h"
#include "kb/kb_internal.h"
#include "util/err.h"
#include "util/str.h"

/* ------------------------------------------------------------- validation */

typedef struct check {
  size_t size;
  ctix_error *err;
} check;

/* Records a CTIX_EPARSE naming what is wrong with the tables. */
static int corrupt(ctix_error *err, const char *what)
{
  return ctix__error_set(err, CTIX_EPARSE, "corrupt knowledge-base tables: %s", what);
}

/* A section of `count` records of `rec` bytes, inside the blob and aligned. */
static int check_sec(const check *c, const ctix__kb_sec *s, size_t rec, const char *what)
{
  uint64_t end = (uint64_t)s->off + (uint64_t)s->count * rec;
  if (s->off < sizeof(ctix__kb_header) || s->off % 4 != 0 || end > c->size)
    return corrupt(c->err, what);
  return 0;
}

/* A pool list of string offsets at idx; *n receives its count. */
static bool str_list_ok(const ctix_kb *kb, uint32_t idx, uint32_t *n)
{
  uint32_t i, cnt;
  if (idx >= kb->npool)
    return false;
  cnt = kb->pool[idx];
  if (cnt > kb->npool - idx - 1)
    return false;
  for (i = 0; i < cnt; i++)
    if (kb->pool[idx + 1 + i] >= kb->nstrs)
      return false;
  if (n)
    *n = cnt;
  return true;
}

/*
 * No terminal control character (C0 but NUL, DEL, C1 as UTF-8) in the
 * strings: the CLI prints names, aliases and KEV fields as they are.
 */
static bool strs_printable(const unsigned char *s, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    if ((s[i] < 0x20 && s[i] != 0) || s[i] == 0x7f ||
        (s[i] == 0xC2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] < 0xA0))
      return false;
  return true;
}

/* A hash table: a power-of-two size and slots naming existing entries. */
static bool table_ok(const uint32_t *slots, uint32_t n, uint32_t nentries)
{
  uint32_t i;
  if (n && (n & (n - 1)))
    return false;
  for (i = 0; i < n; i++)
    if (slots[i] > nentries)
      return false;
  return true;
}

/* Every object field in range, kinds in order; fills the kind ranges. */
static int check_objects(ctix_kb *kb, ctix_error *err)
{
  uint32_t i, prev = 0;
  for (i = 0; i < kb->nobjs; i++) {
    const ctix__kb_obj *o = &kb->objs[i];
    if (o->id >= kb->nstrs || o->stix >= kb->nstrs || o->name >= kb->nstrs ||
        o->shortname >= kb->nstrs || o->first_seen >= kb->nstrs || o->last_seen >= kb->nstrs)
      return corrupt(err, "object string out of range");
    if (o->kind < CTIX_KB_TECHNIQUE || o->kind >= CTIX_KB_NKINDS || o->kind < prev)
      return corrupt(err, "object kind out of range or order");
    if ((o->parent != CTIX__KB_NIL && o->parent >= kb->nobjs) ||
        (o->revoked_by != CTIX__KB_NIL && o->revoked_by >= kb->nobjs))
      return corrupt(err, "object reference out of range");
    if (!str_list_ok(kb, o->aliases, NULL) || !str_list_ok(kb, o->platforms, NULL))
      return corrupt(err, "object list out of range");
    if ((uint64_t)o->edges + o->nedges > kb->nedges)
      return corrupt(err, "object edges out of range");
    if (o->kind != prev)
      kb->kind_first[o->kind] = i;
    kb->kind_count[o->kind]++;
    prev = o->kind;
  }
  return 0;
}

/* Every edge, name entry, KEV entry and hash slot in range. */
static int check_records(ctix_kb *kb, ctix_error *err)
{
  uint32_t i, n;
  for (i = 0; i < kb->nedges; i++) {
    const ctix__kb_edge *e = &kb->edges[i];
    if (e->target >= kb->nobjs || (e->via != CTIX__KB_NIL && e->via >= kb->nobjs) ||
        e->rel < CTIX_KB_REL_SUBTECHNIQUE || e->rel >= CTIX_KB_NRELS || e->verb >= kb->nverbs)
      return corrupt(err, "edge out of range");
  }
  for (i = 0; i < kb->nnames; i++)
    if (kb->names[i].str >= kb->nstrs || kb->names[i].obj >= kb->nobjs)
      return corrupt(err, "name entry out of range");
  for (i = 0; i < kb->nkev; i++) {
    const ctix__kb_kevrec *k = &kb->kev[i];
    if (k->cve >= kb->nstrs || k->vendor >= kb->nstrs || k->product >= kb->nstrs ||
        k->name >= kb->nstrs || k->date_added >= kb->nstrs || k->due_date >= kb->nstrs ||
        k->ransomware >= kb->nstrs || !str_list_ok(kb, k->cwes, &n))
      return corrupt(err, "KEV entry out of range");
  }
  if (!table_ok(kb->hash_id, kb->nhash_id, kb->nobjs) ||
      !table_ok(kb->hash_stix, kb->nhash_stix, kb->nobjs) ||
      !table_ok(kb->hash_name, kb->nhash_name, kb->nnames) ||
      !table_ok(kb->hash_cve, kb->nhash_cve, kb->nkev))
    return corrupt(err, "hash table out of range");
  return 0;
}

int ctix__kb_attach(ctix_kb *kb, const unsigned char *data, size_t len, unsigned flags,
                    ctix_error *err)
{
  ctix__kb_header h;
  check c;
  uint32_t probe = 1;
  int rc;
  memset(kb, 0, sizeof(*kb));
  if (*(const unsigned char *)&probe != 1)
    return ctix__error_set(err, CTIX_EUNSUPPORTED,
                           "the knowledge-base format is little-endian only");
  if (len < sizeof(h))
    return corrupt(err, "shorter than its header");
  memcpy(&h, data, sizeof(h));
  if (memcmp(h.magic, CTIX__KB_MAGIC, 8) != 0)
    return ctix__error_set(err, CTIX_EPARSE, "not a ctix knowledge-base file (bad magic)");
  if (h.format != CTIX__KB_FORMAT)
    return ctix__error_set(err, CTIX_EUNSUPPORTED,
                           "knowledge-base format %u, this ctix reads format %u", h.format,
                           CTIX__KB_FORMAT);
  if (h.size != len)
    return corrupt(err, "size in the header differs from the file size (truncated?)");
  if (!(flags & CTIX__KB_NO_CHECKSUM) &&
      ctix__kb_checksum(data + CTIX__KB_CHECKED_FROM, len - CTIX__KB_CHECKED_FROM) !=
          h.checksum)
    return corrupt(err, "checksum mismatch");
  c.size = len;
  c.err = err;
  if ((rc = check_sec(&c, &h.strs, 1, "string section")) ||
      (rc = check_sec(&c, &h.objs, sizeof(ctix__kb_obj), "object section")) ||
      (rc = check_sec(&c, &h.edges, sizeof(ctix__kb_edge), "edge section")) ||
      (rc = check_sec(&c, &h.pool, sizeof(uint32_t), "pool section")) ||
      (rc = check_sec(&c, &h.names, sizeof(ctix__kb_name), "name section")) ||
      (rc = check_sec(&c, &h.kev, sizeof(ctix__kb_kevrec), "KEV section")) ||
      (rc = check_sec(&c, &h.hash_id, sizeof(uint32_t), "id index")) ||
      (rc = check_sec(&c, &h.hash_stix, sizeof(uint32_t), "STIX index")) ||
      (rc = check_sec(&c, &h.hash_name, sizeof(uint32_t), "name index")) ||
      (rc = check_sec(&c, &h.hash_cve, sizeof(uint32_t), "CVE index")))
    return rc;
  kb->base = data;
  kb->size = len;
  kb->checksum = h.checksum;
  kb->strs = (const char *)data + h.strs.off;
  kb->nstrs = h.strs.count;
  kb->objs = (const ctix__kb_obj *)(const void *)(data + h.objs.off);
  kb->nobjs = h.objs.count;
  kb->edges = (const ctix__kb_edge *)(const void *)(data + h.edges.off);
  kb->nedges = h.edges.count;
  kb->pool = (const uint32_t *)(const void *)(data + h.pool.off);
  kb->npool = h.pool.count;
  kb->names = (const ctix__kb_name *)(const void *)(data + h.names.off);
  kb->nnames = h.names.count;
  kb->kev = (const ctix__kb_kevrec *)(const void *)(data + h.kev.off);
  kb->nkev = h.kev.count;
  kb->hash_id = (const uint32_t *)(const void *)(data + h.hash_id.off);
  kb->nhash_id = h.hash_id.count;
  kb->hash_stix = (const uint32_t *)(const void *)(data + h.hash_stix.off);
  kb->nhash_stix = h.hash_stix.count;
  kb->hash_name = (const uint32_t *)(const void *)(data + h.hash_name.off);
  kb->nhash_name = h.hash_name.count;
  kb->hash_cve = (const uint32_t *)(const void *)(data + h.hash_cve.off);
  kb->nhash_cve = h.hash_cve.count;
  if (kb->nstrs == 0 || kb->strs[0] != '\0' || kb->strs[kb->nstrs - 1] != '\0')
    return corrupt(err, "string section not NUL-terminated");
  if (!strs_printable((const unsigned char *)kb->strs, kb->nstrs))
    return corrupt(err, "control character in the string section");
  if (kb->npool == 0 || kb->pool[0] != 0)
    return corrupt(err, "pool section has no empty list");
  if (!str_list_ok(kb, h.meta, &kb->nmeta) || kb->nmeta % 2 != 0 ||
      !str_list_ok(kb, h.verbs, &kb->nverbs) || kb->nverbs == 0)
    return corrupt(err, "source or verb list out of range");
  kb->meta = h.meta;
  kb->nmeta /= 2;
  kb->verbs = h.verbs;
  if ((rc = check_objects(kb, err)) || (rc = check_records(kb, err)))
    return rc;
  return 0;
}

/* ---------------------------------------------------------------- opening */

int ctix__kb_open_mem(ctix_kb **out, const void *data, size_t len, const char *source,
                      unsigned flags, ctix_error *err)
{
  ctix_kb *kb;
  unsigned char *copy;
  int rc;
  *out = NULL;
  if (len > CTIX__KB_MAX_SIZE) {
    ctix__error_source(err, source);
    return ctix__error_set(err, CTIX_ETOOBIG, "knowledge-base tables larger than %zu bytes",
                           CTIX__KB_MAX_SIZE);
  }
  kb = malloc(sizeof(*kb));
  copy = malloc(len ? len : 1); /* malloc is aligned for every record */
  if (!kb || !copy) {
    free(kb);
    free(copy);
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory loading the knowledge base");
  }
  if (len)
    memcpy(copy, data, len);
  if ((rc = ctix__kb_attach(kb, copy, len, flags, err))) {
    ctix__error_source(err, source);
    free(copy);
    free(kb);
    return rc;
  }
  kb->owned = copy;
  snprintf(kb->origin, sizeof(kb->origin), "%s", source ? source : "<memory>");
  *out = kb;
  return 0;
}

int ctix_kb_open_mem(ctix_kb **out, const void *data, size_t len, const char *source,
                     ctix_error *err)
{
  return ctix__kb_open_mem(out, data, len, source, 0, err);
}

int ctix_kb_open_embedded(ctix_kb **out, ctix_error *err)
{
  size_t len;
  const unsigned char *blob = ctix__kb_embedded(&len);
  ctix_kb *kb;
  int rc;
  *out = NULL;
  if (!blob || len == 0)
    return ctix__error_set(err, CTIX_ENOTFOUND,
                           "this ctix was built without knowledge-base tables (make kb)");
  if (!(kb = malloc(sizeof(*kb))))
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory loading the knowledge base");
  if ((rc = ctix__kb_attach(kb, blob, len, 0, err))) {
    ctix__error_source(err, "embedded knowledge base");
    free(kb);
    return rc;
  }
  snprintf(kb->origin, sizeof(kb->origin), "embedded");
  *out = kb;
  return 0;
}

int ctix_kb_open_file(ctix_kb **out, const char *path, ctix_error *err)
{
  char *data = NULL;
  size_t len = 0;
  ctix_kb *kb;
  int rc;
  *out = NULL;
  if ((rc = ctix__kbb_read(&data, &len, path, CTIX__KB_MAX_SIZE, err)))
    return rc;
  if (!(kb = malloc(sizeof(*kb)))) {
    free(data);
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory loading the knowledge base");
  }
  /* The read buffer comes from malloc: aligned for every record, kept as is. */
  if ((rc = ctix__kb_attach(kb, (const unsigned char *)data, len, 0, err))) {
    ctix__error_source(err, path);
    free(data);
    free(kb);
    return rc;
  }
  kb->owned = (unsigned char *)data;
  snprintf(kb->origin, sizeof(kb->origin), "%s", path);
  *out = kb;
  return 0;
}

int ctix_kb_open_dir(ctix_kb **out, const char *dir, ctix_error *err)
{
  char path[4096];
  size_t n = strlen(dir);
  int k = snprintf(path, sizeof(path), "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/",
                   CTIX__KB_FILE);
  *out = NULL;
  if (k < 0 || (size_t)k >= sizeof(path))
    return ctix__error_set(err, CTIX_EINVAL, "knowledge-base directory path too long");
  return ctix_kb_open_file(out, path, err);
}

void ctix_kb_free(ctix_kb *kb)
{
  if (!kb)
    return;
  free(kb->owned);
  free(kb);
}

/* The process-wide instance. */
static pthread_once_t default_once = PTHREAD_ONCE_INIT;
static ctix_kb *default_kb;
static ctix_error default_err;

/* Loads the shared instance once: CTIX_KB when set, else the embedded tables. */
static void load_default(void)
{
  const char *dir = getenv("CTIX_KB");
  ctix_kb *kb = NULL;
  ctix_error_clear(&default_err);
  if (dir && dir[0])
    ctix_kb_open_dir(&kb, dir, &default_err);
  else
    ctix_kb_open_embedded(&kb, &default_err);
  __atomic_store_n(&default_kb, kb, __ATOMIC_RELEASE);
}

bool ctix__kb_is_default(const ctix_kb *kb)
{
  return kb && kb == __atomic_load_n(&default_kb, __ATOMIC_ACQUIRE);
}

int ctix_kb_default(const ctix_kb **out, ctix_error *err)
{
  pthread_once(&default_once, load_default);
  *out = default_kb;
  if (default_kb)
    return 0;
  if (err && err->code == 0)
    *err = default_err;
  return default_err.code ? default_err.code : CTIX_ENOMEM;
}

const char *ctix_kb_origin(const ctix_kb *kb)
{
  return kb->origin;
}

size_t ctix_kb_size(const ctix_kb *kb)
{
  return kb->size;
}

/* ------------------------------------------------------------ source list */

size_t ctix_kb_nsources(const ctix_kb *kb)
{
  return kb->nmeta;
}

int ctix_kb_source_at(const ctix_kb *kb, size_t i, const char **key, const char **value)
{
  const uint32_t *items = ctix__kb_list_items(kb, kb->meta);
  if (i >= kb->nmeta)
    return CTIX_ENOTFOUND;
  *key = ctix__kb_str(kb, items[2 * i]);
  *value = ctix__kb_str(kb, items[2 * i + 1]);
  return 0;
}

const char *ctix_kb_source(const ctix_kb *kb, const char *key)
{
  size_t i;
  const char *k, *v;
  for (i = 0; i < kb->nmeta; i++)
    if (ctix_kb_source_at(kb, i, &k, &v) == 0 && strcmp(k, key) == 0)
      return v;
  return NULL;
}

/* ---------------------------------------------------------------- objects */

size_t ctix_kb_count(const ctix_kb *kb)
{
  return kb->nobjs;
}

size_t ctix_kb_range(const ctix_kb *kb, ctix_kb_kind kind, ctix_kb_ref *first)
{
  if (kind < CTIX_KB_TECHNIQUE || kind >= CTIX_KB_NKINDS) {
    *first = 0;
    return 0;
  }
  *first = kb->kind_first[kind];
  return kb->kind_count[kind];
}

int ctix_kb_get(const ctix_kb *kb, ctix_kb_ref ref, ctix_kb_obj *out)
{
  const ctix__kb_obj *o;
  if (ref >= kb->nobjs)
    return CTIX_ENOTFOUND;
  o = &kb->objs[ref];
  out->ref = ref;
  out->kind = (ctix_kb_kind)o->kind;
  out->domains = o->domains;
  out->flags = o->flags;
  out->id = ctix__kb_str(kb, o->id);
  out->stix_id = ctix__kb_str(kb, o->stix);
  out->name = ctix__kb_str(kb, o->name);
  out->shortname = ctix__kb_str(kb, o->shortname);
  out->first_seen = ctix__kb_str(kb, o->first_seen);
  out->last_seen = ctix__kb_str(kb, o->last_seen);
  out->parent = o->parent == CTIX__KB_NIL ? CTIX_KB_NONE : o->parent;
  out->revoked_by = o->revoked_by == CTIX__KB_NIL ? CTIX_KB_NONE : o->revoked_by;
  out->naliases = ctix__kb_list_count(kb, o->aliases);
  out->nplatforms = ctix__kb_list_count(kb, o->platforms);
  out->first_edge = o->edges;
  out->nedges = o->nedges;
  return 0;
}

ctix_kb_kind ctix_kb_kind_of(const ctix_kb *kb, ctix_kb_ref ref)
{
  return ref < kb->nobjs ? (ctix_kb_kind)kb->objs[ref].kind : (ctix_kb_kind)0;
}

const char *ctix_kb_id(const ctix_kb *kb, ctix_kb_ref ref)
{
  return ref < kb->nobjs ? ctix__kb_str(kb, kb->objs[ref].id) : "";
}

const char *ctix_kb_name(const ctix_kb *kb, ctix_kb_ref ref)
{
  return ref < kb->nobjs ? ctix__kb_str(kb, kb->objs[ref].name) : "";
}

unsigned ctix_kb_flags(const ctix_kb *kb, ctix_kb_ref ref)
{
  return ref < kb->nobjs ? kb->objs[ref].flags : 0;
}

static const char *list_item(const ctix_kb *kb, uint32_t list, size_t i)
{
  if (i >= ctix__kb_list_count(kb, list))
    return NULL;
  return ctix__kb_str(kb, ctix__kb_list_items(kb, list)[i]);
}

const char *ctix_kb_alias(const ctix_kb *kb, ctix_kb_ref ref, size_t i)
{
  return ref < kb->nobjs ? list_item(kb, kb->objs[ref].aliases, i) : NULL;
}

const char *ctix_kb_platform(const ctix_kb *kb, ctix_kb_ref ref, size_t i)
{
  return ref < kb->nobjs ? list_item(kb, kb->objs[ref].platforms, i) : NULL;
}

/* ------------------------------------------------------------------ edges */

/* First index in [lo, hi) whose (rel, target) is not below (rel, target). */
static size_t edge_lower(const ctix_kb *kb, size_t lo, size_t hi, unsigned rel, uint32_t target)
{
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const ctix__kb_edge *e = &kb->edges[mid];
    if (e->rel < rel || (e->rel == rel && e->target < target))
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

size_t ctix_kb_edges(const ctix_kb *kb, ctix_kb_ref ref, ctix_kb_rel rel, ctix_kb_kind kind,
                     size_t *first)
{
  size_t lo, hi, a, z;
  uint32_t tlo = 0, thi = UINT32_MAX;
  *first = 0;
  if (ref >= kb->nobjs)
    return 0;
  lo = kb->objs[ref].edges;
  hi = lo + kb->objs[ref].nedges;
  if (kind) {
    if (kind < CTIX_KB_TECHNIQUE || kind >= CTIX_KB_NKINDS)
      return 0;
    tlo = kb->kind_first[kind];
    thi = tlo + kb->kind_count[kind];
  }
  a = edge_lower(kb, lo, hi, rel, tlo);
  z = thi == UINT32_MAX ? edge_lower(kb, a, hi, (unsigned)rel + 1, 0)
                        : edge_lower(kb, a, hi, rel, thi);
  *first = a;
  return z - a;
}

int ctix_kb_edge_at(const ctix_kb *kb, size_t index, ctix_kb_edge *out)
{
  const ctix__kb_edge *e;
  if (index >= kb->nedges)
    return CTIX_ENOTFOUND;
  e = &kb->edges[index];
  out->rel = (ctix_kb_rel)e->rel;
  out->target = e->target;
  out->via = e->via == CTIX__KB_NIL ? CTIX_KB_NONE : e->via;
  out->verb = ctix__kb_str(kb, ctix__kb_list_items(kb, kb->verbs)[e->verb]);
  out->flags = e->flags;
  return 0;
}

ctix_kb_ref ctix_kb_edge_target(const ctix_kb *kb, size_t index)
{
  return index < kb->nedges ? kb->edges[index].target : CTIX_KB_NONE;
}

/* ---------------------------------------------------------------- lookups */

/*
 * Probes table `slots` for key[0..len): returns the entry (slot value - 1)
 * whose string, given by `str(kb, entry)`, equals the key ignoring case.
 */
static uint32_t probe(const ctix_kb *kb, const uint32_t *slots, uint32_t n, const char *key,
                      size_t len, const char *(*str)(const ctix_kb *, uint32_t))
{
  uint32_t s, i;
  if (!n || !len)
    return CTIX__KB_NIL;
  s = ctix__kb_hash(key, len) & (n - 1);
  for (i = 0; i < n && slots[s]; i++, s = (s + 1) & (n - 1))
    if (ctix__mem_ieq(key, len, str(kb, slots[s] - 1)))
      return slots[s] - 1;
  return CTIX__KB_NIL;
}

static const char *obj_id(const ctix_kb *kb, uint32_t i)
{
  return ctix__kb_str(kb, kb->objs[i].id);
}

static const char *obj_stix(const ctix_kb *kb, uint32_t i)
{
  return ctix__kb_str(kb, kb->objs[i].stix);
}

static const char *name_str(const ctix_kb *kb, uint32_t i)
{
  return ctix__kb_str(kb, kb->names[i].str);
}

static const char *kev_cve(const ctix_kb *kb, uint32_t i)
{
  return ctix__kb_str(kb, kb->kev[i].cve);
}

int ctix_kb_find_id(const ctix_kb *kb, const char *id, size_t len, ctix_kb_ref *out)
{
  uint32_t r = probe(kb, kb->hash_id, kb->nhash_id, id, len, obj_id);
  *out = r == CTIX__KB_NIL ? CTIX_KB_NONE : r;
  return r == CTIX__KB_NIL ? CTIX_ENOTFOUND : 0;
}

int ctix_kb_resolve_id(const ctix_kb *kb, const char *id, size_t len, ctix_kb_ref *out)
{
  int rc = ctix_kb_find_id(kb, id, len, out);
  if (rc == 0 && kb->objs[*out].revoked_by != CTIX__KB_NIL)
    *out = kb->objs[*out].revoked_by;
  return rc;
}

int ctix_kb_find_stix(const ctix_kb *kb, const char *stix_id, size_t len, ctix_kb_ref *out)
{
  uint32_t r = probe(kb, kb->hash_stix, kb->nhash_stix, stix_id, len, obj_stix);
  *out = r == CTIX__KB_NIL ? CTIX_KB_NONE : r;
  return r == CTIX__KB_NIL ? CTIX_ENOTFOUND : 0;
}

size_t ctix_kb_find_name(const ctix_kb *kb, const char *name, size_t len, ctix_kb_ref *out,
                         size_t max)
{
  uint32_t e = probe(kb, kb->hash_name, kb->nhash_name, name, len, name_str);
  size_t n = 0;
  if (e == CTIX__KB_NIL)
    return 0;
  for (; e < kb->nnames && ctix__mem_ieq(name, len, name_str(kb, e)); e++) {
    if (n < max)
      out[n] = kb->names[e].obj;
    n++;
  }
  return n;
}

/* ------------------------------------------------------------------- KEV */

size_t ctix_kb_kev_count(const ctix_kb *kb)
{
  return kb->nkev;
}

int ctix_kb_kev_at(const ctix_kb *kb, size_t index, ctix_kb_kev *out)
{
  const ctix__kb_kevrec *k;
  if (index >= kb->nkev)
    return CTIX_ENOTFOUND;
  k = &kb->kev[index];
  out->index = index;
  out->cve = ctix__kb_str(kb, k->cve);
  out->vendor = ctix__kb_str(kb, k->vendor);
  out->product = ctix__kb_str(kb, k->product);
  out->name = ctix__kb_str(kb, k->name);
  out->date_added = ctix__kb_str(kb, k->date_added);
  out->due_date = ctix__kb_str(kb, k->due_date);
  out->ransomware = ctix__kb_str(kb, k->ransomware);
  out->known_ransomware = strcmp(out->ransomware, "Known") == 0;
  out->ncwes = ctix__kb_list_count(kb, k->cwes);
  return 0;
}

int ctix_kb_find_cve(const ctix_kb *kb, const char *cve, size_t len, ctix_kb_kev *out)
{
  uint32_t r = probe(kb, kb->hash_cve, kb->nhash_cve, cve, len, kev_cve);
  if (r == CTIX__KB_NIL)
    return CTIX_ENOTFOUND;
  return ctix_kb_kev_at(kb, r, out);
}

const char *ctix_kb_kev_cwe(const ctix_kb *kb, size_t index, size_t i)
{
  return index < kb->nkev ? list_item(kb, kb->kev[index].cwes, i) : NULL;
}

/* ------------------------------------------------------------------ names */

const char *ctix_kb_kind_name(ctix_kb_kind kind)
{
  static const char *const names[CTIX_KB_NKINDS] = {
      [CTIX_KB_TECHNIQUE] = "technique",
      [CTIX_KB_TACTIC] = "tactic",
      [CTIX_KB_GROUP] = "group",
      [CTIX_KB_SOFTWARE] = "software",
      [CTIX_KB_CAMPAIGN] = "campaign",
      [CTIX_KB_MITIGATION] = "mitigation",
      [CTIX_KB_DATA_COMPONENT] = "data_component",
      [CTIX_KB_D3FEND_TACTIC] = "d3fend_tactic",
      [CTIX_KB_D3FEND_TECHNIQUE] = "d3fend_technique",
      [CTIX_KB_ARTIFACT] = "artifact",
  };
  if (kind >= CTIX_KB_TECHNIQUE && kind < CTIX_KB_NKINDS)
    return names[kind];
  return "unknown";
}

const char *ctix_kb_rel_name(ctix_kb_rel rel)
{
  static const char *const names[CTIX_KB_NRELS] = {
      [CTIX_KB_REL_SUBTECHNIQUE] = "subtechniques",
      [CTIX_KB_REL_TACTIC] = "tactics",
      [CTIX_KB_REL_TECHNIQUE] = "techniques",
      [CTIX_KB_REL_USES] = "uses",
      [CTIX_KB_REL_USED_BY] = "used_by",
      [CTIX_KB_REL_ATTRIBUTED_TO] = "attributed_to",
      [CTIX_KB_REL_CAMPAIGN] = "campaigns",
      [CTIX_KB_REL_MITIGATES] = "mitigates",
      [CTIX_KB_REL_MITIGATED_BY] = "mitigated_by",
      [CTIX_KB_REL_DETECTED_BY] = "detected_by",
      [CTIX_KB_REL_DETECTS] = "detects",
      [CTIX_KB_REL_ARTIFACT] = "artifacts",
      [CTIX_KB_REL_ARTIFACT_OF] = "artifact_of",
      [CTIX_KB_REL_COUNTERED_BY] = "countered_by",
      [CTIX_KB_REL_COUNTERS] = "counters",
      [CTIX_KB_REL_D3FEND] = "d3fend",
      [CTIX_KB_REL_MITIGATION] = "mitigations",
      [CTIX_KB_REL_REPLACES] = "replaces",
  };
  if (rel >= CTIX_KB_REL_SUBTECHNIQUE && rel < CTIX_KB_NRELS)
    return names[rel];
  return "unknown";
}

const char *ctix_kb_domain_name(unsigned domain)
{
  switch (domain) {
  case CTIX_KB_ENTERPRISE: return "enterprise";
  case CTIX_KB_MOBILE: return "mobile";
  case CTIX_KB_ICS: return "ics";
  default: return "";
  }
}

const char *ctix_kb_domain_label(unsigned domain)
{
  switch (domain) {
  case CTIX_KB_ENTERPRISE: return "Enterprise";
  case CTIX_KB_MOBILE: return "Mobile";
  case CTIX_KB_ICS: return "ICS";
  default: return "";
  }
}

unsigned ctix_kb_domain_first(unsigned domains)
{
  static const unsigned order[] = {CTIX_KB_ENTERPRISE, CTIX_KB_MOBILE, CTIX_KB_ICS};
  size_t i;
  for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
    if (domains & order[i])
      return order[i];
  return CTIX_KB_ENTERPRISE;
}

const char *ctix_kb_status_name(unsigned flags)
{
  if (flags & CTIX_KB_REVOKED)
    return "revoked";
  if (flags & CTIX_KB_DEPRECATED)
    return "deprecated";
  return "active";
}

/* ATT&CK page paths per kind; sub-technique ids use '/' for '.'. */
char *ctix_kb_url(char *out, size_t size, const ctix_kb *kb, ctix_kb_ref ref)
{
  static const char *const paths[CTIX_KB_NKINDS] = {
      [CTIX_KB_TECHNIQUE] = "techniques", [CTIX_KB_TACTIC] = "tactics",
      [CTIX_KB_GROUP] = "groups",         [CTIX_KB_SOFTWARE] = "software",
      [CTIX_KB_CAMPAIGN] = "campaigns",   [CTIX_KB_MITIGATION] = "mitigations",
      [CTIX_KB_DATA_COMPONENT] = "datacomponents",
  };
  ctix_kb_obj o;
  char id[64];
  size_t i;
  if (!size)
    return out;
  out[0] = '\0';
  if (ctix_kb_get(kb, ref, &o) != 0)
    return out;
  if (o.kind == CTIX_KB_D3FEND_TECHNIQUE && o.shortname[0]) {
    snprintf(out, size, "https://d3fend.mitre.org/technique/d3f:%s/", o.shortname);
    return out;
  }
  if (o.kind >= CTIX_KB_NKINDS || !paths[o.kind] || !o.id[0])
    return out;
  ctix__strlcpy(id, o.id, sizeof(id));
  for (i = 0; id[i]; i++)
    if (id[i] == '.')
      id[i] = '/';
  snprintf(out, size, "https://attack.mitre.org/%s/%s/", paths[o.kind], id);
  return out;
}
