/* Stand-ins for libocispec functions that may not be implemented yet, for unit tests only.
 *
 * Linked as an archive AFTER libocispec.a, with -u for each symbol: the linker takes the real
 * function from libocispec.a when it exists, and this weak stand-in only when it does not.
 * A test tells them apart with ocispec_missing(): true when it got the stand-in. */
#include <config.h>

#include <stdbool.h>
#include <stddef.h>

#include "ocispec-missing.h"

char *
ocispec_missing_generate (const oci_config *c, bool pretty)
{
  return NULL;
}

oci_config *
ocispec_missing_parse_data (const char *name, const char *data, size_t len, char **err)
{
  if (err)
    *err = NULL;
  return NULL;
}

void
ocispec_missing_free (oci_config *c)
{
}

char *oci_config_generate (const oci_config *c, bool pretty)
    __attribute__ ((weak, alias ("ocispec_missing_generate")));
oci_config *oci_config_parse_data (const char *name, const char *data, size_t len, char **err)
    __attribute__ ((weak, alias ("ocispec_missing_parse_data")));
void oci_config_free (oci_config *c) __attribute__ ((weak, alias ("ocispec_missing_free")));
