/*
 * `ctix eval attribution`: checks attribution by resemblance against
 * ATT&CK itself. For every Enterprise campaign attributed to a group, the
 * campaign's own techniques (and software) are the query and the campaign
 * is left out of every profile (ctix_assess_resemble's `exclude`), so its
 * relations do not help its group. The group is found at rank r among the
 * ranked groups (campaign candidates are not counted: the question is
 * which group); top-1 and top-5 are the shares of campaigns with r = 1
 * and r <= 5. Two runs: techniques and software, and techniques only.
 *
 *   --json             {"n", "top1", "top5", "techniques_only": {...},
 *                       "measure", "campaigns": [...]}
 *   --measure NAME     cosine, jaccard, dice, coverage, tversky (default)
 *   --parent-credit X, --software-techniques X, --idf-power X, --alpha X
 *                      the other parameters of the measure, to compare
 *   -v, --verbose      one line per campaign
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess_internal.h"
#include "cli/cli_internal.h"
#include "cli/eval.h"
#include "util/json.h"

enum { OPT_JSON = 1, OPT_VERBOSE, OPT_HELP, OPT_MEASURE, OPT_PARENT, OPT_SWTECH, OPT_IDF, OPT_ALPHA };

static const ctix__cli_opt attr_opts[] = {
    {OPT_JSON, 0, "json", false},
    {OPT_VERBOSE, 'v', "verbose", false},
    {OPT_HELP, 'h', "help", false},
    {OPT_MEASURE, 0, "measure", true},
    {OPT_PARENT, 0, "parent-credit", true},
    {OPT_SWTECH, 0, "software-techniques", true},
    {OPT_IDF, 0, "idf-power", true},
    {OPT_ALPHA, 0, "alpha", true},
    {0, 0, NULL, false},
};

static const char attr_usage[] =
    "usage: ctix eval attribution [--json] [--measure cosine|jaccard|dice|coverage|tversky]\n"
    "                             [--parent-credit X] [--software-techniques X]\n"
    "                             [--idf-power X] [--alpha X] [-v]\n";

/* One campaign of the check and where its group ranked. */
typedef struct case_result {
  ctix_kb_ref campaign;
  ctix_kb_ref group;         /* the best-ranked attributed group */
  size_t rank[2];            /* 1-based; 0 = not ranked. [0] with software, [1] techniques only */
  size_t ntech, nsw;
} case_result;

/* Parses a float option in [lo, hi]. */
static bool opt_float(float *out, const char *arg, float lo, float hi)
{
  char *end = NULL;
  float v = strtof(arg, &end);
  if (!end || *end || end == arg || v < lo || v > hi)
    return false;
  *out = v;
  return true;
}

/* The refs of `obj`'s USES edges to objects of `kind`, in a malloc'd array. */
static ctix_kb_ref *uses_of(const ctix_kb *kb, ctix_kb_ref obj, ctix_kb_kind kind, size_t *n)
{
  size_t first;
  *n = ctix_kb_edges(kb, obj, CTIX_KB_REL_USES, kind, &first);
  ctix_kb_ref *r = malloc((*n ? *n : 1) * sizeof(*r));
  if (!r)
    return NULL;
  for (size_t k = 0; k < *n; k++)
    r[k] = ctix_kb_edge_target(kb, first + k);
  return r;
}

/* Rank (1-based) of the first group in `res` attributed the campaign; 0 if absent. */
static size_t group_rank(const ctix_kb *kb, const ctix_resemblance *res, size_t n,
                         ctix_kb_ref campaign, ctix_kb_ref *which)
{
  size_t first, ng = ctix_kb_edges(kb, campaign, CTIX_KB_REL_ATTRIBUTED_TO, CTIX_KB_GROUP,
                                   &first);
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < ng; k++)
      if (res[i].ref == ctix_kb_edge_target(kb, first + k)) {
        *which = res[i].ref;
        return i + 1;
      }
  return 0;
}

static bool enterprise_active(const ctix_kb *kb, ctix_kb_ref r)
{
  ctix_kb_obj o;
  return ctix_kb_get(kb, r, &o) == 0 && (o.domains & CTIX_KB_ENTERPRISE) &&
         !(o.flags & (CTIX_KB_REVOKED | CTIX_KB_DEPRECATED));
}

int ctix__eval_attribution(int argc, char **argv)
{
  ctix__cli_args args;
  const char *arg = NULL;
  bool json = false, verbose = false;
  ctix__resemble_params prm;
  ctix_error err;
  const ctix_kb *kb = NULL;
  ctix_buf cases = CTIX_BUF_INIT((size_t)1 << 24);
  ctix_buf out = CTIX_BUF_INIT((size_t)1 << 26);
  int status = CTIX_EXIT_OK, id;

  ctix__resemble_params_default(&prm);
  prm.campaigns = false;
  ctix_error_clear(&err);
  ctix__cli_args_init(&args, argc, argv, "eval attribution", attr_opts);
  while ((id = ctix__cli_args_next(&args, &arg)) != CTIX__CLI_END) {
    switch (id) {
    case OPT_JSON:
      json = true;
      break;
    case OPT_VERBOSE:
      verbose = true;
      break;
    case OPT_HELP:
      fputs(attr_usage, stdout);
      return CTIX_EXIT_OK;
    case OPT_MEASURE: {
      int m = ctix__sim_from_name(arg);
      if (m < 0)
        return ctix__cli_usage("eval attribution", "unknown measure '%s'", arg);
      prm.measure = (ctix__sim)m;
      break;
    }
    case OPT_PARENT:
      if (!opt_float(&prm.parent_credit, arg, 0, 1))
        return ctix__cli_usage("eval attribution", "--parent-credit needs a number 0-1");
      break;
    case OPT_SWTECH:
      if (!opt_float(&prm.software_techniques, arg, 0, 1))
        return ctix__cli_usage("eval attribution", "--software-techniques needs a number 0-1");
      break;
    case OPT_IDF:
      if (!opt_float(&prm.idf_power, arg, 0, 4))
        return ctix__cli_usage("eval attribution", "--idf-power needs a number 0-4");
      break;
    case OPT_ALPHA:
      if (!opt_float(&prm.alpha, arg, 0, 1))
        return ctix__cli_usage("eval attribution", "--alpha needs a number 0-1");
      break;
    case CTIX__CLI_OPERAND:
      return ctix__cli_usage("eval attribution", "unexpected operand '%s'", arg);
    default:
      return CTIX_EXIT_USAGE;
    }
  }
  if (ctix_kb_default(&kb, &err)) {
    ctix__cli_error(&err);
    return CTIX_EXIT_INPUT;
  }

  ctix_kb_ref c0;
  size_t nc = ctix_kb_range(kb, CTIX_KB_CAMPAIGN, &c0);
  for (size_t i = 0; i < nc; i++) {
    ctix_kb_ref camp = c0 + (ctix_kb_ref)i, g = CTIX_KB_NONE;
    size_t first, ng = ctix_kb_edges(kb, camp, CTIX_KB_REL_ATTRIBUTED_TO, CTIX_KB_GROUP,
                                     &first);
    bool any = false;
    for (size_t k = 0; k < ng; k++)
      any |= enterprise_active(kb, ctix_kb_edge_target(kb, first + k));
    if (!any || !enterprise_active(kb, camp))
      continue;
    case_result cr;
    memset(&cr, 0, sizeof(cr));
    cr.campaign = camp;
    cr.group = ctix_kb_edge_target(kb, first);
    ctix_kb_ref *t = uses_of(kb, camp, CTIX_KB_TECHNIQUE, &cr.ntech);
    ctix_kb_ref *s = uses_of(kb, camp, CTIX_KB_SOFTWARE, &cr.nsw);
    if (!t || !s) {
      free(t);
      free(s);
      status = CTIX_EXIT_INTERNAL;
      goto done;
    }
    for (int run = 0; run < 2; run++) {
      ctix_resemblance *res = NULL;
      size_t nres = 0;
      if (ctix__assess_resemble_ex(&res, &nres, kb, t, cr.ntech, s, run == 0 ? cr.nsw : 0,
                                   camp, 0, &prm, &err)) {
        free(t);
        free(s);
        ctix__cli_error(&err);
        status = CTIX_EXIT_INTERNAL;
        goto done;
      }
      cr.rank[run] = group_rank(kb, res, nres, camp, &g);
      if (run == 0 && g != CTIX_KB_NONE)
        cr.group = g;
      ctix_resemblances_free(res, nres);
    }
    free(t);
    free(s);
    if (ctix__buf_push(&cases, &cr, sizeof(cr))) {
      status = CTIX_EXIT_INTERNAL;
      goto done;
    }
  }

  size_t n = CTIX__BUF_COUNT(&cases, case_result), top1[2] = {0, 0}, top5[2] = {0, 0};
  for (size_t i = 0; i < n; i++) {
    const case_result *cr = &CTIX__BUF_AT(&cases, case_result, i);
    for (int run = 0; run < 2; run++) {
      top1[run] += cr->rank[run] == 1;
      top5[run] += cr->rank[run] >= 1 && cr->rank[run] <= 5;
    }
  }
  double d = n ? (double)n : 1.0;
  if (json) {
    ctix__buf_addf(&out,
                   "{\"n\": %zu, \"top1\": %.4f, \"top5\": %.4f, \"techniques_only\": "
                   "{\"top1\": %.4f, \"top5\": %.4f}, \"measure\": \"%s\", "
                   "\"parent_credit\": %.2f, \"software_techniques\": %.2f, "
                   "\"idf_power\": %.2f, \"alpha\": %.2f, \"campaigns\": [",
                   n, (double)top1[0] / d, (double)top5[0] / d, (double)top1[1] / d,
                   (double)top5[1] / d, ctix__sim_name(prm.measure), (double)prm.parent_credit,
                   (double)prm.software_techniques, (double)prm.idf_power, (double)prm.alpha);
    for (size_t i = 0; i < n; i++) {
      const case_result *cr = &CTIX__BUF_AT(&cases, case_result, i);
      ctix__buf_addf(&out, "%s{\"campaign\": ", i ? ", " : "");
      ctix__json_string(&out, ctix_kb_id(kb, cr->campaign), strlen(ctix_kb_id(kb, cr->campaign)));
      ctix__buf_adds(&out, ", \"group\": ");
      ctix__json_string(&out, ctix_kb_id(kb, cr->group), strlen(ctix_kb_id(kb, cr->group)));
      ctix__buf_addf(&out, ", \"techniques\": %zu, \"software\": %zu, \"rank\": %zu, "
                           "\"rank_techniques_only\": %zu}",
                     cr->ntech, cr->nsw, cr->rank[0], cr->rank[1]);
    }
    ctix__buf_adds(&out, "]}\n");
  } else {
    if (verbose) {
      ctix__buf_adds(&out, "campaign  group   techniques software rank rank(techniques only)\n");
      for (size_t i = 0; i < n; i++) {
        const case_result *cr = &CTIX__BUF_AT(&cases, case_result, i);
        ctix__buf_addf(&out, "%-9s %-7s %10zu %8zu %4zu %4zu\n", ctix_kb_id(kb, cr->campaign),
                       ctix_kb_id(kb, cr->group), cr->ntech, cr->nsw, cr->rank[0],
                       cr->rank[1]);
      }
    }
    ctix__buf_addf(&out,
                   "attribution by resemblance (%s), %zu ATT&CK campaigns attributed to a group\n"
                   "                          top-1    top-5\n"
                   "techniques + software    %5.1f%%   %5.1f%%\n"
                   "techniques only          %5.1f%%   %5.1f%%\n",
                   ctix__sim_name(prm.measure), n, 100.0 * (double)top1[0] / d,
                   100.0 * (double)top5[0] / d, 100.0 * (double)top1[1] / d,
                   100.0 * (double)top5[1] / d);
  }
  if (out.err) {
    status = CTIX_EXIT_INTERNAL;
    goto done;
  }
  if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0)
    status = CTIX_EXIT_OUTPUT;
done:
  ctix__buf_free(&cases);
  ctix__buf_free(&out);
  return status;
}
