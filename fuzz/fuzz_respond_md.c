/*
 * Fuzz target: response content of arbitrary text. Builds a document from
 * the bytes (as Markdown, at most 256 KiB; its first line also becomes the
 * title), extracts the observables, adds a fixed technique list, runs
 * ctix_respond and ctix_response_markdown, and aborts when an invariant of
 * response.md breaks: valid UTF-8, every step one "- [ ] " line, every
 * countermeasure row exactly five unescaped '|'. The same bytes are also
 * parsed as a steps.tsv table; when it parses, each template is filled.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/analysis.h"
#include "ctix/respond.h"
#include "respond/response_internal.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const tac_impact[] = {"impact"};
static const char *const tac_cred[] = {"credential-access"};

/* Checks the invariants of response.md. */
static void check_md(const char *md, size_t len, size_t nsteps)
{
  size_t items = 0;
  bool table = false;
  if (ctix__utf8_validate(md, len) != len || strlen(md) != len)
    abort();
  for (const char *line = md; *line;) {
    const char *end = strchr(line, '\n');
    if (!end)
      end = line + strlen(line);
    if (end - line >= 6 && memcmp(line, "- [ ] ", 6) == 0)
      items++;
    if (end - line >= 6 && memcmp(line, "| ID |", 6) == 0)
      table = true;
    else if (table && line[0] != '|')
      table = false;
    if (table) {
      int bars = 0;
      for (const char *c = line; c < end; c++)
        bars += *c == '|' && (c == line || c[-1] != '\\');
      if (bars != 5)
        abort();
    }
    line = *end ? end + 1 : end;
  }
  if (items != nsteps)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  ctix_doc_options dopts;
  ctix_document *doc = NULL;
  ctix_ioc_list *iocs = NULL;
  ctix_response *r = NULL;
  char *md = NULL, title[256];
  size_t len = 0;
  if (size > ((size_t)256 << 10))
    return 0;

  /* The bytes as a step table. */
  ctix__resp_tables *t = NULL;
  if (ctix__respond_tables_parse(&t, (const char *)data, size, NULL, 0, NULL) == 0) {
    ctix__resp_facts f;
    memset(&f, 0, sizeof(f));
    ctix_buf b = CTIX_BUF_INIT((size_t)1 << 20);
    for (size_t i = 0; i < t->ntemplates; i++) {
      ctix__buf_reset(&b);
      if (ctix__respond_fill(&b, t->templates[i].text, &f, NULL, 0) && b.err != CTIX_ETOOBIG)
        abort();
    }
    ctix__buf_free(&b);
    ctix__respond_tables_free(t);
  }

  ctix_doc_options_init(&dopts);
  dopts.format = CTIX_FORMAT_MARKDOWN;
  if (ctix_document_parse(&doc, data, size, &dopts, NULL))
    return 0;
  if (ctix_ioc_extract_document(&iocs, doc, NULL, NULL))
    goto done;
  size_t tl = 0;
  while (tl < size && tl < sizeof(title) - 1 && data[tl] != '\n')
    tl++;
  memcpy(title, data, tl);
  title[tl] = '\0';
  doc->meta.title = title;

  ctix_ttp_hit hits[3];
  memset(hits, 0, sizeof(hits));
  hits[0].id = "T1486";
  hits[0].name = title;
  hits[0].tactics = tac_impact;
  hits[0].ntactics = 1;
  hits[1].id = "T1003.001";
  hits[1].name = "LSASS Memory";
  hits[1].tactics = tac_cred;
  hits[1].ntactics = 1;
  hits[1].status = CTIX_TTP_POTENTIAL;
  hits[2].id = "T1059.001";
  hits[2].name = "PowerShell";
  hits[2].status = CTIX_TTP_IMPLIED;
  ctix_ttp_list ttp = {hits, 3};
  ctix_analysis a;
  memset(&a, 0, sizeof(a));
  a.id = "fuzz";
  a.doc = doc;
  a.iocs = iocs;
  a.techniques = &ttp;
  if (ctix_respond(&r, &a, NULL, NULL))
    goto done;
  if (ctix_response_markdown(&md, &len, &a, r, NULL))
    abort();
  check_md(md, len, r->nsteps);
done:
  free(md);
  ctix_response_free(r);
  ctix_ioc_list_free(iocs);
  ctix_document_free(doc);
  return 0;
}
