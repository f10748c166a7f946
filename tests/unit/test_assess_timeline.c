/*
 * Unit tests of the timeline (src/lib/assess/timeline.c) and of the date
 * helpers and tables it relies on: absolute dates in their written forms,
 * relative expressions resolved against a reference date, durations,
 * trigger words, impossible dates ignored, sorting, and phrases that look
 * like dates but are not (CVE ids, "Patch Tuesday", "may").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess_internal.h"
#include "ctix/document.h"

/* 2026-02-10 is a Tuesday. */
#define REF "2026-02-10"

typedef struct tl {
  ctix_document *doc;
  ctix_arena arena;
  ctix_buf events;
  const ctix_event *ev;
  size_t n;
} tl;

/* Builds a plain-text document and its timeline against `ref` (may be NULL). */
static void tl_run(tl *t, const char *text, const char *ref)
{
  ctix_doc_options o;
  ctix_error err;
  ctix_doc_options_init(&o);
  o.format = CTIX_FORMAT_TEXT;
  ctix_error_clear(&err);
  memset(t, 0, sizeof(*t));
  assert_int_equal(ctix_document_parse(&t->doc, text, strlen(text), &o, &err), 0);
  ctix__arena_init(&t->arena, 0);
  ctix__buf_init(&t->events, (size_t)1 << 24);
  assert_int_equal(ctix__assess_timeline(&t->events, &t->arena, t->doc, ref, &err), 0);
  t->ev = (const ctix_event *)(const void *)t->events.data;
  t->n = CTIX__BUF_COUNT(&t->events, ctix_event);
  for (size_t i = 0; i < t->n; i++) {
    /* the span is the expression as written, and lies in its sentence */
    const ctix_event *e = &t->ev[i];
    assert_true(e->end > e->start && e->end <= t->doc->len);
    assert_int_equal(strlen(e->expression), e->end - e->start);
    assert_memory_equal(t->doc->text + e->start, e->expression, e->end - e->start);
    assert_true(e->sentence < t->doc->nsentences);
    assert_true(t->doc->sentences[e->sentence].span.start <= e->start);
    assert_true(t->doc->sentences[e->sentence].span.end >= e->end);
  }
}

static void tl_free(tl *t)
{
  ctix__buf_free(&t->events);
  ctix__arena_free(&t->arena);
  ctix_document_free(t->doc);
}

/* Asserts event i: date (NULL allowed), precision, label, expression. */
static void ev_is(const tl *t, size_t i, const char *date, const char *prec, const char *what,
                  const char *expr)
{
  assert_true(i < t->n);
  const ctix_event *e = &t->ev[i];
  if (date) {
    assert_non_null(e->date);
    assert_string_equal(e->date, date);
  } else {
    assert_null(e->date);
  }
  assert_string_equal(e->precision, prec);
  assert_string_equal(e->what, what);
  assert_string_equal(e->expression, expr);
}

/* ---------------------------------------------------------------- calendar */

static void test_calendar(void **state)
{
  int y, m, d;
  assert_int_equal(ctix__assess_days(1970, 1, 1), 0);
  assert_int_equal(ctix__assess_days(2000, 3, 1), 11017);
  for (long days = -800; days < 60000; days += 37) {
    ctix__assess_civil(days, &y, &m, &d);
    assert_int_equal(ctix__assess_days(y, m, d), days);
  }
  assert_int_equal(ctix__assess_month_days(2024, 2), 29);
  assert_int_equal(ctix__assess_month_days(2025, 2), 28);
  assert_int_equal(ctix__assess_month_days(1900, 2), 28);
  assert_int_equal(ctix__assess_month_days(2000, 2), 29);
  assert_int_equal(ctix__assess_month_days(2025, 13), 0);
  assert_int_equal(ctix__assess_parse_ymd("2026-01-30T10:00:00Z", &y, &m, &d), 0);
  assert_int_equal(y * 10000 + m * 100 + d, 20260130);
  assert_int_equal(ctix__assess_parse_ymd("2026-02-30", &y, &m, &d), CTIX_EINVAL);
  assert_int_equal(ctix__assess_parse_ymd("2026-1-30", &y, &m, &d), CTIX_EINVAL);
  assert_int_equal(ctix__assess_parse_ymd("20260130", &y, &m, &d), CTIX_EINVAL);
  assert_int_equal(ctix__assess_parse_ymd(NULL, &y, &m, &d), CTIX_EINVAL);
}

static void test_tables_load(void **state)
{
  const ctix__assess_tables *t;
  ctix_error err;
  ctix_error_clear(&err);
  assert_int_equal(ctix__assess_tables_get(&t, &err), 0);
  assert_int_equal(t->nmonths, 24);
  assert_int_equal(t->nweekdays, 10);
  assert_true(t->ntriggers > 50);
  assert_true(t->nrelatives > 10);
  assert_true(t->nrisk > 10);
  /* longest trigger first: the longest-match order */
  for (size_t i = 1; i < t->ntriggers; i++)
    assert_true(t->triggers[i - 1].len >= t->triggers[i].len);
}

static void test_tables_errors(void **state)
{
  ctix__assess_tables *t = NULL;
  ctix_error err;
  static const char *const bad_dates[] = {
      "month\tjanuary\t13\n", "weekday\tfunday\t9\n", "season\tspring\t1\n",
      "relative\tyesterday\tfortnight -1\n", "relative\tyesterday\tday\n", "number\tten\tx\n"};
  for (size_t i = 0; i < sizeof(bad_dates) / sizeof(bad_dates[0]); i++) {
    ctix_error_clear(&err);
    assert_int_equal(ctix__assess_tables_parse(&t, NULL, 0, NULL, 0, NULL, 0, bad_dates[i],
                                               strlen(bad_dates[i]), &err),
                     CTIX_EPARSE);
    assert_null(t);
    assert_string_equal(err.source, "dates.tsv");
    assert_int_equal(err.line, 1);
  }
  const char *trig = "# comment\n\ndetected\tdetected\nonly-one-field\n";
  ctix_error_clear(&err);
  assert_int_equal(ctix__assess_tables_parse(&t, NULL, 0, NULL, 0, trig, strlen(trig), NULL, 0,
                                             &err),
                   CTIX_EPARSE);
  assert_string_equal(err.source, "triggers.tsv");
  assert_int_equal(err.line, 4);
  const char *sect = "energy\t1.5\n";
  ctix_error_clear(&err);
  assert_int_equal(ctix__assess_tables_parse(&t, NULL, 0, sect, strlen(sect), NULL, 0, NULL, 0,
                                             &err),
                   CTIX_EPARSE);
  assert_string_equal(err.source, "sectors.tsv");
}

/* ---------------------------------------------------------------- absolute */

static void test_absolute_forms(void **state)
{
  tl t;
  tl_run(&t,
         "The intrusion was detected on January 30, 2026. "
         "Microsoft released a fix on 2025-12-09. "
         "The flaw was disclosed on 3 March 2025. "
         "The campaign began in March 2024. "
         "The actor has been active since 2019. "
         "Exploitation was first observed on Jan. 5, 2026.",
         REF);
  assert_int_equal(t.n, 6);
  /* sorted by date */
  ev_is(&t, 0, "2019", "year", "started", "2019");
  ev_is(&t, 1, "2024-03", "month", "started", "March 2024");
  ev_is(&t, 2, "2025-03-03", "day", "disclosed", "3 March 2025");
  ev_is(&t, 3, "2025-12-09", "day", "published", "2025-12-09");
  ev_is(&t, 4, "2026-01-05", "day", "first seen", "Jan. 5, 2026");
  ev_is(&t, 5, "2026-01-30", "day", "detected", "January 30, 2026");
  for (size_t i = 0; i < t.n; i++)
    assert_false(t.ev[i].relative);
  tl_free(&t);
}

static void test_absolute_without_year(void **state)
{
  tl t;
  /* December 18 near 2026-01-09 is the previous December */
  tl_run(&t, "The network was breached on December 18 and the company disclosed it on January 6.",
         "2026-01-09");
  assert_int_equal(t.n, 2);
  ev_is(&t, 0, "2025-12-18", "day", "breached", "December 18");
  ev_is(&t, 1, "2026-01-06", "day", "disclosed", "January 6");
  assert_true(t.ev[0].relative);
  tl_free(&t);
  /* without a reference the date stays unknown */
  tl_run(&t, "The breach happened on December 18.", NULL);
  assert_int_equal(t.n, 1);
  ev_is(&t, 0, NULL, "day", "breached", "December 18");
  tl_free(&t);
}

static void test_range_and_weekday_prefix(void **state)
{
  tl t;
  tl_run(&t, "Attacks were observed on Monday, January 26, 2026 and on March 3-5, 2025.", REF);
  assert_int_equal(t.n, 2);
  ev_is(&t, 0, "2025-03-03", "day", "detected", "March 3-5, 2025");
  ev_is(&t, 1, "2026-01-26", "day", "detected", "January 26, 2026");
  tl_free(&t);
}

/* ---------------------------------------------------------------- relative */

static void test_relative(void **state)
{
  tl t;
  tl_run(&t,
         "The flaw was publicly disclosed last week. "
         "The company confirmed the attack yesterday. "
         "Patches were released on Monday. "
         "The botnet was detected earlier this month. "
         "Exploitation started three days ago. "
         "The group was sanctioned last year.",
         REF);
  assert_int_equal(t.n, 6);
  ev_is(&t, 0, "2025", "year", "sanctioned", "last year");
  ev_is(&t, 1, "2026-02", "month", "detected", "earlier this month");
  /* last week: the week starting Monday 2026-02-02 */
  ev_is(&t, 2, "2026-02-02", "week", "disclosed", "last week");
  ev_is(&t, 3, "2026-02-07", "day", "started", "three days ago");
  ev_is(&t, 4, "2026-02-09", "day", "disclosed", "yesterday");
  ev_is(&t, 5, "2026-02-09", "day", "published", "Monday");
  for (size_t i = 0; i < t.n; i++)
    assert_true(t.ev[i].relative);
  tl_free(&t);
}

static void test_relative_without_reference(void **state)
{
  tl t;
  tl_run(&t, "The company disclosed the breach yesterday.", NULL);
  assert_int_equal(t.n, 1);
  ev_is(&t, 0, NULL, "day", "disclosed", "yesterday");
  assert_true(t.ev[0].relative);
  tl_free(&t);
  /* a reference that is no date is no reference */
  tl_run(&t, "The company disclosed the breach yesterday.", "soon");
  assert_int_equal(t.n, 1);
  assert_null(t.ev[0].date);
  tl_free(&t);
}

static void test_weekend_and_month_boundaries(void **state)
{
  tl t;
  /* 2026-03-02 is a Monday: last month is February, the weekend before is 2026-02-28 */
  tl_run(&t, "Servers were taken offline over the weekend. The breach was detected last month.",
         "2026-03-02");
  assert_int_equal(t.n, 2);
  ev_is(&t, 0, "2026-02", "month", "detected", "last month");
  ev_is(&t, 1, "2026-02-23", "week", "disrupted", "over the weekend");
  tl_free(&t);
  /* January: last month is December of the previous year */
  tl_run(&t, "The breach was detected last month.", "2026-01-15");
  ev_is(&t, 0, "2025-12", "month", "detected", "last month");
  tl_free(&t);
}

/* ---------------------------------------------------------------- durations */

static void test_durations(void **state)
{
  tl t;
  tl_run(&t,
         "The attack was contained within nine hours. "
         "The attackers had access for about three weeks before they were detected. "
         "Systems were restored after twenty-four hours. "
         "The token is valid for 30 days.",
         REF);
  assert_int_equal(t.n, 3);
  /* undated events keep text order */
  ev_is(&t, 0, NULL, "duration", "contained", "within nine hours");
  ev_is(&t, 1, NULL, "duration", "detected", "for about three weeks");
  ev_is(&t, 2, NULL, "duration", "restored", "after twenty-four hours");
  tl_free(&t);
}

/* ---------------------------------------------------------------- bad dates */

static void test_impossible_dates_ignored(void **state)
{
  tl t;
  tl_run(&t,
         "The breach was detected on February 30, 2026. "
         "It was disclosed on 2026-13-01 and patched on 2026-02-31. "
         "It was exploited on February 29, 2025. "
         "It was exploited on 31 April 2025.",
         REF);
  assert_int_equal(t.n, 0);
  tl_free(&t);
  /* 2024 is a leap year */
  tl_run(&t, "It was exploited on February 29, 2024.", REF);
  assert_int_equal(t.n, 1);
  ev_is(&t, 0, "2024-02-29", "day", "exploited", "February 29, 2024");
  tl_free(&t);
}

static void test_not_dates(void **state)
{
  tl t;
  tl_run(&t,
         "CVE-2024-21762 was exploited. The attackers may steal data. "
         "Microsoft fixed it on Patch Tuesday. Version 2024 was compromised. "
         "The file was named 2024-report.pdf and detected by 12 vendors. "
         "The sample hash ends in 2026-01-999.",
         REF);
  for (size_t i = 0; i < t.n; i++)
    print_message("unexpected event: %s\n", t.ev[i].expression);
  assert_int_equal(t.n, 0);
  tl_free(&t);
}

/* -------------------------------------------------------------- triggers */

static void test_nearest_trigger(void **state)
{
  tl t;
  tl_run(&t,
         "Microsoft disclosed the bug on March 3, 2025, and attackers exploited it on "
         "March 10, 2025. CISA added CVE-2025-0001 to its Known Exploited Vulnerabilities "
         "catalog on March 12, 2025. The report appeared on April 2, 2025.",
         REF);
  assert_int_equal(t.n, 4);
  ev_is(&t, 0, "2025-03-03", "day", "disclosed", "March 3, 2025");
  ev_is(&t, 1, "2025-03-10", "day", "exploited", "March 10, 2025");
  ev_is(&t, 2, "2025-03-12", "day", "added to KEV", "March 12, 2025");
  ev_is(&t, 3, "2025-04-02", "day", "mentioned", "April 2, 2025");
  tl_free(&t);
}

static void test_code_blocks_skipped(void **state)
{
  ctix_doc_options o;
  ctix_error err;
  ctix_document *doc = NULL;
  ctix_arena a;
  ctix_buf ev = CTIX_BUF_INIT((size_t)1 << 20);
  const char *md = "# Log\n\n```\n2026-01-30 detected beacon\n```\n\nThe beacon was detected "
                   "on 2026-01-31.\n";
  ctix_doc_options_init(&o);
  o.format = CTIX_FORMAT_MARKDOWN;
  ctix_error_clear(&err);
  assert_int_equal(ctix_document_parse(&doc, md, strlen(md), &o, &err), 0);
  ctix__arena_init(&a, 0);
  assert_int_equal(ctix__assess_timeline(&ev, &a, doc, REF, &err), 0);
  assert_int_equal(CTIX__BUF_COUNT(&ev, ctix_event), 1);
  assert_string_equal(CTIX__BUF_AT(&ev, ctix_event, 0).date, "2026-01-31");
  ctix__buf_free(&ev);
  ctix__arena_free(&a);
  ctix_document_free(doc);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_calendar),
      cmocka_unit_test(test_tables_load),
      cmocka_unit_test(test_tables_errors),
      cmocka_unit_test(test_absolute_forms),
      cmocka_unit_test(test_absolute_without_year),
      cmocka_unit_test(test_range_and_weekday_prefix),
      cmocka_unit_test(test_relative),
      cmocka_unit_test(test_relative_without_reference),
      cmocka_unit_test(test_weekend_and_month_boundaries),
      cmocka_unit_test(test_durations),
      cmocka_unit_test(test_impossible_dates_ignored),
      cmocka_unit_test(test_not_dates),
      cmocka_unit_test(test_nearest_trigger),
      cmocka_unit_test(test_code_blocks_skipped),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
