/*
 * Unit tests of the Splunk SPL2 target (backend_splunk_spl2.c) and of the
 * output formats (output.c): WHERE precedence and grouping (modifier
 * expansions included), escaping of '"', '%' and '_', LIKE for wildcards,
 * IN lists (never with wildcards), regular expressions, CIDR, null and
 * exists, field references (also under OR and NOT), keywords, quoted field
 * names; savedsearches.conf stanzas (continuation lines, annotations,
 * severity) and the JSON format.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sigma_test.h"

#include "ctix/sigma.h"

#define HEAD "title: t\nlogsource: {product: windows, service: security}\ndetection:\n"

static void expect(const char *yaml, const char *pipe, const char *want)
{
  sigma_test_expect("splunk_spl2", yaml, pipe, want);
}

static void test_precedence(void **state)
{
  (void)state;
  /* WHERE binds AND tighter than OR: the OR under the AND needs brackets */
  expect(HEAD "  a: {A: 1, B: 2}\n  b: {C: 3}\n  c: {D: 4}\n  condition: (a or b) and c\n", NULL,
         "FROM main WHERE ((A=1 AND B=2) OR C=3) AND D=4");
  expect(HEAD "  a: {A: 1}\n  b: {C: 3}\n  c: {D: 4}\n  condition: a and not (b or c)\n", NULL,
         "FROM main WHERE A=1 AND NOT (C=3 OR D=4)");
  /* a windash expansion under an AND is grouped too */
  expect(HEAD "  s:\n    CommandLine|contains|windash: ' -k'\n    Image: x\n  condition: s\n", NULL,
         "FROM main WHERE (CommandLine LIKE \"% -k%\" OR CommandLine LIKE \"% /k%\" OR "
         "CommandLine LIKE \"% \xe2\x80\x93k%\" OR CommandLine LIKE \"% \xe2\x80\x94k%\" OR "
         "CommandLine LIKE \"% \xe2\x80\x95k%\") AND Image=\"x\"");
}

static void test_values(void **state)
{
  (void)state;
  /* '"' and '\' escaped (an SPL2 string reads '\' as an escape:
   * C:\Windows is "C:\\Windows"); '%' and '_' are not special in '=' */
  expect(HEAD "  s:\n    F: 'a%b_c\"d\\e'\n  condition: s\n", NULL,
         "FROM main WHERE F=\"a%b_c\\\"d\\\\e\"");
  expect(HEAD "  s:\n    Pct: '100%_x'\n  condition: s\n", NULL, "FROM main WHERE Pct=\"100%_x\"");
  /* in a LIKE pattern a literal '%' / '_' is escaped, '*' and '?' are the wildcards */
  expect(HEAD "  s:\n    F|contains: '5%_'\n  condition: s\n", NULL,
         "FROM main WHERE F LIKE \"%5\\%\\_%\"");
  /* (Sigma reads '\\srv' as \srv) */
  expect(HEAD "  s:\n    Image|endswith: '\\cmd.exe'\n    P: ['C:\\a\\', '\\\\srv']\n"
              "  k:\n    - 'x\\y'\n  condition: s or k\n", NULL,
         "FROM main WHERE (Image LIKE \"%\\\\cmd.exe\" AND P IN (\"C:\\\\a\\\\\", "
         "\"\\\\srv\")) OR _raw LIKE \"%x\\\\y%\"");
  expect(HEAD "  s:\n    F: '*x?'\n  condition: s\n", NULL, "FROM main WHERE F LIKE \"%x_\"");
  expect(HEAD "  s:\n    F: 'a\\*b'\n  condition: s\n", NULL, "FROM main WHERE F=\"a*b\"");
  /* IN lists only for values without wildcards */
  expect(HEAD "  s:\n    F: [a, b]\n  condition: s\n", NULL, "FROM main WHERE F IN (\"a\", \"b\")");
  expect(HEAD "  s:\n    F: [a, '*b']\n    G: x\n  condition: s\n", NULL,
         "FROM main WHERE (F=\"a\" OR F LIKE \"%b\") AND G=\"x\"");
  expect(HEAD "  s:\n    F: [1, 2]\n    B: true\n  condition: s\n", NULL,
         "FROM main WHERE F IN (1, 2) AND B=true");
  /* field names beyond [A-Za-z0-9_.] are single-quoted */
  expect(HEAD "  s:\n    cs-uri: x\n  condition: s\n", NULL, "FROM main WHERE 'cs-uri'=\"x\"");
  /* keywords search the raw event */
  expect(HEAD "  k:\n    - 'evil_x'\n    - 5\n  condition: k\n", NULL,
         "FROM main WHERE _raw LIKE \"%evil\\_x%\" OR _raw LIKE \"%5%\"");
}

static void test_special_matches(void **state)
{
  (void)state;
  expect(HEAD "  s:\n    F|re: 'a/b\\d\"'\n  condition: s\n", NULL,
         "FROM main WHERE match(F, /(?i)a\\/b\\\\d\"/)");
  expect(HEAD "  s:\n    F|re|s|m: 'a.b'\n  condition: s\n", NULL,
         "FROM main WHERE match(F, /(?ims)a.b/)");
  expect(HEAD "  s:\n    F|cidr: 10.0.0.0/8\n  condition: s\n", NULL,
         "FROM main WHERE cidrmatch(\"10.0.0.0/8\", F)");
  expect(HEAD "  s:\n    F: null\n    G|exists: true\n    H|exists: false\n  condition: s\n", NULL,
         "FROM main WHERE F IS NULL AND isnotnull(G) AND isnull(H)");
  expect(HEAD "  s:\n    F|gt: 5\n  condition: s\n", NULL, "FROM main WHERE F>5");
  /* field references work under OR and NOT (Splunk's SPL backend refuses them) */
  expect(HEAD "  a:\n    A|fieldref: B\n  b:\n    C: x\n  condition: a or b\n", NULL,
         "FROM main WHERE A=B OR C=\"x\"");
  expect(HEAD "  a:\n    A|fieldref: cs-b\n  condition: not a\n", NULL,
         "FROM main WHERE NOT A='cs-b'");
  /* field names that are SPL2 keywords (any case, also as a dotted part)
   * or do not start with a letter or `_` are single-quoted */
  expect(HEAD "  s:\n    by: s\n    WHERE: r\n    a.Like: x\n    not.b: n\n    bytes: y\n"
              "    Order_id: w\n    _in: u\n  condition: s\n", NULL,
         "FROM main WHERE 'by'=\"s\" AND 'WHERE'=\"r\" AND 'a.Like'=\"x\" AND 'not.b'=\"n\" "
         "AND bytes=\"y\" AND Order_id=\"w\" AND _in=\"u\"");
  expect(HEAD "  s:\n    1f: x\n    .a: y\n    in: [p, q]\n    or|re: z\n    and|contains: c\n"
              "  condition: s\n", NULL,
         "FROM main WHERE '1f'=\"x\" AND '.a'=\"y\" AND 'in' IN (\"p\", \"q\") AND "
         "match('or', /(?i)z/) AND 'and' LIKE \"%c%\"");
  /* only the name's first character must be a letter or `_`: a later
   * dotted part may start with a digit or `_`, or be empty */
  expect(HEAD "  s:\n    a.1b: x\n    a..b: y\n    _x._: z\n    a.: w\n    a.b-c: v\n"
              "  condition: s\n", NULL,
         "FROM main WHERE a.1b=\"x\" AND a..b=\"y\" AND _x._=\"z\" AND a.=\"w\" AND "
         "'a.b-c'=\"v\"");
  /* the splunk_windows pipeline's source condition */
  expect(HEAD "  s:\n    EventID: 4688\n  condition: s\n", "splunk_windows",
         "FROM main WHERE source=\"WinEventLog:Security\" AND EventCode=4688");
}

/* Formats one rule (converted to splunk) in fmt; returns the text (malloc'd). */
static char *formatted(const char *yaml, ctix_sigma_format fmt, const char *name)
{
  ctix_sigma_rule *r = NULL;
  ctix_sigma_converter *cv = NULL;
  ctix_sigma_queries q = {0, NULL};
  ctix_error err;
  char *out = NULL;
  ctix_error_clear(&err);
  if (ctix_sigma_rule_load(&r, yaml, strlen(yaml), "t.yml", &err) ||
      ctix_sigma_converter_new(&cv, "splunk", NULL, 0, &err) ||
      ctix_sigma_convert(&q, cv, r, &err) ||
      ctix_sigma_format_rule(&out, fmt, "splunk", r, &q, name, &err))
    fail_msg("format failed: %s", err.message);
  ctix_sigma_queries_free(&q);
  ctix_sigma_converter_free(cv);
  ctix_sigma_rule_free(r);
  return out;
}

#define RULE                                                                                   \
  "title: Odd [name]\nid: 0b1f\nlevel: high\ndescription: |\n  line one\n  ends with \\\n"     \
  "tags:\n  - attack.execution\n  - attack.t1059.001\n  - attack.T1105\n  - attack.txx\n"     \
  "logsource: {product: windows}\ndetection:\n  s:\n    F|re: 'a.b'\n    G: x\n"                \
  "  t:\n    H|re: c\n  condition: s or t\n"

static void test_savedsearches(void **state)
{
  char *s;
  const char *p;
  (void)state;
  s = formatted(RULE, CTIX_SIGMA_FORMAT_SAVEDSEARCHES, NULL);
  /* brackets of the title cannot end the stanza name */
  assert_non_null(strstr(s, "\n[Odd  name ]\n"));
  assert_non_null(strstr(s, "\nalert.severity = 5\n"));
  assert_non_null(strstr(s, "\naction.correlationsearch.annotations = "
                            "{\"mitre_attack\": [\"T1059.001\", \"T1105\"]}\n"));
  /* a multi-line description continues with '\'; a line ending in '\' gets a space */
  assert_non_null(strstr(s, "\ndescription = line one\\\nends with \\ \n"));
  /* the rex/eval prelude starts the value; every line but the last ends with '\' */
  p = strstr(s, "\nsearch = | rex field=F");
  assert_non_null(p);
  assert_non_null(strstr(p, "\\\n| eval "));
  assert_non_null(strstr(p, "\\\n| search "));
  free(s);
  s = formatted(RULE, CTIX_SIGMA_FORMAT_SAVEDSEARCHES, "Chosen");
  assert_non_null(strstr(s, "\n[Chosen]\n"));
  free(s);
}

static void test_json_default(void **state)
{
  ctix_sigma_queries q = {0, NULL};
  ctix_sigma_rule *r = NULL;
  ctix_error err;
  char *s;
  (void)state;
  /* each format takes the targets it is made for */
  assert_int_equal(ctix_sigma_rule_load(&r, RULE, strlen(RULE), "t.yml", &err), 0);
  s = (char *)"";
  assert_int_equal(ctix_sigma_format_rule(&s, CTIX_SIGMA_FORMAT_SAVEDSEARCHES, "splunk_spl2", r,
                                          &q, NULL, &err), CTIX_EUNSUPPORTED);
  assert_null(s);
  assert_int_equal(ctix_sigma_format_rule(&s, CTIX_SIGMA_FORMAT_NDJSON, "splunk", r, &q, NULL,
                                          &err), 0); /* no query: nothing to refuse */
  free(s);
  q.count = 1;
  q.query = (char *[]){(char *)"a:b"};
  assert_int_equal(ctix_sigma_format_rule(&s, CTIX_SIGMA_FORMAT_NDJSON, "splunk", r, &q, NULL,
                                          &err), CTIX_EUNSUPPORTED);
  assert_int_equal(ctix_sigma_format_rule(&s, CTIX_SIGMA_FORMAT_NDJSON, "lucene", r, &q, NULL,
                                          &err), 0);
  assert_non_null(strstr(s, "\"query\": \"a:b\""));
  assert_int_equal(strchr(s, '\n') - s, (long)strlen(s) - 1); /* one line */
  free(s);
  ctix_sigma_rule_free(r);
  s = formatted(RULE, CTIX_SIGMA_FORMAT_JSON, NULL);
  assert_int_equal(s[0], '{');
  assert_non_null(strstr(s, "\"title\": \"Odd [name]\""));
  assert_non_null(strstr(s, "\"attack\": [\"T1059.001\", \"T1105\"]"));
  assert_non_null(strstr(s, "\"description\": \"line one\\nends with \\\\\\n\""));
  assert_int_equal(strchr(s, '\n') - s, (long)strlen(s) - 1); /* one line */
  free(s);
  s = formatted(RULE, CTIX_SIGMA_FORMAT_DEFAULT, NULL);
  assert_non_null(strstr(s, "| rex field=F"));
  assert_int_equal(s[strlen(s) - 1], '\n');
  free(s);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_precedence),
    cmocka_unit_test(test_values),
    cmocka_unit_test(test_special_matches),
    cmocka_unit_test(test_savedsearches),
    cmocka_unit_test(test_json_default),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
