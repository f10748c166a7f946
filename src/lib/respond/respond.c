/*
 * ctix_respond: the detection and response content of one analysis. It
 * ranks the D3FEND countermeasures and ATT&CK mitigations of the report's
 * techniques (countermeasures.c), fills the incident-response step
 * templates with the report's specifics (steps.c) and asks the Sigma
 * generator for rules (sigma_gen.c). Everything lives in one arena owned
 * by the result.
 */
#include <stdlib.h>
#include <string.h>

#include "respond/respond_internal.h"
#include "respond/response_internal.h"
#include "util/err.h"

typedef struct response_priv {
  ctix_response pub;         /* first: the caller's view */
  ctix_arena arena;
} response_priv;

void ctix_response_options_init(ctix_response_options *opts)
{
  memset(opts, 0, sizeof(*opts));
  opts->author = "ctix";
  opts->tlp = "clear";
}

void ctix_response_free(ctix_response *r)
{
  if (!r)
    return;
  response_priv *p = (response_priv *)r;
  ctix__arena_free(&p->arena);
  free(p);
}

int ctix_respond(ctix_response **out, const ctix_analysis *a, const ctix_response_options *opts,
                 ctix_error *err)
{
  int rc = 0;
  ctix_response_options defaults;
  const ctix__resp_tables *tables;
  const ctix_kb *kb;
  ctix__resp_facts facts;
  response_priv *p = NULL;
  ctix_buf rules = CTIX_BUF_INIT((size_t)1 << 26);

  if (!out || !a)
    return ctix__error_set(err, CTIX_EINVAL, "ctix_respond: no analysis");
  *out = NULL;
  if (!opts) {
    ctix_response_options_init(&defaults);
    opts = &defaults;
  }
  kb = opts->kb;
  if (!kb && (rc = ctix_kb_default(&kb, err)))
    return rc;
  if ((rc = ctix__respond_tables_get(&tables, err)))
    return rc;
  if (!(p = calloc(1, sizeof(*p))))
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  ctix__arena_init(&p->arena, 0);

  if ((rc = ctix__respond_countermeasures(&p->pub.countermeasures, &p->pub.ncountermeasures,
                                          &p->arena, a, kb, err)) ||
      (rc = ctix__respond_facts(&facts, &p->arena, a, kb, tables, p->pub.countermeasures,
                                p->pub.ncountermeasures, err)) ||
      (rc = ctix__respond_steps(&p->pub.steps, &p->pub.nsteps, &p->arena, tables, &facts, err)))
    goto done;

  ctix_response_options so = *opts;
  so.kb = kb;
  if ((rc = ctix__sigma_generate(&rules, &p->arena, a, &so, err)))
    goto done;
  if (rules.err) {
    rc = ctix__error_set(err, rules.err, "too many Sigma rules");
    goto done;
  }
  p->pub.nrules = CTIX__BUF_COUNT(&rules, ctix_response_rule);
  if (p->pub.nrules && !(p->pub.rules = ctix__arena_memdup(&p->arena, rules.data, rules.len))) {
    rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
    goto done;
  }

done:
  ctix__buf_free(&rules);
  if (rc) {
    ctix_response_free(&p->pub);
    return rc;
  }
  *out = &p->pub;
  return 0;
}
