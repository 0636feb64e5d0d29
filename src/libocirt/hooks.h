/* ocirt: OCI hooks.  Each hook gets the container state JSON on stdin, its own args/env, and
 * is killed when its `timeout` (seconds) expires.  The caller decides where it runs: prestart
 * and createRuntime in the runtime's namespaces (parent), createContainer and startContainer
 * in the container's (child), poststart and poststop in the runtime's. */
#ifndef OCIRT_HOOKS_H
#define OCIRT_HOOKS_H

#include "error.h"
#include "ocispec.h"

/* Run every hook of `list` in order; the first failure stops and is returned.  `stage` is the
 * spec name ("prestart", "createRuntime", ...), used in messages. */
int ocirt_hooks_run (const oci_hook_list *list, const char *stage, const oci_state *state, ocirt_error_t *err);

/* For createContainer and startContainer, run by the container's init: the state says `status`
 * and carries the init's own pid as the hook sees it (it runs in the container's pid
 * namespace), as runc does. */
int ocirt_hooks_run_in_container (const oci_hook_list *list, const char *stage, const oci_state *state, const char *status,
                                  ocirt_error_t *err);

#endif
