/*
 * Unit tests of the response content (src/lib/respond: respond.c,
 * countermeasures.c, steps.c, markdown.c): the step-template tables and
 * their errors, the filler (every placeholder, empty, long and hostile
 * lists), triggers, phase order and de-duplication, the countermeasure
 * ranking and its sub-technique rule, KEV due dates, and response.md
 * with its escaping. Analyses are built by hand: a parsed document with
 * its extracted observables, and technique, entity and assessment
 * structures filled here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/analysis.h"
#include "ctix/respond.h"
#include "respond/response_internal.h"

static const ctix_kb *kb(void)
{
  const ctix_kb *k = NULL;
  assert_int_equal(ctix_kb_default(&k, NULL), 0);
  return k;
}

/* ------------------------------------------------------- hand-built input */

static const char *const tac_exec[] = {"execution"};
static const char *const tac_cred[] = {"credential-access"};
static const char *const tac_impact[] = {"impact"};
static const char *const tac_persist[] = {"persistence", "privilege-escalation"};

typedef struct fixture {
  ctix_document *doc;
  ctix_ioc_list *iocs;
  ctix_ttp_list ttp;
  ctix_ttp_hit hits[8];
  ctix_entity_list ents;
  ctix_entity ent[4];
  ctix_assessment assess;
  ctix_analysis a;
} fixture;

static const char sample[] =
    "The actors used update-checker.xyz and 45.77.12.34 for command and control, and fetched "
    "hxxp://cdn-files[.]top/a/payload.bin over HTTP.\n"
    "The loader (SHA-256 3f2a6e1c9b8d7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a21) "
    "dropped svchost32.exe and set "
    "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\updater for persistence.\n"
    "They exploited CVE-2024-3400 and CVE-2023-99999. Internal host 10.0.0.5 and example.com "
    "were also seen.\n";

static void hit(ctix_ttp_hit *h, const char *id, const char *name, const char *const *tac,
                size_t ntac, ctix_ttp_status st)
{
  memset(h, 0, sizeof(*h));
  h->id = id;
  h->name = name;
  h->tactics = tac;
  h->ntactics = ntac;
  h->status = st;
  h->confidence = 0.9f;
}

/* A document of `text` with its observables, no techniques or entities. */
static void fixture_init(fixture *f, const char *text)
{
  ctix_doc_options o;
  memset(f, 0, sizeof(*f));
  ctix_doc_options_init(&o);
  o.format = CTIX_FORMAT_TEXT;
  assert_int_equal(ctix_document_parse(&f->doc, text, strlen(text), &o, NULL), 0);
  assert_int_equal(ctix_ioc_extract_document(&f->iocs, f->doc, NULL, NULL), 0);
  f->a.id = "test";
  f->a.doc = f->doc;
  f->a.iocs = f->iocs;
}

/* The sample with four techniques (one implied, which must not count). */
static void fixture_sample(fixture *f)
{
  fixture_init(f, sample);
  hit(&f->hits[0], "T1059.001", "PowerShell", tac_exec, 1, CTIX_TTP_OBSERVED);
  hit(&f->hits[1], "T1003.001", "LSASS Memory", tac_cred, 1, CTIX_TTP_OBSERVED);
  hit(&f->hits[2], "T1486", "Data Encrypted for Impact", tac_impact, 1, CTIX_TTP_POTENTIAL);
  hit(&f->hits[3], "T1547.001", "Registry Run Keys / Startup Folder", tac_persist, 2,
      CTIX_TTP_IMPLIED);
  f->ttp.items = f->hits;
  f->ttp.count = 4;
  f->a.techniques = &f->ttp;
}

static void fixture_free(fixture *f)
{
  ctix_ioc_list_free(f->iocs);
  ctix_document_free(f->doc);
}

static ctix_response *respond(const fixture *f)
{
  ctix_response *r = NULL;
  ctix_error err;
  ctix_error_clear(&err);
  assert_int_equal(ctix_respond(&r, &f->a, NULL, &err), 0);
  assert_non_null(r);
  return r;
}

static const ctix_response_step *step(const ctix_response *r, const char *key)
{
  for (size_t i = 0; i < r->nsteps; i++)
    if (strcmp(r->steps[i].key, key) == 0)
      return &r->steps[i];
  return NULL;
}

static bool because_has(const ctix_response_step *s, const char *what)
{
  for (size_t i = 0; i < s->nbecause; i++)
    if (strcmp(s->because[i], what) == 0)
      return true;
  return false;
}

/* ---------------------------------------------------------------- tables */

static void test_tables_embedded(void **state)
{
  (void)state;
  const ctix__resp_tables *t = NULL;
  assert_int_equal(ctix__respond_tables_get(&t, NULL), 0);
  assert_true(t->ntemplates >= 40);
  assert_true(t->naccounts >= 10);
  bool phase_seen[CTIX__RESPOND_NPHASES] = {false};
  for (size_t i = 0; i < t->ntemplates; i++) {
    assert_true(t->templates[i].phase >= 0 && t->templates[i].phase < CTIX__RESPOND_NPHASES);
    phase_seen[t->templates[i].phase] = true;
    assert_true(t->templates[i].nwhen >= 1);
  }
  for (size_t p = 0; p < CTIX__RESPOND_NPHASES; p++)
    assert_true(phase_seen[p]);
}

/* Parses one steps table; returns the error code and leaves the message in *err. */
static int parse_steps(const char *steps, ctix_error *err)
{
  ctix__resp_tables *t = NULL;
  ctix_error_clear(err);
  int rc = ctix__respond_tables_parse(&t, steps, strlen(steps), NULL, 0, err);
  ctix__respond_tables_free(t);
  return rc;
}

static void test_table_errors(void **state)
{
  (void)state;
  static const struct {
    const char *text, *message;
    unsigned line;
  } cases[] = {
      {"a\tcontainment\t1\tany\tok\n", NULL, 0},
      {"# c\n\na\tnowhere\t1\tany\tx\n", "unknown phase", 3},
      {"a\tcontainment\t1\tany\n", "expected KEY", 1},
      {"a\tcontainment\t1\tany\tx\textra\n", "expected KEY", 1},
      {"a\tcontainment\tx1\tany\tx\n", "order must be", 1},
      {"a\tcontainment\t12345\tany\tx\n", "order must be", 1},
      {"A b\tcontainment\t1\tany\tx\n", "key must be", 1},
      {"a\tcontainment\t1\tany\tx\na\trecovery\t2\tany\ty\n", "duplicate key", 2},
      {"a\tcontainment\t1\tsometimes\tx\n", "unknown trigger", 1},
      {"a\tcontainment\t1\tioc:bogus\tx\n", "unknown observable kind", 1},
      {"a\tcontainment\t1\ttechnique:T12\tx\n", "technique must be", 1},
      {"a\tcontainment\t1\ttactic:Credential_Access\tx\n", "tactic must be", 1},
      {"a\tcontainment\t1\tentity:victim\tx\n", "unknown entity kind", 1},
      {"a\tcontainment\t1\t \tx\n", "WHEN needs", 1},
      {"a\tcontainment\t1\tany\tBlock {nothing}\n", "unknown placeholder", 1},
      {"a\tcontainment\t1\tany\tBlock {domain\n", "unclosed", 1},
      {"a\tcontainment\t1\tany\tBlock domain}\n", "without", 1},
      {"a\tcontainment\t1\tany\tBad \xff byte\n", "UTF-8", 1},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    ctix_error err;
    int rc = parse_steps(cases[i].text, &err);
    if (!cases[i].message) {
      assert_int_equal(rc, 0);
      continue;
    }
    assert_int_equal(rc, CTIX_EPARSE);
    char line[512], where[32];
    ctix_error_format(line, sizeof(line), &err);
    snprintf(where, sizeof(where), "steps.tsv:%u:", cases[i].line);
    if (!strstr(line, cases[i].message) || strncmp(line, where, strlen(where)) != 0)
      fail_msg("case %zu: '%s' lacks '%s' or '%s'", i, line, where, cases[i].message);
  }
  /* accounts.tsv lines. */
  ctix__resp_tables *t = NULL;
  ctix_error err;
  ctix_error_clear(&err);
  const char *acc = "T1003\tdomain accounts\nT10\tbad\n";
  assert_int_equal(ctix__respond_tables_parse(&t, NULL, 0, acc, strlen(acc), &err), CTIX_EPARSE);
  assert_string_equal(err.source, "accounts.tsv");
  assert_int_equal(err.line, 2);
  assert_null(t);
}

/* ---------------------------------------------------------------- filler */

static const char *fill(const ctix__resp_facts *f, const char *text,
                        const ctix__resp_tech *const *trig, size_t ntrig)
{
  static char last[8192];
  ctix_buf b = CTIX_BUF_INIT(1 << 20);
  assert_int_equal(ctix__respond_fill(&b, text, f, trig, ntrig), 0);
  snprintf(last, sizeof(last), "%s", b.data ? b.data : "");
  ctix__buf_free(&b);
  return last;
}

static void test_fill_every_placeholder(void **state)
{
  (void)state;
  ctix__resp_facts f;
  memset(&f, 0, sizeof(f));
  static const char *const doms[] = {"a.example", "b.example"};
  static const char *const v4[] = {"192.0.2.1"}, *const v6[] = {"2001:db8::1"};
  static const char *const md5[] = {"d41d8cd98f00b204e9800998ecf8427e"};
  static const char *const sha256[] = {"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"};
  static const char *const ja3[] = {"771,4865-4866"}, *const btc[] = {"bc1qexample"};
  static const char *const malware[] = {"Gunra"}, *const tools[] = {"Rclone", "AnyDesk"};
  static const char *const groups[] = {"APT0"}, *const camps[] = {"Op X"};
  static const char *const accounts[] = {"domain accounts", "service accounts"};
  f.iocs[CTIX_IOC_DOMAIN] = doms;
  f.niocs[CTIX_IOC_DOMAIN] = 2;
  f.iocs[CTIX_IOC_IPV4] = v4;
  f.niocs[CTIX_IOC_IPV4] = 1;
  f.iocs[CTIX_IOC_IPV6] = v6;
  f.niocs[CTIX_IOC_IPV6] = 1;
  f.iocs[CTIX_IOC_MD5] = md5;
  f.niocs[CTIX_IOC_MD5] = 1;
  f.iocs[CTIX_IOC_SHA256] = sha256;
  f.niocs[CTIX_IOC_SHA256] = 1;
  f.iocs[CTIX_IOC_JA3] = ja3;
  f.niocs[CTIX_IOC_JA3] = 1;
  f.iocs[CTIX_IOC_BTC] = btc;
  f.niocs[CTIX_IOC_BTC] = 1;
  f.entities[CTIX_ENTITY_MALWARE] = malware;
  f.nentities[CTIX_ENTITY_MALWARE] = 1;
  f.entities[CTIX_ENTITY_TOOL] = tools;
  f.nentities[CTIX_ENTITY_TOOL] = 2;
  f.entities[CTIX_ENTITY_GROUP] = groups;
  f.nentities[CTIX_ENTITY_GROUP] = 1;
  f.entities[CTIX_ENTITY_CAMPAIGN] = camps;
  f.nentities[CTIX_ENTITY_CAMPAIGN] = 1;
  f.accounts = accounts;
  f.naccounts = 2;
  static const ctix__resp_cve cves[] = {
      {"CVE-2024-1", true, "2024-01-05", "Acme", "Acme Gateway"},
      {"CVE-2024-2", true, "2024-02-01", "Ivanti", "Connect Secure"},
      {"CVE-2024-3", false, "", "", ""}};
  f.cves = cves;
  f.ncves = 3;
  static const ctix_countermeasure cms[] = {{"D3-PSA", "Process Spawn Analysis", "Detect", NULL, 3},
                                            {"M1040", "Behavior Prevention", "Mitigation", NULL, 2}};
  f.countermeasures = cms;
  f.ncountermeasures = 2;
  static const ctix__resp_tech techs[] = {{"T1486", "Data Encrypted for Impact", tac_impact, 1},
                                          {"T1003", "", tac_cred, 1}};
  const ctix__resp_tech *trig[] = {&techs[0], &techs[1]};

  assert_string_equal(fill(&f, "{domain}", NULL, 0), "a.example and b.example");
  assert_string_equal(fill(&f, "{ipv4}", NULL, 0), "192.0.2.1");
  assert_string_equal(fill(&f, "{ip}", NULL, 0), "192.0.2.1 and 2001:db8::1");
  assert_string_equal(fill(&f, "{hash}", NULL, 0),
                      "d41d8cd98f00b204e9800998ecf8427e and "
                      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  assert_string_equal(fill(&f, "{tls}", NULL, 0), "771,4865-4866");
  assert_string_equal(fill(&f, "{wallet}", NULL, 0), "bc1qexample");
  assert_string_equal(fill(&f, "{url}", NULL, 0), "(none)");
  assert_string_equal(fill(&f, "{malware}/{tools}/{groups}/{campaigns}", NULL, 0),
                      "Gunra/Rclone and AnyDesk/APT0/Op X");
  assert_string_equal(fill(&f, "{accounts}", NULL, 0), "domain accounts and service accounts");
  assert_string_equal(fill(&f, "{kev}", NULL, 0),
                      "CVE-2024-1 (due 2024-01-05) and CVE-2024-2 (due 2024-02-01)");
  assert_string_equal(fill(&f, "{cve}", NULL, 0), "CVE-2024-1, CVE-2024-2 and CVE-2024-3");
  assert_string_equal(fill(&f, "{cve_other}", NULL, 0), "CVE-2024-3");
  /* The vendor is not repeated when the product starts with it. */
  assert_string_equal(fill(&f, "{products}", NULL, 0), "Acme Gateway and Ivanti Connect Secure");
  assert_string_equal(fill(&f, "{countermeasures}", NULL, 0),
                      "Process Spawn Analysis (D3-PSA) and Behavior Prevention (M1040)");
  assert_string_equal(fill(&f, "{techniques}", trig, 2), "Data Encrypted for Impact (T1486) and T1003");
  assert_string_equal(fill(&f, "{techniques}", NULL, 0), "(none)");
  assert_string_equal(fill(&f, "{ioc_summary}", NULL, 0),
                      "1 IPv4 address, 1 IPv6 address, 2 domains, 1 MD5 hash, 1 SHA-256 hash, "
                      "1 bitcoin address and 1 ja3");
  assert_string_equal(fill(&f, "Block {domain} now; {ipv4}.", NULL, 0),
                      "Block a.example and b.example now; 192.0.2.1.");
  /* Unbalanced text (not possible from a parsed table) is copied as is. */
  assert_string_equal(fill(&f, "a { b", NULL, 0), "a { b");
}

static void test_fill_empty(void **state)
{
  (void)state;
  ctix__resp_facts f;
  memset(&f, 0, sizeof(f));
  assert_string_equal(fill(&f, "{domain}|{kev}|{malware}|{ioc_summary}", NULL, 0),
                      "(none)|(none)|(none)|(none)");
  assert_string_equal(fill(&f, "{accounts}", NULL, 0), "the accounts used on affected hosts");
  assert_string_equal(fill(&f, "{countermeasures}", NULL, 0), "(none in the knowledge base)");
  assert_string_equal(fill(&f, "{products}", NULL, 0), "(none)");
  assert_string_equal(fill(&f, "", NULL, 0), "");
}

static void test_fill_long_lists(void **state)
{
  (void)state;
  ctix__resp_facts f;
  char names[30][32];
  const char *vals[30];
  for (int i = 0; i < 30; i++) {
    snprintf(names[i], sizeof(names[i]), "host%02d.example", i);
    vals[i] = names[i];
  }
  memset(&f, 0, sizeof(f));
  f.iocs[CTIX_IOC_DOMAIN] = vals;
  for (size_t n = 9; n <= 12; n++) {
    f.niocs[CTIX_IOC_DOMAIN] = n;
    const char *s = fill(&f, "{domain}", NULL, 0);
    assert_non_null(strstr(s, "host00.example, host01.example"));
    assert_non_null(strstr(s, "host08.example"));
    if (n <= CTIX__RESPOND_LIST_MAX) {
      assert_null(strstr(s, "more"));
      char last[64];
      snprintf(last, sizeof(last), " and host%02zu.example", n - 1);
      assert_non_null(strstr(s, last));
    } else {
      char tail[64];
      snprintf(tail, sizeof(tail), "host09.example and %zu more (see iocs.csv)",
               n - CTIX__RESPOND_LIST_MAX);
      assert_non_null(strstr(s, tail));
      assert_null(strstr(s, "host10.example"));
    }
  }
  /* A group list is cut across its types too. */
  f.niocs[CTIX_IOC_DOMAIN] = 0;
  f.iocs[CTIX_IOC_IPV4] = vals;
  f.niocs[CTIX_IOC_IPV4] = 8;
  f.iocs[CTIX_IOC_IPV6] = vals + 8;
  f.niocs[CTIX_IOC_IPV6] = 8;
  const char *s = fill(&f, "{ip}", NULL, 0);
  assert_non_null(strstr(s, "host09.example and 6 more (see iocs.csv)"));
}

static void test_fill_hostile(void **state)
{
  (void)state;
  ctix__resp_facts f;
  char longv[600];
  memset(longv, 'a', sizeof(longv));
  memcpy(longv + 199, "\xc3\xa9", 2); /* a 2-byte character across the cut */
  longv[sizeof(longv) - 1] = '\0';
  const char *vals[] = {"evil\n.example", "x\ty\x7f", "{domain}", "bad\xff\xfe", "c1\xc2\x85z",
                        "ls\xe2\x80\xa8z", longv};
  memset(&f, 0, sizeof(f));
  f.iocs[CTIX_IOC_FILE_PATH] = vals;
  f.niocs[CTIX_IOC_FILE_PATH] = 7;
  const char *s = fill(&f, "{file_path}", NULL, 0);
  if (!strstr(s, "evil .example, x y , {domain}, bad??, c1 z, ls z and "))
    fail_msg("got '%s'", s);
  assert_null(strchr(s, '\n'));
  const char *cut = strstr(s, "aaa");
  assert_non_null(cut);
  /* 199 'a's, then the whole character would pass the limit: cut before it. */
  assert_int_equal(strlen(cut), 199 + 3);
  assert_string_equal(cut + 199, "...");
}

/* ------------------------------------------------------------ steps logic */

static void test_steps_order_dedupe_triggers(void **state)
{
  (void)state;
  static const char table[] =
      "z-last\tpost-incident\t1\tany\tLast.\n"
      "b-second\tcontainment\t5\tioc:domain\tBlock {domain}.\n"
      "a-first\tcontainment\t5\tioc:ip\tBlock {ip}.\n"
      "early\tpreparation\t9\tcve\tPrepare for {cve}.\n"
      "dup\trecovery\t1\ttactic:impact\tSame text.\n"
      "dup2\trecovery\t2\ttechnique:T1486\tSame text.\n"
      "sub\teradication\t1\ttechnique:T1003\tReset {accounts} ({techniques}).\n"
      "exact\teradication\t2\ttechnique:T1003.002\tNever.\n"
      "kevs\teradication\t3\tkev\tPatch {kev}.\n"
      "others\teradication\t4\tcve_other\tPatch {cve_other}.\n"
      "implied\teradication\t5\ttechnique:T1547\tNever (implied only).\n"
      "hashes\tdetection-and-analysis\t1\tioc:hash ioc:url\tHunt.\n"
      "mal\tdetection-and-analysis\t2\tentity:malware\tFind {malware}.\n"
      "nomal\tdetection-and-analysis\t3\tentity:tool\tNever.\n"
      "all\tpost-incident\t0\ttechnique:any\tReview {techniques}.\n";
  static const char accounts[] = "T1003\tdomain admins\nT1003.001\tlogged-on users\nT9999\tnever\n";
  ctix__resp_tables *t = NULL;
  assert_int_equal(ctix__respond_tables_parse(&t, table, strlen(table), accounts,
                                              strlen(accounts), NULL),
                   0);
  fixture fx;
  fixture_sample(&fx);
  ctix_entity *e = &fx.ent[0];
  e->kind = CTIX_ENTITY_MALWARE;
  e->name = "Gunra";
  fx.ents.items = fx.ent;
  fx.ents.count = 1;
  fx.a.entities = &fx.ents;

  ctix_arena arena;
  ctix__arena_init(&arena, 0);
  ctix__resp_facts facts;
  const ctix_response_step *steps;
  size_t n;
  assert_int_equal(ctix__respond_facts(&facts, &arena, &fx.a, kb(), t, NULL, 0, NULL), 0);
  assert_int_equal(ctix__respond_steps(&steps, &n, &arena, t, &facts, NULL), 0);

  static const char *const want[] = {"early", "hashes", "mal",  "a-first", "b-second",
                                     "sub",   "kevs",   "others", "dup",   "all", "z-last"};
  assert_int_equal(n, sizeof(want) / sizeof(want[0]));
  for (size_t i = 0; i < n; i++) {
    if (strcmp(steps[i].key, want[i]) != 0)
      fail_msg("step %zu: %s, expected %s", i, steps[i].key, want[i]);
  }
  assert_string_equal(steps[0].phase, "preparation");
  assert_string_equal(steps[n - 1].phase, "post-incident");
  /* Filled from the report. */
  assert_string_equal(steps[4].text, "Block update-checker.xyz and cdn-files.top.");
  assert_string_equal(steps[3].text, "Block 45.77.12.34.");
  assert_string_equal(steps[5].text, "Reset domain admins and logged-on users (LSASS Memory (T1003.001)).");
  assert_true(because_has(&steps[5], "T1003.001"));
  assert_true(because_has(&steps[1], "sha256") && because_has(&steps[1], "url"));
  assert_false(because_has(&steps[1], "domain"));
  assert_true(because_has(&steps[2], "Gunra"));
  /* KEV from the knowledge base, the other CVE not. */
  ctix_kb_kev kev;
  assert_int_equal(ctix_kb_find_cve(kb(), "CVE-2024-3400", 13, &kev), 0);
  assert_int_not_equal(ctix_kb_find_cve(kb(), "CVE-2023-99999", 14, &kev), 0);
  ctix_kb_find_cve(kb(), "CVE-2024-3400", 13, &kev);
  char want_kev[64];
  snprintf(want_kev, sizeof(want_kev), "Patch CVE-2024-3400 (due %s).", kev.due_date);
  assert_string_equal(steps[6].text, want_kev);
  assert_string_equal(steps[7].text, "Patch CVE-2023-99999.");
  assert_true(because_has(&steps[6], "CVE-2024-3400") && !because_has(&steps[6], "CVE-2023-99999"));
  /* Duplicate text: the first in order is kept. */
  assert_string_equal(steps[8].key, "dup");
  assert_true(because_has(&steps[8], "T1486"));
  /* technique:any lists the observed and potential ones, in report order. */
  assert_string_equal(steps[9].text, "Review PowerShell (T1059.001), LSASS Memory (T1003.001) and "
                                     "Data Encrypted for Impact (T1486).");

  /* With nothing in the report, nothing fires, not even `any`. */
  fixture empty;
  fixture_init(&empty, "Nothing to see here at all.");
  assert_int_equal(ctix__respond_facts(&facts, &arena, &empty.a, kb(), t, NULL, 0, NULL), 0);
  assert_int_equal(ctix__respond_steps(&steps, &n, &arena, t, &facts, NULL), 0);
  assert_int_equal(n, 0);
  fixture_free(&empty);

  ctix__arena_free(&arena);
  ctix__respond_tables_free(t);
  fixture_free(&fx);
}

/* Entity KEV facts (due date) win over the knowledge base's. */
static void test_kev_from_entity(void **state)
{
  (void)state;
  fixture fx;
  fixture_sample(&fx);
  ctix_entity *e = &fx.ent[0];
  e->kind = CTIX_ENTITY_VULNERABILITY;
  e->name = e->id = "CVE-2024-3400";
  e->kev = true;
  e->kev_due_date = "2031-12-31";
  e->vendor = "Palo Alto Networks";
  e->product = "PAN-OS";
  fx.ents.items = fx.ent;
  fx.ents.count = 1;
  fx.a.entities = &fx.ents;
  ctix_response *r = respond(&fx);
  const ctix_response_step *s = step(r, "patch-kev");
  assert_non_null(s);
  assert_non_null(strstr(s->text, "CVE-2024-3400 (due 2031-12-31)"));
  assert_null(strstr(s->text, "CVE-2023-99999"));
  s = step(r, "patch-cve");
  assert_non_null(s);
  assert_non_null(strstr(s->text, "CVE-2023-99999"));
  s = step(r, "prep-kev-inventory");
  assert_non_null(s);
  assert_non_null(strstr(s->text, "Palo Alto Networks PAN-OS"));
  ctix_response_free(r);
  fixture_free(&fx);
}

/* ------------------------------------------------------- countermeasures */

static void test_ranking(void **state)
{
  (void)state;
  fixture fx;
  fixture_sample(&fx);
  ctix_response *r = respond(&fx);
  assert_true(r->ncountermeasures > 5);
  bool d3 = false, mit = false;
  for (size_t i = 0; i < r->ncountermeasures; i++) {
    const ctix_countermeasure *c = &r->countermeasures[i];
    if (i > 0) {
      const ctix_countermeasure *p = &r->countermeasures[i - 1];
      assert_true(p->ncovers > c->ncovers ||
                  (p->ncovers == c->ncovers && strcmp(p->id, c->id) < 0));
    }
    assert_true(c->ncovers >= 1 && c->ncovers <= 3);
    for (size_t k = 0; k < c->ncovers; k++) {
      if (k > 0)
        assert_true(strcmp(c->covers[k - 1], c->covers[k]) < 0);
      /* Only observed and potential techniques; the implied one never. */
      assert_true(strcmp(c->covers[k], "T1059.001") == 0 ||
                  strcmp(c->covers[k], "T1003.001") == 0 || strcmp(c->covers[k], "T1486") == 0);
    }
    if (strncmp(c->id, "D3-", 3) == 0) {
      d3 = true;
      static const char *const tactics[] = {"Model",   "Harden", "Detect", "Isolate",
                                            "Deceive", "Evict",  "Restore"};
      bool ok = false;
      for (size_t k = 0; k < 7; k++)
        ok |= strcmp(c->tactic, tactics[k]) == 0;
      if (!ok)
        fail_msg("%s has tactic '%s'", c->id, c->tactic);
    } else {
      mit = true;
      assert_string_equal(c->tactic, "Mitigation");
      assert_true(c->id[0] == 'M');
    }
  }
  assert_true(d3 && mit);
  /* Known facts of the knowledge base: M1053 Data Backup mitigates T1486, D3-FE T1059.001. */
  bool m1053 = false, fe = false;
  for (size_t i = 0; i < r->ncountermeasures; i++) {
    const ctix_countermeasure *c = &r->countermeasures[i];
    if (strcmp(c->id, "M1053") == 0)
      m1053 = c->ncovers >= 1 && strcmp(c->covers[c->ncovers - 1], "T1486") == 0;
    if (strcmp(c->id, "D3-FE") == 0)
      fe = strcmp(c->tactic, "Harden") == 0;
  }
  assert_true(m1053 && fe);
  ctix_response_free(r);
  fixture_free(&fx);
}

/*
 * A sub-technique without its own D3FEND edges is covered through its
 * parent's. Found in the knowledge base at run time; skipped if the
 * knowledge base has no such sub-technique.
 */
static void test_subtechnique_parent_rule(void **state)
{
  (void)state;
  const ctix_kb *k = kb();
  ctix_kb_ref first, found = CTIX_KB_NONE;
  size_t n = ctix_kb_range(k, CTIX_KB_TECHNIQUE, &first), e0;
  for (size_t i = 0; i < n && found == CTIX_KB_NONE; i++) {
    ctix_kb_obj o;
    ctix_kb_get(k, first + (ctix_kb_ref)i, &o);
    if (!(o.flags & CTIX_KB_SUBTECHNIQUE) || (o.flags & (CTIX_KB_REVOKED | CTIX_KB_DEPRECATED)))
      continue;
    if (ctix_kb_edges(k, o.ref, CTIX_KB_REL_COUNTERED_BY, CTIX_KB_D3FEND_TECHNIQUE, &e0) == 0 &&
        ctix_kb_edges(k, o.parent, CTIX_KB_REL_COUNTERED_BY, CTIX_KB_D3FEND_TECHNIQUE, &e0) > 0)
      found = o.ref;
  }
  if (found == CTIX_KB_NONE) {
    print_message("no sub-technique without D3FEND edges under a countered parent: skipped\n");
    skip();
  }
  ctix_kb_obj o;
  ctix_kb_get(k, found, &o);
  fixture fx;
  fixture_init(&fx, "Nothing here.");
  hit(&fx.hits[0], o.id, o.name, NULL, 0, CTIX_TTP_OBSERVED);
  fx.ttp.items = fx.hits;
  fx.ttp.count = 1;
  fx.a.techniques = &fx.ttp;
  ctix_response *r = respond(&fx);
  /* Distinct D3FEND techniques of the parent (edges repeat a target for each artifact). */
  size_t ne = ctix_kb_edges(k, o.parent, CTIX_KB_REL_COUNTERED_BY, CTIX_KB_D3FEND_TECHNIQUE, &e0);
  size_t parent_d3 = 0;
  for (size_t i = 0; i < ne; i++)
    parent_d3 += i == 0 || ctix_kb_edge_target(k, e0 + i) != ctix_kb_edge_target(k, e0 + i - 1);
  size_t got = 0;
  for (size_t i = 0; i < r->ncountermeasures; i++)
    if (strncmp(r->countermeasures[i].id, "D3-", 3) == 0) {
      got++;
      assert_int_equal(r->countermeasures[i].ncovers, 1);
      assert_string_equal(r->countermeasures[i].covers[0], o.id);
    }
  assert_int_equal(got, parent_d3);
  ctix_response_free(r);
  fixture_free(&fx);
}

/* ------------------------------------------------------------- end to end */

static void test_respond_sample(void **state)
{
  (void)state;
  fixture fx;
  fixture_sample(&fx);
  ctix_response *r = respond(&fx);
  assert_true(r->nsteps >= 10);
  /* Phase order, no repeated key or text. */
  int last = -1;
  for (size_t i = 0; i < r->nsteps; i++) {
    int ph = -1;
    for (int p = 0; p < CTIX__RESPOND_NPHASES; p++)
      if (strcmp(r->steps[i].phase, ctix__respond_phases[p]) == 0)
        ph = p;
    assert_true(ph >= last);
    last = ph;
    for (size_t k = 0; k < i; k++) {
      assert_string_not_equal(r->steps[k].key, r->steps[i].key);
      assert_string_not_equal(r->steps[k].text, r->steps[i].text);
    }
    /* Only `ioc` observables: the private address and the documentation domain never. */
    assert_null(strstr(r->steps[i].text, "10.0.0.5"));
    assert_null(strstr(r->steps[i].text, "example.com"));
  }
  const ctix_response_step *s = step(r, "block-domain");
  assert_non_null(s);
  assert_non_null(strstr(s->text, "update-checker.xyz and cdn-files.top"));
  assert_non_null(strstr(step(r, "hunt-hash")->text, "3f2a6e1c9b8d7a6f"));
  assert_non_null(strstr(step(r, "remove-registry")->text, "CurrentVersion\\Run\\updater"));
  assert_non_null(strstr(step(r, "hunt-file-name")->text, "svchost32.exe"));
  assert_non_null(strstr(step(r, "reset-credentials")->text, "accounts that logged on to affected hosts"));
  assert_non_null(step(r, "restore-backups")); /* T1486, potential */
  assert_null(step(r, "remove-run-keys"));    /* T1547.001 only implied */
  assert_non_null(strstr(step(r, "review-detections")->text, "(D3-"));

  char *md = NULL, *md2 = NULL;
  size_t len = 0, len2 = 0;
  assert_int_equal(ctix_response_markdown(&md, &len, &fx.a, r, NULL), 0);
  assert_int_equal(strlen(md), len);
  assert_non_null(strstr(md, "# Response: "));
  assert_non_null(strstr(md, "- [ ] Block these domains"));
  assert_non_null(strstr(md, "| ID | Name | Tactic | Covers |"));
  assert_non_null(strstr(md, "### By technique"));
  assert_non_null(strstr(md, "- **T1486** Data Encrypted for Impact (potential): "));
  /* The implied technique is in no step and no countermeasure (Sigma rules may tag it). */
  const char *rules = strstr(md, "## Sigma rules");
  assert_non_null(rules);
  const char *implied = strstr(md, "T1547.001");
  assert_true(implied == NULL || implied > rules);
  const char *prep = strstr(md, "### Preparation"), *det = strstr(md, "### Detection and analysis");
  const char *cont = strstr(md, "### Containment"), *erad = strstr(md, "### Eradication");
  const char *rec = strstr(md, "### Recovery"), *post = strstr(md, "### Post-incident");
  assert_true(prep && det && cont && erad && rec && post);
  assert_true(prep < det && det < cont && cont < erad && erad < rec && rec < post);
  /* Deterministic. */
  ctix_response *r2 = respond(&fx);
  assert_int_equal(ctix_response_markdown(&md2, &len2, &fx.a, r2, NULL), 0);
  assert_int_equal(len, len2);
  assert_memory_equal(md, md2, len);
  free(md);
  free(md2);
  ctix_response_free(r2);
  ctix_response_free(r);
  fixture_free(&fx);
}

static void test_markdown_escape(void **state)
{
  (void)state;
  ctix_buf b = CTIX_BUF_INIT(1 << 16);
  const char hostile[] = "a|b*c_d[e](f)<g>`h`\\i~j&k#l\nm\r\x01n\xffo\xe2\x80\xa8p";
  assert_int_equal(ctix__md_escape(&b, hostile, sizeof(hostile) - 1), 0);
  assert_string_equal(b.data, "a\\|b\\*c\\_d\\[e\\](f)\\<g\\>\\`h\\`\\\\i\\~j\\&k\\#l m  n?o p");
  ctix__buf_free(&b);

  /* A hostile title, techniques and a hostile observable in response.md. */
  fixture fx;
  fixture_init(&fx, "Files: C:\\Users\\Public\\a|b_*[x](y).exe was dropped.");
  fx.doc->meta.title = "Evil | title\n# injected <script>";
  hit(&fx.hits[0], "T1486", "Name | with *stars*", tac_impact, 1, CTIX_TTP_OBSERVED);
  fx.ttp.items = fx.hits;
  fx.ttp.count = 1;
  fx.a.techniques = &fx.ttp;
  ctix_assessment as;
  memset(&as, 0, sizeof(as));
  as.risk_score = 72;
  as.risk_level = "high";
  fx.a.assessment = &as;
  ctix_response *r = respond(&fx);
  char *md = NULL;
  assert_int_equal(ctix_response_markdown(&md, NULL, &fx.a, r, NULL), 0);
  assert_non_null(strstr(md, "# Response: Evil \\| title \\# injected \\<script\\>\n"));
  assert_non_null(strstr(md, "Risk: **high** (72/100)"));
  assert_non_null(strstr(md, "Name \\| with \\*stars\\*"));
  assert_null(strstr(md, "<script>"));
  /* Table rows keep exactly 5 unescaped bars. */
  for (const char *line = strstr(md, "| ID |"); line && *line == '|';) {
    const char *end = strchr(line, '\n');
    int bars = 0;
    for (const char *c = line; c < end; c++)
      bars += *c == '|' && (c == line || c[-1] != '\\');
    assert_int_equal(bars, 5);
    line = end + 1;
  }
  free(md);
  ctix_response_free(r);
  fixture_free(&fx);
}

/* The Sigma section: file names as code spans when they can be, titles escaped. */
static void test_markdown_rules(void **state)
{
  (void)state;
  static const char *const techs[] = {"T1105", "T1567"};
  ctix_response_rule rules[2];
  memset(rules, 0, sizeof(rules));
  rules[0].file_name = "ioc_proxy.yml";
  rules[0].title = "Indicators from 'a | b': web *requests*";
  rules[0].origin = "ioc";
  rules[0].level = "high";
  rules[0].techniques = techs;
  rules[0].ntechniques = 2;
  rules[1].file_name = "odd`name|x\n.yml";
  rules[1].title = "line\nbreak <b>";
  rules[1].origin = "existing";
  ctix_response r;
  memset(&r, 0, sizeof(r));
  r.rules = rules;
  r.nrules = 2;
  char *md = NULL;
  assert_int_equal(ctix_response_markdown(&md, NULL, NULL, &r, NULL), 0);
  assert_non_null(strstr(md, "2 rules in `sigma/`:\n\n"));
  assert_non_null(strstr(md, "- `ioc_proxy.yml`: Indicators from 'a \\| b': web \\*requests\\* "
                             "(ioc, level high, T1105 T1567)\n"));
  assert_non_null(strstr(md, "- odd\\`name\\|x .yml: line break \\<b\\> (existing)\n"));
  free(md);
}

static void test_no_analysis_parts(void **state)
{
  (void)state;
  ctix_analysis a;
  memset(&a, 0, sizeof(a));
  ctix_response *r = NULL;
  assert_int_equal(ctix_respond(&r, &a, NULL, NULL), 0);
  assert_int_equal(r->nsteps, 0);
  assert_int_equal(r->ncountermeasures, 0);
  char *md = NULL;
  assert_int_equal(ctix_response_markdown(&md, NULL, &a, r, NULL), 0);
  assert_non_null(strstr(md, "# Response: untitled report"));
  assert_non_null(strstr(md, "No step applies"));
  free(md);
  ctix_response_free(r);
  ctix_response_free(NULL);
  ctix_error err;
  ctix_error_clear(&err);
  assert_int_equal(ctix_respond(&r, NULL, NULL, &err), CTIX_EINVAL);
  ctix_response_options o;
  ctix_response_options_init(&o);
  assert_string_equal(o.author, "ctix");
  assert_string_equal(o.tlp, "clear");
  assert_null(o.kb);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tables_embedded),
      cmocka_unit_test(test_table_errors),
      cmocka_unit_test(test_fill_every_placeholder),
      cmocka_unit_test(test_fill_empty),
      cmocka_unit_test(test_fill_long_lists),
      cmocka_unit_test(test_fill_hostile),
      cmocka_unit_test(test_steps_order_dedupe_triggers),
      cmocka_unit_test(test_kev_from_entity),
      cmocka_unit_test(test_ranking),
      cmocka_unit_test(test_subtechnique_parent_rule),
      cmocka_unit_test(test_respond_sample),
      cmocka_unit_test(test_markdown_escape),
      cmocka_unit_test(test_markdown_rules),
      cmocka_unit_test(test_no_analysis_parts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
