/*
 * ATT&CK STIX 2.1 bundles into the knowledge-base model: one bundle per
 * domain (its x-mitre-matrix says which, its x-mitre-collection gives the
 * version). Keeps the facts only (ids, names, aliases, platforms, tactics,
 * status, relations); descriptions and procedure texts are not read.
 *
 * Linking, after every bundle is in: objects present in several bundles
 * are merged (domains united, the newest copy kept), relationships become
 * edges, tactics get their matrix order, revoked-by chains are followed to
 * the current object, and detection strategies -> analytics -> log
 * sources become technique -> data component edges. Any reference that
 * names no object is an error.
 */
#include <stdlib.h>
#include <string.h>

#include "kb/build.h"
#include "kb/format.h"
#include "util/str.h"

/* The three ATT&CK domains: matrix id, kill-chain name, meta key. */
typedef struct domain_info {
  unsigned bit;
  const char *matrix;
  const char *chain;
  const char *label;
  const char *key;
} domain_info;

static const domain_info domains[] = {
    {CTIX_KB_ENTERPRISE, "enterprise-attack", "mitre-attack", "Enterprise", "attack-enterprise"},
    {CTIX_KB_MOBILE, "mobile-attack", "mitre-mobile-attack", "Mobile", "attack-mobile"},
    {CTIX_KB_ICS, "ics-attack", "mitre-ics-attack", "ICS", "attack-ics"},
};
#define NDOMAINS (sizeof(domains) / sizeof(domains[0]))

/* STIX types kept as objects. */
typedef struct type_info {
  const char *type;
  ctix_kb_kind kind;
  unsigned flags;
} type_info;

static const type_info types[] = {
    {"attack-pattern", CTIX_KB_TECHNIQUE, 0},
    {"x-mitre-tactic", CTIX_KB_TACTIC, 0},
    {"intrusion-set", CTIX_KB_GROUP, 0},
    {"malware", CTIX_KB_SOFTWARE, CTIX_KB_MALWARE},
    {"tool", CTIX_KB_SOFTWARE, CTIX_KB_TOOL},
    {"campaign", CTIX_KB_CAMPAIGN, 0},
    {"course-of-action", CTIX_KB_MITIGATION, 0},
    {"x-mitre-data-component", CTIX_KB_DATA_COMPONENT, 0},
};
#define NTYPES (sizeof(types) / sizeof(types[0]))

/* Sources whose external_id is an ATT&CK id. */
static const char *const id_sources[] = {"mitre-attack", "mitre-mobile-attack",
                                         "mitre-ics-attack"};

/* Tactics not placed by an active matrix sort after the placed ones. */
#define ORDER_UNPLACED 0x7fffffffu

static const type_info *type_by_name(const char *type, size_t n)
{
  size_t i;
  for (i = 0; i < NTYPES; i++)
    if (strlen(types[i].type) == n && memcmp(types[i].type, type, n) == 0)
      return &types[i];
  return NULL;
}

/* The kept type of a STIX id ("malware--..."), or NULL. */
static const type_info *type_of_stix(const char *stix)
{
  const char *dash = strstr(stix, "--");
  return dash ? type_by_name(stix, (size_t)(dash - stix)) : NULL;
}

/* The ATT&CK id of an object: external_id of its mitre-attack reference. */
static int attack_id(const ctix__kbb_at *at, json_t *obj, const char **out)
{
  json_t *refs = json_object_get(obj, "external_references");
  size_t i, k;
  *out = NULL;
  if (!refs)
    return 0;
  if (!json_is_array(refs))
    return ctix__kbb_jfail(at, "\"external_references\" must be an array");
  for (i = 0; i < json_array_size(refs); i++) {
    json_t *r = json_array_get(refs, i);
    const char *src;
    if (!json_is_object(r))
      return ctix__kbb_jfail(at, "\"external_references\"[%zu] must be an object", i);
    src = json_string_value(json_object_get(r, "source_name"));
    if (!src || !json_object_get(r, "external_id"))
      continue;
    for (k = 0; k < sizeof(id_sources) / sizeof(id_sources[0]); k++)
      if (strcmp(src, id_sources[k]) == 0)
        return ctix__kbb_jstr(at, r, "external_id", true, out);
  }
  return 0;
}

/* Reads the common fields of a kept object and its kind-specific ones. */
static int read_object(ctix__kbb *b, const ctix__kbb_at *at, json_t *obj, const type_info *t,
                       const char *stix, const domain_info *dom, uint32_t file)
{
  ctix__kbb_obj o;
  bool revoked, deprecated, sub;
  int rc;
  memset(&o, 0, sizeof(o));
  o.kind = (uint8_t)t->kind;
  o.flags = (uint16_t)t->flags;
  o.domains = (uint8_t)dom->bit;
  o.stix = stix;
  o.parent = CTIX__KB_NIL;
  o.revoked_by = CTIX__KB_NIL;
  o.file = file;
  o.index = (uint32_t)at->index;
  o.shortname = o.first_seen = o.last_seen = o.modified = "";
  if ((rc = attack_id(at, obj, &o.id)))
    return rc;
  if (!o.id)
    return ctix__kbb_jfail(at, "has no ATT&CK id (no mitre-attack external reference)");
  if ((rc = ctix__kbb_jstr(at, obj, "name", true, &o.name)) ||
      (rc = ctix__kbb_jbool(at, obj, "revoked", &revoked)) ||
      (rc = ctix__kbb_jbool(at, obj, "x_mitre_deprecated", &deprecated)) ||
      (rc = ctix__kbb_jstr(at, obj, "modified", false, &o.modified)))
    return rc;
  if (!o.modified)
    o.modified = "";
  if (revoked)
    o.flags |= CTIX_KB_REVOKED;
  if (deprecated)
    o.flags |= CTIX_KB_DEPRECATED;
  switch (t->kind) {
  case CTIX_KB_TECHNIQUE: {
    json_t *kc = json_object_get(obj, "kill_chain_phases");
    size_t i, n;
    if ((rc = ctix__kbb_jbool(at, obj, "x_mitre_is_subtechnique", &sub)) ||
        (rc = ctix__kbb_jstrs(at, obj, "x_mitre_platforms", &o.platforms, &o.nplatforms)))
      return rc;
    if (sub)
      o.flags |= CTIX_KB_SUBTECHNIQUE;
    if (kc && !json_is_array(kc))
      return ctix__kbb_jfail(at, "\"kill_chain_phases\" must be an array");
    n = json_array_size(kc);
    if (n) {
      o.phases = ctix__arena_calloc(&b->arena, n, sizeof(*o.phases));
      if (!o.phases)
        return ctix__kbb_nomem(b);
    }
    for (i = 0; i < n; i++) {
      json_t *ph = json_array_get(kc, i);
      const char *chain, *phase;
      if (!json_is_object(ph))
        return ctix__kbb_jfail(at, "\"kill_chain_phases\"[%zu] must be an object", i);
      if ((rc = ctix__kbb_jstr(at, ph, "kill_chain_name", true, &chain)) ||
          (rc = ctix__kbb_jstr(at, ph, "phase_name", true, &phase)))
        return rc;
      if (strcmp(chain, dom->chain) != 0)
        return ctix__kbb_jfail(at, "kill chain \"%s\" is not the %s matrix's (\"%s\")", chain,
                               dom->label, dom->chain);
      o.phases[o.nphases++] = phase;
    }
    break;
  }
  case CTIX_KB_TACTIC:
    if ((rc = ctix__kbb_jstr(at, obj, "x_mitre_shortname", true, &o.shortname)))
      return rc;
    o.order = ORDER_UNPLACED;
    break;
  case CTIX_KB_GROUP:
    if ((rc = ctix__kbb_jstrs(at, obj, "aliases", &o.aliases, &o.naliases)))
      return rc;
    break;
  case CTIX_KB_CAMPAIGN:
    if ((rc = ctix__kbb_jstrs(at, obj, "aliases", &o.aliases, &o.naliases)) ||
        (rc = ctix__kbb_jstr(at, obj, "first_seen", false, &o.first_seen)) ||
        (rc = ctix__kbb_jstr(at, obj, "last_seen", false, &o.last_seen)))
      return rc;
    if (!o.first_seen)
      o.first_seen = "";
    if (!o.last_seen)
      o.last_seen = "";
    break;
  case CTIX_KB_SOFTWARE:
    if ((rc = ctix__kbb_jstrs(at, obj, "x_mitre_aliases", &o.aliases, &o.naliases)) ||
        (rc = ctix__kbb_jstrs(at, obj, "x_mitre_platforms", &o.platforms, &o.nplatforms)))
      return rc;
    break;
  default:
    break;
  }
  return ctix__kbb_add_obj(b, &o, NULL);
}

/* A relationship: kept as STIX ids until every bundle is read. */
static int read_relationship(ctix__kbb *b, const ctix__kbb_at *at, json_t *obj,
                             const char *stix, uint32_t file)
{
  ctix__kbb_rel r;
  int rc;
  memset(&r, 0, sizeof(r));
  r.stix = stix;
  r.file = file;
  r.index = (uint32_t)at->index;
  if ((rc = ctix__kbb_jstr(at, obj, "relationship_type", true, &r.type)) ||
      (rc = ctix__kbb_jstr(at, obj, "source_ref", true, &r.src)) ||
      (rc = ctix__kbb_jstr(at, obj, "target_ref", true, &r.dst)))
    return rc;
  if ((rc = ctix__buf_push(&b->rels, &r, sizeof(r))))
    return rc == CTIX_ENOMEM ? ctix__kbb_nomem(b) : ctix__kbb_jfail(at, "too many relationships");
  return 0;
}

/* Pushes a (stix, refs) list onto `into`. */
static int push_list(ctix__kbb *b, const ctix__kbb_at *at, ctix_buf *into,
                     const ctix__kbb_list *l)
{
  int rc = ctix__buf_push(into, l, sizeof(*l));
  if (rc)
    return rc == CTIX_ENOMEM ? ctix__kbb_nomem(b) : ctix__kbb_jfail(at, "too many objects");
  return 0;
}

/* An analytic: the data components of its log-source references. */
static int read_analytic(ctix__kbb *b, const ctix__kbb_at *at, json_t *obj,
                         ctix__kbb_list *l)
{
  json_t *srcs = json_object_get(obj, "x_mitre_log_source_references");
  size_t i, n;
  int rc;
  if (srcs && !json_is_array(srcs))
    return ctix__kbb_jfail(at, "\"x_mitre_log_source_references\" must be an array");
  n = json_array_size(srcs);
  if (n > CTIX__KBB_MAX_RECORDS)
    return ctix__kbb_jfail(at, "too many log sources");
  if (n && !(l->refs = ctix__arena_calloc(&b->arena, n, sizeof(*l->refs))))
    return ctix__kbb_nomem(b);
  for (i = 0; i < n; i++) {
    json_t *s = json_array_get(srcs, i);
    if (!json_is_object(s))
      return ctix__kbb_jfail(at, "\"x_mitre_log_source_references\"[%zu] must be an object", i);
    if ((rc = ctix__kbb_jstr(at, s, "x_mitre_data_component_ref", true, &l->refs[l->nrefs])))
      return rc;
    l->nrefs++;
  }
  return push_list(b, at, &b->analytics, l);
}

/*
 * First look at a bundle: its domain (from the matrices) and its version
 * (from the collection), recorded as source versions.
 */
static int read_header(ctix__kbb *b, ctix__kbb_at *at, json_t *objects,
                       const domain_info **dom)
{
  const char *version = NULL, *modified = NULL, *spec = NULL, *mid;
  char key[64];
  size_t i;
  int rc;
  *dom = NULL;
  for (i = 0; i < json_array_size(objects); i++) {
    json_t *o = json_array_get(objects, i);
    const char *type = json_string_value(json_object_get(o, "type"));
    at->index = i;
    at->id = json_string_value(json_object_get(o, "id"));
    if (!type)
      continue;
    if (strcmp(type, "x-mitre-collection") == 0 && !version) {
      if ((rc = ctix__kbb_jstr(at, o, "x_mitre_version", true, &version)) ||
          (rc = ctix__kbb_jstr(at, o, "modified", false, &modified)) ||
          (rc = ctix__kbb_jstr(at, o, "x_mitre_attack_spec_version", false, &spec)))
        return rc;
    } else if (strcmp(type, "x-mitre-matrix") == 0) {
      const domain_info *d = NULL;
      size_t k;
      if ((rc = attack_id(at, o, &mid)))
        return rc;
      for (k = 0; mid && k < NDOMAINS; k++)
        if (strcmp(mid, domains[k].matrix) == 0)
          d = &domains[k];
      if (!d)
        return ctix__kbb_jfail(at, "matrix id \"%s\" is not an ATT&CK domain", mid ? mid : "");
      if (*dom && *dom != d)
        return ctix__kbb_jfail(at, "matrices of two domains (%s, %s) in one bundle",
                               (*dom)->label, d->label);
      *dom = d;
    }
  }
  at->id = NULL;
  if (!*dom)
    return ctix__kbb_ffail(b, at->file, CTIX_EPARSE,
                           "no x-mitre-matrix object: cannot tell the ATT&CK domain");
  if (!version)
    return ctix__kbb_ffail(b, at->file, CTIX_EPARSE,
                           "no x-mitre-collection object: the ATT&CK version is unknown");
  if (b->domains & (*dom)->bit)
    return ctix__kbb_ffail(b, at->file, CTIX_EINVAL, "a second %s bundle", (*dom)->label);
  b->domains |= (*dom)->bit;
  if ((rc = ctix__kbb_add_meta(b, (*dom)->key, version)))
    return rc;
  snprintf(key, sizeof(key), "%s-modified", (*dom)->key);
  if ((rc = ctix__kbb_add_meta(b, key, modified ? modified : "")))
    return rc;
  snprintf(key, sizeof(key), "%s-spec", (*dom)->key);
  return ctix__kbb_add_meta(b, key, spec ? spec : "");
}

/* Reads one element of "objects". */
static int read_element(ctix__kbb *b, ctix__kbb_at *at, json_t *o, const domain_info *dom,
                        uint32_t file)
{
  const char *type, *stix;
  const type_info *t;
  ctix__kbb_list l;
  bool deprecated;
  int rc;
  at->id = NULL;
  if (!json_is_object(o))
    return ctix__kbb_jfail(at, "must be an object");
  if ((rc = ctix__kbb_jstr(at, o, "id", true, &stix)))
    return rc;
  at->id = stix;
  if ((rc = ctix__kbb_jstr(at, o, "type", true, &type)))
    return rc;
  if (strncmp(stix, type, strlen(type)) != 0 || strncmp(stix + strlen(type), "--", 2) != 0)
    return ctix__kbb_jfail(at, "id does not start with its type \"%s--\"", type);
  if ((t = type_by_name(type, strlen(type))))
    return read_object(b, at, o, t, stix, dom, file);
  if (strcmp(type, "relationship") == 0)
    return read_relationship(b, at, o, stix, file);
  memset(&l, 0, sizeof(l));
  l.stix = stix;
  l.domain = (uint8_t)dom->bit;
  l.file = file;
  l.index = (uint32_t)at->index;
  if (strcmp(type, "x-mitre-detection-strategy") == 0) {
    if ((rc = ctix__kbb_jstrs(at, o, "x_mitre_analytic_refs", &l.refs, &l.nrefs)))
      return rc;
    return push_list(b, at, &b->strategies, &l);
  }
  if (strcmp(type, "x-mitre-analytic") == 0)
    return read_analytic(b, at, o, &l);
  if (strcmp(type, "x-mitre-matrix") == 0) {
    if ((rc = ctix__kbb_jstrs(at, o, "tactic_refs", &l.refs, &l.nrefs)) ||
        (rc = ctix__kbb_jbool(at, o, "x_mitre_deprecated", &deprecated)))
      return rc;
    if (!json_object_get(o, "tactic_refs"))
      return ctix__kbb_jfail(at, "\"tactic_refs\" is missing");
    l.deprecated = deprecated;
    return push_list(b, at, &b->matrices, &l);
  }
  return 0; /* identity, marking-definition, data source, asset, ...: not kept */
}

int ctix__kbb_add_bundle(ctix__kbb *b, const char *data, size_t len, const char *name)
{
  json_t *root = NULL, *objects;
  const domain_info *dom;
  ctix__kbb_at at;
  const char *type;
  size_t i;
  int rc, file;
  if (b->linked)
    return ctix__error_set(b->err, CTIX_EINVAL, "ATT&CK bundles must come before linking");
  if ((file = ctix__kbb_file(b, name)) < 0)
    return file;
  if ((rc = ctix__kbb_jparse(b, &root, data, len, name)))
    return rc;
  memset(&at, 0, sizeof(at));
  at.b = b;
  at.file = name;
  at.array = "objects";
  type = json_string_value(json_object_get(root, "type"));
  objects = json_object_get(root, "objects");
  if (!json_is_object(root) || !type || strcmp(type, "bundle") != 0 ||
      !json_is_array(objects)) {
    rc = ctix__kbb_ffail(b, name, CTIX_EPARSE,
                         "not a STIX bundle (an object with \"type\": \"bundle\" and an "
                         "\"objects\" array)");
    goto done;
  }
  if ((rc = read_header(b, &at, objects, &dom)))
    goto done;
  for (i = 0; i < json_array_size(objects); i++) {
    at.index = i;
    if ((rc = read_element(b, &at, json_array_get(objects, i), dom, (uint32_t)file)))
      goto done;
  }
done:
  json_decref(root);
  return rc;
}

/* ------------------------------------------------------------- linking */

/* Domain order of a bit set: the lowest domain bit. */
static unsigned first_domain(unsigned bits)
{
  return bits & (~bits + 1);
}

/* Orders by STIX id, then domain: copies of one object become neighbours. */
static int cmp_obj_stix(const void *pa, const void *pb)
{
  const ctix__kbb_obj *a = pa, *b = pb;
  int c = strcmp(a->stix, b->stix);
  if (c)
    return c;
  return (int)first_domain(a->domains) - (int)first_domain(b->domains);
}

static int cmp_list_stix(const void *pa, const void *pb)
{
  const ctix__kbb_list *a = pa, *b = pb;
  int c = strcmp(a->stix, b->stix);
  if (c)
    return c;
  return (int)a->domain - (int)b->domain;
}

static int cmp_rel_stix(const void *pa, const void *pb)
{
  const ctix__kbb_rel *a = pa, *b = pb;
  int c = strcmp(a->stix, b->stix);
  if (c)
    return c;
  return (int)a->file - (int)b->file;
}

/* Error about an object, naming its first file and position. */
static int obj_fail(ctix__kbb *b, const ctix__kbb_obj *o, const char *msg, const char *arg)
{
  ctix__kbb_at at;
  at.b = b;
  at.file = ctix__kbb_file_name(b, o->file);
  at.array = "objects";
  at.index = o->index;
  at.id = o->stix;
  return ctix__kbb_jfail(&at, "%s%s", msg, arg ? arg : "");
}

/* Error about a relationship, naming its file and position. */
static int rel_fail(ctix__kbb *b, const ctix__kbb_rel *r, const char *msg, const char *arg)
{
  ctix__kbb_at at;
  at.b = b;
  at.file = ctix__kbb_file_name(b, r->file);
  at.array = "objects";
  at.index = r->index;
  at.id = r->stix;
  return ctix__kbb_jfail(&at, "%s%s", msg, arg ? arg : "");
}

/*
 * Merges copies of one object from several bundles: the union of their
 * domains, the content of the newest copy (the first bundle in domain
 * order on a tie).
 */
static int merge_objects(ctix__kbb *b)
{
  size_t n = CTIX__KBB_NOBJS(b), i = 0, j, w = 0;
  ctix__kbb_obj *objs = (ctix__kbb_obj *)(void *)b->objs.data;
  if (n)
    qsort(objs, n, sizeof(*objs), cmp_obj_stix);
  while (i < n) {
    ctix__kbb_obj best = objs[i];
    unsigned doms = objs[i].domains;
    for (j = i + 1; j < n && strcmp(objs[j].stix, objs[i].stix) == 0; j++) {
      if (objs[j].kind != objs[i].kind)
        return obj_fail(b, &objs[j], "differs in type from its copy in ",
                        ctix__kbb_file_name(b, objs[i].file));
      doms |= objs[j].domains;
      if (strcmp(objs[j].modified, best.modified) > 0)
        best = objs[j];
    }
    best.domains = (uint8_t)doms;
    objs[w++] = best;
    i = j;
  }
  ctix__buf_truncate(&b->objs, w * sizeof(*objs));
  b->nattack = (uint32_t)w;
  return 0;
}

/* Creation index of the ATT&CK object with STIX id `stix`, or NIL. */
static uint32_t find_stix(const ctix__kbb *b, const char *stix)
{
  size_t lo = 0, hi = b->nattack;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(stix, CTIX__KBB_OBJ(b, mid)->stix);
    if (c == 0)
      return (uint32_t)mid;
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return CTIX__KB_NIL;
}

/* The strategy or analytic with STIX id `stix` (lists sorted by id), or NULL. */
static const ctix__kbb_list *find_list(const ctix_buf *lists, const char *stix)
{
  size_t lo = 0, hi = CTIX__BUF_COUNT(lists, ctix__kbb_list);
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const ctix__kbb_list *l = &CTIX__BUF_AT(lists, ctix__kbb_list, mid);
    int c = strcmp(stix, l->stix);
    if (c == 0)
      return l;
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return NULL;
}

/* Resolves one end of a relationship to an object of one of `kinds` (a bit set). */
static int rel_end(ctix__kbb *b, const ctix__kbb_rel *r, const char *ref, const char *which,
                   unsigned kinds, uint32_t *out)
{
  char msg[200];
  *out = find_stix(b, ref);
  if (*out == CTIX__KB_NIL) {
    snprintf(msg, sizeof(msg), "%s relationship: %s ", r->type, which);
    return rel_fail(b, r, msg, type_of_stix(ref) ? "names no object of the bundles (dangling)"
                                                 : "has an unexpected type");
  }
  if (!(kinds & (1u << CTIX__KBB_OBJ(b, *out)->kind))) {
    snprintf(msg, sizeof(msg), "%s relationship: unexpected %s type: ", r->type, which);
    return rel_fail(b, r, msg, ref);
  }
  return 0;
}

#define K(kind) (1u << (kind))

/* detects: strategy -> technique becomes technique -> data component edges. */
static int link_detects(ctix__kbb *b, const ctix__kbb_rel *r, uint32_t tech)
{
  const ctix__kbb_list *s = find_list(&b->strategies, r->src), *a;
  uint32_t i, k, dc;
  int rc;
  if (!s)
    return rel_fail(b, r, "detects relationship: source_ref names no detection strategy: ",
                    r->src);
  for (i = 0; i < s->nrefs; i++) {
    if (!(a = find_list(&b->analytics, s->refs[i])))
      return rel_fail(b, r, "its detection strategy names a missing analytic: ", s->refs[i]);
    for (k = 0; k < a->nrefs; k++) {
      dc = find_stix(b, a->refs[k]);
      if (dc == CTIX__KB_NIL || CTIX__KBB_OBJ(b, dc)->kind != CTIX_KB_DATA_COMPONENT)
        return rel_fail(b, r, "an analytic of its strategy names a missing data component: ",
                        a->refs[k]);
      if ((rc = ctix__kbb_add_edge(b, tech, CTIX_KB_REL_DETECTED_BY, dc, CTIX__KB_NIL, "", 0,
                                   0)))
        return rc;
    }
  }
  return 0;
}

/* Turns one STIX relationship into model facts. */
static int link_rel(ctix__kbb *b, const ctix__kbb_rel *r)
{
  uint32_t s, d;
  int rc;
  if (strcmp(r->type, "uses") == 0) {
    if ((rc = rel_end(b, r, r->src, "source_ref",
                      K(CTIX_KB_GROUP) | K(CTIX_KB_CAMPAIGN) | K(CTIX_KB_SOFTWARE), &s)) ||
        (rc = rel_end(b, r, r->dst, "target_ref", K(CTIX_KB_TECHNIQUE) | K(CTIX_KB_SOFTWARE),
                      &d)))
      return rc;
    return ctix__kbb_add_edge(b, s, CTIX_KB_REL_USES, d, CTIX__KB_NIL, "", 0, 0);
  }
  if (strcmp(r->type, "mitigates") == 0) {
    if ((rc = rel_end(b, r, r->src, "source_ref", K(CTIX_KB_MITIGATION), &s)) ||
        (rc = rel_end(b, r, r->dst, "target_ref", K(CTIX_KB_TECHNIQUE), &d)))
      return rc;
    return ctix__kbb_add_edge(b, s, CTIX_KB_REL_MITIGATES, d, CTIX__KB_NIL, "", 0, 0);
  }
  if (strcmp(r->type, "attributed-to") == 0) {
    if ((rc = rel_end(b, r, r->src, "source_ref", K(CTIX_KB_CAMPAIGN), &s)) ||
        (rc = rel_end(b, r, r->dst, "target_ref", K(CTIX_KB_GROUP), &d)))
      return rc;
    return ctix__kbb_add_edge(b, s, CTIX_KB_REL_ATTRIBUTED_TO, d, CTIX__KB_NIL, "", 0, 0);
  }
  if (strcmp(r->type, "subtechnique-of") == 0) {
    if ((rc = rel_end(b, r, r->src, "source_ref", K(CTIX_KB_TECHNIQUE), &s)) ||
        (rc = rel_end(b, r, r->dst, "target_ref", K(CTIX_KB_TECHNIQUE), &d)))
      return rc;
    if (s == d)
      return rel_fail(b, r, "subtechnique-of relationship names the same technique twice", NULL);
    CTIX__KBB_OBJ(b, s)->parent = d;
    return 0;
  }
  if (strcmp(r->type, "revoked-by") == 0) {
    const type_info *t = type_of_stix(r->src);
    if (!t)
      return 0; /* revoked objects of a type not kept */
    if ((rc = rel_end(b, r, r->src, "source_ref", K(t->kind), &s)) ||
        (rc = rel_end(b, r, r->dst, "target_ref", K(t->kind), &d)))
      return rc;
    CTIX__KBB_OBJ(b, s)->revoked_by = d;
    return 0;
  }
  if (strcmp(r->type, "detects") == 0) {
    if ((rc = rel_end(b, r, r->dst, "target_ref", K(CTIX_KB_TECHNIQUE), &d)))
      return rc;
    return link_detects(b, r, d);
  }
  return 0; /* "targets" (ICS assets) and others are not kept */
}

/* Gives each tactic its matrix position: active matrices, then deprecated ones. */
static int link_matrices(ctix__kbb *b)
{
  size_t m, d, nm = CTIX__BUF_COUNT(&b->matrices, ctix__kbb_list);
  uint32_t i, t;
  int pass;
  for (d = 0; d < NDOMAINS; d++)
    for (pass = 0; pass < 2; pass++)
      for (m = 0; m < nm; m++) {
        const ctix__kbb_list *l = &CTIX__BUF_AT(&b->matrices, ctix__kbb_list, m);
        if (l->domain != domains[d].bit || l->deprecated != (pass == 1))
          continue;
        for (i = 0; i < l->nrefs; i++) {
          ctix__kbb_obj *o;
          t = find_stix(b, l->refs[i]);
          if (t == CTIX__KB_NIL || CTIX__KBB_OBJ(b, t)->kind != CTIX_KB_TACTIC) {
            ctix__kbb_at at = {b, ctix__kbb_file_name(b, l->file), "objects", l->index, l->stix};
            return ctix__kbb_jfail(&at, "tactic_refs[%u] names no tactic: %s", i, l->refs[i]);
          }
          o = CTIX__KBB_OBJ(b, t);
          if (o->order == ORDER_UNPLACED)
            o->order = ((uint32_t)d << 24) | ((uint32_t)pass << 23) |
                       (i < 0x7fffffu ? i : 0x7fffffu);
        }
      }
  return 0;
}

/* Technique -> tactic edges from the kill-chain phases. */
static int link_tactics(ctix__kbb *b)
{
  uint32_t n = b->nattack, i, k, t, ntac = 0;
  uint32_t *tac = calloc(n ? n : 1, sizeof(*tac));
  int rc = 0;
  if (!tac)
    return ctix__kbb_nomem(b);
  for (i = 0; i < n; i++)
    if (CTIX__KBB_OBJ(b, i)->kind == CTIX_KB_TACTIC)
      tac[ntac++] = i;
  for (i = 0; i < n && !rc; i++) {
    const ctix__kbb_obj *o = CTIX__KBB_OBJ(b, i);
    for (k = 0; k < o->nphases && !rc; k++) {
      uint32_t found = CTIX__KB_NIL;
      for (t = 0; t < ntac && found == CTIX__KB_NIL; t++) {
        const ctix__kbb_obj *ta = CTIX__KBB_OBJ(b, tac[t]);
        if ((ta->domains & o->domains) && strcmp(ta->shortname, o->phases[k]) == 0)
          found = tac[t];
      }
      if (found == CTIX__KB_NIL)
        rc = obj_fail(b, o, "kill-chain phase names no tactic of its matrix: ", o->phases[k]);
      else
        rc = ctix__kbb_add_edge(b, i, CTIX_KB_REL_TACTIC, found, CTIX__KB_NIL, "", 0, 0);
      o = CTIX__KBB_OBJ(b, i);
    }
  }
  free(tac);
  return rc;
}

/* Follows revoked-by chains so every revoked object names the current one. */
static int link_revoked(ctix__kbb *b)
{
  uint32_t n = b->nattack, i, cur, steps;
  uint32_t *final = calloc(n ? n : 1, sizeof(*final));
  if (!final)
    return ctix__kbb_nomem(b);
  for (i = 0; i < n; i++) {
    cur = CTIX__KBB_OBJ(b, i)->revoked_by;
    for (steps = 0; cur != CTIX__KB_NIL && CTIX__KBB_OBJ(b, cur)->revoked_by != CTIX__KB_NIL;
         steps++) {
      if (steps > n) {
        free(final);
        return obj_fail(b, CTIX__KBB_OBJ(b, i), "revoked-by relationships form a cycle", NULL);
      }
      cur = CTIX__KBB_OBJ(b, cur)->revoked_by;
    }
    final[i] = cur;
  }
  for (i = 0; i < n; i++)
    CTIX__KBB_OBJ(b, i)->revoked_by = final[i];
  free(final);
  return 0;
}

/* Sub-techniques without a subtechnique-of relationship: parent by id prefix. */
static void link_parents(ctix__kbb *b)
{
  uint32_t n = b->nattack, i;
  char parent[64];
  for (i = 0; i < n; i++) {
    ctix__kbb_obj *o = CTIX__KBB_OBJ(b, i);
    const char *dot;
    if (o->kind != CTIX_KB_TECHNIQUE || o->parent != CTIX__KB_NIL ||
        !(o->flags & CTIX_KB_SUBTECHNIQUE) || !(dot = strchr(o->id, '.')) ||
        (size_t)(dot - o->id) >= sizeof(parent))
      continue;
    memcpy(parent, o->id, (size_t)(dot - o->id));
    parent[dot - o->id] = '\0';
    o->parent = ctix__kbb_lookup(b, CTIX_KB_TECHNIQUE, parent);
  }
}

int ctix__kbb_link_attack(ctix__kbb *b)
{
  size_t i, n;
  ctix__kbb_rel *rels;
  int rc;
  if (b->linked)
    return 0;
  b->linked = true;
  if ((rc = merge_objects(b)))
    return rc;
  for (i = 0; i < b->nattack; i++)
    if ((rc = ctix__kbb_index(b, (uint32_t)i)))
      return rc;
  n = CTIX__BUF_COUNT(&b->strategies, ctix__kbb_list);
  if (n)
    qsort(b->strategies.data, n, sizeof(ctix__kbb_list), cmp_list_stix);
  n = CTIX__BUF_COUNT(&b->analytics, ctix__kbb_list);
  if (n)
    qsort(b->analytics.data, n, sizeof(ctix__kbb_list), cmp_list_stix);
  rels = (ctix__kbb_rel *)(void *)b->rels.data;
  n = CTIX__BUF_COUNT(&b->rels, ctix__kbb_rel);
  if (n)
    qsort(rels, n, sizeof(*rels), cmp_rel_stix);
  for (i = 0; i < n; i++) {
    /* A relationship present in several bundles counts once. */
    if (i > 0 && strcmp(rels[i].stix, rels[i - 1].stix) == 0)
      continue;
    if ((rc = link_rel(b, &rels[i])))
      return rc;
  }
  if ((rc = link_matrices(b)) || (rc = link_tactics(b)) || (rc = link_revoked(b)))
    return rc;
  link_parents(b);
  return 0;
}
