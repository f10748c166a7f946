/*
 * Unit tests of the PDF reader (src/lib/document/pdf.c) on the small PDFs
 * tools/mkpdf.py writes into tests/data/pdf: text per page with page
 * numbers, headings from font sizes, paragraphs from vertical gaps, line-end
 * hyphenation, IOC lines kept apart, bullets, metadata, a paragraph running
 * over a page break, running headers and page numbers dropped; then the
 * failures: truncated, damaged, encrypted, no text, and a file poppler has
 * to repair. Nothing may be printed on stderr.
 */
#include "doc_check.h"
#include "test_file.h"

#include <stdlib.h>
#include <unistd.h>

/* Reads tests/data/pdf/<name> into a malloc'd buffer. */
static char *read_pdf(const char *name, size_t *len)
{
  char path[1024];
  snprintf(path, sizeof(path), "%s/pdf/%s", CTIX_TEST_DATA, name);
  return test_read_file(path, len);
}

/* Parses a PDF expecting failure with `code`; returns the message. */
static void expect_error(const char *name, int code, const char *needle)
{
  ctix_doc_options o;
  ctix_error err;
  ctix_document *d = NULL;
  size_t len;
  char *buf = read_pdf(name, &len);
  int rc;
  ctix_doc_options_init(&o);
  o.source = name;
  ctix_error_clear(&err);
  rc = ctix_document_parse(&d, buf, len, &o, &err);
  assert_null(d);
  error_check(&err, rc, code);
  if (!strstr(err.message, needle))
    fail_msg("%s: message \"%s\" lacks \"%s\"", name, err.message, needle);
  assert_string_equal(err.source, name);
  free(buf);
}

static void test_report(void **state)
{
  ctix_document *d = load_data("pdf/report.pdf", CTIX_FORMAT_AUTO);
  size_t i;
  (void)state;
  assert_int_equal(d->format, CTIX_FORMAT_PDF);
  assert_int_equal(d->npages, 2);
  assert_string_equal(d->meta.title, "Paper Lantern Report");
  assert_string_equal(d->meta.author, "CTIX Test Team");
  assert_string_equal(d->meta.published, "2024-03-15T12:00:00Z");

  i = find_block(d, "Operation Paper Lantern");
  assert_block(d, i, CTIX_BLOCK_HEADING, 2);
  assert_int_equal(d->blocks[i].page, 1);
  /* A paragraph of three wrapped lines is one block of three sentences. */
  i = find_block_with(d, "Analysts observed");
  assert_true(block_is(d, i,
                       "Analysts observed a phishing campaign against logistics firms in March "
                       "2024. The actor sent invoices that dropped a loader named lantern.dll "
                       "through a signed binary. The loader contacted its server over HTTPS and "
                       "fetched a second stage."));
  assert_int_equal(d->blocks[i].nsentences, 3);
  /* Hyphenation undone between letters, kept after a digit. */
  i = find_block_with(d, "exfiltration");
  assert_true(text_has(d, "data exfiltration over DNS"));
  assert_true(text_has(d, "only ran on x86-64 hosts"));
  /* One indicator per line stays one block each. */
  assert_block(d, find_block(d, "Indicators"), CTIX_BLOCK_HEADING, 2);
  assert_block(d, find_block(d, "203.0.113.7"), CTIX_BLOCK_PARAGRAPH, 0);
  find_block(d, "paper-lantern[.]example");
  find_block(d, "lantern.dll");
  /* Page 2: bullets with wrapped continuation lines. */
  i = find_block(d, "Block the listed addresses at the perimeter and review proxy logs for "
                    "connections to them since February 2024.");
  assert_block(d, i, CTIX_BLOCK_LIST_ITEM, 1);
  assert_int_equal(d->blocks[i].page, 2);
  assert_block(d, find_block(d, "Hunt for rundll32.exe loading DLLs from user profile folders."),
               CTIX_BLOCK_LIST_ITEM, 1);
  i = find_block(d, "The campaign is ongoing. Contact the response team with any questions.");
  assert_int_equal(d->blocks[i].page, 2);
  assert_int_equal(d->ndiags, 0);
  ctix_document_free(d);
}

static void test_compressed_streams_same_text(void **state)
{
  ctix_document *a = load_data("pdf/report.pdf", CTIX_FORMAT_PDF);
  ctix_document *b = load_data("pdf/report-deflate.pdf", CTIX_FORMAT_PDF);
  (void)state;
  assert_string_equal(a->text, b->text);
  assert_int_equal(a->nblocks, b->nblocks);
  ctix_document_free(a);
  ctix_document_free(b);
}

static void test_page_break_headers_numbers(void **state)
{
  ctix_document *d = load_data("pdf/continued.pdf", CTIX_FORMAT_AUTO);
  const char *hdr = "ACME Threat Intelligence - TLP:CLEAR";
  size_t i;
  (void)state;
  assert_string_equal(d->meta.title, "Harbor Fox");
  assert_block(d, find_block(d, "Harbor Fox Intrusion Set"), CTIX_BLOCK_HEADING, 1);
  /* The running header is kept once (page 1), not repeated on page 2. */
  i = find_block(d, hdr);
  assert_null(strstr(d->text + d->blocks[i].span.end, hdr));
  /* The paragraph runs over the page break and stays on its first page. */
  i = find_block_with(d, "Harbor Fox gained access");
  assert_true(block_is(d, i,
                       "Harbor Fox gained access through a vulnerable VPN appliance and deployed "
                       "a web shell on the portal. Over the next week the actor moved laterally "
                       "using stolen credentials and remote desktop sessions toward the domain "
                       "controllers."));
  assert_int_equal(d->blocks[i].page, 1);
  i = find_block(d, "Detection");
  assert_block(d, i, CTIX_BLOCK_HEADING, 2);
  assert_int_equal(d->blocks[i].page, 2);
  /* Page numbers are gone. */
  for (i = 0; i < d->nblocks; i++) {
    assert_false(block_is(d, i, "1"));
    assert_false(block_is(d, i, "2"));
  }
  ctix_document_free(d);
}

static void test_text_larger_than_file(void **state)
{
  /* 200 pages sharing one compressed stream: ~15 times more text than file
   * bytes. The whole text is read, and identical body lines at the edges of
   * consecutive pages are not mistaken for running headers or footers. */
  ctix_document *d = load_data("pdf/many-pages.pdf", CTIX_FORMAT_AUTO);
  size_t i, headings = 0, last_lines = 0;
  const char *p;
  (void)state;
  assert_int_equal(d->npages, 200);
  assert_true(d->len > 15 * 34000 / 2);
  for (i = 0; i < d->nblocks; i++)
    headings += block_is(d, i, "Sweep log");
  assert_int_equal(headings, 200);
  for (p = d->text; (p = strstr(p, "host WS-039 during")) != NULL; p++)
    last_lines++;
  assert_int_equal(last_lines, 200);
  assert_int_equal(d->blocks[d->nblocks - 1].page, 200);
  ctix_document_free(d);
}

static void test_repaired_file(void **state)
{
  ctix_document *good = load_data("pdf/report.pdf", CTIX_FORMAT_PDF);
  ctix_document *d = load_data("pdf/badxref.pdf", CTIX_FORMAT_AUTO);
  (void)state;
  assert_string_equal(d->text, good->text);
  assert_true(d->ndiags >= 1);
  assert_int_equal(d->diags[0].code, CTIX_EPARSE);
  assert_non_null(strstr(d->diags[0].message, "PDF needed repair"));
  ctix_document_free(d);
  ctix_document_free(good);
}

static void test_junk_before_magic(void **state)
{
  size_t len;
  char *pdf = read_pdf("report.pdf", &len);
  char *buf = malloc(len + 16);
  ctix_document *d;
  (void)state;
  assert_non_null(buf);
  memcpy(buf, "\r\n\r\nJUNK\n", 9);
  memcpy(buf + 9, pdf, len);
  assert_int_equal(ctix_format_detect(buf, len + 9, NULL), CTIX_FORMAT_PDF);
  d = parse_as(buf, len + 9, CTIX_FORMAT_AUTO);
  assert_int_equal(d->format, CTIX_FORMAT_PDF);
  find_block(d, "Operation Paper Lantern");
  ctix_document_free(d);
  free(buf);
  free(pdf);
}

static void test_failures(void **state)
{
  (void)state;
  expect_error("truncated.pdf", CTIX_EPARSE, "PDF is damaged or truncated: ");
  expect_error("damaged.pdf", CTIX_EPARSE, "PDF is damaged or truncated: ");
  expect_error("encrypted.pdf", CTIX_EUNSUPPORTED, "PDF is encrypted");
  expect_error("notext.pdf", CTIX_EEMPTY, "no extractable text");
}

static void test_truncated_at_every_tenth(void **state)
{
  /* Cutting the file anywhere gives an error or a valid document. */
  size_t len, k;
  char *pdf = read_pdf("report-deflate.pdf", &len);
  (void)state;
  for (k = 1; k < 10; k++) {
    ctix_document *d = NULL;
    ctix_error err;
    int rc;
    ctix_error_clear(&err);
    rc = ctix_document_parse(&d, pdf, len * k / 10, NULL, &err);
    if (rc == 0) {
      doc_check(d);
      ctix_document_free(d);
    } else {
      assert_true(rc == CTIX_EPARSE || rc == CTIX_EEMPTY || rc == CTIX_EUNSUPPORTED);
      assert_null(strchr(err.message, '\n'));
    }
  }
  free(pdf);
}

static void test_nothing_on_stderr(void **state)
{
  static const char *const files[] = {"report.pdf", "badxref.pdf", "truncated.pdf",
                                      "damaged.pdf", "encrypted.pdf", "notext.pdf"};
  FILE *tmp = tmpfile();
  int saved;
  size_t i;
  long size;
  (void)state;
  assert_non_null(tmp);
  fflush(stderr);
  saved = dup(2);
  assert_true(saved >= 0);
  assert_true(dup2(fileno(tmp), 2) >= 0);
  for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
    ctix_document *d = NULL;
    ctix_error err;
    size_t len;
    char *buf = read_pdf(files[i], &len);
    ctix_error_clear(&err);
    ctix_document_parse(&d, buf, len, NULL, &err);
    ctix_document_free(d);
    free(buf);
  }
  fflush(stderr);
  assert_true(dup2(saved, 2) >= 0);
  close(saved);
  fseek(tmp, 0, SEEK_END);
  size = ftell(tmp);
  if (size != 0) {
    char msg[256] = "";
    rewind(tmp);
    if (!fgets(msg, sizeof(msg), tmp))
      msg[0] = '\0';
    fail_msg("%ld bytes on stderr, starting: %s", size, msg);
  }
  fclose(tmp);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_report),
      cmocka_unit_test(test_compressed_streams_same_text),
      cmocka_unit_test(test_page_break_headers_numbers),
      cmocka_unit_test(test_text_larger_than_file),
      cmocka_unit_test(test_repaired_file),
      cmocka_unit_test(test_junk_before_magic),
      cmocka_unit_test(test_failures),
      cmocka_unit_test(test_truncated_at_every_tenth),
      cmocka_unit_test(test_nothing_on_stderr),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
