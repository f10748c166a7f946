/*
 * Fuzz target: the Splunk SPL2 target and the output formats. The input
 * is a whole Sigma rule; it is converted to `splunk_spl2` without and with
 * the splunk_windows pipeline (every query starts with "FROM main"), and to
 * `splunk`, whose queries are written as savedsearches.conf stanzas and as
 * JSON. Whatever the rule: a failure says why; the .conf text is made of
 * comments, blank lines, [stanza] headers and `key = value` lines, a line
 * ending in '\' only ever continues a value; the JSON is one line.
 */
#define _GNU_SOURCE /* memmem */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_sigma_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Aborts unless every line of the savedsearches text is a comment, blank,
 * a [stanza] header or `key = value`, or continues the value of the line
 * before (which ends with '\'); comments and headers never end with '\'.
 */
static void check_conf(const char *s)
{
  bool cont = false;
  while (*s) {
    const char *e = strchr(s, '\n');
    size_t n = e ? (size_t)(e - s) : 0;
    bool end_bs = n && s[n - 1] == '\\';
    if (!e)
      abort(); /* the text ends with a newline */
    if (!cont) {
      bool comment = n && s[0] == '#', header = n && s[0] == '[' && s[n - 1] == ']';
      if (n && !comment && !header && !memmem(s, n, " = ", 3))
        abort();
      if ((comment || header) && end_bs)
        abort();
      if (header && memchr(s + 1, ']', n - 2))
        abort();
    }
    cont = end_bs;
    s = e + 1;
  }
  if (cont)
    abort(); /* a continuation must have a next line */
}

static void formats(const ctix_sigma_rule *rule)
{
  ctix_sigma_converter *cv = NULL;
  ctix_sigma_queries q = {0, NULL};
  ctix_error err;
  char *text = NULL;
  ctix_error_clear(&err);
  if (ctix_sigma_converter_new(&cv, "splunk", NULL, 0, &err) != 0)
    abort();
  if (ctix_sigma_convert(&q, cv, rule, &err) == 0) {
    if (ctix_sigma_format_rule(&text, CTIX_SIGMA_FORMAT_SAVEDSEARCHES, "splunk", rule, &q, NULL,
                               &err) == 0)
      check_conf(text);
    else if (err.message[0] == 0)
      abort();
    free(text);
    text = NULL;
    if (ctix_sigma_format_rule(&text, CTIX_SIGMA_FORMAT_JSON, "splunk", rule, &q, NULL, &err) == 0 &&
        (text[0] != '{' || strchr(text, '\n') != text + strlen(text) - 1))
      abort();
    free(text);
  } else if (err.message[0] == 0) {
    abort();
  }
  ctix_sigma_queries_free(&q);
  ctix_sigma_converter_free(cv);
}

/* Aborts unless an SPL2 query starts with its dataset clause. */
static void check_spl2(const ctix_sigma_rule *rule, const char *pipe, const char *q, size_t index,
                       const void *arg)
{
  (void)rule, (void)pipe, (void)index, (void)arg;
  if (strncmp(q, "FROM main", 9) != 0)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char *const pipes[] = {NULL, "splunk_windows"};
  ctix_sigma_rule *rule = fz_sigma_load(data, size);
  if (!rule)
    return 0;
  fz_sigma_convert_all(rule, "splunk_spl2", pipes, 2, check_spl2, NULL);
  formats(rule);
  ctix_sigma_rule_free(rule);
  return 0;
}
