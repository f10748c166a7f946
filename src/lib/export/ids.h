/*
 * Deterministic identifiers for the export writers: RFC 4122 name-based
 * UUIDs (version 5, SHA-1) and the RFC 8785 (JCS) canonical form of JSON
 * strings that STIX 2.1 hashes to make SCO ids. Two namespaces are used:
 * the STIX namespace of the specification for SCOs and ctix's own
 * namespace (docs/stix.md) for everything ctix names itself.
 */
#ifndef CTIX_EXPORT_IDS_H
#define CTIX_EXPORT_IDS_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* 00abedb4-aa42-466c-9c01-fed23315a9b7: SCO ids (STIX 2.1, 2.9). */
extern const uint8_t ctix__uuid_ns_stix[16];
/* 84c756a2-823e-4ca7-8c96-0ced4ba2c6dc: ids of objects ctix names (docs/stix.md). */
extern const uint8_t ctix__uuid_ns_ctix[16];

#define CTIX__UUID_STR 37 /* 36 characters and a NUL */

/* UUIDv5 of name[0..n) under `ns`, as lower-case text in out. */
void ctix__uuid5(char out[CTIX__UUID_STR], const uint8_t ns[16], const char *name, size_t n);

/*
 * Appends s[0..n) as a JCS string (RFC 8785 3.2.2.2): in quotes, '"' and
 * '\\' escaped, \b \f \n \r \t short, other C0 controls as \u00xx, every
 * other code point as raw UTF-8; invalid UTF-8 becomes U+FFFD exactly as
 * util/json.h writes it, so the canonical form matches what a reader of
 * our output decodes.
 */
void ctix__jcs_string(ctix_buf *b, const char *s, size_t n);

#endif
