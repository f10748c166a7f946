/*
 * Unit tests of what the Sigma module offers the rest of ctix
 * (src/lib/sigma/sigma_lib.h): the rule-folder walk (order, which files,
 * hidden entries, symbolic-link loops, dangling links, the depth limit, a
 * callback ending the walk, a missing root) and the SIEM view table with
 * its per-process converters (built once, the same from several threads,
 * converting as a fresh converter does).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctix/sigma.h"
#include "sigma/sigma_lib.h"
#include "util/buf.h"

/* Collects the rel paths the walk gives, joined by ';'; stops at `stop_after` files if set. */
typedef struct seen {
  ctix_buf rels;
  size_t n, stop_after;
} seen;

static int note(void *ctx, const ctix__sigma_file *f)
{
  seen *s = ctx;
  size_t n = strlen(f->name);
  assert_true(strlen(f->rel) >= n);
  assert_string_equal(f->rel + strlen(f->rel) - n, f->name);
  assert_non_null(strstr(f->path, f->rel));
  ctix__buf_addf(&s->rels, "%s;", f->rel);
  s->n++;
  return s->stop_after && s->n == s->stop_after ? 7 : 0;
}

static void put(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static void test_walk(void **state)
{
  /* d: folder, f: file, l: symbolic link to `to` (NULL: the root) */
  static const struct {
    char kind;
    const char *rel, *to;
  } tree[] = {
      {'d', "sub", NULL},          {'d', ".git", NULL},     {'f', ".git/x.yml", NULL},
      {'f', ".hidden.yml", NULL},  {'f', "b.yml", NULL},    {'f', "a.YAML", NULL},
      {'f', "notes.txt", NULL},    {'f', "sub/c.yml", NULL}, {'l', "sub/loop", NULL},
      {'l', "dangling.yml", "/nonexistent/ctix/rule.yml"},
  };
  char dir[] = "/tmp/ctix-sigma-walk-XXXXXX", p[4096];
  seen s;
  size_t skipped = 0, i, n;
  ctix_error err;
  (void)state;
  assert_non_null(mkdtemp(dir));
  for (i = 0; i < sizeof(tree) / sizeof(tree[0]); i++) {
    snprintf(p, sizeof(p), "%s/%s", dir, tree[i].rel);
    if (tree[i].kind == 'd')
      assert_int_equal(mkdir(p, 0700), 0);
    else if (tree[i].kind == 'l')
      assert_int_equal(symlink(tree[i].to ? tree[i].to : dir, p), 0);
    else
      put(p, "x");
  }
  /* a folder deeper than the limit: its file is not reached */
  n = (size_t)snprintf(p, sizeof(p), "%s/deep", dir);
  assert_int_equal(mkdir(p, 0700), 0);
  for (i = 0; i < CTIX__SIGMA_WALK_MAX_DEPTH; i++) {
    n += (size_t)snprintf(p + n, sizeof(p) - n, "/d");
    assert_int_equal(mkdir(p, 0700), 0);
  }
  snprintf(p + n, sizeof(p) - n, "/deep.yml");
  put(p, "x");

  memset(&s, 0, sizeof(s));
  ctix__buf_init(&s.rels, 1 << 16);
  ctix_error_clear(&err);
  assert_int_equal(ctix__sigma_walk(dir, note, &s, &skipped, &err), 0);
  assert_string_equal(s.rels.data, "a.YAML;b.yml;sub/c.yml;");
  assert_int_equal(skipped, 2); /* the dangling link, the folder too deep */

  /* the callback ends the walk with its value */
  ctix__buf_reset(&s.rels);
  s.n = 0;
  s.stop_after = 2;
  assert_int_equal(ctix__sigma_walk(dir, note, &s, NULL, &err), 7);
  assert_int_equal(s.n, 2);

  /* a root that cannot be opened is an error naming it */
  snprintf(p, sizeof(p), "%s/none", dir);
  ctix_error_clear(&err);
  assert_int_equal(ctix__sigma_walk(p, note, &s, NULL, &err), CTIX_EIO);
  assert_non_null(strstr(err.message, p));
  ctix__buf_free(&s.rels);

  snprintf(p, sizeof(p), "rm -rf '%s'", dir);
  assert_int_equal(system(p), 0);
}

#define RULE                                                                                       \
  "title: t\nlogsource: {product: windows, category: process_creation}\n"                         \
  "detection:\n  s:\n    Image|endswith: '\\cmd.exe'\n    CommandLine|contains: x\n"              \
  "  condition: s\n"

/* The first query of RULE by cv (malloc'd), or NULL. */
static char *convert(const ctix_sigma_converter *cv)
{
  ctix_sigma_rule *r = NULL;
  ctix_sigma_queries q = {0, NULL};
  char *out = NULL;
  if (ctix_sigma_rule_load(&r, RULE, strlen(RULE), "t.yml", NULL) == 0 &&
      ctix_sigma_convert(&q, cv, r, NULL) == 0 && q.count == 1) {
    out = q.query[0];
    q.query[0] = NULL;
  }
  ctix_sigma_queries_free(&q);
  ctix_sigma_rule_free(r);
  return out;
}

/* Thread body: every view's converter, and RULE converted by each. */
typedef struct job {
  const ctix_sigma_converter *cv[32];
  char *q[32];
} job;

static void *fetch_all(void *arg)
{
  job *j = arg;
  size_t i;
  for (i = 0; i < ctix__sigma_nviews && i < 32; i++) {
    j->cv[i] = ctix__sigma_view_converter(i);
    j->q[i] = j->cv[i] ? convert(j->cv[i]) : NULL;
  }
  return NULL;
}

static void test_views(void **state)
{
  job jobs[4];
  pthread_t th[4];
  size_t i, k, nreport = 0;
  (void)state;
  assert_true(ctix__sigma_nviews <= 32);
  memset(jobs, 0, sizeof(jobs));
  for (k = 0; k < 4; k++)
    assert_int_equal(pthread_create(&th[k], NULL, fetch_all, &jobs[k]), 0);
  for (k = 0; k < 4; k++)
    assert_int_equal(pthread_join(th[k], NULL), 0);
  for (i = 0; i < ctix__sigma_nviews; i++) {
    const ctix__sigma_view *v = &ctix__sigma_views[i];
    const char *pipe = v->pipeline;
    ctix_sigma_converter *fresh = NULL;
    char *want;
    size_t j;
    nreport += v->report;
    for (j = 0; j < i; j++) /* keys are unique */
      assert_string_not_equal(ctix__sigma_views[j].key, v->key);
    /* every view's target and pipeline exist: its converter is built once */
    assert_non_null(jobs[0].cv[i]);
    assert_ptr_equal(ctix__sigma_view_converter(i), jobs[0].cv[i]);
    assert_int_equal(ctix_sigma_converter_new(&fresh, v->target, pipe ? &pipe : NULL,
                                              pipe ? 1 : 0, NULL),
                     0);
    want = convert(fresh);
    assert_non_null(want);
    for (k = 0; k < 4; k++) {
      assert_ptr_equal(jobs[k].cv[i], jobs[0].cv[i]);
      assert_non_null(jobs[k].q[i]);
      assert_string_equal(jobs[k].q[i], want);
      free(jobs[k].q[i]);
    }
    free(want);
    ctix_sigma_converter_free(fresh);
  }
  assert_true(nreport > 0);
  assert_null(ctix__sigma_view_converter(ctix__sigma_nviews));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_walk),
      cmocka_unit_test(test_views),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
