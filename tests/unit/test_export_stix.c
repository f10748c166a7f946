/*
 * Unit tests of the STIX 2.1 writer (src/lib/export/stix.c): a golden
 * bundle of a small hand-made analysis (tests/data/export/stix-golden.json;
 * CTIX_UPDATE_GOLDEN=1 rewrites it), byte-identical output, the bundle's
 * structure (unique ids, every reference resolving, markings everywhere,
 * no created_by_ref on SCOs, ctix properties only in the extension), SCO
 * ids against UUIDv5 values computed independently, the relationships
 * that follow from the analysis, options (TLP levels, timestamps) and
 * errors, and hostile observables (quotes, backslashes, brackets, control
 * characters, odd Unicode, 10,000 of them) whose patterns must stay
 * well-formed and hold exactly the SCO's value. The bundle object
 * (ctix_export_stix_bundle) holds ctix_export_stix's text, the same JSON
 * compact (as a compact-only writer makes it), and object records equal
 * to what a JSON reader gets back from the text, hostile names included.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "ctix/ctix.h"
#include "ctix/export.h"
#include "export/export_internal.h"
#include "export/jsonw.h"
#include "export_test.h"

#define TLP_CLEAR "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
#define TLP_AMBER_STRICT "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"

static const char golden_text[] =
    "---\n"
    "title: Golden \"test\" report\n"
    "published: 2025-03-04T05:06:07+01:00\n"
    "canonical_url: https://example.com/golden\n"
    "---\n"
    "# Golden report\n\n"
    "APT29 used PowerShell to run NewLoader from 198.51.100.7 against Example Corp.\n\n"
    "The operators could also send spearphishing attachments.\n\n"
    "Energy companies in Poland were targeted through CVE-2021-44228.\n";

/* The hand-made analysis of golden_text (IOCs hand-made too). */
static void golden_fx(export_fx *f)
{
  static const ctix_ioc_type types[] = {CTIX_IOC_IPV4,       CTIX_IOC_DOMAIN,
                                        CTIX_IOC_SHA256,     CTIX_IOC_FILE_PATH,
                                        CTIX_IOC_REGISTRY_KEY, CTIX_IOC_URL,
                                        CTIX_IOC_BTC,        CTIX_IOC_FILE_NAME};
  static const char *const values[] = {
      "198.51.100.7",
      "evil.example",
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "C:\\Temp\\a.exe",
      "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run",
      "http://evil.example/x.php?a=1",
      "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
      "a\"b\xc3\xa9.exe"};
  static const char *const shared[] = {"T1059.001"};
  assert_int_equal(export_fx_init(f, golden_text, sizeof(golden_text) - 1, "golden.md"), 0);
  export_fx_hand_only(f);
  assert_int_equal(export_fx_set_iocs(f, types, values, sizeof(types) / sizeof(types[0])), 0);
  assert_int_equal(export_fx_technique(f, "T1059.001", 0.91f, CTIX_TTP_OBSERVED, "PowerShell"),
                   0);
  assert_int_equal(
      export_fx_technique(f, "T1566.001", 0.55f, CTIX_TTP_POTENTIAL, "spearphishing"), 0);
  assert_int_equal(
      export_fx_entity(f, CTIX_ENTITY_GROUP, "APT29", NULL, "named by the source", 0.95f), 0);
  assert_int_equal(
      export_fx_entity(f, CTIX_ENTITY_MALWARE, "NewLoader", NULL, "named by the source", 0.7f),
      0);
  assert_int_equal(export_fx_entity(f, CTIX_ENTITY_VICTIM, "Example Corp", NULL, "targeted",
                                    0.8f),
                   0);
  assert_int_equal(export_fx_entity(f, CTIX_ENTITY_SECTOR, "Energy", "energy", "targeted", 0.8f),
                   0);
  assert_int_equal(export_fx_entity(f, CTIX_ENTITY_LOCATION, "Poland", "PL", "targeted", 0.8f),
                   0);
  assert_int_equal(export_fx_entity(f, CTIX_ENTITY_VULNERABILITY, "CVE-2021-44228",
                                    "CVE-2021-44228", "mentioned", 1.0f),
                   0);
  assert_int_equal(export_fx_resemblance(f, "G0016", 0.6f, shared, 1), 0);
  assert_int_equal(export_fx_risk(f, "kev_exploited", 30, "CVE-2021-44228"), 0);
  assert_int_equal(export_fx_event(f, "2025-03-01", "detected", "March 1"), 0);
  assert_int_equal(export_fx_finish(f), 0);
}

static char *export_ok(const ctix_analysis *a, const ctix_export_options *o, size_t *len)
{
  char *out = NULL;
  ctix_error err;
  ctix_error_clear(&err);
  if (ctix_export_stix(&out, len, a, o, &err) != 0)
    fail_msg("export failed: %s", err.message);
  assert_non_null(out);
  assert_int_equal(strlen(out), *len);
  return out;
}

static json_t *parse(const char *out, size_t len)
{
  json_error_t jerr;
  json_t *root = json_loadb(out, len, JSON_REJECT_DUPLICATES, &jerr);
  if (!root)
    fail_msg("not JSON: %s at line %d", jerr.text, jerr.line);
  return root;
}

/* The objects of `type` (borrowed references in a new array). */
static json_t *of_type(json_t *bundle, const char *type)
{
  json_t *out = json_array(), *o;
  size_t i;
  json_array_foreach(json_object_get(bundle, "objects"), i, o)
  {
    const char *t = json_string_value(json_object_get(o, "type"));
    if (t && !strcmp(t, type))
      json_array_append(out, o);
  }
  return out;
}

static json_t *by_id(json_t *bundle, const char *id)
{
  json_t *o;
  size_t i;
  json_array_foreach(json_object_get(bundle, "objects"), i, o)
  {
    const char *oid = json_string_value(json_object_get(o, "id"));
    if (oid && !strcmp(oid, id))
      return o;
  }
  return NULL;
}

/* Relationships of `type` from `src` to `dst` (either may be NULL for any). */
static size_t count_rel(json_t *bundle, const char *type, const char *src, const char *dst)
{
  json_t *rels = of_type(bundle, "relationship"), *r;
  size_t i, n = 0;
  json_array_foreach(rels, i, r)
  {
    if (strcmp(json_string_value(json_object_get(r, "relationship_type")), type))
      continue;
    if (src && strcmp(json_string_value(json_object_get(r, "source_ref")), src))
      continue;
    if (dst && strcmp(json_string_value(json_object_get(r, "target_ref")), dst))
      continue;
    n++;
  }
  json_decref(rels);
  return n;
}

static bool is_sco(const char *type)
{
  static const char *const scos[] = {"ipv4-addr", "ipv6-addr",  "domain-name",
                                     "url",       "email-addr", "file",
                                     "directory", "windows-registry-key", "autonomous-system",
                                     "mac-addr",  "mutex"};
  size_t i;
  for (i = 0; i < sizeof(scos) / sizeof(scos[0]); i++)
    if (!strcmp(type, scos[i]))
      return true;
  return false;
}

/* Collects every *_ref / *_refs string under v. */
static void collect_refs(json_t *v, json_t *out)
{
  const char *k;
  json_t *x;
  size_t i;
  if (json_is_object(v)) {
    json_object_foreach(v, k, x)
    {
      size_t n = strlen(k);
      if (n > 4 && !strcmp(k + n - 4, "_ref") && json_is_string(x))
        json_array_append(out, x);
      else if (n > 5 && !strcmp(k + n - 5, "_refs") && json_is_array(x))
        json_array_extend(out, x);
      else
        collect_refs(x, out);
    }
  } else if (json_is_array(v)) {
    json_array_foreach(v, i, x) collect_refs(x, out);
  }
}

/*
 * Structural checks every bundle must pass: unique ids of the form
 * "<type>--<uuid>", references that resolve, the marking on every object,
 * created_by_ref on none of the SCOs, only known top-level keys of ctix's
 * objects, and a report whose object_refs name every other object.
 */
static void check_structure(json_t *b, const char *marking)
{
  json_t *objs = json_object_get(b, "objects"), *o, *ids = json_object(), *refs = json_array(),
         *r, *reports;
  size_t i, n = json_array_size(objs);
  assert_string_equal(json_string_value(json_object_get(b, "type")), "bundle");
  assert_true(n >= 4);
  json_array_foreach(objs, i, o)
  {
    const char *type = json_string_value(json_object_get(o, "type"));
    const char *id = json_string_value(json_object_get(o, "id"));
    size_t tl;
    assert_non_null(type);
    assert_non_null(id);
    tl = strlen(type);
    assert_true(!strncmp(id, type, tl) && !strncmp(id + tl, "--", 2));
    assert_int_equal(strlen(id + tl + 2), 36);
    assert_null(json_object_get(ids, id)); /* unique */
    json_object_set_new(ids, id, json_true());
    assert_string_equal(json_string_value(json_object_get(o, "spec_version")), "2.1");
    if (is_sco(type)) {
      assert_null(json_object_get(o, "created_by_ref"));
      assert_null(json_object_get(o, "created"));
    } else if (strcmp(type, "marking-definition")) {
      assert_non_null(json_object_get(o, "created"));
      assert_non_null(json_object_get(o, "modified"));
    }
    if (strcmp(type, "marking-definition")) {
      json_t *m = json_object_get(o, "object_marking_refs");
      assert_int_equal(json_array_size(m), 1);
      assert_string_equal(json_string_value(json_array_get(m, 0)), marking);
    }
    /* No loose custom properties: x_ keys never appear. */
    {
      const char *k;
      json_t *x;
      json_object_foreach(o, k, x) assert_false(k[0] == 'x' && k[1] == '_');
    }
    collect_refs(o, refs);
  }
  json_array_foreach(refs, i, r)
  {
    if (!json_object_get(ids, json_string_value(r)))
      fail_msg("dangling reference %s", json_string_value(r));
  }
  reports = of_type(b, "report");
  assert_int_equal(json_array_size(reports), 1);
  assert_int_equal(json_array_size(json_object_get(json_array_get(reports, 0), "object_refs")),
                   n - 1);
  json_decref(reports);
  json_decref(refs);
  json_decref(ids);
}

/* ------------------------------------------------------------ tests */

static void test_options_init(void **state)
{
  ctix_export_options o;
  (void)state;
  memset(&o, 0x5a, sizeof(o));
  ctix_export_options_init(&o);
  assert_string_equal(o.producer, "ctix");
  assert_string_equal(o.tlp, "clear");
  assert_string_equal(o.timestamp, "1970-01-01T00:00:00Z");
  assert_null(o.source_url);
  assert_null(o.kb);
}

static void test_golden(void **state)
{
  export_fx f;
  char *out;
  size_t len;
  const char *path = CTIX_TEST_DATA "/export/stix-golden.json";
  (void)state;
  golden_fx(&f);
  out = export_ok(&f.a, NULL, &len);
  if (getenv("CTIX_UPDATE_GOLDEN")) {
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(out, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
  } else {
    FILE *fp = fopen(path, "rb");
    char *want = calloc(1, len + 2);
    size_t got;
    assert_non_null(fp);
    assert_non_null(want);
    got = fread(want, 1, len + 1, fp);
    fclose(fp);
    if (got != len || memcmp(want, out, len)) {
      size_t i = 0;
      while (i < got && i < len && want[i] == out[i])
        i++;
      fail_msg("bundle differs from %s at byte %zu (got %zu bytes, golden %zu); "
               "rerun with CTIX_UPDATE_GOLDEN=1 after checking the change",
               path, i, len, got);
    }
    free(want);
  }
  free(out);
  export_fx_free(&f);
}

static void test_deterministic_structure(void **state)
{
  export_fx f;
  char *a, *b;
  size_t la, lb;
  json_t *root, *x;
  (void)state;
  golden_fx(&f);
  a = export_ok(&f.a, NULL, &la);
  b = export_ok(&f.a, NULL, &lb);
  assert_int_equal(la, lb);
  assert_memory_equal(a, b, la);
  root = parse(a, la);
  check_structure(root, TLP_CLEAR);
  /* Timestamps: the document's date, normalised to UTC with milliseconds. */
  x = of_type(root, "report");
  assert_string_equal(json_string_value(json_object_get(json_array_get(x, 0), "published")),
                      "2025-03-04T04:06:07.000Z");
  assert_string_equal(json_string_value(json_object_get(json_array_get(x, 0), "name")),
                      "Golden \"test\" report");
  json_decref(x);
  /* One indicator per observable with an SCO; the BTC address only in the description. */
  x = of_type(root, "indicator");
  assert_int_equal(json_array_size(x), 7);
  json_decref(x);
  x = of_type(root, "report");
  assert_non_null(strstr(json_string_value(json_object_get(json_array_get(x, 0), "description")),
                         "btc: 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"));
  json_decref(x);
  json_decref(root);
  free(a);
  free(b);
  export_fx_free(&f);
}

static void test_sco_ids(void **state)
{
  /* UUIDv5 values computed with Python's uuid module over the JCS forms. */
  static const char *const want[] = {
      "ipv4-addr--12592121-be4c-5a93-a813-5a5af16e50db",
      "domain-name--69228563-c8d2-54ae-aeca-5f4134cb59aa",
      "file--75cb38d5-2055-5354-b75a-8299a2d670b5",
      "file--6bc08831-368d-54be-8011-f6d70dde929e",
  };
  export_fx f;
  char *out;
  size_t len, i;
  json_t *root, *o;
  (void)state;
  golden_fx(&f);
  out = export_ok(&f.a, NULL, &len);
  root = parse(out, len);
  for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
    if (!by_id(root, want[i]))
      fail_msg("no SCO %s", want[i]);
  o = by_id(root, "file--6bc08831-368d-54be-8011-f6d70dde929e");
  assert_string_equal(json_string_value(json_object_get(o, "name")), "a\"b\xc3\xa9.exe");
  /* The registry key's hive is written in full (the schema refuses HKCU). */
  o = of_type(root, "windows-registry-key");
  assert_int_equal(json_array_size(o), 1);
  assert_string_equal(json_string_value(json_object_get(json_array_get(o, 0), "key")),
                      "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run");
  json_decref(o);
  /* The file path: a directory SCO and a file SCO that refers to it. */
  o = of_type(root, "directory");
  assert_int_equal(json_array_size(o), 1);
  assert_string_equal(json_string_value(json_object_get(json_array_get(o, 0), "path")),
                      "C:\\Temp");
  json_decref(o);
  json_decref(root);
  free(out);
  export_fx_free(&f);
}

static void test_relationships(void **state)
{
  export_fx f;
  char *out;
  size_t len, i;
  json_t *root, *x, *o;
  const char *group = NULL, *malware = NULL, *ap_observed = NULL, *ap_potential = NULL;
  (void)state;
  golden_fx(&f);
  out = export_ok(&f.a, NULL, &len);
  root = parse(out, len);
  x = of_type(root, "intrusion-set");
  json_array_foreach(x, i, o) if (!strcmp(json_string_value(json_object_get(o, "name")), "APT29"))
      group = json_string_value(json_object_get(o, "id"));
  json_decref(x);
  assert_non_null(group);
  if (f.kb) /* MITRE's id, from the knowledge base */
    assert_string_equal(group, "intrusion-set--899ce53f-13a0-479b-a0e4-67d46e241542");
  x = of_type(root, "malware");
  assert_int_equal(json_array_size(x), 1);
  malware = json_string_value(json_object_get(json_array_get(x, 0), "id"));
  assert_true(json_is_true(json_object_get(json_array_get(x, 0), "is_family")));
  /* A new name: ctix's id, with created_by_ref and confidence. */
  assert_non_null(json_object_get(json_array_get(x, 0), "created_by_ref"));
  assert_int_equal(json_integer_value(json_object_get(json_array_get(x, 0), "confidence")), 70);
  json_decref(x);
  x = of_type(root, "attack-pattern");
  assert_int_equal(json_array_size(x), 2);
  json_array_foreach(x, i, o)
  {
    json_t *ref = json_array_get(json_object_get(o, "external_references"), 0);
    const char *eid = json_string_value(json_object_get(ref, "external_id"));
    assert_string_equal(json_string_value(json_object_get(ref, "source_name")), "mitre-attack");
    if (!strcmp(eid, "T1059.001")) {
      ap_observed = json_string_value(json_object_get(o, "id"));
      assert_string_equal(json_string_value(json_object_get(ref, "url")),
                          "https://attack.mitre.org/techniques/T1059/001/");
    } else {
      ap_potential = json_string_value(json_object_get(o, "id"));
    }
  }
  json_decref(x);
  assert_non_null(ap_observed);
  assert_non_null(ap_potential);
  /* The one group uses the observed technique, not the potential one, and the malware. */
  assert_int_equal(count_rel(root, "uses", group, ap_observed), 1);
  assert_int_equal(count_rel(root, "uses", group, ap_potential), 0);
  assert_int_equal(count_rel(root, "uses", group, malware), 1);
  /* Targets: victim, sector and country named as targeted. */
  assert_int_equal(count_rel(root, "targets", group, NULL), 3);
  /* Every indicator is based on its SCO and indicates the one malware. */
  assert_int_equal(count_rel(root, "based-on", NULL, NULL), 7);
  assert_int_equal(count_rel(root, "indicates", NULL, malware), 7);
  /* Nothing attributed (the source does not say so); resemblance is related-to. */
  assert_int_equal(count_rel(root, "attributed-to", NULL, NULL), 0);
  if (f.kb) {
    x = of_type(root, "relationship");
    json_array_foreach(x, i, o) if (!strcmp(json_string_value(json_object_get(o,
                                                                               "relationship_"
                                                                               "type")),
                                            "related-to"))
    {
      assert_non_null(strstr(json_string_value(json_object_get(o, "description")),
                             "resembles"));
      assert_string_equal(json_string_value(json_object_get(o, "target_ref")), group);
    }
    json_decref(x);
    /* Mitigations of the techniques, each with a mitigates relationship. */
    x = of_type(root, "course-of-action");
    assert_true(json_array_size(x) > 0);
    json_array_foreach(x, i, o) assert_true(
        count_rel(root, "mitigates", json_string_value(json_object_get(o, "id")), NULL) >= 1);
    json_decref(x);
  }
  /* One note per technique, about its attack-pattern, quoting the evidence. */
  x = of_type(root, "note");
  assert_int_equal(json_array_size(x), 2);
  json_array_foreach(x, i, o)
  {
    const char *content = json_string_value(json_object_get(o, "content"));
    const char *about = json_string_value(json_array_get(json_object_get(o, "object_refs"), 0));
    if (!strcmp(about, ap_observed))
      assert_non_null(strstr(content, "APT29 used PowerShell"));
    else
      assert_non_null(strstr(content, "spearphishing attachments"));
    assert_true(json_is_object(json_object_get(o, "extensions")));
    assert_null(json_object_get(o, "technique_id")); /* only inside the extension */
  }
  json_decref(x);
  /* The vulnerability with its CVE reference. */
  x = of_type(root, "vulnerability");
  assert_int_equal(json_array_size(x), 1);
  o = json_array_get(json_object_get(json_array_get(x, 0), "external_references"), 0);
  assert_string_equal(json_string_value(json_object_get(o, "source_name")), "cve");
  assert_string_equal(json_string_value(json_object_get(o, "external_id")), "CVE-2021-44228");
  json_decref(x);
  json_decref(root);
  free(out);
  export_fx_free(&f);
}

static void test_options(void **state)
{
  static const char plain[] = "Traffic to 203.0.113.9 was seen.\n";
  export_fx f;
  ctix_export_options o;
  ctix_error err;
  char *out = NULL;
  size_t len = 0;
  json_t *root, *x;
  (void)state;
  assert_int_equal(export_fx_init(&f, plain, sizeof(plain) - 1, "plain.txt"), 0);
  assert_int_equal(export_fx_finish(&f), 0);
  ctix_export_options_init(&o);
  o.tlp = "AMBER+STRICT";
  o.timestamp = "2024-02-29T23:30:00.123-01:30";
  o.producer = "ACME CERT";
  out = export_ok(&f.a, &o, &len);
  root = parse(out, len);
  check_structure(root, TLP_AMBER_STRICT);
  x = of_type(root, "marking-definition");
  assert_int_equal(json_array_size(x), 1);
  assert_string_equal(json_string_value(json_object_get(json_array_get(x, 0), "name")),
                      "TLP:AMBER+STRICT");
  json_decref(x);
  x = of_type(root, "report");
  assert_string_equal(json_string_value(json_object_get(json_array_get(x, 0), "published")),
                      "2024-03-01T01:00:00.000Z");
  json_decref(x);
  x = of_type(root, "identity");
  assert_string_equal(json_string_value(json_object_get(json_array_get(x, 0), "name")),
                      "ACME CERT");
  json_decref(x);
  json_decref(root);
  free(out);

  /* Errors: unknown TLP, a timestamp that is no date, a date that does not exist. */
  o.tlp = "purple";
  ctix_error_clear(&err);
  assert_int_equal(ctix_export_stix(&out, &len, &f.a, &o, &err), CTIX_EINVAL);
  assert_null(out);
  assert_non_null(strstr(err.message, "purple"));
  o.tlp = "green";
  o.timestamp = "yesterday";
  ctix_error_clear(&err);
  assert_int_equal(ctix_export_stix(&out, &len, &f.a, &o, &err), CTIX_EINVAL);
  o.timestamp = "2023-02-29";
  ctix_error_clear(&err);
  assert_int_equal(ctix_export_stix(&out, &len, &f.a, &o, &err), CTIX_EINVAL);
  ctix_error_clear(&err);
  assert_int_equal(ctix_export_stix(&out, &len, NULL, &o, &err), CTIX_EINVAL);
  export_fx_free(&f);
}

static void test_empty_analysis(void **state)
{
  ctix_analysis a;
  char *out;
  size_t len;
  json_t *root;
  (void)state;
  memset(&a, 0, sizeof(a));
  out = export_ok(&a, NULL, &len);
  root = parse(out, len);
  check_structure(root, TLP_CLEAR);
  /* marking, producer, extension-definition, report */
  assert_int_equal(json_array_size(json_object_get(root, "objects")), 4);
  json_decref(root);
  free(out);
}

/*
 * Checks a STIX pattern's lexical shape: '[' ... ']' with every string
 * literal closed and holding only \\ and \' escapes. Stores the unescaped
 * first literal in lit (caller frees).
 */
static bool pattern_ok(const char *p, char **lit)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)1 << 24);
  int depth = 0, nlit = 0;
  *lit = NULL;
  if (*p != '[')
    return false;
  for (; *p; p++) {
    if (*p == '\'') {
      for (p++; *p && *p != '\''; p++) {
        if (*p == '\\') {
          p++;
          if (*p != '\\' && *p != '\'')
            return ctix__buf_free(&b), false;
        }
        if (!nlit)
          ctix__buf_addc(&b, *p);
      }
      if (!*p)
        return ctix__buf_free(&b), false;
      nlit++;
    } else if (*p == '[') {
      depth++;
    } else if (*p == ']') {
      if (--depth < 0)
        return ctix__buf_free(&b), false;
    }
  }
  *lit = ctix__buf_detach(&b, NULL);
  return depth == 0;
}

static void test_hostile(void **state)
{
  static const char text[] = "Quotes ' \" and \\ and ] and \x01 and \xe2\x80\xa8 here.\n";
  export_fx f;
  char *a, *b, *lit;
  size_t la, lb, i, nind = 0;
  json_t *root, *x, *o, *rels, *r, *index;
  (void)state;
  assert_int_equal(export_fx_init(&f, text, sizeof(text) - 1, "hostile.txt"), 0);
  assert_int_equal(export_fx_entity(&f, CTIX_ENTITY_MALWARE, "Evil'\"Mal\\ware]", NULL,
                                    "named by the source", 0.8f),
                   0);
  assert_int_equal(export_fx_hostile(&f, 10000), 0);
  assert_int_equal(export_fx_finish(&f), 0);
  a = export_ok(&f.a, NULL, &la);
  b = export_ok(&f.a, NULL, &lb);
  assert_int_equal(la, lb);
  assert_memory_equal(a, b, la);
  root = parse(a, la);
  check_structure(root, TLP_CLEAR);
  /* indicator id -> the SCO it is based on; id -> object */
  rels = json_object();
  index = json_object();
  json_array_foreach(json_object_get(root, "objects"), i, o)
      json_object_set(index, json_string_value(json_object_get(o, "id")), o);
  x = of_type(root, "relationship");
  json_array_foreach(x, i, r) if (!strcmp(json_string_value(json_object_get(r,
                                                                             "relationship_type")),
                                          "based-on"))
      json_object_set(rels, json_string_value(json_object_get(r, "source_ref")),
                      json_object_get(r, "target_ref"));
  json_decref(x);
  x = of_type(root, "indicator");
  json_array_foreach(x, i, o)
  {
    const char *pat = json_string_value(json_object_get(o, "pattern"));
    const char *iid = json_string_value(json_object_get(o, "id"));
    json_t *sco;
    const char *v;
    if (!pattern_ok(pat, &lit))
      fail_msg("malformed pattern %s", pat);
    /* The literal is exactly the value held by the SCO the indicator is based on. */
    sco = json_object_get(index, json_string_value(json_object_get(rels, iid)));
    assert_non_null(sco);
    v = json_string_value(json_object_get(sco, "value"));
    if (!v)
      v = json_string_value(json_object_get(sco, "name"));
    if (!v)
      v = json_string_value(json_object_get(sco, "key"));
    if (v && lit)
      assert_string_equal(lit, v);
    free(lit);
    nind++;
  }
  /* 28 of the hand-made hostile observables have an SCO, plus all 10,000 generated. */
  assert_int_equal(nind, 28 + 10000);
  json_decref(x);
  json_decref(rels);
  json_decref(index);
  json_decref(root);
  free(a);
  free(b);
  export_fx_free(&f);
}

/* A string member of o, or NULL (as ctix__stix_obj keeps it). */
static const char *member(json_t *o, const char *key)
{
  return json_string_value(json_object_get(o, key));
}

static void same_str(const char *rec, const char *json, const char *what, size_t i)
{
  if ((rec == NULL) != (json == NULL) || (rec && strcmp(rec, json) != 0))
    fail_msg("object %zu: %s recorded as \"%s\", read as \"%s\"", i, what, rec ? rec : "(none)",
             json ? json : "(none)");
}

/* White space outside the strings of JSON text s[0..n)? */
static bool space_outside_strings(const char *s, size_t n)
{
  bool in = false;
  size_t i;
  for (i = 0; i < n; i++) {
    if (in) {
      if (s[i] == '\\')
        i++;
      else if (s[i] == '"')
        in = false;
    } else if (s[i] == '"') {
      in = true;
    } else if (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r') {
      return true;
    }
  }
  return false;
}

/*
 * The bundle object of `a`: its indented text is ctix_export_stix's, its
 * compact text the same JSON value without white space outside strings
 * and byte for byte what a compact-only writer makes, and its records,
 * object by object, what a JSON reader of the text gets back.
 */
static void check_bundle(const ctix_analysis *a)
{
  ctix_stix_bundle *b = NULL, *c = NULL;
  const ctix__stix_obj *objs;
  const char *pretty, *compact, *only;
  char *text;
  size_t plen = 0, clen = 0, olen = 0, tlen = 0, n = 0, i, k;
  json_t *root, *root2, *o, *r;
  assert_int_equal(ctix_export_stix_bundle(&b, a, NULL, NULL), 0);
  text = export_ok(a, NULL, &tlen);
  pretty = ctix_stix_bundle_json(b, true, &plen);
  assert_int_equal(plen, tlen);
  assert_memory_equal(pretty, text, tlen);
  compact = ctix_stix_bundle_json(b, false, &clen);
  assert_non_null(compact);
  assert_int_equal(strlen(compact), clen);
  assert_true(clen < plen);
  assert_false(space_outside_strings(compact, clen));
  assert_int_equal(ctix__export_stix_build(&c, a, NULL, CTIX__STIX_COMPACT, NULL), 0);
  only = ctix_stix_bundle_json(c, false, &olen);
  assert_null(ctix_stix_bundle_json(c, true, NULL));
  assert_int_equal(olen, clen);
  assert_memory_equal(only, compact, clen);
  root = parse(pretty, plen);
  root2 = parse(compact, clen);
  assert_true(json_equal(root, root2));
  objs = ctix__stix_bundle_objects(b, &n);
  assert_int_equal(n, json_array_size(json_object_get(root, "objects")));
  json_array_foreach(json_object_get(root, "objects"), i, o)
  {
    const char *ext = NULL;
    same_str(objs[i].type, member(o, "type"), "type", i);
    same_str(objs[i].id, member(o, "id"), "id", i);
    same_str(objs[i].name, member(o, "name"), "name", i);
    same_str(objs[i].rel_type, member(o, "relationship_type"), "relationship_type", i);
    same_str(objs[i].src, member(o, "source_ref"), "source_ref", i);
    same_str(objs[i].dst, member(o, "target_ref"), "target_ref", i);
    json_array_foreach(json_object_get(o, "external_references"), k, r)
    {
      if ((ext = member(r, "external_id")) != NULL)
        break;
    }
    same_str(objs[i].ext_id, ext, "external_id", i);
  }
  json_decref(root);
  json_decref(root2);
  free(text);
  ctix_stix_bundle_free(b);
  ctix_stix_bundle_free(c);
}

static void test_bundle_object(void **state)
{
  static const char text[] = "Bad Panda and Mal ware hit Example Corp with PowerShell.\n";
  export_fx f;
  ctix_stix_bundle *b = (ctix_stix_bundle *)&f;
  size_t len = 1;
  (void)state;
  golden_fx(&f);
  check_bundle(&f.a);
  export_fx_free(&f);
  /* Names a JSON reader gets back changed: invalid UTF-8, controls, quotes. */
  assert_int_equal(export_fx_init(&f, text, sizeof(text) - 1, "names.txt"), 0);
  export_fx_hand_only(&f);
  assert_int_equal(export_fx_entity(&f, CTIX_ENTITY_GROUP, "Bad\xff Panda\x01\"", NULL,
                                    "named by the source", 0.9f),
                   0);
  assert_int_equal(export_fx_entity(&f, CTIX_ENTITY_MALWARE, "Mal\xe2\x80\xae" "ware\xc3", NULL,
                                    "named by the source", 0.8f),
                   0);
  assert_int_equal(export_fx_technique(&f, "T1059.001", 0.9f, CTIX_TTP_OBSERVED, "PowerShell"),
                   0);
  assert_int_equal(export_fx_hostile(&f, 200), 0);
  assert_int_equal(export_fx_finish(&f), 0);
  check_bundle(&f.a);
  export_fx_free(&f);
  /* Errors and NULLs. */
  assert_int_equal(ctix_export_stix_bundle(&b, NULL, NULL, NULL), CTIX_EINVAL);
  assert_null(b);
  assert_int_equal(ctix_export_stix_bundle(NULL, NULL, NULL, NULL), CTIX_EINVAL);
  assert_null(ctix_stix_bundle_json(NULL, true, &len));
  assert_int_equal(len, 0);
  ctix_stix_bundle_free(NULL);
}

/*
 * A bundle made with fewer forms holds those (ctix__stix_bundle_forms says
 * which), and its strings outlive the analysis it was made from (they are
 * its own copies: export.h promises a bundle independent of the analysis).
 */
static void test_bundle_forms(void **state)
{
  export_fx f;
  ctix_stix_bundle *b = NULL, *c = NULL;
  const ctix__stix_obj *objs;
  size_t n = 0, len = 0, i;
  char *ids;
  ctix_buf copy = CTIX_BUF_INIT((size_t)1 << 20);
  (void)state;
  golden_fx(&f);
  assert_int_equal(ctix__export_stix_build(&b, &f.a, NULL, CTIX__STIX_PRETTY, NULL), 0);
  assert_int_equal(ctix__stix_bundle_forms(b), CTIX__STIX_PRETTY);
  assert_null(ctix_stix_bundle_json(b, false, NULL));
  assert_null(ctix__stix_bundle_objects(b, &n));
  assert_int_equal(n, 0);
  assert_int_equal(ctix_export_stix_bundle(&c, &f.a, NULL, NULL), 0);
  assert_int_equal(ctix__stix_bundle_forms(c),
                   CTIX__STIX_PRETTY | CTIX__STIX_COMPACT | CTIX__STIX_OBJECTS);
  assert_int_equal(ctix__stix_bundle_forms(NULL), 0);
  objs = ctix__stix_bundle_objects(c, &n);
  assert_true(n > 3);
  for (i = 0; i < n; i++) {
    ctix__buf_adds(&copy, objs[i].id);
    ctix__buf_adds(&copy, objs[i].name ? objs[i].name : "-");
  }
  ids = ctix__buf_detach(&copy, &len);
  export_fx_free(&f); /* the analysis goes; the bundle stays whole */
  for (i = 0; i < n; i++) {
    ctix__buf_adds(&copy, objs[i].id);
    ctix__buf_adds(&copy, objs[i].name ? objs[i].name : "-");
  }
  assert_int_equal(copy.len, len);
  assert_memory_equal(copy.data, ids, len);
  assert_non_null(ctix_stix_bundle_json(c, true, NULL));
  free(ids);
  ctix__buf_free(&copy);
  ctix_stix_bundle_free(b);
  ctix_stix_bundle_free(c);
}

/* ctix__jsonw_finish_both on a one-form writer fails with both outputs
 * NULL and their lengths 0, as jsonw.h promises. */
static void test_jsonw_finish_both_misuse(void **state)
{
  ctix__jsonw w;
  char junk = 'x', *pretty = &junk, *compact = &junk;
  size_t plen = 7, clen = 7;
  (void)state;
  ctix__jsonw_init(&w, true);
  ctix__jsonw_object(&w);
  ctix__jsonw_end(&w);
  assert_int_equal(ctix__jsonw_finish_both(&w, &pretty, &plen, &compact, &clen, NULL),
                   CTIX_EINVAL);
  assert_null(pretty);
  assert_int_equal(plen, 0);
  assert_null(compact);
  assert_int_equal(clen, 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_options_init),
      cmocka_unit_test(test_golden),
      cmocka_unit_test(test_deterministic_structure),
      cmocka_unit_test(test_sco_ids),
      cmocka_unit_test(test_relationships),
      cmocka_unit_test(test_options),
      cmocka_unit_test(test_empty_analysis),
      cmocka_unit_test(test_hostile),
      cmocka_unit_test(test_bundle_object),
      cmocka_unit_test(test_bundle_forms),
      cmocka_unit_test(test_jsonw_finish_both_misuse),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
