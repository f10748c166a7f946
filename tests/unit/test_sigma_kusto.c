/*
 * Unit tests of the Microsoft KQL (kusto) target and its pipelines:
 * grouping of every compound operand, `not(...)`, escaping, wildcards
 * (contains/startswith/endswith, inner wildcards as regex or split lists),
 * `in~` / `has_all` lists, regex flags, CIDR, null/exists, numbers,
 * refused field references, and the microsoft_xdr / sentinel_asim /
 * azure_monitor pipelines (table choice, field maps, hashes, registry
 * values, refused fields and logsources).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sigma_test.h"

#include "ctix/sigma.h"

static char *conv(const char *yaml, const char *pipe, ctix_error *err)
{
  return sigma_test_convert("kusto", yaml, pipe, err);
}

#define PROC "title: t\nlogsource: {product: windows, category: process_creation}\ndetection:\n"
#define REG "title: t\nlogsource: {product: windows, category: registry_set}\ndetection:\n"
#define NET "title: t\nlogsource: {product: windows, category: network_connection}\ndetection:\n"
#define SEC "title: t\nlogsource: {product: windows, service: security}\ndetection:\n"

static void expect(const char *yaml, const char *pipe, const char *want)
{
  sigma_test_expect("kusto", yaml, pipe, want);
}

/* Conversion must fail with CTIX_EUNSUPPORTED and a message holding `part`. */
static void refused(const char *yaml, const char *pipe, const char *part)
{
  ctix_error err;
  char *q = conv(yaml, pipe, &err);
  if (q)
    fail_msg("converted: %s", q);
  assert_int_equal(err.code, CTIX_EUNSUPPORTED);
  if (!strstr(err.message, part))
    fail_msg("message '%s' lacks '%s'", err.message, part);
}

static void test_precedence(void **state)
{
  (void)state;
  /* a field name that is not a plain identifier is quoted, never spliced in */
  expect(PROC "  a: {\"F) or true or (x\": v, \"it's\": w}\n  condition: a\n", NULL,
         "['F) or true or (x'] =~ \"v\" and ['it\\'s'] =~ \"w\"");
  /* KQL reads cs-uri as cs minus uri and 1day as a timespan: both quoted;
   * dotted names of plain parts stay bare */
  expect(PROC "  a: {cs-uri: v, 1day: w, a.b_1: x, a.2: y, _p.Q: z}\n  condition: a\n", NULL,
         "['cs-uri'] =~ \"v\" and ['1day'] =~ \"w\" and a.b_1 =~ \"x\" and ['a.2'] =~ \"y\" and "
         "_p.Q =~ \"z\"");
  /* a KQL string cannot hold a raw line break: escaped, as is a tab */
  expect(PROC "  a: {F: \"x\\ny\\tz\\r\"}\n  condition: a\n", NULL, "F =~ \"x\\ny\\tz\\r\"");
  /* every compound operand is grouped; NOT is not(...) and grouped too */
  expect(PROC "  a: {A: x, B: y}\n  b: {C: z}\n  f: {D: [u, v]}\n"
              "  condition: (a or b) and not f\n",
         NULL, "((A =~ \"x\" and B =~ \"y\") or C =~ \"z\") and (not((D in~ (\"u\", \"v\"))))");
  expect(PROC "  a: {A: x}\n  condition: not a\n", NULL, "not(A =~ \"x\")");
  /* an AND below an AND is grouped as well */
  expect(PROC "  a: {A: x, B: y}\n  b: {C: z}\n  condition: a and b\n", NULL,
         "(A =~ \"x\" and B =~ \"y\") and C =~ \"z\"");
}

static void test_strings(void **state)
{
  (void)state;
  expect(PROC "  s:\n    A|contains: 'a\"b\\c'\n    B|startswith: x\n    C|endswith: y\n"
              "  condition: s\n",
         NULL, "A contains \"a\\\"b\\\\c\" and B startswith \"x\" and C endswith \"y\"");
  /* an inner wildcard alone becomes a regex */
  expect(PROC "  s:\n    A: 'a*b.c'\n  condition: s\n", NULL, "A matches regex \"a.*b\\\\.c\"");
  /* in a value list it is split into contains terms; plain values go first */
  expect(PROC "  s:\n    A: ['x*y', 'p', 'q*']\n  condition: s\n", NULL,
         "A in~ (\"p\") or (A contains \"x\" and A contains \"y\") or A startswith \"q\"");
  /* an AND list of plain values is has_all */
  expect(PROC "  s:\n    A|all: ['p', 'q']\n  condition: s\n", NULL, "A has_all (\"p\", \"q\")");
  /* keywords are bare strings */
  expect(PROC "  k: ['evil']\n  condition: k\n", NULL, "\"evil\"");
  /* a field (part) named like a KQL keyword is quoted: ['or'], a['in'] */
  expect(PROC "  s:\n    or: x\n    a.in: y\n    order2: z\n  condition: s\n", NULL,
         "['or'] =~ \"x\" and a['in'] =~ \"y\" and order2 =~ \"z\"");
}

static void test_kinds(void **state)
{
  ctix_error err;
  char *q;
  (void)state;
  expect(PROC "  s:\n    A|re|i: 'a\"b\\d'\n  condition: s\n", NULL,
         "A matches regex \"(?i)a\\\"b\\\\d\"");
  /* a KQL string literal cannot hold a raw line break: \n \r (and \t) */
  expect(PROC "  s:\n    A|re: \"a\\nb\\tc\\r\"\n  condition: s\n", NULL,
         "A matches regex \"a\\nb\\tc\\r\"");
  expect(PROC "  s:\n    A|cidr: 10.0.0.0/8\n    B|cidr: 'fe80::/10'\n  condition: s\n", NULL,
         "ipv4_is_in_range(A, \"10.0.0.0/8\") and ipv6_is_in_range(B, \"fe80::/10\")");
  expect(PROC "  s:\n    A: null\n    B|exists: true\n    C|exists: false\n  condition: s\n", NULL,
         "isnull(A) and isnotempty(B) and isempty(C)");
  expect(PROC "  s:\n    A: 3389\n    B|gte: 5\n    C: [80, 443]\n  condition: s\n", NULL,
         "A == 3389 and B >= 5 and (C in~ (\"80\", \"443\"))");
  q = conv(PROC "  s:\n    A|fieldref: B\n  condition: s\n", NULL, &err);
  assert_null(q);
  assert_int_equal(err.code, CTIX_EUNSUPPORTED);
  assert_non_null(strstr(err.message, "fieldref"));
}

static void test_microsoft_xdr(void **state)
{
  (void)state;
  expect(PROC "  s:\n    Image|endswith: '\\cmd.exe'\n    ParentImage|endswith: '\\x.exe'\n"
              "    OriginalFileName: 'Cmd.Exe'\n  condition: s\n",
         "microsoft_xdr",
         "DeviceProcessEvents\n| where FolderPath endswith \"\\\\cmd.exe\" and "
         "InitiatingProcessFolderPath endswith \"\\\\x.exe\" and "
         "ProcessVersionInfoOriginalFileName =~ \"Cmd.Exe\"");
  /* Hashes become one OR per algorithm, unknown algorithms dropped */
  expect(PROC "  s:\n    Hashes|contains: ['SHA256=AA', 'MD5=BB', 'IMPHASH=CC', 'SHA256=DD']\n"
              "  condition: s\n",
         "microsoft_xdr",
         "DeviceProcessEvents\n| where (SHA256 startswith \"AA\" or SHA256 startswith \"DD\") or "
         "MD5 startswith \"BB\"");
  refused(PROC "  s:\n    Hashes|contains: 'IMPHASH=CC'\n  condition: s\n", "microsoft_xdr",
          "No valid hash algo");
  /* registry keys: hive abbreviations expanded, a trailing \* kept literally */
  expect(REG "  s:\n    TargetObject|contains: '\\Run\\'\n    Details: 'HKLM\\x'\n"
             "  t:\n    TargetObject|startswith: 'HKLM\\Software\\'\n  condition: s or t\n",
         "microsoft_xdr",
         "DeviceRegistryEvents\n| where (RegistryKey endswith \"\\\\Run*\" and RegistryValueData =~ "
         "\"HKLM\\\\x\") or RegistryKey =~ \"HKEY_LOCAL_MACHINE\\\\Software*\"");
  /* security EventIDs choose a table; EventID itself is dropped */
  expect(SEC "  s:\n    EventID: 4663\n    ObjectName|endswith: '\\SAM'\n  condition: s\n",
         "microsoft_xdr", "DeviceRegistryEvents\n| where RegistryKey endswith \"\\\\SAM\"");
  refused(SEC "  s:\n    EventID: 4697\n  condition: s\n", "microsoft_xdr", "table name");
  refused(PROC "  s:\n    CurrentDirectory: x\n  condition: s\n", "microsoft_xdr",
          "CurrentDirectory");
  /* Initiated is dropped from network events */
  expect(NET "  s:\n    Initiated: 'true'\n    DestinationPort: 443\n  condition: s\n",
         "microsoft_xdr", "DeviceNetworkEvents\n| where RemotePort == 443");
}

static void test_sentinel_azure(void **state)
{
  (void)state;
  /* one field mapped to two columns: the whole value list per column */
  expect(PROC "  s:\n    ParentImage|endswith: ['\\a.exe', '\\b.exe']\n  condition: s\n",
         "sentinel_asim",
         "imProcessCreate\n| where (ParentProcessName endswith \"\\\\a.exe\" or "
         "ParentProcessName endswith \"\\\\b.exe\") or (ActingProcessName endswith \"\\\\a.exe\" or "
         "ActingProcessName endswith \"\\\\b.exe\")");
  refused(PROC "  s:\n    OriginalFileName: x\n  condition: s\n", "sentinel_asim",
          "TargetProcessFilename");
  expect(PROC "  s:\n    Image|endswith: '\\cmd.exe'\n    Hashes|contains: ['MD5=AA', 'IMPHASH=BB']\n"
              "  condition: s\n",
         "azure_monitor",
         "SecurityEvent\n| where NewProcessName endswith \"\\\\cmd.exe\" and "
         "(FileHash startswith \"AA\" or FileHash startswith \"BB\")");
  refused("title: t\nlogsource: {category: proxy}\ndetection:\n  s: {c-uri: x}\n  condition: s\n",
          "azure_monitor", "table name");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_precedence),   cmocka_unit_test(test_strings),
    cmocka_unit_test(test_kinds),        cmocka_unit_test(test_microsoft_xdr),
    cmocka_unit_test(test_sentinel_azure),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
