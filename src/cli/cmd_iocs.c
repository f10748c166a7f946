/*
 * `ctix iocs`: the observables of one input (a file or standard input, in
 * any format ctix reads), as a table for people or as one JSON object per
 * line (--json) for pipelines. The input is read into a document first
 * (ctix_document_load, without sentence splitting, which extraction does
 * not use), so offsets are byte offsets into the document text, as in
 * report.json. Extraction gives back the memory of the document text as
 * it reads it (ctix_ioc_options.consume_input: the text is not needed
 * afterwards), so the text and the list are not held in full at once.
 * The output is streamed: written out every FLUSH_AT bytes. Every
 * candidate has a status; by default the indicators and the benign
 * observables (with their reason) are listed, --all adds the rejected
 * candidates, --type and --status filter.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_internal.h"
#include "ctix/ioc.h"
#include "document/lines.h"
#include "util/json.h"
#include "util/str.h"

enum {
  OPT_JSON = 1,
  OPT_ALL,
  OPT_TYPE,
  OPT_STATUS,
  OPT_PUBLISHER,
  OPT_INPUT_FORMAT,
  OPT_MAX_SIZE,
  OPT_HELP
};

static const ctix__cli_opt iocs_opts[] = {
    {OPT_JSON, 0, "json", false},
    {OPT_ALL, 'a', "all", false},
    {OPT_TYPE, 't', "type", true},
    {OPT_STATUS, 's', "status", true},
    {OPT_PUBLISHER, 0, "publisher", true},
    {OPT_INPUT_FORMAT, 0, "input-format", true},
    {OPT_MAX_SIZE, 0, "max-size", true},
    {OPT_HELP, 'h', "help", false},
    {0, 0, NULL, false},
};

#define NSTATUS 3
/* Widest value column of the table; longer values push the note right. */
#define VALUE_COL_MAX 64

typedef struct iocs_args {
  const char *input;
  bool json;
  bool type_on[CTIX_IOC_TYPE_COUNT];
  bool any_type;              /* --type given */
  bool status_on[NSTATUS];
  const char *publisher;
  ctix_doc_options doc;
} iocs_args;

/* ---------------------------------------------------------------- output */

/* Output is written to standard output whenever the buffer holds this
 * much, so memory does not grow with the number of observables. */
#define FLUSH_AT (256u * 1024u)

/* Writes out.data to stdout and empties it; false on a write error. */
static bool flush_out(ctix_buf *out)
{
  bool ok = !out->len || fwrite(out->data, 1, out->len, stdout) == out->len;
  ctix__buf_reset(out);
  return ok;
}

/* Length of s if JSON takes all its bytes as they are (nearly every
 * value: ctix__json_plain_prefix); SIZE_MAX otherwise. */
static size_t plain_len(const char *s)
{
  size_t n = strlen(s);
  return ctix__json_plain_prefix(s, n) == n ? n : SIZE_MAX;
}

/* Appends a string literal (its length known at compile time). */
#define ADD_LIT(b, lit) ctix__buf_add_inline((b), (lit), sizeof(lit) - 1)

/* Appends s in JSON string quotes (null for NULL); n is plain_len(s):
 * plain bytes go as they are, other strings are escaped. */
static void json_str(ctix_buf *b, const char *s, size_t n)
{
  if (!s) {
    ADD_LIT(b, "null");
  } else if (n != SIZE_MAX) {
    ADD_LIT(b, "\"");
    ctix__buf_add_inline(b, s, n);
    ADD_LIT(b, "\"");
  } else {
    ctix__json_string(b, s, strlen(s));
  }
}

/* The decimal digits of 0..99, two by two. */
static const char digit_pairs[] = "00010203040506070809101112131415161718192021222324"
                                  "25262728293031323334353637383940414243444546474849"
                                  "50515253545556575859606162636465666768697071727374"
                                  "75767778798081828384858687888990919293949596979899";

/* Number of decimal digits of v. */
static unsigned digits_of(uint32_t v)
{
  static const uint32_t pow10[] = {10u,      100u,      1000u,      10000u,     100000u,
                                   1000000u, 10000000u, 100000000u, 1000000000u};
  unsigned n = 1;
  while (n < 10 && v >= pow10[n - 1])
    n++;
  return n;
}

/* Writes the decimal digits of v at p (two per division, from the last);
 * returns the end. */
static char *put_uint(char *p, uint32_t v)
{
  char *e = p + digits_of(v), *q = e;
  while (v >= 100) {
    uint32_t r = v % 100;
    v /= 100;
    q -= 2;
    memcpy(q, digit_pairs + 2 * r, 2);
  }
  if (v >= 10) {
    q -= 2;
    memcpy(q, digit_pairs + 2 * v, 2);
  } else {
    *--q = (char)('0' + v);
  }
  return e;
}

/*
 * Copies s[0..n) to p; returns the end. Strings under 16 bytes (names,
 * most addresses) are moved with two fixed-size copies that overlap
 * instead of a call; nothing outside s[0..n) is read or outside p[0..n)
 * written.
 */
static inline char *put_bytes(char *p, const char *s, size_t n)
{
  uint64_t a, b;
  uint32_t c, d;
  size_t k;
  if (n >= 16) {
    memcpy(p, s, n);
  } else if (n >= 8) {
    memcpy(&a, s, 8);
    memcpy(&b, s + n - 8, 8);
    memcpy(p, &a, 8);
    memcpy(p + n - 8, &b, 8);
  } else if (n >= 4) {
    memcpy(&c, s, 4);
    memcpy(&d, s + n - 4, 4);
    memcpy(p, &c, 4);
    memcpy(p + n - 4, &d, 4);
  } else {
    for (k = 0; k < n; k++)
      p[k] = s[k];
  }
  return p + n;
}

/* Writes lit (a string literal) at p; returns the end. */
#define PUT_LIT(p, lit) (memcpy((p), (lit), sizeof(lit) - 1), (p) + sizeof(lit) - 1)

/* Writes s[0..n) in quotes (plain: no escaping needed) at p; returns the end. */
static char *put_plain(char *p, const char *s, size_t n)
{
  *p++ = '"';
  p = put_bytes(p, s, n);
  *p++ = '"';
  return p;
}

/* Room put_tail needs at most: its literals, three 10-digit numbers, the
 * brace and the newline. */
#define TAIL_MAX 80

/* Writes the members after "reason", the closing brace of the object of
 * `it` and the newline at p (at most TAIL_MAX bytes); returns the end. */
static char *put_tail(char *p, const ctix_ioc *it)
{
  p = it->defanged ? PUT_LIT(p, ",\"defanged\":true,\"start\":")
                   : PUT_LIT(p, ",\"defanged\":false,\"start\":");
  p = put_uint(p, it->span.start);
  p = put_uint(PUT_LIT(p, ",\"end\":"), it->span.end);
  p = put_uint(PUT_LIT(p, ",\"hits\":"), it->nhits);
  *p++ = '}';
  *p++ = '\n';
  return p;
}

/* Longest JSON text written ahead of a value for a type or a status. */
#define HEAD_MAX 64

/* The type and status names with their plain lengths (plain_len), taken
 * once for the whole list; the last entry of each is the name of an
 * out-of-range value. For the names that are plain, the JSON around them
 * is written once too: `{"type":"NAME","value":` and
 * `,"status":"NAME","reason":` (head_len 0 when the name needs escaping
 * or does not fit). */
typedef struct name_table {
  const char *type[CTIX_IOC_TYPE_COUNT + 1], *status[NSTATUS + 1];
  size_t type_len[CTIX_IOC_TYPE_COUNT + 1], status_len[NSTATUS + 1];
  char type_head[CTIX_IOC_TYPE_COUNT + 1][HEAD_MAX], status_head[NSTATUS + 1][HEAD_MAX];
  size_t type_head_len[CTIX_IOC_TYPE_COUNT + 1], status_head_len[NSTATUS + 1];
} name_table;

/* Writes pre, the name in quotes and post into head (HEAD_MAX bytes);
 * returns the length, 0 when the name is not plain or does not fit. */
static size_t make_head(char *head, const char *pre, const char *name, size_t n,
                        const char *post)
{
  size_t lp = strlen(pre), lq = strlen(post);
  if (n == SIZE_MAX || lp + n + 2 + lq > HEAD_MAX)
    return 0;
  memcpy(head, pre, lp);
  head[lp] = '"';
  memcpy(head + lp + 1, name, n);
  head[lp + 1 + n] = '"';
  memcpy(head + lp + 2 + n, post, lq);
  return lp + n + 2 + lq;
}

static void names_init(name_table *n)
{
  unsigned i;
  for (i = 0; i <= CTIX_IOC_TYPE_COUNT; i++) {
    n->type[i] = ctix_ioc_type_name((ctix_ioc_type)i);
    n->type_len[i] = plain_len(n->type[i]);
    n->type_head_len[i] =
        make_head(n->type_head[i], "{\"type\":", n->type[i], n->type_len[i], ",\"value\":");
  }
  for (i = 0; i <= NSTATUS; i++) {
    n->status[i] = ctix_ioc_status_name((ctix_ioc_status)i);
    n->status_len[i] = plain_len(n->status[i]);
    n->status_head_len[i] = make_head(n->status_head[i], ",\"status\":", n->status[i],
                                      n->status_len[i], ",\"reason\":");
  }
}

/* The JSON line of an observable whose strings are all plain (lv, lo, lr:
 * their lengths) and whose names have their heads (name_table), written
 * in one go: the common case. */
static void ioc_json_plain(ctix_buf *b, const ctix_ioc *it, const char *type_head, size_t lth,
                           const char *status_head, size_t lsh, size_t lv, size_t lo,
                           size_t lr)
{
  size_t need = lth + lv + lo + lsh + lr + 32 + TAIL_MAX;
  char *p;
  if (b->cap - b->len <= need && ctix__buf_grow(b, need))
    return;
  p = b->data + b->len;
  p = put_bytes(p, type_head, lth);
  p = put_plain(p, it->value, lv);
  p = put_plain(PUT_LIT(p, ",\"original\":"), it->original, lo);
  p = put_bytes(p, status_head, lsh);
  p = it->reason ? put_plain(p, it->reason, lr) : PUT_LIT(p, "null");
  p = put_tail(p, it);
  *p = '\0';
  b->len = (size_t)(p - b->data);
}

/*
 * Appends `,"bidi":{...}` for a value holding bidirectional controls
 * (bi, from ctix_ioc_bidi_read): whether it displays reordered (spoofed),
 * how it displays, the controls, and the technique that is evidence of
 * (T1036.002, null when not reordered).
 */
static void add_bidi_json(ctix_buf *b, const ctix_ioc_bidi *bi)
{
  unsigned i;
  bool first = true;
  ADD_LIT(b, ",\"bidi\":{\"spoofed\":");
  ctix__buf_adds(b, bi->reordered ? "true" : "false");
  ADD_LIT(b, ",\"display\":");
  ctix__json_string(b, bi->display, bi->display_len);
  ADD_LIT(b, ",\"controls\":[");
  for (i = 0; i < CTIX_IOC_BIDI_NCONTROLS; i++)
    if (bi->controls & (1u << i)) {
      ctix__buf_addf(b, "%s\"%s\"", first ? "" : ",", ctix_ioc_bidi_code(i));
      first = false;
    }
  ctix__buf_adds(b, bi->reordered ? "],\"technique\":\"" CTIX_IOC_BIDI_TECHNIQUE "\"}"
                                  : "],\"technique\":null}");
}

/* One observable as a compact JSON object and a newline. Returns 0 or a
 * negative CTIX_E* (the buffer's errors are sticky in it). */
static int ioc_json(ctix_buf *b, const ctix_ioc *it, const name_table *nm)
{
  unsigned ti = it->type < CTIX_IOC_TYPE_COUNT ? it->type : CTIX_IOC_TYPE_COUNT;
  unsigned si = it->status < NSTATUS ? it->status : NSTATUS;
  const char *type = nm->type[ti], *status = nm->status[si];
  size_t lt = nm->type_len[ti], ls = nm->status_len[si], lv = plain_len(it->value);
  /* the written form shares the value's bytes when they are equal */
  size_t lo = it->original == it->value ? lv : plain_len(it->original);
  size_t lr = it->reason ? plain_len(it->reason) : 0, v0, v1;
  if (nm->type_head_len[ti] && nm->status_head_len[si] && lv != SIZE_MAX && lo != SIZE_MAX &&
      lr != SIZE_MAX) {
    ioc_json_plain(b, it, nm->type_head[ti], nm->type_head_len[ti], nm->status_head[si],
                   nm->status_head_len[si], lv, lo, lr);
    return 0;
  }
  ADD_LIT(b, "{\"type\":");
  json_str(b, type, lt);
  ADD_LIT(b, ",\"value\":");
  v0 = b->len;
  json_str(b, it->value, lv);
  v1 = b->len;
  ADD_LIT(b, ",\"original\":");
  if (it->original == it->value) {
    /* the same string, escaped once: room first, as the bytes copied are
     * the buffer's own */
    if (!ctix__buf_grow(b, v1 - v0))
      ctix__buf_add(b, b->data + v0, v1 - v0);
  } else {
    json_str(b, it->original, lo);
  }
  ADD_LIT(b, ",\"status\":");
  json_str(b, status, ls);
  ADD_LIT(b, ",\"reason\":");
  json_str(b, it->reason, lr);
  if (ctix__buf_grow(b, TAIL_MAX))
    return 0;
  {
    char *p = put_tail(b->data + b->len, it);
    *p = '\0';
    b->len = (size_t)(p - b->data);
  }
  if (lv != SIZE_MAX || b->err)
    return 0;
  /* a value that is not plain may hold bidirectional controls: their
   * member goes before the closing brace and the newline */
  {
    ctix_ioc_bidi bi;
    int rc = ctix_ioc_bidi_read(&bi, it->value, strlen(it->value), NULL);
    if (rc == 0 && bi.count) {
      ctix__buf_truncate(b, b->len - 2);
      add_bidi_json(b, &bi);
      ADD_LIT(b, "}\n");
    }
    ctix_ioc_bidi_clear(&bi);
    return rc;
  }
}

/* Display width of UTF-8 s (code points; good enough for alignment):
 * ctix__text_width, sixteen bytes at a time. */
static size_t width_of(const char *s)
{
  return ctix__text_width(s, strlen(s));
}

/* Appends n spaces. */
static void add_spaces(ctix_buf *out, size_t n)
{
  static const char spaces[] = "                                ";
  while (n > 0) {
    size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
    ctix__buf_add_inline(out, spaces, k);
    n -= k;
  }
}

/* Appends s as ctix__cli_clean(out, s, (size_t)-1) does (control bytes
 * shown as '?'); printable ASCII without '"' and '\\' (nearly every
 * value), which it copies unchanged, is copied at once. Returns the
 * display width of s (width_of). */
static size_t add_clean(ctix_buf *out, const char *s)
{
  size_t n = strlen(s);
  if (ctix__json_plain_prefix(s, n) == n) {
    ctix__buf_add_inline(out, s, n);
    return n;
  }
  ctix__cli_clean(out, s, (size_t)-1);
  return width_of(s);
}

/* Appends s left-aligned in a column of `width` bytes and the two spaces
 * after it (printf's "%-*s  "). */
static void add_cell(ctix_buf *out, const char *s, size_t width)
{
  size_t n = strlen(s);
  ctix__buf_add_inline(out, s, n);
  add_spaces(out, (n < width ? width - n : 0) + 2);
}

/* Appends v right-aligned in four columns and two spaces ("%4u  "). */
static void add_hits(ctix_buf *out, uint32_t v)
{
  char d[16];
  size_t n = (size_t)(put_uint(d, v) - d);
  if (n < 4)
    add_spaces(out, 4 - n);
  ctix__buf_add_inline(out, d, n);
  add_spaces(out, 2);
}

static bool shown(const iocs_args *a, const ctix_ioc *it)
{
  if ((unsigned)it->status >= NSTATUS || !a->status_on[it->status])
    return false;
  return !a->any_type || ((unsigned)it->type < CTIX_IOC_TYPE_COUNT && a->type_on[it->type]);
}

/*
 * Prints the table: type, status, hits, value, and a note (the reason,
 * and the written form when it differs from the value), then one line of
 * counts. Returns false on a write error.
 */
static bool print_table(ctix_buf *out, const iocs_args *a, const ctix_ioc_list *l)
{
  bool ok = true;
  size_t wt = 4, wv = 5, i, n = 0, per[NSTATUS] = {0, 0, 0}, hidden[NSTATUS] = {0, 0, 0};
  for (i = 0; i < l->nitems; i++) {
    const ctix_ioc *it = &l->items[i];
    size_t w;
    if (!shown(a, it)) {
      if ((unsigned)it->status < NSTATUS)
        hidden[it->status]++;
      continue;
    }
    n++;
    per[it->status]++;
    if ((w = strlen(ctix_ioc_type_name(it->type))) > wt)
      wt = w;
    if ((w = width_of(it->value)) > wv)
      wv = w < VALUE_COL_MAX ? w : VALUE_COL_MAX;
  }
  if (n) {
    ctix__buf_addf(out, "%-*s  %-8s  %4s  %-*s  %s\n", (int)wt, "TYPE", "STATUS", "HITS",
                   (int)wv, "VALUE", "NOTE");
    for (i = 0; i < l->nitems; i++) {
      const ctix_ioc *it = &l->items[i];
      size_t w;
      /* the written form shares the value's bytes when they are equal */
      bool written = it->original && it->original != it->value &&
                     strcmp(it->original, it->value) != 0;
      ctix_ioc_bidi bi;
      if (!shown(a, it))
        continue;
      if (ctix_ioc_bidi_read(&bi, it->value, strlen(it->value), NULL)) {
        ctix_ioc_bidi_clear(&bi); /* the caller's to clear either way */
        ctix__buf_grow(out, (size_t)-1); /* sticky: reported as out of memory */
        break;
      }
      /* "%-*s  %-8s  %4u  " written directly */
      add_cell(out, ctix_ioc_type_name(it->type), wt);
      add_cell(out, ctix_ioc_status_name(it->status), 8);
      add_hits(out, it->nhits);
      w = add_clean(out, it->value);
      if (it->reason || written || bi.note)
        add_spaces(out, (w < wv ? wv - w : 0) + 2);
      if (it->reason)
        add_clean(out, it->reason);
      if (written) {
        if (it->reason)
          ADD_LIT(out, "; written ");
        else
          ADD_LIT(out, "written ");
        add_clean(out, it->original);
      }
      if (bi.note) {
        if (it->reason || written)
          ADD_LIT(out, "; ");
        add_clean(out, bi.note);
      }
      ctix_ioc_bidi_clear(&bi);
      ADD_LIT(out, "\n");
      if (out->len >= FLUSH_AT && !out->err)
        ok &= flush_out(out);
    }
    ctix__buf_addc(out, '\n');
  }
  ctix__buf_addf(out, "%zu shown: %zu ioc, %zu benign, %zu rejected", n, per[0], per[1],
                 per[2]);
  if (hidden[0] + hidden[1] + hidden[2])
    ctix__buf_addf(out, " (%zu more not shown%s)", hidden[0] + hidden[1] + hidden[2],
                   hidden[2] && !a->status_on[CTIX_IOC_STATUS_REJECTED]
                       ? "; --all lists the rejected candidates"
                       : "");
  ctix__buf_addc(out, '\n');
  return ok;
}

/* ------------------------------------------------------------- arguments */

/* Parses a comma-separated list of type names into a->type_on. */
static int parse_types(iocs_args *a, const char *list)
{
  const char *names[CTIX_IOC_TYPE_COUNT];
  const char *p = list;
  size_t i;
  for (i = 0; i < CTIX_IOC_TYPE_COUNT; i++)
    names[i] = ctix_ioc_type_name((ctix_ioc_type)i);
  a->any_type = true;
  while (*p) {
    char word[48];
    size_t n = strcspn(p, ",");
    ctix_ioc_type t;
    if (n == 0 || n >= sizeof(word))
      return ctix__cli_usage("iocs", "bad --type list '%s' (names such as ipv4,domain,url)",
                             list);
    memcpy(word, p, n);
    word[n] = 0;
    if (ctix_ioc_type_from_name(&t, word)) {
      const char *hint = ctix__cli_suggest(word, names, CTIX_IOC_TYPE_COUNT);
      if (hint)
        return ctix__cli_usage("iocs", "unknown type '%s' (did you mean '%s'?)", word, hint);
      return ctix__cli_usage("iocs", "unknown type '%s'", word);
    }
    a->type_on[t] = true;
    p += n;
    if (*p == ',')
      p++;
  }
  return 0;
}

/* Parses a comma-separated list of statuses into a->status_on. */
static int parse_statuses(iocs_args *a, const char *list)
{
  const char *p = list;
  unsigned s;
  memset(a->status_on, 0, sizeof(a->status_on));
  while (*p) {
    size_t n = strcspn(p, ",");
    for (s = 0; s < NSTATUS; s++)
      if (ctix__mem_ieq(p, n, ctix_ioc_status_name((ctix_ioc_status)s)))
        break;
    if (n == 0 || s == NSTATUS)
      return ctix__cli_usage("iocs", "bad --status list '%s' (ioc, benign, rejected)", list);
    a->status_on[s] = true;
    p += n;
    if (*p == ',')
      p++;
  }
  return 0;
}

/* Parses the command line; returns 0, or an exit status (help: -1). */
static int parse_args(iocs_args *a, int argc, char **argv)
{
  ctix__cli_args p;
  const char *arg, *status = NULL;
  bool all = false;
  uint64_t v;
  int id;
  ctix__cli_args_init(&p, argc, argv, "iocs", iocs_opts);
  while ((id = ctix__cli_args_next(&p, &arg)) != CTIX__CLI_END) {
    switch (id) {
    case CTIX__CLI_BAD: return CTIX_EXIT_USAGE;
    case CTIX__CLI_OPERAND:
      if (a->input)
        return ctix__cli_usage("iocs", "one input only (a FILE, or - for standard input)");
      a->input = arg;
      break;
    case OPT_HELP: return -1;
    case OPT_JSON: a->json = true; break;
    case OPT_ALL: all = true; break;
    case OPT_TYPE:
      if (parse_types(a, arg))
        return CTIX_EXIT_USAGE;
      break;
    case OPT_STATUS: status = arg; break;
    case OPT_PUBLISHER:
      if (!*arg)
        return ctix__cli_usage("iocs", "empty --publisher");
      a->publisher = arg;
      break;
    case OPT_INPUT_FORMAT:
      if (ctix_format_from_name(&a->doc.format, arg))
        return ctix__cli_usage("iocs",
                               "unknown input format '%s' (auto, text, markdown, html, pdf)",
                               arg);
      break;
    case OPT_MAX_SIZE:
      if (ctix__parse_size(&v, arg, strlen(arg)) || v == 0 || v > SIZE_MAX / 4)
        return ctix__cli_usage("iocs", "invalid --max-size '%s' (a size such as 500K, 50M, 1G)",
                               arg);
      a->doc.max_input = (size_t)v;
      break;
    default: break;
    }
  }
  if (status && all)
    return ctix__cli_usage("iocs", "--all and --status exclude each other");
  a->status_on[CTIX_IOC_STATUS_IOC] = true;
  a->status_on[CTIX_IOC_STATUS_BENIGN] = true;
  a->status_on[CTIX_IOC_STATUS_REJECTED] = all;
  if (status && parse_statuses(a, status))
    return CTIX_EXIT_USAGE;
  if (!a->input)
    a->input = "-";
  return 0;
}

static int run_iocs(int argc, char **argv)
{
  iocs_args a;
  ctix_document *doc = NULL;
  ctix_ioc_list *list = NULL;
  ctix_ioc_options io;
  ctix_error err;
  ctix_buf out = CTIX_BUF_INIT((size_t)-1 / 2);
  name_table nm;
  size_t i;
  bool written = true;
  int rc;

  memset(&a, 0, sizeof(a));
  ctix_doc_options_init(&a.doc);
  ctix_error_clear(&err);
  rc = parse_args(&a, argc, argv);
  if (rc) {
    if (rc < 0) {
      ctix__cli_print_help(stdout, &ctix__cli_cmd_iocs);
      rc = CTIX_EXIT_OK;
    }
    return rc;
  }
  a.doc.source = strcmp(a.input, "-") == 0 ? "<stdin>" : a.input;
  a.doc.no_sentences = true; /* extraction reads the text and its sections only */
  ctix_ioc_options_init(&io);
  io.publisher_host = a.publisher;
  io.keep_rejected = true;
  io.consume_input = true; /* the text is read by extraction only */
  if ((rc = ctix_document_load(&doc, a.input, &a.doc, &err)) == 0) {
    if (io.max_input < doc->len)
      io.max_input = doc->len;
    rc = ctix_ioc_extract_document(&list, doc, &io, &err);
  }
  if (rc) {
    ctix__error_source(&err, a.doc.source);
    ctix__cli_error(&err);
    rc = rc == CTIX_ENOMEM ? CTIX_EXIT_INTERNAL : CTIX_EXIT_INPUT;
    goto done;
  }
  /* the output goes out in pieces of about FLUSH_AT bytes */
  if (a.json) {
    names_init(&nm);
    for (i = 0; i < list->nitems; i++) {
      if (!shown(&a, &list->items[i]))
        continue;
      if ((rc = ioc_json(&out, &list->items[i], &nm)) != 0) {
        ctix__cli_msg(rc == CTIX_ENOMEM ? "out of memory" : "an observable could not be written");
        rc = CTIX_EXIT_INTERNAL;
        goto done;
      }
      if (out.len >= FLUSH_AT && !out.err)
        written &= flush_out(&out);
    }
  } else {
    written = print_table(&out, &a, list);
  }
  if (out.err) {
    ctix__cli_msg("out of memory");
    rc = CTIX_EXIT_INTERNAL;
    goto done;
  }
  if (!written || !flush_out(&out) || fflush(stdout) != 0 || ferror(stdout)) {
    ctix__cli_msg("cannot write to standard output");
    rc = CTIX_EXIT_OUTPUT;
  }

done:
  ctix__buf_free(&out);
  ctix_ioc_list_free(list);
  ctix_document_free(doc);
  return rc;
}

const ctix_cli_cmd ctix__cli_cmd_iocs = {
    "iocs",
    "List the observables and indicators of compromise of one input",
    "Usage: ctix iocs [OPTION]... [FILE|-]\n"
    "\n"
    "Read FILE (- or nothing for standard input) as plain text, Markdown, HTML\n"
    "or PDF and list the observables found in its text: IP addresses, domains,\n"
    "URLs, e-mail addresses, hashes, CVE and ATT&CK ids, file names and paths,\n"
    "registry keys, coin addresses, ... Defanged forms (evil[.]com, hxxp://)\n"
    "are refanged. Each observable has a status: ioc, benign (a private or\n"
    "documentation address, a well-known site, the publisher, a reference\n"
    "link; the reason is shown) or rejected (failed validation). Offsets are\n"
    "byte offsets into the document text, as in report.json.\n"
    "\n"
    "Options:\n"
    "      --json              print one JSON object per observable and line:\n"
    "                          type, value, original, status, reason, defanged,\n"
    "                          start, end, hits, and bidi for a value holding\n"
    "                          bidirectional controls (U+202E, ...)\n"
    "  -a, --all               list every status, rejected candidates included\n"
    "                          (default: ioc and benign)\n"
    "  -t, --type LIST         only these types, comma-separated (ipv4,domain,...)\n"
    "  -s, --status LIST       only these statuses, comma-separated (ioc, benign,\n"
    "                          rejected)\n"
    "      --publisher HOST    the article's own site, whose domains are benign\n"
    "                          (default: the host of the canonical URL)\n"
    "      --input-format FMT  auto, text, markdown, html or pdf (default auto)\n"
    "      --max-size N[KMG]   largest input accepted, in bytes (default 50M)\n"
    "  -h, --help              show this help\n"
    "\n"
    "Examples:\n"
    "  ctix iocs report.html\n"
    "  ctix iocs --json --type ipv4,domain,url - < post.md\n"
    "  ctix iocs --status rejected report.pdf\n"
    "\n"
    "Exit status: 0 on success (also when nothing is found), 1 the input could\n"
    "not be read, 2 bad command line, 3 output could not be written, 4 internal\n"
    "error.\n",
    run_iocs,
};
