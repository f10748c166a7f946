/* PLACEHOLDER: HTML reader, to be replaced by the libxml2-based one. */
#include "document/builder.h"

int ctix__doc_parse_html(ctix__docb *b, const char *s, size_t n)
{
  return ctix__error_set(b->err, CTIX_EUNSUPPORTED, "HTML input is not supported yet");
}
