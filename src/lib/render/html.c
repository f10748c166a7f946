/*
 * report.html (docs/report-html.md): one self-contained page. The page is
 * a fixed skeleton, the analysis as JSON in a <script type=
 * "application/json"> element, and the bundled script and styles built
 * into libctix (asset.c) that draw every section from that JSON.
 *
 * Safety: every string from the analysis is attacker-controlled. In the
 * JSON block '<', '>' and '&' are written as \u escapes (so neither
 * "</script>" nor "<!--" can appear in it) and U+2028/U+2029 as \u2028 /
 * \u2029; the few strings the skeleton shows itself (title, language) are
 * HTML-escaped. A Content-Security-Policy meta element allows no network
 * at all: only the page's one script and one style element, by their
 * SHA-256 (computed when they were built, asset.c), and data: images.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

#include "ctix/ctix.h"
#include "ctix/kb.h"
#include "ctix/sigma.h"
#include "export/export_internal.h"
#include "export/jsonw.h"
#include "render/render_internal.h"
#include "sigma/sigma_lib.h"
#include "util/buf.h"
#include "util/err.h"

/* Evidence spans listed per observable and per entity in the page. */
#define MAX_SPANS 50

/* --------------------------------------------------------------- escaping */

/*
 * Appends s[0..n) escaped for HTML text and quoted attribute values:
 * & < > " ' become character references; everything else is copied.
 */
static void html_escape(ctix_buf *b, const char *s, size_t n)
{
  size_t i, run = 0;
  for (i = 0; i < n; i++) {
    const char *rep;
    switch (s[i]) {
    case '&': rep = "&amp;"; break;
    case '<': rep = "&lt;"; break;
    case '>': rep = "&gt;"; break;
    case '"': rep = "&quot;"; break;
    case '\'': rep = "&#39;"; break;
    default: continue;
    }
    ctix__buf_add(b, s + run, i - run);
    ctix__buf_adds(b, rep);
    run = i + 1;
  }
  ctix__buf_add(b, s + run, n - run);
}

/* Is c a byte json_for_script may have to replace: '<', '>', '&', or 0xE2,
 * the first byte of U+2028 and U+2029? */
static inline bool script_special(unsigned char c)
{
  return c == '<' || c == '>' || c == '&' || c == 0xE2;
}

/*
 * Number of leading bytes of s[0..n) that are not script_special: the
 * page's JSON is most of a megabyte, nearly all of it plain, so it is
 * searched sixteen bytes a step with SSE2.
 */
static size_t script_plain_prefix(const char *s, size_t n)
{
  size_t i = 0;
#if defined(__SSE2__) && defined(__GNUC__)
  for (; i + 16 <= n; i += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    __m128i m = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('<')), _mm_cmpeq_epi8(v, _mm_set1_epi8('>'))),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('&')),
                     _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xE2))));
    unsigned bits = (unsigned)_mm_movemask_epi8(m);
    if (bits)
      return i + (size_t)__builtin_ctz(bits);
  }
#endif
  while (i < n && !script_special((unsigned char)s[i]))
    i++;
  return i;
}

/*
 * Appends JSON text for the inside of a <script type="application/json">
 * element: '<', '>' and '&' (which JSON allows only inside strings) become
 * \u003c, \u003e, \u0026, and U+2028/U+2029 become \u2028/\u2029, so the
 * element cannot be closed or turned into a comment by its content, and
 * the text is still the same JSON.
 */
static void json_for_script(ctix_buf *b, const char *s, size_t n)
{
  size_t i, run = 0;
  for (i = 0; i < n; i++) {
    const char *rep = NULL;
    size_t skip = 1;
    unsigned char c;
    i += script_plain_prefix(s + i, n - i);
    if (i >= n)
      break;
    c = (unsigned char)s[i];
    if (c == '<')
      rep = "\\u003c";
    else if (c == '>')
      rep = "\\u003e";
    else if (c == '&')
      rep = "\\u0026";
    else if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
             ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
      rep = (unsigned char)s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029";
      skip = 3;
    }
    if (!rep)
      continue;
    ctix__buf_add(b, s + run, i - run);
    ctix__buf_adds(b, rep);
    i += skip - 1;
    run = i + 1;
  }
  ctix__buf_add(b, s + run, n - run);
}

/*
 * Makes room for about n more bytes at once (instead of doubling the
 * buffer, and copying it, many times), never past the buffer's maximum:
 * only real appends can exceed it.
 */
static void reserve(ctix_buf *b, size_t n)
{
  if (b->len <= b->max && n > b->max - b->len)
    n = b->max - b->len;
  ctix__buf_grow(b, n);
}

/* ------------------------------------------------------------- the data */

static void kspan(ctix__jsonw *w, size_t s, size_t e)
{
  ctix__jsonw_array_inline(w);
  ctix__jsonw_uint(w, s);
  ctix__jsonw_uint(w, e);
  ctix__jsonw_end(w);
}

static void kstrs(ctix__jsonw *w, const char *key, const char *const *v, size_t n)
{
  size_t i;
  ctix__jsonw_key(w, key);
  ctix__jsonw_array_inline(w);
  for (i = 0; i < n; i++)
    ctix__jsonw_str(w, v[i]);
  ctix__jsonw_end(w);
}

static void put_meta(ctix__jsonw *w, const ctix_analysis *a)
{
  const ctix_doc_meta *m = &a->doc->meta;
  const ctix_doc_stats *st = &a->stats;
  ctix__jsonw_key(w, "meta");
  ctix__jsonw_object(w);
  ctix__jsonw_kstr(w, "id", a->id);
  ctix__jsonw_kstr(w, "source", m->source);
  ctix__jsonw_kstr(w, "title", m->title);
  ctix__jsonw_kstr(w, "author", m->author);
  ctix__jsonw_kstr(w, "published", m->published);
  ctix__jsonw_kstr(w, "url", m->canonical_url);
  ctix__jsonw_kstr(w, "site", m->site_name);
  ctix__jsonw_kstr(w, "language", m->language);
  ctix__jsonw_kstr(w, "description", m->description);
  ctix__jsonw_kstr(w, "format", ctix_format_name(a->doc->format));
  ctix__jsonw_end(w);
  ctix__jsonw_key(w, "stats");
  ctix__jsonw_object_inline(w);
  ctix__jsonw_kuint(w, "words", st->words);
  ctix__jsonw_kuint(w, "sentences", st->sentences);
  ctix__jsonw_kuint(w, "paragraphs", st->paragraphs);
  ctix__jsonw_kuint(w, "headings", st->headings);
  ctix__jsonw_kuint(w, "code_blocks", st->code_blocks);
  ctix__jsonw_kuint(w, "table_rows", st->table_rows);
  ctix__jsonw_end(w);
}

static void put_assessment(ctix__jsonw *w, const ctix_analysis *a)
{
  const ctix_assessment *as = a->assessment;
  size_t i;
  ctix__jsonw_key(w, "risk");
  if (!as || !as->risk_level) {
    ctix__jsonw_null(w);
  } else {
    ctix__jsonw_object(w);
    ctix__jsonw_kint(w, "score", as->risk_score);
    ctix__jsonw_kstr(w, "level", as->risk_level);
    ctix__jsonw_key(w, "factors");
    ctix__jsonw_array(w);
    for (i = 0; i < as->nfactors; i++) {
      const ctix_risk_factor *f = &as->factors[i];
      ctix__jsonw_object_inline(w);
      ctix__jsonw_kstr(w, "key", f->key);
      ctix__jsonw_kstr(w, "label", f->label);
      ctix__jsonw_kfixed(w, "contribution", f->contribution, 1);
      ctix__jsonw_kstr(w, "evidence", f->evidence);
      ctix__jsonw_end(w);
    }
    ctix__jsonw_end(w);
    ctix__jsonw_end(w);
  }
  ctix__jsonw_key(w, "timeline");
  ctix__jsonw_array(w);
  for (i = 0; as && i < as->nevents; i++) {
    const ctix_event *e = &as->events[i];
    ctix__jsonw_object_inline(w);
    ctix__jsonw_kstr(w, "date", e->date);
    ctix__jsonw_kstr(w, "precision", e->precision);
    ctix__jsonw_kstr(w, "what", e->what);
    ctix__jsonw_kstr(w, "expression", e->expression);
    ctix__jsonw_kuint(w, "start", e->start);
    ctix__jsonw_kuint(w, "end", e->end);
    if (e->sentence < a->doc->nsentences) {
      ctix__jsonw_kuint(w, "sentence_start", a->doc->sentences[e->sentence].span.start);
      ctix__jsonw_kuint(w, "sentence_end", a->doc->sentences[e->sentence].span.end);
    } else {
      ctix__jsonw_kuint(w, "sentence_start", e->start);
      ctix__jsonw_kuint(w, "sentence_end", e->end);
    }
    ctix__jsonw_kbool(w, "relative", e->relative);
    ctix__jsonw_end(w);
  }
  ctix__jsonw_end(w);
  ctix__jsonw_key(w, "resemblances");
  ctix__jsonw_array(w);
  for (i = 0; as && i < as->nresemblances; i++) {
    const ctix_resemblance *r = &as->resemblances[i];
    ctix__jsonw_object_inline(w);
    ctix__jsonw_kstr(w, "id", r->id);
    ctix__jsonw_kstr(w, "name", r->name);
    ctix__jsonw_kstr(w, "kind", r->kind == CTIX_KB_CAMPAIGN ? "campaign" : "group");
    ctix__jsonw_kfixed(w, "score", r->score, 3);
    kstrs(w, "shared_techniques", r->shared_techniques, r->nshared_techniques);
    kstrs(w, "shared_software", r->shared_software, r->nshared_software);
    ctix__jsonw_end(w);
  }
  ctix__jsonw_end(w);
}

/* The ATT&CK tactics in matrix order (Enterprise, then the other domains),
 * one per short name, for the heatmap's columns. */
static void put_tactics(ctix__jsonw *w)
{
  const ctix_kb *kb = NULL;
  ctix_kb_ref first = CTIX_KB_NONE;
  size_t n = 0, i, j, k;
  unsigned domains[] = {CTIX_KB_ENTERPRISE, CTIX_KB_MOBILE, CTIX_KB_ICS};
  ctix_buf seen = CTIX_BUF_INIT((size_t)1 << 20); /* "\n"-separated short names */
  ctix__jsonw_key(w, "tactics");
  ctix__jsonw_array(w);
  if (ctix_kb_default(&kb, NULL) == 0)
    n = ctix_kb_range(kb, CTIX_KB_TACTIC, &first);
  for (k = 0; k < sizeof(domains) / sizeof(domains[0]); k++) {
    for (i = 0; i < n; i++) {
      ctix_kb_obj o;
      char key[128];
      if (ctix_kb_get(kb, first + (ctix_kb_ref)i, &o) || !(o.domains & domains[k]) || !o.shortname[0])
        continue;
      /* Count a tactic once, in the first domain that has it. */
      for (j = 0; j < k; j++)
        if (o.domains & domains[j])
          break;
      if (j < k)
        continue;
      snprintf(key, sizeof(key), "\n%s\n", o.shortname);
      if (seen.data && strstr(seen.data, key))
        continue;
      ctix__buf_adds(&seen, key);
      ctix__jsonw_object_inline(w);
      ctix__jsonw_kstr(w, "key", o.shortname);
      ctix__jsonw_kstr(w, "name", o.name);
      ctix__jsonw_kstr(w, "id", o.id);
      ctix__jsonw_end(w);
    }
  }
  ctix__jsonw_end(w);
  ctix__buf_free(&seen);
}

static void put_techniques(ctix__jsonw *w, const ctix_ttp_list *t)
{
  static const struct {
    unsigned bit;
    const char *name;
  } sigs[] = {{CTIX_TTP_SIG_ID, "id"},
              {CTIX_TTP_SIG_NAME, "name"},
              {CTIX_TTP_SIG_CUE, "cue"},
              {CTIX_TTP_SIG_MODEL, "model"},
              {CTIX_TTP_SIG_SOFTWARE, "software"}};
  size_t i, j, k;
  ctix__jsonw_key(w, "techniques");
  ctix__jsonw_array(w);
  for (i = 0; t && i < t->count; i++) {
    const ctix_ttp_hit *h = &t->items[i];
    ctix__jsonw_object(w);
    ctix__jsonw_kstr(w, "id", h->id);
    ctix__jsonw_kstr(w, "name", h->name);
    ctix__jsonw_kstr(w, "parent", h->parent_name);
    ctix__jsonw_kstr(w, "domain", ctix_kb_domain_name(ctix_kb_domain_first(h->domain)));
    kstrs(w, "tactics", h->tactics, h->ntactics);
    ctix__jsonw_kfixed(w, "confidence", h->confidence, 3);
    ctix__jsonw_kstr(w, "status", ctix_ttp_status_name(h->status));
    ctix__jsonw_key(w, "signals");
    ctix__jsonw_array_inline(w);
    for (k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++)
      if (h->signals & sigs[k].bit)
        ctix__jsonw_str(w, sigs[k].name);
    ctix__jsonw_end(w);
    ctix__jsonw_kstr(w, "runner_up", h->runner_up);
    ctix__jsonw_key(w, "evidence");
    ctix__jsonw_array(w);
    for (j = 0; j < h->nevidence; j++) {
      const ctix_ttp_evidence *e = &h->evidence[j];
      ctix__jsonw_object_inline(w);
      ctix__jsonw_kuint(w, "start", e->start);
      ctix__jsonw_kuint(w, "end", e->end);
      ctix__jsonw_kfixed(w, "score", e->score, 3);
      ctix__jsonw_kstr(w, "status", ctix_ttp_status_name(e->status));
      kstrs(w, "why", e->why, e->nwhy);
      ctix__jsonw_end(w);
    }
    ctix__jsonw_end(w);
    ctix__jsonw_end(w);
  }
  ctix__jsonw_end(w);
}

/*
 * The observables with their defanged form and up to MAX_SPANS
 * occurrences each (a counting pass over the hits, which are in text
 * order, fills per-observable slots).
 */
static int put_iocs(ctix__jsonw *w, const ctix_ioc_list *l, ctix_error *err)
{
  ctix_buf first = CTIX_BUF_INIT((size_t)1 << 30), next = CTIX_BUF_INIT((size_t)1 << 30);
  size_t i, none = SIZE_MAX;
  int rc = 0;
  ctix__jsonw_key(w, "iocs");
  ctix__jsonw_array(w);
  if (!l || !l->nitems)
    goto done;
  /* first[i]: first hit of item i; next[h]: the item's next hit (SIZE_MAX ends). */
  for (i = 0; i < l->nitems; i++)
    ctix__buf_push(&first, &none, sizeof(none));
  for (i = 0; i < l->nhits; i++)
    ctix__buf_push(&next, &none, sizeof(none));
  if (first.err || next.err) {
    rc = ctix__error_set(err, CTIX_ENOMEM, "render: out of memory");
    goto done;
  }
  for (i = l->nhits; i-- > 0;) {
    size_t it = l->hits[i].ioc;
    if (it >= l->nitems)
      continue;
    CTIX__BUF_AT(&next, size_t, i) = CTIX__BUF_AT(&first, size_t, it);
    CTIX__BUF_AT(&first, size_t, it) = i;
  }
  for (i = 0; i < l->nitems; i++) {
    const ctix_ioc *c = &l->items[i];
    char *def = NULL;
    size_t dlen = 0, h, k;
    ctix__jsonw_object_inline(w);
    ctix__jsonw_kstr(w, "type", ctix_ioc_type_name((ctix_ioc_type)c->type));
    ctix__jsonw_kstr(w, "value", c->value);
    if (c->value && ctix_defang(&def, &dlen, c->value, strlen(c->value), NULL) == 0 &&
        strcmp(def, c->value) != 0)
      ctix__jsonw_kstrn(w, "defanged", def, dlen);
    free(def);
    ctix__jsonw_kstr(w, "original", c->original);
    ctix__jsonw_kstr(w, "status", ctix_ioc_status_name((ctix_ioc_status)c->status));
    ctix__jsonw_kstr(w, "reason", c->reason);
    ctix__jsonw_kuint(w, "hits", c->nhits);
    ctix__jsonw_key(w, "spans");
    ctix__jsonw_array_inline(w);
    h = CTIX__BUF_AT(&first, size_t, i);
    if (h == SIZE_MAX)
      kspan(w, c->span.start, c->span.end);
    for (k = 0; h != SIZE_MAX && k < MAX_SPANS; h = CTIX__BUF_AT(&next, size_t, h), k++)
      kspan(w, l->hits[h].span.start, l->hits[h].span.end);
    ctix__jsonw_end(w);
    ctix__jsonw_end(w);
  }

done:
  ctix__jsonw_end(w);
  ctix__buf_free(&first);
  ctix__buf_free(&next);
  return rc;
}

static void put_entities(ctix__jsonw *w, const ctix_entity_list *l)
{
  size_t i, j;
  ctix__jsonw_key(w, "entities");
  ctix__jsonw_array(w);
  for (i = 0; l && i < l->count; i++) {
    const ctix_entity *e = &l->items[i];
    ctix__jsonw_object_inline(w);
    ctix__jsonw_kstr(w, "kind", ctix_entity_kind_name(e->kind));
    ctix__jsonw_kstr(w, "name", e->name);
    ctix__jsonw_kstr(w, "id", e->id);
    ctix__jsonw_kbool(w, "known", e->known);
    ctix__jsonw_kfixed(w, "confidence", e->confidence, 3);
    ctix__jsonw_kstr(w, "role", e->role);
    ctix__jsonw_kstr(w, "evidence", e->evidence);
    if (e->kind == CTIX_ENTITY_VULNERABILITY) {
      ctix__jsonw_kbool(w, "kev", e->kev);
      ctix__jsonw_kstr(w, "kev_date_added", e->kev_date_added);
      ctix__jsonw_kstr(w, "kev_due_date", e->kev_due_date);
      ctix__jsonw_kbool(w, "kev_ransomware", e->kev_ransomware);
      ctix__jsonw_kstr(w, "vendor", e->vendor);
      ctix__jsonw_kstr(w, "product", e->product);
    }
    ctix__jsonw_key(w, "mentions");
    ctix__jsonw_array_inline(w);
    for (j = 0; j < e->nmentions && j < MAX_SPANS; j++)
      kspan(w, e->mentions[j].start, e->mentions[j].end);
    ctix__jsonw_end(w);
    ctix__jsonw_end(w);
  }
  ctix__jsonw_end(w);
}

/* The SIEM views of the Sigma tab: the `report` rows of the Sigma module's table. */
#define MAX_TARGETS 16

static void put_conversions(ctix__jsonw *w, const ctix_response_rule *s,
                            const ctix_sigma_converter *const *cv, const char *const *names,
                            size_t n)
{
  ctix_sigma_rule *rule = NULL;
  ctix_error err;
  size_t t, q;
  ctix_error_clear(&err);
  ctix__jsonw_key(w, "conversions");
  ctix__jsonw_object(w);
  if (n && s->yaml && ctix_sigma_rule_load(&rule, s->yaml, strlen(s->yaml), s->file_name, &err)) {
    rule = NULL;
  }
  for (t = 0; t < n; t++) {
    ctix_sigma_queries out = {0, NULL};
    ctix__jsonw_key(w, names[t]);
    ctix__jsonw_object_inline(w);
    if (rule) {
      ctix_error_clear(&err);
      if (ctix_sigma_convert(&out, cv[t], rule, &err) == 0) {
        ctix__jsonw_key(w, "queries");
        ctix__jsonw_array_inline(w);
        for (q = 0; q < out.count; q++)
          ctix__jsonw_str(w, out.query[q]);
        ctix__jsonw_end(w);
      } else {
        ctix__jsonw_kstr(w, "error", err.message);
      }
      ctix_sigma_queries_free(&out);
    } else {
      ctix__jsonw_kstr(w, "error", err.code ? err.message : "no rule text");
    }
    ctix__jsonw_end(w);
  }
  ctix__jsonw_end(w);
  ctix_sigma_rule_free(rule);
}

static void put_response(ctix__jsonw *w, const ctix_response *r)
{
  const ctix_sigma_converter *cv[MAX_TARGETS];
  const char *names[MAX_TARGETS];
  size_t i, ncv = 0;
  /* a view whose target or pipeline the engine lacks is left out; the
     converters are built once per process and kept (sigma_lib.h) */
  for (i = 0; r && r->nrules && i < ctix__sigma_nviews && ncv < MAX_TARGETS; i++) {
    if (ctix__sigma_views[i].report && (cv[ncv] = ctix__sigma_view_converter(i)))
      names[ncv++] = ctix__sigma_views[i].key;
  }
  ctix__jsonw_key(w, "sigma");
  ctix__jsonw_object(w);
  ctix__jsonw_key(w, "rules");
  ctix__jsonw_array(w);
  for (i = 0; r && i < r->nrules; i++) {
    const ctix_response_rule *s = &r->rules[i];
    ctix__jsonw_object(w);
    ctix__jsonw_kstr(w, "id", s->id);
    ctix__jsonw_kstr(w, "title", s->title);
    ctix__jsonw_kstr(w, "origin", s->origin);
    ctix__jsonw_kstr(w, "file", s->file_name);
    ctix__jsonw_kstr(w, "level", s->level);
    kstrs(w, "techniques", s->techniques, s->ntechniques);
    ctix__jsonw_kstr(w, "source_path", s->source_path);
    ctix__jsonw_kstr(w, "yaml", s->yaml);
    /* SIEM queries converted from the rule, by target; one tab each in the page. */
    put_conversions(w, s, cv, names, ncv);
    ctix__jsonw_end(w);
  }
  ctix__jsonw_end(w);
  ctix__jsonw_end(w);
  ctix__jsonw_key(w, "countermeasures");
  ctix__jsonw_array(w);
  for (i = 0; r && i < r->ncountermeasures; i++) {
    const ctix_countermeasure *c = &r->countermeasures[i];
    ctix__jsonw_object_inline(w);
    ctix__jsonw_kstr(w, "id", c->id);
    ctix__jsonw_kstr(w, "name", c->name);
    ctix__jsonw_kstr(w, "tactic", c->tactic);
    kstrs(w, "covers", c->covers, c->ncovers);
    ctix__jsonw_end(w);
  }
  ctix__jsonw_end(w);
  ctix__jsonw_key(w, "steps");
  ctix__jsonw_array(w);
  for (i = 0; r && i < r->nsteps; i++) {
    const ctix_response_step *s = &r->steps[i];
    ctix__jsonw_object_inline(w);
    ctix__jsonw_kstr(w, "phase", s->phase);
    ctix__jsonw_kstr(w, "key", s->key);
    ctix__jsonw_kstr(w, "text", s->text);
    kstrs(w, "because", s->because, s->nbecause);
    ctix__jsonw_end(w);
  }
  ctix__jsonw_end(w);
}

/* The JSON the page's script reads (compact, before script escaping). */
static int data_json(char **out, size_t *len, const ctix__render_in *in, ctix_error *err)
{
  const ctix_analysis *a = in->a;
  ctix__jsonw w;
  int rc;
  ctix__jsonw_init_max(&w, false, in->opts.max_output);
  /* room for the two big parts, the article and the bundle, at once */
  reserve(&w.b, (in->opts.no_text ? 0 : a->doc->len) + in->stix_len + ((size_t)1 << 16));
  ctix__jsonw_object(&w);
  ctix__jsonw_kint(&w, "v", 1);
  ctix__jsonw_kstr(&w, "generator", ctix_version());
  put_meta(&w, a);
  put_assessment(&w, a);
  put_tactics(&w);
  put_techniques(&w, a->techniques);
  if ((rc = put_iocs(&w, a->iocs, err))) {
    ctix__jsonw_free(&w);
    return rc;
  }
  put_entities(&w, a->entities);
  put_response(&w, in->resp);
  ctix__jsonw_key(&w, "bundle");
  ctix__jsonw_raw(&w, in->stix, in->stix_len);
  ctix__jsonw_key(&w, "text");
  if (in->opts.no_text)
    ctix__jsonw_null(&w);
  else
    ctix__jsonw_strn(&w, a->doc->text, a->doc->len);
  ctix__jsonw_end(&w);
  return ctix__jsonw_finish(&w, out, len, err);
}

/* ------------------------------------------------------------- the page */

/* A BCP 47-looking language tag, else "en". */
static const char *lang_tag(const char *l)
{
  size_t i;
  if (!l || !l[0] || strlen(l) > 35)
    return "en";
  for (i = 0; l[i]; i++)
    if (!((l[i] >= 'a' && l[i] <= 'z') || (l[i] >= 'A' && l[i] <= 'Z') ||
          (l[i] >= '0' && l[i] <= '9') || l[i] == '-'))
      return "en";
  return l;
}

/* The sections, in page order: anchor id, heading, body element id. */
static const struct {
  const char *id, *title, *body;
} sections[] = {
    {"summary", "Summary and risk", NULL},
    {"timeline", "Timeline", "timeline-body"},
    {"attack", "ATT&CK techniques", "attack-body"},
    {"iocs", "Observables", "iocs-body"},
    {"entities", "Actors, malware and campaigns", "entities-body"},
    {"graph", "Graph of the STIX bundle", "graph-body"},
    {"sigma", "Sigma rules", "sigma-body"},
    {"defend", "Countermeasures (D3FEND and ATT&CK mitigations)", "defend-body"},
    {"response", "Response steps", "response-body"},
    {"article", "Article", "article-body"},
};

int ctix_render_html(char **out, size_t *len, const ctix_analysis *a,
                     const ctix_render_options *opts, ctix_error *err)
{
  ctix__render_in in;
  char *json = NULL, *compact = NULL;
  size_t jlen = 0, slen = 0, clen = 0, i;
  const char *script = ctix__render_script(&slen), *style = ctix__render_style(&clen);
  const char *title;
  ctix_buf b;
  int rc;

  *out = NULL;
  *len = 0;
  if ((rc = ctix__render_in_open(&in, a, opts, CTIX__STIX_COMPACT, err)))
    return rc;
  ctix__buf_init(&b, in.opts.max_output);
  if (!in.bundle) {
    /* A caller's bundle text goes into the page as compact JSON, and must
     * be JSON; a bundle object's compact text already is. */
    json_error_t jerr;
    json_t *root = json_loadb(in.stix, in.stix_len, 0, &jerr);
    if (!root) {
      rc = ctix__error_set(err, CTIX_EINVAL, "render: the STIX bundle is not JSON: %s", jerr.text);
      goto done;
    }
    compact = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!compact) {
      rc = ctix__error_set(err, CTIX_ENOMEM, "render: out of memory");
      goto done;
    }
    in.stix = compact;
    in.stix_len = strlen(compact);
  }
  if ((rc = data_json(&json, &jlen, &in, err)))
    goto done;
  /* the page is the assets, the data and a little markup: sized once */
  reserve(&b, slen + clen + jlen + ((size_t)1 << 14));

  title = a->doc->meta.title && a->doc->meta.title[0] ? a->doc->meta.title
          : a->doc->meta.source                        ? a->doc->meta.source
                                                       : "report";
  ctix__buf_adds(&b, "<!DOCTYPE html>\n<html lang=\"");
  html_escape(&b, lang_tag(a->doc->meta.language), strlen(lang_tag(a->doc->meta.language)));
  ctix__buf_adds(&b, "\" data-theme=\"light\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                     "script-src ");
  ctix__buf_addf(&b, "'sha256-%s'; style-src 'sha256-%s'", ctix__render_script_sha256(),
                 ctix__render_style_sha256());
  ctix__buf_adds(&b, "; img-src data:; base-uri 'none'; form-action 'none'\">\n"
                     "<meta name=\"referrer\" content=\"no-referrer\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<meta name=\"generator\" content=\"ctix ");
  html_escape(&b, ctix_version(), strlen(ctix_version()));
  ctix__buf_adds(&b, "\">\n<title>");
  html_escape(&b, title, strlen(title));
  /* cytoscape.js adds a style element unless one has this id (the CSS has its rule). */
  ctix__buf_adds(&b, " - ctix report</title>\n<style id=\"__________cytoscape_stylesheet\">");
  ctix__buf_add(&b, style, clen);
  ctix__buf_adds(&b, "</style>\n</head>\n<body>\n<header class=\"top\"><h1 id=\"title\">");
  html_escape(&b, title, strlen(title));
  ctix__buf_adds(&b, "</h1><button id=\"theme\" class=\"no-print\" type=\"button\">Light / dark"
                     "</button><button id=\"print\" class=\"no-print\" type=\"button\">Print"
                     "</button></header>\n<nav class=\"toc\">");
  for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
    ctix__buf_addf(&b, "<a href=\"#%s\">", sections[i].id);
    html_escape(&b, sections[i].title, strlen(sections[i].title));
    ctix__buf_adds(&b, "</a>");
  }
  ctix__buf_adds(&b, "</nav>\n<main>\n");
  for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
    ctix__buf_addf(&b, "<section id=\"%s\"><h2>", sections[i].id);
    html_escape(&b, sections[i].title, strlen(sections[i].title));
    ctix__buf_adds(&b, "</h2>");
    if (sections[i].body)
      ctix__buf_addf(&b, "<div id=\"%s\"></div>", sections[i].body);
    else
      ctix__buf_adds(&b, "<div class=\"grid2\"><div id=\"summary-body\"></div>"
                         "<div id=\"risk-body\"></div></div>");
    if (strcmp(sections[i].id, "attack") == 0)
      ctix__buf_adds(&b, "<div id=\"evidence\" class=\"evidence hidden\" aria-live=\"polite\"></div>");
    ctix__buf_adds(&b, "</section>\n");
  }
  ctix__buf_adds(&b, "</main>\n<div id=\"toast\" class=\"toast\" role=\"status\"></div>\n"
                     "<script type=\"application/json\" id=\"ctix-data\">");
  json_for_script(&b, json, jlen);
  ctix__buf_adds(&b, "</script>\n<script>");
  ctix__buf_add(&b, script, slen);
  ctix__buf_adds(&b, "</script>\n</body>\n</html>\n");
  if (b.err) {
    if (b.err == CTIX_ETOOBIG)
      rc = ctix__error_set(err, b.err, "render: report.html over %zu bytes", in.opts.max_output);
    else
      rc = ctix__error_set(err, b.err, "render: out of memory");
    goto done;
  }
  *out = ctix__buf_detach(&b, len);

done:
  free(json);
  free(compact);
  ctix__buf_free(&b);
  ctix__render_in_close(&in);
  return rc;
}
