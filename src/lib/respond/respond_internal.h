/*
 * Internal interface between the parts of the response module
 * (src/lib/respond): ctix_respond (respond.c) calls the Sigma generator
 * (sigma_gen.c), the countermeasure ranking and the incident-response
 * steps. Each part appends to arrays and allocates in the response's arena.
 */
#ifndef CTIX_RESPOND_INTERNAL_H
#define CTIX_RESPOND_INTERNAL_H

#include "ctix/respond.h"
#include "util/arena.h"
#include "util/buf.h"

/*
 * Sigma rules for `a` (sigma_gen.c): IOC rules (one per observable kind),
 * behaviour rules from the embedded template library for the report's
 * techniques, and, with opts->sigma_rules or opts->sigma_rules_dir, the matching rules of that
 * collection. Appends ctix_response_rule records to `rules` (ioc, then
 * behaviour, then existing; by file name within each group); every string
 * lives in `arena`. a->iocs, a->techniques, a->entities and a->assessment
 * may be NULL. Every generated rule has passed ctix's own Sigma checker.
 */
int ctix__sigma_generate(ctix_buf *rules /* of ctix_response_rule */, ctix_arena *arena,
                         const ctix_analysis *a, const ctix_response_options *opts,
                         ctix_error *err);

#endif
