/*
 * The vocabularies of the entity stage, embedded in libctix: the files of
 * data/entity are assembled into read-only data with .incbin (module.cmake
 * passes the folder as CTIX_ENTITY_DATA and rebuilds this file when one
 * changes), so ctix needs no file beside it at run time.
 */
#include <stddef.h>
#include <string.h>

#include "entity/entity_internal.h"
#include "util/incbin.h"

#define CTIX__ENTITY_BLOB(sym, file) CTIX__INCBIN(sym, CTIX_ENTITY_DATA "/" file)

CTIX__ENTITY_BLOB(ctix__entity_ambiguous, "ambiguous.tsv");
CTIX__ENTITY_BLOB(ctix__entity_countries, "countries.tsv");
CTIX__ENTITY_BLOB(ctix__entity_sectors, "sectors.tsv");
CTIX__ENTITY_BLOB(ctix__entity_patterns, "patterns.tsv");
CTIX__ENTITY_BLOB(ctix__entity_stopnames, "stopnames.txt");
CTIX__ENTITY_BLOB(ctix__entity_tools, "tools.tsv");
CTIX__ENTITY_BLOB(ctix__entity_legalforms, "legalforms.txt");

/* The embedded copy of data/entity/NAME, or NULL for an unknown name. */
const char *ctix__entity_data(const char *name, size_t *len)
{
  static const struct {
    const char *name;
    const char *start, *end;
  } files[] = {
      {"ambiguous.tsv", ctix__entity_ambiguous_start, ctix__entity_ambiguous_end},
      {"countries.tsv", ctix__entity_countries_start, ctix__entity_countries_end},
      {"sectors.tsv", ctix__entity_sectors_start, ctix__entity_sectors_end},
      {"patterns.tsv", ctix__entity_patterns_start, ctix__entity_patterns_end},
      {"stopnames.txt", ctix__entity_stopnames_start, ctix__entity_stopnames_end},
      {"tools.tsv", ctix__entity_tools_start, ctix__entity_tools_end},
      {"legalforms.txt", ctix__entity_legalforms_start, ctix__entity_legalforms_end},
  };
  for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
    if (strcmp(files[i].name, name) == 0) {
      *len = (size_t)(files[i].end - files[i].start);
      return files[i].start;
    }
  *len = 0;
  return NULL;
}
