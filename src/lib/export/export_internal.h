/*
 * Internal entry points of the export writers for other modules of
 * libctix: the STIX bundle built once in the forms its readers want (the
 * renderers embed it compact in report.html and draw report.md's graph
 * from its objects), and the records of those objects.
 */
#ifndef CTIX_EXPORT_INTERNAL_H
#define CTIX_EXPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "ctix/export.h"

/* What ctix__export_stix_build keeps (bits). */
enum {
  CTIX__STIX_PRETTY = 1,  /* the text as bundle.stix.json is written (indented) */
  CTIX__STIX_COMPACT = 2, /* the same JSON value without white space outside strings */
  CTIX__STIX_OBJECTS = 4  /* the records below */
};

/*
 * One object of the bundle as a reader of its JSON gets it back (strings
 * decoded, invalid UTF-8 as U+FFFD), in bundle order: what report.md's
 * graph reads. Strings are NULL when the object has no such member.
 */
typedef struct ctix__stix_obj {
  const char *type, *id;
  const char *name;
  const char *ext_id;   /* external_id of its first external reference that has one */
  const char *rel_type; /* a relationship's relationship_type, source_ref, target_ref */
  const char *src, *dst;
} ctix__stix_obj;

/* ctix_export_stix_bundle keeping only `forms`; the others are NULL / empty. */
int ctix__export_stix_build(ctix_stix_bundle **out, const ctix_analysis *a,
                            const ctix_export_options *opts, unsigned forms, ctix_error *err);

/* The CTIX__STIX_* forms `b` holds (a form not asked for may still be
 * there: the compact text comes with the records); 0 for NULL. */
unsigned ctix__stix_bundle_forms(const ctix_stix_bundle *b);

/* The object records of `b` (*n 0 and NULL when not kept); they live as long as b. */
const ctix__stix_obj *ctix__stix_bundle_objects(const ctix_stix_bundle *b, size_t *n);

#endif
