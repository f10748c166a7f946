/*
 * The JSON report: a small streaming JSON writer over ctix_buf and the
 * functions that lay a ctix_analysis (and a failed input) out in the schema
 * of docs/report-json.md. Members are written in a fixed order and nothing
 * depends on time or addresses, so equal analyses give equal bytes. Strings
 * are always emitted as valid UTF-8 JSON: control characters are escaped
 * and any invalid byte becomes U+FFFD, whatever the caller passes in.
 */
#include "ctix/report.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/ctix.h"
#include "ctix/respond.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/json.h"

/* Deepest nesting the report uses is 5; leave room for later stages. */
#define JW_MAX_DEPTH 32

typedef struct jw {
  ctix_buf b;
  bool pretty;
  int depth;                    /* open containers */
  bool first[JW_MAX_DEPTH];     /* no member written yet at this depth */
  int inline_from;              /* depth of the outermost one-line container, or 0 */
} jw;

static void jw_init(jw *w, unsigned flags)
{
  memset(w, 0, sizeof(*w));
  ctix__buf_init(&w->b, (size_t)-1 / 2);
  w->pretty = (flags & CTIX_REPORT_PRETTY) != 0;
}

static void jw_indent(jw *w, int depth)
{
  int i;
  ctix__buf_addc(&w->b, '\n');
  for (i = 0; i < depth; i++)
    ctix__buf_add(&w->b, "  ", 2);
}

/* Writes what goes before a member or element: comma, line break, indent. */
static void jw_sep(jw *w)
{
  bool first = w->depth > 0 ? w->first[w->depth - 1] : true;
  if (w->depth == 0)
    return;
  if (!first)
    ctix__buf_addc(&w->b, ',');
  w->first[w->depth - 1] = false;
  if (!w->pretty)
    return;
  if (w->inline_from && w->depth >= w->inline_from) {
    if (!first)
      ctix__buf_addc(&w->b, ' ');
  } else {
    jw_indent(w, w->depth);
  }
}

/*
 * Opens an object ('{') or array ('['). A one-line container keeps all it
 * holds on one line in pretty output (used for small records).
 */
static void jw_open(jw *w, char c, bool one_line)
{
  ctix__buf_addc(&w->b, c);
  if (w->depth >= JW_MAX_DEPTH) {
    /* Programming error; make the buffer fail rather than overflow. */
    ctix__buf_grow(&w->b, (size_t)-1);
    return;
  }
  w->first[w->depth++] = true;
  if (one_line && !w->inline_from)
    w->inline_from = w->depth;
}

static void jw_close(jw *w, char c)
{
  bool empty = w->depth > 0 && w->first[w->depth - 1];
  bool was_inline = w->inline_from && w->depth >= w->inline_from;
  if (w->depth == 0)
    return;
  w->depth--;
  if (w->inline_from > w->depth)
    w->inline_from = 0;
  if (w->pretty && !empty && !was_inline)
    jw_indent(w, w->depth);
  ctix__buf_addc(&w->b, c);
}

/* Member names are the writer's own ASCII literals: no escaping needed. */
static void jw_key(jw *w, const char *key)
{
  jw_sep(w);
  ctix__buf_addc(&w->b, '"');
  ctix__buf_adds(&w->b, key);
  ctix__buf_add(&w->b, w->pretty ? "\": " : "\":", w->pretty ? 3 : 2);
}

/* The value functions: call after jw_key in an object, directly in an array. */
static void jw_strn(jw *w, const char *s, size_t n)
{
  ctix__json_string(&w->b, s, n);
}

static void jw_null(jw *w)
{
  ctix__buf_add(&w->b, "null", 4);
}

static void jw_str(jw *w, const char *s)
{
  if (s)
    jw_strn(w, s, strlen(s));
  else
    jw_null(w);
}

/* Decimal digits without printf: reports hold millions of offsets. */
static void jw_uint(jw *w, uint64_t v)
{
  char d[24];
  size_t i = sizeof(d);
  do {
    d[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  ctix__buf_add(&w->b, d + i, sizeof(d) - i);
}

static void jw_bool(jw *w, bool v)
{
  if (v)
    ctix__buf_add(&w->b, "true", 4);
  else
    ctix__buf_add(&w->b, "false", 5);
}

/* Members: key plus value in one call. */
static void jw_kstr(jw *w, const char *key, const char *s)
{
  jw_key(w, key);
  jw_str(w, s);
}

static void jw_kuint(jw *w, const char *key, uint64_t v)
{
  jw_key(w, key);
  jw_uint(w, v);
}

/* A byte offset that may be unknown (CTIX_NOPOS gives null). */
static void jw_kpos(jw *w, const char *key, size_t v)
{
  jw_key(w, key);
  if (v == CTIX_NOPOS)
    jw_null(w);
  else
    jw_uint(w, v);
}

/* Hands the finished text to the caller, or reports the buffer's error. */
static int jw_finish(jw *w, char **out, size_t *len, ctix_error *err)
{
  int rc = 0;
  size_t n = 0;
  if (w->b.err || w->depth != 0) {
    rc = ctix__error_set(err, w->b.err == CTIX_ETOOBIG ? CTIX_ETOOBIG : CTIX_ENOMEM,
                         "out of memory writing the JSON report");
    ctix__buf_free(&w->b);
    return rc;
  }
  *out = ctix__buf_detach(&w->b, &n);
  if (!*out)
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory writing the JSON report");
  if (len)
    *len = n;
  return 0;
}

/* ------------------------------------------------------------- the report */

static void put_header(jw *w)
{
  jw_kstr(w, "schema_version", CTIX_REPORT_SCHEMA_VERSION);
  jw_kstr(w, "ctix_version", ctix_version());
}

static void put_metadata(jw *w, const ctix_doc_meta *m)
{
  /* The order here is the order of docs/report-json.md. */
  const struct {
    const char *key;
    const char *value;
  } fields[] = {
      {"title", m->title},
      {"author", m->author},
      {"published", m->published},
      {"canonical_url", m->canonical_url},
      {"language", m->language},
      {"site_name", m->site_name},
      {"description", m->description},
  };
  size_t i;
  jw_key(w, "metadata");
  jw_open(w, '{', false);
  for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
    jw_kstr(w, fields[i].key, fields[i].value);
  jw_close(w, '}');
}

static void put_stats(jw *w, const ctix_analysis *a)
{
  const ctix_document *d = a->doc;
  const ctix_doc_stats *s = &a->stats;
  const struct {
    const char *key;
    uint64_t value;
  } fields[] = {
      {"input_bytes", d->input_bytes},
      {"text_bytes", d->len},
      {"words", s->words},
      {"sentences", s->sentences},
      {"paragraphs", s->paragraphs},
      {"headings", s->headings},
      {"code_blocks", s->code_blocks},
      {"table_rows", s->table_rows},
      {"blocks", d->nblocks},
      {"sections", d->nsections},
      {"links", d->nlinks},
      {"pages", d->npages},
      {"utf8_replaced", d->utf8_replaced},
      {"diagnostics", d->ndiags},
  };
  size_t i;
  jw_key(w, "stats");
  jw_open(w, '{', false);
  for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
    jw_kuint(w, fields[i].key, fields[i].value);
  jw_close(w, '}');
}

/* The text of span `sp`, or NULL when it is empty or outside the text. */
static void put_span_text(jw *w, const ctix_document *d, ctix_span sp)
{
  if (sp.end > sp.start && sp.end <= d->len)
    jw_strn(w, d->text + sp.start, sp.end - sp.start);
  else
    jw_null(w);
}

static void put_sections(jw *w, const ctix_document *d)
{
  size_t i;
  jw_key(w, "sections");
  jw_open(w, '[', false);
  for (i = 0; i < d->nsections; i++) {
    const ctix_section *s = &d->sections[i];
    jw_sep(w);
    jw_open(w, '{', true);
    jw_key(w, "heading");
    put_span_text(w, d, s->heading);
    jw_kuint(w, "start", s->heading.start);
    jw_kuint(w, "end", s->heading.end);
    jw_kuint(w, "level", s->level);
    jw_key(w, "parent");
    if (s->parent < 0)
      jw_null(w);
    else
      jw_uint(w, (uint64_t)s->parent);
    jw_kuint(w, "first_block", s->first_block);
    jw_kuint(w, "nblocks", s->nblocks);
    jw_close(w, '}');
  }
  jw_close(w, ']');
}

static void put_blocks(jw *w, const ctix_document *d)
{
  size_t i;
  jw_key(w, "blocks");
  jw_open(w, '[', false);
  for (i = 0; i < d->nblocks; i++) {
    const ctix_block *b = &d->blocks[i];
    jw_sep(w);
    jw_open(w, '{', true);
    jw_kstr(w, "kind", ctix_block_kind_name(b->kind));
    jw_kuint(w, "level", b->level);
    jw_kuint(w, "section", b->section);
    jw_key(w, "page");
    if (b->page)
      jw_uint(w, b->page);
    else
      jw_null(w);
    jw_kuint(w, "start", b->span.start);
    jw_kuint(w, "end", b->span.end);
    jw_kuint(w, "first_sentence", b->first_sentence);
    jw_kuint(w, "nsentences", b->nsentences);
    jw_close(w, '}');
  }
  jw_close(w, ']');
}

static void put_sentences(jw *w, const ctix_document *d)
{
  size_t i;
  jw_key(w, "sentences");
  jw_open(w, '[', false);
  for (i = 0; i < d->nsentences; i++) {
    const ctix_sentence *s = &d->sentences[i];
    jw_sep(w);
    jw_open(w, '{', true);
    jw_kuint(w, "start", s->span.start);
    jw_kuint(w, "end", s->span.end);
    jw_kuint(w, "block", s->block);
    jw_close(w, '}');
  }
  jw_close(w, ']');
}

static void put_links(jw *w, const ctix_document *d)
{
  size_t i;
  jw_key(w, "links");
  jw_open(w, '[', false);
  for (i = 0; i < d->nlinks; i++) {
    const ctix_link *l = &d->links[i];
    jw_sep(w);
    jw_open(w, '{', true);
    jw_kuint(w, "start", l->span.start);
    jw_kuint(w, "end", l->span.end);
    jw_kstr(w, "href", l->href);
    jw_close(w, '}');
  }
  jw_close(w, ']');
}

static void put_document(jw *w, const ctix_document *d, unsigned flags)
{
  jw_key(w, "document");
  jw_open(w, '{', false);
  if (!(flags & CTIX_REPORT_NO_TEXT)) {
    jw_key(w, "text");
    jw_strn(w, d->text ? d->text : "", d->text ? d->len : 0);
  }
  put_sections(w, d);
  put_blocks(w, d);
  put_sentences(w, d);
  put_links(w, d);
  jw_close(w, '}');
}

static void put_diagnostics(jw *w, const ctix_document *d)
{
  size_t i;
  jw_key(w, "diagnostics");
  jw_open(w, '[', false);
  for (i = 0; i < d->ndiags; i++) {
    const ctix_diag *g = &d->diags[i];
    jw_sep(w);
    jw_open(w, '{', true);
    jw_kstr(w, "code", ctix_error_name(g->code));
    jw_kpos(w, "offset", g->offset);
    jw_kstr(w, "message", g->message);
    jw_close(w, '}');
  }
  jw_close(w, ']');
}

/*
 * The "bidi" member of an observable whose value holds bidirectional
 * controls (ctix_ioc_bidi_read): whether it displays reordered (spoofed),
 * how it displays, the controls, and the technique that is evidence of
 * (null when not reordered). Nothing for other values; a failure to
 * allocate makes the buffer fail.
 */
static void put_ioc_bidi(jw *w, const char *value)
{
  ctix_ioc_bidi bi;
  unsigned i;
  if (ctix_ioc_bidi_read(&bi, value, strlen(value), NULL)) {
    ctix__buf_grow(&w->b, (size_t)-1);
  } else if (bi.count) {
    jw_key(w, "bidi");
    jw_open(w, '{', true);
    jw_key(w, "spoofed");
    jw_bool(w, bi.reordered);
    jw_key(w, "display");
    jw_strn(w, bi.display, bi.display_len);
    jw_key(w, "controls");
    jw_open(w, '[', true);
    for (i = 0; i < CTIX_IOC_BIDI_NCONTROLS; i++)
      if (bi.controls & (1u << i)) {
        jw_sep(w);
        jw_str(w, ctix_ioc_bidi_code(i));
      }
    jw_close(w, ']');
    jw_kstr(w, "technique", bi.reordered ? CTIX_IOC_BIDI_TECHNIQUE : NULL);
    jw_close(w, '}');
  }
  ctix_ioc_bidi_clear(&bi);
}

/*
 * The observables of the "iocs" stage, in order of first occurrence, every
 * status kept (benign and rejected ones carry their reason), with "bidi"
 * for a value holding bidirectional controls (schema 1.3).
 */
static void put_iocs(jw *w, const ctix_ioc_list *l)
{
  size_t i;
  jw_key(w, "iocs");
  jw_open(w, '[', false);
  for (i = 0; l && i < l->nitems; i++) {
    const ctix_ioc *it = &l->items[i];
    jw_sep(w);
    jw_open(w, '{', true);
    jw_kstr(w, "type", ctix_ioc_type_name(it->type));
    jw_kstr(w, "value", it->value);
    jw_kstr(w, "original", it->original);
    jw_kstr(w, "status", ctix_ioc_status_name(it->status));
    jw_kstr(w, "reason", it->reason);
    jw_key(w, "defanged");
    jw_bool(w, it->defanged);
    jw_kuint(w, "start", it->span.start);
    jw_kuint(w, "end", it->span.end);
    jw_kuint(w, "hits", it->nhits);
    if (ctix__json_plain_prefix(it->value, strlen(it->value)) != strlen(it->value))
      put_ioc_bidi(w, it->value);
    jw_close(w, '}');
  }
  jw_close(w, ']');
}

/* A float in [0, 1] with three decimals, written the same on every machine. */
static void jw_conf(jw *w, const char *key, double v)
{
  char num[48];
  long milli;
  if (!(v >= 0))
    v = 0;
  if (v > 1)
    v = 1;
  milli = (long)(v * 1000.0 + 0.5);
  snprintf(num, sizeof(num), "%ld.%03ld", milli / 1000, milli % 1000);
  jw_key(w, key);
  ctix__buf_add(&w->b, num, strlen(num));
}

/* The signal bits of a technique or its evidence, as names. */
static void put_signals(jw *w, unsigned signals)
{
  static const struct {
    unsigned bit;
    const char *name;
  } names[] = {{CTIX_TTP_SIG_ID, "id"},
               {CTIX_TTP_SIG_NAME, "name"},
               {CTIX_TTP_SIG_CUE, "cue"},
               {CTIX_TTP_SIG_MODEL, "model"},
               {CTIX_TTP_SIG_SOFTWARE, "software"}};
  size_t i;
  jw_key(w, "signals");
  jw_open(w, '[', true);
  for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    if (signals & names[i].bit) {
      jw_sep(w);
      jw_str(w, names[i].name);
    }
  jw_close(w, ']');
}

/*
 * The techniques of the "techniques" stage, by decreasing confidence, each
 * with its ATT&CK domain, tactics, status, runner-up and evidence
 * sentences (offsets into document.text and what fired there).
 */
static void put_techniques(jw *w, const ctix_ttp_list *l, const ctix_document *d)
{
  size_t i, j, k;
  jw_key(w, "techniques");
  jw_open(w, '[', false);
  for (i = 0; l && i < l->count; i++) {
    const ctix_ttp_hit *h = &l->items[i];
    jw_sep(w);
    jw_open(w, '{', false);
    jw_kstr(w, "id", h->id);
    jw_kstr(w, "name", h->name);
    jw_kstr(w, "parent_name", h->parent_name);
    jw_kstr(w, "domain", ctix_kb_domain_name(ctix_kb_domain_first(h->domain)));
    jw_key(w, "tactics");
    jw_open(w, '[', true);
    for (j = 0; j < h->ntactics; j++) {
      jw_sep(w);
      jw_str(w, h->tactics[j]);
    }
    jw_close(w, ']');
    jw_conf(w, "confidence", h->confidence);
    jw_kstr(w, "status", ctix_ttp_status_name(h->status));
    put_signals(w, h->signals);
    jw_kstr(w, "runner_up", h->runner_up);
    if (h->runner_up)
      jw_conf(w, "runner_up_confidence", h->runner_up_confidence);
    jw_key(w, "evidence");
    jw_open(w, '[', false);
    for (j = 0; j < h->nevidence; j++) {
      const ctix_ttp_evidence *e = &h->evidence[j];
      jw_sep(w);
      jw_open(w, '{', true);
      jw_kuint(w, "sentence", e->sentence);
      jw_kuint(w, "start", e->start);
      jw_kuint(w, "end", e->end);
      jw_key(w, "text");
      put_span_text(w, d, (ctix_span){e->start, e->end});
      jw_conf(w, "score", e->score);
      jw_kstr(w, "status", ctix_ttp_status_name(e->status));
      put_signals(w, e->signals);
      jw_key(w, "why");
      jw_open(w, '[', true);
      for (k = 0; k < e->nwhy; k++) {
        jw_sep(w);
        jw_str(w, e->why[k]);
      }
      jw_close(w, ']');
      jw_close(w, '}');
    }
    jw_close(w, ']');
    jw_close(w, '}');
  }
  jw_close(w, ']');
}

/* A number with one decimal (risk points), the same on every machine. */
static void jw_points(jw *w, const char *key, double v)
{
  char num[32];
  long tenths = (long)(v * 10.0 + (v < 0 ? -0.5 : 0.5));
  snprintf(num, sizeof(num), "%s%ld.%ld", tenths < 0 ? "-" : "", labs(tenths) / 10,
           labs(tenths) % 10);
  jw_key(w, key);
  ctix__buf_add(&w->b, num, strlen(num));
}

/* An array of strings as one line. */
static void jw_kstrs(jw *w, const char *key, const char *const *v, size_t n)
{
  size_t i;
  jw_key(w, key);
  jw_open(w, '[', true);
  for (i = 0; i < n; i++) {
    jw_sep(w);
    jw_str(w, v[i]);
  }
  jw_close(w, ']');
}

/*
 * The "entities" stage: groups, malware, tools, campaigns, vulnerabilities,
 * victims, sectors and places, each with its mentions.
 */
static void put_entities(jw *w, const ctix_entity_list *l)
{
  size_t i, j;
  jw_key(w, "entities");
  jw_open(w, '[', false);
  for (i = 0; l && i < l->count; i++) {
    const ctix_entity *e = &l->items[i];
    jw_sep(w);
    jw_open(w, '{', false);
    jw_kstr(w, "kind", ctix_entity_kind_name(e->kind));
    jw_kstr(w, "name", e->name);
    jw_kstr(w, "id", e->id);
    jw_kstr(w, "stix_id", e->stix_id);
    jw_key(w, "known");
    jw_bool(w, e->known);
    jw_conf(w, "confidence", e->confidence);
    jw_kstr(w, "role", e->role);
    jw_kstr(w, "evidence", e->evidence);
    if (e->kind == CTIX_ENTITY_VULNERABILITY) {
      jw_key(w, "kev");
      jw_bool(w, e->kev);
      jw_kstr(w, "kev_date_added", e->kev_date_added);
      jw_kstr(w, "kev_due_date", e->kev_due_date);
      jw_key(w, "kev_ransomware");
      jw_bool(w, e->kev_ransomware);
      jw_kstr(w, "vendor", e->vendor);
      jw_kstr(w, "product", e->product);
    }
    jw_key(w, "mentions");
    jw_open(w, '[', false);
    for (j = 0; j < e->nmentions; j++) {
      const ctix_entity_mention *m = &e->mentions[j];
      jw_sep(w);
      jw_open(w, '{', true);
      jw_kuint(w, "start", m->start);
      jw_kuint(w, "end", m->end);
      jw_kuint(w, "sentence", m->sentence);
      jw_kstr(w, "alias", m->alias);
      jw_close(w, '}');
    }
    jw_close(w, ']');
    jw_close(w, '}');
  }
  jw_close(w, ']');
}

/* The "assessment" stage: timeline, resemblance candidates, risk. */
static void put_assessment(jw *w, const ctix_assessment *a)
{
  size_t i;
  jw_key(w, "timeline");
  jw_open(w, '[', false);
  for (i = 0; a && i < a->nevents; i++) {
    const ctix_event *e = &a->events[i];
    jw_sep(w);
    jw_open(w, '{', true);
    jw_kstr(w, "date", e->date);
    jw_kstr(w, "precision", e->precision);
    jw_kstr(w, "what", e->what);
    jw_kstr(w, "expression", e->expression);
    jw_key(w, "relative");
    jw_bool(w, e->relative);
    jw_kuint(w, "start", e->start);
    jw_kuint(w, "end", e->end);
    jw_kuint(w, "sentence", e->sentence);
    jw_close(w, '}');
  }
  jw_close(w, ']');
  jw_key(w, "resembles");
  jw_open(w, '[', false);
  for (i = 0; a && i < a->nresemblances; i++) {
    const ctix_resemblance *r = &a->resemblances[i];
    jw_sep(w);
    jw_open(w, '{', false);
    jw_kstr(w, "kind", ctix_kb_kind_name(r->kind));
    jw_kstr(w, "id", r->id);
    jw_kstr(w, "name", r->name);
    jw_kstr(w, "stix_id", r->stix_id);
    jw_conf(w, "score", r->score);
    jw_kstrs(w, "shared_techniques", r->shared_techniques, r->nshared_techniques);
    jw_kstrs(w, "shared_software", r->shared_software, r->nshared_software);
    jw_close(w, '}');
  }
  jw_close(w, ']');
  jw_key(w, "risk");
  jw_open(w, '{', false);
  if (a) {
    jw_kuint(w, "score", (uint64_t)(a->risk_score < 0 ? 0 : a->risk_score));
    jw_kstr(w, "level", a->risk_level);
  } else {
    jw_key(w, "score");
    jw_null(w);
    jw_kstr(w, "level", NULL);
  }
  jw_key(w, "factors");
  jw_open(w, '[', false);
  for (i = 0; a && i < a->nfactors; i++) {
    const ctix_risk_factor *f = &a->factors[i];
    jw_sep(w);
    jw_open(w, '{', true);
    jw_kstr(w, "key", f->key);
    jw_kstr(w, "label", f->label);
    jw_points(w, "points", f->contribution);
    jw_kstr(w, "evidence", f->evidence);
    jw_close(w, '}');
  }
  jw_close(w, ']');
  jw_close(w, '}');
}

/*
 * The "response" stage: the Sigma rules of the package (their YAML is in
 * the sigma/ folder of the output), the ranked countermeasures and the
 * response steps by phase.
 */
static void put_response(jw *w, const ctix_response *r)
{
  size_t i;
  jw_key(w, "detections");
  jw_open(w, '[', false);
  for (i = 0; r && i < r->nrules; i++) {
    const ctix_response_rule *x = &r->rules[i];
    jw_sep(w);
    jw_open(w, '{', true);
    jw_kstr(w, "id", x->id);
    jw_kstr(w, "title", x->title);
    jw_kstr(w, "origin", x->origin);
    jw_kstr(w, "file", x->file_name);
    jw_kstr(w, "level", x->level);
    jw_kstrs(w, "techniques", x->techniques, x->ntechniques);
    jw_kstr(w, "source_path", x->source_path);
    jw_close(w, '}');
  }
  jw_close(w, ']');
  jw_key(w, "countermeasures");
  jw_open(w, '[', false);
  for (i = 0; r && i < r->ncountermeasures; i++) {
    const ctix_countermeasure *c = &r->countermeasures[i];
    jw_sep(w);
    jw_open(w, '{', true);
    jw_kstr(w, "id", c->id);
    jw_kstr(w, "name", c->name);
    jw_kstr(w, "tactic", c->tactic);
    jw_kstrs(w, "covers", c->covers, c->ncovers);
    jw_close(w, '}');
  }
  jw_close(w, ']');
  jw_key(w, "response_steps");
  jw_open(w, '[', false);
  for (i = 0; r && i < r->nsteps; i++) {
    const ctix_response_step *st = &r->steps[i];
    jw_sep(w);
    jw_open(w, '{', true);
    jw_kstr(w, "phase", st->phase);
    jw_kstr(w, "key", st->key);
    jw_kstr(w, "text", st->text);
    jw_kstrs(w, "because", st->because, st->nbecause);
    jw_close(w, '}');
  }
  jw_close(w, ']');
}

int ctix_report_json(char **out, size_t *len, const ctix_analysis *a, unsigned flags,
                     ctix_error *err)
{
  jw w;
  *out = NULL;
  if (len)
    *len = 0;
  if (!a || !a->doc)
    return ctix__error_set(err, CTIX_EINVAL, "no analysis to write");
  jw_init(&w, flags);
  jw_open(&w, '{', false);
  put_header(&w);
  jw_kstr(&w, "id", a->id);
  jw_kstr(&w, "source", a->doc->meta.source);
  jw_kstr(&w, "format", ctix_format_name(a->doc->format));
  put_metadata(&w, &a->doc->meta);
  put_stats(&w, a);
  put_document(&w, a->doc, flags);
  put_diagnostics(&w, a->doc);
  put_iocs(&w, a->iocs);
  put_techniques(&w, a->techniques, a->doc);
  put_entities(&w, a->entities);
  put_assessment(&w, a->assessment);
  put_response(&w, a->response);
  /* Later stages add their members here (see docs/report-json.md). */
  jw_close(&w, '}');
  return jw_finish(&w, out, len, err);
}

int ctix_report_json_error(char **out, size_t *len, const char *id, const ctix_error *failure,
                           unsigned flags, ctix_error *err)
{
  jw w;
  *out = NULL;
  if (len)
    *len = 0;
  if (!failure)
    return ctix__error_set(err, CTIX_EINVAL, "no error to write");
  jw_init(&w, flags);
  jw_open(&w, '{', false);
  put_header(&w);
  jw_kstr(&w, "id", id);
  jw_key(&w, "error");
  jw_open(&w, '{', false);
  jw_kstr(&w, "code", ctix_error_name(failure->code));
  jw_kstr(&w, "message", failure->message);
  jw_kstr(&w, "source", failure->source[0] ? failure->source : NULL);
  jw_key(&w, "line");
  if (failure->line)
    jw_uint(&w, failure->line);
  else
    jw_null(&w);
  jw_key(&w, "column");
  if (failure->column)
    jw_uint(&w, failure->column);
  else
    jw_null(&w);
  jw_kpos(&w, "offset", failure->offset);
  jw_close(&w, '}');
  jw_close(&w, '}');
  return jw_finish(&w, out, len, err);
}
