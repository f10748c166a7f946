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

/*
 * The base64 SHA-256 of the script and of the styles, for the page's
 * Content-Security-Policy: computed at build time from the very files
 * asset.c embeds (module.cmake); NUL-terminated.
 */
const char *ctix__render_script_sha256(void);
const char *ctix__render_style_sha256(void);

/* What a renderer works from. */
typedef struct ctix__render_in {
  const ctix_analysis *a;
  const ctix_response *resp;        /* never NULL after ctix__render_in_open */
  /* The bundle: the caller's or one made here (ctix_export_stix_bundle),
   * else (bundle NULL) only the caller's JSON text in stix. */
  const ctix_stix_bundle *bundle;
  const char *stix;                 /* bundle JSON text: compact when bundle is set */
  size_t stix_len;
  ctix_render_options opts;         /* with defaults filled in */
  ctix_response *own_resp;          /* generated here, freed by close */
  ctix_stix_bundle *own_bundle;
} ctix__render_in;

/*
 * Fills `in` from the analysis and options, generating what is missing; a
 * bundle made here keeps only `forms` (CTIX__STIX_* of
 * export/export_internal.h: what the renderer reads).
 */
int ctix__render_in_open(ctix__render_in *in, const ctix_analysis *a,
                         const ctix_render_options *opts, unsigned forms, ctix_error *err);
void ctix__render_in_close(ctix__render_in *in);

#endif
