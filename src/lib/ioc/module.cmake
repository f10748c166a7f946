# The IOC extractor (src/lib/ioc): domains are validated with libpsl
# (Debian's public-suffix list) and IDN hosts converted with libidn2.
pkg_check_modules(LIBPSL REQUIRED IMPORTED_TARGET libpsl)
pkg_check_modules(LIBIDN2 REQUIRED IMPORTED_TARGET libidn2)
target_link_libraries(ctix PUBLIC PkgConfig::LIBPSL PkgConfig::LIBIDN2)

# Well-known benign domains (triage.c): data/ioc/benign-domains.txt becomes
# a sorted C table, generated/ioc_benign_domains.h, at configure time. CMake
# re-runs when the list changes; the header is rewritten only when its
# content changes. A malformed line stops the configuration, naming it.
set(CTIX_IOC_BENIGN_TXT ${CMAKE_SOURCE_DIR}/data/ioc/benign-domains.txt)
set(CTIX_IOC_BENIGN_H ${CMAKE_BINARY_DIR}/generated/ioc_benign_domains.h)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CTIX_IOC_BENIGN_TXT})
file(STRINGS ${CTIX_IOC_BENIGN_TXT} _ctix_benign_lines)
set(_ctix_benign_reasons "")
set(_ctix_benign_entries "")
set(_ctix_benign_names "")
set(_ctix_benign_reason -1)
set(_ctix_benign_lineno 0)
foreach(_line IN LISTS _ctix_benign_lines)
  math(EXPR _ctix_benign_lineno "${_ctix_benign_lineno} + 1")
  string(REGEX REPLACE "#.*$" "" _line "${_line}")
  string(STRIP "${_line}" _line)
  if(_line STREQUAL "")
    continue()
  endif()
  if(_line MATCHES "^@[ \t]*([a-zA-Z0-9' ,()-]+)$")
    string(STRIP "${CMAKE_MATCH_1}" _reason)
    list(FIND _ctix_benign_reasons "${_reason}" _ctix_benign_reason)
    if(_ctix_benign_reason LESS 0)
      list(LENGTH _ctix_benign_reasons _ctix_benign_reason)
      list(APPEND _ctix_benign_reasons "${_reason}")
    endif()
  elseif(_line MATCHES "^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")
    if(_ctix_benign_reason LESS 0)
      message(FATAL_ERROR "${CTIX_IOC_BENIGN_TXT}:${_ctix_benign_lineno}: domain before any '@ REASON' line")
    endif()
    list(FIND _ctix_benign_names "${_line}" _dup)
    if(NOT _dup LESS 0)
      message(FATAL_ERROR "${CTIX_IOC_BENIGN_TXT}:${_ctix_benign_lineno}: duplicate domain '${_line}'")
    endif()
    list(APPEND _ctix_benign_names "${_line}")
    # A space sorts before '.', '-' and alphanumerics: the order of strcmp.
    list(APPEND _ctix_benign_entries "${_line} ${_ctix_benign_reason}")
  else()
    message(FATAL_ERROR "${CTIX_IOC_BENIGN_TXT}:${_ctix_benign_lineno}: not a lower-case domain or '@ REASON' line: '${_line}'")
  endif()
endforeach()
if(NOT _ctix_benign_entries)
  message(FATAL_ERROR "${CTIX_IOC_BENIGN_TXT}: no domains")
endif()
list(SORT _ctix_benign_entries)
set(_body "/* Generated from data/ioc/benign-domains.txt by src/lib/ioc/module.cmake; do not edit. */\n")
string(APPEND _body "static const char *const benign_reasons[] = {\n")
foreach(_reason IN LISTS _ctix_benign_reasons)
  string(APPEND _body "    \"${_reason}\",\n")
endforeach()
string(APPEND _body "};\n\n/* Sorted by name (strcmp order) for binary search. */\n")
string(APPEND _body "static const struct {\n  const char *name;\n  unsigned char reason;\n} benign_domains[] = {\n")
foreach(_entry IN LISTS _ctix_benign_entries)
  string(REPLACE " " ";" _pair "${_entry}")
  list(GET _pair 0 _name)
  list(GET _pair 1 _idx)
  string(APPEND _body "    {\"${_name}\", ${_idx}},\n")
endforeach()
string(APPEND _body "};\n")
file(CONFIGURE OUTPUT ${CTIX_IOC_BENIGN_H} CONTENT "@_body@" @ONLY)

# Coin address checksums (coin.c, keccak.c): SHA-256 for base58check from
# Nettle (measured ~6x faster than libcrypto's one-shot SHA256 on 21-byte
# inputs, and a 0.3 MB library instead of 4.7 MB).
pkg_check_modules(NETTLE REQUIRED IMPORTED_TARGET nettle)
target_link_libraries(ctix PUBLIC PkgConfig::NETTLE)

# Word lists of the triage (data/ioc/windows-programs.txt: built-in Windows
# programs, triage.c; data/ioc/query-field-sets.txt and
# query-field-leaves.txt: the first and last labels of the field names of
# detection queries, net.c; mail-platforms.txt: web-mail platforms, net.c;
# ad-domain-words.txt, actor-file-*.txt: context
# words of file names, path.c) become sorted C tables of
# strings, generated/ioc_<name>.h, at configure time, like the benign list:
# one lower-case entry per line, '#' starts a comment; a malformed or
# duplicate line stops the configuration, naming it. The header also
# defines <VAR>_LONGEST, the length of the longest entry, for code that
# bounds a word before looking it up.
function(ctix_ioc_word_table txt header var regex)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${txt})
  file(STRINGS ${txt} _lines)
  set(_words "")
  set(_lineno 0)
  set(_longest 0)
  foreach(_line IN LISTS _lines)
    math(EXPR _lineno "${_lineno} + 1")
    string(REGEX REPLACE "#.*$" "" _line "${_line}")
    string(STRIP "${_line}" _line)
    if(_line STREQUAL "")
      continue()
    endif()
    if(NOT _line MATCHES "${regex}")
      message(FATAL_ERROR "${txt}:${_lineno}: not a lower-case entry: '${_line}'")
    endif()
    list(FIND _words "${_line}" _dup)
    if(NOT _dup LESS 0)
      message(FATAL_ERROR "${txt}:${_lineno}: duplicate entry '${_line}'")
    endif()
    list(APPEND _words "${_line}")
    string(LENGTH "${_line}" _len)
    if(_len GREATER _longest)
      set(_longest ${_len})
    endif()
  endforeach()
  if(NOT _words)
    message(FATAL_ERROR "${txt}: no entries")
  endif()
  list(SORT _words)
  file(RELATIVE_PATH _rel ${CMAKE_SOURCE_DIR} ${txt})
  set(_body "/* Generated from ${_rel} by src/lib/ioc/module.cmake; do not edit. */\n")
  string(APPEND _body "/* Sorted (strcmp order). */\nstatic const char *const ${var}[] = {\n")
  foreach(_w IN LISTS _words)
    string(APPEND _body "    \"${_w}\",\n")
  endforeach()
  string(APPEND _body "};\n")
  string(TOUPPER "${var}" _uvar)
  string(APPEND _body "#define ${_uvar}_LONGEST ${_longest}u\n")
  file(CONFIGURE OUTPUT ${header} CONTENT "@_body@" @ONLY)
endfunction()
ctix_ioc_word_table(${CMAKE_SOURCE_DIR}/data/ioc/windows-programs.txt
                    ${CMAKE_BINARY_DIR}/generated/ioc_windows_programs.h system_files
                    "^[a-z0-9][a-z0-9_+-]*(\\.[a-z0-9_+-]+)*\\.[a-z0-9]+$")
ctix_ioc_word_table(${CMAKE_SOURCE_DIR}/data/ioc/mail-platforms.txt
                    ${CMAKE_BINARY_DIR}/generated/ioc_mail_platforms.h mail_platforms
                    "^[a-z0-9][a-z0-9-]*(\\.[a-z0-9-]+)+$")
# Lists of plain words (data/ioc/NAME.txt -> generated/ioc_NAME.h, array NAME
# with '-' written '_').
foreach(_list query-field-sets query-field-leaves ad-domain-words actor-file-words
              actor-file-stops actor-file-renames actor-file-skips actor-file-vetoes
              actor-file-after)
  string(REPLACE "-" "_" _var "${_list}")
  ctix_ioc_word_table(${CMAKE_SOURCE_DIR}/data/ioc/${_list}.txt
                      ${CMAKE_BINARY_DIR}/generated/ioc_${_var}.h ${_var} "^[a-z][a-z0-9_]*$")
endforeach()
