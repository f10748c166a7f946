/* PLACEHOLDER: naive sentence splitter, to be replaced by the real one. */
#include <stdlib.h>
#include <string.h>

#include "document/builder.h"
#include "util/str.h"

int ctix__sentence_split(const char *t, size_t n, ctix__sentence_emit emit, void *ud)
{
  size_t i, s = 0, e;
  int rc;
  for (i = 0; i <= n; i++) {
    if (i == n || ((t[i] == '.' || t[i] == '!' || t[i] == '?') && i + 1 < n && t[i + 1] == ' ')) {
      e = i < n ? i + 1 : n;
      while (s < e && ctix__isspace((unsigned char)t[s])) s++;
      if (e > s && (rc = emit(ud, s, e)))
        return rc;
      s = e;
    }
  }
  return 0;
}
