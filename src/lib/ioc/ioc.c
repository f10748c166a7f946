/*
 * Public entry points of the IOC extractor: options, the type and status
 * name tables, and the driver that runs the pipeline (refang, scan,
 * recognizers, list) over the input.
 *
 * The input is processed in segments of about SEGMENT bytes cut at line
 * ends (or spaces), so the refanged copy stays small and hot in cache and
 * memory use does not grow with the input beyond the list itself.
 */
#include <stdlib.h>
#include <string.h>

#include "ioc/scan.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/str.h"

#define SEGMENT (64u * 1024u)
/* How far past SEGMENT a segment may grow to end at a line end. */
#define SEGMENT_SLACK (16u * 1024u)

/* Type names, in ctix_ioc_type order (the IOC corpus vocabulary). */
static const char *const type_names[CTIX_IOC_TYPE_COUNT] = {
    [CTIX_IOC_IPV4] = "ipv4",
    [CTIX_IOC_IPV4_CIDR] = "ipv4_cidr",
    [CTIX_IOC_IPV6] = "ipv6",
    [CTIX_IOC_IPV6_CIDR] = "ipv6_cidr",
    [CTIX_IOC_DOMAIN] = "domain",
    [CTIX_IOC_URL] = "url",
    [CTIX_IOC_EMAIL] = "email",
    [CTIX_IOC_MD5] = "md5",
    [CTIX_IOC_SHA1] = "sha1",
    [CTIX_IOC_SHA224] = "sha224",
    [CTIX_IOC_SHA256] = "sha256",
    [CTIX_IOC_SHA384] = "sha384",
    [CTIX_IOC_SHA512] = "sha512",
    [CTIX_IOC_SSDEEP] = "ssdeep",
    [CTIX_IOC_IMPHASH] = "imphash",
    [CTIX_IOC_AUTHENTIHASH] = "authentihash",
    [CTIX_IOC_CVE] = "cve",
    [CTIX_IOC_CWE] = "cwe",
    [CTIX_IOC_CAPEC] = "capec",
    [CTIX_IOC_ATTACK_TECHNIQUE] = "attack_technique",
    [CTIX_IOC_ATTACK_TACTIC] = "attack_tactic",
    [CTIX_IOC_ATTACK_GROUP] = "attack_group",
    [CTIX_IOC_ATTACK_SOFTWARE] = "attack_software",
    [CTIX_IOC_ATTACK_MITIGATION] = "attack_mitigation",
    [CTIX_IOC_ATTACK_CAMPAIGN] = "attack_campaign",
    [CTIX_IOC_ATTACK_DATA_SOURCE] = "attack_data_source",
    [CTIX_IOC_FILE_NAME] = "file_name",
    [CTIX_IOC_FILE_PATH] = "file_path",
    [CTIX_IOC_REGISTRY_KEY] = "registry_key",
    [CTIX_IOC_ASN] = "asn",
    [CTIX_IOC_MAC] = "mac",
    [CTIX_IOC_USER_AGENT] = "user_agent",
    [CTIX_IOC_BTC] = "btc",
    [CTIX_IOC_BCH] = "bch",
    [CTIX_IOC_ETH] = "eth",
    [CTIX_IOC_XMR] = "xmr",
    [CTIX_IOC_LTC] = "ltc",
    [CTIX_IOC_DOGE] = "doge",
    [CTIX_IOC_DASH] = "dash",
    [CTIX_IOC_ZEC] = "zec",
    [CTIX_IOC_ADA] = "ada",
    [CTIX_IOC_XRP] = "xrp",
    [CTIX_IOC_SOL] = "sol",
    [CTIX_IOC_XLM] = "xlm",
    [CTIX_IOC_XTZ] = "xtz",
    [CTIX_IOC_TRX] = "trx",
    [CTIX_IOC_JA3] = "ja3",
    [CTIX_IOC_JA3S] = "ja3s",
    [CTIX_IOC_JA4] = "ja4",
    [CTIX_IOC_YARA_RULE] = "yara_rule",
    [CTIX_IOC_MUTEX] = "mutex",
    [CTIX_IOC_TLP] = "tlp",
    [CTIX_IOC_GOOGLE_ANALYTICS] = "google_analytics",
    [CTIX_IOC_GOOGLE_ADSENSE] = "google_adsense",
    [CTIX_IOC_XMPP] = "xmpp",
    [CTIX_IOC_ARN] = "arn",
};

static const char *const status_names[] = {"ioc", "benign", "rejected"};

void ctix_ioc_options_init(ctix_ioc_options *opts)
{
  memset(opts, 0, sizeof(*opts));
  opts->max_input = CTIX_DEFAULT_MAX_INPUT;
  opts->publisher_host = NULL;
  opts->keep_rejected = true;
}

const char *ctix_ioc_type_name(ctix_ioc_type type)
{
  if ((unsigned)type < CTIX_IOC_TYPE_COUNT && type_names[type])
    return type_names[type];
  return "unknown";
}

int ctix_ioc_type_from_name(ctix_ioc_type *out, const char *name)
{
  size_t i, n;
  if (!name)
    return CTIX_EINVAL;
  n = strlen(name);
  for (i = 0; i < CTIX_IOC_TYPE_COUNT; i++)
    if (type_names[i] && ctix__mem_ieq(name, n, type_names[i])) {
      *out = (ctix_ioc_type)i;
      return 0;
    }
  return CTIX_EINVAL;
}

const char *ctix_ioc_status_name(ctix_ioc_status status)
{
  if ((unsigned)status < sizeof(status_names) / sizeof(status_names[0]))
    return status_names[status];
  return "unknown";
}

/*
 * The end of the segment starting at `pos`: after the last line end in
 * [pos + SEGMENT, pos + SEGMENT + SLACK), else after the last space before
 * pos + SEGMENT, else a hard cut (a pathological input without white space).
 */
static size_t segment_end(const char *text, size_t len, size_t pos)
{
  size_t lim = pos + SEGMENT, i;
  if (len - pos <= SEGMENT + SEGMENT_SLACK)
    return len;
  for (i = lim; i < lim + SEGMENT_SLACK; i++)
    if (text[i] == '\n')
      return i + 1;
  for (i = lim; i > pos + SEGMENT / 2; i--)
    if (text[i - 1] == '\n')
      return i;
  for (i = lim; i > pos + SEGMENT / 2; i--)
    if (ctix__isspace((unsigned char)text[i - 1]))
      return i;
  return lim;
}

/* Runs the pipeline over text[0..len) for `doc` (may be NULL). */
static int extract(ctix_ioc_list **out, const char *text, size_t len,
                   const ctix_ioc_options *opts, const ctix_document *doc, ctix_error *err)
{
  ctix_ioc_options defaults;
  ctix__ioc_builder *b = NULL;
  ctix_buf scanned, edits;
  ctix__ioc_scan scan;
  size_t pos = 0;
  int rc = 0;

  ctix__buf_init(&scanned, (size_t)4 * (SEGMENT + SEGMENT_SLACK));
  ctix__buf_init(&edits, (size_t)4 * (SEGMENT + SEGMENT_SLACK) * sizeof(ctix__ioc_edit));
  if (!out) {
    rc = ctix__error_set(err, CTIX_EINVAL, "ioc: no output list");
    goto done;
  }
  *out = NULL;
  if (!opts) {
    ctix_ioc_options_init(&defaults);
    opts = &defaults;
  }
  if (!text && len) {
    rc = ctix__error_set(err, CTIX_EINVAL, "ioc: no input text");
    goto done;
  }
  if (len >= UINT32_MAX) { /* offsets are 32 bits (ctix_ioc_span) */
    rc = ctix__error_set(err, CTIX_ETOOBIG,
                         "ioc: input of %zu bytes exceeds the limit of %zu bytes", len,
                         (size_t)UINT32_MAX - 1);
    goto done;
  }
  if (opts->max_input && len > opts->max_input) {
    rc = ctix__error_set(err, CTIX_ETOOBIG,
                         "ioc: input of %zu bytes exceeds the limit of %zu bytes", len,
                         opts->max_input);
    goto done;
  }
  if ((rc = ctix__ioc_builder_new(&b, text, len, opts)))
    goto fail;
  memset(&scan, 0, sizeof(scan));
  scan.opts = opts;
  scan.doc = doc;
  scan.priv = b;
  while (pos < len) {
    size_t end = segment_end(text, len, pos);
    ctix__buf_reset(&scanned);
    ctix__buf_reset(&edits);
    if ((rc = ctix__ioc_refang_into(&scanned, &edits, text + pos, end - pos)))
      goto fail;
    ctix__ioc_builder_segment(b, pos, (const ctix__ioc_edit *)(void *)edits.data,
                              CTIX__BUF_COUNT(&edits, ctix__ioc_edit));
    scan.text = scanned.data ? scanned.data : "";
    scan.len = scanned.len;
    scan.resume = 0;
    if ((rc = ctix__ioc_scan_text(&scan)))
      goto fail;
    pos = end;
  }
  if ((rc = ctix__ioc_builder_finish(b, out)))
    goto fail;
  if (scan.tld_programs &&
      (rc = ctix__ioc_triage_one_type((ctix_ioc *)(*out)->items, (*out)->nitems,
                                       (*out)->hits, (*out)->nhits, text, len))) {
    ctix_ioc_list_free(*out);
    *out = NULL;
    goto fail;
  }
  goto done;
fail:
  if (rc == CTIX_ETOOBIG)
    rc = ctix__error_set(err, rc, "ioc: too many observables in the input");
  else
    rc = ctix__error_set(err, rc, "ioc: out of memory");
done:
  ctix__ioc_builder_free(b);
  ctix__buf_free(&scanned);
  ctix__buf_free(&edits);
  return rc;
}

int ctix_ioc_extract(ctix_ioc_list **out, const char *text, size_t len,
                     const ctix_ioc_options *opts, ctix_error *err)
{
  return extract(out, text, len, opts, NULL, err);
}

int ctix_ioc_extract_document(ctix_ioc_list **out, const ctix_document *doc,
                              const ctix_ioc_options *opts, ctix_error *err)
{
  if (!doc) {
    if (out)
      *out = NULL;
    return ctix__error_set(err, CTIX_EINVAL, "ioc: no document");
  }
  {
    int rc = extract(out, doc->text, doc->len, opts, doc, err);
    /* Reference sections (triage.c): on the finished list, in text offsets. */
    if (rc == 0 && *out &&
        (rc = ctix__ioc_triage_references((ctix_ioc *)(*out)->items, (*out)->nitems,
                                          (*out)->hits, (*out)->nhits, doc))) {
      ctix_ioc_list_free(*out);
      *out = NULL;
      rc = ctix__error_set(err, rc, "ioc: out of memory");
    }
    return rc;
  }
}
