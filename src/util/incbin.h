/*
 * A data file embedded in libctix as read-only data, so that ctix needs no
 * file beside it at run time: CTIX__INCBIN(sym, path) assembles the file
 * at `path` (a string literal, often a folder module.cmake passes joined
 * with a file name) with .incbin, 16-byte aligned and followed by one NUL
 * byte, and declares sym_start[] and sym_end[] (the NUL not counted, so
 * the length is sym_end - sym_start). At file scope, once per symbol; the
 * including module.cmake rebuilds the file when the data changes
 * (OBJECT_DEPENDS).
 */
#ifndef CTIX_UTIL_INCBIN_H
#define CTIX_UTIL_INCBIN_H

#define CTIX__INCBIN(sym, path)                                                            \
  __asm__(".section .rodata." #sym ",\"a\"\n"                                              \
          ".balign 16\n"                                                                   \
          ".globl " #sym "_start\n"                                                        \
          ".hidden " #sym "_start\n"                                                       \
          ".type " #sym "_start, @object\n"                                                \
          #sym "_start:\n"                                                                 \
          ".incbin \"" path "\"\n"                                                         \
          ".globl " #sym "_end\n"                                                          \
          ".hidden " #sym "_end\n"                                                         \
          #sym "_end:\n"                                                                   \
          ".byte 0\n"                                                                      \
          ".previous\n");                                                                  \
  extern const char sym##_start[];                                                         \
  extern const char sym##_end[]

#endif
