/*
 * Identifiers: CVE, CWE and CAPEC ids; MITRE ATT&CK ids (techniques and
 * sub-techniques, tactics, groups, software, mitigations, campaigns, data
 * sources); autonomous system numbers; TLP labels; Google Analytics and
 * AdSense ids; JA4 TLS fingerprints; AWS ARNs; XMPP addresses; and MAC
 * addresses (ctix__ioc_rec_mac).
 *
 * Each id is checked against its syntax rules (CVE sequence numbers,
 * ATT&CK id ranges that exist, ASN range) and canonicalised: "cve 2014-1001"
 * -> "CVE-2014-1001", "asn 123" -> "AS123", "tlp amber" -> "TLP:AMBER",
 * "AA-BB-CC-DD-EE-FF" -> "aa:bb:cc:dd:ee:ff". Ids are found at word
 * starts inside a token ("(T1059.001/T1106)"), never in the middle of a
 * word ("AT1000"). The spaced forms ("CVE 2014-1001", "AS 1234",
 * "tlp amber") start from the trigger word and consume the next token.
 */
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "ioc/scan.h"
#include "util/str.h"

#define CANON_MAX 64
#define ASN_MAX 4294967295ULL
#define ASN_MAX_DIGITS 10
#define CVE_SEQ_MIN_DIGITS 4
#define CVE_SEQ_MAX_DIGITS 7
#define WEAKNESS_MAX_DIGITS 5
#define UA_MIN_DIGITS 4
#define UA_MAX_DIGITS 10
#define UA_MAX_SUFFIX 4
#define GA4_CHARS 10
#define ADSENSE_DIGITS 16
#define ARN_MAX 2048
#define SPACE_MAX 8 /* blanks allowed between a trigger word and its value */
#define XMPP_CONTEXT_SPAN 24 /* bytes before an address that may name XMPP */

static const char R_BAD_YEAR[] = "bad CVE year";
static const char R_BAD_SEQ[] = "bad CVE sequence number";

/* ---- tables ---- */

/* ATT&CK id families and the number ranges that exist (with room for
 * growth). A family may have several ranges (Enterprise and ICS). */
typedef struct attack_range {
  const char *prefix;
  ctix_ioc_type type;
  uint16_t lo, hi;
  bool sub;        /* may carry a ".NNN" sub-technique */
  bool any_case;   /* "t1059", "ta0001" are accepted; "g0001" is not */
} attack_range;

static const attack_range attack_ranges[] = {
  {"TA", CTIX_IOC_ATTACK_TACTIC, 1, 112, false, true},
  {"T", CTIX_IOC_ATTACK_TECHNIQUE, 1000, 1699, true, true},
  {"T", CTIX_IOC_ATTACK_TECHNIQUE, 800, 899, false, true}, /* ICS */
  {"DS", CTIX_IOC_ATTACK_DATA_SOURCE, 1, 99, false, false},
  {"G", CTIX_IOC_ATTACK_GROUP, 1, 1999, false, false},
  {"S", CTIX_IOC_ATTACK_SOFTWARE, 1, 1999, false, false},
  {"M", CTIX_IOC_ATTACK_MITIGATION, 1000, 1099, false, false},
  {"M", CTIX_IOC_ATTACK_MITIGATION, 800, 999, false, false}, /* ICS */
  {"C", CTIX_IOC_ATTACK_CAMPAIGN, 1, 999, false, false},
};

/*
 * The sequence numbers that exist for a CVE year. Years before 2014 used
 * the original syntax of exactly four digits; the numbers given to those
 * years later start at 10000 (five digits) or in the 1000000 block (seven
 * digits). From 2014 on any length from four digits is the syntax's own.
 * A longer number that fits none of the rows of its year is a four-digit
 * id with a footnote mark glued on ("CVE-2008-4128[13]" flattened to
 * "CVE-2008-412813").
 */
typedef struct cve_seq_form {
  uint16_t year_lo, year_hi;  /* inclusive */
  uint8_t min_digits, max_digits;
  const char *lead;           /* the number starts with this */
} cve_seq_form;

static const cve_seq_form cve_seq_forms[] = {
  {0, 2013, 4, 4, ""},
  {0, 2013, 5, 5, "1"},
  {0, 2013, 7, 7, "10"},
  {2014, 9999, 4, CVE_SEQ_MAX_DIGITS, ""},
};

/* Longest run of digits glued before "CVE" taken as a footnote mark
 * ("[13]CVE-2008-4128" flattened to "13CVE-2008-4128"). */
#define CVE_MARK_MAX_DIGITS 3

/* TLP colours, longest first ("amber+strict" before "amber"). */
static const char *const tlp_colours[] = {"amber+strict", "amber", "red", "green", "clear",
                                          "white", NULL};

/* "AS<n>" spellings that name something else (IBM's AS/400). */
static const char *const asn_not[] = {"AS400", NULL};

/* Spellings of the trigger words whose spaced form ("AS 1234") is taken:
 * lower-case "as" is an English word, so it needs the glued form. */
static const char *const asn_spaced[] = {"AS", "ASN", "Asn", "asn", NULL};

/* Words that introduce an XMPP address, and domain parts that name one. */
static const char *const xmpp_context[] = {"jabber", "xmpp", "jid", NULL};
static const char *const xmpp_domain_marks[] = {"jabber", "xmpp", NULL};

/* AWS partitions. */
static const char *const arn_partitions[] = {"aws", "aws-cn", "aws-us-gov", "aws-iso",
                                             "aws-iso-b", "aws-iso-e", "aws-iso-f", NULL};

/* ---- small helpers ---- */

typedef struct ids_ctx {
  ctix__ioc_scan *s;
  size_t start, end; /* the token */
  int found;         /* ids emitted */
  bool whole;        /* the last one covered the whole token */
  size_t last_end;   /* end of the last id emitted */
} ids_ctx;

static bool is_hex(int c)
{
  return ctix__isdigit(c) || (unsigned)((c | 32) - 'a') < 6;
}

static bool at_word_start(const char *t, size_t start, size_t p)
{
  unsigned char c;
  if (p == start)
    return true;
  c = (unsigned char)t[p - 1];
  return !ctix__isalnum(c) && c != '_' && c != '-' && c != '.' && c != '&' && c < 0x80;
}

/* True if "CVE" at p follows a short run of digits that starts a word:
 * a footnote mark glued in front ("13CVE-2008-4128"). */
static bool cve_after_mark(const char *t, size_t start, size_t end, size_t p)
{
  size_t q = p;
  if (p + 3 > end || memcmp(t + p, "CVE", 3) != 0)
    return false;
  while (q > start && p - q < CVE_MARK_MAX_DIGITS && ctix__isdigit((unsigned char)t[q - 1]))
    q--;
  return q < p && at_word_start(t, start, q);
}

/* True if the byte at p ends a value: end of text or not alnum. */
static bool boundary(const ctix__ioc_scan *s, size_t p)
{
  return p >= s->len || !ctix__isalnum((unsigned char)s->text[p]);
}

/* Length of the run of decimal digits at p (up to `max` + 1). */
static size_t digits_at(const ctix__ioc_scan *s, size_t p, size_t max)
{
  size_t q = p;
  while (q < s->len && ctix__isdigit((unsigned char)s->text[q]) && q - p <= max)
    q++;
  return q - p;
}

/* Length of a dash at p: '-', or U+2010..U+2015 (3 bytes), else 0. */
static size_t dash_at(const ctix__ioc_scan *s, size_t p)
{
  const unsigned char *t = (const unsigned char *)s->text;
  if (p < s->len && t[p] == '-')
    return 1;
  if (p + 2 < s->len && t[p] == 0xe2 && t[p + 1] == 0x80 && t[p + 2] >= 0x90 && t[p + 2] <= 0x95)
    return 3;
  return 0;
}

/* Skips up to SPACE_MAX blanks (spaces, tabs, one ':') after a trigger
 * word ending at p; returns the new position (p if none). */
static size_t skip_blanks(const ctix__ioc_scan *s, size_t p)
{
  size_t q = p;
  bool colon = false;
  while (q < s->len && q - p < SPACE_MAX) {
    char c = s->text[q];
    if (c == ':' && !colon)
      colon = true;
    else if (c != ' ' && c != '\t')
      break;
    q++;
  }
  return q;
}

static int emit(ids_ctx *c, ctix_ioc_type type, size_t a, size_t b, const char *v, size_t n,
                const char *reason)
{
  int rc = ctix__ioc_emit(c->s, type, a, b, v, n,
                          reason ? CTIX_IOC_STATUS_REJECTED : CTIX_IOC_STATUS_IOC, reason);
  if (rc < 0)
    return rc;
  c->found++;
  c->whole = a == c->start && b >= c->end;
  c->last_end = b;
  if (b > c->end)
    ctix__ioc_consume(c->s, b);
  return 1;
}

/* Appends an upper-cased copy of s[0..n) to out at *k (bounded). */
static void put_upper(char *out, size_t *k, const char *s, size_t n)
{
  size_t i;
  for (i = 0; i < n && *k + 1 < CANON_MAX; i++)
    out[(*k)++] = (char)ctix__upper((unsigned char)s[i]);
}

/* ---- CVE, CWE, CAPEC ---- */

/* True if the sequence number seq[0..ns) (digits, 4 to
 * CVE_SEQ_MAX_DIGITS, no leading zero when longer than 4) is one that
 * exists for the four-digit year (cve_seq_forms). */
static bool cve_seq_exists(const char *year, const char *seq, size_t ns)
{
  unsigned y = 0;
  size_t i;
  for (i = 0; i < 4; i++)
    y = y * 10 + (unsigned)(year[i] - '0');
  for (i = 0; i < sizeof(cve_seq_forms) / sizeof(cve_seq_forms[0]); i++) {
    const cve_seq_form *f = &cve_seq_forms[i];
    size_t ll = strlen(f->lead);
    if (y >= f->year_lo && y <= f->year_hi && ns >= f->min_digits && ns <= f->max_digits &&
        memcmp(seq, f->lead, ll) == 0)
      return true;
  }
  return false;
}

/*
 * "CVE-YYYY-NNNN[N...]" at p (any case; '-', '_' or a Unicode dash; a
 * space after the word when `spaced`). The year has 4 digits; the
 * sequence has 4 digits, or more without a leading zero.
 */
static int cve_at(ids_ctx *c, size_t p, bool spaced)
{
  const ctix__ioc_scan *s = c->s;
  const char *t = s->text;
  char v[CANON_MAX];
  size_t q = p + 3, d, ny, ns, k = 0, ys, ss;
  const char *reason = NULL;

  if (spaced) {
    /* "CVE 2014-1001", "CVE - 2014-1001", "CVE\u20132014-1001" (the scanner
     * splits tokens at Unicode dashes) */
    q = skip_blanks(s, q);
    q += dash_at(s, q);
    q = skip_blanks(s, q);
  } else if ((d = dash_at(s, q)) > 0) {
    q += d;
  } else if (q < s->len && t[q] == '_') {
    q++;
  } else {
    return 0;
  }
  ys = q;
  ny = digits_at(s, q, 8);
  if (ny < 3 || ny > 8)
    return 0;
  q += ny;
  d = dash_at(s, q);
  if (!d && !(q < s->len && t[q] == '_'))
    return 0;
  q += d ? d : 1;
  ss = q;
  ns = digits_at(s, q, 12);
  if (ns == 0 || ns > 12)
    return 0;
  q += ns;
  if (!boundary(s, q))
    return 0;
  if (ny != 4 || t[ys] == '0')
    reason = R_BAD_YEAR;
  else if (ns < CVE_SEQ_MIN_DIGITS || ns > CVE_SEQ_MAX_DIGITS ||
           (ns > CVE_SEQ_MIN_DIGITS && t[ss] == '0'))
    reason = R_BAD_SEQ;
  else if (!cve_seq_exists(t + ys, t + ss, ns)) {
    /* a footnote mark glued to a four-digit id: the mark stays out */
    ns = CVE_SEQ_MIN_DIGITS;
    q = ss + ns;
  }
  put_upper(v, &k, "CVE-", 4);
  put_upper(v, &k, t + ys, ny);
  put_upper(v, &k, "-", 1);
  put_upper(v, &k, t + ss, ns);
  return emit(c, CTIX_IOC_CVE, p, q, v, k, reason);
}

/* "CWE-79", "CAPEC-110" (prefix length `pl`, any case). */
static int weakness_at(ids_ctx *c, size_t p, size_t pl, ctix_ioc_type type, bool spaced)
{
  const ctix__ioc_scan *s = c->s;
  const char *t = s->text;
  char v[CANON_MAX];
  size_t q = p + pl, d, nd, k = 0;

  if (spaced)
    q = skip_blanks(s, q);
  else if ((d = dash_at(s, q)) > 0)
    q += d;
  else
    return 0;
  nd = digits_at(s, q, WEAKNESS_MAX_DIGITS);
  if (nd == 0 || nd > WEAKNESS_MAX_DIGITS || t[q] == '0' || !boundary(s, q + nd))
    return 0;
  put_upper(v, &k, t + p, pl);
  put_upper(v, &k, "-", 1);
  put_upper(v, &k, t + q, nd);
  return emit(c, type, p, q + nd, v, k, NULL);
}

/* ---- ATT&CK ---- */

static int attack_at(ids_ctx *c, size_t p)
{
  const ctix__ioc_scan *s = c->s;
  const char *t = s->text;
  size_t i, dstart = p + 1;

  /* one or two letters, then exactly four digits */
  if (dstart < s->len && !ctix__isdigit((unsigned char)t[dstart]))
    dstart++;
  if (dstart + 4 > s->len || digits_at(s, dstart, 4) != 4)
    return 0;
  for (i = 0; i < sizeof(attack_ranges) / sizeof(attack_ranges[0]); i++) {
    const attack_range *r = &attack_ranges[i];
    size_t pl = strlen(r->prefix), q = p + pl, end, k = 0;
    unsigned num = 0, j;
    char v[CANON_MAX];

    if (p + pl + 4 > s->len)
      continue;
    if (r->any_case ? !ctix__mem_istarts(t + p, pl, r->prefix)
                    : memcmp(t + p, r->prefix, pl) != 0)
      continue;
    if (digits_at(s, q, 4) != 4)
      continue;
    for (j = 0; j < 4; j++)
      num = num * 10 + (unsigned)(t[q + j] - '0');
    if (num < r->lo || num > r->hi)
      continue;
    end = q + 4;
    if (end < s->len && t[end] == '.' && end + 1 < s->len &&
        ctix__isdigit((unsigned char)t[end + 1])) {
      /* ".NNN": exactly three digits, 001-999, for techniques */
      size_t ns = digits_at(s, end + 1, 3);
      if (!r->sub || ns != 3 || !boundary(s, end + 4) ||
          memcmp(t + end + 1, "000", 3) == 0)
        return 0;
      end += 4;
    } else if (!boundary(s, end) || (end < s->len && t[end] == '_')) {
      return 0;
    }
    put_upper(v, &k, t + p, end - p);
    return emit(c, r->type, p, end, v, k, NULL);
  }
  return 0;
}

/* ---- ASN ---- */

/* "AS1234", "ASN1234", "as1234", and from a trigger word "AS 1234". */
static int asn_at(ids_ctx *c, size_t p, bool spaced)
{
  const ctix__ioc_scan *s = c->s;
  const char *t = s->text;
  size_t q = p + 2, nd, k, wl;
  unsigned long long num = 0;
  char v[CANON_MAX];

  if (q < s->len && (t[q] | 32) == 'n')
    q++;
  wl = q - p;
  if (spaced) {
    for (k = 0; asn_spaced[k]; k++)
      if (strlen(asn_spaced[k]) == wl && memcmp(t + p, asn_spaced[k], wl) == 0)
        break;
    if (!asn_spaced[k])
      return 0;
    q = skip_blanks(s, q);
    if (q == p + wl)
      return 0;
  }
  nd = digits_at(s, q, ASN_MAX_DIGITS);
  if (nd == 0 || nd > ASN_MAX_DIGITS || t[q] == '0' || !boundary(s, q + nd))
    return 0;
  /* "AS1.2" or "AS 3.5" are not ASNs */
  if (q + nd + 1 < s->len && t[q + nd] == '.' && ctix__isdigit((unsigned char)t[q + nd + 1]))
    return 0;
  for (k = 0; k < nd; k++)
    num = num * 10 + (unsigned)(t[q + k] - '0');
  if (num > ASN_MAX)
    return 0;
  /* no leading zero: the canonical number is the digits as written */
  memcpy(v, "AS", 2);
  memcpy(v + 2, t + q, nd);
  k = nd + 2;
  for (wl = 0; asn_not[wl]; wl++)
    if (!spaced && ctix__mem_ieq(t + p, q + nd - p, asn_not[wl]))
      return 0;
  return emit(c, CTIX_IOC_ASN, p, q + nd, v, k, NULL);
}

/* ---- TLP ---- */

/* "TLP:RED", "tlp-amber", "TLPRED", "TlpGreen", "TLP:AMBER+STRICT" and
 * from the trigger word "tlp amber". */
static int tlp_at(ids_ctx *c, size_t p, bool spaced)
{
  const ctix__ioc_scan *s = c->s;
  const char *t = s->text;
  size_t q = p + 3, i, k = 0;
  char v[CANON_MAX];

  if (spaced)
    q = skip_blanks(s, q);
  else if (q < s->len && (t[q] == ':' || t[q] == '-' || t[q] == '_'))
    q++;
  for (i = 0; tlp_colours[i]; i++) {
    size_t cl = strlen(tlp_colours[i]);
    if (q + cl <= s->len && ctix__mem_istarts(t + q, s->len - q, tlp_colours[i]) &&
        boundary(s, q + cl) && (q + cl >= s->len || t[q + cl] != '+')) {
      put_upper(v, &k, "TLP:", 4);
      put_upper(v, &k, tlp_colours[i], cl);
      return emit(c, CTIX_IOC_TLP, p, q + cl, v, k, NULL);
    }
  }
  return 0;
}

/* ---- Google ids ---- */

/* "UA-<4-10 digits>-<1-4 digits>" (any case; canonical upper). */
static int ua_at(ids_ctx *c, size_t p)
{
  const ctix__ioc_scan *s = c->s;
  const char *t = s->text;
  size_t q = p + 3, n1, n2, k = 0;
  char v[CANON_MAX];

  n1 = digits_at(s, q, UA_MAX_DIGITS);
  if (n1 < UA_MIN_DIGITS || n1 > UA_MAX_DIGITS || q + n1 >= s->len || t[q + n1] != '-')
    return 0;
  n2 = digits_at(s, q + n1 + 1, UA_MAX_SUFFIX);
  if (n2 == 0 || n2 > UA_MAX_SUFFIX || !boundary(s, q + n1 + 1 + n2))
    return 0;
  put_upper(v, &k, t + p, 3 + n1 + 1 + n2);
  return emit(c, CTIX_IOC_GOOGLE_ANALYTICS, p, q + n1 + 1 + n2, v, k, NULL);
}

/* GA4 measurement id "G-XXXXXXXXXX" (upper-case letters and digits). */
static int ga4_at(ids_ctx *c, size_t p)
{
  const ctix__ioc_scan *s = c->s;
  const char *t = s->text;
  size_t q = p + 2, i;
  bool digit = false, letter = false;

  if (q + GA4_CHARS > s->len || !boundary(s, q + GA4_CHARS))
    return 0;
  for (i = q; i < q + GA4_CHARS; i++) {
    unsigned char ch = (unsigned char)t[i];
    if (ctix__isdigit(ch))
      digit = true;
    else if (ctix__isupper(ch))
      letter = true;
    else
      return 0;
  }
  if (!digit || !letter)
    return 0;
  return emit(c, CTIX_IOC_GOOGLE_ANALYTICS, p, q + GA4_CHARS, t + p, 2 + GA4_CHARS, NULL);
}

/* AdSense publisher id "pub-<16 digits>" or "ca-pub-..." (canonical
 * "pub-<digits>"). */
static int adsense_at(ids_ctx *c, size_t p)
{
  const ctix__ioc_scan *s = c->s;
  const char *t = s->text;
  size_t q = p;
  char v[CANON_MAX];

  if (ctix__mem_istarts(t + q, s->len - q, "ca-"))
    q += 3;
  if (!ctix__mem_istarts(t + q, s->len - q, "pub-"))
    return 0;
  q += 4;
  if (digits_at(s, q, ADSENSE_DIGITS) != ADSENSE_DIGITS || !boundary(s, q + ADSENSE_DIGITS))
    return 0;
  memcpy(v, "pub-", 4);
  memcpy(v + 4, t + q, ADSENSE_DIGITS);
  return emit(c, CTIX_IOC_GOOGLE_ADSENSE, p, q + ADSENSE_DIGITS, v, 4 + ADSENSE_DIGITS, NULL);
}

/* ---- JA4 ---- */

/*
 * JA4 TLS client fingerprint "t13d1516h2_8daaf6152771_b186095e22b6":
 * protocol (t/q/d), TLS version, SNI flag (d/i), cipher and extension
 * counts, ALPN, then two 12-hex truncated hashes.
 */
static int ja4_at(ids_ctx *c, size_t p)
{
  static const char *const versions[] = {"13", "12", "11", "10", "s3", "s2", "d1", "d2", "d3",
                                         "00", NULL};
  const ctix__ioc_scan *s = c->s;
  const char *t = s->text;
  size_t i;
  bool vok = false;

  if (p + 36 > s->len || !boundary(s, p + 36))
    return 0;
  if (t[p] != 't' && t[p] != 'q' && t[p] != 'd')
    return 0;
  for (i = 0; versions[i]; i++)
    vok |= memcmp(t + p + 1, versions[i], 2) == 0;
  if (!vok || (t[p + 3] != 'd' && t[p + 3] != 'i'))
    return 0;
  for (i = 4; i < 8; i++)
    if (!ctix__isdigit((unsigned char)t[p + i]))
      return 0;
  for (i = 8; i < 10; i++)
    if (!ctix__isdigit((unsigned char)t[p + i]) && !ctix__islower((unsigned char)t[p + i]))
      return 0;
  if (t[p + 10] != '_' || t[p + 23] != '_')
    return 0;
  for (i = 11; i < 36; i++)
    if (i != 23 && !(ctix__isdigit((unsigned char)t[p + i]) ||
                     (t[p + i] >= 'a' && t[p + i] <= 'f')))
      return 0;
  return emit(c, CTIX_IOC_JA4, p, p + 36, t + p, 36, NULL);
}

/* ---- ARN ---- */

/* True if only blanks or list bullets precede p on its line. */
static bool starts_line(const ctix__ioc_scan *s, size_t p)
{
  while (p > 0) {
    char ch = s->text[p - 1];
    if (ch == '\n')
      return true;
    if (ch != ' ' && ch != '\t' && ch != '-' && ch != '*')
      return false;
    p--;
  }
  return true;
}

/* True if c may be part of an ARN resource read past the token: not
 * white space, a control byte (no escape sequence enters a value) or a
 * hard separator. */
static bool arn_byte(unsigned char c)
{
  return c > ' ' && c != 0x7f && !strchr("\"<>`|", c);
}

/*
 * "arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE". The resource runs to the
 * end of the token; when the ARN starts a line (a list or table of ARNs)
 * it may go on over single spaces ("application/My App") up to the end of
 * the line, a tab, a double space or sentence punctuation.
 */
static int arn_at(ids_ctx *c, size_t p)
{
  const ctix__ioc_scan *s = c->s;
  const char *t = s->text;
  size_t q = p + 4, f, e, i;
  size_t lim = s->len - p > ARN_MAX ? p + ARN_MAX : s->len;
  bool ok = false;

  /* partition */
  f = q;
  while (q < lim && (ctix__islower((unsigned char)t[q]) || t[q] == '-'))
    q++;
  for (i = 0; arn_partitions[i]; i++)
    ok |= ctix__mem_ieq(t + f, q - f, arn_partitions[i]);
  if (!ok || q >= lim || t[q] != ':')
    return 0;
  /* service */
  f = ++q;
  while (q < lim && (ctix__islower((unsigned char)t[q]) || ctix__isdigit((unsigned char)t[q]) ||
                     t[q] == '-'))
    q++;
  if (q == f || q >= lim || t[q] != ':')
    return 0;
  /* region */
  q++;
  while (q < lim && (ctix__islower((unsigned char)t[q]) || ctix__isdigit((unsigned char)t[q]) ||
                     t[q] == '-' || t[q] == '*'))
    q++;
  if (q >= lim || t[q] != ':')
    return 0;
  /* account: 12 digits, "aws", "*" or empty */
  f = ++q;
  while (q < lim && (ctix__isalnum((unsigned char)t[q]) || t[q] == '*'))
    q++;
  if (q >= lim || t[q] != ':')
    return 0;
  if (q > f && !(q - f == 12 && digits_at(s, f, 12) == 12) &&
      !ctix__mem_ieq(t + f, q - f, "aws") && !ctix__mem_ieq(t + f, q - f, "*"))
    return 0;
  /* resource: the token, and what the scanner trimmed as punctuation
   * (a trailing '*', "?.*" of a wildcard) but not a sentence end */
  f = ++q;
  e = c->end > f ? c->end : f;
  while (e < lim && arn_byte((unsigned char)t[e]))
    e++;
  while (e > f && strchr(".,;:!)]}'", t[e - 1]))
    e--;
  if (e == f)
    return 0;
  if (e >= c->end && starts_line(s, p)) {
    size_t x = e;
    while (x + 1 < lim && t[x] == ' ' && arn_byte((unsigned char)t[x + 1]) &&
           t[x + 1] != '-' && t[x + 1] != '(') {
      size_t y = x + 1;
      while (y < lim && arn_byte((unsigned char)t[y]))
        y++;
      if (t[y - 1] == '.' || t[y - 1] == ',' || t[y - 1] == ';')
        break; /* prose, not a resource name */
      x = y;
    }
    e = x;
  }
  return emit(c, CTIX_IOC_ARN, p, e, t + p, e - p, NULL);
}

/* ---- XMPP ---- */

/* Cheap pre-test for the context words: does a 'j' or an 'x' occur in the
 * few bytes before p on its line? With SSE2, sixteen bytes a step
 * backwards (not when the tests compare the byte loop alone,
 * ctix__ioc_force_scalar). */
static bool mentions_xmpp(const ctix__ioc_scan *s, size_t p)
{
  size_t lim = p > XMPP_CONTEXT_SPAN ? p - XMPP_CONTEXT_SPAN : 0;
#if defined(__SSE2__)
  if (!ctix__ioc_force_scalar) {
    for (; p > lim && p >= 16; p -= 16) {
      __m128i blk = _mm_loadu_si128((const __m128i *)(const void *)(s->text + p - 16));
      __m128i low = _mm_or_si128(blk, _mm_set1_epi8(0x20));
      unsigned nl = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(blk, _mm_set1_epi8('\n')));
      unsigned jx = (unsigned)_mm_movemask_epi8(_mm_or_si128(
          _mm_cmpeq_epi8(low, _mm_set1_epi8('j')), _mm_cmpeq_epi8(low, _mm_set1_epi8('x'))));
      /* bit i is text[p - 16 + i]; only the bytes from lim on count */
      unsigned live = p - lim >= 16 ? 0xFFFFu : 0xFFFFu & ~((1u << (16 - (p - lim))) - 1u);
      unsigned m = (nl | jx) & live;
      if (m)
        return (jx >> (31 - __builtin_clz(m))) & 1u; /* the nearest decides */
    }
    if (p <= lim)
      return false;
  }
#endif
  while (p > lim && s->text[p - 1] != '\n') {
    int ch = s->text[--p] | 32;
    if (ch == 'j' || ch == 'x')
      return true;
  }
  return false;
}

/* True if d[0..n) holds one of xmpp_domain_marks (any case), in one pass
 * that compares a mark only where its first letter is. */
static bool has_xmpp_mark(const char *d, size_t n)
{
  size_t i, k;
  for (i = 0; i < n; i++) {
    int c = ctix__lower((unsigned char)d[i]);
    for (k = 0; xmpp_domain_marks[k]; k++)
      if (c == xmpp_domain_marks[k][0] && ctix__mem_istarts(d + i, n - i, xmpp_domain_marks[k]))
        return true;
  }
  return false;
}

/*
 * A Jabber id "user@host" (optionally "xmpp:user@host") whose host names an
 * XMPP service ("jabber", "xmpp" in it) or that the text introduces as
 * such. It is reported in addition to what the e-mail recognizer finds.
 */
static int xmpp_token(ids_ctx *c)
{
  const ctix__ioc_scan *s = c->s;
  const char *t = s->text + c->start;
  size_t n = c->end - c->start, off = 0, at, i, dots = 0;
  bool mark = false;
  const char *dom;
  size_t dl;

  if (ctix__mem_istarts(t, n, "xmpp:"))
    off = 5;
  dom = memchr(t + off, '@', n - off);
  if (!dom)
    return 0;
  at = (size_t)(dom - t);
  if (at == off || memchr(dom + 1, '@', n - at - 1))
    return 0;
  for (i = off; i < at; i++) {
    unsigned char ch = (unsigned char)t[i];
    if (!ctix__isalnum(ch) && !strchr("._%+-", ch))
      return 0;
  }
  dom++;
  dl = n - at - 1;
  if (dl < 4)
    return 0;
  for (i = 0; i < dl; i++) {
    unsigned char ch = (unsigned char)dom[i];
    if (ch == '.') {
      if (i == 0 || dom[i - 1] == '.' || i + 1 == dl)
        return 0;
      dots++;
    } else if (!ctix__isalnum(ch) && ch != '-' && ch != '_') {
      return 0;
    }
  }
  /* the last label is a TLD: letters only, at least two */
  for (i = dl; i > 0 && dom[i - 1] != '.'; i--)
    if (!ctix__isalpha((unsigned char)dom[i - 1]))
      return 0;
  if (!dots || dl - i < 2)
    return 0;
  mark = has_xmpp_mark(dom, dl);
  if (!mark && !off && !(mentions_xmpp(s, c->start) &&
                         ctix__ioc_context_has(s, c->start, 4, xmpp_context)))
    return 0;
  return emit(c, CTIX_IOC_XMPP, c->start + off, c->end, t + off, n - off, NULL);
}

/* ---- the recognizer ---- */

/* Tries every id family at a word start p. Returns 1 if one was emitted
 * (*stop set to its end), 0 if none, or an error. */
static int ids_at(ids_ctx *c, size_t p, size_t *stop)
{
  const char *t = c->s->text;
  size_t avail = c->s->len - p;
  int rc = 0;
  int before = c->found;

  switch (ctix__lower((unsigned char)t[p])) {
  case 'c':
    if (ctix__mem_istarts(t + p, avail, "cve"))
      rc = cve_at(c, p, false);
    else if (ctix__mem_istarts(t + p, avail, "cwe"))
      rc = weakness_at(c, p, 3, CTIX_IOC_CWE, false);
    else if (ctix__mem_istarts(t + p, avail, "capec"))
      rc = weakness_at(c, p, 5, CTIX_IOC_CAPEC, false);
    else if (ctix__mem_istarts(t + p, avail, "ca-pub-"))
      rc = adsense_at(c, p);
    else
      rc = attack_at(c, p);
    break;
  case 'a':
    if (ctix__mem_istarts(t + p, avail, "arn:"))
      rc = p == c->start ? arn_at(c, p) : 0;
    else if (ctix__mem_istarts(t + p, avail, "as"))
      rc = asn_at(c, p, false);
    break;
  case 't':
    if (ctix__mem_istarts(t + p, avail, "tlp"))
      rc = tlp_at(c, p, false);
    else if (c->s->text[p] == 't' && p + 10 < c->s->len && t[p + 10] == '_')
      rc = ja4_at(c, p);
    else
      rc = attack_at(c, p);
    break;
  case 'q':
    rc = ja4_at(c, p);
    break;
  case 'd':
    rc = t[p] == 'd' ? ja4_at(c, p) : attack_at(c, p);
    break;
  case 'u':
    if (ctix__mem_istarts(t + p, avail, "ua-"))
      rc = ua_at(c, p);
    break;
  case 'p':
    if (ctix__mem_istarts(t + p, avail, "pub-"))
      rc = adsense_at(c, p);
    break;
  case 'g':
    if (avail > 2 && t[p] == 'G' && t[p + 1] == '-')
      rc = ga4_at(c, p);
    else
      rc = attack_at(c, p);
    break;
  case 's':
  case 'm':
    rc = attack_at(c, p);
    break;
  default:
    break;
  }
  if (rc > 0 && c->found > before)
    *stop = c->last_end > p ? c->last_end : p + 1;
  return rc;
}

/* Spaced forms that start from a trigger word: "CVE 2014-1001",
 * "AS 1234", "tlp amber", "CWE 79". */
static int spaced_at(ids_ctx *c)
{
  const char *t = c->s->text + c->start;
  size_t n = c->end - c->start;

  if (ctix__mem_ieq(t, n, "cve"))
    return cve_at(c, c->start, true);
  if (ctix__mem_ieq(t, n, "cwe"))
    return weakness_at(c, c->start, 3, CTIX_IOC_CWE, true);
  if (ctix__mem_ieq(t, n, "capec"))
    return weakness_at(c, c->start, 5, CTIX_IOC_CAPEC, true);
  if (ctix__mem_ieq(t, n, "as") || ctix__mem_ieq(t, n, "asn"))
    return asn_at(c, c->start, true);
  if (ctix__mem_ieq(t, n, "tlp"))
    return tlp_at(c, c->start, true);
  return 0;
}

int ctix__ioc_rec_ids(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh)
{
  ids_ctx c;
  size_t p;
  int rc;

  c.s = s;
  c.start = start;
  c.end = end;
  c.found = 0;
  c.whole = false;
  c.last_end = start;
  if (sh->len <= 5 && sh->digits == 0) {
    rc = spaced_at(&c);
    if (rc)
      return rc < 0 ? rc : 1;
  }
  /* "1536:abc:def" is ssdeep's (no id starts with a digit) */
  if (sh->colons >= 2 && ctix__isdigit((unsigned char)s->text[start]))
    return 0;
  if (sh->ats) {
    rc = xmpp_token(&c);
    return rc < 0 ? rc : 0; /* the e-mail recognizer still sees it */
  }
  /* without digits only a TLP label or an ARN can follow */
  if (sh->digits == 0 && !ctix__mem_istarts(s->text + start, sh->len, "tlp") &&
      !ctix__mem_istarts(s->text + start, sh->len, "arn:"))
    return 0;
  for (p = start; p < end;) {
    size_t stop = p + 1;
    /* a letter after a letter starts no word and no "CVE" after a mark
     * of digits: passed without the two tests */
    if (!ctix__isalpha((unsigned char)s->text[p]) ||
        (p > start && ctix__isalpha((unsigned char)s->text[p - 1])) ||
        (!at_word_start(s->text, start, p) && !cve_after_mark(s->text, start, end, p))) {
      p++;
      continue;
    }
    rc = ids_at(&c, p, &stop);
    if (rc < 0)
      return rc;
    if (rc > 0) {
      if (stop >= end)
        break;
      p = stop;
    } else {
      p++;
    }
  }
  return c.found == 1 && c.whole ? 1 : 0;
}

/* ---- MAC addresses ---- */

/*
 * Parses a MAC address at t[p..end): six pairs of hex digits joined by ':'
 * or '-' (the same throughout) or three quads joined by '.'. Writes the
 * canonical "aa:bb:cc:dd:ee:ff" to v and returns the length of the
 * written form, or 0.
 */
static size_t mac_at(const char *t, size_t p, size_t end, char v[18])
{
  size_t i, k = 0;
  char sep;

  if (p + 14 <= end && t[p + 4] == '.') {
    bool letter = false;
    for (i = 0; i < 14; i++) {
      unsigned char ch = (unsigned char)t[p + i];
      if (i == 4 || i == 9) {
        if (ch != '.')
          return 0;
        continue;
      }
      if (!is_hex(ch))
        return 0;
      letter |= !ctix__isdigit(ch);
      v[k++] = (char)ctix__lower(ch);
      if (k % 3 == 2 && k < 17)
        v[k++] = ':';
    }
    /* "2019.1203.1500" is a version, not a MAC */
    if (!letter)
      return 0;
    if (p + 14 < end && (is_hex((unsigned char)t[p + 14]) || t[p + 14] == '.'))
      return 0;
    return 14;
  }
  if (p + 17 > end)
    return 0;
  sep = t[p + 2];
  if (sep != ':' && sep != '-')
    return 0;
  for (i = 0; i < 17; i++) {
    unsigned char ch = (unsigned char)t[p + i];
    if (i % 3 == 2) {
      if (ch != (unsigned char)sep)
        return 0;
      v[k++] = ':';
    } else {
      if (!is_hex(ch))
        return 0;
      v[k++] = (char)ctix__lower(ch);
    }
  }
  if (p + 17 < end) {
    unsigned char ch = (unsigned char)t[p + 17];
    if (is_hex(ch) || ch == ':' || ch == '-' || ch == '.')
      return 0;
  }
  return 17;
}

int ctix__ioc_rec_mac(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh)
{
  const char *t = s->text;
  size_t p;

  if (sh->len < 14)
    return 0;
  for (p = start; p + 14 <= end; p++) {
    char v[18];
    size_t n;
    int rc;
    if (p > start) {
      unsigned char ch = (unsigned char)t[p - 1];
      if (is_hex(ch) || ctix__isalnum(ch) || ch == ':' || ch == '-' || ch == '.')
        continue;
    }
    n = mac_at(t, p, end, v);
    if (!n)
      continue;
    rc = ctix__ioc_emit(s, CTIX_IOC_MAC, p, p + n, v, 17, CTIX_IOC_STATUS_IOC, NULL);
    if (rc < 0)
      return rc;
    return p == start && p + n == end ? 1 : 0;
  }
  return 0;
}
