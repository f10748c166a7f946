/*
 * Fuzz target: input to JSON report. Builds a document from arbitrary
 * bytes (every format the detector may pick), analyses it, writes the
 * report compact and pretty, and aborts unless each parses back with
 * jansson into the same object, with document.text equal to the
 * document's text and every sentence span inside it.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/ctix.h"
#include "ctix/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parses a report; aborts when it is not valid JSON or its text differs. */
static json_t *parse_checked(const char *out, size_t len, const ctix_analysis *a)
{
  json_error_t jerr;
  json_t *root = json_loadb(out, len, JSON_REJECT_DUPLICATES, &jerr), *doc, *text, *sents;
  size_t i;
  if (!root)
    abort();
  doc = json_object_get(root, "document");
  text = json_object_get(doc, "text");
  if (!json_is_string(text) || json_string_length(text) != a->doc->len ||
      memcmp(json_string_value(text), a->doc->text, a->doc->len) != 0)
    abort();
  sents = json_object_get(doc, "sentences");
  if (json_array_size(sents) != a->doc->nsentences)
    abort();
  for (i = 0; i < json_array_size(sents); i++) {
    json_t *s = json_array_get(sents, i);
    json_int_t st = json_integer_value(json_object_get(s, "start"));
    json_int_t en = json_integer_value(json_object_get(s, "end"));
    if (st < 0 || en < st || (size_t)en > a->doc->len)
      abort();
  }
  return root;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  ctix_options o;
  ctix_document *doc = NULL;
  ctix_analysis *a = NULL;
  char *compact = NULL, *pretty = NULL;
  size_t clen = 0, plen = 0;
  json_t *c, *p;
  ctix_options_init(&o);
  o.doc.max_input = 1u << 20;
  o.doc.source = "fuzz";
  if (ctix_document_parse(&doc, data, size, &o.doc, NULL) != 0)
    return 0;
  if (ctix_analyze(&a, doc, "fuzz\"id\n", &o, NULL) != 0)
    return 0;
  if (ctix_report_json(&compact, &clen, a, 0, NULL) != 0 ||
      ctix_report_json(&pretty, &plen, a, CTIX_REPORT_PRETTY, NULL) != 0)
    abort();
  c = parse_checked(compact, clen, a);
  p = parse_checked(pretty, plen, a);
  if (!json_equal(c, p) || memchr(compact, '\n', clen))
    abort();
  json_decref(c);
  json_decref(p);
  free(compact);
  free(pretty);
  ctix_analysis_free(a);
  return 0;
}
