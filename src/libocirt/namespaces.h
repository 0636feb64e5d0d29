/* ocirt: linux.namespaces.  New namespaces are created by the clone3() that starts the
 * container's init whenever possible (one syscall, no unshare chain).  Namespaces given by
 * `path` are opened by the parent (so a bad path fails before any process exists) and joined:
 * pid and time by the parent for its children (setns then restore), the others by the child,
 * which then unshares whatever is still new. */
#ifndef OCIRT_NAMESPACES_H
#define OCIRT_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "ocispec.h"

#define OCIRT_NS_MAX 8

struct ocirt_ns_join
{
  int flag; /* CLONE_NEW* */
  const char *type;
  const char *path;
  int fd;
  size_t idx; /* in linux.namespaces, for messages */
};

struct ocirt_ns_plan
{
  int new_flags;       /* every namespace to create */
  int clone_flags;     /* the part created by clone3 itself */
  int unshare_flags;   /* the part the child unshares after joining */
  struct ocirt_ns_join join[OCIRT_NS_MAX]; /* in join order: user first, mount last */
  size_t n_join;
  int saved_pid_fd;  /* parent's own pid/time ns, to restore after clone */
  int saved_time_fd;
  bool has_pid_ns;   /* new or joined */
  bool new_user;
};

/* Type name -> CLONE_NEW* flag, 0 when unknown. */
int ocirt_ns_flag (const char *type);
const char *const *ocirt_ns_types (void); /* for `features` */

/* Validate (unknown type, duplicate type) and plan. */
int ocirt_ns_plan_build (const oci_linux *l, struct ocirt_ns_plan *plan, ocirt_error_t *err);
/* Parent, before clone: open every path (checking its type), enter pid/time for children and
 * create a new time namespace with linux.timeOffsets. */
int ocirt_ns_parent_prepare (struct ocirt_ns_plan *plan, const oci_linux *l, ocirt_error_t *err);
/* Parent, after clone: go back to its own pid/time namespaces. */
void ocirt_ns_parent_restore (struct ocirt_ns_plan *plan);
/* Child: join the remaining paths, then unshare what is still new (cgroupns after the cgroup
 * join, so its root is the container's cgroup). */
int ocirt_ns_child_join (struct ocirt_ns_plan *plan, ocirt_error_t *err);
void ocirt_ns_plan_close (struct ocirt_ns_plan *plan);
/* The plan joins an existing namespace of this CLONE_NEW* type (namespaces[].path). */
bool ocirt_ns_plan_joins (const struct ocirt_ns_plan *plan, int flag);
/* Parent: write /proc/<pid>/{uid_map,setgroups,gid_map} from linux.uidMappings/gidMappings. */
int ocirt_ns_write_id_maps (pid_t pid, const oci_linux *l, ocirt_error_t *err);

#endif
