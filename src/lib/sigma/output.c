/*
 * Deployable output formats of converted rules (ctix_sigma_format_rule):
 * plain queries, Splunk savedsearches.conf stanzas and one JSON object per
 * rule. A savedsearches stanza carries the query as `search`, the rule's
 * description, a schedule, alert settings with the Sigma level as
 * severity, and Enterprise Security correlation-search settings whose
 * annotations list the ATT&CK technique ids of the rule's tags. Values
 * spanning several lines continue with a trailing '\' as .conf files need.
 * NDJSON (Kibana detection rules) is written by output_ndjson.c.
 */
#include <stdlib.h>
#include <string.h>

#include "sigma/sigma_internal.h"
#include "util/json.h"
#include "util/str.h"

#define OUT_MAX ((size_t)256 << 20)

/* Splunk alert.severity of a Sigma level (1 debug ... 6 critical). */
static const struct {
  const char *level;
  int severity;
} severities[] = {
  {"informational", 2}, {"low", 3}, {"medium", 4}, {"high", 5}, {"critical", 6},
};

/* The schedule and alert settings every stanza gets. */
static const char *const stanza_settings[] = {
  "alert.suppress = 0",
  "alert.track = 1",
  "counttype = number of events",
  "cron_schedule = 0 * * * *",
  "dispatch.earliest_time = -60m@m",
  "dispatch.latest_time = now",
  "enableSched = 1",
  "quantity = 0",
  "relation = greater than",
};

static const char *str_or(const char *s, const char *dflt)
{
  return s && *s ? s : dflt;
}

/*
 * Appends a .conf value: each line break becomes '\' + newline (a line
 * continuation); CR is dropped; a line that itself ends with '\' gets a
 * space so that the backslash is not read as a continuation.
 */
static void conf_value(ctix_buf *b, const char *s)
{
  const char *p = s;
  while (*p == '\n' || *p == '\r' || *p == ' ') /* a .conf value starts at its first character */
    p++;
  for (; *p; p++) {
    if (*p == '\r')
      continue;
    if (*p == '\n') {
      if (b->len && b->data[b->len - 1] == '\\')
        ctix__buf_addc(b, ' ');
      if (p[1] == 0)
        break;
      ctix__buf_adds(b, "\\\n");
      continue;
    }
    ctix__buf_addc(b, *p);
  }
  if (b->len && b->data[b->len - 1] == '\\')
    ctix__buf_addc(b, ' ');
  ctix__buf_addc(b, '\n');
}

/* Ends a one-line setting: a trailing '\' gets a space (it would continue the line). */
static void end_line(ctix_buf *b)
{
  if (b->len && b->data[b->len - 1] == '\\')
    ctix__buf_addc(b, ' ');
  ctix__buf_addc(b, '\n');
}

/* Appends a stanza name (or a comment's text): control characters and brackets become spaces. */
static void conf_name(ctix_buf *b, const char *s)
{
  const unsigned char *p;
  for (p = (const unsigned char *)s; *p; p++)
    ctix__buf_addc(b, *p < 0x20 || *p == 0x7f || *p == '[' || *p == ']' ? ' ' : (char)*p);
}

/*
 * Appends the ATT&CK technique ids of the tags (`attack.t1059.001` ->
 * "T1059.001") as a JSON list; returns how many there were.
 */
static size_t attack_ids(ctix_buf *b, const ctix_sigma_rule *r)
{
  size_t i, n = 0;
  ctix__buf_addc(b, '[');
  for (i = 0; i < r->ntags; i++) {
    const char *t = r->tags[i], *p;
    bool ok;
    if (strncmp(t, "attack.", 7) != 0 || (t[7] != 't' && t[7] != 'T') ||
        !ctix__isdigit((unsigned char)t[8]))
      continue;
    ok = true;
    for (p = t + 8; *p && ok; p++)
      ok = ctix__isdigit((unsigned char)*p) || *p == '.';
    if (!ok)
      continue;
    if (n++)
      ctix__buf_adds(b, ", ");
    ctix__buf_adds(b, "\"T");
    ctix__buf_adds(b, t + 8);
    ctix__buf_addc(b, '"');
  }
  ctix__buf_addc(b, ']');
  return n;
}

/* One savedsearches.conf stanza per query of the rule. */
static void write_savedsearches(ctix_buf *b, const ctix_sigma_rule *r, const ctix_sigma_queries *q,
                                const char *name)
{
  const char *title = str_or(name, str_or(r->title, str_or(r->id, "sigma rule")));
  int severity = 3;
  size_t i, k;
  for (i = 0; i < sizeof(severities) / sizeof(severities[0]); i++)
    if (r->level && strcmp(r->level, severities[i].level) == 0)
      severity = severities[i].severity;
  for (k = 0; k < q->count; k++) {
    ctix_buf ids = CTIX_BUF_INIT(1u << 20);
    size_t nids = attack_ids(&ids, r);
    ctix__buf_adds(b, "# Sigma rule ");
    conf_name(b, str_or(r->id, "(no id)"));
    ctix__buf_adds(b, ", level ");
    conf_name(b, str_or(r->level, "unset"));
    end_line(b);
    ctix__buf_addc(b, '[');
    conf_name(b, title);
    if (k)
      ctix__buf_addf(b, " (%zu)", k + 1);
    ctix__buf_adds(b, "]\n");
    ctix__buf_adds(b, "action.correlationsearch.enabled = 1\n");
    ctix__buf_adds(b, "action.correlationsearch.label = ");
    conf_name(b, title);
    end_line(b);
    if (nids) {
      ctix__buf_adds(b, "action.correlationsearch.annotations = {\"mitre_attack\": ");
      ctix__buf_add(b, ids.data, ids.len);
      ctix__buf_adds(b, "}\n");
    }
    ctix__buf_free(&ids);
    ctix__buf_addf(b, "alert.severity = %d\n", severity);
    for (i = 0; i < sizeof(stanza_settings) / sizeof(stanza_settings[0]); i++) {
      ctix__buf_adds(b, stanza_settings[i]);
      ctix__buf_addc(b, '\n');
    }
    ctix__buf_adds(b, "description = ");
    conf_value(b, str_or(r->description, title));
    ctix__buf_adds(b, "search = ");
    conf_value(b, q->query[k]);
    ctix__buf_addc(b, '\n');
  }
}

/* Appends `, "key": "value"` (null when the value is absent or empty). */
static void json_field(ctix_buf *b, const char *key, const char *value)
{
  ctix__buf_addf(b, ", \"%s\": ", key);
  if (value && *value)
    ctix__json_string(b, value, strlen(value));
  else
    ctix__buf_adds(b, "null");
}

/* One JSON object (one line): source, metadata, logsource, tags, queries. */
static void write_json(ctix_buf *b, const ctix_sigma_rule *r, const ctix_sigma_queries *q)
{
  size_t i;
  ctix__buf_adds(b, "{\"source\": ");
  ctix__json_string(b, r->source, strlen(r->source));
  json_field(b, "id", r->id);
  json_field(b, "title", r->title);
  json_field(b, "status", r->status);
  json_field(b, "level", r->level);
  json_field(b, "author", r->author);
  json_field(b, "date", r->date);
  json_field(b, "description", r->description);
  ctix__buf_adds(b, ", \"logsource\": {\"product\": ");
  if (r->logsource.product && *r->logsource.product)
    ctix__json_string(b, r->logsource.product, strlen(r->logsource.product));
  else
    ctix__buf_adds(b, "null");
  json_field(b, "category", r->logsource.category);
  json_field(b, "service", r->logsource.service);
  ctix__buf_adds(b, "}, \"tags\": [");
  for (i = 0; i < r->ntags; i++) {
    if (i)
      ctix__buf_adds(b, ", ");
    ctix__json_string(b, r->tags[i], strlen(r->tags[i]));
  }
  ctix__buf_adds(b, "], \"attack\": ");
  attack_ids(b, r);
  ctix__buf_adds(b, ", \"queries\": [");
  for (i = 0; i < q->count; i++) {
    if (i)
      ctix__buf_adds(b, ", ");
    ctix__json_string(b, q->query[i], strlen(q->query[i]));
  }
  ctix__buf_adds(b, "]}\n");
}

int ctix_sigma_format_rule(char **out, ctix_sigma_format fmt, const char *target,
                           const ctix_sigma_rule *rule, const ctix_sigma_queries *q,
                           const char *name, ctix_error *err)
{
  ctix_buf b = CTIX_BUF_INIT(OUT_MAX);
  size_t i;
  int rc = 0;
  if (!out || !target || !rule || !q || (q->count && !q->query))
    return ctix__error_set(err, CTIX_EINVAL, "invalid argument");
  *out = NULL;
  switch (fmt) {
  case CTIX_SIGMA_FORMAT_DEFAULT:
    for (i = 0; i < q->count; i++) {
      ctix__buf_adds(&b, q->query[i]);
      ctix__buf_addc(&b, '\n');
    }
    break;
  case CTIX_SIGMA_FORMAT_SAVEDSEARCHES:
    if (strcmp(target, "splunk") != 0) {
      rc = ctix__error_set(err, CTIX_EUNSUPPORTED, "savedsearches.conf output needs target splunk");
      goto done;
    }
    write_savedsearches(&b, rule, q, name);
    break;
  case CTIX_SIGMA_FORMAT_NDJSON:
    for (i = 0; i < q->count && !rc; i++)
      rc = ctix__sg_output_ndjson(&b, rule, q->query[i], target, i);
    if (rc == CTIX_EUNSUPPORTED) {
      rc = ctix__error_set(err, rc, "ndjson (Kibana) output needs target lucene, eql or esql");
      goto done;
    }
    break;
  case CTIX_SIGMA_FORMAT_JSON:
    write_json(&b, rule, q);
    break;
  default:
    rc = ctix__error_set(err, CTIX_EUNSUPPORTED, "this output format is not available");
    goto done;
  }
  if (rc || b.err) {
    rc = ctix__error_set(err, b.err ? b.err : rc, "output of rule too large");
    goto done;
  }
  *out = ctix__buf_detach(&b, NULL);
  if (!*out)
    rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
done:
  ctix__buf_free(&b);
  return rc;
}
