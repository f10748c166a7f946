/*
 * Internal interface of the Sigma part of the response module: a small
 * YAML tree (read with libyaml, written by our own emitter with safe
 * quoting), Sigma value escaping, the rule checker behind `ctix sigma
 * check`, the embedded behaviour-template library and the reader of an
 * existing rule collection (--sigma-rules DIR).
 *
 * Trees and their strings live in a caller's arena.
 */
#ifndef CTIX_RESPOND_SIGMA_H
#define CTIX_RESPOND_SIGMA_H

#include <stdbool.h>
#include <stddef.h>

#include "ctix/respond.h"
#include "util/arena.h"
#include "util/buf.h"

/* ------------------------------------------------------------ YAML tree */

typedef enum ctix__sy_kind {
  CTIX__SY_SCALAR = 0,
  CTIX__SY_SEQ,
  CTIX__SY_MAP
} ctix__sy_kind;

/* One node. Map entries are children whose `key` is set. */
typedef struct ctix__sy {
  ctix__sy_kind kind;
  const char *key;          /* entry key in a map, else NULL */
  unsigned key_line, key_col; /* 1-based position of the key */
  const char *str;          /* scalar value (NUL-terminated), else NULL */
  size_t len;               /* scalar length (may hold NULs from escapes) */
  bool plain;               /* scalar written without quotes (type resolution applies) */
  unsigned line, col;       /* 1-based position of the value */
  struct ctix__sy *first, *last, *next;
  size_t n;                 /* number of children */
} ctix__sy;

/* Limits of the reader. */
#define CTIX__SY_MAX_INPUT ((size_t)1 << 20)  /* bytes of one rule file */
#define CTIX__SY_MAX_DEPTH 64u
#define CTIX__SY_MAX_NODES 200000u

/*
 * Reads every YAML document of data[0..len) into *docs (a sequence whose
 * children are the documents' roots). Aliases, nesting deeper than
 * CTIX__SY_MAX_DEPTH and more than CTIX__SY_MAX_NODES nodes are errors;
 * input over `max` bytes is CTIX_ETOOBIG. Syntax errors are CTIX_EPARSE
 * with the line and column.
 */
int ctix__sy_parse(ctix__sy **docs, ctix_arena *arena, const char *data, size_t len, size_t max,
                   ctix_error *err);

/*
 * ctix__sy_parse reads the usual shape (documents each after a "---" line,
 * in the subset of YAML the Sigma reader's fast parser takes) without
 * libyaml and everything else with it; the trees are the same. This is
 * the libyaml path alone, the reference for tests and fuzzing.
 */
int ctix__sy_parse_libyaml(ctix__sy **docs, ctix_arena *arena, const char *data, size_t len,
                           size_t max, ctix_error *err);

/* True if two trees are identical (kinds, texts, styles, keys, positions, order). */
bool ctix__sy_equal(const ctix__sy *a, const ctix__sy *b);

/*
 * Reads data[0..len) (limit CTIX__SY_MAX_INPUT) with ctix__sy_parse and
 * with libyaml alone: 0 when both give the same code, message, position
 * and tree, CTIX_EINVAL otherwise (tests and fuzzing). Each path's error,
 * if any, is left in *fast_err and *ref_err.
 */
int ctix__sy_paths_agree(const char *data, size_t len, ctix_error *fast_err,
                         ctix_error *ref_err);

/* Builders (NULL when the arena is exhausted; builders accept NULL parents). */
ctix__sy *ctix__sy_new(ctix_arena *arena, ctix__sy_kind kind);
ctix__sy *ctix__sy_scalar(ctix_arena *arena, const char *s);
/* Appends `child` to a sequence, or as entry `key` of a map. */
void ctix__sy_append(ctix__sy *parent, const char *key, ctix__sy *child);
/* Adds key: "value" to a map and returns the scalar. */
ctix__sy *ctix__sy_put(ctix_arena *arena, ctix__sy *map, const char *key, const char *value);
/* Entry `key` of a map, or NULL. */
const ctix__sy *ctix__sy_get(const ctix__sy *map, const char *key);
/* Deep copy. */
ctix__sy *ctix__sy_copy(ctix_arena *arena, const ctix__sy *node);

/* The YAML 1.1 type a plain scalar resolves to: "str", "int", "float", "bool", "null", "timestamp". */
const char *ctix__sy_scalar_type(const ctix__sy *node);

/*
 * Writes `node` as block-style YAML (4-space indent) to out. Every scalar
 * is quoted when a plain form could be misread (YAML indicators, ': ',
 * ' #', leading '-', '?', booleans, numbers, dates, white space at the
 * ends, non-printable characters); newlines and controls go in double
 * quotes with escapes, and invalid UTF-8 becomes U+FFFD.
 */
void ctix__sy_emit(ctix_buf *out, const ctix__sy *node);

/* Appends s as one YAML scalar (plain, single- or double-quoted as needed). */
void ctix__sy_emit_scalar(ctix_buf *out, const char *s, size_t len);

/*
 * Appends s[0..n) as a literal Sigma string value: '*' and '?' (wildcards)
 * become '\*' and '\?', and a backslash is doubled when a wildcard or
 * another backslash follows it (or it ends the value), so the value
 * matches exactly the text given.
 */
void ctix__sigma_escape(ctix_buf *out, const char *s, size_t n);
/* The same into the arena; NULL when it is exhausted. */
char *ctix__sigma_escape_dup(ctix_arena *arena, const char *s, size_t n);

/* ------------------------------------------------------------- checker */

typedef struct ctix__sigma_issue {
  unsigned line, col;       /* 1-based; 0 when the whole file is concerned */
  bool warning;             /* lint warning, not an error */
  char msg[240];
} ctix__sigma_issue;

/*
 * Checks the Sigma rules of data[0..len) (one or more YAML documents):
 * required fields, types, enumerations, id/date/tag formats, logsource,
 * detection with a condition that only names existing search
 * identifiers, known modifiers; plus lint warnings. Appends issues to
 * `issues` (ctix__sigma_issue records) in file order. Returns 0 (issues
 * or not), CTIX_ENOMEM or CTIX_ETOOBIG (input over CTIX__SY_MAX_INPUT,
 * reported as an issue too).
 */
int ctix__sigma_check(ctix_buf *issues, const char *data, size_t len, ctix_error *err);

/* Number of errors (not warnings) in an issue array. */
size_t ctix__sigma_nerrors(const ctix_buf *issues);

/* ---------------------------------------------------------- templates */

/* How a template takes the article's specifics. */
typedef struct ctix__sigma_fill {
  const char *from;         /* "file_name", "file_path", "registry_key", "domain", "ipv4",
                               "url", "tool", "command_line" */
  const char *field;        /* "Image|endswith" */
  const char *selection;    /* search identifier to create ("selection_article") */
  const char *const *match; /* command_line: words a line must hold (any); may be empty */
  size_t nmatch;
} ctix__sigma_fill;

typedef struct ctix__sigma_template {
  const char *technique;    /* "T1059.001" */
  const char *title;
  const char *description;
  const ctix__sy *logsource;
  const ctix__sy *detection; /* with its condition */
  const char *condition_filled; /* condition when a fill selection was added; NULL: "<cond> or <sel>" */
  const ctix__sy *falsepositives;
  const char *level;
  const ctix__sigma_fill *fills;
  size_t nfills;
  const char *source;       /* "T1059.001.yml" */
} ctix__sigma_template;

/*
 * The embedded template library (the YAML files of data/sigma/templates), parsed once
 * (thread-safe) and never freed. Sorted by technique id.
 */
int ctix__sigma_templates(const ctix__sigma_template **out, size_t *n, ctix_error *err);

/*
 * Parses a template library from data[0..len) into `arena` (the embedded
 * one, or a test's). Each document is one template.
 */
int ctix__sigma_templates_parse(ctix__sigma_template **out, size_t *n, ctix_arena *arena,
                                const char *data, size_t len, const char *source,
                                ctix_error *err);

/* The template for a technique id (exact), or NULL. */
const ctix__sigma_template *ctix__sigma_template_find(const ctix__sigma_template *t, size_t n,
                                                      const char *technique);

/* ---------------------------------------------------- existing rules */

/* Limits of a collection (its folder walk: src/lib/sigma/sigma_lib.h). */
#define CTIX__SIGMA_DIR_MAX_FILES 100000u
#define CTIX__SIGMA_DIR_MAX_BYTES ((size_t)512 << 20)

/*
 * Appends a ctix_response_rule (origin "existing", the file's own text,
 * strings copied into `arena`) for every rule of the collection `c` with
 * an attack.tNNNN[.NNN] tag among `techniques` (ids, case ignored), in the
 * collection's order; file names existing_<name>, made unique.
 */
int ctix__sigma_existing_match(ctix_buf *rules, ctix_arena *arena, const ctix_sigma_collection *c,
                               const char *const *techniques, size_t ntechniques, ctix_error *err);

/*
 * ctix_response_collection_load() of `dir` (limits above), then
 * ctix__sigma_existing_match(), then the collection freed: for one
 * document. Files that are not rules or cannot be read are skipped and
 * counted in *skipped (may be NULL). Rules without an id are skipped.
 */
int ctix__sigma_existing(ctix_buf *rules, ctix_arena *arena, const char *dir,
                         const char *const *techniques, size_t ntechniques, size_t *skipped,
                         ctix_error *err);

#endif
