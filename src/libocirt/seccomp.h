/* ocirt: linux.seccomp.  The profile is compiled to BPF in the runtime (before clone, so the
 * cache lives on the host), and installed by the container process as late as possible. */
#ifndef OCIRT_SECCOMP_H
#define OCIRT_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "ocispec.h"

typedef struct ocirt_seccomp ocirt_seccomp;

/* Compile `s` (or load the BPF cached under cache_dir, keyed by a hash of the profile and the
 * libseccomp version; cache_dir may be NULL for no cache).  Unknown syscall names are skipped
 * with a warning through log.h. */
int ocirt_seccomp_prepare (const oci_seccomp *s, const char *cache_dir, ocirt_seccomp **out, ocirt_error_t *err);
void ocirt_seccomp_free (ocirt_seccomp *sc);
/* True when the profile uses SCMP_ACT_NOTIFY (install returns a listener fd). */
bool ocirt_seccomp_wants_notify (const ocirt_seccomp *sc);
/* True when prepare found the program in the cache (libseccomp was not used at all). */
bool ocirt_seccomp_was_cached (const ocirt_seccomp *sc);
/* The compiled program (an array of struct sock_filter), *len in bytes. */
const void *ocirt_seccomp_bpf (const ocirt_seccomp *sc, size_t *len);
/* Install in the calling process (seccomp(2) with the profile's flags).  *notify_fd gets the
 * listener fd when the profile uses SCMP_ACT_NOTIFY, else -1; notify_fd may be NULL for a
 * profile without NOTIFY. */
int ocirt_seccomp_install (ocirt_seccomp *sc, int *notify_fd, ocirt_error_t *err);
/* Send the listener fd and the container state (JSON, with listenerMetadata) to the unix socket
 * at listener_path with SCM_RIGHTS, per runtime-spec "seccomp state". */
int ocirt_seccomp_send_listener (const oci_seccomp *s, int notify_fd, const oci_state *state, int pid,
                                 ocirt_error_t *err);

/* Names this build knows, for `features` (NULL-terminated). */
const char *const *ocirt_seccomp_actions (void);
const char *const *ocirt_seccomp_operators (void);
const char *const *ocirt_seccomp_archs (void);
const char *const *ocirt_seccomp_flags (void);

#endif
