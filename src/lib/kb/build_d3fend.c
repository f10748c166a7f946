/*
 * The derived D3FEND CSVs (../shared/data/d3fend) into the knowledge-base
 * model: defensive techniques with their tactic, parent and artifact
 * relations (d3fend-techniques.csv), ATT&CK technique -> artifact edges
 * (attack-d3fend-artifacts.csv), ATT&CK technique -> artifact -> D3FEND
 * technique mappings (attack-d3fend-mappings.csv) and ATT&CK mitigation ->
 * D3FEND technique links (attack-mitigation-d3fend.csv).
 *
 * The CSVs are plain: one header line, fields split on ',', no quoting.
 * Columns are found by their header names, so added columns are fine; a
 * missing column, a row with the wrong number of fields, a quote, or an
 * id that names nothing is an error with file, line and column.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kb/build.h"
#include "kb/format.h"

#define CSV_MAX_FIELDS 64
#define CSV_MAX_WANT 16

/* D3FEND's display order of its tactics (d3f:display-order). */
static const char *const d3_tactic_order[] = {"Model",   "Harden", "Detect", "Isolate",
                                              "Deceive", "Evict",  "Restore"};
#define D3_TACTIC_UNKNOWN_ORDER 1000u

typedef struct csv {
  ctix__kbb *b;
  const char *file;
  const char *data;
  size_t len, pos;
  unsigned line;                       /* of the current row */
  size_t lstart;                       /* offset of the current row */
  size_t nheader;                      /* fields per row */
  int col[CSV_MAX_WANT];               /* wanted column -> field index */
  const char *f[CSV_MAX_FIELDS];       /* fields of the current row */
  size_t flen[CSV_MAX_FIELDS];
} csv;

/* Records "FILE:LINE:COLUMN: message" as CTIX_EPARSE. */
static int csv_fail(const csv *c, unsigned column, const char *fmt, ...) CTIX__PRINTF(3, 4);
static int csv_fail(const csv *c, unsigned column, const char *fmt, ...)
{
  char msg[CTIX_ERROR_MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  ctix__error_source(c->b->err, c->file);
  return ctix__error_set_lc(c->b->err, CTIX_EPARSE, c->line, column ? column : 1, "%s", msg);
}

/* Column (1-based) of field k of the current row. */
static unsigned csv_column(const csv *c, size_t k)
{
  return (unsigned)(c->f[k] - (c->data + c->lstart)) + 1;
}

/*
 * Splits the next non-empty line into fields. Returns 1 for a row, 0 at
 * the end, or an error. `header` allows any number of fields.
 */
static int csv_row(csv *c, bool header)
{
  size_t n = 0, start, end;
  while (c->pos < c->len) {
    const char *p;
    start = c->pos;
    p = memchr(c->data + start, '\n', c->len - start);
    end = p ? (size_t)(p - c->data) : c->len;
    c->pos = p ? end + 1 : c->len;
    c->line++;
    c->lstart = start;
    if (end > start && c->data[end - 1] == '\r')
      end--;
    if (end == start)
      continue;
    if (memchr(c->data + start, '\0', end - start))
      return csv_fail(c, 1, "%s", "NUL character in a CSV line");
    {
      const char *q = memchr(c->data + start, '"', end - start);
      if (q)
        return csv_fail(c, (unsigned)(q - (c->data + start)) + 1, "%s",
                        "quoted CSV fields are not supported");
    }
    c->f[0] = c->data + start;
    for (size_t i = start; i <= end; i++) {
      if (i == end || c->data[i] == ',') {
        if (n >= CSV_MAX_FIELDS)
          return csv_fail(c, (unsigned)(i - start) + 1, "%s", "too many fields");
        c->flen[n] = (size_t)(c->data + i - c->f[n]);
        n++;
        if (i < end)
          c->f[n] = c->data + i + 1;
      }
    }
    if (!header && n != c->nheader)
      return csv_fail(c, 1, "expected %zu fields as in the header, found %zu", c->nheader, n);
    c->nheader = header ? n : c->nheader;
    return 1;
  }
  return 0;
}

/* Reads the header and finds the wanted columns. */
static int csv_open(csv *c, ctix__kbb *b, const char *data, size_t len, const char *file,
                    const char *const *want, size_t nwant)
{
  size_t k, i;
  int rc;
  memset(c, 0, sizeof(*c));
  c->b = b;
  c->file = file;
  c->data = data;
  c->len = len;
  if ((rc = csv_row(c, true)) < 0)
    return rc;
  if (rc == 0)
    return ctix__kbb_ffail(b, file, CTIX_EPARSE, "empty CSV file (no header line)");
  for (k = 0; k < nwant; k++) {
    c->col[k] = -1;
    for (i = 0; i < c->nheader; i++)
      if (c->flen[i] == strlen(want[k]) && memcmp(c->f[i], want[k], c->flen[i]) == 0)
        c->col[k] = (int)i;
    if (c->col[k] < 0)
      return csv_fail(c, 1, "missing column \"%s\" in the header", want[k]);
  }
  return 0;
}

/* Copies wanted column k of the current row to the arena. */
static int csv_get(csv *c, size_t k, const char **out)
{
  size_t i = (size_t)c->col[k];
  if (!(*out = ctix__kbb_strdup(c->b, c->f[i], c->flen[i])))
    return ctix__kbb_nomem(c->b);
  return 0;
}

/* The object of `kind` with id field k of the row; errors name the column. */
static int csv_ref(csv *c, size_t k, ctix_kb_kind kind, const char *what, uint32_t *out)
{
  const char *id;
  int rc;
  if ((rc = csv_get(c, k, &id)))
    return rc;
  if (!id[0])
    return csv_fail(c, csv_column(c, (size_t)c->col[k]), "empty %s", what);
  *out = ctix__kbb_lookup(c->b, kind, id);
  if (*out == CTIX__KB_NIL)
    return csv_fail(c, csv_column(c, (size_t)c->col[k]),
                    "%s \"%s\" names nothing known (dangling reference)", what, id);
  return 0;
}

/* The artifact named `id`, created on first use; a label names it. */
static int artifact(ctix__kbb *b, const char *id, const char *label, uint32_t *out)
{
  ctix__kbb_obj o;
  int rc;
  *out = ctix__kbb_lookup(b, CTIX_KB_ARTIFACT, id);
  if (*out != CTIX__KB_NIL) {
    ctix__kbb_obj *a = CTIX__KBB_OBJ(b, *out);
    if (label && label[0] && a->name == a->id)
      a->name = label;
    return 0;
  }
  memset(&o, 0, sizeof(o));
  o.kind = CTIX_KB_ARTIFACT;
  o.id = id;
  o.name = label && label[0] ? label : id;
  o.stix = o.shortname = o.first_seen = o.last_seen = o.modified = "";
  o.parent = o.revoked_by = CTIX__KB_NIL;
  if ((rc = ctix__kbb_add_obj(b, &o, out)))
    return rc;
  return ctix__kbb_index(b, *out);
}

/* The D3FEND tactic named `name`, created on first use. */
static int d3_tactic(ctix__kbb *b, const char *name, uint32_t *out)
{
  ctix__kbb_obj o;
  size_t i;
  int rc;
  *out = ctix__kbb_lookup(b, CTIX_KB_D3FEND_TACTIC, name);
  if (*out != CTIX__KB_NIL)
    return 0;
  memset(&o, 0, sizeof(o));
  o.kind = CTIX_KB_D3FEND_TACTIC;
  o.id = o.name = name;
  o.stix = o.shortname = o.first_seen = o.last_seen = o.modified = "";
  o.parent = o.revoked_by = CTIX__KB_NIL;
  o.order = D3_TACTIC_UNKNOWN_ORDER;
  for (i = 0; i < sizeof(d3_tactic_order) / sizeof(d3_tactic_order[0]); i++)
    if (strcmp(name, d3_tactic_order[i]) == 0)
      o.order = (uint32_t)i;
  if ((rc = ctix__kbb_add_obj(b, &o, out)))
    return rc;
  return ctix__kbb_index(b, *out);
}

/* "rel:Artifact|rel:Artifact" -> ARTIFACT edges of D3FEND technique `t`. */
static int d3_artifacts(csv *c, uint32_t t, size_t k)
{
  size_t i = (size_t)c->col[k], n = c->flen[i], pos = 0;
  const char *s = c->f[i];
  int rc;
  while (pos < n) {
    size_t end = pos, colon;
    const char *verb, *name;
    uint32_t a;
    while (end < n && s[end] != '|')
      end++;
    for (colon = pos; colon < end && s[colon] != ':'; colon++)
      ;
    if (colon == pos || colon + 1 >= end)
      return csv_fail(c, csv_column(c, i) + (unsigned)pos, "%s",
                      "artifact relation is not \"relation:Artifact\"");
    if (!(verb = ctix__kbb_strdup(c->b, s + pos, colon - pos)) ||
        !(name = ctix__kbb_strdup(c->b, s + colon + 1, end - colon - 1)))
      return ctix__kbb_nomem(c->b);
    if ((rc = artifact(c->b, name, NULL, &a)) ||
        (rc = ctix__kbb_add_edge(c->b, t, CTIX_KB_REL_ARTIFACT, a, CTIX__KB_NIL, verb, 0, 0)))
      return rc;
    pos = end + 1;
  }
  return 0;
}

int ctix__kbb_add_d3fend_techniques(ctix__kbb *b, const char *data, size_t len,
                                    const char *name)
{
  static const char *const want[] = {"d3fend_id",  "def_tech",         "def_tech_label",
                                     "def_tactic", "parent_d3fend_id", "def_artifact_relations"};
  csv c;
  uint32_t first = (uint32_t)CTIX__KBB_NOBJS(b), i, t, tac;
  int rc, file;
  if (!b->linked)
    return ctix__kbb_ffail(b, name, CTIX_EINVAL, "D3FEND comes after the ATT&CK bundles");
  if ((file = ctix__kbb_file(b, name)) < 0)
    return file;
  if ((rc = csv_open(&c, b, data, len, name, want, 6)))
    return rc;
  while ((rc = csv_row(&c, false)) == 1) {
    ctix__kbb_obj o;
    const char *tactic;
    memset(&o, 0, sizeof(o));
    o.kind = CTIX_KB_D3FEND_TECHNIQUE;
    o.stix = o.first_seen = o.last_seen = o.modified = "";
    o.parent = o.revoked_by = CTIX__KB_NIL;
    o.file = (uint32_t)file;
    o.index = c.line;
    if ((rc = csv_get(&c, 0, &o.id)) || (rc = csv_get(&c, 1, &o.shortname)) ||
        (rc = csv_get(&c, 2, &o.name)) || (rc = csv_get(&c, 3, &tactic)) ||
        (rc = csv_get(&c, 4, &o.parent_key)))
      return rc;
    if (!o.id[0])
      return csv_fail(&c, csv_column(&c, (size_t)c.col[0]), "%s", "empty d3fend_id");
    if (!tactic[0])
      return csv_fail(&c, csv_column(&c, (size_t)c.col[3]), "%s", "empty def_tactic");
    if (ctix__kbb_lookup(b, CTIX_KB_D3FEND_TECHNIQUE, o.id) != CTIX__KB_NIL)
      return csv_fail(&c, csv_column(&c, (size_t)c.col[0]), "duplicate d3fend_id \"%s\"", o.id);
    if (!o.name[0])
      o.name = o.id;
    if ((rc = d3_tactic(b, tactic, &tac)) || (rc = ctix__kbb_add_obj(b, &o, &t)) ||
        (rc = ctix__kbb_index(b, t)) ||
        (rc = ctix__kbb_add_edge(b, t, CTIX_KB_REL_TACTIC, tac, CTIX__KB_NIL, "", 0, 0)) ||
        (rc = d3_artifacts(&c, t, 5)))
      return rc;
  }
  if (rc < 0)
    return rc;
  /* Parents may come after their children in the file. */
  for (i = first; i < CTIX__KBB_NOBJS(b); i++) {
    ctix__kbb_obj *o = CTIX__KBB_OBJ(b, i);
    if (o->kind != CTIX_KB_D3FEND_TECHNIQUE || !o->parent_key || !o->parent_key[0])
      continue;
    o->parent = ctix__kbb_lookup(b, CTIX_KB_D3FEND_TECHNIQUE, o->parent_key);
    if (o->parent == CTIX__KB_NIL || o->parent == i) {
      c.line = o->index;
      return csv_fail(&c, 1, "parent_d3fend_id \"%s\" names no other technique of the file",
                      o->parent_key);
    }
  }
  b->have_d3fend = true;
  return 0;
}

/* "asserted" or "inherited:T1059": the flags and rank of an edge. */
static int edge_source(csv *c, size_t k, unsigned *flags, unsigned *rank)
{
  size_t i = (size_t)c->col[k];
  if (c->flen[i] == 8 && memcmp(c->f[i], "asserted", 8) == 0) {
    *flags = 0;
    *rank = 0;
    return 0;
  }
  if (c->flen[i] >= 10 && memcmp(c->f[i], "inherited:", 10) == 0) {
    *flags = CTIX_KB_EDGE_INHERITED;
    *rank = 1;
    return 0;
  }
  return csv_fail(c, csv_column(c, i), "%s",
                  "off_edge_source is neither \"asserted\" nor \"inherited:ID\"");
}

int ctix__kbb_add_d3fend_artifacts(ctix__kbb *b, const char *data, size_t len,
                                   const char *name)
{
  static const char *const want[] = {"attack_id", "off_artifact_rel", "off_artifact",
                                     "off_artifact_label", "off_edge_source"};
  csv c;
  int rc;
  if (!b->have_d3fend)
    return ctix__kbb_ffail(b, name, CTIX_EINVAL, "read d3fend-techniques.csv first");
  if ((rc = ctix__kbb_file(b, name)) < 0)
    return rc;
  if ((rc = csv_open(&c, b, data, len, name, want, 5)))
    return rc;
  while ((rc = csv_row(&c, false)) == 1) {
    const char *verb, *art, *label;
    uint32_t t, a;
    unsigned flags, rank;
    if ((rc = csv_ref(&c, 0, CTIX_KB_TECHNIQUE, "ATT&CK technique", &t)) ||
        (rc = csv_get(&c, 1, &verb)) || (rc = csv_get(&c, 2, &art)) ||
        (rc = csv_get(&c, 3, &label)) || (rc = edge_source(&c, 4, &flags, &rank)))
      return rc;
    if (!art[0] || !verb[0])
      return csv_fail(&c, 1, "%s", "empty artifact or relation");
    if ((rc = artifact(b, art, label, &a)) ||
        (rc = ctix__kbb_add_edge(b, t, CTIX_KB_REL_ARTIFACT, a, CTIX__KB_NIL, verb, flags,
                                 rank)))
      return rc;
  }
  return rc < 0 ? rc : 0;
}

int ctix__kbb_add_d3fend_mappings(ctix__kbb *b, const char *data, size_t len, const char *name)
{
  static const char *const want[] = {"attack_id",          "off_artifact_rel", "off_artifact",
                                     "off_artifact_label", "off_edge_source",  "sc",
                                     "def_artifact",       "def_artifact_label", "d3fend_id"};
  csv c;
  int rc;
  if (!b->have_d3fend)
    return ctix__kbb_ffail(b, name, CTIX_EINVAL, "read d3fend-techniques.csv first");
  if ((rc = ctix__kbb_file(b, name)) < 0)
    return rc;
  if ((rc = csv_open(&c, b, data, len, name, want, 9)))
    return rc;
  while ((rc = csv_row(&c, false)) == 1) {
    const char *verb, *art, *label, *sc, *dart, *dlabel;
    uint32_t t, a, da, d;
    unsigned flags, rank;
    if ((rc = csv_ref(&c, 0, CTIX_KB_TECHNIQUE, "ATT&CK technique", &t)) ||
        (rc = csv_get(&c, 1, &verb)) || (rc = csv_get(&c, 2, &art)) ||
        (rc = csv_get(&c, 3, &label)) || (rc = edge_source(&c, 4, &flags, &rank)) ||
        (rc = csv_get(&c, 5, &sc)) || (rc = csv_get(&c, 6, &dart)) ||
        (rc = csv_get(&c, 7, &dlabel)) ||
        (rc = csv_ref(&c, 8, CTIX_KB_D3FEND_TECHNIQUE, "D3FEND technique", &d)))
      return rc;
    if (!art[0] || !verb[0] || !dart[0])
      return csv_fail(&c, 1, "%s", "empty artifact or relation");
    if (strcmp(sc, "-<-") == 0)
      flags |= CTIX_KB_EDGE_SUBCLASS;
    else if (strcmp(sc, "=") != 0)
      return csv_fail(&c, csv_column(&c, (size_t)c.col[5]),
                      "sc \"%s\" is neither \"=\" nor \"-<-\"", sc);
    if ((rc = artifact(b, art, label, &a)) || (rc = artifact(b, dart, dlabel, &da)) ||
        (rc = ctix__kbb_add_edge(b, t, CTIX_KB_REL_COUNTERED_BY, d, a, verb, flags, rank)))
      return rc;
  }
  return rc < 0 ? rc : 0;
}

int ctix__kbb_add_d3fend_mitigations(ctix__kbb *b, const char *data, size_t len,
                                     const char *name)
{
  static const char *const want[] = {"attack_mitigation_id", "d3fend_id"};
  csv c;
  int rc;
  if (!b->have_d3fend)
    return ctix__kbb_ffail(b, name, CTIX_EINVAL, "read d3fend-techniques.csv first");
  if ((rc = ctix__kbb_file(b, name)) < 0)
    return rc;
  if ((rc = csv_open(&c, b, data, len, name, want, 2)))
    return rc;
  while ((rc = csv_row(&c, false)) == 1) {
    uint32_t m, d;
    if ((rc = csv_ref(&c, 0, CTIX_KB_MITIGATION, "ATT&CK mitigation", &m)) ||
        (rc = csv_ref(&c, 1, CTIX_KB_D3FEND_TECHNIQUE, "D3FEND technique", &d)) ||
        (rc = ctix__kbb_add_edge(b, m, CTIX_KB_REL_D3FEND, d, CTIX__KB_NIL, "", 0, 0)))
      return rc;
  }
  return rc < 0 ? rc : 0;
}
