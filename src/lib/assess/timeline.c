/*
 * The timeline: dated events of a document. Each prose sentence is cut into
 * tokens (words, numbers, punctuation) and scanned left to right for date
 * expressions: ISO dates (2026-01-30), month-first and day-first dates
 * ("January 30, 2026", "30 January 2026", "Jan. 30"), months and years
 * after a preposition ("in March 2025", "since 2019", "mid-2024"),
 * relative expressions ("yesterday", "last week", "earlier this month",
 * "three days ago", "on Monday") and durations ("within nine hours").
 * The vocabulary is data/assess/dates.tsv. Each expression takes the label
 * of the nearest trigger phrase of its sentence (data/assess/triggers.tsv:
 * detected, disclosed, contained, ...); a date with none is "mentioned",
 * a duration with none is dropped. Relative expressions and dates without
 * a year are resolved against the reference date (the article's); without
 * one they stay undated. Impossible dates (February 30, month 13) are
 * ignored, never guessed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess_internal.h"
#include "util/err.h"
#include "util/str.h"

/* Years accepted in dates. */
#define YEAR_MIN 1970
#define YEAR_MAX 2100
/* Most events kept for one document. */
#define MAX_EVENTS 100000

enum { TOK_WORD, TOK_NUM, TOK_PUNCT };

typedef struct tok {
  size_t s, e;               /* span in doc->text */
  int kind;
} tok;

enum { PREC_DAY, PREC_WEEK, PREC_MONTH, PREC_YEAR, PREC_DURATION };
static const char *const prec_names[] = {"day", "week", "month", "year", "duration"};

/* A date expression found at some tokens. */
typedef struct match {
  size_t ntok;               /* tokens consumed; 0 = no match */
  bool invalid;              /* an impossible date: consume, emit nothing */
  bool has_date;             /* y (and m, d per precision) are set */
  bool relative;
  int prec;
  int y, m, d;
  size_t s, e;               /* span of the expression */
} match;

typedef struct scan {
  const ctix__assess_tables *t;
  const char *text;
  size_t len;
  const tok *tk;
  size_t ntk;
  bool has_ref;
  int ry, rm, rd;
  long ref_days;
} scan;

/* ------------------------------------------------------------------ tokens */

/* Cuts text[a..b) into tokens: letter runs (bytes >= 0x80 count as letters), digit runs, single punctuation. */
static int tokenize(ctix_buf *out, const char *text, size_t a, size_t b)
{
  ctix__buf_reset(out);
  size_t i = a;
  while (i < b) {
    unsigned char c = (unsigned char)text[i];
    tok t;
    t.s = i;
    if (ctix__isspace(c)) {
      i++;
      continue;
    }
    if (ctix__isdigit(c)) {
      while (i < b && ctix__isdigit((unsigned char)text[i]))
        i++;
      t.kind = TOK_NUM;
    } else if (ctix__isalpha(c) || c >= 0x80 || c == '\'') {
      while (i < b && (ctix__isalpha((unsigned char)text[i]) ||
                       (unsigned char)text[i] >= 0x80 || text[i] == '\''))
        i++;
      t.kind = TOK_WORD;
    } else {
      i++;
      t.kind = TOK_PUNCT;
    }
    t.e = i;
    if (ctix__buf_push(out, &t, sizeof(t)))
      return out->err;
  }
  return 0;
}

static bool tok_is(const scan *sc, size_t i, const char *w)
{
  return i < sc->ntk && ctix__mem_ieq(sc->text + sc->tk[i].s, sc->tk[i].e - sc->tk[i].s, w);
}

static bool tok_punct(const scan *sc, size_t i, char c)
{
  return i < sc->ntk && sc->tk[i].kind == TOK_PUNCT && sc->text[sc->tk[i].s] == c;
}

static bool adjacent(const scan *sc, size_t i)
{
  return i + 1 < sc->ntk && sc->tk[i].e == sc->tk[i + 1].s;
}

static size_t tok_len(const scan *sc, size_t i) { return sc->tk[i].e - sc->tk[i].s; }

/* The value of a number token (at most 9 digits); -1 if not a number. */
static long tok_num(const scan *sc, size_t i)
{
  if (i >= sc->ntk || sc->tk[i].kind != TOK_NUM || tok_len(sc, i) > 9)
    return -1;
  long v = 0;
  for (size_t p = sc->tk[i].s; p < sc->tk[i].e; p++)
    v = v * 10 + (sc->text[p] - '0');
  return v;
}

/* The vocabulary entry equal to word token i, or NULL. */
static const ctix__assess_word *vocab(const scan *sc, size_t i, const ctix__assess_word *w,
                                      size_t n)
{
  if (i >= sc->ntk || sc->tk[i].kind != TOK_WORD)
    return NULL;
  for (size_t k = 0; k < n; k++)
    if (w[k].len == tok_len(sc, i) &&
        ctix__assess_phrase_at(sc->text, sc->len, sc->tk[i].s, w[k].text, w[k].len))
      return &w[k];
  return NULL;
}

/* The longest multi-word vocabulary entry starting at token i; tokens in *ntok. */
static const ctix__assess_word *vocab_phrase(const scan *sc, size_t i,
                                             const ctix__assess_word *w, size_t n,
                                             size_t *ntok)
{
  if (i >= sc->ntk)
    return NULL;
  for (size_t k = 0; k < n; k++) { /* longest first */
    if (!ctix__assess_phrase_at(sc->text, sc->len, sc->tk[i].s, w[k].text, w[k].len))
      continue;
    size_t end = sc->tk[i].s + w[k].len, j = i;
    while (j < sc->ntk && sc->tk[j].e < end)
      j++;
    if (j < sc->ntk && sc->tk[j].e == end) {
      *ntok = j - i + 1;
      return &w[k];
    }
  }
  return NULL;
}

static bool capitalised(const scan *sc, size_t i)
{
  return ctix__isupper((unsigned char)sc->text[sc->tk[i].s]);
}

/* Month word at token i (capitalised); *full: not an abbreviation. */
static const ctix__assess_word *month_at(const scan *sc, size_t i, bool *full)
{
  const ctix__assess_word *w = vocab(sc, i, sc->t->months, sc->t->nmonths);
  if (!w || !capitalised(sc, i))
    return NULL;
  *full = true;
  for (size_t k = 0; k < sc->t->nmonths; k++)
    if (sc->t->months[k].value == w->value && sc->t->months[k].len > w->len)
      *full = false;
  return w;
}

/* A year token: four digits in range, not glued to other digits or to '-' + digit. */
static int year_at(const scan *sc, size_t i)
{
  long v = tok_num(sc, i);
  if (v < YEAR_MIN || v > YEAR_MAX || tok_len(sc, i) != 4)
    return -1;
  size_t e = sc->tk[i].e;
  if (e < sc->len && (ctix__isalnum((unsigned char)sc->text[e]) ||
                      (sc->text[e] == '-' && e + 1 < sc->len &&
                       ctix__isdigit((unsigned char)sc->text[e + 1]))))
    return -1;
  return (int)v;
}

/* A day-of-month token (1-2 digits) with an optional st/nd/rd/th; tokens in *ntok. */
static int day_at(const scan *sc, size_t i, size_t *ntok)
{
  long v = tok_num(sc, i);
  if (v < 0 || tok_len(sc, i) > 2)
    return -1;
  *ntok = 1;
  if (adjacent(sc, i) && (tok_is(sc, i + 1, "st") || tok_is(sc, i + 1, "nd") ||
                          tok_is(sc, i + 1, "rd") || tok_is(sc, i + 1, "th")))
    *ntok = 2;
  else if (adjacent(sc, i) && sc->tk[i + 1].kind != TOK_PUNCT)
    return -1;
  return (int)v;
}

/* A number written as digits or words ("nine", "twenty-four", "a few"); tokens in *ntok. */
static long number_at(const scan *sc, size_t i, size_t *ntok)
{
  long v = tok_num(sc, i);
  if (v >= 0) {
    *ntok = 1;
    return v;
  }
  const ctix__assess_word *w = vocab(sc, i, sc->t->numbers, sc->t->nnumbers);
  if (!w)
    return -1;
  v = w->value;
  *ntok = 1;
  size_t j = i + 1;
  if (tok_punct(sc, j, '-') && adjacent(sc, i) && adjacent(sc, j))
    j++;
  const ctix__assess_word *w2 = vocab(sc, j, sc->t->numbers, sc->t->nnumbers);
  if (w2 && v >= 20 && v % 10 == 0 && w2->value < 10 && w2->value > 0) {
    v += w2->value;                           /* twenty-four */
    *ntok = j - i + 1;
  } else if (w2 && v == 1 && (w2->text[0] == 'f' || w2->text[0] == 'c')) {
    v = w2->value;                            /* a few, a couple (of) */
    *ntok = 2;
    if (tok_is(sc, i + 2, "of"))
      *ntok = 3;
  }
  return v;
}

static bool prep_before(const scan *sc, size_t i)
{
  if (i == 0)
    return false;
  /* "mid-March", "mid-2024" */
  if (tok_punct(sc, i - 1, '-') && i >= 2 && adjacent(sc, i - 2) && adjacent(sc, i - 1))
    return vocab(sc, i - 2, sc->t->preps, sc->t->npreps) != NULL;
  for (size_t k = 0; k < sc->t->npreps; k++) {
    const ctix__assess_word *w = &sc->t->preps[k];
    size_t s = sc->tk[i].s;
    /* the phrase must end just before token i, one space apart */
    if (s < w->len + 1 || sc->text[s - 1] != ' ')
      continue;
    if (ctix__assess_phrase_at(sc->text, sc->len, s - 1 - w->len, w->text, w->len))
      return true;
  }
  return false;
}

/* ----------------------------------------------------------- resolution */

static bool valid_ymd(int y, int m, int d)
{
  return y >= YEAR_MIN && y <= YEAR_MAX && d >= 1 && d <= ctix__assess_month_days(y, m);
}

/*
 * A month (and day, or 15 for a month alone) written without a year gets
 * the year, among the reference's and its neighbours, that puts it closest
 * to the reference date. False if no reference or no valid date.
 */
static bool infer_year(const scan *sc, int m, int d, int *y)
{
  if (!sc->has_ref)
    return false;
  long best = -1;
  for (int cand = sc->ry - 1; cand <= sc->ry + 1; cand++) {
    int dd = d ? d : 15;
    if (!valid_ymd(cand, m, dd))
      continue;
    long dist = labs(ctix__assess_days(cand, m, dd) - sc->ref_days);
    if (best < 0 || dist < best) {
      best = dist;
      *y = cand;
    }
  }
  return best >= 0;
}

static void set_days(match *mt, long days, int prec)
{
  ctix__assess_civil(days, &mt->y, &mt->m, &mt->d);
  mt->prec = prec;
  mt->has_date = mt->y >= YEAR_MIN && mt->y <= YEAR_MAX;
}

/* Monday of the week holding `days` (1970-01-01 was a Thursday). */
static long monday_of(long days)
{
  long wd = ((days % 7) + 7 + 3) % 7; /* 0 = Monday */
  return days - wd;
}

/* Resolves a relative unit/offset against the reference. */
static void resolve_relative(const scan *sc, match *mt, int unit, long off)
{
  mt->relative = true;
  if (!sc->has_ref) {
    mt->prec = unit == CTIX__REL_DAY     ? PREC_DAY
               : unit == CTIX__REL_MONTH ? PREC_MONTH
               : unit == CTIX__REL_YEAR  ? PREC_YEAR
                                         : PREC_WEEK;
    return;
  }
  switch (unit) {
  case CTIX__REL_DAY:
    set_days(mt, sc->ref_days + off, PREC_DAY);
    break;
  case CTIX__REL_WEEK:
    set_days(mt, monday_of(sc->ref_days + 7 * off), PREC_WEEK);
    break;
  case CTIX__REL_WEEKEND: {
    /* the Saturday on or before the reference, reported as its week */
    long wd = ((sc->ref_days % 7) + 7 + 3) % 7;
    long sat = sc->ref_days - ((wd - 5 + 7) % 7) + 7 * off;
    set_days(mt, monday_of(sat), PREC_WEEK);
    break;
  }
  case CTIX__REL_MONTH: {
    long idx = (long)sc->ry * 12 + (sc->rm - 1) + off;
    mt->y = (int)(idx / 12);
    mt->m = (int)(idx % 12) + 1;
    mt->d = 1;
    mt->prec = PREC_MONTH;
    mt->has_date = mt->y >= YEAR_MIN && mt->y <= YEAR_MAX;
    break;
  }
  default:
    mt->y = sc->ry + (int)off;
    mt->m = mt->d = 1;
    mt->prec = PREC_YEAR;
    mt->has_date = mt->y >= YEAR_MIN && mt->y <= YEAR_MAX;
    break;
  }
}

/* ------------------------------------------------------------------ patterns */

/* 2026-01-30 or 2026/01/30. */
static bool p_iso(const scan *sc, size_t i, match *mt)
{
  if (i + 4 >= sc->ntk || sc->tk[i].kind != TOK_NUM || tok_len(sc, i) != 4)
    return false;
  char sep = sc->text[sc->tk[i + 1].s];
  if ((sep != '-' && sep != '/') || !tok_punct(sc, i + 3, sep))
    return false;
  for (size_t k = i; k < i + 4; k++)
    if (!adjacent(sc, k))
      return false;
  if (tok_len(sc, i + 2) > 2 || tok_len(sc, i + 4) > 2 || sc->tk[i + 2].kind != TOK_NUM ||
      sc->tk[i + 4].kind != TOK_NUM)
    return false;
  size_t s = sc->tk[i].s, e = sc->tk[i + 4].e;
  if (s > 0 && (ctix__isalnum((unsigned char)sc->text[s - 1]) || sc->text[s - 1] == '-' ||
                sc->text[s - 1] == '/'))
    return false;
  if (e < sc->len && (ctix__isdigit((unsigned char)sc->text[e]) ||
                      ((sc->text[e] == '-' || sc->text[e] == '/') && e + 1 < sc->len &&
                       ctix__isdigit((unsigned char)sc->text[e + 1]))))
    return false;
  long y = tok_num(sc, i);
  if (y < YEAR_MIN || y > YEAR_MAX)
    return false;
  mt->ntok = 5;
  mt->s = s;
  mt->e = e;
  mt->y = (int)y;
  mt->m = (int)tok_num(sc, i + 2);
  mt->d = (int)tok_num(sc, i + 4);
  mt->prec = PREC_DAY;
  mt->has_date = true;
  if (!valid_ymd(mt->y, mt->m, mt->d))
    mt->invalid = true;
  return true;
}

/* Optional ',' then a year after token j; returns the year and sets *next. */
static int year_after(const scan *sc, size_t j, size_t *next)
{
  size_t k = j;
  if (tok_punct(sc, k, ','))
    k++;
  int y = year_at(sc, k);
  if (y < 0)
    return -1;
  *next = k + 1;
  return y;
}

/* "January 30, 2026", "Jan. 30", "January 30-31, 2026", "January 2026", "in March". */
static bool p_month_first(const scan *sc, size_t i, match *mt)
{
  bool full;
  const ctix__assess_word *mw = month_at(sc, i, &full);
  if (!mw)
    return false;
  size_t j = i + 1, nd = 0, next;
  if (!full && tok_punct(sc, j, '.') && adjacent(sc, i))
    j++;
  int d = day_at(sc, j, &nd), y;
  mt->s = sc->tk[i].s;
  mt->m = mw->value;
  if (d >= 0) {
    j += nd;
    size_t dayend = j;
    if (tok_punct(sc, j, '-') && tok_num(sc, j + 1) >= 0 && tok_len(sc, j + 1) <= 2)
      j += 2; /* a range: the first day is the event's */
    y = year_after(sc, j, &next);
    if (y < 0) {
      j = dayend;
      mt->relative = true;
      if (d < 1 || d > 31)
        mt->invalid = true;
      else if (!infer_year(sc, mw->value, d, &y))
        y = -1;
    } else {
      j = next;
    }
    mt->ntok = j - i;
    mt->e = sc->tk[j - 1].e;
    mt->prec = PREC_DAY;
    mt->d = d;
    if (!mt->invalid && y > 0) {
      mt->y = y;
      mt->has_date = true;
      mt->invalid = !valid_ymd(y, mw->value, d);
    }
    return true;
  }
  y = year_after(sc, j, &next);
  if (y >= 0) {
    mt->ntok = next - i;
    mt->e = sc->tk[next - 1].e;
    mt->prec = PREC_MONTH;
    mt->y = y;
    mt->d = 1;
    mt->has_date = true;
    return true;
  }
  /* A month alone: a full name (not May) after a preposition. */
  if (!full || mw->value == 5 || !prep_before(sc, i))
    return false;
  mt->ntok = j - i;
  mt->e = sc->tk[j - 1].e;
  mt->prec = PREC_MONTH;
  mt->relative = true;
  mt->d = 1;
  if (infer_year(sc, mw->value, 0, &y)) {
    mt->y = y;
    mt->has_date = true;
  }
  return true;
}

/* "30 January 2026", "30th of January", "1 Feb". */
static bool p_day_first(const scan *sc, size_t i, match *mt)
{
  size_t nd = 0, next;
  bool full;
  if (i > 0 && sc->tk[i - 1].e == sc->tk[i].s)
    return false; /* glued to what precedes: "v1", "1.30" */
  int d = day_at(sc, i, &nd);
  if (d < 0)
    return false;
  size_t j = i + nd;
  if (tok_is(sc, j, "of"))
    j++;
  const ctix__assess_word *mw = month_at(sc, j, &full);
  if (!mw)
    return false;
  j++;
  if (!full && tok_punct(sc, j, '.') && adjacent(sc, j - 1))
    j++;
  mt->s = sc->tk[i].s;
  mt->m = mw->value;
  mt->d = d;
  mt->prec = PREC_DAY;
  int y = year_after(sc, j, &next);
  if (y >= 0) {
    j = next;
  } else if (!full) {
    return false; /* "5 Mar" without a year is too ambiguous; a full name is needed */
  } else {
    mt->relative = true;
    if (d < 1 || d > 31)
      mt->invalid = true;
    else if (!infer_year(sc, mw->value, d, &y))
      y = -1;
  }
  mt->ntok = j - i;
  mt->e = sc->tk[j - 1].e;
  if (!mt->invalid && y > 0) {
    mt->y = y;
    mt->has_date = true;
    mt->invalid = !valid_ymd(y, mw->value, d);
  }
  return true;
}

/* A year after a preposition: "in 2024", "since 2019", "mid-2024". */
static bool p_year(const scan *sc, size_t i, match *mt)
{
  int y = year_at(sc, i);
  if (y < 0 || !prep_before(sc, i))
    return false;
  size_t s = sc->tk[i].s;
  if (s > 0 && (ctix__isalnum((unsigned char)sc->text[s - 1]) ||
                (sc->text[s - 1] == '-' && !(i >= 2 && tok_is(sc, i - 2, "mid")))))
    return false;
  mt->ntok = 1;
  mt->s = s;
  mt->e = sc->tk[i].e;
  mt->y = y;
  mt->m = mt->d = 1;
  mt->prec = PREC_YEAR;
  mt->has_date = true;
  return true;
}

/* "yesterday", "last week", "earlier this month" (data), "three days ago". */
static bool p_relative(const scan *sc, size_t i, match *mt)
{
  size_t n = 0;
  const ctix__assess_word *w = vocab_phrase(sc, i, sc->t->relatives, sc->t->nrelatives, &n);
  if (w) {
    mt->ntok = n;
    mt->s = sc->tk[i].s;
    mt->e = sc->tk[i + n - 1].e;
    resolve_relative(sc, mt, w->unit, w->value);
    return true;
  }
  long v = number_at(sc, i, &n);
  if (v < 0)
    return false;
  const ctix__assess_word *u = vocab(sc, i + n, sc->t->units, sc->t->nunits);
  if (!u || !tok_is(sc, i + n + 1, "ago") || v > 100000)
    return false;
  mt->ntok = n + 2;
  mt->s = sc->tk[i].s;
  mt->e = sc->tk[i + n + 1].e;
  if (u->value == 0)
    resolve_relative(sc, mt, CTIX__REL_DAY, 0);
  else if (u->value == 1)
    resolve_relative(sc, mt, CTIX__REL_DAY, -v);
  else if (u->value == 7)
    resolve_relative(sc, mt, CTIX__REL_WEEK, -v);
  else if (u->value < 365)
    resolve_relative(sc, mt, CTIX__REL_MONTH, -v);
  else
    resolve_relative(sc, mt, CTIX__REL_YEAR, -v);
  return true;
}

/*
 * "on Monday", "last Friday" (a preposition is needed): the latest such day
 * on or before the reference.
 */
static bool p_weekday(const scan *sc, size_t i, match *mt)
{
  const ctix__assess_word *w = vocab(sc, i, sc->t->weekdays, sc->t->nweekdays);
  bool full;
  size_t nd;
  if (!w || !capitalised(sc, i))
    return false;
  if (!prep_before(sc, i))
    return false; /* "on Monday", "last Friday"; not "Patch Tuesday" */
  /* "Monday, January 26, 2026": the date that follows says it */
  size_t j = i + 1;
  if (tok_punct(sc, j, ','))
    j++;
  if (month_at(sc, j, &full) || day_at(sc, j, &nd) >= 0)
    return false;
  mt->ntok = 1;
  mt->s = sc->tk[i].s;
  mt->e = sc->tk[i].e;
  mt->relative = true;
  mt->prec = PREC_DAY;
  if (sc->has_ref) {
    long rwd = ((sc->ref_days % 7) + 7 + 3) % 7;
    set_days(mt, sc->ref_days - ((rwd - w->value + 7) % 7), PREC_DAY);
  }
  return true;
}

/* "within nine hours", "for about three weeks", "after a few days". */
static bool p_duration(const scan *sc, size_t i, match *mt)
{
  size_t n = 0;
  if (!vocab(sc, i, sc->t->durations, sc->t->ndurations))
    return false;
  size_t j = i + 1;
  if (vocab_phrase(sc, j, sc->t->approx, sc->t->napprox, &n))
    j += n;
  long v = number_at(sc, j, &n);
  if (v < 0)
    return false;
  j += n;
  if (tok_punct(sc, j, '-') && tok_num(sc, j + 1) >= 0) /* "24-48 hours" */
    j += 2;
  if (!vocab(sc, j, sc->t->units, sc->t->nunits) || tok_is(sc, j + 1, "ago"))
    return false;
  mt->ntok = j + 1 - i;
  mt->s = sc->tk[i].s;
  mt->e = sc->tk[j].e;
  mt->prec = PREC_DURATION;
  return true;
}

typedef bool (*pattern_fn)(const scan *sc, size_t i, match *mt);

/* Tried in this order at each token; the first that matches wins. */
static const pattern_fn patterns[] = {p_relative, p_iso,     p_month_first, p_day_first,
                                      p_year,     p_weekday, p_duration};

/* ------------------------------------------------------------------ triggers */

/*
 * The label of the trigger nearest to [s, e) in sentence [a, b): strong
 * triggers (verbs) before weak ones, then the shortest distance, where a
 * trigger after the date counts four times as far (English puts the verb
 * first: "detected ... on DATE and contained ..."). NULL if none.
 */
static const char *nearest_trigger(const scan *sc, size_t a, size_t b, size_t s, size_t e)
{
  const char *best = NULL;
  size_t bestd = (size_t)-1;
  int bestrank = 3;
  const ctix__assess_tables *t = sc->t;
  for (size_t p = a; p < b; p++) {
    if (p > a && ctix__isalnum((unsigned char)sc->text[p - 1]))
      continue;
    if (!ctix__isalpha((unsigned char)sc->text[p]))
      continue;
    for (size_t k = 0; k < t->ntriggers; k++) {
      const ctix__assess_word *w = &t->triggers[k];
      if (p + w->len > b || !ctix__assess_phrase_at(sc->text, b, p, w->text, w->len))
        continue;
      size_t te = p + w->len;
      if (te > s && p < e)
        break; /* inside the date expression itself */
      size_t d = te <= s ? s - te : 4 * (p - e + 1);
      if (w->value < bestrank || (w->value == bestrank && d < bestd)) {
        bestrank = w->value;
        bestd = d;
        best = w->label;
      }
      p = te - 1;
      break;
    }
  }
  return best;
}

/* ------------------------------------------------------------------ driver */

static int event_cmp(const void *pa, const void *pb)
{
  const ctix_event *a = pa, *b = pb;
  if ((a->date == NULL) != (b->date == NULL))
    return a->date ? -1 : 1;
  if (a->date) {
    int c = strcmp(a->date, b->date);
    if (c)
      return c;
  }
  return a->start < b->start ? -1 : a->start > b->start;
}

/* Adds the event of match mt in sentence `si`. */
static int emit(ctix_buf *out, ctix_arena *arena, const scan *sc, const match *mt, size_t si,
                const char *what, ctix_error *err)
{
  ctix_event ev;
  char date[16];
  memset(&ev, 0, sizeof(ev));
  if (CTIX__BUF_COUNT(out, ctix_event) >= MAX_EVENTS)
    return 0; /* a pathological input: the first MAX_EVENTS events are kept */
  if (mt->has_date) {
    if (mt->prec == PREC_YEAR)
      snprintf(date, sizeof(date), "%04d", mt->y);
    else if (mt->prec == PREC_MONTH)
      snprintf(date, sizeof(date), "%04d-%02d", mt->y, mt->m);
    else
      snprintf(date, sizeof(date), "%04d-%02d-%02d", mt->y, mt->m, mt->d);
    ev.date = ctix__arena_strdup(arena, date);
    if (!ev.date)
      return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  }
  ev.precision = prec_names[mt->prec];
  ev.what = what;
  ev.expression = ctix__arena_strndup(arena, sc->text + mt->s, mt->e - mt->s);
  ev.start = mt->s;
  ev.end = mt->e;
  ev.sentence = si;
  ev.relative = mt->relative;
  if (!ev.expression || ctix__buf_push(out, &ev, sizeof(ev)))
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  return 0;
}

int ctix__assess_timeline(ctix_buf *out, ctix_arena *arena, const ctix_document *doc,
                          const char *reference, ctix_error *err)
{
  int rc = 0;
  const ctix__assess_tables *t;
  ctix_buf toks = CTIX_BUF_INIT((size_t)1 << 30);
  ctix_buf found = CTIX_BUF_INIT((size_t)1 << 24);
  scan sc;
  memset(&sc, 0, sizeof(sc));
  if ((rc = ctix__assess_tables_get(&t, err)))
    return rc;
  sc.t = t;
  sc.text = doc->text;
  sc.len = doc->len;
  if (reference && ctix__assess_parse_ymd(reference, &sc.ry, &sc.rm, &sc.rd) == 0) {
    sc.has_ref = true;
    sc.ref_days = ctix__assess_days(sc.ry, sc.rm, sc.rd);
  }
  size_t first = CTIX__BUF_COUNT(out, ctix_event);
  for (size_t si = 0; si < doc->nsentences; si++) {
    const ctix_sentence *sent = &doc->sentences[si];
    if (sent->block < doc->nblocks && doc->blocks[sent->block].kind == CTIX_BLOCK_CODE)
      continue;
    size_t a = sent->span.start, b = sent->span.end;
    if (b > doc->len || a >= b)
      continue;
    if ((rc = tokenize(&toks, doc->text, a, b)))
      goto nomem;
    sc.tk = (const tok *)(const void *)toks.data;
    sc.ntk = CTIX__BUF_COUNT(&toks, tok);
    ctix__buf_reset(&found);
    for (size_t i = 0; i < sc.ntk;) {
      match mt;
      bool hit = false;
      /* only numbers and the first words of the vocabulary start an expression */
      if (sc.tk[i].kind == TOK_PUNCT ||
          (sc.tk[i].kind == TOK_WORD &&
           !ctix__assess_lex_has(t, doc->text + sc.tk[i].s, sc.tk[i].e - sc.tk[i].s))) {
        i++;
        continue;
      }
      for (size_t p = 0; p < sizeof(patterns) / sizeof(patterns[0]) && !hit; p++) {
        memset(&mt, 0, sizeof(mt));
        hit = patterns[p](&sc, i, &mt) && mt.ntok > 0;
      }
      if (!hit) {
        i++;
        continue;
      }
      if (!mt.invalid && ctix__buf_push(&found, &mt, sizeof(mt)))
        goto nomem;
      i += mt.ntok;
    }
    size_t nf = CTIX__BUF_COUNT(&found, match);
    for (size_t k = 0; k < nf; k++) {
      const match *mt = &CTIX__BUF_AT(&found, match, k);
      const char *what = nearest_trigger(&sc, a, b, mt->s, mt->e);
      if (!what && mt->prec == PREC_DURATION)
        continue;
      if ((rc = emit(out, arena, &sc, mt, si, what ? what : "mentioned", err)))
        goto done;
    }
  }
  if (out->err)
    goto nomem;
  size_t n = CTIX__BUF_COUNT(out, ctix_event) - first;
  if (n > 1)
    qsort(&CTIX__BUF_AT(out, ctix_event, first), n, sizeof(ctix_event), event_cmp);
  goto done;
nomem:
  rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
done:
  ctix__buf_free(&toks);
  ctix__buf_free(&found);
  return rc;
}
