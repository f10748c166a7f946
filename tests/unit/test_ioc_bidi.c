/*
 * Unit tests of bidirectional controls inside observables: how a value
 * displays (ctix_ioc_bidi_read, src/lib/ioc/bidi.c: the explicit rules of
 * the Unicode bidirectional algorithm, simplified implicit rules, the
 * reversal of L2), and extraction keeping a control that sits inside a
 * name (scan.c) while a control at the edge of a token, or inside a host,
 * stays out of the value as before.
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
#include "util/utf8.h"

/* The controls in UTF-8. */
#define ALM "\xd8\x9c"
#define LRM "\xe2\x80\x8e"
#define RLM "\xe2\x80\x8f"
#define LRE "\xe2\x80\xaa"
#define RLE "\xe2\x80\xab"
#define PDF "\xe2\x80\xac"
#define LRO "\xe2\x80\xad"
#define RLO "\xe2\x80\xae"
#define LRI "\xe2\x81\xa6"
#define RLI "\xe2\x81\xa7"
#define FSI "\xe2\x81\xa8"
#define PDI "\xe2\x81\xa9"
/* Hebrew alef, bet, gimel */
#define ALEF "\xd7\x90"
#define BET "\xd7\x91"
#define GIMEL "\xd7\x92"

/* Bit of a control in ctix_ioc_bidi.controls, found by its code. */
static uint32_t bit_of(const char *code)
{
  unsigned i;
  for (i = 0; i < CTIX_IOC_BIDI_NCONTROLS; i++)
    if (strcmp(ctix_ioc_bidi_code(i), code) == 0)
      return 1u << i;
  fail_msg("no control %s", code);
  return 0;
}

/* value displays as `display`, reordered or not, with `count` controls. */
static void expect_display(const char *value, const char *display, bool reordered,
                           unsigned count)
{
  ctix_ioc_bidi b;
  ctix_error err;
  ctix_error_clear(&err);
  assert_int_equal(ctix_ioc_bidi_read(&b, value, strlen(value), &err), 0);
  if (b.count != count || !b.display || strcmp(b.display, display) != 0 ||
      b.display_len != strlen(display) || b.reordered != reordered)
    fail_msg("'%s': display '%s' reordered %d count %u; want '%s' %d %u", value,
             b.display ? b.display : "(null)", b.reordered, b.count, display, reordered,
             count);
  assert_non_null(b.note);
  ctix_ioc_bidi_clear(&b);
  assert_null(b.display);
  assert_null(b.note);
}

static void test_display(void **state)
{
  (void)state;
  /* the masquerade: everything after the override is shown reversed */
  expect_display("inv" RLO "fdp.exe", "invexe.pdf", true, 1);
  expect_display("Photo" RLO "gpj.scr", "Photorcs.jpg", true, 1);
  expect_display("C:\\Users\\Public\\inv" RLO "fdp.exe", "C:\\Users\\Public\\invexe.pdf", true, 1);
  /* digits under an override are reversed too */
  expect_display("Invoice_" RLO "4202.exe", "Invoice_exe.2024", true, 1);
  /* a pop ends the override */
  expect_display("a" RLO "bc" PDF "d.txt", "acbd.txt", true, 2);
  /* an override nested in another: its run keeps its order, moved as a block */
  expect_display("x" RLO "ab" LRO "cd" PDF "ef", "xfecdba", true, 3);
  /* a left-to-right override over Hebrew shows the letters in logical
   * order, which they would not be without it */
  expect_display("f" LRO ALEF BET GIMEL ".doc", "f" ALEF BET GIMEL ".doc", true, 1);
  /* marks that change nothing: between Latin letters, or after Hebrew
   * shown right to left anyway */
  expect_display("doc" LRM "1.pdf", "doc1.pdf", false, 1);
  expect_display(ALEF BET LRM ".pdf", BET ALEF ".pdf", false, 1);
  /* an override that makes Latin and Hebrew trade places */
  expect_display(ALEF BET RLO "ab", "ba" BET ALEF, true, 1);
  /* embeddings and isolates do not reorder Latin letters */
  expect_display("ab" RLE "cd.exe" PDF, "abcd.exe", false, 2);
  expect_display("x" RLI "y.dll", "xy.dll", false, 1);
  expect_display("x" LRI "y.dll" PDI, "xy.dll", false, 2);
  expect_display("x" FSI ALEF BET PDI ".js", "x" BET ALEF ".js", false, 2);
  /* isolates nested without a close: the isolating run sequences end at
   * the paragraph's level, so the dot goes with the right-to-left run
   * (ICU shows invoiceexe.pdf) */
  expect_display("invoice" RLI "pdf." LRI "exe", "invoiceexe.pdf", true, 2);
  expect_display("Invoice" RLI "pdf." LRI "scr" PDI, "Invoicescr.pdf", true, 3);
  /* W4: a dot between digits joins them into one number */
  expect_display("report" RLO "cod" PDF "2024.1.exe", "report2024.1doc.exe", true, 2);
  /* the start of a run from embedding levels, not resolved ones */
  expect_display(ALEF "1" RLE "-a", "a-1" ALEF, true, 1);
  /* marks */
  expect_display("ar" ALM "abc.doc", "arabc.doc", false, 1);
  expect_display("a" RLM "b", "ab", false, 1);
  /* a single character after the override: displayed as written */
  expect_display("Ru" RLO "n", "Run", false, 1);
  /* only controls */
  expect_display(RLO PDF, "", false, 2);
}

static void test_controls_and_note(void **state)
{
  ctix_ioc_bidi b;
  const char *v = "a" LRM "b" RLO "cd" PDF "e" PDI;
  unsigned i;
  (void)state;
  assert_int_equal(ctix_ioc_bidi_read(&b, v, strlen(v), NULL), 0);
  assert_int_equal(b.count, 4);
  assert_int_equal(b.controls, bit_of("U+200E") | bit_of("U+202E") | bit_of("U+202C") |
                                   bit_of("U+2069"));
  assert_true(b.reordered);
  assert_string_equal(b.display, "abdce");
  assert_string_equal(b.note, "spoofed: displays as \"abdce\" (left-to-right mark U+200E, pop "
                              "directional formatting U+202C, right-to-left override U+202E, "
                              "pop directional isolate U+2069; ATT&CK T1036.002)");
  ctix_ioc_bidi_clear(&b);
  assert_int_equal(ctix_ioc_bidi_read(&b, "a" LRM "b", 5, NULL), 0);
  assert_string_equal(b.note, "hidden bidi control: displays as \"ab\" (left-to-right mark U+200E)");
  ctix_ioc_bidi_clear(&b);
  /* every control of the table is one, by its code point */
  for (i = 0; i < CTIX_IOC_BIDI_NCONTROLS; i++) {
    char buf[8];
    unsigned long cp = strtoul(ctix_ioc_bidi_code(i) + 2, NULL, 16);
    size_t n = ctix__utf8_encode((uint32_t)cp, buf);
    assert_int_equal(ctix__utf8_bidi_control((const unsigned char *)buf, n), n);
    assert_non_null(ctix_ioc_bidi_name(i));
  }
  assert_null(ctix_ioc_bidi_code(CTIX_IOC_BIDI_NCONTROLS));
  assert_null(ctix_ioc_bidi_name(CTIX_IOC_BIDI_NCONTROLS));
  ctix_ioc_bidi_clear(NULL);
}

static void test_no_control(void **state)
{
  /* neighbours of the controls that are none: ZWSP, ZWJ, U+2065, U+2060 */
  static const char *const values[] = {
      "plain.exe", "", "\xe2\x80\x8b", "\xe2\x80\x8d", "\xe2\x81\xa5", "\xe2\x81\xa0",
      "\xe2\x80\xa9", "\xd8\x9b", "\xe2\x80", "\xd8", ALEF BET ".pdf",
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
    ctix_ioc_bidi b;
    assert_int_equal(ctix_ioc_bidi_read(&b, values[i], strlen(values[i]), NULL), 0);
    assert_int_equal(b.count, 0);
    assert_int_equal(b.controls, 0);
    assert_false(b.reordered);
    assert_null(b.display);
    assert_null(b.note);
    ctix_ioc_bidi_clear(&b);
  }
}

static void test_limits(void **state)
{
  char v[1024];
  size_t n = 0, i;
  ctix_ioc_bidi b;
  (void)state;
  /* more embeddings than the 125 levels: the overflow is counted, not pushed */
  for (i = 0; i < 200; i++) {
    memcpy(v + n, RLE, 3);
    n += 3;
  }
  memcpy(v + n, "name.exe", 8);
  n += 8;
  assert_int_equal(ctix_ioc_bidi_read(&b, v, n, NULL), 0);
  assert_int_equal(b.count, 200);
  assert_string_equal(b.display, "name.exe");
  ctix_ioc_bidi_clear(&b);
  /* invalid UTF-8 around an override: each byte one neutral character */
  memcpy(v, "a\xff" RLO "b\xc3", 7);
  assert_int_equal(ctix_ioc_bidi_read(&b, v, 7, NULL), 0);
  assert_int_equal(b.display_len, 4);
  assert_memory_equal(b.display, "a\xff\xc3"
                                 "b",
                      4);
  assert_true(b.reordered);
  ctix_ioc_bidi_clear(&b);
  /* an invalid byte is a neutral: between two Hebrew letters it is shown
   * right to left with them */
  expect_display(ALEF "\xff" BET LRM, BET "\xff" ALEF, false, 1);
  /* first-strong isolates: direction from the first strong letter before
   * the matching PDI, nested isolates skipped (as ICU shows them) */
  expect_display("x" FSI LRI "ab" PDI ALEF PDI ".js", "x" ALEF "ab.js", true, 4);
  expect_display("x" FSI "." FSI ALEF PDI BET ".js", "xjs." BET ALEF ".", true, 3);
  expect_display("x" FSI RLM ".a" PDI "b", "xa.b", true, 3);
  /* isolates and pops without a match */
  expect_display(PDI PDF "a" PDF PDI ".b", "a.b", false, 4);
}

/* No item of `type` holds a byte of a bidirectional control. */
static void expect_no_control(const char *text, ctix_ioc_type type)
{
  ctix_ioc_list *l = ioc_run(text);
  size_t i;
  for (i = 0; i < l->nitems; i++) {
    const char *v = l->items[i].value;
    size_t k, n = strlen(v);
    for (k = 0; k < n; k++)
      if (l->items[i].type == type && ctix__utf8_bidi_control((const unsigned char *)v + k, n - k)) {
        ioc_dump(text, l);
        ctix_ioc_list_free(l);
        fail_msg("a control in %s \"%s\"", ctix_ioc_type_name(type), v);
      }
  }
  ctix_ioc_list_free(l);
}

static void test_extraction_keeps_names(void **state)
{
  (void)state;
  /* the whole name, real bytes, not the part after the override */
  expect_accepted("The attachment inv" RLO "fdp.exe was opened.", CTIX_IOC_FILE_NAME,
              "inv" RLO "fdp.exe");
  expect_value_absent("The attachment inv" RLO "fdp.exe was opened.", CTIX_IOC_FILE_NAME, "fdp.exe");
  expect_accepted("Dropped Photo" RLO "gpj.scr.", CTIX_IOC_FILE_NAME, "Photo" RLO "gpj.scr");
  expect_accepted("see (Invoice" LRM "2024" RLO "cod.exe)", CTIX_IOC_FILE_NAME,
              "Invoice" LRM "2024" RLO "cod.exe");
  expect_accepted("copied to C:\\Users\\Public\\inv" RLO "fdp.exe and run", CTIX_IOC_FILE_PATH,
              "C:\\Users\\Public\\inv" RLO "fdp.exe");
  expect_accepted("copied to /tmp/a" RLO "hs.b today", CTIX_IOC_FILE_PATH, "/tmp/a" RLO "hs.b");
  expect_accepted("fetched hxxp://evil[.]com/doc" RLO "fdp.exe?x=1 first", CTIX_IOC_URL,
              "http://evil.com/doc" RLO "fdp.exe?x=1");
  expect_accepted("from bad" RLO "user@evil.com today", CTIX_IOC_EMAIL, "bad" RLO "user@evil.com");
  expect_accepted("the names a" RLI "b.dll and ar" ALM "abc.doc", CTIX_IOC_FILE_NAME,
              "a" RLI "b.dll");
  expect_accepted("the names a" RLI "b.dll and ar" ALM "abc.doc", CTIX_IOC_FILE_NAME,
              "ar" ALM "abc.doc");
}

static void test_extraction_edges_and_hosts(void **state)
{
  (void)state;
  /* a control at the edge of a token is the text's formatting */
  expect_accepted("visit " LRM "evil.com" RLM ", then", CTIX_IOC_DOMAIN, "evil.com");
  expect_no_control("visit " LRM "evil.com" RLM ", then", CTIX_IOC_DOMAIN);
  expect_accepted("file " RLO "payload.exe" PDF ".", CTIX_IOC_FILE_NAME, "payload.exe");
  expect_no_control("file " RLO "payload.exe" PDF ".", CTIX_IOC_FILE_NAME);
  /* a host never keeps a control (IDNA forbids them): a token no
   * recognizer takes whole is offered in pieces, as before */
  expect_accepted("word" LRM "evil2.com here", CTIX_IOC_DOMAIN, "evil2.com");
  expect_no_control("word" LRM "evil2.com here", CTIX_IOC_DOMAIN);
  expect_no_control("https://ev" RLO "il.com/x", CTIX_IOC_DOMAIN);
  expect_accepted("hash d41d8cd98f00b204e9800998ecf8427e" LRM " seen", CTIX_IOC_MD5,
              "d41d8cd98f00b204e9800998ecf8427e");
  expect_accepted("CVE-2024-1234" RLM " fixed", CTIX_IOC_CVE, "CVE-2024-1234");
}

/* prefix + reps times (FSI, U+00D7) + suffix, NUL-terminated, in a new
 * block (*n: its length): first-strong isolates that nothing closes, each
 * followed by a neutral only (the reviewer's 780 KB text is twelve lines
 * of "a" and 13000 of them). */
static char *fsi_text(const char *prefix, size_t reps, const char *suffix, size_t *n)
{
  size_t lp = strlen(prefix), ls = strlen(suffix), i;
  char *v = malloc(lp + reps * 5 + ls + 1);
  assert_non_null(v);
  memcpy(v, prefix, lp);
  for (i = 0; i < reps; i++)
    memcpy(v + lp + 5 * i, FSI "\xc3\x97", 5);
  memcpy(v + lp + 5 * reps, suffix, ls + 1);
  *n = lp + 5 * reps + ls;
  return v;
}

/* Work (ctix__ioc_bidi_read_work) for "a" + reps isolates + "b1.exe". */
static size_t fsi_work(size_t reps)
{
  size_t n, work = 0;
  char *v = fsi_text("a", reps, "b1.exe", &n);
  ctix_ioc_bidi b;
  assert_int_equal(ctix__ioc_bidi_read_work(&b, &work, v, n, NULL), 0);
  assert_int_equal(b.count, reps);
  ctix_ioc_bidi_clear(&b);
  free(v);
  return work;
}

static void test_linear_work(void **state)
{
  size_t w1, w2;
  (void)state;
  /* twice the controls, twice the work: a scan to the value's end for
   * each isolate (quadratic) would make it four times */
  w1 = fsi_work(6500);
  w2 = fsi_work(13000);
  if (w2 > 2 * w1 + w1 / 8 || w2 > 300 * (13000 * 2 + 7))
    fail_msg("work %zu for 6500 isolates, %zu for 13000: not linear", w1, w2);
}

/* A line of the reviewer's reproducer: extraction keeps the file name
 * holding 13000 first-strong isolates, and its display is computed. */
static void test_extraction_many_isolates(void **state)
{
  size_t n, i, found = 0;
  char *text = fsi_text("file a", 13000, "b1.exe here", &n);
  ctix_ioc_list *l;
  (void)state;
  l = ioc_run(text);
  for (i = 0; i < l->nitems; i++) {
    ctix_ioc_bidi b;
    if (l->items[i].type != CTIX_IOC_FILE_NAME)
      continue;
    found++;
    assert_int_equal(ctix_ioc_bidi_read(&b, l->items[i].value, strlen(l->items[i].value), NULL),
                     0);
    ctix_ioc_bidi_clear(&b);
  }
  assert_true(found >= 1);
  ctix_ioc_list_free(l);
  free(text);
}

/* The reviewer's texts where two controls end a spoofed name. */
static void test_extraction_control_runs(void **state)
{
  (void)state;
  expect_accepted(ALEF BET " " LRM "Invoice" RLO "cod.scr" PDF LRM " " GIMEL, CTIX_IOC_FILE_NAME,
                  "Invoice" RLO "cod.scr");
  expect_accepted("file inv" RLO "fdp.exe" PDF RLM " here", CTIX_IOC_FILE_NAME,
                  "inv" RLO "fdp.exe");
  expect_value_absent("file inv" RLO "fdp.exe" PDF RLM " here", CTIX_IOC_FILE_NAME, "fdp.exe");
  expect_accepted("file inv" RLO "fdp.exe" LRM LRM " here", CTIX_IOC_FILE_NAME,
                  "inv" RLO "fdp.exe");
  expect_accepted("file " RLM RLM "inv.exe here", CTIX_IOC_FILE_NAME, "inv.exe");
  expect_accepted("see https://evil.com/a/b.php?x=1" LRI PDI ". ok", CTIX_IOC_URL,
                  "https://evil.com/a/b.php?x=1");
  expect_no_control("see https://evil.com/a/b.php?x=1" LRI PDI ". ok", CTIX_IOC_URL);
}

/* A control after the '-' or '.' that separates the words of a name
 * opens its next word: the whole name, not the part after it. */
static void test_extraction_after_dash_dot(void **state)
{
  (void)state;
  expect_accepted("a invoice-" RLO "fdp.exe b", CTIX_IOC_FILE_NAME, "invoice-" RLO "fdp.exe");
  expect_value_absent("a invoice-" RLO "fdp.exe b", CTIX_IOC_FILE_NAME, "fdp.exe");
  expect_accepted("c Scan.2024." RLO "fdp.exe d", CTIX_IOC_FILE_NAME, "Scan.2024." RLO "fdp.exe");
  /* a control before the '.' that ends a sentence stays out */
  expect_accepted("file inv" RLO "fdp.exe" PDF ". Then", CTIX_IOC_FILE_NAME, "inv" RLO "fdp.exe");
}

/* Marks glued to a right-to-left word change nothing shown: the values
 * are those of the extractor before controls were kept. */
static void test_extraction_marks_as_before(void **state)
{
  (void)state;
  expect_accepted(BET RLM "payload.dll " ALEF, CTIX_IOC_FILE_NAME, "payload.dll");
  expect_accepted(BET RLM "attacker@mail.ru " ALEF, CTIX_IOC_EMAIL, "attacker@mail.ru");
  expect_accepted("see https://evil.com/a/b.php?x=1" LRM ALEF BET " ok", CTIX_IOC_URL,
                  "https://evil.com/a/b.php?x=1");
  expect_accepted(BET RLM "C:\\Users\\Public\\svc.exe " ALEF, CTIX_IOC_FILE_PATH,
                  "C:\\Users\\Public\\svc.exe");
  expect_no_control(BET RLM "payload.dll " ALEF, CTIX_IOC_FILE_NAME);
  expect_no_control(BET RLM "attacker@mail.ru " ALEF, CTIX_IOC_EMAIL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_display),
      cmocka_unit_test(test_controls_and_note),
      cmocka_unit_test(test_no_control),
      cmocka_unit_test(test_limits),
      cmocka_unit_test(test_extraction_keeps_names),
      cmocka_unit_test(test_extraction_edges_and_hosts),
      cmocka_unit_test(test_linear_work),
      cmocka_unit_test(test_extraction_many_isolates),
      cmocka_unit_test(test_extraction_control_runs),
      cmocka_unit_test(test_extraction_marks_as_before),
      cmocka_unit_test(test_extraction_after_dash_dot),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
