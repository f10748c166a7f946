/*
 * response.md: the response content of one report for people. The title
 * and risk line, the incident-response steps as a Markdown checklist per
 * NIST SP 800-61 phase, the countermeasures as a ranked table and then per
 * technique grouped by D3FEND tactic, and the Sigma rules of the package.
 * Everything that comes from the article or the knowledge base is
 * escaped: an article is attacker-controlled text.
 */
#include <stdlib.h>
#include <string.h>

#include "respond/response_internal.h"
#include "util/err.h"
#include "util/utf8.h"

#define MD_MAX ((size_t)64 << 20)
#define COVERS_SHOWN 8       /* technique ids written in the table's Covers cell */

/* D3FEND tactics in display order, then ATT&CK mitigations. */
static const char *const tactic_order[] = {"Model",   "Harden", "Detect",  "Isolate",
                                           "Deceive", "Evict",  "Restore", "Mitigation"};
#define NTACTICS (sizeof(tactic_order) / sizeof(tactic_order[0]))

/* Characters with a Markdown meaning anywhere in a line or a table cell. */
static bool md_special(unsigned char c)
{
  return c == '\\' || c == '`' || c == '*' || c == '_' || c == '[' || c == ']' || c == '<' ||
         c == '>' || c == '|' || c == '~' || c == '&' || c == '#';
}

/*
 * Runs of characters that stay as they are (printable, not special) are
 * copied in one piece; the others: invalid UTF-8 as '?', control and
 * line-separator characters as a space, Markdown specials backslashed.
 */
int ctix__md_escape(ctix_buf *out, const char *s, size_t n)
{
  size_t i = 0, run = 0;
  while (s && i < n) {
    unsigned char c = (unsigned char)s[i];
    uint32_t cp = c;
    size_t len = 1;
    if (c >= 0x20 && c < 0x7f && !md_special(c)) {
      i++;
      continue;
    }
    if (c >= 0x80) {
      len = ctix__utf8_decode((const unsigned char *)s + i, n - i, &cp);
      if (len && cp >= 0xa0 && cp != 0x2028 && cp != 0x2029) {
        i += len;
        continue;
      }
    }
    ctix__buf_add(out, s + run, i - run);
    if (len == 0) {
      ctix__buf_addc(out, '?');
      len = 1;
    } else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0x2028 || cp == 0x2029) {
      ctix__buf_addc(out, ' ');
    } else {
      ctix__buf_addc(out, '\\');
      ctix__buf_addc(out, (char)c);
    }
    i += len;
    run = i;
  }
  if (s)
    ctix__buf_add(out, s + run, i - run);
  return out->err;
}

static void esc(ctix_buf *out, const char *s)
{
  if (s)
    ctix__md_escape(out, s, strlen(s));
}

/*
 * A name as a code span when it can be one (no backquote, no control
 * character, valid UTF-8): nothing inside a code span needs escaping.
 * Otherwise escaped text.
 */
static void code(ctix_buf *out, const char *s)
{
  size_t n = s ? strlen(s) : 0;
  bool plain = n > 0 && ctix__utf8_validate(s, n) == n;
  for (size_t i = 0; i < n && plain; i++)
    plain = s[i] != '`' && (unsigned char)s[i] >= 0x20 && s[i] != 0x7f;
  if (!plain) {
    esc(out, s);
    return;
  }
  ctix__buf_addc(out, '`');
  ctix__buf_add(out, s, n);
  ctix__buf_addc(out, '`');
}

/* True if countermeasure c covers technique id t. */
static bool covers(const ctix_countermeasure *c, const char *t)
{
  for (size_t i = 0; i < c->ncovers; i++)
    if (strcmp(c->covers[i], t) == 0)
      return true;
  return false;
}

/* Index of a tactic in tactic_order; NTACTICS for any other. */
static size_t tactic_rank(const char *t)
{
  for (size_t i = 0; i < NTACTICS; i++)
    if (t && strcmp(t, tactic_order[i]) == 0)
      return i;
  return NTACTICS;
}

static void write_steps(ctix_buf *b, const ctix_response *r)
{
  ctix__buf_adds(b, "## Response steps\n\n");
  if (r->nsteps == 0) {
    ctix__buf_adds(b, "No step applies: the report names no technique, indicator or "
                      "vulnerability that a template is keyed on.\n\n");
    return;
  }
  for (size_t ph = 0; ph < CTIX__RESPOND_NPHASES; ph++) {
    bool any = false;
    for (size_t i = 0; i < r->nsteps; i++) {
      const ctix_response_step *s = &r->steps[i];
      if (!s->phase || strcmp(s->phase, ctix__respond_phases[ph]) != 0)
        continue;
      if (!any)
        ctix__buf_addf(b, "### %s\n\n", ctix__respond_phase_titles[ph]);
      any = true;
      ctix__buf_adds(b, "- [ ] ");
      esc(b, s->text);
      ctix__buf_addc(b, '\n');
    }
    if (any)
      ctix__buf_addc(b, '\n');
  }
}

static void write_table(ctix_buf *b, const ctix_response *r, size_t ntech)
{
  ctix__buf_adds(b, "## Countermeasures\n\n");
  if (r->ncountermeasures == 0) {
    ctix__buf_adds(b, "The knowledge base has no D3FEND countermeasure or ATT&CK mitigation "
                      "for the report's techniques.\n\n");
    return;
  }
  ctix__buf_addf(b,
                 "%zu D3FEND countermeasures and ATT&CK mitigations for the report's %zu "
                 "observed or potential techniques, most techniques covered first.\n\n",
                 r->ncountermeasures, ntech);
  ctix__buf_adds(b, "| ID | Name | Tactic | Covers |\n| --- | --- | --- | --- |\n");
  for (size_t i = 0; i < r->ncountermeasures; i++) {
    const ctix_countermeasure *c = &r->countermeasures[i];
    ctix__buf_adds(b, "| ");
    esc(b, c->id);
    ctix__buf_adds(b, " | ");
    esc(b, c->name);
    ctix__buf_adds(b, " | ");
    esc(b, c->tactic);
    ctix__buf_addf(b, " | %zu: ", c->ncovers);
    for (size_t k = 0; k < c->ncovers && k < COVERS_SHOWN; k++) {
      if (k)
        ctix__buf_adds(b, ", ");
      esc(b, c->covers[k]);
    }
    if (c->ncovers > COVERS_SHOWN)
      ctix__buf_addf(b, " and %zu more", c->ncovers - COVERS_SHOWN);
    ctix__buf_adds(b, " |\n");
  }
  ctix__buf_addc(b, '\n');
}

/* One line per technique: its countermeasures grouped by tactic. */
static void write_by_technique(ctix_buf *b, const ctix_analysis *a, const ctix_response *r)
{
  size_t *ranks; /* tactic_rank of each countermeasure, once (NULL: asked each time) */
  if (!a || !a->techniques || r->ncountermeasures == 0)
    return;
  if ((ranks = malloc(r->ncountermeasures * sizeof(*ranks))) != NULL)
    for (size_t i = 0; i < r->ncountermeasures; i++)
      ranks[i] = tactic_rank(r->countermeasures[i].tactic);
  ctix__buf_adds(b, "### By technique\n\n");
  for (size_t t = 0; t < a->techniques->count; t++) {
    const ctix_ttp_hit *h = &a->techniques->items[t];
    if (!ctix__respond_tech_active(h))
      continue;
    bool dup = false;
    for (size_t k = 0; k < t && !dup; k++)
      dup = a->techniques->items[k].id && strcmp(a->techniques->items[k].id, h->id) == 0 &&
            ctix__respond_tech_active(&a->techniques->items[k]);
    if (dup)
      continue;
    ctix__buf_adds(b, "- **");
    esc(b, h->id);
    ctix__buf_adds(b, "**");
    if (h->name && h->name[0]) {
      ctix__buf_addc(b, ' ');
      esc(b, h->name);
    }
    ctix__buf_adds(b, h->status == CTIX_TTP_POTENTIAL ? " (potential): " : ": ");
    bool first_group = true;
    for (size_t rank = 0; rank <= NTACTICS; rank++) {
      bool any = false;
      for (size_t i = 0; i < r->ncountermeasures; i++) {
        const ctix_countermeasure *c = &r->countermeasures[i];
        if ((ranks ? ranks[i] : tactic_rank(c->tactic)) != rank || !covers(c, h->id))
          continue;
        if (!any) {
          if (!first_group)
            ctix__buf_adds(b, "; ");
          if (rank < NTACTICS)
            ctix__buf_adds(b, tactic_order[rank]);
          else
            ctix__buf_adds(b, "Other");
          ctix__buf_addc(b, ' ');
          first_group = false;
        } else
          ctix__buf_adds(b, ", ");
        any = true;
        esc(b, c->id);
      }
    }
    if (first_group)
      ctix__buf_adds(b, "none in the knowledge base");
    ctix__buf_addc(b, '\n');
  }
  ctix__buf_addc(b, '\n');
  free(ranks);
}

static void write_rules(ctix_buf *b, const ctix_response *r)
{
  ctix__buf_adds(b, "## Sigma rules\n\n");
  if (r->nrules == 0) {
    ctix__buf_adds(b, "No Sigma rule was generated.\n");
    return;
  }
  ctix__buf_addf(b, "%zu rules in `sigma/`:\n\n", r->nrules);
  for (size_t i = 0; i < r->nrules; i++) {
    const ctix_response_rule *s = &r->rules[i];
    ctix__buf_adds(b, "- ");
    code(b, s->file_name);
    ctix__buf_adds(b, ": ");
    esc(b, s->title);
    ctix__buf_adds(b, " (");
    esc(b, s->origin);
    if (s->level) {
      ctix__buf_adds(b, ", level ");
      esc(b, s->level);
    }
    if (s->ntechniques) {
      ctix__buf_adds(b, ", ");
      for (size_t k = 0; k < s->ntechniques; k++) {
        if (k)
          ctix__buf_adds(b, " ");
        esc(b, s->techniques[k]);
      }
    }
    ctix__buf_adds(b, ")\n");
  }
}

int ctix_response_markdown(char **out, size_t *len, const ctix_analysis *a,
                           const ctix_response *r, ctix_error *err)
{
  ctix_buf b = CTIX_BUF_INIT(MD_MAX);
  const char *title = NULL;
  size_t ntech = 0;
  *out = NULL;
  if (len)
    *len = 0;
  if (!r)
    return ctix__error_set(err, CTIX_EINVAL, "ctix_response_markdown: no response");
  if (a && a->doc && a->doc->meta.title && a->doc->meta.title[0])
    title = a->doc->meta.title;
  else if (a && a->id && a->id[0])
    title = a->id;
  if (a && a->techniques)
    for (size_t i = 0; i < a->techniques->count; i++) {
      const ctix_ttp_hit *h = &a->techniques->items[i];
      bool dup = false;
      for (size_t k = 0; k < i && !dup; k++)
        dup = ctix__respond_tech_active(&a->techniques->items[k]) &&
              strcmp(a->techniques->items[k].id, h->id) == 0;
      ntech += ctix__respond_tech_active(h) && !dup;
    }

  ctix__buf_adds(&b, "# Response: ");
  esc(&b, title ? title : "untitled report");
  ctix__buf_adds(&b, "\n\n");
  if (a && a->doc && a->doc->meta.canonical_url && a->doc->meta.canonical_url[0]) {
    ctix__buf_adds(&b, "Source: ");
    esc(&b, a->doc->meta.canonical_url);
    ctix__buf_adds(&b, "\n\n");
  }
  if (a && a->assessment && a->assessment->risk_level) {
    ctix__buf_adds(&b, "Risk: **");
    esc(&b, a->assessment->risk_level);
    ctix__buf_addf(&b, "** (%d/100)\n\n", a->assessment->risk_score);
  }
  write_steps(&b, r);
  write_table(&b, r, ntech);
  write_by_technique(&b, a, r);
  write_rules(&b, r);
  if (b.err)
    return ctix__error_set(err, b.err, "response.md too large (%zu bytes at most)", MD_MAX);
  *out = ctix__buf_detach(&b, len);
  if (!*out)
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  return 0;
}
