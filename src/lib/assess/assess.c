/*
 * ctix_assess: the assessment of one document from what the extractors
 * found. It runs the timeline (timeline.c), attribution by resemblance
 * over the document's techniques and named software (resemble.c) and the
 * risk model (risk.c), and keeps every result in one arena released by
 * ctix_assessment_free.
 */
#include <stdlib.h>
#include <string.h>

#include "assess/assess_internal.h"
#include "util/err.h"

/* Most techniques and software fed to attribution. */
#define MAX_QUERY 4096

typedef struct assess_priv {
  ctix_assessment pub;       /* first: the caller's view */
  ctix_arena arena;
  ctix_resemblance *res;
  size_t nres;
} assess_priv;

void ctix_assess_options_init(ctix_assess_options *opts)
{
  memset(opts, 0, sizeof(*opts));
  opts->max_candidates = 5;
}

void ctix_assessment_free(ctix_assessment *a)
{
  if (!a)
    return;
  assess_priv *p = (assess_priv *)a;
  ctix_resemblances_free(p->res, p->nres);
  ctix__arena_free(&p->arena);
  free(p);
}

/* Fewest techniques (with no named software) worth comparing with profiles. */
#define MIN_TECHNIQUES 3

/*
 * The query of attribution: the observed techniques of the list (all of
 * them when none is observed) and the known malware and tools named.
 */
static int attribution(assess_priv *p, const ctix_kb *kb, const ctix_ttp_list *ttps,
                       const ctix_entity_list *ents, size_t max, ctix_error *err)
{
  ctix_buf tq = CTIX_BUF_INIT(MAX_QUERY * sizeof(ctix_kb_ref));
  ctix_buf sq = CTIX_BUF_INIT(MAX_QUERY * sizeof(ctix_kb_ref));
  int rc = 0;
  bool any_observed = false;
  for (size_t i = 0; ttps && i < ttps->count; i++)
    any_observed |= ttps->items[i].status == CTIX_TTP_OBSERVED;
  for (size_t i = 0; ttps && i < ttps->count; i++) {
    const ctix_ttp_hit *h = &ttps->items[i];
    ctix_kb_ref r;
    if (!h->id || (any_observed && h->status != CTIX_TTP_OBSERVED))
      continue;
    if (ctix_kb_resolve_id(kb, h->id, strlen(h->id), &r) == 0 &&
        CTIX__BUF_COUNT(&tq, ctix_kb_ref) < MAX_QUERY)
      ctix__buf_push(&tq, &r, sizeof(r));
  }
  for (size_t i = 0; ents && i < ents->count; i++) {
    const ctix_entity *e = &ents->items[i];
    if ((e->kind == CTIX_ENTITY_MALWARE || e->kind == CTIX_ENTITY_TOOL) &&
        e->ref != CTIX_KB_NONE && ctix_kb_kind_of(kb, e->ref) == CTIX_KB_SOFTWARE &&
        CTIX__BUF_COUNT(&sq, ctix_kb_ref) < MAX_QUERY)
      ctix__buf_push(&sq, &e->ref, sizeof(e->ref));
  }
  if (tq.err || sq.err) {
    rc = ctix__error_set(err, CTIX_ENOMEM, "assess: out of memory");
    goto done;
  }
  size_t nt = CTIX__BUF_COUNT(&tq, ctix_kb_ref), ns = CTIX__BUF_COUNT(&sq, ctix_kb_ref);
  /* One or two techniques alone resemble half of ATT&CK: no candidates
   * from so thin a profile unless a known piece of software is named. */
  if (ns == 0 && nt < MIN_TECHNIQUES)
    goto done;
  rc = ctix_assess_resemble(&p->res, &p->nres, kb, (const ctix_kb_ref *)(void *)tq.data, nt,
                            (const ctix_kb_ref *)(void *)sq.data, ns, CTIX_KB_NONE, max, err);
done:
  ctix__buf_free(&tq);
  ctix__buf_free(&sq);
  return rc;
}

int ctix_assess(ctix_assessment **out, const ctix_document *doc, const ctix_ioc_list *iocs,
                const ctix_ttp_list *techniques, const ctix_entity_list *entities,
                const ctix_assess_options *opts, ctix_error *err)
{
  int rc = 0;
  ctix_assess_options defaults;
  const ctix_kb *kb;
  ctix_buf events = CTIX_BUF_INIT((size_t)1 << 28);
  assess_priv *p = NULL;
  ctix__risk_result risk;

  if (out)
    *out = NULL;
  if (!out || !doc)
    return ctix__error_set(err, CTIX_EINVAL, "assess: no document");
  if (!opts) {
    ctix_assess_options_init(&defaults);
    opts = &defaults;
  }
  int ry, rm, rd;
  if (opts->reference_date && ctix__assess_parse_ymd(opts->reference_date, &ry, &rm, &rd))
    return ctix__error_set(err, CTIX_EINVAL, "assess: reference date '%.32s' is not YYYY-MM-DD",
                           opts->reference_date);
  kb = opts->kb;
  if (!kb && (rc = ctix_kb_default(&kb, err)))
    return rc;
  p = calloc(1, sizeof(*p));
  if (!p)
    return ctix__error_set(err, CTIX_ENOMEM, "assess: out of memory");
  ctix__arena_init(&p->arena, 0);

  const char *ref = opts->reference_date ? opts->reference_date : doc->meta.published;
  if ((rc = ctix__assess_timeline(&events, &p->arena, doc, ref, err)))
    goto done;
  p->pub.nevents = CTIX__BUF_COUNT(&events, ctix_event);
  if (p->pub.nevents &&
      !(p->pub.events = ctix__arena_memdup(&p->arena, events.data, events.len))) {
    rc = ctix__error_set(err, CTIX_ENOMEM, "assess: out of memory");
    goto done;
  }
  if ((rc = attribution(p, kb, techniques, entities, opts->max_candidates, err)))
    goto done;
  p->pub.resemblances = p->res;
  p->pub.nresemblances = p->nres;
  if ((rc = ctix__assess_risk(&risk, &p->arena, kb, doc, iocs, techniques, entities, err)))
    goto done;
  p->pub.risk_score = risk.score;
  p->pub.risk_level = risk.level;
  p->pub.factors = risk.factors;
  p->pub.nfactors = risk.nfactors;
done:
  ctix__buf_free(&events);
  if (rc) {
    ctix_assessment_free(&p->pub);
    return rc;
  }
  *out = &p->pub;
  return 0;
}
