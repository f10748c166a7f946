/*
 * Unit tests of attribution by resemblance (src/lib/assess/resemble.c) on
 * the embedded knowledge base, and of ctix_assess end to end on a small
 * article with hand-built technique and entity lists.
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

static const ctix_kb *kb(void)
{
  const ctix_kb *k = NULL;
  assert_int_equal(ctix_kb_default(&k, NULL), 0);
  return k;
}

static ctix_kb_ref ref_of(const char *id)
{
  ctix_kb_ref r = CTIX_KB_NONE;
  assert_int_equal(ctix_kb_find_id(kb(), id, strlen(id), &r), 0);
  return r;
}

/* Rank (1-based) of `id` in the results; 0 if absent. */
static size_t rank_of(const ctix_resemblance *r, size_t n, const char *id)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp(r[i].id, id) == 0)
      return i + 1;
  return 0;
}

/*
 * Techniques APT29 (G0016) is known in ATT&CK to use, several of them
 * rare (delegate permissions, hybrid identity, cloud log tampering).
 */
static const char *const apt29_like[] = {"T1098.002", "T1556.007", "T1562.008", "T1098.005",
                                         "T1550.003", "T1114.002", "T1090.004", "T1027.006",
                                         "T1059.001", "T1078.004"};

static void test_known_group_ranks_high(void **state)
{
  ctix_kb_ref t[10];
  ctix_resemblance *r = NULL;
  size_t n = 0;
  ctix_error err;
  ctix_error_clear(&err);
  for (size_t i = 0; i < 10; i++)
    t[i] = ref_of(apt29_like[i]);
  assert_int_equal(ctix_assess_resemble(&r, &n, kb(), t, 10, NULL, 0, CTIX_KB_NONE, 10, &err),
                   0);
  assert_true(n > 0 && n <= 10);
  size_t rk = rank_of(r, n, "G0016");
  print_message("APT29 ranks %zu of %zu (first: %s %s %.3f)\n", rk, n, r[0].id, r[0].name,
                (double)r[0].score);
  assert_true(rk >= 1 && rk <= 3);
  const ctix_resemblance *g = &r[rk - 1];
  assert_string_equal(g->name, "APT29");
  assert_int_equal(g->kind, CTIX_KB_GROUP);
  assert_non_null(g->stix_id);
  assert_true(g->nshared_techniques >= 8);
  /* the best first, scores in 0-1 */
  for (size_t i = 0; i < n; i++) {
    assert_true(r[i].score > 0 && r[i].score <= 1);
    if (i)
      assert_true(r[i - 1].score >= r[i].score);
  }
  /* shared techniques are ids of the query */
  for (size_t i = 0; i < g->nshared_techniques; i++) {
    bool found = false;
    for (size_t k = 0; k < 10 && !found; k++)
      found = strcmp(g->shared_techniques[i], apt29_like[k]) == 0;
    assert_true(found);
  }
  ctix_resemblances_free(r, n);
}

static void test_software_counts(void **state)
{
  /* APT28's own tools and techniques: software raises the group */
  ctix_kb_ref t[3] = {ref_of("T1003.001"), ref_of("T1566.001"), ref_of("T1071.001")};
  ctix_kb_ref sw[2] = {ref_of("S0044"), ref_of("S0023")}; /* JHUHUGIT, CHOPSTICK */
  ctix_resemblance *r = NULL;
  size_t n = 0;
  assert_int_equal(ctix_assess_resemble(&r, &n, kb(), t, 3, sw, 2, CTIX_KB_NONE, 5, NULL), 0);
  assert_true(n > 0);
  size_t rk = rank_of(r, n, "G0007");
  assert_int_equal(rk, 1);
  assert_int_equal(r[0].nshared_software, 2);
  ctix_resemblances_free(r, n);
}

static void test_exclude(void **state)
{
  /* the SolarWinds Compromise's techniques, the campaign itself left out */
  ctix_kb_ref camp = ref_of("C0024");
  size_t first, nt = ctix_kb_edges(kb(), camp, CTIX_KB_REL_USES, CTIX_KB_TECHNIQUE, &first);
  ctix_kb_ref *t = calloc(nt, sizeof(*t));
  assert_non_null(t);
  for (size_t i = 0; i < nt; i++)
    t[i] = ctix_kb_edge_target(kb(), first + i);
  ctix_resemblance *r = NULL;
  size_t n = 0;
  assert_int_equal(ctix_assess_resemble(&r, &n, kb(), t, nt, NULL, 0, CTIX_KB_NONE, 0, NULL), 0);
  /* not excluded: the campaign resembles itself perfectly */
  assert_int_equal(rank_of(r, n, "C0024"), 1);
  assert_true(r[0].score > 0.99f);
  ctix_resemblances_free(r, n);
  assert_int_equal(ctix_assess_resemble(&r, &n, kb(), t, nt, NULL, 0, camp, 0, NULL), 0);
  assert_int_equal(rank_of(r, n, "C0024"), 0);
  assert_true(rank_of(r, n, "G0016") >= 1 && rank_of(r, n, "G0016") <= 5);
  ctix_resemblances_free(r, n);
  free(t);
}

static void test_empty_and_bad(void **state)
{
  ctix_resemblance *r = (ctix_resemblance *)1;
  size_t n = 7;
  assert_int_equal(ctix_assess_resemble(&r, &n, kb(), NULL, 0, NULL, 0, CTIX_KB_NONE, 5, NULL),
                   0);
  assert_null(r);
  assert_int_equal(n, 0);
  ctix_error err;
  ctix_error_clear(&err);
  assert_int_equal(ctix_assess_resemble(&r, &n, kb(), NULL, 3, NULL, 0, CTIX_KB_NONE, 5, &err),
                   CTIX_EINVAL);
  /* a ref that is no technique is ignored */
  ctix_kb_ref odd = ref_of("M1032");
  assert_int_equal(ctix_assess_resemble(&r, &n, kb(), &odd, 1, NULL, 0, CTIX_KB_NONE, 5, NULL),
                   0);
  assert_int_equal(n, 0);
  ctix_resemblances_free(NULL, 0);
}

static void test_measures(void **state)
{
  ctix_kb_ref t[10];
  for (size_t i = 0; i < 10; i++)
    t[i] = ref_of(apt29_like[i]);
  for (int m = 0; m < CTIX__SIM_COUNT; m++) {
    ctix__resemble_params p;
    ctix__resemble_params_default(&p);
    p.measure = (ctix__sim)m;
    assert_int_equal(ctix__sim_from_name(ctix__sim_name(p.measure)), m);
    ctix_resemblance *r = NULL;
    size_t n = 0;
    assert_int_equal(ctix__assess_resemble_ex(&r, &n, kb(), t, 10, NULL, 0, CTIX_KB_NONE, 20, &p,
                                              NULL),
                     0);
    size_t rk = rank_of(r, n, "G0016");
    print_message("%s: APT29 rank %zu\n", ctix__sim_name(p.measure), rk);
    assert_true(rk >= 1 && rk <= 20);
    ctix_resemblances_free(r, n);
  }
  assert_int_equal(ctix__sim_from_name("nope"), -1);
}

/* ------------------------------------------------------------------ assess */

static void test_assess_end_to_end(void **state)
{
  const char *text =
      "# Energy firm hit by ransomware\n\n"
      "The company detected the intrusion on January 30, 2026 and contained the attack "
      "within nine hours. The attackers stole employee records. The flaw was publicly disclosed last week.\n";
  ctix_doc_options o;
  ctix_document *doc = NULL;
  ctix_doc_options_init(&o);
  o.format = CTIX_FORMAT_MARKDOWN;
  assert_int_equal(ctix_document_parse(&doc, text, strlen(text), &o, NULL), 0);

  static const char *const tac_impact[] = {"impact"};
  ctix_ttp_hit h[2];
  memset(h, 0, sizeof(h));
  h[0].id = "T1486";
  h[0].tactics = tac_impact;
  h[0].ntactics = 1;
  h[1].id = "T1490";
  h[1].tactics = tac_impact;
  h[1].ntactics = 1;
  ctix_ttp_list tl = {h, 2};
  ctix_entity e[2];
  memset(e, 0, sizeof(e));
  e[0].kind = CTIX_ENTITY_MALWARE;
  e[0].name = "Ryuk";
  e[0].known = true;
  e[0].ref = ref_of("S0446");
  e[1].kind = CTIX_ENTITY_SECTOR;
  e[1].name = "energy";
  e[1].ref = CTIX_KB_NONE;
  e[1].role = "targeted";
  ctix_entity_list el = {e, 2};

  ctix_assess_options ao;
  ctix_assess_options_init(&ao);
  assert_int_equal(ao.max_candidates, 5);
  ao.reference_date = "2026-02-10";
  ctix_assessment *a = NULL;
  ctix_error err;
  ctix_error_clear(&err);
  assert_int_equal(ctix_assess(&a, doc, NULL, &tl, &el, &ao, &err), 0);
  assert_non_null(a);
  /* timeline: the detection, the week of the disclosure, then the duration */
  assert_int_equal(a->nevents, 3);
  assert_string_equal(a->events[0].date, "2026-01-30");
  assert_string_equal(a->events[0].what, "detected");
  assert_string_equal(a->events[1].date, "2026-02-02");
  assert_string_equal(a->events[1].what, "disclosed");
  assert_null(a->events[2].date);
  assert_string_equal(a->events[2].what, "contained");
  /* attribution: a handful at most, each sharing something */
  assert_true(a->nresemblances > 0 && a->nresemblances <= 5);
  for (size_t i = 0; i < a->nresemblances; i++)
    assert_true(a->resemblances[i].nshared_techniques + a->resemblances[i].nshared_software > 0);
  /* risk: impact 18, ransomware actor 15, energy 12, data 12, contained -10 */
  assert_int_equal(a->risk_score, 47);
  assert_string_equal(a->risk_level, "medium");
  assert_int_equal(a->nfactors, 5);
  ctix_assessment_free(a);

  /* the article's own date is the default reference */
  ctix_assess_options_init(&ao);
  assert_int_equal(ctix_assess(&a, doc, NULL, NULL, NULL, &ao, &err), 0);
  assert_int_equal(a->nresemblances, 0);
  assert_null(a->events[1].date); /* no date: "last week" stays undated */
  ctix_assessment_free(a);
  assert_int_equal(ctix_assess(&a, NULL, NULL, NULL, NULL, NULL, &err), CTIX_EINVAL);
  ao.reference_date = "2026-02-30";
  ctix_error_clear(&err);
  assert_int_equal(ctix_assess(&a, doc, NULL, NULL, NULL, &ao, &err), CTIX_EINVAL);
  assert_non_null(strstr(err.message, "2026-02-30"));
  assert_null(a);
  ctix_assessment_free(NULL);
  ctix_document_free(doc);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_known_group_ranks_high), cmocka_unit_test(test_software_counts),
      cmocka_unit_test(test_exclude),                cmocka_unit_test(test_empty_and_bad),
      cmocka_unit_test(test_measures),               cmocka_unit_test(test_assess_end_to_end),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
