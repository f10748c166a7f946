/*
 * Triage of network observables: which real addresses and domains are not
 * indicators. Nothing is dropped here; a benign observable keeps its place
 * in the list with status CTIX_IOC_STATUS_BENIGN and a short reason.
 *
 *  - IP addresses: a table of the IPv4 and IPv6 special-purpose ranges
 *    (private, loopback, link-local, CGNAT, documentation, benchmarking,
 *    multicast, reserved, ...), first match wins, so more specific ranges
 *    come first. IPv4-mapped and NAT64 IPv6 addresses are judged by the
 *    IPv4 address they carry.
 *  - Domains: the well-known benign list of data/ioc/benign-domains.txt
 *    (embedded at build time as a sorted table, ioc_benign_domains.h, by
 *    module.cmake), matched on the domain and each parent domain; the
 *    special-use names of RFC 2606/6761; and the article's own publisher
 *    (opts->publisher_host, else the host of doc->meta.canonical_url).
 *  - Reference sections: network observables all of whose occurrences lie
 *    in a "References", "Sources", "Further reading", ... section of the
 *    document are "reference link"s (run on the finished list, where the
 *    offsets are those of the document text).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ioc/host.h"
#include "ioc/scan.h"
#include "util/str.h"

#include "ioc_benign_domains.h"
#include "ioc_windows_programs.h"

/* ------------------------------------------------------------------ IPs */

/* One special-purpose range: `plen` leading bits of `prefix`. */
typedef struct ip_range {
  uint8_t prefix[16];
  uint8_t plen;
  const char *reason;       /* NULL: judge the embedded IPv4 (last 4 bytes) */
} ip_range;

/* IPv4 special-purpose ranges (IANA registry, RFC 6890 and successors). */
static const ip_range v4_ranges[] = {
    {{0, 0, 0, 0}, 32, "unspecified address"},
    {{0}, 8, "reserved range"},                      /* "this network" */
    {{10}, 8, "private range"},
    {{100, 64}, 10, "shared CGNAT range"},
    {{127}, 8, "loopback"},
    {{169, 254}, 16, "link-local"},
    {{172, 16}, 12, "private range"},
    {{192, 0, 0}, 24, "reserved range"},             /* IETF protocol assignments */
    {{192, 0, 2}, 24, "documentation range"},        /* TEST-NET-1 */
    {{192, 88, 99}, 24, "reserved range"},           /* deprecated 6to4 relay anycast */
    {{192, 168}, 16, "private range"},
    {{198, 18}, 15, "benchmarking range"},
    {{198, 51, 100}, 24, "documentation range"},     /* TEST-NET-2 */
    {{203, 0, 113}, 24, "documentation range"},      /* TEST-NET-3 */
    {{224}, 4, "multicast"},
    {{255, 255, 255, 255}, 32, "broadcast"},
    {{240}, 4, "reserved range"},
};

/* IPv6 special-purpose ranges; the first match wins. */
static const ip_range v6_ranges[] = {
    {{0}, 128, "unspecified address"},
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128, "loopback"},
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, 96, NULL},      /* IPv4-mapped */
    {{0x00, 0x64, 0xff, 0x9b}, 96, NULL},                        /* NAT64 well-known */
    {{0x00, 0x64, 0xff, 0x9b, 0x00, 0x01}, 48, "private range"}, /* local-use NAT64 */
    {{0}, 8, "reserved range"},                                  /* incl. IPv4-compatible */
    {{0x01, 0x00}, 64, "reserved range"},                        /* discard-only */
    {{0x20, 0x01, 0x00, 0x02, 0x00, 0x00}, 48, "benchmarking range"},
    {{0x20, 0x01, 0x00, 0x10}, 28, "reserved range"},            /* deprecated ORCHID */
    {{0x20, 0x01, 0x0d, 0xb8}, 32, "documentation range"},
    {{0x3f, 0xff}, 20, "documentation range"},
    {{0xfc}, 7, "private range"},                                /* unique local */
    {{0xfe, 0x80}, 10, "link-local"},
    {{0xfe, 0xc0}, 10, "reserved range"},                        /* deprecated site-local */
    {{0xff}, 8, "multicast"},
};

/* True if the first `plen` bits of addr and prefix agree. */
static bool prefix_match(const uint8_t *addr, const uint8_t *prefix, unsigned plen)
{
  unsigned full = plen / 8, rest = plen % 8;
  if (full && addr[0] != prefix[0])
    return false; /* most addresses leave here */
  if (memcmp(addr, prefix, full) != 0)
    return false;
  if (rest) {
    uint8_t mask = (uint8_t)(0xFFu << (8 - rest));
    if ((addr[full] & mask) != (prefix[full] & mask))
      return false;
  }
  return true;
}

/* The first range of `t` holding addr, or NULL. */
static const ip_range *find_range(const ip_range *t, size_t n, const uint8_t *addr)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (prefix_match(addr, t[i].prefix, t[i].plen))
      return &t[i];
  return NULL;
}

#define NV4 (sizeof(v4_ranges) / sizeof(v4_ranges[0]))
/* For each first byte of an IPv4 address, the v4_ranges (bit i: entry i)
 * that byte does not rule out, built once. */
static uint32_t v4_by_first[256];
static pthread_once_t v4_once = PTHREAD_ONCE_INIT;

static void build_v4_index(void)
{
  unsigned c;
  size_t i;
  _Static_assert(NV4 <= 32, "v4_by_first holds 32 ranges");
  for (c = 0; c < 256; c++)
    for (i = 0; i < NV4; i++) {
      unsigned bits = v4_ranges[i].plen < 8 ? v4_ranges[i].plen : 8;
      uint8_t mask = (uint8_t)(0xFF00u >> bits);
      if (((c ^ v4_ranges[i].prefix[0]) & mask) == 0)
        v4_by_first[c] |= (uint32_t)1 << i;
    }
}

/* find_range over v4_ranges, trying only the ranges the first byte allows. */
static const ip_range *find_v4(const uint8_t *addr)
{
  uint32_t cand;
  pthread_once(&v4_once, build_v4_index);
  for (cand = v4_by_first[addr[0]]; cand; cand &= cand - 1) {
    const ip_range *r = &v4_ranges[__builtin_ctz(cand)];
    if (prefix_match(addr, r->prefix, r->plen))
      return r;
  }
  return NULL;
}

/*
 * Sets *status to BENIGN with the range's reason when the address (4 bytes,
 * or 16 when v6, network order) is in a special-purpose range; else to IOC
 * with a NULL reason.
 */
void ctix__ioc_triage_ip(const uint8_t *addr, bool v6, ctix_ioc_status *status,
                         const char **reason)
{
  const ip_range *r;
  *status = CTIX_IOC_STATUS_IOC;
  *reason = NULL;
  if (!addr)
    return;
  if (v6) {
    r = find_range(v6_ranges, sizeof(v6_ranges) / sizeof(v6_ranges[0]), addr);
    if (r && !r->reason) {
      addr += 12;             /* judged by the IPv4 address it carries */
      v6 = false;
    } else if (r) {
      *status = CTIX_IOC_STATUS_BENIGN;
      *reason = r->reason;
      return;
    } else {
      return;
    }
  }
  r = find_v4(addr);
  if (r) {
    *status = CTIX_IOC_STATUS_BENIGN;
    *reason = r->reason;
  }
}

/* -------------------------------------------------------------- domains */

/* Top-level names reserved by RFC 2606 / RFC 6761 (never delegated). */
#define SPECIAL(tld, reason) {tld, sizeof(tld) - 1, reason}
static const struct {
  const char *tld;
  size_t len;
  const char *reason;
} special_tlds[] = {
    SPECIAL("example", "documentation domain"),
    SPECIAL("test", "documentation domain"),
    SPECIAL("invalid", "reserved name"),
    SPECIAL("localhost", "reserved name"),
};
#undef SPECIAL

/* The reason when the label l[0..n) (any case) is a special-use
 * top-level name, else NULL. */
static const char *special_tld(const char *l, size_t n)
{
  size_t i;
  for (i = 0; i < sizeof(special_tlds) / sizeof(special_tlds[0]); i++)
    if (n == special_tlds[i].len && ctix__mem_ieq(l, n, special_tlds[i].tld))
      return special_tlds[i].reason;
  return NULL;
}

/* ------------------------------------------------------ hashed name sets */

/* A set of lower-case names (benign domains, system files) for one hash
 * and nearly always one comparison per lookup: open addressing over the
 * names' indices (index + 1; 0 = empty), at most half full, with the
 * name_hash of each name compared before the name itself. Entry i's name
 * is the `const char *` at table + i * stride. Built once (set_build). */
#define SET_SLOTS 512u
typedef struct name_set {
  const void *table;
  size_t stride, n;
  uint32_t *hash;           /* n entries */
  uint16_t slots[SET_SLOTS];
} name_set;

/* ASCII lower case of each byte, for hashing a name of any case. */
static unsigned char lower_of[256];

/* The hash of the lower-case name d[0..n) (any case), as the walk over a
 * host name computes it (host.h). */
static uint32_t name_hash(const char *d, size_t n)
{
  uint32_t h = 0;
  size_t i;
  for (i = 0; i < n; i++)
    h = ctix__host_step(h, lower_of[(unsigned char)d[i]]);
  return h;
}

/* The home slot of hash h (its high bits, mixed). */
static uint32_t set_home(uint32_t h) { return (h * 0x9E3779B1u) >> 23; }
_Static_assert(SET_SLOTS == 1u << 9, "set_home gives 9 bits");

static const char *set_name(const name_set *set, size_t i)
{
  const char *const *p = (const void *)((const char *)set->table + i * set->stride);
  return *p;
}

/* Fills the slots and hashes of `set` from its table. */
static void set_build(name_set *set)
{
  size_t i;
  for (i = 0; i < set->n; i++) {
    const char *d = set_name(set, i);
    uint32_t j;
    set->hash[i] = name_hash(d, strlen(d));
    j = set_home(set->hash[i]);
    while (set->slots[j])
      j = (j + 1) & (SET_SLOTS - 1);
    set->slots[j] = (uint16_t)(i + 1);
  }
}

/* True if the lower-case C string name is d[0..n) in any case. */
static bool name_ieq(const char *name, const char *d, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (!name[i] || (unsigned char)name[i] != lower_of[(unsigned char)d[i]])
      return false;
  return name[n] == '\0';
}

/* The index in `set` of the name d[0..n) (any case), whose name_hash
 * lower-cased is h, or -1. */
static long set_find(const name_set *set, const char *d, size_t n, uint32_t h)
{
  uint32_t j = set_home(h);
  for (; set->slots[j]; j = (j + 1) & (SET_SLOTS - 1)) {
    unsigned x = set->slots[j] - 1u;
    if (set->hash[x] == h && name_ieq(set_name(set, x), d, n))
      return (long)x;
  }
  return -1;
}

#define NBENIGN (sizeof(benign_domains) / sizeof(benign_domains[0]))
static uint32_t benign_hash[NBENIGN];
static name_set benign_set = {benign_domains, sizeof(benign_domains[0]), NBENIGN, benign_hash,
                              {0}};
static pthread_once_t benign_once = PTHREAD_ONCE_INIT;
/* Names longer than this (a domain name has at most 253 bytes) are not
 * looked up in the lists. */
#define DOMAIN_TRIAGE_MAX 256u
/* CTIX__HOST_MUL to the power i, for the hashes of suffixes. */
static uint32_t host_pow[DOMAIN_TRIAGE_MAX + 1];

static void build_benign_set(void)
{
  size_t i;
  _Static_assert(NBENIGN * 2 <= SET_SLOTS, "benign set too small");
  for (i = 0; i < 256; i++)
    lower_of[i] = (unsigned char)ctix__lower((int)i);
  host_pow[0] = 1;
  for (i = 1; i <= DOMAIN_TRIAGE_MAX; i++)
    host_pow[i] = host_pow[i - 1] * CTIX__HOST_MUL;
  set_build(&benign_set);
}

/* The reason of the name d[0..n) (any case), whose name_hash lower-cased
 * is h, in the embedded benign list (exact name), or NULL. The set is
 * built (build_benign_set) before the first call. */
static const char *benign_lookup(const char *d, size_t n, uint32_t h)
{
  long x = set_find(&benign_set, d, n, h);
  return x < 0 ? NULL : benign_reasons[benign_domains[x].reason];
}

/* The host of a URL or host name `u` (no scheme, userinfo, port, path,
 * trailing dot or leading "www."), as a span of u; *n = 0 if none. */
static const char *host_of(const char *u, size_t *n)
{
  const char *p = strstr(u, "://"), *h, *e, *at;
  size_t len;
  h = p ? p + 3 : u;
  e = h;
  while (*e && *e != '/' && *e != '?' && *e != '#' && !ctix__isspace((unsigned char)*e))
    e++;
  at = NULL;
  for (p = h; p < e; p++)
    if (*p == '@')
      at = p;
  if (at)
    h = at + 1;
  if (h < e && *h == '[') {   /* an IPv6 literal is not a publisher domain */
    *n = 0;
    return h;
  }
  for (p = h; p < e && *p != ':'; p++)
    ;
  len = (size_t)(p - h);
  while (len && h[len - 1] == '.')
    len--;
  if (len > 4 && ctix__mem_istarts(h, len, "www."))
    h += 4, len -= 4;
  *n = len;
  return h;
}

/* Case-insensitive (ASCII) equality of a[0..n) and b[0..n). */
static bool span_ieq(const char *a, const char *b, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (ctix__lower((unsigned char)a[i]) != ctix__lower((unsigned char)b[i]))
      return false;
  return true;
}

/*
 * True if domain d[0..n) belongs to the site whose host is h[0..hn): it is
 * the host or one of its subdomains, or the host is a subdomain of d and d
 * has at least two labels (blog.vendor.com publishes for vendor.com).
 */
static bool same_site(const char *d, size_t n, const char *h, size_t hn)
{
  if (!hn || !n)
    return false;
  if (n == hn)
    return span_ieq(d, h, n);
  if (n > hn)
    return d[n - hn - 1] == '.' && span_ieq(d + n - hn, h, hn);
  return memchr(d, '.', n) != NULL && h[hn - n - 1] == '.' && span_ieq(h + hn - n, d, n);
}

/* The publisher's host: opts->publisher_host, else the document's
 * canonical URL; NULL when neither is known. */
static const char *publisher_host(const ctix__ioc_scan *s, size_t *n)
{
  const char *src = NULL;
  if (s->opts && s->opts->publisher_host && *s->opts->publisher_host)
    src = s->opts->publisher_host;
  else if (s->doc && s->doc->meta.canonical_url && *s->doc->meta.canonical_url)
    src = s->doc->meta.canonical_url;
  if (!src)
    return NULL;
  return host_of(src, n);
}

/* Sets *status to BENIGN with reason r (found in the lists) or, when r is
 * NULL and domain[0..n) is the publisher's own site, with that reason;
 * leaves them (IOC, NULL) otherwise. */
__attribute__((always_inline)) static inline void set_verdict(const ctix__ioc_scan *s,
                                                              const char *domain, size_t n,
                                                              const char *r,
                                                              ctix_ioc_status *status,
                                                              const char **reason)
{
  const char *host;
  size_t hn = 0;
  if (!r && s && (host = publisher_host(s, &hn)) && same_site(domain, n, host, hn))
    r = "publisher's own site";
  if (r) {
    *status = CTIX_IOC_STATUS_BENIGN;
    *reason = r;
  }
}

/* The triage of a canonical domain from the label hashes its walk
 * recorded (host.h): same answers as ctix__ioc_triage_domain. */
void ctix__ioc_triage_host(const ctix__ioc_scan *s, const char *d, size_t n,
                           const ctix__ioc_host *host, ctix_ioc_status *status,
                           const char **reason)
{
  const char *r = NULL;
  size_t i, tld;
  uint32_t h;
  *status = CTIX_IOC_STATUS_IOC;
  *reason = NULL;
  if (!n || !host->nlabels)
    return;
  if (n >= DOMAIN_TRIAGE_MAX) {
    set_verdict(s, d, n, NULL, status, reason); /* not in the lists (as the generic triage) */
    return;
  }
  pthread_once(&benign_once, build_benign_set);
  /* the last label, against the special-use top-level names */
  i = host->nlabels - 1;
  tld = host->start[i];
  r = special_tld(d + tld, n - tld);
  /* the domain and each parent with two labels or more, the longest name
   * on the list winning */
  if (!r)
    while (i-- > 0) {
      const char *found;
      size_t a = host->start[i];
      h = host->full - host->pre[i] * host_pow[n - a];
      if ((found = benign_lookup(d + a, n - a, h)))
        r = found;
    }
  set_verdict(s, d, n, r, status, reason);
}

/*
 * Sets *status and *reason for domain[0..n) (any case; a trailing dot is
 * ignored): BENIGN when it or a parent domain is on the embedded
 * benign list, under a special-use top-level name, or the publisher's own
 * site; otherwise IOC with a NULL reason.
 */
void ctix__ioc_triage_domain(const ctix__ioc_scan *s, const char *domain, size_t n,
                             ctix_ioc_status *status, const char **reason)
{
  const char *r = NULL;
  size_t i, tld;
  *status = CTIX_IOC_STATUS_IOC;
  *reason = NULL;
  if (!domain)
    return;
  while (n && domain[n - 1] == '.')
    n--;
  if (!n)
    return;
  if (n < DOMAIN_TRIAGE_MAX) {
    /* The suffixes of the name are hashed in one backward pass (a
     * running power of the multiplier): first its last label, checked
     * against the special-use top-level names; then the domain and each
     * parent with at least two labels is looked up in the benign list,
     * the longest name on the list winning. */
    uint32_t h = 0, p = 1;
    pthread_once(&benign_once, build_benign_set);
    for (tld = n; tld > 0 && domain[tld - 1] != '.'; tld--) {
      h += lower_of[(unsigned char)domain[tld - 1]] * p;
      p *= CTIX__HOST_MUL;
    }
    r = special_tld(domain + tld, n - tld);
    if (!r) {
      for (i = tld; i-- > 0;) {
        const char *found;
        h += lower_of[(unsigned char)domain[i]] * p;
        p *= CTIX__HOST_MUL;
        if ((i == 0 || domain[i - 1] == '.') && (found = benign_lookup(domain + i, n - i, h)))
          r = found;
      }
    }
  }
  set_verdict(s, domain, n, r, status, reason);
}

/* ------------------------------------------------------ reference sections */

/* Headings of reference and citation sections (lower case, without
 * numbering or a trailing colon). */
static const char *const reference_headings[] = {
    "references",        "reference",         "sources",          "source",
    "further reading",   "additional reading", "recommended reading",
    "resources",         "additional resources", "external resources", "bibliography",
    "citations",         "works cited",       "external links",   "see also",
    "related links",     "useful links",      "links",            "read more",
    "related reading",   "related articles",  "notes and references", "endnotes",
    "footnotes",         "credits and references", "references and further reading",
};

/* Headings of sections that may hold references among other things
 * (CISA's "Notes" endnotes, but also an author's notes on the attack):
 * only URLs and their hosts there are references, and the sections under
 * them are not. */
static const char *const note_headings[] = {"notes"};

/* What heading text h[0..n) names: 1 a reference section, 2 a notes
 * section (note_headings), 0 neither. */
static int reference_heading(const char *h, size_t n)
{
  size_t i;
  h = ctix__trim(h, &n);
  /* "7. References", "7 References", "VII. References", "A. Sources" */
  i = 0;
  while (i < n && (ctix__isdigit((unsigned char)h[i]) || h[i] == '.'))
    i++;
  if (i == 0) {
    while (i < n && i < 6 && strchr("IVXivx", h[i]))
      i++;
    if (!(i > 0 && i < n && h[i] == '.'))
      i = 0;
    else
      i++;
  }
  if (i == 0 && n > 2 && ctix__isalpha((unsigned char)h[0]) && h[1] == '.' && h[2] == ' ')
    i = 2;
  h += i;
  n -= i;
  h = ctix__trim(h, &n);
  while (n && (h[n - 1] == ':' || h[n - 1] == ' '))
    n--;
  for (i = 0; i < sizeof(reference_headings) / sizeof(reference_headings[0]); i++)
    if (ctix__mem_ieq(h, n, reference_headings[i]))
      return 1;
  for (i = 0; i < sizeof(note_headings) / sizeof(note_headings[0]); i++)
    if (ctix__mem_ieq(h, n, note_headings[i]))
      return 2;
  return 0;
}

/* Types a reference section turns into "reference link"s. */
static bool is_link_type(ctix_ioc_type t)
{
  return t == CTIX_IOC_URL || t == CTIX_IOC_DOMAIN || t == CTIX_IOC_EMAIL ||
         t == CTIX_IOC_IPV4 || t == CTIX_IOC_IPV6;
}

/* The section of doc that holds text offset pos (sections are in text
 * order; the last one starting at or before pos). */
static size_t section_at(const ctix_document *doc, size_t pos)
{
  size_t lo = 1, hi = doc->nsections;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (doc->sections[mid].heading.start <= pos)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo - 1;
}

int ctix__ioc_triage_references(ctix_ioc *items, size_t nitems, const ctix_ioc_hit *hits,
                                size_t nhits, const ctix_document *doc)
{
  unsigned char *ref = NULL;    /* per section: reference_heading's answer */
  unsigned char *where = NULL;  /* per item: 0 no hit, 1 only in references, 2 elsewhere */
  size_t i, url_end = 0;
  bool any = false;
  int rc = 0;
  if (!doc || !doc->sections || doc->nsections < 2 || !nitems)
    return 0;
  ref = calloc(doc->nsections, 1);
  if (!ref)
    return CTIX_ENOMEM;
  /* A section is a reference section if it or an ancestor is one; a
   * notes section is one for itself only. */
  for (i = 1; i < doc->nsections; i++) {
    const ctix_section *sec = &doc->sections[i];
    int r = 0;
    if (sec->heading.end > sec->heading.start && sec->heading.end <= doc->len)
      r = reference_heading(doc->text + sec->heading.start,
                            sec->heading.end - sec->heading.start);
    if (!r && sec->parent > 0 && (size_t)sec->parent < i && ref[sec->parent] == 1)
      r = 1;
    ref[i] = (unsigned char)r;
    any = any || r;
  }
  if (!any)
    goto done;
  where = calloc(nitems, 1);
  if (!where) {
    rc = CTIX_ENOMEM;
    goto done;
  }
  /* hits in text order: in a notes section, a URL's hit covers the hits
   * of its host that start before its end */
  for (i = 0; i < nhits; i++) {
    const ctix_ioc_hit *h = &hits[i];
    int r;
    ctix_ioc_type t;
    if (h->ioc >= nitems)
      continue;
    r = ref[section_at(doc, h->span.start)];
    t = (ctix_ioc_type)items[h->ioc].type;
    if (r == 2 && t != CTIX_IOC_URL && !(t == CTIX_IOC_DOMAIN && h->span.start < url_end))
      r = 0;
    if (t == CTIX_IOC_URL && h->span.end > url_end)
      url_end = h->span.end;
    if (!r)
      where[h->ioc] = 2;
    else if (!where[h->ioc])
      where[h->ioc] = 1;
  }
  for (i = 0; i < nitems; i++) {
    ctix_ioc *it = &items[i];
    /* a defanged observable is one its author marked as dangerous */
    if (it->status != CTIX_IOC_STATUS_IOC || !is_link_type(it->type) || where[i] != 1 ||
        it->defanged)
      continue;
    it->status = CTIX_IOC_STATUS_BENIGN;
    it->reason = "reference link";
  }
done:
  free(ref);
  free(where);
  return rc;
}

/* ---------------------------------------------------- one type per value */

/*
 * A name whose extension is also a top-level domain ("secretsdump.py") is
 * a file name where the words around it say so, and a domain elsewhere
 * (ctix__ioc_filename_likely): an occurrence with no deciding words (a
 * table cell, a code span whose backquotes the document dropped) would
 * then report the one written value as two types. For a script or program
 * extension, where a name seen as a file is a file, the domain item of the
 * same value is rejected with the reason "file name elsewhere in the
 * text" when none of its occurrences lies inside a path or URL (there the
 * name is a part of that observable, "~/src/abc.py", and is left as it
 * was). A domain written defanged keeps its type: its author marked it a
 * host. Archives and documents (".zip", ".mov") are left as they are:
 * attackers register such names as hosts.
 */
/* File names a domain is compared with at most (more: the rest are not). */
#define ONE_TYPE_MAX 64u

/* True if the file name v ends in a script or program extension that is
 * also a top-level domain ("tool.py", "run.sh"). */
static bool ambiguous_program(const char *v)
{
  const char *dot = strrchr(v, '.');
  ctix__ext_kind k;
  size_t n;
  if (!dot || dot == v || !(n = strlen(dot + 1)))
    return false;
  k = ctix__ioc_ext_kind(dot + 1, n);
  return (k == CTIX__EXT_SCRIPT || k == CTIX__EXT_EXECUTABLE) && ctix__ioc_is_tld(dot + 1, n);
}

int ctix__ioc_triage_one_type(ctix_ioc *items, size_t nitems, const ctix_ioc_hit *hits,
                              size_t nhits, const char *text, size_t len)
{
  /* per item: 1 a domain that may be a file, 2 one of its hits is inside
   * a path or URL or has a host's words around it */
  unsigned char *cand = NULL;
  size_t files[ONE_TYPE_MAX];
  size_t i, j, nfiles = 0, ncand = 0, cover_end = 0;
  /* the file names that could have been read as domains: few or none */
  for (i = 0; i < nitems && nfiles < ONE_TYPE_MAX; i++)
    if (items[i].type == CTIX_IOC_FILE_NAME && ambiguous_program(items[i].value))
      files[nfiles++] = i;
  if (!nfiles)
    return 0;
  for (i = 0; i < nitems; i++) {
    ctix_ioc *d = &items[i];
    size_t dn;
    if (d->type != CTIX_IOC_DOMAIN || d->status != CTIX_IOC_STATUS_IOC || d->defanged)
      continue;
    dn = strlen(d->value);
    for (j = 0; j < nfiles; j++)
      if (ctix__mem_ieq(d->value, dn, items[files[j]].value))
        break;
    if (j == nfiles)
      continue;
    if (!cand && !(cand = calloc(nitems, 1)))
      return CTIX_ENOMEM;
    cand[i] = 1;
    ncand++;
  }
  if (!ncand)
    return 0;
  /* hits in text order: a path or URL hit covers the hits that start
   * before its end */
  for (i = 0; i < nhits; i++) {
    const ctix_ioc_hit *h = &hits[i];
    uint8_t t;
    if (h->ioc >= nitems)
      continue;
    t = items[h->ioc].type;
    if (cand[h->ioc] == 1 &&
        (h->span.start < cover_end ||
         ctix__ioc_context_says_host(text, len, h->span.start, h->span.end)))
      cand[h->ioc] = 2;
    if ((t == CTIX_IOC_FILE_PATH || t == CTIX_IOC_URL) && h->span.end > cover_end)
      cover_end = h->span.end;
  }
  for (i = 0; i < nitems; i++)
    if (cand[i] == 1) {
      items[i].status = CTIX_IOC_STATUS_REJECTED;
      items[i].reason = "file name elsewhere in the text";
    }
  free(cand);
  return 0;
}

/* ------------------------------------------------------------------ files */

/* Built-in Windows programs and libraries (lower case, sorted):
 * system_files[] of ioc_windows_programs.h, from
 * data/ioc/windows-programs.txt. Naming one is not an indicator; finding
 * one outside its system folder is (masquerading), so the folder is
 * checked too. */

/* Roots of the Windows folder as paths write it, and the folders under it
 * where the binaries above live (lower case, '\' separators). */
static const char *const windows_roots[] = {
    "c:\\windows\\", "%windir%\\", "%systemroot%\\", "\\windows\\",
};
static const char *const system_dirs[] = {
    "",
    "system32\\",
    "syswow64\\",
    "system32\\wbem\\",
    "syswow64\\wbem\\",
    "system32\\windowspowershell\\v1.0\\",
    "syswow64\\windowspowershell\\v1.0\\",
};

#define NSYSFILES (sizeof(system_files) / sizeof(system_files[0]))
static uint32_t sysfile_hash[NSYSFILES];
static name_set sysfile_set = {system_files, sizeof(system_files[0]), NSYSFILES, sysfile_hash,
                               {0}};
static pthread_once_t sysfile_once = PTHREAD_ONCE_INIT;

static void build_sysfile_set(void)
{
  _Static_assert(NSYSFILES * 2 <= SET_SLOTS, "system file set too small");
  /* lower_of, which set_find reads, is filled with the benign set */
  pthread_once(&benign_once, build_benign_set);
  set_build(&sysfile_set);
}

/* True if the lower-case name[0..n) is one of system_files. */
static bool is_system_file(const char *name, size_t n)
{
  pthread_once(&sysfile_once, build_sysfile_set);
  return set_find(&sysfile_set, name, n, name_hash(name, n)) >= 0;
}

/* Is dir[0..n) (lower case) a folder where system binaries belong? */
static bool system_dir(const char *dir, size_t n)
{
  size_t i, j;
  if (n == 0 || ctix__mem_ieq(dir, n, "%system32%\\"))
    return true;
  for (i = 0; i < sizeof(windows_roots) / sizeof(windows_roots[0]); i++) {
    size_t rl = strlen(windows_roots[i]);
    if (n < rl || !ctix__mem_istarts(dir, n, windows_roots[i]))
      continue;
    for (j = 0; j < sizeof(system_dirs) / sizeof(system_dirs[0]); j++)
      if (ctix__mem_ieq(dir + rl, n - rl, system_dirs[j]))
        return true;
    /* .NET tools: \Windows\Microsoft.NET\Framework[64]\vN...\ */
    if (ctix__mem_istarts(dir + rl, n - rl, "microsoft.net\\framework"))
      return true;
  }
  return false;
}

/* An entry of the tables below, with its length. */
typedef struct sys_entry {
  const char *s;
  size_t n;
} sys_entry;
#define E(s) {s, sizeof(s) - 1}

/* Well-known folders, a location every system has: a path naming only one
 * of them ("C:\\Program Files (x86)", "/tmp/") is no indicator (lower case;
 * Windows entries match either separator and any case, POSIX ones exactly). */
static const sys_entry system_folders[] = {
    E("c:\\windows"),        E("c:\\windows\\system32"), E("c:\\windows\\syswow64"),
    E("c:\\windows\\temp"),  E("c:\\program files"),     E("c:\\program files (x86)"),
    E("c:\\programdata"),    E("c:\\users"),             E("c:\\users\\public"),
    E("%windir%"),           E("%systemroot%"),          E("%system32%"),
    E("%programfiles%"),     E("%programfiles(x86)%"),   E("%programdata%"),
    E("%appdata%"),          E("%localappdata%"),        E("%temp%"),
    E("%tmp%"),              E("%userprofile%"),         E("%public%"),
    E("%allusersprofile%"),  E("/tmp"),                  E("/var/tmp"),
    E("/dev/shm"),           E("/etc"),                  E("/bin"),
    E("/sbin"),              E("/usr/bin"),              E("/usr/sbin"),
    E("/usr/local/bin"),     E("/var/log"),              E("/home"),
    E("/root"),
};

/* Well-known POSIX system files, named in every report on Linux intrusions
 * ("read /etc/passwd"): the same on every host, so no indicator. */
static const sys_entry posix_system_files[] = {
    E("/etc/passwd"), E("/etc/shadow"), E("/etc/group"),       E("/etc/hosts"), E("/etc/crontab"),
    E("/etc/sudoers"), E("/etc/resolv.conf"), E("/bin/sh"), E("/bin/bash"),
    E("/dev/null"), E("/dev/zero"), E("/dev/random"), E("/dev/urandom"),
};

#undef E

/* The length of path[0..n) as names_entry compares it: trailing
 * separators left out, a run of separators counted once. */
static size_t compared_len(const char *path, size_t n)
{
  size_t i, k = 0;
  while (n > 1 && (path[n - 1] == '\\' || path[n - 1] == '/'))
    n--;
  for (i = 0; i < n; i++)
    k += !((path[i] == '\\' || path[i] == '/') && i > 0 &&
           (path[i - 1] == '\\' || path[i - 1] == '/'));
  return k;
}

/* Is path[0..n) entry e of a table above? Trailing separators are
 * ignored, and a run of separators counts as one ("C:\\\\Windows\\\\Temp"
 * as pasted from code or JSON). */
static bool names_entry(const char *path, size_t n, const sys_entry *e)
{
  size_t i, j = 0;
  bool posix = e->s[0] == '/';
  while (n > 1 && (path[n - 1] == '\\' || path[n - 1] == '/'))
    n--;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)path[i];
    bool sep = c == '\\' || c == '/';
    if (sep && i > 0 && (path[i - 1] == '\\' || path[i - 1] == '/'))
      continue; /* the rest of a run of separators */
    if (j >= e->n || (posix ? c != (unsigned char)e->s[j]
                            : (c == '/' ? '\\' : ctix__lower(c)) != (unsigned char)e->s[j]))
      return false;
    j++;
  }
  return j == e->n;
}

/* The first entry of table[0..n) that path[0..len) names, or NULL; only
 * entries of the path's compared length k are looked at. */
static const sys_entry *named_entry(const char *path, size_t len, size_t k, const sys_entry *table,
                                    size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (table[i].n == k && names_entry(path, len, &table[i]))
      return &table[i];
  return NULL;
}

void ctix__ioc_triage_file(const char *path, size_t n, ctix_ioc_status *status,
                           const char **reason)
{
  char name[32];
  size_t base = n, i;
  *status = CTIX_IOC_STATUS_IOC;
  *reason = NULL;
  if (n > 0 && n <= 32) {
    size_t k = compared_len(path, n);
    if (named_entry(path, n, k, system_folders,
                    sizeof(system_folders) / sizeof(system_folders[0]))) {
      *status = CTIX_IOC_STATUS_BENIGN;
      *reason = "well-known system folder";
      return;
    }
    if (named_entry(path, n, k, posix_system_files,
                    sizeof(posix_system_files) / sizeof(posix_system_files[0]))) {
      *status = CTIX_IOC_STATUS_BENIGN;
      *reason = "well-known system file";
      return;
    }
  }
  while (base > 0 && path[base - 1] != '\\' && path[base - 1] != '/')
    base--;
  if (n - base == 0 || n - base >= sizeof(name))
    return;
  for (i = base; i < n; i++)
    name[i - base] = (char)ctix__lower((unsigned char)path[i]);
  name[n - base] = '\0';
  if (!is_system_file(name, n - base))
    return;
  for (i = 0; i < base; i++)
    if (path[i] == '/')
      return; /* a Windows binary under a POSIX path is not where it belongs */
  if (!system_dir(path, base))
    return;
  *status = CTIX_IOC_STATUS_BENIGN;
  *reason = "well-known system file";
}
