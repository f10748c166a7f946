/*
 * Lexicon cues of the technique mapper: the pattern engine shared by the
 * rule signals (ids, names, cues, sentence context), the parser of the
 * lexicon format (data/ttp/cues.tsv), the embedded data files, and
 * ctix__ttp_cues_match, the one pass over a text that reports every
 * explicit id, precise technique name and lexicon cue (but not the words
 * of a longer technique name: drop_covered).
 *
 * Patterns (syntax in cues_internal.h) are cut into literal parts; all
 * parts of all patterns form one Aho-Corasick automaton, compiled into a
 * dense DFA over byte classes (the bytes that occur in some part, ASCII
 * letters folded, every white-space byte one class). A run of white space
 * is one space for the automaton: the states entered by a space loop on
 * further spaces, so the scan is one table load per byte with no other
 * branch. Transitions into states with matches carry flag bits (a first
 * part ends there, a later part does, all of them need a word boundary
 * after them); only there, and for later parts only while some prefix
 * waits for one, the scan checks word boundaries, `*` continuations and
 * the order and distance of ` ... ` parts.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttp/cues_internal.h"
#include "ttp/patset_layout.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/str.h"
#include "util/utf8.h"

/* ----------------------------------------------------------- embedded data */

/* module.cmake passes the paths of the data files that exist (CTIX__TTP_INCBIN). */
#ifdef CTIX_TTP_CUES_TSV
CTIX__TTP_INCBIN(cues, CTIX_TTP_CUES_TSV);
const char *ctix__ttp_data_cues(size_t *len)
{
  *len = (size_t)(ctix__ttp_cues_end - ctix__ttp_cues_start);
  return ctix__ttp_cues_start;
}
#else
const char *ctix__ttp_data_cues(size_t *len)
{
  *len = 0;
  return "";
}
#endif

#ifdef CTIX_TTP_NAMES_TSV
CTIX__TTP_INCBIN(names, CTIX_TTP_NAMES_TSV);
const char *ctix__ttp_data_names(size_t *len)
{
  *len = (size_t)(ctix__ttp_names_end - ctix__ttp_names_start);
  return ctix__ttp_names_start;
}
#else
const char *ctix__ttp_data_names(size_t *len)
{
  *len = 0;
  return "";
}
#endif

#ifdef CTIX_TTP_CONTEXT_TSV
CTIX__TTP_INCBIN(context, CTIX_TTP_CONTEXT_TSV);
const char *ctix__ttp_data_context(size_t *len)
{
  *len = (size_t)(ctix__ttp_context_end - ctix__ttp_context_start);
  return ctix__ttp_context_start;
}
#else
const char *ctix__ttp_data_context(size_t *len)
{
  *len = 0;
  return "";
}
#endif

/* ------------------------------------------------------------ pattern set */

static bool is_word(unsigned char c)
{
  return ctix__isalnum(c) || c == '_';
}

int ctix__ttp_patset_new(ctix__ttp_patset **out, ctix_error *err)
{
  ctix__ttp_patset *ps = calloc(1, sizeof(*ps));
  *out = NULL;
  if (!ps)
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  ctix__arena_init(&ps->strings, 0);
  ctix__buf_init(&ps->bytes, (size_t)64 << 20);
  ctix__buf_init(&ps->parts, (size_t)64 << 20);
  ctix__buf_init(&ps->pats, (size_t)CTIX__TTP_PATS_MAX * sizeof(pat));
  *out = ps;
  return 0;
}

void ctix__ttp_patset_free(ctix__ttp_patset *ps)
{
  if (!ps)
    return;
  ctix__arena_free(&ps->strings);
  ctix__buf_free(&ps->bytes);
  ctix__buf_free(&ps->parts);
  ctix__buf_free(&ps->pats);
  if (!ps->borrowed) {
    free(ps->delta);
    free(ps->fail);
    free(ps->kfirst);
    free(ps->kids);
    free(ps->depth);
    free(ps->nflags);
    free(ps->first_use);
    free(ps->later_use);
    free(ps->dict);
    free(ps->uses);
  }
  free(ps);
}

const char *ctix__ttp_patset_strdup(ctix__ttp_patset *ps, const char *s, size_t len)
{
  return ctix__arena_strndup(&ps->strings, s, len);
}

/* Records a syntax error reason. */
static int bad(char *why, size_t whysize, const char *msg)
{
  if (why && whysize)
    ctix__strlcpy(why, msg, whysize);
  return CTIX_EPARSE;
}

/* Appends one part (normalised bytes[off..]) with its boundary flags. */
static int push_part(ctix__ttp_patset *ps, size_t off, uint8_t flags, ctix_error *err)
{
  const unsigned char *b = (const unsigned char *)ps->bytes.data + off;
  size_t n = ps->bytes.len - off;
  part p;
  p.off = (uint32_t)off;
  p.node = 0;
  p.len = (uint16_t)n;
  p.flags = flags;
  if (!(flags & PART_GLUED) && ctix__isalnum(b[0]))
    p.flags |= PART_BOUND_START;
  if (!(flags & PART_STAR) && ctix__isalnum(b[n - 1]))
    p.flags |= PART_BOUND_END;
  if (ctix__buf_push(&ps->parts, &p, sizeof(p)))
    return ctix__error_set(err, ps->parts.err, "pattern set: too many parts");
  return 0;
}

/*
 * Reads the escape `<u+XXXX>` (4 to 6 lower-case hex digits) at p[0..n)
 * and writes the UTF-8 encoding of its code point to enc; returns the
 * length of the encoding, or 0 when it is not such an escape or the code
 * point is ASCII, a surrogate or above U+10FFFF.
 */
static size_t code_point_escape(const unsigned char *p, size_t n, char enc[4])
{
  uint32_t cp = 0;
  size_t k = 3;
  for (; k < n && k < 9 && ((p[k] >= '0' && p[k] <= '9') || (p[k] >= 'a' && p[k] <= 'f'));
       k++)
    cp = cp * 16 + (uint32_t)(p[k] <= '9' ? p[k] - '0' : p[k] - 'a' + 10);
  if (k < 7 || k >= n || p[k] != '>' || cp < 0x80 || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return ctix__utf8_encode(cp, enc);
}

/*
 * Parses one pattern into parts: ` ... ` separates ordered parts, a `*`
 * ending a word ends a part that the next one (if any) continues in the
 * same run of word bytes, runs of spaces are one space.
 */
int ctix__ttp_patset_add(ctix__ttp_patset *ps, const char *pat_text, size_t len, uint32_t value,
                         float weight, const char *cue, unsigned flags, char *why,
                         size_t whysize, ctix_error *err)
{
  const unsigned char *s = (const unsigned char *)pat_text;
  size_t i = 0, part_off, save_bytes = ps->bytes.len, save_parts = ps->parts.len;
  uint8_t next_flags = 0;
  pat p;
  int rc = 0;

  if (ps->compiled)
    return ctix__error_set(err, CTIX_EINVAL, "pattern set already compiled");
  while (len > 0 && s[len - 1] == ' ')
    len--;
  while (i < len && s[i] == ' ')
    i++;
  if (i >= len)
    return bad(why, whysize, "empty pattern");
  if (len - i > CTIX__TTP_PAT_MAX)
    return bad(why, whysize, "pattern longer than 200 bytes");
  if (CTIX__BUF_COUNT(&ps->pats, pat) >= CTIX__TTP_PATS_MAX)
    return ctix__error_set(err, CTIX_ETOOBIG, "more than %u patterns", CTIX__TTP_PATS_MAX);
  p.first_part = (uint32_t)CTIX__BUF_COUNT(&ps->parts, part);
  p.value = value;
  p.weight = weight;
  p.cue = cue;
  part_off = ps->bytes.len;
  while (i <= len) {
    unsigned char c = i < len ? s[i] : 0;
    bool at_end = i == len;
    if (!at_end && c == ' ' && i + 4 < len && memcmp(s + i, " ... ", 5) == 0) {
      /* end of a part, the next one follows within the sentence */
      if (ps->bytes.len == part_off && !(i > 0 && s[i - 1] == '*')) {
        rc = bad(why, whysize, "empty part before ' ... '");
        goto fail;
      }
      if (ps->bytes.len > part_off && (rc = push_part(ps, part_off, next_flags, err)))
        goto fail;
      next_flags = 0;
      i += 5;
      while (i < len && s[i] == ' ')
        i++;
      if (i >= len) {
        rc = bad(why, whysize, "empty part after ' ... '");
        goto fail;
      }
      part_off = ps->bytes.len;
      continue;
    }
    if (at_end) {
      if (ps->bytes.len == part_off) {
        rc = bad(why, whysize, "empty part");
        goto fail;
      }
      if ((rc = push_part(ps, part_off, next_flags, err)))
        goto fail;
      break;
    }
    if (c == '*') {
      if (ps->bytes.len == part_off || !is_word((unsigned char)ps->bytes.data[ps->bytes.len - 1])) {
        rc = bad(why, whysize, "'*' must follow a letter or digit");
        goto fail;
      }
      if (i + 1 < len && s[i + 1] != ' ') {
        rc = bad(why, whysize, "'*' must end a word");
        goto fail;
      }
      if ((rc = push_part(ps, part_off, (uint8_t)(next_flags | PART_STAR), err)))
        goto fail;
      i++;
      part_off = ps->bytes.len;
      if (i < len && !(i + 4 < len && memcmp(s + i, " ... ", 5) == 0))
        next_flags = PART_GLUED; /* "encod* command": the space starts the next part */
      else
        next_flags = 0;
      if (i >= len)
        break;
      continue;
    }
    if (c == '<' && i + 2 < len && s[i + 1] == 'u' && s[i + 2] == '+') {
      /* `<u+202e>`: the UTF-8 bytes of a non-ASCII code point, so that
       * an invisible character is written visibly in the lexicon */
      char enc[4];
      size_t n = code_point_escape(s + i, len - i, enc);
      if (!n) {
        rc = bad(why, whysize, "bad <u+XXXX> escape: 4-6 lower-case hex digits of a non-ASCII code point");
        goto fail;
      }
      if (ctix__buf_add(&ps->bytes, enc, n)) {
        rc = ctix__error_set(err, ps->bytes.err, "pattern set: out of memory");
        goto fail;
      }
      while (s[i] != '>')
        i++;
      i++;
      continue;
    }
    if (c < 0x20 || c == 0x7f) {
      rc = bad(why, whysize, "control character in pattern");
      goto fail;
    }
    if (ctix__isupper(c)) {
      rc = bad(why, whysize, "pattern must be lower-case");
      goto fail;
    }
    if (c == ' ' && ps->bytes.len > part_off && ps->bytes.data[ps->bytes.len - 1] == ' ') {
      i++;
      continue; /* runs of spaces are one */
    }
    if (ctix__buf_addc(&ps->bytes, (char)c)) {
      rc = ctix__error_set(err, ps->bytes.err, "pattern set: out of memory");
      goto fail;
    }
    i++;
  }
  p.nparts = (uint32_t)CTIX__BUF_COUNT(&ps->parts, part) - p.first_part;
  if (p.nparts > CTIX__TTP_PAT_PARTS) {
    rc = bad(why, whysize, "more than 8 parts");
    goto fail;
  }
  if (flags & CTIX__TTP_PAT_OPEN_END)
    CTIX__BUF_AT(&ps->parts, part, p.first_part + p.nparts - 1).flags &= (uint8_t)~PART_BOUND_END;
  if (ctix__buf_push(&ps->pats, &p, sizeof(p))) {
    rc = ctix__error_set(err, ps->pats.err, "pattern set: out of memory");
    goto fail;
  }
  return 0;
fail:
  if (ps->bytes.err == 0)
    ctix__buf_truncate(&ps->bytes, save_bytes);
  if (ps->parts.err == 0)
    ctix__buf_truncate(&ps->parts, save_parts);
  return rc;
}

/* State t as a transition target: with OUT_FIRST, OUT_LATER and END_FLAG from its flags. */
static uint32_t tagged(const ctix__ttp_patset *ps, uint32_t t)
{
  uint8_t nf = ps->nflags[t];
  if (!(nf & NODE_OUT))
    return t;
  return t | (nf & NODE_OUT_FIRST ? OUT_FIRST : 0) | (nf & NODE_OUT_LATER ? OUT_LATER : 0) |
         (nf & NODE_CHAIN_END ? END_FLAG : 0);
}

/*
 * Builds the automaton: byte classes, the trie of all part literals,
 * failure and dictionary links in breadth-first order, then states
 * renumbered in that order. The first DENSE_MAX states (the shallow, hot
 * ones) get full transition rows, every missing transition filled from
 * the failure state (a space state loops on spaces); deeper states keep
 * only their trie children and fall back along failure links, at build
 * time too (goto_of), so the build does not fill rows it throws away. Every
 * transition carries the flag bits of its target (tagged): whether a
 * first part, a later part ends there, and whether all those literals
 * need a word boundary after them.
 */
/* The transition of state s on class c while building: its row when s
 * was filled (a dense state), else its trie child (or its space loop),
 * else that of its failure state. */
static uint32_t goto_of(const uint32_t *full, const uint32_t *fail, const uint8_t *filled,
                        uint32_t nc, uint32_t s, uint32_t c)
{
  for (;;) {
    uint32_t t = full[(size_t)s * nc + c];
    if (t || s == 0 || filled[s])
      return t;
    s = fail[s];
  }
}

int ctix__ttp_patset_compile(ctix__ttp_patset *ps, ctix_error *err)
{
  size_t nparts = CTIX__BUF_COUNT(&ps->parts, part), npats = CTIX__BUF_COUNT(&ps->pats, pat);
  size_t maxstates = 1, k, i;
  uint32_t nc, space_cls = 0, nstates = 1, nuses = 0, head = 0, tail = 0, nkids = 0, q;
  /* build-time arrays, indexed by trie (old) state number */
  uint32_t *full = NULL, *fail = NULL, *queue = NULL, *perm = NULL, *first = NULL, *later = NULL;
  uint32_t *dict = NULL, *tails = NULL, *kfirst = NULL;
  uint32_t *parent = NULL, *pcls = NULL, *cfirst = NULL, *clist = NULL, *bycls = NULL;
  uint16_t *depth = NULL;
  uint8_t *space_in = NULL, *filled = NULL;
  int rc = 0;

  if (ps->compiled)
    return 0;
  if (ps->bytes.err || ps->parts.err || ps->pats.err)
    return ctix__error_set(err, CTIX_ENOMEM, "pattern set: out of memory");
  /* classes: 0 = other, then each byte used by some literal */
  memset(ps->cls, 0, sizeof(ps->cls));
  nc = 1;
  for (k = 0; k < ps->bytes.len; k++) {
    unsigned char c = (unsigned char)ps->bytes.data[k];
    if (!ps->cls[c])
      ps->cls[c] = (uint8_t)nc++;
  }
  for (k = 'A'; k <= 'Z'; k++)
    ps->cls[k] = ps->cls[k + 32];
  if (ps->cls[' ']) {
    space_cls = ps->cls[' '];
    ps->cls['\t'] = ps->cls['\n'] = ps->cls['\r'] = ps->cls['\f'] = ps->cls['\v'] =
        (uint8_t)space_cls;
  }
  ps->nclasses = nc;
  ps->space_cls = space_cls;
  maxstates += ps->bytes.len;
  if (maxstates >= ROW_MASK / 2 || maxstates * nc >= ((size_t)1 << 31))
    return ctix__error_set(err, CTIX_ETOOBIG, "pattern set too large for the automaton");
  full = calloc(maxstates * nc, sizeof(uint32_t));
  fail = calloc(maxstates, sizeof(uint32_t));
  queue = malloc(maxstates * sizeof(uint32_t));
  perm = malloc(maxstates * sizeof(uint32_t));
  first = malloc(maxstates * sizeof(uint32_t));
  later = malloc(maxstates * sizeof(uint32_t));
  dict = malloc(maxstates * sizeof(uint32_t));
  tails = malloc(2 * maxstates * sizeof(uint32_t));
  kfirst = malloc(maxstates * sizeof(uint32_t));
  depth = calloc(maxstates, sizeof(uint16_t));
  space_in = calloc(maxstates, 1);
  filled = calloc(maxstates, 1);
  parent = malloc(maxstates * sizeof(uint32_t));
  pcls = malloc(maxstates * sizeof(uint32_t));
  cfirst = calloc(maxstates + nc + 1, sizeof(uint32_t));
  clist = malloc(maxstates * sizeof(uint32_t));
  bycls = malloc(maxstates * sizeof(uint32_t));
  ps->uses = malloc((nparts ? nparts : 1) * sizeof(use));
  ps->kids = malloc(maxstates * sizeof(kid));
  if (!full || !fail || !queue || !perm || !first || !later || !dict || !tails || !kfirst ||
      !depth || !space_in || !filled || !parent || !pcls || !cfirst || !clist || !bycls ||
      !ps->uses || !ps->kids)
    goto nomem;
  memset(first, 0xff, maxstates * sizeof(uint32_t));
  memset(later, 0xff, maxstates * sizeof(uint32_t));
  memset(dict, 0xff, maxstates * sizeof(uint32_t));
  /* the trie: full[] holds child state numbers (0 = none) for now */
  for (k = 0; k < npats; k++) {
    const pat *p = &CTIX__BUF_AT(&ps->pats, pat, k);
    uint32_t j;
    for (j = 0; j < p->nparts; j++) {
      const part *pt = &CTIX__BUF_AT(&ps->parts, part, p->first_part + j);
      const unsigned char *b = (const unsigned char *)ps->bytes.data + pt->off;
      uint32_t s = 0, *head_of = j == 0 ? first : later, *tail_of = tails + (j ? maxstates : 0);
      use *u = &ps->uses[nuses];
      for (i = 0; i < pt->len; i++) {
        uint32_t *slot = &full[(size_t)s * nc + ps->cls[b[i]]];
        if (!*slot) {
          *slot = nstates;
          parent[nstates] = s;
          pcls[nstates] = ps->cls[b[i]];
          depth[nstates] = (uint16_t)(depth[s] + 1);
          /* 1: entered by a space; 2: a space somewhere in the literal */
          space_in[nstates] = (uint8_t)(b[i] == ' ' ? 3 : (space_in[s] & 2));
          nstates++;
        }
        s = *slot;
      }
      u->pat = (uint32_t)k;
      u->part = j;
      u->next = NONE;
      CTIX__BUF_AT(&ps->parts, part, p->first_part + j).node = s;
      if (head_of[s] == NONE) /* appended: uses stay in pattern order */
        head_of[s] = nuses;
      else
        ps->uses[tail_of[s]].next = nuses;
      tail_of[s] = nuses++;
    }
  }
  ps->nuses = nuses;
  /* the trie children of each state in class order (two counting sorts:
   * by class, then stably by parent): clist[cfirst[s], cfirst[s + 1]) */
  for (q = 1; q < nstates; q++)
    cfirst[pcls[q] + 1]++;
  for (q = 0; q < nc; q++)
    cfirst[q + 1] += cfirst[q];
  for (q = 1; q < nstates; q++)
    bycls[cfirst[pcls[q]]++] = q;
  memset(cfirst, 0, (maxstates + nc + 1) * sizeof(uint32_t));
  for (q = 1; q < nstates; q++)
    cfirst[parent[q] + 1]++;
  for (q = 0; q < nstates; q++)
    cfirst[q + 1] += cfirst[q];
  for (q = 0; q + 1 < nstates; q++) {
    uint32_t t = bycls[q];
    clist[cfirst[parent[t]]++] = t;
  }
  for (q = nstates; q > 0; q--)
    cfirst[q] = cfirst[q - 1];
  cfirst[0] = 0;
  /* breadth-first: failure links, dictionary links, trie children, and
   * full rows for the first DENSE_MAX states (the ones kept) */
  queue[tail++] = 0;
  while (head < tail) {
    bool dense = head < DENSE_MAX;
    uint32_t s = queue[head++], c, n = dense ? nc : cfirst[s + 1] - cfirst[s];
    uint32_t *row = &full[(size_t)s * nc];
    bool loop = s != 0 && space_cls && (space_in[s] & 1);
    kfirst[s] = nkids;
    /* a dense state visits every class, a sparse one its children */
    for (uint32_t v = 0; v < n; v++) {
      c = dense ? v : pcls[clist[cfirst[s] + v]];
      uint32_t child = row[c];
      if (loop && c == space_cls) {
        row[c] = s; /* a run of white space is one space */
      } else if (child) {
        uint32_t f = s == 0 ? 0 : goto_of(full, fail, filled, nc, fail[s], c);
        fail[child] = f;
        dict[child] = f != 0 && (first[f] != NONE || later[f] != NONE) ? f : dict[f];
        ps->kids[nkids].cls = c;
        ps->kids[nkids].to = child;
        nkids++;
        queue[tail++] = child;
      } else {
        row[c] = s == 0 ? 0 : goto_of(full, fail, filled, nc, fail[s], c);
      }
    }
    if (loop)
      row[space_cls] = s;
    filled[s] = dense;
  }
  /* renumber in breadth-first order */
  for (q = 0; q < tail; q++)
    perm[queue[q]] = q;
  ps->nstates = nstates;
  ps->ndense = nstates < DENSE_MAX ? nstates : DENSE_MAX;
  ps->delta = malloc((size_t)ps->ndense * nc * sizeof(uint32_t));
  ps->fail = malloc(nstates * sizeof(uint32_t));
  ps->kfirst = malloc(((size_t)nstates + 1) * sizeof(uint32_t));
  ps->depth = malloc(nstates * sizeof(uint16_t));
  ps->first_use = malloc(nstates * sizeof(uint32_t));
  ps->later_use = malloc(nstates * sizeof(uint32_t));
  ps->dict = malloc(nstates * sizeof(uint32_t));
  ps->nflags = calloc(nstates, 1);
  if (!ps->delta || !ps->fail || !ps->kfirst || !ps->depth || !ps->first_use || !ps->later_use ||
      !ps->dict || !ps->nflags)
    goto nomem;
  for (q = 0; q < nstates; q++) {
    uint32_t o = queue[q], ui;
    uint8_t nf = (uint8_t)(((space_in[o] & 1) ? NODE_SPACE : 0) | ((space_in[o] & 2) ? 0 : NODE_PLAIN) |
                           NODE_BOUND_START | NODE_BOUND_END);
    if (first[o] != NONE || later[o] != NONE || dict[o] != NONE)
      nf |= NODE_OUT;
    for (ui = 0; ui < 2; ui++) {
      uint32_t u = ui ? later[o] : first[o];
      for (; u != NONE; u = ps->uses[u].next) {
        const pat *p = &CTIX__BUF_AT(&ps->pats, pat, ps->uses[u].pat);
        const part *pt = &CTIX__BUF_AT(&ps->parts, part, p->first_part + ps->uses[u].part);
        if (!(pt->flags & PART_BOUND_START))
          nf &= (uint8_t)~NODE_BOUND_START;
        if (!(pt->flags & PART_BOUND_END))
          nf &= (uint8_t)~NODE_BOUND_END;
      }
    }
    /* dictionary suffixes are shallower: numbered, and flagged, before q */
    {
      uint8_t df = dict[o] == NONE ? NODE_CHAIN_END : ps->nflags[perm[dict[o]]];
      if ((nf & NODE_BOUND_END) && (df & NODE_CHAIN_END))
        nf |= NODE_CHAIN_END;
      if (first[o] != NONE || (df & NODE_OUT_FIRST))
        nf |= NODE_OUT_FIRST;
      if (later[o] != NONE || (df & NODE_OUT_LATER))
        nf |= NODE_OUT_LATER;
    }
    ps->nflags[q] = nf;
    ps->depth[q] = depth[o];
    ps->first_use[q] = first[o];
    ps->later_use[q] = later[o];
    ps->dict[q] = dict[o] == NONE ? NONE : perm[dict[o]];
    ps->fail[q] = perm[fail[o]];
    ps->kfirst[q] = kfirst[o]; /* children were listed in this same order */
  }
  ps->kfirst[nstates] = nkids;
  for (k = 0; k < nparts; k++)
    CTIX__BUF_AT(&ps->parts, part, k).node = perm[CTIX__BUF_AT(&ps->parts, part, k).node];
  for (k = 0; k < nkids; k++)
    ps->kids[k].to = tagged(ps, perm[ps->kids[k].to]);
  for (q = 0; q < ps->ndense; q++) {
    uint32_t o = queue[q], c;
    for (c = 0; c < nc; c++)
      ps->delta[(size_t)q * nc + c] = tagged(ps, perm[full[(size_t)o * nc + c]]);
  }
  for (k = 0; k < 256; k++)
    ps->word[k] = is_word((unsigned char)k);
  ps->compiled = true;
  goto done;
nomem:
  rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory building the cue automaton");
done:
  free(full);
  free(fail);
  free(queue);
  free(perm);
  free(first);
  free(later);
  free(dict);
  free(tails);
  free(kfirst);
  free(depth);
  free(space_in);
  free(filled);
  free(parent);
  free(pcls);
  free(cfirst);
  free(clist);
  free(bycls);
  return rc;
}

void ctix__ttp_patset_stats(const ctix__ttp_patset *ps, size_t *npatterns, size_t *nstates,
                            size_t *bytes)
{
  *npatterns = CTIX__BUF_COUNT(&ps->pats, pat);
  *nstates = ps->nstates;
  *bytes = (size_t)ps->ndense * ps->nclasses * sizeof(uint32_t) +
           (size_t)ps->nstates * (sizeof(uint16_t) + 5 * sizeof(uint32_t) + 1) +
           (size_t)ps->nstates * sizeof(kid) + (size_t)ps->nuses * sizeof(use);
}

bool ctix__ttp_patset_entry(const ctix__ttp_patset *ps, size_t i, uint32_t *value,
                            float *weight, const char **cue)
{
  const pat *p;
  if (i >= CTIX__BUF_COUNT(&ps->pats, pat))
    return false;
  p = &CTIX__BUF_AT(&ps->pats, pat, i);
  *value = p->value;
  *weight = p->weight;
  *cue = p->cue;
  return true;
}

/* ------------------------------------------------------------------ scan */

/* A matched prefix of a multi-part pattern, waiting for its next part. */
typedef struct pending {
  uint32_t node;        /* automaton state where the next part's literal ends */
  uint32_t pat, part;   /* the last part matched so far */
  uint32_t start, end;  /* span from the first part to that part */
  uint32_t first_end;   /* end of the first part */
} pending;

#define PENDING_MAX 256u

typedef struct scan {
  const ctix__ttp_patset *ps;
  const char *text;
  size_t len;
  ctix__ttp_match_fn fn;
  void *ud;
  pending ring[PENDING_MAX];
  uint32_t npending;    /* total pushed; the ring keeps the last PENDING_MAX */
  size_t last_end;      /* end of the newest pending prefix */
} scan;

/* Start of a literal of `n` normalised bytes ending at `end` (white-space runs count as one). */
static size_t literal_start(const char *t, size_t end, unsigned n)
{
  size_t p = end;
  while (n > 0 && p > 0) {
    p--;
    if (ctix__isspace((unsigned char)t[p]))
      while (p > 0 && ctix__isspace((unsigned char)t[p - 1]))
        p--;
    n--;
  }
  return p;
}

/* True when t[from..to) may separate two parts: short, no sentence end. */
static bool gap_ok(const char *t, size_t len, size_t from, size_t to)
{
  size_t i;
  if (to < from || to - from > CTIX__TTP_PART_GAP)
    return false;
  for (i = from; i < to; i++) {
    char c = t[i];
    if (c == '\n')
      return false;
    if ((c == '.' || c == '!' || c == '?') && (i + 1 >= len || ctix__isspace((unsigned char)t[i + 1])))
      return false;
  }
  return true;
}

/*
 * Whether a part literal found at [start, end) stands on its word
 * boundaries; *xend receives its end, `*` continuation included.
 */
static bool part_fits(const scan *sc, const part *pt, size_t start, size_t end, size_t *xend)
{
  const unsigned char *t = (const unsigned char *)sc->text;
  if ((pt->flags & PART_BOUND_START) && start > 0 && is_word(t[start - 1]))
    return false;
  if (pt->flags & PART_STAR) {
    size_t lim = end + CTIX__TTP_STAR_MAX;
    while (end < sc->len && is_word(t[end]) && end < lim)
      end++;
    if (end < sc->len && is_word(t[end]))
      return false;
  } else if ((pt->flags & PART_BOUND_END) && end < sc->len && is_word(t[end])) {
    return false;
  }
  *xend = end;
  return true;
}

/*
 * Part `part_i` of pattern `pi` matched at [start, end), after the prefix
 * `prev` (NULL for the first part): pushes the longer prefix, or reports
 * the whole match.
 */
static int advance(scan *sc, uint32_t pi, uint32_t part_i, const pending *prev, size_t start,
                   size_t end)
{
  const pat *p = &CTIX__BUF_AT(&sc->ps->pats, pat, pi);
  ctix__ttp_pmatch m;
  uint32_t first = prev ? prev->start : (uint32_t)start;
  uint32_t first_end = prev ? prev->first_end : (uint32_t)end;
  if (part_i + 1 < p->nparts) {
    pending *q = &sc->ring[sc->npending % PENDING_MAX];
    q->node = CTIX__BUF_AT(&sc->ps->parts, part, p->first_part + part_i + 1).node;
    q->pat = pi;
    q->part = part_i;
    q->start = first;
    q->end = (uint32_t)end;
    q->first_end = first_end;
    sc->npending++;
    if (end > sc->last_end)
      sc->last_end = end;
    return 0;
  }
  m.start = first;
  m.end = (uint32_t)end;
  m.first_end = first_end;
  m.last_start = (uint32_t)start;
  m.value = p->value;
  m.weight = p->weight;
  m.cue = p->cue;
  return sc->fn(sc->ud, &m, sc->text, sc->len);
}

/*
 * A literal at state s, [start, end), as the next part of pending
 * prefixes: the newest fitting prefix of each pattern advances.
 */
static int on_later(scan *sc, uint32_t s, size_t start, size_t end)
{
  const ctix__ttp_patset *ps = sc->ps;
  uint32_t base = sc->npending, n = base < PENDING_MAX ? base : PENDING_MAX, k;
  uint32_t done_pat[32], ndone = 0, d;
  int rc;
  for (k = 0; k < n; k++) {
    const pending *qp = &sc->ring[(base - 1 - k) % PENDING_MAX];
    pending q;
    const pat *p;
    const part *pt;
    size_t xend;
    bool seen = false;
    /* prefixes were pushed in scan order, each ending at most
       CTIX__TTP_STAR_MAX past its scan position: all older ones are too far */
    if ((size_t)qp->end + CTIX__TTP_STAR_MAX + CTIX__TTP_PART_GAP < start)
      break;
    if (qp->node != s)
      continue;
    q = *qp;
    if (q.end > start || start - q.end > CTIX__TTP_PART_GAP)
      continue;
    p = &CTIX__BUF_AT(&ps->pats, pat, q.pat);
    pt = &CTIX__BUF_AT(&ps->parts, part, p->first_part + q.part + 1);
    for (d = 0; d < ndone; d++)
      if (done_pat[d] == q.pat)
        seen = true;
    if (seen)
      continue;
    if (pt->flags & PART_GLUED ? q.end != start : !gap_ok(sc->text, sc->len, q.end, start))
      continue;
    if (!part_fits(sc, pt, start, end, &xend))
      continue;
    if (ndone < 32)
      done_pat[ndone++] = q.pat;
    if ((rc = advance(sc, q.pat, q.part + 1, &q, start, xend)))
      return rc;
  }
  return 0;
}

/* Start of the text span of state s's literal when it ends at `end`. */
static size_t state_start(const ctix__ttp_patset *ps, const char *t, uint32_t s, size_t end)
{
  size_t d = ps->depth[s];
  if (ps->nflags[s] & NODE_PLAIN)
    return d <= end ? end - d : 0; /* (a prebuilt set's depths are not checked) */
  return literal_start(t, end, (unsigned)d);
}

/* Every literal ending at state `s` (its own, then by dictionary links). */
static int on_state(scan *sc, uint32_t s, size_t end)
{
  const ctix__ttp_patset *ps = sc->ps;
  const unsigned char *t = (const unsigned char *)sc->text;
  int rc;
  bool word_after = end < sc->len && is_word(t[end]);
  while (s != NONE) {
    size_t start, xend;
    uint32_t ui;
    uint8_t nf = ps->nflags[s];
    /* the boundaries every use of this literal needs */
    if ((nf & NODE_BOUND_END) && word_after) {
      s = ps->dict[s];
      continue;
    }
    start = state_start(ps, sc->text, s, end);
    if ((nf & NODE_BOUND_START) && start > 0 && is_word(t[start - 1])) {
      s = ps->dict[s];
      continue;
    }
    /* later parts only matter while some prefix is pending close enough */
    if (ps->later_use[s] != NONE && sc->npending > 0 &&
        start <= sc->last_end + CTIX__TTP_PART_GAP)
      if ((rc = on_later(sc, s, start, end)))
        return rc;
    for (ui = ps->first_use[s]; ui != NONE; ui = ps->uses[ui].next) {
      const use *u = &ps->uses[ui];
      const pat *p = &CTIX__BUF_AT(&ps->pats, pat, u->pat);
      if (part_fits(sc, &CTIX__BUF_AT(&ps->parts, part, p->first_part), start, end, &xend) &&
          (rc = advance(sc, u->pat, 0, NULL, start, xend)))
        return rc;
    }
    s = ps->dict[s];
  }
  return 0;
}

/* Transition of a sparse state: its trie children, else along failure links. */
static uint32_t sparse_step(const ctix__ttp_patset *ps, uint32_t s, uint32_t c)
{
  while (s >= ps->ndense) {
    uint32_t k, e;
    if (c == ps->space_cls && (ps->nflags[s] & NODE_SPACE))
      return tagged(ps, s);
    for (k = ps->kfirst[s], e = ps->kfirst[s + 1]; k < e; k++)
      if (ps->kids[k].cls == c)
        return ps->kids[k].to;
    s = ps->fail[s];
  }
  return ps->delta[(size_t)s * ps->nclasses + c];
}

/*
 * The scan stops at the states where a first part ends, and where a later
 * part ends while a pending prefix may still take it: from the last push
 * of a prefix until a literal's start (every later literal starts at or
 * after the current state's) is too far past the newest prefix's end.
 */
int ctix__ttp_patset_scan(const ctix__ttp_patset *ps, const char *text, size_t len,
                          ctix__ttp_match_fn fn, void *ud)
{
  const uint32_t *d = ps->delta;
  const uint8_t *cls = ps->cls, *word = ps->word;
  const unsigned char *t = (const unsigned char *)text;
  uint32_t s = 0, v, nd = ps->ndense, nc = ps->nclasses, mask = OUT_FIRST, pushed = 0;
  size_t i;
  scan sc;
  int rc;

  if (!ps->compiled || ps->nstates <= 1 || len == 0)
    return 0;
  if (len > UINT32_MAX - 1)
    return CTIX_ETOOBIG;
  sc.ps = ps;
  sc.text = text;
  sc.len = len;
  sc.fn = fn;
  sc.ud = ud;
  sc.npending = 0;
  sc.last_end = 0;
  for (i = 0; i < len; i++) {
    uint32_t c = cls[t[i]];
    v = s < nd ? d[(size_t)s * nc + c] : sparse_step(ps, s, c);
    s = v & ROW_MASK;
    if (!(v & mask))
      continue;
    /* every literal ending here needs a word boundary the next byte denies */
    if ((v & END_FLAG) && i + 1 < len && word[t[i + 1]])
      continue;
    if ((rc = on_state(&sc, s, i + 1)))
      return rc;
    if (sc.npending != pushed) {
      pushed = sc.npending;
      mask = OUT_FIRST | OUT_LATER;
    } else if ((mask & OUT_LATER) &&
               sc.last_end + CTIX__TTP_PART_GAP < state_start(ps, text, s, i + 1)) {
      mask = OUT_FIRST;
    }
  }
  return 0;
}

/* --------------------------------------------------------------- lexicon */

/* One field of a TAB-separated line. */
typedef struct field {
  const char *s;
  size_t n;
  unsigned col;  /* 1-based byte column */
} field;

/* Reports "SOURCE:LINE:COL: message". */
static int lex_error(ctix_error *err, const char *source, unsigned line, unsigned col,
                     const char *msg)
{
  ctix__error_source(err, source);
  return ctix__error_set_lc(err, CTIX_EPARSE, line, col ? col : 1, "%s", msg);
}

/* "T1234" or "T1234.567". */
static bool id_syntax(const char *s, size_t n)
{
  size_t i;
  if ((n != 5 && n != 9) || s[0] != 'T')
    return false;
  for (i = 1; i < n; i++) {
    if (i == 5) {
      if (s[i] != '.')
        return false;
    } else if (!ctix__isdigit((unsigned char)s[i])) {
      return false;
    }
  }
  return true;
}

/* "d.dd" in [lo, 1.00]; the value in hundredths. */
static bool weight_syntax(const char *s, size_t n, int *hundredths)
{
  if (n != 4 || !ctix__isdigit((unsigned char)s[0]) || s[1] != '.' ||
      !ctix__isdigit((unsigned char)s[2]) || !ctix__isdigit((unsigned char)s[3]))
    return false;
  *hundredths = (s[0] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  return true;
}

/*
 * Weights from the `#@prior P [k]` lines instead of the WEIGHT column
 * (ctix__ttp_cues_use_priors): the priors were set by judgement, without
 * the dev labels, so an evaluation on the dev sets is not fitted to them.
 */
static bool use_priors;

void ctix__ttp_cues_use_priors(bool on)
{
  use_priors = on;
}

/* Most decimals of a `#@prior` value (ten-thousandths). */
#define PRIOR_DECIMALS 4

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

/*
 * Reads a `#@prior P [k]` comment line ln[0..n) (any line that begins with
 * `#@prior`): P is a decimal of one integer digit and at most
 * PRIOR_DECIMALS decimals in 0.05-1.00 (`0.8`, `0.80`, `0.725`, `1`), k
 * one or two digits (pseudo-counts for tools/ttp/cue_stats.py; not used
 * here). Returns 0 with *prior = P in ten-thousandths, 1 for any other
 * comment line, or CTIX_EPARSE (reported at SOURCE:LINE:COL) for a
 * malformed prior line.
 */
static int prior_line(int *prior, const char *ln, size_t n, const char *source, unsigned line,
                      ctix_error *err)
{
  static const char usage[] = "expected `#@prior P [k]`: P a decimal 0.05-1.00 (at most 4 "
                              "decimals), k one or two digits";
  size_t i = 7, at, nd = 0;
  int v, unit = 1000;
  if (n < 7 || memcmp(ln, "#@prior", 7) != 0)
    return 1;
  if (i == n || !is_blank(ln[i]))
    return lex_error(err, source, line, (unsigned)i + 1, usage);
  while (i < n && is_blank(ln[i]))
    i++;
  at = i;
  if (i == n || !ctix__isdigit((unsigned char)ln[i]))
    return lex_error(err, source, line, (unsigned)at + 1, usage);
  v = (ln[i++] - '0') * 10000;
  if (i < n && ln[i] == '.') {
    for (i++; i < n && ctix__isdigit((unsigned char)ln[i]) && nd < PRIOR_DECIMALS; i++, nd++) {
      v += (ln[i] - '0') * unit;
      unit /= 10;
    }
    if (nd == 0)
      return lex_error(err, source, line, (unsigned)at + 1, usage);
  }
  if (i < n && !is_blank(ln[i]))
    return lex_error(err, source, line, (unsigned)at + 1, usage);
  if (v < 500 || v > 10000)
    return lex_error(err, source, line, (unsigned)at + 1, "prior must be 0.05-1.00");
  while (i < n && is_blank(ln[i]))
    i++;
  if (i < n) {
    at = i;
    while (i < n && ctix__isdigit((unsigned char)ln[i]))
      i++;
    if (i == at || i - at > 2)
      return lex_error(err, source, line, (unsigned)at + 1, usage);
    while (i < n && is_blank(ln[i]))
      i++;
    if (i < n)
      return lex_error(err, source, line, (unsigned)i + 1, usage);
  }
  *prior = v;
  return 0;
}

int ctix__ttp_lexicon_parse(ctix__ttp_patset *ps, const char *text, size_t len,
                            const char *source, const ctix_kb *kb, bool allow_zero,
                            ctix_error *err)
{
  size_t pos = 0;
  unsigned line = 0;
  char why[96], msg[200];
  int rc = 0, prior = -1;

  if (len > CTIX__TTP_LEXICON_MAX)
    return ctix__error_set(err, CTIX_ETOOBIG, "%s: larger than %zu bytes", source,
                           CTIX__TTP_LEXICON_MAX);
  while (pos < len) {
    const char *ln = text + pos, *nl = memchr(ln, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - ln) : len - pos, k, nf = 0, j;
    field f[4];
    ctix_kb_ref ref;
    ctix_kb_obj obj;
    int w;
    float weight;
    const char *cue;

    pos += n + (nl ? 1 : 0);
    line++;
    if (n > 0 && ln[n - 1] == '\r')
      n--;
    for (k = 0; k < n && ctix__isspace((unsigned char)ln[k]); k++)
      ;
    if (k == n || ln[0] == '#') {
      int p = -1, r = prior_line(&p, ln, n, source, line, err);
      if (r < 0)
        return r;
      if (r == 0)
        prior = p;
      continue;
    }
    /* split on TAB */
    for (k = 0, j = 0; k <= n; k++) {
      if (k == n || ln[k] == '\t') {
        if (nf < 4) {
          f[nf].s = ln + j;
          f[nf].n = k - j;
          f[nf].col = (unsigned)j + 1;
        }
        nf++;
        j = k + 1;
      }
    }
    if (nf != 3)
      return lex_error(err, source, line, 1, "expected 3 tab-separated fields: TECHNIQUE WEIGHT PATTERN");
    if (!id_syntax(f[0].s, f[0].n))
      return lex_error(err, source, line, f[0].col, "technique must be T#### or T####.###");
    if (ctix_kb_find_id(kb, f[0].s, f[0].n, &ref) != 0 || ctix_kb_get(kb, ref, &obj) != 0 ||
        obj.kind != CTIX_KB_TECHNIQUE) {
      snprintf(msg, sizeof(msg), "unknown technique %.*s", (int)f[0].n, f[0].s);
      return lex_error(err, source, line, f[0].col, msg);
    }
    if (obj.flags & CTIX_KB_REVOKED) {
      snprintf(msg, sizeof(msg), "technique %s is revoked%s%s", obj.id,
               obj.revoked_by != CTIX_KB_NONE ? ", use " : "",
               obj.revoked_by != CTIX_KB_NONE ? ctix_kb_id(kb, obj.revoked_by) : "");
      return lex_error(err, source, line, f[0].col, msg);
    }
    if (obj.flags & CTIX_KB_DEPRECATED) {
      snprintf(msg, sizeof(msg), "technique %s is deprecated", obj.id);
      return lex_error(err, source, line, f[0].col, msg);
    }
    if (!(obj.domains & CTIX_KB_ENTERPRISE)) {
      snprintf(msg, sizeof(msg), "technique %s is not an Enterprise technique", obj.id);
      return lex_error(err, source, line, f[0].col, msg);
    }
    if (!weight_syntax(f[1].s, f[1].n, &w) || w > 100 || (w < 5 && !(allow_zero && w == 0)))
      return lex_error(err, source, line, f[1].col,
                       allow_zero ? "weight must be 0.00 or 0.05-1.00 with two decimals"
                                  : "weight must be 0.05-1.00 with two decimals");
    cue = ctix__ttp_patset_strdup(ps, f[2].s, f[2].n);
    if (!cue)
      return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
    why[0] = '\0';
    weight = (float)w / 100.0f;
    if (use_priors && prior >= 0 && w > 0)
      weight = (float)prior / 10000.0f;
    rc = ctix__ttp_patset_add(ps, f[2].s, f[2].n, ref, weight, cue, 0, why, sizeof(why), err);
    if (rc == CTIX_EPARSE)
      return lex_error(err, source, line, f[2].col, why);
    if (rc)
      return rc;
  }
  return 0;
}

/* ------------------------------------------------------------ default set */

static pthread_once_t rules_once = PTHREAD_ONCE_INIT;
static ctix__ttp_patset *rules;
static const ctix_kb *rules_kb;
static ctix_error rules_err;

int ctix__ttp_rules_build(ctix__ttp_patset **out, const ctix_kb *kb, ctix_error *err)
{
  ctix__ttp_patset *ps = NULL;
  const char *data;
  size_t len;
  int rc;
  *out = NULL;
  if ((rc = ctix__ttp_patset_new(&ps, err)))
    return rc;
  data = ctix__ttp_data_cues(&len);
  if ((rc = ctix__ttp_names_add(ps, kb, err)) ||
      (rc = ctix__ttp_lexicon_parse(ps, data, len, "cues.tsv", kb, false, err)) ||
      (rc = ctix__ttp_patset_compile(ps, err))) {
    ctix__ttp_patset_free(ps);
    return rc;
  }
  *out = ps;
  return 0;
}

/*
 * Sets up the process-wide rule set: id trigger, names, the lexicon. The
 * build's prebuilt automaton (patset_io.c) serves when it was made from
 * this knowledge base and these data files and no evaluation switch
 * changes the weights; otherwise the set is compiled here.
 */
static void build_rules(void)
{
  ctix__ttp_patset *ps = NULL;
  const ctix_kb *kb = NULL;
  const unsigned char *blob;
  size_t len;
  ctix_error_clear(&rules_err);
  if (ctix_kb_default(&kb, &rules_err))
    return;
  blob = ctix__ttp_data_automaton(&len);
  if (len && !use_priors) {
    ctix__ttp_rules_ident id;
    ctix_error ignored;
    ctix_error_clear(&ignored);
    ctix__ttp_rules_ident_of(&id, kb);
    if (ctix__ttp_patset_load(&ps, blob, len, &id, &ignored) != 0)
      ps = NULL;
  }
  if (!ps && ctix__ttp_rules_build(&ps, kb, &rules_err))
    return;
  rules = ps;
  rules_kb = kb;
}

int ctix__ttp_rules_default(const ctix__ttp_patset **out, const ctix_kb **kb, ctix_error *err)
{
  pthread_once(&rules_once, build_rules);
  *out = rules;
  *kb = rules_kb;
  if (rules)
    return 0;
  if (err && err->code == 0)
    *err = rules_err;
  return rules_err.code ? rules_err.code : CTIX_ENOMEM;
}

/*
 * Evaluation only: replaces the lexicon of the process-wide rule set by
 * text[0..len) (same format as cues.tsv), keeping ids and names. Not
 * thread-safe: no mapping may run meanwhile, and hits of earlier mappings
 * whose `cue` strings came from the old lexicon must be gone. Used by the
 * cross-validation to map each fold with cue weights fitted without it.
 */
int ctix__ttp_rules_replace(const char *text, size_t len, const char *source, ctix_error *err)
{
  const ctix__ttp_patset *cur;
  const ctix_kb *kb;
  ctix__ttp_patset *ps = NULL;
  int rc;
  if ((rc = ctix__ttp_rules_default(&cur, &kb, err)))
    return rc;
  if ((rc = ctix__ttp_patset_new(&ps, err)))
    return rc;
  if ((rc = ctix__ttp_names_add(ps, kb, err)) ||
      (rc = ctix__ttp_lexicon_parse(ps, text, len, source, kb, false, err)) ||
      (rc = ctix__ttp_patset_compile(ps, err))) {
    ctix__ttp_patset_free(ps);
    return rc;
  }
  ctix__ttp_patset_free(rules);
  rules = ps;
  return 0;
}

/* ---------------------------------------------------------------- matching */

typedef struct match_ctx {
  ctix_buf *hits;
  const ctix_kb *kb;       /* the caller's */
  const ctix_kb *rkb;      /* the one the rules were compiled against */
} match_ctx;

/* Appends one hit, mapping the rule set's KB ref to the caller's KB. */
static int on_match(void *ud, const ctix__ttp_pmatch *m, const char *text, size_t len)
{
  match_ctx *mc = ud;
  ctix__ttp_cue_hit h;
  memset(&h, 0, sizeof(h));
  if (m->value == CTIX__TTP_ID_TRIGGER) {
    size_t end;
    if (!ctix__ttp_read_id(mc->kb, text, len, m->start, &h.technique, &end, &h.cue))
      return 0;
    h.start = m->start;
    h.end = (uint32_t)end;
    h.first_end = h.end;
    h.last_start = h.start;
    h.weight = 1.0f;
    h.kind = CTIX_TTP_SIG_ID;
  } else {
    h.start = m->start;
    h.end = m->end;
    h.first_end = m->first_end;
    h.last_start = m->last_start;
    h.weight = m->weight;
    h.cue = m->cue;
    h.technique = m->value & 0x7fffffffu;
    h.kind = (m->value & 0x80000000u) ? CTIX_TTP_SIG_NAME : CTIX_TTP_SIG_CUE;
    if (mc->kb != mc->rkb) {
      const char *id = ctix_kb_id(mc->rkb, h.technique);
      ctix_kb_ref r;
      if (ctix_kb_resolve_id(mc->kb, id, strlen(id), &r) != 0 ||
          (ctix_kb_flags(mc->kb, r) & (CTIX_KB_REVOKED | CTIX_KB_DEPRECATED)))
        return 0;
      h.technique = r;
    }
  }
  return ctix__buf_push(mc->hits, &h, sizeof(h));
}

/* Order of hits: start, longer first, kind, technique, weight, cue. */
static int hit_cmp(const void *a, const void *b)
{
  const ctix__ttp_cue_hit *x = a, *y = b;
  int c;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->end != y->end)
    return x->end > y->end ? -1 : 1;
  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  if (x->technique != y->technique)
    return x->technique < y->technique ? -1 : 1;
  if (x->weight != y->weight)
    return x->weight > y->weight ? -1 : 1;
  c = strcmp(x->cue ? x->cue : "", y->cue ? y->cue : "");
  return c;
}

/* Whether name hit n's span contains [start, end). */
static bool covers(const ctix__ttp_cue_hit *n, uint32_t start, uint32_t end)
{
  return n->start <= start && end <= n->end;
}

/*
 * Whether cue c is words of the name hit n: its first or last part (the
 * whole cue for one part) inside n's span, but not the same span (a cue
 * written as another technique's exact name is the lexicon's choice).
 */
static bool inside_name(const ctix__ttp_cue_hit *c, const ctix__ttp_cue_hit *n)
{
  if (n->start == c->start && n->end == c->end)
    return false;
  return covers(n, c->start, c->first_end) || covers(n, c->last_start, c->end);
}

/*
 * Whether techniques a and b are one, or one is the other's parent: a
 * sub-technique's cue inside its parent's name ("scheduled task", a cue of
 * T1053.005, in "Scheduled Task/Job") or the other way round is evidence
 * of the same family.
 */
static bool same_line(const ctix_kb *kb, ctix_kb_ref a, ctix_kb_ref b)
{
  ctix_kb_obj o;
  if (a == b)
    return true;
  if (ctix_kb_get(kb, a, &o) == 0 && o.parent == b)
    return true;
  return ctix_kb_get(kb, b, &o) == 0 && o.parent == a;
}

/* A kept name hit, in order of start, with the largest end of it and
 * every kept name before it: walking back from a position, no earlier
 * name can reach past `maxend`. */
typedef struct name_span {
  ctix__ttp_cue_hit hit;
  uint32_t maxend;
} name_span;

/* The number of names[0..n) starting at or before pos (names by start). */
static size_t names_upto(const name_span *names, size_t n, uint32_t pos)
{
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (names[mid].hit.start <= pos)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/*
 * The rule of the longest name, over h[0..n) sorted by hit_cmp: keeps in
 * order, at the front, the hits that are words of no longer technique
 * name, and sets *kept to how many. A name inside a longer name
 * ("Phishing" in "Phishing: Spearphishing Attachment") is the longer
 * name's evidence, not a hit of its own. A lexicon cue whose first or last
 * part lies inside the name of another technique ("proxy", a cue of T1090,
 * in "System Binary Proxy Execution", or a sibling's cue in "Impair
 * Defenses: Disable or Modify System Firewall") is a word of that name,
 * not evidence of its own technique, unless a name of the cue's own
 * technique, its parent or one of its sub-techniques covers it as well
 * ("powershell" in "Command and Scripting Interpreter: PowerShell" that
 * overlaps "PowerShell Profile"). Names that names.tsv keeps out (weight
 * 0.00: "Malicious Link", "Software") are not matched, so they cover
 * nothing: their words are the plain words they were kept out for. Only
 * the names that can reach a hit are looked at (no distance limit: a name
 * may match across a long run of white space). Returns 0 or CTIX_ENOMEM.
 */
static int drop_covered(size_t *kept, ctix__ttp_cue_hit *h, size_t n, const ctix_kb *kb)
{
  size_t i, k, out = 0, nn = 0;
  name_span *names = NULL;
  for (i = 0; i < n; i++)
    nn += h[i].kind == CTIX_TTP_SIG_NAME;
  if (!nn) {
    *kept = n;
    return 0;
  }
  if (!(names = malloc(nn * sizeof(*names))))
    return CTIX_ENOMEM;
  nn = 0;
  /* names inside longer names: a covering name starts no later and, at
   * the same start, sorts first (longer first) */
  for (i = 0; i < n; i++) {
    bool inside = false;
    if (h[i].kind == CTIX_TTP_SIG_NAME) {
      for (k = nn; !inside && k-- > 0 && names[k].maxend >= h[i].end;)
        inside = covers(&names[k].hit, h[i].start, h[i].end) &&
                 (names[k].hit.start != h[i].start || names[k].hit.end != h[i].end);
      if (inside)
        continue;
      names[nn].hit = h[i];
      names[nn].maxend = nn && names[nn - 1].maxend > h[i].end ? names[nn - 1].maxend : h[i].end;
      nn++;
    }
    h[out++] = h[i];
  }
  n = out;
  /* cues inside the kept names; the names stay in place */
  for (i = 0, out = 0; i < n; i++) {
    bool other = false, own = false;
    if (h[i].kind == CTIX_TTP_SIG_CUE)
      for (k = names_upto(names, nn, h[i].last_start); !own && k-- > 0 &&
                                                       names[k].maxend >= h[i].first_end;) {
        if (!inside_name(&h[i], &names[k].hit))
          continue;
        if (same_line(kb, h[i].technique, names[k].hit.technique))
          own = true;
        else
          other = true;
      }
    if (!other || own)
      h[out++] = h[i];
  }
  free(names);
  *kept = out;
  return 0;
}

int ctix__ttp_cues_match(ctix_buf *hits, const char *text, size_t len, const ctix_kb *kb,
                         ctix_error *err)
{
  const ctix__ttp_patset *ps;
  match_ctx mc;
  size_t first = CTIX__BUF_COUNT(hits, ctix__ttp_cue_hit), n, out;
  ctix__ttp_cue_hit *h;
  int rc;

  if (len > 0 && !text)
    return ctix__error_set(err, CTIX_EINVAL, "cues: no text");
  if ((rc = ctix__ttp_rules_default(&ps, &mc.rkb, err)))
    return rc;
  if (!kb)
    kb = mc.rkb;
  mc.hits = hits;
  mc.kb = kb;
  rc = ctix__ttp_patset_scan(ps, text, len, on_match, &mc);
  if (rc)
    return ctix__error_set(err, rc, rc == CTIX_ETOOBIG ? "cues: text too large"
                                                       : "cues: out of memory");
  n = CTIX__BUF_COUNT(hits, ctix__ttp_cue_hit) - first;
  if (n < 2)
    return 0;
  h = &CTIX__BUF_AT(hits, ctix__ttp_cue_hit, first);
  qsort(h, n, sizeof(*h), hit_cmp);
  if (drop_covered(&out, h, n, kb))
    return ctix__error_set(err, CTIX_ENOMEM, "cues: out of memory");
  ctix__buf_truncate(hits, (first + out) * sizeof(ctix__ttp_cue_hit));
  return 0;
}
