/*
 * `ctix kb search`: ranked word search over the names, aliases and ids of
 * every object and the vendor, product and name of every KEV entry. A
 * linear scan (a few thousand objects, well under a millisecond); the
 * score rewards exact names, then prefixes, then names holding every
 * query word, and penalises revoked and deprecated objects.
 */
#include <stdlib.h>
#include <string.h>

#include "kb/kb_internal.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/str.h"

#define MAX_WORDS 16
#define MAX_WORD 64
#define MAX_QUERY 1024

/* Scores, best first. */
enum {
  SCORE_EXACT = 1000,
  SCORE_PREFIX = 800,
  SCORE_WORDS = 600,
  SCORE_WORD_PREFIXES = 400,
  SCORE_SUBSTRINGS = 200,
  BONUS_NAME = 5,
  BONUS_ID = 10,
  PENALTY_INACTIVE = 300,
  PENALTY_EXTRA_WORD = 5
};

typedef struct query {
  char text[MAX_QUERY];   /* trimmed, NUL-terminated */
  size_t len;
  char words[MAX_WORDS][MAX_WORD];
  size_t wlen[MAX_WORDS];
  size_t nwords;
} query;

/* Splits the query into lower-case alphanumeric words. */
static void parse_query(query *q, const char *s)
{
  size_t i = 0, n = strlen(s), len = n;
  const char *t = ctix__trim(s, &len);
  memset(q, 0, sizeof(*q));
  q->len = len < MAX_QUERY ? len : MAX_QUERY - 1;
  memcpy(q->text, t, q->len);
  while (i < n && q->nwords < MAX_WORDS) {
    size_t k = 0;
    while (i < n && !ctix__isalnum((unsigned char)s[i]))
      i++;
    while (i < n && ctix__isalnum((unsigned char)s[i])) {
      if (k + 1 < MAX_WORD)
        q->words[q->nwords][k++] = (char)ctix__lower((unsigned char)s[i]);
      i++;
    }
    if (k) {
      q->wlen[q->nwords] = k;
      q->nwords++;
    }
  }
}

/* How well string s matches the query; 0 for no match. */
static int score_str(const query *q, const char *s)
{
  size_t n = strlen(s), i, w, swords = 0, whole = 0, prefix = 0, sub = 0;
  bool got_whole[MAX_WORDS] = {false}, got_prefix[MAX_WORDS] = {false};
  if (!q->len || !n)
    return 0;
  if (ctix__mem_ieq(s, n, q->text))
    return SCORE_EXACT;
  if (n > q->len && ctix__mem_istarts(s, n, q->text) && !ctix__isalnum((unsigned char)s[q->len]))
    return SCORE_PREFIX;
  if (!q->nwords)
    return 0;
  /* Word-by-word: each word of s against each query word. */
  for (i = 0; i < n;) {
    size_t start;
    while (i < n && !ctix__isalnum((unsigned char)s[i]))
      i++;
    start = i;
    while (i < n && ctix__isalnum((unsigned char)s[i]))
      i++;
    if (i == start)
      break;
    swords++;
    for (w = 0; w < q->nwords; w++) {
      size_t k, wl = q->wlen[w];
      if (wl > i - start)
        continue;
      for (k = 0; k < wl && ctix__lower((unsigned char)s[start + k]) == q->words[w][k]; k++)
        ;
      if (k == wl) {
        got_prefix[w] = true;
        if (wl == i - start)
          got_whole[w] = true;
      }
    }
  }
  for (w = 0; w < q->nwords; w++) {
    whole += got_whole[w];
    prefix += got_prefix[w];
    sub += ctix__mem_ifind(s, n, q->words[w]) != NULL;
  }
  /* Extra words in s (beyond the query's) cost a little each. */
  if (whole == q->nwords)
    return SCORE_WORDS - PENALTY_EXTRA_WORD * (int)(swords > whole ? swords - whole : 0);
  if (prefix == q->nwords)
    return SCORE_WORD_PREFIXES - PENALTY_EXTRA_WORD * (int)(swords > prefix ? swords - prefix : 0);
  if (sub == q->nwords)
    return SCORE_SUBSTRINGS;
  return 0;
}

/* Is the query the id of this id's parent ("T1059" for "T1059.001")? */
static bool id_parent(const char *id, const query *q)
{
  size_t n = strlen(id);
  return n > q->len && id[q->len] == '.' && ctix__mem_istarts(id, n, q->text);
}

static int cmp_hit(const void *pa, const void *pb)
{
  const ctix_kb_hit *a = pa, *b = pb;
  if (a->score != b->score)
    return a->score > b->score ? -1 : 1;
  /* Objects (in table order) before KEV entries. */
  if (a->ref != b->ref)
    return a->ref < b->ref ? -1 : 1;
  return a->kev < b->kev ? -1 : a->kev > b->kev;
}

/* Keeps the better of (score, matched) and a candidate. */
static void consider(int *best, const char **matched, int score, const char *s)
{
  if (score > *best) {
    *best = score;
    *matched = s;
  }
}

int ctix_kb_search(ctix_kb_hit *out, size_t max, size_t *total, const ctix_kb *kb,
                   const char *query_text, ctix_error *err)
{
  ctix_buf hits = CTIX_BUF_INIT((size_t)64 * 1024 * 1024);
  query q;
  size_t i, k, n;
  *total = 0;
  parse_query(&q, query_text ? query_text : "");
  if (!q.len)
    return 0;
  for (i = 0; i < kb->nobjs; i++) {
    const ctix__kb_obj *o = &kb->objs[i];
    const char *matched = NULL, *s;
    int best = 0, sc;
    s = ctix__kb_str(kb, o->id);
    if (s[0] && ctix__mem_ieq(s, strlen(s), q.text))
      consider(&best, &matched, SCORE_EXACT + BONUS_ID, s);
    else if (id_parent(s, &q))
      consider(&best, &matched, SCORE_PREFIX + BONUS_ID, s);
    s = ctix__kb_str(kb, o->name);
    if ((sc = score_str(&q, s)))
      consider(&best, &matched, sc + BONUS_NAME, s);
    for (k = 0; k < ctix__kb_list_count(kb, o->aliases); k++) {
      s = ctix__kb_str(kb, ctix__kb_list_items(kb, o->aliases)[k]);
      consider(&best, &matched, score_str(&q, s), s);
    }
    if (best <= 0)
      continue;
    if (o->flags & (CTIX_KB_REVOKED | CTIX_KB_DEPRECATED))
      best -= PENALTY_INACTIVE;
    {
      ctix_kb_hit h = {(ctix_kb_ref)i, 0, best, matched};
      ctix__buf_push(&hits, &h, sizeof(h));
    }
  }
  for (i = 0; i < kb->nkev; i++) {
    const ctix__kb_kevrec *r = &kb->kev[i];
    const char *matched = NULL, *s;
    int best = 0;
    s = ctix__kb_str(kb, r->cve);
    if (ctix__mem_ieq(s, strlen(s), q.text))
      consider(&best, &matched, SCORE_EXACT + BONUS_ID, s);
    s = ctix__kb_str(kb, r->name);
    consider(&best, &matched, score_str(&q, s), s);
    s = ctix__kb_str(kb, r->product);
    consider(&best, &matched, score_str(&q, s), s);
    s = ctix__kb_str(kb, r->vendor);
    consider(&best, &matched, score_str(&q, s), s);
    if (best > 0) {
      ctix_kb_hit h = {CTIX_KB_NONE, i, best, matched};
      ctix__buf_push(&hits, &h, sizeof(h));
    }
  }
  if (hits.err) {
    ctix__buf_free(&hits);
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory while searching");
  }
  n = CTIX__BUF_COUNT(&hits, ctix_kb_hit);
  *total = n;
  if (n)
    qsort(hits.data, n, sizeof(ctix_kb_hit), cmp_hit);
  for (i = 0; i < n && i < max; i++)
    out[i] = CTIX__BUF_AT(&hits, ctix_kb_hit, i);
  ctix__buf_free(&hits);
  return 0;
}
