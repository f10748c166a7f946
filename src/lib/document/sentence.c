/*
 * Sentence segmentation tuned for threat-report prose.
 *
 * The splitter walks one block's text looking only at candidate bytes
 * ('.', '!', '?', '\n' and the lead byte of U+2026 "..."), found sixteen
 * bytes at a time (SSE2; eight elsewhere), and decides each candidate from
 * a few bytes around it, with no allocation: the terminator run, closing
 * quotes and brackets after it, the word before it (at most 64 bytes) and
 * the word after it. A period ends a sentence only when white space
 * follows, so IPs, domains, versions, file names, defanged tokens
 * (evil[.]com, 1.2.3[.]4, example(.)com) and ATT&CK ids (T1059.001) never
 * split. Abbreviations, month names, titles, sentence-starting words and
 * time zones are data tables below; each abbreviation class says which
 * kinds of following word still end the sentence ("Acme Inc. The" ends,
 * "Acme Inc. said" does not; "U.S. The" ends, "U.S. AI" does not).
 *
 * Raw text with line breaks is accepted too: a blank line (a run of line
 * breaks) always ends a sentence, a single line break counts as a space
 * unless the next line starts like a list item, bullet, quote or table row.
 *
 * Spans are emitted in order, trimmed of ASCII white space, never empty and
 * never overlapping; every non-space byte of the input lies in one of them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "document/builder.h"
#include "util/str.h"

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

/* ------------------------------------------------------------ data tables */

/* Kinds of word that may follow a terminator (bit flags). */
enum {
  NK_LOWER = 1,    /* lowercase word: "said", "npm" */
  NK_DIGIT = 2,    /* "5", "2024" */
  NK_UPPER = 4,    /* capitalised word, or lowercase with capitals inside: "Microsoft", "iOS" */
  NK_CAPS = 8,     /* all capitals, two letters or more: "CISA", "APT29" */
  NK_STARTER = 16, /* capitalised word that typically opens a sentence: "The", "However" */
  NK_TZ = 32,      /* a time zone: "UTC", "EST" */
  NK_OTHER = 64    /* anything else: "-", "$", "#", non-ASCII */
};
#define NK_ALL 127

/* What the word before a period is. */
typedef enum prev_class {
  PV_PLAIN = 0, /* an ordinary word, number, IOC, URL: always a boundary */
  PV_INLINE,    /* never ends a sentence: e.g., i.e., vs., approx. */
  PV_TITLE,     /* precedes a name: Mr., Dr., St., Gen. */
  PV_PRENUM,    /* precedes a number: No., Fig., Vol., pp. */
  PV_MONTH,     /* month or weekday: Jan. 5 */
  PV_FINAL,     /* often ends a sentence: etc., Inc., Ltd., Jr. */
  PV_TIME,      /* a.m., p.m. (not before a time zone) */
  PV_ACRONYM,   /* dotted acronym: U.S., U.K., Ph.D. */
  PV_INITIAL,   /* a single capital: J. R. R. Tolkien */
  PV_ENUM,      /* a list number at the start: "1. Open the file" */
  PV_LONE,      /* a period after white space: "evil . com" */
  PV_ELLIPSIS,  /* "..." or U+2026 */
  PV_EXCLAIM    /* a run holding '?' or '!' */
} prev_class;

/* For each class, the kinds of next word that make the candidate a boundary. */
static const unsigned char ends_before[] = {
  [PV_PLAIN] = NK_ALL,
  [PV_INLINE] = 0,
  [PV_TITLE] = NK_STARTER,
  [PV_PRENUM] = NK_UPPER | NK_CAPS | NK_TZ | NK_STARTER,
  [PV_MONTH] = NK_UPPER | NK_CAPS | NK_TZ | NK_STARTER | NK_OTHER,
  [PV_FINAL] = NK_ALL & ~NK_LOWER,
  [PV_TIME] = NK_UPPER | NK_CAPS | NK_STARTER,
  [PV_ACRONYM] = NK_STARTER,
  [PV_INITIAL] = NK_STARTER,
  [PV_ENUM] = 0,
  [PV_LONE] = NK_ALL & ~NK_LOWER,
  [PV_ELLIPSIS] = NK_UPPER | NK_CAPS | NK_TZ | NK_STARTER,
  [PV_EXCLAIM] = NK_ALL & ~NK_LOWER,
};

typedef struct abbrev {
  const char *key;    /* lowercase, inner dots kept, final dot dropped */
  unsigned char cls;  /* a prev_class */
  unsigned char cap;  /* 1: only when written with a capital first letter */
} abbrev;

/* Known abbreviations, sorted by key (byte order) for bsearch. */
static const abbrev abbrevs[] = {
  {"a.k.a", PV_INLINE, 0},  {"a.m", PV_TIME, 0},      {"adm", PV_TITLE, 1},
  {"al", PV_ACRONYM, 0},    {"approx", PV_INLINE, 0}, {"appx", PV_INLINE, 0},
  {"apr", PV_MONTH, 1},     {"art", PV_PRENUM, 1},    {"assn", PV_FINAL, 0},
  {"assoc", PV_FINAL, 0},   {"aug", PV_MONTH, 1},     {"ave", PV_FINAL, 1},
  {"avg", PV_INLINE, 0},    {"b.v", PV_FINAL, 0},     {"blvd", PV_FINAL, 1},
  {"bros", PV_FINAL, 0},    {"ca", PV_INLINE, 0},     {"capt", PV_TITLE, 1},
  {"cf", PV_INLINE, 0},     {"ch", PV_PRENUM, 0},     {"chap", PV_PRENUM, 0},
  {"cmdr", PV_TITLE, 1},    {"co", PV_FINAL, 1},      {"col", PV_TITLE, 1},
  {"corp", PV_FINAL, 0},    {"d.c", PV_ACRONYM, 0},   {"dec", PV_MONTH, 1},
  {"dept", PV_FINAL, 0},    {"det", PV_TITLE, 1},     {"dr", PV_TITLE, 1},
  {"e.g", PV_INLINE, 0},    {"e.u", PV_ACRONYM, 0},   {"ed", PV_PRENUM, 0},
  {"eds", PV_PRENUM, 0},    {"eg", PV_INLINE, 0},     {"eq", PV_PRENUM, 0},
  {"esp", PV_INLINE, 0},    {"esq", PV_FINAL, 0},     {"est", PV_PRENUM, 0},
  {"etc", PV_FINAL, 0},     {"ext", PV_PRENUM, 0},    {"feb", PV_MONTH, 1},
  {"fig", PV_PRENUM, 0},    {"figs", PV_PRENUM, 0},   {"fri", PV_MONTH, 1},
  {"ft", PV_TITLE, 1},      {"gen", PV_TITLE, 1},     {"gov", PV_TITLE, 1},
  {"govt", PV_FINAL, 0},    {"hon", PV_TITLE, 1},     {"hr", PV_PRENUM, 0},
  {"hrs", PV_FINAL, 0},     {"i.e", PV_INLINE, 0},    {"inc", PV_FINAL, 0},
  {"incl", PV_INLINE, 0},   {"insp", PV_TITLE, 1},    {"intl", PV_FINAL, 0},
  {"jan", PV_MONTH, 1},     {"jr", PV_FINAL, 0},      {"jul", PV_MONTH, 1},
  {"jun", PV_MONTH, 1},     {"lt", PV_TITLE, 1},      {"ltd", PV_FINAL, 0},
  {"maj", PV_TITLE, 1},     {"mar", PV_MONTH, 1},     {"max", PV_INLINE, 0},
  {"messrs", PV_TITLE, 1},  {"mfg", PV_FINAL, 0},     {"min", PV_INLINE, 0},
  {"misc", PV_FINAL, 0},    {"mr", PV_TITLE, 1},      {"mrs", PV_TITLE, 1},
  {"ms", PV_TITLE, 1},      {"mt", PV_TITLE, 1},      {"n.v", PV_FINAL, 0},
  {"no", PV_PRENUM, 0},     {"nos", PV_PRENUM, 0},    {"nov", PV_MONTH, 1},
  {"nr", PV_PRENUM, 0},     {"oct", PV_MONTH, 1},     {"p", PV_PRENUM, 0},
  {"p.m", PV_TIME, 0},      {"para", PV_PRENUM, 0},   {"pg", PV_PRENUM, 0},
  {"ph.d", PV_ACRONYM, 0},  {"plc", PV_FINAL, 0},     {"pp", PV_PRENUM, 0},
  {"pres", PV_TITLE, 1},    {"prof", PV_TITLE, 1},    {"pt", PV_PRENUM, 0},
  {"pty", PV_FINAL, 0},     {"rd", PV_FINAL, 1},      {"ref", PV_PRENUM, 0},
  {"refs", PV_PRENUM, 0},   {"rep", PV_TITLE, 1},     {"resp", PV_INLINE, 0},
  {"rev", PV_PRENUM, 0},    {"s.a", PV_FINAL, 0},     {"sec", PV_PRENUM, 0},
  {"sect", PV_PRENUM, 0},   {"sen", PV_TITLE, 1},     {"sep", PV_MONTH, 1},
  {"sept", PV_MONTH, 1},    {"sgt", PV_TITLE, 1},     {"sr", PV_FINAL, 0},
  {"st", PV_TITLE, 1},      {"supt", PV_TITLE, 1},    {"tab", PV_PRENUM, 0},
  {"tel", PV_PRENUM, 0},    {"thu", PV_MONTH, 1},     {"thur", PV_MONTH, 1},
  {"thurs", PV_MONTH, 1},   {"tue", PV_MONTH, 1},     {"tues", PV_MONTH, 1},
  {"u.a.e", PV_ACRONYM, 0}, {"u.k", PV_ACRONYM, 0},   {"u.n", PV_ACRONYM, 0},
  {"u.s", PV_ACRONYM, 0},   {"u.s.a", PV_ACRONYM, 0}, {"v", PV_INLINE, 0},
  {"ver", PV_PRENUM, 0},    {"viz", PV_INLINE, 0},    {"vol", PV_PRENUM, 0},
  {"vols", PV_PRENUM, 0},   {"vs", PV_INLINE, 0},     {"w.r.t", PV_INLINE, 0},
  {"wed", PV_MONTH, 1},
};
#define ABBREV_MAXLEN 7

/* Capitalised words that typically open a sentence (lowercase, sorted). */
static const char *const starters[] = {
  "a",          "about",        "according",   "across",      "additionally", "after",
  "afterwards", "again",        "all",         "also",        "although",     "among",
  "an",         "and",          "another",     "any",         "as",           "at",
  "because",    "before",       "both",        "but",         "by",           "consequently",
  "despite",    "during",       "each",        "either",      "even",         "every",
  "finally",    "first",        "following",   "for",         "from",         "further",
  "furthermore", "given",       "he",          "her",         "here",         "his",
  "how",        "however",      "i",           "if",          "in",           "including",
  "indeed",     "instead",      "it",          "its",         "last",         "later",
  "let",        "many",         "meanwhile",   "moreover",    "most",         "much",
  "my",         "neither",      "nevertheless", "next",       "no",           "nonetheless",
  "nor",        "not",          "notably",     "now",         "of",           "on",
  "once",       "one",          "only",        "or",          "other",        "our",
  "over",       "overall",      "previously",  "rather",      "second",       "several",
  "she",        "similarly",    "since",       "so",          "some",         "specifically",
  "still",      "subsequently", "such",        "that",        "the",          "their",
  "then",       "there",        "therefore",   "these",       "they",         "this",
  "those",      "though",       "thus",        "to",          "today",        "two",
  "under",      "unlike",       "until",       "upon",        "we",           "what",
  "when",       "where",        "whether",     "which",       "while",        "who",
  "why",        "with",         "within",      "without",     "yesterday",    "yet",
  "you",        "your",
};
#define STARTER_MAXLEN 12

/* Time zones that may follow "a.m." / "p.m." (lowercase, sorted). */
static const char *const timezones[] = {
  "aedt", "aest", "bst", "cdt", "cest", "cet", "ct",  "edt", "eest", "eet", "est",
  "et",   "gmt",  "hkt", "ist", "jst",  "kst",  "mdt", "msk", "mst",  "mt",  "pdt",
  "pst",  "pt",   "sgt", "utc",
};

/* Line starts that make a single line break a hard break (followed by a
 * space or tab): bullets, Markdown quote/heading/table markers. */
#define MARK(s) {s, sizeof(s) - 1}
static const struct bullet {
  const char *s;
  size_t len;
} bullets[] = {
  MARK("-"), MARK("*"), MARK("+"), MARK(">"), MARK("|"), MARK("#"), MARK("##"), MARK("###"),
  MARK("####"),
  MARK("\xE2\x80\xA2"), /* U+2022 bullet */
  MARK("\xE2\x80\xA3"), /* U+2023 triangular bullet */
  MARK("\xE2\x80\x93"), /* U+2013 en dash */
  MARK("\xE2\x80\x94"), /* U+2014 em dash */
  MARK("\xE2\x97\xA6"), /* U+25E6 white bullet */
  MARK("\xE2\x96\xAA"), /* U+25AA small square */
  MARK("\xE2\x96\xA0"), /* U+25A0 black square */
  MARK("\xE2\x97\x8F"), /* U+25CF black circle */
  MARK("\xE2\x96\xBA"), /* U+25BA pointer */
  MARK("\xC2\xB7"),     /* U+00B7 middle dot */
};
#undef MARK

/* First bytes of the bullets above. */
static const unsigned char is_bullet_lead[256] = {
  ['-'] = 1, ['*'] = 1, ['+'] = 1, ['>'] = 1, ['|'] = 1, ['#'] = 1, [0xE2] = 1, [0xC2] = 1,
};

/* Candidate bytes: '.', '!', '?', '\n', and 0xE2 (lead byte of U+2026). */
static const unsigned char is_cand[256] = {
  ['.'] = 1, ['!'] = 1, ['?'] = 1, ['\n'] = 1, [0xE2] = 1,
};

/* ASCII characters that may open a word ("(e.g.", "\"The"). */
static const unsigned char is_opener[256] = {
  ['('] = 1, ['['] = 1, ['{'] = 1, ['"'] = 1, ['\''] = 1, ['<'] = 1, ['*'] = 1, ['_'] = 1,
  ['`'] = 1,
};

/* ASCII characters that may close a sentence after its terminator. */
static const unsigned char is_closer[256] = {
  [')'] = 1, [']'] = 1, ['}'] = 1, ['"'] = 1, ['\''] = 1, ['*'] = 1, ['_'] = 1, ['`'] = 1,
  ['>'] = 1,
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------- helpers */

typedef struct splitter {
  const unsigned char *t;
  size_t n;
  size_t start;             /* start of the pending sentence */
  ctix__sentence_emit emit;
  void *ud;
} splitter;

static inline bool sp(unsigned char c)
{
  return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Emits the pending sentence up to `end` (trimmed, if non-empty); the next
 * one starts at `end`. */
static int flush(splitter *s, size_t end)
{
  size_t a = s->start, b = end;
  while (a < b && sp(s->t[a]))
    a++;
  while (b > a && sp(s->t[b - 1]))
    b--;
  s->start = end;
  return b > a ? s->emit(s->ud, a, b) : 0;
}

#if defined(__SSE2__) && defined(__GNUC__)
/* Offset of the next candidate byte at or after i, or n (16 bytes a step). */
static inline size_t next_candidate(const unsigned char *t, size_t n, size_t i)
{
  const __m128i dot = _mm_set1_epi8('.'), bang = _mm_set1_epi8('!'), qm = _mm_set1_epi8('?');
  const __m128i nl = _mm_set1_epi8('\n'), e2 = _mm_set1_epi8((char)0xE2);
  while (i + 16 <= n) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
    __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, dot), _mm_cmpeq_epi8(v, bang)),
                             _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, qm),
                                                       _mm_cmpeq_epi8(v, nl)),
                                          _mm_cmpeq_epi8(v, e2)));
    unsigned bits = (unsigned)_mm_movemask_epi8(m);
    if (bits)
      return i + (size_t)__builtin_ctz(bits);
    i += 16;
  }
  while (i < n && !is_cand[t[i]])
    i++;
  return i;
}
#else
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Non-zero iff some byte of w equals c. */
static inline uint64_t has_byte(uint64_t w, unsigned char c)
{
  uint64_t x = w ^ (ONES * c);
  return (x - ONES) & ~x & HIGHS;
}

/* Offset of the next candidate byte at or after i, or n (8 bytes a step). */
static inline size_t next_candidate(const unsigned char *t, size_t n, size_t i)
{
  uint64_t w;
  while (i + 8 <= n) {
    memcpy(&w, t + i, 8);
    if (has_byte(w, '.') | has_byte(w, '!') | has_byte(w, '?') | has_byte(w, '\n') |
        has_byte(w, 0xE2))
      break;
    i += 8;
  }
  while (i < n && !is_cand[t[i]])
    i++;
  return i;
}
#endif

/* Is t[i..) the three bytes of U+2026? */
static inline bool ellipsis_at(const unsigned char *t, size_t n, size_t i)
{
  return i + 2 < n && t[i] == 0xE2 && t[i + 1] == 0x80 && t[i + 2] == 0xA6;
}

/* strcmp for the short keys of the tables, inlined: most comparisons
 * end at the first byte. */
static inline int key_cmp(const char *a, const char *b)
{
  while (*a && *a == *b)
    a++, b++;
  return (int)(unsigned char)*a - (int)(unsigned char)*b;
}

/* The abbrevs[] entry of `key` (lowercase), or NULL: a binary search. */
static const abbrev *find_abbrev(const char *key)
{
  size_t lo = 0, hi = ARRAY_LEN(abbrevs);
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = key_cmp(key, abbrevs[mid].key);
    if (c == 0)
      return &abbrevs[mid];
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return NULL;
}

static int cmp_word(const void *k, const void *e)
{
  return strcmp(k, *(const char *const *)e);
}

/* Is `word` (lowercase) in the sorted string table? */
static bool in_table(const char *word, const char *const *table, size_t count)
{
  return bsearch(word, table, count, sizeof(table[0]), cmp_word) != NULL;
}

/*
 * Length of the line-start marker at t[j..) that makes the line a list item
 * (bullet, "1." / "1)" / "a)" / "(a)" numbering, quote, heading, table
 * row), or 0.
 */
static size_t list_marker(const unsigned char *t, size_t n, size_t j)
{
  size_t i, k, m;
  if (is_bullet_lead[t[j]]) {
    for (i = 0; i < ARRAY_LEN(bullets); i++) {
      m = bullets[i].len;
      if (j + m < n && memcmp(t + j, bullets[i].s, m) == 0 &&
          (t[j + m] == ' ' || t[j + m] == '\t'))
        return m;
    }
    return 0;
  }
  k = j;
  if (k < n && t[k] == '(')
    k++;
  m = k;
  while (k < n && k - m < 3 && ctix__isdigit(t[k]))
    k++;
  if (k == m && k < n && ctix__isalpha(t[k]))
    k++;
  if (k == m || k + 1 >= n || (t[k + 1] != ' ' && t[k + 1] != '\t'))
    return 0;
  if (t[k] == ')' || (t[k] == '.' && m == j && ctix__isdigit(t[m])))
    return k + 1 - j;
  return 0;
}

/* Length of a citation mark at t[e..): "[12]", "[T1059.001]", "[3, 4]"; or 0. */
static size_t citation_len(const unsigned char *t, size_t n, size_t e)
{
  size_t j = e + 1;
  if (e >= n || t[e] != '[')
    return 0;
  while (j < n && j - e <= 16 &&
         (ctix__isalnum(t[j]) || t[j] == '.' || t[j] == ',' || t[j] == '-' || t[j] == ' '))
    j++;
  if (j == e + 1 || j >= n || t[j] != ']' || !ctix__isdigit(t[j - 1]))
    return 0;
  return j + 1 - e;
}

/* Skips closing quotes, brackets, emphasis and citation marks ("[12]")
 * after a terminator run ending at e. */
static size_t skip_closers(const unsigned char *t, size_t n, size_t e)
{
  int guard;
  for (guard = 0; guard < 8 && e < n; guard++) {
    unsigned char c = t[e];
    if (is_closer[c]) {
      e++;
    } else if (c == 0xE2 && e + 2 < n && t[e + 1] == 0x80 &&
               (t[e + 2] == 0x9D || t[e + 2] == 0x99)) {
      e += 3; /* U+201D, U+2019 */
    } else if (c == 0xC2 && e + 1 < n && t[e + 1] == 0xBB) {
      e += 2; /* U+00BB */
    } else if (c == '[' && citation_len(t, n, e)) {
      e += citation_len(t, n, e);
    } else {
      break;
    }
  }
  return e;
}

/* Classifies the word starting at p (after white space): a NK_* kind. */
static unsigned next_kind(const unsigned char *t, size_t n, size_t p)
{
  char w[STARTER_MAXLEN + 1];
  size_t q = p, r;
  int guard;
  bool upper_inside = false, all_caps = true;
  if (citation_len(t, n, q))
    return NK_OTHER;
  for (guard = 0; guard < 4 && q < n; guard++) {
    if (is_opener[t[q]])
      q++;
    else if (t[q] == 0xE2 && q + 2 < n && t[q + 1] == 0x80 &&
             (t[q + 2] == 0x9C || t[q + 2] == 0x98))
      q += 3; /* U+201C, U+2018 */
    else if (t[q] == 0xC2 && q + 1 < n && t[q + 1] == 0xAB)
      q += 2; /* U+00AB */
    else
      break;
  }
  if (q >= n)
    return NK_OTHER;
  if (ctix__isdigit(t[q]))
    return NK_DIGIT;
  if (!ctix__isalpha(t[q]))
    return NK_OTHER;
  for (r = q; r < n && r - q < 32 && ctix__isalpha(t[r]); r++) {
    if (ctix__isupper(t[r]))
      upper_inside |= r > q;
    else
      all_caps = false;
  }
  if (ctix__islower(t[q]))
    return upper_inside ? NK_UPPER : NK_LOWER;
  if (r - q == 1) /* "A new ..." or an initial "A. Smith" */
    return (r < n && t[r] == '.') ? NK_UPPER
           : ctix__lower_copy(w, sizeof(w), (const char *)t + q, r - q) &&
                   in_table(w, starters, ARRAY_LEN(starters))
               ? NK_STARTER
               : NK_UPPER;
  if (all_caps)
    return ctix__lower_copy(w, sizeof(w), (const char *)t + q, r - q) &&
                   in_table(w, timezones, ARRAY_LEN(timezones))
               ? NK_TZ
               : NK_CAPS;
  if (!upper_inside && ctix__lower_copy(w, sizeof(w), (const char *)t + q, r - q) &&
      in_table(w, starters, ARRAY_LEN(starters)))
    return NK_STARTER;
  return NK_UPPER;
}

/* Only white space, or a ':' / ';' introducing a list, before t[b] since
 * the sentence start? */
static bool at_sentence_start(const unsigned char *t, size_t start, size_t b)
{
  while (b > start && sp(t[b - 1]))
    b--;
  return b == start || t[b - 1] == ':' || t[b - 1] == ';';
}

/* Classifies the word that ends at the period t[i]. */
static prev_class classify_prev(const splitter *s, size_t i)
{
  const unsigned char *t = s->t;
  char key[ABBREV_MAXLEN + 1];
  size_t b = i, k, seg = 0, maxseg = 0, len;
  bool letters = true, digits = true, dotted = false;
  const abbrev *a;
  while (b > s->start && !sp(t[b - 1])) {
    if (i - b >= 64)
      return PV_PLAIN; /* URLs, hashes: never an abbreviation or list number */
    b--;
  }
  while (b < i && is_opener[t[b]])
    b++;
  if (b == i)
    return PV_LONE;
  len = i - b;
  for (k = b; k < i; k++) {
    unsigned char c = t[k];
    if (c == '.') {
      dotted = true;
      digits = false;
      seg = 0;
      continue;
    }
    letters &= ctix__isalpha(c);
    digits &= ctix__isdigit(c);
    if (++seg > maxseg)
      maxseg = seg;
  }
  if (digits)
    return (len <= 3 && at_sentence_start(t, s->start, b)) ? PV_ENUM : PV_PLAIN;
  if (!letters || len > ABBREV_MAXLEN || t[b] == '.' || t[i - 1] == '.')
    return PV_PLAIN;
  ctix__lower_copy(key, sizeof(key), (const char *)t + b, i - b);
  a = find_abbrev(key);
  if (a && (!a->cap || ctix__isupper(t[b])))
    return (prev_class)a->cls;
  if (len == 1)
    return at_sentence_start(t, s->start, b) ? PV_ENUM
           : ctix__isupper(t[b])             ? PV_INITIAL
                                             : PV_PLAIN;
  if (dotted && maxseg <= 2)
    return PV_ACRONYM;
  return PV_PLAIN;
}

/*
 * Decides the terminator run starting at t[i]. Returns the end of the
 * sentence (after closers) when the run ends one, else 0; *resume gets the
 * offset where scanning goes on.
 */
static size_t decide(const splitter *s, size_t i, size_t *resume)
{
  const unsigned char *t = s->t;
  size_t n = s->n, k = i, e, p;
  unsigned dots = 0, excl = 0, ell = 0;
  prev_class cls;
  for (;;) {
    if (k < n && t[k] == '.')
      dots++, k++;
    else if (k < n && (t[k] == '!' || t[k] == '?'))
      excl++, k++;
    else if (ellipsis_at(t, n, k))
      ell++, k += 3;
    else
      break;
  }
  e = skip_closers(t, n, k);
  *resume = e;
  if (e < n && !sp(t[e]))
    return 0;
  if (excl)
    cls = PV_EXCLAIM;
  else if (dots > 1 || ell)
    cls = (i > 0 && (t[i - 1] == '[' || t[i - 1] == '(')) ? PV_INLINE : PV_ELLIPSIS;
  else
    cls = classify_prev(s, i);
  if (ends_before[cls] == NK_ALL)
    return e;
  for (p = e; p < n && sp(t[p]); p++)
    ;
  if (p >= n)
    return e;
  return (ends_before[cls] & next_kind(t, n, p)) ? e : 0;
}

/* A line break at t[i]: a hard break when a blank line or a list item
 * follows. Returns where the next sentence may start, or 0 for none. */
static size_t line_break(const splitter *s, size_t i)
{
  const unsigned char *t = s->t;
  size_t n = s->n, j = i + 1;
  while (j < n && sp(t[j])) {
    if (t[j] == '\n')
      return j;
    j++;
  }
  if (j < n && list_marker(t, n, j))
    return j;
  return 0;
}

int ctix__sentence_split(const char *text, size_t n, ctix__sentence_emit emit, void *ud)
{
  splitter s = {(const unsigned char *)text, n, 0, emit, ud};
  const unsigned char *t = s.t;
  size_t i = 0, end, resume;
  int rc;
  if (n == 0)
    return 0;
  for (;;) {
    i = next_candidate(t, n, i);
    if (i >= n)
      break;
    if (t[i] == '\n') {
      if ((end = line_break(&s, i))) {
        if ((rc = flush(&s, i)))
          return rc;
        s.start = i = end;
      } else {
        i++;
      }
      continue;
    }
    if (t[i] == 0xE2 && !ellipsis_at(t, n, i)) {
      i++;
      continue;
    }
    end = decide(&s, i, &resume);
    if (end && (rc = flush(&s, end)))
      return rc;
    i = resume > i ? resume : i + 1;
  }
  return flush(&s, n);
}

/* ------------------------------------------------------------- public API */

static int push_span(void *ud, size_t start, size_t end)
{
  ctix_span span = {start, end};
  return ctix__buf_push(ud, &span, sizeof(span));
}

int ctix_sentences_split(ctix_span **out, size_t *count, const char *text, size_t len,
                         ctix_error *err)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)-1 / 2);
  size_t bytes = 0;
  int rc = 0;
  if (out)
    *out = NULL;
  if (count)
    *count = 0;
  if (!out || !count || (!text && len)) {
    rc = ctix__error_set(err, CTIX_EINVAL, "ctix_sentences_split: invalid argument");
    goto done;
  }
  if ((rc = ctix__sentence_split(text, len, push_span, &b))) {
    rc = ctix__error_set(err, rc, "cannot store the sentences of %zu bytes of text: %s", len,
                         rc == CTIX_ENOMEM ? "out of memory" : "too many sentences");
    goto done;
  }
  *out = (ctix_span *)(void *)ctix__buf_detach(&b, &bytes);
  if (!*out) {
    rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory splitting sentences");
    goto done;
  }
  *count = bytes / sizeof(ctix_span);

done:
  ctix__buf_free(&b);
  return rc;
}
