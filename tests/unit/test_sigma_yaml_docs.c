/*
 * Unit tests of the YAML reader of the response module
 * (src/lib/respond/sigma_yaml.c, ctix__sy_parse): its path without libyaml
 * (documents after "---" lines, read by the Sigma reader's subset parser)
 * gives the same trees, positions and errors as libyaml alone, on the
 * behaviour template library, on the Sigma rules generated for the example
 * report, and on inputs at the edges of the path (text before the first
 * marker, markers with content, empty documents, document ends,
 * directives, byte-order marks, tabs, bad bytes, syntax errors).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctix/analysis.h"
#include "ctix/respond.h"
#include "kb/build.h"
#include "respond/sigma.h"
#include "util/arena.h"
#include "util/buf.h"

/* Both paths agree on data[0..len): same code, same message, same tree. */
static void same(const char *data, size_t len)
{
  ctix_error e1, e2;
  if (ctix__sy_paths_agree(data, len, &e1, &e2) != 0)
    fail_msg("paths differ on \"%.*s\": '%s' vs '%s'", (int)(len < 80 ? len : 80), data,
             e1.message, e2.message);
}

static void test_edges(void **state)
{
  static const char *const cases[] = {
      "",
      "# only a comment\n",
      "---\n",
      "---\na: 1\n",
      "# lead\n\n---\na: 1\n---\nb: [x, y]\nc:\n  - d\n  - e: f\n",
      "a: 1\nb: two\n",
      "--- a\n",
      "---\na: |\n  x\n  y\n\n---\nb: 2\n",
      "---\na: |+\n  keep\n\n\n---\nb: 2\n",
      "...\n",
      "---\na: 1\n...\n---\nb: 2\n",
      "\xef\xbb\xbf---\na: 1\n",
      "# \xff\n---\na: 1\n",
      "# caf\xc3\xa9\n---\na: 1\n",
      "---\n\tb: 1\n",
      "---\na: 'q'\nb: \"d\\0x\"\n",
      "---\n- a\n- b: c\n",
      "---\nkey: value\n---\n",
      "---\na: 1\n--- \nb: 2\n",
      "%YAML 1.1\n---\na: 1\n",
      "---\n? complex\n: v\n",
      "---\na: &x 1\nb: *x\n",
      "---\na: [\n",
      "---\na: 1\na: 2\n",
      "---\n[a, b]: 1\n",
      "x\n---\na: 1\n",
      "---\r\na: 1\r\n",
      "---\nplain\n---\n'quoted'\n",
      "---\n# c\na: 1 # trailing\n\n# c2\n",
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    same(cases[i], strlen(cases[i]));
}

/* Name order, as module.cmake concatenates the templates. */
static int by_name(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Each behaviour template alone, then all of them as the embedded library. */
static void test_template_library(void **state)
{
  char dir[4096], path[8192];
  DIR *d;
  struct dirent *e;
  char *names[1024];
  size_t n = 0, i;
  ctix_buf all = CTIX_BUF_INIT((size_t)1 << 26);
  (void)state;
  snprintf(dir, sizeof(dir), "%s/../../data/sigma/templates", CTIX_TEST_DATA);
  if (!(d = opendir(dir)))
    fail_msg("cannot open %s", dir);
  while ((e = readdir(d)) && n < 1024)
    if (strlen(e->d_name) > 4 && strcmp(e->d_name + strlen(e->d_name) - 4, ".yml") == 0)
      names[n++] = strdup(e->d_name);
  closedir(d);
  assert_true(n > 10);
  qsort(names, n, sizeof(names[0]), by_name);
  for (i = 0; i < n; i++) {
    char *text = NULL;
    size_t got = 0;
    ctix_error err;
    snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
    if (ctix__kbb_read(&text, &got, path, CTIX__SY_MAX_INPUT, &err) != 0)
      fail_msg("cannot read %s: %s", path, err.message);
    same(text, got);
    assert_int_equal(ctix__buf_add(&all, text, got), 0);
    free(text);
    free(names[i]);
  }
  same(all.data, all.len);
  {
    /* and it is the path without libyaml that reads them */
    ctix_arena a;
    ctix__sy *docs = NULL;
    ctix_error err;
    ctix__arena_init(&a, 0);
    ctix_error_clear(&err);
    assert_int_equal(ctix__sy_parse(&docs, &a, all.data, all.len, CTIX__SY_MAX_INPUT, &err), 0);
    assert_int_equal(docs->n, n);
    ctix__arena_free(&a);
  }
  ctix__buf_free(&all);
}

/* The rules generated for the example report read back alike. */
static void test_generated_rules(void **state)
{
  char path[4096];
  ctix_document *doc = NULL;
  ctix_analysis *an = NULL;
  ctix_options opts;
  ctix_error err;
  size_t i;
  (void)state;
  ctix_error_clear(&err);
  ctix_options_init(&opts);
  snprintf(path, sizeof(path), "%s/../../examples/technical-writeup.md", CTIX_TEST_DATA);
  assert_int_equal(ctix_document_load(&doc, path, &opts.doc, &err), 0);
  assert_int_equal(ctix_analyze(&an, doc, NULL, &opts, &err), 0);
  assert_true(an->response->nrules > 5);
  for (i = 0; i < an->response->nrules; i++)
    same(an->response->rules[i].yaml, strlen(an->response->rules[i].yaml));
  ctix_analysis_free(an);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_edges),
      cmocka_unit_test(test_template_library),
      cmocka_unit_test(test_generated_rules),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
