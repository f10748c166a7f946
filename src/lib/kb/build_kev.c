/*
 * The CISA Known Exploited Vulnerabilities catalog (JSON feed) into the
 * knowledge-base model: per entry the CVE id, vendor, product,
 * vulnerability name, date added, due date, known ransomware use and
 * CWE ids. Descriptions, required actions and notes are not kept. The
 * catalog version and release date become source versions.
 */
#include <string.h>

#include "kb/build.h"
#include "util/str.h"

/* "CVE-YYYY-NNNN..." with at least four digits in the last part. */
static bool is_cve(const char *s)
{
  size_t i, n = strlen(s);
  if (n < 13 || memcmp(s, "CVE-", 4) != 0 || s[8] != '-')
    return false;
  for (i = 4; i < 8; i++)
    if (!ctix__isdigit((unsigned char)s[i]))
      return false;
  for (i = 9; i < n; i++)
    if (!ctix__isdigit((unsigned char)s[i]))
      return false;
  return n <= 24;
}

/* "YYYY-MM-DD". */
static bool is_date(const char *s)
{
  size_t i;
  if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
    return false;
  for (i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !ctix__isdigit((unsigned char)s[i]))
      return false;
  return true;
}

static int cmp_kev(const void *pa, const void *pb)
{
  const ctix__kbb_kev *a = pa, *b = pb;
  return strcmp(a->cve, b->cve);
}

/* Reads one element of "vulnerabilities". */
static int read_entry(ctix__kbb *b, ctix__kbb_at *at, json_t *v)
{
  ctix__kbb_kev k;
  int rc;
  memset(&k, 0, sizeof(k));
  at->id = NULL;
  if (!json_is_object(v))
    return ctix__kbb_jfail(at, "must be an object");
  if ((rc = ctix__kbb_jstr(at, v, "cveID", true, &k.cve)))
    return rc;
  at->id = k.cve;
  if (!is_cve(k.cve))
    return ctix__kbb_jfail(at, "\"cveID\" is not a CVE id (CVE-YYYY-NNNN)");
  if ((rc = ctix__kbb_jstr(at, v, "vendorProject", true, &k.vendor)) ||
      (rc = ctix__kbb_jstr(at, v, "product", true, &k.product)) ||
      (rc = ctix__kbb_jstr(at, v, "vulnerabilityName", true, &k.name)) ||
      (rc = ctix__kbb_jstr(at, v, "dateAdded", true, &k.date_added)) ||
      (rc = ctix__kbb_jstr(at, v, "dueDate", true, &k.due_date)) ||
      (rc = ctix__kbb_jstr(at, v, "knownRansomwareCampaignUse", true, &k.ransomware)) ||
      (rc = ctix__kbb_jstrs(at, v, "cwes", &k.cwes, &k.ncwes)))
    return rc;
  if (!is_date(k.date_added))
    return ctix__kbb_jfail(at, "\"dateAdded\" is not a YYYY-MM-DD date");
  if (!is_date(k.due_date))
    return ctix__kbb_jfail(at, "\"dueDate\" is not a YYYY-MM-DD date");
  if ((rc = ctix__buf_push(&b->kev, &k, sizeof(k))))
    return rc == CTIX_ENOMEM ? ctix__kbb_nomem(b) : ctix__kbb_jfail(at, "too many entries");
  return 0;
}

int ctix__kbb_add_kev(ctix__kbb *b, const char *data, size_t len, const char *name)
{
  json_t *root = NULL, *vulns, *count;
  ctix__kbb_at at;
  const char *version = NULL, *released = NULL;
  ctix__kbb_kev *all;
  size_t i, n;
  int rc;
  if (b->have_kev)
    return ctix__kbb_ffail(b, name, CTIX_EINVAL, "a second KEV catalog");
  if ((rc = ctix__kbb_file(b, name)) < 0)
    return rc;
  if ((rc = ctix__kbb_jparse(b, &root, data, len, name)))
    return rc;
  memset(&at, 0, sizeof(at));
  at.b = b;
  at.file = name;
  at.array = "vulnerabilities";
  vulns = json_object_get(root, "vulnerabilities");
  if (!json_is_object(root) || !json_is_array(vulns)) {
    rc = ctix__kbb_ffail(b, name, CTIX_EPARSE,
                         "not a KEV catalog (an object with a \"vulnerabilities\" array)");
    goto done;
  }
  version = json_string_value(json_object_get(root, "catalogVersion"));
  released = json_string_value(json_object_get(root, "dateReleased"));
  if (!version) {
    rc = ctix__kbb_ffail(b, name, CTIX_EPARSE, "\"catalogVersion\" is missing or not a string");
    goto done;
  }
  n = json_array_size(vulns);
  count = json_object_get(root, "count");
  if (count && (!json_is_integer(count) || json_integer_value(count) < 0 ||
                (size_t)json_integer_value(count) != n)) {
    rc = ctix__kbb_ffail(b, name, CTIX_EPARSE,
                         "\"count\" does not match the %zu entries of \"vulnerabilities\"", n);
    goto done;
  }
  for (i = 0; i < n; i++) {
    at.index = i;
    if ((rc = read_entry(b, &at, json_array_get(vulns, i))))
      goto done;
  }
  all = (ctix__kbb_kev *)(void *)b->kev.data;
  if (n)
    qsort(all, n, sizeof(*all), cmp_kev);
  for (i = 1; i < n; i++)
    if (strcmp(all[i].cve, all[i - 1].cve) == 0) {
      rc = ctix__kbb_ffail(b, name, CTIX_EPARSE, "%s is listed twice", all[i].cve);
      goto done;
    }
  if ((rc = ctix__kbb_add_meta(b, "kev", version)) ||
      (rc = ctix__kbb_add_meta(b, "kev-released", released ? released : "")))
    goto done;
  b->have_kev = true;
done:
  json_decref(root);
  return rc;
}
