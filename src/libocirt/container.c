/* ocirt: container lifecycle, the runtime side (see container.h). */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#include "container.h"
#include "hooks.h"
#include "init.h"
#include "log.h"
#include "mounts.h"
#include "namespaces.h"
#include "process.h"
#include "seccomp.h"
#include "selfexe.h"
#include "sync.h"
#include "terminal.h"
#include "utils.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

#define CONFIG_COPY "config.json"

void
ocirt_container_free (ocirt_container *c)
{
  if (c->dir)
    ocirt_state_dir_free (c->dir);
  if (c->config)
    oci_config_free (c->config);
  if (c->status)
    ocirt_status_free (c->status);
  if (c->cgroup)
    ocirt_cgroup_free (c->cgroup);
  if (c->pidfd >= 0)
    close (c->pidfd);
  if (c->terminal_master >= 0)
    close (c->terminal_master);
  free (c);
}

static ocirt_container *
container_new (void)
{
  ocirt_container *c = xmalloc0 (sizeof *c);
  c->pidfd = c->terminal_master = -1;
  return c;
}

char *
ocirt_default_root (void)
{
  const char *xdg = getenv ("XDG_RUNTIME_DIR");
  if (geteuid () == 0 || xdg == NULL || xdg[0] == '\0')
    return xstrdup (OCIRT_DEFAULT_ROOT);
  return xasprintf ("%s/ocirt", xdg);
}

static oci_config *
parse_config (const char *path, const char *data, size_t len, ocirt_error_t *err)
{
  cleanup_free char *perr = NULL;
  oci_config *c = oci_config_parse_data ("config.json", data, len, &perr);
  if (c == NULL)
    ocirt_error_set (err, 0, "%s", perr ? perr : "config.json: invalid");
  (void) path;
  return c;
}

static int
read_config (const char *bundle, const char *config_file, char **data, size_t *len, char **path, ocirt_error_t *err)
{
  *path = config_file ? (config_file[0] == '/' ? xstrdup (config_file) : xasprintf ("%s/%s", bundle, config_file))
                      : xasprintf ("%s/config.json", bundle);
  if (read_file_at (AT_FDCWD, *path, data, len, err) < 0)
    return ocirt_error_wrap (err, "load config");
  return 0;
}

int
ocirt_config_validate (const oci_config *c, ocirt_error_t *err)
{
  struct ocirt_ns_plan ns;

  if (c->process == NULL)
    return ocirt_error_set (err, 0, "config.json: process: required");
  if (ocirt_process_validate (c->process, "process", err) < 0)
    return ocirt_error_wrap (err, "config.json");
  if (c->root == NULL || c->root->path == NULL || c->root->path[0] == '\0')
    return ocirt_error_set (err, 0, "config.json: root.path: required");
  if (ocirt_ns_plan_build (c->linux_, &ns, err) < 0)
    return ocirt_error_wrap (err, "config.json");
  if (ns.new_user && (c->linux_->uid_mappings_len == 0 || c->linux_->gid_mappings_len == 0))
    return ocirt_error_set (err, 0,
                            "config.json: linux.uidMappings, linux.gidMappings: required with a new user namespace");
  if (!ns.new_user && c->linux_ && (c->linux_->uid_mappings_len || c->linux_->gid_mappings_len)
      && !ocirt_ns_plan_joins (&ns, CLONE_NEWUSER))
    return ocirt_error_set (err, 0, "config.json: linux.uidMappings: needs a user namespace");
  if (((c->hostname && c->hostname[0]) || (c->domainname && c->domainname[0])) && !(ns.new_flags & CLONE_NEWUTS)
      && !ocirt_ns_plan_joins (&ns, CLONE_NEWUTS))
    return ocirt_error_set (err, 0, "config.json: hostname: needs a uts namespace");
  if (c->linux_ && (c->linux_->masked_paths_len || c->linux_->readonly_paths_len))
    {
      size_t i;
      for (i = 0; i < c->linux_->masked_paths_len; i++)
        if (c->linux_->masked_paths[i][0] != '/')
          return ocirt_error_set (err, 0, "config.json: linux.maskedPaths[%zu]: `%s` is not an absolute path", i,
                                  c->linux_->masked_paths[i]);
      for (i = 0; i < c->linux_->readonly_paths_len; i++)
        if (c->linux_->readonly_paths[i][0] != '/')
          return ocirt_error_set (err, 0, "config.json: linux.readonlyPaths[%zu]: `%s` is not an absolute path", i,
                                  c->linux_->readonly_paths[i]);
    }
  if (c->linux_ && c->linux_->sysctl.len && !(ns.new_flags & (CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS)) && ns.n_join == 0)
    return ocirt_error_set (err, 0, "config.json: linux.sysctl: needs a network, ipc or uts namespace");
  return 0;
}

int
ocirt_config_load (const char *bundle, const char *config_file, oci_config **out, ocirt_error_t *err)
{
  cleanup_free char *data = NULL, *path = NULL;
  size_t len;
  oci_config *c;

  if (read_config (bundle, config_file, &data, &len, &path, err) < 0)
    return -1;
  c = parse_config (path, data, len, err);
  if (c == NULL)
    return -1;
  if (ocirt_config_validate (c, err) < 0)
    {
      oci_config_free (c);
      return -1;
    }
  *out = c;
  return 0;
}

oci_state *
ocirt_container_make_state (ocirt_container *c, const char *status)
{
  oci_state *s = xmalloc0 (sizeof *s);
  const oci_map *ann = c->config ? &c->config->annotations : c->status ? &c->status->annotations : NULL;
  size_t i;

  s->oci_version = xstrdup (c->config && c->config->oci_version ? c->config->oci_version : OCISPEC_VERSION);
  s->id = xstrdup (c->dir->id);
  s->status = xstrdup (status);
  if (c->pid > 0)
    {
      s->has_pid = true;
      s->pid = c->pid;
    }
  s->bundle = xstrdup (c->status ? c->status->bundle : "");
  if (ann && ann->len)
    {
      s->annotations.items = xmalloc0 (sizeof (oci_kv) * ann->len);
      for (i = 0; i < ann->len; i++)
        {
          s->annotations.items[i].key = xstrdup (ann->items[i].key);
          s->annotations.items[i].value = xstrdup (ann->items[i].value);
        }
      s->annotations.len = ann->len;
    }
  return s;
}

static void
state_freep (oci_state **s)
{
  if (*s)
    oci_state_free (*s);
}
#define cleanup_state __attribute__ ((cleanup (state_freep)))

/* linux.resources.devices followed by the rules for the default /dev nodes, so they stay
 * usable after a leading "deny all" (last matching rule wins). */
static oci_resources *
resources_with_default_devices (const oci_resources *res, oci_resources *copy)
{
  size_t n, i;
  const oci_device_cgroup *defs = ocirt_default_device_rules (&n);
  oci_device_cgroup *all;

  if (res)
    *copy = *res;
  else
    memset (copy, 0, sizeof *copy);
  all = xmalloc0 (sizeof (*all) * (copy->devices_len + n));
  for (i = 0; i < copy->devices_len; i++)
    all[i] = copy->devices[i];
  for (i = 0; i < n; i++)
    all[copy->devices_len + i] = defs[i];
  copy->devices = all;
  copy->devices_len += n;
  return copy;
}

struct create_ctx
{
  ocirt_container *c;
  struct ocirt_ns_plan ns;
  struct ocirt_mount_plan mounts;
  ocirt_seccomp *seccomp;
  int sync[2];
  int fifo_fd;
  bool created_fifo;
};

static void
create_cleanup (struct create_ctx *x, bool failed)
{
  ocirt_container *c = x->c;
  if (x->sync[0] >= 0)
    close (x->sync[0]);
  if (x->sync[1] >= 0)
    close (x->sync[1]);
  if (x->fifo_fd >= 0)
    close (x->fifo_fd);
  ocirt_ns_plan_close (&x->ns);
  ocirt_mount_plan_free (&x->mounts);
  if (x->seccomp)
    ocirt_seccomp_free (x->seccomp);
  if (!failed || c == NULL)
    return;
  /* Undo everything: the init, the cgroup, the state dir. */
  if (c->pid > 0)
    {
      if (c->pidfd >= 0)
        syscall (SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
      else
        kill (c->pid, SIGKILL);
      while (waitpid (c->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    }
  if (c->cgroup)
    {
      cleanup_error ocirt_error_t e = NULL;
      if (ocirt_cgroup_destroy (c->cgroup, true, &e) < 0)
        ocirt_warn ("cleanup: %s", e->msg);
    }
  if (c->dir)
    {
      cleanup_error ocirt_error_t e = NULL;
      if (ocirt_state_dir_remove (c->dir, &e) < 0)
        ocirt_warn ("cleanup: %s", e->msg);
    }
}

/* The init closed the sync socket without a word: if it was killed (typically SIGKILL by the
 * OOM killer under a tiny memory limit), say so instead of a bare "exited during setup". */
static void
explain_init_death (ocirt_container *c, ocirt_error_t *err)
{
  const oci_resources *r = c->config->linux_ ? c->config->linux_->resources : NULL;
  int st, i;
  pid_t w = 0;

  for (i = 0; i < 100 && (w = waitpid (c->pid, &st, WNOHANG)) == 0; i++)
    usleep (10000);
  if (w != c->pid || !WIFSIGNALED (st))
    return;
  ocirt_error_release (err);
  ocirt_error_set (err, 0, "container init was killed during setup by signal %d (%s)%s", WTERMSIG (st),
                   strsignal (WTERMSIG (st)),
                    WTERMSIG (st) == SIGKILL && r && r->memory && r->memory->has_limit
                       ? ", perhaps by the OOM killer: is linux.resources.memory.limit too low?"
                       : "");
  c->pid = 0; /* reaped: create_cleanup must not signal a recycled pid */
}

static int
parent_loop (struct create_ctx *x, const ocirt_create_opts *o, oci_state *st, ocirt_error_t *err)
{
  ocirt_container *c = x->c;
  const oci_config *cfg = c->config;

  for (;;)
    {
      struct ocirt_sync_msg msg;
      cleanup_close int fd = -1;

      if (ocirt_sync_recv (x->sync[0], &msg, &fd, err) < 0)
        {
          if ((*err)->status == EPIPE)
            explain_init_death (c, err);
          return -1;
        }
      switch (msg.type)
        {
        case SYNC_READY:
          return 0;
        case SYNC_ERROR:
          ocirt_error_set (err, 0, "%s", msg.text);
          (*err)->status = msg.status;
          return -1;
        case SYNC_GO:
          if (ocirt_ns_write_id_maps (c->pid, cfg->linux_, err) < 0
              || ocirt_sync_send (x->sync[0], SYNC_GO, 0, -1, err) < 0)
            return -1;
          break;
        case SYNC_HOOKS:
          if (ocirt_hooks_run (&cfg->hooks->prestart, "prestart", st, err) < 0
              || ocirt_hooks_run (&cfg->hooks->create_runtime, "createRuntime", st, err) < 0)
            return -1;
          if (ocirt_sync_send (x->sync[0], SYNC_HOOKS_DONE, 0, -1, err) < 0)
            return -1;
          break;
        case SYNC_CONSOLE:
          if (fd < 0)
            return ocirt_error_set (err, EPROTO, "no terminal received from container init");
          if (o->console_socket)
            {
              if (ocirt_terminal_send_to_socket (o->console_socket, fd, err) < 0)
                return -1;
            }
          else
            c->terminal_master = steal_fd (&fd);
          break;
        case SYNC_SECCOMP:
          if (fd < 0)
            return ocirt_error_set (err, EPROTO, "no seccomp listener received from container init");
          if (ocirt_seccomp_send_listener (cfg->linux_->seccomp, fd, st, c->pid, err) < 0)
            return -1;
          break;
        default:
          return ocirt_error_set (err, EPROTO, "unexpected message %d from container init", msg.type);
        }
    }
}

int
ocirt_container_setup_cgroup (ocirt_container *c, const char *id, ocirt_error_t *err)
{
  cleanup_free char *path = NULL;
  oci_resources res;
  const oci_linux *l = c->config->linux_;
  int ret;

  if (ocirt_cgroup_detect_mode () == OCIRT_CGROUP_MODE_NONE)
    return 0;
  if (ocirt_cgroup_resolve_path (l ? l->cgroups_path : NULL, id, &path, err) < 0)
    return ocirt_error_wrap (err, "linux.cgroupsPath");
  resources_with_default_devices (l ? l->resources : NULL, &res);
  ret = ocirt_cgroup_create (path, &res, &c->cgroup, err);
  free (res.devices);
  if (ret < 0)
    return ocirt_error_wrap (err, "cgroup %s", path);
  return 0;
}

static int
write_pid_file (const char *path, pid_t pid, ocirt_error_t *err)
{
  char buf[32];
  cleanup_free char *abs = NULL;
  int n = snprintf (buf, sizeof buf, "%d", pid);
  /* Atomic: containerd reads the file as soon as it appears. */
  if (write_file_atomic_at (AT_FDCWD, path, buf, n, 0644, err) < 0)
    return ocirt_error_wrap (err, "write pid file");
  (void) abs;
  return 0;
}

/* How the init gets into a cgroup when clone3 can't put it there (v1, or no
 * CLONE_INTO_CGROUP): it writes itself into the join files the parent opened, first thing
 * after the clone, so that everything its setup allocates (mounts, pages) is charged to the
 * container's cgroup and counts against its limits.  A new cgroup namespace is then unshared
 * after the join: its root is the cgroup the process is in at unshare time. */
static void
plan_self_join (struct ocirt_init_args *a, uint64_t *flags)
{
  a->cgroup_join = true;
  if (*flags & CLONE_NEWCGROUP)
    {
      a->unshare_cgroupns_after_join = true;
      *flags &= ~(uint64_t) CLONE_NEWCGROUP;
    }
}

int
ocirt_container_create (const ocirt_create_opts *o, ocirt_container **out, ocirt_error_t *err)
{
  /* ns's saved fds start closed: create_cleanup restores from them (fd 0 is stdin). */
  struct create_ctx x = { .sync = { -1, -1 }, .fifo_fd = -1, .ns = { .saved_pid_fd = -1, .saved_time_fd = -1 } };
  cleanup_free char *bundle = NULL, *rootfs = NULL, *data = NULL, *config_path = NULL, *cache = NULL;
  cleanup_state oci_state *st = NULL;
  struct ocirt_init_args a = { 0 };
  ocirt_container *c;
  oci_config *cfg;
  size_t len;
  int cgroup_fd = -1;
  uint64_t flags, t;

  if (ocirt_validate_id (o->id, err) < 0)
    return -1;
  bundle = realpath (o->bundle ? o->bundle : ".", NULL);
  if (bundle == NULL)
    return ocirt_error_errno (err, "bundle %s", o->bundle ? o->bundle : ".");
  t = ocirt_step_begin ();
  if (read_config (bundle, o->config_file, &data, &len, &config_path, err) < 0)
    return -1;
  cfg = parse_config (config_path, data, len, err);
  if (cfg == NULL)
    return -1;
  x.c = c = container_new ();
  c->config = cfg;
  if (ocirt_config_validate (cfg, err) < 0)
    goto fail;
  if (cfg->process->terminal && o->console_socket == NULL && !o->keep_terminal_master)
    {
      ocirt_error_set (err, 0, "process.terminal is true: --console-socket is required");
      goto fail;
    }
  if (ocirt_ns_plan_build (cfg->linux_, &x.ns, err) < 0
      || ocirt_mount_plan_build (cfg, bundle, &x.mounts, err) < 0)
    goto fail;
  /* Without a new pid namespace, processes that are already there see our init before its
   * execve: run from a sealed copy of ocirt (CVE-2019-5736).  Nothing exists yet. */
  if (!(x.ns.new_flags & CLONE_NEWPID) && ocirt_ensure_sealed_self (err) < 0)
    goto fail;
  ocirt_step_end (t, "load config");
  rootfs = cfg->root->path[0] == '/' ? realpath (cfg->root->path, NULL) : NULL;
  if (cfg->root->path[0] != '/')
    {
      cleanup_free char *joined = xasprintf ("%s/%s", bundle, cfg->root->path);
      rootfs = realpath (joined, NULL);
    }
  if (rootfs == NULL)
    {
      ocirt_error_errno (err, "root.path %s", cfg->root->path);
      goto fail;
    }

  t = ocirt_step_begin ();
  if (ocirt_state_dir_create (o->root, o->id, &c->dir, err) < 0)
    goto fail;
  /* A copy of the config, for exec, delete's poststop hooks and checkpoint. */
  if (write_file_at (c->dir->dir_fd, CONFIG_COPY, data, len, 0600, err) < 0)
    goto fail;
  /* 0622 despite the umask: an init that is root of a user namespace writes it as "other". */
  if (mkfifoat (c->dir->dir_fd, OCIRT_EXEC_FIFO, 0622) < 0
      || fchmodat (c->dir->dir_fd, OCIRT_EXEC_FIFO, 0622, 0) < 0)
    {
      ocirt_error_errno (err, "mkfifo %s/%s", c->dir->path, OCIRT_EXEC_FIFO);
      goto fail;
    }
  x.fifo_fd = openat (c->dir->dir_fd, OCIRT_EXEC_FIFO, O_PATH | O_CLOEXEC);
  if (x.fifo_fd < 0)
    {
      ocirt_error_errno (err, "open %s/%s", c->dir->path, OCIRT_EXEC_FIFO);
      goto fail;
    }
  ocirt_step_end (t, "state dir");

  t = ocirt_step_begin ();
  if (ocirt_container_setup_cgroup (c, o->id, err) < 0)
    goto fail;
  ocirt_step_end (t, "cgroup");
  if (cfg->linux_ && cfg->linux_->seccomp)
    {
      t = ocirt_step_begin ();
      cache = xasprintf ("%s/.seccomp-cache", o->root);
      if (ocirt_seccomp_prepare (cfg->linux_->seccomp, cache, &x.seccomp, err) < 0)
        {
          ocirt_error_wrap (err, "linux.seccomp");
          goto fail;
        }
      ocirt_step_end (t, "seccomp prepare");
    }
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, x.sync) < 0)
    {
      ocirt_error_errno (err, "socketpair");
      goto fail;
    }
  st = ocirt_container_make_state (c, "creating");
  free (st->bundle);
  st->bundle = xstrdup (bundle);
  if (ocirt_ns_parent_prepare (&x.ns, cfg->linux_, err) < 0)
    goto fail;

  a.config = cfg;
  a.id = o->id;
  a.rootfs = rootfs;
  a.ns = &x.ns;
  a.mounts = &x.mounts;
  a.cgroup = c->cgroup;
  a.seccomp = x.seccomp;
  a.state = st;
  a.sync_fd = x.sync[1];
  a.fifo_fd = x.fifo_fd;
  a.preserve_fds = o->preserve_fds;
  a.no_pivot = o->no_pivot;
  a.no_new_keyring = o->no_new_keyring;
  a.parent_hooks = cfg->hooks && (cfg->hooks->prestart.len || cfg->hooks->create_runtime.len);

  flags = x.ns.clone_flags;
  if (c->cgroup)
    {
      if (ocirt_cgroup_prepare_join (c->cgroup, NULL, err) < 0)
        goto fail;
      cgroup_fd = ocirt_cgroup_clone_fd (c->cgroup);
      if (cgroup_fd < 0)
        plan_self_join (&a, &flags);
    }
  t = ocirt_step_begin ();
  c->pid = ocirt_clone3 (flags, cgroup_fd, &c->pidfd);
  if (c->pid < 0 && ocirt_clone3_no_cgroup_flag (cgroup_fd))
    {
      /* No CLONE_INTO_CGROUP (kernel before 5.7): join after the clone instead. */
      plan_self_join (&a, &flags);
      c->pid = ocirt_clone3 (flags, -1, &c->pidfd);
    }
  if (c->pid < 0)
    {
      c->pidfd = -1;
      ocirt_error_errno (err, "clone container init");
      goto fail;
    }
  if (c->pid == 0)
    {
      close (x.sync[0]);
      ocirt_init_run (&a);
    }
  ocirt_step_end (t, "clone");
  ocirt_ns_parent_restore (&x.ns);
  close (x.sync[1]);
  x.sync[1] = -1;
  if (c->cgroup)
    ocirt_cgroup_close_join (c->cgroup);
  st->has_pid = true;
  st->pid = c->pid;

  t = ocirt_step_begin ();
  if (x.ns.new_user && (x.ns.clone_flags & CLONE_NEWUSER))
    {
      if (ocirt_ns_write_id_maps (c->pid, cfg->linux_, err) < 0 || ocirt_sync_send (x.sync[0], SYNC_GO, 0, -1, err) < 0)
        goto fail;
    }
  if (parent_loop (&x, o, st, err) < 0)
    goto fail;
  ocirt_step_end (t, "container setup");

  t = ocirt_step_begin ();

  c->status = xmalloc0 (sizeof *c->status);
  c->status->id = xstrdup (o->id);
  c->status->pid = c->pid;
  c->status->pid_start_time = ocirt_pid_start_time (c->pid);
  c->status->bundle = xstrdup (bundle);
  c->status->rootfs = xstrdup (rootfs);
  c->status->config_path = xstrdup (config_path);
  c->status->created = ocirt_rfc3339_now ();
  c->status->status = xstrdup ("created");
  c->status->cgroup_path = xstrdup (c->cgroup ? ocirt_cgroup_get_path (c->cgroup) : "");
  c->status->cgroup_driver = xstrdup ("cgroupfs");
  c->status->cgroup_owned = c->cgroup != NULL && ocirt_cgroup_owns_leaf (c->cgroup);
  c->status->systemd_cgroup = o->systemd_cgroup;
  c->status->detached = o->detached;
  c->status->use_terminal = cfg->process->terminal;
  c->status->no_new_keyring = o->no_new_keyring;
  c->status->owner = xasprintf ("%u", geteuid ());
  if (ocirt_status_save (c->dir, c->status, err) < 0)
    goto fail;
  if (o->pid_file && write_pid_file (o->pid_file, c->pid, err) < 0)
    goto fail;
  ocirt_step_end (t, "save state");
  if (c->cgroup)
    ocirt_cgroup_disown_parents (c->cgroup);
  create_cleanup (&x, false);
  /* The record is complete: other commands (state, kill, a racing delete) may now look. */
  flock (c->dir->dir_fd, LOCK_UN);
  *out = c;
  return 0;

fail:
  create_cleanup (&x, true);
  ocirt_container_free (c);
  return -1;
}

int
ocirt_container_load (const char *root, const char *id, bool lock, ocirt_container **out, ocirt_error_t *err)
{
  cleanup_container ocirt_container *c = container_new ();

  if (ocirt_state_dir_open (root, id, lock, &c->dir, err) < 0)
    return -1;
  if (ocirt_status_load (c->dir, &c->status, err) < 0)
    return -1;
  c->pid = c->status->pid;
  if (c->status->cgroup_path && c->status->cgroup_path[0])
    {
      cleanup_error ocirt_error_t e = NULL;
      /* Without its cgroup a container can still be inspected and deleted. */
      if (ocirt_cgroup_load (c->status->cgroup_path, c->status->cgroup_driver, c->status->cgroup_owned, &c->cgroup, &e) < 0)
        ocirt_warn ("cgroup of %s: %s", id, e->msg);
    }
  {
    cleanup_free char *data = NULL;
    size_t len;
    if (read_file_at (c->dir->dir_fd, CONFIG_COPY, &data, &len, NULL) == 0)
      {
        cleanup_error ocirt_error_t e = NULL;
        c->config = parse_config (CONFIG_COPY, data, len, &e);
      }
  }
  *out = steal_pointer (&c);
  return 0;
}

const char *
ocirt_container_status (ocirt_container *c)
{
  const char *s = ocirt_state_status (c->dir, c->status);
  if (strcmp (s, "running") == 0 && c->cgroup)
    {
      cleanup_error ocirt_error_t e = NULL;
      if (ocirt_cgroup_is_frozen (c->cgroup, &e) == 1)
        return "paused";
    }
  return s;
}

int
ocirt_container_state (const char *root, const char *id, oci_state **out, ocirt_error_t *err)
{
  cleanup_container ocirt_container *c = NULL;
  const char *status;

  if (ocirt_container_load (root, id, false, &c, err) < 0)
    return -1;
  status = ocirt_container_status (c);
  if (strcmp (status, "stopped") == 0)
    c->pid = 0;
  *out = ocirt_container_make_state (c, status);
  return 0;
}

/* Wait until the fifo yields init's byte and then EOF (init's write end is close-on-exec, so
 * the program has been exec'd), or init dies (pidfd). */
static int
open_and_read_fifo (ocirt_container *c, ocirt_error_t *err)
{
  cleanup_close int fd = openat (c->dir->dir_fd, OCIRT_EXEC_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  cleanup_close int pidfd = -1;
  bool got = false;
  char b;

  if (fd < 0)
    {
      if (errno == ENOENT)
        return ocirt_error_set (err, EINVAL, "cannot start a container that is not in the created state");
      return ocirt_error_errno (err, "open %s/%s", c->dir->path, OCIRT_EXEC_FIFO);
    }
  pidfd = c->pidfd >= 0 ? dup (c->pidfd) : syscall (SYS_pidfd_open, c->pid, 0);
  for (;;)
    {
      struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
      ssize_t r;
      if (poll (p, pidfd >= 0 ? 2 : 1, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return ocirt_error_errno (err, "poll exec fifo");
        }
      r = read (fd, &b, 1);
      if (r == 1)
        got = true;
      else if (r == 0 && got)
        return 0; /* the init's end closed at execve (or the init exited after start) */
      else if (r < 0 && errno != EAGAIN && errno != EINTR)
        return ocirt_error_errno (err, "read exec fifo");
      if (!got && pidfd >= 0 && (p[1].revents & POLLIN))
        return ocirt_error_set (err, ESRCH, "container init exited before start");
      if (got && pidfd >= 0 && (p[1].revents & POLLIN))
        return 0;
    }
}

int
ocirt_container_start (const char *root, const char *id, ocirt_container *given, ocirt_error_t *err)
{
  cleanup_container ocirt_container *loaded = NULL;
  cleanup_state oci_state *st = NULL;
  ocirt_container *c = given;
  const char *status;
  uint64_t t;

  if (c == NULL)
    {
      if (ocirt_container_load (root, id, true, &loaded, err) < 0)
        return -1;
      c = loaded;
    }
  status = ocirt_container_status (c);
  if (strcmp (status, "created") != 0)
    return ocirt_error_set (err, EINVAL, "cannot start a container that is %s", status);
  t = ocirt_step_begin ();
  if (open_and_read_fifo (c, err) < 0)
    return -1;
  /* The fifo's absence is what makes the status "running" (ocirt_state_status): no need to
   * rewrite status.json on this path. */
  unlinkat (c->dir->dir_fd, OCIRT_EXEC_FIFO, 0);
  ocirt_step_end (t, "start");
  if (c->config && c->config->hooks && c->config->hooks->poststart.len)
    {
      cleanup_error ocirt_error_t e = NULL;
      st = ocirt_container_make_state (c, "running");
      if (ocirt_hooks_run (&c->config->hooks->poststart, "poststart", st, &e) < 0)
        ocirt_warn ("%s", e->msg);
    }
  return 0;
}

static int
signal_init (ocirt_container *c, int sig, ocirt_error_t *err)
{
  cleanup_close int pidfd = syscall (SYS_pidfd_open, c->pid, 0);
  if (pidfd < 0 || !ocirt_pid_alive (c->pid, c->status->pid_start_time))
    return ocirt_error_set (err, ESRCH, "container is not running");
  if (syscall (SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
    return ocirt_error_errno (err, "kill %d with signal %d", c->pid, sig);
  return 0;
}

int
ocirt_container_kill (const char *root, const char *id, int sig, bool all, ocirt_error_t *err)
{
  cleanup_container ocirt_container *c = NULL;
  const char *status;

  if (ocirt_container_load (root, id, false, &c, err) < 0)
    return -1;
  status = ocirt_container_status (c);
  if (strcmp (status, "stopped") == 0)
    {
      if (all && c->cgroup)
        return ocirt_cgroup_kill_all (c->cgroup, sig, err);
      return ocirt_error_set (err, ESRCH, "container is not running");
    }
  if (all && c->cgroup)
    return ocirt_cgroup_kill_all (c->cgroup, sig, err);
  return signal_init (c, sig, err);
}

static void
wait_gone (ocirt_container *c, int timeout_ms)
{
  cleanup_close int pidfd = syscall (SYS_pidfd_open, c->pid, 0);
  if (pidfd >= 0)
    {
      struct pollfd p = { .fd = pidfd, .events = POLLIN };
      int r;
      do
        r = poll (&p, 1, timeout_ms);
      while (r < 0 && errno == EINTR);
      if (r == 0)
        ocirt_warn ("%s: container init %d has not exited %d s after SIGKILL", c->dir->id, c->pid, timeout_ms / 1000);
    }
  /* Reap it if it is our child (run); ignore ECHILD otherwise. */
  waitpid (c->pid, NULL, WNOHANG);
}

/* A stopped container's init may still be leaving its cgroup (exit in progress after SIGKILL):
 * give it a moment before calling the cgroup busy. */
static int
destroy_cgroup_of_stopped (ocirt_container *c, bool force, ocirt_error_t *err)
{
  int i;
  for (i = 0;; i++)
    {
      if (ocirt_cgroup_destroy (c->cgroup, force, err) == 0)
        return 0;
      if (force || i == 100 || (*err)->status != EBUSY)
        return -1;
      ocirt_error_release (err);
      usleep (10000);
    }
}

static int
delete_locked (ocirt_container *c, bool force, ocirt_error_t *err)
{
  const char *status;
  uint64_t t;

  status = ocirt_container_status (c);
  if (strcmp (status, "stopped") != 0)
    {
      if (!force)
        return ocirt_error_set (err, EBUSY, "cannot delete container that is %s (use --force)", status);
      if (c->cgroup)
        {
          cleanup_error ocirt_error_t e = NULL;
          if (ocirt_cgroup_kill_all (c->cgroup, SIGKILL, &e) < 0)
            ocirt_debug ("kill cgroup: %s", e->msg);
        }
      if (ocirt_pid_alive (c->pid, c->status->pid_start_time))
        {
          cleanup_error ocirt_error_t e = NULL;
          (void) signal_init (c, SIGKILL, &e);
        }
      wait_gone (c, 5000);
    }
  if (c->config && c->config->hooks && c->config->hooks->poststop.len)
    {
      cleanup_error ocirt_error_t e = NULL;
      cleanup_state oci_state *st = ocirt_container_make_state (c, "stopped");
      if (ocirt_hooks_run (&c->config->hooks->poststop, "poststop", st, &e) < 0)
        ocirt_warn ("%s", e->msg);
    }
  t = ocirt_step_begin ();
  if (c->cgroup && destroy_cgroup_of_stopped (c, force, err) < 0)
    return -1;
  ocirt_step_end (t, "delete: cgroup");
  t = ocirt_step_begin ();
  if (ocirt_state_dir_remove (c->dir, err) < 0)
    return -1;
  ocirt_step_end (t, "delete: state dir");
  return 0;
}

int
ocirt_container_delete (const char *root, const char *id, bool force, ocirt_error_t *err)
{
  cleanup_container ocirt_container *c = NULL;

  if (ocirt_container_load (root, id, true, &c, err) < 0)
    {
      /* A dir with no status.json: a create that died half-way.  --force cleans it. */
      cleanup_state_dir ocirt_state_dir *d = NULL;
      if (!force || (*err)->status != ENOENT || ocirt_state_dir_open (root, id, true, &d, NULL) < 0)
        return -1;
      ocirt_error_release (err);
      return ocirt_state_dir_remove (d, err);
    }
  return delete_locked (c, force, err);
}

int
ocirt_container_delete_own (ocirt_container *c, ocirt_error_t *err)
{
  if (ocirt_state_dir_relock (c->dir, err) < 0)
    return -1;
  return delete_locked (c, true, err);
}

int
ocirt_container_pause (const char *root, const char *id, bool pause, ocirt_error_t *err)
{
  cleanup_container ocirt_container *c = NULL;
  const char *verb = pause ? "pause" : "resume";
  const char *want = pause ? "running" : "paused";
  const char *status;

  if (ocirt_container_load (root, id, true, &c, err) < 0)
    return -1;
  status = ocirt_container_status (c);
  if (strcmp (status, want) != 0)
    return ocirt_error_set (err, EINVAL, "cannot %s a container that is %s (it must be %s)", verb, status, want);
  if (c->cgroup == NULL)
    return ocirt_error_set (err, EINVAL, "cannot %s: the container has no cgroup", verb);
  if (ocirt_cgroup_freeze (c->cgroup, pause, err) < 0)
    return ocirt_error_wrap (err, "%s cgroup %s", verb, ocirt_cgroup_get_path (c->cgroup));
  return 0;
}
