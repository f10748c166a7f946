/*
 * bench_document: document-building throughput (issue 2).
 *
 * Builds large inputs in memory from the article corpus (by default
 * ../shared/data/articles/dev next to the repository; the repository's
 * examples/ when that is absent, and the output says so): plain text
 * (*.text.txt), Markdown (*.full.txt) and HTML that this program writes
 * itself from the Markdown (head with meta tags, cookie banner, navigation,
 * header, ads, share buttons, related links, comments, footer, scripts and
 * styles around the article's headings, paragraphs, lists, code and
 * tables). Text and Markdown are concatenated and repeated to the target
 * size (50 MiB by default); HTML is one page whose article holds every
 * article, its sections repeated to that size, and, as a separate row, one
 * page per article parsed call by call. ctix_document_parse (format
 * forced) is timed with CLOCK_MONOTONIC over several repetitions; the full
 * ctix_analyze pipeline is timed the same way as separate rows.
 *
 * Every row runs in its own process (this program re-executes itself with
 * --format NAME), pinned to one CPU, so its peak RSS (VmHWM, reset after the
 * input is built when the kernel allows it) belongs to that row alone.
 *
 * Output, one line per row, read by scripts/bench.sh (docs/benchmarks.md):
 *   bench NAME key value key value ... [error MESSAGE]
 *   note MESSAGE
 * A row whose parse fails is reported with "error" instead of aborting.
 */
#define _GNU_SOURCE /* sched_setaffinity, sched_getcpu */

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ctix/ctix.h"
#include "ctix_config.h"
#include "util/buf.h"
#include "util/str.h"

#define MAX_REPS 50
#define DEFAULT_REPS 5
#define DEFAULT_SIZE ((size_t)50 * 1024 * 1024)
/* A row stops repeating once it has spent this long (it keeps >= 1 rep). */
#define TIME_BUDGET_S 30.0
#define MAX_FILE ((size_t)64 * 1024 * 1024)
#define MAX_CORPUS ((size_t)4 * 1024 * 1024 * 1024)

/* Which generated input a row parses. */
typedef enum corpus_kind { CORPUS_TEXT, CORPUS_MARKDOWN, CORPUS_HTML } corpus_kind;

/* One benchmark row. `target` is in MB/s; 0 means informational only. */
typedef struct mode {
  const char *name;   /* --format value */
  const char *row;    /* row name in the table */
  corpus_kind corpus;
  ctix_format format;
  bool analyze;       /* time ctix_analyze after the build */
  bool per_page;      /* parse each page separately instead of one big input */
  double target;
} mode;

static const mode modes[] = {
    {"text", "document/text", CORPUS_TEXT, CTIX_FORMAT_TEXT, false, false, 200.0},
    {"markdown", "document/markdown", CORPUS_MARKDOWN, CTIX_FORMAT_MARKDOWN, false, false, 0.0},
    {"html", "document/html", CORPUS_HTML, CTIX_FORMAT_HTML, false, false, 50.0},
    {"html-pages", "document/html-per-page", CORPUS_HTML, CTIX_FORMAT_HTML, false, true, 0.0},
    {"analyze-text", "analyze/text", CORPUS_TEXT, CTIX_FORMAT_TEXT, true, false, 0.0},
    {"analyze-html", "analyze/html", CORPUS_HTML, CTIX_FORMAT_HTML, true, false, 0.0},
};
#define NMODES (sizeof(modes) / sizeof(modes[0]))

typedef struct config {
  const mode *mode;       /* NULL: run every mode, each in a child process */
  char corpus[4096];      /* directory actually used */
  bool fallback;          /* corpus is the repository's examples/ */
  char missing[4096];     /* the directory that was not found, for the note */
  size_t size;            /* minimum input size in bytes */
  unsigned reps;
  bool pin;
  bool child;             /* started by the parent: no notes */
  bool dump;              /* write the unrepeated input to stdout instead */
} config;

/* The source files of the corpus, grouped by kind. */
typedef struct source {
  char *path;
  char *json;             /* sidecar metadata (dev corpus), or NULL */
  bool markdown;
} source;

typedef struct corpus {
  source *files;
  size_t nfiles;
  size_t ntext, nmarkdown;
} corpus;

/* Metadata of one article, for the HTML page. */
typedef struct page_meta {
  char title[512];
  char published[64];
  char url[1024];
  char host[256];
} page_meta;

/* What one timed repetition produced. */
typedef struct result {
  double secs[MAX_REPS];
  double cpu_secs[MAX_REPS];
  unsigned reps;
  size_t input;           /* bytes parsed per repetition */
  size_t sentences, blocks, out_len, pages;
  size_t base_kib, peak_kib;
  bool hwm_reset;
  int cpu;                /* pinned CPU or -1 */
} result;

/* ------------------------------------------------------------- utilities */

/* Seconds on the given clock. */
static double now(clockid_t clk)
{
  struct timespec ts;
  clock_gettime(clk, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A "VmXXX:  1234 kB" field of /proc/self/status in KiB; 0 if unknown. */
static size_t proc_status_kib(const char *field)
{
  char line[256];
  size_t flen = strlen(field), v = 0;
  uint64_t x;
  FILE *f = fopen("/proc/self/status", "r");
  if (!f)
    return 0;
  while (fgets(line, sizeof(line), f)) {
    if (strncmp(line, field, flen) == 0 && line[flen] == ':') {
      const char *p = line + flen + 1;
      size_t n;
      while (*p == ' ' || *p == '\t')
        p++;
      n = strspn(p, "0123456789");
      if (ctix__parse_size(&x, p, n) == 0)
        v = (size_t)x;
      break;
    }
  }
  fclose(f);
  return v;
}

/* Peak RSS of this process in KiB: VmHWM, else ru_maxrss. */
static size_t peak_rss_kib(void)
{
  struct rusage ru;
  size_t v = proc_status_kib("VmHWM");
  if (v)
    return v;
  if (getrusage(RUSAGE_SELF, &ru) == 0)
    return (size_t)ru.ru_maxrss;
  return 0;
}

/* Resets the kernel's peak-RSS mark to the current RSS (Linux >= 4.0). */
static bool reset_peak_rss(void)
{
  FILE *f = fopen("/proc/self/clear_refs", "w");
  bool ok;
  if (!f)
    return false;
  ok = fputs("5", f) >= 0;
  ok = (fclose(f) == 0) && ok;
  return ok;
}

/* Pins the process to the CPU it runs on; returns that CPU or -1. */
static int pin_to_one_cpu(void)
{
  cpu_set_t set;
  int cpu = sched_getcpu();
  if (cpu < 0)
    return -1;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof(set), &set) != 0)
    return -1;
  return cpu;
}

static bool is_dir(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool ends_with(const char *s, const char *suffix)
{
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* Reads a whole file into `out` (appending). */
static int read_file(ctix_buf *out, const char *path)
{
  char chunk[65536];
  size_t n;
  int rc = 0;
  FILE *f = fopen(path, "rb");
  if (!f)
    return CTIX_EIO;
  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
    if ((rc = ctix__buf_add(out, chunk, n)))
      break;
  if (!rc && ferror(f))
    rc = CTIX_EIO;
  fclose(f);
  return rc;
}

/* Prints the line of a row that could not be measured. */
static void print_error_row(const mode *m, const char *fmt, ...) CTIX__PRINTF(2, 3);
static void print_error_row(const mode *m, const char *fmt, ...)
{
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  printf("bench %s", m->row);
  if (m->target > 0)
    printf(" target_mb_s %.0f", m->target);
  printf(" error %s\n", msg);
  fflush(stdout);
}

/* ---------------------------------------------------------------- corpus */

static int cmp_source(const void *a, const void *b)
{
  return strcmp(((const source *)a)->path, ((const source *)b)->path);
}

static void corpus_free(corpus *c)
{
  size_t i;
  for (i = 0; i < c->nfiles; i++) {
    free(c->files[i].path);
    free(c->files[i].json);
  }
  free(c->files);
  memset(c, 0, sizeof(*c));
}

/* Joins dir and name into a malloc'd path; NULL when out of memory. */
static char *path_join(const char *dir, const char *name, size_t name_len, const char *ext)
{
  ctix_buf p = CTIX_BUF_INIT(8192);
  ctix__buf_adds(&p, dir);
  ctix__buf_addc(&p, '/');
  ctix__buf_add(&p, name, name_len);
  ctix__buf_adds(&p, ext);
  return ctix__buf_detach(&p, NULL);
}

/*
 * Lists the articles of `dir`: *.text.txt and other *.txt as plain text,
 * *.full.txt and *.md as Markdown (with the *.json sidecar of the dev
 * corpus when there is one), sorted by name so runs are reproducible.
 */
static int corpus_scan(corpus *c, const char *dir)
{
  ctix_buf files = CTIX_BUF_INIT((size_t)1 << 30);
  DIR *d = opendir(dir);
  struct dirent *e;
  int rc = 0;
  memset(c, 0, sizeof(*c));
  if (!d)
    return CTIX_ENOTFOUND;
  while ((e = readdir(d)) != NULL) {
    const char *n = e->d_name;
    size_t stem;
    source s;
    memset(&s, 0, sizeof(s));
    if (n[0] == '.')
      continue;
    if (ends_with(n, ".full.txt")) {
      s.markdown = true;
      stem = strlen(n) - strlen(".full.txt");
    } else if (ends_with(n, ".md")) {
      s.markdown = true;
      stem = strlen(n) - strlen(".md");
    } else if (ends_with(n, ".txt")) {
      stem = strlen(n) - (ends_with(n, ".text.txt") ? strlen(".text.txt") : strlen(".txt"));
    } else {
      continue;
    }
    s.path = path_join(dir, n, strlen(n), "");
    s.json = path_join(dir, n, stem, ".json");
    if (!s.path || !s.json) {
      free(s.path);
      free(s.json);
      rc = CTIX_ENOMEM;
      break;
    }
    if (access(s.json, R_OK) != 0) {
      free(s.json);
      s.json = NULL;
    }
    if ((rc = ctix__buf_push(&files, &s, sizeof(s)))) {
      free(s.path);
      free(s.json);
      break;
    }
  }
  closedir(d);
  c->nfiles = CTIX__BUF_COUNT(&files, source);
  c->files = (source *)(void *)ctix__buf_detach(&files, NULL);
  if (!c->files) {
    c->nfiles = 0;
    return rc ? rc : CTIX_ENOMEM;
  }
  qsort(c->files, c->nfiles, sizeof(source), cmp_source);
  for (size_t i = 0; i < c->nfiles; i++) {
    c->nmarkdown += c->files[i].markdown;
    c->ntext += !c->files[i].markdown;
  }
  if (!rc && c->nfiles == 0)
    rc = CTIX_ENOTFOUND;
  if (rc)
    corpus_free(c);
  return rc;
}

/* Writes head, then `one` as many times as needed to reach `size` bytes
 * in all, then tail, allocating the whole input at once so no regrowth
 * inflates the RSS. */
static int assemble(ctix_buf *out, const ctix_buf *head, const ctix_buf *one,
                    const ctix_buf *tail, size_t size)
{
  size_t copies = 1, fixed = head->len + tail->len, i;
  int rc;
  if (one->len == 0)
    return CTIX_EEMPTY;
  if (size > fixed)
    copies = (size - fixed + one->len - 1) / one->len;
  if (copies == 0)
    copies = 1;
  if ((rc = ctix__buf_grow(out, fixed + copies * one->len)))
    return rc;
  ctix__buf_add(out, head->data, head->len);
  for (i = 0; i < copies; i++)
    ctix__buf_add(out, one->data, one->len);
  return ctix__buf_add(out, tail->data, tail->len);
}

/* ------------------------------------------------------ Markdown to HTML */

/* Appends s[0..n) with the HTML special characters escaped. */
static void html_esc(ctix_buf *o, const char *s, size_t n)
{
  size_t i, run = 0;
  for (i = 0; i < n; i++) {
    const char *rep = NULL;
    switch (s[i]) {
    case '&': rep = "&amp;"; break;
    case '<': rep = "&lt;"; break;
    case '>': rep = "&gt;"; break;
    case '"': rep = "&quot;"; break;
    default: continue;
    }
    ctix__buf_add(o, s + run, i - run);
    ctix__buf_adds(o, rep);
    run = i + 1;
  }
  ctix__buf_add(o, s + run, n - run);
}

static void html_escs(ctix_buf *o, const char *s)
{
  html_esc(o, s, strlen(s));
}

/*
 * Recognises "[text](target)" at s[0..n) (s[0] == '['). On success stores
 * the text and target ranges and the bytes consumed.
 */
static bool md_link(const char *s, size_t n, size_t *text_end, size_t *url_start,
                    size_t *url_end, size_t *used)
{
  size_t i = 1;
  int depth = 1;
  for (; i < n && depth; i++) {
    if (s[i] == '\\' && i + 1 < n)
      i++;
    else if (s[i] == '[')
      depth++;
    else if (s[i] == ']')
      depth--;
  }
  if (depth || i >= n || s[i] != '(')
    return false;
  *text_end = i - 1;
  *url_start = i + 1;
  depth = 1;
  for (i++; i < n && depth; i++) {
    if (s[i] == '(')
      depth++;
    else if (s[i] == ')')
      depth--;
    else if (s[i] == ' ' && depth == 1)
      return false;
  }
  if (depth)
    return false;
  *url_end = i - 1;
  *used = i;
  return true;
}

/* Converts the inline Markdown of s[0..n): links, images, **strong**,
 * _emphasis_, `code`, backslash escapes. */
static void md_inline(ctix_buf *o, const char *s, size_t n)
{
  size_t i = 0, te, us, ue, used;
  bool strong = false, code = false, em = false;
  while (i < n) {
    char c = s[i];
    if (code) {
      if (c == '`') {
        ctix__buf_adds(o, "</code>");
        code = false;
      } else {
        html_esc(o, &c, 1);
      }
      i++;
    } else if (c == '\\' && i + 1 < n && strchr("\\`*_[]()#+-.!|>", s[i + 1])) {
      html_esc(o, s + i + 1, 1);
      i += 2;
    } else if (c == '`') {
      ctix__buf_adds(o, "<code>");
      code = true;
      i++;
    } else if (c == '_' && (em || i == 0 || !ctix__isalnum((unsigned char)s[i - 1])) &&
               (!em || i + 1 == n || !ctix__isalnum((unsigned char)s[i + 1])) &&
               (em || memchr(s + i + 1, '_', n - i - 1))) {
      ctix__buf_adds(o, em ? "</em>" : "<em>");
      em = !em;
      i++;
    } else if (c == '*' && i + 1 < n && s[i + 1] == '*') {
      ctix__buf_adds(o, strong ? "</strong>" : "<strong>");
      strong = !strong;
      i += 2;
    } else if (c == '!' && i + 1 < n && s[i + 1] == '[' &&
               md_link(s + i + 1, n - i - 1, &te, &us, &ue, &used)) {
      ctix__buf_adds(o, "<img loading=\"lazy\" src=\"");
      html_esc(o, s + i + 1 + us, ue - us);
      ctix__buf_adds(o, "\" alt=\"");
      html_esc(o, s + i + 2, te - 1);
      ctix__buf_adds(o, "\">");
      i += 1 + used;
    } else if (c == '[' && md_link(s + i, n - i, &te, &us, &ue, &used)) {
      ctix__buf_adds(o, "<a href=\"");
      html_esc(o, s + i + us, ue - us);
      ctix__buf_adds(o, "\">");
      md_inline(o, s + i + 1, te - 1);
      ctix__buf_adds(o, "</a>");
      i += used;
    } else {
      html_esc(o, &c, 1);
      i++;
    }
  }
  if (code)
    ctix__buf_adds(o, "</code>");
  if (em)
    ctix__buf_adds(o, "</em>");
  if (strong)
    ctix__buf_adds(o, "</strong>");
}

/* Markdown block the converter is inside. */
typedef enum md_block { MD_NONE, MD_PARA, MD_LIST, MD_QUOTE, MD_TABLE, MD_CODE } md_block;

typedef struct md_state {
  ctix_buf *o;
  md_block open;
  char lists[16];         /* 'u' or 'o' per open list level */
  int nlists;
  int table_rows;
  int paragraphs;
  bool skipped_title;
} md_state;

/* Closes whatever block is open. */
static void md_close(md_state *st)
{
  switch (st->open) {
  case MD_PARA: ctix__buf_adds(st->o, "</p>\n"); break;
  case MD_QUOTE: ctix__buf_adds(st->o, "</p></blockquote>\n"); break;
  case MD_TABLE:
    ctix__buf_adds(st->o, st->table_rows > 1 ? "</tbody></table></div>\n" : "</table></div>\n");
    break;
  case MD_CODE: ctix__buf_adds(st->o, "</code></pre>\n"); break;
  case MD_LIST:
    while (st->nlists > 0)
      ctix__buf_adds(st->o, st->lists[--st->nlists] == 'o' ? "</li></ol>\n" : "</li></ul>\n");
    break;
  case MD_NONE: break;
  }
  if (st->open == MD_PARA && ++st->paragraphs == 3)
    ctix__buf_adds(st->o, "<div class=\"ad-slot ad-inline\" data-ad-unit=\"in-article-1\">"
                          "<span class=\"ad-label\">Advertisement</span>"
                          "<iframe src=\"/ads/frame?slot=in-article-1\" width=\"728\" "
                          "height=\"90\" title=\"Advertisement\"></iframe></div>\n");
  st->open = MD_NONE;
}

/* Appends one table row; separator rows (|---|:--:|) are skipped. */
static void md_table_row(md_state *st, const char *s, size_t n)
{
  size_t i, start;
  bool sep = true, head;
  for (i = 0; i < n; i++)
    if (!strchr("|-: \t", s[i]))
      sep = false;
  if (sep)
    return;
  if (st->open != MD_TABLE) {
    md_close(st);
    ctix__buf_adds(st->o, "<div class=\"table-wrap\"><table class=\"data\">\n");
    st->open = MD_TABLE;
    st->table_rows = 0;
  }
  head = st->table_rows == 0;
  if (st->table_rows == 1)
    ctix__buf_adds(st->o, "<tbody>\n");
  ctix__buf_adds(st->o, head ? "<thead><tr>" : "<tr>");
  i = (n && s[0] == '|') ? 1 : 0;
  if (n && s[n - 1] == '|')
    n--;
  start = i;
  for (; i <= n; i++) {
    if (i == n || (s[i] == '|' && s[i - 1] != '\\')) {
      size_t cl = i - start;
      const char *cell = ctix__trim(s + start, &cl);
      ctix__buf_adds(st->o, head ? "<th>" : "<td>");
      md_inline(st->o, cell, cl);
      ctix__buf_adds(st->o, head ? "</th>" : "</td>");
      start = i + 1;
    }
  }
  ctix__buf_adds(st->o, head ? "</tr></thead>\n" : "</tr>\n");
  st->table_rows++;
}

/* Length of a list marker ("* ", "- ", "+ ", "12. ") at s, spaces after it
 * included; 0 if none. *ordered tells which kind. */
static size_t md_list_marker(const char *s, size_t n, bool *ordered)
{
  size_t i = 0;
  if (n >= 2 && strchr("*-+", s[0]) && (s[1] == ' ' || s[1] == '\t')) {
    *ordered = false;
    i = 1;
  } else {
    while (i < n && i < 9 && ctix__isdigit((unsigned char)s[i]))
      i++;
    if (i == 0 || i + 1 >= n || s[i] != '.' || s[i + 1] != ' ')
      return 0;
    *ordered = true;
    i++;
  }
  while (i < n && (s[i] == ' ' || s[i] == '\t'))
    i++;
  return i;
}

/* Appends a list item at nesting `level` (0-based). */
static void md_list_item(md_state *st, int level, bool ordered, const char *s, size_t n)
{
  char kind = ordered ? 'o' : 'u';
  if (st->open != MD_LIST) {
    md_close(st);
    st->open = MD_LIST;
  }
  if (level > st->nlists)
    level = st->nlists;
  if (level >= (int)sizeof(st->lists))
    level = (int)sizeof(st->lists) - 1;
  if (level == st->nlists) {
    ctix__buf_adds(st->o, ordered ? "<ol>\n" : "<ul>\n");
    st->lists[st->nlists++] = kind;
  } else {
    while (st->nlists > level + 1)
      ctix__buf_adds(st->o, st->lists[--st->nlists] == 'o' ? "</li></ol>\n" : "</li></ul>\n");
    ctix__buf_adds(st->o, "</li>\n");
  }
  ctix__buf_adds(st->o, "<li>");
  md_inline(st->o, s, n);
}

/* Is s[0..n) a thematic break (---, ***, ___)? */
static bool md_rule(const char *s, size_t n)
{
  size_t i, count = 0;
  if (n < 3 || !strchr("-*_", s[0]))
    return false;
  for (i = 0; i < n; i++) {
    if (s[i] == s[0])
      count++;
    else if (s[i] != ' ')
      return false;
  }
  return count >= 3;
}

/* Converts one line of Markdown (without its newline). */
static void md_line(md_state *st, const char *line, size_t len)
{
  size_t indent = 0, n, mk;
  const char *s;
  bool ordered, hard_break;
  while (indent < len && (line[indent] == ' ' || line[indent] == '\t'))
    indent += 1;
  s = line + indent;
  n = len - indent;
  if (st->open == MD_CODE) {
    if (n >= 3 && memcmp(s, "```", 3) == 0) {
      md_close(st);
    } else {
      html_esc(st->o, line, len);
      ctix__buf_addc(st->o, '\n');
    }
    return;
  }
  hard_break = n >= 2 && s[n - 1] == ' ' && s[n - 2] == ' ';
  while (n > 0 && ctix__isspace((unsigned char)s[n - 1]))
    n--;
  if (n == 0) {
    md_close(st);
    return;
  }
  if (n >= 3 && memcmp(s, "```", 3) == 0) {
    md_close(st);
    ctix__buf_adds(st->o, "<pre class=\"code\"><code");
    if (n > 3) {
      ctix__buf_adds(st->o, " class=\"language-");
      html_esc(st->o, s + 3, n - 3);
      ctix__buf_addc(st->o, '"');
    }
    ctix__buf_addc(st->o, '>');
    st->open = MD_CODE;
    return;
  }
  if (s[0] == '#') {
    size_t lvl = 0;
    while (lvl < n && s[lvl] == '#')
      lvl++;
    if (lvl <= 6 && lvl < n && s[lvl] == ' ') {
      size_t tl = n - lvl;
      const char *t = ctix__trim(s + lvl, &tl);
      md_close(st);
      if (lvl == 1 && !st->skipped_title) {
        st->skipped_title = true; /* the page header shows the title */
        return;
      }
      ctix__buf_addf(st->o, "<h%zu id=\"s%zu\">", lvl, st->o->len);
      md_inline(st->o, t, tl);
      ctix__buf_addf(st->o, "</h%zu>\n", lvl);
      return;
    }
  }
  if (s[0] == '|') {
    md_table_row(st, s, n);
    return;
  }
  if (md_rule(s, n)) {
    md_close(st);
    ctix__buf_adds(st->o, "<hr>\n");
    return;
  }
  if ((mk = md_list_marker(s, n, &ordered)) > 0) {
    md_list_item(st, (int)(indent / 2), ordered, s + mk, n - mk);
    return;
  }
  if (s[0] == '>') {
    size_t ql = n - 1;
    const char *q = ctix__trim(s + 1, &ql);
    if (st->open != MD_QUOTE) {
      md_close(st);
      ctix__buf_adds(st->o, "<blockquote class=\"pull-quote\"><p>");
      st->open = MD_QUOTE;
    } else {
      ctix__buf_addc(st->o, ' ');
    }
    md_inline(st->o, q, ql);
    return;
  }
  if (s[0] == '!' && n > 1 && s[1] == '[' && s[n - 1] == ')' && st->open != MD_LIST) {
    size_t te, us, ue, used;
    if (md_link(s + 1, n - 1, &te, &us, &ue, &used) && used == n - 1) {
      md_close(st);
      ctix__buf_adds(st->o, "<figure class=\"image\"><img loading=\"lazy\" src=\"");
      html_esc(st->o, s + 1 + us, ue - us);
      ctix__buf_adds(st->o, "\" alt=\"");
      html_esc(st->o, s + 2, te - 1);
      ctix__buf_adds(st->o, "\"><figcaption>");
      md_inline(st->o, s + 2, te - 1);
      ctix__buf_adds(st->o, "</figcaption></figure>\n");
      return;
    }
  }
  if (st->open == MD_LIST && indent > 0) {
    ctix__buf_addc(st->o, ' ');  /* continuation of the list item */
    md_inline(st->o, s, n);
    return;
  }
  if (st->open == MD_PARA) {
    ctix__buf_adds(st->o, "\n");
  } else {
    md_close(st);
    ctix__buf_adds(st->o, "<p>");
    st->open = MD_PARA;
  }
  md_inline(st->o, s, n);
  if (hard_break)
    ctix__buf_adds(st->o, "<br>");
}

/* Converts a Markdown article body to HTML. */
static void md_to_html(ctix_buf *o, const char *s, size_t n)
{
  md_state st;
  size_t i = 0;
  memset(&st, 0, sizeof(st));
  st.o = o;
  while (i < n) {
    const char *nl = memchr(s + i, '\n', n - i);
    size_t j = nl ? (size_t)(nl - s) : n, e = j;
    if (e > i && s[e - 1] == '\r')
      e--;
    md_line(&st, s + i, e - i);
    i = j + 1;
  }
  md_close(&st);
}

/* Fills `pm` from the article's JSON sidecar and first heading. */
static void page_meta_load(page_meta *pm, const source *src, const char *md, size_t n)
{
  json_t *j = NULL;
  const char *v;
  memset(pm, 0, sizeof(*pm));
  if (src->json && (j = json_load_file(src->json, 0, NULL)) != NULL) {
    if ((v = json_string_value(json_object_get(j, "title"))))
      ctix__strlcpy(pm->title, v, sizeof(pm->title));
    if ((v = json_string_value(json_object_get(j, "published"))))
      ctix__strlcpy(pm->published, v, sizeof(pm->published));
    if ((v = json_string_value(json_object_get(j, "source_url"))))
      ctix__strlcpy(pm->url, v, sizeof(pm->url));
    json_decref(j);
  }
  if (!pm->title[0]) {
    const char *h = (n >= 2 && md[0] == '#' && md[1] == ' ') ? md + 2 : NULL;
    if (h) {
      const char *nl = memchr(h, '\n', n - 2);
      size_t tl = nl ? (size_t)(nl - h) : n - 2;
      if (tl >= sizeof(pm->title))
        tl = sizeof(pm->title) - 1;
      memcpy(pm->title, h, tl);
      pm->title[tl] = '\0';
    } else {
      const char *base = strrchr(src->path, '/');
      ctix__strlcpy(pm->title, base ? base + 1 : src->path, sizeof(pm->title));
    }
  }
  if (!pm->published[0])
    ctix__strlcpy(pm->published, "2026-01-01", sizeof(pm->published));
  if (!pm->url[0])
    snprintf(pm->url, sizeof(pm->url), "https://news.example.org/articles/%zu", n);
  {
    const char *h = strstr(pm->url, "://");
    size_t hl;
    h = h ? h + 3 : pm->url;
    hl = strcspn(h, "/");
    if (hl >= sizeof(pm->host))
      hl = sizeof(pm->host) - 1;
    memcpy(pm->host, h, hl);
    pm->host[hl] = '\0';
  }
}

/* The first paragraph-like line of the Markdown, for meta description. */
static void md_first_paragraph(ctix_buf *o, const char *s, size_t n)
{
  size_t i = 0;
  while (i < n) {
    const char *nl = memchr(s + i, '\n', n - i);
    size_t j = nl ? (size_t)(nl - s) : n, len = j - i;
    const char *t = ctix__trim(s + i, &len);
    if (len > 40 && strchr("#!|*->[`", t[0]) == NULL) {
      if (len > 160) { /* cut at a character boundary */
        len = 160;
        while (len > 0 && ((unsigned char)t[len] & 0xC0) == 0x80)
          len--;
      }
      html_esc(o, t, len);
      return;
    }
    i = j + 1;
  }
}

/* The chrome of every page: styles, navigation and so on. */
static const char page_style[] =
    "<style>\n"
    ":root{--fg:#1d2433;--accent:#c8102e;--muted:#6b7280}\n"
    "body{margin:0;font:16px/1.6 Georgia,serif;color:var(--fg)}\n"
    ".site-header{display:flex;align-items:center;gap:2rem;padding:.5rem 2rem;"
    "border-bottom:3px solid var(--accent)}\n"
    ".main-nav ul{list-style:none;display:flex;gap:1rem;margin:0;padding:0}\n"
    ".post{max-width:46rem;margin:2rem auto}.post h1{font-size:2.2rem;line-height:1.2}\n"
    ".byline{color:var(--muted);font-size:.9rem}.share-buttons a{margin-right:.5rem}\n"
    "pre.code{background:#0f172a;color:#e2e8f0;padding:1rem;overflow:auto}\n"
    "table.data{border-collapse:collapse;width:100%}table.data td,table.data th"
    "{border:1px solid #d1d5db;padding:.25rem .5rem}\n"
    ".cookie-consent{position:fixed;bottom:0;left:0;right:0;background:#111;color:#fff;"
    "padding:1rem}\n"
    ".ad-slot{margin:1.5rem 0;text-align:center}.related li{margin:.25rem 0}\n"
    "@media (max-width:700px){.site-header{flex-direction:column}}\n"
    "</style>\n";

static const char page_nav[] =
    "<nav class=\"main-nav\" aria-label=\"Main\"><ul>"
    "<li><a href=\"/news/\">News</a></li><li><a href=\"/news/security/\">Security</a></li>"
    "<li><a href=\"/ransomware/\">Ransomware</a></li>"
    "<li><a href=\"/vulnerabilities/\">Vulnerabilities</a></li>"
    "<li><a href=\"/threat-research/\">Threat research</a></li>"
    "<li><a href=\"/advisories/\">Advisories</a></li><li><a href=\"/webinars/\">Webinars</a></li>"
    "<li><a href=\"/about/\">About</a></li></ul></nav>\n";

static const char page_script[] =
    "<script>\n"
    "(function () {\n"
    "  var banner = document.getElementById('cookie-banner');\n"
    "  if (document.cookie.indexOf('consent=1') >= 0 && banner) banner.remove();\n"
    "  document.querySelectorAll('[data-consent]').forEach(function (b) {\n"
    "    b.addEventListener('click', function () {\n"
    "      document.cookie = 'consent=1; max-age=31536000; path=/';\n"
    "      if (banner) banner.remove();\n"
    "    });\n"
    "  });\n"
    "  window.dataLayer = window.dataLayer || [];\n"
    "  window.dataLayer.push({event: 'article_view', section: 'security'});\n"
    "  var note = '<p class=\"toast\">Saved<\\/p>';\n"
    "  if (1 < 2 && document.readyState !== 'loading') document.body.dataset.note = note;\n"
    "})();\n"
    "</script>\n";

/*
 * Writes the first half of an HTML page, up to the opening of the article
 * body: what a news site or vendor blog serves before the text, the
 * clutter a reader must drop. The Markdown `md` gives the description.
 */
static void html_page_open(ctix_buf *o, const page_meta *pm, const char *md, size_t n)
{
  ctix__buf_adds(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<title>");
  html_escs(o, pm->title);
  ctix__buf_adds(o, " | ");
  html_escs(o, pm->host);
  ctix__buf_adds(o, "</title>\n<meta name=\"description\" content=\"");
  md_first_paragraph(o, md, n);
  ctix__buf_adds(o, "\">\n<meta name=\"author\" content=\"Staff Writer\">\n"
                    "<meta property=\"og:type\" content=\"article\">\n"
                    "<meta property=\"og:title\" content=\"");
  html_escs(o, pm->title);
  ctix__buf_adds(o, "\">\n<meta property=\"og:site_name\" content=\"");
  html_escs(o, pm->host);
  ctix__buf_adds(o, "\">\n<meta property=\"article:published_time\" content=\"");
  html_escs(o, pm->published);
  ctix__buf_adds(o, "T08:30:00Z\">\n<link rel=\"canonical\" href=\"");
  html_escs(o, pm->url);
  ctix__buf_adds(o, "\">\n<link rel=\"stylesheet\" href=\"/assets/site.css\">\n");
  ctix__buf_adds(o, page_style);
  ctix__buf_adds(o, "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\","
                    "\"@type\":\"NewsArticle\",\"headline\":\"");
  html_escs(o, pm->title);
  ctix__buf_adds(o, "\",\"datePublished\":\"");
  html_escs(o, pm->published);
  ctix__buf_adds(o, "\"}</script>\n<script async src=\"/assets/analytics.js\"></script>\n"
                    "</head>\n<body class=\"article-page\">\n"
                    "<div id=\"cookie-banner\" class=\"cookie-consent\" role=\"dialog\" "
                    "aria-label=\"Cookie consent\"><p>We use cookies to improve your "
                    "experience and to show relevant advertising. By clicking Accept you agree "
                    "to our use of cookies.</p><button data-consent=\"all\">Accept all</button>"
                    "<button data-consent=\"settings\">Cookie settings</button></div>\n"
                    "<header class=\"site-header\"><a class=\"logo\" href=\"/\">");
  html_escs(o, pm->host);
  ctix__buf_adds(o, "</a>\n");
  ctix__buf_adds(o, page_nav);
  ctix__buf_adds(o, "<form class=\"search\" action=\"/search\" role=\"search\"><input "
                    "type=\"search\" name=\"q\" placeholder=\"Search\"><button>Go</button>"
                    "</form>\n</header>\n<div class=\"ad-slot ad-leaderboard\" "
                    "data-ad-unit=\"top\"><span class=\"ad-label\">Advertisement</span></div>\n"
                    "<main id=\"content\">\n<nav class=\"breadcrumb\" aria-label=\"Breadcrumb\">"
                    "<a href=\"/\">Home</a> &rsaquo; <a href=\"/news/security/\">Security</a>"
                    "</nav>\n<article class=\"post\">\n<header class=\"post-header\"><h1>");
  html_escs(o, pm->title);
  ctix__buf_adds(o, "</h1>\n<p class=\"byline\">By <a rel=\"author\" href=\"/author/staff/\">"
                    "Staff Writer</a> &middot; <time datetime=\"");
  html_escs(o, pm->published);
  ctix__buf_adds(o, "\">");
  html_escs(o, pm->published);
  ctix__buf_adds(o, "</time></p></header>\n<div class=\"share-buttons\" aria-label=\"Share\">"
                    "<a href=\"/share?net=x\">Share on X</a><a href=\"/share?net=li\">Share on "
                    "LinkedIn</a><a href=\"/share?net=mail\">Email</a></div>\n"
                    "<div class=\"post-body\">\n");
}

/* Writes the second half of a page: the end of the article, related
 * links (`related` names other articles), comments, footer and script. */
static void html_page_close(ctix_buf *o, const page_meta *pm, const page_meta *related,
                            size_t nrelated)
{
  size_t i;
  ctix__buf_adds(o, "</div>\n<footer class=\"post-footer\"><ul class=\"tags\"><li><a "
                    "href=\"/tag/security/\">Security</a></li><li><a href=\"/tag/threat-intel/\">"
                    "Threat intelligence</a></li></ul></footer>\n</article>\n"
                    "<aside class=\"related\"><h2>Related Articles</h2><ul>\n");
  for (i = 0; i < nrelated; i++) {
    ctix__buf_adds(o, "<li><a href=\"");
    html_escs(o, related[i].url);
    ctix__buf_adds(o, "\">");
    html_escs(o, related[i].title);
    ctix__buf_adds(o, "</a></li>\n");
  }
  ctix__buf_adds(o, "</ul></aside>\n<section id=\"comments\" class=\"comments\"><h2>Comments"
                    "</h2>\n<article class=\"comment\"><p class=\"comment-author\">netadmin42"
                    "</p><p>Patched our appliances last week, thanks for the heads-up.</p>"
                    "</article>\n<article class=\"comment\"><p class=\"comment-author\">"
                    "blue_team_lead</p><p>Does anyone have the full IOC list in CSV?</p>"
                    "</article>\n<form class=\"comment-form\"><textarea name=\"c\"></textarea>"
                    "<button>Post comment</button></form></section>\n</main>\n"
                    "<footer class=\"site-footer\"><nav aria-label=\"Footer\"><ul><li><a "
                    "href=\"/about/\">About us</a></li><li><a href=\"/privacy/\">Privacy "
                    "policy</a></li><li><a href=\"/terms/\">Terms of use</a></li><li><a "
                    "href=\"/contact/\">Contact</a></li></ul></nav><p>&copy; 2026 ");
  html_escs(o, pm->host);
  ctix__buf_adds(o, ". All rights reserved.</p></footer>\n");
  ctix__buf_adds(o, page_script);
  ctix__buf_adds(o, "</body>\n</html>\n");
}

/* One article as a section of the long single page: its title, byline
 * and body. */
static void html_story(ctix_buf *o, const page_meta *pm, const char *md, size_t n)
{
  ctix__buf_adds(o, "<section class=\"story\">\n<h2>");
  html_escs(o, pm->title);
  ctix__buf_adds(o, "</h2>\n<p class=\"byline\"><time datetime=\"");
  html_escs(o, pm->published);
  ctix__buf_adds(o, "\">");
  html_escs(o, pm->published);
  ctix__buf_adds(o, "</time> &middot; <a href=\"");
  html_escs(o, pm->url);
  ctix__buf_adds(o, "\">Original report</a></p>\n");
  md_to_html(o, md, n);
  ctix__buf_adds(o, "</section>\n");
}

/* One input being built: what is repeated, and what goes once before and
 * after it (the chrome of the single HTML page; empty otherwise). */
typedef struct input_parts {
  ctix_buf head;
  ctix_buf one;           /* the part repeated to the target size */
  ctix_buf tail;
  ctix_buf pages;         /* per-page rows: offset in `one` of each page (size_t) */
} input_parts;

/*
 * Builds the unrepeated input of one row into `parts`. Text and Markdown:
 * the files concatenated. HTML, per page: one complete page per article,
 * back to back, with their offsets. HTML, single input: one long page
 * (a digest of every article, like an archive or "full report" page) whose
 * chrome is in head/tail and whose article sections are in `one`, so the
 * repeated input is still one well-formed page whose main content is all
 * the articles. Files of the other kind are used when a kind is missing
 * (examples/ fallback).
 */
static int corpus_build(input_parts *parts, const corpus *c, const mode *m)
{
  bool want_md = m->corpus != CORPUS_TEXT;
  bool have = want_md ? c->nmarkdown > 0 : c->ntext > 0;
  bool html = m->corpus == CORPUS_HTML;
  page_meta *metas = NULL;
  ctix_buf src = CTIX_BUF_INIT(MAX_FILE), first = CTIX_BUF_INIT(MAX_FILE);
  size_t i, k, nmeta = 0;
  int rc = 0;

  if (html && !(metas = calloc(c->nfiles, sizeof(*metas))))
    return CTIX_ENOMEM;
  /* First pass for HTML: every page's metadata, for the related links. */
  for (i = 0; html && i < c->nfiles; i++) {
    if (have && c->files[i].markdown != want_md)
      continue;
    ctix__buf_reset(&src);
    if ((rc = read_file(&src, c->files[i].path)))
      goto done;
    if (nmeta == 0 && (rc = ctix__buf_add(&first, src.data, src.len)))
      goto done;
    page_meta_load(&metas[nmeta++], &c->files[i], src.data ? src.data : "", src.len);
  }
  if (html && !m->per_page && nmeta) {
    page_meta digest = metas[0];
    snprintf(digest.title, sizeof(digest.title), "Threat report digest: %zu reports", nmeta);
    html_page_open(&parts->head, &digest, first.data ? first.data : "", first.len);
    html_page_close(&parts->tail, &digest, metas, nmeta < 3 ? nmeta : 3);
  }
  for (i = 0, k = 0; i < c->nfiles; i++) {
    if (have && c->files[i].markdown != want_md)
      continue;
    ctix__buf_reset(&src);
    if ((rc = read_file(&src, c->files[i].path)))
      goto done;
    if (html && m->per_page) {
      page_meta rel[3];
      size_t r, nrel = 0;
      for (r = 1; r <= 3 && r < nmeta; r++)
        rel[nrel++] = metas[(k + r) % nmeta];
      if ((rc = ctix__buf_push(&parts->pages, &parts->one.len, sizeof(size_t))))
        goto done;
      html_page_open(&parts->one, &metas[k], src.data ? src.data : "", src.len);
      md_to_html(&parts->one, src.data ? src.data : "", src.len);
      html_page_close(&parts->one, &metas[k], rel, nrel);
    } else if (html) {
      html_story(&parts->one, &metas[k], src.data ? src.data : "", src.len);
    } else {
      ctix__buf_add(&parts->one, src.data, src.len);
      ctix__buf_adds(&parts->one, "\n\n");
    }
    k++;
    if ((rc = parts->one.err ? parts->one.err : parts->head.err ? parts->head.err
                                                                : parts->tail.err))
      goto done;
  }
  if (parts->one.len == 0)
    rc = CTIX_EEMPTY;

done:
  ctix__buf_free(&src);
  ctix__buf_free(&first);
  free(metas);
  return rc;
}

/* ------------------------------------------------------------- measuring */

/* Parses (and analyses) data[0..n) once; fills the counters of `res` from
 * the document and returns the wall and CPU seconds spent. */
static int run_once(const mode *m, const char *data, size_t n, result *res, double *wall,
                    double *cpu, ctix_error *err)
{
  ctix_options opts;
  ctix_document *doc = NULL;
  ctix_analysis *an = NULL;
  double w0, c0;
  int rc;

  ctix_options_init(&opts);
  opts.doc.format = m->format;
  opts.doc.source = "bench";
  /* The input is at least the default limit (50 MiB): raise the limit to
   * what this run parses, so the limit itself is never what is measured. */
  if (opts.doc.max_input < n)
    opts.doc.max_input = n;
  w0 = now(CLOCK_MONOTONIC);
  c0 = now(CLOCK_PROCESS_CPUTIME_ID);
  rc = ctix_document_parse(&doc, data, n, &opts.doc, err);
  if (rc == 0 && m->analyze) {
    rc = ctix_analyze(&an, doc, NULL, &opts, err); /* takes the document */
    doc = NULL;
  }
  *wall = now(CLOCK_MONOTONIC) - w0;
  *cpu = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
  if (rc == 0) {
    const ctix_document *d = an ? an->doc : doc;
    res->sentences += d->nsentences;
    res->blocks += d->nblocks;
    res->out_len += d->len;
  }
  ctix_analysis_free(an);
  ctix_document_free(doc);
  return rc;
}

/* One repetition: the whole input, or every page in turn until at least
 * `size` bytes were parsed. */
static int run_rep(const mode *m, const ctix_buf *input, const ctix_buf *pages, size_t size,
                   result *res, ctix_error *err)
{
  double wall = 0, cpu = 0, w, c;
  size_t done = 0, np = CTIX__BUF_COUNT(pages, size_t), i = 0;
  int rc = 0;
  res->sentences = res->blocks = res->out_len = res->pages = 0;
  if (!m->per_page) {
    rc = run_once(m, input->data, input->len, res, &wall, &cpu, err);
    done = input->len;
    res->pages = 1;
  } else {
    while (done < size && rc == 0) {
      size_t start = CTIX__BUF_AT(pages, size_t, i);
      size_t end = i + 1 < np ? CTIX__BUF_AT(pages, size_t, i + 1) : input->len;
      rc = run_once(m, input->data + start, end - start, res, &w, &c, err);
      wall += w;
      cpu += c;
      done += end - start;
      res->pages++;
      i = (i + 1) % np;
    }
  }
  res->input = done;
  res->secs[res->reps] = wall;
  res->cpu_secs[res->reps] = cpu;
  res->reps++;
  return rc;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Median of v[0..n) (sorts a copy). */
static double median(const double *v, unsigned n)
{
  double tmp[MAX_REPS];
  memcpy(tmp, v, n * sizeof(double));
  qsort(tmp, n, sizeof(double), cmp_double);
  return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

/* Prints the result line of a measured row. */
static void print_row(const mode *m, const result *r, bool fallback)
{
  double med = median(r->secs, r->reps), cmed = median(r->cpu_secs, r->reps);
  double best = r->secs[0], mb = (double)r->input / 1e6;
  unsigned i;
  for (i = 1; i < r->reps; i++)
    if (r->secs[i] < best)
      best = r->secs[i];
  printf("bench %s input_mb %.2f mb_s %.1f best_mb_s %.1f cpu_mb_s %.1f", m->row, mb,
         med > 0 ? mb / med : 0.0, best > 0 ? mb / best : 0.0, cmed > 0 ? mb / cmed : 0.0);
  if (m->target > 0)
    printf(" target_mb_s %.0f", m->target);
  printf(" rss_kib %zu base_rss_kib %zu", r->peak_kib, r->base_kib);
  if (!m->per_page && r->input)
    printf(" rss_ratio %.2f", (double)r->peak_kib * 1024.0 / (double)r->input);
  printf(" sent_s %.0f sentences %zu blocks %zu out_mb %.2f", med > 0 ? r->sentences / med : 0.0,
         r->sentences, r->blocks, (double)r->out_len / 1e6);
  if (m->per_page)
    printf(" pages %zu", r->pages);
  printf(" reps %u cpu %d%s%s\n", r->reps, r->cpu, r->hwm_reset ? "" : " rss_includes_setup 1",
         fallback ? " corpus_fallback 1" : "");
  fflush(stdout);
}

/* Measures one row in this process (or dumps its input). Returns 0 when a
 * line was printed, non-zero only when the dump could not be written. */
static int run_mode(const config *cfg, const mode *m)
{
  corpus c;
  input_parts parts;
  ctix_buf input = CTIX_BUF_INIT(MAX_CORPUS);
  result *res = calloc(1, sizeof(result));
  ctix_error err;
  double t0;
  int rc;

  memset(&c, 0, sizeof(c));
  ctix__buf_init(&parts.head, MAX_CORPUS);
  ctix__buf_init(&parts.one, MAX_CORPUS);
  ctix__buf_init(&parts.tail, MAX_CORPUS);
  ctix__buf_init(&parts.pages, MAX_CORPUS);
  ctix_error_clear(&err);
  if (!res) {
    print_error_row(m, "out of memory");
    return 0;
  }
  res->cpu = cfg->pin ? pin_to_one_cpu() : -1;
  if ((rc = corpus_scan(&c, cfg->corpus))) {
    print_error_row(m, "no articles in %s (%s)", cfg->corpus, ctix_error_name(rc));
    goto done;
  }
  if ((rc = corpus_build(&parts, &c, m))) {
    print_error_row(m, "building the input from %s failed (%s)", cfg->corpus,
                    ctix_error_name(rc));
    goto done;
  }
  if (cfg->dump) {
    rc = assemble(&input, &parts.head, &parts.one, &parts.tail, 0);
    if (!rc && fwrite(input.data, 1, input.len, stdout) != input.len)
      rc = CTIX_EIO;
    goto done;
  }
  if (m->per_page) {
    input = parts.one; /* the pages themselves, each parsed on its own */
    ctix__buf_init(&parts.one, MAX_CORPUS);
  } else if ((rc = assemble(&input, &parts.head, &parts.one, &parts.tail, cfg->size))) {
    print_error_row(m, "building the %zu-byte input failed (%s)", cfg->size,
                    ctix_error_name(rc));
    goto done;
  }
  ctix__buf_free(&parts.head);
  ctix__buf_free(&parts.one);
  ctix__buf_free(&parts.tail);
  res->base_kib = proc_status_kib("VmRSS");
  res->hwm_reset = reset_peak_rss();
  t0 = now(CLOCK_MONOTONIC);
  while (res->reps < cfg->reps) {
    if ((rc = run_rep(m, &input, &parts.pages, cfg->size, res, &err))) {
      char msg[CTIX_ERROR_MSG_MAX + CTIX_ERROR_SRC_MAX + 64];
      ctix_error_format(msg, sizeof(msg), &err);
      printf("bench %s input_mb %.2f", m->row, (double)input.len / 1e6);
      if (m->target > 0)
        printf(" target_mb_s %.0f", m->target);
      printf(" error %s: %s\n", ctix_error_name(rc), msg);
      fflush(stdout);
      goto done;
    }
    if (now(CLOCK_MONOTONIC) - t0 > TIME_BUDGET_S)
      break;
  }
  res->peak_kib = peak_rss_kib();
  print_row(m, res, cfg->fallback);

done:
  corpus_free(&c);
  ctix__buf_free(&parts.head);
  ctix__buf_free(&parts.one);
  ctix__buf_free(&parts.tail);
  ctix__buf_free(&parts.pages);
  ctix__buf_free(&input);
  free(res);
  return cfg->dump && rc ? 1 : 0;
}

/* --------------------------------------------------------------- driver */

/*
 * Runs every row in a child process (this program with --format), so each
 * row's peak RSS is its own. A child that crashes or fails gets an error
 * row instead of stopping the others.
 */
static int run_all(const config *cfg, const char *argv0)
{
  char size[32], reps[32];
  size_t i;
  snprintf(size, sizeof(size), "%zu", cfg->size);
  snprintf(reps, sizeof(reps), "%u", cfg->reps);
  for (i = 0; i < NMODES; i++) {
    const char *args[16];
    int n = 0, status = 0;
    pid_t pid;
    args[n++] = argv0;
    args[n++] = "--child";
    args[n++] = "--format";
    args[n++] = modes[i].name;
    args[n++] = "--corpus";
    args[n++] = cfg->corpus;
    args[n++] = "--size";
    args[n++] = size;
    args[n++] = "--reps";
    args[n++] = reps;
    if (!cfg->pin)
      args[n++] = "--no-pin";
    if (cfg->fallback)
      args[n++] = "--fallback";
    args[n] = NULL;
    fflush(stdout);
    pid = fork();
    if (pid < 0) {
      print_error_row(&modes[i], "fork failed: %s", strerror(errno));
      continue;
    }
    if (pid == 0) {
      execv("/proc/self/exe", (char *const *)args);
      execvp(argv0, (char *const *)args);
      fprintf(stderr, "bench_document: cannot re-run itself: %s\n", strerror(errno));
      _exit(127);
    }
    if (waitpid(pid, &status, 0) < 0) {
      print_error_row(&modes[i], "waitpid failed: %s", strerror(errno));
    } else if (WIFSIGNALED(status)) {
      print_error_row(&modes[i], "crashed (signal %d)", WTERMSIG(status));
    } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
      print_error_row(&modes[i], "exited with status %d", WEXITSTATUS(status));
    }
  }
  return 0;
}

/* Picks the corpus directory: the command line, $CTIX_SHARED_DIR, the
 * shared data next to the repository, else the repository's examples/. */
static void resolve_corpus(config *cfg, const char *given)
{
  const char *env = getenv("CTIX_SHARED_DIR");
  char want[4096];
  if (given)
    ctix__strlcpy(want, given, sizeof(want));
  else if (env && *env)
    snprintf(want, sizeof(want), "%s/data/articles/dev", env);
  else
#ifdef CTIX_SHARED_DIR
    snprintf(want, sizeof(want), "%s/data/articles/dev", CTIX_SHARED_DIR);
#else
    snprintf(want, sizeof(want), "%s/../shared/data/articles/dev", CTIX_SOURCE_DIR);
#endif
  if (is_dir(want)) {
    char *real = realpath(want, NULL);
    ctix__strlcpy(cfg->corpus, real ? real : want, sizeof(cfg->corpus));
    free(real);
    return;
  }
  ctix__strlcpy(cfg->missing, want, sizeof(cfg->missing));
  snprintf(cfg->corpus, sizeof(cfg->corpus), "%s/examples", CTIX_SOURCE_DIR);
  cfg->fallback = true;
}

static void usage(FILE *f)
{
  size_t i;
  fprintf(f, "usage: bench_document [--format NAME] [--corpus DIR] [--size BYTES] "
             "[--reps N] [--no-pin] [DIR]\n"
             "  --format NAME  run one row in this process; NAME is one of:");
  for (i = 0; i < NMODES; i++)
    fprintf(f, " %s", modes[i].name);
  fprintf(f, "\n                 (default: every row, each in its own process)\n"
             "  --corpus DIR   article directory (default: $CTIX_SHARED_DIR/data/articles/dev,\n"
             "                 else ../shared/data/articles/dev next to the repository,\n"
             "                 else the repository's examples/)\n"
             "  --size BYTES   minimum input size, suffixes k/m/g (default 50m; env "
             "CTIX_BENCH_SIZE)\n"
             "  --reps N       timed repetitions per row, 1..%d (default %d; env "
             "CTIX_BENCH_REPS)\n"
             "  --no-pin       do not pin the process to one CPU\n"
             "  --dump         with --format: write one copy of that row's input to\n"
             "                 stdout (e.g. to look at the generated HTML) and exit\n",
          MAX_REPS, DEFAULT_REPS);
}

/* Parses a size or count argument; false if it is not a positive number. */
static bool parse_num(uint64_t *out, const char *s)
{
  return s && ctix__parse_size(out, s, strlen(s)) == 0 && *out > 0;
}

int main(int argc, char **argv)
{
  config cfg;
  const char *given = NULL, *env;
  bool fallback = false;
  uint64_t v;
  int i;
  size_t k;

  memset(&cfg, 0, sizeof(cfg));
  cfg.size = DEFAULT_SIZE;
  cfg.reps = DEFAULT_REPS;
  cfg.pin = true;
  if ((env = getenv("CTIX_BENCH_SIZE")) && *env && parse_num(&v, env))
    cfg.size = (size_t)v;
  if ((env = getenv("CTIX_BENCH_REPS")) && *env && parse_num(&v, env) && v <= MAX_REPS)
    cfg.reps = (unsigned)v;
  for (i = 1; i < argc; i++) {
    const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--format") == 0 && next) {
      for (k = 0; k < NMODES && strcmp(modes[k].name, next) != 0; k++)
        ;
      if (k == NMODES) {
        fprintf(stderr, "bench_document: unknown format '%s'\n", next);
        usage(stderr);
        return 2;
      }
      cfg.mode = &modes[k];
      i++;
    } else if (strcmp(a, "--corpus") == 0 && next) {
      given = next;
      i++;
    } else if (strcmp(a, "--size") == 0 && parse_num(&v, next)) {
      cfg.size = (size_t)v;
      i++;
    } else if (strcmp(a, "--reps") == 0 && parse_num(&v, next) && v <= MAX_REPS) {
      cfg.reps = (unsigned)v;
      i++;
    } else if (strcmp(a, "--no-pin") == 0) {
      cfg.pin = false;
    } else if (strcmp(a, "--dump") == 0) {
      cfg.dump = true;
    } else if (strcmp(a, "--fallback") == 0) {
      fallback = true; /* from the parent: the corpus is examples/ */
    } else if (strcmp(a, "--child") == 0) {
      cfg.child = true;
    } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(stdout);
      return 0;
    } else if (a[0] != '-' && !given) {
      given = a;
    } else {
      fprintf(stderr, "bench_document: bad argument '%s'\n", a);
      usage(stderr);
      return 2;
    }
  }
  resolve_corpus(&cfg, given);
  cfg.fallback = cfg.fallback || fallback;
  if (cfg.dump && !cfg.mode) {
    fprintf(stderr, "bench_document: --dump needs --format\n");
    return 2;
  }
  if (!cfg.child && !cfg.dump) {
    if (cfg.fallback)
      printf("note corpus: %s not found; FALLBACK to the repository's examples/ (%s): "
             "numbers are NOT from the dev articles\n",
             cfg.missing, cfg.corpus);
    else
      printf("note corpus: %s\n", cfg.corpus);
    printf("note input: each row's input is the corpus repeated to >= %.1f MB (%.1f MiB); "
           "%u timed repetitions, MB/s of input from the median (1 MB = 10^6 bytes)\n",
           (double)cfg.size / 1e6, (double)cfg.size / 1048576.0, cfg.reps);
    fflush(stdout);
  }
  if (cfg.mode)
    return run_mode(&cfg, cfg.mode);
  return run_all(&cfg, argv[0]);
}
