/* ocirt: checkpoint and restore through CRIU.
 *
 * libcriu is loaded with dlopen ("libcriu.so.2") on first use, so ocirt runs (and every other
 * command works) where criu is not installed; ocirt_criu_available() says whether it is.
 * libcriu talks to a `criu swrk` child over its RPC socket; restore uses criu_restore_child,
 * so the restored init becomes a child of ocirt (criu restores it as its sibling) and a
 * foreground restore can wait for it like `run` does.
 *
 * checkpoint: the init's process tree is dumped to --image-path; bind mounts from mounts[] and
 *   masked files (/dev/null binds) are declared external mounts keyed by their destination,
 *   namespaces joined by path are external, the cgroup is the freezer.  descriptors.json in
 *   the image dir records where fds 0-2 pointed (for pipes handed back on restore).  Without
 *   --leave-running criu kills the tree and the container is recorded as stopped.
 * restore: a new container record (a stopped one under the same id is replaced), the cgroup
 *   created with linux.resources and given to criu as the cgroup root, the rootfs bound at
 *   <state dir>/criu-root as criu's --root, external mounts mapped back to the bundle's
 *   sources, prestart/createRuntime hooks at criu's "setup-namespaces", the pty master
 *   (terminal containers) sent to --console-socket. */
#ifndef OCIRT_CRIU_H
#define OCIRT_CRIU_H

#include <stdbool.h>

#include "container.h"
#include "error.h"

typedef struct
{
  const char *image_path;  /* NULL = ./checkpoint, as runc */
  const char *work_path;   /* logs; NULL = image_path */
  const char *parent_path; /* previous (pre-)dump, relative to image_path */
  bool leave_running;
  bool tcp_established;
  bool ext_unix_sk;
  bool shell_job;
  bool file_locks;
  bool pre_dump;
  int manage_cgroups_mode; /* enum criu_cg_mode; -1 = soft, as runc */
} ocirt_criu_opts;

/* libcriu can be loaded and a criu binary is in $PATH; else *why (static text) says what is
 * missing.  */
bool ocirt_criu_available (const char **why);

/* "soft", "full", "strict", "ignore" -> enum criu_cg_mode. */
int ocirt_criu_parse_cg_mode (const char *s, int *mode, ocirt_error_t *err);

int ocirt_container_checkpoint (const char *root, const char *id, const ocirt_criu_opts *o, ocirt_error_t *err);

/* `co` as for create (bundle, id, pid file, console socket, detached, keep_terminal_master).
 * On success *out is the restored, running container (its init a child of the caller). */
int ocirt_container_restore (const ocirt_create_opts *co, const ocirt_criu_opts *o, ocirt_container **out,
                             ocirt_error_t *err);

#endif
