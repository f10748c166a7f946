/*
 * The data of the assessment stage: the files of data/assess (risk model,
 * sector criticality, timeline trigger words, date vocabulary) embedded
 * with .incbin, parsed once per process into tables, plus the small
 * helpers every part of the stage shares (whole-word phrase matching and
 * calendar arithmetic).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess_internal.h"
#include "util/err.h"
#include "util/incbin.h"
#include "util/str.h"

/* ----------------------------------------------------------- embedded data */

#define CTIX__ASSESS_INCBIN(sym, file) CTIX__INCBIN(ctix__assess_##sym, CTIX_ASSESS_DATA_DIR "/" file)

CTIX__ASSESS_INCBIN(risk, "risk.tsv");
CTIX__ASSESS_INCBIN(sectors, "sectors.tsv");
CTIX__ASSESS_INCBIN(triggers, "triggers.tsv");
CTIX__ASSESS_INCBIN(dates, "dates.tsv");

static const struct {
  const char *name;
  const char *start, *end;
} data_files[] = {
    {"risk.tsv", ctix__assess_risk_start, ctix__assess_risk_end},
    {"sectors.tsv", ctix__assess_sectors_start, ctix__assess_sectors_end},
    {"triggers.tsv", ctix__assess_triggers_start, ctix__assess_triggers_end},
    {"dates.tsv", ctix__assess_dates_start, ctix__assess_dates_end},
};

const char *ctix__assess_data(const char *name, size_t *len)
{
  for (size_t i = 0; i < sizeof(data_files) / sizeof(data_files[0]); i++) {
    if (strcmp(data_files[i].name, name) == 0) {
      *len = (size_t)(data_files[i].end - data_files[i].start);
      return data_files[i].start;
    }
  }
  *len = 0;
  return NULL;
}

/* ------------------------------------------------------------ phrase match */

bool ctix__assess_phrase_at(const char *s, size_t n, size_t pos, const char *phrase,
                            size_t plen)
{
  if (plen == 0 || pos > n || n - pos < plen)
    return false;
  for (size_t i = 0; i < plen; i++)
    if (ctix__lower((unsigned char)s[pos + i]) != (unsigned char)phrase[i])
      return false;
  if (ctix__isalnum((unsigned char)phrase[0]) && pos > 0 &&
      ctix__isalnum((unsigned char)s[pos - 1]))
    return false;
  if (ctix__isalnum((unsigned char)phrase[plen - 1]) && pos + plen < n &&
      ctix__isalnum((unsigned char)s[pos + plen]))
    return false;
  return true;
}

size_t ctix__assess_phrase_find(const char *s, size_t n, size_t from, const char *phrase,
                                size_t plen)
{
  if (plen == 0)
    return n;
  int c0 = (unsigned char)phrase[0];
  for (size_t i = from; i + plen <= n; i++) {
    if (ctix__lower((unsigned char)s[i]) != c0)
      continue;
    if (ctix__assess_phrase_at(s, n, i, phrase, plen))
      return i;
  }
  return n;
}

/* ---------------------------------------------------------------- calendar */

/*
 * Day counts use the usual era decomposition of the Gregorian calendar
 * (400-year eras of 146097 days, years starting on 1 March).
 */
long ctix__assess_days(int y, int m, int d)
{
  long yy = (long)y - (m <= 2);
  long era = (yy >= 0 ? yy : yy - 399) / 400;
  long yoe = yy - era * 400;
  long mp = (m + 9) % 12;
  long doy = (153 * mp + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void ctix__assess_civil(long days, int *y, int *m, int *d)
{
  long z = days + 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153;
  long dd = doy - (153 * mp + 2) / 5 + 1;
  long mm = mp < 10 ? mp + 3 : mp - 9;
  *y = (int)(yoe + era * 400 + (mm <= 2));
  *m = (int)mm;
  *d = (int)dd;
}

int ctix__assess_month_days(int y, int m)
{
  static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12)
    return 0;
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 29;
  return mdays[m - 1];
}

int ctix__assess_parse_ymd(const char *s, int *y, int *m, int *d)
{
  int v[3] = {0, 0, 0};
  static const int widths[3] = {4, 2, 2};
  size_t p = 0;
  if (!s)
    return CTIX_EINVAL;
  for (int k = 0; k < 3; k++) {
    if (k > 0) {
      if (s[p] != '-')
        return CTIX_EINVAL;
      p++;
    }
    for (int i = 0; i < widths[k]; i++, p++) {
      if (!ctix__isdigit((unsigned char)s[p]))
        return CTIX_EINVAL;
      v[k] = v[k] * 10 + (s[p] - '0');
    }
  }
  if (ctix__isdigit((unsigned char)s[p]))
    return CTIX_EINVAL;
  if (v[0] < 1 || v[2] < 1 || v[2] > ctix__assess_month_days(v[0], v[1]))
    return CTIX_EINVAL;
  *y = v[0];
  *m = v[1];
  *d = v[2];
  return 0;
}

/* ---------------------------------------------------------------- parsing */

typedef struct tables_priv {
  ctix__assess_tables pub;   /* first: the public view */
  ctix_arena arena;
} tables_priv;

#define MAX_FIELDS 8

typedef ctix__field field;

/* Splits one line into at most MAX_FIELDS trimmed fields (more are
 * ignored, as are empty trailing ones). */
static size_t split_tabs(field *f, const char *s, size_t n)
{
  size_t nf = ctix__split_tabs(f, MAX_FIELDS, s, n);
  if (nf > MAX_FIELDS)
    nf = MAX_FIELDS;
  while (nf > 0 && f[nf - 1].n == 0)
    nf--;
  return nf;
}

/* Lower-cased NUL-terminated copy in the arena. */
static char *lower_dup(ctix_arena *a, const char *s, size_t n)
{
  char *p = ctix__arena_strndup(a, s, n);
  if (p)
    for (size_t i = 0; i < n; i++)
      p[i] = (char)ctix__lower((unsigned char)p[i]);
  return p;
}

/* Parses a decimal number (optional sign and fraction) of f; false if not one. */
static bool parse_float(float *out, const field *f)
{
  char tmp[32];
  char *end = NULL;
  if (f->n == 0 || f->n >= sizeof(tmp))
    return false;
  memcpy(tmp, f->s, f->n);
  tmp[f->n] = '\0';
  for (size_t i = 0; i < f->n; i++)
    if (!ctix__isdigit((unsigned char)tmp[i]) && tmp[i] != '.' && !(i == 0 && tmp[i] == '-'))
      return false;
  *out = strtof(tmp, &end);
  return end && *end == '\0';
}

/* Parses a small signed integer of f. */
static bool parse_int(int *out, const char *s, size_t n)
{
  long v = 0;
  size_t i = 0;
  bool neg = false;
  if (n > 0 && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    i = 1;
  }
  if (i == n || n - i > 6)
    return false;
  for (; i < n; i++) {
    if (!ctix__isdigit((unsigned char)s[i]))
      return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = (int)(neg ? -v : v);
  return true;
}

/* Longest text first, then alphabetical: the order of longest-match scans. */
static int word_cmp(const void *pa, const void *pb)
{
  const ctix__assess_word *a = pa, *b = pb;
  if (a->len != b->len)
    return a->len > b->len ? -1 : 1;
  return strcmp(a->text, b->text);
}

/* Moves the records of b into the arena as a sorted (optional) array. */
static const ctix__assess_word *freeze_words(ctix_arena *a, ctix_buf *b, size_t *n, bool sort)
{
  *n = CTIX__BUF_COUNT(b, ctix__assess_word);
  if (*n == 0)
    return NULL;
  ctix__assess_word *w = ctix__arena_memdup(a, b->data, b->len);
  if (w && sort)
    qsort(w, *n, sizeof(*w), word_cmp);
  return w;
}

static int lex_cmp(const void *pa, const void *pb)
{
  const ctix__assess_lex *a = pa, *b = pb;
  size_t n = a->len < b->len ? a->len : b->len;
  int c = memcmp(a->text, b->text, n);
  return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* The first words of every date vocabulary entry, sorted and unique. */
static int build_lex(ctix__assess_tables *t, ctix_arena *a)
{
  const ctix__assess_word *lists[] = {t->months,    t->weekdays, t->numbers, t->units,
                                      t->durations, t->relatives, t->approx};
  const size_t counts[] = {t->nmonths,    t->nweekdays,  t->nnumbers, t->nunits,
                           t->ndurations, t->nrelatives, t->napprox};
  size_t total = 0, n = 0;
  for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++)
    total += counts[k];
  if (total == 0)
    return 0;
  ctix__assess_lex *lex = ctix__arena_calloc(a, total, sizeof(*lex));
  if (!lex)
    return CTIX_ENOMEM;
  for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
    for (size_t i = 0; i < counts[k]; i++) {
      size_t len = 0;
      while (len < lists[k][i].len && ctix__isalpha((unsigned char)lists[k][i].text[len]))
        len++;
      lex[n].text = lists[k][i].text;
      lex[n].len = len;
      n++;
    }
  }
  qsort(lex, n, sizeof(*lex), lex_cmp);
  size_t u = 0;
  for (size_t i = 0; i < n; i++)
    if (u == 0 || lex_cmp(&lex[u - 1], &lex[i]) != 0)
      lex[u++] = lex[i];
  t->lex = lex;
  t->nlex = u;
  return 0;
}

bool ctix__assess_lex_has(const ctix__assess_tables *t, const char *s, size_t n)
{
  char low[24];
  if (n == 0 || n >= sizeof(low))
    return false;
  for (size_t i = 0; i < n; i++)
    low[i] = (char)ctix__lower((unsigned char)s[i]);
  ctix__assess_lex key = {low, n};
  size_t lo = 0, hi = t->nlex;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = lex_cmp(&t->lex[mid], &key);
    if (c == 0)
      return true;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return false;
}

/* Calls fn on each non-blank, non-comment line with its fields. */
typedef int (*line_fn)(void *ctx, field *f, size_t nf, unsigned line, ctix_error *err);

static int each_line(const char *s, size_t n, const char *file, line_fn fn, void *ctx,
                     ctix_error *err)
{
  size_t pos = 0;
  unsigned line = 0;
  while (pos < n) {
    size_t e = pos;
    while (e < n && s[e] != '\n')
      e++;
    line++;
    size_t len = e - pos;
    const char *l = s + pos;
    if (len > 0 && l[len - 1] == '\r')
      len--;
    size_t tl = len;
    const char *t = ctix__trim(l, &tl);
    if (tl > 0 && t[0] != '#') {
      field f[MAX_FIELDS];
      size_t nf = split_tabs(f, l, len);
      int rc = fn(ctx, f, nf, line, err);
      if (rc) {
        ctix__error_source(err, file);
        return rc;
      }
    }
    pos = e + 1;
  }
  return 0;
}

typedef struct parse_ctx {
  ctix_arena *a;
  ctix_buf words[9];         /* kinds[] in order, then triggers */
  ctix_buf risk, sectors, params;
} parse_ctx;

static const char *const kinds[] = {"month", "weekday", "number",   "unit",
                                    "duration", "prep", "relative", "approx"};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))
#define KIND_TRIGGER NKINDS

static const struct {
  const char *name;
  int unit;
} rel_units[] = {{"day", CTIX__REL_DAY},         {"week", CTIX__REL_WEEK},
                 {"weekend", CTIX__REL_WEEKEND}, {"month", CTIX__REL_MONTH},
                 {"year", CTIX__REL_YEAR}};

static int bad_line(ctix_error *err, unsigned line, const char *what)
{
  return ctix__error_set_lc(err, CTIX_EPARSE, line, 1, "%s", what);
}

/* dates.tsv: kind, word, value. */
static int date_line(void *vctx, field *f, size_t nf, unsigned line, ctix_error *err)
{
  parse_ctx *c = vctx;
  size_t k;
  ctix__assess_word w;
  memset(&w, 0, sizeof(w));
  if (nf < 2)
    return bad_line(err, line, "expected KIND<TAB>WORD[<TAB>VALUE]");
  for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
    if (ctix__mem_ieq(f[0].s, f[0].n, kinds[k]))
      break;
  if (k == sizeof(kinds) / sizeof(kinds[0]))
    return bad_line(err, line,
                    "unknown kind (month, weekday, number, unit, duration, prep, relative, approx)");
  if (f[1].n > 64)
    return bad_line(err, line, "word longer than 64 bytes");
  w.text = lower_dup(c->a, f[1].s, f[1].n);
  w.len = f[1].n;
  if (!w.text)
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  if (k == 6) { /* relative: "UNIT OFFSET" */
    const char *v = nf > 2 ? f[2].s : "";
    size_t vn = nf > 2 ? f[2].n : 0, sp = 0;
    while (sp < vn && v[sp] != ' ')
      sp++;
    size_t u;
    for (u = 0; u < sizeof(rel_units) / sizeof(rel_units[0]); u++)
      if (ctix__mem_ieq(v, sp, rel_units[u].name))
        break;
    if (u == sizeof(rel_units) / sizeof(rel_units[0]) || sp >= vn ||
        !parse_int(&w.value, v + sp + 1, vn - sp - 1))
      return bad_line(err, line, "relative value must be 'day|week|weekend|month|year OFFSET'");
    w.unit = rel_units[u].unit;
  } else if (k <= 3) {
    if (nf < 3 || !parse_int(&w.value, f[2].s, f[2].n) || w.value < 0)
      return bad_line(err, line, "expected a non-negative integer value");
    if ((k == 0 && (w.value < 1 || w.value > 12)) || (k == 1 && w.value > 6))
      return bad_line(err, line, "month must be 1-12, weekday 0-6");
  }
  return ctix__buf_push(&c->words[k], &w, sizeof(w)) ? ctix__error_set(err, CTIX_ENOMEM, "out of memory") : 0;
}

/* triggers.tsv: phrase, label. */
static int trigger_line(void *vctx, field *f, size_t nf, unsigned line, ctix_error *err)
{
  parse_ctx *c = vctx;
  ctix__assess_word w;
  memset(&w, 0, sizeof(w));
  if (nf < 2 || nf > 3 || f[0].n > 64 || f[1].n > 64 ||
      (nf == 3 && !ctix__mem_ieq(f[2].s, f[2].n, "weak")))
    return bad_line(err, line, "expected PHRASE<TAB>LABEL[<TAB>weak] (64 bytes at most each)");
  w.value = nf == 3 ? 2 : 1;
  w.text = lower_dup(c->a, f[0].s, f[0].n);
  w.len = f[0].n;
  w.label = ctix__arena_strndup(c->a, f[1].s, f[1].n);
  if (!w.text || !w.label || ctix__buf_push(&c->words[KIND_TRIGGER], &w, sizeof(w)))
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  return 0;
}

/* sectors.tsv: key, criticality 0-1. */
static int sector_line(void *vctx, field *f, size_t nf, unsigned line, ctix_error *err)
{
  parse_ctx *c = vctx;
  ctix__sector_crit s;
  if (nf != 2 || !parse_float(&s.criticality, &f[1]) || s.criticality < 0 ||
      s.criticality > 1)
    return bad_line(err, line, "expected SECTOR<TAB>CRITICALITY (0-1)");
  s.key = lower_dup(c->a, f[0].s, f[0].n);
  if (!s.key || ctix__buf_push(&c->sectors, &s, sizeof(s)))
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  return 0;
}

/* Splits "a=x|y;b=z" into parameters. */
static int parse_params(parse_ctx *c, ctix__risk_row *row, const char *s, size_t n,
                        unsigned line, ctix_error *err)
{
  size_t first = CTIX__BUF_COUNT(&c->params, ctix__assess_param), pos = 0;
  while (pos < n) {
    size_t e = pos;
    while (e < n && s[e] != ';')
      e++;
    size_t len = e - pos;
    const char *item = ctix__trim(s + pos, &len);
    if (len > 0) {
      size_t eq = 0;
      while (eq < len && item[eq] != '=')
        eq++;
      if (eq == 0 || eq == len)
        return bad_line(err, line, "parameter must be NAME=VALUE");
      ctix__assess_param p;
      memset(&p, 0, sizeof(p));
      p.name = ctix__arena_strndup(c->a, item, eq);
      p.value = ctix__arena_strndup(c->a, item + eq + 1, len - eq - 1);
      if (!p.name || !p.value)
        return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
      size_t vn = len - eq - 1, cnt = 1;
      for (size_t i = 0; i < vn; i++)
        cnt += p.value[i] == '|';
      const char **items = ctix__arena_calloc(c->a, cnt, sizeof(*items));
      size_t *lens = ctix__arena_calloc(c->a, cnt, sizeof(*lens));
      if (!items || !lens)
        return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
      size_t k = 0, st = 0;
      for (size_t i = 0; i <= vn; i++) {
        if (i == vn || p.value[i] == '|') {
          if (i == st)
            return bad_line(err, line, "empty item in a '|' list");
          items[k] = lower_dup(c->a, p.value + st, i - st);
          lens[k] = i - st;
          if (!items[k])
            return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
          k++;
          st = i + 1;
        }
      }
      p.items = items;
      p.lens = lens;
      p.nitems = k;
      if (ctix__buf_push(&c->params, &p, sizeof(p)))
        return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
    }
    pos = e + 1;
  }
  /* The row keeps the index of its first parameter until the array is final. */
  row->params = (const ctix__assess_param *)(uintptr_t)first;
  row->nparams = CTIX__BUF_COUNT(&c->params, ctix__assess_param) - first;
  return 0;
}

/* risk.tsv: key, label, points, cap, params. */
static int risk_line(void *vctx, field *f, size_t nf, unsigned line, ctix_error *err)
{
  parse_ctx *c = vctx;
  ctix__risk_row row;
  memset(&row, 0, sizeof(row));
  if (nf < 4)
    return bad_line(err, line, "expected KEY<TAB>LABEL<TAB>POINTS<TAB>CAP[<TAB>PARAMS]");
  size_t colon = 0;
  while (colon < f[0].n && f[0].s[colon] != ':')
    colon++;
  if (colon == 0 || !ctix__risk_rule_known(f[0].s, colon))
    return bad_line(err, line, "unknown rule in the key");
  if (!parse_float(&row.points, &f[2]) || !parse_float(&row.cap, &f[3]) || row.cap < 0 ||
      row.points < -100 || row.points > 100 || row.cap > 100)
    return bad_line(err, line, "points must be -100..100 and cap 0..100");
  row.key = ctix__arena_strndup(c->a, f[0].s, f[0].n);
  row.rule = ctix__arena_strndup(c->a, f[0].s, colon);
  row.arg = colon < f[0].n ? lower_dup(c->a, f[0].s + colon + 1, f[0].n - colon - 1) : "";
  row.label = ctix__arena_strndup(c->a, f[1].s, f[1].n);
  if (!row.key || !row.rule || !row.arg || !row.label)
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  int rc = parse_params(c, &row, nf > 4 ? f[4].s : "", nf > 4 ? f[4].n : 0, line, err);
  if (rc)
    return rc;
  if (nf > 5)
    return bad_line(err, line, "too many fields");
  return ctix__buf_push(&c->risk, &row, sizeof(row)) ? ctix__error_set(err, CTIX_ENOMEM, "out of memory") : 0;
}

void ctix__assess_tables_free(ctix__assess_tables *t)
{
  if (!t)
    return;
  tables_priv *p = (tables_priv *)t;
  ctix__arena_free(&p->arena);
  free(p);
}

int ctix__assess_tables_parse(ctix__assess_tables **out, const char *risk, size_t risk_len,
                              const char *sectors, size_t sectors_len, const char *triggers,
                              size_t triggers_len, const char *dates, size_t dates_len,
                              ctix_error *err)
{
  int rc = 0;
  parse_ctx c;
  tables_priv *p = calloc(1, sizeof(*p));
  *out = NULL;
  memset(&c, 0, sizeof(c));
  if (!p)
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  ctix__arena_init(&p->arena, 0);
  c.a = &p->arena;
  for (size_t i = 0; i <= NKINDS; i++)
    ctix__buf_init(&c.words[i], (size_t)1 << 24);
  ctix__buf_init(&c.risk, (size_t)1 << 24);
  ctix__buf_init(&c.sectors, (size_t)1 << 24);
  ctix__buf_init(&c.params, (size_t)1 << 24);

  if ((rc = each_line(dates, dates ? dates_len : 0, "dates.tsv", date_line, &c, err)) ||
      (rc = each_line(triggers, triggers ? triggers_len : 0, "triggers.tsv", trigger_line,
                      &c, err)) ||
      (rc = each_line(sectors, sectors ? sectors_len : 0, "sectors.tsv", sector_line, &c,
                      err)) ||
      (rc = each_line(risk, risk ? risk_len : 0, "risk.tsv", risk_line, &c, err)))
    goto done;

  ctix__assess_tables *t = &p->pub;
  t->months = freeze_words(c.a, &c.words[0], &t->nmonths, false);
  t->weekdays = freeze_words(c.a, &c.words[1], &t->nweekdays, false);
  t->numbers = freeze_words(c.a, &c.words[2], &t->nnumbers, false);
  t->units = freeze_words(c.a, &c.words[3], &t->nunits, false);
  t->durations = freeze_words(c.a, &c.words[4], &t->ndurations, false);
  t->preps = freeze_words(c.a, &c.words[5], &t->npreps, true);
  t->relatives = freeze_words(c.a, &c.words[6], &t->nrelatives, true);
  t->approx = freeze_words(c.a, &c.words[7], &t->napprox, true);
  t->triggers = freeze_words(c.a, &c.words[KIND_TRIGGER], &t->ntriggers, true);
  if (build_lex(t, c.a)) {
    rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
    goto done;
  }
  t->nsectors = CTIX__BUF_COUNT(&c.sectors, ctix__sector_crit);
  t->sectors = ctix__arena_memdup(c.a, c.sectors.data, c.sectors.len);
  size_t nparams = CTIX__BUF_COUNT(&c.params, ctix__assess_param);
  const ctix__assess_param *params = ctix__arena_memdup(c.a, c.params.data, c.params.len);
  t->nrisk = CTIX__BUF_COUNT(&c.risk, ctix__risk_row);
  ctix__risk_row *rows = ctix__arena_memdup(c.a, c.risk.data, c.risk.len);
  if ((t->nrisk && !rows) || (nparams && !params) || (t->nsectors && !t->sectors)) {
    rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
    goto done;
  }
  for (size_t i = 0; i < t->nrisk; i++) {
    size_t first = (size_t)(uintptr_t)rows[i].params;
    rows[i].params = rows[i].nparams ? params + first : NULL;
  }
  t->risk = rows;
  for (size_t i = 0; i <= NKINDS; i++)
    if (c.words[i].err) {
      rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
      goto done;
    }
done:
  for (size_t i = 0; i <= NKINDS; i++)
    ctix__buf_free(&c.words[i]);
  ctix__buf_free(&c.risk);
  ctix__buf_free(&c.sectors);
  ctix__buf_free(&c.params);
  if (rc) {
    ctix__assess_tables_free(&p->pub);
    return rc;
  }
  *out = &p->pub;
  return 0;
}

const ctix__assess_param *ctix__risk_param(const ctix__risk_row *row, const char *name)
{
  for (size_t i = 0; i < row->nparams; i++)
    if (strcmp(row->params[i].name, name) == 0)
      return &row->params[i];
  return NULL;
}

/* ------------------------------------------------------------ default set */

static pthread_once_t tables_once = PTHREAD_ONCE_INIT;
static ctix__assess_tables *tables;
static ctix_error tables_err;

static void load_tables(void)
{
  size_t rl, sl, tl, dl;
  const char *r = ctix__assess_data("risk.tsv", &rl);
  const char *s = ctix__assess_data("sectors.tsv", &sl);
  const char *t = ctix__assess_data("triggers.tsv", &tl);
  const char *d = ctix__assess_data("dates.tsv", &dl);
  ctix_error_clear(&tables_err);
  (void)ctix__assess_tables_parse(&tables, r, rl, s, sl, t, tl, d, dl, &tables_err);
}

int ctix__assess_tables_get(const ctix__assess_tables **out, ctix_error *err)
{
  pthread_once(&tables_once, load_tables);
  *out = tables;
  if (tables)
    return 0;
  if (err && err->code == 0)
    *err = tables_err;
  return tables_err.code ? tables_err.code : CTIX_ENOMEM;
}
