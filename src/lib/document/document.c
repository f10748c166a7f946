/*
 * Input to document: size and sanity checks, format detection, dispatch to
 * the format parsers, and the builder they all write through (text
 * normalisation, blocks, links, diagnostics, then sentences and sections).
 */
/* madvise(MADV_DONTNEED) is outside POSIX proper */
#define _DEFAULT_SOURCE 1

#include "document/builder.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define DOC_AVX2 1
#else
#define DOC_AVX2 0
#endif

#include "document/lines.h"
#include "util/cpu.h"
#include "util/str.h"
#include "util/utf8.h"

/* Bytes read at a time from a file or a pipe. */
#define READ_CHUNK (256 * 1024)
/* ctix__docb_consumed: inputs smaller than this keep all their memory; the
 * part consumed is given back in steps of RELEASE_STEP bytes, keeping
 * RELEASE_KEEP bytes behind the parser. */
#define RELEASE_MIN ((size_t)8 << 20)
#define RELEASE_STEP ((size_t)4 << 20)
#define RELEASE_KEEP ((size_t)1 << 20)
/* Inputs from this size on get room for their whole text at once. */
#define RESERVE_MIN ((size_t)1 << 20)

void ctix_doc_options_init(ctix_doc_options *opts)
{
  memset(opts, 0, sizeof(*opts));
  opts->format = CTIX_FORMAT_AUTO;
  opts->max_input = CTIX_DEFAULT_MAX_INPUT;
  opts->max_depth = CTIX_DEFAULT_MAX_DEPTH;
}

static const char *const format_names[] = {"auto", "text", "markdown", "html", "pdf"};

const char *ctix_format_name(ctix_format fmt)
{
  if ((unsigned)fmt < sizeof(format_names) / sizeof(format_names[0]))
    return format_names[fmt];
  return "unknown";
}

int ctix_format_from_name(ctix_format *out, const char *name)
{
  size_t i;
  for (i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++)
    if (ctix__mem_ieq(name, strlen(name), format_names[i])) {
      *out = (ctix_format)i;
      return 0;
    }
  if (ctix__mem_ieq(name, strlen(name), "md")) {
    *out = CTIX_FORMAT_MARKDOWN;
    return 0;
  }
  if (ctix__mem_ieq(name, strlen(name), "txt")) {
    *out = CTIX_FORMAT_TEXT;
    return 0;
  }
  return CTIX_EINVAL;
}

const char *ctix_block_kind_name(ctix_block_kind kind)
{
  static const char *const names[] = {"paragraph", "heading", "list_item",
                                      "code",      "table_row", "quote"};
  if ((unsigned)kind < sizeof(names) / sizeof(names[0]))
    return names[kind];
  return "unknown";
}

/* ---------------------------------------------------------------- builder */

static int docb_fail(ctix__docb *b, int rc)
{
  if (rc == CTIX_ETOOBIG)
    return ctix__error_set(b->err, rc, "document text exceeds the size limit");
  return ctix__error_set(b->err, rc, "out of memory while building the document");
}

int ctix__docb_begin(ctix__docb *b, ctix_block_kind kind, uint32_t level)
{
  int rc;
  if (b->open && (rc = ctix__docb_end(b)))
    return rc;
  b->sep_start = b->text.len;
  if (b->text.len && (rc = ctix__buf_add_inline(&b->text, "\n\n", 2)))
    return docb_fail(b, rc);
  b->open = true;
  b->space = false;
  b->kind = kind;
  b->level = level;
  b->block_start = b->text.len;
  return 0;
}

void ctix__docb_break(ctix__docb *b)
{
  if (b->open && b->text.len > b->block_start)
    b->space = true;
}

size_t ctix__docb_mark(const ctix__docb *b)
{
  return b->text.len;
}

/* Is s[i] the start of a byte sequence that prose treats as white space? */
static size_t prose_space_len(const unsigned char *s, size_t n, size_t i)
{
  if (ctix__isspace(s[i]))
    return 1;
  if (s[i] == 0xC2 && i + 1 < n && s[i + 1] == 0xA0)
    return 2;
  return 0;
}

/* Appends s[0..n) repairing invalid UTF-8; counts replacements. The first
 * `ascii` bytes are known to be ASCII and are not checked again. */
static int add_repaired_from(ctix__docb *b, const char *s, size_t n, size_t ascii)
{
  if (ascii >= n || ctix__utf8_validate(s + ascii, n - ascii) == n - ascii)
    return ctix__buf_add_inline(&b->text, s, n);
  return ctix__utf8_repair(&b->text, s, n, &b->doc->utf8_replaced);
}

/* Appends s[0..n) repairing invalid UTF-8; counts replacements. */
static int add_repaired(ctix__docb *b, const char *s, size_t n)
{
  return add_repaired_from(b, s, n, 0);
}

/* Bytes where a run of prose stops to look closer: white space, and the
 * lead byte of U+00A0. */
static const unsigned char prose_stop[256] = {
    [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, ['\f'] = 1, ['\v'] = 1, [0xC2] = 1,
};

/*
 * The first offset from i where the run of append_prose may stop: a byte
 * of prose_stop other than a space, or a space followed by white space or
 * 0xC2 (every other space continues the run). Sixteen bytes at a time
 * with SSE2 while seventeen remain (the byte after each is read too); then
 * the offset reached, from which append_prose's byte loop goes on. The
 * bytes it stops at are a superset of those append_prose stops at, which
 * treats them as before.
 */
static size_t prose_run_end(const unsigned char *s, size_t n, size_t i)
{
#if defined(__SSE2__) && defined(__GNUC__)
  const __m128i c9 = _mm_set1_epi8(9), c4 = _mm_set1_epi8(4), c20 = _mm_set1_epi8(' ');
  const __m128i cc2 = _mm_set1_epi8((char)0xC2);
  for (; i + 17 <= n; i += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    __m128i w = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 1));
    __m128i dv = _mm_sub_epi8(v, c9), dw = _mm_sub_epi8(w, c9);
    /* \t \n \v \f \r (9..13) and 0xC2 */
    __m128i hard_v = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(dv, c4), dv), _mm_cmpeq_epi8(v, cc2));
    __m128i hard_w = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(dw, c4), dw), _mm_cmpeq_epi8(w, cc2));
    __m128i sp_w = _mm_or_si128(hard_w, _mm_cmpeq_epi8(w, c20));
    unsigned m = (unsigned)_mm_movemask_epi8(
        _mm_or_si128(hard_v, _mm_and_si128(_mm_cmpeq_epi8(v, c20), sp_w)));
    if (m)
      return i + (size_t)__builtin_ctz(m);
  }
#else
  (void)s;
  (void)n;
#endif
  return i;
}

static int append_prose(ctix__docb *b, const char *str, size_t n)
{
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0, run, k;
  int rc = 0;
  while (i < n) {
    k = prose_space_len(s, n, i);
    if (k) {
      if (b->text.len > b->block_start)
        b->space = true;
      i += k;
      continue;
    }
    /* Words separated by single plain spaces are copied in one piece. */
    run = i;
    for (;;) {
      run = prose_run_end(s, n, run);
      while (run < n && !prose_stop[s[run]])
        run++;
      if (run >= n)
        break;
      if (s[run] == 0xC2 && !(run + 1 < n && s[run + 1] == 0xA0)) {
        run++;
        continue;
      }
      if (s[run] == ' ' && run + 1 < n && !prose_space_len(s, n, run + 1)) {
        run++;
        continue;
      }
      break;
    }
    if (b->space) {
      if ((rc = ctix__buf_addc(&b->text, ' ')))
        return rc;
      b->space = false;
    }
    if ((rc = add_repaired(b, str + i, run - i)))
      return rc;
    i = run;
  }
  return rc;
}

static int append_code(ctix__docb *b, const char *s, size_t n)
{
  size_t i = 0, j;
  int rc = 0;
  while (i < n) {
    j = i;
    while (j < n && s[j] != '\r')
      j++;
    if (j > i && (rc = add_repaired(b, s + i, j - i)))
      return rc;
    if (j < n) {
      /* CR LF and lone CR both become LF. */
      if ((rc = ctix__buf_addc(&b->text, '\n')))
        return rc;
      j++;
      if (j < n && s[j] == '\n')
        j++;
    }
    i = j;
  }
  return rc;
}

/*
 * Is s[0..n) prose that needs no white-space folding: no control bytes,
 * no U+00A0, no leading, trailing or doubled space? Nearly all text the
 * readers append is like that, so it is checked 64 or 32 bytes at a time
 * with AVX2 when the builder may use it (b->avx2), sixteen with SSE2
 * otherwise, eight bytes at a time off x86. *ascii gets the length of the
 * leading run that is certainly ASCII (only that part of the text may skip
 * UTF-8 validation; it is 0 when not worked out).
 */
#if defined(__SSE2__) && defined(__GNUC__)
/*
 * One block of prose_clean: false if the lanes in `fresh` hold a byte below
 * 0x20, a space after a space or the A0 of U+00A0 (the lane before the
 * first comes from the carries of the block before); *high gets the fresh
 * lanes with a byte of 0x80 or more.
 */
static inline bool block_clean(__m128i v, unsigned fresh, unsigned *carry_sp, unsigned *carry_c2,
                               unsigned *high)
{
  const __m128i c1f = _mm_set1_epi8(0x1F), c20 = _mm_set1_epi8(0x20);
  const __m128i cc2 = _mm_set1_epi8((char)0xC2), ca0 = _mm_set1_epi8((char)0xA0);
  unsigned sp;
  if ((unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(v, c1f), v)) & fresh)
    return false; /* a byte below 0x20 */
  sp = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, c20));
  if (sp & ((sp << 1) | *carry_sp) & fresh)
    return false; /* two spaces in a row */
  *carry_sp = sp >> 15;
  *high = (unsigned)_mm_movemask_epi8(v) & fresh;
  if (*high) {
    unsigned c2 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, cc2));
    unsigned a0 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, ca0));
    if (a0 & ((c2 << 1) | *carry_c2) & fresh)
      return false; /* U+00A0 */
    *carry_c2 = c2 >> 15;
  } else {
    *carry_c2 = 0;
  }
  return true;
}

static bool prose_clean_sse2(const unsigned char *s, size_t n, size_t *ascii)
{
  unsigned carry_sp = 0, carry_c2 = 0, high;
  size_t i = 0, hi = n, at;
  *ascii = 0;
  if (n == 0 || s[0] == ' ' || s[n - 1] == ' ')
    return false;
  for (; i + 16 <= n; i += 16) {
    if (!block_clean(_mm_loadu_si128((const __m128i *)(const void *)(s + i)), 0xFFFFu,
                     &carry_sp, &carry_c2, &high))
      return false;
    if (high && hi == n)
      hi = i + (size_t)__builtin_ctz(high);
  }
  if (i < n && n >= 16) {
    /* The last bytes: one more load ending at s[n - 1]; its lanes before
     * s[i] (already checked, masked out of `fresh`) give the byte before
     * s[i] in place of the carries. */
    at = n - 16;
    if (!block_clean(_mm_loadu_si128((const __m128i *)(const void *)(s + at)),
                     0xFFFFu << (i - at) & 0xFFFFu, &carry_sp, &carry_c2, &high))
      return false;
    if (high && hi == n)
      hi = at + (size_t)__builtin_ctz(high);
    i = n;
  }
  for (; i < n; i++) {
    if (s[i] < 0x20 || (s[i] == ' ' && (i ? s[i - 1] == ' ' : 0)) ||
        (s[i] == 0xA0 && i && s[i - 1] == 0xC2))
      return false;
    if (s[i] >= 0x80 && hi == n)
      hi = i;
  }
  *ascii = hi;
  return true;
}

#if DOC_AVX2
/*
 * prose_clean with AVX2, 64 then 32 bytes a step (the same answer and the
 * same *ascii as prose_clean_sse2, which takes inputs under 32 bytes). A
 * step with no byte of 0x80 or more (nearly all) costs one test of its
 * control bytes and doubled spaces together.
 */
__attribute__((target("avx2"))) static bool prose_clean_avx2(const unsigned char *s, size_t n,
                                                             size_t *ascii)
{
  const __m256i c1f = _mm256_set1_epi8(0x1F), c20 = _mm256_set1_epi8(0x20);
  const __m256i cc2 = _mm256_set1_epi8((char)0xC2), ca0 = _mm256_set1_epi8((char)0xA0);
  uint32_t carry_sp = 0, carry_c2 = 0, fresh = 0xFFFFFFFFu, ctl, sp, high, c2, a0;
  size_t i = 0, hi = n, at = 0;
  __m256i v;
  if (n < 32)
    return prose_clean_sse2(s, n, ascii);
  *ascii = 0;
  if (s[0] == ' ' || s[n - 1] == ' ')
    return false;
  /* 64 bytes a step while they last, the masks of two loads in one word */
  for (; i + 64 <= n; i += 64) {
    __m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)(s + i));
    __m256i v1 = _mm256_loadu_si256((const __m256i *)(const void *)(s + i + 32));
    uint64_t ctl2, sp2, high2, c22, a02;
    ctl2 = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_min_epu8(v0, c1f), v0)) |
           (uint64_t)(uint32_t)_mm256_movemask_epi8(
               _mm256_cmpeq_epi8(_mm256_min_epu8(v1, c1f), v1)) << 32;
    sp2 = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v0, c20)) |
          (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v1, c20)) << 32;
    if (ctl2 | (sp2 & ((sp2 << 1) | carry_sp)))
      return false; /* a byte below 0x20, or two spaces in a row */
    carry_sp = (uint32_t)(sp2 >> 63);
    if (!_mm256_movemask_epi8(_mm256_or_si256(v0, v1))) {
      carry_c2 = 0;
      continue;
    }
    high2 = (uint32_t)_mm256_movemask_epi8(v0) |
            (uint64_t)(uint32_t)_mm256_movemask_epi8(v1) << 32;
    c22 = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v0, cc2)) |
          (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v1, cc2)) << 32;
    a02 = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v0, ca0)) |
          (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v1, ca0)) << 32;
    if (a02 & ((c22 << 1) | carry_c2))
      return false; /* U+00A0 */
    carry_c2 = (uint32_t)(c22 >> 63);
    if (hi == n)
      hi = i + (size_t)__builtin_ctzll(high2);
  }
  /* then 32 bytes a step, and the last bytes */
  for (;;) {
    if (i + 32 <= n) {
      at = i;
    } else {
      if (i >= n)
        break;
      /* the last bytes: one load ending at s[n - 1]; its lanes before s[i]
       * are checked already (masked out of `fresh`) and give the byte
       * before s[i] in place of the carries */
      at = n - 32;
      fresh = 0xFFFFFFFFu << (i - at);
      carry_sp = carry_c2 = 0;
    }
    v = _mm256_loadu_si256((const __m256i *)(const void *)(s + at));
    ctl = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_min_epu8(v, c1f), v));
    sp = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, c20));
    if ((ctl | (sp & ((sp << 1) | carry_sp))) & fresh)
      return false; /* a byte below 0x20, or two spaces in a row */
    carry_sp = sp >> 31;
    high = (uint32_t)_mm256_movemask_epi8(v) & fresh;
    if (high) {
      c2 = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, cc2));
      a0 = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, ca0));
      if (a0 & ((c2 << 1) | carry_c2) & fresh)
        return false; /* U+00A0 */
      carry_c2 = c2 >> 31;
      if (hi == n)
        hi = at + (size_t)__builtin_ctz(high);
    } else {
      carry_c2 = 0;
    }
    i = at + 32;
  }
  *ascii = hi;
  return true;
}
#endif

static bool prose_clean(const ctix__docb *b, const unsigned char *s, size_t n, size_t *ascii)
{
#if DOC_AVX2
  if (b->avx2)
    return prose_clean_avx2(s, n, ascii);
#endif
  return prose_clean_sse2(s, n, ascii);
}
#else
/* 0x80 in each byte of w that is zero, 0 elsewhere (exact). */
static inline uint64_t zero_bytes(uint64_t w)
{
  const uint64_t lo7 = 0x7F7F7F7F7F7F7F7Full;
  return ~(((w & lo7) + lo7) | w | lo7);
}

static bool prose_clean(const ctix__docb *b, const unsigned char *s, size_t n, size_t *ascii)
{
  const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
  uint64_t w, sp, carry_sp = 0, carry_c2 = 0;
  size_t i = 0;
  *ascii = 0;
  if (n == 0 || s[0] == ' ' || s[n - 1] == ' ')
    return false;
  for (; i + 8 <= n; i += 8) {
    uint64_t c2, a0;
    memcpy(&w, s + i, 8);
    if (((w - ones * 0x20) & ~w & high) != 0)
      return false;  /* a byte below 0x20 */
    sp = zero_bytes(w ^ (ones * 0x20));
    c2 = zero_bytes(w ^ (ones * 0xC2));
    a0 = zero_bytes(w ^ (ones * 0xA0));
    if ((sp & (sp >> 8)) || (carry_sp && (sp & 0x80)))
      return false;  /* two spaces in a row */
    if ((c2 & (a0 >> 8)) || (carry_c2 && (a0 & 0x80)))
      return false;  /* U+00A0 */
    carry_sp = sp >> 63;
    carry_c2 = c2 >> 63;
  }
  for (; i < n; i++) {
    if (s[i] < 0x20 || (s[i] == ' ' && (i ? s[i - 1] == ' ' : 0)) ||
        (s[i] == 0xA0 && i && s[i - 1] == 0xC2))
      return false;
  }
  return true;
}
#endif

int ctix__docb_append(ctix__docb *b, const char *s, size_t n)
{
  size_t ascii;
  int rc;
  if (!b->open && (rc = ctix__docb_begin(b, CTIX_BLOCK_PARAGRAPH, 0)))
    return rc;
  if (b->kind != CTIX_BLOCK_CODE && prose_clean(b, (const unsigned char *)s, n, &ascii)) {
    rc = 0;
    if (b->space && b->text.len > b->block_start)
      rc = ctix__buf_addc(&b->text, ' ');
    b->space = false;
    if (!rc)
      rc = add_repaired_from(b, s, n, ascii);
    return rc ? docb_fail(b, rc) : 0;
  }
  rc = b->kind == CTIX_BLOCK_CODE ? append_code(b, s, n) : append_prose(b, s, n);
  return rc ? docb_fail(b, rc) : 0;
}

void ctix__docb_consumed(ctix__docb *b, const char *upto)
{
  uintptr_t base = (uintptr_t)b->release_base, start, end;
  size_t off;
  long page;
  if (!b->release_base || (uintptr_t)upto < base || (uintptr_t)upto > base + b->release_len)
    return;
  off = (size_t)((uintptr_t)upto - base);
  if (off < b->released + RELEASE_KEEP + RELEASE_STEP || (page = sysconf(_SC_PAGESIZE)) <= 0)
    return;
  off -= RELEASE_KEEP;
  /* whole pages inside [base + released, base + off) only: never the
   * allocator's bytes before the buffer */
  start = (base + b->released + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
  end = (base + off) & ~((uintptr_t)page - 1);
  if (end < start + RELEASE_STEP)
    return;
  /* advice only: if the system declines, the memory simply stays */
  if (madvise((void *)start, (size_t)(end - start), MADV_DONTNEED) == 0)
    b->released = (size_t)(end - base);
}

static int block_sentences(ctix__docb *b, size_t i);

int ctix__docb_end(ctix__docb *b)
{
  ctix_block blk;
  size_t end;
  int rc;
  if (!b->open)
    return 0;
  b->open = false;
  b->space = false;
  end = b->text.len;
  while (end > b->block_start && ctix__isspace((unsigned char)b->text.data[end - 1]))
    end--;
  if (end == b->block_start) {
    ctix__buf_truncate(&b->text, b->sep_start);
    return 0;
  }
  ctix__buf_truncate(&b->text, end);
  memset(&blk, 0, sizeof(blk));
  blk.kind = b->kind;
  blk.level = b->level;
  blk.page = b->page;
  blk.span.start = b->block_start;
  blk.span.end = end;
  if ((rc = ctix__buf_add_inline(&b->blocks, &blk, sizeof(blk))))
    return docb_fail(b, rc);
  if (!b->opts->no_sentences && !b->defer_sentences)
    return block_sentences(b, CTIX__BUF_COUNT(&b->blocks, ctix_block) - 1);
  return 0;
}

int ctix__docb_block(ctix__docb *b, ctix_block_kind kind, uint32_t level, const char *s,
                     size_t n)
{
  int rc;
  if ((rc = ctix__docb_begin(b, kind, level)) || (rc = ctix__docb_append(b, s, n)))
    return rc;
  return ctix__docb_end(b);
}

/* Copies s[0..n) into the arena with white space collapsed and UTF-8 repaired. */
static const char *norm_string(ctix__docb *b, const char *s, size_t n)
{
  ctix_buf tmp = CTIX_BUF_INIT(64 * 1024);
  size_t i, junk = 0;
  bool sp = false;
  const char *out = NULL;
  /* Common case (hrefs, short meta values): no white space, valid UTF-8. */
  for (i = 0; i < n && !ctix__isspace((unsigned char)s[i]); i++)
    ;
  if (i == n && n > 0 && n <= 64 * 1024 && ctix__utf8_validate(s, n) == n)
    return ctix__arena_strndup(b->arena, s, n);
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (ctix__isspace(c)) {
      sp = tmp.len > 0;
      continue;
    }
    if (sp)
      ctix__buf_addc(&tmp, ' ');
    sp = false;
    ctix__buf_addc(&tmp, (char)c);
  }
  if (!tmp.err && tmp.len) {
    ctix_buf fixed = CTIX_BUF_INIT(256 * 1024);
    ctix__utf8_repair(&fixed, tmp.data, tmp.len, &junk);
    if (!fixed.err)
      out = ctix__arena_strndup(b->arena, fixed.data, fixed.len);
    ctix__buf_free(&fixed);
  }
  ctix__buf_free(&tmp);
  return out;
}

int ctix__docb_meta(ctix__docb *b, ctix__meta_field field, const char *s, size_t n)
{
  ctix_doc_meta *m = &b->doc->meta;
  const char **slot = NULL;
  switch (field) {
  case CTIX__META_TITLE: slot = &m->title; break;
  case CTIX__META_AUTHOR: slot = &m->author; break;
  case CTIX__META_PUBLISHED: slot = &m->published; break;
  case CTIX__META_CANONICAL_URL: slot = &m->canonical_url; break;
  case CTIX__META_LANGUAGE: slot = &m->language; break;
  case CTIX__META_SITE_NAME: slot = &m->site_name; break;
  case CTIX__META_DESCRIPTION: slot = &m->description; break;
  }
  if (!slot || *slot)
    return 0;
  *slot = norm_string(b, s, n);
  return 0;
}

int ctix__docb_link(ctix__docb *b, const char *href, size_t hlen, size_t start, size_t end)
{
  ctix_link l;
  int rc;
  l.span.start = start;
  l.span.end = end < start ? start : end;
  l.href = norm_string(b, href, hlen);
  if (!l.href)
    return 0;
  if ((rc = ctix__buf_push(&b->links, &l, sizeof(l))))
    return docb_fail(b, rc);
  return 0;
}

int ctix__docb_warn(ctix__docb *b, int code, size_t offset, const char *fmt, ...)
{
  ctix_diag d;
  char msg[CTIX_ERROR_MSG_MAX];
  va_list ap;
  int rc;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  ctix__msg_flatten(msg); /* may quote input: one printable line */
  d.code = code;
  d.offset = offset;
  d.message = ctix__arena_strdup(b->arena, msg);
  if (!d.message)
    return docb_fail(b, CTIX_ENOMEM);
  if ((rc = ctix__buf_push(&b->diags, &d, sizeof(d))))
    return docb_fail(b, rc);
  return 0;
}

/* --------------------------------------------------------------- finishing */

typedef struct sent_ctx {
  ctix__docb *b;
  size_t base;
  uint32_t block;
} sent_ctx;

static int emit_sentence(void *ud, size_t start, size_t end)
{
  sent_ctx *c = ud;
  ctix_sentence s;
  s.span.start = c->base + start;
  s.span.end = c->base + end;
  s.block = c->block;
  return ctix__buf_add_inline(&c->b->sentences, &s, sizeof(s));
}

/* One sentence per non-empty line (code blocks). */
static int split_lines(const char *t, size_t n, sent_ctx *c)
{
  size_t i = 0, j, s, e;
  int rc;
  while (i < n) {
    const char *nl = memchr(t + i, '\n', n - i);
    j = nl ? (size_t)(nl - t) : n;
    s = i;
    e = j;
    while (s < e && ctix__isspace((unsigned char)t[s]))
      s++;
    while (e > s && ctix__isspace((unsigned char)t[e - 1]))
      e--;
    if (e > s && (rc = emit_sentence(c, s, e)))
      return rc;
    i = j + 1;
  }
  return 0;
}

/* Splits block i (just closed, its text final; every block before it
 * split already) into sentences. */
static int block_sentences(ctix__docb *b, size_t i)
{
  ctix_block *blk = &CTIX__BUF_AT(&b->blocks, ctix_block, i);
  const char *t = b->text.data + blk->span.start;
  size_t n = blk->span.end - blk->span.start;
  size_t before = CTIX__BUF_COUNT(&b->sentences, ctix_sentence);
  sent_ctx c = {b, blk->span.start, (uint32_t)i};
  int rc;
  switch (blk->kind) {
  case CTIX_BLOCK_CODE:
    rc = split_lines(t, n, &c);
    break;
  case CTIX_BLOCK_HEADING:
  case CTIX_BLOCK_TABLE_ROW:
    rc = emit_sentence(&c, 0, n);
    break;
  default:
    rc = ctix__sentence_split(t, n, emit_sentence, &c);
    break;
  }
  if (rc)
    return docb_fail(b, rc);
  blk = &CTIX__BUF_AT(&b->blocks, ctix_block, i);
  blk->first_sentence = (uint32_t)before;
  blk->nsentences = (uint32_t)(CTIX__BUF_COUNT(&b->sentences, ctix_sentence) - before);
  b->nsplit = i + 1;
  return 0;
}

/* Assigns blocks to sections: a heading opens a section under the nearest
 * open section of a lower level. */
static int build_sections(ctix__docb *b, ctix_section **out, size_t *count)
{
  size_t nb = CTIX__BUF_COUNT(&b->blocks, ctix_block), i, ns = 1;
  int32_t stack[8];
  int depth = 0;
  ctix_section *sec;
  for (i = 0; i < nb; i++)
    ns += CTIX__BUF_AT(&b->blocks, ctix_block, i).kind == CTIX_BLOCK_HEADING;
  sec = ctix__arena_calloc(b->arena, ns, sizeof(*sec));
  if (!sec)
    return docb_fail(b, CTIX_ENOMEM);
  sec[0].parent = -1;
  stack[0] = 0;
  ns = 1;
  for (i = 0; i < nb; i++) {
    ctix_block *blk = &CTIX__BUF_AT(&b->blocks, ctix_block, i);
    if (blk->kind == CTIX_BLOCK_HEADING) {
      uint32_t lvl = blk->level < 1 ? 1 : blk->level > 6 ? 6 : blk->level;
      while (depth > 0 && sec[stack[depth]].level >= lvl)
        depth--;
      sec[ns].heading = blk->span;
      sec[ns].level = lvl;
      sec[ns].parent = stack[depth];
      sec[ns].first_block = (uint32_t)i;
      stack[++depth] = (int32_t)ns;
      ns++;
    }
    blk->section = (uint32_t)stack[depth];
    sec[stack[depth]].nblocks++;
  }
  *out = sec;
  *count = ns;
  return 0;
}

/* Moves a record buffer into the arena; NULL for an empty one. */
static const void *freeze(ctix__docb *b, ctix_buf *buf, size_t *count, size_t recsize)
{
  *count = buf->len / recsize;
  return ctix__arena_memdup(b->arena, buf->data, buf->len);
}

/* Hands a large record buffer to the document as it is (no copy); *mem
 * gets the memory to free. NULL for an empty one. */
static const void *adopt(ctix_buf *buf, size_t *count, size_t recsize, void **mem)
{
  size_t len = 0;
  *count = buf->len / recsize;
  if (*count == 0)
    return NULL;
  *mem = ctix__buf_detach(buf, &len);
  return *mem;
}

static int docb_finish(ctix__docb *b)
{
  ctix_document *d = b->doc;
  ctix_section *sec = NULL;
  size_t nsec = 0, i;
  int rc;
  if ((rc = ctix__docb_end(b)))
    return rc;
  /* the sentences were split as each block closed (ctix__docb_end),
   * unless the reader deferred that */
  if (!b->opts->no_sentences)
    for (i = b->nsplit; i < CTIX__BUF_COUNT(&b->blocks, ctix_block); i++)
      if ((rc = block_sentences(b, i)))
        return rc;
  if ((rc = build_sections(b, &sec, &nsec)))
    return rc;
  if (b->text.err || b->blocks.err || b->sentences.err || b->links.err || b->diags.err)
    return docb_fail(b, CTIX_ENOMEM);
  if (d->utf8_replaced)
    ctix__docb_warn(b, CTIX_EPARSE, CTIX_NOPOS,
                    "%zu invalid UTF-8 byte(s) replaced by U+FFFD", d->utf8_replaced);
  d->sections = sec;
  d->nsections = nsec;
  d->blocks = adopt(&b->blocks, &d->nblocks, sizeof(ctix_block), &d->priv->blocks_mem);
  d->sentences =
      adopt(&b->sentences, &d->nsentences, sizeof(ctix_sentence), &d->priv->sentences_mem);
  d->links = freeze(b, &b->links, &d->nlinks, sizeof(ctix_link));
  d->diags = freeze(b, &b->diags, &d->ndiags, sizeof(ctix_diag));
  if ((d->nblocks && !d->blocks) || (d->nsentences && !d->sentences) ||
      (d->nlinks && !d->links) || (d->ndiags && !d->diags))
    return docb_fail(b, CTIX_ENOMEM);
  d->priv->text_mem = ctix__buf_detach(&b->text, &d->len);
  if (!d->priv->text_mem)
    return docb_fail(b, CTIX_ENOMEM);
  d->text = d->priv->text_mem;
  return 0;
}

/* ------------------------------------------------------------ entry points */

/* Is c a control byte that text does not hold (not \n \r \t \f or ESC)? */
static inline bool odd_control(unsigned char c)
{
  return c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1b;
}

/* Number of odd_control bytes in s[0..n); sixteen bytes at a time with
 * SSE2 (per-lane counts summed every 255 steps at most). */
static size_t count_odd_controls(const unsigned char *s, size_t n)
{
  size_t i = 0, count = 0;
#if defined(__SSE2__) && defined(__GNUC__)
  const __m128i c1f = _mm_set1_epi8(0x1F), lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
  const __m128i tab = _mm_set1_epi8('\t'), ff = _mm_set1_epi8('\f'), esc = _mm_set1_epi8(0x1b);
  while (i + 16 <= n) {
    __m128i acc = _mm_setzero_si128();
    size_t steps = 0;
    for (; i + 16 <= n && steps < 255; i += 16, steps++) {
      __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
      __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(v, c1f), v);
      __m128i ok = _mm_or_si128(
          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr)),
                       _mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, ff))),
          _mm_cmpeq_epi8(v, esc));
      acc = _mm_sub_epi8(acc, _mm_andnot_si128(ok, ctl));
    }
    acc = _mm_sad_epu8(acc, _mm_setzero_si128());
    count += (size_t)_mm_cvtsi128_si32(acc) + (size_t)_mm_cvtsi128_si32(_mm_srli_si128(acc, 8));
  }
#endif
  for (; i < n; i++)
    count += odd_control(s[i]);
  return count;
}

/* Finds a reason to treat the input as binary data: a NUL byte, or mostly
 * control characters, in its first 64 KiB. Returns the offending offset or
 * CTIX_NOPOS when the data looks like text. */
static size_t binary_offset(const unsigned char *s, size_t n)
{
  size_t i, lim = n < 65536 ? n : 65536;
  const void *nul = memchr(s, 0, lim);
  if (nul)
    return (size_t)((const unsigned char *)nul - s);
  if (count_odd_controls(s, lim) * 10 <= lim)
    return CTIX_NOPOS;
  for (i = 0; !odd_control(s[i]); i++)
    ;
  return i;
}

static bool only_space(const char *s, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (!ctix__isspace((unsigned char)s[i]))
      return false;
  return true;
}

/*
 * ctix_document_parse; when `own` is true, data is the caller's scratch
 * buffer, which the parser may partly give back to the system as it goes
 * (ctix__docb_consumed): its content is undefined afterwards.
 */
static int parse(ctix_document **out, const void *data, size_t len,
                 const ctix_doc_options *opts, ctix_error *err, bool own)
{
  ctix_doc_options defaults;
  ctix_document *doc = NULL;
  struct ctix_document_priv *priv;
  ctix__docb b;
  ctix_arena arena;
  ctix_buf utf16 = CTIX_BUF_INIT(len * 2 + 16);
  const char *s = data, *raw = data;
  size_t off, utf16_bad = 0, raw_len = len;
  int rc = 0;

  *out = NULL;
  memset(&b, 0, sizeof(b));
  if (!opts) {
    ctix_doc_options_init(&defaults);
    opts = &defaults;
  }
  ctix__error_source(err, opts->source ? opts->source : "<input>");
  if (opts->max_input && len > opts->max_input) {
    rc = ctix__error_set(err, CTIX_ETOOBIG,
                         "input is %zu bytes, over the limit of %zu bytes (--max-size)", len,
                         opts->max_input);
    goto done;
  }
  /* UTF-16 (with its BOM) is converted first: everything after reads UTF-8. */
  if (ctix__utf16_bom(data, len)) {
    if ((rc = ctix__utf16_to_utf8(&utf16, data, len, &utf16_bad))) {
      rc = ctix__error_set(err, rc, "out of memory converting UTF-16 input");
      goto done;
    }
    data = s = utf16.data ? utf16.data : "";
    len = utf16.len;
  }
  if (len == 0 || only_space(s, len)) {
    rc = ctix__error_set(err, CTIX_EEMPTY, "input is empty");
    goto done;
  }

  ctix__arena_init(&arena, 0);
  priv = ctix__arena_calloc(&arena, 1, sizeof(*priv));
  doc = priv ? ctix__arena_calloc(&arena, 1, sizeof(*doc)) : NULL;
  if (!doc) {
    ctix__arena_free(&arena);
    rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
    goto done;
  }
  priv->arena = arena;
  doc->priv = priv;
  doc->input_bytes = raw_len;
  doc->utf8_replaced = utf16_bad;
  doc->format = opts->format != CTIX_FORMAT_AUTO ? opts->format
                                                 : ctix_format_detect(data, len, opts->source);
  if (doc->format != CTIX_FORMAT_PDF && (off = binary_offset(data, len)) != CTIX_NOPOS) {
    rc = ctix__error_set_at(err, CTIX_EUNSUPPORTED, off,
                            "binary data (control byte 0x%02x), not text, HTML or PDF",
                            ((const unsigned char *)data)[off]);
    goto done;
  }

  b.doc = doc;
  b.avx2 = ctix__cpu_has_avx2();
  b.arena = &priv->arena;
  b.opts = opts;
  b.err = err;
  /* The text never grows past the input by more than the block separators
   * and U+FFFD expansion; the bound only stops runaway growth. */
  if (doc->format != CTIX_FORMAT_PDF)
    ctix__buf_init(&b.text, len * 4 + 4096);
  else  /* a PDF's text comes out of compressed streams: bound it by the limit */
    ctix__buf_init(&b.text, opts->max_input && opts->max_input < (size_t)-1 / 8
                                ? opts->max_input * 4 + 4096 : (size_t)-1 / 2);
  /* A large input's text is about as long as the input: its room is taken
   * at once rather than grown by copying, and only the part written
   * becomes resident. Failing to get it is the out-of-memory error that
   * growing the text would have met (the buffer's error is sticky). */
  if (doc->format != CTIX_FORMAT_PDF && len >= RESERVE_MIN)
    (void)ctix__buf_grow(&b.text, len + 4096);
  ctix__buf_init(&b.blocks, (size_t)-1 / 2);
  ctix__buf_init(&b.sentences, (size_t)-1 / 2);
  ctix__buf_init(&b.links, (size_t)-1 / 2);
  ctix__buf_init(&b.diags, (size_t)-1 / 2);
  if (opts->source)
    doc->meta.source = ctix__arena_strdup(b.arena, opts->source);
  if (own && s == raw && len >= RELEASE_MIN) {
    b.release_base = (char *)(uintptr_t)raw;
    b.release_len = len;
  }

  switch (doc->format) {
  case CTIX_FORMAT_HTML: rc = ctix__doc_parse_html(&b, s, len); break;
  case CTIX_FORMAT_PDF: rc = ctix__doc_parse_pdf(&b, s, len); break;
  case CTIX_FORMAT_MARKDOWN: rc = ctix__doc_parse_markdown(&b, s, len); break;
  default: rc = ctix__doc_parse_text(&b, s, len); break;
  }
  if (rc)
    goto done;
  if ((rc = docb_finish(&b)))
    goto done;
  if (doc->nblocks == 0) {
    rc = ctix__error_set(err, CTIX_EEMPTY, "no text found in the %s input",
                         ctix_format_name(doc->format));
    goto done;
  }
  *out = doc;
  doc = NULL;

done:
  ctix__buf_free(&utf16);
  ctix__buf_free(&b.text);
  ctix__buf_free(&b.blocks);
  ctix__buf_free(&b.sentences);
  ctix__buf_free(&b.links);
  ctix__buf_free(&b.diags);
  ctix_document_free(doc);
  return rc;
}

int ctix_document_parse(ctix_document **out, const void *data, size_t len,
                        const ctix_doc_options *opts, ctix_error *err)
{
  return parse(out, data, len, opts, err, false);
}

/* Reads a whole stream, failing once it passes `max` bytes. */
static int read_stream(ctix_buf *out, FILE *f, const char *path, size_t max, ctix_error *err)
{
  size_t n;
  int rc;
  for (;;) {
    if ((rc = ctix__buf_grow(out, READ_CHUNK)))
      break;
    n = fread(out->data + out->len, 1, READ_CHUNK, f);
    out->len += n;
    out->data[out->len] = '\0';
    if (max && out->len > max)
      return ctix__error_set(err, CTIX_ETOOBIG,
                             "input is over the limit of %zu bytes (--max-size)", max);
    if (n < READ_CHUNK) {
      if (ferror(f))
        return ctix__error_set(err, CTIX_EIO, "read failed: %s", strerror(errno));
      return 0;
    }
  }
  if (rc == CTIX_ETOOBIG)
    return ctix__error_set(err, rc, "input is over the limit of %zu bytes (--max-size)", max);
  return ctix__error_set(err, rc, "out of memory reading %s", path);
}

int ctix_document_load(ctix_document **out, const char *path, const ctix_doc_options *opts,
                       ctix_error *err)
{
  ctix_doc_options o;
  ctix_buf data;
  FILE *f = NULL;
  bool is_stdin = strcmp(path, "-") == 0;
  int rc;

  *out = NULL;
  if (opts)
    o = *opts;
  else
    ctix_doc_options_init(&o);
  if (!o.source)
    o.source = is_stdin ? "<stdin>" : path;
  ctix__error_source(err, o.source);
  /* One byte of slack past the limit tells "exactly max" from "over". */
  ctix__buf_init(&data, o.max_input ? o.max_input + READ_CHUNK + 1 : (size_t)-1 / 2);
  f = is_stdin ? stdin : fopen(path, "rb");
  if (!f) {
    rc = ctix__error_set(err, CTIX_EIO, "cannot open: %s", strerror(errno));
    goto done;
  }
  if ((rc = read_stream(&data, f, o.source, o.max_input, err)))
    goto done;
  /* the read buffer is ours: the parser may give its memory back as it goes */
  rc = parse(out, data.data ? data.data : "", data.len, &o, err, data.data != NULL);

done:
  if (f && !is_stdin)
    fclose(f);
  ctix__buf_free(&data);
  return rc;
}

size_t ctix_document_sentence_at(const ctix_document *doc, size_t off)
{
  size_t lo = 0, hi = doc->nsentences;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (doc->sentences[mid].span.end <= off)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

void ctix_document_free(ctix_document *doc)
{
  struct ctix_document_priv *priv;
  ctix_arena arena;
  if (!doc)
    return;
  priv = doc->priv;
  free(priv->text_mem);
  free(priv->blocks_mem);
  free(priv->sentences_mem);
  arena = priv->arena;
  ctix__arena_free(&arena);
}
