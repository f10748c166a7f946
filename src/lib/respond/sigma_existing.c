/*
 * Existing Sigma rules (--sigma-rules DIR, e.g. a SigmaHQ checkout). A
 * collection is read once (ctix_response_collection_load): the Sigma
 * module's folder walk (sorted, links followed, loops cut) gives the
 * *.yml / *.yaml files; each rule's id, title, level and ATT&CK technique
 * tags are read with libyaml and kept with its text. Per document, the
 * rules tagged with one of the report's techniques are copied unchanged,
 * with their own ids, into the response (ctix__sigma_existing_match). The
 * load has limits (files, bytes, 1 MiB per rule) and skips unreadable or
 * malformed files, counting them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "respond/sigma.h"
#include "sigma/sigma_lib.h"
#include "util/err.h"
#include "util/str.h"

/* One rule of a collection: what a document's match needs. */
typedef struct coll_rule {
  const char *id, *title, *level; /* level NULL: "medium" */
  const char *yaml;               /* the file's text */
  size_t yaml_len;
  const char *rel, *name;         /* path under the root, file name */
  const char **tags;              /* technique tags without "attack." ("t1059.001") */
  size_t *taglens;
  size_t ntags;
} coll_rule;

struct ctix_sigma_collection {
  ctix_arena arena; /* every string and array of the rules */
  ctix_buf rules;   /* coll_rule, in walk order */
};

/* The state of one load. */
typedef struct loader {
  ctix_sigma_collection *c;
  const char *root;
  size_t files, skipped, bytes;
  ctix_error *err;
} loader;

/* Reads a file of at most `max` bytes; NULL when it cannot be read or is larger. */
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

/*
 * The technique tags of a rule (`attack.tNNNN[.NNN]`, as written after
 * "attack.") into r; false if it has none.
 */
static bool keep_tags(ctix_arena *arena, const ctix__sy *tags, coll_rule *r)
{
  const ctix__sy *t;
  if (!tags || tags->kind != CTIX__SY_SEQ)
    return false;
  r->tags = ctix__arena_calloc(arena, tags->n + 1, sizeof(*r->tags));
  r->taglens = ctix__arena_calloc(arena, tags->n + 1, sizeof(*r->taglens));
  r->ntags = 0;
  if (!r->tags || !r->taglens)
    return false;
  for (t = tags->first; t; t = t->next) {
    if (t->kind != CTIX__SY_SCALAR || t->len < 12 || !ctix__mem_istarts(t->str, t->len, "attack.t"))
      continue;
    r->tags[r->ntags] = ctix__arena_strndup(arena, t->str + 7, t->len - 7);
    r->taglens[r->ntags] = t->len - 7;
    if (r->tags[r->ntags])
      r->ntags++;
  }
  return r->ntags > 0;
}

/* Reads one rule file; keeps it when it has technique tags. */
static int load_file(void *ctx, const ctix__sigma_file *f)
{
  loader *l = ctx;
  ctix_arena scratch, *arena = &l->c->arena;
  ctix__sy *docs = NULL;
  const ctix__sy *doc, *id, *title, *level;
  coll_rule r;
  size_t len = 0, room = CTIX__SIGMA_DIR_MAX_BYTES - l->bytes;
  char *text;
  int rc = 0;
  if (++l->files > CTIX__SIGMA_DIR_MAX_FILES)
    return ctix__error_set(l->err, CTIX_ETOOBIG, "%s: more than %u rule files", l->root,
                           CTIX__SIGMA_DIR_MAX_FILES);
  /* one read, bounded by the rule limit and what is left of the folder's */
  text = read_small(f->path, room < CTIX__SY_MAX_INPUT ? room : CTIX__SY_MAX_INPUT, &len);
  if (!text) {
    l->skipped++;
    return 0;
  }
  l->bytes += len;
  if (!ctix__mem_ifind(text, len, "attack.t")) {
    free(text);
    return 0;
  }
  ctix__arena_init(&scratch, 0);
  if (ctix__sy_parse(&docs, &scratch, text, len, CTIX__SY_MAX_INPUT, NULL) || !docs->first ||
      docs->first->kind != CTIX__SY_MAP) {
    l->skipped++;
    goto done;
  }
  doc = docs->first;
  id = ctix__sy_get(doc, "id");
  title = ctix__sy_get(doc, "title");
  level = ctix__sy_get(doc, "level");
  if (!id || id->kind != CTIX__SY_SCALAR || !*id->str || !title || title->kind != CTIX__SY_SCALAR) {
    l->skipped++;
    goto done;
  }
  memset(&r, 0, sizeof(r));
  if (!keep_tags(arena, ctix__sy_get(doc, "tags"), &r))
    goto done;
  r.id = ctix__arena_strdup(arena, id->str);
  r.title = ctix__arena_strdup(arena, title->str);
  r.level = level && level->kind == CTIX__SY_SCALAR ? ctix__arena_strdup(arena, level->str) : NULL;
  r.yaml = ctix__arena_strndup(arena, text, len);
  r.yaml_len = len;
  r.rel = ctix__arena_strdup(arena, f->rel);
  r.name = ctix__arena_strdup(arena, f->name);
  if (!r.id || !r.title || (level && level->kind == CTIX__SY_SCALAR && !r.level) || !r.yaml ||
      !r.rel || !r.name)
    rc = ctix__error_set(l->err, CTIX_ENOMEM, "out of memory");
  else if (ctix__buf_push(&l->c->rules, &r, sizeof(r)))
    rc = ctix__error_set(l->err, l->c->rules.err, "too many Sigma rules");
done:
  ctix__arena_free(&scratch);
  free(text);
  return rc;
}

int ctix_response_collection_load(ctix_sigma_collection **out, const char *dir, size_t *skipped,
                                  ctix_error *err)
{
  ctix_sigma_collection *c;
  loader l;
  struct stat st;
  int rc;
  if (!out || !dir)
    return ctix__error_set(err, CTIX_EINVAL, "invalid argument");
  *out = NULL;
  if (stat(dir, &st) != 0)
    return ctix__error_set(err, CTIX_EIO, "--sigma-rules %s: %s", dir, strerror(errno));
  if (!S_ISDIR(st.st_mode))
    return ctix__error_set(err, CTIX_EINVAL, "--sigma-rules %s: not a directory", dir);
  c = calloc(1, sizeof(*c));
  if (!c)
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory");
  ctix__arena_init(&c->arena, 0);
  ctix__buf_init(&c->rules, (size_t)1 << 28);
  memset(&l, 0, sizeof(l));
  l.c = c;
  l.root = dir;
  l.err = err;
  rc = ctix__sigma_walk(dir, load_file, &l, &l.skipped, err);
  if (skipped)
    *skipped = l.skipped;
  if (rc) {
    ctix_response_collection_free(c);
    return rc;
  }
  *out = c;
  return 0;
}

void ctix_response_collection_free(ctix_sigma_collection *c)
{
  if (!c)
    return;
  ctix__buf_free(&c->rules);
  ctix__arena_free(&c->arena);
  free(c);
}

/* A name for the rule inside sigma/: existing_<base name>, made unique among `names`. */
static const char *unique_name(ctix_arena *arena, ctix_buf *names, const char *base,
                               const char *id)
{
  char name[300];
  size_t i;
  snprintf(name, sizeof(name), "existing_%s", base);
  for (i = 0; i < CTIX__BUF_COUNT(names, char *); i++)
    if (strcmp(CTIX__BUF_AT(names, char *, i), name) == 0) {
      snprintf(name, sizeof(name), "existing_%.8s_%s", id, base);
      break;
    }
  {
    char *r = ctix__arena_strdup(arena, name);
    if (r)
      ctix__buf_push(names, &r, sizeof(r));
    return r;
  }
}

/*
 * The report's techniques a collection rule is tagged with, in tag order
 * (a technique once per tag naming it), into an array from `arena`.
 */
static size_t rule_techs(const coll_rule *cr, ctix_arena *arena, const char *const *techs,
                         size_t ntechs, const char ***out)
{
  size_t i, k, n = 0;
  *out = NULL;
  for (k = 0; k < cr->ntags; k++)
    for (i = 0; i < ntechs; i++)
      if (ctix__mem_ieq(cr->tags[k], cr->taglens[k], techs[i])) {
        if (!*out && !(*out = ctix__arena_calloc(arena, cr->ntags * ntechs + 1, sizeof(**out))))
          return 0;
        (*out)[n++] = techs[i];
      }
  return n;
}

int ctix__sigma_existing_match(ctix_buf *rules, ctix_arena *arena, const ctix_sigma_collection *c,
                               const char *const *techniques, size_t ntechniques, ctix_error *err)
{
  ctix_buf names = CTIX_BUF_INIT((size_t)1 << 24);
  size_t i;
  int rc = 0;
  for (i = 0; c && i < CTIX__BUF_COUNT(&c->rules, coll_rule) && !rc; i++) {
    const coll_rule *cr = &CTIX__BUF_AT(&c->rules, coll_rule, i);
    const char **techs;
    size_t ntechs = rule_techs(cr, arena, techniques, ntechniques, &techs);
    ctix_response_rule r;
    if (!ntechs)
      continue;
    memset(&r, 0, sizeof(r));
    r.id = ctix__arena_strdup(arena, cr->id);
    r.title = ctix__arena_strdup(arena, cr->title);
    r.origin = "existing";
    r.file_name = unique_name(arena, &names, cr->name, cr->id);
    r.yaml = ctix__arena_strndup(arena, cr->yaml, cr->yaml_len);
    r.level = cr->level ? ctix__arena_strdup(arena, cr->level) : "medium";
    r.techniques = techs;
    r.ntechniques = ntechs;
    r.source_path = ctix__arena_strdup(arena, cr->rel);
    if (!r.id || !r.title || !r.file_name || !r.yaml || !r.level || !r.source_path)
      rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
    else if (ctix__buf_push(rules, &r, sizeof(r)))
      rc = ctix__error_set(err, rules->err, "too many Sigma rules");
  }
  ctix__buf_free(&names);
  return rc;
}

int ctix__sigma_existing(ctix_buf *rules, ctix_arena *arena, const char *dir,
                         const char *const *techniques, size_t ntechniques, size_t *skipped,
                         ctix_error *err)
{
  ctix_sigma_collection *c = NULL;
  int rc = ctix_response_collection_load(&c, dir, skipped, err);
  if (!rc)
    rc = ctix__sigma_existing_match(rules, arena, c, techniques, ntechniques, err);
  ctix_response_collection_free(c);
  return rc;
}
