/*
 * The embedded processing pipelines: the files data/sigma/pipelines/NAME.yml joined by
 * module.cmake into one blob, each document behind a marker line
 * "#@ctix-pipeline NAME", and assembled into read-only data with .incbin.
 * module.cmake also writes the table of names and descriptions
 * (generated/sigma_pipeline_names.h); ctix__sg_pipeline_embedded finds a
 * pipeline's text by its marker.
 */
#include <string.h>

#include "sigma/sigma_internal.h"

#ifdef CTIX_SIGMA_PIPELINES_BLOB
__asm__(".section .rodata.ctix_sigma_pipelines,\"a\"\n"
        ".globl ctix__sg_pipelines_start\n"
        ".hidden ctix__sg_pipelines_start\n"
        "ctix__sg_pipelines_start:\n"
        ".incbin \"" CTIX_SIGMA_PIPELINES_BLOB "\"\n"
        ".globl ctix__sg_pipelines_end\n"
        ".hidden ctix__sg_pipelines_end\n"
        "ctix__sg_pipelines_end:\n"
        ".byte 0\n"
        ".previous\n");
extern const char ctix__sg_pipelines_start[];
extern const char ctix__sg_pipelines_end[];
#define BLOB ctix__sg_pipelines_start
#define BLOB_LEN ((size_t)(ctix__sg_pipelines_end - ctix__sg_pipelines_start))
#else
#define BLOB ""
#define BLOB_LEN ((size_t)0)
#endif

#define MARK "#@ctix-pipeline "

static const struct {
  const char *name, *description;
} names[] = {
#ifdef CTIX_SIGMA_PIPELINE_NAMES
#include CTIX_SIGMA_PIPELINE_NAMES
#endif
  {NULL, NULL}
};

const char *ctix__sg_pipeline_embedded(size_t i, const char **text, size_t *len)
{
  const char *p = BLOB, *end = BLOB + BLOB_LEN;
  size_t k;
  for (k = 0; k < i && names[k].name; k++)
    ;
  if (!names[k].name)
    return NULL;
  /* find the marker line of names[k] in the blob */
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p)), *next;
    size_t nn = strlen(names[k].name);
    if (!nl)
      return NULL;
    for (next = nl + 1; next < end; next++) {
      next = memchr(next, '#', (size_t)(end - next));
      if (!next) {
        next = end;
        break;
      }
      if (next[-1] == '\n' && (size_t)(end - next) >= sizeof(MARK) - 1 &&
          memcmp(next, MARK, sizeof(MARK) - 1) == 0)
        break;
    }
    if (next > end)
      next = end;
    if ((size_t)(nl - p) == sizeof(MARK) - 1 + nn && memcmp(p, MARK, sizeof(MARK) - 1) == 0 &&
        memcmp(p + sizeof(MARK) - 1, names[k].name, nn) == 0) {
      *text = nl + 1;
      *len = (size_t)(next - nl - 1);
      return names[k].name;
    }
    p = next;
  }
  return NULL;
}

const char *ctix__sg_pipeline_info(size_t i)
{
  size_t k;
  for (k = 0; k < i && names[k].name; k++)
    ;
  return names[k].name ? names[k].description : NULL;
}
