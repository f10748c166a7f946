/*
 * The ATT&CK Navigator layer (layer.json, layer format 4.5) of an analysis:
 * one technique entry per (technique, tactic) pair of one ATT&CK matrix
 * (Enterprise by default; Mobile and ICS on request, each its own layer,
 * as the Navigator shows one domain per layer), scored by confidence
 * (0-100, coloured by the layer's gradient),
 * with the first evidence sentence as comment and status, signals and
 * further evidence as metadata. Techniques the text only mentions as
 * potential (negated, hypothetical, advice) stay in the layer but are
 * disabled, so the Navigator greys them out. Techniques outside the
 * layer's matrix are named in the layer's metadata rather than dropped:
 * those of another domain as in that domain's layer, unknown ids as
 * outside the matrix. Layer metadata and links name the source
 * (title, URL, published date) and the ctix and ATT&CK versions.
 *
 * Entries are sorted by technique id, then tactic in matrix order; nothing
 * depends on time or addresses, so the same analysis gives the same bytes.
 * docs/navigator-misp-csv.md describes the layout.
 */
#include "ctix/export.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/ctix.h"
#include "export/jsonw.h"
#include "export/layers_internal.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/str.h"

#define NAV_MAX_OUT ((size_t)1 << 30)
#define NAV_MAX_TACTICS 16
#define COMMENT_MAX 300
#define META_MAX 200

/* The gradient: white (score 0) to red (score 100), as in the Navigator's own heat maps. */
static const char *const gradient_colors[] = {"#ffffffff", "#ff6666ff"};

/* One technique of the layer with its tactics (the domain's shortnames, matrix order). */
typedef struct nav_tech {
  const ctix_ttp_hit *hit;
  size_t index;                       /* position in the technique list (tie break) */
  const char *tactics[NAV_MAX_TACTICS];
  size_t ntactics;
  bool show_subs;                     /* a parent whose sub-techniques are in the layer */
} nav_tech;

static int tech_cmp(const void *pa, const void *pb)
{
  const nav_tech *a = pa, *b = pb;
  int c = strcmp(a->hit->id, b->hit->id);
  if (c)
    return c;
  return a->index < b->index ? -1 : a->index > b->index;
}

/* Score 0-100 from a confidence 0-1 (NaN gives 0). */
static int score_of(float conf)
{
  double v = (double)conf * 100.0;
  if (!(v > 0.0))
    return 0;
  if (v >= 100.0)
    return 100;
  return (int)lround(v);
}

/* True when `shortname` is a tactic of domain `bit` in the knowledge base. */
static bool domain_tactic(const ctix_kb *kb, const char *shortname, unsigned bit)
{
  ctix_kb_ref first, r;
  size_t n = ctix_kb_range(kb, CTIX_KB_TACTIC, &first), i;
  for (i = 0; i < n; i++) {
    ctix_kb_obj o;
    r = first + (ctix_kb_ref)i;
    if (ctix_kb_get(kb, r, &o) == 0 && (o.domains & bit) && strcmp(o.shortname, shortname) == 0)
      return true;
  }
  return false;
}

/*
 * Places one technique: true when it belongs in the layer of domain `bit`
 * (its tactics filled from the knowledge base, or from the hit when the
 * base does not list them); false when it is outside that matrix.
 * Without a knowledge base the hit's own domain decides, without tactic.
 */
static bool place(nav_tech *t, const ctix_kb *kb, unsigned bit)
{
  ctix_kb_ref ref;
  ctix_kb_obj o;
  size_t first, n, i;
  t->ntactics = 0;
  if (!kb)
    return ctix__x_domain_of(t->hit->domain)->bit == bit;
  if (ctix_kb_find_id(kb, t->hit->id, strlen(t->hit->id), &ref) != 0 ||
      ctix_kb_get(kb, ref, &o) != 0 || o.kind != CTIX_KB_TECHNIQUE || !(o.domains & bit))
    return false;
  n = ctix_kb_edges(kb, ref, CTIX_KB_REL_TACTIC, CTIX_KB_TACTIC, &first);
  for (i = 0; i < n && t->ntactics < NAV_MAX_TACTICS; i++) {
    ctix_kb_obj to;
    if (ctix_kb_get(kb, ctix_kb_edge_target(kb, first + i), &to) == 0 &&
        (to.domains & bit) && to.shortname[0])
      t->tactics[t->ntactics++] = to.shortname;
  }
  for (i = 0; t->ntactics == 0 && i < t->hit->ntactics && i < NAV_MAX_TACTICS; i++) {
    const char *s = t->hit->tactics[i];
    if (s && s[0] && domain_tactic(kb, s, bit))
      t->tactics[t->ntactics++] = s;
  }
  return true;
}

static bool valid_tid(const char *id);

/*
 * The ATT&CK domain whose layer holds a technique this layer leaves out:
 * the knowledge base's (its first domain), or without a base the hit's;
 * 0 when the id is none the base knows as a technique (in no layer).
 */
static unsigned other_domain(const ctix_ttp_hit *h, const ctix_kb *kb)
{
  ctix_kb_ref ref;
  ctix_kb_obj o;
  if (!h->id || !valid_tid(h->id))
    return 0;
  if (!kb)
    return ctix_kb_domain_first(h->domain);
  if (ctix_kb_find_id(kb, h->id, strlen(h->id), &ref) != 0 || ctix_kb_get(kb, ref, &o) != 0 ||
      o.kind != CTIX_KB_TECHNIQUE ||
      !(o.domains & (CTIX_KB_ENTERPRISE | CTIX_KB_MOBILE | CTIX_KB_ICS)))
    return 0;
  return ctix_kb_domain_first(o.domains);
}

/* The techniques a layer leaves out, by where they are: another domain's layer or none. */
typedef struct nav_out {
  ctix_buf ids[4];   /* per ctix__x_domains entry, then "in no layer" */
  size_t n[4];
} nav_out;

/* Names technique h (the first 50 of its group; the count says how many). */
static void out_add(nav_out *no, const ctix_ttp_hit *h, const ctix_kb *kb)
{
  unsigned d = other_domain(h, kb);
  size_t g = ctix__x_ndomains, k;
  for (k = 0; d && k < ctix__x_ndomains; k++)
    if (ctix__x_domains[k].bit == d)
      g = k;
  if (no->n[g] < 50) {
    if (no->ids[g].len)
      ctix__buf_add(&no->ids[g], ", ", 2);
    ctix__x_oneline(&no->ids[g], h->id ? h->id : "(no id)", h->id ? strlen(h->id) : 7, 24);
  }
  no->n[g]++;
}

/*
 * The layer's "left out" text: "2 in the ICS layer: T0883, T0885; 1 not in
 * the Enterprise matrix: T9999.999" (groups of the layer's own domain
 * cannot occur: those techniques are in it).
 */
static void out_text(ctix_buf *b, const nav_out *no, const ctix__x_domain *dom)
{
  size_t g;
  for (g = 0; g <= ctix__x_ndomains; g++) {
    if (!no->n[g])
      continue;
    if (b->len)
      ctix__buf_adds(b, "; ");
    if (g < ctix__x_ndomains)
      ctix__buf_addf(b, "%zu in the %s layer: ", no->n[g],
                     ctix_kb_domain_label(ctix__x_domains[g].bit));
    else
      ctix__buf_addf(b, "%zu not in the %s matrix: ", no->n[g], ctix_kb_domain_label(dom->bit));
    ctix__buf_add(b, no->ids[g].data, no->ids[g].len);
    if (no->n[g] > 50)
      ctix__buf_adds(b, ", ...");
  }
}

/* "observed", "potential", "implied" (as ctix_ttp_status_name; kept here so the
 * writer needs nothing from the mapper). */
static const char *status_name(ctix_ttp_status st)
{
  switch (st) {
  case CTIX_TTP_OBSERVED: return "observed";
  case CTIX_TTP_POTENTIAL: return "potential";
  case CTIX_TTP_IMPLIED: return "implied";
  }
  return "unknown";
}

/* "id, name, cue, model, software" from CTIX_TTP_SIG_* bits. */
static void signal_names(ctix_buf *b, unsigned sig)
{
  static const struct {
    unsigned bit;
    const char *name;
  } names[] = {{CTIX_TTP_SIG_ID, "id"},
               {CTIX_TTP_SIG_NAME, "name"},
               {CTIX_TTP_SIG_CUE, "cue"},
               {CTIX_TTP_SIG_MODEL, "model"},
               {CTIX_TTP_SIG_SOFTWARE, "software"}};
  size_t i, start = b->len;
  for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    if (sig & names[i].bit) {
      if (b->len > start)
        ctix__buf_add(b, ", ", 2);
      ctix__buf_adds(b, names[i].name);
    }
}

/* A {name, value} metadata entry; skipped when the value is empty (the Navigator drops those). */
static void meta_entry(ctix__jsonw *w, const char *name, const char *value, size_t n)
{
  if (!value || n == 0)
    return;
  ctix__jsonw_object_inline(w);
  ctix__jsonw_kstr(w, "name", name);
  ctix__jsonw_kstrn(w, "value", value, n);
  ctix__jsonw_end(w);
}

/* A metadata entry from free text, flattened to one line of at most META_MAX bytes. */
static void meta_text(ctix__jsonw *w, ctix_buf *tmp, const char *name, const char *s)
{
  if (!s)
    return;
  ctix__buf_reset(tmp);
  ctix__x_oneline(tmp, s, strlen(s), META_MAX);
  meta_entry(w, name, tmp->data, tmp->len);
}

/* The technique's metadata: status, confidence, signals, cues, runner-up, more evidence. */
static void tech_metadata(ctix__jsonw *w, ctix_buf *tmp, const ctix_analysis *a,
                          const ctix_ttp_hit *h)
{
  char num[64];
  size_t i;
  ctix__jsonw_key(w, "metadata");
  ctix__jsonw_array(w);
  meta_text(w, tmp, "status", status_name(h->status));
  snprintf(num, sizeof(num), "%.2f", isnan(h->confidence) ? 0.0 : (double)h->confidence);
  meta_text(w, tmp, "confidence", num);
  ctix__buf_reset(tmp);
  signal_names(tmp, h->signals);
  meta_entry(w, "signals", tmp->data, tmp->len);
  if (h->nevidence > 0 && h->evidence[0].nwhy > 0) {
    const ctix_ttp_evidence *ev = &h->evidence[0];
    ctix_buf why = CTIX_BUF_INIT(4096);
    for (i = 0; i < ev->nwhy && why.len < META_MAX; i++) {
      if (!ev->why[i] || !ev->why[i][0])
        continue;
      if (why.len)
        ctix__buf_add(&why, "; ", 2);
      ctix__buf_adds(&why, ev->why[i]);
    }
    meta_text(w, tmp, "why", why.data);
    ctix__buf_free(&why);
  }
  if (h->runner_up && h->runner_up[0]) {
    snprintf(num, sizeof(num), "%.40s (%.2f)", h->runner_up,
             isnan(h->runner_up_confidence) ? 0.0 : (double)h->runner_up_confidence);
    meta_text(w, tmp, "runner-up", num);
  }
  if (h->nevidence > 1) {
    ctix__jsonw_object_inline(w);
    ctix__jsonw_kbool(w, "divider", true);
    ctix__jsonw_end(w);
  }
  for (i = 1; i < h->nevidence; i++) {
    char name[32];
    snprintf(name, sizeof(name), "evidence %zu", i + 1);
    ctix__buf_reset(tmp);
    ctix__x_evidence(tmp, a, &h->evidence[i], META_MAX);
    meta_entry(w, name, tmp->data, tmp->len);
  }
  ctix__jsonw_end(w);
}

/* One technique entry for one tactic (tactic NULL: every tactic of the technique). */
static void write_tech(ctix__jsonw *w, ctix_buf *tmp, const ctix_analysis *a, const ctix__xopts *x,
                       const nav_tech *t, const char *tactic)
{
  const ctix_ttp_hit *h = t->hit;
  ctix__jsonw_object(w);
  ctix__jsonw_kstr(w, "techniqueID", h->id);
  if (tactic)
    ctix__jsonw_kstr(w, "tactic", tactic);
  ctix__jsonw_kint(w, "score", score_of(h->confidence));
  ctix__buf_reset(tmp);
  if (h->nevidence > 0)
    ctix__x_evidence(tmp, a, &h->evidence[0], COMMENT_MAX);
  if (tmp->len)
    ctix__jsonw_kstrn(w, "comment", tmp->data, tmp->len);
  ctix__jsonw_kbool(w, "enabled", h->status != CTIX_TTP_POTENTIAL);
  tech_metadata(w, tmp, a, h);
  if (x->kb) {
    ctix_kb_ref ref;
    char url[256];
    if (ctix_kb_find_id(x->kb, h->id, strlen(h->id), &ref) == 0 &&
        ctix_kb_url(url, sizeof(url), x->kb, ref)[0]) {
      ctix__jsonw_key(w, "links");
      ctix__jsonw_array(w);
      ctix__jsonw_object_inline(w);
      ctix__jsonw_kstr(w, "label", "ATT&CK");
      ctix__jsonw_kstr(w, "url", url);
      ctix__jsonw_end(w);
      ctix__jsonw_end(w);
    }
  }
  if (t->show_subs)
    ctix__jsonw_kbool(w, "showSubtechniques", true);
  ctix__jsonw_end(w);
}

/* True when `id` is a technique id the Navigator accepts: T#### or T####.###. */
static bool valid_tid(const char *id)
{
  size_t i;
  if (!id || id[0] != 'T')
    return false;
  for (i = 1; i <= 4; i++)
    if (!ctix__isdigit((unsigned char)id[i]))
      return false;
  if (id[5] == '\0')
    return true;
  if (id[5] != '.')
    return false;
  for (i = 6; i <= 8; i++)
    if (!ctix__isdigit((unsigned char)id[i]))
      return false;
  return id[9] == '\0';
}

/* The layer's name: "ctix: <title>" (or the document's source), "(ICS)" after it for ICS. */
static void layer_name(ctix_buf *b, const ctix_analysis *a, const ctix__x_domain *dom)
{
  const ctix_document *d = a->doc;
  const char *t = d && d->meta.title && d->meta.title[0] ? d->meta.title
                  : a->id && a->id[0]                     ? a->id
                  : d && d->meta.source                   ? d->meta.source
                                                          : NULL;
  size_t start;
  ctix__buf_adds(b, "ctix: ");
  start = b->len;
  if (t)
    ctix__x_oneline(b, t, strlen(t), 120);
  if (b->len == start)
    ctix__buf_adds(b, "ATT&CK techniques");
  if (dom->bit != CTIX_KB_ENTERPRISE)
    ctix__buf_addf(b, " (%s)", ctix_kb_domain_label(dom->bit));
}

int ctix_export_navigator(char **out, size_t *len, const ctix_analysis *a,
                          const ctix_export_options *opts, ctix_error *err)
{
  return ctix_export_navigator_domain(out, len, a, CTIX_KB_ENTERPRISE, opts, err);
}

int ctix_export_count_domain(size_t *count, const ctix_analysis *a, unsigned domain)
{
  size_t i;
  if (!count || !a || ctix__x_domain_of(domain)->bit != domain)
    return CTIX_EINVAL;
  *count = 0;
  for (i = 0; a->techniques && i < a->techniques->count; i++)
    if (ctix__x_domain_of(a->techniques->items[i].domain)->bit == domain)
      (*count)++;
  return 0;
}

int ctix_export_navigator_domain(char **out, size_t *len, const ctix_analysis *a, unsigned domain,
                                 const ctix_export_options *opts, ctix_error *err)
{
  const ctix__x_domain *dom = ctix__x_domain_of(domain);
  ctix__jsonw w;
  ctix__xopts x;
  ctix_buf techs = CTIX_BUF_INIT((size_t)1 << 30), tmp = CTIX_BUF_INIT((size_t)1 << 20);
  nav_out no;
  const ctix_ttp_list *tl;
  const ctix_document *d;
  nav_tech *v;
  size_t i, j, nt;
  bool oom = false;
  char attack[16] = "18", date[11];
  int rc = 0;
  ctix__jsonw_init_max(&w, true, NAV_MAX_OUT);
  memset(&no, 0, sizeof(no));
  for (i = 0; i < sizeof(no.ids) / sizeof(no.ids[0]); i++)
    ctix__buf_init(&no.ids[i], (size_t)1 << 20);
  if (out)
    *out = NULL;
  if (len)
    *len = 0;
  if (!out || !len || !a) {
    rc = ctix__error_set(err, CTIX_EINVAL, "navigator export: missing argument");
    goto done;
  }
  if (dom->bit != domain) {
    rc = ctix__error_set(err, CTIX_EINVAL, "navigator export: unknown ATT&CK domain %u", domain);
    goto done;
  }
  if ((rc = ctix__xopts_resolve(&x, opts, a, err)) != 0)
    goto done;
  d = a->doc;
  tl = a->techniques;

  /* Collect the techniques of the domain's matrix; name the others. */
  for (i = 0; tl && i < tl->count; i++) {
    nav_tech t;
    memset(&t, 0, sizeof(t));
    t.hit = &tl->items[i];
    t.index = i;
    if (!t.hit->id || !valid_tid(t.hit->id) || !place(&t, x.kb, dom->bit)) {
      out_add(&no, t.hit, x.kb); /* named in the layer's metadata */
      continue;
    }
    ctix__buf_push(&techs, &t, sizeof(t));
  }
  for (i = 0; i < sizeof(no.ids) / sizeof(no.ids[0]); i++)
    oom |= no.ids[i].err != 0;
  if (techs.err || oom) {
    rc = ctix__error_set(err, CTIX_ENOMEM, "navigator export: out of memory");
    goto done;
  }
  nt = CTIX__BUF_COUNT(&techs, nav_tech);
  v = nt ? &CTIX__BUF_AT(&techs, nav_tech, 0) : NULL;
  if (nt > 1)
    qsort(v, nt, sizeof(*v), tech_cmp);
  /* A parent shows its sub-techniques when one of them is in the layer. */
  for (i = 0; i + 1 < nt; i++) {
    size_t pl = strlen(v[i].hit->id);
    if (strchr(v[i].hit->id, '.'))
      continue;
    for (j = i + 1; j < nt && strncmp(v[j].hit->id, v[i].hit->id, pl) == 0; j++)
      if (v[j].hit->id[pl] == '.')
        v[i].show_subs = true;
  }
  if (x.kb) {
    const char *ver = ctix_kb_source(x.kb, dom->source);
    size_t k = 0;
    while (ver && ctix__isdigit((unsigned char)ver[k]) && k + 1 < sizeof(attack))
      k++;
    if (k > 0) {
      memcpy(attack, ver, k);
      attack[k] = '\0';
    }
  }

  ctix__jsonw_object(&w);
  ctix__buf_reset(&tmp);
  layer_name(&tmp, a, dom);
  ctix__jsonw_kstrn(&w, "name", tmp.data, tmp.len);
  ctix__jsonw_key(&w, "versions");
  ctix__jsonw_object_inline(&w);
  ctix__jsonw_kstr(&w, "attack", attack);
  ctix__jsonw_kstr(&w, "navigator", "5.1.0");
  ctix__jsonw_kstr(&w, "layer", "4.5");
  ctix__jsonw_end(&w);
  ctix__jsonw_kstr(&w, "domain", dom->attack);
  ctix__buf_reset(&tmp);
  ctix__buf_addf(&tmp,
                 "ATT&CK%s%s techniques found by ctix %s; score = confidence x 100; techniques "
                 "the text only names as potential (negated, hypothetical, advice) are "
                 "disabled.",
                 dom->bit == CTIX_KB_ENTERPRISE ? "" : " for ",
                 dom->bit == CTIX_KB_ENTERPRISE ? "" : ctix_kb_domain_label(dom->bit),
                 ctix_version());
  ctix__jsonw_kstrn(&w, "description", tmp.data, tmp.len);
  ctix__jsonw_kint(&w, "sorting", 3);
  ctix__jsonw_key(&w, "layout");
  ctix__jsonw_object(&w);
  ctix__jsonw_kstr(&w, "layout", "side");
  ctix__jsonw_kstr(&w, "aggregateFunction", "max");
  ctix__jsonw_kbool(&w, "showID", true);
  ctix__jsonw_kbool(&w, "showName", true);
  ctix__jsonw_kbool(&w, "showAggregateScores", false);
  ctix__jsonw_kbool(&w, "countUnscored", false);
  ctix__jsonw_kstr(&w, "expandedSubtechniques", "annotated");
  ctix__jsonw_end(&w);
  ctix__jsonw_kbool(&w, "hideDisabled", false);

  ctix__jsonw_key(&w, "techniques");
  ctix__jsonw_array(&w);
  for (i = 0; i < nt; i++) {
    /* The same id twice in the list (not expected) is written once. */
    if (i > 0 && strcmp(v[i].hit->id, v[i - 1].hit->id) == 0)
      continue;
    if (v[i].ntactics == 0)
      write_tech(&w, &tmp, a, &x, &v[i], NULL);
    for (j = 0; j < v[i].ntactics; j++)
      write_tech(&w, &tmp, a, &x, &v[i], v[i].tactics[j]);
  }
  ctix__jsonw_end(&w);

  ctix__jsonw_key(&w, "gradient");
  ctix__jsonw_object(&w);
  ctix__jsonw_key(&w, "colors");
  ctix__jsonw_array_inline(&w);
  for (i = 0; i < sizeof(gradient_colors) / sizeof(gradient_colors[0]); i++)
    ctix__jsonw_str(&w, gradient_colors[i]);
  ctix__jsonw_end(&w);
  ctix__jsonw_kint(&w, "minValue", 0);
  ctix__jsonw_kint(&w, "maxValue", 100);
  ctix__jsonw_end(&w);
  ctix__jsonw_key(&w, "legendItems");
  ctix__jsonw_array(&w);
  ctix__jsonw_object_inline(&w);
  ctix__jsonw_kstr(&w, "label", "found by ctix (darker = more confident)");
  ctix__jsonw_kstr(&w, "color", "#ff6666");
  ctix__jsonw_end(&w);
  ctix__jsonw_object_inline(&w);
  ctix__jsonw_kstr(&w, "label", "potential only (disabled)");
  ctix__jsonw_kstr(&w, "color", "#dddddd");
  ctix__jsonw_end(&w);
  ctix__jsonw_end(&w);

  ctix__jsonw_key(&w, "metadata");
  ctix__jsonw_array(&w);
  ctix__buf_reset(&tmp);
  ctix__buf_addf(&tmp, "ctix %s", ctix_version());
  meta_entry(&w, "generator", tmp.data, tmp.len);
  if (d) {
    meta_text(&w, &tmp, "title", d->meta.title);
    meta_text(&w, &tmp, "document", d->meta.source);
    if (ctix__x_date(date, d->meta.published))
      meta_text(&w, &tmp, "published", date);
    else
      meta_text(&w, &tmp, "published", d->meta.published);
  }
  meta_text(&w, &tmp, "url", x.source_url);
  if (x.kb) {
    const char *ver = ctix_kb_source(x.kb, dom->source);
    meta_text(&w, &tmp, "attack", ver);
  }
  ctix__buf_reset(&tmp);
  ctix__buf_addf(&tmp, "%zu", nt);
  meta_entry(&w, "techniques", tmp.data, tmp.len);
  ctix__buf_reset(&tmp);
  out_text(&tmp, &no, dom);
  if (tmp.len)
    meta_entry(&w, "left out", tmp.data, tmp.len);
  ctix__jsonw_end(&w);
  if (ctix__x_has_scheme(x.source_url) && !strpbrk(x.source_url, " \t\r\n")) {
    ctix__jsonw_key(&w, "links");
    ctix__jsonw_array(&w);
    ctix__jsonw_object_inline(&w);
    ctix__jsonw_kstr(&w, "label", "source report");
    ctix__jsonw_kstr(&w, "url", x.source_url);
    ctix__jsonw_end(&w);
    ctix__jsonw_end(&w);
  }
  ctix__jsonw_kbool(&w, "showTacticRowBackground", false);
  ctix__jsonw_kstr(&w, "tacticRowBackground", "#dddddd");
  ctix__jsonw_kbool(&w, "selectTechniquesAcrossTactics", true);
  ctix__jsonw_kbool(&w, "selectSubtechniquesWithParent", false);
  ctix__jsonw_kbool(&w, "selectVisibleTechniques", false);
  ctix__jsonw_end(&w);
  if (tmp.err) {
    rc = ctix__error_set(err, CTIX_ENOMEM, "navigator export: out of memory");
    goto done;
  }
  rc = ctix__jsonw_finish(&w, out, len, err);

done:
  ctix__jsonw_free(&w);
  ctix__buf_free(&techs);
  ctix__buf_free(&tmp);
  for (i = 0; i < sizeof(no.ids) / sizeof(no.ids[0]); i++)
    ctix__buf_free(&no.ids[i]);
  return rc;
}
