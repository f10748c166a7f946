/*
 * Internal contract between the rule signals of the technique mapper
 * (explicit ids, technique names, lexicon cues, sentence context: owned by
 * cues.c, names.c and context.c) and the fusion/model side (ttp.c,
 * model.c). The rule side never decides a document's techniques; it only
 * reports what it saw, with spans, so the fusion can weigh it and show it
 * as evidence.
 */
#ifndef CTIX_TTP_SIGNALS_H
#define CTIX_TTP_SIGNALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctix/document.h"
#include "ctix/error.h"
#include "ctix/kb.h"
#include "ctix/ttp.h"
#include "util/buf.h"

/* One rule hit anywhere in the text. */
typedef struct ctix__ttp_cue_hit {
  uint32_t start, end;     /* byte span of the matched words in the text */
  uint32_t first_end;      /* end of a cue's first ` ... ` part (end otherwise) */
  uint32_t last_start;     /* start of a cue's last part (start otherwise) */
  ctix_kb_ref technique;   /* KB ref of the (current, non-revoked) technique */
  float weight;            /* strength 0-1: how surely the words mean the technique */
  unsigned kind;           /* CTIX_TTP_SIG_ID, _NAME or _CUE */
  const char *cue;         /* what matched, as a static or KB string (shown as evidence) */
} ctix__ttp_cue_hit;

/*
 * Appends to `hits` (a ctix_buf of ctix__ttp_cue_hit) every explicit
 * technique id, precise technique name and lexicon cue in text[0..len),
 * sorted by start offset, except the words of a longer technique name:
 * a name inside a longer name, and a cue whose first or last part lies
 * inside the name of another technique (unless a name of its own
 * technique, parent or sub-technique covers it too). Ids are resolved through the KB (revoked ids
 * remapped, unknown ids ignored). One pass over the text (automaton built
 * once per process, thread-safe).
 */
int ctix__ttp_cues_match(ctix_buf *hits, const char *text, size_t len, const ctix_kb *kb,
                         ctix_error *err);

/* Context flags of one sentence (bit flags). */
enum {
  CTIX__TTP_CTX_NEGATED = 1u << 0,     /* "did not", "no evidence of", "failed to" */
  CTIX__TTP_CTX_HYPOTHETICAL = 1u << 1, /* "could allow an attacker to", "may be used to", "if" */
  CTIX__TTP_CTX_ADVICE = 1u << 2,      /* "we recommend", "organisations should", imperatives in mitigations */
  CTIX__TTP_CTX_REFERENCE = 1u << 3,   /* in a references / further reading / acknowledgements section */
  CTIX__TTP_CTX_MITIGATION = 1u << 4,  /* in a mitigations / recommendations / detection section */
  CTIX__TTP_CTX_ID_TABLE = 1u << 5,    /* a table row or list that only enumerates ATT&CK ids/names */
  CTIX__TTP_CTX_PUBLICATION = 1u << 6, /* about the publication, to its reader: "Download the PDF version" */
  CTIX__TTP_CTX_CONTRAST = 1u << 7     /* "rather than", "instead of", "unlike", or a question:
                                          its ids are no claim of use */
};

/*
 * Context flags of doc->sentences[i]: negation and modality from the
 * sentence's own words (cue lists kept as data), section kinds from the
 * enclosing headings. 0 means a plain assertion.
 */
unsigned ctix__ttp_sentence_context(const ctix_document *doc, size_t i);

/* Same for a bare sentence (no section information). */
unsigned ctix__ttp_text_context(const char *s, size_t len);

#endif
