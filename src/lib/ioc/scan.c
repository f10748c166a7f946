/*
 * The IOC scanner: one pass over the refanged text that cuts tokens,
 * computes each token's shape, and offers the token to the recognizers of
 * the table below, in order, whose shape filter accepts it.
 *
 * A token is a maximal run of bytes that are neither white space nor hard
 * separators (quotes, angle brackets, backquotes, '|'), trimmed of the
 * punctuation that encloses or follows it in prose and markup: opening
 * brackets and quotes, closing ones that are not balanced inside the
 * token, trailing sentence punctuation, Markdown link syntax "](".
 * Plain words (letters only) are offered only when they are one of the
 * trigger words that start a multi-token observable ("CVE 2014-1001",
 * "AS 1234", "mutex Foo"), which keeps the cost of prose near zero.
 *
 * Speed: the separator and letter bytes of the text, the letter pairs
 * that begin a trigger word, and the bytes that make a token more than a
 * plain word (block_odd) are first turned into bit masks of 64-byte
 * blocks (AVX2 when the CPU has it, a table otherwise); the plain words of
 * a block, and a plain word that goes on into the next block, are then
 * skipped with bit operations, and only the other tokens (one in ten in a
 * report) have their bytes counted and go through the recognizers.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ioc/scan.h"
#include "util/cpu.h"
#include "util/str.h"
#include "util/utf8.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Byte classes of the tokenizer and of the shape. */
enum {
  C_SPACE = 0, /* white space and NUL: ends a token */
  C_SEP,       /* hard separator: ends a token */
  C_DIGIT,
  C_HEXLO,     /* a-f */
  C_HEXUP,     /* A-F */
  C_ALPHALO,   /* g-z */
  C_ALPHAUP,   /* G-Z */
  C_DOT,
  C_COLON,
  C_SLASH,
  C_BACKSLASH,
  C_AT,
  C_DASH,
  C_UNDERSCORE,
  C_NONASCII,
  C_OTHER,
  C_COUNT
};

static unsigned char cls[256];
/* The closing punctuation that may follow a word in prose without making
 * it more than a word ("payloads.", "hosts,", "(see)"), one X(c) per byte:
 * is_tail_punct, and the vector set tail_set (the low nibbles of its
 * bytes are distinct). */
#define TAIL_PUNCT(X) X('.') X(',') X(';') X(':') X('!') X('?') X(')') X(']') X('\'')
/* Classes of ctix__ioc_context_has: ASCII letters, and the bytes that end
 * a sentence when white space follows. */
enum { CX_LETTER = 1, CX_END = 2 };
static unsigned char ctx_cls[256];
static void init_incs(void);
static void scan_init(void);

/* Fills the class table (idempotent; a data race on it is benign since
 * every writer stores the same values, but callers run it once under
 * ctix__ioc_scan_text). */
static void init_classes(void)
{
  int c;
  for (c = 0; c < 256; c++) {
    unsigned char k;
    if (c >= 0x80)
      k = C_NONASCII;
    else if (c >= '0' && c <= '9')
      k = C_DIGIT;
    else if (c >= 'a' && c <= 'f')
      k = C_HEXLO;
    else if (c >= 'A' && c <= 'F')
      k = C_HEXUP;
    else if (c >= 'g' && c <= 'z')
      k = C_ALPHALO;
    else if (c >= 'G' && c <= 'Z')
      k = C_ALPHAUP;
    else
      switch (c) {
      case 0: case ' ': case '\t': case '\n': case '\r': case '\f': case '\v':
        k = C_SPACE;
        break;
      case '"': case '<': case '>': case '`': case '|':
        k = C_SEP;
        break;
      case '.': k = C_DOT; break;
      case ':': k = C_COLON; break;
      case '/': k = C_SLASH; break;
      case '\\': k = C_BACKSLASH; break;
      case '@': k = C_AT; break;
      case '-': k = C_DASH; break;
      case '_': k = C_UNDERSCORE; break;
      default: k = C_OTHER; break;
      }
    cls[c] = k;
    ctx_cls[c] = ctix__isalpha(c)                                     ? CX_LETTER
                 : c == '.' || c == '!' || c == '?' || c == '\n' ? CX_END
                                                                    : 0;
  }
  init_incs();
}

/* Fills a shape from per-class counts. */
static void shape_from_counts(ctix__ioc_shape *sh, const uint32_t *n, uint32_t len)
{
  sh->len = len;
  sh->digits = n[C_DIGIT];
  sh->hexalpha = n[C_HEXLO] + n[C_HEXUP];
  sh->alpha = n[C_HEXLO] + n[C_HEXUP] + n[C_ALPHALO] + n[C_ALPHAUP];
  sh->upper = n[C_HEXUP] + n[C_ALPHAUP];
  sh->dots = n[C_DOT];
  sh->colons = n[C_COLON];
  sh->slashes = n[C_SLASH];
  sh->backslashes = n[C_BACKSLASH];
  sh->ats = n[C_AT];
  sh->dashes = n[C_DASH];
  sh->underscores = n[C_UNDERSCORE];
  sh->nonascii = n[C_NONASCII];
  sh->other = n[C_OTHER] + n[C_SEP] + n[C_SPACE];
}

#if defined(__SSE2__)
/* Per byte, sixteen 8-bit fields with a one in the field of its class, so
 * counting is one load and one vector addition per byte (SSE2 is part of
 * x86-64). */
static _Alignas(16) uint8_t inc16[256][16];

static void init_incs(void)
{
  int c;
  for (c = 0; c < 256; c++)
    inc16[c][cls[c]] = 1;
}
#else
/* Per byte, a one in the 8-bit field of its class: classes 0-7 in inc_lo,
 * 8-15 in inc_hi, so counting is two table loads and two additions. */
static uint64_t inc_lo[256], inc_hi[256];

static void init_incs(void)
{
  int c;
  for (c = 0; c < 256; c++) {
    unsigned k = cls[c];
    if (k < 8)
      inc_lo[c] = (uint64_t)1 << (8 * k);
    else
      inc_hi[c] = (uint64_t)1 << (8 * (k - 8));
  }
}
#endif

/* inc16 holds sixteen 8-bit fields (inc_lo and inc_hi eight each) */
_Static_assert(C_COUNT == 16, "count_classes widens exactly sixteen class counts");

/* Sets cnt to the class counts of t[0..n). */
static void count_classes(const unsigned char *t, size_t n, uint32_t *cnt)
{
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i z = _mm_setzero_si128();
  __m128i *c = (__m128i *)(void *)cnt;
#define INC(x) _mm_load_si128((const __m128i *)(const void *)inc16[(x)])
  /* the first 255 bytes (nearly every token) are stored, the rest added */
  if (!n)
    memset(cnt, 0, C_COUNT * sizeof(*cnt));
  while (i < n) {
    /* at most 255 bytes in the 8-bit fields, then widened to 32 bits */
    size_t lim = n - i < 255 ? n : i + 255;
    __m128i v = z, w0, w1;
    bool first = i == 0;
    for (; i + 4 <= lim; i += 4)
      v = _mm_add_epi8(_mm_add_epi8(v, _mm_add_epi8(INC(t[i]), INC(t[i + 1]))),
                       _mm_add_epi8(INC(t[i + 2]), INC(t[i + 3])));
    for (; i < lim; i++)
      v = _mm_add_epi8(v, INC(t[i]));
    w0 = _mm_unpacklo_epi8(v, z);
    w1 = _mm_unpackhi_epi8(v, z);
    if (first) {
      _mm_storeu_si128(c + 0, _mm_unpacklo_epi16(w0, z));
      _mm_storeu_si128(c + 1, _mm_unpackhi_epi16(w0, z));
      _mm_storeu_si128(c + 2, _mm_unpacklo_epi16(w1, z));
      _mm_storeu_si128(c + 3, _mm_unpackhi_epi16(w1, z));
      continue;
    }
    _mm_storeu_si128(c + 0, _mm_add_epi32(_mm_loadu_si128(c + 0), _mm_unpacklo_epi16(w0, z)));
    _mm_storeu_si128(c + 1, _mm_add_epi32(_mm_loadu_si128(c + 1), _mm_unpackhi_epi16(w0, z)));
    _mm_storeu_si128(c + 2, _mm_add_epi32(_mm_loadu_si128(c + 2), _mm_unpacklo_epi16(w1, z)));
    _mm_storeu_si128(c + 3, _mm_add_epi32(_mm_loadu_si128(c + 3), _mm_unpackhi_epi16(w1, z)));
  }
#undef INC
#else
  memset(cnt, 0, C_COUNT * sizeof(*cnt));
  while (i < n) {
    size_t lim = n - i < 255 ? n : i + 255, k;
    uint64_t lo = 0, hi = 0;
    /* four bytes a step: the loop's own count and test are half its cost */
    for (; i + 4 <= lim; i += 4) {
      lo += inc_lo[t[i]] + inc_lo[t[i + 1]] + inc_lo[t[i + 2]] + inc_lo[t[i + 3]];
      hi += inc_hi[t[i]] + inc_hi[t[i + 1]] + inc_hi[t[i + 2]] + inc_hi[t[i + 3]];
    }
    for (; i < lim; i++) {
      lo += inc_lo[t[i]];
      hi += inc_hi[t[i]];
    }
    for (k = 0; k < 8; k++) {
      cnt[k] += (uint32_t)((lo >> (8 * k)) & 0xff);
      cnt[k + 8] += (uint32_t)((hi >> (8 * k)) & 0xff);
    }
  }
#endif
}

void ctix__ioc_shape_of(ctix__ioc_shape *sh, const char *text, size_t n)
{
  uint32_t cnt[C_COUNT];
  scan_init();
  count_classes((const unsigned char *)text, n, cnt);
  shape_from_counts(sh, cnt, (uint32_t)n);
}

/* ------------------------------------------------------------ filters */

/* Plain words that start a multi-token observable, with the recognizers
 * they are offered to (bits of the table index). */
typedef struct trigger {
  const char *word;
  unsigned mask;
} trigger;

/* Shape filters: cheap tests on the shape and first bytes of a token (all
 * evaluated at once by filtered()). */
static bool f_url(const ctix__ioc_shape *s, const char *t) { return s->slashes && (s->colons || s->dots); }
static bool f_email(const ctix__ioc_shape *s, const char *t) { return s->ats != 0; }
static bool f_ip(const ctix__ioc_shape *s, const char *t)
{
  return s->digits && (s->dots >= 3 || s->colons >= 2);
}
static bool f_ssdeep(const ctix__ioc_shape *s, const char *t)
{
  return s->colons >= 2 && s->len >= 7 && ctix__isdigit((unsigned char)t[0]);
}
/* every id starts with letters ("CVE-", "T1059", "AS13335", "arn:", "tlp:"),
 * so a token of digits and dots alone ("10.1.2.3", "2024.01.02") is none */
static bool f_ids(const ctix__ioc_shape *s, const char *t)
{
  return (s->digits && s->alpha) || s->colons || s->ats;
}
static bool f_user_agent(const ctix__ioc_shape *s, const char *t) { return s->slashes != 0; }
static bool f_registry(const ctix__ioc_shape *s, const char *t)
{
  return s->backslashes || (s->len >= 3 && (t[0] | 32) == 'h' && (t[1] | 32) == 'k');
}
static bool f_path(const ctix__ioc_shape *s, const char *t) { return s->slashes || s->backslashes; }
static bool f_mac(const ctix__ioc_shape *s, const char *t)
{
  return s->len >= 12 && s->len <= 17 && (s->colons == 5 || s->dashes == 5 || s->dots == 2);
}
static bool f_hash(const ctix__ioc_shape *s, const char *t) { return s->len >= 32 && s->digits + s->hexalpha >= 32; }
static bool f_coin(const ctix__ioc_shape *s, const char *t)
{
  return s->len >= 25 && s->len <= 128 && s->digits + s->alpha + s->colons >= s->len;
}
static bool f_named(const ctix__ioc_shape *s, const char *t) { return false; }
static bool f_domain(const ctix__ioc_shape *s, const char *t) { return s->dots && (s->alpha || s->nonascii); }
static bool f_filename(const ctix__ioc_shape *s, const char *t) { return s->dots && s->alpha; }

typedef struct rec_entry {
  const char *name;
  ctix__ioc_recognizer fn;
} rec_entry;

/*
 * The recognizers, in the order they are offered a token. Reasons for the
 * order: URLs first (they contain hosts, paths, e-mail-like userinfo);
 * hashes next (they claim a token only when it is one hash, and most long
 * hex tokens are hashes, so the others need not look at them);
 * ids next, as they never claim an '@' token (they only add an XMPP type
 * to "user@jabber.example") and claim only tokens that are one id;
 * e-mails before anything that splits at '@'; IPs (with ports and CIDR
 * lengths) before paths, which would take "1.2.3.4/24"; ssdeep, ids (ARNs)
 * and user agents ("Mozilla/5.0") before paths for the same reason;
 * registry keys before Windows paths; coins before domains;
 * domains before file names, which decide "abc.py" from context.
 */
enum {
  R_URL, R_HASH, R_IDS, R_EMAIL, R_IP, R_SSDEEP, R_USER_AGENT, R_REGISTRY, R_PATH, R_MAC,
  R_COIN, R_NAMED, R_DOMAIN, R_FILENAME, R_COUNT
};

static const rec_entry table[R_COUNT] = {
    [R_URL] = {"url", ctix__ioc_rec_url},
    [R_EMAIL] = {"email", ctix__ioc_rec_email},
    [R_IP] = {"ip", ctix__ioc_rec_ip},
    [R_SSDEEP] = {"ssdeep", ctix__ioc_rec_ssdeep},
    [R_IDS] = {"ids", ctix__ioc_rec_ids},
    [R_USER_AGENT] = {"user_agent", ctix__ioc_rec_user_agent},
    [R_REGISTRY] = {"registry", ctix__ioc_rec_registry},
    [R_PATH] = {"path", ctix__ioc_rec_path},
    [R_MAC] = {"mac", ctix__ioc_rec_mac},
    [R_HASH] = {"hash", ctix__ioc_rec_hash},
    [R_COIN] = {"coin", ctix__ioc_rec_coin},
    [R_NAMED] = {"named", ctix__ioc_rec_named},
    [R_DOMAIN] = {"domain", ctix__ioc_rec_domain},
    [R_FILENAME] = {"filename", ctix__ioc_rec_filename},
};

#define BIT(r) (1u << (r))

static const trigger triggers[] = {
    {"as", BIT(R_IDS)},          {"asn", BIT(R_IDS)},
    {"capec", BIT(R_IDS)},       {"cve", BIT(R_IDS)},
    {"cwe", BIT(R_IDS)},         {"tlp", BIT(R_IDS)},
    {"mozilla", BIT(R_USER_AGENT)},
    {"hkcc", BIT(R_REGISTRY)},   {"hkcr", BIT(R_REGISTRY)},
    {"hkcu", BIT(R_REGISTRY)},   {"hklm", BIT(R_REGISTRY)},
    {"hku", BIT(R_REGISTRY)},
    {"mutant", BIT(R_NAMED)},    {"mutex", BIT(R_NAMED)},
    {"mutexes", BIT(R_NAMED)},   {"rule", BIT(R_NAMED)},
    {"yara", BIT(R_NAMED)},
};

/* The recognizers a plain word of letters is offered to (0 for most). */
/* The trigger words packed as lower-case bytes with their length (a word
 * of at most 7 letters fits one 64-bit key), built once from triggers[]. */
#define NTRIG (sizeof(triggers) / sizeof(triggers[0]))
static uint64_t trig_keys[NTRIG];

static uint64_t pack_word(const char *w, size_t n)
{
  uint64_t k = n;
  size_t i;
  for (i = 0; i < n; i++)
    k |= (uint64_t)(unsigned char)ctix__lower((unsigned char)w[i]) << (8 * (i + 1));
  return k;
}

static void init_trig_keys(void)
{
  size_t i;
  for (i = 0; i < NTRIG; i++) {
    size_t n = strlen(triggers[i].word);
    trig_keys[i] = n <= 7 ? pack_word(triggers[i].word, n) : 0;
  }
}

static unsigned trigger_mask(const char *w, size_t n)
{
  uint64_t key;
  size_t i;
  if (n > 3 && n <= 20 && ctix__mem_istarts(w, n, "tlp"))
    return BIT(R_IDS); /* "TLPRED", "TlpGreen" */
  if (n > 7 || n == 0)
    return 0;
  key = pack_word(w, n);
  for (i = 0; i < NTRIG; i++)
    if (trig_keys[i] == key)
      return triggers[i].mask;
  return 0;
}

/* ------------------------------------------------------------ tokens */

/* The bytes trimming may take: TRIM_FIRST at the start of a token
 * (opening brackets and quotes, list punctuation: is_open), TRIM_LAST at
 * its end (sentence punctuation, quotes, ':' and closing brackets: the
 * bytes trim_token's end loop may drop), so a token that starts and ends
 * with neither is left as it is after two table lookups. */
enum { TRIM_FIRST = 1, TRIM_LAST = 2 };
static const unsigned char trim_ends[256] = {
    ['('] = TRIM_FIRST, ['['] = TRIM_FIRST, ['{'] = TRIM_FIRST,
    ['\''] = TRIM_FIRST | TRIM_LAST, ['*'] = TRIM_FIRST | TRIM_LAST,
    [','] = TRIM_FIRST | TRIM_LAST, [';'] = TRIM_FIRST | TRIM_LAST,
    ['.'] = TRIM_LAST, ['!'] = TRIM_LAST, ['?'] = TRIM_LAST, [':'] = TRIM_LAST,
    [')'] = TRIM_LAST, [']'] = TRIM_LAST, ['}'] = TRIM_LAST,
};

/* True for a byte trimming takes at the start of a token. */
static bool is_open(unsigned char c) { return (trim_ends[c] & TRIM_FIRST) != 0; }

/* True if the bracket at t[i] closes inside t[i..j) before its last byte:
 * a group that is part of the token ("(2).exe", "[x]y"), not around it. */
static bool inner_group(const char *t, size_t i, size_t j)
{
  char o = t[i], c = o == '(' ? ')' : o == '[' ? ']' : o == '{' ? '}' : 0;
  int depth = 0;
  size_t k;
  if (!c)
    return false;
  for (k = i; k < j; k++) {
    depth += t[k] == o ? 1 : t[k] == c ? -1 : 0;
    if (depth == 0)
      return k + 1 < j;
  }
  return false;
}

/* Leading brackets whose group is looked for (inner_group) per token: a
 * token of thousands of "(" is not trimmed further, so trimming stays
 * linear in the token. */
#define TRIM_GROUP_SCANS 64

/* Index of a bracket byte in "([{)]}", or -1. */
static int bracket_index(unsigned char c)
{
  switch (c) {
  case '(': return 0;
  case '[': return 1;
  case '{': return 2;
  case ')': return 3;
  case ']': return 4;
  case '}': return 5;
  default: return -1;
  }
}

/*
 * Trims [*a, *b) of enclosing punctuation, updating the class counts.
 * Closing brackets are kept when the token opened them itself
 * ("en.wikipedia.org/wiki/A_(b)"). The brackets of the token are counted
 * once, and only when a closing bracket ends it, so a token of many
 * closing brackets costs one pass and most tokens none.
 */
static void trim_token(const char *t, size_t *a, size_t *b, uint32_t *cnt)
{
  size_t i = *a, j = *b, k;
  size_t nb[6] = {0};
  bool counted = false; /* nb holds the brackets of [i, j) */
  unsigned scans = 0;
  /* most tokens: nothing to take at either end */
  if (i < j && !is_open((unsigned char)t[i]) &&
      !(trim_ends[(unsigned char)t[j - 1]] & TRIM_LAST))
    return;
  for (;;) {
    bool changed = false;
    while (i < j && is_open((unsigned char)t[i]) &&
           (bracket_index((unsigned char)t[i]) < 0 || scans++ < TRIM_GROUP_SCANS) &&
           !inner_group(t, i, j)) {
      int x = bracket_index((unsigned char)t[i]);
      if (x >= 0 && counted)
        nb[x]--;
      cnt[cls[(unsigned char)t[i]]]--;
      i++;
      changed = true;
    }
    while (j > i) {
      unsigned char c = (unsigned char)t[j - 1];
      int x = bracket_index(c);
      bool drop = true; /* TRIM_LAST bytes of trim_ends: ':' and ')]}' as below */
      if (!(trim_ends[c] & TRIM_LAST))
        drop = false;
      else if (c == ':')
        drop = !(j - i >= 2 && t[j - 2] == ':'); /* keep "fe80::" */
      else if (x >= 3) {
        if (!counted) { /* counted once, when a closing bracket ends the token */
          for (k = i; k < j; k++) {
            int y = bracket_index((unsigned char)t[k]);
            if (y >= 0)
              nb[y]++;
          }
          counted = true;
        }
        drop = nb[x] > nb[x - 3]; /* more closing than opening ones */
      }
      if (!drop)
        break;
      if (x >= 0 && counted)
        nb[x]--;
      cnt[cls[c]]--;
      j--;
      changed = true;
    }
    if (!changed)
      break;
  }
  *a = i;
  *b = j;
}

/* The recognizers (bits of the table index) whose filter passes token t
 * of shape sh: the filters called by name, so they are inlined. */
static unsigned filtered(const ctix__ioc_shape *sh, const char *t)
{
#define F(r, f) ((unsigned)f(sh, t) << (r))
  return F(R_URL, f_url) | F(R_HASH, f_hash) | F(R_IDS, f_ids) | F(R_EMAIL, f_email) |
         F(R_IP, f_ip) | F(R_SSDEEP, f_ssdeep) | F(R_USER_AGENT, f_user_agent) |
         F(R_REGISTRY, f_registry) | F(R_PATH, f_path) | F(R_MAC, f_mac) | F(R_COIN, f_coin) |
         F(R_NAMED, f_named) | F(R_DOMAIN, f_domain) | F(R_FILENAME, f_filename);
#undef F
}

/* Offers the token [a, b) to the recognizers, in table order, until one
 * claims it. */
static int offer(ctix__ioc_scan *s, size_t a, size_t b, const uint32_t *cnt, unsigned mask)
{
  ctix__ioc_shape sh;
  unsigned todo;
  shape_from_counts(&sh, cnt, (uint32_t)(b - a));
  for (todo = mask | filtered(&sh, s->text + a); todo; todo &= todo - 1) {
    int rc = table[__builtin_ctz(todo)].fn(s, a, b, &sh);
    if (rc < 0)
      return rc;
    if (rc > 0) {
      s->claims++;
      return 0;
    }
  }
  return 0;
}

/* Length of a Unicode punctuation or space sequence at t[k..n) that ends
 * a token (no-break space, guillemets, U+2000-U+203F: spaces, dashes,
 * quotes, bullets, ellipsis; ideographic space and full stops), or 0. */
static size_t upunct_at(const unsigned char *t, size_t k, size_t n)
{
  if (t[k] == 0xC2 && k + 1 < n && (t[k + 1] == 0xA0 || t[k + 1] == 0xAB || t[k + 1] == 0xBB))
    return 2;
  if (t[k] == 0xE2 && k + 2 < n && t[k + 1] == 0x80 && t[k + 2] >= 0x80 && t[k + 2] <= 0xBF)
    return 3;
  if (t[k] == 0xE3 && k + 2 < n && t[k + 1] == 0x80 && t[k + 2] >= 0x80 && t[k + 2] <= 0x82)
    return 3;
  return 0;
}

/* Trims the token [a, b) (class counts cnt) and offers it to the
 * recognizers; plain words only when they are trigger words. */
static int offer_trimmed(ctix__ioc_scan *s, size_t a, size_t b, uint32_t *cnt)
{
  const char *t = s->text;
  size_t i = a, j = b;
  unsigned mask = 0;
  trim_token(t, &i, &j, cnt);
  if (i >= j)
    return 0;
  if (cnt[C_HEXLO] + cnt[C_HEXUP] + cnt[C_ALPHALO] + cnt[C_ALPHAUP] == j - i && j - i < 25) {
    mask = trigger_mask(t + i, j - i);
    if (!mask)
      return 0;
  } else if (j - i > 4 && (t[i] | 32) == 't' && ctix__mem_istarts(t + i, j - i, "tlp")) {
    mask = BIT(R_IDS); /* "tlp-amber" */
  }
  return offer(s, i, j, cnt, mask);
}

/* Counts the classes of t[a..b) and passes it to `fn`. */
static int counted(ctix__ioc_scan *s, size_t a, size_t b,
                   int (*fn)(ctix__ioc_scan *, size_t, size_t, uint32_t *))
{
  uint32_t c[C_COUNT];
  if (a >= b)
    return 0;
  count_classes((const unsigned char *)s->text + a, b - a, c);
  return fn(s, a, b, c);
}

/* Splits a token at Markdown link syntax "](" and offers each part. */
static int offer_md_parts(ctix__ioc_scan *s, size_t a, size_t b, uint32_t *cnt)
{
  const char *t = s->text;
  size_t k, from = a;
  int rc;
  if (cnt[C_OTHER] < 2)
    return offer_trimmed(s, a, b, cnt);
  for (k = a; k + 1 < b; k++)
    if (t[k] == ']' && t[k + 1] == '(') {
      if ((rc = counted(s, from, k, offer_trimmed)))
        return rc;
      from = k + 2;
      k++;
    }
  return from == a ? offer_trimmed(s, a, b, cnt) : counted(s, from, b, offer_trimmed);
}

/* True if the character at t[k..n) can go on a name across a
 * bidirectional control: an ASCII letter, digit or '_', or a non-ASCII
 * character (an invalid byte too) that is not a right-to-left letter. A
 * control glued to a Hebrew or Arabic word is the formatting of that
 * text, not part of a name. */
static bool bidi_neighbour_at(const unsigned char *t, size_t k, size_t n)
{
  uint32_t cp;
  if (t[k] < 0x80)
    return ctix__isalnum(t[k]) || t[k] == '_';
  return !ctix__utf8_decode(t + k, n - k, &cp) || !ctix__ioc_bidi_rtl(cp);
}

/* bidi_neighbour_at for the character that ends at t[k] (k > from), or
 * the '-' or '.' that separates the words of a name ("invoice-",
 * "Scan.2024."): a control may open the name's next word. */
static bool bidi_neighbour_before(const unsigned char *t, size_t from, size_t k)
{
  size_t j = k - 1;
  if (t[j] == '-' || t[j] == '.')
    return true;
  while (j > from && k - j < 4 && (t[j] & 0xC0) == 0x80)
    j--;
  return bidi_neighbour_at(t, j, k);
}

/* Byte length of the run of bidirectional controls (one or more,
 * ctix__utf8_bidi_control) at t[k..n), or 0. */
static size_t control_run(const unsigned char *t, size_t k, size_t n)
{
  size_t e = k, m;
  while (e < n && (m = ctix__utf8_bidi_control(t + e, n - e)))
    e += m;
  return e - k;
}

/* The lead bytes of a control (U+061C, U+2xxx) or of the punctuation
 * upunct_at cuts at (U+00xx, U+2xxx, U+30xx): offer_parts looks no
 * further at any other byte (an ASCII byte costs one test, a letter of
 * another script one load). */
static const bool part_lead[256] = {[0xC2] = true, [0xD8] = true, [0xE2] = true, [0xE3] = true};

/* Splits t[a..b) at each run of controls (at_controls) or else at each
 * Unicode punctuation or space (upunct_at, the token parts before
 * bidirectional controls were kept) and offers each piece (split in turn
 * at "](", trimmed). Only for parts holding controls: out of the
 * scanner's hot loop. */
__attribute__((cold, noinline)) static int split_at(ctix__ioc_scan *s, size_t a, size_t b,
                                                    bool at_controls)
{
  const unsigned char *t = (const unsigned char *)s->text;
  size_t k, m, from = a;
  int rc;
  for (k = a; k < b; k++)
    if (t[k] >= 0x80 && (m = at_controls ? control_run(t, k, b) : upunct_at(t, k, b))) {
      if ((rc = counted(s, from, k, offer_md_parts)))
        return rc;
      from = k + m;
      k = from - 1;
    }
  return counted(s, from, b, offer_md_parts);
}

/*
 * Offers the part t[a..b), which holds a run of bidirectional controls
 * between two name characters ("inv<U+202E>fdp.exe", the right-to-left
 * override of T1036.002). Only when the controls change how the part
 * displays (ctix_ioc_bidi_read: reordered, a spoof) is the part offered
 * whole, so a file name, path, URL or e-mail local part keeps them; when
 * no recognizer claims it (a host, a hash, a word), or when the part is
 * not spoofed (marks glued to a right-to-left word), it is offered exactly
 * as before controls were kept: split at Unicode punctuation, or for a
 * spoof in pieces between the controls. Rare: kept out of the scanner's
 * hot loop (cold, not inlined).
 */
__attribute__((cold, noinline)) static int offer_kept(ctix__ioc_scan *s, size_t a, size_t b)
{
  ctix_ioc_bidi bd;
  size_t claims = s->claims;
  bool spoofed;
  int rc = ctix_ioc_bidi_read(&bd, s->text + a, b - a, NULL);
  spoofed = bd.reordered;
  ctix_ioc_bidi_clear(&bd);
  if (rc)
    return rc;
  if (!spoofed)
    return split_at(s, a, b, false);
  if ((rc = counted(s, a, b, offer_md_parts)) || s->claims != claims)
    return rc;
  return split_at(s, a, b, true);
}

/*
 * Splits a token at Unicode punctuation and offers each part (split in
 * turn at "](", trimmed). A run of bidirectional controls at the edge of
 * a part (after or before punctuation, space, a right-to-left letter or
 * the token's ends) is the formatting of the text around it and ends the
 * part; a run between two name characters stays in the part, which
 * offer_kept offers. Each part is counted once, without recursion, so a
 * token of thousands of dashes or controls costs one pass.
 */
static int offer_parts(ctix__ioc_scan *s, size_t a, size_t b, uint32_t *cnt)
{
  const unsigned char *t = (const unsigned char *)s->text;
  size_t k, m, from = a;
  bool kept = false;
  int rc;
  if (!cnt[C_NONASCII])
    return offer_md_parts(s, a, b, cnt);
  for (k = a; k < b; k++) {
    if (t[k] < 0xC2 || !part_lead[t[k]])
      continue;
    if ((m = control_run(t, k, b))) {
      if (k > from && k + m < b && bidi_neighbour_before(t, from, k) &&
          bidi_neighbour_at(t, k + m, b)) {
        kept = true;
        k += m - 1;
        continue;
      }
    } else if (!(m = upunct_at(t, k, b))) {
      continue;
    }
    if ((rc = kept ? offer_kept(s, from, k) : counted(s, from, k, offer_md_parts)))
      return rc;
    from = k + m;
    k = from - 1;
    kept = false;
  }
  if (kept)
    return offer_kept(s, from, b);
  return from == a ? offer_md_parts(s, a, b, cnt) : counted(s, from, b, offer_md_parts);
}

/* Counts the classes of t[a..b) and offers it as a token: straight to
 * offer_trimmed when there is nothing to split at (no byte above ASCII,
 * fewer than two bytes of C_OTHER, the class of ']' and '('), as
 * offer_parts and offer_md_parts would, without their calls. */
static int offer_range(ctix__ioc_scan *s, size_t a, size_t b)
{
  uint32_t c[C_COUNT];
  if (a >= b)
    return 0;
  count_classes((const unsigned char *)s->text + a, b - a, c);
  if (!c[C_NONASCII] && c[C_OTHER] < 2)
    return offer_trimmed(s, a, b, c);
  return offer_parts(s, a, b, c);
}

/* ------------------------------------------------------------ the pass */

/* Blocks whose masks live on the stack: a segment of ioc.c fits. */
#define STACK_BLOCKS 2048

/* Bit masks of 64-byte blocks: separators (white space, controls, hard
 * separators), ASCII letters, the first letters of the letter pairs
 * that begin a trigger word (trig_pairs), and the bytes that make the
 * token holding them more than a plain word (block_odd). */
typedef struct masks {
  uint64_t *sep, *let, *pair, *odd;
  size_t nblocks;
  size_t n;
} masks;
#define NMASKS 4

/* A byte of TAIL_PUNCT (compares, which the compiler turns into a bit
 * test). */
static inline bool is_tail_punct(unsigned char c)
{
#define TAIL_EQ(x) c == (x) ||
  return TAIL_PUNCT(TAIL_EQ) false;
#undef TAIL_EQ
}

/* Bit p set when bytes p..p+24 of a block are all non-separators: a
 * token longer than 24 bytes covers it. */
static uint64_t long_runs(uint64_t sep)
{
  uint64_t x = ~sep, y = x & (x >> 1);
  y &= y >> 2;
  y &= y >> 4;
  y &= y >> 8; /* runs of 16 */
  y &= y >> 8; /* 24 */
  return y & (x >> 24);
}

/*
 * The bytes of a block (separators sp, letters lt, closing punctuation tl:
 * is_tail_punct) that make the token holding them more than a plain word:
 * a byte other than a letter, except closing punctuation that ends a
 * token or is followed by one more that does (within the block: bit 63,
 * or 62 before a closing byte at 63, is always one), and every byte
 * where a run of 25 non-separators starts (long_runs). Computed once per
 * block by the mask passes, for first_interesting.
 */
static inline uint64_t block_odd(uint64_t sp, uint64_t lt, uint64_t tl)
{
  uint64_t ends = tl & ((sp >> 1) | ((tl >> 1) & (sp >> 2)));
  return (~(sp | lt) & ~ends) | long_runs(sp);
}

/* Lengths of the trigger words by their first two letters (bit n: a word
 * of n letters), indexed by the letters' low five bits (case-blind). */
static uint32_t trig_pairs[32 * 32];

static bool is_sep_byte(unsigned char c) { return cls[c] <= C_SEP || c < 0x20; }

/* True if t[0] and t[1] are letters that begin a trigger word. */
static bool is_pair(const unsigned char *t)
{
  return ctix__isalpha(t[0]) && ctix__isalpha(t[1]) &&
         trig_pairs[(t[0] & 31u) * 32 + (t[1] & 31u)] != 0;
}

static void masks_scalar(masks *m, const unsigned char *t, size_t from_block)
{
  size_t k;
  for (k = from_block; k < m->nblocks; k++) {
    uint64_t sp = 0, lt = 0, pr = 0, tl = 0;
    size_t j;
    for (j = 0; j < 64; j++) {
      size_t x = k * 64 + j;
      if (x >= m->n) {
        sp |= (uint64_t)1 << j;
        continue;
      }
      if (is_sep_byte(t[x]))
        sp |= (uint64_t)1 << j;
      else if (ctix__isalpha(t[x]))
        lt |= (uint64_t)1 << j;
      if (is_tail_punct(t[x]))
        tl |= (uint64_t)1 << j;
      if (x + 1 < m->n && is_pair(t + x))
        pr |= (uint64_t)1 << j;
    }
    m->sep[k] = sp;
    m->let[k] = lt;
    m->pair[k] = pr;
    m->odd[k] = block_odd(sp, lt, tl);
  }
}

#if CTIX_IOC_X86
#include <immintrin.h>

bool ctix__ioc_force_scalar;

bool ctix__ioc_simd(void) { return !ctix__ioc_force_scalar && ctix__cpu_has_avx2(); }

/*
 * The trigger pairs for the vector pass, built once with trig_pairs: each
 * distinct first letter has a bit (modulo 8: more letters only give false
 * candidates); pair_first[c] holds the bit of letter c, pair_second[c] the
 * bits of the first letters that c follows in a pair. A letter (its
 * lower-case byte 0x61-0x7a) is looked up by its low nibble in the row of
 * its high nibble (0 for 6, 1 for 7), each row twice (both vector lanes).
 */
static _Alignas(32) unsigned char pair_first[2][32], pair_second[2][32];

/* The hard separators but '|' for a one-shuffle membership test: entry
 * (c & 15) of each 16-byte half holds the member c (distinct low
 * nibbles), 0xFF when none; "v is one" is v == shuffle(hard_seps, v). */
#define HARD_SEPS_SHUFFLED "\"<>`"
static _Alignas(32) unsigned char hard_seps[32];
/* TAIL_PUNCT in the same form (its low nibbles are distinct too). */
static _Alignas(32) unsigned char tail_set[32];
#define TAIL_ELEM(x) x,
static const char tail_punct[] = {TAIL_PUNCT(TAIL_ELEM) 0};
#undef TAIL_ELEM

/* The pair bits of the lower-case bytes lv in table tab. */
__attribute__((target("avx2"), always_inline)) static inline __m256i
pair_bits(__m256i lv, unsigned char tab[2][32])
{
  /* the row by bit 4 (0x6_ or 0x7_), moved to bit 7 for the blend; bytes
   * of other rows get the bits of some letter, bytes >= 0x80 none: more
   * candidates only, which trigger_mask settles */
  __m256i r6 = _mm256_shuffle_epi8(_mm256_load_si256((const __m256i *)(const void *)tab[0]), lv),
          r7 = _mm256_shuffle_epi8(_mm256_load_si256((const __m256i *)(const void *)tab[1]), lv);
  return _mm256_blendv_epi8(r6, r7, _mm256_slli_epi16(lv, 3));
}

/* The masks of the 64-byte blocks of t that a byte follows, with AVX2. */
__attribute__((target("avx2"))) static size_t masks_avx2(masks *m, const unsigned char *t)
{
  size_t k, full = (m->n - 1) / 64;
  const __m256i sp20 = _mm256_set1_epi8(0x20), lo = _mm256_set1_epi8('a'),
                az = _mm256_set1_epi8('z' - 'a');
  for (k = 0; k < full; k++) {
    uint64_t sp = 0, lt = 0, pa = 0, tl = 0;
    int h;
    for (h = 0; h < 2; h++) {
      __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(t + k * 64 + h * 32));
      __m256i ws = _mm256_cmpeq_epi8(_mm256_min_epu8(v, sp20), v);
      __m256i hs = _mm256_or_si256(
          _mm256_cmpeq_epi8(
              v, _mm256_shuffle_epi8(
                     _mm256_load_si256((const __m256i *)(const void *)hard_seps), v)),
          _mm256_cmpeq_epi8(v, _mm256_set1_epi8('|')));
      __m256i lv = _mm256_or_si256(v, sp20);
      __m256i ax = _mm256_sub_epi8(lv, lo); /* letters: 0-25 */
      __m256i al = _mm256_cmpeq_epi8(_mm256_min_epu8(ax, az), ax);
      __m256i lw = _mm256_or_si256(
          _mm256_loadu_si256((const __m256i *)(const void *)(t + k * 64 + h * 32 + 1)), sp20);
      __m256i pr = _mm256_cmpeq_epi8(
          _mm256_and_si256(pair_bits(lv, pair_first), pair_bits(lw, pair_second)),
          _mm256_setzero_si256());
      sp |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_or_si256(ws, hs)) << (32 * h);
      lt |= (uint64_t)(uint32_t)_mm256_movemask_epi8(al) << (32 * h);
      pa |= (uint64_t)(uint32_t)~_mm256_movemask_epi8(pr) << (32 * h);
      tl |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(
                v, _mm256_shuffle_epi8(
                       _mm256_load_si256((const __m256i *)(const void *)tail_set), v)))
            << (32 * h);
    }
    m->sep[k] = sp;
    m->let[k] = lt & ~sp;
    m->pair[k] = pa;
    m->odd[k] = block_odd(sp, lt & ~sp, tl);
  }
  return full;
}
#else
bool ctix__ioc_force_scalar;
bool ctix__ioc_simd(void) { return false; }
#endif

/* The first index >= i whose bit is set in bits (or clear when `inv`),
 * or m->n. */
static size_t next_bit(const masks *m, const uint64_t *bits, bool inv, size_t i)
{
  size_t k = i >> 6;
  uint64_t w;
  if (i >= m->n)
    return m->n;
  w = (inv ? ~bits[k] : bits[k]) & (~(uint64_t)0 << (i & 63));
  while (!w) {
    if (++k >= m->nblocks)
      return m->n;
    w = inv ? ~bits[k] : bits[k];
  }
  i = (k << 6) + (size_t)__builtin_ctzll(w);
  return i < m->n ? i : m->n;
}

/* Builds trig_pairs and, for the vector pass, pair_first and pair_second. */
static void init_trig_lens(void)
{
  size_t i, n;
  for (i = 0; i < sizeof(triggers) / sizeof(triggers[0]); i++) {
    unsigned c = (unsigned char)triggers[i].word[0] & 31u;
    unsigned d = (unsigned char)triggers[i].word[1] & 31u;
    n = strlen(triggers[i].word);
    if (n < 32)
      trig_pairs[c * 32 + d] |= (uint32_t)1 << n;
  }
  /* "tlp" followed by more letters ("TLPRED"), see trigger_mask */
  for (n = 4; n <= 20; n++)
    trig_pairs[('t' & 31) * 32 + ('l' & 31)] |= (uint32_t)1 << n;
#if CTIX_IOC_X86
  {
    const char *hs;
    memset(hard_seps, 0xFF, sizeof(hard_seps));
    for (hs = HARD_SEPS_SHUFFLED; *hs; hs++)
      hard_seps[*hs & 15] = hard_seps[16 + (*hs & 15)] = (unsigned char)*hs;
    memset(tail_set, 0xFF, sizeof(tail_set));
    for (hs = tail_punct; *hs; hs++)
      tail_set[*hs & 15] = tail_set[16 + (*hs & 15)] = (unsigned char)*hs;
  }
  {
    unsigned firsts = 0; /* distinct first letters seen */
    unsigned char bit_of[32] = {0};
    for (i = 0; i < 32 * 32; i++)
      if (trig_pairs[i]) {
        unsigned c1 = (unsigned)('`' + i / 32), c2 = (unsigned)('`' + i % 32), h;
        if (!bit_of[i / 32])
          bit_of[i / 32] = (unsigned char)(1u << (firsts++ % 8));
        for (h = 0; h < 2; h++) {
          pair_first[(c1 >> 4) - 6][(c1 & 15) + 16 * h] |= bit_of[i / 32];
          pair_second[(c2 >> 4) - 6][(c2 & 15) + 16 * h] |= bit_of[i / 32];
        }
      }
  }
#endif
}

/* Is the plain word w[0..n) (n >= 1 ASCII letters) one that trigger_mask
 * offers? A cheap test on its first letters and length before the exact
 * one. */
static inline bool maybe_trigger(const char *w, size_t n)
{
  if (n < 2 || n >= 32 ||
      !((trig_pairs[((unsigned char)w[0] & 31u) * 32 + ((unsigned char)w[1] & 31u)] >> n) & 1))
    return false;
  if ((w[0] | 32) == 't' && n > 3 && n <= 20 && (w[2] | 32) == 'p')
    return true;
  return trigger_mask(w, n) != 0;
}

/* Builds the tables of this file once (thread-safe). */
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

/* The CPU runs context_steps_avx2 (AVX2 and POPCNT), asked once. */
static bool ctx_avx2;

static void build_tables(void)
{
  ctx_avx2 = ctix__cpu_has(CTIX__CPU_AVX2 | CTIX__CPU_POPCNT);
  init_classes();
  init_trig_lens();
  init_trig_keys();
}

static void scan_init(void) { pthread_once(&tables_once, build_tables); }

/*
 * The offset in block k of the first token at or after offset `off` that
 * is more than a plain word: one that does not end inside the block, does
 * not start with a letter, holds other bytes than letters and up to two
 * closing punctuation bytes (is_tail_punct) at its end, is longer than 24
 * bytes, or may be a trigger word; 64 if there is none. A token that goes
 * on at `off` counts as starting there.
 */
static unsigned first_interesting(const masks *m, const unsigned char *t, size_t k,
                                  size_t off)
{
  const unsigned char *b = t + (k << 6);
  uint64_t sp = m->sep[k], let = m->let[k], from = ~(uint64_t)0 << off, odd, cand;
  uint64_t starts = ~sp & ((sp << 1) | (off ? 0 : (k ? m->sep[k - 1] >> 63 : 1)));
  unsigned best = 64, ls;
  starts &= from;
  if (off && !((sp >> (off - 1)) & 1) && !((sp >> off) & 1))
    starts |= (uint64_t)1 << off; /* resuming inside a token */
  if (!starts)
    return 64;
  /* a token that does not end inside the block */
  ls = 63u - (unsigned)__builtin_clzll(starts);
  if (!(sp >> ls))
    best = ls;
  /* the first byte other than a letter, except closing punctuation at a
   * token end, or of a long token: the token holding it */
  odd = m->odd[k] & from;
  if (odd) {
    unsigned q = (unsigned)__builtin_ctzll(odd);
    uint64_t upto = q == 63 ? starts : starts & (((uint64_t)2 << q) - 1);
    /* none when the byte belongs to a token begun in an earlier block,
     * which that block's pass already took (clz of 0 is undefined) */
    if (upto) {
      unsigned a = 63u - (unsigned)__builtin_clzll(upto);
      if (a < best)
        best = a;
    }
  }
  /* before it, tokens that start with a non-letter or a trigger pair */
  cand = starts & (~let | m->pair[k]);
  if (best < 64)
    cand &= ((uint64_t)1 << best) - 1;
  while (cand) {
    unsigned sa = (unsigned)__builtin_ctzll(cand);
    uint64_t nonlet = ~let & (~(uint64_t)0 << sa);
    if (!((let >> sa) & 1) || !nonlet ||
        maybe_trigger((const char *)b + sa, (unsigned)__builtin_ctzll(nonlet) - sa))
      return sa;
    cand &= cand - 1;
  }
  return best;
}

int ctix__ioc_scan_text(ctix__ioc_scan *s)
{
  const unsigned char *t = (const unsigned char *)s->text;
  size_t n = s->len, i = 0, done = 0;
  uint64_t stack_masks[NMASKS * STACK_BLOCKS];
  masks m;
  int rc = 0;
  scan_init();
  if (!n)
    return 0;
  m.n = n;
  m.nblocks = (n + 63) / 64;
  m.sep = m.nblocks <= STACK_BLOCKS ? stack_masks
                                    : malloc(NMASKS * m.nblocks * sizeof(uint64_t));
  if (!m.sep)
    return CTIX_ENOMEM;
  m.let = m.sep + m.nblocks;
  m.pair = m.let + m.nblocks;
  m.odd = m.pair + m.nblocks;
#if CTIX_IOC_X86
  if (ctix__ioc_simd())
    done = masks_avx2(&m, t);
#endif
  masks_scalar(&m, t, done);
  while (i < n) {
    size_t a, b, f;
    /* fast path: the plain words that start and end inside one block */
    {
      size_t k = i >> 6;
      unsigned p = first_interesting(&m, t, k, i & 63);
      if (p >= 64) {
        i = (k + 1) << 6;
        continue;
      }
      /* a token that goes on into the next block, where it ends: when it
       * is letters from here and ends with letters or closing punctuation
       * (no byte of block_odd), is shorter than 25 bytes and cannot be a
       * trigger word (no pair bit), it is a plain word that the test
       * below would skip; skipped here without looking at its bytes */
      if (!(m.sep[k] >> p) && !(m.odd[k] >> p) && ((m.let[k] >> p) & 1) &&
          !((m.pair[k] >> p) & 1) && k + 1 < m.nblocks && m.sep[k + 1]) {
        unsigned e = (unsigned)__builtin_ctzll(m.sep[k + 1]);
        if (64 - p + e < 25 && !(m.odd[k + 1] & (((uint64_t)1 << e) - 1))) {
          i = ((k + 1) << 6) + e;
          continue;
        }
      }
      i = (k << 6) + p;
    }
    /* first_interesting nearly always stops on the token's first byte */
    a = (m.sep[i >> 6] >> (i & 63)) & 1 ? next_bit(&m, m.sep, true, i) : i;
    if (a >= n)
      break;
    b = next_bit(&m, m.sep, false, a);
    f = next_bit(&m, m.let, true, a);
    s->resume = b;
    if (f >= b || (f > a && b - f <= 3 && is_tail_punct(t[f]) &&
                   (f + 1 >= b || is_tail_punct(t[f + 1])) &&
                   (f + 2 >= b || is_tail_punct(t[f + 2])))) {
      /* a plain word: only trigger words and long ones are looked at */
      size_t w = (f < b ? f : b) - a;
      if (w < 25 && !maybe_trigger((const char *)t + a, w)) {
        i = b;
        continue;
      }
    }
    if ((rc = offer_range(s, a, b)))
      break;
    i = s->resume > b ? s->resume : b;
  }
  if (m.sep != stack_masks)
    free(m.sep);
  return rc;
}

void ctix__ioc_consume(ctix__ioc_scan *s, size_t end)
{
  if (end > s->resume && end <= s->len)
    s->resume = end;
}

size_t ctix__ioc_word_before(const ctix__ioc_scan *s, size_t pos, char *out, size_t outsz)
{
  size_t e = pos, b, n, k;
  if (outsz == 0)
    return 0;
  out[0] = '\0';
  if (pos > s->len)
    return 0;
  while (e > 0 && !ctix__isalpha((unsigned char)s->text[e - 1])) {
    if (s->text[e - 1] == '\n' && e >= 2 && s->text[e - 2] == '\n')
      return 0; /* not across a paragraph break */
    if (pos - e > 16)
      return 0;
    e--;
  }
  b = e;
  while (b > 0 && ctix__isalpha((unsigned char)s->text[b - 1]) && e - b < 64)
    b--;
  n = e - b;
  if (n == 0 || n >= outsz)
    return 0;
  for (k = 0; k < n; k++)
    out[k] = (char)ctix__lower((unsigned char)s->text[b + k]);
  out[n] = '\0';
  return n;
}

/* True if the word starting at b (letters up to a non-letter or `lim`),
 * whose lower-case first letter is 'a' + c0, is one of `words`. */
static bool word_in_list(const unsigned char *t, size_t b, size_t lim, unsigned c0,
                         const char *const *words)
{
  size_t e = b + 1, k, n;
  while (e < lim && (ctx_cls[t[e]] & CX_LETTER))
    e++;
  n = e - b;
  for (k = 0; words[k]; k++)
    if ((unsigned)ctix__lower((unsigned char)words[k][0]) - 'a' == c0 &&
        memchr(words[k], 0, n + 1) == words[k] + n &&
        ctix__mem_ieq((const char *)t + b, n, words[k]))
      return true;
  return false;
}

/* True if the word starting at b (letters up to a non-letter or `lim`)
 * is one of the lower-case `words`, whose first letters are the bits of
 * `firsts` (bit c - 'a'): most words are settled by their first letter. */
static inline bool word_is_one_of(const unsigned char *t, size_t b, size_t lim,
                                  uint32_t firsts, const char *const *words)
{
  unsigned c0 = (unsigned)(t[b] | 32) - 'a';
  if (c0 >= 26 || !((firsts >> c0) & 1))
    return false;
  return word_in_list(t, b, lim, c0, words);
}

/* Set bits of x; with `hw` the caller has POPCNT (the AVX2 steps). */
static inline __attribute__((always_inline)) unsigned count_bits(uint32_t x, bool hw)
{
  if (hw)
    return (unsigned)__builtin_popcount(x);
  x = x - ((x >> 1) & 0x55555555u);
  x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
  return (((x + (x >> 4)) & 0x0F0F0F0Fu) * 0x01010101u) >> 24;
}

/*
 * One block of the look-back of ctix__ioc_context_has, the bytes t[c] to
 * t[c + 31] at most, as masks (bit b for t[c + b]) that the AVX2, SSE2 and
 * byte steps compute each their way: `starts` the word starts, `stops` the
 * sentence ends, `cand` the starts worth comparing (those of a first letter
 * of the list, or all of them). Of the words after the block's last
 * sentence end, the last ones, at most as many as are left to count
 * (nwords - *wp), are counted, and the candidates among them compared with
 * the list. Returns 1 or 0 when that settles the answer (a word of the
 * list; a sentence end or the nwords-th word), -1 with *wp counted on when
 * the search goes on before c.
 */
static inline __attribute__((always_inline)) int
context_block(const unsigned char *t, size_t c, size_t p, uint32_t starts, uint32_t stops,
              uint32_t cand, unsigned nwords, unsigned *wp, uint32_t firsts,
              const char *const *words, bool hw)
{
  unsigned n, w = *wp;
  if (stops)
    starts &= (uint32_t)~((2ull << (31 - __builtin_clz(stops))) - 1u);
  n = count_bits(starts, hw);
  if (n >= nwords - w) /* only the last nwords - w of them */
    for (n -= nwords - w; n; n--)
      starts &= starts - 1u;
  for (cand &= starts; cand; cand &= cand - 1u)
    if (word_is_one_of(t, c + (unsigned)__builtin_ctz(cand), p, firsts, words))
      return 1;
  w += count_bits(starts, hw);
  if (stops || w >= nwords)
    return 0;
  *wp = w;
  return -1;
}

#if CTIX_IOC_X86
/*
 * The 32-byte steps of ctix__ioc_context_has (AVX2 and POPCNT), from q
 * down while the bytes before and after each step are in the text: each
 * step's masks for context_block, the candidates being the word starts
 * whose first letter is `l0` or `l1` (lower case). Returns 1 or 0 when
 * that settles the answer, -1 with *qp and *wp moved on when the caller
 * is to go on from *qp.
 */
__attribute__((target("avx2,popcnt"))) static int
context_steps_avx2(const unsigned char *t, size_t len, size_t p, size_t *qp, unsigned *wp,
                   unsigned nwords, uint32_t firsts, const char *const *words, unsigned l0,
                   unsigned l1)
{
  const __m256i a_lo = _mm256_set1_epi8('a'), n25 = _mm256_set1_epi8(25),
                c20 = _mm256_set1_epi8(0x20), f0 = _mm256_set1_epi8((char)('a' + l0)),
                f1 = _mm256_set1_epi8((char)('a' + l1));
  size_t q = *qp;
  unsigned w = *wp;
  while (q >= 33 && q < len) {
    size_t c = q - 32;
    __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(t + c));
    __m256i vp =
        _mm256_or_si256(_mm256_loadu_si256((const __m256i *)(const void *)(t + c - 1)), c20);
    __m256i vn = _mm256_loadu_si256((const __m256i *)(const void *)(t + c + 1));
    __m256i lv = _mm256_or_si256(v, c20);
    __m256i d = _mm256_sub_epi8(lv, a_lo), dp = _mm256_sub_epi8(vp, a_lo);
    __m256i let = _mm256_cmpeq_epi8(_mm256_min_epu8(d, n25), d);
    __m256i letp = _mm256_cmpeq_epi8(_mm256_min_epu8(dp, n25), dp);
#define EQ(ch) _mm256_cmpeq_epi8(v, _mm256_set1_epi8(ch))
    __m256i end =
        _mm256_or_si256(_mm256_or_si256(EQ('.'), EQ('!')), _mm256_or_si256(EQ('?'), EQ('\n')));
#undef EQ
    __m256i ws = _mm256_sub_epi8(vn, _mm256_set1_epi8('\t')); /* \t \n \v \f \r: 0-4 */
    __m256i sp = _mm256_or_si256(_mm256_cmpeq_epi8(vn, c20),
                                 _mm256_cmpeq_epi8(_mm256_min_epu8(ws, _mm256_set1_epi8(4)), ws));
    uint32_t stops = (uint32_t)_mm256_movemask_epi8(_mm256_and_si256(end, sp));
    uint32_t starts = (uint32_t)_mm256_movemask_epi8(_mm256_andnot_si256(letp, let));
    uint32_t cand = (uint32_t)_mm256_movemask_epi8(
        _mm256_or_si256(_mm256_cmpeq_epi8(lv, f0), _mm256_cmpeq_epi8(lv, f1)));
    int r = context_block(t, c, p, starts, stops, cand, nwords, &w, firsts, words, true);
    if (r >= 0)
      return r;
    q = c;
  }
  *qp = q;
  *wp = w;
  return -1;
}
#endif

/*
 * ctix__ioc_context_has reads the text backwards from pos, byte by byte
 * in effect: a letter that starts a word (none before it) is one more
 * word, compared with the list; a sentence end ('.', '!', '?' or a line
 * end followed by white space) stops the search, and so does the
 * nwords-th word. Blocks of 32 (AVX2), 16 (SSE2) or 1 byte are
 * classified into masks, which context_block reads the same way.
 */
bool ctix__ioc_context_has(const ctix__ioc_scan *s, size_t pos, unsigned nwords,
                           const char *const *words)
{
  const unsigned char *t = (const unsigned char *)s->text;
  size_t len = s->len, p = pos > len ? len : pos, q = p;
  uint32_t firsts = 0;
  unsigned w = 0;
  size_t k;
#if defined(__SSE2__)
  const bool vec = !ctix__ioc_force_scalar;
#endif
  scan_init();
  if (!nwords)
    return false;
  for (k = 0; words[k]; k++) {
    unsigned c = (unsigned)ctix__lower((unsigned char)words[k][0]) - 'a';
    if (c < 26)
      firsts |= (uint32_t)1 << c;
  }
#if CTIX_IOC_X86
  /* words with one or two first letters (every list the recognizers pass): 32 bytes a
   * step while the text allows */
  {
    uint32_t rest = firsts & (firsts - 1u); /* without the lowest letter */
    if (firsts && !(rest & (rest - 1u)) && q >= 33 && q < len && !ctix__ioc_force_scalar &&
        ctx_avx2) {
      unsigned l0 = (unsigned)__builtin_ctz(firsts), l1 = rest ? (unsigned)__builtin_ctz(rest) : l0;
      int r = context_steps_avx2(t, len, p, &q, &w, nwords, firsts, words, l0, l1);
      if (r >= 0)
        return r != 0;
    }
  }
#endif
  while (q > 0) {
    size_t c;
    uint32_t starts, stops;
    int r;
#if defined(__SSE2__)
    /* the sixteen bytes [q - 16, q): those before and after them are read
     * too, so q - 17 >= 0 and q < len (ctix__ioc_force_scalar: the byte
     * steps alone, which the tests compare with these) */
    if (q >= 17 && q < len && vec) {
      const __m128i a_lo = _mm_set1_epi8('a'), a_hi = _mm_set1_epi8('z'),
                    c20 = _mm_set1_epi8(0x20);
      c = q - 16;
      __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + c));
      __m128i vp = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(t + c - 1)), c20);
      __m128i vn = _mm_loadu_si128((const __m128i *)(const void *)(t + c + 1));
      __m128i lv = _mm_or_si128(v, c20);
      __m128i let = _mm_and_si128(_mm_cmpeq_epi8(_mm_max_epu8(lv, a_lo), lv),
                                  _mm_cmpeq_epi8(_mm_min_epu8(lv, a_hi), lv));
      __m128i letp = _mm_and_si128(_mm_cmpeq_epi8(_mm_max_epu8(vp, a_lo), vp),
                                   _mm_cmpeq_epi8(_mm_min_epu8(vp, a_hi), vp));
#define EQ(ch) _mm_cmpeq_epi8(v, _mm_set1_epi8(ch))
      __m128i end = _mm_or_si128(_mm_or_si128(EQ('.'), EQ('!')), _mm_or_si128(EQ('?'), EQ('\n')));
#undef EQ
      __m128i d = _mm_sub_epi8(vn, _mm_set1_epi8('\t')); /* \t \n \v \f \r: 0-4 */
      __m128i sp = _mm_or_si128(_mm_cmpeq_epi8(vn, c20),
                                _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(4)), d));
      stops = (uint32_t)_mm_movemask_epi8(_mm_and_si128(end, sp));
      starts = (uint32_t)_mm_movemask_epi8(_mm_andnot_si128(letp, let));
    } else
#endif
    { /* the byte before q */
      c = q - 1;
      starts = (ctx_cls[t[c]] & CX_LETTER) && (c == 0 || !(ctx_cls[t[c - 1]] & CX_LETTER));
      stops = (ctx_cls[t[c]] & CX_END) && c + 1 < len && ctix__isspace(t[c + 1]);
    }
    r = context_block(t, c, p, starts, stops, starts, nwords, &w, firsts, words, false);
    if (r >= 0)
      return r != 0;
    q = c;
  }
  return false;
}
