/* ocirt: checkpoint and restore through CRIU (see criu.h). */
#include <config.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "criu.h"
#include "hooks.h"
#include "log.h"
#include "mounts.h"
#include "paths.h"
#include "terminal.h"
#include "utils.h"

#define DUMP_LOG "dump.log"
#define RESTORE_LOG "restore.log"
#define DESCRIPTORS "descriptors.json"
#define CRIU_ROOT "criu-root"
#define CONFIG_COPY "config.json"
#define EXT_NETNS "extRootNetNS"
#define EXT_PIDNS "extRootPidNS"
/* criu 3.15: criu_restore_child with RPC, cgroup v2 freezer, orphan pts master. */
#define LIBCRIU_MIN_VERSION 31500

/* From <criu/criu.h>, which can't be included without the protobuf-c headers: the cgroup
 * modes (libcriu's ABI) and the notify argument, an opaque pointer to us. */
enum criu_cg_mode
{
  CRIU_CG_MODE_IGNORE,
  CRIU_CG_MODE_NONE,
  CRIU_CG_MODE_PROPS,
  CRIU_CG_MODE_SOFT,
  CRIU_CG_MODE_FULL,
  CRIU_CG_MODE_STRICT,
  CRIU_CG_MODE_DEFAULT,
};
typedef struct criu_notify *criu_notify_arg_t;

/* The libcriu entry points ocirt uses, resolved once with dlsym. */
static struct
{
  void *handle;
  int (*init_opts) (void);
  int (*check_version) (int);
  void (*set_images_dir_fd) (int);
  void (*set_work_dir_fd) (int);
  int (*set_parent_images) (const char *);
  void (*set_pid) (int);
  void (*set_log_level) (int);
  int (*set_log_file) (const char *);
  int (*set_root) (const char *);
  void (*set_leave_running) (bool);
  void (*set_ext_unix_sk) (bool);
  void (*set_tcp_established) (bool);
  void (*set_shell_job) (bool);
  void (*set_file_locks) (bool);
  void (*set_orphan_pts_master) (bool);
  void (*set_track_mem) (bool);
  void (*set_manage_cgroups) (bool);
  void (*set_manage_cgroups_mode) (enum criu_cg_mode);
  int (*set_freeze_cgroup) (const char *);
  int (*add_ext_mount) (const char *, const char *);
  int (*add_external) (const char *);
  int (*add_inherit_fd) (int, const char *);
  int (*add_cg_root) (const char *, const char *);
  int (*join_ns_add) (const char *, const char *, const char *);
  void (*set_notify_cb) (int (*) (char *, criu_notify_arg_t));
  int (*notify_pid) (criu_notify_arg_t);
  int (*get_orphan_pts_master_fd) (void);
  int (*dump) (void);
  int (*pre_dump) (void);
  int (*restore_child) (void);
} lc;

struct sym
{
  const char *name;
  size_t offset;
  bool optional;
};

#define SYM(field, name) { name, offsetof (__typeof__ (lc), field), false }
#define OPT_SYM(field, name) { name, offsetof (__typeof__ (lc), field), true }
static const struct sym syms[] = {
  SYM (init_opts, "criu_init_opts"),
  SYM (check_version, "criu_check_version"),
  SYM (set_images_dir_fd, "criu_set_images_dir_fd"),
  SYM (set_work_dir_fd, "criu_set_work_dir_fd"),
  SYM (set_parent_images, "criu_set_parent_images"),
  SYM (set_pid, "criu_set_pid"),
  SYM (set_log_level, "criu_set_log_level"),
  SYM (set_log_file, "criu_set_log_file"),
  SYM (set_root, "criu_set_root"),
  SYM (set_leave_running, "criu_set_leave_running"),
  SYM (set_ext_unix_sk, "criu_set_ext_unix_sk"),
  SYM (set_tcp_established, "criu_set_tcp_established"),
  SYM (set_shell_job, "criu_set_shell_job"),
  SYM (set_file_locks, "criu_set_file_locks"),
  SYM (set_orphan_pts_master, "criu_set_orphan_pts_master"),
  SYM (set_track_mem, "criu_set_track_mem"),
  SYM (set_manage_cgroups, "criu_set_manage_cgroups"),
  SYM (set_manage_cgroups_mode, "criu_set_manage_cgroups_mode"),
  SYM (set_freeze_cgroup, "criu_set_freeze_cgroup"),
  SYM (add_ext_mount, "criu_add_ext_mount"),
  SYM (add_external, "criu_add_external"),
  SYM (add_inherit_fd, "criu_add_inherit_fd"),
  SYM (add_cg_root, "criu_add_cg_root"),
  OPT_SYM (join_ns_add, "criu_join_ns_add"),
  SYM (set_notify_cb, "criu_set_notify_cb"),
  SYM (notify_pid, "criu_notify_pid"),
  SYM (get_orphan_pts_master_fd, "criu_get_orphan_pts_master_fd"),
  SYM (dump, "criu_dump"),
  SYM (pre_dump, "criu_pre_dump"),
  SYM (restore_child, "criu_restore_child"),
};

static int
load_libcriu (ocirt_error_t *err)
{
  void *h;
  size_t i;

  if (lc.handle)
    return 0;
  h = dlopen ("libcriu.so.2", RTLD_NOW | RTLD_LOCAL);
  if (h == NULL)
    return ocirt_error_set (err, ENOTSUP, "checkpoint/restore needs CRIU: cannot load libcriu.so.2 (%s); install criu",
                            dlerror ());
  for (i = 0; i < ARRAY_SIZE (syms); i++)
    {
      void *f = dlsym (h, syms[i].name);
      if (f == NULL && !syms[i].optional)
        {
          dlclose (h);
          memset (&lc, 0, sizeof lc);
          return ocirt_error_set (err, ENOTSUP, "libcriu.so.2 has no %s: criu >= 3.15 is needed", syms[i].name);
        }
      memcpy ((char *) &lc + syms[i].offset, &f, sizeof f);
    }
  lc.handle = h;
  return 0;
}

static bool
criu_in_path (void)
{
  const char *path = getenv ("PATH");
  cleanup_free char *copy = xstrdup (path && *path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  char *dir, *save = NULL;

  for (dir = strtok_r (copy, ":", &save); dir; dir = strtok_r (NULL, ":", &save))
    {
      cleanup_free char *p = xasprintf ("%s/criu", dir);
      if (access (p, X_OK) == 0)
        return true;
    }
  return false;
}

bool
ocirt_criu_available (const char **why)
{
  cleanup_error ocirt_error_t e = NULL;
  if (load_libcriu (&e) < 0)
    {
      *why = "libcriu.so.2 cannot be loaded";
      return false;
    }
  if (!criu_in_path ())
    {
      *why = "no criu binary in $PATH";
      return false;
    }
  *why = NULL;
  return true;
}

int
ocirt_criu_parse_cg_mode (const char *s, int *mode, ocirt_error_t *err)
{
  static const struct
  {
    const char *name;
    int mode;
  } modes[] = { { "soft", CRIU_CG_MODE_SOFT }, { "full", CRIU_CG_MODE_FULL }, { "strict", CRIU_CG_MODE_STRICT },
                { "ignore", CRIU_CG_MODE_IGNORE } };
  size_t i;
  for (i = 0; i < ARRAY_SIZE (modes); i++)
    if (strcmp (s, modes[i].name) == 0)
      {
        *mode = modes[i].mode;
        return 0;
      }
  return ocirt_error_set (err, EINVAL, "invalid --manage-cgroups-mode `%s` (soft, full, strict or ignore)", s);
}

/* The error for a failed criu call: its last "Error" log line, and where the log is. */
static int
criu_failed (ocirt_error_t *err, int ret, const char *work_path, const char *log)
{
  cleanup_free char *path = xasprintf ("%s/%s", work_path, log), *data = NULL;
  char *line, *save = NULL, *last = NULL;

  if (read_file_at (AT_FDCWD, path, &data, NULL, NULL) == 0)
    for (line = strtok_r (data, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
      {
        /* "(00.012345) Error (criu/mount.c:1234): message" */
        char *e = strstr (line, "Error");
        /* The closing "Dumping FAILED." / "Restoring FAILED." says less than the cause. */
        if (e && (e == line || e[-1] == ' ') && strstr (e, " FAILED.") == NULL)
          last = e;
      }
  if (last)
    return ocirt_error_set (err, 0, "criu failed: %s (see %s)", last, path);
  return ocirt_error_set (err, 0, "criu failed: %s (see %s)", ret < 0 ? strerror (-ret) : "unknown error", path);
}

static int
open_dir (const char *path, bool create, ocirt_error_t *err)
{
  int fd;
  if (create && mkdir (path, 0700) < 0 && errno != EEXIST)
    return ocirt_error_errno (err, "mkdir %s", path);
  fd = open (path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return ocirt_error_errno (err, "open %s", path);
  return fd;
}

static bool
is_bind (const oci_mount *m)
{
  size_t i;
  if (m->type && strcmp (m->type, "bind") == 0)
    return true;
  for (i = 0; i < m->options_len; i++)
    if (strcmp (m->options[i], "bind") == 0 || strcmp (m->options[i], "rbind") == 0)
      return true;
  return false;
}

/* A mount destination as criu sees it in the container: symlinks in the rootfs resolved
 * inside it (as init.c did when mounting), malloc'd. */
static char *
dest_in_root (int rootfd, const char *rootfs, const char *dest)
{
  cleanup_close int fd = ocirt_open_in_root (rootfd, dest, O_PATH, NULL);
  char link[PATH_MAX], fdp[OCIRT_FD_PATH_MAX];
  size_t rl = strlen (rootfs);
  ssize_t n;

  if (fd >= 0 && (n = readlink (ocirt_fd_path (fd, fdp), link, sizeof link - 1)) > 0)
    {
      link[n] = '\0';
      if (strncmp (link, rootfs, rl) == 0 && (link[rl] == '/' || link[rl] == '\0'))
        return xstrdup (link[rl] ? link + rl : "/");
    }
  return ocirt_path_clean (dest);
}

/* Bind mounts from mounts[] and masked files are external to the dumped mount namespace:
 * key = destination; value = the destination again on dump, the source on restore. */
static int
add_external_mounts (const oci_config *cfg, const char *rootfs, const char *bundle, bool restore, ocirt_error_t *err)
{
  cleanup_close int rootfd = open (rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  const oci_linux *l = cfg->linux_;
  size_t i;

  if (rootfd < 0)
    return ocirt_error_errno (err, "open rootfs %s", rootfs);
  for (i = 0; i < cfg->mounts_len; i++)
    {
      const oci_mount *m = &cfg->mounts[i];
      cleanup_free char *dest = NULL, *src = NULL;
      int ret;

      if (!is_bind (m) || m->source == NULL)
        continue;
      dest = dest_in_root (rootfd, rootfs, m->destination);
      if (restore)
        src = m->source[0] == '/' ? xstrdup (m->source) : xasprintf ("%s/%s", bundle, m->source);
      ret = lc.add_ext_mount (dest, restore ? src : dest);
      if (ret < 0)
        return ocirt_error_set (err, -ret, "mounts[%zu]: declare %s as an external mount", i, dest);
    }
  for (i = 0; l && i < l->masked_paths_len; i++)
    {
      cleanup_free char *dest = NULL;
      cleanup_close int fd = ocirt_open_in_root (rootfd, l->masked_paths[i], O_PATH | O_NOFOLLOW, NULL);
      struct stat st;
      int ret;

      /* Directories are masked with a tmpfs, which criu dumps; files with a /dev/null bind. */
      if (fd < 0 || fstat (fd, &st) < 0 || S_ISDIR (st.st_mode))
        continue;
      dest = dest_in_root (rootfd, rootfs, l->masked_paths[i]);
      ret = lc.add_ext_mount (dest, restore ? "/dev/null" : dest);
      if (ret < 0)
        return ocirt_error_set (err, -ret, "linux.maskedPaths[%zu]: declare %s as an external mount", i, dest);
    }
  return 0;
}

/* Namespaces the container joined by path are not its own: criu must leave them out of the
 * dump (net, pid: --external <ns>[inode]:key) and put the restored tree back in them. */
static int
add_external_namespaces (const oci_config *cfg, bool restore, int *fds, ocirt_error_t *err)
{
  const oci_linux *l = cfg->linux_;
  size_t i;

  for (i = 0; l && i < l->namespaces_len; i++)
    {
      const oci_namespace *ns = &l->namespaces[i];
      const char *key = NULL;
      int ret;

      if (ns->path == NULL || ns->path[0] == '\0')
        continue;
      if (strcmp (ns->type, "network") == 0)
        key = EXT_NETNS;
      else if (strcmp (ns->type, "pid") == 0)
        key = EXT_PIDNS;
      else if (strcmp (ns->type, "ipc") == 0 || strcmp (ns->type, "uts") == 0 || strcmp (ns->type, "time") == 0)
        {
          /* criu dumps these; on restore it can join the given one instead. */
          if (!restore)
            continue;
          if (lc.join_ns_add == NULL)
            return ocirt_error_set (err, ENOTSUP, "linux.namespaces[%zu]: joining a %s namespace on restore needs criu >= 3.16.1",
                                    i, ns->type);
          ret = lc.join_ns_add (ns->type, ns->path, NULL);
          if (ret < 0)
            return ocirt_error_set (err, -ret, "linux.namespaces[%zu]: join %s", i, ns->path);
          continue;
        }
      else
        return ocirt_error_set (err, ENOTSUP, "linux.namespaces[%zu]: checkpoint/restore of a container joining an existing %s namespace is not supported",
                                i, ns->type);
      if (!restore)
        {
          struct stat st;
          cleanup_free char *ext = NULL;
          if (stat (ns->path, &st) < 0)
            return ocirt_error_errno (err, "linux.namespaces[%zu]: stat %s", i, ns->path);
          ext = xasprintf ("%s[%lu]:%s", strcmp (ns->type, "network") == 0 ? "net" : "pid", (unsigned long) st.st_ino, key);
          ret = lc.add_external (ext);
          if (ret < 0)
            return ocirt_error_set (err, -ret, "linux.namespaces[%zu]: declare %s external", i, ns->path);
        }
      else
        {
          /* Not O_CLOEXEC: criu swrk inherits it. */
          int fd = open (ns->path, O_RDONLY);
          if (fd < 0)
            return ocirt_error_errno (err, "linux.namespaces[%zu]: open %s", i, ns->path);
          fds[strcmp (ns->type, "network") == 0 ? 0 : 1] = fd;
          ret = lc.add_inherit_fd (fd, key);
          if (ret < 0)
            return ocirt_error_set (err, -ret, "linux.namespaces[%zu]: pass %s to criu", i, ns->path);
        }
    }
  return 0;
}

static char *
cgroup_fs_path (ocirt_cgroup *cg)
{
  if (ocirt_cgroup_get_mode (cg) == OCIRT_CGROUP_MODE_V2)
    return xasprintf ("/sys/fs/cgroup%s", ocirt_cgroup_get_path (cg));
  return xasprintf ("/sys/fs/cgroup/freezer%s", ocirt_cgroup_get_path (cg));
}

static void
set_common (const ocirt_criu_opts *o)
{
  lc.set_log_level (4);
  lc.set_ext_unix_sk (o->ext_unix_sk);
  lc.set_tcp_established (o->tcp_established);
  lc.set_shell_job (o->shell_job);
  lc.set_file_locks (o->file_locks);
  /* A terminal's master lives outside the tree (the console socket's receiver). */
  lc.set_orphan_pts_master (true);
  lc.set_manage_cgroups (true);
  lc.set_manage_cgroups_mode (o->manage_cgroups_mode < 0 ? CRIU_CG_MODE_SOFT : (enum criu_cg_mode) o->manage_cgroups_mode);
}

/* descriptors.json: where the init's fds 0-2 point ("pipe:[123]", "/dev/null", ...), so a
 * restore can hand new pipes in their place, as runc does. */
static int
save_descriptors (int image_fd, pid_t pid, ocirt_error_t *err)
{
  ocispec_jw *w = ocispec_jw_new (false);
  cleanup_free char *text = NULL;
  size_t len;
  int i;

  ocispec_jw_begin_array (w);
  for (i = 0; i < 3; i++)
    {
      char proc[64], link[PATH_MAX];
      ssize_t n;
      snprintf (proc, sizeof proc, "/proc/%d/fd/%d", pid, i);
      n = readlink (proc, link, sizeof link - 1);
      link[n > 0 ? n : 0] = '\0';
      ocispec_jw_string (w, link);
    }
  ocispec_jw_end_array (w);
  text = ocispec_jw_finish (w, &len);
  if (text == NULL)
    return ocirt_error_set (err, ENOMEM, "generate %s", DESCRIPTORS);
  return write_file_atomic_at (image_fd, DESCRIPTORS, text, len, 0600, err);
}

/* --image-path, or runc's default ./checkpoint (made absolute, for the messages). */
static const char *
image_path_of (const ocirt_criu_opts *o, char **storage)
{
  cleanup_free char *cwd = NULL;
  if (o->image_path)
    return o->image_path;
  cwd = getcwd (NULL, 0);
  *storage = xasprintf ("%s/checkpoint", cwd ? cwd : ".");
  return *storage;
}

int
ocirt_container_checkpoint (const char *root, const char *id, const ocirt_criu_opts *o, ocirt_error_t *err)
{
  cleanup_container ocirt_container *c = NULL;
  cleanup_close int image_fd = -1, work_fd = -1;
  cleanup_free char *freezer = NULL, *default_image = NULL;
  const char *image_path = image_path_of (o, &default_image);
  const char *status, *work_path = o->work_path ? o->work_path : image_path;
  int ret;

  if (load_libcriu (err) < 0)
    return -1;
  if (geteuid () != 0)
    return ocirt_error_set (err, EPERM, "checkpoint needs root");
  if (ocirt_container_load (root, id, true, &c, err) < 0)
    return -1;
  status = ocirt_container_status (c);
  if (strcmp (status, "running") != 0 && strcmp (status, "paused") != 0)
    return ocirt_error_set (err, EINVAL, "cannot checkpoint a container that is %s", status);
  if (c->config == NULL)
    return ocirt_error_set (err, ENOENT, "no copy of config.json in %s", c->dir->path);
  if (lc.init_opts () < 0)
    return ocirt_error_set (err, ENOMEM, "criu_init_opts");
  if (!lc.check_version (LIBCRIU_MIN_VERSION))
    return ocirt_error_set (err, ENOTSUP, "criu is too old (3.15 or newer is needed)");

  image_fd = open_dir (image_path, true, err);
  if (image_fd < 0)
    return ocirt_error_wrap (err, "--image-path");
  lc.set_images_dir_fd (image_fd);
  if (o->work_path)
    {
      work_fd = open_dir (o->work_path, true, err);
      if (work_fd < 0)
        return ocirt_error_wrap (err, "--work-path");
      lc.set_work_dir_fd (work_fd);
    }
  if (lc.set_log_file (DUMP_LOG) < 0)
    return ocirt_error_set (err, ENOMEM, "criu: set log file");
  lc.set_pid (c->pid);
  if (o->parent_path)
    {
      struct stat st;
      if (o->parent_path[0] == '/')
        return ocirt_error_set (err, EINVAL, "--parent-path %s: must be relative to the image path", o->parent_path);
      if (fstatat (image_fd, o->parent_path, &st, 0) < 0 || !S_ISDIR (st.st_mode))
        return ocirt_error_set (err, errno ? errno : ENOTDIR, "--parent-path %s/%s: not a directory", image_path,
                                o->parent_path);
      if (lc.set_parent_images (o->parent_path) < 0)
        return ocirt_error_set (err, ENOMEM, "criu: set parent images");
      lc.set_track_mem (true);
    }
  set_common (o);
  if (lc.set_root (c->status->rootfs) < 0)
    return ocirt_error_set (err, ENOMEM, "criu: set root");
  if (c->cgroup)
    {
      freezer = cgroup_fs_path (c->cgroup);
      if (lc.set_freeze_cgroup (freezer) < 0)
        return ocirt_error_set (err, ENOMEM, "criu: set freeze cgroup");
    }
  if (add_external_mounts (c->config, c->status->rootfs, c->status->bundle, false, err) < 0
      || add_external_namespaces (c->config, false, NULL, err) < 0)
    return -1;

  if (o->pre_dump)
    {
      lc.set_track_mem (true);
      ret = lc.pre_dump ();
      if (ret != 0)
        return criu_failed (err, ret, work_path, DUMP_LOG);
      return 0;
    }
  if (save_descriptors (image_fd, c->pid, err) < 0)
    return -1;
  lc.set_leave_running (o->leave_running);
  ret = lc.dump ();
  if (ret != 0)
    return criu_failed (err, ret, work_path, DUMP_LOG);
  if (!o->leave_running)
    {
      /* criu killed the tree: the container is stopped; `delete` or a restore under the same
       * id removes the record. */
      free (c->status->status);
      c->status->status = xstrdup ("stopped");
      if (ocirt_status_save (c->dir, c->status, err) < 0)
        return -1;
    }
  return 0;
}

/* ---- restore -------------------------------------------------------------------------------- */

/* What criu's notifications need during criu_restore_child (libcriu's callback has no user
 * data pointer). */
static struct
{
  ocirt_container *c;
  const ocirt_create_opts *co;
  const char *bundle;
  ocirt_error_t *err;
  bool failed;
} rst;

static int
restore_notify (char *action, criu_notify_arg_t na)
{
  ocirt_container *c = rst.c;

  if (strcmp (action, "orphan-pts-master") == 0)
    {
      int master = lc.get_orphan_pts_master_fd ();
      if (master < 0)
        return 0;
      if (rst.co->console_socket)
        {
          int ret = ocirt_terminal_send_to_socket (rst.co->console_socket, master, rst.err);
          close (master);
          if (ret < 0)
            {
              rst.failed = true;
              return -1;
            }
        }
      else if (rst.co->keep_terminal_master && c->terminal_master < 0)
        c->terminal_master = master;
      else
        close (master);
      return 0;
    }
  if (strcmp (action, "setup-namespaces") == 0 && c->config->hooks
      && (c->config->hooks->prestart.len || c->config->hooks->create_runtime.len))
    {
      /* The tree exists in its namespaces and has not run yet: the point where create runs
       * the same hooks. */
      oci_state *st = ocirt_container_make_state (c, "creating");
      int ret;
      st->has_pid = true;
      st->pid = lc.notify_pid (na);
      free (st->bundle);
      st->bundle = xstrdup (rst.bundle);
      ret = ocirt_hooks_run (&c->config->hooks->prestart, "prestart", st, rst.err);
      if (ret == 0)
        ret = ocirt_hooks_run (&c->config->hooks->create_runtime, "createRuntime", st, rst.err);
      oci_state_free (st);
      if (ret < 0)
        {
          rst.failed = true;
          return -1;
        }
    }
  return 0;
}

/* Recreate missing mount points in the rootfs (a fresh copy of the bundle may lack those
 * init.c made); criu only mounts. */
static int
prepare_mount_points (const oci_config *cfg, const char *root, ocirt_error_t *err)
{
  cleanup_close int rootfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  size_t i;

  if (rootfd < 0)
    return ocirt_error_errno (err, "open %s", root);
  for (i = 0; i < cfg->mounts_len; i++)
    {
      const oci_mount *m = &cfg->mounts[i];
      bool file = false;
      int fd;

      if (m->type && (strcmp (m->type, "cgroup") == 0 || strcmp (m->type, "cgroup2") == 0))
        continue;
      /* Under /dev (a tmpfs criu restores with its content) or another mount: skip what
       * can't be reached yet; criu reports it if it matters. */
      if (is_bind (m) && m->source)
        {
          struct stat st;
          file = stat (m->source, &st) == 0 && !S_ISDIR (st.st_mode);
        }
      fd = ocirt_mkpath_in_root (rootfd, m->destination, file, NULL);
      if (fd >= 0)
        close (fd);
    }
  return 0;
}

/* descriptors.json from checkpoint: fds 0-2 that were pipes are replaced by the caller's
 * own fds 0-2 (criu --inherit-fd fd[N]:pipe:[inode]). */
static int
load_descriptors (int image_fd, ocirt_error_t *err)
{
  cleanup_free char *data = NULL;
  const char *p;
  size_t len;
  int i;

  if (read_file_at (image_fd, DESCRIPTORS, &data, &len, NULL) < 0)
    return 0; /* no file: nothing to reconnect */
  /* A bare array of 3 strings without escapes in the pipe entries ("pipe:[123]"). */
  p = data;
  for (i = 0; i < 3 && (p = strchr (p, '"')) != NULL; i++)
    {
      const char *end = p + 1;
      cleanup_free char *s = NULL;
      while (*end && *end != '"')
        end += end[0] == '\\' && end[1] ? 2 : 1;
      if (*end == '\0')
        break;
      s = xmalloc (end - p);
      memcpy (s, p + 1, end - p - 1);
      s[end - p - 1] = '\0';
      if (has_prefix (s, "pipe:"))
        {
          int ret = lc.add_inherit_fd (i, s);
          if (ret < 0)
            return ocirt_error_set (err, -ret, "criu: inherit fd %d as %s", i, s);
        }
      p = end + 1;
    }
  return 0;
}

/* A stopped container under the id (checkpointed without --leave-running) makes way for its
 * restore; anything else keeps the id taken. */
static int
replace_stopped (const char *root, const char *id, ocirt_error_t *err)
{
  cleanup_container ocirt_container *old = NULL;
  cleanup_error ocirt_error_t e = NULL;

  if (ocirt_container_load (root, id, false, &old, &e) < 0)
    return 0; /* absent (or half made: state_dir_create reports it) */
  if (strcmp (ocirt_container_status (old), "stopped") != 0)
    return ocirt_error_set (err, EEXIST, "container already exists and is %s", ocirt_container_status (old));
  ocirt_container_free (steal_pointer (&old));
  if (ocirt_container_delete (root, id, false, err) < 0)
    return ocirt_error_wrap (err, "remove the stopped container");
  return 0;
}

static void
restore_undo (ocirt_container *c, const char *criu_root, bool mounted)
{
  cleanup_error ocirt_error_t e = NULL;

  if (c->pid > 0)
    {
      if (c->pidfd >= 0)
        syscall (SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
      else
        kill (c->pid, SIGKILL);
      while (waitpid (c->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    }
  if (mounted && umount2 (criu_root, MNT_DETACH) < 0)
    ocirt_warn ("cleanup: umount %s: %s", criu_root, strerror (errno));
  if (criu_root)
    rmdir (criu_root);
  if (c->cgroup && ocirt_cgroup_destroy (c->cgroup, true, &e) < 0)
    ocirt_warn ("cleanup: %s", e->msg);
  ocirt_error_release (&e);
  if (c->dir && ocirt_state_dir_remove (c->dir, &e) < 0)
    ocirt_warn ("cleanup: %s", e->msg);
}

static char *
config_file_path (const char *bundle, const char *config_file)
{
  if (config_file == NULL)
    return xasprintf ("%s/config.json", bundle);
  return config_file[0] == '/' ? xstrdup (config_file) : xasprintf ("%s/%s", bundle, config_file);
}

int
ocirt_container_restore (const ocirt_create_opts *co, const ocirt_criu_opts *o, ocirt_container **out,
                         ocirt_error_t *err)
{
  cleanup_free char *bundle = NULL, *rootfs = NULL, *data = NULL, *config_path = NULL, *criu_root = NULL;
  cleanup_close int image_fd = -1, work_fd = -1, netns_fd = -1, pidns_fd = -1;
  cleanup_free char *default_image = NULL;
  const char *image_path = image_path_of (o, &default_image);
  const char *work_path = o->work_path ? o->work_path : image_path;
  int ns_fds[2] = { -1, -1 };
  oci_config *cfg = NULL;
  ocirt_container *c;
  bool mounted = false;
  size_t len;
  int pid;

  if (load_libcriu (err) < 0)
    return -1;
  if (geteuid () != 0)
    return ocirt_error_set (err, EPERM, "restore needs root");
  if (ocirt_validate_id (co->id, err) < 0)
    return -1;
  bundle = realpath (co->bundle ? co->bundle : ".", NULL);
  if (bundle == NULL)
    return ocirt_error_errno (err, "bundle %s", co->bundle ? co->bundle : ".");
  config_path = config_file_path (bundle, co->config_file);
  if (ocirt_config_load (bundle, co->config_file, &cfg, err) < 0)
    return -1;
  c = xmalloc0 (sizeof *c);
  c->pidfd = c->terminal_master = -1;
  c->config = cfg;
  if (read_file_at (AT_FDCWD, config_path, &data, &len, err) < 0)
    goto fail;
  if (cfg->process->terminal && co->console_socket == NULL && !co->keep_terminal_master)
    {
      ocirt_error_set (err, EINVAL, "process.terminal is true: --console-socket is required");
      goto fail;
    }
  {
    cleanup_free char *joined = cfg->root->path[0] == '/' ? xstrdup (cfg->root->path)
                                                          : xasprintf ("%s/%s", bundle, cfg->root->path);
    rootfs = realpath (joined, NULL);
    if (rootfs == NULL)
      {
        ocirt_error_errno (err, "root.path %s", cfg->root->path);
        goto fail;
      }
  }
  image_fd = open_dir (image_path, false, err);
  if (image_fd < 0)
    {
      ocirt_error_wrap (err, "--image-path");
      goto fail;
    }
  if (o->work_path)
    {
      work_fd = open_dir (o->work_path, true, err);
      if (work_fd < 0)
        {
          ocirt_error_wrap (err, "--work-path");
          goto fail;
        }
    }
  if (lc.init_opts () < 0)
    {
      ocirt_error_set (err, ENOMEM, "criu_init_opts");
      goto fail;
    }
  if (!lc.check_version (LIBCRIU_MIN_VERSION))
    {
      ocirt_error_set (err, ENOTSUP, "criu is too old (3.15 or newer is needed)");
      goto fail;
    }

  if (replace_stopped (co->root, co->id, err) < 0 || ocirt_state_dir_create (co->root, co->id, &c->dir, err) < 0)
    goto fail;
  if (write_file_at (c->dir->dir_fd, CONFIG_COPY, data, len, 0600, err) < 0)
    goto fail;
  if (ocirt_container_setup_cgroup (c, co->id, err) < 0)
    goto fail;

  /* criu wants the container's root prepared: the rootfs bound at a directory of ours. */
  criu_root = xasprintf ("%s/%s", c->dir->path, CRIU_ROOT);
  if (mkdirat (c->dir->dir_fd, CRIU_ROOT, 0755) < 0)
    {
      ocirt_error_errno (err, "mkdir %s", criu_root);
      goto fail;
    }
  if (mount (rootfs, criu_root, NULL, MS_BIND | MS_REC, NULL) < 0)
    {
      ocirt_error_errno (err, "bind mount %s on %s", rootfs, criu_root);
      goto fail;
    }
  mounted = true;
  if (prepare_mount_points (cfg, criu_root, err) < 0)
    goto fail;

  lc.set_images_dir_fd (image_fd);
  if (work_fd >= 0)
    lc.set_work_dir_fd (work_fd);
  if (lc.set_log_file (RESTORE_LOG) < 0 || lc.set_root (criu_root) < 0)
    {
      ocirt_error_set (err, ENOMEM, "criu options");
      goto fail;
    }
  set_common (o);
  if (add_external_mounts (cfg, rootfs, bundle, true, err) < 0 || add_external_namespaces (cfg, true, ns_fds, err) < 0)
    {
      netns_fd = ns_fds[0];
      pidns_fd = ns_fds[1];
      goto fail;
    }
  netns_fd = ns_fds[0];
  pidns_fd = ns_fds[1];
  if (load_descriptors (image_fd, err) < 0)
    goto fail;
  if (c->cgroup && lc.add_cg_root (NULL, ocirt_cgroup_get_path (c->cgroup)) < 0)
    {
      ocirt_error_set (err, ENOMEM, "criu: set cgroup root");
      goto fail;
    }
  rst.c = c;
  rst.co = co;
  rst.bundle = bundle;
  rst.err = err;
  rst.failed = false;
  lc.set_notify_cb (restore_notify);

  pid = lc.restore_child ();
  if (pid <= 0)
    {
      if (!rst.failed)
        criu_failed (err, pid, work_path, RESTORE_LOG);
      goto fail;
    }
  c->pid = pid;
  c->pidfd = syscall (SYS_pidfd_open, pid, 0);
  if (umount2 (criu_root, MNT_DETACH) < 0)
    ocirt_warn ("umount %s: %s", criu_root, strerror (errno));
  mounted = false;
  rmdir (criu_root);

  c->status = xmalloc0 (sizeof *c->status);
  c->status->id = xstrdup (co->id);
  c->status->pid = pid;
  c->status->pid_start_time = ocirt_pid_start_time (pid);
  c->status->bundle = xstrdup (bundle);
  c->status->rootfs = xstrdup (rootfs);
  c->status->config_path = xstrdup (config_path);
  c->status->created = ocirt_rfc3339_now ();
  c->status->status = xstrdup ("running");
  c->status->cgroup_path = xstrdup (c->cgroup ? ocirt_cgroup_get_path (c->cgroup) : "");
  c->status->cgroup_driver = xstrdup ("cgroupfs");
  c->status->cgroup_owned = c->cgroup != NULL;
  c->status->systemd_cgroup = co->systemd_cgroup;
  c->status->detached = co->detached;
  c->status->use_terminal = cfg->process->terminal;
  c->status->no_new_keyring = co->no_new_keyring;
  c->status->owner = xasprintf ("%u", geteuid ());
  if (ocirt_status_save (c->dir, c->status, err) < 0)
    goto fail;
  if (co->pid_file)
    {
      char buf[32];
      int n = snprintf (buf, sizeof buf, "%d", pid);
      if (write_file_atomic_at (AT_FDCWD, co->pid_file, buf, n, 0644, err) < 0)
        {
          ocirt_error_wrap (err, "write pid file");
          goto fail;
        }
    }
  if (cfg->hooks && cfg->hooks->poststart.len)
    {
      cleanup_error ocirt_error_t e = NULL;
      oci_state *st = ocirt_container_make_state (c, "running");
      if (ocirt_hooks_run (&cfg->hooks->poststart, "poststart", st, &e) < 0)
        ocirt_warn ("%s", e->msg);
      oci_state_free (st);
    }
  if (c->cgroup)
    ocirt_cgroup_disown_parents (c->cgroup);
  flock (c->dir->dir_fd, LOCK_UN);
  memset (&rst, 0, sizeof rst);
  *out = c;
  return 0;

fail:
  memset (&rst, 0, sizeof rst);
  restore_undo (c, criu_root, mounted);
  ocirt_container_free (c);
  return -1;
}
