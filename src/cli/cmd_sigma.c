/*
 * `ctix sigma check FILE|DIR...`: validates Sigma rules with ctix's own
 * reader (the checks of the Sigma 2.x detection-rule schema, the
 * detection and its condition, known modifiers) and lints them. Prints
 * one line per finding, "FILE:LINE:COL: error: message" or "...: warning:
 * ...", on standard output, and a summary on standard error. Directories
 * are searched recursively (sorted) for *.yml and *.yaml files.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli_internal.h"
#include "cli/sigma_cli.h"
#include "respond/sigma.h"

enum { OPT_HELP = 1, OPT_QUIET, OPT_STRICT, OPT_NO_WARNINGS };

static const ctix__cli_opt sigma_opts[] = {
    {OPT_HELP, 'h', "help", false},
    {OPT_QUIET, 'q', "quiet", false},
    {OPT_STRICT, 0, "strict", false},
    {OPT_NO_WARNINGS, 'W', "no-warnings", false},
    {0, 0, NULL, false},
};

#define MAX_DEPTH 32

typedef struct check_run {
  bool quiet, strict, warnings;
  size_t files, errors, warns, bad_files;
  bool internal;
} check_run;

/* Reads a file of at most `max` bytes (+1 to detect larger ones). */
static char *read_file(const char *path, size_t max, size_t *len, int *eno)
{
  FILE *f = fopen(path, "rb");
  ctix_buf b = CTIX_BUF_INIT(max + 1);
  char chunk[65536];
  size_t n;
  *eno = 0;
  if (!f) {
    *eno = errno;
    return NULL;
  }
  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
    if (ctix__buf_add(&b, chunk, n))
      break;
  if (ferror(f))
    *eno = EIO;
  fclose(f);
  if (b.err == CTIX_ETOOBIG)
    *eno = EFBIG;
  if (*eno || b.err) {
    if (!*eno)
      *eno = ENOMEM;
    ctix__buf_free(&b);
    return NULL;
  }
  return ctix__buf_detach(&b, len);
}

/* Prints one finding. */
static void report(const char *path, unsigned line, unsigned col, const char *sev,
                   const char *msg)
{
  ctix__cli_put_clean(stdout, path, 1024);
  if (line)
    printf(":%u:%u", line, col);
  printf(": %s: ", sev);
  ctix__cli_put_clean(stdout, msg, 400);
  putchar('\n');
}

/* Checks one file. */
static void check_file(check_run *r, const char *path)
{
  ctix_buf issues = CTIX_BUF_INIT((size_t)64 << 20);
  ctix_error err;
  size_t len = 0, i, nerr = 0;
  int eno;
  char *data = read_file(path, CTIX__SY_MAX_INPUT, &len, &eno);
  r->files++;
  if (!data) {
    report(path, 0, 0, "error",
           eno == EFBIG ? "file larger than 1 MiB: not checked" : strerror(eno));
    r->errors++;
    r->bad_files++;
    if (eno == ENOMEM)
      r->internal = true;
    return;
  }
  ctix_error_clear(&err);
  if (ctix__sigma_check(&issues, data, len, &err) == CTIX_ENOMEM)
    r->internal = true;
  for (i = 0; i < CTIX__BUF_COUNT(&issues, ctix__sigma_issue); i++) {
    const ctix__sigma_issue *is = &CTIX__BUF_AT(&issues, ctix__sigma_issue, i);
    if (is->warning) {
      r->warns++;
      if (r->strict)
        nerr++;
      if (r->warnings || r->strict)
        report(path, is->line, is->col, "warning", is->msg);
    } else {
      nerr++;
      r->errors++;
      report(path, is->line, is->col, "error", is->msg);
    }
  }
  if (nerr)
    r->bad_files++;
  free(data);
  ctix__buf_free(&issues);
}

static int cmp_name(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool rule_name(const char *n)
{
  size_t l = strlen(n);
  return (l > 4 && strcmp(n + l - 4, ".yml") == 0) || (l > 5 && strcmp(n + l - 5, ".yaml") == 0);
}

/* Checks every rule file under `dir` (sorted, symbolic links to
 * directories not followed, so there are no loops). */
static void check_dir(check_run *r, const char *dir, unsigned depth)
{
  DIR *d;
  struct dirent *de;
  ctix_buf names = CTIX_BUF_INIT((size_t)1 << 26);
  size_t i, n;
  if (depth > MAX_DEPTH) {
    report(dir, 0, 0, "error", "directory nested too deeply: not searched");
    r->errors++;
    return;
  }
  d = opendir(dir);
  if (!d) {
    report(dir, 0, 0, "error", strerror(errno));
    r->errors++;
    return;
  }
  while ((de = readdir(d))) {
    char *c;
    if (de->d_name[0] == '.')
      continue;
    c = strdup(de->d_name);
    if (!c || ctix__buf_push(&names, &c, sizeof(c))) {
      free(c);
      r->internal = true;
      break;
    }
  }
  closedir(d);
  n = CTIX__BUF_COUNT(&names, char *);
  if (n)
    qsort(names.data, n, sizeof(char *), cmp_name);
  for (i = 0; i < n; i++) {
    const char *name = CTIX__BUF_AT(&names, char *, i);
    ctix_buf p = CTIX_BUF_INIT(8192);
    struct stat st;
    ctix__buf_addf(&p, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
    if (p.err)
      r->internal = true;
    else if (lstat(p.data, &st) == 0 && S_ISDIR(st.st_mode))
      check_dir(r, p.data, depth + 1);
    else if (rule_name(name) && stat(p.data, &st) == 0 && S_ISREG(st.st_mode))
      check_file(r, p.data);
    ctix__buf_free(&p);
    free(CTIX__BUF_AT(&names, char *, i));
  }
  ctix__buf_free(&names);
}

static int run_check(const ctix_cli_cmd *cmd, int argc, char **argv)
{
  ctix__cli_args p;
  const char *arg;
  check_run r;
  int id;
  size_t ninputs = 0;
  const char **inputs = calloc((size_t)argc + 1, sizeof(*inputs));
  if (!inputs) {
    ctix__cli_msg("out of memory");
    return CTIX_EXIT_INTERNAL;
  }
  memset(&r, 0, sizeof(r));
  r.warnings = true;
  ctix__cli_args_init(&p, argc, argv, cmd->name, sigma_opts);
  while ((id = ctix__cli_args_next(&p, &arg)) != CTIX__CLI_END) {
    switch (id) {
    case CTIX__CLI_BAD:
      free(inputs);
      return CTIX_EXIT_USAGE;
    case OPT_HELP:
      ctix__cli_print_help(stdout, cmd);
      free(inputs);
      return CTIX_EXIT_OK;
    case OPT_QUIET: r.quiet = true; break;
    case OPT_STRICT: r.strict = true; break;
    case OPT_NO_WARNINGS: r.warnings = false; break;
    case CTIX__CLI_OPERAND: inputs[ninputs++] = arg; break;
    default: break;
    }
  }
  if (ninputs == 0) {
    free(inputs);
    return ctix__cli_usage(cmd->name, "'check' needs at least one FILE or DIR");
  }
  for (size_t i = 0; i < ninputs; i++) {
    struct stat st;
    if (stat(inputs[i], &st) == 0 && S_ISDIR(st.st_mode))
      check_dir(&r, inputs[i], 0);
    else
      check_file(&r, inputs[i]);
  }
  free(inputs);
  if (fflush(stdout) != 0 || ferror(stdout)) {
    ctix__cli_msg("cannot write to standard output");
    return CTIX_EXIT_OUTPUT;
  }
  if (!r.quiet)
    ctix__cli_msg("sigma check: %zu file%s, %zu with errors, %zu error%s, %zu warning%s",
                  r.files, r.files == 1 ? "" : "s", r.bad_files, r.errors,
                  r.errors == 1 ? "" : "s", r.warns, r.warns == 1 ? "" : "s");
  if (r.internal)
    return CTIX_EXIT_INTERNAL;
  return r.bad_files ? CTIX_EXIT_INPUT : CTIX_EXIT_OK;
}

static int run_sigma(int argc, char **argv)
{
  const ctix_cli_cmd *cmd = &ctix__cli_cmd_sigma;
  if (argc < 2)
    return ctix__cli_usage(cmd->name, "missing sub-command (check, convert or list)");
  if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
    ctix__cli_print_help(stdout, cmd);
    return CTIX_EXIT_OK;
  }
  if (strcmp(argv[1], "check") == 0)
    return run_check(cmd, argc - 1, argv + 1);
  if (strcmp(argv[1], "convert") == 0 || strcmp(argv[1], "list") == 0)
    return ctix__sigma_convert_main(argc - 1, argv + 1);
  if (argv[1][0] == '-') {
    /* options before the sub-command: known names, but a sub-command is needed */
    static const char *const convert_opts[] = {"-t", "--target", "-p", "--pipeline", "--json",
                                                "--format", "-o", "--output"};
    const ctix__cli_opt *o;
    size_t k;
    for (o = sigma_opts; o->id; o++)
      if ((o->long_name && strncmp(argv[1], "--", 2) == 0 && strcmp(argv[1] + 2, o->long_name) == 0) ||
          (o->short_name && argv[1][1] == o->short_name && !argv[1][2]))
        return ctix__cli_usage(cmd->name, "missing sub-command (check, convert or list) before '%s'", argv[1]);
    for (k = 0; k < sizeof(convert_opts) / sizeof(convert_opts[0]); k++)
      if (strcmp(argv[1], convert_opts[k]) == 0)
        return ctix__cli_usage(cmd->name, "missing sub-command (convert) before '%s'", argv[1]);
    return ctix__cli_usage(cmd->name, "unknown option '%s'", argv[1]);
  }
  return ctix__cli_usage(cmd->name, "unknown sub-command '%s' (expected check, convert or list)", argv[1]);
}

const ctix_cli_cmd ctix__cli_cmd_sigma = {
    "sigma",
    "Check Sigma rules and convert them to SIEM queries",
    "Usage: ctix sigma check [OPTION]... FILE|DIR...\n"
    "       ctix sigma convert -t TARGET [-p PIPELINE]... [--json | --format FMT]\n"
    "                          [-o FILE] FILE|DIR...\n"
    "       ctix sigma list targets|pipelines\n"
    "\n"
    "convert: converts each rule to the query language of TARGET (see\n"
    "'ctix sigma list targets'), after the processing pipelines given with\n"
    "-p (a built-in name from 'ctix sigma list pipelines' or a YAML file),\n"
    "applied in order. One query per line, or JSON Lines with --json\n"
    "({rule, id, query, error}), or --format savedsearches (Splunk\n"
    "savedsearches.conf stanzas, -t splunk), ndjson (Kibana detection rules,\n"
    "-t lucene, eql or esql) or json (one array of rules with their\n"
    "metadata). A rule that cannot be\n"
    "converted gives a one-line error naming the rule and the reason.\n"
    "\n"
    "check: validates Sigma detection rules (specification 2.x) with ctix's own\n"
    "reader: required fields (title, logsource, detection), types, enumerations (status,\n"
    "level, related types), id as a UUID, dates as YYYY-MM-DD, tags as\n"
    "namespace.name, a logsource with a category, product or service, search\n"
    "identifiers that are field maps or lists, known modifiers, and a condition\n"
    "that parses and names only existing search identifiers. Lint warnings point\n"
    "at legal but doubtful content (no id, no level, unused selections, unknown\n"
    "tag namespaces, unquoted dates, ...). Directories are searched recursively\n"
    "for *.yml and *.yaml files. Each finding is printed on standard output as\n"
    "FILE:LINE:COL: error|warning: message; a summary goes to standard error.\n"
    "\n"
    "Options:\n"
    "  -t, --target TARGET  convert: query language (splunk, ...)\n"
    "  -p, --pipeline PIPELINE  convert: processing pipeline; repeatable\n"
    "      --json         convert: one JSON object per rule\n"
    "      --format FMT   convert: default, savedsearches, ndjson or json\n"
    "  -o, --output FILE  convert: write to FILE instead of standard output\n"
    "  -W, --no-warnings  check: print errors only\n"
    "      --strict       check: count warnings as errors\n"
    "  -q, --quiet        check: no summary line\n"
    "  -h, --help         show this help\n"
    "\n"
    "Examples:\n"
    "  ctix sigma check out/report/sigma\n"
    "  ctix sigma check --strict my-rule.yml\n"
    "  ctix sigma convert -t splunk -p splunk_windows rules/windows\n"
    "  ctix sigma convert -t splunk --format savedsearches -o savedsearches.conf rules\n"
    "\n"
    "Exit status: 0 every rule is valid, 1 a rule has errors (or a file could\n"
    "not be read), 2 bad command line, 3 output could not be written, 4\n"
    "internal error.\n",
    run_sigma,
};
