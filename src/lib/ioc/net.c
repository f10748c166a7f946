/*
 * Network observables: URLs, e-mail addresses, IPv4 and IPv6 addresses and
 * CIDR ranges, and domain names.
 *
 * Validation instead of guessing:
 *  - domains need a top-level domain of the IANA root zone, looked up in
 *    the ICANN section of the public-suffix list with libpsl (Debian's
 *    publicsuffix list, the newest of libpsl's built-in copy and the
 *    system file), without the implicit "*" rule, so "example.local" and
 *    "example.nottld" are not domains; internationalised labels are
 *    converted to punycode with libidn2 ("テスト.example.com" ->
 *    "xn--zckzah.example.com"); underscores are allowed in labels
 *    ("_jabber._tcp.gmail.com"); ".onion" names are accepted;
 *  - IPv4 needs exactly four decimal groups of one to three digits (leading
 *    zeros are normalised: "01.1.1.1" -> "1.1.1.1"); longer dotted runs
 *    (versions, timestamps) are no address; an octet over 255 is rejected;
 *  - IPv6 is parsed by inet_pton (every compressed form, embedded IPv4) and
 *    written in RFC 5952 form; a candidate must start and end at a word
 *    boundary, so "2001:db8k::1" yields nothing;
 *  - URLs need a scheme ("any://") or, without one, a valid domain followed
 *    by a non-empty path ("example.com/abc"); they end at white space, a
 *    comma, a backslash or markup; the scheme and host are lower-cased, the
 *    rest is kept as written (percent-encoding included).
 * A URL also yields its host (domain or address), and the domains and
 * addresses written inside its path and query ("?url=http%3A%2F%2Ffoo.com"
 * gives foo.com, percent escapes being separators, never "2ffoo.com"),
 * except file names. An e-mail address yields its domain.
 */
#include <arpa/inet.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <idn2.h>
#include <libpsl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ioc/host.h"
#include "ioc/scan.h"
#include "util/str.h"

#include "ioc_mail_platforms.h"
#include "ioc_query_field_leaves.h"
#include "ioc_query_field_sets.h"

#define DOMAIN_MAX 253u
#define LABEL_MAX 63u
#define URL_MAX 8192u
#define LOCAL_MAX 64u
#define SCHEME_MAX 16u

static const char R_UNKNOWN_TLD[] = "unknown TLD";
static const char R_BAD_HOST[] = "invalid host";
static const char R_OCTET[] = "octet > 255";
static const char R_PREFIX4[] = "prefix length > 32";
static const char R_PREFIX6[] = "prefix length > 128";
static const char R_BAD_PORT[] = "invalid port";
static const char R_LONG[] = "too long";
static const char R_LOCALHOST[] = "local host name";
static const char R_REPORTING[] = "reporting contact";
static const char R_QUERY_FIELD[] = "field name in a query";
static const char R_VERSION[] = "version number";
static const char R_MAIL_PLATFORM[] = "web-mail platform";

typedef unsigned char uchar;

/* ------------------------------------------------------------ TLDs */

static const psl_ctx_t *g_psl;
static pthread_once_t g_psl_once = PTHREAD_ONCE_INIT;

/* Loads the public-suffix list once: the newest of libpsl's built-in data
 * and the distribution's file (Debian's publicsuffix package). */
static void psl_load(void)
{
  g_psl = psl_latest(NULL);
  if (!g_psl)
    g_psl = psl_builtin();
}

bool ctix__ioc_is_tld(const char *label, size_t n)
{
  char buf[LABEL_MAX + 1];
  size_t i;
  if (n < 2 || n > LABEL_MAX)
    return false;
  for (i = 0; i < n; i++) {
    uchar c = (uchar)label[i];
    if (!(ctix__isalnum(c) || c == '-'))
      return false;
    buf[i] = (char)ctix__lower(c);
  }
  buf[n] = '\0';
  if (ctix__isdigit((uchar)buf[0]))
    return false;
  pthread_once(&g_psl_once, psl_load);
  if (!g_psl)
    return false;
  return psl_is_public_suffix2(g_psl, buf, PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE) != 0;
}

/* A small per-thread cache of TLD answers: reports repeat a few TLDs. */
typedef struct tld_slot {
  char s[24];
  uchar len;
  bool valid;
} tld_slot;
#define TLD_SLOTS 512u /* power of two */
static _Thread_local tld_slot tld_cache[TLD_SLOTS];

static inline bool tld_cached(const char *t, size_t n)
{
  unsigned h;
  size_t i;
  tld_slot *e;
  if (n >= sizeof(tld_cache[0].s))
    return ctix__ioc_is_tld(t, n);
  /* the slot from the length and three bytes (t has two or more), which
   * tell the common TLDs apart; the name is compared in full */
  h = (((unsigned)(uchar)t[0] * 33u + (uchar)t[1]) * 33u + (uchar)t[n - 1]) * 33u + (unsigned)n;
  e = &tld_cache[h & (TLD_SLOTS - 1)];
  if (e->len == n) {
    for (i = 0; i < n && e->s[i] == t[i]; i++)
      ;
    if (i == n)
      return e->valid;
  }
  memcpy(e->s, t, n);
  e->len = (uchar)n;
  e->valid = ctix__ioc_is_tld(t, n);
  return e->valid;
}

/* ------------------------------------------------------------ helpers */

/* Bytes of a host name: HD_HOST for a label byte (ASCII letter, digit, '-',
 * '_', any byte >= 0x80), HD_DOT for '.' (generated from that rule by a
 * one-off script). */
enum { HD_HOST = 1, HD_DOT = 2 };
static const uchar host_dot[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

static bool is_host_c(int c) { return (host_dot[(uchar)c] & HD_HOST) != 0; }
static bool is_hex(int c) { return ctix__isdigit(c) || ((c | 32) >= 'a' && (c | 32) <= 'f'); }

/* Classes of the bytes of a host name label (0: not allowed), built once. */
enum { LB_OK = 1, LB_UNDERSCORE = 2, LB_NONASCII = 4 };
static uchar label_byte[256];
/* The same classes in the high byte, the lower-case byte in the low one
 * (0 for the bytes not allowed), for the pass that checks and copies a
 * label at once. */
static uint16_t label_low[256];
static pthread_once_t label_once = PTHREAD_ONCE_INIT;

static void build_label_bytes(void)
{
  int c;
  for (c = 0; c < 256; c++) {
    label_byte[c] = c >= 0x80                       ? LB_NONASCII
                    : ctix__isalnum(c) || c == '-' ? LB_OK
                    : c == '_'                      ? LB_UNDERSCORE
                                                    : 0;
    label_low[c] = label_byte[c] ? (uint16_t)(label_byte[c] << 8 | ctix__lower(c)) : 0;
  }
}

/* Result of validating a host name. */
typedef enum dom_res {
  DOM_NONE = 0,   /* not shaped like a domain at all */
  DOM_OK,         /* valid; canonical form in the output buffer */
  DOM_BAD_TLD,    /* shaped like one but the TLD is unknown */
  DOM_BAD         /* shaped like one but a label is invalid */
} dom_res;

/*
 * The label rules of domain_canon (both its walks), on the label l[0..len)
 * of a name with `before` labels before it: DOM_OK when the label may
 * stand, else the result for the name: DOM_NONE for an empty label (also
 * what a trailing dot leaves) or a first one starting or ending with '-',
 * DOM_BAD for a later one doing so.
 */
static inline dom_res label_shape(const char *l, size_t len, size_t before)
{
  if (len == 0)
    return DOM_NONE;
  if (l[0] == '-' || l[len - 1] == '-')
    return before ? DOM_BAD : DOM_NONE;
  return DOM_OK;
}

/* True if an ASCII label of len bytes, written at out[at], fits a label and the name. */
static inline bool ascii_label_fits(size_t at, size_t len)
{
  return len <= LABEL_MAX && at + len + 1 <= DOMAIN_MAX + 1;
}

/* Records the start (in the canonical form) and the hash before label number `i`. */
static inline void record_label(ctix__ioc_host *rec, size_t i, size_t at, uint32_t hh)
{
  if (i < CTIX__HOST_LABELS) { /* a valid name has fewer labels (DOMAIN_MAX bytes) */
    rec->start[i] = (uint8_t)at;
    rec->pre[i] = hh;
  }
}

/*
 * The verdict of domain_canon on a name whose labels all stand, written
 * to out[0..o) with its last label from tld_at: no domain with fewer than
 * two labels, or when the last label is one letter, starts with a digit
 * or has a byte other than a letter, digit or '-' (`last_other`); else the
 * label count, the hash hh of the whole and the length are recorded and
 * the last label is checked as a TLD (DOM_OK or DOM_BAD_TLD).
 */
static inline dom_res name_verdict(const char *out, size_t o, size_t tld_at, size_t labels,
                                   bool last_other, uint32_t hh, size_t *outlen,
                                   ctix__ioc_host *rec)
{
  if (labels < 2 || o - tld_at < 2 || ctix__isdigit((uchar)out[tld_at]) || last_other)
    return DOM_NONE;
  rec->nlabels = (uint32_t)labels;
  rec->full = hh;
  *outlen = o;
  if (!tld_cached(out + tld_at, o - tld_at))
    return DOM_BAD_TLD;
  return DOM_OK;
}

#if defined(__SSE2__)
/*
 * The common case of domain_canon, sixteen bytes at a time: when every
 * byte of h[0..n) (0 < n <= 64) is an ASCII letter, digit, '-' or '.',
 * writes the name lower-cased to out, sets the bits of its dots in *dots
 * (bit i for h[i]) and returns true; otherwise returns false and out is
 * to be written again. h is readable for 16 bytes even when n is less.
 */
static bool canon_bytes16(const char *h, size_t n, char *out, uint64_t *dots)
{
  const __m128i cA = _mm_set1_epi8('A'), ca = _mm_set1_epi8('a'), c0 = _mm_set1_epi8('0'),
                c25 = _mm_set1_epi8(25), c9 = _mm_set1_epi8(9), c20 = _mm_set1_epi8(0x20),
                cdot = _mm_set1_epi8('.'), chy = _mm_set1_epi8('-');
  size_t at = 0;
  uint64_t dm = 0;
  for (;;) {
    __m128i v, u, up, lo, l, d, dot, ok;
    unsigned valid;
    /* the last block of a name of 16 bytes or more ends at its end */
    if (at + 16 > n)
      at = n >= 16 ? n - 16 : 0;
    v = _mm_loadu_si128((const __m128i *)(const void *)(h + at));
    u = _mm_sub_epi8(v, cA);
    up = _mm_cmpeq_epi8(_mm_min_epu8(u, c25), u);
    lo = _mm_or_si128(v, _mm_and_si128(up, c20));
    l = _mm_sub_epi8(lo, ca);
    d = _mm_sub_epi8(v, c0);
    dot = _mm_cmpeq_epi8(v, cdot);
    ok = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(l, c25), l),
                                   _mm_cmpeq_epi8(_mm_min_epu8(d, c9), d)),
                      _mm_or_si128(_mm_cmpeq_epi8(v, chy), dot));
    valid = n - at >= 16 ? 0xFFFFu : (1u << (n - at)) - 1u;
    if (((unsigned)_mm_movemask_epi8(ok) & valid) != valid)
      return false;
    _mm_storeu_si128((__m128i *)(void *)(out + at), lo);
    dm |= (uint64_t)((unsigned)_mm_movemask_epi8(dot) & valid) << at;
    if (at + 16 >= n) {
      *dots = dm;
      return true;
    }
    at += 16;
  }
}

/*
 * domain_canon for a name that canon_bytes16 wrote to out[0..n) with its
 * dots: the labels found from the dot bits, checked by the same rules
 * (label_shape, ascii_label_fits, name_verdict) in the same order.
 */
static dom_res canon_labels(const char *out, size_t n, uint64_t dots, size_t *outlen,
                            ctix__ioc_host *rec)
{
  const uint32_t M1 = CTIX__HOST_MUL;
  size_t a = 0, labels = 0;
  uint32_t hh = 0;
  for (;;) {
    size_t d = dots ? (size_t)__builtin_ctzll(dots) : n, k;
    dom_res r = label_shape(out + a, d - a, labels);
    if (r != DOM_OK)
      return r;
    if (!ascii_label_fits(a, d - a))
      return DOM_BAD;
    record_label(rec, labels, a, hh);
    /* four steps of the hash at once (the same value modulo 2^32) */
    for (k = a; k + 4 <= d; k += 4)
      hh = hh * (M1 * M1 * M1 * M1) + (uchar)out[k] * (M1 * M1 * M1) +
           (uchar)out[k + 1] * (M1 * M1) + (uchar)out[k + 2] * M1 + (uchar)out[k + 3];
    for (; k < d; k++)
      hh = ctix__host_step(hh, (uchar)out[k]);
    labels++;
    if (d == n)
      break;
    hh = ctix__host_step(hh, '.');
    dots &= dots - 1;
    a = d + 1;
  }
  return name_verdict(out, n, a, labels, false, hh, outlen, rec);
}
#endif

/*
 * Validates the host name h[0..n) (no trailing dot) and writes its
 * canonical form (lower case, punycode) to out[0..*outlen) (out holds
 * DOMAIN_MAX + 1 bytes). *underscore tells whether a label has one. The
 * same walk records the labels and hashes of the canonical form in *rec
 * (for ctix__ioc_triage_host) when the result is DOM_OK or DOM_BAD_TLD.
 * `room` is the number of bytes readable at h (n or more).
 */
static dom_res domain_canon(const char *h, size_t n, size_t room, char *out, size_t *outlen,
                            bool *underscore, ctix__ioc_host *rec)
{
  size_t i = 0, o = 0, labels = 0, tld_at = 0;
  uint32_t hh = 0;
  bool last_other = false; /* the last label has a byte other than a letter, digit, '-' */
  *outlen = 0;
  *underscore = false;
  if (n == 0 || n > 4 * DOMAIN_MAX)
    return DOM_NONE;
#if defined(__SSE2__)
  /* nearly every name: up to 64 ASCII letters, digits, '-' and '.' (not when the
   * tests compare the byte loop alone, ctix__ioc_force_scalar) */
  if (n <= 64 && room >= 16 && !ctix__ioc_force_scalar) {
    uint64_t dots;
    if (canon_bytes16(h, n, out, &dots))
      return canon_labels(out, n, dots, outlen, rec);
  }
#else
  (void)room;
#endif
  pthread_once(&label_once, build_label_bytes);
  while (i < n) {
    size_t a = i, k;
    unsigned seen = 0;
    /* while the output is the input lower-cased (no punycode so far), a
     * name that fits the output is copied as its bytes are checked */
    bool copied = o == a && n <= DOMAIN_MAX + 1;
    dom_res r;
    record_label(rec, labels, o, hh);
    if (copied) {
      for (; i < n; i++) {
        unsigned e = label_low[(uchar)h[i]];
        if (!e) {
          if (h[i] == '.')
            break;
          return DOM_NONE;
        }
        seen |= e >> 8;
        out[i] = (char)e;
        hh = ctix__host_step(hh, (uchar)e);
      }
    } else {
      while (i < n && h[i] != '.') {
        unsigned c = label_byte[(uchar)h[i]];
        if (!c)
          return DOM_NONE;
        seen |= c;
        i++;
      }
    }
    if ((r = label_shape(h + a, i - a, labels)) != DOM_OK)
      return r;
    tld_at = o;
    if (!(seen & LB_NONASCII)) {
      if (!ascii_label_fits(o, i - a))
        return DOM_BAD;
      if (copied)
        o += i - a;
      else
        for (k = a; k < i; k++) {
          out[o++] = (char)ctix__lower((uchar)h[k]);
          hh = ctix__host_step(hh, (uchar)out[o - 1]);
        }
      if (seen & LB_UNDERSCORE)
        *underscore = true;
      last_other = (seen & LB_UNDERSCORE) != 0;
    } else {
      char lab[4 * LABEL_MAX + 1];
      char *ace = NULL;
      size_t m;
      if (i - a > 4 * LABEL_MAX)
        return DOM_BAD;
      memcpy(lab, h + a, i - a);
      lab[i - a] = '\0';
      if (idn2_to_ascii_8z(lab, &ace, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT) != IDN2_OK ||
          !ace) {
        idn2_free(ace);
        return DOM_BAD;
      }
      m = strlen(ace);
      if (m > LABEL_MAX || o + m + 1 > DOMAIN_MAX + 1) {
        idn2_free(ace);
        return DOM_BAD;
      }
      /* the label's bytes are hashed as written here (the walk above
       * may have hashed the raw bytes) */
      hh = labels < CTIX__HOST_LABELS ? rec->pre[labels] : 0;
      last_other = false;
      for (k = 0; k < m; k++) {
        uchar c = (uchar)ctix__lower((uchar)ace[k]);
        out[o++] = (char)c;
        hh = ctix__host_step(hh, c);
        last_other = last_other || !(ctix__isalnum(c) || c == '-');
      }
      idn2_free(ace);
    }
    labels++;
    if (i < n) {
      out[o++] = '.';
      hh = ctix__host_step(hh, '.');
      i++;
      if (i == n)
        return DOM_NONE; /* trailing dot: the caller strips it */
    }
  }
  return name_verdict(out, o, tld_at, labels, last_other, hh, outlen, rec);
}

/* ------------------------------------------------------------ IPv4 */

/*
 * Parses a dotted-decimal run at t[i..end): digits and dots. Returns the
 * number of groups of the maximal run, its end in *run_end, and when it
 * has exactly four groups of one to three digits, the octets (values may
 * exceed 255; *big says so).
 */
static unsigned ipv4_run(const char *t, size_t i, size_t end, size_t *run_end,
                         unsigned oct[4], bool *long_group)
{
  unsigned groups = 0;
  *long_group = false;
  for (;;) {
    size_t a = i;
    unsigned v, d;
    /* the first three digits unrolled (nearly every group); a longer
     * group keeps the value of its first four */
    if (i >= end || (v = (unsigned)((uchar)t[i] - '0')) > 9)
      break;
    i++;
    if (i < end && (d = (unsigned)((uchar)t[i] - '0')) <= 9) {
      v = v * 10 + d;
      i++;
      if (i < end && (d = (unsigned)((uchar)t[i] - '0')) <= 9) {
        v = v * 10 + d;
        i++;
        while (i < end && ctix__isdigit((uchar)t[i])) {
          if (i - a < 4)
            v = v * 10 + (unsigned)(t[i] - '0');
          i++;
        }
      }
    }
    if (i - a > 3)
      *long_group = true;
    if (groups < 4)
      oct[groups] = v;
    groups++;
    if (i + 1 < end && t[i] == '.' && ctix__isdigit((uchar)t[i + 1]))
      i++;
    else
      break;
  }
  *run_end = i;
  return groups;
}

/* The decimal form of each byte value: its digits in the low bytes (first
 * digit lowest), their count in the high byte; computed by the compiler. */
#define OCT_TXT(v)                                                                      \
  ((v) >= 100 ? ((uint32_t)('0' + (v) / 100) | (uint32_t)('0' + (v) / 10 % 10) << 8 |  \
                 (uint32_t)('0' + (v) % 10) << 16 | 3u << 24)                           \
   : (v) >= 10 ? ((uint32_t)('0' + (v) / 10) | (uint32_t)('0' + (v) % 10) << 8 | 2u << 24) \
               : ((uint32_t)('0' + (v)) | 1u << 24))
#define OCT4(v) OCT_TXT(v), OCT_TXT((v) + 1), OCT_TXT((v) + 2), OCT_TXT((v) + 3)
#define OCT16(v) OCT4(v), OCT4((v) + 4), OCT4((v) + 8), OCT4((v) + 12)
#define OCT64(v) OCT16(v), OCT16((v) + 16), OCT16((v) + 32), OCT16((v) + 48)
static const uint32_t oct_txt[256] = {OCT64(0), OCT64(64), OCT64(128), OCT64(192)};
#undef OCT64
#undef OCT16
#undef OCT4
#undef OCT_TXT

/* Formats octets (each at most 255) as "a.b.c.d" in out, which holds 16
 * bytes or more; returns the length. */
static size_t ipv4_fmt(char *out, const unsigned oct[4])
{
  size_t o = 0;
  int k;
  for (k = 0; k < 4; k++) {
    uint32_t w = oct_txt[oct[k] & 255u];
    if (k)
      out[o++] = '.';
    /* three bytes written, the digits counted: the others are
     * overwritten by what follows (a dot or the final NUL) */
    out[o] = (char)(w & 0xFF);
    out[o + 1] = (char)(w >> 8 & 0xFF);
    out[o + 2] = (char)(w >> 16 & 0xFF);
    o += w >> 24;
  }
  out[o] = '\0';
  return o;
}

/* Words before a dotted number that make it a version ("versions
 * 9.2.18.001 through 9.2.18.538"). */
static const char *const version_words[] = {"version", "versions", "ver", NULL};

/* True if the dotted number ending at t[z] is the first end of a range
 * to another one: "through", "to" or '-' then digits and a dot
 * ("9.2.18.001 through 9.2.18.538", "7.1.0.010 - 7.1.0.200"). */
static bool range_after(const char *t, size_t len, size_t z)
{
  size_t i = z;
  while (i < len && t[i] == ' ')
    i++;
  if (i < len && t[i] == '-')
    i++;
  else if (len - i > 8 && ctix__mem_istarts(t + i, len - i, "through "))
    i += 8;
  else if (len - i > 3 && ctix__mem_istarts(t + i, len - i, "to "))
    i += 3;
  else
    return false;
  while (i < len && t[i] == ' ')
    i++;
  while (i < len && ctix__isdigit((uchar)t[i]))
    i++;
  return i + 1 < len && t[i] == '.' && ctix__isdigit((uchar)t[i + 1]) &&
         ctix__isdigit((uchar)t[i - 1]);
}

/* True if the dotted number t[a..z) is written as a product's version:
 * a version word right before it ("version 9.2.18.001"), or among the
 * three words before it when a range follows ("Versions of Contoso
 * 7.1.0.010 through 7.1.0.200"). "Version 2 beacons to 185.220.101.004"
 * is no version of the address. */
static bool version_number(const ctix__ioc_scan *s, size_t a, size_t z)
{
  const char *t = s->text;
  size_t e = a, b, k;
  while (e > 0 && a - e < 4 && (t[e - 1] == ' ' || t[e - 1] == ':' || t[e - 1] == 'v'))
    e--; /* "version: 9.2.18.001", "ver v9.2.18.001" */
  for (b = e; b > 0 && e - b < 9 && ctix__isalpha((uchar)t[b - 1]); b--)
    ;
  for (k = 0; b < e && version_words[k]; k++)
    if (ctix__mem_ieq(t + b, e - b, version_words[k]))
      return true;
  return range_after(s->text, s->len, z) && ctix__ioc_context_has(s, a, 3, version_words);
}

/* Emits an IPv4 address (with its triage) at [a, z). */
static int emit_ipv4(ctix__ioc_scan *s, size_t a, size_t z, const unsigned oct[4])
{
  char v[16];
  uint8_t bytes[4];
  ctix_ioc_status st;
  const char *why;
  size_t n = ipv4_fmt(v, oct);
  int k;
  for (k = 0; k < 4; k++)
    bytes[k] = (uint8_t)oct[k];
  /* written with a zero-padded group ("9.2.18.001") as a version: a
   * product's version, not an address (only zero-padded quads are looked
   * at: addresses are rarely written so, versions often are) */
  if (z - a > n && version_number(s, a, z))
    return ctix__ioc_emit(s, CTIX_IOC_IPV4, a, z, v, n, CTIX_IOC_STATUS_REJECTED,
                          R_VERSION);
  ctix__ioc_triage_ip(bytes, false, &st, &why);
  return ctix__ioc_emit(s, CTIX_IOC_IPV4, a, z, v, n, st, why);
}

/* A decimal prefix length at t[i..end) ("/24"): its value and end, or -1. */
static long prefix_at(const char *t, size_t i, size_t end, size_t *pend)
{
  size_t k = i + 1;
  long v = 0;
  if (i >= end || t[i] != '/' || k >= end || !ctix__isdigit((uchar)t[k]))
    return -1;
  while (k < end && ctix__isdigit((uchar)t[k]) && k - i <= 7) {
    v = v * 10 + (t[k] - '0');
    k++;
  }
  if (k < end && (ctix__isalnum((uchar)t[k]) || t[k] == '.' || t[k] == '/'))
    return -1; /* "1.2.3.4/24abc", "10.0.0.1/2.3", a URL-like path */
  *pend = k;
  return v;
}

/*
 * ipv4_at (below) once the caller has read the run at t[i..end): ipv4_run's
 * answers g, z, oct and long_group (one walk of the address).
 */
static size_t ipv4_at_run(ctix__ioc_scan *s, size_t i, size_t end, unsigned g, size_t z,
                          const unsigned oct[4], bool long_group, int *rc, bool *emitted)
{
  const char *t = s->text;
  bool big = false;
  size_t pend;
  unsigned k;
  long plen;
  *emitted = false;
  if (g != 4 || long_group)
    return z;
  /* boundary after: not a letter, not a longer dotted name */
  if (z < end && (ctix__isalpha((uchar)t[z]) || t[z] == '_' ||
                  (t[z] == '.' && z + 1 < end && is_host_c((uchar)t[z + 1]))))
    return z;
  for (k = 0; k < 4; k++)
    big = big || oct[k] > 255;
  if (big) {
    *emitted = true;
    *rc = ctix__ioc_emit(s, CTIX_IOC_IPV4, i, z, t + i, z - i, CTIX_IOC_STATUS_REJECTED,
                         R_OCTET);
    return z;
  }
  *emitted = true;
  if ((*rc = emit_ipv4(s, i, z, oct)))
    return z;
  if ((plen = prefix_at(t, z, end, &pend)) >= 0) {
    char v[24];
    size_t n = ipv4_fmt(v, oct);
    v[n++] = '/';
    memcpy(v + n, t + z + 1, pend - z - 1);
    n += pend - z - 1;
    if (plen > 32)
      *rc = ctix__ioc_emit(s, CTIX_IOC_IPV4_CIDR, i, pend, v, n, CTIX_IOC_STATUS_REJECTED,
                           R_PREFIX4);
    else {
      uint8_t bytes[4];
      ctix_ioc_status st;
      const char *why;
      for (k = 0; k < 4; k++)
        bytes[k] = (uint8_t)oct[k];
      ctix__ioc_triage_ip(bytes, false, &st, &why);
      /* canonical prefix without leading zeros (plen <= 32 here) */
      n = ipv4_fmt(v, oct);
      v[n++] = '/';
      if (plen >= 10)
        v[n++] = (char)('0' + plen / 10);
      v[n++] = (char)('0' + plen % 10);
      v[n] = '\0';
      *rc = ctix__ioc_emit(s, CTIX_IOC_IPV4_CIDR, i, pend, v, n, st, why);
    }
    return pend;
  }
  return z;
}

/*
 * An IPv4 address (and CIDR range) starting at t[i], i at a word boundary.
 * Returns the end of what was looked at; *emitted tells whether something
 * was emitted, *whole whether it was an address (not a longer run).
 */
static size_t ipv4_at(ctix__ioc_scan *s, size_t i, size_t end, int *rc, bool *emitted)
{
  unsigned oct[4];
  bool long_group;
  size_t z;
  unsigned g = ipv4_run(s->text, i, end, &z, oct, &long_group);
  return ipv4_at_run(s, i, end, g, z, oct, long_group, rc, emitted);
}

/* ------------------------------------------------------------ IPv6 */

/* Appends the lower-case hex form of v (no leading zeros) to out[o..);
 * returns the new length. */
static size_t hex16_fmt(char *out, size_t o, unsigned v)
{
  static const char hx[] = "0123456789abcdef";
  int sh = 12;
  while (sh > 0 && !(v >> sh))
    sh -= 4;
  for (; sh >= 0; sh -= 4)
    out[o++] = hx[(v >> sh) & 15];
  return o;
}

/*
 * Formats a 16-byte address as inet_ntop does (the longest run of two or
 * more zero groups, the first on a tie, becomes "::"; an IPv4-mapped or
 * IPv4-compatible address ends in dotted decimal); returns the length.
 * out holds at least 46 bytes.
 */
static size_t ipv6_fmt(char *out, const uint8_t a[16])
{
  unsigned w[8], oct[4];
  int i, k, best = -1, best_len = 0, cur = -1, cur_len = 0;
  size_t o = 0;
  for (i = 0; i < 8; i++) {
    w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
    if (w[i] == 0) {
      if (cur < 0)
        cur = i, cur_len = 0;
      cur_len++;
    } else if (cur >= 0) {
      if (best < 0 || cur_len > best_len)
        best = cur, best_len = cur_len;
      cur = -1;
    }
  }
  if (cur >= 0 && (best < 0 || cur_len > best_len))
    best = cur, best_len = cur_len;
  if (best >= 0 && best_len < 2)
    best = -1;
  for (i = 0; i < 8; i++) {
    if (best >= 0 && i >= best && i < best + best_len) {
      if (i == best)
        out[o++] = ':';
      continue;
    }
    if (i)
      out[o++] = ':';
    if (i == 6 && best == 0 &&
        (best_len == 6 || (best_len == 7 && w[7] != 1) || (best_len == 5 && w[5] == 0xffff))) {
      for (k = 0; k < 4; k++)
        oct[k] = a[12 + k];
      return o + ipv4_fmt(out + o, oct);
    }
    o = hex16_fmt(out, o, w[i]);
  }
  if (best >= 0 && best + best_len == 8)
    out[o++] = ':';
  out[o] = '\0';
  return o;
}

/* Characters of an IPv6 candidate run. */
static bool v6_char(int c) { return is_hex(c) || c == ':' || c == '.'; }

/*
 * An IPv6 address (and CIDR range) at t[i..), i at a boundary. Returns the
 * end of the run looked at (> i).
 */
static size_t ipv6_at(ctix__ioc_scan *s, size_t i, size_t end, int *rc, bool *emitted)
{
  const char *t = s->text;
  char buf[64], v[64];
  uint8_t addr[16];
  size_t z = i, colons = 0, digits = 0, n, pend;
  bool dbl = false;
  long plen;
  *emitted = false;
  while (z < end && v6_char((uchar)t[z])) {
    if (t[z] == ':') {
      colons++;
      if (z + 1 < end && t[z + 1] == ':')
        dbl = true;
    } else if (ctix__isdigit((uchar)t[z]))
      digits++;
    z++;
  }
  /* a trailing dot or single colon belongs to the prose */
  while (z > i && (t[z - 1] == '.' || (t[z - 1] == ':' && !(z - i >= 2 && t[z - 2] == ':'))))
    z--;
  if (z - i < 2 || z - i >= sizeof(buf) || colons < 2 || (!dbl && colons < 7))
    return z > i ? z : i + 1;
  if (!digits && colons < 4)
    return z;
  /* boundary after: no letter, digit or '_' glued to it */
  if (z < end && (ctix__isalnum((uchar)t[z]) || t[z] == '_'))
    return z;
  memcpy(buf, t + i, z - i);
  buf[z - i] = '\0';
  if (inet_pton(AF_INET6, buf, addr) != 1)
    return z;
  n = ipv6_fmt(v, addr);
  {
    ctix_ioc_status st;
    const char *why;
    ctix__ioc_triage_ip(addr, true, &st, &why);
    *emitted = true;
    if ((*rc = ctix__ioc_emit(s, CTIX_IOC_IPV6, i, z, v, n, st, why)))
      return z;
    if ((plen = prefix_at(t, z, end, &pend)) >= 0) {
      int m = snprintf(v + n, sizeof(v) - n, "/%ld", plen);
      if (m > 0 && (size_t)m < sizeof(v) - n) {
        if (plen > 128)
          *rc = ctix__ioc_emit(s, CTIX_IOC_IPV6_CIDR, i, pend, v, n + (size_t)m,
                               CTIX_IOC_STATUS_REJECTED, R_PREFIX6);
        else
          *rc = ctix__ioc_emit(s, CTIX_IOC_IPV6_CIDR, i, pend, v, n + (size_t)m, st, why);
      }
      return pend;
    }
  }
  return z;
}

/* True if t[p] starts a word for an address (nothing glued before it); an
 * IPv4 address may follow a colon ("-ip4:1.2.3.4"), an IPv6 one may not. */
static bool ip_boundary(const char *t, size_t start, size_t p, bool v4)
{
  uchar c;
  if (p == start)
    return true;
  c = (uchar)t[p - 1];
  if (c == ':')
    return v4 && !(p >= start + 2 && (is_hex((uchar)t[p - 2]) || t[p - 2] == ':') &&
                   memchr(t + start, ':', p - 1 - start));
  return !(ctix__isalnum(c) || c == '.' || c == '_' || c == '-' || c >= 0x80);
}

int ctix__ioc_rec_ip(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh)
{
  const char *t = s->text;
  size_t i = start, covered_from = end, covered_to = start;
  int rc = 0;
  bool any = false;
  while (i < end) {
    uchar c = (uchar)t[i];
    size_t z = i + 1;
    bool emitted = false;
    if (is_hex(c) || c == ':') {
      bool b4 = ctix__isdigit(c) && ip_boundary(t, start, i, true);
      bool b6 = sh->colons >= 2 && ip_boundary(t, start, i, false);
      if (!b4 && !b6) {
        /* skip the rest of this word */
        while (ctix__isalnum(c) && z < end && ctix__isalnum((uchar)t[z]))
          z++;
      } else {
        size_t z4 = i, z6 = i;
        if (b4)
          z4 = ipv4_at(s, i, end, &rc, &emitted);
        if (!rc && !emitted && b6)
          z6 = ipv6_at(s, i, end, &rc, &emitted);
        z = z4 > z6 ? z4 : z6;
        if (z <= i)
          z = i + 1;
        if (emitted) {
          any = true;
          if (i < covered_from)
            covered_from = i;
          covered_to = z;
        }
      }
    }
    if (rc)
      return rc;
    i = z;
  }
  if (!any)
    return 0;
  /* claimed when the addresses make up the token ("1.2.3.4:80" too) */
  if (covered_from == start) {
    size_t k = covered_to;
    if (k < end && t[k] == ']')
      k++;
    if (k < end && t[k] == ':') {
      k++;
      while (k < end && ctix__isdigit((uchar)t[k]))
        k++;
    }
    if (k >= end)
      return 1;
  }
  return 0;
}

/* ------------------------------------------------------------ domains */

/* ------------------------------------------------- fields of queries */

/* True if w[0..n) is one of the sorted table tab[0..count) (binary
 * search; an entry longer than n never equals it). */
static bool word_table_has(const char *const *tab, size_t count, const char *w, size_t n)
{
  size_t lo = 0, hi = count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const char *e = tab[mid];
    int c = strncmp(e, w, n);
    if (c == 0)
      c = e[n] ? 1 : 0;
    if (c == 0)
      return true;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return false;
}

#define COUNT_OF(tab) (sizeof(tab) / sizeof((tab)[0]))

/* Leaves of a field whose value is a host, kept as an indicator
 * ("destination.domain: file.io", "dns.question.name == evil.com"). */
static const char *const host_leaves[] = {"address", "domain", "host", "hostname",
                                          "name", "url", NULL};

/*
 * True if t[a..z) is written as a field name: labels of lower-case
 * letters, digits and '_', the first one a field set of
 * data/ioc/query-field-sets.txt, and three labels or more
 * ("process.parent.name") or two whose last is a leaf of
 * data/ioc/query-field-leaves.txt ("process.name"; "file.io" is none).
 * *leaf is set to where the last label starts.
 */
static bool field_shaped(const char *t, size_t a, size_t z, size_t *leaf)
{
  size_t k = a, dots = 0;
  while (k < z && k - a <= QUERY_FIELD_SETS_LONGEST && (ctix__islower((uchar)t[k]) || t[k] == '_'))
    k++;
  if (k == a || k >= z || t[k] != '.' ||
      !word_table_has(query_field_sets, COUNT_OF(query_field_sets), t + a, k - a))
    return false;
  *leaf = k + 1;
  for (; k < z; k++) {
    uchar c = (uchar)t[k];
    if (c == '.') {
      dots++;
      *leaf = k + 1;
    } else if (!ctix__islower(c) && !ctix__isdigit(c) && c != '_') {
      return false;
    }
  }
  if (*leaf >= z)
    return false;
  return dots >= 2 || (z - *leaf <= QUERY_FIELD_LEAVES_LONGEST &&
                       word_table_has(query_field_leaves, COUNT_OF(query_field_leaves),
                                      t + *leaf, z - *leaf));
}

/* Skips blanks (spaces and tabs) from t[i] forward, within the line. */
static size_t blanks_after(const char *t, size_t len, size_t i)
{
  while (i < len && (t[i] == ' ' || t[i] == '\t'))
    i++;
  return i;
}

/* True if the line around t[i] holds query syntax besides a word
 * operator: "==", "!=", a ':' or '=' before a quote, or "where "
 * (a "like" or "in (" alone is prose: "went to file.io like ...", "to
 * file.io in (at least) three intrusions"). */
static bool query_line(const char *t, size_t len, size_t i)
{
  size_t b = i, e = i, k;
  while (b > 0 && t[b - 1] != '\n' && i - b < 400)
    b--;
  while (e < len && t[e] != '\n' && e - i < 400)
    e++;
  for (k = b; k + 1 < e; k++) {
    char c = t[k], d = t[k + 1];
    if ((c == '=' || c == '!') && d == '=')
      return true;
    if ((c == ':' || c == '=') && (d == '"' || d == '\'' ||
                                   (d == ' ' && k + 2 < e && t[k + 2] == '"')))
      return true;
    if ((c | 32) == 'w' && e - k > 6 && ctix__mem_istarts(t + k, e - k, "where ") &&
        (k == b || t[k - 1] == ' ' || t[k - 1] == '|'))
      return true;
  }
  return false;
}

/* True if an operator of a query follows t[z..): ':' (not a port,
 * "file.io:443"), '==', '!=', '=~', '<', '>'; "in (" or "like" when the
 * line holds other query syntax (query_line). */
static bool operator_after(const char *t, size_t len, size_t z)
{
  size_t i = blanks_after(t, len, z);
  if (i >= len)
    return false;
  if (t[i] == ':')
    return !(i == z && i + 1 < len && ctix__isdigit((uchar)t[i + 1]));
  if (i + 1 < len && (t[i] == '=' || t[i] == '!') && (t[i + 1] == '=' || t[i + 1] == '~'))
    return true;
  if ((t[i] == '<' || t[i] == '>') && i > z)
    return true;
  if (i == z || ((t[i] | 32) != 'i' && (t[i] | 32) != 'l'))
    return false;
  return ((len - i > 3 && ctix__mem_istarts(t + i, len - i, "in (")) ||
          (len - i > 5 && ctix__mem_istarts(t + i, len - i, "like "))) &&
         query_line(t, len, i);
}

/* True if t[a..) is the unquoted value of a field of a query: a ':' or
 * "==" before it, and before that a field name ("event.dataset:
 * endpoint.events.network", the name of a data stream) whose leaf is no
 * host's (host_leaves: "destination.domain: file.io" names a host). */
static bool field_value(const char *t, size_t a)
{
  size_t i = a, e, b, leaf, k;
  while (i > 0 && (t[i - 1] == ' ' || t[i - 1] == '\t'))
    i--;
  if (i == 0)
    return false;
  if (t[i - 1] == ':')
    i--;
  else if (i >= 2 && t[i - 1] == '=' && t[i - 2] == '=')
    i -= 2;
  else
    return false;
  while (i > 0 && (t[i - 1] == ' ' || t[i - 1] == '\t'))
    i--;
  e = i;
  b = e;
  while (b > 0 && e - b < 64 && (ctix__isalnum((uchar)t[b - 1]) || t[b - 1] == '.' || t[b - 1] == '_'))
    b--;
  if (e == b || !memchr(t + b, '.', e - b) || !field_shaped(t, b, e, &leaf))
    return false;
  for (k = 0; host_leaves[k]; k++)
    if (ctix__mem_ieq(t + leaf, e - leaf, host_leaves[k]))
      return false;
  return true;
}

/*
 * True if the name t[a..z) is a field name of a detection query, or the
 * bare value of one, rather than a host: "process.parent.name" in
 * "process.parent.name : \"osascript\"", "dns.question.name" in
 * "dns.question.name: x", "endpoint.events.network" in "event.dataset:
 * endpoint.events.network" (ECS field names in the EQL, KQL or ES|QL of
 * an article; ".name" and ".network" are TLDs). It must be field-shaped
 * (field_shaped) and an operator must follow it, or a field and its
 * operator come before it. Only valid names reach it (emit_domain), and
 * most leave at the operator test.
 */
static bool query_field(const ctix__ioc_scan *s, size_t a, size_t z)
{
  const char *t = s->text;
  size_t leaf;
  /* the operators first: most names have none around them */
  if (!operator_after(t, s->len, z) && !field_value(t, a))
    return false;
  return field_shaped(t, a, z, &leaf) && !ctix__ioc_is_defanged(s, a, z);
}

/* Emits the domain h[0..n) of the scanned text at [a, z) if valid; a name
 * with an unknown TLD is emitted as rejected only when `report_defanged`
 * and [a, z) is defanged. Returns 1 if emitted, 0 if not, <0 on error. */
static int emit_domain(ctix__ioc_scan *s, size_t a, size_t z, bool report_defanged)
{
  const char *t = s->text;
  char v[DOMAIN_MAX + 1];
  size_t n, z0 = z;
  bool us;
  ctix__ioc_host hrec;
  dom_res r;
  ctix_ioc_status st;
  const char *why;
  int rc;
  while (z > a && (t[z - 1] == '.' || t[z - 1] == '-'))
    z--;
  r = domain_canon(t + a, z - a, s->len - a, v, &n, &us, &hrec);
  /* a defanged name is an observable by its author's marking, even when
   * its TLD is not a public one ("dc01[.]corp[.]lan") */
  if (r == DOM_BAD_TLD && ctix__ioc_is_defanged(s, a, z))
    r = DOM_OK;
  if (r == DOM_OK) {
    if (query_field(s, a, z)) {
      rc = ctix__ioc_emit(s, CTIX_IOC_DOMAIN, a, z, v, n, CTIX_IOC_STATUS_REJECTED,
                          R_QUERY_FIELD);
      return rc ? rc : 1;
    }
    ctix__ioc_triage_host(s, v, n, &hrec, &st, &why);
    rc = ctix__ioc_emit(s, CTIX_IOC_DOMAIN, a, z, v, n, st, why);
    return rc ? rc : 1;
  }
  if (r == DOM_BAD_TLD && report_defanged && ctix__ioc_is_defanged(s, a, z0)) {
    rc = ctix__ioc_emit(s, CTIX_IOC_DOMAIN, a, z, v, n, CTIX_IOC_STATUS_REJECTED,
                        R_UNKNOWN_TLD);
    return rc ? rc : 1;
  }
  return 0;
}

/* True if the name t[a..z) reads as code ("System.IO", "Foo.Bar.Core"):
 * its last label is capitalised with lower-case letters after, or it is
 * in capitals after a capitalised label ("BAR.COM" stays a name). */
static bool code_like(const char *t, size_t a, size_t z)
{
  size_t d = z, k;
  bool lower = false, upper_tld = false, capitalised = false;
  /* identifiers have no hyphen: "Evil-Update.NET" is a host */
  if (memchr(t + a, '-', z - a))
    return false;
  while (d > a && t[d - 1] != '.')
    d--;
  if (d >= z || !ctix__isupper((uchar)t[d]))
    return false;
  for (k = d + 1; k < z; k++)
    if (ctix__islower((uchar)t[k]))
      lower = true;
  if (lower)
    return true;
  upper_tld = true;
  for (k = a; k + 1 < d; k++)
    if ((k == a || t[k - 1] == '.') && ctix__isupper((uchar)t[k]) &&
        ctix__islower((uchar)t[k + 1]))
      capitalised = true;
  return upper_tld && capitalised;
}

/* True if t[start..pct) ends in the "scheme:%2F" or "%3A%2F" of a URL
 * whose "://" is percent-encoded, and t[pct] is its second "%2F". */
static bool encoded_slashes(const char *t, size_t start, size_t pct)
{
  if (pct < start + 4 || !ctix__mem_istarts(t + pct, 3, "%2f") ||
      !ctix__mem_istarts(t + pct - 3, 3, "%2f"))
    return false;
  return t[pct - 4] == ':' || (pct >= start + 6 && ctix__mem_istarts(t + pct - 6, 3, "%3a"));
}

int ctix__ioc_rec_domain(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh)
{
  const char *t = s->text;
  size_t i = start;
  int claimed = 0;
  /* a token of host-name bytes alone (its shape tells: letters, digits,
   * dots, '-', '_', bytes >= 0x80) is one run: not walked here */
  bool one_run = sh->digits + sh->alpha + sh->dots + sh->dashes + sh->underscores +
                     sh->nonascii ==
                 sh->len && sh->len == end - start;
  while (i < end) {
    size_t a, z, dots = 0;
    if (one_run) {
      while (i < end && t[i] == '.')
        i++;
      a = i;
      dots = sh->dots - (a - start);
      i = end;
      one_run = false;
    } else {
      while (i < end && !(host_dot[(uchar)t[i]] & HD_HOST))
        i++;
      a = i;
      while (i < end && host_dot[(uchar)t[i]]) {
        dots += host_dot[(uchar)t[i]] >> 1;
        i++;
      }
    }
    z = i;
    /* "https:%2F%2Fevil.com", a URL written percent-encoded: the two
     * hex digits of the escape before the host belong to it, not to the
     * host (a lone "%2Fname.com" is left as written) */
    if (a > start && t[a - 1] == '%' && z - a > 2 && is_hex(t[a]) && is_hex(t[a + 1]) &&
        encoded_slashes(t, start, a - 1))
      a += 2;
    while (a < z && (t[a] == '-' || t[a] == '.'))
      a++;
    while (z > a && (t[z - 1] == '.' || t[z - 1] == '-'))
      z--;
    if (!dots || z - a < 4)
      continue;
    /* "visit evil.com.Then": a capitalised word glued after the dot */
    for (;;) {
      int rc;
      if (code_like(t, a, z) && !ctix__ioc_is_defanged(s, a, z)) {
        size_t d = z;
        while (d > a && t[d - 1] != '.')
          d--;
        if (d <= a + 1 || !memchr(t + a, '.', d - 1 - a))
          break;
        z = d - 1;
        continue;
      }
      if (ctix__ioc_filename_likely(s, a, z))
        break;
      rc = emit_domain(s, a, z, true);
      if (rc < 0)
        return rc;
      if (rc > 0)
        claimed = 1;
      break;
    }
  }
  return claimed;
}

/* ------------------------------------------------------------ e-mail */

static bool local_c(int c)
{
  return ctix__isalnum(c) || c == '.' || c == '_' || c == '+' || c == '-' || c == '%' ||
         c >= 0x80;
}

/* Emits the IP address literal of "user@[1.2.3.4]" / "[IPv6:...]" at
 * t[a..z) (inside the brackets); returns 1 if valid. */
static int literal_ip(ctix__ioc_scan *s, size_t a, size_t z, int *rc)
{
  const char *t = s->text;
  bool emitted = false;
  if (z - a > 5 && ctix__mem_istarts(t + a, z - a, "ipv6:")) {
    size_t e = ipv6_at(s, a + 5, z, rc, &emitted);
    return emitted && e == z;
  }
  if (ctix__isdigit((uchar)t[a])) {
    size_t e = ipv4_at(s, a, z, rc, &emitted);
    return emitted && e == z;
  }
  return 0;
}

/* Web-mail platforms where anyone opens a mailbox (the platform's domain
 * may be benign, an address at it is not): mail_platforms[] of
 * ioc_mail_platforms.h, from data/ioc/mail-platforms.txt. */

/* Words that make an address in their sentence a place to report to
 * ("report incidents to ...", "... to report vulnerabilities"). */
static const char *const report_words[] = {"report", "reporting", "reports", NULL};
#define REPORT_WORDS_BEFORE 24u  /* words looked at before the address */
#define REPORT_SPAN_AFTER 160u   /* bytes looked at after it */

/* True if the canonical (lower-case) domain d[0..n) is a web-mail
 * platform. */
static bool mail_platform(const char *d, size_t n)
{
  return n && word_table_has(mail_platforms, COUNT_OF(mail_platforms), d, n);
}

/* Bytes looked at before an address for an organisation's contact. */
#define CONTACT_SPAN_BEFORE 200u

/* The label of the registrable domain of the canonical name d[0..n)
 * ("siemens" of "productcert.siemens.com", by the public-suffix list)
 * into out[0..*out_n); 0 if found, CTIX_EINVAL if not. */
static int registrable_label(size_t *out_n, char *out, const char *d, size_t n)
{
  char buf[DOMAIN_MAX + 1];
  const char *r, *dot;
  if (n == 0 || n > DOMAIN_MAX)
    return CTIX_EINVAL;
  memcpy(buf, d, n);
  buf[n] = '\0';
  pthread_once(&g_psl_once, psl_load);
  if (!g_psl || !(r = psl_registrable_domain(g_psl, buf)))
    return CTIX_EINVAL;
  dot = strchr(r, '.');
  *out_n = dot ? (size_t)(dot - r) : strlen(r);
  if (*out_n == 0 || *out_n > LABEL_MAX)
    return CTIX_EINVAL;
  memcpy(out, r, *out_n);
  return 0;
}

/*
 * True if the capitalised words from t[k..a) name the organisation whose
 * registrable domain label is lab[0..ln): the first one, two, ... words
 * ("Siemens", "Palo Alto Networks"), written together or joined with '-',
 * equal the label in any case ("siemens", "paloaltonetworks",
 * "palo-alto-networks"). Contained is not enough: "Contact Microsoft
 * Support at support@microsoft-helpdesk.com" (a lure) and "Contact Babuk
 * Support at babuk@onionmail.org" (a ransom note) name no owner of the
 * domain.
 */
static bool names_domain(const char *t, size_t k, size_t a, const char *lab, size_t ln)
{
  size_t m = 0, mj = 0, w, j; /* bytes of the label matched: together, joined */
  bool plain = true, joined = true;
  while (k < a && ctix__isupper((uchar)t[k])) {
    for (w = k; w < a && ctix__isalnum((uchar)t[w]); w++)
      ;
    for (j = 0; plain && j < w - k; j++)
      plain = m + j < ln && ctix__lower((uchar)t[k + j]) == (uchar)lab[m + j];
    for (j = 0; joined && j < w - k; j++)
      joined = mj + j < ln && ctix__lower((uchar)t[k + j]) == (uchar)lab[mj + j];
    m += w - k;
    mj += w - k;
    if ((plain && m == ln) || (joined && mj == ln))
      return true;
    joined = joined && lab[mj] == '-';
    mj++;
    if ((!plain && !joined) || w >= a || t[w] != ' ')
      return false;
    k = w + 1;
  }
  return false;
}

/*
 * True if the sentence before the address at t[a..) tells the reader to
 * contact the organisation that owns the address's domain d[0..dn),
 * named with a capital ("contact Siemens Industrial Cybersecurity
 * Services at ...@siemens.com", "consider contacting Acme PSIRT via <url>
 * or email psirt@acme.com"): a vendor's or agency's contact that closes
 * an advisory, not an indicator. The name must be the domain's
 * registrable label (names_domain): "Contact LockBit at ...@tutanota.io"
 * (a ransom note), "contact Microsoft Support at
 * support@microsoft-helpdesk.com" (a lure) are none. Looked at only when a "contact" word is near
 * (reporting_contact).
 */
static bool organisation_contact(const ctix__ioc_scan *s, size_t a, const char *d, size_t dn)
{
  const char *t = s->text;
  char lab[LABEL_MAX];
  size_t lo = a > CONTACT_SPAN_BEFORE ? a - CONTACT_SPAN_BEFORE : 0, i, k, ln = 0;
  bool have_label = false;
  for (i = a; i > lo; i--) {
    char c = t[i - 1];
    if (c == '\n' || ((c == '.' || c == '!' || c == '?') && i < a && t[i] == ' '))
      return false;
    if ((c | 32) != 'c' || (i >= 2 && ctix__isalpha((uchar)t[i - 2])) ||
        !ctix__mem_istarts(t + i - 1, a - i + 1, "contact"))
      continue;
    k = i - 1 + 7;
    if (k + 3 <= a && ctix__mem_istarts(t + k, a - k, "ing"))
      k += 3;
    if (k >= a || t[k] != ' ')
      continue;
    k++;
    if (k >= a || !ctix__isupper((uchar)t[k]))
      continue;
    if (!have_label) {
      if (registrable_label(&ln, lab, d, dn) < 0)
        return false;
      have_label = true;
    }
    if (names_domain(t, k, a, lab, ln))
      return true;
  }
  return false;
}

/* The report words and the words of organisation_contact, looked for
 * at once: the common case, neither, costs one look. */
static const char *const report_contact_words[] = {"report",  "reporting",  "reports",
                                                   "contact", "contacting", NULL};

/* True if the sentence around the address t[a..z) says to report
 * something to it: a report word before it, or after it before the
 * sentence ends; or if it tells the reader to contact the organisation
 * of its domain d[0..dn) there (organisation_contact). */
static bool reporting_contact(const ctix__ioc_scan *s, size_t a, size_t z, const char *d,
                              size_t dn)
{
  const char *t = s->text;
  size_t i, lim = z + REPORT_SPAN_AFTER < s->len ? z + REPORT_SPAN_AFTER : s->len;
#if defined(__SSE2__)
  const bool vec = !ctix__ioc_force_scalar;
#endif
  if (ctix__ioc_context_has(s, a, REPORT_WORDS_BEFORE, report_contact_words) &&
      (ctix__ioc_context_has(s, a, REPORT_WORDS_BEFORE, report_words) ||
       organisation_contact(s, a, d, dn)))
    return true;
  for (i = z; i < lim; i++) {
#if defined(__SSE2__)
    /* sixteen bytes at a time up to the next byte the tests below look
     * at: a line end, a sentence mark, an 'r' before an 'e' (not when the
     * tests compare the byte loop alone, ctix__ioc_force_scalar); the byte
     * after the sixteen is read too */
    while (i + 16 <= lim && i + 16 < s->len && vec) {
      __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
      __m128i vn = _mm_loadu_si128((const __m128i *)(const void *)(t + i + 1));
#define EQ(x, ch) _mm_cmpeq_epi8(x, _mm_set1_epi8(ch))
      const __m128i c20 = _mm_set1_epi8(0x20);
      __m128i re = _mm_and_si128(EQ(_mm_or_si128(v, c20), 'r'), EQ(_mm_or_si128(vn, c20), 'e'));
      __m128i hit = _mm_or_si128(_mm_or_si128(EQ(v, '\n'), EQ(v, '.')),
                                 _mm_or_si128(_mm_or_si128(EQ(v, '!'), EQ(v, '?')), re));
#undef EQ
      unsigned m = (unsigned)_mm_movemask_epi8(hit);
      if (m) {
        i += (unsigned)__builtin_ctz(m);
        break;
      }
      i += 16;
    }
    if (i >= lim)
      break;
#endif
    if (t[i] == '\n' || ((t[i] == '.' || t[i] == '!' || t[i] == '?') &&
                         (i + 1 >= s->len || ctix__isspace((uchar)t[i + 1]))))
      return false;
    if ((t[i] | 32) == 'r' && (i == 0 || !ctix__isalpha((uchar)t[i - 1])) &&
        ctix__mem_istarts(t + i, lim - i, "report"))
      return true;
  }
  return false;
}

int ctix__ioc_rec_email(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh)
{
  const char *t = s->text;
  size_t p;
  int claimed = 0, rc = 0;
  for (p = start; p < end; p++) {
    size_t la, lz = p, ha = p + 1, hz, k, cpos = 0;
    char v[LOCAL_MAX + DOMAIN_MAX + 8];
    size_t vn = 0;
    bool comment = false;
    if (t[p] != '@')
      continue;
    /* local part, skipping one "(comment)" just before the '@' */
    if (lz > start && t[lz - 1] == ')') {
      k = lz - 1;
      while (k > start && t[k - 1] != '(' && lz - k < 64)
        k--;
      if (k > start && t[k - 1] == '(') {
        cpos = k - 1;
        comment = true;
        lz = cpos;
      }
    }
    la = lz;
    while (la > start && local_c((uchar)t[la - 1]) && lz - la <= LOCAL_MAX)
      la--;
    while (la < lz && (t[la] == '.' || t[la] == '-' || t[la] == '+' || t[la] == '%'))
      la++;
    if (la >= lz || lz - la > LOCAL_MAX || t[lz - 1] == '.')
      continue;
    for (k = la + 1; k < lz; k++)
      if (t[k] == '.' && t[k - 1] == '.')
        break;
    if (k < lz)
      continue;
    /* host: a domain or an address literal */
    if (ha < end && t[ha] == '[') {
      size_t c = ha + 1;
      while (c < end && t[c] != ']' && c - ha < 64)
        c++;
      if (c >= end || t[c] != ']')
        continue;
      {
        size_t ln = c + 1 - ha, j;
        if (!literal_ip(s, ha + 1, c, &rc)) {
          if (rc)
            return rc;
          continue;
        }
        for (j = 0; j < lz - la && vn < sizeof(v) - 1; j++)
          v[vn++] = (char)ctix__lower((uchar)t[la + j]);
        v[vn++] = '@';
        memcpy(v + vn, t + ha, ln);
        vn += ln;
        rc = ctix__ioc_emit(s, CTIX_IOC_EMAIL, comment ? la : la, c + 1, v, vn,
                            CTIX_IOC_STATUS_IOC, NULL);
        if (rc)
          return rc;
        claimed = 1;
        p = c;
        continue;
      }
    }
    hz = ha;
    while (hz < end && host_dot[(uchar)t[hz]])
      hz++;
    while (hz > ha && (t[hz - 1] == '.' || t[hz - 1] == '-'))
      hz--;
    if (hz - ha < 3 || !memchr(t + ha, '.', hz - ha))
      continue;
    {
      char d[DOMAIN_MAX + 1];
      size_t dn, j;
      bool us;
      ctix__ioc_host hrec;
      dom_res r = domain_canon(t + ha, hz - ha, s->len - ha, d, &dn, &us, &hrec);
      ctix_ioc_status st = CTIX_IOC_STATUS_IOC, dst = CTIX_IOC_STATUS_IOC;
      const char *why = NULL, *dwhy = NULL;
      if (r == DOM_BAD_TLD && ctix__ioc_is_defanged(s, la, hz))
        r = DOM_OK; /* defanged: an address by its author's marking */
      if (r == DOM_NONE || r == DOM_BAD)
        continue;
      if (us) {
        /* "user@xmpp_chat.example.com": a Jabber id, not mail; its domain */
        if (r == DOM_OK && (rc = emit_domain(s, ha, hz, false)) < 0)
          return rc;
        claimed = 1;
        continue;
      }
      for (j = 0; j < lz - la; j++)
        v[vn++] = (char)ctix__lower((uchar)t[la + j]);
      v[vn++] = '@';
      memcpy(v + vn, d, dn);
      vn += dn;
      if (r == DOM_BAD_TLD) {
        st = dst = CTIX_IOC_STATUS_REJECTED;
        why = dwhy = R_UNKNOWN_TLD;
      } else {
        bool platform = mail_platform(d, dn);
        ctix__ioc_triage_host(s, d, dn, &hrec, &dst, &dwhy);
        st = dst;
        why = dwhy;
        /* a web-mail platform is benign, its mailboxes are anyone's */
        if (st == CTIX_IOC_STATUS_BENIGN && platform) {
          st = CTIX_IOC_STATUS_IOC;
          why = NULL;
        }
        if (st == CTIX_IOC_STATUS_IOC && !platform && reporting_contact(s, la, hz, d, dn)) {
          st = dst = CTIX_IOC_STATUS_BENIGN;
          why = dwhy = R_REPORTING;
        }
        /* the platform of a mailbox is no indicator, the mailbox is
         * ("...@proton.me" in a ransom note) */
        if (dst == CTIX_IOC_STATUS_IOC && platform) {
          dst = CTIX_IOC_STATUS_BENIGN;
          dwhy = R_MAIL_PLATFORM;
        }
      }
      /* span: from the local part (a comment inside is part of what was written) */
      rc = ctix__ioc_emit(s, CTIX_IOC_EMAIL, la, hz, v, vn, st, why);
      /* the domain itself (after the address, in text order) */
      if (!rc && r == DOM_OK)
        rc = ctix__ioc_emit(s, CTIX_IOC_DOMAIN, ha, hz, d, dn, dst, dwhy);
      if (rc)
        return rc;
      claimed = 1;
      p = hz - 1;
    }
  }
  return claimed;
}

/* ------------------------------------------------------------ URLs */

/* Bytes that end a URL (']' only as the "](" of a Markdown link). */
static const bool url_stop[256] = {
    [','] = true, ['\\'] = true, ['\''] = true, ['"'] = true, ['<'] = true, ['>'] = true,
    ['^'] = true, ['{'] = true,  ['}'] = true,  ['|'] = true, [']'] = true,
};

static bool scheme_c(int c) { return ctix__isalnum(c) || c == '+' || c == '-' || c == '.'; }

/* Emits the domains and IPv4 addresses written inside a URL's path and
 * query t[a..z): segments between '/', '?', '&', '=', '#', ';', ',', ':',
 * '+', '\' and percent escapes. File names ("bingo.php", "a.zip") are not
 * domains. */
static int path_hosts(ctix__ioc_scan *s, size_t a, size_t z)
{
  const char *t = s->text;
  size_t i = a;
  int rc;
  while (i < z) {
    size_t b, e, dots = 0;
    while (i < z && !host_dot[(uchar)t[i]])
      i++;
    b = i;
    while (i < z && host_dot[(uchar)t[i]]) {
      dots += host_dot[(uchar)t[i]] >> 1;
      i++;
    }
    e = i;
    /* a percent escape ends the segment; its two hex digits are skipped */
    if (b >= 1 && t[b - 1] == '%' && e - b >= 2 && is_hex((uchar)t[b]) &&
        is_hex((uchar)t[b + 1])) {
      b += 2;
    }
    if (!dots || e - b < 4)
      continue;
    while (b < e && (t[b] == '.' || t[b] == '-'))
      b++;
    if (b < e && ctix__isdigit((uchar)t[b])) {
      unsigned oct[4];
      bool lg;
      size_t re;
      if (ipv4_run(t, b, e, &re, oct, &lg) == 4 && !lg && re == e) {
        bool em = false;
        rc = 0;
        ipv4_at_run(s, b, e, 4, re, oct, lg, &rc, &em);
        if (rc)
          return rc;
        continue;
      }
    }
    if (ctix__ioc_filename_likely(s, b, e))
      continue;
    {
      /* a last segment followed by nothing or a query is a file name when
       * its extension is one */
      size_t d = e;
      while (d > b && t[d - 1] != '.')
        d--;
      if (d > b && ctix__ioc_ext_kind(t + d, e - d) != CTIX__EXT_NONE)
        continue;
    }
    if ((rc = emit_domain(s, b, e, false)) < 0)
      return rc;
  }
  return 0;
}

/*
 * The parts of a URL's authority t[host..z) (text of `tlen` bytes):
 * *auth_end, the first '/', '?' or '#' (else z); *at, the last '@' before
 * it (0 if none); *hz, the first ':' after that '@' (or after host) and
 * before *auth_end (else *auth_end). With SSE2, sixteen bytes at a time
 * (a host is usually one or two blocks; not when the tests compare the
 * byte loops alone, ctix__ioc_force_scalar).
 */
static void authority_of(const char *t, size_t tlen, size_t host, size_t z, size_t *auth_end,
                         size_t *at, size_t *hz)
{
  size_t k = host, a = 0, e = z, ha, c;
#if defined(__SSE2__)
  if (!ctix__ioc_force_scalar) {
    const __m128i slash = _mm_set1_epi8('/'), qm = _mm_set1_epi8('?'), hash = _mm_set1_epi8('#'),
                  atc = _mm_set1_epi8('@'), colon = _mm_set1_epi8(':');
    for (; k < z && k + 16 <= tlen; k += 16) {
      __m128i blk = _mm_loadu_si128((const __m128i *)(const void *)(t + k));
      unsigned live = z - k >= 16 ? 0xFFFFu : (1u << (z - k)) - 1u;
      unsigned me = (unsigned)_mm_movemask_epi8(_mm_or_si128(
                        _mm_or_si128(_mm_cmpeq_epi8(blk, slash), _mm_cmpeq_epi8(blk, qm)),
                        _mm_cmpeq_epi8(blk, hash))) &
                    live;
      unsigned ma = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(blk, atc)) & live;
      if (me) {
        ma &= (1u << __builtin_ctz(me)) - 1u;
        e = k + (unsigned)__builtin_ctz(me);
      }
      if (ma)
        a = k + 31u - (unsigned)__builtin_clz(ma);
      if (me)
        break;
    }
    if (k >= z || k + 16 <= tlen) {
      *auth_end = e;
      *at = a;
      /* the first ':' from the host on */
      ha = a ? a + 1 : host;
      for (c = ha; c < e && c + 16 <= tlen; c += 16) {
        __m128i blk = _mm_loadu_si128((const __m128i *)(const void *)(t + c));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(blk, colon));
        if (m) {
          c += (unsigned)__builtin_ctz(m);
          break;
        }
      }
      if (c >= e || c + 16 > tlen) {
        /* beyond the authority, or the text's last bytes: bytes */
        for (; c < e && t[c] != ':'; c++)
          ;
      }
      *hz = c < e ? c : e;
      return;
    }
    /* the text's last bytes: the byte loop goes on from k */
  }
#endif
  for (; k < z; k++) {
    char ch = t[k];
    if (ch == '/' || ch == '?' || ch == '#')
      break;
    if (ch == '@')
      a = k;
  }
  *auth_end = k;
  *at = a;
  ha = a ? a + 1 : host;
  for (c = ha; c < k && t[c] != ':'; c++)
    ;
  *hz = c;
}

/* Lower-cases the ASCII letters of v[a..b); v has `cap` bytes. With SSE2,
 * sixteen bytes at a time while a block fits in v (the bytes past b are
 * written back unchanged). */
static void lower_span(char *v, size_t a, size_t b, size_t cap)
{
#if defined(__SSE2__)
  if (!ctix__ioc_force_scalar) {
    const __m128i lo = _mm_set1_epi8('A' - 1), hi = _mm_set1_epi8('Z' + 1),
                  bit = _mm_set1_epi8(0x20);
    for (; a < b && a + 16 <= cap; a += 16) {
      __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(v + a));
      __m128i up = _mm_and_si128(_mm_cmpgt_epi8(x, lo), _mm_cmplt_epi8(x, hi));
      if (b - a < 16) {
        /* only the bytes before b */
        static const char ones[32] = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                      -1, -1, -1, -1, -1};
        up = _mm_and_si128(up, _mm_loadu_si128((const __m128i *)(const void *)(ones + 16 -
                                                                                (b - a))));
      }
      _mm_storeu_si128((__m128i *)(void *)(v + a), _mm_add_epi8(x, _mm_and_si128(up, bit)));
    }
  }
#endif
  for (; a < b; a++)
    v[a] = (char)ctix__lower((uchar)v[a]);
}

/*
 * One URL at t[u..end) whose authority starts at `host`; `scheme_len` is 0
 * for a scheme-less URL. Emits it with its host. Returns the end of the
 * URL (> u) or 0 if it is no URL.
 */
static size_t url_at(ctix__ioc_scan *s, size_t u, size_t host, size_t end, size_t scheme_len,
                     int *rc)
{
  const char *t = s->text;
  size_t k, auth_end, ha, hz, z, at = 0;
  size_t parens[2] = {0, 0}, brackets[2] = {0, 0}; /* opening, closing */
  bool counted;
  char v[URL_MAX];
  size_t vn = 0;
  ctix_ioc_status st = CTIX_IOC_STATUS_IOC, dst = CTIX_IOC_STATUS_IOC;
  const char *why = NULL, *dwhy = NULL;
  size_t hz2 = 0;
  enum { H_DOMAIN, H_V4, H_V6, H_BAD } kind = H_BAD;
  dom_res dr = DOM_NONE;
  char dom[DOMAIN_MAX + 1];
  ctix__ioc_host hrec;
  size_t dn = 0;
  bool us = false;
  unsigned oct[4];
  uint8_t addr[16];
#if defined(__SSE2__)
  const bool vec = !ctix__ioc_force_scalar;
#endif

  /* the end: white space is already excluded; also a comma, a backslash, a
   * quote, and "](" of Markdown */
  for (z = host; z < end; z++) {
    uchar c;
#if defined(__SSE2__)
    /* sixteen bytes at a time up to the next byte of url_stop (not when
     * the tests compare the byte loop alone, ctix__ioc_force_scalar) */
    while (z + 16 <= end && vec) {
      __m128i blk = _mm_loadu_si128((const __m128i *)(const void *)(t + z));
#define EQ(ch) _mm_cmpeq_epi8(blk, _mm_set1_epi8(ch))
      __m128i hit = _mm_or_si128(
          _mm_or_si128(_mm_or_si128(_mm_or_si128(EQ(','), EQ('\\')),
                                    _mm_or_si128(EQ('\''), EQ('"'))),
                       _mm_or_si128(_mm_or_si128(EQ('<'), EQ('>')),
                                    _mm_or_si128(EQ('^'), EQ('{')))),
          _mm_or_si128(_mm_or_si128(EQ('}'), EQ('|')), EQ(']')));
#undef EQ
      unsigned m = (unsigned)_mm_movemask_epi8(hit);
      if (m) {
        z += (unsigned)__builtin_ctz(m);
        break;
      }
      z += 16;
    }
    if (z >= end)
      break;
#endif
    c = (uchar)t[z];
    if (url_stop[c] && (c != ']' || (z + 1 < end && t[z + 1] == '(')))
      break;
  }
  /* trailing punctuation of prose; an unbalanced closing bracket (the
   * brackets of [host, z) are counted once, when a closing one ends the
   * URL, so this stays linear) */
  counted = false;
  while (z > host) {
    char c = t[z - 1];
    if (c == '.' || c == ':' || c == ';' || c == '!' || c == '?' || c == '*')
      z--;
    else if (c == ')' || c == ']') {
      size_t *pair = c == ')' ? parens : brackets;
      if (!counted) {
        /* only trailing prose punctuation was dropped so far: no bracket */
        for (k = host; k < z; k++) {
          uchar b = (uchar)t[k];
          parens[0] += b == '(';
          parens[1] += b == ')';
          brackets[0] += b == '[';
          brackets[1] += b == ']';
        }
        counted = true;
      }
      if (pair[1] <= pair[0])
        break;
      pair[1]--;
      z--;
    } else
      break;
  }
  if (z <= host)
    return 0;
  /* authority: its end, user information and port found in one pass */
  authority_of(t, s->len, host, z, &auth_end, &at, &hz);
  ha = at ? at + 1 : host;
  if (!scheme_len && at)
    return 0;
  if (ha >= auth_end)
    return 0;
  if (t[ha] == '[') {
    char buf[64];
    for (hz = ha + 1; hz < auth_end && t[hz] != ']'; hz++)
      ;
    if (hz >= auth_end || hz - ha - 1 >= sizeof(buf) || hz == ha + 1)
      return 0;
    memcpy(buf, t + ha + 1, hz - ha - 1);
    buf[hz - ha - 1] = '\0';
    if (inet_pton(AF_INET6, buf, addr) != 1)
      return 0;
    kind = H_V6;
    hz++;
  } else if (hz == ha)
    return 0;
  /* port */
  if (hz < auth_end) {
    if (t[hz] != ':')
      return 0;
    for (k = hz + 1; k < auth_end; k++)
      if (!ctix__isdigit((uchar)t[k]))
        break;
    if (k < auth_end || auth_end - hz - 1 > 5) {
      if (!scheme_len)
        return 0;
      st = CTIX_IOC_STATUS_REJECTED;
      why = R_BAD_PORT;
    }
  }
  if (kind != H_V6) {
    bool lg;
    hz2 = hz;
    size_t re;
    while (hz2 > ha && t[hz2 - 1] == '.')
      hz2--;
    if (ctix__isdigit((uchar)t[ha]) && ipv4_run(t, ha, hz2, &re, oct, &lg) == 4 && re == hz2) {
      if (lg || oct[0] > 255 || oct[1] > 255 || oct[2] > 255 || oct[3] > 255) {
        if (!scheme_len)
          return 0;
        st = CTIX_IOC_STATUS_REJECTED;
        why = R_BAD_HOST;
      } else {
        kind = H_V4;
      }
    } else {
      dr = domain_canon(t + ha, hz2 - ha, s->len - ha, dom, &dn, &us, &hrec);
      if (dr == DOM_BAD_TLD && ctix__ioc_is_defanged(s, u, z))
        dr = DOM_OK; /* defanged: a URL by its author's marking */
      if (dr == DOM_OK)
        kind = H_DOMAIN;
      else if (!scheme_len)
        return 0;
      else if (ctix__mem_ieq(t + ha, hz2 - ha, "localhost")) {
        st = CTIX_IOC_STATUS_BENIGN;
        why = R_LOCALHOST;
      } else if (dr == DOM_BAD_TLD) {
        st = CTIX_IOC_STATUS_REJECTED;
        why = R_UNKNOWN_TLD;
      } else {
        st = CTIX_IOC_STATUS_REJECTED;
        why = R_BAD_HOST;
      }
    }
  }
  /* a scheme-less URL needs a path beyond "/" and no port-only oddities */
  if (!scheme_len) {
    if (kind != H_DOMAIN || auth_end >= z || t[auth_end] != '/' || z - auth_end < 2)
      return 0;
    if (ctix__ioc_filename_likely(s, ha, hz))
      return 0;
  }
  if (z - u >= sizeof(v)) {
    *rc = ctix__ioc_emit(s, CTIX_IOC_URL, u, z, t + u, sizeof(v) - 1,
                         CTIX_IOC_STATUS_REJECTED, R_LONG);
    return z;
  }
  /* canonical: lower-case scheme and host, the rest as written */
  vn = z - u;
  memcpy(v, t + u, vn);
  lower_span(v, 0, scheme_len, sizeof(v));
  lower_span(v, ha - u, hz - u, sizeof(v));
  /* status from the host */
  if (kind == H_DOMAIN)
    ctix__ioc_triage_host(s, dom, dn, &hrec, &dst, &dwhy);
  if (st == CTIX_IOC_STATUS_IOC) {
    if (kind == H_DOMAIN) {
      st = dst;
      why = dwhy;
    } else if (kind == H_V4) {
      uint8_t b4[4] = {(uint8_t)oct[0], (uint8_t)oct[1], (uint8_t)oct[2], (uint8_t)oct[3]};
      ctix__ioc_triage_ip(b4, false, &st, &why);
    } else if (kind == H_V6)
      ctix__ioc_triage_ip(addr, true, &st, &why);
  }
  if ((*rc = ctix__ioc_emit(s, CTIX_IOC_URL, u, z, v, vn, st, why)))
    return z;
  /* the host (validated and triaged above) */
  if (kind == H_DOMAIN)
    *rc = ctix__ioc_emit(s, CTIX_IOC_DOMAIN, ha, hz2, dom, dn, dst, dwhy);
  else if (kind == H_V4) {
    /* the run read above: up to hz2, and the dots after it to hz stop a
     * run that reads to hz at the same place */
    bool em;
    ipv4_at_run(s, ha, hz, 4, hz2, oct, false, rc, &em);
  } else if (kind == H_V6) {
    bool em;
    ipv6_at(s, ha + 1, hz - 1, rc, &em);
  }
  if (*rc)
    return z;
  /* hosts written in the path and query */
  if (auth_end < z)
    *rc = path_hosts(s, auth_end, z);
  return z;
}

/*
 * The start of the scheme t[a..c): a word glued before "http" or "https"
 * by a flattened link ("submit at[https://x]" -> "athttps://x") is not
 * part of it. Only letters may come before; "svn+https" stays whole.
 */
static size_t glued_web_scheme(const char *t, size_t a, size_t c)
{
  size_t k;
  static const char *const web[] = {"https", "http"};
  for (k = 0; k < 2; k++) {
    size_t wl = strlen(web[k]), i;
    if (c - a <= wl || !ctix__mem_ieq(t + c - wl, wl, web[k]))
      continue;
    for (i = a; i < c - wl; i++)
      if (!ctix__isalpha((uchar)t[i]))
        return a;
    return c - wl;
  }
  return a;
}

int ctix__ioc_rec_url(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh)
{
  const char *t = s->text;
  size_t p = start;
  int rc = 0, claimed = 0;
  /* URLs with a scheme, wherever they start in the token */
  while (p + 3 <= end) {
    const char *q = memchr(t + p, ':', end - p);
    size_t c, a, ze;
    if (!q)
      break;
    c = (size_t)(q - t);
    if (c + 3 > end || t[c + 1] != '/' || t[c + 2] != '/') {
      p = c + 1;
      continue;
    }
    a = c;
    while (a > start && scheme_c((uchar)t[a - 1]) && c - a < SCHEME_MAX)
      a--;
    while (a < c && !ctix__isalpha((uchar)t[a]))
      a++;
    if (a == c) {
      p = c + 1;
      continue;
    }
    a = glued_web_scheme(t, a, c);
    ze = url_at(s, a, c + 3, end, c - a, &rc);
    if (rc)
      return rc;
    if (ze) {
      claimed = 1;
      p = ze;
    } else {
      p = c + 3;
    }
    /* a URL nested in this one ("...~Chttp://x") is part of it */
    if (ze)
      break;
  }
  if (claimed)
    return 1;
  /* scheme-less: the token starts with a domain and a path */
  if (sh->dots && sh->slashes && is_host_c((uchar)t[start])) {
    size_t ze = url_at(s, start, start, end, 0, &rc);
    if (rc)
      return rc;
    if (ze)
      return 1;
  }
  return 0;
}
