/* ocirt: `exec`, a new process in a running container.
 *
 * The runtime opens the container init's namespaces (/proc/<pid>/ns/<type>, then checks with a
 * pidfd that the init is still the same process), enters its pid and time namespaces for its
 * children only, and forks the new process directly: it is born inside the pid namespace and
 * stays our child, so a foreground exec can wait for it.  The child is made non-dumpable, is
 * born in the container's cgroup (v2, CLONE_INTO_CGROUP) or moves itself there first thing
 * (v1 tasks files), joins the user namespace first and then the others,
 * chroots to the init's root, and applies the process's rlimits, terminal, labels, seccomp,
 * capabilities, user, cwd and no_new_privs before execve.  Setup errors come back over a
 * SOCK_SEQPACKET socket (close-on-exec, so EOF without an error means the exec succeeded). */
#ifndef OCIRT_EXEC_H
#define OCIRT_EXEC_H

#include <stdbool.h>

#include "error.h"
#include "ocispec.h"

/* Overrides of the container's process, as runc's exec flags give them. */
typedef struct
{
  char **args;           /* NULL-terminated, required */
  char **env;            /* KEY=VALUE to add or replace, NULL-terminated (may be NULL) */
  const char *cwd;
  const char *user;      /* "UID[:GID]" */
  char **additional_gids;
  char **caps;           /* added to bounding, effective, permitted */
  const char *apparmor;
  const char *label;
  bool terminal;
  bool no_new_privs;
} ocirt_exec_overrides;

typedef struct
{
  const char *root;
  const char *id;
  /* The process to run (taken over by ocirt_container_exec: freed there), e.g. from
   * ocirt_exec_process_from_file().  NULL: the container's own process (from its saved
   * config.json) with `overrides` applied. */
  oci_process *process;
  const ocirt_exec_overrides *overrides;
  const char *console_socket; /* with process->terminal: receives the pty master */
  const char *pid_file;
  const char *cgroup_sub;     /* --cgroup: a sub-cgroup of the container's, relative */
  int preserve_fds;
  bool detach;
} ocirt_exec_opts;

/* A process from a JSON file (runc exec --process), validated. */
int ocirt_exec_process_from_file (const char *path, oci_process **out, ocirt_error_t *err);

/* Validate a --cgroup argument: "[controllers:]path", path relative without "..".  *sub points
 * into arg. */
int ocirt_exec_parse_cgroup (const char *arg, const char **sub, ocirt_error_t *err);

/* Run o->process in the container.  Foreground: waits, forwarding signals (and the terminal
 * when there is no console socket), and returns the exit code (128+N when killed by signal N).
 * Detached: returns 0 once the program has been exec'd.  -1 with *err on failure (nothing is
 * left running). */
int ocirt_container_exec (ocirt_exec_opts *o, ocirt_error_t *err);

#endif
