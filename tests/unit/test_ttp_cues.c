/*
 * Unit tests of the rule signals of the technique mapper (src/lib/ttp/
 * cues.c, names.c): the pattern engine (word boundaries, white-space runs,
 * case, ` ... ` parts in order within 60 bytes and one sentence, `*`
 * continuations), the lexicon parser and its errors, and
 * ctix__ttp_cues_match on the embedded data (explicit ids, revoked ids
 * remapped, unknown ids ignored, technique names, order of hits), plus a
 * check that the committed data files load, and the evaluation hooks:
 * weights from the `#@prior` lines and a replaced lexicon.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ttp/cues_internal.h"
#include "util/buf.h"

/* ------------------------------------------------------------ helpers */

typedef struct got {
  char spans[16][96];
  uint32_t values[16];
  size_t n;
} got;

static int collect(void *ud, const ctix__ttp_pmatch *m, const char *text, size_t len)
{
  got *g = ud;
  (void)len;
  if (g->n < 16) {
    snprintf(g->spans[g->n], sizeof(g->spans[0]), "%.*s", (int)(m->end - m->start),
             text + m->start);
    g->values[g->n] = m->value;
  }
  g->n++;
  return 0;
}

/* A set of one pattern (value 7). */
static ctix__ttp_patset *one(const char *pattern)
{
  ctix__ttp_patset *ps = NULL;
  ctix_error err;
  char why[96];
  ctix_error_clear(&err);
  assert_int_equal(ctix__ttp_patset_new(&ps, &err), 0);
  assert_int_equal(ctix__ttp_patset_add(ps, pattern, strlen(pattern), 7, 0.5f, pattern, 0, why,
                                        sizeof(why), &err),
                   0);
  assert_int_equal(ctix__ttp_patset_compile(ps, &err), 0);
  return ps;
}

/* The spans pattern `pattern` matches in `text`, joined by '|'. */
static void expect_matches(const char *pattern, const char *text, const char *want)
{
  ctix__ttp_patset *ps = one(pattern);
  got g;
  char all[512] = "";
  size_t i;
  memset(&g, 0, sizeof(g));
  assert_int_equal(ctix__ttp_patset_scan(ps, text, strlen(text), collect, &g), 0);
  for (i = 0; i < g.n && i < 16; i++) {
    if (i)
      strncat(all, "|", sizeof(all) - strlen(all) - 1);
    strncat(all, g.spans[i], sizeof(all) - strlen(all) - 1);
  }
  if (strcmp(all, want) != 0)
    fail_msg("pattern '%s' in '%s': got '%s', want '%s'", pattern, text, all, want);
  ctix__ttp_patset_free(ps);
}

/*
 * The matches of the set of patterns pats[0..n) (values 1..n) in `text`,
 * as "span=value" joined by '|'.
 */
static void expect_set(const char *const *pats, size_t n, const char *text, const char *want)
{
  ctix__ttp_patset *ps = NULL;
  ctix_error err;
  char why[96], all[512] = "", one_match[128];
  got g;
  size_t i;
  ctix_error_clear(&err);
  assert_int_equal(ctix__ttp_patset_new(&ps, &err), 0);
  for (i = 0; i < n; i++)
    assert_int_equal(ctix__ttp_patset_add(ps, pats[i], strlen(pats[i]), (uint32_t)i + 1, 0.5f,
                                          pats[i], 0, why, sizeof(why), &err),
                     0);
  assert_int_equal(ctix__ttp_patset_compile(ps, &err), 0);
  memset(&g, 0, sizeof(g));
  assert_int_equal(ctix__ttp_patset_scan(ps, text, strlen(text), collect, &g), 0);
  for (i = 0; i < g.n && i < 16; i++) {
    snprintf(one_match, sizeof(one_match), "%s%s=%u", i ? "|" : "", g.spans[i],
             (unsigned)g.values[i]);
    strncat(all, one_match, sizeof(all) - strlen(all) - 1);
  }
  if (strcmp(all, want) != 0)
    fail_msg("'%s': got '%s', want '%s'", text, all, want);
  ctix__ttp_patset_free(ps);
}

/* The syntax error of a pattern ("" when it is accepted). */
static void expect_syntax(const char *pattern, const char *want)
{
  ctix__ttp_patset *ps = NULL;
  ctix_error err;
  char why[96] = "";
  int rc;
  ctix_error_clear(&err);
  assert_int_equal(ctix__ttp_patset_new(&ps, &err), 0);
  rc = ctix__ttp_patset_add(ps, pattern, strlen(pattern), 1, 0.5f, pattern, 0, why, sizeof(why),
                            &err);
  if (want[0] == '\0') {
    if (rc != 0)
      fail_msg("pattern '%s': unexpected error '%s'", pattern, why);
  } else {
    assert_int_equal(rc, CTIX_EPARSE);
    if (!strstr(why, want))
      fail_msg("pattern '%s': error '%s', want '%s'", pattern, why, want);
  }
  assert_int_equal(err.code, 0);
  ctix__ttp_patset_free(ps);
}

static const ctix_kb *kb(void)
{
  const ctix_kb *k = NULL;
  ctix_error err;
  ctix_error_clear(&err);
  assert_int_equal(ctix_kb_default(&k, &err), 0);
  return k;
}

/* ------------------------------------------------------ pattern engine */

static void test_word_boundaries(void **state)
{
  (void)state;
  expect_matches("lsass", "dumped lsass memory", "lsass");
  expect_matches("lsass", "lsass.exe", "lsass");
  expect_matches("lsass", "fakelsass lsassy lsass_x", "");
  expect_matches("rdp", "(RDP)", "RDP");
  /* non-alphanumeric ends need no boundary */
  expect_matches("-encodedcommand", "powershell.exe -EncodedCommand SQBFAFgA", "-EncodedCommand");
  expect_matches("\\currentversion\\run", "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run",
                 "\\CurrentVersion\\Run");
  expect_matches("schtasks /create", "ran schtasks /create /tn x", "schtasks /create");
  expect_matches("schtasks /create", "ran schtasks /createx", "");
  /* UTF-8 letters are not word bytes */
  expect_matches("mimikatz", "\xc2\xabmimikatz\xc2\xbb", "mimikatz");
}

static void test_case_and_space(void **state)
{
  (void)state;
  expect_matches("vssadmin delete shadows", "VSSADMIN Delete   Shadows /all",
                 "VSSADMIN Delete   Shadows");
  expect_matches("vssadmin delete shadows", "vssadmin\tdelete\n\nshadows", "vssadmin\tdelete\n\nshadows");
  expect_matches("vssadmin delete shadows", "vssadmin deleteshadows", "");
  expect_matches("pass the hash", "Pass The Hash", "Pass The Hash");
}

/* Keeps the first and last part of the last match. */
static int parts_of(void *ud, const ctix__ttp_pmatch *m, const char *text, size_t len)
{
  char(*out)[2][64] = ud;
  (void)len;
  snprintf((*out)[0], sizeof((*out)[0]), "%.*s", (int)(m->first_end - m->start), text + m->start);
  snprintf((*out)[1], sizeof((*out)[1]), "%.*s", (int)(m->end - m->last_start),
           text + m->last_start);
  return 0;
}

/* A match reports where its first part ends and its last part starts. */
static void test_part_extents(void **state)
{
  static const struct {
    const char *pat, *text, *first, *last;
  } cases[] = {
      {"dump ... lsass", "they dump the memory of lsass now", "dump", "lsass"},
      {"copy ... to ... admin$", "copy the file to the admin$ share", "copy", "admin$"},
      {"exfiltrat* ... over  c2", "exfiltrated the files over\tC2 later", "exfiltrated",
       "over\tC2"},
      {"schtasks /create", "ran schtasks  /create /tn x", "schtasks  /create", "schtasks  /create"},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    ctix__ttp_patset *ps = one(cases[i].pat);
    char ends[2][64] = {"", ""};
    assert_int_equal(
        ctix__ttp_patset_scan(ps, cases[i].text, strlen(cases[i].text), parts_of, &ends), 0);
    assert_string_equal(ends[0], cases[i].first);
    assert_string_equal(ends[1], cases[i].last);
    ctix__ttp_patset_free(ps);
  }
}

static void test_parts(void **state)
{
  (void)state;
  expect_matches("dump ... lsass", "they dump the memory of lsass now", "dump the memory of lsass");
  /* order matters */
  expect_matches("dump ... lsass", "lsass was not a dump", "");
  /* at most 60 bytes between parts */
  {
    char t[128];
    memset(t, 'x', sizeof(t));
    memcpy(t, "dump ", 5);
    memcpy(t + 4 + 60 - 1, " lsass", 7); /* 60 bytes between "dump" and "lsass" */
    expect_matches("dump ... lsass", t, t);
    memset(t, 'x', sizeof(t));
    memcpy(t, "dump ", 5);
    memcpy(t + 4 + 61 - 1, " lsass", 7); /* 61 bytes */
    expect_matches("dump ... lsass", t, "");
  }
  /* same sentence */
  expect_matches("dump ... lsass", "They dump data. Then lsass is read.", "");
  expect_matches("dump ... lsass", "They dump data\nlsass", "");
  expect_matches("dump ... lsass", "dump via cmd.exe of lsass", "dump via cmd.exe of lsass");
  /* three parts, each on its boundaries */
  expect_matches("copy ... to ... admin$", "copy the file to the admin$ share",
                 "copy the file to the admin$");
  expect_matches("copy ... to ... admin$", "copy the file into admin$", "");
}

static void test_star(void **state)
{
  (void)state;
  expect_matches("exfiltrat*", "data exfiltration and exfiltrated files",
                 "exfiltration|exfiltrated");
  expect_matches("exfiltrat*", "exfiltrat", "exfiltrat");
  expect_matches("exfiltrat*", "preexfiltration", "");
  expect_matches("dump* ... lsass", "they dumped LSASS", "dumped LSASS");
  /* `*` inside a pattern: the next word follows the continued one */
  expect_matches("encod* command", "an encoded command and an encoding  command",
                 "encoded command|encoding  command");
  expect_matches("encod* command", "encoded commands", "");
}

/*
 * Literals that end at the same place (dictionary suffixes), each with
 * its own boundaries, and literals spanning runs of white space.
 */
static void test_shared_suffixes(void **state)
{
  static const char *const set1[] = {"ab", "b", "b-", "cab*"};
  static const char *const set2[] = {"x-a", "-a*"};
  static const char *const set3[] = {"run a b", "a b", "b"};
  (void)state;
  expect_set(set1, 4, "ab b-x cabz xb b", "ab=1|b=2|b-=3|cabz=4|b=2");
  expect_set(set1, 4, "abc bb cab", "cab=4");
  /* the longer literal needs a boundary after it, its suffix does not */
  expect_set(set2, 2, "x-abc x-a", "-abc=2|x-a=1|-a=2");
  expect_set(set3, 3, "run  a \t b", "run  a \t b=1|a \t b=2|b=3");
  expect_set(set3, 3, "runa b", "b=3");
}

/* A set whose automaton has more states than get full rows (DENSE_MAX):
 * literals that end, and white-space runs that loop, in the deep states,
 * which the build leaves sparse, are still found. */
static void test_deep_states(void **state)
{
  enum { NPATS = 3003 };
  static char bufs[NPATS][24];
  const char *pats[NPATS];
  (void)state;
  for (size_t i = 0; i < 3000; i++) {
    snprintf(bufs[i], sizeof(bufs[i]), "w%04u x%04u", (unsigned)i, (unsigned)i);
    pats[i] = bufs[i];
  }
  expect_set(pats, 3000, "See w0007  x0007 and w2999\n x2999, not w1234 x1235; W0042 X0042.",
             "w0007  x0007=8|w2999\n x2999=3000|W0042 X0042=43");
  /* A failure link out of a deep state that needs a walk: after "w0001
   * x0001 y0001 " the text goes on with "q", not A's "k"; the longest
   * suffix with a way on is C's "y0001 ", reached from B's end (deep, no
   * child on a space) through B's own failure link. */
  pats[3000] = "w0001 x0001 y0001 k";
  pats[3001] = "x0001 y0001";
  pats[3002] = "y0001 q";
  expect_set(pats, NPATS, "w0001 x0001 y0001 q", "w0001 x0001=2|x0001 y0001=3002|y0001 q=3003");
}

static void test_syntax(void **state)
{
  (void)state;
  expect_syntax("dump ... lsass", "");
  expect_syntax("a...b", ""); /* literal dots */
  expect_syntax("", "empty");
  expect_syntax("   ", "empty");
  expect_syntax("Dump", "lower-case");
  expect_syntax("*dump", "'*' must follow");
  expect_syntax("du*mp", "'*' must end a word");
  expect_syntax("a\x01", "control");
  expect_syntax("a ... b ... c ... d ... e ... f ... g ... h ... i", "more than 8 parts");
  {
    char big[260];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    expect_syntax(big, "longer than 200");
  }
}

/* -------------------------------------------------------------- lexicon */

static void expect_lexicon_error(const char *text, const char *want)
{
  ctix__ttp_patset *ps = NULL;
  ctix_error err;
  char msg[512];
  ctix_error_clear(&err);
  assert_int_equal(ctix__ttp_patset_new(&ps, &err), 0);
  assert_int_equal(ctix__ttp_lexicon_parse(ps, text, strlen(text), "cues.tsv", kb(), false, &err),
                   CTIX_EPARSE);
  ctix_error_format(msg, sizeof(msg), &err);
  if (!strstr(msg, want))
    fail_msg("lexicon '%s': error '%s', want '%s'", text, msg, want);
  ctix__ttp_patset_free(ps);
}

static void test_lexicon(void **state)
{
  ctix__ttp_patset *ps = NULL;
  ctix_error err;
  const char *ok = "# comment\n\nT1490\t0.80\tvssadmin delete shadows\r\n"
                   "T1003.001\t1.00\tdump* ... lsass\nT1003.001\t0.05\tprocdump\n";
  uint32_t v;
  float w;
  const char *cue;
  ctix_kb_ref ref;
  (void)state;
  ctix_error_clear(&err);
  assert_int_equal(ctix__ttp_patset_new(&ps, &err), 0);
  assert_int_equal(ctix__ttp_lexicon_parse(ps, ok, strlen(ok), "cues.tsv", kb(), false, &err), 0);
  assert_true(ctix__ttp_patset_entry(ps, 0, &v, &w, &cue));
  assert_int_equal(ctix_kb_find_id(kb(), "T1490", 5, &ref), 0);
  assert_int_equal(v, ref);
  assert_float_equal(w, 0.80f, 1e-6);
  assert_string_equal(cue, "vssadmin delete shadows");
  assert_true(ctix__ttp_patset_entry(ps, 2, &v, &w, &cue));
  assert_false(ctix__ttp_patset_entry(ps, 3, &v, &w, &cue));
  ctix__ttp_patset_free(ps);

  expect_lexicon_error("T1490\t0.80\n", "cues.tsv:1:1: expected 3 tab-separated fields");
  expect_lexicon_error("# c\nT1490\t0.80\ta\tb\n", "cues.tsv:2:1: expected 3");
  expect_lexicon_error("t1490\t0.80\tx\n", "cues.tsv:1:1: technique must be");
  expect_lexicon_error("T9999\t0.80\tx\n", "cues.tsv:1:1: unknown technique T9999");
  expect_lexicon_error("T1086\t0.80\tx\n", "cues.tsv:1:1: technique T1086 is revoked, use T1059.001");
  expect_lexicon_error("T1490\t0.8\tx\n", "cues.tsv:1:7: weight must be");
  expect_lexicon_error("T1490\t0.04\tx\n", "cues.tsv:1:7: weight must be");
  expect_lexicon_error("T1490\t1.01\tx\n", "cues.tsv:1:7: weight must be");
  expect_lexicon_error("T1490\t0.00\tx\n", "cues.tsv:1:7: weight must be");
  expect_lexicon_error("\nT1490\t0.50\tVssadmin\n", "cues.tsv:2:12: pattern must be lower-case");
  expect_lexicon_error("T1490\t0.50\t\n", "cues.tsv:1:12: empty pattern");
}

/* ------------------------------------------------------------ matching */

typedef struct hitv {
  const ctix__ttp_cue_hit *h;
  size_t n;
} hitv;

static hitv match(ctix_buf *b, const char *text)
{
  ctix_error err;
  hitv v;
  ctix_error_clear(&err);
  ctix__buf_reset(b);
  assert_int_equal(ctix__ttp_cues_match(b, text, strlen(text), NULL, &err), 0);
  v.h = (const ctix__ttp_cue_hit *)(const void *)b->data;
  v.n = CTIX__BUF_COUNT(b, ctix__ttp_cue_hit);
  return v;
}

/* Index of the first hit of `kind` for technique `id` spanning `span`, or -1. */
static int find_hit(hitv v, const char *text, unsigned kind, const char *id, const char *span)
{
  size_t i;
  ctix_kb_ref ref;
  assert_int_equal(ctix_kb_find_id(kb(), id, strlen(id), &ref), 0);
  for (i = 0; i < v.n; i++)
    if (v.h[i].kind == kind && v.h[i].technique == ref &&
        strlen(span) == v.h[i].end - v.h[i].start &&
        memcmp(text + v.h[i].start, span, strlen(span)) == 0)
      return (int)i;
  return -1;
}

static size_t count_kind(hitv v, unsigned kind)
{
  size_t i, c = 0;
  for (i = 0; i < v.n; i++)
    c += v.h[i].kind == kind;
  return c;
}

static void test_ids(void **state)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)1 << 20);
  const char *t = "Used T1059.001 and T1566, see attack.mitre.org/techniques/T1053/005/ [T1047].";
  hitv v;
  (void)state;
  v = match(&b, t);
  assert_int_equal(count_kind(v, CTIX_TTP_SIG_ID), 4);
  assert_true(find_hit(v, t, CTIX_TTP_SIG_ID, "T1059.001", "T1059.001") >= 0);
  assert_true(find_hit(v, t, CTIX_TTP_SIG_ID, "T1566", "T1566") >= 0);
  assert_true(find_hit(v, t, CTIX_TTP_SIG_ID, "T1053.005", "T1053/005") >= 0);
  assert_true(find_hit(v, t, CTIX_TTP_SIG_ID, "T1047", "T1047") >= 0);
  assert_float_equal(v.h[find_hit(v, t, CTIX_TTP_SIG_ID, "T1047", "T1047")].weight, 1.0f, 1e-6);
  /* not ids: inside words, too long, lower case */
  v = match(&b, "AT1059 T10591 T1059x T1059.0012 t1059 XT1566.001");
  assert_int_equal(count_kind(v, CTIX_TTP_SIG_ID), 1); /* T1059.0012 reads as T1059 */
  ctix__buf_free(&b);
}

static void test_revoked_and_unknown_ids(void **state)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)1 << 20);
  const char *t = "The old id T1086 maps on; T1999 and T1059.999 do not exist.";
  ctix_kb_ref old, cur;
  ctix_kb_obj o;
  hitv v;
  (void)state;
  /* the KB facts the test relies on */
  assert_int_equal(ctix_kb_find_id(kb(), "T1086", 5, &old), 0);
  assert_int_equal(ctix_kb_get(kb(), old, &o), 0);
  assert_true(o.flags & CTIX_KB_REVOKED);
  assert_int_equal(ctix_kb_resolve_id(kb(), "T1086", 5, &cur), 0);
  assert_int_not_equal(old, cur);
  assert_int_not_equal(ctix_kb_find_id(kb(), "T1999", 5, &old), 0);
  assert_int_not_equal(ctix_kb_find_id(kb(), "T1059.999", 9, &old), 0);
  v = match(&b, t);
  assert_int_equal(count_kind(v, CTIX_TTP_SIG_ID), 1);
  assert_true(find_hit(v, t, CTIX_TTP_SIG_ID, ctix_kb_id(kb(), cur), "T1086") >= 0);
  assert_string_equal(v.h[0].cue, "T1086"); /* evidence shows the id as written */
  ctix__buf_free(&b);
}

static void test_names(void **state)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)1 << 20);
  const char *t = "It relied on process hollowing, Phishing: Spearphishing Attachment and "
                  "Scheduled Tasks.";
  hitv v;
  size_t i;
  (void)state;
  v = match(&b, t);
  assert_true(find_hit(v, t, CTIX_TTP_SIG_NAME, "T1055.012", "process hollowing") >= 0);
  assert_true(find_hit(v, t, CTIX_TTP_SIG_NAME, "T1566.001",
                       "Phishing: Spearphishing Attachment") >= 0);
  assert_true(find_hit(v, t, CTIX_TTP_SIG_NAME, "T1053.005", "Scheduled Tasks") >= 0);
  /* the parent's name inside the qualified one is not a hit of its own */
  assert_true(find_hit(v, t, CTIX_TTP_SIG_NAME, "T1566", "Phishing") < 0);
  for (i = 0; i < v.n; i++)
    if (v.h[i].kind == CTIX_TTP_SIG_NAME)
      assert_true(v.h[i].weight > 0.0f && v.h[i].weight <= 1.0f);
  /* a sub-technique name several techniques share needs its parent */
  t = "The malware connects to a server.";
  v = match(&b, t);
  assert_int_equal(count_kind(v, CTIX_TTP_SIG_NAME), 0);
  /* word boundaries hold for names too */
  t = "multiprocess hollowingx";
  v = match(&b, t);
  assert_int_equal(count_kind(v, CTIX_TTP_SIG_NAME), 0);
  ctix__buf_free(&b);
}

/* Index of the first hit of `kind` for technique `id` anywhere, or -1. */
static int find_any(hitv v, unsigned kind, const char *id)
{
  size_t i;
  ctix_kb_ref ref;
  assert_int_equal(ctix_kb_find_id(kb(), id, strlen(id), &ref), 0);
  for (i = 0; i < v.n; i++)
    if (v.h[i].kind == kind && v.h[i].technique == ref)
      return (int)i;
  return -1;
}

/*
 * The rule of the longest name: a lexicon cue inside the name of another
 * technique is a word of that name, not a cue; the same words in prose
 * still are; a cue of the name's own technique stays.
 */
static void test_cue_inside_other_name(void **state)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)1 << 20);
  const char *prose = "The operators routed their traffic through a proxy on a rented server.";
  const char *row = "T1218.011 | System Binary Proxy Execution: Rundll32 | loader.dll started "
                    "through rundll32.exe";
  const char *mixed = "System Binary Proxy Execution: Rundll32 started it; C2 went to a proxy.";
  const char *t;
  hitv v;
  int k;
  (void)state;
  /* premise: "proxy" is a cue of T1090 in plain prose */
  v = match(&b, prose);
  assert_true(find_hit(v, prose, CTIX_TTP_SIG_CUE, "T1090", "proxy") >= 0);
  /* inside T1218.011's name (with its id before it, in a table row) it is not */
  v = match(&b, row);
  assert_true(find_hit(v, row, CTIX_TTP_SIG_NAME, "T1218.011",
                       "System Binary Proxy Execution: Rundll32") >= 0);
  assert_int_equal(find_any(v, CTIX_TTP_SIG_CUE, "T1090"), -1);
  /* the name's own technique keeps its cue inside the name and after it */
  k = find_hit(v, row, CTIX_TTP_SIG_CUE, "T1218.011", "Rundll32");
  assert_true(k >= 0);
  assert_true(find_hit(v, row, CTIX_TTP_SIG_CUE, "T1218.011", "rundll32.exe") >= 0);
  /* only the words inside the name are covered: the same cue after it fires,
     and "proxy ... c2" (T1090), whose first part is the name's word, does not */
  v = match(&b, mixed);
  k = find_any(v, CTIX_TTP_SIG_CUE, "T1090");
  assert_true(k >= 0);
  assert_true(v.h[k].start > strlen("System Binary Proxy Execution: Rundll32"));
  /* the cue's own name covers it too: "powershell" (T1059.001) inside
     "Command and Scripting Interpreter: PowerShell", which overlaps
     "PowerShell Profile" (T1546.013), stays */
  t = "Command and Scripting Interpreter: PowerShell profiles were modified for persistence.";
  v = match(&b, t);
  assert_true(find_any(v, CTIX_TTP_SIG_NAME, "T1546.013") >= 0);
  assert_true(find_any(v, CTIX_TTP_SIG_CUE, "T1059.001") >= 0);
  /* a name matched across a long run of white space covers the cue at
     its end (no distance limit) */
  {
    char longname[700];
    size_t i, o = 0;
    memcpy(longname, "System Binary", 13);
    o = 13;
    for (i = 0; i < 600; i++)
      longname[o++] = ' ';
    memcpy(longname + o, "Proxy Execution", 15);
    o += 15;
    longname[o] = '\0';
    v = match(&b, longname);
    assert_true(find_any(v, CTIX_TTP_SIG_NAME, "T1218") >= 0);
    assert_int_equal(find_any(v, CTIX_TTP_SIG_CUE, "T1090"), -1);
  }
  ctix__buf_free(&b);
}

/*
 * Only names matched as names cover: one names.tsv keeps out as too
 * generic ("Malicious Link", weight 0.00) is plain words, and the cues in
 * them stand. A cue inside the name of its parent or sub-technique stays
 * (the same family); a sibling's name covers it.
 */
static void test_name_cover_limits(void **state)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)1 << 20);
  const char *t = "The filter only flags malicious links or attachments in email.";
  hitv v;
  (void)state;
  v = match(&b, t);
  assert_int_equal(find_any(v, CTIX_TTP_SIG_NAME, "T1204.001"), -1);
  assert_true(find_hit(v, t, CTIX_TTP_SIG_CUE, "T1566.002",
                       "malicious links or attachments in email") >= 0);
  /* "Remote Desktop Software" (T1219.002) is kept out too: "remote
     desktop" (T1021.001) inside it stands */
  t = "Snort flagged Remote Desktop Software on the file server.";
  v = match(&b, t);
  assert_int_equal(find_any(v, CTIX_TTP_SIG_NAME, "T1219.002"), -1);
  assert_true(find_any(v, CTIX_TTP_SIG_CUE, "T1021.001") >= 0);
  /* "scheduled task" (T1053.005) inside its parent's name */
  t = "They relied on Scheduled Task/Job for persistence.";
  v = match(&b, t);
  assert_true(find_hit(v, t, CTIX_TTP_SIG_NAME, "T1053", "Scheduled Task/Job") >= 0);
  assert_true(find_hit(v, t, CTIX_TTP_SIG_CUE, "T1053.005", "Scheduled Task") >= 0);
  /* "impair* ... defenses" (T1562.001) in prose, then inside the name of
     its sibling T1562.004 */
  t = "The loader tried to impair the host's defenses first.";
  v = match(&b, t);
  assert_true(find_hit(v, t, CTIX_TTP_SIG_CUE, "T1562.001", "impair the host's defenses") >= 0);
  t = "Impair Defenses: Disable or Modify System Firewall";
  v = match(&b, t);
  assert_true(find_hit(v, t, CTIX_TTP_SIG_NAME, "T1562.004", t) >= 0);
  assert_int_equal(find_any(v, CTIX_TTP_SIG_CUE, "T1562.001"), -1);
  ctix__buf_free(&b);
}

static void test_hits_sorted(void **state)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)1 << 20);
  const char *t = "T1490 first, then process hollowing, then T1059 and process injection.";
  hitv v;
  size_t i;
  (void)state;
  v = match(&b, t);
  assert_true(v.n >= 4);
  for (i = 1; i < v.n; i++)
    assert_true(v.h[i - 1].start <= v.h[i].start);
  for (i = 0; i < v.n; i++) {
    assert_true(v.h[i].start < v.h[i].end && v.h[i].end <= strlen(t));
    assert_true(v.h[i].start < v.h[i].first_end && v.h[i].first_end <= v.h[i].end);
    assert_true(v.h[i].start <= v.h[i].last_start && v.h[i].last_start < v.h[i].end);
    assert_non_null(v.h[i].cue);
  }
  /* hits are appended after what the buffer holds */
  {
    ctix_error err;
    size_t before = v.n;
    ctix_error_clear(&err);
    assert_int_equal(ctix__ttp_cues_match(&b, t, strlen(t), kb(), &err), 0);
    assert_int_equal(CTIX__BUF_COUNT(&b, ctix__ttp_cue_hit), 2 * before);
  }
  /* empty text */
  v = match(&b, "");
  assert_int_equal(v.n, 0);
  ctix__buf_free(&b);
}

static void test_committed_data_loads(void **state)
{
  const ctix__ttp_patset *ps = NULL;
  const ctix_kb *k = NULL;
  ctix_error err;
  size_t np, ns, bytes, len;
  char msg[512];
  (void)state;
  ctix_error_clear(&err);
  if (ctix__ttp_rules_default(&ps, &k, &err) != 0) {
    ctix_error_format(msg, sizeof(msg), &err);
    fail_msg("embedded rules: %s", msg);
  }
  ctix__ttp_patset_stats(ps, &np, &ns, &bytes);
  assert_true(np > 500); /* names at least */
  assert_true(ns > np);
  /* the lexicon, name weights and context cues were embedded and parsed */
  ctix__ttp_data_cues(&len);
  assert_true(len > 0);
  ctix__ttp_data_names(&len);
  assert_true(len > 0);
  ctix__ttp_data_context(&len);
  assert_true(len > 0);
  if (ctix__ttp_context_init(&err) != 0) {
    ctix_error_format(msg, sizeof(msg), &err);
    fail_msg("embedded context cues: %s", msg);
  }
}

/* --cue-priors: an entry weighs the prior of the `#@prior` line above it. */
static void test_priors(void **state)
{
  ctix__ttp_patset *ps = NULL;
  ctix_error err;
  const char *text = "T1490\t0.80\tvssadmin delete shadows\n#@prior 0.65\n"
                     "T1490\t0.20\twbadmin delete catalog\n#@prior 0.90 4\n"
                     "T1003.001\t0.30\tdump* ... lsass\n# a comment keeps the prior\n"
                     "T1003.001\t0.40\tprocdump\n#@prior 0.5\t6 \n"
                     "T1003.001\t0.40\tmimikatz\n#@prior 0.725\n"
                     "T1003.001\t0.40\tsekurlsa\n#@prior 1\n"
                     "T1003.001\t0.40\tlsass dump*\n#@prior  0.0500  12\r\n"
                     "T1003.001\t0.40\tminidump*\n";
  static const float measured[] = {0.80f, 0.20f, 0.30f, 0.40f, 0.40f, 0.40f, 0.40f, 0.40f};
  static const float prior[] = {0.80f, 0.65f, 0.90f, 0.90f, 0.5f, 0.725f, 1.0f, 0.05f};
  int on;
  (void)state;
  for (on = 0; on < 2; on++) {
    uint32_t v;
    float w;
    const char *cue;
    size_t i;
    ctix_error_clear(&err);
    ctix__ttp_cues_use_priors(on != 0);
    assert_int_equal(ctix__ttp_patset_new(&ps, &err), 0);
    assert_int_equal(ctix__ttp_lexicon_parse(ps, text, strlen(text), "cues.tsv", kb(), false, &err),
                     0);
    for (i = 0; i < 8; i++) {
      assert_true(ctix__ttp_patset_entry(ps, i, &v, &w, &cue));
      /* the same float as the decimal written (0.65 is 65/100 rounded once) */
      if (on ? w != prior[i] : w != measured[i])
        fail_msg("entry %zu (%s): weight %.9g, want %.9g", i, cue, (double)w,
                 (double)(on ? prior[i] : measured[i]));
    }
    assert_false(ctix__ttp_patset_entry(ps, 8, &v, &w, &cue));
    ctix__ttp_patset_free(ps);
  }
  ctix__ttp_cues_use_priors(false);

  /* a malformed prior line is an error at its line, whether priors are used or not */
  expect_lexicon_error("T1490\t0.80\tx\n#@prior nonsense\n", "cues.tsv:2:9: expected `#@prior P [k]`");
  expect_lexicon_error("#@prior\n", "cues.tsv:1:8: expected `#@prior P [k]`");
  expect_lexicon_error("#@prior0.80\n", "cues.tsv:1:8: expected `#@prior P [k]`");
  expect_lexicon_error("#@prior 0.\n", "cues.tsv:1:9: expected `#@prior P [k]`");
  expect_lexicon_error("#@prior .5\n", "cues.tsv:1:9: expected `#@prior P [k]`");
  expect_lexicon_error("#@prior 0.80x\n", "cues.tsv:1:9: expected `#@prior P [k]`");
  expect_lexicon_error("#@prior 0,80\n", "cues.tsv:1:9: expected `#@prior P [k]`");
  expect_lexicon_error("#@prior 0.72501\n", "cues.tsv:1:9: expected `#@prior P [k]`");
  expect_lexicon_error("#@prior 10\n", "cues.tsv:1:9: expected `#@prior P [k]`");
  expect_lexicon_error("#@prior 0.80 123\n", "cues.tsv:1:14: expected `#@prior P [k]`");
  expect_lexicon_error("#@prior 0.80 4 x\n", "cues.tsv:1:16: expected `#@prior P [k]`");
  expect_lexicon_error("#@prior 0.80 k\n", "cues.tsv:1:14: expected `#@prior P [k]`");
  expect_lexicon_error("#@prior 1.5\n", "cues.tsv:1:9: prior must be 0.05-1.00");
  expect_lexicon_error("#@prior 1.0001\n", "cues.tsv:1:9: prior must be 0.05-1.00");
  expect_lexicon_error("#@prior 0.0499\n", "cues.tsv:1:9: prior must be 0.05-1.00");
  expect_lexicon_error("#@prior 0\n", "cues.tsv:1:9: prior must be 0.05-1.00");
  /* other comments, `#@` or not, are still free text */
  {
    const char *ok = "# #@prior 0.5 is how a prior is written\n#@note anything\n"
                     "T1490\t0.80\tx y z\n";
    ctix_error_clear(&err);
    assert_int_equal(ctix__ttp_patset_new(&ps, &err), 0);
    assert_int_equal(ctix__ttp_lexicon_parse(ps, ok, strlen(ok), "cues.tsv", kb(), false, &err), 0);
    ctix__ttp_patset_free(ps);
  }
}

/* --cv-cues: the default rule set's lexicon can be replaced, ids and names stay. */
static void test_rules_replace(void **state)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)1 << 20);
  const char *t = "They ran schtasks /create to frobnicate the scheduler, see T1047.";
  const char *lex = "T1053.005\t0.50\tfrobnicate the scheduler\n";
  const char *data;
  size_t len;
  ctix_error err;
  hitv v;
  (void)state;
  ctix_error_clear(&err);
  v = match(&b, t);
  assert_true(find_hit(v, t, CTIX_TTP_SIG_CUE, "T1053.005", "schtasks /create") >= 0);
  assert_int_equal(find_hit(v, t, CTIX_TTP_SIG_CUE, "T1053.005", "frobnicate the scheduler"), -1);
  assert_int_equal(ctix__ttp_rules_replace(lex, strlen(lex), "fold.tsv", &err), 0);
  v = match(&b, t);
  assert_int_equal(find_hit(v, t, CTIX_TTP_SIG_CUE, "T1053.005", "schtasks /create"), -1);
  assert_true(find_hit(v, t, CTIX_TTP_SIG_CUE, "T1053.005", "frobnicate the scheduler") >= 0);
  assert_true(find_hit(v, t, CTIX_TTP_SIG_ID, "T1047", "T1047") >= 0);
  /* A bad lexicon is an error naming it; the rules in place stay. */
  {
    const char *bad = "T1053.005\t2.00\tx\n";
    char msg[512];
    assert_int_not_equal(ctix__ttp_rules_replace(bad, strlen(bad), "bad.tsv", &err), 0);
    ctix_error_format(msg, sizeof(msg), &err);
    assert_non_null(strstr(msg, "bad.tsv:1:"));
  }
  v = match(&b, t);
  assert_true(find_hit(v, t, CTIX_TTP_SIG_CUE, "T1053.005", "frobnicate the scheduler") >= 0);
  /* Back to the embedded lexicon for the other tests. */
  data = ctix__ttp_data_cues(&len);
  ctix_error_clear(&err);
  assert_int_equal(ctix__ttp_rules_replace(data, len, "cues.tsv", &err), 0);
  v = match(&b, t);
  assert_true(find_hit(v, t, CTIX_TTP_SIG_CUE, "T1053.005", "schtasks /create") >= 0);
  ctix__buf_free(&b);
}

/* U+202E RIGHT-TO-LEFT OVERRIDE in UTF-8 */
#define RLO "\xe2\x80\xae"

/* `<u+XXXX>`: the UTF-8 of a code point, matched anywhere, also inside a
 * word (the right-to-left override inside a file name, T1036.002). */
static void test_code_point_escape(void **state)
{
  (void)state;
  expect_matches("<u+202e>", "the file inv" RLO "fdp.exe was sent", RLO);
  expect_matches("<u+202e>", "the file invfdp.exe was sent", "");
  expect_matches("<u+202d>", "inv" RLO "fdp.exe", ""); /* another control */
  expect_matches("<u+00e9>t<u+00e9>", "an \xc3\xa9t\xc3\xa9 day", "\xc3\xa9t\xc3\xa9");
  expect_matches("<u+1f600>", "a \xf0\x9f\x98\x80 face", "\xf0\x9f\x98\x80");
  expect_matches("dropped ... <u+202e>", "It dropped inv" RLO "fdp.exe.",
                 "dropped inv" RLO);
  /* the text "U+202E" is the other cue, not this one */
  expect_matches("<u+202e>", "the character U+202E", "");
  expect_syntax("<u+202e>", "");
  expect_syntax("a <u+202e>b", "");
  expect_syntax("<u+202>", "escape");    /* three digits */
  expect_syntax("<u+0041>", "escape");   /* ASCII */
  expect_syntax("<u+d800>", "escape");   /* surrogate */
  expect_syntax("<u+110000>", "escape"); /* past U+10FFFF */
  expect_syntax("<u+202e", "escape");    /* no '>' */
  expect_syntax("<u+202E>", "escape");   /* upper-case digits */
  expect_syntax("<u+2022222>", "escape"); /* seven digits */
  expect_syntax("<u", "");               /* a literal '<u' */
}

/* The committed lexicon maps the override inside a written file name to
 * T1036.002, and the words "right-to-left override" and "RTLO" too. */
static void test_rlo_cues(void **state)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)1 << 20);
  const char *t1 = "The loader wrote Invoice_2024" RLO "cod.scr to the desktop.";
  const char *t2 = "The actor used a right-to-left override (RTLO) to hide the extension.";
  const char *t3 = "The loader wrote Invoice_2024cod.scr to the desktop.";
  hitv v;
  (void)state;
  v = match(&b, t1);
  assert_true(find_hit(v, t1, CTIX_TTP_SIG_CUE, "T1036.002", RLO) >= 0);
  v = match(&b, t2);
  assert_true(find_hit(v, t2, CTIX_TTP_SIG_CUE, "T1036.002", "right-to-left override") >= 0);
  assert_true(find_hit(v, t2, CTIX_TTP_SIG_CUE, "T1036.002", "RTLO") >= 0);
  v = match(&b, t3);
  assert_int_equal(find_hit(v, t3, CTIX_TTP_SIG_CUE, "T1036.002", RLO), -1);
  ctix__buf_free(&b);
}

/*
 * "stage" as the noun of loaders ("the second stage", "later stages") is
 * not the staging of collected data (T1074.001) nor of payloads on
 * infrastructure (T1608.001); "staged" and "staging" are.
 */
static void test_stage_noun(void **state)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)1 << 20);
  const char *noun = "The key is reused in later stages to decrypt the data of each stage, "
                     "and the first stage drops its files to a directory.";
  const char *verb = "The operators staged the stolen data in a hidden directory, staging "
                     "the files for exfiltration.";
  hitv v;
  (void)state;
  v = match(&b, noun);
  assert_int_equal(find_any(v, CTIX_TTP_SIG_CUE, "T1074.001"), -1);
  assert_int_equal(find_any(v, CTIX_TTP_SIG_CUE, "T1608.001"), -1);
  v = match(&b, verb);
  assert_true(find_hit(v, verb, CTIX_TTP_SIG_CUE, "T1074.001", "staged the stolen data") >= 0);
  assert_true(find_hit(v, verb, CTIX_TTP_SIG_CUE, "T1074.001",
                       "staging the files for exfiltration") >= 0);
  ctix__buf_free(&b);
}

/*
 * The verb "stage" as ATT&CK uses it ("stages collected data ...",
 * "stage data for exfiltration"): matched again for T1074.001 (before,
 * only "staged" and "staging" were), the noun of loaders still not.
 */
static void test_stage_verb(void **state)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)1 << 20);
  const char *verb = "The crew wrote a batch file to stage the harvested data, the implant "
                     "stages collected documents in a temp folder, and the intruders stage "
                     "stolen records on a jump host.";
  const char *noun = "In the last stage of the chain, the loader maps its files into memory.";
  hitv v;
  (void)state;
  v = match(&b, verb);
  assert_true(find_hit(v, verb, CTIX_TTP_SIG_CUE, "T1074.001", "to stage the harvested data") >= 0);
  assert_true(find_hit(v, verb, CTIX_TTP_SIG_CUE, "T1074.001", "stages collected") >= 0);
  assert_true(find_hit(v, verb, CTIX_TTP_SIG_CUE, "T1074.001", "stage stolen") >= 0);
  v = match(&b, noun);
  assert_int_equal(find_any(v, CTIX_TTP_SIG_CUE, "T1074.001"), -1);
  ctix__buf_free(&b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_word_boundaries),
      cmocka_unit_test(test_case_and_space),
      cmocka_unit_test(test_parts),
      cmocka_unit_test(test_part_extents),
      cmocka_unit_test(test_star),
      cmocka_unit_test(test_shared_suffixes), cmocka_unit_test(test_deep_states),
      cmocka_unit_test(test_syntax),
      cmocka_unit_test(test_lexicon),
      cmocka_unit_test(test_ids),
      cmocka_unit_test(test_revoked_and_unknown_ids),
      cmocka_unit_test(test_names),
      cmocka_unit_test(test_cue_inside_other_name),
      cmocka_unit_test(test_name_cover_limits),
      cmocka_unit_test(test_hits_sorted),
      cmocka_unit_test(test_committed_data_loads),
      cmocka_unit_test(test_priors),
      cmocka_unit_test(test_code_point_escape),
      cmocka_unit_test(test_rlo_cues),
      cmocka_unit_test(test_stage_noun), cmocka_unit_test(test_stage_verb),
      cmocka_unit_test(test_rules_replace),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
