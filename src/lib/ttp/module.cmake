# The technique mapper (src/lib/ttp). The model is trained with liblinear
# (Debian liblinear-dev; `ctix model train`) and the committed model
# data/ttp/model.bin is embedded by embed.c with .incbin; OBJECT_DEPENDS
# rebuilds it whenever the model changes.
find_library(CTIX_LIBLINEAR NAMES linear REQUIRED)
find_path(CTIX_LIBLINEAR_INCLUDE linear.h REQUIRED)
target_include_directories(ctix PRIVATE ${CTIX_LIBLINEAR_INCLUDE})
target_link_libraries(ctix PUBLIC ${CTIX_LIBLINEAR})

set(CTIX_TTP_MODEL ${CMAKE_SOURCE_DIR}/data/ttp/model.bin)
if(EXISTS ${CTIX_TTP_MODEL})
  set_source_files_properties(${CMAKE_SOURCE_DIR}/src/lib/ttp/embed.c PROPERTIES
    COMPILE_DEFINITIONS "CTIX_TTP_MODEL_BLOB=\"${CTIX_TTP_MODEL}\""
    OBJECT_DEPENDS ${CTIX_TTP_MODEL})
else()
  message(WARNING "ctix: ${CTIX_TTP_MODEL} is missing; the library has no embedded "
                  "technique model (run 'ctix model train')")
endif()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/data/ttp)

# ---------------------------------------------------------------- # cues
# Rule signals (cues.c, names.c, context.c): cues.c embeds the lexicon
# data/ttp/cues.tsv, the name weights data/ttp/names.tsv and the context
# cues data/ttp/context.tsv with .incbin; each file that exists is passed
# as CTIX_TTP_<NAME>_TSV, and OBJECT_DEPENDS rebuilds cues.c when one
# changes. A missing file embeds as empty (no cues, default name weights,
# no context cues).
set(_ctix_ttp_cues_c ${CMAKE_SOURCE_DIR}/src/lib/ttp/cues.c)
foreach(_ctix_ttp_data CUES NAMES CONTEXT)
  string(TOLOWER ${_ctix_ttp_data} _ctix_ttp_file)
  set(_ctix_ttp_path ${CMAKE_SOURCE_DIR}/data/ttp/${_ctix_ttp_file}.tsv)
  if(EXISTS ${_ctix_ttp_path})
    set_property(SOURCE ${_ctix_ttp_cues_c} APPEND PROPERTY COMPILE_DEFINITIONS
                 "CTIX_TTP_${_ctix_ttp_data}_TSV=\"${_ctix_ttp_path}\"")
    set_property(SOURCE ${_ctix_ttp_cues_c} APPEND PROPERTY OBJECT_DEPENDS ${_ctix_ttp_path})
  endif()
endforeach()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/data/ttp)
# ------------------------------------------------------------ # end cues
# ------------------------------------------------------ # prebuilt automaton
# The default rule set (ids, names, data/ttp/cues.tsv against the embedded
# knowledge base) is compiled once at build time: ctix_ttp_automaton_gen
# (tools/ttp/automaton_gen.c, linked from the few library sources it
# needs) writes generated/ttp_automaton.bin, and automaton_data.c embeds
# it with .incbin; processes then read it in place (patset_io.c) instead
# of compiling the automaton at first use. The output is a function of
# the data files and the compiler code only (deterministic), rebuilt when
# either changes.
file(GLOB _ctix_ttpgen_util CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/util/*.c)
file(GLOB _ctix_ttpgen_kb CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/lib/kb/*.c)
add_library(ctix_ttpgen_lib STATIC EXCLUDE_FROM_ALL ${_ctix_ttpgen_util} ${_ctix_ttpgen_kb}
            ${CMAKE_SOURCE_DIR}/src/lib/ttp/cues.c ${CMAKE_SOURCE_DIR}/src/lib/ttp/names.c
            ${CMAKE_SOURCE_DIR}/src/lib/ttp/patset_io.c)
target_include_directories(ctix_ttpgen_lib
  PUBLIC ${CMAKE_SOURCE_DIR}/include ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/src/lib
         ${CMAKE_BINARY_DIR}/generated)
target_link_libraries(ctix_ttpgen_lib PUBLIC PkgConfig::JANSSON m)
add_executable(ctix_ttp_automaton_gen EXCLUDE_FROM_ALL
               ${CMAKE_SOURCE_DIR}/tools/ttp/automaton_gen.c)
target_link_libraries(ctix_ttp_automaton_gen PRIVATE ctix_ttpgen_lib)
set(CTIX_TTP_AUTOMATON ${CMAKE_BINARY_DIR}/generated/ttp_automaton.bin)
set(_ctix_ttpgen_data ${CMAKE_SOURCE_DIR}/data/ttp/cues.tsv ${CMAKE_SOURCE_DIR}/data/ttp/names.tsv
    ${CMAKE_SOURCE_DIR}/data/kb/ctix.kb)
foreach(_f IN LISTS _ctix_ttpgen_data)
  if(NOT EXISTS ${_f})
    list(REMOVE_ITEM _ctix_ttpgen_data ${_f})
  endif()
endforeach()
add_custom_command(OUTPUT ${CTIX_TTP_AUTOMATON}
  COMMAND ctix_ttp_automaton_gen ${CTIX_TTP_AUTOMATON}
  DEPENDS ctix_ttp_automaton_gen ${_ctix_ttpgen_data}
  COMMENT "Compiling the technique cue automaton"
  VERBATIM)
add_custom_target(ctix_ttp_automaton DEPENDS ${CTIX_TTP_AUTOMATON})
add_dependencies(ctix ctix_ttp_automaton)
set_source_files_properties(${CMAKE_SOURCE_DIR}/src/lib/ttp/automaton_data.c PROPERTIES
  COMPILE_DEFINITIONS "CTIX_TTP_AUTOMATON_BIN=\"${CTIX_TTP_AUTOMATON}\""
  OBJECT_DEPENDS ${CTIX_TTP_AUTOMATON})
# -------------------------------------------------- # end prebuilt automaton
