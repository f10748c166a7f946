# Browser tests of report.html (docs/report-html.md), label "browser":
# tests/browser/report.test.mjs (node's test runner) renders the articles
# of tests/data/render/ with the test-only driver render_fixture
# (tests/browser/fixture.c), opens each page in Debian's headless chromium
# through playwright-core (installed by the build's `npm ci` into
# <build>/web/node_modules) and checks: no console error and no request
# but the file itself, one graph node per STIX domain object, technique
# evidence on click, the observables filter, a hostile article that runs
# nothing, and size and render time of a 50-technique advisory.
# Screenshots are kept in <build>/tests/browser/. Skips (77) with a
# message when chromium or node_modules is missing.
set(CTIX_BROWSER_DIR ${CMAKE_SOURCE_DIR}/tests/browser)
add_executable(render_fixture ${CTIX_BROWSER_DIR}/fixture.c)
target_include_directories(render_fixture PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/src/lib
                                                  ${CMAKE_BINARY_DIR}/generated)
target_link_libraries(render_fixture PRIVATE ctix)

find_program(CTIX_CHROMIUM NAMES chromium chromium-browser)
if(NOT CTIX_CHROMIUM)
  set(CTIX_CHROMIUM /usr/bin/chromium)
endif()
add_test(NAME render_browser
         COMMAND ${CTIX_NODE} --test --test-concurrency=1 ${CTIX_BROWSER_DIR}/report.test.mjs)
set_tests_properties(render_browser PROPERTIES
  LABELS "integration;browser" SKIP_RETURN_CODE 77 TIMEOUT 600
  ENVIRONMENT "CTIX_FIXTURE=$<TARGET_FILE:render_fixture>;CTIX_CLI=$<TARGET_FILE:ctix_cli>;CTIX_NODE_MODULES=${CMAKE_BINARY_DIR}/web/node_modules;CTIX_CHROMIUM=${CTIX_CHROMIUM};CTIX_TEST_DATA=${CMAKE_SOURCE_DIR}/tests/data/render;CTIX_ARTEFACTS=${CMAKE_CURRENT_BINARY_DIR}/browser")

# render_assets_check (tests/integration/render/assets_check.sh): the
# build-time check of report_sha256.h (web/build.mjs --check) passes on the
# header the build wrote and fails when report.js or report.css changed
# after it or the header is missing or incomplete.
add_test(NAME render_assets_check
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/render/assets_check.sh ${CTIX_NODE} ${CMAKE_SOURCE_DIR}
                 ${CMAKE_BINARY_DIR}/generated ${CMAKE_CURRENT_BINARY_DIR}/render/assets_check)
set_tests_properties(render_assets_check PROPERTIES LABELS "integration" TIMEOUT 60)
