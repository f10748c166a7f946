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

#include <stdio.h>
#include <string.h>

#include "ctix/ioc.h"

/* Extracts from the NUL-terminated text; fails the test on error. */
static ctix_ioc_list *run(const char *text)
{
  ctix_ioc_list *l = NULL;
  ctix_error err;
  ctix_error_clear(&err);
  if (ctix_ioc_extract(&l, text, strlen(text), NULL, &err) != 0 || !l)
    fail_msg("extraction failed on \"%s\": %s", text, err.message);
  return l;
}

static const ctix_ioc *find(const ctix_ioc_list *l, ctix_ioc_type type, const char *value)
{
  size_t i;
  for (i = 0; i < l->nitems; i++)
    if (l->items[i].type == type && strcmp(l->items[i].value, value) == 0)
      return &l->items[i];
  return NULL;
}

static size_t count(const ctix_ioc_list *l, ctix_ioc_type type, bool with_rejected)
{
  size_t i, n = 0;
  for (i = 0; i < l->nitems; i++)
    n += l->items[i].type == type &&
         (with_rejected || l->items[i].status != CTIX_IOC_STATUS_REJECTED);
  return n;
}

static void dump(const char *text, const ctix_ioc_list *l)
{
  size_t i;
  print_message("text: \"%s\"\n", text);
  for (i = 0; i < l->nitems; i++)
    print_message("  %s %s \"%s\" [%s]%s%s\n", ctix_ioc_type_name(l->items[i].type),
                  ctix_ioc_status_name(l->items[i].status), l->items[i].value,
                  l->items[i].original, l->items[i].reason ? " - " : "",
                  l->items[i].reason ? l->items[i].reason : "");
}

/* text yields `value` of `type`, found (not rejected). */
static void has(const char *text, ctix_ioc_type type, const char *value)
{
  ctix_ioc_list *l = run(text);
  const ctix_ioc *it = find(l, type, value);
  if (!it || it->status == CTIX_IOC_STATUS_REJECTED) {
    dump(text, l);
    ctix_ioc_list_free(l);
    fail_msg("expected %s \"%s\"", ctix_ioc_type_name(type), value);
  }
  ctix_ioc_list_free(l);
}

/* text yields `value` of `type` as rejected, with a reason. */
static void rejected(const char *text, ctix_ioc_type type, const char *value)
{
  ctix_ioc_list *l = run(text);
  const ctix_ioc *it = find(l, type, value);
  if (!it || it->status != CTIX_IOC_STATUS_REJECTED || !it->reason || !it->reason[0]) {
    dump(text, l);
    ctix_ioc_list_free(l);
    fail_msg("expected a rejected %s \"%s\"", ctix_ioc_type_name(type), value);
  }
  ctix_ioc_list_free(l);
}

/* text yields exactly n accepted values of `type` (rejected ones aside). */
static void accepted_count(const char *text, ctix_ioc_type type, size_t n)
{
  ctix_ioc_list *l = run(text);
  size_t got = count(l, type, false);
  if (got != n) {
    dump(text, l);
    ctix_ioc_list_free(l);
    fail_msg("expected %zu %s, got %zu", n, ctix_ioc_type_name(type), got);
  }
  ctix_ioc_list_free(l);
}

/* text yields nothing of `type`, not even a rejected candidate. */
static void nothing(const char *text, ctix_ioc_type type)
{
  ctix_ioc_list *l = run(text);
  size_t got = count(l, type, true);
  if (got) {
    dump(text, l);
    ctix_ioc_list_free(l);
    fail_msg("expected no %s at all, got %zu", ctix_ioc_type_name(type), got);
  }
  ctix_ioc_list_free(l);
}

/* ------------------------------------------------------------ IPv4 */

static void test_ipv4_basic(void **state)
{
  has("beacon to 45.77.13.201 every hour", CTIX_IOC_IPV4, "45.77.13.201");
  has("(91.204.14.3)", CTIX_IOC_IPV4, "91.204.14.3");
  has("hosts: 8.8.4.4, 91.204.14.3; done", CTIX_IOC_IPV4, "91.204.14.3");
  has("last line 91.204.14.3.", CTIX_IOC_IPV4, "91.204.14.3");
  has("listener 91.204.14.3:4444 up", CTIX_IOC_IPV4, "91.204.14.3");
  has("rundll32 -connect:91.204.14.3 -q", CTIX_IOC_IPV4, "91.204.14.3");
  /* the text gives the address, with its offsets */
  {
    const char *t = "x 91.204.14.3:443 y";
    ctix_ioc_list *l = run(t);
    const ctix_ioc *it = find(l, CTIX_IOC_IPV4, "91.204.14.3");
    assert_non_null(it);
    assert_int_equal(it->span.start, 2);
    assert_int_equal(it->span.end, 13);
    assert_string_equal(it->original, "91.204.14.3");
    ctix_ioc_list_free(l);
  }
}

static void test_ipv4_leading_zeros(void **state)
{
  has("seen at 091.204.014.003 today", CTIX_IOC_IPV4, "91.204.14.3");
  has("0.0.0.0 binds all", CTIX_IOC_IPV4, "0.0.0.0");
  /* a four-digit group makes the run no address */
  nothing("build 0091.204.14.3", CTIX_IOC_IPV4);
  nothing("11.0.22621.1 is a Windows build", CTIX_IOC_IPV4);
}

static void test_ipv4_not_addresses(void **state)
{
  nothing("version 1.2.3.4.5 shipped", CTIX_IOC_IPV4);
  nothing("timestamp 2023.10.05.11.42.07", CTIX_IOC_IPV4);
  nothing("section .5.6.7.8 of the spec", CTIX_IOC_IPV4);
  nothing("on 12.03.2024 and in 3.2.1", CTIX_IOC_IPV4);
  nothing("ip 10.20.30.x", CTIX_IOC_IPV4);
  nothing("host 1.2.3.4.in-addr.arpa", CTIX_IOC_IPV4);
  nothing("sha 1.2.3.4abc", CTIX_IOC_IPV4);
}

static void test_ipv4_octet_rejected(void **state)
{
  rejected("bad 256.10.10.10 here", CTIX_IOC_IPV4, "256.10.10.10");
  rejected("bad 10.999.1.1 here", CTIX_IOC_IPV4, "10.999.1.1");
  accepted_count("bad 256.10.10.10 here", CTIX_IOC_IPV4, 0);
}

static void test_ipv4_cidr(void **state)
{
  has("block 185.220.101.0/24 now", CTIX_IOC_IPV4_CIDR, "185.220.101.0/24");
  has("block 185.220.101.0/24 now", CTIX_IOC_IPV4, "185.220.101.0");
  has("any 0.0.0.0/0", CTIX_IOC_IPV4_CIDR, "0.0.0.0/0");
  has("range 010.1.2.0/08", CTIX_IOC_IPV4_CIDR, "10.1.2.0/8");
  rejected("range 185.220.101.0/33", CTIX_IOC_IPV4_CIDR, "185.220.101.0/33");
  has("range 185.220.101.0/33", CTIX_IOC_IPV4, "185.220.101.0");
}

/* ------------------------------------------------------------ IPv6 */

static void test_ipv6_forms(void **state)
{
  has("c2 2a03:2880:f12f:0083:face:b00c:0000:25de up", CTIX_IOC_IPV6,
      "2a03:2880:f12f:83:face:b00c:0:25de");
  has("c2 2a03:2880:f12f:83:face:b00c::25de up", CTIX_IOC_IPV6,
      "2a03:2880:f12f:83:face:b00c:0:25de");
  has("loopback ::1 only", CTIX_IOC_IPV6, "::1");
  has("prefix 2a01:4f8:: only", CTIX_IOC_IPV6, "2a01:4f8::");
  has("link fe80::a00:27ff:fe4e:66a1 seen", CTIX_IOC_IPV6, "fe80::a00:27ff:fe4e:66a1");
  has("UPPER 2A01:4F8:C17:1B2A::1 case", CTIX_IOC_IPV6, "2a01:4f8:c17:1b2a::1");
  has("mapped ::ffff:198.51.100.23 here", CTIX_IOC_IPV6, "::ffff:198.51.100.23");
  has("embedded 64:ff9b::203.0.113.5 here", CTIX_IOC_IPV6, "64:ff9b::cb00:7105");
  has("(2a01:4f8:c17:1b2a::1)", CTIX_IOC_IPV6, "2a01:4f8:c17:1b2a::1");
  has("[2a01:4f8:c17:1b2a::1]:8443", CTIX_IOC_IPV6, "2a01:4f8:c17:1b2a::1");
  /* equivalent writings are one observable */
  accepted_count("2a01:4f8::1 and 2a01:04f8:0:0:0:0:0:1", CTIX_IOC_IPV6, 1);
}

static void test_ipv6_not_addresses(void **state)
{
  nothing("2a01:4f8k::5 typo", CTIX_IOC_IPV6);
  nothing("at 10:22:33 local", CTIX_IOC_IPV6);
  nothing("mac 00:1a:2b:3c:4d:5e", CTIX_IOC_IPV6);
  nothing("serial 3a:11:0f:9c:22:af:06:b1:7e:00:41:5c:d2:90:11:ab", CTIX_IOC_IPV6);
  nothing("C++ std::vector and a::b", CTIX_IOC_IPV6);
  nothing("ratio 1:1 and 2:3", CTIX_IOC_IPV6);
}

static void test_ipv6_cidr(void **state)
{
  has("net 2a01:4f8::/32 blocked", CTIX_IOC_IPV6_CIDR, "2a01:4f8::/32");
  has("net 2a01:04f8:0000::/48 blocked", CTIX_IOC_IPV6_CIDR, "2a01:4f8::/48");
  rejected("net 2a01:4f8::/200 blocked", CTIX_IOC_IPV6_CIDR, "2a01:4f8::/200");
}

/* ------------------------------------------------------------ domains */

static void test_domain_tld(void **state)
{
  has("resolves update-check.ru daily", CTIX_IOC_DOMAIN, "update-check.ru");
  has("CDN.BADCORP.CO.UK", CTIX_IOC_DOMAIN, "cdn.badcorp.co.uk");
  has("Cdn.BadCorp.co.uk", CTIX_IOC_DOMAIN, "cdn.badcorp.co.uk");
  has("ends a sentence with stage2.loader.top.", CTIX_IOC_DOMAIN, "stage2.loader.top");
  has("new gTLD payroll.zip-files.lol", CTIX_IOC_DOMAIN, "payroll.zip-files.lol");
  /* no IANA TLD, not even through a private suffix rule */
  accepted_count("printer.local and nas.home.arpa-ish intranet.corp", CTIX_IOC_DOMAIN, 0);
  accepted_count("db.example.nottld", CTIX_IOC_DOMAIN, 0);
  nothing("see Fig.3 and e.g. this", CTIX_IOC_DOMAIN);
  nothing("the 1.2.3 release", CTIX_IOC_DOMAIN);
}

static void test_domain_labels(void **state)
{
  has("srv _ldap._tcp.dc01.corp-ad.net", CTIX_IOC_DOMAIN, "_ldap._tcp.dc01.corp-ad.net");
  has("host a_b.c-d.net", CTIX_IOC_DOMAIN, "a_b.c-d.net");
  has("hidden service 2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid.onion",
      CTIX_IOC_DOMAIN, "2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid.onion");
  has("v2 expyuzz4wqqyqhjn.onion", CTIX_IOC_DOMAIN, "expyuzz4wqqyqhjn.onion");
  nothing("x bad-.badcorp-net", CTIX_IOC_DOMAIN);
}

static void test_domain_idn(void **state)
{
  has("phish \xc3\xbc" "bersicht-bank.de today", CTIX_IOC_DOMAIN, "xn--bersicht-bank-vob.de");
  has("\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80.\xd1\x80\xd1\x84", CTIX_IOC_DOMAIN,
      "xn--e1afmkfd.xn--p1ai");
  /* Unicode quotes around a name are not part of it */
  has("the \xe2\x80\x9c" "login-portal.xyz\xe2\x80\x9d" " page", CTIX_IOC_DOMAIN,
      "login-portal.xyz");
}

static void test_domain_vs_file(void **state)
{
  /* extensions that are no TLD */
  nothing("ran loader.exe and conf.ini", CTIX_IOC_DOMAIN);
  nothing("Microsoft.Windows.Common.dll loaded", CTIX_IOC_DOMAIN);
  /* extensions that are TLDs too: the context decides */
  nothing("the attachment invoice.zip was opened", CTIX_IOC_DOMAIN);
  nothing("it dropped stage.py into /tmp/x/stage.py", CTIX_IOC_DOMAIN);
  has("the domain invoice.zip resolved", CTIX_IOC_DOMAIN, "invoice.zip");
  /* code identifiers */
  nothing("uses System.IO and Foo.Bar.Network", CTIX_IOC_DOMAIN);
}

/* ------------------------------------------------------------ URLs */

static void test_url_schemes(void **state)
{
  has("get https://dl.badcorp.ru/a/b.bin now", CTIX_IOC_URL, "https://dl.badcorp.ru/a/b.bin");
  has("HTTP://DL.BadCorp.RU/A/B", CTIX_IOC_URL, "http://dl.badcorp.ru/A/B");
  has("tcp://91.204.14.3:4444", CTIX_IOC_URL, "tcp://91.204.14.3:4444");
  has("ftp://drop:s3cret@files.badcorp.ru:2121/up/", CTIX_IOC_URL,
      "ftp://drop:s3cret@files.badcorp.ru:2121/up/");
  has("ftp://drop:s3cret@files.badcorp.ru:2121/up/", CTIX_IOC_DOMAIN, "files.badcorp.ru");
  has("ws://[2a01:4f8::7]:9001/sock", CTIX_IOC_URL, "ws://[2a01:4f8::7]:9001/sock");
  has("ws://[2a01:4f8::7]:9001/sock", CTIX_IOC_IPV6, "2a01:4f8::7");
  has("http://91.204.14.3/gate.php", CTIX_IOC_IPV4, "91.204.14.3");
  has("smb://fileshare.badcorp.ru/c$", CTIX_IOC_URL, "smb://fileshare.badcorp.ru/c$");
  has("see hxxps://cdn[.]badcorp[.]ru/x", CTIX_IOC_URL, "https://cdn.badcorp.ru/x");
  rejected("http://intranet.badcorp.lan/x", CTIX_IOC_URL, "http://intranet.badcorp.lan/x");
}

static void test_url_ends(void **state)
{
  has("(https://dl.badcorp.ru/a)", CTIX_IOC_URL, "https://dl.badcorp.ru/a");
  has("'https://dl.badcorp.ru/a'", CTIX_IOC_URL, "https://dl.badcorp.ru/a");
  has("\"https://dl.badcorp.ru/a\"", CTIX_IOC_URL, "https://dl.badcorp.ru/a");
  has("<a href=\"https://dl.badcorp.ru/a\">x</a>", CTIX_IOC_URL, "https://dl.badcorp.ru/a");
  has("link https://dl.badcorp.ru/a</a>", CTIX_IOC_URL, "https://dl.badcorp.ru/a");
  has("[here](https://dl.badcorp.ru/a) read", CTIX_IOC_URL, "https://dl.badcorp.ru/a");
  has("end https://dl.badcorp.ru/a.", CTIX_IOC_URL, "https://dl.badcorp.ru/a");
  has("list https://dl.badcorp.ru/a, and", CTIX_IOC_URL, "https://dl.badcorp.ru/a");
  has("csv https://dl.badcorp.ru/a,1,true", CTIX_IOC_URL, "https://dl.badcorp.ru/a");
  has("wiki https://en.wikipedia.org/wiki/Foo_(bar) ok", CTIX_IOC_URL,
      "https://en.wikipedia.org/wiki/Foo_(bar)");
  has("query https://dl.badcorp.ru/p?a=1&b=%20x#frag!", CTIX_IOC_URL,
      "https://dl.badcorp.ru/p?a=1&b=%20x#frag");
}

static void test_url_nested(void **state)
{
  const char *t = "https://r.badcorp.ru/go?to=https%3A%2F%2Fland.evilsite.net%2Fx.jpg&u=tracker.io";
  ctix_ioc_list *l = run(t);
  assert_non_null(find(l, CTIX_IOC_URL, t));
  assert_non_null(find(l, CTIX_IOC_DOMAIN, "r.badcorp.ru"));
  assert_non_null(find(l, CTIX_IOC_DOMAIN, "land.evilsite.net"));
  assert_non_null(find(l, CTIX_IOC_DOMAIN, "tracker.io"));
  /* no junk from the escapes */
  assert_null(find(l, CTIX_IOC_DOMAIN, "2fland.evilsite.net"));
  assert_null(find(l, CTIX_IOC_DOMAIN, "3a"));
  /* a file name in the path is no domain */
  assert_int_equal(count(l, CTIX_IOC_DOMAIN, true), 3);
  ctix_ioc_list_free(l);
  has("https://x.badcorp.ru/en/ip/91.204.14.3/info", CTIX_IOC_IPV4, "91.204.14.3");
}

static void test_url_schemeless(void **state)
{
  has("fetches cdn.badcorp.ru/loader/x.ps1 then", CTIX_IOC_URL, "cdn.badcorp.ru/loader/x.ps1");
  has("fetches cdn.badcorp.ru/loader/x.ps1 then", CTIX_IOC_DOMAIN, "cdn.badcorp.ru");
  accepted_count("just cdn.badcorp.ru/ here", CTIX_IOC_URL, 0);
  accepted_count("the 91.204.14.3/path", CTIX_IOC_URL, 0);
  accepted_count("and/or TCP/IP Mozilla/5.0", CTIX_IOC_URL, 0);
}

/* ------------------------------------------------------------ e-mail */

static void test_email(void **state)
{
  has("from ops.team@mail.badcorp.ru today", CTIX_IOC_EMAIL, "ops.team@mail.badcorp.ru");
  has("from ops.team@mail.badcorp.ru today", CTIX_IOC_DOMAIN, "mail.badcorp.ru");
  has("Name <Ops+tag@BadCorp.ru>", CTIX_IOC_EMAIL, "ops+tag@badcorp.ru");
  has("----x_y-z@badcorp.ru", CTIX_IOC_EMAIL, "x_y-z@badcorp.ru");
  has("a.b(note)@badcorp.ru", CTIX_IOC_EMAIL, "a.b@badcorp.ru");
  has("mailto:sales@badcorp.ru", CTIX_IOC_EMAIL, "sales@badcorp.ru");
  has("root@[198.51.100.23]", CTIX_IOC_EMAIL, "root@[198.51.100.23]");
  has("root@[198.51.100.23]", CTIX_IOC_IPV4, "198.51.100.23");
  has("root@[IPv6:2a01:4f8::7]", CTIX_IOC_IPV6, "2a01:4f8::7");
  accepted_count("one@badcorp.ru One@BadCorp.ru", CTIX_IOC_EMAIL, 1);
  rejected("who@badcorp.invalidtld", CTIX_IOC_EMAIL, "who@badcorp.invalidtld");
  nothing("@handle and a@b and \"x..y\"@badcorp.ru", CTIX_IOC_EMAIL);
  /* an underscore host is a Jabber-style id, not mail; its domain stays */
  accepted_count("bot@chat_srv.badcorp.ru", CTIX_IOC_EMAIL, 0);
  has("bot@chat_srv.badcorp.ru", CTIX_IOC_DOMAIN, "chat_srv.badcorp.ru");
}

static void test_email_defanged(void **state)
{
  has("ops[@]badcorp[.]ru", CTIX_IOC_EMAIL, "ops@badcorp.ru");
  has("ops (at) badcorp (dot) ru", CTIX_IOC_EMAIL, "ops@badcorp.ru");
  has("ops at badcorp dot ru", CTIX_IOC_EMAIL, "ops@badcorp.ru");
  has("ops AT badcorp.ru", CTIX_IOC_EMAIL, "ops@badcorp.ru");
  has("ops @ badcorp.ru", CTIX_IOC_EMAIL, "ops@badcorp.ru");
  /* written defanged: taken even with a TLD outside the public list */
  has("ops[@]dc01[.]corp[.]lan", CTIX_IOC_EMAIL, "ops@dc01.corp.lan");
  /* prose is left alone */
  accepted_count("we met at badcorp.ru yesterday", CTIX_IOC_EMAIL, 0);
  accepted_count("meet @ noon today", CTIX_IOC_EMAIL, 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
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
