/*
 * Unit tests of the technique model's features and file format
 * (src/lib/ttp/features.c, model.c): placeholders for literal ids and
 * indicators, case folding, unit-norm vectors, sorted training vectors;
 * a hand-built model file that loads, scores and links parents as its
 * weights say; one clear error for each kind of damage (magic, version,
 * checksum, sizes, order, ranges) and no read out of bounds on any
 * truncation; the decision-parameter table; report keys used by
 * cross-validation; and the embedded model.
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
#include "ttp/features.h"
#include "ttp/model.h"
#include "util/buf.h"

/* ------------------------------------------------------------ features */

/* Features of `s` as a sorted copy (caller frees), count in *n. */
static ctix__ttp_feat *feats(const char *s, size_t *n)
{
  ctix__ttp_fx fx;
  ctix__ttp_feat *out;
  ctix__ttp_fx_init(&fx);
  fx.sorted = 1;
  assert_int_equal(ctix__ttp_features(&fx, s, strlen(s)), 0);
  *n = CTIX__TTP_FX_COUNT(&fx);
  out = malloc((*n + 1) * sizeof(*out));
  assert_non_null(out);
  if (*n)
    memcpy(out, fx.feats.data, *n * sizeof(*out));
  ctix__ttp_fx_free(&fx);
  return out;
}

static bool same_feats(const char *a, const char *b)
{
  size_t na, nb;
  ctix__ttp_feat *fa = feats(a, &na), *fb = feats(b, &nb);
  bool eq = na == nb && memcmp(fa, fb, na * sizeof(*fa)) == 0;
  free(fa);
  free(fb);
  return eq;
}

static void test_placeholders(void **state)
{
  (void)state;
  /* A literal id, a hash, an address, a domain: the model sees only their kind. */
  assert_true(same_feats("They used T1059.001 here", "They used T1566 here"));
  assert_true(same_feats("dropped d41d8cd98f00b204e9800998ecf8427e",
                         "dropped 0123456789abcdef0123456789abcdef"));
  assert_true(same_feats("beacon to 10.1.2.3:443 now", "beacon to 192.168.7.70 now"));
  assert_true(same_feats("contacts evil.example.com daily", "contacts update.badsite.net daily"));
  assert_true(same_feats("see https://a.example/x", "see hxxp://b[.]example/y"));
  assert_true(same_feats("CVE-2021-44228 exploited", "CVE-2023-1234 exploited"));
  /* But a file name keeps its name, and kinds stay apart. */
  assert_false(same_feats("ran cmd.exe quietly", "ran evil.com quietly"));
  assert_false(same_feats("They used T1059 here", "They used 10.0.0.1 here"));
  /* Case and surrounding punctuation do not matter. */
  assert_true(same_feats("Mimikatz dumped LSASS.", "(mimikatz dumped lsass)"));
  assert_false(same_feats("mimikatz dumped lsass", "mimikatz dumped sam"));
}

static void test_vector(void **state)
{
  size_t n, i;
  double norm = 0;
  ctix__ttp_feat *f = feats("The actor created a scheduled task with schtasks.", &n);
  (void)state;
  assert_true(n > 50);
  for (i = 0; i < n; i++) {
    assert_true(f[i].id < CTIX__TTP_NFEAT);
    if (i)
      assert_true(f[i].id > f[i - 1].id); /* sorted, unique */
    norm += (double)f[i].v * f[i].v;
  }
  /* Words and character n-grams each contribute 1/2 (a shared bucket aside). */
  assert_true(fabs(norm - 1.0) < 0.05);
  free(f);
  f = feats("", &n);
  assert_int_equal(n, 0);
  free(f);
  f = feats("  ... ,;  ", &n);
  assert_int_equal(n, 0);
  free(f);
}

static void test_explain_words(void **state)
{
  ctix__ttp_fx fx;
  size_t i, n;
  bool saw = false;
  (void)state;
  ctix__ttp_fx_init(&fx);
  fx.explain = 1;
  assert_int_equal(ctix__ttp_features(&fx, "Dumped LSASS memory", 19), 0);
  n = CTIX__BUF_COUNT(&fx.words, ctix__ttp_word);
  assert_int_equal(n, 5); /* 3 words + 2 bigrams */
  for (i = 0; i < n; i++) {
    const ctix__ttp_word *w = &CTIX__BUF_AT(&fx.words, ctix__ttp_word, i);
    if (w->len == 11 && memcmp(fx.norm.data + w->off, "lsass memory", 12) == 0)
      saw = true;
    if (w->len == 5 && memcmp(fx.norm.data + w->off, "lsass", 5) == 0)
      saw = true;
  }
  assert_true(saw);
  ctix__ttp_fx_free(&fx);
}

/* ------------------------------------------------------ a model by hand */

static void seal(ctix_buf *b)
{
  ctix__ttp_put32(b, ctix__ttp_model_checksum(b->data, b->len));
}

/* The bucket of the word feature "schtasks" (first feature of that text). */
static uint32_t word_bucket(const char *w)
{
  ctix__ttp_fx fx;
  uint32_t id;
  ctix__ttp_fx_init(&fx);
  fx.explain = 1;
  assert_int_equal(ctix__ttp_features(&fx, w, strlen(w)), 0);
  id = CTIX__BUF_AT(&fx.words, ctix__ttp_word, 0).id;
  ctix__ttp_fx_free(&fx);
  return id;
}

/* The header and default parameters of a model file with these counts. */
static void model_head(ctix_buf *b, uint32_t nclasses, uint32_t nfeat, uint32_t npost,
                       uint32_t info_len)
{
  ctix__ttp_params p;
  size_t i;
  ctix__ttp_params_default(&p);
  ctix__buf_add(b, "CTIXTTPM", 8);
  ctix__ttp_put32(b, 1);
  ctix__ttp_put32(b, nclasses);
  ctix__ttp_put32(b, nfeat);
  ctix__ttp_put32(b, npost);
  ctix__ttp_put32(b, CTIX__TTP_FEAT_BITS);
  ctix__ttp_put32(b, (uint32_t)ctix__ttp_param_count());
  ctix__ttp_put32(b, info_len);
  ctix__ttp_put32(b, 0);
  for (i = 0; i < ctix__ttp_param_count(); i++)
    ctix__ttp_putf(b, ctix__ttp_param_get(&p, i));
}

/*
 * Two classes, T1053 and T1053.005; the word "schtasks" weighs +1.0 for
 * the sub-technique and +0.5 for the parent, "cron" +1.0 for the parent.
 */
static void tiny_model(ctix_buf *b)
{
  uint32_t f1 = word_bucket("schtasks"), f2 = word_bucket("cron"), lo, hi;
  model_head(b, 2, 2, 3, 5);
  ctix__buf_add(b, "T1053\0\0\0\0\0\0\0", 12);
  ctix__ttp_putf(b, 1.0f / 32767.0f);
  ctix__ttp_putf(b, -0.5f);
  ctix__ttp_put32(b, 10);
  ctix__buf_add(b, "T1053.005\0\0\0", 12);
  ctix__ttp_putf(b, 1.0f / 32767.0f);
  ctix__ttp_putf(b, -0.5f);
  ctix__ttp_put32(b, 5);
  lo = f1 < f2 ? f1 : f2;
  hi = f1 < f2 ? f2 : f1;
  ctix__ttp_put32(b, lo);
  ctix__ttp_put32(b, hi);
  /* postings: schtasks -> (0, 0.5), (1, 1.0); cron -> (0, 1.0) */
  ctix__ttp_put32(b, 0);
  ctix__ttp_put32(b, lo == f1 ? 2 : 1);
  ctix__ttp_put32(b, 3);
  if (lo == f1) {
    ctix__ttp_put32(b, 0u | (uint32_t)(uint16_t)16384 << 16);
    ctix__ttp_put32(b, 1u | (uint32_t)(uint16_t)32767 << 16);
    ctix__ttp_put32(b, 0u | (uint32_t)(uint16_t)32767 << 16);
  } else {
    ctix__ttp_put32(b, 0u | (uint32_t)(uint16_t)32767 << 16);
    ctix__ttp_put32(b, 0u | (uint32_t)(uint16_t)16384 << 16);
    ctix__ttp_put32(b, 1u | (uint32_t)(uint16_t)32767 << 16);
  }
  ctix__buf_add(b, "tiny\n\0\0\0", 8);
  seal(b);
  assert_int_equal(b->err, 0);
}

static void test_tiny_model(void **state)
{
  ctix_buf b = CTIX_BUF_INIT(1 << 20);
  ctix_ttp_model *m = NULL;
  ctix_error err;
  ctix__ttp_fx fx;
  float out[2];
  char *text = NULL;
  (void)state;
  ctix_error_clear(&err);
  tiny_model(&b);
  assert_int_equal(ctix__ttp_model_load_mem(&m, b.data, b.len, "tiny", &err), 0);
  assert_int_equal(m->nclasses, 2);
  assert_int_equal(ctix__ttp_model_class(m, "T1053.005"), 1);
  assert_int_equal(ctix__ttp_model_class(m, "T1053"), 0);
  assert_int_equal(ctix__ttp_model_class(m, "T1059"), -1);
  assert_int_equal(m->parent[1], 0);
  assert_int_equal(m->parent[0], -1);
  assert_true(fabsf(ctix__ttp_model_weight(m, word_bucket("cron"), 0) - 1.0f) < 1e-3f);
  assert_true(fabsf(ctix__ttp_model_weight(m, word_bucket("cron"), 1)) < 1e-6f);
  ctix__ttp_fx_init(&fx);
  /* "schtasks": the only word feature, so its value is sqrt(1/2). */
  assert_int_equal(ctix__ttp_features(&fx, "schtasks", 8), 0);
  ctix__ttp_model_score(m, &CTIX__TTP_FX_AT(&fx, 0), CTIX__TTP_FX_COUNT(&fx), out);
  assert_true(out[1] > out[0]);
  {
    float v = sqrtf(0.5f);
    assert_true(fabsf(out[1] - (-0.5f + v)) < 1e-3f);
    assert_true(fabsf(out[0] - (-0.5f + 0.5f * v)) < 1e-3f);
  }
  assert_int_equal(ctix__ttp_features(&fx, "cron", 4), 0);
  ctix__ttp_model_score(m, &CTIX__TTP_FX_AT(&fx, 0), CTIX__TTP_FX_COUNT(&fx), out);
  assert_true(out[0] > out[1]);
  assert_true(fabsf(out[1] + 0.5f) < 1e-4f); /* only the bias */
  ctix__ttp_fx_free(&fx);
  assert_int_equal(ctix_ttp_model_describe(&text, m, &err), 0);
  assert_non_null(strstr(text, "classes: 2 (1 sub-techniques)"));
  assert_non_null(strstr(text, "thr0="));
  free(text);
  ctix_ttp_model_free(m);
  ctix_ttp_model_free(NULL);
  ctix__buf_free(&b);
}

/* Loads bytes that must fail with `code` and a message holding `what`. */
static void expect_bad(const char *data, size_t len, int code, const char *what)
{
  ctix_ttp_model *m = NULL;
  ctix_error err;
  int rc;
  ctix_error_clear(&err);
  rc = ctix__ttp_model_load_mem(&m, data, len, "bad.bin", &err);
  if (rc != code)
    fail_msg("expected code %d for '%s', got %d (%s)", code, what, rc, err.message);
  assert_null(m);
  if (!strstr(err.message, what))
    fail_msg("message '%s' lacks '%s'", err.message, what);
  assert_string_equal(err.source, "bad.bin");
}

/* Applies `edit` (offset, 4 bytes little endian) to a copy, re-sealed. */
static void expect_bad_edit(const ctix_buf *good, size_t off, uint32_t v, const char *what)
{
  char *c = malloc(good->len);
  ctix_buf b = CTIX_BUF_INIT(1 << 20);
  assert_non_null(c);
  memcpy(c, good->data, good->len);
  c[off] = (char)v;
  c[off + 1] = (char)(v >> 8);
  c[off + 2] = (char)(v >> 16);
  c[off + 3] = (char)(v >> 24);
  ctix__buf_add(&b, c, good->len - 4);
  seal(&b);
  expect_bad(b.data, b.len, CTIX_EPARSE, what);
  ctix__buf_free(&b);
  free(c);
}

static void test_bad_models(void **state)
{
  ctix_buf b = CTIX_BUF_INIT(1 << 20);
  size_t np, cls, feat, off, post, i;
  char *c;
  (void)state;
  tiny_model(&b);
  np = ctix__ttp_param_count();
  cls = 40 + np * 4;
  feat = cls + 2 * 24;
  off = feat + 2 * 4;
  post = off + 3 * 4;
  expect_bad("CTIXTTPX", 8, CTIX_EPARSE, "bad magic");
  c = malloc(b.len);
  assert_non_null(c);
  memcpy(c, b.data, b.len);
  c[b.len - 1] ^= 1;
  expect_bad(c, b.len, CTIX_EPARSE, "checksum");
  free(c);
  expect_bad_edit(&b, 8, 2, "version 2");
  expect_bad_edit(&b, 12, 0, "0 classes");
  expect_bad_edit(&b, 12, 5000, "5000 classes");
  expect_bad_edit(&b, 16, 3, "does not match");
  expect_bad_edit(&b, 24, 18, "2^18");
  expect_bad_edit(&b, 28, 65, "parameters");
  expect_bad_edit(&b, 40, 0x7fc00000u, "not a finite number");
  expect_bad_edit(&b, cls, 0x3030307au, "no valid technique id");
  expect_bad_edit(&b, cls + 24, 0x30303154u, "not sorted"); /* "T1003.005" after "T1053" */
  expect_bad_edit(&b, cls + 16, 0x7f800000u, "bad scale or bias");
  expect_bad_edit(&b, feat, CTIX__TTP_NFEAT, "out of order or out of range");
  expect_bad_edit(&b, feat + 4, 0, "out of order or out of range");
  expect_bad_edit(&b, off, 1, "offset 0");
  expect_bad_edit(&b, off + 4, 4, "offset 1");
  expect_bad_edit(&b, off + 8, 2, "do not add up");
  expect_bad_edit(&b, post, 7, "names class 7");
  /* "schtasks" (two postings: classes 0 and 1) naming class 0 twice */
  expect_bad_edit(&b, word_bucket("schtasks") < word_bucket("cron") ? post + 4 : post + 8,
                  0u | (uint32_t)(uint16_t)32767 << 16, "names class 0 twice (posting");
  expect_bad_edit(&b, post + 12, 0x00410041u, "NUL");
  /* Every truncation fails cleanly. */
  for (i = 0; i < b.len; i++) {
    ctix_ttp_model *m = NULL;
    ctix_error err;
    ctix_error_clear(&err);
    assert_int_equal(ctix__ttp_model_load_mem(&m, b.data, i, NULL, &err), CTIX_EPARSE);
  }
  {
    ctix_ttp_model *m = NULL;
    ctix_error err;
    ctix_error_clear(&err);
    assert_int_equal(ctix__ttp_model_load_mem(&m, b.data, CTIX__TTP_MODEL_MAX + 1, NULL, &err),
                     CTIX_ETOOBIG);
  }
  ctix__buf_free(&b);
}

/*
 * A crafted file whose feature "schtasks" names class 0 70,000 times at
 * the largest weight: summed, it would overflow the 32-bit class score,
 * so the loader refuses it.
 */
static void test_repeated_class(void **state)
{
  const uint32_t n = 70000;
  ctix_buf b = CTIX_BUF_INIT(1 << 20);
  size_t i;
  (void)state;
  model_head(&b, 1, 1, n, 0);
  ctix__buf_add(&b, "T1053\0\0\0\0\0\0\0", 12);
  ctix__ttp_putf(&b, 1.0f);
  ctix__ttp_putf(&b, 0.0f);
  ctix__ttp_put32(&b, 1);
  ctix__ttp_put32(&b, word_bucket("schtasks"));
  ctix__ttp_put32(&b, 0);
  ctix__ttp_put32(&b, n);
  for (i = 0; i < n; i++)
    ctix__ttp_put32(&b, 0u | (uint32_t)(uint16_t)32767 << 16);
  seal(&b);
  assert_int_equal(b.err, 0);
  expect_bad(b.data, b.len, CTIX_EPARSE, "feature 0 names class 0 twice (posting 1)");
  ctix__buf_free(&b);
}

static void test_params(void **state)
{
  ctix__ttp_params p;
  size_t i;
  (void)state;
  ctix__ttp_params_default(&p);
  assert_true(ctix__ttp_param_count() >= 10);
  for (i = 0; i < ctix__ttp_param_count(); i++)
    assert_non_null(ctix__ttp_param_name(i));
  assert_null(ctix__ttp_param_name(ctix__ttp_param_count()));
  assert_int_equal(ctix__ttp_param_set(&p, "thr0", 0.75f), 0);
  assert_true(p.thr0 == 0.75f);
  assert_int_equal(ctix__ttp_param_set(&p, "no_such", 1.0f), CTIX_ENOTFOUND);
}

static void test_report_keys(void **state)
{
  char k[256];
  (void)state;
  ctix__ttp_report_key(k, sizeof(k), "tram2m-091-s0005");
  assert_string_equal(k, "tram2:091");
  ctix__ttp_report_key(k, sizeof(k), "tram2d-091-a-title-slug");
  assert_string_equal(k, "tram2:091");
  ctix__ttp_report_key(k, sizeof(k), "annoctr-train-intel471_2016-06-17_who-hacked-s0012");
  assert_string_equal(k, "annoctr:train-intel471_2016-06-17_who-hacked");
  ctix__ttp_report_key(k, sizeof(k), "annoctr-dev-lab52_x-y");
  assert_string_equal(k, "annoctr:dev-lab52_x-y");
  ctix__ttp_report_key(k, sizeof(k), "ctihal-apt29-COSMIC-x0001");
  assert_string_equal(k, "ctihal:apt29-COSMIC");
  ctix__ttp_report_key(k, sizeof(k), "ctihal-apt29-COSMIC");
  assert_string_equal(k, "ctihal:apt29-COSMIC");
  ctix__ttp_report_key(k, sizeof(k), "trambs-00002");
  assert_string_equal(k, "trambs-00002");
}

static void test_embedded(void **state)
{
  const ctix_ttp_model *m = NULL;
  ctix_error err;
  size_t len = 0;
  (void)state;
  ctix_error_clear(&err);
  if (!ctix__ttp_model_embedded(&len) || !len)
    skip();
  assert_int_equal(ctix_ttp_model_default(&m, &err), 0);
  assert_true(m->nclasses > 100);
  assert_true(ctix__ttp_model_class(m, "T1059") >= 0);
  assert_true(ctix__ttp_model_class(m, "T1566.001") >= 0);
  assert_true(m->file_size == len);
}

static void test_open_file_errors(void **state)
{
  ctix_ttp_model *m = NULL;
  ctix_error err;
  (void)state;
  ctix_error_clear(&err);
  assert_int_not_equal(ctix_ttp_model_open_file(&m, "/nonexistent/model.bin", &err), 0);
  assert_null(m);
  assert_int_equal(err.code, CTIX_EIO);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_placeholders), cmocka_unit_test(test_vector),
      cmocka_unit_test(test_explain_words), cmocka_unit_test(test_tiny_model),
      cmocka_unit_test(test_bad_models),   cmocka_unit_test(test_repeated_class),
      cmocka_unit_test(test_params),
      cmocka_unit_test(test_report_keys),  cmocka_unit_test(test_embedded),
      cmocka_unit_test(test_open_file_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
