/*
 * Helpers shared by the technique-mapping unit tests: map a text with the
 * embedded model (skipping when there is none) and compare two mappings
 * of the same input. Include after <cmocka.h>.
 */
#ifndef CTIX_TESTS_TTP_TEST_H
#define CTIX_TESTS_TTP_TEST_H

#include <string.h>

#include "ctix/document.h"
#include "ctix/ttp.h"
#include "ttp/model.h"

/* Parses `text` (markdown when md) and maps it; skips without a model.
 * *docp (if given) receives the document, the caller's to free. */
static inline ctix_ttp_list *map_text(const char *text, bool md, const ctix_ttp_options *o,
                                      ctix_document **docp)
{
  ctix_document *doc = NULL;
  ctix_doc_options dopt;
  ctix_ttp_list *list = NULL;
  ctix_error err;
  size_t len = 0;
  if (!ctix__ttp_model_embedded(&len) || !len)
    skip();
  ctix_error_clear(&err);
  ctix_doc_options_init(&dopt);
  dopt.format = md ? CTIX_FORMAT_MARKDOWN : CTIX_FORMAT_TEXT;
  assert_int_equal(ctix_document_parse(&doc, text, strlen(text), &dopt, &err), 0);
  if (ctix_ttp_map_document(&list, doc, o, &err))
    fail_msg("map: %s", err.message);
  if (docp)
    *docp = doc;
  else
    ctix_document_free(doc);
  return list;
}

/* The hit of technique `id`, or NULL. */
static inline const ctix_ttp_hit *find_id(const ctix_ttp_list *l, const char *id)
{
  size_t i;
  for (i = 0; i < l->count; i++)
    if (strcmp(l->items[i].id, id) == 0)
      return &l->items[i];
  return NULL;
}

/* Any hit of the family of `parent` (T1566 matches T1566.001), or NULL. */
static inline const ctix_ttp_hit *find_family(const ctix_ttp_list *l, const char *parent)
{
  size_t i, n = strlen(parent);
  for (i = 0; i < l->count; i++)
    if (strncmp(l->items[i].id, parent, n) == 0 &&
        (l->items[i].id[n] == 0 || l->items[i].id[n] == '.'))
      return &l->items[i];
  return NULL;
}

/* Asserts that two mappings give the same techniques, confidences (bit
 * for bit), statuses and evidence sentences, in the same order. */
static inline void assert_same_hits(const ctix_ttp_list *a, const ctix_ttp_list *b)
{
  size_t i, k;
  assert_int_equal(a->count, b->count);
  for (i = 0; i < a->count; i++) {
    assert_string_equal(a->items[i].id, b->items[i].id);
    assert_true(a->items[i].confidence == b->items[i].confidence);
    assert_int_equal(a->items[i].status, b->items[i].status);
    assert_int_equal(a->items[i].nevidence, b->items[i].nevidence);
    for (k = 0; k < a->items[i].nevidence; k++) {
      assert_int_equal(a->items[i].evidence[k].sentence, b->items[i].evidence[k].sentence);
      assert_int_equal(a->items[i].evidence[k].nwhy, b->items[i].evidence[k].nwhy);
    }
  }
}

#endif
