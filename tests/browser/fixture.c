/*
 * Test-only driver of the browser tests (tests/browser/report.test.mjs):
 *
 *   render_fixture INPUT OUTDIR
 *
 * analyses INPUT, completes the analysis with the stages that
 * ctix_analyze does not run yet (technique mapping, entities, assessment,
 * each run through its own public API), and writes OUTDIR/report.html,
 * OUTDIR/report.md and OUTDIR/bundle.stix.json (the bundle the page
 * draws, so the test can count its domain objects). When the ATT&CK ids
 * the article names (found by the IOC stage; name and tactics from the
 * knowledge base, the sentence of each mention as evidence) are more than
 * the mapper's techniques, the page is drawn with those, so the size and
 * speed checks run at the article's own list. Prints "techniques N".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/assess.h"
#include "ctix/ctix.h"
#include "ctix/entity.h"
#include "ctix/export.h"
#include "ctix/kb.h"
#include "ctix/render.h"
#include "ctix/respond.h"
#include "ctix/ttp.h"

#define MAX_TECH 400
#define MAX_TACTICS 4

/* Techniques built by hand (see the header comment). */
typedef struct hand_ttp {
  ctix_ttp_list list;
  ctix_ttp_hit hits[MAX_TECH];
  ctix_ttp_evidence ev[MAX_TECH];
  const char *tactics[MAX_TECH][MAX_TACTICS];
  const char *why[MAX_TECH][1];
} hand_ttp;

static size_t sentence_of(const ctix_document *d, size_t off)
{
  size_t i;
  for (i = 0; i < d->nsentences; i++)
    if (d->sentences[i].span.start <= off && off < d->sentences[i].span.end)
      return i;
  return d->nsentences;
}

static void hand_techniques(hand_ttp *h, const ctix_analysis *a, const ctix_kb *kb)
{
  size_t i, n = 0;
  memset(h, 0, sizeof(*h));
  for (i = 0; a->iocs && i < a->iocs->nitems && n < MAX_TECH; i++) {
    const ctix_ioc *c = &a->iocs->items[i];
    ctix_kb_ref ref;
    ctix_kb_obj o;
    size_t nt, k, s, e0 = 0;
    if (c->type != CTIX_IOC_ATTACK_TECHNIQUE ||
        ctix_kb_resolve_id(kb, c->value, strlen(c->value), &ref) || ctix_kb_get(kb, ref, &o))
      continue;
    ctix_ttp_hit *t = &h->hits[n];
    t->id = o.id;
    t->name = o.name;
    t->parent_name = o.parent != CTIX_KB_NONE ? ctix_kb_name(kb, o.parent) : NULL;
    nt = ctix_kb_edges(kb, ref, CTIX_KB_REL_TACTIC, CTIX_KB_TACTIC, &e0);
    for (k = 0; k < nt && k < MAX_TACTICS; k++) {
      ctix_kb_edge ed;
      ctix_kb_obj to;
      if (ctix_kb_edge_at(kb, e0 + k, &ed) == 0 && ctix_kb_get(kb, ed.target, &to) == 0)
        h->tactics[n][t->ntactics++] = to.shortname;
    }
    t->tactics = h->tactics[n];
    /* Spread confidence and status so every colour and both kinds show. */
    t->confidence = 0.3f + 0.7f * (float)((n * 37) % 100) / 100.0f;
    t->status = n % 4 == 3 ? CTIX_TTP_POTENTIAL : CTIX_TTP_OBSERVED;
    t->signals = CTIX_TTP_SIG_ID;
    s = sentence_of(a->doc, c->span.start);
    h->ev[n].sentence = s;
    h->ev[n].start = s < a->doc->nsentences ? a->doc->sentences[s].span.start : c->span.start;
    h->ev[n].end = s < a->doc->nsentences ? a->doc->sentences[s].span.end : c->span.end;
    h->ev[n].score = t->confidence;
    h->ev[n].signals = CTIX_TTP_SIG_ID;
    h->ev[n].status = t->status;
    h->why[n][0] = c->original;
    h->ev[n].why = h->why[n];
    h->ev[n].nwhy = 1;
    t->evidence = &h->ev[n];
    t->nevidence = 1;
    n++;
  }
  h->list.items = h->hits;
  h->list.count = n;
}

static int write_file(const char *dir, const char *name, const char *data, size_t len)
{
  char path[4096];
  FILE *f;
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  f = fopen(path, "wb");
  if (!f || fwrite(data, 1, len, f) != len) {
    fprintf(stderr, "render_fixture: cannot write %s\n", path);
    if (f)
      fclose(f);
    return 1;
  }
  return fclose(f) != 0;
}

int main(int argc, char **argv)
{
  ctix_error err;
  ctix_document *doc = NULL;
  ctix_analysis *a = NULL;
  ctix_ttp_list *ttp = NULL;
  ctix_entity_list *ents = NULL;
  ctix_assessment *as = NULL;
  ctix_response *resp = NULL;
  hand_ttp *hand = NULL;
  const ctix_kb *kb = NULL;
  ctix_render_options ro;
  char *html = NULL, *md = NULL, *stix = NULL, msg[512];
  size_t hlen = 0, mlen = 0, slen = 0;
  int rc = 1;

  ctix_error_clear(&err);
  if (argc != 3) {
    fprintf(stderr, "usage: render_fixture INPUT OUTDIR\n");
    return 2;
  }
  if (ctix_document_load(&doc, argv[1], NULL, &err))
    goto done;
  /* ctix_analyze takes the document over, on failure too. */
  rc = ctix_analyze(&a, doc, NULL, NULL, &err) ? 1 : 0;
  doc = NULL;
  rc = rc || ctix_kb_default(&kb, &err) ? 1 : 0;
  if (rc)
    goto done;
  rc = 1;
  /* The page is tested at the size of the article's own technique list:
   * the mapper's result, or the ids the article names when those are more. */
  if (!a->techniques && ctix_ttp_map_document(&ttp, a->doc, NULL, NULL) == 0)
    a->techniques = ttp;
  if (!(hand = calloc(1, sizeof(*hand))))
    goto done;
  hand_techniques(hand, a, kb);
  if (!a->techniques || a->techniques->count < hand->list.count)
    a->techniques = &hand->list;
  if (!a->entities && ctix_entity_extract(&ents, a->doc, a->iocs, NULL, NULL) == 0)
    a->entities = ents;
  if (!a->assessment &&
      ctix_assess(&as, a->doc, a->iocs, a->techniques, a->entities, NULL, NULL) == 0)
    a->assessment = as;
  if (ctix_respond(&resp, a, NULL, &err) || ctix_export_stix(&stix, &slen, a, NULL, &err))
    goto done;
  ctix_render_options_init(&ro);
  ro.response = resp;
  ro.stix = stix;
  ro.stix_len = slen;
  if (ctix_render_html(&html, &hlen, a, &ro, &err) ||
      ctix_render_markdown(&md, &mlen, a, &ro, &err))
    goto done;
  if (write_file(argv[2], "report.html", html, hlen) || write_file(argv[2], "report.md", md, mlen) ||
      write_file(argv[2], "bundle.stix.json", stix, slen))
    goto done;
  printf("techniques %zu\n", a->techniques ? a->techniques->count : 0);
  rc = 0;

done:
  if (rc && err.code) {
    ctix_error_format(msg, sizeof(msg), &err);
    fprintf(stderr, "render_fixture: %s\n", msg);
  }
  if (a) {
    if (a->techniques == ttp || (hand && a->techniques == &hand->list))
      a->techniques = NULL;
    if (a->entities == ents)
      a->entities = NULL;
    if (a->assessment == as)
      a->assessment = NULL;
  }
  ctix_document_free(doc);
  ctix_analysis_free(a);
  ctix_ttp_list_free(ttp);
  ctix_entity_list_free(ents);
  ctix_assessment_free(as);
  ctix_response_free(resp);
  free(hand);
  free(html);
  free(md);
  free(stix);
  return rc;
}
