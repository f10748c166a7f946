/*
 * `ctix kb build`: the driver that reads every source in a fixed order and
 * writes DIR/ctix.kb and DIR/manifest.txt, plus the builder's shared
 * helpers (input files, arena strings, objects, edges and the (kind, id)
 * lookup).
 */
#include "kb/build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kb/format.h"
#include "util/err.h"
#include "util/str.h"

/* Names of the derived D3FEND files inside the --d3fend folder. */
#define D3_MAPPINGS "attack-d3fend-mappings.csv"
#define D3_TECHNIQUES "d3fend-techniques.csv"
#define D3_ARTIFACTS "attack-d3fend-artifacts.csv"
#define D3_MITIGATIONS "attack-mitigation-d3fend.csv"

void ctix__kbb_init(ctix__kbb *b, ctix_error *err)
{
  memset(b, 0, sizeof(*b));
  b->err = err;
  ctix__arena_init(&b->arena, 0);
  ctix__buf_init(&b->files, (size_t)1 << 20);
  ctix__buf_init(&b->objs, CTIX__KBB_MAX_RECORDS * sizeof(ctix__kbb_obj));
  ctix__buf_init(&b->edges, CTIX__KBB_MAX_RECORDS * sizeof(ctix__kbb_edge));
  ctix__buf_init(&b->rels, CTIX__KBB_MAX_RECORDS * sizeof(ctix__kbb_rel));
  ctix__buf_init(&b->strategies, CTIX__KBB_MAX_RECORDS * sizeof(ctix__kbb_list));
  ctix__buf_init(&b->analytics, CTIX__KBB_MAX_RECORDS * sizeof(ctix__kbb_list));
  ctix__buf_init(&b->matrices, (size_t)1024 * sizeof(ctix__kbb_list));
  ctix__buf_init(&b->kev, CTIX__KBB_MAX_RECORDS * sizeof(ctix__kbb_kev));
  ctix__buf_init(&b->meta, (size_t)1024 * sizeof(ctix__kbb_meta));
}

void ctix__kbb_free(ctix__kbb *b)
{
  ctix__arena_free(&b->arena);
  ctix__buf_free(&b->files);
  ctix__buf_free(&b->objs);
  ctix__buf_free(&b->edges);
  ctix__buf_free(&b->rels);
  ctix__buf_free(&b->strategies);
  ctix__buf_free(&b->analytics);
  ctix__buf_free(&b->matrices);
  ctix__buf_free(&b->kev);
  ctix__buf_free(&b->meta);
  free(b->map);
  b->map = NULL;
}

int ctix__kbb_nomem(ctix__kbb *b)
{
  return ctix__error_set(b->err, CTIX_ENOMEM, "out of memory while building the knowledge base");
}

/* Maps a sticky buffer error to a recorded error. */
static int buf_fail(ctix__kbb *b, int rc)
{
  if (rc == CTIX_ETOOBIG)
    return ctix__error_set(b->err, rc, "too many records for the knowledge-base format");
  return ctix__kbb_nomem(b);
}

char *ctix__kbb_strdup(ctix__kbb *b, const char *s, size_t n)
{
  /* Terminal control characters (C0, DEL, C1) become spaces: the loader
     refuses them, since the CLI prints the strings as they are. */
  char *d = ctix__arena_strndup(&b->arena, s, n);
  unsigned char *p = (unsigned char *)d, *q = p;
  if (!d)
    return NULL;
  for (; *p; p++) {
    if (*p < 0x20 || *p == 0x7f) {
      *q++ = ' ';
    } else if (*p == 0xC2 && p[1] >= 0x80 && p[1] < 0xA0) {
      *q++ = ' ';
      p++;
    } else {
      *q++ = *p;
    }
  }
  *q = '\0';
  return d;
}

int ctix__kbb_file(ctix__kbb *b, const char *name)
{
  const char *copy = ctix__arena_strdup(&b->arena, name ? name : "<input>");
  int rc;
  if (!copy)
    return ctix__kbb_nomem(b);
  if ((rc = ctix__buf_push(&b->files, &copy, sizeof(copy))))
    return buf_fail(b, rc);
  return (int)(CTIX__BUF_COUNT(&b->files, const char *) - 1);
}

const char *ctix__kbb_file_name(const ctix__kbb *b, uint32_t file)
{
  if (file < CTIX__BUF_COUNT(&b->files, const char *))
    return CTIX__BUF_AT(&b->files, const char *, file);
  return "<input>";
}

int ctix__kbb_read(char **out, size_t *len, const char *path, size_t max, ctix_error *err)
{
  ctix_buf buf = CTIX_BUF_INIT(max);
  char chunk[65536];
  size_t n;
  int rc = 0;
  FILE *f = fopen(path, "rb");
  *out = NULL;
  *len = 0;
  if (!f) {
    ctix__error_source(err, path);
    return ctix__error_set(err, CTIX_EIO, "cannot open: %s", strerror(errno));
  }
  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
    if (ctix__buf_add(&buf, chunk, n))
      break;
  if (buf.err) {
    rc = buf.err == CTIX_ETOOBIG
             ? ctix__error_set(err, CTIX_ETOOBIG, "larger than the limit of %zu bytes", max)
             : ctix__error_set(err, CTIX_ENOMEM, "out of memory while reading");
  } else if (ferror(f)) {
    rc = ctix__error_set(err, CTIX_EIO, "read error: %s", strerror(errno));
  }
  fclose(f);
  if (rc) {
    ctix__error_source(err, path);
    ctix__buf_free(&buf);
    return rc;
  }
  *out = ctix__buf_detach(&buf, len);
  if (!*out)
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory while reading %s", path);
  return 0;
}

int ctix__kbb_add_obj(ctix__kbb *b, const ctix__kbb_obj *o, uint32_t *idx)
{
  int rc;
  if ((rc = ctix__buf_push(&b->objs, o, sizeof(*o))))
    return buf_fail(b, rc);
  if (idx)
    *idx = (uint32_t)(CTIX__KBB_NOBJS(b) - 1);
  return 0;
}

int ctix__kbb_add_edge(ctix__kbb *b, uint32_t src, ctix_kb_rel rel, uint32_t dst,
                       uint32_t via, const char *verb, unsigned flags, unsigned rank)
{
  ctix__kbb_edge e;
  int rc;
  memset(&e, 0, sizeof(e));
  e.src = src;
  e.dst = dst;
  e.via = via;
  e.rel = (uint8_t)rel;
  e.flags = (uint8_t)flags;
  e.rank = (uint8_t)rank;
  e.verb = verb ? verb : "";
  if ((rc = ctix__buf_push(&b->edges, &e, sizeof(e))))
    return buf_fail(b, rc);
  return 0;
}

int ctix__kbb_add_meta(ctix__kbb *b, const char *key, const char *value)
{
  ctix__kbb_meta m;
  int rc;
  m.key = ctix__arena_strdup(&b->arena, key);
  m.value = ctix__arena_strdup(&b->arena, value ? value : "");
  if (!m.key || !m.value)
    return ctix__kbb_nomem(b);
  if ((rc = ctix__buf_push(&b->meta, &m, sizeof(m))))
    return buf_fail(b, rc);
  return 0;
}

/* ------------------------------------------------------ (kind, id) lookup */

static uint32_t map_hash(ctix_kb_kind kind, const char *id)
{
  uint32_t h = 2166136261u ^ (uint32_t)kind;
  for (; *id; id++)
    h = (h ^ (unsigned char)*id) * 16777619u;
  return h;
}

/* Doubles the table and re-inserts every entry. */
static int map_grow(ctix__kbb *b)
{
  size_t ncap = b->map_cap ? b->map_cap * 2 : 1024, i;
  uint32_t *nm = calloc(ncap, sizeof(*nm));
  if (!nm)
    return ctix__kbb_nomem(b);
  for (i = 0; i < b->map_cap; i++) {
    uint32_t v = b->map[i];
    const ctix__kbb_obj *o;
    size_t s;
    if (!v)
      continue;
    o = CTIX__KBB_OBJ(b, v - 1);
    s = map_hash((ctix_kb_kind)o->kind, o->id) & (ncap - 1);
    while (nm[s])
      s = (s + 1) & (ncap - 1);
    nm[s] = v;
  }
  free(b->map);
  b->map = nm;
  b->map_cap = ncap;
  return 0;
}

uint32_t ctix__kbb_lookup(const ctix__kbb *b, ctix_kb_kind kind, const char *id)
{
  size_t s;
  if (!b->map_cap)
    return CTIX__KB_NIL;
  s = map_hash(kind, id) & (b->map_cap - 1);
  while (b->map[s]) {
    const ctix__kbb_obj *o = CTIX__KBB_OBJ(b, b->map[s] - 1);
    if (o->kind == kind && strcmp(o->id, id) == 0)
      return b->map[s] - 1;
    s = (s + 1) & (b->map_cap - 1);
  }
  return CTIX__KB_NIL;
}

int ctix__kbb_index(ctix__kbb *b, uint32_t idx)
{
  const ctix__kbb_obj *o = CTIX__KBB_OBJ(b, idx);
  size_t s;
  int rc;
  if (!o->id[0])
    return 0;
  if ((b->map_used + 1) * 2 > b->map_cap && (rc = map_grow(b)))
    return rc;
  o = CTIX__KBB_OBJ(b, idx);
  s = map_hash((ctix_kb_kind)o->kind, o->id) & (b->map_cap - 1);
  while (b->map[s]) {
    const ctix__kbb_obj *p = CTIX__KBB_OBJ(b, b->map[s] - 1);
    if (p->kind == o->kind && strcmp(p->id, o->id) == 0) {
      /* Two objects with one id: keep the active one, then the first. */
      if (ctix__kbb_status_rank(o->flags) < ctix__kbb_status_rank(p->flags))
        b->map[s] = idx + 1;
      return 0;
    }
    s = (s + 1) & (b->map_cap - 1);
  }
  b->map[s] = idx + 1;
  b->map_used++;
  return 0;
}

/* ------------------------------------------------------------ the driver */

/* Reads `path` and passes it to `add`; errors name the file. */
static int add_file(ctix__kbb *b, const char *path,
                    int (*add)(ctix__kbb *, const char *, size_t, const char *))
{
  char *data = NULL;
  size_t len = 0;
  int rc;
  if ((rc = ctix__kbb_read(&data, &len, path, CTIX__KBB_MAX_INPUT, b->err)))
    return rc;
  rc = add(b, data, len, path);
  free(data);
  return rc;
}

/* Joins dir and name into out; CTIX_EINVAL when it does not fit. */
static int join(char *out, size_t size, const char *dir, size_t dlen, const char *name,
                ctix_error *err)
{
  int n = snprintf(out, size, "%.*s%s%s", (int)dlen, dir,
                   dlen && dir[dlen - 1] != '/' ? "/" : "", name);
  if (n < 0 || (size_t)n >= size)
    return ctix__error_set(err, CTIX_EINVAL, "path too long: %.*s/%s", (int)dlen, dir, name);
  return 0;
}

/*
 * The D3FEND folder: --d3fend names the folder of the derived CSVs, or
 * its mappings CSV (then the other CSVs are taken from the same folder).
 */
static int add_d3fend(ctix__kbb *b, const char *arg)
{
  struct stat st;
  char dir[4096], path[4096];
  size_t dlen;
  int rc;
  if (stat(arg, &st) != 0) {
    ctix__error_source(b->err, arg);
    return ctix__error_set(b->err, CTIX_EIO, "cannot open: %s", strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    dlen = strlen(arg);
  } else {
    const char *slash = strrchr(arg, '/');
    dlen = slash ? (size_t)(slash - arg) + 1 : 0;
  }
  if (dlen >= sizeof(dir))
    return ctix__error_set(b->err, CTIX_EINVAL, "path too long: %s", arg);
  memcpy(dir, arg, dlen);
  dir[dlen] = '\0';
  if ((rc = join(path, sizeof(path), dir, dlen, D3_TECHNIQUES, b->err)) ||
      (rc = add_file(b, path, ctix__kbb_add_d3fend_techniques)))
    return rc;
  if ((rc = join(path, sizeof(path), dir, dlen, D3_ARTIFACTS, b->err)) ||
      (rc = add_file(b, path, ctix__kbb_add_d3fend_artifacts)))
    return rc;
  if (S_ISDIR(st.st_mode))
    rc = join(path, sizeof(path), dir, dlen, D3_MAPPINGS, b->err);
  else
    rc = ctix__strlcpy(path, arg, sizeof(path)) ? CTIX_EINVAL : 0;
  if (rc || (rc = add_file(b, path, ctix__kbb_add_d3fend_mappings)))
    return rc;
  if ((rc = join(path, sizeof(path), dir, dlen, D3_MITIGATIONS, b->err)) ||
      (rc = add_file(b, path, ctix__kbb_add_d3fend_mitigations)))
    return rc;
  return 0;
}

/* Creates `dir` (one level) if it does not exist. */
static int ensure_dir(const char *dir, ctix_error *err)
{
  struct stat st;
  if (stat(dir, &st) == 0) {
    if (S_ISDIR(st.st_mode))
      return 0;
    ctix__error_source(err, dir);
    return ctix__error_set(err, CTIX_EIO, "not a directory");
  }
  if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
    ctix__error_source(err, dir);
    return ctix__error_set(err, CTIX_EIO, "cannot create the directory: %s", strerror(errno));
  }
  return 0;
}

/* Writes data to dir/name through a temporary file renamed into place. */
static int write_out(const char *dir, const char *name, const void *data, size_t len,
                     ctix_error *err)
{
  char path[4096], tmp[4200];
  FILE *f;
  int rc = 0;
  if ((rc = join(path, sizeof(path), dir, strlen(dir), name, err)))
    return rc;
  snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
  f = fopen(tmp, "wb");
  if (!f) {
    ctix__error_source(err, tmp);
    return ctix__error_set(err, CTIX_EIO, "cannot create: %s", strerror(errno));
  }
  if (len && fwrite(data, 1, len, f) != len)
    rc = CTIX_EIO;
  if (fclose(f) != 0)
    rc = CTIX_EIO;
  if (!rc && rename(tmp, path) != 0)
    rc = CTIX_EIO;
  if (rc) {
    remove(tmp);
    ctix__error_source(err, path);
    return ctix__error_set(err, CTIX_EIO, "cannot write: %s", strerror(errno));
  }
  return 0;
}

int ctix_kb_build(const ctix_kb_build_opts *opts, ctix_error *err)
{
  ctix__kbb b;
  unsigned char *blob = NULL;
  char *info = NULL;
  size_t len = 0, ilen = 0, i;
  ctix_kb *kb = NULL;
  int rc;
  if (!opts || !opts->nattack || !opts->attack)
    return ctix__error_set(err, CTIX_EINVAL, "kb build needs at least one --attack bundle");
  if (!opts->d3fend)
    return ctix__error_set(err, CTIX_EINVAL, "kb build needs --d3fend");
  if (!opts->d3fend_version || !opts->d3fend_version[0])
    return ctix__error_set(err, CTIX_EINVAL, "kb build needs --d3fend-version");
  if (!opts->kev)
    return ctix__error_set(err, CTIX_EINVAL, "kb build needs --kev");
  if (!opts->outdir || !opts->outdir[0])
    return ctix__error_set(err, CTIX_EINVAL, "kb build needs an output directory (-o)");
  ctix__kbb_init(&b, err);
  for (i = 0; i < opts->nattack; i++)
    if ((rc = add_file(&b, opts->attack[i], ctix__kbb_add_bundle)))
      goto done;
  if ((rc = ctix__kbb_link_attack(&b)) || (rc = add_d3fend(&b, opts->d3fend)) ||
      (rc = ctix__kbb_add_meta(&b, "d3fend", opts->d3fend_version)) ||
      (rc = add_file(&b, opts->kev, ctix__kbb_add_kev)))
    goto done;
  if ((rc = ctix__kbb_write(&b, &blob, &len)))
    goto done;
  /* Read the result back: the manifest is what `ctix kb info` says of it. */
  if ((rc = ctix_kb_open_mem(&kb, blob, len, "the built tables", err)) ||
      (rc = ctix_kb_info(&info, &ilen, kb, false, err)))
    goto done;
  if ((rc = ensure_dir(opts->outdir, err)) ||
      (rc = write_out(opts->outdir, CTIX__KB_FILE, blob, len, err)) ||
      (rc = write_out(opts->outdir, CTIX__KB_MANIFEST, info, ilen, err)))
    goto done;
done:
  ctix_kb_free(kb);
  free(info);
  free(blob);
  ctix__kbb_free(&b);
  return rc;
}
