/*
 * Helpers shared by the ctix sub-commands (not part of the library): the
 * option parser (args.c), usage errors and one-line messages on stderr
 * (main.c), colour styles, the progress bar (progress.c), the output
 * directory and its formats (output.c), the JSONL batch reader (jsonl.c)
 * and the terminal summary (summary.c).
 */
#ifndef CTIX_CLI_INTERNAL_H
#define CTIX_CLI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cli/cli.h"
#include "ctix/ctix.h"
#include "ctix/export.h"
#include "util/buf.h"
#include "util/err.h"

/* ------------------------------------------------------------ arguments */

/* One option of a command: id returned by the parser, names, argument. */
typedef struct ctix__cli_opt {
  int id;                 /* > 0 */
  char short_name;        /* 0 if none */
  const char *long_name;  /* without the dashes; NULL if none */
  bool has_arg;
} ctix__cli_opt;

typedef struct ctix__cli_args {
  int argc;
  char **argv;
  int next;               /* index of the next argv element */
  const char *cluster;    /* rest of a short-option cluster (-qh), or NULL */
  bool operands_only;     /* after "--" */
  const char *cmd;        /* command name for messages */
  const ctix__cli_opt *opts;  /* terminated by an entry with id 0 */
} ctix__cli_args;

#define CTIX__CLI_END 0       /* no more arguments */
#define CTIX__CLI_OPERAND (-1) /* *arg is an operand */
#define CTIX__CLI_BAD (-2)    /* usage error, already reported */

/* Starts parsing argv[1..argc) of command `cmd` against `opts`. */
void ctix__cli_args_init(ctix__cli_args *p, int argc, char **argv, const char *cmd,
                         const ctix__cli_opt *opts);

/*
 * Returns the next option's id (with its argument in *arg), an operand
 * (CTIX__CLI_OPERAND, in *arg), CTIX__CLI_END, or CTIX__CLI_BAD after
 * printing a usage error. Options and operands may be mixed; "--" ends
 * the options and "-" is an operand.
 */
int ctix__cli_args_next(ctix__cli_args *p, const char **arg);

/* The known name closest to `word` (edit distance <= 2), or NULL. */
const char *ctix__cli_suggest(const char *word, const char *const *names, size_t n);

/* --------------------------------------------------------------- messages */

/*
 * Prints "ctix CMD: message; try 'ctix help CMD'" on stderr (one line) and
 * returns CTIX_EXIT_USAGE. `cmd` may be NULL for the top level.
 */
int ctix__cli_usage(const char *cmd, const char *fmt, ...) CTIX__PRINTF(2, 3);

/* Prints "ctix: message" on stderr, clearing the progress bar first. */
void ctix__cli_msg(const char *fmt, ...) CTIX__PRINTF(1, 2);

/* Prints a one-line error ("SOURCE:LINE: message") on stderr. */
void ctix__cli_error(const ctix_error *err);

/* Looks a command up in ctix__cli_commands; NULL if unknown. */
const ctix_cli_cmd *ctix__cli_find(const char *name);

/* Prints the help of `cmd` (or the overview when NULL) to `f`. */
void ctix__cli_print_help(FILE *f, const ctix_cli_cmd *cmd);

/* ----------------------------------------------------------------- colour */

/* Escape sequences for the terminal summary; all "" without colour. */
typedef struct ctix__style {
  const char *bold, *dim, *red, *yellow, *green, *cyan, *reset;
} ctix__style;

/*
 * Colour is used only when `f` is a terminal, NO_COLOR is unset or empty,
 * TERM is not "dumb" and `disabled` (--no-color) is false.
 */
void ctix__style_init(ctix__style *st, FILE *f, bool disabled);

/*
 * Writes s (NULL: "-") for a terminal: control characters (C0, DEL, C1) shown
 * as '?', cut to `max` bytes on a character boundary ("..." marks the cut).
 * Every input-derived string (titles, ids, file names) goes through it
 * before reaching stdout/stderr as text (ctix_error text is cleaned by err.c).
 */
void ctix__cli_put_clean(FILE *f, const char *s, size_t max);
/* The same, appended to a buffer. */
void ctix__cli_clean(ctix_buf *b, const char *s, size_t max);

/* ------------------------------------------------------------ progress bar */

/*
 * The progress bar on stderr. Draws only when `enabled` and stderr is a
 * terminal; `total` 0 means unknown (a stream). Every message printed on
 * stderr clears it first (ctix__cli_msg and ctix__cli_error do).
 */
void ctix__progress_start(size_t total, bool enabled);
void ctix__progress_update(size_t done, size_t failed, const char *label);
void ctix__progress_clear(void);
void ctix__progress_end(void);

/* Monotonic clock in milliseconds. */
double ctix__cli_now_ms(void);

/* ------------------------------------------------------------------ output */

/* One output format: its name for --format, its file, its writer. */
/* What the writers of `ctix analyze -o` are told besides the analysis. */
typedef struct ctix__out_opts {
  unsigned report_flags;      /* CTIX_REPORT_NO_TEXT */
  const char *tlp;            /* --tlp: clear (default), green, amber, amber+strict, red */
  const char *producer;       /* --producer: identity of the producer (default "ctix") */
} ctix__out_opts;

/* Checks a --tlp value (any case) and makes *tlp the canonical lower-case
 * name; 0 or a usage error naming the accepted ones. */
int ctix__out_check_tlp(const char **tlp, const char *cmd);

/*
 * One document as its writers see it: the analysis, the options, and what
 * several writers derive from them, made by the first that needs it and
 * shared by the others (the STIX bundle: bundle.stix.json, report.html and
 * report.md). Released with ctix__out_doc_clear after the document.
 */
typedef struct ctix__out_doc {
  const ctix_analysis *a;
  const ctix__out_opts *o;
  ctix_stix_bundle *bundle;   /* NULL until a writer asks for it */
  unsigned stix_forms;        /* what the chosen formats read of it (ctix__out_stix_forms) */
} ctix__out_doc;

void ctix__out_doc_clear(ctix__out_doc *d);

typedef struct ctix__out_format {
  const char *name;
  const char *file;   /* file name inside the document's output folder */
  /* The file's content; *out NULL (and 0) when the document gives none. */
  int (*write)(char **out, size_t *len, ctix__out_doc *d, ctix_error *err);
  /*
   * Folder formats (write is NULL, `file` is the folder's name): how many
   * files the analysis gives, and the i-th one's name (inside the folder,
   * valid while `a` lives) and content (the caller frees *out).
   */
  size_t (*nfiles)(const ctix_analysis *a);
  int (*write_nth)(char **out, size_t *len, const char **name, const ctix_analysis *a, size_t i,
                   ctix_error *err);
  /* What the writer reads of the shared STIX bundle (CTIX__STIX_* bits of
   * src/lib/export/export_internal.h); 0 = it does not read it. */
  unsigned stix_forms;
} ctix__out_format;

/* The formats table, and its size. */
extern const ctix__out_format ctix__out_formats[];
extern const size_t ctix__out_nformats;

/* The bundle forms the formats of `set` read (a bit set over
 * ctix__out_formats): the bundle is made with those only. */
unsigned ctix__out_stix_forms(unsigned set);

/*
 * Parses a --format list ("json,stix") into a bit set over
 * ctix__out_formats. On an unknown or empty name prints a usage error
 * listing the available ones and returns CTIX_EXIT_USAGE.
 */
int ctix__out_parse_formats(unsigned *set, const char *list, const char *cmd);

/* The set of folder names given out in one output directory. */
typedef struct ctix__stems {
  char **slots;       /* open addressing; NULL = free */
  size_t cap, count;
} ctix__stems;

void ctix__stems_free(ctix__stems *s);

/*
 * Derives a folder name from `name` (a path: its base name without the
 * extension; or an id when `is_path` is false), made safe ([A-Za-z0-9._-])
 * and unique within `s` (compared ignoring ASCII case): on a clash the
 * extension is added, then "-2", "-3", ... The result is appended to `out`.
 */
int ctix__stems_add(ctix__stems *s, ctix_buf *out, const char *name, bool is_path);

/* Creates `dir` and its missing parents (mkdir -p). */
int ctix__out_mkdirs(const char *dir, ctix_error *err);

/* Writes data to `path` through a temporary file renamed into place. */
int ctix__out_write_file(const char *path, const char *data, size_t len, ctix_error *err);

/*
 * Removes the file at `path` left by an earlier run (a layer-ics.json the
 * document no longer gives); no file there is not an error. CTIX_EIO when
 * it cannot be removed.
 */
int ctix__out_remove_stale(const char *path, ctix_error *err);

/* ------------------------------------------------------------- JSONL batch */

/* Reads lines of a JSONL stream with a cap on the line length. */
typedef struct ctix__jsonl_reader {
  FILE *f;
  const char *source;     /* "<stdin>" */
  size_t max_line;
  unsigned long line;     /* 1-based number of the current line */
  ctix_buf buf;           /* the current line, without its newline */
  char chunk[65536];
  size_t pos, end;
  bool eof;
} ctix__jsonl_reader;

void ctix__jsonl_init(ctix__jsonl_reader *r, FILE *f, const char *source, size_t max_line);
void ctix__jsonl_free(ctix__jsonl_reader *r);

/*
 * Reads the next non-blank line into r->buf. Returns 1 for a line, 0 at
 * the end of the stream, or a negative code: CTIX_ETOOBIG for a line over
 * the cap (the rest of it is skipped, the next call reads the next line),
 * CTIX_EIO for a read error (the stream is finished).
 */
int ctix__jsonl_next(ctix__jsonl_reader *r, ctix_error *err);

/* One decoded record of a JSONL stream. */
typedef struct ctix__jsonl_record {
  char *id;               /* malloc'd; NULL when the line has none */
  const char *data;       /* the content (points into the parsed JSON) */
  size_t len;
  ctix_format format;
  void *json;             /* the parsed line (json_t), owned */
} ctix__jsonl_record;

/*
 * Decodes one line: a JSON object with an optional "id" (string or
 * integer) and exactly one of "text", "html" or "markdown". "text" is
 * parsed as `text_format` (plain text unless --input-format says
 * otherwise). On failure the id is still filled when it could be read.
 */
int ctix__jsonl_decode(ctix__jsonl_record *rec, const ctix__jsonl_reader *r,
                       ctix_format text_format, ctix_error *err);
void ctix__jsonl_record_free(ctix__jsonl_record *rec);

/* ----------------------------------------------------------------- summary */

/* What the terminal summary shows for one analysed document. */
typedef struct ctix__summary_doc {
  const ctix_analysis *a;
  double elapsed_ms;
  const char *const *files;   /* paths written */
  size_t nfiles;
} ctix__summary_doc;

/* Totals of a run, for the closing lines. */
typedef struct ctix__summary_totals {
  size_t ok, failed;
  double elapsed_ms;
  const char *outdir;         /* NULL when nothing was written */
} ctix__summary_totals;

void ctix__summary_document(FILE *f, const ctix__style *st, const ctix__summary_doc *d);
void ctix__summary_failure(FILE *f, const ctix__style *st, const ctix_error *err);
void ctix__summary_totals_print(FILE *f, const ctix__style *st,
                                const ctix__summary_totals *t);

/* --verbose: per-document timing and diagnostics on stderr. */
void ctix__summary_verbose(const ctix_analysis *a, double load_ms, double analyze_ms,
                           double write_ms);

#endif
