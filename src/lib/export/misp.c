/*
 * The MISP event (misp-event.json, MISP core format) of an analysis.
 *
 * Observables become attributes with the MISP type and category of a
 * mapping table (ctix type -> MISP type, category, detectable); to_ids is
 * true only for observables of status "ioc" whose type is fit for
 * detection. Benign observables stay in with to_ids false and their reason
 * as comment; rejected candidates (which failed validation) are left out
 * and counted in a comment attribute (iocs.csv lists them). A value that
 * MISP's own checks would refuse for its type (an IDN, a bad hash length,
 * ...) goes in as a "text" attribute whose comment says why, never dropped.
 * Values are written the way MISP stores them (hashes and domains lower
 * case, AS without "AS", IPs in canonical form), and equal attributes are
 * merged, as MISP would refuse the second one.
 *
 * Entities add attribution and targeting attributes and galaxy tags
 * (threat-actor, mitre-intrusion-set, mitre-malware, mitre-tool); observed
 * and implied techniques add misp-galaxy:mitre-attack-pattern="Name -
 * T1059.001" tags (Enterprise and Mobile; ICS ones are named in a comment,
 * as MISP's ICS galaxy is not in ctix's data). Tags name only clusters
 * MISP's galaxies have, with the galaxies' own values (galaxy.c: renamed
 * and revoked clusters, actors' synonyms); vulnerabilities
 * in CISA's KEV catalogue add a vulnerability object. The TLP of the
 * options gives the event's tlp tag and distribution; the risk level gives
 * threat_level_id. Every uuid is a UUIDv5 of content under ctix's
 * namespace, so the same analysis gives the same bytes.
 * docs/navigator-misp-csv.md has the tables and the choices.
 */
#include "ctix/export.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/galaxy.h"
#include "export/ids.h"
#include "export/jsonw.h"
#include "export/layers_internal.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/hash.h"
#include "util/str.h"

#define MISP_MAX_OUT ((size_t)1 << 30)
#define INFO_MAX 250
#define NOTE_MAX 2000
#define TAG_VALUE_MAX 200

/* ------------------------------------------------------------ type table */

/* How one ctix observable type goes into MISP. */
typedef struct misp_map {
  const char *type;        /* MISP attribute type */
  const char *category;    /* an allowed category of that type */
  bool detect;             /* fit for to_ids when the status is "ioc" */
  const char *note;        /* comment prefix naming what the value is, or NULL */
} misp_map;

static const misp_map type_map[CTIX_IOC_TYPE_COUNT] = {
    [CTIX_IOC_IPV4] = {"ip-dst", "Network activity", true, NULL},
    [CTIX_IOC_IPV4_CIDR] = {"ip-dst", "Network activity", true, "network range"},
    [CTIX_IOC_IPV6] = {"ip-dst", "Network activity", true, NULL},
    [CTIX_IOC_IPV6_CIDR] = {"ip-dst", "Network activity", true, "network range"},
    [CTIX_IOC_DOMAIN] = {"domain", "Network activity", true, NULL},
    [CTIX_IOC_URL] = {"url", "Network activity", true, NULL},
    [CTIX_IOC_EMAIL] = {"email", "Payload delivery", true, NULL},
    [CTIX_IOC_MD5] = {"md5", "Payload delivery", true, NULL},
    [CTIX_IOC_SHA1] = {"sha1", "Payload delivery", true, NULL},
    [CTIX_IOC_SHA224] = {"sha224", "Payload delivery", true, NULL},
    [CTIX_IOC_SHA256] = {"sha256", "Payload delivery", true, NULL},
    [CTIX_IOC_SHA384] = {"sha384", "Payload delivery", true, NULL},
    [CTIX_IOC_SHA512] = {"sha512", "Payload delivery", true, NULL},
    [CTIX_IOC_SSDEEP] = {"ssdeep", "Payload delivery", true, NULL},
    [CTIX_IOC_IMPHASH] = {"imphash", "Payload delivery", true, NULL},
    [CTIX_IOC_AUTHENTIHASH] = {"authentihash", "Payload delivery", true, NULL},
    [CTIX_IOC_CVE] = {"vulnerability", "External analysis", false, NULL},
    [CTIX_IOC_CWE] = {"weakness", "External analysis", false, NULL},
    [CTIX_IOC_CAPEC] = {"text", "External analysis", false, "CAPEC attack pattern id"},
    [CTIX_IOC_ATTACK_TECHNIQUE] = {"text", "External analysis", false, "ATT&CK technique id"},
    [CTIX_IOC_ATTACK_TACTIC] = {"text", "External analysis", false, "ATT&CK tactic id"},
    [CTIX_IOC_ATTACK_GROUP] = {"text", "External analysis", false, "ATT&CK group id"},
    [CTIX_IOC_ATTACK_SOFTWARE] = {"text", "External analysis", false, "ATT&CK software id"},
    [CTIX_IOC_ATTACK_MITIGATION] = {"text", "External analysis", false, "ATT&CK mitigation id"},
    [CTIX_IOC_ATTACK_CAMPAIGN] = {"text", "External analysis", false, "ATT&CK campaign id"},
    [CTIX_IOC_ATTACK_DATA_SOURCE] = {"text", "External analysis", false, "ATT&CK data source id"},
    [CTIX_IOC_FILE_NAME] = {"filename", "Payload delivery", true, NULL},
    [CTIX_IOC_FILE_PATH] = {"filename", "Artifacts dropped", true, "file path"},
    [CTIX_IOC_REGISTRY_KEY] = {"regkey", "Persistence mechanism", true, NULL},
    [CTIX_IOC_ASN] = {"AS", "Network activity", false, NULL},
    [CTIX_IOC_MAC] = {"mac-address", "Network activity", false, NULL},
    [CTIX_IOC_USER_AGENT] = {"user-agent", "Network activity", true, NULL},
    [CTIX_IOC_BTC] = {"btc", "Financial fraud", true, NULL},
    [CTIX_IOC_BCH] = {"text", "Financial fraud", false, "Bitcoin Cash address"},
    [CTIX_IOC_ETH] = {"text", "Financial fraud", false, "Ethereum address"},
    [CTIX_IOC_XMR] = {"xmr", "Financial fraud", true, NULL},
    [CTIX_IOC_LTC] = {"text", "Financial fraud", false, "Litecoin address"},
    [CTIX_IOC_DOGE] = {"text", "Financial fraud", false, "Dogecoin address"},
    [CTIX_IOC_DASH] = {"dash", "Financial fraud", true, NULL},
    [CTIX_IOC_ZEC] = {"text", "Financial fraud", false, "Zcash address"},
    [CTIX_IOC_ADA] = {"text", "Financial fraud", false, "Cardano address"},
    [CTIX_IOC_XRP] = {"text", "Financial fraud", false, "XRP address"},
    [CTIX_IOC_SOL] = {"text", "Financial fraud", false, "Solana address"},
    [CTIX_IOC_XLM] = {"text", "Financial fraud", false, "Stellar address"},
    [CTIX_IOC_XTZ] = {"text", "Financial fraud", false, "Tezos address"},
    [CTIX_IOC_TRX] = {"text", "Financial fraud", false, "TRON address"},
    [CTIX_IOC_JA3] = {"ja3-fingerprint-md5", "Network activity", true, NULL},
    [CTIX_IOC_JA3S] = {"text", "Network activity", false, "JA3S fingerprint"},
    [CTIX_IOC_JA4] = {"text", "Network activity", false, "JA4 fingerprint"},
    [CTIX_IOC_YARA_RULE] = {"text", "Artifacts dropped", false, "YARA rule name"},
    [CTIX_IOC_MUTEX] = {"mutex", "Artifacts dropped", true, NULL},
    [CTIX_IOC_TLP] = {"text", "Other", false, "TLP label written in the source"},
    [CTIX_IOC_GOOGLE_ANALYTICS] = {"text", "External analysis", false, "Google Analytics id"},
    [CTIX_IOC_GOOGLE_ADSENSE] = {"text", "External analysis", false, "Google AdSense id"},
    [CTIX_IOC_XMPP] = {"jabber-id", "Social network", false, NULL},
    [CTIX_IOC_ARN] = {"text", "External analysis", false, "AWS resource name"},
};

/* Fixed MISP identifiers (template of the vulnerability object, TLP -> distribution). */
#define VULN_TEMPLATE_UUID "81650945-f186-437b-8945-9f31715d32da"
#define VULN_TEMPLATE_VERSION "12"

static const struct {
  const char *tlp;
  const char *distribution;  /* 0 your organisation, 1 this community, 3 all communities */
} tlp_distribution[] = {
    {"clear", "3"}, {"green", "1"}, {"amber", "0"}, {"amber+strict", "0"}, {"red", "0"}};

static const struct {
  const char *level;
  const char *threat_level_id; /* 1 high, 2 medium, 3 low, 4 undefined */
} risk_threat_level[] = {{"critical", "1"}, {"high", "1"}, {"medium", "2"}, {"low", "3"}};

/* ---------------------------------------------------------- collections */

/* One attribute; strings are offsets into the pool. */
typedef struct mattr {
  const char *type, *category;  /* static strings */
  size_t voff, vlen, coff, clen;
  bool to_ids;
} mattr;

/* One tag name in the pool. */
typedef struct mtag {
  size_t off, len;
} mtag;

/* A vulnerability object: the CVE and its KEV summary. */
typedef struct mvuln {
  size_t idoff, idlen, soff, slen;
} mvuln;

typedef struct mx {
  ctix_buf pool;      /* every string */
  ctix_buf attrs;     /* mattr */
  ctix_buf tags;      /* mtag */
  ctix_buf vulns;     /* mvuln */
  ctix_buf tmp, tmp2; /* scratch */
  uint32_t *slots;    /* open addressing over attrs (index + 1), for merging */
  size_t cap;
} mx;

/* FNV-1a of type, category (each with its NUL) and value. */
static uint64_t attr_hash(const char *type, const char *cat, const char *v, size_t n)
{
  uint64_t h = CTIX__FNV1A_BASIS;
  h = ctix__fnv1a_add(h, type, strlen(type) + 1);
  h = ctix__fnv1a_add(h, cat, strlen(cat) + 1);
  return ctix__fnv1a_add(h, v, n);
}

/* Copies s[0..n) into the pool; returns its offset. */
static size_t pool_add(mx *m, const char *s, size_t n)
{
  size_t off = m->pool.len;
  ctix__buf_add(&m->pool, s, n);
  ctix__buf_addc(&m->pool, '\0');
  return off;
}

static const char *pool_at(const mx *m, size_t off)
{
  return m->pool.data ? m->pool.data + off : "";
}

/* Doubles the merge table (or creates it); CTIX_ENOMEM on failure. */
static int slots_grow(mx *m)
{
  size_t ncap = m->cap ? m->cap * 2 : 1024, i, n = CTIX__BUF_COUNT(&m->attrs, mattr);
  uint32_t *ns = calloc(ncap, sizeof(*ns));
  if (!ns)
    return CTIX_ENOMEM;
  for (i = 0; i < n; i++) {
    const mattr *a = &CTIX__BUF_AT(&m->attrs, mattr, i);
    size_t k = (size_t)attr_hash(a->type, a->category, pool_at(m, a->voff), a->vlen) & (ncap - 1);
    while (ns[k])
      k = (k + 1) & (ncap - 1);
    ns[k] = (uint32_t)(i + 1);
  }
  free(m->slots);
  m->slots = ns;
  m->cap = ncap;
  return 0;
}

/* ------------------------------------------------------- value checking */

static bool is_hex_lower(const char *s, size_t n, size_t want)
{
  size_t i;
  if (n != want)
    return false;
  for (i = 0; i < n; i++)
    if (!ctix__isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
      return false;
  return true;
}

/* MISP's domain rule: [A-Za-z0-9._-]+ '.' and a last label of 2+ [A-Za-z0-9-]. */
static bool misp_domain(const char *s, size_t n)
{
  size_t dot, i;
  const char *p = NULL;
  for (i = 0; i < n; i++)
    if (s[i] == '.')
      p = s + i;
  if (!p || p == s)
    return false;
  dot = (size_t)(p - s);
  for (i = 0; i < dot; i++)
    if (!ctix__isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '-' && s[i] != '_')
      return false;
  if (n - dot - 1 < 2)
    return false;
  for (i = dot + 1; i < n; i++)
    if (!ctix__isalnum((unsigned char)s[i]) && s[i] != '-')
      return false;
  return true;
}

/* An e-mail address as MISP checks it (stricter: no white space anywhere). */
static bool misp_email(const char *s, size_t n)
{
  const char *at;
  size_t i;
  for (i = 0; i < n; i++)
    if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
      return false;
  at = memchr(s, '@', n);
  return at && at > s && memchr(at, '.', n - (size_t)(at - s)) != NULL;
}

static bool all_digits(const char *s, size_t n)
{
  size_t i;
  if (n == 0)
    return false;
  for (i = 0; i < n; i++)
    if (!ctix__isdigit((unsigned char)s[i]))
      return false;
  return true;
}

/* Canonical IP or CIDR text (inet_ntop; /32 and /128 dropped) into out; false if invalid. */
static bool norm_ip(ctix_buf *out, const char *s, size_t n)
{
  char addr[64], txt[INET6_ADDRSTRLEN];
  unsigned char bin[16];
  const char *slash = memchr(s, '/', n);
  size_t alen = slash ? (size_t)(slash - s) : n;
  int af;
  if (alen == 0 || alen >= sizeof(addr))
    return false;
  memcpy(addr, s, alen);
  addr[alen] = '\0';
  af = memchr(addr, ':', alen) ? AF_INET6 : AF_INET;
  if (inet_pton(af, addr, bin) != 1 || !inet_ntop(af, bin, txt, sizeof(txt)))
    return false;
  ctix__buf_adds(out, txt);
  if (slash) {
    const char *pl = slash + 1;
    size_t pn = n - alen - 1;
    unsigned long v = 0, maxp = af == AF_INET ? 32 : 128;
    size_t i;
    if (!all_digits(pl, pn) || pn > 3)
      return false;
    for (i = 0; i < pn; i++)
      v = v * 10 + (unsigned long)(pl[i] - '0');
    if (v > maxp)
      return false;
    if (v != maxp)
      ctix__buf_addf(out, "/%lu", v);
  }
  return true;
}

/*
 * Writes into `out` the value as MISP stores it for `type` and returns
 * NULL when MISP accepts it, or a short reason when MISP would refuse it.
 */
static const char *misp_value(ctix_buf *out, const char *type, const char *s, size_t n)
{
  size_t i, start = out->len;
  s = ctix__trim(s, &n);
  if (n == 0)
    return "empty value";
  if (strcmp(type, "ip-dst") == 0)
    return norm_ip(out, s, n) ? NULL : "not an IP address";
  if (strcmp(type, "AS") == 0) {
    uint64_t v = 0;
    const char *dot;
    if (n > 2 && ctix__mem_istarts(s, n, "as")) {
      s += 2;
      n -= 2;
      s = ctix__trim(s, &n);
    }
    dot = memchr(s, '.', n);
    if (dot) { /* asdot: high.low */
      size_t hn = (size_t)(dot - s);
      uint64_t hi = 0, lo = 0;
      if (!all_digits(s, hn) || !all_digits(dot + 1, n - hn - 1) || hn > 5 || n - hn - 1 > 5)
        return "not an AS number";
      for (i = 0; i < hn; i++)
        hi = hi * 10 + (uint64_t)(s[i] - '0');
      for (i = hn + 1; i < n; i++)
        lo = lo * 10 + (uint64_t)(s[i] - '0');
      if (hi > 65535 || lo > 65535)
        return "not an AS number";
      v = hi * 65536 + lo;
    } else {
      if (!all_digits(s, n) || n > 10)
        return "not an AS number";
      for (i = 0; i < n; i++)
        v = v * 10 + (uint64_t)(s[i] - '0');
      if (v > 4294967295ull)
        return "AS number out of range";
    }
    ctix__buf_addf(out, "%llu", (unsigned long long)v);
    return NULL;
  }
  if (strcmp(type, "mac-address") == 0) {
    char hex[12];
    size_t k = 0;
    for (i = 0; i < n; i++) {
      int c = ctix__lower((unsigned char)s[i]);
      if (ctix__isdigit(c) || (c >= 'a' && c <= 'f')) {
        if (k == 12)
          return "not a MAC address";
        hex[k++] = (char)c;
      } else if (c != ':' && c != '-' && c != '.') {
        return "not a MAC address";
      }
    }
    if (k != 12)
      return "not a MAC address";
    for (i = 0; i < 12; i += 2)
      ctix__buf_addf(out, "%s%c%c", i ? ":" : "", hex[i], hex[i + 1]);
    return NULL;
  }
  /* Types MISP lower-cases. */
  if (strcmp(type, "domain") == 0 || strcmp(type, "email") == 0 ||
      strcmp(type, "jabber-id") == 0 || strcmp(type, "md5") == 0 || strcmp(type, "sha1") == 0 ||
      strcmp(type, "sha224") == 0 || strcmp(type, "sha256") == 0 ||
      strcmp(type, "sha384") == 0 || strcmp(type, "sha512") == 0 ||
      strcmp(type, "imphash") == 0 || strcmp(type, "authentihash") == 0 ||
      strcmp(type, "ja3-fingerprint-md5") == 0) {
    if (strcmp(type, "domain") == 0)
      while (n > 0 && s[n - 1] == '.')
        n--;
    for (i = 0; i < n; i++)
      ctix__buf_addc(out, (char)ctix__lower((unsigned char)s[i]));
  } else if (strcmp(type, "vulnerability") == 0 || strcmp(type, "weakness") == 0) {
    for (i = 0; i < n; i++)
      ctix__buf_addc(out, (char)ctix__upper((unsigned char)s[i]));
  } else {
    ctix__buf_add(out, s, n);
  }
  if (out->err)
    return NULL;
  s = out->data + start;
  n = out->len - start;
  {
    static const struct {
      const char *type;
      size_t len;
    } hexlen[] = {{"md5", 32},    {"sha1", 40},         {"sha224", 56},
                  {"sha256", 64}, {"sha384", 96},       {"sha512", 128},
                  {"imphash", 32}, {"authentihash", 64}, {"ja3-fingerprint-md5", 32}};
    for (i = 0; i < sizeof(hexlen) / sizeof(hexlen[0]); i++)
      if (strcmp(type, hexlen[i].type) == 0)
        return is_hex_lower(s, n, hexlen[i].len) ? NULL : "wrong length or not hexadecimal";
  }
  if (strcmp(type, "domain") == 0)
    return misp_domain(s, n) ? NULL : "not a domain by MISP's rule (an IDN needs punycode)";
  if (strcmp(type, "email") == 0 || strcmp(type, "jabber-id") == 0)
    return misp_email(s, n) ? NULL : "not an e-mail address by MISP's rule";
  if (strcmp(type, "ssdeep") == 0) {
    size_t k = 0, colons = 0;
    while (k < n && ctix__isdigit((unsigned char)s[k]))
      k++;
    if (k == 0)
      return "not an ssdeep hash";
    for (; k < n; k++) {
      if (s[k] == ':')
        colons++;
      else if (!ctix__isalnum((unsigned char)s[k]) && s[k] != '/' && s[k] != '+')
        return "not an ssdeep hash";
    }
    return colons == 2 ? NULL : "not an ssdeep hash";
  }
  if (strcmp(type, "vulnerability") == 0) {
    if (n >= 13 && memcmp(s, "CVE-", 4) == 0 && all_digits(s + 4, 4) && s[8] == '-' &&
        all_digits(s + 9, n - 9))
      return NULL;
    return "not a CVE id";
  }
  if (strcmp(type, "weakness") == 0)
    return n > 4 && memcmp(s, "CWE-", 4) == 0 && all_digits(s + 4, n - 4) ? NULL
                                                                          : "not a CWE id";
  if (strcmp(type, "btc") == 0 || strcmp(type, "xmr") == 0 || strcmp(type, "dash") == 0) {
    for (i = 0; i < n; i++)
      if (!ctix__isalnum((unsigned char)s[i]))
        return "not alphanumeric";
    return NULL;
  }
  if (strcmp(type, "text") != 0 && memchr(s, '\n', n))
    return "holds a line break";
  if (strcmp(type, "link") == 0 && (!ctix__x_has_scheme(s) || s[strcspn(s, ":") + 3] == '/'))
    return "not a URL with scheme and host";
  return NULL;
}

/* ------------------------------------------------------------ attributes */

/*
 * Adds one attribute, written as MISP would store it. A value MISP would
 * refuse for `type` becomes a "text" attribute whose comment says why. An
 * attribute equal to one already added (type, category, value) is merged:
 * to_ids becomes true if either is, the first comment is kept unless the
 * merge turned to_ids on.
 */
static int add_attr(mx *m, const char *type, const char *category, const char *value, size_t vlen,
                    bool to_ids, const char *comment, size_t clen)
{
  mattr a;
  const char *why, *v;
  size_t n, k;
  uint64_t h;
  ctix__buf_reset(&m->tmp);
  ctix__buf_reset(&m->tmp2);
  why = misp_value(&m->tmp, type, value, vlen);
  if (why) {
    ctix__buf_addf(&m->tmp2, "not a valid MISP %s value (%s)", type, why);
    if (clen)
      ctix__buf_add(&m->tmp2, "; ", 2);
    ctix__buf_add(&m->tmp2, comment, clen);
    comment = m->tmp2.data;
    clen = m->tmp2.len;
    type = "text";
    if (strcmp(category, "Targeting data") == 0)
      category = "Other";
    to_ids = false;
    ctix__buf_reset(&m->tmp);
    {
      size_t tn = vlen;
      const char *ts = ctix__trim(value, &tn);
      if (tn == 0)
        return 0; /* nothing to keep */
      ctix__buf_add(&m->tmp, ts, tn);
    }
  }
  if (m->tmp.err || m->tmp2.err)
    return CTIX_ENOMEM;
  v = m->tmp.data;
  n = m->tmp.len;
  if ((CTIX__BUF_COUNT(&m->attrs, mattr) + 1) * 2 > m->cap && slots_grow(m))
    return CTIX_ENOMEM;
  h = attr_hash(type, category, v, n);
  for (k = (size_t)h & (m->cap - 1); m->slots[k]; k = (k + 1) & (m->cap - 1)) {
    mattr *o = &CTIX__BUF_AT(&m->attrs, mattr, m->slots[k] - 1);
    if (o->vlen == n && strcmp(o->type, type) == 0 && strcmp(o->category, category) == 0 &&
        memcmp(pool_at(m, o->voff), v, n) == 0) {
      if (to_ids && !o->to_ids) {
        o->to_ids = true;
        o->coff = pool_add(m, comment ? comment : "", clen);
        o->clen = clen;
      }
      return m->pool.err;
    }
  }
  memset(&a, 0, sizeof(a));
  a.type = type;
  a.category = category;
  a.voff = pool_add(m, v, n);
  a.vlen = n;
  a.coff = pool_add(m, comment ? comment : "", clen);
  a.clen = clen;
  a.to_ids = to_ids;
  if (ctix__buf_push(&m->attrs, &a, sizeof(a)) || m->pool.err)
    return CTIX_ENOMEM;
  m->slots[k] = (uint32_t)CTIX__BUF_COUNT(&m->attrs, mattr);
  return 0;
}

static int add_attr_s(mx *m, const char *type, const char *category, const char *value,
                      bool to_ids, const char *comment)
{
  return add_attr(m, type, category, value, value ? strlen(value) : 0, to_ids, comment,
                  comment ? strlen(comment) : 0);
}

/* Adds a tag (one line, at most 255 bytes) unless the same tag is already there. */
static int add_tag(mx *m, const char *name, size_t n)
{
  size_t i, cnt = CTIX__BUF_COUNT(&m->tags, mtag);
  mtag t;
  if (n == 0 || n > 255 || memchr(name, '\n', n))
    return 0;
  for (i = 0; i < cnt; i++) {
    const mtag *o = &CTIX__BUF_AT(&m->tags, mtag, i);
    if (o->len == n && memcmp(pool_at(m, o->off), name, n) == 0)
      return 0;
  }
  t.off = pool_add(m, name, n);
  t.len = n;
  if (ctix__buf_push(&m->tags, &t, sizeof(t)) || m->pool.err)
    return CTIX_ENOMEM;
  return 0;
}

/*
 * Adds misp-galaxy:<galaxy>="<value>" (with " - <id>" when id is given).
 * The value is made one line without double quotes, as a tag needs.
 */
static int add_galaxy_tag(mx *m, const char *galaxy, const char *value, const char *id)
{
  ctix_buf *t = &m->tmp;
  size_t i, start;
  ctix__buf_reset(t);
  ctix__buf_addf(t, "misp-galaxy:%s=\"", galaxy);
  start = t->len;
  ctix__x_oneline(t, value, strlen(value), TAG_VALUE_MAX);
  for (i = start; i < t->len; i++)
    if (t->data[i] == '"')
      t->data[i] = '\'';
  if (t->len == start)
    return 0;
  if (id)
    ctix__buf_addf(t, " - %s", id);
  ctix__buf_addc(t, '"');
  if (t->err)
    return CTIX_ENOMEM;
  return add_tag(m, t->data, t->len);
}

/* ------------------------------------------------------------- sources */

/* Attributes of the observables; rejected candidates counted in *nrejected. */
static int add_iocs(mx *m, const ctix_analysis *a, size_t *nrejected)
{
  const ctix_ioc_list *l = a->iocs;
  ctix_buf note = CTIX_BUF_INIT(NOTE_MAX * 2);
  size_t i;
  int rc = 0;
  *nrejected = 0;
  for (i = 0; l && i < l->nitems && rc == 0; i++) {
    const ctix_ioc *it = &l->items[i];
    const misp_map *mp;
    ctix_ioc_bidi bi;
    if ((unsigned)it->type >= CTIX_IOC_TYPE_COUNT || !type_map[it->type].type || !it->value)
      continue;
    if (it->status == CTIX_IOC_STATUS_REJECTED) {
      (*nrejected)++;
      continue;
    }
    mp = &type_map[it->type];
    ctix__buf_reset(&note);
    if (mp->note)
      ctix__buf_adds(&note, mp->note);
    if (it->status == CTIX_IOC_STATUS_BENIGN) {
      if (note.len)
        ctix__buf_add(&note, "; ", 2);
      ctix__buf_adds(&note, "benign, not for detection: ");
      ctix__x_oneline(&note, it->reason ? it->reason : "no reason given",
                      strlen(it->reason ? it->reason : "no reason given"), 200);
    } else if (!mp->detect) {
      if (note.len)
        ctix__buf_add(&note, "; ", 2);
      ctix__buf_adds(&note, "context, not a detection indicator");
    }
    if (it->type == CTIX_IOC_CVE && a->entities) {
      size_t k;
      for (k = 0; k < a->entities->count; k++) {
        const ctix_entity *e = &a->entities->items[k];
        if (e->kind == CTIX_ENTITY_VULNERABILITY && e->kev && e->name &&
            ctix__mem_ieq(it->value, strlen(it->value), e->name)) {
          ctix__buf_adds(&note, "; in CISA KEV");
          break;
        }
      }
    }
    if ((rc = ctix_ioc_bidi_read(&bi, it->value, strlen(it->value), NULL)) == 0 && bi.note) {
      /* a name with bidirectional controls: how it displays */
      if (note.len)
        ctix__buf_add(&note, "; ", 2);
      ctix__x_oneline(&note, bi.note, strlen(bi.note), NOTE_MAX);
    }
    ctix_ioc_bidi_clear(&bi);
    if (rc)
      break;
    if (note.err) {
      rc = CTIX_ENOMEM;
      break;
    }
    rc = add_attr(m, mp->type, mp->category, it->value, strlen(it->value),
                  it->status == CTIX_IOC_STATUS_IOC && mp->detect, note.data ? note.data : "",
                  note.len);
  }
  ctix__buf_free(&note);
  return rc;
}

/* True when `ref` is ATT&CK software of the given KB flag (malware or tool). */
static bool software_is(const ctix_kb *kb, const ctix_entity *e, unsigned flag)
{
  ctix_kb_ref ref = e->ref;
  if (!kb)
    return false;
  if (ref == CTIX_KB_NONE && e->id && ctix_kb_find_id(kb, e->id, strlen(e->id), &ref) != 0)
    return false;
  if (ref == CTIX_KB_NONE || ctix_kb_kind_of(kb, ref) != CTIX_KB_SOFTWARE)
    return false;
  return (ctix_kb_flags(kb, ref) & flag) != 0;
}

/* True when id looks like an ATT&CK id with the given letter: G0007, S0002, C0024. */
static bool attack_id(const char *id, char letter)
{
  size_t n = id ? strlen(id) : 0;
  return n == 5 && id[0] == letter && all_digits(id + 1, 4);
}

static bool has_digit(const char *s)
{
  for (; *s; s++)
    if (ctix__isdigit((unsigned char)*s))
      return true;
  return false;
}

/* Attributes, tags and objects of the named entities. */
static int add_entities(mx *m, const ctix_analysis *a, const ctix__xopts *x)
{
  const ctix_entity_list *el = a->entities;
  ctix_buf note = CTIX_BUF_INIT(NOTE_MAX * 2), ename = CTIX_BUF_INIT(1024);
  size_t i;
  int rc = 0;
  for (i = 0; el && i < el->count && rc == 0; i++) {
    const ctix_entity *e = &el->items[i];
    const char *name;
    bool targeted = e->role && strcmp(e->role, "targeted") == 0;
    if (!e->name || !e->name[0])
      continue;
    /* Names are labels: one line, no control characters. */
    ctix__buf_reset(&ename);
    ctix__x_oneline(&ename, e->name, strlen(e->name), 250);
    if (ename.err) {
      rc = CTIX_ENOMEM;
      break;
    }
    if (!ename.len)
      continue;
    name = ename.data;
    ctix__buf_reset(&note);
    if (e->id && e->id[0])
      ctix__buf_addf(&note, "%s; ", e->id);
    if (e->evidence && e->evidence[0])
      ctix__x_oneline(&note, e->evidence, strlen(e->evidence), 200);
    while (note.len && (note.data[note.len - 1] == ' ' || note.data[note.len - 1] == ';'))
      ctix__buf_truncate(&note, note.len - 1);
    switch (e->kind) {
    case CTIX_ENTITY_GROUP: {
      /* Tags only for clusters MISP has (galaxy.c): the threat-actor
       * cluster of that name, or the one cluster that lists the name as a
       * synonym ("Dragonfly" is "ENERGETIC BEAR" there) when the group is
       * ATT&CK's or its name is a designator with a digit ("UAT-7290"), not
       * a word another cluster may also use ("Alibaba"); and the
       * mitre-intrusion-set cluster of its ATT&CK id. A name without a
       * cluster stays in the threat-actor attribute. */
      const char *actor = ctix__misp_actor_cluster(name, e->known || has_digit(name));
      /* many threat-actor clusters list the ATT&CK id among their synonyms
       * ("G0034" for Sandworm, which ATT&CK calls Sandworm Team) */
      if (!actor && e->known && attack_id(e->id, 'G'))
        actor = ctix__misp_actor_cluster(e->id, true);
      const char *set =
          e->known && attack_id(e->id, 'G') ? ctix__misp_cluster_by_id("mitre-intrusion-set", e->id)
                                            : NULL;
      if (actor)
        rc = add_galaxy_tag(m, "threat-actor", actor, NULL);
      if (rc == 0 && set)
        rc = add_galaxy_tag(m, "mitre-intrusion-set", set, NULL);
      if (rc == 0)
        rc = add_attr(m, "threat-actor", "Attribution", name, strlen(name), false,
                      note.data ? note.data : "", note.len);
      break;
    }
    case CTIX_ENTITY_MALWARE:
    case CTIX_ENTITY_TOOL: {
      /* the galaxy of ATT&CK's kind first, then the other one (MISP files a
       * few programs the other way) */
      static const char *const galaxies[2] = {"mitre-malware", "mitre-tool"};
      const char *cluster = NULL, *galaxy = NULL;
      if (e->known && attack_id(e->id, 'S')) {
        int first = software_is(x->kb, e, CTIX_KB_TOOL) ? 1 : 0, k;
        for (k = 0; k < 2 && !cluster; k++) {
          galaxy = galaxies[(first + k) % 2];
          cluster = ctix__misp_cluster_by_id(galaxy, e->id);
        }
      }
      if (cluster)
        rc = add_galaxy_tag(m, galaxy, cluster, NULL);
      else {
        ctix__buf_reset(&m->tmp2);
        ctix__buf_addf(&m->tmp2, "%s named by the source (no ATT&CK galaxy cluster)%s",
                       e->kind == CTIX_ENTITY_MALWARE ? "malware" : "tool",
                       note.len ? "; " : "");
        ctix__buf_add(&m->tmp2, note.data, note.len);
        if (m->tmp2.err) {
          rc = CTIX_ENOMEM;
          break;
        }
        /* add_attr reuses tmp2: copy the comment first. */
        ctix__buf_reset(&note);
        ctix__buf_add(&note, m->tmp2.data, m->tmp2.len);
        rc = add_attr(m, "text", "Payload type", name, strlen(name), false,
                      note.data ? note.data : "", note.len);
      }
      break;
    }
    case CTIX_ENTITY_CAMPAIGN:
      rc = add_attr(m, "campaign-name", "Attribution", name, strlen(name), false,
                    note.data ? note.data : "", note.len);
      break;
    case CTIX_ENTITY_VULNERABILITY:
      ctix__buf_reset(&note);
      if (e->kev)
        ctix__buf_adds(&note, "in CISA KEV");
      rc = add_attr(m, "vulnerability", "External analysis", name, strlen(name), false,
                    note.data ? note.data : "", note.len);
      if (rc == 0 && (e->kev || (e->vendor && e->vendor[0]) || (e->product && e->product[0]))) {
        mvuln vu;
        ctix_buf *s = &m->tmp2;
        ctix__buf_reset(&m->tmp);
        if (misp_value(&m->tmp, "vulnerability", name, strlen(name)) != NULL)
          break; /* not a CVE id MISP accepts: the text attribute above carries it */
        vu.idoff = pool_add(m, m->tmp.data, m->tmp.len);
        vu.idlen = m->tmp.len;
        ctix__buf_reset(s);
        if (e->vendor && e->vendor[0])
          ctix__buf_addf(s, "%s ", e->vendor);
        if (e->product && e->product[0])
          ctix__buf_addf(s, "%s ", e->product);
        if (e->kev) {
          ctix__buf_adds(s, "- in CISA's Known Exploited Vulnerabilities catalogue");
          if (e->kev_date_added && e->kev_date_added[0])
            ctix__buf_addf(s, ", added %s", e->kev_date_added);
          if (e->kev_due_date && e->kev_due_date[0])
            ctix__buf_addf(s, ", due %s", e->kev_due_date);
          if (e->kev_ransomware)
            ctix__buf_adds(s, ", known ransomware use");
        }
        ctix__buf_reset(&note);
        ctix__x_oneline(&note, s->data ? s->data : "", s->len, 500);
        vu.soff = pool_add(m, note.data ? note.data : "", note.len);
        vu.slen = note.len;
        if (ctix__buf_push(&m->vulns, &vu, sizeof(vu)) || m->pool.err)
          rc = CTIX_ENOMEM;
      }
      break;
    case CTIX_ENTITY_VICTIM:
      if (targeted)
        rc = add_attr(m, "target-org", "Targeting data", name, strlen(name), false,
                      note.data ? note.data : "", note.len);
      else
        rc = add_attr_s(m, "text", "Other", name, false, "organisation mentioned, not as a target");
      break;
    case CTIX_ENTITY_SECTOR:
      ctix__buf_reset(&m->tmp2);
      ctix__buf_addf(&m->tmp2, "%s sector: ", targeted ? "Targeted" : "Mentioned");
      ctix__x_oneline(&m->tmp2, name, strlen(name), 200);
      ctix__buf_reset(&note);
      ctix__buf_add(&note, m->tmp2.data, m->tmp2.len);
      rc = add_attr(m, "comment", targeted ? "Targeting data" : "Other", note.data ? note.data : "",
                    note.len, false, "", 0);
      break;
    case CTIX_ENTITY_LOCATION:
      if (targeted)
        rc = add_attr(m, "target-location", "Targeting data", name, strlen(name), false,
                      note.data ? note.data : "", note.len);
      else
        rc = add_attr_s(m, "text", "Other", name, false, "location mentioned, not as a target");
      break;
    default:
      break;
    }
    if (note.err || m->tmp2.err)
      rc = CTIX_ENOMEM;
  }
  ctix__buf_free(&note);
  ctix__buf_free(&ename);
  return rc;
}

/* Appends "ID Name" to a comment's list, ", ..." once it is full. */
static void note_item(ctix_buf *list, const char *id, const char *name)
{
  if (list->len >= NOTE_MAX)
    return;
  if (list->len)
    ctix__buf_add(list, ", ", 2);
  ctix__x_oneline(list, id, strlen(id), 24);
  if (name && name[0]) {
    ctix__buf_addc(list, ' ');
    ctix__x_oneline(list, name, strlen(name), 80);
  }
  if (list->len >= NOTE_MAX)
    ctix__buf_adds(list, ", ..."); /* the rest is only in the report */
}

/* A comment attribute "HEAD: LIST" (nothing for an empty list); tmp is scratch. */
static int note_attr(mx *m, const char *head, const ctix_buf *list, ctix_buf *tmp)
{
  if (!list->len)
    return 0;
  ctix__buf_reset(tmp);
  ctix__buf_adds(tmp, head);
  ctix__buf_adds(tmp, ": ");
  ctix__buf_add(tmp, list->data, list->len);
  if (tmp->err || list->err)
    return CTIX_ENOMEM;
  return add_attr(m, "comment", "External analysis", tmp->data, tmp->len, false, "", 0);
}

/*
 * Galaxy tags of observed and implied techniques, in the galaxy of their
 * ATT&CK domain: mitre-attack-pattern ("Name - T1234") for Enterprise and
 * Mobile. Comment attributes name the techniques the source gives only
 * as potential, those of ATT&CK for ICS (MISP's ICS galaxy lags ATT&CK and
 * its clusters are not in the data ctix is built from, so a tag could
 * name a cluster that does not exist) and those without a cluster, so
 * none is lost.
 */
static int add_techniques(mx *m, const ctix_analysis *a, const ctix__xopts *x)
{
  const ctix_ttp_list *tl = a->techniques;
  ctix_buf potential = CTIX_BUF_INIT(NOTE_MAX * 2), other = CTIX_BUF_INIT(NOTE_MAX * 2),
           untagged = CTIX_BUF_INIT(NOTE_MAX * 2), tmp = CTIX_BUF_INIT(NOTE_MAX * 4);
  char head[80];
  const char *untagged_label = NULL;
  size_t i;
  int rc = 0;
  for (i = 0; tl && i < tl->count && rc == 0; i++) {
    const ctix_ttp_hit *h = &tl->items[i];
    ctix_kb_ref ref;
    ctix_buf *list = NULL;
    const char *name = h->name, *cluster = NULL;
    const ctix__x_domain *dom = NULL;
    if (!h->id || !h->id[0])
      continue;
    if (x->kb && ctix_kb_find_id(x->kb, h->id, strlen(h->id), &ref) == 0 &&
        ctix_kb_kind_of(x->kb, ref) == CTIX_KB_TECHNIQUE) {
      ctix_kb_obj o;
      size_t d;
      if (ctix_kb_get(x->kb, ref, &o) == 0 && o.name[0])
        for (d = 0; d < ctix__x_ndomains && !dom; d++)
          if (o.domains & ctix__x_domains[d].bit) {
            dom = &ctix__x_domains[d];
            name = o.name;
          }
    }
    /* the ATT&CK galaxy's own value for the id, or its replacement's */
    if (dom && dom->galaxy)
      cluster = ctix__misp_cluster_by_id(dom->galaxy, h->id);
    if (h->status == CTIX_TTP_POTENTIAL)
      list = &potential;
    else if (dom && !dom->galaxy) {
      list = &untagged;
      untagged_label = ctix_kb_domain_label(dom->bit);
    } else if (!cluster)
      list = &other;
    else
      rc = add_galaxy_tag(m, dom->galaxy, cluster, NULL);
    if (list)
      note_item(list, h->id, name);
  }
  if (rc == 0)
    rc = note_attr(m,
                   "ATT&CK techniques the source names only as potential (negated, "
                   "hypothetical or advice), not tagged",
                   &potential, &tmp);
  if (rc == 0 && untagged.len) {
    snprintf(head, sizeof(head), "ATT&CK for %s techniques", untagged_label);
    rc = note_attr(m, head, &untagged, &tmp);
  }
  if (rc == 0)
    rc = note_attr(m, "ATT&CK techniques without a cluster in MISP's ATT&CK galaxies", &other,
                   &tmp);
  ctix__buf_free(&potential);
  ctix__buf_free(&other);
  ctix__buf_free(&untagged);
  ctix__buf_free(&tmp);
  return rc;
}

/* A comment attribute with the risk score, its factors and the resemblance candidates. */
static int add_assessment(mx *m, const ctix_analysis *a)
{
  const ctix_assessment *as = a->assessment;
  ctix_buf s = CTIX_BUF_INIT(NOTE_MAX * 4);
  size_t i;
  int rc = 0;
  if (!as)
    return 0;
  if (as->risk_level && as->risk_level[0]) {
    ctix__buf_addf(&s, "ctix risk %d/100 (", as->risk_score);
    ctix__x_oneline(&s, as->risk_level, strlen(as->risk_level), 20);
    ctix__buf_adds(&s, ")");
    for (i = 0; i < as->nfactors && s.len < NOTE_MAX; i++) {
      const ctix_risk_factor *f = &as->factors[i];
      const char *label = f->label && f->label[0] ? f->label : f->key ? f->key : "factor";
      ctix__buf_adds(&s, i ? "; " : ": ");
      ctix__x_oneline(&s, label, strlen(label), 80);
      ctix__buf_addf(&s, " %+.0f", (double)f->contribution);
      if (f->evidence && f->evidence[0]) {
        ctix__buf_adds(&s, " (");
        ctix__x_oneline(&s, f->evidence, strlen(f->evidence), 120);
        ctix__buf_addc(&s, ')');
      }
    }
    rc = add_attr(m, "comment", "Other", s.data ? s.data : "", s.len, false, "", 0);
  }
  if (rc == 0 && as->nresemblances > 0) {
    ctix__buf_reset(&s);
    ctix__buf_adds(&s, "Resembles (technique and software overlap; not an attribution): ");
    for (i = 0; i < as->nresemblances && s.len < NOTE_MAX; i++) {
      const ctix_resemblance *r = &as->resemblances[i];
      if (i)
        ctix__buf_adds(&s, ", ");
      ctix__x_oneline(&s, r->name ? r->name : "?", strlen(r->name ? r->name : "?"), 80);
      if (r->id && r->id[0]) {
        ctix__buf_adds(&s, " (");
        ctix__x_oneline(&s, r->id, strlen(r->id), 16);
        ctix__buf_addc(&s, ')');
      }
      ctix__buf_addf(&s, " %.2f", (double)r->score);
    }
    rc = add_attr(m, "comment", "Attribution", s.data ? s.data : "", s.len, false, "", 0);
  }
  if (rc == 0 && s.err)
    rc = CTIX_ENOMEM;
  ctix__buf_free(&s);
  return rc;
}

/* ---------------------------------------------------------------- writing */

static void write_attr(ctix__jsonw *w, const mx *m, const char *parent_uuid, const mattr *at,
                       const char *relation)
{
  char uuid[CTIX__UUID_STR];
  ctix_buf name = CTIX_BUF_INIT((size_t)1 << 30);
  ctix__buf_addf(&name, "%s\nattribute\n%s\n%s\n%s\n", parent_uuid, relation ? relation : "",
                 at->type, at->category);
  ctix__buf_add(&name, pool_at(m, at->voff), at->vlen);
  ctix__uuid5(uuid, ctix__uuid_ns_ctix, name.data ? name.data : "", name.len);
  ctix__buf_free(&name);
  ctix__jsonw_object(w);
  ctix__jsonw_kstr(w, "uuid", uuid);
  ctix__jsonw_kstr(w, "type", at->type);
  ctix__jsonw_kstr(w, "category", at->category);
  ctix__jsonw_kstrn(w, "value", pool_at(m, at->voff), at->vlen);
  ctix__jsonw_kbool(w, "to_ids", at->to_ids);
  ctix__jsonw_kstr(w, "distribution", "5");
  ctix__jsonw_kstrn(w, "comment", pool_at(m, at->coff), at->clen);
  if (relation)
    ctix__jsonw_kstr(w, "object_relation", relation);
  ctix__jsonw_end(w);
}

/* The vulnerability object of one CVE (id, summary). */
static void write_vuln(ctix__jsonw *w, const mx *m, const char *event_uuid, const mvuln *v)
{
  char uuid[CTIX__UUID_STR];
  ctix_buf name = CTIX_BUF_INIT((size_t)1 << 20);
  mattr at;
  ctix__buf_addf(&name, "%s\nobject\nvulnerability\n", event_uuid);
  ctix__buf_add(&name, pool_at(m, v->idoff), v->idlen);
  ctix__uuid5(uuid, ctix__uuid_ns_ctix, name.data ? name.data : "", name.len);
  ctix__buf_free(&name);
  ctix__jsonw_object(w);
  ctix__jsonw_kstr(w, "uuid", uuid);
  ctix__jsonw_kstr(w, "name", "vulnerability");
  ctix__jsonw_kstr(w, "meta-category", "vulnerability");
  ctix__jsonw_kstr(w, "description", "A vulnerability named in the report, with its CISA KEV entry");
  ctix__jsonw_kstr(w, "template_uuid", VULN_TEMPLATE_UUID);
  ctix__jsonw_kstr(w, "template_version", VULN_TEMPLATE_VERSION);
  ctix__jsonw_kstr(w, "distribution", "5");
  ctix__jsonw_kstr(w, "sharing_group_id", "0");
  ctix__jsonw_kstr(w, "comment", "");
  ctix__jsonw_key(w, "Attribute");
  ctix__jsonw_array(w);
  memset(&at, 0, sizeof(at));
  at.type = "vulnerability";
  at.category = "External analysis";
  at.voff = v->idoff;
  at.vlen = v->idlen;
  at.coff = v->idoff + v->idlen; /* the NUL after the id: an empty comment */
  write_attr(w, m, uuid, &at, "id");
  if (v->slen) {
    at.type = "text";
    at.voff = v->soff;
    at.vlen = v->slen;
    write_attr(w, m, uuid, &at, "summary");
  }
  ctix__jsonw_end(w);
  ctix__jsonw_end(w);
}

/* The event's info line: the title, else the document's name. */
static void event_info(ctix_buf *b, const ctix_analysis *a)
{
  const ctix_document *d = a->doc;
  const char *t = d && d->meta.title && d->meta.title[0] ? d->meta.title : NULL;
  const char *src = a->id && a->id[0] ? a->id : d && d->meta.source ? d->meta.source : NULL;
  size_t start = b->len;
  if (t)
    ctix__x_oneline(b, t, strlen(t), INFO_MAX);
  if (b->len == start) {
    ctix__buf_adds(b, "ctix analysis");
    if (src) {
      ctix__buf_adds(b, " of ");
      ctix__x_oneline(b, src, strlen(src), INFO_MAX - 20);
    }
  }
}

int ctix_export_misp(char **out, size_t *len, const ctix_analysis *a,
                     const ctix_export_options *opts, ctix_error *err)
{
  ctix__jsonw w;
  ctix__xopts x;
  mx m;
  ctix_buf name = CTIX_BUF_INIT((size_t)-1 / 2), info = CTIX_BUF_INIT(4096);
  char event_uuid[CTIX__UUID_STR], org_uuid[CTIX__UUID_STR], date[11];
  const char *dist = "0", *level = "4";
  const ctix_document *d;
  size_t i, nrejected = 0, n;
  int rc = 0;
  memset(&m, 0, sizeof(m));
  ctix__buf_init(&m.pool, (size_t)1 << 30);
  ctix__buf_init(&m.attrs, (size_t)1 << 30);
  ctix__buf_init(&m.tags, (size_t)1 << 24);
  ctix__buf_init(&m.vulns, (size_t)1 << 24);
  ctix__buf_init(&m.tmp, (size_t)1 << 26);
  ctix__buf_init(&m.tmp2, (size_t)1 << 26);
  ctix__jsonw_init_max(&w, true, MISP_MAX_OUT);
  if (!out || !len || !a) {
    rc = ctix__error_set(err, CTIX_EINVAL, "misp export: missing argument");
    goto done;
  }
  *out = NULL;
  *len = 0;
  if ((rc = ctix__xopts_resolve(&x, opts, a, err)) != 0)
    goto done;
  d = a->doc;

  /* Ids, date, levels. */
  ctix__buf_addf(&name, "misp-event\n%s\n", x.source_url);
  if (d && d->meta.title)
    ctix__buf_adds(&name, d->meta.title);
  ctix__buf_addc(&name, '\n');
  if (d && d->text)
    ctix__buf_add(&name, d->text, d->len);
  else if (a->id)
    ctix__buf_adds(&name, a->id);
  if (name.err) {
    rc = ctix__error_set(err, name.err, "misp export: out of memory");
    goto done;
  }
  ctix__uuid5(event_uuid, ctix__uuid_ns_ctix, name.data ? name.data : "", name.len);
  ctix__buf_reset(&name);
  ctix__buf_addf(&name, "misp-org\n%s", x.producer);
  ctix__uuid5(org_uuid, ctix__uuid_ns_ctix, name.data ? name.data : "", name.len);
  if (!(d && ctix__x_date(date, d->meta.published)) && !ctix__x_date(date, x.timestamp))
    memcpy(date, "1970-01-01", 11);
  for (i = 0; i < sizeof(tlp_distribution) / sizeof(tlp_distribution[0]); i++)
    if (strcmp(x.tlp, tlp_distribution[i].tlp) == 0)
      dist = tlp_distribution[i].distribution;
  if (a->assessment && a->assessment->risk_level)
    for (i = 0; i < sizeof(risk_threat_level) / sizeof(risk_threat_level[0]); i++)
      if (strcmp(a->assessment->risk_level, risk_threat_level[i].level) == 0)
        level = risk_threat_level[i].threat_level_id;

  /* Collect tags, attributes and objects. */
  ctix__buf_reset(&m.tmp);
  ctix__buf_addf(&m.tmp, "tlp:%s", x.tlp);
  if (m.tmp.err || (rc = add_tag(&m, m.tmp.data, m.tmp.len)) != 0)
    goto nomem;
  if ((rc = add_iocs(&m, a, &nrejected)) != 0 || (rc = add_entities(&m, a, &x)) != 0 ||
      (rc = add_techniques(&m, a, &x)) != 0 || (rc = add_assessment(&m, a)) != 0)
    goto nomem;
  if (nrejected) {
    ctix__buf_reset(&info);
    ctix__buf_addf(&info,
                   "ctix left out %zu candidate observable%s that failed validation (iocs.csv "
                   "and report.json list them with the reason)",
                   nrejected, nrejected == 1 ? "" : "s");
    if (info.err || (rc = add_attr(&m, "comment", "Other", info.data, info.len, false, "", 0)))
      goto nomem;
  }
  ctix__buf_reset(&info);
  ctix__buf_adds(&info, "Extracted by ctix from "); /* no version: uuids stay stable */
  {
    const ctix_document *dd = a->doc;
    const char *src = dd && dd->meta.title && dd->meta.title[0] ? dd->meta.title
                      : a->id && a->id[0]                       ? a->id
                      : dd && dd->meta.source                   ? dd->meta.source
                                                                : "the document";
    ctix__x_oneline(&info, src, strlen(src), INFO_MAX);
  }
  ctix__buf_addf(&info, ": %zu observables, %zu techniques, %zu entities",
                 a->iocs ? a->iocs->nitems : 0, a->techniques ? a->techniques->count : 0,
                 a->entities ? a->entities->count : 0);
  if (info.err || (rc = add_attr(&m, "comment", "Other", info.data, info.len, false, "", 0)))
    goto nomem;
  if (ctix__x_has_scheme(x.source_url) &&
      (rc = add_attr_s(&m, "link", "External analysis", x.source_url, false, "source report")))
    goto nomem;

  /* Write the event. */
  ctix__buf_reset(&info);
  event_info(&info, a);
  ctix__jsonw_object(&w);
  ctix__jsonw_key(&w, "Event");
  ctix__jsonw_object(&w);
  ctix__jsonw_kstr(&w, "uuid", event_uuid);
  ctix__jsonw_kstrn(&w, "info", info.data ? info.data : "ctix analysis", info.data ? info.len : 13);
  ctix__jsonw_kstr(&w, "date", date);
  ctix__jsonw_kstr(&w, "threat_level_id", level);
  ctix__jsonw_kstr(&w, "analysis", "0");
  ctix__jsonw_kstr(&w, "distribution", dist);
  ctix__jsonw_kstr(&w, "sharing_group_id", "0");
  ctix__jsonw_kbool(&w, "published", false);
  ctix__jsonw_key(&w, "Orgc");
  ctix__jsonw_object_inline(&w);
  ctix__jsonw_kstr(&w, "name", x.producer);
  ctix__jsonw_kstr(&w, "uuid", org_uuid);
  ctix__jsonw_end(&w);
  ctix__jsonw_key(&w, "Tag");
  ctix__jsonw_array(&w);
  n = CTIX__BUF_COUNT(&m.tags, mtag);
  for (i = 0; i < n; i++) {
    const mtag *t = &CTIX__BUF_AT(&m.tags, mtag, i);
    ctix__jsonw_object_inline(&w);
    ctix__jsonw_kstrn(&w, "name", pool_at(&m, t->off), t->len);
    ctix__jsonw_end(&w);
  }
  ctix__jsonw_end(&w);
  ctix__jsonw_key(&w, "Attribute");
  ctix__jsonw_array(&w);
  n = CTIX__BUF_COUNT(&m.attrs, mattr);
  for (i = 0; i < n; i++)
    write_attr(&w, &m, event_uuid, &CTIX__BUF_AT(&m.attrs, mattr, i), NULL);
  ctix__jsonw_end(&w);
  ctix__jsonw_key(&w, "Object");
  ctix__jsonw_array(&w);
  n = CTIX__BUF_COUNT(&m.vulns, mvuln);
  for (i = 0; i < n; i++)
    write_vuln(&w, &m, event_uuid, &CTIX__BUF_AT(&m.vulns, mvuln, i));
  ctix__jsonw_end(&w);
  ctix__jsonw_end(&w);
  ctix__jsonw_end(&w);
  if (info.err)
    goto nomem;
  rc = ctix__jsonw_finish(&w, out, len, err);
  goto done;

nomem:
  rc = ctix__error_set(err, rc && rc != CTIX_ENOMEM ? rc : CTIX_ENOMEM,
                       "misp export: out of memory");

done:
  ctix__jsonw_free(&w);
  ctix__buf_free(&name);
  ctix__buf_free(&info);
  ctix__buf_free(&m.pool);
  ctix__buf_free(&m.attrs);
  ctix__buf_free(&m.tags);
  ctix__buf_free(&m.vulns);
  ctix__buf_free(&m.tmp);
  ctix__buf_free(&m.tmp2);
  free(m.slots);
  return rc;
}
