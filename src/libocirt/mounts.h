/* ocirt: the container's filesystem: rootfs, mounts[], /dev, pivot_root, masked and read-only
 * paths.  Mounts follow bubblewrap's "plan, then apply": config options are parsed into a
 * plan in the parent (so a bad option fails before any process exists), then the child
 * applies it in order, each destination resolved inside the rootfs and mounted through an fd. */
#ifndef OCIRT_MOUNTS_H
#define OCIRT_MOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "ocispec.h"

struct ocirt_mount_op
{
  const oci_mount *m;
  char *source;           /* resolved: bind sources absolute (relative ones are bundle-relative) */
  unsigned long flags;    /* MS_* set at mount time */
  unsigned long clear;    /* MS_* explicitly cleared (rw, suid, ...) */
  unsigned long propagation; /* MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE (| MS_REC) */
  uint64_t attr_set;      /* MOUNT_ATTR_* applied recursively (rro, rnosuid, ...) */
  uint64_t attr_clr;
  char *data;             /* remaining options, comma-joined; NULL when none */
  bool bind;
  bool recursive;         /* rbind */
  bool tmpcopyup;         /* copy the hidden directory's content into the new tmpfs */
};

struct ocirt_mount_plan
{
  struct ocirt_mount_op *ops;
  size_t n;
  unsigned long root_propagation; /* rootfsPropagation or MS_SLAVE|MS_REC */
  bool dev_is_bind;               /* /dev comes from the host: don't create nodes */
  bool has_dev_mount;
};

/* Parse mounts[] and linux.rootfsPropagation.  `bundle` resolves relative bind sources. */
int ocirt_mount_plan_build (const oci_config *c, const char *bundle, struct ocirt_mount_plan *plan,
                            ocirt_error_t *err);
void ocirt_mount_plan_free (struct ocirt_mount_plan *plan);

/* Mount option name -> how it's applied, for `features` (NULL-terminated list of names). */
const char *const *ocirt_mount_option_names (void);

struct ocirt_rootfs_ctx
{
  const oci_config *config;
  const struct ocirt_mount_plan *plan;
  const char *rootfs;          /* absolute host path */
  const char *cgroup_path;     /* container cgroup, for v1 bind mounts; NULL if none */
  int cgroup_mode;             /* ocirt_cgroup_mode */
  bool new_userns;
  bool new_cgroupns;
  bool new_netns;
  bool no_pivot;
  const char *console_path;    /* pty slave to bind at /dev/console, NULL for none */
  bool parent_mounts;          /* this mount namespace is a copy of the runtime's (not joined) */
};

/* Child, in its mount namespace: propagation of "/", bind the rootfs, apply the plan, create
 * /dev.  Leaves the rootfs ready for pivot. */
int ocirt_rootfs_prepare (struct ocirt_rootfs_ctx *ctx, ocirt_error_t *err);
/* pivot_root (or MS_MOVE + chroot with no_pivot) and detach the old root. */
int ocirt_rootfs_pivot (struct ocirt_rootfs_ctx *ctx, ocirt_error_t *err);
/* After pivot: /dev/console, masked paths, read-only paths, root.readonly. */
int ocirt_rootfs_finalize (struct ocirt_rootfs_ctx *ctx, ocirt_error_t *err);

/* devices.c */
int ocirt_devices_create (int rootfd, const oci_config *c, bool bind_from_host, ocirt_error_t *err);
/* The device cgroup rules to add to linux.resources.devices for the default nodes. */
const oci_device_cgroup *ocirt_default_device_rules (size_t *n);

#endif
