/*
 * A small streaming JSON writer over ctix_buf, shared by the export writers
 * (STIX, Navigator, MISP). The caller emits values in order; the writer puts
 * the commas, the key/value colons and, when asked, the line breaks and
 * two-space indentation. Strings are escaped by util/json.h, so any input
 * bytes give valid UTF-8 JSON. Errors are sticky like ctix_buf's: one check
 * at ctix__jsonw_finish is enough. Nesting deeper than CTIX__JSONW_MAX_DEPTH,
 * a key outside an object or a value where a key is due is a programming
 * error reported as CTIX_EINVAL at finish.
 *
 * Typical use:
 *   ctix__jsonw w;
 *   ctix__jsonw_init(&w, true);
 *   ctix__jsonw_object(&w);
 *   ctix__jsonw_kstr(&w, "type", "bundle");
 *   ctix__jsonw_key(&w, "objects"); ctix__jsonw_array(&w); ... ctix__jsonw_end(&w);
 *   ctix__jsonw_end(&w);
 *   rc = ctix__jsonw_finish(&w, &out, &len, err);  // out is the caller's to free()
 *
 * A writer made with ctix__jsonw_init_both writes the document twice in
 * one pass, indented and compact (the same bytes a compact writer would
 * give), for a document wanted in both forms; ctix__jsonw_finish_both
 * hands both over.
 *
 * Ownership: the writer owns its buffers until ctix__jsonw_finish hands
 * them over (or ctix__jsonw_free releases them, e.g. on an early error
 * path).
 */
#ifndef CTIX_EXPORT_JSONW_H
#define CTIX_EXPORT_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctix/error.h"
#include "util/buf.h"

#define CTIX__JSONW_MAX_DEPTH 48

typedef struct ctix__jsonw {
  ctix_buf b;                 /* the output; b.err is the sticky buffer error */
  ctix_buf c;                 /* with `both`: the compact output, written alongside */
  bool pretty;                /* line breaks and two-space indentation */
  bool both;                  /* b indented, c compact */
  int depth;                  /* open containers */
  int inline_from;            /* depth of the outermost one-line container, or 0 */
  int err;                    /* sticky misuse error (CTIX_EINVAL), 0 if none */
  bool after_key;             /* a key was written, its value is due */
  char kind[CTIX__JSONW_MAX_DEPTH];  /* '{' or '[' per open container */
  bool first[CTIX__JSONW_MAX_DEPTH]; /* nothing written yet in this container */
} ctix__jsonw;

/* Starts an empty document; `pretty` selects indented output. */
void ctix__jsonw_init(ctix__jsonw *w, bool pretty);

/* As ctix__jsonw_init with a hard limit on the output size (CTIX_ETOOBIG past it). */
void ctix__jsonw_init_max(ctix__jsonw *w, bool pretty, size_t max);

/* A writer of both forms at once (each limited to `max` bytes). */
void ctix__jsonw_init_both(ctix__jsonw *w, size_t max);

/* Releases the buffer (when not handed over by finish); safe to call twice. */
void ctix__jsonw_free(ctix__jsonw *w);

/* Opens an object / an array (as a value: after a key, in an array or at top level). */
void ctix__jsonw_object(ctix__jsonw *w);
void ctix__jsonw_array(ctix__jsonw *w);

/*
 * As above, but in pretty output everything inside stays on one line
 * ("[1, 2, 3]", {"a": 1, "b": 2}): for short records and lists.
 */
void ctix__jsonw_object_inline(ctix__jsonw *w);
void ctix__jsonw_array_inline(ctix__jsonw *w);

/* Closes the innermost object or array. */
void ctix__jsonw_end(ctix__jsonw *w);

/* Writes a member name (escaped: any bytes are safe). */
void ctix__jsonw_key(ctix__jsonw *w, const char *key);

/* Values. A NULL string is written as null. */
void ctix__jsonw_str(ctix__jsonw *w, const char *s);
void ctix__jsonw_strn(ctix__jsonw *w, const char *s, size_t n);
void ctix__jsonw_int(ctix__jsonw *w, int64_t v);
void ctix__jsonw_uint(ctix__jsonw *w, uint64_t v);
/*
 * A number with exactly `decimals` digits after the point (0..9), rounded
 * half away from zero: ctix__jsonw_fixed(w, 0.8751, 2) writes 0.88. NaN and
 * infinities are written as 0 (JSON has no such numbers).
 */
void ctix__jsonw_fixed(ctix__jsonw *w, double v, int decimals);
void ctix__jsonw_bool(ctix__jsonw *w, bool v);
void ctix__jsonw_null(ctix__jsonw *w);

/*
 * Appends s[0..n) as one value without any check or escaping: only for
 * JSON the caller produced itself (e.g. a pre-rendered fragment). Both
 * forms of a two-form writer get it as it is.
 */
void ctix__jsonw_raw(ctix__jsonw *w, const char *s, size_t n);

/* Key + value shortcuts. */
void ctix__jsonw_kstr(ctix__jsonw *w, const char *key, const char *s);
void ctix__jsonw_kstrn(ctix__jsonw *w, const char *key, const char *s, size_t n);
void ctix__jsonw_kint(ctix__jsonw *w, const char *key, int64_t v);
void ctix__jsonw_kuint(ctix__jsonw *w, const char *key, uint64_t v);
void ctix__jsonw_kfixed(ctix__jsonw *w, const char *key, double v, int decimals);
void ctix__jsonw_kbool(ctix__jsonw *w, const char *key, bool v);
void ctix__jsonw_knull(ctix__jsonw *w, const char *key);

/* Sticky error so far: 0, CTIX_ENOMEM, CTIX_ETOOBIG or CTIX_EINVAL. */
int ctix__jsonw_error(const ctix__jsonw *w);

/*
 * Ends the document (a final newline in pretty mode) and hands the text to
 * the caller: *out (NUL-terminated, *len bytes) is the caller's to free().
 * Fails (recording `err`) on a sticky error or containers left open; the
 * buffer is released in every case.
 */
int ctix__jsonw_finish(ctix__jsonw *w, char **out, size_t *len, ctix_error *err);

/* ctix__jsonw_finish of a two-form writer: *pretty and *compact (each the
 * caller's to free()); on failure both NULL. */
int ctix__jsonw_finish_both(ctix__jsonw *w, char **pretty, size_t *plen, char **compact,
                            size_t *clen, ctix_error *err);

#endif
