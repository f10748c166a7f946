/*
 * The technique model embedded in libctix: data/ttp/model.bin is
 * assembled into read-only data with .incbin (module.cmake passes its path
 * as CTIX_TTP_MODEL_BLOB and rebuilds this file when the model changes).
 * Without the file the library has no embedded model and
 * ctix_ttp_model_default reports CTIX_ENOTFOUND.
 */
#include <stddef.h>

#include "ttp/model.h"

#ifdef CTIX_TTP_MODEL_BLOB
__asm__(".section .rodata.ctix_ttp_model,\"a\"\n"
        ".balign 16\n"
        ".globl ctix__ttp_model_blob_start\n"
        ".hidden ctix__ttp_model_blob_start\n"
        ".type ctix__ttp_model_blob_start, @object\n"
        "ctix__ttp_model_blob_start:\n"
        ".incbin \"" CTIX_TTP_MODEL_BLOB "\"\n"
        ".globl ctix__ttp_model_blob_end\n"
        ".hidden ctix__ttp_model_blob_end\n"
        "ctix__ttp_model_blob_end:\n"
        ".byte 0\n"
        ".previous\n");

extern const unsigned char ctix__ttp_model_blob_start[];
extern const unsigned char ctix__ttp_model_blob_end[];

const unsigned char *ctix__ttp_model_embedded(size_t *len)
{
  *len = (size_t)(ctix__ttp_model_blob_end - ctix__ttp_model_blob_start);
  return ctix__ttp_model_blob_start;
}
#else
const unsigned char *ctix__ttp_model_embedded(size_t *len)
{
  *len = 0;
  return NULL;
}
#endif
