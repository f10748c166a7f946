/*
 * Feature extraction for the technique model (features.h): normalisation
 * of a sentence into tokens with placeholders for literal ids and
 * indicators, then hashed word 1-2-grams and character 3-5-grams.
 * De-duplication uses a stamped hash set, so a warm extractor allocates
 * nothing and needs no sort (training asks for sorted output). With AVX2
 * the character n-grams of a whole sentence are hashed in one vector
 * sweep (sweep_grams); the plain path gives the same buckets in the same
 * order.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include "ttp/features.h"
#include "util/cpu.h"
#include "util/str.h"

/* Longest token whose character n-grams are taken (longer ones: the head). */
#define MAX_CHAR_TOKEN 32
#define WORD_FLAG 0x80000000u

/* Hash seeds of the feature families. */
enum { SEED_WORD = 0x9e3779b1u, SEED_BIGRAM = 0x85ebca77u, SEED_CHAR = 0xc2b2ae3du };

/* File extensions: a dotted token ending in one of these is a file name, not a domain. */
static const char *const file_exts[] = {
    "7z",   "asp",  "aspx", "bat", "bin",  "cab",  "cfg",  "cmd", "conf", "cpl", "csv",
    "dat",  "db",   "dll",  "dmp", "doc",  "docm", "docx", "drv", "elf",  "eml", "evtx",
    "exe",  "gif",  "gz",   "hta", "htm",  "html", "img",  "inf", "ini",  "iso", "jar",
    "jpg",  "js",   "jse",  "json", "jsp", "ko",   "lnk",  "log", "msc",  "msi", "ocx",
    "one",  "pdf",  "php",  "pl",  "png",  "ppt",  "pptm", "pptx", "ps1", "psd1", "psm1",
    "py",   "rar",  "reg",  "rtf", "scr",  "sh",   "so",   "sql", "sqlite", "sys", "tar",
    "tmp",  "txt",  "vbe",  "vbs", "vhd",  "wsf",  "xls",  "xlsm", "xlsx", "xml", "zip",
};

/* Placeholder tokens (their own spelling never occurs in lower-cased prose). */
static const char PH_TID[] = "#tid", PH_CVE[] = "#cve", PH_HASH[] = "#hash", PH_IP[] = "#ip",
                  PH_URL[] = "#url", PH_EMAIL[] = "#email", PH_DOMAIN[] = "#domain",
                  PH_NUM[] = "#num", PH_IOC[] = "#ioc";

void ctix__ttp_fx_init(ctix__ttp_fx *fx)
{
  memset(fx, 0, sizeof(*fx));
  ctix__buf_init(&fx->norm, CTIX__TTP_MAX_SENTENCE * 5 + 64);
  ctix__buf_init(&fx->toks, (size_t)1 << 24);
  ctix__buf_init(&fx->raw, (size_t)1 << 26);
  ctix__buf_init(&fx->feats, (size_t)1 << 26);
  ctix__buf_init(&fx->words, (size_t)1 << 24);
  ctix__buf_init(&fx->set, (size_t)1 << 26);
  ctix__buf_init(&fx->grams, (size_t)1 << 26);
#if defined(__x86_64__) && defined(__GNUC__)
  fx->simd = ctix__cpu_has(CTIX__CPU_AVX2);
#endif
}

void ctix__ttp_fx_free(ctix__ttp_fx *fx)
{
  if (!fx)
    return;
  ctix__buf_free(&fx->norm);
  ctix__buf_free(&fx->toks);
  ctix__buf_free(&fx->raw);
  ctix__buf_free(&fx->feats);
  ctix__buf_free(&fx->words);
  ctix__buf_free(&fx->set);
  ctix__buf_free(&fx->grams);
}

/* 32-bit FNV-1a step and a final avalanche (murmur3 fmix). */
static inline uint32_t fnv_step(uint32_t h, unsigned char c) { return (h ^ c) * 16777619u; }
static inline uint32_t fmix(uint32_t h)
{
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}
static inline uint32_t bucket(uint32_t h) { return fmix(h) >> (32 - CTIX__TTP_FEAT_BITS); }

static uint32_t hash_bytes(uint32_t seed, const char *s, size_t n)
{
  uint32_t h = 2166136261u ^ seed;
  size_t i;
  for (i = 0; i < n; i++)
    h = fnv_step(h, (unsigned char)s[i]);
  return h;
}

static bool all_digits(const char *s, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (!ctix__isdigit((unsigned char)s[i]))
      return false;
  return n > 0;
}

static bool all_hex(const char *s, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++) {
    int c = (unsigned char)s[i];
    if (!ctix__isdigit(c) && !(c >= 'a' && c <= 'f'))
      return false;
  }
  return true;
}

/* "t1059" or "t1059.001" (lower-cased token). */
static bool is_tid(const char *s, size_t n)
{
  if ((n != 5 && n != 9) || s[0] != 't' || !all_digits(s + 1, 4))
    return false;
  return n == 5 || (s[5] == '.' && all_digits(s + 6, 3));
}

/* Dotted quad, optionally followed by ":port" or "/bits". */
static bool is_ipv4(const char *s, size_t n)
{
  size_t i, parts = 1, digits = 0;
  for (i = 0; i < n; i++) {
    if (ctix__isdigit((unsigned char)s[i])) {
      if (++digits > 3)
        return false;
    } else if (s[i] == '.' && digits) {
      parts++;
      digits = 0;
    } else {
      break;
    }
  }
  return parts == 4 && digits && (i == n || s[i] == ':' || s[i] == '/');
}

static bool is_file_ext(const char *s, size_t n)
{
  size_t i;
  for (i = 0; i < sizeof(file_exts) / sizeof(file_exts[0]); i++)
    if (strlen(file_exts[i]) == n && memcmp(file_exts[i], s, n) == 0)
      return true;
  return false;
}

/* A dotted name whose last label is 2-24 letters and no file extension. */
static bool is_domain(const char *s, size_t n)
{
  size_t dot = n, i;
  for (i = n; i > 0; i--)
    if (s[i - 1] == '.') {
      dot = i - 1;
      break;
    }
  if (dot == n || dot == 0 || n - dot - 1 < 2 || n - dot - 1 > 24)
    return false;
  for (i = dot + 1; i < n; i++)
    if (!ctix__isalpha((unsigned char)s[i]))
      return false;
  if (!ctix__isalnum((unsigned char)s[dot - 1]))
    return false;
  for (i = 0; i < dot; i++)
    if (!ctix__isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '-' && s[i] != '_')
      return false;
  return !is_file_ext(s + dot + 1, n - dot - 1);
}

/*
 * The placeholder for a lower-cased token, or NULL to keep it; `letters`
 * says the token holds only a-z, which of the placeholders only a hash
 * (hex letters) and a "hxxp..." URL can spell.
 */
static const char *placeholder(const char *s, size_t n, bool letters)
{
  bool colon = false, bracket = false;
  size_t i;
  if ((n == 32 || n == 40 || n == 64 || n == 128) && all_hex(s, n))
    return PH_HASH;
  if (n >= 4 && memcmp(s, "hxxp", 4) == 0) /* s is lower-cased */
    return PH_URL;
  if (letters)
    return NULL;
  for (i = 0; i < n; i++) {
    colon |= s[i] == ':';
    bracket |= s[i] == '[' || s[i] == '(';
  }
  if (is_tid(s, n))
    return PH_TID;
  if (n > 4 && memcmp(s, "cve-", 4) == 0 && ctix__isdigit((unsigned char)s[4]))
    return PH_CVE;
  if (all_digits(s, n))
    return PH_NUM;
  if (is_ipv4(s, n))
    return PH_IP;
  if ((colon && ctix__mem_ifind(s, n, "://")) || ctix__mem_istarts(s, n, "www."))
    return PH_URL;
  if (bracket && (ctix__mem_ifind(s, n, "[.]") || ctix__mem_ifind(s, n, "(.)") ||
                  ctix__mem_ifind(s, n, "[:]")))
    return PH_IOC;
  if (memchr(s, '@', n) && memchr(s, '.', n))
    return PH_EMAIL;
  if (is_domain(s, n))
    return PH_DOMAIN;
  return NULL;
}

/* What the tokeniser needs to know of a byte: one table look-up. */
enum {
  B_SPACE = 1, /* white space (ctix__isspace): separates tokens */
  B_LEAD = 2,  /* punctuation stripped from a token's start */
  B_TRAIL = 4, /* punctuation stripped from a token's end */
};
static const unsigned char byte_class[256] = {
    [' '] = B_SPACE, ['\t'] = B_SPACE, ['\n'] = B_SPACE, ['\r'] = B_SPACE,
    ['\f'] = B_SPACE, ['\v'] = B_SPACE,
    ['"'] = B_LEAD | B_TRAIL, ['\''] = B_LEAD | B_TRAIL, ['*'] = B_LEAD | B_TRAIL,
    ['`'] = B_LEAD | B_TRAIL, [','] = B_LEAD | B_TRAIL, [';'] = B_LEAD | B_TRAIL,
    ['('] = B_LEAD, ['['] = B_LEAD, ['{'] = B_LEAD, ['<'] = B_LEAD,
    [')'] = B_TRAIL, [']'] = B_TRAIL, ['}'] = B_TRAIL, ['>'] = B_TRAIL, [':'] = B_TRAIL,
    ['!'] = B_TRAIL, ['?'] = B_TRAIL, ['.'] = B_TRAIL,
};
#define BYTE_IS(c, what) ((byte_class[(unsigned char)(c)] & (what)) != 0)

/* Builds fx->norm and fx->toks from the text. */
static int normalise(ctix__ttp_fx *fx, const char *text, size_t len)
{
  size_t i = 0, s, e, nt = 0;
  char low[CTIX__TTP_MAX_SENTENCE], *out;
  uint32_t *rec;
  if (len > CTIX__TTP_MAX_SENTENCE)
    len = CTIX__TTP_MAX_SENTENCE;
  ctix__buf_reset(&fx->norm);
  ctix__buf_reset(&fx->toks);
  /* a token of n bytes becomes at most max(n, 7) bytes and a space; a
     token of fewer than 4 bytes can only become "#num" (4) or a 3-byte
     placeholder source ("://"): 5 bytes per input byte bound them all */
  if (ctix__buf_grow(&fx->norm, 5 * len + 8) || ctix__buf_grow(&fx->toks, 8 * (len / 2 + 1)))
    return fx->norm.err ? fx->norm.err : fx->toks.err;
  out = fx->norm.data;
  rec = (uint32_t *)(void *)fx->toks.data;
  for (i = 0; i < len; i++)
    low[i] = (char)ctix__lower((unsigned char)text[i]);
  i = 0;
  while (i < len) {
    const char *ph;
    size_t o = (size_t)(out - fx->norm.data), k;
    unsigned other = 0; /* non-zero when the token has a byte other than a-z */
    while (i < len && BYTE_IS(low[i], B_SPACE))
      i++;
    s = i;
    while (i < len && !BYTE_IS(low[i], B_SPACE))
      i++;
    e = i;
    while (s < e && BYTE_IS(low[s], B_LEAD))
      s++;
    while (e > s && BYTE_IS(low[e - 1], B_TRAIL))
      e--;
    if (s == e)
      continue;
    /* copy the token as it is, then replace it when it is a placeholder */
    for (k = s; k < e; k++) {
      unsigned char c = (unsigned char)low[k];
      other |= (unsigned)(c - 'a') > 'z' - 'a';
      out[k - s] = (char)c;
    }
    ph = placeholder(low + s, e - s, !other);
    rec[2 * nt] = (uint32_t)o;
    if (ph) {
      size_t pl = strlen(ph);
      memcpy(out, ph, pl);
      out += pl;
      rec[2 * nt + 1] = (uint32_t)pl;
    } else {
      out += e - s;
      rec[2 * nt + 1] = (uint32_t)(e - s);
    }
    *out++ = ' ';
    nt++;
  }
  fx->norm.len = (size_t)(out - fx->norm.data);
  fx->norm.data[fx->norm.len] = '\0';
  fx->toks.len = nt * 8;
  fx->toks.data[fx->toks.len] = '\0';
  return 0;
}

static int cmp_feat(const void *a, const void *b)
{
  uint32_t x = ((const ctix__ttp_feat *)a)->id, y = ((const ctix__ttp_feat *)b)->id;
  return x < y ? -1 : x > y;
}

/*
 * De-duplicates fx->raw into fx->feats (one feature per bucket and family)
 * through a stamped open-addressing set (no clearing between sentences),
 * then gives each family an L2 norm of sqrt(1/2): binary values, so a
 * word feature weighs more than a character n-gram (a sentence has far
 * fewer of them).
 */
static int dedupe(ctix__ttp_fx *fx)
{
  size_t n = CTIX__BUF_COUNT(&fx->raw, uint32_t), i, cap = 256, nw = 0, nc = 0, nf = 0;
  const uint32_t *raw = (const uint32_t *)(const void *)fx->raw.data;
  uint32_t *slots, mask, stamp;
  float vw, vc;
  ctix__ttp_feat *f;
  ctix__buf_reset(&fx->feats);
  if (n == 0)
    return 0;
  if (ctix__buf_grow(&fx->feats, n * sizeof(ctix__ttp_feat)))
    return fx->feats.err;
  while (cap < 2 * n)
    cap <<= 1;
  /* Each slot: the key (bucket | family bit) and the stamp of the sentence that set it. */
  if (fx->set.len < cap * 8 || fx->stamp == UINT32_MAX) {
    ctix__buf_reset(&fx->set);
    if (ctix__buf_grow(&fx->set, cap * 8))
      return fx->set.err;
    memset(fx->set.data, 0, cap * 8);
    fx->set.len = cap * 8;
    fx->stamp = 0;
  } else {
    cap = fx->set.len / 8;
  }
  fx->stamp++;
  slots = (uint32_t *)(void *)fx->set.data;
  mask = (uint32_t)cap - 1;
  f = (ctix__ttp_feat *)(void *)fx->feats.data;
  /* buckets are hashes already: their low bits (and the family bit) pick the slot */
  for (i = 0, stamp = fx->stamp; i < n; i++) {
    uint32_t key = raw[i], h = (key ^ (key >> 27)) & mask;
    for (;;) {
      uint32_t *sl = slots + 2 * h;
      if (sl[1] != stamp) {
        sl[0] = key;
        sl[1] = stamp;
        f[nf++].id = key;
        nw += key >> 31; /* WORD_FLAG */
        break;
      }
      if (sl[0] == key)
        break;
      h = (h + 1) & mask;
    }
  }
  fx->feats.len = nf * sizeof(ctix__ttp_feat);
  nc = nf - nw;
  vw = nw ? sqrtf(0.5f / (float)nw) : 0.0f;
  vc = nc ? sqrtf(0.5f / (float)nc) : 0.0f;
  n = CTIX__TTP_FX_COUNT(fx);
  f = (ctix__ttp_feat *)(void *)fx->feats.data;
  for (i = 0; i < n; i++) {
    f[i].v = (f[i].id & WORD_FLAG) ? vw : vc;
    f[i].id &= ~WORD_FLAG;
  }
  /* Training wants sorted, unique buckets: a word and an n-gram sharing one add up. */
  if (fx->sorted) {
    size_t w = 0;
    qsort(f, n, sizeof(*f), cmp_feat);
    for (i = 0; i < n; i++) {
      if (w && f[w - 1].id == f[i].id)
        f[w - 1].v += f[i].v;
      else
        f[w++] = f[i];
    }
    fx->feats.len = w * sizeof(*f);
  }
  return 0;
}

/* Layout of fx->grams for a swept text of L bytes: the text and its zero
 * padding (the 8-byte loads of the last step read up to L + 11), then three
 * arrays of GRAM_STRIDE entries (the last step stores up to L + 4). */
#define GRAM_HEAD(L) (((L) + 16 + 31) & ~(size_t)31)
#define GRAM_STRIDE(L) (((L) + 8 + 7) & ~(size_t)7)

#if defined(__x86_64__) && defined(__GNUC__)
/*
 * The character n-gram buckets of every byte of " " + fx->norm at once
 * (AVX2, eight starts per step): fx->grams holds that text (zero padded),
 * then three arrays of L = norm.len + 1 buckets, the 3-, 4- and 5-gram
 * starting at each byte. A token's padded form " w " is a piece of that
 * text (every token is followed by one space), so its n-grams are read
 * from the arrays; the hashes are those of the plain path, byte for byte.
 */
__attribute__((target("avx2"))) static int sweep_grams(ctix__ttp_fx *fx)
{
  size_t L = fx->norm.len + 1, head = GRAM_HEAD(L), st = GRAM_STRIDE(L), i;
  const __m256i prime = _mm256_set1_epi32(16777619), m1 = _mm256_set1_epi32((int)0x85ebca6bu),
                m2 = _mm256_set1_epi32((int)0xc2b2ae35u),
                basis = _mm256_set1_epi32((int)(2166136261u ^ SEED_CHAR));
  unsigned char *txt;
  uint32_t *g3, *g4, *g5;
  ctix__buf_reset(&fx->grams);
  if (ctix__buf_grow(&fx->grams, head + 3 * st * sizeof(uint32_t)))
    return fx->grams.err;
  txt = (unsigned char *)fx->grams.data;
  txt[0] = ' ';
  memcpy(txt + 1, fx->norm.data, fx->norm.len);
  memset(txt + L, 0, head - L);
  g3 = (uint32_t *)(void *)(fx->grams.data + head);
  g4 = g3 + st;
  g5 = g4 + st;
  for (i = 0; i + 3 <= L; i += 8) {
    __m256i h = basis, b;
    size_t k;
    for (k = 0; k < 5; k++) {
      __m256i c = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(const void *)(txt + i + k)));
      h = _mm256_mullo_epi32(_mm256_xor_si256(h, c), prime);
      if (k < 2)
        continue;
      /* fmix, then the top CTIX__TTP_FEAT_BITS bits */
      b = _mm256_xor_si256(h, _mm256_srli_epi32(h, 16));
      b = _mm256_mullo_epi32(b, m1);
      b = _mm256_xor_si256(b, _mm256_srli_epi32(b, 13));
      b = _mm256_mullo_epi32(b, m2);
      b = _mm256_xor_si256(b, _mm256_srli_epi32(b, 16));
      b = _mm256_srli_epi32(b, 32 - CTIX__TTP_FEAT_BITS);
      _mm256_storeu_si256((__m256i *)(void *)((k == 2 ? g3 : k == 3 ? g4 : g5) + i), b);
    }
  }
  fx->grams.len = head + 3 * st * sizeof(uint32_t);
  return 0;
}
#endif

int ctix__ttp_features(ctix__ttp_fx *fx, const char *text, size_t len)
{
  size_t ntok, t, i, n, gl = 0;
  const uint32_t *grams = NULL;
  const uint32_t *toks;
  const char *norm;
  uint32_t *raw;
  int rc;
  if ((rc = normalise(fx, text, len)))
    return rc;
  ctix__buf_reset(&fx->raw);
  ctix__buf_reset(&fx->words);
  ntok = CTIX__BUF_COUNT(&fx->toks, uint32_t) / 2;
  toks = (const uint32_t *)(const void *)fx->toks.data;
  norm = fx->norm.data;
  /* per token: two word features and at most 3 n-grams per byte of it */
  if (ctix__buf_grow(&fx->raw, (2 * ntok + 3 * fx->norm.len + 8) * sizeof(uint32_t)) ||
      (fx->explain && ctix__buf_grow(&fx->words, 2 * ntok * sizeof(ctix__ttp_word) + 8)))
    return fx->raw.err ? fx->raw.err : fx->words.err;
  raw = (uint32_t *)(void *)fx->raw.data;
#if defined(__x86_64__) && defined(__GNUC__)
  if (fx->simd && fx->explain != CTIX__TTP_EXPLAIN_ONLY) {
    if ((rc = sweep_grams(fx)))
      return rc;
    gl = GRAM_STRIDE(fx->norm.len + 1);
    grams = (const uint32_t *)(const void *)(fx->grams.data + GRAM_HEAD(fx->norm.len + 1));
  }
#endif
  for (t = 0; t < ntok; t++) {
    const char *w = norm + toks[2 * t];
    size_t wl = toks[2 * t + 1];
    uint32_t id = bucket(hash_bytes(SEED_WORD, w, wl));
    *raw++ = id | WORD_FLAG;
    if (fx->explain) {
      ctix__ttp_word rec = {id, toks[2 * t], (uint32_t)wl};
      ctix__buf_push(&fx->words, &rec, sizeof(rec));
    }
    if (t + 1 < ntok) {
      size_t bl = toks[2 * t + 2] + toks[2 * t + 3] - toks[2 * t];
      id = bucket(hash_bytes(SEED_BIGRAM, w, bl));
      *raw++ = id | WORD_FLAG;
      if (fx->explain) {
        ctix__ttp_word rec = {id, toks[2 * t], (uint32_t)bl};
        ctix__buf_push(&fx->words, &rec, sizeof(rec));
      }
    }
    if (w[0] == '#' || fx->explain == CTIX__TTP_EXPLAIN_ONLY)
      continue; /* placeholders: no character n-grams */
    if (grams && wl <= MAX_CHAR_TOKEN) {
      /* " w " is bytes [toks[2t], toks[2t] + wl + 2) of the swept text */
      const uint32_t *g3 = grams + toks[2 * t], *g4 = g3 + gl, *g5 = g4 + gl;
      n = wl + 2;
      for (i = 0; i + 5 <= n; i++) {
        raw[0] = g3[i];
        raw[1] = g4[i];
        raw[2] = g5[i];
        raw += 3;
      }
      for (; i + 3 <= n; i++) { /* the last starts: no 5-gram, then no 4-gram */
        *raw++ = g3[i];
        if (i + 4 <= n)
          *raw++ = g4[i];
      }
      continue;
    }
    {
      char pad[MAX_CHAR_TOKEN + 2];
      n = wl > MAX_CHAR_TOKEN ? MAX_CHAR_TOKEN : wl;
      pad[0] = ' ';
      memcpy(pad + 1, w, n);
      pad[n + 1] = ' ';
      n += 2;
      /* the 3-, 4- and 5-grams starting at each byte (fewer near the end) */
      for (i = 0; i + 3 <= n; i++) {
        uint32_t h = 2166136261u ^ SEED_CHAR;
        h = fnv_step(h, (unsigned char)pad[i]);
        h = fnv_step(h, (unsigned char)pad[i + 1]);
        h = fnv_step(h, (unsigned char)pad[i + 2]);
        *raw++ = bucket(h);
        if (i + 4 > n)
          continue;
        h = fnv_step(h, (unsigned char)pad[i + 3]);
        *raw++ = bucket(h);
        if (i + 5 > n)
          continue;
        h = fnv_step(h, (unsigned char)pad[i + 4]);
        *raw++ = bucket(h);
      }
    }
  }
  fx->raw.len = (size_t)((char *)raw - fx->raw.data);
  fx->raw.data[fx->raw.len] = '\0';
  if (fx->words.err)
    return fx->words.err;
  if (fx->explain == CTIX__TTP_EXPLAIN_ONLY) {
    ctix__buf_reset(&fx->feats);
    return 0;
  }
  return dedupe(fx);
}
