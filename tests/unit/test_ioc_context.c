/*
 * Unit tests of the context recognizers (src/lib/ioc/context.c), through
 * the public ctix_ioc_extract: user agents (comments, product tokens, bare
 * words such as "Mobile" and "like Gecko", where an agent ends: a label
 * such as "TLP:AMBER", prose, sentence punctuation, the next "Mozilla/"),
 * agents that need a "User-Agent" context, and YARA rule names and mutexes
 * taken only when the text introduces them as such.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ioc_test.h"

#define UA_CHROME                                                                        \
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "    \
  "Chrome/126.0.0.0 Safari/537.36"
#define UA_ANDROID                                                                       \
  "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "     \
  "Chrome/116.0.0.0 Mobile Safari/537.36"
#define UA_IE11 "Mozilla/5.0 (Windows NT 6.3; Trident/7.0; rv:11.0) like Gecko"
#define UA_FIREFOX "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0"

static void test_user_agent_ends(void **state)
{
  (void)state;
  expect_exactly(UA_CHROME, CTIX_IOC_USER_AGENT, WANT(UA_CHROME));
  expect_exactly("beacon UA " UA_CHROME " TLP:AMBER", CTIX_IOC_USER_AGENT, WANT(UA_CHROME));
  expect_exactly("It sends " UA_ANDROID ". The server replies.", CTIX_IOC_USER_AGENT,
                 WANT(UA_ANDROID));
  expect_exactly(UA_IE11 " was hard-coded", CTIX_IOC_USER_AGENT, WANT(UA_IE11));
  expect_exactly("\"" UA_FIREFOX "\"", CTIX_IOC_USER_AGENT, WANT(UA_FIREFOX));
  expect_exactly("(" UA_FIREFOX ")", CTIX_IOC_USER_AGENT, WANT(UA_FIREFOX));
  expect_exactly("Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 5.1; Trident/4.0) and more",
                 CTIX_IOC_USER_AGENT,
                 WANT("Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 5.1; Trident/4.0)"));
}

static void test_user_agent_two_on_a_line(void **state)
{
  (void)state;
  expect_exactly(UA_FIREFOX " " UA_IE11, CTIX_IOC_USER_AGENT, WANT(UA_FIREFOX, UA_IE11));
  expect_exactly("mozilla/5.0 (x11; linux) gecko firefox/99.0 mozilla/5.0 (x11) safari/1.0",
                 CTIX_IOC_USER_AGENT,
                 WANT("mozilla/5.0 (x11; linux) gecko firefox/99.0", "mozilla/5.0 (x11) safari/1.0"));
}

static void test_user_agent_context(void **state)
{
  (void)state;
  expect_exactly("User-Agent: curl/8.4.0 was seen", CTIX_IOC_USER_AGENT, WANT("curl/8.4.0"));
  expect_exactly("the user agent Go-http-client/1.1 again", CTIX_IOC_USER_AGENT,
                 WANT("Go-http-client/1.1"));
  expect_exactly("User-Agent:Mozilla/5.0 (Windows NT 10.0)", CTIX_IOC_USER_AGENT,
                 WANT("Mozilla/5.0 (Windows NT 10.0)"));
  /* without the context: nothing */
  expect_exactly("we used curl/8.4.0 and python/3.11", CTIX_IOC_USER_AGENT, WANT_NONE);
  expect_exactly("just Mozilla/5.0 here", CTIX_IOC_USER_AGENT, WANT_NONE);
  expect_exactly("yes/no (maybe) either/or", CTIX_IOC_USER_AGENT, WANT_NONE);
  expect_exactly("the User-Agent header and/or cookies", CTIX_IOC_USER_AGENT, WANT_NONE);
}

static void test_user_agent_leaves_the_rest(void **state)
{
  (void)state;
  /* the agent stops before a registry key, which is still found */
  expect_exactly(UA_FIREFOX " HKCU\\Software\\Acme", CTIX_IOC_USER_AGENT, WANT(UA_FIREFOX));
  expect_exactly(UA_FIREFOX " HKCU\\Software\\Acme", CTIX_IOC_REGISTRY_KEY,
                 WANT("HKCU\\Software\\Acme"));
}

static void test_yara_rules(void **state)
{
  (void)state;
  expect_exactly("the rule APT_Dropper_2024 fires", CTIX_IOC_YARA_RULE, WANT("APT_Dropper_2024"));
  expect_exactly("our YARA rule Qakbot matches it", CTIX_IOC_YARA_RULE, WANT("Qakbot"));
  expect_exactly("rule AcmeLoader {\n strings: $a = \"x\"", CTIX_IOC_YARA_RULE,
                 WANT("AcmeLoader"));
  expect_exactly("private rule Loader : banker {", CTIX_IOC_YARA_RULE, WANT("Loader"));
  expect_exactly("YARA rules MAL_One, MAL_Two and MAL_Three", CTIX_IOC_YARA_RULE,
                 WANT("MAL_One", "MAL_Two", "MAL_Three"));
  expect_exactly("YARA rule \"Susp_Ps_Enc\" hits", CTIX_IOC_YARA_RULE, WANT("Susp_Ps_Enc"));
  /* prose */
  expect_exactly("as a rule of thumb, rule out noise; the rule is simple. Rule Britannia",
                 CTIX_IOC_YARA_RULE, WANT_NONE);
  expect_exactly("YARA rules are useful and a YARA rule that matches", CTIX_IOC_YARA_RULE,
                 WANT_NONE);
}

static void test_mutexes(void **state)
{
  (void)state;
  expect_exactly("it creates a mutex named Global\\AcmeMtx01 first", CTIX_IOC_MUTEX,
                 WANT("Global\\AcmeMtx01"));
  expect_exactly("the mutex 'Local\\{9f1c-22}' guards it", CTIX_IOC_MUTEX,
                 WANT("Local\\{9f1c-22}"));
  expect_exactly("Mutex: qwertyzz", CTIX_IOC_MUTEX, WANT("qwertyzz"));
  expect_exactly("| Mutex | Acme_Run_1 |", CTIX_IOC_MUTEX, WANT("Acme_Run_1"));
  expect_exactly("mutex \"Hello World 7\" is held", CTIX_IOC_MUTEX, WANT("Hello World 7"));
  expect_exactly("a mutant called 8a7s6d5f", CTIX_IOC_MUTEX, WANT("8a7s6d5f"));
  expect_exactly("mutexes \"A1x\", \"B2y\" and \"C3z\"", CTIX_IOC_MUTEX, WANT("A1x", "B2y", "C3z"));
  /* prose */
  expect_exactly("The mutex is released and a mutex to sync threads; the mutex object",
                 CTIX_IOC_MUTEX, WANT_NONE);
  expect_exactly("a mutex named", CTIX_IOC_MUTEX, WANT_NONE);
}

/* A header name glued to the value ("User-AgentMozilla/4.0", a YARA
 * string) is not part of the user agent; the value keeps its case. */
static void test_user_agent_glued_header(void **state)
{
  (void)state;
  expect_exactly("$ua = \"User-AgentMozilla/4.0 (compatible; MSIE 8.0; Windows NT 5.1)\"",
                 CTIX_IOC_USER_AGENT, WANT("Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 5.1)"));
  expect_exactly("user-agentMozilla/5.0 (X11; Linux x86_64) sent", CTIX_IOC_USER_AGENT,
                 WANT("Mozilla/5.0 (X11; Linux x86_64)"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_user_agent_glued_header),
      cmocka_unit_test(test_user_agent_ends),      cmocka_unit_test(test_user_agent_two_on_a_line),
      cmocka_unit_test(test_user_agent_context),   cmocka_unit_test(test_user_agent_leaves_the_rest),
      cmocka_unit_test(test_yara_rules),           cmocka_unit_test(test_mutexes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
