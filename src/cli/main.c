/* PLACEHOLDER CLI: `ctix analyze FILE` prints document counts. */
#include <stdio.h>
#include <string.h>

#include "ctix/ctix.h"

int main(int argc, char **argv)
{
  int i, rc = 0;
  if (argc >= 2 && strcmp(argv[1], "version") == 0) {
    printf("ctix %s\n", ctix_version());
    return 0;
  }
  if (argc < 3 || strcmp(argv[1], "analyze") != 0) {
    fprintf(stderr, "usage: ctix analyze FILE...\n");
    return 2;
  }
  for (i = 2; i < argc; i++) {
    ctix_error err;
    ctix_document *doc;
    ctix_analysis *a;
    ctix_error_clear(&err);
    if (ctix_document_load(&doc, argv[i], NULL, &err) ||
        ctix_analyze(&a, doc, NULL, NULL, &err)) {
      char msg[600];
      ctix_error_format(msg, sizeof(msg), &err);
      fprintf(stderr, "ctix: %s\n", msg);
      rc = 1;
      continue;
    }
    printf("%s: %zu words, %zu sentences, %zu sections\n", argv[i], a->stats.words,
           a->stats.sentences, a->doc->nsections);
    ctix_analysis_free(a);
  }
  return rc;
}
