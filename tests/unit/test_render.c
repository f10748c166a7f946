/*
 * Unit tests of the report renderers (src/lib/render): report.html keeps
 * every attacker-controlled string inside its JSON block (exactly the
 * page's own two script elements, no "<!--", no raw U+2028/2029, the JSON
 * parses back to the original strings), its Content-Security-Policy
 * carries the SHA-256 of the very script and style the page inlines, the
 * language attribute cannot be broken out of; report.md escapes prose and
 * Mermaid labels; an analysis with every optional part NULL or empty
 * renders; a caller's bundle that is not JSON is refused; output is
 * byte-identical across runs. The analyses are made by hand, but for the
 * one that checks a shared bundle object (ctix_export_stix_bundle) gives
 * the same pages as a bundle made by the renderer or read from its text.
 * The policy's hashes, computed when the assets were built, are checked
 * against the embedded bytes themselves.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <jansson.h>
#include <nettle/base64.h>
#include <nettle/sha2.h>

#include "ctix/ctix.h"
#include "ctix/export.h"
#include "ctix/ioc.h"
#include "ctix/render.h"
#include "export/export_internal.h"
#include "render/render_internal.h"
#include "test_file.h"

#define HOSTILE "</script><script>window.x=1</script><!-- \xe2\x80\xa8 & \"q\" '"

static const char article[] =
    "# Hostile </title><script>alert(1)</script> title\n\n"
    "The actors ran <script>alert(2)</script> and <img src=x onerror=alert(3)> from "
    "[a link](javascript:alert(4)) with the user agent \"Mozilla/5.0 (X11; "
    "</script><script>alert(5)</script>)\".\n\n"
    "Line\xe2\x80\xa8separator and ``` fences ` here.\n";

/* A bundle with hostile names and a relationship for the Mermaid graph. */
static const char bundle[] =
    "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":["
    "{\"type\":\"intrusion-set\",\"id\":\"intrusion-set--1\",\"name\":\"x\\\"] --> evil[\\\"y "
    "</script><!--\\u2028\"},"
    "{\"type\":\"malware\",\"id\":\"malware--1\",\"name\":\"`md` #35; <b>bold</b>\"},"
    "{\"type\":\"relationship\",\"id\":\"relationship--1\",\"relationship_type\":\"uses\","
    "\"source_ref\":\"intrusion-set--1\",\"target_ref\":\"malware--1\"}]}";

typedef struct fx {
  ctix_analysis *a;
  ctix_ttp_list ttp;
  ctix_ttp_hit hit;
  ctix_ttp_evidence ev;
  const char *tactics[1];
  const char *why[1];
  ctix_entity_list ents;
  ctix_entity ent;
  ctix_entity_mention mention;
  ctix_assessment as;
  ctix_risk_factor factor;
  ctix_response resp;
  ctix_response_rule rule;
  ctix_response_step step;
  const char *because[1];
  ctix_render_options ro;
} fx;

static void fx_init(fx *f, bool parts)
{
  ctix_document *doc = NULL;
  memset(f, 0, sizeof(*f));
  assert_int_equal(ctix_document_parse(&doc, article, sizeof(article) - 1, NULL, NULL), 0);
  assert_int_equal(ctix_analyze(&f->a, doc, "hostile", NULL, NULL), 0);
  ctix_render_options_init(&f->ro);
  f->ro.response = &f->resp;
  f->ro.stix = bundle;
  f->ro.stix_len = sizeof(bundle) - 1;
  /* Only the document and its observables: the later stages' results stay
   * owned by the analysis, hidden from the renderer. */
  f->a->techniques = NULL;
  f->a->entities = NULL;
  f->a->assessment = NULL;
  f->a->response = NULL;
  if (!parts)
    return;
  f->tactics[0] = "execution";
  f->why[0] = HOSTILE;
  f->ev.start = 0;
  f->ev.end = 10;
  f->ev.score = 0.9f;
  f->ev.why = f->why;
  f->ev.nwhy = 1;
  f->hit.id = "T1059.001";
  f->hit.name = HOSTILE;
  f->hit.tactics = f->tactics;
  f->hit.ntactics = 1;
  f->hit.confidence = 0.9f;
  f->hit.evidence = &f->ev;
  f->hit.nevidence = 1;
  f->ttp.items = &f->hit;
  f->ttp.count = 1;
  f->a->techniques = &f->ttp;
  f->mention.start = 2;
  f->mention.end = 9;
  f->ent.kind = CTIX_ENTITY_GROUP;
  f->ent.name = HOSTILE;
  f->ent.evidence = HOSTILE;
  f->ent.mentions = &f->mention;
  f->ent.nmentions = 1;
  f->ents.items = &f->ent;
  f->ents.count = 1;
  f->a->entities = &f->ents;
  f->factor.key = "k";
  f->factor.label = HOSTILE;
  f->factor.contribution = 12.5f;
  f->factor.evidence = HOSTILE;
  f->as.risk_score = 42;
  f->as.risk_level = "medium";
  f->as.factors = &f->factor;
  f->as.nfactors = 1;
  f->a->assessment = &f->as;
  f->rule.title = HOSTILE;
  f->rule.yaml = "title: x\ndetection:\n  sel:\n    a: '```</script>'\n";
  f->rule.level = "high";
  f->rule.origin = "ioc";
  f->resp.rules = &f->rule;
  f->resp.nrules = 1;
  f->because[0] = HOSTILE;
  f->step.phase = "containment";
  f->step.text = HOSTILE;
  f->step.because = f->because;
  f->step.nbecause = 1;
  f->resp.steps = &f->step;
  f->resp.nsteps = 1;
}

static void fx_free(fx *f)
{
  f->a->techniques = NULL;
  f->a->entities = NULL;
  f->a->assessment = NULL;
  ctix_analysis_free(f->a);
}

static size_t count_ci(const char *s, const char *needle)
{
  size_t n = 0, k = strlen(needle);
  for (; *s; s++)
    if (strncasecmp(s, needle, k) == 0)
      n++;
  return n;
}

/* The JSON of the page's data block, parsed. */
static json_t *page_data(const char *html)
{
  const char *open = strstr(html, "id=\"ctix-data\">"), *close;
  json_error_t jerr;
  assert_non_null(open);
  open += strlen("id=\"ctix-data\">");
  close = strstr(open, "</script>");
  assert_non_null(close);
  json_t *root = json_loadb(open, (size_t)(close - open), JSON_REJECT_DUPLICATES, &jerr);
  if (!root)
    fail_msg("data block is not JSON: %s", jerr.text);
  return root;
}

/* The inner text of the first element opened by `open_tag` (up to `close_tag`). */
static char *inner(const char *html, const char *open_tag, const char *close_tag)
{
  const char *s = strstr(html, open_tag), *e;
  char *out;
  assert_non_null(s);
  s = strchr(s, '>') + 1;
  e = strstr(s, close_tag);
  assert_non_null(e);
  out = malloc((size_t)(e - s) + 1);
  memcpy(out, s, (size_t)(e - s));
  out[e - s] = '\0';
  return out;
}

static void expect_hash(const char *html, const char *text)
{
  struct sha256_ctx c;
  uint8_t d[SHA256_DIGEST_SIZE];
  char b64[BASE64_ENCODE_RAW_LENGTH(SHA256_DIGEST_SIZE) + 1], want[128];
  const char *csp_end = strstr(html, "\">");
  sha256_init(&c);
  sha256_update(&c, strlen(text), (const uint8_t *)text);
  sha256_digest(&c, sizeof(d), d);
  base64_encode_raw((void *)b64, sizeof(d), d);
  b64[BASE64_ENCODE_RAW_LENGTH(SHA256_DIGEST_SIZE)] = '\0';
  snprintf(want, sizeof(want), "'sha256-%s'", b64);
  const char *at = strstr(html, want);
  assert_non_null(at);
  (void)csp_end;
}

static void test_html_hostile(void **state)
{
  fx f;
  char *html = NULL, *again = NULL, *script, *style;
  size_t len = 0, len2 = 0;
  json_t *data;
  (void)state;
  fx_init(&f, true);
  f.a->doc->meta.language = "en\" onload=\"alert(1)";
  assert_int_equal(ctix_render_html(&html, &len, f.a, &f.ro, NULL), 0);
  assert_int_equal(strlen(html), len);
  assert_int_equal(count_ci(html, "<script"), 2);
  assert_int_equal(count_ci(html, "</script"), 2);
  assert_null(strstr(html, "<!--"));
  assert_null(strstr(html, "\xe2\x80\xa8"));
  assert_non_null(strstr(html, "<html lang=\"en\" "));
  assert_null(strstr(html, "onload=\"alert"));
  /* The title, shown by the skeleton itself, is HTML-escaped. */
  assert_non_null(strstr(html, "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
  assert_non_null(strstr(html, "Content-Security-Policy\" content=\"default-src 'none'; "));
  assert_non_null(strstr(html, "img-src data:; base-uri 'none'; form-action 'none'\">"));
  /* The policy admits exactly the inlined script and style. */
  script = inner(html, "<script>", "</script>");
  style = inner(html, "<style", "</style>");
  expect_hash(html, script);
  expect_hash(html, style);
  free(script);
  free(style);
  /* The data round-trips: the strings are exactly the originals. */
  data = page_data(html);
  assert_string_equal(json_string_value(json_object_get(data, "text")), f.a->doc->text);
  assert_string_equal(
      json_string_value(json_object_get(json_array_get(json_object_get(data, "techniques"), 0), "name")),
      HOSTILE);
  assert_string_equal(
      json_string_value(json_object_get(json_array_get(json_object_get(data, "entities"), 0), "name")),
      HOSTILE);
  assert_string_equal(json_string_value(json_object_get(
                          json_array_get(json_object_get(json_object_get(data, "bundle"), "objects"), 0),
                          "name")),
                      "x\"] --> evil[\"y </script><!--\xe2\x80\xa8");
  assert_int_equal(json_integer_value(json_object_get(json_object_get(data, "risk"), "score")), 42);
  json_decref(data);
  /* Deterministic. */
  assert_int_equal(ctix_render_html(&again, &len2, f.a, &f.ro, NULL), 0);
  assert_int_equal(len, len2);
  assert_memory_equal(html, again, len);
  free(html);
  free(again);
  fx_free(&f);
}

static void test_html_empty_parts(void **state)
{
  fx f;
  char *html = NULL, *md = NULL;
  size_t len = 0, mlen = 0;
  json_t *data;
  static const char empty_bundle[] = "{\"type\":\"bundle\",\"id\":\"bundle--0\",\"objects\":[]}";
  (void)state;
  fx_init(&f, false);
  f.ro.stix = empty_bundle;
  f.ro.stix_len = sizeof(empty_bundle) - 1;
  f.ro.no_text = true;
  assert_int_equal(ctix_render_html(&html, &len, f.a, &f.ro, NULL), 0);
  data = page_data(html);
  assert_true(json_is_null(json_object_get(data, "text")));
  assert_true(json_is_null(json_object_get(data, "risk")));
  assert_int_equal(json_array_size(json_object_get(data, "techniques")), 0);
  assert_int_equal(json_array_size(json_object_get(data, "entities")), 0);
  assert_true(json_array_size(json_object_get(data, "iocs")) > 0);
  json_decref(data);
  assert_int_equal(ctix_render_markdown(&md, &mlen, f.a, &f.ro, NULL), 0);
  assert_non_null(strstr(md, "No ATT&CK technique in this analysis."));
  assert_non_null(strstr(md, "No risk assessment in this analysis."));
  assert_non_null(strstr(md, "No relation between the objects of the STIX bundle."));
  assert_non_null(strstr(md, "No response step for this analysis."));
  free(html);
  free(md);
  fx_free(&f);
}

static void test_generated_inputs(void **state)
{
  fx f;
  char *html = NULL, *md = NULL;
  size_t len = 0, mlen = 0;
  (void)state;
  /* No response and no bundle given: both are generated. */
  fx_init(&f, false);
  f.ro.response = NULL;
  f.ro.stix = NULL;
  assert_int_equal(ctix_render_html(&html, &len, f.a, NULL, NULL), 0);
  assert_non_null(strstr(html, "\"type\":\"bundle\""));
  assert_int_equal(ctix_render_markdown(&md, &mlen, f.a, NULL, NULL), 0);
  assert_non_null(strstr(md, "## Observables"));
  free(html);
  free(md);
  fx_free(&f);
}

static void test_bad_bundle_and_limit(void **state)
{
  fx f;
  char *out = NULL;
  size_t len = 0;
  ctix_error err;
  (void)state;
  fx_init(&f, true);
  ctix_error_clear(&err);
  f.ro.stix = "{\"type\": \"bundle\", ";
  f.ro.stix_len = strlen(f.ro.stix);
  assert_int_equal(ctix_render_html(&out, &len, f.a, &f.ro, &err), CTIX_EINVAL);
  assert_null(out);
  assert_non_null(strstr(err.message, "not JSON"));
  f.ro.stix = bundle;
  f.ro.stix_len = sizeof(bundle) - 1;
  f.ro.max_output = 4096;
  ctix_error_clear(&err);
  assert_int_equal(ctix_render_html(&out, &len, f.a, &f.ro, &err), CTIX_ETOOBIG);
  assert_null(out);
  assert_int_equal(ctix_render_markdown(&out, &len, NULL, NULL, NULL), CTIX_EINVAL);
  fx_free(&f);
}

static void test_markdown_escaping(void **state)
{
  fx f;
  char *md = NULL;
  size_t len = 0;
  const char *g, *end, *p;
  (void)state;
  fx_init(&f, true);
  assert_int_equal(ctix_render_markdown(&md, &len, f.a, &f.ro, NULL), 0);
  assert_int_equal(strlen(md), len);
  /* Prose: punctuation escaped, so no tag, comment or link can open. */
  assert_non_null(strstr(md, "# Hostile \\<\\/title\\>\\<script\\>alert\\(1\\)\\<\\/script\\> title"));
  assert_non_null(strstr(md, "\\<\\/script\\>\\<script\\>window\\.x\\=1\\<\\/script\\>\\<\\!\\-\\- "));
  assert_null(strstr(md, "<!--"));
  assert_non_null(strstr(md, "- [ ] \\<\\/script\\>"));
  /* A rule whose YAML holds ``` gets a longer fence. */
  assert_non_null(strstr(md, "````yaml\ntitle: x\n"));
  /* Mermaid: labels cannot close themselves or carry markup. */
  g = strstr(md, "```mermaid\nflowchart LR\n");
  assert_non_null(g);
  end = strstr(g + 10, "```\n");
  assert_non_null(end);
  for (p = strstr(g, "n0[\""); p && p < end; p++)
    assert_true(*p != '<' || strncmp(p, "<br/>", 5) == 0);
  assert_non_null(strstr(g, "x#34;#93; --#62; evil#91;#34;y #60;/script#62;#60;#33;-- "));
  assert_non_null(strstr(g, "#96;md#96; #35;35#59; #60;b#62;bold#60;/b#62;"));
  assert_non_null(strstr(g, "n0 -->|uses| n1"));
  free(md);
  fx_free(&f);
}

/* The base64 SHA-256 of text[0..n), as the policy names it. */
static void b64_sha256(char out[BASE64_ENCODE_RAW_LENGTH(SHA256_DIGEST_SIZE) + 1], const char *text,
                       size_t n)
{
  struct sha256_ctx c;
  uint8_t d[SHA256_DIGEST_SIZE];
  sha256_init(&c);
  sha256_update(&c, n, (const uint8_t *)text);
  sha256_digest(&c, sizeof(d), d);
  base64_encode_raw((void *)out, sizeof(d), d);
  out[BASE64_ENCODE_RAW_LENGTH(SHA256_DIGEST_SIZE)] = '\0';
}

/* The hashes written at build time (report_sha256.h) are those of the
 * script and styles embedded: a page's policy would refuse them otherwise. */
static void test_csp_hashes_are_the_assets(void **state)
{
  char want[BASE64_ENCODE_RAW_LENGTH(SHA256_DIGEST_SIZE) + 1];
  size_t n = 0;
  const char *t;
  (void)state;
  t = ctix__render_script(&n);
  assert_true(n > 1000);
  b64_sha256(want, t, n);
  assert_string_equal(ctix__render_script_sha256(), want);
  t = ctix__render_style(&n);
  assert_true(n > 100);
  b64_sha256(want, t, n);
  assert_string_equal(ctix__render_style_sha256(), want);
}

static void expect_same(const char *a, size_t la, const char *b, size_t lb)
{
  size_t i;
  for (i = 0; i < la && i < lb && a[i] == b[i]; i++)
    ;
  if (la != lb || i < la)
    fail_msg("outputs differ at byte %zu (%zu and %zu bytes)", i, la, lb);
}

/*
 * A real advisory through every stage: report.md is the same whether the
 * renderer makes the bundle itself, is given the bundle object all writers
 * of the analysis share (as `ctix analyze -o` does), or reads the
 * bundle's JSON text; report.html the same with its own or the shared one.
 */
static void test_shared_bundle(void **state)
{
  ctix_document *doc = NULL;
  ctix_analysis *a = NULL;
  ctix_stix_bundle *b = NULL;
  ctix_render_options ro;
  char *text, *stix = NULL, *md[3] = {NULL, NULL, NULL}, *html[2] = {NULL, NULL};
  size_t tlen = 0, slen = 0, mlen[3] = {0, 0, 0}, hlen[2] = {0, 0}, i;
  (void)state;
  text = test_read_file(CTIX_TEST_DATA "/render/advisory.md", &tlen);
  assert_int_equal(ctix_document_parse(&doc, text, tlen, NULL, NULL), 0);
  assert_int_equal(ctix_analyze(&a, doc, "advisory", NULL, NULL), 0);
  assert_int_equal(ctix_export_stix_bundle(&b, a, NULL, NULL), 0);
  assert_int_equal(ctix_export_stix(&stix, &slen, a, NULL, NULL), 0);

  assert_int_equal(ctix_render_markdown(&md[0], &mlen[0], a, NULL, NULL), 0);
  ctix_render_options_init(&ro);
  ro.bundle = b;
  assert_int_equal(ctix_render_markdown(&md[1], &mlen[1], a, &ro, NULL), 0);
  assert_int_equal(ctix_render_html(&html[1], &hlen[1], a, &ro, NULL), 0);
  ctix_render_options_init(&ro);
  ro.stix = stix;
  ro.stix_len = slen;
  assert_int_equal(ctix_render_markdown(&md[2], &mlen[2], a, &ro, NULL), 0);
  assert_int_equal(ctix_render_html(&html[0], &hlen[0], a, NULL, NULL), 0);

  assert_non_null(strstr(md[0], "```mermaid\nflowchart LR\n"));
  assert_non_null(strstr(md[0], " -->|uses| n"));
  for (i = 1; i < 3; i++)
    expect_same(md[0], mlen[0], md[i], mlen[i]);
  expect_same(html[0], hlen[0], html[1], hlen[1]);
  for (i = 0; i < 3; i++)
    free(md[i]);
  free(html[0]);
  free(html[1]);
  free(stix);
  ctix_stix_bundle_free(b);
  ctix_analysis_free(a);
  free(text);
}

/*
 * The graph of report.md reads the bundle's objects as a JSON reader gets
 * them back: a name with invalid UTF-8 (and a right-to-left override)
 * gives the same labels from the records of a bundle made here as from
 * the bundle's text.
 */
static void test_graph_names_as_json(void **state)
{
  fx f;
  char *stix = NULL, *own = NULL, *read = NULL;
  size_t slen = 0, l1 = 0, l2 = 0;
  (void)state;
  fx_init(&f, true);
  f.ent.name = "Bad\xff\xfe Panda \xe2\x80\xae" "exe.txt \xc3";
  f.ro.stix = NULL;
  f.ro.stix_len = 0;
  assert_int_equal(ctix_export_stix(&stix, &slen, f.a, NULL, NULL), 0);
  assert_int_equal(ctix_render_markdown(&own, &l1, f.a, &f.ro, NULL), 0);
  f.ro.stix = stix;
  f.ro.stix_len = slen;
  assert_int_equal(ctix_render_markdown(&read, &l2, f.a, &f.ro, NULL), 0);
  assert_non_null(strstr(own, "Bad\xef\xbf\xbd\xef\xbf\xbd Panda"));
  assert_non_null(strstr(own, "-->|uses|"));
  expect_same(own, l1, read, l2);
  free(own);
  free(read);
  free(stix);
  fx_free(&f);
}

/*
 * report.md defangs prose only when it holds '.', ':' or '@' (md.c,
 * may_defang): ctix_defang must give every other text back as it is,
 * obfuscated or odd as it may be.
 */
static void test_defang_needs_dot_colon_or_at(void **state)
{
  static const char *const texts[] = {
      "evil[dot]com and user[at]example[dot]org",
      "hxxps evil dot com slash payload",
      "example\xe3\x80\x82" "com and www\xef\xbc\x8e" "example\xef\xbc\x8e" "org",
      "T1059 T1071 and CVE-2024-3400 in 2024",
      "10[dot]0[dot]0[dot]1 and 2001 db8 1 spelled out",
      "Command and Scripting Interpreter (PowerShell) via mshta",
      "\xd8\x9c\xe2\x80\xae" "fdp",
      "",
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
    char *out = NULL;
    size_t n = strlen(texts[i]), len = 0;
    assert_null(strpbrk(texts[i], ".:@"));
    assert_int_equal(ctix_defang(&out, &len, texts[i], n, NULL), 0);
    assert_int_equal(len, n);
    assert_memory_equal(out, texts[i], n);
    free(out);
  }
}

/* No raw bidirectional control (U+061C, U+200E/F, U+202A-E, U+2066-9)
 * anywhere in `s`. */
static void expect_no_raw_bidi(const char *s)
{
  const unsigned char *u = (const unsigned char *)s;
  size_t i;
  for (i = 0; u[i]; i++) {
    unsigned char c2 = u[i] ? u[i + 1] : 0, c3 = c2 ? u[i + 2] : 0;
    bool bidi = (u[i] == 0xD8 && c2 == 0x9C) ||
                (u[i] == 0xE2 && c2 == 0x80 &&
                 (c3 == 0x8E || c3 == 0x8F || (c3 >= 0xAA && c3 <= 0xAE))) ||
                (u[i] == 0xE2 && c2 == 0x81 && c3 >= 0xA6 && c3 <= 0xA9);
    if (bidi)
      fail_msg("raw bidirectional control at byte %zu: ...%.40s", i, s + (i > 40 ? i - 40 : 0));
  }
}

/*
 * Every text report.md writes shows bidirectional controls as <U+XXXX>,
 * not only the prose: the Mermaid labels (names and relationship types of
 * the bundle, their brackets in Mermaid's entity form) and the YAML of the
 * Sigma rules, whose titles carry the names an article wrote.
 */
static void test_markdown_bidi_everywhere(void **state)
{
  static const char rlo_bundle[] =
      "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":["
      "{\"type\":\"intrusion-set\",\"id\":\"intrusion-set--1\",\"name\":\"Crew\u202egpj.exe\"},"
      "{\"type\":\"malware\",\"id\":\"malware--1\",\"name\":\"Tool\u2066x\u2069\u061c\"},"
      "{\"type\":\"relationship\",\"id\":\"relationship--1\",\"relationship_type\":"
      "\"us\u200fes\",\"source_ref\":\"intrusion-set--1\",\"target_ref\":\"malware--1\"}]}";
  fx f;
  char *md = NULL;
  size_t len = 0;
  const char *y;
  (void)state;
  fx_init(&f, true);
  f.ro.stix = rlo_bundle;
  f.ro.stix_len = sizeof(rlo_bundle) - 1;
  f.rule.title = "Invoice\xe2\x80\xaetxt.exe seen";
  f.rule.yaml = "title: Invoice\xe2\x80\xaetxt.exe seen\ndetection:\n  sel:\n"
                "    Image|endswith: '\xd8\x9cx\xe2\x81\xa7.exe'\n";
  assert_int_equal(ctix_render_markdown(&md, &len, f.a, &f.ro, NULL), 0);
  expect_no_raw_bidi(md);
  assert_non_null(strstr(md, "Crew#60;U+202E#62;gpj.exe"));
  assert_non_null(strstr(md, "Tool#60;U+2066#62;x#60;U+2069#62;#60;U+061C#62;"));
  assert_non_null(strstr(md, "-->|us#60;U+200F#62;es|"));
  y = strstr(md, "```yaml\n");
  assert_non_null(y);
  assert_non_null(strstr(y, "title: Invoice<U+202E>txt.exe seen\ndetection:\n"));
  assert_non_null(strstr(y, "Image|endswith: '<U+061C>x<U+2067>.exe'\n```\n"));
  assert_non_null(strstr(md, "### Invoice\\<U+202E\\>txt\\.exe seen"));
  free(md);
  fx_free(&f);
}

/*
 * A bundle made with only some forms (as ctix analyze makes it for the
 * formats chosen) renders what it holds and refuses what it lacks,
 * rather than drawing an empty graph: report.md reads the records,
 * report.html the compact text.
 */
static void test_bundle_missing_form(void **state)
{
  fx f;
  ctix_stix_bundle *pretty = NULL, *objs = NULL, *all = NULL;
  char *out = NULL, *want = NULL;
  size_t len = 0, wlen = 0;
  ctix_error err;
  (void)state;
  fx_init(&f, true);
  f.ro.stix = NULL;
  f.ro.stix_len = 0;
  assert_int_equal(ctix__export_stix_build(&pretty, f.a, NULL, CTIX__STIX_PRETTY, NULL), 0);
  assert_int_equal(ctix__export_stix_build(&objs, f.a, NULL, CTIX__STIX_OBJECTS, NULL), 0);
  assert_int_equal(ctix_export_stix_bundle(&all, f.a, NULL, NULL), 0);
  f.ro.bundle = pretty;
  ctix_error_clear(&err);
  assert_int_equal(ctix_render_markdown(&out, &len, f.a, &f.ro, &err), CTIX_EINVAL);
  assert_null(out);
  assert_non_null(strstr(err.message, "lacks"));
  assert_int_equal(ctix_render_html(&out, &len, f.a, &f.ro, NULL), CTIX_EINVAL);
  assert_null(out);
  /* the records alone: report.md as from the whole bundle */
  f.ro.bundle = objs;
  assert_int_equal(ctix_render_markdown(&out, &len, f.a, &f.ro, NULL), 0);
  f.ro.bundle = all;
  assert_int_equal(ctix_render_markdown(&want, &wlen, f.a, &f.ro, NULL), 0);
  expect_same(want, wlen, out, len);
  free(out);
  free(want);
  ctix_stix_bundle_free(pretty);
  ctix_stix_bundle_free(objs);
  ctix_stix_bundle_free(all);
  fx_free(&f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_html_hostile),
      cmocka_unit_test(test_html_empty_parts),
      cmocka_unit_test(test_generated_inputs),
      cmocka_unit_test(test_bad_bundle_and_limit),
      cmocka_unit_test(test_markdown_escaping),
      cmocka_unit_test(test_csp_hashes_are_the_assets),
      cmocka_unit_test(test_shared_bundle),
      cmocka_unit_test(test_graph_names_as_json),
      cmocka_unit_test(test_defang_needs_dot_colon_or_at),
      cmocka_unit_test(test_markdown_bidi_everywhere),
      cmocka_unit_test(test_bundle_missing_form),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
