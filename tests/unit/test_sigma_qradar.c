/*
 * Unit tests of the QRadar AQL target (backend_qradar_aql.c) and its
 * pipelines qradar-aql-fields / qradar-aql-payload: quoting and escaping
 * (`'` doubled, field names with spaces double-quoted, function fields
 * not), exact versus LIKE matches (lowercased, `%`/`_` wildcards, digit
 * patterns without LOWER, non-ASCII lowercase), brackets around every
 * nested group and the NOT(...) function, the top-level bracket after the
 * devicetype filter, IN lists, regular expressions with flags, CIDR,
 * null / exists, comparisons, field references, keywords on the payload,
 * windash variants, a field mapped to several properties (also with
 * |all), devicetypes from the logsource and from eventSource, and the
 * pipeline transformations value_contains and field_to_keyword.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sigma_test.h"

#include "ctix/sigma.h"
#include "sigma/sigma_internal.h"

#define HEAD "title: t\nlogsource: {category: test}\ndetection:\n"
#define WIN(cat) "title: t\nlogsource: {product: windows, category: " cat "}\ndetection:\n"
#define SEL "SELECT * FROM events WHERE "

static char *conv_t(const char *target, const char *yaml, const char *pipe, ctix_error *err)
{
  return sigma_test_convert(target, yaml, pipe, err);
}

static void expect(const char *yaml, const char *pipe, const char *want)
{
  sigma_test_expect("qradar_aql", yaml, pipe, want);
}

static void expect_error(const char *yaml, const char *pipe, const char *substr)
{
  sigma_test_expect_error("qradar_aql", yaml, pipe, substr);
}

static void test_strings(void **state)
{
  (void)state;
  /* a field name that is not one function call is quoted, never spliced in */
  expect(HEAD "  s:\n    \"f(x) OR 1=1 OR g(y)\": v\n  condition: s\n", NULL,
         SEL "\"f(x) OR 1=1 OR g(y)\"='v'");
  /* exact match keeps case; ' is doubled; backslash and % stay literal */
  expect(HEAD "  s:\n    F: \"It's C:\\\\x %y%\"\n  condition: s\n", NULL,
         SEL "F='It''s C:\\x %y%'");
  /* wildcards: LOWER(F) LIKE, lowercased, * -> %, ? -> _ */
  expect(HEAD "  s:\n    F: 'A*b?C'\n  condition: s\n", NULL, SEL "LOWER(F) LIKE 'a%b_c'");
  expect(HEAD "  s:\n    F|contains: \"O'K\"\n  condition: s\n", NULL,
         SEL "LOWER(F) LIKE '%o''k%'");
  /* a digit-only pattern is compared without LOWER */
  expect(HEAD "  s:\n    F|contains: '42'\n  condition: s\n", NULL, SEL "F LIKE '%42%'");
  /* escaped wildcard is a literal '*' */
  expect(HEAD "  s:\n    F|endswith: 'a\\*'\n  condition: s\n", NULL, SEL "LOWER(F) LIKE '%a*'");
  /* non-ASCII letters are lowercased too (Cyrillic, Latin-1) */
  expect(HEAD "  s:\n    F|contains: 'АДМИН É'\n  condition: s\n", NULL,
         SEL "LOWER(F) LIKE '%админ é%'");
  /* numbers and booleans */
  expect(HEAD "  s:\n    F: 4697\n    G: true\n  condition: s\n", NULL, SEL "F=4697 AND G=true");
}

static void test_fields(void **state)
{
  (void)state;
  /* spaces: double-quoted; a function call: as written */
  expect(HEAD "  s:\n    Event ID: 1\n    UTF8(payload): x\n  condition: s\n", NULL,
         SEL "\"Event ID\"=1 AND UTF8(payload)='x'");
  /* brackets or quotes that do not pair up: quoted, so the query stays well-formed */
  expect(HEAD "  s:\n    \"a'b\": 1\n    c(d: 2\n  condition: s\n", NULL,
         SEL "\"a'b\"=1 AND \"c(d\"=2");
  /* arithmetic operators: quoted (bare, cs-uri-query reads as a subtraction) */
  expect(HEAD "  s:\n    cs-uri-query: x\n    a/b: 1\n    c.d_e: 2\n  condition: s\n", NULL,
         SEL "\"cs-uri-query\"='x' AND \"a/b\"=1 AND c.d_e=2");
  /* a double quote cannot be written in a name */
  expect_error(HEAD "  s:\n    'a\"b': 1\n  condition: s\n", NULL, "cannot be written in AQL");
}

static void test_brackets(void **state)
{
  (void)state;
  /* every nested group is bracketed; NOT is a function, bracketed when nested */
  expect(HEAD "  a:\n    A: 1\n  b:\n    B: 2\n    C: 3\n  c:\n    D: 4\n"
              "  condition: a or (b and not c)\n",
         NULL, SEL "A=1 OR ((B=2 AND C=3) AND (NOT(D=4)))");
  expect(HEAD "  a:\n    A: 1\n  b:\n    B: 2\n    C: 3\n  condition: not (a or b)\n", NULL,
         SEL "NOT((A=1 OR (B=2 AND C=3)))");
  /* after the devicetype filter a top-level OR gets one bracket */
  expect(WIN("process_creation") "  a:\n    A: 1\n  b:\n    B: 2\n  condition: a or b\n", NULL,
         SEL "devicetype=12 AND (A=1 OR B=2)");
  expect(WIN("process_creation") "  a:\n    A: 1\n  b:\n    B: 2\n  condition: a and b\n", NULL,
         SEL "devicetype=12 AND A=1 AND B=2");
  /* an unbalanced bracket inside a value does not hide the OR */
  expect(WIN("process_creation") "  a:\n    A|contains: 'f('\n  b:\n    B: 2\n  condition: a or b\n",
         NULL, SEL "devicetype=12 AND (LOWER(A) LIKE '%f(%' OR B=2)");
}

static void test_in_lists(void **state)
{
  (void)state;
  expect(HEAD "  s:\n    F: [a, B, 3]\n  condition: s\n", NULL, SEL "F IN('a', 'B', '3')");
  /* nested: bracketed like any group; wildcards prevent the list */
  expect(HEAD "  s:\n    F: [a, b]\n    G: [x*, y]\n  condition: s\n", NULL,
         SEL "(F IN('a', 'b')) AND (LOWER(G) LIKE 'x%' OR G='y')");
}

static void test_match_kinds(void **state)
{
  (void)state;
  expect(HEAD "  s:\n    F|re: \"a'b\\\\d+\"\n  condition: s\n", NULL, SEL "F MATCHES 'a''b\\d+'");
  expect(HEAD "  s:\n    F|re|i: 'ab'\n  condition: s\n", NULL, SEL "F MATCHES '(?i)ab'");
  expect(HEAD "  s:\n    F|cidr: 10.0.0.0/8\n  condition: s\n", NULL,
         SEL "INCIDR('10.0.0.0/8', F)");
  expect(HEAD "  s:\n    F: null\n  condition: s\n", NULL, SEL "F IS NULL");
  expect(HEAD "  s:\n    F|exists: true\n    G|exists: false\n  condition: s\n", NULL,
         SEL "F IS NOT NULL AND G IS NULL");
  expect(HEAD "  s:\n    F|gte: 5\n    G|lt: 2\n  condition: s\n", NULL, SEL "F >= 5 AND G < 2");
  expect(HEAD "  s:\n    F|fieldref: Other Field\n  condition: s\n", NULL,
         SEL "F=\"Other Field\"");
  /* keywords search the payload, anywhere */
  expect(HEAD "  keywords:\n    - Foo Bar\n    - 123\n  condition: keywords\n", NULL,
         SEL "LOWER(UTF8(payload)) LIKE '%foo bar%' OR UTF8(payload) LIKE '%123%'");
}

static void test_windash(void **state)
{
  (void)state;
  /* the variants of an expanding modifier get no own bracket under OR/NOT */
  expect(HEAD "  s:\n    F|windash|contains: '-a'\n  condition: not s\n", NULL,
         SEL "NOT(LOWER(F) LIKE '%-a%' OR LOWER(F) LIKE '%/a%' OR LOWER(F) LIKE '%–a%' OR "
             "LOWER(F) LIKE '%—a%' OR LOWER(F) LIKE '%―a%')");
  expect(HEAD "  s:\n    F|windash|contains: ['-a', 'x']\n  condition: not s\n", NULL,
         SEL "NOT((LOWER(F) LIKE '%-a%' OR LOWER(F) LIKE '%/a%' OR LOWER(F) LIKE '%–a%' OR "
             "LOWER(F) LIKE '%—a%' OR LOWER(F) LIKE '%―a%' OR LOWER(F) LIKE '%x%'))");
  /* under AND they are bracketed */
  expect(HEAD "  s:\n    F|windash: '-a'\n    G: 1\n  condition: s\n", NULL,
         SEL "(F='-a' OR F='/a' OR F='–a' OR F='—a' OR F='―a') AND G=1");
}

static void test_fields_pipeline(void **state)
{
  (void)state;
  /* a field mapped to two properties: the item is fanned out per property */
  expect(WIN("process_creation") "  s:\n    Image|endswith: ['\\a.exe', '\\b.exe']\n"
                                 "    CommandLine|contains: x\n  condition: s\n",
         "qradar-aql-fields",
         SEL "devicetype=12 AND ((LOWER(\"Process Path\") LIKE '%\\a.exe' OR "
             "LOWER(\"Process Path\") LIKE '%\\b.exe') OR (LOWER(\"Process Name\") LIKE "
             "'%\\a.exe' OR LOWER(\"Process Name\") LIKE '%\\b.exe')) AND LOWER(Command) LIKE '%x%'");
  /* |all: both values in the same property */
  expect(WIN("process_creation") "  s:\n    Image|contains|all: [a, b]\n  condition: s\n",
         "qradar-aql-fields",
         SEL "devicetype=12 AND ((LOWER(\"Process Path\") LIKE '%a%' AND LOWER(\"Process Path\") "
             "LIKE '%b%') OR (LOWER(\"Process Name\") LIKE '%a%' AND LOWER(\"Process Name\") LIKE "
             "'%b%'))");
  /* unstructured fields match anywhere; auditd's a0..a5 become Command "aN%value" */
  expect(HEAD "  s:\n    cs-uri: /x\n  condition: s\n", "qradar-aql-fields",
         SEL "LOWER(URL) LIKE '%/x%'");
  expect("title: t\nlogsource: {product: linux, service: auditd}\ndetection:\n"
         "  s:\n    a0: chmod\n  condition: s\n",
         "qradar-aql-fields", SEL "devicetype=11 AND LOWER(Command) LIKE '%a0%chmod%'");
  /* function fields */
  expect(WIN("image_load") "  s:\n    ImageLoaded|endswith: '\\x.dll'\n  condition: s\n",
         "qradar-aql-fields",
         SEL "devicetype=12 AND LOWER(CONCAT('file directory', '/', filename)) LIKE '%\\x.dll'");
  /* unmapped fields are refused */
  expect_error(WIN("process_creation") "  s:\n    NoSuchField: 1\n  condition: s\n",
               "qradar-aql-fields", "field 'NoSuchField' is not supported");
}

static void test_devicetypes(void **state)
{
  (void)state;
  expect("title: t\nlogsource: {product: windows, service: windefend}\ndetection:\n"
         "  s:\n    EventID: 1\n  condition: s\n",
         "qradar-aql-fields", SEL "devicetype IN(433, 12) AND \"Event ID\"=1");
  /* eventSource names a log source type: added to the devicetypes, match dropped */
  expect("title: t\nlogsource: {product: m365, service: threat_management}\ndetection:\n"
         "  s:\n    eventSource: SecurityComplianceCenter\n    eventName: x\n  condition: s\n",
         "qradar-aql-fields", SEL "devicetype IN(443, 397) AND QIDNAME(qid)='x'");
  /* an AWS service name is no log source type: dropped */
  expect("title: t\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n"
         "  s:\n    eventSource: iam.amazonaws.com\n    eventName: [a, b]\n  condition: s\n",
         "qradar-aql-fields",
         SEL "devicetype IN(516, 519, 456, 460, 501, 502, 507, 440, 347) AND QIDNAME(qid) IN('a', "
             "'b')");
  /* only a device type the whole condition requires joins the filter: a
     negated or alternative one stays a comparison of the condition */
#define AWS "title: t\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n"
#define AWS_TYPES "devicetype IN(516, 519, 456, 460, 501, 502, 507, 440, 347)"
  /* (an alternative's type also joins the log source's filter, or its
     branch could never match) */
#define AWS_TYPES_436 "devicetype IN(516, 519, 456, 460, 501, 502, 507, 440, 347, 436)"
  expect(AWS "  s:\n    eventName: x\n  f:\n    eventSource: guardduty.amazonaws.com\n"
             "  condition: s and not f\n",
         "qradar-aql-fields", SEL AWS_TYPES " AND QIDNAME(qid)='x' AND (NOT(devicetype=436))");
  expect(AWS "  s:\n    eventName: x\n  f:\n    eventSource|neq: guardduty.amazonaws.com\n"
             "  condition: s and f\n",
         "qradar-aql-fields", SEL AWS_TYPES " AND QIDNAME(qid)='x' AND (NOT(devicetype=436))");
  expect(AWS "  a:\n    eventSource: guardduty.amazonaws.com\n    eventName: x\n"
             "  b:\n    eventName: y\n  condition: a or b\n",
         "qradar-aql-fields",
         SEL AWS_TYPES_436 " AND ((devicetype=436 AND QIDNAME(qid)='x') OR QIDNAME(qid)='y')");
  expect(AWS "  s:\n    eventSource: [guardduty.amazonaws.com, securityhub.amazonaws.com]\n"
             "    eventName: x\n  condition: s\n",
         "qradar-aql-fields",
         SEL AWS_TYPES_436 " AND (devicetype=436 OR devicetype=440) AND QIDNAME(qid)='x'");
  /* a top-level one is still hoisted */
  expect(AWS "  s:\n    eventSource: guardduty.amazonaws.com\n    eventName: x\n"
             "  f:\n    eventName: y\n  condition: s and not f\n",
         "qradar-aql-fields",
         SEL "devicetype IN(516, 519, 456, 460, 501, 502, 507, 440, 347, 436) AND "
             "QIDNAME(qid)='x' AND (NOT(QIDNAME(qid)='y'))");
  /* a name QRadar does not know is true: an OR holding it is true too ... */
  expect(AWS "  s:\n    eventSource: [sts.amazonaws.com, guardduty.amazonaws.com]\n"
             "    eventName: x\n  condition: s\n",
         "qradar-aql-fields", SEL AWS_TYPES " AND QIDNAME(qid)='x'");
  expect(AWS "  a:\n    eventSource: sts.amazonaws.com\n    eventName: x\n"
             "  b:\n    eventSource: iam.amazonaws.com\n    eventName: y\n"
             "  condition: a or b\n",
         "qradar-aql-fields", SEL AWS_TYPES " AND QIDNAME(qid) IN('x', 'y')");
  /* ... but under a NOT dropping it would narrow the query: refused */
  expect_error(AWS "  s:\n    eventName: x\n  f:\n    eventSource: sts.amazonaws.com\n"
                   "  condition: s and not f\n",
               "qradar-aql-fields", "eventSource 'sts.amazonaws.com' is no QRadar log source type");
  expect_error(AWS "  s:\n    eventName: x\n  f:\n    eventSource|contains: guardduty\n"
                   "  condition: s and not f\n",
               "qradar-aql-fields", "eventSource '*guardduty*' is no QRadar log source type");
#undef AWS
#undef AWS_TYPES
#undef AWS_TYPES_436
  /* without a log source filter an alternative's comparison is enough */
  expect("title: t\nlogsource: {product: foo}\ndetection:\n  a:\n    eventSource: "
         "guardduty.amazonaws.com\n    eventName: x\n  b:\n    eventName: y\n  condition: a or b\n",
         "qradar-aql-fields",
         SEL "(devicetype=436 AND QIDNAME(qid)='x') OR QIDNAME(qid)='y'");
  /* nothing left but eventSource and no device type: refused */
  expect_error("title: t\nlogsource: {product: nope}\ndetection:\n"
               "  s:\n    eventSource: iam.amazonaws.com\n  condition: s\n",
               "qradar-aql-fields", "no condition left");
  /* pySigma's name of the target works too */
  {
    ctix_error err;
    char *q = conv_t("q_radar_aql", HEAD "  s:\n    F: 1\n  condition: s\n", NULL, &err);
    assert_non_null(q);
    assert_string_equal(q, SEL "F=1");
    free(q);
  }
}

static void test_payload_pipeline(void **state)
{
  (void)state;
  /* unmapped fields search the payload; numbers as "Field%number" */
  expect(WIN("process_creation") "  s:\n    Foo: Bar\n    Num: 5\n    EventID: 1\n  condition: s\n",
         "qradar-aql-payload",
         SEL "devicetype=12 AND LOWER(UTF8(payload)) LIKE '%bar%' AND LOWER(UTF8(payload)) LIKE "
             "'%num%5%' AND \"Event ID\"=1");
  /* windash variants of an unmapped field keep a field: Payload */
  expect(HEAD "  s:\n    Foo|windash: '-x'\n  condition: s\n", "qradar-aql-payload",
         SEL "UTF8(payload)='-x' OR UTF8(payload)='/x' OR UTF8(payload)='–x' OR "
             "UTF8(payload)='—x' OR UTF8(payload)='―x'");
  /* what a payload search cannot say is refused */
  expect_error(HEAD "  s:\n    Foo: null\n  condition: s\n", "qradar-aql-payload",
               "Null value is not supported for the field 'Foo'");
  expect_error(HEAD "  s:\n    Foo|re: x\n  condition: s\n", "qradar-aql-payload",
               "Regular expression value");
  expect_error(HEAD "  s:\n    Foo: 'true'\n  condition: s\n", "qradar-aql-payload",
               "Boolean value");
  /* an undefined placeholder matches anything */
  expect(HEAD "  s:\n    Foo|expand: '%ph%'\n  condition: not s\n", "qradar-aql-payload",
         SEL "NOT(UTF8(payload) LIKE '%')");
}

static void test_pipeline_params(void **state)
{
  sg_pipeline *p = NULL;
  ctix_error err;
  const char *bad1 = "name: x\ntransformations:\n  - type: value_contains\n";
  const char *bad2 = "name: x\ntransformations:\n  - type: field_to_keyword\n";
  (void)state;
  ctix_error_clear(&err);
  assert_int_equal(ctix__sg_pipeline_load(&p, bad1, strlen(bad1), "x", &err), CTIX_EPARSE);
  assert_non_null(strstr(err.message, "value_contains"));
  ctix_error_clear(&err);
  assert_int_equal(ctix__sg_pipeline_load(&p, bad2, strlen(bad2), "x", &err), CTIX_EPARSE);
  assert_null(p);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_strings),         cmocka_unit_test(test_fields),
    cmocka_unit_test(test_brackets),        cmocka_unit_test(test_in_lists),
    cmocka_unit_test(test_match_kinds),     cmocka_unit_test(test_windash),
    cmocka_unit_test(test_fields_pipeline), cmocka_unit_test(test_devicetypes),
    cmocka_unit_test(test_payload_pipeline), cmocka_unit_test(test_pipeline_params),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
