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
