/*
 * The knowledge-base builder (`ctix kb build`): reads the ATT&CK bundles
 * (build_attack.c), the derived D3FEND CSVs (build_d3fend.c) and the KEV
 * catalog (build_kev.c) into one in-memory model, links it (relations,
 * revoked-by chains, roll-ups, reverse edges) and serialises it into the
 * table format of format.h (build_write.c).
 *
 * The model keeps objects in creation order; edges name objects by that
 * index. Only the writer sorts, so the output is the same whatever order
 * the inputs came in. Strings live in the builder's arena.
 */
#ifndef CTIX_KB_BUILD_H
#define CTIX_KB_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "ctix/kb.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"

/* Largest input file the builder reads. */
#define CTIX__KBB_MAX_INPUT ((size_t)512 * 1024 * 1024)
/* Most objects, edges or KEV entries the format can number. */
#define CTIX__KBB_MAX_RECORDS ((size_t)1 << 24)

typedef struct ctix__kbb_obj {
  uint8_t kind;
  uint8_t domains;
  uint16_t flags;
  const char *id, *stix, *name, *shortname, *first_seen, *last_seen, *modified;
  const char **aliases;
  const char **platforms;
  const char **phases;        /* techniques: kill-chain phase names of their domain */
  uint32_t naliases, nplatforms, nphases;
  uint32_t parent;            /* creation index or CTIX__KB_NIL */
  uint32_t revoked_by;        /* direct target, then (after linking) the final one */
  uint32_t order;             /* sort key inside the kind (tactics: matrix order) */
  const char *parent_key;     /* D3FEND: parent id until linked */
  uint32_t file;              /* input file index, for messages */
  uint32_t index;             /* position in that file */
} ctix__kbb_obj;

typedef struct ctix__kbb_edge {
  uint32_t src, dst, via;     /* creation indexes; via may be CTIX__KB_NIL */
  uint8_t rel, flags;
  uint8_t rank;               /* provenance: 0 own, 1 inherited, 2 rolled up */
  const char *verb;           /* "" when none */
} ctix__kbb_edge;

/* A STIX relationship or ref list waiting for the objects to be known. */
typedef struct ctix__kbb_rel {
  const char *type, *src, *dst, *stix;
  uint32_t file, index;
} ctix__kbb_rel;

/* A detection strategy, analytic or matrix: one id and a list of refs. */
typedef struct ctix__kbb_list {
  const char *stix;
  const char **refs;
  uint32_t nrefs;
  uint8_t domain;
  bool deprecated;
  uint32_t file, index;
} ctix__kbb_list;

typedef struct ctix__kbb_kev {
  const char *cve, *vendor, *product, *name, *date_added, *due_date, *ransomware;
  const char **cwes;
  uint32_t ncwes;
} ctix__kbb_kev;

typedef struct ctix__kbb_meta {
  const char *key, *value;
} ctix__kbb_meta;

typedef struct ctix__kbb {
  ctix_arena arena;
  ctix_error *err;
  ctix_buf files;             /* const char * input names */
  ctix_buf objs;              /* ctix__kbb_obj */
  ctix_buf edges;             /* ctix__kbb_edge */
  ctix_buf rels;              /* ctix__kbb_rel */
  ctix_buf strategies;        /* ctix__kbb_list */
  ctix_buf analytics;         /* ctix__kbb_list */
  ctix_buf matrices;          /* ctix__kbb_list */
  ctix_buf kev;               /* ctix__kbb_kev */
  ctix_buf meta;              /* ctix__kbb_meta */
  unsigned domains;           /* domains of the bundles read so far */
  uint32_t nattack;           /* after linking: objects [0, nattack) are ATT&CK, by STIX id */
  bool linked;                /* ctix__kbb_link_attack ran */
  bool have_d3fend, have_kev;
  /* Lookup of (kind, id) -> creation index, built by ctix__kbb_link_attack. */
  uint32_t *map;
  size_t map_cap, map_used;
} ctix__kbb;

void ctix__kbb_init(ctix__kbb *b, ctix_error *err);
void ctix__kbb_free(ctix__kbb *b);

/* Records an input name; returns its index for messages (or a code < 0). */
int ctix__kbb_file(ctix__kbb *b, const char *name);
const char *ctix__kbb_file_name(const ctix__kbb *b, uint32_t file);

/* Reads a whole file (at most `max` bytes) into *out (caller frees with free()). */
int ctix__kbb_read(char **out, size_t *len, const char *path, size_t max, ctix_error *err);

/* Adds one ATT&CK STIX 2.1 bundle (JSON text). */
int ctix__kbb_add_bundle(ctix__kbb *b, const char *data, size_t len, const char *name);
/* Merges objects seen in several bundles and resolves every reference. */
int ctix__kbb_link_attack(ctix__kbb *b);

/* The derived D3FEND CSVs; the techniques CSV first, after linking ATT&CK. */
int ctix__kbb_add_d3fend_techniques(ctix__kbb *b, const char *data, size_t len,
                                    const char *name);
int ctix__kbb_add_d3fend_artifacts(ctix__kbb *b, const char *data, size_t len,
                                   const char *name);
int ctix__kbb_add_d3fend_mappings(ctix__kbb *b, const char *data, size_t len,
                                  const char *name);
int ctix__kbb_add_d3fend_mitigations(ctix__kbb *b, const char *data, size_t len,
                                     const char *name);

/* Adds the KEV catalog (JSON text). */
int ctix__kbb_add_kev(ctix__kbb *b, const char *data, size_t len, const char *name);

/* Adds a source-version entry ("d3fend" = "1.2.0"). */
int ctix__kbb_add_meta(ctix__kbb *b, const char *key, const char *value);

/* Roll-ups and reverse edges; then the blob (caller frees with free()). */
int ctix__kbb_write(ctix__kbb *b, unsigned char **out, size_t *len);

/* ------------------------------------------------------------ helpers */

char *ctix__kbb_strdup(ctix__kbb *b, const char *s, size_t n);
int ctix__kbb_nomem(ctix__kbb *b);
/* Appends an object; returns its creation index in *idx. */
int ctix__kbb_add_obj(ctix__kbb *b, const ctix__kbb_obj *o, uint32_t *idx);
int ctix__kbb_add_edge(ctix__kbb *b, uint32_t src, ctix_kb_rel rel, uint32_t dst,
                       uint32_t via, const char *verb, unsigned flags, unsigned rank);
/* Rank of an object among others with its id: active, deprecated, revoked. */
static inline int ctix__kbb_status_rank(unsigned flags)
{
  return (flags & CTIX_KB_REVOKED) ? 2 : (flags & CTIX_KB_DEPRECATED) ? 1 : 0;
}

/* (kind, id) lookup: CTIX__KB_NIL if absent. Ids compare exactly. */
uint32_t ctix__kbb_lookup(const ctix__kbb *b, ctix_kb_kind kind, const char *id);
/* Adds (kind, id) -> idx to the lookup, keeping the better of two claimants. */
int ctix__kbb_index(ctix__kbb *b, uint32_t idx);

/* ------------------------------------------------------- JSON helpers */

/* Where a JSON value sits, for messages: "objects[12] (attack-pattern--...)". */
typedef struct ctix__kbb_at {
  ctix__kbb *b;
  const char *file;
  const char *array;          /* "objects", "vulnerabilities" */
  size_t index;
  const char *id;             /* the element's id once known, or NULL */
} ctix__kbb_at;

/* Records "FILE: message" with `code`; returns it. */
int ctix__kbb_ffail(ctix__kbb *b, const char *file, int code, const char *fmt, ...)
    CTIX__PRINTF(4, 5);
/* Records "FILE: ARRAY[I] (ID): message" as CTIX_EPARSE. */
int ctix__kbb_jfail(const ctix__kbb_at *at, const char *fmt, ...) CTIX__PRINTF(2, 3);
/* Parses JSON text; syntax errors name the file, line and column. */
int ctix__kbb_jparse(ctix__kbb *b, json_t **out, const char *data, size_t len,
                     const char *file);
/*
 * String member `key` of `obj`, copied to the arena. Absent: NULL if not
 * required, an error otherwise. Not a string, or holding a NUL: an error.
 */
int ctix__kbb_jstr(const ctix__kbb_at *at, json_t *obj, const char *key, bool required,
                   const char **out);
/* Array of strings `key` (absent: empty), copied to the arena. */
int ctix__kbb_jstrs(const ctix__kbb_at *at, json_t *obj, const char *key, const char ***out,
                    uint32_t *n);
/* Boolean member `key` (absent: false). */
int ctix__kbb_jbool(const ctix__kbb_at *at, json_t *obj, const char *key, bool *out);

#define CTIX__KBB_OBJ(b, i) (&CTIX__BUF_AT(&(b)->objs, ctix__kbb_obj, (i)))
#define CTIX__KBB_NOBJS(b) CTIX__BUF_COUNT(&(b)->objs, ctix__kbb_obj)

#endif
