/*
 * Fuzz target: document text to STIX bundle. Builds a document from
 * arbitrary bytes, runs the pipeline (IOC extraction and whatever later
 * stages exist), writes the STIX bundle twice and aborts unless the two
 * are byte-identical, the bundle parses with jansson (duplicate keys
 * refused), every object has a type and an id "<type>--<36 characters>"
 * that no other object has, every indicator pattern is '[...]' with
 * closed string literals holding only \\ and \' escapes, and the report
 * refers to every other object.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/ctix.h"
#include "ctix/export.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Lexical shape of a STIX pattern (see the header comment). */
static bool pattern_ok(const char *p)
{
  int depth = 0;
  if (!p || *p != '[')
    return false;
  for (; *p; p++) {
    if (*p == '\'') {
      for (p++; *p && *p != '\''; p++)
        if (*p == '\\' && p[1] != '\\' && p[1] != '\'')
          return false;
        else if (*p == '\\')
          p++;
      if (!*p)
        return false;
    } else if (*p == '[') {
      depth++;
    } else if (*p == ']' && --depth < 0) {
      return false;
    }
  }
  return depth == 0;
}

static void check_bundle(const char *out, size_t len)
{
  json_error_t jerr;
  json_t *root = json_loadb(out, len, JSON_REJECT_DUPLICATES, &jerr), *objs, *o, *ids, *report = NULL;
  size_t i;
  if (!root || !json_is_string(json_object_get(root, "type")) ||
      strcmp(json_string_value(json_object_get(root, "type")), "bundle"))
    abort();
  objs = json_object_get(root, "objects");
  ids = json_object();
  if (!json_is_array(objs) || json_array_size(objs) < 4)
    abort();
  json_array_foreach(objs, i, o)
  {
    const char *type = json_string_value(json_object_get(o, "type"));
    const char *id = json_string_value(json_object_get(o, "id"));
    size_t tl;
    if (!type || !id)
      abort();
    tl = strlen(type);
    if (strncmp(id, type, tl) || strncmp(id + tl, "--", 2) || strlen(id + tl + 2) != 36 ||
        json_object_get(ids, id))
      abort();
    json_object_set_new(ids, id, json_true());
    if (!strcmp(type, "indicator") &&
        !pattern_ok(json_string_value(json_object_get(o, "pattern"))))
      abort();
    if (!strcmp(type, "report"))
      report = o;
  }
  if (!report || json_array_size(json_object_get(report, "object_refs")) + 1 !=
                     json_array_size(objs))
    abort();
  json_decref(ids);
  json_decref(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  ctix_options o;
  ctix_document *doc = NULL;
  ctix_analysis *a = NULL;
  char *b1 = NULL, *b2 = NULL;
  size_t l1 = 0, l2 = 0;
  ctix_options_init(&o);
  o.doc.max_input = 1u << 20;
  o.doc.source = "fuzz'\"\\]";
  if (ctix_document_parse(&doc, data, size, &o.doc, NULL) != 0)
    return 0;
  if (ctix_analyze(&a, doc, NULL, &o, NULL) != 0)
    return 0;
  if (ctix_export_stix(&b1, &l1, a, NULL, NULL) != 0 ||
      ctix_export_stix(&b2, &l2, a, NULL, NULL) != 0)
    abort();
  if (l1 != l2 || memcmp(b1, b2, l1))
    abort();
  check_bundle(b1, l1);
  free(b1);
  free(b2);
  ctix_analysis_free(a);
  return 0;
}
