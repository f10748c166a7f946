/*
 * Reading a whole test file, shared by the unit tests that load data
 * files (test_render, test_pdf, test_kb): the file must exist and be read
 * in full (a cmocka assertion fails otherwise). The text is NUL-terminated
 * and followed by 64 spare bytes (for parsers that look ahead); the
 * caller frees it.
 */
#ifndef CTIX_TEST_FILE_H
#define CTIX_TEST_FILE_H

#include <stdio.h>
#include <stdlib.h>

static inline char *test_read_file(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  char *buf;
  long n;
  assert_non_null(f);
  assert_int_equal(fseek(f, 0, SEEK_END), 0);
  n = ftell(f);
  assert_true(n >= 0);
  rewind(f);
  buf = calloc((size_t)n + 64, 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  *len = (size_t)n;
  return buf;
}

#endif
