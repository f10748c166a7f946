/*
 * Unit tests of IOC triage (src/lib/ioc/triage.c): the special-purpose IP
 * ranges at their edges (IPv4, IPv6, IPv4 carried in IPv6), the embedded
 * benign-domain table against its source list data/ioc/benign-domains.txt,
 * parent-domain and label-boundary matching, special-use names, the
 * publisher (from the options and from the canonical URL), reference
 * sections on a finished list built by hand over a real document, the
 * built-in Windows programs against data/ioc/windows-programs.txt,
 * organisation contacts, web-mail platforms, version numbers, and one type
 * per written value.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctix/ctix.h"
#include "ctix/ioc.h"
#include "ioc/scan.h"
#include "ioc_test.h"

/* ------------------------------------------------------------------ IPs */

typedef struct ip_case {
  const char *addr;
  const char *reason;   /* NULL: an indicator */
} ip_case;

static void check_ip(const ip_case *c)
{
  uint8_t bin[16];
  bool v6 = strchr(c->addr, ':') != NULL;
  ctix_ioc_status st;
  const char *reason = "unset";
  if (inet_pton(v6 ? AF_INET6 : AF_INET, c->addr, bin) != 1)
    fail_msg("test address %s does not parse", c->addr);
  ctix__ioc_triage_ip(bin, v6, &st, &reason);
  if (!c->reason) {
    if (st != CTIX_IOC_STATUS_IOC || reason)
      fail_msg("%s: expected an indicator, got %s (%s)", c->addr, ctix_ioc_status_name(st),
               reason ? reason : "no reason");
  } else if (st != CTIX_IOC_STATUS_BENIGN || !reason || strcmp(reason, c->reason) != 0) {
    fail_msg("%s: expected benign (%s), got %s (%s)", c->addr, c->reason,
             ctix_ioc_status_name(st), reason ? reason : "no reason");
  }
}

/* A path and the benign reason triage must give it (NULL: an indicator). */
typedef struct file_case {
  const char *path;
  const char *why;
} file_case;

static void check_file_cases(const file_case *cases, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++) {
    ctix_ioc_status st;
    const char *why;
    ctix__ioc_triage_file(cases[i].path, strlen(cases[i].path), &st, &why);
    if ((st == CTIX_IOC_STATUS_BENIGN) != (cases[i].why != NULL))
      fail_msg("%s: status %s", cases[i].path, ctix_ioc_status_name(st));
    if (cases[i].why)
      assert_string_equal(why, cases[i].why);
    else
      assert_null(why);
  }
}

#define SYSFILE "well-known system file"

/* System binaries: benign when named bare or in their system folder, an
 * indicator anywhere else (masquerading); names from both ends and the
 * middle of the (binary-searched) table are found, in any case. */
static void test_system_files(void **state)
{
  static const file_case cases[] = {
      {"rundll32.exe", SYSFILE},
      {"RUNDLL32.EXE", SYSFILE},
      {"C:\\Windows\\System32\\rundll32.exe", SYSFILE},
      {"c:\\windows\\syswow64\\WindowsPowerShell\\v1.0\\powershell.exe", SYSFILE},
      {"%SystemRoot%\\System32\\svchost.exe", SYSFILE},
      {"%windir%\\explorer.exe", SYSFILE},
      {"C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\msbuild.exe", SYSFILE},
      {"advapi32.dll", SYSFILE},
      {"xcopy.exe", SYSFILE},
      {"C:\\Users\\Public\\svchost.exe", NULL},
      {"C:\\Windows\\Temp\\rundll32.exe", NULL},
      {"C:\\ProgramData\\System32\\lsass.exe", NULL},
      {"/tmp/cmd.exe", NULL},
      {"svchosts.exe", NULL},
      {"kite.dll", NULL},
      {"C:\\Windows\\System32\\kite.dll", NULL},
  };
  (void)state;
  check_file_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

/* Well-known folders and POSIX system files are locations every host has;
 * a file inside such a folder, or a look-alike, stays an indicator. */
static void test_system_folders(void **state)
{
  static const file_case cases[] = {
      {"C:\\Windows", "well-known system folder"},
      {"c:\\windows\\", "well-known system folder"},
      {"C:/Windows/System32", "well-known system folder"},
      {"C:\\Program Files (x86)\\", "well-known system folder"},
      {"C:\\ProgramData", "well-known system folder"},
      {"C:\\Users\\Public", "well-known system folder"},
      {"%APPDATA%", "well-known system folder"},
      {"/tmp/", "well-known system folder"},
      {"/dev/shm", "well-known system folder"},
      {"/etc/passwd", "well-known system file"},
      {"/bin/sh", "well-known system file"},
      {"/dev/null", "well-known system file"},
      {"/dev/urandom", "well-known system file"},
      {"/dev/nullify", NULL},
      {"C:\\Users\\Public\\svc.exe", NULL},
      {"C:\\Program Files (x86)\\Evil\\", NULL},
      {"C:\\Windows2", NULL},
      {"/tmp/.x/run.sh", NULL},
      {"/TMP", NULL},          /* POSIX paths are case-sensitive */
      {"/etc/passwd.bak", NULL},
      {"/etc/passwd/x", NULL},
      {"D:\\Windows", NULL},
      {"/", NULL},
      /* separators doubled as in pasted code or JSON */
      {"C:\\\\Windows\\\\Temp\\\\", "well-known system folder"},
      {"C:\\\\Windows\\\\Temp\\\\a.exe", NULL},
      {"//tmp//", "well-known system folder"},
  };
  (void)state;
  check_file_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_ipv4_ranges(void **state)
{
  /* Each range at both edges and just outside them. */
  static const ip_case cases[] = {
      {"0.0.0.0", "unspecified address"},
      {"0.0.0.1", "reserved range"},
      {"0.255.255.255", "reserved range"},
      {"1.0.0.0", NULL},
      {"9.255.255.255", NULL},
      {"10.0.0.0", "private range"},
      {"10.255.255.255", "private range"},
      {"11.0.0.0", NULL},
      {"100.63.255.255", NULL},
      {"100.64.0.0", "shared CGNAT range"},
      {"100.127.255.255", "shared CGNAT range"},
      {"100.128.0.0", NULL},
      {"126.255.255.255", NULL},
      {"127.0.0.1", "loopback"},
      {"127.255.255.254", "loopback"},
      {"128.0.0.0", NULL},
      {"169.253.255.255", NULL},
      {"169.254.0.1", "link-local"},
      {"169.255.0.0", NULL},
      {"172.15.255.255", NULL},
      {"172.16.0.0", "private range"},
      {"172.31.255.255", "private range"},
      {"172.32.0.0", NULL},
      {"192.0.0.8", "reserved range"},
      {"192.0.1.255", NULL},
      {"192.0.2.0", "documentation range"},
      {"192.0.2.255", "documentation range"},
      {"192.0.3.0", NULL},
      {"192.88.99.1", "reserved range"},
      {"192.167.255.255", NULL},
      {"192.168.0.0", "private range"},
      {"192.168.255.255", "private range"},
      {"192.169.0.0", NULL},
      {"198.17.255.255", NULL},
      {"198.18.0.0", "benchmarking range"},
      {"198.19.255.255", "benchmarking range"},
      {"198.20.0.0", NULL},
      {"198.51.99.255", NULL},
      {"198.51.100.23", "documentation range"},
      {"198.51.101.0", NULL},
      {"203.0.112.255", NULL},
      {"203.0.113.47", "documentation range"},
      {"203.0.114.0", NULL},
      {"223.255.255.255", NULL},
      {"224.0.0.1", "multicast"},
      {"239.255.255.255", "multicast"},
      {"240.0.0.0", "reserved range"},
      {"255.255.255.254", "reserved range"},
      {"255.255.255.255", "broadcast"},
      {"8.8.8.8", NULL},
      {"185.220.101.4", NULL},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    check_ip(&cases[i]);
}

static void test_ipv6_ranges(void **state)
{
  static const ip_case cases[] = {
      {"::", "unspecified address"},
      {"::1", "loopback"},
      {"::2", "reserved range"},
      {"::ffff:10.1.2.3", "private range"},        /* IPv4-mapped: the IPv4 decides */
      {"::ffff:192.0.2.128", "documentation range"},
      {"::ffff:8.8.4.4", NULL},
      {"::1.2.3.4", "reserved range"},             /* deprecated IPv4-compatible */
      {"64:ff9b::c000:221", "documentation range"}, /* NAT64 of 192.0.2.33 */
      {"64:ff9b::808:808", NULL},                   /* NAT64 of 8.8.8.8 */
      {"64:ff9b:1::1", "private range"},
      {"100::1", "reserved range"},
      {"100:0:0:1::", NULL},
      {"2001:2::1", "benchmarking range"},
      {"2001:2:1::1", NULL},
      {"2001:10::1", "reserved range"},
      {"2001:db8::1", "documentation range"},
      {"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "documentation range"},
      {"2001:db7:ffff::1", NULL},
      {"2001:db9::", NULL},
      {"3fff::1", "documentation range"},
      {"3fff:fff::1", "documentation range"},
      {"3fff:1000::", NULL},
      {"fbff:ffff::1", NULL},
      {"fc00::1", "private range"},
      {"fdff:ffff::1", "private range"},
      {"fe7f::1", NULL},
      {"fe80::1", "link-local"},
      {"febf:ffff::1", "link-local"},
      {"fec0::1", "reserved range"},
      {"ff02::1", "multicast"},
      {"ff05::1:3", "multicast"},
      {"2606:4700:4700::1111", NULL},
      {"2a00:1450:4001:80b::200e", NULL},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    check_ip(&cases[i]);
}

static void test_ip_null(void **state)
{
  ctix_ioc_status st = CTIX_IOC_STATUS_REJECTED;
  const char *reason = "x";
  (void)state;
  ctix__ioc_triage_ip(NULL, false, &st, &reason);
  assert_int_equal(st, CTIX_IOC_STATUS_IOC);
  assert_null(reason);
}

/* -------------------------------------------------------------- domains */

/* Triage of `domain` with scan context s (may be NULL); returns the reason
 * or NULL, checking that status and reason agree. */
static const char *domain_reason(const ctix__ioc_scan *s, const char *domain)
{
  ctix_ioc_status st;
  const char *reason = "unset";
  ctix__ioc_triage_domain(s, domain, strlen(domain), &st, &reason);
  if ((st == CTIX_IOC_STATUS_BENIGN) != (reason != NULL) || st == CTIX_IOC_STATUS_REJECTED)
    fail_msg("%s: status %s with reason %s", domain, ctix_ioc_status_name(st),
             reason ? reason : "NULL");
  return reason;
}

static void expect_domain(const ctix__ioc_scan *s, const char *domain, const char *want)
{
  const char *got = domain_reason(s, domain);
  if (!want && got)
    fail_msg("%s: expected an indicator, got benign (%s)", domain, got);
  if (want && (!got || strcmp(got, want) != 0))
    fail_msg("%s: expected benign (%s), got %s", domain, want, got ? got : "an indicator");
}

/* The entry of a line of a data file under data/ioc: the line without its
 * comment (after '#') and the blanks around it, or NULL when nothing is
 * left. Modifies the line. */
static char *data_line(char *line)
{
  char *p = line, *e = strchr(p, '#');
  if (e)
    *e = 0;
  while (*p == ' ' || *p == '\t')
    p++;
  e = p + strlen(p);
  while (e > p && (e[-1] == '\n' || e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
    *--e = 0;
  return *p ? p : NULL;
}

/* Called for each domain of the benign list with the reason of its group. */
typedef void (*benign_fn)(const char *domain, const char *reason);

/*
 * Reads data/ioc/benign-domains.txt (comments after `#`, `@ REASON` lines
 * naming the reason of the domains that follow, one domain a line) and
 * calls fn for each domain; returns their number (fails when the file
 * cannot be read or a domain comes before any reason).
 */
static size_t for_each_benign(benign_fn fn)
{
  char path[1024], line[512], reason[128] = "";
  FILE *f;
  size_t n = 0;
  snprintf(path, sizeof(path), "%s/../../data/ioc/benign-domains.txt", CTIX_TEST_DATA);
  f = fopen(path, "r");
  if (!f)
    fail_msg("cannot open %s", path);
  while (fgets(line, sizeof(line), f)) {
    char *p = data_line(line);
    if (!p)
      continue;
    if (*p == '@') {
      p++;
      while (*p == ' ')
        p++;
      snprintf(reason, sizeof(reason), "%s", p);
      continue;
    }
    if (!reason[0]) {
      fclose(f);
      fail_msg("%s: domain %s before any @ reason line", path, p);
    }
    fn(p, reason);
    n++;
  }
  fclose(f);
  return n;
}

/* The domain, a subdomain of it and two look-alikes triaged alone. */
static void check_listed(const char *domain, const char *reason)
{
  char sub[600], look[600];
  expect_domain(NULL, domain, reason);
  snprintf(sub, sizeof(sub), "deep.sub.%s", domain);
  expect_domain(NULL, sub, reason);
  /* The name glued to more letters, or followed by more labels: not it. */
  snprintf(look, sizeof(look), "qzx%s", domain);
  expect_domain(NULL, look, NULL);
  snprintf(look, sizeof(look), "%s.evil-example.ru", domain);
  expect_domain(NULL, look, NULL);
}

/* Every domain of the data file is in the embedded table with its group's
 * reason, and so are its subdomains; a look-alike is not. */
static void test_benign_list_matches_data_file(void **state)
{
  (void)state;
  assert_true(for_each_benign(check_listed) >= 20);
}

/*
 * The status of the item of `type` and value `name` extracted from `text`
 * (fails when it is not extracted), its reason copied into
 * reason[0..size) ("" when it has none): the list, which owns the reason,
 * is freed before this returns.
 */
static ctix_ioc_status found_status(const char *text, ctix_ioc_type type, const char *name,
                                    char *reason, size_t size)
{
  ctix_ioc_list *l = ioc_run(text);
  const ctix_ioc *it = ioc_find(l, type, name);
  ctix_ioc_status st;
  if (!it) {
    ioc_dump(text, l);
    ctix_ioc_list_free(l);
    fail_msg("%s: not extracted from \"%s\"", name, text);
  }
  st = (ctix_ioc_status)it->status;
  if (it->reason && strlen(it->reason) >= size) {
    ctix_ioc_list_free(l);
    fail_msg("%s: reason longer than %zu bytes", name, size - 1);
  }
  snprintf(reason, size, "%s", it->reason ? it->reason : "");
  ctix_ioc_list_free(l);
  return st;
}

/* Extraction of the domain, a subdomain and a look-alike in a URL agrees
 * with ctix__ioc_triage_domain (status and reason). */
static void check_extracted(const char *domain, const char *reason)
{
  char names[3][600], text[2000], got[128];
  unsigned k;
  (void)reason; /* ctix__ioc_triage_domain, checked against it above, says it */
  snprintf(names[0], sizeof(names[0]), "%s", domain);
  snprintf(names[1], sizeof(names[1]), "deep.sub.%s", domain);
  snprintf(names[2], sizeof(names[2]), "%s.evil-example.ru", domain);
  for (k = 0; k < 3; k++) {
    ctix_ioc_status st, want_st = CTIX_IOC_STATUS_IOC;
    const char *want = "unset";
    /* the host: an address in a sentence, then the URL's host */
    snprintf(text, sizeof(text), "Traffic went to https://%s/a then stopped.", names[k]);
    ctix__ioc_triage_domain(NULL, names[k], strlen(names[k]), &want_st, &want);
    st = found_status(text, CTIX_IOC_DOMAIN, names[k], got, sizeof(got));
    if (st != want_st || strcmp(got, want ? want : "") != 0)
      fail_msg("%s: extraction says %s (%s), triage %s (%s)", names[k],
               ctix_ioc_status_name(st), got[0] ? got : "NULL", ctix_ioc_status_name(want_st),
               want ? want : "NULL");
  }
}

/* Extraction triages a domain from the walk that checked it (the labels
 * and hashes recorded on the way, ctix__ioc_triage_host): every domain of
 * the data file, a subdomain of it and a look-alike get what
 * ctix__ioc_triage_domain gives them, which the test above checks
 * against the file. */
static void test_benign_list_by_extraction(void **state)
{
  (void)state;
  assert_true(for_each_benign(check_extracted) >= 20);
}

static void test_benign_domains(void **state)
{
  (void)state;
  expect_domain(NULL, "example.com", "documentation domain");
  expect_domain(NULL, "www.example.org", "documentation domain");
  expect_domain(NULL, "mail.example.net", "documentation domain");
  expect_domain(NULL, "Example.COM", "documentation domain");
  expect_domain(NULL, "example.com.", "documentation domain");
  expect_domain(NULL, "notexample.com", NULL);
  expect_domain(NULL, "example.com.evil.ru", NULL);
  expect_domain(NULL, "example.co", NULL);
  expect_domain(NULL, "microsoft.com", "well-known platform");
  expect_domain(NULL, "login.microsoftonline.com", "well-known platform");
  expect_domain(NULL, "microsoft-update.com", NULL);
  expect_domain(NULL, "evilmicrosoft.com", NULL);
  expect_domain(NULL, "microsoft.com-login.top", NULL);
  expect_domain(NULL, "attack.mitre.org", "security reference site");
  expect_domain(NULL, "www.cisa.gov", "security reference site");
  /* Hosting suffixes where anyone gets a name are not listed. */
  expect_domain(NULL, "payload.github.io", NULL);
  expect_domain(NULL, "bucket.s3.amazonaws.com", NULL);
  expect_domain(NULL, "evil.blogspot.com", NULL);
  /* Special-use top-level names. */
  expect_domain(NULL, "host.example", "documentation domain");
  expect_domain(NULL, "printer.test", "documentation domain");
  expect_domain(NULL, "x.invalid", "reserved name");
  expect_domain(NULL, "app.localhost", "reserved name");
  expect_domain(NULL, "billing-docs-secure.top", NULL);
  expect_domain(NULL, "xn--80ak6aa92e.com", NULL);
}

static void test_publisher_from_options(void **state)
{
  ctix_ioc_options o;
  ctix__ioc_scan s;
  static const char *const hosts[] = {"vendor-blog.net", "www.vendor-blog.net",
                                      "https://www.vendor-blog.net/2024/post?id=1",
                                      "HTTPS://user@Vendor-Blog.NET:443/"};
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
    ctix_ioc_options_init(&o);
    o.publisher_host = hosts[i];
    memset(&s, 0, sizeof(s));
    s.opts = &o;
    expect_domain(&s, "vendor-blog.net", "publisher's own site");
    expect_domain(&s, "cdn.vendor-blog.net", "publisher's own site");
    expect_domain(&s, "vendor-blog.network", NULL);
    expect_domain(&s, "myvendor-blog.net", NULL);
    expect_domain(&s, "net", NULL);
  }
  /* A publisher on a subdomain covers its parent (blog.x.com for x.com). */
  ctix_ioc_options_init(&o);
  o.publisher_host = "research.vendor-labs.io";
  memset(&s, 0, sizeof(s));
  s.opts = &o;
  expect_domain(&s, "vendor-labs.io", "publisher's own site");
  expect_domain(&s, "research.vendor-labs.io", "publisher's own site");
  expect_domain(&s, "other.io", NULL);
  /* The benign list wins over the publisher (its reason is kept). */
  expect_domain(&s, "example.com", "documentation domain");
  /* An IPv6 literal or an empty host names no publisher. */
  o.publisher_host = "http://[2001:db8::1]/x";
  expect_domain(&s, "db8.io", NULL);
  o.publisher_host = "";
  expect_domain(&s, "vendor-labs.io", NULL);
}

/* Parses `text` as `fmt` into a document (the caller frees it). */
static ctix_document *parse(const char *text, ctix_format fmt)
{
  ctix_doc_options o;
  ctix_document *doc = NULL;
  ctix_error err;
  ctix_error_clear(&err);
  ctix_doc_options_init(&o);
  o.format = fmt;
  if (ctix_document_parse(&doc, text, strlen(text), &o, &err))
    fail_msg("parse: %s", err.message);
  return doc;
}

static void test_publisher_from_canonical_url(void **state)
{
  ctix_document *doc = parse(
      "<html><head><title>Threat brief</title>"
      "<link rel=\"canonical\" href=\"https://news.threat-desk.org/2024/brief\"></head>"
      "<body><article><h1>Threat brief</h1><p>The actor used relay-cdn.top for command "
      "and control, as described in this brief.</p></article></body></html>",
      CTIX_FORMAT_HTML);
  ctix_ioc_options o;
  ctix__ioc_scan s;
  (void)state;
  assert_non_null(doc->meta.canonical_url);
  ctix_ioc_options_init(&o);
  memset(&s, 0, sizeof(s));
  s.opts = &o;
  s.doc = doc;
  expect_domain(&s, "news.threat-desk.org", "publisher's own site");
  expect_domain(&s, "threat-desk.org", "publisher's own site");
  expect_domain(&s, "relay-cdn.top", NULL);
  /* The option overrides the canonical URL. */
  o.publisher_host = "other-site.com";
  expect_domain(&s, "threat-desk.org", NULL);
  expect_domain(&s, "other-site.com", "publisher's own site");
  ctix_document_free(doc);
}

/* ------------------------------------------------------ reference sections */

/* Offset of the first occurrence of `needle` in the document text. */
static size_t offset_of(const ctix_document *doc, const char *needle)
{
  const char *p = strstr(doc->text, needle);
  if (!p)
    fail_msg("'%s' is not in the document text", needle);
  return (size_t)(p - doc->text);
}

static ctix_ioc make_item(ctix_ioc_type type, ctix_ioc_status st, const char *reason)
{
  ctix_ioc it;
  memset(&it, 0, sizeof(it));
  it.type = type;
  it.status = st;
  it.reason = reason;
  it.value = "v";
  it.original = "v";
  it.nhits = 1;
  return it;
}

static ctix_ioc_hit make_hit(uint32_t item, size_t at)
{
  ctix_ioc_hit h;
  memset(&h, 0, sizeof(h));
  h.ioc = item;
  h.span.start = at;
  h.span.end = at + 3;
  return h;
}

static void test_reference_sections(void **state)
{
  ctix_document *doc = parse("# Campaign report\n\n"
                             "Body alpha and body beta and body hash.\n\n"
                             "## Indicators\n\n"
                             "Table gamma.\n\n"
                             "## 7. Further reading:\n\n"
                             "- Ref alpha\n- Ref beta\n- Ref hash\n- Ref ip\n\n"
                             "### Vendor posts\n\n"
                             "Nested delta.\n\n"
                             "## Appendix\n\n"
                             "Late epsilon.\n",
                             CTIX_FORMAT_MARKDOWN);
  ctix_ioc items[6];
  ctix_ioc_hit hits[8];
  size_t nh = 0;
  (void)state;
  items[0] = make_item(CTIX_IOC_URL, CTIX_IOC_STATUS_IOC, NULL);       /* only in refs */
  items[1] = make_item(CTIX_IOC_DOMAIN, CTIX_IOC_STATUS_IOC, NULL);    /* body + refs */
  items[2] = make_item(CTIX_IOC_SHA256, CTIX_IOC_STATUS_IOC, NULL);    /* not a link type */
  items[3] = make_item(CTIX_IOC_IPV4, CTIX_IOC_STATUS_BENIGN, "private range");
  items[4] = make_item(CTIX_IOC_EMAIL, CTIX_IOC_STATUS_IOC, NULL);     /* subsection */
  items[5] = make_item(CTIX_IOC_DOMAIN, CTIX_IOC_STATUS_IOC, NULL);    /* after refs */
  hits[nh++] = make_hit(0, offset_of(doc, "Ref alpha"));
  hits[nh++] = make_hit(1, offset_of(doc, "body beta"));
  hits[nh++] = make_hit(1, offset_of(doc, "Ref beta"));
  hits[nh++] = make_hit(2, offset_of(doc, "Ref hash"));
  hits[nh++] = make_hit(3, offset_of(doc, "Ref ip"));
  hits[nh++] = make_hit(4, offset_of(doc, "Nested delta"));
  hits[nh++] = make_hit(5, offset_of(doc, "Late epsilon"));
  hits[nh++] = make_hit(5, offset_of(doc, "Table gamma"));
  assert_int_equal(ctix__ioc_triage_references(items, 6, hits, nh, doc), 0);
  assert_int_equal(items[0].status, CTIX_IOC_STATUS_BENIGN);
  assert_string_equal(items[0].reason, "reference link");
  assert_int_equal(items[1].status, CTIX_IOC_STATUS_IOC);
  assert_null(items[1].reason);
  assert_int_equal(items[2].status, CTIX_IOC_STATUS_IOC);
  assert_string_equal(items[3].reason, "private range");
  assert_int_equal(items[4].status, CTIX_IOC_STATUS_BENIGN);
  assert_string_equal(items[4].reason, "reference link");
  assert_int_equal(items[5].status, CTIX_IOC_STATUS_IOC);
  ctix_document_free(doc);
}

/* Heading forms that name a reference section, and some that do not. */
static void test_reference_headings(void **state)
{
  static const struct {
    const char *heading;
    bool ref;
  } cases[] = {
      {"References", true},     {"REFERENCES", true},          {"Sources", true},
      {"3. Sources", true},     {"VII. References", true},     {"Further Reading", true},
      {"Resources", true},      {"See also", true},            {"External links", true},
      {"Bibliography", true},   {"Notes", true},               {"Indicators of compromise", false},
      {"Analyst notes", false},
      {"Technical analysis", false}, {"Reference architecture", false},
      {"Open sources used by the actor", false},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char md[512];
    ctix_document *doc;
    ctix_ioc it = make_item(CTIX_IOC_URL, CTIX_IOC_STATUS_IOC, NULL);
    ctix_ioc_hit h;
    snprintf(md, sizeof(md), "# Title\n\nIntro text here.\n\n## %s\n\nLinked target.\n",
             cases[i].heading);
    doc = parse(md, CTIX_FORMAT_MARKDOWN);
    h = make_hit(0, offset_of(doc, "Linked target"));
    assert_int_equal(ctix__ioc_triage_references(&it, 1, &h, 1, doc), 0);
    if ((it.status == CTIX_IOC_STATUS_BENIGN) != cases[i].ref)
      fail_msg("heading '%s': expected %s", cases[i].heading,
               cases[i].ref ? "a reference section" : "no reference section");
    ctix_document_free(doc);
  }
}

/* No document, no sections, or a plain text without headings: no change. */
static void test_reference_no_sections(void **state)
{
  ctix_document *doc = parse("Just one paragraph with a link.\n", CTIX_FORMAT_TEXT);
  ctix_ioc it = make_item(CTIX_IOC_URL, CTIX_IOC_STATUS_IOC, NULL);
  ctix_ioc_hit h = make_hit(0, 0);
  (void)state;
  assert_int_equal(ctix__ioc_triage_references(&it, 1, &h, 1, NULL), 0);
  assert_int_equal(ctix__ioc_triage_references(&it, 1, &h, 1, doc), 0);
  assert_int_equal(it.status, CTIX_IOC_STATUS_IOC);
  ctix_document_free(doc);
}

/* Government cyber agencies and CERTs that advisories name as the place
 * to report to: benign, their subdomains too. */
static void test_agency_domains(void **state)
{
  (void)state;
  expect_domain(NULL, "cisa.dhs.gov", "security reference site");
  expect_domain(NULL, "cyber.nsa.gov", "security reference site");
  expect_domain(NULL, "dibnet.dod.mil", "security reference site");
  expect_domain(NULL, "cyber.gc.ca", "security reference site");
  expect_domain(NULL, "ncsc.govt.nz", "security reference site");
  expect_domain(NULL, "ssi.gouv.fr", "security reference site");
  expect_domain(NULL, "cert.pl", "security reference site");
  expect_domain(NULL, "dhs.gov.evil-example.ru", NULL);
}

/*
 * Mailboxes: an address at an agency's domain is benign like the domain;
 * an address where an advisory says to report incidents or
 * vulnerabilities is a reporting contact; an address at a web-mail
 * platform belongs to whoever opened it and stays an indicator.
 */
static void test_email_triage(void **state)
{
  char why[128];
  (void)state;
  assert_int_equal(found_status("Call the operations centre at contact@cisa.dhs.gov today.",
                                CTIX_IOC_EMAIL, "contact@cisa.dhs.gov", why, sizeof(why)),
                   CTIX_IOC_STATUS_BENIGN);
  assert_int_equal(found_status("To report product vulnerabilities, write to "
                                "psirt@acme-controls.com with details.",
                                CTIX_IOC_EMAIL, "psirt@acme-controls.com", why, sizeof(why)),
                   CTIX_IOC_STATUS_BENIGN);
  assert_string_equal(why, "reporting contact");
  assert_int_equal(found_status("Contact the vendor CERT at cert@acme-drives.com for help, "
                                "or to report incidents.",
                                CTIX_IOC_EMAIL, "cert@acme-drives.com", why, sizeof(why)),
                   CTIX_IOC_STATUS_BENIGN);
  assert_int_equal(found_status("The negotiator wrote from keymaster42@gmail.com twice.",
                                CTIX_IOC_EMAIL, "keymaster42@gmail.com", why, sizeof(why)),
                   CTIX_IOC_STATUS_IOC);
  assert_int_equal(found_status("The note tells victims to contact unlock-777@proton.me.",
                                CTIX_IOC_EMAIL, "unlock-777@proton.me", why, sizeof(why)),
                   CTIX_IOC_STATUS_IOC);
  assert_int_equal(found_status("Phishing mails came from billing@acme-invoices.com.",
                                CTIX_IOC_EMAIL, "billing@acme-invoices.com", why, sizeof(why)),
                   CTIX_IOC_STATUS_IOC);
}

/* Asserts that `text` yields `name` of `type` with status `st` and, when
 * not NULL, reason `why`. */
static void expect_status(const char *text, ctix_ioc_type type, const char *name,
                          ctix_ioc_status st, const char *why)
{
  char got[128];
  ctix_ioc_status s = found_status(text, type, name, got, sizeof(got));
  if (s != st || (why && strcmp(got, why) != 0))
    fail_msg("%s in \"%s\": %s (%s), expected %s (%s)", name, text, ctix_ioc_status_name(s), got,
             ctix_ioc_status_name(st), why ? why : "-");
}

/* Built-in Windows programs named bare are benign (the data table), the
 * same names outside the system folders stay indicators. */
static void test_builtin_programs(void **state)
{
  static const file_case cases[] = {
      {"bootcfg.exe", SYSFILE},
      {"MakeCab.exe", SYSFILE},
      {"w32tm.exe", SYSFILE},
      {"C:\\Windows\\System32\\esentutl.exe", SYSFILE},
      {"typeperf.exe", SYSFILE},
      {"C:\\Users\\Public\\diskperf.exe", NULL},
      {"C:\\ProgramData\\openfiles.exe", NULL},
      {"makecabs.exe", NULL},
  };
  (void)state;
  check_file_cases(cases, sizeof(cases) / sizeof(cases[0]));
  expect_status("The implant ran bootcfg.exe and w32tm.exe to learn the boot settings.",
                CTIX_IOC_FILE_NAME, "bootcfg.exe", CTIX_IOC_STATUS_BENIGN, SYSFILE);
}

/* Called for each line of a word list. */
typedef void (*word_fn)(const char *word);

/* Reads data/ioc/<file> (one entry a line, comments after '#') and calls
 * fn for each entry; returns their number. */
static size_t for_each_word(const char *file, word_fn fn)
{
  char path[1024], line[256];
  FILE *f;
  size_t n = 0;
  snprintf(path, sizeof(path), "%s/../../data/ioc/%s", CTIX_TEST_DATA, file);
  f = fopen(path, "r");
  if (!f)
    fail_msg("cannot open %s", path);
  while (fgets(line, sizeof(line), f)) {
    char *p = data_line(line);
    if (!p)
      continue;
    fn(p);
    n++;
  }
  fclose(f);
  return n;
}

/* A program of the list: benign bare and in System32, an indicator in a
 * user folder. */
static void check_program(const char *name)
{
  char path[300];
  file_case c[3] = {{name, SYSFILE}, {path, SYSFILE}, {NULL, NULL}};
  snprintf(path, sizeof(path), "C:\\Windows\\System32\\%s", name);
  check_file_cases(c, 2);
  {
    char other[300];
    c[2].path = other;
    snprintf(other, sizeof(other), "C:\\Users\\Public\\%s", name);
    check_file_cases(&c[2], 1);
  }
}

/* Every entry of data/ioc/windows-programs.txt is in the embedded table. */
static void test_program_list_matches_data_file(void **state)
{
  (void)state;
  assert_true(for_each_word("windows-programs.txt", check_program) > 100);
}

/* An organisation's contact that closes an advisory ("contact <Name> at
 * ...") is benign; "contact us at ..." in a ransom note stays an
 * indicator. */
static void test_organisation_contact(void **state)
{
  (void)state;
  expect_status("For help with hardening the plant, contact Acme Automation Services at "
                "plant.help@acme-automation.com.",
                CTIX_IOC_EMAIL, "plant.help@acme-automation.com", CTIX_IOC_STATUS_BENIGN,
                "reporting contact");
  expect_status("Consider contacting Acme Drives PSIRT via https://psirt.acme-drives.com/ or email "
                "psirt@acme-drives.com.",
                CTIX_IOC_EMAIL, "psirt@acme-drives.com", CTIX_IOC_STATUS_BENIGN,
                "reporting contact");
  expect_status("Your files are locked. Contact us at unlockme@cock.li to get the key.",
                CTIX_IOC_EMAIL, "unlockme@cock.li", CTIX_IOC_STATUS_IOC, NULL);
  expect_status("To buy the decryptor, contact our team at deals@keyvault-help.com today.",
                CTIX_IOC_EMAIL, "deals@keyvault-help.com", CTIX_IOC_STATUS_IOC, NULL);
  expect_status("We contacted Acme. Later the actor wrote from ops@acme-billing.com again.",
                CTIX_IOC_EMAIL, "ops@acme-billing.com", CTIX_IOC_STATUS_IOC, NULL);
}

/* The web-mail platform of a mailbox named in a ransom note is benign; the
 * mailbox stays an indicator. */
static void test_mail_platform_domain(void **state)
{
  static const char text[] = "Negotiation went through k7q2x9@proton.me and a chat room.";
  (void)state;
  expect_status(text, CTIX_IOC_EMAIL, "k7q2x9@proton.me", CTIX_IOC_STATUS_IOC, NULL);
  expect_status(text, CTIX_IOC_DOMAIN, "proton.me", CTIX_IOC_STATUS_BENIGN, "web-mail platform");
  expect_status("Mail came from ops@relay-mailer.net twice.", CTIX_IOC_DOMAIN, "relay-mailer.net",
                CTIX_IOC_STATUS_IOC, NULL);
}

/* A zero-padded dotted number after "version" is a version, not an
 * address; the same address elsewhere, or unpadded, is kept. */
static void test_version_not_address(void **state)
{
  (void)state;
  expect_status("The flaw affects Acme Agent versions 9.2.18.001 through 9.2.18.538.",
                CTIX_IOC_IPV4, "9.2.18.1", CTIX_IOC_STATUS_REJECTED, "version number");
  expect_status("The implant beacons to 9.2.18.001 over TLS.", CTIX_IOC_IPV4, "9.2.18.1",
                CTIX_IOC_STATUS_IOC, NULL);
  expect_status("Fixed in version 2, the server 45.9.20.11 still answered.", CTIX_IOC_IPV4,
                "45.9.20.11", CTIX_IOC_STATUS_IOC, NULL);
}

/* A name whose extension is a TLD, decided a file at one place and left
 * undecided at another, is one file: its domain item is rejected; a name
 * inside a path keeps its domain item, and an archive name keeps both. */
static void test_one_type_per_value(void **state)
{
  static const char text[] = "The operators used harvest.py (an open-source library) to dump "
                             "hashes.\n| Credential dumping | harvest.py on every server |\n";
  (void)state;
  expect_status(text, CTIX_IOC_FILE_NAME, "harvest.py", CTIX_IOC_STATUS_IOC, NULL);
  expect_status(text, CTIX_IOC_DOMAIN, "harvest.py", CTIX_IOC_STATUS_REJECTED,
                "file name elsewhere in the text");
  {
    /* on a list built by hand: the domain's one hit inside a path */
    ctix_ioc it[3] = {make_item(CTIX_IOC_FILE_NAME, CTIX_IOC_STATUS_IOC, NULL),
                      make_item(CTIX_IOC_FILE_PATH, CTIX_IOC_STATUS_IOC, NULL),
                      make_item(CTIX_IOC_DOMAIN, CTIX_IOC_STATUS_IOC, NULL)};
    ctix_ioc_hit h[3] = {make_hit(0, 0), make_hit(1, 20), make_hit(2, 21)};
    it[0].value = "Grab.py";
    it[1].value = "~/kit/grab.py";
    it[2].value = "grab.py";
    static const char pad[] = "                                                            ";
    h[1].span.end = 40;
    assert_int_equal(ctix__ioc_triage_one_type(it, 3, h, 3, pad, sizeof pad - 1), 0);
    assert_int_equal(it[2].status, CTIX_IOC_STATUS_IOC);
    h[2] = make_hit(2, 50); /* now outside it */
    assert_int_equal(ctix__ioc_triage_one_type(it, 3, h, 3, pad, sizeof pad - 1), 0);
    assert_int_equal(it[2].status, CTIX_IOC_STATUS_REJECTED);
  }
  expect_status("The dropper downloaded invoice.zip. | Hosting | invoice.zip |",
                CTIX_IOC_DOMAIN, "invoice.zip", CTIX_IOC_STATUS_IOC, NULL);
  expect_status("Dropped file harvest.py; the C2 was harvest[.]py on port 443.", CTIX_IOC_DOMAIN,
                "harvest.py", CTIX_IOC_STATUS_IOC, NULL);
}

/* "Contact <Name> at <address>" is an organisation's own contact only when
 * <Name> is the registrable label of the address's domain: the contacts of
 * ransom notes, extortion mails and phishing lures stay indicators, with
 * their domains. */
static void test_contact_names_owner(void **state)
{
  static const struct {
    const char *text, *email, *domain;
  } kept[] = {
      {"The note says: Contact Hive Support at hivesupp@onionmail.org to get the key.",
       "hivesupp@onionmail.org", "onionmail.org"},
      {"The wallpaper told users to contact Akira via akira.help@cock.li within three days.",
       "akira.help@cock.li", "cock.li"},
      {"Victims were asked to contact Royal at royalsupp@tutanota.io for a decryptor.",
       "royalsupp@tutanota.io", "tutanota.io"},
      {"A lure told staff to contact Google Security at alerts@google-security-team.com now.",
       "alerts@google-security-team.com", "google-security-team.com"},
      {"Contact Mail: unlockfiles@decrypt-help.net", "unlockfiles@decrypt-help.net",
       "decrypt-help.net"},
      {"Contact Signal or mail keys4you@lockedbox.cc for a free test file.",
       "keys4you@lockedbox.cc", "lockedbox.cc"},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
    expect_status(kept[i].text, CTIX_IOC_EMAIL, kept[i].email, CTIX_IOC_STATUS_IOC, NULL);
    expect_status(kept[i].text, CTIX_IOC_DOMAIN, kept[i].domain, CTIX_IOC_STATUS_IOC, NULL);
  }
  /* the owner named: one word, words run together, words joined by '-' */
  expect_status("For product questions, contact Fabrikam at support.ot@fabrikam.com.",
                CTIX_IOC_EMAIL, "support.ot@fabrikam.com", CTIX_IOC_STATUS_BENIGN,
                "reporting contact");
  expect_status("Please contact Northwind Traders PSIRT via psirt@northwindtraders.com.",
                CTIX_IOC_EMAIL, "psirt@northwindtraders.com", CTIX_IOC_STATUS_BENIGN,
                "reporting contact");
  expect_status("Operators should contact Blue Yonder Grid at cert@blue-yonder-grid.de soon.",
                CTIX_IOC_EMAIL, "cert@blue-yonder-grid.de", CTIX_IOC_STATUS_BENIGN,
                "reporting contact");
}

/* A domain whose name is also a script's is kept where some occurrence
 * reads as a host: a net word around it, a port after it. */
static void test_one_type_host_evidence(void **state)
{
  (void)state;
  expect_status("Stage two was the script sync.py, run by cron.\n\n"
                "Later the loader connected to sync.py on port 8080.\n",
                CTIX_IOC_DOMAIN, "sync.py", CTIX_IOC_STATUS_IOC, NULL);
  expect_status("After that, it resolved the domain beta.sh and uploaded the archive. "
                "The shell script beta.sh wiped the logs.\n",
                CTIX_IOC_DOMAIN, "beta.sh", CTIX_IOC_STATUS_IOC, NULL);
  expect_status("The actors ran the script gamma.pl as root.\n\n"
                "| Indicator |\n| --- |\n| gamma.pl:4443 |\n",
                CTIX_IOC_DOMAIN, "gamma.pl", CTIX_IOC_STATUS_IOC, NULL);
  expect_status("The operators ran the script delta.py to collect hashes.\n\n"
                "Indicators: delta.py (C2 domain, first seen in June)\n",
                CTIX_IOC_DOMAIN, "delta.py", CTIX_IOC_STATUS_IOC, NULL);
  /* no occurrence says host: one file */
  expect_status("The operators ran the script delta.py to collect hashes.\n\n"
                "| Tool |\n| --- |\n| delta.py |\n",
                CTIX_IOC_DOMAIN, "delta.py", CTIX_IOC_STATUS_REJECTED,
                "file name elsewhere in the text");
}

/* "version" must come right before the zero-padded number (or a range of
 * versions follow it); a version word further back is about something
 * else. */
static void test_version_word_place(void **state)
{
  (void)state;
  expect_status("Its version 2 loader polls 103.75.190.011 daily.", CTIX_IOC_IPV4,
                "103.75.190.11", CTIX_IOC_STATUS_IOC, NULL);
  expect_status("The 2.0 version talked to 091.215.85.14 instead.", CTIX_IOC_IPV4,
                "91.215.85.14", CTIX_IOC_STATUS_IOC, NULL);
  expect_status("Upgrade past version: 4.0.12.009 of the gateway.", CTIX_IOC_IPV4, "4.0.12.9",
                CTIX_IOC_STATUS_REJECTED, "version number");
  expect_status("Versions of Contoso 7.1.0.010 through 7.1.0.200 are affected.", CTIX_IOC_IPV4,
                "7.1.0.10", CTIX_IOC_STATUS_REJECTED, "version number");
}

/* Field names of queries: three labels or more, or two whose last is a
 * field leaf; prose around a host ("like", "in (") and the value of a
 * host field are no query. */
static void test_query_fields_shape(void **state)
{
  (void)state;
  expect_status("Data was staged and sent to file.io like the group did in 2023.",
                CTIX_IOC_DOMAIN, "file.io", CTIX_IOC_STATUS_IOC, NULL);
  expect_status("Uploads went to file.io in (most) cases we saw.", CTIX_IOC_DOMAIN, "file.io",
                CTIX_IOC_STATUS_IOC, NULL);
  expect_status("destination.domain: file.io", CTIX_IOC_DOMAIN, "file.io", CTIX_IOC_STATUS_IOC,
                NULL);
  expect_status("url.domain == file.io", CTIX_IOC_DOMAIN, "file.io", CTIX_IOC_STATUS_IOC, NULL);
  expect_status("The beacon was agent.io : a second stage followed.", CTIX_IOC_DOMAIN,
                "agent.io", CTIX_IOC_STATUS_IOC, NULL);
  expect_status("dns.question.name: evil-updates.com", CTIX_IOC_DOMAIN, "dns.question.name",
                CTIX_IOC_STATUS_REJECTED, "field name in a query");
  expect_status("dns.question.name: evil-updates.com", CTIX_IOC_DOMAIN, "evil-updates.com",
                CTIX_IOC_STATUS_IOC, NULL);
  expect_status("FROM logs | where user.name like \"adm*\"", CTIX_IOC_DOMAIN, "user.name",
                CTIX_IOC_STATUS_REJECTED, "field name in a query");
}

/* Every field set of data/ioc/query-field-sets.txt opens a field name the
 * triage recognizes (the embedded table and its longest entry agree with
 * the file). */
static void check_field_set(const char *set)
{
  char text[200];
  if (strchr(set, '_'))
    return; /* not a host label: never reaches the triage */
  snprintf(text, sizeof(text), "%s.parent.name : \"x\"", set);
  {
    char name[120];
    snprintf(name, sizeof(name), "%s.parent.name", set);
    expect_status(text, CTIX_IOC_DOMAIN, name, CTIX_IOC_STATUS_REJECTED,
                  "field name in a query");
  }
}

static void test_field_sets_match_data_file(void **state)
{
  (void)state;
  assert_true(for_each_word("query-field-sets.txt", check_field_set) > 20);
}

/* A built-in program's name given to the actors' own file stays an
 * indicator: renamed to it, masquerading as it, "associated file", a hash
 * beside it; a plain mention stays benign. amsi.dll is no system name. */
static void test_program_name_of_actors_file(void **state)
{
  static const char list[] = "Files found on the server:\n\n"
                             "- svchost.exe – Associated file. It installs a task.\n\n"
                             "- conhost.exe\n";
  (void)state;
  expect_status("The operators renamed the cryptominer to choice.exe before running it.",
                CTIX_IOC_FILE_NAME, "choice.exe", CTIX_IOC_STATUS_IOC, NULL);
  expect_status(list, CTIX_IOC_FILE_NAME, "svchost.exe", CTIX_IOC_STATUS_IOC, NULL);
  expect_status(list, CTIX_IOC_FILE_NAME, "conhost.exe", CTIX_IOC_STATUS_BENIGN,
                "well-known system file");
  expect_status("| replace.exe | 0cc175b9c0f1b6a831c399e269772661 |", CTIX_IOC_FILE_NAME,
                "replace.exe", CTIX_IOC_STATUS_IOC, NULL);
  expect_status("A malicious finger.exe was left in the share.", CTIX_IOC_FILE_NAME,
                "finger.exe", CTIX_IOC_STATUS_IOC, NULL);
  expect_status("The actors ran query.exe to list sessions.", CTIX_IOC_FILE_NAME, "query.exe",
                CTIX_IOC_STATUS_BENIGN, "well-known system file");
  expect_status("PowerShell loaded amsi.dll from the current folder.", CTIX_IOC_FILE_NAME,
                "amsi.dll", CTIX_IOC_STATUS_IOC, NULL);
  expect_status("The intruders dropped a fake svchost.exe in the Temp folder.", CTIX_IOC_FILE_NAME,
                "svchost.exe", CTIX_IOC_STATUS_IOC, NULL);
  expect_status("The loader disguised itself as notepad.exe.", CTIX_IOC_FILE_NAME, "notepad.exe",
                CTIX_IOC_STATUS_IOC, NULL);
  expect_status("Seen on the host: dllhost.exe (malicious) and conhost.exe.", CTIX_IOC_FILE_NAME,
                "dllhost.exe", CTIX_IOC_STATUS_IOC, NULL);
}

/* A plain mention of a built-in program near an actor word stays benign:
 * the word must modify the name itself (or govern "renamed to" / "as"),
 * a word after it counts only in the "(malicious)" and "– associated
 * file" shapes, and "legitimate" before it says it is the real program,
 * even with a hash beside it. */
static void test_program_name_plain_mentions(void **state)
{
  static const struct {
    const char *text, *name;
  } cases[] = {
      {"A malicious payload then spawned cmd.exe to run whoami.", "cmd.exe"},
      {"The malicious document launches powershell.exe with an encoded command.",
       "powershell.exe"},
      {"The malicious macro runs mshta.exe.", "mshta.exe"},
      {"The fake invoice opens notepad.exe as a decoy.", "notepad.exe"},
      {"Ransomware is dropped and executes vssadmin.exe", "vssadmin.exe"},
      {"The trojanized installer runs msiexec.exe silently.", "msiexec.exe"},
      {"The masquerading binary checks whether taskmgr.exe is running.", "taskmgr.exe"},
      {"The macro used it to start cmd.exe; malicious commands followed.", "cmd.exe"},
      {"Process tree: winword.exe > cmd.exe > powershell.exe (malicious)", "cmd.exe"},
      {"Malicious actors abuse rundll32.exe.", "rundll32.exe"},
      {"The Inproc.exe is a legitimate mshta.exe file (MD5 0b43c81d0fd1a0e7a1bb6b1a5bc36cb7).",
       "mshta.exe"},
      {"The attackers abused the legitimate svchost.exe to hide.", "svchost.exe"},
      {"Its MD5 is 9e107d9d372bb6826bd81d3542a419d6. The dropper is then run by the wscript.exe "
       "process.",
       "wscript.exe"},
      {"hash1 = \"9e107d9d372bb6826bd81d3542a419d6\" strings: $a = \"cmd.exe /c echo x\"",
       "cmd.exe"},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    expect_status(cases[i].text, CTIX_IOC_FILE_NAME, cases[i].name, CTIX_IOC_STATUS_BENIGN,
                  "well-known system file");
  expect_status("Process tree: winword.exe > cmd.exe > powershell.exe (malicious)",
                CTIX_IOC_FILE_NAME, "powershell.exe", CTIX_IOC_STATUS_IOC, NULL);
}

/* The status of a built-in program's name is decided per value: if any
 * occurrence gives it to the actors' file it is an indicator, whichever
 * comes first. */
static void test_program_name_any_occurrence(void **state)
{
  (void)state;
  expect_status("The attackers abused the legitimate svchost.exe. "
                "The loader was renamed to svchost.exe.",
                CTIX_IOC_FILE_NAME, "svchost.exe", CTIX_IOC_STATUS_IOC, NULL);
  expect_status("The loader was renamed to svchost.exe. "
                "The attackers abused the legitimate svchost.exe.",
                CTIX_IOC_FILE_NAME, "svchost.exe", CTIX_IOC_STATUS_IOC, NULL);
}

/* A "Notes" section makes only URLs and their hosts references, not its
 * subsections; a defanged observable is never a reference link. */
static void test_notes_sections(void **state)
{
  ctix_document *doc = parse("# Report\n\n"
                             "Body text.\n\n"
                             "## Notes\n\n"
                             "Url one at its host. Addr two. Mail three.\n\n"
                             "### IOCs\n\n"
                             "Sub four.\n\n"
                             "## Sources\n\n"
                             "Fanged five.\n",
                             CTIX_FORMAT_MARKDOWN);
  ctix_ioc items[6];
  ctix_ioc_hit hits[7];
  size_t nh = 0, i;
  (void)state;
  items[0] = make_item(CTIX_IOC_URL, CTIX_IOC_STATUS_IOC, NULL);
  items[1] = make_item(CTIX_IOC_DOMAIN, CTIX_IOC_STATUS_IOC, NULL); /* the URL's host */
  items[2] = make_item(CTIX_IOC_IPV4, CTIX_IOC_STATUS_IOC, NULL);
  items[3] = make_item(CTIX_IOC_EMAIL, CTIX_IOC_STATUS_IOC, NULL);
  items[4] = make_item(CTIX_IOC_DOMAIN, CTIX_IOC_STATUS_IOC, NULL); /* in the subsection */
  items[5] = make_item(CTIX_IOC_DOMAIN, CTIX_IOC_STATUS_IOC, NULL); /* defanged */
  items[5].defanged = true;
  hits[nh] = make_hit(0, offset_of(doc, "Url one"));
  hits[nh++].span.end = offset_of(doc, "Addr two") - 2;
  hits[nh++] = make_hit(1, offset_of(doc, "one at"));
  hits[nh++] = make_hit(2, offset_of(doc, "Addr two"));
  hits[nh++] = make_hit(3, offset_of(doc, "Mail three"));
  hits[nh++] = make_hit(4, offset_of(doc, "Sub four"));
  hits[nh++] = make_hit(5, offset_of(doc, "Fanged five"));
  assert_int_equal(ctix__ioc_triage_references(items, 6, hits, nh, doc), 0);
  assert_int_equal(items[0].status, CTIX_IOC_STATUS_BENIGN);
  assert_int_equal(items[1].status, CTIX_IOC_STATUS_BENIGN);
  for (i = 2; i < 6; i++)
    if (items[i].status != CTIX_IOC_STATUS_IOC)
      fail_msg("item %zu: %s, expected ioc", i, ctix_ioc_status_name(items[i].status));
  ctix_document_free(doc);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_benign_list_by_extraction),
      cmocka_unit_test(test_system_folders),
      cmocka_unit_test(test_ipv4_ranges),
      cmocka_unit_test(test_ipv6_ranges),
      cmocka_unit_test(test_ip_null),
      cmocka_unit_test(test_benign_list_matches_data_file),
      cmocka_unit_test(test_benign_domains),
      cmocka_unit_test(test_publisher_from_options),
      cmocka_unit_test(test_publisher_from_canonical_url),
      cmocka_unit_test(test_reference_sections),
      cmocka_unit_test(test_reference_headings),
      cmocka_unit_test(test_reference_no_sections),
      cmocka_unit_test(test_system_files),
      cmocka_unit_test(test_agency_domains),
      cmocka_unit_test(test_email_triage),
      cmocka_unit_test(test_builtin_programs),
      cmocka_unit_test(test_program_list_matches_data_file),
      cmocka_unit_test(test_organisation_contact),
      cmocka_unit_test(test_one_type_per_value),
      cmocka_unit_test(test_mail_platform_domain),
      cmocka_unit_test(test_version_not_address),
      cmocka_unit_test(test_contact_names_owner),
      cmocka_unit_test(test_one_type_host_evidence),
      cmocka_unit_test(test_version_word_place),
      cmocka_unit_test(test_query_fields_shape),
      cmocka_unit_test(test_field_sets_match_data_file),
      cmocka_unit_test(test_program_name_of_actors_file),
      cmocka_unit_test(test_program_name_plain_mentions),
      cmocka_unit_test(test_program_name_any_occurrence),
      cmocka_unit_test(test_notes_sections),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
