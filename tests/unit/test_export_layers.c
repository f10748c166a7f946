/*
 * Unit tests of the ATT&CK Navigator layer, MISP event and CSV writers
 * (src/lib/export/navigator.c, misp.c, csv.c). Analyses are built by hand:
 * a parsed document, IOC extraction, and technique, entity and assessment
 * results filled in here, so the writers are tested against known input.
 * Every JSON output is parsed back with jansson (duplicate keys rejected)
 * and checked for the fields the layer format and the MISP core format
 * require; CSV is parsed back by an RFC 4180 reader. Also: byte-identical
 * output across runs, hostile text (quotes, backslashes, control
 * characters, odd Unicode, invalid UTF-8) and 10,000 observables.
 *
 * With "--dump DIR" the program writes its hostile and full-coverage
 * layers and events to DIR instead of testing, so the integration test can
 * run the Navigator and MISP validators over them.
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
#include "ctix/kb.h"
#include "ctix/render.h"

/* --------------------------------------------------------------- fixture */

/* An analysis built by hand; everything it points to is owned here. */
typedef struct fixture {
  ctix_analysis a;
  ctix_document *doc;
  ctix_ioc_list *iocs;
  ctix_ttp_list tl;
  ctix_ttp_hit *hits;
  ctix_ttp_evidence *evs;
  ctix_entity_list el;
  ctix_assessment as;
} fixture;

static ctix_document *parse(const char *text, size_t len, ctix_format fmt)
{
  ctix_doc_options o;
  ctix_document *doc = NULL;
  ctix_error err;
  ctix_error_clear(&err);
  ctix_doc_options_init(&o);
  o.format = fmt;
  o.source = "unit.md";
  if (ctix_document_parse(&doc, text, len, &o, &err) != 0)
    fail_msg("parse: %s", err.message);
  return doc;
}

/* Parses `text`, extracts its observables and points the analysis at them. */
static void fixture_init(fixture *f, const char *text, size_t len, ctix_format fmt)
{
  ctix_ioc_options io;
  ctix_error err;
  memset(f, 0, sizeof(*f));
  ctix_error_clear(&err);
  f->doc = parse(text, len, fmt);
  ctix_ioc_options_init(&io);
  if (io.max_input < f->doc->len)
    io.max_input = f->doc->len;
  if (ctix_ioc_extract_document(&f->iocs, f->doc, &io, &err) != 0)
    fail_msg("iocs: %s", err.message);
  f->a.id = "unit";
  f->a.doc = f->doc;
  f->a.iocs = f->iocs;
}

static void fixture_free(fixture *f)
{
  ctix_ioc_list_free(f->iocs);
  ctix_document_free(f->doc);
  free(f->hits);
  free(f->evs);
}

/* Index of the first sentence holding `needle` (fails when none does). */
static size_t sentence_with(const ctix_document *d, const char *needle)
{
  size_t i;
  for (i = 0; i < d->nsentences; i++) {
    const ctix_span *s = &d->sentences[i].span;
    size_t n = strlen(needle), k;
    for (k = s->start; k + n <= s->end; k++)
      if (memcmp(d->text + k, needle, n) == 0)
        return i;
  }
  fail_msg("no sentence holds '%s'", needle);
  return 0;
}

/* One technique to add: id, name, confidence, status, sentence needle (NULL: none). */
typedef struct tspec {
  const char *id, *name;
  float conf;
  ctix_ttp_status status;
  const char *needle;
} tspec;

static const char *const why_cues[] = {"spear-phishing", "attachment"};

/* Fills the technique list from specs, one evidence sentence each. */
static void set_techniques(fixture *f, const tspec *ts, size_t n)
{
  size_t i;
  f->hits = calloc(n ? n : 1, sizeof(*f->hits));
  f->evs = calloc(n ? n : 1, sizeof(*f->evs));
  assert_non_null(f->hits);
  assert_non_null(f->evs);
  for (i = 0; i < n; i++) {
    ctix_ttp_hit *h = &f->hits[i];
    h->id = ts[i].id;
    h->name = ts[i].name;
    h->confidence = ts[i].conf;
    h->status = ts[i].status;
    h->domain = ts[i].id[1] == '0' ? CTIX_KB_ICS : CTIX_KB_ENTERPRISE; /* T0xxx: ICS */
    h->signals = CTIX_TTP_SIG_ID | CTIX_TTP_SIG_CUE;
    if (ts[i].needle) {
      ctix_ttp_evidence *e = &f->evs[i];
      size_t s = sentence_with(f->doc, ts[i].needle);
      e->sentence = s;
      e->start = f->doc->sentences[s].span.start;
      e->end = f->doc->sentences[s].span.end;
      e->score = ts[i].conf;
      e->signals = h->signals;
      e->status = ts[i].status;
      e->why = why_cues;
      e->nwhy = 2;
      h->evidence = e;
      h->nevidence = 1;
    }
  }
  f->tl.items = f->hits;
  f->tl.count = n;
  f->a.techniques = &f->tl;
}

/* A hand-made observable with its first occurrence at byte `off`. */
#define IOC(t, st, v, r, off)                                                              \
  {                                                                                        \
    .type = (t), .status = (st), .value = (v), .original = (v), .reason = (r),             \
    .span = {(off), (off) + 1}, .nhits = 1                                                 \
  }

/* --------------------------------------------------------------- helpers */

typedef int (*writer_fn)(char **, size_t *, const ctix_analysis *, const ctix_export_options *,
                         ctix_error *);

static char *run(writer_fn fn, const ctix_analysis *a, const ctix_export_options *o, size_t *len)
{
  char *out = NULL;
  ctix_error err;
  ctix_error_clear(&err);
  if (fn(&out, len, a, o, &err) != 0)
    fail_msg("writer failed: %s", err.message);
  assert_non_null(out);
  assert_int_equal(strlen(out), *len);
  return out;
}

/* Runs a JSON writer and parses the result back (the caller decrefs). */
static json_t *run_json(writer_fn fn, const ctix_analysis *a, const ctix_export_options *o)
{
  size_t len;
  char *out = run(fn, a, o, &len);
  json_error_t jerr;
  json_t *root = json_loadb(out, len, JSON_REJECT_DUPLICATES, &jerr);
  if (!root)
    fail_msg("not valid JSON: %s (line %d column %d)", jerr.text, jerr.line, jerr.column);
  free(out);
  return root;
}

static const char *str_of(json_t *obj, const char *key)
{
  json_t *v = json_object_get(obj, key);
  if (!json_is_string(v))
    fail_msg("'%s' is not a string", key);
  return json_string_value(v);
}

/* True when s is a lower-case RFC 4122 UUID of version 5. */
static bool is_uuid5(const char *s)
{
  size_t i;
  if (strlen(s) != 36)
    return false;
  for (i = 0; i < 36; i++) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-')
        return false;
    } else if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
      return false;
    }
  }
  return s[14] == '5' && (s[19] == '8' || s[19] == '9' || s[19] == 'a' || s[19] == 'b');
}

/* The technique entries of a layer with this id (and tactic, when not NULL). */
static json_t *layer_tech(json_t *layer, const char *id, const char *tactic)
{
  json_t *techs = json_object_get(layer, "techniques"), *t;
  size_t i;
  json_array_foreach(techs, i, t) {
    json_t *ta = json_object_get(t, "tactic");
    if (strcmp(str_of(t, "techniqueID"), id) == 0 &&
        (!tactic || (ta && strcmp(json_string_value(ta), tactic) == 0)))
      return t;
  }
  return NULL;
}

/* The value of layer or technique metadata entry `name`, or NULL. */
static const char *meta_value(json_t *obj, const char *name)
{
  json_t *md = json_object_get(obj, "metadata"), *e;
  size_t i;
  json_array_foreach(md, i, e) {
    json_t *n = json_object_get(e, "name");
    if (n && strcmp(json_string_value(n), name) == 0)
      return str_of(e, "value");
  }
  return NULL;
}

static bool has_tag(json_t *event, const char *name)
{
  json_t *tags = json_object_get(event, "Tag"), *t;
  size_t i;
  json_array_foreach(tags, i, t) {
    if (strcmp(str_of(t, "name"), name) == 0)
      return true;
  }
  return false;
}

/* The attribute of this type and value, or NULL. */
static json_t *attr(json_t *event, const char *type, const char *value)
{
  json_t *attrs = json_object_get(event, "Attribute"), *t;
  size_t i;
  json_array_foreach(attrs, i, t) {
    if (strcmp(str_of(t, "type"), type) == 0 && strcmp(str_of(t, "value"), value) == 0)
      return t;
  }
  return NULL;
}

/* ------------------------------------------------------------ documents */

static const char report_md[] =
    "---\n"
    "title: \"APT28 phishing wave\"\n"
    "date: 2025-03-14\n"
    "canonical_url: https://blog.example.org/apt28-wave\n"
    "---\n"
    "# APT28 phishing wave\n\n"
    "The actor sent spear-phishing e-mails with a malicious attachment to staff.\n\n"
    "The payload beaconed to 185.220.101.34 and evil-update.net over HTTPS.\n\n"
    "A dropper with SHA-256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 "
    "was found.\n\n"
    "The actor could have used PowerShell, but we saw no sign of it.\n\n"
    "Internal host 10.0.0.5 was the first victim. The exploit used CVE-2021-44228.\n\n"
    "An ICS technique T0800 is named here for coverage.\n";

static const tspec report_techs[] = {
    {"T1566.001", "Spearphishing Attachment", 0.85f, CTIX_TTP_OBSERVED, "malicious attachment"},
    {"T1566", "Phishing", 0.904f, CTIX_TTP_OBSERVED, "spear-phishing"},
    {"T1071.001", "Web Protocols", 0.6f, CTIX_TTP_OBSERVED, "beaconed"},
    {"T1059.001", "PowerShell", 0.4f, CTIX_TTP_POTENTIAL, "PowerShell"},
    {"T0800", "Activate Firmware Update Mode", 0.3f, CTIX_TTP_OBSERVED, "ICS technique"},
};

static const ctix_entity_mention no_mentions[1];

static void report_fixture(fixture *f)
{
  static ctix_entity ents[4];
  static ctix_risk_factor factors[1];
  static ctix_resemblance res[1];
  fixture_init(f, report_md, sizeof(report_md) - 1, CTIX_FORMAT_MARKDOWN);
  set_techniques(f, report_techs, sizeof(report_techs) / sizeof(report_techs[0]));
  memset(ents, 0, sizeof(ents));
  ents[0] = (ctix_entity){.kind = CTIX_ENTITY_GROUP, .name = "APT28", .id = "G0007",
                          .ref = CTIX_KB_NONE, .known = true, .confidence = 0.9f,
                          .role = "named by the source", .evidence = "alias APT28",
                          .mentions = no_mentions};
  ents[1] = (ctix_entity){.kind = CTIX_ENTITY_VULNERABILITY, .name = "CVE-2021-44228",
                          .id = "CVE-2021-44228", .ref = CTIX_KB_NONE, .known = true,
                          .kev = true, .kev_date_added = "2021-12-10",
                          .kev_due_date = "2021-12-24", .kev_ransomware = true,
                          .vendor = "Apache", .product = "Log4j2"};
  ents[2] = (ctix_entity){.kind = CTIX_ENTITY_VICTIM, .name = "Example Corp",
                          .ref = CTIX_KB_NONE, .role = "targeted"};
  ents[3] = (ctix_entity){.kind = CTIX_ENTITY_LOCATION, .name = "Poland", .id = "PL",
                          .ref = CTIX_KB_NONE, .role = "targeted"};
  f->el.items = ents;
  f->el.count = 4;
  f->a.entities = &f->el;
  factors[0] = (ctix_risk_factor){"kev_exploited", "KEV vulnerability exploited", 20.0f,
                                  "CVE-2021-44228"};
  res[0] = (ctix_resemblance){.ref = CTIX_KB_NONE, .id = "G0016", .name = "APT29",
                              .kind = CTIX_KB_GROUP, .score = 0.41f};
  memset(&f->as, 0, sizeof(f->as));
  f->as.risk_score = 72;
  f->as.risk_level = "high";
  f->as.factors = factors;
  f->as.nfactors = 1;
  f->as.resemblances = res;
  f->as.nresemblances = 1;
  f->a.assessment = &f->as;
}

/* Hostile text: quotes, backslashes, brackets, control characters, odd
 * Unicode (RTL override, U+2028, emoji, combining marks) and invalid UTF-8. */
static const char hostile_txt[] =
    "Title \"quoted\" \\ back\\slash ]] [[ \x01\x02\x1b[31m red\n\n"
    "The actor ran \"cmd.exe /c echo \\\"x\\\"\" and used spear-phishing \xe2\x80\xae"
    "evil\xe2\x80\xa8line \xf0\x9f\x98\x88 e\xcc\x81 \xff\xfe bytes.\n\n"
    "Then =HYPERLINK(\"http://x\") and +cmd|' /C calc'!A0 and @SUM(1) appeared; "
    "it beaconed to 198.51.100.7 and hxxp://bad[.]example[.]com/a\"b\\c]d.\n\n"
    "Registry HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\\"evil\" was set.\n";

static void hostile_fixture(fixture *f)
{
  static const tspec ts[] = {
      {"T1059.003", "Windows Command Shell", 0.7f, CTIX_TTP_OBSERVED, "cmd.exe"},
      {"T1566", "Phishing", 0.5f, CTIX_TTP_IMPLIED, "spear-phishing"},
      {"T1547.001", "Registry Run Keys / Startup Folder", 0.65f, CTIX_TTP_OBSERVED, "Registry"},
      {"T1071", "Application Layer Protocol", 1.7f, CTIX_TTP_OBSERVED, "beaconed"},
      {"T9999.999", "no such \"technique\"", -1.0f, CTIX_TTP_OBSERVED, NULL},
      {"not an id\"]", NULL, 0.5f, CTIX_TTP_OBSERVED, NULL},
  };
  static ctix_entity ents[3];
  fixture_init(f, hostile_txt, sizeof(hostile_txt) - 1, CTIX_FORMAT_TEXT);
  set_techniques(f, ts, sizeof(ts) / sizeof(ts[0]));
  memset(ents, 0, sizeof(ents));
  ents[0] = (ctix_entity){.kind = CTIX_ENTITY_GROUP, .name = "Evil \"Bear\"\nTeam\x01",
                          .ref = CTIX_KB_NONE, .evidence = "dubbed \"Evil\""};
  ents[1] = (ctix_entity){.kind = CTIX_ENTITY_MALWARE, .name = "=cmd|calc",
                          .ref = CTIX_KB_NONE};
  ents[2] = (ctix_entity){.kind = CTIX_ENTITY_SECTOR, .name = "energy\"\\",
                          .ref = CTIX_KB_NONE, .role = "targeted"};
  f->el.items = ents;
  f->el.count = 3;
  f->a.entities = &f->el;
}

/* ------------------------------------------------------------ navigator */

static void test_navigator_required_fields(void **state)
{
  fixture f;
  json_t *L, *t, *g, *techs, *e;
  const ctix_kb *kb = NULL;
  size_t i;
  (void)state;
  report_fixture(&f);
  L = run_json(ctix_export_navigator, &f.a, NULL);
  assert_true(json_is_object(L));
  assert_string_equal(str_of(L, "name"), "ctix: APT28 phishing wave");
  assert_string_equal(str_of(L, "domain"), "enterprise-attack");
  t = json_object_get(L, "versions");
  assert_string_equal(str_of(t, "layer"), "4.5");
  assert_true(strncmp(str_of(t, "navigator"), "5.", 2) == 0);
  assert_true(strtol(str_of(t, "attack"), NULL, 10) >= 1);
  g = json_object_get(L, "gradient");
  assert_true(json_array_size(json_object_get(g, "colors")) >= 2);
  assert_int_equal(json_integer_value(json_object_get(g, "minValue")), 0);
  assert_int_equal(json_integer_value(json_object_get(g, "maxValue")), 100);
  assert_true(json_array_size(json_object_get(L, "legendItems")) >= 1);
  assert_string_equal(meta_value(L, "url"), "https://blog.example.org/apt28-wave");
  assert_string_equal(meta_value(L, "published"), "2025-03-14");
  assert_non_null(meta_value(L, "generator"));
  assert_string_equal(
      str_of(json_array_get(json_object_get(L, "links"), 0), "url"),
      "https://blog.example.org/apt28-wave");

  /* Every entry: an id, a score 0-100, a boolean enabled. */
  techs = json_object_get(L, "techniques");
  json_array_foreach(techs, i, e) {
    const char *id = str_of(e, "techniqueID");
    json_int_t sc = json_integer_value(json_object_get(e, "score"));
    assert_true(id[0] == 'T' && (strlen(id) == 5 || strlen(id) == 9));
    assert_true(json_is_integer(json_object_get(e, "score")) && sc >= 0 && sc <= 100);
    assert_true(json_is_boolean(json_object_get(e, "enabled")));
  }
  /* Score = confidence x 100 rounded; comment = the evidence sentence. */
  t = layer_tech(L, "T1566", NULL);
  assert_non_null(t);
  assert_int_equal(json_integer_value(json_object_get(t, "score")), 90);
  assert_true(json_is_true(json_object_get(t, "showSubtechniques")));
  assert_non_null(strstr(str_of(t, "comment"), "spear-phishing e-mails"));
  assert_string_equal(meta_value(t, "status"), "observed");
  assert_string_equal(meta_value(t, "why"), "spear-phishing; attachment");
  t = layer_tech(L, "T1566.001", NULL);
  assert_int_equal(json_integer_value(json_object_get(t, "score")), 85);
  assert_null(json_object_get(t, "showSubtechniques"));
  /* Potential: kept, disabled. */
  t = layer_tech(L, "T1059.001", NULL);
  assert_non_null(t);
  assert_true(json_is_false(json_object_get(t, "enabled")));
  /* ICS technique: not in the Enterprise layer, but named in its metadata
   * as in the ICS layer. */
  assert_null(layer_tech(L, "T0800", NULL));
  if (ctix_kb_default(&kb, NULL) == 0) {
    assert_non_null(strstr(meta_value(L, "left out"), "1 in the ICS layer: T0800"));
    assert_null(strstr(meta_value(L, "left out"), "not in the Enterprise matrix"));
    /* Tactics come from the knowledge base. */
    assert_non_null(layer_tech(L, "T1566", "initial-access"));
    assert_non_null(layer_tech(L, "T1059.001", "execution"));
    assert_non_null(layer_tech(L, "T1071.001", "command-and-control"));
  }
  json_decref(L);
  fixture_free(&f);
}

/* One layer per ATT&CK domain: the ICS layer holds the ICS technique only. */
static void test_navigator_domains(void **state)
{
  fixture f;
  json_t *L;
  const ctix_kb *kb = NULL;
  char *out = NULL;
  size_t len = 0, n = 0;
  ctix_error err;
  (void)state;
  report_fixture(&f);
  assert_int_equal(ctix_export_count_domain(&n, &f.a, CTIX_KB_ICS), 0);
  assert_int_equal(n, 1);
  assert_int_equal(ctix_export_count_domain(&n, &f.a, CTIX_KB_ENTERPRISE), 0);
  assert_int_equal(n, f.tl.count - 1);
  assert_int_equal(ctix_export_count_domain(&n, &f.a, CTIX_KB_MOBILE), 0);
  assert_int_equal(n, 0);
  n = 7;
  assert_int_equal(ctix_export_count_domain(&n, &f.a, 8), CTIX_EINVAL);
  assert_int_equal(ctix_export_count_domain(&n, &f.a, CTIX_KB_ICS | CTIX_KB_MOBILE), CTIX_EINVAL);
  assert_int_equal(ctix_export_count_domain(&n, NULL, CTIX_KB_ICS), CTIX_EINVAL);
  assert_int_equal(ctix_export_count_domain(NULL, &f.a, CTIX_KB_ICS), CTIX_EINVAL);
  assert_int_equal(n, 7);
  /* An unknown domain and a missing argument: two errors, *out NULL. */
  ctix_error_clear(&err);
  out = (char *)"stale";
  len = 5;
  assert_int_equal(ctix_export_navigator_domain(&out, &len, &f.a, 8, NULL, &err), CTIX_EINVAL);
  assert_null(out);
  assert_int_equal(len, 0);
  assert_non_null(strstr(err.message, "unknown ATT&CK domain"));
  ctix_error_clear(&err);
  assert_int_equal(ctix_export_navigator_domain(&out, &len, NULL, CTIX_KB_ICS, NULL, &err),
                   CTIX_EINVAL);
  assert_non_null(strstr(err.message, "missing argument"));
  assert_int_equal(ctix_export_navigator_domain(&out, &len, &f.a, CTIX_KB_ICS, NULL, &err), 0);
  L = json_loads(out, 0, NULL);
  assert_non_null(L);
  assert_string_equal(str_of(L, "domain"), "ics-attack");
  assert_string_equal(str_of(L, "name"), "ctix: APT28 phishing wave (ICS)");
  assert_non_null(layer_tech(L, "T0800", NULL));
  assert_null(layer_tech(L, "T1566", NULL));
  if (ctix_kb_default(&kb, NULL) == 0) {
    assert_non_null(layer_tech(L, "T0800", "inhibit-response-function"));
    assert_non_null(strstr(meta_value(L, "left out"), "T1566.001"));
    assert_non_null(strstr(meta_value(L, "left out"), "in the Enterprise layer: "));
    assert_null(strstr(meta_value(L, "left out"), "not in the ICS matrix"));
  }
  json_decref(L);
  free(out);
  out = NULL;
  assert_int_equal(ctix_export_navigator_domain(&out, &len, &f.a, CTIX_KB_MOBILE, NULL, &err), 0);
  L = json_loads(out, 0, NULL);
  assert_string_equal(str_of(L, "domain"), "mobile-attack");
  assert_int_equal(json_array_size(json_object_get(L, "techniques")), 0);
  json_decref(L);
  free(out);
  fixture_free(&f);
}

/* The technique of `id` in a report JSON's "techniques", or NULL. */
static json_t *report_tech(json_t *rep, const char *id)
{
  size_t i;
  json_t *t;
  json_array_foreach(json_object_get(rep, "techniques"), i, t)
    if (strcmp(str_of(t, "id"), id) == 0)
      return t;
  return NULL;
}

/*
 * A hit's domain field is read as ctix_kb_domain_first: an unknown value
 * or several bits still name one domain in the report JSON, the Markdown
 * report and the layers, never "" (review of 00998b4, finding 6).
 */
static void test_domain_normalised(void **state)
{
  fixture f;
  json_t *rep;
  char *out = NULL;
  size_t len = 0, i, n = 0;
  ctix_error err;
  (void)state;
  report_fixture(&f);
  for (i = 0; i < f.tl.count; i++) {
    if (strcmp(f.hits[i].id, "T1566") == 0)
      f.hits[i].domain = 8; /* unknown bit: Enterprise */
    if (strcmp(f.hits[i].id, "T0800") == 0)
      f.hits[i].domain = CTIX_KB_ICS | 16; /* ICS and an unknown bit */
  }
  ctix_error_clear(&err);
  assert_int_equal(ctix_report_json(&out, &len, &f.a, 0, &err), 0);
  rep = json_loads(out, 0, NULL);
  assert_non_null(rep);
  assert_string_equal(str_of(report_tech(rep, "T1566"), "domain"), "enterprise");
  assert_string_equal(str_of(report_tech(rep, "T0800"), "domain"), "ics");
  json_decref(rep);
  free(out);
  out = NULL;
  assert_int_equal(ctix_render_markdown(&out, &len, &f.a, NULL, &err), 0);
  assert_non_null(strstr(out, "T0800 ` (ICS)"));
  assert_null(strstr(out, "(Enterprise)"));
  free(out);
  assert_int_equal(ctix_export_count_domain(&n, &f.a, CTIX_KB_ICS), 0);
  assert_int_equal(n, 1);
  fixture_free(&f);
}

static void test_navigator_deterministic(void **state)
{
  fixture f1, f2;
  char *o1, *o2;
  size_t l1, l2;
  (void)state;
  report_fixture(&f1);
  o1 = run(ctix_export_navigator, &f1.a, NULL, &l1);
  fixture_free(&f1);
  report_fixture(&f2);
  o2 = run(ctix_export_navigator, &f2.a, NULL, &l2);
  assert_int_equal(l1, l2);
  assert_memory_equal(o1, o2, l1);
  free(o2);
  o2 = run(ctix_export_navigator, &f2.a, NULL, &l2);
  assert_memory_equal(o1, o2, l1);
  free(o1);
  free(o2);
  fixture_free(&f2);
}

static void test_navigator_empty(void **state)
{
  fixture f;
  json_t *L;
  (void)state;
  fixture_init(&f, "Nothing to see.", 15, CTIX_FORMAT_TEXT);
  L = run_json(ctix_export_navigator, &f.a, NULL);
  assert_int_equal(json_array_size(json_object_get(L, "techniques")), 0);
  assert_string_equal(meta_value(L, "techniques"), "0");
  assert_true(strlen(str_of(L, "name")) > 6);
  json_decref(L);
  fixture_free(&f);
}

/* ----------------------------------------------------------------- MISP */

static void test_misp_structure(void **state)
{
  fixture f;
  json_t *root, *ev, *a, *attrs, *objs, *o;
  const ctix_kb *kb = NULL;
  size_t i, j, n;
  const char **uuids;
  (void)state;
  report_fixture(&f);
  root = run_json(ctix_export_misp, &f.a, NULL);
  ev = json_object_get(root, "Event");
  assert_non_null(ev);
  assert_true(is_uuid5(str_of(ev, "uuid")));
  assert_string_equal(str_of(ev, "info"), "APT28 phishing wave");
  assert_string_equal(str_of(ev, "date"), "2025-03-14");
  assert_string_equal(str_of(ev, "threat_level_id"), "1"); /* risk "high" */
  assert_string_equal(str_of(ev, "distribution"), "3");    /* tlp:clear */
  assert_true(json_is_false(json_object_get(ev, "published")));
  assert_true(is_uuid5(str_of(json_object_get(ev, "Orgc"), "uuid")));
  assert_true(has_tag(ev, "tlp:clear"));
  assert_true(has_tag(ev, "misp-galaxy:threat-actor=\"APT28\""));

  /* Observables: type, category and to_ids. */
  a = attr(ev, "ip-dst", "185.220.101.34");
  assert_non_null(a);
  assert_string_equal(str_of(a, "category"), "Network activity");
  assert_true(json_is_true(json_object_get(a, "to_ids")));
  a = attr(ev, "domain", "evil-update.net");
  assert_non_null(a);
  assert_true(json_is_true(json_object_get(a, "to_ids")));
  a = attr(ev, "sha256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  assert_non_null(a);
  assert_string_equal(str_of(a, "category"), "Payload delivery");
  /* Benign: present, not for IDS, with the reason. */
  a = attr(ev, "ip-dst", "10.0.0.5");
  assert_non_null(a);
  assert_true(json_is_false(json_object_get(a, "to_ids")));
  assert_non_null(strstr(str_of(a, "comment"), "benign"));
  /* The CVE (from the IOCs and the entity) is there once, not for IDS, with KEV. */
  a = attr(ev, "vulnerability", "CVE-2021-44228");
  assert_non_null(a);
  assert_true(json_is_false(json_object_get(a, "to_ids")));
  assert_non_null(strstr(str_of(a, "comment"), "KEV"));
  assert_non_null(attr(ev, "threat-actor", "APT28"));
  assert_non_null(attr(ev, "target-org", "Example Corp"));
  assert_non_null(attr(ev, "target-location", "Poland"));
  assert_non_null(attr(ev, "link", "https://blog.example.org/apt28-wave"));

  /* Unique uuids, every attribute complete. */
  attrs = json_object_get(ev, "Attribute");
  n = json_array_size(attrs);
  uuids = calloc(n + 1, sizeof(*uuids));
  assert_non_null(uuids);
  json_array_foreach(attrs, i, a) {
    uuids[i] = str_of(a, "uuid");
    assert_true(is_uuid5(uuids[i]));
    assert_true(str_of(a, "category")[0] && str_of(a, "value")[0]);
    assert_true(json_is_boolean(json_object_get(a, "to_ids")));
    for (j = 0; j < i; j++)
      assert_string_not_equal(uuids[i], uuids[j]);
  }
  free(uuids);

  /* The KEV vulnerability object. */
  objs = json_object_get(ev, "Object");
  assert_int_equal(json_array_size(objs), 1);
  o = json_array_get(objs, 0);
  assert_string_equal(str_of(o, "name"), "vulnerability");
  assert_string_equal(str_of(o, "template_uuid"), "81650945-f186-437b-8945-9f31715d32da");
  a = json_array_get(json_object_get(o, "Attribute"), 0);
  assert_string_equal(str_of(a, "object_relation"), "id");
  assert_string_equal(str_of(a, "value"), "CVE-2021-44228");

  if (ctix_kb_default(&kb, NULL) == 0) {
    assert_true(has_tag(ev, "misp-galaxy:mitre-attack-pattern=\"Spearphishing Attachment - T1566.001\""));
    assert_true(has_tag(ev, "misp-galaxy:mitre-attack-pattern=\"Phishing - T1566\""));
    /* Groups: the clusters MISP's galaxies have (threat-actor by name,
     * mitre-intrusion-set by ATT&CK id). */
    assert_true(has_tag(ev, "misp-galaxy:mitre-intrusion-set=\"APT28 - G0007\""));
    assert_true(has_tag(ev, "misp-galaxy:threat-actor=\"APT28\""));
    /* Potential technique: no tag, but named in a comment. */
    assert_false(has_tag(ev, "misp-galaxy:mitre-attack-pattern=\"PowerShell - T1059.001\""));
    json_array_foreach(attrs, i, a) {
      if (strstr(str_of(a, "value"), "only as potential"))
        break;
    }
    assert_true(i < n);
    assert_non_null(strstr(str_of(a, "value"), "T1059.001"));
    /* ICS technique: no galaxy tag (MISP's ICS galaxy is not in ctix's
     * data), named in a comment of its own. */
    assert_false(has_tag(ev, "misp-galaxy:mitre-ics-techniques=\"Activate Firmware Update Mode\""));
    assert_false(
        has_tag(ev, "misp-galaxy:mitre-attack-pattern=\"Activate Firmware Update Mode - T0800\""));
    json_array_foreach(attrs, i, a) {
      if (strstr(str_of(a, "value"), "ATT&CK for ICS techniques: "))
        break;
    }
    assert_true(i < n);
    assert_string_equal(str_of(a, "type"), "comment");
    assert_non_null(strstr(str_of(a, "value"), "T0800 Activate Firmware Update Mode"));
    json_array_foreach(attrs, i, a)
      assert_null(strstr(str_of(a, "value"), "without a cluster"));
  }
  json_decref(root);
  fixture_free(&f);
}

static void test_misp_tlp_and_options(void **state)
{
  fixture f;
  ctix_export_options o;
  json_t *root, *ev;
  char *out = NULL;
  size_t len = 0;
  ctix_error err;
  (void)state;
  report_fixture(&f);
  memset(&o, 0, sizeof(o));
  o.tlp = "AMBER+STRICT";
  o.producer = "ACME CTI";
  root = run_json(ctix_export_misp, &f.a, &o);
  ev = json_object_get(root, "Event");
  assert_true(has_tag(ev, "tlp:amber+strict"));
  assert_false(has_tag(ev, "tlp:clear"));
  assert_string_equal(str_of(ev, "distribution"), "0");
  assert_string_equal(str_of(json_object_get(ev, "Orgc"), "name"), "ACME CTI");
  json_decref(root);
  o.tlp = "white-ish";
  ctix_error_clear(&err);
  assert_int_equal(ctix_export_misp(&out, &len, &f.a, &o, &err), CTIX_EINVAL);
  assert_null(out);
  assert_non_null(strstr(err.message, "TLP"));
  assert_int_equal(ctix_export_misp(&out, &len, NULL, NULL, NULL), CTIX_EINVAL);
  assert_int_equal(ctix_export_navigator(&out, &len, NULL, NULL, NULL), CTIX_EINVAL);
  assert_int_equal(ctix_export_csv(&out, &len, NULL, NULL, NULL), CTIX_EINVAL);
  fixture_free(&f);
}

static void test_misp_deterministic(void **state)
{
  fixture f1, f2;
  char *o1, *o2;
  size_t l1, l2;
  (void)state;
  report_fixture(&f1);
  o1 = run(ctix_export_misp, &f1.a, NULL, &l1);
  fixture_free(&f1);
  report_fixture(&f2);
  o2 = run(ctix_export_misp, &f2.a, NULL, &l2);
  assert_int_equal(l1, l2);
  assert_memory_equal(o1, o2, l1);
  free(o1);
  free(o2);
  fixture_free(&f2);
}

/* Values MISP would refuse for their type go in as text, with the reason. */
static void test_misp_invalid_values_as_text(void **state)
{
  static const ctix_ioc items[] = {
      IOC(CTIX_IOC_DOMAIN, CTIX_IOC_STATUS_IOC, "b\xc3\xbc"
                                                "cher.example", NULL, 0),
      IOC(CTIX_IOC_MD5, CTIX_IOC_STATUS_IOC, "0CC175B9C0F1B6A831C399E269772661", NULL, 1),
      IOC(CTIX_IOC_MD5, CTIX_IOC_STATUS_IOC, "0cc175", NULL, 2),
      IOC(CTIX_IOC_ASN, CTIX_IOC_STATUS_IOC, "AS13335", NULL, 3),
      IOC(CTIX_IOC_IPV4_CIDR, CTIX_IOC_STATUS_IOC, "192.0.2.1/32", NULL, 4),
      IOC(CTIX_IOC_IPV4, CTIX_IOC_STATUS_BENIGN, "192.0.2.1", "documentation range", 5),
      IOC(CTIX_IOC_FILE_NAME, CTIX_IOC_STATUS_IOC, "two\nlines.exe", NULL, 6),
      IOC(CTIX_IOC_URL, CTIX_IOC_STATUS_REJECTED, "http://", "no host", 7),
  };
  ctix_ioc_list l = {items, sizeof(items) / sizeof(items[0]), NULL, 0, NULL};
  ctix_analysis an;
  json_t *root, *ev, *a;
  (void)state;
  memset(&an, 0, sizeof(an));
  an.iocs = &l;
  root = run_json(ctix_export_misp, &an, NULL);
  ev = json_object_get(root, "Event");
  a = attr(ev, "text", "b\xc3\xbc" "cher.example");
  assert_non_null(a);
  assert_non_null(strstr(str_of(a, "comment"), "not a valid MISP domain"));
  assert_non_null(attr(ev, "md5", "0cc175b9c0f1b6a831c399e269772661"));
  assert_non_null(attr(ev, "text", "0cc175"));
  assert_non_null(attr(ev, "AS", "13335"));
  /* 192.0.2.1/32 and 192.0.2.1 are one MISP attribute; the ioc wins to_ids. */
  a = attr(ev, "ip-dst", "192.0.2.1");
  assert_non_null(a);
  assert_true(json_is_true(json_object_get(a, "to_ids")));
  assert_non_null(attr(ev, "text", "two\nlines.exe"));
  /* Rejected: left out, but counted. */
  assert_null(attr(ev, "url", "http://"));
  assert_non_null(attr(ev, "comment",
                       "ctix left out 1 candidate observable that failed validation (iocs.csv "
                       "and report.json list them with the reason)"));
  assert_string_equal(str_of(ev, "date"), "1970-01-01");
  assert_string_equal(str_of(ev, "info"), "ctix analysis");
  json_decref(root);
}

/* ------------------------------------------------------------------ CSV */

/* Reads one RFC 4180 record at *p into fields (at most max); returns the count. */
static size_t csv_record(const char **p, char fields[][512], size_t max)
{
  const char *s = *p;
  size_t nf = 0;
  for (;;) {
    size_t k = 0;
    assert_true(nf < max);
    if (*s == '"') {
      s++;
      for (;;) {
        assert_true(*s != '\0');
        if (*s == '"' && s[1] == '"') {
          fields[nf][k++] = '"';
          s += 2;
        } else if (*s == '"') {
          s++;
          break;
        } else {
          fields[nf][k++] = *s++;
        }
        assert_true(k < 511);
      }
    } else {
      while (*s && *s != ',' && *s != '\r' && *s != '\n') {
        assert_true(*s != '"');
        fields[nf][k++] = *s++;
        assert_true(k < 511);
      }
    }
    fields[nf++][k] = '\0';
    if (*s == ',') {
      s++;
      continue;
    }
    assert_true(s[0] == '\r' && s[1] == '\n');
    *p = s + 2;
    return nf;
  }
}

static void test_csv_rfc4180(void **state)
{
  static const ctix_ioc items[] = {
      IOC(CTIX_IOC_URL, CTIX_IOC_STATUS_IOC, "http://evil.example/a,b\"c", NULL, 10),
      IOC(CTIX_IOC_FILE_NAME, CTIX_IOC_STATUS_IOC, "=HYPERLINK(\"http://x\")", NULL, 20),
      IOC(CTIX_IOC_FILE_NAME, CTIX_IOC_STATUS_BENIGN, "+cmd", "common file, not\r\nan ioc", 30),
      IOC(CTIX_IOC_FILE_NAME, CTIX_IOC_STATUS_REJECTED, "-x", "@reason", 40),
      IOC(CTIX_IOC_MUTEX, CTIX_IOC_STATUS_IOC, "\tGlobal\\m", NULL, 50),
      IOC(CTIX_IOC_DOMAIN, CTIX_IOC_STATUS_IOC, "evil-update.net", NULL, 60),
  };
  static const char *const want_value[] = {"http://evil.example/a,b\"c",
                                           "'=HYPERLINK(\"http://x\")", "'+cmd", "'-x",
                                           "'\tGlobal\\m", "evil-update.net"};
  ctix_ioc_list l = {items, sizeof(items) / sizeof(items[0]), NULL, 0, NULL};
  ctix_analysis an;
  char fields[8][512];
  char *out;
  const char *p;
  size_t len, i;
  (void)state;
  memset(&an, 0, sizeof(an));
  an.iocs = &l;
  out = run(ctix_export_csv, &an, NULL, &len);
  p = out;
  assert_int_equal(csv_record(&p, fields, 8), 6);
  assert_string_equal(fields[0], "type");
  assert_string_equal(fields[5], "offset");
  for (i = 0; i < l.nitems; i++) {
    char off[32];
    assert_int_equal(csv_record(&p, fields, 8), 6);
    assert_string_equal(fields[0], ctix_ioc_type_name(items[i].type));
    assert_string_equal(fields[1], want_value[i]);
    assert_string_equal(fields[3], ctix_ioc_status_name(items[i].status));
    snprintf(off, sizeof(off), "%zu", (size_t)items[i].span.start);
    assert_string_equal(fields[5], off);
  }
  assert_string_equal(p, "");
  /* Defanged column. */
  p = strstr(out, "evil-update.net,evil-update[.]net,ioc,,60\r\n");
  assert_non_null(p);
  /* Reason with CR LF kept inside quotes; "@reason" neutralised. */
  assert_non_null(strstr(out, "\"common file, not\r\nan ioc\""));
  assert_non_null(strstr(out, ",'@reason,"));
  free(out);
}

static void test_csv_from_document(void **state)
{
  fixture f;
  char *out;
  const char *p;
  char fields[8][512];
  size_t len, rows = 0, i;
  (void)state;
  report_fixture(&f);
  out = run(ctix_export_csv, &f.a, NULL, &len);
  p = out;
  csv_record(&p, fields, 8);
  while (*p) {
    assert_int_equal(csv_record(&p, fields, 8), 6);
    assert_true(rows < f.iocs->nitems);
    assert_string_equal(fields[0], ctix_ioc_type_name(f.iocs->items[rows].type));
    assert_string_equal(fields[3], ctix_ioc_status_name(f.iocs->items[rows].status));
    rows++;
  }
  assert_int_equal(rows, f.iocs->nitems);
  for (i = 0; i < f.iocs->nitems; i++)
    if (strcmp(f.iocs->items[i].value, "evil-update.net") == 0)
      assert_non_null(strstr(out, "domain,evil-update.net,evil-update[.]net,ioc,,"));
  free(out);
  fixture_free(&f);
}

/* -------------------------------------------------------------- hostile */

static void test_hostile_content(void **state)
{
  fixture f;
  json_t *L, *root, *ev, *t;
  char *csv;
  size_t len, i;
  const ctix_kb *kb = NULL;
  (void)state;
  hostile_fixture(&f);
  L = run_json(ctix_export_navigator, &f.a, NULL);
  json_array_foreach(json_object_get(L, "techniques"), i, t) {
    const char *c = json_object_get(t, "comment") ? str_of(t, "comment") : "";
    const char *q;
    for (q = c; *q; q++)
      assert_true((unsigned char)*q >= 0x20 && *q != 0x7f);
    assert_true(json_integer_value(json_object_get(t, "score")) <= 100);
    assert_true(json_integer_value(json_object_get(t, "score")) >= 0);
  }
  if (ctix_kb_default(&kb, NULL) == 0) {
    assert_null(layer_tech(L, "T9999.999", NULL));
    assert_non_null(strstr(meta_value(L, "left out"), "T9999.999"));
  }
  json_decref(L);
  root = run_json(ctix_export_misp, &f.a, NULL);
  ev = json_object_get(root, "Event");
  json_array_foreach(json_object_get(ev, "Tag"), i, t) {
    const char *n = str_of(t, "name");
    assert_true(strlen(n) <= 255);
    assert_null(strchr(n, '\n'));
  }
  /* a name no galaxy has gets no galaxy tag; the attribute keeps it */
  json_array_foreach(json_object_get(ev, "Tag"), i, t)
    assert_null(strstr(str_of(t, "name"), "Bear"));
  {
    json_t *a;
    size_t k, found = 0;
    json_array_foreach(json_object_get(ev, "Attribute"), k, a) {
      if (strcmp(str_of(a, "type"), "threat-actor") == 0 && strstr(str_of(a, "value"), "Bear"))
        found++;
    }
    assert_int_equal(found, 1);
  }
  json_decref(root);
  csv = run(ctix_export_csv, &f.a, NULL, &len);
  assert_true(len > 40);
  free(csv);
  fixture_free(&f);
}

/* Builds a text with n distinct observables of several kinds. */
static char *many_text(size_t n, size_t *len)
{
  size_t i, cap = n * 96 + 64, used = 0;
  char *s = malloc(cap);
  assert_non_null(s);
  for (i = 0; i < n; i++) {
    int w;
    switch (i % 4) {
    case 0:
      w = snprintf(s + used, cap - used, "C2 at 198.%zu.%zu.%zu was seen.\n", (i >> 16) & 255,
                   (i >> 8) & 255, i & 255);
      break;
    case 1:
      w = snprintf(s + used, cap - used, "Domain host%zu-evil.net beaconed.\n", i);
      break;
    case 2:
      w = snprintf(s + used, cap - used, "Hash %032zx dropped.\n", i * 2654435761u);
      break;
    default:
      w = snprintf(s + used, cap - used, "URL hxxp://x%zu.example[.]net/\"q\\%zu was used.\n", i,
                   i);
      break;
    }
    assert_true(w > 0 && (size_t)w < cap - used);
    used += (size_t)w;
  }
  *len = used;
  return s;
}

static void test_ten_thousand_iocs(void **state)
{
  fixture f;
  char *text, *csv;
  json_t *root, *ev;
  size_t len, n, rows = 0, i, want = 0;
  const char *p;
  (void)state;
  text = many_text(10000, &len);
  fixture_init(&f, text, len, CTIX_FORMAT_TEXT);
  free(text);
  assert_true(f.iocs->nitems >= 10000);
  root = run_json(ctix_export_misp, &f.a, NULL);
  ev = json_object_get(root, "Event");
  n = json_array_size(json_object_get(ev, "Attribute"));
  for (i = 0; i < f.iocs->nitems; i++)
    if (f.iocs->items[i].status != CTIX_IOC_STATUS_REJECTED)
      want++;
  assert_true(n >= want * 9 / 10 && n <= want + 3);
  json_decref(root);
  json_decref(run_json(ctix_export_navigator, &f.a, NULL));
  csv = run(ctix_export_csv, &f.a, NULL, &len);
  for (p = csv; *p; p++)
    if (p[0] == '\r' && p[1] == '\n')
      rows++;
  assert_int_equal(rows, f.iocs->nitems + 1);
  free(csv);
  fixture_free(&f);
}


/* --------------------------------------------------------------- golden */

/*
 * Compares `out` with tests/data/export_formats/NAME; with CTIX_UPDATE_GOLDEN
 * set in the environment, rewrites the file instead (review the diff).
 */
static void golden(const char *name, const char *out, size_t len)
{
  char path[1024], *want;
  FILE *fp;
  long n;
  snprintf(path, sizeof(path), "%s/export_formats/%s", CTIX_TEST_DATA, name);
  if (getenv("CTIX_UPDATE_GOLDEN")) {
    fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(out, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
    return;
  }
  fp = fopen(path, "rb");
  if (!fp)
    fail_msg("missing golden file %s (run with CTIX_UPDATE_GOLDEN=1)", path);
  assert_int_equal(fseek(fp, 0, SEEK_END), 0);
  n = ftell(fp);
  assert_true(n >= 0);
  rewind(fp);
  want = malloc((size_t)n + 1);
  assert_non_null(want);
  assert_int_equal(fread(want, 1, (size_t)n, fp), (size_t)n);
  fclose(fp);
  if ((size_t)n != len || memcmp(want, out, len) != 0)
    fail_msg("%s differs from the golden file (CTIX_UPDATE_GOLDEN=1 rewrites it)", name);
  free(want);
}

/* MISP event and CSV of a fixed list of observables, byte for byte. */
static void test_golden_files(void **state)
{
  static const ctix_ioc items[] = {
      IOC(CTIX_IOC_IPV4, CTIX_IOC_STATUS_IOC, "185.220.101.34", NULL, 0),
      IOC(CTIX_IOC_IPV6, CTIX_IOC_STATUS_IOC, "2001:DB8:0:0:0:0:0:1", NULL, 20),
      IOC(CTIX_IOC_DOMAIN, CTIX_IOC_STATUS_IOC, "Evil-Update.NET", NULL, 40),
      IOC(CTIX_IOC_URL, CTIX_IOC_STATUS_IOC, "http://evil-update.net/a?b=\"c\"", NULL, 60),
      IOC(CTIX_IOC_EMAIL, CTIX_IOC_STATUS_IOC, "ops@evil-update.net", NULL, 90),
      IOC(CTIX_IOC_SHA1, CTIX_IOC_STATUS_IOC, "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8", NULL,
          120),
      IOC(CTIX_IOC_REGISTRY_KEY, CTIX_IOC_STATUS_IOC,
          "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\upd", NULL, 170),
      IOC(CTIX_IOC_MUTEX, CTIX_IOC_STATUS_IOC, "Global\\kite", NULL, 240),
      IOC(CTIX_IOC_BTC, CTIX_IOC_STATUS_IOC, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", NULL, 260),
      IOC(CTIX_IOC_ETH, CTIX_IOC_STATUS_IOC, "0x52908400098527886E0F7030069857D2E4169EE7", NULL,
          300),
      IOC(CTIX_IOC_CVE, CTIX_IOC_STATUS_IOC, "CVE-2021-44228", NULL, 350),
      IOC(CTIX_IOC_ASN, CTIX_IOC_STATUS_IOC, "AS64500", NULL, 370),
      IOC(CTIX_IOC_FILE_NAME, CTIX_IOC_STATUS_BENIGN, "svchost.exe", "common system file", 380),
      IOC(CTIX_IOC_DOMAIN, CTIX_IOC_STATUS_REJECTED, "bad.invalidtld", "unknown TLD", 400),
  };
  ctix_ioc_list l = {items, sizeof(items) / sizeof(items[0]), NULL, 0, NULL};
  ctix_analysis an;
  ctix_export_options o;
  char *out;
  size_t len;
  (void)state;
  memset(&an, 0, sizeof(an));
  memset(&o, 0, sizeof(o));
  an.id = "golden";
  an.iocs = &l;
  o.tlp = "green";
  o.timestamp = "2025-03-14T00:00:00Z";
  out = run(ctix_export_misp, &an, &o, &len);
  golden("golden.misp.json", out, len);
  free(out);
  out = run(ctix_export_csv, &an, &o, &len);
  golden("golden.csv", out, len);
  free(out);
}

/* ----------------------------------------------------------------- dump */

static int write_file(const char *dir, const char *name, const char *data, size_t len)
{
  char path[4096];
  FILE *fp;
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  fp = fopen(path, "wb");
  if (!fp || fwrite(data, 1, len, fp) != len) {
    if (fp)
      fclose(fp);
    fprintf(stderr, "cannot write %s\n", path);
    return 1;
  }
  return fclose(fp) != 0;
}

/* The Mobile and ICS layers, as writer_fn. */
static int navigator_mobile(char **out, size_t *len, const ctix_analysis *a,
                            const ctix_export_options *o, ctix_error *err)
{
  return ctix_export_navigator_domain(out, len, a, CTIX_KB_MOBILE, o, err);
}

static int navigator_ics(char **out, size_t *len, const ctix_analysis *a,
                         const ctix_export_options *o, ctix_error *err)
{
  return ctix_export_navigator_domain(out, len, a, CTIX_KB_ICS, o, err);
}

static int dump_one(const char *dir, const char *stem, const ctix_analysis *a)
{
  static const struct {
    const char *suffix;
    writer_fn fn;
  } w[] = {{".layer.json", ctix_export_navigator},
           {".mobile.layer.json", navigator_mobile},
           {".ics.layer.json", navigator_ics},
           {".misp.json", ctix_export_misp},
           {".csv", ctix_export_csv}};
  size_t i;
  int bad = 0;
  for (i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
    char name[256], *out = NULL;
    size_t len = 0;
    ctix_error err;
    ctix_error_clear(&err);
    if (w[i].fn(&out, &len, a, NULL, &err) != 0) {
      fprintf(stderr, "%s%s: %s\n", stem, w[i].suffix, err.message);
      bad = 1;
      continue;
    }
    snprintf(name, sizeof(name), "%s%s", stem, w[i].suffix);
    bad |= write_file(dir, name, out, len);
    free(out);
  }
  return bad;
}

/*
 * Writes the report, hostile and 10,000-observable analyses, and one with
 * every live Enterprise, Mobile and ICS technique of the knowledge base
 * (each observed, scored by its position), for the validators: the layer
 * of each domain, the event and the CSV.
 */
static int dump(const char *dir)
{
  fixture f;
  char *text;
  size_t len, i, n = 0;
  const ctix_kb *kb = NULL;
  ctix_kb_ref first;
  size_t count;
  int bad = 0;
  report_fixture(&f);
  bad |= dump_one(dir, "report", &f.a);
  fixture_free(&f);
  hostile_fixture(&f);
  bad |= dump_one(dir, "hostile", &f.a);
  fixture_free(&f);
  text = many_text(10000, &len);
  fixture_init(&f, text, len, CTIX_FORMAT_TEXT);
  free(text);
  bad |= dump_one(dir, "many", &f.a);
  fixture_free(&f);
  if (ctix_kb_default(&kb, NULL) != 0)
    return bad;
  fixture_init(&f, report_md, sizeof(report_md) - 1, CTIX_FORMAT_MARKDOWN);
  count = ctix_kb_range(kb, CTIX_KB_TECHNIQUE, &first);
  f.hits = calloc(count ? count : 1, sizeof(*f.hits));
  if (!f.hits)
    return 1;
  for (i = 0; i < count; i++) {
    ctix_kb_obj o;
    if (ctix_kb_get(kb, first + (ctix_kb_ref)i, &o) != 0 ||
        (o.flags & (CTIX_KB_REVOKED | CTIX_KB_DEPRECATED)))
      continue;
    f.hits[n].id = o.id;
    f.hits[n].name = o.name;
    f.hits[n].domain = ctix_kb_domain_first(o.domains);
    f.hits[n].confidence = (float)(n % 101) / 100.0f;
    f.hits[n].status = (n % 7 == 0) ? CTIX_TTP_POTENTIAL : CTIX_TTP_OBSERVED;
    n++;
  }
  f.tl.items = f.hits;
  f.tl.count = n;
  f.a.techniques = &f.tl;
  bad |= dump_one(dir, "all-techniques", &f.a);
  fixture_free(&f);
  return bad;
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_navigator_required_fields),
      cmocka_unit_test(test_navigator_domains),
      cmocka_unit_test(test_domain_normalised),
      cmocka_unit_test(test_navigator_deterministic),
      cmocka_unit_test(test_navigator_empty),
      cmocka_unit_test(test_misp_structure),
      cmocka_unit_test(test_misp_tlp_and_options),
      cmocka_unit_test(test_misp_deterministic),
      cmocka_unit_test(test_misp_invalid_values_as_text),
      cmocka_unit_test(test_csv_rfc4180),
      cmocka_unit_test(test_csv_from_document),
      cmocka_unit_test(test_hostile_content),
      cmocka_unit_test(test_ten_thousand_iocs),
      cmocka_unit_test(test_golden_files),
  };
  if (argc == 3 && strcmp(argv[1], "--dump") == 0)
    return dump(argv[2]);
  return cmocka_run_group_tests(tests, NULL, NULL);
}
