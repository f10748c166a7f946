/*
 * Unit tests of the sentence splitter (src/lib/document/sentence.c).
 *
 * A table of sentences shaped like real threat-report prose, each with its
 * exact expected segmentation, covers the hard cases: IPs, domains,
 * versions, defanged IOCs, file names, URLs, hashes, CVE and ATT&CK ids,
 * abbreviations, initials, ellipses, decimals, list items and table rows
 * without final punctuation, quotes and brackets after terminators, ?/!,
 * sentences starting with digits or lowercase brand names, raw text with
 * line breaks and list items. Every result is also checked against the
 * span invariants (ordered, in bounds, trimmed, non-overlapping, covering
 * every non-space byte), and so are the real articles of
 * ../shared/data/articles/dev when present.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/document.h"
#include "ctix_config.h"
#include "document/builder.h"
#include "util/buf.h"

#define MAXS 8

typedef struct split_case {
  const char *in;
  const char *out[MAXS]; /* expected sentences, NULL-terminated */
} split_case;

static const split_case cases[] = {
  /* IPs, domains, IOCs at the end of a sentence */
  {"The implant beaconed to 192.168.1.10 over port 443. It then downloaded a second stage.",
   {"The implant beaconed to 192.168.1.10 over port 443.",
    "It then downloaded a second stage."}},
  {"The loader connected to 10.0.0.1. The server responded with an encrypted blob.",
   {"The loader connected to 10.0.0.1.", "The server responded with an encrypted blob."}},
  {"Victims were redirected to evil.example.com, a lookalike domain. The page hosted a fake "
   "installer.",
   {"Victims were redirected to evil.example.com, a lookalike domain.",
    "The page hosted a fake installer."}},
  {"The C2 domain was update.microsoft-cdn.net. Researchers sinkholed it in March.",
   {"The C2 domain was update.microsoft-cdn.net.", "Researchers sinkholed it in March."}},
  {"Phishing emails came from billing@acme-payments.com. They carried ISO attachments.",
   {"Phishing emails came from billing@acme-payments.com.", "They carried ISO attachments."}},
  /* version numbers */
  {"The flaw affects FortiOS v7.2.4 and earlier. Fortinet released 7.2.5 to fix it.",
   {"The flaw affects FortiOS v7.2.4 and earlier.", "Fortinet released 7.2.5 to fix it."}},
  {"The sample only runs on Windows 10.0.19041 or later.",
   {"The sample only runs on Windows 10.0.19041 or later."}},
  {"Upgrade Ivanti Connect Secure to version 22.7R2.5. Older builds remain exploitable.",
   {"Upgrade Ivanti Connect Secure to version 22.7R2.5.", "Older builds remain exploitable."}},
  {"The fix shipped in v2.4.1. Users should update immediately.",
   {"The fix shipped in v2.4.1.", "Users should update immediately."}},
  {"Version 3.0 was released in 2021. It added AES-256 encryption.",
   {"Version 3.0 was released in 2021.", "It added AES-256 encryption."}},
  {"See section 4.2. The appendix lists all hashes.",
   {"See section 4.2.", "The appendix lists all hashes."}},
  /* defanged indicators */
  {"Block traffic to evil[.]com and login-portal[.]net at the proxy.",
   {"Block traffic to evil[.]com and login-portal[.]net at the proxy."}},
  {"The payload was hosted at hxxp://bad[.]site/x and hxxps://cdn[.]evil[.]org/a.bin. Both "
   "URLs are now offline.",
   {"The payload was hosted at hxxp://bad[.]site/x and hxxps://cdn[.]evil[.]org/a.bin.",
    "Both URLs are now offline."}},
  {"The scanner originated from 1.2.3[.]4 and 45.77.10[.]12. The activity lasted two days.",
   {"The scanner originated from 1.2.3[.]4 and 45.77.10[.]12.",
    "The activity lasted two days."}},
  {"Analysts also saw example(.)com in the phishing emails.",
   {"Analysts also saw example(.)com in the phishing emails."}},
  {"The actor registered evil . com shortly before the campaign.",
   {"The actor registered evil . com shortly before the campaign."}},
  {"The lure linked to evil [.] com and a cloned login page.",
   {"The lure linked to evil [.] com and a cloned login page."}},
  {"All beacons went to evil[.]com. No other domains were observed.",
   {"All beacons went to evil[.]com.", "No other domains were observed."}},
  /* file names, paths, URLs, hashes */
  {"The email carried invoice.pdf.exe, a double-extension executable. Opening it installed "
   "the RAT.",
   {"The email carried invoice.pdf.exe, a double-extension executable.",
    "Opening it installed the RAT."}},
  {"The loader side-loads a.b.dll from the same folder as the signed binary.",
   {"The loader side-loads a.b.dll from the same folder as the signed binary."}},
  {"Persistence relied on a malicious version.dll. The DLL is loaded by OneDrive.exe at logon.",
   {"Persistence relied on a malicious version.dll.",
    "The DLL is loaded by OneDrive.exe at logon."}},
  {"It writes C:\\Users\\Public\\svc.exe and adds a Run key.",
   {"It writes C:\\Users\\Public\\svc.exe and adds a Run key."}},
  {"The stager fetched https://cdn.example.net/load.php?id=42&k=a.b. The response was "
   "XOR-encoded.",
   {"The stager fetched https://cdn.example.net/load.php?id=42&k=a.b.",
    "The response was XOR-encoded."}},
  {"See https://example.com/?q=test for details.", {"See https://example.com/?q=test for details."}},
  {"Download the advisory from https://www.cisa.gov/news-events/alerts. It lists every IOC.",
   {"Download the advisory from https://www.cisa.gov/news-events/alerts.", "It lists every IOC."}},
  {"The dropper has SHA-256 hash "
   "3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea. It is packed with UPX.",
   {"The dropper has SHA-256 hash "
    "3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea.",
    "It is packed with UPX."}},
  {"Variants share the prefix 9e107d9d372bb682... and differ only in their overlay.",
   {"Variants share the prefix 9e107d9d372bb682... and differ only in their overlay."}},
  {"The implant is written in .NET and uses AES. It targets Windows servers.",
   {"The implant is written in .NET and uses AES.", "It targets Windows servers."}},
  {"The operator ran whoami /all. Then net group \"domain admins\" /domain was executed.",
   {"The operator ran whoami /all.", "Then net group \"domain admins\" /domain was executed."}},
  /* CVE and ATT&CK ids */
  {"The attackers exploited CVE-2024-3400. Palo Alto Networks patched the bug in April.",
   {"The attackers exploited CVE-2024-3400.", "Palo Alto Networks patched the bug in April."}},
  {"CVE-2023-4966 (Citrix Bleed) lets attackers hijack sessions. CISA added it to the KEV "
   "catalog.",
   {"CVE-2023-4966 (Citrix Bleed) lets attackers hijack sessions.",
    "CISA added it to the KEV catalog."}},
  {"This maps to T1059.001 (PowerShell) and T1566.002 (Spearphishing Link). Detection "
   "guidance follows.",
   {"This maps to T1059.001 (PowerShell) and T1566.002 (Spearphishing Link).",
    "Detection guidance follows."}},
  {"The script execution maps to T1059.001. Defenders should enable script block logging.",
   {"The script execution maps to T1059.001.",
    "Defenders should enable script block logging."}},
  /* abbreviations */
  {"The group abuses remote access tools, e.g. AnyDesk and TeamViewer, to keep access.",
   {"The group abuses remote access tools, e.g. AnyDesk and TeamViewer, to keep access."}},
  {"Use strong MFA (e.g., FIDO2 keys) for all admin accounts.",
   {"Use strong MFA (e.g., FIDO2 keys) for all admin accounts."}},
  {"The backdoor uses DNS tunneling, i.e. it encodes data in subdomain labels.",
   {"The backdoor uses DNS tunneling, i.e. it encodes data in subdomain labels."}},
  {"The stealer harvests cookies, saved passwords, crypto wallets, etc. The data is zipped "
   "and sent over Telegram.",
   {"The stealer harvests cookies, saved passwords, crypto wallets, etc.",
    "The data is zipped and sent over Telegram."}},
  {"It also collects screenshots, clipboard data, etc. and uploads them hourly.",
   {"It also collects screenshots, clipboard data, etc. and uploads them hourly."}},
  {"Acme Inc. said the breach affected 3,000 customers.",
   {"Acme Inc. said the breach affected 3,000 customers."}},
  {"The vulnerable component is sold by Acme Software Inc. The vendor has not responded.",
   {"The vulnerable component is sold by Acme Software Inc.", "The vendor has not responded."}},
  {"Contoso Ltd. and Fabrikam Corp. disclosed the intrusion in filings with the SEC.",
   {"Contoso Ltd. and Fabrikam Corp. disclosed the intrusion in filings with the SEC."}},
  {"The vendor (Acme Inc.) said no data was lost.",
   {"The vendor (Acme Inc.) said no data was lost."}},
  {"The indictment names John Doe Jr. as the operator.",
   {"The indictment names John Doe Jr. as the operator."}},
  {"The U.S. Cybersecurity and Infrastructure Security Agency (CISA) published the advisory.",
   {"The U.S. Cybersecurity and Infrastructure Security Agency (CISA) published the advisory."}},
  {"The campaign targeted defense contractors in the U.S. The same servers hit Europe later.",
   {"The campaign targeted defense contractors in the U.S.",
    "The same servers hit Europe later."}},
  {"The U.K. National Cyber Security Centre and the U.S. FBI co-signed the alert.",
   {"The U.K. National Cyber Security Centre and the U.S. FBI co-signed the alert."}},
  {"The campaign targeted U.S. AI companies through proxy services.",
   {"The campaign targeted U.S. AI companies through proxy services."}},
  {"U.S. officials attributed the attack to Volt Typhoon.",
   {"U.S. officials attributed the attack to Volt Typhoon."}},
  {"The patch is tracked as Advisory No. 2024-017 by the vendor.",
   {"The patch is tracked as Advisory No. 2024-017 by the vendor."}},
  {"As shown in Fig. 3, the loader decrypts its configuration with RC4.",
   {"As shown in Fig. 3, the loader decrypts its configuration with RC4."}},
  {"The technique is described on pp. 12-14 of the report.",
   {"The technique is described on pp. 12-14 of the report."}},
  {"Detection rates for packed vs. unpacked samples differed sharply.",
   {"Detection rates for packed vs. unpacked samples differed sharply."}},
  {"The botnet comprised approx. 12,000 compromised routers.",
   {"The botnet comprised approx. 12,000 compromised routers."}},
  {"The leak contained ca. 2 TB of data.", {"The leak contained ca. 2 TB of data."}},
  {"This mirrors earlier activity (cf. the 2022 report on Sandworm).",
   {"This mirrors earlier activity (cf. the 2022 report on Sandworm)."}},
  {"APT28 (a.k.a. Fancy Bear) targeted the ministry.",
   {"APT28 (a.k.a. Fancy Bear) targeted the ministry."}},
  {"The malware was analysed by a Ph.D. student at the university.",
   {"The malware was analysed by a Ph.D. student at the university."}},
  {"The technique was first described by Smith et al. in a 2019 paper.",
   {"The technique was first described by Smith et al. in a 2019 paper."}},
  {"It was documented by Smith et al. The authors also released a decryptor.",
   {"It was documented by Smith et al.", "The authors also released a decryptor."}},
  /* months, titles, times */
  {"On Jan. 15, 2025, the actor began scanning for exposed VPN appliances.",
   {"On Jan. 15, 2025, the actor began scanning for exposed VPN appliances."}},
  {"The first samples appeared in Feb. The operators then paused for two months.",
   {"The first samples appeared in Feb.", "The operators then paused for two months."}},
  {"Microsoft patched the flaw on Sept. 10 as part of Patch Tuesday.",
   {"Microsoft patched the flaw on Sept. 10 as part of Patch Tuesday."}},
  {"Activity peaked in Dec. 2023 before dropping sharply.",
   {"Activity peaked in Dec. 2023 before dropping sharply."}},
  {"Dr. Jane Smith and Mr. Lee presented the findings at the conference.",
   {"Dr. Jane Smith and Mr. Lee presented the findings at the conference."}},
  {"Gen. Nakasone testified before the committee.",
   {"Gen. Nakasone testified before the committee."}},
  {"The victim, a hospital in St. Petersburg, restored from backups within a week.",
   {"The victim, a hospital in St. Petersburg, restored from backups within a week."}},
  {"Encryption started at 2 a.m. local time and finished by 4 a.m. on Sunday.",
   {"Encryption started at 2 a.m. local time and finished by 4 a.m. on Sunday."}},
  {"The exfiltration ended around 11 p.m. The attackers then wiped the logs.",
   {"The exfiltration ended around 11 p.m.", "The attackers then wiped the logs."}},
  {"The alert fired at 3:15 p.m. UTC and was escalated within minutes.",
   {"The alert fired at 3:15 p.m. UTC and was escalated within minutes."}},
  /* initials */
  {"The report by J. R. Miller describes the implant in detail.",
   {"The report by J. R. Miller describes the implant in detail."}},
  {"Decoy documents quoted J. R. R. Tolkien to lure literature students.",
   {"Decoy documents quoted J. R. R. Tolkien to lure literature students."}},
  /* ellipses */
  {"The ransom note begins with \"All your files are encrypted...\" and then lists a Tor URL.",
   {"The ransom note begins with \"All your files are encrypted...\" and then lists a Tor URL."}},
  {"The operators waited... Then they deployed the wiper across the domain.",
   {"The operators waited...", "Then they deployed the wiper across the domain."}},
  {"The beacon interval grew longer\xE2\x80\xA6 Eventually the implant went silent.",
   {"The beacon interval grew longer\xE2\x80\xA6", "Eventually the implant went silent."}},
  {"The advisory says \"the actor [...] exploited edge devices\" in 2023.",
   {"The advisory says \"the actor [...] exploited edge devices\" in 2023."}},
  /* numbers */
  {"The group demanded $1.5 million in Bitcoin. The victim refused to pay.",
   {"The group demanded $1.5 million in Bitcoin.", "The victim refused to pay."}},
  {"Losses reached an estimated $4.2 billion in 2023. Business email compromise led the list.",
   {"Losses reached an estimated $4.2 billion in 2023.",
    "Business email compromise led the list."}},
  {"About 12.5% of the scanned hosts were still vulnerable.",
   {"About 12.5% of the scanned hosts were still vulnerable."}},
  {"The worm spread quickly. 4,000 hosts were infected within an hour.",
   {"The worm spread quickly.", "4,000 hosts were infected within an hour."}},
  /* list items and table rows without final punctuation */
  {"Disable SMBv1 on all domain controllers", {"Disable SMBv1 on all domain controllers"}},
  {"T1566.001 | Spearphishing Attachment | Initial Access",
   {"T1566.001 | Spearphishing Attachment | Initial Access"}},
  {"evil[.]com | domain | C2 server | 2024-03-01", {"evil[.]com | domain | C2 server | 2024-03-01"}},
  {"1. Download the payload from evil.com and run it.",
   {"1. Download the payload from evil.com and run it."}},
  {"Two steps are required: 1. Update the firmware. 2. Rotate the keys.",
   {"Two steps are required: 1. Update the firmware.", "2. Rotate the keys."}},
  /* quotes and brackets after the terminator */
  {"The note read \"Pay or lose your data.\" Then the attackers emailed the CEO.",
   {"The note read \"Pay or lose your data.\"", "Then the attackers emailed the CEO."}},
  {"Kaspersky said the campaign was \xE2\x80\x9Chighly targeted.\xE2\x80\x9D The firm did not "
   "name victims.",
   {"Kaspersky said the campaign was \xE2\x80\x9Chighly targeted.\xE2\x80\x9D",
    "The firm did not name victims."}},
  {"Kaspersky named it 'Operation SyncHole.' The activity began in November.",
   {"Kaspersky named it 'Operation SyncHole.'", "The activity began in November."}},
  {"The file was named \xE2\x80\x98update.exe.\xE2\x80\x99 It was signed.",
   {"The file was named \xE2\x80\x98update.exe.\xE2\x80\x99", "It was signed."}},
  {"The loader is signed (the certificate was stolen.) Next it disables Defender.",
   {"The loader is signed (the certificate was stolen.)", "Next it disables Defender."}},
  {"(See the appendix for all IOCs.) The list is updated weekly.",
   {"(See the appendix for all IOCs.)", "The list is updated weekly."}},
  {"This technique was documented earlier [1]. Next, the actor dumps LSASS.",
   {"This technique was documented earlier [1].", "Next, the actor dumps LSASS."}},
  {"This technique was documented earlier.[2] Next, the actor dumps LSASS.",
   {"This technique was documented earlier.[2]", "Next, the actor dumps LSASS."}},
  {"This technique was documented earlier.[T1059.001] Next, the actor dumps LSASS.",
   {"This technique was documented earlier.[T1059.001]", "Next, the actor dumps LSASS."}},
  {"They work at night (10:00 p.m. to 06:00 a.m.) [T1678]. The binary is self-contained.",
   {"They work at night (10:00 p.m. to 06:00 a.m.) [T1678].",
    "The binary is self-contained."}},
  {"He wrote: \"It works (mostly).\" Then he left.",
   {"He wrote: \"It works (mostly).\"", "Then he left."}},
  {"**Note.** Apply the patch first.", {"**Note.**", "Apply the patch first."}},
  /* ? and ! */
  {"Was the data exfiltrated? Investigators found no evidence of it.",
   {"Was the data exfiltrated?", "Investigators found no evidence of it."}},
  {"Patch now! Exploitation in the wild has been confirmed.",
   {"Patch now!", "Exploitation in the wild has been confirmed."}},
  {"Another zero-day in the same VPN?! Customers are understandably frustrated.",
   {"Another zero-day in the same VPN?!", "Customers are understandably frustrated."}},
  {"\"Who is behind it?\" asked one analyst.", {"\"Who is behind it?\" asked one analyst."}},
  {"The phishing page said \"Yahoo!\" in its title.",
   {"The phishing page said \"Yahoo!\" in its title."}},
  /* sentences starting with a digit or a lowercase brand */
  {"The malicious package was published on the registry. npm removed it after 48 hours.",
   {"The malicious package was published on the registry.", "npm removed it after 48 hours."}},
  {"Apple fixed the flaw in April. iOS 17.4.1 and macOS 14.4.1 contain the patch.",
   {"Apple fixed the flaw in April.", "iOS 17.4.1 and macOS 14.4.1 contain the patch."}},
  /* raw text: line breaks, blank lines, lists after a colon */
  {"The malware performs the following actions:\n- collects system information\n- uploads "
   "files to the C2 server",
   {"The malware performs the following actions:", "- collects system information",
    "- uploads files to the C2 server"}},
  {"Mitigations:\n1. Patch the appliance.\n2. Reset all credentials.",
   {"Mitigations:", "1. Patch the appliance.", "2. Reset all credentials."}},
  {"Indicators:\n\xE2\x80\xA2 45.77.10.12\n\xE2\x80\xA2 evil[.]com",
   {"Indicators:", "\xE2\x80\xA2 45.77.10.12", "\xE2\x80\xA2 evil[.]com"}},
  {"Steps:\n  a) isolate the host\n  b) collect memory",
   {"Steps:", "a) isolate the host", "b) collect memory"}},
  {"Initial access\n\nThe actor used phishing emails.",
   {"Initial access", "The actor used phishing emails."}},
  {"The actor used stolen VPN credentials\nto log in to the network.",
   {"The actor used stolen VPN credentials\nto log in to the network."}},
  {"First paragraph ends here.\r\n\r\nSecond paragraph starts here.",
   {"First paragraph ends here.", "Second paragraph starts here."}},
  {"No final punctuation here\n \t\nnor here", {"No final punctuation here", "nor here"}},
  {"| Hash | Type |\n| abc | MD5 |", {"| Hash | Type |", "| abc | MD5 |"}},
  /* white space and degenerate input */
  {"  Leading and trailing spaces are trimmed.  ", {"Leading and trailing spaces are trimmed."}},
  {"First.   Second.", {"First.", "Second."}},
  {"Lazarus Group", {"Lazarus Group"}},
  {"...", {"..."}},
  {"?!", {"?!"}},
  {"   ", {NULL}},
  {"", {NULL}},
  {"\n\n\n", {NULL}},
};

/* --------------------------------------------------------------- helpers */

static int is_space(unsigned char c)
{
  return c == ' ' || (c >= '\t' && c <= '\r');
}

/*
 * Checks the span invariants on text[0..n): each span non-empty, inside the
 * text, after the previous one, trimmed of white space; and every non-space
 * byte inside some span. Returns NULL or a description of the violation.
 */
static const char *invariant_violation(const char *text, size_t n, const ctix_span *s,
                                       size_t count, size_t *where)
{
  size_t i, prev = 0, pos = 0;
  for (i = 0; i < count; i++) {
    *where = i;
    if (s[i].start >= s[i].end)
      return "empty or reversed span";
    if (s[i].end > n)
      return "span past the end of the text";
    if (s[i].start < prev)
      return "span overlaps or precedes the previous one";
    if (is_space((unsigned char)text[s[i].start]) || is_space((unsigned char)text[s[i].end - 1]))
      return "span not trimmed";
    for (; pos < s[i].start; pos++)
      if (!is_space((unsigned char)text[pos]))
        return "non-space byte outside every span";
    pos = prev = s[i].end;
  }
  *where = count;
  for (; pos < n; pos++)
    if (!is_space((unsigned char)text[pos]))
      return "non-space byte after the last span";
  return NULL;
}

static void assert_invariants(const char *text, size_t n, const ctix_span *s, size_t count,
                              const char *label)
{
  size_t where = 0;
  const char *why = invariant_violation(text, n, s, count, &where);
  if (why)
    fail_msg("%s: sentence %zu: %s", label, where, why);
}

static void print_split(const char *text, const ctix_span *s, size_t count)
{
  size_t i;
  for (i = 0; i < count; i++)
    print_message("    got [%.*s]\n", (int)(s[i].end - s[i].start), text + s[i].start);
}

/* ------------------------------------------------------------------ tests */

static void test_cases(void **state)
{
  size_t c, i, failures = 0;
  (void)state;
  assert_true(sizeof(cases) / sizeof(cases[0]) >= 70);
  for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
    const split_case *k = &cases[c];
    ctix_span *spans = NULL;
    size_t count = 9999, want = 0;
    ctix_error err;
    bool ok = true;
    ctix_error_clear(&err);
    assert_int_equal(ctix_sentences_split(&spans, &count, k->in, strlen(k->in), &err), 0);
    assert_int_equal(err.code, 0);
    assert_invariants(k->in, strlen(k->in), spans, count, k->in);
    while (want < MAXS && k->out[want])
      want++;
    if (count != want)
      ok = false;
    for (i = 0; ok && i < count; i++) {
      size_t len = spans[i].end - spans[i].start;
      if (len != strlen(k->out[i]) || memcmp(k->in + spans[i].start, k->out[i], len) != 0)
        ok = false;
    }
    if (!ok) {
      print_message("case %zu: [%s]\n", c, k->in);
      for (i = 0; i < want; i++)
        print_message("   want [%s]\n", k->out[i]);
      print_split(k->in, spans, count);
      failures++;
    }
    free(spans);
  }
  if (failures)
    fail_msg("%zu of %zu cases segmented differently", failures,
             sizeof(cases) / sizeof(cases[0]));
}

/* The builder's prose is whitespace-collapsed: the same cases with their
 * white space collapsed must still satisfy the invariants, and the
 * one-line cases must give the same sentences. */
static void test_cases_collapsed(void **state)
{
  size_t c;
  (void)state;
  for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
    char buf[1024];
    const char *in = cases[c].in;
    size_t n = 0, i, count = 0, want = 0;
    ctix_span *spans = NULL;
    int space = 0;
    for (i = 0; in[i] && n + 1 < sizeof(buf); i++) {
      if (is_space((unsigned char)in[i])) {
        space = n > 0;
        continue;
      }
      if (space)
        buf[n++] = ' ';
      space = 0;
      buf[n++] = in[i];
    }
    assert_int_equal(ctix_sentences_split(&spans, &count, buf, n, NULL), 0);
    assert_invariants(buf, n, spans, count, in);
    if (!strchr(in, '\n')) {
      while (want < MAXS && cases[c].out[want])
        want++;
      assert_int_equal(count, want);
    }
    free(spans);
  }
}

typedef struct stop_ctx {
  size_t calls, stop_after;
} stop_ctx;

static int stop_emit(void *ud, size_t start, size_t end)
{
  stop_ctx *c = ud;
  (void)start;
  (void)end;
  return ++c->calls >= c->stop_after ? -42 : 0;
}

/* The first non-zero value of emit stops the split and is returned. */
static void test_emit_error_stops(void **state)
{
  const char *t = "One. Two. Three. Four.";
  stop_ctx c = {0, 2};
  (void)state;
  assert_int_equal(ctix__sentence_split(t, strlen(t), stop_emit, &c), -42);
  assert_int_equal(c.calls, 2);
  c.calls = 0;
  c.stop_after = 100;
  assert_int_equal(ctix__sentence_split(t, strlen(t), stop_emit, &c), 0);
  assert_int_equal(c.calls, 4);
}

static void test_api_errors(void **state)
{
  ctix_span *spans = (ctix_span *)(void *)&spans;
  size_t count = 7;
  ctix_error err;
  (void)state;
  ctix_error_clear(&err);
  assert_int_equal(ctix_sentences_split(NULL, &count, "a.", 2, &err), CTIX_EINVAL);
  assert_int_equal(err.code, CTIX_EINVAL);
  assert_true(strlen(err.message) > 0);
  ctix_error_clear(&err);
  assert_int_equal(ctix_sentences_split(&spans, NULL, "a.", 2, &err), CTIX_EINVAL);
  assert_null(spans);
  ctix_error_clear(&err);
  assert_int_equal(ctix_sentences_split(&spans, &count, NULL, 3, &err), CTIX_EINVAL);
  assert_int_equal(count, 0);
  /* NULL text of length 0 is simply empty. */
  assert_int_equal(ctix_sentences_split(&spans, &count, NULL, 0, NULL), 0);
  assert_int_equal(count, 0);
  free(spans);
}

/* Embedded NUL bytes and invalid UTF-8 are just bytes to the splitter. */
static void test_binary_bytes(void **state)
{
  static const char t[] = "Bad\0bytes \xff\xfe here. Next \xe2\x80 one.\xe2";
  ctix_span *spans = NULL;
  size_t count = 0;
  (void)state;
  assert_int_equal(ctix_sentences_split(&spans, &count, t, sizeof(t) - 1, NULL), 0);
  assert_invariants(t, sizeof(t) - 1, spans, count, "binary");
  assert_int_equal(count, 2);
  assert_int_equal(spans[1].start, 19);
  free(spans);
}

/* Long inputs: no split inside a 1 MB token, every sentence of a long run
 * of short ones. */
static void test_long_inputs(void **state)
{
  ctix_buf b = CTIX_BUF_INIT(8u << 20);
  ctix_span *spans = NULL;
  size_t count = 0, i;
  (void)state;
  for (i = 0; i < (1u << 20); i++)
    ctix__buf_addc(&b, "a.b"[i % 3]);
  assert_int_equal(b.err, 0);
  assert_int_equal(ctix_sentences_split(&spans, &count, b.data, b.len, NULL), 0);
  assert_int_equal(count, 1);
  free(spans);
  ctix__buf_reset(&b);
  for (i = 0; i < 20000; i++)
    ctix__buf_addf(&b, "Host %zu beaconed to 10.0.%zu.%zu. ", i, i / 256 % 256, i % 256);
  assert_int_equal(b.err, 0);
  assert_int_equal(ctix_sentences_split(&spans, &count, b.data, b.len, NULL), 0);
  assert_int_equal(count, 20000);
  assert_invariants(b.data, b.len, spans, count, "long");
  free(spans);
  ctix__buf_free(&b);
}

/* ------------------------------------------- the splitter's data tables */

static int read_file(ctix_buf *out, const char *path)
{
  char chunk[65536];
  size_t n;
  FILE *f = fopen(path, "rb");
  if (!f)
    return -1;
  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
    ctix__buf_add(out, chunk, n);
  fclose(f);
  return out->err ? -1 : 0;
}


/* Number of sentences ctix_sentences_split finds in the C string t. */
static size_t count_sentences(const char *t)
{
  ctix_span *spans = NULL;
  size_t count = 0;
  assert_int_equal(ctix_sentences_split(&spans, &count, t, strlen(t), NULL), 0);
  assert_invariants(t, strlen(t), spans, count, t);
  free(spans);
  return count;
}

/* Reads src/lib/document/sentence.c and returns the text of the table that
 * starts with `decl` (up to its closing "};"), NUL-terminated in *src. */
static const char *table_text(ctix_buf *src, const char *decl)
{
  char *start, *end;
  ctix__buf_reset(src);
  if (read_file(src, CTIX_SOURCE_DIR "/src/lib/document/sentence.c") != 0)
    fail_msg("cannot read sentence.c from %s", CTIX_SOURCE_DIR);
  start = strstr(src->data, decl);
  if (!start)
    fail_msg("table \"%s\" not found in sentence.c", decl);
  end = strstr(start, "};");
  assert_non_null(end);
  *end = '\0';
  return start + strlen(decl);
}

/* Next string literal in *p (advanced past it) copied to out; false at the end. */
static bool next_literal(const char **p, char *out, size_t size)
{
  const char *q = strchr(*p, '"'), *e;
  if (!q)
    return false;
  e = strchr(q + 1, '"');
  assert_non_null(e);
  assert_true((size_t)(e - q - 1) < size);
  memcpy(out, q + 1, (size_t)(e - q - 1));
  out[e - q - 1] = '\0';
  *p = e + 1;
  return true;
}

/*
 * Every abbreviation of the table (read from the source, so none is
 * missed) is found: written as in prose and followed by a lowercase word it
 * never ends the sentence, while an ordinary word there does. This also
 * proves the table is sorted for its binary search.
 */
static void test_abbreviation_table(void **state)
{
  ctix_buf src = CTIX_BUF_INIT(1u << 24);
  const char *p;
  char key[32], prev[32] = "", text[128];
  size_t entries = 0;
  (void)state;
  p = table_text(&src, "abbrevs[] = {");
  while (next_literal(&p, key, sizeof(key))) {
    const char *comma = strchr(p, ','), *cap;
    assert_non_null(comma);
    cap = strchr(comma + 1, ',');
    assert_non_null(cap);
    if (strcmp(prev, key) >= 0)
      fail_msg("abbreviation \"%s\" out of order after \"%s\"", key, prev);
    memcpy(prev, key, sizeof(prev));
    if (cap[1] == ' ' && cap[2] == '1')
      key[0] = (char)(key[0] - 32);
    snprintf(text, sizeof(text), "They named %s. continued the work.", key);
    if (count_sentences(text) != 1)
      fail_msg("abbreviation not recognised: [%s]", text);
    entries++;
  }
  assert_true(entries > 50);
  assert_int_equal(count_sentences("They named Acme. continued the work."), 2);
  ctix__buf_free(&src);
}

/* Every sentence starter ends a sentence after "U.S."; every time zone
 * keeps "p.m." inside the sentence; both tables are sorted. */
static void test_word_tables(void **state)
{
  ctix_buf src = CTIX_BUF_INIT(1u << 24);
  const char *p;
  char word[32], prev[32] = "", text[128];
  size_t i, n = 0;
  (void)state;
  p = table_text(&src, "starters[] = {");
  while (next_literal(&p, word, sizeof(word))) {
    if (strcmp(prev, word) >= 0)
      fail_msg("starter \"%s\" out of order", word);
    memcpy(prev, word, sizeof(prev));
    word[0] = (char)(word[0] - 32);
    snprintf(text, sizeof(text), "The servers were in the U.S. %s one was not.", word);
    if (count_sentences(text) != 2)
      fail_msg("starter not recognised: [%s]", text);
    n++;
  }
  assert_true(n > 50);
  assert_int_equal(count_sentences("The servers were in the U.S. Treasury networks."), 1);
  prev[0] = '\0';
  n = 0;
  p = table_text(&src, "timezones[] = {");
  while (next_literal(&p, word, sizeof(word))) {
    if (strcmp(prev, word) >= 0)
      fail_msg("time zone \"%s\" out of order", word);
    memcpy(prev, word, sizeof(prev));
    for (i = 0; word[i]; i++)
      word[i] = (char)(word[i] - 32);
    snprintf(text, sizeof(text), "The job ran at 5 p.m. %s on Friday.", word);
    if (count_sentences(text) != 1)
      fail_msg("time zone not recognised: [%s]", text);
    n++;
  }
  assert_true(n > 10);
  assert_int_equal(count_sentences("The job ran at 5 p.m. CISA was told later."), 2);
  ctix__buf_free(&src);
}

/* ---------------------------------------------------- the real articles */

/* Sentences of a built document: inside their block, in order. */
static void check_document(const ctix_document *d, const char *label)
{
  size_t i, prev = 0;
  assert_true(d->nsentences > 0);
  for (i = 0; i < d->nsentences; i++) {
    const ctix_sentence *s = &d->sentences[i];
    const ctix_block *b;
    if (s->block >= d->nblocks)
      fail_msg("%s: sentence %zu: bad block index", label, i);
    b = &d->blocks[s->block];
    if (s->span.start < b->span.start || s->span.end > b->span.end ||
        s->span.start >= s->span.end || s->span.start < prev)
      fail_msg("%s: sentence %zu: span [%zu,%zu) outside block [%zu,%zu) or out of order", label,
               i, s->span.start, s->span.end, b->span.start, b->span.end);
    if (is_space((unsigned char)d->text[s->span.start]) ||
        is_space((unsigned char)d->text[s->span.end - 1]))
      fail_msg("%s: sentence %zu not trimmed", label, i);
    prev = s->span.end;
  }
}

static void test_articles(void **state)
{
  const char *dir = CTIX_SHARED_DIR "/data/articles/dev";
  size_t files = 0, bytes = 0, sentences = 0;
  struct dirent *e;
  DIR *d = opendir(dir);
  (void)state;
  if (!d) {
    print_message("skipping: %s is absent (the shared data folder is not here)\n", dir);
    skip();
    return;
  }
  while ((e = readdir(d)) != NULL) {
    char path[4096];
    ctix_buf text = CTIX_BUF_INIT(64u << 20);
    ctix_span *spans = NULL;
    ctix_document *doc = NULL;
    ctix_doc_options opts;
    ctix_error err;
    size_t count = 0, len = strlen(e->d_name);
    int rc;
    if (len < 4 || strcmp(e->d_name + len - 4, ".txt") != 0)
      continue;
    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
    assert_int_equal(read_file(&text, path), 0);
    /* Raw text, line breaks and all. */
    assert_int_equal(ctix_sentences_split(&spans, &count, text.data, text.len, NULL), 0);
    assert_invariants(text.data, text.len, spans, count, e->d_name);
    assert_true(count > 0);
    sentences += count;
    bytes += text.len;
    free(spans);
    /* Through the document builder (prose collapsed, one split per block). */
    ctix_doc_options_init(&opts);
    opts.format = CTIX_FORMAT_TEXT;
    opts.source = e->d_name;
    ctix_error_clear(&err);
    rc = ctix_document_parse(&doc, text.data, text.len, &opts, &err);
    if (rc != 0)
      fail_msg("%s: ctix_document_parse failed (%d): %s", e->d_name, rc, err.message);
    check_document(doc, e->d_name);
    ctix_document_free(doc);
    ctix__buf_free(&text);
    files++;
  }
  closedir(d);
  /* The folder is there: an empty one is a failure, not a skip. */
  if (files == 0)
    fail_msg("no .txt article in %s", dir);
  print_message("%zu articles, %zu bytes, %zu sentences (%.0f bytes each)\n", files, bytes,
                sentences, (double)bytes / (double)sentences);
  /* A splitter that never splits, or splits at every period, is far off. */
  assert_true(bytes / sentences >= 30 && bytes / sentences <= 400);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_cases),
    cmocka_unit_test(test_cases_collapsed),
    cmocka_unit_test(test_emit_error_stops),
    cmocka_unit_test(test_api_errors),
    cmocka_unit_test(test_binary_bytes),
    cmocka_unit_test(test_long_inputs),
    cmocka_unit_test(test_abbreviation_table),
    cmocka_unit_test(test_word_tables),
    cmocka_unit_test(test_articles),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
