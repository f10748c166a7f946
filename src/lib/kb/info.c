/*
 * `ctix kb info` and the manifest written next to the tables: source
 * versions, objects per kind, domain and status (active, revoked,
 * deprecated), D3FEND coverage, relation and KEV counts, as text or as
 * one JSON object.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/kb_internal.h"
#include "util/buf.h"
#include "util/err.h"

/* Rows of the ATT&CK table: objects of `kind` whose flags & mask == need. */
typedef struct row {
  const char *name;
  ctix_kb_kind kind;
  unsigned mask, need;
} row;

static const row rows[] = {
    {"techniques", CTIX_KB_TECHNIQUE, CTIX_KB_SUBTECHNIQUE, 0},
    {"subtechniques", CTIX_KB_TECHNIQUE, CTIX_KB_SUBTECHNIQUE, CTIX_KB_SUBTECHNIQUE},
    {"tactics", CTIX_KB_TACTIC, 0, 0},
    {"groups", CTIX_KB_GROUP, 0, 0},
    {"software", CTIX_KB_SOFTWARE, 0, 0},
    {"malware", CTIX_KB_SOFTWARE, CTIX_KB_MALWARE, CTIX_KB_MALWARE},
    {"tools", CTIX_KB_SOFTWARE, CTIX_KB_TOOL, CTIX_KB_TOOL},
    {"campaigns", CTIX_KB_CAMPAIGN, 0, 0},
    {"mitigations", CTIX_KB_MITIGATION, 0, 0},
    {"data_components", CTIX_KB_DATA_COMPONENT, 0, 0},
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

static const unsigned domain_bits[3] = {CTIX_KB_ENTERPRISE, CTIX_KB_MOBILE, CTIX_KB_ICS};

/* Relations counted in the summary (the forward direction of each pair). */
static const ctix_kb_rel counted_rels[] = {
    CTIX_KB_REL_SUBTECHNIQUE, CTIX_KB_REL_TACTIC,       CTIX_KB_REL_USES,
    CTIX_KB_REL_ATTRIBUTED_TO, CTIX_KB_REL_MITIGATES,   CTIX_KB_REL_DETECTED_BY,
    CTIX_KB_REL_ARTIFACT,     CTIX_KB_REL_COUNTERED_BY, CTIX_KB_REL_D3FEND,
    CTIX_KB_REL_REPLACES,
};
#define NRELS_COUNTED (sizeof(counted_rels) / sizeof(counted_rels[0]))

typedef struct counts {
  size_t attack[NROWS][3][3];     /* row, domain, status */
  size_t d3_techniques, d3_tactics, artifacts;
  size_t mapped, mapped_rollup, pairs;
  size_t rel[NRELS_COUNTED];
  size_t kev, ransomware;
} counts;

static int status_index(unsigned flags)
{
  return (flags & CTIX_KB_REVOKED) ? 1 : (flags & CTIX_KB_DEPRECATED) ? 2 : 0;
}

/* Technique -> D3FEND coverage: own or inherited pairs, and with roll-ups. */
static void count_mappings(const ctix_kb *kb, uint32_t ref, counts *c)
{
  size_t first, n = ctix_kb_edges(kb, ref, CTIX_KB_REL_COUNTERED_BY, 0, &first), i;
  bool own = false;
  uint32_t prev = CTIX__KB_NIL;
  bool prev_own = false;
  for (i = 0; i < n; i++) {
    const ctix__kb_edge *e = &kb->edges[first + i];
    bool o = !(e->flags & CTIX_KB_EDGE_ROLLUP);
    if (e->target != prev) {
      c->pairs += prev_own;
      prev = e->target;
      prev_own = false;
    }
    prev_own = prev_own || o;
    own = own || o;
  }
  c->pairs += prev_own;
  c->mapped += own;
  c->mapped_rollup += n > 0;
}

/* Counts objects per row, domain and status, and the rest of the summary. */
static void count_all(const ctix_kb *kb, counts *c)
{
  uint32_t i;
  size_t r, d, k;
  memset(c, 0, sizeof(*c));
  for (i = 0; i < kb->nobjs; i++) {
    const ctix__kb_obj *o = &kb->objs[i];
    for (r = 0; r < NROWS; r++) {
      if (o->kind != rows[r].kind || (o->flags & rows[r].mask) != rows[r].need)
        continue;
      for (d = 0; d < 3; d++)
        if (o->domains & domain_bits[d])
          c->attack[r][d][status_index(o->flags)]++;
    }
    c->d3_techniques += o->kind == CTIX_KB_D3FEND_TECHNIQUE;
    c->d3_tactics += o->kind == CTIX_KB_D3FEND_TACTIC;
    c->artifacts += o->kind == CTIX_KB_ARTIFACT;
    if (o->kind == CTIX_KB_TECHNIQUE)
      count_mappings(kb, i, c);
    for (k = 0; k < NRELS_COUNTED; k++) {
      size_t first;
      c->rel[k] += ctix_kb_edges(kb, i, counted_rels[k], 0, &first);
    }
  }
  c->kev = kb->nkev;
  for (i = 0; i < kb->nkev; i++)
    c->ransomware += strcmp(ctix__kb_str(kb, kb->kev[i].ransomware), "Known") == 0;
}

/* ------------------------------------------------------------------- JSON */

static int set_size(json_t *obj, const char *key, size_t v)
{
  return json_object_set_new(obj, key, json_integer((json_int_t)v));
}

/* The summary as one JSON object; NULL when memory runs out. */
static json_t *info_json(const ctix_kb *kb, const counts *c)
{
  json_t *root = json_object(), *src = json_object(), *attack = json_object();
  json_t *d3 = json_object(), *kev = json_object(), *rels = json_object();
  size_t i, d, r;
  char sum[32];
  const char *k, *v;
  if (!root || !src || !attack || !d3 || !kev || !rels)
    goto fail;
  snprintf(sum, sizeof(sum), "%016" PRIx64, kb->checksum);
  set_size(root, "format", CTIX__KB_FORMAT);
  json_object_set_new(root, "origin", json_string(kb->origin));
  set_size(root, "size", kb->size);
  json_object_set_new(root, "checksum", json_string(sum));
  for (i = 0; ctix_kb_source_at(kb, i, &k, &v) == 0; i++)
    json_object_set_new(src, k, json_string(v));
  json_object_set(root, "sources", src);
  for (d = 0; d < 3; d++) {
    json_t *dom = json_object();
    for (r = 0; r < NROWS && dom; r++) {
      json_t *cell = json_object();
      const size_t *s = c->attack[r][d];
      set_size(cell, "total", s[0] + s[1] + s[2]);
      set_size(cell, "active", s[0]);
      set_size(cell, "revoked", s[1]);
      set_size(cell, "deprecated", s[2]);
      json_object_set_new(dom, rows[r].name, cell);
    }
    json_object_set_new(attack, ctix_kb_domain_name(domain_bits[d]), dom);
  }
  json_object_set(root, "attack", attack);
  set_size(d3, "techniques", c->d3_techniques);
  set_size(d3, "tactics", c->d3_tactics);
  set_size(d3, "artifacts", c->artifacts);
  set_size(d3, "attack_techniques_mapped", c->mapped);
  set_size(d3, "attack_techniques_mapped_with_rollup", c->mapped_rollup);
  set_size(d3, "technique_countermeasure_pairs", c->pairs);
  json_object_set(root, "d3fend", d3);
  set_size(kev, "entries", c->kev);
  set_size(kev, "known_ransomware", c->ransomware);
  json_object_set(root, "kev", kev);
  for (i = 0; i < NRELS_COUNTED; i++)
    set_size(rels, ctix_kb_rel_name(counted_rels[i]), c->rel[i]);
  json_object_set(root, "relations", rels);
  set_size(root, "objects", kb->nobjs);
  json_decref(src);
  json_decref(attack);
  json_decref(d3);
  json_decref(kev);
  json_decref(rels);
  return root;
fail:
  json_decref(root);
  json_decref(src);
  json_decref(attack);
  json_decref(d3);
  json_decref(kev);
  json_decref(rels);
  return NULL;
}

/* ------------------------------------------------------------------- text */

static void info_text(ctix_buf *b, const ctix_kb *kb, const counts *c)
{
  size_t i, d, r;
  const char *k, *v;
  ctix__buf_addf(b, "ctix knowledge base: format %u, %zu bytes, checksum %016" PRIx64 "\n",
                 CTIX__KB_FORMAT, kb->size, kb->checksum);
  ctix__buf_adds(b, "\nsources:\n");
  for (i = 0; ctix_kb_source_at(kb, i, &k, &v) == 0; i++)
    ctix__buf_addf(b, "  %-28s %s\n", k, v[0] ? v : "-");
  ctix__buf_addf(b, "\nATT&CK (active / revoked / deprecated):\n  %-16s", "");
  for (d = 0; d < 3; d++)
    ctix__buf_addf(b, d < 2 ? " %-20s" : " %s", ctix_kb_domain_name(domain_bits[d]));
  ctix__buf_adds(b, "\n");
  for (r = 0; r < NROWS; r++) {
    ctix__buf_addf(b, "  %-16s", rows[r].name);
    for (d = 0; d < 3; d++) {
      char cell[64];
      const size_t *s = c->attack[r][d];
      snprintf(cell, sizeof(cell), "%zu / %zu / %zu", s[0], s[1], s[2]);
      ctix__buf_addf(b, " %-20s", cell);
    }
    while (b->len && b->data[b->len - 1] == ' ')
      ctix__buf_truncate(b, b->len - 1);
    ctix__buf_adds(b, "\n");
  }
  ctix__buf_addf(b,
                 "\nD3FEND: %zu techniques, %zu tactics, %zu artifacts\n"
                 "  %zu ATT&CK techniques have countermeasures (%zu with roll-ups from "
                 "sub-techniques),\n  %zu technique-countermeasure pairs\n",
                 c->d3_techniques, c->d3_tactics, c->artifacts, c->mapped, c->mapped_rollup,
                 c->pairs);
  ctix__buf_addf(b, "\nKEV: %zu entries, %zu with known ransomware use\n", c->kev,
                 c->ransomware);
  ctix__buf_adds(b, "\nrelations:\n");
  for (i = 0; i < NRELS_COUNTED; i++)
    ctix__buf_addf(b, "  %-28s %zu\n", ctix_kb_rel_name(counted_rels[i]), c->rel[i]);
}

int ctix_kb_info(char **out, size_t *len, const ctix_kb *kb, bool json, ctix_error *err)
{
  counts *c = calloc(1, sizeof(*c));
  ctix_buf b = CTIX_BUF_INIT((size_t)16 * 1024 * 1024);
  bool failed = false;
  *out = NULL;
  *len = 0;
  if (!c)
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory describing the knowledge base");
  count_all(kb, c);
  if (json) {
    json_t *root = info_json(kb, c);
    char *s = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(root);
    if (s) {
      ctix__buf_adds(&b, s);
      ctix__buf_addc(&b, '\n');
      free(s);
    } else {
      failed = true;
    }
  } else {
    info_text(&b, kb, c);
  }
  free(c);
  if (b.err || failed) {
    ctix__buf_free(&b);
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory describing the knowledge base");
  }
  *out = ctix__buf_detach(&b, len);
  if (!*out)
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory describing the knowledge base");
  return 0;
}
