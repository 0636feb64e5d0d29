/* ocirt: the cgroup manager.  One interface, two drivers (cgroup v1 incl. hybrid hosts, and v2);
 * a systemd driver can be added behind the same calls.
 *
 * Lifetime: create() makes the cgroup(s) and applies linux.resources before any process is in
 * them; the container's init (and an exec process) is then placed with CLONE_INTO_CGROUP (v2,
 * clone_fd()) or by the child writing "0" to join fds the parent opened (prepare_join() /
 * join_self()), so no extra parent/child round trip is needed.  The path is saved in the state dir (ocirt_status) and
 * load() gets the manager back for update/pause/kill/delete. */
#ifndef OCIRT_CGROUP_H
#define OCIRT_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "ocispec.h"

typedef enum
{
  OCIRT_CGROUP_MODE_NONE = 0, /* no usable cgroup fs */
  OCIRT_CGROUP_MODE_V1,       /* legacy or hybrid: v1 controllers */
  OCIRT_CGROUP_MODE_V2,       /* unified */
} ocirt_cgroup_mode;

typedef struct ocirt_cgroup ocirt_cgroup;

/* statfs() of /sys/fs/cgroup (root may be overridden by $OCIRT_CGROUP_ROOT for tests? no: fixed). */
ocirt_cgroup_mode ocirt_cgroup_detect_mode (void);
/* The caller's /proc/self/mountinfo, read once per command (NULL if unreadable).  A container
 * init in a copy of the caller's mount namespace sees it as its own until it mounts anything. */
const char *ocirt_cgroup_host_mountinfo (void);
const char *ocirt_cgroup_mode_name (ocirt_cgroup_mode mode); /* "v1" "v2" "none" */

/* Resolve linux.cgroupsPath.
 * - NULL: the default "/ocirt/<id>" (absolute).  runc's default is the relative "<id>" below its
 *   own cgroup; ocirt deliberately differs: on v2 the caller's cgroup may hold processes (no
 *   internal processes rule) and on hybrid hosts it may belong to another manager.
 * - absolute: used as is, below each hierarchy root (each v1 controller mount, or the v2 root).
 * - relative: below the caller's own cgroup (/proc/self/cgroup), as runc does.  runc resolves
 *   it per v1 controller; ocirt keeps one path per container, so on a v1 host where the caller
 *   is in different cgroups per controller a relative path is refused (use an absolute one).
 * - refused: "", anything normalizing to the root ("/", "//", "/."), any ".." component, and
 *   systemd "slice:prefix:name" syntax ("systemd cgroup driver not supported yet").
 * "." and empty components are dropped.  *out is malloc'd, starts with '/', never the root. */
int ocirt_cgroup_resolve_path (const char *cgroups_path, const char *id, char **out, ocirt_error_t *err);

/* Create the cgroup (mkdir on the way down, enabling v2 controllers in subtree_control of each
 * ancestor it needs), remember which directories it created, and apply `res` (may be NULL).
 * On failure removes what it created.  */
int ocirt_cgroup_create (const char *path, const oci_resources *res, ocirt_cgroup **out, ocirt_error_t *err);

/* Recreate the manager of an existing container from its saved path/driver. */
int ocirt_cgroup_load (const char *path, const char *driver, bool owned, ocirt_cgroup **out, ocirt_error_t *err);

void ocirt_cgroup_free (ocirt_cgroup *cg);
#define cleanup_cgroup __attribute__ ((cleanup (ocirt_cgroup_freep)))
static inline void
ocirt_cgroup_freep (ocirt_cgroup **cg)
{
  if (*cg)
    ocirt_cgroup_free (*cg);
}

/* True when create() made the leaf in every hierarchy: only then may destroy() remove it after
 * a reload (the state records this as cgroup_owned).  A leaf that existed before is never
 * removed, nor are intermediate levels once the container is reloaded (they may be shared). */
bool ocirt_cgroup_owns_leaf (const ocirt_cgroup *cg);
/* Once the container exists, the levels above its leaf are shared with any container made
 * under them since: from then on destroy() removes only the leaf, as after a reload.  Until
 * then a failed create takes back every level it made. */
void ocirt_cgroup_disown_parents (ocirt_cgroup *cg);
const char *ocirt_cgroup_get_path (const ocirt_cgroup *cg);
ocirt_cgroup_mode ocirt_cgroup_get_mode (const ocirt_cgroup *cg);

/* Parent, before clone: open what the child needs to get into the leaf, or into its
 * sub-cgroup `sub` (exec --cgroup: relative, no ".."; made if missing; NULL for the leaf):
 * the v1 <controller>/tasks files or the v2 cgroup.procs, and on v2 the directory for
 * clone3(CLONE_INTO_CGROUP).  A single-threaded child then joins with join_self(). */
int ocirt_cgroup_prepare_join (ocirt_cgroup *cg, const char *sub, ocirt_error_t *err);
/* v2: the O_DIRECTORY fd opened by prepare_join, for CLONE_INTO_CGROUP; -1 on v1.  Owned by cg. */
int ocirt_cgroup_clone_fd (const ocirt_cgroup *cg);
/* Child, right after clone (still sharing nothing with the parent but these fds): write "0". */
int ocirt_cgroup_join_self (ocirt_cgroup *cg, ocirt_error_t *err);
/* Parent side, after the clone: close the fds opened by prepare_join. */
void ocirt_cgroup_close_join (ocirt_cgroup *cg);

int ocirt_cgroup_update (ocirt_cgroup *cg, const oci_resources *res, ocirt_error_t *err);
int ocirt_cgroup_freeze (ocirt_cgroup *cg, bool freeze, ocirt_error_t *err);
/* 1 frozen, 0 not, <0 error */
int ocirt_cgroup_is_frozen (ocirt_cgroup *cg, ocirt_error_t *err);
/* All pids in the cgroup (recursively), malloc'd. */
int ocirt_cgroup_pids (ocirt_cgroup *cg, pid_t **pids, size_t *n, ocirt_error_t *err);
/* Signal every process in the cgroup (freezing it first on v1 so forks can't escape). */
int ocirt_cgroup_kill_all (ocirt_cgroup *cg, int sig, ocirt_error_t *err);
/* Remove the leaves ocirt created (only those), after killing stray processes if `force`. */
int ocirt_cgroup_destroy (ocirt_cgroup *cg, bool force, ocirt_error_t *err);

/* Statistics for `events`: cpu, memory, pids, blkio, hugetlb as the runc events JSON "data"
 * object (written with the libocispec writer). */
int ocirt_cgroup_write_stats (ocirt_cgroup *cg, ocispec_jw *w, ocirt_error_t *err);
/* An fd that becomes readable on an OOM event (v1: eventfd on memory.oom_control; v2: inotify
 * on memory.events) and a counter read; -1 if unsupported. */
int ocirt_cgroup_oom_fd (ocirt_cgroup *cg, ocirt_error_t *err);
int ocirt_cgroup_oom_count (ocirt_cgroup *cg, uint64_t *count, ocirt_error_t *err);

/* Number of BPF_CGROUP_DEVICE programs attached to the leaf (v2; 0 on v1), for checks/tests. */
int ocirt_cgroup_device_programs (ocirt_cgroup *cg, ocirt_error_t *err);

/* The v1 controllers and v2 files this build can manage (for `features`). */
const char *const *ocirt_cgroup_controllers (void);

#endif
