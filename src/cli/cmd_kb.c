/*
 * `ctix kb`: the knowledge base (ATT&CK, D3FEND, KEV) on the command line.
 * `info` prints source versions and counts, `show` one object or CVE with
 * its relations and D3FEND countermeasures, `search` a ranked name
 * search, and `build` regenerates the tables from the MITRE and CISA
 * files (`make kb`).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_internal.h"
#include "ctix/kb.h"
#include "util/str.h"

enum {
  OPT_HELP = 1,
  OPT_JSON,
  OPT_KB,
  OPT_LIMIT,
  OPT_ATTACK,
  OPT_D3FEND,
  OPT_D3FEND_VERSION,
  OPT_KEV,
  OPT_OUTPUT
};

static const ctix__cli_opt kb_opts[] = {
    {OPT_HELP, 'h', "help", false},
    {OPT_JSON, 0, "json", false},
    {OPT_KB, 0, "kb", true},
    {OPT_LIMIT, 'n', "limit", true},
    {OPT_ATTACK, 0, "attack", true},
    {OPT_D3FEND, 0, "d3fend", true},
    {OPT_D3FEND_VERSION, 0, "d3fend-version", true},
    {OPT_KEV, 0, "kev", true},
    {OPT_OUTPUT, 'o', "output", true},
    {0, 0, NULL, false},
};

#define DEFAULT_LIMIT 20

typedef struct kb_args {
  const char *sub;
  bool json;
  const char *kbdir;
  size_t limit;
  const char **ops;          /* argc entries */
  size_t nops;
  const char *attack[16];
  size_t nattack;
  ctix_kb_build_opts build;
} kb_args;

/* The sub-commands, for "did you mean". */
static const char *const subs[] = {"info", "show", "search", "build"};

/* Exit status for a library error code. */
static int exit_for(int rc)
{
  return rc == CTIX_ENOMEM ? CTIX_EXIT_INTERNAL : CTIX_EXIT_INPUT;
}

static int flush_stdout(void)
{
  if (fflush(stdout) != 0 || ferror(stdout)) {
    ctix__cli_msg("cannot write to standard output");
    return CTIX_EXIT_OUTPUT;
  }
  return CTIX_EXIT_OK;
}

static int add_attack(kb_args *a, const char *arg)
{
  if (a->nattack >= sizeof(a->attack) / sizeof(a->attack[0]))
    return ctix__cli_usage("kb", "too many --attack files");
  a->attack[a->nattack++] = arg;
  return 0;
}

/* Parses the options after the sub-command. */
static int parse(kb_args *a, int argc, char **argv)
{
  ctix__cli_args p;
  const char *arg;
  bool after_attack = false;
  int id, rc;
  ctix__cli_args_init(&p, argc, argv, "kb", kb_opts);
  while ((id = ctix__cli_args_next(&p, &arg)) != CTIX__CLI_END) {
    bool attack_list = false;
    switch (id) {
    case CTIX__CLI_BAD:
      return CTIX_EXIT_USAGE;
    case OPT_HELP: /* handled before parsing */
      break;
    case OPT_JSON:
      a->json = true;
      break;
    case OPT_KB:
      a->kbdir = arg;
      break;
    case OPT_LIMIT: {
      uint64_t v;
      if (ctix__parse_size(&v, arg, strlen(arg)) || v == 0 || v > 100000)
        return ctix__cli_usage("kb", "--limit needs a number from 1 to 100000, not '%s'", arg);
      a->limit = (size_t)v;
      break;
    }
    case OPT_ATTACK:
      if ((rc = add_attack(a, arg)))
        return rc;
      attack_list = true;
      break;
    case CTIX__CLI_OPERAND:
      if (after_attack && strcmp(a->sub, "build") == 0) {
        if ((rc = add_attack(a, arg)))
          return rc;
        attack_list = true;
        break;
      }
      a->ops[a->nops++] = arg;
      break;
    case OPT_D3FEND:
      a->build.d3fend = arg;
      break;
    case OPT_D3FEND_VERSION:
      a->build.d3fend_version = arg;
      break;
    case OPT_KEV:
      a->build.kev = arg;
      break;
    case OPT_OUTPUT:
      a->build.outdir = arg;
      break;
    default:
      break;
    }
    after_attack = attack_list;
  }
  return CTIX_EXIT_OK;
}

/* The knowledge base to read: --kb DIR, else CTIX_KB, else the embedded one. */
static int load(const kb_args *a, ctix_kb **owned, const ctix_kb **kb)
{
  ctix_error err;
  int rc;
  ctix_error_clear(&err);
  *owned = NULL;
  if (a->kbdir) {
    rc = ctix_kb_open_dir(owned, a->kbdir, &err);
    *kb = *owned;
  } else {
    rc = ctix_kb_default(kb, &err);
  }
  if (rc)
    ctix__cli_error(&err);
  return rc ? exit_for(rc) : CTIX_EXIT_OK;
}

/* ------------------------------------------------------------------- info */

static int run_info(const kb_args *a, const ctix_kb *kb)
{
  ctix_error err;
  char *text;
  size_t len;
  int rc;
  if (a->nops)
    return ctix__cli_usage("kb", "info takes no argument ('%s')", a->ops[0]);
  ctix_error_clear(&err);
  if ((rc = ctix_kb_info(&text, &len, kb, a->json, &err))) {
    ctix__cli_error(&err);
    return exit_for(rc);
  }
  if (!a->json)
    printf("origin: %s\n", ctix_kb_origin(kb));
  fwrite(text, 1, len, stdout);
  free(text);
  return flush_stdout();
}

/* ------------------------------------------------------------------- show */

/* How a relation is shown: its heading, split by target kind when given. */
typedef struct rel_view {
  ctix_kb_rel rel;
  ctix_kb_kind kind;     /* 0: all targets */
  const char *heading;
  const char *key;       /* JSON key */
} rel_view;

static const rel_view rel_views[] = {
    {CTIX_KB_REL_TACTIC, 0, "tactics", "tactics"},
    {CTIX_KB_REL_SUBTECHNIQUE, 0, "sub-techniques", "subtechniques"},
    {CTIX_KB_REL_TECHNIQUE, 0, "techniques", "techniques"},
    {CTIX_KB_REL_ATTRIBUTED_TO, 0, "attributed to", "attributed_to"},
    {CTIX_KB_REL_CAMPAIGN, 0, "campaigns attributed", "campaigns"},
    {CTIX_KB_REL_USES, CTIX_KB_TECHNIQUE, "techniques used", "uses_techniques"},
    {CTIX_KB_REL_USES, CTIX_KB_SOFTWARE, "software used", "uses_software"},
    {CTIX_KB_REL_USED_BY, CTIX_KB_GROUP, "used by groups", "used_by_groups"},
    {CTIX_KB_REL_USED_BY, CTIX_KB_CAMPAIGN, "used by campaigns", "used_by_campaigns"},
    {CTIX_KB_REL_USED_BY, CTIX_KB_SOFTWARE, "used by software", "used_by_software"},
    {CTIX_KB_REL_MITIGATED_BY, 0, "mitigations", "mitigations"},
    {CTIX_KB_REL_MITIGATES, 0, "mitigates", "mitigates"},
    {CTIX_KB_REL_DETECTED_BY, 0, "data components (detection)", "data_components"},
    {CTIX_KB_REL_DETECTS, 0, "detects", "detects"},
    {CTIX_KB_REL_ARTIFACT, 0, "artifacts", "artifacts"},
    {CTIX_KB_REL_ARTIFACT_OF, 0, "used by techniques", "artifact_of"},
    {CTIX_KB_REL_COUNTERS, 0, "counters ATT&CK techniques", "counters"},
    {CTIX_KB_REL_D3FEND, 0, "related D3FEND techniques", "d3fend"},
    {CTIX_KB_REL_MITIGATION, 0, "related ATT&CK mitigations", "related_mitigations"},
    {CTIX_KB_REL_REPLACES, 0, "replaces (revoked)", "replaces"},
};
#define NVIEWS (sizeof(rel_views) / sizeof(rel_views[0]))

/* One D3FEND countermeasure of a technique: its edges [first, first+n). */
typedef struct counter {
  ctix_kb_ref tactic, target;
  size_t first, n;
} counter;

static int cmp_counter(const void *pa, const void *pb)
{
  const counter *a = pa, *b = pb;
  if (a->tactic != b->tactic)
    return a->tactic < b->tactic ? -1 : 1;
  return a->target < b->target ? -1 : a->target > b->target;
}

/* The D3FEND tactic of a D3FEND technique, or NONE. */
static ctix_kb_ref d3_tactic_of(const ctix_kb *kb, ctix_kb_ref t)
{
  size_t first;
  if (ctix_kb_edges(kb, t, CTIX_KB_REL_TACTIC, CTIX_KB_D3FEND_TACTIC, &first))
    return ctix_kb_edge_target(kb, first);
  return CTIX_KB_NONE;
}

/* Countermeasures of `ref` grouped by tactic (caller frees *out). */
static int counters_of(const ctix_kb *kb, ctix_kb_ref ref, counter **out, size_t *n)
{
  size_t first, ne = ctix_kb_edges(kb, ref, CTIX_KB_REL_COUNTERED_BY, 0, &first), i;
  counter *c;
  *out = NULL;
  *n = 0;
  if (!ne)
    return 0;
  if (!(c = calloc(ne, sizeof(*c))))
    return CTIX_ENOMEM;
  for (i = 0; i < ne; i++) {
    ctix_kb_ref t = ctix_kb_edge_target(kb, first + i);
    if (*n && c[*n - 1].target == t) {
      c[*n - 1].n++;
      continue;
    }
    c[*n].target = t;
    c[*n].tactic = d3_tactic_of(kb, t);
    c[*n].first = first + i;
    c[*n].n = 1;
    (*n)++;
  }
  qsort(c, *n, sizeof(*c), cmp_counter);
  *out = c;
  return 0;
}

/* Provenance of a countermeasure: "asserted", "inherited", "rolled up". */
static const char *provenance(const ctix_kb *kb, const counter *c)
{
  size_t i;
  for (i = 0; i < c->n; i++) {
    ctix_kb_edge e;
    ctix_kb_edge_at(kb, c->first + i, &e);
    if (!(e.flags & (CTIX_KB_EDGE_INHERITED | CTIX_KB_EDGE_ROLLUP)))
      return "asserted";
  }
  for (i = 0; i < c->n; i++) {
    ctix_kb_edge e;
    ctix_kb_edge_at(kb, c->first + i, &e);
    if (e.flags & CTIX_KB_EDGE_INHERITED)
      return "inherited from the parent technique";
  }
  return "rolled up from sub-techniques";
}


/* "executes ExecutableScript" (verb and artifact) of one edge; "" without a verb. */
static void via_text(char *out, size_t size, const ctix_kb *kb, size_t edge)
{
  ctix_kb_edge e;
  ctix_kb_edge_at(kb, edge, &e);
  if (e.via != CTIX_KB_NONE)
    snprintf(out, size, "%s %s", e.verb, ctix_kb_id(kb, e.via));
  else
    snprintf(out, size, "%s", e.verb);
}

/*
 * The edges from `i` on (up to `end`) that share a target: their number.
 * `notes` receives their distinct "verb via" texts and flags, "; "-joined.
 */
static size_t target_run(const ctix_kb *kb, size_t i, size_t end, char *notes, size_t size)
{
  ctix_kb_ref t = ctix_kb_edge_target(kb, i);
  size_t k, len = 0;
  notes[0] = '\0';
  for (k = i; k < end && ctix_kb_edge_target(kb, k) == t; k++) {
    ctix_kb_edge e;
    char one[256];
    ctix_kb_edge_at(kb, k, &e);
    if (!e.verb[0])
      continue;
    via_text(one, sizeof(one), kb, k);
    if (e.flags & CTIX_KB_EDGE_INHERITED)
      ctix__strlcpy(one + strlen(one), ", inherited", sizeof(one) - strlen(one));
    if (e.flags & CTIX_KB_EDGE_ROLLUP)
      ctix__strlcpy(one + strlen(one), ", from a sub-technique", sizeof(one) - strlen(one));
    if (!strstr(notes, one)) {
      int w = snprintf(notes + len, size - len, "%s%s", len ? "; " : "", one);
      if (w > 0 && (size_t)w < size - len)
        len += (size_t)w;
    }
  }
  return k - i;
}

/* Number of distinct targets among edges [first, first + n). */
static size_t distinct_targets(const ctix_kb *kb, size_t first, size_t n)
{
  size_t i, d = 0;
  for (i = 0; i < n; i++)
    d += i == 0 || ctix_kb_edge_target(kb, first + i) != ctix_kb_edge_target(kb, first + i - 1);
  return d;
}

static const char *kind_label(const ctix_kb_obj *o)
{
  if (o->kind == CTIX_KB_TECHNIQUE && (o->flags & CTIX_KB_SUBTECHNIQUE))
    return "sub-technique";
  if (o->kind == CTIX_KB_SOFTWARE && (o->flags & CTIX_KB_MALWARE))
    return "software (malware)";
  if (o->kind == CTIX_KB_SOFTWARE && (o->flags & CTIX_KB_TOOL))
    return "software (tool)";
  if (o->kind == CTIX_KB_DATA_COMPONENT)
    return "data component";
  if (o->kind == CTIX_KB_D3FEND_TECHNIQUE)
    return "D3FEND technique";
  if (o->kind == CTIX_KB_D3FEND_TACTIC)
    return "D3FEND tactic";
  if (o->kind == CTIX_KB_ARTIFACT)
    return "D3FEND artifact";
  return ctix_kb_kind_name(o->kind);
}

static void domains_text(char *out, size_t size, unsigned domains)
{
  unsigned bit;
  size_t len = 0;
  out[0] = '\0';
  for (bit = 1; bit <= CTIX_KB_ICS; bit <<= 1)
    if (domains & bit) {
      int k = snprintf(out + len, size - len, "%s%s", len ? ", " : "", ctix_kb_domain_name(bit));
      if (k > 0 && (size_t)k < size - len)
        len += (size_t)k;
    }
}

/* One line "heading  a, b, c" of an object's aliases or platforms. */
static void show_text_list(const ctix_kb *kb, const char *heading,
                           const char *(*item)(const ctix_kb *, ctix_kb_ref, size_t),
                           ctix_kb_ref ref, size_t n)
{
  size_t i;
  if (!n)
    return;
  printf("  %-13s", heading);
  for (i = 0; i < n; i++)
    printf("%s%s", i ? ", " : "", item(kb, ref, i));
  printf("\n");
}

static void show_text(const ctix_kb *kb, ctix_kb_ref ref)
{
  ctix_kb_obj o;
  char buf[512];
  size_t v, i, first, n;
  counter *cs = NULL;
  size_t ncs = 0;
  ctix_kb_get(kb, ref, &o);
  printf("%s  %s\n", o.id, o.name);
  domains_text(buf, sizeof(buf), o.domains);
  printf("  %-13s%s%s%s, %s\n", "kind", kind_label(&o), buf[0] ? " in " : "", buf,
         ctix_kb_status_name(o.flags));
  if (o.revoked_by != CTIX_KB_NONE)
    printf("  %-13s%s  %s\n", "replaced by", ctix_kb_id(kb, o.revoked_by),
           ctix_kb_name(kb, o.revoked_by));
  if (o.stix_id[0])
    printf("  %-13s%s\n", "STIX id", o.stix_id);
  if (ctix_kb_url(buf, sizeof(buf), kb, ref)[0])
    printf("  %-13s%s\n", "web page", buf);
  if (o.shortname[0] && o.kind == CTIX_KB_TACTIC)
    printf("  %-13s%s\n", "short name", o.shortname);
  if (o.parent != CTIX_KB_NONE)
    printf("  %-13s%s  %s\n", "parent", ctix_kb_id(kb, o.parent), ctix_kb_name(kb, o.parent));
  show_text_list(kb, "aliases", ctix_kb_alias, ref, o.naliases);
  show_text_list(kb, "platforms", ctix_kb_platform, ref, o.nplatforms);
  if (o.first_seen[0])
    printf("  %-13s%s\n", "first seen", o.first_seen);
  if (o.last_seen[0])
    printf("  %-13s%s\n", "last seen", o.last_seen);
  for (v = 0; v < NVIEWS; v++) {
    n = ctix_kb_edges(kb, ref, rel_views[v].rel, rel_views[v].kind, &first);
    if (!n)
      continue;
    printf("  %s (%zu):\n", rel_views[v].heading, distinct_targets(kb, first, n));
    for (i = 0; i < n;) {
      ctix_kb_ref t = ctix_kb_edge_target(kb, first + i);
      unsigned tf = ctix_kb_flags(kb, t);
      const char *tid = ctix_kb_id(kb, t), *tname = ctix_kb_name(kb, t);
      i += target_run(kb, first + i, first + n, buf, sizeof(buf));
      if (strcmp(tid, tname) == 0)
        printf("    %s", tid);
      else
        printf("    %-11s %s", tid, tname);
      if (buf[0])
        printf("  (%s)", buf);
      if (tf & (CTIX_KB_REVOKED | CTIX_KB_DEPRECATED))
        printf("  [%s]", ctix_kb_status_name(tf));
      printf("\n");
    }
  }
  if (counters_of(kb, ref, &cs, &ncs) == 0 && ncs) {
    ctix_kb_ref tactic = CTIX_KB_NONE - 1;
    printf("  D3FEND countermeasures (%zu), by tactic:\n", ncs);
    for (i = 0; i < ncs; i++) {
      if (cs[i].tactic != tactic) {
        tactic = cs[i].tactic;
        printf("    %s\n", tactic == CTIX_KB_NONE ? "(no tactic)" : ctix_kb_name(kb, tactic));
      }
      target_run(kb, cs[i].first, cs[i].first + cs[i].n, buf, sizeof(buf));
      printf("      %-9s %s  (%s)\n", ctix_kb_id(kb, cs[i].target),
             ctix_kb_name(kb, cs[i].target), buf);
    }
  }
  free(cs);
}

/* {"id", "name", "kind"} of an object. */
static json_t *json_ref(const ctix_kb *kb, ctix_kb_ref ref)
{
  json_t *o = json_object();
  json_object_set_new(o, "id", json_string(ctix_kb_id(kb, ref)));
  json_object_set_new(o, "name", json_string(ctix_kb_name(kb, ref)));
  json_object_set_new(o, "kind", json_string(ctix_kb_kind_name(ctix_kb_kind_of(kb, ref))));
  return o;
}

static json_t *json_list(const ctix_kb *kb, ctix_kb_ref ref, size_t n,
                         const char *(*item)(const ctix_kb *, ctix_kb_ref, size_t))
{
  json_t *a = json_array();
  size_t i;
  for (i = 0; i < n; i++)
    json_array_append_new(a, json_string(item(kb, ref, i)));
  return a;
}

static json_t *show_json(const ctix_kb *kb, ctix_kb_ref ref)
{
  json_t *j = json_object(), *doms = json_array(), *rels = json_object();
  ctix_kb_obj o;
  char buf[512];
  unsigned bit;
  size_t v, i, first, n, ncs = 0;
  counter *cs = NULL;
  ctix_kb_get(kb, ref, &o);
  json_object_set_new(j, "id", json_string(o.id));
  json_object_set_new(j, "kind", json_string(ctix_kb_kind_name(o.kind)));
  json_object_set_new(j, "name", json_string(o.name));
  json_object_set_new(j, "status", json_string(ctix_kb_status_name(o.flags)));
  if (o.kind == CTIX_KB_TECHNIQUE)
    json_object_set_new(j, "subtechnique", json_boolean(o.flags & CTIX_KB_SUBTECHNIQUE));
  if (o.kind == CTIX_KB_SOFTWARE)
    json_object_set_new(j, "software_type",
                        json_string((o.flags & CTIX_KB_TOOL) ? "tool" : "malware"));
  for (bit = 1; bit <= CTIX_KB_ICS; bit <<= 1)
    if (o.domains & bit)
      json_array_append_new(doms, json_string(ctix_kb_domain_name(bit)));
  json_object_set_new(j, "domains", doms);
  if (o.stix_id[0])
    json_object_set_new(j, "stix_id", json_string(o.stix_id));
  if (ctix_kb_url(buf, sizeof(buf), kb, ref)[0])
    json_object_set_new(j, "url", json_string(buf));
  if (o.shortname[0])
    json_object_set_new(j, "shortname", json_string(o.shortname));
  if (o.first_seen[0])
    json_object_set_new(j, "first_seen", json_string(o.first_seen));
  if (o.last_seen[0])
    json_object_set_new(j, "last_seen", json_string(o.last_seen));
  if (o.parent != CTIX_KB_NONE)
    json_object_set_new(j, "parent", json_ref(kb, o.parent));
  if (o.revoked_by != CTIX_KB_NONE)
    json_object_set_new(j, "revoked_by", json_ref(kb, o.revoked_by));
  json_object_set_new(j, "aliases", json_list(kb, ref, o.naliases, ctix_kb_alias));
  json_object_set_new(j, "platforms", json_list(kb, ref, o.nplatforms, ctix_kb_platform));
  for (v = 0; v < NVIEWS; v++) {
    json_t *arr;
    n = ctix_kb_edges(kb, ref, rel_views[v].rel, rel_views[v].kind, &first);
    if (!n)
      continue;
    arr = json_array();
    for (i = 0; i < n;) {
      ctix_kb_ref t = ctix_kb_edge_target(kb, first + i);
      json_t *item = json_ref(kb, t);
      unsigned tf = ctix_kb_flags(kb, t);
      size_t k, run = target_run(kb, first + i, first + n, buf, sizeof(buf));
      if (tf & (CTIX_KB_REVOKED | CTIX_KB_DEPRECATED))
        json_object_set_new(item, "status", json_string(ctix_kb_status_name(tf)));
      if (buf[0]) {
        json_t *how = json_array();
        for (k = 0; k < run; k++) {
          char one[256];
          via_text(one, sizeof(one), kb, first + i + k);
          json_array_append_new(how, json_string(one));
        }
        json_object_set_new(item, "via", how);
      }
      json_array_append_new(arr, item);
      i += run;
    }
    json_object_set_new(rels, rel_views[v].key, arr);
  }
  json_object_set_new(j, "relations", rels);
  if (counters_of(kb, ref, &cs, &ncs) == 0 && ncs) {
    json_t *by = json_object();
    for (i = 0; i < ncs; i++) {
      const char *tname = cs[i].tactic == CTIX_KB_NONE ? "" : ctix_kb_name(kb, cs[i].tactic);
      json_t *arr = json_object_get(by, tname), *item = json_ref(kb, cs[i].target);
      json_t *via = json_array();
      size_t k;
      if (!arr) {
        arr = json_array();
        json_object_set_new(by, tname, arr);
      }
      for (k = 0; k < cs[i].n; k++) {
        via_text(buf, sizeof(buf), kb, cs[i].first + k);
        json_array_append_new(via, json_string(buf));
      }
      json_object_set_new(item, "via", via);
      json_object_set_new(item, "source", json_string(provenance(kb, &cs[i])));
      json_array_append_new(arr, item);
    }
    json_object_set_new(j, "d3fend_countermeasures", by);
  }
  free(cs);
  return j;
}

/* A CVE: its KEV entry, or that it is not in the catalog. */
static json_t *show_cve(const ctix_kb *kb, const char *cve, bool json)
{
  ctix_kb_kev k;
  const char *ver = ctix_kb_source(kb, "kev");
  size_t i;
  if (ctix_kb_find_cve(kb, cve, strlen(cve), &k) != 0) {
    json_t *j;
    if (!json) {
      printf("%s\n  %-13snot in the CISA KEV catalog (version %s)\n", cve, "KEV",
             ver ? ver : "?");
      return NULL;
    }
    j = json_object();
    json_object_set_new(j, "cve", json_string(cve));
    json_object_set_new(j, "kind", json_string("cve"));
    json_object_set_new(j, "in_kev", json_false());
    json_object_set_new(j, "kev_version", json_string(ver ? ver : ""));
    return j;
  }
  if (!json) {
    printf("%s  %s\n", k.cve, k.name);
    printf("  %-13slisted in the CISA KEV catalog (version %s)\n", "KEV", ver ? ver : "?");
    printf("  %-13s%s\n  %-13s%s\n", "vendor", k.vendor, "product", k.product);
    printf("  %-13s%s\n  %-13s%s\n", "date added", k.date_added, "due date", k.due_date);
    printf("  %-13s%s\n", "ransomware", k.ransomware);
    if (k.ncwes) {
      printf("  %-13s", "CWEs");
      for (i = 0; i < k.ncwes; i++)
        printf("%s%s", i ? ", " : "", ctix_kb_kev_cwe(kb, k.index, i));
      printf("\n");
    }
    return NULL;
  }
  {
    json_t *j = json_object(), *cw = json_array();
    json_object_set_new(j, "cve", json_string(k.cve));
    json_object_set_new(j, "kind", json_string("cve"));
    json_object_set_new(j, "in_kev", json_true());
    json_object_set_new(j, "kev_version", json_string(ver ? ver : ""));
    json_object_set_new(j, "vendor", json_string(k.vendor));
    json_object_set_new(j, "product", json_string(k.product));
    json_object_set_new(j, "name", json_string(k.name));
    json_object_set_new(j, "date_added", json_string(k.date_added));
    json_object_set_new(j, "due_date", json_string(k.due_date));
    json_object_set_new(j, "known_ransomware_campaign_use", json_string(k.ransomware));
    for (i = 0; i < k.ncwes; i++)
      json_array_append_new(cw, json_string(ctix_kb_kev_cwe(kb, k.index, i)));
    json_object_set_new(j, "cwes", cw);
    return j;
  }
}

/* Objects an argument names: id, then STIX id, then name or alias. */
static size_t resolve_arg(const ctix_kb *kb, const char *arg, ctix_kb_ref *out, size_t max)
{
  size_t len = strlen(arg);
  if (ctix_kb_find_id(kb, arg, len, out) == 0 || ctix_kb_find_stix(kb, arg, len, out) == 0)
    return 1;
  return ctix_kb_find_name(kb, arg, len, out, max);
}

static int run_show(const kb_args *a, const ctix_kb *kb)
{
  json_t *all = a->json ? json_array() : NULL;
  int status = CTIX_EXIT_OK;
  size_t i, k, n, shown = 0;
  if (!a->nops)
    return ctix__cli_usage("kb", "show needs an id (T1566.001, G0016, S0002, C0024, M1032, "
                                 "D3-DA, CVE-2021-44228) or a name");
  for (i = 0; i < a->nops; i++) {
    const char *arg = a->ops[i];
    ctix_kb_ref refs[16];
    if (ctix__mem_istarts(arg, strlen(arg), "CVE-")) {
      json_t *j;
      if (!a->json && shown++)
        printf("\n");
      j = show_cve(kb, arg, a->json);
      if (j)
        json_array_append_new(all, j);
      continue;
    }
    n = resolve_arg(kb, arg, refs, 16);
    if (!n) {
      ctix__cli_msg("kb show: no ATT&CK, D3FEND or KEV entry named '%s' "
                    "(try 'ctix kb search %s')", arg, arg);
      status = CTIX_EXIT_INPUT;
      continue;
    }
    for (k = 0; k < n && k < 16; k++) {
      if (a->json)
        json_array_append_new(all, show_json(kb, refs[k]));
      else {
        if (shown++)
          printf("\n");
        show_text(kb, refs[k]);
      }
    }
  }
  if (a->json) {
    /* One id: its object; several: an array, in argument order. */
    json_t *out = a->nops == 1 && json_array_size(all) == 1 ? json_array_get(all, 0) : all;
    if (json_array_size(all) > 0 || status == CTIX_EXIT_OK) {
      char *s = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
      if (!s) {
        json_decref(all);
        ctix__cli_msg("out of memory");
        return CTIX_EXIT_INTERNAL;
      }
      printf("%s\n", s);
      free(s);
    }
    json_decref(all);
  }
  n = flush_stdout();
  return n ? (int)n : status;
}

/* ----------------------------------------------------------------- search */

static int run_search(const kb_args *a, const ctix_kb *kb)
{
  char query[1024];
  size_t len = 0, i, total = 0, limit = a->limit ? a->limit : DEFAULT_LIMIT;
  ctix_kb_hit *hits;
  ctix_error err;
  int rc;
  if (!a->nops)
    return ctix__cli_usage("kb", "search needs words to look for");
  query[0] = '\0';
  for (i = 0; i < a->nops; i++) {
    int k = snprintf(query + len, sizeof(query) - len, "%s%s", i ? " " : "", a->ops[i]);
    if (k < 0 || (size_t)k >= sizeof(query) - len)
      return ctix__cli_usage("kb", "search words too long");
    len += (size_t)k;
  }
  if (!(hits = calloc(limit, sizeof(*hits)))) {
    ctix__cli_msg("out of memory");
    return CTIX_EXIT_INTERNAL;
  }
  ctix_error_clear(&err);
  if ((rc = ctix_kb_search(hits, limit, &total, kb, query, &err))) {
    free(hits);
    ctix__cli_error(&err);
    return exit_for(rc);
  }
  if (a->json) {
    json_t *arr = json_array();
    char *s;
    for (i = 0; i < total && i < limit; i++) {
      json_t *item;
      if (hits[i].ref == CTIX_KB_NONE) {
        ctix_kb_kev k;
        ctix_kb_kev_at(kb, hits[i].kev, &k);
        item = json_object();
        json_object_set_new(item, "id", json_string(k.cve));
        json_object_set_new(item, "name", json_string(k.name));
        json_object_set_new(item, "kind", json_string("kev"));
      } else {
        item = json_ref(kb, hits[i].ref);
      }
      json_object_set_new(item, "matched", json_string(hits[i].matched));
      json_object_set_new(item, "score", json_integer(hits[i].score));
      json_array_append_new(arr, item);
    }
    s = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(arr);
    if (s)
      printf("%s\n", s);
    free(s);
  } else {
    for (i = 0; i < total && i < limit; i++) {
      const char *id, *name, *kind;
      char kindbuf[96];
      ctix_kb_kev k;
      if (hits[i].ref == CTIX_KB_NONE) {
        ctix_kb_kev_at(kb, hits[i].kev, &k);
        id = k.cve;
        name = k.name;
        kind = "kev";
      } else {
        id = ctix_kb_id(kb, hits[i].ref);
        name = ctix_kb_name(kb, hits[i].ref);
        ctix_kb_obj o;
        char doms[64];
        ctix_kb_get(kb, hits[i].ref, &o);
        domains_text(doms, sizeof(doms), o.domains);
        snprintf(kindbuf, sizeof(kindbuf), "%s%s%s%s", ctix_kb_kind_name(o.kind),
                 doms[0] ? " (" : "", doms, doms[0] ? ")" : "");
        kind = kindbuf;
      }
      printf("%-15s %-24s %s", id, kind, name);
      if (strcmp(hits[i].matched, name) != 0 && strcmp(hits[i].matched, id) != 0)
        printf("  [%s]", hits[i].matched);
      if (hits[i].ref != CTIX_KB_NONE && (ctix_kb_flags(kb, hits[i].ref) &
                                          (CTIX_KB_REVOKED | CTIX_KB_DEPRECATED)))
        printf("  (%s)", ctix_kb_status_name(ctix_kb_flags(kb, hits[i].ref)));
      printf("\n");
    }
    if (total > limit)
      printf("(%zu of %zu matches; --limit N shows more)\n", limit, total);
  }
  free(hits);
  rc = flush_stdout();
  if (rc)
    return rc;
  if (!total) {
    ctix__cli_msg("kb search: nothing matches '%s'", query);
    return CTIX_EXIT_INPUT;
  }
  return CTIX_EXIT_OK;
}

/* ------------------------------------------------------------------ build */

static int run_build(kb_args *a)
{
  ctix_error err;
  int rc;
  if (a->nops)
    return ctix__cli_usage("kb", "unexpected argument '%s' (ATT&CK bundles follow --attack)",
                           a->ops[0]);
  if (!a->nattack)
    return ctix__cli_usage("kb", "build needs --attack FILE...");
  if (!a->build.d3fend || !a->build.kev || !a->build.outdir || !a->build.d3fend_version)
    return ctix__cli_usage("kb", "build needs --d3fend, --d3fend-version, --kev and -o DIR");
  a->build.attack = a->attack;
  a->build.nattack = a->nattack;
  ctix_error_clear(&err);
  if ((rc = ctix_kb_build(&a->build, &err))) {
    ctix__cli_error(&err);
    if (rc == CTIX_EIO && strncmp(err.source, a->build.outdir, strlen(a->build.outdir)) == 0)
      return CTIX_EXIT_OUTPUT;
    return exit_for(rc);
  }
  printf("wrote %s/ctix.kb and %s/manifest.txt\n", a->build.outdir, a->build.outdir);
  return flush_stdout();
}

/* Runs the sub-command with its parsed arguments. */
static int run_sub(kb_args *a)
{
  ctix_kb *owned = NULL;
  const ctix_kb *kb = NULL;
  int rc;
  if (strcmp(a->sub, "build") == 0) {
    if (a->kbdir || a->json || a->limit)
      return ctix__cli_usage("kb", "--kb, --json and --limit do not apply to 'kb build'");
    return run_build(a);
  }
  if (a->nattack || a->build.d3fend || a->build.kev || a->build.outdir || a->build.d3fend_version)
    return ctix__cli_usage("kb", "--attack, --d3fend, --kev and -o belong to 'kb build'");
  if (a->limit && strcmp(a->sub, "search") != 0)
    return ctix__cli_usage("kb", "--limit belongs to 'kb search'");
  if ((rc = load(a, &owned, &kb)))
    return rc;
  if (strcmp(a->sub, "info") == 0)
    rc = run_info(a, kb);
  else if (strcmp(a->sub, "show") == 0)
    rc = run_show(a, kb);
  else
    rc = run_search(a, kb);
  ctix_kb_free(owned);
  return rc;
}

/*
 * Finds the sub-command: the first argument that is neither an option nor
 * the value of --kb (so `ctix kb --kb DIR info` works), and moves it to
 * the front of argv[1..].
 */
static const char *take_sub(int argc, char **argv)
{
  int i;
  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--kb") == 0) {
      i++;
      continue;
    }
    if (argv[i][0] != '-' || argv[i][1] == '\0') {
      char *sub = argv[i];
      memmove(argv + 2, argv + 1, (size_t)(i - 1) * sizeof(*argv));
      argv[1] = sub;
      return sub;
    }
    if (strcmp(argv[i], "--") == 0)
      break;
  }
  return NULL;
}

static int run_kb(int argc, char **argv)
{
  kb_args a;
  const char *hint;
  int rc, i;
  memset(&a, 0, sizeof(a));
  for (i = 1; i < argc; i++)
    if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
      ctix__cli_print_help(stdout, &ctix__cli_cmd_kb);
      return flush_stdout();
    }
  if (!(a.sub = take_sub(argc, argv))) {
    ctix__cli_print_help(stderr, &ctix__cli_cmd_kb);
    return CTIX_EXIT_USAGE;
  }
  if (strcmp(a.sub, "help") == 0) {
    ctix__cli_print_help(stdout, &ctix__cli_cmd_kb);
    return flush_stdout();
  }
  if (strcmp(a.sub, "info") != 0 && strcmp(a.sub, "show") != 0 &&
      strcmp(a.sub, "search") != 0 && strcmp(a.sub, "build") != 0) {
    hint = ctix__cli_suggest(a.sub, subs, sizeof(subs) / sizeof(subs[0]));
    if (hint)
      return ctix__cli_usage("kb", "unknown sub-command '%s' (did you mean '%s'?)", a.sub, hint);
    return ctix__cli_usage("kb", "unknown sub-command '%s'", a.sub);
  }
  if (!(a.ops = calloc((size_t)argc, sizeof(*a.ops)))) {
    ctix__cli_msg("out of memory");
    return CTIX_EXIT_INTERNAL;
  }
  rc = parse(&a, argc - 1, argv + 1);
  if (!rc)
    rc = run_sub(&a);
  free(a.ops);
  return rc;
}

const ctix_cli_cmd ctix__cli_cmd_kb = {
    "kb",
    "Query the ATT&CK, D3FEND and KEV knowledge base, or rebuild it",
    "Usage: ctix kb info [--json]\n"
    "       ctix kb show ID... [--json]\n"
    "       ctix kb search WORD... [--limit N] [--json]\n"
    "       ctix kb build --attack FILE... --d3fend DIR --d3fend-version V\n"
    "                     --kev FILE -o DIR\n"
    "\n"
    "The knowledge base holds MITRE ATT&CK (Enterprise, Mobile, ICS: techniques,\n"
    "tactics, groups, software, campaigns, mitigations, data components and their\n"
    "relations), MITRE D3FEND (defensive techniques and the ATT&CK technique ->\n"
    "artifact -> D3FEND technique mappings) and the CISA KEV catalog. It is built\n"
    "into ctix; --kb DIR or the CTIX_KB environment variable loads DIR/ctix.kb\n"
    "instead (a newer one made with 'kb build').\n"
    "\n"
    "  info     source versions and object counts per kind, domain and status\n"
    "  show     one or more objects by ATT&CK id (T1566.001, G0016, S0002, C0024,\n"
    "           M1032, TA0002), D3FEND id (D3-DA), STIX id, exact name or alias, or\n"
    "           a CVE id (its KEV entry); revoked ids name their replacement\n"
    "  search   ranked search of names, aliases and ids, and of KEV vendors and\n"
    "           products\n"
    "  build    read the ATT&CK STIX 2.1 bundles, the derived D3FEND CSVs (the\n"
    "           folder, or its attack-d3fend-mappings.csv) and the KEV JSON feed,\n"
    "           and write DIR/ctix.kb and DIR/manifest.txt ('make kb' does this\n"
    "           for data/kb)\n"
    "\n"
    "Options:\n"
    "      --json               JSON output (show: one object, or an array for\n"
    "                           several)\n"
    "      --kb DIR             read DIR/ctix.kb instead of the built-in tables\n"
    "  -n, --limit N            search: at most N results (default 20)\n"
    "      --attack FILE...     build: ATT&CK bundles (any of Enterprise, Mobile, ICS)\n"
    "      --d3fend PATH        build: the D3FEND CSV folder or its mappings CSV\n"
    "      --d3fend-version V   build: the D3FEND release of the CSVs (e.g. 1.2.0)\n"
    "      --kev FILE           build: known_exploited_vulnerabilities.json\n"
    "  -o, --output DIR         build: where to write the tables\n"
    "  -h, --help               show this help\n"
    "\n"
    "Exit status: 0 on success, 1 when an id or search has no match or an input\n"
    "of 'build' is bad, 2 for a usage error, 3 when the output cannot be written,\n"
    "4 for an internal error.\n",
    run_kb,
};
