/*
 * Technique mapping (include/ctix/ttp.h): the fusion of the model's
 * sentence scores with the rule signals (ids, names, lexicon cues) and the
 * sentence context, then the document decision.
 *
 * Every sentence gets the linear model's score for every technique (a
 * margin: > 0 leans positive). Sentences in reference or mitigation
 * sections are not attack descriptions and are skipped; in lists that
 * only enumerate ATT&CK ids and names only the literal ids count;
 * negated, hypothetical and advice sentences count (less by
 * potential_pen) but can only make a technique `potential`.
 *
 * A technique's document score is the mean of its best `topk` sentence
 * scores (the best one for short texts) plus the weighted strongest
 * lexicon cue, technique-name hit and literal id of the document. It is
 * compared with a threshold that rises with the logarithm of the number
 * of sentences (long reports mention more techniques in passing). A
 * family (a technique and its sub-techniques) is accepted when its best
 * member passes; inside it each sub-technique within sub_margin of the
 * threshold is reported, else the parent, with the closest sibling as
 * runner-up. Confidence is a logistic function of the distance to the
 * threshold (0.5 at the threshold). Everything is ordered by index or id:
 * the output is deterministic. Parameters: model.h, docs/ttp.md.
 *
 * ctix__ttp_map_trace also writes the inputs of the decision (every
 * sentence's class scores and context, the rule hits, the threshold) as
 * text, for replaying decision experiments outside ctix.
 *
 * On request (options.implied) the techniques that the software, groups
 * and campaigns named in the text are known to use follow, as `implied`
 * findings of low confidence in families the text did not report
 * (Enterprise techniques only).
 *
 * Mobile and ICS techniques enter through their explicit ids only (the
 * model, cues and names are Enterprise): an id makes a rule-only slot,
 * whose id sentences take as model score the one a lone Enterprise id's
 * sentence typically gets (FOREIGN_ID_Z), under the same context rules as
 * an Enterprise id. Such a family is reported whatever the text's length
 * (the model cannot confirm it, and the author's id is its only sign),
 * with the confidence of that score: no higher than an Enterprise id with
 * nothing else behind it. The hit carries its domain.
 */
#include <math.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "ctix/entity.h"
#include "ttp/features.h"
#include "ttp/model.h"
#include "ttp/signals.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/json.h"
#include "util/str.h"
#include "util/utf8.h"

/*
 * Model score given to the sentence of an explicit Mobile or ICS id: the
 * model, trained on Enterprise, has no opinion there, so the id's cell
 * takes what the model gives the id's own technique at a sentence with a
 * lone literal Enterprise id: the median, floored at z_floor, of 247 such
 * sentences of tram2-docs, annoctr and the dev articles (docs/ttp.md).
 * The neutral margin 0 would be a strong yes: 27% of them reach it.
 */
#define FOREIGN_ID_Z (-0.54f)
/* Model cells further than this below the reach of the threshold are dropped. */
#define KEEP_MARGIN 0.25f
/* Sentences below this confidence are not shown as evidence (the best one always is). */
#define EVIDENCE_MIN 0.3f
/* Model features shown as evidence per sentence. */
#define WHY_FEATURES 3
#define MAX_WHY 8

typedef struct list_priv {
  ctix_ttp_list pub;       /* first: the caller's pointer */
  ctix_arena arena;
} list_priv;

/* One (sentence, technique slot): what each signal said there. */
typedef struct cell {
  uint32_t sent;
  uint32_t slot;
  float z;                 /* model score (potential_pen applied); z_floor when absent */
  float cue, name;         /* strongest cue / name weight in the sentence, 0 if none */
  unsigned signals;
  unsigned potential;      /* the sentence's context is not a plain assertion */
  bool id;                 /* a literal id */
} cell;

/* A technique slot: a model class or a technique only the rules named. */
typedef struct slot {
  ctix_kb_ref ref;
  char id[12];
  int32_t family;          /* slot of the parent technique (itself for a parent) */
  float score;             /* document score */
  bool chosen;
  bool foreign;            /* a Mobile or ICS technique (outside the model's domain) */
  bool written;            /* its id (or a sub-technique's) in a sentence that counts */
  bool stated;             /* its own id in a plain assertion that is no id table */
  bool fam_stated;         /* its own id or a sub-technique's stated so */
} slot;

void ctix_ttp_options_init(ctix_ttp_options *opts)
{
  memset(opts, 0, sizeof(*opts));
  opts->max_evidence = 3;
}

const char *ctix_ttp_status_name(ctix_ttp_status status)
{
  switch (status) {
  case CTIX_TTP_OBSERVED: return "observed";
  case CTIX_TTP_POTENTIAL: return "potential";
  case CTIX_TTP_IMPLIED: return "implied";
  }
  return "unknown";
}

void ctix_ttp_list_free(ctix_ttp_list *list)
{
  list_priv *lp = (list_priv *)list;
  if (!lp)
    return;
  ctix__arena_free(&lp->arena);
  free(lp);
}

static inline float sigmoid(float z) { return 1.0f / (1.0f + expf(-z)); }

/* Mapping state of one document. */
typedef struct mapper {
  const ctix_document *doc;
  const ctix_ttp_model *m;
  const ctix__ttp_params *pr;
  const ctix_kb *kb;
  const ctix_ttp_options *opts;
  ctix_buf slots;          /* slot */
  ctix_buf cells;          /* cell */
  ctix_buf hits;           /* ctix__ttp_cue_hit over the whole text */
  unsigned *ctx;           /* context flags per sentence */
  size_t nusable;          /* sentences that are not reference/mitigation */
  float thr;               /* the document threshold */
  ctix_buf bonus;          /* float per slot: weighted strongest cue + name + id */
  ctix_buf *trace;         /* decision trace (ctix__ttp_map_trace), or NULL */
  int32_t *memo;           /* slot_of's answers by ref - tech0 (-1: not yet), or NULL */
  ctix_kb_ref tech0;       /* the knowledge base's techniques are refs [tech0, tech0 + ntech) */
  size_t ntech;
  list_priv *out;
  ctix_error *err;
} mapper;

static int32_t find_slot(mapper *mp, ctix_kb_ref ref);

/*
 * Slot of technique `ref`, created on first use; -1 if out of memory. A
 * ref's slot never changes once found, so the answers are kept in an
 * array over the knowledge base's techniques (the search compares ids).
 */
static int32_t slot_of(mapper *mp, ctix_kb_ref ref)
{
  size_t i = (size_t)ref - mp->tech0, k;
  if (ref == CTIX_KB_NONE || ref < mp->tech0 || i >= mp->ntech)
    return find_slot(mp, ref);
  if (!mp->memo && (mp->memo = malloc(mp->ntech * sizeof(int32_t))))
    for (k = 0; k < mp->ntech; k++)
      mp->memo[k] = -1;
  if (!mp->memo) /* no memo: still the right answer */
    return find_slot(mp, ref);
  if (mp->memo[i] < 0)
    mp->memo[i] = find_slot(mp, ref);
  return mp->memo[i];
}

/* slot_of without the table. */
static int32_t find_slot(mapper *mp, ctix_kb_ref ref)
{
  size_t n = CTIX__BUF_COUNT(&mp->slots, slot), i;
  slot s;
  ctix_kb_obj o;
  for (i = mp->m->nclasses; i < n; i++)
    if (CTIX__BUF_AT(&mp->slots, slot, i).ref == ref)
      return (int32_t)i;
  {
    int32_t c = ctix__ttp_model_class(mp->m, ctix_kb_id(mp->kb, ref));
    if (c >= 0 && (size_t)c < n)
      return c;
  }
  memset(&s, 0, sizeof(s));
  s.ref = ref;
  ctix__strlcpy(s.id, ctix_kb_id(mp->kb, ref), sizeof(s.id));
  s.family = -1;
  s.foreign = ref != CTIX_KB_NONE && ctix_kb_get(mp->kb, ref, &o) == 0 &&
              !(o.domains & CTIX_KB_ENTERPRISE);
  if (ctix__buf_push(&mp->slots, &s, sizeof(s)))
    return -1;
  return (int32_t)n;
}

/* The model's classes become the first slots (resolved in the KB). */
static int init_slots(mapper *mp)
{
  uint32_t c;
  for (c = 0; c < mp->m->nclasses; c++) {
    slot s;
    memset(&s, 0, sizeof(s));
    memcpy(s.id, mp->m->ids[c], 12);
    if (ctix_kb_resolve_id(mp->kb, s.id, strlen(s.id), &s.ref))
      s.ref = CTIX_KB_NONE;
    s.family = -1;
    ctix__buf_push(&mp->slots, &s, sizeof(s));
  }
  return mp->slots.err;
}

/* Sentence holding byte `off`, or SIZE_MAX. */
static size_t sentence_at(const ctix_document *doc, size_t off)
{
  size_t lo = ctix_document_sentence_at(doc, off);
  if (lo < doc->nsentences && doc->sentences[lo].span.start <= off)
    return lo;
  return SIZE_MAX;
}

static int cmp_cell(const void *a, const void *b)
{
  const cell *x = a, *y = b;
  if (x->slot != y->slot)
    return x->slot < y->slot ? -1 : 1;
  if (x->sent != y->sent)
    return x->sent < y->sent ? -1 : 1;
  return 0;
}

/* Whether a sentence is an attack description at all (not references,
 * mitigations, nor the publication's own notices to its reader). */
static bool usable(unsigned ctx)
{
  return !(ctx & (CTIX__TTP_CTX_REFERENCE | CTIX__TTP_CTX_MITIGATION | CTIX__TTP_CTX_PUBLICATION));
}

static bool is_potential(unsigned ctx)
{
  return (ctx & (CTIX__TTP_CTX_NEGATED | CTIX__TTP_CTX_HYPOTHETICAL | CTIX__TTP_CTX_ADVICE)) != 0;
}

/* Lowest confidence of a technique whose id the author states (the threshold's). */
#define STATED_CONF 0.5f

/* Longest bracket examined around a stated id, in bytes. */
#define STATED_BRACKET_MAX 256u

/*
 * Whether text[i..j) holds only ATT&CK ids (T1234, T1234.001, TA0001,
 * T0801) and separators (white space, ',', ';', '|', '&', "and"), at
 * least one id.
 */
static bool only_ids(const char *t, size_t i, size_t j)
{
  size_t ids = 0;
  while (i < j) {
    unsigned char c = (unsigned char)t[i];
    if (ctix__isspace(c) || c == ',' || c == ';' || c == '|' || c == '&') {
      i++;
    } else if (c == 'T' || c == 't') {
      size_t k = i + 1, d = 0;
      if (k < j && (t[k] == 'A' || t[k] == 'a'))
        k++;
      while (k < j && ctix__isdigit((unsigned char)t[k]) && d < 5)
        k++, d++;
      if (d != 4)
        return false;
      if (k < j && t[k] == '.') {
        for (d = 0, k++; k < j && ctix__isdigit((unsigned char)t[k]) && d < 4; k++)
          d++;
        if (d != 3)
          return false;
      }
      if (k < j && ctix__isalnum((unsigned char)t[k]))
        return false;
      ids++;
      i = k;
    } else if (j - i >= 3 && ctix__mem_ieq(t + i, 3, "and") &&
               (j - i == 3 || !ctix__isalnum((unsigned char)t[i + 3]))) {
      i += 3;
    } else {
      return false;
    }
  }
  return ids > 0;
}

/*
 * Whether the id at text[start..end) sits in brackets or parentheses of
 * its sentence span [s0, s1) that hold only ATT&CK ids and separators:
 * the advisories' convention for the author's own mapping ("... deleted
 * the access logs [T1070.001]", "(T1059.001)", "[T1584.008,T1190]").
 * An id in running prose ("see also T1021.001", "a 2022 report ... relied
 * on T1566.001"), in a URL or a path ("/techniques/T1003/001/",
 * "C:\ProgramData\T1105\") or in a product name is no such statement.
 */
static bool bracketed_id(const char *t, size_t s0, size_t s1, size_t start, size_t end)
{
  size_t a = start, b = end;
  char close;
  if (start > s0 && (t[start - 1] == '/' || t[start - 1] == '\\'))
    return false;
  while (a > s0 && start - a < STATED_BRACKET_MAX && t[a - 1] != '[' && t[a - 1] != '(' &&
         t[a - 1] != ']' && t[a - 1] != ')')
    a--;
  if (a <= s0 || (t[a - 1] != '[' && t[a - 1] != '('))
    return false;
  close = t[a - 1] == '[' ? ']' : ')';
  while (b < s1 && b - end < STATED_BRACKET_MAX && t[b] != close && t[b] != '[' && t[b] != '(' &&
         t[b] != ']' && t[b] != ')')
    b++;
  if (b >= s1 || t[b] != close)
    return false;
  return only_ids(t, a, b);
}

/*
 * Whether the id at text[start..end) fills a table cell of its sentence
 * span [s0, s1) with only ids: the vendors' ATT&CK tables ("| Defense
 * Evasion | T1562 | Impair Defenses | The loader stops the antivirus
 * service |"), also when the reader did not take the lines for a table
 * (then both '|' must be there; in a table row, `row`, the row's ends
 * count as cell ends). Rows that only enumerate ids are id tables,
 * excluded before.
 */
static bool cell_id(const char *t, size_t s0, size_t s1, size_t start, size_t end, bool row)
{
  size_t a = start, b = end;
  while (a > s0 && start - a < STATED_BRACKET_MAX && t[a - 1] != '|')
    a--;
  while (b < s1 && b - end < STATED_BRACKET_MAX && t[b] != '|')
    b++;
  if (a > s0 ? t[a - 1] != '|' : !row)
    return false;
  if (b < s1 ? t[b] != '|' : !row)
    return false;
  return only_ids(t, a, b);
}

/*
 * Whether the literal id hit h in sentence si is the author's own
 * statement that the technique was used: a plain assertion ("... deleted
 * the access logs [T1070.001]"), not negated, hypothetical, advice or a
 * contrast or question, not a row of a table or list that only enumerates
 * ids, not in a code block, and the id in brackets that hold only ids or
 * alone in a table cell.
 */
static bool states_id(const mapper *mp, size_t si, const ctix__ttp_cue_hit *h)
{
  const ctix_document *doc = mp->doc;
  const ctix_sentence *st = &doc->sentences[si];
  unsigned ctx = mp->ctx[si];
  if (!usable(ctx) || is_potential(ctx) ||
      (ctx & (CTIX__TTP_CTX_ID_TABLE | CTIX__TTP_CTX_CONTRAST)))
    return false;
  if (st->block < doc->nblocks && doc->blocks[st->block].kind == CTIX_BLOCK_CODE)
    return false;
  if (st->span.end > doc->len || h->start < st->span.start || h->end > st->span.end)
    return false;
  if (cell_id(doc->text, st->span.start, st->span.end, h->start, h->end,
              st->block < doc->nblocks && doc->blocks[st->block].kind == CTIX_BLOCK_TABLE_ROW))
    return true;
  return bracketed_id(doc->text, st->span.start, st->span.end, h->start, h->end);
}

static int link_families(mapper *mp);

/*
 * Counts the usable sentences, sets the threshold, creates the slots of
 * techniques only the rules named (and their parents), and computes each
 * slot's rule bonus, the document-level part of its score: the weighted
 * strongest cue, name and id. A parent also takes the strongest bonus of
 * its sub-techniques ("dumped LSASS" is evidence of OS Credential Dumping).
 */
static int prepare(mapper *mp)
{
  const ctix__ttp_params *pr = mp->pr;
  size_t nh = CTIX__BUF_COUNT(&mp->hits, ctix__ttp_cue_hit), i, ns;
  float *cue, *name, *bonus;
  bool *id;
  int rc = 0;
  for (i = 0; i < mp->doc->nsentences; i++)
    mp->nusable += usable(mp->ctx[i]);
  mp->thr = pr->thr0 + pr->thr1 * logf((float)(mp->nusable > 1 ? mp->nusable : 1));
  for (i = 0; i < nh; i++)
    if (slot_of(mp, CTIX__BUF_AT(&mp->hits, ctix__ttp_cue_hit, i).technique) < 0)
      return CTIX_ENOMEM;
  if (link_families(mp))
    return CTIX_ENOMEM;
  ns = CTIX__BUF_COUNT(&mp->slots, slot);
  cue = calloc(ns + 1, sizeof(float));
  name = calloc(ns + 1, sizeof(float));
  id = calloc(ns + 1, sizeof(bool));
  if (!cue || !name || !id || ctix__buf_grow(&mp->bonus, (ns + 1) * sizeof(float))) {
    rc = CTIX_ENOMEM;
    goto done;
  }
  for (i = 0; i < nh; i++) {
    const ctix__ttp_cue_hit *h = &CTIX__BUF_AT(&mp->hits, ctix__ttp_cue_hit, i);
    size_t s = sentence_at(mp->doc, h->start);
    int32_t sl = slot_of(mp, h->technique);
    if (s == SIZE_MAX || !usable(mp->ctx[s]) || sl < 0)
      continue;
    if (h->kind == CTIX_TTP_SIG_ID ? mp->opts->ignore_explicit_ids
                                   : (mp->ctx[s] & CTIX__TTP_CTX_ID_TABLE) != 0)
      continue;
    if (h->kind == CTIX_TTP_SIG_CUE)
      cue[sl] = h->weight > cue[sl] ? h->weight : cue[sl];
    else if (h->kind == CTIX_TTP_SIG_NAME)
      name[sl] = h->weight > name[sl] ? h->weight : name[sl];
    else {
      id[sl] = true;
      if (states_id(mp, s, h))
        CTIX__BUF_AT(&mp->slots, slot, sl).stated = true;
    }
  }
  bonus = (float *)(void *)mp->bonus.data;
  for (i = 0; i < ns; i++)
    bonus[i] = pr->cue_w * cue[i] + pr->name_w * name[i] + (id[i] ? pr->id_w : 0.0f);
  for (i = 0; i < ns; i++) {
    int32_t f = CTIX__BUF_AT(&mp->slots, slot, i).family;
    if (f >= 0 && (size_t)f != i && bonus[i] > bonus[f])
      bonus[f] = bonus[i];
    if (id[i]) {
      CTIX__BUF_AT(&mp->slots, slot, i).written = true;
      if (f >= 0)
        CTIX__BUF_AT(&mp->slots, slot, f).written = true;
    }
    if (CTIX__BUF_AT(&mp->slots, slot, i).stated) {
      CTIX__BUF_AT(&mp->slots, slot, i).fam_stated = true;
      if (f >= 0)
        CTIX__BUF_AT(&mp->slots, slot, f).fam_stated = true;
    }
  }
  mp->bonus.len = ns * sizeof(float);
done:
  free(cue);
  free(name);
  free(id);
  return rc;
}

/*
 * Bit c of keep (64 classes a word) is set for the classes whose score
 * z[c] less pen is above z_floor and within reach once bonus[c] is added:
 * the cells worth keeping. keep has (n + 63) / 64 words, zeroed; classes
 * from `from` on are looked at.
 */
static void keep_plain(uint64_t *keep, const float *z, const float *bonus, uint32_t n, float pen,
                       float z_floor, float reach, uint32_t from)
{
  uint32_t c;
  for (c = from; c < n; c++) {
    float zc = z[c] - pen;
    if (!(zc <= z_floor || zc + bonus[c] < reach))
      keep[c / 64] |= (uint64_t)1 << (c % 64);
  }
}

#if defined(__x86_64__) && defined(__GNUC__)
/* keep_plain eight classes at a time (AVX2): the same float operations. */
__attribute__((target("avx2"))) static void keep_avx2(uint64_t *keep, const float *z,
                                                      const float *bonus, uint32_t n, float pen,
                                                      float z_floor, float reach)
{
  const __m256 vpen = _mm256_set1_ps(pen), vfloor = _mm256_set1_ps(z_floor),
               vreach = _mm256_set1_ps(reach);
  uint32_t c;
  for (c = 0; c + 8 <= n; c += 8) {
    __m256 zc = _mm256_sub_ps(_mm256_loadu_ps(z + c), vpen);
    __m256 ok = _mm256_and_ps(_mm256_cmp_ps(zc, vfloor, _CMP_NLE_UQ),
                              _mm256_cmp_ps(_mm256_add_ps(zc, _mm256_loadu_ps(bonus + c)), vreach,
                                            _CMP_NLT_UQ));
    keep[c / 64] |= (uint64_t)(unsigned)_mm256_movemask_ps(ok) << (c % 64);
  }
  keep_plain(keep, z, bonus, n, pen, z_floor, reach, c);
}
#endif

/* Appends the model cell of (sentence i, class c). Returns 0 or CTIX_ENOMEM. */
static int push_cell(mapper *mp, uint32_t i, uint32_t c, const float *z, float pen)
{
  cell ce;
  memset(&ce, 0, sizeof(ce));
  ce.sent = i;
  ce.slot = c;
  ce.z = z[c] - pen;
  ce.signals = CTIX_TTP_SIG_MODEL;
  ce.potential = is_potential(mp->ctx[i]);
  return ctix__buf_push(&mp->cells, &ce, sizeof(ce));
}

/*
 * Model scores of every usable sentence into cells. A cell is kept only
 * when it could matter: above z_floor, and within reach of the threshold
 * once its slot's rule bonus is added (runner-ups included).
 */
static int score_sentences(mapper *mp, ctix__ttp_fx *fx, float *z)
{
  const ctix_document *doc = mp->doc;
  const ctix__ttp_params *pr = mp->pr;
  const float *bonus = (const float *)(const void *)mp->bonus.data;
  float reach = mp->thr - pr->runner_gap - pr->sub_margin - KEEP_MARGIN;
  uint64_t keep[CTIX__TTP_MAX_CLASSES / 64 + 1];
  size_t i;
  uint32_t c;
  for (i = 0; i < doc->nsentences; i++) {
    const ctix_sentence *s = &doc->sentences[i];
    float pen;
    if (mp->trace)
      ctix__buf_addf(mp->trace, "sent %zu %u %u", i, mp->ctx[i], (unsigned)s->block);
    if (!usable(mp->ctx[i]) || (mp->ctx[i] & CTIX__TTP_CTX_ID_TABLE)) {
      if (mp->trace)
        ctix__buf_addc(mp->trace, '\n');
      continue; /* a list of ids and names: only the literal ids count */
    }
    pen = is_potential(mp->ctx[i]) ? pr->potential_pen : 0.0f;
    if (ctix__ttp_features(fx, doc->text + s->span.start, s->span.end - s->span.start))
      return CTIX_ENOMEM;
    ctix__ttp_model_score(mp->m, &CTIX__TTP_FX_AT(fx, 0), CTIX__TTP_FX_COUNT(fx), z);
    if (mp->trace) {
      const char *t = doc->text + s->span.start;
      for (c = 0; c < mp->m->nclasses; c++)
        ctix__buf_addf(mp->trace, " %.3f", (double)z[c]);
      ctix__buf_addf(mp->trace, "\ntext %zu ", i);
      ctix__ttp_trace_escape(mp->trace, t, s->span.end - s->span.start, false);
      ctix__buf_addc(mp->trace, '\n');
    }
    memset(keep, 0, sizeof(keep));
#if defined(__x86_64__) && defined(__GNUC__)
    if (mp->m->simd)
      keep_avx2(keep, z, bonus, mp->m->nclasses, pen, pr->z_floor, reach);
    else
#endif
      keep_plain(keep, z, bonus, mp->m->nclasses, pen, pr->z_floor, reach, 0);
    for (c = 0; c < mp->m->nclasses; c += 64) {
      uint64_t word = keep[c / 64];
      for (; word; word &= word - 1)
        if (push_cell(mp, (uint32_t)i, c + (uint32_t)__builtin_ctzll(word), z, pen))
          return CTIX_ENOMEM;
    }
  }
  if (mp->trace && mp->trace->err)
    return mp->trace->err;
  return mp->cells.err;
}


/*
 * Unicode white space beyond ASCII, as ranges of code points: Python's
 * str.split() (the replay's tokenizer) breaks a token at each, and U+0085,
 * U+2028 and U+2029 end a line for str.splitlines() and other line-based
 * readers.
 */
static const uint32_t trace_spaces[][2] = {
  {0x85, 0x85},     {0xa0, 0xa0},     {0x1680, 0x1680}, {0x2000, 0x200a},
  {0x2028, 0x2029}, {0x202f, 0x202f}, {0x205f, 0x205f}, {0x3000, 0x3000},
};

/* True if code point cp is in trace_spaces. */
static bool trace_space(uint32_t cp)
{
  size_t i;
  for (i = 0; i < sizeof(trace_spaces) / sizeof(trace_spaces[0]); i++)
    if (cp >= trace_spaces[i][0] && cp <= trace_spaces[i][1])
      return true;
  return false;
}

void ctix__ttp_trace_escape(ctix_buf *b, const char *s, size_t n, bool token)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, run = 0, k;
  uint32_t cp;
  if (token && (n == 0 || (n == 1 && *s == '-'))) {
    ctix__buf_adds(b, n ? "\\u002d" : "-");
    return;
  }
  while (i < n) {
    k = 1;
    cp = p[i];
    if (p[i] >= 0x80 && !(k = ctix__utf8_decode(p + i, n - i, &cp))) {
      i++; /* ctix__json_escape writes it as U+FFFD */
      continue;
    }
    if ((token && cp == ' ') || (cp >= 0x80 && trace_space(cp))) {
      ctix__json_escape(b, s + run, i - run);
      ctix__buf_addf(b, "\\u%04x", (unsigned)cp);
      run = i + k;
    }
    i += k;
  }
  ctix__json_escape(b, s + run, n - run);
}

/*
 * Trace header (ctix__ttp_map_trace): the document, its number of
 * sentences and usable ones, the threshold, and the model's classes with
 * their training positives.
 */
static int trace_head(mapper *mp)
{
  uint32_t c;
  const char *src = mp->doc->meta.source ? mp->doc->meta.source : ""; /* empty: the escaper writes "-" */
  ctix__buf_adds(mp->trace, "doc ");
  ctix__ttp_trace_escape(mp->trace, src, strlen(src), true);
  ctix__buf_addf(mp->trace, " %zu %zu %.4f\nclasses", mp->doc->nsentences, mp->nusable,
                 (double)mp->thr);
  for (c = 0; c < mp->m->nclasses; c++)
    ctix__buf_addf(mp->trace, " %s:%u", mp->m->ids[c], (unsigned)mp->m->positives[c]);
  ctix__buf_addc(mp->trace, '\n');
  return mp->trace->err;
}

/* Adds the rule hits to the cells, then merges cells of one (slot, sentence). */
static int add_rules(mapper *mp)
{
  size_t nh = CTIX__BUF_COUNT(&mp->hits, ctix__ttp_cue_hit), i;
  for (i = 0; i < nh; i++) {
    const ctix__ttp_cue_hit *h = &CTIX__BUF_AT(&mp->hits, ctix__ttp_cue_hit, i);
    size_t s = sentence_at(mp->doc, h->start);
    int32_t sl;
    cell ce;
    bool foreign;
    if (s == SIZE_MAX || !usable(mp->ctx[s]))
      continue;
    if (h->kind == CTIX_TTP_SIG_ID ? mp->opts->ignore_explicit_ids
                                   : (mp->ctx[s] & CTIX__TTP_CTX_ID_TABLE) != 0)
      continue;
    if ((sl = slot_of(mp, h->technique)) < 0)
      return CTIX_ENOMEM;
    foreign = h->kind == CTIX_TTP_SIG_ID && CTIX__BUF_AT(&mp->slots, slot, sl).foreign;
    if (mp->trace) {
      ctix__buf_addf(mp->trace, "hit %zu %s %u %.4f", s, ctix_kb_id(mp->kb, h->technique),
                     h->kind, (double)h->weight);
      if (foreign)
        ctix__buf_addf(mp->trace, " %.4f", (double)FOREIGN_ID_Z);
      ctix__buf_addc(mp->trace, '\n');
      if (h->kind == CTIX_TTP_SIG_ID && states_id(mp, s, h))
        ctix__buf_addf(mp->trace, "stated %zu %s\n", s, ctix_kb_id(mp->kb, h->technique));
    }
    memset(&ce, 0, sizeof(ce));
    ce.sent = (uint32_t)s;
    ce.slot = (uint32_t)sl;
    ce.z = mp->pr->z_floor;
    ce.signals = h->kind;
    ce.potential = is_potential(mp->ctx[s]);
    if (foreign)
      ce.z = FOREIGN_ID_Z - (ce.potential ? mp->pr->potential_pen : 0.0f);
    if (h->kind == CTIX_TTP_SIG_CUE)
      ce.cue = h->weight;
    else if (h->kind == CTIX_TTP_SIG_NAME)
      ce.name = h->weight;
    else
      ce.id = true;
    ctix__buf_push(&mp->cells, &ce, sizeof(ce));
  }
  if (mp->cells.err)
    return mp->cells.err;
  if (mp->trace && mp->trace->err)
    return mp->trace->err;
  {
    size_t n = CTIX__BUF_COUNT(&mp->cells, cell), k, w = 0;
    cell *c = (cell *)(void *)mp->cells.data;
    if (n)
      qsort(c, n, sizeof(cell), cmp_cell);
    for (k = 0; k < n; k++) {
      if (w && c[w - 1].slot == c[k].slot && c[w - 1].sent == c[k].sent) {
        cell *t = &c[w - 1];
        t->z = t->z > c[k].z ? t->z : c[k].z;
        t->cue = t->cue > c[k].cue ? t->cue : c[k].cue;
        t->name = t->name > c[k].name ? t->name : c[k].name;
        t->id |= c[k].id;
        t->signals |= c[k].signals;
      } else {
        c[w++] = c[k];
      }
    }
    mp->cells.len = w * sizeof(cell);
  }
  return 0;
}

/* The fused score of one sentence for its slot (evidence ranking). */
static float cell_value(const mapper *mp, const cell *c)
{
  const ctix__ttp_params *pr = mp->pr;
  return c->z + pr->cue_w * c->cue + pr->name_w * c->name + (c->id ? pr->id_w : 0.0f);
}

/* Family links: each slot's parent slot (created when only a sub was seen). */
static int link_families(mapper *mp)
{
  size_t i;
  for (i = 0; i < CTIX__BUF_COUNT(&mp->slots, slot); i++) {
    slot *s = &CTIX__BUF_AT(&mp->slots, slot, i);
    ctix_kb_obj o;
    int32_t f;
    if (s->ref == CTIX_KB_NONE || ctix_kb_get(mp->kb, s->ref, &o)) {
      s->family = (int32_t)i;
      continue;
    }
    if (o.parent == CTIX_KB_NONE) {
      s->family = (int32_t)i;
      continue;
    }
    if ((f = slot_of(mp, o.parent)) < 0)
      return CTIX_ENOMEM;
    CTIX__BUF_AT(&mp->slots, slot, i).family = f;
  }
  return 0;
}

/*
 * Document score of slot `sl` from its cells [a, b): mean of the best topk
 * model scores (missing ones count as z_floor; the best one alone for
 * short texts) plus the slot's rule bonus.
 */
static float doc_score(const mapper *mp, uint32_t sl, const cell *c, size_t a, size_t b)
{
  const ctix__ttp_params *pr = mp->pr;
  float top[8], sum = 0;
  size_t k = (size_t)pr->topk, i, j;
  if (k < 1)
    k = 1;
  if (k > 8)
    k = 8;
  if ((float)mp->nusable <= pr->short_n)
    k = 1;
  for (j = 0; j < k; j++)
    top[j] = pr->z_floor;
  for (i = a; i < b; i++) {
    float z = c[i].z;
    for (j = 0; j < k; j++)
      if (z > top[j]) {
        memmove(top + j + 1, top + j, (k - j - 1) * sizeof(float));
        top[j] = z;
        break;
      }
  }
  for (j = 0; j < k; j++)
    sum += top[j];
  return sum / (float)k + CTIX__BUF_AT(&mp->bonus, float, sl);
}

/* Confidence 0-1: 0.5 at the threshold. */
static float confidence(const mapper *mp, float score, float thr)
{
  return sigmoid(mp->pr->conf_slope * (score - thr));
}

/* Cell range [*a, *b) of `slot` (cells sorted by slot). */
static void cell_range(const mapper *mp, uint32_t sl, size_t *a, size_t *b)
{
  const cell *c = (const cell *)(const void *)mp->cells.data;
  size_t n = CTIX__BUF_COUNT(&mp->cells, cell), lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (c[mid].slot < sl)
      lo = mid + 1;
    else
      hi = mid;
  }
  *a = lo;
  while (lo < n && c[lo].slot == sl)
    lo++;
  *b = lo;
}

/* --------------------------------------------------------------- output */

typedef struct cand {
  uint32_t slot;
  float conf;
  int32_t runner;
  float runner_conf;
} cand;

static int cmp_cand(const void *a, const void *b)
{
  const cand *x = a, *y = b;
  if (x->conf != y->conf)
    return x->conf > y->conf ? -1 : 1;
  return x->slot < y->slot ? -1 : x->slot > y->slot;
}

/* Evidence order: by fused value (kept in z by fill_hit), then position. */
static int cmp_cell_p(const void *a, const void *b)
{
  const cell *x = a, *y = b;
  if (x->z != y->z)
    return x->z > y->z ? -1 : 1;
  return x->sent < y->sent ? -1 : x->sent > y->sent;
}

/*
 * Words that carry no meaning of their own: the model may weigh them, but
 * as a reason shown to an analyst they say nothing.
 */
static const char *const function_words[] = {
    "a",    "an",   "and",  "are",   "as",    "at",   "be",    "been", "but",   "by",
    "for",  "from", "had",  "has",   "have",  "he",   "her",   "his",  "in",    "into",
    "is",   "it",   "its",  "of",    "on",    "or",   "she",   "that", "the",   "their",
    "them", "then", "they", "this",  "those", "to",   "was",   "we",   "were",  "which",
    "who",  "with",
};

/* Whether norm[0..len) is one of function_words (none is longer than 5). */
static bool function_word(const char *w, size_t len)
{
  size_t i;
  if (len > 5)
    return false;
  for (i = 0; i < sizeof(function_words) / sizeof(function_words[0]); i++)
    if (strlen(function_words[i]) == len && memcmp(function_words[i], w, len) == 0)
      return true;
  return false;
}

/* The `why` list of one evidence sentence: rule hits, then model words. */
static int explain(mapper *mp, ctix__ttp_fx *fx, ctix_ttp_evidence *ev, uint32_t si,
                   int32_t cls)
{
  const slot s0 = CTIX__BUF_AT(&mp->slots, slot, si), *s = &s0;
  bool root = s->family == (int32_t)si;
  const char *why[MAX_WHY];
  size_t n = 0, i, nh = CTIX__BUF_COUNT(&mp->hits, ctix__ttp_cue_hit);
  ctix_arena *ar = &mp->out->arena;
  const ctix_sentence *se = &mp->doc->sentences[ev->sentence];
  for (i = 0; i < nh && n < MAX_WHY; i++) {
    const ctix__ttp_cue_hit *h = &CTIX__BUF_AT(&mp->hits, ctix__ttp_cue_hit, i);
    size_t k;
    bool dup = false;
    if (h->start < se->span.start || h->start >= se->span.end || !h->cue)
      continue;
    if (h->technique != s->ref) {
      int32_t hs = slot_of(mp, h->technique);
      if (hs < 0 || !root || CTIX__BUF_AT(&mp->slots, slot, hs).family != (int32_t)si)
        continue;
    }
    if (h->kind == CTIX_TTP_SIG_ID && mp->opts->ignore_explicit_ids)
      continue;
    for (k = 0; k < n && !dup; k++)
      dup = strcmp(why[k], h->cue) == 0;
    if (!dup)
      why[n++] = h->cue;
  }
  if (cls >= 0 && (ev->signals & CTIX_TTP_SIG_MODEL)) {
    size_t nw, best_i[WHY_FEATURES];
    float best_w[WHY_FEATURES] = {0};
    size_t nb = 0, k;
    fx->explain = CTIX__TTP_EXPLAIN_ONLY;
    i = (size_t)ctix__ttp_features(fx, mp->doc->text + se->span.start,
                                   se->span.end - se->span.start);
    fx->explain = 0;
    if (i)
      return CTIX_ENOMEM;
    nw = CTIX__BUF_COUNT(&fx->words, ctix__ttp_word);
    for (i = 0; i < nw; i++) {
      const ctix__ttp_word *w = &CTIX__BUF_AT(&fx->words, ctix__ttp_word, i);
      float wt = ctix__ttp_model_weight(mp->m, w->id, (uint32_t)cls);
      size_t j;
      if (wt <= 0.0f || fx->norm.data[w->off] == '#' ||
          function_word(fx->norm.data + w->off, w->len))
        continue;
      for (j = 0; j < nb; j++)
        if (fx->norm.data[w->off] && best_i[j] != SIZE_MAX &&
            CTIX__BUF_AT(&fx->words, ctix__ttp_word, best_i[j]).id == w->id)
          break;
      if (j < nb)
        continue;
      for (j = 0; j < WHY_FEATURES; j++)
        if (j >= nb || wt > best_w[j]) {
          size_t last = nb < WHY_FEATURES ? nb : WHY_FEATURES - 1;
          memmove(best_w + j + 1, best_w + j, (last - j) * sizeof(float));
          memmove(best_i + j + 1, best_i + j, (last - j) * sizeof(size_t));
          best_w[j] = wt;
          best_i[j] = i;
          if (nb < WHY_FEATURES)
            nb++;
          break;
        }
    }
    for (k = 0; k < nb && n < MAX_WHY; k++) {
      const ctix__ttp_word *w = &CTIX__BUF_AT(&fx->words, ctix__ttp_word, best_i[k]);
      size_t j;
      bool dup = false;
      char *t;
      /* A word the rule side already showed is not repeated. */
      for (j = 0; j < n && !dup; j++)
        dup = ctix__mem_ieq(fx->norm.data + w->off, w->len, why[j]);
      if (dup)
        continue;
      if (!(t = ctix__arena_strndup(ar, fx->norm.data + w->off, w->len)))
        return CTIX_ENOMEM;
      why[n++] = t;
    }
  }
  ev->nwhy = n;
  ev->why = NULL;
  if (n) {
    const char **arr = ctix__arena_alloc(ar, n * sizeof(char *));
    if (!arr)
      return CTIX_ENOMEM;
    memcpy(arr, why, n * sizeof(char *));
    ev->why = arr;
  }
  return 0;
}

/* The tactics of technique `ref` into hit (arena strings). */
static int fill_tactics(mapper *mp, ctix_ttp_hit *hit, ctix_kb_ref ref)
{
  size_t first, nt = ctix_kb_edges(mp->kb, ref, CTIX_KB_REL_TACTIC, CTIX_KB_TACTIC, &first), k;
  const char **tac;
  if (!nt)
    return 0;
  if (!(tac = ctix__arena_alloc(&mp->out->arena, nt * sizeof(char *))))
    return CTIX_ENOMEM;
  for (k = 0; k < nt; k++) {
    ctix_kb_obj t;
    tac[k] = ctix_kb_get(mp->kb, ctix_kb_edge_target(mp->kb, first + k), &t) ? "" : t.shortname;
  }
  hit->tactics = tac;
  hit->ntactics = nt;
  return 0;
}

/*
 * Keeps one cell per sentence of `cs` (sorted strongest first): the
 * sentence's best, carrying the signals of all its cells, and only
 * sentences that support the technique (the strongest always does). A
 * table from sentence to kept cell makes it linear in the cells.
 */
static int evidence_dedupe(const mapper *mp, cell *cs, size_t *ne, float thr)
{
  size_t cap = 16, mask, i, j = 0, n = *ne;
  uint64_t *t; /* sentence + 1 in the low half, kept index + 1 (0: dropped) above */
  while (cap < 2 * n)
    cap *= 2;
  if (!(t = calloc(cap, sizeof(*t))))
    return CTIX_ENOMEM;
  mask = cap - 1;
  for (i = 0; i < n; i++) {
    uint32_t key = cs[i].sent + 1u;
    size_t h = (size_t)(key * 2654435761u) & mask;
    while (t[h] && (uint32_t)t[h] != key)
      h = (h + 1) & mask;
    if (t[h]) {
      uint32_t kept = (uint32_t)(t[h] >> 32);
      if (kept)
        cs[kept - 1].signals |= cs[i].signals;
      continue;
    }
    if (j == 0 || confidence(mp, cs[i].z, thr) >= EVIDENCE_MIN) {
      cs[j] = cs[i];
      t[h] = key | ((uint64_t)(j + 1) << 32);
      j++;
    } else {
      t[h] = key;
    }
  }
  free(t);
  *ne = j;
  return 0;
}

/* Fills one hit from a chosen candidate; thr is the document threshold. */
static int fill_hit(mapper *mp, ctix__ttp_fx *fx, ctix_ttp_hit *hit, const cand *cd, float thr)
{
  ctix_arena *ar = &mp->out->arena;
  const slot *s = &CTIX__BUF_AT(&mp->slots, slot, cd->slot);
  ctix_kb_obj o;
  size_t a, b, i, k, ne;
  cell *cs = NULL;
  ctix_ttp_evidence *ev;
  size_t maxev = mp->opts->max_evidence ? mp->opts->max_evidence : 3;
  bool observed = false;
  int rc;
  memset(hit, 0, sizeof(*hit));
  if (s->ref == CTIX_KB_NONE || ctix_kb_get(mp->kb, s->ref, &o))
    return 0;
  hit->id = o.id;
  hit->name = o.name;
  hit->parent_name = o.parent != CTIX_KB_NONE ? ctix_kb_name(mp->kb, o.parent) : NULL;
  hit->domain = ctix_kb_domain_first(o.domains);
  hit->confidence = cd->conf;
  if (cd->runner >= 0) {
    const slot *r = &CTIX__BUF_AT(&mp->slots, slot, cd->runner);
    hit->runner_up = r->ref != CTIX_KB_NONE ? ctix_kb_id(mp->kb, r->ref) : NULL;
    hit->runner_up_confidence = hit->runner_up ? cd->runner_conf : 0.0f;
  }
  if (fill_tactics(mp, hit, s->ref))
    return CTIX_ENOMEM;
  /*
   * Evidence: the slot's sentences (a reported parent: its family's) by
   * fused value, kept in z of the copies.
   */
  {
    size_t ns = CTIX__BUF_COUNT(&mp->slots, slot), j, cap = 0;
    bool root = s->family == (int32_t)cd->slot;
    ne = 0;
    for (j = 0; j < ns; j++)
      if (j == cd->slot || (root && CTIX__BUF_AT(&mp->slots, slot, j).family == (int32_t)cd->slot)) {
        cell_range(mp, (uint32_t)j, &a, &b);
        cap += b - a;
      }
    if (cap && !(cs = malloc(cap * sizeof(cell))))
      return CTIX_ENOMEM;
    for (j = 0; j < ns && cap; j++)
      if (j == cd->slot || (root && CTIX__BUF_AT(&mp->slots, slot, j).family == (int32_t)cd->slot)) {
        cell_range(mp, (uint32_t)j, &a, &b);
        for (i = a; i < b; i++) {
          cs[ne] = ((const cell *)(const void *)mp->cells.data)[i];
          cs[ne].z = cell_value(mp, &cs[ne]);
          ne++;
        }
      }
    if (ne)
      qsort(cs, ne, sizeof(cell), cmp_cell_p);
    if (ne && (rc = evidence_dedupe(mp, cs, &ne, thr))) {
      free(cs);
      return rc;
    }
  }
  /* Observed when a plain sentence supports it on its own (or is its best
   * one), or when the author states its id (a parent standing for its
   * family: a member's) in a plain assertion, whatever the cell scores. */
  observed = s->stated || (s->family == (int32_t)cd->slot && s->fam_stated);
  for (i = 0; i < ne; i++) {
    hit->signals |= cs[i].signals;
    if (!cs[i].potential && (cs[i].z >= thr || i == 0))
      observed = true;
  }
  k = ne < maxev ? ne : maxev;
  ev = k ? ctix__arena_calloc(ar, k, sizeof(*ev)) : NULL;
  if (k && !ev) {
    free(cs);
    return CTIX_ENOMEM;
  }
  for (i = 0; i < k; i++) {
    const ctix_sentence *se = &mp->doc->sentences[cs[i].sent];
    ev[i].sentence = cs[i].sent;
    ev[i].start = se->span.start;
    ev[i].end = se->span.end;
    ev[i].score = confidence(mp, cs[i].z, thr);
    ev[i].signals = cs[i].signals;
    ev[i].status = cs[i].potential ? CTIX_TTP_POTENTIAL : CTIX_TTP_OBSERVED;
    if ((rc = explain(mp, fx, &ev[i], cd->slot,
                      cd->slot < mp->m->nclasses ? (int32_t)cd->slot : -1))) {
      free(cs);
      return rc;
    }
  }
  free(cs);
  hit->evidence = ev;
  hit->nevidence = k;
  hit->status = observed ? CTIX_TTP_OBSERVED : CTIX_TTP_POTENTIAL;
  return 0;
}

/* Best sibling of slot `j` in family `fam` (not `j`, not the parent) within gap. */
static int32_t runner_up(const mapper *mp, size_t fam, size_t j, float score, float gap)
{
  size_t ns = CTIX__BUF_COUNT(&mp->slots, slot), k;
  int32_t best = -1;
  for (k = 0; k < ns; k++) {
    const slot *o = &CTIX__BUF_AT(&mp->slots, slot, k);
    if (k == j || k == fam || o->family != (int32_t)fam || o->chosen || o->ref == CTIX_KB_NONE)
      continue;
    if (o->score < score - gap || o->score <= mp->pr->z_floor)
      continue;
    if (best < 0 || o->score > CTIX__BUF_AT(&mp->slots, slot, best).score)
      best = (int32_t)k;
  }
  return best;
}

/*
 * Confidence of a technique the author states by id: at least
 * STATED_CONF, the confidence of the decision threshold, since the id
 * alone decides it (a long advisory's threshold leaves an id alone at
 * 0.40-0.47 otherwise); conf when not stated.
 */
static float stated_conf(float conf, bool stated)
{
  return stated && conf < STATED_CONF ? STATED_CONF : conf;
}

/* Chooses the techniques of the document. */
static int decide(mapper *mp, ctix__ttp_fx *fx)
{
  size_t ns = CTIX__BUF_COUNT(&mp->slots, slot), i, j, nc = 0;
  const ctix__ttp_params *pr = mp->pr;
  float thr = mp->thr;
  float minc = mp->opts->min_confidence;
  const cell *cells = (const cell *)(const void *)mp->cells.data;
  cand *cands = NULL;
  float *famsc = NULL;
  ctix_ttp_hit *items;
  int rc = 0;
  for (i = 0; i < ns; i++) {
    slot *s = &CTIX__BUF_AT(&mp->slots, slot, i);
    size_t a, b;
    cell_range(mp, (uint32_t)i, &a, &b);
    s->score = doc_score(mp, (uint32_t)i, cells, a, b);
  }
  if (!(cands = calloc(ns + 1, sizeof(cand))) || !(famsc = malloc((ns + 1) * sizeof(float)))) {
    rc = CTIX_ENOMEM;
    goto done;
  }
  /* Family scores: a root's score raised by any better member, members in slot order. */
  for (i = 0; i < ns; i++)
    famsc[i] = CTIX__BUF_AT(&mp->slots, slot, i).score;
  for (j = 0; j < ns; j++) {
    const slot *s = &CTIX__BUF_AT(&mp->slots, slot, j);
    if (s->family >= 0 && (size_t)s->family != j && s->score > famsc[s->family])
      famsc[s->family] = s->score;
  }
  for (i = 0; i < ns; i++) {
    slot *p = &CTIX__BUF_AT(&mp->slots, slot, i);
    float fam = famsc[i];
    size_t chosen = 0;
    if (p->family != (int32_t)i || p->ref == CTIX_KB_NONE)
      continue;
    /* A Mobile or ICS family whose id the text writes where ids count
     * passes, and so does a family whose id (or a member's) the author
     * states in a plain assertion: the model, which never saw an id
     * labelled (TRAM2's annotators left id mentions unlabelled), scores
     * such sentences low, and the author's id is the author's mapping. */
    if (minc > 0.0f ? stated_conf(confidence(mp, fam, thr), p->fam_stated) < minc
                    : (fam < thr && !(p->foreign && p->written) && !p->fam_stated))
      continue;
    /* Sub-techniques with enough evidence of their own (and, under a
     * minimum confidence, with that confidence of their own: else the
     * family's parent stands for them) */
    for (j = 0; j < ns; j++) {
      slot *s = &CTIX__BUF_AT(&mp->slots, slot, j);
      float sconf;
      if (j == i || s->family != (int32_t)i || s->ref == CTIX_KB_NONE)
        continue;
      sconf = stated_conf(confidence(mp, s->score, thr), s->stated);
      if ((s->score >= thr - pr->sub_margin || (s->foreign && s->written) || s->stated) &&
          !(minc > 0.0f && sconf < minc)) {
        cands[nc].slot = (uint32_t)j;
        cands[nc].conf = sconf;
        nc++;
        s->chosen = true;
        chosen++;
      }
    }
    /* The parent stands for the family when no sub-technique has enough
     * evidence of its own, and beside them when the author states the
     * parent's own id: the author chose that granularity ("[T1059]" for
     * shell commands on a network appliance), a sub-technique the cues
     * found is no reason to drop it. */
    if (!chosen || p->stated) {
      float pconf = chosen ? stated_conf(confidence(mp, p->score, thr), true)
                           : stated_conf(confidence(mp, fam, thr), p->fam_stated);
      if (!chosen || !(minc > 0.0f && pconf < minc)) {
        cands[nc].slot = (uint32_t)i;
        cands[nc].conf = pconf;
        nc++;
        p->chosen = true;
      }
    }
  }
  /* Runner-ups: the closest sibling not reported itself. */
  for (i = 0; i < nc; i++) {
    const slot *s = &CTIX__BUF_AT(&mp->slots, slot, cands[i].slot);
    size_t fam = (size_t)s->family;
    float sc = cands[i].slot == fam ? -1e30f : s->score;
    if (cands[i].slot == fam) {
      /* A parent: its best sub-technique, when close to the family score. */
      for (j = 0; j < ns; j++) {
        const slot *o = &CTIX__BUF_AT(&mp->slots, slot, j);
        if (j != fam && o->family == (int32_t)fam && o->score > sc)
          sc = o->score;
      }
      cands[i].runner = sc > pr->z_floor ? runner_up(mp, fam, fam, sc, 0.0f) : -1;
    } else {
      cands[i].runner = runner_up(mp, fam, cands[i].slot, sc, pr->runner_gap);
    }
    if (cands[i].runner >= 0)
      cands[i].runner_conf =
          confidence(mp, CTIX__BUF_AT(&mp->slots, slot, cands[i].runner).score, thr);
  }
  if (nc)
    qsort(cands, nc, sizeof(cand), cmp_cand);
  items = nc ? ctix__arena_calloc(&mp->out->arena, nc, sizeof(ctix_ttp_hit)) : NULL;
  if (nc && !items) {
    rc = CTIX_ENOMEM;
    goto done;
  }
  for (i = 0, j = 0; i < nc; i++) {
    if ((rc = fill_hit(mp, fx, &items[j], &cands[i], thr)))
      break;
    if (items[j].id)
      j++;
  }
  mp->out->pub.items = items;
  mp->out->pub.count = j;
done:
  free(cands);
  free(famsc);
  return rc;
}

/* ------------------------------------------------------------ implied */

/* Confidence of an implied technique: named by one entity, each more adds a step. */
#define IMPLIED_CONF 0.2f
#define IMPLIED_STEP 0.05f
#define IMPLIED_MAX 0.35f

/* One technique some named software, group or campaign is known to use. */
typedef struct implied {
  ctix_kb_ref tech;
  uint32_t ent;            /* index of the entity in the entity list */
} implied;

static int cmp_implied(const void *a, const void *b)
{
  const implied *x = a, *y = b;
  if (x->tech != y->tech)
    return x->tech < y->tech ? -1 : 1;
  return x->ent < y->ent ? -1 : x->ent > y->ent;
}

/* Hits by decreasing confidence, ties by id. */
static int cmp_hit(const void *a, const void *b)
{
  const ctix_ttp_hit *x = a, *y = b;
  if (x->confidence != y->confidence)
    return x->confidence > y->confidence ? -1 : 1;
  return strcmp(x->id, y->id);
}

/* Whether technique id `t` shares its family (T####) with a reported hit. */
static bool family_reported(const ctix_ttp_list *l, const char *t)
{
  size_t i;
  for (i = 0; i < l->count; i++)
    if (strncmp(l->items[i].id, t, 5) == 0)
      return true;
  return false;
}

/*
 * The entity's first mention in a sentence that describes the attack (not
 * a reference or mitigation section); SIZE_MAX when there is none.
 */
static size_t implied_mention(const mapper *mp, const ctix_entity *e)
{
  size_t k;
  for (k = 0; k < e->nmentions; k++) {
    size_t s = e->mentions[k].sentence;
    if (s < mp->doc->nsentences && usable(mp->ctx[s]))
      return k;
  }
  return SIZE_MAX;
}

/*
 * Implied findings (opts->implied): the techniques that the software,
 * groups and campaigns the text names are known to use (ATT&CK `uses`
 * relations in the KB), when the text itself did not report the technique
 * nor one of its family. They are never observed: status implied, signal
 * software, a low confidence (IMPLIED_CONF, a step more for each further
 * entity that uses it, at most IMPLIED_MAX, always below the 0.5 of the
 * decision threshold), the sentences naming the entities as evidence.
 */
static int add_implied(mapper *mp)
{
  ctix_entity_list *own = NULL;
  const ctix_entity_list *el = mp->opts->entities;
  ctix_entity_options eo;
  ctix_buf imp = CTIX_BUF_INIT((size_t)1 << 26);
  ctix_ttp_list *l = &mp->out->pub;
  ctix_ttp_hit *items = NULL;
  size_t n, i, j, nimp = 0, maxev = mp->opts->max_evidence ? mp->opts->max_evidence : 3;
  int rc = 0;
  ctix_entity_options_init(&eo);
  eo.kb = mp->kb;
  /* New names on (the default): a new name such as "LINE VIPER" then
   * covers the known alias inside it ("VIPER", Sakula). */
  if (!el) {
    if ((rc = ctix_entity_extract(&own, mp->doc, NULL, &eo, mp->err)))
      return rc;
    el = own;
  }
  for (i = 0; i < el->count; i++) {
    const ctix_entity *e = &el->items[i];
    size_t first, ne, k;
    if (e->ref == CTIX_KB_NONE || !e->known ||
        (e->kind != CTIX_ENTITY_GROUP && e->kind != CTIX_ENTITY_MALWARE &&
         e->kind != CTIX_ENTITY_TOOL && e->kind != CTIX_ENTITY_CAMPAIGN) ||
        implied_mention(mp, e) == SIZE_MAX)
      continue;
    ne = ctix_kb_edges(mp->kb, e->ref, CTIX_KB_REL_USES, CTIX_KB_TECHNIQUE, &first);
    for (k = 0; k < ne; k++) {
      implied im;
      im.tech = ctix_kb_edge_target(mp->kb, first + k);
      im.ent = (uint32_t)i;
      if (im.tech != CTIX_KB_NONE)
        ctix__buf_push(&imp, &im, sizeof(im));
    }
  }
  if (imp.err)
    goto nomem;
  n = CTIX__BUF_COUNT(&imp, implied);
  if (n)
    qsort(imp.data, n, sizeof(implied), cmp_implied);
  /* Count the distinct techniques first: the new array holds old and new hits. */
  for (i = 0; i < n; i = j) {
    for (j = i + 1; j < n && CTIX__BUF_AT(&imp, implied, j).tech ==
                                 CTIX__BUF_AT(&imp, implied, i).tech; j++)
      ;
    nimp++;
  }
  if (!nimp)
    goto done;
  if (!(items = ctix__arena_calloc(&mp->out->arena, l->count + nimp, sizeof(*items))))
    goto nomem;
  if (l->count)
    memcpy(items, l->items, l->count * sizeof(*items));
  for (i = 0, nimp = l->count; i < n; i = j) {
    ctix_kb_ref t = CTIX__BUF_AT(&imp, implied, i).tech;
    ctix_ttp_hit *h = &items[nimp];
    ctix_ttp_evidence *ev;
    ctix_kb_obj o;
    size_t nent, k;
    float conf;
    for (j = i + 1; j < n && CTIX__BUF_AT(&imp, implied, j).tech == t; j++)
      ;
    nent = j - i; /* the KB lists each (entity, technique) once */
    conf = IMPLIED_CONF + IMPLIED_STEP * (float)(nent - 1);
    conf = conf > IMPLIED_MAX ? IMPLIED_MAX : conf;
    if (ctix_kb_get(mp->kb, t, &o) || (o.flags & (CTIX_KB_REVOKED | CTIX_KB_DEPRECATED)) ||
        !(o.domains & CTIX_KB_ENTERPRISE) || family_reported(l, o.id) ||
        conf < mp->opts->min_confidence)
      continue;
    h->id = o.id;
    h->name = o.name;
    h->parent_name = o.parent != CTIX_KB_NONE ? ctix_kb_name(mp->kb, o.parent) : NULL;
    h->domain = CTIX_KB_ENTERPRISE;
    h->confidence = conf;
    h->status = CTIX_TTP_IMPLIED;
    h->signals = CTIX_TTP_SIG_SOFTWARE;
    if (fill_tactics(mp, h, t))
      goto nomem;
    k = nent < maxev ? nent : maxev;
    if (!(ev = ctix__arena_calloc(&mp->out->arena, k, sizeof(*ev))))
      goto nomem;
    for (k = 0; k < nent && k < maxev; k++) {
      const ctix_entity *e = &el->items[CTIX__BUF_AT(&imp, implied, i + k).ent];
      const ctix_entity_mention *mn = &e->mentions[implied_mention(mp, e)];
      const ctix_sentence *se = &mp->doc->sentences[mn->sentence];
      const char **why = ctix__arena_alloc(&mp->out->arena, sizeof(char *));
      if (!why || !(why[0] = ctix__arena_strdup(&mp->out->arena, e->name)))
        goto nomem;
      ev[k].sentence = mn->sentence;
      ev[k].start = se->span.start;
      ev[k].end = se->span.end;
      ev[k].score = conf;
      ev[k].signals = CTIX_TTP_SIG_SOFTWARE;
      ev[k].status = CTIX_TTP_IMPLIED;
      ev[k].why = why;
      ev[k].nwhy = 1;
    }
    h->evidence = ev;
    h->nevidence = k;
    nimp++;
  }
  if (nimp > 1)
    qsort(items, nimp, sizeof(*items), cmp_hit);
  l->items = items;
  l->count = nimp;
  goto done;
nomem:
  rc = CTIX_ENOMEM;
done:
  ctix__buf_free(&imp);
  ctix_entity_list_free(own);
  return rc;
}

int ctix_ttp_map_document(ctix_ttp_list **out, const ctix_document *doc,
                          const ctix_ttp_options *opts, ctix_error *err)
{
  return ctix__ttp_map_trace(out, NULL, doc, opts, err);
}

int ctix__ttp_map_trace(ctix_ttp_list **out, ctix_buf *trace, const ctix_document *doc,
                        const ctix_ttp_options *opts, ctix_error *err)
{
  ctix_ttp_options defaults;
  mapper mp;
  ctix__ttp_fx fx;
  float *z = NULL;
  size_t i;
  int rc = 0;
  *out = NULL;
  if (!opts) {
    ctix_ttp_options_init(&defaults);
    opts = &defaults;
  }
  memset(&mp, 0, sizeof(mp));
  ctix__ttp_fx_init(&fx);
  mp.doc = doc;
  mp.opts = opts;
  mp.err = err;
  mp.trace = trace;
  ctix__buf_init(&mp.slots, (size_t)1 << 26);
  ctix__buf_init(&mp.cells, (size_t)1 << 30);
  ctix__buf_init(&mp.hits, (size_t)1 << 28);
  ctix__buf_init(&mp.bonus, (size_t)1 << 24);
  if (opts->kb)
    mp.kb = opts->kb;
  else if ((rc = ctix_kb_default(&mp.kb, err)))
    goto done;
  mp.ntech = ctix_kb_range(mp.kb, CTIX_KB_TECHNIQUE, &mp.tech0);
  if (opts->model)
    mp.m = opts->model;
  else if ((rc = ctix_ttp_model_default(&mp.m, err)))
    goto done;
  mp.pr = &mp.m->params;
  if (!(mp.out = calloc(1, sizeof(*mp.out))) ||
      !(z = malloc(mp.m->nclasses * sizeof(float))) ||
      !(mp.ctx = calloc(doc->nsentences + 1, sizeof(unsigned))))
    goto nomem;
  ctix__arena_init(&mp.out->arena, 0);
  for (i = 0; i < doc->nsentences; i++)
    mp.ctx[i] = ctix__ttp_sentence_context(doc, i);
  if ((rc = ctix__ttp_cues_match(&mp.hits, doc->text, doc->len, mp.kb, err)))
    goto done;
  if (init_slots(&mp) || prepare(&mp) || (trace && trace_head(&mp)) ||
      score_sentences(&mp, &fx, z))
    goto nomem;
  if (add_rules(&mp))
    goto nomem;
  if ((rc = decide(&mp, &fx)))
    goto nomem;
  if (opts->implied && (rc = add_implied(&mp))) {
    if (rc == CTIX_ENOMEM)
      goto nomem;
    goto done;
  }
  *out = &mp.out->pub;
  mp.out = NULL;
  goto done;
nomem:
  rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory mapping techniques");
done:
  if (mp.out)
    ctix_ttp_list_free(&mp.out->pub);
  free(z);
  free(mp.ctx);
  free(mp.memo);
  ctix__buf_free(&mp.slots);
  ctix__buf_free(&mp.cells);
  ctix__buf_free(&mp.hits);
  ctix__buf_free(&mp.bonus);
  ctix__ttp_fx_free(&fx);
  return rc;
}
