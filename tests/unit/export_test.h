/*
 * Hand-built analyses for the tests of the export writers (unit tests and
 * the corpus driver of tests/integration/export): a document is parsed
 * and run through ctix_analyze (document and IOC stages, and whatever
 * later stages exist), then the technique, entity and assessment results
 * the analysis lacks are filled in by hand with plain structs, the way
 * those stages would fill them: techniques with their evidence sentence,
 * entities resolved in the knowledge base with every mention, resemblance
 * candidates and risk factors. The exported analysis is a copy of the
 * pipeline's, so the pipeline's own results are never touched.
 *
 * Every helper returns 0 or a negative CTIX_E code; nothing here fails a
 * test by itself, so the header works with and without cmocka.
 */
#ifndef CTIX_TEST_EXPORT_TEST_H
#define CTIX_TEST_EXPORT_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/ctix.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"

typedef struct export_fx {
  ctix_analysis *owned;         /* from ctix_analyze */
  ctix_analysis a;              /* the exported copy */
  const ctix_kb *kb;            /* may be NULL */
  ctix_arena arena;             /* everything the helpers build */
  ctix_buf hits, ents, res, factors, events; /* growing arrays */
  ctix_ttp_list ttp;
  ctix_entity_list entl;
  ctix_assessment assess;
  bool own_ttp, own_ent, own_assess; /* the pipeline left that stage empty */
} export_fx;

/* Parses text (format auto, `source` as its name) and runs the pipeline. */
static inline int export_fx_init(export_fx *f, const char *text, size_t len, const char *source)
{
  ctix_options o;
  ctix_document *doc = NULL;
  ctix_error err;
  int rc;
  memset(f, 0, sizeof(*f));
  ctix__arena_init(&f->arena, 0);
  ctix__buf_init(&f->hits, (size_t)1 << 28);
  ctix__buf_init(&f->ents, (size_t)1 << 28);
  ctix__buf_init(&f->res, (size_t)1 << 24);
  ctix__buf_init(&f->factors, (size_t)1 << 24);
  ctix__buf_init(&f->events, (size_t)1 << 24);
  ctix_error_clear(&err);
  if (ctix_kb_default(&f->kb, NULL))
    f->kb = NULL;
  ctix_options_init(&o);
  o.doc.source = source;
  if ((rc = ctix_document_parse(&doc, text, len, &o.doc, &err)))
    return rc;
  if ((rc = ctix_analyze(&f->owned, doc, NULL, &o, &err)))
    return rc;
  f->a = *f->owned;
  f->own_ttp = f->a.techniques == NULL;
  f->own_ent = f->a.entities == NULL;
  f->own_assess = f->a.assessment == NULL;
  return 0;
}

/*
 * Drops the pipeline's technique, entity, assessment and response results
 * from the exported copy (they stay owned by the pipeline's analysis), so
 * a golden test sees only what it builds by hand.
 */
static inline void export_fx_hand_only(export_fx *f)
{
  f->a.techniques = NULL;
  f->a.entities = NULL;
  f->a.assessment = NULL;
  f->a.response = NULL;
  f->own_ttp = f->own_ent = f->own_assess = true;
}

static inline void export_fx_free(export_fx *f)
{
  ctix_analysis_free(f->owned);
  ctix__arena_free(&f->arena);
  ctix__buf_free(&f->hits);
  ctix__buf_free(&f->ents);
  ctix__buf_free(&f->res);
  ctix__buf_free(&f->factors);
  ctix__buf_free(&f->events);
  memset(f, 0, sizeof(*f));
}

static inline const ctix_document *export_fx_doc(const export_fx *f)
{
  return f->owned ? f->owned->doc : NULL;
}

/* Index of the first sentence holding `needle` (case ignored), or -1. */
static inline long export_fx_sentence(const export_fx *f, const char *needle)
{
  const ctix_document *d = export_fx_doc(f);
  size_t i;
  if (!d || !needle || !*needle)
    return -1;
  for (i = 0; i < d->nsentences; i++) {
    const ctix_sentence *s = &d->sentences[i];
    if (ctix__mem_ifind(d->text + s->span.start, s->span.end - s->span.start, needle))
      return (long)i;
  }
  return -1;
}

/*
 * Adds technique `tid` (name and tactics from the KB) with confidence
 * `conf`; its evidence is the first sentence holding `needle` (none if
 * absent). Only when the pipeline has no technique stage.
 */
static inline int export_fx_technique(export_fx *f, const char *tid, float conf,
                                      ctix_ttp_status st, const char *needle)
{
  ctix_ttp_hit h;
  ctix_kb_ref ref;
  const ctix_document *d = export_fx_doc(f);
  long si = export_fx_sentence(f, needle);
  if (!f->own_ttp)
    return 0;
  memset(&h, 0, sizeof(h));
  h.id = ctix__arena_strdup(&f->arena, tid);
  h.name = tid;
  h.confidence = conf;
  h.status = st;
  h.signals = 1u << 2;
  if (f->kb && ctix_kb_find_id(f->kb, tid, strlen(tid), &ref) == 0) {
    size_t first, n = ctix_kb_edges(f->kb, ref, CTIX_KB_REL_TACTIC, CTIX_KB_TACTIC, &first), i;
    const char **tac = ctix__arena_calloc(&f->arena, n ? n : 1, sizeof(*tac));
    ctix_kb_obj o;
    if (!tac)
      return CTIX_ENOMEM;
    h.name = ctix_kb_name(f->kb, ref);
    for (i = 0; i < n; i++)
      if (ctix_kb_get(f->kb, ctix_kb_edge_target(f->kb, first + i), &o) == 0)
        tac[h.ntactics++] = o.shortname;
    h.tactics = tac;
    if (ctix_kb_get(f->kb, ref, &o) == 0 && o.parent != CTIX_KB_NONE)
      h.parent_name = ctix_kb_name(f->kb, o.parent);
  }
  if (si >= 0) {
    ctix_ttp_evidence *e = ctix__arena_calloc(&f->arena, 1, sizeof(*e));
    const char **why = ctix__arena_calloc(&f->arena, 1, sizeof(*why));
    if (!e || !why)
      return CTIX_ENOMEM;
    why[0] = ctix__arena_strdup(&f->arena, needle);
    e->sentence = (size_t)si;
    e->start = d->sentences[si].span.start;
    e->end = d->sentences[si].span.end;
    e->score = conf;
    e->signals = h.signals;
    e->status = st;
    e->why = why;
    e->nwhy = 1;
    h.evidence = e;
    h.nevidence = 1;
  }
  return ctix__buf_push(&f->hits, &h, sizeof(h));
}

/*
 * Adds an entity of `kind` named `name`: groups, software and campaigns
 * are resolved in the KB by name (id, MITRE STIX id, known); `id` is the
 * CVE, sector key or country code for the other kinds. Mentions are every
 * occurrence of `name` in the text (case ignored). Only when the pipeline
 * has no entity stage.
 */
static inline int export_fx_entity(export_fx *f, ctix_entity_kind kind, const char *name,
                                   const char *id, const char *role, float conf)
{
  ctix_entity e;
  const ctix_document *d = export_fx_doc(f);
  ctix_buf men = CTIX_BUF_INIT((size_t)1 << 24);
  size_t nl = strlen(name);
  const char *p;
  if (!f->own_ent)
    return 0;
  memset(&e, 0, sizeof(e));
  e.kind = kind;
  e.name = ctix__arena_strdup(&f->arena, name);
  e.id = id ? ctix__arena_strdup(&f->arena, id) : NULL;
  e.ref = CTIX_KB_NONE;
  e.confidence = conf;
  e.role = role;
  e.evidence = "hand-built test entity";
  if (f->kb && (kind == CTIX_ENTITY_GROUP || kind == CTIX_ENTITY_MALWARE ||
                kind == CTIX_ENTITY_TOOL || kind == CTIX_ENTITY_CAMPAIGN)) {
    static const ctix_kb_kind want[] = {CTIX_KB_GROUP, CTIX_KB_SOFTWARE, CTIX_KB_SOFTWARE,
                                        CTIX_KB_CAMPAIGN};
    ctix_kb_ref refs[8];
    size_t n = ctix_kb_find_name(f->kb, name, nl, refs, 8), i;
    for (i = 0; i < n && i < 8; i++) {
      ctix_kb_obj o;
      if (ctix_kb_get(f->kb, refs[i], &o) == 0 && o.kind == want[kind] &&
          !(o.flags & (CTIX_KB_REVOKED | CTIX_KB_DEPRECATED))) {
        e.ref = refs[i];
        e.id = o.id;
        e.stix_id = o.stix_id;
        e.name = o.name;
        e.known = true;
        break;
      }
    }
  } else if (kind == CTIX_ENTITY_VULNERABILITY && f->kb) {
    ctix_kb_kev k;
    e.known = true;
    if (ctix_kb_find_cve(f->kb, name, nl, &k) == 0) {
      e.kev = true;
      e.kev_date_added = k.date_added;
      e.kev_due_date = k.due_date;
      e.kev_ransomware = k.known_ransomware;
      e.vendor = k.vendor;
      e.product = k.product;
    }
  } else {
    e.known = kind == CTIX_ENTITY_SECTOR || kind == CTIX_ENTITY_LOCATION;
  }
  for (p = d ? d->text : NULL; p && nl;) {
    ctix_entity_mention m;
    size_t si;
    p = ctix__mem_ifind(p, d->len - (size_t)(p - d->text), name);
    if (!p)
      break;
    memset(&m, 0, sizeof(m));
    m.start = (size_t)(p - d->text);
    m.end = m.start + nl;
    m.alias = e.name;
    for (si = 0; si < d->nsentences; si++)
      if (d->sentences[si].span.start <= m.start && m.end <= d->sentences[si].span.end) {
        m.sentence = si;
        break;
      }
    ctix__buf_push(&men, &m, sizeof(m));
    p += nl;
  }
  if (men.err) {
    ctix__buf_free(&men);
    return men.err;
  }
  e.nmentions = CTIX__BUF_COUNT(&men, ctix_entity_mention);
  e.mentions = e.nmentions ? ctix__arena_memdup(&f->arena, men.data, men.len) : NULL;
  ctix__buf_free(&men);
  if (!e.name || (e.nmentions && !e.mentions))
    return CTIX_ENOMEM;
  return ctix__buf_push(&f->ents, &e, sizeof(e));
}

/* Adds a resemblance candidate (group or campaign by ATT&CK id). */
static inline int export_fx_resemblance(export_fx *f, const char *attack_id, float score,
                                        const char *const *shared, size_t nshared)
{
  ctix_resemblance r;
  ctix_kb_ref ref;
  ctix_kb_obj o;
  if (!f->own_assess || !f->kb || ctix_kb_find_id(f->kb, attack_id, strlen(attack_id), &ref) ||
      ctix_kb_get(f->kb, ref, &o))
    return 0;
  memset(&r, 0, sizeof(r));
  r.ref = ref;
  r.id = o.id;
  r.name = o.name;
  r.stix_id = o.stix_id;
  r.kind = o.kind;
  r.score = score;
  r.shared_techniques = shared;
  r.nshared_techniques = nshared;
  return ctix__buf_push(&f->res, &r, sizeof(r));
}

/* Adds a risk factor and a dated event. */
static inline int export_fx_risk(export_fx *f, const char *key, float points, const char *why)
{
  ctix_risk_factor r = {key, key, points, why};
  if (!f->own_assess)
    return 0;
  f->assess.risk_score += (int)points;
  return ctix__buf_push(&f->factors, &r, sizeof(r));
}

static inline int export_fx_event(export_fx *f, const char *date, const char *what,
                                  const char *expr)
{
  ctix_event e;
  if (!f->own_assess)
    return 0;
  memset(&e, 0, sizeof(e));
  e.date = date;
  e.precision = "day";
  e.what = what;
  e.expression = expr;
  return ctix__buf_push(&f->events, &e, sizeof(e));
}

/*
 * Replaces the exported IOC list with `n` hand-made observables (all of
 * status IOC, one occurrence at offset 0): values the extractor would
 * never let through, to test the writers on hostile input.
 */
static inline int export_fx_set_iocs(export_fx *f, const ctix_ioc_type *types,
                                     const char *const *values, size_t n)
{
  ctix_ioc_list *l = ctix__arena_calloc(&f->arena, 1, sizeof(*l));
  ctix_ioc *items = ctix__arena_calloc(&f->arena, n ? n : 1, sizeof(*items));
  size_t i;
  if (!l || !items)
    return CTIX_ENOMEM;
  for (i = 0; i < n; i++) {
    items[i].type = types[i];
    items[i].status = CTIX_IOC_STATUS_IOC;
    items[i].value = ctix__arena_strdup(&f->arena, values[i]);
    items[i].original = items[i].value;
    items[i].nhits = 1;
    if (!items[i].value)
      return CTIX_ENOMEM;
  }
  l->items = items;
  l->nitems = n;
  f->a.iocs = l;
  return 0;
}

/* Hostile observables: quotes, backslashes, brackets, controls, odd Unicode, bad forms. */
static const struct {
  ctix_ioc_type type;
  const char *value;
} export_hostile_iocs[] = {
    {CTIX_IOC_FILE_NAME, "a'b\\c].exe"},
    {CTIX_IOC_FILE_NAME, "quote\"d'' .dll"},
    {CTIX_IOC_FILE_NAME, "ctl\x01\x1f\x7f.bin"},
    {CTIX_IOC_FILE_NAME, "new\nline\ttab\r.txt"},
    {CTIX_IOC_FILE_NAME, "\xc3\xbcn\xc3\xaf\xe2\x98\x83.exe"},
    {CTIX_IOC_FILE_NAME, "\xff\xfe invalid \xc0\xaf.exe"},
    {CTIX_IOC_FILE_NAME, "emoji\xf0\x9f\x98\x80.scr"},
    {CTIX_IOC_FILE_NAME, "\xe2\x80\xa8sep\xe2\x80\xa9.exe"},
    {CTIX_IOC_FILE_NAME, "]'\\'\\\\']"},
    {CTIX_IOC_FILE_PATH, "C:\\Users\\x'y\\a].exe"},
    {CTIX_IOC_FILE_PATH, "/tmp/'];DROP/x"},
    {CTIX_IOC_FILE_PATH, "C:\\"},
    {CTIX_IOC_FILE_PATH, "\\\\server\\share\\"},
    {CTIX_IOC_REGISTRY_KEY, "HKLM\\Software\\'evil'\\Run"},
    {CTIX_IOC_REGISTRY_KEY, "HKCU\\x\\HKU\\y"},
    {CTIX_IOC_REGISTRY_KEY, "HKEY_LOCAL_MACHINE\\a\\b\\\\c]"},
    {CTIX_IOC_URL, "http://evil.example/a'b\"c d<e>{f}|\\^`"},
    {CTIX_IOC_URL, "no scheme at all"},
    {CTIX_IOC_URL, "http://ex.example/\xe2\x98\x83?q=']"},
    {CTIX_IOC_URL, "javascript:alert('x')"},
    {CTIX_IOC_DOMAIN, "xn--bcher-kva.example"},
    {CTIX_IOC_DOMAIN, "b\xc3\xbc" "cher.example"},
    {CTIX_IOC_DOMAIN, "bad_domain.example"},
    {CTIX_IOC_DOMAIN, "-bad.example"},
    {CTIX_IOC_DOMAIN, "a..b"},
    {CTIX_IOC_EMAIL, "o'brien@example.com"},
    {CTIX_IOC_EMAIL, "\"quoted\"@example.com"},
    {CTIX_IOC_EMAIL, "a b@example.com"},
    {CTIX_IOC_IPV4, "203.0.113.5"},
    {CTIX_IOC_IPV4_CIDR, "198.51.100.0/24"},
    {CTIX_IOC_IPV6, "2001:db8::1"},
    {CTIX_IOC_IPV6, "::ffff:1.2.3.4"},
    {CTIX_IOC_MD5, "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"},
    {CTIX_IOC_SHA256, "9d3f739e35182992f1e3ade48b8999fb3a5049f48c14db20e38ee63eddc5a1e7"},
    {CTIX_IOC_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
    {CTIX_IOC_SSDEEP, "3:abc:def"},
    {CTIX_IOC_SSDEEP, "bad ssdeep'!"},
    {CTIX_IOC_SHA224, "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f"},
    {CTIX_IOC_ASN, "AS13335"},
    {CTIX_IOC_ASN, "AS99999999999"},
    {CTIX_IOC_MAC, "00-11-22-AA-BB-CC"},
    {CTIX_IOC_MAC, "00:11:22"},
    {CTIX_IOC_MUTEX, "Global\\'mtx']"},
    {CTIX_IOC_BTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"},
    {CTIX_IOC_USER_AGENT, "Mozilla/5.0 'x' \"y\" \\z"},
    {CTIX_IOC_CVE, "CVE-2021-44228"},
    {CTIX_IOC_CVE, "CVE-2021-01234"},
    {CTIX_IOC_ATTACK_TECHNIQUE, "T1059.001"},
};

/*
 * Sets the hostile observables above, then `extra` generated ones (file
 * names with quotes, backslashes and brackets, IPv4 addresses, SHA-256
 * hashes, in turn), for the 10,000-IOC case.
 */
static inline int export_fx_hostile(export_fx *f, size_t extra)
{
  size_t nfix = sizeof(export_hostile_iocs) / sizeof(export_hostile_iocs[0]), n = nfix + extra, i;
  ctix_ioc_type *types = ctix__arena_calloc(&f->arena, n, sizeof(*types));
  const char **values = ctix__arena_calloc(&f->arena, n, sizeof(*values));
  if (!types || !values)
    return CTIX_ENOMEM;
  for (i = 0; i < nfix; i++) {
    types[i] = export_hostile_iocs[i].type;
    values[i] = export_hostile_iocs[i].value;
  }
  for (i = 0; i < extra; i++) {
    char v[96];
    switch (i % 3) {
    case 0:
      types[nfix + i] = CTIX_IOC_FILE_NAME;
      snprintf(v, sizeof(v), "f'%05zu\\]\"\x01.exe", i);
      break;
    case 1:
      types[nfix + i] = CTIX_IOC_IPV4;
      snprintf(v, sizeof(v), "10.%zu.%zu.%zu", (i >> 16) & 255, (i >> 8) & 255, i & 255);
      break;
    default:
      types[nfix + i] = CTIX_IOC_SHA256;
      snprintf(v, sizeof(v), "%064zx", i * 2654435761u);
      break;
    }
    values[nfix + i] = ctix__arena_strdup(&f->arena, v);
    if (!values[nfix + i])
      return CTIX_ENOMEM;
  }
  return export_fx_set_iocs(f, types, values, n);
}

/* Points the exported copy at what was built (call after the last add). */
static inline int export_fx_finish(export_fx *f)
{
  int rc = f->hits.err ? f->hits.err : f->ents.err ? f->ents.err : f->res.err;
  if (rc || (rc = f->factors.err) || (rc = f->events.err))
    return rc;
  if (f->own_ttp) {
    f->ttp.items = (const ctix_ttp_hit *)(const void *)f->hits.data;
    f->ttp.count = CTIX__BUF_COUNT(&f->hits, ctix_ttp_hit);
    f->a.techniques = &f->ttp;
  }
  if (f->own_ent) {
    f->entl.items = (const ctix_entity *)(const void *)f->ents.data;
    f->entl.count = CTIX__BUF_COUNT(&f->ents, ctix_entity);
    f->a.entities = &f->entl;
  }
  if (f->own_assess) {
    f->assess.resemblances = (const ctix_resemblance *)(const void *)f->res.data;
    f->assess.nresemblances = CTIX__BUF_COUNT(&f->res, ctix_resemblance);
    f->assess.factors = (const ctix_risk_factor *)(const void *)f->factors.data;
    f->assess.nfactors = CTIX__BUF_COUNT(&f->factors, ctix_risk_factor);
    f->assess.events = (const ctix_event *)(const void *)f->events.data;
    f->assess.nevents = CTIX__BUF_COUNT(&f->events, ctix_event);
    if (f->assess.risk_score > 100)
      f->assess.risk_score = 100;
    f->assess.risk_level = f->assess.risk_score >= 75   ? "critical"
                           : f->assess.risk_score >= 50 ? "high"
                           : f->assess.risk_score >= 25 ? "medium"
                                                        : "low";
    f->a.assessment = &f->assess;
  }
  return 0;
}

#endif
