/*
 * Unit tests of the IOC pipeline around the recognizers (src/lib/ioc/
 * scan.c, list.c, ioc.c): the type and status name tables, options and
 * limits, deduplication with hits in text order and offsets of the text
 * as written, the tokenizer's trimming of prose and markup punctuation,
 * texts longer than one scan segment, out-of-order emissions and a
 * growing deduplication table, the shape and context helpers,
 * extraction from a document, and the vector paths against the byte
 * loops across block edges.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ioc/scan.h"
#include "ioc_test.h"
#include "util/buf.h"

/* text yields `value` of `type` written as `written`. */
static void expect_written(const char *text, ctix_ioc_type type, const char *value,
                           const char *written)
{
  ctix_ioc_list *l = ioc_run(text);
  const ctix_ioc *it = ioc_find(l, type, value);
  if (!it || strcmp(it->original, written) != 0) {
    ioc_dump(text, l);
    ctix_ioc_list_free(l);
    fail_msg("expected %s \"%s\" written \"%s\"", ctix_ioc_type_name(type), value, written);
  }
  ctix_ioc_list_free(l);
}

static void test_type_names(void **state)
{
  int t, u;
  for (t = 0; t < CTIX_IOC_TYPE_COUNT; t++) {
    const char *name = ctix_ioc_type_name((ctix_ioc_type)t);
    ctix_ioc_type back;
    assert_non_null(name);
    assert_string_not_equal(name, "unknown");
    assert_int_equal(ctix_ioc_type_from_name(&back, name), 0);
    assert_int_equal(back, t);
    for (u = 0; u < t; u++)
      assert_string_not_equal(name, ctix_ioc_type_name((ctix_ioc_type)u));
  }
  /* the corpus vocabulary */
  assert_string_equal(ctix_ioc_type_name(CTIX_IOC_IPV4_CIDR), "ipv4_cidr");
  assert_string_equal(ctix_ioc_type_name(CTIX_IOC_ATTACK_TECHNIQUE), "attack_technique");
  assert_string_equal(ctix_ioc_type_name(CTIX_IOC_REGISTRY_KEY), "registry_key");
  assert_string_equal(ctix_ioc_type_name((ctix_ioc_type)CTIX_IOC_TYPE_COUNT), "unknown");
  {
    ctix_ioc_type back;
    assert_int_equal(ctix_ioc_type_from_name(&back, "URL"), 0);
    assert_int_equal(back, CTIX_IOC_URL);
    assert_int_equal(ctix_ioc_type_from_name(&back, "nope"), CTIX_EINVAL);
    assert_int_equal(ctix_ioc_type_from_name(&back, NULL), CTIX_EINVAL);
  }
  assert_string_equal(ctix_ioc_status_name(CTIX_IOC_STATUS_IOC), "ioc");
  assert_string_equal(ctix_ioc_status_name(CTIX_IOC_STATUS_BENIGN), "benign");
  assert_string_equal(ctix_ioc_status_name(CTIX_IOC_STATUS_REJECTED), "rejected");
  assert_string_equal(ctix_ioc_status_name((ctix_ioc_status)7), "unknown");
}

static void test_options_and_limits(void **state)
{
  ctix_ioc_options o;
  ctix_ioc_list *l = (ctix_ioc_list *)1;
  ctix_error err;
  const char *t = "91.204.14.3 and 91.204.14.4";
  ctix_ioc_options_init(&o);
  assert_int_equal(o.max_input, CTIX_DEFAULT_MAX_INPUT);
  assert_true(o.keep_rejected);
  assert_null(o.publisher_host);
  o.max_input = 10;
  ctix_error_clear(&err);
  assert_int_equal(ctix_ioc_extract(&l, t, strlen(t), &o, &err), CTIX_ETOOBIG);
  assert_null(l);
  assert_int_equal(err.code, CTIX_ETOOBIG);
  assert_non_null(strstr(err.message, "limit"));
  ctix_error_clear(&err);
  assert_int_equal(ctix_ioc_extract(&l, NULL, 4, NULL, &err), CTIX_EINVAL);
  assert_int_equal(ctix_ioc_extract_document(&l, NULL, NULL, NULL), CTIX_EINVAL);
  assert_null(l);
  /* empty input: an empty list */
  assert_int_equal(ctix_ioc_extract(&l, "", 0, NULL, NULL), 0);
  assert_int_equal(l->nitems, 0);
  assert_int_equal(l->nhits, 0);
  ctix_ioc_list_free(l);
  ctix_ioc_list_free(NULL);
  /* rejected candidates are kept unless asked */
  ctix_ioc_options_init(&o);
  assert_int_equal(ctix_ioc_extract(&l, "x 300.1.2.3 y", 13, &o, NULL), 0);
  assert_int_equal(l->nitems, 1);
  assert_int_equal(l->items[0].status, CTIX_IOC_STATUS_REJECTED);
  assert_non_null(l->items[0].reason);
  ctix_ioc_list_free(l);
  o.keep_rejected = false;
  assert_int_equal(ctix_ioc_extract(&l, "x 300.1.2.3 y", 13, &o, NULL), 0);
  assert_int_equal(l->nitems, 0);
  ctix_ioc_list_free(l);
}

static void test_dedupe_and_hits(void **state)
{
  const char *t = "cdn.badcorp.ru then 91.204.14.3 then CDN.BADCORP.RU then cdn[.]badcorp[.]ru";
  ctix_ioc_list *l = ioc_run(t);
  const ctix_ioc *d = ioc_find(l, CTIX_IOC_DOMAIN, "cdn.badcorp.ru");
  size_t i, nd = 0;
  assert_non_null(d);
  assert_int_equal(d->nhits, 3);
  assert_true(d->defanged);
  assert_int_equal(d->span.start, 0);
  assert_string_equal(d->original, "cdn.badcorp.ru");
  /* items in order of first occurrence, hits in text order */
  assert_int_equal(l->items[0].type, CTIX_IOC_DOMAIN);
  assert_int_equal(l->items[1].type, CTIX_IOC_IPV4);
  for (i = 0; i < l->nhits; i++) {
    const ctix_ioc_hit *h = &l->hits[i];
    if (i)
      assert_true(l->hits[i - 1].span.start <= h->span.start);
    assert_true(h->ioc < l->nitems);
    if (&l->items[h->ioc] == d) {
      nd++;
      assert_int_equal(h->defanged, nd == 3);
    }
  }
  assert_int_equal(nd, 3);
  assert_string_equal(t + l->hits[l->nhits - 1].span.start, "cdn[.]badcorp[.]ru");
  ctix_ioc_list_free(l);
}

static void test_token_trimming(void **state)
{
  expect_written("seen (cdn.badcorp.ru) today", CTIX_IOC_DOMAIN,
                 "cdn.badcorp.ru", "cdn.badcorp.ru");
  expect_written("'cdn.badcorp.ru', and", CTIX_IOC_DOMAIN, "cdn.badcorp.ru", "cdn.badcorp.ru");
  expect_written("is cdn.badcorp.ru!?", CTIX_IOC_DOMAIN, "cdn.badcorp.ru", "cdn.badcorp.ru");
  expect_written("<b>cdn.badcorp.ru</b>", CTIX_IOC_DOMAIN, "cdn.badcorp.ru", "cdn.badcorp.ru");
  expect_written("`cdn.badcorp.ru`|x", CTIX_IOC_DOMAIN, "cdn.badcorp.ru", "cdn.badcorp.ru");
  expect_written("**cdn.badcorp.ru**", CTIX_IOC_DOMAIN, "cdn.badcorp.ru", "cdn.badcorp.ru");
  expect_written("[cdn.badcorp.ru](https://x.badcorp.ru/p)", CTIX_IOC_URL, "https://x.badcorp.ru/p",
                 "https://x.badcorp.ru/p");
  expect_written("\xc2\xab" "cdn.badcorp.ru\xc2\xbb", CTIX_IOC_DOMAIN, "cdn.badcorp.ru",
                 "cdn.badcorp.ru");
  expect_written("cdn.badcorp.ru\xe2\x80\x94" "and more", CTIX_IOC_DOMAIN, "cdn.badcorp.ru",
                 "cdn.badcorp.ru");
  expect_written("ip\xc2\xa0" "91.204.14.3", CTIX_IOC_IPV4, "91.204.14.3", "91.204.14.3");
}

/* A text much longer than a scan segment: every planted observable is
 * found at its offset, including those next to segment cuts. */
static void test_long_text(void **state)
{
  ctix_buf b = CTIX_BUF_INIT(4u << 20);
  ctix_ioc_list *l;
  size_t i, planted = 0, found = 0;
  size_t offs[400];
  for (i = 0; b.len < 600000; i++) {
    if (i % 97 == 0 && planted < 400) {
      offs[planted++] = b.len;
      ctix__buf_addf(&b, "10.%u.%u.%u", (unsigned)(planted / 200), (unsigned)(planted % 200),
                     (unsigned)(i % 250));
      ctix__buf_adds(&b, i % 3 ? " " : "\n");
    } else {
      ctix__buf_adds(&b, i % 11 ? "lorem ipsum dolor " : "sit amet.\n");
    }
  }
  assert_int_equal(b.err, 0);
  assert_int_equal(ctix_ioc_extract(&l, b.data, b.len, NULL, NULL), 0);
  for (i = 0; i < l->nitems; i++)
    if (l->items[i].type == CTIX_IOC_IPV4) {
      size_t k;
      for (k = 0; k < planted; k++)
        if (offs[k] == l->items[i].span.start)
          break;
      assert_true(k < planted);
      assert_memory_equal(l->items[i].original, b.data + l->items[i].span.start,
                          l->items[i].span.end - l->items[i].span.start);
      found++;
    }
  assert_int_equal(found, planted);
  ctix_ioc_list_free(l);
  ctix__buf_free(&b);
}

/* Checks the list invariants: hits in text order, each naming an item
 * whose first occurrence is its earliest hit, items in order of first
 * occurrence, hit counts adding up. */
static void check_list_order(const ctix_ioc_list *l)
{
  size_t i, total = 0;
  uint32_t *seen = calloc(l->nitems + 1, sizeof(*seen));
  uint32_t next = 0;
  assert_non_null(seen);
  for (i = 0; i < l->nhits; i++) {
    const ctix_ioc_hit *h = &l->hits[i];
    assert_true(h->ioc < l->nitems);
    if (i)
      assert_true(l->hits[i - 1].span.start <= h->span.start);
    if (!seen[h->ioc]++) {
      /* the first hit of an item: items come in this order */
      assert_int_equal(h->ioc, next);
      next++;
      assert_int_equal(l->items[h->ioc].span.start, h->span.start);
    }
  }
  for (i = 0; i < l->nitems; i++) {
    assert_int_equal(seen[i], l->items[i].nhits);
    total += l->items[i].nhits;
    if (i)
      assert_true(l->items[i - 1].span.start <= l->items[i].span.start);
  }
  assert_int_equal(total, l->nhits);
  free(seen);
}

/* Recognizers that emit a later part of a token before an earlier one
 * (an e-mail's host literal before the address): items and hits are put
 * back in text order when the list is finished. */
static void test_out_of_order_emits(void **state)
{
  const char *t = ">test@[192.168.2.1]< then 10.20.30.40 and user@evil-host.example "
                  "and again test@[192.168.2.1] 10.20.30.40";
  ctix_ioc_list *l = ioc_run(t);
  assert_true(l->nitems >= 3);
  check_list_order(l);
  assert_non_null(ioc_find(l, CTIX_IOC_IPV4, "10.20.30.40"));
  assert_int_equal(ioc_find(l, CTIX_IOC_IPV4, "10.20.30.40")->nhits, 2);
  ctix_ioc_list_free(l);
}

/* Many distinct observables in a short text, each written twice (plain,
 * then defanged): the deduplication table grows several times past its
 * first size and still finds every repeat. */
static void test_many_items(void **state)
{
  enum { N = 6000 };
  ctix_buf b = CTIX_BUF_INIT(1u << 22);
  ctix_ioc_list *l;
  unsigned i, pass;
  size_t ip = 0;
  for (pass = 0; pass < 2; pass++)
    for (i = 0; i < N; i++)
      ctix__buf_addf(&b, pass ? "10.%u[.]%u.%u " : "10.%u.%u.%u ", i / 250, i % 250, 7u);
  assert_int_equal(b.err, 0);
  assert_int_equal(ctix_ioc_extract(&l, b.data, b.len, NULL, NULL), 0);
  for (i = 0; i < l->nitems; i++)
    if (l->items[i].type == CTIX_IOC_IPV4) {
      ip++;
      assert_int_equal(l->items[i].nhits, 2);
      assert_true(l->items[i].defanged);
      assert_memory_equal(l->items[i].original, b.data + l->items[i].span.start,
                          l->items[i].span.end - l->items[i].span.start);
    }
  assert_int_equal(ip, N);
  check_list_order(l);
  ctix_ioc_list_free(l);
  ctix__buf_free(&b);
}

/* Degenerate tokens: thousands of closing brackets, of opening ones, of
 * Unicode dashes, and a scan resumed at a block start inside a token (a
 * line of ARNs consumed up to ARN_MAX): the observables around them are
 * still found (this once took quadratic time, deep recursion, and a clz
 * of 0). */
static void test_degenerate_tokens(void **state)
{
  static const char *const fill[] = {")", "(", "]", "\xe2\x80\x94", "arn:aws:s3:::a "};
  size_t f, i;
  for (f = 0; f < sizeof(fill) / sizeof(fill[0]); f++) {
    ctix_buf b = CTIX_BUF_INIT(1u << 20);
    ctix_ioc_list *l;
    /* one 64-byte block, so a line of ARNs starts a block */
    ctix__buf_adds(&b, "evil.badcorp.ru");
    while (b.len < 63)
      ctix__buf_addc(&b, ' ');
    ctix__buf_addc(&b, '\n');
    for (i = 0; i < 200 || b.len < 30000; i++)
      ctix__buf_adds(&b, fill[f]);
    ctix__buf_adds(&b, " http://x.badcorp.ru/a" "))))) 91.204.14.3\n");
    assert_int_equal(b.err, 0);
    assert_int_equal(ctix_ioc_extract(&l, b.data, b.len, NULL, NULL), 0);
    assert_non_null(ioc_find(l, CTIX_IOC_DOMAIN, "evil.badcorp.ru"));
    assert_non_null(ioc_find(l, CTIX_IOC_URL, "http://x.badcorp.ru/a"));
    assert_non_null(ioc_find(l, CTIX_IOC_IPV4, "91.204.14.3"));
    ctix_ioc_list_free(l);
    ctix__buf_free(&b);
  }
}

static void test_shape(void **state)
{
  ctix__ioc_shape sh;
  ctix__ioc_shape_of(&sh, "Ab1:/\\@-_.\xc3\xa9!", 13);
  assert_int_equal(sh.len, 13);
  assert_int_equal(sh.digits, 1);
  assert_int_equal(sh.alpha, 2);
  assert_int_equal(sh.hexalpha, 2);
  assert_int_equal(sh.upper, 1);
  assert_int_equal(sh.colons, 1);
  assert_int_equal(sh.slashes, 1);
  assert_int_equal(sh.backslashes, 1);
  assert_int_equal(sh.ats, 1);
  assert_int_equal(sh.dashes, 1);
  assert_int_equal(sh.underscores, 1);
  assert_int_equal(sh.dots, 1);
  assert_int_equal(sh.nonascii, 2);
  assert_int_equal(sh.other, 1);
  /* counters do not wrap on long tokens */
  {
    char big[700];
    memset(big, 'f', sizeof(big));
    ctix__ioc_shape_of(&sh, big, sizeof(big));
    assert_int_equal(sh.hexalpha, 700);
  }
}

static void test_context_helpers(void **state)
{
  static const char *const words[] = {"mutex", "file", NULL};
  const char *t = "The dropper creates a Mutex named: X. Then a file";
  ctix__ioc_scan s;
  char w[16];
  memset(&s, 0, sizeof(s));
  s.text = t;
  s.len = strlen(t);
  assert_int_equal(ctix__ioc_word_before(&s, 35, w, sizeof(w)), 5); /* before "X" */
  assert_string_equal(w, "named");
  assert_int_equal(ctix__ioc_word_before(&s, 3, w, sizeof(w)), 3);
  assert_string_equal(w, "the");
  assert_int_equal(ctix__ioc_word_before(&s, 0, w, sizeof(w)), 0);
  assert_int_equal(ctix__ioc_word_before(&s, 35, w, 4), 0);  /* too long for out */
  assert_true(ctix__ioc_context_has(&s, 35, 3, words));      /* "Mutex" */
  assert_false(ctix__ioc_context_has(&s, 35, 1, words));
  assert_false(ctix__ioc_context_has(&s, 43, 3, words));     /* not across "X. " */
  assert_true(ctix__ioc_context_has(&s, s.len, 1, words));   /* "file" */
}

/*
 * ctix__ioc_context_has with its vector steps (16 and 32 bytes) and with
 * the byte loop, on random texts of short words, the words looked for,
 * sentence ends and white space, at every position and for lists of one,
 * two and three first letters: the same answers.
 */
static void test_context_random(void **state)
{
  static const char *const report[] = {"report", "reporting", "reports", NULL};
  static const char *const two[] = {"jabber", "xmpp", "jid", NULL};
  static const char *const three[] = {"solana", "sol", "spl", "phantom", "agent", NULL};
  static const char *const *const lists[] = {report, two, three};
  static const char *const pieces[] = {"report", "Reporting", "REPORTS", "reported", "jabber",
                                       "xmpp", "jid", "sol", "agent", "a", "re", "to",
                                       "word", "x1", ". ", "! ", "?\t", ".", "\n", " ",
                                       "  ", ", ", "-", "r", "e.g."};
  char text[1200], *heap;
  uint32_t x = 4242;
  int round;
  (void)state;
  for (round = 0; round < 6; round++) {
    ctix__ioc_scan s;
    size_t n = 0, pos;
    while (n + 16 < sizeof(text)) {
      ioc_add_piece(text, &n, &x, pieces, sizeof(pieces) / sizeof(pieces[0]));
      x = x * 1103515245u + 12345u;
      if ((x >> 16) % 3)
        text[n++] = ' ';
    }
    /* a heap copy of exactly n bytes: a read past the end is an ASan error */
    heap = malloc(n);
    assert_non_null(heap);
    memcpy(heap, text, n);
    memset(&s, 0, sizeof(s));
    s.text = heap;
    s.len = n;
    for (pos = 0; pos <= n; pos++) {
      static const unsigned nws[] = {1, 3, 6, 24};
      size_t li, ni;
      for (li = 0; li < 3; li++)
        for (ni = 0; ni < 4; ni++) {
          bool vec, byte;
          ctix__ioc_force_scalar = false;
          vec = ctix__ioc_context_has(&s, pos, nws[ni], lists[li]);
          ctix__ioc_force_scalar = true;
          byte = ctix__ioc_context_has(&s, pos, nws[ni], lists[li]);
          ctix__ioc_force_scalar = false;
          if (vec != byte)
            fail_msg("round %d pos %zu list %zu words %u: %d / %d", round, pos, li, nws[ni],
                     vec, byte);
        }
    }
    free(heap);
  }
}

/* Fails unless the lists a and b are the same, item for item and hit for
 * hit. */
static void check_same(const ctix_ioc_list *a, const ctix_ioc_list *b, size_t shift)
{
  size_t i;
  if (a->nitems != b->nitems || a->nhits != b->nhits)
    fail_msg("shift %zu: %zu/%zu items, %zu/%zu hits", shift, a->nitems, b->nitems,
             a->nhits, b->nhits);
  for (i = 0; i < a->nitems; i++) {
    const ctix_ioc *x = &a->items[i], *y = &b->items[i];
    if (x->type != y->type || x->status != y->status || strcmp(x->value, y->value) != 0 ||
        strcmp(x->original, y->original) != 0 || x->span.start != y->span.start ||
        x->span.end != y->span.end || x->nhits != y->nhits)
      fail_msg("shift %zu: item %zu differs (\"%s\" / \"%s\")", shift, i, x->value, y->value);
  }
  for (i = 0; i < a->nhits; i++)
    if (a->hits[i].span.start != b->hits[i].span.start ||
        a->hits[i].span.end != b->hits[i].span.end || a->hits[i].ioc != b->hits[i].ioc ||
        a->hits[i].defanged != b->hits[i].defanged)
      fail_msg("shift %zu: hit %zu differs", shift, i);
}

/* Extracts text[0..n) with the vector paths and with the byte loops and
 * checks both give the same list; returns the vector one. */
static ctix_ioc_list *extract_both(const char *text, size_t n, size_t shift)
{
  ctix_ioc_list *vec = NULL, *byte = NULL;
  ctix_error err;
  /* a heap copy of exactly n bytes: a read past the end is an ASan error */
  char *t = malloc(n ? n : 1);
  assert_non_null(t);
  memcpy(t, text, n);
  ctix_error_clear(&err);
  ctix__ioc_force_scalar = false;
  assert_int_equal(ctix_ioc_extract(&vec, t, n, NULL, &err), 0);
  ctix__ioc_force_scalar = true;
  assert_int_equal(ctix_ioc_extract(&byte, t, n, NULL, &err), 0);
  ctix__ioc_force_scalar = false;
  check_same(vec, byte, shift);
  ctix_ioc_list_free(byte);
  free(t);
  return vec;
}

/*
 * The scanner's block masks (plain words, closing punctuation at a token
 * end, long runs, trigger pairs), its skip of a plain word that goes on
 * into the next 64-byte block, refang's 32-byte stop blocks and the
 * hash-keyword look-back give the lists of the byte loops, with every
 * byte of the text moved across each block edge by 0-63 leading bytes;
 * the observables are found whatever the shift.
 */
static void test_block_edges(void **state)
{
  static const char body[] =
      "Plain words, crossing. edges!? here) and there], "
      "abcdefghijklmnopqrstuvwx abcdefghijklmnopqrstuvwxy: "
      "CVE 2021-44228 mutex Global\\QzX9 tlpamber "
      "evil[.]com hxxp://bad[.]org/x user[at]mail[.]ru 10[.]20[.]30[.]40 "
      "imphash: 0123456789abcdef0123456789abcdef "
      "JA3 fedcba9876543210fedcba9876543210 "
      "authentihash\t0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef "
      "md5 00112233445566778899aabbccddeeff.\n";
  char text[sizeof(body) + 64];
  size_t shift;
  (void)state;
  for (shift = 0; shift < 64; shift++) {
    ctix_ioc_list *l;
    size_t k;
    /* leading plain words and spaces ("ab. ab. a"): the words of the
     * body start at every offset of a block */
    for (k = 0; k < shift; k++)
      text[k] = k % 4 == 3 ? ' ' : k % 4 == 2 ? '.' : "ab"[k % 4];
    memcpy(text + shift, body, sizeof(body));
    l = extract_both(text, shift + sizeof(body) - 1, shift);
    if (!ioc_find(l, CTIX_IOC_CVE, "CVE-2021-44228") ||
        !ioc_find(l, CTIX_IOC_DOMAIN, "evil.com") ||
        !ioc_find(l, CTIX_IOC_URL, "http://bad.org/x") ||
        !ioc_find(l, CTIX_IOC_EMAIL, "user@mail.ru") ||
        !ioc_find(l, CTIX_IOC_IPV4, "10.20.30.40") ||
        !ioc_find(l, CTIX_IOC_IMPHASH, "0123456789abcdef0123456789abcdef") ||
        !ioc_find(l, CTIX_IOC_JA3, "fedcba9876543210fedcba9876543210") ||
        !ioc_find(l, CTIX_IOC_AUTHENTIHASH,
                  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef") ||
        !ioc_find(l, CTIX_IOC_MD5, "00112233445566778899aabbccddeeff") ||
        !ioc_find(l, CTIX_IOC_TLP, "TLP:AMBER") || !ioc_find(l, CTIX_IOC_MUTEX, "Global\\QzX9")) {
      ioc_dump(text, l);
      ctix_ioc_list_free(l);
      fail_msg("shift %zu: an observable was missed", shift);
    }
    ctix_ioc_list_free(l);
  }
}

/* Texts of words, closing punctuation, brackets, digits and white space
 * drawn at random (a fixed generator): the vector paths and the byte
 * loops give the same list. */
static void test_random_blocks(void **state)
{
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzATDO .,;:!?)]'([{}<>\"|`-_/\\@"
                                  "0123456789\n\t";
  char text[4096];
  uint32_t x = 12345;
  int round;
  (void)state;
  for (round = 0; round < 24; round++) {
    size_t k;
    ctix_ioc_list *l;
    /* letter-heavy rounds make long plain words that cross block edges */
    unsigned span = round % 3 == 0 ? 26 : (unsigned)sizeof(alphabet) - 1;
    for (k = 0; k < sizeof(text); k++) {
      x = x * 1103515245u + 12345u;
      text[k] = alphabet[((x >> 16) % span + (round % 3 == 0 && (x >> 8) % 7 == 0 ? 27 : 0)) %
                         (sizeof(alphabet) - 1)];
    }
    l = extract_both(text, sizeof(text), (size_t)round);
    ctix_ioc_list_free(l);
  }
}

/*
 * Host names through the sixteen-byte path of the domain walk (names of up
 * to 64 ASCII letters, digits, '-' and '.') and through the byte loop:
 * upper case, hyphens at label edges, empty and long labels, underscores,
 * bytes above ASCII, names that end 1-16 bytes before the end of the text
 * and names of 15-17, 31-33, 63-65 bytes give the same list.
 */
static void test_host_names(void **state)
{
  static const char *const fixed[] = {
      "EVIL-Host.Example.COM", "a.b.co", "x-.example.com", "-x.example.com",
      "ab.-cd.com", "ab.cd-.com", "ab..cd.com", "Mail.Ru", "host.c0m", "host.1com",
      "under_score.example.org", "caf\xc3\xa9.example.net", "ABCDEFGHIJKLMNO.de",
      "abcdefghijklmnop.de", "abcdefghijklmnopq.de",
      "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk.com",
      "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl.com",
      "a.bcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghi.com",
      "a.bcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghij.io",
      "a.bcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk.io",
      "hxxp://Sub.Example.ORG/x", "user@Mail.Example.COM", "http://10.1.2.3/a/b/192.168.1.1"};
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzEXAMPLE0123456789--..._";
  static const char *const tlds[] = {".com", ".RU", ".org", ".x", ".c0m", ".io.", ".uk"};
  char text[8192];
  uint32_t x = 777;
  size_t k, n = 0;
  int round;
  (void)state;
  for (k = 0; k < sizeof(fixed) / sizeof(fixed[0]); k++) {
    size_t pad;
    for (pad = 0; pad <= 17; pad++) {
      ctix_ioc_list *l;
      n = (size_t)snprintf(text, sizeof(text), "see %s", fixed[k]);
      /* the name ends `pad` bytes before the end of the text */
      memset(text + n, pad % 2 ? ' ' : ',', pad);
      l = extract_both(text, n + pad, k * 100 + pad);
      ctix_ioc_list_free(l);
    }
  }
  {
    ctix_ioc_list *l;
    n = (size_t)snprintf(text, sizeof(text), "see EVIL-Host.Example.COM now");
    l = extract_both(text, n, 0);
    assert_non_null(ioc_find(l, CTIX_IOC_DOMAIN, "evil-host.example.com"));
    ctix_ioc_list_free(l);
  }
  for (round = 0; round < 16; round++) {
    ctix_ioc_list *l;
    n = 0;
    while (n + 100 < sizeof(text)) {
      /* a name of 1-70 bytes, then a TLD-like end and a separator */
      x = x * 1103515245u + 12345u;
      size_t len = 1 + (x >> 16) % 70, j;
      for (j = 0; j < len; j++) {
        x = x * 1103515245u + 12345u;
        text[n++] = alphabet[(x >> 16) % (sizeof(alphabet) - 1)];
      }
      x = x * 1103515245u + 12345u;
      j = strlen(tlds[(x >> 16) % 7]);
      memcpy(text + n, tlds[(x >> 16) % 7], j);
      n += j;
      text[n++] = " ,\n"[(x >> 8) % 3];
    }
    l = extract_both(text, n, (size_t)round);
    ctix_ioc_list_free(l);
  }
}

static void test_document(void **state)
{
  const char *md = "# Report\n\nThe loader calls cdn.badcorp.ru and 91.204.14.3.\n\n"
                   "## References\n\n- https://blog.vendor-research.net/post\n";
  ctix_document *doc = NULL;
  ctix_ioc_list *l = NULL;
  const ctix_ioc *it;
  assert_int_equal(ctix_document_parse(&doc, md, strlen(md), NULL, NULL), 0);
  assert_int_equal(ctix_ioc_extract_document(&l, doc, NULL, NULL), 0);
  it = ioc_find(l, CTIX_IOC_DOMAIN, "cdn.badcorp.ru");
  assert_non_null(it);
  assert_int_equal(it->status, CTIX_IOC_STATUS_IOC);
  assert_memory_equal(doc->text + it->span.start, "cdn.badcorp.ru", 14);
  it = ioc_find(l, CTIX_IOC_URL, "https://blog.vendor-research.net/post");
  assert_non_null(it);
  assert_int_equal(it->status, CTIX_IOC_STATUS_BENIGN);
  assert_non_null(it->reason);
  ctix_ioc_list_free(l);
  ctix_document_free(doc);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_type_names),      cmocka_unit_test(test_options_and_limits),
      cmocka_unit_test(test_dedupe_and_hits), cmocka_unit_test(test_token_trimming),
      cmocka_unit_test(test_long_text),       cmocka_unit_test(test_shape),
      cmocka_unit_test(test_context_helpers), cmocka_unit_test(test_document),
      cmocka_unit_test(test_degenerate_tokens), cmocka_unit_test(test_out_of_order_emits),
      cmocka_unit_test(test_many_items),      cmocka_unit_test(test_block_edges),
      cmocka_unit_test(test_random_blocks),
      cmocka_unit_test(test_host_names),
      cmocka_unit_test(test_context_random),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
