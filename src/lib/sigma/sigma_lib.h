/*
 * What the Sigma module (src/lib/sigma) offers the rest of ctix besides the
 * public API of include/ctix/sigma.h: the walk over a folder of rule files
 * (`ctix sigma convert DIR`, `ctix analyze --sigma-rules DIR`, bench_sigma)
 * and the table of SIEM views, each a target with the pipeline its users
 * normally run (the Sigma tab of report.html, the rows of bench_sigma),
 * with one converter per view kept for the whole process.
 */
#ifndef CTIX_SIGMA_LIB_H
#define CTIX_SIGMA_LIB_H
#include <stdbool.h>
#include <stddef.h>

#include "ctix/sigma.h"
#include "util/err.h"

/* ------------------------------------------------------------ folder walk */

/* Deepest folder level entered below the root (deeper ones are skipped). */
#define CTIX__SIGMA_WALK_MAX_DEPTH 32u

/* A rule file the walk found. */
typedef struct ctix__sigma_file {
  const char *path; /* the root, '/', then rel */
  const char *rel;  /* path under the root, parts joined by '/' */
  const char *name; /* file name (last part of rel) */
} ctix__sigma_file;

/* Called for each rule file; a nonzero return ends the walk with that value. */
typedef int (*ctix__sigma_walk_fn)(void *ctx, const ctix__sigma_file *f);

/*
 * Walks the folder `root` for Sigma rule files (regular files named
 * *.yml or *.yaml, case ignored) and calls fn for each: depth first, the
 * entries of a folder in byte order of their names. Entries whose name
 * starts with '.' (., .., .git) are passed over; symbolic links are
 * followed, but no folder is entered twice (link loops). Folders deeper
 * than CTIX__SIGMA_WALK_MAX_DEPTH, sub-folders that cannot be opened,
 * dangling links, paths longer than 8 KiB and sub-folders whose listing
 * fails part-way (their entries read so far are still walked) are counted
 * in *skipped (may be NULL; added to). Returns 0, fn's nonzero value,
 * CTIX_EIO ("ROOT: reason") if the root cannot be opened or read whole or
 * its path is too long, CTIX_EINVAL for a NULL root or fn, CTIX_ENOMEM.
 */
int ctix__sigma_walk(const char *root, ctix__sigma_walk_fn fn, void *ctx, size_t *skipped,
                     ctix_error *err);

/* ------------------------------------------------------------- SIEM views */

/* A target with the pipeline its users normally run. */
typedef struct ctix__sigma_view {
  const char *key;      /* short name: report.html tab, suffix of the downloaded file */
  const char *target;   /* ctix_sigma_target_name() */
  const char *pipeline; /* built-in pipeline, NULL for none */
  bool report;          /* shown in the Sigma tab of report.html */
} ctix__sigma_view;

/* The views: report.html shows the `report` ones in this order; bench_sigma runs all. */
extern const ctix__sigma_view ctix__sigma_views[];
extern const size_t ctix__sigma_nviews;

/*
 * The converter of view i, built at its first use and then kept for the
 * rest of the process (never freed: it stays reachable, so leak checkers
 * do not report it); safe to call and to convert with from several
 * threads. NULL if i is out of range or the engine lacks the view's
 * target or pipeline.
 */
const ctix_sigma_converter *ctix__sigma_view_converter(size_t i);

#endif
