/*
 * Internal entry points of the export writers for other modules of
 * libctix: the STIX bundle in compact form for the renderers, which embed
 * it in report.html as data and have no use for its indentation.
 */
#ifndef CTIX_EXPORT_INTERNAL_H
#define CTIX_EXPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "ctix/export.h"

/* ctix_export_stix, indented (`pretty`, as bundle.stix.json is written) or
 * compact: the same JSON value either way. *out is the caller's to free. */
int ctix__export_stix_json(char **out, size_t *len, const ctix_analysis *a,
                           const ctix_export_options *opts, bool pretty, ctix_error *err);

#endif
