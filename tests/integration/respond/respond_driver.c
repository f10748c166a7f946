/*
 * Test driver of the response content (tests/integration/respond.cmake):
 * reads one article, builds its analysis and writes response.md and a
 * one-line-per-step summary ("PHASE<TAB>KEY<TAB>BECAUSE...", then one
 * "countermeasures N" line).
 *
 *   respond_driver [--techniques FILE] ARTICLE OUT.md OUT.steps
 *
 * With --techniques the analysis is the document, its observables and the
 * hand-built technique list of FILE (lines "T1190 [observed|potential|
 * implied]", '#' comments; names and tactics from the knowledge base):
 * the golden tests use it so that their output depends only on the
 * reader, the IOC extractor, the knowledge base and the response module.
 * Without it, ctix_analyze runs, and every stage it does not run yet
 * (techniques, entities, assessment) is run here when it can be; a stage
 * that fails is reported on stderr and left out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/analysis.h"
#include "ctix/respond.h"

#define MAX_TECHNIQUES 512

static int die(const char *what, const ctix_error *err)
{
  char line[600];
  ctix_error_format(line, sizeof(line), err);
  fprintf(stderr, "respond_driver: %s: %s\n", what, line);
  return 1;
}

/* Technique short names of a technique from the knowledge base. */
static size_t tactics_of(const ctix_kb *kb, ctix_kb_ref ref, const char **out, size_t max)
{
  size_t first, n = ctix_kb_edges(kb, ref, CTIX_KB_REL_TACTIC, CTIX_KB_TACTIC, &first), k = 0;
  for (size_t i = 0; i < n && k < max; i++) {
    ctix_kb_obj o;
    if (ctix_kb_get(kb, ctix_kb_edge_target(kb, first + i), &o) == 0)
      out[k++] = o.shortname;
  }
  return k;
}

/* Reads a hand-built technique list into hits (static storage). */
static int read_techniques(ctix_ttp_list *list, const char *path, const ctix_kb *kb)
{
  static ctix_ttp_hit hits[MAX_TECHNIQUES];
  static const char *tactics[MAX_TECHNIQUES][8];
  static char ids[MAX_TECHNIQUES][16];
  char line[256];
  size_t n = 0;
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "respond_driver: cannot open %s\n", path);
    return 1;
  }
  while (fgets(line, sizeof(line), f)) {
    char id[32] = "", status[32] = "observed";
    if (line[0] == '#' || sscanf(line, "%31s %31s", id, status) < 1)
      continue;
    ctix_kb_ref ref;
    if (n == MAX_TECHNIQUES || ctix_kb_resolve_id(kb, id, strlen(id), &ref)) {
      fprintf(stderr, "respond_driver: %s: unknown technique or too many: %s\n", path, id);
      fclose(f);
      return 1;
    }
    ctix_ttp_hit *h = &hits[n];
    memset(h, 0, sizeof(*h));
    snprintf(ids[n], sizeof(ids[n]), "%s", ctix_kb_id(kb, ref));
    h->id = ids[n];
    h->name = ctix_kb_name(kb, ref);
    h->ntactics = tactics_of(kb, ref, tactics[n], 8);
    h->tactics = tactics[n];
    h->confidence = 1.0f;
    h->status = strcmp(status, "potential") == 0 ? CTIX_TTP_POTENTIAL
                : strcmp(status, "implied") == 0 ? CTIX_TTP_IMPLIED
                                                 : CTIX_TTP_OBSERVED;
    n++;
  }
  fclose(f);
  list->items = hits;
  list->count = n;
  return 0;
}

static int write_file(const char *path, const char *data, size_t len)
{
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
    fprintf(stderr, "respond_driver: cannot write %s\n", path);
    return 1;
  }
  return 0;
}

int main(int argc, char **argv)
{
  const char *techniques = NULL;
  int argi = 1, rc = 1;
  if (argc > 2 && strcmp(argv[1], "--techniques") == 0) {
    techniques = argv[2];
    argi = 3;
  }
  if (argc - argi != 3) {
    fprintf(stderr, "usage: respond_driver [--techniques FILE] ARTICLE OUT.md OUT.steps\n");
    return 2;
  }
  const char *article = argv[argi], *out_md = argv[argi + 1], *out_steps = argv[argi + 2];
  ctix_error err;
  ctix_error_clear(&err);
  const ctix_kb *kb = NULL;
  if (ctix_kb_default(&kb, &err))
    return die("knowledge base", &err);

  ctix_options opts;
  ctix_options_init(&opts);
  ctix_document *doc = NULL;
  ctix_analysis *an = NULL;
  ctix_ioc_list *iocs = NULL;
  ctix_ttp_list *ttp = NULL, hand;
  ctix_entity_list *ents = NULL;
  ctix_assessment *as = NULL;
  ctix_response *r = NULL;
  char *md = NULL;
  size_t mdlen = 0;
  ctix_analysis view;
  memset(&view, 0, sizeof(view));

  if (ctix_document_load(&doc, article, &opts.doc, &err)) {
    rc = die(article, &err);
    goto done;
  }
  if (techniques) {
    if (ctix_ioc_extract_document(&iocs, doc, NULL, &err)) {
      rc = die("iocs", &err);
      goto done;
    }
    if (read_techniques(&hand, techniques, kb))
      goto done;
    view.id = "golden";
    view.doc = doc;
    view.iocs = iocs;
    view.techniques = &hand;
  } else {
    ctix_document *d = doc;
    doc = NULL; /* taken over by ctix_analyze */
    if (ctix_analyze(&an, d, NULL, &opts, &err)) {
      rc = die("analyze", &err);
      goto done;
    }
    view = *an;
    if (!view.techniques) {
      ctix_error_clear(&err);
      if (ctix_ttp_map_document(&ttp, view.doc, &opts.ttp, &err) == 0)
        view.techniques = ttp;
      else
        die("note: techniques stage left out", &err);
    }
    if (!view.entities) {
      ctix_error_clear(&err);
      if (ctix_entity_extract(&ents, view.doc, view.iocs, &opts.entity, &err) == 0)
        view.entities = ents;
      else
        die("note: entities stage left out", &err);
    }
    if (!view.assessment) {
      ctix_error_clear(&err);
      if (ctix_assess(&as, view.doc, view.iocs, view.techniques, view.entities, &opts.assess,
                      &err) == 0)
        view.assessment = as;
      else
        die("note: assessment stage left out", &err);
    }
  }

  ctix_error_clear(&err);
  if (ctix_respond(&r, &view, NULL, &err)) {
    rc = die("respond", &err);
    goto done;
  }
  if (ctix_response_markdown(&md, &mdlen, &view, r, &err)) {
    rc = die("markdown", &err);
    goto done;
  }
  if (write_file(out_md, md, mdlen))
    goto done;
  FILE *f = fopen(out_steps, "w");
  if (!f) {
    fprintf(stderr, "respond_driver: cannot write %s\n", out_steps);
    goto done;
  }
  for (size_t i = 0; i < r->nsteps; i++) {
    fprintf(f, "%s\t%s", r->steps[i].phase, r->steps[i].key);
    for (size_t k = 0; k < r->steps[i].nbecause; k++)
      fprintf(f, "%c%s", k ? ' ' : '\t', r->steps[i].because[k]);
    fputc('\n', f);
  }
  fprintf(f, "countermeasures %zu\nrules %zu\n", r->ncountermeasures, r->nrules);
  if (fclose(f) != 0)
    goto done;
  rc = 0;
done:
  free(md);
  ctix_response_free(r);
  ctix_assessment_free(as);
  ctix_entity_list_free(ents);
  ctix_ttp_list_free(ttp);
  ctix_analysis_free(an);
  ctix_ioc_list_free(iocs);
  ctix_document_free(doc);
  return rc;
}
