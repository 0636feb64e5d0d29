/* ocirt: the container lifecycle, as the CLI commands use it.
 *
 * create: parse and validate the config, take the id (state dir), make the cgroup, clone the
 *   init with its namespaces, let it set up the rootfs and process, and leave it blocked on
 *   exec.fifo.  start: open the fifo (init proceeds to exec), run poststart hooks.
 *   delete: kill if forced, poststop hooks, remove cgroup and state.
 * Every failure in create undoes what was done: the init is killed, the cgroup and the state
 * dir are removed. */
#ifndef OCIRT_CONTAINER_H
#define OCIRT_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup.h"
#include "error.h"
#include "ocispec.h"
#include "state.h"

typedef struct
{
  const char *root;           /* --root */
  const char *id;
  const char *bundle;         /* as given (made absolute inside) */
  const char *config_file;    /* NULL = <bundle>/config.json */
  const char *pid_file;
  const char *console_socket;
  int preserve_fds;
  bool no_pivot;
  bool no_new_keyring;
  bool systemd_cgroup;
  bool keep_terminal_master;  /* foreground run: the caller proxies the pty itself */
  bool detached;              /* recorded in the state (run -d / create) */
} ocirt_create_opts;

typedef struct
{
  ocirt_state_dir *dir;
  oci_config *config;
  ocirt_status *status;
  ocirt_cgroup *cgroup;
  pid_t pid;
  int pidfd;
  int terminal_master; /* with keep_terminal_master, else -1 */
} ocirt_container;

void ocirt_container_free (ocirt_container *c);
static inline void
ocirt_container_freep (ocirt_container **c)
{
  if (*c)
    ocirt_container_free (*c);
}
#define cleanup_container __attribute__ ((cleanup (ocirt_container_freep)))

/* Load and validate <bundle>/config.json; errors name the JSON path. */
int ocirt_config_load (const char *bundle, const char *config_file, oci_config **out, ocirt_error_t *err);
/* Semantic checks beyond the parser (namespaces, mounts, process, hostname...). */
int ocirt_config_validate (const oci_config *c, ocirt_error_t *err);

int ocirt_container_create (const ocirt_create_opts *o, ocirt_container **out, ocirt_error_t *err);
/* Release a created container: the process execs its program.  `c` may come from create (run)
 * or be NULL, in which case root/id are used to find it. */
int ocirt_container_start (const char *root, const char *id, ocirt_container *c, ocirt_error_t *err);
int ocirt_container_delete (const char *root, const char *id, bool force, ocirt_error_t *err);
/* delete --force of the container run has in hand, without reading it back from disk: its
 * dir is locked again and, if another delete removed it meanwhile (even if a new container
 * took the id since), nothing is done but the error. */
int ocirt_container_delete_own (ocirt_container *c, ocirt_error_t *err);
int ocirt_container_kill (const char *root, const char *id, int sig, bool all, ocirt_error_t *err);
/* Make c's cgroup from c->config (linux.cgroupsPath, resources plus the default device rules);
 * nothing on a host without cgroups.  Used by create and restore. */
int ocirt_container_setup_cgroup (ocirt_container *c, const char *id, ocirt_error_t *err);
/* The runtime-spec state (status computed live, paused from the cgroup). */
int ocirt_container_state (const char *root, const char *id, oci_state **out, ocirt_error_t *err);
/* pause (freeze the cgroup of a running container) or resume (thaw a paused one). */
int ocirt_container_pause (const char *root, const char *id, bool pause, ocirt_error_t *err);
/* Open a container for commands that need its record and cgroup (update, pause, ps, events). */
int ocirt_container_load (const char *root, const char *id, bool lock, ocirt_container **out, ocirt_error_t *err);
/* Fill an oci_state from a loaded container. */
oci_state *ocirt_container_make_state (ocirt_container *c, const char *status);
/* The status ("created", "running", "paused", "stopped") of a loaded container. */
const char *ocirt_container_status (ocirt_container *c);

/* `run` in the foreground: forward signals and the terminal to the container's process until it
 * exits, then delete the container (unless keep).  Returns its exit code (128+N if killed by
 * signal N), or -1 with *err. */
int ocirt_run_foreground (ocirt_container *c, bool keep, ocirt_error_t *err);

/* State root of the calling user: /run/ocirt for root, $XDG_RUNTIME_DIR/ocirt otherwise. */
char *ocirt_default_root (void);

#endif
