/*
 * Internals of the entity stage (src/lib/entity): the vocabularies parsed
 * from data/entity (lexicon.c), a string map, the word tokens of a
 * document and the name rules. entity.c runs the stage on them.
 */
#ifndef CTIX_ENTITY_INTERNAL_H
#define CTIX_ENTITY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctix/document.h"
#include "ctix/entity.h"
#include "util/arena.h"
#include "util/buf.h"

/* ------------------------------------------------------------- string map */

/* Open-addressing map from byte strings to a uint32 value; keys are not
 * copied (they must outlive the map). */
typedef struct ctix__smap_slot {
  const char *key;
  uint32_t len;
  uint32_t val;
} ctix__smap_slot;

typedef struct ctix__smap {
  ctix__smap_slot *slots;
  size_t cap, count;
} ctix__smap;

void ctix__smap_free(ctix__smap *m);
/* Inserts key -> val unless the key is present; *old gets the present value.
 * Returns 0, or CTIX_ENOMEM. */
int ctix__smap_put(ctix__smap *m, const char *key, size_t len, uint32_t val, uint32_t *old);
/* The value of key, or UINT32_MAX. */
uint32_t ctix__smap_get(const ctix__smap *m, const char *key, size_t len);

/* --------------------------------------------------------------- lexicon */

/* Why an alias needs support (data/entity/ambiguous.tsv). */
typedef enum ctix__amb {
  CTIX__AMB_NONE = 0,
  CTIX__AMB_WORD,      /* an ordinary English word */
  CTIX__AMB_SHORT,     /* three characters or fewer */
  CTIX__AMB_PHRASE,    /* several ordinary words */
  CTIX__AMB_UTILITY    /* an operating-system utility */
} ctix__amb;

/* One element of a name rule (data/entity/patterns.tsv). */
typedef enum ctix__elem_kind {
  CTIX__EL_LIT,
  CTIX__EL_NAME,
  CTIX__EL_STRICT_NAME,      /* {N!}: a distinctive name */
  CTIX__EL_LIST,
  CTIX__EL_ANY,              /* "*" zero to three words, "+" one to three */
  CTIX__EL_PLACE             /* {P}: a country or region name */
} ctix__elem_kind;

typedef struct ctix__elem {
  ctix__elem_kind kind;
  bool optional;
  unsigned char min_words;   /* CTIX__EL_ANY: 0 for "*", 1 for "+" */
  bool possessive;           /* CTIX__EL_LIT "'s": the "s" of a possessive */
  bool negated;              /* CTIX__EL_LIT "!w": the next word (or, before the anchor, the
                              * word before) is none of these; takes no word */
  const char *const *alts;   /* lower-case words or marks (CTIX__EL_LIT) */
  size_t nalts;
} ctix__elem;

/* Rule kinds beyond ctix_entity_kind. */
#define CTIX__RULE_GROUP_MALWARE 100   /* both a group and a malware */
#define CTIX__RULE_SAME 101            /* the kind of the entity before it */

/* Bit of a sentence's context bits (ctix__lexicon.context_any) set by a
 * word of an attack or incident ("incident" context row). */
#define CTIX__CTX_INCIDENT (1u << 16)
/* Bit set by a word of a sentence that names no victim: a disclaimer's
 * "endorsement" ("context aside" row). */
#define CTIX__CTX_ASIDE (1u << 17)

typedef struct ctix__rule {
  int kind;                  /* ctix_entity_kind or CTIX__RULE_* */
  bool incident;             /* an "incident" rule: only in a sentence about an attack */
  float confidence;
  const char *text;          /* the pattern as written, for evidence */
  const ctix__elem *elems;
  size_t nelems;
  size_t anchor;             /* the first required literal */
} ctix__rule;

typedef struct ctix__designator {
  const char *prefix;        /* "Storm-" */
  size_t digits;             /* number of digits that follow */
  float confidence;
} ctix__designator;

typedef struct ctix__place {
  const char *id;            /* "PL" or a region key */
  const char *name;
} ctix__place;

/* Flag of a sector_words value: a trigger of the fourth column of
 * sectors.tsv, counted only in a sentence with a targeting word. */
#define CTIX__SECTOR_TARGETED_ONLY (1u << 30)

typedef struct ctix__sector {
  const char *key, *label;
} ctix__sector;

/* Values of ctix__lexicon.legal_forms. */
#define CTIX__LEGAL_FORM 1u        /* a legal form */
#define CTIX__LEGAL_COMMA 2u       /* also written after a comma ("Acme, Inc.") */
#define CTIX__LEGAL_MAX_WORDS 3    /* most words in one form ("S.A. de C.V.") */
#define CTIX__LEGAL_MAX_WORD 8     /* most bytes of one word of a form ("Pte", "KGaA") */
#define CTIX__LEGAL_MAX_KEY 32     /* a form's key (dots and commas out) is shorter */

/* A tool of data/entity/tools.tsv: software ATT&CK does not list. */
typedef struct ctix__listed_tool {
  const char *name;
  const char *const *aliases; /* other names, as written */
  size_t naliases;
  ctix__amb amb;              /* CTIX__AMB_NONE, _WORD or _PHRASE */
} ctix__listed_tool;

typedef struct ctix__lexicon {
  ctix__smap ambiguous;      /* alias (lower case) -> ctix__amb */
  ctix__smap places;         /* name, adjective, demonym (lower case) -> place index */
  ctix__smap place_prefixes; /* every prefix of a key of places (derived) */
  ctix__place *place_list;
  size_t nplaces;
  ctix__smap sector_words;   /* trigger (lower case) -> sector index (| CTIX__SECTOR_TARGETED_ONLY) */
  ctix__smap sector_prefixes;/* trigger stem of a "word*" trigger -> sector index */
  ctix__smap sector_heads;   /* first three letters (or fewer) of every trigger and stem (derived) */
  ctix__sector *sector_list;
  size_t nsectors;
  ctix__smap stop_trim;      /* stop names trimmed from a name's edges */
  ctix__smap stop_whole;     /* stop names dropped only as a whole name */
  ctix__smap stop_suffix;    /* endings of hyphenated adjectives ("-linked") */
  ctix__smap stop_alone;     /* no name alone, but part of one ("Enterprise") */
  ctix__smap not_victim;     /* last words of a victim that is a kind of thing, not an organisation */
  ctix__smap generic_org;    /* generic words for organisations ("Companies") */
  ctix__smap reporter;       /* words that make an organisation one that reports attacks ("security firm") */
  ctix__smap legal_forms;    /* legal forms (legalforms.txt), case kept, dots and commas out -> CTIX__LEGAL_* */
  ctix__smap legal_prefixes; /* every prefix of a key of legal_forms (derived) */
  ctix__smap legal_last;     /* the last word of every key of legal_forms */
  ctix__smap incident;       /* words of an attack or incident */
  ctix__smap aside;          /* words of a sentence that names no victim ("endorsement") */
  ctix__smap product;        /* what a vendor makes, after a possessive ("software") */
  ctix__smap heading;        /* words of a heading over no victim ("references") */
  ctix__smap advice;         /* subjects of advice right before "should" ("organizations") */
  ctix__smap headpart;       /* words beside a heading word ("recommended", "and") */
  ctix__smap attacker;       /* words before an advice subject naming attackers ("ransomware") */
  ctix__smap clause;         /* words starting a clause after "should" ("that", ":") */
  ctix__listed_tool *tools;  /* tools.tsv */
  size_t ntools;
  ctix__smap context[CTIX_ENTITY_KIND_COUNT]; /* supporting words per kind */
  ctix__smap context_any;    /* supporting word -> bit k set for each kind k it supports (derived) */
  ctix__smap listintro[CTIX_ENTITY_KIND_COUNT]; /* words introducing a list of names */
  ctix__smap anchors;        /* anchor word -> first index in anchor_rules chain */
  uint32_t *anchor_next;     /* chain of (rule) entries per anchor word */
  uint32_t *anchor_rule;
  size_t nanchor_entries;
  ctix__rule *rules;
  size_t nrules;
  ctix__designator *designators;
  size_t ndesignators;
} ctix__lexicon;

/* The process-wide lexicon, parsed on first use from the embedded data.
 * NULL (with err set) if the embedded data is malformed or memory ran out. */
const ctix__lexicon *ctix__entity_lexicon(ctix_error *err);

/* Checks `text` as a legal form ("legalforms.txt") or a pattern
 * ("patterns.tsv") without adding it to the lexicon: 0, or a negative
 * CTIX_E* with err set. For tests of the parsers. */
int ctix__entity_check_line(const char *file, const char *text, ctix_error *err);

/* The embedded copy of data/entity/NAME (NUL-terminated), or NULL. */
const char *ctix__entity_data(const char *name, size_t *len);

/* ------------------------------------------------------------------ tokens */

enum {
  CTIX__TOK_WORD = 1,        /* letters/digits (else one punctuation mark) */
  CTIX__TOK_SPACE = 2,       /* white space before it */
  CTIX__TOK_QUOTE_BEFORE = 4,/* a quotation mark right before it */
  CTIX__TOK_QUOTE_AFTER = 8, /* a quotation mark right after it */
  CTIX__TOK_BREAK = 16,      /* something skipped (a quote, a line break) before it */
  CTIX__TOK_FIRST = 32,      /* the first word of its sentence */
  CTIX__TOK_HEADING = 64,    /* in a heading block */
  CTIX__TOK_CODE = 128       /* in a code block */
};

typedef struct ctix__tok {
  uint32_t start, end;       /* bytes in doc->text */
  uint32_t sent;             /* sentence index */
  uint32_t flags;
} ctix__tok;

/*
 * Cuts the sentences of doc into tokens (appended to `toks` as ctix__tok)
 * and records in sent_first (nsentences + 1 uint32) where each sentence's
 * tokens start. Returns 0 or the buffers' error.
 */
int ctix__entity_tokenize(ctix_buf *toks, ctix_buf *sent_first, const ctix_document *doc);

#endif
