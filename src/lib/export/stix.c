/*
 * The STIX 2.1 bundle of an analysis (docs/stix.md): the producer's
 * identity, a report that refers to every object, attack-patterns with
 * MITRE's ids and an evidence note each, the named groups, malware, tools,
 * campaigns, vulnerabilities, victims, sectors and locations, one indicator
 * per actionable observable with the SCO it is based on, ATT&CK mitigations
 * and D3FEND countermeasures as courses of action, and the relationships
 * between them, all under one TLP 2.0 marking.
 *
 * Everything is deterministic: SCO ids are the UUIDv5 of their
 * ID-contributing properties (JCS) under the STIX namespace, every other
 * id a UUIDv5 of its content under ctix's namespace, timestamps come from
 * the document's date or the options, and objects are written in the
 * order of the analysis. ctix-specific properties travel in one
 * property-extension (an extension-definition in the bundle), never as
 * loose custom keys. Values that a STIX type cannot hold (a URL with
 * spaces, a registry key with an abbreviated hive, a coin address) are
 * repaired where the repair is lossless, else listed in the report's
 * description instead of producing an invalid object. A bundle made once
 * for several writers (ctix_export_stix_bundle) keeps its indented and
 * compact texts, written in one pass, and records of its objects for the
 * renderers (export_internal.h).
 */
#include "ctix/export.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/sha1.h>

#include "ctix/kb.h"
#include "export/export_internal.h"
#include "export/ids.h"
#include "export/jsonw.h"
#include "export/layers_internal.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/hash.h"
#include "util/str.h"
#include "util/utf8.h"

/* Output limit: far above any real bundle, below what a 32-bit size can hold. */
#define STIX_MAX_OUTPUT ((size_t)1 << 30)
/* Observables without an SCO listed by value in the report description. */
#define STIX_MAX_OTHER_LISTED 200
/* Evidence sentences are cut (at a character boundary) past this many bytes. */
#define STIX_MAX_SENTENCE 2000
/* Mentions listed per entity in its extension. */
#define STIX_MAX_MENTIONS 20

#define ID_MAX 96
#define TS_LEN 48 /* "YYYY-MM-DDTHH:MM:SS.000Z" (24 bytes) with room to spare */

/* The TLP 2.0 marking definitions (OASIS cti-stix-common-objects). */
#define TLP2_EXTENSION "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
#define TLP2_CREATED "2022-10-01T00:00:00.000Z"
static const struct {
  const char *key, *name, *id;
} tlp_levels[] = {
    {"clear", "TLP:CLEAR", "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"},
    {"white", "TLP:CLEAR", "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"},
    {"green", "TLP:GREEN", "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"},
    {"amber", "TLP:AMBER", "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"},
    {"amber+strict", "TLP:AMBER+STRICT",
     "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"},
    {"red", "TLP:RED", "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"},
};

/* ctix's property-extension: its version is part of its (deterministic) id. */
#define EXT_NAME "ctix analysis properties"
#define EXT_VERSION "1.0"
#define EXT_CREATED "2026-01-01T00:00:00.000Z"
#define EXT_SCHEMA                                                                         \
  "Properties ctix adds to the objects it writes, as a property-extension: on a report "  \
  "the risk score and factors and the timeline; on a note the technique's ATT&CK id, "    \
  "status (observed, potential, implied), signals and evidence sentences with byte "      \
  "offsets into the analysed text; on an indicator the observable's ctix type, "          \
  "occurrences, first offset and whether it was defanged; on other objects ctix names, "  \
  "the entity kind, role, evidence and mentions. Described in docs/stix.md of ctix."

/* ------------------------------------------------------------ observables */

typedef enum sco_kind {
  SCO_NONE = 0,  /* no STIX cyber-observable: listed in the report description */
  SCO_SKIP,      /* represented otherwise (vulnerability, attack-pattern) or not an observable */
  SCO_VALUE,     /* {value} with '=' */
  SCO_CIDR,      /* {value} with ISSUBSET */
  SCO_HASH,      /* file {hashes} */
  SCO_FILE_NAME, /* file {name} */
  SCO_FILE_PATH, /* directory {path} + file {name, parent_directory_ref} */
  SCO_REGKEY,    /* windows-registry-key {key} */
  SCO_ASN,       /* autonomous-system {number} */
  SCO_MAC,       /* mac-addr {value}, lower-case colon form */
  SCO_MUTEX      /* mutex {name} */
} sco_kind;

/* How each ctix IOC type maps to STIX (types not listed: SCO_NONE). */
static const struct {
  ctix_ioc_type type;
  sco_kind kind;
  const char *sco;   /* SCO type */
  const char *extra; /* hash algorithm, or NULL */
  size_t hexlen;     /* expected hex digits of a hash; 0 = not hex */
} ioc_map[] = {
    {CTIX_IOC_IPV4, SCO_VALUE, "ipv4-addr", NULL, 0},
    {CTIX_IOC_IPV4_CIDR, SCO_CIDR, "ipv4-addr", NULL, 0},
    {CTIX_IOC_IPV6, SCO_VALUE, "ipv6-addr", NULL, 0},
    {CTIX_IOC_IPV6_CIDR, SCO_CIDR, "ipv6-addr", NULL, 0},
    {CTIX_IOC_DOMAIN, SCO_VALUE, "domain-name", NULL, 0},
    {CTIX_IOC_URL, SCO_VALUE, "url", NULL, 0},
    {CTIX_IOC_EMAIL, SCO_VALUE, "email-addr", NULL, 0},
    {CTIX_IOC_MD5, SCO_HASH, "file", "MD5", 32},
    {CTIX_IOC_SHA1, SCO_HASH, "file", "SHA-1", 40},
    {CTIX_IOC_SHA256, SCO_HASH, "file", "SHA-256", 64},
    {CTIX_IOC_SHA512, SCO_HASH, "file", "SHA-512", 128},
    {CTIX_IOC_SSDEEP, SCO_HASH, "file", "SSDEEP", 0},
    {CTIX_IOC_FILE_NAME, SCO_FILE_NAME, "file", NULL, 0},
    {CTIX_IOC_FILE_PATH, SCO_FILE_PATH, "file", NULL, 0},
    {CTIX_IOC_REGISTRY_KEY, SCO_REGKEY, "windows-registry-key", NULL, 0},
    {CTIX_IOC_ASN, SCO_ASN, "autonomous-system", NULL, 0},
    {CTIX_IOC_MAC, SCO_MAC, "mac-addr", NULL, 0},
    {CTIX_IOC_MUTEX, SCO_MUTEX, "mutex", NULL, 0},
    {CTIX_IOC_CVE, SCO_SKIP, NULL, NULL, 0},
    {CTIX_IOC_ATTACK_TECHNIQUE, SCO_SKIP, NULL, NULL, 0},
    {CTIX_IOC_ATTACK_TACTIC, SCO_SKIP, NULL, NULL, 0},
    {CTIX_IOC_ATTACK_GROUP, SCO_SKIP, NULL, NULL, 0},
    {CTIX_IOC_ATTACK_SOFTWARE, SCO_SKIP, NULL, NULL, 0},
    {CTIX_IOC_ATTACK_MITIGATION, SCO_SKIP, NULL, NULL, 0},
    {CTIX_IOC_ATTACK_CAMPAIGN, SCO_SKIP, NULL, NULL, 0},
    {CTIX_IOC_ATTACK_DATA_SOURCE, SCO_SKIP, NULL, NULL, 0},
    {CTIX_IOC_TLP, SCO_SKIP, NULL, NULL, 0},
};

/* Full names of the abbreviated registry hives (the schema refuses the short ones). */
static const struct {
  const char *abbr, *full;
} hives[] = {
    {"HKLM", "HKEY_LOCAL_MACHINE"}, {"HKCU", "HKEY_CURRENT_USER"},
    {"HKCR", "HKEY_CLASSES_ROOT"},  {"HKU", "HKEY_USERS"},
    {"HKCC", "HKEY_CURRENT_CONFIG"},
};
/* Substrings the windows-registry-key schema refuses anywhere in a key. */
static const char *const regkey_forbidden[] = {"HKLM", "HKCC", "HKCR", "HKCU", "HKU",
                                               "hklm", "hkcc", "hkcr", "hkcu", "hku"};

/* Entity kinds as STIX types (victims and sectors are identities). */
static const char *const entity_stix_type[CTIX_ENTITY_KIND_COUNT] = {
    [CTIX_ENTITY_GROUP] = "intrusion-set", [CTIX_ENTITY_MALWARE] = "malware",
    [CTIX_ENTITY_TOOL] = "tool",           [CTIX_ENTITY_CAMPAIGN] = "campaign",
    [CTIX_ENTITY_VULNERABILITY] = "vulnerability", [CTIX_ENTITY_VICTIM] = "identity",
    [CTIX_ENTITY_SECTOR] = "identity",     [CTIX_ENTITY_LOCATION] = "location",
};

/* ATT&CK page folder per entity kind, for entities the KB does not hold. */
static const char *const entity_attack_path[CTIX_ENTITY_KIND_COUNT] = {
    [CTIX_ENTITY_GROUP] = "groups", [CTIX_ENTITY_MALWARE] = "software",
    [CTIX_ENTITY_TOOL] = "software", [CTIX_ENTITY_CAMPAIGN] = "campaigns",
};

/* ------------------------------------------------------------ writer state */

typedef struct stix {
  ctix__jsonw w;
  const ctix_analysis *a;
  const ctix_document *doc;
  const ctix_kb *kb;                /* may be NULL: no MITRE ids or mitigations */
  char ts[TS_LEN];                  /* created / modified / valid_from / published */
  const char *marking;              /* TLP marking-definition id */
  char producer[ID_MAX];            /* identity of the producer */
  char ext[ID_MAX];                 /* ctix's extension-definition */
  char report[ID_MAX];              /* the report (written last) */
  const char *source_url;           /* the article's URL, or NULL */
  ctix_arena arena;                 /* id strings */
  ctix_buf order;                   /* const char * per object written, in order */
  const char **slots;               /* open-addressing set over the same strings */
  size_t nslots, nids;
  ctix_buf scratch;                 /* reusable */
  unsigned forms;                   /* CTIX__STIX_PRETTY | _COMPACT | _OBJECTS: what to keep */
  ctix_buf objs;                    /* ctix__stix_obj per object written (CTIX__STIX_OBJECTS) */
  ctix_arena *rec_arena;            /* the records' strings (the bundle's arena) */
  ctix_buf rec_tmp;                 /* reusable: a recorded string repaired to UTF-8 */
  ctix_buf other;                   /* description lines: observables without an SCO */
  size_t nother;
  size_t nindicators, nnotes, nrels;
  int err;                          /* sticky allocation error */
  /* The single actor the report is about, if any (for uses/targets/indicates). */
  char primary[ID_MAX];
  char indicates[ID_MAX];
} stix;

static void set_err(stix *s, int rc)
{
  if (rc && !s->err)
    s->err = rc;
}

/* FNV-1a. */
static uint64_t hash_str(const char *p)
{
  return ctix__fnv1a_str(p);
}

static bool ids_has(const stix *s, const char *id)
{
  size_t i;
  if (!s->nslots)
    return false;
  for (i = (size_t)hash_str(id) & (s->nslots - 1); s->slots[i]; i = (i + 1) & (s->nslots - 1))
    if (!strcmp(s->slots[i], id))
      return true;
  return false;
}

/* Adds `id` (absent) to the set and the order list. */
static void ids_add(stix *s, const char *id)
{
  const char *copy;
  size_t i;
  if (s->err)
    return;
  if ((s->nids + 1) * 2 > s->nslots) {
    size_t n = s->nslots ? s->nslots * 2 : 1024, k;
    const char **slots = calloc(n, sizeof(*slots));
    if (!slots) {
      set_err(s, CTIX_ENOMEM);
      return;
    }
    for (k = 0; k < s->nslots; k++) {
      if (!s->slots[k])
        continue;
      for (i = (size_t)hash_str(s->slots[k]) & (n - 1); slots[i]; i = (i + 1) & (n - 1))
        ;
      slots[i] = s->slots[k];
    }
    free(s->slots);
    s->slots = slots;
    s->nslots = n;
  }
  copy = ctix__arena_strdup(&s->arena, id);
  if (!copy || ctix__buf_push(&s->order, &copy, sizeof(copy))) {
    set_err(s, CTIX_ENOMEM);
    return;
  }
  for (i = (size_t)hash_str(id) & (s->nslots - 1); s->slots[i]; i = (i + 1) & (s->nslots - 1))
    ;
  s->slots[i] = copy;
  s->nids++;
}

/* ------------------------------------------------------------ records */

/*
 * With CTIX__STIX_OBJECTS the writer also keeps, per object written, what
 * the renderers read from a bundle (ctix__stix_obj in export_internal.h):
 * type, id, name, first external id and a relationship's type and ends.
 * Each string is kept as a JSON reader of the bundle gets it back: the
 * bytes written, invalid UTF-8 replaced by U+FFFD as util/json.h writes
 * it, so the records and a parse of the text agree.
 */
static const char *rec_str(stix *s, const char *v, size_t n)
{
  const char *copy;
  if (ctix__utf8_validate(v, n) != n) {
    ctix__buf_reset(&s->rec_tmp);
    if (ctix__utf8_repair(&s->rec_tmp, v, n, NULL) || !s->rec_tmp.data) {
      set_err(s, s->rec_tmp.err ? s->rec_tmp.err : CTIX_ENOMEM);
      return NULL;
    }
    v = s->rec_tmp.data;
    n = s->rec_tmp.len;
  }
  copy = ctix__arena_strndup(s->rec_arena, v, n);
  if (!copy)
    set_err(s, CTIX_ENOMEM);
  return copy;
}

/* The record of the object being written (the last one opened), or NULL
 * when objects are not recorded. */
static ctix__stix_obj *rec_cur(stix *s)
{
  size_t n = CTIX__BUF_COUNT(&s->objs, ctix__stix_obj);
  if (!(s->forms & CTIX__STIX_OBJECTS) || s->err || !n)
    return NULL;
  return &CTIX__BUF_AT(&s->objs, ctix__stix_obj, n - 1);
}

/* Starts the record of a new object. */
static void rec_open(stix *s, const char *type, const char *id)
{
  ctix__stix_obj o;
  if (!(s->forms & CTIX__STIX_OBJECTS) || s->err)
    return;
  memset(&o, 0, sizeof(o));
  o.type = rec_str(s, type, strlen(type));
  o.id = rec_str(s, id, strlen(id));
  if (!s->err && ctix__buf_push(&s->objs, &o, sizeof(o)))
    set_err(s, s->objs.err ? s->objs.err : CTIX_ENOMEM);
}

/* Writes the current object's "name" (n bytes; NULL: null) and records it. */
static void put_namen(stix *s, const char *name, size_t n)
{
  ctix__stix_obj *o;
  ctix__jsonw_kstrn(&s->w, "name", name, n);
  if (name && (o = rec_cur(s)) != NULL)
    o->name = rec_str(s, name, n);
}

static void put_name(stix *s, const char *name)
{
  put_namen(s, name, name ? strlen(name) : 0);
}

/* ------------------------------------------------------------ ids */

/* "<type>--<uuid>" into out, cut to ID_MAX - 1 bytes as snprintf would. */
static void id_join(char out[ID_MAX], const char *type, const char *uuid)
{
  const char *const parts[] = {type, "--", uuid};
  size_t used = 0, i, n;
  for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
    n = strlen(parts[i]);
    if (n > ID_MAX - 1 - used)
      n = ID_MAX - 1 - used;
    memcpy(out + used, parts[i], n);
    used += n;
  }
  out[used] = '\0';
}

/*
 * "<type>--<UUIDv5 of "<type>|<part>|<part>..." under ctix's namespace>":
 * the `nparts` parts joined with '|' (MAKE_ID counts them). Hundreds of
 * ids per bundle: the name is assembled with plain copies, no formatting.
 * A NULL part is written "(null)", as the printf-based writer before it
 * did, so no id moves; it does not end the list (which would give another
 * id silently).
 */
static void make_id(stix *s, char out[ID_MAX], const char *type, const char *const *parts,
                    size_t nparts)
{
  char u[CTIX__UUID_STR];
  size_t i;
  ctix__buf_reset(&s->scratch);
  ctix__buf_adds(&s->scratch, type);
  for (i = 0; i < nparts; i++) {
    ctix__buf_add(&s->scratch, "|", 1);
    ctix__buf_adds(&s->scratch, parts[i] ? parts[i] : "(null)");
  }
  set_err(s, s->scratch.err);
  ctix__uuid5(u, ctix__uuid_ns_ctix, s->scratch.data ? s->scratch.data : "", s->scratch.len);
  id_join(out, type, u);
}
#define MAKE_ID(s, out, type, ...)                                                           \
  make_id(s, out, type, (const char *const[]){__VA_ARGS__},                                  \
          sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

/* SCO id from the JCS text of its ID-contributing properties. */
static void sco_id(char out[ID_MAX], const char *type, const ctix_buf *jcs)
{
  char u[CTIX__UUID_STR];
  ctix__uuid5(u, ctix__uuid_ns_stix, jcs->data ? jcs->data : "", jcs->len);
  id_join(out, type, u);
}

/* A MITRE STIX id usable for `type` (prefix matches), else false. */
static bool mitre_id_ok(const char *stix_id, const char *type)
{
  size_t n = strlen(type);
  return stix_id && !strncmp(stix_id, type, n) && !strncmp(stix_id + n, "--", 2) &&
         strlen(stix_id) < ID_MAX;
}

/* ------------------------------------------------------------ timestamps */

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int mdays(int y, int m)
{
  static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
  int64_t era, yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
  int64_t era, doe, yoe, doy, mp;
  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Reads exactly n digits at *p. */
static bool digits(const char **p, int n, int *out)
{
  int v = 0, i;
  for (i = 0; i < n; i++) {
    if (!ctix__isdigit((unsigned char)(*p)[i]))
      return false;
    v = v * 10 + ((*p)[i] - '0');
  }
  *p += n;
  *out = v;
  return true;
}

/*
 * Normalises an ISO 8601 / RFC 3339 date or date-time ("2025-04-25",
 * "2025-04-25T10:20", "2025-04-25 10:20:30.5+02:00", ...) to
 * "YYYY-MM-DDTHH:MM:SS.000Z" in UTC. False if it is not one or not a real
 * calendar date.
 */
static bool norm_ts(char out[TS_LEN], const char *in)
{
  const char *p = in;
  int y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0, sign = 0;
  int64_t t;
  if (!p)
    return false;
  while (ctix__isspace((unsigned char)*p))
    p++;
  if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
      !digits(&p, 2, &d))
    return false;
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays(y, mo))
    return false;
  if (*p == 'T' || *p == 't' || (*p == ' ' && ctix__isdigit((unsigned char)p[1]))) {
    p++;
    if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
      return false;
    if (*p == ':') {
      p++;
      if (!digits(&p, 2, &se))
        return false;
      if (*p == '.' || *p == ',') {
        p++;
        if (!ctix__isdigit((unsigned char)*p))
          return false;
        while (ctix__isdigit((unsigned char)*p))
          p++; /* fractions are dropped: milliseconds precision is .000 */
      }
    }
    if (h > 23 || mi > 59 || se > 60)
      return false;
    if (se == 60)
      se = 59;
    if (*p == 'Z' || *p == 'z') {
      p++;
    } else if (*p == '+' || *p == '-') {
      sign = *p++ == '+' ? 1 : -1;
      if (!digits(&p, 2, &oh))
        return false;
      if (*p == ':')
        p++;
      if (ctix__isdigit((unsigned char)*p) && !digits(&p, 2, &om))
        return false;
      if (oh > 23 || om > 59)
        return false;
    }
  }
  while (ctix__isspace((unsigned char)*p))
    p++;
  if (*p)
    return false;
  t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
  t -= sign * (oh * 3600 + om * 60);
  {
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t rem = t - days * 86400;
    civil_from_days(days, &y, &mo, &d);
    if (y < 1 || y > 9999)
      return false;
    snprintf(out, TS_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", y, mo, d, (int)(rem / 3600),
             (int)(rem / 60 % 60), (int)(rem % 60));
  }
  return true;
}

/* ------------------------------------------------------------ value checks */

static bool is_hex(const char *v, size_t want)
{
  size_t i;
  for (i = 0; v[i]; i++)
    if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f') ||
          (v[i] >= 'A' && v[i] <= 'F')))
      return false;
  return want ? i == want : i > 0;
}

/* The SSDEEP form of the hashes vocabulary: [a-zA-Z0-9/+:.]{1,128}. */
static bool ssdeep_ok(const char *v)
{
  size_t i;
  for (i = 0; v[i]; i++)
    if (!ctix__isalnum((unsigned char)v[i]) && !strchr("/+:.", v[i]))
      return false;
  return i >= 1 && i <= 128;
}

/* idn-hostname as the validator reads it: labels of 1..63 characters. */
static bool hostname_ok(const char *v)
{
  const unsigned char *p = (const unsigned char *)v;
  size_t n = strlen(v), i = 0, label = 0, chars = 0;
  unsigned char prev = 0;
  if (!n)
    return false;
  while (i <= n) {
    unsigned char c = i < n ? p[i] : '.';
    if (c == '.') {
      if (label == 0 || label > 63 || prev == '-')
        return false;
      label = 0;
      prev = c;
      i++;
      continue;
    }
    if (c >= 0x80) {
      uint32_t cp;
      size_t k = ctix__utf8_decode(p + i, n - i, &cp);
      if (!k)
        return false;
      i += k;
    } else {
      if (!ctix__isalnum(c) && c != '-')
        return false;
      if (c == '-' && label == 0)
        return false;
      i++;
    }
    label++;
    chars++;
    prev = c;
  }
  return chars <= 253;
}

/* RFC 5322 dot-atom addr-spec (the validator's check): atext runs split by single dots. */
static bool dot_atom_ok(const char *s, size_t n)
{
  static const char special[] = "!#$%&'*+/=?^_`{|}~-";
  size_t i;
  bool prev_dot = true;
  if (!n)
    return false;
  for (i = 0; i < n; i++) {
    char c = s[i];
    if (c == '.') {
      if (prev_dot)
        return false;
      prev_dot = true;
    } else if (ctix__isalnum((unsigned char)c) || (c && strchr(special, c))) {
      prev_dot = false;
    } else {
      return false;
    }
  }
  return !prev_dot;
}

static bool email_ok(const char *v)
{
  const char *at = strrchr(v, '@');
  return at && dot_atom_ok(v, (size_t)(at - v)) && dot_atom_ok(at + 1, strlen(at + 1));
}

/*
 * Copies a URL with every byte that a URI may not hold raw (controls,
 * space, non-ASCII, <>"{}|\^`) percent-encoded; false when it has no scheme.
 */
static bool url_repair(ctix_buf *out, const char *v)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t i = 0;
  if (!ctix__isalpha((unsigned char)v[0]))
    return false;
  while (ctix__isalnum((unsigned char)v[i]) || v[i] == '+' || v[i] == '.' || v[i] == '-')
    i++;
  if (v[i] != ':')
    return false;
  for (i = 0; v[i]; i++) {
    unsigned char c = (unsigned char)v[i];
    if (c <= 0x20 || c >= 0x7f || strchr("<>\"{}|\\^`", c)) {
      char e[3] = {'%', hex[c >> 4], hex[c & 15]};
      ctix__buf_add(out, e, 3);
    } else {
      ctix__buf_addc(out, (char)c);
    }
  }
  return true;
}

/* Expands an abbreviated hive; false if the key still holds a refused substring. */
static bool regkey_repair(ctix_buf *out, const char *v)
{
  size_t i;
  for (i = 0; i < sizeof(hives) / sizeof(hives[0]); i++) {
    size_t n = strlen(hives[i].abbr);
    if (ctix__mem_istarts(v, strlen(v), hives[i].abbr) && (v[n] == '\\' || v[n] == '\0')) {
      ctix__buf_adds(out, hives[i].full);
      v += n;
      break;
    }
  }
  ctix__buf_adds(out, v);
  if (out->err || !out->data)
    return false;
  for (i = 0; i < sizeof(regkey_forbidden) / sizeof(regkey_forbidden[0]); i++)
    if (strstr(out->data, regkey_forbidden[i]))
      return false;
  return true;
}

/* "AS13335" / "as 13335" / "13335" -> 13335 (0 .. 2^32-1). */
static bool asn_parse(const char *v, uint64_t *out)
{
  uint64_t n = 0;
  size_t i = 0;
  if ((v[0] == 'A' || v[0] == 'a') && (v[1] == 'S' || v[1] == 's'))
    i = 2;
  while (v[i] == ' ')
    i++;
  if (!ctix__isdigit((unsigned char)v[i]))
    return false;
  for (; v[i]; i++) {
    if (!ctix__isdigit((unsigned char)v[i]))
      return false;
    n = n * 10 + (uint64_t)(v[i] - '0');
    if (n > 0xffffffffull)
      return false;
  }
  *out = n;
  return true;
}

/* Any MAC notation -> "aa:bb:cc:dd:ee:ff". */
static bool mac_norm(char out[18], const char *v)
{
  size_t i, nd = 0;
  for (i = 0; v[i]; i++) {
    int c = ctix__lower((unsigned char)v[i]);
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
      if (nd >= 12)
        return false;
      out[nd / 2 * 3 + nd % 2] = (char)c;
      nd++;
    } else if (c != ':' && c != '-' && c != '.') {
      return false;
    }
  }
  if (nd != 12)
    return false;
  for (i = 2; i < 17; i += 3)
    out[i] = ':';
  out[17] = '\0';
  return true;
}

/* ------------------------------------------------------------ object frame */

/*
 * Opens an object unless one with the same id was written already (then
 * returns false and writes nothing). Writes the common properties: type,
 * spec_version, id, created_by_ref (ctix's objects) and, for SDOs, SROs and
 * meta objects, created and modified.
 */
static bool obj_open(stix *s, const char *type, const char *id, bool by_ctix, bool timed)
{
  if (s->err || ids_has(s, id))
    return false;
  ids_add(s, id);
  rec_open(s, type, id);
  ctix__jsonw_object(&s->w);
  ctix__jsonw_kstr(&s->w, "type", type);
  ctix__jsonw_kstr(&s->w, "spec_version", "2.1");
  ctix__jsonw_kstr(&s->w, "id", id);
  if (by_ctix)
    ctix__jsonw_kstr(&s->w, "created_by_ref", s->producer);
  if (timed) {
    ctix__jsonw_kstr(&s->w, "created", s->ts);
    ctix__jsonw_kstr(&s->w, "modified", s->ts);
  }
  return true;
}

/* Closes an object with the TLP marking. */
static void obj_close(stix *s)
{
  ctix__jsonw_key(&s->w, "object_marking_refs");
  ctix__jsonw_array_inline(&s->w);
  ctix__jsonw_str(&s->w, s->marking);
  ctix__jsonw_end(&s->w);
  ctix__jsonw_end(&s->w);
}

static void put_confidence(stix *s, float c)
{
  long v;
  if (!(c >= 0))
    c = 0;
  v = lroundf(c * 100.0f);
  ctix__jsonw_kint(&s->w, "confidence", v < 0 ? 0 : v > 100 ? 100 : v);
}

/* Opens ctix's property-extension block: "extensions": {"<id>": {...}}. */
static void ext_open(stix *s)
{
  ctix__jsonw_key(&s->w, "extensions");
  ctix__jsonw_object(&s->w);
  ctix__jsonw_key(&s->w, s->ext);
  ctix__jsonw_object(&s->w);
  ctix__jsonw_kstr(&s->w, "extension_type", "property-extension");
}

static void ext_close(stix *s)
{
  ctix__jsonw_end(&s->w);
  ctix__jsonw_end(&s->w);
}

/* One external reference {source_name, external_id, url} (url may be ""/NULL). */
static void ext_ref(stix *s, const char *source, const char *eid, const char *url)
{
  ctix__stix_obj *o;
  ctix__jsonw_object_inline(&s->w);
  ctix__jsonw_kstr(&s->w, "source_name", source);
  if (eid && *eid) {
    ctix__jsonw_kstr(&s->w, "external_id", eid);
    if ((o = rec_cur(s)) != NULL && !o->ext_id)
      o->ext_id = rec_str(s, eid, strlen(eid));
  }
  if (url && *url)
    ctix__jsonw_kstr(&s->w, "url", url);
  ctix__jsonw_end(&s->w);
}

/* ------------------------------------------------------------ relationships */

/* A relationship (once per type, source and target). confidence < 0: none. */
static void relationship(stix *s, const char *type, const char *src, const char *dst,
                         const char *description, float confidence)
{
  char id[ID_MAX];
  ctix__stix_obj *o;
  if (!*src || !*dst)
    return;
  MAKE_ID(s, id, "relationship", type, src, dst);
  if (!obj_open(s, "relationship", id, true, true))
    return;
  s->nrels++;
  if ((o = rec_cur(s)) != NULL) {
    o->rel_type = rec_str(s, type, strlen(type));
    o->src = rec_str(s, src, strlen(src));
    o->dst = rec_str(s, dst, strlen(dst));
  }
  ctix__jsonw_kstr(&s->w, "relationship_type", type);
  if (description)
    ctix__jsonw_kstr(&s->w, "description", description);
  ctix__jsonw_kstr(&s->w, "source_ref", src);
  ctix__jsonw_kstr(&s->w, "target_ref", dst);
  if (confidence >= 0)
    put_confidence(s, confidence);
  obj_close(s);
}

/* ------------------------------------------------------------ fixed objects */

static void put_marking(stix *s, size_t level)
{
  if (!obj_open(s, "marking-definition", tlp_levels[level].id, false, false))
    return;
  ctix__jsonw_kstr(&s->w, "created", TLP2_CREATED);
  put_name(s, tlp_levels[level].name);
  ctix__jsonw_key(&s->w, "extensions");
  ctix__jsonw_object(&s->w);
  ctix__jsonw_key(&s->w, TLP2_EXTENSION);
  ctix__jsonw_object(&s->w);
  ctix__jsonw_kstr(&s->w, "extension_type", "property-extension");
  ctix__jsonw_kstr(&s->w, "tlp_2_0", tlp_levels[level].key[0] == 'w' ? "clear"
                                                                      : tlp_levels[level].key);
  ctix__jsonw_end(&s->w);
  ctix__jsonw_end(&s->w);
  ctix__jsonw_end(&s->w);
}

static void put_producer(stix *s, const char *name)
{
  if (!obj_open(s, "identity", s->producer, false, false))
    return;
  ctix__jsonw_kstr(&s->w, "created", EXT_CREATED);
  ctix__jsonw_kstr(&s->w, "modified", EXT_CREATED);
  put_name(s, name);
  ctix__jsonw_kstr(&s->w, "identity_class", strcmp(name, "ctix") ? "organization" : "system");
  obj_close(s);
}

static void put_extension_definition(stix *s)
{
  if (!obj_open(s, "extension-definition", s->ext, true, false))
    return;
  ctix__jsonw_kstr(&s->w, "created", EXT_CREATED);
  ctix__jsonw_kstr(&s->w, "modified", EXT_CREATED);
  put_name(s, EXT_NAME);
  ctix__jsonw_kstr(&s->w, "description",
                   "ctix-specific properties of the objects in ctix's STIX bundles.");
  ctix__jsonw_kstr(&s->w, "schema", EXT_SCHEMA);
  ctix__jsonw_kstr(&s->w, "version", EXT_VERSION);
  ctix__jsonw_key(&s->w, "extension_types");
  ctix__jsonw_array_inline(&s->w);
  ctix__jsonw_str(&s->w, "property-extension");
  ctix__jsonw_end(&s->w);
  obj_close(s);
}

/* ------------------------------------------------------------ techniques */

static const char *const signal_names[] = {"id", "name", "cue", "model", "software"};

static void put_signals(stix *s, unsigned sig)
{
  size_t i;
  ctix__jsonw_key(&s->w, "signals");
  ctix__jsonw_array_inline(&s->w);
  for (i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++)
    if (sig & (1u << i))
      ctix__jsonw_str(&s->w, signal_names[i]);
  ctix__jsonw_end(&s->w);
}

/*
 * Writes the attack-pattern of technique `tid` (name `name`, KB object
 * `ref` or CTIX_KB_NONE, ATT&CK domain `domain`) into `out_id`; MITRE's id
 * when the KB has it. The kill chain is the domain's, as in ATT&CK's own
 * bundles; the external reference is "mitre-attack" in every domain (so
 * are those of the current techniques in ATT&CK's Mobile and ICS bundles).
 */
static void put_attack_pattern(stix *s, char out_id[ID_MAX], const char *tid, const char *name,
                               ctix_kb_ref ref, unsigned domain, const char *const *tactics,
                               size_t ntactics)
{
  ctix_kb_obj o;
  char url[256] = "";
  bool mitre = false;
  size_t i;
  if (s->kb && ref != CTIX_KB_NONE && ctix_kb_get(s->kb, ref, &o) == 0 &&
      mitre_id_ok(o.stix_id, "attack-pattern")) {
    snprintf(out_id, ID_MAX, "%s", o.stix_id);
    ctix_kb_url(url, sizeof(url), s->kb, ref);
    if (!name || !*name)
      name = o.name;
    mitre = true;
  } else {
    MAKE_ID(s, out_id, "attack-pattern", "mitre-attack", tid);
  }
  if (!url[0]) {
    /* Same layout as the KB's pages: sub-technique ids use '/' for '.'. */
    char idp[64];
    ctix__strlcpy(idp, tid, sizeof(idp));
    for (i = 0; idp[i]; i++)
      if (idp[i] == '.')
        idp[i] = '/';
    snprintf(url, sizeof(url), "https://attack.mitre.org/techniques/%s/", idp);
  }
  if (!obj_open(s, "attack-pattern", out_id, !mitre, true))
    return;
  put_name(s, name && *name ? name : tid);
  if (ntactics) {
    ctix__jsonw_key(&s->w, "kill_chain_phases");
    ctix__jsonw_array(&s->w);
    for (i = 0; i < ntactics; i++) {
      ctix__jsonw_object_inline(&s->w);
      ctix__jsonw_kstr(&s->w, "kill_chain_name", ctix__x_domain_of(domain)->kill_chain);
      ctix__jsonw_kstr(&s->w, "phase_name", tactics[i]);
      ctix__jsonw_end(&s->w);
    }
    ctix__jsonw_end(&s->w);
  }
  ctix__jsonw_key(&s->w, "external_references");
  ctix__jsonw_array(&s->w);
  ext_ref(s, "mitre-attack", tid, url);
  ctix__jsonw_end(&s->w);
  obj_close(s);
}

/* A note carrying the technique's evidence sentences, about its attack-pattern. */
static void put_technique_note(stix *s, const ctix_ttp_hit *h, const char *ap_id)
{
  char id[ID_MAX];
  size_t i, k;
  MAKE_ID(s, id, "note", s->report, h->id);
  if (!obj_open(s, "note", id, true, true))
    return;
  s->nnotes++;
  ctix__buf_reset(&s->scratch);
  ctix__buf_addf(&s->scratch, "Evidence for %s %s (%s)", h->id, h->name ? h->name : "",
                 ctix_ttp_status_name(h->status));
  ctix__jsonw_kstrn(&s->w, "abstract", s->scratch.data, s->scratch.len);
  /* content: the sentences, one per line, quoted. */
  ctix__buf_reset(&s->scratch);
  for (i = 0; i < h->nevidence; i++) {
    const ctix_ttp_evidence *e = &h->evidence[i];
    size_t n;
    if (!s->doc || e->start >= e->end || e->end > s->doc->len)
      continue;
    n = e->end - e->start;
    if (n > STIX_MAX_SENTENCE) {
      n = STIX_MAX_SENTENCE;
      while (n > 0 && ((unsigned char)s->doc->text[e->start + n] & 0xc0) == 0x80)
        n--;
    }
    if (s->scratch.len)
      ctix__buf_addc(&s->scratch, '\n');
    ctix__buf_addf(&s->scratch, "[%s] \"", ctix_ttp_status_name(e->status));
    ctix__buf_add(&s->scratch, s->doc->text + e->start, n);
    ctix__buf_addc(&s->scratch, '"');
  }
  if (!s->scratch.len)
    ctix__buf_addf(&s->scratch, "%s was found without a supporting sentence.", h->id);
  set_err(s, s->scratch.err);
  ctix__jsonw_kstrn(&s->w, "content", s->scratch.data ? s->scratch.data : "", s->scratch.len);
  ctix__jsonw_key(&s->w, "authors");
  ctix__jsonw_array_inline(&s->w);
  ctix__jsonw_str(&s->w, "ctix");
  ctix__jsonw_end(&s->w);
  ctix__jsonw_key(&s->w, "object_refs");
  ctix__jsonw_array_inline(&s->w);
  ctix__jsonw_str(&s->w, ap_id);
  ctix__jsonw_str(&s->w, s->report);
  ctix__jsonw_end(&s->w);
  put_confidence(s, h->confidence);
  ext_open(s);
  ctix__jsonw_kstr(&s->w, "technique_id", h->id);
  ctix__jsonw_kstr(&s->w, "status", ctix_ttp_status_name(h->status));
  if (h->signals)
    put_signals(s, h->signals);
  if (h->runner_up) {
    ctix__jsonw_kstr(&s->w, "runner_up", h->runner_up);
    ctix__jsonw_kfixed(&s->w, "runner_up_confidence", h->runner_up_confidence, 3);
  }
  if (h->nevidence) {
    ctix__jsonw_key(&s->w, "evidence");
    ctix__jsonw_array(&s->w);
    for (i = 0; i < h->nevidence; i++) {
      const ctix_ttp_evidence *e = &h->evidence[i];
      ctix__jsonw_object(&s->w);
      ctix__jsonw_kuint(&s->w, "sentence", e->sentence);
      ctix__jsonw_kuint(&s->w, "start", e->start);
      ctix__jsonw_kuint(&s->w, "end", e->end);
      ctix__jsonw_kfixed(&s->w, "score", e->score, 3);
      ctix__jsonw_kstr(&s->w, "status", ctix_ttp_status_name(e->status));
      if (e->signals)
        put_signals(s, e->signals);
      if (e->nwhy) {
        ctix__jsonw_key(&s->w, "why");
        ctix__jsonw_array_inline(&s->w);
        for (k = 0; k < e->nwhy; k++)
          ctix__jsonw_str(&s->w, e->why[k] ? e->why[k] : "");
        ctix__jsonw_end(&s->w);
      }
      ctix__jsonw_end(&s->w);
    }
    ctix__jsonw_end(&s->w);
  }
  ext_close(s);
  obj_close(s);
}

/* Courses of action for technique `ref`: ATT&CK mitigations and D3FEND countermeasures. */
static void put_defences(stix *s, ctix_kb_ref ref, const char *ap_id)
{
  size_t first, n, i;
  if (!s->kb || ref == CTIX_KB_NONE)
    return;
  n = ctix_kb_edges(s->kb, ref, CTIX_KB_REL_MITIGATED_BY, CTIX_KB_MITIGATION, &first);
  for (i = 0; i < n; i++) {
    ctix_kb_ref m = ctix_kb_edge_target(s->kb, first + i);
    ctix_kb_obj o;
    char url[256];
    if (ctix_kb_get(s->kb, m, &o) || !mitre_id_ok(o.stix_id, "course-of-action"))
      continue;
    if (obj_open(s, "course-of-action", o.stix_id, false, true)) {
      put_name(s, o.name);
      ctix__jsonw_key(&s->w, "external_references");
      ctix__jsonw_array(&s->w);
      ext_ref(s, "mitre-attack", o.id, ctix_kb_url(url, sizeof(url), s->kb, m));
      ctix__jsonw_end(&s->w);
      obj_close(s);
    }
    relationship(s, "mitigates", o.stix_id, ap_id, NULL, -1);
  }
  n = ctix_kb_edges(s->kb, ref, CTIX_KB_REL_COUNTERED_BY, CTIX_KB_D3FEND_TECHNIQUE, &first);
  for (i = 0; i < n; i++) {
    ctix_kb_edge e;
    ctix_kb_obj o;
    char id[ID_MAX], url[256];
    if (ctix_kb_edge_at(s->kb, first + i, &e) || (e.flags & CTIX_KB_EDGE_ROLLUP) ||
        ctix_kb_get(s->kb, e.target, &o) || !o.id[0])
      continue;
    MAKE_ID(s, id, "course-of-action", "d3fend", o.id);
    if (obj_open(s, "course-of-action", id, true, true)) {
      put_name(s, o.name);
      ctix__jsonw_key(&s->w, "external_references");
      ctix__jsonw_array(&s->w);
      ext_ref(s, "d3fend", o.id, ctix_kb_url(url, sizeof(url), s->kb, e.target));
      ctix__jsonw_end(&s->w);
      obj_close(s);
    }
    relationship(s, "mitigates", id, ap_id, NULL, -1);
  }
}

/* Technique ids the analysis found: the technique stage, else explicit ids in the IOCs. */
static void put_techniques(stix *s)
{
  const ctix_ttp_list *t = s->a->techniques;
  size_t i;
  if (t) {
    for (i = 0; i < t->count; i++) {
      const ctix_ttp_hit *h = &t->items[i];
      ctix_kb_ref ref = CTIX_KB_NONE;
      char ap[ID_MAX];
      if (!h->id || !*h->id)
        continue;
      if (s->kb && ctix_kb_find_id(s->kb, h->id, strlen(h->id), &ref))
        ref = CTIX_KB_NONE;
      put_attack_pattern(s, ap, h->id, h->name, ref, h->domain, h->tactics, h->ntactics);
      put_technique_note(s, h, ap);
      put_defences(s, ref, ap);
    }
    return;
  }
  if (!s->a->iocs || !s->kb)
    return;
  for (i = 0; i < s->a->iocs->nitems; i++) {
    const ctix_ioc *c = &s->a->iocs->items[i];
    ctix_kb_ref ref;
    char ap[ID_MAX];
    if (c->type != CTIX_IOC_ATTACK_TECHNIQUE || c->status != CTIX_IOC_STATUS_IOC ||
        ctix_kb_resolve_id(s->kb, c->value, strlen(c->value), &ref) ||
        ctix_kb_kind_of(s->kb, ref) != CTIX_KB_TECHNIQUE)
      continue;
    put_attack_pattern(s, ap, ctix_kb_id(s->kb, ref), ctix_kb_name(s->kb, ref), ref, 0, NULL, 0);
    put_defences(s, ref, ap);
  }
}

/* The attack-pattern id of technique `tid` (as put_attack_pattern names it). */
static void technique_id(stix *s, char out[ID_MAX], const char *tid)
{
  ctix_kb_ref ref;
  ctix_kb_obj o;
  if (s->kb && !ctix_kb_find_id(s->kb, tid, strlen(tid), &ref) && !ctix_kb_get(s->kb, ref, &o) &&
      mitre_id_ok(o.stix_id, "attack-pattern"))
    snprintf(out, ID_MAX, "%s", o.stix_id);
  else
    MAKE_ID(s, out, "attack-pattern", "mitre-attack", tid);
}

static void add_other(stix *s, const ctix_ioc *c, const char *why);

/* ------------------------------------------------------------ entities */

/* The STIX type of an entity (a KB software may be a tool though named as malware). */
static const char *entity_type(const ctix_entity *e)
{
  if (e->kind >= CTIX_ENTITY_KIND_COUNT)
    return NULL;
  if ((e->kind == CTIX_ENTITY_MALWARE || e->kind == CTIX_ENTITY_TOOL) && e->stix_id) {
    if (mitre_id_ok(e->stix_id, "malware"))
      return "malware";
    if (mitre_id_ok(e->stix_id, "tool"))
      return "tool";
  }
  return entity_stix_type[e->kind];
}

/* True for "CVE-YYYY-NNNN" in the form the external-reference schema accepts. */
static bool cve_ok(const char *v)
{
  size_t i, n;
  if (!v || strncmp(v, "CVE-", 4))
    return false;
  for (i = 4; i < 8; i++)
    if (!ctix__isdigit((unsigned char)v[i]))
      return false;
  if (v[8] != '-')
    return false;
  for (n = 0; ctix__isdigit((unsigned char)v[9 + n]); n++)
    ;
  if (v[9 + n] || n < 4)
    return false;
  return !(v[9] == '0' && n != 4);
}

/* Two-letter upper-case code: an ISO 3166-1 alpha-2 country. */
static bool is_country(const char *id)
{
  return id && ctix__isupper((unsigned char)id[0]) && ctix__isupper((unsigned char)id[1]) &&
         !id[2];
}

/* The id an entity gets: MITRE's when known, else a UUIDv5 of kind and name. */
static bool entity_id(stix *s, char out[ID_MAX], const ctix_entity *e)
{
  const char *type = entity_type(e);
  char low[256];
  if (!type || !e->name || !*e->name)
    return false;
  if (mitre_id_ok(e->stix_id, type)) {
    snprintf(out, ID_MAX, "%s", e->stix_id);
    return true;
  }
  switch (e->kind) {
  case CTIX_ENTITY_VULNERABILITY:
    MAKE_ID(s, out, type, "cve", e->id ? e->id : e->name);
    break;
  case CTIX_ENTITY_LOCATION:
    MAKE_ID(s, out, type, is_country(e->id) ? "country" : "region", e->id ? e->id : e->name);
    break;
  case CTIX_ENTITY_SECTOR:
    MAKE_ID(s, out, type, "sector", e->id ? e->id : e->name);
    break;
  default:
    /* Names differ in case across articles: fold ASCII case for the id. */
    if (!ctix__lower_copy(low, sizeof(low), e->name, strlen(e->name)))
      ctix__strlcpy(low, e->name, sizeof(low));
    MAKE_ID(s, out, type, ctix_entity_kind_name(e->kind), low);
  }
  return true;
}

/* Writes the SDO of one entity (id from entity_id). */
static void put_entity(stix *s, const ctix_entity *e, const char *id)
{
  const char *type = entity_type(e);
  bool mitre = mitre_id_ok(e->stix_id, type);
  char url[256] = "";
  size_t i;
  if (!obj_open(s, type, id, !mitre, true))
    return;
  put_name(s, e->name);
  switch (e->kind) {
  case CTIX_ENTITY_MALWARE:
    if (!strcmp(type, "malware"))
      ctix__jsonw_kbool(&s->w, "is_family", true);
    break;
  case CTIX_ENTITY_VICTIM:
    ctix__jsonw_kstr(&s->w, "identity_class", "organization");
    break;
  case CTIX_ENTITY_SECTOR:
    ctix__jsonw_kstr(&s->w, "identity_class", "class");
    ctix__jsonw_key(&s->w, "sectors");
    ctix__jsonw_array_inline(&s->w);
    ctix__jsonw_str(&s->w, e->id && *e->id ? e->id : e->name);
    ctix__jsonw_end(&s->w);
    break;
  case CTIX_ENTITY_LOCATION:
    if (is_country(e->id))
      ctix__jsonw_kstr(&s->w, "country", e->id);
    else
      ctix__jsonw_kstr(&s->w, "region", e->id && *e->id ? e->id : e->name);
    break;
  case CTIX_ENTITY_VULNERABILITY:
    if (e->kev) {
      ctix__buf_reset(&s->scratch);
      ctix__buf_addf(&s->scratch, "In CISA's Known Exploited Vulnerabilities catalog");
      if (e->kev_date_added)
        ctix__buf_addf(&s->scratch, " since %s", e->kev_date_added);
      if (e->vendor || e->product)
        ctix__buf_addf(&s->scratch, " (%s%s%s)", e->vendor ? e->vendor : "",
                       e->vendor && e->product ? " " : "", e->product ? e->product : "");
      ctix__buf_addf(&s->scratch, "%s.",
                     e->kev_ransomware ? "; known use in ransomware campaigns" : "");
      set_err(s, s->scratch.err);
      ctix__jsonw_kstrn(&s->w, "description", s->scratch.data, s->scratch.len);
    }
    break;
  default:
    break;
  }
  if (!mitre)
    put_confidence(s, e->confidence);
  /* External references: ATT&CK for groups, software and campaigns; CVE for vulnerabilities. */
  if (e->kind == CTIX_ENTITY_VULNERABILITY && cve_ok(e->id ? e->id : e->name)) {
    const char *cve = e->id ? e->id : e->name;
    ctix__jsonw_key(&s->w, "external_references");
    ctix__jsonw_array(&s->w);
    snprintf(url, sizeof(url), "https://www.cve.org/CVERecord?id=%s", cve);
    ext_ref(s, "cve", cve, url);
    ctix__jsonw_end(&s->w);
  } else if (e->kind < CTIX_ENTITY_KIND_COUNT && entity_attack_path[e->kind] && e->id &&
             *e->id) {
    if (s->kb && e->ref != CTIX_KB_NONE)
      ctix_kb_url(url, sizeof(url), s->kb, e->ref);
    if (!url[0])
      snprintf(url, sizeof(url), "https://attack.mitre.org/%s/%s/", entity_attack_path[e->kind],
               e->id);
    ctix__jsonw_key(&s->w, "external_references");
    ctix__jsonw_array(&s->w);
    ext_ref(s, "mitre-attack", e->id, url);
    ctix__jsonw_end(&s->w);
  }
  if (!mitre) {
    ext_open(s);
    ctix__jsonw_kstr(&s->w, "entity_kind", ctix_entity_kind_name(e->kind));
    ctix__jsonw_kbool(&s->w, "known", e->known);
    if (e->role)
      ctix__jsonw_kstr(&s->w, "role", e->role);
    if (e->evidence)
      ctix__jsonw_kstr(&s->w, "evidence", e->evidence);
    if (e->kind == CTIX_ENTITY_VULNERABILITY && e->kev) {
      ctix__jsonw_kbool(&s->w, "kev", true);
      if (e->kev_date_added)
        ctix__jsonw_kstr(&s->w, "kev_date_added", e->kev_date_added);
      if (e->kev_due_date)
        ctix__jsonw_kstr(&s->w, "kev_due_date", e->kev_due_date);
      ctix__jsonw_kbool(&s->w, "kev_ransomware", e->kev_ransomware);
    }
    if (e->nmentions) {
      ctix__jsonw_key(&s->w, "mentions");
      ctix__jsonw_array(&s->w);
      for (i = 0; i < e->nmentions && i < STIX_MAX_MENTIONS; i++) {
        ctix__jsonw_object_inline(&s->w);
        ctix__jsonw_kuint(&s->w, "start", e->mentions[i].start);
        ctix__jsonw_kuint(&s->w, "end", e->mentions[i].end);
        if (e->mentions[i].alias)
          ctix__jsonw_kstr(&s->w, "alias", e->mentions[i].alias);
        ctix__jsonw_end(&s->w);
      }
      ctix__jsonw_end(&s->w);
      if (e->nmentions > STIX_MAX_MENTIONS)
        ctix__jsonw_kuint(&s->w, "mentions_total", e->nmentions);
    }
    ext_close(s);
  }
  obj_close(s);
}

static size_t count_kind(const ctix_entity_list *l, ctix_entity_kind k, size_t *which)
{
  size_t i, n = 0;
  for (i = 0; l && i < l->count; i++)
    if (l->items[i].kind == k && l->items[i].name && *l->items[i].name) {
      if (!n)
        *which = i;
      n++;
    }
  return n;
}

/* Does entity `e` have a mention inside doc->text[start..end)? */
static bool mentioned_in(const ctix_entity *e, size_t start, size_t end)
{
  size_t i;
  for (i = 0; i < e->nmentions; i++)
    if (e->mentions[i].start >= start && e->mentions[i].end <= end)
      return true;
  return false;
}

/*
 * Entities and the relationships between them and with the techniques:
 * the single group (else campaign, else malware) the report names is its
 * "primary" actor, which uses the observed techniques, the malware and
 * tools, and targets the victims, sectors and locations named as targeted;
 * any actor or software named in a technique's evidence sentence uses it.
 */
static void put_entities(stix *s)
{
  const ctix_entity_list *l = s->a->entities;
  const ctix_ttp_list *t = s->a->techniques;
  size_t i, j, k, which = 0;
  static const ctix_entity_kind primary_order[] = {CTIX_ENTITY_GROUP, CTIX_ENTITY_CAMPAIGN,
                                                   CTIX_ENTITY_MALWARE};
  if (!l)
    return;
  for (i = 0; i < l->count; i++) {
    char id[ID_MAX];
    if (entity_id(s, id, &l->items[i]))
      put_entity(s, &l->items[i], id);
  }
  for (k = 0; k < sizeof(primary_order) / sizeof(primary_order[0]) && !s->primary[0]; k++) {
    size_t n = count_kind(l, primary_order[k], &which);
    if (n == 1)
      entity_id(s, s->primary, &l->items[which]);
    else if (n > 1)
      break; /* several actors: none is "the" actor */
  }
  if (count_kind(l, CTIX_ENTITY_MALWARE, &which) == 1)
    entity_id(s, s->indicates, &l->items[which]);
  else if (count_kind(l, CTIX_ENTITY_GROUP, &which) == 1)
    entity_id(s, s->indicates, &l->items[which]);

  for (i = 0; i < l->count; i++) {
    const ctix_entity *e = &l->items[i];
    char id[ID_MAX];
    if (!entity_id(s, id, e) || !strcmp(id, s->primary))
      continue;
    switch (e->kind) {
    case CTIX_ENTITY_MALWARE:
    case CTIX_ENTITY_TOOL:
      if (s->primary[0] && strncmp(s->primary, "malware--", 9))
        relationship(s, "uses", s->primary, id, "The source names both.", -1);
      break;
    case CTIX_ENTITY_VICTIM:
    case CTIX_ENTITY_SECTOR:
    case CTIX_ENTITY_LOCATION:
      if (s->primary[0] && e->role && !strcmp(e->role, "targeted"))
        relationship(s, "targets", s->primary, id, "The source names it as targeted.",
                     e->confidence);
      break;
    case CTIX_ENTITY_CAMPAIGN:
      /* attributed-to: ATT&CK attributes the campaign to a group the source also names. */
      for (j = 0; s->kb && e->ref != CTIX_KB_NONE && j < l->count; j++) {
        const ctix_entity *g = &l->items[j];
        size_t first, n, m;
        char gid[ID_MAX];
        if (g->kind != CTIX_ENTITY_GROUP || g->ref == CTIX_KB_NONE)
          continue;
        n = ctix_kb_edges(s->kb, e->ref, CTIX_KB_REL_ATTRIBUTED_TO, CTIX_KB_GROUP, &first);
        for (m = 0; m < n; m++)
          if (ctix_kb_edge_target(s->kb, first + m) == g->ref && entity_id(s, gid, g))
            relationship(s, "attributed-to", id, gid,
                         "The source names both; ATT&CK attributes the campaign to the group.",
                         -1);
      }
      break;
    default:
      break;
    }
  }
  if (!t)
    return;
  for (i = 0; i < t->count; i++) {
    const ctix_ttp_hit *h = &t->items[i];
    char ap[ID_MAX];
    if (!h->id || !*h->id || h->status != CTIX_TTP_OBSERVED)
      continue;
    technique_id(s, ap, h->id);
    if (s->primary[0])
      relationship(s, "uses", s->primary, ap, "Observed in the source.", h->confidence);
    for (j = 0; j < l->count; j++) {
      const ctix_entity *e = &l->items[j];
      char id[ID_MAX];
      if (e->kind != CTIX_ENTITY_GROUP && e->kind != CTIX_ENTITY_MALWARE &&
          e->kind != CTIX_ENTITY_TOOL && e->kind != CTIX_ENTITY_CAMPAIGN)
        continue;
      for (k = 0; k < h->nevidence; k++)
        if (h->evidence[k].status == CTIX_TTP_OBSERVED &&
            mentioned_in(e, h->evidence[k].start, h->evidence[k].end))
          break;
      if (k < h->nevidence && entity_id(s, id, e))
        relationship(s, "uses", id, ap, "Named in the technique's evidence sentence.",
                     h->confidence);
    }
  }
}

/* Vulnerabilities the IOC stage found that the entity stage did not report. */
static void put_ioc_vulnerabilities(stix *s)
{
  size_t i;
  if (!s->a->iocs)
    return;
  for (i = 0; i < s->a->iocs->nitems; i++) {
    const ctix_ioc *c = &s->a->iocs->items[i];
    ctix_entity e;
    char id[ID_MAX];
    if (c->type != CTIX_IOC_CVE || c->status != CTIX_IOC_STATUS_IOC)
      continue;
    if (!cve_ok(c->value)) {
      add_other(s, c, "not a CVE id STIX accepts");
      continue;
    }
    memset(&e, 0, sizeof(e));
    e.kind = CTIX_ENTITY_VULNERABILITY;
    e.name = c->value;
    e.id = c->value;
    e.ref = CTIX_KB_NONE;
    e.known = true;
    e.confidence = 1.0f;
    e.evidence = "CVE id in the text";
    if (entity_id(s, id, &e))
      put_entity(s, &e, id);
  }
}

/* Resemblance candidates: related-to from the report, never attribution. */
static void put_resemblances(stix *s)
{
  const ctix_assessment *as = s->a->assessment;
  size_t i, k;
  if (!as)
    return;
  for (i = 0; i < as->nresemblances; i++) {
    const ctix_resemblance *r = &as->resemblances[i];
    const char *type = r->kind == CTIX_KB_CAMPAIGN ? "campaign" : "intrusion-set";
    char id[ID_MAX], url[256] = "";
    if (!r->name || !*r->name)
      continue;
    if (mitre_id_ok(r->stix_id, type))
      snprintf(id, ID_MAX, "%s", r->stix_id);
    else
      MAKE_ID(s, id, type, "resemblance", r->id ? r->id : r->name);
    if (obj_open(s, type, id, !mitre_id_ok(r->stix_id, type), true)) {
      put_name(s, r->name);
      if (r->id && *r->id) {
        if (s->kb && r->ref != CTIX_KB_NONE)
          ctix_kb_url(url, sizeof(url), s->kb, r->ref);
        ctix__jsonw_key(&s->w, "external_references");
        ctix__jsonw_array(&s->w);
        ext_ref(s, "mitre-attack", r->id, url);
        ctix__jsonw_end(&s->w);
      }
      obj_close(s);
    }
    ctix__buf_reset(&s->scratch);
    ctix__buf_addf(&s->scratch,
                   "The report resembles %s %s (similarity %.2f): a comparison of technique "
                   "and software profiles, not an attribution.",
                   r->id ? r->id : "", r->name, (double)r->score);
    if (r->nshared_techniques) {
      ctix__buf_adds(&s->scratch, " Shared techniques:");
      for (k = 0; k < r->nshared_techniques; k++)
        ctix__buf_addf(&s->scratch, "%s %s", k ? "," : "", r->shared_techniques[k]);
      ctix__buf_addc(&s->scratch, '.');
    }
    if (r->nshared_software) {
      ctix__buf_adds(&s->scratch, " Shared software:");
      for (k = 0; k < r->nshared_software; k++)
        ctix__buf_addf(&s->scratch, "%s %s", k ? "," : "", r->shared_software[k]);
      ctix__buf_addc(&s->scratch, '.');
    }
    set_err(s, s->scratch.err);
    {
      /* The description lives in the scratch buffer, which relationship() reuses. */
      char *desc = ctix__arena_strndup(&s->arena, s->scratch.data ? s->scratch.data : "",
                                       s->scratch.len);
      if (!desc) {
        set_err(s, CTIX_ENOMEM);
        return;
      }
      relationship(s, "related-to", s->report, id, desc, r->score);
    }
  }
}

/* ------------------------------------------------------------ indicators */

static int ioc_map_find(ctix_ioc_type t)
{
  size_t i;
  for (i = 0; i < sizeof(ioc_map) / sizeof(ioc_map[0]); i++)
    if (ioc_map[i].type == t)
      return (int)i;
  return -1;
}

/* Appends 'value' as a STIX pattern string literal ('\\' and '\'' escaped). */
static void pat_literal(ctix_buf *b, const char *v)
{
  ctix__buf_addc(b, '\'');
  for (; *v; v++) {
    if (*v == '\\' || *v == '\'')
      ctix__buf_addc(b, '\\');
    ctix__buf_addc(b, *v);
  }
  ctix__buf_addc(b, '\'');
}

/* Writes an SCO {type, id, <key>: string} unless already written. */
static void put_sco_str(stix *s, const char *type, const char *id, const char *key,
                        const char *value, const char *ref_key, const char *ref)
{
  if (!obj_open(s, type, id, false, false))
    return;
  if (!strcmp(key, "name"))
    put_name(s, value);
  else
    ctix__jsonw_kstr(&s->w, key, value);
  if (ref_key)
    ctix__jsonw_kstr(&s->w, ref_key, ref);
  obj_close(s);
}

/* Lists an observable that has no STIX object in the report description. */
static void add_other(stix *s, const ctix_ioc *c, const char *why)
{
  s->nother++;
  if (s->nother > STIX_MAX_OTHER_LISTED)
    return;
  ctix__buf_addf(&s->other, "\n- %s: ", ctix_ioc_type_name(c->type));
  ctix__buf_add(&s->other, c->value, strlen(c->value));
  if (why)
    ctix__buf_addf(&s->other, " (%s)", why);
  set_err(s, s->other.err);
}

/*
 * One indicator (and its SCOs and based-on relationship) for an actionable
 * observable. Values are repaired to valid UTF-8 first, so the pattern, the
 * SCO and the id's canonical form all hold the same text.
 */
static void put_indicator(stix *s, const ctix_ioc *c, ctix_buf *val, ctix_buf *pat,
                          ctix_buf *jcs)
{
  int mi = ioc_map_find(c->type);
  sco_kind kind = mi < 0 ? SCO_NONE : ioc_map[mi].kind;
  const char *type = mi < 0 ? NULL : ioc_map[mi].sco;
  char sid[ID_MAX], did[ID_MAX] = "", iid[ID_MAX], mac[18];
  const char *v, *name = NULL;
  ctix_ioc_bidi bi;
  uint64_t asn = 0;
  size_t dirlen = 0;

  if (kind == SCO_SKIP)
    return;
  ctix__buf_reset(val);
  ctix__buf_reset(pat);
  ctix__buf_reset(jcs);
  ctix__utf8_repair(val, c->value, strlen(c->value), NULL);
  if (val->err) {
    set_err(s, val->err);
    return;
  }
  v = val->data ? val->data : "";
  if (kind == SCO_NONE) {
    add_other(s, c, NULL);
    return;
  }
  /* Check or repair the value for its STIX type. */
  switch (kind) {
  case SCO_VALUE:
    if (c->type == CTIX_IOC_URL) {
      ctix_buf tmp = CTIX_BUF_INIT((size_t)1 << 24);
      bool ok = url_repair(&tmp, v);
      if (ok && !tmp.err) {
        ctix__buf_reset(val);
        ctix__buf_add(val, tmp.data, tmp.len);
        v = val->data;
      }
      ctix__buf_free(&tmp);
      if (!ok) {
        add_other(s, c, "no URL scheme");
        return;
      }
    } else if (c->type == CTIX_IOC_DOMAIN && !hostname_ok(v)) {
      add_other(s, c, "not a host name STIX accepts");
      return;
    } else if (c->type == CTIX_IOC_EMAIL && !email_ok(v)) {
      add_other(s, c, "not an addr-spec STIX accepts");
      return;
    } else if (c->type == CTIX_IOC_IPV6 && strchr(v, '.')) {
      add_other(s, c, "embedded IPv4 form");
      return;
    }
    break;
  case SCO_CIDR:
    if (c->type == CTIX_IOC_IPV6_CIDR && strchr(v, '.')) {
      add_other(s, c, "embedded IPv4 form");
      return;
    }
    break;
  case SCO_HASH:
    if (ioc_map[mi].hexlen ? !is_hex(v, ioc_map[mi].hexlen) : !ssdeep_ok(v)) {
      add_other(s, c, "not a valid hash for STIX");
      return;
    }
    break;
  case SCO_FILE_PATH: {
    const char *sep = NULL, *p;
    for (p = v; *p; p++)
      if (*p == '\\' || *p == '/')
        sep = p;
    if (!sep || !sep[1] || sep == v) {
      /* No folder part: keep it as a plain file name. */
      kind = SCO_FILE_NAME;
      if (sep)
        v = sep + 1;
      if (!*v) {
        add_other(s, c, "no file name");
        return;
      }
      break;
    }
    dirlen = (size_t)(sep - v);
    name = sep + 1;
    break;
  }
  case SCO_REGKEY: {
    ctix_buf tmp = CTIX_BUF_INIT((size_t)1 << 24);
    bool ok = regkey_repair(&tmp, v);
    if (ok) {
      ctix__buf_reset(val);
      ctix__buf_add(val, tmp.data, tmp.len);
      v = val->data;
    }
    ctix__buf_free(&tmp);
    if (!ok) {
      add_other(s, c, "the registry key schema refuses it");
      return;
    }
    break;
  }
  case SCO_ASN:
    if (!asn_parse(v, &asn)) {
      add_other(s, c, "not an AS number");
      return;
    }
    break;
  case SCO_MAC:
    if (!mac_norm(mac, v)) {
      add_other(s, c, "not a MAC address");
      return;
    }
    v = mac;
    break;
  default:
    break;
  }
  if (val->err) {
    set_err(s, val->err);
    return;
  }

  /* SCO(s), their ids and the pattern. */
  switch (kind) {
  case SCO_VALUE:
  case SCO_CIDR:
  case SCO_MAC:
    ctix__buf_adds(jcs, "{\"value\":");
    ctix__jcs_string(jcs, v, strlen(v));
    ctix__buf_addc(jcs, '}');
    sco_id(sid, type, jcs);
    put_sco_str(s, type, sid, "value", v, NULL, NULL);
    ctix__buf_addf(pat, "[%s:value %s ", type, kind == SCO_CIDR ? "ISSUBSET" : "=");
    pat_literal(pat, v);
    ctix__buf_addc(pat, ']');
    break;
  case SCO_HASH:
    ctix__buf_addf(jcs, "{\"hashes\":{\"%s\":", ioc_map[mi].extra);
    ctix__jcs_string(jcs, v, strlen(v));
    ctix__buf_adds(jcs, "}}");
    sco_id(sid, "file", jcs);
    if (obj_open(s, "file", sid, false, false)) {
      ctix__jsonw_key(&s->w, "hashes");
      ctix__jsonw_object_inline(&s->w);
      ctix__jsonw_kstr(&s->w, ioc_map[mi].extra, v);
      ctix__jsonw_end(&s->w);
      obj_close(s);
    }
    ctix__buf_addf(pat, "[file:hashes.'%s' = ", ioc_map[mi].extra);
    pat_literal(pat, v);
    ctix__buf_addc(pat, ']');
    break;
  case SCO_FILE_NAME:
  case SCO_MUTEX:
    ctix__buf_adds(jcs, "{\"name\":");
    ctix__jcs_string(jcs, v, strlen(v));
    ctix__buf_addc(jcs, '}');
    sco_id(sid, kind == SCO_MUTEX ? "mutex" : "file", jcs);
    put_sco_str(s, kind == SCO_MUTEX ? "mutex" : "file", sid, "name", v, NULL, NULL);
    ctix__buf_addf(pat, "[%s:name = ", kind == SCO_MUTEX ? "mutex" : "file");
    pat_literal(pat, v);
    ctix__buf_addc(pat, ']');
    break;
  case SCO_FILE_PATH: {
    char *dir = ctix__arena_strndup(&s->arena, v, dirlen);
    if (!dir) {
      set_err(s, CTIX_ENOMEM);
      return;
    }
    ctix__buf_adds(jcs, "{\"path\":");
    ctix__jcs_string(jcs, dir, dirlen);
    ctix__buf_addc(jcs, '}');
    sco_id(did, "directory", jcs);
    put_sco_str(s, "directory", did, "path", dir, NULL, NULL);
    ctix__buf_reset(jcs);
    ctix__buf_adds(jcs, "{\"name\":");
    ctix__jcs_string(jcs, name, strlen(name));
    ctix__buf_addf(jcs, ",\"parent_directory_ref\":\"%s\"}", did);
    sco_id(sid, "file", jcs);
    put_sco_str(s, "file", sid, "name", name, "parent_directory_ref", did);
    ctix__buf_adds(pat, "[file:name = ");
    pat_literal(pat, name);
    ctix__buf_adds(pat, " AND file:parent_directory_ref.path = ");
    pat_literal(pat, dir);
    ctix__buf_addc(pat, ']');
    break;
  }
  case SCO_REGKEY:
    ctix__buf_adds(jcs, "{\"key\":");
    ctix__jcs_string(jcs, v, strlen(v));
    ctix__buf_addc(jcs, '}');
    sco_id(sid, type, jcs);
    put_sco_str(s, type, sid, "key", v, NULL, NULL);
    ctix__buf_adds(pat, "[windows-registry-key:key = ");
    pat_literal(pat, v);
    ctix__buf_addc(pat, ']');
    break;
  case SCO_ASN:
    ctix__buf_addf(jcs, "{\"number\":%llu}", (unsigned long long)asn);
    sco_id(sid, type, jcs);
    if (obj_open(s, type, sid, false, false)) {
      ctix__jsonw_kuint(&s->w, "number", asn);
      obj_close(s);
    }
    ctix__buf_addf(pat, "[autonomous-system:number = %llu]", (unsigned long long)asn);
    break;
  default:
    return;
  }
  if (jcs->err || pat->err) {
    set_err(s, jcs->err ? jcs->err : pat->err);
    return;
  }

  MAKE_ID(s, iid, "indicator", pat->data);
  set_err(s, ctix_ioc_bidi_read(&bi, c->value, strlen(c->value), NULL));
  if (!s->err && obj_open(s, "indicator", iid, true, true)) {
    s->nindicators++;
    ctix__buf_reset(jcs); /* reused for the name */
    ctix__buf_addf(jcs, "%s ", ctix_ioc_type_name(c->type));
    ctix__buf_adds(jcs, kind == SCO_MAC ? mac : v);
    set_err(s, jcs->err);
    put_namen(s, jcs->data, jcs->len);
    if (bi.note) /* a name with bidirectional controls: how it displays (the
                    extension's properties stay those of its version 1.0) */
      ctix__jsonw_kstr(&s->w, "description", bi.note);
    ctix__jsonw_key(&s->w, "indicator_types");
    ctix__jsonw_array_inline(&s->w);
    ctix__jsonw_str(&s->w, "malicious-activity");
    ctix__jsonw_end(&s->w);
    ctix__jsonw_kstrn(&s->w, "pattern", pat->data, pat->len);
    ctix__jsonw_kstr(&s->w, "pattern_type", "stix");
    ctix__jsonw_kstr(&s->w, "pattern_version", "2.1");
    ctix__jsonw_kstr(&s->w, "valid_from", s->ts);
    ext_open(s);
    ctix__jsonw_kstr(&s->w, "ioc_type", ctix_ioc_type_name(c->type));
    ctix__jsonw_kstr(&s->w, "as_written", c->original ? c->original : c->value);
    ctix__jsonw_kbool(&s->w, "defanged", c->defanged);
    ctix__jsonw_kuint(&s->w, "occurrences", c->nhits);
    ctix__jsonw_kuint(&s->w, "first_offset", c->span.start);
    ext_close(s);
    obj_close(s);
  }
  ctix_ioc_bidi_clear(&bi);
  relationship(s, "based-on", iid, sid, NULL, -1);
  if (s->indicates[0])
    relationship(s, "indicates", iid, s->indicates, NULL, -1);
}

static void put_indicators(stix *s)
{
  ctix_buf val = CTIX_BUF_INIT((size_t)1 << 24), pat = CTIX_BUF_INIT((size_t)1 << 26),
           jcs = CTIX_BUF_INIT((size_t)1 << 26);
  size_t i;
  if (!s->a->iocs)
    return;
  for (i = 0; i < s->a->iocs->nitems && !s->err; i++) {
    const ctix_ioc *c = &s->a->iocs->items[i];
    if (c->status == CTIX_IOC_STATUS_IOC && c->value && *c->value)
      put_indicator(s, c, &val, &pat, &jcs);
  }
  ctix__buf_free(&val);
  ctix__buf_free(&pat);
  ctix__buf_free(&jcs);
}

/* ------------------------------------------------------------ report */

static void put_report_ext(stix *s)
{
  const ctix_assessment *as = s->a->assessment;
  size_t i;
  ext_open(s);
  if (s->doc && s->doc->meta.source)
    ctix__jsonw_kstr(&s->w, "source", s->doc->meta.source);
  if (as) {
    ctix__jsonw_kint(&s->w, "risk_score", as->risk_score);
    if (as->risk_level)
      ctix__jsonw_kstr(&s->w, "risk_level", as->risk_level);
    if (as->nfactors) {
      ctix__jsonw_key(&s->w, "risk_factors");
      ctix__jsonw_array(&s->w);
      for (i = 0; i < as->nfactors; i++) {
        const ctix_risk_factor *f = &as->factors[i];
        ctix__jsonw_object_inline(&s->w);
        ctix__jsonw_kstr(&s->w, "key", f->key ? f->key : "");
        if (f->label)
          ctix__jsonw_kstr(&s->w, "label", f->label);
        ctix__jsonw_kfixed(&s->w, "contribution", f->contribution, 1);
        if (f->evidence)
          ctix__jsonw_kstr(&s->w, "evidence", f->evidence);
        ctix__jsonw_end(&s->w);
      }
      ctix__jsonw_end(&s->w);
    }
    if (as->nevents) {
      ctix__jsonw_key(&s->w, "timeline");
      ctix__jsonw_array(&s->w);
      for (i = 0; i < as->nevents; i++) {
        const ctix_event *ev = &as->events[i];
        ctix__jsonw_object_inline(&s->w);
        if (ev->date)
          ctix__jsonw_kstr(&s->w, "event_date", ev->date);
        if (ev->precision)
          ctix__jsonw_kstr(&s->w, "precision", ev->precision);
        if (ev->what)
          ctix__jsonw_kstr(&s->w, "what", ev->what);
        if (ev->expression)
          ctix__jsonw_kstr(&s->w, "expression", ev->expression);
        ctix__jsonw_kuint(&s->w, "start", ev->start);
        ctix__jsonw_kuint(&s->w, "end", ev->end);
        ctix__jsonw_kbool(&s->w, "relative", ev->relative);
        ctix__jsonw_end(&s->w);
      }
      ctix__jsonw_end(&s->w);
    }
  }
  ext_close(s);
}

/* Our own description: what the bundle holds and what it could not hold. */
static void report_description(stix *s, ctix_buf *d)
{
  const ctix_analysis *a = s->a;
  size_t i, benign = 0, rejected = 0, observed = 0;
  if (a->iocs)
    for (i = 0; i < a->iocs->nitems; i++) {
      benign += a->iocs->items[i].status == CTIX_IOC_STATUS_BENIGN;
      rejected += a->iocs->items[i].status == CTIX_IOC_STATUS_REJECTED;
    }
  if (a->techniques)
    for (i = 0; i < a->techniques->count; i++)
      observed += a->techniques->items[i].status == CTIX_TTP_OBSERVED;
  ctix__buf_adds(d, "Automated extraction by ctix from ");
  ctix__buf_adds(d, s->doc && s->doc->meta.source ? s->doc->meta.source : "the source text");
  ctix__buf_addf(d, ". %zu indicators", s->nindicators);
  if (a->techniques)
    ctix__buf_addf(d, ", %zu ATT&CK techniques (%zu observed)", a->techniques->count, observed);
  if (a->entities)
    ctix__buf_addf(d, ", %zu named entities", a->entities->count);
  ctix__buf_adds(d, ".");
  if (a->assessment && a->assessment->risk_level)
    ctix__buf_addf(d, " Risk: %s (%d/100).", a->assessment->risk_level,
                   a->assessment->risk_score);
  if (benign || rejected)
    ctix__buf_addf(d,
                   " Not exported as indicators: %zu benign observables and %zu rejected "
                   "candidates.",
                   benign, rejected);
  if (s->nother) {
    ctix__buf_addf(d, " Observables without a STIX 2.1 cyber-observable (%zu):", s->nother);
    ctix__buf_add(d, s->other.data ? s->other.data : "", s->other.len);
    if (s->nother > STIX_MAX_OTHER_LISTED)
      ctix__buf_addf(d, "\n- ... and %zu more (see ctix's JSON report)",
                     s->nother - STIX_MAX_OTHER_LISTED);
  }
}

static void put_report(stix *s)
{
  const ctix_document *doc = s->doc;
  const char *name = NULL, *url = NULL;
  ctix_buf d = CTIX_BUF_INIT((size_t)1 << 26), u = CTIX_BUF_INIT((size_t)1 << 16);
  size_t i, n;
  if (doc)
    name = doc->meta.title && *doc->meta.title ? doc->meta.title : doc->meta.source;
  if (!name || !*name)
    name = "ctix analysis";
  url = s->source_url;
  if (!obj_open(s, "report", s->report, true, true))
    goto done;
  put_name(s, name);
  report_description(s, &d);
  set_err(s, d.err);
  ctix__jsonw_kstrn(&s->w, "description", d.data ? d.data : "", d.len);
  ctix__jsonw_key(&s->w, "report_types");
  ctix__jsonw_array_inline(&s->w);
  ctix__jsonw_str(&s->w, "threat-report");
  ctix__jsonw_end(&s->w);
  ctix__jsonw_kstr(&s->w, "published", s->ts);
  ctix__jsonw_key(&s->w, "object_refs");
  ctix__jsonw_array(&s->w);
  n = CTIX__BUF_COUNT(&s->order, const char *);
  for (i = 0; i < n; i++) {
    const char *id = CTIX__BUF_AT(&s->order, const char *, i);
    if (strcmp(id, s->report))
      ctix__jsonw_str(&s->w, id);
  }
  ctix__jsonw_end(&s->w);
  if (url && *url && url_repair(&u, url) && !u.err && u.data) {
    ctix__jsonw_key(&s->w, "external_references");
    ctix__jsonw_array(&s->w);
    ext_ref(s, "source", NULL, u.data);
    ctix__jsonw_end(&s->w);
  }
  put_report_ext(s);
  obj_close(s);
done:
  ctix__buf_free(&d);
  ctix__buf_free(&u);
}

/* ------------------------------------------------------------ entry points */

void ctix_export_options_init(ctix_export_options *opts)
{
  memset(opts, 0, sizeof(*opts));
  opts->producer = "ctix";
  opts->tlp = "clear";
  opts->timestamp = "1970-01-01T00:00:00Z";
}

/* Hex SHA-1 of the document text: the report's content identity. */
static void text_digest(char out[41], const ctix_document *doc)
{
  static const char hex[] = "0123456789abcdef";
  struct sha1_ctx ctx;
  uint8_t d[SHA1_DIGEST_SIZE];
  size_t i;
  sha1_init(&ctx);
  if (doc && doc->text && doc->len)
    sha1_update(&ctx, doc->len, (const uint8_t *)doc->text);
  sha1_digest(&ctx, sizeof(d), d);
  for (i = 0; i < SHA1_DIGEST_SIZE; i++) {
    out[2 * i] = hex[d[i] >> 4];
    out[2 * i + 1] = hex[d[i] & 15];
  }
  out[40] = '\0';
}

/* The bundle handed to callers: its texts, its object records and the arena
 * of their strings (export_internal.h). */
struct ctix_stix_bundle {
  char *pretty, *compact;       /* NULL when that form was not asked for */
  size_t pretty_len, compact_len;
  ctix__stix_obj *objs;
  size_t nobjs;
  unsigned forms;               /* the CTIX__STIX_* it holds */
  ctix_arena arena;
};

void ctix_stix_bundle_free(ctix_stix_bundle *b)
{
  if (!b)
    return;
  free(b->pretty);
  free(b->compact);
  free(b->objs);
  ctix__arena_free(&b->arena);
  free(b);
}

const char *ctix_stix_bundle_json(const ctix_stix_bundle *b, bool pretty, size_t *len)
{
  const char *t = !b ? NULL : pretty ? b->pretty : b->compact;
  if (len)
    *len = !t ? 0 : pretty ? b->pretty_len : b->compact_len;
  return t;
}

unsigned ctix__stix_bundle_forms(const ctix_stix_bundle *b)
{
  return b ? b->forms : 0;
}

const ctix__stix_obj *ctix__stix_bundle_objects(const ctix_stix_bundle *b, size_t *n)
{
  *n = b ? b->nobjs : 0;
  return b ? b->objs : NULL;
}

/*
 * Writes the bundle of `a` once into `b`, in the text forms `forms` asks
 * for (indented and compact both come from the one pass of a two-form
 * JSON writer) and, with CTIX__STIX_OBJECTS, the object records.
 */
static int build(ctix_stix_bundle *b, const ctix_analysis *a, const ctix_export_options *opts,
                 unsigned forms, ctix_error *err)
{
  ctix_export_options defaults;
  stix *s = NULL;
  size_t level = 0, i;
  char digest[41], bundle[ID_MAX];
  bool pretty = (forms & CTIX__STIX_PRETTY) != 0;
  bool both = pretty && (forms & CTIX__STIX_COMPACT);
  int rc = 0;

  if (!opts) {
    ctix_export_options_init(&defaults);
    opts = &defaults;
  }
  s = calloc(1, sizeof(*s));
  if (!s)
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory writing the STIX bundle");
  if (both)
    ctix__jsonw_init_both(&s->w, STIX_MAX_OUTPUT);
  else
    ctix__jsonw_init_max(&s->w, pretty, STIX_MAX_OUTPUT);
  ctix__arena_init(&s->arena, 0);
  ctix__buf_init(&s->order, (size_t)-1 / 2);
  ctix__buf_init(&s->scratch, (size_t)1 << 26);
  ctix__buf_init(&s->other, (size_t)1 << 26);
  ctix__buf_init(&s->objs, (size_t)-1 / 2);
  ctix__buf_init(&s->rec_tmp, (size_t)1 << 26);
  s->forms = forms;
  s->rec_arena = &b->arena;
  s->a = a;
  s->doc = a->doc;

  /* Options. */
  for (i = 0; i < sizeof(tlp_levels) / sizeof(tlp_levels[0]); i++)
    if (ctix__mem_ieq(opts->tlp ? opts->tlp : "clear", strlen(opts->tlp ? opts->tlp : "clear"),
                      tlp_levels[i].key) ||
        (opts->tlp && ctix__mem_ieq(opts->tlp, strlen(opts->tlp), tlp_levels[i].name)))
      break;
  if (i == sizeof(tlp_levels) / sizeof(tlp_levels[0])) {
    rc = ctix__error_set(err, CTIX_EINVAL,
                         "unknown TLP level '%s' (clear, green, amber, amber+strict, red)",
                         opts->tlp);
    goto done;
  }
  level = i;
  s->marking = tlp_levels[level].id;
  if (!(s->doc && norm_ts(s->ts, s->doc->meta.published)) &&
      !norm_ts(s->ts, opts->timestamp ? opts->timestamp : "1970-01-01T00:00:00Z")) {
    rc = ctix__error_set(err, CTIX_EINVAL, "timestamp '%s' is not an RFC 3339 date-time",
                         opts->timestamp ? opts->timestamp : "");
    goto done;
  }
  if (opts->kb) {
    s->kb = opts->kb;
  } else if (ctix_kb_default(&s->kb, NULL)) {
    s->kb = NULL; /* no knowledge base: ctix's own ids, no mitigations */
  }
  s->source_url = opts->source_url ? opts->source_url : s->doc ? s->doc->meta.canonical_url : NULL;

  MAKE_ID(s, s->producer, "identity", "producer", opts->producer ? opts->producer : "ctix");
  MAKE_ID(s, s->ext, "extension-definition", "ctix", EXT_VERSION);
  text_digest(digest, s->doc);
  MAKE_ID(s, s->report, "report", digest);
  MAKE_ID(s, bundle, "bundle", digest, s->marking, s->producer);

  ctix__jsonw_object(&s->w);
  ctix__jsonw_kstr(&s->w, "type", "bundle");
  ctix__jsonw_kstr(&s->w, "id", bundle);
  ctix__jsonw_key(&s->w, "objects");
  ctix__jsonw_array(&s->w);
  put_marking(s, level);
  put_producer(s, opts->producer ? opts->producer : "ctix");
  put_extension_definition(s);
  put_techniques(s);
  put_entities(s);
  put_ioc_vulnerabilities(s);
  put_resemblances(s);
  put_indicators(s);
  put_report(s);
  ctix__jsonw_end(&s->w);
  ctix__jsonw_end(&s->w);
  if (s->err) {
    rc = ctix__error_set(err, s->err, "out of memory writing the STIX bundle");
    goto done;
  }
  if (both)
    rc = ctix__jsonw_finish_both(&s->w, &b->pretty, &b->pretty_len, &b->compact,
                                 &b->compact_len, err);
  else if (pretty)
    rc = ctix__jsonw_finish(&s->w, &b->pretty, &b->pretty_len, err);
  else
    rc = ctix__jsonw_finish(&s->w, &b->compact, &b->compact_len, err);
  if (rc)
    goto done;
  if (forms & CTIX__STIX_OBJECTS) {
    b->nobjs = CTIX__BUF_COUNT(&s->objs, ctix__stix_obj);
    b->objs = (ctix__stix_obj *)(void *)ctix__buf_detach(&s->objs, NULL);
    if (!b->objs)
      rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory writing the STIX bundle");
  }
  b->forms = (b->pretty ? CTIX__STIX_PRETTY : 0u) | (b->compact ? CTIX__STIX_COMPACT : 0u) |
             (b->objs ? CTIX__STIX_OBJECTS : 0u);
done:
  ctix__jsonw_free(&s->w);
  ctix__arena_free(&s->arena);
  ctix__buf_free(&s->order);
  ctix__buf_free(&s->scratch);
  ctix__buf_free(&s->other);
  ctix__buf_free(&s->objs);
  ctix__buf_free(&s->rec_tmp);
  free(s->slots);
  free(s);
  return rc;
}

int ctix__export_stix_build(ctix_stix_bundle **out, const ctix_analysis *a,
                            const ctix_export_options *opts, unsigned forms, ctix_error *err)
{
  ctix_stix_bundle *b;
  int rc;
  if (!out || !a) {
    if (out)
      *out = NULL;
    return ctix__error_set(err, CTIX_EINVAL, "ctix_export_stix: NULL argument");
  }
  *out = NULL;
  if (!(b = calloc(1, sizeof(*b))))
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory writing the STIX bundle");
  ctix__arena_init(&b->arena, 0);
  if ((rc = build(b, a, opts, forms, err))) {
    ctix_stix_bundle_free(b);
    return rc;
  }
  *out = b;
  return 0;
}

int ctix_export_stix_bundle(ctix_stix_bundle **out, const ctix_analysis *a,
                            const ctix_export_options *opts, ctix_error *err)
{
  return ctix__export_stix_build(out, a, opts,
                                 CTIX__STIX_PRETTY | CTIX__STIX_COMPACT | CTIX__STIX_OBJECTS, err);
}

int ctix_export_stix(char **out, size_t *len, const ctix_analysis *a,
                     const ctix_export_options *opts, ctix_error *err)
{
  ctix_stix_bundle *b = NULL;
  int rc;
  if (!out || !len || !a) {
    if (out)
      *out = NULL;
    return ctix__error_set(err, CTIX_EINVAL, "ctix_export_stix: NULL argument");
  }
  *out = NULL;
  *len = 0;
  if ((rc = ctix__export_stix_build(&b, a, opts, CTIX__STIX_PRETTY, err)))
    return rc;
  *out = b->pretty;
  *len = b->pretty_len;
  b->pretty = NULL;
  ctix_stix_bundle_free(b);
  return 0;
}
