/*
 * Unit tests of the technique model's in-memory scoring form
 * (src/lib/ttp/model.c): a generated model whose features range from a
 * single posting to every class (so some become dense rows) is scored on
 * random feature vectors, and every score must equal, bit for bit, the
 * plain sum over the file's postings (the definition in model.h), with
 * and without the vector instructions; the embedded-model loader
 * (checksum skipped, postings used in place) gives the same model; a
 * sentence whose placeholders outgrow it is still featurised; and the
 * features are the same with and without the vector n-gram sweep.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/ttp.h"
#include "ttp/features.h"
#include "ttp/model.h"
#include "util/buf.h"
#include "util/cpu.h"

#define NCLS 150u  /* not a multiple of 64: the dense rows are padded */
#define NFEAT 400u

/* A small deterministic generator (the test must not depend on rand()). */
static uint32_t rng_state = 12345u;
static uint32_t rnd(void)
{
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}


/* The generated model, as the file's arrays (the test's reference). */
typedef struct gen {
  uint32_t feat[NFEAT];
  uint32_t off[NFEAT + 1];
  uint16_t *cls;
  int16_t *w;
  float scale[NCLS], bias[NCLS];
} gen;

/*
 * Writes a model file into b: features with 1 to NCLS postings (every
 * fifth one at least CTIX__TTP_DENSE_MIN), weights over the whole 16-bit
 * range.
 */
static void make_model(ctix_buf *b, gen *g)
{
  uint32_t i, j, npost = 0, cap = NFEAT * NCLS + 4;
  g->cls = malloc(cap * sizeof(uint16_t));
  g->w = malloc(cap * sizeof(int16_t));
  assert_non_null(g->cls);
  assert_non_null(g->w);
  for (i = 0; i < NFEAT; i++)
    g->feat[i] = i * 2500u + rnd() % 2000u; /* increasing, below 2^20 */
  for (i = 0; i < NFEAT; i++) {
    uint32_t n = i % 5 == 0 ? CTIX__TTP_DENSE_MIN + rnd() % (NCLS - CTIX__TTP_DENSE_MIN + 1)
                            : 1 + rnd() % (CTIX__TTP_DENSE_MIN - 1);
    uint32_t start = rnd() % NCLS;
    g->off[i] = npost;
    for (j = 0; j < n; j++) {
      uint32_t r = rnd();
      g->cls[npost] = (uint16_t)((start + j * 7u) % NCLS); /* 7 and 150 coprime: distinct */
      g->w[npost] = (int16_t)(r % 4 == 0 ? (r & 8 ? 32767 : -32768) : (int32_t)(r % 65536) - 32768);
      npost++;
    }
  }
  g->off[NFEAT] = npost;
  for (i = 0; i < NCLS; i++) {
    g->scale[i] = (float)(rnd() % 1000 + 1) / 1e6f * (i % 3 ? 1.0f : -1.0f);
    g->bias[i] = (float)(int32_t)(rnd() % 2000 - 1000) / 1000.0f;
  }
  ctix__buf_add(b, CTIX__TTP_MODEL_MAGIC, 8);
  ctix__ttp_put32(b, CTIX__TTP_MODEL_VERSION);
  ctix__ttp_put32(b, NCLS);
  ctix__ttp_put32(b, NFEAT);
  ctix__ttp_put32(b, npost);
  ctix__ttp_put32(b, CTIX__TTP_FEAT_BITS);
  ctix__ttp_put32(b, 0); /* parameters: the defaults */
  ctix__ttp_put32(b, 4);
  ctix__ttp_put32(b, 0);
  for (i = 0; i < NCLS; i++) {
    char id[12] = {0};
    snprintf(id, sizeof(id), "T%04u", 1000u + i);
    ctix__buf_add(b, id, 12);
    ctix__ttp_putf(b, g->scale[i]);
    ctix__ttp_putf(b, g->bias[i]);
    ctix__ttp_put32(b, 3);
  }
  for (i = 0; i < NFEAT; i++)
    ctix__ttp_put32(b, g->feat[i]);
  for (i = 0; i <= NFEAT; i++)
    ctix__ttp_put32(b, g->off[i]);
  for (i = 0; i < npost; i++)
    ctix__ttp_put32(b, (uint32_t)g->cls[i] | (uint32_t)(uint16_t)g->w[i] << 16);
  ctix__buf_add(b, "gen\n", 4);
  ctix__ttp_put32(b, ctix__ttp_model_checksum(b->data, b->len));
  assert_int_equal(b->err, 0);
}

/*
 * The definition: integer sums of the postings per value (the vector's
 * first two distinct values), other values as floats in feature order,
 * then scale and bias.
 */
static void reference(const gen *g, const ctix__ttp_feat *f, size_t n, float *out)
{
  int32_t a[NCLS] = {0}, b[NCLS] = {0};
  float fl[NCLS] = {0};
  float va = n ? f[0].v : 0.0f, vb = va;
  size_t i, j, c;
  for (i = 0; i < n && vb == va; i++)
    vb = f[i].v;
  for (i = 0; i < n; i++) {
    uint32_t lo = 0, hi = NFEAT;
    while (lo < hi) {
      uint32_t mid = (lo + hi) / 2;
      if (g->feat[mid] < f[i].id)
        lo = mid + 1;
      else
        hi = mid;
    }
    if (lo == NFEAT || g->feat[lo] != f[i].id)
      continue;
    for (j = g->off[lo]; j < g->off[lo + 1]; j++) {
      if (f[i].v == va)
        a[g->cls[j]] += g->w[j];
      else if (f[i].v == vb)
        b[g->cls[j]] += g->w[j];
      else
        fl[g->cls[j]] += f[i].v * (float)g->w[j];
    }
  }
  for (c = 0; c < NCLS; c++)
    out[c] = (fl[c] + va * (float)a[c] + vb * (float)b[c]) * g->scale[c] + g->bias[c];
}

/* Random vectors: model features and absent buckets, two values, sometimes a third. */
static void check_scores(const ctix_ttp_model *m, const gen *g)
{
  ctix__ttp_feat f[700];
  float got[NCLS], want[NCLS];
  size_t round, i, n;
  for (round = 0; round < 300; round++) {
    float va = 0.05f + (float)(rnd() % 100) / 1000.0f, vb = 0.2f + (float)(rnd() % 100) / 1000.0f;
    n = round == 0 ? 0 : rnd() % 700;
    for (i = 0; i < n; i++) {
      uint32_t r = rnd();
      f[i].id = r % 4 ? g->feat[rnd() % NFEAT] : rnd() % CTIX__TTP_NFEAT;
      f[i].v = r & 16 ? va : vb;
      if (round % 7 == 3 && r % 13 == 0)
        f[i].v = 0.5f; /* a merged bucket: the float path */
    }
    reference(g, f, n, want);
    ctix__ttp_model_score(m, f, n, got);
    assert_memory_equal(got, want, sizeof(got));
  }
}

static void test_dense_scores(void **state)
{
  ctix_buf b = CTIX_BUF_INIT(1 << 24);
  ctix_ttp_model *m = NULL;
  ctix_error err;
  gen g;
  uint32_t i, expect_dense = 0;
  (void)state;
  ctix_error_clear(&err);
  make_model(&b, &g);
  assert_int_equal(ctix__ttp_model_load_mem(&m, b.data, b.len, "gen", &err), 0);
  for (i = 0; i < NFEAT; i++)
    expect_dense += g.off[i + 1] - g.off[i] >= CTIX__TTP_DENSE_MIN;
  assert_true(expect_dense > 50);
  assert_int_equal(m->ndense, expect_dense);
  assert_int_equal(m->stride % 64, 0);
  assert_true(m->stride >= NCLS);
  /* the vector path is the one chosen where the CPU has it (so the first
   * check covers it there, the second the plain path everywhere) */
  assert_int_equal(m->simd, ctix__cpu_has(CTIX__CPU_AVX2 | CTIX__CPU_POPCNT));
  print_message("scoring paths compared: %s\n", m->simd ? "AVX2 and plain" : "plain only");
  check_scores(m, &g);
  /* the plain C path gives the same bits as the vector one */
  m->simd = 0;
  check_scores(m, &g);
  /* weights of a dense feature are still found */
  assert_true(ctix__ttp_model_weight(m, g.feat[0], g.cls[0]) ==
              (float)g.w[0] * g.scale[g.cls[0]]);
  ctix_ttp_model_free(m);
  free(g.cls);
  free(g.w);
  ctix__buf_free(&b);
}

static void test_embedded_loader(void **state)
{
  ctix_buf b = CTIX_BUF_INIT(1 << 24);
  ctix_ttp_model *m = NULL;
  ctix_error err;
  gen g;
  (void)state;
  ctix_error_clear(&err);
  make_model(&b, &g);
  /* the postings are used in place: same scores */
  assert_int_equal(ctix__ttp_model_load_embedded(&m, b.data, b.len, &err), 0);
  check_scores(m, &g);
  ctix_ttp_model_free(m);
  /* the checksum is not read, every structural check still is */
  b.data[b.len - 1] ^= 0x55;
  m = NULL;
  assert_int_equal(ctix__ttp_model_load_embedded(&m, b.data, b.len, &err), 0);
  ctix_ttp_model_free(m);
  m = NULL;
  assert_int_equal(ctix__ttp_model_load_mem(&m, b.data, b.len, "gen", &err), CTIX_EPARSE);
  assert_null(m);
  ctix_error_clear(&err);
  b.data[16] = 0x7f; /* nfeatures: no longer matches the size */
  assert_int_equal(ctix__ttp_model_load_embedded(&m, b.data, b.len, &err), CTIX_EPARSE);
  assert_null(m);
  assert_non_null(strstr(err.message, "size"));
  free(g.cls);
  free(g.w);
  ctix__buf_free(&b);
}

/* The embedded model loads the same way both ways and scores alike. */
static void test_embedded_same(void **state)
{
  size_t len = 0;
  const unsigned char *p = ctix__ttp_model_embedded(&len);
  ctix_ttp_model *a = NULL, *b = NULL;
  ctix_error err;
  ctix__ttp_fx fx;
  float *sa, *sb;
  (void)state;
  if (!len)
    skip();
  ctix_error_clear(&err);
  assert_int_equal(ctix__ttp_model_load_mem(&a, p, len, "embedded", &err), 0);
  assert_int_equal(ctix__ttp_model_load_embedded(&b, p, len, &err), 0);
  assert_int_equal(a->ndense, b->ndense);
  sa = malloc(a->nclasses * sizeof(float));
  sb = malloc(a->nclasses * sizeof(float));
  assert_non_null(sa);
  assert_non_null(sb);
  ctix__ttp_fx_init(&fx);
  {
    static const char s[] = "The actor used schtasks /create to run the payload hourly and dumped "
                            "LSASS memory with procdump.exe before exfiltrating it over HTTPS.";
    assert_int_equal(ctix__ttp_features(&fx, s, sizeof(s) - 1), 0);
  }
  ctix__ttp_model_score(a, &CTIX__TTP_FX_AT(&fx, 0), CTIX__TTP_FX_COUNT(&fx), sa);
  ctix__ttp_model_score(b, &CTIX__TTP_FX_AT(&fx, 0), CTIX__TTP_FX_COUNT(&fx), sb);
  assert_memory_equal(sa, sb, a->nclasses * sizeof(float));
  b->simd = 0;
  ctix__ttp_model_score(b, &CTIX__TTP_FX_AT(&fx, 0), CTIX__TTP_FX_COUNT(&fx), sb);
  assert_memory_equal(sa, sb, a->nclasses * sizeof(float));
  ctix__ttp_fx_free(&fx);
  free(sa);
  free(sb);
  ctix_ttp_model_free(a);
  ctix_ttp_model_free(b);
}

/* One-byte numbers become "#num ": five bytes of normalised text per input byte. */
static void test_features_expansion(void **state)
{
  char *s = malloc(CTIX__TTP_MAX_SENTENCE);
  ctix__ttp_fx fx;
  size_t i;
  (void)state;
  assert_non_null(s);
  for (i = 0; i < CTIX__TTP_MAX_SENTENCE; i++)
    s[i] = i % 2 ? ' ' : '7';
  ctix__ttp_fx_init(&fx);
  assert_int_equal(ctix__ttp_features(&fx, s, CTIX__TTP_MAX_SENTENCE), 0);
  assert_int_equal(fx.norm.len, CTIX__TTP_MAX_SENTENCE / 2 * 5);
  /* "#num" and "#num #num": two features, nothing else */
  assert_int_equal(CTIX__TTP_FX_COUNT(&fx), 2);
  /* the extractor is still usable */
  assert_int_equal(ctix__ttp_features(&fx, "cmd.exe ran", 11), 0);
  assert_true(CTIX__TTP_FX_COUNT(&fx) > 10);
  ctix__ttp_fx_free(&fx);
  free(s);
}

/* Features of text[0..len) with the vector path on or off, into the three buffers. */
static void features_with(ctix__ttp_fx *fx, bool simd, const char *text, size_t len, ctix_buf *feats,
                          ctix_buf *words, ctix_buf *norm)
{
  fx->simd = simd;
  fx->explain = 1;
  assert_int_equal(ctix__ttp_features(fx, text, len), 0);
  ctix__buf_reset(feats);
  ctix__buf_reset(words);
  ctix__buf_reset(norm);
  ctix__buf_add(feats, fx->feats.data, fx->feats.len);
  ctix__buf_add(words, fx->words.data, fx->words.len);
  ctix__buf_add(norm, fx->norm.data, fx->norm.len);
}

/*
 * The AVX2 character n-gram sweep gives the plain path's features, in the
 * same order, on random text (letters of both cases, digits, the
 * punctuation the tokeniser strips, placeholder material, bytes of 0x80
 * and above, tokens longer than the 32 bytes whose n-grams are taken) and
 * on a text at the size limit.
 */
static void test_features_paths(void **state)
{
  static const char alphabet[] =
      "abcdefghijklmnopqrstuvwxyzABCXYZ0123456789     .,;:()[]\"'#@/-_*`\xc3\xa9\xff\t\n";
  ctix__ttp_fx fx;
  ctix_buf f0 = CTIX_BUF_INIT(1u << 24), f1 = CTIX_BUF_INIT(1u << 24), w0 = CTIX_BUF_INIT(1u << 24),
           w1 = CTIX_BUF_INIT(1u << 24), n0 = CTIX_BUF_INIT(1u << 24), n1 = CTIX_BUF_INIT(1u << 24);
  char *text = malloc(CTIX__TTP_MAX_SENTENCE + 64);
  size_t t, i, len;
  (void)state;
  assert_non_null(text);
  if (!ctix__cpu_has(CTIX__CPU_AVX2)) {
    free(text);
    skip();
  }
  ctix__ttp_fx_init(&fx);
  assert_true(fx.simd);
  for (t = 0; t < 3000; t++) {
    len = t == 0 ? CTIX__TTP_MAX_SENTENCE + 64 : rnd() % 300;
    for (i = 0; i < len; i++) {
      uint32_t r = rnd();
      /* runs of one letter make long tokens now and then */
      text[i] = r % 11 == 0 && i ? text[i - 1] : alphabet[r % (sizeof(alphabet) - 1)];
    }
    features_with(&fx, false, text, len, &f0, &w0, &n0);
    features_with(&fx, true, text, len, &f1, &w1, &n1);
    assert_int_equal(f0.len, f1.len);
    assert_memory_equal(f0.data, f1.data, f0.len);
    assert_int_equal(w0.len, w1.len);
    assert_memory_equal(w0.data, w1.data, w0.len);
    assert_int_equal(n0.len, n1.len);
    assert_memory_equal(n0.data, n1.data, n0.len);
  }
  ctix__buf_free(&f0);
  ctix__buf_free(&f1);
  ctix__buf_free(&w0);
  ctix__buf_free(&w1);
  ctix__buf_free(&n0);
  ctix__buf_free(&n1);
  ctix__ttp_fx_free(&fx);
  free(text);
}

/*
 * Tokens of letters only take a shorter placeholder test: they can still
 * be a hash (hex letters at a hash's length) or a "hxxp" URL; other
 * letter tokens, even at a hash's length, stay words.
 */
static void test_features_letter_tokens(void **state)
{
  static const char text[] = "Sent HXXPevil then abcdefabcdefabcdefabcdefabcdefab and "
                             "abcdefabcdefabcdefabcdefabcdefag.";
  static const char want[] = "sent #url then #hash and abcdefabcdefabcdefabcdefabcdefag ";
  ctix__ttp_fx fx;
  int simd;
  (void)state;
  ctix__ttp_fx_init(&fx);
  for (simd = 0; simd < 2; simd++) {
    fx.simd = simd && ctix__cpu_has(CTIX__CPU_AVX2);
    assert_int_equal(ctix__ttp_features(&fx, text, sizeof(text) - 1), 0);
    assert_int_equal(fx.norm.len, sizeof(want) - 1);
    assert_memory_equal(fx.norm.data, want, sizeof(want) - 1);
  }
  ctix__ttp_fx_free(&fx);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dense_scores),
      cmocka_unit_test(test_embedded_loader),
      cmocka_unit_test(test_embedded_same),
      cmocka_unit_test(test_features_expansion),
      cmocka_unit_test(test_features_paths),
      cmocka_unit_test(test_features_letter_tokens),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
