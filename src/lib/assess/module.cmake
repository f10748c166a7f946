# The assessment stage (src/lib/assess): its vocabularies and the risk model
# are the text files of data/assess, embedded into libctix by data.c with
# .incbin. OBJECT_DEPENDS rebuilds data.c whenever one of them changes.
set(CTIX_ASSESS_DATA_DIR ${CMAKE_SOURCE_DIR}/data/assess)
set(_ctix_assess_files risk.tsv sectors.tsv triggers.tsv dates.tsv)
set(_ctix_assess_deps "")
foreach(_f ${_ctix_assess_files})
  if(NOT EXISTS ${CTIX_ASSESS_DATA_DIR}/${_f})
    message(FATAL_ERROR "ctix: ${CTIX_ASSESS_DATA_DIR}/${_f} is missing")
  endif()
  list(APPEND _ctix_assess_deps ${CTIX_ASSESS_DATA_DIR}/${_f})
endforeach()
set_source_files_properties(${CMAKE_SOURCE_DIR}/src/lib/assess/data.c PROPERTIES
  COMPILE_DEFINITIONS "CTIX_ASSESS_DATA_DIR=\"${CTIX_ASSESS_DATA_DIR}\""
  OBJECT_DEPENDS "${_ctix_assess_deps}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CTIX_ASSESS_DATA_DIR})
