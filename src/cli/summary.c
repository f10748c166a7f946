/*
 * The terminal summary of `ctix analyze`: for each document a header and a
 * few labelled rows, produced by a table of section functions so later
 * stages (risk, techniques, IOCs) add a row to the table rather than code
 * to a long function; then the totals of the run. Also the --verbose
 * lines on stderr. Every string that comes from an input is cleaned of
 * control characters before it reaches the terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_internal.h"

/* Longest shown value (titles, messages), in bytes. */
#define VALUE_MAX 110
/* Diagnostics listed under a document before "and N more". */
#define DIAGS_SHOWN 5

void ctix__style_init(ctix__style *st, FILE *f, bool disabled)
{
  static const ctix__style plain = {"", "", "", "", "", "", ""};
  static const ctix__style ansi = {"\033[1m",  "\033[2m",  "\033[31m", "\033[33m",
                                   "\033[32m", "\033[36m", "\033[0m"};
  const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
  bool color = !disabled && isatty(fileno(f)) && !(nc && *nc) &&
               !(term && strcmp(term, "dumb") == 0);
  *st = color ? ansi : plain;
}

/*
 * Length of the UTF-8 bidirectional formatting or zero-width no-break
 * character at p[0..n) (U+061C, U+200E, U+200F, U+202A-U+202E,
 * U+2066-U+2069, U+FEFF), else 0: characters that reorder or hide text on a
 * terminal ("Trojan Source"), so a value could show as something else.
 */
static size_t bidi_len(const unsigned char *p, size_t n)
{
  if (n >= 2 && p[0] == 0xD8 && p[1] == 0x9C)
    return 2;
  if (n < 3)
    return 0;
  if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0x8E || p[2] == 0x8F || (p[2] >= 0xAA && p[2] <= 0xAE)))
    return 3;
  if (p[0] == 0xE2 && p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9)
    return 3;
  return p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF ? 3 : 0;
}

/*
 * Writes s (NULL: "-") with control characters (C0, DEL, C1) and the
 * bidirectional formatting characters (bidi_len) shown as '?', cut to `max`
 * bytes on a character boundary, "..." marking the cut.
 */
void ctix__cli_clean(ctix_buf *b, const char *s, size_t max)
{
  const unsigned char *p = (const unsigned char *)(s ? s : "-");
  size_t n = strlen((const char *)p), i = 0, lim = n;
  bool cut = false;
  if (n > max) {
    lim = max > 3 ? max - 3 : 0;
    while (lim > 0 && (p[lim] & 0xC0) == 0x80)
      lim--;
    cut = true;
  }
  while (i < lim) {
    unsigned char c = p[i];
    size_t k;
    if (c >= 0xD8 && (k = bidi_len(p + i, lim - i))) {
      ctix__buf_addc(b, '?');
      i += k;
    } else if (c < 0x20 || c == 0x7f) {
      ctix__buf_addc(b, '?');
      i++;
    } else if (c == 0xC2 && i + 1 < lim && p[i + 1] >= 0x80 && p[i + 1] < 0xA0) {
      ctix__buf_addc(b, '?');
      i += 2;
    } else {
      ctix__buf_addc(b, (char)c);
      i++;
    }
  }
  if (cut)
    ctix__buf_adds(b, "...");
}

void ctix__cli_put_clean(FILE *f, const char *s, size_t max)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)1 << 30);
  ctix__cli_clean(&b, s, max);
  if (b.data)
    fputs(b.data, f);
  ctix__buf_free(&b);
}

/* Starts a row: the label in a fixed column. */
static void row(FILE *f, const ctix__style *st, const char *label)
{
  fprintf(f, "  %s%-12s%s ", st->dim, label, st->reset);
}

/* Sizes as people read them: 512 B, 3.8 KiB, 12.0 MiB. */
static void put_size(FILE *f, size_t n)
{
  if (n < 1024)
    fprintf(f, "%zu B", n);
  else if (n < 1024 * 1024)
    fprintf(f, "%.1f KiB", (double)n / 1024.0);
  else
    fprintf(f, "%.1f MiB", (double)n / (1024.0 * 1024.0));
}

/* "1 word", "2 words"; `sep` is written before it. */
static void put_count(FILE *f, const char *sep, size_t n, const char *one, const char *many)
{
  fprintf(f, "%s%zu %s", sep, n, n == 1 ? one : many);
}

/* -------------------------------------------------------------- sections */

static void sec_identity(FILE *f, const ctix__style *st, const ctix__summary_doc *d)
{
  const ctix_document *doc = d->a->doc;
  row(f, st, "title");
  if (doc->meta.title)
    ctix__cli_put_clean(f, doc->meta.title, VALUE_MAX);
  else
    fprintf(f, "%s(none found)%s", st->dim, st->reset);
  fputc('\n', f);
  if (d->a->id && doc->meta.source && strcmp(d->a->id, doc->meta.source) != 0) {
    row(f, st, "id");
    ctix__cli_put_clean(f, d->a->id, VALUE_MAX);
    fputc('\n', f);
  }
  row(f, st, "source");
  ctix__cli_put_clean(f, doc->meta.source, VALUE_MAX);
  fputc('\n', f);
  row(f, st, "format");
  fprintf(f, "%s, ", ctix_format_name(doc->format));
  put_size(f, doc->input_bytes);
  fputs(" in, ", f);
  put_size(f, doc->len);
  fputs(" of text\n", f);
}

static void sec_content(FILE *f, const ctix__style *st, const ctix__summary_doc *d)
{
  const ctix_document *doc = d->a->doc;
  const ctix_doc_stats *s = &d->a->stats;
  row(f, st, "content");
  put_count(f, "", s->words, "word", "words");
  put_count(f, ", ", s->sentences, "sentence", "sentences");
  put_count(f, ", ", doc->nsections, "section", "sections");
  put_count(f, ", ", doc->nblocks, "block", "blocks");
  if (doc->npages)
    put_count(f, ", ", doc->npages, "page", "pages");
  fputc('\n', f);
  if (s->code_blocks || s->table_rows || doc->nlinks) {
    row(f, st, "");
    put_count(f, "", s->code_blocks, "code block", "code blocks");
    put_count(f, ", ", s->table_rows, "table row", "table rows");
    put_count(f, ", ", doc->nlinks, "link", "links");
    fputc('\n', f);
  }
}

static void sec_diagnostics(FILE *f, const ctix__style *st, const ctix__summary_doc *d)
{
  const ctix_document *doc = d->a->doc;
  size_t i;
  row(f, st, "diagnostics");
  if (!doc->ndiags) {
    fprintf(f, "%snone%s\n", st->green, st->reset);
    return;
  }
  fprintf(f, "%s%zu%s\n", st->yellow, doc->ndiags, st->reset);
  for (i = 0; i < doc->ndiags && i < DIAGS_SHOWN; i++) {
    const ctix_diag *g = &doc->diags[i];
    fputs("    ", f);
    if (g->offset != CTIX_NOPOS)
      fprintf(f, "byte %zu: ", g->offset);
    ctix__cli_put_clean(f, g->message, VALUE_MAX);
    fprintf(f, " %s[%s]%s\n", st->dim, ctix_error_name(g->code), st->reset);
  }
  if (doc->ndiags > DIAGS_SHOWN)
    fprintf(f, "    ... and %zu more (in report.json)\n", doc->ndiags - DIAGS_SHOWN);
}

/* The "iocs" stage: counts per status, then per type for each status. */
static void sec_iocs(FILE *f, const ctix__style *st, const ctix__summary_doc *d)
{
  const ctix_ioc_list *l = d->a->iocs;
  size_t count[3][CTIX_IOC_TYPE_COUNT], total[3] = {0, 0, 0}, i;
  unsigned s, t;
  row(f, st, "iocs");
  if (!l || !l->nitems) {
    fprintf(f, "%snone found%s\n", st->dim, st->reset);
    return;
  }
  memset(count, 0, sizeof(count));
  for (i = 0; i < l->nitems; i++) {
    s = (unsigned)l->items[i].status;
    t = (unsigned)l->items[i].type;
    if (s < 3 && t < CTIX_IOC_TYPE_COUNT) {
      count[s][t]++;
      total[s]++;
    }
  }
  fprintf(f, "%s%zu ioc%s, %zu benign, %zu rejected\n", total[0] ? st->red : "", total[0],
          total[0] ? st->reset : "", total[1], total[2]);
  for (s = 0; s < 3; s++) {
    const char *sep = "";
    if (!total[s])
      continue;
    row(f, st, "");
    fprintf(f, "%s%s:%s ", st->dim, ctix_ioc_status_name((ctix_ioc_status)s), st->reset);
    for (t = 0; t < CTIX_IOC_TYPE_COUNT; t++) {
      if (!count[s][t])
        continue;
      fprintf(f, "%s%s %zu", sep, ctix_ioc_type_name((ctix_ioc_type)t), count[s][t]);
      sep = ", ";
    }
    fputc('\n', f);
  }
}

/* Techniques listed in the summary before "and N more". */
#define TECHNIQUES_SHOWN 6

/*
 * The "techniques" stage: how many were found (observed, potential,
 * implied), then the strongest ones with their confidence and the sentence
 * that shows each.
 */
static void sec_techniques(FILE *f, const ctix__style *st, const ctix__summary_doc *d)
{
  const ctix_ttp_list *l = d->a->techniques;
  const ctix_document *doc = d->a->doc;
  size_t count[3] = {0, 0, 0}, i;
  ctix_buf b;
  row(f, st, "techniques");
  if (!l || !l->count) {
    fprintf(f, "%snone found%s\n", st->dim, st->reset);
    return;
  }
  for (i = 0; i < l->count; i++)
    if ((unsigned)l->items[i].status < 3)
      count[l->items[i].status]++;
  fprintf(f, "%zu observed, %zu potential, %zu implied\n", count[0], count[1], count[2]);
  ctix__buf_init(&b, 1u << 16);
  for (i = 0; i < l->count && i < TECHNIQUES_SHOWN; i++) {
    const ctix_ttp_hit *h = &l->items[i];
    row(f, st, "");
    fprintf(f, "%s%s%s ", st->bold, h->id, st->reset);
    if (ctix_kb_domain_first(h->domain) != CTIX_KB_ENTERPRISE)
      fprintf(f, "(%s) ", ctix_kb_domain_label(ctix_kb_domain_first(h->domain)));
    ctix__cli_put_clean(f, h->name, 60);
    fprintf(f, " %s%.2f %s%s\n", st->dim, h->confidence, ctix_ttp_status_name(h->status),
            st->reset);
    if (h->nevidence && h->evidence[0].end <= doc->len && h->evidence[0].end > h->evidence[0].start) {
      const ctix_ttp_evidence *e = &h->evidence[0];
      size_t k;
      bool space = false;
      ctix__buf_reset(&b);
      for (k = e->start; k < e->end; k++) {
        char c = doc->text[k];
        bool ws = c == ' ' || c == '\n' || c == '\t' || c == '\r';
        if (!ws || !space)
          ctix__buf_addc(&b, ws ? ' ' : c);
        space = ws;
      }
      ctix__buf_addc(&b, '\0');
      row(f, st, "");
      fprintf(f, "  %s\"", st->dim);
      ctix__cli_put_clean(f, b.err ? "" : (const char *)b.data, VALUE_MAX);
      fprintf(f, "\"%s\n", st->reset);
    }
  }
  if (l->count > TECHNIQUES_SHOWN) {
    row(f, st, "");
    fprintf(f, "%s... and %zu more (in report.json)%s\n", st->dim, l->count - TECHNIQUES_SHOWN,
            st->reset);
  }
  ctix__buf_free(&b);
}

/* Risk factors shown in the summary. */
#define FACTORS_SHOWN 4

/* The risk score and level, then the largest factors. */
static void sec_risk(FILE *f, const ctix__style *st, const ctix__summary_doc *d)
{
  const ctix_assessment *as = d->a->assessment;
  size_t i;
  const char *col;
  if (!as || !as->risk_level)
    return;
  col = as->risk_score >= 70 ? st->red : as->risk_score >= 40 ? st->yellow : st->green;
  row(f, st, "risk");
  fprintf(f, "%s%d/100 %s%s\n", col, as->risk_score, as->risk_level, st->reset);
  for (i = 0; i < as->nfactors && i < FACTORS_SHOWN; i++) {
    row(f, st, "");
    fprintf(f, "%s%+.1f%s ", st->dim, as->factors[i].contribution, st->reset);
    ctix__cli_put_clean(f, as->factors[i].label, 60);
    if (as->factors[i].evidence) {
      fprintf(f, "%s: ", st->dim);
      ctix__cli_put_clean(f, as->factors[i].evidence, 70);
      fputs(st->reset, f);
    }
    fputc('\n', f);
  }
}

/* Names of one entity kind on one row: "actors  APT29, Turla". */
static void entity_row(FILE *f, const ctix__style *st, const ctix_entity_list *l,
                       ctix_entity_kind kind, const char *label)
{
  size_t i, shown = 0, total = 0;
  for (i = 0; i < l->count; i++)
    if (l->items[i].kind == kind)
      total++;
  if (!total)
    return;
  row(f, st, label);
  for (i = 0; i < l->count && shown < 8; i++) {
    const ctix_entity *e = &l->items[i];
    if (e->kind != kind)
      continue;
    if (shown++)
      fputs(", ", f);
    ctix__cli_put_clean(f, e->name, 60);
    if (kind == CTIX_ENTITY_VULNERABILITY && e->kev)
      fprintf(f, " %s(KEV%s)%s", st->red, e->kev_ransomware ? ", ransomware" : "", st->reset);
    else if (!e->known && kind <= CTIX_ENTITY_CAMPAIGN)
      fprintf(f, " %s(new)%s", st->dim, st->reset);
  }
  if (total > shown)
    fprintf(f, " %s... and %zu more%s", st->dim, total - shown, st->reset);
  fputc('\n', f);
}

/* Actors, malware, tools, campaigns, CVEs, victims, sectors, places. */
static void sec_entities(FILE *f, const ctix__style *st, const ctix__summary_doc *d)
{
  static const struct {
    ctix_entity_kind kind;
    const char *label;
  } rows[] = {{CTIX_ENTITY_GROUP, "actors"},     {CTIX_ENTITY_MALWARE, "malware"},
              {CTIX_ENTITY_TOOL, "tools"},       {CTIX_ENTITY_CAMPAIGN, "campaigns"},
              {CTIX_ENTITY_VULNERABILITY, "cves"}, {CTIX_ENTITY_VICTIM, "victims"},
              {CTIX_ENTITY_SECTOR, "sectors"},   {CTIX_ENTITY_LOCATION, "places"}};
  const ctix_entity_list *l = d->a->entities;
  const ctix_assessment *as = d->a->assessment;
  size_t i;
  if (l)
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
      entity_row(f, st, l, rows[i].kind, rows[i].label);
  if (as && as->nresemblances) {
    row(f, st, "resembles");
    for (i = 0; i < as->nresemblances && i < 3; i++) {
      if (i)
        fputs(", ", f);
      ctix__cli_put_clean(f, as->resemblances[i].name, 60);
      fprintf(f, " %s%s %.2f%s", st->dim, as->resemblances[i].id, as->resemblances[i].score,
              st->reset);
    }
    fputc('\n', f);
  }
}

static void sec_outputs(FILE *f, const ctix__style *st, const ctix__summary_doc *d)
{
  size_t i;
  row(f, st, "time");
  fprintf(f, "%.2f ms\n", d->elapsed_ms);
  for (i = 0; i < d->nfiles; i++) {
    row(f, st, i == 0 ? "wrote" : "");
    fputs(st->cyan, f);
    ctix__cli_put_clean(f, d->files[i], 4096);
    fprintf(f, "%s\n", st->reset);
  }
}

typedef void (*section_fn)(FILE *f, const ctix__style *st, const ctix__summary_doc *d);

/* The sections of a document's summary, in order. Later stages add rows. */
static const section_fn sections[] = {
    sec_identity,
    sec_content,
    sec_diagnostics,
    sec_risk,
    sec_iocs,
    sec_techniques,
    sec_entities,
    sec_outputs,
};

void ctix__summary_document(FILE *f, const ctix__style *st, const ctix__summary_doc *d)
{
  size_t i;
  const char *name = d->a->id ? d->a->id : d->a->doc->meta.source;
  fputs(st->bold, f);
  ctix__cli_put_clean(f, name ? name : "(input)", 4096);
  fprintf(f, "%s\n", st->reset);
  for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
    sections[i](f, st, d);
  fputc('\n', f);
}

void ctix__summary_failure(FILE *f, const ctix__style *st, const ctix_error *err)
{
  char line[CTIX_ERROR_SRC_MAX + CTIX_ERROR_MSG_MAX + 64];
  ctix_error_format(line, sizeof(line), err);
  fprintf(f, "%sFAILED%s ", st->red, st->reset);
  ctix__cli_put_clean(f, line, sizeof(line));
  fputs("\n\n", f);
}

void ctix__summary_totals_print(FILE *f, const ctix__style *st, const ctix__summary_totals *t)
{
  size_t n = t->ok + t->failed;
  fprintf(f, "%s%zu document%s%s: %zu analysed", st->bold, n, n == 1 ? "" : "s", st->reset,
          t->ok);
  if (t->failed)
    fprintf(f, ", %s%zu failed%s", st->red, t->failed, st->reset);
  fprintf(f, " in %.1f ms\n", t->elapsed_ms);
  if (t->outdir) {
    fputs("Output folder: ", f);
    fputs(st->cyan, f);
    ctix__cli_put_clean(f, t->outdir, 4096);
    fprintf(f, "%s\n", st->reset);
  } else if (t->ok) {
    fputs("No files written; use -o DIR to save the reports.\n", f);
  }
}

void ctix__summary_verbose(const ctix_analysis *a, double load_ms, double analyze_ms,
                           double write_ms)
{
  const ctix_document *doc = a->doc;
  const char *src = doc->meta.source ? doc->meta.source : "(input)";
  size_t i;
  ctix__progress_clear();
  ctix__cli_put_clean(stderr, src, 4096);
  fprintf(stderr,
          ": %.2f ms (read and parse %.2f, analyse %.2f, write %.2f); %s, %zu bytes, "
          "%zu words, %zu sentences, %zu diagnostic%s\n",
          load_ms + analyze_ms + write_ms, load_ms, analyze_ms, write_ms,
          ctix_format_name(doc->format), doc->input_bytes, a->stats.words,
          a->stats.sentences, doc->ndiags, doc->ndiags == 1 ? "" : "s");
  for (i = 0; i < doc->ndiags; i++) {
    const ctix_diag *g = &doc->diags[i];
    ctix__cli_put_clean(stderr, src, 4096);
    if (g->offset != CTIX_NOPOS)
      fprintf(stderr, ": byte %zu", g->offset);
    fputs(": warning: ", stderr);
    ctix__cli_put_clean(stderr, g->message, 4096);
    fprintf(stderr, " [%s]\n", ctix_error_name(g->code));
  }
}
