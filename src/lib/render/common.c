/*
 * What every renderer starts from (render_internal.h): the options with
 * their defaults, the detection and response content and the STIX bundle,
 * taken from the options when the caller has them, else generated here.
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
                         const ctix_render_options *opts, ctix_error *err)
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
  if (in->opts.stix) {
    in->stix = in->opts.stix;
    in->stix_len = in->opts.stix_len;
  } else {
    /* compact: the renderers embed it as data or read it */
    if ((rc = ctix__export_stix_json(&in->own_stix, &in->stix_len, a, in->opts.export_opts, false,
                                     err)))
      goto done;
    in->stix = in->own_stix;
  }

done:
  if (rc)
    ctix__render_in_close(in);
  return rc;
}

void ctix__render_in_close(ctix__render_in *in)
{
  ctix_response_free(in->own_resp);
  free(in->own_stix);
  in->own_resp = NULL;
  in->own_stix = NULL;
  in->resp = NULL;
  in->stix = NULL;
}
