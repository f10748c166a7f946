/*
 * Unit tests of refang and defang (src/lib/ioc/refang.c): every defang
 * style (bracketed, parenthesised and braced dots and words, escaped dots,
 * schemes hxxp / h**p / xxxx / fxp / ftx, broken separators, word forms
 * between host labels, spaced dots, brackets around whole hosts, half
 * brackets), the prose and markup that must be left alone, the sparse edit
 * map behind the offsets of extracted observables, the AVX2 and scalar
 * passes agreeing, the shortcuts for common forms agreeing with the full
 * rules, and ctix_defang.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/ioc.h"
#include "ioc/scan.h"
#include "ioc_test.h"
#include "util/buf.h"

/* refang(in) must be `want`, in both passes. */
static void refangs(const char *in, const char *want)
{
  int pass;
  for (pass = 0; pass < 2; pass++) {
    char *out = NULL;
    size_t n = 0;
    ctix__ioc_force_scalar = pass == 1;
    assert_int_equal(ctix_refang(&out, &n, in, strlen(in), NULL), 0);
    ctix__ioc_force_scalar = false;
    assert_non_null(out);
    if (strcmp(out, want) != 0)
      fail_msg("refang(\"%s\") = \"%s\", want \"%s\" (%s pass)", in, out, want,
               pass ? "scalar" : "default");
    assert_int_equal(n, strlen(want));
    free(out);
  }
}

#define SAME(s) refangs(s, s)

static void test_dots(void **state)
{
  refangs("c2[.]badcorp[.]ru", "c2.badcorp.ru");
  refangs("c2(.)badcorp(.)ru", "c2.badcorp.ru");
  refangs("c2{.}badcorp{.}ru", "c2.badcorp.ru");
  refangs("c2<.>badcorp<.>ru", "c2.badcorp.ru");
  refangs("c2[dot]badcorp(DOT)ru{Dot}net", "c2.badcorp.ru.net");
  refangs("c2[punto]badcorp(punkt)ru", "c2.badcorp.ru");
  refangs("c2\\.badcorp\\.ru", "c2.badcorp.ru");
  refangs("172\\\\\\.16\\.9\\.4", "172.16.9.4");
  refangs("www^.badcorp^.ru", "www.badcorp.ru");
  refangs("172[.]16[.]9[.]4", "172.16.9.4");
  refangs("172[,]16(,)9[,]4", "172.16.9.4");
  refangs("badcorp[-]cdn[.]ru", "badcorp-cdn.ru");
}

/*
 * The common clusters "[.]" "(.)" "[dot]" take a short way between a host
 * byte and a label byte, and plain "http://" "https://" skip the scheme
 * normaliser; next to anything else the full rules decide as before.
 */
static void test_common_forms(void **state)
{
  (void)state;
  refangs("a[DOT]b c(dOt]d e{.)f g(.]h", "a.b c.d e.f g.h");
  refangs("evil[.]]com evil [.] com evil[.] com", "evil.com evil.com evil.com");
  SAME("[.]com evil");
  SAME("evil[.]");
  SAME("x[dot]");
  SAME("evil[.](com");
  SAME("(copy)[.]pdf");
  SAME("obj[.]_x");
  SAME("x[.]-y");
  SAME("evil[.][.]com");
  SAME("x[dots]com");
  SAME("a[dotnet]b");
  refangs("example[dotcom", "example.com");
  refangs("HTTP:// example .com /test", "http://example.com/test");
  refangs("Https://a[.]b and HTTP://c(.)d", "Https://a.b and HTTP://c.d");
  refangs("see http://x[.]y and hxxp://z[.]w", "see http://x.y and http://z.w");
  SAME("xhttp:// a .b");
  SAME("1http:// a .b");
}

static void test_odd_brackets(void **state)
{
  refangs("172[[[.]]]16((.))9{{.}}4", "172.16.9.4");
  refangs("172(((.]]]16[(.)9.)))4", "172.16.9.4");
  refangs("badcorp[.ru and badcorp.]net", "badcorp.ru and badcorp.net");
  refangs("www].[badcorp].]ru", "www.badcorp.ru");
  refangs("www[.[badcorp}.}ru", "www.badcorp.ru");
  refangs("mail.badcorp[dotru", "mail.badcorp.ru");
  refangs("badcorp [ . ] ru", "badcorp.ru");
  refangs("badcorp   [[ ( . ) ]]  ru", "badcorp.ru");
  refangs("[www].badcorp.ru", "www.badcorp.ru");
  refangs("(cdn).badcorp.ru", "cdn.badcorp.ru");
  refangs("see [cdn.badcorp.ru] now", "see cdn.badcorp.ru now");
}

static void test_half_words(void **state)
{
  refangs("badcorpDOT}ru", "badcorp.ru");
  refangs("badcorppunkt)ru", "badcorp.ru");
  refangs("opsat]badcorp.ru", "ops@badcorp.ru");
  refangs("opsarroba}badcorp.ru", "ops@badcorp.ru");
  refangs("badcorpDOTru", "badcorp.ru");
  refangs("opsATbadcorp.ru", "ops@badcorp.ru");
  refangs("badcorp-dot-ru", "badcorp.ru");
  SAME("a polka-dot-pattern dress");
  SAME("opsATAbadcorp");
  SAME("badcorpdotru");
}

static void test_at(void **state)
{
  refangs("ops[@]badcorp.ru", "ops@badcorp.ru");
  refangs("ops(at)badcorp.ru", "ops@badcorp.ru");
  refangs("ops{AT}badcorp.ru", "ops@badcorp.ru");
  refangs("ops [et] badcorp.ru", "ops@badcorp.ru");
  refangs("ops { @ ) badcorp.ru", "ops@badcorp.ru");
  refangs("ops @ badcorp.ru", "ops@badcorp.ru");
  refangs("ops@ badcorp[.]ru", "ops@badcorp.ru");
  refangs("ops at badcorp dot ru", "ops@badcorp.ru");
  refangs("ops at badcorp [dot] ru", "ops@badcorp.ru");
  refangs("ops AT badcorp.ru", "ops@badcorp.ru");
  refangs("ops At badcorp DOT ru DOT lan", "ops@badcorp.ru.lan");
  refangs("ops@badcorp dot ru", "ops@badcorp.ru");
  refangs("ops/AT/badcorp/DOT/ru", "ops@badcorp.ru");
  refangs("ops@badcorp.ru [.lan", "ops@badcorp.ru.lan");
  /* English */
  SAME("we looked at badcorp.ru and at noon");
  SAME("meet @ noon, or @ 5pm");
  SAME("the dot com bubble");
  SAME("look at this dot there");
  SAME("glance at that dot, then");
}

static void test_schemes(void **state)
{
  refangs("hxxp://badcorp.ru/a", "http://badcorp.ru/a");
  refangs("hXXps://badcorp.ru/a", "https://badcorp.ru/a");
  refangs("h**p://badcorp.ru h**ps://badcorp.ru", "http://badcorp.ru https://badcorp.ru");
  refangs("htxp://badcorp.ru", "http://badcorp.ru");
  refangs("XXXX://badcorp.ru xxxxs://badcorp.ru xxxxx://badcorp.ru",
          "http://badcorp.ru https://badcorp.ru https://badcorp.ru");
  refangs("fxp://badcorp.ru ftx://badcorp.ru", "ftp://badcorp.ru ftp://badcorp.ru");
  refangs("http[:]//badcorp.ru", "http://badcorp.ru");
  refangs("hxxps[://]badcorp.ru", "https://badcorp.ru");
  refangs("[http]://badcorp.ru (https)://badcorp.ru", "http://badcorp.ru https://badcorp.ru");
  refangs("http]://badcorp.ru", "http://badcorp.ru");
  refangs("http__badcorp.ru/a http:__badcorp.ru", "http://badcorp.ru/a http://badcorp.ru");
  refangs("http:\\\\badcorp.ru/a", "http://badcorp.ru/a");
  refangs("https//badcorp.ru http// badcorp.ru", "https://badcorp.ru http://badcorp.ru");
  refangs("http ://badcorp.ru", "http://badcorp.ru");
  refangs("https:/// badcorp.ru", "https://badcorp.ru");
  refangs("http:// badcorp .ru /x", "http://badcorp.ru/x");
  refangs("tcp[:]//10[.]1[.]2[.]3:4444", "tcp://10.1.2.3:4444");
  refangs("see[/]path and badcorp.ru[/x", "see/path and badcorp.ru/x");
  /* plain and unknown words stay */
  SAME("HTTPS://badcorp.ru/A ldap://badcorp.ru");
  SAME("hxxpfoo h**pbar my__var and//or");
}

static void test_spaced_dots(void **state)
{
  refangs("ip 10.20.30 . 40 seen", "ip 10.20.30.40 seen");
  refangs("ip 10.20 .30.40 seen", "ip 10.20.30.40 seen");
  SAME("Version 2 . 3 is out.");
  SAME("It ends . Then");
}

static void test_left_alone(void **state)
{
  SAME("");
  SAME("plain prose, with (parentheses) and [brackets]. And e.g. a list: a, b; c!");
  SAME("[link text](https://badcorp.ru/x) and [1] and (a) (b).");
  SAME("[2a01:4f8::7]:443 and http://[2a01:4f8::7]/x");
  SAME("\\\\.\\PhysicalDrive0 \\\\?\\C:\\x C:\\Users\\me\\.ssh\\id_rsa %APPDATA%\\.cfg");
  SAME("a. [b and x.(y) and (.NET Framework)");
  SAME("state-of-the-art, A/B testing, TCP/IP, Mozilla/5.0 (X11)");
  SAME("std::vector<int> x; y = a ? b : c;");
  SAME("\xe2\x80\x9cquoted\xe2\x80\x9d caf\xc3\xa9");
  SAME("nul\0byte");
}

/* Offsets of extracted observables point at the text as written. */
static void test_offsets(void **state)
{
  const char *t = "first hxxp://c2[.]badcorp[.]ru/a then ops[at]badcorp(.)ru and 10[.]1[.]2[.]3";
  ctix_ioc_list *l = NULL;
  size_t i, nurl = 0;
  assert_int_equal(ctix_ioc_extract(&l, t, strlen(t), NULL, NULL), 0);
  for (i = 0; i < l->nitems; i++) {
    const ctix_ioc *it = &l->items[i];
    assert_memory_equal(it->original, t + it->span.start, it->span.end - it->span.start);
    if (it->type == CTIX_IOC_URL) {
      nurl++;
      assert_string_equal(it->value, "http://c2.badcorp.ru/a");
      assert_string_equal(it->original, "hxxp://c2[.]badcorp[.]ru/a");
      assert_true(it->defanged);
    }
    if (it->type == CTIX_IOC_EMAIL) {
      assert_string_equal(it->value, "ops@badcorp.ru");
      assert_string_equal(it->original, "ops[at]badcorp(.)ru");
    }
    if (it->type == CTIX_IOC_IPV4)
      assert_string_equal(it->original, "10[.]1[.]2[.]3");
  }
  assert_int_equal(nurl, 1);
  for (i = 0; i < l->nhits; i++)
    assert_true(l->hits[i].defanged);
  ctix_ioc_list_free(l);
}

/* The edit map: sparse, and mapping both ends of a span. */
static void test_edit_map(void **state)
{
  const char *in = "ab hxxp://x[.]y cd";
  ctix_buf out = CTIX_BUF_INIT(1024), ed = CTIX_BUF_INIT(1024 * sizeof(ctix__ioc_edit));
  const ctix__ioc_edit *e;
  size_t a, z, n;
  bool d;
  assert_int_equal(ctix__ioc_refang_into(&out, &ed, in, strlen(in)), 0);
  assert_string_equal(out.data, "ab http://x.y cd");
  n = CTIX__BUF_COUNT(&ed, ctix__ioc_edit);
  assert_int_equal(n, 2); /* "hxxp" and "[.]": only what changed */
  e = (const ctix__ioc_edit *)(void *)ed.data;
  /* "http://x.y" is [3, 13) in the output, "hxxp://x[.]y" [3, 15) in the input */
  ctix__ioc_map_span(e, n, 3, 13, &a, &z, &d);
  assert_int_equal(a, 3);
  assert_int_equal(z, 15);
  assert_true(d);
  /* "cd" after the edits */
  ctix__ioc_map_span(e, n, 14, 16, &a, &z, &d);
  assert_int_equal(a, 16);
  assert_int_equal(z, 18);
  assert_false(d);
  /* "ab" before them */
  ctix__ioc_map_span(e, n, 0, 2, &a, &z, &d);
  assert_int_equal(a, 0);
  assert_int_equal(z, 2);
  assert_false(d);
  ctix__buf_free(&out);
  ctix__buf_free(&ed);
}

/* A long text: both passes agree byte for byte, across their block sizes. */
static void test_passes_agree(void **state)
{
  static const char *const pieces[] = {
      "hxxp://a[.]badcorp[.]ru/x ", "ops at badcorp dot ru ", "10[[.]]1(.)2[.]3 ",
      "plain words and more words ", "x.]y.net ", "https// z.org ", "C:\\a\\.b ",
      "  spaced  text\there\n", "http:// h .badcorp .ru /p ", "caf\xc3\xa9 ", "(cdn).x.ru ",
  };
  ctix_buf in = CTIX_BUF_INIT(1 << 20);
  char *a = NULL, *b = NULL;
  size_t an, bn, i;
  for (i = 0; i < 3000; i++)
    ctix__buf_adds(&in, pieces[(i * 7 + i / 3) % (sizeof(pieces) / sizeof(pieces[0]))]);
  assert_int_equal(in.err, 0);
  ctix__ioc_force_scalar = false;
  assert_int_equal(ctix_refang(&a, &an, in.data, in.len, NULL), 0);
  ctix__ioc_force_scalar = true;
  assert_int_equal(ctix_refang(&b, &bn, in.data, in.len, NULL), 0);
  ctix__ioc_force_scalar = false;
  assert_int_equal(an, bn);
  assert_memory_equal(a, b, an);
  assert_true(an < in.len);
  free(a);
  free(b);
  ctix__buf_free(&in);
}

/* Refangs t[0..n) with the pass chosen by ctix__ioc_force_scalar into out
 * and edits (initialised here). */
static void refang_with(ctix_buf *out, ctix_buf *ed, const char *t, size_t n, bool scalar)
{
  ctix__buf_init(out, 1 << 20);
  ctix__buf_init(ed, 1 << 24);
  ctix__ioc_force_scalar = scalar;
  assert_int_equal(ctix__ioc_refang_into(out, ed, t, n), 0);
  ctix__ioc_force_scalar = false;
}

/*
 * Refangs t[0..n) (a heap copy of exactly that length) with the default
 * pass (vector steps, the shortcuts for plain "http://" / "https://" and
 * plain_dot_cluster) and with the byte loop and the full rules alone
 * (ctix__ioc_force_scalar); fails unless the texts and the edits are the
 * same. Returns whether the text changed.
 */
static bool passes_agree(const char *t0, size_t n)
{
  ctix_buf va, ve, sa, se;
  char *t = malloc(n ? n : 1);
  bool changed;
  assert_non_null(t);
  memcpy(t, t0, n);
  refang_with(&va, &ve, t, n, false);
  refang_with(&sa, &se, t, n, true);
  if (va.len != sa.len || memcmp(va.data, sa.data, va.len) != 0 || ve.len != se.len ||
      memcmp(ve.data, se.data, ve.len) != 0)
    fail_msg("\"%.*s\": the default pass gives \"%.*s\", the scalar one \"%.*s\"", (int)n, t0,
             (int)va.len, va.data, (int)sa.len, sa.data);
  changed = va.len != n || memcmp(va.data, t0, n) != 0;
  ctix__buf_free(&va);
  ctix__buf_free(&ve);
  ctix__buf_free(&sa);
  ctix__buf_free(&se);
  free(t);
  return changed;
}

/*
 * Random texts dense in the bytes refang stops at and their followers
 * (brackets, '.', ':', '/', '\\', '_', '-', "AT", "DO", " at ", " dot",
 * white space, letters): the vector pass, whose stop mask decides alone
 * for every byte but a space, and the byte loop give the same text and
 * the same edits (passes_agree: each text a heap copy of exactly its
 * length).
 */
static void test_passes_agree_random(void **state)
{
  static const char *const pieces[] = {
      "[", "]", "(", ")", "{", "}", "<", ">", ".", ":", "/", "\\", "_", "-", "@", "^",
      "A", "T", "D", "O", "d", "o", "t", "a", " ", "\t", " at ", " dot ", " do", " a",
      "x", "com", "evil", "http", "hxxp", "://", "[.]", "(.)", "[dot]", "1", "\n"};
  char text[3000];
  uint32_t x = 4242;
  int round;
  (void)state;
  for (round = 0; round < 60; round++) {
    size_t n = 0, lim = round < 20 ? (size_t)round * 3 + 1 : sizeof(text) - 8;
    while (n < lim)
      ioc_add_piece(text, &n, &x, pieces, sizeof(pieces) / sizeof(pieces[0]));
    passes_agree(text, n);
  }
}

/* Writes case form number `mask` of word w (bit i: letter i upper-cased) to out. */
static void case_form(char *out, const char *w, unsigned mask)
{
  size_t i;
  for (i = 0; w[i]; i++)
    out[i] = (mask >> i & 1) && w[i] >= 'a' && w[i] <= 'z' ? (char)(w[i] - 32) : w[i];
  out[i] = '\0';
}

/*
 * The shortcuts give the full rules' answer on every form they could meet:
 * every case form of http / https and of their defanged spellings, with
 * plain, broken and bracketed separators, after nothing, a letter, a digit
 * or a bracket, before a defanged and a spaced host; every opener, closer
 * and case form of "[.]" / "[dot]" (and near misses) between every kind of
 * neighbour, at both edges of the text.
 */
static void test_shortcuts_agree(void **state)
{
  static const char *const words[] = {"http", "https", "hxxp", "hxxps", "h**p", "htxp",
                                      "hxtp", "xxxx", "xxxxs", "xxxxx", "fxp",  "httpx",
                                      "htp", "ttp", "shttp"};
  static const char *const before[] = {"", "x", "1", "[", "(", " ", "a ", "]"};
  static const char *const seps[] = {"://", "[://]", "[:]//", ":/", ":///", "]://", " ://",
                                     "__", ":\\\\"};
  static const char *const after[] = {"example[.]com/p", " example .com /p", "x", ""};
  static const char *const opens = "[({<", *const closes = "])}>";
  static const char *const cores[] = {".", "dot", "do", "dott", ",", ""};
  static const char *const lefts[] = {"", "a", "1", "-", " ", "\xc3\xa9", ".", "_"};
  static const char *const rights[] = {"", "b", "1", "-", " ", ".", "_", "\xc3\xa9", "[.]c"};
  char t[128], w[16];
  size_t a, b, c, d, o, q;
  unsigned mask, changed = 0, cases = 0;
  (void)state;
  for (a = 0; a < sizeof(words) / sizeof(words[0]); a++)
    for (mask = 0; mask < 1u << strlen(words[a]); mask++)
      for (b = 0; b < sizeof(before) / sizeof(before[0]); b++)
        for (c = 0; c < sizeof(seps) / sizeof(seps[0]); c++)
          for (d = 0; d < sizeof(after) / sizeof(after[0]); d++) {
            case_form(w, words[a], mask);
            snprintf(t, sizeof(t), "%s%s%s%s", before[b], w, seps[c], after[d]);
            changed += passes_agree(t, strlen(t));
            cases++;
          }
  for (o = 0; o < 4; o++)
    for (q = 0; q < 4; q++)
      for (c = 0; c < sizeof(cores) / sizeof(cores[0]); c++)
        for (mask = 0; mask < 1u << strlen(cores[c]); mask++)
          for (a = 0; a < sizeof(lefts) / sizeof(lefts[0]); a++)
            for (b = 0; b < sizeof(rights) / sizeof(rights[0]); b++) {
              case_form(w, cores[c], mask);
              snprintf(t, sizeof(t), "%s%c%s%c%s", lefts[a], opens[o], w, closes[q], rights[b]);
              changed += passes_agree(t, strlen(t));
              /* the cluster without its closer, cut at the text's end */
              snprintf(t, sizeof(t), "%s%c%s", lefts[a], opens[o], w);
              passes_agree(t, strlen(t));
              cases += 2;
            }
  /* both kinds of form occur: some are rewritten, most are not */
  assert_true(changed > 1000 && changed < cases / 2);
}

static void test_defang(void **state)
{
  const char *t = "get https://cdn.badcorp.ru/a.bin from 91.204.14.3, mail ops@badcorp.ru; "
                  "FTP://x.badcorp.ru and ws://[2a01:4f8::7]/ keep words.";
  char *d = NULL, *r = NULL;
  size_t dn, rn;
  assert_int_equal(ctix_defang(&d, &dn, t, strlen(t), NULL), 0);
  assert_string_equal(d, "get hxxps://cdn[.]badcorp[.]ru/a.bin from 91[.]204[.]14[.]3, mail "
                         "ops[@]badcorp[.]ru; FXP://x[.]badcorp[.]ru and ws://[2a01:4f8::7]/ "
                         "keep words.");
  /* refang undoes it (but for the scheme's case) */
  assert_int_equal(ctix_refang(&r, &rn, d, dn, NULL), 0);
  assert_string_equal(r, "get https://cdn.badcorp.ru/a.bin from 91.204.14.3, mail "
                         "ops@badcorp.ru; ftp://x.badcorp.ru and ws://[2a01:4f8::7]/ "
                         "keep words.");
  free(d);
  free(r);
  /* already defanged text and plain text are kept */
  assert_int_equal(ctix_defang(&d, &dn, "x[.]badcorp[.]ru and words", 26, NULL), 0);
  assert_string_equal(d, "x[.]badcorp[.]ru and words");
  free(d);
  assert_int_equal(ctix_defang(&d, &dn, "", 0, NULL), 0);
  assert_string_equal(d, "");
  free(d);
}

/*
 * Bare IPv6 addresses are defanged with "[:]" for every colon (and "[.]"
 * in an embedded IPv4 address); a domain is defanged whatever its case.
 * Refang gives the text back, and the defanged text still yields the
 * addresses.
 */
static void test_defang_ipv6_and_case(void **state)
{
  const char *t = "C2 at 2a01:4f8:c17:b8f::2, ::ffff:91.204.14.3 and fe80:: via "
                  "Evil-Update.NET; not Microsoft.NET.";
  char *d = NULL, *r = NULL;
  size_t dn, rn;
  ctix_ioc_list *l;
  (void)state;
  assert_int_equal(ctix_defang(&d, &dn, t, strlen(t), NULL), 0);
  assert_string_equal(d, "C2 at 2a01[:]4f8[:]c17[:]b8f[:][:]2, [:][:]ffff[:]91[.]204[.]14[.]3 "
                         "and fe80[:][:] via Evil-Update[.]NET; not Microsoft.NET.");
  assert_int_equal(ctix_refang(&r, &rn, d, dn, NULL), 0);
  assert_string_equal(r, t);
  assert_int_equal(ctix_ioc_extract(&l, d, dn, NULL, NULL), 0);
  assert_non_null(ioc_find(l, CTIX_IOC_IPV6, "2a01:4f8:c17:b8f::2"));
  assert_true(ioc_find(l, CTIX_IOC_IPV6, "2a01:4f8:c17:b8f::2")->defanged);
  assert_non_null(ioc_find(l, CTIX_IOC_IPV6, "::ffff:91.204.14.3"));
  assert_non_null(ioc_find(l, CTIX_IOC_DOMAIN, "evil-update.net"));
  ctix_ioc_list_free(l);
  free(d);
  free(r);
}

static void test_errors(void **state)
{
  char *out = (char *)1;
  size_t n = 9;
  ctix_error err;
  ctix_error_clear(&err);
  assert_int_equal(ctix_refang(&out, &n, NULL, 3, &err), CTIX_EINVAL);
  assert_null(out);
  assert_int_equal(n, 0);
  assert_int_equal(err.code, CTIX_EINVAL);
  assert_int_equal(ctix_refang(&out, &n, NULL, 0, NULL), 0);
  assert_string_equal(out, "");
  free(out);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dots),         cmocka_unit_test(test_odd_brackets),
      cmocka_unit_test(test_half_words),   cmocka_unit_test(test_at),
      cmocka_unit_test(test_schemes),      cmocka_unit_test(test_spaced_dots),
      cmocka_unit_test(test_left_alone),   cmocka_unit_test(test_offsets),
      cmocka_unit_test(test_edit_map),     cmocka_unit_test(test_passes_agree),
      cmocka_unit_test(test_defang),       cmocka_unit_test(test_errors),
      cmocka_unit_test(test_defang_ipv6_and_case),
      cmocka_unit_test(test_common_forms),
      cmocka_unit_test(test_passes_agree_random),
      cmocka_unit_test(test_shortcuts_agree),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
