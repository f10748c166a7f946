/*
 * Kibana detection rules as NDJSON: one JSON object per converted query,
 * ready for the Elastic Security "Import rules" dialog or the detection
 * engine API. The object carries the rule's identity (rule_id from the
 * Sigma id, name, description, author), risk score and severity from the
 * Sigma level, the query with its language (lucene: a "query" rule, eql:
 * an "eql" rule, esql: an "esql" rule, which names its own indices), index
 * patterns, a schedule, tags (the rule's tags and the ATT&CK ids they
 * name) and the ATT&CK `threat` block built from the tags with the names
 * of the knowledge base (tactic tags, technique and sub-technique tags;
 * a technique without a tactic tag goes under its first tactic). Rules are
 * written disabled: imported detections are reviewed before they run.
 */
#include <string.h>

#include "ctix/kb.h"
#include "sigma/sigma_internal.h"
#include "util/json.h"
#include "util/str.h"

#define NDJ_MAX_REFS 64

/* Kibana severity and risk score of a Sigma level. */
static const struct {
  const char *level, *severity;
  int risk;
} levels[] = {
  {"informational", "low", 21}, {"low", "low", 21}, {"medium", "medium", 47},
  {"high", "high", 73},         {"critical", "critical", 99},
};

/* Kibana rule type and index patterns per query language. */
static const struct {
  const char *language, *type;
  bool index;
} languages[] = {
  {"lucene", "query", true}, {"kuery", "query", true}, {"eql", "eql", true}, {"esql", "esql", false},
};

/* Index patterns of a rule's logsource (Windows: Winlogbeat and the integrations). */
static const char *const index_windows[] = {"winlogbeat-*", "logs-windows.*", "logs-system.*"};
static const char *const index_other[] = {"logs-*"};

static void key_str(ctix_buf *b, const char *key, const char *v)
{
  ctix__buf_addf(b, ", \"%s\": ", key);
  ctix__json_string(b, v, strlen(v));
}

/* True if tag is `attack.tNNNN[.NNN]`; *id gets "TNNNN[.NNN]". */
static bool technique_tag(const char *tag, char *id, size_t cap)
{
  const char *p;
  if (strncmp(tag, "attack.", 7) != 0 || (tag[7] != 't' && tag[7] != 'T') ||
      !ctix__isdigit((unsigned char)tag[8]))
    return false;
  for (p = tag + 8; *p; p++)
    if (!ctix__isdigit((unsigned char)*p) && *p != '.')
      return false;
  if (strlen(tag + 7) >= cap)
    return false;
  id[0] = 'T';
  ctix__strlcpy(id + 1, tag + 8, cap - 1);
  return true;
}

/* The Enterprise tactic whose short name is the tag's (`attack.privilege_escalation`). */
static ctix_kb_ref tactic_of_tag(const ctix_kb *kb, const char *tag)
{
  char want[64];
  ctix_kb_ref first, i;
  size_t n, k;
  if (strncmp(tag, "attack.", 7) != 0 || strlen(tag + 7) >= sizeof(want))
    return CTIX_KB_NONE;
  ctix__strlcpy(want, tag + 7, sizeof(want));
  for (k = 0; want[k]; k++)
    want[k] = want[k] == '_' ? '-' : (char)ctix__lower((unsigned char)want[k]);
  n = ctix_kb_range(kb, CTIX_KB_TACTIC, &first);
  for (i = first; i < first + n; i++) {
    ctix_kb_obj o;
    if (ctix_kb_get(kb, i, &o) == 0 && (o.domains & CTIX_KB_ENTERPRISE) &&
        strcmp(o.shortname, want) == 0)
      return i;
  }
  return CTIX_KB_NONE;
}

static bool has_ref(const ctix_kb_ref *v, size_t n, ctix_kb_ref r)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (v[i] == r)
      return true;
  return false;
}

/* True if technique k is listed under tactic t. */
static bool in_tactic(const ctix_kb *kb, ctix_kb_ref k, ctix_kb_ref t)
{
  size_t first, n = ctix_kb_edges(kb, k, CTIX_KB_REL_TACTIC, CTIX_KB_TACTIC, &first), i;
  for (i = 0; i < n; i++)
    if (ctix_kb_edge_target(kb, first + i) == t)
      return true;
  return false;
}

/* {"id": ..., "name": ..., "reference": ...} of one KB object. */
static void kb_entry(ctix_buf *b, const ctix_kb *kb, ctix_kb_ref r)
{
  char url[256];
  ctix__buf_adds(b, "{\"id\": ");
  ctix__json_string(b, ctix_kb_id(kb, r), strlen(ctix_kb_id(kb, r)));
  key_str(b, "name", ctix_kb_name(kb, r));
  key_str(b, "reference", ctix_kb_url(url, sizeof(url), kb, r));
}

/* The `threat` array: per tactic, its techniques with their sub-techniques. */
static void threat(ctix_buf *b, const ctix_sigma_rule *r)
{
  const ctix_kb *kb = NULL;
  ctix_kb_ref tac[NDJ_MAX_REFS], tech[NDJ_MAX_REFS];
  size_t nt = 0, nk = 0, i, j, k;
  char id[32];
  ctix__buf_adds(b, ", \"threat\": [");
  if (ctix_kb_default(&kb, NULL) != 0 || !kb) {
    ctix__buf_addc(b, ']');
    return;
  }
  for (i = 0; i < r->ntags; i++) {
    ctix_kb_ref x;
    if (technique_tag(r->tags[i], id, sizeof(id))) {
      if (ctix_kb_resolve_id(kb, id, strlen(id), &x) == 0 &&
          ctix_kb_kind_of(kb, x) == CTIX_KB_TECHNIQUE && !has_ref(tech, nk, x) &&
          nk < NDJ_MAX_REFS)
        tech[nk++] = x;
    } else if ((x = tactic_of_tag(kb, r->tags[i])) != CTIX_KB_NONE && !has_ref(tac, nt, x) &&
               nt < NDJ_MAX_REFS) {
      tac[nt++] = x;
    }
  }
  /* a technique none of whose tactics is tagged goes under its first tactic */
  for (k = 0; k < nk; k++) {
    size_t first, n = ctix_kb_edges(kb, tech[k], CTIX_KB_REL_TACTIC, CTIX_KB_TACTIC, &first);
    bool placed = false;
    for (i = 0; i < nt && !placed; i++)
      placed = in_tactic(kb, tech[k], tac[i]);
    if (!placed && n && nt < NDJ_MAX_REFS && !has_ref(tac, nt, ctix_kb_edge_target(kb, first)))
      tac[nt++] = ctix_kb_edge_target(kb, first);
  }
  for (i = 0; i < nt; i++) {
    ctix_kb_ref top[NDJ_MAX_REFS];
    size_t ntop = 0;
    if (i)
      ctix__buf_adds(b, ", ");
    ctix__buf_adds(b, "{\"framework\": \"MITRE ATT&CK\", \"tactic\": ");
    kb_entry(b, kb, tac[i]);
    ctix__buf_adds(b, "}, \"technique\": [");
    for (k = 0; k < nk; k++) {
      ctix_kb_obj o;
      ctix_kb_ref t = tech[k];
      if (!in_tactic(kb, t, tac[i]) || ctix_kb_get(kb, t, &o) != 0)
        continue;
      if (o.parent != CTIX_KB_NONE)
        t = o.parent;
      if (!has_ref(top, ntop, t))
        top[ntop++] = t;
    }
    for (j = 0; j < ntop; j++) {
      size_t nsub = 0;
      if (j)
        ctix__buf_adds(b, ", ");
      kb_entry(b, kb, top[j]);
      ctix__buf_adds(b, ", \"subtechnique\": [");
      for (k = 0; k < nk; k++) {
        ctix_kb_obj o;
        if (ctix_kb_get(kb, tech[k], &o) != 0 || o.parent != top[j] ||
            !in_tactic(kb, tech[k], tac[i]))
          continue;
        if (nsub++)
          ctix__buf_adds(b, ", ");
        kb_entry(b, kb, tech[k]);
        ctix__buf_addc(b, '}');
      }
      ctix__buf_adds(b, "]}");
    }
    ctix__buf_adds(b, "]}");
  }
  ctix__buf_addc(b, ']');
}

int ctix__sg_output_ndjson(ctix_buf *out, const ctix_sigma_rule *rule, const char *query,
                           const char *language, size_t index)
{
  const char *sev = "medium", *title, *desc;
  const char *const *idx;
  int risk = 47;
  size_t i, nidx;
  int lang = -1;
  char id[32];
  if (!out || !rule || !query || !language)
    return CTIX_EINVAL;
  for (i = 0; i < sizeof(languages) / sizeof(languages[0]); i++)
    if (strcmp(languages[i].language, language) == 0)
      lang = (int)i;
  if (lang < 0)
    return CTIX_EUNSUPPORTED;
  for (i = 0; rule->level && i < sizeof(levels) / sizeof(levels[0]); i++)
    if (strcmp(levels[i].level, rule->level) == 0) {
      sev = levels[i].severity;
      risk = levels[i].risk;
    }
  title = rule->title && *rule->title ? rule->title : rule->id && *rule->id ? rule->id : "Sigma rule";
  desc = rule->description && *rule->description ? rule->description : title;
  ctix__buf_adds(out, "{\"rule_id\": ");
  if (rule->id && *rule->id) {
    ctix__buf_addc(out, '"');
    ctix__json_escape(out, rule->id, strlen(rule->id));
    if (index)
      ctix__buf_addf(out, "-%zu", index + 1);
    ctix__buf_addc(out, '"');
  } else {
    ctix__buf_adds(out, "null");
  }
  ctix__buf_adds(out, ", \"name\": \"");
  ctix__json_escape(out, title, strlen(title));
  if (index)
    ctix__buf_addf(out, " (%zu)", index + 1);
  ctix__buf_addc(out, '"');
  key_str(out, "description", desc);
  ctix__buf_adds(out, ", \"author\": [");
  if (rule->author && *rule->author)
    ctix__json_string(out, rule->author, strlen(rule->author));
  ctix__buf_addc(out, ']');
  ctix__buf_addf(out, ", \"risk_score\": %d", risk);
  key_str(out, "severity", sev);
  key_str(out, "type", languages[lang].type);
  key_str(out, "language", language);
  key_str(out, "query", query);
  if (languages[lang].index) {
    bool win = rule->logsource.product && strcmp(rule->logsource.product, "windows") == 0;
    idx = win ? index_windows : index_other;
    nidx = win ? sizeof(index_windows) / sizeof(index_windows[0]) : 1;
    ctix__buf_adds(out, ", \"index\": [");
    for (i = 0; i < nidx; i++) {
      if (i)
        ctix__buf_adds(out, ", ");
      ctix__json_string(out, idx[i], strlen(idx[i]));
    }
    ctix__buf_addc(out, ']');
  }
  ctix__buf_adds(out, ", \"enabled\": false, \"interval\": \"5m\", \"from\": \"now-6m\", "
                      "\"max_signals\": 100, \"version\": 1, \"tags\": [\"Sigma\"");
  for (i = 0; i < rule->ntags; i++) {
    ctix__buf_adds(out, ", ");
    ctix__json_string(out, rule->tags[i], strlen(rule->tags[i]));
  }
  for (i = 0; i < rule->ntags; i++)
    if (technique_tag(rule->tags[i], id, sizeof(id))) {
      ctix__buf_adds(out, ", ");
      ctix__json_string(out, id, strlen(id));
    }
  ctix__buf_addc(out, ']');
  threat(out, rule);
  return ctix__buf_adds(out, "}\n");
}
