/*
 * The output directory of `ctix analyze -o DIR`: the table of output
 * formats (--format), the safe and unique per-document folder names, and
 * the file writing (created with its parents, written to a temporary file
 * and renamed, so a reader never sees half a report).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli_internal.h"
#include "ctix/export.h"
#include "ctix/respond.h"
#include "ctix/render.h"
#include "export/export_internal.h"
#include "util/hash.h"
#include "util/str.h"

/* Pretty JSON for the file; --no-text is passed in through `flags`. */
static int write_json(char **out, size_t *len, ctix__out_doc *d, ctix_error *err)
{
  return ctix_report_json(out, len, d->a, d->o->report_flags | CTIX_REPORT_PRETTY, err);
}

/* The options of the export writers from those of the command line. */
static void export_opts(ctix_export_options *e, const ctix__out_opts *o)
{
  ctix_export_options_init(e);
  if (o->tlp)
    e->tlp = o->tlp;
  if (o->producer)
    e->producer = o->producer;
}

/* The TLP levels --tlp accepts (those of the export writers). */
static const char *const tlp_names[] = {"clear", "green", "amber", "amber+strict", "red"};

int ctix__out_check_tlp(const char **tlp, const char *cmd)
{
  size_t i;
  const char *t = *tlp;
  if (strncmp(t, "TLP:", 4) == 0 || strncmp(t, "tlp:", 4) == 0)
    t += 4;
  for (i = 0; i < sizeof(tlp_names) / sizeof(tlp_names[0]); i++)
    if (ctix__mem_ieq(t, strlen(t), tlp_names[i])) {
      *tlp = tlp_names[i];
      return 0;
    }
  return ctix__cli_usage(cmd, "unknown TLP level '%s' (clear, green, amber, amber+strict or red)",
                         *tlp);
}

/*
 * The export writers end their text with a newline, which the file writer
 * adds itself: drop it here (for CSV the "\r" stays, so lines end CRLF).
 */
static int drop_final_newline(int rc, char **out, size_t *len)
{
  if (rc == 0 && *len > 0 && (*out)[*len - 1] == '\n')
    (*out)[--*len] = '\0';
  return rc;
}

void ctix__out_doc_clear(ctix__out_doc *d)
{
  ctix_stix_bundle_free(d->bundle);
  d->bundle = NULL;
}

/* The document's STIX bundle (--tlp, --producer), made on the first call
 * in the forms the chosen formats read (all when not told). */
static int doc_bundle(const ctix_stix_bundle **out, ctix__out_doc *d, ctix_error *err)
{
  ctix_export_options e;
  int rc;
  if (!d->bundle) {
    unsigned forms = d->stix_forms ? d->stix_forms
                                   : CTIX__STIX_PRETTY | CTIX__STIX_COMPACT | CTIX__STIX_OBJECTS;
    export_opts(&e, d->o);
    if ((rc = ctix__export_stix_build(&d->bundle, d->a, &e, forms, err)))
      return rc;
  }
  *out = d->bundle;
  return 0;
}

/* bundle.stix.json: the shared bundle's indented text. */
static int write_stix(char **out, size_t *len, ctix__out_doc *d, ctix_error *err)
{
  const ctix_stix_bundle *b = NULL;
  const char *text;
  size_t n = 0;
  int rc;
  *out = NULL;
  *len = 0;
  if ((rc = doc_bundle(&b, d, err)))
    return rc;
  text = ctix_stix_bundle_json(b, true, &n);
  if (!(*out = malloc(n + 1)))
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  memcpy(*out, text, n + 1);
  *len = n;
  return drop_final_newline(0, out, len);
}

/* The layer of ATT&CK domain `domain`; none (*out NULL) for a domain other
 * than Enterprise without a technique in the analysis. */
static int write_layer(char **out, size_t *len, ctix__out_doc *d, unsigned domain,
                       ctix_error *err)
{
  ctix_export_options e;
  size_t n = 0;
  int rc;
  if (domain != CTIX_KB_ENTERPRISE) {
    if ((rc = ctix_export_count_domain(&n, d->a, domain)))
      return ctix__error_set(err, rc, "navigator: no analysis");
    if (n == 0) {
      *out = NULL;
      *len = 0;
      return 0;
    }
  }
  export_opts(&e, d->o);
  return drop_final_newline(ctix_export_navigator_domain(out, len, d->a, domain, &e, err), out,
                            len);
}

static int write_navigator(char **out, size_t *len, ctix__out_doc *d, ctix_error *err)
{
  return write_layer(out, len, d, CTIX_KB_ENTERPRISE, err);
}

static int write_navigator_mobile(char **out, size_t *len, ctix__out_doc *d, ctix_error *err)
{
  return write_layer(out, len, d, CTIX_KB_MOBILE, err);
}

static int write_navigator_ics(char **out, size_t *len, ctix__out_doc *d, ctix_error *err)
{
  return write_layer(out, len, d, CTIX_KB_ICS, err);
}

static int write_misp(char **out, size_t *len, ctix__out_doc *d, ctix_error *err)
{
  ctix_export_options e;
  export_opts(&e, d->o);
  return drop_final_newline(ctix_export_misp(out, len, d->a, &e, err), out, len);
}

static int write_csv(char **out, size_t *len, ctix__out_doc *d, ctix_error *err)
{
  ctix_export_options e;
  export_opts(&e, d->o);
  return drop_final_newline(ctix_export_csv(out, len, d->a, &e, err), out, len);
}

/* report.html and report.md draw the shared bundle (its --tlp and --producer). */
static int write_html(char **out, size_t *len, ctix__out_doc *d, ctix_error *err)
{
  ctix_render_options r;
  int rc;
  ctix_render_options_init(&r);
  r.no_text = (d->o->report_flags & CTIX_REPORT_NO_TEXT) != 0;
  if ((rc = doc_bundle(&r.bundle, d, err)))
    return rc;
  return drop_final_newline(ctix_render_html(out, len, d->a, &r, err), out, len);
}

static int write_md(char **out, size_t *len, ctix__out_doc *d, ctix_error *err)
{
  ctix_render_options r;
  int rc;
  ctix_render_options_init(&r);
  if ((rc = doc_bundle(&r.bundle, d, err)))
    return rc;
  return drop_final_newline(ctix_render_markdown(out, len, d->a, &r, err), out, len);
}

/* response.md: response steps, countermeasures and the rule list. */
static int write_response(char **out, size_t *len, ctix__out_doc *d, ctix_error *err)
{
  return ctix_response_markdown(out, len, d->a, d->a->response, err);
}

/* sigma/: one YAML file per rule of the "response" stage. */
static size_t sigma_nfiles(const ctix_analysis *a)
{
  return a->response ? a->response->nrules : 0;
}

static int sigma_write_nth(char **out, size_t *len, const char **name, const ctix_analysis *a,
                           size_t i, ctix_error *err)
{
  const ctix_response_rule *r = &a->response->rules[i];
  size_t n = r->yaml ? strlen(r->yaml) : 0;
  *name = r->file_name;
  if (!r->file_name || !r->file_name[0] || r->file_name[0] == '.' || strchr(r->file_name, '/'))
    return ctix__error_set(err, CTIX_EINVAL, "unsafe Sigma rule file name '%s'",
                           r->file_name ? r->file_name : "");
  *out = malloc(n + 1);
  if (!*out)
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  memcpy(*out, r->yaml ? r->yaml : "", n + 1);
  *len = n;
  return 0;
}

/*
 * Output formats, in the order their files are written. Later stages add
 * rows here (stix: bundle.stix.json, navigator: layer.json, ...). Rows of
 * one name are chosen together: navigator writes the Enterprise layer, and
 * a Mobile or ICS layer only for a document with such techniques.
 */
const ctix__out_format ctix__out_formats[] = {
    {"json", "report.json", write_json, NULL, NULL, 0},
    {"stix", "bundle.stix.json", write_stix, NULL, NULL, CTIX__STIX_PRETTY},
    {"navigator", "layer.json", write_navigator, NULL, NULL, 0},
    {"navigator", "layer-mobile.json", write_navigator_mobile, NULL, NULL, 0},
    {"navigator", "layer-ics.json", write_navigator_ics, NULL, NULL, 0},
    {"misp", "misp-event.json", write_misp, NULL, NULL, 0},
    {"csv", "iocs.csv", write_csv, NULL, NULL, 0},
    {"html", "report.html", write_html, NULL, NULL, CTIX__STIX_COMPACT},
    {"md", "report.md", write_md, NULL, NULL, CTIX__STIX_OBJECTS},
    {"response", "response.md", write_response, NULL, NULL, 0},
    {"sigma", "sigma", NULL, sigma_nfiles, sigma_write_nth, 0},
};
const size_t ctix__out_nformats = sizeof(ctix__out_formats) / sizeof(ctix__out_formats[0]);

unsigned ctix__out_stix_forms(unsigned set)
{
  unsigned forms = 0;
  size_t i;
  for (i = 0; i < ctix__out_nformats; i++)
    if (set & (1u << i))
      forms |= ctix__out_formats[i].stix_forms;
  return forms;
}

/* "json, stix, ..., all" for messages. */
static void list_formats(char *out, size_t outsize)
{
  size_t i, used = 0;
  out[0] = '\0';
  for (i = 0; i < ctix__out_nformats && used < outsize; i++) {
    int n;
    if (i && strcmp(ctix__out_formats[i].name, ctix__out_formats[i - 1].name) == 0)
      continue; /* a second file of the same format */
    n = snprintf(out + used, outsize - used, "%s%s", i ? ", " : "", ctix__out_formats[i].name);
    if (n < 0)
      break;
    used += (size_t)n;
  }
  if (used < outsize)
    snprintf(out + used, outsize - used, ", all");
}

int ctix__out_parse_formats(unsigned *set, const char *list, const char *cmd)
{
  const char *p = list;
  char avail[256];
  *set = 0;
  list_formats(avail, sizeof(avail));
  for (;;) {
    const char *comma = strchr(p, ',');
    size_t n = comma ? (size_t)(comma - p) : strlen(p), i;
    const char *name = ctix__trim(p, &n);
    bool found = false;
    if (n == 0)
      return ctix__cli_usage(cmd, "empty name in --format '%s' (available: %s)", list, avail);
    for (i = 0; i < ctix__out_nformats; i++)
      if (ctix__mem_ieq(name, n, ctix__out_formats[i].name) || ctix__mem_ieq(name, n, "all")) {
        *set |= 1u << i;
        found = true;
      }
    if (!found)
      return ctix__cli_usage(cmd, "unknown format '%.*s' in --format (available: %s)", (int)n,
                             name, avail);
    if (!comma)
      break;
    p = comma + 1;
  }
  return 0;
}

/* ------------------------------------------------------------ folder names */

#define STEM_MAX 96

void ctix__stems_free(ctix__stems *s)
{
  size_t i;
  for (i = 0; i < s->cap; i++)
    free(s->slots[i]);
  free(s->slots);
  memset(s, 0, sizeof(*s));
}

/* FNV-1a over the ASCII-lowercased name. */
static uint64_t stem_hash(const char *s)
{
  return ctix__fnv1a_str_lower(s);
}

static bool stem_eq(const char *a, const char *b)
{
  return ctix__mem_ieq(a, strlen(a), b);
}

static bool stems_has(const ctix__stems *s, const char *name)
{
  size_t i;
  if (!s->cap)
    return false;
  for (i = (size_t)stem_hash(name) & (s->cap - 1); s->slots[i]; i = (i + 1) & (s->cap - 1))
    if (stem_eq(s->slots[i], name))
      return true;
  return false;
}

/* Inserts a copy of `name` (known to be absent); the table stays <= 1/2 full. */
static int stems_insert(ctix__stems *s, const char *name)
{
  size_t i, len = strlen(name);
  char *copy;
  if ((s->count + 1) * 2 > s->cap) {
    size_t ncap = s->cap ? s->cap * 2 : 64, k;
    char **slots = calloc(ncap, sizeof(*slots));
    if (!slots)
      return CTIX_ENOMEM;
    for (k = 0; k < s->cap; k++) {
      if (!s->slots[k])
        continue;
      for (i = (size_t)stem_hash(s->slots[k]) & (ncap - 1); slots[i]; i = (i + 1) & (ncap - 1))
        ;
      slots[i] = s->slots[k];
    }
    free(s->slots);
    s->slots = slots;
    s->cap = ncap;
  }
  copy = malloc(len + 1);
  if (!copy)
    return CTIX_ENOMEM;
  memcpy(copy, name, len + 1);
  for (i = (size_t)stem_hash(name) & (s->cap - 1); s->slots[i]; i = (i + 1) & (s->cap - 1))
    ;
  s->slots[i] = copy;
  s->count++;
  return 0;
}

/* Appends s[0..n) to out with every byte outside [A-Za-z0-9._-] made '_'. */
static void add_safe(char *out, size_t *used, const char *s, size_t n)
{
  size_t i;
  for (i = 0; i < n && *used < STEM_MAX; i++) {
    unsigned char c = (unsigned char)s[i];
    out[(*used)++] = (ctix__isalnum(c) || c == '.' || c == '-' || c == '_') ? (char)c : '_';
  }
  out[*used] = '\0';
}

int ctix__stems_add(ctix__stems *s, ctix_buf *out, const char *name, bool is_path)
{
  char base[STEM_MAX + 1], cand[2 * STEM_MAX + 32];
  const char *b = name, *slash, *dot = NULL;
  size_t n, used = 0, k;
  unsigned long i;
  if (is_path) {
    if (strcmp(name, "-") == 0)
      b = "stdin";
    /* The base name (a trailing slash is not expected: inputs are files). */
    while ((slash = strchr(b, '/')) != NULL && slash[1])
      b = slash + 1;
    dot = strrchr(b, '.');
    if (dot == b)
      dot = NULL;
  }
  n = dot ? (size_t)(dot - b) : strlen(b);
  add_safe(base, &used, b, n);
  /* Names of dots only ("", ".", "..") would not be folders of their own. */
  for (k = 0; k < used && base[k] == '.'; k++)
    ;
  if (k == used) {
    used = 0;
    add_safe(base, &used, "input", 5);
  }
  snprintf(cand, sizeof(cand), "%s", base);
  if (stems_has(s, cand) && dot && dot[1]) {
    char ext[STEM_MAX + 1];
    size_t eu = 0;
    add_safe(ext, &eu, dot + 1, strlen(dot + 1));
    snprintf(cand, sizeof(cand), "%s-%s", base, ext);
  }
  for (i = 2; stems_has(s, cand); i++)
    snprintf(cand, sizeof(cand), "%s-%lu", base, i);
  if (stems_insert(s, cand))
    return CTIX_ENOMEM;
  return ctix__buf_adds(out, cand);
}

/* ------------------------------------------------------------------ files */

int ctix__out_mkdirs(const char *dir, ctix_error *err)
{
  ctix_buf path = CTIX_BUF_INIT(4096);
  size_t i;
  int rc = 0;
  struct stat st;
  if (ctix__buf_adds(&path, dir)) {
    rc = ctix__error_set(err, CTIX_EINVAL, "output folder name too long");
    goto done;
  }
  /* Create each prefix that ends before a '/', then the whole path. */
  for (i = 1; i <= path.len; i++) {
    char saved;
    if (i < path.len && path.data[i] != '/')
      continue;
    saved = path.data[i];
    path.data[i] = '\0';
    if (mkdir(path.data, 0777) != 0 && errno != EEXIST) {
      rc = ctix__error_set(err, CTIX_EIO, "cannot create folder: %s", strerror(errno));
      ctix__error_source(err, path.data);
      path.data[i] = saved;
      goto done;
    }
    path.data[i] = saved;
  }
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    rc = ctix__error_set(err, CTIX_EIO, "not a folder");
    ctix__error_source(err, dir);
  }

done:
  ctix__buf_free(&path);
  return rc;
}

int ctix__out_remove_stale(const char *path, ctix_error *err)
{
  if (unlink(path) == 0 || errno == ENOENT)
    return 0;
  return ctix__error_set(err, CTIX_EIO, "%s: cannot remove the earlier output: %s", path,
                         strerror(errno));
}

int ctix__out_write_file(const char *path, const char *data, size_t len, ctix_error *err)
{
  ctix_buf tmp = CTIX_BUF_INIT(8192);
  FILE *f = NULL;
  int rc = 0;
  ctix__buf_addf(&tmp, "%s.tmp-%ld", path, (long)getpid());
  if (tmp.err) {
    rc = ctix__error_set(err, CTIX_EINVAL, "output path too long");
    goto done;
  }
  f = fopen(tmp.data, "wb");
  if (!f) {
    rc = ctix__error_set(err, CTIX_EIO, "cannot create: %s", strerror(errno));
    goto done;
  }
  if (fwrite(data, 1, len, f) != len || fputc('\n', f) == EOF) {
    rc = ctix__error_set(err, CTIX_EIO, "write failed: %s", strerror(errno));
    goto done;
  }
  if (fclose(f) != 0) {
    f = NULL;
    rc = ctix__error_set(err, CTIX_EIO, "write failed: %s", strerror(errno));
    goto done;
  }
  f = NULL;
  if (rename(tmp.data, path) != 0)
    rc = ctix__error_set(err, CTIX_EIO, "cannot rename into place: %s", strerror(errno));

done:
  if (f)
    fclose(f);
  if (rc) {
    if (tmp.data)
      unlink(tmp.data);
    ctix__error_source(err, path);
  }
  ctix__buf_free(&tmp);
  return rc;
}
