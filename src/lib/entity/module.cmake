# Named entities (src/lib/entity): embeds the vocabularies of data/entity
# (ambiguous aliases, countries, sectors, name patterns, stop names, tools,
# legal forms) into libctix with .incbin (data.c); OBJECT_DEPENDS rebuilds
# data.c whenever a table changes.
set(CTIX_ENTITY_DATA ${CMAKE_SOURCE_DIR}/data/entity)
set(_ctix_entity_files ambiguous.tsv countries.tsv sectors.tsv patterns.tsv stopnames.txt
  tools.tsv legalforms.txt)
set(_ctix_entity_deps "")
foreach(f ${_ctix_entity_files})
  if(NOT EXISTS ${CTIX_ENTITY_DATA}/${f})
    message(FATAL_ERROR "ctix: ${CTIX_ENTITY_DATA}/${f} is missing")
  endif()
  list(APPEND _ctix_entity_deps ${CTIX_ENTITY_DATA}/${f})
endforeach()
set_source_files_properties(${CMAKE_SOURCE_DIR}/src/lib/entity/data.c PROPERTIES
  COMPILE_DEFINITIONS "CTIX_ENTITY_DATA=\"${CTIX_ENTITY_DATA}\""
  OBJECT_DEPENDS "${_ctix_entity_deps}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CTIX_ENTITY_DATA})
