/*
 * Text features of the technique model: what the linear model sees of a
 * sentence. The text is lower-cased and cut into tokens; literal ATT&CK
 * ids, CVE ids, hashes, IP addresses, URLs, e-mail addresses, domains and
 * numbers become placeholder tokens (so the model learns "an id was here",
 * never one id); then word 1-2-grams and character 3-5-grams (inside
 * each token padded with spaces) are hashed into 2^CTIX__TTP_FEAT_BITS
 * buckets. Values are binary, each family (words, characters) scaled to
 * an L2 norm of sqrt(1/2), so every non-empty vector has norm 1 (up to
 * buckets the two families share).
 *
 * The extractor owns its scratch buffers and is reused sentence after
 * sentence with no allocation once warm. Not thread-safe: one per thread.
 */
#ifndef CTIX_TTP_FEATURES_H
#define CTIX_TTP_FEATURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define CTIX__TTP_FEAT_BITS 20
#define CTIX__TTP_NFEAT ((uint32_t)1 << CTIX__TTP_FEAT_BITS)
/* Bytes of one sentence the extractor reads; the rest is ignored. */
#define CTIX__TTP_MAX_SENTENCE 4096

/* One feature: bucket and value. */
typedef struct ctix__ttp_feat {
  uint32_t id;
  float v;
} ctix__ttp_feat;

/* A word feature with its text, for evidence (`why`). */
typedef struct ctix__ttp_word {
  uint32_t id;
  uint32_t off, len;       /* in the normalised text (ctix__ttp_fx.norm) */
} ctix__ttp_word;

typedef struct ctix__ttp_fx {
  ctix_buf norm;           /* normalised text: tokens separated by one space */
  ctix_buf toks;           /* uint32_t pairs: start, length of each token in norm */
  ctix_buf raw;            /* uint32_t buckets before de-duplication (words: bit 31) */
  ctix_buf feats;          /* the result: ctix__ttp_feat, one per (bucket, family);
                              sorted with equal buckets merged when `sorted` */
  ctix_buf words;          /* ctix__ttp_word records when `explain` is on */
  ctix_buf set;            /* scratch hash set of the de-duplication */
  ctix_buf grams;          /* scratch of the vector path: " " + norm, then the
                              3-, 4- and 5-gram buckets at each byte of it */
  bool simd;               /* hash character n-grams with AVX2 (set at init when
                              the CPU has it; tests clear it to force the plain
                              path, which gives the same features) */
  uint32_t stamp;          /* generation of the set's slots */
  int explain;             /* keep the word features' text; CTIX__TTP_EXPLAIN_ONLY:
                              only that (no character n-grams, fx->feats empty) */
  int sorted;              /* sort by bucket, merging equal ones (training) */
} ctix__ttp_fx;

/* fx->explain value asking for the word features' text alone. */
#define CTIX__TTP_EXPLAIN_ONLY 2

void ctix__ttp_fx_init(ctix__ttp_fx *fx);
void ctix__ttp_fx_free(ctix__ttp_fx *fx);

/*
 * Computes the feature vector of text[0..len) into fx->feats (see the
 * file comment). Returns 0 or CTIX_ENOMEM.
 */
int ctix__ttp_features(ctix__ttp_fx *fx, const char *text, size_t len);

#define CTIX__TTP_FX_COUNT(fx) CTIX__BUF_COUNT(&(fx)->feats, ctix__ttp_feat)
#define CTIX__TTP_FX_AT(fx, i) CTIX__BUF_AT(&(fx)->feats, ctix__ttp_feat, i)

#endif
