/*
 * Helpers shared by the unit tests of the IOC extractor (test_ioc_*.c):
 * run the public ctix_ioc_extract on a text, look items up, count them by
 * status, print a list for failure messages, and assert on the
 * observables of one type. Every expect_* frees the list before failing.
 * Include after <cmocka.h>.
 *
 * Which statuses each assertion looks at:
 *   expect_only / EXPECT_IOC / EXPECT_REJECTED  the one item of that status
 *   expect_accepted, expect_accepted_count     IOC or benign (not rejected)
 *   expect_rejected_reason                     rejected, with a reason
 *   expect_count / EXPECT_NONE                 IOC only
 *   expect_nothing, expect_value_absent        any status, rejected too
 *   expect_exactly (WANT / WANT_NONE)          IOC only, plus span checks
 */
#ifndef CTIX_TEST_IOC_TEST_H
#define CTIX_TEST_IOC_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ctix/ioc.h"

/* Appends to text at *n one of the npieces `pieces`, drawn with the fixed
 * generator *x (the caller leaves room for the longest piece). */
static inline void ioc_add_piece(char *text, size_t *n, uint32_t *x, const char *const *pieces,
                                 size_t npieces)
{
  const char *pc;
  size_t m;
  *x = *x * 1103515245u + 12345u;
  pc = pieces[(*x >> 16) % npieces];
  m = strlen(pc);
  memcpy(text + *n, pc, m);
  *n += m;
}

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

/* The item of `type` whose canonical value is `value`, or NULL. */
static inline const ctix_ioc *ioc_find(const ctix_ioc_list *l, ctix_ioc_type type,
                                       const char *value)
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

/* Number of items of `type` that are not rejected (IOC or benign). */
static inline size_t ioc_count_accepted(const ctix_ioc_list *l, ctix_ioc_type type)
{
  size_t i, n = 0;
  for (i = 0; i < l->nitems; i++)
    n += l->items[i].type == type && l->items[i].status != CTIX_IOC_STATUS_REJECTED;
  return n;
}

/* Number of items of `type`, whatever their status. */
static inline size_t ioc_count_any(const ctix_ioc_list *l, ctix_ioc_type type)
{
  size_t i, n = 0;
  for (i = 0; i < l->nitems; i++)
    n += l->items[i].type == type;
  return n;
}

/* Prints the text and every item of the list (for failure messages). */
static inline void ioc_dump(const char *text, const ctix_ioc_list *l)
{
  size_t i;
  print_message("text: \"%s\"\n", text);
  for (i = 0; i < l->nitems; i++)
    print_message("  %s %s \"%s\" [%s]%s%s\n", ctix_ioc_type_name(l->items[i].type),
                  ctix_ioc_status_name(l->items[i].status), l->items[i].value,
                  l->items[i].original ? l->items[i].original : "",
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

/* Asserts that text yields `value` of `type`, found (IOC or benign, not
 * rejected); other items of the type may be there too. */
static inline void expect_accepted(const char *text, ctix_ioc_type type, const char *value)
{
  ctix_ioc_list *l = ioc_run(text);
  const ctix_ioc *it = ioc_find(l, type, value);
  if (!it || it->status == CTIX_IOC_STATUS_REJECTED) {
    ioc_dump(text, l);
    ctix_ioc_list_free(l);
    fail_msg("expected %s \"%s\"", ctix_ioc_type_name(type), value);
  }
  ctix_ioc_list_free(l);
}

/* Asserts that no item of `type` has the canonical `value`, whatever its
 * status. */
static inline void expect_value_absent(const char *text, ctix_ioc_type type, const char *value)
{
  ctix_ioc_list *l = ioc_run(text);
  if (ioc_find(l, type, value)) {
    ioc_dump(text, l);
    ctix_ioc_list_free(l);
    fail_msg("did not expect %s \"%s\"", ctix_ioc_type_name(type), value);
  }
  ctix_ioc_list_free(l);
}

/* Asserts that text yields `value` of `type` as rejected, with a non-empty
 * reason; other items of the type may be there too. */
static inline void expect_rejected_reason(const char *text, ctix_ioc_type type,
                                          const char *value)
{
  ctix_ioc_list *l = ioc_run(text);
  const ctix_ioc *it = ioc_find(l, type, value);
  if (!it || it->status != CTIX_IOC_STATUS_REJECTED || !it->reason || !it->reason[0]) {
    ioc_dump(text, l);
    ctix_ioc_list_free(l);
    fail_msg("expected a rejected %s \"%s\"", ctix_ioc_type_name(type), value);
  }
  ctix_ioc_list_free(l);
}

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

/* Asserts that text yields exactly `n` accepted items (IOC or benign) of
 * `type`, rejected ones aside. */
static inline void expect_accepted_count(const char *text, ctix_ioc_type type, size_t n)
{
  ctix_ioc_list *l = ioc_run(text);
  size_t got = ioc_count_accepted(l, type);
  if (got != n) {
    ioc_dump(text, l);
    ctix_ioc_list_free(l);
    fail_msg("expected %zu %s, got %zu", n, ctix_ioc_type_name(type), got);
  }
  ctix_ioc_list_free(l);
}

/* Asserts that text yields nothing of `type` at all, not even rejected. */
static inline void expect_nothing(const char *text, ctix_ioc_type type)
{
  ctix_ioc_list *l = ioc_run(text);
  size_t got = ioc_count_any(l, type);
  if (got) {
    ioc_dump(text, l);
    ctix_ioc_list_free(l);
    fail_msg("expected no %s at all, got %zu", ctix_ioc_type_name(type), got);
  }
  ctix_ioc_list_free(l);
}

/* Whether the item's span lies in text (of length len) and slices it to
 * the item's `original`. */
static inline int ioc_span_ok(const ctix_ioc *it, const char *text, size_t len)
{
  return it->span.start <= it->span.end && it->span.end <= len && it->original &&
         strlen(it->original) == it->span.end - it->span.start &&
         memcmp(it->original, text + it->span.start, it->span.end - it->span.start) == 0;
}

/*
 * Asserts that `text` yields exactly the IOC-status values `want` (NULL
 * terminated, see WANT) of `type`: each wanted value is an IOC, no other
 * IOC of the type is there, and every item of the list, of any type, has
 * a span that slices the input to its `original`.
 */
static inline void expect_exactly(const char *text, ctix_ioc_type type, const char *const *want)
{
  ctix_ioc_list *l = ioc_run(text);
  char msg[512] = "";
  size_t len = strlen(text), n, i;
  for (n = 0; want[n] && !msg[0]; n++) {
    const ctix_ioc *it = ioc_find(l, type, want[n]);
    if (!it || it->status != CTIX_IOC_STATUS_IOC)
      snprintf(msg, sizeof(msg), "%s \"%s\" not found in \"%s\"", ctix_ioc_type_name(type),
               want[n], text);
  }
  for (i = 0; i < l->nitems && !msg[0]; i++) {
    const ctix_ioc *it = &l->items[i];
    size_t k;
    if (it->type != type || it->status != CTIX_IOC_STATUS_IOC)
      continue;
    for (k = 0; want[k] && strcmp(want[k], it->value) != 0; k++)
      ;
    if (!want[k])
      snprintf(msg, sizeof(msg), "unexpected %s \"%s\" in \"%s\"", ctix_ioc_type_name(type),
               it->value, text);
  }
  if (!msg[0] && ioc_count(l, type, CTIX_IOC_STATUS_IOC) != n)
    snprintf(msg, sizeof(msg), "\"%s\": %zu %s values, want %zu", text,
             ioc_count(l, type, CTIX_IOC_STATUS_IOC), ctix_ioc_type_name(type), n);
  for (i = 0; i < l->nitems && !msg[0]; i++)
    if (!ioc_span_ok(&l->items[i], text, len))
      snprintf(msg, sizeof(msg), "\"%s\": bad span for \"%s\"", text, l->items[i].value);
  if (msg[0])
    ioc_dump(text, l);
  ctix_ioc_list_free(l);
  if (msg[0])
    fail_msg("%s", msg);
}

/* The `want` list of expect_exactly: WANT("a", "b"), or WANT_NONE. */
#define WANT(...) ((const char *const[]){__VA_ARGS__, NULL})
#define WANT_NONE ((const char *const[]){NULL})

#endif
