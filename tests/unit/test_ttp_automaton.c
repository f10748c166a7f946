/*
 * Unit tests of the prebuilt rule set (src/lib/ttp/patset_io.c,
 * automaton_data.c, tools/ttp/automaton_gen.c): the blob the build
 * embedded is byte for byte what compiling the default rule set here
 * writes (fresh and deterministic), the set read from it reports the same
 * matches as the compiled one on the example reports and on synthetic
 * texts, the process-wide rule set takes it, and damaged blobs (short,
 * wrong magic, version, byte order, inputs, counts, links, indices, random
 * byte flips) are errors or still scan without leaving the text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctix/kb.h"
#include "kb/build.h"
#include "ttp/cues_internal.h"
#include "util/buf.h"

/* ------------------------------------------------------------ helpers */

/* Every match of a scan, as one text line each. */
static int record(void *ud, const ctix__ttp_pmatch *m, const char *text, size_t len)
{
  ctix_buf *b = ud;
  (void)text;
  if (m->start > m->end || m->end > len)
    return -1;
  return ctix__buf_addf(b, "%u %u %u %u %u %.4f %s\n", m->start, m->end, m->first_end,
                        m->last_start, m->value, (double)m->weight, m->cue ? m->cue : "-");
}

/* The matches of `ps` in text[0..len), one line each (the caller frees). */
static ctix_buf matches(const ctix__ttp_patset *ps, const char *text, size_t len)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)1 << 28);
  assert_int_equal(ctix__ttp_patset_scan(ps, text, len, record, &b), 0);
  return b;
}

/* The default rule set compiled here, against the default knowledge base. */
static ctix__ttp_patset *compiled(const ctix_kb **kb)
{
  ctix__ttp_patset *ps = NULL;
  ctix_error err;
  ctix_error_clear(&err);
  assert_int_equal(ctix_kb_default(kb, &err), 0);
  assert_int_equal(ctix__ttp_rules_build(&ps, *kb, &err), 0);
  return ps;
}

/* The embedded blob; skips the test when the build made none. */
static const unsigned char *embedded(size_t *len)
{
  const unsigned char *blob = ctix__ttp_data_automaton(len);
  if (*len == 0)
    skip();
  return blob;
}

/* ------------------------------------------------------------ tests */

/* The embedded blob is what this code compiles and writes now, twice alike. */
static void test_embedded_is_fresh_and_deterministic(void **state)
{
  const ctix_kb *kb;
  ctix__ttp_patset *a, *b;
  ctix__ttp_rules_ident id;
  ctix_buf sa = CTIX_BUF_INIT((size_t)1 << 28), sb = CTIX_BUF_INIT((size_t)1 << 28);
  ctix_error err;
  size_t len;
  const unsigned char *blob = embedded(&len);
  (void)state;
  ctix_error_clear(&err);
  a = compiled(&kb);
  b = compiled(&kb);
  ctix__ttp_rules_ident_of(&id, kb);
  assert_int_equal(ctix__ttp_patset_save(&sa, a, &id, &err), 0);
  assert_int_equal(ctix__ttp_patset_save(&sb, b, &id, &err), 0);
  assert_int_equal(sa.len, sb.len);
  assert_memory_equal(sa.data, sb.data, sa.len);
  assert_int_equal(sa.len, len);
  assert_memory_equal(sa.data, blob, len);
  ctix__buf_free(&sa);
  ctix__buf_free(&sb);
  ctix__ttp_patset_free(a);
  ctix__ttp_patset_free(b);
}

/* The set read from the blob matches exactly like the compiled one. */
static void test_loaded_matches_like_compiled(void **state)
{
  static const char *const files[] = {"examples/technical-writeup.md", "examples/news-breach.md",
                                      "examples/news-breach.html"};
  static const char *const texts[] = {
      "The actor used T1059.001 and PowerShell to run encoded commands; then it dumped LSASS "
      "memory with procdump and exfiltrated data over HTTPS to a cloud storage service.",
      "Scheduled Task/Job: scheduled task created by schtasks, rundll32 started kite.dll.",
      "spear  phishing\tattachment ... with a macro, credential   dumping, t1 T1 t1003",
      "",
      "x"};
  const ctix_kb *kb;
  ctix__ttp_patset *c, *l = NULL;
  ctix__ttp_rules_ident id;
  ctix_error err;
  size_t len, i, total = 0;
  const unsigned char *blob = embedded(&len);
  (void)state;
  ctix_error_clear(&err);
  c = compiled(&kb);
  ctix__ttp_rules_ident_of(&id, kb);
  assert_int_equal(ctix__ttp_patset_load(&l, blob, len, &id, &err), 0);
  {
    size_t np1, ns1, nb1, np2, ns2, nb2;
    ctix__ttp_patset_stats(c, &np1, &ns1, &nb1);
    ctix__ttp_patset_stats(l, &np2, &ns2, &nb2);
    assert_int_equal(np1, np2);
    assert_int_equal(ns1, ns2);
    assert_int_equal(nb1, nb2);
  }
  for (i = 0; i < sizeof(files) / sizeof(files[0]) + sizeof(texts) / sizeof(texts[0]); i++) {
    char path[4096];
    size_t n = 0;
    char *owned = NULL;
    const char *t;
    ctix_buf mc, ml;
    if (i < sizeof(files) / sizeof(files[0])) {
      snprintf(path, sizeof(path), "%s/../../%s", CTIX_TEST_DATA, files[i]);
      if (ctix__kbb_read(&owned, &n, path, (size_t)1 << 26, &err) != 0)
        fail_msg("cannot read %s: %s", path, err.message);
      t = owned;
    } else {
      t = texts[i - sizeof(files) / sizeof(files[0])];
      n = strlen(t);
    }
    mc = matches(c, t, n);
    ml = matches(l, t, n);
    assert_int_equal(mc.len, ml.len);
    if (mc.len)
      assert_memory_equal(mc.data, ml.data, mc.len);
    total += mc.len;
    ctix__buf_free(&mc);
    ctix__buf_free(&ml);
    free(owned);
  }
  assert_true(total > 1000); /* the example reports do hit cues */
  ctix__ttp_patset_free(l);
  ctix__ttp_patset_free(c);
}

/* The process-wide rule set is the prebuilt one, and it matches like a fresh build. */
static void test_default_rules_take_the_blob(void **state)
{
  const ctix__ttp_patset *d;
  const ctix_kb *kb, *rkb;
  ctix__ttp_patset *c;
  ctix_error err;
  size_t len;
  const char *t = "They used rundll32 and scheduled tasks, then encrypted files (T1486).";
  ctix_buf md, mc;
  (void)embedded(&len);
  (void)state;
  if (getenv("CTIX_KB")) {
    /* another knowledge base: the rules are compiled, not taken from the blob */
    skip();
  }
  ctix_error_clear(&err);
  assert_int_equal(ctix__ttp_rules_default(&d, &rkb, &err), 0);
  assert_true(ctix__ttp_patset_prebuilt(d));
  c = compiled(&kb);
  assert_false(ctix__ttp_patset_prebuilt(c));
  assert_ptr_equal(kb, rkb);
  md = matches(d, t, strlen(t));
  mc = matches(c, t, strlen(t));
  assert_true(mc.len > 0);
  assert_int_equal(md.len, mc.len);
  assert_memory_equal(md.data, mc.data, mc.len);
  ctix__buf_free(&md);
  ctix__buf_free(&mc);
  ctix__ttp_patset_free(c);
}

/* A copy of the blob in 8-aligned memory, to damage. */
static unsigned char *copy_of(const unsigned char *blob, size_t len)
{
  unsigned char *p = aligned_alloc(16, (len + 15) & ~(size_t)15);
  assert_non_null(p);
  memcpy(p, blob, len);
  return p;
}

/* Loads b[0..len) without an identity; returns the error code. */
static int try_load(const unsigned char *b, size_t len, const ctix__ttp_rules_ident *want)
{
  ctix__ttp_patset *ps = NULL;
  ctix_error err;
  int rc;
  ctix_error_clear(&err);
  rc = ctix__ttp_patset_load(&ps, b, len, want, &err);
  if (rc == 0) {
    const char *t = "powershell -enc scheduled task T1059 credential dumping lsass";
    ctix_buf m = matches(ps, t, strlen(t));
    ctix__buf_free(&m);
    ctix__ttp_patset_free(ps);
  } else {
    assert_int_equal(err.code, rc);
    assert_null(ps);
  }
  return rc;
}

static uint32_t rd32(const unsigned char *p)
{
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

static void wr32(unsigned char *p, uint32_t v)
{
  memcpy(p, &v, 4);
}

/* Header fields and links out of place are errors with a reason. */
static void test_damaged_blobs_are_errors(void **state)
{
  size_t len;
  const unsigned char *blob = embedded(&len);
  unsigned char *b = copy_of(blob, len);
  ctix__ttp_rules_ident id, other;
  const ctix_kb *kb;
  ctix_error err;
  uint32_t nc, ns, nd;
  size_t fail_off;
  (void)state;
  ctix_error_clear(&err);
  assert_int_equal(ctix_kb_default(&kb, &err), 0);
  ctix__ttp_rules_ident_of(&id, kb);
  assert_int_equal(try_load(b, len, &id), 0);
  /* other inputs: not this set */
  other = id;
  other.cues ^= 1;
  assert_int_equal(try_load(b, len, &other), CTIX_ENOTFOUND);
  other = id;
  other.kb ^= 1;
  assert_int_equal(try_load(b, len, &other), CTIX_ENOTFOUND);
  /* short, misaligned */
  assert_int_equal(try_load(b, 100, NULL), CTIX_EPARSE);
  assert_int_equal(try_load(b, len - 8, NULL), CTIX_EPARSE);
  assert_int_equal(try_load(b, 0, NULL), CTIX_EPARSE);
  {
    unsigned char *m = malloc(len + 1);
    assert_non_null(m);
    memcpy(m + ((uintptr_t)m & 7 ? 0 : 1), blob, len);
    assert_int_equal(try_load(m + ((uintptr_t)m & 7 ? 0 : 1), len, NULL), CTIX_EINVAL);
    free(m);
  }
  /* magic, version, byte order */
  b[0] ^= 1;
  assert_int_equal(try_load(b, len, NULL), CTIX_EPARSE);
  b[0] ^= 1;
  wr32(b + 8, 2);
  assert_int_equal(try_load(b, len, NULL), CTIX_EUNSUPPORTED);
  wr32(b + 8, 1);
  wr32(b + 12, 0x04030201u);
  assert_int_equal(try_load(b, len, NULL), CTIX_EUNSUPPORTED);
  wr32(b + 12, 0x01020304u);
  /* counts: classes, states */
  nc = rd32(b + 40);
  ns = rd32(b + 48);
  nd = rd32(b + 52);
  wr32(b + 40, 0);
  assert_int_equal(try_load(b, len, NULL), CTIX_EPARSE);
  wr32(b + 40, nc + 1);
  assert_int_equal(try_load(b, len, NULL), CTIX_EPARSE);
  wr32(b + 40, nc);
  wr32(b + 52, ns + 1);
  assert_int_equal(try_load(b, len, NULL), CTIX_EPARSE);
  wr32(b + 52, nd);
  assert_int_equal(try_load(b, len, NULL), 0);
  /* a failure link to itself (an endless chain) */
  fail_off = 592 + (((size_t)nd * nc * 4 + 7) & ~(size_t)7);
  wr32(b + fail_off + 4 * (ns - 1), ns - 1);
  assert_int_equal(try_load(b, len, NULL), CTIX_EPARSE);
  memcpy(b + fail_off + 4 * (ns - 1), blob + fail_off + 4 * (ns - 1), 4);
  /* a transition past the last state */
  wr32(b + 592 + 4 * 7, ns);
  assert_int_equal(try_load(b, len, NULL), CTIX_EPARSE);
  memcpy(b + 592 + 4 * 7, blob + 592 + 4 * 7, 4);
  assert_int_equal(try_load(b, len, NULL), 0);
  free(b);
}

/* Random byte flips anywhere: an error, or a set whose scan stays in the text. */
static void test_flipped_blobs_never_misbehave(void **state)
{
  size_t len, i;
  const unsigned char *blob = embedded(&len);
  unsigned char *b = copy_of(blob, len);
  uint64_t x = 0x9e3779b97f4a7c15ull;
  size_t ok = 0, bad = 0;
  (void)state;
  for (i = 0; i < 400; i++) {
    size_t at, k;
    for (k = 0; k < 4; k++) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      /* half of the flips in the header and counts, half anywhere */
      at = (i & 1) ? (size_t)(x % len) : (size_t)(x % 1024);
      b[at] ^= (unsigned char)(1u << (x >> 60 & 7));
    }
    if (try_load(b, len, NULL) == 0)
      ok++;
    else
      bad++;
    memcpy(b, blob, len);
  }
  /* flips are caught (the ones that load touch data the checks cannot tell
   * from valid, such as weights); none may crash or read out of bounds */
  assert_true(bad > 0);
  (void)ok;
  free(b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_embedded_is_fresh_and_deterministic),
      cmocka_unit_test(test_loaded_matches_like_compiled),
      cmocka_unit_test(test_default_rules_take_the_blob),
      cmocka_unit_test(test_damaged_blobs_are_errors),
      cmocka_unit_test(test_flipped_blobs_never_misbehave),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
