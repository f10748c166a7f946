/*
 * The JSONL batch input of `ctix analyze --jsonl -`: a line reader with a
 * cap on the line length (a line over it is skipped and reported, the
 * stream goes on), and the decoding of one line into a record, with
 * jansson: {"id": ..., "text"|"html"|"markdown": ...}.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_internal.h"
#include "util/str.h"

void ctix__jsonl_init(ctix__jsonl_reader *r, FILE *f, const char *source, size_t max_line)
{
  memset(r, 0, sizeof(*r));
  r->f = f;
  r->source = source;
  r->max_line = max_line;
  ctix__buf_init(&r->buf, max_line);
}

void ctix__jsonl_free(ctix__jsonl_reader *r)
{
  ctix__buf_free(&r->buf);
}

/* Refills the chunk; false at the end of the stream or on a read error. */
static bool refill(ctix__jsonl_reader *r)
{
  if (r->eof)
    return false;
  r->pos = 0;
  r->end = fread(r->chunk, 1, sizeof(r->chunk), r->f);
  if (r->end == 0) {
    r->eof = true;
    return false;
  }
  return true;
}

static bool blank(const char *s, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (!ctix__isspace((unsigned char)s[i]))
      return false;
  return true;
}

/*
 * Reads one physical line into r->buf. Returns 1 for a line, 0 at the end,
 * CTIX_ETOOBIG when it was over the cap (rest skipped).
 */
static int read_line(ctix__jsonl_reader *r)
{
  bool any = false, over = false;
  /* A sticky error (line over the cap) must not outlive its line. */
  if (r->buf.err) {
    ctix__buf_free(&r->buf);
    ctix__buf_init(&r->buf, r->max_line);
  }
  ctix__buf_reset(&r->buf);
  for (;;) {
    const char *nl;
    size_t n;
    if (r->pos >= r->end && !refill(r))
      break;
    any = true;
    nl = memchr(r->chunk + r->pos, '\n', r->end - r->pos);
    n = nl ? (size_t)(nl - (r->chunk + r->pos)) : r->end - r->pos;
    if (!over && ctix__buf_add(&r->buf, r->chunk + r->pos, n))
      over = true;
    r->pos += n;
    if (nl) {
      r->pos++;
      break;
    }
  }
  if (!any)
    return 0;
  r->line++;
  if (over)
    return CTIX_ETOOBIG;
  if (r->buf.len && r->buf.data[r->buf.len - 1] == '\r')
    ctix__buf_truncate(&r->buf, r->buf.len - 1);
  return 1;
}

/* Records an error about the current line; its source is "<stdin>:LINE". */
static int fail(ctix_error *err, const ctix__jsonl_reader *r, int code, const char *msg)
{
  char where[CTIX_ERROR_SRC_MAX];
  snprintf(where, sizeof(where), "%s:%lu", r->source, r->line);
  ctix__error_set(err, code, "%s", msg);
  ctix__error_source(err, where);
  return code;
}

int ctix__jsonl_next(ctix__jsonl_reader *r, ctix_error *err)
{
  int rc;
  for (;;) {
    rc = read_line(r);
    if (rc == CTIX_ETOOBIG) {
      char msg[128];
      if (r->buf.err == CTIX_ENOMEM)
        return fail(err, r, CTIX_ENOMEM, "out of memory reading the line");
      snprintf(msg, sizeof(msg), "line is over the limit of %zu bytes (--max-size)",
               r->max_line);
      return fail(err, r, CTIX_ETOOBIG, msg);
    }
    if (rc == 0) {
      if (ferror(r->f)) {
        ctix__error_set(err, CTIX_EIO, "read failed after line %lu: %s", r->line,
                        strerror(errno));
        ctix__error_source(err, r->source);
        return CTIX_EIO;
      }
      return 0;
    }
    if (!blank(r->buf.data ? r->buf.data : "", r->buf.len))
      return 1;
  }
}

/* The content keys of a record and the format each one means. */
static const struct {
  const char *key;
  ctix_format format;   /* CTIX_FORMAT_AUTO: the --input-format of "text" */
} content_keys[] = {
    {"text", CTIX_FORMAT_AUTO},
    {"html", CTIX_FORMAT_HTML},
    {"markdown", CTIX_FORMAT_MARKDOWN},
};

/* Reads the "id" member: a string or an integer. */
static int read_id(ctix__jsonl_record *rec, json_t *root, const ctix__jsonl_reader *r,
                   ctix_error *err)
{
  json_t *id = json_object_get(root, "id");
  char num[32];
  const char *s;
  size_t n;
  if (!id || json_is_null(id))
    return 0;
  if (json_is_string(id)) {
    s = json_string_value(id);
    n = json_string_length(id);
    if (memchr(s, '\0', n))
      return fail(err, r, CTIX_EINVAL, "\"id\" holds a NUL character");
  } else if (json_is_integer(id)) {
    snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(id));
    s = num;
    n = strlen(num);
  } else {
    return fail(err, r, CTIX_EINVAL, "\"id\" must be a string or an integer");
  }
  rec->id = malloc(n + 1);
  if (!rec->id)
    return fail(err, r, CTIX_ENOMEM, "out of memory");
  memcpy(rec->id, s, n);
  rec->id[n] = '\0';
  return 0;
}

int ctix__jsonl_decode(ctix__jsonl_record *rec, const ctix__jsonl_reader *r,
                       ctix_format text_format, ctix_error *err)
{
  json_error_t jerr;
  json_t *root, *val = NULL;
  size_t i;
  int rc;
  memset(rec, 0, sizeof(*rec));
  root = json_loadb(r->buf.data ? r->buf.data : "", r->buf.len, JSON_REJECT_DUPLICATES, &jerr);
  if (!root) {
    char msg[CTIX_ERROR_MSG_MAX];
    if (jerr.column > 0)
      snprintf(msg, sizeof(msg), "invalid JSON at column %d: %s", jerr.column, jerr.text);
    else
      snprintf(msg, sizeof(msg), "invalid JSON: %s", jerr.text);
    return fail(err, r, CTIX_EPARSE, msg);
  }
  rec->json = root;
  if (!json_is_object(root))
    return fail(err, r, CTIX_EPARSE,
                "expected a JSON object {\"id\": ..., \"text\"|\"html\"|\"markdown\": ...}");
  if ((rc = read_id(rec, root, r, err)))
    return rc;
  for (i = 0; i < sizeof(content_keys) / sizeof(content_keys[0]); i++) {
    json_t *v = json_object_get(root, content_keys[i].key);
    if (!v)
      continue;
    if (val)
      return fail(err, r, CTIX_EINVAL,
                  "a record holds one of \"text\", \"html\" or \"markdown\", not several");
    if (!json_is_string(v)) {
      char msg[96];
      snprintf(msg, sizeof(msg), "\"%s\" must be a string", content_keys[i].key);
      return fail(err, r, CTIX_EINVAL, msg);
    }
    val = v;
    rec->format = content_keys[i].format;
  }
  if (!val)
    return fail(err, r, CTIX_EINVAL,
                "no content: a record needs \"text\", \"html\" or \"markdown\"");
  if (rec->format == CTIX_FORMAT_AUTO)
    rec->format = text_format == CTIX_FORMAT_AUTO ? CTIX_FORMAT_TEXT : text_format;
  rec->data = json_string_value(val);
  rec->len = json_string_length(val);
  return 0;
}

void ctix__jsonl_record_free(ctix__jsonl_record *rec)
{
  free(rec->id);
  if (rec->json)
    json_decref((json_t *)rec->json);
  memset(rec, 0, sizeof(*rec));
}
