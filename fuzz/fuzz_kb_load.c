/*
 * Fuzz target: knowledge-base tables (what `--kb DIR` or CTIX_KB loads).
 * Opens arbitrary bytes as a table blob, once with the checksum (which a
 * corrupt file fails) and once without it, so the structural checks meet
 * the damage; whatever opens is then read through every public accessor,
 * lookup, search and the info report. Nothing may read out of bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/kb.h"
#include "kb/kb_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Touches every string and relation a caller can reach. */
static size_t walk(const ctix_kb *kb)
{
  size_t i, k, first, total, sum = 0, len;
  ctix_kb_obj o;
  ctix_kb_edge e;
  ctix_kb_kev kv;
  ctix_kb_ref r, refs[4];
  ctix_kb_hit hits[4];
  const char *key, *val;
  char *text, url[256];
  for (i = 0; i < ctix_kb_count(kb); i++) {
    if (ctix_kb_get(kb, (ctix_kb_ref)i, &o))
      abort();
    sum += strlen(o.id) + strlen(o.name) + strlen(o.stix_id) + strlen(o.shortname);
    sum += strlen(o.first_seen) + strlen(o.last_seen);
    for (k = 0; k < o.naliases; k++)
      sum += strlen(ctix_kb_alias(kb, (ctix_kb_ref)i, k));
    for (k = 0; k < o.nplatforms; k++)
      sum += strlen(ctix_kb_platform(kb, (ctix_kb_ref)i, k));
    for (k = 0; k < o.nedges; k++) {
      if (ctix_kb_edge_at(kb, o.first_edge + k, &e))
        abort();
      sum += strlen(e.verb) + strlen(ctix_kb_id(kb, e.target));
    }
    for (k = CTIX_KB_REL_SUBTECHNIQUE; k < CTIX_KB_NRELS; k++)
      sum += ctix_kb_edges(kb, (ctix_kb_ref)i, (ctix_kb_rel)k, CTIX_KB_TECHNIQUE, &first);
    sum += strlen(ctix_kb_url(url, sizeof(url), kb, (ctix_kb_ref)i));
    ctix_kb_resolve_id(kb, o.id, strlen(o.id), &r);
    ctix_kb_find_stix(kb, o.stix_id, strlen(o.stix_id), &r);
    sum += ctix_kb_find_name(kb, o.name, strlen(o.name), refs, 4);
  }
  for (i = 0; i < ctix_kb_kev_count(kb); i++) {
    if (ctix_kb_kev_at(kb, i, &kv))
      abort();
    sum += strlen(kv.cve) + strlen(kv.vendor) + strlen(kv.product) + strlen(kv.name);
    for (k = 0; k < kv.ncwes; k++)
      sum += strlen(ctix_kb_kev_cwe(kb, i, k));
    ctix_kb_find_cve(kb, kv.cve, strlen(kv.cve), &kv);
  }
  for (i = 0; ctix_kb_source_at(kb, i, &key, &val) == 0; i++)
    sum += strlen(key) + strlen(val);
  if (ctix_kb_search(hits, 4, &total, kb, "a b", NULL) == 0)
    sum += total;
  if (ctix_kb_info(&text, &len, kb, true, NULL) == 0)
    free(text);
  if (ctix_kb_info(&text, &len, kb, false, NULL) == 0)
    free(text);
  return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  ctix_kb *kb = NULL;
  ctix_error err;
  ctix_error_clear(&err);
  if (ctix__kb_open_mem(&kb, data, size, "fuzz", CTIX__KB_NO_CHECKSUM, &err) == 0) {
    walk(kb);
    ctix_kb_free(kb);
  } else if (err.code == 0 || !err.message[0]) {
    abort(); /* every failure says why */
  }
  ctix_error_clear(&err);
  if (ctix_kb_open_mem(&kb, data, size, "fuzz", &err) == 0) {
    walk(kb);
    ctix_kb_free(kb);
  }
  return 0;
}
