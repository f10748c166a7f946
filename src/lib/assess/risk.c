/*
 * The risk model: a 0-100 score and a level computed from the rows of
 * data/assess/risk.tsv (docs/risk.md). Each row names a rule (the part of
 * its key before ':') that counts units in what the extractors found;
 * the row's contribution is points x units, limited to its cap, and is
 * listed with the evidence that triggered it. The score is the sum,
 * rounded and clamped to 0-100; the level is the highest "level:*" row
 * whose threshold the score reaches. Everything is deterministic: rules
 * read their inputs in document or list order.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess_internal.h"
#include "util/err.h"
#include "util/str.h"

/* Longest evidence text kept from a sentence. */
#define EVIDENCE_MAX 200
/* Most ids named in one factor's evidence. */
#define EVIDENCE_IDS 8

typedef struct rinput {
  const ctix__assess_tables *t;
  const ctix_kb *kb;
  const ctix_document *doc;
  const ctix_ioc_list *iocs;
  const ctix_ttp_list *ttps;
  const ctix_entity_list *ents;
} rinput;

/* What a rule found: units counted and evidence text. */
typedef struct rresult {
  float units;
  ctix_buf ev;
} rresult;

typedef bool (*rule_fn)(const rinput *in, const ctix__risk_row *row, rresult *r);

/* ------------------------------------------------------------- evidence */

static void ev_sep(rresult *r)
{
  if (r->ev.len)
    ctix__buf_adds(&r->ev, ", ");
}

/* Appends a sentence of the document, cut on a character boundary. */
static void ev_sentence(rresult *r, const ctix_document *doc, size_t si, const char *phrase)
{
  const ctix_sentence *s = &doc->sentences[si];
  size_t n = s->span.end - s->span.start;
  bool cut = n > EVIDENCE_MAX;
  if (cut) {
    n = EVIDENCE_MAX;
    while (n > 0 && ((unsigned char)doc->text[s->span.start + n] & 0xC0) == 0x80)
      n--;
  }
  ev_sep(r);
  ctix__buf_addf(&r->ev, "\"%s\": ", phrase);
  ctix__buf_add(&r->ev, doc->text + s->span.start, n);
  if (cut)
    ctix__buf_adds(&r->ev, "...");
}

/* ---------------------------------------------------------- phrase search */

/* True if a negation of `neg` occurs in txt[0..pos). */
static bool negated_before(const ctix__assess_param *neg, const char *txt, size_t pos)
{
  for (size_t j = 0; neg && j < neg->nitems; j++)
    if (ctix__assess_phrase_find(txt, pos, 0, neg->items[j], neg->lens[j]) < pos)
      return true;
  return false;
}

/*
 * First prose sentence holding one of the row's `phrases` not preceded in
 * that sentence by one of its `negations`. Returns the sentence index (or
 * SIZE_MAX) and the phrase in *which. One pass over the words of each
 * sentence: only the phrases starting with a word's first letter are tried.
 */
static size_t find_phrase(const rinput *in, const ctix__risk_row *row, const char **which)
{
  const ctix__assess_param *ph = ctix__risk_param(row, "phrases");
  const ctix__assess_param *neg = ctix__risk_param(row, "negations");
  const ctix_document *doc = in->doc;
  bool first[256];
  if (!ph || !doc)
    return SIZE_MAX;
  memset(first, 0, sizeof(first));
  for (size_t k = 0; k < ph->nitems; k++)
    first[(unsigned char)ph->items[k][0]] = true;
  for (size_t si = 0; si < doc->nsentences; si++) {
    const ctix_sentence *s = &doc->sentences[si];
    if (s->block < doc->nblocks && doc->blocks[s->block].kind == CTIX_BLOCK_CODE)
      continue;
    const char *txt = doc->text + s->span.start;
    size_t n = s->span.end - s->span.start;
    for (size_t pos = 0; pos < n; pos++) {
      unsigned char c = (unsigned char)ctix__lower((unsigned char)txt[pos]);
      if (!first[c] || (pos > 0 && ctix__isalnum((unsigned char)txt[pos - 1])))
        continue;
      for (size_t k = 0; k < ph->nitems; k++) {
        if ((unsigned char)ph->items[k][0] != c ||
            !ctix__assess_phrase_at(txt, n, pos, ph->items[k], ph->lens[k]))
          continue;
        if (negated_before(neg, txt, pos))
          continue;
        *which = ph->items[k];
        return si;
      }
    }
  }
  return SIZE_MAX;
}

static float param_float(const ctix__risk_row *row, const char *name, float dflt)
{
  const ctix__assess_param *p = ctix__risk_param(row, name);
  char *end = NULL;
  if (!p)
    return dflt;
  float v = strtof(p->value, &end);
  return end && *end == '\0' ? v : dflt;
}

/* ------------------------------------------------------------------ rules */

/* One unit per tactic reached: 1 for an observed technique, `potential` otherwise. */
static bool rule_impact_tactic(const rinput *in, const ctix__risk_row *row, rresult *r)
{
  float potential = param_float(row, "potential", 0.33f);
  size_t named = 0;
  if (!in->ttps)
    return false;
  for (size_t i = 0; i < in->ttps->count; i++) {
    const ctix_ttp_hit *h = &in->ttps->items[i];
    bool has = false;
    for (size_t k = 0; k < h->ntactics && !has; k++)
      has = h->tactics[k] && strcmp(h->tactics[k], row->arg) == 0;
    if (!has)
      continue;
    float u = h->status == CTIX_TTP_OBSERVED ? 1.0f : potential;
    if (u > r->units)
      r->units = u;
    if (named < EVIDENCE_IDS) {
      ev_sep(r);
      ctix__buf_addf(&r->ev, "%s%s", h->id ? h->id : "?",
                     h->status == CTIX_TTP_OBSERVED ? "" : " (potential)");
      named++;
    }
  }
  return r->units > 0;
}

/* Vulnerabilities in KEV: from the entities, else the CVE observables. */
static bool rule_kev(const rinput *in, const ctix__risk_row *row, rresult *r, bool ransomware)
{
  size_t named = 0;
  if (in->ents) {
    for (size_t i = 0; i < in->ents->count; i++) {
      const ctix_entity *e = &in->ents->items[i];
      if (e->kind != CTIX_ENTITY_VULNERABILITY || !e->kev || (ransomware && !e->kev_ransomware))
        continue;
      r->units += 1;
      if (named++ < EVIDENCE_IDS) {
        ev_sep(r);
        ctix__buf_adds(&r->ev, e->id ? e->id : e->name ? e->name : "?");
      }
    }
    return r->units > 0;
  }
  if (!in->iocs || !in->kb)
    return false;
  for (size_t i = 0; i < in->iocs->nitems; i++) {
    const ctix_ioc *o = &in->iocs->items[i];
    ctix_kb_kev kev;
    if (o->type != CTIX_IOC_CVE || o->status == CTIX_IOC_STATUS_REJECTED || !o->value ||
        ctix_kb_find_cve(in->kb, o->value, strlen(o->value), &kev) ||
        (ransomware && !kev.known_ransomware))
      continue;
    r->units += 1;
    if (named++ < EVIDENCE_IDS) {
      ev_sep(r);
      ctix__buf_adds(&r->ev, o->value);
    }
  }
  return r->units > 0;
}

static bool rule_kev_exploited(const rinput *in, const ctix__risk_row *row, rresult *r)
{
  return rule_kev(in, row, r, false);
}

static bool rule_kev_ransomware(const rinput *in, const ctix__risk_row *row, rresult *r)
{
  return rule_kev(in, row, r, true);
}

/* Names of entities of `kind` (known ones only when `known`), into the evidence. */
static size_t ev_entities(const rinput *in, rresult *r, ctix_entity_kind kind, bool known)
{
  size_t n = 0;
  for (size_t i = 0; in->ents && i < in->ents->count; i++) {
    const ctix_entity *e = &in->ents->items[i];
    if (e->kind != kind || (known && !e->known))
      continue;
    if (n++ < EVIDENCE_IDS) {
      ev_sep(r);
      ctix__buf_adds(&r->ev, e->name ? e->name : "?");
    }
  }
  return n;
}

/* True if KB software or group `ref` uses technique `tid` (directly or via its software). */
static bool kb_uses(const ctix_kb *kb, ctix_kb_ref ref, ctix_kb_ref tid, int depth)
{
  size_t first, n = ctix_kb_edges(kb, ref, CTIX_KB_REL_USES, 0, &first);
  for (size_t k = 0; k < n; k++) {
    ctix_kb_ref t = ctix_kb_edge_target(kb, first + k);
    if (t == tid)
      return true;
    if (depth > 0 && ctix_kb_kind_of(kb, t) == CTIX_KB_SOFTWARE && kb_uses(kb, t, tid, 0))
      return true;
  }
  return false;
}

/*
 * Actor rules. state: the text calls the actor state-sponsored (a
 * `phrases` item). ransomware: the text says ransomware, or a named
 * malware or group uses the row's `technique` (T1486) in ATT&CK. tracked:
 * a known ATT&CK group is named. unknown: none of these.
 */
static bool rule_actor(const rinput *in, const ctix__risk_row *row, rresult *r)
{
  const char *which = NULL;
  size_t si;
  if (strcmp(row->arg, "state") == 0) {
    if ((si = find_phrase(in, row, &which)) == SIZE_MAX)
      return false;
    ev_entities(in, r, CTIX_ENTITY_GROUP, false);
    ev_sentence(r, in->doc, si, which);
    r->units = 1;
    return true;
  }
  if (strcmp(row->arg, "ransomware") == 0) {
    const ctix__assess_param *tp = ctix__risk_param(row, "technique");
    ctix_kb_ref tid = CTIX_KB_NONE;
    if (tp && in->kb)
      (void)ctix_kb_find_id(in->kb, tp->value, strlen(tp->value), &tid);
    for (size_t i = 0; in->ents && tid != CTIX_KB_NONE && i < in->ents->count; i++) {
      const ctix_entity *e = &in->ents->items[i];
      if ((e->kind == CTIX_ENTITY_MALWARE || e->kind == CTIX_ENTITY_GROUP) &&
          e->ref != CTIX_KB_NONE && kb_uses(in->kb, e->ref, tid, 1)) {
        ev_sep(r);
        ctix__buf_addf(&r->ev, "%s uses %s in ATT&CK", e->name ? e->name : "?", tp->value);
        r->units = 1;
        return true;
      }
    }
    if ((si = find_phrase(in, row, &which)) == SIZE_MAX)
      return false;
    ev_sentence(r, in->doc, si, which);
    r->units = 1;
    return true;
  }
  if (strcmp(row->arg, "tracked") == 0) {
    if (ev_entities(in, r, CTIX_ENTITY_GROUP, true) == 0)
      return false;
    r->units = 1;
    return true;
  }
  /* unknown: the fallback */
  size_t named = ev_entities(in, r, CTIX_ENTITY_GROUP, false);
  if (!named)
    ctix__buf_adds(&r->ev, "no known actor named");
  r->units = 1;
  return true;
}

/* Sector criticality: the highest of the sectors named (targeted full, mentioned less). */
static bool rule_sector(const rinput *in, const ctix__risk_row *row, rresult *r)
{
  float mentioned = param_float(row, "mentioned", 0.5f);
  float dflt = param_float(row, "default", 0.4f);
  for (size_t i = 0; in->ents && i < in->ents->count; i++) {
    const ctix_entity *e = &in->ents->items[i];
    if (e->kind != CTIX_ENTITY_SECTOR)
      continue;
    float crit = dflt;
    const char *key = e->id ? e->id : e->name;
    for (size_t k = 0; key && k < in->t->nsectors; k++) {
      if (ctix__mem_ieq(key, strlen(key), in->t->sectors[k].key) ||
          (e->name && ctix__mem_ieq(e->name, strlen(e->name), in->t->sectors[k].key))) {
        crit = in->t->sectors[k].criticality;
        break;
      }
    }
    bool targeted = !e->role || strcmp(e->role, "mentioned") != 0;
    float u = targeted ? crit : crit * mentioned;
    ev_sep(r);
    ctix__buf_addf(&r->ev, "%s (%s, criticality %.2f)", e->name ? e->name : "?",
                   targeted ? "targeted" : "mentioned", (double)crit);
    if (u > r->units)
      r->units = u;
  }
  return r->units > 0;
}

/*
 * The tactic `t` names in the row's `same` list of "other:tactic" pairs
 * (ICS "evasion:defense-evasion"), or `t` itself. The pair's second half
 * points into the row's item, so it ends at the item's end.
 */
static const char *same_tactic(const ctix__risk_row *row, const char *t)
{
  const ctix__assess_param *p = ctix__risk_param(row, "same");
  size_t n = strlen(t);
  for (size_t k = 0; p && k < p->nitems; k++)
    if (p->lens[k] > n + 1 && p->items[k][n] == ':' && memcmp(p->items[k], t, n) == 0)
      return p->items[k] + n + 1;
  return t;
}

/*
 * Distinct tactics of observed techniques beyond the first `free`; a
 * tactic of another ATT&CK domain that the `same` list pairs with an
 * Enterprise one counts as that one.
 */
static bool rule_breadth(const rinput *in, const ctix__risk_row *row, rresult *r)
{
  float freebies = param_float(row, "free", 2);
  const char *seen[64];
  size_t nseen = 0;
  for (size_t i = 0; in->ttps && i < in->ttps->count; i++) {
    const ctix_ttp_hit *h = &in->ttps->items[i];
    if (h->status != CTIX_TTP_OBSERVED)
      continue;
    for (size_t k = 0; k < h->ntactics; k++) {
      const char *t = h->tactics[k] ? same_tactic(row, h->tactics[k]) : NULL;
      bool dup = !t;
      for (size_t j = 0; j < nseen && !dup; j++)
        dup = strcmp(seen[j], t) == 0;
      if (!dup && nseen < sizeof(seen) / sizeof(seen[0]))
        seen[nseen++] = t;
    }
  }
  /* evidence in a stable order: the order first seen (list order) */
  for (size_t j = 0; j < nseen; j++) {
    ev_sep(r);
    ctix__buf_adds(&r->ev, seen[j]);
  }
  r->units = (float)nseen - freebies;
  return r->units > 0;
}

/* A phrase of the row in a prose sentence, not negated. */
static bool rule_phrase(const rinput *in, const ctix__risk_row *row, rresult *r)
{
  const char *which = NULL;
  size_t si = find_phrase(in, row, &which);
  if (si == SIZE_MAX)
    return false;
  ev_sentence(r, in->doc, si, which);
  r->units = 1;
  return true;
}

/* Observables with status ioc, ids of vulnerabilities and ATT&CK excepted. */
static bool rule_iocs(const rinput *in, const ctix__risk_row *row, rresult *r)
{
  size_t n = 0;
  for (size_t i = 0; in->iocs && i < in->iocs->nitems; i++) {
    const ctix_ioc *o = &in->iocs->items[i];
    if (o->status != CTIX_IOC_STATUS_IOC)
      continue;
    switch (o->type) {
    case CTIX_IOC_CVE: case CTIX_IOC_CWE: case CTIX_IOC_CAPEC:
    case CTIX_IOC_ATTACK_TECHNIQUE: case CTIX_IOC_ATTACK_TACTIC: case CTIX_IOC_ATTACK_GROUP:
    case CTIX_IOC_ATTACK_SOFTWARE: case CTIX_IOC_ATTACK_MITIGATION:
    case CTIX_IOC_ATTACK_CAMPAIGN: case CTIX_IOC_ATTACK_DATA_SOURCE: case CTIX_IOC_TLP:
      continue;
    default:
      n++;
    }
  }
  if (!n)
    return false;
  ctix__buf_addf(&r->ev, "%zu indicator%s", n, n == 1 ? "" : "s");
  r->units = (float)n;
  return true;
}

/* Level rows are thresholds, not factors. */
static bool rule_level(const rinput *in, const ctix__risk_row *row, rresult *r)
{
  return false;
}

static const struct {
  const char *name;
  rule_fn fn;
} rules[] = {
    {"impact_tactic", rule_impact_tactic}, {"kev_exploited", rule_kev_exploited},
    {"kev_ransomware", rule_kev_ransomware}, {"actor", rule_actor},
    {"sector_critical", rule_sector},      {"kill_chain_breadth", rule_breadth},
    {"data_exposed", rule_phrase},         {"contained", rule_phrase},
    {"ioc_count", rule_iocs},              {"level", rule_level},
};

bool ctix__risk_rule_known(const char *rule, size_t len)
{
  for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
    if (strlen(rules[i].name) == len && memcmp(rules[i].name, rule, len) == 0)
      return true;
  return false;
}

static rule_fn rule_of(const char *name)
{
  for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
    if (strcmp(rules[i].name, name) == 0)
      return rules[i].fn;
  return NULL;
}

int ctix__assess_risk_tables(ctix__risk_result *out, ctix_arena *arena,
                             const ctix__assess_tables *t, const ctix_kb *kb,
                             const ctix_document *doc, const ctix_ioc_list *iocs,
                             const ctix_ttp_list *techniques,
                             const ctix_entity_list *entities, ctix_error *err)
{
  int rc = 0;
  rinput in = {t, kb, doc, iocs, techniques, entities};
  ctix_buf factors = CTIX_BUF_INIT((size_t)1 << 20);
  rresult r;
  bool actor_done = false;
  double sum = 0;
  memset(out, 0, sizeof(*out));
  ctix__buf_init(&r.ev, (size_t)1 << 16);
  for (size_t i = 0; i < t->nrisk; i++) {
    const ctix__risk_row *row = &t->risk[i];
    rule_fn fn = rule_of(row->rule);
    if (!fn) {
      rc = ctix__error_set(err, CTIX_EPARSE, "risk.tsv: unknown rule '%s'", row->rule);
      goto done;
    }
    if (strcmp(row->rule, "actor") == 0 && actor_done)
      continue;
    ctix__buf_reset(&r.ev);
    r.units = 0;
    if (!fn(&in, row, &r))
      continue;
    if (strcmp(row->rule, "actor") == 0)
      actor_done = true;
    if (r.ev.err)
      goto nomem;
    float cap = row->cap > 0 ? row->cap : fabsf(row->points);
    float c = row->points * r.units;
    if (c > cap)
      c = cap;
    if (c < -cap)
      c = -cap;
    ctix_risk_factor f;
    f.key = row->key;
    f.label = row->label;
    f.contribution = c;
    f.evidence = ctix__arena_strndup(arena, r.ev.data ? r.ev.data : "", r.ev.len);
    if (!f.evidence || ctix__buf_push(&factors, &f, sizeof(f)))
      goto nomem;
    sum += c;
  }
  long score = lround(sum);
  out->score = (int)(score < 0 ? 0 : score > 100 ? 100 : score);
  out->level = "low";
  float best = -1;
  for (size_t i = 0; i < t->nrisk; i++) {
    const ctix__risk_row *row = &t->risk[i];
    if (strcmp(row->rule, "level") == 0 && (float)out->score >= row->points &&
        row->points > best) {
      best = row->points;
      out->level = row->arg;
    }
  }
  out->nfactors = CTIX__BUF_COUNT(&factors, ctix_risk_factor);
  if (out->nfactors) {
    out->factors = ctix__arena_memdup(arena, factors.data, factors.len);
    if (!out->factors)
      goto nomem;
  }
  goto done;
nomem:
  rc = ctix__error_set(err, CTIX_ENOMEM, "risk: out of memory");
done:
  ctix__buf_free(&r.ev);
  ctix__buf_free(&factors);
  return rc;
}

int ctix__assess_risk(ctix__risk_result *out, ctix_arena *arena, const ctix_kb *kb,
                      const ctix_document *doc, const ctix_ioc_list *iocs,
                      const ctix_ttp_list *techniques, const ctix_entity_list *entities,
                      ctix_error *err)
{
  const ctix__assess_tables *t;
  int rc = ctix__assess_tables_get(&t, err);
  if (rc)
    return rc;
  return ctix__assess_risk_tables(out, arena, t, kb, doc, iocs, techniques, entities, err);
}
