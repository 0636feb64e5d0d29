/* ocirt: rootfs and mounts (see mounts.h). */
#include <config.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup.h"
#include "log.h"
#include "lsm.h"
#include "mounts.h"
#include "paths.h"
#include "procfs.h"
#include "utils.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#define MOUNT_ATTR__ATIME 0x00000070
#define MOUNT_ATTR_RELATIME 0x00000000
#define MOUNT_ATTR_NOATIME 0x00000010
#define MOUNT_ATTR_STRICTATIME 0x00000020
#define MOUNT_ATTR_NODIRATIME 0x00000080
#endif
#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif

struct ocirt_mount_attr
{
  uint64_t attr_set;
  uint64_t attr_clr;
  uint64_t propagation;
  uint64_t userns_fd;
};

enum opt_kind
{
  OPT_FLAG,      /* set an MS_* flag */
  OPT_CLEAR,     /* clear an MS_* flag */
  OPT_PROPAGATE, /* MS_SHARED ... */
  OPT_RATTR,     /* recursive MOUNT_ATTR_* set */
  OPT_RATTR_CLR, /* recursive MOUNT_ATTR_* clear */
  OPT_BIND,
  OPT_RBIND,
  OPT_TMPCOPYUP, /* runc/crun extension: copy what the tmpfs hides into it */
};

/* mount(8) options and the recursive variants of runtime-spec 1.1 (mount_setattr). */
static const struct
{
  const char *name;
  enum opt_kind kind;
  uint64_t value;
} mount_options[] = {
  { "async", OPT_CLEAR, MS_SYNCHRONOUS },
  { "atime", OPT_CLEAR, MS_NOATIME },
  { "bind", OPT_BIND, MS_BIND },
  { "defaults", OPT_FLAG, 0 },
  { "dev", OPT_CLEAR, MS_NODEV },
  { "diratime", OPT_CLEAR, MS_NODIRATIME },
  { "dirsync", OPT_FLAG, MS_DIRSYNC },
  { "exec", OPT_CLEAR, MS_NOEXEC },
  { "iversion", OPT_FLAG, MS_I_VERSION },
  { "lazytime", OPT_FLAG, MS_LAZYTIME },
  { "loud", OPT_CLEAR, MS_SILENT },
  { "mand", OPT_FLAG, MS_MANDLOCK },
  { "noatime", OPT_FLAG, MS_NOATIME },
  { "nodev", OPT_FLAG, MS_NODEV },
  { "nodiratime", OPT_FLAG, MS_NODIRATIME },
  { "noexec", OPT_FLAG, MS_NOEXEC },
  { "noiversion", OPT_CLEAR, MS_I_VERSION },
  { "nolazytime", OPT_CLEAR, MS_LAZYTIME },
  { "nomand", OPT_CLEAR, MS_MANDLOCK },
  { "norelatime", OPT_CLEAR, MS_RELATIME },
  { "nostrictatime", OPT_CLEAR, MS_STRICTATIME },
  { "nosuid", OPT_FLAG, MS_NOSUID },
  { "nosymfollow", OPT_FLAG, MS_NOSYMFOLLOW },
  { "private", OPT_PROPAGATE, MS_PRIVATE },
  { "ratime", OPT_RATTR_CLR, MOUNT_ATTR_NOATIME },
  { "rbind", OPT_RBIND, MS_BIND | MS_REC },
  { "rdev", OPT_RATTR_CLR, MOUNT_ATTR_NODEV },
  { "rdiratime", OPT_RATTR_CLR, MOUNT_ATTR_NODIRATIME },
  { "relatime", OPT_FLAG, MS_RELATIME },
  { "remount", OPT_FLAG, MS_REMOUNT },
  { "rexec", OPT_RATTR_CLR, MOUNT_ATTR_NOEXEC },
  { "rnoatime", OPT_RATTR, MOUNT_ATTR_NOATIME },
  { "rnodev", OPT_RATTR, MOUNT_ATTR_NODEV },
  { "rnodiratime", OPT_RATTR, MOUNT_ATTR_NODIRATIME },
  { "rnoexec", OPT_RATTR, MOUNT_ATTR_NOEXEC },
  { "rnorelatime", OPT_RATTR_CLR, MOUNT_ATTR__ATIME },
  { "rnostrictatime", OPT_RATTR_CLR, MOUNT_ATTR__ATIME },
  { "rnosuid", OPT_RATTR, MOUNT_ATTR_NOSUID },
  { "rnosymfollow", OPT_RATTR, MOUNT_ATTR_NOSYMFOLLOW },
  { "ro", OPT_FLAG, MS_RDONLY },
  { "rprivate", OPT_PROPAGATE, MS_PRIVATE | MS_REC },
  { "rrelatime", OPT_RATTR, MOUNT_ATTR_RELATIME },
  { "rro", OPT_RATTR, MOUNT_ATTR_RDONLY },
  { "rrw", OPT_RATTR_CLR, MOUNT_ATTR_RDONLY },
  { "rshared", OPT_PROPAGATE, MS_SHARED | MS_REC },
  { "rslave", OPT_PROPAGATE, MS_SLAVE | MS_REC },
  { "rstrictatime", OPT_RATTR, MOUNT_ATTR_STRICTATIME },
  { "rsuid", OPT_RATTR_CLR, MOUNT_ATTR_NOSUID },
  { "rsymfollow", OPT_RATTR_CLR, MOUNT_ATTR_NOSYMFOLLOW },
  { "runbindable", OPT_PROPAGATE, MS_UNBINDABLE | MS_REC },
  { "rw", OPT_CLEAR, MS_RDONLY },
  { "shared", OPT_PROPAGATE, MS_SHARED },
  { "silent", OPT_FLAG, MS_SILENT },
  { "slave", OPT_PROPAGATE, MS_SLAVE },
  { "strictatime", OPT_FLAG, MS_STRICTATIME },
  { "suid", OPT_CLEAR, MS_NOSUID },
  { "symfollow", OPT_CLEAR, MS_NOSYMFOLLOW },
  { "sync", OPT_FLAG, MS_SYNCHRONOUS },
  { "tmpcopyup", OPT_TMPCOPYUP, 0 },
  { "unbindable", OPT_PROPAGATE, MS_UNBINDABLE },
};

const char *const *
ocirt_mount_option_names (void)
{
  static const char *names[ARRAY_SIZE (mount_options) + 1];
  size_t i;
  for (i = 0; i < ARRAY_SIZE (mount_options); i++)
    names[i] = mount_options[i].name;
  return names;
}

static int
find_option (const char *name)
{
  size_t lo = 0, hi = ARRAY_SIZE (mount_options);
  while (lo < hi)
    {
      size_t mid = (lo + hi) / 2;
      int c = strcmp (name, mount_options[mid].name);
      if (c == 0)
        return mid;
      if (c < 0)
        hi = mid;
      else
        lo = mid + 1;
    }
  return -1;
}

static int
parse_propagation (const char *s, unsigned long *out)
{
  int i = find_option (s);
  if (i < 0 || mount_options[i].kind != OPT_PROPAGATE)
    return -1;
  *out = mount_options[i].value;
  return 0;
}

static int
build_op (const oci_mount *m, size_t idx, const char *bundle, struct ocirt_mount_op *op, ocirt_error_t *err)
{
  size_t i, dlen = 0;
  cleanup_free char *data = NULL;

  op->m = m;
  if (m->destination == NULL || m->destination[0] != '/')
    return ocirt_error_set (err, 0, "mounts[%zu].destination: `%s` is not an absolute path", idx,
                            m->destination ? m->destination : "");
  if (m->type && strcmp (m->type, "bind") == 0)
    op->bind = true;
  for (i = 0; i < m->options_len; i++)
    {
      const char *o = m->options[i];
      int k = find_option (o);
      if (k < 0)
        {
          /* Anything else is filesystem data (mode=755, size=64k, ...), as mount(8) does. */
          size_t ol = strlen (o);
          if (ol == 0)
            continue;
          data = xrealloc (data, dlen + ol + 2);
          if (dlen)
            data[dlen++] = ',';
          memcpy (data + dlen, o, ol + 1);
          dlen += ol;
          continue;
        }
      switch (mount_options[k].kind)
        {
        case OPT_FLAG:
          op->flags |= mount_options[k].value;
          op->clear &= ~mount_options[k].value;
          break;
        case OPT_CLEAR:
          op->flags &= ~mount_options[k].value;
          op->clear |= mount_options[k].value;
          break;
        case OPT_PROPAGATE:
          op->propagation = mount_options[k].value;
          break;
        case OPT_RATTR:
          if (mount_options[k].value == MOUNT_ATTR_RELATIME || mount_options[k].value & MOUNT_ATTR__ATIME)
            op->attr_clr |= MOUNT_ATTR__ATIME;
          op->attr_set |= mount_options[k].value;
          break;
        case OPT_RATTR_CLR:
          op->attr_clr |= mount_options[k].value;
          break;
        case OPT_BIND:
          op->bind = true;
          break;
        case OPT_RBIND:
          op->bind = op->recursive = true;
          break;
        case OPT_TMPCOPYUP:
          op->tmpcopyup = true;
          break;
        }
    }
  if (op->flags & MS_REMOUNT)
    return ocirt_error_set (err, 0, "mounts[%zu].options: `remount` is not supported in a config", idx);
  if (op->tmpcopyup && (m->type == NULL || strcmp (m->type, "tmpfs") != 0))
    return ocirt_error_set (err, 0, "mounts[%zu].options: `tmpcopyup` needs a tmpfs mount", idx);
  if (op->bind)
    {
      if (m->source == NULL || m->source[0] == '\0')
        return ocirt_error_set (err, 0, "mounts[%zu].source: required for a bind mount", idx);
      op->source = m->source[0] == '/' ? xstrdup (m->source) : xasprintf ("%s/%s", bundle, m->source);
    }
  else
    {
      if (m->type == NULL || m->type[0] == '\0')
        return ocirt_error_set (err, 0, "mounts[%zu].type: required unless the mount is a bind mount", idx);
      op->source = xstrdup (m->source ? m->source : m->type);
    }
  op->data = steal_pointer (&data);
  return 0;
}

int
ocirt_mount_plan_build (const oci_config *c, const char *bundle, struct ocirt_mount_plan *plan, ocirt_error_t *err)
{
  size_t i;

  memset (plan, 0, sizeof *plan);
  plan->root_propagation = MS_SLAVE | MS_REC;
  if (c->linux_ && c->linux_->rootfs_propagation && c->linux_->rootfs_propagation[0])
    {
      if (parse_propagation (c->linux_->rootfs_propagation, &plan->root_propagation) < 0)
        return ocirt_error_set (err, 0, "linux.rootfsPropagation: unknown value `%s`",
                                c->linux_->rootfs_propagation);
    }
  plan->ops = xmalloc0 (sizeof (*plan->ops) * (c->mounts_len + 1));
  for (i = 0; i < c->mounts_len; i++)
    {
      struct ocirt_mount_op *op = &plan->ops[i];
      plan->n = i + 1;
      if (build_op (&c->mounts[i], i, bundle, op, err) < 0)
        return -1;
      if (strcmp (c->mounts[i].destination, "/dev") == 0 || strcmp (c->mounts[i].destination, "/dev/") == 0)
        {
          plan->has_dev_mount = true;
          plan->dev_is_bind = op->bind;
        }
    }
  return 0;
}

void
ocirt_mount_plan_free (struct ocirt_mount_plan *plan)
{
  size_t i;
  for (i = 0; i < plan->n; i++)
    {
      free (plan->ops[i].source);
      free (plan->ops[i].data);
    }
  free (plan->ops);
  memset (plan, 0, sizeof *plan);
}

/* ---- applying ----------------------------------------------------------------------------- */

static int
sys_mount_setattr (int dfd, const char *path, unsigned flags, struct ocirt_mount_attr *attr)
{
  return syscall (SYS_mount_setattr, dfd, path, flags, attr, sizeof *attr);
}

static int
set_recursive_attrs (int fd, const char *dest, uint64_t set, uint64_t clr, ocirt_error_t *err)
{
  struct ocirt_mount_attr a = { .attr_set = set, .attr_clr = clr };
  if (set == 0 && clr == 0)
    return 0;
  if (sys_mount_setattr (fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a) < 0)
    return ocirt_error_errno (err, "mount_setattr %s", dest);
  return 0;
}

/* Mount-time MS_* flags to the per-mount attributes of mount_setattr(2). */
static uint64_t
flags_to_attr (unsigned long flags)
{
  uint64_t a = 0;
  if (flags & MS_RDONLY)
    a |= MOUNT_ATTR_RDONLY;
  if (flags & MS_NOSUID)
    a |= MOUNT_ATTR_NOSUID;
  if (flags & MS_NODEV)
    a |= MOUNT_ATTR_NODEV;
  if (flags & MS_NOEXEC)
    a |= MOUNT_ATTR_NOEXEC;
  if (flags & MS_NODIRATIME)
    a |= MOUNT_ATTR_NODIRATIME;
  if (flags & MS_NOSYMFOLLOW)
    a |= MOUNT_ATTR_NOSYMFOLLOW;
  if (flags & MS_NOATIME)
    a |= MOUNT_ATTR_NOATIME;
  else if (flags & MS_STRICTATIME)
    a |= MOUNT_ATTR_STRICTATIME;
  return a;
}

/* Bind `source` onto the resolved destination fd: clone the tree detached (open_tree), set
 * its attributes while nobody can see it, then attach it with move_mount.  No window where
 * the mount is writable, no re-resolution of the destination path. */
static int
bind_mount (const char *source, int dest_fd, const char *dest, bool recursive, unsigned long flags,
            uint64_t rset, uint64_t rclr, ocirt_error_t *err)
{
  cleanup_close int tree = -1;
  struct ocirt_mount_attr a = { 0 };

  tree = syscall (SYS_open_tree, AT_FDCWD, source, OPEN_TREE_CLONE | O_CLOEXEC | (recursive ? AT_RECURSIVE : 0));
  if (tree < 0)
    return ocirt_error_errno (err, "bind mount %s on %s", source, dest);
  a.attr_set = flags_to_attr (flags);
  if (a.attr_set & (MOUNT_ATTR_NOATIME | MOUNT_ATTR_STRICTATIME))
    a.attr_clr |= MOUNT_ATTR__ATIME;
  if (a.attr_set && sys_mount_setattr (tree, "", AT_EMPTY_PATH, &a) < 0)
    return ocirt_error_errno (err, "set attributes of bind mount %s", dest);
  if (set_recursive_attrs (tree, dest, rset, rclr, err) < 0)
    return -1;
  if (syscall (SYS_move_mount, tree, "", dest_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return ocirt_error_errno (err, "attach bind mount %s on %s", source, dest);
  return 0;
}

static bool
source_is_dir (const char *source)
{
  struct stat st;
  return stat (source, &st) < 0 || S_ISDIR (st.st_mode);
}

/* The cgroup mount.  v2: cgroup2.  v1: a tmpfs with one directory per controller, each the
 * cgroup fs itself inside a cgroup namespace, else a bind of the container's own cgroup. */
static int
mount_cgroup (struct ocirt_rootfs_ctx *ctx, int rootfd, const struct ocirt_mount_op *op, int dest_fd,
              ocirt_error_t *err)
{
  char fdp[OCIRT_FD_PATH_MAX];
  const char *dest = op->m->destination;
  unsigned long flags = op->flags | MS_NOSUID | MS_NODEV | MS_NOEXEC;
  cleanup_free char *mountinfo = NULL;
  cleanup_close int top = -1;
  char *line, *save = NULL;

  if (ctx->cgroup_mode == OCIRT_CGROUP_MODE_V2 || ctx->cgroup_mode == OCIRT_CGROUP_MODE_NONE)
    {
      if (mount ("cgroup2", ocirt_fd_path (dest_fd, fdp), "cgroup2", flags, NULL) == 0)
        return 0;
      if (errno != EPERM && errno != EBUSY)
        return ocirt_error_errno (err, "mount cgroup2 on %s", dest);
      /* No cgroupns in a user namespace: show the host hierarchy, read-only. */
      return bind_mount ("/sys/fs/cgroup", dest_fd, dest, true, flags | MS_RDONLY, 0, 0, err);
    }
  if (mount ("tmpfs", ocirt_fd_path (dest_fd, fdp), "tmpfs", flags & ~MS_RDONLY, "mode=755") < 0)
    return ocirt_error_errno (err, "mount tmpfs on %s", dest);
  /* The new tmpfs, not the directory under it that dest_fd still is.  It is empty and only
   * in our mount namespace, so its entries need no symlink-safe walk. */
  top = ocirt_open_in_root (rootfd, dest, O_PATH | O_DIRECTORY, err);
  if (top < 0)
    return -1;
  /* The host's cgroup mounts: in a copy of the runtime's namespace, the table it has read
   * already (ours are all under the rootfs, so nothing below /sys/fs/cgroup/ changed). */
  if (ctx->parent_mounts && ocirt_cgroup_host_mountinfo ())
    mountinfo = xstrdup (ocirt_cgroup_host_mountinfo ());
  else if (read_file_at (AT_FDCWD, "/proc/self/mountinfo", &mountinfo, NULL, err) < 0)
    return -1;
  for (line = strtok_r (mountinfo, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      /* "... - cgroup cgroup rw,memory": controllers are the super options after the
       * filesystem type; the mount point is field 5. */
      char *sep = strstr (line, " - cgroup ");
      char mnt[4096], *opts, *osave = NULL;
      cleanup_free char *sub = NULL, *src = NULL, *ctrl = NULL;
      cleanup_close int fd = -1;
      char *base;

      if (sep == NULL || sscanf (line, "%*s %*s %*s %*s %4095s", mnt) != 1 || !has_prefix (mnt, "/sys/fs/cgroup/"))
        continue;
      opts = strrchr (sep, ' ') + 1;
      base = strrchr (mnt, '/') + 1;
      sub = xasprintf ("%s/%s", dest, base);
      if (mkdirat (top, base, 0755) < 0 && errno != EEXIST)
        return ocirt_error_errno (err, "mkdir %s", sub);
      fd = openat (top, base, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0)
        return ocirt_error_errno (err, "open %s", sub);
      /* A v1 hierarchy is mounted again only with all its controllers (cpu,cpuacct) and
       * name=, else EBUSY; mount-time options (rw, release_agent, xattr...) are left out. */
      for (char *o = strtok_r (opts, ",", &osave); o; o = strtok_r (NULL, ",", &osave))
        if (strcmp (o, "rw") && strcmp (o, "ro") && !has_prefix (o, "release_agent") && strcmp (o, "xattr")
            && strcmp (o, "clone_children") && strcmp (o, "noprefix") && strcmp (o, "cpuset_v2_mode")
            && strcmp (o, "nsdelegate") && strcmp (o, "favordynmods") && strcmp (o, "memory_localevents"))
          {
            char *joined = ctrl ? xasprintf ("%s,%s", ctrl, o) : xstrdup (o);
            free (ctrl);
            ctrl = joined;
          }
      if (ctx->new_cgroupns && ctrl)
        {
          if (mount ("cgroup", ocirt_fd_path (fd, fdp), "cgroup", flags, ctrl) == 0)
            continue;
          if (errno != EPERM)
            return ocirt_error_errno (err, "mount cgroup %s on %s", ctrl, sub);
        }
      src = xasprintf ("%s%s", mnt, ctx->cgroup_path ? ctx->cgroup_path : "");
      if (access (src, F_OK) < 0)
        {
          free (src);
          src = xstrdup (mnt);
        }
      if (bind_mount (src, fd, sub, false, flags, 0, 0, err) < 0)
        return -1;
    }
  if (flags & MS_RDONLY)
    {
      struct ocirt_mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };
      if (sys_mount_setattr (top, "", AT_EMPTY_PATH, &a) < 0)
        return ocirt_error_errno (err, "remount %s read-only", dest);
    }
  return 0;
}

/* tmpcopyup: copy the tree under `from` (the directory the tmpfs now hides, still reachable
 * through the fd opened before the mount) into `to` (the new tmpfs), keeping modes and owners.
 * Symlinks are copied as links, never followed; device nodes, fifos and sockets are skipped. */
static int
copy_tree (int from, int to, const char *dest, int depth, ocirt_error_t *err)
{
  cleanup_close int dfd = -1;
  DIR *d;
  struct dirent *de;
  int ret = 0;

  if (depth > 64)
    return ocirt_error_set (err, ELOOP, "tmpcopyup %s: tree too deep", dest);
  dfd = openat (from, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0 || (d = fdopendir (dfd)) == NULL)
    return ocirt_error_errno (err, "tmpcopyup: open %s", dest);
  dfd = -1; /* owned by d now */
  while (ret == 0 && (errno = 0, de = readdir (d)) != NULL)
    {
      const char *n = de->d_name;
      struct stat st;
      if (strcmp (n, ".") == 0 || strcmp (n, "..") == 0)
        continue;
      if (fstatat (dirfd (d), n, &st, AT_SYMLINK_NOFOLLOW) < 0)
        ret = ocirt_error_errno (err, "tmpcopyup: stat %s/%s", dest, n);
      else if (S_ISDIR (st.st_mode))
        {
          cleanup_close int sub = openat (dirfd (d), n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          cleanup_close int tsub = -1;
          cleanup_free char *subpath = xasprintf ("%s/%s", dest, n);
          if (sub < 0 || (mkdirat (to, n, 0700) < 0 && errno != EEXIST)
              || (tsub = openat (to, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
            ret = ocirt_error_errno (err, "tmpcopyup: directory %s/%s", dest, n);
          else if ((ret = copy_tree (sub, tsub, subpath, depth + 1, err)) == 0
                   && (fchown (tsub, st.st_uid, st.st_gid) < 0 || fchmod (tsub, st.st_mode & 07777) < 0))
            ret = ocirt_error_errno (err, "tmpcopyup: set owner and mode of %s/%s", dest, n);
        }
      else if (S_ISLNK (st.st_mode))
        {
          char target[PATH_MAX];
          ssize_t l = readlinkat (dirfd (d), n, target, sizeof target - 1);
          if (l < 0)
            ret = ocirt_error_errno (err, "tmpcopyup: readlink %s/%s", dest, n);
          else
            {
              target[l] = '\0';
              if (symlinkat (target, to, n) < 0 || fchownat (to, n, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
                ret = ocirt_error_errno (err, "tmpcopyup: symlink %s/%s", dest, n);
            }
        }
      else if (S_ISREG (st.st_mode))
        {
          cleanup_close int in = openat (dirfd (d), n, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
          cleanup_close int out = -1;
          off_t left = st.st_size;
          if (in < 0 || (out = openat (to, n, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
            ret = ocirt_error_errno (err, "tmpcopyup: open %s/%s", dest, n);
          while (ret == 0 && left > 0)
            {
              /* sendfile, not copy_file_range: the source is on another filesystem. */
              ssize_t c = sendfile (out, in, NULL, (size_t) left);
              if (c <= 0)
                ret = c < 0 ? ocirt_error_errno (err, "tmpcopyup: copy %s/%s", dest, n)
                            : ocirt_error_set (err, EIO, "tmpcopyup: %s/%s shrank while copied", dest, n);
              left -= c;
            }
          if (ret == 0 && (fchown (out, st.st_uid, st.st_gid) < 0 || fchmod (out, st.st_mode & 07777) < 0))
            ret = ocirt_error_errno (err, "tmpcopyup: set owner and mode of %s/%s", dest, n);
        }
    }
  if (ret == 0 && errno != 0)
    ret = ocirt_error_errno (err, "tmpcopyup: read directory %s", dest);
  closedir (d);
  return ret;
}

static int
apply_op (struct ocirt_rootfs_ctx *ctx, int rootfd, const struct ocirt_mount_op *op, ocirt_error_t *err)
{
  const oci_mount *m = op->m;
  const char *dest = m->destination;
  cleanup_close int dest_fd = -1;
  char fdp[OCIRT_FD_PATH_MAX];

  if (op->bind)
    {
      bool is_dir = source_is_dir (op->source);
      dest_fd = ocirt_mkpath_in_root (rootfd, dest, !is_dir, err);
      if (dest_fd < 0)
        return -1;
      if (bind_mount (op->source, dest_fd, dest, op->recursive, op->flags, op->attr_set, op->attr_clr, err) < 0)
        return -1;
    }
  else
    {
      cleanup_free char *data = NULL;
      dest_fd = ocirt_mkpath_in_root (rootfd, dest, false, err);
      if (dest_fd < 0)
        return -1;
      if (strcmp (m->type, "cgroup") == 0 || strcmp (m->type, "cgroup2") == 0)
        return mount_cgroup (ctx, rootfd, op, dest_fd, err);
      data = ocirt_selinux_mount_data (op->data, strcmp (m->type, "proc") && strcmp (m->type, "sysfs")
                                                     ? ctx->config->linux_ ? ctx->config->linux_->mount_label : NULL
                                                     : NULL);
      if (mount (op->source, ocirt_fd_path (dest_fd, fdp), m->type, op->flags, data) < 0)
        {
          int e = errno;
          /* sysfs can't be mounted in a user namespace that doesn't own the network namespace:
           * show the host's, recursively read-only (never a writable host sysfs). */
          if (strcmp (m->type, "sysfs") == 0 && (e == EPERM || e == EBUSY) && ctx->new_userns)
            return bind_mount ("/sys", dest_fd, dest, true, op->flags | MS_RDONLY, MOUNT_ATTR_RDONLY, 0, err);
          return ocirt_error_set (err, e, "mount %s on %s", m->type, dest);
        }
      if (op->tmpcopyup)
        {
          cleanup_close int top = ocirt_open_in_root (rootfd, dest, O_RDONLY | O_DIRECTORY, err);
          struct stat st;
          if (top < 0 || copy_tree (dest_fd, top, dest, 0, err) < 0)
            return -1;
          /* The tmpfs root takes the hidden directory's owner and mode too. */
          if (fstat (dest_fd, &st) < 0 || fchown (top, st.st_uid, st.st_gid) < 0 || fchmod (top, st.st_mode & 07777) < 0)
            return ocirt_error_errno (err, "tmpcopyup: set owner and mode of %s", dest);
        }
      if (op->attr_set || op->attr_clr)
        {
          cleanup_close int top = ocirt_open_in_root (rootfd, dest, O_PATH, err);
          if (top < 0 || set_recursive_attrs (top, dest, op->attr_set, op->attr_clr, err) < 0)
            return -1;
        }
    }
  if (op->propagation)
    {
      cleanup_close int top = ocirt_open_in_root (rootfd, dest, O_PATH, err);
      if (top < 0)
        return -1;
      if (mount (NULL, ocirt_fd_path (top, fdp), NULL, op->propagation, NULL) < 0)
        return ocirt_error_errno (err, "set propagation of %s", dest);
    }
  return 0;
}

/* pivot_root and MS_MOVE refuse shared mounts as the new root, its parent or the old root.
 * Make the rootfs's parent private, and with a shared rootfsPropagation the other two (only
 * the mounts themselves; the old ones are detached anyway); the pivot applies the
 * propagation again afterwards. */
static int
unshare_pivot_mounts (const char *rootfs, bool after_bind, ocirt_error_t *err)
{
  cleanup_free char *mountinfo = NULL, *best = NULL;
  char *line, *save = NULL;
  size_t best_len = 0, rl = strlen (rootfs);
  bool best_shared = false;

  if (after_bind)
    {
      if (mount (NULL, rootfs, NULL, MS_PRIVATE, NULL) < 0)
        return ocirt_error_errno (err, "make rootfs %s private", rootfs);
      if (mount (NULL, "/", NULL, MS_PRIVATE, NULL) < 0)
        return ocirt_error_errno (err, "make / private");
      return 0;
    }
  if (read_file_at (AT_FDCWD, "/proc/self/mountinfo", &mountinfo, NULL, err) < 0)
    return -1;
  /* The mount holding the rootfs directory: the longest mount point that is a prefix. */
  for (line = strtok_r (mountinfo, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char mnt[4096];
      size_t ml;
      if (sscanf (line, "%*s %*s %*s %*s %4095s", mnt) != 1)
        continue;
      ml = strcmp (mnt, "/") == 0 ? 0 : strlen (mnt);
      if (ml > rl || strncmp (mnt, rootfs, ml) != 0 || (rootfs[ml] != '/' && rootfs[ml] != '\0'))
        continue;
      if (best == NULL || ml >= best_len)
        {
          char *dash = strstr (line, " - ");
          char *shared = strstr (line, " shared:");
          free (best);
          best = xstrdup (mnt);
          best_len = ml;
          best_shared = shared && dash && shared < dash;
        }
    }
  /* Only if shared: a slave parent keeps its master for an rslave rootfs. */
  if (best && best_shared && mount (NULL, best, NULL, MS_PRIVATE, NULL) < 0)
    return ocirt_error_errno (err, "make %s private", best);
  return 0;
}

int
ocirt_rootfs_prepare (struct ocirt_rootfs_ctx *ctx, ocirt_error_t *err)
{
  const struct ocirt_mount_plan *plan = ctx->plan;
  cleanup_close int rootfd = -1;
  size_t i;
  uint64_t t;

  t = ocirt_step_begin ();
  if (mount (NULL, "/", NULL, plan->root_propagation, NULL) < 0)
    return ocirt_error_errno (err, "set propagation of /");
  /* A non-recursive value leaves the rootfs's parent as the host has it: maybe shared.  A
   * recursive slave, private or unbindable leaves no shared mount to look for. */
  if (!((plan->root_propagation & MS_REC) && (plan->root_propagation & (MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE)))
      && unshare_pivot_mounts (ctx->rootfs, false, err) < 0)
    return -1;
  /* Make the rootfs a mount point of its own so pivot_root can move it. */
  if (mount (ctx->rootfs, ctx->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return ocirt_error_errno (err, "bind mount rootfs %s", ctx->rootfs);
  if ((plan->root_propagation & MS_SHARED) && unshare_pivot_mounts (ctx->rootfs, true, err) < 0)
    return -1;
  rootfd = open (ctx->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return ocirt_error_errno (err, "open rootfs %s", ctx->rootfs);
  ocirt_step_end (t, "rootfs bind");

  t = ocirt_step_begin ();
  for (i = 0; i < plan->n; i++)
    if (apply_op (ctx, rootfd, &plan->ops[i], err) < 0)
      return ocirt_error_wrap (err, "mounts[%zu]", i);
  ocirt_step_end (t, "mounts");

  t = ocirt_step_begin ();
  if (!plan->dev_is_bind && ocirt_devices_create (rootfd, ctx->config, ctx->new_userns, err) < 0)
    return -1;
  ocirt_step_end (t, "devices");
  return 0;
}

static int
reshare_root (struct ocirt_rootfs_ctx *ctx, ocirt_error_t *err)
{
  unsigned long prop = ctx->plan->root_propagation;
  if ((prop & MS_SHARED) && mount (NULL, "/", NULL, prop, NULL) < 0)
    return ocirt_error_errno (err, "set propagation of the new /");
  return 0;
}

int
ocirt_rootfs_pivot (struct ocirt_rootfs_ctx *ctx, ocirt_error_t *err)
{
  cleanup_close int oldroot = -1, newroot = -1;

  if (ctx->no_pivot)
    {
      if (chdir (ctx->rootfs) < 0)
        return ocirt_error_errno (err, "chdir %s", ctx->rootfs);
      if (mount (ctx->rootfs, "/", NULL, MS_MOVE, NULL) < 0)
        return ocirt_error_errno (err, "move rootfs %s to /", ctx->rootfs);
      if (chroot (".") < 0)
        return ocirt_error_errno (err, "chroot %s", ctx->rootfs);
      if (chdir ("/") < 0)
        return ocirt_error_errno (err, "chdir /");
      ocirt_procfs_reset ();
      return reshare_root (ctx, err);
    }
  oldroot = open ("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (oldroot < 0)
    return ocirt_error_errno (err, "open /");
  newroot = open (ctx->rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (newroot < 0)
    return ocirt_error_errno (err, "open rootfs %s", ctx->rootfs);
  /* pivot_root(".", ".") stacks the old root on top of the new one; detaching it then leaves
   * no directory of the host reachable, and needs no temporary directory in the rootfs. */
  if (fchdir (newroot) < 0)
    return ocirt_error_errno (err, "chdir %s", ctx->rootfs);
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    return ocirt_error_errno (err, "pivot_root %s", ctx->rootfs);
  if (fchdir (oldroot) < 0)
    return ocirt_error_errno (err, "chdir old root");
  /* Keep the unmount from propagating to the host. */
  if (mount (NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return ocirt_error_errno (err, "make old root rslave");
  if (umount2 (".", MNT_DETACH) < 0)
    return ocirt_error_errno (err, "detach old root");
  if (chdir ("/") < 0)
    return ocirt_error_errno (err, "chdir /");
  ocirt_procfs_reset ();
  return reshare_root (ctx, err);
}

/* Masking: files get /dev/null bound over them (an fd of the real device, opened before the
 * pivot and checked to be 1:3, so a planted /dev/null symlink can't redirect it); directories
 * get an empty read-only tmpfs. */
static int
mask_path (int rootfd, int devnull, const char *path, const char *label, ocirt_error_t *err)
{
  cleanup_close int fd = ocirt_open_in_root (rootfd, path, O_PATH | O_NOFOLLOW, NULL);
  char fdp[OCIRT_FD_PATH_MAX];
  struct stat st;

  if (fd < 0)
    return 0; /* absent paths need no mask */
  if (fstat (fd, &st) < 0)
    return ocirt_error_errno (err, "stat %s", path);
  if (S_ISLNK (st.st_mode))
    return ocirt_error_set (err, ELOOP, "mask %s: refusing a symlink", path);
  if (S_ISDIR (st.st_mode))
    {
      cleanup_free char *data = ocirt_selinux_mount_data (NULL, label);
      if (mount ("tmpfs", ocirt_fd_path (fd, fdp), "tmpfs", MS_RDONLY, data) < 0)
        return ocirt_error_errno (err, "mask %s", path);
      return 0;
    }
  return bind_mount (ocirt_fd_path (devnull, (char[OCIRT_FD_PATH_MAX]){ 0 }), fd, path, false, 0, 0, 0, err);
}

static int
readonly_path (int rootfd, const char *path, ocirt_error_t *err)
{
  cleanup_close int fd = ocirt_open_in_root (rootfd, path, O_PATH | O_NOFOLLOW, NULL);
  char fdp[OCIRT_FD_PATH_MAX];

  if (fd < 0)
    return 0;
  return bind_mount (ocirt_fd_path (fd, fdp), fd, path, true, MS_RDONLY, MOUNT_ATTR_RDONLY, 0, err);
}

int
ocirt_rootfs_finalize (struct ocirt_rootfs_ctx *ctx, ocirt_error_t *err)
{
  const oci_linux *l = ctx->config->linux_;
  cleanup_close int rootfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  cleanup_close int devnull = -1;
  size_t i;

  if (rootfd < 0)
    return ocirt_error_errno (err, "open /");
  if (ctx->console_path)
    {
      cleanup_close int devfd = ocirt_mkpath_in_root (rootfd, "/dev", false, err);
      cleanup_close int fd = -1;
      struct stat st;

      if (devfd < 0)
        return -1;
      /* CVE-2025-52565: a /dev/console in the rootfs that is a symlink (or anything but a file
       * or device) would send the pty mount wherever it points: replace it by a file. */
      if (fstatat (devfd, "console", &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG (st.st_mode)
          && !S_ISCHR (st.st_mode) && unlinkat (devfd, "console", S_ISDIR (st.st_mode) ? AT_REMOVEDIR : 0) < 0)
        return ocirt_error_errno (err, "remove /dev/console (not a file or device)");
      fd = ocirt_mkpath_in_root (rootfd, "/dev/console", true, err);
      if (fd < 0 || bind_mount (ctx->console_path, fd, "/dev/console", false, 0, 0, 0, err) < 0)
        return -1;
    }
  if (l && l->masked_paths_len)
    {
      struct stat st;
      /* The container's /dev/null was created by us on our tmpfs, or comes from a /dev the
       * config bound from the host; either way check it's really the null device. */
      devnull = ocirt_open_in_root (rootfd, "/dev/null", O_PATH | O_NOFOLLOW, err);
      if (devnull < 0)
        return ocirt_error_wrap (err, "maskedPaths");
      if (fstat (devnull, &st) < 0 || !S_ISCHR (st.st_mode) || major (st.st_rdev) != 1 || minor (st.st_rdev) != 3)
        return ocirt_error_set (err, 0, "maskedPaths: /dev/null in the container is not the null device");
      for (i = 0; i < l->masked_paths_len; i++)
        if (mask_path (rootfd, devnull, l->masked_paths[i], l->mount_label, err) < 0)
          return ocirt_error_wrap (err, "linux.maskedPaths[%zu]", i);
    }
  for (i = 0; l && i < l->readonly_paths_len; i++)
    if (readonly_path (rootfd, l->readonly_paths[i], err) < 0)
      return ocirt_error_wrap (err, "linux.readonlyPaths[%zu]", i);
  if (ctx->config->root && ctx->config->root->readonly)
    {
      if (mount (NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
        {
          /* Locked flags (nosuid/nodev inherited in a user namespace) must be kept. */
          struct statfs sfs;
          unsigned long keep = 0;
          if (statfs ("/", &sfs) == 0)
            keep = sfs.f_flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME);
          if (mount (NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | keep, NULL) < 0)
            return ocirt_error_errno (err, "remount / read-only");
        }
    }
  return 0;
}
