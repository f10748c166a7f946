/*
 * Unit tests of ctix_options.skip_response (src/lib/analysis/analysis.c):
 * by default the "response" stage runs and fills a->response; with the
 * switch on it is left out (a->response NULL) while every other stage
 * gives the same result. The CLI sets the switch for runs that print only
 * the summary.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctix/analysis.h"
#include "ctix/respond.h"

static const char sample[] =
    "# Intrusion notes\n\n"
    "The actor sent a phishing attachment, ran PowerShell with encoded commands (T1059.001), "
    "created a scheduled task and dumped LSASS memory. The loader beaconed to "
    "update-checker.xyz and dropped C:\\Users\\Public\\svchost32.exe "
    "(SHA-256 3f2a6e1c9b8d7a6f3f2a6e1c9b8d7a6f3f2a6e1c9b8d7a6f3f2a6e1c9b8d7a6f).\n";

/* The analysis of the sample with skip_response set to `skip`. */
static ctix_analysis *analyse(bool skip)
{
  ctix_options opts;
  ctix_document *doc = NULL;
  ctix_analysis *a = NULL;
  ctix_error err;
  ctix_error_clear(&err);
  ctix_options_init(&opts);
  assert_false(opts.skip_response); /* the default runs every stage */
  opts.skip_response = skip;
  opts.doc.format = CTIX_FORMAT_MARKDOWN;
  assert_int_equal(ctix_document_parse(&doc, sample, sizeof(sample) - 1, &opts.doc, &err), 0);
  assert_int_equal(ctix_analyze(&a, doc, "sample", &opts, &err), 0);
  return a;
}

static void test_skip_response(void **state)
{
  ctix_analysis *full = analyse(false), *lean = analyse(true);
  size_t i;
  (void)state;
  assert_non_null(full->response);
  assert_true(full->response->nrules > 0);
  assert_null(lean->response);
  /* the other stages are untouched */
  assert_true(full->techniques->count > 0);
  assert_int_equal(full->iocs->nitems, lean->iocs->nitems);
  assert_int_equal(full->techniques->count, lean->techniques->count);
  for (i = 0; i < full->techniques->count; i++)
    assert_string_equal(full->techniques->items[i].id, lean->techniques->items[i].id);
  assert_int_equal(full->entities->count, lean->entities->count);
  assert_int_equal(full->assessment->risk_score, lean->assessment->risk_score);
  ctix_analysis_free(full);
  ctix_analysis_free(lean);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_skip_response),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
