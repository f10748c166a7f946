/*
 * The analysis pipeline: a table of stages run in order over one document,
 * each adding its findings to the one ctix_analysis result. New
 * capabilities add a row to `stages`, not a branch in ctix_analyze.
 */
#include "ctix/ctix.h"
#include "ctix/respond.h"

#include <stdlib.h>
#include <string.h>

#include "ctix_config.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/str.h"

struct ctix_analysis_priv {
  ctix_arena arena;   /* everything the stages allocate */
  ctix_ioc_list *iocs; /* the "iocs" stage's list (a->iocs) */
  ctix_ttp_list *techniques; /* the "techniques" stage's list (a->techniques) */
  ctix_entity_list *entities; /* the "entities" stage's list (a->entities) */
  ctix_assessment *assessment; /* the "assessment" stage's result (a->assessment) */
  ctix_response *response; /* the "response" stage's result (a->response) */
};

typedef int (*stage_fn)(ctix_analysis *a, const ctix_options *opts, ctix_error *err);

/* Counts words and block kinds. */
static int stage_document(ctix_analysis *a, const ctix_options *opts, ctix_error *err)
{
  const ctix_document *d = a->doc;
  ctix_doc_stats *st = &a->stats;
  size_t i;
  int inword = 0;
  for (i = 0; i < d->len; i++) {
    int sp = ctix__isspace((unsigned char)d->text[i]);
    if (!sp && !inword)
      st->words++;
    inword = !sp;
  }
  st->sentences = d->nsentences;
  for (i = 0; i < d->nblocks; i++) {
    switch (d->blocks[i].kind) {
    case CTIX_BLOCK_HEADING: st->headings++; break;
    case CTIX_BLOCK_CODE: st->code_blocks++; break;
    case CTIX_BLOCK_TABLE_ROW: st->table_rows++; break;
    default: st->paragraphs++; break;
    }
  }
  return 0;
}

/*
 * Extracts the observables of the document text (ctix_ioc_extract_document:
 * reference sections and the publisher named by the canonical URL are
 * triaged as benign). The document already passed the input size limit.
 */
static int stage_iocs(ctix_analysis *a, const ctix_options *opts, ctix_error *err)
{
  ctix_ioc_options io;
  int rc;
  ctix_ioc_options_init(&io);
  if (io.max_input < a->doc->len)
    io.max_input = a->doc->len;
  rc = ctix_ioc_extract_document(&a->priv->iocs, a->doc, &io, err);
  a->iocs = a->priv->iocs;
  return rc;
}

/* Finds actors, malware, campaigns, vulnerabilities, victims, sectors,
 * places (once: implied techniques may have asked for them already). */
static int stage_entities(ctix_analysis *a, const ctix_options *opts, ctix_error *err)
{
  int rc;
  if (a->entities)
    return 0;
  rc = ctix_entity_extract(&a->priv->entities, a->doc, a->iocs, &opts->entity, err);
  a->entities = a->priv->entities;
  return rc;
}

/*
 * Maps the document's sentences to ATT&CK techniques. Implied techniques
 * need the named software and groups: the entities are then found first
 * (against the mapper's KB, new names on, as the mapper would find
 * them) and shared, not extracted twice.
 */
static int stage_techniques(ctix_analysis *a, const ctix_options *opts, ctix_error *err)
{
  ctix_ttp_options to = opts->ttp;
  int rc;
  if (to.implied && !to.entities && to.kb == opts->entity.kb && opts->entity.new_names) {
    if ((rc = stage_entities(a, opts, err)))
      return rc;
    to.entities = a->entities;
  }
  rc = ctix_ttp_map_document(&a->priv->techniques, a->doc, &to, err);
  a->techniques = a->priv->techniques;
  return rc;
}

/* Timeline, attribution by resemblance and risk, from what was found. */
static int stage_assessment(ctix_analysis *a, const ctix_options *opts, ctix_error *err)
{
  int rc = ctix_assess(&a->priv->assessment, a->doc, a->iocs, a->techniques, a->entities,
                       &opts->assess, err);
  a->assessment = a->priv->assessment;
  return rc;
}

/* Sigma rules, countermeasures and response steps from all of the above. */
static int stage_response(ctix_analysis *a, const ctix_options *opts, ctix_error *err)
{
  int rc;
  if (opts->skip_response)
    return 0;
  rc = ctix_respond(&a->priv->response, a, opts->response, err);
  a->response = a->priv->response;
  return rc;
}

static const struct {
  const char *name;
  stage_fn run;
} stages[] = {
    {"document", stage_document},
    {"iocs", stage_iocs},
    {"techniques", stage_techniques},
    {"entities", stage_entities},
    {"assessment", stage_assessment},
    {"response", stage_response},
};

static const char *const stage_names[] = {"document", "iocs", "techniques", "entities",
                                           "assessment", "response", NULL};

const char *const *ctix_analysis_stages(void)
{
  return stage_names;
}

const char *ctix_version(void)
{
  return CTIX_VERSION_STRING;
}

void ctix_options_init(ctix_options *opts)
{
  memset(opts, 0, sizeof(*opts));
  ctix_doc_options_init(&opts->doc);
  ctix_ttp_options_init(&opts->ttp);
  ctix_entity_options_init(&opts->entity);
  ctix_assess_options_init(&opts->assess);
}

int ctix_analyze(ctix_analysis **out, ctix_document *doc, const char *id,
                 const ctix_options *opts, ctix_error *err)
{
  ctix_options defaults;
  ctix_analysis *a = NULL;
  size_t i;
  int rc = 0;

  *out = NULL;
  if (!opts) {
    ctix_options_init(&defaults);
    opts = &defaults;
  }
  a = calloc(1, sizeof(*a));
  if (a)
    a->priv = calloc(1, sizeof(*a->priv));
  if (!a || !a->priv) {
    rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
    ctix_document_free(doc);
    goto done;
  }
  ctix__arena_init(&a->priv->arena, 0);
  a->doc = doc;
  a->id = id ? ctix__arena_strdup(&a->priv->arena, id) : doc->meta.source;
  if (id && !a->id) {
    rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
    goto done;
  }
  for (i = 0; i < sizeof(stages) / sizeof(stages[0]); i++)
    if ((rc = stages[i].run(a, opts, err)))
      goto done;
  *out = a;
  a = NULL;

done:
  ctix_analysis_free(a);
  return rc;
}

void ctix_analysis_free(ctix_analysis *a)
{
  if (!a)
    return;
  ctix_document_free(a->doc);
  if (a->priv) {
    ctix_ioc_list_free(a->priv->iocs);
    ctix_ttp_list_free(a->priv->techniques);
    ctix_entity_list_free(a->priv->entities);
    ctix_assessment_free(a->priv->assessment);
    ctix_response_free(a->priv->response);
    ctix__arena_free(&a->priv->arena);
    free(a->priv);
  }
  free(a);
}
