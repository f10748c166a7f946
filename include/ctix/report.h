/*
 * Writers of the analysis result. The JSON report is the complete,
 * machine-readable form of a ctix_analysis; its schema is documented in
 * docs/report-json.md and versioned by CTIX_REPORT_SCHEMA_VERSION (a minor
 * bump only adds fields; a major bump may remove or change them).
 *
 * Output is deterministic: the same analysis always gives the same bytes
 * (no time stamps, fixed member order). Every offset in the report is a
 * byte offset into document.text (its UTF-8 encoding), except diagnostic
 * offsets, which point into the raw input.
 *
 * Ownership: on success *out is a NUL-terminated, malloc'd string that the
 * caller releases with free(); on failure *out is NULL.
 */
#ifndef CTIX_REPORT_H
#define CTIX_REPORT_H

#include <stddef.h>

#include "ctix/analysis.h"
#include "ctix/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Version of the JSON report schema written by this library. */
#define CTIX_REPORT_SCHEMA_VERSION "1.3"

/* Flags for the JSON writers; 0 gives compact JSON on one line. */
enum {
  CTIX_REPORT_PRETTY = 1u << 0,  /* indented, one record per line */
  CTIX_REPORT_NO_TEXT = 1u << 1  /* omit document.text (offsets stay valid for it) */
};

/*
 * Writes the whole analysis `a` as one JSON object into *out (*len bytes,
 * no trailing newline). Errors: CTIX_ENOMEM.
 */
int ctix_report_json(char **out, size_t *len, const ctix_analysis *a, unsigned flags,
                     ctix_error *err);

/*
 * Writes the JSON object that stands for an input that could not be
 * analysed: {"schema_version", "ctix_version", "id", "error": {"code",
 * "message", "source", "line", "column", "offset"}}. `id` may be NULL.
 * Batch front ends emit it in place of a report so every input keeps its
 * line. Errors: CTIX_ENOMEM.
 */
int ctix_report_json_error(char **out, size_t *len, const char *id, const ctix_error *failure,
                           unsigned flags, ctix_error *err);

#ifdef __cplusplus
}
#endif
#endif
