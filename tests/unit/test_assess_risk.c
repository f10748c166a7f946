/*
 * Unit tests of the risk model (src/lib/assess/risk.c, data/assess/risk.tsv):
 * each factor on and off with hand-built technique, entity and observable
 * lists, the exclusive actor rows, caps, the clamp to 0-100, the level
 * thresholds (on a small table written here) and table errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess_internal.h"
#include "ctix/document.h"

typedef struct rk {
  ctix_document *doc;
  ctix_arena arena;
  ctix__risk_result r;
} rk;

static const ctix_kb *kb(void)
{
  const ctix_kb *k = NULL;
  assert_int_equal(ctix_kb_default(&k, NULL), 0);
  return k;
}

static ctix_document *doc_of(const char *text)
{
  ctix_doc_options o;
  ctix_document *d = NULL;
  ctix_doc_options_init(&o);
  o.format = CTIX_FORMAT_TEXT;
  assert_int_equal(ctix_document_parse(&d, text, strlen(text), &o, NULL), 0);
  return d;
}

/* Runs the embedded model on text and the given lists. */
static void rk_run(rk *t, const char *text, const ctix_ioc_list *iocs, const ctix_ttp_list *ttps,
                   const ctix_entity_list *ents)
{
  ctix_error err;
  ctix_error_clear(&err);
  memset(t, 0, sizeof(*t));
  t->doc = doc_of(text);
  ctix__arena_init(&t->arena, 0);
  assert_int_equal(ctix__assess_risk(&t->r, &t->arena, kb(), t->doc, iocs, ttps, ents, &err), 0);
  /* the score is the clamped, rounded sum of the factors */
  double sum = 0;
  for (size_t i = 0; i < t->r.nfactors; i++) {
    assert_non_null(t->r.factors[i].key);
    assert_non_null(t->r.factors[i].label);
    assert_non_null(t->r.factors[i].evidence);
    sum += t->r.factors[i].contribution;
  }
  long s = (long)(sum + (sum < 0 ? -0.5 : 0.5));
  assert_int_equal(t->r.score, s < 0 ? 0 : s > 100 ? 100 : s);
}

static void rk_free(rk *t)
{
  ctix__arena_free(&t->arena);
  ctix_document_free(t->doc);
}

/* The factor with key, or NULL. */
static const ctix_risk_factor *factor(const rk *t, const char *key)
{
  for (size_t i = 0; i < t->r.nfactors; i++)
    if (strcmp(t->r.factors[i].key, key) == 0)
      return &t->r.factors[i];
  return NULL;
}

static void assert_contribution(const rk *t, const char *key, float expect)
{
  const ctix_risk_factor *f = factor(t, key);
  if (!f)
    fail_msg("factor %s did not fire", key);
  if (f->contribution < expect - 0.01f || f->contribution > expect + 0.01f)
    fail_msg("factor %s: %.3f, expected %.3f", key, (double)f->contribution, (double)expect);
}

static const char *const tac_impact[] = {"impact"};
static const char *const tac_exfil[] = {"exfiltration"};
static const char *const tac_many[] = {"initial-access", "execution", "persistence",
                                       "discovery", "command-and-control"};

static ctix_ttp_hit hit(const char *id, const char *const *tactics, size_t n,
                        ctix_ttp_status st)
{
  ctix_ttp_hit h;
  memset(&h, 0, sizeof(h));
  h.id = id;
  h.name = id;
  h.tactics = tactics;
  h.ntactics = n;
  h.status = st;
  h.confidence = 0.9f;
  return h;
}

static ctix_entity ent(ctix_entity_kind kind, const char *name, const char *id, bool known)
{
  ctix_entity e;
  memset(&e, 0, sizeof(e));
  e.kind = kind;
  e.name = name;
  e.id = id;
  e.known = known;
  e.ref = CTIX_KB_NONE;
  e.confidence = 1;
  return e;
}

static const char *neutral = "The report describes the activity.";

/* ------------------------------------------------------------------ factors */

static void test_nothing(void **state)
{
  rk t;
  rk_run(&t, neutral, NULL, NULL, NULL);
  /* only the fallback actor row fires */
  assert_int_equal(t.r.nfactors, 1);
  assert_string_equal(t.r.factors[0].key, "actor:unknown");
  assert_int_equal(t.r.score, 2);
  assert_string_equal(t.r.level, "low");
  rk_free(&t);
}

static void test_impact_tactics(void **state)
{
  rk t;
  ctix_ttp_hit h[2] = {hit("T1486", tac_impact, 1, CTIX_TTP_OBSERVED),
                       hit("T1041", tac_exfil, 1, CTIX_TTP_POTENTIAL)};
  ctix_ttp_list l = {h, 2};
  rk_run(&t, neutral, NULL, &l, NULL);
  assert_contribution(&t, "impact_tactic:impact", 18);
  /* potential: a third of the points */
  assert_contribution(&t, "impact_tactic:exfiltration", 12 * 0.33f);
  assert_non_null(strstr(factor(&t, "impact_tactic:exfiltration")->evidence, "T1041 (potential)"));
  assert_null(factor(&t, "impact_tactic:credential-access"));
  rk_free(&t);
  /* off: no technique of the tactic */
  ctix_ttp_hit h2 = hit("T1059", tac_many + 1, 1, CTIX_TTP_OBSERVED);
  ctix_ttp_list l2 = {&h2, 1};
  rk_run(&t, neutral, NULL, &l2, NULL);
  assert_null(factor(&t, "impact_tactic:impact"));
  rk_free(&t);
}

static void test_breadth(void **state)
{
  rk t;
  ctix_ttp_hit h = hit("T1566", tac_many, 5, CTIX_TTP_OBSERVED);
  ctix_ttp_list l = {&h, 1};
  rk_run(&t, neutral, NULL, &l, NULL);
  /* 5 tactics, 2 free, 2 points each */
  assert_contribution(&t, "kill_chain_breadth", 6);
  rk_free(&t);
  /* potential techniques do not count toward breadth */
  h.status = CTIX_TTP_POTENTIAL;
  rk_run(&t, neutral, NULL, &l, NULL);
  assert_null(factor(&t, "kill_chain_breadth"));
  rk_free(&t);
  h.status = CTIX_TTP_OBSERVED;
  h.ntactics = 2;
  rk_run(&t, neutral, NULL, &l, NULL);
  assert_null(factor(&t, "kill_chain_breadth"));
  rk_free(&t);
}

/* ICS `evasion` is Enterprise `defense-evasion`: one tactic of breadth, not two. */
static void test_breadth_same_tactic(void **state)
{
  static const char *const tac_ent[] = {"initial-access", "execution", "defense-evasion"};
  static const char *const tac_ics[] = {"evasion"};
  rk t;
  ctix_ttp_hit h[2] = {hit("T1036", tac_ent, 3, CTIX_TTP_OBSERVED),
                       hit("T0849", tac_ics, 1, CTIX_TTP_OBSERVED)};
  ctix_ttp_list l = {h, 2};
  (void)state;
  h[1].domain = CTIX_KB_ICS;
  rk_run(&t, neutral, NULL, &l, NULL);
  /* 3 tactics, 2 free: 2 points */
  assert_contribution(&t, "kill_chain_breadth", 2);
  assert_null(strstr(factor(&t, "kill_chain_breadth")->evidence, "evasion, "));
  rk_free(&t);
}

static void test_kev(void **state)
{
  rk t;
  ctix_entity e[3] = {ent(CTIX_ENTITY_VULNERABILITY, "CVE-2021-44228", "CVE-2021-44228", true),
                      ent(CTIX_ENTITY_VULNERABILITY, "CVE-2023-4966", "CVE-2023-4966", true),
                      ent(CTIX_ENTITY_VULNERABILITY, "CVE-2020-0001", "CVE-2020-0001", true)};
  e[0].kev = e[1].kev = e[2].kev = true;
  e[1].kev_ransomware = true;
  ctix_entity_list l = {e, 3};
  rk_run(&t, neutral, NULL, NULL, &l);
  /* 3 x 10, capped at 20 */
  assert_contribution(&t, "kev_exploited", 20);
  assert_contribution(&t, "kev_ransomware", 6);
  assert_non_null(strstr(factor(&t, "kev_ransomware")->evidence, "CVE-2023-4966"));
  rk_free(&t);
  e[0].kev = e[1].kev = e[2].kev = false;
  e[1].kev_ransomware = false;
  rk_run(&t, neutral, NULL, NULL, &l);
  assert_null(factor(&t, "kev_exploited"));
  assert_null(factor(&t, "kev_ransomware"));
  rk_free(&t);
}

static void test_kev_from_iocs(void **state)
{
  /* without entities, the CVE observables are looked up in KEV */
  rk t;
  ctix_ioc o[2];
  memset(o, 0, sizeof(o));
  o[0].type = CTIX_IOC_CVE;
  o[0].value = "CVE-2021-44228"; /* Log4Shell, in KEV */
  o[1].type = CTIX_IOC_CVE;
  o[1].value = "CVE-1999-0001";  /* not in KEV */
  ctix_ioc_list l;
  memset(&l, 0, sizeof(l));
  l.items = o;
  l.nitems = 2;
  rk_run(&t, neutral, &l, NULL, NULL);
  assert_contribution(&t, "kev_exploited", 10);
  assert_string_equal(factor(&t, "kev_exploited")->evidence, "CVE-2021-44228");
  /* CVE ids are no indicators of compromise */
  assert_null(factor(&t, "ioc_count"));
  rk_free(&t);
}

static void test_actor(void **state)
{
  rk t;
  ctix_entity g = ent(CTIX_ENTITY_GROUP, "APT28", "G0007", true);
  ctix_entity_list l = {&g, 1};
  /* state-sponsored wording wins over the others */
  rk_run(&t, "APT28, a Russian state-sponsored group, used ransomware.", NULL, NULL, &l);
  assert_contribution(&t, "actor:state", 15);
  assert_null(factor(&t, "actor:ransomware"));
  assert_null(factor(&t, "actor:tracked"));
  assert_non_null(strstr(factor(&t, "actor:state")->evidence, "APT28"));
  rk_free(&t);
  rk_run(&t, "The gang deployed ransomware on the servers.", NULL, NULL, NULL);
  assert_contribution(&t, "actor:ransomware", 15);
  assert_null(factor(&t, "actor:unknown"));
  rk_free(&t);
  /* ransomware known from ATT&CK: Ryuk (S0446) uses T1486 */
  ctix_entity m = ent(CTIX_ENTITY_MALWARE, "Ryuk", "S0446", true);
  assert_int_equal(ctix_kb_find_id(kb(), "S0446", 5, &m.ref), 0);
  ctix_entity_list lm = {&m, 1};
  rk_run(&t, "The payload was Ryuk.", NULL, NULL, &lm);
  assert_contribution(&t, "actor:ransomware", 15);
  assert_non_null(strstr(factor(&t, "actor:ransomware")->evidence, "T1486"));
  rk_free(&t);
  /* a known group, no wording: tracked */
  rk_run(&t, "APT28 sent e-mails.", NULL, NULL, &l);
  assert_contribution(&t, "actor:tracked", 8);
  rk_free(&t);
  /* a new, unknown name: unknown */
  g.known = false;
  g.name = "UNC9999";
  rk_run(&t, "UNC9999 sent e-mails.", NULL, NULL, &l);
  assert_contribution(&t, "actor:unknown", 2);
  assert_non_null(strstr(factor(&t, "actor:unknown")->evidence, "UNC9999"));
  rk_free(&t);
}

static void test_sector(void **state)
{
  rk t;
  ctix_entity s[2] = {ent(CTIX_ENTITY_SECTOR, "energy", "energy", true),
                      ent(CTIX_ENTITY_SECTOR, "retail", "retail", true)};
  s[0].role = "targeted";
  s[1].role = "targeted";
  ctix_entity_list l = {s, 2};
  rk_run(&t, neutral, NULL, NULL, &l);
  assert_contribution(&t, "sector_critical", 12);
  rk_free(&t);
  /* only retail, merely mentioned: 12 x 0.4 x 0.5 */
  s[1].role = "mentioned";
  ctix_entity_list l2 = {&s[1], 1};
  rk_run(&t, neutral, NULL, NULL, &l2);
  assert_contribution(&t, "sector_critical", 12 * 0.4f * 0.5f);
  rk_free(&t);
  /* a sector absent from the table counts the default */
  ctix_entity odd = ent(CTIX_ENTITY_SECTOR, "gaming", "gaming", true);
  odd.role = "targeted";
  ctix_entity_list l3 = {&odd, 1};
  rk_run(&t, neutral, NULL, NULL, &l3);
  assert_contribution(&t, "sector_critical", 12 * 0.4f);
  rk_free(&t);
  rk_run(&t, neutral, NULL, NULL, NULL);
  assert_null(factor(&t, "sector_critical"));
  rk_free(&t);
}

static void test_data_exposed(void **state)
{
  rk t;
  rk_run(&t, "The attackers stole customer records and published them.", NULL, NULL, NULL);
  assert_contribution(&t, "data_exposed", 12);
  assert_non_null(strstr(factor(&t, "data_exposed")->evidence, "stole customer records"));
  rk_free(&t);
  rk_run(&t, "There is no evidence that customer data was stolen.", NULL, NULL, NULL);
  assert_null(factor(&t, "data_exposed"));
  rk_free(&t);
  rk_run(&t, "The company did not say whether data was exfiltrated.", NULL, NULL, NULL);
  assert_null(factor(&t, "data_exposed"));
  rk_free(&t);
}

static void test_contained(void **state)
{
  rk t;
  ctix_ttp_hit h = hit("T1486", tac_impact, 1, CTIX_TTP_OBSERVED);
  ctix_ttp_list l = {&h, 1};
  rk_run(&t, "Encryption hit the servers. The incident was contained the next day.", NULL, &l,
         NULL);
  assert_contribution(&t, "contained", -10);
  assert_contribution(&t, "impact_tactic:impact", 18);
  rk_free(&t);
  rk_run(&t, "The vulnerability has not been patched yet.", NULL, NULL, NULL);
  assert_null(factor(&t, "contained"));
  rk_free(&t);
  /* never below 0 */
  rk_run(&t, "The flaw was patched.", NULL, NULL, NULL);
  assert_contribution(&t, "contained", -10);
  assert_int_equal(t.r.score, 0);
  rk_free(&t);
}

static void test_ioc_count(void **state)
{
  rk t;
  ctix_ioc o[20];
  memset(o, 0, sizeof(o));
  for (size_t i = 0; i < 20; i++) {
    o[i].type = CTIX_IOC_IPV4;
    o[i].value = "203.0.113.9";
  }
  o[1].status = CTIX_IOC_STATUS_BENIGN;
  o[2].status = CTIX_IOC_STATUS_REJECTED;
  ctix_ioc_list l;
  memset(&l, 0, sizeof(l));
  l.items = o;
  l.nitems = 5; /* 3 with status ioc */
  rk_run(&t, neutral, &l, NULL, NULL);
  assert_contribution(&t, "ioc_count", 1.5f);
  assert_string_equal(factor(&t, "ioc_count")->evidence, "3 indicators");
  rk_free(&t);
  l.nitems = 20; /* 18: capped at 6 */
  rk_run(&t, neutral, &l, NULL, NULL);
  assert_contribution(&t, "ioc_count", 6);
  rk_free(&t);
}

static void test_deterministic_order(void **state)
{
  rk a, b;
  ctix_ttp_hit h[2] = {hit("T1486", tac_impact, 1, CTIX_TTP_OBSERVED),
                       hit("T1566", tac_many, 5, CTIX_TTP_OBSERVED)};
  ctix_ttp_list l = {h, 2};
  const char *text = "The state-sponsored actor stole data; the attack was contained.";
  rk_run(&a, text, NULL, &l, NULL);
  rk_run(&b, text, NULL, &l, NULL);
  assert_int_equal(a.r.score, b.r.score);
  assert_int_equal(a.r.nfactors, b.r.nfactors);
  for (size_t i = 0; i < a.r.nfactors; i++) {
    assert_string_equal(a.r.factors[i].key, b.r.factors[i].key);
    assert_string_equal(a.r.factors[i].evidence, b.r.factors[i].evidence);
  }
  /* factors come in table order */
  const ctix__assess_tables *t;
  assert_int_equal(ctix__assess_tables_get(&t, NULL), 0);
  size_t row = 0;
  for (size_t i = 0; i < a.r.nfactors; i++) {
    while (row < t->nrisk && strcmp(t->risk[row].key, a.r.factors[i].key) != 0)
      row++;
    assert_true(row < t->nrisk);
  }
  rk_free(&a);
  rk_free(&b);
}

/* ------------------------------------------------------------------ levels */

/* A table where one phrase per sentence gives chosen points. */
static void level_for(const char *risk, const char *text, int *score, const char **level)
{
  ctix__assess_tables *t = NULL;
  ctix_error err;
  ctix_arena a;
  ctix__risk_result r;
  ctix_error_clear(&err);
  assert_int_equal(ctix__assess_tables_parse(&t, risk, strlen(risk), NULL, 0, NULL, 0, NULL, 0,
                                             &err),
                   0);
  ctix_document *d = doc_of(text);
  ctix__arena_init(&a, 0);
  assert_int_equal(ctix__assess_risk_tables(&r, &a, t, kb(), d, NULL, NULL, NULL, &err), 0);
  *score = r.score;
  *level = r.level; /* points into t: copy before freeing */
  static char lv[32];
  snprintf(lv, sizeof(lv), "%s", r.level);
  *level = lv;
  ctix__arena_free(&a);
  ctix_document_free(d);
  ctix__assess_tables_free(t);
}

static void test_levels(void **state)
{
  static const struct {
    const char *points;
    int score;
    const char *level;
  } cases[] = {
      {"24", 24, "low"},       {"25", 25, "medium"},   {"49.4", 49, "medium"},
      {"49.6", 50, "high"},    {"74", 74, "high"},     {"75", 75, "critical"},
      {"100", 100, "critical"}, {"-30", 0, "low"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char risk[512];
    int score;
    const char *level;
    snprintf(risk, sizeof(risk),
             "data_exposed\tx\t%s\t100\tphrases=boom\n"
             "data_exposed\ty\t60\t60\tphrases=bang\n"
             "level:low\tLow\t0\t0\n"
             "level:medium\tMedium\t25\t0\n"
             "level:high\tHigh\t50\t0\n"
             "level:critical\tCritical\t75\t0\n",
             cases[i].points);
    level_for(risk, "It went boom.", &score, &level);
    assert_int_equal(score, cases[i].score);
    assert_string_equal(level, cases[i].level);
  }
  /* two rows over 100: clamped */
  int score;
  const char *level;
  level_for("data_exposed\tx\t70\t70\tphrases=boom\ndata_exposed\ty\t60\t60\tphrases=bang\n"
            "level:low\tLow\t0\t0\nlevel:critical\tCritical\t75\t0\n",
            "It went boom and bang.", &score, &level);
  assert_int_equal(score, 100);
  assert_string_equal(level, "critical");
}

static void test_table_errors(void **state)
{
  static const char *const bad[] = {
      "no_such_rule\tx\t1\t1\n",           /* unknown rule */
      "ioc_count\tx\tmany\t1\n",           /* points not a number */
      "ioc_count\tx\t1\n",                 /* too few fields */
      "ioc_count\tx\t1\t-2\n",             /* negative cap */
      "ioc_count\tx\t1\t1\tphrases\n",     /* parameter without '=' */
      "ioc_count\tx\t1\t1\tphrases=a||b\n", /* empty item */
      "ioc_count\tx\t500\t1\n",            /* points out of range */
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    ctix__assess_tables *t = NULL;
    ctix_error err;
    ctix_error_clear(&err);
    const char *text = bad[i];
    char buf[256];
    /* the bad row is line 2, after a comment */
    snprintf(buf, sizeof(buf), "# header\n%s", text);
    assert_int_equal(ctix__assess_tables_parse(&t, buf, strlen(buf), NULL, 0, NULL, 0, NULL, 0,
                                               &err),
                     CTIX_EPARSE);
    assert_null(t);
    assert_string_equal(err.source, "risk.tsv");
    assert_int_equal(err.line, 2);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_nothing),     cmocka_unit_test(test_impact_tactics),
      cmocka_unit_test(test_breadth),     cmocka_unit_test(test_breadth_same_tactic),
      cmocka_unit_test(test_kev),
      cmocka_unit_test(test_kev_from_iocs), cmocka_unit_test(test_actor),
      cmocka_unit_test(test_sector),      cmocka_unit_test(test_data_exposed),
      cmocka_unit_test(test_contained),   cmocka_unit_test(test_ioc_count),
      cmocka_unit_test(test_deterministic_order), cmocka_unit_test(test_levels),
      cmocka_unit_test(test_table_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
