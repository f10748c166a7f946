/*
 * Unit tests of the technique mapper's fusion and document decision
 * (src/lib/ttp/ttp.c) with the embedded model, on sentences written for
 * these tests: a plain procedure is found and observed with evidence and
 * reasons; negation, advice and reference sections never make a technique
 * observed; a sub-technique is chosen over its parent when the text says
 * which one; literal ids count unless ignored; an id the author states
 * in a plain assertion is reported even in a long text, with its parent
 * beside a sub-technique the cues chose; options (minimum confidence,
 * evidence count) are honoured; the output is deterministic.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/ttp.h"
#include "ttp/model.h"
#include "ttp_test.h"
#include "util/buf.h"

/*
 * `filler` sentences of neutral prose, then `body`: over 20 usable
 * sentences, where the threshold has risen above an id with no model
 * score of its own. Caller frees.
 */
static char *after_filler(const char *body, size_t filler)
{
  ctix_buf b = CTIX_BUF_INIT(1 << 20);
  size_t i;
  for (i = 0; i < filler; i++)
    ctix__buf_addf(&b, "Section %zu of this bulletin lists the dates of the review. ", i + 1);
  ctix__buf_adds(&b, "\n\n");
  ctix__buf_adds(&b, body);
  assert_int_equal(b.err, 0);
  return ctix__buf_detach(&b, NULL);
}

static void test_plain_procedure(void **state)
{
  ctix_document *doc;
  ctix_ttp_list *l = map_text("The attackers created a scheduled task with schtasks /create "
                              "/tn Updater /sc minute to run the backdoor every minute.",
                              false, NULL, &doc);
  const ctix_ttp_hit *h = find_id(l, "T1053.005");
  size_t i;
  (void)state;
  assert_non_null(h);
  assert_int_equal(h->status, CTIX_TTP_OBSERVED);
  assert_true(h->confidence >= 0.5f && h->confidence <= 1.0f);
  assert_string_equal(h->parent_name, "Scheduled Task/Job");
  assert_true(h->ntactics >= 1);
  assert_true(h->nevidence >= 1);
  assert_int_equal(h->evidence[0].sentence, 0);
  assert_int_equal(h->evidence[0].start, doc->sentences[0].span.start);
  assert_int_equal(h->evidence[0].end, doc->sentences[0].span.end);
  assert_true(h->evidence[0].nwhy >= 1);
  for (i = 0; i < h->evidence[0].nwhy; i++)
    assert_true(strlen(h->evidence[0].why[i]) > 0);
  assert_true(h->signals & (CTIX_TTP_SIG_MODEL | CTIX_TTP_SIG_CUE));
  /* By decreasing confidence. */
  for (i = 1; i < l->count; i++)
    assert_true(l->items[i - 1].confidence >= l->items[i].confidence);
  ctix_ttp_list_free(l);
  ctix_document_free(doc);
}

static void test_negated_not_observed(void **state)
{
  ctix_ttp_list *l = map_text("The sample did not create any scheduled task and we found no "
                              "evidence of schtasks being used for persistence.",
                              false, NULL, NULL);
  const ctix_ttp_hit *h = find_family(l, "T1053");
  (void)state;
  if (h)
    assert_int_equal(h->status, CTIX_TTP_POTENTIAL);
  ctix_ttp_list_free(l);
}

static void test_advice_and_references(void **state)
{
  size_t i;
  ctix_ttp_list *l = map_text(
      "# Incident\n\nThe intruders logged in with stolen VPN credentials.\n\n"
      "## Mitigations\n\nOrganizations should block macros in Office documents and "
      "disable PowerShell for users who do not need it.\n\n"
      "## References\n\n- Dumping LSASS memory with procdump and mimikatz, a primer.\n",
      true, NULL, NULL);
  (void)state;
  for (i = 0; i < l->count; i++) {
    const ctix_ttp_hit *h = &l->items[i];
    /* Nothing from the mitigation or reference sections is observed. */
    if (strncmp(h->id, "T1003", 5) == 0 || strncmp(h->id, "T1059", 5) == 0)
      assert_int_not_equal(h->status, CTIX_TTP_OBSERVED);
  }
  assert_null(find_family(l, "T1003"));
  ctix_ttp_list_free(l);
}

/* A publication notice ("Download the PDF version of this report") gives
 * no technique, though its words are those of ingress tool transfer; the
 * same words about the actor do. */
static void test_publication_notice(void **state)
{
  ctix_ttp_list *l = map_text("Download the PDF version of this report:", false, NULL, NULL);
  ctix_ttp_list *l2 = map_text("The actors download the second stage with certutil.", false,
                               NULL, NULL);
  (void)state;
  assert_null(find_family(l, "T1105"));
  assert_non_null(find_family(l2, "T1105"));
  ctix_ttp_list_free(l);
  ctix_ttp_list_free(l2);
}

static void test_sub_over_parent(void **state)
{
  ctix_ttp_list *l = map_text("The victims received spearphishing emails with a malicious "
                              "Word document attached; opening the attachment ran a macro.",
                              false, NULL, NULL);
  const ctix_ttp_hit *h = find_id(l, "T1566.001");
  (void)state;
  assert_non_null(h);
  assert_null(find_id(l, "T1566"));
  assert_string_equal(h->name, "Spearphishing Attachment");
  if (h->runner_up)
    assert_true(strncmp(h->runner_up, "T1566.", 6) == 0 && strcmp(h->runner_up, h->id) != 0);
  ctix_ttp_list_free(l);
}

static void test_literal_ids(void **state)
{
  const char *text = "In this intrusion the operators used T1486 against the file servers.";
  ctix_ttp_options o;
  ctix_ttp_list *l = map_text(text, false, NULL, NULL), *l2;
  const ctix_ttp_hit *h = find_id(l, "T1486");
  (void)state;
  assert_non_null(h);
  assert_true(h->signals & CTIX_TTP_SIG_ID);
  ctix_ttp_options_init(&o);
  o.ignore_explicit_ids = true;
  l2 = map_text(text, false, &o, NULL);
  h = find_id(l2, "T1486");
  if (h)
    assert_false(h->signals & CTIX_TTP_SIG_ID);
  ctix_ttp_list_free(l);
  ctix_ttp_list_free(l2);
}

/*
 * An id the author writes after a plain statement ("... [T1098].") is the
 * author's mapping: reported in a long text although the model, which
 * never saw an id labelled, scores its sentence low. Negated, or only in
 * a table of ids, it stays below the threshold as before.
 */
static void test_stated_ids(void **state)
{
  char *plain = after_filler("The operators changed the settings of a dormant administrator "
                             "account so that its password never expired [T1098].",
                             40);
  char *negated = after_filler("The operators did not change the settings of any "
                               "administrator account [T1098].",
                               40);
  char *table = after_filler("| Tactic | Technique |\n| --- | --- |\n| Persistence | T1098 |\n"
                             "| Discovery | T1049 |\n",
                             40);
  ctix_ttp_list *l = map_text(plain, false, NULL, NULL);
  const ctix_ttp_hit *h = find_id(l, "T1098");
  (void)state;
  assert_non_null(h);
  assert_int_equal(h->status, CTIX_TTP_OBSERVED);
  assert_true(h->signals & CTIX_TTP_SIG_ID);
  ctix_ttp_list_free(l);
  l = map_text(negated, false, NULL, NULL);
  assert_null(find_family(l, "T1098"));
  ctix_ttp_list_free(l);
  l = map_text(table, true, NULL, NULL);
  assert_null(find_family(l, "T1098"));
  assert_null(find_family(l, "T1049"));
  ctix_ttp_list_free(l);
  free(plain);
  free(negated);
  free(table);
}

/*
 * The author writes the parent's id ("[T1059]") where the cues find a
 * sub-technique (cmd.exe, T1059.003): the parent is reported beside it.
 * Without the id, the sub-technique alone, as before.
 */
static void test_stated_parent_id(void **state)
{
  char *with = after_filler("The implant used cmd.exe /c to run shell commands on the "
                            "appliance [T1059].",
                            40);
  char *without = after_filler("The implant used cmd.exe /c to run shell commands on the "
                               "appliance.",
                               40);
  ctix_ttp_list *l = map_text(with, false, NULL, NULL);
  (void)state;
  assert_non_null(find_id(l, "T1059.003"));
  assert_non_null(find_id(l, "T1059"));
  assert_int_equal(find_id(l, "T1059")->status, CTIX_TTP_OBSERVED);
  ctix_ttp_list_free(l);
  l = map_text(without, false, NULL, NULL);
  assert_non_null(find_id(l, "T1059.003"));
  assert_null(find_id(l, "T1059"));
  ctix_ttp_list_free(l);
  free(with);
  free(without);
}

/*
 * Ids that are no claim of use by the actors: a URL, a list after a
 * preface, "see also", a contrast, a question, another vendor's past
 * report, the vendor's own product, a graphics card, a Windows path, a
 * code block. Before: each reported (observed, confidence 0.46). Ids in
 * brackets or parentheses that hold only ids stay (observed, at least
 * the threshold's 0.5).
 */
static void test_stated_not_claims(void **state)
{
  static const struct {
    const char *text, *family;
    bool md;
  } no[] = {
      {"The procedure is described at https://attack.mitre.org/techniques/T1552/004/ for "
       "readers.", "T1552", false},
      {"The techniques identified in this report are: T1105, T1016, T1047.", "T1016", false},
      {"See also T1021.002 and T1570 for the movement other researchers describe.", "T1570",
       false},
      {"Analysts mapped the activity to T1574.001 rather than T1055.012.", "T1055", false},
      {"The behaviour matches [T1574.001] rather than [T1055.012].", "T1574", false},
      {"Did the intruders rely on T1078.003 at any point?", "T1078", false},
      {"A 2023 vendor report said the group earlier relied on T1566.002.", "T1566", false},
      {"Our detection product covers T1003.002 and T1562.004.", "T1562", false},
      {"The analyst's laptop had an NVIDIA T1200 card installed.", "T1200", false},
      {"The dropper wrote a log to C:\\Users\\Public\\T1105\\out.log every hour.", "T1105",
       false},
      {"The rule follows.\n\n```\ntags: [T1543.003]\n```\n", "T1543", true},
  };
  static const struct {
    const char *text, *id;
  } yes[] = {
      {"The actors edited the settings of a dormant account so it never expired (T1098).",
       "T1098"},
      {"The actors bought servers and wrote tooling for the intrusion [T1583.003, T1587.001].",
       "T1587.001"},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
    char *t = after_filler(no[i].text, 40);
    ctix_ttp_list *l = map_text(t, no[i].md, NULL, NULL);
    if (find_family(l, no[i].family))
      fail_msg("reported %s from: %s", no[i].family, no[i].text);
    ctix_ttp_list_free(l);
    free(t);
  }
  for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
    char *t = after_filler(yes[i].text, 40);
    ctix_ttp_list *l = map_text(t, false, NULL, NULL);
    const ctix_ttp_hit *h = find_id(l, yes[i].id);
    assert_non_null(h);
    assert_int_equal(h->status, CTIX_TTP_OBSERVED);
    assert_true(h->confidence >= 0.5f);
    ctix_ttp_list_free(l);
    free(t);
  }
}

/*
 * A stated id makes its finding observed even when the sentence that
 * speaks of the technique most strongly is hypothetical (before:
 * potential); a stated parent reported under no minimum confidence stays
 * under a minimum it clears (before: dropped at 0.3).
 */
static void test_stated_observed_and_minimum(void **state)
{
  char *pot = after_filler("Intruders might run PowerShell to pull further tools onto a "
                           "server. The crew later altered a few settings on that server "
                           "[T1059.001].",
                           40);
  char *par = after_filler("Intruders may run PowerShell to fetch tools. The crew ran a few "
                           "commands on the router [T1059].",
                           40);
  ctix_ttp_options o;
  ctix_ttp_list *l = map_text(pot, false, NULL, NULL);
  const ctix_ttp_hit *h = find_id(l, "T1059.001");
  (void)state;
  assert_non_null(h);
  assert_int_equal(h->status, CTIX_TTP_OBSERVED);
  ctix_ttp_list_free(l);
  l = map_text(par, false, NULL, NULL);
  h = find_id(l, "T1059");
  assert_non_null(h);
  assert_true(h->confidence >= 0.3f);
  ctix_ttp_list_free(l);
  ctix_ttp_options_init(&o);
  o.min_confidence = 0.3f;
  l = map_text(par, false, &o, NULL);
  assert_non_null(find_id(l, "T1059"));
  ctix_ttp_list_free(l);
  free(pot);
  free(par);
}

static void test_options(void **state)
{
  const char *text =
      "The loader copied itself to the Startup folder and added a Run key under "
      "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run. It then dumped LSASS memory "
      "with procdump and exfiltrated the archive over its HTTPS command and control channel.";
  ctix_ttp_options o;
  ctix_ttp_list *all = map_text(text, false, NULL, NULL), *few, *one;
  size_t i;
  (void)state;
  assert_true(all->count >= 2);
  ctix_ttp_options_init(&o);
  o.min_confidence = 0.99f;
  few = map_text(text, false, &o, NULL);
  for (i = 0; i < few->count; i++)
    assert_true(few->items[i].confidence >= 0.99f);
  /* the LSASS sub-technique is found below 0.99 while its family is above:
   * under the minimum the parent stands for it */
  assert_non_null(find_id(all, "T1003.001"));
  assert_true(find_id(all, "T1003.001")->confidence < 0.99f);
  assert_null(find_id(few, "T1003.001"));
  assert_non_null(find_id(few, "T1003"));
  ctix_ttp_options_init(&o);
  o.max_evidence = 1;
  one = map_text(text, false, &o, NULL);
  for (i = 0; i < one->count; i++)
    assert_true(one->items[i].nevidence <= 1);
  assert_int_equal(one->count, all->count);
  ctix_ttp_list_free(all);
  ctix_ttp_list_free(few);
  ctix_ttp_list_free(one);
}

static void test_deterministic(void **state)
{
  const char *text = "# Report\n\nThe actor used PowerShell to download a second stage with "
                     "Invoke-WebRequest and ran it through rundll32.\n\nIt then enumerated "
                     "running processes with tasklist and collected the host name.\n";
  ctix_ttp_list *a = map_text(text, true, NULL, NULL), *b = map_text(text, true, NULL, NULL);
  (void)state;
  assert_same_hits(a, b);
  ctix_ttp_list_free(a);
  ctix_ttp_list_free(b);
  ctix_ttp_list_free(NULL);
}

static void test_no_technique(void **state)
{
  ctix_ttp_list *l = map_text("The weather in Lisbon was sunny and the conference dinner was "
                              "excellent.",
                              false, NULL, NULL);
  (void)state;
  assert_int_equal(l->count, 0);
  ctix_ttp_list_free(l);
  assert_string_equal(ctix_ttp_status_name(CTIX_TTP_POTENTIAL), "potential");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain_procedure), cmocka_unit_test(test_negated_not_observed),
      cmocka_unit_test(test_advice_and_references), cmocka_unit_test(test_sub_over_parent),
      cmocka_unit_test(test_publication_notice),
      cmocka_unit_test(test_literal_ids),      cmocka_unit_test(test_stated_ids),
      cmocka_unit_test(test_stated_parent_id), cmocka_unit_test(test_stated_not_claims),
      cmocka_unit_test(test_stated_observed_and_minimum), cmocka_unit_test(test_options),
      cmocka_unit_test(test_deterministic),    cmocka_unit_test(test_no_technique),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
