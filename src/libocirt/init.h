/* ocirt: the container's init before it execs the user program.  It runs in the child made by
 * clone3(), with a copy of the parent's memory, and reports over the sync socket. */
#ifndef OCIRT_INIT_H
#define OCIRT_INIT_H

#include <stdbool.h>

#include "cgroup.h"
#include "mounts.h"
#include "namespaces.h"
#include "ocispec.h"
#include "seccomp.h"

struct ocirt_init_args
{
  const oci_config *config;
  const char *id;
  const char *rootfs;
  struct ocirt_ns_plan *ns;
  struct ocirt_mount_plan *mounts;
  ocirt_cgroup *cgroup;
  bool cgroup_join;   /* write ourselves into the cgroup (no CLONE_INTO_CGROUP) */
  bool unshare_cgroupns_after_join;
  ocirt_seccomp *seccomp;
  const oci_state *state; /* for hooks run inside (createContainer, startContainer) */
  int sync_fd;
  int fifo_fd;        /* O_PATH fd of exec.fifo */
  int preserve_fds;
  bool no_pivot;
  bool no_new_keyring;
  bool parent_hooks;  /* prestart/createRuntime exist: stop for the parent to run them */
};

/* Never returns: execs the program or _exit()s after reporting the error. */
void ocirt_init_run (struct ocirt_init_args *a) __attribute__ ((noreturn));

#endif
