/*
 * Unit tests of the decision trace of the technique mapper
 * (ctix__ttp_map_trace, src/lib/ttp/ttp.c), on sentences written for these
 * tests with the embedded model: the mapping is the same with and without
 * a trace; the trace names the document, its usable sentences and its
 * threshold, lists the model's classes, has one line per sentence with the
 * class scores of exactly the scored sentences (the same numbers the
 * model gives the sentence), and the rule hits the decision counts
 * (literal ids unless ignored, nothing from a references section).
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
      /* Then the sentence's text, control characters as spaces. */
      {
        char head[32];
        size_t hl = (size_t)snprintf(head, sizeof(head), "text %zu ", i), j;
        const char *tx = strchr(ln, '\n') + 1;
        assert_int_equal(strncmp(tx, head, hl), 0);
        for (j = 0; j < s->span.end - s->span.start; j++) {
          char want = doc->text[s->span.start + j];
          assert_int_equal(tx[hl + j], (unsigned char)want < ' ' || want == 0x7f ? ' ' : want);
        }
        assert_int_equal(tx[hl + j], '\n');
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
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
