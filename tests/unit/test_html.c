/*
 * HTML input to document (src/lib/document/html.c), through the public
 * API ctix_document_parse with CTIX_FORMAT_HTML.
 *
 * Golden files: tests/data/html/NAME.html is one page we wrote (a news
 * story, a vendor blog post, a government advisory); NAME.expected lists
 * its metadata, each block as "kind[level]: text" and each link, in the
 * format of format_doc() below. To look at a page in that format (e.g. to
 * review a change before updating an expected file by hand):
 *     test_html --print tests/data/html/news.html
 * Focused tests cover inline spacing, entities, charsets, <br>, lists,
 * tables, code, links, metadata sources, content selection, empty pages
 * and the nesting limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctix/document.h"
#include "util/buf.h"

/* ------------------------------------------------------------- helpers */

static int parse_opts(ctix_document **out, const char *s, size_t n, unsigned max_depth,
                      ctix_error *err)
{
  ctix_doc_options o;
  ctix_doc_options_init(&o);
  o.format = CTIX_FORMAT_HTML;
  o.source = "test.html";
  o.max_depth = max_depth;
  ctix_error_clear(err);
  return ctix_document_parse(out, s, n, &o, err);
}

/* Parses `html`, failing the test on any error. */
static ctix_document *parse(const char *html)
{
  ctix_document *d = NULL;
  ctix_error err;
  int rc = parse_opts(&d, html, strlen(html), CTIX_DEFAULT_MAX_DEPTH, &err);
  if (rc)
    fail_msg("parse failed: %s %s", ctix_error_name(rc), err.message);
  assert_non_null(d);
  return d;
}

static void expect_block(const ctix_document *d, size_t i, ctix_block_kind kind, uint32_t level,
                         const char *text)
{
  const ctix_block *b;
  size_t n;
  if (i >= d->nblocks)
    fail_msg("block %zu missing (%zu blocks), expected \"%s\"", i, d->nblocks, text);
  b = &d->blocks[i];
  n = b->span.end - b->span.start;
  if (b->kind != kind || b->level != level || n != strlen(text) ||
      memcmp(d->text + b->span.start, text, n) != 0)
    fail_msg("block %zu: got %s[%u] \"%.*s\", expected %s[%u] \"%s\"", i,
             ctix_block_kind_name(b->kind), b->level, (int)n, d->text + b->span.start,
             ctix_block_kind_name(kind), level, text);
}

static bool doc_has(const ctix_document *d, const char *needle)
{
  return strstr(d->text, needle) != NULL;
}

static bool has_diag(const ctix_document *d, int code)
{
  size_t i;
  for (i = 0; i < d->ndiags; i++)
    if (d->diags[i].code == code)
      return true;
  return false;
}

/* Appends s[0..n) with \, newline and tab escaped, so a block is one line. */
static void put_escaped(ctix_buf *o, const char *s, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++) {
    if (s[i] == '\\')
      ctix__buf_adds(o, "\\\\");
    else if (s[i] == '\n')
      ctix__buf_adds(o, "\\n");
    else if (s[i] == '\t')
      ctix__buf_adds(o, "\\t");
    else
      ctix__buf_addc(o, s[i]);
  }
}

/* The golden-file format: metadata, "--", blocks, "--", links. */
static void format_doc(ctix_buf *o, const ctix_document *d)
{
  const char *names[] = {"title",    "author",    "published",  "canonical_url",
                         "language", "site_name", "description"};
  const char *vals[] = {d->meta.title,    d->meta.author,    d->meta.published,
                        d->meta.canonical_url, d->meta.language, d->meta.site_name,
                        d->meta.description};
  size_t i;
  for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    ctix__buf_addf(o, "%s: %s\n", names[i], vals[i] ? vals[i] : "(none)");
  ctix__buf_adds(o, "--\n");
  for (i = 0; i < d->nblocks; i++) {
    const ctix_block *b = &d->blocks[i];
    ctix__buf_adds(o, ctix_block_kind_name(b->kind));
    if (b->level)
      ctix__buf_addf(o, "[%u]", b->level);
    ctix__buf_adds(o, ": ");
    put_escaped(o, d->text + b->span.start, b->span.end - b->span.start);
    ctix__buf_addc(o, '\n');
  }
  ctix__buf_adds(o, "--\n");
  for (i = 0; i < d->nlinks; i++) {
    ctix__buf_addf(o, "link: %s <- ", d->links[i].href);
    put_escaped(o, d->text + d->links[i].span.start,
                d->links[i].span.end - d->links[i].span.start);
    ctix__buf_addc(o, '\n');
  }
}

static int read_file(ctix_buf *out, const char *path)
{
  char chunk[65536];
  size_t n;
  FILE *f = fopen(path, "rb");
  if (!f)
    return -1;
  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
    ctix__buf_add(out, chunk, n);
  fclose(f);
  return out->err ? -1 : 0;
}

/* Parses tests/data/html/NAME.html and compares with NAME.expected. */
static void golden(const char *name)
{
  char path[4096];
  ctix_buf html = CTIX_BUF_INIT((size_t)16 << 20), want = CTIX_BUF_INIT((size_t)16 << 20);
  ctix_buf got = CTIX_BUF_INIT((size_t)16 << 20);
  ctix_document *d = NULL;
  ctix_error err;
  size_t line = 1, i;
  int rc;

  snprintf(path, sizeof(path), "%s/html/%s.html", CTIX_TEST_DATA, name);
  if (read_file(&html, path))
    fail_msg("cannot read %s", path);
  snprintf(path, sizeof(path), "%s/html/%s.expected", CTIX_TEST_DATA, name);
  if (read_file(&want, path))
    fail_msg("cannot read %s", path);
  rc = parse_opts(&d, html.data, html.len, CTIX_DEFAULT_MAX_DEPTH, &err);
  if (rc)
    fail_msg("%s: %s", name, err.message);
  format_doc(&got, d);
  assert_int_equal(got.err, 0);
  for (i = 0; i < got.len && i < want.len && got.data[i] == want.data[i]; i++)
    line += got.data[i] == '\n';
  if (i != got.len || i != want.len) {
    const char *g = got.data + i, *w = want.data + i;
    while (g > got.data && g[-1] != '\n')
      g--;
    while (w > want.data && w[-1] != '\n')
      w--;
    fail_msg("%s.expected line %zu differs:\n  got:      %.*s\n  expected: %.*s", name, line,
             (int)strcspn(g, "\n"), g, (int)strcspn(w, "\n"), w);
  }
  ctix_document_free(d);
  ctix__buf_free(&html);
  ctix__buf_free(&want);
  ctix__buf_free(&got);
}

/* -------------------------------------------------------------- golden */

static void test_golden_news(void **state)
{
  (void)state;
  golden("news");
}

static void test_golden_blog(void **state)
{
  (void)state;
  golden("blog");
}

static void test_golden_advisory(void **state)
{
  (void)state;
  golden("advisory");
}

/* --------------------------------------------------------------- inline */

static void test_inline_spacing(void **state)
{
  ctix_document *d = parse("<p><b>foo</b>bar and <i>in</i> <em>two</em>  words</p>"
                           "<p>x<span>y</span>z, <a href=\"/a\">link</a>.</p>"
                           "<p>one<img src=\"i.png\">two <custom-el>three</custom-el>four</p>");
  (void)state;
  expect_block(d, 0, CTIX_BLOCK_PARAGRAPH, 0, "foobar and in two words");
  expect_block(d, 1, CTIX_BLOCK_PARAGRAPH, 0, "xyz, link.");
  expect_block(d, 2, CTIX_BLOCK_PARAGRAPH, 0, "one two three four");
  assert_int_equal(d->nblocks, 3);
  ctix_document_free(d);
}

static void test_paragraph_blocks(void **state)
{
  /* (Text lengths balanced so that no container holds most of the page.) */
  ctix_document *d = parse("<p>first para</p><p>second para</p><div>loose<p>inner</p>tail</div>"
                           "<section>section<div>deep text</div></section>");
  (void)state;
  expect_block(d, 0, CTIX_BLOCK_PARAGRAPH, 0, "first para");
  expect_block(d, 1, CTIX_BLOCK_PARAGRAPH, 0, "second para");
  expect_block(d, 2, CTIX_BLOCK_PARAGRAPH, 0, "loose");
  expect_block(d, 3, CTIX_BLOCK_PARAGRAPH, 0, "inner");
  expect_block(d, 4, CTIX_BLOCK_PARAGRAPH, 0, "tail");
  expect_block(d, 5, CTIX_BLOCK_PARAGRAPH, 0, "section");
  expect_block(d, 6, CTIX_BLOCK_PARAGRAPH, 0, "deep text");
  assert_int_equal(d->nblocks, 7);
  /* Blocks are separated by a blank line in the normalised text. */
  assert_string_equal(d->text, "first para\n\nsecond para\n\nloose\n\ninner\n\ntail\n\n"
                               "section\n\ndeep text");
  ctix_document_free(d);
}

static void test_br(void **state)
{
  ctix_document *d = parse("<p>line one<br>line two<br/>three</p>"
                           "<p>para A<br><br>para B</p><div>x<br>\n<br>y</div>");
  (void)state;
  expect_block(d, 0, CTIX_BLOCK_PARAGRAPH, 0, "line one line two three");
  expect_block(d, 1, CTIX_BLOCK_PARAGRAPH, 0, "para A");
  expect_block(d, 2, CTIX_BLOCK_PARAGRAPH, 0, "para B");
  expect_block(d, 3, CTIX_BLOCK_PARAGRAPH, 0, "x");
  expect_block(d, 4, CTIX_BLOCK_PARAGRAPH, 0, "y");
  assert_int_equal(d->nblocks, 5);
  ctix_document_free(d);
}

static void test_entities(void **state)
{
  ctix_document *d = parse("<p>AT&amp;T &lt;script&gt; caf&eacute; &#x41;&#66; &copy; "
                           "a&nbsp;b &quot;q&quot; &unknownentity; 5 &lt; 6</p>");
  (void)state;
  expect_block(d, 0, CTIX_BLOCK_PARAGRAPH, 0,
               "AT&T <script> caf\xc3\xa9 AB \xc2\xa9 a b \"q\" &unknownentity; 5 < 6");
  ctix_document_free(d);
}

static void test_charset_windows1252(void **state)
{
  /* "Café “quoted” € – naïve" in windows-1252, declared by <meta charset>. */
  const char *page = "<html><head><meta charset=\"windows-1252\"><title>Caf\xe9 news</title>"
                     "</head><body><p>Caf\xe9 \x93quoted\x94 \x80 \x96 na\xefve</p></body></html>";
  const char *http = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
                     "charset=windows-1252\"></head><body><p>r\xe9sum\xe9</p></body></html>";
  ctix_document *d = parse(page);
  (void)state;
  expect_block(d, 0, CTIX_BLOCK_PARAGRAPH, 0,
               "Caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x82\xac \xe2\x80\x93 "
               "na\xc3\xafve");
  assert_string_equal(d->meta.title, "Caf\xc3\xa9 news");
  assert_int_equal(d->utf8_replaced, 0);
  ctix_document_free(d);
  d = parse(http);
  expect_block(d, 0, CTIX_BLOCK_PARAGRAPH, 0, "r\xc3\xa9sum\xc3\xa9");
  ctix_document_free(d);
}

static void test_undeclared_8bit(void **state)
{
  /* No charset and not UTF-8: read as windows-1252 (quotes included);
   * the text is valid UTF-8 and nothing is lost. */
  ctix_document *d = parse("<p>na\xefve caf\xe9 \x93quoted\x94</p>");
  (void)state;
  expect_block(d, 0, CTIX_BLOCK_PARAGRAPH, 0,
               "na\xc3\xafve caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d");
  ctix_document_free(d);
}

static void test_undeclared_utf8(void **state)
{
  /* No charset, UTF-8 bytes: UTF-8 (libxml2 alone would read Latin-1). */
  ctix_document *d = parse("<html><body><p>N\xc3\x9aKIB caf\xc3\xa9 \xe2\x82\xac "
                           "\xf0\x9f\x94\x92</p></body></html>");
  (void)state;
  expect_block(d, 0, CTIX_BLOCK_PARAGRAPH, 0,
               "N\xc3\x9aKIB caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92");
  assert_int_equal(d->utf8_replaced, 0);
  ctix_document_free(d);
  /* With a byte order mark. */
  d = parse("\xef\xbb\xbf<p>caf\xc3\xa9</p>");
  expect_block(d, 0, CTIX_BLOCK_PARAGRAPH, 0, "caf\xc3\xa9");
  ctix_document_free(d);
}

static void test_damaged_utf8(void **state)
{
  /* UTF-8 (declared or not) with a bad byte: that byte becomes U+FFFD and
   * is counted; the rest of the page stays UTF-8. */
  const char *pages[] = {
      "<meta charset=\"utf-8\"><p>caf\xc3\xa9 bad\xff byte caf\xc3\xa9</p>",
      "<p>caf\xc3\xa9 bad\xff byte caf\xc3\xa9</p>",
  };
  size_t i;
  (void)state;
  for (i = 0; i < 2; i++) {
    ctix_document *d = parse(pages[i]);
    expect_block(d, 0, CTIX_BLOCK_PARAGRAPH, 0,
                 "caf\xc3\xa9 bad\xef\xbf\xbd" " byte caf\xc3\xa9");
    assert_int_equal(d->utf8_replaced, 1);
    ctix_document_free(d);
  }
}

static void test_declared_charsets(void **state)
{
  ctix_document *d;
  (void)state;
  /* A byte windows-1252 leaves undefined (0x81) is replaced, with a
   * warning, and the text after it is kept. */
  d = parse("<meta charset=\"windows-1252\"><p>a\x81" "b \x80 end of text</p>");
  expect_block(d, 0, CTIX_BLOCK_PARAGRAPH, 0, "a\xef\xbf\xbd" "b \xe2\x82\xac end of text");
  assert_true(has_diag(d, CTIX_EPARSE));
  ctix_document_free(d);
  /* KOI8-R through http-equiv: "privet". */
  d = parse("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=KOI8-R\">"
            "<p>\xd0\xd2\xc9\xd7\xc5\xd4</p>");
  expect_block(d, 0, CTIX_BLOCK_PARAGRAPH, 0,
               "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82");
  ctix_document_free(d);
  /* An XML declaration: ISO-8859-15 has the euro sign at 0xA4. */
  d = parse("<?xml version=\"1.0\" encoding=\"ISO-8859-15\"?><html><body><p>5 \xa4</p>"
            "</body></html>");
  expect_block(d, 0, CTIX_BLOCK_PARAGRAPH, 0, "5 \xe2\x82\xac");
  ctix_document_free(d);
  /* A Latin label on bytes that are valid UTF-8: UTF-8. */
  d = parse("<meta charset=\"iso-8859-1\"><p>caf\xc3\xa9</p>");
  expect_block(d, 0, CTIX_BLOCK_PARAGRAPH, 0, "caf\xc3\xa9");
  ctix_document_free(d);
  /* An unknown label: ignored with a warning, the bytes decide. */
  d = parse("<meta charset=\"x-no-such-charset\"><p>caf\xc3\xa9</p>");
  expect_block(d, 0, CTIX_BLOCK_PARAGRAPH, 0, "caf\xc3\xa9");
  assert_true(has_diag(d, CTIX_EUNSUPPORTED));
  ctix_document_free(d);
}

/* ---------------------------------------------------------------- blocks */

static void test_nested_lists(void **state)
{
  ctix_document *d = parse("<ul><li>one</li><li>two<ul><li>two.a</li><li>two.b<ol>"
                           "<li>deep</li></ol></li></ul>two tail</li><li><p>three</p></li></ul>"
                           "<li>stray item</li>");
  (void)state;
  expect_block(d, 0, CTIX_BLOCK_LIST_ITEM, 1, "one");
  expect_block(d, 1, CTIX_BLOCK_LIST_ITEM, 1, "two");
  expect_block(d, 2, CTIX_BLOCK_LIST_ITEM, 2, "two.a");
  expect_block(d, 3, CTIX_BLOCK_LIST_ITEM, 2, "two.b");
  expect_block(d, 4, CTIX_BLOCK_LIST_ITEM, 3, "deep");
  expect_block(d, 5, CTIX_BLOCK_LIST_ITEM, 1, "two tail");
  expect_block(d, 6, CTIX_BLOCK_LIST_ITEM, 1, "three");
  expect_block(d, 7, CTIX_BLOCK_LIST_ITEM, 1, "stray item");
  assert_int_equal(d->nblocks, 8);
  ctix_document_free(d);
}

static void test_headings_quotes_figures(void **state)
{
  ctix_document *d = parse("<h1>One</h1><h2>Two <small>sub</small></h2><h3>Three</h3>"
                           "<h4>Four</h4><h5>Five</h5><h6>Six</h6>"
                           "<blockquote>Quoted <b>text</b><p>second para</p>"
                           "<ul><li>quoted item</li></ul></blockquote>"
                           "<figure><img src=\"a.png\"><figcaption>Figure 1: flow</figcaption>"
                           "</figure><h2><div>block</div>in heading</h2>");
  (void)state;
  expect_block(d, 0, CTIX_BLOCK_HEADING, 1, "One");
  expect_block(d, 1, CTIX_BLOCK_HEADING, 2, "Two sub");
  expect_block(d, 2, CTIX_BLOCK_HEADING, 3, "Three");
  expect_block(d, 3, CTIX_BLOCK_HEADING, 4, "Four");
  expect_block(d, 4, CTIX_BLOCK_HEADING, 5, "Five");
  expect_block(d, 5, CTIX_BLOCK_HEADING, 6, "Six");
  expect_block(d, 6, CTIX_BLOCK_QUOTE, 0, "Quoted text");
  expect_block(d, 7, CTIX_BLOCK_QUOTE, 0, "second para");
  expect_block(d, 8, CTIX_BLOCK_LIST_ITEM, 1, "quoted item");
  expect_block(d, 9, CTIX_BLOCK_PARAGRAPH, 0, "Figure 1: flow");
  expect_block(d, 10, CTIX_BLOCK_HEADING, 2, "block in heading");
  assert_int_equal(d->nblocks, 11);
  /* Sections follow the headings. */
  assert_int_equal(d->nsections, 1 + 7);
  ctix_document_free(d);
}

static void test_code_blocks(void **state)
{
  ctix_document *d = parse("<pre>\n\n  indented\n\tline 2\r\nline 3<br>line 4</pre>"
                           "<p>Run <code>whoami /all</code> first.</p>"
                           "<code>multi\nline</code><div><code>one<br>two</code></div>"
                           "<pre><span class=\"k\">Get-Item</span> <span>x</span>\n"
                           "<div>second</div>third</pre>"
                           "<table><tr><td>a</td><td><pre>in\ncell</pre></td></tr>"
                           "<tr><td>b</td><td>c</td></tr></table>");
  (void)state;
  expect_block(d, 0, CTIX_BLOCK_CODE, 0, "  indented\n\tline 2\nline 3\nline 4");
  expect_block(d, 1, CTIX_BLOCK_PARAGRAPH, 0, "Run whoami /all first.");
  expect_block(d, 2, CTIX_BLOCK_CODE, 0, "multi\nline");
  expect_block(d, 3, CTIX_BLOCK_CODE, 0, "one\ntwo");
  expect_block(d, 4, CTIX_BLOCK_CODE, 0, "Get-Item x\nsecond\nthird");
  expect_block(d, 5, CTIX_BLOCK_TABLE_ROW, 0, "a | in cell");
  expect_block(d, 6, CTIX_BLOCK_TABLE_ROW, 0, "b | c");
  assert_int_equal(d->nblocks, 7);
  /* Code blocks give one sentence per line. */
  assert_int_equal(d->blocks[0].nsentences, 4);
  ctix_document_free(d);
}

static void test_tables(void **state)
{
  ctix_document *d = parse(
      "<table><caption>IOCs</caption><thead><tr><th>Type</th><th>Value</th></tr></thead>"
      "<tbody><tr><td>IP</td><td>192.0.2.1</td></tr>"
      "<tr><td></td><td>second <b>value</b></td></tr>"
      "<tr><td>x</td><td></td><td></td></tr><tr><td> </td><td></td></tr>"
      "<tr><td>list</td><td><ul><li>a</li><li>b</li></ul></td></tr></tbody></table>"
      /* layout: one column */
      "<table><tr><td><p>Layout para one.</p><p>Layout para two.</p></td></tr></table>"
      /* layout: a table inside a cell */
      "<table><tr><td>outer</td><td><table><tr><td>i1</td><td>i2</td></tr></table></td></tr>"
      "</table>"
      /* layout: role=presentation */
      "<table role=\"presentation\"><tr><td>p1</td><td>p2</td></tr></table>");
  (void)state;
  expect_block(d, 0, CTIX_BLOCK_PARAGRAPH, 0, "IOCs");
  expect_block(d, 1, CTIX_BLOCK_TABLE_ROW, 0, "Type | Value");
  expect_block(d, 2, CTIX_BLOCK_TABLE_ROW, 0, "IP | 192.0.2.1");
  expect_block(d, 3, CTIX_BLOCK_TABLE_ROW, 0, "| second value");
  expect_block(d, 4, CTIX_BLOCK_TABLE_ROW, 0, "x");
  expect_block(d, 5, CTIX_BLOCK_TABLE_ROW, 0, "list | a b");
  expect_block(d, 6, CTIX_BLOCK_PARAGRAPH, 0, "Layout para one.");
  expect_block(d, 7, CTIX_BLOCK_PARAGRAPH, 0, "Layout para two.");
  expect_block(d, 8, CTIX_BLOCK_PARAGRAPH, 0, "outer");
  expect_block(d, 9, CTIX_BLOCK_TABLE_ROW, 0, "i1 | i2");
  expect_block(d, 10, CTIX_BLOCK_PARAGRAPH, 0, "p1");
  expect_block(d, 11, CTIX_BLOCK_PARAGRAPH, 0, "p2");
  assert_int_equal(d->nblocks, 12);
  ctix_document_free(d);
}

static void test_definition_lists(void **state)
{
  ctix_document *d = parse("<dl><dt>SHA-256:</dt><dd>abc123</dd><dt>Family</dt><dd>Crane</dd>"
                           "<dd>second definition</dd><dt>alone</dt></dl><dl><dd>orphan</dd></dl>");
  (void)state;
  expect_block(d, 0, CTIX_BLOCK_PARAGRAPH, 0, "SHA-256: abc123");
  expect_block(d, 1, CTIX_BLOCK_PARAGRAPH, 0, "Family: Crane");
  expect_block(d, 2, CTIX_BLOCK_PARAGRAPH, 0, "second definition");
  expect_block(d, 3, CTIX_BLOCK_PARAGRAPH, 0, "alone");
  expect_block(d, 4, CTIX_BLOCK_PARAGRAPH, 0, "orphan");
  assert_int_equal(d->nblocks, 5);
  ctix_document_free(d);
}

/* ----------------------------------------------------------------- links */

static void test_links(void **state)
{
  ctix_document *d = parse("<p>See <a href=\" https://ex.example/r?a=1&amp;b=2 \">the "
                           "<b>report</b></a> and <a href=\"javascript:void(0)\">this</a>, "
                           "<a href=\"#top\">top</a> <a href=\"/img\"><img src=x></a>.</p>"
                           "<ul><li><a href=\"/card\"><h3>Card title</h3></a></li></ul>");
  const ctix_link *l;
  (void)state;
  expect_block(d, 0, CTIX_BLOCK_PARAGRAPH, 0, "See the report and this, top .");
  assert_int_equal(d->nlinks, 4);
  l = &d->links[0];
  assert_string_equal(l->href, "https://ex.example/r?a=1&b=2");
  assert_int_equal(l->span.end - l->span.start, strlen("the report"));
  assert_memory_equal(d->text + l->span.start, "the report", strlen("the report"));
  l = &d->links[1];
  assert_string_equal(l->href, "#top");
  assert_memory_equal(d->text + l->span.start, "top", 3);
  l = &d->links[2]; /* an image link: no anchor text */
  assert_string_equal(l->href, "/img");
  assert_int_equal(l->span.start, l->span.end);
  assert_true(l->span.end <= d->len);
  l = &d->links[3];
  assert_string_equal(l->href, "/card");
  assert_memory_equal(d->text + l->span.start, "Card title", strlen("Card title"));
  ctix_document_free(d);
}

/* -------------------------------------------------------------- metadata */

static void test_metadata_sources(void **state)
{
  ctix_document *d;
  (void)state;
  /* <title> minus the site name; author from meta (not a URL); the first
   * <time> of the content; language from content-language. */
  d = parse("<html><head><title>Big breach at Acme - Daily Wire Service</title>"
            "<meta property=\"og:site_name\" content=\"Daily Wire Service\">"
            "<meta property=\"article:author\" content=\"https://ex.example/people/jd\">"
            "<meta name=\"author\" content=\"  Jane   Doe \">"
            "<meta http-equiv=\"content-language\" content=\"fr\">"
            "<meta property=\"og:url\" content=\"https://ex.example/a?x=1\">"
            "</head><body><nav><time datetime=\"2020-01-01\">old</time></nav>"
            "<p>Posted <time datetime=\"2024-05-06T10:00:00Z\">May 6</time></p>"
            "<p>Body text of the story.</p></body></html>");
  assert_string_equal(d->meta.title, "Big breach at Acme");
  assert_string_equal(d->meta.site_name, "Daily Wire Service");
  assert_string_equal(d->meta.author, "Jane Doe");
  assert_string_equal(d->meta.published, "2024-05-06T10:00:00Z");
  assert_string_equal(d->meta.language, "fr");
  assert_string_equal(d->meta.canonical_url, "https://ex.example/a?x=1");
  assert_null(d->meta.description);
  ctix_document_free(d);

  /* The <h1> when the <title> contains it; JSON-LD author list and date;
   * link rel=canonical over og:url; html lang over content-language. */
  d = parse("<html lang=\"de\"><head><title>Story headline | Site</title>"
            "<meta http-equiv=\"content-language\" content=\"fr\">"
            "<link rel=\"canonical\" href=\"https://ex.example/canon\">"
            "<meta property=\"og:url\" content=\"https://ex.example/og\">"
            "<script type=\"application/ld+json\">[{\"@type\":\"Organization\",\"name\":\"X\"},"
            "{\"@type\":[\"NewsArticle\"],\"datePublished\":\"2023-02-03\",\"author\":"
            "[{\"name\":\"A One\"},\"B Two\",{\"@id\":\"x\"}]}]</script>"
            "<script type=\"application/ld+json\">{ not json </script>"
            "</head><body><h1>Story headline</h1><p>Text.</p></body></html>");
  assert_string_equal(d->meta.title, "Story headline");
  assert_string_equal(d->meta.author, "A One, B Two");
  assert_string_equal(d->meta.published, "2023-02-03");
  assert_string_equal(d->meta.canonical_url, "https://ex.example/canon");
  assert_string_equal(d->meta.language, "de");
  ctix_document_free(d);

  /* og:title wins over everything; rel=author text as the last resort. */
  d = parse("<head><title>T</title><meta property=\"og:title\" content=\"OG title\">"
            "<meta name=\"twitter:title\" content=\"TW title\"></head>"
            "<body><h1>H1 title</h1><p>By <a rel=\"author\" href=\"/u\">Sam Lee</a></p></body>");
  assert_string_equal(d->meta.title, "OG title");
  assert_string_equal(d->meta.author, "Sam Lee");
  ctix_document_free(d);

  /* No <title>: the first <h1>. */
  d = parse("<body><h1>Only heading</h1><p>text</p></body>");
  assert_string_equal(d->meta.title, "Only heading");
  ctix_document_free(d);
}

/* ------------------------------------------------------ content selection */

static void test_chrome_tokens(void **state)
{
  ctix_document *d = parse(
      "<body class=\"has-sidebar comments-open\"><div class=\"wrap\">"
      "<div class=\"header-image\"><p>Kept: header image caption.</p></div>"
      "<div class=\"no-comment-style\"><p>Kept: no-comment-style.</p></div>"
      "<div class=\"comments-list\"><p>Dropped: comments list.</p></div>"
      "<div class=\"article-comments\"><p>Dropped: article comments.</p></div>"
      "<div id=\"relatedPosts\"><p>Dropped: camelCase related.</p></div>"
      "<div class=\"x socialShare\"><p>Dropped: social share.</p></div>"
      "<div class=\"ad\"><p>Dropped: ad.</p></div>"
      "<div class=\"shadow badge\"><p>Kept: shadow badge.</p></div>"
      "<div class=\"read-more\"><p>Dropped: read more.</p></div>"
      "<div class=\"cookie-notice\"><p>Dropped: cookie notice.</p></div>"
      "<div role=\"navigation\"><p>Dropped: role navigation.</p></div>"
      "<div class=\"post-header\"><p>Kept: post header.</p></div>"
      "<div hidden><p>Dropped: hidden.</p></div>"
      "<p>Kept: a long enough paragraph of story text so the wrapper wins the page.</p>"
      "</div></body>");
  (void)state;
  assert_true(doc_has(d, "Kept: header image caption."));
  assert_true(doc_has(d, "Kept: no-comment-style."));
  assert_true(doc_has(d, "Kept: shadow badge."));
  assert_true(doc_has(d, "Kept: post header."));
  assert_true(doc_has(d, "Kept: a long enough"));
  assert_false(doc_has(d, "Dropped"));
  ctix_document_free(d);
}

static void test_dropped_elements(void **state)
{
  ctix_document *d = parse(
      "<head><style>p { color: red }</style><script>var x = '<p>no</p>';</script></head>"
      "<body><p>visible</p><script>document.write('scripted')</script>"
      "<noscript>enable javascript</noscript><template><p>templated</p></template>"
      "<svg><title>svg title</title><text>svg text</text></svg>"
      "<iframe src=\"x\">frame text</iframe><select><option>choice</option></select>"
      "<button>Click</button><textarea>typed</textarea><object>obj</object>"
      "<p>end</p></body>");
  (void)state;
  expect_block(d, 0, CTIX_BLOCK_PARAGRAPH, 0, "visible");
  expect_block(d, 1, CTIX_BLOCK_PARAGRAPH, 0, "end");
  assert_int_equal(d->nblocks, 2);
  assert_null(d->meta.title);
  ctix_document_free(d);
}

static void test_header_in_article_kept(void **state)
{
  ctix_document *d = parse(
      "<header><p>Site slogan</p><nav><a href=\"/\">Home</a></nav></header>"
      "<article><header><h1>Article title</h1><p>By Reporter</p></header>"
      "<p>First paragraph of the article body, long enough to matter here.</p>"
      "<footer>Tags: x</footer></article><footer>Site footer</footer>");
  (void)state;
  expect_block(d, 0, CTIX_BLOCK_HEADING, 1, "Article title");
  expect_block(d, 1, CTIX_BLOCK_PARAGRAPH, 0, "By Reporter");
  expect_block(d, 2, CTIX_BLOCK_PARAGRAPH, 0,
               "First paragraph of the article body, long enough to matter here.");
  assert_int_equal(d->nblocks, 3);
  ctix_document_free(d);
}

static void test_main_and_articles(void **state)
{
  ctix_document *d;
  (void)state;
  /* A main holding one article and a short note: the article. */
  d = parse("<main><div>Short note outside.</div><article><h1>T</h1><p>The story text is "
            "here and it is clearly the longest part of the main element.</p><p>More story "
            "text follows in a second paragraph.</p></article></main>"
            "<div><p>Unmarked text outside main, a sentence or two long.</p></div>");
  assert_false(doc_has(d, "Short note"));
  assert_false(doc_has(d, "Unmarked"));
  assert_true(doc_has(d, "The story text"));
  ctix_document_free(d);
  /* A main listing several short articles: the whole main. */
  d = parse("<main><article><p>Teaser one text.</p></article><article><p>Teaser two text."
            "</p></article><article><p>Teaser three text.</p></article></main>");
  assert_int_equal(d->nblocks, 3);
  ctix_document_free(d);
  /* itemprop=articleBody inside a page: the body, with the <h1> before it. */
  d = parse("<div class=\"wrap\"><h1>Heading <a href=\"/x\">x</a></h1><div>Promo line</div>"
            "<div itemprop=\"articleBody\"><p>Body paragraph one is long enough.</p>"
            "<p>Body paragraph two is long enough too.</p></div></div>");
  expect_block(d, 0, CTIX_BLOCK_HEADING, 1, "Heading x");
  expect_block(d, 1, CTIX_BLOCK_PARAGRAPH, 0, "Body paragraph one is long enough.");
  assert_int_equal(d->nblocks, 3);
  ctix_document_free(d);
}

static void test_density_selection(void **state)
{
  /* No semantic markup, no telling classes: the story container wins over
   * link lists and a short blurb; the title <h1> before it is kept. */
  ctix_document *d = parse(
      "<div id=\"a1\"><a href=\"/1\">Home</a> <a href=\"/2\">World</a> <a href=\"/3\">Tech</a> "
      "<a href=\"/4\">Sport</a> <a href=\"/5\">Weather</a> <a href=\"/6\">Login</a></div>"
      "<div id=\"a2\"><h1>Water utility hit by intrusion</h1>"
      "<div id=\"a3\"><p>Attackers reached the control network of a regional water utility "
      "last month, officials said on Tuesday.</p><p>The utility said water quality was never "
      "at risk and that operators switched to manual control within an hour.</p>"
      "<p>Investigators believe the intruders used a remote access tool left exposed to the "
      "internet by a contractor.</p></div></div>"
      "<div id=\"a4\"><p>Copyright 2025 Example Media.</p><a href=\"/t\">Terms</a></div>");
  (void)state;
  expect_block(d, 0, CTIX_BLOCK_HEADING, 1, "Water utility hit by intrusion");
  expect_block(d, 1, CTIX_BLOCK_PARAGRAPH, 0,
               "Attackers reached the control network of a regional water utility last month, "
               "officials said on Tuesday.");
  assert_int_equal(d->nblocks, 4);
  assert_false(doc_has(d, "Weather"));
  assert_false(doc_has(d, "Copyright"));
  ctix_document_free(d);
}

static void test_nav_only_page(void **state)
{
  /* All the text is in navigation: kept rather than nothing, with a warning. */
  ctix_document *d = parse("<html><body><nav><ul><li><a href=\"/a\">Advisories</a></li>"
                           "<li><a href=\"/b\">Blog</a></li></ul></nav>"
                           "<footer>Footer text</footer></body></html>");
  (void)state;
  expect_block(d, 0, CTIX_BLOCK_LIST_ITEM, 1, "Advisories");
  expect_block(d, 1, CTIX_BLOCK_LIST_ITEM, 1, "Blog");
  expect_block(d, 2, CTIX_BLOCK_PARAGRAPH, 0, "Footer text");
  assert_int_equal(d->nlinks, 2);
  assert_true(has_diag(d, CTIX_ENOTFOUND));
  ctix_document_free(d);
}

static void test_content_after_html_end(void **state)
{
  /* Text after </html>, or several documents in one input, is kept. */
  ctix_document *d = parse("<html><body><p>one</p></body></html>\n"
                           "<html><body><p>two</p></body></html><p>three</p>");
  (void)state;
  expect_block(d, 0, CTIX_BLOCK_PARAGRAPH, 0, "one");
  expect_block(d, 1, CTIX_BLOCK_PARAGRAPH, 0, "two");
  expect_block(d, 2, CTIX_BLOCK_PARAGRAPH, 0, "three");
  assert_int_equal(d->nblocks, 3);
  ctix_document_free(d);
}

/* ------------------------------------------------------- errors, limits */

static void test_empty_pages(void **state)
{
  const char *pages[] = {
      "<html></html>",
      "<html><head><title>Only a title</title></head><body>  \n </body></html>",
      "<body><script>var a = 'text';</script><style>p{}</style><!-- comment --></body>",
      "<p>&nbsp;&#160; </p><div><img src=\"x.png\"></div>",
      "<",
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
    ctix_document *d = NULL;
    ctix_error err;
    int rc = parse_opts(&d, pages[i], strlen(pages[i]), CTIX_DEFAULT_MAX_DEPTH, &err);
    if (rc != CTIX_EEMPTY)
      fail_msg("page %zu: expected EEMPTY, got %s", i, ctix_error_name(rc));
    assert_null(d);
    assert_int_equal(err.code, CTIX_EEMPTY);
  }
}

/* Builds open * count + "x" + close * count. */
static char *nested(const char *open, const char *close, size_t count)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)64 << 20);
  size_t i;
  for (i = 0; i < count; i++)
    ctix__buf_adds(&b, open);
  ctix__buf_adds(&b, "x");
  for (i = 0; close && i < count; i++)
    ctix__buf_adds(&b, close);
  assert_int_equal(b.err, 0);
  return ctix__buf_detach(&b, NULL);
}

static void expect_too_deep(const char *html)
{
  ctix_document *d = NULL;
  ctix_error err;
  char line[512];
  int rc = parse_opts(&d, html, strlen(html), CTIX_DEFAULT_MAX_DEPTH, &err);
  assert_int_equal(rc, CTIX_ETOOBIG);
  assert_null(d);
  assert_non_null(strstr(err.message, "HTML nesting deeper than 256 elements at line 1"));
  assert_int_equal(err.line, 1);
  ctix_error_format(line, sizeof(line), &err);
  assert_non_null(strstr(line, "test.html:1:"));
}

static void test_nesting_limit(void **state)
{
  char *divs = nested("<div>", "</div>", 10000);
  char *bold = nested("<b>", NULL, 10000);
  char *mixed = nested("<div><span><p><em>", NULL, 2500);
  (void)state;
  expect_too_deep(divs);
  expect_too_deep(bold);
  expect_too_deep(mixed);
  free(divs);
  free(bold);
  free(mixed);
}

static void test_nesting_within_limit(void **state)
{
  /* html + body + 250 divs: under the default limit of 256. */
  char *divs = nested("<div>", "</div>", 250);
  ctix_document *d = parse(divs);
  (void)state;
  expect_block(d, 0, CTIX_BLOCK_PARAGRAPH, 0, "x");
  ctix_document_free(d);
  free(divs);
}

static void test_nesting_unlimited(void **state)
{
  /* max_depth 0: no limit; 10,000 levels are walked without recursion. */
  char *divs = nested("<div>", "</div>", 10000);
  char *lists = nested("<ul><li>", NULL, 5000);
  ctix_document *d = NULL;
  ctix_error err;
  (void)state;
  assert_int_equal(parse_opts(&d, divs, strlen(divs), 0, &err), 0);
  expect_block(d, 0, CTIX_BLOCK_PARAGRAPH, 0, "x");
  ctix_document_free(d);
  assert_int_equal(parse_opts(&d, lists, strlen(lists), 0, &err), 0);
  expect_block(d, 0, CTIX_BLOCK_LIST_ITEM, 5000, "x");
  ctix_document_free(d);
  free(divs);
  free(lists);
}

static void test_parse_errors_quiet(void **state)
{
  /* libxml2 prints nothing; its complaints become one warning. */
  const char *html = "<html><body><p>a <b>bold <i>x</b> y</i></p></tr>&#xD800;<p>z</body>"
                     "</html></foo>";
  ctix_document *d;
  FILE *tmp = tmpfile();
  int saved;
  long size;
  (void)state;
  assert_non_null(tmp);
  fflush(stderr);
  saved = dup(2);
  assert_true(saved >= 0);
  assert_true(dup2(fileno(tmp), 2) >= 0);
  d = parse(html);
  fflush(stderr);
  assert_true(dup2(saved, 2) >= 0);
  close(saved);
  fseek(tmp, 0, SEEK_END);
  size = ftell(tmp);
  fclose(tmp);
  assert_int_equal(size, 0);
  assert_true(has_diag(d, CTIX_EPARSE));
  assert_true(doc_has(d, "bold"));
  ctix_document_free(d);
}

static void test_auto_detect(void **state)
{
  /* The format detector hands pages starting with '<' to this reader. */
  const char *html = "<!doctype html><title>t</title><p>Detected as HTML.</p>";
  ctix_document *d = NULL;
  ctix_error err;
  (void)state;
  ctix_error_clear(&err);
  assert_int_equal(ctix_document_parse(&d, html, strlen(html), NULL, &err), 0);
  assert_int_equal(d->format, CTIX_FORMAT_HTML);
  expect_block(d, 0, CTIX_BLOCK_PARAGRAPH, 0, "Detected as HTML.");
  ctix_document_free(d);
}

/* ------------------------------------------------------------------ main */

/* test_html --print FILE: the page in the golden-file format. */
static int print_file(const char *path)
{
  ctix_buf html = CTIX_BUF_INIT((size_t)64 << 20), out = CTIX_BUF_INIT((size_t)64 << 20);
  ctix_document *d = NULL;
  ctix_error err;
  int rc;
  if (read_file(&html, path)) {
    fprintf(stderr, "cannot read %s\n", path);
    return 1;
  }
  rc = parse_opts(&d, html.data ? html.data : "", html.len, CTIX_DEFAULT_MAX_DEPTH, &err);
  if (rc) {
    char line[600];
    ctix_error_format(line, sizeof(line), &err);
    fprintf(stderr, "%s\n", line);
  } else {
    format_doc(&out, d);
    fwrite(out.data, 1, out.len, stdout);
  }
  ctix_document_free(d);
  ctix__buf_free(&html);
  ctix__buf_free(&out);
  return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_golden_news),
      cmocka_unit_test(test_golden_blog),
      cmocka_unit_test(test_golden_advisory),
      cmocka_unit_test(test_inline_spacing),
      cmocka_unit_test(test_paragraph_blocks),
      cmocka_unit_test(test_br),
      cmocka_unit_test(test_entities),
      cmocka_unit_test(test_charset_windows1252),
      cmocka_unit_test(test_undeclared_8bit),
      cmocka_unit_test(test_undeclared_utf8),
      cmocka_unit_test(test_damaged_utf8),
      cmocka_unit_test(test_declared_charsets),
      cmocka_unit_test(test_nested_lists),
      cmocka_unit_test(test_headings_quotes_figures),
      cmocka_unit_test(test_code_blocks),
      cmocka_unit_test(test_tables),
      cmocka_unit_test(test_definition_lists),
      cmocka_unit_test(test_links),
      cmocka_unit_test(test_metadata_sources),
      cmocka_unit_test(test_chrome_tokens),
      cmocka_unit_test(test_dropped_elements),
      cmocka_unit_test(test_header_in_article_kept),
      cmocka_unit_test(test_main_and_articles),
      cmocka_unit_test(test_density_selection),
      cmocka_unit_test(test_nav_only_page),
      cmocka_unit_test(test_content_after_html_end),
      cmocka_unit_test(test_empty_pages),
      cmocka_unit_test(test_nesting_limit),
      cmocka_unit_test(test_nesting_within_limit),
      cmocka_unit_test(test_nesting_unlimited),
      cmocka_unit_test(test_parse_errors_quiet),
      cmocka_unit_test(test_auto_detect),
  };
  if (argc == 3 && strcmp(argv[1], "--print") == 0)
    return print_file(argv[2]);
  return cmocka_run_group_tests(tests, NULL, NULL);
}
