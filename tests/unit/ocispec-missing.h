/* See ocispec-missing.c: weak stand-ins for not-yet-implemented libocispec functions. */
#ifndef OCISPEC_MISSING_H
#define OCISPEC_MISSING_H

#include <stdbool.h>
#include <stddef.h>

#include "ocispec.h"

char *ocispec_missing_generate (const oci_config *c, bool pretty);
oci_config *ocispec_missing_parse_data (const char *name, const char *data, size_t len, char **err);
void ocispec_missing_free (oci_config *c);

/* True when fn is one of the stand-ins above, i.e. libocispec does not provide it. */
#define ocispec_missing(fn) \
  ((void *) (fn) == (void *) ocispec_missing_generate || (void *) (fn) == (void *) ocispec_missing_parse_data \
   || (void *) (fn) == (void *) ocispec_missing_free)

#endif
