/*
 * JSON reading for the knowledge-base builder: parsing with positions in
 * errors, and typed access to members that reports a wrong type as
 * "FILE: objects[12] (attack-pattern--...): "name" must be a string".
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kb/build.h"

int ctix__kbb_jfail(const ctix__kbb_at *at, const char *fmt, ...)
{
  char msg[CTIX_ERROR_MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  ctix__error_source(at->b->err, at->file);
  if (at->id)
    return ctix__error_set(at->b->err, CTIX_EPARSE, "%s[%zu] (%s): %s", at->array, at->index,
                           at->id, msg);
  return ctix__error_set(at->b->err, CTIX_EPARSE, "%s[%zu]: %s", at->array, at->index, msg);
}

int ctix__kbb_ffail(ctix__kbb *b, const char *file, int code, const char *fmt, ...)
{
  char msg[CTIX_ERROR_MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  ctix__error_source(b->err, file);
  return ctix__error_set(b->err, code, "%s", msg);
}

int ctix__kbb_jparse(ctix__kbb *b, json_t **out, const char *data, size_t len,
                     const char *file)
{
  json_error_t je;
  *out = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
  if (*out)
    return 0;
  ctix__error_source(b->err, file);
  if (je.line > 0)
    return ctix__error_set_lc(b->err, CTIX_EPARSE, (unsigned)je.line,
                              je.column > 0 ? (unsigned)je.column : 1, "invalid JSON: %s",
                              je.text);
  return ctix__error_set(b->err, CTIX_EPARSE, "invalid JSON: %s", je.text);
}

/* Copies a JSON string to the arena; a NUL inside it is an error. */
static int copy_string(const ctix__kbb_at *at, json_t *v, const char *what, const char **out)
{
  const char *s = json_string_value(v);
  size_t n = json_string_length(v);
  if (memchr(s, '\0', n))
    return ctix__kbb_jfail(at, "%s holds a NUL character", what);
  if (!(*out = ctix__kbb_strdup(at->b, s, n)))
    return ctix__kbb_nomem(at->b);
  return 0;
}

int ctix__kbb_jstr(const ctix__kbb_at *at, json_t *obj, const char *key, bool required,
                   const char **out)
{
  json_t *v = json_object_get(obj, key);
  char what[96];
  *out = NULL;
  if (!v) {
    if (required)
      return ctix__kbb_jfail(at, "\"%s\" is missing", key);
    return 0;
  }
  if (!json_is_string(v))
    return ctix__kbb_jfail(at, "\"%s\" must be a string", key);
  snprintf(what, sizeof(what), "\"%s\"", key);
  return copy_string(at, v, what, out);
}

int ctix__kbb_jstrs(const ctix__kbb_at *at, json_t *obj, const char *key, const char ***out,
                    uint32_t *n)
{
  json_t *v = json_object_get(obj, key);
  size_t i, count;
  const char **items;
  char what[96];
  int rc;
  *out = NULL;
  *n = 0;
  if (!v)
    return 0;
  if (!json_is_array(v))
    return ctix__kbb_jfail(at, "\"%s\" must be an array of strings", key);
  count = json_array_size(v);
  if (count == 0)
    return 0;
  if (count > CTIX__KBB_MAX_RECORDS)
    return ctix__kbb_jfail(at, "\"%s\" has too many items", key);
  items = ctix__arena_calloc(&at->b->arena, count, sizeof(*items));
  if (!items)
    return ctix__kbb_nomem(at->b);
  for (i = 0; i < count; i++) {
    json_t *item = json_array_get(v, i);
    if (!json_is_string(item))
      return ctix__kbb_jfail(at, "\"%s\"[%zu] must be a string", key, i);
    snprintf(what, sizeof(what), "\"%s\"[%zu]", key, i);
    if ((rc = copy_string(at, item, what, &items[i])))
      return rc;
  }
  *out = items;
  *n = (uint32_t)count;
  return 0;
}

int ctix__kbb_jbool(const ctix__kbb_at *at, json_t *obj, const char *key, bool *out)
{
  json_t *v = json_object_get(obj, key);
  *out = false;
  if (!v)
    return 0;
  if (!json_is_boolean(v))
    return ctix__kbb_jfail(at, "\"%s\" must be true or false", key);
  *out = json_is_true(v);
  return 0;
}
