/*
 * Attribution by resemblance: ranks ATT&CK Enterprise groups and campaigns
 * by how much their known behaviour overlaps a set of techniques and
 * software.
 *
 * Profiles. A group's profile holds the techniques and software it uses
 * directly and those of the campaigns attributed to it; a campaign's holds
 * its own. A sub-technique also credits its parent (parent_credit), and a
 * profile's software may add its own techniques at a lower weight
 * (software_techniques). A campaign named as `exclude` is left out
 * everywhere: its relations do not count for its group and it is no
 * candidate, so a campaign can be tested against the rest of ATT&CK.
 *
 * Weights. A feature (technique or software) held by few groups says more
 * than one every group has: each counts idf = ln(1 + G / df)^2, with G the
 * number of group profiles and df those holding it.
 *
 * Score. The IDF-weighted overlap of the query and the profile, normalised
 * to 0-1; the measure (cosine, Jaccard, Dice, coverage, Tversky) is a
 * parameter, and the default is the one that ranked best in `ctix eval
 * attribution` (docs/attribution.md has the numbers): a Tversky index
 * close to coverage, the share of the query's weight the profile holds,
 * lowered slightly by what only the profile holds so that, of two
 * profiles covering the query, the more specific ranks first.
 *
 * The profiles of the default knowledge base with the default parameters
 * and nothing excluded (what ctix_assess asks for) are built once per
 * process; other calls build their own. Only candidates sharing something
 * with the query are listed; ties go by kind (groups first), then id.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess_internal.h"
#include "util/buf.h"
#include "util/err.h"

static const char *const sim_names[CTIX__SIM_COUNT] = {"cosine", "jaccard", "dice",
                                                       "coverage", "tversky"};

const char *ctix__sim_name(ctix__sim s)
{
  return (unsigned)s < CTIX__SIM_COUNT ? sim_names[s] : "unknown";
}

int ctix__sim_from_name(const char *name)
{
  for (int i = 0; i < CTIX__SIM_COUNT; i++)
    if (strcmp(sim_names[i], name) == 0)
      return i;
  return -1;
}

void ctix__resemble_params_default(ctix__resemble_params *p)
{
  memset(p, 0, sizeof(*p));
  p->measure = CTIX__SIM_TVERSKY;
  p->parent_credit = 0.5f;
  p->software_weight = 1.0f;
  p->software_techniques = 0.0f;
  p->query_software_techniques = 0.0f;
  p->idf_power = 2.0f;
  p->alpha = 0.02f;
  p->groups = true;
  p->campaigns = true;
}

/* One feature of a profile: its index and weight. */
typedef struct entry {
  uint32_t f;
  float w;
} entry;

typedef struct profile {
  ctix_kb_ref ref;
  ctix_kb_kind kind;
  size_t first, n;           /* entries[first .. first+n), sorted by f */
} profile;

/* Dense accumulator of one vector, with the list of features touched. */
typedef struct acc {
  float *w;
  uint32_t *touched;
  size_t ntouched;
} acc;

typedef struct ctx {
  const ctix_kb *kb;
  const ctix__resemble_params *p;
  ctix_kb_ref t0, s0;
  size_t nt, ns, nfeat;
  ctix_kb_ref *parent;       /* per technique: its parent's ref, or NONE */
  ctix_kb_ref exclude;
} ctx;

static void acc_add(acc *a, uint32_t f, float w)
{
  if (w <= 0)
    return;
  if (a->w[f] == 0)
    a->touched[a->ntouched++] = f;
  if (w > a->w[f])
    a->w[f] = w;
}

/* Current (non-revoked) technique or software ref, or NONE. */
static ctix_kb_ref current(const ctx *c, ctix_kb_ref r)
{
  ctix_kb_obj o;
  for (int hops = 0; hops < 8; hops++) {
    if (ctix_kb_get(c->kb, r, &o))
      return CTIX_KB_NONE;
    if (!(o.flags & CTIX_KB_REVOKED) || o.revoked_by == CTIX_KB_NONE)
      return r;
    r = o.revoked_by;
  }
  return r;
}

static void add_technique(const ctx *c, acc *a, ctix_kb_ref t, float w)
{
  if (t < c->t0 || t >= c->t0 + c->nt)
    return;
  acc_add(a, (uint32_t)(t - c->t0), w);
  ctix_kb_ref par = c->parent[t - c->t0];
  if (par != CTIX_KB_NONE && c->p->parent_credit > 0)
    acc_add(a, (uint32_t)(par - c->t0), w * c->p->parent_credit);
}

/* Techniques used by software s, at weight w. */
static void add_software_techniques(const ctx *c, acc *a, ctix_kb_ref s, float w)
{
  size_t first, n = ctix_kb_edges(c->kb, s, CTIX_KB_REL_USES, CTIX_KB_TECHNIQUE, &first);
  for (size_t k = 0; k < n; k++)
    add_technique(c, a, ctix_kb_edge_target(c->kb, first + k), w);
}

static void add_software(const ctx *c, acc *a, ctix_kb_ref s, float w, float tech_w)
{
  if (s < c->s0 || s >= c->s0 + c->ns)
    return;
  acc_add(a, (uint32_t)(c->nt + (s - c->s0)), w * c->p->software_weight);
  if (tech_w > 0)
    add_software_techniques(c, a, s, w * tech_w);
}

/* The techniques and software `obj` uses. */
static void add_uses(const ctx *c, acc *a, ctix_kb_ref obj)
{
  size_t first, n = ctix_kb_edges(c->kb, obj, CTIX_KB_REL_USES, 0, &first);
  for (size_t k = 0; k < n; k++) {
    ctix_kb_ref t = ctix_kb_edge_target(c->kb, first + k);
    ctix_kb_kind kind = ctix_kb_kind_of(c->kb, t);
    if (kind == CTIX_KB_TECHNIQUE)
      add_technique(c, a, t, 1.0f);
    else if (kind == CTIX_KB_SOFTWARE)
      add_software(c, a, t, 1.0f, c->p->software_techniques);
  }
}

static int u32_cmp(const void *pa, const void *pb)
{
  uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
  return a < b ? -1 : a > b;
}

/* Moves the accumulator into `entries` (sorted) and clears it. */
static int acc_flush(acc *a, ctix_buf *entries)
{
  qsort(a->touched, a->ntouched, sizeof(uint32_t), u32_cmp);
  for (size_t k = 0; k < a->ntouched; k++) {
    entry e = {a->touched[k], a->w[a->touched[k]]};
    a->w[a->touched[k]] = 0;
    ctix__buf_push(entries, &e, sizeof(e));
  }
  a->ntouched = 0;
  return entries->err;
}

static bool usable(const ctix_kb *kb, ctix_kb_ref r)
{
  ctix_kb_obj o;
  return ctix_kb_get(kb, r, &o) == 0 && (o.domains & CTIX_KB_ENTERPRISE) &&
         !(o.flags & (CTIX_KB_REVOKED | CTIX_KB_DEPRECATED));
}

/* Weight of feature f in profile pr (entries sorted by f); 0 if absent. */
static float profile_weight(const entry *e, const profile *pr, uint32_t f)
{
  size_t lo = pr->first, hi = pr->first + pr->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (e[mid].f < f)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < pr->first + pr->n && e[lo].f == f ? e[lo].w : 0.0f;
}

typedef struct scored {
  size_t profile;
  float score;
  const char *id;
  ctix_kb_kind kind;
} scored;

static int scored_cmp(const void *pa, const void *pb)
{
  const scored *a = pa, *b = pb;
  if (a->score != b->score)
    return a->score > b->score ? -1 : 1;
  if (a->kind != b->kind)
    return a->kind < b->kind ? -1 : 1;
  return strcmp(a->id, b->id);
}

void ctix_resemblances_free(ctix_resemblance *r, size_t n)
{
  if (!r)
    return;
  for (size_t i = 0; i < n; i++) {
    free((void *)r[i].shared_techniques);
    free((void *)r[i].shared_software);
  }
  free(r);
}

/* Fills one result: the object's names and what it shares with the query. */
static int fill_result(ctix_resemblance *res, const ctx *c, const entry *entries,
                       const profile *pr, float score, const acc *q, const float *idf,
                       const ctix_kb_ref *techs, size_t ntechs, const ctix_kb_ref *sw,
                       size_t nsw)
{
  ctix_kb_obj o;
  if (ctix_kb_get(c->kb, pr->ref, &o))
    return CTIX_EINVAL;
  res->ref = pr->ref;
  res->id = o.id;
  res->name = o.name;
  res->stix_id = o.stix_id;
  res->kind = o.kind;
  res->score = score;
  const char **st = calloc(ntechs ? ntechs : 1, sizeof(*st));
  const char **ss = calloc(nsw ? nsw : 1, sizeof(*ss));
  float *rank = calloc(ntechs ? ntechs : 1, sizeof(*rank));
  if (!st || !ss || !rank) {
    free(st);
    free(ss);
    free(rank);
    return CTIX_ENOMEM;
  }
  size_t nst = 0, nss = 0;
  /* shared techniques, the rarest first (insertion into a small sorted list) */
  for (size_t i = 0; i < ntechs; i++) {
    ctix_kb_ref t = current(c, techs[i]);
    if (t == CTIX_KB_NONE || t < c->t0 || t >= c->t0 + c->nt)
      continue;
    uint32_t f = (uint32_t)(t - c->t0);
    if (profile_weight(entries, pr, f) < 1.0f)
      continue;
    const char *id = ctix_kb_id(c->kb, t);
    bool dup = false;
    for (size_t k = 0; k < nst && !dup; k++)
      dup = strcmp(st[k], id) == 0;
    if (dup)
      continue;
    size_t k = nst;
    while (k > 0 && (rank[k - 1] < idf[f] || (rank[k - 1] == idf[f] && strcmp(st[k - 1], id) > 0))) {
      st[k] = st[k - 1];
      rank[k] = rank[k - 1];
      k--;
    }
    st[k] = id;
    rank[k] = idf[f];
    nst++;
  }
  for (size_t i = 0; i < nsw; i++) {
    ctix_kb_ref s = current(c, sw[i]);
    if (s == CTIX_KB_NONE || s < c->s0 || s >= c->s0 + c->ns)
      continue;
    if (profile_weight(entries, pr, (uint32_t)(c->nt + (s - c->s0))) <= 0)
      continue;
    const char *name = ctix_kb_name(c->kb, s);
    bool dup = false;
    for (size_t k = 0; k < nss && !dup; k++)
      dup = ss[k] == name;
    if (!dup)
      ss[nss++] = name;
  }
  (void)q;
  free(rank);
  res->shared_techniques = st;
  res->nshared_techniques = nst;
  res->shared_software = ss;
  res->nshared_software = nss;
  return 0;
}

/* Profiles and weights, ready to rank any number of queries. */
typedef struct prepared {
  ctx c;
  ctix__resemble_params p;   /* c.p points here */
  ctix_buf entries, profiles;
  float *idf;
} prepared;

static void prepared_free(prepared *pp)
{
  if (!pp)
    return;
  free(pp->c.parent);
  free(pp->idf);
  ctix__buf_free(&pp->entries);
  ctix__buf_free(&pp->profiles);
  free(pp);
}

/* Builds every profile (except `exclude`) and the IDF weights. */
static int prepare(prepared **out, const ctix_kb *kb, const ctix__resemble_params *p,
                   ctix_kb_ref exclude, ctix_error *err)
{
  acc a = {NULL, NULL, 0};
  uint32_t *df = NULL;
  prepared *pp = calloc(1, sizeof(*pp));
  *out = NULL;
  if (!pp)
    return ctix__error_set(err, CTIX_ENOMEM, "resemble: out of memory");
  ctix__buf_init(&pp->entries, (size_t)1 << 30);
  ctix__buf_init(&pp->profiles, (size_t)1 << 26);
  pp->p = *p;
  ctx *c = &pp->c;
  c->kb = kb;
  c->p = &pp->p;
  c->exclude = exclude;
  c->nt = ctix_kb_range(kb, CTIX_KB_TECHNIQUE, &c->t0);
  c->ns = ctix_kb_range(kb, CTIX_KB_SOFTWARE, &c->s0);
  c->nfeat = c->nt + c->ns;
  c->parent = malloc((c->nt ? c->nt : 1) * sizeof(*c->parent));
  a.w = calloc(c->nfeat + 1, sizeof(float));
  a.touched = malloc((c->nfeat + 1) * sizeof(uint32_t));
  pp->idf = calloc(c->nfeat + 1, sizeof(float));
  df = calloc(c->nfeat + 1, sizeof(uint32_t));
  if (!c->parent || !a.w || !a.touched || !pp->idf || !df)
    goto nomem;
  for (size_t i = 0; i < c->nt; i++) {
    ctix_kb_obj o;
    c->parent[i] = CTIX_KB_NONE;
    if (ctix_kb_get(kb, c->t0 + (ctix_kb_ref)i, &o) == 0 && o.parent != CTIX_KB_NONE &&
        o.parent >= c->t0 && o.parent < c->t0 + c->nt)
      c->parent[i] = o.parent;
  }

  /* Profiles: groups, then campaigns. */
  ctix_kb_ref g0, c0;
  size_t ng = ctix_kb_range(kb, CTIX_KB_GROUP, &g0);
  size_t nc = ctix_kb_range(kb, CTIX_KB_CAMPAIGN, &c0);
  size_t ngroups = 0;
  for (size_t i = 0; i < ng; i++) {
    ctix_kb_ref g = g0 + (ctix_kb_ref)i;
    if (!usable(kb, g))
      continue;
    profile pr = {g, CTIX_KB_GROUP, CTIX__BUF_COUNT(&pp->entries, entry), 0};
    add_uses(c, &a, g);
    size_t first, n = ctix_kb_edges(kb, g, CTIX_KB_REL_CAMPAIGN, CTIX_KB_CAMPAIGN, &first);
    for (size_t k = 0; k < n; k++) {
      ctix_kb_ref camp = ctix_kb_edge_target(kb, first + k);
      if (camp != exclude)
        add_uses(c, &a, camp);
    }
    if (acc_flush(&a, &pp->entries))
      goto nomem;
    pr.n = CTIX__BUF_COUNT(&pp->entries, entry) - pr.first;
    if (pr.n == 0)
      continue;
    for (size_t k = pr.first; k < pr.first + pr.n; k++)
      df[CTIX__BUF_AT(&pp->entries, entry, k).f]++;
    ngroups++;
    if (ctix__buf_push(&pp->profiles, &pr, sizeof(pr)))
      goto nomem;
  }
  for (size_t i = 0; i < nc; i++) {
    ctix_kb_ref cp = c0 + (ctix_kb_ref)i;
    if (cp == exclude || !usable(kb, cp))
      continue;
    profile pr = {cp, CTIX_KB_CAMPAIGN, CTIX__BUF_COUNT(&pp->entries, entry), 0};
    add_uses(c, &a, cp);
    if (acc_flush(&a, &pp->entries))
      goto nomem;
    pr.n = CTIX__BUF_COUNT(&pp->entries, entry) - pr.first;
    if (pr.n && ctix__buf_push(&pp->profiles, &pr, sizeof(pr)))
      goto nomem;
  }
  for (size_t f = 0; f < c->nfeat; f++) {
    double v = log(1.0 + (double)(ngroups ? ngroups : 1) / (double)(df[f] ? df[f] : 1));
    pp->idf[f] = (float)pow(v, p->idf_power);
  }
  free(a.w);
  free(a.touched);
  free(df);
  *out = pp;
  return 0;
nomem:
  free(a.w);
  free(a.touched);
  free(df);
  prepared_free(pp);
  return ctix__error_set(err, CTIX_ENOMEM, "resemble: out of memory");
}

/* Ranks the candidates of `pp` against one query. */
static int rank(ctix_resemblance **out, size_t *nout, const prepared *pp,
                const ctix_kb_ref *techniques, size_t ntechniques, const ctix_kb_ref *software,
                size_t nsoftware, size_t max, ctix_error *err)
{
  int rc = 0;
  const ctx *c = &pp->c;
  const ctix__resemble_params *p = c->p;
  const float *idf = pp->idf;
  acc q = {NULL, NULL, 0};
  scored *sc = NULL;
  ctix_resemblance *res = NULL;
  size_t nres = 0;

  q.w = calloc(c->nfeat + 1, sizeof(float));
  q.touched = malloc((c->nfeat + 1) * sizeof(uint32_t));
  if (!q.w || !q.touched)
    goto nomem;
  for (size_t i = 0; i < ntechniques; i++) {
    ctix_kb_ref t = current(c, techniques[i]);
    if (t != CTIX_KB_NONE)
      add_technique(c, &q, t, 1.0f);
  }
  for (size_t i = 0; i < nsoftware; i++) {
    ctix_kb_ref s = current(c, software[i]);
    if (s != CTIX_KB_NONE)
      add_software(c, &q, s, 1.0f, p->query_software_techniques);
  }
  double qn2 = 0, qsum = 0;
  for (size_t k = 0; k < q.ntouched; k++) {
    uint32_t f = q.touched[k];
    qn2 += (double)q.w[f] * q.w[f] * idf[f] * idf[f];
    qsum += (double)q.w[f] * idf[f];
  }

  size_t np = CTIX__BUF_COUNT(&pp->profiles, profile), nsc = 0;
  const entry *e = (const entry *)(const void *)pp->entries.data;
  sc = calloc(np ? np : 1, sizeof(*sc));
  if (!sc)
    goto nomem;
  for (size_t i = 0; i < np && qsum > 0; i++) {
    const profile *pr = &CTIX__BUF_AT(&pp->profiles, profile, i);
    if ((pr->kind == CTIX_KB_GROUP && !p->groups) ||
        (pr->kind == CTIX_KB_CAMPAIGN && !p->campaigns))
      continue;
    double dot = 0, pn2 = 0, psum = 0, mins = 0;
    for (size_t k = pr->first; k < pr->first + pr->n; k++) {
      uint32_t f = e[k].f;
      double w = e[k].w, i1 = idf[f], qw = q.w[f];
      pn2 += w * w * i1 * i1;
      psum += w * i1;
      if (qw > 0) {
        dot += w * qw * i1 * i1;
        mins += (w < qw ? w : qw) * i1;
      }
    }
    if (mins <= 0)
      continue;
    double s;
    switch (p->measure) {
    case CTIX__SIM_JACCARD:
      s = mins / (qsum + psum - mins);
      break;
    case CTIX__SIM_DICE:
      s = 2 * mins / (qsum + psum);
      break;
    case CTIX__SIM_COVERAGE:
      s = mins / qsum;
      break;
    case CTIX__SIM_TVERSKY:
      s = mins / (qsum + p->alpha * (psum - mins));
      break;
    default:
      s = dot / (sqrt(pn2) * sqrt(qn2));
      break;
    }
    if (s > 1)
      s = 1;
    sc[nsc].profile = i;
    sc[nsc].score = (float)s;
    sc[nsc].id = ctix_kb_id(c->kb, pr->ref);
    sc[nsc].kind = pr->kind;
    nsc++;
  }
  if (nsc > 1)
    qsort(sc, nsc, sizeof(*sc), scored_cmp);
  if (max && nsc > max)
    nsc = max;
  if (nsc) {
    res = calloc(nsc, sizeof(*res));
    if (!res)
      goto nomem;
    for (size_t i = 0; i < nsc; i++) {
      rc = fill_result(&res[i], c, e, &CTIX__BUF_AT(&pp->profiles, profile, sc[i].profile),
                       sc[i].score, &q, idf, techniques, ntechniques, software, nsoftware);
      if (rc) {
        ctix__error_set(err, rc, "resemble: %s",
                        rc == CTIX_ENOMEM ? "out of memory" : "bad knowledge base object");
        goto done;
      }
      nres++;
    }
  }
  *out = res;
  *nout = nres;
  res = NULL;
  nres = 0;
  goto done;
nomem:
  rc = ctix__error_set(err, CTIX_ENOMEM, "resemble: out of memory");
done:
  ctix_resemblances_free(res, nres);
  free(q.w);
  free(q.touched);
  free(sc);
  return rc;
}

/* The profiles of the default knowledge base with the default parameters, built once. */
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static prepared *cache;
static const ctix_kb *cache_kb;

static void build_cache(void)
{
  ctix__resemble_params p;
  ctix__resemble_params_default(&p);
  if (ctix_kb_default(&cache_kb, NULL) == 0 && prepare(&cache, cache_kb, &p, CTIX_KB_NONE, NULL))
    cache = NULL;
}

static bool default_params(const ctix__resemble_params *p)
{
  ctix__resemble_params d;
  ctix__resemble_params_default(&d);
  return p->measure == d.measure && p->parent_credit == d.parent_credit &&
         p->software_weight == d.software_weight &&
         p->software_techniques == d.software_techniques &&
         p->query_software_techniques == d.query_software_techniques &&
         p->idf_power == d.idf_power && p->alpha == d.alpha && p->groups == d.groups &&
         p->campaigns == d.campaigns;
}

int ctix__assess_resemble_ex(ctix_resemblance **out, size_t *nout, const ctix_kb *kb,
                             const ctix_kb_ref *techniques, size_t ntechniques,
                             const ctix_kb_ref *software, size_t nsoftware, ctix_kb_ref exclude,
                             size_t max, const ctix__resemble_params *p, ctix_error *err)
{
  *out = NULL;
  *nout = 0;
  if (!kb || !p || (ntechniques && !techniques) || (nsoftware && !software))
    return ctix__error_set(err, CTIX_EINVAL, "resemble: invalid argument");
  if (ntechniques + nsoftware == 0)
    return 0;
  if (exclude == CTIX_KB_NONE && default_params(p)) {
    pthread_once(&cache_once, build_cache);
    if (cache && cache_kb == kb)
      return rank(out, nout, cache, techniques, ntechniques, software, nsoftware, max, err);
  }
  prepared *pp = NULL;
  int rc = prepare(&pp, kb, p, exclude, err);
  if (rc)
    return rc;
  rc = rank(out, nout, pp, techniques, ntechniques, software, nsoftware, max, err);
  prepared_free(pp);
  return rc;
}

int ctix_assess_resemble(ctix_resemblance **out, size_t *n, const ctix_kb *kb,
                         const ctix_kb_ref *techniques, size_t ntechniques,
                         const ctix_kb_ref *software, size_t nsoftware, ctix_kb_ref exclude,
                         size_t max, ctix_error *err)
{
  ctix__resemble_params p;
  ctix__resemble_params_default(&p);
  if (!kb) {
    int rc = ctix_kb_default(&kb, err);
    if (rc)
      return rc;
  }
  return ctix__assess_resemble_ex(out, n, kb, techniques, ntechniques, software, nsoftware,
                                  exclude, max, &p, err);
}
