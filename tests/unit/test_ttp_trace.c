/*
 * Unit tests of the decision trace of the technique mapper
 * (ctix__ttp_map_trace, src/lib/ttp/ttp.c), on sentences written for these
 * tests with the embedded model: the mapping is the same with and without
 * a trace; the trace names the document, its usable sentences and its
 * threshold, lists the model's classes, has one line per sentence with the
 * class scores of exactly the scored sentences (the same numbers the
 * model gives the sentence), and the rule hits the decision counts
 * (literal ids unless ignored, nothing from a references section). Text
 * in the trace (the source, each scored sentence's text, ids) reads back
 * as the body of a JSON string and holds no white space a reader splits at
 * beyond what the writer put (ctix__ttp_trace_escape).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/ttp.h"
#include "ttp_test.h"
#include "ttp/features.h"
#include "ttp/model.h"
#include "ttp/signals.h"
#include "util/buf.h"

#include <jansson.h>

static const char text[] =
    "# Incident\n\n"
    "The operators used T1486 to encrypt the file servers.\n\n"
    "They created a scheduled task with schtasks /create /tn Updater to run the "
    "backdoor every minute.\n\n"
    "## References\n\n"
    "- T1003 in the ATT&CK knowledge base, a primer.\n";

/* The embedded model (skips without one). */
static const ctix_ttp_model *model(void)
{
  const ctix_ttp_model *m = NULL;
  ctix_error err;
  size_t len = 0;
  if (!ctix__ttp_model_embedded(&len) || !len)
    skip();
  ctix_error_clear(&err);
  assert_int_equal(ctix_ttp_model_default(&m, &err), 0);
  return m;
}

static ctix_document *parse(void)
{
  ctix_document *doc = NULL;
  ctix_doc_options dopt;
  ctix_error err;
  ctix_error_clear(&err);
  ctix_doc_options_init(&dopt);
  dopt.format = CTIX_FORMAT_MARKDOWN;
  dopt.source = "trace-test";
  assert_int_equal(ctix_document_parse(&doc, text, strlen(text), &dopt, &err), 0);
  return doc;
}

/* Maps the test text with a trace into *tb (NUL-terminated). */
static ctix_ttp_list *traced(ctix_buf *tb, const ctix_document *doc, const ctix_ttp_options *o)
{
  ctix_ttp_list *l = NULL;
  ctix_error err;
  ctix_error_clear(&err);
  if (ctix__ttp_map_trace(&l, tb, doc, o, &err))
    fail_msg("map: %s", err.message);
  assert_int_equal(ctix__buf_addc(tb, 0), 0);
  return l;
}

/* The line of the trace starting with `prefix` (the n-th such), or NULL. */
static const char *line_of(const char *t, const char *prefix, size_t n)
{
  size_t len = strlen(prefix);
  while (t && *t) {
    if (strncmp(t, prefix, len) == 0 && n-- == 0)
      return t;
    t = strchr(t, '\n');
    if (t)
      t++;
  }
  return NULL;
}

/* Whether a "hit" line names technique `id` as a literal id. */
static bool id_hit(const char *t, const char *id)
{
  char pat[32];
  const char *p;
  snprintf(pat, sizeof(pat), " %s %u ", id, (unsigned)CTIX_TTP_SIG_ID);
  for (p = strstr(t, pat); p; p = strstr(p + 1, pat)) {
    const char *b = p;
    while (b > t && b[-1] != '\n')
      b--;
    if (strncmp(b, "hit ", 4) == 0)
      return true;
  }
  return false;
}

/*
 * True if the line at `l`, from `skip` bytes on, is the body of a JSON
 * string that decodes to s[0..n).
 */
static bool json_body_is(const char *l, size_t skip, const char *s, size_t n)
{
  const char *e = strchr(l, '\n');
  size_t len = e ? (size_t)(e - l) : strlen(l);
  char *q = malloc(len - skip + 3);
  json_t *j;
  bool same;
  assert_non_null(q);
  q[0] = '"';
  memcpy(q + 1, l + skip, len - skip);
  memcpy(q + 1 + len - skip, "\"", 2);
  j = json_loads(q, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
  same = j && json_is_string(j) && json_string_length(j) == n &&
         memcmp(json_string_value(j), s, n) == 0;
  json_decref(j);
  free(q);
  return same;
}

/* Fields on the line at `l` (words separated by one space). */
static size_t fields(const char *l)
{
  size_t n = 1;
  for (; *l && *l != '\n'; l++)
    n += *l == ' ';
  return n;
}

static void test_same_result(void **state)
{
  ctix_document *doc;
  ctix_ttp_list *a = NULL, *b;
  ctix_buf tb = CTIX_BUF_INIT((size_t)1 << 26);
  ctix_error err;
  (void)state;
  model();
  doc = parse();
  ctix_error_clear(&err);
  assert_int_equal(ctix_ttp_map_document(&a, doc, NULL, &err), 0);
  b = traced(&tb, doc, NULL);
  assert_true(tb.len > 1);
  assert_true(a->count >= 2);
  assert_same_hits(a, b);
  ctix_ttp_list_free(a);
  ctix_ttp_list_free(b);
  ctix__buf_free(&tb);
  ctix_document_free(doc);
}

static void test_content(void **state)
{
  const ctix_ttp_model *m;
  ctix_document *doc;
  ctix_ttp_list *l;
  ctix_buf tb = CTIX_BUF_INIT((size_t)1 << 26);
  const char *t, *ln;
  size_t i, scored = 0, usable, nsent;
  double thr;
  char src[64];
  (void)state;
  m = model();
  doc = parse();
  l = traced(&tb, doc, NULL);
  t = (const char *)tb.data;
  ln = line_of(t, "doc ", 0);
  assert_non_null(ln);
  assert_int_equal(sscanf(ln, "doc %63s %zu %zu %lf", src, &nsent, &usable, &thr), 4);
  assert_string_equal(src, "trace-test");
  assert_int_equal(nsent, doc->nsentences);
  assert_true(usable >= 2 && usable < nsent); /* the references are not usable */
  assert_true(fabs(thr - (m->params.thr0 + m->params.thr1 * log((double)usable))) < 1e-3);
  ln = line_of(t, "classes ", 0);
  assert_non_null(ln);
  assert_int_equal(fields(ln), (size_t)m->nclasses + 1);
  assert_int_equal(strncmp(ln + 8, m->ids[0], strlen(m->ids[0])), 0);
  assert_null(line_of(t, "sent ", nsent));
  for (i = 0; i < nsent; i++) {
    unsigned ctx, block;
    size_t k;
    ln = line_of(t, "sent ", i);
    assert_non_null(ln);
    assert_int_equal(sscanf(ln, "sent %zu %u %u", &k, &ctx, &block), 3);
    assert_int_equal(k, i);
    assert_int_equal(ctx, ctix__ttp_sentence_context(doc, i));
    if (fields(ln) == 4)
      continue;
    /* A scored sentence: the model's raw scores, one per class. */
    assert_int_equal(fields(ln), (size_t)m->nclasses + 4);
    assert_false(ctx & (CTIX__TTP_CTX_REFERENCE | CTIX__TTP_CTX_MITIGATION));
    scored++;
    {
      const ctix_sentence *s = &doc->sentences[i];
      ctix__ttp_fx fx;
      float *z = calloc(m->nclasses, sizeof(float));
      const char *p = ln;
      uint32_t c;
      assert_non_null(z);
      ctix__ttp_fx_init(&fx);
      assert_int_equal(ctix__ttp_features(&fx, doc->text + s->span.start,
                                          s->span.end - s->span.start), 0);
      ctix__ttp_model_score(m, &CTIX__TTP_FX_AT(&fx, 0), CTIX__TTP_FX_COUNT(&fx), z);
      for (c = 0; c < 3; c++)
        p = strchr(p, ' ') + 1;
      for (c = 0; c < m->nclasses; c++) {
        p = strchr(p, ' ') + 1;
        assert_true(fabs(strtod(p, NULL) - z[c]) < 6e-4);
      }
      /* Then the sentence's text, as the body of a JSON string. */
      {
        char head[32];
        size_t hl = (size_t)snprintf(head, sizeof(head), "text %zu ", i);
        const char *tx = strchr(ln, '\n') + 1;
        assert_int_equal(strncmp(tx, head, hl), 0);
        assert_true(json_body_is(tx, hl, doc->text + s->span.start,
                                 s->span.end - s->span.start));
      }
      free(z);
      ctix__ttp_fx_free(&fx);
    }
  }
  assert_int_equal(scored, usable);
  /* The literal id of the incident counts, the one of the references does not. */
  assert_true(id_hit(t, "T1486"));
  assert_false(id_hit(t, "T1003"));
  ctix_ttp_list_free(l);
  ctix__buf_free(&tb);
  ctix_document_free(doc);
}

/*
 * Text with white space and line breaks beyond ASCII, control characters,
 * `\` and `"` (in the source and in a scored sentence) is escaped: no raw
 * U+0085 / U+2028 / U+2029 / U+00A0 or control byte anywhere in the trace
 * (the document turns U+00A0 into a space), the source is one token, and
 * both read back as JSON string bodies.
 */
static void test_escaped_text(void **state)
{
  static const char odd[] =
      "They created a scheduled task with schtasks /create /tn \"Up\\dater\" "
      "\xe2\x80\xa8to run\xc2\x85the backdoor\xc2\xa0" "every\x01minute.\n";
  static const char src[] = "dir a\xe2\x80\xa9" "b\\c\td";
  ctix_document *doc = NULL;
  ctix_doc_options dopt;
  ctix_ttp_list *l;
  ctix_buf tb = CTIX_BUF_INIT((size_t)1 << 26);
  ctix_error err;
  const char *t, *ln, *sp;
  size_t i, k, texts = 0;
  (void)state;
  (void)model();
  ctix_error_clear(&err);
  ctix_doc_options_init(&dopt);
  dopt.format = CTIX_FORMAT_TEXT;
  dopt.source = src;
  assert_int_equal(ctix_document_parse(&doc, odd, strlen(odd), &dopt, &err), 0);
  l = traced(&tb, doc, NULL);
  t = (const char *)tb.data;
  for (k = 0; k + 1 < tb.len; k++) {
    const unsigned char *u = (const unsigned char *)t + k;
    assert_false(u[0] < ' ' && u[0] != '\n');
    assert_false(u[0] == 0x7f);
    assert_false(u[0] == 0xc2 && (u[1] == 0x85 || u[1] == 0xa0));
    assert_false(u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0xa8 || u[2] == 0xa9));
  }
  ln = line_of(t, "doc ", 0);
  assert_non_null(ln);
  assert_int_equal(fields(ln), 5);
  sp = strchr(ln + 4, ' ');
  {
    char *line = strndup(ln, (size_t)(sp - ln));
    assert_non_null(line);
    assert_true(json_body_is(line, 4, src, strlen(src)));
    free(line);
  }
  for (i = 0; i < doc->nsentences; i++) {
    const ctix_sentence *s = &doc->sentences[i];
    char head[32];
    size_t hl = (size_t)snprintf(head, sizeof(head), "text %zu ", i);
    for (k = 0; (ln = line_of(t, head, k)) != NULL; k++) {
      assert_true(json_body_is(ln, hl, doc->text + s->span.start, s->span.end - s->span.start));
      texts++;
    }
  }
  assert_true(texts >= 1);
  /* the text holds what the test is about */
  assert_non_null(strstr(t, "\\u2028to run\\u0085the backdoor every\\u0001minute"));
  assert_non_null(strstr(t, "\\\"Up\\\\dater\\\""));
  ctix_ttp_list_free(l);
  ctix__buf_free(&tb);
  ctix_document_free(doc);
}

/* A document without a source is `doc -`, one named "-" is `doc \u002d`. */
static void test_empty_source(void **state)
{
  static const char *const srcs[] = {NULL, "", "-"};
  static const char *const want[] = {"doc - ", "doc - ", "doc \\u002d "};
  static const char body[] = "They created a scheduled task with schtasks /create.\n";
  size_t i;
  (void)state;
  (void)model();
  for (i = 0; i < 3; i++) {
    ctix_document *doc = NULL;
    ctix_doc_options dopt;
    ctix_ttp_list *l;
    ctix_buf tb = CTIX_BUF_INIT((size_t)1 << 26);
    ctix_error err;
    ctix_error_clear(&err);
    ctix_doc_options_init(&dopt);
    dopt.format = CTIX_FORMAT_TEXT;
    dopt.source = srcs[i];
    assert_int_equal(ctix_document_parse(&doc, body, strlen(body), &dopt, &err), 0);
    l = traced(&tb, doc, NULL);
    assert_non_null(line_of((const char *)tb.data, want[i], 0));
    ctix_ttp_list_free(l);
    ctix__buf_free(&tb);
    ctix_document_free(doc);
  }
}

/* Tokens: one word each, `-` for an empty one; the rest as ctix__json_escape. */
static void test_escape_token(void **state)
{
  static const struct {
    const char *in;
    bool token;
    const char *out;
  } cases[] = {
      {"", true, "-"},
      {"-", true, "\\u002d"},
      {"--", true, "--"},
      {"", false, ""},
      {"a b", true, "a\\u0020b"},
      {"a b", false, "a b"},
      {"T1059.001", true, "T1059.001"},
      {"q\"\\\n\t\x7f", true, "q\\\"\\\\\\n\\t\\u007f"},
      {"x\xc2\x85y\xe2\x80\xa8z\xe3\x80\x80w\xc2\xa0", false, "x\\u0085y\\u2028z\\u3000w\\u00a0"},
      {"\xff\xe2\x80", true, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
      {"caf\xc3\xa9", true, "caf\xc3\xa9"},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    ctix_buf b = CTIX_BUF_INIT(1024);
    ctix__ttp_trace_escape(&b, cases[i].in, strlen(cases[i].in), cases[i].token);
    assert_int_equal(ctix__buf_addc(&b, 0), 0);
    assert_string_equal(b.data, cases[i].out);
    ctix__buf_free(&b);
  }
}

static void test_ignored_ids(void **state)
{
  ctix_document *doc;
  ctix_ttp_list *l;
  ctix_ttp_options o;
  ctix_buf tb = CTIX_BUF_INIT((size_t)1 << 26);
  (void)state;
  model();
  doc = parse();
  ctix_ttp_options_init(&o);
  o.ignore_explicit_ids = true;
  l = traced(&tb, doc, &o);
  assert_false(id_hit((const char *)tb.data, "T1486"));
  ctix_ttp_list_free(l);
  ctix__buf_free(&tb);
  ctix_document_free(doc);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_result),
      cmocka_unit_test(test_content),
      cmocka_unit_test(test_ignored_ids),
      cmocka_unit_test(test_escaped_text),
      cmocka_unit_test(test_escape_token),
      cmocka_unit_test(test_empty_source),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
