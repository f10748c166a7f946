# --------------------------------------------------------------- # sigma
# Sigma rules (sigma_*.c): libyaml (Debian libyaml-dev) reads rules and
# templates. The behaviour templates data/sigma/templates/*.yml (each file
# starts with '---') are concatenated, in file-name order, into
# generated/sigma_templates.yml at configure time (CMake re-runs when a
# template is added, removed or edited; the file is rewritten only when its
# content changes), and sigma_templates.c embeds it with .incbin.
pkg_check_modules(LIBYAML REQUIRED IMPORTED_TARGET yaml-0.1)
target_link_libraries(ctix PUBLIC PkgConfig::LIBYAML)
file(GLOB _ctix_sigma_templates CONFIGURE_DEPENDS
     ${CMAKE_SOURCE_DIR}/data/sigma/templates/*.yml)
list(SORT _ctix_sigma_templates)
set(_ctix_sigma_blob "")
foreach(_ctix_sigma_t IN LISTS _ctix_sigma_templates)
  file(READ ${_ctix_sigma_t} _ctix_sigma_text)
  string(APPEND _ctix_sigma_blob "${_ctix_sigma_text}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_ctix_sigma_t})
endforeach()
set(CTIX_SIGMA_TEMPLATES_BLOB ${CMAKE_BINARY_DIR}/generated/sigma_templates.yml)
file(WRITE ${CTIX_SIGMA_TEMPLATES_BLOB}.tmp "${_ctix_sigma_blob}")
configure_file(${CTIX_SIGMA_TEMPLATES_BLOB}.tmp ${CTIX_SIGMA_TEMPLATES_BLOB} COPYONLY)
set_source_files_properties(${CMAKE_SOURCE_DIR}/src/lib/respond/sigma_templates.c PROPERTIES
  COMPILE_DEFINITIONS "CTIX_SIGMA_TEMPLATES_BLOB=\"${CTIX_SIGMA_TEMPLATES_BLOB}\""
  OBJECT_DEPENDS ${CTIX_SIGMA_TEMPLATES_BLOB})
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${CMAKE_SOURCE_DIR}/data/sigma/templates)
# ----------------------------------------------------------- # end sigma
# ------------------------------------------------------------- # respond
# Incident-response steps (steps.c): the templates data/respond/steps.tsv
# and the account kinds data/respond/accounts.tsv are embedded with
# .incbin; OBJECT_DEPENDS rebuilds steps.c whenever one of them changes.
set(CTIX_RESPOND_DATA ${CMAKE_SOURCE_DIR}/data/respond)
set(_ctix_respond_deps "")
foreach(_f steps.tsv accounts.tsv)
  if(NOT EXISTS ${CTIX_RESPOND_DATA}/${_f})
    message(FATAL_ERROR "ctix: ${CTIX_RESPOND_DATA}/${_f} is missing")
  endif()
  list(APPEND _ctix_respond_deps ${CTIX_RESPOND_DATA}/${_f})
endforeach()
set_source_files_properties(${CMAKE_SOURCE_DIR}/src/lib/respond/steps.c PROPERTIES
  COMPILE_DEFINITIONS "CTIX_RESPOND_DATA=\"${CTIX_RESPOND_DATA}\""
  OBJECT_DEPENDS "${_ctix_respond_deps}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CTIX_RESPOND_DATA})
# --------------------------------------------------------- # end respond
