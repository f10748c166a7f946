/*
 * `ctix analyze`: reads each input (a file, standard input, or a JSONL
 * stream of records on standard input), runs the analysis, and writes the
 * chosen output files under -o DIR, one JSON line per input on stdout
 * (--jsonl), and/or the terminal summary. A failed input is reported on one
 * line naming its source and position, and the batch goes on with the next;
 * the exit status tells what happened (src/cli/cli.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_internal.h"
#include "ctix/respond.h"
#include "util/str.h"

enum {
  OPT_OUTPUT = 1,
  OPT_FORMAT,
  OPT_JSONL,
  OPT_INPUT_FORMAT,
  OPT_MAX_SIZE,
  OPT_ID,
  OPT_NO_TEXT,
  OPT_QUIET,
  OPT_VERBOSE,
  OPT_NO_COLOR,
  OPT_TLP,
  OPT_PRODUCER,
  OPT_SIGMA_RULES,
  OPT_IMPLIED,
  OPT_HELP
};

static const ctix__cli_opt analyze_opts[] = {
    {OPT_OUTPUT, 'o', "output", true},
    {OPT_FORMAT, 0, "format", true},
    {OPT_JSONL, 0, "jsonl", false},
    {OPT_INPUT_FORMAT, 0, "input-format", true},
    {OPT_MAX_SIZE, 0, "max-size", true},
    {OPT_ID, 0, "id", true},
    {OPT_NO_TEXT, 0, "no-text", false},
    {OPT_QUIET, 'q', "quiet", false},
    {OPT_VERBOSE, 0, "verbose", false},
    {OPT_NO_COLOR, 0, "no-color", false},
    {OPT_TLP, 0, "tlp", true},
    {OPT_PRODUCER, 0, "producer", true},
    {OPT_SIGMA_RULES, 0, "sigma-rules", true},
    {OPT_IMPLIED, 0, "implied", false},
    {OPT_HELP, 'h', "help", false},
    {0, 0, NULL, false},
};

/* Most files one format set can produce for a document. */
#define MAX_FILES 16

/* The state of one `ctix analyze` run. */
typedef struct run {
  ctix_options opts;
  const char *outdir;
  unsigned formats;           /* bit set over ctix__out_formats */
  unsigned report_flags;      /* CTIX_REPORT_NO_TEXT */
  ctix__out_opts out;         /* what the writers are told (flags, --tlp, --producer) */
  ctix_response_options resp; /* --tlp for the Sigma rules' tags, --sigma-rules */
  ctix_sigma_collection *collection; /* --sigma-rules DIR, read once for every input */
  bool jsonl, quiet, verbose, no_color, stream;
  bool nested;                /* one folder per document under outdir */
  const char *id;             /* --id */
  ctix_buf inputs;            /* const char * records */
  ctix__stems stems;
  ctix__style st;
  size_t ok, failed;
  int exit;                   /* worst exit status so far */
  bool stop;                  /* an output failure ends the run */
} run;

/* One input to analyse: a file (path) or in-memory content (a record). */
typedef struct item {
  const char *path;           /* file or "-"; NULL for a record */
  const char *data;
  size_t len;
  ctix_format format;         /* CTIX_FORMAT_AUTO: --input-format */
  const char *source;         /* name in errors and in the report */
  const char *id;             /* NULL: the library uses the source */
  const char *stem;           /* folder name seed */
  bool stem_is_path;
} item;

static void worsen(run *r, int code)
{
  if (code > r->exit)
    r->exit = code;
}

/* Exit status for a failed input: out of memory is internal, else input. */
static int input_exit(int code)
{
  return code == CTIX_ENOMEM ? CTIX_EXIT_INTERNAL : CTIX_EXIT_INPUT;
}

/* Writes one line to stdout; an output failure stops the run. */
static void emit_line(run *r, const char *s, size_t n)
{
  if (fwrite(s, 1, n, stdout) != n || fputc('\n', stdout) == EOF || fflush(stdout) != 0) {
    ctix__cli_msg("cannot write to standard output");
    worsen(r, CTIX_EXIT_OUTPUT);
    r->stop = true;
  }
}

/* Reports an input that could not be analysed, everywhere it is due. */
static void fail_item(run *r, const char *id, const ctix_error *err)
{
  r->failed++;
  worsen(r, input_exit(err->code));
  ctix__cli_error(err);
  if (r->jsonl) {
    char *json = NULL;
    size_t n = 0;
    ctix_error e2;
    ctix_error_clear(&e2);
    if (ctix_report_json_error(&json, &n, id, err, 0, &e2) == 0)
      emit_line(r, json, n);
    else
      worsen(r, CTIX_EXIT_INTERNAL);
    free(json);
  }
  if (!r->quiet && !r->jsonl)
    ctix__summary_failure(stdout, &r->st, err);
}

/*
 * Writes a folder format (sigma/): the folder, then each of its files.
 * An empty list still makes the folder, so the layout does not depend on
 * what was found.
 */
static int write_folder(const ctix__out_format *f, const char *dir, const ctix_analysis *a,
                        ctix_error *err)
{
  size_t i, n = f->nfiles(a);
  int rc;
  if ((rc = ctix__out_mkdirs(dir, err)))
    return rc;
  for (i = 0; i < n; i++) {
    ctix_buf path = CTIX_BUF_INIT(8192);
    const char *name = NULL;
    char *data = NULL;
    size_t len = 0;
    rc = f->write_nth(&data, &len, &name, a, i, err);
    if (rc == 0) {
      ctix__buf_addf(&path, "%s/%s", dir, name ? name : "");
      if (path.err)
        rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
      else
        rc = ctix__out_write_file(path.data, data, len, err);
    }
    free(data);
    ctix__buf_free(&path);
    if (rc)
      return rc;
  }
  return 0;
}

/*
 * Writes the chosen formats of `a` into its folder; fills files[] with the
 * malloc'd paths written. An output failure is reported and stops the run.
 */
static int write_outputs(run *r, const item *it, const ctix_analysis *a, char **files,
                         size_t *nfiles)
{
  ctix_buf dir = CTIX_BUF_INIT(8192);
  /* what the writers of `a` share: the bundle in the forms they read */
  ctix__out_doc doc = {a, &r->out, NULL, ctix__out_stix_forms(r->formats)};
  ctix_error err;
  size_t i;
  int rc = 0;
  ctix_error_clear(&err);
  *nfiles = 0;
  ctix__buf_adds(&dir, r->outdir);
  if (r->nested) {
    if (dir.len && dir.data[dir.len - 1] != '/')
      ctix__buf_addc(&dir, '/');
    if ((rc = ctix__stems_add(&r->stems, &dir, it->stem, it->stem_is_path)))
      goto oom;
    if ((rc = ctix__out_mkdirs(dir.data, &err)))
      goto fail;
  }
  if (dir.err)
    goto oom;
  for (i = 0; i < ctix__out_nformats && *nfiles < MAX_FILES; i++) {
    ctix_buf path = CTIX_BUF_INIT(8192);
    char *data = NULL;
    size_t len = 0;
    if (!(r->formats & (1u << i)))
      continue;
    if (dir.len && dir.data[dir.len - 1] != '/')
      ctix__buf_addf(&path, "%s/%s", dir.data, ctix__out_formats[i].file);
    else
      ctix__buf_addf(&path, "%s%s", dir.data, ctix__out_formats[i].file);
    if (ctix__out_formats[i].write) {
      r->out.report_flags = r->report_flags;
      rc = ctix__out_formats[i].write(&data, &len, &doc, &err);
      if (rc == 0 && !data) {
        /* nothing for this document (layer-ics.json without ICS): no file,
         * not even one an earlier run wrote into the same folder */
        rc = ctix__out_remove_stale(path.data ? path.data : "", &err);
        ctix__buf_free(&path);
        if (rc)
          goto fail;
        continue;
      }
      if (rc == 0)
        rc = ctix__out_write_file(path.data ? path.data : "", data, len, &err);
      free(data);
    } else {
      rc = write_folder(&ctix__out_formats[i], path.data ? path.data : "", a, &err);
    }
    if (rc) {
      ctix__buf_free(&path);
      goto fail;
    }
    files[(*nfiles)++] = ctix__buf_detach(&path, NULL);
  }
  ctix__out_doc_clear(&doc);
  ctix__buf_free(&dir);
  return 0;

oom:
  ctix__error_set(&err, CTIX_ENOMEM, "out of memory");
fail:
  ctix__cli_error(&err);
  worsen(r, err.code == CTIX_ENOMEM ? CTIX_EXIT_INTERNAL : CTIX_EXIT_OUTPUT);
  if (err.code != CTIX_ENOMEM)
    r->stop = true;
  ctix__out_doc_clear(&doc);
  ctix__buf_free(&dir);
  return err.code ? err.code : CTIX_EIO;
}

/* Reads, analyses and reports one input. */
static void process_item(run *r, const item *it)
{
  ctix_doc_options dopt = r->opts.doc;
  ctix_document *doc = NULL;
  ctix_analysis *a = NULL;
  ctix_error err;
  char *files[MAX_FILES];
  size_t nfiles = 0, i;
  double t0, t1, t2, t3;
  int rc;

  ctix_error_clear(&err);
  dopt.source = it->source;
  if (it->format != CTIX_FORMAT_AUTO)
    dopt.format = it->format;
  t0 = ctix__cli_now_ms();
  if (it->path)
    rc = ctix_document_load(&doc, it->path, &dopt, &err);
  else
    rc = ctix_document_parse(&doc, it->data, it->len, &dopt, &err);
  t1 = ctix__cli_now_ms();
  if (rc == 0)
    rc = ctix_analyze(&a, doc, it->id, &r->opts, &err);
  t2 = ctix__cli_now_ms();
  if (rc) {
    ctix__error_source(&err, it->source);
    fail_item(r, it->id ? it->id : it->source, &err);
    return;
  }
  if (r->outdir && write_outputs(r, it, a, files, &nfiles)) {
    r->failed++;
    goto done;
  }
  if (r->jsonl) {
    char *json = NULL;
    size_t n = 0;
    if (ctix_report_json(&json, &n, a, r->report_flags, &err) == 0) {
      emit_line(r, json, n);
    } else {
      fail_item(r, a->id, &err);
      free(json);
      goto done;
    }
    free(json);
  }
  t3 = ctix__cli_now_ms();
  r->ok++;
  if (r->verbose)
    ctix__summary_verbose(a, t1 - t0, t2 - t1, t3 - t2);
  if (!r->quiet && !r->jsonl) {
    ctix__summary_doc d = {a, t3 - t0, (const char *const *)files, nfiles};
    ctix__progress_clear();
    ctix__summary_document(stdout, &r->st, &d);
    fflush(stdout);
  }

done:
  for (i = 0; i < nfiles; i++)
    free(files[i]);
  ctix_analysis_free(a);
}

/* Runs every record of the JSONL stream on standard input. */
static void process_stream(run *r, size_t *done)
{
  ctix__jsonl_reader rd;
  char where[64], stem[64];
  int rc;
  ctix__jsonl_init(&rd, stdin, "<stdin>", r->opts.doc.max_input);
  while (!r->stop) {
    ctix__jsonl_record rec;
    ctix_error err;
    item it;
    ctix_error_clear(&err);
    rc = ctix__jsonl_next(&rd, &err);
    if (rc == 0)
      break;
    snprintf(where, sizeof(where), "<stdin>:%lu", rd.line);
    if (rc < 0) {
      fail_item(r, where, &err);
      if (rc == CTIX_EIO)
        break;
    } else if (ctix__jsonl_decode(&rec, &rd, r->opts.doc.format, &err)) {
      fail_item(r, rec.id ? rec.id : where, &err);
      ctix__jsonl_record_free(&rec);
    } else {
      snprintf(stem, sizeof(stem), "line-%lu", rd.line);
      memset(&it, 0, sizeof(it));
      it.data = rec.data;
      it.len = rec.len;
      it.format = rec.format;
      it.source = where;
      it.id = rec.id ? rec.id : where;
      it.stem = rec.id ? rec.id : stem;
      it.stem_is_path = false;
      process_item(r, &it);
      ctix__jsonl_record_free(&rec);
    }
    ++*done;
    ctix__progress_update(*done, r->failed, where);
  }
  ctix__jsonl_free(&rd);
}

/* Parses --max-size: N[KMG], more than zero. */
static int parse_max_size(run *r, const char *arg)
{
  uint64_t v;
  if (ctix__parse_size(&v, arg, strlen(arg)) || v == 0 || v > SIZE_MAX / 4)
    return ctix__cli_usage("analyze", "invalid --max-size '%s' (a size such as 500K, 50M, 1G)",
                           arg);
  r->opts.doc.max_input = (size_t)v;
  return 0;
}

/* Parses the command line into `r`; returns 0 or CTIX_EXIT_USAGE. */
static int parse_args(run *r, int argc, char **argv, bool *help)
{
  ctix__cli_args p;
  const char *arg, *format_list = NULL;
  size_t nstdin = 0, i;
  int id;
  ctix__cli_args_init(&p, argc, argv, "analyze", analyze_opts);
  while ((id = ctix__cli_args_next(&p, &arg)) != CTIX__CLI_END) {
    switch (id) {
    case CTIX__CLI_BAD: return CTIX_EXIT_USAGE;
    case CTIX__CLI_OPERAND:
      if (ctix__buf_push(&r->inputs, &arg, sizeof(arg)))
        return ctix__cli_usage("analyze", "too many inputs");
      break;
    case OPT_HELP: *help = true; return 0;
    case OPT_OUTPUT:
      if (!*arg)
        return ctix__cli_usage("analyze", "empty folder name for -o");
      r->outdir = arg;
      break;
    case OPT_FORMAT: format_list = arg; break;
    case OPT_JSONL: r->jsonl = true; break;
    case OPT_INPUT_FORMAT:
      if (ctix_format_from_name(&r->opts.doc.format, arg))
        return ctix__cli_usage("analyze",
                               "unknown input format '%s' (auto, text, markdown, html, pdf)",
                               arg);
      break;
    case OPT_MAX_SIZE:
      if (parse_max_size(r, arg))
        return CTIX_EXIT_USAGE;
      break;
    case OPT_ID: r->id = arg; break;
    case OPT_NO_TEXT: r->report_flags |= CTIX_REPORT_NO_TEXT; break;
    case OPT_QUIET: r->quiet = true; break;
    case OPT_VERBOSE: r->verbose = true; break;
    case OPT_NO_COLOR: r->no_color = true; break;
    case OPT_TLP:
      if (ctix__out_check_tlp(&arg, "analyze"))
        return CTIX_EXIT_USAGE;
      r->out.tlp = arg;
      r->resp.tlp = arg;
      break;
    case OPT_SIGMA_RULES: r->resp.sigma_rules_dir = arg; break;
    case OPT_IMPLIED: r->opts.ttp.implied = true; break;
    case OPT_PRODUCER:
      if (!*arg)
        return ctix__cli_usage("analyze", "--producer needs a name");
      r->out.producer = arg;
      break;
    default: break;
    }
  }
  if (format_list && ctix__out_parse_formats(&r->formats, format_list, "analyze"))
    return CTIX_EXIT_USAGE;
  if (format_list && !r->outdir)
    return ctix__cli_usage("analyze", "--format chooses the files written with -o DIR");
  if (!format_list)
    r->formats = (1u << ctix__out_nformats) - 1;  /* all */
  if (CTIX__BUF_COUNT(&r->inputs, const char *) == 0)
    return ctix__cli_usage("analyze", "no input given (a FILE, or - for standard input)");
  for (i = 0; i < CTIX__BUF_COUNT(&r->inputs, const char *); i++)
    nstdin += strcmp(CTIX__BUF_AT(&r->inputs, const char *, i), "-") == 0;
  if (nstdin > 1)
    return ctix__cli_usage("analyze", "standard input (-) can be read only once");
  r->stream = nstdin && r->jsonl;
  if (r->id && (CTIX__BUF_COUNT(&r->inputs, const char *) > 1 || r->stream))
    return ctix__cli_usage("analyze", "--id applies to a single input, not a batch");
  if (r->id && !*r->id)
    return ctix__cli_usage("analyze", "empty --id");
  return 0;
}

/*
 * Reads the --sigma-rules collection once, before any input: a folder that
 * is missing, unreadable or too large is a usage error (one line, status
 * 2); out of memory is internal. Returns 0 or the exit status.
 */
static int load_collection(run *r)
{
  ctix_error err;
  size_t skipped = 0;
  ctix_error_clear(&err);
  if (ctix_response_collection_load(&r->collection, r->resp.sigma_rules_dir, &skipped, &err) ==
      0) {
    if (skipped && !r->quiet)
      ctix__cli_msg("--sigma-rules %s: %zu file%s skipped (unreadable or not a Sigma rule)",
                    r->resp.sigma_rules_dir, skipped, skipped == 1 ? "" : "s");
    r->resp.sigma_rules = r->collection;
    r->resp.sigma_rules_dir = NULL;
    return 0;
  }
  if (err.code == CTIX_ENOMEM) {
    ctix__cli_error(&err);
    return CTIX_EXIT_INTERNAL;
  }
  return ctix__cli_usage("analyze", "%s", err.message);
}

static int run_analyze(int argc, char **argv)
{
  run r;
  bool help = false;
  size_t n, i, done = 0;
  double t0 = ctix__cli_now_ms();
  int rc;

  memset(&r, 0, sizeof(r));
  ctix_options_init(&r.opts);
  ctix_response_options_init(&r.resp);
  r.opts.response = &r.resp;
  ctix__buf_init(&r.inputs, (size_t)1 << 30);
  rc = parse_args(&r, argc, argv, &help);
  if (rc || help) {
    if (help)
      ctix__cli_print_help(stdout, &ctix__cli_cmd_analyze);
    goto done;
  }
  /* the summary shows no detection content: without -o or --jsonl the
   * response stage (Sigma rules, countermeasures, steps) is not run */
  r.opts.skip_response = !r.outdir && !r.jsonl;
  if (r.resp.sigma_rules_dir && (rc = load_collection(&r)))
    goto done;
  ctix__style_init(&r.st, stdout, r.no_color);
  n = CTIX__BUF_COUNT(&r.inputs, const char *);
  r.nested = n > 1 || r.stream;
  if (r.outdir) {
    ctix_error err;
    ctix_error_clear(&err);
    if (ctix__out_mkdirs(r.outdir, &err)) {
      ctix__cli_error(&err);
      rc = CTIX_EXIT_OUTPUT;
      goto done;
    }
  }
  ctix__progress_start(r.stream ? 0 : n, !r.quiet && (n > 1 || r.stream));
  for (i = 0; i < n && !r.stop; i++) {
    const char *path = CTIX__BUF_AT(&r.inputs, const char *, i);
    item it;
    if (r.stream && strcmp(path, "-") == 0) {
      process_stream(&r, &done);
      continue;
    }
    memset(&it, 0, sizeof(it));
    it.path = path;
    it.source = strcmp(path, "-") == 0 ? "<stdin>" : path;
    it.id = r.id;
    it.stem = path;
    it.stem_is_path = true;
    ctix__progress_update(done, r.failed, it.source);
    process_item(&r, &it);
    done++;
    ctix__progress_update(done, r.failed, it.source);
  }
  ctix__progress_end();
  if (!r.quiet && !r.jsonl) {
    ctix__summary_totals t = {r.ok, r.failed, ctix__cli_now_ms() - t0, r.outdir};
    ctix__summary_totals_print(stdout, &r.st, &t);
  }
  if (fflush(stdout) != 0 || ferror(stdout)) {
    ctix__cli_msg("cannot write to standard output");
    worsen(&r, CTIX_EXIT_OUTPUT);
  }
  rc = r.exit;

done:
  ctix_response_collection_free(r.collection);
  ctix__stems_free(&r.stems);
  ctix__buf_free(&r.inputs);
  return rc;
}

const ctix_cli_cmd ctix__cli_cmd_analyze = {
    "analyze",
    "Analyse articles and reports; print a summary, write reports",
    "Usage: ctix analyze [OPTION]... FILE|-...\n"
    "\n"
    "Read each FILE (- for standard input) as plain text, Markdown, HTML or PDF,\n"
    "build its document (sections, blocks, sentences with byte offsets) and run\n"
    "the analysis. Prints a summary per document; -o DIR writes the reports,\n"
    "--jsonl prints one JSON result per input on standard output.\n"
    "\n"
    "Options:\n"
    "  -o, --output DIR        write the reports under DIR: DIR/report.json for\n"
    "                          one input, DIR/NAME/report.json for several (NAME\n"
    "                          from the file name, made unique)\n"
    "      --format LIST       comma-separated output formats written with -o\n"
    "                          (json, stix, navigator, misp, csv, html, md,\n"
    "                          response, sigma or all; default all)\n"
    "      --jsonl             print one compact JSON result per input on stdout\n"
    "                          instead of the summary; with -, read standard\n"
    "                          input as a JSONL stream of records\n"
    "                          {\"id\":...,\"text\"|\"html\"|\"markdown\":...}\n"
    "      --input-format FMT  auto, text, markdown, html or pdf (default auto:\n"
    "                          from the content, then the file name)\n"
    "      --max-size N[KMG]   largest input (and JSONL line) accepted, in bytes\n"
    "                          (default 50M)\n"
    "      --id ID             id of the result (one input only; default: the\n"
    "                          file name)\n"
    "      --tlp LEVEL         TLP marking of the STIX bundle, MISP event and Sigma\n"
    "                          rules: clear (default), green, amber, amber+strict,\n"
    "                          red\n"
    "      --producer NAME     the producer identity in the STIX bundle (default\n"
    "                          ctix)\n"
    "      --sigma-rules DIR   also list the rules of a Sigma collection (a SigmaHQ\n"
    "                          checkout, say) whose ATT&CK tags match the report's\n"
    "                          techniques, and copy them into sigma/ with their ids\n"
    "                          (read once for all inputs; a missing folder is a\n"
    "                          usage error)\n"
    "      --implied           also list the techniques the named software and\n"
    "                          groups are known to use (ATT&CK), as low-confidence\n"
    "                          findings with status implied, never observed\n"
    "      --no-text           leave the document text out of the JSON output\n"
    "  -q, --quiet             print no summary and no progress bar, only errors\n"
    "      --verbose           print timing and diagnostics of each document on\n"
    "                          stderr\n"
    "      --no-color          no colour in the summary (also: NO_COLOR set)\n"
    "  -h, --help              show this help\n"
    "\n"
    "Examples:\n"
    "  ctix analyze report.html\n"
    "  ctix analyze -o out examples/*.md\n"
    "  ctix analyze --jsonl - < articles.jsonl > results.jsonl\n"
    "\n"
    "Exit status: 0 all inputs analysed, 1 some input failed (the others were\n"
    "still analysed), 2 bad command line, 3 output could not be written,\n"
    "4 internal error (out of memory).\n",
    run_analyze,
};
