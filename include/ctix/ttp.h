/*
 * ATT&CK technique mapping: which techniques and sub-techniques a document
 * describes, with the evidence for each one.
 *
 * Four signals are fused into one score per technique per sentence and per
 * document: explicit ids and technique names, a lexicon of cues kept as
 * data (data/ttp/cues.tsv), a linear model trained on ATT&CK procedure
 * examples and labelled sentences (data/ttp/model.bin, rebuilt by
 * `ctix model train`), and the sentence's context (negation, modality,
 * advice, reference sections), which decides observed versus potential.
 * Names, cues and the model cover ATT&CK Enterprise; the explicit ids of
 * Mobile and ICS techniques are findings too, with their domain.
 * The result is deterministic: the same input and model give the same
 * output.
 *
 * Ownership: every `**out` is the caller's to release with the matching
 * _free function (which accepts NULL). Strings inside a result live as
 * long as the result.
 */
#ifndef CTIX_TTP_H
#define CTIX_TTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctix/document.h"
#include "ctix/error.h"
#include "ctix/kb.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Whether the text says the technique was used. */
typedef enum ctix_ttp_status {
  CTIX_TTP_OBSERVED = 0,  /* asserted as having happened */
  CTIX_TTP_POTENTIAL = 1, /* negated, hypothetical ("could allow"), advice */
  CTIX_TTP_IMPLIED = 2    /* only implied by named software or groups */
} ctix_ttp_status;

/* Signals that contributed to a score (bit flags). */
enum {
  CTIX_TTP_SIG_ID = 1u << 0,       /* an explicit ATT&CK id (T1566.001) */
  CTIX_TTP_SIG_NAME = 1u << 1,     /* the technique's name */
  CTIX_TTP_SIG_CUE = 1u << 2,      /* a lexicon cue (command, tool, phrasing) */
  CTIX_TTP_SIG_MODEL = 1u << 3,    /* the statistical model */
  CTIX_TTP_SIG_SOFTWARE = 1u << 4  /* named software or group (implied only) */
};

/* One piece of evidence: a sentence and what fired in it. */
typedef struct ctix_ttp_evidence {
  size_t sentence;          /* index into doc->sentences */
  size_t start, end;        /* byte span of the sentence in doc->text */
  float score;              /* fused score of this sentence for the technique, 0-1 */
  unsigned signals;         /* CTIX_TTP_SIG_* */
  ctix_ttp_status status;   /* context of this sentence */
  const char *const *why;   /* cues, ids, names or model features that fired, strongest first */
  size_t nwhy;
} ctix_ttp_evidence;

/* One technique found in the document. */
typedef struct ctix_ttp_hit {
  const char *id;           /* "T1566.001" (current id; revoked ids are remapped) */
  const char *name;         /* "Spearphishing Attachment" */
  const char *parent_name;  /* "Phishing" for a sub-technique, else NULL */
  const char *const *tactics; /* tactic short names ("initial-access") */
  size_t ntactics;
  float confidence;         /* 0-1 */
  ctix_ttp_status status;   /* observed if any supporting sentence is */
  unsigned signals;         /* union over the evidence */
  const ctix_ttp_evidence *evidence; /* strongest first */
  size_t nevidence;
  const char *runner_up;    /* a close sibling sub-technique, or NULL */
  float runner_up_confidence;
  /* The technique's ATT&CK domain: CTIX_KB_ENTERPRISE, CTIX_KB_MOBILE or
   * CTIX_KB_ICS (one bit). Mobile and ICS techniques come only from their
   * explicit ids. Readers take ctix_kb_domain_first(domain): 0 (a hit built
   * by hand), unknown bits or several read as one domain. */
  unsigned domain;
} ctix_ttp_hit;

/* The techniques of one document, by decreasing confidence (ties by id). */
typedef struct ctix_ttp_list {
  const ctix_ttp_hit *items;
  size_t count;
} ctix_ttp_list;

/* A loaded technique model (weights and thresholds). */
typedef struct ctix_ttp_model ctix_ttp_model;

typedef struct ctix_ttp_options {
  const ctix_kb *kb;          /* NULL = ctix_kb_default() */
  const ctix_ttp_model *model; /* NULL = the embedded model */
  float min_confidence;       /* hits below are dropped; 0 = the model's own decision */
  size_t max_evidence;        /* evidence sentences kept per technique (default 3) */
  bool implied;               /* add implied techniques of named software (default false) */
  bool ignore_explicit_ids;   /* do not use literal T-ids (evaluation of TRAM2) */
  /* With `implied`: the document's entities when the caller has them
   * (borrowed, not freed; extracted against the same KB); NULL = the mapper
   * extracts them itself. */
  const struct ctix_entity_list *entities;
} ctix_ttp_options;

/* Fills `opts` with the defaults. */
void ctix_ttp_options_init(ctix_ttp_options *opts);

/*
 * Maps `doc` to techniques. On success *out is the caller's to
 * ctix_ttp_list_free; it may reference doc->text offsets but not its memory.
 */
int ctix_ttp_map_document(ctix_ttp_list **out, const ctix_document *doc,
                          const ctix_ttp_options *opts, ctix_error *err);

/* Releases a list; NULL is accepted. */
void ctix_ttp_list_free(ctix_ttp_list *list);

/* The embedded model, loaded once (thread-safe); never freed by the caller. */
int ctix_ttp_model_default(const ctix_ttp_model **out, ctix_error *err);

/* Loads a model file written by ctix_ttp_model_train. */
int ctix_ttp_model_open_file(ctix_ttp_model **out, const char *path, ctix_error *err);

/* Releases a model from ctix_ttp_model_open_file; NULL is accepted. */
void ctix_ttp_model_free(ctix_ttp_model *model);

/* Short description of a model (classes, features, size), caller frees with free(). */
int ctix_ttp_model_describe(char **out, const ctix_ttp_model *model, ctix_error *err);

/* Training: reads ATT&CK bundles and labelled sets, writes a model file. */
typedef struct ctix_ttp_train_opts {
  const char *shared_dir;     /* root of the shared data (data/attack, data/ttp-eval) */
  const char *out_path;       /* model file to write */
  const char *const *exclude_ids; /* dev item ids (or id prefixes) kept out of training, NULL-terminated */
  int threads;                /* 0 = 1 */
  bool progress;              /* report progress on stderr */
} ctix_ttp_train_opts;

int ctix_ttp_model_train(const ctix_ttp_train_opts *opts, ctix_error *err);

const char *ctix_ttp_status_name(ctix_ttp_status status);

#ifdef __cplusplus
}
#endif
#endif
