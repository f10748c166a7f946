/*
 * The prebuilt default rule set: the build's custom command (module.cmake)
 * runs tools/ttp/automaton_gen.c, which compiles the ids, names and
 * lexicon cues into the automaton and writes it in the form patset_io.c
 * reads; this file embeds that output with .incbin (CTIX__TTP_INCBIN),
 * 16-byte aligned so its arrays can be used in place. Without
 * CTIX_TTP_AUTOMATON_BIN (the generator itself, or a build that made
 * none) the blob is empty and the set is compiled at first use.
 */
#include <stddef.h>

#include "ttp/cues_internal.h"

#ifdef CTIX_TTP_AUTOMATON_BIN
CTIX__TTP_INCBIN(automaton, CTIX_TTP_AUTOMATON_BIN);

const unsigned char *ctix__ttp_data_automaton(size_t *len)
{
  *len = (size_t)(ctix__ttp_automaton_end - ctix__ttp_automaton_start);
  return (const unsigned char *)ctix__ttp_automaton_start;
}
#else
const unsigned char *ctix__ttp_data_automaton(size_t *len)
{
  *len = 0;
  return NULL;
}
#endif
