/*
 * Named entities of a document (include/ctix/entity.h).
 *
 * One pass over the word tokens of each sentence finds every ATT&CK group,
 * software and campaign name or alias (a map of lower-cased 1-8 token
 * sequences built from the knowledge base); an alias that is an ordinary
 * word or very short needs its capitalisation and a supporting word or
 * another ATT&CK entity in the same sentence; an operating-system utility
 * needs to be shown run. The name rules of data/entity/patterns.tsv then
 * find the names the text introduces ("the X ransomware", "tracked as X",
 * "X (aka Y)", tracking ids such as Storm-1234) and the victims; CVE ids
 * come from the IOC stage with their KEV entry; countries, regions and
 * sectors come from the tables of data/entity.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entity/entity_internal.h"
#include "kb/kb_internal.h"
#include "ttp/signals.h"
#include "util/err.h"
#include "util/str.h"

/* Longest alias, in tokens, looked up. */
#define MAX_GRAM 8
/* Longest key (bytes) of a token sequence. */
#define MAX_KEY 128
/* Most tokens in one captured name, and names captured by one rule match. */
#define MAX_NAME_TOKS 5
#define MAX_CAPS 24
/* Longest new name kept (bytes). */
#define MAX_NAME_LEN 48
/* Most tokens of one legal form with its dots and commas ("S.A.B. de C.V.":
 * "S.A.B", ".", "de", "C.V", "."). */
#define LEGAL_FORM_MAX_TOKS 8
/* How far before an organisation word a [reporter] word is looked for
 * ("the threat intelligence provider"), and how far before a victim
 * rule's match an organisation word ("the security firm Mandiant"). */
#define REPORTER_BEFORE 2
/* Most tokens of a place name {P} read backwards. */
#define PLACE_MAX_TOKS 5

typedef struct entity_list_impl {
  ctix_entity_list pub;
  ctix_arena arena;
} entity_list_impl;

/* One alias of the knowledge base or of the listed tools. */
typedef struct gaz_entry {
  ctix_kb_ref ref;           /* CTIX_KB_NONE for a listed tool */
  ctix_kb_kind kind;
  ctix__amb amb;
  const char *alias;         /* as in the KB or tools.tsv */
  uint32_t next;             /* next entry with the same key, or UINT32_MAX */
  uint32_t listed;           /* index in the lexicon's tools, or UINT32_MAX */
} gaz_entry;

/* The names of a knowledge base and of the listed tools, by key. Built
 * once for the default knowledge base and kept (read-only, shared by
 * every call and thread), per call for any other. */
typedef struct gazetteer {
  ctix__smap map;            /* alias key -> first entry */
  ctix__smap prefixes;       /* every prefix of an alias key (value unused) */
  ctix__smap products;       /* keys of the KEV catalog's products (value unused) */
  ctix_buf entries;          /* gaz_entry */
  ctix_arena arena;          /* the keys */
} gazetteer;

/* An entity being built. */
typedef struct ent {
  ctix_entity e;
  bool accepted;
  bool org;                  /* written with a legal form ("Conpet S.A."): an organisation */
  float best;                /* best confidence seen */
  const char *why;           /* evidence */
} ent;

typedef struct ment {
  uint32_t ent;
  uint32_t start, end, sent;
  const char *alias;
} ment;

/* An ambiguous alias waiting for support. */
typedef struct cand {
  uint32_t ent;
  uint32_t tok;              /* first token */
  uint32_t start, end, sent;
  const char *alias;
} cand;

typedef struct ex {
  const ctix_document *doc;
  const ctix_kb *kb;
  const ctix__lexicon *lx;
  ctix_arena *arena;
  const char *lower;         /* doc->text lower-cased */
  const ctix__tok *t;
  size_t nt;
  const uint32_t *sf;        /* sentence -> first token */
  size_t ns;
  uint32_t *sent_ctx;        /* per sentence: bit k = context words of kind k */
  uint8_t *sent_known;       /* per sentence: an unambiguous ATT&CK entity */
  uint8_t *sent_aside;       /* per sentence: 0 not asked yet, 1 may name victims, 2 names none */
  const gazetteer *gz;
  ctix_buf ents, ments, cands;
  ctix__smap ent_index;      /* "kind:key" -> ent */
  bool new_names;
} ex;

#define ENT(x, i) (&CTIX__BUF_AT(&(x)->ents, ent, i))
#define TOK(x, i) (&(x)->t[i])

/* ------------------------------------------------------------- utilities */

static const char *kind_names[CTIX_ENTITY_KIND_COUNT] = {
    "group", "malware", "tool", "campaign", "vulnerability", "victim", "sector", "location"};

const char *ctix_entity_kind_name(ctix_entity_kind kind)
{
  return (unsigned)kind < CTIX_ENTITY_KIND_COUNT ? kind_names[kind] : "unknown";
}

void ctix_entity_options_init(ctix_entity_options *opts)
{
  memset(opts, 0, sizeof(*opts));
  opts->new_names = true;
}

void ctix_entity_list_free(ctix_entity_list *list)
{
  entity_list_impl *impl = (entity_list_impl *)list;
  if (!impl)
    return;
  ctix__arena_free(&impl->arena);
  free(impl);
}

/* The lower-cased, white-space-collapsed key of s[0..n) in buf (cap bytes);
 * 0 when it does not fit. */
static size_t make_key(char *buf, size_t cap, const char *s, size_t n)
{
  size_t k = 0;
  bool space = false;
  for (size_t i = 0; i < n; i++) {
    if (ctix__isspace((unsigned char)s[i])) {
      space = k > 0;
      continue;
    }
    if (k + 2 >= cap)
      return 0;
    if (space)
      buf[k++] = ' ';
    space = false;
    buf[k++] = (char)ctix__lower((unsigned char)s[i]);
  }
  buf[k] = '\0';
  return k;
}

static size_t tok_len(const ctix__tok *t) { return t->end - t->start; }

/* True when token i is the lower-case word w. */
static bool tok_is(const ex *x, size_t i, const char *w)
{
  size_t n = strlen(w);
  return tok_len(&x->t[i]) == n && memcmp(x->lower + x->t[i].start, w, n) == 0;
}

static bool tok_in(const ex *x, size_t i, const ctix__smap *m)
{
  return ctix__smap_get(m, x->lower + x->t[i].start, tok_len(&x->t[i])) != UINT32_MAX;
}

static bool has_upper(const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (ctix__isupper((unsigned char)s[i]))
      return true;
  return false;
}

/* A capitalised word with nothing else distinctive ("Modular"). */
static bool plain_capital(const ex *x, size_t i)
{
  const char *s = x->doc->text + x->t[i].start;
  size_t n = tok_len(&x->t[i]);
  if (!n || !ctix__isupper((unsigned char)s[0]))
    return false;
  for (size_t k = 1; k < n; k++)
    if (!ctix__islower((unsigned char)s[k]))
      return false;
  return true;
}

/* File names ("SyncHost.exe"), ATT&CK and CVE ids are not names. */
static bool not_a_name(const char *s, size_t n)
{
  size_t dot = n;
  for (size_t i = 0; i < n; i++)
    if (s[i] == '.')
      dot = i;
  if (dot < n && n - dot - 1 >= 2 && n - dot - 1 <= 4) {
    bool lower = true;
    for (size_t i = dot + 1; i < n; i++)
      lower = lower && ctix__islower((unsigned char)s[i]);
    if (lower)
      return true;
  }
  if (n >= 5 && s[0] == 'T' && ctix__isdigit((unsigned char)s[1]))
    return true;
  if (n >= 6 && s[0] == 'T' && s[1] == 'A' && s[2] == '0')
    return true;
  if (ctix__mem_istarts(s, n, "CVE-") || ctix__mem_istarts(s, n, "CWE-"))
    return true;
  return false;
}

/* True when the word is a hyphenated adjective ("China-linked"). */
static bool hyphen_adjective(const ex *x, const ctix__tok *t)
{
  size_t n = tok_len(t), h = n;
  const char *s = x->lower + t->start;
  for (size_t i = 0; i < n; i++)
    if (s[i] == '-')
      h = i;
  return h < n && ctix__smap_get(&x->lx->stop_suffix, s + h + 1, n - h - 1) != UINT32_MAX;
}

/* True when the word is an ordinary hyphenated compound written with a
 * capital only at its start ("Post-exploitation", "Open-source"): every
 * part after the first hyphen is lower-case letters. */
static bool lower_compound(const ex *x, const ctix__tok *t)
{
  const char *s = x->doc->text + t->start;
  size_t n = tok_len(t), i = 0;
  while (i < n && s[i] != '-')
    i++;
  if (i == 0 || i + 1 >= n)
    return false;
  for (size_t k = 1; k < i; k++)
    if (!ctix__islower((unsigned char)s[k]))
      return false;
  for (size_t k = i + 1; k < n; k++)
    if (!ctix__islower((unsigned char)s[k]) && s[k] != '-')
      return false;
  return true;
}

/* A word that can be part of a name: it holds a capital letter. */
static bool name_tok(const ex *x, size_t i)
{
  const ctix__tok *t = &x->t[i];
  const char *s = x->doc->text + t->start;
  size_t n = tok_len(t);
  return (t->flags & CTIX__TOK_WORD) && n <= 40 && has_upper(s, n) && !not_a_name(s, n) &&
         !hyphen_adjective(x, t) && !lower_compound(x, t);
}

/* True when token i is a stop word of `m` with a footnote mark glued to
 * it: "Enterprise12", "ICS1" (one or two digits after letters). */
static bool marked_stop(const ex *x, size_t i, const ctix__smap *m)
{
  const char *s = x->lower + x->t[i].start;
  size_t n = tok_len(&x->t[i]), d = n;
  while (d > 0 && n - d < 2 && ctix__isdigit((unsigned char)s[d - 1]))
    d--;
  return d < n && d > 0 && ctix__isalpha((unsigned char)s[d - 1]) &&
         ctix__smap_get(m, s, d) != UINT32_MAX;
}

/* True when token i is a capitalised word inside its sentence, as in a
 * title ("Leveraged Tools", "Actors Targeting Networking Devices"). */
static bool title_word(const ex *x, size_t i)
{
  const char *s = x->doc->text + x->t[i].start;
  size_t n = tok_len(&x->t[i]);
  return (x->t[i].flags & CTIX__TOK_WORD) && !(x->t[i].flags & CTIX__TOK_FIRST) && n > 1 &&
         ctix__isupper((unsigned char)s[0]) && ctix__islower((unsigned char)s[1]);
}

/* A distinctive name of tokens [a, b): quoted, CamelCase ("wAgent",
 * "ThreatNeedle") or in capitals with five letters or more. */
static bool distinctive(const ex *x, size_t a, size_t b)
{
  size_t letters = 0;
  bool lower = false;
  if ((x->t[a].flags & CTIX__TOK_QUOTE_BEFORE) && (x->t[b - 1].flags & CTIX__TOK_QUOTE_AFTER))
    return true;
  for (size_t i = a; i < b; i++) {
    const char *s = x->doc->text + x->t[i].start;
    size_t n = tok_len(&x->t[i]);
    for (size_t k = 0; k < n; k++) {
      if (k > 0 && ctix__isupper((unsigned char)s[k]) && ctix__islower((unsigned char)s[k - 1]))
        return true;
      if (k == 1 && ctix__isupper((unsigned char)s[k]) && ctix__islower((unsigned char)s[0]))
        return true;
      letters += ctix__isalpha((unsigned char)s[k]);
      lower = lower || ctix__islower((unsigned char)s[k]);
    }
  }
  return !lower && letters >= 5;
}

static bool digits_tok(const ex *x, size_t i)
{
  const ctix__tok *t = &x->t[i];
  if (!(t->flags & CTIX__TOK_WORD))
    return false;
  for (size_t k = t->start; k < t->end; k++)
    if (!ctix__isdigit((unsigned char)x->doc->text[k]))
      return false;
  return true;
}

/* The end of the legal form ("S.A.", "GmbH", "Inc.", "Co., Ltd.") that
 * starts at token i, before token s1: past its last word and a dot glued
 * to it; i when none starts there. A form of legalforms.txt written with a
 * leading comma may start with one ("Acme, Inc."). */
static size_t legal_form_at(const ex *x, size_t i, size_t s1)
{
  char key[CTIX__LEGAL_MAX_KEY];
  size_t k = 0, words = 0, best = i, j = i;
  bool comma = j < s1 && tok_is(x, j, ",");
  if (comma)
    j++;
  for (; j < s1 && words < CTIX__LEGAL_MAX_WORDS; j++) {
    const ctix__tok *t = &x->t[j];
    const char *s = x->doc->text + t->start;
    size_t n = tok_len(t);
    if (!(t->flags & CTIX__TOK_WORD)) {
      if (words && n == 1 && (s[0] == '.' || s[0] == ','))
        continue;   /* "Co., Ltd." */
      break;
    }
    if (n > CTIX__LEGAL_MAX_WORD || k + n + 2 > sizeof(key))
      break;
    if (words)
      key[k++] = ' ';
    for (size_t c = 0; c < n; c++)
      if (s[c] != '.')
        key[k++] = s[c];
    words++;
    if (ctix__smap_get(&x->lx->legal_prefixes, key, k) == UINT32_MAX)
      break;
    uint32_t v = ctix__smap_get(&x->lx->legal_forms, key, k);
    if (v != UINT32_MAX && (!comma || (v & CTIX__LEGAL_COMMA))) {
      best = j + 1;
      if (best < s1 && tok_is(x, best, ".") && !(x->t[best].flags & CTIX__TOK_SPACE))
        best++;
    }
  }
  return best;
}

static bool name_tok(const ex *x, size_t i);

/* The first token of the longest legal form that ends with token i and
 * follows a name word ("Acme Corp.", "Acme, Inc.", "Acme Co., Ltd."), no
 * earlier than s0; i + 1 when none. */
static size_t legal_form_ending(const ex *x, size_t i, size_t s0)
{
  size_t found = i + 1, w = i, k = 0;
  char last[CTIX__LEGAL_MAX_WORD + 1];
  /* Only when token i (or the word before its final dot) ends a form. */
  if (!(x->t[w].flags & CTIX__TOK_WORD) && w > s0)
    w--;
  const char *s = x->doc->text + x->t[w].start;
  size_t n = tok_len(&x->t[w]);
  if (n > CTIX__LEGAL_MAX_WORD)
    return found;
  for (size_t c = 0; c < n; c++)
    if (s[c] != '.')
      last[k++] = s[c];
  if (ctix__smap_get(&x->lx->legal_last, last, k) == UINT32_MAX)
    return found;
  for (size_t c = i; c > s0 && c + LEGAL_FORM_MAX_TOKS > i; c--)
    if (legal_form_at(x, c, i + 1) == i + 1 && name_tok(x, c - 1))
      found = c;
  return found;
}

/* ---------------------------------------------------------------- entities */

/* The entity of `kind` keyed by `key` (an id or a lower-cased name),
 * created with `name` if new. Returns its index or UINT32_MAX on ENOMEM. */
static uint32_t ent_get(ex *x, ctix_entity_kind kind, const char *key, const char *name,
                        bool *created)
{
  char buf[MAX_KEY + 16];
  int n = snprintf(buf, sizeof(buf), "%d:%s", (int)kind, key);
  uint32_t idx = (uint32_t)CTIX__BUF_COUNT(&x->ents, ent), old;
  *created = false;
  if (n < 0 || (size_t)n >= sizeof(buf))
    return UINT32_MAX - 1;
  char *k = ctix__arena_strndup(x->arena, buf, (size_t)n);
  if (!k || ctix__smap_put(&x->ent_index, k, (size_t)n, idx, &old))
    return UINT32_MAX;
  if (old != UINT32_MAX)
    return old;
  ent e;
  memset(&e, 0, sizeof(e));
  e.e.kind = kind;
  e.e.name = ctix__arena_strdup(x->arena, name);
  e.e.ref = CTIX_KB_NONE;
  if (!e.e.name || ctix__buf_push(&x->ents, &e, sizeof(e)))
    return UINT32_MAX;
  *created = true;
  return idx;
}

static int add_mention(ex *x, uint32_t e, uint32_t start, uint32_t end, uint32_t sent,
                       const char *alias)
{
  ment m = {e, start, end, sent, alias};
  return ctix__buf_push(&x->ments, &m, sizeof(m)) ? CTIX_ENOMEM : 0;
}

static ctix_entity_kind kb_entity_kind(const ex *x, ctix_kb_ref ref, ctix_kb_kind kind)
{
  if (kind == CTIX_KB_GROUP)
    return CTIX_ENTITY_GROUP;
  if (kind == CTIX_KB_CAMPAIGN)
    return CTIX_ENTITY_CAMPAIGN;
  return (ctix_kb_flags(x->kb, ref) & CTIX_KB_TOOL) ? CTIX_ENTITY_TOOL : CTIX_ENTITY_MALWARE;
}

/* The entity of knowledge-base object `ref`. */
static uint32_t kb_ent(ex *x, ctix_kb_ref ref, ctix_kb_kind kind)
{
  ctix_kb_obj o;
  bool created;
  if (ctix_kb_get(x->kb, ref, &o))
    return UINT32_MAX - 1;
  ctix_entity_kind ek = kb_entity_kind(x, ref, kind);
  uint32_t e = ent_get(x, ek, o.id, o.name, &created);
  if (e < UINT32_MAX - 1 && created) {
    ent *p = ENT(x, e);
    p->e.id = ctix__arena_strdup(x->arena, o.id);
    p->e.stix_id = o.stix_id[0] ? ctix__arena_strdup(x->arena, o.stix_id) : NULL;
    p->e.ref = ref;
    p->e.known = true;
    if (!p->e.id)
      return UINT32_MAX;
  }
  return e;
}

/* The entity of listed tool i (tools.tsv): known, without an ATT&CK id. */
static uint32_t listed_ent(ex *x, uint32_t i)
{
  char key[MAX_KEY];
  bool created;
  const char *name = x->lx->tools[i].name;
  size_t klen = make_key(key, sizeof(key), name, strlen(name));
  if (!klen)
    return UINT32_MAX - 1;
  uint32_t e = ent_get(x, CTIX_ENTITY_TOOL, key, name, &created);
  if (e < UINT32_MAX - 1)
    ENT(x, e)->e.known = true;
  return e;
}

/* The entity a gazetteer entry names. */
static uint32_t gaz_ent(ex *x, const gaz_entry *g)
{
  return g->listed != UINT32_MAX ? listed_ent(x, g->listed) : kb_ent(x, g->ref, g->kind);
}

/* Raises the confidence of entity e and records why, when it is better. */
static void support(ex *x, uint32_t e, float conf, const char *why)
{
  ent *p = ENT(x, e);
  p->accepted = true;
  if (conf > p->best) {
    p->best = conf;
    p->why = why;
  }
}

/* ---------------------------------------------------------------- gazetteer */

/* Adds an alias of knowledge-base object `ref`, or of listed tool `listed`
 * (ref CTIX_KB_NONE), to gazetteer g; `stem`: a short form derived from a
 * group name. A listed tool gives way to any knowledge-base name. */
static int gaz_add(gazetteer *g, const ctix__lexicon *lx, const char *alias, ctix_kb_ref ref,
                   ctix_kb_kind kind, bool stem, uint32_t listed)
{
  char buf[MAX_KEY];
  size_t n = make_key(buf, sizeof(buf), alias, strlen(alias));
  uint32_t idx = (uint32_t)CTIX__BUF_COUNT(&g->entries, gaz_entry), old;
  if (n < 2)
    return 0;
  /* The same object under the same key once. */
  uint32_t e = ctix__smap_get(&g->map, buf, n);
  if (e != UINT32_MAX && listed != UINT32_MAX)
    return 0;
  for (; e != UINT32_MAX; e = CTIX__BUF_AT(&g->entries, gaz_entry, e).next)
    if (CTIX__BUF_AT(&g->entries, gaz_entry, e).ref == ref)
      return 0;
  uint32_t amb = ctix__smap_get(&lx->ambiguous, buf, n);
  /* A short form derived from a name needs the support an ordinary word
   * needs; one that names a place ("Beijing Group") is not used. */
  if (stem && ctix__smap_get(&lx->places, buf, n) != UINT32_MAX)
    return 0;
  char *key = ctix__arena_strndup(&g->arena, buf, n);
  if (!key)
    return CTIX_ENOMEM;
  if (stem && amb == UINT32_MAX)
    amb = CTIX__AMB_WORD;
  if (listed != UINT32_MAX)
    amb = lx->tools[listed].amb;
  gaz_entry ge = {ref,   kind,      amb == UINT32_MAX ? CTIX__AMB_NONE : (ctix__amb)amb,
                  alias, UINT32_MAX, listed};
  if (ctix__smap_put(&g->map, key, n, idx, &old))
    return CTIX_ENOMEM;
  if (old != UINT32_MAX) {
    /* Chain behind the existing head. */
    ge.next = CTIX__BUF_AT(&g->entries, gaz_entry, old).next;
    CTIX__BUF_AT(&g->entries, gaz_entry, old).next = idx;
  }
  /* Its prefixes, so that a scan stops as soon as no name goes on. */
  for (size_t k = 1; k <= n; k++)
    if (ctix__smap_put(&g->prefixes, key, k, 0, NULL))
      return CTIX_ENOMEM;
  return ctix__buf_push(&g->entries, &ge, sizeof(ge)) ? CTIX_ENOMEM : 0;
}

/* Adds the key of `vendor` (when not NULL) and product name p[0..n),
 * trimmed, to g->products. */
static int product_add(gazetteer *g, const char *vendor, const char *p, size_t n)
{
  char key[MAX_KEY];
  size_t kl = 0, pl;
  p = ctix__trim(p, &n);
  if (vendor) {
    if (!(kl = make_key(key, sizeof(key), vendor, strlen(vendor))))
      return 0;
    key[kl++] = ' ';
  }
  if (!(pl = make_key(key + kl, sizeof(key) - kl, p, n)) || (kl += pl) < 2)
    return 0;
  char *k = ctix__arena_strndup(&g->arena, key, kl);
  return !k || ctix__smap_put(&g->products, k, kl, 0, NULL) ? CTIX_ENOMEM : 0;
}

/* Fills g->products with the products of the KEV catalog of kb, alone and
 * after their vendor ("MOVEit Transfer", "Ivanti Connect Secure"); a list
 * of products ("Connect Secure, Policy Secure, and Neurons", "NetScaler
 * ADC and Gateway") gives each item, a part in brackets ("(EPM)") is left
 * out. A victim so named is software, not an organisation. */
static int gaz_products(gazetteer *g, const ctix_kb *kb)
{
  size_t n = ctix_kb_kev_count(kb);
  for (size_t i = 0; i < n; i++) {
    ctix_kb_kev k;
    if (ctix_kb_kev_at(kb, i, &k) || !k.product)
      continue;
    const char *p = k.product;
    while (*p) {
      size_t len = strcspn(p, ",(");
      const char *and = strstr(p, " and ");
      if (and && (size_t)(and - p) < len)
        len = (size_t)(and - p);
      int rc;
      if ((rc = product_add(g, NULL, p, len)) || (k.vendor && (rc = product_add(g, k.vendor, p, len))))
        return rc;
      p += len;
      if (*p == '(') {
        const char *close = strchr(p, ')');
        p = close ? close + 1 : p + strlen(p);
      } else if (*p == ',') {
        p++;
      } else if (*p) {
        p += 5;   /* " and " */
      }
      while (*p == ' ')
        p++;
      if (strncmp(p, "and ", 4) == 0)
        p += 4;
    }
  }
  return 0;
}

/* Suffixes dropped from group names to give the short form people write
 * ("Lazarus" for "Lazarus Group"); scripts/entity-ambiguous.py derives the
 * same forms. */
static const char *const stem_suffixes[] = {" group", " team"};

/* Fills gazetteer g (initialised empty) with the names and aliases of the
 * active groups, software and campaigns of kb, the short forms of group
 * names, the products of its KEV catalog and the listed tools. */
static int gaz_build(gazetteer *g, const ctix_kb *kb, const ctix__lexicon *lx)
{
  static const ctix_kb_kind kinds[] = {CTIX_KB_GROUP, CTIX_KB_SOFTWARE, CTIX_KB_CAMPAIGN};
  for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
    ctix_kb_ref first;
    size_t n = ctix_kb_range(kb, kinds[k], &first);
    for (size_t i = 0; i < n; i++) {
      ctix_kb_ref ref = first + (ctix_kb_ref)i;
      ctix_kb_obj o;
      if (ctix_kb_get(kb, ref, &o) || (o.flags & (CTIX_KB_REVOKED | CTIX_KB_DEPRECATED)))
        continue;
      for (size_t a = 0; a <= o.naliases; a++) {
        const char *al = a == 0 ? o.name : ctix_kb_alias(kb, ref, a - 1);
        if (!al)
          continue;
        if (gaz_add(g, lx, al, ref, kinds[k], false, UINT32_MAX))
          return CTIX_ENOMEM;
        if (kinds[k] != CTIX_KB_GROUP)
          continue;
        size_t len = strlen(al);
        for (size_t s = 0; s < sizeof(stem_suffixes) / sizeof(stem_suffixes[0]); s++) {
          size_t sl = strlen(stem_suffixes[s]);
          if (len > sl + 2 && ctix__mem_ieq(al + len - sl, sl, stem_suffixes[s])) {
            char *stem = ctix__arena_strndup(&g->arena, al, len - sl);
            if (!stem || gaz_add(g, lx, stem, ref, kinds[k], true, UINT32_MAX))
              return CTIX_ENOMEM;
          }
        }
      }
    }
  }
  int rc = gaz_products(g, kb);
  if (rc)
    return rc;
  /* Then the listed tools, under the names ATT&CK does not use. */
  for (uint32_t i = 0; i < (uint32_t)lx->ntools; i++) {
    const ctix__listed_tool *t = &lx->tools[i];
    for (size_t a = 0; a <= t->naliases; a++)
      if (gaz_add(g, lx, a == 0 ? t->name : t->aliases[a - 1], CTIX_KB_NONE, CTIX_KB_SOFTWARE,
                  false, i))
        return CTIX_ENOMEM;
  }
  return g->entries.err;
}

static void gaz_init(gazetteer *g)
{
  memset(g, 0, sizeof(*g));
  ctix__buf_init(&g->entries, (size_t)1 << 28);
  ctix__arena_init(&g->arena, 0);
}

static void gaz_free(gazetteer *g)
{
  ctix__smap_free(&g->map);
  ctix__smap_free(&g->prefixes);
  ctix__smap_free(&g->products);
  ctix__buf_free(&g->entries);
  ctix__arena_free(&g->arena);
}

/* The gazetteer of the default knowledge base, built once. */
static gazetteer default_gz;
static int default_gz_rc;
static pthread_once_t default_gz_once = PTHREAD_ONCE_INIT;

static void default_gz_build(void)
{
  const ctix_kb *kb;
  const ctix__lexicon *lx;
  gaz_init(&default_gz);
  if ((default_gz_rc = ctix_kb_default(&kb, NULL)))
    return;
  if (!(lx = ctix__entity_lexicon(NULL))) {
    default_gz_rc = CTIX_EPARSE;
    return;
  }
  if ((default_gz_rc = gaz_build(&default_gz, kb, lx)))
    gaz_free(&default_gz);
}

/* Appends token i to a key being built (with a space if the text has one). */
static bool key_append(const ex *x, char *key, size_t *klen, size_t i, bool first)
{
  const ctix__tok *t = &x->t[i];
  size_t n = tok_len(t);
  if (*klen + n + 2 >= MAX_KEY)
    return false;
  if (!first && (t->flags & CTIX__TOK_SPACE))
    key[(*klen)++] = ' ';
  memcpy(key + *klen, x->lower + t->start, n);
  *klen += n;
  key[*klen] = '\0';
  return true;
}

/* True when the text of tokens [a, b) is written with capitals where the
 * alias needs them: its first letter, or every letter for an all-capitals
 * alias of up to four letters. */
static bool capitalised(const ex *x, size_t a, size_t b, const char *alias, ctix__amb amb)
{
  const char *s = x->doc->text + x->t[a].start;
  size_t n = x->t[b - 1].end - x->t[a].start, al = strlen(alias);
  if (!ctix__isupper((unsigned char)s[0]) && !ctix__isdigit((unsigned char)s[0]))
    return false;
  if (amb == CTIX__AMB_PHRASE) {
    for (size_t i = a; i < b; i++)
      if ((x->t[i].flags & CTIX__TOK_WORD) && tok_len(&x->t[i]) > 3 &&
          ctix__islower((unsigned char)x->doc->text[x->t[i].start]))
        return false;
  }
  bool caps = al <= 4;
  for (size_t i = 0; i < al && caps; i++)
    caps = !ctix__islower((unsigned char)alias[i]);
  if (caps)
    for (size_t i = 0; i < n; i++)
      if (ctix__islower((unsigned char)s[i]))
        return false;
  return true;
}

/* True when token a of a code block stands where a command starts: first
 * on its line, after a prompt or a shell operator ("$ at 10:00",
 * "C:\\> at", "x | at", "cmd /c at"), not inside log output or an argument
 * ("function at 0x1400"). */
static bool command_position(const ex *x, size_t a)
{
  const char *t = x->doc->text;
  size_t p = x->t[a].start;
  while (p > 0 && (t[p - 1] == ' ' || t[p - 1] == '\t'))
    p--;
  if (p == 0 || (t[p - 1] && strchr("\n$>#|&;(`", t[p - 1])))
    return true;
  /* "cmd /c at", "sh -c at": a switch that takes a command */
  return p != x->t[a].start && p >= 2 && (t[p - 2] == '/' || t[p - 2] == '-') &&
         (t[p - 1] == 'c' || t[p - 1] == 'C' || t[p - 1] == 'k' || t[p - 1] == 'K') &&
         (p == 2 || t[p - 3] == ' ');
}

/* True when a utility named by tokens [a, b) is shown run: where a command
 * starts in a code block, as NAME.exe, or followed by a command-line switch
 * (in prose or code: "certutil -urlcache" inside a quoted command line). */
static bool shown_run(const ex *x, size_t a, size_t b, bool exe)
{
  if (exe)
    return true;
  if ((x->t[a].flags & CTIX__TOK_CODE) && command_position(x, a))
    return true;
  if (b + 1 < x->nt && x->t[b].sent == x->t[a].sent && !(x->t[b].flags & CTIX__TOK_WORD)) {
    char c = x->doc->text[x->t[b].start];
    const ctix__tok *n = &x->t[b + 1];
    /* A switch ("at /every", "net -h"), not a path ("at /usr/bin/x") nor a
     * number ("at -1 s"). */
    bool path = b + 2 < x->nt && !(x->t[b + 2].flags & CTIX__TOK_SPACE) &&
                (x->doc->text[x->t[b + 2].start] == '/' || x->doc->text[x->t[b + 2].start] == '\\');
    if ((c == '/' || c == '-') && (x->t[b].flags & CTIX__TOK_SPACE) &&
        !(n->flags & CTIX__TOK_SPACE) && (n->flags & CTIX__TOK_WORD) &&
        ctix__isalpha((unsigned char)x->doc->text[n->start]) && !path)
      return true;
  }
  return false;
}

/* Accepts or defers one alias match of tokens [a, b). */
static int gaz_hit(ex *x, const gaz_entry *g, size_t a, size_t b, bool exe)
{
  uint32_t e;
  uint32_t start = x->t[a].start, end = x->t[b - 1].end, sent = x->t[a].sent;
  if (exe)
    end -= 4;
  switch (g->amb) {
  case CTIX__AMB_UTILITY:
    if (!shown_run(x, a, b, exe))
      return 0;
    break;
  case CTIX__AMB_PHRASE:
    if (!capitalised(x, a, b, g->alias, g->amb))
      return 0;
    break;
  case CTIX__AMB_WORD:
  case CTIX__AMB_SHORT:
    if (!capitalised(x, a, b, g->alias, g->amb))
      return 0;
    e = gaz_ent(x, g);
    if (e >= UINT32_MAX - 1)
      return e == UINT32_MAX ? CTIX_ENOMEM : 0;
    cand c = {e, (uint32_t)a, start, end, sent, g->alias};
    return ctix__buf_push(&x->cands, &c, sizeof(c)) ? CTIX_ENOMEM : 0;
  default:
    break;
  }
  e = gaz_ent(x, g);
  if (e >= UINT32_MAX - 1)
    return e == UINT32_MAX ? CTIX_ENOMEM : 0;
  x->sent_known[sent] = 1;
  support(x, e, g->amb == CTIX__AMB_UTILITY ? 0.7f : g->listed != UINT32_MAX ? 0.8f : 0.9f,
          g->amb == CTIX__AMB_UTILITY ? "utility shown run"
          : g->listed != UINT32_MAX   ? "listed tool (data/entity/tools.tsv)"
                                      : "ATT&CK name or alias");
  return add_mention(x, e, start, end, sent, g->alias);
}

/* Finds the knowledge-base names of every sentence, longest first. */
static int gaz_scan(ex *x)
{
  char key[MAX_KEY];
  for (size_t s = 0; s < x->ns; s++) {
    size_t s1 = x->sf[s + 1];
    for (size_t i = x->sf[s]; i < s1;) {
      if (!(x->t[i].flags & CTIX__TOK_WORD)) {
        i++;
        continue;
      }
      size_t klen = 0, best = 0;
      uint32_t best_e = UINT32_MAX;
      bool exe = false;
      for (size_t j = i; j < s1 && j < i + MAX_GRAM; j++) {
        if (j > i && (x->t[j].flags & CTIX__TOK_BREAK))
          break;
        if (!key_append(x, key, &klen, j, j == i))
          break;
        if (!(x->t[j].flags & CTIX__TOK_WORD) && x->doc->text[x->t[j].start] != '.')
          continue;
        /* A key that begins no name ends the search after this token. */
        bool more = ctix__smap_get(&x->gz->prefixes, key, klen) != UINT32_MAX;
        uint32_t e = more ? ctix__smap_get(&x->gz->map, key, klen) : UINT32_MAX;
        if (e != UINT32_MAX) {
          best = j + 1;
          best_e = e;
          exe = false;
        } else if (j == i && klen > 4 && memcmp(key + klen - 4, ".exe", 4) == 0 &&
                   (e = ctix__smap_get(&x->gz->map, key, klen - 4)) != UINT32_MAX) {
          best = j + 1;
          best_e = e;
          exe = true;
        }
        if (!more)
          break;
      }
      if (best_e == UINT32_MAX) {
        i++;
        continue;
      }
      for (uint32_t e = best_e; e != UINT32_MAX;
           e = CTIX__BUF_AT(&x->gz->entries, gaz_entry, e).next) {
        gaz_entry g = CTIX__BUF_AT(&x->gz->entries, gaz_entry, e);
        int rc = gaz_hit(x, &g, i, best, exe);
        if (rc)
          return rc;
      }
      i = best;
    }
  }
  return 0;
}

/* Every other place a new name or a victim is written as introduced (same
 * case, whole words) is a mention too. */
static int new_name_mentions(ex *x)
{
  size_t ne = CTIX__BUF_COUNT(&x->ents, ent);
  for (size_t e = 0; e < ne; e++) {
    const ent *p = ENT(x, e);
    if (p->e.known || !p->accepted ||
        (p->e.kind > CTIX_ENTITY_CAMPAIGN && p->e.kind != CTIX_ENTITY_VICTIM))
      continue;
    const char *nm = p->e.name;
    size_t n = strlen(nm);
    for (size_t i = 0; i < x->nt; i++) {
      const ctix__tok *t = &x->t[i];
      if (!(t->flags & CTIX__TOK_WORD) || t->start + n > x->doc->len ||
          memcmp(x->doc->text + t->start, nm, n) != 0)
        continue;
      size_t j = i;
      while (j < x->nt && x->t[j].end < t->start + n && x->t[j].sent == t->sent)
        j++;
      if (j >= x->nt || x->t[j].end != t->start + n)
        continue;
      if (add_mention(x, (uint32_t)e, t->start, x->t[j].end, t->sent, nm))
        return CTIX_ENOMEM;
    }
  }
  return 0;
}

/* Settles the ambiguous aliases: supported by a context word of their kind
 * or an unambiguous ATT&CK entity in the sentence, or by a name rule
 * (which accepted the entity already). */
static int resolve_candidates(ex *x)
{
  size_t n = CTIX__BUF_COUNT(&x->cands, cand);
  /* First the candidates with support in their own sentence. */
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < n; i++) {
      cand c = CTIX__BUF_AT(&x->cands, cand, i);
      ent *p = ENT(x, c.ent);
      ctix_entity_kind k = p->e.kind;
      uint32_t bits = x->sent_ctx[c.sent];
      bool ctx = (bits >> k) & 1u;
      if (k == CTIX_ENTITY_TOOL || k == CTIX_ENTITY_MALWARE)
        ctx = ctx || ((bits >> CTIX_ENTITY_MALWARE) & 1u) || ((bits >> CTIX_ENTITY_TOOL) & 1u);
      if (k == CTIX_ENTITY_CAMPAIGN)
        ctx = ctx || ((bits >> CTIX_ENTITY_GROUP) & 1u);
      bool ok = pass == 0 ? (ctx || x->sent_known[c.sent]) : p->accepted;
      if (!ok || c.tok == UINT32_MAX)
        continue;
      if (pass == 0)
        support(x, c.ent, 0.7f, ctx ? "ordinary-word alias with a context word"
                                    : "ordinary-word alias next to ATT&CK entities");
      if (add_mention(x, c.ent, c.start, c.end, c.sent, c.alias))
        return CTIX_ENOMEM;
      CTIX__BUF_AT(&x->cands, cand, i).tok = UINT32_MAX;
    }
  }
  return 0;
}

/* --------------------------------------------------------------- name rules */

typedef struct cap {
  uint32_t a, b;             /* tokens [a, b) */
} cap;

typedef struct mstate {
  cap caps[MAX_CAPS];
  size_t ncaps;
  size_t s0, s1;             /* the sentence's tokens */
  size_t lo, hi;             /* the tokens [lo, hi) the match covers */
} mstate;

static bool lit_match(const ex *x, size_t i, const ctix__elem *e)
{
  size_t n = tok_len(&x->t[i]);
  const char *s = x->lower + x->t[i].start;
  /* "'s": an "s" glued to the apostrophe before it. */
  if (e->possessive && (!(x->t[i].flags & CTIX__TOK_QUOTE_BEFORE) || (x->t[i].flags & CTIX__TOK_SPACE)))
    return false;
  for (size_t k = 0; k < e->nalts; k++)
    if (strlen(e->alts[k]) == n && memcmp(e->alts[k], s, n) == 0)
      return true;
  return false;
}

/* A short capitalised abbreviation before a dot ("Mr", "St"). */
static bool abbrev_dot(const ex *x, size_t i)
{
  return i + 1 < x->nt && tok_len(&x->t[i]) <= 3 && x->doc->text[x->t[i + 1].start] == '.' &&
         !(x->t[i + 1].flags & CTIX__TOK_SPACE) && tok_len(&x->t[i + 1]) == 1;
}

/* The end of the name starting at token i (i if none). */
static size_t name_fwd(const ex *x, size_t i, size_t s1)
{
  size_t e, ntok = 1;
  if (i >= s1 || !name_tok(x, i))
    return i;
  e = i + 1;
  while (e < s1 && ntok < MAX_NAME_TOKS) {
    const ctix__tok *t = &x->t[e];
    if ((t->flags & CTIX__TOK_QUOTE_BEFORE) || (x->t[e - 1].flags & CTIX__TOK_QUOTE_AFTER))
      break;
    /* A legal form ends the name ("Conpet S.A.", "Acme, Inc.") unless
     * another name word follows ("Energy AG Oberösterreich"). */
    size_t lf = legal_form_at(x, e, s1);
    if (lf > e && (lf >= s1 || !name_tok(x, lf))) {
      e = lf;
      break;
    }
    if (name_tok(x, e) || digits_tok(x, e)) {
      e++;
      ntok++;
    } else if (e + 1 < s1 && tok_is(x, e, "of") && name_tok(x, e + 1)) {
      e += 2;
      ntok += 2;
    } else if (e + 1 < s1 && abbrev_dot(x, e - 1) && name_tok(x, e + 1)) {
      e += 2;
      ntok++;
    } else {
      break;
    }
  }
  return e;
}

/* The start of the name ending with token i (i + 1 if none). */
static size_t name_bwd(const ex *x, size_t i, size_t s0)
{
  size_t a = i, ntok = 1;
  /* "Acme Corp. confirmed", "Grupo Bimbo S.A.B. de C.V. was": the name
   * ends in a legal form, whose words may look like a name. */
  size_t c = legal_form_ending(x, i, s0);
  if (c <= i)
    a = c - 1;
  else if (!name_tok(x, i) && !(digits_tok(x, i) && i > s0 && name_tok(x, i - 1)))
    return i + 1;
  while (a > s0 && ntok < MAX_NAME_TOKS) {
    const ctix__tok *t = &x->t[a];
    if ((t->flags & CTIX__TOK_QUOTE_BEFORE) || (x->t[a - 1].flags & CTIX__TOK_QUOTE_AFTER))
      break;
    if (name_tok(x, a - 1)) {
      a--;
      ntok++;
    } else if (a >= s0 + 2 && tok_is(x, a - 1, "of") && name_tok(x, a - 2)) {
      a -= 2;
      ntok += 2;
    } else if (a >= s0 + 2 && x->doc->text[x->t[a - 1].start] == '.' && abbrev_dot(x, a - 2) &&
               name_tok(x, a - 2)) {
      a -= 2;
      ntok++;
    } else {
      break;
    }
  }
  return a;
}

/* A list separator at token i: ",", "and", "or", "&"; returns the tokens it
 * takes (", and" is two), 0 if none. */
static size_t sep_fwd(const ex *x, size_t i, size_t s1)
{
  if (i >= s1)
    return 0;
  if (tok_is(x, i, ",")) {
    if (i + 1 < s1 && (tok_is(x, i + 1, "and") || tok_is(x, i + 1, "or")))
      return 2;
    return 1;
  }
  if (tok_is(x, i, "and") || tok_is(x, i, "or") || tok_is(x, i, "&"))
    return 1;
  return 0;
}

static bool match_right(ex *x, const ctix__rule *r, size_t ei, size_t pos, mstate *m);
static bool match_left(ex *x, const ctix__rule *r, size_t ei, size_t pos, mstate *m);

/* Captures a list forward from pos; returns its end (pos if none). */
static size_t list_fwd(ex *x, size_t pos, mstate *m)
{
  size_t p = pos, end = pos;
  for (;;) {
    size_t q = p;
    if (q < m->s1 && tok_is(x, q, "the"))
      q++;
    size_t e = name_fwd(x, q, m->s1);
    if (e == q || m->ncaps >= MAX_CAPS)
      break;
    m->caps[m->ncaps++] = (cap){(uint32_t)q, (uint32_t)e};
    end = e;
    /* "DeepSeek (DeepSeek Artificial ... Co., Ltd.), Moonshot AI": the
     * parenthesis after an item is skipped. */
    if (e < m->s1 && tok_is(x, e, "(")) {
      size_t c = e + 1;
      while (c < m->s1 && c < e + 24 && !tok_is(x, c, ")"))
        c++;
      if (c < m->s1 && tok_is(x, c, ")") && sep_fwd(x, c + 1, m->s1))
        e = c + 1;
    }
    size_t sn = sep_fwd(x, e, m->s1);
    if (!sn)
      break;
    p = e + sn;
  }
  return end;
}

/* Captures a list backward ending at pos; returns its first token (pos + 1
 * if none). */
static size_t list_bwd(ex *x, size_t pos, mstate *m)
{
  size_t p = pos, start = pos + 1;
  for (;;) {
    if (p < m->s0 || p == (size_t)-1)
      break;
    if (p != pos && tok_is(x, p, ")")) {
      size_t c = p;
      while (c > m->s0 && c + 24 > p && !tok_is(x, c, "("))
        c--;
      if (!tok_is(x, c, "(") || c == m->s0)
        break;
      p = c - 1;
    }
    size_t a = name_bwd(x, p, m->s0);
    if (a == p + 1 || m->ncaps >= MAX_CAPS)
      break;
    m->caps[m->ncaps++] = (cap){(uint32_t)a, (uint32_t)(p + 1)};
    start = a;
    if (a > m->s0 && tok_is(x, a - 1, "the"))
      a--;
    if (a < m->s0 + 2)
      break;
    size_t q = a - 1;
    if (tok_is(x, q, "and") || tok_is(x, q, "or") || tok_is(x, q, "&")) {
      if (q > m->s0 && tok_is(x, q - 1, ","))
        q--;
    } else if (!tok_is(x, q, ",")) {
      break;
    }
    if (q == m->s0)
      break;
    p = q - 1;
  }
  return start;
}

static size_t place_at(const ex *x, size_t a, size_t s1, uint32_t *place);

static bool match_right(ex *x, const ctix__rule *r, size_t ei, size_t pos, mstate *m)
{
  if (ei == r->nelems) {
    m->hi = pos;
    return true;
  }
  const ctix__elem *e = &r->elems[ei];
  size_t save = m->ncaps;
  switch (e->kind) {
  case CTIX__EL_LIT:
    if (e->negated)
      return !(pos < m->s1 && lit_match(x, pos, e)) && match_right(x, r, ei + 1, pos, m);
    if (pos < m->s1 && lit_match(x, pos, e) && match_right(x, r, ei + 1, pos + 1, m))
      return true;
    break;
  case CTIX__EL_ANY:
    for (size_t k = e->min_words; k <= 3 && pos + k <= m->s1; k++)
      if (match_right(x, r, ei + 1, pos + k, m))
        return true;
    break;
  case CTIX__EL_NAME:
  case CTIX__EL_STRICT_NAME: {
    size_t q = pos < m->s1 && tok_is(x, pos, "the") ? pos + 1 : pos;
    size_t end = name_fwd(x, q, m->s1);
    if (end > q && e->kind == CTIX__EL_STRICT_NAME && !distinctive(x, q, end))
      end = q;
    if (end > q && m->ncaps < MAX_CAPS) {
      m->caps[m->ncaps++] = (cap){(uint32_t)q, (uint32_t)end};
      if (match_right(x, r, ei + 1, end, m))
        return true;
      m->ncaps = save;
    }
    break;
  }
  case CTIX__EL_LIST: {
    size_t end = list_fwd(x, pos, m);
    if (end > pos && match_right(x, r, ei + 1, end, m))
      return true;
    m->ncaps = save;
    break;
  }
  case CTIX__EL_PLACE: {
    uint32_t pl;
    size_t end = pos < m->s1 ? place_at(x, pos, m->s1, &pl) : pos;
    if (end > pos && match_right(x, r, ei + 1, end, m))
      return true;
    break;
  }
  }
  return e->optional && match_right(x, r, ei + 1, pos, m);
}

/* As match_right, reading the elements before the anchor right to left;
 * pos is the token to the left ((size_t)-1 or below s0 when none). */
static bool match_left(ex *x, const ctix__rule *r, size_t ei, size_t pos, mstate *m)
{
  if (ei == (size_t)-1) {
    m->lo = pos + 1;
    return true;
  }
  const ctix__elem *e = &r->elems[ei];
  size_t save = m->ncaps;
  bool have = pos != (size_t)-1 && pos >= m->s0;
  switch (e->kind) {
  case CTIX__EL_LIT:
    if (e->negated)
      return !(have && lit_match(x, pos, e)) && match_left(x, r, ei - 1, pos, m);
    if (have && lit_match(x, pos, e) && match_left(x, r, ei - 1, pos - 1, m))
      return true;
    break;
  case CTIX__EL_ANY:
    for (size_t k = e->min_words; k <= 3; k++) {
      if (k && (pos == (size_t)-1 || pos + 1 < m->s0 + k))
        break;
      if (match_left(x, r, ei - 1, pos - k, m))
        return true;
    }
    break;
  case CTIX__EL_NAME:
  case CTIX__EL_STRICT_NAME:
    if (have) {
      size_t a = name_bwd(x, pos, m->s0);
      if (a <= pos && e->kind == CTIX__EL_STRICT_NAME && !distinctive(x, a, pos + 1))
        a = pos + 1;
      if (a <= pos && m->ncaps < MAX_CAPS) {
        m->caps[m->ncaps++] = (cap){(uint32_t)a, (uint32_t)(pos + 1)};
        if (match_left(x, r, ei - 1, a - 1, m))
          return true;
        m->ncaps = save;
      }
    }
    break;
  case CTIX__EL_LIST:
    if (have) {
      size_t a = list_bwd(x, pos, m);
      if (a <= pos && match_left(x, r, ei - 1, a - 1, m))
        return true;
      m->ncaps = save;
    }
    break;
  case CTIX__EL_PLACE:
    /* The place ending at pos. */
    for (size_t k = 0; have && k < PLACE_MAX_TOKS && pos >= m->s0 + k; k++) {
      uint32_t pl;
      if (place_at(x, pos - k, pos + 1, &pl) == pos + 1 && match_left(x, r, ei - 1, pos - k - 1, m))
        return true;
    }
    break;
  }
  return e->optional && match_left(x, r, ei - 1, pos, m);
}

/* True when the name of tokens [a, b) occurs elsewhere as a name: not as
 * the first word of a sentence and, if `body`, outside headings. */
static bool seen_as_name(const ex *x, size_t a, size_t b, bool body)
{
  const char *s = x->doc->text + x->t[a].start;
  size_t n = x->t[b - 1].end - x->t[a].start;
  for (size_t i = 0; i < x->nt; i++) {
    const ctix__tok *t = &x->t[i];
    if (i == a || x->t[i].start + n > x->doc->len || memcmp(x->doc->text + t->start, s, n) != 0)
      continue;
    if (body && (t->flags & CTIX__TOK_HEADING))
      continue;
    if (!(t->flags & CTIX__TOK_FIRST) || b - a > 1)
      return true;
  }
  return false;
}

/* The place (country, region) whose name starts at token a and is written
 * capitalised; returns its end token (a if none) and its index. */
static size_t place_at(const ex *x, size_t a, size_t s1, uint32_t *place)
{
  char key[MAX_KEY];
  size_t klen = 0, best = a;
  const char *s = x->doc->text + x->t[a].start;
  if (!(x->t[a].flags & CTIX__TOK_WORD) || !ctix__isupper((unsigned char)s[0]))
    return a;
  for (size_t j = a; j < s1 && j < a + 5; j++) {
    if (j > a && (x->t[j].flags & CTIX__TOK_BREAK))
      break;
    if (!key_append(x, key, &klen, j, j == a))
      break;
    if (ctix__smap_get(&x->lx->place_prefixes, key, klen) == UINT32_MAX)
      break;
    uint32_t p = ctix__smap_get(&x->lx->places, key, klen);
    if (p == UINT32_MAX)
      continue;
    /* Short names ("US", "UK", "PRC") only in capitals. */
    size_t n = x->t[j].end - x->t[a].start, letters = 0;
    bool lower = false;
    for (size_t k = 0; k < n; k++) {
      letters += ctix__isalpha((unsigned char)s[k]);
      lower = lower || ctix__islower((unsigned char)s[k]);
    }
    if (letters <= 3 && lower)
      continue;
    best = j + 1;
    *place = p;
  }
  return best;
}

/* The entity kinds a knowledge-base object may stand for under a rule. */
static bool kb_kind_fits(ctix_kb_kind kb, ctix_entity_kind k)
{
  return (kb == CTIX_KB_GROUP && k == CTIX_ENTITY_GROUP) ||
         (kb == CTIX_KB_CAMPAIGN && k == CTIX_ENTITY_CAMPAIGN) ||
         (kb == CTIX_KB_SOFTWARE && (k == CTIX_ENTITY_MALWARE || k == CTIX_ENTITY_TOOL));
}

/* The kind of the entity named just before token `anchor` (within two
 * tokens), or -1. */
static int kind_before(const ex *x, size_t anchor)
{
  size_t n = CTIX__BUF_COUNT(&x->ments, ment);
  uint32_t lo = anchor >= 2 ? x->t[anchor - 2].start : 0, hi = x->t[anchor].start;
  for (size_t i = n; i-- > 0;) {
    const ment *m = &CTIX__BUF_AT(&x->ments, ment, i);
    if (m->end > lo && m->end <= hi) {
      ctix_entity_kind k = CTIX__BUF_AT(&x->ents, ent, m->ent).e.kind;
      if (k <= CTIX_ENTITY_CAMPAIGN)
        return (int)k;
    }
  }
  return -1;
}

/* Records name tokens [a, b) found by rule r as an entity of kind k named
 * `name`; `written`: the name as written with its legal form, or NULL. */
static int add_name_kind(ex *x, const ctix__rule *r, ctix_entity_kind k, size_t a, size_t b,
                         const char *name, size_t nlen, const char *written)
{
  char key[MAX_KEY];
  size_t klen = make_key(key, sizeof(key), name, nlen);
  uint32_t start = x->t[a].start, end = x->t[b - 1].end, sent = x->t[a].sent;
  bool created;
  if (!klen)
    return 0;
  /* A knowledge-base name: the rule supports it. */
  uint32_t g = ctix__smap_get(&x->gz->map, key, klen);
  for (; g != UINT32_MAX; g = CTIX__BUF_AT(&x->gz->entries, gaz_entry, g).next) {
    gaz_entry ge = CTIX__BUF_AT(&x->gz->entries, gaz_entry, g);
    if (!kb_kind_fits(ge.kind, k))
      continue;
    uint32_t e = gaz_ent(x, &ge);
    if (e >= UINT32_MAX - 1)
      return e == UINT32_MAX ? CTIX_ENOMEM : 0;
    support(x, e, 0.85f,
            ge.listed != UINT32_MAX ? "listed tool introduced as such" : "ATT&CK name introduced as such");
    return add_mention(x, e, start, end, sent, ge.alias);
  }
  /* "Conti1": a footnote number glued to a knowledge-base name. */
  if (b - a == 1 && klen > 2 && ctix__isdigit((unsigned char)key[klen - 1])) {
    size_t d = klen - 1;
    while (d > 0 && ctix__isdigit((unsigned char)key[d - 1]) && klen - d < 2)
      d--;
    if (d > 0 && ctix__isalpha((unsigned char)key[d - 1])) {
      for (g = ctix__smap_get(&x->gz->map, key, d); g != UINT32_MAX;
           g = CTIX__BUF_AT(&x->gz->entries, gaz_entry, g).next) {
        gaz_entry ge = CTIX__BUF_AT(&x->gz->entries, gaz_entry, g);
        if (!kb_kind_fits(ge.kind, k))
          continue;
        uint32_t e = gaz_ent(x, &ge);
        if (e >= UINT32_MAX - 1)
          return e == UINT32_MAX ? CTIX_ENOMEM : 0;
        support(x, e, 0.8f, ge.listed != UINT32_MAX ? "listed tool with a footnote mark"
                                                    : "ATT&CK name with a footnote mark");
        return add_mention(x, e, start, start + (uint32_t)d, sent, ge.alias);
      }
    }
  }
  if (!x->new_names && k != CTIX_ENTITY_VICTIM)
    return 0;
  char *nm = ctix__arena_strndup(x->arena, name, nlen);
  if (!nm)
    return CTIX_ENOMEM;
  uint32_t e = ent_get(x, k, key, nm, &created);
  if (e >= UINT32_MAX - 1)
    return e == UINT32_MAX ? CTIX_ENOMEM : 0;
  support(x, e, r->confidence, r->text);
  if (written) {
    ENT(x, e)->org = true;
    if (!(written = ctix__arena_strdup(x->arena, written)))
      return CTIX_ENOMEM;
  }
  return add_mention(x, e, start, end, sent, written ? written : r->text);
}

static bool generic_word(const ex *x, const char *w, size_t n);
static bool word_in(const ctix__smap *m, const char *w, size_t n);

/* True when every word of tokens [a, b) is generic (generic_word). */
static bool generic_words(const ex *x, size_t a, size_t b)
{
  for (size_t i = a; i < b; i++)
    if ((x->t[i].flags & CTIX__TOK_WORD) &&
        !generic_word(x, x->lower + x->t[i].start, tok_len(&x->t[i])))
      return false;
  return true;
}

/* The text of tokens [a, b) as written, white space collapsed, in
 * buf[MAX_NAME_LEN + 1]; its length, 0 when it does not fit. */
static size_t name_text(const ex *x, char *buf, size_t a, size_t b)
{
  size_t nlen = 0;
  for (size_t i = a; i < b; i++) {
    size_t n = tok_len(&x->t[i]);
    if (i > a && (x->t[i].flags & CTIX__TOK_SPACE))
      buf[nlen++] = ' ';
    if (nlen + n >= MAX_NAME_LEN)
      return 0;
    memcpy(buf + nlen, x->doc->text + x->t[i].start, n);
    nlen += n;
  }
  buf[nlen] = '\0';
  return nlen;
}

/* True when token i is a word of the same sentence as token `of` and
 * capitalised as in a title (title_word). */
static bool title_next_to(const ex *x, size_t i, size_t of)
{
  return i < x->nt && x->t[i].sent == x->t[of].sent && title_word(x, i);
}

/* True when every token of [a, b) is a stop word, digits or no word. */
static bool stop_words(const ex *x, size_t a, size_t b)
{
  for (size_t i = a; i < b; i++)
    if (!(tok_in(x, i, &x->lx->stop_trim) || tok_in(x, i, &x->lx->stop_whole) ||
          tok_in(x, i, &x->lx->stop_alone) || marked_stop(x, i, &x->lx->stop_trim) ||
          marked_stop(x, i, &x->lx->stop_whole) || marked_stop(x, i, &x->lx->stop_alone) ||
          digits_tok(x, i) || !(x->t[i].flags & CTIX__TOK_WORD)))
      return false;
  return true;
}

static bool plain_org_key(const ex *x, const char *key, size_t n);

/* True when tokens [a, b) before a legal form alone name no organisation
 * but one with its form does: stop words, a place, generic or sector
 * words, a kind of thing ("Health", "Company", "Romania"); not a name
 * holding a vendor's name ("Cisco" of "Cisco ASA", a firewall), which is
 * no name at all. */
static bool plain_victim_words(const ex *x, size_t a, size_t b)
{
  char name[MAX_NAME_LEN + 1], key[MAX_KEY];
  uint32_t place;
  for (size_t i = a; i < b; i++)
    if (tok_in(x, i, &x->lx->stop_whole) || marked_stop(x, i, &x->lx->stop_whole))
      return false;
  if (stop_words(x, a, b) || place_at(x, a, b, &place) == b)
    return true;
  size_t n = name_text(x, name, a, b);
  size_t kl = n ? make_key(key, sizeof(key), name, n) : 0;
  return kl && plain_org_key(x, key, kl);
}

/* Checks and records one captured name; `listed`: it opens a list item
 * (so its capital says nothing). */
static int add_name(ex *x, const ctix__rule *r, size_t a, size_t b, size_t anchor, bool listed)
{
  char name[MAX_NAME_LEN + 1], written[MAX_NAME_LEN + 1];
  size_t nlen = 0;
  uint32_t place;
  bool victim = r->kind == CTIX_ENTITY_VICTIM;
  /* Tool and victim rules do not read titles, whose capitals say nothing
   * about names ("Leveraged Tools", "Actors Targeting Networking Devices");
   * nor does a victim rule whose name is next to a title word ("Pipeline
   * Operator Conpet Confirms Data Theft"). */
  if ((victim || r->kind == CTIX_ENTITY_TOOL) && title_word(x, anchor))
    return 0;
  if (victim && ((a > 0 && title_next_to(x, a - 1, a)) || title_next_to(x, b, a)))
    return 0;
  /* Trim leading stop words and place adjectives ("the", "Russian"); a
   * victim keeps its place ("Bangladesh Bank", "British Airways") unless
   * only generic words follow ("Israeli Companies"). */
  while (a < b) {
    size_t pe = place_at(x, a, b, &place);
    if (victim && pe > a && !generic_words(x, pe, b))
      pe = a;
    if (pe > a && pe < b)
      a = pe;
    else if (tok_in(x, a, &x->lx->stop_trim) && a + 1 < b)
      a++;
    else
      break;
  }
  if (a >= b || legal_form_at(x, a, b) == b)
    return 0;   /* nothing, or only a legal form ("C.V.") */
  /* A legal form at the end ("Conpet S.A.", "Acme, Inc.", its final dot
   * kept): tokens [form_at, full), found before the trimming below. */
  size_t full = b;
  for (size_t i = a + 1; i < full && b == full; i++)
    if (legal_form_at(x, i, full) == full)
      b = i;
  size_t form_at = b;
  while (b > a && (!(x->t[b - 1].flags & CTIX__TOK_WORD) || tok_in(x, b - 1, &x->lx->stop_trim)))
    b--;
  /* "RayInitiator Cisco ASA": a vendor or generic word ends the name. */
  for (size_t i = a + 1; i < b; i++)
    if (tok_in(x, i, &x->lx->stop_whole)) {
      b = i;
      break;
    }
  if (a >= b || (x->t[a].flags & CTIX__TOK_CODE))
    return 0;
  if (b != form_at)
    full = b;   /* no form right after the name */
  /* A name with a legal form is an organisation: a victim named without
   * the form; no malware, tool, campaign, nor a group (a company behind
   * an actor, "(Shanghai MiniMax Co., Ltd.)", is not the actor's name). */
  if (b < full && (!victim || !name_text(x, written, a, full)))
    return 0;
  /* A victim whose words without the form say nothing ("Health SA",
   * "Company AB", "Water Co."): named with the form as written. */
  if (b < full && plain_victim_words(x, a, b))
    b = full;
  if (stop_words(x, a, b) || place_at(x, a, b, &place) == b)
    return 0;
  /* A lone capitalised word opening a sentence, or a name only in
   * headings, must be seen as a name elsewhere too. */
  bool quoted = (x->t[a].flags & CTIX__TOK_QUOTE_BEFORE) != 0;
  if (b - a == 1 && plain_capital(x, a) && !quoted && !listed && (x->t[a].flags & CTIX__TOK_FIRST) &&
      !seen_as_name(x, a, b, false))
    return 0;
  if ((x->t[a].flags & CTIX__TOK_HEADING) && !seen_as_name(x, a, b, true))
    return 0;
  /* The name as written, white space collapsed. */
  if (!(nlen = name_text(x, name, a, b)))
    return 0;
  const char *form = form_at < full ? written : NULL;
  int k = r->kind;
  if (k == CTIX__RULE_SAME) {
    k = kind_before(x, anchor);
    if (k < 0)
      return 0;
  }
  if (k == CTIX__RULE_GROUP_MALWARE) {
    int rc = add_name_kind(x, r, CTIX_ENTITY_GROUP, a, full, name, nlen, form);
    return rc ? rc : add_name_kind(x, r, CTIX_ENTITY_MALWARE, a, full, name, nlen, form);
  }
  return add_name_kind(x, r, (ctix_entity_kind)k, a, full, name, nlen, form);
}

/* True when a victim rule's match [m->lo, m->hi), or the two words before
 * it, hold an organisation word ([generic]) that one or two words before
 * it make one that reports or carries out attacks ([reporter]: "a
 * security firm", "The cybersecurity firm Mandiant confirmed that it
 * ...", "the ransomware group"): it names no victim. */
static bool reporter_match(const ex *x, const mstate *m)
{
  size_t lo = m->lo >= m->s0 + REPORTER_BEFORE ? m->lo - REPORTER_BEFORE : m->s0;
  for (size_t d = lo; d < m->hi; d++) {
    if (!(x->t[d].flags & CTIX__TOK_WORD) ||
        !word_in(&x->lx->generic_org, x->lower + x->t[d].start, tok_len(&x->t[d])))
      continue;
    for (size_t k = 1; k <= REPORTER_BEFORE && d >= m->s0 + k; k++)
      if (tok_in(x, d - k, &x->lx->reporter))
        return true;
  }
  return false;
}

/* Context flag of the technique mapper's sentence context that says a
 * sentence describes no victim: a notice about the publication itself.
 * Its advice flag ("we recommend", "organizations should" anywhere, an
 * imperative in a list) counts only in a sentence with no targeting or
 * attack word ("The campaign targeted hospitals, and organizations should
 * patch now" keeps its sector). Its mitigation sections ("Incident
 * Response", "Detection", "Protection") and reference sections
 * ("Resources") are not used: they hold attack narratives too; the
 * sections that name no victim are the "context heading" row's. */
#define ASIDE_TTP_FLAGS CTIX__TTP_CTX_PUBLICATION

/* Longest heading word looked up in the "context heading" row. */
#define HEADING_WORD_MAX 32

/* Most words (numbers aside) of a references or mitigations heading. */
#define HEADING_MAX_WORDS 6

/*
 * True when section c's heading IS a references or mitigations heading:
 * every word (numbers skipped) is of the "context heading" or "context
 * headpart" row of patterns.tsv, at least one of the first, and words
 * after "for" are free ("References", "Recommended mitigations",
 * "Mitigations and recommendations", "Recommendations for defenders"; not
 * "Remediation costs after the breach", "Reference case: ...").
 */
static bool aside_heading(const ex *x, const ctix_section *c)
{
  const ctix_document *d = x->doc;
  char w[HEADING_WORD_MAX];
  size_t words = 0;
  bool head = false;
  if (c->heading.end > d->len)
    return false;
  for (size_t i = c->heading.start; i < c->heading.end;) {
    size_t n = 0;
    bool digits = true;
    while (i < c->heading.end && !ctix__isalnum((unsigned char)d->text[i]))
      i++;
    while (i < c->heading.end && ctix__isalnum((unsigned char)d->text[i])) {
      if (n < sizeof(w))
        w[n] = (char)ctix__lower((unsigned char)d->text[i]);
      digits = digits && d->text[i] >= '0' && d->text[i] <= '9';
      n++;
      i++;
    }
    if (!n || digits)
      continue;
    if (n > sizeof(w) || ++words > HEADING_MAX_WORDS)
      return false;
    if (ctix__smap_get(&x->lx->heading, w, n) != UINT32_MAX) {
      head = true;
      continue;
    }
    if (head && n == 3 && memcmp(w, "for", 3) == 0)
      return true;
    if (ctix__smap_get(&x->lx->headpart, w, n) == UINT32_MAX)
      return false;
  }
  return head;
}

/*
 * True when a heading over sentence s (its section's or an enclosing
 * one's, not the document's title: the first section of level 1) is a
 * references or mitigations heading (aside_heading). Walks at most 8
 * levels of sections.
 */
static bool aside_section(const ex *x, uint32_t s)
{
  const ctix_document *d = x->doc;
  if (s >= d->nsentences || d->sentences[s].block >= d->nblocks)
    return false;
  int32_t sec = (int32_t)d->blocks[d->sentences[s].block].section;
  for (int depth = 0; depth < 8 && sec > 0 && (size_t)sec < d->nsections; depth++) {
    const ctix_section *c = &d->sections[sec];
    if (!(sec == 1 && c->level == 1) && aside_heading(x, c))
      return true;
    sec = c->parent;
  }
  return false;
}

/* Tokens from a sentence's start within which advice's "should" counts. */
#define ADVICE_MAX_TOKENS 8

/*
 * True when tokens [a, s1) after advice's "should" hold a clause of their
 * own (from a word of the "context clause" row: "that", "after", ":")
 * with a word of an attack or a targeting ("context incident" and
 * "context victim" rows): "should know that the actors compromised
 * Fabrikam Water", "should brace itself: the attackers breached ...".
 */
static bool attack_clause(const ex *x, size_t a, size_t s1)
{
  bool clause = false;
  for (size_t i = a; i < s1; i++) {
    if (tok_in(x, i, &x->lx->clause))
      clause = true;
    else if (clause && (x->t[i].flags & CTIX__TOK_WORD) &&
             (tok_in(x, i, &x->lx->incident) || tok_in(x, i, &x->lx->context[CTIX_ENTITY_VICTIM])))
      return true;
  }
  return false;
}

/*
 * True when the words of sentence s [s0, s1) have the shape of a notice
 * to the reader: a contact line that starts with "For" and has "inquiries"
 * ("For other energy sector inquiries, contact ..."), an advisory's row
 * that starts with "Intended Audience", or advice whose subject (a word of
 * the "context advice" row of patterns.tsv) stands right before "should"
 * or "shouldn't", not "should have", within the sentence's first
 * ADVICE_MAX_TOKENS tokens ("Organizations in the energy sector should
 * patch", not "..., and organizations should patch now"), unless a word
 * of the "context attacker" row stands before that subject ("Ransomware
 * operators should ...") or a clause after "should" tells an attack
 * (attack_clause: "Administrators should know that attackers compromised
 * Adatum Hospital").
 */
static bool notice_shape(const ex *x, size_t s0, size_t s1)
{
  size_t f = s0, prev = SIZE_MAX, prev2 = SIZE_MAX;
  while (f < s1 && !(x->t[f].flags & CTIX__TOK_WORD))
    f++;
  if (f >= s1)
    return false;
  for (size_t i = f; i < s1; i++) {
    if (!(x->t[i].flags & CTIX__TOK_WORD))
      continue;
    if ((tok_is(x, i, "inquiries") || tok_is(x, i, "inquiry")) && tok_is(x, f, "for"))
      return true;
    if (tok_is(x, i, "audience") && prev == f && tok_is(x, f, "intended"))
      return true;
    if ((tok_is(x, i, "should") || tok_is(x, i, "shouldn") || tok_is(x, i, "shouldn't") ||
         tok_is(x, i, "shouldn\xe2\x80\x99t")) &&
        i - s0 <= ADVICE_MAX_TOKENS && prev != SIZE_MAX && tok_in(x, prev, &x->lx->advice) &&
        !(prev2 != SIZE_MAX && tok_in(x, prev2, &x->lx->attacker))) {
      size_t n = i + 1;
      while (n < s1 && !(x->t[n].flags & CTIX__TOK_WORD))
        n++;
      if ((n >= s1 || !tok_is(x, n, "have")) && !attack_clause(x, i + 1, s1))
        return true;
    }
    prev2 = prev;
    prev = i;
  }
  return false;
}

/*
 * True when sentence s names no victim or victim sector, whatever its
 * words: a word of the "context aside" row of patterns.tsv (a disclaimer's
 * "endorsement"), a notice's shape (notice_shape), a section whose heading
 * names references or mitigations (aside_section), or a sentence the
 * technique mapper's context (data/ttp/context.tsv) reads as a notice to
 * the reader ("Download the PDF version") or as advice that reports no
 * attack. Asked only for sentences with a sector or a
 * victim rule match, and remembered.
 */
static bool sentence_aside(ex *x, uint32_t s)
{
  if (s >= x->ns)
    return false;
  if (!x->sent_aside[s]) {
    unsigned ttp = ctix__ttp_sentence_context(x->doc, s);
    bool told = (x->sent_ctx[s] & ((1u << CTIX_ENTITY_VICTIM) | CTIX__CTX_INCIDENT)) != 0;
    bool aside = (x->sent_ctx[s] & CTIX__CTX_ASIDE) || notice_shape(x, x->sf[s], x->sf[s + 1]) ||
                 aside_section(x, s) || (ttp & ASIDE_TTP_FLAGS) ||
                 ((ttp & CTIX__TTP_CTX_ADVICE) && !told);
    x->sent_aside[s] = aside ? 2 : 1;
  }
  return x->sent_aside[s] == 2;
}

/* Runs the rules anchored at token i; `same` selects the rules that take
 * the kind of the entity before them (run after the others). */
static int rules_at(ex *x, size_t i, size_t s0, size_t s1, bool same)
{
  uint32_t e = ctix__smap_get(&x->lx->anchors, x->lower + x->t[i].start, tok_len(&x->t[i]));
  for (; e != UINT32_MAX; e = x->lx->anchor_next[e]) {
    const ctix__rule *r = &x->lx->rules[x->lx->anchor_rule[e]];
    if ((r->kind == CTIX__RULE_SAME) != same)
      continue;
    if (r->incident && !(x->sent_ctx[x->t[i].sent] & CTIX__CTX_INCIDENT))
      continue;
    /* The look-up matched only the anchor's word: "'s" also needs its
     * apostrophe. */
    if (r->elems[r->anchor].possessive && !lit_match(x, i, &r->elems[r->anchor]))
      continue;
    mstate m;
    m.ncaps = 0;
    m.s0 = s0;
    m.s1 = s1;
    if (!match_right(x, r, r->anchor + 1, i + 1, &m))
      continue;
    if (!match_left(x, r, r->anchor - 1, i - 1, &m))
      continue;
    if (r->kind == CTIX_ENTITY_VICTIM && (reporter_match(x, &m) || sentence_aside(x, x->t[i].sent)))
      continue;
    for (size_t c = 0; c < m.ncaps; c++) {
      int rc = add_name(x, r, m.caps[c].a, m.caps[c].b, i, false);
      if (rc)
        return rc;
    }
  }
  return 0;
}

/* Tracking ids ("Storm-0784", "UNC5691") of the designator table. */
static int designator_at(ex *x, size_t i)
{
  const ctix__tok *t = &x->t[i];
  const char *s = x->doc->text + t->start;
  size_t n = tok_len(t);
  for (size_t d = 0; d < x->lx->ndesignators; d++) {
    const ctix__designator *ds = &x->lx->designators[d];
    size_t pl = strlen(ds->prefix);
    if (n != pl + ds->digits || memcmp(s, ds->prefix, pl) != 0)
      continue;
    bool digits = true;
    for (size_t k = pl; k < n; k++)
      digits = digits && ctix__isdigit((unsigned char)s[k]);
    if (!digits || (pl == 2 && s[0] == 'T' && s[1] == 'A' && s[2] == '0'))
      continue;
    ctix__rule r;
    memset(&r, 0, sizeof(r));
    r.kind = CTIX_ENTITY_GROUP;
    r.confidence = ds->confidence;
    r.text = "tracking id";
    return add_name_kind(x, &r, CTIX_ENTITY_GROUP, i, i + 1, s, n, NULL);
  }
  return 0;
}

/* The names that open the items of a list introduced as malware or
 * groups ("the following Linux malware families:", "group names used for
 * this activity:"): "* RushDrop (ChronosRAT) - initial dropper ...". */
static int list_items_scan(ex *x)
{
  const ctix_document *d = x->doc;
  int kind = -1;
  for (size_t bi = 0; bi < d->nblocks; bi++) {
    const ctix_block *b = &d->blocks[bi];
    if (!b->nsentences || b->first_sentence + b->nsentences > x->ns)
      continue;
    size_t s = b->first_sentence, s0 = x->sf[s], s1 = x->sf[s + 1];
    if (b->kind != CTIX_BLOCK_LIST_ITEM) {
      size_t last = x->sf[s + b->nsentences] ;
      kind = -1;
      if (last > x->sf[s] && tok_is(x, last - 1, ":")) {
        size_t ls = x->sf[s + b->nsentences - 1];
        for (size_t i = ls; i < last && kind < 0; i++) {
          if (tok_in(x, i, &x->lx->listintro[CTIX_ENTITY_MALWARE]))
            kind = CTIX_ENTITY_MALWARE;
          else if (tok_in(x, i, &x->lx->listintro[CTIX_ENTITY_GROUP]))
            kind = CTIX_ENTITY_GROUP;
        }
      }
      continue;
    }
    if (kind < 0 || s0 >= s1)
      continue;
    size_t e = name_fwd(x, s0, s1);
    if (e == s0)
      continue;
    if (e < s1) {
      const char *c = d->text + x->t[e].start;
      bool dash = tok_len(&x->t[e]) == 3 && (unsigned char)c[0] == 0xe2 && (unsigned char)c[1] == 0x80 &&
                  ((unsigned char)c[2] == 0x93 || (unsigned char)c[2] == 0x94);
      bool sep = dash || c[0] == '-' || c[0] == '(' || (c[0] == ':' && distinctive(x, s0, e));
      if (!sep || (x->t[e].flags & CTIX__TOK_WORD))
        continue;
    }
    ctix__rule r;
    memset(&r, 0, sizeof(r));
    r.kind = kind;
    r.confidence = 0.5f;
    r.text = kind == CTIX_ENTITY_MALWARE ? "listed under an introduction of malware"
                                         : "listed under an introduction of groups";
    int rc = add_name(x, &r, s0, e, s0, true);
    if (rc)
      return rc;
  }
  return 0;
}

static int rules_scan(ex *x)
{
  for (int pass = 0; pass < 2; pass++) {
    if (pass == 1 && x->new_names) {
      int rc = list_items_scan(x);
      if (rc)
        return rc;
    }
    for (size_t s = 0; s < x->ns; s++) {
      size_t s0 = x->sf[s], s1 = x->sf[s + 1];
      for (size_t i = s0; i < s1; i++) {
        int rc = rules_at(x, i, s0, s1, pass == 1);
        if (!rc && pass == 0 && x->new_names && (x->t[i].flags & CTIX__TOK_WORD))
          rc = designator_at(x, i);
        if (rc)
          return rc;
      }
    }
  }
  return 0;
}

/* ---------------------------------------------------- sentences and places */

/* Marks the context words of each sentence. */
static void mark_context(ex *x)
{
  for (size_t i = 0; i < x->nt; i++) {
    const ctix__tok *t = &x->t[i];
    if (!(t->flags & CTIX__TOK_WORD))
      continue;
    uint32_t bits = ctix__smap_get(&x->lx->context_any, x->lower + t->start, tok_len(t));
    if (bits != UINT32_MAX)
      x->sent_ctx[t->sent] |= bits;
  }
}

static const char *role_of(const ex *x, uint32_t sent)
{
  return (x->sent_ctx[sent] >> CTIX_ENTITY_VICTIM) & 1u ? "targeted" : "mentioned";
}

/* True when token j is followed by a possessive apostrophe (' or U+2019):
 * "manufacturers' software", "the manufacturer's instructions" (the "s" of
 * "'s" is cut off by the tokenizer, its apostrophe stays in the text). */
static bool possessive_after(const ex *x, size_t j)
{
  size_t e = x->t[j].end;
  const char *t = x->doc->text;
  if (e < x->doc->len && t[e] == '\'')
    return true;
  return e + 2 < x->doc->len && (unsigned char)t[e] == 0xe2 && (unsigned char)t[e + 1] == 0x80 &&
         (unsigned char)t[e + 2] == 0x99;
}

/* Words after a possessive searched for a product ("manufacturers' PLC
 * programming software"). */
#define PRODUCT_MAX_WORDS 3

/* True when token j is a possessive followed, within PRODUCT_MAX_WORDS
 * words, by a word of the "context product" row of patterns.tsv: "the
 * manufacturer's instructions", "manufacturers' PLC programming
 * software", not "the manufacturer's plants". */
static bool product_after(const ex *x, size_t j, size_t s1)
{
  if (!possessive_after(x, j))
    return false;
  size_t words = 0;
  for (size_t n = j + 1; n < s1 && words < PRODUCT_MAX_WORDS; n++) {
    if (!(x->t[n].flags & CTIX__TOK_WORD) || (tok_is(x, n, "s") && words == 0))
      continue;
    if (tok_in(x, n, &x->lx->product))
      return true;
    words++;
  }
  return false;
}

/* Context flags of the technique mapper under which a word of the fourth
 * column of sectors.tsv ("manufacturer") names a vendor to contact or a
 * product's maker, not a victim: advice, a mitigations or a references
 * section. */
#define WEAK_SECTOR_TTP_FLAGS                                                                    \
  (CTIX__TTP_CTX_ADVICE | CTIX__TTP_CTX_MITIGATION | CTIX__TTP_CTX_REFERENCE)

/* Word tokens an appositive may hold before its sector word. */
#define APPOSITIVE_MAX_WORDS 4

/*
 * True when the sector word of tokens [i, j] stands in an appositive: after
 * ", the|a|an" and at most APPOSITIVE_MAX_WORDS words, and before a comma
 * or the sentence's end ("Boeing, the aircraft manufacturer, confirmed",
 * "Johnson Controls, a building automation manufacturer, disclosed").
 */
static bool appositive_at(const ex *x, size_t i, size_t j, size_t s0, size_t s1)
{
  size_t n = j + 1;
  if (n < s1 && !tok_is(x, n, ",") && !tok_is(x, n, "."))
    return false;
  size_t words = 0;
  for (size_t k = i; k > s0 && words <= APPOSITIVE_MAX_WORDS; k--) {
    size_t a = k - 1;
    if (!(x->t[a].flags & CTIX__TOK_WORD))
      return false;
    if ((tok_is(x, a, "the") || tok_is(x, a, "a") || tok_is(x, a, "an")) && a > s0 &&
        tok_is(x, a - 1, ","))
      return true;
    words++;
  }
  return false;
}

/* Countries, regions and sectors of every sentence. */
static int places_scan(ex *x)
{
  char key[MAX_KEY];
  for (size_t s = 0; s < x->ns; s++) {
    size_t s0 = x->sf[s], s1 = x->sf[s + 1];
    for (size_t i = s0; i < s1;) {
      uint32_t p;
      bool created;
      size_t e = place_at(x, i, s1, &p);
      if (e > i) {
        const ctix__place *pl = &x->lx->place_list[p];
        uint32_t en = ent_get(x, CTIX_ENTITY_LOCATION, pl->id, pl->name, &created);
        if (en >= UINT32_MAX - 1)
          return en == UINT32_MAX ? CTIX_ENOMEM : 0;
        if (created)
          ENT(x, en)->e.id = pl->id;
        support(x, en, 0.7f, "country or region name");
        if (add_mention(x, en, x->t[i].start, x->t[e - 1].end, (uint32_t)s, pl->name))
          return CTIX_ENOMEM;
        i = e;
        continue;
      }
      /* Sectors: the longest trigger, exact or by its stem. */
      size_t klen = 0, best = i;
      uint32_t sec = UINT32_MAX;
      /* Only a word that begins like a trigger or a stem. */
      size_t head = tok_len(&x->t[i]) < 3 ? tok_len(&x->t[i]) : 3;
      if ((x->t[i].flags & CTIX__TOK_WORD) &&
          ctix__smap_get(&x->lx->sector_heads, x->lower + x->t[i].start, head) != UINT32_MAX) {
        for (size_t j = i; j < s1 && j < i + 4; j++) {
          if (j > i && (x->t[j].flags & CTIX__TOK_BREAK))
            break;
          if (!key_append(x, key, &klen, j, j == i))
            break;
          uint32_t v = ctix__smap_get(&x->lx->sector_words, key, klen);
          size_t last = tok_len(&x->t[j]);
          for (size_t cut = 1; v == UINT32_MAX && cut + 3 <= last; cut++)
            v = ctix__smap_get(&x->lx->sector_prefixes, key, klen - cut);
          /* "manufacturers" names the sector in "targeting manufacturers"
           * and, in a sentence about an attack, in an appositive ("Boeing,
           * the aircraft manufacturer, confirmed a cyber incident"), but
           * not in advice, a mitigations or a references section ("contact
           * the PLC manufacturer for guidance"); a vendor in "the device manufacturer released a
           * patch" and "the manufacturer's instructions". */
          if (v != UINT32_MAX && (v & CTIX__SECTOR_TARGETED_ONLY))
            v = (((x->sent_ctx[s] >> CTIX_ENTITY_VICTIM) & 1u) ||
                 ((x->sent_ctx[s] & CTIX__CTX_INCIDENT) && appositive_at(x, i, j, s0, s1))) &&
                        !product_after(x, j, s1) &&
                        !(ctix__ttp_sentence_context(x->doc, s) & WEAK_SECTOR_TTP_FLAGS)
                    ? v & ~CTIX__SECTOR_TARGETED_ONLY
                    : UINT32_MAX;
          if (v != UINT32_MAX) {
            best = j + 1;
            sec = v;
          }
        }
      }
      if (sec == UINT32_MAX || sentence_aside(x, (uint32_t)s)) {
        i = sec == UINT32_MAX ? i + 1 : best;
        continue;
      }
      const ctix__sector *sc = &x->lx->sector_list[sec];
      uint32_t en = ent_get(x, CTIX_ENTITY_SECTOR, sc->key, sc->key, &created);
      if (en >= UINT32_MAX - 1)
        return en == UINT32_MAX ? CTIX_ENOMEM : 0;
      if (created)
        ENT(x, en)->e.id = sc->key;
      support(x, en, 0.6f, sc->label);
      if (add_mention(x, en, x->t[i].start, x->t[best - 1].end, (uint32_t)s, sc->label))
        return CTIX_ENOMEM;
      i = best;
    }
  }
  return 0;
}

/* ------------------------------------------------------------------ CVEs */

/* The sentence holding byte offset off, else the nearest one after it. */
static uint32_t sentence_of(const ctix_document *doc, size_t off)
{
  size_t lo = ctix_document_sentence_at(doc, off);
  return (uint32_t)(lo < doc->nsentences ? lo : (doc->nsentences ? doc->nsentences - 1 : 0));
}

static int add_cve(ex *x, const char *id, size_t len, size_t start, size_t end)
{
  char key[32];
  bool created;
  if (len >= sizeof(key))
    return 0;
  for (size_t i = 0; i < len; i++)
    key[i] = (char)ctix__upper((unsigned char)id[i]);
  key[len] = '\0';
  uint32_t e = ent_get(x, CTIX_ENTITY_VULNERABILITY, key, key, &created);
  if (e >= UINT32_MAX - 1)
    return e == UINT32_MAX ? CTIX_ENOMEM : 0;
  ent *p = ENT(x, e);
  if (created) {
    ctix_kb_kev kev;
    p->e.id = p->e.name;
    if (ctix_kb_find_cve(x->kb, key, len, &kev) == 0) {
      p->e.kev = true;
      p->e.kev_date_added = ctix__arena_strdup(x->arena, kev.date_added);
      p->e.kev_due_date = ctix__arena_strdup(x->arena, kev.due_date);
      p->e.kev_ransomware = kev.known_ransomware;
      p->e.vendor = ctix__arena_strdup(x->arena, kev.vendor);
      p->e.product = ctix__arena_strdup(x->arena, kev.product);
      if (!p->e.kev_date_added || !p->e.kev_due_date || !p->e.vendor || !p->e.product)
        return CTIX_ENOMEM;
    }
    p->e.known = p->e.kev;
  }
  support(x, e, p->e.kev ? 1.0f : 0.95f, p->e.kev ? "CVE id in the KEV catalog" : "CVE id");
  /* The alias must outlive this frame: the entity's own (arena) name. */
  return add_mention(x, e, (uint32_t)start, (uint32_t)end, sentence_of(x->doc, start), p->e.name);
}

/* CVE ids of the text, when no IOC list is given. */
static int cve_scan(ex *x)
{
  const char *s = x->doc->text;
  size_t n = x->doc->len;
  for (const char *p = ctix__mem_ifind(s, n, "cve-"); p; p = ctix__mem_ifind(p + 1, n - (size_t)(p + 1 - s), "cve-")) {
    size_t i = (size_t)(p - s), j = i + 4, d = 0;
    if (i > 0 && (ctix__isalnum((unsigned char)s[i - 1]) || s[i - 1] == '-'))
      continue;
    while (j < n && ctix__isdigit((unsigned char)s[j]) && d < 4)
      j++, d++;
    if (d != 4 || j >= n || s[j] != '-')
      continue;
    j++;
    d = 0;
    while (j < n && ctix__isdigit((unsigned char)s[j]) && d < 8)
      j++, d++;
    if (d < 4 || (j < n && ctix__isalnum((unsigned char)s[j])))
      continue;
    int rc = add_cve(x, p, j - i, i, j);
    if (rc)
      return rc;
  }
  return 0;
}

/* CVE ids and ATT&CK group/software/campaign ids of the IOC stage. */
static int ioc_entities(ex *x, const ctix_ioc_list *iocs)
{
  for (size_t h = 0; h < iocs->nhits; h++) {
    const ctix_ioc_hit *hit = &iocs->hits[h];
    if (hit->ioc >= iocs->nitems)
      continue;
    const ctix_ioc *it = &iocs->items[hit->ioc];
    if (it->status != CTIX_IOC_STATUS_IOC || hit->span.end > x->doc->len)
      continue;
    int rc = 0;
    if (it->type == CTIX_IOC_CVE) {
      rc = add_cve(x, it->value, strlen(it->value), hit->span.start, hit->span.end);
    } else if (it->type == CTIX_IOC_ATTACK_GROUP || it->type == CTIX_IOC_ATTACK_SOFTWARE ||
               it->type == CTIX_IOC_ATTACK_CAMPAIGN) {
      ctix_kb_ref ref;
      if (ctix_kb_resolve_id(x->kb, it->value, strlen(it->value), &ref) == 0) {
        ctix_kb_kind kk = ctix_kb_kind_of(x->kb, ref);
        if (kk == CTIX_KB_GROUP || kk == CTIX_KB_SOFTWARE || kk == CTIX_KB_CAMPAIGN) {
          uint32_t e = kb_ent(x, ref, kk);
          if (e == UINT32_MAX)
            return CTIX_ENOMEM;
          if (e != UINT32_MAX - 1) {
            support(x, e, 0.95f, "ATT&CK id");
            rc = add_mention(x, e, (uint32_t)hit->span.start, (uint32_t)hit->span.end,
                             sentence_of(x->doc, hit->span.start), it->value);
          }
        }
      }
    }
    if (rc)
      return rc;
  }
  return 0;
}

/* --------------------------------------------------------------- assembly */

/* True when the word w[0..n) (lower case) is in m, also with a plural "s"
 * taken off. */
static bool word_in(const ctix__smap *m, const char *w, size_t n)
{
  return ctix__smap_get(m, w, n) != UINT32_MAX ||
         (n > 2 && w[n - 1] == 's' && ctix__smap_get(m, w, n - 1) != UINT32_MAX);
}

/* True when the victim key[0..n) ends in a word for a kind of system, asset
 * or sector ("PLCs", "Networking Devices", "OT"): a target that is not an
 * organisation (stopnames.txt [not-victim]). */
static bool not_an_organisation(const ex *x, const char *key, size_t n)
{
  size_t w = n;
  while (w > 0 && key[w - 1] != ' ' && key[w - 1] != '-')
    w--;
  return word_in(&x->lx->not_victim, key + w, n - w);
}

/* True when the lower-case word w[0..n) says nothing about which victim:
 * a kind of thing or organisation ([not-victim], [generic]) or a stop word
 * ("Companies", "the", "Entities"). */
static bool generic_word(const ex *x, const char *w, size_t n)
{
  return word_in(&x->lx->not_victim, w, n) || word_in(&x->lx->generic_org, w, n) ||
         ctix__smap_get(&x->lx->stop_trim, w, n) != UINT32_MAX;
}

/* True when every word of the victim key[0..n) is generic (generic_word)
 * or a place's: "Companies", "Entities", "Eastern European", not
 * "Colonial Pipeline Company". */
static bool generic_key(const ex *x, const char *key, size_t n)
{
  for (size_t a = 0; a < n;) {
    size_t b = a;
    while (b < n && key[b] != ' ')
      b++;
    /* A place's word counts as generic here: "Eastern European" (of
     * "targeting Eastern European banks") is no organisation. */
    if (b > a && !generic_word(x, key + a, b - a) &&
        ctix__smap_get(&x->lx->places, key + a, b - a) == UINT32_MAX)
      return false;
    a = b + 1;
  }
  return true;
}

/* True when a victim's key names a kind of thing, generic organisations
 * or a sector (a sector's word or its id: "education", "water") rather
 * than one organisation. */
static bool plain_org_key(const ex *x, const char *key, size_t n)
{
  if (not_an_organisation(x, key, n) || generic_key(x, key, n) ||
      ctix__smap_get(&x->lx->sector_words, key, n) != UINT32_MAX)
    return true;
  for (size_t i = 0; i < x->lx->nsectors; i++)
    if (strlen(x->lx->sector_list[i].key) == n && memcmp(x->lx->sector_list[i].key, key, n) == 0)
      return true;
  return false;
}

/* Victims that are in fact another entity, a place, a product of the KEV
 * catalog, a sector or a kind of thing go; one written with a legal form
 * is an organisation whatever its words ("Energy Holdings SA"). */
static void drop_false_victims(ex *x)
{
  size_t n = CTIX__BUF_COUNT(&x->ents, ent);
  char key[MAX_KEY];
  for (size_t i = 0; i < n; i++) {
    ent *v = ENT(x, i);
    if (v->e.kind != CTIX_ENTITY_VICTIM || !v->accepted)
      continue;
    size_t kl = make_key(key, sizeof(key), v->e.name, strlen(v->e.name));
    if (!kl || (!v->org && plain_org_key(x, key, kl)) ||
        ctix__smap_get(&x->gz->map, key, kl) != UINT32_MAX ||
        ctix__smap_get(&x->gz->products, key, kl) != UINT32_MAX ||
        ctix__smap_get(&x->lx->places, key, kl) != UINT32_MAX) {
      v->accepted = false;
      continue;
    }
    for (size_t j = 0; j < n; j++) {
      const ent *o = ENT(x, j);
      if (o->accepted && o->e.kind <= CTIX_ENTITY_CAMPAIGN && ctix__mem_ieq(v->e.name, strlen(v->e.name), o->e.name))
        v->accepted = false;
    }
  }
}

/*
 * Whether the text writes the short name name[0..n) followed by a
 * capitalised word other than the one the longer name `full` goes on with
 * ("Acme Insurance" beside victims "Acme" and "Acme Bank"): then the short
 * name may be a sibling company's, and is not merged.
 */
static bool sibling_named(const ex *x, const char *name, size_t n, const char *full)
{
  const char *t = x->doc->text, *end = t + x->doc->len, *p = t;
  const char *next = full + n + 1; /* the longer name's next word */
  size_t nl = strcspn(next, " ");
  while (n && p < end && (p = memchr(p, name[0], (size_t)(end - p))) != NULL) {
    const char *w = p + n;
    if ((size_t)(end - p) < n || memcmp(p, name, n) != 0) {
      p++;
      continue;
    }
    p += n;
    if (w + 1 < end && *w == ' ' && ctix__isupper((unsigned char)w[1])) {
      size_t wl = 0;
      while (w + 1 + wl < end && (ctix__isalnum((unsigned char)w[1 + wl]) || w[1 + wl] == '-'))
        wl++;
      if (wl != nl || memcmp(w + 1, next, nl) != 0)
        return true;
    }
  }
  return false;
}

/* A victim named once in full and elsewhere by its first words ("Nordwind
 * Logistics GmbH confirmed ...", "from Nordwind's network") is one victim:
 * the shorter name's mentions go to the one longer name that starts with
 * it, which is kept (none when two longer names do, or when the text names
 * a sibling: sibling_named). */
static void merge_victim_prefixes(ex *x)
{
  size_t n = CTIX__BUF_COUNT(&x->ents, ent), nm = CTIX__BUF_COUNT(&x->ments, ment);
  for (size_t i = 0; i < n; i++) {
    ent *a = ENT(x, i), *b;
    size_t al, into = SIZE_MAX, found = 0;
    if (a->e.kind != CTIX_ENTITY_VICTIM || !a->accepted)
      continue;
    al = strlen(a->e.name);
    for (size_t j = 0; j < n; j++) {
      const ent *o = ENT(x, j);
      if (j != i && o->e.kind == CTIX_ENTITY_VICTIM && o->accepted && strlen(o->e.name) > al &&
          o->e.name[al] == ' ' && ctix__mem_ieq(o->e.name, al, a->e.name)) {
        into = j;
        found++;
      }
    }
    if (found != 1 || sibling_named(x, a->e.name, al, ENT(x, into)->e.name))
      continue;
    b = ENT(x, into);
    for (size_t k = 0; k < nm; k++) {
      ment *m = &((ment *)(void *)x->ments.data)[k];
      if (m->ent == i)
        m->ent = (uint32_t)into;
    }
    if (a->best > b->best)
      b->best = a->best;
    a->accepted = false;
  }
}

static int cmp_ment_pos(const void *pa, const void *pb)
{
  const ment *a = pa, *b = pb;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  return (a->end < b->end) - (a->end > b->end);
}

/* A knowledge-base alias inside a longer name of another entity ("VIPER"
 * in "LINE VIPER") is part of that name: its mention goes. */
static void drop_inner_mentions(ex *x)
{
  size_t nm = CTIX__BUF_COUNT(&x->ments, ment);
  ment *ms = (ment *)(void *)x->ments.data;
  const ment *cover = NULL;
  if (!nm)
    return;
  qsort(ms, nm, sizeof(ment), cmp_ment_pos);
  for (size_t i = 0; i < nm; i++) {
    ment *m = &ms[i];
    const ent *p = ENT(x, m->ent);
    if (cover && cover->end >= m->end && cover->ent != m->ent &&
        (cover->start < m->start || cover->end > m->end) && p->e.known &&
        p->e.kind <= CTIX_ENTITY_CAMPAIGN &&
        ENT(x, cover->ent)->e.kind <= CTIX_ENTITY_CAMPAIGN && ENT(x, cover->ent)->accepted) {
      m->ent = UINT32_MAX;
      continue;
    }
    if (p->e.kind <= CTIX_ENTITY_CAMPAIGN && p->accepted && (!cover || m->end > cover->end))
      cover = m;
  }
}

static int cmp_ment(const void *pa, const void *pb)
{
  const ment *a = pa, *b = pb;
  if (a->ent != b->ent)
    return a->ent < b->ent ? -1 : 1;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  /* The longest first: of one place found twice, assemble keeps it. */
  return (a->end < b->end) - (a->end > b->end);
}

static int cmp_entity(const void *pa, const void *pb)
{
  const ctix_entity *a = pa, *b = pb;
  if (a->kind != b->kind)
    return a->kind < b->kind ? -1 : 1;
  size_t sa = a->nmentions ? a->mentions[0].start : 0, sb = b->nmentions ? b->mentions[0].start : 0;
  if (sa != sb)
    return sa < sb ? -1 : 1;
  return strcmp(a->name, b->name);
}

static int assemble(ex *x, entity_list_impl *out)
{
  size_t ne = CTIX__BUF_COUNT(&x->ents, ent), nm = CTIX__BUF_COUNT(&x->ments, ment), k = 0;
  ment *ms = (ment *)(void *)x->ments.data;
  if (nm)
    qsort(ms, nm, sizeof(ment), cmp_ment);
  ctix_entity *items = ctix__arena_calloc(&out->arena, ne ? ne : 1, sizeof(ctix_entity));
  ctix_entity_mention *mo = ctix__arena_calloc(&out->arena, nm ? nm : 1, sizeof(*mo));
  if (!items || !mo)
    return CTIX_ENOMEM;
  size_t mi = 0, mcount = 0;
  for (size_t i = 0; i < ne; i++) {
    ent *p = ENT(x, i);
    size_t first = mcount;
    bool targeted = false;
    for (; mi < nm && ms[mi].ent == i; mi++) {
      if (!p->accepted)
        continue;
      if (mcount > first && mo[mcount - 1].start == ms[mi].start)
        continue;   /* the same place found twice */
      mo[mcount].start = ms[mi].start;
      mo[mcount].end = ms[mi].end;
      mo[mcount].sentence = ms[mi].sent;
      mo[mcount].alias = ms[mi].alias;
      targeted = targeted || strcmp(role_of(x, ms[mi].sent), "targeted") == 0;
      mcount++;
    }
    if (!p->accepted || mcount == first)
      continue;
    ctix_entity *e = &items[k++];
    *e = p->e;
    e->mentions = mo + first;
    e->nmentions = mcount - first;
    e->confidence = p->best;
    if (e->nmentions > 1 && !e->known && e->confidence < 0.85f)
      e->confidence += 0.05f;
    e->evidence = p->why;
    if (e->kind == CTIX_ENTITY_GROUP)
      e->role = "named by the source";
    else if (e->kind >= CTIX_ENTITY_VICTIM)
      e->role = targeted ? "targeted" : "mentioned";
  }
  if (k)
    qsort(items, k, sizeof(ctix_entity), cmp_entity);
  out->pub.items = items;
  out->pub.count = k;
  return 0;
}

/* Copies every string the list refers to into its own arena, so the list
 * does not depend on the knowledge base or lexicon outliving it. */
static int own_strings(entity_list_impl *out)
{
  ctix_entity *items = (ctix_entity *)out->pub.items;
  const char **fields[9];
  for (size_t i = 0; i < out->pub.count; i++) {
    ctix_entity *e = &items[i];
    fields[0] = &e->name;
    fields[1] = &e->id;
    fields[2] = &e->stix_id;
    fields[3] = &e->evidence;
    fields[4] = &e->kev_date_added;
    fields[5] = &e->kev_due_date;
    fields[6] = &e->vendor;
    fields[7] = &e->product;
    fields[8] = &e->role;
    for (size_t f = 0; f < 9; f++)
      if (*fields[f] && !(*fields[f] = ctix__arena_strdup(&out->arena, *fields[f])))
        return CTIX_ENOMEM;
    ctix_entity_mention *m = (ctix_entity_mention *)e->mentions;
    for (size_t j = 0; j < e->nmentions; j++)
      if (m[j].alias && !(m[j].alias = ctix__arena_strdup(&out->arena, m[j].alias)))
        return CTIX_ENOMEM;
  }
  return 0;
}

int ctix_entity_extract(ctix_entity_list **out, const ctix_document *doc,
                        const ctix_ioc_list *iocs, const ctix_entity_options *opts,
                        ctix_error *err)
{
  ex x;
  ctix_entity_options defaults;
  ctix_buf toks = CTIX_BUF_INIT((size_t)1 << 31), sf = CTIX_BUF_INIT((size_t)1 << 30);
  entity_list_impl *impl = NULL;
  ctix_arena work;
  gazetteer own_gz;
  int rc = 0;

  memset(&x, 0, sizeof(x));
  gaz_init(&own_gz);
  ctix__arena_init(&work, 0);
  if (!out || !doc) {
    rc = ctix__error_set(err, CTIX_EINVAL, "ctix_entity_extract: no output or document");
    goto done;
  }
  *out = NULL;
  if (!opts) {
    ctix_entity_options_init(&defaults);
    opts = &defaults;
  }
  if (doc->len > UINT32_MAX - 1) {
    rc = ctix__error_set(err, CTIX_ETOOBIG, "entities: the text is larger than 4 GiB");
    goto done;
  }
  x.doc = doc;
  x.new_names = opts->new_names;
  x.kb = opts->kb;
  if (!x.kb && (rc = ctix_kb_default(&x.kb, err)))
    goto done;
  if (!(x.lx = ctix__entity_lexicon(err))) {
    rc = err && err->code ? err->code : CTIX_EPARSE;
    goto done;
  }
  x.arena = &work;
  if (ctix__kb_is_default(x.kb))
    /* The default knowledge base's names, built by the first call. */
    pthread_once(&default_gz_once, default_gz_build);
  if (ctix__kb_is_default(x.kb) && !default_gz_rc) {
    x.gz = &default_gz;
  } else {
    /* Another knowledge base, or the shared build failed: this call's own. */
    if ((rc = gaz_build(&own_gz, x.kb, x.lx)))
      goto fail;
    x.gz = &own_gz;
  }
  ctix__buf_init(&x.ents, (size_t)1 << 30);
  ctix__buf_init(&x.ments, (size_t)1 << 30);
  ctix__buf_init(&x.cands, (size_t)1 << 30);
  char *lower = ctix__arena_alloc(&work, doc->len + 1);
  if (!lower)
    goto oom;
  for (size_t i = 0; i < doc->len; i++)
    lower[i] = (char)ctix__lower((unsigned char)doc->text[i]);
  lower[doc->len] = '\0';
  x.lower = lower;
  if ((rc = ctix__entity_tokenize(&toks, &sf, doc)))
    goto fail;
  x.t = (const ctix__tok *)(void *)toks.data;
  x.nt = CTIX__BUF_COUNT(&toks, ctix__tok);
  x.sf = (const uint32_t *)(void *)sf.data;
  x.ns = doc->nsentences;
  x.sent_ctx = ctix__arena_calloc(&work, x.ns + 1, sizeof(uint32_t));
  x.sent_known = ctix__arena_calloc(&work, x.ns + 1, 1);
  x.sent_aside = ctix__arena_calloc(&work, x.ns + 1, 1);
  if (!x.sent_ctx || !x.sent_known || !x.sent_aside)
    goto oom;
  mark_context(&x);
  if ((rc = gaz_scan(&x)) || (rc = rules_scan(&x)) ||
      (rc = resolve_candidates(&x)) || (rc = new_name_mentions(&x)) || (rc = places_scan(&x)))
    goto fail;
  rc = iocs ? ioc_entities(&x, iocs) : cve_scan(&x);
  if (rc)
    goto fail;
  drop_false_victims(&x);
  merge_victim_prefixes(&x);
  drop_inner_mentions(&x);
  if (x.ents.err || x.ments.err)
    goto oom;
  impl = calloc(1, sizeof(*impl));
  if (!impl)
    goto oom;
  ctix__arena_init(&impl->arena, 0);
  if ((rc = assemble(&x, impl)) || (rc = own_strings(impl)))
    goto fail;
  *out = &impl->pub;
  impl = NULL;
  goto done;
oom:
  rc = CTIX_ENOMEM;
fail:
  if (rc == CTIX_ENOMEM || rc == CTIX_ETOOBIG)
    ctix__error_set(err, rc, "entities: out of memory");
done:
  if (impl)
    ctix_entity_list_free(&impl->pub);
  gaz_free(&own_gz);
  ctix__smap_free(&x.ent_index);
  ctix__buf_free(&x.ents);
  ctix__buf_free(&x.ments);
  ctix__buf_free(&x.cands);
  ctix__buf_free(&toks);
  ctix__buf_free(&sf);
  ctix__arena_free(&work);
  return rc;
}
