/*
 * `ctix eval`: measures ctix against labelled evaluation data. One command
 * with sub-commands, each a row of the `subs` table (later issues add
 * `eval ttp`, `eval sigma`):
 *
 *   ctix eval ioc FILE.jsonl...   IOC extraction against the case files of
 *                                 ../shared/data/ioc/<source>/cases.*.jsonl:
 *                                 precision, recall and F1 per type, micro
 *                                 over all types and over the ten core
 *                                 types, defanged and plain cases apart,
 *                                 and the cases fully right per tag.
 *   ctix eval refang FILE.jsonl   ctix_refang on defanged -> fanged pairs.
 *
 * Scoring follows the corpus README: only each case's `scored_types`
 * count; expected and predicted values go through the same normalisation
 * (hashes, domains, e-mails, MACs lower case; CVE/ATT&CK/TLP upper case;
 * ASN as AS<n>; IPv6 compressed; URL scheme and host lower case with a
 * bare trailing "/" dropped; registry keys lower case without a trailing
 * backslash); ctix's ioc and benign observables are predictions, rejected
 * candidates are not. A malformed line is reported as FILE:LINE and
 * skipped; the exit status then says the run was incomplete.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_internal.h"
#include "cli/eval.h"
#include "cli/sigma_cli.h"
#include "cli/eval_ttp.h"
#include "ctix/ioc.h"
#include "util/str.h"

enum {
  OPT_JSON = 1,
  OPT_VERBOSE,
  OPT_HELP,
  /* eval ttp */
  OPT_LABELS,
  OPT_PARENTS,
  OPT_IGNORE_IDS,
  OPT_CV,
  OPT_MODEL,
  OPT_SHARED,
  OPT_CV_CACHE,
  OPT_SOLVER,
  OPT_COST,
  OPT_SET,
  OPT_IMPLIED,
  OPT_CUE_PRIORS,
  OPT_CV_CUES,
  OPT_TRACE,
  OPT_NEG,
  OPT_NB,
  OPT_SIGMA_ROWS,
  /* options of the evaluations in their own files (ext_subs) */
  OPT_RULES,
  OPT_SHOW
};

static const ctix__cli_opt eval_cli_opts[] = {
    {OPT_JSON, 0, "json", false},
    {OPT_VERBOSE, 'v', "verbose", false},
    {OPT_HELP, 'h', "help", false},
    {OPT_LABELS, 0, "labels", true},
    {OPT_PARENTS, 0, "parents", false},
    {OPT_IGNORE_IDS, 0, "ignore-explicit-ids", false},
    {OPT_CV, 0, "cv", true},
    {OPT_MODEL, 0, "model", true},
    {OPT_SHARED, 0, "shared", true},
    {OPT_CV_CACHE, 0, "cv-cache", true},
    {OPT_SOLVER, 0, "solver", true},
    {OPT_COST, 0, "cost", true},
    {OPT_SET, 0, "set", true},
    {OPT_IMPLIED, 0, "implied", false},
    {OPT_CUE_PRIORS, 0, "cue-priors", false},
    {OPT_CV_CUES, 0, "cv-cues", true},
    {OPT_TRACE, 0, "trace", true},
    {OPT_NEG, 0, "neg", true},
    {OPT_NB, 0, "nb", true},
    {OPT_SIGMA_ROWS, 0, "sigma-rows", true},
    {OPT_RULES, 0, "rules", true},
    {OPT_SHOW, 0, "show", true},
    {0, 0, NULL, false},
};

/* Longest JSONL line accepted (a case holds one test text). */
#define MAX_LINE ((size_t)64 << 20)
/* Most distinct types and tags an evaluation keeps apart. */
#define MAX_TYPES 128
#define MAX_TAGS 256

typedef struct eval_args {
  bool json, verbose;
  const char **files;
  size_t nfiles;
  ctix__eval_ttp_opts ttp;   /* options of eval ttp (eval_ttp.c) */
} eval_args;

/* ------------------------------------------------------------ the scores */

typedef struct counts {
  size_t tp, fp, fn;
  size_t cases;       /* cases that scored it */
  size_t expected;    /* distinct expected values, summed over those cases */
} counts;

typedef struct named_counts {
  char name[48];
  counts c;
} named_counts;

typedef struct tag_count {
  char name[48];
  size_t right, total;
} tag_count;

/* The ten core types of the corpus README's micro averages. */
static const char *const core_types[] = {"ipv4", "ipv6",   "domain", "url",    "email",
                                         "md5",  "sha1",   "sha256", "sha512", "cve"};

typedef struct ioc_eval {
  named_counts types[MAX_TYPES];
  size_t ntypes;
  tag_count tags[MAX_TAGS];
  size_t ntags;
  counts all, core, defanged, defanged_core, plain;
  size_t cases, right;
  ctix_buf failing;   /* text mode: "id: type: missing ...; extra ..." lines */
  json_t *jfailing;   /* --json --verbose: the same as objects */
} ioc_eval;

static bool is_core(const char *type)
{
  size_t i;
  for (i = 0; i < sizeof(core_types) / sizeof(core_types[0]); i++)
    if (strcmp(type, core_types[i]) == 0)
      return true;
  return false;
}

static counts *type_counts(ioc_eval *e, const char *name)
{
  size_t i;
  for (i = 0; i < e->ntypes; i++)
    if (strcmp(e->types[i].name, name) == 0)
      return &e->types[i].c;
  if (e->ntypes == MAX_TYPES || strlen(name) >= sizeof(e->types[0].name))
    return NULL;
  ctix__strlcpy(e->types[e->ntypes].name, name, sizeof(e->types[0].name));
  return &e->types[e->ntypes++].c;
}

static void count_tag(ioc_eval *e, const char *name, bool right)
{
  size_t i;
  for (i = 0; i < e->ntags; i++)
    if (strcmp(e->tags[i].name, name) == 0)
      break;
  if (i == e->ntags) {
    if (e->ntags == MAX_TAGS || strlen(name) >= sizeof(e->tags[0].name))
      return;
    ctix__strlcpy(e->tags[i].name, name, sizeof(e->tags[0].name));
    e->ntags++;
  }
  e->tags[i].total++;
  e->tags[i].right += right;
}

static void add_counts(counts *to, size_t tp, size_t fp, size_t fn, size_t nexp)
{
  to->tp += tp;
  to->fp += fp;
  to->fn += fn;
  to->expected += nexp;
}

/* Precision, recall, F1; a negative value when undefined (0 / 0). */
static void prf(const counts *c, double *p, double *r, double *f)
{
  *p = c->tp + c->fp ? (double)c->tp / (double)(c->tp + c->fp) : -1.0;
  *r = c->tp + c->fn ? (double)c->tp / (double)(c->tp + c->fn) : -1.0;
  if (c->tp + c->fp + c->fn == 0)
    *f = -1.0;
  else
    *f = 2.0 * (double)c->tp / (double)(2 * c->tp + c->fp + c->fn);
}

/* ------------------------------------------------------- normalisation */

/* Lower-cases s in place. */
static void lower_str(char *s)
{
  for (; *s; s++)
    *s = (char)ctix__lower((unsigned char)*s);
}

static void upper_str(char *s)
{
  for (; *s; s++)
    *s = (char)ctix__upper((unsigned char)*s);
}

/* Compresses the IPv6 address at the start of s (up to '/' or the end). */
static void ipv6_compress(char *s, size_t cap)
{
  char addr[INET6_ADDRSTRLEN + 8], out[INET6_ADDRSTRLEN], rest[64];
  unsigned char bin[16];
  size_t n = strcspn(s, "/%");
  lower_str(s);
  if (n >= sizeof(addr) || strlen(s + n) >= sizeof(rest))
    return;
  memcpy(addr, s, n);
  addr[n] = 0;
  ctix__strlcpy(rest, s + n, sizeof(rest));
  if (inet_pton(AF_INET6, addr, bin) != 1 || !inet_ntop(AF_INET6, bin, out, sizeof(out)))
    return;
  snprintf(s, cap, "%s%s", out, rest);
}

/* ASN: the digits after AS/ASN and spaces, as AS<n>. */
static void asn_norm(char *s, size_t cap)
{
  const char *p = s;
  char digits[32];
  size_t n = 0;
  while (*p && !ctix__isdigit((unsigned char)*p))
    p++;
  while (ctix__isdigit((unsigned char)*p) && n + 1 < sizeof(digits))
    digits[n++] = *p++;
  digits[n] = 0;
  if (n)
    snprintf(s, cap, "AS%s", digits);
  else
    upper_str(s);
}

/* URL: scheme and host lower case; "scheme://host/" == "scheme://host". */
static void url_norm(char *s)
{
  char *p = strstr(s, "://"), *host, *end, *at, *q;
  if (p) {
    for (q = s; q < p; q++)
      *q = (char)ctix__lower((unsigned char)*q);
    host = p + 3;
  } else {
    host = s;
  }
  end = host + strcspn(host, "/?#");
  at = NULL;
  for (q = host; q < end; q++)
    if (*q == '@')
      at = q;
  for (q = at ? at + 1 : host; q < end; q++)
    *q = (char)ctix__lower((unsigned char)*q);
  if (end[0] == '/' && end[1] == 0)
    end[0] = 0;
}

/*
 * MAC: lower case, '-' and '.' read as ':' (the README's rule); when the
 * value is 12 hex digits and separators only, the six-octet form, so the
 * Cisco style acf2.c9a6.b34f equals ac:f2:c9:a6:b3:4f (the same address).
 */
static void mac_norm(char *s, size_t cap)
{
  char hex[13];
  size_t i, n = 0;
  bool only = true;
  for (i = 0; s[i]; i++) {
    char c = (char)ctix__lower((unsigned char)s[i]);
    s[i] = c == '-' || c == '.' ? ':' : c;
    if (ctix__isdigit((unsigned char)c) || (c >= 'a' && c <= 'f')) {
      if (n < 12)
        hex[n] = c;
      n++;
    } else if (c != ':' && c != '-' && c != '.') {
      only = false;
    }
  }
  if (only && n == 12 && cap >= 18)
    snprintf(s, cap, "%.2s:%.2s:%.2s:%.2s:%.2s:%.2s", hex, hex + 2, hex + 4, hex + 6, hex + 8,
             hex + 10);
}

/* The canonical comparison form of a value of `type` (malloc'd). White
 * space around any value is not part of it. */
static char *normalise(const char *type, const char *value)
{
  static const char *const lower_types[] = {"md5",     "sha1",    "sha224", "sha256",
                                            "sha384",  "sha512",  "imphash", "authentihash",
                                            "ja3",     "ja3s",    "domain", "email"};
  static const char *const upper_types[] = {"cve", "cwe", "capec", "tlp"};
  size_t n = strlen(value), cap, i;
  const char *v = ctix__trim(value, &n);
  char *s;
  cap = n + 24;
  if (!(s = malloc(cap)))
    return NULL;
  memcpy(s, v, n);
  s[n] = 0;
  for (i = 0; i < sizeof(lower_types) / sizeof(lower_types[0]); i++)
    if (strcmp(type, lower_types[i]) == 0)
      lower_str(s);
  for (i = 0; i < sizeof(upper_types) / sizeof(upper_types[0]); i++)
    if (strcmp(type, upper_types[i]) == 0)
      upper_str(s);
  if (strncmp(type, "attack_", 7) == 0)
    upper_str(s);
  if (strcmp(type, "mac") == 0)
    mac_norm(s, cap);
  if (strcmp(type, "asn") == 0)
    asn_norm(s, cap);
  if (strcmp(type, "ipv6") == 0 || strcmp(type, "ipv6_cidr") == 0)
    ipv6_compress(s, cap);
  if (strcmp(type, "url") == 0)
    url_norm(s);
  if (strcmp(type, "registry_key") == 0) {
    n = strlen(s);
    lower_str(s);
    while (n && s[n - 1] == '\\')
      s[--n] = 0;
  }
  return s;
}

/* ---------------------------------------------------------- value sets */

/* A small set of malloc'd strings (cases hold a handful of values). */
typedef struct strset {
  ctix_buf v;   /* char * records */
} strset;

static size_t set_count(const strset *s)
{
  return CTIX__BUF_COUNT(&s->v, char *);
}

static bool set_has(const strset *s, const char *x)
{
  size_t i;
  for (i = 0; i < set_count(s); i++)
    if (strcmp(CTIX__BUF_AT(&s->v, char *, i), x) == 0)
      return true;
  return false;
}

/* Adds the normalised value (deduplicated); CTIX_ENOMEM on failure. */
static int set_add(strset *s, const char *type, const char *value)
{
  char *n = normalise(type, value);
  if (!n)
    return CTIX_ENOMEM;
  if (set_has(s, n)) {
    free(n);
    return 0;
  }
  if (ctix__buf_push(&s->v, &n, sizeof(n))) {
    free(n);
    return CTIX_ENOMEM;
  }
  return 0;
}

static void set_free(strset *s)
{
  size_t i;
  for (i = 0; i < set_count(s); i++)
    free(CTIX__BUF_AT(&s->v, char *, i));
  ctix__buf_free(&s->v);
}

/* Appends "[a, b]" of the members of `s` missing from `other`. */
static size_t set_diff_text(ctix_buf *b, const strset *s, const strset *other, json_t *arr)
{
  size_t i, n = 0;
  for (i = 0; i < set_count(s); i++) {
    const char *x = CTIX__BUF_AT(&s->v, char *, i);
    if (set_has(other, x))
      continue;
    ctix__buf_adds(b, n ? ", " : "");
    ctix__buf_adds(b, x);
    if (arr)
      json_array_append_new(arr, json_string(x));
    n++;
  }
  return n;
}

/* -------------------------------------------------------------- eval ioc */

/* Reads a JSON array of strings member; NULL when absent or not one. */
static json_t *str_array(json_t *obj, const char *key, bool *bad)
{
  json_t *a = json_object_get(obj, key);
  size_t i;
  if (!a)
    return NULL;
  if (!json_is_array(a)) {
    *bad = true;
    return NULL;
  }
  for (i = 0; i < json_array_size(a); i++)
    if (!json_is_string(json_array_get(a, i))) {
      *bad = true;
      return NULL;
    }
  return a;
}

/* Prints a one-line error about line `line` of `file`. */
static void line_error(const char *file, unsigned long line, const char *msg)
{
  ctix_error err;
  char where[CTIX_ERROR_SRC_MAX];
  ctix_error_clear(&err);
  snprintf(where, sizeof(where), "%s:%lu", file, line);
  ctix__error_set(&err, CTIX_EPARSE, "%s", msg);
  ctix__error_source(&err, where);
  ctix__cli_error(&err);
}

/*
 * Scores one case (a parsed line). Returns 0, a negative CTIX_E code for
 * an internal failure, or 1 when the case is malformed (reported).
 */
static int score_case(ioc_eval *e, json_t *c, const char *file, unsigned long line)
{
  json_t *jid = json_object_get(c, "id"), *jtext = json_object_get(c, "text");
  json_t *jexp = json_object_get(c, "expected"), *scored, *tags, *jfail = NULL;
  json_t *missing_arr = NULL, *extra_arr = NULL;
  const char *id;
  bool bad = false, defanged, right = true;
  ctix_ioc_list *list = NULL;
  ctix_ioc_options io;
  ctix_error err;
  ctix_buf detail = CTIX_BUF_INIT((size_t)1 << 24);
  size_t i, k;
  int rc = 0;

  scored = str_array(c, "scored_types", &bad);
  tags = str_array(c, "tags", &bad);
  if (!json_is_string(jtext) || !scored || bad || (jexp && !json_is_object(jexp)) ||
      (jid && !json_is_string(jid))) {
    line_error(file, line,
               "not a case: needs \"text\" (string), \"scored_types\" (array of strings), "
               "optional \"expected\" (object), \"tags\", \"id\"");
    return 1;
  }
  id = jid ? json_string_value(jid) : "(no id)";
  defanged = json_is_true(json_object_get(c, "defanged"));
  ctix_ioc_options_init(&io);
  io.max_input = MAX_LINE;
  ctix_error_clear(&err);
  if ((rc = ctix_ioc_extract(&list, json_string_value(jtext), json_string_length(jtext), &io,
                             &err))) {
    char where[CTIX_ERROR_SRC_MAX];
    snprintf(where, sizeof(where), "%s:%lu", file, line);
    ctix__error_source(&err, where);
    ctix__cli_error(&err);
    return rc == CTIX_ENOMEM ? rc : 1;
  }
  e->cases++;
  for (i = 0; i < json_array_size(scored); i++) {
    const char *type = json_string_value(json_array_get(scored, i));
    json_t *ev = jexp ? json_object_get(jexp, type) : NULL;
    strset exp = {CTIX_BUF_INIT((size_t)1 << 24)}, pred = {CTIX_BUF_INIT((size_t)1 << 24)};
    size_t tp = 0, fp, fn;
    counts *tc;
    bool dup = false;
    for (k = 0; k < i && !dup; k++)
      dup = strcmp(type, json_string_value(json_array_get(scored, k))) == 0;
    if (dup)
      continue;
    if (ev && json_is_array(ev)) {
      for (k = 0; k < json_array_size(ev) && rc == 0; k++) {
        json_t *x = json_array_get(ev, k);
        if (json_is_string(x))
          rc = set_add(&exp, type, json_string_value(x));
      }
    }
    for (k = 0; k < list->nitems && rc == 0; k++) {
      const ctix_ioc *it = &list->items[k];
      if (it->status == CTIX_IOC_STATUS_REJECTED ||
          strcmp(ctix_ioc_type_name(it->type), type) != 0)
        continue;
      rc = set_add(&pred, type, it->value);
    }
    if (rc) {
      set_free(&exp);
      set_free(&pred);
      goto done;
    }
    for (k = 0; k < set_count(&pred); k++)
      tp += set_has(&exp, CTIX__BUF_AT(&pred.v, char *, k));
    fp = set_count(&pred) - tp;
    fn = set_count(&exp) - tp;
    if ((tc = type_counts(e, type))) {
      tc->cases++;
      add_counts(tc, tp, fp, fn, set_count(&exp));
    }
    add_counts(&e->all, tp, fp, fn, set_count(&exp));
    add_counts(defanged ? &e->defanged : &e->plain, tp, fp, fn, set_count(&exp));
    if (is_core(type)) {
      add_counts(&e->core, tp, fp, fn, set_count(&exp));
      if (defanged)
        add_counts(&e->defanged_core, tp, fp, fn, set_count(&exp));
    }
    if (fp || fn) {
      right = false;
      if (e->jfailing) {
        missing_arr = json_array();
        extra_arr = json_array();
      }
      ctix__buf_addf(&detail, "%s  %s:", detail.len ? "\n" : "", type);
      if (fn) {
        ctix__buf_adds(&detail, " missing [");
        set_diff_text(&detail, &exp, &pred, missing_arr);
        ctix__buf_adds(&detail, "]");
      }
      if (fp) {
        ctix__buf_adds(&detail, " extra [");
        set_diff_text(&detail, &pred, &exp, extra_arr);
        ctix__buf_adds(&detail, "]");
      }
      if (e->jfailing) {
        if (!jfail)
          jfail = json_pack("{s:s, s:[]}", "id", id, "types");
        json_array_append_new(json_object_get(jfail, "types"),
                              json_pack("{s:s, s:o, s:o}", "type", type, "missing",
                                        missing_arr, "extra", extra_arr));
        missing_arr = extra_arr = NULL;
      }
    }
    set_free(&exp);
    set_free(&pred);
  }
  e->all.cases++;
  if (defanged) {
    e->defanged.cases++;
    e->defanged_core.cases++;
  } else {
    e->plain.cases++;
  }
  e->right += right;
  for (i = 0; tags && i < json_array_size(tags); i++)
    count_tag(e, json_string_value(json_array_get(tags, i)), right);
  if (defanged)
    count_tag(e, "defanged", right);
  if (!right) {
    ctix__buf_addf(&e->failing, "%s (%s:%lu)\n", id, file, line);
    if (detail.len) {
      ctix__buf_add(&e->failing, detail.data, detail.len);
      ctix__buf_addc(&e->failing, '\n');
    }
    if (jfail)
      json_array_append_new(e->jfailing, jfail);
    jfail = NULL;
  }
  if (detail.err || e->failing.err)
    rc = CTIX_ENOMEM;
done:
  json_decref(jfail);
  ctix__buf_free(&detail);
  ctix_ioc_list_free(list);
  return rc;
}

/* Scores one parsed line: 0, 1 (malformed, reported) or a CTIX_E code. */
typedef int (*line_fn)(void *ctx, json_t *c, const char *file, unsigned long line);

/* Runs `one` on every line of `file`; returns 0, 1 (some line or the file
 * was bad, reported) or a negative CTIX_E code. */
static int eval_file(const char *file, line_fn one, void *ctx)
{
  ctix__jsonl_reader rd;
  FILE *f = fopen(file, "rb");
  int worst = 0, rc;
  if (!f) {
    ctix__cli_msg("%s: cannot open: %s", file, strerror(errno));
    return 1;
  }
  ctix__jsonl_init(&rd, f, file, MAX_LINE);
  for (;;) {
    ctix_error err;
    json_error_t jerr;
    json_t *c;
    ctix_error_clear(&err);
    rc = ctix__jsonl_next(&rd, &err);
    if (rc == 0)
      break;
    if (rc < 0) {
      ctix__cli_error(&err);
      worst = 1;
      if (rc == CTIX_EIO || rc == CTIX_ENOMEM) {
        worst = rc == CTIX_ENOMEM ? rc : 1;
        break;
      }
      continue;
    }
    c = json_loadb(rd.buf.data, rd.buf.len, 0, &jerr);
    if (!c || !json_is_object(c)) {
      char msg[256];
      if (c)
        snprintf(msg, sizeof(msg), "not a JSON object");
      else
        snprintf(msg, sizeof(msg), "invalid JSON at column %d: %s", jerr.column, jerr.text);
      line_error(file, rd.line, msg);
      json_decref(c);
      worst = 1;
      continue;
    }
    rc = one(ctx, c, file, rd.line);
    json_decref(c);
    if (rc < 0) {
      worst = rc;
      break;
    }
    if (rc > 0)
      worst = 1;
  }
  ctix__jsonl_free(&rd);
  fclose(f);
  return worst;
}

static int one_case(void *ctx, json_t *c, const char *file, unsigned long line)
{
  return score_case(ctx, c, file, line);
}

/* A counts record as a JSON object. */
static json_t *counts_json(const counts *c, bool with_cases)
{
  double p, r, f;
  json_t *o;
  prf(c, &p, &r, &f);
  o = json_object();
  json_object_set_new(o, "precision", p < 0 ? json_null() : json_real(p));
  json_object_set_new(o, "recall", r < 0 ? json_null() : json_real(r));
  json_object_set_new(o, "f1", f < 0 ? json_null() : json_real(f));
  json_object_set_new(o, "tp", json_integer((json_int_t)c->tp));
  json_object_set_new(o, "fp", json_integer((json_int_t)c->fp));
  json_object_set_new(o, "fn", json_integer((json_int_t)c->fn));
  if (with_cases)
    json_object_set_new(o, "cases", json_integer((json_int_t)c->cases));
  json_object_set_new(o, "expected", json_integer((json_int_t)c->expected));
  return o;
}

static int cmp_named(const void *a, const void *b)
{
  return strcmp(((const named_counts *)a)->name, ((const named_counts *)b)->name);
}

static int cmp_tag(const void *a, const void *b)
{
  return strcmp(((const tag_count *)a)->name, ((const tag_count *)b)->name);
}

/* "0.973" or "-" when undefined. */
static void put_ratio(ctix_buf *b, double v)
{
  if (v < 0)
    ctix__buf_addf(b, "  %7s", "-");
  else
    ctix__buf_addf(b, "  %7.3f", v);
}

static void put_row(ctix_buf *b, const char *name, const counts *c, bool cases)
{
  double p, r, f;
  prf(c, &p, &r, &f);
  ctix__buf_addf(b, "%-26s", name);
  if (cases)
    ctix__buf_addf(b, " %6zu", c->cases);
  else
    ctix__buf_addf(b, " %6s", "");
  ctix__buf_addf(b, " %8zu %6zu %6zu %6zu", c->expected, c->tp, c->fp, c->fn);
  put_ratio(b, p);
  put_ratio(b, r);
  put_ratio(b, f);
  ctix__buf_addc(b, '\n');
}

/* Writes the report of an IOC evaluation into b (text or JSON). */
static int ioc_report(ctix_buf *b, ioc_eval *e, const eval_args *o)
{
  size_t i;
  qsort(e->types, e->ntypes, sizeof(e->types[0]), cmp_named);
  qsort(e->tags, e->ntags, sizeof(e->tags[0]), cmp_tag);
  if (o->json) {
    json_t *root = json_object(), *pt = json_object(), *tg = json_object();
    char *s;
    json_object_set_new(root, "cases", json_integer((json_int_t)e->cases));
    json_object_set_new(root, "fully_right", json_integer((json_int_t)e->right));
    json_object_set_new(root, "micro", counts_json(&e->all, true));
    json_object_set_new(root, "micro_core", counts_json(&e->core, false));
    json_object_set_new(root, "defanged", counts_json(&e->defanged, true));
    json_object_set_new(root, "defanged_core", counts_json(&e->defanged_core, true));
    json_object_set_new(root, "plain", counts_json(&e->plain, true));
    for (i = 0; i < e->ntypes; i++)
      json_object_set_new(pt, e->types[i].name, counts_json(&e->types[i].c, true));
    json_object_set_new(root, "per_type", pt);
    for (i = 0; i < e->ntags; i++)
      json_object_set_new(tg, e->tags[i].name,
                          json_pack("{s:I, s:I}", "right", (json_int_t)e->tags[i].right,
                                    "cases", (json_int_t)e->tags[i].total));
    json_object_set_new(root, "tags", tg);
    if (e->jfailing)
      json_object_set(root, "failing", e->jfailing);
    s = json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(6));
    json_decref(root);
    if (!s)
      return CTIX_ENOMEM;
    ctix__buf_adds(b, s);
    ctix__buf_addc(b, '\n');
    free(s);
    return b->err;
  }
  ctix__buf_addf(b, "ctix eval ioc: %zu cases from %zu file%s, %zu fully right\n\n", e->cases,
                 o->nfiles, o->nfiles == 1 ? "" : "s", e->right);
  ctix__buf_addf(b, "%-26s %6s %8s %6s %6s %6s  %7s  %7s  %7s\n", "type", "cases", "expected",
                 "tp", "fp", "fn", "prec", "recall", "F1");
  for (i = 0; i < e->ntypes; i++)
    put_row(b, e->types[i].name, &e->types[i].c, true);
  ctix__buf_addc(b, '\n');
  put_row(b, "micro (all types)", &e->all, true);
  put_row(b, "micro (core 10 types)", &e->core, false);
  put_row(b, "defanged cases", &e->defanged, true);
  put_row(b, "defanged cases (core 10)", &e->defanged_core, true);
  put_row(b, "plain cases", &e->plain, true);
  ctix__buf_adds(b, "\ncore 10 types: ipv4 ipv6 domain url email md5 sha1 sha256 sha512 cve\n");
  if (e->ntags) {
    ctix__buf_adds(b, "\ncases fully right per tag:\n");
    for (i = 0; i < e->ntags; i++)
      ctix__buf_addf(b, "  %-22s %4zu/%zu\n", e->tags[i].name, e->tags[i].right,
                     e->tags[i].total);
  }
  if (e->cases > e->right) {
    if (o->verbose && e->failing.len) {
      ctix__buf_addf(b, "\nfailing cases (%zu):\n", e->cases - e->right);
      ctix__buf_add(b, e->failing.data, e->failing.len);
    } else {
      ctix__buf_addf(b, "\n%zu failing cases (--verbose lists them)\n", e->cases - e->right);
    }
  }
  return b->err;
}

static int eval_ioc(const eval_args *o, ctix_buf *out)
{
  ioc_eval *e = calloc(1, sizeof(*e));
  size_t i;
  int worst = 0, rc = 0;
  if (!e)
    return CTIX_ENOMEM;
  ctix__buf_init(&e->failing, (size_t)1 << 28);
  if (o->json && o->verbose && !(e->jfailing = json_array())) {
    rc = CTIX_ENOMEM;
    goto done;
  }
  for (i = 0; i < o->nfiles; i++) {
    rc = eval_file(o->files[i], one_case, e);
    if (rc < 0)
      goto done;
    if (rc > 0)
      worst = 1;
  }
  rc = ioc_report(out, e, o);
  if (rc == 0)
    rc = worst;
done:
  json_decref(e->jfailing);
  ctix__buf_free(&e->failing);
  free(e);
  return rc;
}

/* ----------------------------------------------------------- eval refang */

typedef struct refang_eval {
  size_t pairs, passed;
  ctix_buf failing;
  json_t *jfailing;
} refang_eval;

/* Appends s with control characters shown as \n, \t or '?'. */
static void add_visible(ctix_buf *b, const char *s, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\n')
      ctix__buf_adds(b, "\\n");
    else if (c == '\t')
      ctix__buf_adds(b, "\\t");
    else if (c < 0x20 || c == 0x7f)
      ctix__buf_addc(b, '?');
    else
      ctix__buf_addc(b, (char)c);
  }
}

static int one_pair(void *ctx, json_t *c, const char *file, unsigned long line)
{
  refang_eval *e = ctx;
  json_t *jd = json_object_get(c, "defanged"), *jf = json_object_get(c, "fanged");
  json_t *jid = json_object_get(c, "id");
  const char *id;
  char *got = NULL;
  size_t glen = 0;
  ctix_error err;
  int rc;
  if (!json_is_string(jd) || !json_is_string(jf) || (jid && !json_is_string(jid))) {
    line_error(file, line, "not a pair: needs \"defanged\" and \"fanged\" strings");
    return 1;
  }
  id = jid ? json_string_value(jid) : "(no id)";
  ctix_error_clear(&err);
  if ((rc = ctix_refang(&got, &glen, json_string_value(jd), json_string_length(jd), &err))) {
    char where[CTIX_ERROR_SRC_MAX];
    snprintf(where, sizeof(where), "%s:%lu", file, line);
    ctix__error_source(&err, where);
    ctix__cli_error(&err);
    return rc == CTIX_ENOMEM ? rc : 1;
  }
  e->pairs++;
  if (glen == json_string_length(jf) && memcmp(got, json_string_value(jf), glen) == 0) {
    e->passed++;
  } else {
    ctix__buf_addf(&e->failing, "%s (%s:%lu)\n  in:   ", id, file, line);
    add_visible(&e->failing, json_string_value(jd), json_string_length(jd));
    ctix__buf_adds(&e->failing, "\n  got:  ");
    add_visible(&e->failing, got, glen);
    ctix__buf_adds(&e->failing, "\n  want: ");
    add_visible(&e->failing, json_string_value(jf), json_string_length(jf));
    ctix__buf_addc(&e->failing, '\n');
    if (e->jfailing)
      json_array_append_new(e->jfailing,
                            json_pack("{s:s, s:O, s:s%, s:O}", "id", id, "defanged", jd, "got",
                                      got, glen, "fanged", jf));
  }
  free(got);
  return e->failing.err ? CTIX_ENOMEM : 0;
}

static int eval_refang(const eval_args *o, ctix_buf *out)
{
  refang_eval e;
  size_t i;
  int worst = 0, rc = 0;
  double pct;
  memset(&e, 0, sizeof(e));
  ctix__buf_init(&e.failing, (size_t)1 << 28);
  if (o->json && o->verbose && !(e.jfailing = json_array())) {
    rc = CTIX_ENOMEM;
    goto done;
  }
  for (i = 0; i < o->nfiles; i++) {
    rc = eval_file(o->files[i], one_pair, &e);
    if (rc < 0)
      goto done;
    if (rc > 0)
      worst = 1;
  }
  pct = e.pairs ? 100.0 * (double)e.passed / (double)e.pairs : 0.0;
  if (o->json) {
    json_t *root = json_pack("{s:I, s:I, s:I, s:f}", "pairs", (json_int_t)e.pairs, "passed",
                             (json_int_t)e.passed, "failed", (json_int_t)(e.pairs - e.passed),
                             "percent", pct);
    char *s;
    if (root && e.jfailing)
      json_object_set(root, "failing", e.jfailing);
    s = root ? json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
    json_decref(root);
    if (!s) {
      rc = CTIX_ENOMEM;
      goto done;
    }
    ctix__buf_adds(out, s);
    ctix__buf_addc(out, '\n');
    free(s);
  } else {
    ctix__buf_addf(out, "ctix eval refang: %zu/%zu pairs refanged exactly (%.2f%%)\n", e.passed,
                   e.pairs, pct);
    if (e.pairs > e.passed) {
      if (o->verbose) {
        ctix__buf_addf(out, "\nfailing pairs (%zu):\n", e.pairs - e.passed);
        ctix__buf_add(out, e.failing.data, e.failing.len);
      } else {
        ctix__buf_addf(out, "%zu failing pairs (--verbose lists them)\n", e.pairs - e.passed);
      }
    }
  }
  rc = out->err ? out->err : worst;
done:
  json_decref(e.jfailing);
  ctix__buf_free(&e.failing);
  return rc;
}

/* -------------------------------------------------------------- command */

/* `eval ttp`: technique mapping (eval_ttp.c). */
static int eval_ttp(const eval_args *o, ctix_buf *out)
{
  ctix__eval_ttp_opts t = o->ttp;
  int rc;
  t.json = o->json;
  t.verbose = o->verbose;
  rc = ctix__eval_ttp(&t, o->files, o->nfiles, out);
  return rc == 2 ? CTIX_EXIT_USAGE + 100 : rc;
}

/* The sub-commands of `ctix eval`. */
static const struct {
  const char *name;
  int (*run)(const eval_args *o, ctix_buf *out);
} subs[] = {
    {"ioc", eval_ioc},
    {"refang", eval_refang},
    {"ttp", eval_ttp},
};

/*
 * Evaluations with their own argument parsing, in their own files
 * (cli/eval.h): each gets argv with its name first and the other
 * arguments of `ctix eval` after it, in order.
 */
static const struct {
  const char *name;
  int (*run)(int argc, char **argv);
} ext_subs[] = {
    {"entities", ctix__eval_entities},
    {"attribution", ctix__eval_attribution},
    {"sigma", ctix__eval_sigma},
};

/* Runs an external evaluation if the first operand names one; -1 if not. */
static int run_ext_sub(int argc, char **argv)
{
  size_t i, k;
  int j, first = -1, n = 0, rc;
  char **v;
  for (j = 1; j < argc; j++)
    if (argv[j][0] != '-' || !argv[j][1]) {
      first = j;
      break;
    }
  if (first < 0)
    return -1;
  for (i = 0, k = sizeof(ext_subs) / sizeof(ext_subs[0]); i < k; i++)
    if (strcmp(argv[first], ext_subs[i].name) == 0)
      break;
  if (i == k)
    return -1;
  v = calloc((size_t)argc + 1, sizeof(*v));
  if (!v) {
    ctix__cli_msg("out of memory");
    return CTIX_EXIT_INTERNAL;
  }
  v[n++] = argv[first];
  for (j = 1; j < argc; j++)
    if (j != first)
      v[n++] = argv[j];
  rc = ext_subs[i].run(n, v);
  free(v);
  return rc;
}

static int run_eval(int argc, char **argv)
{
  ctix__cli_args p;
  const char *arg, *sub = NULL, *names[sizeof(subs) / sizeof(subs[0])];
  eval_args o;
  ctix_buf files = CTIX_BUF_INIT((size_t)1 << 24), out = CTIX_BUF_INIT((size_t)-1 / 2);
  ctix_buf sets = CTIX_BUF_INIT((size_t)1 << 16);
  size_t i, k = sizeof(subs) / sizeof(subs[0]);
  int id, rc = 0;

  if ((rc = run_ext_sub(argc, argv)) >= 0)
    return rc;
  rc = 0;
  memset(&o, 0, sizeof(o));
  for (i = 0; i < k; i++)
    names[i] = subs[i].name;
  ctix__cli_args_init(&p, argc, argv, "eval", eval_cli_opts);
  while ((id = ctix__cli_args_next(&p, &arg)) != CTIX__CLI_END) {
    switch (id) {
    case CTIX__CLI_BAD: rc = CTIX_EXIT_USAGE; goto done;
    case OPT_HELP:
      ctix__cli_print_help(stdout, &ctix__cli_cmd_eval);
      goto done;
    case OPT_JSON: o.json = true; break;
    case OPT_VERBOSE: o.verbose = true; break;
    case OPT_LABELS: o.ttp.labels = arg; break;
    case OPT_PARENTS: o.ttp.parents = true; break;
    case OPT_IGNORE_IDS: o.ttp.ignore_ids = true; break;
    case OPT_IMPLIED: o.ttp.implied = true; break;
    case OPT_CUE_PRIORS: o.ttp.cue_priors = true; break;
    case OPT_CV_CUES: o.ttp.cv_cues = arg; break;
    case OPT_TRACE: o.ttp.trace = arg; break;
    case OPT_NEG: o.ttp.neg = arg; break;
    case OPT_NB: o.ttp.nb = arg; break;
    case OPT_SIGMA_ROWS: o.ttp.sigma = arg; break;
    case OPT_MODEL: o.ttp.model = arg; break;
    case OPT_SHARED: o.ttp.shared = arg; break;
    case OPT_CV_CACHE: o.ttp.cache = arg; break;
    case OPT_SOLVER: o.ttp.solver = arg; break;
    case OPT_CV: {
      uint64_t v;
      if (ctix__parse_size(&v, arg, strlen(arg)) || v < 1 || v > 100) {
        rc = ctix__cli_usage("eval", "--cv wants a number of folds from 1 to 100, not '%s'", arg);
        goto done;
      }
      o.ttp.cv = (unsigned)v;
      break;
    }
    case OPT_COST: {
      char *end;
      o.ttp.c = strtod(arg, &end);
      if (end == arg || *end || !(o.ttp.c > 0 && o.ttp.c < 1e6)) {
        rc = ctix__cli_usage("eval", "--cost wants a positive number, not '%s'", arg);
        goto done;
      }
      break;
    }
    case OPT_SET:
      if (ctix__buf_push(&sets, &arg, sizeof(arg))) {
        rc = ctix__cli_usage("eval", "too many --set options");
        goto done;
      }
      o.ttp.sets = (const char *const *)(void *)sets.data;
      o.ttp.nsets = CTIX__BUF_COUNT(&sets, const char *);
      break;
    case OPT_RULES:
    case OPT_SHOW:
      rc = ctix__cli_usage("eval", "--%s belongs to 'ctix eval sigma FILE.jsonl --rules DIR'",
                           id == OPT_RULES ? "rules" : "show");
      goto done;
    case CTIX__CLI_OPERAND:
      if (!sub)
        sub = arg;
      else if (ctix__buf_push(&files, &arg, sizeof(arg)))
        rc = ctix__cli_usage("eval", "too many files");
      if (rc)
        goto done;
      break;
    default: break;
    }
  }
  if (!sub) {
    rc = ctix__cli_usage("eval", "no evaluation named (ioc, refang or ttp)");
    goto done;
  }
  for (i = 0; i < k; i++)
    if (strcmp(sub, subs[i].name) == 0)
      break;
  if (i == k) {
    const char *hint = ctix__cli_suggest(sub, names, k);
    if (hint)
      rc = ctix__cli_usage("eval", "unknown evaluation '%s' (did you mean '%s'?)", sub, hint);
    else
      rc = ctix__cli_usage("eval", "unknown evaluation '%s' (ioc, refang or ttp)", sub);
    goto done;
  }
  o.nfiles = CTIX__BUF_COUNT(&files, const char *);
  o.files = o.nfiles ? (const char **)(void *)files.data : NULL;
  if (!o.nfiles) {
    rc = ctix__cli_usage("eval", "no FILE.jsonl given to 'eval %s'", sub);
    goto done;
  }
  rc = subs[i].run(&o, &out);
  if (rc == CTIX_EXIT_USAGE + 100) {
    rc = CTIX_EXIT_USAGE;
    goto done;
  }
  if (rc < 0) {
    ctix__cli_msg("out of memory");
    rc = CTIX_EXIT_INTERNAL;
    goto done;
  }
  rc = rc ? CTIX_EXIT_INPUT : CTIX_EXIT_OK;
  if ((out.len && fwrite(out.data, 1, out.len, stdout) != out.len) || fflush(stdout) != 0 ||
      ferror(stdout)) {
    ctix__cli_msg("cannot write to standard output");
    rc = CTIX_EXIT_OUTPUT;
  }
done:
  ctix__buf_free(&files);
  ctix__buf_free(&sets);
  ctix__buf_free(&out);
  return rc;
}

const ctix_cli_cmd ctix__cli_cmd_eval = {
    "eval",
    "Measure ctix against labelled evaluation data",
    "Usage: ctix eval ioc [OPTION]... FILE.jsonl...\n"
    "       ctix eval refang [OPTION]... FILE.jsonl...\n"
    "       ctix eval entities [--json] DIR\n"
    "       ctix eval attribution [--json]\n"
    "       ctix eval sigma FILE.jsonl --rules DIR [--json] [--show N]\n"
    "       ctix eval ttp [OPTION]... FILE.jsonl...\n"
    "\n"
    "Evaluations:\n"
    "  ioc     IOC extraction on test cases, one JSON object per line:\n"
    "          {\"id\", \"text\", \"expected\": {TYPE: [VALUE...]},\n"
    "          \"scored_types\": [TYPE...], \"tags\", \"defanged\"} (the format of\n"
    "          ../shared/data/ioc/*/cases.dev.jsonl). Prints precision, recall\n"
    "          and F1 per type, micro-averaged over all types and over the ten\n"
    "          core types, for defanged and plain cases apart, and the cases\n"
    "          fully right per tag. Only each case's scored_types count; values\n"
    "          are compared in canonical form; ioc and benign observables are\n"
    "          predictions, rejected candidates are not.\n"
    "  refang  ctix refang on pairs {\"id\", \"defanged\", \"fanged\"}: the share\n"
    "          of pairs refanged exactly.\n"
    "  entities  actors, malware, tools and CVEs found in DIR/<id>.text.txt against\n"
    "          the authors' lists in DIR/<id>.json (the article corpus format):\n"
    "          recall and precision per kind and per article; --json gives\n"
    "          recall, precision and per_kind.{actors,malware,cves,tools}.\n"
    "  attribution  attribution by resemblance on ATT&CK's campaigns that are\n"
    "          attributed to a group, each left out of every profile: top-1\n"
    "          and top-5 rates of the group; --json gives n, top1, top5.\n"
    "  sigma   Sigma conversion against a reference file of converted rules\n"
    "          {rule, id, query, error} (../shared/data/sigma/reference/\n"
    "          TARGET[__PIPELINE...].jsonl): converts each listed rule of the\n"
    "          --rules DIR the same way and prints the share of identical\n"
    "          queries and the agreement on success or error; --json gives\n"
    "          identical, both_ok, ctix_only_ok, pysigma_only_ok, n; --show N\n"
    "          lists the first N differences.\n"
    "  ttp     ATT&CK technique mapping on items {\"id\", \"text\",\n"
    "          \"techniques\": [ID...]} (../shared/data/ttp-eval/*/dev.jsonl):\n"
    "          precision, recall, micro and macro F1 and the per-document F1\n"
    "          (F1 of each item's predicted and gold sets, averaged; both\n"
    "          empty scores 1).\n"
    "\n"
    "Options:\n"
    "      --json        print one JSON object: ioc: micro, micro_core,\n"
    "                    defanged, defanged_core, plain, per_type.TYPE (each\n"
    "                    with precision, recall, f1, tp, fp, fn), tags;\n"
    "                    refang: pairs, passed, failed, percent\n"
    "  -v, --verbose     list the failing cases (ids, missing and extra\n"
    "                    values; for refang the input, result and expected)\n"
    "  -h, --help        show this help\n"
    "\n"
    "Options of eval ttp:\n"
    "      --labels tram50  fold predictions and gold into the TRAM-50 labels\n"
    "                    (kept if listed, else the parent if listed, else dropped)\n"
    "      --parents     roll both sides up to parent techniques\n"
    "      --ignore-explicit-ids  do not use literal technique ids (T1059)\n"
    "      --model FILE  use this model instead of the embedded one\n"
    "      --cv K        cross-validate by report: train K models, each without\n"
    "                    every training row from its fold's reports, on the\n"
    "                    shared data (needs ../shared); K = 1: hold-out, one\n"
    "                    model trained without any of the file's reports\n"
    "      --shared DIR  the shared data folder for --cv (default: taken from\n"
    "                    FILE's path, .../data/ttp-eval/..., else ../shared)\n"
    "      --cv-cache DIR  keep the fold models in DIR and reuse them\n"
    "      --solver NAME  --cv training: svm (L2-loss SVM, default) or logreg\n"
    "      --cost C      --cv training: the regularisation constant C\n"
    "      --neg MODE    --cv training: a class's negatives: report (default, as\n"
    "                    the committed model: not the unlabelled sentences of a\n"
    "                    report that has the class's family), all, or window:N\n"
    "                    (only within N sentences of a sentence labelled with\n"
    "                    it); mil-add:M, mil-drop:M\n"
    "                    (train twice: those sentences scoring over M become\n"
    "                    positives / are left out the second time)\n"
    "      --nb SPEC     --cv training: naive-Bayes scaled features (NBSVM):\n"
    "                    bin or value, then ,a=A ,b=B ,clip=R (docs/ttp.md)\n"
    "      --sigma-rows WHAT  --cv training: also a row per Sigma rule of\n"
    "                    data/sigma/rules, its title or title and desc(ription)\n"
    "      --set NAME=VALUE  change a decision parameter of the model (see\n"
    "                    'ctix model info'); repeatable\n"
    "      --implied     also count implied techniques (of named software and\n"
    "                    groups) as predictions; by default they are not\n"
    "      --cue-priors  lexicon cues weigh their prior, not their weight\n"
    "                    measured on the dev sets (an honest cross-validation)\n"
    "      --cv-cues DIR  --cv: map fold F with the lexicon DIR/cues-fF.tsv\n"
    "                    (weights fitted without the fold: tools/ttp/cue_folds.py)\n"
    "      --trace FILE  write what the document decision saw for each item (class\n"
    "                    scores per sentence, rule hits, threshold, gold and\n"
    "                    predicted labels) to FILE: tools/ttp/decide_replay.py\n"
    "\n"
    "Options of eval sigma:\n"
    "      --rules DIR   the Sigma rules the reference file names\n"
    "      --show N      list the first N differences\n"
    "\n"
    "Examples:\n"
    "  ctix eval ioc ../shared/data/ioc/*/cases.dev.jsonl\n"
    "  ctix eval ioc --json ../shared/data/ioc/iocextract/cases.dev.jsonl\n"
    "  ctix eval refang --verbose ../shared/data/ioc/refang/pairs.dev.jsonl\n"
    "  ctix eval ttp --labels tram50 ../shared/data/ttp-eval/tram2-docs/dev.jsonl\n"
    "  ctix eval ttp --parents --cv 5 ../shared/data/ttp-eval/annoctr/dev.jsonl\n"
    "\n"
    "Exit status: 0 evaluated, 1 a file or line could not be read (reported\n"
    "as FILE:LINE; the rest was evaluated), 2 bad command line, 3 output\n"
    "could not be written, 4 internal error.\n",
    run_eval,
};
