/*
 * The technique model inside libctix: the file format, the loaded form
 * used for scoring, the decision parameters the fusion reads, and the
 * training entry points shared by `ctix model train` and the
 * cross-validation of `ctix eval ttp --cv`.
 *
 * File format (little endian, every section 4-byte aligned):
 *   header   "CTIXTTPM", u32 version (1), u32 nclasses, u32 nfeatures,
 *            u32 npostings, u32 hash_bits, u32 nparams, u32 info_len,
 *            u32 reserved (0)
 *   params   f32[nparams]: decision parameters in the order of the
 *            parameter table (model.c); missing ones take their defaults
 *   classes  nclasses x { char id[12] (NUL padded "T1234.567"), f32 scale,
 *            f32 bias, u32 positives }, ids strictly increasing
 *   features u32[nfeatures]: hashed feature buckets, strictly increasing
 *   offsets  u32[nfeatures + 1]: postings of feature i are
 *            [offsets[i], offsets[i+1]); offsets[0] = 0, last = npostings
 *   postings npostings x { u16 class, i16 weight }: the weight of the
 *            feature for the class is weight * scale of the class; a
 *            feature names each class at most once
 *   info     info_len bytes of text (the training manifest), padded to 4
 *   trailer  u32 FNV-1a of every byte before it
 * A class's score for a sentence is bias + the sum over its features of
 * value x weight: a linear one-vs-rest model keeping each class's largest
 * weights only (feature-major postings, so scoring touches only the
 * features the sentence has).
 */
#ifndef CTIX_TTP_MODEL_H
#define CTIX_TTP_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ctix/ttp.h"
#include "ttp/features.h"
#include "util/buf.h"

#define CTIX__TTP_MODEL_MAGIC "CTIXTTPM"
#define CTIX__TTP_MODEL_VERSION 1u

/* Appends v little-endian, as the model file stores every number (the
 * trainer writes models with these; tests build damaged ones). */
static inline void ctix__ttp_put32(ctix_buf *b, uint32_t v)
{
  unsigned char p[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                        (unsigned char)(v >> 24)};
  ctix__buf_add(b, p, 4);
}

/* Appends the bits of f as ctix__ttp_put32 does. */
static inline void ctix__ttp_putf(ctix_buf *b, float f)
{
  uint32_t u;
  memcpy(&u, &f, 4);
  ctix__ttp_put32(b, u);
}

/*
 * The model file's checksum (its trailer): 32-bit FNV-1a of p[0..n). The
 * loader checks it, the trainer and the tests that build models write it.
 */
uint32_t ctix__ttp_model_checksum(const void *p, size_t n);

/* Largest model file accepted. */
#define CTIX__TTP_MODEL_MAX ((size_t)64 << 20)
#define CTIX__TTP_MAX_CLASSES 4096u
#define CTIX__TTP_MAX_PARAMS 64u

/*
 * Decision parameters of the fusion (ttp.c), stored in the model file so
 * a model and its decision travel together. See docs/ttp.md.
 */
typedef struct ctix__ttp_params {
  float thr0, thr1;       /* document threshold = thr0 + thr1 * ln(usable sentences) */
  float topk;             /* the model part is the mean of the best `topk` sentence scores */
  float short_n;          /* texts of at most this many sentences use the best sentence */
  float z_floor;          /* sentence scores below are not kept (a missing one counts as this) */
  float cue_w;            /* weight of the strongest lexicon cue (its weight 0-1) */
  float name_w;           /* weight of the strongest technique-name hit */
  float id_w;             /* weight of a literal id of the technique */
  float potential_pen;    /* subtracted from negated, hypothetical and advice sentences */
  float sub_margin;       /* a sub-technique is chosen when its score >= threshold - margin */
  float runner_gap;       /* a sibling within this of the chosen one is its runner-up */
  float conf_slope;       /* confidence = sigmoid(conf_slope * (score - threshold)) */
} ctix__ttp_params;

/* Number of parameters and their names (for `--set NAME=VALUE`, the manifest). */
size_t ctix__ttp_param_count(void);
const char *ctix__ttp_param_name(size_t i);
void ctix__ttp_params_default(ctix__ttp_params *p);
/* Sets parameter `name` (CTIX_ENOTFOUND if unknown). */
int ctix__ttp_param_set(ctix__ttp_params *p, const char *name, float value);
float ctix__ttp_param_get(const ctix__ttp_params *p, size_t i);

/*
 * The feature index: one entry per 64 buckets, their presence bits and
 * the number of model features before them, so a bucket's feature index
 * is base + the bits set below it (no probing; 256 KiB for 2^20 buckets).
 */
typedef struct ctix__ttp_rank {
  uint64_t bits;
  uint32_t base;
  uint32_t pad;
} ctix__ttp_rank;

/* A feature's postings start and its dense row (UINT32_MAX: none). */
typedef struct ctix__ttp_fent {
  uint32_t off;
  uint32_t row;
} ctix__ttp_fent;

/*
 * Features with at least this many postings are also kept as a dense row
 * of weights over every class (in-memory form only, built at load time):
 * adding a row with vector instructions is cheaper than scattering that
 * many postings. The sums are the same integers either way.
 */
/* Most bytes of dense rows built at load (a hostile --model file cannot ask
 * for more; the features past it stay sparse). */
#define CTIX__TTP_DENSE_MAX_BYTES (16u << 20)
#ifndef CTIX__TTP_DENSE_MIN
#define CTIX__TTP_DENSE_MIN 64u
#endif

/* One posting: a class and its quantised weight. */
typedef struct ctix__ttp_posting {
  uint16_t cls;
  int16_t w;
} ctix__ttp_posting;

struct ctix_ttp_model {
  uint32_t nclasses, nfeat, npost;
  char (*ids)[12];              /* class ids */
  int32_t *parent;              /* index of the parent class, -1 if none or absent */
  float *scale, *bias;
  uint32_t *positives;
  uint32_t *feat;               /* sorted buckets */
  ctix__ttp_fent *fent;         /* nfeat + 1: postings of feature i are
                                   [fent[i].off, fent[i + 1].off) */
  const ctix__ttp_posting *post; /* post_own, or the embedded bytes themselves */
  ctix__ttp_posting *post_own;  /* the copy, when the model owns its postings */
  ctix__ttp_rank *rank;         /* CTIX__TTP_NFEAT / 64 entries */
  int16_t *dense;               /* ndense rows of `stride` weights (class order, zero padded) */
  uint32_t ndense, stride;      /* stride: nclasses rounded up to a multiple of 64 */
  int simd;                     /* 1 when the CPU has AVX2 and POPCNT (scoring uses them);
                                   tests set 0 to force the plain path */
  ctix__ttp_params params;
  char *info;                   /* training manifest text */
  size_t file_size;
};

/*
 * Loads a model from memory (copied; `source` names it in errors). Every
 * count and offset is checked against the size: bad data gives
 * CTIX_EPARSE, over CTIX__TTP_MODEL_MAX CTIX_ETOOBIG.
 */
int ctix__ttp_model_load_mem(ctix_ttp_model **out, const void *data, size_t len,
                             const char *source, ctix_error *err);

/*
 * Loads the embedded model: the same checks except the checksum (the
 * bytes are part of the program; the unit tests verify them with
 * ctix__ttp_model_load_mem), and on a little-endian host the postings are
 * used in place instead of copied. `data` must outlive the model.
 */
int ctix__ttp_model_load_embedded(ctix_ttp_model **out, const void *data, size_t len,
                                  ctix_error *err);

/* The embedded model bytes (embed.c); len 0 when the build has none. */
const unsigned char *ctix__ttp_model_embedded(size_t *len);

/*
 * Raw class scores of one feature vector: out[c] = bias + sum of weights,
 * for every class c (out has nclasses entries).
 */
void ctix__ttp_model_score(const ctix_ttp_model *m, const ctix__ttp_feat *f, size_t n,
                           float *out);

/* Weight of bucket `id` for class `cls` (0 when not kept). */
float ctix__ttp_model_weight(const ctix_ttp_model *m, uint32_t id, uint32_t cls);

/* Class index of an id ("T1059.001"), or -1. */
int32_t ctix__ttp_model_class(const ctix_ttp_model *m, const char *id);

/*
 * ctix_ttp_map_document, and when `trace` is not NULL the inputs of the
 * document decision appended to it as text, so that a change of the
 * decision can be replayed outside ctix (tools/ttp/decide_replay.py,
 * docs/ttp.md). One record per line:
 *   doc SOURCE NSENTENCES NUSABLE THRESHOLD
 *   classes ID:POSITIVES...            the model's classes, in score order
 *   sent I CONTEXT BLOCK [SCORE...]    every sentence; the model's raw score of
 *                                      each class (before potential_pen) when
 *                                      the sentence is scored
 *   text I TEXT                        after a scored sentence: its text
 *                                      as ctix__ttp_trace_escape writes it
 *                                      (spaces kept)
 *   hit I TECHNIQUE KIND WEIGHT [Z]    a rule hit the decision counts (KIND:
 *                                      CTIX_TTP_SIG_ID, _NAME or _CUE); Z, only
 *                                      for the id of a Mobile or ICS technique:
 *                                      the model score its sentence takes
 *                                      (before potential_pen)
 *   stated I TECHNIQUE                 after the hit of an id the author
 *                                      states (ttp.c states_id(): a plain
 *                                      assertion, the id in brackets or a
 *                                      table cell of ids only)
 * CONTEXT holds the CTIX__TTP_CTX_* flags (signals.h), SOURCE is one token
 * (ctix__ttp_trace_escape). The mapping result is the same with or without
 * a trace.
 */
int ctix__ttp_map_trace(ctix_ttp_list **out, ctix_buf *trace, const ctix_document *doc,
                        const ctix_ttp_options *opts, ctix_error *err);

/*
 * Appends s[0..n) to a trace so that no reader splits it where the writer
 * did not: the body of a JSON string (json.loads('"' + T + '"') gives s
 * back) as ctix__json_escape writes it (src/util/json.h: control
 * characters, `"`, `\`, U+2028/U+2029 escaped, an invalid UTF-8 byte as
 * U+FFFD), with the Unicode white space Python's str.split() and
 * str.splitlines() break at (U+0085, U+00A0, U+2000-U+200A, ...) as \uXXXX.
 * With `token` the ASCII space is escaped too (\u0020), an empty s is
 * written `-` and s = "-" as \u002d, so that s is one whitespace-separated
 * token (ids and labels of `gold` lines, the source of `doc` lines); without,
 * spaces stay (the `text` lines).
 */
void ctix__ttp_trace_escape(ctix_buf *b, const char *s, size_t n, bool token);

/* ------------------------------------------------------------- training */

/* The labelled training rows, with their features (train.c). */
typedef struct ctix__ttp_data ctix__ttp_data;

/*
 * Reads the training sources under shared_dir: the `uses` relationships of
 * data/attack/enterprise-attack.json (procedure examples, citations and
 * links removed, the user's name replaced by a placeholder), technique
 * names, and the dev splits of data/ttp-eval. Labels are resolved through
 * `kb` (revoked ids remapped, unknown ones dropped); a sub-technique label
 * also labels its parent. Each row carries the key of the report it comes
 * from (ctix__ttp_report_key) so evaluation can keep a report out.
 */
int ctix__ttp_data_load(ctix__ttp_data **out, const char *shared_dir, const ctix_kb *kb,
                        bool progress, ctix_error *err);
/*
 * As ctix__ttp_data_load, with optional row sources (off by default, so
 * `ctix model train` is unchanged): `sigma` CTIX__TTP_SIGMA_TITLE adds one
 * row per rule of data/sigma/rules (its title) labelled with its ATT&CK
 * technique tags, CTIX__TTP_SIGMA_DESC its title and description; the rows
 * come from no report (no fold leaves them out). An unreadable file is
 * an error; one that does not parse or has no title is counted in the
 * summary (and so the manifest), which names the source.
 */
enum { CTIX__TTP_SIGMA_OFF = 0, CTIX__TTP_SIGMA_TITLE = 1, CTIX__TTP_SIGMA_DESC = 2 };
int ctix__ttp_data_load_src(ctix__ttp_data **out, const char *shared_dir, const ctix_kb *kb,
                            int sigma, bool progress, ctix_error *err);
void ctix__ttp_data_free(ctix__ttp_data *d);
/* One line per source: rows, positives, distinct labels. */
const char *ctix__ttp_data_summary(const ctix__ttp_data *d);

/*
 * The report an evaluation item or training row comes from, by its id:
 * "tram2:<doc#>" for tram2m-/tram2d- ids, "annoctr:<split>-<doc>",
 * "ctihal:<group>-<report>", else the id itself. Writes at most cap bytes.
 */
void ctix__ttp_report_key(char *out, size_t cap, const char *id);

/* Solvers measured (liblinear). */
enum { CTIX__TTP_SVM = 0, CTIX__TTP_LOGREG = 1 };

/*
 * Which rows are a class's negatives (docs/ttp.md, "Report-aware
 * negatives"). Every row not labelled with the class (the default), or
 * not the unlabelled sentences of a report (tram2-multi, annoctr-sent)
 * that has the class's family (the technique, its parent and its
 * sub-techniques) among its labels, or only those within `neg_window`
 * sentences of a sentence labelled with the family. The MIL modes train
 * twice: the report-aware candidates that the first model scores over
 * `neg_margin` are positives (or left out) the second time.
 */
enum {
  CTIX__TTP_NEG_ALL = 0,
  CTIX__TTP_NEG_REPORT = 1,
  CTIX__TTP_NEG_WINDOW = 2,
  CTIX__TTP_NEG_MIL_ADD = 3,   /* trained twice: the report-aware candidates over */
  CTIX__TTP_NEG_MIL_DROP = 4   /* neg_margin become positives / leave the problem */
};

typedef struct ctix__ttp_train_cfg {
  int solver;                  /* CTIX__TTP_SVM (default) or CTIX__TTP_LOGREG */
  double c;                    /* regularisation; 0 = the solver's default */
  size_t topn;                 /* weights kept per class; 0 = default */
  size_t min_pos;              /* classes need this many positive rows; 0 = default */
  const char *const *classes;  /* train only these ids (NULL: every class) */
  size_t nclasses;
  bool parents_only;           /* train parent techniques only */
  const char *const *exclude;  /* report keys kept out of training */
  size_t nexclude;
  const ctix__ttp_params *params; /* decision parameters written (NULL: defaults) */
  int neg_mode;                /* CTIX__TTP_NEG_*; not ALL is written in the manifest */
  unsigned neg_window;         /* sentences either side for CTIX__TTP_NEG_WINDOW */
  double neg_margin;           /* score over which the MIL modes change a candidate */
  int nb;                      /* CTIX__TTP_NB_*: naive-Bayes scaled features; not OFF
                                  is written in the manifest */
  double nb_alpha;             /* smoothing a of the counts (0: 1) */
  double nb_beta;              /* interpolation w' = (1-b) mean|w| + b w; 0 or 1: none */
  double nb_clip;              /* |r| at most this; 0: no clip */
  bool progress;
} ctix__ttp_train_cfg;

/*
 * Naive-Bayes scaled features (NBSVM, docs/ttp.md "Naive-Bayes scaled
 * features"): class t's SVM is trained on x * r, r_j the log-count ratio
 * log((a + p_j) / |a + p|_1) - log((a + q_j) / |a + q|_1) of feature j
 * over t's positive (p) and negative (q) rows, counting a present feature
 * as 1 (BIN) or its value (VALUE); the stored weight is w_j * r_j, so a
 * sentence is scored on its unchanged features.
 */
enum { CTIX__TTP_NB_OFF = 0, CTIX__TTP_NB_BIN = 1, CTIX__TTP_NB_VALUE = 2 };

struct feature_node;
/*
 * Sets r[j] (nfeat entries) to the log-count ratio of feature j (liblinear
 * index j + 1) over the n rows x (each ending at index -1; indexes over
 * nfeat, such as the bias, are ignored) labelled y (> 0 positive), under
 * cfg's nb, nb_alpha and nb_clip; |p|_1 and |q|_1 run over the features
 * present in some row, and r[j] of an absent feature is 0. `p` and `q`
 * are scratch of nfeat entries. The caller keeps cfg->nb != OFF.
 */
void ctix__ttp_nb_ratios(float *r, double *p, double *q, size_t nfeat,
                         struct feature_node *const *x, const double *y, size_t n,
                         const ctix__ttp_train_cfg *cfg);

/*
 * Sets keep[i], for each of d's rows in order (ctix__ttp_data_rows), to
 * whether the row may be a negative of class `id` under cfg's neg_mode:
 * false for the class's positives and for the rows that mode leaves out.
 * `keep` holds ctix__ttp_data_rows(d) entries. CTIX_EINVAL for an id
 * that labels no row.
 */
int ctix__ttp_negatives(bool *keep, const ctix__ttp_data *d, const char *id,
                        const ctix__ttp_train_cfg *cfg);
/* Number of training rows of d. */
size_t ctix__ttp_data_rows(const ctix__ttp_data *d);
/* The features of d's row i (i < ctix__ttp_data_rows), bias then index -1 last; d's. */
const struct feature_node *ctix__ttp_data_x(const ctix__ttp_data *d, size_t i);

/* Trains and appends the model file to `out`. Deterministic. */
int ctix__ttp_train_buf(ctix_buf *out, const ctix__ttp_data *d, const ctix__ttp_train_cfg *cfg,
                        ctix_error *err);

#endif
