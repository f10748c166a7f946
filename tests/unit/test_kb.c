/*
 * Unit tests of the knowledge base (src/lib/kb): building tables from the
 * small hand-written sources in tests/data/kb (two ATT&CK bundles, D3FEND
 * CSVs, a KEV feed), every lookup and relation on them, deterministic
 * output, one clear error per kind of bad input, a loader that rejects
 * every truncated or altered table without reading out of bounds, and the
 * embedded tables (real ATT&CK/D3FEND/KEV facts; no ../shared needed).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctix/kb.h"
#include "kb/kb_internal.h"
#include "test_file.h"

#define DATA CTIX_TEST_DATA "/kb"

/* ------------------------------------------------------------- helpers */

typedef struct tmpdir {
  char path[256];
} tmpdir;

static void tmp_make(tmpdir *t)
{
  const char *base = getenv("TMPDIR");
  snprintf(t->path, sizeof(t->path), "%s/ctix-kb-test.XXXXXX", base && base[0] ? base : "/tmp");
  assert_non_null(mkdtemp(t->path));
}

/* Removes the files of a (flat or two-level) temporary folder. */
static void tmp_remove(const char *path)
{
  DIR *d = opendir(path);
  struct dirent *e;
  char p[600];
  if (!d)
    return;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    int n = snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
    if (n < 0 || (size_t)n >= sizeof(p))
      continue;
    if (remove(p) != 0)
      tmp_remove(p);
  }
  closedir(d);
  rmdir(path);
}

static char *slurp(const char *path, size_t *len)
{
  return test_read_file(path, len);
}

static void spit(const char *path, const char *data, size_t len)
{
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  fclose(f);
}

static void copy_file(const char *from, const char *to)
{
  size_t len;
  char *d = slurp(from, &len);
  spit(to, d, len);
  free(d);
}

/* Sources of a build; paths point to tests/data/kb unless replaced. */
typedef struct sources {
  const char *attack[2];
  size_t nattack;
  const char *d3fend, *kev;
} sources;

static void default_sources(sources *s)
{
  s->attack[0] = DATA "/enterprise.json";
  s->attack[1] = DATA "/ics.json";
  s->nattack = 2;
  s->d3fend = DATA "/d3fend";
  s->kev = DATA "/kev.json";
}

static int build(const sources *s, const char *outdir, ctix_error *err)
{
  ctix_kb_build_opts o;
  memset(&o, 0, sizeof(o));
  o.attack = s->attack;
  o.nattack = s->nattack;
  o.d3fend = s->d3fend;
  o.d3fend_version = "0.0.1";
  o.kev = s->kev;
  o.outdir = outdir;
  ctix_error_clear(err);
  return ctix_kb_build(&o, err);
}

/* Builds the test tables into a temporary folder and opens them. */
typedef struct fixture {
  tmpdir dir;
  ctix_kb *kb;
} fixture;

static int setup_mini(void **state)
{
  fixture *f = calloc(1, sizeof(*f));
  sources s;
  ctix_error err;
  char msg[700];
  default_sources(&s);
  tmp_make(&f->dir);
  if (build(&s, f->dir.path, &err)) {
    ctix_error_format(msg, sizeof(msg), &err);
    fail_msg("build failed: %s", msg);
  }
  ctix_error_clear(&err);
  assert_int_equal(ctix_kb_open_dir(&f->kb, f->dir.path, &err), 0);
  *state = f;
  return 0;
}

static int teardown_mini(void **state)
{
  fixture *f = *state;
  ctix_kb_free(f->kb);
  tmp_remove(f->dir.path);
  free(f);
  return 0;
}

static ctix_kb_ref ref_of(const ctix_kb *kb, const char *id)
{
  ctix_kb_ref r;
  assert_int_equal(ctix_kb_find_id(kb, id, strlen(id), &r), 0);
  return r;
}

/* Targets of `ref`'s `rel` edges (to kind `kind`, 0 any) as "ID ID ...". */
static void targets(char *out, size_t size, const ctix_kb *kb, ctix_kb_ref ref,
                    ctix_kb_rel rel, ctix_kb_kind kind)
{
  size_t first, n = ctix_kb_edges(kb, ref, rel, kind, &first), i, len = 0;
  out[0] = '\0';
  for (i = 0; i < n; i++) {
    ctix_kb_ref t = ctix_kb_edge_target(kb, first + i);
    if (i && t == ctix_kb_edge_target(kb, first + i - 1))
      continue; /* one target through several artifacts */
    len += (size_t)snprintf(out + len, size - len, "%s%s", len ? " " : "", ctix_kb_id(kb, t));
  }
}

/* Flags of the edges from `ref` with `rel` to `target`, or-ed. */
static unsigned edge_flags(const ctix_kb *kb, ctix_kb_ref ref, ctix_kb_rel rel,
                           ctix_kb_ref target)
{
  size_t first, n = ctix_kb_edges(kb, ref, rel, 0, &first), i;
  unsigned f = 0;
  ctix_kb_edge e;
  for (i = 0; i < n; i++) {
    assert_int_equal(ctix_kb_edge_at(kb, first + i, &e), 0);
    if (e.target == target)
      f |= e.flags | 0x100u;
  }
  return f;
}

/* --------------------------------------------------------- the mini KB */

static void test_lookups(void **state)
{
  const ctix_kb *kb = ((fixture *)*state)->kb;
  ctix_kb_obj o;
  ctix_kb_ref r, refs[4];
  char url[200];
  /* Ids ignore case; a T-id names the technique, not the old mitigation. */
  r = ref_of(kb, "t1000.001");
  assert_int_equal(ctix_kb_get(kb, r, &o), 0);
  assert_string_equal(o.id, "T1000.001");
  assert_string_equal(o.name, "Child One");
  assert_int_equal(o.kind, CTIX_KB_TECHNIQUE);
  assert_true(o.flags & CTIX_KB_SUBTECHNIQUE);
  assert_int_equal(o.parent, ref_of(kb, "T1000"));
  assert_int_equal(ctix_kb_kind_of(kb, ref_of(kb, "T1000")), CTIX_KB_TECHNIQUE);
  assert_int_equal(ctix_kb_find_id(kb, "T9999", 5, &r), CTIX_ENOTFOUND);
  assert_int_equal(r, CTIX_KB_NONE);
  /* Revoked-by chains end at the current technique. */
  r = ref_of(kb, "T1001");
  assert_true(ctix_kb_flags(kb, r) & CTIX_KB_REVOKED);
  assert_int_equal(ctix_kb_resolve_id(kb, "T1001", 5, &r), 0);
  assert_string_equal(ctix_kb_id(kb, r), "T1000");
  assert_int_equal(ctix_kb_resolve_id(kb, "T1002", 5, &r), 0);
  assert_string_equal(ctix_kb_id(kb, r), "T1000");
  /* STIX ids. */
  assert_int_equal(ctix_kb_find_stix(kb, "INTRUSION-SET--00000000-0000-4000-8000-000000000001",
                                     51, &r),
                   0);
  assert_string_equal(ctix_kb_id(kb, r), "G0001");
  /* Names and aliases, case ignored; a shared alias names both objects. */
  assert_int_equal(ctix_kb_find_name(kb, "bear cub", 8, refs, 4), 1);
  assert_string_equal(ctix_kb_id(kb, refs[0]), "G0001");
  assert_int_equal(ctix_kb_find_name(kb, "SHARED NAME", 11, refs, 4), 2);
  assert_string_equal(ctix_kb_id(kb, refs[0]), "G0001");
  assert_string_equal(ctix_kb_id(kb, refs[1]), "S0001");
  assert_int_equal(ctix_kb_find_name(kb, "et", 2, refs, 4), 1);
  assert_string_equal(ctix_kb_id(kb, refs[0]), "S0001");
  assert_int_equal(ctix_kb_find_name(kb, "nobody", 6, refs, 4), 0);
  /* Web pages. */
  ctix_kb_url(url, sizeof(url), kb, ref_of(kb, "T1000.001"));
  assert_string_equal(url, "https://attack.mitre.org/techniques/T1000/001/");
  ctix_kb_url(url, sizeof(url), kb, ref_of(kb, "D3-AA"));
  assert_string_equal(url, "https://d3fend.mitre.org/technique/d3f:AlphaAnalysis/");
}

static void test_objects(void **state)
{
  const ctix_kb *kb = ((fixture *)*state)->kb;
  ctix_kb_obj o;
  ctix_kb_ref first, r;
  size_t n, i;
  char buf[256];
  /* Tactics in matrix order: the matrix lists Execution first. */
  n = ctix_kb_range(kb, CTIX_KB_TACTIC, &first);
  assert_int_equal(n, 3);
  assert_string_equal(ctix_kb_id(kb, first), "TA0002");
  assert_string_equal(ctix_kb_id(kb, first + 1), "TA0001");
  assert_string_equal(ctix_kb_id(kb, first + 2), "TA0107");
  ctix_kb_get(kb, first, &o);
  assert_string_equal(o.shortname, "execution");
  targets(buf, sizeof(buf), kb, ref_of(kb, "T1000"), CTIX_KB_REL_TACTIC, 0);
  assert_string_equal(buf, "TA0002 TA0001");
  /* Kinds are contiguous and cover every object. */
  for (i = CTIX_KB_TECHNIQUE, n = 0; i < CTIX_KB_NKINDS; i++)
    n += ctix_kb_range(kb, (ctix_kb_kind)i, &first);
  assert_int_equal(n, ctix_kb_count(kb));
  /* A group in two bundles: both domains, the newer copy's aliases. */
  r = ref_of(kb, "G0001");
  ctix_kb_get(kb, r, &o);
  assert_int_equal(o.domains, CTIX_KB_ENTERPRISE | CTIX_KB_ICS);
  assert_int_equal(o.naliases, 3);
  assert_string_equal(ctix_kb_alias(kb, r, 1), "Bear Cub");
  assert_null(ctix_kb_alias(kb, r, 3));
  /* Software type, platforms; campaign dates. */
  r = ref_of(kb, "S0001");
  assert_true(ctix_kb_flags(kb, r) & CTIX_KB_MALWARE);
  assert_string_equal(ctix_kb_platform(kb, r, 0), "Windows");
  assert_true(ctix_kb_flags(kb, ref_of(kb, "S0002")) & CTIX_KB_TOOL);
  ctix_kb_get(kb, ref_of(kb, "C0001"), &o);
  assert_string_equal(o.first_seen, "2029-01-01T00:00:00.000Z");
  assert_string_equal(o.last_seen, "2029-06-01T00:00:00.000Z");
  /* Deprecated objects are kept and flagged. */
  assert_true(ctix_kb_flags(kb, ref_of(kb, "T1003")) & CTIX_KB_DEPRECATED);
  /* Sources. */
  assert_string_equal(ctix_kb_source(kb, "attack-enterprise"), "99.1");
  assert_string_equal(ctix_kb_source(kb, "attack-ics"), "99.2");
  assert_string_equal(ctix_kb_source(kb, "d3fend"), "0.0.1");
  assert_string_equal(ctix_kb_source(kb, "kev"), "2030.01.02");
  assert_null(ctix_kb_source(kb, "attack-mobile"));
}

static void test_relations(void **state)
{
  const ctix_kb *kb = ((fixture *)*state)->kb;
  ctix_kb_ref g = ref_of(kb, "G0001");
  char buf[256];
  targets(buf, sizeof(buf), kb, g, CTIX_KB_REL_USES, CTIX_KB_TECHNIQUE);
  assert_string_equal(buf, "T0800 T1000.001");
  targets(buf, sizeof(buf), kb, g, CTIX_KB_REL_USES, CTIX_KB_SOFTWARE);
  assert_string_equal(buf, "S0001");
  targets(buf, sizeof(buf), kb, g, CTIX_KB_REL_USES, 0);
  assert_string_equal(buf, "T0800 T1000.001 S0001");
  targets(buf, sizeof(buf), kb, g, CTIX_KB_REL_CAMPAIGN, 0);
  assert_string_equal(buf, "C0001");
  targets(buf, sizeof(buf), kb, ref_of(kb, "C0001"), CTIX_KB_REL_ATTRIBUTED_TO, 0);
  assert_string_equal(buf, "G0001");
  targets(buf, sizeof(buf), kb, ref_of(kb, "T1000.002"), CTIX_KB_REL_USED_BY, 0);
  assert_string_equal(buf, "S0002 C0001");
  targets(buf, sizeof(buf), kb, ref_of(kb, "T1000"), CTIX_KB_REL_SUBTECHNIQUE, 0);
  assert_string_equal(buf, "T1000.001 T1000.002");
  targets(buf, sizeof(buf), kb, ref_of(kb, "T1000"), CTIX_KB_REL_MITIGATED_BY, 0);
  assert_string_equal(buf, "M1001");
  targets(buf, sizeof(buf), kb, ref_of(kb, "T1000"), CTIX_KB_REL_REPLACES, 0);
  assert_string_equal(buf, "T1001 T1002");
  targets(buf, sizeof(buf), kb, ref_of(kb, "T1000.001"), CTIX_KB_REL_DETECTED_BY, 0);
  assert_string_equal(buf, "DC0001");
  targets(buf, sizeof(buf), kb, ref_of(kb, "DC0001"), CTIX_KB_REL_DETECTS, 0);
  assert_string_equal(buf, "T1000.001");
  targets(buf, sizeof(buf), kb, ref_of(kb, "TA0002"), CTIX_KB_REL_TECHNIQUE, 0);
  assert_string_equal(buf, "T1000 T1000.001 T1000.002 T1001 T1002");
  /* No relation of that kind. */
  targets(buf, sizeof(buf), kb, g, CTIX_KB_REL_MITIGATES, 0);
  assert_string_equal(buf, "");
}

static void test_d3fend(void **state)
{
  const ctix_kb *kb = ((fixture *)*state)->kb;
  ctix_kb_ref t = ref_of(kb, "T1000"), c1 = ref_of(kb, "T1000.001");
  ctix_kb_ref aa = ref_of(kb, "D3-AA"), bb = ref_of(kb, "D3-BB"), cc = ref_of(kb, "D3-CC");
  ctix_kb_obj o;
  char buf[256];
  /* The parent: its own mappings and its sub-technique's, rolled up. */
  targets(buf, sizeof(buf), kb, t, CTIX_KB_REL_COUNTERED_BY, 0);
  assert_string_equal(buf, "D3-AA D3-BB D3-CC");
  assert_int_equal(edge_flags(kb, t, CTIX_KB_REL_COUNTERED_BY, aa), 0x100u | CTIX_KB_EDGE_SUBCLASS);
  assert_int_equal(edge_flags(kb, t, CTIX_KB_REL_COUNTERED_BY, bb), 0x100u);
  assert_int_equal(edge_flags(kb, t, CTIX_KB_REL_COUNTERED_BY, cc), 0x100u | CTIX_KB_EDGE_ROLLUP);
  /* The sub-technique inherits the parent's. */
  targets(buf, sizeof(buf), kb, c1, CTIX_KB_REL_COUNTERED_BY, 0);
  assert_string_equal(buf, "D3-AA D3-BB");
  assert_true(edge_flags(kb, c1, CTIX_KB_REL_COUNTERED_BY, bb) & CTIX_KB_EDGE_INHERITED);
  /* The artifact of the path, and the verb. */
  {
    size_t first, n = ctix_kb_edges(kb, t, CTIX_KB_REL_COUNTERED_BY, 0, &first);
    ctix_kb_edge e;
    assert_int_equal(n, 3);
    ctix_kb_edge_at(kb, first, &e);
    assert_string_equal(ctix_kb_id(kb, e.via), "Script");
    assert_string_equal(ctix_kb_name(kb, e.via), "Executable Script");
    assert_string_equal(e.verb, "executes");
  }
  targets(buf, sizeof(buf), kb, bb, CTIX_KB_REL_COUNTERS, 0);
  assert_string_equal(buf, "T1000 T1000.001");
  targets(buf, sizeof(buf), kb, bb, CTIX_KB_REL_MITIGATION, 0);
  assert_string_equal(buf, "M1001");
  targets(buf, sizeof(buf), kb, bb, CTIX_KB_REL_TACTIC, 0);
  assert_string_equal(buf, "Isolate");
  targets(buf, sizeof(buf), kb, bb, CTIX_KB_REL_ARTIFACT, 0);
  assert_string_equal(buf, "File Script");
  ctix_kb_get(kb, bb, &o);
  assert_int_equal(o.parent, aa);
  assert_string_equal(o.shortname, "BetaBlocking");
  /* D3FEND tactics in D3FEND's display order. */
  {
    ctix_kb_ref first;
    assert_int_equal(ctix_kb_range(kb, CTIX_KB_D3FEND_TACTIC, &first), 3);
    assert_string_equal(ctix_kb_id(kb, first), "Harden");
    assert_string_equal(ctix_kb_id(kb, first + 1), "Detect");
    assert_string_equal(ctix_kb_id(kb, first + 2), "Isolate");
  }
}

static void test_kev(void **state)
{
  const ctix_kb *kb = ((fixture *)*state)->kb;
  ctix_kb_kev k;
  assert_int_equal(ctix_kb_kev_count(kb), 3);
  assert_int_equal(ctix_kb_find_cve(kb, "cve-2030-0001", 13, &k), 0);
  assert_string_equal(k.cve, "CVE-2030-0001");
  assert_string_equal(k.vendor, "Acme");
  assert_string_equal(k.product, "Widget Server");
  assert_string_equal(k.date_added, "2030-01-01");
  assert_string_equal(k.due_date, "2030-01-22");
  assert_true(k.known_ransomware);
  assert_int_equal(k.ncwes, 1);
  assert_string_equal(ctix_kb_kev_cwe(kb, k.index, 0), "CWE-78");
  assert_int_equal(ctix_kb_find_cve(kb, "CVE-2030-0002", 13, &k), 0);
  assert_false(k.known_ransomware);
  assert_int_equal(k.ncwes, 2);
  assert_int_equal(ctix_kb_find_cve(kb, "CVE-2000-0001", 13, &k), CTIX_ENOTFOUND);
}

static void test_search(void **state)
{
  const ctix_kb *kb = ((fixture *)*state)->kb;
  ctix_kb_hit hits[8];
  size_t total;
  ctix_kb_kev k;
  assert_int_equal(ctix_kb_search(hits, 8, &total, kb, "alpha group", NULL), 0);
  assert_true(total >= 1);
  assert_string_equal(ctix_kb_id(kb, hits[0].ref), "G0001");
  assert_int_equal(ctix_kb_search(hits, 8, &total, kb, "bear", NULL), 0);
  assert_true(total >= 1);
  assert_string_equal(ctix_kb_id(kb, hits[0].ref), "G0001");
  assert_string_equal(hits[0].matched, "Bear Cub");
  /* Exact id first; revoked techniques rank below active ones. */
  assert_int_equal(ctix_kb_search(hits, 8, &total, kb, "t1000", NULL), 0);
  assert_string_equal(ctix_kb_id(kb, hits[0].ref), "T1000");
  assert_int_equal(ctix_kb_search(hits, 8, &total, kb, "technique", NULL), 0);
  assert_true(total >= 4);
  assert_string_equal(ctix_kb_id(kb, hits[0].ref), "T0800");
  assert_false(ctix_kb_flags(kb, hits[1].ref) & (CTIX_KB_REVOKED | CTIX_KB_DEPRECATED));
  /* KEV entries by vendor and product. */
  assert_int_equal(ctix_kb_search(hits, 8, &total, kb, "acme widget server", NULL), 0);
  assert_true(total >= 1);
  assert_int_equal(hits[0].ref, CTIX_KB_NONE);
  ctix_kb_kev_at(kb, hits[0].kev, &k);
  assert_string_equal(k.cve, "CVE-2030-0001");
  /* At most max hits are stored; total counts all. */
  assert_int_equal(ctix_kb_search(hits, 1, &total, kb, "acme", NULL), 0);
  assert_int_equal(total, 2);
  assert_int_equal(ctix_kb_search(hits, 8, &total, kb, "xyzzy", NULL), 0);
  assert_int_equal(total, 0);
}

static void test_info(void **state)
{
  const ctix_kb *kb = ((fixture *)*state)->kb;
  char *text;
  size_t len;
  json_t *j;
  json_error_t je;
  assert_int_equal(ctix_kb_info(&text, &len, kb, true, NULL), 0);
  j = json_loads(text, 0, &je);
  assert_non_null(j);
  free(text);
  assert_int_equal(json_integer_value(json_object_get(
                       json_object_get(json_object_get(json_object_get(j, "attack"), "enterprise"),
                                       "techniques"),
                       "active")),
                   1);
  assert_int_equal(json_integer_value(json_object_get(
                       json_object_get(json_object_get(json_object_get(j, "attack"), "enterprise"),
                                       "techniques"),
                       "revoked")),
                   2);
  assert_int_equal(json_integer_value(json_object_get(
                       json_object_get(json_object_get(json_object_get(j, "attack"), "ics"),
                                       "groups"),
                       "active")),
                   1);
  assert_int_equal(
      json_integer_value(json_object_get(json_object_get(j, "kev"), "known_ransomware")), 1);
  assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "d3fend"),
                                                      "technique_countermeasure_pairs")),
                   5);
  assert_string_equal(json_string_value(json_object_get(json_object_get(j, "sources"), "d3fend")),
                      "0.0.1");
  json_decref(j);
  assert_int_equal(ctix_kb_info(&text, &len, kb, false, NULL), 0);
  assert_non_null(strstr(text, "attack-enterprise            99.1"));
  free(text);
}

/* -------------------------------------------------------- determinism */

static void test_deterministic(void **state)
{
  tmpdir a, b;
  sources s;
  ctix_error err;
  char pa[400], pb[400];
  size_t la, lb;
  char *da, *db;
  (void)state;
  tmp_make(&a);
  tmp_make(&b);
  default_sources(&s);
  assert_int_equal(build(&s, a.path, &err), 0);
  /* Bundles in the other order, D3FEND named by its mappings CSV. */
  s.attack[0] = DATA "/ics.json";
  s.attack[1] = DATA "/enterprise.json";
  s.d3fend = DATA "/d3fend/attack-d3fend-mappings.csv";
  assert_int_equal(build(&s, b.path, &err), 0);
  snprintf(pa, sizeof(pa), "%s/ctix.kb", a.path);
  snprintf(pb, sizeof(pb), "%s/ctix.kb", b.path);
  da = slurp(pa, &la);
  db = slurp(pb, &lb);
  assert_int_equal(la, lb);
  assert_memory_equal(da, db, la);
  free(da);
  free(db);
  snprintf(pa, sizeof(pa), "%s/manifest.txt", a.path);
  snprintf(pb, sizeof(pb), "%s/manifest.txt", b.path);
  da = slurp(pa, &la);
  db = slurp(pb, &lb);
  assert_int_equal(la, lb);
  assert_memory_equal(da, db, la);
  free(da);
  free(db);
  tmp_remove(a.path);
  tmp_remove(b.path);
}

/* ---------------------------------------------------------- bad input */

/* A change to one JSON source: applied to the parsed file, then saved. */
typedef void (*json_edit)(json_t *root);

static json_t *object_with_id(json_t *root, const char *id)
{
  json_t *objs = json_object_get(root, "objects"), *o;
  size_t i;
  json_array_foreach(objs, i, o)
  {
    if (strcmp(json_string_value(json_object_get(o, "id")), id) == 0)
      return o;
  }
  fail_msg("no object %s", id);
  return NULL;
}

static void edit_name_type(json_t *root)
{
  json_object_set_new(object_with_id(root, "attack-pattern--00000000-0000-4000-8000-000000010001"),
                      "name", json_integer(5));
}

static void edit_dangling(json_t *root)
{
  json_object_set_new(object_with_id(root, "relationship--00000000-0000-4000-8000-000000000005"),
                      "target_ref",
                      json_string("attack-pattern--00000000-0000-4000-8000-000000009999"));
}

static void edit_cycle(json_t *root)
{
  /* revoked-by T1002 -> T1000 becomes T1002 -> T1001 (-> T1002). */
  json_object_set_new(object_with_id(root, "relationship--00000000-0000-4000-8000-000000000004"),
                      "target_ref",
                      json_string("attack-pattern--00000000-0000-4000-8000-000000001001"));
}

static void edit_aliases(json_t *root)
{
  json_t *a = json_array();
  json_array_append_new(a, json_string("ok"));
  json_array_append_new(a, json_true());
  json_object_set_new(object_with_id(root, "intrusion-set--00000000-0000-4000-8000-000000000001"),
                      "aliases", a);
}

static void edit_phase(json_t *root)
{
  json_t *o = object_with_id(root, "attack-pattern--00000000-0000-4000-8000-000000001000");
  json_t *ph = json_array_get(json_object_get(o, "kill_chain_phases"), 0);
  json_object_set_new(ph, "phase_name", json_string("no-such-tactic"));
}

static void edit_no_collection(json_t *root)
{
  json_array_remove(json_object_get(root, "objects"), 0);
}

static void edit_kev_date(json_t *root)
{
  json_object_set_new(json_array_get(json_object_get(root, "vulnerabilities"), 1), "dateAdded",
                      json_string("05/01/2029"));
}

static void edit_kev_dup(json_t *root)
{
  json_object_set_new(json_array_get(json_object_get(root, "vulnerabilities"), 2), "cveID",
                      json_string("CVE-2030-0001"));
}

static void edit_kev_count(json_t *root)
{
  json_object_set_new(root, "count", json_integer(4));
}

/* One bad-input case: which source, how it is broken, what must be said. */
typedef struct bad_case {
  const char *name;
  const char *file;       /* enterprise.json, kev.json or a d3fend/ CSV */
  json_edit edit;         /* JSON edits */
  const char *find;       /* text edits: replace `find` with `repl` ... */
  const char *repl;
  long truncate;          /* ... or cut the file to this many bytes */
  int code;
  const char *expect1, *expect2;
  bool has_line;          /* the error gives line and column */
} bad_case;

static const bad_case bad_cases[] = {
    {"truncated bundle", "enterprise.json", NULL, NULL, NULL, 2000, CTIX_EPARSE,
     "enterprise.json:", "invalid JSON", true},
    {"not a bundle", "enterprise.json", NULL, "\"type\": \"bundle\"", "\"type\": \"bunch\"", 0,
     CTIX_EPARSE, "enterprise.json", "not a STIX bundle", false},
    {"name of the wrong type", "enterprise.json", edit_name_type, NULL, NULL, 0, CTIX_EPARSE,
     "attack-pattern--00000000-0000-4000-8000-000000010001", "\"name\" must be a string", false},
    {"alias of the wrong type", "enterprise.json", edit_aliases, NULL, NULL, 0, CTIX_EPARSE,
     "\"aliases\"[1] must be a string", "objects[", false},
    {"dangling relationship", "enterprise.json", edit_dangling, NULL, NULL, 0, CTIX_EPARSE,
     "relationship--00000000-0000-4000-8000-000000000005", "dangling", false},
    {"revoked-by cycle", "enterprise.json", edit_cycle, NULL, NULL, 0, CTIX_EPARSE, "cycle",
     "enterprise.json", false},
    {"unknown kill-chain phase", "enterprise.json", edit_phase, NULL, NULL, 0, CTIX_EPARSE,
     "no-such-tactic", "attack-pattern--00000000-0000-4000-8000-000000001000", false},
    {"no collection", "enterprise.json", edit_no_collection, NULL, NULL, 0, CTIX_EPARSE,
     "x-mitre-collection", "version", false},
    {"truncated KEV", "kev.json", NULL, NULL, NULL, 300, CTIX_EPARSE, "kev.json:", "invalid JSON",
     true},
    {"KEV date", "kev.json", edit_kev_date, NULL, NULL, 0, CTIX_EPARSE,
     "vulnerabilities[1] (CVE-2029-12345)", "dateAdded", false},
    {"KEV duplicate", "kev.json", edit_kev_dup, NULL, NULL, 0, CTIX_EPARSE, "CVE-2030-0001",
     "twice", false},
    {"KEV count", "kev.json", edit_kev_count, NULL, NULL, 0, CTIX_EPARSE, "\"count\"", "3 entries",
     false},
    {"dangling D3FEND technique", "d3fend/attack-d3fend-mappings.csv", NULL, ",D3-CC,", ",D3-ZZ,",
     0, CTIX_EPARSE, "attack-d3fend-mappings.csv:6:", "D3-ZZ", true},
    {"dangling ATT&CK id", "d3fend/attack-d3fend-artifacts.csv", NULL, "\nT1000.002,", "\nT9999,",
     0, CTIX_EPARSE, "attack-d3fend-artifacts.csv:4:1:", "T9999", true},
    {"dangling mitigation", "d3fend/attack-mitigation-d3fend.csv", NULL, "M1001", "M7777", 0,
     CTIX_EPARSE, "attack-mitigation-d3fend.csv:2:1:", "M7777", true},
    {"dangling D3FEND parent", "d3fend/d3fend-techniques.csv", NULL, ",D3-AA,", ",D3-QQ,", 0,
     CTIX_EPARSE, "d3fend-techniques.csv:3:", "D3-QQ", true},
    {"missing CSV column", "d3fend/attack-d3fend-mappings.csv", NULL, "d3fend_id,", "d3f_id,", 0,
     CTIX_EPARSE, "attack-d3fend-mappings.csv:1:1:", "d3fend_id", true},
    {"short CSV row", "d3fend/d3fend-techniques.csv", NULL, ",hardens:Process", "", 0,
     CTIX_EPARSE, "d3fend-techniques.csv:4:1:", "expected 7 fields", true},
    {"quoted CSV field", "d3fend/attack-mitigation-d3fend.csv", NULL, "Do Things", "\"Do, Things\"",
     0, CTIX_EPARSE, "attack-mitigation-d3fend.csv:2:", "quoted", true},
    {"bad sc value", "d3fend/attack-d3fend-mappings.csv", NULL, ",-<-,", ",<<,", 0, CTIX_EPARSE,
     "attack-d3fend-mappings.csv:2:", "sc", true},
    {"missing KEV file", "kev.json", NULL, NULL, NULL, -1, CTIX_EIO, "kev.json", "cannot open",
     false},
    {"missing D3FEND file", "d3fend/attack-d3fend-artifacts.csv", NULL, NULL, NULL, -1, CTIX_EIO,
     "attack-d3fend-artifacts.csv", "cannot open", false},
};

/* Copies the test sources to dir, breaking one file as the case says. */
static void stage(const char *dir, const bad_case *c)
{
  static const char *const files[] = {
      "enterprise.json",
      "ics.json",
      "kev.json",
      "d3fend/d3fend-techniques.csv",
      "d3fend/attack-d3fend-artifacts.csv",
      "d3fend/attack-d3fend-mappings.csv",
      "d3fend/attack-mitigation-d3fend.csv",
  };
  char from[400], to[400];
  size_t i;
  snprintf(to, sizeof(to), "%s/d3fend", dir);
  assert_int_equal(mkdir(to, 0700), 0);
  for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
    snprintf(from, sizeof(from), "%s/%s", DATA, files[i]);
    snprintf(to, sizeof(to), "%s/%s", dir, files[i]);
    if (strcmp(files[i], c->file) != 0) {
      copy_file(from, to);
    } else if (c->truncate < 0) {
      continue; /* missing */
    } else if (c->edit) {
      json_error_t je;
      json_t *root = json_load_file(from, 0, &je);
      assert_non_null(root);
      c->edit(root);
      assert_int_equal(json_dump_file(root, to, JSON_INDENT(2)), 0);
      json_decref(root);
    } else {
      size_t len;
      char *d = slurp(from, &len);
      if (c->truncate > 0) {
        spit(to, d, (size_t)c->truncate);
      } else {
        char *at = strstr(d, c->find);
        size_t fl = strlen(c->find), rl = strlen(c->repl);
        char *nd = malloc(len - fl + rl + 1);
        assert_non_null(at);
        memcpy(nd, d, (size_t)(at - d));
        memcpy(nd + (at - d), c->repl, rl);
        memcpy(nd + (at - d) + rl, at + fl, len - (size_t)(at - d) - fl);
        spit(to, nd, len - fl + rl);
        free(nd);
      }
      free(d);
    }
  }
}

static void test_bad_input(void **state)
{
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
    const bad_case *c = &bad_cases[i];
    tmpdir src, out;
    sources s;
    char ent[400], ics[400], d3[400], kev[400], msg[800];
    ctix_error err;
    int rc;
    tmp_make(&src);
    tmp_make(&out);
    stage(src.path, c);
    snprintf(ent, sizeof(ent), "%s/enterprise.json", src.path);
    snprintf(ics, sizeof(ics), "%s/ics.json", src.path);
    snprintf(d3, sizeof(d3), "%s/d3fend", src.path);
    snprintf(kev, sizeof(kev), "%s/kev.json", src.path);
    s.attack[0] = ent;
    s.attack[1] = ics;
    s.nattack = 2;
    s.d3fend = d3;
    s.kev = kev;
    rc = build(&s, out.path, &err);
    ctix_error_format(msg, sizeof(msg), &err);
    if (rc != c->code || !strstr(msg, c->expect1) || !strstr(msg, c->expect2) ||
        (c->has_line && err.line == 0) || strchr(msg, '\n'))
      fail_msg("case '%s': rc %d, message '%s'", c->name, rc, msg);
    printf("  %-26s %s\n", c->name, msg);
    /* Nothing is written on failure. */
    snprintf(msg, sizeof(msg), "%s/ctix.kb", out.path);
    assert_int_not_equal(access(msg, F_OK), 0);
    tmp_remove(src.path);
    tmp_remove(out.path);
  }
}

static void test_missing_options(void **state)
{
  ctix_kb_build_opts o;
  ctix_error err;
  const char *attack[1] = {DATA "/enterprise.json"};
  (void)state;
  memset(&o, 0, sizeof(o));
  ctix_error_clear(&err);
  assert_int_equal(ctix_kb_build(&o, &err), CTIX_EINVAL);
  o.attack = attack;
  o.nattack = 1;
  ctix_error_clear(&err);
  assert_int_equal(ctix_kb_build(&o, &err), CTIX_EINVAL);
  assert_non_null(strstr(err.message, "--d3fend"));
}

/* ------------------------------------------------------ corrupt tables */

/* Reads everything a caller can reach, so ASan sees any bad offset. */
static void walk(const ctix_kb *kb)
{
  size_t i, k, first, total;
  ctix_kb_obj o;
  ctix_kb_edge e;
  ctix_kb_kev kv;
  ctix_kb_ref r, refs[4];
  ctix_kb_hit hits[4];
  const char *key, *val;
  char *text;
  size_t len, sum = 0;
  for (i = 0; i < ctix_kb_count(kb); i++) {
    assert_int_equal(ctix_kb_get(kb, (ctix_kb_ref)i, &o), 0);
    sum += strlen(o.id) + strlen(o.name) + strlen(o.stix_id) + strlen(o.first_seen);
    for (k = 0; k < o.naliases; k++)
      sum += strlen(ctix_kb_alias(kb, (ctix_kb_ref)i, k));
    for (k = 0; k < o.nplatforms; k++)
      sum += strlen(ctix_kb_platform(kb, (ctix_kb_ref)i, k));
    for (k = 0; k < o.nedges; k++) {
      assert_int_equal(ctix_kb_edge_at(kb, o.first_edge + k, &e), 0);
      sum += strlen(e.verb) + strlen(ctix_kb_id(kb, e.target));
    }
    sum += ctix_kb_edges(kb, (ctix_kb_ref)i, CTIX_KB_REL_USES, CTIX_KB_TECHNIQUE, &first);
    ctix_kb_find_id(kb, o.id, strlen(o.id), &r);
    ctix_kb_resolve_id(kb, o.id, strlen(o.id), &r);
    ctix_kb_find_stix(kb, o.stix_id, strlen(o.stix_id), &r);
    sum += ctix_kb_find_name(kb, o.name, strlen(o.name), refs, 4);
  }
  for (i = 0; i < ctix_kb_kev_count(kb); i++) {
    assert_int_equal(ctix_kb_kev_at(kb, i, &kv), 0);
    sum += strlen(kv.cve) + strlen(kv.vendor);
    for (k = 0; k < kv.ncwes; k++)
      sum += strlen(ctix_kb_kev_cwe(kb, i, k));
    ctix_kb_find_cve(kb, kv.cve, strlen(kv.cve), &kv);
  }
  for (i = 0; ctix_kb_source_at(kb, i, &key, &val) == 0; i++)
    sum += strlen(key) + strlen(val);
  ctix_kb_search(hits, 4, &total, kb, "a", NULL);
  if (ctix_kb_info(&text, &len, kb, true, NULL) == 0)
    free(text);
  (void)sum;
}

static void test_corrupt_tables(void **state)
{
  const ctix_kb *good = ((fixture *)*state)->kb;
  const unsigned char *blob = good->base;
  size_t len = good->size, i;
  unsigned char *copy = malloc(len);
  ctix_error err;
  ctix_kb *kb;
  assert_non_null(copy);
  /* Every truncation is refused. */
  for (i = 0; i < len; i++) {
    ctix_error_clear(&err);
    assert_int_not_equal(ctix_kb_open_mem(&kb, blob, i, "t", &err), 0);
    assert_null(kb);
  }
  /* Every altered byte is refused (checksum); without the checksum the
     structural checks either refuse it or everything stays in bounds. */
  for (i = 0; i < len; i++) {
    int rc;
    memcpy(copy, blob, len);
    copy[i] ^= 0xA5;
    ctix_error_clear(&err);
    rc = ctix_kb_open_mem(&kb, copy, len, "t", &err);
    if (rc == 0)
      fail_msg("byte %zu altered and accepted", i);
    assert_true(rc == CTIX_EPARSE || rc == CTIX_EUNSUPPORTED);
    ctix_error_clear(&err);
    if (ctix__kb_open_mem(&kb, copy, len, "t", CTIX__KB_NO_CHECKSUM, &err) == 0) {
      walk(kb);
      ctix_kb_free(kb);
    }
  }
  /* A table file that is not one. */
  ctix_error_clear(&err);
  assert_int_equal(ctix_kb_open_mem(&kb, "hello", 5, "t", &err), CTIX_EPARSE);
  free(copy);
  walk(good);
}

/* A name holding an escape sequence (checksum made right) is refused: the
   CLI prints names as they are. */
static void test_control_chars(void **state)
{
  const ctix_kb *good = ((fixture *)*state)->kb;
  size_t len = good->size, at;
  unsigned char *copy = malloc(len);
  uint64_t sum;
  ctix_error err;
  ctix_kb *kb;
  assert_non_null(copy);
  memcpy(copy, good->base, len);
  at = (size_t)((const unsigned char *)ctix_kb_name(good, 0) - good->base);
  assert_true(copy[at] != '\0');
  copy[at] = 0x1b;
  sum = ctix__kb_checksum(copy + CTIX__KB_CHECKED_FROM, len - CTIX__KB_CHECKED_FROM);
  memcpy(copy + offsetof(ctix__kb_header, checksum), &sum, sizeof(sum));
  ctix_error_clear(&err);
  assert_int_equal(ctix_kb_open_mem(&kb, copy, len, "t", &err), CTIX_EPARSE);
  assert_null(kb);
  assert_non_null(strstr(err.message, "control character"));
  free(copy);
}

static void test_open_errors(void **state)
{
  ctix_kb *kb;
  ctix_error err;
  tmpdir d;
  char path[400], msg[800];
  (void)state;
  ctix_error_clear(&err);
  assert_int_equal(ctix_kb_open_dir(&kb, "/nonexistent/ctix-kb", &err), CTIX_EIO);
  assert_null(kb);
  tmp_make(&d);
  snprintf(path, sizeof(path), "%s/ctix.kb", d.path);
  spit(path, "CTIXKB\r\nthis is not a table", 26);
  ctix_error_clear(&err);
  assert_int_equal(ctix_kb_open_dir(&kb, d.path, &err), CTIX_EPARSE);
  ctix_error_format(msg, sizeof(msg), &err);
  assert_non_null(strstr(msg, path));
  tmp_remove(d.path);
}

/* ---------------------------------------------------- embedded tables */

static void test_embedded(void **state)
{
  ctix_kb *kb;
  const ctix_kb *def;
  ctix_error err;
  ctix_kb_obj o;
  ctix_kb_ref r, refs[4];
  ctix_kb_kev k;
  char buf[512];
  (void)state;
  ctix_error_clear(&err);
  if (ctix_kb_open_embedded(&kb, &err) == CTIX_ENOTFOUND) {
    printf("skipping: this build has no embedded knowledge base\n");
    skip();
  }
  assert_non_null(kb);
  assert_string_equal(ctix_kb_origin(kb), "embedded");
  assert_non_null(ctix_kb_source(kb, "attack-enterprise"));
  assert_non_null(ctix_kb_source(kb, "d3fend"));
  assert_non_null(ctix_kb_source(kb, "kev"));
  r = ref_of(kb, "T1059.001");
  ctix_kb_get(kb, r, &o);
  assert_string_equal(o.name, "PowerShell");
  assert_string_equal(ctix_kb_id(kb, o.parent), "T1059");
  targets(buf, sizeof(buf), kb, r, CTIX_KB_REL_TACTIC, 0);
  assert_string_equal(buf, "TA0002");
  /* The D3FEND hand check of ../shared/data/d3fend/README.md. */
  targets(buf, sizeof(buf), kb, r, CTIX_KB_REL_COUNTERED_BY, 0);
  {
    static const char *const want[] = {"D3-DA", "D3-EFA", "D3-FA", "D3-FIM", "D3-EAL",
                                       "D3-EDL", "D3-CF", "D3-CM", "D3-CQ", "D3-LFP",
                                       "D3-RFAM", "D3-FE", "D3-FEV", "D3-RF", "D3-DF"};
    size_t i;
    for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
      if (!strstr(buf, want[i]))
        fail_msg("T1059.001 lacks %s: %s", want[i], buf);
  }
  /* An old id maps to today's technique. */
  assert_int_equal(ctix_kb_resolve_id(kb, "T1086", 5, &r), 0);
  assert_string_equal(ctix_kb_id(kb, r), "T1059.001");
  assert_int_equal(ctix_kb_find_name(kb, "cozy bear", 9, refs, 4), 1);
  assert_string_equal(ctix_kb_id(kb, refs[0]), "G0016");
  assert_string_equal(ctix_kb_name(kb, ref_of(kb, "S0002")), "Mimikatz");
  targets(buf, sizeof(buf), kb, ref_of(kb, "C0024"), CTIX_KB_REL_ATTRIBUTED_TO, 0);
  assert_string_equal(buf, "G0016");
  assert_string_equal(ctix_kb_name(kb, ref_of(kb, "M1032")), "Multi-factor Authentication");
  assert_string_equal(ctix_kb_name(kb, ref_of(kb, "D3-DA")), "Dynamic Analysis");
  assert_int_equal(ctix_kb_find_cve(kb, "CVE-2021-44228", 14, &k), 0);
  assert_string_equal(k.vendor, "Apache");
  /* The shared instance is the embedded one when CTIX_KB is unset. */
  unsetenv("CTIX_KB");
  assert_int_equal(ctix_kb_default(&def, &err), 0);
  assert_int_equal(ctix_kb_size(def), ctix_kb_size(kb));
  ctix_kb_free(kb);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_lookups, setup_mini, teardown_mini),
      cmocka_unit_test_setup_teardown(test_objects, setup_mini, teardown_mini),
      cmocka_unit_test_setup_teardown(test_relations, setup_mini, teardown_mini),
      cmocka_unit_test_setup_teardown(test_d3fend, setup_mini, teardown_mini),
      cmocka_unit_test_setup_teardown(test_kev, setup_mini, teardown_mini),
      cmocka_unit_test_setup_teardown(test_search, setup_mini, teardown_mini),
      cmocka_unit_test_setup_teardown(test_info, setup_mini, teardown_mini),
      cmocka_unit_test_setup_teardown(test_corrupt_tables, setup_mini, teardown_mini),
      cmocka_unit_test_setup_teardown(test_control_chars, setup_mini, teardown_mini),
      cmocka_unit_test(test_deterministic),
      cmocka_unit_test(test_bad_input),
      cmocka_unit_test(test_missing_options),
      cmocka_unit_test(test_open_errors),
      cmocka_unit_test(test_embedded),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
