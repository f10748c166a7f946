/*
 * The document builder: the one way format parsers (text, Markdown, HTML,
 * PDF) put content into a ctix_document. A parser opens a block, appends
 * text to it (possibly in many pieces), and closes it; the builder
 * normalises the text, repairs UTF-8, keeps the offsets, and at the end
 * splits sentences and derives sections.
 */
#ifndef CTIX_DOCUMENT_BUILDER_H
#define CTIX_DOCUMENT_BUILDER_H

#include <stdbool.h>

#include "ctix/document.h"
#include "util/arena.h"
#include "util/buf.h"

struct ctix_document_priv {
  ctix_arena arena;
  char *text_mem;        /* the normalised text, malloc'd */
  void *blocks_mem;      /* doc->blocks, malloc'd (NULL when there are none) */
  void *sentences_mem;   /* doc->sentences, malloc'd (NULL when there are none) */
};

typedef enum ctix__meta_field {
  CTIX__META_TITLE,
  CTIX__META_AUTHOR,
  CTIX__META_PUBLISHED,
  CTIX__META_CANONICAL_URL,
  CTIX__META_LANGUAGE,
  CTIX__META_SITE_NAME,
  CTIX__META_DESCRIPTION
} ctix__meta_field;

typedef struct ctix__docb {
  ctix_document *doc;
  ctix_arena *arena;
  const ctix_doc_options *opts;
  ctix_error *err;
  ctix_buf text;        /* the normalised text */
  ctix_buf blocks;      /* ctix_block records */
  ctix_buf sentences;   /* ctix_sentence records */
  ctix_buf links;       /* ctix_link records */
  ctix_buf diags;       /* ctix_diag records */
  uint32_t page;        /* current PDF page, 0 otherwise */
  bool open;            /* a block is open */
  /* Split sentences only when the parser is done (docb_finish), not as
   * each block closes: set by a reader whose own records of the input are
   * large and alive until it returns (HTML), so the sentence array does
   * not add to its peak. */
  bool defer_sentences;
  size_t nsplit;        /* blocks whose sentences are split */
  bool space;           /* prose: a space is pending before the next word */
  ctix_block_kind kind;
  uint32_t level;
  size_t block_start;   /* offset of the open block in text */
  size_t sep_start;     /* offset before the separator of the open block */
  /* The raw input when the builder may give back the memory of the part
   * the parser has consumed (ctix_document_load's own read buffer; NULL
   * otherwise), its length and how much of it was given back. */
  char *release_base;
  size_t release_len, released;
  /* The AVX2 path of the prose check may run: the CPU has AVX2 (set by
   * ctix_document_parse; tests clear it to compare the paths). */
  bool avx2;
} ctix__docb;

/* Opens a block; any open block is closed first. */
int ctix__docb_begin(ctix__docb *b, ctix_block_kind kind, uint32_t level);
/*
 * Appends raw text to the open block (opening a paragraph if none is
 * open). Prose blocks collapse white space (ASCII and U+00A0) to single
 * spaces; code blocks keep line breaks (CR LF and CR become LF). Invalid
 * UTF-8 becomes U+FFFD.
 */
int ctix__docb_append(ctix__docb *b, const char *s, size_t n);
/* Closes the open block (an empty block is dropped) and, unless the
 * options say no_sentences or the reader deferred it (defer_sentences),
 * splits it into sentences at once, while its text is still in the cache. */
int ctix__docb_end(ctix__docb *b);
/* begin + append + end. */
int ctix__docb_block(ctix__docb *b, ctix_block_kind kind, uint32_t level, const char *s,
                     size_t n);
/* Current end of the text: use it to take spans of what was appended. */
size_t ctix__docb_mark(const ctix__docb *b);
/* Makes the next append start with a word break (prose blocks). */
void ctix__docb_break(ctix__docb *b);
/* Sets a metadata field (white space collapsed) unless it is already set. */
int ctix__docb_meta(ctix__docb *b, ctix__meta_field field, const char *s, size_t n);
/* Records a hyperlink whose anchor text spans [start, end) of the text. */
int ctix__docb_link(ctix__docb *b, const char *href, size_t hlen, size_t start, size_t end);
/*
 * Tells the builder that the parser will not read the raw input before
 * `upto` (a pointer into the input it was given) again. When the input is
 * the loader's own buffer (release_base), the memory of that part (whole
 * pages, a margin behind `upto` kept) is given back to the system, so a
 * large input and its normalised text are not both held in full. A no-op
 * otherwise; the parsers that read the input in order call it.
 */
void ctix__docb_consumed(ctix__docb *b, const char *upto);
/* Records a non-fatal problem. */
int ctix__docb_warn(ctix__docb *b, int code, size_t offset, const char *fmt, ...)
    CTIX__PRINTF(4, 5);

/* Format parsers: each fills the builder from the whole input. */
int ctix__doc_parse_text(ctix__docb *b, const char *s, size_t n);
int ctix__doc_parse_markdown(ctix__docb *b, const char *s, size_t n);
int ctix__doc_parse_html(ctix__docb *b, const char *s, size_t n);
int ctix__doc_parse_pdf(ctix__docb *b, const char *s, size_t n);

/*
 * Sentence segmentation of one block's text: calls emit(ud, start, end)
 * for each sentence, offsets relative to `text`, trimmed of white space,
 * in order. Returns 0 or the first non-zero value emit returned.
 */
typedef int (*ctix__sentence_emit)(void *ud, size_t start, size_t end);
int ctix__sentence_split(const char *text, size_t n, ctix__sentence_emit emit, void *ud);

#endif
