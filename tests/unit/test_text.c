/*
 * Unit tests of the plain-text reader (src/lib/document/text.c): joining
 * hard-wrapped prose, keeping one-record-per-line runs (IOC lists, "Key:
 * value" lines) apart, list items and their nesting, heading rules
 * (underlined, ALL CAPS, Title Case, numbered, the first-line title),
 * separators, BOMs and line endings, and the shared line helpers.
 */
#include "doc_check.h"

#include "document/lines.h"

#define PARSE(lit) parse_as(lit, sizeof(lit) - 1, CTIX_FORMAT_TEXT)

static void test_wrapped_prose_is_joined(void **state)
{
  ctix_document *d = PARSE(
      "The actor sent invoice-themed messages to freight forwarders and port\n"
      "operators across Europe. Each message carried an archive with a loader\n"
      "that side-loaded a DLL and contacted its server every ninety seconds.\n");
  (void)state;
  assert_int_equal(d->nblocks, 1);
  assert_block(d, 0, CTIX_BLOCK_PARAGRAPH, 0);
  assert_true(block_is(d, 0,
                       "The actor sent invoice-themed messages to freight forwarders and port "
                       "operators across Europe. Each message carried an archive with a loader "
                       "that side-loaded a DLL and contacted its server every ninety seconds."));
  assert_int_equal(d->nsentences, 2);
  ctix_document_free(d);
}

static void test_ioc_lines_stay_apart(void **state)
{
  ctix_document *d = PARSE("203.0.113.45\n198.51.100.17\ninvoice-portal[.]example\n"
                           "hxxps://cdn.invoice-portal[.]example/update.bin\n"
                           "9f2c4e1a7b3d5c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a\n");
  (void)state;
  assert_int_equal(d->nblocks, 5);
  assert_true(block_is(d, 0, "203.0.113.45"));
  assert_true(block_is(d, 1, "198.51.100.17"));
  assert_true(block_is(d, 3, "hxxps://cdn.invoice-portal[.]example/update.bin"));
  assert_int_equal(d->nsentences, 5);
  ctix_document_free(d);
}

static void test_key_value_lines_stay_apart(void **state)
{
  /* Long enough that the width rule alone would not split them. */
  ctix_document *d = PARSE(
      "SHA256: 9f2c4e1a7b3d5c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a\n"
      "Filename: lantern.dll dropped in the user profile folder by the loader\n"
      "First seen: 2024-03-02 in the telemetry of two shipping customers\n");
  (void)state;
  assert_int_equal(d->nblocks, 3);
  assert_true(block_is(d, 1, "Filename: lantern.dll dropped in the user profile folder by the loader"));
  ctix_document_free(d);
}

static void test_short_line_then_capital_breaks(void **state)
{
  /* The second line ends early and the next one starts a new statement;
   * a lower-case continuation is joined. */
  ctix_document *d = PARSE(
      "The loader copies itself to the user profile and creates a scheduled\n"
      "task for persistence\n"
      "Defender is then disabled through a registry change made by the loader\n"
      "script, which also\n"
      "removes the shadow copies and clears the event logs on the host.\n");
  (void)state;
  assert_int_equal(d->nblocks, 2);
  assert_true(block_is(d, 0, "The loader copies itself to the user profile and creates a "
                             "scheduled task for persistence"));
  assert_true(block_is(d, 1, "Defender is then disabled through a registry change made by "
                             "the loader script, which also removes the shadow copies and "
                             "clears the event logs on the host."));
  ctix_document_free(d);
}

static void test_narrow_lines_are_records(void **state)
{
  ctix_document *d = PARSE("Contact the SOC\nRotate the keys\nrestart the service\n");
  (void)state;
  assert_int_equal(d->nblocks, 3);
  ctix_document_free(d);
}

static void test_outlier_long_line_keeps_paragraph(void **state)
{
  /* One URL overflowing the margin must not make the other lines "short". */
  ctix_document *d = PARSE(
      "The second stage was fetched from a staging server at the address\n"
      "https://staging.example.org/very/long/path/segment/that/overflows/the/margin/payload.bin\n"
      "and then Injected into a signed process that the loader started in a\n"
      "suspended state before resuming it with the payload already mapped.\n");
  (void)state;
  assert_int_equal(d->nblocks, 1);
  ctix_document_free(d);
}

static void test_hyphen_at_line_end_is_kept(void **state)
{
  ctix_document *d = PARSE(
      "The operators then ran the following encoded PowerShell command-\n"
      "line to disable real-time monitoring on the compromised workstation.\n");
  (void)state;
  assert_int_equal(d->nblocks, 1);
  assert_true(text_has(d, "command-line to disable"));
  ctix_document_free(d);
}

static void test_list_items_and_nesting(void **state)
{
  ctix_document *d = PARSE("Recommendations:\n"
                           "\n"
                           "- Block the listed domains and addresses at the e-mail gateway\n"
                           "  and at the web proxy.\n"
                           "- Hunt for scheduled tasks:\n"
                           "  * named ShipSync\n"
                           "    1. check the author\n"
                           "    2. check the certificate\n"
                           "  * started from the profile\n"
                           "- Reset credentials.\n"
                           "\n"
                           "After the list.\n");
  size_t i;
  (void)state;
  i = find_block(d, "Block the listed domains and addresses at the e-mail gateway and at the "
                    "web proxy.");
  assert_block(d, i, CTIX_BLOCK_LIST_ITEM, 1);
  assert_block(d, find_block(d, "Hunt for scheduled tasks:"), CTIX_BLOCK_LIST_ITEM, 1);
  assert_block(d, find_block(d, "named ShipSync"), CTIX_BLOCK_LIST_ITEM, 2);
  assert_block(d, find_block(d, "check the author"), CTIX_BLOCK_LIST_ITEM, 3);
  assert_block(d, find_block(d, "check the certificate"), CTIX_BLOCK_LIST_ITEM, 3);
  assert_block(d, find_block(d, "started from the profile"), CTIX_BLOCK_LIST_ITEM, 2);
  assert_block(d, find_block(d, "Reset credentials."), CTIX_BLOCK_LIST_ITEM, 1);
  assert_block(d, find_block(d, "After the list."), CTIX_BLOCK_PARAGRAPH, 0);
  ctix_document_free(d);
}

static void test_marker_kinds(void **state)
{
  ctix_document *d = PARSE("1) Isolate affected hosts.\n"
                           "2. Collect memory images.\n"
                           "a) Notify partners.\n"
                           "(iv) Review the logs.\n"
                           "\xE2\x80\xA2 Disable ISO auto-mount.\n"
                           "+ Patch the gateway.\n");
  size_t i;
  (void)state;
  assert_int_equal(d->nblocks, 6);
  for (i = 0; i < d->nblocks; i++)
    assert_block(d, i, CTIX_BLOCK_LIST_ITEM, 1);
  assert_true(block_is(d, 0, "Isolate affected hosts."));
  assert_true(block_is(d, 3, "Review the logs."));
  assert_true(block_is(d, 4, "Disable ISO auto-mount."));
  ctix_document_free(d);
}

static void test_not_markers(void **state)
{
  /* An IP, a version and a negative number are not list markers. */
  assert_int_equal(ctix__list_marker("1.2.3.4 evil", 12), 0);
  assert_int_equal(ctix__list_marker("2024. The year", 14), 0);
  assert_int_equal(ctix__list_marker("-1 degrees", 10), 0);
  assert_int_equal(ctix__list_marker("**bold** text", 13), 0);
  assert_int_equal(ctix__list_marker("A. Smith", 8), 0);
  assert_int_equal(ctix__list_marker("-", 1), 0);
  assert_int_equal(ctix__list_marker("- item", 6), 2);
  assert_int_equal(ctix__list_marker("10.  item", 9), 5);
  (void)state;
}

static void test_headings(void **state)
{
  ctix_document *d = PARSE("Copper Lantern targets shipping firms\n"
                           "\n"
                           "EXECUTIVE SUMMARY\n"
                           "\n"
                           "Body one.\n"
                           "\n"
                           "Technical Details\n"
                           "=================\n"
                           "\n"
                           "Body two.\n"
                           "\n"
                           "Indicators of Compromise\n"
                           "------------------------\n"
                           "\n"
                           "Body three.\n"
                           "\n"
                           "2.1 Delivery Chain\n"
                           "\n"
                           "Body four.\n"
                           "\n"
                           "Command and Control\n"
                           "\n"
                           "Body five.\n");
  (void)state;
  assert_block(d, 0, CTIX_BLOCK_HEADING, 1);
  assert_string_equal(d->meta.title, "Copper Lantern targets shipping firms");
  assert_block(d, find_block(d, "EXECUTIVE SUMMARY"), CTIX_BLOCK_HEADING, 2);
  assert_block(d, find_block(d, "Technical Details"), CTIX_BLOCK_HEADING, 1);
  assert_block(d, find_block(d, "Indicators of Compromise"), CTIX_BLOCK_HEADING, 2);
  assert_block(d, find_block(d, "2.1 Delivery Chain"), CTIX_BLOCK_HEADING, 3);
  assert_block(d, find_block(d, "Command and Control"), CTIX_BLOCK_HEADING, 2);
  assert_int_equal(d->nsections, 7);
  ctix_document_free(d);
}

static void test_not_headings(void **state)
{
  ctix_document *d = PARSE("The actor was active in March.\n"
                           "\n"
                           "the lower case line here\n"
                           "\n"
                           "Author: John Smith\n"
                           "\n"
                           "Ends with a colon:\n"
                           "\n"
                           "CVE-2024-1234\n"
                           "\n"
                           "A Title Case Line At The End\n");
  size_t i;
  (void)state;
  for (i = 0; i < d->nblocks; i++)
    assert_int_not_equal(d->blocks[i].kind, CTIX_BLOCK_HEADING);
  assert_null(d->meta.title);
  ctix_document_free(d);
}

static void test_separator_dropped(void **state)
{
  ctix_document *d = PARSE("First part.\n\n----------------------------\n\nSecond part.\n");
  (void)state;
  assert_int_equal(d->nblocks, 2);
  assert_false(text_has(d, "---"));
  ctix_document_free(d);
}

static void test_line_endings_and_bom(void **state)
{
  ctix_document *d = PARSE("\xEF\xBB\xBFThe first paragraph wraps onto a second line that\r\n"
                           "continues the sentence.\r\n\r\nSecond paragraph.\r\n");
  (void)state;
  assert_int_equal(d->nblocks, 2);
  assert_true(block_is(d, 0, "The first paragraph wraps onto a second line that continues "
                             "the sentence."));
  ctix_document_free(d);
  d = PARSE("Old Mac line one\rline two\r\rNext paragraph here.\r");
  assert_int_equal(d->nblocks, 3);
  assert_true(block_is(d, 2, "Next paragraph here."));
  ctix_document_free(d);
}

static void test_tabs_and_form_feed(void **state)
{
  ctix_document *d = PARSE("Page one text.\n\f\nPage two text.\n\tindented\tcolumns\there\n");
  (void)state;
  assert_true(block_is(d, 0, "Page one text."));
  find_block(d, "indented columns here");
  ctix_document_free(d);
}

static void test_data_file(void **state)
{
  ctix_document *d = load_data("text/wrapped-report.txt", CTIX_FORMAT_AUTO);
  size_t i;
  (void)state;
  assert_int_equal(d->format, CTIX_FORMAT_TEXT);
  assert_string_equal(d->meta.title, "Copper Lantern targets shipping firms with fake invoices");
  i = find_block_with(d, "Since January 2024");
  assert_true(block_is(d, i + 1, "Technical Details"));  /* one paragraph, 6 lines */
  assert_true(text_has(d, "runs the following command-line"));
  assert_block(d, find_block(d, "203.0.113.45"), CTIX_BLOCK_PARAGRAPH, 0);
  find_block(d, "Mutex: Global\\CopperLantern2024");
  find_block(d, "Filename: lantern.dll");
  assert_block(d, find_block(d, "check the signing certificate"), CTIX_BLOCK_LIST_ITEM, 3);
  assert_block(d, find_block(d, "Disable ISO auto-mount through group policy."),
               CTIX_BLOCK_LIST_ITEM, 1);
  find_block(d, "Contact: soc@example.org");
  ctix_document_free(d);
}

static void test_line_helpers(void **state)
{
  ctix__tline a, b;
  (void)state;
  assert_int_equal(ctix__text_width("caf\xC3\xA9 \xE2\x80\x9Cq\xE2\x80\x9D", 12), 8);
  assert_int_equal(ctix__text_width("0123456789abcdef\xC3\xA9", 18), 17);
  assert_int_equal(ctix__first_word("evil.com was", 12), 8);
  assert_true(ctix__line_recordlike("203.0.113.7", 11));
  assert_true(ctix__line_recordlike("Key: value here", 15));
  assert_true(ctix__line_recordlike("a\tb", 3));
  assert_false(ctix__line_recordlike("The actor used it", 17));
  memset(&a, 0, sizeof(a));
  memset(&b, 0, sizeof(b));
  a.s = "ends early";
  a.n = 10;
  a.right = 10;
  b.s = "Next line";
  b.n = 9;
  b.fw = 4;
  b.right = 9;
  assert_true(ctix__lines_break(&a, &b, 70, 40, 0, false));   /* capital after a short line */
  b.s = "next line";
  assert_false(ctix__lines_break(&a, &b, 70, 40, 0, false));  /* lower case continues */
  a.right = 68;
  b.s = "Next line";
  assert_false(ctix__lines_break(&a, &b, 70, 40, 0, false));  /* the word did not fit */
  assert_true(ctix__lines_break(&a, &b, 30, 40, 0, false));   /* narrow: records */
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_wrapped_prose_is_joined),
      cmocka_unit_test(test_ioc_lines_stay_apart),
      cmocka_unit_test(test_key_value_lines_stay_apart),
      cmocka_unit_test(test_short_line_then_capital_breaks),
      cmocka_unit_test(test_narrow_lines_are_records),
      cmocka_unit_test(test_outlier_long_line_keeps_paragraph),
      cmocka_unit_test(test_hyphen_at_line_end_is_kept),
      cmocka_unit_test(test_list_items_and_nesting),
      cmocka_unit_test(test_marker_kinds),
      cmocka_unit_test(test_not_markers),
      cmocka_unit_test(test_headings),
      cmocka_unit_test(test_not_headings),
      cmocka_unit_test(test_separator_dropped),
      cmocka_unit_test(test_line_endings_and_bom),
      cmocka_unit_test(test_tabs_and_form_feed),
      cmocka_unit_test(test_data_file),
      cmocka_unit_test(test_line_helpers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
