/* ocirt: the default config.json written by `ocirt spec`. */
#ifndef OCIRT_SPEC_H
#define OCIRT_SPEC_H

#include <stdbool.h>

#include "ocispec.h"

/* The ociVersion we write.  runc 1.1.5 writes "1.0.2-dev"; the content below is runc 1.1.5's
 * (valid under every 1.x), and 1.2.0 is the spec version whose features ocirt implements.
 * It is deliberately not OCISPEC_VERSION, which is the newest version we parse. */
#define OCIRT_SPEC_OCI_VERSION "1.2.0"
#define OCIRT_SPEC_HOSTNAME "ocirt"

/* A new config equal to what `runc spec` (rootless: `runc spec --rootless`) writes, except
 * ociVersion and hostname (see above).  The rootless variant maps container root to the
 * caller's euid/egid.  Never fails (allocation failure aborts); free with oci_config_free. */
oci_config *ocirt_spec_default (bool rootless);

#endif
