/*
 * Helpers shared by the unit tests of the typed IOC recognizers
 * (test_ioc_hash.c, test_ioc_ids.c, test_ioc_coin.c): run the public
 * extractor on a text and assert on the observables of one type.
 * Include after <cmocka.h>.
 */
#ifndef CTIX_TEST_IOC_TYPES_CHECK_H
#define CTIX_TEST_IOC_TYPES_CHECK_H

#include <stdio.h>
#include <string.h>

#include "ctix/ioc.h"

/* Extracts from the NUL-terminated text; fails the test on error. */
static inline ctix_ioc_list *ioc_run(const char *text)
{
  ctix_ioc_list *l = NULL;
  ctix_error err;
  ctix_error_clear(&err);
  if (ctix_ioc_extract(&l, text, strlen(text), NULL, &err) != 0 || !l)
    fail_msg("extraction failed on \"%s\": %s", text, err.message);
  return l;
}

/* The item of `type` whose value is `value`, or NULL. */
static inline const ctix_ioc *ioc_find(const ctix_ioc_list *l, ctix_ioc_type type, const char *value)
{
  size_t i;
  for (i = 0; i < l->nitems; i++)
    if (l->items[i].type == type && strcmp(l->items[i].value, value) == 0)
      return &l->items[i];
  return NULL;
}

/* Number of items of `type` with `status`. */
static inline size_t ioc_count(const ctix_ioc_list *l, ctix_ioc_type type, ctix_ioc_status status)
{
  size_t i, n = 0;
  for (i = 0; i < l->nitems; i++)
    n += l->items[i].type == type && l->items[i].status == status;
  return n;
}

/* Prints the list (for failure messages). */
static inline void ioc_dump(const char *text, const ctix_ioc_list *l)
{
  size_t i;
  print_message("text: \"%s\"\n", text);
  for (i = 0; i < l->nitems; i++)
    print_message("  %s %s \"%s\"%s%s\n", ctix_ioc_type_name(l->items[i].type),
                  ctix_ioc_status_name(l->items[i].status), l->items[i].value,
                  l->items[i].reason ? " - " : "", l->items[i].reason ? l->items[i].reason : "");
}

/* Asserts that text yields `value` of `type` with `status`, and that it is
 * the only item of that type and status. */
static inline void expect_only(const char *text, ctix_ioc_type type, const char *value,
                        ctix_ioc_status status)
{
  ctix_ioc_list *l = ioc_run(text);
  const ctix_ioc *it = ioc_find(l, type, value);
  if (!it || it->status != status || ioc_count(l, type, status) != 1) {
    ioc_dump(text, l);
    ctix_ioc_list_free(l);
    fail_msg("expected exactly one %s %s \"%s\"", ctix_ioc_status_name(status),
             ctix_ioc_type_name(type), value);
  }
  ctix_ioc_list_free(l);
}

#define EXPECT_IOC(text, type, value) expect_only(text, type, value, CTIX_IOC_STATUS_IOC)
#define EXPECT_REJECTED(text, type, value) \
  expect_only(text, type, value, CTIX_IOC_STATUS_REJECTED)

/* Asserts that text yields exactly `n` indicators (status IOC) of `type`. */
static inline void expect_count(const char *text, ctix_ioc_type type, size_t n)
{
  ctix_ioc_list *l = ioc_run(text);
  size_t got = ioc_count(l, type, CTIX_IOC_STATUS_IOC);
  if (got != n) {
    ioc_dump(text, l);
    ctix_ioc_list_free(l);
    fail_msg("expected %zu %s indicators, got %zu", n, ctix_ioc_type_name(type), got);
  }
  ctix_ioc_list_free(l);
}

#define EXPECT_NONE(text, type) expect_count(text, type, 0)

/* Asserts that text yields nothing of `type` at all, not even rejected. */
static inline void expect_nothing(const char *text, ctix_ioc_type type)
{
  ctix_ioc_list *l = ioc_run(text);
  size_t got = ioc_count(l, type, CTIX_IOC_STATUS_IOC) +
               ioc_count(l, type, CTIX_IOC_STATUS_BENIGN) +
               ioc_count(l, type, CTIX_IOC_STATUS_REJECTED);
  if (got) {
    ioc_dump(text, l);
    ctix_ioc_list_free(l);
    fail_msg("expected no %s at all, got %zu", ctix_ioc_type_name(type), got);
  }
  ctix_ioc_list_free(l);
}

#endif
