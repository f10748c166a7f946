/*
 * Build-time generator of the prebuilt default rule set (run by
 * src/lib/ttp/module.cmake): compiles the explicit-id trigger, the
 * technique names and the lexicon cues against the embedded knowledge
 * base, exactly as the library would at first use, and writes the
 * automaton in the form src/lib/ttp/patset_io.c reads, to the path given.
 * The output depends only on the data files and the compiler code, so
 * builds of one tree give the same bytes. When the build has no knowledge
 * base the output is empty (the library then compiles at first use).
 *
 * Usage: ctix_ttp_automaton_gen OUT
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctix/kb.h"
#include "ttp/cues_internal.h"
#include "util/buf.h"

/* The generator is the one binary without a prebuilt set: it makes it. */
const unsigned char *ctix__ttp_data_automaton(size_t *len)
{
  *len = 0;
  return NULL;
}

/* Writes data[0..len) to path via a temporary file renamed into place (CTIX_EIO on failure). */
static int write_file(const char *path, const void *data, size_t len)
{
  char tmp[4096];
  FILE *f;
  int k = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
  if (k < 0 || (size_t)k >= sizeof(tmp))
    return CTIX_EIO;
  if (!(f = fopen(tmp, "wb")))
    return CTIX_EIO;
  {
    bool short_write = len && fwrite(data, 1, len, f) != len;
    bool close_failed = fclose(f) != 0; /* closed in every case */
    if (short_write || close_failed) {
      remove(tmp);
      return CTIX_EIO;
    }
  }
  return rename(tmp, path) == 0 ? 0 : CTIX_EIO;
}

int main(int argc, char **argv)
{
  ctix_kb *kb = NULL;
  ctix__ttp_patset *ps = NULL;
  ctix__ttp_rules_ident id;
  ctix_buf out = CTIX_BUF_INIT(CTIX__TTP_AUTOMATON_MAX);
  ctix_error err;
  int status = 1;

  ctix_error_clear(&err);
  if (argc != 2) {
    fprintf(stderr, "usage: %s OUT\n", argv[0]);
    return 2;
  }
  if (ctix_kb_open_embedded(&kb, &err) != 0) {
    fprintf(stderr, "%s: no knowledge base (%s); writing an empty automaton\n", argv[0],
            err.message);
    status = write_file(argv[1], "", 0) == 0 ? 0 : 1;
    goto done;
  }
  ctix__ttp_rules_ident_of(&id, kb);
  if (ctix__ttp_rules_build(&ps, kb, &err) != 0 ||
      ctix__ttp_patset_save(&out, ps, &id, &err) != 0) {
    char msg[512];
    ctix_error_format(msg, sizeof(msg), &err); /* with the file, line and column */
    fprintf(stderr, "%s: %s\n", argv[0], msg);
    goto done;
  }
  if (write_file(argv[1], out.data, out.len) != 0) {
    fprintf(stderr, "%s: cannot write %s\n", argv[0], argv[1]);
    goto done;
  }
  status = 0;
done:
  ctix__buf_free(&out);
  ctix__ttp_patset_free(ps);
  ctix_kb_free(kb);
  return status;
}
