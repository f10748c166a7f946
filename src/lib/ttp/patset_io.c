/*
 * The prebuilt form of a compiled pattern set: the build runs
 * tools/ttp/automaton_gen.c, which compiles the default rule set (ids,
 * names, data/ttp/cues.tsv against the embedded knowledge base) and writes
 * it with ctix__ttp_patset_save; automaton_data.c embeds the result and
 * build_rules (cues.c) reads it with ctix__ttp_patset_load instead of
 * compiling the automaton in every process. The file names the inputs it
 * was built from (checksums of the knowledge base, the lexicon and the
 * name weights); a reader asking for other inputs gets CTIX_ENOTFOUND and
 * compiles as before.
 *
 * Layout (little-endian, the host order of writer and reader): a header
 * (magic "CTIXPAT1", version, a byte-order probe, the three checksums,
 * ten counts, the byte-class and word tables), then the arrays of the
 * automaton in the order of struct ctix__ttp_patset, each padded to 8
 * bytes: transition rows, failure links, child offsets, first and later
 * uses, dictionary links, children (class, target), uses (pattern, part,
 * next), depths, node flags, the part literals, parts (offset, node,
 * length, flags), patterns (first part, parts, value, weight bits, cue
 * offset or NONE) and the cue strings. The reader checks every count
 * against the size and every index and link before borrowing the arrays
 * in place, so a damaged or hostile blob is an error, never a bad scan.
 */
#include <stdlib.h>
#include <string.h>

#include "kb/format.h"
#include "kb/kb_internal.h"
#include "ttp/patset_layout.h"
#include "util/err.h"

#define MAGIC "CTIXPAT1"
#define VERSION 1u
#define ENDIAN_PROBE 0x01020304u
#define HEADER_SIZE (8 + 4 + 4 + 3 * 8 + 10 * 4 + 256 + 256)

_Static_assert(sizeof(kid) == 8, "kid records are two uint32");
_Static_assert(sizeof(use) == 12, "use records are three uint32");

/* The header counts, in file order. */
typedef struct counts {
  uint32_t nclasses, space_cls, nstates, ndense, nkids, nuses, nbytes, nparts, npats, nstr;
} counts;

void ctix__ttp_rules_ident_of(ctix__ttp_rules_ident *id, const ctix_kb *kb)
{
  size_t len;
  const char *d;
  id->kb = kb ? kb->checksum : 0;
  d = ctix__ttp_data_cues(&len);
  id->cues = ctix__kb_checksum((const unsigned char *)d, len);
  d = ctix__ttp_data_names(&len);
  id->names = ctix__kb_checksum((const unsigned char *)d, len);
}

/* ----------------------------------------------------------------- writer */

/* Appends n bytes and zero padding up to a multiple of 8. */
static int put(ctix_buf *out, const void *p, size_t n)
{
  static const char zero[8] = {0};
  if (n && ctix__buf_add(out, p, n))
    return out->err;
  return (out->len & 7) ? ctix__buf_add(out, zero, 8 - (out->len & 7)) : 0;
}

static int put32(ctix_buf *out, uint32_t v)
{
  return ctix__buf_add(out, &v, 4);
}

int ctix__ttp_patset_save(ctix_buf *out, const ctix__ttp_patset *ps,
                          const ctix__ttp_rules_ident *id, ctix_error *err)
{
  counts c;
  ctix_buf strs = CTIX_BUF_INIT(CTIX__TTP_LEXICON_MAX * 2);
  uint32_t probe = ENDIAN_PROBE, i;
  int rc = 0;

  if (*(const unsigned char *)&probe != 0x04)
    return ctix__error_set(err, CTIX_EUNSUPPORTED, "prebuilt automata are little-endian only");
  if (!ps->compiled || ps->borrowed)
    return ctix__error_set(err, CTIX_EINVAL, "pattern set not compiled here");
  memset(&c, 0, sizeof(c));
  c.nclasses = ps->nclasses;
  c.space_cls = ps->space_cls;
  c.nstates = ps->nstates;
  c.ndense = ps->ndense;
  c.nkids = ps->kfirst[ps->nstates];
  c.nuses = ps->nuses;
  c.nbytes = (uint32_t)ps->bytes.len;
  c.nparts = (uint32_t)CTIX__BUF_COUNT(&ps->parts, part);
  c.npats = (uint32_t)CTIX__BUF_COUNT(&ps->pats, pat);
  /* the cue strings, each once per pattern, in pattern order */
  for (i = 0; i < c.npats; i++) {
    const char *cue = CTIX__BUF_AT(&ps->pats, pat, i).cue;
    if (cue && ctix__buf_add(&strs, cue, strlen(cue) + 1)) {
      rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory writing the automaton");
      goto done;
    }
  }
  c.nstr = (uint32_t)strs.len;
  {
    uint64_t ids[3] = {id->kb, id->cues, id->names};
    const uint32_t *cv = &c.nclasses;
    const size_t ns = c.nstates;
    uint32_t strs_off = 0;
    if (ctix__buf_add(out, MAGIC, 8) || put32(out, VERSION) || put32(out, ENDIAN_PROBE) ||
        ctix__buf_add(out, ids, sizeof(ids)))
      goto nomem;
    for (i = 0; i < 10; i++)
      if (put32(out, cv[i]))
        goto nomem;
    if (ctix__buf_add(out, ps->cls, 256) || put(out, ps->word, 256) ||
        put(out, ps->delta, (size_t)c.ndense * c.nclasses * 4) || put(out, ps->fail, ns * 4) ||
        put(out, ps->kfirst, (ns + 1) * 4) || put(out, ps->first_use, ns * 4) ||
        put(out, ps->later_use, ns * 4) || put(out, ps->dict, ns * 4) ||
        put(out, ps->kids, (size_t)c.nkids * sizeof(kid)) ||
        put(out, ps->uses, (size_t)c.nuses * sizeof(use)) || put(out, ps->depth, ns * 2) ||
        put(out, ps->nflags, ns) || put(out, ps->bytes.data, c.nbytes))
      goto nomem;
    for (i = 0; i < c.nparts; i++) {
      const part *pt = &CTIX__BUF_AT(&ps->parts, part, i);
      if (put32(out, pt->off) || put32(out, pt->node) || put32(out, pt->len) ||
          put32(out, pt->flags))
        goto nomem;
    }
    for (i = 0; i < c.npats; i++) {
      const pat *p = &CTIX__BUF_AT(&ps->pats, pat, i);
      uint32_t w;
      memcpy(&w, &p->weight, 4);
      if (put32(out, p->first_part) || put32(out, p->nparts) || put32(out, p->value) ||
          put32(out, w) || put32(out, p->cue ? strs_off : NONE))
        goto nomem;
      if (p->cue)
        strs_off += (uint32_t)strlen(p->cue) + 1;
    }
    if (put(out, NULL, 0) || put(out, strs.data, strs.len))
      goto nomem;
  }
  goto done;
nomem:
  rc = ctix__error_set(err, out->err ? out->err : CTIX_ENOMEM,
                       "out of memory writing the automaton");
done:
  ctix__buf_free(&strs);
  return rc;
}

/* ----------------------------------------------------------------- reader */

bool ctix__ttp_patset_prebuilt(const ctix__ttp_patset *ps)
{
  return ps && ps->borrowed;
}

/* A cursor over the blob's sections. */
typedef struct rd {
  const unsigned char *p;
  size_t len, off;
} rd;

/* The next section of n bytes (NULL when it does not fit), cursor moved past its padding. */
static const void *take(rd *r, uint64_t n)
{
  const void *s;
  /* sizes are computed in 64 bits: a count from a damaged blob cannot
   * wrap a 32-bit size_t into a short section */
  if (n > (uint64_t)(r->len - r->off))
    return NULL;
  s = r->p + r->off;
  r->off += (size_t)n;
  r->off = r->off + 7 <= r->len ? (r->off + 7) & ~(size_t)7 : r->len;
  return s;
}

/* The largest state number among n transitions (flag bits masked off). */
static uint32_t max_target(const uint32_t *to, size_t n)
{
  uint32_t m = 0;
  size_t i;
  for (i = 0; i < n; i++) {
    uint32_t t = to[i] & ROW_MASK;
    m = t > m ? t : m;
  }
  return m;
}

/*
 * Every index and link of the borrowed automaton in range. Failure and
 * dictionary links point to lower-numbered states (breadth-first order
 * puts shallower states first), so every chain of them ends, failure
 * chains at a dense state. Depths need no check: the scanner clamps a
 * literal's start to the text (state_start).
 */
static const char *check_automaton(const ctix__ttp_patset *ps, uint32_t nkids, uint32_t npats,
                                   const uint32_t *ppats)
{
  uint32_t n = ps->nstates, q, k;
  for (k = 0; k < 256; k++)
    if (ps->cls[k] >= ps->nclasses)
      return "byte class out of range";
  if (ps->space_cls >= ps->nclasses)
    return "space class out of range";
  if (ps->fail[0] != 0 || ps->kfirst[0] != 0 || ps->kfirst[n] != nkids)
    return "bad root state";
  if (max_target(ps->delta, (size_t)ps->ndense * ps->nclasses) >= n)
    return "transition out of range";
  for (k = 0; k < nkids; k++)
    if ((ps->kids[k].to & ROW_MASK) >= n)
      return "child out of range";
  for (q = 1; q <= n; q++)
    if (ps->kfirst[q] < ps->kfirst[q - 1])
      return "child offsets out of order";
  for (q = 1; q < n; q++)
    if (ps->fail[q] >= q)
      return "failure link out of range";
  for (q = 0; q < n; q++)
    if (ps->dict[q] != NONE && ps->dict[q] >= q)
      return "dictionary link out of range";
  for (q = 0; q < n; q++)
    if ((ps->first_use[q] != NONE && ps->first_use[q] >= ps->nuses) ||
        (ps->later_use[q] != NONE && ps->later_use[q] >= ps->nuses))
      return "use out of range";
  for (k = 0; k < ps->nuses; k++) {
    const use *u = &ps->uses[k];
    if (u->pat >= npats || u->part >= ppats[(size_t)u->pat * 5 + 1] ||
        (u->next != NONE && (u->next <= k || u->next >= ps->nuses)))
      return "use record out of range";
  }
  return NULL;
}

int ctix__ttp_patset_load(ctix__ttp_patset **out, const void *blob, size_t len,
                          const ctix__ttp_rules_ident *want, ctix_error *err)
{
  rd r = {blob, len, 0};
  const unsigned char *h = blob;
  ctix__ttp_patset *ps = NULL;
  const uint32_t *pparts, *ppats;
  const char *strs, *why = NULL;
  uint64_t ids[3];
  counts c;
  uint32_t v, i;
  int rc;

  *out = NULL;
  if (len > CTIX__TTP_AUTOMATON_MAX)
    return ctix__error_set(err, CTIX_ETOOBIG, "prebuilt automaton larger than %zu bytes",
                           CTIX__TTP_AUTOMATON_MAX);
  if (((uintptr_t)blob & 7) != 0)
    return ctix__error_set(err, CTIX_EINVAL, "prebuilt automaton not 8-byte aligned");
  if (len < HEADER_SIZE || memcmp(h, MAGIC, 8) != 0)
    return ctix__error_set(err, CTIX_EPARSE, "not a prebuilt automaton (bad magic)");
  memcpy(&v, h + 8, 4);
  if (v != VERSION)
    return ctix__error_set(err, CTIX_EUNSUPPORTED, "prebuilt automaton version %u", v);
  memcpy(&v, h + 12, 4);
  if (v != ENDIAN_PROBE)
    return ctix__error_set(err, CTIX_EUNSUPPORTED, "prebuilt automaton of another byte order");
  memcpy(ids, h + 16, sizeof(ids));
  if (want && (ids[0] != want->kb || ids[1] != want->cues || ids[2] != want->names))
    return ctix__error_set(err, CTIX_ENOTFOUND,
                           "prebuilt automaton built from other data (knowledge base, cues)");
  memcpy(&c, h + 40, sizeof(c));
  if (c.nclasses == 0 || c.nclasses > 256 || c.nstates == 0 || c.ndense == 0 ||
      c.ndense > c.nstates || c.nstates >= ROW_MASK / 2 || c.npats > CTIX__TTP_PATS_MAX)
    return ctix__error_set(err, CTIX_EPARSE, "prebuilt automaton counts out of range");
  if ((rc = ctix__ttp_patset_new(&ps, err)))
    return rc;
  memcpy(ps->cls, h + 80, 256);
  memcpy(ps->word, h + 336, 256);
  r.off = HEADER_SIZE;
  ps->nclasses = c.nclasses;
  ps->space_cls = c.space_cls;
  ps->nstates = c.nstates;
  ps->ndense = c.ndense;
  ps->nuses = c.nuses;
  ps->borrowed = true;
  /* the arrays stay in the blob; nothing writes to a compiled set */
  ps->delta = (uint32_t *)(uintptr_t)take(&r, (uint64_t)c.ndense * c.nclasses * 4);
  ps->fail = (uint32_t *)(uintptr_t)take(&r, (uint64_t)c.nstates * 4);
  ps->kfirst = (uint32_t *)(uintptr_t)take(&r, ((uint64_t)c.nstates + 1) * 4);
  ps->first_use = (uint32_t *)(uintptr_t)take(&r, (uint64_t)c.nstates * 4);
  ps->later_use = (uint32_t *)(uintptr_t)take(&r, (uint64_t)c.nstates * 4);
  ps->dict = (uint32_t *)(uintptr_t)take(&r, (uint64_t)c.nstates * 4);
  ps->kids = (kid *)(uintptr_t)take(&r, (uint64_t)c.nkids * sizeof(kid));
  ps->uses = (use *)(uintptr_t)take(&r, (uint64_t)c.nuses * sizeof(use));
  ps->depth = (uint16_t *)(uintptr_t)take(&r, (uint64_t)c.nstates * 2);
  ps->nflags = (uint8_t *)(uintptr_t)take(&r, c.nstates);
  {
    const void *bytes = take(&r, c.nbytes);
    pparts = take(&r, (uint64_t)c.nparts * 16);
    ppats = take(&r, (uint64_t)c.npats * 20);
    strs = take(&r, c.nstr);
    if (!ps->delta || !ps->fail || !ps->kfirst || !ps->first_use || !ps->later_use ||
        !ps->dict || !ps->kids || !ps->uses || !ps->depth || !ps->nflags || !bytes || !pparts ||
        !ppats || !strs || r.off != len) {
      why = "sections do not add up to its size";
      goto bad;
    }
    if (c.nstr && strs[c.nstr - 1] != '\0') {
      why = "cue strings not NUL-terminated";
      goto bad;
    }
    if (c.nbytes && ctix__buf_add(&ps->bytes, bytes, c.nbytes))
      goto nomem;
  }
  if (ctix__buf_grow(&ps->parts, (size_t)c.nparts * sizeof(part)) ||
      ctix__buf_grow(&ps->pats, (size_t)c.npats * sizeof(pat)))
    goto nomem;
  for (i = 0; i < c.nparts; i++) {
    const uint32_t *f = pparts + (size_t)i * 4;
    part *pt = (part *)(void *)ps->parts.data + i;
    if ((uint64_t)f[0] + f[2] > c.nbytes || f[1] >= c.nstates || f[2] > CTIX__TTP_PAT_MAX ||
        f[3] > 0xff) {
      why = "part out of range";
      goto bad;
    }
    memset(pt, 0, sizeof(*pt));
    pt->off = f[0];
    pt->node = f[1];
    pt->len = (uint16_t)f[2];
    pt->flags = (uint8_t)f[3];
  }
  ps->parts.len = (size_t)c.nparts * sizeof(part);
  for (i = 0; i < c.npats; i++) {
    const uint32_t *f = ppats + (size_t)i * 5;
    pat *p = (pat *)(void *)ps->pats.data + i;
    if (f[1] == 0 || f[1] > CTIX__TTP_PAT_PARTS || f[0] > c.nparts || f[1] > c.nparts - f[0] ||
        (f[4] != NONE && f[4] >= c.nstr)) {
      why = "pattern out of range";
      goto bad;
    }
    memset(p, 0, sizeof(*p));
    p->first_part = f[0];
    p->nparts = f[1];
    p->value = f[2];
    memcpy(&p->weight, &f[3], 4);
    p->cue = f[4] == NONE ? NULL : strs + f[4];
  }
  ps->pats.len = (size_t)c.npats * sizeof(pat);
  if ((why = check_automaton(ps, c.nkids, c.npats, ppats)))
    goto bad;
  ps->compiled = true;
  *out = ps;
  return 0;
bad:
  ctix__ttp_patset_free(ps);
  return ctix__error_set(err, CTIX_EPARSE, "prebuilt automaton: %s", why);
nomem:
  ctix__ttp_patset_free(ps);
  return ctix__error_set(err, CTIX_ENOMEM, "out of memory reading the automaton");
}
