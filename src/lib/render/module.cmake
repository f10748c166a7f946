# The reports a person reads (src/lib/render, docs/report-html.md). The
# script and styles of report.html are built here at build time: the web/
# package (package.json with its committed package-lock.json) is installed
# with `npm ci` into <build>/web/node_modules (never into the source tree),
# then web/build.mjs bundles cytoscape.js's distributed build with our own
# script and styles into <build>/generated/report.{js,css}, which asset.c
# embeds with .incbin, and writes their SHA-256 (base64, for the page's
# Content-Security-Policy) into <build>/generated/report_sha256.h. Node.js and npm come from Debian (scripts/deps.sh).
# `npm ci` reruns only when the package files change; --prefer-offline
# reuses npm's cache, so a machine that installed once builds offline.
find_program(CTIX_NODE NAMES node nodejs)
find_program(CTIX_NPM NAMES npm)
if(NOT CTIX_NODE OR NOT CTIX_NPM)
  message(FATAL_ERROR "ctix: node and npm are needed to build report.html's script "
                      "(Debian packages nodejs and npm; run scripts/deps.sh)")
endif()

set(CTIX_WEB_SRC ${CMAKE_SOURCE_DIR}/web)
set(CTIX_WEB_BUILD ${CMAKE_BINARY_DIR}/web)
set(CTIX_WEB_MODULES ${CTIX_WEB_BUILD}/node_modules)
set(_ctix_web_stamp ${CTIX_WEB_BUILD}/npm-ci.stamp)
# report_sha256.h comes FIRST: a Makefile rule with several outputs checks
# only the first one's time, and build.mjs writes the header last, so a run
# interrupted after renaming report.js or report.css leaves the checked
# output older than the sources and the next build reruns the script.
set(_ctix_web_out ${CMAKE_BINARY_DIR}/generated/report_sha256.h
                  ${CMAKE_BINARY_DIR}/generated/report.js
                  ${CMAKE_BINARY_DIR}/generated/report.css)
set(_ctix_web_checked ${CMAKE_BINARY_DIR}/generated/report_sha256.checked)

file(MAKE_DIRECTORY ${CTIX_WEB_BUILD})
add_custom_command(
  OUTPUT ${_ctix_web_stamp}
  COMMAND ${CMAKE_COMMAND} -E copy_if_different ${CTIX_WEB_SRC}/package.json
          ${CTIX_WEB_SRC}/package-lock.json ${CTIX_WEB_BUILD}/
  COMMAND ${CTIX_NPM} ci --prefer-offline --ignore-scripts --no-audit --no-fund
          --loglevel=error
  COMMAND ${CMAKE_COMMAND} -E touch ${_ctix_web_stamp}
  DEPENDS ${CTIX_WEB_SRC}/package.json ${CTIX_WEB_SRC}/package-lock.json
  WORKING_DIRECTORY ${CTIX_WEB_BUILD}
  COMMENT "npm ci: report.html's libraries (web/package-lock.json)"
  VERBATIM)

file(GLOB _ctix_web_sources CONFIGURE_DEPENDS ${CTIX_WEB_SRC}/src/*)
add_custom_command(
  OUTPUT ${_ctix_web_out}
  COMMAND ${CTIX_NODE} ${CTIX_WEB_SRC}/build.mjs --modules ${CTIX_WEB_MODULES}
          --out ${CMAKE_BINARY_DIR}/generated
  DEPENDS ${_ctix_web_stamp} ${CTIX_WEB_SRC}/build.mjs ${_ctix_web_sources}
  COMMENT "web/build.mjs: report.html's script and styles"
  VERBATIM)

# A cheap check at build time (one node start, only when an asset changed):
# the digests in report_sha256.h must be those of the report.js and
# report.css next to it, otherwise every report.html would carry a
# Content-Security-Policy that blocks its own script. This holds in every
# build, also without the tests (-DCTIX_TESTS=OFF).
add_custom_command(
  OUTPUT ${_ctix_web_checked}
  COMMAND ${CTIX_NODE} ${CTIX_WEB_SRC}/build.mjs --check --out ${CMAKE_BINARY_DIR}/generated
  COMMAND ${CMAKE_COMMAND} -E touch ${_ctix_web_checked}
  DEPENDS ${_ctix_web_out} ${CTIX_WEB_SRC}/build.mjs
  COMMENT "web/build.mjs --check: report_sha256.h matches report.js and report.css"
  VERBATIM)

# Listing the generated files as sources attaches the commands to libctix;
# OBJECT_DEPENDS recompiles asset.c whenever they change.
target_sources(ctix PRIVATE ${_ctix_web_out} ${_ctix_web_checked})
set_source_files_properties(${_ctix_web_out} ${_ctix_web_checked}
                            PROPERTIES GENERATED TRUE HEADER_FILE_ONLY TRUE)
set_source_files_properties(${CMAKE_SOURCE_DIR}/src/lib/render/asset.c PROPERTIES
  COMPILE_DEFINITIONS "CTIX_REPORT_JS=\"${CMAKE_BINARY_DIR}/generated/report.js\";CTIX_REPORT_CSS=\"${CMAKE_BINARY_DIR}/generated/report.css\""
  OBJECT_DEPENDS "${_ctix_web_out};${_ctix_web_checked}")
