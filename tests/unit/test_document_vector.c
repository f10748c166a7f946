/*
 * Unit tests of the vector (SSE2 and AVX2) paths of the document builder
 * and the line reader: the prose check of ctix__docb_append, which lets
 * clean prose skip white-space folding and, for its leading ASCII run,
 * UTF-8 validation (src/lib/document/document.c; its AVX2 path, taken
 * when the builder's avx2 flag is set, is run too when the CPU has AVX2),
 * ctix__text_width and ctix__first_word (src/lib/document/text.c), and
 * the binary-data test of ctix_document_parse (control bytes counted
 * sixteen at a time). Each is compared with a plain byte-by-byte
 * model written here from the documented rules, on hostile bytes: invalid
 * UTF-8, NUL, CR and other control bytes, doubled spaces, U+00A0 split
 * across the 16-byte steps, and long lines, at every length around the
 * vector width so that the last, overlapping step is covered too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "document/builder.h"
#include "document/lines.h"
#include "util/cpu.h"
#include "util/utf8.h"

/* The builder's prose check takes its AVX2 path (set per test run). */
static bool use_avx2;

/* Bytes the generator picks from: the ones the fast path must notice. */
static const unsigned char hostile[] = {
    'a', 'b', 'Z', '.', ' ', ' ', ' ', '\t', '\n', '\r', '\f', '\v', 0x00, 0x01, 0x1F, 0x7F,
    0x80, 0xA0, 0xBF, 0xC0, 0xC2, 0xC2, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xF5, 0xFF,
};

/* A small deterministic generator (the tests must repeat exactly). */
static uint32_t rng(uint32_t *s)
{
  *s = *s * 1103515245u + 12345u;
  return *s >> 8;
}

/* A builder over a fresh document, set up as ctix_document_parse does. */
typedef struct fixture {
  ctix_document doc;
  ctix_arena arena;
  ctix_doc_options opts;
  ctix_error err;
  ctix__docb b;
} fixture;

static void fx_init(fixture *f)
{
  memset(f, 0, sizeof(*f));
  ctix_doc_options_init(&f->opts);
  ctix__arena_init(&f->arena, 0);
  f->b.doc = &f->doc;
  f->b.arena = &f->arena;
  f->b.opts = &f->opts;
  f->b.err = &f->err;
  f->b.avx2 = use_avx2;
  ctix__buf_init(&f->b.text, (size_t)1 << 24);
  ctix__buf_init(&f->b.blocks, (size_t)1 << 24);
  ctix__buf_init(&f->b.sentences, (size_t)1 << 24);
  ctix__buf_init(&f->b.links, (size_t)1 << 24);
  ctix__buf_init(&f->b.diags, (size_t)1 << 24);
}

/* Frees what fx_init and the builder allocated. */
static void fx_free(fixture *f)
{
  ctix__buf_free(&f->b.text);
  ctix__buf_free(&f->b.blocks);
  ctix__buf_free(&f->b.sentences);
  ctix__buf_free(&f->b.links);
  ctix__buf_free(&f->b.diags);
  ctix__arena_free(&f->arena);
}

/* Is s[i] the start of white space for prose (ASCII or U+00A0)? *len
 * gets its length. */
static bool model_space(const unsigned char *s, size_t n, size_t i, size_t *len)
{
  if (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
    *len = 1;
    return true;
  }
  if (s[i] == 0xC2 && i + 1 < n && s[i + 1] == 0xA0) {
    *len = 2;
    return true;
  }
  return false;
}

/*
 * The model of one prose paragraph built from pieces: white space (ASCII
 * and U+00A0) between words becomes one space, none at the ends; every
 * byte of invalid UTF-8 becomes U+FFFD, each piece on its own (a sequence
 * cut between two appends is invalid in both). Returns the paragraph text
 * and the number of replacements.
 */
static void model_prose(ctix_buf *out, size_t *bad, const unsigned char *const *piece,
                        const size_t *plen, size_t npieces)
{
  ctix_buf folded = CTIX_BUF_INIT((size_t)1 << 24);
  bool pending = false;
  size_t p, i, k;
  *bad = 0;
  ctix__buf_reset(out);
  for (p = 0; p < npieces; p++) {
    const unsigned char *s = piece[p];
    size_t n = plen[p];
    ctix__buf_reset(&folded);
    for (i = 0; i < n;) {
      if (model_space(s, n, i, &k)) {
        pending = out->len + folded.len > 0;
        i += k;
        continue;
      }
      if (pending)
        ctix__buf_addc(&folded, ' ');
      pending = false;
      ctix__buf_addc(&folded, (char)s[i]);
      i++;
    }
    ctix__utf8_repair(out, folded.data ? folded.data : "", folded.len, bad);
  }
  assert_int_equal(folded.err, 0);
  assert_int_equal(out->err, 0);
  ctix__buf_free(&folded);
}

/* Appends the pieces as one paragraph and checks it against the model. */
static void check_pieces(const unsigned char *const *piece, const size_t *plen, size_t npieces)
{
  fixture f;
  ctix_buf want = CTIX_BUF_INIT((size_t)1 << 24);
  size_t bad, p;
  const ctix_block *blk;
  fx_init(&f);
  assert_int_equal(ctix__docb_begin(&f.b, CTIX_BLOCK_PARAGRAPH, 0), 0);
  for (p = 0; p < npieces; p++)
    assert_int_equal(ctix__docb_append(&f.b, (const char *)piece[p], plen[p]), 0);
  assert_int_equal(ctix__docb_end(&f.b), 0);
  model_prose(&want, &bad, piece, plen, npieces);
  if (want.len == 0) {
    assert_int_equal(CTIX__BUF_COUNT(&f.b.blocks, ctix_block), 0);
  } else {
    assert_int_equal(CTIX__BUF_COUNT(&f.b.blocks, ctix_block), 1);
    blk = &CTIX__BUF_AT(&f.b.blocks, ctix_block, 0);
    assert_int_equal(blk->span.end - blk->span.start, want.len);
    assert_memory_equal(f.b.text.data + blk->span.start, want.data, want.len);
  }
  assert_int_equal(f.doc.utf8_replaced, bad);
  ctix__buf_free(&want);
  fx_free(&f);
}

/* check_pieces for one piece. */
static void check_one(const unsigned char *s, size_t n)
{
  const unsigned char *piece[1] = {s};
  size_t plen[1] = {n};
  check_pieces(piece, plen, 1);
}

/* Clean prose (the vector path) of every length up to 80 and around 96
 * and 128 (the 64- and 32-byte steps of the AVX2 path with its last,
 * overlapping load), with one special byte or pair planted at every
 * position: the result must be the model's, whichever path the builder
 * took. */
static void test_prose_planted(void **state)
{
  /* each plant with its length, taken from the literal: "\x00" is one byte */
#define PLANT(lit) {lit, sizeof(lit) - 1}
  static const struct {
    const char *s;
    size_t n;
  } plants[] = {
      PLANT("  "),   PLANT("\xC2\xA0"),         PLANT("\xC2"),     PLANT("\xA0"),
      PLANT("\xFF"), PLANT("\xE2\x80\x99"),     PLANT("\xE2\x80"), PLANT("\xED\xA0\x80"),
      PLANT("\x00"), PLANT("\r"),               PLANT("\n"),       PLANT("\t"),
      PLANT("\x7F"), PLANT("\xF0\x9F\x98\x80"), PLANT("\xC0\xAF"), PLANT(" \xC2\xA0 "),
  };
#undef PLANT
  unsigned char buf[160];
  size_t n, pos, k;
  (void)state;
  for (n = 1; n <= 132; n = n == 80 ? 94 : n == 100 ? 124 : n + 1) {
    for (k = 0; k < n; k++)
      buf[k] = (unsigned char)("abcdefgh ijk"[k % 12]);
    /* no doubled, leading or trailing space in the clean base */
    buf[0] = 'x';
    buf[n - 1] = 'y';
    check_one(buf, n);
    for (pos = 0; pos < n; pos++) {
      for (k = 0; k < sizeof(plants) / sizeof(plants[0]); k++) {
        size_t m = plants[k].n;
        unsigned char t[160];
        if (pos + m > n)
          continue;
        memcpy(t, buf, n);
        memcpy(t + pos, plants[k].s, m);
        check_one(t, n);
      }
    }
  }
}

/* Random hostile bytes, in one piece and split in pieces. */
static void test_prose_random(void **state)
{
  uint32_t seed = 7;
  unsigned char buf[600];
  size_t round, n, k;
  (void)state;
  for (round = 0; round < 4000; round++) {
    /* mostly letters, sometimes a hostile byte: long clean runs happen */
    unsigned dens = 2 + rng(&seed) % 40;
    n = rng(&seed) % (round < 3000 ? 70 : sizeof(buf));
    for (k = 0; k < n; k++)
      buf[k] = rng(&seed) % dens ? (unsigned char)('a' + rng(&seed) % 26)
                                  : hostile[rng(&seed) % sizeof(hostile)];
    check_one(buf, n);
    if (n > 2) {
      const unsigned char *piece[3];
      size_t plen[3], c1 = rng(&seed) % n, c2 = c1 + rng(&seed) % (n - c1);
      piece[0] = buf;
      plen[0] = c1;
      piece[1] = buf + c1;
      plen[1] = c2 - c1;
      piece[2] = buf + c2;
      plen[2] = n - c2;
      check_pieces(piece, plen, 3);
    }
  }
}

/* A long line of clean prose with non-ASCII text late in it (the part
 * after the first non-ASCII byte is still validated) and one invalid
 * byte at the very end. */
static void test_prose_long_line(void **state)
{
  static unsigned char buf[20000];
  size_t k;
  (void)state;
  for (k = 0; k < sizeof(buf); k++)
    buf[k] = (unsigned char)("word "[k % 5]);
  buf[0] = 'w';
  memcpy(buf + 15000, "\xE2\x80\x99", 3);
  buf[sizeof(buf) - 1] = 0xFF;
  check_one(buf, sizeof(buf));
  buf[sizeof(buf) - 1] = 'z';
  check_one(buf, sizeof(buf));
  memcpy(buf + 17000, "\xE2\x80", 2); /* truncated sequence mid-line */
  check_one(buf, sizeof(buf));
}

/* ctix__text_width: the number of bytes that are not UTF-8 continuation
 * bytes (10xxxxxx), for any bytes, at lengths crossing the vector steps
 * and the 255-step counter flush (4080 bytes). */
static void test_text_width(void **state)
{
  static unsigned char buf[9000];
  uint32_t seed = 99;
  size_t round, n, k, want;
  (void)state;
  for (round = 0; round < 3000; round++) {
    n = round < 2000 ? round % 100 : rng(&seed) % sizeof(buf);
    for (k = 0; k < n; k++)
      buf[k] = rng(&seed) % 3 ? (unsigned char)rng(&seed) : hostile[rng(&seed) % sizeof(hostile)];
    want = 0;
    for (k = 0; k < n; k++)
      want += (buf[k] & 0xC0) != 0x80;
    assert_int_equal(ctix__text_width((const char *)buf, n), want);
  }
  memset(buf, 0x80, sizeof(buf));
  assert_int_equal(ctix__text_width((const char *)buf, sizeof(buf)), 0);
  memset(buf, 'a', sizeof(buf));
  assert_int_equal(ctix__text_width((const char *)buf, sizeof(buf)), sizeof(buf));
}

/* ctix__first_word (sixteen bytes at a time): the offset of the first
 * space or tab, n when there is none, for random bytes dense in both at
 * lengths crossing the vector steps. */
static void test_first_word(void **state)
{
  static const unsigned char pick[] = {' ', '\t', 'a', 0x00, 0x09 ^ 0x80, 0x20 ^ 0x80, '\n', 0xFF};
  unsigned char buf[300];
  uint32_t seed = 5;
  size_t round, n, k, want;
  (void)state;
  for (round = 0; round < 20000; round++) {
    unsigned dens = 1 + rng(&seed) % 80;
    n = rng(&seed) % sizeof(buf);
    for (k = 0; k < n; k++)
      buf[k] = rng(&seed) % dens ? (unsigned char)('a' + rng(&seed) % 26)
                                 : pick[rng(&seed) % sizeof(pick)];
    for (want = 0; want < n && buf[want] != ' ' && buf[want] != '\t'; want++)
      ;
    assert_int_equal(ctix__first_word((const char *)buf, n), want);
  }
}

/* Is c a control byte that text does not hold (the model's rule)? */
static bool model_odd(unsigned char c)
{
  return c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1b;
}

/* ctix_document_parse refuses as binary data an input whose first 64 KiB
 * hold more than one control byte (other than \n \r \t \f ESC) in ten,
 * and names the first; the count is taken sixteen bytes at a time. Random
 * inputs with a control-byte density around the limit, of lengths up to
 * past 64 KiB, against a byte loop. */
static void test_binary_random(void **state)
{
  static const unsigned char ctl[] = {0x01, 0x08, 0x0B, 0x0E, 0x1F, 0x1B, '\n', '\r', '\t', '\f'};
  static unsigned char buf[70000];
  uint32_t seed = 3;
  size_t round, n, k, lim, count, first;
  (void)state;
  for (round = 0; round < 300; round++) {
    unsigned dens = 6 + rng(&seed) % 8;
    ctix_document *doc = NULL;
    ctix_doc_options o;
    ctix_error err;
    int rc;
    n = round < 200 ? 1 + rng(&seed) % 600 : 60000 + rng(&seed) % 10000;
    for (k = 0; k < n; k++)
      buf[k] = rng(&seed) % dens ? (unsigned char)('a' + rng(&seed) % 26)
                                 : ctl[rng(&seed) % sizeof(ctl)];
    lim = n < 65536 ? n : 65536;
    for (k = count = 0, first = CTIX_NOPOS; k < lim; k++)
      if (model_odd(buf[k])) {
        count++;
        if (first == CTIX_NOPOS)
          first = k;
      }
    ctix_doc_options_init(&o);
    o.format = CTIX_FORMAT_TEXT;
    o.no_sentences = true;
    ctix_error_clear(&err);
    rc = ctix_document_parse(&doc, buf, n, &o, &err);
    if (count * 10 > lim) {
      assert_int_equal(rc, CTIX_EUNSUPPORTED);
      assert_int_equal(err.offset, first);
    } else {
      assert_int_not_equal(rc, CTIX_EUNSUPPORTED);
    }
    ctix_document_free(doc);
  }
}

/* The prose tests again with the AVX2 path of the builder (skipped on a
 * CPU without AVX2). */
static void test_prose_avx2(void **state)
{
  if (!ctix__cpu_has_avx2())
    skip();
  use_avx2 = true;
  test_prose_planted(state);
  test_prose_random(state);
  test_prose_long_line(state);
  use_avx2 = false;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_prose_planted),
      cmocka_unit_test(test_prose_avx2),
      cmocka_unit_test(test_first_word),
      cmocka_unit_test(test_binary_random),
      cmocka_unit_test(test_prose_random),
      cmocka_unit_test(test_prose_long_line),
      cmocka_unit_test(test_text_width),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
