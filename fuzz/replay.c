/*
 * Replays a fuzz corpus without libFuzzer: runs LLVMFuzzerTestOneInput on
 * every file of the directories (or files) named on the command line, so
 * saved crashers and seeds are regression tests under ctest (and under the
 * ASan build). Fails if a directory holds no input at all.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)64 * 1024 * 1024);
  char chunk[65536];
  size_t n;
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: cannot open %s\n", path);
    return -1;
  }
  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
    ctix__buf_add(&b, chunk, n);
  fclose(f);
  if (b.err) {
    fprintf(stderr, "replay: %s too large\n", path);
    return -1;
  }
  /* Copy to an exact-size allocation so ASan sees reads past the end. */
  {
    uint8_t *exact = malloc(b.len ? b.len : 1);
    if (!exact)
      return -1;
    if (b.len)
      memcpy(exact, b.data, b.len);
    LLVMFuzzerTestOneInput(exact, b.len);
    free(exact);
  }
  ctix__buf_free(&b);
  return 0;
}

int main(int argc, char **argv)
{
  int i, total = 0, failed = 0;
  for (i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      fprintf(stderr, "replay: no such corpus %s\n", argv[i]);
      return 1;
    }
    if (S_ISDIR(st.st_mode)) {
      DIR *d = opendir(argv[i]);
      struct dirent *e;
      if (!d)
        return 1;
      while ((e = readdir(d)) != NULL) {
        char path[4096];
        if (e->d_name[0] == '.')
          continue;
        snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
        failed += run_file(path) != 0;
        total++;
      }
      closedir(d);
    } else {
      failed += run_file(argv[i]) != 0;
      total++;
    }
  }
  printf("replayed %d inputs, %d unreadable\n", total, failed);
  return (total == 0 || failed) ? 1 : 0;
}
