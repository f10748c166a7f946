/*
 * Existing Sigma rules (--sigma-rules DIR, e.g. a SigmaHQ checkout): walks
 * the directory tree in sorted order for *.yml and *.yaml files, reads
 * each rule's id, title, level and tags with libyaml, and keeps the rules
 * tagged with one of the report's techniques, copied unchanged with their
 * own ids. The walk has limits (depth, files, bytes, 1 MiB per rule),
 * follows symbolic links but never enters a directory twice (loops), and
 * skips unreadable or malformed files, counting them.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "respond/sigma.h"
#include "util/err.h"
#include "util/str.h"

typedef struct dir_id {
  dev_t dev;
  ino_t ino;
} dir_id;

typedef struct walker {
  ctix_buf *rules;
  ctix_arena *arena;
  const char *root;
  const char *const *techs;
  size_t ntechs;
  ctix_buf visited;        /* dir_id records of the directories entered */
  ctix_buf names;          /* file names given out (char *), for uniqueness */
  size_t files, skipped;
  size_t bytes;
  ctix_error *err;
} walker;

static bool has_suffix(const char *s, const char *suf)
{
  size_t n = strlen(s), m = strlen(suf);
  return n > m && ctix__mem_ieq(s + n - m, m, suf);
}

/* Reads a regular file of at most `max` bytes; NULL (errno set) on failure. */
static char *read_small(const char *path, size_t max, size_t *len)
{
  FILE *f = fopen(path, "rb");
  ctix_buf b = CTIX_BUF_INIT(max);
  char chunk[16384];
  size_t n;
  if (!f)
    return NULL;
  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
    if (ctix__buf_add(&b, chunk, n))
      break;
  if (ferror(f))
    b.err = CTIX_EIO;
  fclose(f);
  if (b.err) {
    ctix__buf_free(&b);
    return NULL;
  }
  return ctix__buf_detach(&b, len);
}

/* True if the rule's tags name one of the report's techniques. */
static bool tags_match(const walker *w, const ctix__sy *tags, const char ***out, size_t *nout)
{
  const ctix__sy *t;
  size_t i;
  bool any = false;
  if (!tags || tags->kind != CTIX__SY_SEQ)
    return false;
  *out = ctix__arena_calloc(w->arena, tags->n + 1, sizeof(**out));
  *nout = 0;
  if (!*out)
    return false;
  for (t = tags->first; t; t = t->next) {
    if (t->kind != CTIX__SY_SCALAR || t->len < 12 || !ctix__mem_istarts(t->str, t->len, "attack.t"))
      continue;
    for (i = 0; i < w->ntechs; i++)
      if (ctix__mem_ieq(t->str + 7, t->len - 7, w->techs[i])) {
        (*out)[(*nout)++] = w->techs[i];
        any = true;
      }
  }
  return any;
}

/* A name for the rule inside sigma/: existing_<base name>, made unique. */
static const char *unique_name(walker *w, const char *base, const char *id)
{
  char name[300];
  size_t i;
  snprintf(name, sizeof(name), "existing_%s", base);
  for (i = 0; i < CTIX__BUF_COUNT(&w->names, char *); i++)
    if (strcmp(CTIX__BUF_AT(&w->names, char *, i), name) == 0) {
      snprintf(name, sizeof(name), "existing_%.8s_%s", id, base);
      break;
    }
  {
    char *r = ctix__arena_strdup(w->arena, name);
    if (r)
      ctix__buf_push(&w->names, &r, sizeof(r));
    return r;
  }
}

/* Reads one rule file and keeps it when it matches. */
static int visit_file(walker *w, const char *path, const char *rel, const char *base,
                      size_t size)
{
  ctix_arena scratch;
  ctix__sy *docs = NULL;
  const ctix__sy *doc, *id, *title, *level;
  const char **techs = NULL;
  size_t ntechs = 0, len = 0;
  char *text;
  int rc = 0;
  if (size > CTIX__SY_MAX_INPUT || w->bytes + size > CTIX__SIGMA_DIR_MAX_BYTES) {
    w->skipped++;
    return 0;
  }
  text = read_small(path, CTIX__SY_MAX_INPUT, &len);
  if (!text) {
    w->skipped++;
    return 0;
  }
  w->bytes += len;
  if (!ctix__mem_ifind(text, len, "attack.t")) {
    free(text);
    return 0;
  }
  ctix__arena_init(&scratch, 0);
  if (ctix__sy_parse(&docs, &scratch, text, len, CTIX__SY_MAX_INPUT, NULL) || !docs->first ||
      docs->first->kind != CTIX__SY_MAP) {
    w->skipped++;
    goto done;
  }
  doc = docs->first;
  id = ctix__sy_get(doc, "id");
  title = ctix__sy_get(doc, "title");
  level = ctix__sy_get(doc, "level");
  if (!id || id->kind != CTIX__SY_SCALAR || !*id->str || !title || title->kind != CTIX__SY_SCALAR) {
    w->skipped++;
    goto done;
  }
  if (tags_match(w, ctix__sy_get(doc, "tags"), &techs, &ntechs)) {
    ctix_response_rule r;
    memset(&r, 0, sizeof(r));
    r.id = ctix__arena_strdup(w->arena, id->str);
    r.title = ctix__arena_strdup(w->arena, title->str);
    r.origin = "existing";
    r.file_name = unique_name(w, base, id->str);
    r.yaml = ctix__arena_strndup(w->arena, text, len);
    r.level = level && level->kind == CTIX__SY_SCALAR ? ctix__arena_strdup(w->arena, level->str)
                                                      : "medium";
    r.techniques = techs;
    r.ntechniques = ntechs;
    r.source_path = ctix__arena_strdup(w->arena, rel);
    if (!r.id || !r.title || !r.file_name || !r.yaml || !r.level || !r.source_path)
      rc = ctix__error_set(w->err, CTIX_ENOMEM, "out of memory");
    else if (ctix__buf_push(w->rules, &r, sizeof(r)))
      rc = ctix__error_set(w->err, w->rules->err, "too many Sigma rules");
  }
done:
  ctix__arena_free(&scratch);
  free(text);
  return rc;
}

static int cmp_name(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walks one directory (`rel` is its path under the root, "" for the root). */
static int walk(walker *w, const char *path, const char *rel, unsigned depth)
{
  DIR *d;
  struct dirent *de;
  struct stat st;
  ctix_buf names = CTIX_BUF_INIT((size_t)1 << 26);
  dir_id me;
  size_t i, n;
  int rc = 0;
  if (depth > CTIX__SIGMA_DIR_MAX_DEPTH) {
    w->skipped++;
    return 0;
  }
  if (stat(path, &st) != 0)
    return ctix__error_set(w->err, CTIX_EIO, "%s: %s", path, strerror(errno));
  me.dev = st.st_dev;
  me.ino = st.st_ino;
  for (i = 0; i < CTIX__BUF_COUNT(&w->visited, dir_id); i++) {
    const dir_id *v = &CTIX__BUF_AT(&w->visited, dir_id, i);
    if (v->dev == me.dev && v->ino == me.ino)
      return 0; /* a symbolic-link loop or a second link to the same tree */
  }
  if (ctix__buf_push(&w->visited, &me, sizeof(me)))
    return ctix__error_set(w->err, CTIX_ENOMEM, "out of memory");
  d = opendir(path);
  if (!d)
    return depth == 0 ? ctix__error_set(w->err, CTIX_EIO, "%s: %s", path, strerror(errno))
                      : (w->skipped++, 0);
  while ((de = readdir(d))) {
    char *copy;
    if (de->d_name[0] == '.')
      continue; /* ., .. and hidden entries (.git) */
    copy = strdup(de->d_name);
    if (!copy || ctix__buf_push(&names, &copy, sizeof(copy))) {
      free(copy);
      rc = ctix__error_set(w->err, CTIX_ENOMEM, "out of memory");
      break;
    }
  }
  closedir(d);
  n = CTIX__BUF_COUNT(&names, char *);
  if (n)
    qsort(names.data, n, sizeof(char *), cmp_name);
  for (i = 0; i < n && !rc; i++) {
    const char *name = CTIX__BUF_AT(&names, char *, i);
    ctix_buf p = CTIX_BUF_INIT(8192), r = CTIX_BUF_INIT(8192);
    ctix__buf_addf(&p, "%s/%s", path, name);
    ctix__buf_addf(&r, "%s%s%s", rel, *rel ? "/" : "", name);
    if (p.err || r.err) {
      w->skipped++;
    } else if (stat(p.data, &st) != 0) {
      w->skipped++; /* dangling link */
    } else if (S_ISDIR(st.st_mode)) {
      rc = walk(w, p.data, r.data, depth + 1);
    } else if (S_ISREG(st.st_mode) && (has_suffix(name, ".yml") || has_suffix(name, ".yaml"))) {
      if (++w->files > CTIX__SIGMA_DIR_MAX_FILES)
        rc = ctix__error_set(w->err, CTIX_ETOOBIG, "%s: more than %u rule files", w->root,
                             CTIX__SIGMA_DIR_MAX_FILES);
      else
        rc = visit_file(w, p.data, r.data, name, (size_t)st.st_size);
    }
    ctix__buf_free(&p);
    ctix__buf_free(&r);
  }
  for (i = 0; i < n; i++)
    free(CTIX__BUF_AT(&names, char *, i));
  ctix__buf_free(&names);
  return rc;
}

int ctix__sigma_existing(ctix_buf *rules, ctix_arena *arena, const char *dir,
                         const char *const *techniques, size_t ntechniques, size_t *skipped,
                         ctix_error *err)
{
  walker w;
  struct stat st;
  int rc;
  memset(&w, 0, sizeof(w));
  w.rules = rules;
  w.arena = arena;
  w.root = dir;
  w.techs = techniques;
  w.ntechs = ntechniques;
  w.err = err;
  ctix__buf_init(&w.visited, (size_t)1 << 24);
  ctix__buf_init(&w.names, (size_t)1 << 24);
  if (stat(dir, &st) != 0)
    rc = ctix__error_set(err, CTIX_EIO, "--sigma-rules %s: %s", dir, strerror(errno));
  else if (!S_ISDIR(st.st_mode))
    rc = ctix__error_set(err, CTIX_EINVAL, "--sigma-rules %s: not a directory", dir);
  else
    rc = walk(&w, dir, "", 0);
  if (skipped)
    *skipped = w.skipped;
  ctix__buf_free(&w.visited);
  ctix__buf_free(&w.names);
  return rc;
}
