/* ocirt: run from a sealed in-memory copy of our own binary (CVE-2019-5736).
 *
 * A process of the container that can see one of ocirt's processes in its pid namespace (exec,
 * or create joining an existing pid namespace) could open /proc/<pid>/exe and, once ocirt
 * exits, rewrite the host's ocirt binary.  When running from a sealed memfd, that file is the
 * copy, and the seals make it unwritable. */
#ifndef OCIRT_SELFEXE_H
#define OCIRT_SELFEXE_H

#include <stdbool.h>

#include "error.h"

/* Remember argv for a later re-exec (main() calls it first). */
void ocirt_selfexe_init (char **argv);
/* True when /proc/self/exe is a memfd with all the seals we set. */
bool ocirt_self_is_sealed (void);
/* If not yet sealed: copy /proc/self/exe into a sealed memfd and make it our exe in place
 * (every mapping of the binary swapped for the copy's pages, then prctl PR_SET_MM_MAP), or,
 * where that is refused, fexecve it with the same argv and environment (no return on
 * success).  Then, or when already sealed: mark the process non-dumpable (as root) until the
 * next execve, and return 0.  Single-threaded callers only. */
int ocirt_ensure_sealed_self (ocirt_error_t *err);

#endif
