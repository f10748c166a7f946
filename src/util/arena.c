/*
 * Region allocator: chunks of at least 64 KiB, bump-pointer allocation,
 * oversized requests get a chunk of their own.
 */
#include "util/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN 16
#define ARENA_CHUNK (64 * 1024)

struct ctix_arena_chunk {
  ctix_arena_chunk *next;
  size_t size, pos;
  _Alignas(16) unsigned char mem[];
};

void ctix__arena_init(ctix_arena *a, size_t limit)
{
  a->head = NULL;
  a->used = 0;
  a->limit = limit;
}

void ctix__arena_free(ctix_arena *a)
{
  ctix_arena_chunk *c, *n;
  if (!a)
    return;
  for (c = a->head; c; c = n) {
    n = c->next;
    free(c);
  }
  a->head = NULL;
  a->used = 0;
}

void *ctix__arena_alloc(ctix_arena *a, size_t size)
{
  ctix_arena_chunk *c = a->head;
  size_t rounded, csize;
  void *p;
  if (size == 0)
    size = 1;
  if (size > SIZE_MAX - ARENA_ALIGN)
    return NULL;
  rounded = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
  if (a->limit && (rounded > a->limit || a->used > a->limit - rounded))
    return NULL;
  if (!c || c->size - c->pos < rounded) {
    csize = rounded > ARENA_CHUNK / 4 ? rounded : ARENA_CHUNK;
    if (csize > SIZE_MAX - sizeof(*c))
      return NULL;
    c = malloc(sizeof(*c) + csize);
    if (!c)
      return NULL;
    c->size = csize;
    c->pos = 0;
    if (rounded == csize && a->head) {
      /* A dedicated chunk goes behind the current one, which keeps its room. */
      c->next = a->head->next;
      a->head->next = c;
    } else {
      c->next = a->head;
      a->head = c;
    }
  }
  p = c->mem + c->pos;
  c->pos += rounded;
  a->used += rounded;
  return p;
}

void *ctix__arena_calloc(ctix_arena *a, size_t n, size_t size)
{
  void *p;
  if (size && n > SIZE_MAX / size)
    return NULL;
  p = ctix__arena_alloc(a, n * size);
  if (p)
    memset(p, 0, n * size);
  return p;
}

char *ctix__arena_strndup(ctix_arena *a, const char *s, size_t n)
{
  char *p;
  if (n == SIZE_MAX)
    return NULL;
  p = ctix__arena_alloc(a, n + 1);
  if (!p)
    return NULL;
  if (n)
    memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *ctix__arena_strdup(ctix_arena *a, const char *s)
{
  return ctix__arena_strndup(a, s, strlen(s));
}

void *ctix__arena_memdup(ctix_arena *a, const void *p, size_t n)
{
  void *q;
  if (n == 0)
    return NULL;
  q = ctix__arena_alloc(a, n);
  if (q)
    memcpy(q, p, n);
  return q;
}
