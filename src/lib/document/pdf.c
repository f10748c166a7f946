/* PLACEHOLDER: PDF reader, to be replaced by the poppler-based one. */
#include "document/builder.h"

int ctix__doc_parse_pdf(ctix__docb *b, const char *s, size_t n)
{
  return ctix__error_set(b->err, CTIX_EUNSUPPORTED, "PDF input is not supported yet");
}
