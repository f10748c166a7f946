/*
 * Unit tests of the Sigma conversion engine: reader errors with line and
 * column, the condition language, value modifiers and the Splunk table
 * (grouping, IN lists, escaping, regex and fieldref hooks), and the
 * splunk_windows pipeline.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sigma_test.h"

#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>

#include "ctix/sigma.h"
#include "sigma/sigma_internal.h"

static char *conv(const char *yaml, const char *pipe, ctix_error *err)
{
  return sigma_test_convert("splunk", yaml, pipe, err);
}

#define HEAD "title: t\nlogsource: {product: windows, service: security}\ndetection:\n"

static void expect(const char *yaml, const char *pipe, const char *want)
{
  sigma_test_expect("splunk", yaml, pipe, want);
}

static void test_basic_and_or(void **state)
{
  (void)state;
  expect(HEAD "  sel:\n    Image|endswith: ['\\a.exe', '\\b.exe']\n    CommandLine|contains: x\n"
              "  f:\n    - User: SYSTEM\n    - User|startswith: 'NT '\n"
              "  condition: sel and not f\n",
         NULL, "Image IN (\"*\\\\a.exe\", \"*\\\\b.exe\") CommandLine=\"*x*\" NOT (User IN (\"SYSTEM\", \"NT *\"))");
  /* AND inside OR is grouped, OR inside AND is not (SPL precedence) */
  expect(HEAD "  a: {A: 1, B: 2}\n  b: {C: 3}\n  c: {D: 4}\n  condition: (a or b) and c\n", NULL,
         "(A=1 B=2) OR C=3 D=4");
}

static void test_modifiers(void **state)
{
  (void)state;
  expect(HEAD "  s:\n    CommandLine|contains|windash: ' -k'\n  condition: s\n", NULL,
         "CommandLine=\"* -k*\" OR CommandLine=\"* /k*\" OR CommandLine=\"* \xe2\x80\x93k*\" OR "
         "CommandLine=\"* \xe2\x80\x94k*\" OR CommandLine=\"* \xe2\x80\x95k*\"");
  expect(HEAD "  s:\n    F|base64: abc\n  condition: s\n", NULL, "F=\"YWJj\"");
  expect(HEAD "  s:\n    F|cidr: 10.0.0.0/8\n    G: null\n    H|exists: true\n  condition: s\n", NULL,
         "F=\"10.0.0.0/8\" NOT G=* H=*");
  expect(HEAD "  s:\n    F: 'a\\*b\"c?'\n  condition: s\n", NULL, "F=\"a\\*b\\\"c*\"");
  expect(HEAD "  s:\n    F|gte: 5\n  condition: s\n", NULL, "F>=5");
}

static void test_regex_fieldref(void **state)
{
  ctix_error err;
  char *q;
  (void)state;
  expect(HEAD "  s:\n    A: x\n    F|re: 'a\"b\\d'\n  condition: s\n", NULL,
         "A=\"x\"\n| regex F=\"a\\\"b\\\\d\"");
  /* SPL keeps a line break in the expression as it is (ctix__sg_put_re_dq) */
  expect(HEAD "  s:\n    A: x\n    F|re: \"a\\nb\"\n  condition: s\n", NULL,
         "A=\"x\"\n| regex F=\"a\nb\"");
  expect(HEAD "  s:\n    A: x\n    F|fieldref: G\n  condition: s\n", NULL, "A=\"x\"\n| where 'F'='G'");
  q = conv(HEAD "  a: {F|fieldref: G}\n  b: {H: 1}\n  condition: a or b\n", NULL, &err);
  assert_null(q);
  assert_int_equal(err.code, CTIX_EUNSUPPORTED);
  /* names written bare in regex, rex and where clauses: a quote or a space
   * would change the query, so such a rule is refused */
  q = conv(HEAD "  s:\n    'a\" x=1 \"b|re': abc\n  condition: s\n", NULL, &err);
  assert_null(q);
  assert_int_equal(err.code, CTIX_EUNSUPPORTED);
  q = conv(HEAD "  s:\n    A: x\n    F|fieldref: \"b' OR '1'='1\"\n  condition: s\n", NULL, &err);
  assert_null(q);
  assert_int_equal(err.code, CTIX_EUNSUPPORTED);
  q = conv(HEAD "  s:\n    'b c|fieldref': G\n  condition: s\n", NULL, &err);
  assert_null(q);
  assert_int_equal(err.code, CTIX_EUNSUPPORTED);
  /* an OR of regexes goes through rex (the match hook) */
  q = conv(HEAD "  a: {'x y|re': abc}\n  b: {H: 1}\n  condition: a or b\n", NULL, &err);
  assert_null(q);
  assert_int_equal(err.code, CTIX_EUNSUPPORTED);
}

static void test_pipeline(void **state)
{
  (void)state;
  expect(HEAD "  s:\n    EventID: 4624\n  condition: s\n", "splunk_windows",
         "source=\"WinEventLog:Security\" EventCode=4624");
}

static void test_errors(void **state)
{
  ctix_error err;
  char *q;
  (void)state;
  /* a regex ending in a lone backslash would escape the closing quote of every target */
  sigma_test_expect_error("lucene", HEAD "  s:\n    F|re: 'x\\'\n  condition: s\n", NULL,
                          "lone backslash");
  sigma_test_expect("lucene", HEAD "  s:\n    F|re: 'x\\\\'\n  condition: s\n", NULL, "F:/x\\\\/");
  q = conv(HEAD "  s:\n    F|nosuch: 1\n  condition: s\n", NULL, &err);
  assert_null(q);
  assert_int_equal(err.code, CTIX_EPARSE);
  assert_int_equal(err.line, 5);
  q = conv(HEAD "  s: {F: 1}\n  condition: s and (\n", NULL, &err);
  assert_null(q);
  assert_int_equal(err.line, 5);
  assert_true(err.column > 14);
  q = conv(HEAD "  s: {F: 1}\n  condition: nothere\n", NULL, &err);
  assert_null(q);
  assert_non_null(strstr(err.message, "nothere"));
  q = conv(HEAD "  s:\n    F|expand: '%ph%'\n  condition: s\n", NULL, &err);
  assert_null(q);
  assert_non_null(strstr(err.message, "placeholder 'ph'"));
  q = conv("title: [unclosed\n", NULL, &err);
  assert_null(q);
  assert_int_equal(err.code, CTIX_EPARSE);
}

static void test_correlation(void **state)
{
  static const char y[] = "title: c\ncorrelation:\n  type: event_count\n  rules: [a, b]\n"
                          "  group-by: [User]\n  timespan: 1h\n  condition: {gte: 10}\n";
  ctix_sigma_rule *r = NULL;
  ctix_error err;
  (void)state;
  ctix_error_clear(&err);
  assert_int_equal(ctix_sigma_rule_load(&r, y, sizeof(y) - 1, "c.yml", &err), 0);
  assert_int_equal(ctix_sigma_rule_kind(r), CTIX_SIGMA_CORRELATION);
  ctix_sigma_rule_free(r);
  assert_non_null(ctix_sigma_target_name(0, NULL));
  {
    /* embedded pipelines come sorted by name; splunk_windows is one of them */
    size_t i;
    bool found = false;
    for (i = 0; ctix_sigma_pipeline_name(i, NULL); i++)
      found = found || strcmp(ctix_sigma_pipeline_name(i, NULL), "splunk_windows") == 0;
    assert_true(found);
  }
}

/* Fast YAML path and libyaml give identical trees; `fast` says whether the
 * fast path must accept the input. */
static void yaml_same(const char *text, bool fast)
{
  ctix_arena a1, a2;
  sg_y *y1 = NULL, *y2 = NULL;
  ctix_error err;
  int r1, r2;
  ctix__arena_init(&a1, 0);
  ctix__arena_init(&a2, 0);
  ctix_error_clear(&err);
  r1 = ctix__sg_yaml_parse_fast(&y1, &a1, text, strlen(text));
  r2 = ctix__sg_yaml_parse_libyaml(&y2, &a2, text, strlen(text), &err);
  if (fast)
    assert_int_equal(r1, 0);
  else
    assert_int_equal(r1, CTIX_EUNSUPPORTED);
  if (r1 == 0) {
    assert_int_equal(r2, 0);
    assert_true(ctix__sg_y_equal(y1, y2));
  }
  ctix__arena_free(&a1);
  ctix__arena_free(&a2);
}

static void test_yaml_fast(void **state)
{
  (void)state;
  yaml_same("a: 1\nb: 'x''y' # c\nc: \"q\\\\\\\"\\u00e9\"\nd: [x, 'y z', \"w\"]\n", true);
  yaml_same("d: |\n  line 1\n\n    more\n  end\ne: |-\n  x\n\nf: |+\n  y\n\n", true);
  yaml_same("tags:\n- a\n- b\nlist:\n    - k: v\n      k2: [1, 2]\n    - plain #c\n", true);
  yaml_same("k: a#b\nurl: http://x/y?z=1\n'quoted key': 1\n", true);
  yaml_same("'a\\': 'b\\'\n\"c d\": [e]\n", true);                  /* quoted keys */
  yaml_same("'a' : 1\n", false);                                     /* a space before ':' */
  yaml_same("- {type: logsource, product: windows}\n- {}\n", true);  /* flow mappings */
  yaml_same("a: {k: v, n: [1, 2], 'q': 1}\n", false);                /* a quoted flow key */
  yaml_same("a: {k: [1, [2]]}\n", false);                            /* nested deeper */
  yaml_same("a: {k: v:w}\n", false);                                 /* ':' in a value */
  yaml_same("a: {k: v, m: [x, 'y'], z: \"w\"}\nb: {a: b,}\n", false);
  yaml_same("a: {k: v, m: [x, 'y'], z: \"w\"} # c\n", true);
  yaml_same("a: &x 1\nb: *x\n", false);
  yaml_same("a: >\n  folded\n", true);
  yaml_same("a: >-\n  two\n  lines\nb: 1\n", true);
  yaml_same("a: >+\n  kept\n\n\nb: 1\n", true);
  yaml_same("- >\n  in a\n  sequence\n- x\n", true);
  yaml_same("a: >\n  one\n\n  two\n", false);       /* an empty line between */
  yaml_same("a: >\n  one\n    more\n", false);      /* more indented */
  yaml_same("a: >\n  trailing \n  space\n", false); /* trailing spaces */
  yaml_same("a: >\n\n  lead\n", false);             /* an empty line first */
  yaml_same("a: >2\n  x\n", false);                 /* indentation indicator */
  yaml_same("a: |+\n  x\n\n  ", true);  /* a last line of spaces, no break: adds nothing */
  yaml_same("a: >+\n  x\n  ", true);
  yaml_same("a: |\n  x\n     ", false); /* ... spaces past the indentation */
  yaml_same("a: multi\n  line\n", false);
  yaml_same("a:\tb\n", false);
  yaml_same("a: x: y\n", false);
}

/* Every rule of the shared corpus: fast path identical to libyaml. */
static void walk_dir(const char *dir, size_t *n, size_t *fast)
{
  DIR *d = opendir(dir);
  struct dirent *de;
  static char buf[1 << 22];
  if (!d)
    return;
  while ((de = readdir(d))) {
    char path[4096];
    struct stat st;
    if (de->d_name[0] == '.')
      continue;
    snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
    if (stat(path, &st) != 0)
      continue;
    if (S_ISDIR(st.st_mode)) {
      walk_dir(path, n, fast);
    } else if (strstr(de->d_name, ".yml")) {
      FILE *f = fopen(path, "rb");
      size_t len = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
      ctix_arena a1, a2;
      sg_y *y1 = NULL, *y2 = NULL;
      ctix_error err;
      if (f)
        fclose(f);
      ctix__arena_init(&a1, 0);
      ctix__arena_init(&a2, 0);
      ctix_error_clear(&err);
      (*n)++;
      if (ctix__sg_yaml_parse_fast(&y1, &a1, buf, len) == 0) {
        (*fast)++;
        assert_int_equal(ctix__sg_yaml_parse_libyaml(&y2, &a2, buf, len, &err), 0);
        if (!ctix__sg_y_equal(y1, y2))
          fail_msg("fast YAML path differs from libyaml on %s", path);
      }
      ctix__arena_free(&a1);
      ctix__arena_free(&a2);
    }
  }
  closedir(d);
}

/* The embedded processing pipelines are read by the fast path, as libyaml reads them. */
static void test_yaml_fast_pipelines(void **state)
{
  const char *text;
  size_t len, i;
  (void)state;
  for (i = 0; ctix__sg_pipeline_embedded(i, &text, &len); i++) {
    char *copy = malloc(len + 1);
    assert_non_null(copy);
    memcpy(copy, text, len);
    copy[len] = '\0';
    yaml_same(copy, true);
    free(copy);
  }
  assert_true(i >= 8);
}

static void test_yaml_fast_corpus(void **state)
{
  size_t n = 0, fast = 0;
  (void)state;
  walk_dir(CTIX_SHARED_DIR "/data/sigma/rules", &n, &fast);
  if (n == 0)
    skip();
  print_message("fast YAML path: %zu of %zu rules\n", fast, n);
  assert_true(fast * 100 >= n * 95);  /* the fast path covers the corpus */
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_basic_and_or), cmocka_unit_test(test_modifiers),
    cmocka_unit_test(test_regex_fieldref), cmocka_unit_test(test_pipeline),
    cmocka_unit_test(test_errors), cmocka_unit_test(test_correlation),
    cmocka_unit_test(test_yaml_fast), cmocka_unit_test(test_yaml_fast_pipelines),
    cmocka_unit_test(test_yaml_fast_corpus),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
