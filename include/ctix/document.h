/*
 * The document: what every later stage reads.
 *
 * Any input (plain text, Markdown, HTML, PDF) becomes one normalised UTF-8
 * text, cut into blocks (headings, paragraphs, list items, code, table
 * rows), grouped into sections under their headings, and split into
 * sentences. Every block, section and sentence is a span of byte offsets
 * into doc->text, so any later finding can cite its exact evidence.
 *
 * Normalisation: invalid UTF-8 becomes U+FFFD (counted in utf8_replaced);
 * white space inside prose blocks collapses to single spaces (code blocks
 * keep their lines); blocks are separated by "\n\n". The text is
 * NUL-terminated.
 *
 * Ownership: a ctix_document and everything it points to live in one arena
 * released by ctix_document_free.
 */
#ifndef CTIX_DOCUMENT_H
#define CTIX_DOCUMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctix/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ctix_format {
  CTIX_FORMAT_AUTO = 0,   /* detect from content, then file name */
  CTIX_FORMAT_TEXT,
  CTIX_FORMAT_MARKDOWN,
  CTIX_FORMAT_HTML,
  CTIX_FORMAT_PDF
} ctix_format;

/* Byte range [start, end) in doc->text. */
typedef struct ctix_span {
  size_t start, end;
} ctix_span;

typedef enum ctix_block_kind {
  CTIX_BLOCK_PARAGRAPH = 0,
  CTIX_BLOCK_HEADING,     /* level 1..6 */
  CTIX_BLOCK_LIST_ITEM,   /* level = nesting depth, 1-based */
  CTIX_BLOCK_CODE,        /* pre/code; lines kept */
  CTIX_BLOCK_TABLE_ROW,   /* cells joined by " | " */
  CTIX_BLOCK_QUOTE
} ctix_block_kind;

typedef struct ctix_block {
  ctix_block_kind kind;
  uint32_t level;           /* heading level or list depth; 0 otherwise */
  uint32_t section;         /* index into doc->sections */
  uint32_t page;            /* 1-based PDF page; 0 for other formats */
  ctix_span span;
  uint32_t first_sentence;  /* index into doc->sentences */
  uint32_t nsentences;
} ctix_block;

typedef struct ctix_sentence {
  ctix_span span;
  uint32_t block;           /* index into doc->blocks */
} ctix_sentence;

/*
 * A section: the blocks under one heading, up to the next heading of the
 * same or a higher level. Section 0 is the document root (level 0, no
 * heading) and holds whatever precedes the first heading.
 */
typedef struct ctix_section {
  ctix_span heading;        /* the heading block's span; empty for the root */
  uint32_t level;           /* heading level; 0 for the root */
  int32_t parent;           /* enclosing section, -1 for the root */
  uint32_t first_block;     /* its first block (the heading itself, or 0 for the root) */
  uint32_t nblocks;         /* blocks directly in it, heading included; they are
                               contiguous, subsections follow them */
} ctix_section;

/* A hyperlink in the source: its visible text and its target. */
typedef struct ctix_link {
  ctix_span span;           /* anchor text; empty if it had none */
  const char *href;
} ctix_link;

/* A non-fatal problem met while building the document. */
typedef struct ctix_diag {
  int code;                 /* a CTIX_E* code */
  size_t offset;            /* byte offset in the input, or CTIX_NOPOS */
  const char *message;
} ctix_diag;

/* Metadata; any field may be NULL when the input does not say. */
typedef struct ctix_doc_meta {
  const char *source;         /* file name, batch id or "<stdin>" */
  const char *title;
  const char *author;
  const char *published;      /* as given, ISO 8601 when the source uses it */
  const char *canonical_url;
  const char *language;       /* e.g. "en" */
  const char *site_name;
  const char *description;
} ctix_doc_meta;

typedef struct ctix_document {
  ctix_format format;         /* the format actually parsed */
  const char *text;           /* normalised UTF-8, NUL-terminated */
  size_t len;
  ctix_doc_meta meta;
  const ctix_block *blocks;
  size_t nblocks;
  const ctix_section *sections;
  size_t nsections;           /* >= 1 */
  const ctix_sentence *sentences;
  size_t nsentences;
  const ctix_link *links;
  size_t nlinks;
  const ctix_diag *diags;
  size_t ndiags;
  uint32_t npages;            /* PDF pages; 0 for other formats */
  size_t input_bytes;         /* size of the raw input */
  size_t utf8_replaced;       /* invalid bytes replaced by U+FFFD */
  struct ctix_document_priv *priv;
} ctix_document;

#define CTIX_DEFAULT_MAX_INPUT ((size_t)50 * 1024 * 1024)
#define CTIX_DEFAULT_MAX_DEPTH 256u

typedef struct ctix_doc_options {
  ctix_format format;         /* CTIX_FORMAT_AUTO by default */
  size_t max_input;           /* bytes; larger input fails with CTIX_ETOOBIG */
  unsigned max_depth;         /* HTML element nesting; deeper fails with CTIX_ETOOBIG */
  const char *source;         /* name used in errors and meta.source; may be NULL */
  bool no_sentences;          /* skip sentence splitting: doc->sentences stays
                                 empty (nsentences 0, blocks' nsentences 0), for
                                 callers that need only text, blocks and sections */
} ctix_doc_options;

/* Fills `opts` with the defaults above. */
void ctix_doc_options_init(ctix_doc_options *opts);

/*
 * Builds a document from `len` bytes of input. `opts` may be NULL for the
 * defaults. On success *out is the caller's, to release with
 * ctix_document_free. Errors: CTIX_ETOOBIG (size or nesting limit),
 * CTIX_EEMPTY (no text), CTIX_EUNSUPPORTED (binary data), CTIX_EPARSE
 * (unreadable PDF), CTIX_ENOMEM.
 */
int ctix_document_parse(ctix_document **out, const void *data, size_t len,
                        const ctix_doc_options *opts, ctix_error *err);

/*
 * Reads `path` ("-" for standard input) with the size limit of `opts`
 * enforced while reading, then parses it as ctix_document_parse does. The
 * file name also guides format detection (.html, .md, .pdf, ...).
 */
int ctix_document_load(ctix_document **out, const char *path,
                       const ctix_doc_options *opts, ctix_error *err);

/* Releases a document; NULL is accepted. */
void ctix_document_free(ctix_document *doc);

/*
 * Index of the sentence that holds byte `off` of doc->text or, when `off`
 * falls between sentences, of the next one; doc->nsentences when no
 * sentence ends after `off`. Sentences are in text order (binary search).
 */
size_t ctix_document_sentence_at(const ctix_document *doc, size_t off);

/* "text", "markdown", "html", "pdf" or "auto". */
const char *ctix_format_name(ctix_format fmt);

/* Parses a format name (as above); CTIX_EINVAL if unknown. */
int ctix_format_from_name(ctix_format *out, const char *name);

/*
 * Guesses the format of `data` from its first bytes, then from `name`'s
 * extension (name may be NULL). Never returns CTIX_FORMAT_AUTO.
 */
ctix_format ctix_format_detect(const void *data, size_t len, const char *name);

/* "paragraph", "heading", "list_item", "code", "table_row", "quote". */
const char *ctix_block_kind_name(ctix_block_kind kind);

/*
 * Splits text[0..len) into sentences with the same rules the document
 * builder applies to each block. *out (caller frees with free()) receives
 * *count spans relative to `text`, trimmed of surrounding white space.
 */
int ctix_sentences_split(ctix_span **out, size_t *count, const char *text, size_t len,
                         ctix_error *err);

#ifdef __cplusplus
}
#endif
#endif
