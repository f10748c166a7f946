/*
 * Fuzz target: input to MISP event, Navigator layer and CSV. Builds a
 * document from arbitrary bytes, analyses it, then adds techniques and
 * entities made from its sentences (so hostile text reaches comments, tag
 * values and attribute values), writes the three exports and aborts unless
 * the MISP event and the layer parse back with jansson (duplicate keys
 * refused) with one attribute or technique entry per expected item at
 * most, and the CSV splits into RFC 4180 records of six fields ending CRLF.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/ctix.h"
#include "ctix/export.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ITEMS 8

/* Technique ids picked by the input: Enterprise, a sub-technique, ICS, bogus. */
static const char *const tech_ids[] = {"T1566", "T1566.001", "T1059.001", "T0800",
                                       "T9999", "X\"]", "T1071.001", "T1547.001"};

/* Aborts unless `out` is RFC 4180 CSV: six fields a record, each record ending CRLF. */
static void check_csv(const char *out, size_t len)
{
  size_t i = 0, fields = 1, records = 0;
  bool quoted = false, at_start = true;
  while (i < len) {
    char c = out[i];
    if (quoted) {
      if (c == '"' && i + 1 < len && out[i + 1] == '"')
        i++;
      else if (c == '"')
        quoted = false;
    } else if (c == '"') {
      if (!at_start)
        abort();
      quoted = true;
    } else if (c == ',') {
      fields++;
      at_start = true;
      i++;
      continue;
    } else if (c == '\r') {
      if (i + 1 >= len || out[i + 1] != '\n' || fields != 6)
        abort();
      records++;
      fields = 1;
      at_start = true;
      i += 2;
      continue;
    } else if (c == '\n') {
      abort();
    }
    at_start = false;
    i++;
  }
  if (quoted || records == 0 || (len && out[len - 1] != '\n'))
    abort();
}

static json_t *parse_or_abort(const char *out, size_t len)
{
  json_error_t jerr;
  json_t *root = json_loadb(out, len, JSON_REJECT_DUPLICATES, &jerr);
  if (!root)
    abort();
  return root;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  ctix_options o;
  ctix_document *doc = NULL;
  ctix_analysis *a = NULL;
  ctix_ttp_hit hits[MAX_ITEMS];
  ctix_ttp_evidence evs[MAX_ITEMS];
  ctix_entity ents[MAX_ITEMS];
  char names[MAX_ITEMS][64];
  ctix_ttp_list tl;
  ctix_entity_list el;
  const ctix_ttp_list *saved_tl;
  const ctix_entity_list *saved_el;
  char *out = NULL;
  size_t len = 0, i, n;
  json_t *root;
  ctix_options_init(&o);
  o.doc.max_input = 1u << 20;
  o.doc.source = "fuzz";
  if (ctix_document_parse(&doc, data, size, &o.doc, NULL) != 0)
    return 0;
  if (ctix_analyze(&a, doc, "fuzz\"id\n", &o, NULL) != 0)
    return 0;
  memset(hits, 0, sizeof(hits));
  memset(evs, 0, sizeof(evs));
  memset(ents, 0, sizeof(ents));
  n = a->doc->nsentences < MAX_ITEMS ? a->doc->nsentences : MAX_ITEMS;
  for (i = 0; i < n; i++) {
    const ctix_span *sp = &a->doc->sentences[i].span;
    size_t k = sp->end - sp->start < sizeof(names[i]) ? sp->end - sp->start : sizeof(names[i]) - 1;
    unsigned char pick = k ? (unsigned char)a->doc->text[sp->start] : 0;
    evs[i].sentence = i;
    evs[i].start = sp->start;
    evs[i].end = sp->end;
    evs[i].status = (ctix_ttp_status)(pick % 3);
    hits[i].id = tech_ids[pick % MAX_ITEMS];
    hits[i].name = "fuzzed";
    hits[i].confidence = (float)pick / 200.0f;
    hits[i].status = evs[i].status;
    hits[i].evidence = &evs[i];
    hits[i].nevidence = 1;
    memcpy(names[i], a->doc->text + sp->start, k);
    names[i][k] = '\0';
    ents[i].kind = (ctix_entity_kind)(pick % CTIX_ENTITY_KIND_COUNT);
    ents[i].name = names[i];
    ents[i].ref = CTIX_KB_NONE;
    ents[i].role = (pick & 1) ? "targeted" : "mentioned";
    ents[i].kev = (pick & 2) != 0;
    ents[i].evidence = names[i];
  }
  tl.items = hits;
  tl.count = n;
  el.items = ents;
  el.count = n;
  saved_tl = a->techniques;
  saved_el = a->entities;
  a->techniques = &tl;
  a->entities = &el;

  if (ctix_export_misp(&out, &len, a, NULL, NULL) != 0)
    abort();
  root = parse_or_abort(out, len);
  if (!json_is_object(json_object_get(root, "Event")))
    abort();
  json_decref(root);
  free(out);
  out = NULL;

  if (ctix_export_navigator(&out, &len, a, NULL, NULL) != 0)
    abort();
  root = parse_or_abort(out, len);
  if (json_array_size(json_object_get(root, "techniques")) > n * 16)
    abort();
  json_decref(root);
  free(out);
  out = NULL;

  if (ctix_export_csv(&out, &len, a, NULL, NULL) != 0)
    abort();
  check_csv(out, len);
  free(out);

  a->techniques = saved_tl;
  a->entities = saved_el;
  ctix_analysis_free(a);
  return 0;
}
