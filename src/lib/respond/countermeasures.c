/*
 * Countermeasures of a report: for each of its observed and potential
 * ATT&CK techniques, the D3FEND techniques that counter it (knowledge-base
 * COUNTERED_BY edges, each placed under its D3FEND tactic) and the ATT&CK
 * mitigations (MITIGATED_BY edges), merged into one list ranked by how
 * many of the report's techniques each one covers, then by id.
 *
 * Sub-technique rule: the knowledge base already gives a sub-technique
 * the edges of its parent (marked inherited) and a parent those of its
 * sub-techniques (marked roll-up), and all of them count. When a
 * sub-technique still has no edge of a relation, its parent's edges of
 * that relation are used, so that it is covered as its parent is.
 */
#include <stdlib.h>
#include <string.h>

#include "respond/response_internal.h"
#include "util/err.h"

#define MAX_PARENT_DEPTH 16

/* One (countermeasure, covered technique) pair. */
typedef struct pair {
  ctix_kb_ref cm;
  const char *technique;     /* the report's technique id */
} pair;

static int pair_cmp(const void *pa, const void *pb)
{
  const pair *a = pa, *b = pb;
  if (a->cm != b->cm)
    return a->cm < b->cm ? -1 : 1;
  return strcmp(a->technique, b->technique);
}

/* Most techniques covered first, then by id. */
static int cm_cmp(const void *pa, const void *pb)
{
  const ctix_countermeasure *a = pa, *b = pb;
  if (a->ncovers != b->ncovers)
    return a->ncovers > b->ncovers ? -1 : 1;
  return strcmp(a->id, b->id);
}

/* The D3FEND tactic of a D3FEND technique, from it or its nearest ancestor. */
static const char *d3fend_tactic(const ctix_kb *kb, ctix_kb_ref ref)
{
  for (int depth = 0; depth < MAX_PARENT_DEPTH && ref != CTIX_KB_NONE; depth++) {
    size_t first;
    if (ctix_kb_edges(kb, ref, CTIX_KB_REL_TACTIC, CTIX_KB_D3FEND_TACTIC, &first) > 0)
      return ctix_kb_name(kb, ctix_kb_edge_target(kb, first));
    ctix_kb_obj o;
    if (ctix_kb_get(kb, ref, &o))
      break;
    ref = o.parent;
  }
  return "";
}

/*
 * Adds the targets of `rel` edges (of kind `kind`) of technique `ref` as
 * covering `id`; a sub-technique without such edges takes its parent's.
 */
static int add_edges(ctix_buf *pairs, const ctix_kb *kb, ctix_kb_ref ref, ctix_kb_rel rel,
                     ctix_kb_kind kind, const char *id)
{
  size_t first, n = ctix_kb_edges(kb, ref, rel, kind, &first);
  if (n == 0) {
    ctix_kb_obj o;
    if (ctix_kb_get(kb, ref, &o) == 0 && (o.flags & CTIX_KB_SUBTECHNIQUE) &&
        o.parent != CTIX_KB_NONE)
      n = ctix_kb_edges(kb, o.parent, rel, kind, &first);
  }
  for (size_t i = 0; i < n; i++) {
    pair p = {ctix_kb_edge_target(kb, first + i), id};
    if (p.cm == CTIX_KB_NONE || (ctix_kb_flags(kb, p.cm) & (CTIX_KB_REVOKED | CTIX_KB_DEPRECATED)))
      continue;
    if (ctix__buf_push(pairs, &p, sizeof(p)))
      return pairs->err;
  }
  return 0;
}

int ctix__respond_countermeasures(const ctix_countermeasure **out, size_t *n, ctix_arena *arena,
                                  const ctix_analysis *an, const ctix_kb *kb, ctix_error *err)
{
  int rc = 0;
  ctix_buf pairs = CTIX_BUF_INIT((size_t)1 << 28), cms = CTIX_BUF_INIT((size_t)1 << 26);
  ctix_buf covers = CTIX_BUF_INIT((size_t)1 << 24);
  *out = NULL;
  *n = 0;
  if (!an || !an->techniques || !kb)
    return 0;
  for (size_t i = 0; i < an->techniques->count; i++) {
    const ctix_ttp_hit *h = &an->techniques->items[i];
    ctix_kb_ref ref;
    if (!ctix__respond_tech_active(h) || ctix_kb_resolve_id(kb, h->id, strlen(h->id), &ref) ||
        ctix_kb_kind_of(kb, ref) != CTIX_KB_TECHNIQUE)
      continue;
    if (add_edges(&pairs, kb, ref, CTIX_KB_REL_COUNTERED_BY, CTIX_KB_D3FEND_TECHNIQUE, h->id) ||
        add_edges(&pairs, kb, ref, CTIX_KB_REL_MITIGATED_BY, CTIX_KB_MITIGATION, h->id))
      goto nomem;
  }
  size_t np = CTIX__BUF_COUNT(&pairs, pair);
  if (np == 0)
    goto done;
  pair *p = (pair *)(void *)pairs.data;
  qsort(p, np, sizeof(*p), pair_cmp);
  for (size_t i = 0; i < np;) {
    size_t e = i;
    ctix__buf_reset(&covers);
    for (; e < np && p[e].cm == p[i].cm; e++)
      if (e == i || strcmp(p[e].technique, p[e - 1].technique) != 0)
        if (ctix__buf_push(&covers, &p[e].technique, sizeof(const char *)))
          goto nomem;
    ctix_countermeasure c;
    memset(&c, 0, sizeof(c));
    bool d3 = ctix_kb_kind_of(kb, p[i].cm) == CTIX_KB_D3FEND_TECHNIQUE;
    c.id = ctix__arena_strdup(arena, ctix_kb_id(kb, p[i].cm));
    c.name = ctix__arena_strdup(arena, ctix_kb_name(kb, p[i].cm));
    c.tactic = ctix__arena_strdup(arena, d3 ? d3fend_tactic(kb, p[i].cm) : "Mitigation");
    c.ncovers = CTIX__BUF_COUNT(&covers, const char *);
    const char **cv = ctix__arena_calloc(arena, c.ncovers, sizeof(*cv));
    if (!c.id || !c.name || !c.tactic || !cv)
      goto nomem;
    for (size_t k = 0; k < c.ncovers; k++)
      if (!(cv[k] = ctix__arena_strdup(arena, CTIX__BUF_AT(&covers, const char *, k))))
        goto nomem;
    c.covers = cv;
    if (ctix__buf_push(&cms, &c, sizeof(c)))
      goto nomem;
    i = e;
  }
  *n = CTIX__BUF_COUNT(&cms, ctix_countermeasure);
  ctix_countermeasure *list = ctix__arena_memdup(arena, cms.data, cms.len);
  if (!list)
    goto nomem;
  qsort(list, *n, sizeof(*list), cm_cmp);
  *out = list;
  goto done;
nomem:
  *n = 0;
  rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory (countermeasures)");
done:
  ctix__buf_free(&pairs);
  ctix__buf_free(&cms);
  ctix__buf_free(&covers);
  return rc;
}
