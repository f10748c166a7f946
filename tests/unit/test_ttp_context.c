/*
 * Unit tests of the sentence context of the technique mapper
 * (src/lib/ttp/context.c): negation, hypothetical and advice cues on bare
 * sentences, ID-table rows, and, on whole documents, section kinds from
 * the enclosing headings (references, mitigations, detection) and
 * imperatives that count as advice only in lists or mitigation sections.
 * Each flag is checked on sentences that must and must not raise it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ctix/document.h"
#include "ttp/cues_internal.h"

static unsigned ctx(const char *s)
{
  return ctix__ttp_text_context(s, strlen(s));
}

static void expect_flag(const char *s, unsigned flag, bool want)
{
  unsigned f = ctx(s);
  if (((f & flag) != 0) != want)
    fail_msg("'%s': flags %#x, flag %#x expected %s", s, f, flag, want ? "set" : "clear");
}

static void test_negation(void **state)
{
  (void)state;
  expect_flag("The actor did not use PowerShell.", CTIX__TTP_CTX_NEGATED, true);
  expect_flag("We found no evidence of lateral movement.", CTIX__TTP_CTX_NEGATED, true);
  expect_flag("Credential dumping was not observed in this intrusion.", CTIX__TTP_CTX_NEGATED,
              true);
  expect_flag("The malware failed to escalate privileges.", CTIX__TTP_CTX_NEGATED, true);
  expect_flag("An unsuccessful attempt to brute force the VPN.", CTIX__TTP_CTX_NEGATED, true);
  expect_flag("The actor used PowerShell to download the payload.", CTIX__TTP_CTX_NEGATED, false);
  expect_flag("Notably, the dropper deletes itself.", CTIX__TTP_CTX_NEGATED, false);
  expect_flag("A never-before-seen backdoor was deployed.", CTIX__TTP_CTX_NEGATED, false);
}

static void test_hypothetical(void **state)
{
  (void)state;
  expect_flag("The flaw could allow an attacker to execute arbitrary code.",
              CTIX__TTP_CTX_HYPOTHETICAL, true);
  expect_flag("Rundll32 may be used to proxy execution.", CTIX__TTP_CTX_HYPOTHETICAL, true);
  expect_flag("WMI can be abused for persistence.", CTIX__TTP_CTX_HYPOTHETICAL, true);
  expect_flag("This would allow the operator to move laterally.", CTIX__TTP_CTX_HYPOTHETICAL,
              true);
  expect_flag("This is a potential persistence mechanism.", CTIX__TTP_CTX_HYPOTHETICAL, true);
  expect_flag("If the user enables macros, then the payload runs.", CTIX__TTP_CTX_HYPOTHETICAL,
              true);
  expect_flag("The loader injected code into explorer.exe.", CTIX__TTP_CTX_HYPOTHETICAL, false);
  expect_flag("The gift card scam was then reported.", CTIX__TTP_CTX_HYPOTHETICAL, false);
}

static void test_advice(void **state)
{
  (void)state;
  expect_flag("We recommend disabling Office macros.", CTIX__TTP_CTX_ADVICE, true);
  expect_flag("Organizations should enable MFA on remote access.", CTIX__TTP_CTX_ADVICE, true);
  expect_flag("Ensure that PowerShell logging is on.", CTIX__TTP_CTX_ADVICE, true);
  expect_flag("The malware ensures it runs at logon.", CTIX__TTP_CTX_ADVICE, false);
  expect_flag("The actor disabled Windows Defender.", CTIX__TTP_CTX_ADVICE, false);
  /* an imperative alone is not advice in a bare sentence */
  expect_flag("Disable SMBv1.", CTIX__TTP_CTX_ADVICE, false);
}

/* The publication's notices to its reader describe no attack. */
static void test_publication(void **state)
{
  (void)state;
  expect_flag("Download the PDF version of this report:", CTIX__TTP_CTX_PUBLICATION, true);
  expect_flag("Click here for a PDF version of this report.", CTIX__TTP_CTX_PUBLICATION, true);
  expect_flag("Subscribe to our newsletter for weekly threat summaries.",
              CTIX__TTP_CTX_PUBLICATION, true);
  expect_flag("Follow us on Twitter.", CTIX__TTP_CTX_PUBLICATION, true);
  /* the actor's downloads and lures are attack descriptions */
  expect_flag("The loader downloads the PDF lure from the C2 server.", CTIX__TTP_CTX_PUBLICATION,
              false);
  expect_flag("The actors download the payload with certutil.", CTIX__TTP_CTX_PUBLICATION, false);
  expect_flag("Victims who subscribe to the fake service receive a loader.",
              CTIX__TTP_CTX_PUBLICATION, false);
  /* quoted lures and attackers' instructions that open like a notice */
  expect_flag("\"Download the PDF invoice,\" the phishing email urged, and the attachment ran a macro.",
              CTIX__TTP_CTX_PUBLICATION, false);
  expect_flag("Click here to view the secure PDF, the phishing email said, linking to a page that "
              "harvested credentials.",
              CTIX__TTP_CTX_PUBLICATION, false);
  expect_flag("Share this document with your team, the lure urged, before a scheduled task "
              "started the loader.",
              CTIX__TTP_CTX_PUBLICATION, false);
  expect_flag("Follow us on the new portal, the fake notice said, and the page served a "
              "malicious JavaScript file.",
              CTIX__TTP_CTX_PUBLICATION, false);
  expect_flag("Sign up pages cloned from Microsoft login harvested credentials of employees "
              "across the company.",
              CTIX__TTP_CTX_PUBLICATION, false);
  expect_flag("The actors sent a weaponized PDF version of this report to the victims.",
              CTIX__TTP_CTX_PUBLICATION, false);
}

static void test_id_table(void **state)
{
  (void)state;
  expect_flag("Exploitation of Remote Services [T1210]", CTIX__TTP_CTX_ID_TABLE, true);
  expect_flag("Initial Access | T1566.001 | Spearphishing Attachment", CTIX__TTP_CTX_ID_TABLE,
              true);
  expect_flag("T1059.001, T1105, T1021.002", CTIX__TTP_CTX_ID_TABLE, true);
  expect_flag("The actor exploited remote services (T1210) to move laterally across the network.",
              CTIX__TTP_CTX_ID_TABLE, false);
  expect_flag("Exploitation of Remote Services", CTIX__TTP_CTX_ID_TABLE, false);
  expect_flag("", CTIX__TTP_CTX_ID_TABLE, false);
  /* two prose words and fillers are still a table; a third one is prose, wherever the id is */
  expect_flag("used with the tool via T1105", CTIX__TTP_CTX_ID_TABLE, true);
  expect_flag("used with the tool via more T1105", CTIX__TTP_CTX_ID_TABLE, false);
  expect_flag("T1105 used with the tool via more", CTIX__TTP_CTX_ID_TABLE, false);
  /* an id needs four digits after its T, at the end of the text too */
  expect_flag("see T1105", CTIX__TTP_CTX_ID_TABLE, true);
  expect_flag("see T110", CTIX__TTP_CTX_ID_TABLE, false);
  expect_flag("Tools T1 x", CTIX__TTP_CTX_ID_TABLE, false);
  assert_int_equal(ctx("The actor used PowerShell."), 0);
}

/* Context of the sentence of `doc` that starts with `prefix`. */
static unsigned doc_ctx(const ctix_document *doc, const char *prefix)
{
  size_t i;
  for (i = 0; i < doc->nsentences; i++) {
    const ctix_sentence *s = &doc->sentences[i];
    if (s->span.end - s->span.start >= strlen(prefix) &&
        memcmp(doc->text + s->span.start, prefix, strlen(prefix)) == 0)
      return ctix__ttp_sentence_context(doc, i);
  }
  fail_msg("no sentence starts with '%s'", prefix);
  return 0;
}

static void test_sections(void **state)
{
  static const char md[] =
      "# Intrusion report\n\n"
      "The actor used PowerShell to run the loader.\n\n"
      "- Disable the antivirus service first.\n\n"
      "## Detection evasion\n\n"
      "The loader disables event logging.\n\n"
      "## Mitigations\n\n"
      "- Disable PowerShell v2 on all hosts.\n\n"
      "Restrict the use of WMI.\n\n"
      "### Hardening PowerShell\n\n"
      "Constrained language mode limits scripts.\n\n"
      "## 5. Detection\n\n"
      "Alerts on rundll32 with no arguments.\n\n"
      "## Techniques\n\n"
      "| Tactic | Technique |\n|---|---|\n| Execution | T1059.001 |\n\n"
      "## References\n\n"
      "The PowerShell abuse paper, 2021.\n";
  ctix_document *doc = NULL;
  ctix_error err;
  ctix_doc_options o;
  (void)state;
  ctix_error_clear(&err);
  ctix_doc_options_init(&o);
  o.format = CTIX_FORMAT_MARKDOWN;
  assert_int_equal(ctix_document_parse(&doc, md, sizeof(md) - 1, &o, &err), 0);
  assert_int_equal(doc_ctx(doc, "The actor used PowerShell"), 0);
  /* an imperative in a list is advice even outside a mitigation section */
  assert_int_equal(doc_ctx(doc, "Disable the antivirus"), CTIX__TTP_CTX_ADVICE);
  /* "Detection evasion" is not a detection section */
  assert_int_equal(doc_ctx(doc, "The loader disables"), 0);
  assert_int_equal(doc_ctx(doc, "Disable PowerShell v2"),
                   CTIX__TTP_CTX_MITIGATION | CTIX__TTP_CTX_ADVICE);
  assert_int_equal(doc_ctx(doc, "Restrict the use"), CTIX__TTP_CTX_MITIGATION | CTIX__TTP_CTX_ADVICE);
  /* a subsection inherits the kind of the enclosing heading */
  assert_int_equal(doc_ctx(doc, "Constrained language"), CTIX__TTP_CTX_MITIGATION);
  assert_int_equal(doc_ctx(doc, "Alerts on rundll32"), CTIX__TTP_CTX_MITIGATION);
  assert_true(doc_ctx(doc, "Execution") & CTIX__TTP_CTX_ID_TABLE);
  assert_int_equal(doc_ctx(doc, "The PowerShell abuse paper"), CTIX__TTP_CTX_REFERENCE);
  /* out of range */
  assert_int_equal(ctix__ttp_sentence_context(doc, doc->nsentences), 0);
  assert_int_equal(ctix__ttp_sentence_context(NULL, 0), 0);
  ctix_document_free(doc);
}

static void expect_context_error(const char *text, const char *want)
{
  ctix__ttp_patset *ps = NULL;
  ctix_error err;
  char msg[512];
  ctix_error_clear(&err);
  assert_int_equal(ctix__ttp_context_parse(&ps, text, strlen(text), "context.tsv", &err),
                   CTIX_EPARSE);
  assert_null(ps);
  ctix_error_format(msg, sizeof(msg), &err);
  if (!strstr(msg, want))
    fail_msg("context '%s': error '%s', want '%s'", text, msg, want);
}

static void test_context_file(void **state)
{
  ctix__ttp_patset *ps = NULL;
  ctix_error err;
  const char *ok = "# c\nnegated\tany\tdid not\nimperative\tstart\tdisable\n"
                   "mitigation-heading\twhole\tdetection\n";
  (void)state;
  ctix_error_clear(&err);
  assert_int_equal(ctix__ttp_context_parse(&ps, ok, strlen(ok), "context.tsv", &err), 0);
  ctix__ttp_patset_free(ps);
  expect_context_error("negated\tdid not\n", "context.tsv:1:1: expected 3 tab-separated");
  expect_context_error("\nsad\tany\tx\n", "context.tsv:2:1: unknown kind");
  expect_context_error("negated\tsomewhere\tx\n", "context.tsv:1:9: where must be");
  expect_context_error("negated\tany\tDid not\n", "context.tsv:1:13: pattern must be lower-case");
  /* the embedded file loads */
  assert_int_equal(ctix__ttp_context_init(&err), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_negation),     cmocka_unit_test(test_hypothetical),
      cmocka_unit_test(test_advice),       cmocka_unit_test(test_id_table),
      cmocka_unit_test(test_publication),
      cmocka_unit_test(test_sections),     cmocka_unit_test(test_context_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
