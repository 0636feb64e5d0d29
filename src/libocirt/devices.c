/* ocirt: /dev inside the container: the default nodes every runtime provides, linux.devices,
 * and the standard symlinks.  Nodes are made with mknodat() through a directory fd resolved in
 * the rootfs; in a user namespace (no mknod) the host node is bind-mounted onto an empty file. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mounts.h"
#include "paths.h"
#include "utils.h"

static const struct
{
  const char *path;
  int major, minor;
} default_devices[] = {
  { "/dev/null", 1, 3 },    { "/dev/zero", 1, 5 }, { "/dev/full", 1, 7 },
  { "/dev/random", 1, 8 },  { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
};

static const struct
{
  const char *target;
  const char *link;
} default_links[] = {
  { "/proc/self/fd", "/dev/fd" },      { "/proc/self/fd/0", "/dev/stdin" }, { "/proc/self/fd/1", "/dev/stdout" },
  { "/proc/self/fd/2", "/dev/stderr" }, { "pts/ptmx", "/dev/ptmx" },
};

/* What the cgroup device controller allows besides the config's rules, appended after them as
 * runc, crun and youki do: the nodes above, the console, ptmx and ptys, /dev/net/tun, and
 * mknod (only) of any node, which images and package scripts expect. */
static const oci_device_cgroup default_rules[] = {
  { .allow = true, .type = (char *) "c", .access = (char *) "m" },
  { .allow = true, .type = (char *) "b", .access = (char *) "m" },
  { .allow = true, .type = (char *) "c", .has_major = true, .major = 1, .has_minor = true, .minor = 3, .access = (char *) "rwm" },
  { .allow = true, .type = (char *) "c", .has_major = true, .major = 1, .has_minor = true, .minor = 5, .access = (char *) "rwm" },
  { .allow = true, .type = (char *) "c", .has_major = true, .major = 1, .has_minor = true, .minor = 7, .access = (char *) "rwm" },
  { .allow = true, .type = (char *) "c", .has_major = true, .major = 1, .has_minor = true, .minor = 8, .access = (char *) "rwm" },
  { .allow = true, .type = (char *) "c", .has_major = true, .major = 1, .has_minor = true, .minor = 9, .access = (char *) "rwm" },
  { .allow = true, .type = (char *) "c", .has_major = true, .major = 5, .has_minor = true, .minor = 0, .access = (char *) "rwm" },
  { .allow = true, .type = (char *) "c", .has_major = true, .major = 5, .has_minor = true, .minor = 1, .access = (char *) "rwm" },
  { .allow = true, .type = (char *) "c", .has_major = true, .major = 5, .has_minor = true, .minor = 2, .access = (char *) "rwm" },
  { .allow = true, .type = (char *) "c", .has_major = true, .major = 136, .has_minor = true, .minor = -1, .access = (char *) "rwm" },
  { .allow = true, .type = (char *) "c", .has_major = true, .major = 10, .has_minor = true, .minor = 200, .access = (char *) "rwm" },
};

const oci_device_cgroup *
ocirt_default_device_rules (size_t *n)
{
  *n = ARRAY_SIZE (default_rules);
  return default_rules;
}

static int
make_node (int rootfd, const char *path, mode_t type, mode_t perm, int maj, int min, bool bind,
           bool has_uid, uid_t uid, bool has_gid, gid_t gid, ocirt_error_t *err)
{
  cleanup_free char *parent = xstrdup (path);
  char *name = strrchr (parent, '/');
  cleanup_close int dfd = -1, node = -1;

  if (name == NULL || name[1] == '\0')
    return ocirt_error_set (err, 0, "invalid device path `%s`", path);
  *name++ = '\0';
  /* (an O_PATH fd serves as the dirfd of the *at calls below) */
  dfd = ocirt_mkpath_in_root (rootfd, parent[0] ? parent : "/", false, err);
  if (dfd < 0)
    return -1;
  /* A node already there (from the rootfs) is replaced; unlinkat never follows symlinks. */
  if (unlinkat (dfd, name, 0) < 0 && errno != ENOENT && errno != EISDIR)
    return ocirt_error_errno (err, "remove %s", path);
  if (bind)
    {
      cleanup_close int tree = -1;
      struct stat hst;
      int f = openat (dfd, name, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0000);
      if (f < 0)
        return ocirt_error_errno (err, "create %s", path);
      close (f);
      node = openat (dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (node < 0)
        return ocirt_error_errno (err, "open %s", path);
      /* The host node at the same path, if it is the same device. */
      if (stat (path, &hst) < 0 || (hst.st_mode & S_IFMT) != type || hst.st_rdev != makedev (maj, min))
        return ocirt_error_set (err, ENODEV, "bind device %s: no host node %d:%d at that path", path, maj, min);
      tree = syscall (SYS_open_tree, AT_FDCWD, path, 1 /* OPEN_TREE_CLONE */ | O_CLOEXEC);
      if (tree < 0)
        return ocirt_error_errno (err, "bind device %s from the host", path);
      if (syscall (SYS_move_mount, tree, "", node, "", 0x4 | 0x40) < 0)
        return ocirt_error_errno (err, "bind device %s from the host", path);
      return 0;
    }
  if (mknodat (dfd, name, type | perm, makedev (maj, min)) < 0)
    return ocirt_error_errno (err, "mknod %s", path);
  /* mknod honours the umask: set the mode the config asked for exactly. */
  if (fchmodat (dfd, name, perm, 0) < 0)
    return ocirt_error_errno (err, "chmod %s", path);
  if (!has_uid && !has_gid)
    return 0;
  node = openat (dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (node < 0)
    return ocirt_error_errno (err, "open %s", path);
  if (fchownat (node, "", has_uid ? uid : (uid_t) -1, has_gid ? gid : (gid_t) -1, AT_EMPTY_PATH) < 0)
    return ocirt_error_errno (err, "chown %s", path);
  return 0;
}

int
ocirt_devices_create (int rootfd, const oci_config *c, bool bind_from_host, ocirt_error_t *err)
{
  const oci_linux *l = c->linux_;
  size_t i, j;

  for (i = 0; i < ARRAY_SIZE (default_devices); i++)
    {
      bool overridden = false;
      for (j = 0; l && j < l->devices_len; j++)
        if (strcmp (l->devices[j].path, default_devices[i].path) == 0)
          overridden = true;
      if (!overridden && make_node (rootfd, default_devices[i].path, S_IFCHR, 0666, default_devices[i].major,
                                    default_devices[i].minor, bind_from_host, false, 0, false, 0, err) < 0)
        return -1;
    }
  for (i = 0; l && i < l->devices_len; i++)
    {
      const oci_device *d = &l->devices[i];
      mode_t type;
      if (d->path == NULL || d->path[0] != '/' || strstr (d->path, "/../") || has_suffix (d->path, "/.."))
        return ocirt_error_set (err, 0, "linux.devices[%zu].path: `%s` is not a clean absolute path", i,
                                d->path ? d->path : "");
      if (d->type == NULL)
        return ocirt_error_set (err, 0, "linux.devices[%zu].type: required", i);
      if (strcmp (d->type, "c") == 0 || strcmp (d->type, "u") == 0)
        type = S_IFCHR;
      else if (strcmp (d->type, "b") == 0)
        type = S_IFBLK;
      else if (strcmp (d->type, "p") == 0)
        type = S_IFIFO;
      else
        return ocirt_error_set (err, 0, "linux.devices[%zu].type: unknown device type `%s`", i, d->type);
      if (make_node (rootfd, d->path, type, d->has_file_mode ? (d->file_mode & 07777) : 0666, d->major, d->minor,
                     bind_from_host && type != S_IFIFO, d->has_uid, d->uid, d->has_gid, d->gid, err) < 0)
        return ocirt_error_wrap (err, "linux.devices[%zu]", i);
    }
  {
    cleanup_close int dev = ocirt_open_in_root (rootfd, "/dev", O_RDONLY | O_DIRECTORY, err);
    if (dev < 0)
      return -1;
    for (i = 0; i < ARRAY_SIZE (default_links); i++)
      if (symlinkat (default_links[i].target, dev, default_links[i].link + 5) < 0 && errno != EEXIST)
        return ocirt_error_errno (err, "symlink %s", default_links[i].link);
    if (access ("/proc/kcore", F_OK) == 0 && symlinkat ("/proc/kcore", dev, "core") < 0 && errno != EEXIST)
      return ocirt_error_errno (err, "symlink /dev/core");
  }
  return 0;
}
