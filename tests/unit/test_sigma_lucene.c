/*
 * Unit tests of the Elastic Lucene target (backend_lucene.c), the
 * ecs_windows pipeline and the Kibana NDJSON writer (output_ndjson.c):
 * escaping of Lucene's special characters and spaces, literal and
 * wildcard '*' / '?', empty values, keywords, `F:(a OR b)` lists (also the
 * one-variant list of an expanding modifier), bracketing of every nested
 * AND/OR/NOT, regular expressions (slashes, flags), CIDR, null / exists and
 * their negations, field references refused; the ECS field names, channel
 * conditions and winlog.event_data prefix of ecs_windows and the
 * exclude_fields options of field transformations; the NDJSON rule object.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sigma_test.h"

#include <stdio.h>
#include <unistd.h>

#include "ctix/sigma.h"
#include "sigma/sigma_internal.h"
#include "util/buf.h"

#define HEAD "title: t\nlogsource: {product: linux, service: auditd}\ndetection:\n"
#define WIN(cat) "title: t\nlogsource: {product: windows, category: " cat "}\ndetection:\n"

static void expect(const char *yaml, const char *pipe, const char *want)
{
  sigma_test_expect("lucene", yaml, pipe, want);
}

static void expect_error(const char *yaml, const char *pipe, const char *substr)
{
  sigma_test_expect_error("lucene", yaml, pipe, substr);
}

static void test_escaping(void **state)
{
  (void)state;
  /* spaces and every Lucene special character get a backslash */
  expect(HEAD "  s:\n    F: 'a b:c/d\\e(f)\"g'\n  condition: s\n", NULL,
         "F:a\\ b\\:c\\/d\\\\e\\(f\\)\\\"g");
  expect(HEAD "  s:\n    F: '+-=&|><!{}[]^~'\n  condition: s\n", NULL,
         "F:\\+\\-\\=\\&\\|\\>\\<\\!\\{\\}\\[\\]\\^\\~");
  /* '.', '@', '%', '#', ',' stay as they are */
  expect(HEAD "  s:\n    F: 'a.b@c%d#e,f'\n  condition: s\n", NULL, "F:a.b@c%d#e,f");
  /* wildcards stay, literal '*' and '?' are escaped */
  expect(HEAD "  s:\n    F: 'a*b?c\\*d\\?e'\n  condition: s\n", NULL, "F:a*b?c\\*d\\?e");
  expect(HEAD "  s:\n    F|contains: 'x y'\n  condition: s\n", NULL, "F:*x\\ y*");
  /* a line break or tab would end the term: escaped like the space */
  expect(HEAD "  s:\n    F: \"a\\nb\\tc\\r\"\n  condition: s\n", NULL, "F:a\\\nb\\\tc\\\r");
  /* an empty value is "" (also inside lists) */
  expect(HEAD "  s:\n    F: ''\n  condition: s\n", NULL, "F:\"\"");
  expect(HEAD "  s:\n    F: ['-', '']\n  condition: s\n", NULL, "F:(\\- OR \"\")");
  /* special characters of field names are escaped too ('-' excepted) */
  expect(HEAD "  s:\n    'a b:c-d': 1\n  condition: s\n", NULL, "a\\ b\\:c-d:1");
  /* numbers and booleans as written */
  expect(HEAD "  s:\n    F: 4624\n    B: true\n  condition: s\n", NULL, "F:4624 AND B:true");
}

static void test_keywords_and_lists(void **state)
{
  (void)state;
  /* keywords match anywhere: '*' on both sides, even next to a wildcard */
  expect(HEAD "  k:\n    - 'a b'\n    - 'x*'\n  condition: k\n", NULL, "*a\\ b* OR *x**");
  /* ORs over one field become a list */
  expect(HEAD "  s:\n    F|endswith: ['\\a.exe', '\\b.exe']\n  condition: s\n", NULL,
         "F:(*\\\\a.exe OR *\\\\b.exe)");
  /* the list is bracketed below an operator */
  expect(HEAD "  s:\n    F: [a, b]\n    G: c\n  condition: s\n", NULL, "(F:(a OR b)) AND G:c");
  /* a windash expansion is a list but never bracketed; its one variant too */
  expect(HEAD "  s:\n    F|contains|windash: '-k'\n    G|contains|windash: 'x'\n  condition: s\n",
         NULL,
         "F:(*\\-k* OR *\\/k* OR *\xe2\x80\x93k* OR *\xe2\x80\x94k* OR *\xe2\x80\x95k*) AND "
         "G:(*x*)");
}

static void test_grouping(void **state)
{
  (void)state;
  /* every AND/OR/NOT below the top is bracketed, the top never */
  expect(HEAD "  a: {A: 1, B: 2}\n  b: {C: 3}\n  condition: a or b\n", NULL, "(A:1 AND B:2) OR C:3");
  expect(HEAD "  a: {A: 1, B: 2}\n  b: {C: 3}\n  condition: a and b\n", NULL,
         "(A:1 AND B:2) AND C:3");
  expect(HEAD "  a: {A: 1}\n  b: {C: 3}\n  c: {D: 4}\n  condition: a and not (b or c)\n", NULL,
         "A:1 AND (NOT (C:3 OR D:4))");
  expect(HEAD "  a: {A: 1}\n  b: {C: 3}\n  condition: a and not b\n", NULL, "A:1 AND (NOT C:3)");
  expect(HEAD "  b: {C: 3}\n  condition: not b\n", NULL, "NOT C:3");
  /* |all makes an AND of the values */
  expect(HEAD "  s:\n    F|contains|all: [a, b]\n    G: c\n  condition: s\n", NULL,
         "(F:*a* AND F:*b*) AND G:c");
}

static void test_special_matches(void **state)
{
  (void)state;
  /* regular expressions: unescaped '/' escaped, an escaped one kept, flags in front */
  expect(HEAD "  s:\n    F|re: 'a/b\\/c'\n  condition: s\n", NULL, "F:/a\\/b\\/c/");
  expect(HEAD "  s:\n    F|re|i: 'x\\\\/'\n  condition: s\n", NULL, "F:/(?i)x\\\\\\//");
  /* CIDR ranges with the slash (and IPv6 colons) escaped */
  expect(HEAD "  s:\n    F|cidr: ['10.0.0.0/8', 'fe80::/10']\n  condition: s\n", NULL,
         "F:10.0.0.0\\/8 OR F:fe80\\:\\:\\/10");
  /* null: NOT _exists_, bracketed below an operator; a negated null is an exists test */
  expect(HEAD "  s:\n    F: null\n  condition: s\n", NULL, "NOT _exists_:F");
  expect(HEAD "  s:\n    F: null\n  t:\n    G: 1\n  condition: s or t\n", NULL,
         "(NOT _exists_:F) OR G:1");
  expect(HEAD "  s:\n    F: null\n  t:\n    G: 1\n  condition: t and not s\n", NULL,
         "G:1 AND _exists_:F");
  expect(HEAD "  s:\n    F|exists: true\n    G|exists: false\n  condition: s\n", NULL,
         "_exists_:F AND (NOT _exists_:G)");
  /* comparisons */
  expect(HEAD "  s:\n    F|gte: 5\n  condition: s\n", NULL, "F:>=5");
  /* field references cannot be expressed */
  expect_error(HEAD "  s:\n    F|fieldref: G\n  condition: s\n", NULL, "field references");
  /* an unresolved placeholder is refused */
  expect_error(HEAD "  s:\n    F|expand: '%x%'\n  condition: s\n", NULL, "placeholder");
  expect_error(HEAD "  s:\n    F|windash|expand: '%y%'\n  condition: s\n", NULL, "placeholder");
}

static void test_ecs_windows(void **state)
{
  (void)state;
  /* process creation: ECS process fields, PE metadata of the process */
  expect(WIN("process_creation") "  s:\n    Image|endswith: '\\x.exe'\n"
                                 "    OriginalFileName: x.exe\n    CommandLine|contains: y\n"
                                 "    IntegrityLevel: High\n  condition: s\n",
         "ecs_windows",
         "process.executable:*\\\\x.exe AND process.pe.original_file_name:x.exe AND "
         "process.command_line:*y* AND winlog.event_data.IntegrityLevel:High");
  /* image load: PE metadata of the loaded file; CommandLine is event data here */
  expect(WIN("image_load") "  s:\n    OriginalFileName: a.dll\n    CommandLine: z\n"
                           "    ImageLoaded|endswith: '\\a.dll'\n  condition: s\n",
         "ecs_windows",
         "file.pe.original_file_name:a.dll AND winlog.event_data.CommandLine:z AND "
         "file.path:*\\\\a.dll");
  /* a service adds its channel in front; EventID is event.code */
  expect("title: t\nlogsource: {product: windows, service: security}\ndetection:\n"
         "  s:\n    EventID: 4624\n    ServiceName: x\n    TargetUserName: y\n  condition: s\n",
         "ecs_windows",
         "winlog.channel:Security AND (event.code:4624 AND service.name:x AND "
         "winlog.event_data.TargetUserName:y)");
  expect("title: t\nlogsource: {product: windows, service: taskscheduler}\ndetection:\n"
         "  s:\n    EventID: 1\n  condition: s\n",
         "ecs_windows",
         "winlog.channel:Microsoft\\-Windows\\-TaskScheduler\\/Operational AND event.code:1");
  /* dotted names stay; other products are not touched */
  expect(WIN("process_creation") "  s:\n    a.b: 1\n  condition: s\n", "ecs_windows", "a.b:1");
  expect(HEAD "  s:\n    Image: x\n  condition: s\n", "ecs_windows", "Image:x");
}

/* A user pipeline written to a temporary file; returns its path (static). */
static const char *pipeline_file(const char *text)
{
  static char path[64];
  FILE *f;
  snprintf(path, sizeof(path), "/tmp/ctix_test_lucene_%ld.yml", (long)getpid());
  f = fopen(path, "w");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
  assert_int_equal(fclose(f), 0);
  return path;
}

static void test_exclude_fields(void **state)
{
  /* B is not mapped, Z (mapped from A) and the dotted c.d get no prefix */
  const char *p = pipeline_file("name: x\ntransformations:\n"
                                "  - type: field_name_mapping\n    mapping: {A: Z, B: C}\n"
                                "    exclude_fields: [B]\n"
                                "  - type: field_name_prefix\n    prefix: 'p.'\n"
                                "    exclude_fields: [Z]\n    exclude_fields_containing: '.'\n");
  (void)state;
  expect(HEAD "  s:\n    A: 1\n    B: 2\n    c.d: 3\n    E: 4\n  condition: s\n", p,
         "Z:1 AND p.B:2 AND c.d:3 AND p.E:4");
  unlink(p);
}

/* Checks that `s` contains `sub`. */
static void has(const char *s, const char *sub)
{
  if (!strstr(s, sub))
    fail_msg("'%s' lacks '%s'", s, sub);
}

static void test_ndjson(void **state)
{
  static const char y[] =
      "title: Evil \"thing\"\nid: 0b9b3a61-8c33-4a4e-9a89-3d2f0e9a1c2d\n"
      "description: Finds it\nauthor: Me\nlevel: high\n"
      "tags: [attack.execution, attack.t1059.001, attack.t1003.001]\n"
      "logsource: {product: windows, category: process_creation}\n"
      "detection:\n  s: {Image: x}\n  condition: s\n";
  ctix_sigma_rule *r = NULL;
  ctix_error err;
  ctix_buf b = CTIX_BUF_INIT(1u << 20);
  const char *s;
  (void)state;
  ctix_error_clear(&err);
  assert_int_equal(ctix_sigma_rule_load(&r, y, sizeof(y) - 1, "t.yml", &err), 0);
  assert_int_equal(ctix__sg_output_ndjson(&b, r, "process.executable:x", "lucene", 0), 0);
  assert_int_equal(ctix__sg_output_ndjson(&b, r, "any where true", "eql", 1), 0);
  assert_int_equal(ctix__sg_output_ndjson(&b, r, "FROM logs-* | LIMIT 1", "esql", 0), 0);
  assert_int_equal(ctix__sg_output_ndjson(&b, r, "x", "spl", 0), CTIX_EUNSUPPORTED);
  assert_int_equal(ctix__buf_addc(&b, 0), 0);
  s = b.data;
  /* one object per line */
  assert_int_equal(s[b.len - 2], '\n');
  assert_non_null(strchr(s, '\n'));
  has(s, "{\"rule_id\": \"0b9b3a61-8c33-4a4e-9a89-3d2f0e9a1c2d\", \"name\": \"Evil \\\"thing\\\"\"");
  has(s, "\"risk_score\": 73, \"severity\": \"high\", \"type\": \"query\", \"language\": \"lucene\", "
         "\"query\": \"process.executable:x\", \"index\": [\"winlogbeat-*\"");
  /* a second query gets its own id and name; EQL and ES|QL rule types */
  has(s, "\"rule_id\": \"0b9b3a61-8c33-4a4e-9a89-3d2f0e9a1c2d-2\", \"name\": \"Evil \\\"thing\\\" (2)\"");
  has(s, "\"type\": \"eql\", \"language\": \"eql\"");
  has(s, "\"type\": \"esql\", \"language\": \"esql\", \"query\": \"FROM logs-* | LIMIT 1\", "
         "\"enabled\"");
  has(s, "\"tags\": [\"Sigma\", \"attack.execution\", \"attack.t1059.001\", \"attack.t1003.001\", "
         "\"T1059.001\", \"T1003.001\"]");
  /* with the knowledge base: tactics from tags, sub-techniques below their technique;
   * T1003.001 has no tagged tactic and goes under its own (credential access) */
  if (strstr(s, "\"threat\": []") == NULL) {
    has(s, "\"tactic\": {\"id\": \"TA0002\", \"name\": \"Execution\"");
    has(s, "\"technique\": [{\"id\": \"T1059\"");
    has(s, "\"subtechnique\": [{\"id\": \"T1059.001\"");
    has(s, "\"tactic\": {\"id\": \"TA0006\"");
    has(s, "{\"id\": \"T1003.001\"");
  }
  ctix__buf_free(&b);
  ctix_sigma_rule_free(r);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_escaping),       cmocka_unit_test(test_keywords_and_lists),
    cmocka_unit_test(test_grouping),       cmocka_unit_test(test_special_matches),
    cmocka_unit_test(test_ecs_windows),    cmocka_unit_test(test_exclude_fields),
    cmocka_unit_test(test_ndjson),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
