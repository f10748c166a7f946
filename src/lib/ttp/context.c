/*
 * Sentence context for the technique mapper: does a sentence assert that
 * something happened, or does it negate it ("did not", "no evidence of"),
 * speak of what could happen ("could allow an attacker to", "if ...
 * then"), give advice ("we recommend", an imperative in a mitigation
 * list), sit in a references or mitigations section, or only enumerate
 * ATT&CK ids in a table?
 *
 * The cue phrases live in data/ttp/context.tsv (KIND TAB WHERE TAB
 * PATTERN, the pattern syntax of cues.tsv; WHERE is `any`, `start` (at
 * the first word of the sentence or heading) or `whole` (all its words,
 * for headings such as "Detection" but not "Detection evasion")), compiled once per process
 * into one automaton. Kinds: negated, hypothetical, advice (anywhere in a
 * sentence), imperative (advice only in a list item or a mitigation
 * section), reference-heading and mitigation-heading (the innermost
 * heading that matches decides the section's kind), and publication: a
 * short sentence about the publication itself, addressed to its reader
 * ("Download the PDF version of this report", "Subscribe", "Follow us
 * on ..."; at most NOTICE_MAX_WORDS words, not opening with a quote),
 * which describes no attack whatever its words; contrast ("rather than",
 * "instead of", "unlike"; also a sentence ending in '?'), whose ATT&CK ids
 * are no claim of use (read only by the stated-id rule). ID tables are
 * recognised from the words themselves: a sentence with an explicit
 * technique id and at most two lower-case words that are not fillers
 * ("Exploitation of Remote Services [T1210]"), or a table row with no
 * such word at all.
 */
#include <pthread.h>
#include <string.h>

#include "ttp/cues_internal.h"
#include "util/err.h"
#include "util/str.h"

enum ctx_kind {
  K_NEGATED,
  K_HYPOTHETICAL,
  K_ADVICE,
  K_IMPERATIVE,
  K_REFERENCE_HEADING,
  K_MITIGATION_HEADING,
  K_PUBLICATION,
  K_CONTRAST,
  K_COUNT
};

static const char *const kind_names[K_COUNT] = {
    [K_NEGATED] = "negated",
    [K_HYPOTHETICAL] = "hypothetical",
    [K_ADVICE] = "advice",
    [K_IMPERATIVE] = "imperative",
    [K_REFERENCE_HEADING] = "reference-heading",
    [K_MITIGATION_HEADING] = "mitigation-heading",
    [K_PUBLICATION] = "publication",
    [K_CONTRAST] = "contrast",
};

/* Pattern values: the kind, plus AT_START (WHERE `start`) or AT_WHOLE (WHERE `whole`). */
#define AT_START 0x100u
#define AT_WHOLE 0x200u

/* Lower-case words that do not make an id table prose, with their lengths. */
#define FILLER(w) {w, sizeof(w) - 1}
static const struct filler {
  const char *w;
  size_t n;
} fillers[] = {FILLER("a"),    FILLER("an"),  FILLER("and"), FILLER("as"),   FILLER("at"),
               FILLER("by"),   FILLER("for"), FILLER("from"), FILLER("in"),  FILLER("of"),
               FILLER("on"),   FILLER("or"),  FILLER("the"), FILLER("to"),   FILLER("via"),
               FILLER("with"), FILLER("e.g"), FILLER("i.e"), FILLER("see"),  FILLER("also"),
               FILLER("etc")};
#undef FILLER

/* Longest sentence examined for context, in bytes (the rest is ignored). */
#define CTX_SCAN_MAX 4096u

int ctix__ttp_context_parse(ctix__ttp_patset **out, const char *text, size_t len,
                            const char *source, ctix_error *err)
{
  ctix__ttp_patset *ps = NULL;
  size_t pos = 0;
  unsigned line = 0;
  char why[96];
  int rc = 0;

  *out = NULL;
  if (len > CTIX__TTP_LEXICON_MAX)
    return ctix__error_set(err, CTIX_ETOOBIG, "%s: larger than %zu bytes", source,
                           CTIX__TTP_LEXICON_MAX);
  if ((rc = ctix__ttp_patset_new(&ps, err)))
    return rc;
  while (pos < len) {
    const char *ln = text + pos, *nl = memchr(ln, '\n', len - pos);
    const char *t1, *t2, *cue;
    size_t n = nl ? (size_t)(nl - ln) : len - pos, k, klen, wlen;
    uint32_t kind = K_COUNT, value;

    pos += n + (nl ? 1 : 0);
    line++;
    if (n > 0 && ln[n - 1] == '\r')
      n--;
    for (k = 0; k < n && ctix__isspace((unsigned char)ln[k]); k++)
      ;
    if (k == n || ln[0] == '#')
      continue;
    t1 = memchr(ln, '\t', n);
    t2 = t1 ? memchr(t1 + 1, '\t', n - (size_t)(t1 + 1 - ln)) : NULL;
    if (!t1 || !t2 || memchr(t2 + 1, '\t', n - (size_t)(t2 + 1 - ln))) {
      ctix__error_source(err, source);
      rc = ctix__error_set_lc(err, CTIX_EPARSE, line, 1,
                              "expected 3 tab-separated fields: KIND WHERE PATTERN");
      goto done;
    }
    klen = (size_t)(t1 - ln);
    for (k = 0; k < K_COUNT; k++)
      if (ctix__mem_ieq(ln, klen, kind_names[k]) && strlen(kind_names[k]) == klen)
        kind = (uint32_t)k;
    if (kind == K_COUNT) {
      ctix__error_source(err, source);
      rc = ctix__error_set_lc(err, CTIX_EPARSE, line, 1,
                              "unknown kind (negated, hypothetical, advice, imperative, "
                              "reference-heading, mitigation-heading, publication)");
      goto done;
    }
    wlen = (size_t)(t2 - t1 - 1);
    if (wlen == 3 && memcmp(t1 + 1, "any", 3) == 0) {
      value = kind;
    } else if (wlen == 5 && memcmp(t1 + 1, "start", 5) == 0) {
      value = kind | AT_START;
    } else if (wlen == 5 && memcmp(t1 + 1, "whole", 5) == 0) {
      value = kind | AT_START | AT_WHOLE;
    } else {
      ctix__error_source(err, source);
      rc = ctix__error_set_lc(err, CTIX_EPARSE, line, (unsigned)(t1 - ln) + 2,
                              "where must be 'any', 'start' or 'whole'");
      goto done;
    }
    cue = ctix__ttp_patset_strdup(ps, t2 + 1, n - (size_t)(t2 + 1 - ln));
    if (!cue) {
      rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
      goto done;
    }
    rc = ctix__ttp_patset_add(ps, cue, strlen(cue), value, 1.0f, cue, 0, why, sizeof(why), err);
    if (rc == CTIX_EPARSE) {
      ctix__error_source(err, source);
      rc = ctix__error_set_lc(err, CTIX_EPARSE, line, (unsigned)(t2 - ln) + 2, "%s", why);
    }
    if (rc)
      goto done;
  }
  rc = ctix__ttp_patset_compile(ps, err);
done:
  if (rc) {
    ctix__ttp_patset_free(ps);
    return rc;
  }
  *out = ps;
  return 0;
}

static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;
static ctix__ttp_patset *ctx_set;
static ctix_error ctx_err;

/* Compiles the embedded context cues once. */
static void load_context(void)
{
  size_t len;
  const char *data = ctix__ttp_data_context(&len);
  ctix_error_clear(&ctx_err);
  ctix__ttp_context_parse(&ctx_set, data, len, "context.tsv", &ctx_err);
}

int ctix__ttp_context_init(ctix_error *err)
{
  pthread_once(&ctx_once, load_context);
  if (ctx_set)
    return 0;
  if (err && err->code == 0)
    *err = ctx_err;
  return ctx_err.code ? ctx_err.code : CTIX_ENOMEM;
}

/* What the cue scan of one text found. */
typedef struct found {
  size_t first_word;   /* offset of the first letter */
  size_t last_word;    /* offset after the last letter or digit */
  unsigned kinds;      /* 1 << kind */
} found;

static int on_cue(void *ud, const ctix__ttp_pmatch *m, const char *text, size_t len)
{
  found *f = ud;
  (void)text;
  (void)len;
  if ((m->value & AT_START) && m->start != f->first_word)
    return 0;
  if ((m->value & AT_WHOLE) && m->end != f->last_word)
    return 0;
  f->kinds |= 1u << (m->value & 0xffu);
  return 0;
}

/* The kinds of cue in s[0..n). */
static unsigned cue_kinds(const char *s, size_t n)
{
  found f;
  size_t i = 0;
  if (ctix__ttp_context_init(NULL) != 0 || n == 0)
    return 0;
  if (n > CTX_SCAN_MAX)
    n = CTX_SCAN_MAX;
  while (i < n && !ctix__isalpha((unsigned char)s[i]))
    i++;
  f.first_word = i;
  f.last_word = n;
  while (f.last_word > i && !ctix__isalnum((unsigned char)s[f.last_word - 1]))
    f.last_word--;
  f.kinds = 0;
  ctix__ttp_patset_scan(ctx_set, s, n, on_cue, &f);
  return f.kinds;
}

static bool is_filler(const char *w, size_t n)
{
  size_t i;
  for (i = 0; i < sizeof(fillers) / sizeof(fillers[0]); i++)
    if (fillers[i].n == n && memcmp(fillers[i].w, w, n) == 0)
      return true;
  return false;
}

/*
 * Whether s[0..n) has a 'T' followed by a digit and at least three more
 * bytes: what every explicit id needs (most prose has none).
 */
static bool may_hold_id(const char *s, size_t n)
{
  const char *p = s, *e = s + n;
  while ((p = memchr(p, 'T', (size_t)(e - p))) != NULL) {
    if (e - p >= 5 && ctix__isdigit((unsigned char)p[1]))
      return true;
    p++;
  }
  return false;
}

/*
 * True when s[0..n) only enumerates techniques: an explicit id and at
 * most two lower-case non-filler words, or (a table row) no such word.
 */
static bool id_table(const char *s, size_t n, bool table_row)
{
  const unsigned char *t = (const unsigned char *)s;
  size_t i = 0, ids = 0, prose = 0, words = 0;
  if (n > CTX_SCAN_MAX)
    n = CTX_SCAN_MAX;
  if (!table_row && !may_hold_id(s, n))
    return false;
  while (i < n) {
    size_t j = i;
    if (!ctix__isalnum(t[i])) {
      i++;
      continue;
    }
    while (j < n && (ctix__isalnum(t[j]) || t[j] == '_' || t[j] == '\'' ||
                     (t[j] == '.' && j + 1 < n && ctix__isalnum(t[j + 1]))))
      j++;
    words++;
    if (t[i] == 'T' && j - i >= 5 && ctix__isdigit(t[i + 1]) && ctix__isdigit(t[i + 2]) &&
        ctix__isdigit(t[i + 3]) && ctix__isdigit(t[i + 4]) &&
        (j - i == 5 || (j - i == 9 && t[i + 5] == '.')))
      ids++;
    else if (ctix__islower(t[i]) && !is_filler(s + i, j - i) && ++prose > 2)
      return false; /* too much prose for an id table, and for a table row */
    i = j;
  }
  if (ids > 0)
    return prose <= 2;
  return table_row && words > 0 && prose == 0;
}

/* Most words a publication notice has ("Download the PDF version of this
 * report", "Subscribe to our newsletter for weekly summaries"). */
#define NOTICE_MAX_WORDS 12

/*
 * Whether s[0..n) has the shape of a notice to the reader: short, and not
 * opening with a quote (a quoted lure, "Download the PDF invoice," the
 * e-mail urged, is part of an attack description).
 */
static bool notice_shape(const char *s, size_t n)
{
  const unsigned char *t = (const unsigned char *)s;
  size_t i = 0, words = 0;
  while (i < n && ctix__isspace(t[i]))
    i++;
  if (i < n && (t[i] == '"' || t[i] == '\'' || t[i] == '`' || t[i] == 0xe2 || t[i] == 0xc2))
    return false; /* ASCII quotes; U+2018-U+201F and U+00AB start with E2 / C2 */
  while (i < n) {
    if (!ctix__isalnum(t[i])) {
      i++;
      continue;
    }
    if (++words > NOTICE_MAX_WORDS)
      return false;
    while (i < n && (ctix__isalnum(t[i]) || t[i] == '\'' || t[i] == '-'))
      i++;
  }
  return true;
}

/* Whether s[0..n) ends with a question mark (closing quotes and brackets aside). */
static bool is_question(const char *s, size_t n)
{
  while (n > 0 && (ctix__isspace((unsigned char)s[n - 1]) || s[n - 1] == '"' || s[n - 1] == ')' ||
                   s[n - 1] == '\''))
    n--;
  return n > 0 && s[n - 1] == '?';
}

/* Context flags from the cue kinds; `listed` allows imperatives. */
static unsigned flags_of(unsigned kinds, bool imperative_ok)
{
  unsigned f = 0;
  if (kinds & (1u << K_NEGATED))
    f |= CTIX__TTP_CTX_NEGATED;
  if (kinds & (1u << K_HYPOTHETICAL))
    f |= CTIX__TTP_CTX_HYPOTHETICAL;
  if ((kinds & (1u << K_ADVICE)) || (imperative_ok && (kinds & (1u << K_IMPERATIVE))))
    f |= CTIX__TTP_CTX_ADVICE;
  if (kinds & (1u << K_PUBLICATION))
    f |= CTIX__TTP_CTX_PUBLICATION;
  if (kinds & (1u << K_CONTRAST))
    f |= CTIX__TTP_CTX_CONTRAST;
  return f;
}

unsigned ctix__ttp_text_context(const char *s, size_t len)
{
  unsigned f;
  if (!s || len == 0)
    return 0;
  f = flags_of(cue_kinds(s, len), false);
  if ((f & CTIX__TTP_CTX_PUBLICATION) && !notice_shape(s, len))
    f &= ~(unsigned)CTIX__TTP_CTX_PUBLICATION;
  if (id_table(s, len, false))
    f |= CTIX__TTP_CTX_ID_TABLE;
  if (is_question(s, len))
    f |= CTIX__TTP_CTX_CONTRAST;
  return f;
}

/* REFERENCE or MITIGATION from the innermost heading that names a kind. */
static unsigned section_flags(const ctix_document *doc, uint32_t section)
{
  size_t guard = 0;
  int64_t sec = section;
  while (sec >= 0 && (size_t)sec < doc->nsections && guard++ < 64) {
    const ctix_section *s = &doc->sections[sec];
    if (s->heading.end > s->heading.start && s->heading.end <= doc->len) {
      unsigned k = cue_kinds(doc->text + s->heading.start, s->heading.end - s->heading.start);
      if (k & (1u << K_REFERENCE_HEADING))
        return CTIX__TTP_CTX_REFERENCE;
      if (k & (1u << K_MITIGATION_HEADING))
        return CTIX__TTP_CTX_MITIGATION;
    }
    if (s->parent >= sec)
      break;
    sec = s->parent;
  }
  return 0;
}

unsigned ctix__ttp_sentence_context(const ctix_document *doc, size_t i)
{
  const ctix_sentence *st;
  const ctix_block *b = NULL;
  const char *s;
  size_t n;
  unsigned f = 0, sf = 0;
  bool row = false, item = false;

  if (!doc || i >= doc->nsentences)
    return 0;
  st = &doc->sentences[i];
  if (st->span.end <= st->span.start || st->span.end > doc->len)
    return 0;
  s = doc->text + st->span.start;
  n = st->span.end - st->span.start;
  if (st->block < doc->nblocks) {
    b = &doc->blocks[st->block];
    row = b->kind == CTIX_BLOCK_TABLE_ROW;
    item = b->kind == CTIX_BLOCK_LIST_ITEM;
    sf = section_flags(doc, b->section);
  }
  f = flags_of(cue_kinds(s, n), item || (sf & CTIX__TTP_CTX_MITIGATION));
  if ((f & CTIX__TTP_CTX_PUBLICATION) && !notice_shape(s, n))
    f &= ~(unsigned)CTIX__TTP_CTX_PUBLICATION;
  if (id_table(s, n, row))
    f |= CTIX__TTP_CTX_ID_TABLE;
  if (is_question(s, n))
    f |= CTIX__TTP_CTX_CONTRAST;
  return f | sf;
}
