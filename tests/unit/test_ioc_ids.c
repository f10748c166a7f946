/*
 * Unit tests of the identifier recognizers (src/lib/ioc/ids.c): CVE number
 * rules and spellings, CWE/CAPEC, ATT&CK id families and ranges, ASNs with
 * their spaced forms and prose look-alikes, TLP labels, Google Analytics /
 * AdSense ids, JA4 fingerprints, ARNs (wildcards, spaces in list lines),
 * XMPP addresses, and MAC addresses against IPv6 and times.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ioc_test.h"

static void test_cve(void **state)
{
  EXPECT_IOC("patched CVE-2021-44228.", CTIX_IOC_CVE, "CVE-2021-44228");
  EXPECT_IOC("see cve-2017-0144 now", CTIX_IOC_CVE, "CVE-2017-0144");
  EXPECT_IOC("the CVE 2019-0708 bug", CTIX_IOC_CVE, "CVE-2019-0708");
  EXPECT_IOC("cve 2019-0708", CTIX_IOC_CVE, "CVE-2019-0708");
  EXPECT_IOC("CVE_2020_1472", CTIX_IOC_CVE, "CVE-2020-1472");
  EXPECT_IOC("CVE\xe2\x80\x93" "2023\xe2\x80\x93" "4966 (en dashes)", CTIX_IOC_CVE,
             "CVE-2023-4966");
  EXPECT_IOC("CVE-2024-1234567", CTIX_IOC_CVE, "CVE-2024-1234567");
  EXPECT_IOC("CVE-2005-0000", CTIX_IOC_CVE, "CVE-2005-0000");
  /* several in one token */
  expect_count("(CVE-2021-26855/CVE-2021-27065)", CTIX_IOC_CVE, 2);
  /* number rules: a 5+ digit sequence has no leading zero; 4-digit year */
  EXPECT_REJECTED("CVE-2021-012345", CTIX_IOC_CVE, "CVE-2021-012345");
  EXPECT_REJECTED("CVE-20211-1234", CTIX_IOC_CVE, "CVE-20211-1234");
  EXPECT_REJECTED("CVE-2021-123", CTIX_IOC_CVE, "CVE-2021-123");
  EXPECT_REJECTED("CVE-0999-1234", CTIX_IOC_CVE, "CVE-0999-1234");
  expect_nothing("CVE-2021-1234x", CTIX_IOC_CVE);
  expect_nothing("the CVE program", CTIX_IOC_CVE);
}

/* Footnote marks glued to a CVE id when a page is flattened to text:
 * "CVE-2008-4128[13]" -> "CVE-2008-412813", "[13]CVE-2008-4128" ->
 * "13CVE-2008-4128". Years before 2014 had exactly four-digit sequence
 * numbers; the later numbers given to those years are 10000-19999 or
 * the 1000000 block, so any other longer number is the 4-digit id with a
 * mark after it. */
static void test_cve_footnotes(void **state)
{
  (void)state;
  EXPECT_IOC("Routers hit by CVE-2008-412813 still run.", CTIX_IOC_CVE, "CVE-2008-4128");
  expect_value_absent("Routers hit by CVE-2008-412813 still run.", CTIX_IOC_CVE,
                      "CVE-2008-412813");
  EXPECT_IOC("see CVE-2011-38705, an old bug", CTIX_IOC_CVE, "CVE-2011-3870");
  EXPECT_IOC("13CVE-2008-4128 only affects old devices.", CTIX_IOC_CVE, "CVE-2008-4128");
  EXPECT_IOC("[2]CVE-2012-1823 php-cgi", CTIX_IOC_CVE, "CVE-2012-1823");
  /* superscript footnote marks are not digits */
  EXPECT_IOC("CVE-2008-4128\xc2\xb9\xc2\xb3 only", CTIX_IOC_CVE, "CVE-2008-4128");
  /* later assignments for old years stay whole */
  EXPECT_IOC("the flaw CVE-2012-10005 in a plugin", CTIX_IOC_CVE, "CVE-2012-10005");
  EXPECT_IOC("DWF id CVE-2013-1000001", CTIX_IOC_CVE, "CVE-2013-1000001");
  /* from 2014 on, long numbers are the syntax's own */
  EXPECT_IOC("CVE-2014-125086 in a WordPress theme", CTIX_IOC_CVE, "CVE-2014-125086");
  EXPECT_IOC("CVE-2021-44228", CTIX_IOC_CVE, "CVE-2021-44228");
  /* a word glued in front is still no id; nor an ATT&CK id after digits */
  expect_nothing("XCVE-2008-4128", CTIX_IOC_CVE);
  expect_nothing("12T1059", CTIX_IOC_ATTACK_TECHNIQUE);
}

/* Asserts that text yields `value` of `type` rejected for `reason`. */
static void expect_reject_why(const char *text, ctix_ioc_type type, const char *value,
                              const char *reason)
{
  ctix_ioc_list *l = ioc_run(text);
  const ctix_ioc *it = ioc_find(l, type, value);
  if (!it || it->status != CTIX_IOC_STATUS_REJECTED || !it->reason ||
      strcmp(it->reason, reason) != 0) {
    ioc_dump(text, l);
    ctix_ioc_list_free(l);
    fail_msg("expected %s \"%s\" rejected for \"%s\"", ctix_ioc_type_name(type), value,
             reason);
  }
  ctix_ioc_list_free(l);
}

/* The CVE id syntax: a four-digit year (not range-checked: the syntax
 * does not bound it, and peers' suites expect ids such as CVE-2999-1003),
 * a sequence number of 4 to 7 digits with no leading zero beyond 4. */
static void test_cve_ranges(void **state)
{
  const char *seq = "bad CVE sequence number";
  (void)state;
  EXPECT_IOC("CVE-1999-0001 was the first", CTIX_IOC_CVE, "CVE-1999-0001");
  EXPECT_IOC("a test id CVE-2999-1003", CTIX_IOC_CVE, "CVE-2999-1003");
  /* sequence numbers: 4 to 7 digits, a leading zero only in 4 */
  EXPECT_IOC("CVE-2024-0001", CTIX_IOC_CVE, "CVE-2024-0001");
  EXPECT_IOC("CVE-2024-10001", CTIX_IOC_CVE, "CVE-2024-10001");
  EXPECT_IOC("CVE-2024-9999999", CTIX_IOC_CVE, "CVE-2024-9999999");
  expect_reject_why("CVE-2024-00001", CTIX_IOC_CVE, "CVE-2024-00001", seq);
  expect_reject_why("CVE-2024-0999999", CTIX_IOC_CVE, "CVE-2024-0999999", seq);
  expect_reject_why("CVE-2024-12345678", CTIX_IOC_CVE, "CVE-2024-12345678", seq);
  expect_reject_why("CVE-2024-999", CTIX_IOC_CVE, "CVE-2024-999", seq);
  /* a malformed year keeps its own reason */
  expect_reject_why("CVE-0999-1234", CTIX_IOC_CVE, "CVE-0999-1234", "bad CVE year");
  expect_reject_why("CVE-202-1234", CTIX_IOC_CVE, "CVE-202-1234", "bad CVE year");
}

static void test_cwe_capec(void **state)
{
  EXPECT_IOC("weakness CWE-79 here", CTIX_IOC_CWE, "CWE-79");
  EXPECT_IOC("cwe-1321", CTIX_IOC_CWE, "CWE-1321");
  EXPECT_IOC("CAPEC-66,", CTIX_IOC_CAPEC, "CAPEC-66");
  expect_nothing("CWE-079", CTIX_IOC_CWE);
}

static void test_attack(void **state)
{
  EXPECT_IOC("uses T1059.001 to run", CTIX_IOC_ATTACK_TECHNIQUE, "T1059.001");
  EXPECT_IOC("(T1027)", CTIX_IOC_ATTACK_TECHNIQUE, "T1027");
  EXPECT_IOC("t1105", CTIX_IOC_ATTACK_TECHNIQUE, "T1105");
  EXPECT_IOC("ICS T0817 drive-by", CTIX_IOC_ATTACK_TECHNIQUE, "T0817");
  EXPECT_IOC("tactic ta0008.", CTIX_IOC_ATTACK_TACTIC, "TA0008");
  EXPECT_IOC("G0016", CTIX_IOC_ATTACK_GROUP, "G0016");
  EXPECT_IOC("S0154", CTIX_IOC_ATTACK_SOFTWARE, "S0154");
  EXPECT_IOC("M1042", CTIX_IOC_ATTACK_MITIGATION, "M1042");
  EXPECT_IOC("C0024", CTIX_IOC_ATTACK_CAMPAIGN, "C0024");
  EXPECT_IOC("DS0009", CTIX_IOC_ATTACK_DATA_SOURCE, "DS0009");
  expect_count("T1566.001/T1566.002, T1204", CTIX_IOC_ATTACK_TECHNIQUE, 3);
  /* sub-ids are exactly three digits, not .000 */
  EXPECT_NONE("T1003.0011", CTIX_IOC_ATTACK_TECHNIQUE);
  EXPECT_NONE("T1003.000", CTIX_IOC_ATTACK_TECHNIQUE);
  /* inside words, out of range, wrong length or case */
  EXPECT_NONE("model AT1000 and XT1059", CTIX_IOC_ATTACK_TECHNIQUE);
  EXPECT_NONE("T1900 T0100 T10591", CTIX_IOC_ATTACK_TECHNIQUE);
  EXPECT_NONE("TA0200", CTIX_IOC_ATTACK_TACTIC);
  EXPECT_NONE("g0016 s0154 m1042", CTIX_IOC_ATTACK_GROUP);
  EXPECT_NONE("M2000", CTIX_IOC_ATTACK_MITIGATION);
  EXPECT_NONE("P1174", CTIX_IOC_ATTACK_TECHNIQUE);
}

static void test_asn(void **state)
{
  EXPECT_IOC("hosted in AS13335.", CTIX_IOC_ASN, "AS13335");
  EXPECT_IOC("asn64512", CTIX_IOC_ASN, "AS64512");
  EXPECT_IOC("ASN 7922", CTIX_IOC_ASN, "AS7922");
  EXPECT_IOC("AS 7922", CTIX_IOC_ASN, "AS7922");
  EXPECT_IOC("ASN: 7922", CTIX_IOC_ASN, "AS7922");
  EXPECT_IOC("as9009", CTIX_IOC_ASN, "AS9009");
  /* English "as", products and versions */
  EXPECT_NONE("as 2020 ended", CTIX_IOC_ASN);
  EXPECT_NONE("As 2021 began", CTIX_IOC_ASN);
  EXPECT_NONE("an AS400 system", CTIX_IOC_ASN);
  EXPECT_NONE("AS0123 AS1.5", CTIX_IOC_ASN);
  EXPECT_NONE("AS99999999999", CTIX_IOC_ASN);
}

static void test_tlp(void **state)
{
  EXPECT_IOC("TLP:AMBER+STRICT", CTIX_IOC_TLP, "TLP:AMBER+STRICT");
  EXPECT_IOC("Marked TLP:CLEAR.", CTIX_IOC_TLP, "TLP:CLEAR");
  EXPECT_IOC("tlp white", CTIX_IOC_TLP, "TLP:WHITE");
  EXPECT_IOC("TLP: GREEN", CTIX_IOC_TLP, "TLP:GREEN");
  EXPECT_IOC("Tlp-Red", CTIX_IOC_TLP, "TLP:RED");
  EXPECT_IOC("TLPAMBER", CTIX_IOC_TLP, "TLP:AMBER");
  EXPECT_NONE("TLP", CTIX_IOC_TLP);
  EXPECT_NONE("TLP redirect", CTIX_IOC_TLP);
  EXPECT_NONE("TLP:PURPLE", CTIX_IOC_TLP);
}

static void test_google(void **state)
{
  EXPECT_IOC("tracker UA-1234567-12", CTIX_IOC_GOOGLE_ANALYTICS, "UA-1234567-12");
  EXPECT_IOC("ua-7654321-1", CTIX_IOC_GOOGLE_ANALYTICS, "UA-7654321-1");
  EXPECT_IOC("gtag G-4XK9Q2MZ7B", CTIX_IOC_GOOGLE_ANALYTICS, "G-4XK9Q2MZ7B");
  EXPECT_NONE("G-FORCEFIELD", CTIX_IOC_GOOGLE_ANALYTICS);
  EXPECT_NONE("UA-123-4", CTIX_IOC_GOOGLE_ANALYTICS);
  EXPECT_IOC("Pub-2468013579246801", CTIX_IOC_GOOGLE_ADSENSE, "pub-2468013579246801");
  EXPECT_IOC("ca-pub-2468013579246801", CTIX_IOC_GOOGLE_ADSENSE, "pub-2468013579246801");
  EXPECT_NONE("pub-12345", CTIX_IOC_GOOGLE_ADSENSE);
}

static void test_ja4(void **state)
{
  EXPECT_IOC("ja4 t13d1715h2_5b57614c22b0_3d5424432f57", CTIX_IOC_JA4,
             "t13d1715h2_5b57614c22b0_3d5424432f57");
  EXPECT_IOC("q13i0310h3_55b375c5d22e_cd85d2d88918", CTIX_IOC_JA4,
             "q13i0310h3_55b375c5d22e_cd85d2d88918");
  EXPECT_NONE("t13x1715h2_5b57614c22b0_3d5424432f57", CTIX_IOC_JA4);
  EXPECT_NONE("t13d1715h2_5b57614c22b0_3d5424432f5", CTIX_IOC_JA4);
}

static void test_arn(void **state)
{
  EXPECT_IOC("role arn:aws:iam::210987654321:role/Deployer was used", CTIX_IOC_ARN,
             "arn:aws:iam::210987654321:role/Deployer");
  EXPECT_IOC("arn:aws:s3:::acme-logs/*", CTIX_IOC_ARN, "arn:aws:s3:::acme-logs/*");
  EXPECT_IOC("arn:aws-us-gov:ec2:us-gov-west-1:210987654321:*", CTIX_IOC_ARN,
             "arn:aws-us-gov:ec2:us-gov-west-1:210987654321:*");
  EXPECT_IOC("Bucket arn:aws:s3:::acme-logs.", CTIX_IOC_ARN, "arn:aws:s3:::acme-logs");
  /* a list line may carry a resource name with spaces */
  EXPECT_IOC("targets:\n  arn:aws:elasticbeanstalk:eu-west-1:210987654321:application/Pay Roll\n",
             CTIX_IOC_ARN, "arn:aws:elasticbeanstalk:eu-west-1:210987654321:application/Pay Roll");
  EXPECT_IOC("arn:aws:sns:eu-west-1:210987654321:alerts\tactive", CTIX_IOC_ARN,
             "arn:aws:sns:eu-west-1:210987654321:alerts");
  /* control bytes (a terminal escape) end the resource */
  EXPECT_IOC("arn:aws:s3:::acme-logs\x1b[2Jx", CTIX_IOC_ARN, "arn:aws:s3:::acme-logs");
  EXPECT_IOC("arn:aws:s3:::acme-logs/My Logs\x1b[2J\n", CTIX_IOC_ARN,
             "arn:aws:s3:::acme-logs/My Logs");
  EXPECT_NONE("arn:foo:iam::210987654321:role/x", CTIX_IOC_ARN);
  EXPECT_NONE("arn:aws:iam::2109876:role/x", CTIX_IOC_ARN);
}

static void test_xmpp(void **state)
{
  EXPECT_IOC("contact ops@jabber.example.org", CTIX_IOC_XMPP, "ops@jabber.example.org");
  EXPECT_IOC("xmpp:ops@chat.example.net", CTIX_IOC_XMPP, "ops@chat.example.net");
  EXPECT_IOC("Jabber: locker@im.example.com", CTIX_IOC_XMPP, "locker@im.example.com");
  EXPECT_IOC("relay_bot@xmpp_relay.example.net", CTIX_IOC_XMPP,
             "relay_bot@xmpp_relay.example.net");
  EXPECT_NONE("mail ops@example.org", CTIX_IOC_XMPP);
  EXPECT_NONE("ops@jabber", CTIX_IOC_XMPP);
}

static void test_mac(void **state)
{
  EXPECT_IOC("nic 3C-52-82-1F-A0-7D up", CTIX_IOC_MAC, "3c:52:82:1f:a0:7d");
  EXPECT_IOC("3c:52:82:1f:a0:7d", CTIX_IOC_MAC, "3c:52:82:1f:a0:7d");
  EXPECT_IOC("3C52.821F.A07D", CTIX_IOC_MAC, "3c:52:82:1f:a0:7d");
  EXPECT_NONE("3c:52:82:1f:a0:7d:11", CTIX_IOC_MAC);
  EXPECT_NONE("3c-52-82-1f", CTIX_IOC_MAC);
  EXPECT_NONE("3c:52-82:1f-a0:7d", CTIX_IOC_MAC);
  EXPECT_NONE("fe80::3c52:82ff:fe1f:a07d", CTIX_IOC_MAC);
  EXPECT_NONE("at 10:20:30", CTIX_IOC_MAC);
  EXPECT_NONE("build 2019.1203.1500", CTIX_IOC_MAC);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cve),    cmocka_unit_test(test_cve_footnotes),
      cmocka_unit_test(test_cve_ranges),
      cmocka_unit_test(test_cwe_capec),
      cmocka_unit_test(test_attack), cmocka_unit_test(test_asn),
      cmocka_unit_test(test_tlp),    cmocka_unit_test(test_google),
      cmocka_unit_test(test_ja4),    cmocka_unit_test(test_arn),
      cmocka_unit_test(test_xmpp),   cmocka_unit_test(test_mac),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
