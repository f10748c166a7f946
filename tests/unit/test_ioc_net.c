/*
 * Unit tests of the network recognizers (src/lib/ioc/net.c): IPv4 with
 * leading zeros, dotted runs that are no address, octets over 255, CIDR
 * ranges and ports; IPv6 in every compressed form, embedded IPv4, word
 * boundaries ("2001:db8k::1"), times, MACs and serial numbers that are no
 * address; domains checked against the public-suffix list ("example.local",
 * "example.nottld"), IDN to punycode, underscore labels, .onion, file names
 * whose extension is a TLD; URLs of any scheme with ports, userinfo, IPv6
 * hosts, percent-encoding, nested encoded URLs, scheme-less URLs and their
 * ends in prose and markup; e-mail addresses with comments, address
 * literals and defanged forms.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ioc_test.h"

/* ------------------------------------------------------------ IPv4 */

static void test_ipv4_basic(void **state)
{
  expect_accepted("beacon to 45.77.13.201 every hour", CTIX_IOC_IPV4, "45.77.13.201");
  expect_accepted("(91.204.14.3)", CTIX_IOC_IPV4, "91.204.14.3");
  expect_accepted("hosts: 8.8.4.4, 91.204.14.3; done", CTIX_IOC_IPV4, "91.204.14.3");
  expect_accepted("last line 91.204.14.3.", CTIX_IOC_IPV4, "91.204.14.3");
  expect_accepted("listener 91.204.14.3:4444 up", CTIX_IOC_IPV4, "91.204.14.3");
  expect_accepted("rundll32 -connect:91.204.14.3 -q", CTIX_IOC_IPV4, "91.204.14.3");
  /* the text gives the address, with its offsets */
  {
    const char *t = "x 91.204.14.3:443 y";
    ctix_ioc_list *l = ioc_run(t);
    const ctix_ioc *it = ioc_find(l, CTIX_IOC_IPV4, "91.204.14.3");
    assert_non_null(it);
    assert_int_equal(it->span.start, 2);
    assert_int_equal(it->span.end, 13);
    assert_string_equal(it->original, "91.204.14.3");
    ctix_ioc_list_free(l);
  }
}

static void test_ipv4_leading_zeros(void **state)
{
  expect_accepted("seen at 091.204.014.003 today", CTIX_IOC_IPV4, "91.204.14.3");
  expect_accepted("0.0.0.0 binds all", CTIX_IOC_IPV4, "0.0.0.0");
  /* a four-digit group makes the run no address */
  expect_nothing("build 0091.204.14.3", CTIX_IOC_IPV4);
  expect_nothing("11.0.22621.1 is a Windows build", CTIX_IOC_IPV4);
}

static void test_ipv4_not_addresses(void **state)
{
  expect_nothing("version 1.2.3.4.5 shipped", CTIX_IOC_IPV4);
  expect_nothing("timestamp 2023.10.05.11.42.07", CTIX_IOC_IPV4);
  expect_nothing("section .5.6.7.8 of the spec", CTIX_IOC_IPV4);
  expect_nothing("on 12.03.2024 and in 3.2.1", CTIX_IOC_IPV4);
  expect_nothing("ip 10.20.30.x", CTIX_IOC_IPV4);
  expect_nothing("host 1.2.3.4.in-addr.arpa", CTIX_IOC_IPV4);
  expect_nothing("sha 1.2.3.4abc", CTIX_IOC_IPV4);
}

static void test_ipv4_octet_rejected(void **state)
{
  expect_rejected_reason("bad 256.10.10.10 here", CTIX_IOC_IPV4, "256.10.10.10");
  expect_rejected_reason("bad 10.999.1.1 here", CTIX_IOC_IPV4, "10.999.1.1");
  expect_accepted_count("bad 256.10.10.10 here", CTIX_IOC_IPV4, 0);
}

static void test_ipv4_cidr(void **state)
{
  expect_accepted("block 185.220.101.0/24 now", CTIX_IOC_IPV4_CIDR, "185.220.101.0/24");
  expect_accepted("block 185.220.101.0/24 now", CTIX_IOC_IPV4, "185.220.101.0");
  expect_accepted("any 0.0.0.0/0", CTIX_IOC_IPV4_CIDR, "0.0.0.0/0");
  expect_accepted("range 010.1.2.0/08", CTIX_IOC_IPV4_CIDR, "10.1.2.0/8");
  expect_rejected_reason("range 185.220.101.0/33", CTIX_IOC_IPV4_CIDR, "185.220.101.0/33");
  expect_accepted("range 185.220.101.0/33", CTIX_IOC_IPV4, "185.220.101.0");
}

/* ------------------------------------------------------------ IPv6 */

static void test_ipv6_forms(void **state)
{
  expect_accepted("c2 2a03:2880:f12f:0083:face:b00c:0000:25de up", CTIX_IOC_IPV6,
                  "2a03:2880:f12f:83:face:b00c:0:25de");
  expect_accepted("c2 2a03:2880:f12f:83:face:b00c::25de up", CTIX_IOC_IPV6,
                  "2a03:2880:f12f:83:face:b00c:0:25de");
  expect_accepted("loopback ::1 only", CTIX_IOC_IPV6, "::1");
  expect_accepted("prefix 2a01:4f8:: only", CTIX_IOC_IPV6, "2a01:4f8::");
  expect_accepted("link fe80::a00:27ff:fe4e:66a1 seen", CTIX_IOC_IPV6, "fe80::a00:27ff:fe4e:66a1");
  expect_accepted("UPPER 2A01:4F8:C17:1B2A::1 case", CTIX_IOC_IPV6, "2a01:4f8:c17:1b2a::1");
  expect_accepted("mapped ::ffff:198.51.100.23 here", CTIX_IOC_IPV6, "::ffff:198.51.100.23");
  expect_accepted("embedded 64:ff9b::203.0.113.5 here", CTIX_IOC_IPV6, "64:ff9b::cb00:7105");
  expect_accepted("(2a01:4f8:c17:1b2a::1)", CTIX_IOC_IPV6, "2a01:4f8:c17:1b2a::1");
  expect_accepted("[2a01:4f8:c17:1b2a::1]:8443", CTIX_IOC_IPV6, "2a01:4f8:c17:1b2a::1");
  /* equivalent writings are one observable */
  expect_accepted_count("2a01:4f8::1 and 2a01:04f8:0:0:0:0:0:1", CTIX_IOC_IPV6, 1);
}

static void test_ipv6_not_addresses(void **state)
{
  expect_nothing("2a01:4f8k::5 typo", CTIX_IOC_IPV6);
  expect_nothing("at 10:22:33 local", CTIX_IOC_IPV6);
  expect_nothing("mac 00:1a:2b:3c:4d:5e", CTIX_IOC_IPV6);
  expect_nothing("serial 3a:11:0f:9c:22:af:06:b1:7e:00:41:5c:d2:90:11:ab", CTIX_IOC_IPV6);
  expect_nothing("C++ std::vector and a::b", CTIX_IOC_IPV6);
  expect_nothing("ratio 1:1 and 2:3", CTIX_IOC_IPV6);
}

static void test_ipv6_cidr(void **state)
{
  expect_accepted("net 2a01:4f8::/32 blocked", CTIX_IOC_IPV6_CIDR, "2a01:4f8::/32");
  expect_accepted("net 2a01:04f8:0000::/48 blocked", CTIX_IOC_IPV6_CIDR, "2a01:4f8::/48");
  expect_rejected_reason("net 2a01:4f8::/200 blocked", CTIX_IOC_IPV6_CIDR, "2a01:4f8::/200");
}

/* ------------------------------------------------------------ domains */

static void test_domain_tld(void **state)
{
  expect_accepted("resolves update-check.ru daily", CTIX_IOC_DOMAIN, "update-check.ru");
  expect_accepted("CDN.BADCORP.CO.UK", CTIX_IOC_DOMAIN, "cdn.badcorp.co.uk");
  expect_accepted("Cdn.BadCorp.co.uk", CTIX_IOC_DOMAIN, "cdn.badcorp.co.uk");
  expect_accepted("ends a sentence with stage2.loader.top.", CTIX_IOC_DOMAIN, "stage2.loader.top");
  expect_accepted("new gTLD payroll.zip-files.lol", CTIX_IOC_DOMAIN, "payroll.zip-files.lol");
  /* no IANA TLD, not even through a private suffix rule */
  expect_accepted_count("printer.local and nas.home.arpa-ish intranet.corp", CTIX_IOC_DOMAIN, 0);
  expect_accepted_count("db.example.nottld", CTIX_IOC_DOMAIN, 0);
  expect_nothing("see Fig.3 and e.g. this", CTIX_IOC_DOMAIN);
  expect_nothing("the 1.2.3 release", CTIX_IOC_DOMAIN);
}

static void test_domain_labels(void **state)
{
  expect_accepted("srv _ldap._tcp.dc01.corp-ad.net", CTIX_IOC_DOMAIN,
                  "_ldap._tcp.dc01.corp-ad.net");
  expect_accepted("host a_b.c-d.net", CTIX_IOC_DOMAIN, "a_b.c-d.net");
  expect_accepted("hidden service 2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid.onion",
                  CTIX_IOC_DOMAIN,
                  "2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid.onion");
  expect_accepted("v2 expyuzz4wqqyqhjn.onion", CTIX_IOC_DOMAIN, "expyuzz4wqqyqhjn.onion");
  expect_nothing("x bad-.badcorp-net", CTIX_IOC_DOMAIN);
}

static void test_domain_idn(void **state)
{
  expect_accepted("phish \xc3\xbc" "bersicht-bank.de today", CTIX_IOC_DOMAIN,
                  "xn--bersicht-bank-vob.de");
  expect_accepted("\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80.\xd1\x80\xd1\x84",
                  CTIX_IOC_DOMAIN, "xn--e1afmkfd.xn--p1ai");
  /* Unicode quotes around a name are not part of it */
  expect_accepted("the \xe2\x80\x9c" "login-portal.xyz\xe2\x80\x9d" " page", CTIX_IOC_DOMAIN,
                  "login-portal.xyz");
}

static void test_domain_vs_file(void **state)
{
  /* extensions that are no TLD */
  expect_nothing("ran loader.exe and conf.ini", CTIX_IOC_DOMAIN);
  expect_nothing("Microsoft.Windows.Common.dll loaded", CTIX_IOC_DOMAIN);
  /* extensions that are TLDs too: the context decides */
  expect_nothing("the attachment invoice.zip was opened", CTIX_IOC_DOMAIN);
  expect_nothing("it dropped stage.py into /tmp/x/stage.py", CTIX_IOC_DOMAIN);
  expect_accepted("the domain invoice.zip resolved", CTIX_IOC_DOMAIN, "invoice.zip");
  /* code identifiers */
  expect_nothing("uses System.IO and Foo.Bar.Network", CTIX_IOC_DOMAIN);
}

/* ------------------------------------------------------------ URLs */

static void test_url_schemes(void **state)
{
  expect_accepted("get https://dl.badcorp.ru/a/b.bin now", CTIX_IOC_URL,
                  "https://dl.badcorp.ru/a/b.bin");
  expect_accepted("HTTP://DL.BadCorp.RU/A/B", CTIX_IOC_URL, "http://dl.badcorp.ru/A/B");
  expect_accepted("tcp://91.204.14.3:4444", CTIX_IOC_URL, "tcp://91.204.14.3:4444");
  expect_accepted("ftp://drop:s3cret@files.badcorp.ru:2121/up/", CTIX_IOC_URL,
                  "ftp://drop:s3cret@files.badcorp.ru:2121/up/");
  expect_accepted("ftp://drop:s3cret@files.badcorp.ru:2121/up/", CTIX_IOC_DOMAIN,
                  "files.badcorp.ru");
  expect_accepted("ws://[2a01:4f8::7]:9001/sock", CTIX_IOC_URL, "ws://[2a01:4f8::7]:9001/sock");
  expect_accepted("ws://[2a01:4f8::7]:9001/sock", CTIX_IOC_IPV6, "2a01:4f8::7");
  expect_accepted("http://91.204.14.3/gate.php", CTIX_IOC_IPV4, "91.204.14.3");
  expect_accepted("smb://fileshare.badcorp.ru/c$", CTIX_IOC_URL, "smb://fileshare.badcorp.ru/c$");
  expect_accepted("see hxxps://cdn[.]badcorp[.]ru/x", CTIX_IOC_URL, "https://cdn.badcorp.ru/x");
  expect_rejected_reason("http://intranet.badcorp.lan/x", CTIX_IOC_URL,
                         "http://intranet.badcorp.lan/x");
  /* a word glued before a web scheme by a flattened link is not the scheme */
  EXPECT_IOC("uploads go to athttps://drop.badcorp.ru/in daily", CTIX_IOC_URL,
             "https://drop.badcorp.ru/in");
  EXPECT_IOC("mirror viahttp://91.204.14.3/x", CTIX_IOC_URL, "http://91.204.14.3/x");
  expect_accepted("svn+https://code.badcorp.ru/r", CTIX_IOC_URL, "svn+https://code.badcorp.ru/r");
}

static void test_url_ends(void **state)
{
  expect_accepted("(https://dl.badcorp.ru/a)", CTIX_IOC_URL, "https://dl.badcorp.ru/a");
  expect_accepted("'https://dl.badcorp.ru/a'", CTIX_IOC_URL, "https://dl.badcorp.ru/a");
  expect_accepted("\"https://dl.badcorp.ru/a\"", CTIX_IOC_URL, "https://dl.badcorp.ru/a");
  expect_accepted("<a href=\"https://dl.badcorp.ru/a\">x</a>", CTIX_IOC_URL,
                  "https://dl.badcorp.ru/a");
  expect_accepted("link https://dl.badcorp.ru/a</a>", CTIX_IOC_URL, "https://dl.badcorp.ru/a");
  expect_accepted("[here](https://dl.badcorp.ru/a) read", CTIX_IOC_URL, "https://dl.badcorp.ru/a");
  expect_accepted("end https://dl.badcorp.ru/a.", CTIX_IOC_URL, "https://dl.badcorp.ru/a");
  expect_accepted("list https://dl.badcorp.ru/a, and", CTIX_IOC_URL, "https://dl.badcorp.ru/a");
  expect_accepted("csv https://dl.badcorp.ru/a,1,true", CTIX_IOC_URL, "https://dl.badcorp.ru/a");
  expect_accepted("wiki https://en.wikipedia.org/wiki/Foo_(bar) ok", CTIX_IOC_URL,
                  "https://en.wikipedia.org/wiki/Foo_(bar)");
  expect_accepted("query https://dl.badcorp.ru/p?a=1&b=%20x#frag!", CTIX_IOC_URL,
                  "https://dl.badcorp.ru/p?a=1&b=%20x#frag");
}

static void test_url_nested(void **state)
{
  const char *t = "https://r.badcorp.ru/go?to=https%3A%2F%2Fland.evilsite.net%2Fx.jpg&u=tracker.io";
  ctix_ioc_list *l = ioc_run(t);
  assert_non_null(ioc_find(l, CTIX_IOC_URL, t));
  assert_non_null(ioc_find(l, CTIX_IOC_DOMAIN, "r.badcorp.ru"));
  assert_non_null(ioc_find(l, CTIX_IOC_DOMAIN, "land.evilsite.net"));
  assert_non_null(ioc_find(l, CTIX_IOC_DOMAIN, "tracker.io"));
  /* no junk from the escapes */
  assert_null(ioc_find(l, CTIX_IOC_DOMAIN, "2fland.evilsite.net"));
  assert_null(ioc_find(l, CTIX_IOC_DOMAIN, "3a"));
  /* a file name in the path is no domain */
  assert_int_equal(ioc_count_any(l, CTIX_IOC_DOMAIN), 3);
  ctix_ioc_list_free(l);
  expect_accepted("https://x.badcorp.ru/en/ip/91.204.14.3/info", CTIX_IOC_IPV4, "91.204.14.3");
}

static void test_url_schemeless(void **state)
{
  expect_accepted("fetches cdn.badcorp.ru/loader/x.ps1 then", CTIX_IOC_URL,
                  "cdn.badcorp.ru/loader/x.ps1");
  expect_accepted("fetches cdn.badcorp.ru/loader/x.ps1 then", CTIX_IOC_DOMAIN, "cdn.badcorp.ru");
  expect_accepted_count("just cdn.badcorp.ru/ here", CTIX_IOC_URL, 0);
  expect_accepted_count("the 91.204.14.3/path", CTIX_IOC_URL, 0);
  expect_accepted_count("and/or TCP/IP Mozilla/5.0", CTIX_IOC_URL, 0);
}

/* ------------------------------------------------------------ e-mail */

static void test_email(void **state)
{
  expect_accepted("from ops.team@mail.badcorp.ru today", CTIX_IOC_EMAIL,
                  "ops.team@mail.badcorp.ru");
  expect_accepted("from ops.team@mail.badcorp.ru today", CTIX_IOC_DOMAIN, "mail.badcorp.ru");
  expect_accepted("Name <Ops+tag@BadCorp.ru>", CTIX_IOC_EMAIL, "ops+tag@badcorp.ru");
  expect_accepted("----x_y-z@badcorp.ru", CTIX_IOC_EMAIL, "x_y-z@badcorp.ru");
  expect_accepted("a.b(note)@badcorp.ru", CTIX_IOC_EMAIL, "a.b@badcorp.ru");
  expect_accepted("mailto:sales@badcorp.ru", CTIX_IOC_EMAIL, "sales@badcorp.ru");
  expect_accepted("root@[198.51.100.23]", CTIX_IOC_EMAIL, "root@[198.51.100.23]");
  expect_accepted("root@[198.51.100.23]", CTIX_IOC_IPV4, "198.51.100.23");
  expect_accepted("root@[IPv6:2a01:4f8::7]", CTIX_IOC_IPV6, "2a01:4f8::7");
  expect_accepted_count("one@badcorp.ru One@BadCorp.ru", CTIX_IOC_EMAIL, 1);
  expect_rejected_reason("who@badcorp.invalidtld", CTIX_IOC_EMAIL, "who@badcorp.invalidtld");
  expect_nothing("@handle and a@b and \"x..y\"@badcorp.ru", CTIX_IOC_EMAIL);
  /* an underscore host is a Jabber-style id, not mail; its domain stays */
  expect_accepted_count("bot@chat_srv.badcorp.ru", CTIX_IOC_EMAIL, 0);
  expect_accepted("bot@chat_srv.badcorp.ru", CTIX_IOC_DOMAIN, "chat_srv.badcorp.ru");
}

static void test_email_defanged(void **state)
{
  expect_accepted("ops[@]badcorp[.]ru", CTIX_IOC_EMAIL, "ops@badcorp.ru");
  expect_accepted("ops (at) badcorp (dot) ru", CTIX_IOC_EMAIL, "ops@badcorp.ru");
  expect_accepted("ops at badcorp dot ru", CTIX_IOC_EMAIL, "ops@badcorp.ru");
  expect_accepted("ops AT badcorp.ru", CTIX_IOC_EMAIL, "ops@badcorp.ru");
  expect_accepted("ops @ badcorp.ru", CTIX_IOC_EMAIL, "ops@badcorp.ru");
  /* written defanged: taken even with a TLD outside the public list */
  expect_accepted("ops[@]dc01[.]corp[.]lan", CTIX_IOC_EMAIL, "ops@dc01.corp.lan");
  /* prose is left alone */
  expect_accepted_count("we met at badcorp.ru yesterday", CTIX_IOC_EMAIL, 0);
  expect_accepted_count("meet @ noon today", CTIX_IOC_EMAIL, 0);
}

/* A URL written percent-encoded ("https:%2F%2Fhost"): the escape's hex
 * digits do not become part of the host; a lone "%2Fname" is left as
 * written (no URL around it). */
static void test_percent_encoded_url_host(void **state)
{
  (void)state;
  expect_exactly("The agent calls https:%2F%2Fupdate-cdn.work[.]gd at start.", CTIX_IOC_DOMAIN,
                 WANT("update-cdn.work.gd"));
  expect_exactly("Its argument was http%3A%2F%2Fsync-node.example-cdn.net%2Fa.", CTIX_IOC_DOMAIN,
                 WANT("sync-node.example-cdn.net"));
  expect_value_absent("The agent calls https:%2F%2Fupdate-cdn.work[.]gd at start.",
                      CTIX_IOC_DOMAIN, "2fupdate-cdn.work.gd");
}

/* Field names of detection queries (and the bare value of a field) are
 * rejected as domains; real hosts in the same queries, and a host before
 * a port or a sentence's colon, are not. */
static void test_query_field_names(void **state)
{
  static const char eql[] = "process where process.parent.name : \"osascript\" and "
                            "process.name : \"curl\" and dns.question.name : \"relay.pw\"";
  static const char kql[] = "process.name:(\"a.exe\" or \"b.exe\") and event.dataset: "
                            "endpoint.events.network";
  (void)state;
  expect_rejected_reason(eql, CTIX_IOC_DOMAIN, "process.parent.name");
  expect_rejected_reason(eql, CTIX_IOC_DOMAIN, "process.name");
  expect_accepted(eql, CTIX_IOC_DOMAIN, "relay.pw");
  expect_rejected_reason(kql, CTIX_IOC_DOMAIN, "process.name");
  expect_rejected_reason(kql, CTIX_IOC_DOMAIN, "endpoint.events.network");
  expect_rejected_reason("where user.name == \"svc\" and host.name != \"dc1\"",
                         CTIX_IOC_DOMAIN, "user.name");
  EXPECT_IOC("The stolen data went to file.io: a sharing site.", CTIX_IOC_DOMAIN, "file.io");
  EXPECT_IOC("Beacons to file.io:443 every hour.", CTIX_IOC_DOMAIN, "file.io");
  EXPECT_IOC("Queries for process.name resolved to a parked page.", CTIX_IOC_DOMAIN,
             "process.name");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_percent_encoded_url_host), cmocka_unit_test(test_query_field_names),
      cmocka_unit_test(test_ipv4_basic),        cmocka_unit_test(test_ipv4_leading_zeros),
      cmocka_unit_test(test_ipv4_not_addresses), cmocka_unit_test(test_ipv4_octet_rejected),
      cmocka_unit_test(test_ipv4_cidr),         cmocka_unit_test(test_ipv6_forms),
      cmocka_unit_test(test_ipv6_not_addresses), cmocka_unit_test(test_ipv6_cidr),
      cmocka_unit_test(test_domain_tld),        cmocka_unit_test(test_domain_labels),
      cmocka_unit_test(test_domain_idn),        cmocka_unit_test(test_domain_vs_file),
      cmocka_unit_test(test_url_schemes),       cmocka_unit_test(test_url_ends),
      cmocka_unit_test(test_url_nested),        cmocka_unit_test(test_url_schemeless),
      cmocka_unit_test(test_email),             cmocka_unit_test(test_email_defanged),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
