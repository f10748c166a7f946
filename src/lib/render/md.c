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

#include "export/export_internal.h"
#include "render/render_internal.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/hash.h"
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

/* A byte md_text copies as it is: an ASCII letter or digit, or a byte of a
 * multi-byte character that cannot start a bidirectional control (those
 * start with 0xD8 or 0xE2, as do U+2028/U+2029). */
static bool md_plain(unsigned char c)
{
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= 0x80 && c != 0xD8 && c != 0xE2);
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
 * True when ctix_defang could change s[0..n): it rewrites only the dots,
 * colons, "://" scheme and '@' of URLs, domains, IP addresses and e-mail
 * addresses (defang_url, defang_dots, defang_ipv6 in ioc/refang.c), so a
 * text with no '.', ':' or '@' comes back as it is, and most prose
 * fragments of the report (names, tactics, statuses) need no scan at all.
 * test_render checks that property against ctix_defang itself.
 */
static bool may_defang(const char *s, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (s[i] == '.' || s[i] == ':' || s[i] == '@')
      return true;
  return false;
}

/*
 * What the sections of report.md write into: the text, and the short
 * prose ctix_defang gave back unchanged, so that a text seen again is not
 * scanned again (the countermeasure table names the same technique ids
 * hundreds of times, and each ctix_defang call is a whole observable
 * scan). The kept texts are a cache: one that cannot be kept is scanned
 * again, with the same result.
 */
#define MD_KEPT_MAX 64 /* longest text kept, bytes */

typedef struct md_kept {
  const char *s;
  size_t n;
} md_kept;

typedef struct md {
  ctix_buf b;          /* report.md */
  ctix_arena arena;    /* copies of the kept texts */
  md_kept *kept;       /* open addressing, s NULL when free */
  size_t nkept, cap;   /* cap a power of two, or 0 */
} md;

/* The slot of s[0..n) in the kept texts: its own, or the free one where it goes. */
static md_kept *kept_slot(md_kept *t, size_t cap, const char *s, size_t n)
{
  size_t i = (size_t)ctix__fnv1a(s, n) & (cap - 1);
  for (; t[i].s && (t[i].n != n || memcmp(t[i].s, s, n) != 0); i = (i + 1) & (cap - 1))
    ;
  return &t[i];
}

static bool kept_has(md *m, const char *s, size_t n)
{
  return m->cap && kept_slot(m->kept, m->cap, s, n)->s != NULL;
}

/* Keeps s[0..n) (known absent), growing the table at half full; on an
 * allocation failure it is simply not kept. */
static void kept_add(md *m, const char *s, size_t n)
{
  char *copy;
  if ((m->nkept + 1) * 2 > m->cap) {
    size_t cap = m->cap ? m->cap * 2 : 256, i;
    md_kept *t = calloc(cap, sizeof(*t));
    if (!t)
      return;
    for (i = 0; i < m->cap; i++)
      if (m->kept[i].s)
        *kept_slot(t, cap, m->kept[i].s, m->kept[i].n) = m->kept[i];
    free(m->kept);
    m->kept = t;
    m->cap = cap;
  }
  if (!(copy = ctix__arena_strndup(&m->arena, s, n)))
    return;
  *kept_slot(m->kept, m->cap, s, n) = (md_kept){copy, n};
  m->nkept++;
}

/*
 * Appends untrusted prose: defanged, white space (line breaks included)
 * collapsed to single spaces, control characters dropped, bidirectional
 * controls shown (md_bidi), ASCII punctuation backslash-escaped; cut to
 * `max` bytes with "..." when longer.
 */
static void md_text(md *out, const char *s, size_t n, size_t max)
{
  ctix_buf *b = &out->b;
  char *def = NULL;
  size_t dlen = 0, i, m, k;
  bool space = false;
  if (!s)
    return;
  /* only a text short enough to be kept can be among the kept ones */
  if (may_defang(s, n) && (n > MD_KEPT_MAX || !kept_has(out, s, n)) &&
      ctix_defang(&def, &dlen, s, n, NULL) == 0) {
    if (dlen == n && n <= MD_KEPT_MAX && memcmp(def, s, n) == 0)
      kept_add(out, s, n);
    s = def;
    n = dlen;
  }
  m = cut_utf8(s, n, max);
  for (i = 0; i < m; i++) {
    unsigned char c = (unsigned char)s[i];
    if (md_plain(c)) {
      /* a run of letters and digits goes out in one piece */
      size_t j = i + 1;
      while (j < m && md_plain((unsigned char)s[j]))
        j++;
      if (space && b->len && b->data[b->len - 1] != ' ')
        ctix__buf_addc(b, ' ');
      space = false;
      ctix__buf_add(b, s + i, j - i);
      i = j - 1;
      continue;
    }
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

static void md_texts(md *m, const char *s)
{
  if (s)
    md_text(m, s, strlen(s), MAX_QUOTE);
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

/*
 * Appends s as it is (the body of a fenced code block) except for its
 * bidirectional controls, shown as "<U+202E>" (md_bidi) like everywhere
 * else in report.md: a raw one would reorder the lines a reader sees.
 */
static void md_verbatim(ctix_buf *b, const char *s)
{
  size_t n = strlen(s), i, from = 0, m;
  for (i = 0; i < n; i++) {
    if ((unsigned char)s[i] != 0xD8 && (unsigned char)s[i] != 0xE2)
      continue; /* neither starts a bidirectional control */
    ctix__buf_add(b, s + from, i - from);
    if ((m = md_bidi(b, s, i, n, false)) != 0) {
      i += m - 1;
      from = i + 1;
    } else {
      from = i;
    }
  }
  ctix__buf_add(b, s + from, n - from);
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
 * Bidirectional controls are shown as in the prose ("<U+202E>"), never
 * copied raw.
 */
static void mermaid_label(ctix_buf *b, const char *s, size_t max)
{
  size_t i, n, m;
  uint32_t cp;
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
    if (c >= 0x80 && (m = ctix__utf8_bidi_control((const unsigned char *)s + i, n - i)) &&
        ctix__utf8_decode((const unsigned char *)s + i, n - i, &cp) == m) {
      /* a bidirectional control shown as in the prose, "<U+202E>", its
       * brackets in the entity form */
      ctix__buf_addf(b, "#60;U+%04X#62;", (unsigned)cp);
      i += m - 1;
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

static void put_summary(md *m, const ctix_analysis *a)
{
  ctix_buf *b = &m->b;
  const ctix_doc_meta *meta = &a->doc->meta;
  const ctix_assessment *as = a->assessment;
  size_t i, nobs = 0, nioc = 0;
  const char *title = meta->title && meta->title[0] ? meta->title
                      : meta->source                 ? meta->source
                                                     : "report";
  ctix__buf_adds(b, "# ");
  md_texts(m, title);
  ctix__buf_adds(b, "\n\n*ctix report: automated extraction; check the evidence before acting.*\n\n");
  ctix__buf_adds(b, "| | |\n| --- | --- |\n");
  ctix__buf_adds(b, "| Source | ");
  md_code(b, meta->source, true);
  ctix__buf_adds(b, " |\n");
  if (meta->canonical_url) {
    ctix__buf_adds(b, "| URL | ");
    md_ioc(b, meta->canonical_url);
    ctix__buf_adds(b, " |\n");
  }
  if (meta->published) {
    ctix__buf_adds(b, "| Published | ");
    md_texts(m, meta->published);
    ctix__buf_adds(b, " |\n");
  }
  if (meta->author) {
    ctix__buf_adds(b, "| Author | ");
    md_texts(m, meta->author);
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
  md_texts(m, as->risk_level);
  ctix__buf_adds(b, "**\n\n");
  if (!as->nfactors) {
    ctix__buf_adds(b, "No risk factor fired.\n");
    return;
  }
  ctix__buf_adds(b, "| Factor | Points | Evidence |\n| --- | ---: | --- |\n");
  for (i = 0; i < as->nfactors; i++) {
    const ctix_risk_factor *f = &as->factors[i];
    ctix__buf_adds(b, "| ");
    md_texts(m, f->label ? f->label : f->key);
    ctix__buf_addf(b, " | %+.1f | ", (double)f->contribution);
    md_texts(m, f->evidence);
    ctix__buf_adds(b, " |\n");
  }
}

static void put_timeline(md *m, const ctix_analysis *a)
{
  ctix_buf *b = &m->b;
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
    md_texts(m, e->date ? e->date : "undated");
    ctix__buf_adds(b, " | ");
    md_texts(m, e->what);
    ctix__buf_adds(b, " | ");
    md_texts(m, e->expression);
    ctix__buf_adds(b, e->relative ? " (relative) |\n" : " |\n");
  }
}

/* Text of a sentence span in the document, as escaped prose. */
static void put_quote(md *m, const ctix_document *d, size_t s, size_t e)
{
  if (s < e && e <= d->len)
    md_text(m, d->text + s, e - s, MAX_QUOTE);
}

static void put_techniques(md *m, const ctix_analysis *a)
{
  ctix_buf *b = &m->b;
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
    md_texts(m, h->name);
    ctix__buf_adds(b, " | ");
    for (j = 0; j < h->ntactics; j++) {
      if (j)
        ctix__buf_adds(b, ", ");
      md_texts(m, h->tactics[j]);
    }
    ctix__buf_adds(b, " | ");
    md_texts(m, ctix_ttp_status_name(h->status));
    ctix__buf_addf(b, " | %.0f%% | ", (double)h->confidence * 100.0);
    if (h->nevidence)
      put_quote(m, a->doc, h->evidence[0].start, h->evidence[0].end);
    ctix__buf_adds(b, " |\n");
  }
}

static void put_iocs(md *m, const ctix_analysis *a)
{
  ctix_buf *b = &m->b;
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
      md_texts(m, ctix_ioc_type_name((ctix_ioc_type)c->type));
      ctix__buf_adds(b, " | ");
      md_ioc(b, c->value);
      if (groups[g].status == CTIX_IOC_STATUS_IOC) {
        ctix__buf_addf(b, " | %u |\n", (unsigned)c->nhits);
      } else {
        ctix__buf_adds(b, " | ");
        md_texts(m, c->reason);
        ctix__buf_adds(b, " |\n");
      }
    }
    if (shown < total)
      ctix__buf_addf(b, "\n... and %zu more (see report.json).\n", total - shown);
  }
}

static void put_entities(md *m, const ctix_analysis *a)
{
  ctix_buf *b = &m->b;
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
      md_texts(m, e->name);
      ctix__buf_adds(b, " | ");
      md_code(b, e->id, true);
      ctix__buf_adds(b, e->known ? " | known" : " | new name");
      if (e->role) {
        ctix__buf_adds(b, ", ");
        md_texts(m, e->role);
      }
      if (e->kev)
        ctix__buf_adds(b, ", in KEV");
      ctix__buf_adds(b, " | ");
      md_texts(m, e->evidence);
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
    md_texts(m, r->name);
    ctix__buf_addf(b, " | %.0f%% | ", (double)r->score * 100.0);
    for (j = 0; j < r->nshared_techniques + r->nshared_software; j++) {
      if (j)
        ctix__buf_adds(b, ", ");
      md_texts(m, j < r->nshared_techniques ? r->shared_techniques[j]
                                            : r->shared_software[j - r->nshared_techniques]);
    }
    ctix__buf_adds(b, " |\n");
  }
}

/* ----------------------------------------------------------- Mermaid graph */

/* One id of the bundle: the last object with that id, and its node number
 * in the graph (-1 until an edge reaches it). Open addressing. */
typedef struct id_slot {
  const char *id;
  size_t obj;
  long node;
} id_slot;

/* The slot of `id` in t[0..cap) (cap a power of two, never full): its own,
 * or the free one where it goes. FNV-1a. */
static id_slot *id_find(id_slot *t, size_t cap, const char *id)
{
  size_t i = (size_t)ctix__fnv1a_str(id) & (cap - 1);
  for (; t[i].id && strcmp(t[i].id, id) != 0; i = (i + 1) & (cap - 1))
    ;
  return &t[i];
}

/* The node number of the object in slot `e`, given the next one when new. */
static long node_of(id_slot *e, ctix_buf *nodes)
{
  if (e->node < 0) {
    e->node = (long)CTIX__BUF_COUNT(nodes, size_t);
    ctix__buf_push(nodes, &e->obj, sizeof(e->obj));
  }
  return e->node;
}

/*
 * The relations of the bundle between domain objects (not "mitigates",
 * which would bury the rest under courses of action, nor SCO links), as a
 * Mermaid flowchart; at most MAX_GRAPH_EDGES edges. `objs` are the
 * bundle's objects in order; an id names the last object that has it.
 */
static int put_graph(ctix_buf *b, const ctix__stix_obj *objs, size_t n)
{
  ctix_buf edges = CTIX_BUF_INIT((size_t)1 << 26), nodes = CTIX_BUF_INIT((size_t)1 << 30);
  id_slot *index = NULL;
  size_t i, cap = 16, nedges = 0, skipped = 0;
  int rc = 0;
  ctix__buf_adds(b, "\n## Graph of the relations\n\n");
  while (cap < 2 * n + 2)
    cap *= 2;
  if (!(index = calloc(cap, sizeof(*index)))) {
    rc = CTIX_ENOMEM;
    goto done;
  }
  for (i = 0; i < n; i++) {
    id_slot *e;
    if (!objs[i].id)
      continue;
    e = id_find(index, cap, objs[i].id);
    if (!e->id) {
      e->id = objs[i].id;
      e->node = -1;
    }
    e->obj = i;
  }
  for (i = 0; i < n; i++) {
    const ctix__stix_obj *o = &objs[i];
    id_slot *so, *to;
    long si, ti;
    if (!o->type || strcmp(o->type, "relationship") != 0 || !o->rel_type || !o->src || !o->dst ||
        strcmp(o->rel_type, "mitigates") == 0 || strcmp(o->rel_type, "based-on") == 0)
      continue;
    so = id_find(index, cap, o->src);
    to = id_find(index, cap, o->dst);
    if (!so->id || !to->id)
      continue;
    if (nedges >= MAX_GRAPH_EDGES) {
      skipped++;
      continue;
    }
    si = node_of(so, &nodes);
    ti = node_of(to, &nodes);
    ctix__buf_addf(&edges, "  n%ld -->|", si);
    mermaid_label(&edges, o->rel_type, 40);
    ctix__buf_addf(&edges, "| n%ld\n", ti);
    nedges++;
  }
  if (nodes.err || edges.err) {
    rc = nodes.err ? nodes.err : edges.err;
    goto done;
  }
  if (!nedges) {
    ctix__buf_adds(b, "No relation between the objects of the STIX bundle.\n");
    goto done;
  }
  ctix__buf_adds(b, "```mermaid\nflowchart LR\n");
  for (i = 0; i < CTIX__BUF_COUNT(&nodes, size_t); i++) {
    const ctix__stix_obj *o = &objs[CTIX__BUF_AT(&nodes, size_t, i)];
    ctix__buf_addf(b, "  n%zu[\"", i);
    if (o->type && strcmp(o->type, "attack-pattern") == 0 && o->ext_id) {
      mermaid_label(b, o->ext_id, 40);
      ctix__buf_adds(b, " ");
    }
    mermaid_label(b, o->name ? o->name : o->type, 60);
    ctix__buf_adds(b, "<br/>");
    mermaid_label(b, o->type, 40);
    ctix__buf_adds(b, "\"]\n");
  }
  ctix__buf_add(b, edges.data, edges.len);
  ctix__buf_adds(b, "```\n");
  if (skipped)
    ctix__buf_addf(b, "\n%zu more relations are in bundle.stix.json.\n", skipped);

done:
  ctix__buf_free(&edges);
  ctix__buf_free(&nodes);
  free(index);
  return rc;
}

/*
 * The objects of a caller's bundle text as records (their strings live in
 * *root, which the caller releases): read with jansson; a text that is not
 * JSON, or has no "objects" array, has none.
 */
static int read_objects(ctix__stix_obj **out, size_t *n, json_t **root, const char *text,
                        size_t len)
{
  json_error_t jerr;
  json_t *objs, *o;
  size_t i;
  *out = NULL;
  *n = 0;
  *root = json_loadb(text, len, 0, &jerr);
  objs = json_object_get(*root, "objects");
  if (!json_array_size(objs))
    return 0;
  if (!(*out = calloc(json_array_size(objs), sizeof(**out))))
    return CTIX_ENOMEM;
  json_array_foreach(objs, i, o)
  {
    ctix__stix_obj *r = &(*out)[i];
    json_t *refs = json_object_get(o, "external_references"), *x;
    size_t k;
    r->type = json_string_value(json_object_get(o, "type"));
    r->id = json_string_value(json_object_get(o, "id"));
    r->name = json_string_value(json_object_get(o, "name"));
    r->rel_type = json_string_value(json_object_get(o, "relationship_type"));
    r->src = json_string_value(json_object_get(o, "source_ref"));
    r->dst = json_string_value(json_object_get(o, "target_ref"));
    json_array_foreach(refs, k, x)
    {
      if ((r->ext_id = json_string_value(json_object_get(x, "external_id"))) != NULL)
        break;
    }
  }
  *n = json_array_size(objs);
  return 0;
}

/* ------------------------------------------------------ detection, response */

static void put_response(md *m, const ctix_response *r)
{
  ctix_buf *b = &m->b;
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
    md_texts(m, s->title);
    ctix__buf_adds(b, " (");
    md_texts(m, s->level);
    ctix__buf_adds(b, ", ");
    md_texts(m, s->origin);
    ctix__buf_adds(b, ")\n\n");
    for (k = 0; k < (longest < 3 ? 3 : longest + 1); k++)
      ctix__buf_addc(b, '`');
    ctix__buf_adds(b, "yaml\n");
    md_verbatim(b, y);
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
      md_texts(m, c->name);
      ctix__buf_adds(b, " | ");
      md_texts(m, c->tactic);
      ctix__buf_adds(b, " | ");
      for (j = 0; j < c->ncovers; j++) {
        if (j)
          ctix__buf_adds(b, ", ");
        md_texts(m, c->covers[j]);
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
      md_texts(m, s->text);
      if (s->nbecause) {
        ctix__buf_adds(b, " (");
        for (j = 0; j < s->nbecause; j++) {
          if (j)
            ctix__buf_adds(b, ", ");
          md_texts(m, s->because[j]);
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
  const ctix__stix_obj *objs = NULL;
  ctix__stix_obj *read = NULL;
  json_t *root = NULL;
  size_t nobjs = 0;
  md m;
  int rc;
  *out = NULL;
  *len = 0;
  if ((rc = ctix__render_in_open(&in, a, opts, CTIX__STIX_OBJECTS, err)))
    return rc;
  memset(&m, 0, sizeof(m));
  ctix__buf_init(&m.b, in.opts.max_output);
  ctix__arena_init(&m.arena, 0);
  /* The graph reads the bundle's objects: recorded in a bundle object, else
   * read from the caller's text. */
  rc = in.bundle ? 0 : read_objects(&read, &nobjs, &root, in.stix, in.stix_len);
  objs = in.bundle ? ctix__stix_bundle_objects(in.bundle, &nobjs) : read;
  if (rc == 0) {
    put_summary(&m, a);
    put_timeline(&m, a);
    put_techniques(&m, a);
    put_iocs(&m, a);
    put_entities(&m, a);
    rc = put_graph(&m.b, objs, nobjs);
    put_response(&m, in.resp);
  }
  if (rc || m.b.err) {
    if (!rc && m.b.err == CTIX_ETOOBIG)
      rc = ctix__error_set(err, m.b.err, "render: report.md over %zu bytes", in.opts.max_output);
    else
      rc = ctix__error_set(err, rc ? rc : m.b.err, "render: out of memory");
    goto done;
  }
  *out = ctix__buf_detach(&m.b, len);

done:
  ctix__buf_free(&m.b);
  ctix__arena_free(&m.arena);
  free(m.kept);
  free(read);
  json_decref(root);
  ctix__render_in_close(&in);
  return rc;
}
