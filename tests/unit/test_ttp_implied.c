/*
 * Unit tests of two behaviours of the technique mapper (src/lib/ttp/ttp.c)
 * with the embedded model and knowledge base, on texts written for these
 * tests:
 *  - implied findings (ctix_ttp_options.implied): the techniques that named
 *    software and groups are known to use (ATT&CK `uses` relations) come
 *    only as low-confidence `implied` hits, never observed, never when the
 *    option is off, never for a family the text itself reports, and never
 *    from a name that appears only in a references section;
 *  - news-style prose: a journalist's account of an intrusion, without the
 *    vocabulary of threat reports, still yields the phishing, user
 *    execution, valid-account and encryption techniques, and a negated
 *    account of the same steps does not make them observed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/entity.h"
#include "ctix/kb.h"
#include "ctix/ttp.h"
#include "ttp/model.h"
#include "ttp_test.h"

static size_t count_status(const ctix_ttp_list *l, ctix_ttp_status st)
{
  size_t i, n = 0;
  for (i = 0; i < l->count; i++)
    n += l->items[i].status == st;
  return n;
}

/* Whether KB object `name` (software or group) has a `uses` edge to technique `id`. */
static bool kb_uses(const char *name, const char *id)
{
  const ctix_kb *kb;
  ctix_error err;
  ctix_kb_ref refs[8], t;
  size_t n, i, k, first, ne;
  ctix_error_clear(&err);
  assert_int_equal(ctix_kb_default(&kb, &err), 0);
  assert_int_equal(ctix_kb_find_id(kb, id, strlen(id), &t), 0);
  n = ctix_kb_find_name(kb, name, strlen(name), refs, 8);
  for (i = 0; i < n && i < 8; i++) {
    ne = ctix_kb_edges(kb, refs[i], CTIX_KB_REL_USES, CTIX_KB_TECHNIQUE, &first);
    for (k = 0; k < ne; k++)
      if (ctix_kb_edge_target(kb, first + k) == t)
        return true;
  }
  return false;
}

static const char implied_text[] =
    "# Intrusion at a logistics firm\n\n"
    "The operators dumped LSASS memory with Mimikatz on the domain controller.\n\n"
    "The investigators attribute the intrusion to APT29.\n";

static void test_implied_off_by_default(void **state)
{
  ctix_ttp_list *l = map_text(implied_text, true, NULL, NULL);
  (void)state;
  assert_true(l->count >= 1);
  assert_int_equal(count_status(l, CTIX_TTP_IMPLIED), 0);
  ctix_ttp_list_free(l);
}

static void test_implied_findings(void **state)
{
  ctix_ttp_options o;
  ctix_document *doc;
  ctix_ttp_list *plain = map_text(implied_text, true, NULL, NULL), *l;
  size_t i, k, nimp = 0;
  (void)state;
  ctix_ttp_options_init(&o);
  o.implied = true;
  l = map_text(implied_text, true, &o, &doc);
  /* The text's own findings are unchanged. */
  for (i = 0; i < plain->count; i++) {
    const ctix_ttp_hit *h = find_family(l, plain->items[i].id);
    assert_non_null(h);
    assert_int_not_equal(h->status, CTIX_TTP_IMPLIED);
  }
  assert_non_null(find_family(l, "T1003"));
  for (i = 0; i < l->count; i++) {
    const ctix_ttp_hit *h = &l->items[i];
    char fam[6];
    if (h->status != CTIX_TTP_IMPLIED)
      continue;
    nimp++;
    assert_true(h->confidence > 0.0f && h->confidence < 0.5f);
    assert_int_equal(h->signals, CTIX_TTP_SIG_SOFTWARE);
    assert_non_null(h->name);
    /* Never a second finding in a family the text reports itself. */
    memcpy(fam, h->id, 5);
    fam[5] = 0;
    {
      size_t j;
      for (j = 0; j < plain->count; j++)
        assert_false(strncmp(plain->items[j].id, fam, 5) == 0);
    }
    /* Evidence: the sentences naming the software or group, and its name. */
    assert_true(h->nevidence >= 1 && h->nevidence <= 3);
    for (k = 0; k < h->nevidence; k++) {
      const ctix_ttp_evidence *e = &h->evidence[k];
      assert_int_equal(e->status, CTIX_TTP_IMPLIED);
      assert_int_equal(e->nwhy, 1);
      assert_true(strcmp(e->why[0], "Mimikatz") == 0 || strcmp(e->why[0], "APT29") == 0);
      assert_non_null(strstr(doc->text + e->start, e->why[0]));
      assert_true(e->start >= doc->sentences[e->sentence].span.start);
      assert_true(kb_uses(e->why[0], h->id));
    }
  }
  assert_true(nimp >= 5);
  /* Still by decreasing confidence. */
  for (i = 1; i < l->count; i++)
    assert_true(l->items[i - 1].confidence >= l->items[i].confidence);
  ctix_ttp_list_free(plain);
  ctix_ttp_list_free(l);
  ctix_document_free(doc);
}

static void test_implied_min_confidence_and_references(void **state)
{
  ctix_ttp_options o;
  ctix_ttp_list *l;
  size_t i;
  (void)state;
  ctix_ttp_options_init(&o);
  o.implied = true;
  o.min_confidence = 0.5f;
  l = map_text(implied_text, true, &o, NULL);
  assert_int_equal(count_status(l, CTIX_TTP_IMPLIED), 0);
  ctix_ttp_list_free(l);
  /* A name only in the references says nothing about this intrusion. */
  ctix_ttp_options_init(&o);
  o.implied = true;
  l = map_text("# Report\n\nThe weather in Lisbon was sunny.\n\n## References\n\n"
               "- An analysis of APT29 and its use of Mimikatz.\n",
               true, &o, NULL);
  for (i = 0; i < l->count; i++)
    assert_int_not_equal(l->items[i].status, CTIX_TTP_IMPLIED);
  ctix_ttp_list_free(l);
}

static void test_implied_deterministic(void **state)
{
  ctix_ttp_options o;
  ctix_ttp_list *a, *b;
  (void)state;
  ctix_ttp_options_init(&o);
  o.implied = true;
  a = map_text(implied_text, true, &o, NULL);
  b = map_text(implied_text, true, &o, NULL);
  assert_same_hits(a, b);
  ctix_ttp_list_free(a);
  ctix_ttp_list_free(b);
}

static const char news_text[] =
    "The council said a clerk in its finance department opened an e-mail that appeared to "
    "come from a regular supplier. She opened the attachment, which quietly installed a small "
    "program on her laptop. Using an administrator's account they had taken over, the "
    "criminals then logged in to the file servers. Finally they scrambled the files on every "
    "server and left a note asking for payment.";

static void test_news_prose(void **state)
{
  ctix_ttp_list *l = map_text(news_text, false, NULL, NULL);
  static const char *const want[] = {"T1566", "T1204", "T1078", "T1486"};
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
    const ctix_ttp_hit *h = find_family(l, want[i]);
    if (!h)
      fail_msg("%s not found in the news text", want[i]);
    assert_int_equal(h->status, CTIX_TTP_OBSERVED);
    assert_true(h->signals & CTIX_TTP_SIG_CUE);
    assert_true(h->nevidence >= 1 && h->evidence[0].nwhy >= 1);
  }
  /* Reasons shown to an analyst are not bare function words. */
  for (i = 0; i < l->count; i++) {
    size_t k, w;
    for (k = 0; k < l->items[i].nevidence; k++)
      for (w = 0; w < l->items[i].evidence[k].nwhy; w++) {
        const char *y = l->items[i].evidence[k].why[w];
        assert_true(strcmp(y, "the") && strcmp(y, "a") && strcmp(y, "which") &&
                    strcmp(y, "an"));
      }
  }
  ctix_ttp_list_free(l);
}

static void test_news_prose_negated(void **state)
{
  ctix_ttp_list *l = map_text(
      "Staff did not open the attachment, and no e-mail that appeared to come from a supplier "
      "was found. The company said it could not rule out that the criminals might have taken "
      "over an administrator's account.",
      false, NULL, NULL);
  const ctix_ttp_hit *h;
  (void)state;
  if ((h = find_family(l, "T1204")))
    assert_int_not_equal(h->status, CTIX_TTP_OBSERVED);
  if ((h = find_family(l, "T1078")))
    assert_int_not_equal(h->status, CTIX_TTP_OBSERVED);
  ctix_ttp_list_free(l);
}

/*
 * A new name holding a known alias ("LINE VIPER" holds "VIPER", an alias of
 * Sakula) brings none of the alias's techniques; and the entities a caller
 * passes are the ones used (an empty list: nothing implied).
 */
static void test_implied_new_name_and_given_entities(void **state)
{
  static const char text[] =
      "The actors deployed the LINE VIPER malware on the appliance and the "
      "LINE VIPER implant collected command output. Mimikatz was then run on the host.\n";
  ctix_ttp_options o;
  ctix_entity_list none;
  ctix_ttp_list *l;
  size_t i, nimp = 0;
  (void)state;
  ctix_ttp_options_init(&o);
  o.implied = true;
  l = map_text(text, false, &o, NULL);
  for (i = 0; i < l->count; i++) {
    const ctix_ttp_hit *h = &l->items[i];
    size_t k;
    if (h->status != CTIX_TTP_IMPLIED)
      continue;
    nimp++;
    for (k = 0; k < h->nevidence; k++)
      assert_string_equal(h->evidence[k].why[0], "Mimikatz");
  }
  assert_true(nimp >= 1);
  ctix_ttp_list_free(l);
  memset(&none, 0, sizeof(none));
  o.entities = &none;
  l = map_text(text, false, &o, NULL);
  for (i = 0; i < l->count; i++)
    assert_int_not_equal(l->items[i].status, CTIX_TTP_IMPLIED);
  ctix_ttp_list_free(l);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_implied_off_by_default),
      cmocka_unit_test(test_implied_findings),
      cmocka_unit_test(test_implied_min_confidence_and_references),
      cmocka_unit_test(test_implied_deterministic),
      cmocka_unit_test(test_news_prose),
      cmocka_unit_test(test_news_prose_negated),
      cmocka_unit_test(test_implied_new_name_and_given_entities),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
