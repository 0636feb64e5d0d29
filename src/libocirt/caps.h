/* ocirt: process.capabilities through libcap. */
#ifndef OCIRT_CAPS_H
#define OCIRT_CAPS_H

#include "error.h"
#include "ocispec.h"

/* "CAP_SYS_ADMIN" -> 21; -1 when unknown to this kernel/libcap. */
int ocirt_cap_from_name (const char *name);
/* All capability names this build knows (NULL-terminated), for `features`. */
const char *const *ocirt_cap_names (void);
/* Drop from the bounding set every capability not in caps->bounding.  Must run while the
 * process still has CAP_SETPCAP, i.e. before the uid change. */
int ocirt_caps_apply_bounding (const oci_capabilities *caps, ocirt_error_t *err);
/* Set effective/permitted/inheritable and raise ambient, after the uid change (which ran with
 * PR_SET_KEEPCAPS).  A capability the kernel does not know is warned about by name and skipped
 * (runtime-spec 1.1). */
int ocirt_caps_apply (const oci_capabilities *caps, ocirt_error_t *err);

#endif
