/*
 * Unit tests of the JSON report writer (src/lib/report/json.c): every
 * report is parsed back with jansson and checked against the analysis it
 * came from: offsets that slice document.text to the right sentences,
 * string escaping (quotes, backslashes, control characters, non-ASCII,
 * invalid UTF-8), nulls for unknown values, the compact and pretty forms,
 * --no-text, the error object, and byte-for-byte determinism.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "ctix/ctix.h"
#include "ctix/report.h"

/* Builds and analyses a document from a C string in the given format. */
static ctix_analysis *analyse(const char *text, ctix_format fmt, const char *id)
{
  ctix_options o;
  ctix_document *doc = NULL;
  ctix_analysis *a = NULL;
  ctix_error err;
  ctix_error_clear(&err);
  ctix_options_init(&o);
  o.doc.format = fmt;
  o.doc.source = "unit.txt";
  assert_int_equal(ctix_document_parse(&doc, text, strlen(text), &o.doc, &err), 0);
  assert_int_equal(ctix_analyze(&a, doc, id, &o, &err), 0);
  return a;
}

/* Writes `a` with `flags` and parses it back; the caller decrefs. */
static json_t *roundtrip(const ctix_analysis *a, unsigned flags, char **raw)
{
  char *out = NULL;
  size_t len = 0;
  json_error_t jerr;
  json_t *root;
  ctix_error err;
  ctix_error_clear(&err);
  assert_int_equal(ctix_report_json(&out, &len, a, flags, &err), 0);
  assert_non_null(out);
  assert_int_equal(strlen(out), len);
  root = json_loadb(out, len, JSON_REJECT_DUPLICATES, &jerr);
  if (!root)
    fail_msg("report is not valid JSON: %s (column %d)", jerr.text, jerr.column);
  if (raw)
    *raw = out;
  else
    free(out);
  return root;
}

static size_t member_uint(json_t *obj, const char *key)
{
  json_t *v = json_object_get(obj, key);
  assert_true(json_is_integer(v));
  assert_true(json_integer_value(v) >= 0);
  return (size_t)json_integer_value(v);
}

/* Each paragraph below is one sentence, whatever the splitter's rules. */
static const char *const sentences[] = {
    "Ransomware reached the clinic through a fake invoice.",
    "The loader wrote \"C:\\ProgramData\\Kite\\kite.dll\" and ran it.",
    "Le maliciel \xC2\xABKite\xC2\xBB a chiffr\xC3\xA9 les donn\303\251es \xE2\x80\x94 3 fichiers.",
    "Operators replied with \xF0\x9F\x98\x80 in the negotiation chat.",
};

static void test_offsets_slice_sentences(void **state)
{
  char text[1024];
  size_t i, used = 0, found = 0;
  ctix_analysis *a;
  json_t *root, *doc, *jtext, *sents, *blocks;
  const char *t;
  size_t tlen;
  (void)state;
  text[0] = '\0';
  for (i = 0; i < sizeof(sentences) / sizeof(sentences[0]); i++)
    used += (size_t)snprintf(text + used, sizeof(text) - used, "%s\n\n", sentences[i]);
  a = analyse(text, CTIX_FORMAT_TEXT, NULL);
  root = roundtrip(a, 0, NULL);
  doc = json_object_get(root, "document");
  jtext = json_object_get(doc, "text");
  assert_true(json_is_string(jtext));
  t = json_string_value(jtext);
  tlen = json_string_length(jtext);
  /* The decoded text is the document's text, byte for byte. */
  assert_int_equal(tlen, a->doc->len);
  assert_memory_equal(t, a->doc->text, tlen);

  sents = json_object_get(doc, "sentences");
  assert_int_equal(json_array_size(sents), a->doc->nsentences);
  for (i = 0; i < json_array_size(sents); i++) {
    json_t *s = json_array_get(sents, i);
    size_t st = member_uint(s, "start"), en = member_uint(s, "end"), k;
    assert_true(st < en && en <= tlen);
    assert_int_equal(st, a->doc->sentences[i].span.start);
    assert_int_equal(en, a->doc->sentences[i].span.end);
    assert_int_equal(member_uint(s, "block"), a->doc->sentences[i].block);
    for (k = 0; k < sizeof(sentences) / sizeof(sentences[0]); k++)
      if (strlen(sentences[k]) == en - st && memcmp(t + st, sentences[k], en - st) == 0)
        found++;
  }
  /* Every input sentence, non-ASCII ones included, is sliced out exactly. */
  assert_int_equal(found, sizeof(sentences) / sizeof(sentences[0]));

  blocks = json_object_get(doc, "blocks");
  assert_int_equal(json_array_size(blocks), a->doc->nblocks);
  for (i = 0; i < json_array_size(blocks); i++) {
    json_t *b = json_array_get(blocks, i);
    size_t st = member_uint(b, "start"), en = member_uint(b, "end");
    assert_true(st < en && en <= tlen);
    assert_string_equal(json_string_value(json_object_get(b, "kind")), "paragraph");
    assert_true(json_is_null(json_object_get(b, "page")));
  }
  json_decref(root);
  ctix_analysis_free(a);
}

static void test_header_and_nulls(void **state)
{
  ctix_analysis *a = analyse("Plain text with no metadata at all.", CTIX_FORMAT_TEXT, "case-7");
  json_t *root = roundtrip(a, 0, NULL), *meta, *secs, *stats;
  const char *keys[] = {"title",    "author",    "published",  "canonical_url",
                        "language", "site_name", "description"};
  size_t i;
  (void)state;
  assert_string_equal(json_string_value(json_object_get(root, "schema_version")),
                      CTIX_REPORT_SCHEMA_VERSION);
  assert_string_equal(json_string_value(json_object_get(root, "ctix_version")), ctix_version());
  assert_string_equal(json_string_value(json_object_get(root, "id")), "case-7");
  assert_string_equal(json_string_value(json_object_get(root, "source")), "unit.txt");
  assert_string_equal(json_string_value(json_object_get(root, "format")), "text");
  meta = json_object_get(root, "metadata");
  assert_int_equal(json_object_size(meta), sizeof(keys) / sizeof(keys[0]));
  for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
    json_t *v = json_object_get(meta, keys[i]);
    assert_non_null(v);
    assert_true(json_is_null(v));
  }
  secs = json_object_get(json_object_get(root, "document"), "sections");
  assert_int_equal(json_array_size(secs), a->doc->nsections);
  assert_true(json_is_null(json_object_get(json_array_get(secs, 0), "heading")));
  assert_true(json_is_null(json_object_get(json_array_get(secs, 0), "parent")));
  stats = json_object_get(root, "stats");
  assert_int_equal(member_uint(stats, "words"), a->stats.words);
  assert_int_equal(member_uint(stats, "sentences"), a->doc->nsentences);
  assert_int_equal(member_uint(stats, "blocks"), a->doc->nblocks);
  assert_int_equal(member_uint(stats, "input_bytes"), strlen("Plain text with no metadata at all."));
  assert_true(json_is_array(json_object_get(root, "diagnostics")));
  json_decref(root);
  ctix_analysis_free(a);
}

/*
 * A hand-made document whose strings hold everything that needs escaping,
 * including bytes the builder would never leave (control characters in
 * metadata, invalid UTF-8): the writer must still produce valid JSON.
 */
static void test_escaping(void **state)
{
  static const char text[] = "q\"b\\s/ t\tn\nc\x01" "d\x1f" "e\x7f" "f \xC3\xA9 \xF0\x9F\x98\x80 "
                             "ls\xE2\x80\xA8ps\xE2\x80\xA9.";
  ctix_document doc;
  ctix_analysis a;
  ctix_sentence sent = {{0, sizeof(text) - 1}, 0};
  ctix_block blk;
  ctix_section sec = {{0, 0}, 0, -1, 0, 1};
  ctix_diag diag = {CTIX_EPARSE, 12, "bad \x1b[31m escape \xFF byte"};
  char *raw = NULL;
  json_t *root, *jt;
  const char *p;
  (void)state;
  memset(&doc, 0, sizeof(doc));
  memset(&a, 0, sizeof(a));
  memset(&blk, 0, sizeof(blk));
  blk.span.end = sizeof(text) - 1;
  blk.nsentences = 1;
  doc.format = CTIX_FORMAT_TEXT;
  doc.text = text;
  doc.len = sizeof(text) - 1;
  doc.meta.source = "in\"put\\.txt";
  doc.meta.title = "Title with \xFF invalid byte";
  doc.blocks = &blk;
  doc.nblocks = 1;
  doc.sections = &sec;
  doc.nsections = 1;
  doc.sentences = &sent;
  doc.nsentences = 1;
  doc.diags = &diag;
  doc.ndiags = 1;
  a.doc = &doc;
  a.id = "id\n1";

  root = roundtrip(&a, 0, &raw);
  /* No raw control character anywhere in the output. */
  for (p = raw; *p; p++)
    assert_true((unsigned char)*p >= 0x20);
  assert_non_null(strstr(raw, "q\\\"b\\\\s/ t\\tn\\nc\\u0001d\\u001fe\\u007ff \xC3\xA9 "
                              "\xF0\x9F\x98\x80 ls\\u2028ps\\u2029."));
  jt = json_object_get(json_object_get(root, "document"), "text");
  assert_int_equal(json_string_length(jt), sizeof(text) - 1);
  assert_memory_equal(json_string_value(jt), text, sizeof(text) - 1);
  assert_string_equal(json_string_value(json_object_get(root, "id")), "id\n1");
  assert_string_equal(json_string_value(json_object_get(root, "source")), "in\"put\\.txt");
  /* Invalid UTF-8 becomes U+FFFD rather than breaking the JSON. */
  assert_string_equal(json_string_value(json_object_get(json_object_get(root, "metadata"), "title")),
                      "Title with \xEF\xBF\xBD invalid byte");
  jt = json_array_get(json_object_get(root, "diagnostics"), 0);
  assert_string_equal(json_string_value(json_object_get(jt, "code")), "EPARSE");
  assert_int_equal(member_uint(jt, "offset"), 12);
  assert_string_equal(json_string_value(json_object_get(jt, "message")),
                      "bad \x1b[31m escape \xEF\xBF\xBD byte");
  free(raw);
  json_decref(root);
}

static void test_pretty_equals_compact(void **state)
{
  ctix_analysis *a = analyse("First one here.\n\nSecond \"quoted\" one.\n\nThird.", CTIX_FORMAT_TEXT,
                             NULL);
  char *raw = NULL, *line;
  json_t *compact = roundtrip(a, 0, NULL);
  json_t *pretty = roundtrip(a, CTIX_REPORT_PRETTY, &raw);
  size_t records = 0;
  (void)state;
  assert_true(json_equal(compact, pretty));
  /* Pretty output keeps each sentence record on its own line. */
  for (line = raw; (line = strstr(line, "\n      {\"start\": ")) != NULL; line++)
    records++;
  assert_int_equal(records, a->doc->nsentences);
  assert_non_null(strstr(raw, "\n  \"schema_version\": \""));
  free(raw);
  json_decref(compact);
  json_decref(pretty);
  ctix_analysis_free(a);
}

static void test_no_text(void **state)
{
  ctix_analysis *a = analyse("Only the offsets remain. The text does not.", CTIX_FORMAT_TEXT, NULL);
  json_t *full = roundtrip(a, 0, NULL), *lean = roundtrip(a, CTIX_REPORT_NO_TEXT, NULL);
  json_t *d = json_object_get(lean, "document");
  (void)state;
  assert_null(json_object_get(d, "text"));
  assert_non_null(json_object_get(json_object_get(full, "document"), "text"));
  assert_true(json_equal(json_object_get(d, "sentences"),
                         json_object_get(json_object_get(full, "document"), "sentences")));
  json_decref(full);
  json_decref(lean);
  ctix_analysis_free(a);
}

static void test_deterministic(void **state)
{
  static const char input[] = "Same input.\n\nSame bytes, every time: \xC3\xA9\xE2\x80\x94 ok.";
  ctix_analysis *a1 = analyse(input, CTIX_FORMAT_TEXT, NULL);
  ctix_analysis *a2 = analyse(input, CTIX_FORMAT_TEXT, NULL);
  char *o1 = NULL, *o2 = NULL, *o3 = NULL;
  size_t l1 = 0, l2 = 0, l3 = 0;
  (void)state;
  assert_int_equal(ctix_report_json(&o1, &l1, a1, CTIX_REPORT_PRETTY, NULL), 0);
  assert_int_equal(ctix_report_json(&o2, &l2, a2, CTIX_REPORT_PRETTY, NULL), 0);
  assert_int_equal(ctix_report_json(&o3, &l3, a1, CTIX_REPORT_PRETTY, NULL), 0);
  assert_int_equal(l1, l2);
  assert_int_equal(l1, l3);
  assert_memory_equal(o1, o2, l1);
  assert_memory_equal(o1, o3, l1);
  free(o1);
  free(o2);
  free(o3);
  ctix_analysis_free(a1);
  ctix_analysis_free(a2);
}

static void test_invalid_utf8_diagnostic(void **state)
{
  ctix_analysis *a = analyse("Broken \xFF byte in an otherwise fine sentence.", CTIX_FORMAT_TEXT,
                             NULL);
  json_t *root = roundtrip(a, 0, NULL), *diags;
  size_t i, parse_diags = 0;
  (void)state;
  assert_int_equal(member_uint(json_object_get(root, "stats"), "utf8_replaced"), 1);
  diags = json_object_get(root, "diagnostics");
  assert_int_equal(json_array_size(diags), a->doc->ndiags);
  for (i = 0; i < json_array_size(diags); i++)
    parse_diags += strcmp(json_string_value(json_object_get(json_array_get(diags, i), "code")),
                          "EPARSE") == 0;
  assert_true(parse_diags >= 1);
  assert_non_null(strstr(json_string_value(json_object_get(json_object_get(root, "document"),
                                                           "text")),
                         "\xEF\xBF\xBD"));
  json_decref(root);
  ctix_analysis_free(a);
}

static void test_error_object(void **state)
{
  ctix_error failure, err;
  char *out = NULL;
  size_t len = 0;
  json_t *root, *e;
  (void)state;
  ctix_error_clear(&failure);
  ctix_error_clear(&err);
  failure.code = CTIX_EPARSE;
  snprintf(failure.source, sizeof(failure.source), "<stdin>:3");
  snprintf(failure.message, sizeof(failure.message), "invalid JSON: '\"' expected");
  assert_int_equal(ctix_report_json_error(&out, &len, NULL, &failure, 0, &err), 0);
  assert_null(strchr(out, '\n'));
  root = json_loadb(out, len, 0, NULL);
  assert_non_null(root);
  assert_true(json_is_null(json_object_get(root, "id")));
  assert_string_equal(json_string_value(json_object_get(root, "schema_version")),
                      CTIX_REPORT_SCHEMA_VERSION);
  e = json_object_get(root, "error");
  assert_string_equal(json_string_value(json_object_get(e, "code")), "EPARSE");
  assert_string_equal(json_string_value(json_object_get(e, "message")),
                      "invalid JSON: '\"' expected");
  assert_string_equal(json_string_value(json_object_get(e, "source")), "<stdin>:3");
  assert_true(json_is_null(json_object_get(e, "offset")));
  assert_true(json_is_null(json_object_get(e, "line")));
  json_decref(root);
  free(out);

  failure.offset = 40;
  failure.line = 2;
  failure.column = 9;
  assert_int_equal(ctix_report_json_error(&out, &len, "doc-9", &failure, CTIX_REPORT_PRETTY,
                                          &err),
                   0);
  root = json_loadb(out, len, 0, NULL);
  assert_non_null(root);
  e = json_object_get(root, "error");
  assert_string_equal(json_string_value(json_object_get(root, "id")), "doc-9");
  assert_int_equal(member_uint(e, "offset"), 40);
  assert_int_equal(member_uint(e, "line"), 2);
  assert_int_equal(member_uint(e, "column"), 9);
  json_decref(root);
  free(out);
}

static void test_bad_arguments(void **state)
{
  char *out = (char *)"sentinel";
  size_t len = 5;
  ctix_error err;
  (void)state;
  ctix_error_clear(&err);
  assert_int_equal(ctix_report_json(&out, &len, NULL, 0, &err), CTIX_EINVAL);
  assert_null(out);
  assert_int_equal(len, 0);
  assert_int_equal(err.code, CTIX_EINVAL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_offsets_slice_sentences),
      cmocka_unit_test(test_header_and_nulls),
      cmocka_unit_test(test_escaping),
      cmocka_unit_test(test_pretty_equals_compact),
      cmocka_unit_test(test_no_text),
      cmocka_unit_test(test_deterministic),
      cmocka_unit_test(test_invalid_utf8_diagnostic),
      cmocka_unit_test(test_error_object),
      cmocka_unit_test(test_bad_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
