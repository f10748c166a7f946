/*
 * `ctix sigma convert`, `ctix sigma list` and `ctix eval sigma`.
 *
 * convert: every FILE (or every .yml/.yaml under DIR, found by the Sigma
 * module's folder walk, all sorted by path) is read as a
 * Sigma rule and converted to the target after the pipelines; the output
 * (stdout or -o FILE) is one query per line, JSON Lines with --json in the
 * layout of the reference files, or a deployable format with --format:
 * Splunk savedsearches.conf stanzas (unique stanza names), Kibana NDJSON,
 * or one JSON array of rules. Errors go to stderr as SOURCE:LINE:COL:
 * message (savedsearches output also lists them as comments).
 * eval: converts every rule listed in a reference JSONL file (target and
 * pipelines from manifest.json beside it, else from the file name
 * TARGET__PIPE__PIPE.jsonl) and compares with the reference: success or
 * error agreement, and queries identical after whitespace normalisation.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/sigma_cli.h"
#include "ctix/sigma.h"
#include "sigma/sigma_lib.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/str.h"

#define MAX_PIPES 16
#define SG_MAX_QUERY_CLI ((size_t)64 << 20)

static void print_err(const ctix_error *e)
{
  char line[CTIX_ERROR_MSG_MAX + CTIX_ERROR_SRC_MAX + 64];
  ctix_error_format(line, sizeof(line), e);
  fprintf(stderr, "ctix: %s\n", line);
}

/* --format names (ctix_sigma_format order). */
static const char *const format_names[] = {"default", "savedsearches", "ndjson", "json"};

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds a rule file the walk found to the list (a ctix_buf of malloc'd paths). */
static int add_file(void *ctx, const ctix__sigma_file *f)
{
  char *s = strdup(f->path);
  if (!s || ctix__buf_push((ctix_buf *)ctx, &s, sizeof(s))) {
    free(s);
    return CTIX_ENOMEM;
  }
  return 0;
}

/*
 * Appends the rule files under path (a file, or a directory walked as
 * sigma_lib.h says) to files; -1 if path cannot be read.
 */
static int collect(ctix_buf *files, const char *path)
{
  struct stat st;
  if (stat(path, &st) != 0)
    return -1;
  if (!S_ISDIR(st.st_mode)) {
    char *s = strdup(path);
    if (s && !ctix__buf_push(files, &s, sizeof(s)))
      return 0;
    free(s);
    return -1;
  }
  return ctix__sigma_walk(path, add_file, files, NULL, NULL) ? -1 : 0;
}

/*
 * Writes s as a JSON string, escaped as every JSON writer of ctix escapes
 * (ctix__json_string: U+2028/U+2029 and DEL as \u escapes, an invalid
 * UTF-8 byte as U+FFFD), or `null` for NULL (or out of memory).
 */
static void json_str(FILE *f, const char *s)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)1 << 30);
  if (s)
    ctix__json_string(&b, s, strlen(s));
  if (s && !b.err)
    fwrite(b.data, 1, b.len, f);
  else
    fputs("null", f);
  ctix__buf_free(&b);
}

static int cmd_list(int argc, char **argv)
{
  const char *name, *desc;
  size_t i;
  if (argc < 2 || (strcmp(argv[1], "targets") && strcmp(argv[1], "pipelines"))) {
    fprintf(stderr, "ctix sigma list: say 'targets' or 'pipelines'\n");
    return CTIX_EXIT_USAGE;
  }
  for (i = 0;; i++) {
    name = argv[1][0] == 't' ? ctix_sigma_target_name(i, &desc) : ctix_sigma_pipeline_name(i, &desc);
    if (!name)
      break;
    printf("%-20s %s\n", name, desc ? desc : "");
  }
  return CTIX_EXIT_OK;
}

/* True if `name` is already in the list of stanza names; else adds it. */
static bool name_seen(ctix_buf *names, const char *name)
{
  size_t i;
  char *s;
  for (i = 0; i < CTIX__BUF_COUNT(names, char *); i++)
    if (strcmp(CTIX__BUF_AT(names, char *, i), name) == 0)
      return true;
  s = strdup(name);
  if (s && ctix__buf_push(names, &s, sizeof(s)))
    free(s);
  return false;
}

/*
 * Writes one converted rule in a --format other than the JSON Lines of
 * --json: savedsearches stanzas get unique names (a repeated title gets
 * " - ID" appended), json entries are separated by commas.
 */
static int write_formatted(FILE *out, ctix_sigma_format fmt, const char *target,
                           const ctix_sigma_rule *rule,
                           const ctix_sigma_queries *q, ctix_buf *names, size_t *nwritten,
                           ctix_error *err)
{
  char *text = NULL, *name = NULL;
  int rc;
  if (fmt == CTIX_SIGMA_FORMAT_SAVEDSEARCHES) {
    const char *title = ctix_sigma_rule_title(rule);
    ctix_buf nb = CTIX_BUF_INIT(1u << 16);
    ctix__buf_adds(&nb, title[0] ? title : ctix_sigma_rule_id(rule));
    if (name_seen(names, nb.data ? nb.data : "")) {
      ctix__buf_addf(&nb, " - %s", ctix_sigma_rule_id(rule));
      name_seen(names, nb.data);
    }
    name = ctix__buf_detach(&nb, NULL);
    ctix__buf_free(&nb);
  }
  rc = ctix_sigma_format_rule(&text, fmt, target, rule, q, name, err);
  if (!rc) {
    if (fmt == CTIX_SIGMA_FORMAT_JSON) {
      size_t n = strlen(text);
      if (n && text[n - 1] == '\n')
        text[n - 1] = 0;
      fputs(*nwritten ? ",\n" : "\n", out);
    }
    fputs(text, out);
    (*nwritten)++;
  }
  free(text);
  free(name);
  return rc;
}

int ctix__sigma_convert_main(int argc, char **argv)
{
  const char *target = NULL, *pipes[MAX_PIPES], *outpath = NULL;
  size_t npipes = 0, i, k, nwritten = 0;
  bool json = false;
  ctix_sigma_format fmt = CTIX_SIGMA_FORMAT_DEFAULT;
  ctix_buf files = CTIX_BUF_INIT((size_t)1 << 28), names = CTIX_BUF_INIT((size_t)1 << 28);
  ctix_sigma_converter *cv = NULL;
  ctix_error err;
  FILE *out = stdout;
  int rc = CTIX_EXIT_OK, a;

  if (argc >= 1 && strcmp(argv[0], "list") == 0)
    return cmd_list(argc, argv);
  for (a = 1; a < argc; a++) {
    if ((!strcmp(argv[a], "-t") || !strcmp(argv[a], "--target")) && a + 1 < argc)
      target = argv[++a];
    else if ((!strcmp(argv[a], "-p") || !strcmp(argv[a], "--pipeline")) && a + 1 < argc) {
      if (npipes == MAX_PIPES) {
        fprintf(stderr, "ctix sigma convert: at most %d pipelines\n", MAX_PIPES);
        rc = CTIX_EXIT_USAGE;
        goto done;
      }
      pipes[npipes++] = argv[++a];
    } else if (!strcmp(argv[a], "--json"))
      json = true;
    else if (!strcmp(argv[a], "--format") && a + 1 < argc) {
      for (k = 0; k < sizeof(format_names) / sizeof(format_names[0]); k++)
        if (!strcmp(argv[a + 1], format_names[k]))
          break;
      if (k == sizeof(format_names) / sizeof(format_names[0])) {
        fprintf(stderr, "ctix sigma convert: unknown format '%s' (default, savedsearches, "
                        "ndjson, json)\n", argv[a + 1]);
        rc = CTIX_EXIT_USAGE;
        goto done;
      }
      fmt = (ctix_sigma_format)k;
      a++;
    } else if ((!strcmp(argv[a], "-o") || !strcmp(argv[a], "--output")) && a + 1 < argc)
      outpath = argv[++a];
    else if (argv[a][0] == '-' && argv[a][1]) {
      fprintf(stderr, "ctix sigma convert: unknown option '%s'\n", argv[a]);
      rc = CTIX_EXIT_USAGE;
      goto done;
    } else if (collect(&files, argv[a]) != 0) {
      fprintf(stderr, "ctix: %s: cannot read\n", argv[a]);
      rc = CTIX_EXIT_INPUT;
    }
  }
  if (!target || CTIX__BUF_COUNT(&files, char *) == 0) {
    fprintf(stderr, "usage: ctix sigma convert -t TARGET [-p PIPELINE]... [--json] "
                    "[--format default|savedsearches|ndjson|json] [-o FILE] FILE|DIR...\n");
    rc = CTIX_EXIT_USAGE;
    goto done;
  }
  if (json && fmt != CTIX_SIGMA_FORMAT_DEFAULT) {
    fprintf(stderr, "ctix sigma convert: --json and --format exclude each other\n");
    rc = CTIX_EXIT_USAGE;
    goto done;
  }
  if (fmt == CTIX_SIGMA_FORMAT_SAVEDSEARCHES && strcmp(target, "splunk") != 0) {
    fprintf(stderr, "ctix sigma convert: --format savedsearches needs -t splunk\n");
    rc = CTIX_EXIT_USAGE;
    goto done;
  }
  if (fmt == CTIX_SIGMA_FORMAT_NDJSON && strcmp(target, "lucene") != 0 &&
      strcmp(target, "eql") != 0 && strcmp(target, "esql") != 0) {
    fprintf(stderr, "ctix sigma convert: --format ndjson needs -t lucene, eql or esql\n");
    rc = CTIX_EXIT_USAGE;
    goto done;
  }
  ctix_error_clear(&err);
  if (ctix_sigma_converter_new(&cv, target, pipes, npipes, &err)) {
    print_err(&err);
    rc = CTIX_EXIT_USAGE;
    goto done;
  }
  if (outpath && !(out = fopen(outpath, "w"))) {
    fprintf(stderr, "ctix: %s: cannot write\n", outpath);
    out = stdout;
    rc = CTIX_EXIT_OUTPUT;
    goto done;
  }
  if (fmt == CTIX_SIGMA_FORMAT_JSON)
    fputc('[', out);
  qsort(files.data, CTIX__BUF_COUNT(&files, char *), sizeof(char *), cmp_str);
  for (i = 0; i < CTIX__BUF_COUNT(&files, char *); i++) {
    const char *path = CTIX__BUF_AT(&files, char *, i);
    ctix_sigma_rule *rule = NULL;
    ctix_sigma_queries q = {0, NULL};
    char emsg[CTIX_ERROR_MSG_MAX + CTIX_ERROR_SRC_MAX + 64] = "";
    ctix_error_clear(&err);
    if (ctix_sigma_rule_load_file(&rule, path, &err) == 0)
      ctix_sigma_convert(&q, cv, rule, &err);
    if (!err.code && !json && fmt != CTIX_SIGMA_FORMAT_DEFAULT)
      write_formatted(out, fmt, target, rule, &q, &names, &nwritten, &err);
    if (err.code) {
      ctix_error_format(emsg, sizeof(emsg), &err);
      print_err(&err);
      rc = CTIX_EXIT_INPUT;
      if (fmt == CTIX_SIGMA_FORMAT_SAVEDSEARCHES) /* a trailing '\' would continue the line */
        fprintf(out, "# ctix: not converted: %s%s\n\n", emsg,
                emsg[0] && emsg[strlen(emsg) - 1] == '\\' ? " " : "");
    }
    if (json) {
      fputs("{\"rule\": ", out);
      json_str(out, path);
      fputs(", \"id\": ", out);
      json_str(out, ctix_sigma_rule_id(rule));
      fputs(", \"query\": ", out);
      if (err.code)
        fputs("null", out);
      else {
        fputc('[', out);
        for (k = 0; k < q.count; k++) {
          if (k)
            fputs(", ", out);
          json_str(out, q.query[k]);
        }
        fputc(']', out);
      }
      fputs(", \"error\": ", out);
      if (err.code)
        json_str(out, emsg);
      else
        fputs("null", out);
      fputs("}\n", out);
    } else if (fmt == CTIX_SIGMA_FORMAT_DEFAULT) {
      for (k = 0; k < q.count; k++)
        fprintf(out, "%s\n", q.query[k]);
    }
    ctix_sigma_queries_free(&q);
    ctix_sigma_rule_free(rule);
  }
  if (fmt == CTIX_SIGMA_FORMAT_JSON)
    fputs(nwritten ? "\n]\n" : "]\n", out);
  if (fflush(out) != 0 || ferror(out))
    rc = CTIX_EXIT_OUTPUT;
done:
  if (out != stdout && fclose(out) != 0)
    rc = CTIX_EXIT_OUTPUT;
  for (i = 0; i < CTIX__BUF_COUNT(&files, char *); i++)
    free(CTIX__BUF_AT(&files, char *, i));
  ctix__buf_free(&files);
  for (i = 0; i < CTIX__BUF_COUNT(&names, char *); i++)
    free(CTIX__BUF_AT(&names, char *, i));
  ctix__buf_free(&names);
  ctix_sigma_converter_free(cv);
  return rc;
}

/* ------------------------------------------------------------------ eval */

/* Collapses runs of white space into one space and trims both ends. */
static void normalise(ctix_buf *b, const char *s)
{
  bool space = false;
  ctix__buf_reset(b);
  for (; *s; s++) {
    if (ctix__isspace((unsigned char)*s)) {
      space = b->len > 0;
      continue;
    }
    if (space)
      ctix__buf_addc(b, ' ');
    space = false;
    ctix__buf_addc(b, *s);
  }
  ctix__buf_addc(b, 0);
}

/* Removes the brackets '(' and ')' in place (for a comparison that ignores grouping). */
static void drop_brackets(ctix_buf *b)
{
  size_t i, o = 0;
  for (i = 0; i < b->len; i++)
    if (b->data[i] != '(' && b->data[i] != ')')
      b->data[o++] = b->data[i];
  ctix__buf_truncate(b, o);
}

/* True if out[0, o) ends with a LIKE / regex operator: a string opening there is a pattern. */
static bool before_pattern(const char *out, size_t o)
{
  static const char *const ops[] = {" like ", " LIKE ", " regex~ ", " regex "}; /* not rlike */
  size_t k, m;
  for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
    m = strlen(ops[k]);
    if (o >= m && memcmp(out + o - m, ops[k], m) == 0)
      return true;
  }
  return false;
}

/*
 * Removes, in place, what ctix writes on purpose where pySigma's query
 * does not parse or means other text: the backticks of field names (EQL,
 * ES|QL) and, with `unescape`, the escaping backslash of each `\\` inside
 * a double-quoted string (1: every string, as in SPL2; 2: only LIKE and
 * regex patterns, whose escape ctix escapes again for the string in ES|QL
 * and EQL; `/.../` regular expressions stay as they are). With `star`
 * (pySigma's side), the `\` pySigma writes before a literal `*` / `?` (EQL,
 * ES|QL) or `%` / `_` (SPL2) in an exact (non-pattern) string, or before
 * `/`, goes: those characters are not special there.
 * For "differ in quoting only", after drop_brackets.
 */
static void drop_quoting(ctix_buf *b, int unescape, bool star)
{
  size_t i, o = 0;
  bool in_str = false, in_re = false, pattern = false;
  for (i = 0; i < b->len; i++) {
    char c = b->data[i];
    if (c == '`' && !in_re)
      continue;
    if (c == '"' && !in_re && !in_str)
      pattern = before_pattern(b->data, o);
    b->data[o++] = c;
    if (c == '\\' && (in_str || in_re) && i + 1 < b->len) {
      i++;
      char e = b->data[i];
      if (star && in_str && ((!pattern && e && strchr("*?%_", e)) || e == '/'))
        o--;
      if (!(in_str && b->data[i] == '\\' && (unescape == 1 || (unescape == 2 && pattern))))
        b->data[o++] = b->data[i];
    } else if (c == '"' && !in_re) {
      in_str = !in_str;
    } else if (c == '/' && !in_str) { /* an SPL2 regular expression: `, /.../)` */
      in_re = in_re ? false : o >= 3 && b->data[o - 2] == ' ' && b->data[o - 3] == ',';
    }
  }
  ctix__buf_truncate(b, o);
}

/*
 * True if query q equals ref once both are normalised and without
 * brackets, in one of the ways of undoing quoting that drop_quoting knows
 * (a pass: ctix's unescaping, none / every string / patterns only, and
 * whether pySigma's dropped escapes go). Each side is normalised once (ref
 * into ra, q into qa) and each of its variants made once, in ra, qa and
 * the scratch buffers x[0..3).
 */
static bool same_but_quoting(ctix_buf *ra, ctix_buf *qa, ctix_buf x[3], const char *ref,
                             const char *q)
{
  /* per pass: ref variant (0: as is, 1: pySigma's dropped escapes gone) and
   * q variant (ctix's unescaping, as drop_quoting's `unescape`) */
  static const int ref_of[] = {0, 0, 1, 1};
  static const int q_of[] = {0, 1, 2, 1};
  ctix_buf *refv[2] = {ra, &x[0]}, *qv[3] = {qa, &x[1], &x[2]};
  size_t pass, k;
  normalise(ra, ref);
  normalise(qa, q);
  drop_brackets(ra);
  drop_brackets(qa);
  if (ra->err || qa->err)
    return false;
  for (k = 0; k < 3; k++) { /* copies made before drop_quoting changes ra / qa */
    ctix__buf_reset(&x[k]);
    ctix__buf_add(&x[k], k ? qa->data : ra->data, k ? qa->len : ra->len);
  }
  drop_quoting(refv[0], 0, false);
  drop_quoting(refv[1], 0, true);
  for (k = 0; k < 3; k++)
    drop_quoting(qv[k], (int)k, false);
  for (pass = 0; pass < sizeof(q_of) / sizeof(q_of[0]); pass++) {
    const ctix_buf *a = refv[ref_of[pass]], *b = qv[q_of[pass]];
    if (!a->err && !b->err && strcmp(a->data ? a->data : "", b->data ? b->data : "") == 0)
      return true;
  }
  return false;
}

/* Target and pipelines of a reference file: manifest.json, else the name. */
static int eval_setup(const char *file, char *target, size_t tcap, char pipes[][64], size_t *np)
{
  const char *base = strrchr(file, '/');
  char dir[4096], stem[256], *p, *q;
  json_t *m, *o;
  size_t i;
  base = base ? base + 1 : file;
  snprintf(dir, sizeof(dir), "%.*s/manifest.json", (int)(base > file ? base - file - 1 : 1),
           base > file ? file : ".");
  *np = 0;
  m = json_load_file(dir, 0, NULL);
  o = m ? json_object_get(json_object_get(m, "outputs"), base) : NULL;
  if (o && json_is_string(json_object_get(o, "target"))) {
    json_t *pl = json_object_get(o, "pipelines");
    ctix__strlcpy(target, json_string_value(json_object_get(o, "target")), tcap);
    for (i = 0; i < json_array_size(pl) && *np < MAX_PIPES; i++)
      if (json_is_string(json_array_get(pl, i)))
        ctix__strlcpy(pipes[(*np)++], json_string_value(json_array_get(pl, i)), 64);
    json_decref(m);
    return 0;
  }
  json_decref(m);
  ctix__strlcpy(stem, base, sizeof(stem));
  if ((p = strstr(stem, ".jsonl")))
    *p = 0;
  p = stem;
  q = strstr(p, "__");
  if (q)
    *q = 0;
  ctix__strlcpy(target, p, tcap);
  while (q && *np < MAX_PIPES) {
    p = q + 2;
    q = strstr(p, "__");
    if (q)
      *q = 0;
    ctix__strlcpy(pipes[(*np)++], p, 64);
  }
  return 0;
}

int ctix__eval_sigma(int argc, char **argv)
{
  const char *file = NULL, *rules = NULL, *pipes[MAX_PIPES];
  char target[64], pipebuf[MAX_PIPES][64];
  size_t np = 0, i, n = 0, identical = 0, both_ok = 0, both_err = 0, ctix_only = 0, py_only = 0;
  size_t py_ok = 0, show = 0, shown = 0, brackets = 0, quoting = 0;
  bool json = false;
  ctix_sigma_converter *cv = NULL;
  ctix_error err;
  FILE *f;
  char *line = NULL;
  size_t cap = 0;
  ctix_buf na = CTIX_BUF_INIT(SG_MAX_QUERY_CLI), nb = CTIX_BUF_INIT(SG_MAX_QUERY_CLI),
           path = CTIX_BUF_INIT(8192);
  ctix_buf scratch[3] = {CTIX_BUF_INIT(SG_MAX_QUERY_CLI), CTIX_BUF_INIT(SG_MAX_QUERY_CLI),
                         CTIX_BUF_INIT(SG_MAX_QUERY_CLI)};
  int a, rc = CTIX_EXIT_OK;

  for (a = 1; a < argc; a++) {
    if (!strcmp(argv[a], "--rules") && a + 1 < argc)
      rules = argv[++a];
    else if (!strcmp(argv[a], "--json"))
      json = true;
    else if (!strcmp(argv[a], "--show") && a + 1 < argc) {
      uint64_t v;
      if (ctix__parse_size(&v, argv[a + 1], strlen(argv[a + 1])) != 0) {
        fprintf(stderr, "ctix eval sigma: --show needs a number\n");
        return CTIX_EXIT_USAGE;
      }
      show = (size_t)v;
      a++;
    }
    else if (argv[a][0] == '-') {
      fprintf(stderr, "ctix eval sigma: unknown option '%s'\n", argv[a]);
      return CTIX_EXIT_USAGE;
    } else
      file = argv[a];
  }
  if (!file || !rules) {
    fprintf(stderr, "usage: ctix eval sigma FILE.jsonl --rules DIR [--json] [--show N]\n");
    return CTIX_EXIT_USAGE;
  }
  eval_setup(file, target, sizeof(target), pipebuf, &np);
  for (i = 0; i < np; i++)
    pipes[i] = pipebuf[i];
  ctix_error_clear(&err);
  if (ctix_sigma_converter_new(&cv, target, pipes, np, &err)) {
    print_err(&err);
    return CTIX_EXIT_USAGE;
  }
  f = fopen(file, "r");
  if (!f) {
    fprintf(stderr, "ctix: %s: cannot open\n", file);
    ctix_sigma_converter_free(cv);
    return CTIX_EXIT_INPUT;
  }
  while (getline(&line, &cap, f) > 0) {
    json_t *j = json_loads(line, 0, NULL), *ref_q;
    const char *rel;
    ctix_sigma_rule *rule = NULL;
    ctix_sigma_queries q = {0, NULL};
    bool py, ours, same;
    if (!j || !json_is_string(json_object_get(j, "rule"))) {
      json_decref(j);
      continue;
    }
    rel = json_string_value(json_object_get(j, "rule"));
    ref_q = json_object_get(j, "query");
    py = json_is_array(ref_q) && json_array_size(ref_q) > 0;
    ctix__buf_reset(&path);
    ctix__buf_addf(&path, "%s/%s", rules, rel);
    ctix_error_clear(&err);
    if (ctix_sigma_rule_load_file(&rule, path.data, &err) == 0)
      ctix_sigma_convert(&q, cv, rule, &err);
    ours = err.code == 0 && q.count > 0;
    n++;
    py_ok += py;
    same = false;
    if (py && ours) {
      both_ok++;
      same = q.count == json_array_size(ref_q);
      for (i = 0; same && i < q.count; i++) {
        const char *r = json_string_value(json_array_get(ref_q, i));
        normalise(&na, r ? r : "");
        normalise(&nb, q.query[i]);
        same = !na.err && !nb.err && strcmp(na.data, nb.data) == 0;
      }
      identical += same;
      if (!same && q.count == json_array_size(ref_q)) {
        bool loose = true;
        for (i = 0; loose && i < q.count; i++) {
          const char *r = json_string_value(json_array_get(ref_q, i));
          normalise(&na, r ? r : "");
          normalise(&nb, q.query[i]);
          drop_brackets(&na);
          drop_brackets(&nb);
          loose = !na.err && !nb.err && strcmp(na.data ? na.data : "", nb.data ? nb.data : "") == 0;
        }
        brackets += loose;
        for (i = 0; !loose && i < q.count; i++) {
          const char *r = json_string_value(json_array_get(ref_q, i));
          if (!same_but_quoting(&na, &nb, scratch, r ? r : "", q.query[i]))
            break;
        }
        quoting += !loose && i == q.count;
      }
    } else if (py) {
      py_only++;
    } else if (ours) {
      ctix_only++;
    } else {
      both_err++;
    }
    if (!same && shown < show && (py || ours)) {
      char emsg[700];
      const char *r = py ? json_string_value(json_array_get(ref_q, 0)) : NULL;
      ctix_error_format(emsg, sizeof(emsg), &err);
      shown++;
      printf("--- %s\n  pysigma: %s\n  ctix:    %s\n", rel,
             r ? r : json_string_value(json_object_get(j, "error")),
             ours ? q.query[0] : emsg);
    }
    ctix_sigma_queries_free(&q);
    ctix_sigma_rule_free(rule);
    json_decref(j);
  }
  free(line);
  fclose(f);
  if (json) {
    fputs("{\"file\": ", stdout);
    json_str(stdout, file);
    fputs(", \"target\": ", stdout);
    json_str(stdout, target);
    printf(", \"n\": %zu, \"identical\": %zu, \"identical_pct\": "
           "%.2f, \"both_ok\": %zu, \"both_err\": %zu, \"ctix_only_ok\": %zu, \"pysigma_only_ok\": %zu, "
           "\"agreement\": %.4f, \"differ_in_brackets_only\": %zu, "
           "\"differ_in_quoting_only\": %zu}\n",
           n, identical, py_ok ? 100.0 * (double)identical / (double)py_ok : 0.0,
           both_ok, both_err, ctix_only, py_only,
           n ? (double)(both_ok + both_err) / (double)n : 0.0, brackets, quoting);
  } else
    printf("%s (target %s): %zu rules\n  identical  %zu of %zu pySigma queries (%.2f%%)\n"
           "  both_ok %zu  both_err %zu  ctix_only_ok %zu  pysigma_only_ok %zu  agreement %.2f%%\n"
           "  differ in brackets only %zu  differ in quoting only %zu\n",
           file, target, n, identical, py_ok,
           py_ok ? 100.0 * (double)identical / (double)py_ok : 0.0, both_ok, both_err, ctix_only,
           py_only, n ? 100.0 * (double)(both_ok + both_err) / (double)n : 0.0, brackets,
           quoting);
  ctix__buf_free(&na);
  ctix__buf_free(&nb);
  for (a = 0; a < 3; a++)
    ctix__buf_free(&scratch[a]);
  ctix__buf_free(&path);
  ctix_sigma_converter_free(cv);
  return rc;
}
