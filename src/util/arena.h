/*
 * Region allocator (after libgit2's git_pool). Everything a document or an
 * analysis allocates lives in one arena and is released by one
 * ctix__arena_free call. Allocations are 16-byte aligned, never freed one
 * by one, and fail (NULL) only when memory runs out or the arena's byte
 * limit would be exceeded.
 */
#ifndef CTIX_UTIL_ARENA_H
#define CTIX_UTIL_ARENA_H

#include <stddef.h>

typedef struct ctix_arena_chunk ctix_arena_chunk;

typedef struct ctix_arena {
  ctix_arena_chunk *head;  /* newest chunk, where allocations are carved */
  size_t used;             /* bytes handed out so far */
  size_t limit;            /* maximum bytes; 0 means no limit */
} ctix_arena;

void ctix__arena_init(ctix_arena *a, size_t limit);
/* Frees every chunk; the arena may be reused afterwards. */
void ctix__arena_free(ctix_arena *a);
void *ctix__arena_alloc(ctix_arena *a, size_t size);
void *ctix__arena_calloc(ctix_arena *a, size_t n, size_t size);
/* Copies n bytes and adds a NUL. */
char *ctix__arena_strndup(ctix_arena *a, const char *s, size_t n);
char *ctix__arena_strdup(ctix_arena *a, const char *s);
/* Copies n bytes (no NUL); returns NULL for n == 0 with no allocation. */
void *ctix__arena_memdup(ctix_arena *a, const void *p, size_t n);

#endif
