/*
 * Named entities of a document: threat groups, malware, tools and
 * campaigns (from the knowledge base with every alias, or introduced by the
 * text as new names), vulnerabilities with their KEV status, victims
 * (organisations), sectors and countries or regions.
 *
 * Every entity carries its mentions (byte spans of doc->text) so an analyst
 * can check it. Known names resolve to ATT&CK ids; aliases that are
 * ordinary words need supporting context. Vocabularies (sectors,
 * countries and demonyms, trigger phrases) are data files under
 * data/entity/, embedded in the library.
 *
 * Ownership: `**out` is the caller's to free with ctix_entity_list_free
 * (NULL accepted); strings live as long as the list.
 */
#ifndef CTIX_ENTITY_H
#define CTIX_ENTITY_H

#include <stdbool.h>
#include <stddef.h>

#include "ctix/document.h"
#include "ctix/error.h"
#include "ctix/ioc.h"
#include "ctix/kb.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ctix_entity_kind {
  CTIX_ENTITY_GROUP = 0,     /* threat actor / intrusion set */
  CTIX_ENTITY_MALWARE,
  CTIX_ENTITY_TOOL,
  CTIX_ENTITY_CAMPAIGN,
  CTIX_ENTITY_VULNERABILITY, /* CVE */
  CTIX_ENTITY_VICTIM,        /* organisation named as target or affected */
  CTIX_ENTITY_SECTOR,        /* key of data/entity/sectors.tsv, e.g. "energy" */
  CTIX_ENTITY_LOCATION,      /* country (ISO 3166-1 alpha-2) or region */
  CTIX_ENTITY_KIND_COUNT
} ctix_entity_kind;

/* One place the entity is named. */
typedef struct ctix_entity_mention {
  size_t start, end;         /* byte span in doc->text */
  size_t sentence;           /* index into doc->sentences */
  const char *alias;         /* the alias or pattern that matched, as in the KB or data */
} ctix_entity_mention;

typedef struct ctix_entity {
  ctix_entity_kind kind;
  const char *name;          /* canonical: KB name, CVE id, sector key, country name, or as introduced */
  const char *id;            /* G0016, S0154, C0024, CVE-2021-44228, ISO code "PL", region key; NULL if none */
  const char *stix_id;       /* MITRE's STIX id for ATT&CK objects, else NULL */
  ctix_kb_ref ref;           /* KB object, or CTIX_KB_NONE */
  bool known;                /* found in the KB/data tables; false: a new name the text introduces */
  float confidence;          /* 0-1 */
  const char *role;          /* victims/locations/sectors: "targeted" or "mentioned"; groups: "named by the source" */
  const char *evidence;      /* short reason: "alias APT29 with 'group'", "dubbed X", "KEV", ... */
  const ctix_entity_mention *mentions; /* in text order */
  size_t nmentions;
  /* Vulnerabilities only (else zero / NULL). */
  bool kev;                  /* in CISA's Known Exploited Vulnerabilities catalogue */
  const char *kev_date_added, *kev_due_date; /* YYYY-MM-DD */
  bool kev_ransomware;       /* known ransomware campaign use */
  const char *vendor, *product; /* from KEV, or from the text */
} ctix_entity;

/* Entities by kind (enum order), then by first mention. */
typedef struct ctix_entity_list {
  const ctix_entity *items;
  size_t count;
} ctix_entity_list;

typedef struct ctix_entity_options {
  const ctix_kb *kb;         /* NULL = ctix_kb_default() */
  bool new_names;            /* report names the text introduces (default true) */
} ctix_entity_options;

void ctix_entity_options_init(ctix_entity_options *opts);

/*
 * Finds the entities of `doc`. `iocs` (may be NULL) gives the CVE ids
 * already found by the IOC stage. On success *out is the caller's.
 */
int ctix_entity_extract(ctix_entity_list **out, const ctix_document *doc,
                        const ctix_ioc_list *iocs, const ctix_entity_options *opts,
                        ctix_error *err);

void ctix_entity_list_free(ctix_entity_list *list);

/* "group", "malware", "tool", "campaign", "vulnerability", "victim", "sector", "location". */
const char *ctix_entity_kind_name(ctix_entity_kind kind);

#ifdef __cplusplus
}
#endif
#endif
