/*
 * IBM QRadar AQL target, as pySigma's QRadar AQL backend writes it:
 * `SELECT * FROM events WHERE [devicetype=N AND ]condition`. Every AND/OR
 * nested in another one is put in brackets, NOT is the function `NOT(...)`;
 * a string without wildcards is compared exactly (`F='v'`), one with
 * wildcards through `LOWER(F) LIKE 'v'` (value lowercased, `%`/`_`
 * wildcards; `F LIKE` for digit-only patterns); `'` is doubled; regular
 * expressions use `MATCHES`, CIDR `INCIDR('net', F)`, null `F IS NULL`,
 * ORs of plain values on one field `F IN('a', 'b')`. Field names with
 * spaces are double-quoted unless they hold a function call. Values
 * without a field search the event payload (`LOWER(UTF8(payload)) LIKE
 * '%v%'`). The devicetype filter comes from the rule's logsource (table
 * below) plus `devicetype` matches a pipeline produced (eventSource).
 * The whole condition is rendered by the check hook (the generic renderer
 * cannot say `NOT(...)` nor "bracket every nested group").
 */
#include <stdio.h>
#include <string.h>

#include "sigma/sigma_internal.h"
#include "util/str.h"

/* QRadar device types of a logsource (product, service); NULL: any. */
static const struct {
  const char *product, *service, *types;
} dev_types[] = {
  {"aws", "cloudtrail", "516, 519, 456, 460, 501, 502, 507, 440, 347"},
  {"cisco", "aaa", "6, 143, 273, 274, 20, 23, 26, 30, 31, 419, 41, 429, 431, 179, 435, 437, 182, 183, 56, 316, 448, 194, 90, 94, 95, 113, 114, 115, 116, 117, 248, 250, 508"},
  {"cisco", "bgp", "6, 273, 274, 20, 23, 26, 30, 31, 419, 41, 429, 431, 179, 435, 437, 182, 183, 56, 316, 448, 194, 90, 94, 95, 113, 114, 115, 116, 117, 248, 250, 508"},
  {"cisco", "duo", "6, 273, 274, 20, 23, 26, 30, 31, 419, 41, 429, 431, 179, 435, 437, 182, 183, 56, 316, 448, 194, 90, 94, 95, 113, 114, 115, 116, 117, 248, 250, 508"},
  {"cisco", "ldp", "6, 273, 274, 17, 20, 23, 26, 30, 31, 419, 41, 429, 431, 179, 435, 437, 182, 183, 56, 316, 448, 194, 90, 94, 95, 113, 114, 115, 116, 117, 248, 250, 508"},
  {"cisco", "syslog", "6, 11, 12, 273, 274, 20, 23, 26, 30, 31, 419, 41, 429, 431, 179, 435, 437, 182, 183, 56, 316, 448, 194, 90, 94, 95, 113, 114, 115, 116, 117, 248, 250, 508"},
  {"gcp", "gcp.audit", "449, 442, 461, 455"},
  {"gcp", "google_workspace.admin", "449, 442, 461, 455"},
  {"gcp", "google_workspace.login", "449, 442, 461, 455"},
  {"huawei", "bgp", "283, 269"},
  {"juniper", "bgp", "5, 264, 139, 17, 150, 290, 36, 168, 45, 59, 64, 192, 320, 83, 344, 235, 111, 118, 122, 123"},
  {"linux", "auditd", "11"},
  {"linux", "auth", "11, 12"},
  {"linux", "clamav", "11"},
  {"linux", "cron", "11"},
  {"linux", "guacamole", "11"},
  {"linux", "sshd", "11"},
  {"linux", "syslog", "11, 12"},
  {"linux", "vsftpd", "11"},
  {"linux", NULL, "11"},
  {"m365", "audit", "397"},
  {"m365", NULL, "397"},
  {"macos", NULL, "102"},
  {"okta", "okta", "382"},
  {"sql", NULL, "101"},
  {"windows", "application", "12"},
  {"windows", "applocker", "12"},
  {"windows", "appxdeployment-server", "12"},
  {"windows", "appxpackaging-om", "12"},
  {"windows", "bits-client", "12"},
  {"windows", "capi2", "12"},
  {"windows", "certificateservicesclient-lifecycle-system", "12"},
  {"windows", "codeintegrity-operational", "12"},
  {"windows", "dns-client", "12"},
  {"windows", "dns-server", "12"},
  {"windows", "dns-server-analytic", "12"},
  {"windows", "driver-framework", "12"},
  {"windows", "firewall-as", "12"},
  {"windows", "iis-configuration", "12"},
  {"windows", "ldap", "12"},
  {"windows", "lsa-server", "12, 191"},
  {"windows", "microsoft-servicebus-client", "12"},
  {"windows", "msexchange-management", "12"},
  {"windows", "ntlm", "12"},
  {"windows", "powershell-classic", "12"},
  {"windows", "printservice-admin", "12"},
  {"windows", "printservice-operational", "12"},
  {"windows", "security", "12"},
  {"windows", "security-mitigations", "12"},
  {"windows", "smbclient-security", "11, 12"},
  {"windows", "sysmon", "12"},
  {"windows", "system", "12"},
  {"windows", "taskscheduler", "11, 12"},
  {"windows", "terminalservices-localsessionmanager", "12"},
  {"windows", "windefend", "433, 12"},
  {"windows", "wmi", "12"},
  {"windows", NULL, "12"},
  {NULL, "apache", "10"},
};

/* Log source type names a rule may give as `eventSource` (-> devicetype). */
static const struct {
  const char *name;
  unsigned id;
} log_source_ids[] = {
  {"AzureActiveDirectory", 445}, {"SecurityComplianceCenter", 443},
  {"securityhub.amazonaws.com", 440}, {"route53.amazonaws.com", 507}, {"Exchange", 99},
  {"cloudtrail.amazonaws.com", 347}, {"guardduty.amazonaws.com", 436},
  {"eks.amazonaws.com", 502}, {"elasticache.amazonaws.com", 502}, {"s3.amazonaws.com", 347},
  {"Office365", 397}, {"MicrosoftAzure", 413}, {"AmazonAWSCloudTrail", 347},
  {"MicrosoftExchange", 99}, {"OktaIdentityManagement", 382}, {"GoogleCloudAudit", 449},
};

#define QR_MAX_TYPES 64

/* The conversion state kept in r->pre: device types found in the tree. */
typedef struct {
  unsigned ids[QR_MAX_TYPES];   /* required by the whole condition (hoisted) */
  size_t n;
  unsigned inner[QR_MAX_TYPES]; /* compared under an OR (kept in the condition) */
  size_t ninner;
} qr_types;

/*
 * True if f is one function call `name(...)` ending at its last byte, its
 * brackets paired outside single-quoted strings (a pipeline's
 * `UTF8(payload)` or `CONCAT('a b', filename)`).
 */
static bool one_call(const char *f)
{
  const char *p = f;
  bool quoted = false;
  long depth = 0;
  while (ctix__isalnum((unsigned char)*p) || *p == '_')
    p++;
  if (p == f || *p != '(')
    return false;
  for (; *p; p++) {
    if (*p == '\'')
      quoted = !quoted;
    else if (!quoted && *p == '(')
      depth++;
    else if (!quoted && *p == ')' && --depth == 0)
      return p[1] == 0;
  }
  return false;
}

/*
 * Field name: as it is when it holds nothing that could end or extend
 * the comparison (arithmetic operators included: bare, `cs-uri-query`
 * reads as a subtraction), or when it is one function call; otherwise
 * double-quoted (as pySigma quotes names with spaces), a `"` inside
 * doubled, so a hostile field name stays one identifier.
 */
static void put_field(ctix_buf *b, const char *f)
{
  const char *p;
  if (!strpbrk(f, " \t\n\v\f\r'()\"=<>!;,|&-+*/%") || one_call(f)) {
    ctix__buf_adds(b, f);
    return;
  }
  ctix__buf_addc(b, '"');
  for (p = f; *p; p++) {
    if (*p == '"')
      ctix__buf_addc(b, '"');
    ctix__buf_addc(b, *p);
  }
  ctix__buf_addc(b, '"');
}

static bool has_wild(const char *s, size_t n)
{
  return memchr(s, SG_WILD_MULTI, n) || memchr(s, SG_WILD_SINGLE, n);
}

/*
 * Lowercases the UTF-8 letter at s[i] (ASCII, Latin-1, Latin Extended-A,
 * Greek, Cyrillic) into b; returns the bytes consumed.
 */
static size_t put_lower(ctix_buf *b, const char *s, size_t n, size_t i)
{
  unsigned char c = (unsigned char)s[i], d;
  unsigned cp;
  if (c < 0x80) {
    ctix__buf_addc(b, (char)ctix__lower(c));
    return 1;
  }
  if ((c & 0xE0) != 0xC0 || i + 1 >= n || ((d = (unsigned char)s[i + 1]) & 0xC0) != 0x80) {
    ctix__buf_addc(b, (char)c);
    return 1;
  }
  cp = ((c & 0x1Fu) << 6) | (d & 0x3Fu);
  if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) || (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) ||
      (cp >= 0x410 && cp <= 0x42F))
    cp += 0x20;
  else if (cp >= 0x400 && cp <= 0x40F)
    cp += 0x50;
  else if (cp == 0x4C0)
    cp = 0x4CF;
  else if (((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48A && cp <= 0x4BF) ||
            (cp >= 0x4D0 && cp <= 0x52F)) && cp % 2 == 0)
    cp += 1;
  else if (cp >= 0x4C1 && cp <= 0x4CE && cp % 2 == 1)
    cp += 1;
  else if (cp >= 0x100 && cp <= 0x17F && cp != 0x130 && cp != 0x138 && cp != 0x149 && cp != 0x17F &&
           ((cp < 0x139 || (cp > 0x148 && cp < 0x179)) ? cp % 2 == 0 : cp % 2 == 1))
    cp += 1;
  ctix__buf_addc(b, (char)(0xC0 | (cp >> 6)));
  ctix__buf_addc(b, (char)(0x80 | (cp & 0x3F)));
  return 2;
}

/*
 * A quoted string value: `'` doubled, wildcards as `%` and `_`; `lower`
 * lowercases letters. Refuses unresolved placeholders.
 */
static int put_str_wrapped(sg_render *r, ctix_buf *b, const char *s, size_t n, bool lower,
                           bool front, bool back)
{
  size_t i, j;
  ctix__buf_adds(b, front ? "'%" : "'");
  for (i = 0; i < n; i++) {
    char c = s[i];
    for (j = i; j < n && s[j] != '\'' && (unsigned char)s[j] > SG_PH_CLOSE &&
                (!lower || ((unsigned char)s[j] < 0x80 && !ctix__isupper((unsigned char)s[j])));
         j++)
      ;
    if (j > i) { /* a run of plain characters */
      ctix__buf_add(b, s + i, j - i);
      i = j - 1;
      continue;
    }
    if (lower && (unsigned char)c >= 0x80) {
      i += put_lower(b, s, n, i) - 1;
      continue;
    }
    if (c == SG_WILD_MULTI)
      ctix__buf_addc(b, '%');
    else if (c == SG_WILD_SINGLE)
      ctix__buf_addc(b, '_');
    else if (c == SG_PH_OPEN)
      return ctix__sg_placeholder_error(r, s + i, n - i);
    else {
      if (c == '\'')
        ctix__buf_addc(b, '\'');
      ctix__buf_addc(b, lower ? (char)ctix__lower((unsigned char)c) : c);
    }
  }
  return ctix__buf_adds(b, back ? "%'" : "'");
}

static int put_str(sg_render *r, ctix_buf *b, const char *s, size_t n, bool lower)
{
  return put_str_wrapped(r, b, s, n, lower, false, false);
}

/* True if a value, as written, is only digits, `%` and quotes (compared without LOWER). */
static bool numberish(const char *s, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (!ctix__isdigit((unsigned char)s[i]) && s[i] != '%' && s[i] != '\'' && s[i] != SG_WILD_MULTI)
      return false;
  return true;
}

/*
 * `LOWER(F) LIKE 'v'` or, for digit-only patterns, `F LIKE 'v'` (F as
 * written); `anywhere`: `%` added at both ends unless there already.
 */
static int put_like(sg_render *r, ctix_buf *b, const char *field, const char *s, size_t n,
                    bool anywhere)
{
  bool num = numberish(s, n);
  bool front = anywhere && !(n && s[0] == SG_WILD_MULTI);
  bool back = anywhere && (n == 0 || s[n - 1] != SG_WILD_MULTI);
  if (!num)
    ctix__buf_adds(b, "LOWER(");
  put_field(b, field);
  ctix__buf_adds(b, num ? " LIKE " : ") LIKE ");
  return put_str_wrapped(r, b, s, n, !num, front, back);
}

/* A quoted regular expression, its flags as a leading `(?ims)` group. */
static int put_regex(sg_render *r, ctix_buf *b, const sg_expr *e)
{
  ctix_buf v = CTIX_BUF_INIT(SG_MAX_QUERY);
  int rc;
  ctix__sg_put_re_flags(&v, e->flags);
  ctix__buf_add(&v, e->s, e->n);
  rc = v.err ? ctix__error_set(r->cx->err, CTIX_ETOOBIG, "query too large")
             : put_str(r, b, v.data ? v.data : "", v.len, false);
  ctix__buf_free(&v);
  return rc;
}

/* One match. */
static int put_match(sg_render *r, ctix_buf *b, const sg_expr *e)
{
  int rc = 0;
  if (!e->field) { /* keyword: anywhere in the payload */
    if (e->kind == SG_K_RE) {
      ctix__buf_adds(b, "UTF8(payload) MATCHES ");
      rc = put_regex(r, b, e);
    } else if (e->kind == SG_K_STR || e->kind == SG_K_NUM) {
      rc = put_like(r, b, "UTF8(payload)", e->s, e->n, true);
    } else {
      rc = ctix__error_set(r->cx->err, CTIX_EUNSUPPORTED,
                           "qradar_aql: this kind of value needs a field");
    }
    return rc;
  }
  if (e->kind == SG_K_STR && has_wild(e->s, e->n))
    return put_like(r, b, e->field, e->s, e->n, false);
  if (e->kind == SG_K_CIDR) {
    ctix__buf_adds(b, "INCIDR(");
    rc = put_str(r, b, e->s, e->n, false);
    ctix__buf_adds(b, ", ");
    put_field(b, e->field);
    return rc ? rc : ctix__buf_addc(b, ')');
  }
  put_field(b, e->field);
  switch (e->kind) {
  case SG_K_STR:
    ctix__buf_addc(b, '=');
    rc = put_str(r, b, e->s, e->n, false);
    break;
  case SG_K_NUM:
    ctix__buf_addc(b, '=');
    ctix__buf_add(b, e->s, e->n);
    break;
  case SG_K_BOOL:
    ctix__buf_adds(b, e->n == 4 ? "=true" : "=false");
    break;
  case SG_K_NULL:
    ctix__buf_adds(b, " IS NULL");
    break;
  case SG_K_EXISTS:
    ctix__buf_adds(b, e->flags ? " IS NOT NULL" : " IS NULL");
    break;
  case SG_K_RE:
    ctix__buf_adds(b, " MATCHES ");
    rc = put_regex(r, b, e);
    break;
  case SG_K_CMP:
    if (e->flags < 1 || e->flags > 4)
      rc = ctix__error_set(r->cx->err, CTIX_EINVAL, "qradar_aql: bad comparison");
    else
      ctix__buf_addf(b, " %s %.*s", ctix__sg_cmp_ops[e->flags], (int)e->n, e->s);
    break;
  case SG_K_FIELDREF: {
    char ref[512];
    ctix__buf_addc(b, '=');
    snprintf(ref, sizeof(ref), "%.*s", (int)e->n, e->s);
    put_field(b, ref);
    break;
  }
  default:
    rc = ctix__error_set(r->cx->err, CTIX_EUNSUPPORTED, "qradar_aql: unsupported match");
  }
  return rc;
}

/* AND/OR nodes with one operand stand for that operand. */
static const sg_expr *skip_single(const sg_expr *e)
{
  while (e->op != SG_E_MATCH && e->op != SG_E_NOT && e->nkids == 1)
    e = e->kids[0];
  return e;
}

/*
 * True if an OR can be written `F IN(...)`: plain values of one field
 * (not `devicetype`, whose numbers an IN list would quote).
 */
static bool can_in(const sg_expr *e)
{
  size_t i;
  if (e->op != SG_E_OR || e->expansion || e->nkids < 2)
    return false;
  for (i = 0; i < e->nkids; i++) {
    const sg_expr *k = skip_single(e->kids[i]);
    if (k->op != SG_E_MATCH || !k->field || k->expansion ||
        (k->kind != SG_K_STR && k->kind != SG_K_NUM) ||
        strcmp(k->field, skip_single(e->kids[0])->field) != 0 ||
        strcmp(k->field, "devicetype") == 0 ||
        (k->kind == SG_K_STR && has_wild(k->s, k->n)))
      return false;
  }
  return true;
}

/*
 * Renders a node; `parent`: 0 at the top, else 1 + the operator it sits
 * in. Nested AND/OR/NOT get brackets, except the variants of an expanding
 * modifier (windash, base64offset) inside an OR or NOT (as pySigma).
 */
static int put_node(sg_render *r, ctix_buf *b, const sg_expr *e, int parent)
{
  size_t i;
  int rc = 0;
  bool nested = parent != 0;
  e = skip_single(e);
  if (e->op == SG_E_OR && e->expansion && (parent == 1 + SG_E_OR || parent == 1 + SG_E_NOT))
    nested = false;
  if (e->op == SG_E_MATCH)
    return put_match(r, b, e);
  if (e->op == SG_E_NOT) {
    ctix__buf_adds(b, nested ? "(NOT(" : "NOT(");
    rc = put_node(r, b, e->kids[0], 1 + SG_E_NOT);
    ctix__buf_adds(b, nested ? "))" : ")");
    return rc;
  }
  if (nested)
    ctix__buf_addc(b, '(');
  if (can_in(e)) {
    put_field(b, skip_single(e->kids[0])->field);
    ctix__buf_adds(b, " IN(");
    for (i = 0; i < e->nkids && !rc; i++) {
      const sg_expr *k = skip_single(e->kids[i]);
      if (i)
        ctix__buf_adds(b, ", ");
      if (k->kind == SG_K_NUM)
        ctix__buf_addf(b, "'%.*s'", (int)k->n, k->s);
      else
        rc = put_str(r, b, k->s, k->n, false);
    }
    ctix__buf_addc(b, ')');
  } else {
    for (i = 0; i < e->nkids && !rc; i++) {
      if (i)
        ctix__buf_adds(b, e->op == SG_E_AND ? " AND " : " OR ");
      rc = put_node(r, b, e->kids[i], 1 + (int)e->op);
    }
  }
  if (nested)
    ctix__buf_addc(b, ')');
  if (!rc && b->err)
    rc = ctix__error_set(r->cx->err, CTIX_ETOOBIG, "query too large");
  return rc;
}

/* Adds a device type once to the list ids[0..*n). */
static void add_type(unsigned *ids, size_t *n, unsigned id)
{
  size_t i;
  for (i = 0; i < *n; i++)
    if (ids[i] == id)
      return;
  if (*n < QR_MAX_TYPES)
    ids[(*n)++] = id;
}

/* Where a `devicetype` match sits in the condition (see pull_types). */
enum {
  QR_TOP,     /* ANDed at the top: the whole condition requires it */
  QR_INNER,   /* under an OR (with two or more operands), no NOT above */
  QR_NEGATED  /* under a NOT (|neq included) */
};

/*
 * The QRadar device type a `devicetype` match names: true with *id set for
 * a log source type name of the table or a number below 100000; false for
 * anything else (an AWS service name inside CloudTrail, a pattern, ...).
 */
static bool match_type(const sg_expr *e, unsigned *id)
{
  size_t k;
  uint64_t v;
  if (e->kind == SG_K_NUM)
    return ctix__parse_size(&v, e->s, e->n) == 0 && v < 100000 && (*id = (unsigned)v, true);
  if (e->kind != SG_K_STR)
    return false;
  for (k = 0; k < sizeof(log_source_ids) / sizeof(log_source_ids[0]); k++)
    if (strlen(log_source_ids[k].name) == e->n && memcmp(log_source_ids[k].name, e->s, e->n) == 0) {
      *id = log_source_ids[k].id;
      return true;
    }
  return false;
}

/*
 * Sorts the `devicetype` matches (a pipeline maps eventSource there) out
 * of the tree at *slot, which sits `where` (QR_*):
 * - a device type the whole condition requires (QR_TOP) joins the device
 *   type filter and leaves the tree;
 * - one under an OR or a NOT stays in the condition as the comparison
 *   `devicetype=N` (hoisting it would turn an alternative or an exclusion
 *   into a requirement);
 * - a name that is no QRadar log source type cannot be compared: under no
 *   NOT it is taken as true and dropped, as pySigma does (the query only
 *   gets broader); under a NOT dropping it would narrow the query, so the
 *   rule is refused.
 * Also refuses field names AQL cannot write. Returns 1 when *slot became
 * true (it is removed: an AND drops it, an OR becomes true), 0, or <0.
 */
static int pull_types(sg_render *r, qr_types *t, sg_expr **slot, int where)
{
  sg_expr *e = *slot;
  size_t i, o = 0, ninner;
  int rc = 0, kid_where;
  bool any_true = false;
  unsigned id;
  if (e->op == SG_E_MATCH) {
    const char *bad = e->field ? strpbrk(e->field, "\"\n\r\t") : NULL;
    if (!bad && e->kind == SG_K_FIELDREF)
      bad = memchr(e->s, '"', e->n);
    if (bad)
      return ctix__error_set(r->cx->err, CTIX_EUNSUPPORTED,
                             "qradar_aql: a field name with '\"' or a line break cannot be "
                             "written in AQL");
    if (!e->field || strcmp(e->field, "devicetype") != 0)
      return 0;
    if (!match_type(e, &id)) {
      char shown[201];
      if (where != QR_NEGATED)
        return 1;
      for (i = 0; i < e->n && i + 1 < sizeof(shown); i++) /* wildcards as written */
        shown[i] = e->s[i] == SG_WILD_MULTI    ? '*'
                   : e->s[i] == SG_WILD_SINGLE ? '?'
                   : (unsigned char)e->s[i] < 0x20 ? ' '
                                                   : e->s[i];
      shown[i] = 0;
      return ctix__error_set(r->cx->err, CTIX_EUNSUPPORTED,
                             "qradar_aql: eventSource '%s' is no QRadar log source type and "
                             "cannot be tested under a NOT",
                             shown);
    }
    if (where == QR_TOP) {
      add_type(t->ids, &t->n, id);
      return 1;
    }
    if (where == QR_INNER)
      add_type(t->inner, &t->ninner, id);
    if (e->kind == SG_K_STR) { /* stays: `devicetype=N` */
      char num[16];
      snprintf(num, sizeof(num), "%u", id);
      e->s = ctix__arena_strdup(r->cx->arena, num);
      if (!e->s)
        return ctix__error_set(r->cx->err, CTIX_ENOMEM, "out of memory");
      e->n = strlen(num);
      e->kind = SG_K_NUM;
    }
    return 0;
  }
  ninner = t->ninner;
  kid_where = where;
  if (e->op == SG_E_NOT)
    kid_where = QR_NEGATED;
  else if (e->op == SG_E_OR && e->nkids > 1 && where == QR_TOP)
    kid_where = QR_INNER;
  for (i = 0; i < e->nkids; i++) {
    rc = pull_types(r, t, &e->kids[i], kid_where);
    if (rc < 0)
      return rc;
    if (rc == 1)
      any_true = true;
    else
      e->kids[o++] = e->kids[i];
  }
  e->nkids = o;
  /* only a match under no NOT becomes true, so a NOT never gets a true operand */
  if ((e->op == SG_E_OR && any_true) || o == 0) {
    t->ninner = ninner; /* its comparisons are gone with it */
    return 1;
  }
  return 0;
}

/* True if e is an OR of one value on several fields (a field mapped to several). */
static bool field_fanout(const sg_expr *e)
{
  size_t i;
  if (e->op != SG_E_OR || e->nkids < 2)
    return false;
  for (i = 0; i < e->nkids; i++) {
    const sg_expr *k = e->kids[i], *k0 = e->kids[0];
    if (k->op != SG_E_MATCH || !k->field || k->kind != k0->kind || k->n != k0->n ||
        memcmp(k->s, k0->s, k->n) != 0 || (i && strcmp(k->field, k0->field) == 0))
      return false;
  }
  return true;
}

/*
 * A field mapped to several fields fans each value out (one OR per value);
 * pySigma fans the whole detection item out (its values per field):
 * (A=x OR B=x) OR (A=y OR B=y) becomes (A=x OR A=y) OR (B=x OR B=y), and
 * for |all (A=x OR B=x) AND (A=y OR B=y) becomes (A=x AND A=y) OR (B=x
 * AND B=y): both values in the same field, as the rule means.
 */
static int regroup(sg_render *r, sg_expr *e)
{
  size_t i, j, nf;
  int rc = 0;
  if (e->op == SG_E_MATCH)
    return 0;
  for (i = 0; i < e->nkids && !rc; i++)
    rc = regroup(r, e->kids[i]);
  if (rc || !(e->item || (e->op == SG_E_OR && e->expansion)) || e->nkids < 2 ||
      !field_fanout(e->kids[0]))
    return rc;
  nf = e->kids[0]->nkids;
  for (i = 0; i < e->nkids; i++) {
    if (!field_fanout(e->kids[i]) || e->kids[i]->nkids != nf)
      return 0;
    for (j = 0; j < nf; j++)
      if (strcmp(e->kids[i]->kids[j]->field, e->kids[0]->kids[j]->field) != 0)
        return 0;
  }
  {
    sg_expr **by_field = ctix__arena_calloc(r->cx->arena, nf, sizeof(sg_expr *));
    if (!by_field)
      return ctix__error_set(r->cx->err, CTIX_ENOMEM, "out of memory");
    for (j = 0; j < nf; j++) {
      sg_expr *o = ctix__sg_expr_new(r->cx, e->op, e->nkids);
      if (!o)
        return r->cx->err->code;
      o->expansion = e->expansion;
      o->item = e->item;
      for (i = 0; i < e->nkids; i++)
        o->kids[o->nkids++] = e->kids[i]->kids[j];
      by_field[j] = o;
    }
    e->kids = by_field;
    e->nkids = nf;
    e->op = SG_E_OR;
    e->expansion = false;
    e->item = false;
  }
  return 0;
}

/* Renders the whole condition into r->head; the generic renderer gets nothing. */
static int qradar_check(sg_render *r, sg_expr **root)
{
  qr_types t;
  int rc;
  memset(&t, 0, sizeof(t));
  rc = *root ? pull_types(r, &t, root, QR_TOP) : 0;
  if (rc == 1) { /* nothing left but device types */
    *root = NULL;
    rc = 0;
  }
  if (!rc)
    ctix__buf_add(&r->pre, &t, sizeof(t));
  if (!rc && *root)
    rc = regroup(r, *root);
  if (!rc && *root)
    rc = put_node(r, &r->head, *root, 0);
  *root = NULL;
  return rc ? rc : r->head.err ? ctix__error_set(r->cx->err, CTIX_ETOOBIG, "query too large") : 0;
}

static bool eq_opt(const char *want, const char *have)
{
  return want ? have && want[0] == have[0] && strcmp(want, have) == 0 : !have;
}

/*
 * Adds src[0..ns) to the filter ids[0..*n) (room for QR_MAX_TYPES * 3),
 * each once, placed as a Python set of small integers would order them
 * (like pySigma).
 */
static void merge_types(unsigned *ids, size_t *n, const unsigned *src, size_t ns)
{
  size_t i, k;
  for (i = 0; i < ns && *n < QR_MAX_TYPES * 3; i++) {
    for (k = 0; k < *n && ids[k] != src[i]; k++)
      ;
    if (k < *n)
      continue;
    if (*n < 4) { /* a small set: ordered by value modulo 8 */
      size_t at = *n;
      while (at > 0 && (ids[at - 1] & 7u) > (src[i] & 7u))
        at--;
      memmove(ids + at + 1, ids + at, (*n - at) * sizeof(ids[0]));
      ids[at] = src[i];
    } else {
      ids[*n] = src[i];
    }
    (*n)++;
  }
}

/*
 * Device types of the rule: the table row of its (product, service), else
 * of its product alone, else of its service alone; then the ones pulled
 * from the tree, placed as a Python set of small integers would order them
 * (slot = value modulo the table size), like pySigma.
 */
static void device_types(sg_render *r, ctix_buf *out, const qr_types *extra)
{
  const sg_logsource *ls = &r->cx->rule->logsource;
  const char *row = NULL, *p;
  unsigned ids[QR_MAX_TYPES * 3];
  size_t n = 0, i;
  int best = 0;
  for (i = 0; i < sizeof(dev_types) / sizeof(dev_types[0]) && best < 3; i++) {
    /* 3: product and service, 2: product alone, 1: service alone */
    int score = dev_types[i].product ? (eq_opt(dev_types[i].product, ls->product)
                                            ? (dev_types[i].service
                                                   ? (eq_opt(dev_types[i].service, ls->service) ? 3 : 0)
                                                   : 2)
                                            : 0)
                                     : (dev_types[i].service && eq_opt(dev_types[i].service, ls->service) ? 1 : 0);
    if (score > best) {
      best = score;
      row = dev_types[i].types;
    }
  }
  for (p = row; p && *p && n < QR_MAX_TYPES;) {
    unsigned v = 0;
    while (ctix__isdigit((unsigned char)*p))
      v = v * 10 + (unsigned)(*p++ - '0');
    ids[n++] = v;
    while (*p == ',' || *p == ' ')
      p++;
  }
  if (extra)
    merge_types(ids, &n, extra->ids, extra->n);
  /* A type compared under an OR must pass the filter too, or its branch
   * could never match; without a filter its comparison is enough. */
  if (extra && n)
    merge_types(ids, &n, extra->inner, extra->ninner);
  if (n == 1)
    ctix__buf_addf(out, "devicetype=%u", ids[0]);
  else if (n > 1) {
    ctix__buf_adds(out, "devicetype IN(");
    for (i = 0; i < n; i++)
      ctix__buf_addf(out, "%s%u", i ? ", " : "", ids[i]);
    ctix__buf_addc(out, ')');
  }
}

/*
 * True if the query has an OR outside every balanced bracket group (a
 * bracket without partner, e.g. inside a string, is plain text), as
 * pySigma tests it. One pass: a stack with, per open bracket, whether an
 * OR was seen inside it; a closed bracket hides its ORs, one never closed
 * does not.
 */
static bool top_or(const char *q, size_t n)
{
  ctix_buf st = CTIX_BUF_INIT(SG_MAX_QUERY);
  size_t i;
  bool found = false;
  for (i = 0; i < n && !found; i++) {
    if (q[i] == '(')
      ctix__buf_addc(&st, 0);
    else if (q[i] == ')' && st.len)
      ctix__buf_truncate(&st, st.len - 1);
    else if (q[i] == ' ' && i + 4 <= n && memcmp(q + i, " OR ", 4) == 0) {
      if (st.len)
        st.data[st.len - 1] = 1;
      else
        found = true;
    }
  }
  for (i = 0; i < st.len && !found; i++)
    found = st.data[i] != 0;
  ctix__buf_free(&st);
  return found;
}

/* `SELECT * FROM events WHERE [devicetypes AND ]condition`. */
static int qradar_finish(sg_render *r, ctix_buf *final)
{
  const qr_types *extra = r->pre.len == sizeof(qr_types) ? (const qr_types *)r->pre.data : NULL;
  ctix_buf dt = CTIX_BUF_INIT(4096);
  const char *q = r->head.data ? r->head.data : "";
  device_types(r, &dt, extra);
  if (!dt.len && !r->head.len) {
    ctix__buf_free(&dt);
    return ctix__error_set(r->cx->err, CTIX_EUNSUPPORTED,
                           "qradar_aql: no condition left to search (only eventSource names)");
  }
  ctix__buf_adds(final, "SELECT * FROM events WHERE ");
  if (dt.len) {
    ctix__buf_add(final, dt.data, dt.len);
    if (r->head.len) {
      bool paren = top_or(q, r->head.len);
      ctix__buf_adds(final, paren ? " AND (" : " AND ");
      ctix__buf_add(final, q, r->head.len);
      if (paren)
        ctix__buf_addc(final, ')');
    }
  } else {
    ctix__buf_add(final, q, r->head.len);
  }
  ctix__buf_free(&dt);
  return final->err;
}

const sg_target ctix__sg_target_qradar_aql = {
  .name = "qradar_aql",
  .description = "IBM QRadar AQL (SELECT ... FROM events WHERE ...)",
  .tok_and = " AND ",
  .tok_or = " OR ",
  .tok_not = "NOT ",
  .group_open = "(",
  .group_close = ")",
  .prec_and = 1,
  .prec_or = 1,
  .prec_not = 2,
  .field_plain_chars = "_.-()',/=",
  .field_quote = '"',
  .str_quote = '\'',
  .escape = '\'',
  .escaped_chars = "'",
  .wild_multi = "%",
  .wild_single = "_",
  .check_hook = qradar_check,
  .finish_hook = qradar_finish,
  .alias = "q_radar_aql",
};
