/*
 * What every renderer starts from (render_internal.h): the options with
 * their defaults, the detection and response content and the STIX bundle,
 * taken from the options when the caller has them (a bundle object, else
 * JSON text), else made here in the forms the renderer reads.
 */
#include <stdlib.h>
#include <string.h>

#include "export/export_internal.h"
#include "render/render_internal.h"
#include "util/err.h"

#define RENDER_DEFAULT_MAX ((size_t)256 << 20)

void ctix_render_options_init(ctix_render_options *opts)
{
  memset(opts, 0, sizeof(*opts));
  opts->max_output = RENDER_DEFAULT_MAX;
}

int ctix__render_in_open(ctix__render_in *in, const ctix_analysis *a,
                         const ctix_render_options *opts, unsigned forms, ctix_error *err)
{
  int rc = 0;
  memset(in, 0, sizeof(*in));
  if (!a || !a->doc)
    return ctix__error_set(err, CTIX_EINVAL, "render: no analysis");
  in->a = a;
  if (opts)
    in->opts = *opts;
  else
    ctix_render_options_init(&in->opts);
  if (!in->opts.max_output)
    in->opts.max_output = RENDER_DEFAULT_MAX;

  if (in->opts.response || a->response) {
    /* the caller's, else the response stage's own (its --tlp, --sigma-rules) */
    in->resp = in->opts.response ? in->opts.response : a->response;
  } else {
    if ((rc = ctix_respond(&in->own_resp, a, NULL, err)))
      goto done;
    in->resp = in->own_resp;
  }
  if (in->opts.bundle) {
    /* A bundle made with fewer forms (ctix__export_stix_build) must still
     * hold the one this renderer reads: drawing an empty graph instead
     * would be silently wrong. */
    if (forms & ~ctix__stix_bundle_forms(in->opts.bundle)) {
      rc = ctix__error_set(err, CTIX_EINVAL, "render: the STIX bundle lacks the form read here");
      goto done;
    }
    in->bundle = in->opts.bundle;
  } else if (in->opts.stix) {
    in->stix = in->opts.stix;
    in->stix_len = in->opts.stix_len;
  } else {
    if ((rc = ctix__export_stix_build(&in->own_bundle, a, in->opts.export_opts, forms, err)))
      goto done;
    in->bundle = in->own_bundle;
  }
  if (in->bundle)
    in->stix = ctix_stix_bundle_json(in->bundle, false, &in->stix_len);

done:
  if (rc)
    ctix__render_in_close(in);
  return rc;
}

void ctix__render_in_close(ctix__render_in *in)
{
  ctix_response_free(in->own_resp);
  ctix_stix_bundle_free(in->own_bundle);
  in->own_resp = NULL;
  in->own_bundle = NULL;
  in->resp = NULL;
  in->bundle = NULL;
  in->stix = NULL;
}
