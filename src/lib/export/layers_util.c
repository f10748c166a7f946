/*
 * Small helpers of the Navigator, MISP and CSV writers (layers_internal.h):
 * option defaults, one-line labels cut on character boundaries, calendar
 * dates, URL schemes and the names of the ATT&CK domains. Nothing here
 * reads the clock or the environment beyond the shared knowledge base, so
 * the writers stay deterministic.
 */
#include "export/layers_internal.h"

#include <string.h>

#include "util/err.h"
#include "util/str.h"

/* TLP 2.0 names accepted in the options (case ignored). */
static const char *const tlp_names[] = {"clear", "green", "amber", "amber+strict", "red"};

int ctix__xopts_resolve(ctix__xopts *x, const ctix_export_options *opts, const ctix_analysis *a,
                        ctix_error *err)
{
  const ctix_document *d = a ? a->doc : NULL;
  size_t i;
  x->producer = (opts && opts->producer && opts->producer[0]) ? opts->producer : "ctix";
  x->timestamp = (opts && opts->timestamp && opts->timestamp[0]) ? opts->timestamp
                                                                  : "1970-01-01T00:00:00Z";
  x->source_url = (opts && opts->source_url) ? opts->source_url
                  : (d && d->meta.canonical_url) ? d->meta.canonical_url
                                                 : "";
  x->tlp = "clear";
  if (opts && opts->tlp && opts->tlp[0]) {
    const char *t = opts->tlp;
    size_t n;
    if (ctix__mem_istarts(t, strlen(t), "tlp:"))
      t += 4;
    n = strlen(t);
    x->tlp = NULL;
    for (i = 0; i < sizeof(tlp_names) / sizeof(tlp_names[0]); i++)
      if (ctix__mem_ieq(t, n, tlp_names[i]))
        x->tlp = tlp_names[i];
    if (!x->tlp)
      return ctix__error_set(err, CTIX_EINVAL,
                             "unknown TLP '%.40s' (clear, green, amber, amber+strict, red)",
                             opts->tlp);
  }
  x->kb = opts ? opts->kb : NULL;
  if (!x->kb) {
    const ctix_kb *kb = NULL;
    if (ctix_kb_default(&kb, NULL) == 0)
      x->kb = kb;
  }
  return 0;
}

/* Length of the UTF-8 sequence starting with lead byte c (1 for anything odd). */
static size_t seq_len(unsigned char c)
{
  if (c >= 0xF0 && c <= 0xF4)
    return 4;
  if (c >= 0xE0)
    return c <= 0xEF ? 3 : 1;
  if (c >= 0xC2)
    return 2;
  return 1;
}

void ctix__x_oneline(ctix_buf *b, const char *s, size_t n, size_t max)
{
  size_t i = 0, start = b->len, cut;
  bool space = false;
  if (max < 8)
    max = 8;
  while (i < n && !b->err) {
    unsigned char c = (unsigned char)s[i];
    size_t k;
    /* C0, DEL and C1 (U+0080..U+009F) controls count as white space. */
    if (c <= 0x20 || c == 0x7f || (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] < 0xA0)) {
      space = b->len > start;
      i += (c == 0xC2) ? 2 : 1;
      continue;
    }
    k = seq_len(c);
    if (i + k > n)
      k = n - i;
    if (space)
      ctix__buf_addc(b, ' ');
    space = false;
    ctix__buf_add(b, s + i, k);
    i += k;
    if (b->len - start > max + 4)
      break;  /* enough to know it will be cut */
  }
  if (b->err || b->len - start <= max)
    return;
  cut = start + max - 3;
  while (cut > start && ((unsigned char)b->data[cut] & 0xC0) == 0x80)
    cut--;
  while (cut > start && b->data[cut - 1] == ' ')
    cut--;
  ctix__buf_truncate(b, cut);
  ctix__buf_add(b, "...", 3);
}

bool ctix__x_date(char out[11], const char *s)
{
  static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int y, m, d, i, dim;
  if (!s || strlen(s) < 10)
    return false;
  for (i = 0; i < 10; i++) {
    if (i == 4 || i == 7) {
      if (s[i] != '-')
        return false;
    } else if (!ctix__isdigit((unsigned char)s[i])) {
      return false;
    }
  }
  if (s[10] && s[10] != 'T' && s[10] != ' ')
    return false;
  y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  m = (s[5] - '0') * 10 + (s[6] - '0');
  d = (s[8] - '0') * 10 + (s[9] - '0');
  if (y < 1 || m < 1 || m > 12 || d < 1)
    return false;
  dim = mdays[m - 1];
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    dim = 29;
  if (d > dim)
    return false;
  memcpy(out, s, 10);
  out[10] = '\0';
  return true;
}

bool ctix__x_has_scheme(const char *url)
{
  size_t i = 0;
  if (!url || !ctix__isalpha((unsigned char)url[0]))
    return false;
  while (ctix__isalnum((unsigned char)url[i]) || url[i] == '+' || url[i] == '.' || url[i] == '-')
    i++;
  return url[i] == ':' && url[i + 1] == '/' && url[i + 2] == '/' && url[i + 3] &&
         !ctix__isspace((unsigned char)url[i + 3]);
}

/*
 * The ATT&CK domains as the formats name them: the Navigator's domain
 * names, the kill chains of ATT&CK's own STIX bundles (whose current
 * techniques all carry the external reference source "mitre-attack"), the
 * KB's version keys and MISP's galaxies (Enterprise and Mobile share
 * mitre-attack-pattern, "Name - T1234"). ICS techniques get no galaxy:
 * MISP's mitre-ics-techniques lags ATT&CK for ICS (20 of its 83 current
 * techniques have no cluster there, T0834 Native API among them) and its
 * clusters are not in the data ctix is built from, so a tag could name a
 * cluster that does not exist; the MISP writer names them in a comment.
 */
const ctix__x_domain ctix__x_domains[] = {
    {CTIX_KB_ENTERPRISE, "enterprise-attack", "mitre-attack", "attack-enterprise",
     "mitre-attack-pattern"},
    {CTIX_KB_MOBILE, "mobile-attack", "mitre-mobile-attack", "attack-mobile",
     "mitre-attack-pattern"},
    {CTIX_KB_ICS, "ics-attack", "mitre-ics-attack", "attack-ics", NULL},
};
const size_t ctix__x_ndomains = sizeof(ctix__x_domains) / sizeof(ctix__x_domains[0]);

const ctix__x_domain *ctix__x_domain_of(unsigned bits)
{
  unsigned bit = ctix_kb_domain_first(bits);
  size_t i;
  for (i = 0; i < ctix__x_ndomains; i++)
    if (ctix__x_domains[i].bit == bit)
      return &ctix__x_domains[i];
  return &ctix__x_domains[0];
}

void ctix__x_evidence(ctix_buf *b, const ctix_analysis *a, const ctix_ttp_evidence *ev, size_t max)
{
  const ctix_document *d = a ? a->doc : NULL;
  if (!d || !d->text || !ev || ev->start >= ev->end || ev->end > d->len)
    return;
  ctix__x_oneline(b, d->text + ev->start, ev->end - ev->start, max);
}
