/*
 * Internals shared by the rule side of the technique mapper (cues.c,
 * names.c, context.c), its unit tests and its fuzz target: the pattern
 * sets compiled into one automaton, the parser of the lexicon format
 * (data/ttp/cues.tsv, data/ttp/names.tsv) and the loaders of the embedded
 * data. The fusion side only needs signals.h.
 *
 * Pattern syntax (docs in data/ttp/cues.tsv's format, ttp-design): lower
 * case; matched ASCII-case-insensitively; a space matches any run of
 * white space; both ends fall on word boundaries when the pattern's
 * first/last character is a letter or digit; ` ... ` splits the pattern
 * into parts found in order in the same sentence, at most 60 bytes apart;
 * a `*` ending a word matches any continuation of that word (`exfiltrat*`,
 * `encod* command`); `<u+XXXX>` (4-6 lower-case hex digits) stands for
 * the UTF-8 bytes of a non-ASCII code point, so invisible characters
 * (`<u+202e>`, the right-to-left override) are written visibly.
 * Everything else is literal.
 */
#ifndef CTIX_TTP_CUES_INTERNAL_H
#define CTIX_TTP_CUES_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/incbin.h"
#include "ctix/error.h"
#include "ctix/kb.h"
#include "ttp/signals.h"
#include "util/buf.h"

/* Limits of the pattern syntax. */
#define CTIX__TTP_PAT_MAX 200u       /* bytes in one pattern */
#define CTIX__TTP_PAT_PARTS 8u       /* ` ... ` parts in one pattern */
#define CTIX__TTP_PART_GAP 60u       /* bytes allowed between consecutive parts */
#define CTIX__TTP_STAR_MAX 40u       /* bytes a `*` may add to a word */
#define CTIX__TTP_LEXICON_MAX ((size_t)4 << 20) /* bytes in one lexicon file */
#define CTIX__TTP_PATS_MAX 200000u   /* patterns in one set */

/* Pattern flags (ctix__ttp_patset_add). */
enum {
  CTIX__TTP_PAT_OPEN_END = 1u << 0 /* no word boundary after the pattern (the "t1" id trigger) */
};

/* A set of patterns, compiled once into a DFA, then read-only (thread-safe). */
typedef struct ctix__ttp_patset ctix__ttp_patset;

int ctix__ttp_patset_new(ctix__ttp_patset **out, ctix_error *err);
void ctix__ttp_patset_free(ctix__ttp_patset *ps);

/*
 * Adds one pattern with an opaque value and weight; `cue` (a string that
 * outlives the set) is what a match reports. On a syntax error returns
 * CTIX_EPARSE and writes a short reason into why[0..whysize) without
 * touching `err`; CTIX_ENOMEM / CTIX_ETOOBIG go to `err`.
 */
int ctix__ttp_patset_add(ctix__ttp_patset *ps, const char *pat, size_t len, uint32_t value,
                         float weight, const char *cue, unsigned flags, char *why,
                         size_t whysize, ctix_error *err);

/* Builds the automaton; no pattern may be added afterwards. */
int ctix__ttp_patset_compile(ctix__ttp_patset *ps, ctix_error *err);

/* Number of patterns and automaton states, and the automaton's size in bytes. */
void ctix__ttp_patset_stats(const ctix__ttp_patset *ps, size_t *npatterns, size_t *nstates,
                            size_t *bytes);

/* The i-th pattern added: its value, weight and cue; false past the end. */
bool ctix__ttp_patset_entry(const ctix__ttp_patset *ps, size_t i, uint32_t *value,
                            float *weight, const char **cue);

/* One match of a whole pattern. */
typedef struct ctix__ttp_pmatch {
  uint32_t start, end;  /* byte span in the text, first part to last part */
  uint32_t first_end;   /* end of the first part (end for one part) */
  uint32_t last_start;  /* start of the last part (start for one part) */
  uint32_t value;
  float weight;
  const char *cue;
} ctix__ttp_pmatch;

/*
 * Calls fn for every match of every pattern in text[0..len), in order of
 * match end (ties: pattern order). A non-zero return from fn stops the
 * scan and is returned. Texts longer than UINT32_MAX bytes: CTIX_ETOOBIG.
 */
typedef int (*ctix__ttp_match_fn)(void *ud, const ctix__ttp_pmatch *m, const char *text,
                                  size_t len);
int ctix__ttp_patset_scan(const ctix__ttp_patset *ps, const char *text, size_t len,
                          ctix__ttp_match_fn fn, void *ud);

/*
 * Parses lexicon text in the cues.tsv format (TECHNIQUE TAB WEIGHT TAB
 * PATTERN per line, `#` comments, blank lines) into `ps`, each pattern's
 * value being the technique's KB ref and its cue the pattern as written
 * (copied into storage owned by ps). `source` names the file in errors:
 * "cues.tsv:LINE:COL: message" (CTIX_EPARSE). Ids must be Enterprise
 * techniques of `kb`, neither revoked nor deprecated. Weights are 0.05-1.00
 * with two decimals; `allow_zero` also accepts 0.00 (names.tsv: "never").
 * A comment line that begins with `#@prior` must read `#@prior P [k]`, P
 * a decimal 0.05-1.00 (at most four decimals), k one or two digits (an
 * error otherwise). At most CTIX__TTP_LEXICON_MAX bytes (CTIX_ETOOBIG).
 */
int ctix__ttp_lexicon_parse(ctix__ttp_patset *ps, const char *text, size_t len,
                            const char *source, const ctix_kb *kb, bool allow_zero,
                            ctix_error *err);

/*
 * Evaluation only: when on, entries take the prior of the `#@prior` line
 * above them as their weight (docs/ttp-lexicon.md). Takes effect for
 * lexicons parsed afterwards; call it before the first mapping of the
 * process (the default rule set is built once).
 */
void ctix__ttp_cues_use_priors(bool on);

/* Copies len bytes into storage owned by ps and returns it NUL-terminated (NULL: no memory). */
const char *ctix__ttp_patset_strdup(ctix__ttp_patset *ps, const char *s, size_t len);

/* --------------------------------------------------------- names.c */

/* Value of the trigger patterns of explicit ids ("t1", "t0"), never a KB ref. */
#define CTIX__TTP_ID_TRIGGER 0xfffffffeu

/*
 * Adds to ps the explicit-id triggers and the precise names of the
 * Enterprise techniques of kb, weighted by data/ttp/names.tsv (names
 * listed with weight 0.00 are left out).
 */
int ctix__ttp_names_add(ctix__ttp_patset *ps, const ctix_kb *kb, ctix_error *err);

/*
 * Reads an explicit technique id whose "T" starts at text[start]:
 * T1234, T1234.567 or T1234/567, on word boundaries, capital T. Resolves
 * it in kb (revoked ids follow revoked-by; unknown and deprecated ids are
 * ignored; Enterprise, Mobile and ICS ids are read alike). Returns true
 * and fills *ref (current technique), *end and *written (the KB's string
 * of the id as written, for evidence) when it is one.
 */
bool ctix__ttp_read_id(const ctix_kb *kb, const char *text, size_t len, size_t start,
                       ctix_kb_ref *ref, size_t *end, const char **written);

/* Embeds the file at `path` as ctix__ttp_<sym>_start[] and _end[]
 * (util/incbin.h). */
#define CTIX__TTP_INCBIN(sym, path) CTIX__INCBIN(ctix__ttp_##sym, path)

/* The embedded data files (empty when a file was missing at build time). */
const char *ctix__ttp_data_cues(size_t *len);
const char *ctix__ttp_data_names(size_t *len);
const char *ctix__ttp_data_context(size_t *len);

/* ----------------------------------------------- patset_io.c (prebuilt) */

#define CTIX__TTP_AUTOMATON_MAX ((size_t)256 << 20) /* bytes in one prebuilt automaton */

/* The inputs a rule set was compiled from: checksums of the knowledge
 * base, of the embedded lexicon (cues.tsv) and of the name weights. */
typedef struct ctix__ttp_rules_ident {
  uint64_t kb, cues, names;
} ctix__ttp_rules_ident;

/* The identity of the default rule set compiled against `kb` (NULL: kb 0). */
void ctix__ttp_rules_ident_of(ctix__ttp_rules_ident *id, const ctix_kb *kb);

/*
 * Appends the compiled set `ps` to `out` in the prebuilt form
 * (patset_io.c), tagged with `id`. Deterministic: the same set gives the
 * same bytes. Little-endian hosts only (CTIX_EUNSUPPORTED).
 */
int ctix__ttp_patset_save(ctix_buf *out, const ctix__ttp_patset *ps,
                          const ctix__ttp_rules_ident *id, ctix_error *err);

/*
 * Reads a prebuilt set from blob[0..len) (8-byte aligned, at most
 * CTIX__TTP_AUTOMATON_MAX bytes). The automaton's arrays are used in
 * place: the blob must outlive *out (the caller's to
 * ctix__ttp_patset_free). With `want`, a blob built from other inputs is
 * CTIX_ENOTFOUND; a malformed one CTIX_EPARSE with the reason.
 */
int ctix__ttp_patset_load(ctix__ttp_patset **out, const void *blob, size_t len,
                          const ctix__ttp_rules_ident *want, ctix_error *err);

/* True when ps was read from a prebuilt blob (not compiled in this process). */
bool ctix__ttp_patset_prebuilt(const ctix__ttp_patset *ps);

/* The embedded prebuilt default set (automaton_data.c; empty when the build made none). */
const unsigned char *ctix__ttp_data_automaton(size_t *len);

/* --------------------------------------------------------- cues.c */

/*
 * Compiles the default rule set against `kb`: the explicit-id trigger,
 * the technique names and the embedded lexicon. *out is the caller's to
 * ctix__ttp_patset_free.
 */
int ctix__ttp_rules_build(ctix__ttp_patset **out, const ctix_kb *kb, ctix_error *err);

/*
 * The process-wide compiled rule set (ids, names, the embedded lexicon),
 * built on first use against ctix_kb_default(). The same error is
 * returned to every caller when the embedded data is malformed.
 */
int ctix__ttp_rules_default(const ctix__ttp_patset **out, const ctix_kb **kb, ctix_error *err);

/*
 * Evaluation only (not thread-safe, no mapping may run meanwhile):
 * replaces the lexicon of the default rule set by text[0..len), a file
 * in the cues.tsv format named `source` in errors; ids and names stay.
 */
int ctix__ttp_rules_replace(const char *text, size_t len, const char *source, ctix_error *err);

/* --------------------------------------------------------- context.c */

/*
 * Parses context cues in the context.tsv format into a new compiled set
 * (for tests and the fuzz target); *out is the caller's to
 * ctix__ttp_patset_free.
 */
int ctix__ttp_context_parse(ctix__ttp_patset **out, const char *text, size_t len,
                            const char *source, ctix_error *err);

/* Loads the embedded context cues once; the same error for every caller. */
int ctix__ttp_context_init(ctix_error *err);

#endif
