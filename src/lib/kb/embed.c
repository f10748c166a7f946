/*
 * The knowledge base embedded in libctix: data/kb/ctix.kb is assembled
 * into read-only data with .incbin (module.cmake passes its path as
 * CTIX_KB_BLOB and rebuilds this file when the tables change). Without
 * the file the library has an empty blob and ctix_kb_open_embedded
 * reports CTIX_ENOTFOUND.
 */
#include <stddef.h>

#include "kb/kb_internal.h"

#ifdef CTIX_KB_BLOB
__asm__(".section .rodata.ctix_kb,\"a\"\n"
        ".balign 16\n"
        ".globl ctix__kb_blob_start\n"
        ".hidden ctix__kb_blob_start\n"
        ".type ctix__kb_blob_start, @object\n"
        "ctix__kb_blob_start:\n"
        ".incbin \"" CTIX_KB_BLOB "\"\n"
        ".globl ctix__kb_blob_end\n"
        ".hidden ctix__kb_blob_end\n"
        "ctix__kb_blob_end:\n"
        ".byte 0\n"
        ".previous\n");

extern const unsigned char ctix__kb_blob_start[];
extern const unsigned char ctix__kb_blob_end[];

const unsigned char *ctix__kb_embedded(size_t *len)
{
  *len = (size_t)(ctix__kb_blob_end - ctix__kb_blob_start);
  return ctix__kb_blob_start;
}
#else
const unsigned char *ctix__kb_embedded(size_t *len)
{
  *len = 0;
  return NULL;
}
#endif
