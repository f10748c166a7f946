/*
 * File hashes: md5 (32 hex), sha1 (40), sha224 (56), sha256 (64), sha384
 * (96), sha512 (128), and ssdeep fuzzy hashes (blocksize:hash:hash).
 *
 * A hash is a maximal run of hex digits of exactly one of those lengths,
 * wherever it sits in the token: "words<md5>words" and "hash=<md5>hash"
 * give the md5 (the letters around it are not hex), while a 64-digit run
 * is one sha256 and never an md5 plus junk, and a 34-digit run is
 * nothing. Runs of decimal digits only are numbers, not hashes.
 *
 * imphash, authentihash, JA3 and JA3S values are md5/sha256-shaped; they
 * are typed so only when a nearby preceding word introduces them
 * ("imphash", "import hash", "authentihash", "JA3", "JA3S"); otherwise
 * they stay plain md5/sha256. Values are lower-cased.
 */
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "ioc/coin.h"
#include "ioc/scan.h"
#include "util/str.h"

#define MAX_HASH_HEX 128
#define CONTEXT_WORDS 5      /* words looked at before a hash */
#define CONTEXT_SPAN 48      /* bytes looked at before a hash */
#define CONTEXT_WORD_MAX 16  /* longer words are values, not keywords */

#define SSDEEP_MAX_PART 64   /* spamsum signature length */
#define SSDEEP_MAX_DIGITS 10

/* Hash types by hex length. */
typedef struct hash_len {
  uint8_t len;
  ctix_ioc_type type;
} hash_len;

static const hash_len hash_lens[] = {
  {32, CTIX_IOC_MD5},    {40, CTIX_IOC_SHA1},   {56, CTIX_IOC_SHA224},
  {64, CTIX_IOC_SHA256}, {96, CTIX_IOC_SHA384}, {128, CTIX_IOC_SHA512},
};

/*
 * Words that say what the following hash is. A keyword whose type does not
 * fit the hash length (an "imphash" before a sha256) leaves it plain; a
 * plain algorithm name ("md5", "sha256") ends the search so that
 * "imphash X md5 Y" types only X. `needs_next` marks the first word of a
 * two-word phrase ("import hash").
 */
typedef struct hash_keyword {
  const char *word;
  uint8_t wlen;
  ctix_ioc_type type; /* CTIX_IOC_TYPE_COUNT: a plain algorithm name */
  uint8_t len;        /* hex length the type applies to */
  const char *needs_next;
} hash_keyword;

#define KW(w) w, sizeof(w) - 1
#define PLAIN CTIX_IOC_TYPE_COUNT, 0, NULL
static const hash_keyword hash_keywords[] = {
  {KW("imphash"), CTIX_IOC_IMPHASH, 32, NULL},
  {KW("imphashes"), CTIX_IOC_IMPHASH, 32, NULL},
  {KW("import"), CTIX_IOC_IMPHASH, 32, "hash"},
  {KW("import"), CTIX_IOC_IMPHASH, 32, "hashes"},
  {KW("authentihash"), CTIX_IOC_AUTHENTIHASH, 64, NULL},
  {KW("authentihashes"), CTIX_IOC_AUTHENTIHASH, 64, NULL},
  {KW("ja3"), CTIX_IOC_JA3, 32, NULL},
  {KW("ja3s"), CTIX_IOC_JA3S, 32, NULL},
  {KW("md5"), PLAIN},    {KW("sha1"), PLAIN},   {KW("sha224"), PLAIN},
  {KW("sha256"), PLAIN}, {KW("sha384"), PLAIN}, {KW("sha512"), PLAIN},
  {KW("sha"), PLAIN},    {KW("ssdeep"), PLAIN}, {KW("tlsh"), PLAIN},
  {KW("vhash"), PLAIN},  {KW("pehash"), PLAIN},
};
#undef KW
#undef PLAIN

/* Hex digit classes: HX_DIGIT, HX_LOWER (a-f), HX_UPPER (A-F); 0 for every
 * other byte. */
enum { HX_DIGIT = 1, HX_LOWER = 2, HX_UPPER = 4 };
static const uint8_t hex_digit[256] = {
  ['0'] = HX_DIGIT, ['1'] = HX_DIGIT, ['2'] = HX_DIGIT, ['3'] = HX_DIGIT, ['4'] = HX_DIGIT,
  ['5'] = HX_DIGIT, ['6'] = HX_DIGIT, ['7'] = HX_DIGIT, ['8'] = HX_DIGIT, ['9'] = HX_DIGIT,
  ['a'] = HX_LOWER, ['b'] = HX_LOWER, ['c'] = HX_LOWER, ['d'] = HX_LOWER, ['e'] = HX_LOWER,
  ['f'] = HX_LOWER, ['A'] = HX_UPPER, ['B'] = HX_UPPER, ['C'] = HX_UPPER, ['D'] = HX_UPPER,
  ['E'] = HX_UPPER, ['F'] = HX_UPPER,
};

/* For each first letter (either case) of a word in hash_keywords, the set
 * of word lengths (bit n: length n) that letter starts: other words skip
 * the table. ctix__ioc_hash_tables_ok checks it against the table. */
#define KWL(n) (1u << (n))
static const uint16_t keyword_lengths[256] = {
  ['a'] = KWL(12) | KWL(14),         ['A'] = KWL(12) | KWL(14),
  ['i'] = KWL(6) | KWL(7) | KWL(9),  ['I'] = KWL(6) | KWL(7) | KWL(9),
  ['j'] = KWL(3) | KWL(4),           ['J'] = KWL(3) | KWL(4),
  ['m'] = KWL(3),                    ['M'] = KWL(3),
  ['p'] = KWL(6),                    ['P'] = KWL(6),
  ['s'] = KWL(3) | KWL(4) | KWL(6),  ['S'] = KWL(3) | KWL(4) | KWL(6),
  ['t'] = KWL(4),                    ['T'] = KWL(4),
  ['v'] = KWL(5),                    ['V'] = KWL(5),
};
#undef KWL

/*
 * The first three letters (lower case) of the keywords that type a hash
 * of `len` digits (hash_keywords entries with a type; the others leave
 * it plain): context_type looks for the words only when one of these
 * begins somewhere before the hash. ctix__ioc_hash_tables_ok checks it
 * against the table.
 */
static const struct {
  uint32_t len;
  char pre[4];
} typed_prefixes[] = {{32, "imp"}, {32, "ja3"}, {64, "aut"}};
#define NTYPED (sizeof(typed_prefixes) / sizeof(typed_prefixes[0]))

/* 1 for ASCII letters and digits. */
static const uint8_t alnum[256] = {
  ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
  ['8'] = 1, ['9'] = 1,
  ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
  ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
  ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
  ['y'] = 1, ['z'] = 1,
  ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
  ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
  ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
  ['Y'] = 1, ['Z'] = 1,
};

bool ctix__ioc_hash_tables_ok(void)
{
  size_t k;
  unsigned c;
  uint16_t want[256] = {0};
  for (k = 0; k < sizeof(hash_keywords) / sizeof(hash_keywords[0]); k++) {
    unsigned char f = (unsigned char)hash_keywords[k].word[0];
    if (hash_keywords[k].wlen != strlen(hash_keywords[k].word) || hash_keywords[k].wlen > 15)
      return false;
    want[f] |= (uint16_t)(1u << hash_keywords[k].wlen);
    want[f - 32] |= (uint16_t)(1u << hash_keywords[k].wlen);
  }
  for (k = 0; k < sizeof(hash_keywords) / sizeof(hash_keywords[0]); k++) {
    size_t x;
    bool listed = hash_keywords[k].type == CTIX_IOC_TYPE_COUNT;
    for (x = 0; x < NTYPED && !listed; x++)
      listed = typed_prefixes[x].len == hash_keywords[k].len &&
               hash_keywords[k].wlen >= 3 &&
               memcmp(typed_prefixes[x].pre, hash_keywords[k].word, 3) == 0;
    if (!listed)
      return false;
  }
  for (c = 0; c < 256; c++)
    if (want[c] != keyword_lengths[c] ||
        alnum[c] != (ctix__isalnum((int)c) ? 1 : 0) ||
        (hex_digit[c] != 0) != (ctix__isdigit((int)c) || (unsigned)((c | 32) - 'a') < 6))
      return false;
  return true;
}

static bool is_b64(int c)
{
  return ctix__isalnum(c) || c == '+' || c == '/';
}

/*
 * True if a typed keyword of a hash of `len` digits may begin in
 * t[from..pos): one of its typed_prefixes starts there (any case; bytes
 * from pos on are read, not matched, and the hash run holds at least
 * 32 bytes after pos). With SSE2, sixteen places at a time (the byte
 * loop alone under ctix__ioc_force_scalar; both give the same answer).
 */
static bool typed_keyword_near(const char *t, size_t from, size_t pos, size_t len)
{
  size_t x, p;
  bool any = false;
  for (x = 0; x < NTYPED; x++)
    any |= typed_prefixes[x].len == len;
  if (!any || from >= pos)
    return false;
#if defined(__SSE2__)
  if (!ctix__ioc_force_scalar) {
    const __m128i c20 = _mm_set1_epi8(0x20);
    for (p = from; p < pos; p += 16) {
      __m128i v0 = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(t + p)), c20);
      __m128i v1 = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(t + p + 1)), c20);
      __m128i v2 = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(t + p + 2)), c20);
      unsigned m = 0;
      for (x = 0; x < NTYPED; x++)
        if (typed_prefixes[x].len == len) {
          const char *w = typed_prefixes[x].pre;
          __m128i e = _mm_and_si128(
              _mm_and_si128(_mm_cmpeq_epi8(v0, _mm_set1_epi8(w[0])),
                            _mm_cmpeq_epi8(v1, _mm_set1_epi8(w[1]))),
              _mm_cmpeq_epi8(v2, _mm_set1_epi8(w[2])));
          m |= (unsigned)_mm_movemask_epi8(e);
        }
      if (pos - p < 16)
        m &= (1u << (pos - p)) - 1;
      if (m)
        return true;
    }
    return false;
  }
#endif
  for (p = from; p < pos; p++)
    for (x = 0; x < NTYPED; x++) {
      const unsigned char *w = (const unsigned char *)typed_prefixes[x].pre;
      if (typed_prefixes[x].len == len && ((unsigned char)t[p] | 0x20) == w[0] &&
          ((unsigned char)t[p + 1] | 0x20) == w[1] && ((unsigned char)t[p + 2] | 0x20) == w[2])
        return true;
    }
  return false;
}

/*
 * The type a context keyword gives to a hash of `len` hex digits starting
 * at `pos`: looks back over at most CONTEXT_WORDS words (letters and
 * digits) within CONTEXT_SPAN bytes, not across a sentence end or another
 * long value (a heading "Imphash" above its value is fine). Returns `plain` when nothing applies.
 */
static ctix_ioc_type context_type(const ctix__ioc_scan *s, size_t pos, size_t len,
                                  ctix_ioc_type plain)
{
  const char *t = s->text;
  size_t p = pos, limit = pos > CONTEXT_SPAN ? pos - CONTEXT_SPAN : 0;
  const char *next = NULL; /* the word seen just before (closer to the hash) */
  size_t nextlen = 0;
  unsigned w;

  /* only a typed keyword makes the answer other than `plain` */
  if (!typed_keyword_near(t, limit, pos, len))
    return plain;
  for (w = 0; w < CONTEXT_WORDS; w++) {
    size_t e = p, b, k;
    while (e > limit && !alnum[(unsigned char)t[e - 1]]) {
      char c = t[e - 1];
      if ((c == '.' || c == ';' || c == '!' || c == '?') && e < s->len &&
          ctix__isspace((unsigned char)t[e]))
        return plain;
      e--;
    }
    b = e;
    while (b > limit && alnum[(unsigned char)t[b - 1]])
      b--;
    if (b == e || e - b > CONTEXT_WORD_MAX || (b == limit && limit > 0))
      return plain;
    if (e - b > 15 || !((keyword_lengths[(unsigned char)t[b]] >> (e - b)) & 1))
      k = sizeof(hash_keywords) / sizeof(hash_keywords[0]); /* not a keyword */
    else
      k = 0;
    for (; k < sizeof(hash_keywords) / sizeof(hash_keywords[0]); k++) {
      const hash_keyword *kw = &hash_keywords[k];
      if (kw->wlen != e - b || (t[b] | 32) != kw->word[0] || !ctix__mem_ieq(t + b, e - b, kw->word))
        continue;
      if (kw->needs_next && !(next && ctix__mem_ieq(next, nextlen, kw->needs_next)))
        continue;
      if (kw->type == CTIX_IOC_TYPE_COUNT || kw->len != len)
        return plain;
      return kw->type;
    }
    next = t + b;
    nextlen = e - b;
    p = b;
  }
  return plain;
}

/* The plain type of a hex run of length n, or CTIX_IOC_TYPE_COUNT. */
static ctix_ioc_type type_of_len(size_t n)
{
  size_t i;
  for (i = 0; i < sizeof(hash_lens) / sizeof(hash_lens[0]); i++)
    if (hash_lens[i].len == n)
      return hash_lens[i].type;
  return CTIX_IOC_TYPE_COUNT;
}

/*
 * Emits the hex run text[a, b) (`digit`: it has a decimal digit, `letter`:
 * a hex letter, `upper`: an upper-case one) if its length is a hash length. Returns 1 if emitted, 0 if
 * not a hash, or an error.
 */
static int emit_run(ctix__ioc_scan *s, size_t a, size_t b, bool digit, bool letter,
                    bool upper)
{
  char low[MAX_HASH_HEX];
  const char *value = s->text + a;
  ctix_ioc_type type = type_of_len(b - a);
  size_t i;
  bool glued;
  int rc;

  if (type == CTIX_IOC_TYPE_COUNT || !letter)
    return 0; /* not a hash length, or a long decimal number */
  /* glued to a word ("words<md5>words"): a real digest mixes digits and
   * letters; "testaaaa...a" is a word, not an md5 */
  glued = (a > 0 && ctix__isalpha((unsigned char)s->text[a - 1])) ||
          (b < s->len && ctix__isalpha((unsigned char)s->text[b]));
  if (glued && !digit)
    return 0;
  if (upper) {
    /* hex letters have bit 0x40 and digits not: that bit moved to 0x20
     * lower-cases eight bytes at a time (hash lengths are multiples of 8) */
    for (i = 0; i + 8 <= b - a; i += 8) {
      uint64_t w;
      memcpy(&w, s->text + a + i, 8);
      w |= (w & 0x4040404040404040u) >> 1;
      memcpy(low + i, &w, 8);
    }
    for (; i < b - a; i++)
      low[i] = (char)(s->text[a + i] | (s->text[a + i] >= 'A' ? 0x20 : 0));
    value = low;
  }
  if (type == CTIX_IOC_MD5 || type == CTIX_IOC_SHA256)
    type = context_type(s, a, b - a, type);
  rc = ctix__ioc_emit(s, type, a, b, value, b - a, CTIX_IOC_STATUS_IOC, NULL);
  return rc < 0 ? rc : 1;
}

int ctix__ioc_rec_hash(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh)
{
  const unsigned char *t = (const unsigned char *)s->text;
  size_t i = start;
  int found = 0;
  bool whole = false;

  if (sh->len < 32 || sh->digits + sh->hexalpha < 32)
    return 0;
  /* "0x" + 40 hex is an Ethereum address first (coin.c decides) */
  if (end - start == 42 && t[start] == '0' && (t[start + 1] | 32) == 'x')
    return 0;
  /* a token of hex digits alone (the usual hash) is one run: its kinds of
   * digits are in the shape */
  if (sh->digits + sh->hexalpha == sh->len) {
    int rc = emit_run(s, start, end, sh->digits != 0, sh->hexalpha != 0, sh->upper != 0);
    return rc < 0 ? rc : rc > 0 ? 1 : 0;
  }
  while (i < end) {
    size_t j;
    unsigned seen = 0, k;
    int rc;
    if (!hex_digit[t[i]]) {
      i++;
      continue;
    }
    for (j = i; j < end && (k = hex_digit[t[j]]) != 0; j++)
      seen |= k;
    if (j - i >= 32) {
      rc = emit_run(s, i, j, seen & HX_DIGIT, seen & (HX_LOWER | HX_UPPER), seen & HX_UPPER);
      if (rc < 0)
        return rc;
      if (rc > 0) {
        found++;
        whole = i == start && j == end;
      }
    }
    i = j;
  }
  /* claim the token only when it is nothing but the hash */
  return found == 1 && whole ? 1 : 0;
}

/* True if n is a valid ssdeep block size: 3 * 2^k. */
static bool ssdeep_blocksize_ok(uint64_t n)
{
  if (n < 3 || n % 3)
    return false;
  n /= 3;
  return (n & (n - 1)) == 0;
}

/*
 * Parses an ssdeep hash "blocksize:part1:part2" at t[p..end): sets *stop to
 * its end. Returns 1 for a valid hash, -1 for an ssdeep-shaped value with a
 * block size that is not 3 * 2^k, 0 otherwise.
 */
static int ssdeep_at(const char *t, size_t p, size_t end, size_t *stop)
{
  uint64_t bs = 0;
  size_t q = p, a1, a2, l1, l2, k;
  bool letter = false;

  while (q < end && ctix__isdigit((unsigned char)t[q]) && q - p < SSDEEP_MAX_DIGITS)
    bs = bs * 10 + (uint64_t)(t[q++] - '0');
  if (q == p || q >= end || t[q] != ':' || t[p] == '0')
    return 0;
  a1 = ++q;
  while (q < end && is_b64((unsigned char)t[q]))
    q++;
  l1 = q - a1;
  if (q >= end || t[q] != ':' || l1 == 0 || l1 > SSDEEP_MAX_PART)
    return 0;
  a2 = ++q;
  while (q < end && is_b64((unsigned char)t[q]))
    q++;
  l2 = q - a2;
  if (l2 == 0 || l2 > SSDEEP_MAX_PART || (q < end && t[q] == ':'))
    return 0;
  for (k = a1; k < q; k++)
    letter |= ctix__isalpha((unsigned char)t[k]);
  /* "12:30:45" is a time, "3:ab:c" too short to tell */
  if (!letter || l1 + l2 < 6)
    return 0;
  *stop = q;
  return ssdeep_blocksize_ok(bs) ? 1 : -1;
}

int ctix__ioc_rec_ssdeep(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh)
{
  const char *t = s->text;
  size_t p;

  if (sh->colons < 2 || sh->len < 9)
    return 0;
  for (p = start; p < end; p++) {
    size_t stop = 0;
    int ok, rc;
    if (!ctix__isdigit((unsigned char)t[p]))
      continue;
    /* a start of value: the token start, after punctuation, or after a
     * label such as "ssdeep:" (not inside an IPv6 address or a number) */
    if (p > start) {
      unsigned char c = (unsigned char)t[p - 1];
      if (ctix__isalnum(c) || c == '+' || c == '/' || c == '.')
        continue;
      if (c == ':' && (p - 1 == start || !ctix__isalpha((unsigned char)t[p - 2])))
        continue;
    }
    ok = ssdeep_at(t, p, end, &stop);
    if (ok == 0)
      continue;
    rc = ctix__ioc_emit(s, CTIX_IOC_SSDEEP, p, stop, t + p, stop - p,
                        ok > 0 ? CTIX_IOC_STATUS_IOC : CTIX_IOC_STATUS_REJECTED,
                        ok > 0 ? NULL : "bad block size");
    if (rc < 0)
      return rc;
    return p == start ? 1 : 0;
  }
  return 0;
}
