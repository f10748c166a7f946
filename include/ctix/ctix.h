/*
 * ctix public API, all modules. Include this or the module headers.
 */
#ifndef CTIX_CTIX_H
#define CTIX_CTIX_H

#include "ctix/analysis.h"
#include "ctix/document.h"
#include "ctix/error.h"
#include "ctix/report.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version, e.g. "0.1.0". */
const char *ctix_version(void);

#ifdef __cplusplus
}
#endif
#endif
