/*
 * Fuzz target: the inputs of `ctix kb build`. The first byte picks what
 * the rest is: an ATT&CK bundle, the KEV feed, or one of the four D3FEND
 * CSVs (the ones that refer to ATT&CK ids get a small built-in bundle
 * and techniques CSV first). Whatever is accepted is written as tables,
 * which must then open and read back. Bad input must fail with a
 * recorded error, never crash or leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/kb.h"
#include "kb/build.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A minimal Enterprise bundle: collection, matrix, tactic, technique, mitigation. */
static const char bundle[] =
    "{\"type\":\"bundle\",\"objects\":["
    "{\"type\":\"x-mitre-collection\",\"id\":\"x-mitre-collection--1\",\"x_mitre_version\":\"1\"},"
    "{\"type\":\"x-mitre-matrix\",\"id\":\"x-mitre-matrix--1\",\"tactic_refs\":[\"x-mitre-tactic--1\"],"
    "\"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"enterprise-attack\"}]},"
    "{\"type\":\"x-mitre-tactic\",\"id\":\"x-mitre-tactic--1\",\"name\":\"Execution\","
    "\"x_mitre_shortname\":\"execution\","
    "\"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"TA0002\"}]},"
    "{\"type\":\"attack-pattern\",\"id\":\"attack-pattern--1\",\"name\":\"Parent\","
    "\"kill_chain_phases\":[{\"kill_chain_name\":\"mitre-attack\",\"phase_name\":\"execution\"}],"
    "\"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"T1000\"}]},"
    "{\"type\":\"attack-pattern\",\"id\":\"attack-pattern--2\",\"name\":\"Child\","
    "\"x_mitre_is_subtechnique\":true,"
    "\"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"T1000.001\"}]},"
    "{\"type\":\"course-of-action\",\"id\":\"course-of-action--1\",\"name\":\"Mitigation\","
    "\"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":\"M1001\"}]}]}";

static const char techniques[] =
    "d3fend_id,def_tech,def_tech_label,def_tactic,parent_def_tech,parent_d3fend_id,"
    "def_artifact_relations\n"
    "D3-AA,AlphaAnalysis,Alpha Analysis,Detect,DefensiveTechnique,,analyzes:File\n"
    "D3-BB,BetaBlocking,Beta Blocking,Isolate,AlphaAnalysis,D3-AA,blocks:Script\n";

typedef int (*add_fn)(ctix__kbb *, const char *, size_t, const char *);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const add_fn csvs[] = {ctix__kbb_add_d3fend_techniques, ctix__kbb_add_d3fend_artifacts,
                                ctix__kbb_add_d3fend_mappings, ctix__kbb_add_d3fend_mitigations};
  ctix__kbb b;
  ctix_error err;
  unsigned char *blob = NULL;
  size_t len = 0;
  const char *in = (const char *)data + 1;
  size_t n = size ? size - 1 : 0;
  int rc = 0, what;
  if (size == 0)
    return 0;
  what = data[0] % 6;
  ctix_error_clear(&err);
  ctix__kbb_init(&b, &err);
  if (what == 0) {
    rc = ctix__kbb_add_bundle(&b, in, n, "fuzz.json");
  } else {
    rc = ctix__kbb_add_bundle(&b, bundle, sizeof(bundle) - 1, "bundle.json");
    if (!rc)
      rc = ctix__kbb_link_attack(&b);
    if (!rc && what == 1)
      rc = ctix__kbb_add_kev(&b, in, n, "fuzz.json");
    if (!rc && what > 2)
      rc = ctix__kbb_add_d3fend_techniques(&b, techniques, sizeof(techniques) - 1, "t.csv");
    if (!rc && what >= 2)
      rc = csvs[what - 2](&b, in, n, "fuzz.csv");
  }
  if (!rc)
    rc = ctix__kbb_write(&b, &blob, &len);
  if (rc && (err.code != rc || !err.message[0]))
    abort(); /* a failure without its one-line reason */
  if (!rc) {
    ctix_kb *kb = NULL;
    char *text;
    size_t tlen;
    if (ctix_kb_open_mem(&kb, blob, len, "built", &err) != 0)
      abort(); /* what the builder writes must load */
    if (ctix_kb_info(&text, &tlen, kb, true, &err) == 0)
      free(text);
    ctix_kb_free(kb);
  }
  free(blob);
  ctix__kbb_free(&b);
  return 0;
}
