/*
 * The script and styles of report.html, embedded in libctix with .incbin:
 * module.cmake builds them from web/ (our own script and styles bundled
 * with cytoscape.js) and passes their paths as CTIX_REPORT_JS and
 * CTIX_REPORT_CSS. Each blob is followed by a NUL byte so it can also be
 * used as a C string. Their SHA-256 digests, which the page's
 * Content-Security-Policy names, come from the same build step
 * (report_sha256.h, written by web/build.mjs next to the files), so no
 * process hashes the most-of-a-megabyte script again; test_render checks
 * them against the embedded bytes.
 */
#include "render/render_internal.h"
#include "report_sha256.h"
#include "util/incbin.h"

CTIX__INCBIN(ctix__report_js, CTIX_REPORT_JS);
CTIX__INCBIN(ctix__report_css, CTIX_REPORT_CSS);

const char *ctix__render_script(size_t *len)
{
  *len = (size_t)(ctix__report_js_end - ctix__report_js_start);
  return ctix__report_js_start;
}

const char *ctix__render_style(size_t *len)
{
  *len = (size_t)(ctix__report_css_end - ctix__report_css_start);
  return ctix__report_css_start;
}

const char *ctix__render_script_sha256(void)
{
  return CTIX_REPORT_JS_SHA256;
}

const char *ctix__render_style_sha256(void)
{
  return CTIX_REPORT_CSS_SHA256;
}
