/*
 * The SIEM views (sigma_lib.h): each a Sigma target with the processing
 * pipeline its users normally run (the field names of that product). One
 * table serves the Sigma tab of report.html (the `report` rows, in table
 * order) and bench_sigma (every row, grouped by target in the order of
 * ctix_sigma_target_name()).
 *
 * Converters: report.html converts every rule to every view, and building
 * a converter parses its pipeline (about half of the page's time when it
 * was done per page). So each view's converter is built once, at its first
 * use, under a mutex, and kept for the rest of the process on purpose: it
 * is read-only after construction (ctix_sigma_convert takes it const and
 * keeps no state in it), so threads share it, and it stays reachable from
 * the table, so LeakSanitizer does not count it (1.3 MB for all eleven
 * views). Nothing frees it at exit: an atexit handler in a library would
 * run after users' own handlers and could free a converter still in use.
 */
#include <pthread.h>
#include <stddef.h>

#include "sigma/sigma_lib.h"

const ctix__sigma_view ctix__sigma_views[] = {
    {"splunk-plain", "splunk", NULL, false},
    {"splunk", "splunk", "splunk_windows", true},
    {"splunk-spl2", "splunk_spl2", "splunk_windows", true},
    {"elastic-lucene", "lucene", "ecs_windows", true},
    {"elastic-eql", "eql", "ecs_windows", true},
    {"elastic-esql", "esql", "ecs_windows", true},
    {"defender-xdr", "kusto", "microsoft_xdr", true},
    {"sentinel-asim", "kusto", "sentinel_asim", true},
    {"azure-monitor", "kusto", "azure_monitor", true},
    {"qradar-fields", "qradar_aql", "qradar-aql-fields", false},
    {"qradar", "qradar_aql", "qradar-aql-payload", true},
};
const size_t ctix__sigma_nviews = sizeof(ctix__sigma_views) / sizeof(ctix__sigma_views[0]);

#define NVIEWS (sizeof(ctix__sigma_views) / sizeof(ctix__sigma_views[0]))

/* Per view: 0 not built yet, 1 built (the converter, or NULL if the view cannot be). */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char cache_built[NVIEWS];
static ctix_sigma_converter *cache[NVIEWS];

const ctix_sigma_converter *ctix__sigma_view_converter(size_t i)
{
  const ctix_sigma_converter *cv;
  if (i >= NVIEWS)
    return NULL;
  pthread_mutex_lock(&cache_lock);
  if (!cache_built[i]) {
    const char *pipe = ctix__sigma_views[i].pipeline;
    ctix_error err;
    ctix_error_clear(&err);
    if (ctix_sigma_converter_new(&cache[i], ctix__sigma_views[i].target, pipe ? &pipe : NULL,
                                 pipe ? 1 : 0, &err) != 0)
      cache[i] = NULL;
    cache_built[i] = err.code != CTIX_ENOMEM; /* out of memory: tried again next time */
  }
  cv = cache[i];
  pthread_mutex_unlock(&cache_lock);
  return cv;
}
