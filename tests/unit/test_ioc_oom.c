/*
 * Out-of-memory behaviour of the IOC list builder (src/lib/ioc/list.c).
 * This program is linked with `-Wl,--wrap=realloc` (tests/CMakeLists.txt),
 * so a test can make every growth of a buffer past a size fail. The list's
 * packed strings reuse holes left by duplicates' copies; once the strings
 * buffer has failed its memory is gone, and extraction must end with
 * CTIX_ENOMEM instead of writing into a remembered hole. The text is over
 * 8 MiB with consume_input set, as `ctix iocs` runs it, so the failure
 * happens in a queue flush whose error only shows at the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctix/error.h"
#include "ctix/ioc.h"

void *__real_realloc(void *p, size_t n);

/* 0: realloc as usual; else growths of an existing block to this many
 * bytes or more fail. */
static size_t fail_from;

void *__wrap_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n)
{
  if (p && fail_from && n >= fail_from)
    return NULL;
  return __real_realloc(p, n);
}

/* A 9 MiB text: some prose (its length puts the failing growth in a
 * flush after the hole exists), a long URL twice (the duplicate's copy becomes a hole in
 * the strings), then lines of a bare domain and a long distinct URL of
 * the same host written in capitals, whose canonical values fit the hole. */
static char *make_text(size_t *len)
{
  size_t cap = (size_t)9 << 20, n = 0, i = 0;
  char *t = malloc(cap + 8192), path[5001];
  assert_non_null(t);
  while (n < 7700) {
    memcpy(t + n, "plain words here\n", 17);
    n += 17;
  }
  memset(path, 'q', 4000);
  path[4000] = '\0';
  n += (size_t)snprintf(t + n, 8192, "http://BIGDUP.COM/%s\nhttp://BIGDUP.COM/%s\n", path, path);
  while (n < cap) {
    int k;
    memset(path, 'a' + (int)(i % 26), 5000);
    k = snprintf(path, sizeof(path), "%zu", i);
    path[k] = 'z';
    path[5000] = '\0';
    n += (size_t)snprintf(t + n, cap + 8192 - n, "see evil.com and http://EVIL.COM/%s\n", path);
    i++;
  }
  *len = n;
  return t;
}

/* Without a failure the text extracts; with growths of 16 MiB and more
 * failing, extraction reports CTIX_ENOMEM (and does not crash). */
static void test_strings_fail_with_holes(void **state)
{
  size_t len;
  char *text = make_text(&len);
  ctix_ioc_list *l = NULL;
  ctix_ioc_options o;
  int rc;
  (void)state;
  ctix_ioc_options_init(&o);
  o.consume_input = true;
  fail_from = 0;
  rc = ctix_ioc_extract(&l, text, len, &o, NULL);
  assert_int_equal(rc, 0);
  assert_non_null(l);
  assert_true(l->nitems > 1000);
  ctix_ioc_list_free(l);
  l = NULL;

  free(text);
  text = make_text(&len);
  fail_from = (size_t)16 << 20;
  rc = ctix_ioc_extract(&l, text, len, &o, NULL);
  fail_from = 0;
  assert_int_equal(rc, CTIX_ENOMEM);
  ctix_ioc_list_free(l);
  free(text);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_strings_fail_with_holes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
