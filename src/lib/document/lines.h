/*
 * Lines to blocks: what the plain-text, Markdown and PDF readers share.
 *
 * Text arrives as lines. Each reader describes its lines as ctix__tline
 * records (the content, where it starts and ends in "columns", how wide its
 * first word is) and hands runs of lines without a paragraph gap between
 * them ("chunks") to ctix__lines_chunk, which decides per line break
 * whether the break was only wrapping (the lines are joined) or ends a
 * record (an IOC per line, "Key: value" lines, a short line followed by a
 * capitalised one), finds list items and their nesting, and writes the
 * blocks through the document builder. Text readers measure columns in
 * characters; the PDF reader converts glyph positions into columns of the
 * page's average character width, so the same rules serve both.
 */
#ifndef CTIX_DOCUMENT_LINES_H
#define CTIX_DOCUMENT_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "document/builder.h"

/* Deepest list nesting kept; deeper items stay at this level. */
#define CTIX__LIST_MAX 8

/* One line: its content and geometry. */
typedef struct ctix__tline {
  const char *s;      /* content: indentation skipped, trailing white space trimmed */
  size_t n;
  double left;        /* where the content starts (columns) */
  double right;       /* where it ends (columns) */
  double fw;          /* width of its first word (columns) */
  uint32_t hlevel;    /* PDF: heading level from the font size; 0 otherwise */
  bool hard;          /* Markdown: ends with a hard line break */
} ctix__tline;

enum {
  CTIX__L_TITLE = 1u << 0,     /* a short first line is the document title */
  CTIX__L_HEADINGS = 1u << 1,  /* plain-text heading rules (single-line chunks) */
  CTIX__L_DEHYPHEN = 1u << 2,  /* "exfil-\ntration" -> "exfiltration" (PDF) */
  CTIX__L_MARKERS = 1u << 3    /* bullet and numbered lines are list items */
};

/* State kept across the chunks of one input. */
typedef struct ctix__lstate {
  ctix__docb *b;
  unsigned flags;
  double min_wrap;    /* chunks narrower than this hold one record per line */
  double slack;       /* tolerance of the "next word would have fit" test */
  double list_left[CTIX__LIST_MAX];
  unsigned depth;     /* open list nesting, 0 outside lists */
  bool first_chunk;   /* nothing emitted yet */
  bool in_item;       /* the open block is a list item */
  double item_left;   /* marker column of the open item */
  bool cont;          /* the next chunk's first line continues the open block */
  uint32_t next_page; /* PDF: page number to set once the open block is closed */
  ctix_buf lines;     /* ctix__tline records of the chunk being read (reused) */
} ctix__lstate;

void ctix__lstate_init(ctix__lstate *st, ctix__docb *b, unsigned flags);
void ctix__lstate_free(ctix__lstate *st);

/*
 * Writes one chunk of n lines as blocks. `more` tells whether more text
 * follows the chunk (plain-text headings need a paragraph after them).
 */
int ctix__lines_chunk(ctix__lstate *st, const ctix__tline *lines, size_t n, bool more);

/*
 * True when the break between line p and the next line l ends a record or
 * paragraph rather than wrapping prose; `width` is the chunk's line width.
 * `soft` (Markdown, where a line break is a space): a lower-case
 * continuation always joins, and a line that ended early breaks only before
 * a line starting with data (a number, a path, a domain), not before any
 * capitalised word, since hand-written Markdown lines are ragged.
 */
bool ctix__lines_break(const ctix__tline *p, const ctix__tline *l, double width,
                       double min_wrap, double slack, bool soft);

/* The usual wrapping width of n lines: their longest, ignoring one outlier. */
double ctix__lines_width(const ctix__tline *lines, size_t n);

/* Bytes of a list marker and the spaces after it at s (0 if none):
 * "- ", "* ", "+ ", "• " and other bullets, "1. ", "1) ", "a) ", "(a) ". */
size_t ctix__list_marker(const char *s, size_t n);

/* Display width of s[0..n): its number of UTF-8 characters. */
size_t ctix__text_width(const char *s, size_t n);

/* Length of the first word of s[0..n) in bytes. */
size_t ctix__first_word(const char *s, size_t n);

/* True if the line is a record rather than prose: one token (an IP, a
 * domain, a hash, a path), tab-separated fields, or "Key: value". */
bool ctix__line_recordlike(const char *s, size_t n);

/* May line l continue the prose of line p across a page break? */
bool ctix__lines_continues(const ctix__tline *p, const ctix__tline *l);

/* Closes the open block; a first level-1 heading becomes the title. */
int ctix__lines_end(ctix__docb *b);

/* 1 for a UTF-16LE byte-order mark at the start, 2 for UTF-16BE, else 0. */
int ctix__utf16_bom(const void *data, size_t len);

/*
 * Converts UTF-16 (byte order from its BOM, which is dropped) to UTF-8 in
 * out; unpaired surrogates and an odd last byte become U+FFFD, counted in
 * *replaced. Returns 0 or the buffer's error.
 */
int ctix__utf16_to_utf8(ctix_buf *out, const void *data, size_t len, size_t *replaced);

#endif
