/*
 * Incident-response steps: the templates of data/respond/steps.tsv (keyed
 * by tactic, technique, observable kind, CVE and KEV status, each with a
 * NIST SP 800-61 phase and an order) and the kinds of accounts of
 * data/respond/accounts.tsv, embedded with .incbin and parsed once; the
 * facts of an analysis the templates are filled from; the filler; and the
 * selection, ordering and de-duplication of the steps of one report.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "respond/response_internal.h"
#include "util/err.h"
#include "util/incbin.h"
#include "util/str.h"
#include "util/utf8.h"

/* ----------------------------------------------------------- embedded data */

#define CTIX__RESPOND_INCBIN(sym, file) CTIX__INCBIN(ctix__respond_##sym, CTIX_RESPOND_DATA "/" file)

CTIX__RESPOND_INCBIN(steps, "steps.tsv");
CTIX__RESPOND_INCBIN(accounts, "accounts.tsv");

const char *const ctix__respond_phases[CTIX__RESPOND_NPHASES] = {
    "preparation", "detection-and-analysis", "containment",
    "eradication", "recovery",               "post-incident"};

const char *const ctix__respond_phase_titles[CTIX__RESPOND_NPHASES] = {
    "Preparation", "Detection and analysis", "Containment",
    "Eradication", "Recovery",               "Post-incident activity"};

#define TEXT_MAX 1024  /* bytes of one template text */
#define KEY_MAX 64

/* ------------------------------------------------------ kinds and groups */

/*
 * Observable kinds a trigger (`ioc:KIND`) or a placeholder ({KIND}) may
 * name besides the type names of ctix_ioc_type_name: groups of types.
 */
static const struct {
  const char *name;
  ctix_ioc_type types[14];
  size_t ntypes;
} ioc_groups[] = {
    {"ip", {CTIX_IOC_IPV4, CTIX_IOC_IPV6, CTIX_IOC_IPV4_CIDR, CTIX_IOC_IPV6_CIDR}, 4},
    {"hash",
     {CTIX_IOC_MD5, CTIX_IOC_SHA1, CTIX_IOC_SHA224, CTIX_IOC_SHA256, CTIX_IOC_SHA384,
      CTIX_IOC_SHA512, CTIX_IOC_SSDEEP, CTIX_IOC_IMPHASH, CTIX_IOC_AUTHENTIHASH},
     9},
    {"tls", {CTIX_IOC_JA3, CTIX_IOC_JA3S, CTIX_IOC_JA4}, 3},
    {"wallet",
     {CTIX_IOC_BTC, CTIX_IOC_BCH, CTIX_IOC_ETH, CTIX_IOC_XMR, CTIX_IOC_LTC, CTIX_IOC_DOGE,
      CTIX_IOC_DASH, CTIX_IOC_ZEC, CTIX_IOC_ADA, CTIX_IOC_XRP, CTIX_IOC_SOL, CTIX_IOC_XLM,
      CTIX_IOC_XTZ, CTIX_IOC_TRX},
     14},
};
#define NGROUPS (sizeof(ioc_groups) / sizeof(ioc_groups[0]))

/*
 * Types that are references rather than indicators: they never make
 * `ioc:any` fire and are left out of {ioc_summary}.
 */
static bool is_reference_type(int t)
{
  return t == CTIX_IOC_CVE || t == CTIX_IOC_CWE || t == CTIX_IOC_CAPEC || t == CTIX_IOC_TLP ||
         (t >= CTIX_IOC_ATTACK_TECHNIQUE && t <= CTIX_IOC_ATTACK_DATA_SOURCE);
}

/* Plural labels for {ioc_summary}; other types use their type name. */
static const struct {
  ctix_ioc_type type;
  const char *one, *many;
} type_labels[] = {
    {CTIX_IOC_IPV4, "IPv4 address", "IPv4 addresses"},
    {CTIX_IOC_IPV6, "IPv6 address", "IPv6 addresses"},
    {CTIX_IOC_IPV4_CIDR, "IPv4 range", "IPv4 ranges"},
    {CTIX_IOC_IPV6_CIDR, "IPv6 range", "IPv6 ranges"},
    {CTIX_IOC_DOMAIN, "domain", "domains"},
    {CTIX_IOC_URL, "URL", "URLs"},
    {CTIX_IOC_EMAIL, "e-mail address", "e-mail addresses"},
    {CTIX_IOC_MD5, "MD5 hash", "MD5 hashes"},
    {CTIX_IOC_SHA1, "SHA-1 hash", "SHA-1 hashes"},
    {CTIX_IOC_SHA256, "SHA-256 hash", "SHA-256 hashes"},
    {CTIX_IOC_SHA512, "SHA-512 hash", "SHA-512 hashes"},
    {CTIX_IOC_FILE_NAME, "file name", "file names"},
    {CTIX_IOC_FILE_PATH, "file path", "file paths"},
    {CTIX_IOC_REGISTRY_KEY, "registry key", "registry keys"},
    {CTIX_IOC_USER_AGENT, "user agent", "user agents"},
    {CTIX_IOC_MUTEX, "mutex", "mutexes"},
    {CTIX_IOC_BTC, "bitcoin address", "bitcoin addresses"},
};

/* Placeholders that are not observable kinds. */
enum {
  PH_TECHNIQUES = 0, PH_ACCOUNTS, PH_KEV, PH_CVE, PH_CVE_OTHER, PH_PRODUCTS, PH_MALWARE,
  PH_TOOLS, PH_GROUPS, PH_CAMPAIGNS, PH_COUNTERMEASURES, PH_IOC_SUMMARY, PH_COUNT
};
static const char *const ph_names[PH_COUNT] = {
    "techniques", "accounts", "kev",       "cve",       "cve_other",       "products",
    "malware",    "tools",    "groups",    "campaigns", "countermeasures", "ioc_summary"};

/* Trigger words that take no argument. */
static const char *const plain_triggers[] = {"any", "kev", "cve", "cve_other"};

/* Entity kinds a trigger `entity:KIND` may name. */
static const struct {
  const char *name;
  ctix_entity_kind kind;
} entity_triggers[] = {{"malware", CTIX_ENTITY_MALWARE},
                       {"tool", CTIX_ENTITY_TOOL},
                       {"group", CTIX_ENTITY_GROUP},
                       {"campaign", CTIX_ENTITY_CAMPAIGN}};

/* Resolves an observable kind name: a type (*type) or a group (*group). */
static bool ioc_kind(const char *s, size_t n, int *type, int *group)
{
  *type = -1;
  *group = -1;
  for (size_t g = 0; g < NGROUPS; g++)
    if (ctix__mem_ieq(s, n, ioc_groups[g].name)) {
      *group = (int)g;
      return true;
    }
  for (int t = 0; t < CTIX_IOC_TYPE_COUNT; t++)
    if (ctix__mem_ieq(s, n, ctix_ioc_type_name((ctix_ioc_type)t))) {
      *type = t;
      return true;
    }
  return false;
}

/* True if type t is `type`, or belongs to group `group` (-1: none). */
static bool kind_has(int type, int group, int t)
{
  if (t == type)
    return true;
  if (group < 0)
    return false;
  for (size_t i = 0; i < ioc_groups[group].ntypes; i++)
    if ((int)ioc_groups[group].types[i] == t)
      return true;
  return false;
}

static int ph_index(const char *s, size_t n)
{
  for (int i = 0; i < PH_COUNT; i++)
    if (ctix__mem_ieq(s, n, ph_names[i]))
      return i;
  return -1;
}

/* True if s[0..n) is an ATT&CK technique id: T1234 or T1234.567. */
static bool is_technique_id(const char *s, size_t n)
{
  if (n != 5 && n != 9)
    return false;
  if (s[0] != 'T')
    return false;
  for (size_t i = 1; i < 5; i++)
    if (!ctix__isdigit((unsigned char)s[i]))
      return false;
  if (n == 9) {
    if (s[5] != '.')
      return false;
    for (size_t i = 6; i < 9; i++)
      if (!ctix__isdigit((unsigned char)s[i]))
        return false;
  }
  return true;
}

/* Checks one trigger word; NULL if valid, else what is wrong. */
static const char *check_trigger(const char *s, size_t n)
{
  for (size_t i = 0; i < sizeof(plain_triggers) / sizeof(plain_triggers[0]); i++)
    if (ctix__mem_ieq(s, n, plain_triggers[i]))
      return NULL;
  size_t colon = 0;
  while (colon < n && s[colon] != ':')
    colon++;
  if (colon == n)
    return "unknown trigger (any, kev, cve, cve_other, ioc:, tactic:, technique:, entity:)";
  const char *arg = s + colon + 1;
  size_t an = n - colon - 1;
  if (ctix__mem_ieq(s, colon, "ioc")) {
    int t, g;
    if (ctix__mem_ieq(arg, an, "any") || ioc_kind(arg, an, &t, &g))
      return NULL;
    return "unknown observable kind in 'ioc:'";
  }
  if (ctix__mem_ieq(s, colon, "tactic")) {
    if (an == 0)
      return "empty tactic";
    for (size_t i = 0; i < an; i++)
      if (!ctix__islower((unsigned char)arg[i]) && arg[i] != '-')
        return "tactic must be a lower-case short name (credential-access)";
    return NULL;
  }
  if (ctix__mem_ieq(s, colon, "technique")) {
    if (ctix__mem_ieq(arg, an, "any") || is_technique_id(arg, an))
      return NULL;
    return "technique must be 'any' or an id (T1003, T1003.001)";
  }
  if (ctix__mem_ieq(s, colon, "entity")) {
    for (size_t i = 0; i < sizeof(entity_triggers) / sizeof(entity_triggers[0]); i++)
      if (ctix__mem_ieq(arg, an, entity_triggers[i].name))
        return NULL;
    return "unknown entity kind (malware, tool, group, campaign)";
  }
  return "unknown trigger (any, kev, cve, cve_other, ioc:, tactic:, technique:, entity:)";
}

/* Checks the placeholders of a template text; NULL if valid. */
static const char *check_text(const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '}')
      return "'}' without '{'";
    if (s[i] != '{')
      continue;
    size_t e = i + 1;
    while (e < n && s[e] != '}' && s[e] != '{')
      e++;
    if (e == n || s[e] != '}')
      return "unclosed '{'";
    int t, g;
    if (ph_index(s + i + 1, e - i - 1) < 0 && !ioc_kind(s + i + 1, e - i - 1, &t, &g))
      return "unknown placeholder";
    i = e;
  }
  return NULL;
}

/* ---------------------------------------------------------------- parsing */

typedef struct tables_priv {
  ctix__resp_tables pub;     /* first: the public view */
  ctix_arena arena;
} tables_priv;

#define MAX_FIELDS 6

typedef ctix__field field;

/* Splits one line into trimmed fields: MAX_FIELDS + 1 when it has too many. */
static size_t split_tabs(field *f, const char *s, size_t n)
{
  size_t nf = ctix__split_tabs(f, MAX_FIELDS, s, n);
  return nf > MAX_FIELDS ? MAX_FIELDS + 1 : nf;
}

static int bad(ctix_error *err, const char *file, unsigned line, const char *what)
{
  int rc = ctix__error_set_lc(err, CTIX_EPARSE, line, 1, "%s", what);
  ctix__error_source(err, file);
  return rc;
}

/* One steps.tsv line: KEY PHASE ORDER WHEN TEXT. */
static int template_line(tables_priv *p, ctix_buf *rows, field *f, size_t nf, unsigned line,
                         ctix_error *err)
{
  static const char file[] = "steps.tsv";
  ctix__resp_template t;
  memset(&t, 0, sizeof(t));
  if (nf != 5)
    return bad(err, file, line, "expected KEY<TAB>PHASE<TAB>ORDER<TAB>WHEN<TAB>TEXT");
  if (f[0].n == 0 || f[0].n > KEY_MAX)
    return bad(err, file, line, "key must be 1-64 bytes");
  for (size_t i = 0; i < f[0].n; i++)
    if (!ctix__islower((unsigned char)f[0].s[i]) && !ctix__isdigit((unsigned char)f[0].s[i]) &&
        f[0].s[i] != '-')
      return bad(err, file, line, "key must be lower-case letters, digits and '-'");
  size_t nrows = CTIX__BUF_COUNT(rows, ctix__resp_template);
  for (size_t i = 0; i < nrows; i++) {
    const char *k = CTIX__BUF_AT(rows, ctix__resp_template, i).key;
    if (strlen(k) == f[0].n && memcmp(k, f[0].s, f[0].n) == 0)
      return bad(err, file, line, "duplicate key");
  }
  t.phase = -1;
  for (int i = 0; i < CTIX__RESPOND_NPHASES; i++)
    if (ctix__mem_ieq(f[1].s, f[1].n, ctix__respond_phases[i]))
      t.phase = i;
  if (t.phase < 0)
    return bad(err, file, line,
               "unknown phase (preparation, detection-and-analysis, containment, eradication, "
               "recovery, post-incident)");
  if (f[2].n == 0 || f[2].n > 4)
    return bad(err, file, line, "order must be a number 0-9999");
  for (size_t i = 0; i < f[2].n; i++) {
    if (!ctix__isdigit((unsigned char)f[2].s[i]))
      return bad(err, file, line, "order must be a number 0-9999");
    t.order = t.order * 10 + (f[2].s[i] - '0');
  }
  /* WHEN: space-separated triggers, any of them. */
  size_t cnt = 0;
  for (size_t i = 0; i < f[3].n; i++)
    if (f[3].s[i] != ' ' && (i == 0 || f[3].s[i - 1] == ' '))
      cnt++;
  if (cnt == 0 || cnt > 32)
    return bad(err, file, line, "WHEN needs 1-32 triggers");
  const char **when = ctix__arena_calloc(&p->arena, cnt, sizeof(*when));
  if (!when)
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  for (size_t i = 0; i < f[3].n;) {
    if (f[3].s[i] == ' ') {
      i++;
      continue;
    }
    size_t e = i;
    while (e < f[3].n && f[3].s[e] != ' ')
      e++;
    const char *why = check_trigger(f[3].s + i, e - i);
    if (why)
      return bad(err, file, line, why);
    if (!(when[t.nwhen++] = ctix__arena_strndup(&p->arena, f[3].s + i, e - i)))
      return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
    i = e;
  }
  t.when = when;
  if (f[4].n == 0 || f[4].n > TEXT_MAX)
    return bad(err, file, line, "text must be 1-1024 bytes");
  if (ctix__utf8_validate(f[4].s, f[4].n) != f[4].n)
    return bad(err, file, line, "text is not valid UTF-8");
  const char *why = check_text(f[4].s, f[4].n);
  if (why)
    return bad(err, file, line, why);
  t.key = ctix__arena_strndup(&p->arena, f[0].s, f[0].n);
  t.text = ctix__arena_strndup(&p->arena, f[4].s, f[4].n);
  if (!t.key || !t.text || ctix__buf_push(rows, &t, sizeof(t)))
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  return 0;
}

/* One accounts.tsv line: TECHNIQUE KIND. */
static int account_line(tables_priv *p, ctix_buf *rows, field *f, size_t nf, unsigned line,
                        ctix_error *err)
{
  static const char file[] = "accounts.tsv";
  ctix__resp_account a;
  if (nf != 2 || !is_technique_id(f[0].s, f[0].n) || f[1].n == 0 || f[1].n > 200)
    return bad(err, file, line, "expected TECHNIQUE<TAB>KIND (T1003, 1-200 bytes)");
  if (ctix__utf8_validate(f[1].s, f[1].n) != f[1].n || memchr(f[1].s, '{', f[1].n) ||
      memchr(f[1].s, '}', f[1].n))
    return bad(err, file, line, "kind must be UTF-8 text without braces");
  a.technique = ctix__arena_strndup(&p->arena, f[0].s, f[0].n);
  a.kind = ctix__arena_strndup(&p->arena, f[1].s, f[1].n);
  if (!a.technique || !a.kind || ctix__buf_push(rows, &a, sizeof(a)))
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  return 0;
}

typedef int (*line_fn)(tables_priv *p, ctix_buf *rows, field *f, size_t nf, unsigned line,
                       ctix_error *err);

/* Calls fn on each non-blank, non-comment line of s[0..n). */
static int each_line(tables_priv *p, ctix_buf *rows, const char *s, size_t n, line_fn fn,
                     ctix_error *err)
{
  size_t pos = 0;
  unsigned line = 0;
  while (s && pos < n) {
    size_t e = pos;
    while (e < n && s[e] != '\n')
      e++;
    line++;
    size_t len = e - pos;
    if (len > 0 && s[pos + len - 1] == '\r')
      len--;
    size_t tl = len;
    const char *t = ctix__trim(s + pos, &tl);
    if (tl > 0 && t[0] != '#') {
      field f[MAX_FIELDS];
      int rc = fn(p, rows, f, split_tabs(f, s + pos, len), line, err);
      if (rc)
        return rc;
    }
    pos = e + 1;
  }
  return 0;
}

void ctix__respond_tables_free(ctix__resp_tables *t)
{
  if (!t)
    return;
  tables_priv *p = (tables_priv *)t;
  ctix__arena_free(&p->arena);
  free(p);
}

int ctix__respond_tables_parse(ctix__resp_tables **out, const char *steps, size_t steps_len,
                               const char *accounts, size_t accounts_len, ctix_error *err)
{
  int rc = 0;
  ctix_buf tmpl = CTIX_BUF_INIT((size_t)1 << 22), acc = CTIX_BUF_INIT((size_t)1 << 22);
  tables_priv *p = calloc(1, sizeof(*p));
  *out = NULL;
  if (!p)
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  ctix__arena_init(&p->arena, 0);
  if ((rc = each_line(p, &tmpl, steps, steps_len, template_line, err)) ||
      (rc = each_line(p, &acc, accounts, accounts_len, account_line, err)))
    goto done;
  if (tmpl.err || acc.err) {
    rc = ctix__error_set(err, tmpl.err ? tmpl.err : acc.err, "step tables too large");
    goto done;
  }
  p->pub.ntemplates = CTIX__BUF_COUNT(&tmpl, ctix__resp_template);
  p->pub.templates = ctix__arena_memdup(&p->arena, tmpl.data, tmpl.len);
  p->pub.naccounts = CTIX__BUF_COUNT(&acc, ctix__resp_account);
  p->pub.accounts = ctix__arena_memdup(&p->arena, acc.data, acc.len);
  if ((p->pub.ntemplates && !p->pub.templates) || (p->pub.naccounts && !p->pub.accounts))
    rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
done:
  ctix__buf_free(&tmpl);
  ctix__buf_free(&acc);
  if (rc) {
    ctix__respond_tables_free(&p->pub);
    return rc;
  }
  *out = &p->pub;
  return 0;
}

static pthread_once_t tables_once = PTHREAD_ONCE_INIT;
static ctix__resp_tables *tables;
static ctix_error tables_err;

static void load_tables(void)
{
  ctix_error_clear(&tables_err);
  (void)ctix__respond_tables_parse(
      &tables, ctix__respond_steps_start,
      (size_t)(ctix__respond_steps_end - ctix__respond_steps_start), ctix__respond_accounts_start,
      (size_t)(ctix__respond_accounts_end - ctix__respond_accounts_start), &tables_err);
}

int ctix__respond_tables_get(const ctix__resp_tables **out, ctix_error *err)
{
  pthread_once(&tables_once, load_tables);
  *out = tables;
  if (tables)
    return 0;
  if (err && err->code == 0)
    *err = tables_err;
  return tables_err.code ? tables_err.code : CTIX_ENOMEM;
}

/* ------------------------------------------------------------------ facts */

bool ctix__respond_tech_active(const ctix_ttp_hit *h)
{
  return h && h->id && (h->status == CTIX_TTP_OBSERVED || h->status == CTIX_TTP_POTENTIAL);
}

/* True if technique id `t` is `pat` or one of its sub-techniques. */
static bool technique_matches(const char *t, const char *pat)
{
  size_t n = strlen(pat);
  return strncmp(t, pat, n) == 0 && (t[n] == '\0' || (n == 5 && t[n] == '.'));
}

/* Adds s to the string array in b unless already there. */
static int add_unique(ctix_buf *b, const char *s)
{
  for (size_t i = 0; i < CTIX__BUF_COUNT(b, const char *); i++)
    if (strcmp(CTIX__BUF_AT(b, const char *, i), s) == 0)
      return 0;
  return ctix__buf_push(b, &s, sizeof(s));
}

/* Copies the string array of b into the arena. */
static const char *const *freeze(ctix_arena *a, ctix_buf *b, size_t *n)
{
  *n = CTIX__BUF_COUNT(b, const char *);
  return *n ? ctix__arena_memdup(a, b->data, b->len) : NULL;
}

/* KEV entries first, by due date (earliest first); then the others; ties by id. */
static int cve_cmp(const void *pa, const void *pb)
{
  const ctix__resp_cve *a = pa, *b = pb;
  if (a->kev != b->kev)
    return a->kev ? -1 : 1;
  int c = strcmp(a->due, b->due);
  return c ? c : strcmp(a->id, b->id);
}

/* Adds one CVE (entity or observable) unless present; KEV facts from the entity or the KB. */
static int add_cve(ctix_buf *cves, const ctix_kb *kb, const char *id,
                   const ctix_entity *e)
{
  for (size_t i = 0; i < CTIX__BUF_COUNT(cves, ctix__resp_cve); i++)
    if (ctix__mem_ieq(id, strlen(id), CTIX__BUF_AT(cves, ctix__resp_cve, i).id))
      return 0;
  ctix__resp_cve c;
  memset(&c, 0, sizeof(c));
  c.id = id;
  c.due = c.vendor = c.product = "";
  ctix_kb_kev kev;
  if (e && e->kev) {
    c.kev = true;
    c.due = e->kev_due_date ? e->kev_due_date : "";
    c.vendor = e->vendor ? e->vendor : "";
    c.product = e->product ? e->product : "";
  } else if (kb && ctix_kb_find_cve(kb, id, strlen(id), &kev) == 0) {
    c.kev = true;
    c.due = kev.due_date;
    c.vendor = kev.vendor;
    c.product = kev.product;
  } else if (e) {
    c.vendor = e->vendor ? e->vendor : "";
    c.product = e->product ? e->product : "";
  }
  return ctix__buf_push(cves, &c, sizeof(c));
}

/* Tactic short names of technique `id` from the KB. */
static const char *const *kb_tactics(ctix_arena *a, const ctix_kb *kb, const char *id, size_t *n)
{
  ctix_kb_ref ref;
  size_t first;
  *n = 0;
  if (!kb || ctix_kb_resolve_id(kb, id, strlen(id), &ref))
    return NULL;
  size_t cnt = ctix_kb_edges(kb, ref, CTIX_KB_REL_TACTIC, CTIX_KB_TACTIC, &first);
  if (cnt == 0)
    return NULL;
  const char **t = ctix__arena_calloc(a, cnt, sizeof(*t));
  if (!t)
    return NULL;
  for (size_t i = 0; i < cnt; i++) {
    ctix_kb_obj o;
    if (ctix_kb_get(kb, ctix_kb_edge_target(kb, first + i), &o) == 0 && o.shortname[0])
      t[(*n)++] = o.shortname;
  }
  return t;
}

int ctix__respond_facts(ctix__resp_facts *f, ctix_arena *arena, const ctix_analysis *an,
                        const ctix_kb *kb, const ctix__resp_tables *tables_,
                        const ctix_countermeasure *cm, size_t ncm, ctix_error *err)
{
  int rc = 0;
  ctix_buf vals[CTIX_IOC_TYPE_COUNT], ents[CTIX_ENTITY_KIND_COUNT];
  ctix_buf techs = CTIX_BUF_INIT((size_t)1 << 26), cves = CTIX_BUF_INIT((size_t)1 << 26);
  ctix_buf accts = CTIX_BUF_INIT((size_t)1 << 20);
  memset(f, 0, sizeof(*f));
  for (size_t i = 0; i < CTIX_IOC_TYPE_COUNT; i++)
    ctix__buf_init(&vals[i], (size_t)1 << 28);
  for (size_t i = 0; i < CTIX_ENTITY_KIND_COUNT; i++)
    ctix__buf_init(&ents[i], (size_t)1 << 24);

  if (an && an->iocs)
    for (size_t i = 0; i < an->iocs->nitems; i++) {
      const ctix_ioc *o = &an->iocs->items[i];
      if (o->status != CTIX_IOC_STATUS_IOC || o->type >= CTIX_IOC_TYPE_COUNT || !o->value)
        continue;
      if (ctix__buf_push(&vals[o->type], &o->value, sizeof(o->value)))
        goto nomem;
    }
  if (an && an->techniques)
    for (size_t i = 0; i < an->techniques->count; i++) {
      const ctix_ttp_hit *h = &an->techniques->items[i];
      if (!ctix__respond_tech_active(h))
        continue;
      bool dup = false;
      for (size_t k = 0; k < CTIX__BUF_COUNT(&techs, ctix__resp_tech); k++)
        dup |= strcmp(CTIX__BUF_AT(&techs, ctix__resp_tech, k).id, h->id) == 0;
      if (dup)
        continue;
      ctix__resp_tech t;
      t.id = h->id;
      t.name = h->name ? h->name : "";
      t.tactics = h->tactics;
      t.ntactics = h->tactics ? h->ntactics : 0;
      if (t.ntactics == 0)
        t.tactics = kb_tactics(arena, kb, h->id, &t.ntactics);
      if (ctix__buf_push(&techs, &t, sizeof(t)))
        goto nomem;
    }
  if (an && an->entities)
    for (size_t i = 0; i < an->entities->count; i++) {
      const ctix_entity *e = &an->entities->items[i];
      if ((unsigned)e->kind >= CTIX_ENTITY_KIND_COUNT || !e->name || !e->name[0])
        continue;
      if (add_unique(&ents[e->kind], e->name))
        goto nomem;
      if (e->kind == CTIX_ENTITY_VULNERABILITY &&
          add_cve(&cves, kb, e->id && e->id[0] ? e->id : e->name, e))
        goto nomem;
    }
  for (size_t i = 0; i < CTIX__BUF_COUNT(&vals[CTIX_IOC_CVE], const char *); i++)
    if (add_cve(&cves, kb, CTIX__BUF_AT(&vals[CTIX_IOC_CVE], const char *, i), NULL))
      goto nomem;
  /* Account kinds of every counted technique, in table order. */
  if (tables_)
    for (size_t r = 0; r < tables_->naccounts; r++)
      for (size_t k = 0; k < CTIX__BUF_COUNT(&techs, ctix__resp_tech); k++)
        if (technique_matches(CTIX__BUF_AT(&techs, ctix__resp_tech, k).id,
                              tables_->accounts[r].technique)) {
          if (add_unique(&accts, tables_->accounts[r].kind))
            goto nomem;
          break;
        }

  for (size_t i = 0; i < CTIX_IOC_TYPE_COUNT; i++) {
    if (vals[i].err)
      goto nomem;
    f->iocs[i] = freeze(arena, &vals[i], &f->niocs[i]);
    if (f->niocs[i] && !f->iocs[i])
      goto nomem;
  }
  for (size_t i = 0; i < CTIX_ENTITY_KIND_COUNT; i++) {
    if (ents[i].err)
      goto nomem;
    f->entities[i] = freeze(arena, &ents[i], &f->nentities[i]);
    if (f->nentities[i] && !f->entities[i])
      goto nomem;
  }
  if (techs.err || cves.err || accts.err)
    goto nomem;
  f->ntechniques = CTIX__BUF_COUNT(&techs, ctix__resp_tech);
  f->techniques = ctix__arena_memdup(arena, techs.data, techs.len);
  f->ncves = CTIX__BUF_COUNT(&cves, ctix__resp_cve);
  ctix__resp_cve *cv = ctix__arena_memdup(arena, cves.data, cves.len);
  f->accounts = freeze(arena, &accts, &f->naccounts);
  if ((f->ntechniques && !f->techniques) || (f->ncves && !cv) || (f->naccounts && !f->accounts))
    goto nomem;
  if (cv)
    qsort(cv, f->ncves, sizeof(*cv), cve_cmp);
  f->cves = cv;
  f->countermeasures = cm;
  f->ncountermeasures = cm ? ncm : 0;
  goto done;
nomem:
  rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
done:
  for (size_t i = 0; i < CTIX_IOC_TYPE_COUNT; i++)
    ctix__buf_free(&vals[i]);
  for (size_t i = 0; i < CTIX_ENTITY_KIND_COUNT; i++)
    ctix__buf_free(&ents[i]);
  ctix__buf_free(&techs);
  ctix__buf_free(&cves);
  ctix__buf_free(&accts);
  return rc;
}

/* ------------------------------------------------------------------ filler */

/*
 * Appends one value: control characters (C0, DEL, C1, line and paragraph
 * separators) become spaces, bytes that are not UTF-8 become '?', and a
 * value longer than CTIX__RESPOND_VALUE_MAX bytes is cut at a character
 * boundary and ends in "...".
 */
static void add_value(ctix_buf *out, const char *s)
{
  size_t n = strlen(s), i = 0;
  while (i < n) {
    uint32_t cp;
    size_t len = ctix__utf8_decode((const unsigned char *)s + i, n - i, &cp);
    if (i + (len ? len : 1) > CTIX__RESPOND_VALUE_MAX) {
      ctix__buf_adds(out, "...");
      return;
    }
    if (len == 0) {
      ctix__buf_addc(out, '?');
      i++;
      continue;
    }
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0x2028 || cp == 0x2029)
      ctix__buf_addc(out, ' ');
    else
      ctix__buf_add(out, s + i, len);
    i += len;
  }
}

/* A list being written: separators and the "and K more" tail. */
typedef struct list_w {
  ctix_buf *out;
  size_t total;              /* number of values in the whole list */
  size_t written;
  const char *more;          /* appended to "and K more", e.g. " (see iocs.csv)" */
  size_t max;                /* values written before the list is cut */
} list_w;

/* Writes the separator before value number `written`; false once the list is cut. */
static bool list_next(list_w *w)
{
  if (w->written >= w->max)
    return false;
  if (w->written > 0)
    ctix__buf_adds(w->out, w->written + 1 == w->total ? " and " : ", ");
  w->written++;
  return true;
}

static void list_end(list_w *w)
{
  if (w->total == 0)
    ctix__buf_adds(w->out, "(none)");
  else if (w->total > w->written)
    ctix__buf_addf(w->out, " and %zu more%s", w->total - w->written, w->more);
}

/* Writes a list of plain strings. */
static void put_strings(ctix_buf *out, const char *const *v, size_t n, const char *more)
{
  list_w w = {out, n, 0, more, CTIX__RESPOND_LIST_MAX};
  for (size_t i = 0; i < n && list_next(&w); i++)
    add_value(out, v[i]);
  list_end(&w);
}

/* Writes a whole list, never cut (bounded by a data table). */
static void put_all(ctix_buf *out, const char *const *v, size_t n)
{
  list_w w = {out, n, 0, "", n};
  for (size_t i = 0; i < n && list_next(&w); i++)
    add_value(out, v[i]);
  list_end(&w);
}

/* Writes the values of one observable kind (a type or a group). */
static void put_iocs(ctix_buf *out, const ctix__resp_facts *f, int type, int group)
{
  size_t total = 0;
  for (int t = 0; t < CTIX_IOC_TYPE_COUNT; t++)
    if (kind_has(type, group, t))
      total += f->niocs[t];
  list_w w = {out, total, 0, " (see iocs.csv)", CTIX__RESPOND_LIST_MAX};
  for (int t = 0; t < CTIX_IOC_TYPE_COUNT; t++) {
    if (!(kind_has(type, group, t)))
      continue;
    for (size_t i = 0; i < f->niocs[t]; i++) {
      if (!list_next(&w))
        goto end;
      add_value(out, f->iocs[t][i]);
    }
  }
end:
  list_end(&w);
}

/* "12 IPv4 addresses, 3 domains and 1 SHA-256 hash". */
static void put_summary(ctix_buf *out, const ctix__resp_facts *f)
{
  size_t kinds = 0;
  for (int t = 0; t < CTIX_IOC_TYPE_COUNT; t++)
    kinds += !is_reference_type(t) && f->niocs[t] > 0;
  list_w w = {out, kinds, 0, "", CTIX__RESPOND_LIST_MAX};
  for (int t = 0; t < CTIX_IOC_TYPE_COUNT; t++) {
    if (is_reference_type(t) || f->niocs[t] == 0)
      continue;
    if (!list_next(&w))
      break;
    const char *label = NULL;
    for (size_t k = 0; k < sizeof(type_labels) / sizeof(type_labels[0]); k++)
      if ((int)type_labels[k].type == t)
        label = f->niocs[t] == 1 ? type_labels[k].one : type_labels[k].many;
    if (label)
      ctix__buf_addf(out, "%zu %s", f->niocs[t], label);
    else
      ctix__buf_addf(out, "%zu %s", f->niocs[t], ctix_ioc_type_name((ctix_ioc_type)t));
  }
  if (kinds > w.written)
    ctix__buf_addf(out, " and %zu more kinds", kinds - w.written);
  if (kinds == 0)
    ctix__buf_adds(out, "(none)");
}

/* "Data Encrypted for Impact (T1486)". */
static void put_techniques(ctix_buf *out, const ctix__resp_tech *const *trig, size_t n)
{
  list_w w = {out, n, 0, "", CTIX__RESPOND_LIST_MAX};
  for (size_t i = 0; i < n && list_next(&w); i++) {
    if (trig[i]->name[0]) {
      add_value(out, trig[i]->name);
      ctix__buf_adds(out, " (");
      add_value(out, trig[i]->id);
      ctix__buf_addc(out, ')');
    } else
      add_value(out, trig[i]->id);
  }
  list_end(&w);
}

/* CVE lists: which = PH_KEV (with due dates), PH_CVE (all), PH_CVE_OTHER (not in KEV). */
static void put_cves(ctix_buf *out, const ctix__resp_facts *f, int which)
{
  size_t total = 0;
  for (size_t i = 0; i < f->ncves; i++)
    total += which == PH_CVE || (which == PH_KEV) == f->cves[i].kev;
  list_w w = {out, total, 0, "", CTIX__RESPOND_LIST_MAX};
  for (size_t i = 0; i < f->ncves; i++) {
    const ctix__resp_cve *c = &f->cves[i];
    if (!(which == PH_CVE || (which == PH_KEV) == c->kev))
      continue;
    if (!list_next(&w))
      break;
    add_value(out, c->id);
    if (which == PH_KEV && c->due[0]) {
      ctix__buf_adds(out, " (due ");
      add_value(out, c->due);
      ctix__buf_addc(out, ')');
    }
  }
  list_end(&w);
}

/* True if CVE i names the same vendor and product as an earlier one. */
static bool product_seen(const ctix__resp_facts *f, size_t i)
{
  for (size_t k = 0; k < i; k++)
    if (strcmp(f->cves[k].product, f->cves[i].product) == 0 &&
        strcmp(f->cves[k].vendor, f->cves[i].vendor) == 0)
      return true;
  return false;
}

/* "Vendor Product" of every CVE that names them, distinct; else the CVE ids. */
static void put_products(ctix_buf *out, const ctix__resp_facts *f)
{
  size_t total = 0;
  for (size_t i = 0; i < f->ncves; i++)
    total += f->cves[i].product[0] && !product_seen(f, i);
  if (total == 0) {
    put_cves(out, f, PH_CVE);
    return;
  }
  list_w w = {out, total, 0, "", CTIX__RESPOND_LIST_MAX};
  for (size_t i = 0; i < f->ncves; i++) {
    const ctix__resp_cve *c = &f->cves[i];
    if (!c->product[0] || product_seen(f, i))
      continue;
    if (!list_next(&w))
      break;
    if (c->vendor[0] && !ctix__mem_istarts(c->product, strlen(c->product), c->vendor)) {
      add_value(out, c->vendor);
      ctix__buf_addc(out, ' ');
    }
    add_value(out, c->product);
  }
  list_end(&w);
}

/* "Process Spawn Analysis (D3-PSA)": the first five ranked countermeasures. */
static void put_countermeasures(ctix_buf *out, const ctix__resp_facts *f)
{
  size_t n = f->ncountermeasures < 5 ? f->ncountermeasures : 5;
  list_w w = {out, n, 0, "", CTIX__RESPOND_LIST_MAX};
  for (size_t i = 0; i < n && list_next(&w); i++) {
    add_value(out, f->countermeasures[i].name);
    ctix__buf_adds(out, " (");
    add_value(out, f->countermeasures[i].id);
    ctix__buf_addc(out, ')');
  }
  if (n == 0)
    ctix__buf_adds(out, "(none in the knowledge base)");
  else if (f->ncountermeasures > n)
    ctix__buf_addf(out, " (%zu in all)", f->ncountermeasures);
}

int ctix__respond_fill(ctix_buf *out, const char *text, const ctix__resp_facts *f,
                       const ctix__resp_tech *const *trig, size_t ntrig)
{
  for (const char *p = text; *p;) {
    const char *open = strchr(p, '{');
    const char *close = open ? strchr(open, '}') : NULL;
    if (!open || !close) {
      ctix__buf_adds(out, p);
      break;
    }
    ctix__buf_add(out, p, (size_t)(open - p));
    const char *name = open + 1;
    size_t n = (size_t)(close - name);
    int ph = ph_index(name, n), type, group;
    switch (ph) {
    case PH_TECHNIQUES:
      put_techniques(out, trig, ntrig);
      break;
    case PH_ACCOUNTS:
      if (f->naccounts)
        put_all(out, f->accounts, f->naccounts);
      else
        ctix__buf_adds(out, "the accounts used on affected hosts");
      break;
    case PH_KEV:
    case PH_CVE:
    case PH_CVE_OTHER:
      put_cves(out, f, ph);
      break;
    case PH_PRODUCTS:
      put_products(out, f);
      break;
    case PH_MALWARE:
      put_strings(out, f->entities[CTIX_ENTITY_MALWARE], f->nentities[CTIX_ENTITY_MALWARE], "");
      break;
    case PH_TOOLS:
      put_strings(out, f->entities[CTIX_ENTITY_TOOL], f->nentities[CTIX_ENTITY_TOOL], "");
      break;
    case PH_GROUPS:
      put_strings(out, f->entities[CTIX_ENTITY_GROUP], f->nentities[CTIX_ENTITY_GROUP], "");
      break;
    case PH_CAMPAIGNS:
      put_strings(out, f->entities[CTIX_ENTITY_CAMPAIGN], f->nentities[CTIX_ENTITY_CAMPAIGN],
                  "");
      break;
    case PH_COUNTERMEASURES:
      put_countermeasures(out, f);
      break;
    case PH_IOC_SUMMARY:
      put_summary(out, f);
      break;
    default:
      if (ioc_kind(name, n, &type, &group))
        put_iocs(out, f, type, group);
      else
        ctix__buf_add(out, open, n + 2); /* unknown: kept as written */
      break;
    }
    p = close + 1;
  }
  return out->err;
}

/* ------------------------------------------------------------------ steps */

typedef struct step_rec {
  ctix_response_step step;
  int phase, order;
  size_t index;              /* template index: the last tie-break */
} step_rec;

static int step_cmp(const void *pa, const void *pb)
{
  const step_rec *a = pa, *b = pb;
  if (a->phase != b->phase)
    return a->phase < b->phase ? -1 : 1;
  if (a->order != b->order)
    return a->order < b->order ? -1 : 1;
  int c = strcmp(a->step.key, b->step.key);
  if (c)
    return c;
  return a->index < b->index ? -1 : a->index > b->index;
}

/* True if the technique has the tactic short name s. */
static bool has_tactic(const ctix__resp_tech *t, const char *s)
{
  for (size_t i = 0; i < t->ntactics; i++)
    if (t->tactics[i] && strcmp(t->tactics[i], s) == 0)
      return true;
  return false;
}

/*
 * Evaluates the triggers of one template: whether any fires, the reasons
 * (because) and the techniques that fired.
 */
static int evaluate(bool *fired, ctix_buf *because, ctix_buf *trig, const ctix__resp_template *tp,
                    const ctix__resp_facts *f)
{
  *fired = false;
  for (size_t w = 0; w < tp->nwhen; w++) {
    const char *s = tp->when[w];
    size_t sn = strlen(s);
    if (strcmp(s, "any") == 0) {
      bool any = f->ntechniques > 0 || f->ncves > 0;
      for (int t = 0; t < CTIX_IOC_TYPE_COUNT && !any; t++)
        any = !is_reference_type(t) && f->niocs[t] > 0;
      if (any) {
        *fired = true;
        add_unique(because, "any");
      }
    } else if (strcmp(s, "kev") == 0 || strcmp(s, "cve") == 0 || strcmp(s, "cve_other") == 0) {
      bool all = strcmp(s, "cve") == 0, kev = strcmp(s, "kev") == 0;
      for (size_t i = 0; i < f->ncves; i++)
        if (all || kev == f->cves[i].kev) {
          *fired = true;
          add_unique(because, f->cves[i].id);
        }
    } else if (strncmp(s, "ioc:", 4) == 0) {
      int type = -1, group = -1;
      bool any = strcmp(s + 4, "any") == 0;
      if (!any && !ioc_kind(s + 4, sn - 4, &type, &group))
        continue;
      for (int t = 0; t < CTIX_IOC_TYPE_COUNT; t++) {
        bool match = any ? !is_reference_type(t)
                         : (kind_has(type, group, t));
        if (match && f->niocs[t] > 0) {
          *fired = true;
          add_unique(because, ctix_ioc_type_name((ctix_ioc_type)t));
        }
      }
    } else if (strncmp(s, "tactic:", 7) == 0 || strncmp(s, "technique:", 10) == 0) {
      bool tactic = s[1] == 'a';
      const char *arg = s + (tactic ? 7 : 10);
      for (size_t i = 0; i < f->ntechniques; i++) {
        const ctix__resp_tech *t = &f->techniques[i];
        bool match = tactic ? has_tactic(t, arg)
                            : strcmp(arg, "any") == 0 || technique_matches(t->id, arg);
        if (!match)
          continue;
        *fired = true;
        add_unique(because, t->id);
        bool dup = false;
        for (size_t k = 0; k < CTIX__BUF_COUNT(trig, const ctix__resp_tech *); k++)
          dup |= CTIX__BUF_AT(trig, const ctix__resp_tech *, k) == t;
        if (!dup)
          ctix__buf_push(trig, &t, sizeof(t));
      }
    } else if (strncmp(s, "entity:", 7) == 0) {
      for (size_t k = 0; k < sizeof(entity_triggers) / sizeof(entity_triggers[0]); k++) {
        if (strcmp(s + 7, entity_triggers[k].name) != 0)
          continue;
        ctix_entity_kind kind = entity_triggers[k].kind;
        for (size_t i = 0; i < f->nentities[kind]; i++) {
          *fired = true;
          add_unique(because, f->entities[kind][i]);
        }
      }
    }
  }
  return because->err ? because->err : trig->err;
}

/* Triggering techniques in the report's order (the order of f->techniques). */
static int tech_order(const void *pa, const void *pb)
{
  const ctix__resp_tech *a = *(const ctix__resp_tech *const *)pa;
  const ctix__resp_tech *b = *(const ctix__resp_tech *const *)pb;
  return a < b ? -1 : a > b;
}

int ctix__respond_steps(const ctix_response_step **out, size_t *n, ctix_arena *arena,
                        const ctix__resp_tables *t, const ctix__resp_facts *f, ctix_error *err)
{
  int rc = 0;
  ctix_buf recs = CTIX_BUF_INIT((size_t)1 << 24), text = CTIX_BUF_INIT((size_t)1 << 20);
  ctix_buf because = CTIX_BUF_INIT((size_t)1 << 24), trig = CTIX_BUF_INIT((size_t)1 << 24);
  ctix_response_step *steps = NULL;
  *out = NULL;
  *n = 0;
  for (size_t i = 0; i < t->ntemplates; i++) {
    const ctix__resp_template *tp = &t->templates[i];
    bool fired;
    ctix__buf_reset(&because);
    ctix__buf_reset(&trig);
    ctix__buf_reset(&text);
    if ((rc = evaluate(&fired, &because, &trig, tp, f)))
      goto nomem;
    if (!fired)
      continue;
    size_t ntrig = CTIX__BUF_COUNT(&trig, const ctix__resp_tech *);
    if (ntrig > 1)
      qsort(trig.data, ntrig, sizeof(const ctix__resp_tech *), tech_order);
    if (ctix__respond_fill(&text, tp->text, f,
                           ntrig ? (const ctix__resp_tech *const *)(void *)trig.data : NULL,
                           ntrig))
      goto nomem;
    step_rec r;
    memset(&r, 0, sizeof(r));
    r.phase = tp->phase;
    r.order = tp->order;
    r.index = i;
    r.step.phase = ctix__respond_phases[tp->phase];
    r.step.key = ctix__arena_strdup(arena, tp->key);
    r.step.text = ctix__arena_strndup(arena, text.data ? text.data : "", text.len);
    size_t nb = CTIX__BUF_COUNT(&because, const char *);
    const char **b = nb ? ctix__arena_calloc(arena, nb, sizeof(*b)) : NULL;
    if (!r.step.key || !r.step.text || (nb && !b))
      goto nomem;
    for (size_t k = 0; k < nb; k++)
      if (!(b[k] = ctix__arena_strdup(arena, CTIX__BUF_AT(&because, const char *, k))))
        goto nomem;
    r.step.because = b;
    r.step.nbecause = nb;
    if (ctix__buf_push(&recs, &r, sizeof(r)))
      goto nomem;
  }
  size_t nrec = CTIX__BUF_COUNT(&recs, step_rec);
  if (nrec == 0)
    goto done;
  qsort(recs.data, nrec, sizeof(step_rec), step_cmp);
  steps = ctix__arena_calloc(arena, nrec, sizeof(*steps));
  if (!steps)
    goto nomem;
  for (size_t i = 0; i < nrec; i++) {
    const ctix_response_step *s = &CTIX__BUF_AT(&recs, step_rec, i).step;
    bool dup = false;
    for (size_t k = 0; k < *n && !dup; k++)
      dup = strcmp(steps[k].text, s->text) == 0;
    if (!dup)
      steps[(*n)++] = *s;
  }
  *out = steps;
  goto done;
nomem:
  rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  *n = 0;
done:
  ctix__buf_free(&recs);
  ctix__buf_free(&text);
  ctix__buf_free(&because);
  ctix__buf_free(&trig);
  return rc;
}
