/*
 * Unit tests of the Elastic EQL and ES|QL targets (backend_eql.c,
 * backend_esql.c): grouping (EQL groups every compound operand, ES|QL
 * only weaker ones; modifier expansions), escaping of '"', '\', literal
 * '*' and '?', wildcards, like~ / in lists, regular expressions (flags,
 * '/' and '"'), cidr, null / exists / not null, empty strings and IP
 * addresses, |cased, keywords, field references, quoted field names and
 * the numbers the ecs_windows pipeline's keyword fields turn into strings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sigma_test.h"

#include "ctix/sigma.h"

#define HEAD "title: t\nlogsource: {product: windows, category: process_creation}\ndetection:\n"
#define EQL "any where "
#define ESQL "from * metadata _id, _index, _version | where "

static char *conv(const char *target, const char *yaml, const char *pipe, ctix_error *err)
{
  return sigma_test_convert(target, yaml, pipe, err);
}

static void expect(const char *target, const char *yaml, const char *pipe, const char *want)
{
  sigma_test_expect(target, yaml, pipe, want);
}

/* Expects a conversion error whose message contains `part`. */
static void refuse(const char *target, const char *yaml, const char *part)
{
  ctix_error err;
  char *q = conv(target, yaml, NULL, &err);
  if (q)
    fail_msg("%s: converted, expected an error: %s", target, q);
  assert_non_null(strstr(err.message, part));
}

#define PREC HEAD "  a: {A: 1, B: x}\n  b: {C: [p, q]}\n  c: {D|contains: k}\n"

static void test_precedence(void **state)
{
  (void)state;
  /* EQL: every compound operand below an operator is parenthesised */
  expect("eql", PREC "  condition: (a or b) and not c\n", NULL,
         EQL "((A:1 and B:\"x\") or (C like~ (\"p\", \"q\"))) and (not D:\"*k*\")");
  expect("eql", PREC "  condition: a\n", NULL, EQL "A:1 and B:\"x\"");
  expect("eql", PREC "  condition: not b\n", NULL, EQL "not (C like~ (\"p\", \"q\"))");
  /* ES|QL: only an operand binding weaker than its parent is */
  expect("esql", PREC "  condition: (a or b) and not c\n", NULL,
         ESQL "(A==1 and B==\"x\" or C in (\"p\", \"q\")) and not D like \"*k*\"");
  expect("esql", PREC "  condition: a or not (b and c)\n", NULL,
         ESQL "A==1 and B==\"x\" or not ((C in (\"p\", \"q\")) and D like \"*k*\")");
}

#define WINDASH HEAD "  s:\n    C|windash|contains: [' -a ', ' b']\n" \
                "  f:\n    C|windash|contains: ' -n '\n  condition: s and not f\n"

static void test_expansions(void **state)
{
  (void)state;
  /* EQL: the variants of one value form one like~ list, never grouped;
   * a value without a dash is a list of one */
  expect("eql", WINDASH, NULL,
         EQL "(C like~ (\"* -a *\", \"* /a *\", \"* \xe2\x80\x93" "a *\", \"* \xe2\x80\x94" "a *\", "
             "\"* \xe2\x80\x95" "a *\") or C like~ (\"* b*\")) and (not C like~ (\"* -n *\", "
             "\"* /n *\", \"* \xe2\x80\x93n *\", \"* \xe2\x80\x94n *\", \"* \xe2\x80\x95n *\"))");
  /* keyword variants cannot form a list: they are grouped like any OR */
  expect("eql", HEAD "  s: {A: 1}\n  k:\n    '|windash': ['-x']\n  condition: s and k\n", NULL,
         EQL "A:1 and (\"-x\" or \"/x\" or \"\xe2\x80\x93x\" or \"\xe2\x80\x94x\" or "
             "\"\xe2\x80\x95x\")");
  /* ES|QL: an OR of likes, grouped under NOT too (pySigma does not) */
  expect("esql", HEAD "  f:\n    C|windash|contains: ' -n'\n  condition: not f\n", NULL,
         ESQL "not (C like \"* -n*\" or C like \"* /n*\" or C like \"* \xe2\x80\x93n*\" or "
              "C like \"* \xe2\x80\x94n*\" or C like \"* \xe2\x80\x95n*\")");
}

#define VALS HEAD "  s:\n    A|contains: ['a*b', 'c?d']\n    B: 'q\"u\\x'\n    C: ''\n" \
             "    D: 10.0.0.1\n    E|endswith: x\n    F|startswith: y\n    G: 'l\\*t\\?'\n" \
             "    H: '*'\n  condition: s\n"

static void test_values(void **state)
{
  (void)state;
  /* wildcards stay, '"' '\' are escaped; a literal '*' '?' (EQL has no
   * escape for it) makes an anchored regex~; empty strings and IP
   * addresses compare exactly */
  expect("eql", VALS, NULL,
         EQL "(A like~ (\"*a*b*\", \"*c?d*\")) and B:\"q\\\"u\\\\x\" and C==\"\" and "
             "D==\"10.0.0.1\" and E:\"*x\" and F:\"y*\" and G regex~ \"l\\\\*t\\\\?\" and "
             "H:\"*\"");
  /* ES|QL: ==, ends_with / starts_with for one leading / trailing '*',
   * like for the others; no in list when a value has wildcards */
  expect("esql", VALS, NULL,
         ESQL "(A like \"*a*b*\" or A like \"*c?d*\") and B==\"q\\\"u\\\\x\" and C==\"\" and "
              "D==\"10.0.0.1\" and ends_with(E, \"x\") and starts_with(F, \"y\") and "
              "G==\"l*t?\" and starts_with(H, \"\")");
  /* numbers stay numbers; |cased is case-sensitive in EQL */
  expect("eql", HEAD "  s:\n    N: [1, 2]\n    M: 3\n    A|cased: Ab\n    B|cased|startswith: Ab\n"
                "    T: true\n  condition: s\n", NULL,
         EQL "(N like~ (1, 2)) and M:3 and A == \"Ab\" and B like \"Ab*\" and T:true");
  expect("esql", HEAD "  s:\n    N: [1, 2]\n    M: 3\n    T: true\n  condition: s\n", NULL,
         ESQL "(N in (1, 2)) and M==3 and T==true");
}

#define SPECIAL HEAD "  s:\n    A|re: 'a/b\"c\\\"d'\n    B|re|i: 'x.*'\n    C|cidr: 10.0.0.0/8\n" \
                "    D: null\n    E|exists: true\n    G|gte: 5\n  f:\n    H: null\n" \
                "  condition: s and not f\n"

static void test_special(void **state)
{
  (void)state;
  /* EQL: regex~ with '\' and '"' escaped for the string; cidrMatch; null
   * grouped, not-null is `?F != null` */
  expect("eql", SPECIAL, NULL,
         EQL "(A regex~ \"a/b\\\"c\\\\\\\"d\" and B regex~ \"(?i)x.*\" and "
             "cidrMatch(C, \"10.0.0.0/8\") and (?D == null) and ?E != null and G >= 5) and "
             "?H != null");
  /* ES|QL: rlike with '\' and '"' escaped; is null / is not null */
  expect("esql", SPECIAL, NULL,
         ESQL "A rlike \"a/b\\\"c\\\\\\\"d\" and B rlike \"(?i)x.*\" and "
              "cidr_match(C, \"10.0.0.0/8\") and D is null and E is not null and G>=5 and "
              "not H is null");
  expect("esql", HEAD "  s:\n    A|fieldref: B\n  condition: s\n", NULL, ESQL "A==B");
  /* a field that does not exist is null; negated, it exists */
  expect("eql", HEAD "  s:\n    A|exists: false\n    B: 1\n  f:\n    C|exists: false\n"
                "  condition: s and not f\n", NULL,
         EQL "((?A == null) and B:1) and ?C != null");
  expect("esql", HEAD "  s:\n    A|exists: false\n  condition: not s\n", NULL, ESQL "not A is null");
}

/*
 * Escaping the query languages ask for (EqlBase.g4 and EsqlBaseLexer.g4:
 * strings know only \\ \" \n \r \t and, in EQL, \b \f \' \u{..}; ES|QL
 * LIKE has `\` as its own escape, before `*`, `?` or `\` only).
 */
static void test_escaping(void **state)
{
  (void)state;
  /* a literal '\' in a LIKE pattern is \\ for LIKE, \\\\ in the string; a
   * literal '*' / '?' is \* / \? for LIKE, \\* in the string */
  expect("esql", HEAD "  s:\n    C|contains: 'C:\\dir\\'\n  condition: s\n", NULL,
         ESQL "C like \"*C:\\\\\\\\dir\\\\\\\\*\"");
  expect("esql", HEAD "  s:\n    C|contains: ['a\\*b', 'c\\?d']\n  condition: s\n", NULL,
         ESQL "C like \"*a\\\\*b*\" or C like \"*c\\\\?d*\"");
  /* exact values, starts_with / ends_with: string escapes only */
  expect("esql", HEAD "  s:\n    I|endswith: '\\x\\*y.exe'\n    P|startswith: 'C:\\'\n"
                "  condition: s\n", NULL,
         ESQL "ends_with(I, \"\\\\x*y.exe\") and starts_with(P, \"C:\\\\\")");
  expect("esql", HEAD "  s:\n    P: ['a\\*', b]\n  condition: s\n", NULL,
         ESQL "P in (\"a*\", \"b\")");
  /* EQL: ':' reads a backslash literally; literal '*' in a pattern or a
   * list: regex~, kept out of like~ lists */
  expect("eql", HEAD "  s:\n    C|contains: 'C:\\dir\\'\n  condition: s\n", NULL,
         EQL "C:\"*C:\\\\dir\\\\*\"");
  expect("eql", HEAD "  s:\n    C|contains: 'a.\\*(b'\n  condition: s\n", NULL,
         EQL "C regex~ \".*a\\\\.\\\\*\\\\(b.*\"");
  expect("eql", HEAD "  s:\n    C|cased|endswith: 'A\\?'\n  condition: s\n", NULL,
         EQL "C regex \".*A\\\\?\"");
  expect("eql", HEAD "  s:\n    P: ['a\\*', b, c]\n  condition: s\n", NULL,
         EQL "P regex~ \"a\\\\*\" or P:\"b\" or P:\"c\"");
  /* EQL regex~: the expression is escaped for the string (`a\.b`) */
  expect("eql", HEAD "  s:\n    R|re: 'a\\.b\\\\c'\n  condition: s\n", NULL,
         EQL "R regex~ \"a\\\\.b\\\\\\\\c\"");
  /* field names that are keywords: backticked in EQL and ES|QL */
  expect("eql", HEAD "  s:\n    like: x\n    regex: y\n    a.sample: z\n    runs: w\n"
                "  condition: s\n", NULL,
         EQL "`like`:\"x\" and `regex`:\"y\" and `a.sample`:\"z\" and `runs`:\"w\"");
  expect("esql", HEAD "  s:\n    or: x\n    a.LIKE: y\n    likes: z\n    a.Where.b: w\n"
                "  condition: s\n", NULL,
         ESQL "`or`==\"x\" and `a.LIKE`==\"y\" and likes==\"z\" and `a.Where.b`==\"w\"");
}

static void test_keywords_refused(void **state)
{
  (void)state;
  expect("eql", HEAD "  kw: [foo, 'b*r']\n  condition: kw\n", NULL, EQL "\"foo\" or \"b*r\"");
  refuse("esql", HEAD "  kw: [foo]\n  condition: kw\n", "unbound keywords");
  refuse("eql", HEAD "  s:\n    A|fieldref: B\n  condition: s\n", "field references");
  refuse("eql", HEAD "  s:\n    A|expand: '%x%'\n  condition: s\n", "placeholder");
}

static void test_fields_pipeline(void **state)
{
  ctix_error err;
  char *q;
  (void)state;
  /* EQL needs backticks around a field with a space or a hyphen (bare,
   * `cs-uri` reads as cs minus uri), a leading digit or a keyword; a
   * backtick inside is doubled; dotted names, `_` and `@` stay bare */
  expect("eql", HEAD "  s:\n    'my field': x\n    cs-uri: y\n  condition: s\n", NULL,
         EQL "`my field`:\"x\" and `cs-uri`:\"y\"");
  expect("eql", HEAD "  s:\n    6f: x\n    in: y\n    a.Not: z\n  condition: s\n", NULL,
         EQL "`6f`:\"x\" and `in`:\"y\" and `a.Not`:\"z\"");
  expect("eql", HEAD "  s:\n    'a`b': x\n    a.b-c: y\n    a..b: z\n  condition: s\n", NULL,
         EQL "`a``b`:\"x\" and `a.b-c`:\"y\" and `a..b`:\"z\"");
  expect("eql", HEAD "  s:\n    '@timestamp': x\n    _a.b_1.C2: y\n    a.6: z\n  condition: s\n",
         NULL, EQL "@timestamp:\"x\" and _a.b_1.C2:\"y\" and `a.6`:\"z\"");
  /* every place a field stands: lists, regex, cidr, null, exists */
  expect("eql", HEAD "  s:\n    c-ip|cidr: 10.0.0.0/8\n    cs-m: [a, b]\n    cs-q|re: x\n"
                     "    sc-s: null\n    cs-h|exists: true\n  condition: s\n", NULL,
         EQL "cidrMatch(`c-ip`, \"10.0.0.0/8\") and (`cs-m` like~ (\"a\", \"b\")) and "
             "`cs-q` regex~ \"x\" and (?`sc-s` == null) and ?`cs-h` != null");
  expect("esql", HEAD "  s:\n    cs-uri: y\n  condition: s\n", NULL, ESQL "`cs-uri`==\"y\"");
  /* ES|QL reads a part starting with a digit as a number */
  expect("esql", HEAD "  s:\n    1f: x\n    a.2b: y\n    a.b_3: z\n  condition: s\n", NULL,
         ESQL "`1f`==\"x\" and `a.2b`==\"y\" and a.b_3==\"z\"");
  /* EQL and ES|QL strings cannot hold a raw line break or tab: escaped */
  expect("eql", HEAD "  s:\n    F: \"a\\nb\\tc\\r\"\n  condition: s\n", NULL,
         EQL "F:\"a\\nb\\tc\\r\"");
  expect("esql", HEAD "  s:\n    F: \"a\\nb\"\n  condition: s\n", NULL, ESQL "F==\"a\\nb\"");
  /* ... nor can a regular expression's string (rlike / regex~) */
  expect("esql", HEAD "  s:\n    R|re: \"x\\ny\\tz\\r\"\n  condition: s\n", NULL,
         ESQL "R rlike \"x\\ny\\tz\\r\"");
  expect("eql", HEAD "  s:\n    R|re: \"x\\ny\"\n  condition: s\n", NULL,
         EQL "R regex~ \"x\\ny\"");
  /* ES|QL: a lone `_` is no name (`_` must be followed by a letter, digit
   * or `_`); `__` and `_a` are */
  expect("esql", HEAD "  s:\n    _: x\n    a._: y\n    _.a: v\n    __: z\n    _a._b: w\n"
                "  condition: s\n", NULL,
         ESQL "`_`==\"x\" and `a._`==\"y\" and `_.a`==\"v\" and __==\"z\" and _a._b==\"w\"");
  /* ecs_windows: event ids and event-data fields hold keywords */
  q = conv("eql", HEAD "  s:\n    EventID: [4624, 4625]\n    LogonType: 3\n  condition: s\n",
           "ecs_windows", &err);
  if (!q)
    fail_msg("ecs_windows: %s", err.message);
  assert_string_equal(q, EQL "(event.code like~ (\"4624\", \"4625\")) and "
                             "winlog.event_data.LogonType:\"3\"");
  free(q);
  expect("esql", "title: t\nlogsource: {product: windows, service: security}\ndetection:\n"
                 "  s:\n    EventID: 4624\n  condition: s\n", "ecs_windows",
         ESQL "winlog.channel==\"Security\" and event.code==\"4624\"");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_precedence),
    cmocka_unit_test(test_expansions),
    cmocka_unit_test(test_values),
    cmocka_unit_test(test_special),
    cmocka_unit_test(test_escaping),
    cmocka_unit_test(test_keywords_refused),
    cmocka_unit_test(test_fields_pipeline),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
