/*
 * Fuzz target: entities of arbitrary text. Builds a document from the
 * bytes (as Markdown, at most 256 KiB), runs ctix_entity_extract without
 * and with the IOC stage's list, and aborts when an invariant breaks:
 * kinds in enum order, every entity named and with at least one mention,
 * every mention a non-empty span inside the text in a valid sentence, and
 * confidences within 0..1.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/document.h"
#include "ctix/entity.h"
#include "ctix/ioc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const ctix_entity_list *l, const ctix_document *doc)
{
  for (size_t i = 0; i < l->count; i++) {
    const ctix_entity *e = &l->items[i];
    if ((unsigned)e->kind >= CTIX_ENTITY_KIND_COUNT || !e->name || !e->name[0] ||
        !e->nmentions || e->confidence < 0.0f || e->confidence > 1.0f)
      abort();
    if (i && l->items[i - 1].kind > e->kind)
      abort();
    for (size_t m = 0; m < e->nmentions; m++) {
      const ctix_entity_mention *mm = &e->mentions[m];
      if (mm->start >= mm->end || mm->end > doc->len || mm->sentence >= doc->nsentences)
        abort();
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  ctix_doc_options dopts;
  ctix_document *doc = NULL;
  ctix_ioc_list *iocs = NULL;
  ctix_entity_list *l = NULL;
  if (size > ((size_t)256 << 10))
    return 0;
  ctix_doc_options_init(&dopts);
  dopts.format = CTIX_FORMAT_MARKDOWN;
  if (ctix_document_parse(&doc, data, size, &dopts, NULL))
    return 0;
  if (ctix_entity_extract(&l, doc, NULL, NULL, NULL) == 0) {
    check(l, doc);
    ctix_entity_list_free(l);
    l = NULL;
  }
  if (ctix_ioc_extract_document(&iocs, doc, NULL, NULL) == 0 &&
      ctix_entity_extract(&l, doc, iocs, NULL, NULL) == 0) {
    check(l, doc);
    ctix_entity_list_free(l);
  }
  ctix_ioc_list_free(iocs);
  ctix_document_free(doc);
  return 0;
}
