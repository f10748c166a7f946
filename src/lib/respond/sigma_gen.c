/*
 * The Sigma generator: turns an analysis into Sigma 2.x rules.
 *
 * - IOC rules: one rule per observable kind (DNS queries for domains,
 *   network connections for IP addresses and ranges, proxy requests for
 *   URLs and user agents, process hashes, file names and paths, registry
 *   keys, SMTP senders, TLS fingerprints, mutex names) holding every
 *   `ioc`-status observable of that kind, matched literally.
 * - Behaviour rules: the embedded template of each reported technique,
 *   filled with the article's specifics (file names, paths, registry
 *   keys, tool names, command lines from code blocks) when it gives them.
 * - Existing rules: with opts->sigma_rules (a collection read once) or
 *   opts->sigma_rules_dir (read per call), the rules of that collection
 *   tagged with the report's techniques (sigma_existing.c).
 *
 * Output is deterministic: ids are UUIDv5 of the article and the rule's
 * content, the date comes from the options or the document, never the
 * clock. Every generated rule passes ctix's own checker before it is
 * returned.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/ids.h"
#include "respond/respond_internal.h"
#include "respond/sigma.h"
#include "util/err.h"
#include "util/str.h"

#define MAX_RULE_BYTES ((size_t)1 << 20)
#define VALUES_PER_RULE 2000   /* larger kinds are split into parts */
#define FILL_MAX 25            /* article values per template fill */
#define FILL_VALUE_MAX 200     /* bytes of one filled command line */

/* --------------------------------------------------------- IOC kinds */

/* How one observable type becomes detection values. */
typedef enum value_form {
  FORM_PLAIN = 0,   /* the value itself */
  FORM_SUBDOMAIN,   /* "." + value (|endswith) */
  FORM_HASH,        /* "MD5=" + upper-case value, for Sysmon's Hashes field */
  FORM_HOSTPATH,    /* URL without its scheme */
  FORM_REGISTRY,    /* key without its hive, with a leading backslash */
  FORM_FILE_NAME,   /* "\" + value (|endswith) */
  FORM_ENVPATH      /* the part after %VAR% or ~ (|endswith); skipped if none */
} value_form;

/* One search identifier of an IOC rule. */
typedef struct ioc_sel {
  const char *name;      /* "selection_domain" */
  const char *field;     /* "QueryName"; NULL for keywords */
  uint64_t types;        /* bit set of ctix_ioc_type */
  value_form form;
  const char *prefix;    /* FORM_HASH: "MD5=" */
} ioc_sel;

#define T(x) ((uint64_t)1 << (x))

/* One IOC rule kind. */
typedef struct ioc_kind {
  const char *file;      /* "ioc_dns_query" */
  const char *what;      /* "DNS queries for the domains" */
  const char *category, *product, *service;
  const char *falsepositives[3];
  const char *techniques; /* related ATT&CK techniques (space-separated) for tags */
  ioc_sel sels[6];
} ioc_kind;

static const ioc_kind ioc_kinds[] = {
    {"ioc_dns_query",
     "DNS queries for the domains",
     "dns_query", "windows", NULL,
     {"Security or threat-intelligence tools resolving the indicators",
      "Domains shared with legitimate services (hosting, CDN, dynamic DNS)", NULL},
     "T1071 T1071.001 T1071.004 T1568 T1583.001 T1102 T1566.002 T1189",
     {{"selection_domain", "QueryName", T(CTIX_IOC_DOMAIN), FORM_PLAIN, NULL},
      {"selection_subdomain", "QueryName|endswith", T(CTIX_IOC_DOMAIN), FORM_SUBDOMAIN, NULL}}},
    {"ioc_network_connection",
     "network connections to the IP addresses",
     "network_connection", "windows", NULL,
     {"Addresses reassigned to legitimate hosts since the report",
      "Scanners and security tools contacting the indicators", NULL},
     "T1071 T1071.001 T1095 T1571 T1090 T1041 T1105 T1573",
     {{"selection_ip", "DestinationIp", T(CTIX_IOC_IPV4) | T(CTIX_IOC_IPV6), FORM_PLAIN, NULL},
      {"selection_range", "DestinationIp|cidr", T(CTIX_IOC_IPV4_CIDR) | T(CTIX_IOC_IPV6_CIDR),
       FORM_PLAIN, NULL}}},
    {"ioc_proxy",
     "web requests to the URLs",
     "proxy", NULL, NULL,
     {"Analysts or sandboxes visiting the URLs", "URLs on shared hosting serving other content",
      NULL},
     "T1071.001 T1105 T1566.002 T1204.001 T1102 T1189 T1567",
     {{"selection_url", "c-uri|contains", T(CTIX_IOC_URL), FORM_HOSTPATH, NULL}}},
    {"ioc_user_agent",
     "web requests with the user agents",
     "proxy", NULL, NULL,
     {"Legitimate software sending the same user-agent string", NULL, NULL},
     "T1071.001 T1105",
     {{"selection_user_agent", "c-useragent", T(CTIX_IOC_USER_AGENT), FORM_PLAIN, NULL}}},
    {"ioc_process_hashes",
     "processes whose image has one of the hashes",
     "process_creation", "windows", NULL,
     {"Hashes of legitimate or dual-use tools listed in the report", NULL, NULL},
     "T1204.002 T1105 T1059 T1588.001 T1588.002",
     {{"selection_md5", "Hashes|contains", T(CTIX_IOC_MD5), FORM_HASH, "MD5="},
      {"selection_sha1", "Hashes|contains", T(CTIX_IOC_SHA1), FORM_HASH, "SHA1="},
      {"selection_sha256", "Hashes|contains", T(CTIX_IOC_SHA256), FORM_HASH, "SHA256="},
      {"selection_imphash", "Hashes|contains", T(CTIX_IOC_IMPHASH), FORM_HASH, "IMPHASH="},
      {"selection_other_hash", "Hashes|contains",
       T(CTIX_IOC_SHA224) | T(CTIX_IOC_SHA384) | T(CTIX_IOC_SHA512) | T(CTIX_IOC_SSDEEP) |
           T(CTIX_IOC_AUTHENTIHASH),
       FORM_PLAIN, NULL}}},
    {"ioc_file_name",
     "files created with the names",
     "file_event", "windows", NULL,
     {"Legitimate files with the same name", NULL, NULL},
     "T1105 T1204.002 T1036 T1036.005 T1074.001",
     {{"selection_file_name", "TargetFilename|endswith", T(CTIX_IOC_FILE_NAME), FORM_FILE_NAME,
       NULL}}},
    {"ioc_file_path_windows",
     "files created at the Windows paths",
     "file_event", "windows", NULL,
     {"Legitimate software writing to the same location", NULL, NULL},
     "T1105 T1074.001 T1036.005 T1547.001",
     {{"selection_path", "TargetFilename", T(CTIX_IOC_FILE_PATH), FORM_PLAIN, NULL},
      {"selection_path_suffix", "TargetFilename|endswith", T(CTIX_IOC_FILE_PATH), FORM_ENVPATH,
       NULL}}},
    {"ioc_file_path_linux",
     "files created at the Unix paths",
     "file_event", "linux", NULL,
     {"Legitimate software writing to the same location", NULL, NULL},
     "T1105 T1074.001 T1036.005 T1543.002 T1053.003",
     {{"selection_path", "TargetFilename", T(CTIX_IOC_FILE_PATH), FORM_PLAIN, NULL},
      {"selection_path_suffix", "TargetFilename|endswith", T(CTIX_IOC_FILE_PATH), FORM_ENVPATH,
       NULL}}},
    {"ioc_registry",
     "registry changes under the keys",
     "registry_event", "windows", NULL,
     {"Legitimate software using the same keys (run keys of installed programs)", NULL, NULL},
     "T1547.001 T1112 T1012 T1546 T1574",
     {{"selection_key", "TargetObject|contains", T(CTIX_IOC_REGISTRY_KEY), FORM_REGISTRY,
       NULL}}},
    {"ioc_smtp",
     "mail from or to the addresses",
     NULL, "zeek", "smtp",
     {"Legitimate mail with the listed contacts (advisory contact addresses)", NULL, NULL},
     "T1566 T1566.001 T1566.002 T1534",
     {{"selection_sender", "mailfrom", T(CTIX_IOC_EMAIL), FORM_PLAIN, NULL},
      {"selection_recipient", "rcptto|contains", T(CTIX_IOC_EMAIL), FORM_PLAIN, NULL}}},
    {"ioc_tls_fingerprint",
     "TLS sessions with the client or server fingerprints",
     NULL, "zeek", "ssl",
     {"Common TLS libraries sharing the fingerprint", NULL, NULL},
     "T1071.001 T1573 T1573.002",
     {{"selection_ja3", "ja3", T(CTIX_IOC_JA3), FORM_PLAIN, NULL},
      {"selection_ja3s", "ja3s", T(CTIX_IOC_JA3S), FORM_PLAIN, NULL},
      {"selection_ja4", "ja4", T(CTIX_IOC_JA4), FORM_PLAIN, NULL}}},
    {"ioc_mutex",
     "events naming the mutexes",
     NULL, "windows", NULL,
     {"Software that happens to use the same mutex name", NULL, NULL},
     "T1480 T1027",
     {{"keywords", NULL, T(CTIX_IOC_MUTEX), FORM_PLAIN, NULL}}},
};

/* Types that are identifiers, not event observables: they become tags
 * (attack_technique, cve) or are left to the other outputs. */
static bool windows_path(const char *v)
{
  return strchr(v, '\\') != NULL || (ctix__isalpha((unsigned char)v[0]) && v[1] == ':') ||
         v[0] == '%';
}

/* --------------------------------------------------------- context */

typedef struct gen {
  ctix_arena *arena;
  const ctix_analysis *a;
  const ctix_response_options *opts;
  ctix_buf *rules;
  ctix_error *err;
  const char *author, *date, *tlp, *level;
  const char *doc_title;   /* never NULL */
  const char *doc_key;     /* identity of the article for ids */
  const char *reference;   /* article URL or NULL */
  const char **techs;      /* report techniques (ids), sorted, unique */
  size_t ntechs;
  const ctix_ttp_hit **hits; /* parallel to techs: the hit, or NULL (explicit id only) */
} gen;

static int oom(gen *g)
{
  return ctix__error_set(g->err, CTIX_ENOMEM, "out of memory");
}

/* YYYY-MM-DD from s (YYYY-MM-DD or YYYY/MM/DD, optionally followed by more), or NULL. */
static const char *iso_date(ctix_arena *arena, const char *s)
{
  char d[11];
  size_t i;
  if (!s || strlen(s) < 10)
    return NULL;
  for (i = 0; i < 10; i++) {
    if (i == 4 || i == 7) {
      if (s[i] != '-' && s[i] != '/')
        return NULL;
      d[i] = '-';
    } else if (!ctix__isdigit((unsigned char)s[i])) {
      return NULL;
    } else {
      d[i] = s[i];
    }
  }
  d[10] = 0;
  if (s[10] && s[10] != 'T' && s[10] != ' ' && s[10] != 't')
    return NULL;
  {
    int m = (d[5] - '0') * 10 + (d[6] - '0'), dd = (d[8] - '0') * 10 + (d[9] - '0');
    if (m < 1 || m > 12 || dd < 1 || dd > 31)
      return NULL;
  }
  return ctix__arena_strdup(arena, d);
}

/* Copies at most max bytes of s, cut on a UTF-8 boundary, with "..." when cut. */
static const char *cut_text(ctix_arena *arena, const char *s, size_t max)
{
  size_t n = strlen(s);
  char *r;
  if (n <= max)
    return s;
  while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
    max--;
  r = ctix__arena_alloc(arena, max + 4);
  if (!r)
    return NULL;
  memcpy(r, s, max);
  memcpy(r + max, "...", 4);
  return r;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "T1059.001" for a hit id or an explicit id, normalised to upper case. */
static const char *norm_tech(ctix_arena *arena, const char *id)
{
  char buf[16];
  size_t n = strlen(id), i;
  if (n < 5 || n > 9 || (id[0] != 'T' && id[0] != 't'))
    return NULL;
  for (i = 0; i < n; i++)
    buf[i] = (char)ctix__upper((unsigned char)id[i]);
  buf[n] = 0;
  return ctix__arena_strdup(arena, buf);
}

/* Gathers the report's techniques: technique hits that are not only
 * potential, and ATT&CK technique ids the text lists as `ioc`. */
static int gather_techniques(gen *g)
{
  const ctix_analysis *a = g->a;
  size_t cap = (a->techniques ? a->techniques->count : 0) + (a->iocs ? a->iocs->nitems : 0), i,
         n = 0, k;
  const char **ids = ctix__arena_calloc(g->arena, cap + 1, sizeof(*ids));
  const ctix_ttp_hit **hits = ctix__arena_calloc(g->arena, cap + 1, sizeof(*hits));
  if (!ids || !hits)
    return oom(g);
  if (a->techniques)
    for (i = 0; i < a->techniques->count; i++) {
      const ctix_ttp_hit *h = &a->techniques->items[i];
      if (h->id && h->status != CTIX_TTP_POTENTIAL && (ids[n] = norm_tech(g->arena, h->id)))
        n++;
    }
  if (a->iocs)
    for (i = 0; i < a->iocs->nitems; i++) {
      const ctix_ioc *o = &a->iocs->items[i];
      if (o->type == CTIX_IOC_ATTACK_TECHNIQUE && o->status == CTIX_IOC_STATUS_IOC &&
          (ids[n] = norm_tech(g->arena, o->value)))
        n++;
    }
  qsort(ids, n, sizeof(*ids), cmp_str);
  for (i = 0, k = 0; i < n; i++)
    if (k == 0 || strcmp(ids[k - 1], ids[i]) != 0)
      ids[k++] = ids[i];
  for (i = 0; i < k && a->techniques; i++) {
    size_t j;
    for (j = 0; j < a->techniques->count; j++)
      if (a->techniques->items[j].id &&
          ctix__mem_ieq(ids[i], strlen(ids[i]), a->techniques->items[j].id))
        hits[i] = &a->techniques->items[j];
  }
  g->techs = ids;
  g->hits = hits;
  g->ntechs = k;
  return 0;
}

static bool report_has(const gen *g, const char *tid)
{
  return bsearch(&tid, g->techs, g->ntechs, sizeof(*g->techs), cmp_str) != NULL;
}

/* Appends the lower-case tag "attack.t1059.001" to seq. */
static void add_attack_tag(gen *g, ctix__sy *tags, const char *tid)
{
  char tag[32];
  size_t i, n = strlen(tid);
  if (n + 8 >= sizeof(tag))
    return;
  memcpy(tag, "attack.", 7);
  for (i = 0; i <= n; i++)
    tag[7 + i] = (char)ctix__lower((unsigned char)tid[i]);
  ctix__sy_append(tags, NULL, ctix__sy_scalar(g->arena, tag));
}

/* Common head of every generated rule: title, id placeholder, status, ... */
static ctix__sy *rule_head(gen *g, const char *title, const char *description, ctix__sy **id)
{
  ctix__sy *r = ctix__sy_new(g->arena, CTIX__SY_MAP), *refs;
  ctix__sy_put(g->arena, r, "title", title);
  *id = ctix__sy_put(g->arena, r, "id", "00000000-0000-0000-0000-000000000000");
  ctix__sy_put(g->arena, r, "status", "experimental");
  ctix__sy_put(g->arena, r, "description", description);
  if (g->reference) {
    refs = ctix__sy_new(g->arena, CTIX__SY_SEQ);
    ctix__sy_append(refs, NULL, ctix__sy_scalar(g->arena, g->reference));
    ctix__sy_append(r, "references", refs);
  }
  ctix__sy_put(g->arena, r, "author", g->author);
  ctix__sy_put(g->arena, r, "date", g->date);
  return r;
}

/*
 * Finishes a rule: emits it, fixes the id (UUIDv5 of the article key,
 * the file name and the emitted content), checks it with ctix's own
 * reader and appends the record.
 */
static int rule_finish(gen *g, ctix__sy *rule, ctix__sy *id, const char *file_name,
                       const char *origin, const char *title, const char *level,
                       const char **techniques, size_t ntechniques)
{
  ctix_buf y = CTIX_BUF_INIT(MAX_RULE_BYTES), key = CTIX_BUF_INIT(MAX_RULE_BYTES + 4096);
  ctix_buf issues = CTIX_BUF_INIT((size_t)1 << 20);
  char uuid[CTIX__UUID_STR];
  ctix_response_rule rec;
  int rc = 0;
  ctix__sy_emit(&y, rule);
  ctix__buf_adds(&key, "ctix-sigma|");
  ctix__buf_adds(&key, g->doc_key);
  ctix__buf_addc(&key, '|');
  ctix__buf_adds(&key, file_name);
  ctix__buf_addc(&key, '|');
  if (y.data)
    ctix__buf_add(&key, y.data, y.len);
  if (y.err || key.err) {
    rc = ctix__error_set(g->err, y.err ? y.err : key.err, "Sigma rule %s: %s", file_name,
                         (y.err ? y.err : key.err) == CTIX_ETOOBIG ? "over 1 MiB" : "out of memory");
    goto done;
  }
  ctix__uuid5(uuid, ctix__uuid_ns_ctix, key.data, key.len);
  id->str = ctix__arena_strdup(g->arena, uuid);
  id->len = 36;
  ctix__buf_reset(&y);
  ctix__sy_emit(&y, rule);
  if (y.err || !id->str) {
    rc = ctix__error_set(g->err, y.err ? y.err : CTIX_ENOMEM, "Sigma rule %s: out of memory",
                         file_name);
    goto done;
  }
  if ((rc = ctix__sigma_check(&issues, y.data, y.len, g->err)))
    goto done;
  if (ctix__sigma_nerrors(&issues)) {
    size_t i;
    for (i = 0; i < CTIX__BUF_COUNT(&issues, ctix__sigma_issue); i++) {
      const ctix__sigma_issue *is = &CTIX__BUF_AT(&issues, ctix__sigma_issue, i);
      if (!is->warning) {
        rc = ctix__error_set(g->err, CTIX_EINVAL, "generated Sigma rule %s fails its check: %u:%u: %s",
                             file_name, is->line, is->col, is->msg);
        break;
      }
    }
    goto done;
  }
  memset(&rec, 0, sizeof(rec));
  rec.id = id->str;
  rec.title = title;
  rec.origin = origin;
  rec.file_name = ctix__arena_strdup(g->arena, file_name);
  rec.yaml = ctix__arena_strndup(g->arena, y.data, y.len);
  rec.level = level;
  rec.techniques = techniques;
  rec.ntechniques = ntechniques;
  if (!rec.file_name || !rec.yaml) {
    rc = oom(g);
    goto done;
  }
  if (ctix__buf_push(g->rules, &rec, sizeof(rec)))
    rc = ctix__error_set(g->err, g->rules->err, "too many Sigma rules");
done:
  ctix__buf_free(&y);
  ctix__buf_free(&key);
  ctix__buf_free(&issues);
  return rc;
}

/* ---------------------------------------------------------- IOC rules */

/* Detection value of one observable in `form`, escaped; NULL to skip it. */
static const char *ioc_value(gen *g, const ctix_ioc *o, const ioc_sel *s)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)1 << 20);
  const char *v = o->value, *r = NULL;
  size_t i;
  switch (s->form) {
  case FORM_PLAIN:
    ctix__sigma_escape(&b, v, strlen(v));
    break;
  case FORM_SUBDOMAIN:
    ctix__buf_addc(&b, '.');
    ctix__sigma_escape(&b, v, strlen(v));
    break;
  case FORM_HASH:
    ctix__buf_adds(&b, s->prefix);
    for (i = 0; v[i]; i++)
      ctix__buf_addc(&b, (char)ctix__upper((unsigned char)v[i]));
    break;
  case FORM_HOSTPATH: {
    const char *p = strstr(v, "://");
    p = p ? p + 3 : v;
    ctix__sigma_escape(&b, p, strlen(p));
    break;
  }
  case FORM_REGISTRY: {
    static const char *const hives[] = {"HKEY_LOCAL_MACHINE", "HKEY_CURRENT_USER", "HKEY_USERS",
                                        "HKEY_CLASSES_ROOT", "HKEY_CURRENT_CONFIG", "HKLM",
                                        "HKCU", "HKU", "HKCR", "HKCC", NULL};
    const char *rest = v;
    for (i = 0; hives[i]; i++) {
      size_t hn = strlen(hives[i]);
      if (ctix__mem_istarts(v, strlen(v), hives[i]) && (v[hn] == '\\' || v[hn] == 0)) {
        rest = v + hn;
        break;
      }
    }
    if (*rest != '\\')
      ctix__buf_addc(&b, '\\');
    ctix__sigma_escape(&b, rest, strlen(rest));
    if (!*rest || strcmp(rest, "\\") == 0) {
      ctix__buf_reset(&b);
      ctix__sigma_escape(&b, v, strlen(v));
    }
    break;
  }
  case FORM_FILE_NAME:
    ctix__buf_addc(&b, '\\');
    ctix__sigma_escape(&b, v, strlen(v));
    break;
  case FORM_ENVPATH: {
    const char *p = NULL;
    if (v[0] == '%' && (p = strchr(v + 1, '%')))
      p++;
    else if (v[0] == '~')
      p = v + 1;
    if (!p || !*p)
      break;
    ctix__sigma_escape(&b, p, strlen(p));
    break;
  }
  }
  if (!b.err && b.len)
    r = ctix__arena_strndup(g->arena, b.data, b.len);
  ctix__buf_free(&b);
  return r;
}

/* Whether observable o belongs to IOC kind k (paths split by style). */
static bool kind_takes(const ioc_kind *k, const ctix_ioc *o)
{
  if (o->type == CTIX_IOC_FILE_PATH) {
    bool win = windows_path(o->value);
    if (strcmp(k->file, "ioc_file_path_windows") == 0)
      return win;
    if (strcmp(k->file, "ioc_file_path_linux") == 0)
      return !win;
  }
  return true;
}

/* Whether selection s of kind k takes observable o in the env-path form. */
static bool sel_takes(const ioc_kind *k, const ioc_sel *s, const ctix_ioc *o)
{
  if (!(s->types & T(o->type)) || !kind_takes(k, o))
    return false;
  if (o->type == CTIX_IOC_FILE_PATH && s->form == FORM_PLAIN)
    return o->value[0] != '%' && o->value[0] != '~';
  return true;
}

/* Adds `value` to seq unless already there. */
static void add_unique(gen *g, ctix__sy *seq, const char *value)
{
  const ctix__sy *c;
  if (!value)
    return;
  for (c = seq->first; c; c = c->next)
    if (strcmp(c->str, value) == 0)
      return;
  ctix__sy_append(seq, NULL, ctix__sy_scalar(g->arena, value));
}

/* Builds the rules of one IOC kind over its observables [from, to) (by index among them). */
static int ioc_rule_part(gen *g, const ioc_kind *k, const ctix_ioc *const *obs, size_t nobs,
                         size_t part, size_t nparts)
{
  ctix__sy *rule, *id, *ls, *det, *tags, *fp;
  char file[96], title[400], *desc;
  const char **techs;
  size_t ntechs = 0, i, j, nsel = 0;
  const char *tl;
  ctix_buf d = CTIX_BUF_INIT((size_t)1 << 16);
  tl = cut_text(g->arena, g->doc_title, 150);
  if (!tl)
    return oom(g);
  if (nparts > 1) {
    snprintf(file, sizeof(file), "%s-%zu.yml", k->file, part + 1);
    snprintf(title, sizeof(title), "Indicators from '%s': %s (part %zu of %zu)", tl, k->what,
             part + 1, nparts);
  } else {
    snprintf(file, sizeof(file), "%s.yml", k->file);
    snprintf(title, sizeof(title), "Indicators from '%s': %s", tl, k->what);
  }
  ctix__buf_addf(&d,
                 "Matches %s that the report '%s' gives as indicators of compromise (%zu "
                 "value%s, matched literally). Generated by ctix from the article's IOC list; "
                 "review the values against your environment before alerting on them.",
                 k->what, tl, nobs, nobs == 1 ? "" : "s");
  desc = d.err ? NULL : ctix__arena_strndup(g->arena, d.data, d.len);
  ctix__buf_free(&d);
  if (!desc)
    return oom(g);
  rule = rule_head(g, title, desc, &id);
  /* tags: related techniques of the report, explicit CVE ids, TLP */
  tags = ctix__sy_new(g->arena, CTIX__SY_SEQ);
  techs = ctix__arena_calloc(g->arena, g->ntechs + 1, sizeof(*techs));
  if (!rule || !tags || !techs)
    return oom(g);
  for (i = 0; i < g->ntechs; i++) {
    const char *t = g->techs[i];
    const char *hit = strstr(k->techniques, t);
    size_t tn = strlen(t);
    if (hit && (hit[tn] == ' ' || hit[tn] == 0)) {
      techs[ntechs++] = t;
      add_attack_tag(g, tags, t);
    }
  }
  if (g->a->iocs)
    for (i = 0; i < g->a->iocs->nitems; i++) {
      const ctix_ioc *o = &g->a->iocs->items[i];
      char tag[64];
      size_t n = strlen(o->value);
      if (o->status != CTIX_IOC_STATUS_IOC || n + 8 >= sizeof(tag))
        continue;
      if (o->type == CTIX_IOC_ATTACK_TECHNIQUE && n >= 5) {
        /* ids the article names itself: the report's own mapping */
        const char *t = norm_tech(g->arena, o->value);
        bool known = false;
        memcpy(tag, "attack.", 7);
        for (j = 0; j <= n; j++)
          tag[7 + j] = (char)ctix__lower((unsigned char)o->value[j]);
        for (j = 0; t && j < ntechs; j++)
          known = known || strcmp(techs[j], t) == 0;
        if (t && !known && ntechs < g->ntechs)
          techs[ntechs++] = t;
        add_unique(g, tags, tag);
      } else if (o->type == CTIX_IOC_CVE && n >= 9) {
        memcpy(tag, "cve.", 4);
        for (j = 4; j <= n; j++)
          tag[j] = (char)ctix__lower((unsigned char)o->value[j]);
        add_unique(g, tags, tag);
      }
    }
  {
    char tlp[64];
    snprintf(tlp, sizeof(tlp), "tlp.%s", g->tlp);
    add_unique(g, tags, tlp);
  }
  ctix__sy_append(rule, "tags", tags);
  ls = ctix__sy_new(g->arena, CTIX__SY_MAP);
  if (k->category)
    ctix__sy_put(g->arena, ls, "category", k->category);
  if (k->product)
    ctix__sy_put(g->arena, ls, "product", k->product);
  if (k->service)
    ctix__sy_put(g->arena, ls, "service", k->service);
  ctix__sy_append(rule, "logsource", ls);
  det = ctix__sy_new(g->arena, CTIX__SY_MAP);
  for (j = 0; j < sizeof(k->sels) / sizeof(k->sels[0]) && k->sels[j].name; j++) {
    const ioc_sel *s = &k->sels[j];
    ctix__sy *vals = ctix__sy_new(g->arena, CTIX__SY_SEQ);
    if (!vals)
      return oom(g);
    for (i = 0; i < nobs; i++)
      if (sel_takes(k, s, obs[i]))
        add_unique(g, vals, ioc_value(g, obs[i], s));
    if (vals->n == 0)
      continue;
    if (!s->field) {
      ctix__sy_append(det, s->name, vals);
    } else {
      ctix__sy *m = ctix__sy_new(g->arena, CTIX__SY_MAP);
      if (!m)
        return oom(g);
      ctix__sy_append(m, s->field, vals->n == 1 ? vals->first : vals);
      ctix__sy_append(det, s->name, m);
    }
    nsel++;
  }
  if (nsel == 0)
    return 0;
  ctix__sy_put(g->arena, det, "condition",
               !k->sels[0].field ? "keywords" : nsel == 1 ? det->first->key : "1 of selection_*");
  ctix__sy_append(rule, "detection", det);
  fp = ctix__sy_new(g->arena, CTIX__SY_SEQ);
  for (i = 0; i < 3 && k->falsepositives[i]; i++)
    ctix__sy_append(fp, NULL, ctix__sy_scalar(g->arena, k->falsepositives[i]));
  ctix__sy_append(rule, "falsepositives", fp);
  ctix__sy_put(g->arena, rule, "level", g->level);
  {
    const char *t = ctix__arena_strdup(g->arena, title);
    if (!t || !det || !ls || !fp)
      return oom(g);
    return rule_finish(g, rule, id, file, "ioc", t, g->level, techs, ntechs);
  }
}

/* One IOC kind: every `ioc` observable it takes, in parts of VALUES_PER_RULE. */
static int ioc_rule(gen *g, const ioc_kind *k)
{
  const ctix_ioc_list *l = g->a->iocs;
  const ctix_ioc **obs;
  uint64_t types = 0;
  size_t i, j, n = 0, nparts;
  int rc = 0;
  for (j = 0; j < sizeof(k->sels) / sizeof(k->sels[0]) && k->sels[j].name; j++)
    types |= k->sels[j].types;
  obs = ctix__arena_calloc(g->arena, l->nitems + 1, sizeof(*obs));
  if (!obs)
    return oom(g);
  for (i = 0; i < l->nitems; i++) {
    const ctix_ioc *o = &l->items[i];
    if (o->status == CTIX_IOC_STATUS_IOC && o->type < 64 && (types & T(o->type)) && o->value &&
        *o->value && kind_takes(k, o))
      obs[n++] = o;
  }
  if (n == 0)
    return 0;
  nparts = (n + VALUES_PER_RULE - 1) / VALUES_PER_RULE;
  for (i = 0; i < nparts && !rc; i++) {
    size_t from = i * VALUES_PER_RULE, cnt = n - from < VALUES_PER_RULE ? n - from : VALUES_PER_RULE;
    rc = ioc_rule_part(g, k, obs + from, cnt, i, nparts);
  }
  return rc;
}

/* ---------------------------------------------------- behaviour rules */

/* Whether v holds one of the fill's match words (no words: always). */
static bool fill_matches(const ctix__sigma_fill *f, const char *v, size_t n)
{
  size_t i;
  if (f->nmatch == 0)
    return true;
  for (i = 0; i < f->nmatch; i++)
    if (ctix__mem_ifind(v, n, f->match[i]))
      return true;
  return false;
}

/* Adds the literal s[0..n) (escaped, with an optional prefix) to vals. */
static void fill_add(gen *g, ctix__sy *vals, const char *prefix, const char *s, size_t n)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)1 << 16);
  if (vals->n >= FILL_MAX || n == 0)
    return;
  if (prefix)
    ctix__buf_adds(&b, prefix);
  ctix__sigma_escape(&b, s, n);
  if (!b.err && b.len)
    add_unique(g, vals, ctix__arena_strndup(g->arena, b.data, b.len));
  ctix__buf_free(&b);
}

/* Lines of the document's code blocks that hold a match word. */
static void fill_command_lines(gen *g, const ctix__sigma_fill *f, ctix__sy *vals)
{
  const ctix_document *d = g->a->doc;
  size_t i;
  if (!d)
    return;
  for (i = 0; i < d->nblocks && vals->n < FILL_MAX; i++) {
    const ctix_block *b = &d->blocks[i];
    const char *p = d->text + b->span.start, *end = d->text + b->span.end;
    if (b->kind != CTIX_BLOCK_CODE || b->span.end > d->len)
      continue;
    while (p < end && vals->n < FILL_MAX) {
      const char *nl = memchr(p, '\n', (size_t)(end - p));
      const char *le = nl ? nl : end, *s;
      size_t n = (size_t)(le - p);
      s = ctix__trim(p, &n);
      /* drop a shell prompt */
      if (n > 2 && (s[0] == '$' || s[0] == '>' || s[0] == '#') && s[1] == ' ') {
        s += 2;
        n -= 2;
      }
      if (n >= 4 && n <= FILL_VALUE_MAX && fill_matches(f, s, n))
        fill_add(g, vals, NULL, s, n);
      p = nl ? nl + 1 : end;
    }
  }
}

/* The article's values for one fill, as a sequence (possibly empty). */
static ctix__sy *fill_values(gen *g, const ctix__sigma_fill *f)
{
  ctix__sy *vals = ctix__sy_new(g->arena, CTIX__SY_SEQ);
  size_t i;
  bool endswith = strstr(f->field, "|endswith") != NULL;
  if (!vals)
    return NULL;
  if (strcmp(f->from, "command_line") == 0) {
    fill_command_lines(g, f, vals);
  } else if (strcmp(f->from, "tool") == 0) {
    const ctix_entity_list *e = g->a->entities;
    for (i = 0; e && i < e->count; i++) {
      const ctix_entity *en = &e->items[i];
      if ((en->kind == CTIX_ENTITY_TOOL || en->kind == CTIX_ENTITY_MALWARE) && en->name &&
          strlen(en->name) >= 3 && fill_matches(f, en->name, strlen(en->name)))
        fill_add(g, vals, NULL, en->name, strlen(en->name));
    }
  } else if (g->a->iocs) {
    ctix_ioc_type type;
    const ctix_ioc_list *l = g->a->iocs;
    if (ctix_ioc_type_from_name(&type, f->from))
      return vals;
    for (i = 0; i < l->nitems; i++) {
      const ctix_ioc *o = &l->items[i];
      const char *v = o->value, *prefix = NULL;
      if (o->type != type || o->status != CTIX_IOC_STATUS_IOC || !v ||
          !fill_matches(f, v, strlen(v)))
        continue;
      if (type == CTIX_IOC_REGISTRY_KEY) {
        ioc_sel s = {"x", "x", 0, FORM_REGISTRY, NULL};
        const char *ev = ioc_value(g, o, &s);
        if (ev && vals->n < FILL_MAX)
          add_unique(g, vals, ev);
        continue;
      }
      if (type == CTIX_IOC_FILE_NAME && endswith)
        prefix = "\\";
      fill_add(g, vals, prefix, v, strlen(v));
    }
  }
  return vals;
}

/* The tactic tags of a hit ("attack.defense_evasion"). */
static void add_tactic_tags(gen *g, ctix__sy *tags, const ctix_ttp_hit *h)
{
  size_t i, j;
  for (i = 0; h && i < h->ntactics; i++) {
    char tag[64];
    const char *t = h->tactics[i];
    size_t n = t ? strlen(t) : 0;
    if (!n || n + 8 >= sizeof(tag))
      continue;
    memcpy(tag, "attack.", 7);
    for (j = 0; j <= n; j++)
      tag[7 + j] = t[j] == '-' ? '_' : (char)ctix__lower((unsigned char)t[j]);
    add_unique(g, tags, tag);
  }
}

/* The behaviour rule of one template for technique `tid`. */
static int behaviour_rule(gen *g, const ctix__sigma_template *t, const char *tid,
                          const ctix_ttp_hit *hit)
{
  ctix__sy *rule, *id, *tags, *det, *cond;
  ctix_buf d = CTIX_BUF_INIT((size_t)1 << 16), fc = CTIX_BUF_INIT((size_t)1 << 12);
  char file[64], tlp[64];
  const char **techs, *tl, *desc, *condition;
  size_t i, nfilled = 0;
  int rc = 0;
  tl = cut_text(g->arena, g->doc_title, 150);
  det = ctix__sy_copy(g->arena, t->detection);
  techs = ctix__arena_calloc(g->arena, 1, sizeof(*techs));
  if (!tl || !det || !techs) {
    rc = oom(g);
    goto done;
  }
  techs[0] = tid;
  /* detection: the template's, plus one selection per fill with values */
  cond = (ctix__sy *)ctix__sy_get(det, "condition");
  for (i = 0; i < t->nfills; i++) {
    const ctix__sigma_fill *f = &t->fills[i];
    ctix__sy *vals = fill_values(g, f), *m;
    if (!vals) {
      rc = oom(g);
      goto done;
    }
    if (vals->n == 0)
      continue;
    m = ctix__sy_new(g->arena, CTIX__SY_MAP);
    if (!m) {
      rc = oom(g);
      goto done;
    }
    ctix__sy_append(m, ctix__arena_strdup(g->arena, f->field), vals->n == 1 ? vals->first : vals);
    /* keep condition last: insert the selection before it */
    {
      ctix__sy *prev = NULL, *c;
      for (c = det->first; c && c != cond; c = c->next)
        prev = c;
      m->key = ctix__arena_strdup(g->arena, f->selection);
      m->next = cond;
      if (prev)
        prev->next = m;
      else
        det->first = m;
      det->n++;
    }
    if (nfilled++)
      ctix__buf_adds(&fc, ", ");
    ctix__buf_adds(&fc, f->from);
  }
  if (nfilled) {
    condition = t->condition_filled;
    if (!condition) {
      ctix_buf cb = CTIX_BUF_INIT((size_t)1 << 12);
      ctix__buf_addf(&cb, "(%s) or 1 of selection_article*", cond->str);
      condition = cb.err ? NULL : ctix__arena_strndup(g->arena, cb.data, cb.len);
      ctix__buf_free(&cb);
    }
    if (!condition) {
      rc = oom(g);
      goto done;
    }
    cond->str = condition;
    cond->len = strlen(condition);
  }
  ctix__buf_addf(&d, "%s This rule was selected because the report '%s' describes %s (%s).",
                 t->description, tl, tid, hit && hit->name ? hit->name : "ATT&CK technique");
  if (nfilled)
    ctix__buf_addf(&d, " It also matches the article's own specifics (%s).",
                   fc.data ? fc.data : "");
  desc = d.err ? NULL : ctix__arena_strndup(g->arena, d.data, d.len);
  if (!desc) {
    rc = oom(g);
    goto done;
  }
  rule = rule_head(g, t->title, desc, &id);
  tags = ctix__sy_new(g->arena, CTIX__SY_SEQ);
  if (!rule || !tags) {
    rc = oom(g);
    goto done;
  }
  add_tactic_tags(g, tags, hit);
  add_attack_tag(g, tags, tid);
  snprintf(tlp, sizeof(tlp), "tlp.%s", g->tlp);
  add_unique(g, tags, tlp);
  ctix__sy_append(rule, "tags", tags);
  ctix__sy_append(rule, "logsource", ctix__sy_copy(g->arena, t->logsource));
  ctix__sy_append(rule, "detection", det);
  ctix__sy_append(rule, "falsepositives", ctix__sy_copy(g->arena, t->falsepositives));
  ctix__sy_put(g->arena, rule, "level", t->level);
  snprintf(file, sizeof(file), "behaviour_%s.yml", tid);
  for (i = 0; file[i]; i++)
    file[i] = file[i] == '.' && strcmp(file + i, ".yml") != 0 ? '_' : (char)ctix__lower((unsigned char)file[i]);
  rc = rule_finish(g, rule, id, file, "behaviour", t->title, t->level, techs, 1);
done:
  ctix__buf_free(&d);
  ctix__buf_free(&fc);
  return rc;
}

/* --------------------------------------------------------------- entry */

static int origin_rank(const char *o)
{
  return strcmp(o, "ioc") == 0 ? 0 : strcmp(o, "behaviour") == 0 ? 1 : 2;
}

static int cmp_rule(const void *a, const void *b)
{
  const ctix_response_rule *x = a, *y = b;
  int rx = origin_rank(x->origin), ry = origin_rank(y->origin);
  if (rx != ry)
    return rx < ry ? -1 : 1;
  return strcmp(x->file_name, y->file_name);
}

/* TLP levels as the other writers name them, and as a Sigma tag writes
 * them ("tlp.amber-strict": a tag has no '+'). */
static const struct {
  const char *name, *tag;
} sigma_tlps[] = {{"clear", "clear"},        {"green", "green"}, {"amber", "amber"},
                  {"amber+strict", "amber-strict"}, {"amber-strict", "amber-strict"},
                  {"red", "red"}};

/* The tag value of the TLP level `name`, or NULL when it is none. */
static const char *sigma_tlp(const char *name)
{
  size_t i;
  for (i = 0; i < sizeof(sigma_tlps) / sizeof(sigma_tlps[0]); i++)
    if (strcmp(name, sigma_tlps[i].name) == 0)
      return sigma_tlps[i].tag;
  return NULL;
}

int ctix__sigma_generate(ctix_buf *rules, ctix_arena *arena, const ctix_analysis *a,
                         const ctix_response_options *opts, ctix_error *err)
{
  gen g;
  const ctix_document *doc = a ? a->doc : NULL;
  const ctix__sigma_template *tpl = NULL;
  size_t ntpl = 0, i, first = CTIX__BUF_COUNT(rules, ctix_response_rule);
  int rc = 0;
  if (!a)
    return ctix__error_set(err, CTIX_EINVAL, "no analysis");
  memset(&g, 0, sizeof(g));
  g.arena = arena;
  g.a = a;
  g.opts = opts;
  g.rules = rules;
  g.err = err;
  g.author = opts && opts->author && *opts->author ? opts->author : "ctix";
  g.tlp = sigma_tlp(opts && opts->tlp && *opts->tlp ? opts->tlp : "clear");
  if (!g.tlp)
    return ctix__error_set(err, CTIX_EINVAL, "TLP '%s': expected clear, green, amber, "
                                             "amber+strict or red", opts->tlp);
  if (opts && opts->date) {
    if (!(g.date = iso_date(arena, opts->date)) || strlen(opts->date) != 10)
      return ctix__error_set(err, CTIX_EINVAL, "rule date '%s': expected YYYY-MM-DD",
                             opts->date);
  } else {
    g.date = doc ? iso_date(arena, doc->meta.published) : NULL;
    if (!g.date)
      g.date = "1970-01-01";
  }
  g.level = "medium";
  if (a->assessment && a->assessment->risk_level) {
    static const char *const ok[] = {"low", "medium", "high", "critical", NULL};
    for (i = 0; ok[i]; i++)
      if (strcmp(a->assessment->risk_level, ok[i]) == 0)
        g.level = ok[i];
  }
  g.doc_title = doc && doc->meta.title && *doc->meta.title ? doc->meta.title
                : a->id                                    ? a->id
                : doc && doc->meta.source                  ? doc->meta.source
                                                           : "report";
  g.doc_key = doc && doc->meta.canonical_url ? doc->meta.canonical_url : g.doc_title;
  if (doc && doc->meta.canonical_url &&
      (ctix__mem_istarts(doc->meta.canonical_url, strlen(doc->meta.canonical_url), "http://") ||
       ctix__mem_istarts(doc->meta.canonical_url, strlen(doc->meta.canonical_url), "https://")))
    g.reference = doc->meta.canonical_url;
  if ((rc = gather_techniques(&g)))
    return rc;
  /* IOC rules */
  if (a->iocs)
    for (i = 0; i < sizeof(ioc_kinds) / sizeof(ioc_kinds[0]) && !rc; i++)
      rc = ioc_rule(&g, &ioc_kinds[i]);
  /* behaviour rules: the template of each technique, else of its parent */
  if (!rc && g.ntechs && (rc = ctix__sigma_templates(&tpl, &ntpl, err)) == 0) {
    const ctix__sigma_template **done = ctix__arena_calloc(arena, g.ntechs + 1, sizeof(*done));
    size_t ndone = 0;
    if (!done)
      return oom(&g);
    for (i = 0; i < g.ntechs && !rc; i++) {
      const ctix__sigma_template *t = ctix__sigma_template_find(tpl, ntpl, g.techs[i]);
      size_t k;
      bool dup = false;
      if (!t && strlen(g.techs[i]) == 9) {
        char parent[6];
        memcpy(parent, g.techs[i], 5);
        parent[5] = 0;
        if (!report_has(&g, parent))
          t = ctix__sigma_template_find(tpl, ntpl, parent);
      }
      if (!t)
        continue;
      for (k = 0; k < ndone; k++)
        dup = dup || done[k] == t;
      if (dup)
        continue;
      done[ndone++] = t;
      rc = behaviour_rule(&g, t, t->technique, g.hits[i]);
    }
  }
  /* existing rules */
  if (!rc && opts && opts->sigma_rules && g.ntechs)
    rc = ctix__sigma_existing_match(rules, arena, opts->sigma_rules, g.techs, g.ntechs, err);
  else if (!rc && opts && opts->sigma_rules_dir && g.ntechs)
    rc = ctix__sigma_existing(rules, arena, opts->sigma_rules_dir, g.techs, g.ntechs, NULL, err);
  if (!rc && rules->len)
    qsort((ctix_response_rule *)(void *)rules->data + first,
          CTIX__BUF_COUNT(rules, ctix_response_rule) - first, sizeof(ctix_response_rule), cmp_rule);
  return rc;
}
