/*
 * The in-memory layout of a compiled pattern set (ctix__ttp_patset),
 * shared by the compiler and scanner (cues.c) and the reader and writer
 * of its prebuilt form (patset_io.c). Nothing else includes it.
 */
#ifndef CTIX_TTP_PATSET_LAYOUT_H
#define CTIX_TTP_PATSET_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "ttp/cues_internal.h"
#include "util/arena.h"
#include "util/buf.h"

/* Part flags. */
enum {
  PART_BOUND_START = 1, /* a word boundary before the part */
  PART_BOUND_END = 2,   /* a word boundary after it */
  PART_STAR = 4,        /* `*`: the last word continues with any word bytes */
  PART_GLUED = 8        /* follows the previous part's `*` directly (same word run) */
};

typedef struct part {
  uint32_t off;   /* normalised bytes in ps->bytes */
  uint32_t node;  /* automaton state where the literal ends (set by compile) */
  uint16_t len;
  uint8_t flags;
} part;

typedef struct pat {
  uint32_t first_part;
  uint32_t nparts;
  uint32_t value;
  float weight;
  const char *cue;
} pat;

/* One (pattern, part) whose literal ends at an automaton node. */
typedef struct use {
  uint32_t pat;
  uint32_t part;   /* index within the pattern */
  uint32_t next;   /* next use at the same node, or NONE */
} use;

/* Node summary: what every use of the literal ending at a state shares. */
enum {
  NODE_BOUND_START = 1, /* every use needs a word boundary before the literal */
  NODE_BOUND_END = 2,   /* every use needs one after it */
  NODE_PLAIN = 4,       /* the literal has no space: it spans exactly depth text bytes */
  NODE_CHAIN_END = 8,   /* NODE_BOUND_END here and at every dictionary suffix */
  NODE_OUT = 16,        /* some literal ends here (or at a suffix) */
  NODE_SPACE = 32,      /* entered by a space: loops on white space */
  NODE_OUT_FIRST = 64,  /* a first part ends here or at a dictionary suffix */
  NODE_OUT_LATER = 128  /* a later part ends here or at a dictionary suffix */
};

/* A trie child of a sparse state. */
typedef struct kid {
  uint32_t cls;
  uint32_t to;          /* state with its flag bits (tagged) */
} kid;

/* States with a full transition row (the shallow ones): 4096 rows of at most ~100 classes. */
#ifndef DENSE_MAX
#define DENSE_MAX 4096u
#endif

#define NONE 0xffffffffu
#define OUT_FIRST 0x80000000u /* the target state ends a first part (NODE_OUT_FIRST) */
#define OUT_LATER 0x40000000u /* ... a later part (NODE_OUT_LATER) */
#define END_FLAG 0x20000000u  /* every literal ending there needs a word boundary after it */
#define ROW_MASK 0x1fffffffu

struct ctix__ttp_patset {
  ctix_arena strings;   /* cue strings of parsed lexicons */
  ctix_buf bytes;       /* normalised part literals */
  ctix_buf parts;       /* part records */
  ctix_buf pats;        /* pat records */
  bool compiled;
  /* the automaton; states numbered breadth-first */
  uint8_t cls[256];     /* byte -> class; 0 = a byte in no pattern */
  uint8_t word[256];    /* byte -> 1 for letters, digits and '_' (is_word) */
  uint32_t nclasses;
  uint32_t space_cls;   /* class of white space, 0 if no literal has a space */
  uint32_t nstates;
  uint32_t ndense;      /* states [0, ndense) have full rows */
  uint32_t *delta;      /* ndense * nclasses: next state with its flag bits */
  uint32_t *fail;       /* per state: failure link */
  uint32_t *kfirst;     /* per state (+1): its trie children are kids[kfirst[s], kfirst[s+1]) */
  struct kid *kids;
  uint16_t *depth;      /* literal length of each state */
  uint8_t *nflags;      /* per state: NODE_* summary of the literal ending there */
  uint32_t *first_use;  /* per state: first use of a first part ending here, or NONE */
  uint32_t *later_use;  /* per state: first use of a later part ending here, or NONE */
  uint32_t *dict;       /* per state: nearest proper suffix state with uses, or NONE */
  use *uses;
  uint32_t nuses;
  bool borrowed;        /* the automaton arrays above point into a prebuilt blob (not freed) */
};

#endif
