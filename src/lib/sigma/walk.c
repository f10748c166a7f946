/*
 * The walk over a folder of Sigma rule files (sigma_lib.h), shared by
 * `ctix sigma convert DIR`, the existing-rule collection of `ctix analyze
 * --sigma-rules DIR` and bench_sigma: depth first, each folder's entries
 * sorted by name, hidden entries passed over, symbolic links followed but
 * no folder entered twice, limits on depth and path length. The entry type
 * readdir gives decides between file and folder; a stat is made only when
 * it gives none or the entry is a symbolic link.
 */
#define _DEFAULT_SOURCE 1 /* d_type of struct dirent, dirfd */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sigma/sigma_lib.h"
#include "util/buf.h"
#include "util/str.h"

/* Longest path handed out. */
#define WALK_MAX_PATH 8192u

/* A folder entered (for loop detection). */
typedef struct dir_id {
  dev_t dev;
  ino_t ino;
} dir_id;

/* One entry of a folder: its name (malloc'd) and readdir's type. */
typedef struct entry {
  char *name;
  unsigned char type;
} entry;

typedef struct walker {
  ctix__sigma_walk_fn fn;
  void *ctx;
  ctix_buf path;   /* the path being looked at */
  size_t rootlen;  /* bytes of the root in path */
  ctix_buf seen;   /* dir_id of the folders entered */
  size_t skipped;
  ctix_error *err;
} walker;

static bool rule_file_name(const char *s)
{
  size_t n = strlen(s);
  return (n > 4 && ctix__mem_ieq(s + n - 4, 4, ".yml")) ||
         (n > 5 && ctix__mem_ieq(s + n - 5, 5, ".yaml"));
}

static int cmp_entry(const void *a, const void *b)
{
  return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

/* True if the folder open as d was entered before; else remembers it. */
static bool seen_before(walker *w, DIR *d)
{
  struct stat st;
  dir_id me;
  size_t i;
  if (fstat(dirfd(d), &st) != 0)
    return false;
  me.dev = st.st_dev;
  me.ino = st.st_ino;
  for (i = 0; i < CTIX__BUF_COUNT(&w->seen, dir_id); i++) {
    const dir_id *v = &CTIX__BUF_AT(&w->seen, dir_id, i);
    if (v->dev == me.dev && v->ino == me.ino)
      return true;
  }
  ctix__buf_push(&w->seen, &me, sizeof(me));
  return false;
}

/* Reads the entries of d (hidden ones left out) into ents, sorted by name;
 * 1 when reading the folder failed part-way (what was read is kept). */
static int read_entries(walker *w, DIR *d, ctix_buf *ents)
{
  struct dirent *de;
  int failed;
  errno = 0;
  while ((de = readdir(d))) {
    entry e;
    if (de->d_name[0] == '.')
      continue;
    e.name = strdup(de->d_name);
    e.type = de->d_type;
    if (!e.name || ctix__buf_push(ents, &e, sizeof(e))) {
      free(e.name);
      return ctix__error_set(w->err, CTIX_ENOMEM, "out of memory");
    }
    errno = 0;
  }
  failed = errno != 0;
  if (ents->len)
    qsort(ents->data, CTIX__BUF_COUNT(ents, entry), sizeof(entry), cmp_entry);
  return failed;
}

/* Walks the folder whose path is in w->path (restored on return). */
static int walk_dir(walker *w, unsigned depth)
{
  size_t base = w->path.len, i;
  ctix_buf ents = CTIX_BUF_INIT((size_t)1 << 26);
  DIR *d = opendir(w->path.data);
  int rc = 0;
  if (!d) {
    if (depth == 0)
      return ctix__error_set(w->err, CTIX_EIO, "%s: %s", w->path.data, strerror(errno));
    w->skipped++;
    return 0;
  }
  if (seen_before(w, d)) {
    closedir(d);
    return 0; /* a symbolic-link loop or a second link to the same tree */
  }
  rc = read_entries(w, d, &ents);
  closedir(d);
  if (rc == 1) { /* a folder read only in part: counted, its entries still walked */
    if (depth == 0) {
      rc = ctix__error_set(w->err, CTIX_EIO, "%s: cannot read the whole folder", w->path.data);
    } else {
      w->skipped++;
      rc = 0;
    }
  }
  for (i = 0; i < CTIX__BUF_COUNT(&ents, entry) && !rc; i++) {
    const entry *e = &CTIX__BUF_AT(&ents, entry, i);
    bool dir = e->type == DT_DIR, file = e->type == DT_REG;
    size_t n = strlen(e->name);
    if (n + 1 > w->path.max - base) {
      w->skipped++; /* path too long (the buffer would drop the whole path) */
      continue;
    }
    ctix__buf_truncate(&w->path, base);
    ctix__buf_addc(&w->path, '/');
    ctix__buf_add(&w->path, e->name, n);
    if (w->path.err) {
      rc = ctix__error_set(w->err, CTIX_ENOMEM, "out of memory");
      break;
    }
    if (e->type == DT_UNKNOWN || e->type == DT_LNK) {
      struct stat st;
      if (stat(w->path.data, &st) != 0) {
        w->skipped++; /* dangling link */
        continue;
      }
      dir = S_ISDIR(st.st_mode);
      file = S_ISREG(st.st_mode);
    }
    if (dir && depth + 1 > CTIX__SIGMA_WALK_MAX_DEPTH) {
      w->skipped++;
    } else if (dir) {
      rc = walk_dir(w, depth + 1);
    } else if (file && rule_file_name(e->name)) {
      ctix__sigma_file f;
      f.path = w->path.data;
      f.rel = w->path.data + w->rootlen + 1;
      f.name = e->name;
      rc = w->fn(w->ctx, &f);
    }
  }
  for (i = 0; i < CTIX__BUF_COUNT(&ents, entry); i++)
    free(CTIX__BUF_AT(&ents, entry, i).name);
  ctix__buf_free(&ents);
  ctix__buf_truncate(&w->path, base);
  return rc;
}

int ctix__sigma_walk(const char *root, ctix__sigma_walk_fn fn, void *ctx, size_t *skipped,
                     ctix_error *err)
{
  walker w;
  int rc;
  memset(&w, 0, sizeof(w));
  w.fn = fn;
  w.ctx = ctx;
  w.err = err;
  ctix__buf_init(&w.path, WALK_MAX_PATH);
  ctix__buf_init(&w.seen, (size_t)1 << 24);
  if (!root || !fn)
    rc = ctix__error_set(err, CTIX_EINVAL, "invalid argument");
  else if (ctix__buf_adds(&w.path, root))
    rc = ctix__error_set(err, CTIX_EIO, "%.200s...: path too long", root);
  else {
    w.rootlen = w.path.len;
    rc = walk_dir(&w, 0);
  }
  if (skipped)
    *skipped += w.skipped;
  ctix__buf_free(&w.path);
  ctix__buf_free(&w.seen);
  return rc;
}
