/*
 * The CSV of observables (iocs.csv): one row per distinct observable of the
 * analysis, in order of first occurrence, with every status (ioc, benign,
 * rejected) so nothing is dropped. Columns: type, value, defanged (the value
 * in the common defanged style, safe to paste), status, reason (why benign
 * or rejected; empty for an ioc) and offset (byte offset of the first
 * occurrence in the document text).
 *
 * The file follows RFC 4180: CRLF line ends, a header line, fields holding a
 * comma, a double quote, CR or LF are quoted and their quotes doubled.
 * Spreadsheets run a cell that starts with = + - @ TAB or CR as a formula,
 * so such a field gets a leading apostrophe (the OWASP "CSV injection"
 * advice); docs/navigator-misp-csv.md says how to undo it. Output depends
 * only on the analysis.
 */
#include "ctix/export.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"

/* Largest CSV written; past it the writer fails with CTIX_ETOOBIG. */
#define CSV_MAX ((size_t)1 << 30)

/* True when a spreadsheet would read a cell starting with c as a formula. */
static bool formula_lead(char c)
{
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

/*
 * Appends one field: neutralised against formula injection, then quoted
 * when it holds a comma, quote, CR or LF (quotes doubled).
 */
static void csv_field(ctix_buf *b, const char *s, size_t n)
{
  bool quote = false;
  size_t i;
  for (i = 0; i < n; i++)
    if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n') {
      quote = true;
      break;
    }
  if (quote)
    ctix__buf_addc(b, '"');
  if (n > 0 && formula_lead(s[0]))
    ctix__buf_addc(b, '\'');
  if (!quote) {
    ctix__buf_add(b, s, n);
    return;
  }
  for (i = 0; i < n; i++) {
    if (s[i] == '"')
      ctix__buf_addc(b, '"');
    ctix__buf_addc(b, s[i]);
  }
  ctix__buf_addc(b, '"');
}

static void csv_str(ctix_buf *b, const char *s)
{
  csv_field(b, s ? s : "", s ? strlen(s) : 0);
}

/* Writes the CSV of a->iocs (header only when there are none). */
int ctix_export_csv(char **out, size_t *len, const ctix_analysis *a,
                    const ctix_export_options *opts, ctix_error *err)
{
  ctix_buf b = CTIX_BUF_INIT(CSV_MAX);
  const ctix_ioc_list *l;
  size_t i;
  int rc = 0;
  (void)opts;
  if (!out || !len || !a) {
    rc = ctix__error_set(err, CTIX_EINVAL, "csv export: missing argument");
    goto done;
  }
  *out = NULL;
  *len = 0;
  ctix__buf_adds(&b, "type,value,defanged,status,reason,offset\r\n");
  l = a->iocs;
  for (i = 0; l && i < l->nitems && !b.err; i++) {
    const ctix_ioc *it = &l->items[i];
    const char *value = it->value ? it->value : "";
    char *def = NULL;
    size_t dlen = 0;
    ctix_error derr;
    ctix_error_clear(&derr);
    csv_str(&b, ctix_ioc_type_name(it->type));
    ctix__buf_addc(&b, ',');
    csv_str(&b, value);
    ctix__buf_addc(&b, ',');
    if (ctix_defang(&def, &dlen, value, strlen(value), &derr) != 0 || !def) {
      free(def);
      rc = ctix__error_set(err, derr.code ? derr.code : CTIX_ENOMEM,
                           "csv export: cannot defang observable %zu: %s", i, derr.message);
      goto done;
    }
    csv_field(&b, def, dlen);
    free(def);
    ctix__buf_addc(&b, ',');
    csv_str(&b, ctix_ioc_status_name(it->status));
    ctix__buf_addc(&b, ',');
    csv_str(&b, it->reason);
    ctix__buf_addf(&b, ",%zu\r\n", (size_t)it->span.start);
  }
  if (b.err) {
    rc = ctix__error_set(err, b.err, "csv export: %s",
                         b.err == CTIX_ETOOBIG ? "output larger than 1 GiB" : "out of memory");
    goto done;
  }
  *out = ctix__buf_detach(&b, len);
  if (!*out)
    rc = ctix__error_set(err, CTIX_ENOMEM, "csv export: out of memory");

done:
  ctix__buf_free(&b);
  return rc;
}
