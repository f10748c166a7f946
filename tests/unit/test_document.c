/*
 * Unit tests of the document entry points (src/lib/document/document.c,
 * detect.c) on bad input, each with its exact error code and a one-line
 * message: empty and blank input, binary files, invalid UTF-8 (repaired,
 * counted, reported), the size limit on memory, files and a stdin-like
 * pipe, a truncated PDF; UTF-16 input; format detection; and the document
 * model invariants (doc_check.h) on every test input and shared article.
 */
#include "doc_check.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Parses len bytes with default options (plus max_input if non-zero). */
static int parse_raw(ctix_document **d, const void *s, size_t len, size_t max_input,
                     ctix_format fmt, ctix_error *err)
{
  ctix_doc_options o;
  ctix_doc_options_init(&o);
  o.source = "input.txt";
  o.format = fmt;
  if (max_input)
    o.max_input = max_input;
  ctix_error_clear(err);
  *d = NULL;
  return ctix_document_parse(d, s, len, &o, err);
}

/* Writes data to a new temporary file; returns its path (static buffer). */
static const char *temp_file(const void *data, size_t len)
{
  static char path[64];
  int fd;
  snprintf(path, sizeof(path), "/tmp/ctix-test-doc-XXXXXX");
  fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, data, len), (ssize_t)len);
  close(fd);
  return path;
}

static void test_empty(void **state)
{
  ctix_document *d;
  ctix_error err;
  const char *path;
  (void)state;
  error_check(&err, parse_raw(&d, "", 0, 0, CTIX_FORMAT_AUTO, &err), CTIX_EEMPTY);
  assert_null(d);
  assert_string_equal(err.source, "input.txt");
  /* An empty file on disk. */
  path = temp_file("", 0);
  ctix_error_clear(&err);
  error_check(&err, ctix_document_load(&d, path, NULL, &err), CTIX_EEMPTY);
  assert_string_equal(err.source, path);
  unlink(path);
}

static void test_whitespace_only(void **state)
{
  static const char *const blanks[] = {
      " ", "\n\n\n", " \t \r\n \f ", "\xEF\xBB\xBF \n", "---\n\n***\n", "<!-- -->\n",
  };
  static const ctix_format fmts[] = {CTIX_FORMAT_AUTO, CTIX_FORMAT_AUTO, CTIX_FORMAT_TEXT,
                                     CTIX_FORMAT_TEXT, CTIX_FORMAT_MARKDOWN,
                                     CTIX_FORMAT_MARKDOWN};
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(blanks) / sizeof(blanks[0]); i++) {
    ctix_document *d;
    ctix_error err;
    error_check(&err, parse_raw(&d, blanks[i], strlen(blanks[i]), 0, fmts[i], &err),
                CTIX_EEMPTY);
    assert_null(d);
  }
}

static void test_binary(void **state)
{
  static const unsigned char elf[] = {0x7F, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                      2,    0,   0x3E, 0, 1, 0, 0, 0, 'a', 'b', 'c', '\n'};
  static const unsigned char png[] = {0x89, 'P',  'N',  'G',  '\r', '\n', 0x1A, '\n',
                                      0,    0,    0,    '\r', 'I',  'H',  'D',  'R'};
  ctix_document *d;
  ctix_error err;
  const char *path;
  (void)state;
  error_check(&err, parse_raw(&d, elf, sizeof(elf), 0, CTIX_FORMAT_AUTO, &err),
              CTIX_EUNSUPPORTED);
  assert_int_equal(err.offset, 7);  /* the first NUL */
  error_check(&err, parse_raw(&d, png, sizeof(png), 0, CTIX_FORMAT_TEXT, &err),
              CTIX_EUNSUPPORTED);
  error_check(&err, parse_raw(&d, png, sizeof(png), 0, CTIX_FORMAT_MARKDOWN, &err),
              CTIX_EUNSUPPORTED);
  assert_null(d);
  path = temp_file(png, sizeof(png));
  ctix_error_clear(&err);
  error_check(&err, ctix_document_load(&d, path, NULL, &err), CTIX_EUNSUPPORTED);
  unlink(path);
}

static void test_invalid_utf8(void **state)
{
  /* A stray continuation byte, a truncated sequence, an overlong form. */
  static const char bad[] = "Caf\xE9 served the payload \x80 from \xC3 host \xC0\xAF x.\n";
  ctix_document *d;
  ctix_error err;
  size_t i;
  bool reported = false;
  (void)state;
  assert_int_equal(parse_raw(&d, bad, sizeof(bad) - 1, 0, CTIX_FORMAT_AUTO, &err), 0);
  doc_check(d);
  assert_int_equal(d->utf8_replaced, 5);
  assert_true(text_has(d, "Caf\xEF\xBF\xBD served the payload \xEF\xBF\xBD from \xEF\xBF\xBD host"));
  for (i = 0; i < d->ndiags; i++)
    if (d->diags[i].code == CTIX_EPARSE && strstr(d->diags[i].message, "UTF-8"))
      reported = true;
  assert_true(reported);
  ctix_document_free(d);
}

static void test_size_limit_memory(void **state)
{
  char buf[100];
  ctix_document *d;
  ctix_error err;
  (void)state;
  memset(buf, 'a', sizeof(buf));
  buf[50] = ' ';
  error_check(&err, parse_raw(&d, buf, 100, 99, CTIX_FORMAT_AUTO, &err), CTIX_ETOOBIG);
  assert_non_null(strstr(err.message, "limit"));
  assert_null(d);
  /* Exactly at the limit is fine. */
  assert_int_equal(parse_raw(&d, buf, 100, 100, CTIX_FORMAT_AUTO, &err), 0);
  doc_check(d);
  ctix_document_free(d);
}

static void test_size_limit_file(void **state)
{
  static char data[5000];
  ctix_doc_options o;
  ctix_document *d = NULL;
  ctix_error err;
  const char *path;
  (void)state;
  memset(data, 'x', sizeof(data));
  memcpy(data, "Report text ", 12);
  path = temp_file(data, sizeof(data));
  ctix_doc_options_init(&o);
  o.max_input = 4096;
  ctix_error_clear(&err);
  error_check(&err, ctix_document_load(&d, path, &o, &err), CTIX_ETOOBIG);
  assert_null(d);
  o.max_input = sizeof(data);
  ctix_error_clear(&err);
  assert_int_equal(ctix_document_load(&d, path, &o, &err), 0);
  doc_check(d);
  ctix_document_free(d);
  unlink(path);
}

static void test_size_limit_stdin_pipe(void **state)
{
  /* "-" reads standard input: feed it through a pipe, as a shell would. */
  static char data[6000];
  ctix_doc_options o;
  ctix_document *d = NULL;
  ctix_error err;
  int fds[2], saved;
  (void)state;
  memset(data, 'y', sizeof(data));
  memcpy(data, "Piped text ", 11);
  assert_int_equal(pipe(fds), 0);
  assert_int_equal(write(fds[1], data, sizeof(data)), (ssize_t)sizeof(data));
  close(fds[1]);
  saved = dup(0);
  assert_true(dup2(fds[0], 0) >= 0);
  close(fds[0]);
  clearerr(stdin);
  ctix_doc_options_init(&o);
  o.max_input = 4096;
  ctix_error_clear(&err);
  error_check(&err, ctix_document_load(&d, "-", &o, &err), CTIX_ETOOBIG);
  assert_string_equal(err.source, "<stdin>");
  assert_null(d);
  assert_true(dup2(saved, 0) >= 0);
  close(saved);
  clearerr(stdin);
}

static void test_truncated_pdf(void **state)
{
  char path[1024];
  ctix_document *d = NULL;
  ctix_error err;
  (void)state;
  snprintf(path, sizeof(path), "%s/pdf/truncated.pdf", CTIX_TEST_DATA);
  ctix_error_clear(&err);
  error_check(&err, ctix_document_load(&d, path, NULL, &err), CTIX_EPARSE);
  assert_non_null(strstr(err.message, "PDF is damaged or truncated"));
  assert_null(d);
}

static void test_missing_file(void **state)
{
  ctix_document *d = NULL;
  ctix_error err;
  (void)state;
  ctix_error_clear(&err);
  error_check(&err, ctix_document_load(&d, "/nonexistent/ctix/file.txt", NULL, &err), CTIX_EIO);
}

/* Encodes an ASCII string as UTF-16 with a BOM (be: big endian). */
static size_t utf16(unsigned char *out, const char *s, bool be)
{
  size_t n = 0;
  out[n++] = be ? 0xFE : 0xFF;
  out[n++] = be ? 0xFF : 0xFE;
  for (; *s; s++) {
    out[n++] = be ? 0 : (unsigned char)*s;
    out[n++] = be ? (unsigned char)*s : 0;
  }
  return n;
}

static void test_utf16(void **state)
{
  unsigned char buf[256];
  ctix_document *d;
  ctix_error err;
  size_t n;
  (void)state;
  n = utf16(buf, "Loader contacted 203.0.113.7 over HTTPS.\n\nSecond paragraph.\n", false);
  assert_int_equal(parse_raw(&d, buf, n, 0, CTIX_FORMAT_AUTO, &err), 0);
  doc_check(d);
  assert_true(block_is(d, 0, "Loader contacted 203.0.113.7 over HTTPS."));
  assert_int_equal(d->nblocks, 2);
  assert_int_equal(d->input_bytes, n);
  assert_int_equal(d->utf8_replaced, 0);
  ctix_document_free(d);

  n = utf16(buf, "# Big endian\n\nA [link](https://x.example) here.\n", true);
  assert_int_equal(parse_raw(&d, buf, n, 0, CTIX_FORMAT_AUTO, &err), 0);
  assert_int_equal(d->format, CTIX_FORMAT_MARKDOWN);
  assert_string_equal(d->meta.title, "Big endian");
  ctix_document_free(d);

  /* An unpaired surrogate and a non-BMP character (U+1F600). */
  n = utf16(buf, "ab", false);
  buf[n++] = 0x00;
  buf[n++] = 0xD8;  /* lone high surrogate */
  buf[n++] = 'c';
  buf[n++] = 0;
  buf[n++] = 0x3D;
  buf[n++] = 0xD8;
  buf[n++] = 0x00;
  buf[n++] = 0xDE;
  assert_int_equal(parse_raw(&d, buf, n, 0, CTIX_FORMAT_TEXT, &err), 0);
  assert_string_equal(d->text, "ab\xEF\xBF\xBD" "c\xF0\x9F\x98\x80");
  assert_int_equal(d->utf8_replaced, 1);
  ctix_document_free(d);

  /* UTF-16 whitespace only is empty. */
  n = utf16(buf, "  \n ", false);
  error_check(&err, parse_raw(&d, buf, n, 0, CTIX_FORMAT_AUTO, &err), CTIX_EEMPTY);
}

static void test_detect(void **state)
{
  (void)state;
  assert_int_equal(ctix_format_detect("%PDF-1.7\n", 9, NULL), CTIX_FORMAT_PDF);
  assert_int_equal(ctix_format_detect("garbage\n%PDF-1.4\n", 17, "x.txt"), CTIX_FORMAT_PDF);
  assert_int_equal(ctix_format_detect("<!DOCTYPE html><p>x", 19, NULL), CTIX_FORMAT_HTML);
  assert_int_equal(ctix_format_detect("\n  <html lang=en>", 17, NULL), CTIX_FORMAT_HTML);
  assert_int_equal(ctix_format_detect("<?xml version=\"1.0\"?>\n<!-- c -->\n<html>", 40, NULL),
                   CTIX_FORMAT_HTML);
  assert_int_equal(ctix_format_detect("<div class=a>text</div>", 23, NULL), CTIX_FORMAT_HTML);
  /* A lone '<' is not HTML. */
  assert_int_equal(ctix_format_detect("<username> logged in from 10.0.0.1", 34, NULL),
                   CTIX_FORMAT_TEXT);
  assert_int_equal(ctix_format_detect("a < b and c > d", 15, NULL), CTIX_FORMAT_TEXT);
  /* Markdown structure wins over a .txt name; weak signs do not. */
  {
    static const char md[] = "# Title\n\nSee [the report](https://r.example).\n\n"
                             "| a | b |\n| --- | --- |\n| 1 | 2 |\n";
    static const char weak[] = "# only a heading\n\nplain text after it\n";
    static const char plain[] = "Plain text report.\n- item\n- item\n";
    assert_int_equal(ctix_format_detect(md, sizeof(md) - 1, "x.txt"), CTIX_FORMAT_MARKDOWN);
    assert_int_equal(ctix_format_detect(weak, sizeof(weak) - 1, "x.txt"), CTIX_FORMAT_TEXT);
    assert_int_equal(ctix_format_detect(weak, sizeof(weak) - 1, NULL), CTIX_FORMAT_MARKDOWN);
    assert_int_equal(ctix_format_detect(plain, sizeof(plain) - 1, NULL), CTIX_FORMAT_TEXT);
    assert_int_equal(ctix_format_detect(plain, sizeof(plain) - 1, "notes.md"),
                     CTIX_FORMAT_MARKDOWN);
    assert_int_equal(ctix_format_detect(plain, sizeof(plain) - 1, "dir.v2/page.HTM"),
                     CTIX_FORMAT_HTML);
    assert_int_equal(ctix_format_detect(plain, sizeof(plain) - 1, "dir.md/notes"),
                     CTIX_FORMAT_TEXT);
  }
  assert_int_equal(ctix_format_detect("text <p>a</p> <br> <div>", 24, NULL), CTIX_FORMAT_HTML);
  assert_int_equal(ctix_format_detect("", 0, NULL), CTIX_FORMAT_TEXT);
  assert_int_equal(ctix_format_detect("", 0, "a.pdf"), CTIX_FORMAT_PDF);
}

/* Loads every file of a directory; a success must satisfy the invariants,
 * a failure must be one clear line. Returns the number of files. */
static size_t check_dir(const char *dir)
{
  DIR *dp = opendir(dir);
  struct dirent *e;
  size_t n = 0;
  if (!dp)
    return 0;
  while ((e = readdir(dp)) != NULL) {
    char path[1400];
    struct stat st;
    ctix_document *d = NULL;
    ctix_error err;
    int rc;
    if (e->d_name[0] == '.')
      continue;
    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
      continue;
    ctix_error_clear(&err);
    rc = ctix_document_load(&d, path, NULL, &err);
    if (rc == 0) {
      doc_check(d);
      ctix_document_free(d);
    } else {
      error_check(&err, rc, rc);
    }
    n++;
  }
  closedir(dp);
  return n;
}

static void test_invariants_on_all_inputs(void **state)
{
  static const char *const dirs[] = {"text", "markdown", "pdf", "html"};
  char dir[1024];
  size_t i, total = 0;
  (void)state;
  for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
    snprintf(dir, sizeof(dir), "%s/%s", CTIX_TEST_DATA, dirs[i]);
    total += check_dir(dir);
  }
  assert_true(total >= 10);
}

static void test_invariants_on_shared_articles(void **state)
{
  char dir[1024];
  (void)state;
  snprintf(dir, sizeof(dir), "%s/data/articles/dev", CTIX_SHARED_DIR);
  if (access(dir, R_OK) != 0)
    skip();
  assert_true(check_dir(dir) > 0);
}

static void test_names(void **state)
{
  ctix_format f;
  (void)state;
  assert_int_equal(ctix_format_from_name(&f, "md"), 0);
  assert_int_equal(f, CTIX_FORMAT_MARKDOWN);
  assert_int_equal(ctix_format_from_name(&f, "PDF"), 0);
  assert_int_equal(f, CTIX_FORMAT_PDF);
  assert_int_equal(ctix_format_from_name(&f, "docx"), CTIX_EINVAL);
  assert_string_equal(ctix_block_kind_name(CTIX_BLOCK_TABLE_ROW), "table_row");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_empty),
      cmocka_unit_test(test_whitespace_only),
      cmocka_unit_test(test_binary),
      cmocka_unit_test(test_invalid_utf8),
      cmocka_unit_test(test_size_limit_memory),
      cmocka_unit_test(test_size_limit_file),
      cmocka_unit_test(test_size_limit_stdin_pipe),
      cmocka_unit_test(test_truncated_pdf),
      cmocka_unit_test(test_missing_file),
      cmocka_unit_test(test_utf16),
      cmocka_unit_test(test_detect),
      cmocka_unit_test(test_invariants_on_all_inputs),
      cmocka_unit_test(test_invariants_on_shared_articles),
      cmocka_unit_test(test_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
