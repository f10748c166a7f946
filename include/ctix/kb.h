/*
 * The knowledge base: MITRE ATT&CK (Enterprise, Mobile, ICS), MITRE D3FEND
 * and the CISA KEV catalog as compact read-only tables.
 *
 * The tables are built offline by ctix_kb_build (`ctix kb build`, `make
 * kb`) into data/kb/ctix.kb, which is embedded in libctix, so ctix works
 * from any directory with no file beside it. A newer file can be loaded
 * from a directory (`--kb DIR`, the CTIX_KB environment variable).
 *
 * Objects (techniques, groups, D3FEND techniques, ...) are numbered
 * 0..ctix_kb_count()-1 and sorted by kind, so each kind is one contiguous
 * range (ctix_kb_range). Every object has a list of edges (relations to
 * other objects), sorted by relation, then by target. All strings point
 * into the knowledge base and live as long as it does. Lookups by ATT&CK
 * id, STIX id, name or alias and CVE id are hash lookups, ASCII case
 * ignored.
 *
 * Ownership: ctix_kb_open_* give a handle the caller releases with
 * ctix_kb_free; ctix_kb_default gives a shared process-wide instance that
 * is never released. A loaded knowledge base is immutable and may be
 * read from several threads at once.
 */
#ifndef CTIX_KB_H
#define CTIX_KB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctix/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ctix_kb ctix_kb;

/* An object's number; CTIX_KB_NONE for "no object". */
typedef uint32_t ctix_kb_ref;
#define CTIX_KB_NONE ((ctix_kb_ref)0xffffffffu)

/* Object kinds, in the order of the object table. */
typedef enum ctix_kb_kind {
  CTIX_KB_TECHNIQUE = 1,     /* ATT&CK technique or sub-technique (T1059, T1059.001) */
  CTIX_KB_TACTIC,            /* ATT&CK tactic (TA0002), in matrix order per domain */
  CTIX_KB_GROUP,             /* intrusion set (G0016) */
  CTIX_KB_SOFTWARE,          /* malware or tool (S0002) */
  CTIX_KB_CAMPAIGN,          /* C0024 */
  CTIX_KB_MITIGATION,        /* course of action (M1032) */
  CTIX_KB_DATA_COMPONENT,    /* DC0001 */
  CTIX_KB_D3FEND_TACTIC,     /* Model, Harden, Detect, ... in D3FEND display order */
  CTIX_KB_D3FEND_TECHNIQUE,  /* D3-DA */
  CTIX_KB_ARTIFACT,          /* D3FEND digital artifact (id = its class name) */
  CTIX_KB_NKINDS
} ctix_kb_kind;

/* ATT&CK domains (bit set: an object may belong to several). */
enum {
  CTIX_KB_ENTERPRISE = 1,
  CTIX_KB_MOBILE = 2,
  CTIX_KB_ICS = 4
};

/* Object flags. */
enum {
  CTIX_KB_REVOKED = 1,       /* revoked; revoked_by names the replacement, if any */
  CTIX_KB_DEPRECATED = 2,
  CTIX_KB_SUBTECHNIQUE = 4,
  CTIX_KB_MALWARE = 8,       /* software: malware */
  CTIX_KB_TOOL = 16          /* software: tool */
};

/* Relations. Each comes with its reverse, stored on the other object. */
typedef enum ctix_kb_rel {
  CTIX_KB_REL_SUBTECHNIQUE = 1, /* technique -> its sub-techniques; D3FEND technique -> children */
  CTIX_KB_REL_TACTIC,        /* technique -> tactics (matrix order); D3FEND technique -> tactic */
  CTIX_KB_REL_TECHNIQUE,     /* tactic -> techniques */
  CTIX_KB_REL_USES,          /* group, campaign, software -> technique or software */
  CTIX_KB_REL_USED_BY,       /* technique or software -> group, campaign, software */
  CTIX_KB_REL_ATTRIBUTED_TO, /* campaign -> group */
  CTIX_KB_REL_CAMPAIGN,      /* group -> campaigns attributed to it */
  CTIX_KB_REL_MITIGATES,     /* mitigation -> technique */
  CTIX_KB_REL_MITIGATED_BY,  /* technique -> mitigation */
  CTIX_KB_REL_DETECTED_BY,   /* technique -> data component (via detection strategies) */
  CTIX_KB_REL_DETECTS,       /* data component -> technique */
  CTIX_KB_REL_ARTIFACT,      /* technique or D3FEND technique -> artifact; verb says how */
  CTIX_KB_REL_ARTIFACT_OF,   /* artifact -> technique or D3FEND technique */
  CTIX_KB_REL_COUNTERED_BY,  /* technique -> D3FEND technique; via = the technique's artifact */
  CTIX_KB_REL_COUNTERS,      /* D3FEND technique -> technique */
  CTIX_KB_REL_D3FEND,        /* mitigation -> related D3FEND technique */
  CTIX_KB_REL_MITIGATION,    /* D3FEND technique -> related mitigation */
  CTIX_KB_REL_REPLACES,      /* current object -> revoked objects that resolve to it */
  CTIX_KB_NRELS
} ctix_kb_rel;

/* Edge flags (COUNTERED_BY / COUNTERS / ARTIFACT). */
enum {
  CTIX_KB_EDGE_INHERITED = 1, /* a sub-technique's edge taken from its parent */
  CTIX_KB_EDGE_ROLLUP = 2,    /* a parent's edge rolled up from a sub-technique */
  CTIX_KB_EDGE_SUBCLASS = 4   /* the artifacts matched through a subclass, not equal */
};

/* A view of one object. Strings are "" when absent, never NULL. */
typedef struct ctix_kb_obj {
  ctix_kb_ref ref;
  ctix_kb_kind kind;
  unsigned domains;          /* CTIX_KB_ENTERPRISE | ...; 0 for D3FEND objects */
  unsigned flags;            /* CTIX_KB_REVOKED | ... */
  const char *id;            /* ATT&CK id, D3FEND id, or artifact class name */
  const char *stix_id;       /* ATT&CK objects only */
  const char *name;
  const char *shortname;     /* tactics: "execution" (the kill-chain phase name) */
  const char *first_seen;    /* campaigns: ISO 8601 as in ATT&CK */
  const char *last_seen;
  ctix_kb_ref parent;        /* sub-technique -> technique; D3FEND technique -> parent */
  ctix_kb_ref revoked_by;    /* the current replacement (chains followed), or NONE */
  size_t naliases;           /* ctix_kb_alias(kb, ref, 0..naliases-1) */
  size_t nplatforms;         /* ctix_kb_platform(kb, ref, 0..nplatforms-1) */
  size_t first_edge, nedges; /* ctix_kb_edge_at(kb, first_edge .. first_edge+nedges-1) */
} ctix_kb_obj;

/* One relation of an object. */
typedef struct ctix_kb_edge {
  ctix_kb_rel rel;
  ctix_kb_ref target;
  ctix_kb_ref via;           /* COUNTERED_BY/COUNTERS: the ATT&CK technique's artifact */
  const char *verb;          /* ARTIFACT edges: "executes", "analyzes", ...; else "" */
  unsigned flags;            /* CTIX_KB_EDGE_* */
} ctix_kb_edge;

/* One entry of the KEV catalog. */
typedef struct ctix_kb_kev {
  size_t index;
  const char *cve;           /* "CVE-2021-44228" */
  const char *vendor, *product, *name;
  const char *date_added, *due_date;   /* YYYY-MM-DD */
  const char *ransomware;    /* "Known" or "Unknown", as CISA writes it */
  bool known_ransomware;
  size_t ncwes;              /* ctix_kb_kev_cwe(kb, index, 0..ncwes-1) */
} ctix_kb_kev;

/* ------------------------------------------------------------- loading */

/*
 * Opens the knowledge base embedded in the library (no copy, no I/O).
 * CTIX_ENOTFOUND if the library was built without data/kb/ctix.kb.
 */
int ctix_kb_open_embedded(ctix_kb **out, ctix_error *err);

/* Opens DIR/ctix.kb. Errors: CTIX_EIO, CTIX_ETOOBIG, CTIX_EPARSE. */
int ctix_kb_open_dir(ctix_kb **out, const char *dir, ctix_error *err);

/* Opens one table file (at most 64 MiB). */
int ctix_kb_open_file(ctix_kb **out, const char *path, ctix_error *err);

/*
 * Opens a table blob from memory; the bytes are copied. `source` names it
 * in errors (may be NULL). Every offset is checked: corrupt data gives
 * CTIX_EPARSE.
 */
int ctix_kb_open_mem(ctix_kb **out, const void *data, size_t len, const char *source,
                     ctix_error *err);

/* Releases a handle from ctix_kb_open_*; NULL is accepted. */
void ctix_kb_free(ctix_kb *kb);

/*
 * The shared knowledge base of the process, loaded on first use: from the
 * directory named by the CTIX_KB environment variable when it is set and
 * not empty, otherwise the embedded one. Thread-safe; the result (or the
 * error) is the same for every later call. Never free it.
 */
int ctix_kb_default(const ctix_kb **out, ctix_error *err);

/* "embedded" or the path of the file it was loaded from. */
const char *ctix_kb_origin(const ctix_kb *kb);

/* Size of the tables in bytes. */
size_t ctix_kb_size(const ctix_kb *kb);

/*
 * Source versions, as key/value pairs: "attack-enterprise" = "18.1",
 * "attack-enterprise-modified", "attack-spec", "d3fend" = "1.2.0", "kev" =
 * catalog version, "kev-released", ... ctix_kb_source_at fills i-th pair
 * (CTIX_ENOTFOUND past the end); ctix_kb_source returns the value of a
 * key or NULL.
 */
size_t ctix_kb_nsources(const ctix_kb *kb);
int ctix_kb_source_at(const ctix_kb *kb, size_t i, const char **key, const char **value);
const char *ctix_kb_source(const ctix_kb *kb, const char *key);

/* ------------------------------------------------------------- objects */

/* Number of objects (refs are 0..count-1). */
size_t ctix_kb_count(const ctix_kb *kb);

/* The objects of one kind are refs [*first, *first + return value). */
size_t ctix_kb_range(const ctix_kb *kb, ctix_kb_kind kind, ctix_kb_ref *first);

/* Fills a view of object `ref`; CTIX_ENOTFOUND if out of range. */
int ctix_kb_get(const ctix_kb *kb, ctix_kb_ref ref, ctix_kb_obj *out);

/* Shortcuts: kind (0 if out of range), id, name ("" if out of range). */
ctix_kb_kind ctix_kb_kind_of(const ctix_kb *kb, ctix_kb_ref ref);
const char *ctix_kb_id(const ctix_kb *kb, ctix_kb_ref ref);
const char *ctix_kb_name(const ctix_kb *kb, ctix_kb_ref ref);
unsigned ctix_kb_flags(const ctix_kb *kb, ctix_kb_ref ref);

/* i-th alias / platform of an object; NULL past the end. */
const char *ctix_kb_alias(const ctix_kb *kb, ctix_kb_ref ref, size_t i);
const char *ctix_kb_platform(const ctix_kb *kb, ctix_kb_ref ref, size_t i);

/*
 * The edges of `ref` with relation `rel` whose target has kind `kind` (0:
 * any kind) are edge indexes [*first, *first + return value). O(log n).
 */
size_t ctix_kb_edges(const ctix_kb *kb, ctix_kb_ref ref, ctix_kb_rel rel, ctix_kb_kind kind,
                     size_t *first);

/* Fills edge number `index`; CTIX_ENOTFOUND if out of range. */
int ctix_kb_edge_at(const ctix_kb *kb, size_t index, ctix_kb_edge *out);

/* Target of edge `index` (CTIX_KB_NONE if out of range): the fast path. */
ctix_kb_ref ctix_kb_edge_target(const ctix_kb *kb, size_t index);

/* ------------------------------------------------------------- lookups */

/*
 * Object by ATT&CK id ("T1059.001", "G0016", "TA0002", "M1032"), D3FEND id
 * ("D3-DA") or artifact name, ASCII case ignored. The object may be
 * revoked or deprecated. CTIX_ENOTFOUND if unknown.
 */
int ctix_kb_find_id(const ctix_kb *kb, const char *id, size_t len, ctix_kb_ref *out);

/*
 * As ctix_kb_find_id, then follows revoked-by to the current object, so an
 * old id found in an article maps to today's technique. A revoked object
 * without replacement is returned as is.
 */
int ctix_kb_resolve_id(const ctix_kb *kb, const char *id, size_t len, ctix_kb_ref *out);

/* Object by STIX id ("attack-pattern--..."). */
int ctix_kb_find_stix(const ctix_kb *kb, const char *stix_id, size_t len, ctix_kb_ref *out);

/*
 * Objects whose name or one of whose aliases equals name[0..len), ASCII
 * case ignored. Stores up to `max` refs in out (sorted) and returns how
 * many objects match (possibly more than max).
 */
size_t ctix_kb_find_name(const ctix_kb *kb, const char *name, size_t len, ctix_kb_ref *out,
                         size_t max);

/* ------------------------------------------------------------------ KEV */

size_t ctix_kb_kev_count(const ctix_kb *kb);
int ctix_kb_kev_at(const ctix_kb *kb, size_t index, ctix_kb_kev *out);
/* KEV entry by CVE id, case ignored; CTIX_ENOTFOUND if not in the catalog. */
int ctix_kb_find_cve(const ctix_kb *kb, const char *cve, size_t len, ctix_kb_kev *out);
/* i-th CWE id of a KEV entry; NULL past the end. */
const char *ctix_kb_kev_cwe(const ctix_kb *kb, size_t index, size_t i);

/* --------------------------------------------------------------- search */

/* One search result: an object, or a KEV entry (ref == CTIX_KB_NONE). */
typedef struct ctix_kb_hit {
  ctix_kb_ref ref;
  size_t kev;                /* KEV index when ref == CTIX_KB_NONE */
  int score;                 /* higher is better */
  const char *matched;       /* the name, alias or id that matched */
} ctix_kb_hit;

/*
 * Ranked search of names, aliases and ids (objects) and vendor, product
 * and vulnerability names (KEV) for the words of `query`. Exact names
 * rank first, then names starting with the query, then names holding
 * every word; revoked and deprecated objects rank lower. Stores the best
 * `max` hits in out, best first, and in *total how many matched in all.
 * Only the first 1023 bytes of the query count. Errors: CTIX_ENOMEM.
 */
int ctix_kb_search(ctix_kb_hit *out, size_t max, size_t *total, const ctix_kb *kb,
                   const char *query, ctix_error *err);

/* ---------------------------------------------------------------- names */

/* "technique", "tactic", "group", ...; "unknown" if out of range. */
const char *ctix_kb_kind_name(ctix_kb_kind kind);
/* "subtechnique", "tactic", "uses", "used_by", ...; "unknown" if out of range. */
const char *ctix_kb_rel_name(ctix_kb_rel rel);
/* "enterprise", "mobile" or "ics" for one domain bit; "" otherwise. */
const char *ctix_kb_domain_name(unsigned domain);
/* "Enterprise", "Mobile" or "ICS" (as ATT&CK titles them) for one domain bit; "" otherwise. */
const char *ctix_kb_domain_label(unsigned domain);
/*
 * One domain bit of a set: the first of Enterprise, Mobile, ICS it holds;
 * CTIX_KB_ENTERPRISE when it holds none (0 or unknown bits), so that a
 * technique or hit always names one domain.
 */
unsigned ctix_kb_domain_first(unsigned domains);
/* "active", "revoked" or "deprecated" from object flags. */
const char *ctix_kb_status_name(unsigned flags);

/*
 * Writes the object's public web page (attack.mitre.org or
 * d3fend.mitre.org) into out; "" when it has none. Returns out.
 */
char *ctix_kb_url(char *out, size_t size, const ctix_kb *kb, ctix_kb_ref ref);

/*
 * Describes the knowledge base: its origin, size, source versions and the
 * number of objects per kind, domain and status, relations and KEV
 * entries. As text (the manifest written next to the tables, `ctix kb
 * info`) or as one JSON object (`ctix kb info --json`). *out is the
 * caller's to free() and NUL-terminated.
 */
int ctix_kb_info(char **out, size_t *len, const ctix_kb *kb, bool json, ctix_error *err);

/* ------------------------------------------------------------- building */

/* Inputs of ctix_kb_build. */
typedef struct ctix_kb_build_opts {
  const char *const *attack;  /* ATT&CK STIX 2.1 bundles (any of Enterprise, Mobile, ICS) */
  size_t nattack;
  const char *d3fend;         /* folder of the derived D3FEND CSVs, or its mappings CSV */
  const char *d3fend_version; /* e.g. "1.2.0" (the CSVs do not say) */
  const char *kev;            /* known_exploited_vulnerabilities.json */
  const char *outdir;         /* receives ctix.kb and manifest.txt */
} ctix_kb_build_opts;

/*
 * Reads the sources and writes the tables to opts->outdir (created if
 * missing). The output depends only on the inputs: rebuilding gives the
 * same bytes. Bad input gives a one-line error naming the file and the
 * position (line:column for JSON syntax and CSV, the object otherwise):
 * CTIX_EIO, CTIX_ETOOBIG, CTIX_EPARSE, CTIX_EINVAL (missing option).
 */
int ctix_kb_build(const ctix_kb_build_opts *opts, ctix_error *err);

#ifdef __cplusplus
}
#endif
#endif
