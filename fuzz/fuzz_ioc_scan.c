/*
 * Fuzz target: the IOC extractor (refang, scanner, every recognizer, the
 * list). Extracts from arbitrary bytes and aborts when an invariant of the
 * list breaks: every span inside the input, hits in text order pointing at
 * their item, each item's span and written form being the input bytes of
 * its first hit, values non-empty, statuses and types in range, a reason
 * for every benign or rejected item. The scalar scanners must give the
 * same list as the AVX2 ones, and keep_rejected = false must give the
 * same list less its rejected items. The bidirectional controls of every
 * value are read (ctix_ioc_bidi_read) and their display checked.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/ioc.h"
#include "ioc/scan.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The bidirectional controls of a value (ctix_ioc_bidi_read): counted
 * exactly, none left in the display, which holds every other byte of the
 * value (the same bytes in another order, as byte counts), a note
 * whenever there is a control, nothing allocated without one. */
static void check_bidi(const char *v)
{
  ctix_ioc_bidi b;
  size_t n = strlen(v), k, m, controls = 0, bytes = 0;
  unsigned count[256] = {0};
  for (k = 0; k < n; k += m ? m : 1) {
    m = ctix__utf8_bidi_control((const unsigned char *)v + k, n - k);
    controls += m != 0;
    bytes += m;
    if (!m)
      count[(unsigned char)v[k]]++;
  }
  if (ctix_ioc_bidi_read(&b, v, n, NULL) != 0)
    return; /* out of memory */
  if (b.count != controls || (controls == 0) != (b.display == NULL) ||
      (controls == 0) != (b.note == NULL) || (b.reordered && !controls))
    abort();
  if (b.display) {
    if (b.display_len != n - bytes || strlen(b.display) != b.display_len)
      abort();
    for (k = 0; k < b.display_len; k++) {
      if (ctix__utf8_bidi_control((const unsigned char *)b.display + k, b.display_len - k) ||
          count[(unsigned char)b.display[k]]-- == 0)
        abort();
    }
  }
  ctix_ioc_bidi_clear(&b);
}

static void check(const ctix_ioc_list *l, const char *t, size_t size)
{
  size_t i;
  for (i = 0; i < l->nitems; i++) {
    const ctix_ioc *it = &l->items[i];
    size_t n = it->span.end - it->span.start;
    if ((unsigned)it->type >= CTIX_IOC_TYPE_COUNT || (unsigned)it->status > 2)
      abort();
    if (!it->value || !it->value[0] || !it->original || it->nhits == 0)
      abort();
    if (it->span.start > it->span.end || it->span.end > size)
      abort();
    if (strlen(it->original) != n || memcmp(it->original, t + it->span.start, n) != 0)
      abort();
    if ((it->status == CTIX_IOC_STATUS_IOC) != (it->reason == NULL))
      abort();
    if (i > 0 && it->span.start < l->items[i - 1].span.start)
      abort();
    check_bidi(it->value);
  }
  for (i = 0; i < l->nhits; i++) {
    const ctix_ioc_hit *h = &l->hits[i];
    if (h->ioc >= l->nitems || h->span.start > h->span.end || h->span.end > size)
      abort();
    if (i > 0 && h->span.start < l->hits[i - 1].span.start)
      abort();
    if (h->span.start < l->items[h->ioc].span.start)
      abort();
  }
}

/* True if both lists hold the same items and hits. */
static int same(const ctix_ioc_list *a, const ctix_ioc_list *b)
{
  size_t i;
  if (a->nitems != b->nitems || a->nhits != b->nhits)
    return 0;
  for (i = 0; i < a->nitems; i++)
    if (a->items[i].type != b->items[i].type || a->items[i].status != b->items[i].status ||
        strcmp(a->items[i].value, b->items[i].value) != 0 ||
        a->items[i].span.start != b->items[i].span.start ||
        a->items[i].nhits != b->items[i].nhits)
      return 0;
  return 1;
}

/* True if `b` holds the items of `a` that are not rejected, with the same
 * status, and nothing else (the first occurrence may differ: a rejected
 * occurrence is not recorded in `b`). */
static int same_accepted(const ctix_ioc_list *a, const ctix_ioc_list *b)
{
  size_t i, j, n = 0;
  for (i = 0; i < a->nitems; i++) {
    const ctix_ioc *x = &a->items[i];
    if (x->status == CTIX_IOC_STATUS_REJECTED)
      continue;
    n++;
    for (j = 0; j < b->nitems; j++)
      if (b->items[j].type == x->type && b->items[j].status == x->status &&
          strcmp(b->items[j].value, x->value) == 0)
        break;
    if (j == b->nitems)
      return 0;
  }
  return n == b->nitems;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *t = (const char *)data;
  ctix_ioc_list *l = NULL, *s = NULL, *k = NULL;
  ctix_ioc_options o;
  ctix_error err;
  int rc;

  ctix_error_clear(&err);
  ctix_ioc_options_init(&o);
  ctix__ioc_force_scalar = false;
  rc = ctix_ioc_extract(&l, t, size, &o, &err);
  if (rc == CTIX_ENOMEM)
    return 0;
  if (rc != 0 || !l)
    abort();
  check(l, t, size);

  ctix__ioc_force_scalar = true;
  rc = ctix_ioc_extract(&s, t, size, &o, NULL);
  ctix__ioc_force_scalar = false;
  if (rc == 0 && !same(l, s))
    abort();

  o.keep_rejected = false;
  rc = ctix_ioc_extract(&k, t, size, &o, NULL);
  if (rc == 0 && !same_accepted(l, k))
    abort();

  ctix_ioc_list_free(l);
  ctix_ioc_list_free(s);
  ctix_ioc_list_free(k);
  return 0;
}
