/*
 * The vocabularies of the entity stage and the word tokens it reads.
 *
 * The lexicon is parsed once per process from the embedded copies of
 * data/entity (data.c): ambiguous aliases, countries and regions, sectors
 * and their trigger words, name rules, tracking-id designators, supporting
 * context words and stop names. A malformed line is an error naming the
 * file and line (the data ships with the library, so this is a build
 * defect, caught by the unit tests). The tokenizer cuts each sentence
 * into words and punctuation marks with byte offsets.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "entity/entity_internal.h"
#include "util/err.h"
#include "util/str.h"

/* ------------------------------------------------------------- string map */

static uint32_t smap_hash(const char *s, size_t n)
{
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

void ctix__smap_free(ctix__smap *m)
{
  free(m->slots);
  m->slots = NULL;
  m->cap = m->count = 0;
}

/* Doubles the table (or creates it). */
static int smap_grow(ctix__smap *m)
{
  size_t cap = m->cap ? m->cap * 2 : 64;
  ctix__smap_slot *slots = calloc(cap, sizeof(*slots));
  if (!slots)
    return CTIX_ENOMEM;
  for (size_t i = 0; i < m->cap; i++) {
    const ctix__smap_slot *s = &m->slots[i];
    if (!s->key)
      continue;
    size_t j = smap_hash(s->key, s->len) & (cap - 1);
    while (slots[j].key)
      j = (j + 1) & (cap - 1);
    slots[j] = *s;
  }
  free(m->slots);
  m->slots = slots;
  m->cap = cap;
  return 0;
}

int ctix__smap_put(ctix__smap *m, const char *key, size_t len, uint32_t val, uint32_t *old)
{
  if (len > UINT32_MAX)
    return CTIX_EINVAL;
  if ((m->count + 1) * 2 > m->cap && smap_grow(m))
    return CTIX_ENOMEM;
  size_t j = smap_hash(key, len) & (m->cap - 1);
  for (; m->slots[j].key; j = (j + 1) & (m->cap - 1)) {
    if (m->slots[j].len == len && memcmp(m->slots[j].key, key, len) == 0) {
      if (old)
        *old = m->slots[j].val;
      return 0;
    }
  }
  m->slots[j].key = key;
  m->slots[j].len = (uint32_t)len;
  m->slots[j].val = val;
  m->count++;
  if (old)
    *old = UINT32_MAX;
  return 0;
}

uint32_t ctix__smap_get(const ctix__smap *m, const char *key, size_t len)
{
  if (!m->cap)
    return UINT32_MAX;
  size_t j = smap_hash(key, len) & (m->cap - 1);
  for (; m->slots[j].key; j = (j + 1) & (m->cap - 1))
    if (m->slots[j].len == len && memcmp(m->slots[j].key, key, len) == 0)
      return m->slots[j].val;
  return UINT32_MAX;
}

/* ---------------------------------------------------------------- parsing */

/* The lexicon's strings live in one arena that is never released. */
static ctix_arena lex_arena;
static ctix__lexicon lex;
static ctix_error lex_err;
static int lex_rc;
static pthread_once_t lex_once = PTHREAD_ONCE_INIT;

/* A lower-cased, white-space-collapsed copy of s[0..n) in the arena. */
static char *lower_dup(const char *s, size_t n, size_t *outlen)
{
  char *p = ctix__arena_alloc(&lex_arena, n + 1);
  size_t k = 0;
  bool space = false;
  if (!p)
    return NULL;
  for (size_t i = 0; i < n; i++) {
    if (ctix__isspace(s[i])) {
      space = k > 0;
      continue;
    }
    if (space)
      p[k++] = ' ';
    space = false;
    p[k++] = (char)ctix__lower((unsigned char)s[i]);
  }
  p[k] = '\0';
  *outlen = k;
  return p;
}

/* One line of a data file split on tabs. */
typedef struct line_fields {
  const char *f[6];
  size_t n[6];
  size_t count;
} line_fields;

static void split_tabs(line_fields *lf, const char *s, size_t n)
{
  size_t start = 0;
  lf->count = 0;
  for (size_t i = 0; i <= n && lf->count < 6; i++) {
    if (i == n || s[i] == '\t') {
      lf->f[lf->count] = s + start;
      lf->n[lf->count] = i - start;
      lf->count++;
      start = i + 1;
    }
  }
}

/* Calls fn for each non-empty, non-comment line of an embedded file. */
typedef int (*line_fn)(const char *file, unsigned lineno, const char *s, size_t n);

static int for_lines(const char *file, line_fn fn)
{
  size_t len, i = 0;
  unsigned lineno = 0;
  const char *d = ctix__entity_data(file, &len);
  if (!d)
    return ctix__error_set(&lex_err, CTIX_ENOTFOUND, "data/entity/%s is not embedded", file);
  while (i < len) {
    size_t e = i;
    while (e < len && d[e] != '\n')
      e++;
    lineno++;
    size_t n = e - i;
    if (n && d[i + n - 1] == '\r')
      n--;
    if (n && d[i] != '#') {
      int rc = fn(file, lineno, d + i, n);
      if (rc)
        return rc;
    }
    i = e + 1;
  }
  return 0;
}

static int bad_line(const char *file, unsigned lineno, const char *what)
{
  return ctix__error_set_lc(&lex_err, CTIX_EPARSE, lineno, 1, "data/entity/%s: %s", file, what);
}

/* Adds every "|"-separated word of s[0..n) to map m with value v. */
static int add_alternatives(ctix__smap *m, const char *s, size_t n, uint32_t v, ctix__smap *prefixes)
{
  size_t start = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i < n && s[i] != '|')
      continue;
    size_t len;
    const char *w = s + start;
    size_t wn = i - start;
    start = i + 1;
    w = ctix__trim(w, &wn);
    if (!wn)
      continue;
    bool star = w[wn - 1] == '*';
    char *key = lower_dup(w, star ? wn - 1 : wn, &len);
    if (!key)
      return CTIX_ENOMEM;
    if (!len)
      continue;
    if (ctix__smap_put(star && prefixes ? prefixes : m, key, len, v, NULL))
      return CTIX_ENOMEM;
  }
  return 0;
}

static int ambiguous_line(const char *file, unsigned lineno, const char *s, size_t n)
{
  static const struct {
    const char *name;
    ctix__amb amb;
  } whys[] = {{"word", CTIX__AMB_WORD},
              {"short", CTIX__AMB_SHORT},
              {"phrase", CTIX__AMB_PHRASE},
              {"utility", CTIX__AMB_UTILITY}};
  line_fields lf;
  size_t len;
  split_tabs(&lf, s, n);
  if (lf.count != 2 || !lf.n[0])
    return bad_line(file, lineno, "expected 'alias<TAB>why'");
  for (size_t i = 0; i < sizeof(whys) / sizeof(whys[0]); i++) {
    if (ctix__mem_ieq(lf.f[1], lf.n[1], whys[i].name)) {
      char *key = lower_dup(lf.f[0], lf.n[0], &len);
      if (!key || ctix__smap_put(&lex.ambiguous, key, len, whys[i].amb, NULL))
        return CTIX_ENOMEM;
      return 0;
    }
  }
  return bad_line(file, lineno, "unknown reason (word, short, phrase or utility)");
}

static ctix_buf tool_buf = CTIX_BUF_INIT((size_t)1 << 24);

/* A copy of one name of tools.tsv, or NULL with *rc set: a name must hold
 * something other than white space and stay under TOOL_NAME_MAX bytes. */
#define TOOL_NAME_MAX 100
static const char *tool_name(const char *file, unsigned lineno, const char *s, size_t n, int *rc)
{
  size_t len = n;
  const char *t = ctix__trim(s, &len);
  char *out;
  if (!len || n >= TOOL_NAME_MAX) {
    *rc = bad_line(file, lineno, len ? "a name of 100 bytes or more" : "an empty name");
    return NULL;
  }
  if (!(out = ctix__arena_strndup(&lex_arena, t, len)))
    *rc = CTIX_ENOMEM;
  return out;
}

/* One line of tools.tsv: name, why (-, word or phrase), other names. */
static int tool_line(const char *file, unsigned lineno, const char *s, size_t n)
{
  ctix__listed_tool t;
  line_fields lf;
  int rc = 0;
  split_tabs(&lf, s, n);
  if (lf.count != 3 || !lf.n[0] || !lf.n[1] || !lf.n[2])
    return bad_line(file, lineno, "expected 'name<TAB>why<TAB>other|names'");
  memset(&t, 0, sizeof(t));
  if (ctix__mem_ieq(lf.f[1], lf.n[1], "word"))
    t.amb = CTIX__AMB_WORD;
  else if (ctix__mem_ieq(lf.f[1], lf.n[1], "phrase"))
    t.amb = CTIX__AMB_PHRASE;
  else if (ctix__mem_ieq(lf.f[1], lf.n[1], "-"))
    t.amb = CTIX__AMB_NONE;
  else
    return bad_line(file, lineno, "unknown reason (-, word or phrase)");
  if (!(t.name = tool_name(file, lineno, lf.f[0], lf.n[0], &rc)))
    return rc;
  if (!ctix__mem_ieq(lf.f[2], lf.n[2], "-")) {
    const char *a = lf.f[2], *end = lf.f[2] + lf.n[2];
    size_t na = 1;
    for (const char *p = a; p < end; p++)
      na += *p == '|';
    const char **al = ctix__arena_calloc(&lex_arena, na, sizeof(*al));
    if (!al)
      return CTIX_ENOMEM;
    for (const char *p = a;; p++) {
      if (p < end && *p != '|')
        continue;
      if (!(al[t.naliases++] = tool_name(file, lineno, a, (size_t)(p - a), &rc)))
        return rc;
      if (p == end)
        break;
      a = p + 1;
    }
    t.aliases = al;
  }
  return ctix__buf_push(&tool_buf, &t, sizeof(t)) ? CTIX_ENOMEM : 0;
}

/* Reports line `lineno` of `file` as holding an unusable legal form. */
static int bad_form(const char *file, unsigned lineno, const char *what, const char *s, size_t n)
{
  return ctix__error_set_lc(&lex_err, CTIX_EPARSE, lineno, 1, "data/entity/%s: legal form \"%.*s\": %s",
                            file, (int)n, s, what);
}

/* The key of the legal form s[0..n) of legalforms.txt in
 * key[CTIX__LEGAL_MAX_KEY]: the form with dots and commas left out and
 * white space collapsed, case kept ("Co., Ltd." -> "Co Ltd"); *comma:
 * written with a leading ", " (also written after a comma). Reports a
 * form the matcher could never find: more than CTIX__LEGAL_MAX_WORDS
 * words, a word longer than CTIX__LEGAL_MAX_WORD bytes, a key too long
 * for the matcher's CTIX__LEGAL_MAX_KEY bytes (over 30), a character
 * other than a letter, dot, comma or space ("S/A"), a form listed twice. */
static int legal_key(const char *file, unsigned lineno, const char *s, size_t n, char *key, size_t *klen,
                     bool *comma)
{
  size_t k = 0, words = 0, wlen = 0;
  bool space = false;
  s = ctix__trim(s, &n);
  *comma = n && s[0] == ',';
  if (*comma) {
    n--;
    s = ctix__trim(s + 1, &n);
  }
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '.' || c == ',') {
      /* Inside a word the dot is part of its token ("S.A" of "S.A."). */
      wlen += c == '.' && i + 1 < n && !ctix__isspace((unsigned char)s[i + 1]) && s[i + 1] != ',';
      continue;
    }
    if (ctix__isspace(c)) {
      space = k > 0;
      continue;
    }
    if (!ctix__isalpha(c) && c < 0x80)
      return bad_form(file, lineno, "only letters, dots, commas and spaces", s, n);
    if (space || k == 0) {
      words++;
      wlen = 0;
    }
    if (k + 2 >= CTIX__LEGAL_MAX_KEY)
      return bad_form(file, lineno, "too long", s, n);
    if (space)
      key[k++] = ' ';
    space = false;
    key[k++] = (char)c;
    if (++wlen > CTIX__LEGAL_MAX_WORD)
      return bad_form(file, lineno, "a word is too long", s, n);
  }
  key[k] = '\0';
  *klen = k;
  if (!k || words > CTIX__LEGAL_MAX_WORDS)
    return bad_form(file, lineno, "not one to three words", s, n);
  if (ctix__smap_get(&lex.legal_forms, key, k) != UINT32_MAX)
    return bad_form(file, lineno, "listed twice", s, n);
  return 0;
}

/* One legal form of legalforms.txt (legal_key). */
static int legal_line(const char *file, unsigned lineno, const char *s, size_t n)
{
  char buf[CTIX__LEGAL_MAX_KEY];
  size_t k;
  bool comma;
  int rc = legal_key(file, lineno, s, n, buf, &k, &comma);
  if (rc)
    return rc;
  char *key = ctix__arena_strndup(&lex_arena, buf, k);
  if (!key)
    return CTIX_ENOMEM;
  uint32_t v = CTIX__LEGAL_FORM | (comma ? CTIX__LEGAL_COMMA : 0u);
  const char *last = strrchr(key, ' ');
  last = last ? last + 1 : key;
  return ctix__smap_put(&lex.legal_forms, key, k, v, NULL) ||
                 ctix__smap_put(&lex.legal_last, last, k - (size_t)(last - key), 1, NULL)
             ? CTIX_ENOMEM
             : 0;
}

static ctix_buf place_buf = CTIX_BUF_INIT((size_t)1 << 24);
static ctix_buf sector_buf = CTIX_BUF_INIT((size_t)1 << 24);
static ctix_buf rule_buf = CTIX_BUF_INIT((size_t)1 << 24);
static ctix_buf desig_buf = CTIX_BUF_INIT((size_t)1 << 24);
static ctix_buf anchor_rule_buf = CTIX_BUF_INIT((size_t)1 << 24);
static ctix_buf anchor_next_buf = CTIX_BUF_INIT((size_t)1 << 24);

static int country_line(const char *file, unsigned lineno, const char *s, size_t n)
{
  line_fields lf;
  ctix__place p;
  uint32_t idx = (uint32_t)CTIX__BUF_COUNT(&place_buf, ctix__place);
  split_tabs(&lf, s, n);
  if (lf.count < 2 || lf.count > 3 || !lf.n[0] || !lf.n[1])
    return bad_line(file, lineno, "expected 'id<TAB>name[<TAB>other|names]'");
  p.id = ctix__arena_strndup(&lex_arena, lf.f[0], lf.n[0]);
  p.name = ctix__arena_strndup(&lex_arena, lf.f[1], lf.n[1]);
  if (!p.id || !p.name || ctix__buf_push(&place_buf, &p, sizeof(p)))
    return CTIX_ENOMEM;
  if (add_alternatives(&lex.places, lf.f[1], lf.n[1], idx, NULL))
    return CTIX_ENOMEM;
  if (lf.count == 3 && add_alternatives(&lex.places, lf.f[2], lf.n[2], idx, NULL))
    return CTIX_ENOMEM;
  return 0;
}

static int sector_line(const char *file, unsigned lineno, const char *s, size_t n)
{
  line_fields lf;
  ctix__sector sec;
  uint32_t idx = (uint32_t)CTIX__BUF_COUNT(&sector_buf, ctix__sector);
  int rc;
  split_tabs(&lf, s, n);
  if ((lf.count != 3 && lf.count != 4) || !lf.n[0] || !lf.n[1] || !lf.n[2])
    return bad_line(file, lineno, "expected 'key<TAB>label<TAB>trigger|words[<TAB>targeted-only|words]'");
  sec.key = ctix__arena_strndup(&lex_arena, lf.f[0], lf.n[0]);
  sec.label = ctix__arena_strndup(&lex_arena, lf.f[1], lf.n[1]);
  if (!sec.key || !sec.label || ctix__buf_push(&sector_buf, &sec, sizeof(sec)))
    return CTIX_ENOMEM;
  if ((rc = add_alternatives(&lex.sector_words, lf.f[2], lf.n[2], idx, &lex.sector_prefixes)))
    return rc;
  /* Words that name the sector only where something is targeted. */
  if (lf.count == 4 && lf.n[3])
    rc = add_alternatives(&lex.sector_words, lf.f[3], lf.n[3], idx | CTIX__SECTOR_TARGETED_ONLY,
                          &lex.sector_prefixes);
  return rc;
}

static ctix__smap *stop_section = &lex.stop_trim;

/* The sections of stopnames.txt after its first (stop_trim), by heading. */
static const struct {
  const char *heading;
  ctix__smap *map;
} stop_sections[] = {
    {"[whole]", &lex.stop_whole},   {"[suffix]", &lex.stop_suffix},
    {"[alone]", &lex.stop_alone},   {"[generic]", &lex.generic_org},
    {"[not-victim]", &lex.not_victim}, {"[reporter]", &lex.reporter},
};

static int stop_line(const char *file, unsigned lineno, const char *s, size_t n)
{
  size_t len;
  s = ctix__trim(s, &n);
  if (!n)
    return 0;
  if (s[0] == '[') {
    for (size_t i = 0; i < sizeof(stop_sections) / sizeof(stop_sections[0]); i++)
      if (ctix__mem_ieq(s, n, stop_sections[i].heading)) {
        stop_section = stop_sections[i].map;
        return 0;
      }
    return bad_line(file, lineno, "unknown section");
  }
  char *key = lower_dup(s, n, &len);
  if (!key || ctix__smap_put(stop_section, key, len, 1, NULL))
    return CTIX_ENOMEM;
  return 0;
}

/* The entity kind named by a rule's kind column. */
static int rule_kind(const char *s, size_t n)
{
  static const struct {
    const char *name;
    int kind;
  } kinds[] = {{"group", CTIX_ENTITY_GROUP},       {"malware", CTIX_ENTITY_MALWARE},
               {"tool", CTIX_ENTITY_TOOL},         {"campaign", CTIX_ENTITY_CAMPAIGN},
               {"victim", CTIX_ENTITY_VICTIM},     {"group+malware", CTIX__RULE_GROUP_MALWARE},
               {"same", CTIX__RULE_SAME}};
  for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
    if (ctix__mem_ieq(s, n, kinds[i].name))
      return kinds[i].kind;
  return -1;
}

/* Parses a confidence "0.55" (two decimals at most) into *out. */
static bool parse_conf(float *out, const char *s, size_t n)
{
  unsigned v = 0, scale = 1;
  bool dot = false;
  if (n < 1 || n > 4 || s[0] != '0')
    return n == 1 && s[0] == '1' ? (*out = 1.0f, true) : false;
  for (size_t i = 1; i < n; i++) {
    if (s[i] == '.' && !dot && i == 1) {
      dot = true;
    } else if (dot && ctix__isdigit((unsigned char)s[i])) {
      v = v * 10 + (unsigned)(s[i] - '0');
      scale *= 10;
    } else {
      return false;
    }
  }
  *out = (float)v / (float)scale;
  return true;
}

/* Parses the elements of one pattern into a rule. */
/* Named word classes of patterns.tsv ("class" rows): a pattern's "@name"
 * stands for the class's alternatives. The words point into the embedded
 * data, which lives as long as the process. */
#define MAX_WORD_CLASSES 16
static struct {
  const char *name, *words;
  size_t nn, nw;
} word_classes[MAX_WORD_CLASSES];
static size_t nword_classes;

/* One "class" row: name (column 2) and words (column 4). */
static int class_line(const char *file, unsigned lineno, const line_fields *lf)
{
  for (size_t i = 0; i < nword_classes; i++)
    if (word_classes[i].nn == lf->n[1] && memcmp(word_classes[i].name, lf->f[1], lf->n[1]) == 0)
      return bad_line(file, lineno, "a word class defined twice");
  if (nword_classes == MAX_WORD_CLASSES)
    return bad_line(file, lineno, "too many word classes");
  if (!lf->n[1] || !lf->n[3])
    return bad_line(file, lineno, "a word class needs a name and words");
  word_classes[nword_classes].name = lf->f[1];
  word_classes[nword_classes].nn = lf->n[1];
  word_classes[nword_classes].words = lf->f[3];
  word_classes[nword_classes].nw = lf->n[3];
  nword_classes++;
  return 0;
}

static int parse_pattern(ctix__rule *r, const char *file, unsigned lineno, const char *s, size_t n)
{
  ctix_buf elems = CTIX_BUF_INIT((size_t)1 << 20);
  size_t i = 0;
  int rc = 0;
  bool anchored = false;
  while (i < n) {
    while (i < n && s[i] == ' ')
      i++;
    size_t st = i;
    while (i < n && s[i] != ' ')
      i++;
    if (i == st)
      break;
    ctix__elem e;
    size_t wn = i - st;
    const char *w = s + st;
    memset(&e, 0, sizeof(e));
    if (wn > 1 && w[wn - 1] == '?') {
      e.optional = true;
      wn--;
    }
    if (wn > 1 && w[0] == '!') {
      e.negated = true;
      w++;
      wn--;
      if (w[0] == '{' || ((w[0] == '*' || w[0] == '+') && wn == 1)) {
        rc = bad_line(file, lineno, "'!' only before words");
        goto done;
      }
    }
    if (wn > 1 && w[0] == '@') {
      size_t c = 0;
      while (c < nword_classes &&
             !(word_classes[c].nn == wn - 1 && memcmp(word_classes[c].name, w + 1, wn - 1) == 0))
        c++;
      if (c == nword_classes) {
        rc = bad_line(file, lineno, "unknown word class (a \"class\" row above defines it)");
        goto done;
      }
      w = word_classes[c].words;
      wn = word_classes[c].nw;
    }
    if (wn == 3 && memcmp(w, "{N}", 3) == 0) {
      e.kind = CTIX__EL_NAME;
    } else if (wn == 4 && memcmp(w, "{N!}", 4) == 0) {
      e.kind = CTIX__EL_STRICT_NAME;
    } else if (wn == 3 && memcmp(w, "{L}", 3) == 0) {
      e.kind = CTIX__EL_LIST;
    } else if (wn == 3 && memcmp(w, "{P}", 3) == 0) {
      e.kind = CTIX__EL_PLACE;
    } else if (wn == 1 && (w[0] == '*' || w[0] == '+')) {
      e.kind = CTIX__EL_ANY;
      e.min_words = w[0] == '+';
    } else {
      size_t na = 1, k = 0, a0 = 0;
      for (size_t j = 0; j < wn; j++)
        na += w[j] == '|';
      const char **alts = ctix__arena_calloc(&lex_arena, na, sizeof(*alts));
      if (!alts) {
        rc = CTIX_ENOMEM;
        goto done;
      }
      for (size_t j = 0; j <= wn; j++) {
        if (j < wn && w[j] != '|')
          continue;
        size_t len;
        if (j == a0) {
          rc = bad_line(file, lineno, "empty alternative in a pattern");
          goto done;
        }
        alts[k] = lower_dup(w + a0, j - a0, &len);
        if (!alts[k]) {
          rc = CTIX_ENOMEM;
          goto done;
        }
        k++;
        a0 = j + 1;
      }
      e.kind = CTIX__EL_LIT;
      /* "'s": the "s" the tokenizer leaves of a possessive; alone. */
      for (size_t j = 0; j < k; j++)
        if (strcmp(alts[j], "'s") == 0 && (k > 1 || e.negated)) {
          rc = bad_line(file, lineno, "'s only alone, not among alternatives nor after '!'");
          goto done;
        }
      if (strcmp(alts[0], "'s") == 0) {
        alts[0] = "s";
        e.possessive = true;
      }
      e.alts = (const char *const *)alts;
      e.nalts = k;
      if (!anchored && !e.optional && !e.negated) {
        r->anchor = CTIX__BUF_COUNT(&elems, ctix__elem);
        anchored = true;
      }
    }
    if (ctix__buf_push(&elems, &e, sizeof(e))) {
      rc = CTIX_ENOMEM;
      goto done;
    }
  }
  if (!anchored) {
    rc = bad_line(file, lineno, "a pattern needs a required word");
    goto done;
  }
  r->nelems = CTIX__BUF_COUNT(&elems, ctix__elem);
  r->elems = ctix__arena_memdup(&lex_arena, elems.data, elems.len);
  if (!r->elems)
    rc = CTIX_ENOMEM;
done:
  ctix__buf_free(&elems);
  return rc;
}

static int pattern_line(const char *file, unsigned lineno, const char *s, size_t n)
{
  line_fields lf;
  int kind;
  split_tabs(&lf, s, n);
  if (lf.count != 4)
    return bad_line(file, lineno, "expected 'rule<TAB>kind<TAB>confidence<TAB>pattern'");
  if (ctix__mem_ieq(lf.f[0], lf.n[0], "class"))
    return class_line(file, lineno, &lf);
  /* Words that make a sentence about an attack or incident. */
  if (ctix__mem_ieq(lf.f[0], lf.n[0], "context") && ctix__mem_ieq(lf.f[1], lf.n[1], "incident"))
    return add_alternatives(&lex.incident, lf.f[3], lf.n[3], 1, NULL);
  /* Words of a sentence that names no victim (disclaimers, contacts). */
  if (ctix__mem_ieq(lf.f[0], lf.n[0], "context") && ctix__mem_ieq(lf.f[1], lf.n[1], "aside"))
    return add_alternatives(&lex.aside, lf.f[3], lf.n[3], 1, NULL);
  /* What a vendor makes, after a possessive ("manufacturer's software"). */
  if (ctix__mem_ieq(lf.f[0], lf.n[0], "context") && ctix__mem_ieq(lf.f[1], lf.n[1], "product"))
    return add_alternatives(&lex.product, lf.f[3], lf.n[3], 1, NULL);
  /* Words of a heading whose section names no victim ("References"). */
  if (ctix__mem_ieq(lf.f[0], lf.n[0], "context") && ctix__mem_ieq(lf.f[1], lf.n[1], "heading"))
    return add_alternatives(&lex.heading, lf.f[3], lf.n[3], 1, NULL);
  /* Words beside a heading word in a references or mitigations heading. */
  if (ctix__mem_ieq(lf.f[0], lf.n[0], "context") && ctix__mem_ieq(lf.f[1], lf.n[1], "headpart"))
    return add_alternatives(&lex.headpart, lf.f[3], lf.n[3], 1, NULL);
  /* Words that make an advice subject the attackers ("ransomware operators"). */
  if (ctix__mem_ieq(lf.f[0], lf.n[0], "context") && ctix__mem_ieq(lf.f[1], lf.n[1], "attacker"))
    return add_alternatives(&lex.attacker, lf.f[3], lf.n[3], 1, NULL);
  /* Words that start a clause after "should" ("should know that ..."). */
  if (ctix__mem_ieq(lf.f[0], lf.n[0], "context") && ctix__mem_ieq(lf.f[1], lf.n[1], "clause"))
    return add_alternatives(&lex.clause, lf.f[3], lf.n[3], 1, NULL);
  /* Subjects of advice to the reader ("organizations should"). */
  if (ctix__mem_ieq(lf.f[0], lf.n[0], "context") && ctix__mem_ieq(lf.f[1], lf.n[1], "advice"))
    return add_alternatives(&lex.advice, lf.f[3], lf.n[3], 1, NULL);
  kind = rule_kind(lf.f[1], lf.n[1]);
  if (kind < 0)
    return bad_line(file, lineno, "unknown kind");
  if (ctix__mem_ieq(lf.f[0], lf.n[0], "context") || ctix__mem_ieq(lf.f[0], lf.n[0], "listintro")) {
    if (kind >= CTIX_ENTITY_KIND_COUNT)
      return bad_line(file, lineno, "context words need one kind");
    return add_alternatives(lf.f[0][0] == 'c' ? &lex.context[kind] : &lex.listintro[kind],
                            lf.f[3], lf.n[3], 1, NULL);
  }
  if (ctix__mem_ieq(lf.f[0], lf.n[0], "designator")) {
    ctix__designator d;
    size_t k = lf.n[3];
    while (k && lf.f[3][k - 1] == '#')
      k--;
    if (!k || k == lf.n[3] || !parse_conf(&d.confidence, lf.f[2], lf.n[2]))
      return bad_line(file, lineno, "a designator is a prefix, digits '#' and a confidence");
    d.prefix = ctix__arena_strndup(&lex_arena, lf.f[3], k);
    d.digits = lf.n[3] - k;
    if (!d.prefix || ctix__buf_push(&desig_buf, &d, sizeof(d)))
      return CTIX_ENOMEM;
    return 0;
  }
  bool incident = ctix__mem_ieq(lf.f[0], lf.n[0], "incident");
  if (!ctix__mem_ieq(lf.f[0], lf.n[0], "name") && !ctix__mem_ieq(lf.f[0], lf.n[0], "victim") &&
      !incident)
    return bad_line(file, lineno,
                    "unknown rule (name, victim, incident, designator, context, listintro, class)");
  ctix__rule r;
  memset(&r, 0, sizeof(r));
  r.kind = kind;
  r.incident = incident;
  if (!parse_conf(&r.confidence, lf.f[2], lf.n[2]))
    return bad_line(file, lineno, "bad confidence");
  r.text = ctix__arena_strndup(&lex_arena, lf.f[3], lf.n[3]);
  if (!r.text)
    return CTIX_ENOMEM;
  int rc = parse_pattern(&r, file, lineno, lf.f[3], lf.n[3]);
  if (rc)
    return rc;
  return ctix__buf_push(&rule_buf, &r, sizeof(r)) ? CTIX_ENOMEM : 0;
}

/* Indexes the rules by each alternative of their anchor word. */
static int index_anchors(void)
{
  for (size_t i = 0; i < lex.nrules; i++) {
    const ctix__elem *a = &lex.rules[i].elems[lex.rules[i].anchor];
    for (size_t k = 0; k < a->nalts; k++) {
      uint32_t entry = (uint32_t)CTIX__BUF_COUNT(&anchor_rule_buf, uint32_t), rule = (uint32_t)i,
               old;
      if (ctix__smap_put(&lex.anchors, a->alts[k], strlen(a->alts[k]), entry, &old))
        return CTIX_ENOMEM;
      if (old != UINT32_MAX) {
        /* Append to the end of the existing chain. */
        uint32_t e = old;
        while (CTIX__BUF_AT(&anchor_next_buf, uint32_t, e) != UINT32_MAX)
          e = CTIX__BUF_AT(&anchor_next_buf, uint32_t, e);
        CTIX__BUF_AT(&anchor_next_buf, uint32_t, e) = entry;
      }
      uint32_t none = UINT32_MAX;
      if (ctix__buf_push(&anchor_rule_buf, &rule, sizeof(rule)) ||
          ctix__buf_push(&anchor_next_buf, &none, sizeof(none)))
        return CTIX_ENOMEM;
    }
  }
  lex.anchor_rule = (uint32_t *)(void *)anchor_rule_buf.data;
  lex.anchor_next = (uint32_t *)(void *)anchor_next_buf.data;
  lex.nanchor_entries = CTIX__BUF_COUNT(&anchor_rule_buf, uint32_t);
  return 0;
}

/* Puts every prefix of every key of `from`, up to `cut` bytes long (0: the
 * whole key), into `to`, with value v. */
static int derive_prefixes(ctix__smap *to, const ctix__smap *from, size_t cut, uint32_t v)
{
  for (size_t i = 0; i < from->cap; i++) {
    const ctix__smap_slot *sl = &from->slots[i];
    if (!sl->key)
      continue;
    size_t hi = cut && cut < sl->len ? cut : sl->len;
    for (size_t k = 1; k <= hi; k++)
      if (ctix__smap_put(to, sl->key, k, v, NULL))
        return CTIX_ENOMEM;
  }
  return 0;
}

/* The look-up tables derived from the loaded ones: a scan asks one of
 * them first and skips the words no entry can start with. */
/* Adds every word of m to lex.context_any with the bits of all the
 * context rows that hold it (1 << kind, CTIX__CTX_INCIDENT, CTIX__CTX_ASIDE). */
static int context_words(const ctix__smap *m)
{
  for (size_t i = 0; i < m->cap; i++) {
    const ctix__smap_slot *sl = &m->slots[i];
    uint32_t bits = 0;
    if (!sl->key)
      continue;
    for (int j = 0; j < CTIX_ENTITY_KIND_COUNT; j++)
      if (ctix__smap_get(&lex.context[j], sl->key, sl->len) != UINT32_MAX)
        bits |= 1u << j;
    if (ctix__smap_get(&lex.incident, sl->key, sl->len) != UINT32_MAX)
      bits |= CTIX__CTX_INCIDENT;
    if (ctix__smap_get(&lex.aside, sl->key, sl->len) != UINT32_MAX)
      bits |= CTIX__CTX_ASIDE;
    if (ctix__smap_put(&lex.context_any, sl->key, sl->len, bits, NULL))
      return CTIX_ENOMEM;
  }
  return 0;
}

static int derive_tables(void)
{
  int rc;
  if ((rc = derive_prefixes(&lex.place_prefixes, &lex.places, 0, 0)) ||
      (rc = derive_prefixes(&lex.sector_heads, &lex.sector_words, 3, 0)) ||
      (rc = derive_prefixes(&lex.sector_heads, &lex.sector_prefixes, 3, 0)) ||
      (rc = derive_prefixes(&lex.legal_prefixes, &lex.legal_forms, 0, 0)))
    return rc;
  /* Every supporting word and incident word, with all its bits. */
  for (int k = 0; k < CTIX_ENTITY_KIND_COUNT; k++)
    if ((rc = context_words(&lex.context[k])))
      return rc;
  if ((rc = context_words(&lex.incident)))
    return rc;
  return context_words(&lex.aside);
}

static void lexicon_load(void)
{
  int rc;
  ctix__arena_init(&lex_arena, 0);
  if ((rc = for_lines("ambiguous.tsv", ambiguous_line)) ||
      (rc = for_lines("countries.tsv", country_line)) ||
      (rc = for_lines("sectors.tsv", sector_line)) ||
      (rc = for_lines("stopnames.txt", stop_line)) ||
      (rc = for_lines("patterns.tsv", pattern_line)) ||
      (rc = for_lines("legalforms.txt", legal_line)) ||
      (rc = for_lines("tools.tsv", tool_line)))
    goto done;
  lex.tools = (ctix__listed_tool *)(void *)tool_buf.data;
  lex.ntools = CTIX__BUF_COUNT(&tool_buf, ctix__listed_tool);
  lex.place_list = (ctix__place *)(void *)place_buf.data;
  lex.nplaces = CTIX__BUF_COUNT(&place_buf, ctix__place);
  lex.sector_list = (ctix__sector *)(void *)sector_buf.data;
  lex.nsectors = CTIX__BUF_COUNT(&sector_buf, ctix__sector);
  lex.rules = (ctix__rule *)(void *)rule_buf.data;
  lex.nrules = CTIX__BUF_COUNT(&rule_buf, ctix__rule);
  lex.designators = (ctix__designator *)(void *)desig_buf.data;
  lex.ndesignators = CTIX__BUF_COUNT(&desig_buf, ctix__designator);
  if (place_buf.err || sector_buf.err || rule_buf.err || desig_buf.err || tool_buf.err) {
    rc = CTIX_ENOMEM;
    goto done;
  }
  if (!(rc = index_anchors()))
    rc = derive_tables();
done:
  if (rc == CTIX_ENOMEM)
    ctix__error_set(&lex_err, rc, "out of memory loading the entity vocabularies");
  lex_rc = rc;
}

const ctix__lexicon *ctix__entity_lexicon(ctix_error *err)
{
  pthread_once(&lex_once, lexicon_load);
  if (lex_rc) {
    if (err && !err->code)
      *err = lex_err;
    return NULL;
  }
  return &lex;
}

/* Checks `text` as a legal form of legalforms.txt (file "legalforms.txt")
 * or as a pattern of patterns.tsv (file "patterns.tsv") without adding it
 * to the lexicon, which it loads first: 0, or a negative CTIX_E* with err
 * set as loading would. For tests of the two parsers. */
int ctix__entity_check_line(const char *file, const char *text, ctix_error *err)
{
  static pthread_mutex_t check_mutex = PTHREAD_MUTEX_INITIALIZER;
  if (!ctix__entity_lexicon(err))
    return err && err->code ? err->code : CTIX_EPARSE;
  int rc;
  pthread_mutex_lock(&check_mutex);
  memset(&lex_err, 0, sizeof(lex_err));
  if (strcmp(file, "legalforms.txt") == 0) {
    char key[CTIX__LEGAL_MAX_KEY];
    size_t k;
    bool comma;
    rc = legal_key(file, 1, text, strlen(text), key, &k, &comma);
  } else {
    ctix__rule r;
    memset(&r, 0, sizeof(r));
    rc = parse_pattern(&r, file, 1, text, strlen(text));
  }
  if (rc && err && !err->code)
    *err = lex_err;
  memset(&lex_err, 0, sizeof(lex_err));
  pthread_mutex_unlock(&check_mutex);
  return rc;
}

/* -------------------------------------------------------------- tokenizer */

/* Length of the code point at s[i..n) and whether it is part of a word. */
static size_t char_at(const char *s, size_t i, size_t n, bool *word, uint32_t *cp)
{
  unsigned char c = (unsigned char)s[i];
  if (c < 0x80) {
    *cp = c;
    *word = ctix__isalnum(c) || c == '_';
    return 1;
  }
  size_t k = 1;
  uint32_t v = 0;
  if ((c & 0xe0) == 0xc0) {
    k = 2;
    v = c & 0x1f;
  } else if ((c & 0xf0) == 0xe0) {
    k = 3;
    v = c & 0x0f;
  } else if ((c & 0xf8) == 0xf0) {
    k = 4;
    v = c & 0x07;
  }
  if (i + k > n)
    k = n - i;
  for (size_t j = 1; j < k; j++)
    v = (v << 6) | ((unsigned char)s[i + j] & 0x3f);
  *cp = v;
  /* Letters of other scripts join words; general punctuation, Latin-1
   * symbols, CJK punctuation and specials do not. */
  *word = !(v < 0xc0 || (v >= 0x2000 && v <= 0x2bff) || (v >= 0x3000 && v <= 0x303f) ||
            (v >= 0xfe30 && v <= 0xfe4f) || (v >= 0xff00 && v <= 0xff20) || v == 0xd7 ||
            v == 0xf7 || v >= 0xfff0);
  return k;
}

static bool is_quote(uint32_t cp)
{
  return cp == '"' || cp == '\'' || cp == '`' || cp == 0x2018 || cp == 0x2019 || cp == 0x201c ||
         cp == 0x201d || cp == 0xab || cp == 0xbb || cp == 0x201e;
}

/* True when the word s[a..b) is made of segments of at most 3 characters
 * joined by dots ("U.S", "a.k.a", "e.g"). */
static bool dotted_abbrev(const char *s, size_t a, size_t b)
{
  size_t seg = 0;
  bool dot = false;
  for (size_t i = a; i < b; i++) {
    if (s[i] == '.') {
      dot = true;
      seg = 0;
    } else if (++seg > 3) {
      return false;
    }
  }
  return dot;
}

/* Tokens of one sentence text[a..b). */
static int tokenize_span(ctix_buf *toks, const char *s, size_t a, size_t b, uint32_t sent,
                         uint32_t base_flags)
{
  size_t i = a;
  uint32_t pending = CTIX__TOK_FIRST;
  bool first_word = true;
  while (i < b) {
    bool w;
    uint32_t cp;
    size_t k = char_at(s, i, b, &w, &cp);
    if (ctix__isspace((unsigned char)s[i]) || cp == 0xa0) {
      pending |= CTIX__TOK_SPACE;
      if (s[i] == '\n')
        pending |= CTIX__TOK_BREAK;
      i += k;
      continue;
    }
    if (is_quote(cp)) {
      /* A quotation mark is dropped; its neighbours remember it. */
      size_t n = CTIX__BUF_COUNT(toks, ctix__tok);
      if (n && !(pending & CTIX__TOK_SPACE) && CTIX__BUF_AT(toks, ctix__tok, n - 1).sent == sent)
        CTIX__BUF_AT(toks, ctix__tok, n - 1).flags |= CTIX__TOK_QUOTE_AFTER;
      pending |= CTIX__TOK_QUOTE_BEFORE | CTIX__TOK_BREAK;
      i += k;
      continue;
    }
    ctix__tok t;
    t.start = (uint32_t)i;
    t.sent = sent;
    t.flags = base_flags | pending;
    if (w) {
      size_t e = i + k;
      while (e < b) {
        bool w2;
        uint32_t c2;
        size_t k2 = char_at(s, e, b, &w2, &c2);
        if (w2) {
          e += k2;
          continue;
        }
        /* Joiners inside a word: "UAT-7290", "Z.AI", "AT&T", "O'Brien";
         * not the possessive "'s". */
        if ((c2 == '-' || c2 == '.' || c2 == '&' || c2 == '\'' || c2 == 0x2019) && e + k2 < b) {
          bool w3;
          uint32_t c3;
          size_t k3 = char_at(s, e + k2, b, &w3, &c3);
          if (w3) {
            if ((c2 == '\'' || c2 == 0x2019) && (c3 == 's' || c3 == 'S')) {
              size_t after = e + k2 + k3;
              bool w4 = false;
              uint32_t c4;
              if (after < b)
                char_at(s, after, b, &w4, &c4);
              if (!w4)
                break;
            }
            e += k2;
            continue;
          }
        }
        break;
      }
      if (e < b && s[e] == '.' && dotted_abbrev(s, i, e))
        e++;
      t.end = (uint32_t)e;
      t.flags |= CTIX__TOK_WORD;
      if (!first_word)
        t.flags &= ~(uint32_t)CTIX__TOK_FIRST;
      first_word = false;
      i = e;
    } else {
      t.end = (uint32_t)(i + k);
      t.flags &= ~(uint32_t)CTIX__TOK_FIRST;
      i += k;
    }
    pending = 0;
    if (ctix__buf_push(toks, &t, sizeof(t)))
      return toks->err;
  }
  return 0;
}

int ctix__entity_tokenize(ctix_buf *toks, ctix_buf *sent_first, const ctix_document *doc)
{
  for (size_t si = 0; si < doc->nsentences; si++) {
    const ctix_sentence *sn = &doc->sentences[si];
    uint32_t first = (uint32_t)CTIX__BUF_COUNT(toks, ctix__tok), flags = 0;
    if (ctix__buf_push(sent_first, &first, sizeof(first)))
      return sent_first->err;
    if (sn->block < doc->nblocks) {
      ctix_block_kind k = doc->blocks[sn->block].kind;
      flags = k == CTIX_BLOCK_HEADING ? CTIX__TOK_HEADING : k == CTIX_BLOCK_CODE ? CTIX__TOK_CODE : 0;
    }
    if (sn->span.end > doc->len || sn->span.start > sn->span.end)
      continue;
    int rc = tokenize_span(toks, doc->text, sn->span.start, sn->span.end, (uint32_t)si, flags);
    if (rc)
      return rc;
  }
  uint32_t end = (uint32_t)CTIX__BUF_COUNT(toks, ctix__tok);
  return ctix__buf_push(sent_first, &end, sizeof(end)) ? sent_first->err : 0;
}
