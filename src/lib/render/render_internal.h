/*
 * Shared by the renderers of src/lib/render (html.c, md.c, common.c): the
 * embedded page assets, and the inputs every renderer gathers first (the
 * response and the STIX bundle, taken from the options or generated).
 */
#ifndef CTIX_RENDER_INTERNAL_H
#define CTIX_RENDER_INTERNAL_H

#include <stddef.h>

#include "ctix/render.h"

/* The bundled script / styles of report.html (asset.c); NUL-terminated. */
const char *ctix__render_script(size_t *len);
const char *ctix__render_style(size_t *len);

/* What a renderer works from. */
typedef struct ctix__render_in {
  const ctix_analysis *a;
  const ctix_response *resp;   /* never NULL after ctix__render_in_open */
  const char *stix;            /* bundle JSON text */
  size_t stix_len;
  ctix_render_options opts;    /* with defaults filled in */
  ctix_response *own_resp;     /* generated here, freed by close */
  char *own_stix;
} ctix__render_in;

/* Fills `in` from the analysis and options, generating what is missing. */
int ctix__render_in_open(ctix__render_in *in, const ctix_analysis *a,
                         const ctix_render_options *opts, ctix_error *err);
void ctix__render_in_close(ctix__render_in *in);

#endif
