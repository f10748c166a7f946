/*
 * report.md (docs/report-html.md): the content of report.html for tickets
 * and wikis: summary and risk, timeline, techniques by tactic with their
 * evidence, observables, entities and resemblance candidates, a Mermaid
 * graph of the STIX bundle's relations, Sigma rules, countermeasures and
 * the response checklist.
 *
 * Safety: article-derived strings are attacker-controlled. Prose is
 * defanged (no live link) and every ASCII punctuation character is
 * backslash-escaped, so it renders as the same text but cannot open
 * markup, HTML, links or tables; values go in code spans sized past their
 * own backtick runs; Mermaid labels keep only characters that cannot end a
 * label or start markup (the rest become Mermaid entity codes).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "render/render_internal.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/utf8.h"

/* Longest prose quoted (bytes, cut at a character boundary). */
#define MAX_QUOTE 600
/* Mermaid graph limits: beyond these the graph says it was cut. */
#define MAX_GRAPH_EDGES 200
/* Observables listed per status before "... and N more". */
#define MAX_IOC_ROWS 2000

/* --------------------------------------------------------------- escaping */

static bool is_punct(unsigned char c)
{
  return (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) ||
         (c >= 0x7b && c <= 0x7e);
}

/* Length of s[0..n) cut to at most max bytes at a UTF-8 character boundary. */
static size_t cut_utf8(const char *s, size_t n, size_t max)
{
  if (n <= max)
    return n;
  while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
    max--;
  return max;
}

/*
 * When a bidirectional control starts at s[i] (s has n bytes), appends it
 * as "<U+202E>" (shown, not obeyed: a viewer would show
 * "inv<U+202E>fdp.exe" as "invexe.pdf"; in prose, `text`, the brackets
 * backslash-escaped) and returns its length; else 0.
 */
static size_t md_bidi(ctix_buf *b, const char *s, size_t i, size_t n, bool text)
{
  const unsigned char *u = (const unsigned char *)s + i;
  size_t m = u[0] >= 0x80 ? ctix__utf8_bidi_control(u, n - i) : 0;
  uint32_t cp;
  if (!m || ctix__utf8_decode(u, n - i, &cp) != m)
    return 0;
  ctix__buf_addf(b, text ? "\\<U+%04X\\>" : "<U+%04X>", (unsigned)cp);
  return m;
}

/*
 * Appends untrusted prose: defanged, white space (line breaks included)
 * collapsed to single spaces, control characters dropped, bidirectional
 * controls shown (md_bidi), ASCII punctuation backslash-escaped; cut to
 * `max` bytes with "..." when longer.
 */
static void md_text(ctix_buf *b, const char *s, size_t n, size_t max)
{
  char *def = NULL;
  size_t dlen = 0, i, m, k;
  bool space = false;
  if (!s)
    return;
  if (ctix_defang(&def, &dlen, s, n, NULL) == 0) {
    s = def;
    n = dlen;
  }
  m = cut_utf8(s, n, max);
  for (i = 0; i < m; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    if (c < 0x20 || c == 0x7f)
      continue;
    if (c == 0xE2 && i + 2 < m && (unsigned char)s[i + 1] == 0x80 &&
        ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
      space = true; /* U+2028 / U+2029 */
      i += 2;
      continue;
    }
    if (space && b->len && b->data[b->len - 1] != ' ')
      ctix__buf_addc(b, ' ');
    space = false;
    if ((k = md_bidi(b, s, i, m, true))) {
      i += k - 1;
      continue;
    }
    if (is_punct(c))
      ctix__buf_addc(b, '\\');
    ctix__buf_addc(b, (char)c);
  }
  if (m < n)
    ctix__buf_adds(b, "...");
  free(def);
}

static void md_texts(ctix_buf *b, const char *s)
{
  if (s)
    md_text(b, s, strlen(s), MAX_QUOTE);
}

/*
 * Appends s as a code span: fenced by one backtick more than its longest
 * run, padded with spaces, line breaks and controls made spaces,
 * bidirectional controls shown (md_bidi); in a table cell ('in_table')
 * '|' is escaped, as GFM requires even in code.
 */
static void md_code(ctix_buf *b, const char *s, bool in_table)
{
  size_t i, run = 0, longest = 0, n;
  if (!s || !s[0]) {
    ctix__buf_adds(b, "-");
    return;
  }
  n = cut_utf8(s, strlen(s), MAX_QUOTE);
  for (i = 0; i < n; i++) {
    run = s[i] == '`' ? run + 1 : 0;
    if (run > longest)
      longest = run;
  }
  for (i = 0; i <= longest; i++)
    ctix__buf_addc(b, '`');
  ctix__buf_addc(b, ' ');
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    size_t m;
    if (c < 0x20 || c == 0x7f)
      ctix__buf_addc(b, ' ');
    else if ((m = md_bidi(b, s, i, n, false)))
      i += m - 1;
    else if (c == '|' && in_table)
      ctix__buf_adds(b, "\\|");
    else
      ctix__buf_addc(b, (char)c);
  }
  ctix__buf_addc(b, ' ');
  for (i = 0; i <= longest; i++)
    ctix__buf_addc(b, '`');
}

/* A value for display: defanged when the library knows how. */
static void md_ioc(ctix_buf *b, const char *v)
{
  char *def = NULL;
  size_t dlen = 0;
  if (v && ctix_defang(&def, &dlen, v, strlen(v), NULL) == 0) {
    md_code(b, def, true);
    free(def);
    return;
  }
  md_code(b, v, true);
}

/*
 * Appends a Mermaid label: letters, digits, spaces and a few safe marks
 * are kept; anything else becomes #<decimal code>; (Mermaid's entity
 * form), so quotes, brackets, '<', '`' and '#' cannot escape the label.
 */
static void mermaid_label(ctix_buf *b, const char *s, size_t max)
{
  size_t i, n;
  if (!s)
    return;
  n = cut_utf8(s, strlen(s), max);
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
        ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
      ctix__buf_addc(b, ' '); /* U+2028 / U+2029 */
      i += 2;
      continue;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' ||
        c == '.' || c == '-' || c == '_' || c == ',' || c == ':' || c == '/' || c >= 0x80)
      ctix__buf_addc(b, (char)c);
    else if (c < 0x20 || c == 0x7f)
      ctix__buf_addc(b, ' ');
    else
      ctix__buf_addf(b, "#%u;", (unsigned)c);
  }
}

/* --------------------------------------------------------------- sections */

static void put_summary(ctix_buf *b, const ctix_analysis *a)
{
  const ctix_doc_meta *m = &a->doc->meta;
  const ctix_assessment *as = a->assessment;
  size_t i, nobs = 0, nioc = 0;
  const char *title = m->title && m->title[0] ? m->title : m->source ? m->source : "report";
  ctix__buf_adds(b, "# ");
  md_texts(b, title);
  ctix__buf_adds(b, "\n\n*ctix report: automated extraction; check the evidence before acting.*\n\n");
  ctix__buf_adds(b, "| | |\n| --- | --- |\n");
  ctix__buf_adds(b, "| Source | ");
  md_code(b, m->source, true);
  ctix__buf_adds(b, " |\n");
  if (m->canonical_url) {
    ctix__buf_adds(b, "| URL | ");
    md_ioc(b, m->canonical_url);
    ctix__buf_adds(b, " |\n");
  }
  if (m->published) {
    ctix__buf_adds(b, "| Published | ");
    md_texts(b, m->published);
    ctix__buf_adds(b, " |\n");
  }
  if (m->author) {
    ctix__buf_adds(b, "| Author | ");
    md_texts(b, m->author);
    ctix__buf_adds(b, " |\n");
  }
  for (i = 0; a->techniques && i < a->techniques->count; i++)
    nobs += a->techniques->items[i].status == CTIX_TTP_OBSERVED;
  for (i = 0; a->iocs && i < a->iocs->nitems; i++)
    nioc += a->iocs->items[i].status == CTIX_IOC_STATUS_IOC;
  ctix__buf_addf(b, "| Techniques | %zu (%zu observed) |\n",
                 a->techniques ? a->techniques->count : 0, nobs);
  ctix__buf_addf(b, "| Observables | %zu (%zu indicators) |\n",
                 a->iocs ? a->iocs->nitems : 0, nioc);
  ctix__buf_addf(b, "| Entities | %zu |\n", a->entities ? a->entities->count : 0);

  ctix__buf_adds(b, "\n## Risk\n\n");
  if (!as || !as->risk_level) {
    ctix__buf_adds(b, "No risk assessment in this analysis.\n");
    return;
  }
  ctix__buf_addf(b, "**%d / 100, ", as->risk_score);
  md_texts(b, as->risk_level);
  ctix__buf_adds(b, "**\n\n");
  if (!as->nfactors) {
    ctix__buf_adds(b, "No risk factor fired.\n");
    return;
  }
  ctix__buf_adds(b, "| Factor | Points | Evidence |\n| --- | ---: | --- |\n");
  for (i = 0; i < as->nfactors; i++) {
    const ctix_risk_factor *f = &as->factors[i];
    ctix__buf_adds(b, "| ");
    md_texts(b, f->label ? f->label : f->key);
    ctix__buf_addf(b, " | %+.1f | ", (double)f->contribution);
    md_texts(b, f->evidence);
    ctix__buf_adds(b, " |\n");
  }
}

static void put_timeline(ctix_buf *b, const ctix_analysis *a)
{
  const ctix_assessment *as = a->assessment;
  size_t i;
  ctix__buf_adds(b, "\n## Timeline\n\n");
  if (!as || !as->nevents) {
    ctix__buf_adds(b, "No dated events found.\n");
    return;
  }
  ctix__buf_adds(b, "| Date | Event | As written |\n| --- | --- | --- |\n");
  for (i = 0; i < as->nevents; i++) {
    const ctix_event *e = &as->events[i];
    ctix__buf_adds(b, "| ");
    md_texts(b, e->date ? e->date : "undated");
    ctix__buf_adds(b, " | ");
    md_texts(b, e->what);
    ctix__buf_adds(b, " | ");
    md_texts(b, e->expression);
    ctix__buf_adds(b, e->relative ? " (relative) |\n" : " |\n");
  }
}

/* Text of a sentence span in the document, as escaped prose. */
static void put_quote(ctix_buf *b, const ctix_document *d, size_t s, size_t e)
{
  if (s < e && e <= d->len)
    md_text(b, d->text + s, e - s, MAX_QUOTE);
}

static void put_techniques(ctix_buf *b, const ctix_analysis *a)
{
  const ctix_ttp_list *t = a->techniques;
  size_t i, j;
  ctix__buf_adds(b, "\n## ATT&CK techniques\n\n");
  if (!t || !t->count) {
    ctix__buf_adds(b, "No ATT&CK technique in this analysis.\n");
    return;
  }
  ctix__buf_adds(b, "| Technique | Name | Tactics | Status | Confidence | Evidence |\n"
                    "| --- | --- | --- | --- | ---: | --- |\n");
  for (i = 0; i < t->count; i++) {
    const ctix_ttp_hit *h = &t->items[i];
    ctix__buf_adds(b, "| ");
    md_code(b, h->id, true);
    if (ctix_kb_domain_first(h->domain) != CTIX_KB_ENTERPRISE)
      ctix__buf_addf(b, " (%s)", ctix_kb_domain_label(ctix_kb_domain_first(h->domain)));
    ctix__buf_adds(b, " | ");
    md_texts(b, h->name);
    ctix__buf_adds(b, " | ");
    for (j = 0; j < h->ntactics; j++) {
      if (j)
        ctix__buf_adds(b, ", ");
      md_texts(b, h->tactics[j]);
    }
    ctix__buf_adds(b, " | ");
    md_texts(b, ctix_ttp_status_name(h->status));
    ctix__buf_addf(b, " | %.0f%% | ", (double)h->confidence * 100.0);
    if (h->nevidence)
      put_quote(b, a->doc, h->evidence[0].start, h->evidence[0].end);
    ctix__buf_adds(b, " |\n");
  }
}

static void put_iocs(ctix_buf *b, const ctix_analysis *a)
{
  static const struct {
    ctix_ioc_status status;
    const char *title;
  } groups[] = {{CTIX_IOC_STATUS_IOC, "Indicators"},
                {CTIX_IOC_STATUS_BENIGN, "Benign observables"},
                {CTIX_IOC_STATUS_REJECTED, "Rejected candidates"}};
  const ctix_ioc_list *l = a->iocs;
  size_t g, i;
  ctix__buf_adds(b, "\n## Observables\n\n");
  if (!l || !l->nitems) {
    ctix__buf_adds(b, "No observable found.\n");
    return;
  }
  ctix__buf_adds(b, "Values are defanged.\n");
  for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
    size_t shown = 0, total = 0;
    for (i = 0; i < l->nitems; i++)
      total += l->items[i].status == groups[g].status;
    if (!total)
      continue;
    ctix__buf_addf(b, "\n### %s (%zu)\n\n", groups[g].title, total);
    ctix__buf_adds(b, groups[g].status == CTIX_IOC_STATUS_IOC
                          ? "| Type | Value | Seen |\n| --- | --- | ---: |\n"
                          : "| Type | Value | Reason |\n| --- | --- | --- |\n");
    for (i = 0; i < l->nitems && shown < MAX_IOC_ROWS; i++) {
      const ctix_ioc *c = &l->items[i];
      if (c->status != groups[g].status)
        continue;
      shown++;
      ctix__buf_adds(b, "| ");
      md_texts(b, ctix_ioc_type_name((ctix_ioc_type)c->type));
      ctix__buf_adds(b, " | ");
      md_ioc(b, c->value);
      if (groups[g].status == CTIX_IOC_STATUS_IOC) {
        ctix__buf_addf(b, " | %u |\n", (unsigned)c->nhits);
      } else {
        ctix__buf_adds(b, " | ");
        md_texts(b, c->reason);
        ctix__buf_adds(b, " |\n");
      }
    }
    if (shown < total)
      ctix__buf_addf(b, "\n... and %zu more (see report.json).\n", total - shown);
  }
}

static void put_entities(ctix_buf *b, const ctix_analysis *a)
{
  static const char *const titles[CTIX_ENTITY_KIND_COUNT] = {
      "Threat actors", "Malware", "Tools", "Campaigns", "Vulnerabilities",
      "Victims", "Sectors", "Countries and regions"};
  const ctix_entity_list *l = a->entities;
  const ctix_assessment *as = a->assessment;
  size_t k, i, j;
  bool any = false;
  ctix__buf_adds(b, "\n## Actors, malware and campaigns\n\n");
  for (k = 0; k < CTIX_ENTITY_KIND_COUNT; k++) {
    bool head = false;
    for (i = 0; l && i < l->count; i++) {
      const ctix_entity *e = &l->items[i];
      if ((size_t)e->kind != k)
        continue;
      if (!head) {
        ctix__buf_addf(b, "### %s\n\n| Name | Id | Status | Evidence |\n| --- | --- | --- | --- |\n",
                       titles[k]);
        head = any = true;
      }
      ctix__buf_adds(b, "| ");
      md_texts(b, e->name);
      ctix__buf_adds(b, " | ");
      md_code(b, e->id, true);
      ctix__buf_adds(b, e->known ? " | known" : " | new name");
      if (e->role) {
        ctix__buf_adds(b, ", ");
        md_texts(b, e->role);
      }
      if (e->kev)
        ctix__buf_adds(b, ", in KEV");
      ctix__buf_adds(b, " | ");
      md_texts(b, e->evidence);
      ctix__buf_adds(b, " |\n");
    }
    if (head)
      ctix__buf_adds(b, "\n");
  }
  if (!any)
    ctix__buf_adds(b, "No actor, malware, campaign or other entity in this analysis.\n\n");
  ctix__buf_adds(b, "### Resemblance candidates\n\nGroups and campaigns whose known techniques "
                    "and software resemble this report; a resemblance is not an attribution.\n\n");
  if (!as || !as->nresemblances) {
    ctix__buf_adds(b, "No candidate.\n");
    return;
  }
  ctix__buf_adds(b, "| Id | Name | Score | Shared |\n| --- | --- | ---: | --- |\n");
  for (i = 0; i < as->nresemblances; i++) {
    const ctix_resemblance *r = &as->resemblances[i];
    ctix__buf_adds(b, "| ");
    md_code(b, r->id, true);
    ctix__buf_adds(b, " | ");
    md_texts(b, r->name);
    ctix__buf_addf(b, " | %.0f%% | ", (double)r->score * 100.0);
    for (j = 0; j < r->nshared_techniques + r->nshared_software; j++) {
      if (j)
        ctix__buf_adds(b, ", ");
      md_texts(b, j < r->nshared_techniques ? r->shared_techniques[j]
                                            : r->shared_software[j - r->nshared_techniques]);
    }
    ctix__buf_adds(b, " |\n");
  }
}

/* ----------------------------------------------------------- Mermaid graph */

/* Label of a STIX object: "T1059 Command..." for attack patterns, else its name. */
static const char *obj_label(json_t *o, const char **ext)
{
  json_t *refs = json_object_get(o, "external_references"), *r;
  size_t i;
  *ext = NULL;
  json_array_foreach(refs, i, r)
  {
    const char *x = json_string_value(json_object_get(r, "external_id"));
    if (x) {
      *ext = x;
      break;
    }
  }
  return json_string_value(json_object_get(o, "name"));
}

/* Index of `id` among the graph's nodes, added when new; -1 when full. */
static long node_index(json_t *index, json_t *nodes, const char *id, json_t *obj)
{
  json_t *v = json_object_get(index, id);
  if (v)
    return (long)json_integer_value(v);
  json_array_append(nodes, obj);
  json_object_set_new(index, id, json_integer((json_int_t)(json_array_size(nodes) - 1)));
  return (long)json_array_size(nodes) - 1;
}

/*
 * The relations of the bundle between domain objects (not "mitigates",
 * which would bury the rest under courses of action, nor SCO links), as a
 * Mermaid flowchart; at most MAX_GRAPH_EDGES edges.
 */
static void put_graph(ctix_buf *b, const ctix__render_in *in)
{
  json_error_t jerr;
  json_t *root = json_loadb(in->stix, in->stix_len, 0, &jerr), *objs, *o;
  json_t *byid = json_object(), *index = json_object(), *nodes = json_array();
  ctix_buf edges = CTIX_BUF_INIT((size_t)1 << 26);
  size_t i, nedges = 0, skipped = 0;
  ctix__buf_adds(b, "\n## Graph of the relations\n\n");
  objs = json_object_get(root, "objects");
  json_array_foreach(objs, i, o)
  {
    const char *id = json_string_value(json_object_get(o, "id"));
    if (id)
      json_object_set(byid, id, o);
  }
  json_array_foreach(objs, i, o)
  {
    const char *type = json_string_value(json_object_get(o, "type"));
    const char *rt = json_string_value(json_object_get(o, "relationship_type"));
    const char *src = json_string_value(json_object_get(o, "source_ref"));
    const char *dst = json_string_value(json_object_get(o, "target_ref"));
    json_t *so, *to;
    long si, ti;
    if (!type || strcmp(type, "relationship") != 0 || !rt || !src || !dst ||
        strcmp(rt, "mitigates") == 0 || strcmp(rt, "based-on") == 0)
      continue;
    so = json_object_get(byid, src);
    to = json_object_get(byid, dst);
    if (!so || !to)
      continue;
    if (nedges >= MAX_GRAPH_EDGES) {
      skipped++;
      continue;
    }
    si = node_index(index, nodes, src, so);
    ti = node_index(index, nodes, dst, to);
    ctix__buf_addf(&edges, "  n%ld -->|", si);
    mermaid_label(&edges, rt, 40);
    ctix__buf_addf(&edges, "| n%ld\n", ti);
    nedges++;
  }
  if (!nedges) {
    ctix__buf_adds(b, "No relation between the objects of the STIX bundle.\n");
    goto done;
  }
  ctix__buf_adds(b, "```mermaid\nflowchart LR\n");
  json_array_foreach(nodes, i, o)
  {
    const char *ext, *name = obj_label(o, &ext);
    const char *type = json_string_value(json_object_get(o, "type"));
    ctix__buf_addf(b, "  n%zu[\"", i);
    if (type && strcmp(type, "attack-pattern") == 0 && ext) {
      mermaid_label(b, ext, 40);
      ctix__buf_adds(b, " ");
    }
    mermaid_label(b, name ? name : type, 60);
    ctix__buf_adds(b, "<br/>");
    mermaid_label(b, type, 40);
    ctix__buf_adds(b, "\"]\n");
  }
  ctix__buf_add(b, edges.data, edges.len);
  ctix__buf_adds(b, "```\n");
  if (skipped)
    ctix__buf_addf(b, "\n%zu more relations are in bundle.stix.json.\n", skipped);

done:
  ctix__buf_free(&edges);
  json_decref(nodes);
  json_decref(index);
  json_decref(byid);
  json_decref(root);
}

/* ------------------------------------------------------ detection, response */

static void put_response(ctix_buf *b, const ctix_response *r)
{
  static const struct {
    const char *key, *title;
  } phases[] = {{"preparation", "Preparation"},
                {"detection-and-analysis", "Detection and analysis"},
                {"containment", "Containment"},
                {"eradication", "Eradication"},
                {"recovery", "Recovery"},
                {"post-incident", "Post-incident"}};
  size_t i, j, p;
  ctix__buf_adds(b, "\n## Sigma rules\n\n");
  if (!r || !r->nrules)
    ctix__buf_adds(b, "No Sigma rule for this analysis.\n");
  for (i = 0; r && i < r->nrules; i++) {
    const ctix_response_rule *s = &r->rules[i];
    const char *y = s->yaml ? s->yaml : "";
    size_t run = 0, longest = 0, k;
    for (k = 0; y[k]; k++) {
      run = y[k] == '`' ? run + 1 : 0;
      if (run > longest)
        longest = run;
    }
    ctix__buf_adds(b, "### ");
    md_texts(b, s->title);
    ctix__buf_adds(b, " (");
    md_texts(b, s->level);
    ctix__buf_adds(b, ", ");
    md_texts(b, s->origin);
    ctix__buf_adds(b, ")\n\n");
    for (k = 0; k < (longest < 3 ? 3 : longest + 1); k++)
      ctix__buf_addc(b, '`');
    ctix__buf_adds(b, "yaml\n");
    ctix__buf_adds(b, y);
    if (!y[0] || y[strlen(y) - 1] != '\n')
      ctix__buf_addc(b, '\n');
    for (k = 0; k < (longest < 3 ? 3 : longest + 1); k++)
      ctix__buf_addc(b, '`');
    ctix__buf_adds(b, "\n\n");
  }

  ctix__buf_adds(b, "\n## Countermeasures\n\n");
  if (!r || !r->ncountermeasures) {
    ctix__buf_adds(b, "No countermeasure for this analysis.\n");
  } else {
    ctix__buf_adds(b, "| Id | Name | Tactic | Counters |\n| --- | --- | --- | --- |\n");
    for (i = 0; i < r->ncountermeasures; i++) {
      const ctix_countermeasure *c = &r->countermeasures[i];
      ctix__buf_adds(b, "| ");
      md_code(b, c->id, true);
      ctix__buf_adds(b, " | ");
      md_texts(b, c->name);
      ctix__buf_adds(b, " | ");
      md_texts(b, c->tactic);
      ctix__buf_adds(b, " | ");
      for (j = 0; j < c->ncovers; j++) {
        if (j)
          ctix__buf_adds(b, ", ");
        md_texts(b, c->covers[j]);
      }
      ctix__buf_adds(b, " |\n");
    }
  }

  ctix__buf_adds(b, "\n## Response steps\n\n");
  if (!r || !r->nsteps) {
    ctix__buf_adds(b, "No response step for this analysis.\n");
    return;
  }
  for (p = 0; p <= sizeof(phases) / sizeof(phases[0]); p++) {
    bool head = false;
    for (i = 0; i < r->nsteps; i++) {
      const ctix_response_step *s = &r->steps[i];
      bool known = false;
      size_t q;
      for (q = 0; q < sizeof(phases) / sizeof(phases[0]); q++)
        known |= s->phase && strcmp(s->phase, phases[q].key) == 0;
      /* The last pass takes the steps of phases not in the table. */
      if (p < sizeof(phases) / sizeof(phases[0]) ? !(s->phase && strcmp(s->phase, phases[p].key) == 0)
                                                 : known)
        continue;
      if (!head) {
        ctix__buf_adds(b, "### ");
        if (p < sizeof(phases) / sizeof(phases[0]))
          ctix__buf_adds(b, phases[p].title);
        else
          ctix__buf_adds(b, "Other");
        ctix__buf_adds(b, "\n\n");
        head = true;
      }
      ctix__buf_adds(b, "- [ ] ");
      md_texts(b, s->text);
      if (s->nbecause) {
        ctix__buf_adds(b, " (");
        for (j = 0; j < s->nbecause; j++) {
          if (j)
            ctix__buf_adds(b, ", ");
          md_texts(b, s->because[j]);
        }
        ctix__buf_adds(b, ")");
      }
      ctix__buf_adds(b, "\n");
    }
    if (head)
      ctix__buf_adds(b, "\n");
  }
}

int ctix_render_markdown(char **out, size_t *len, const ctix_analysis *a,
                         const ctix_render_options *opts, ctix_error *err)
{
  ctix__render_in in;
  ctix_buf b;
  int rc;
  *out = NULL;
  *len = 0;
  if ((rc = ctix__render_in_open(&in, a, opts, err)))
    return rc;
  ctix__buf_init(&b, in.opts.max_output);
  put_summary(&b, a);
  put_timeline(&b, a);
  put_techniques(&b, a);
  put_iocs(&b, a);
  put_entities(&b, a);
  put_graph(&b, &in);
  put_response(&b, in.resp);
  if (b.err) {
    if (b.err == CTIX_ETOOBIG)
      rc = ctix__error_set(err, b.err, "render: report.md over %zu bytes", in.opts.max_output);
    else
      rc = ctix__error_set(err, b.err, "render: out of memory");
    goto done;
  }
  *out = ctix__buf_detach(&b, len);

done:
  ctix__buf_free(&b);
  ctix__render_in_close(&in);
  return rc;
}
