/* ocirt: container init, from clone to execve (see init.h).
 *
 * Order matters and follows the runtime-spec: namespaces, mounts, prestart/createRuntime (in
 * the parent), createContainer, pivot_root, masks, sysctl, process attributes, credentials
 * and capabilities, READY, then the exec.fifo barrier that `start` releases, startContainer,
 * seccomp (with no_new_privs), execve. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "hooks.h"
#include "init.h"
#include "log.h"
#include "lsm.h"
#include "paths.h"
#include "procfs.h"
#include "process.h"
#include "sync.h"
#include "terminal.h"
#include "utils.h"

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

static int
apply_sysctl (const oci_linux *l, ocirt_error_t *err)
{
  size_t i;
  for (i = 0; l && i < l->sysctl.len; i++)
    {
      const char *key = l->sysctl.items[i].key;
      cleanup_free char *rel = NULL;
      char *p;
      if (strstr (key, "..") || key[0] == '/' || key[0] == '.')
        return ocirt_error_set (err, 0, "linux.sysctl: invalid key `%s`", key);
      /* net.ipv4.ip_forward -> sys/net/ipv4/ip_forward; keys may also use '/' already. */
      rel = xasprintf ("sys/%s", key);
      for (p = rel + 4; *p; p++)
        if (*p == '.')
          *p = '/';
      if (ocirt_procfs_write (rel, l->sysctl.items[i].value, err) < 0)
        return ocirt_error_wrap (err, "linux.sysctl.%s", key);
    }
  return 0;
}

static int
set_hostname (const oci_config *c, const struct ocirt_ns_plan *ns, ocirt_error_t *err)
{
  bool uts = (ns->new_flags & CLONE_NEWUTS) != 0 || ocirt_ns_plan_joins (ns, CLONE_NEWUTS);
  if ((c->hostname && c->hostname[0]) || (c->domainname && c->domainname[0]))
    {
      if (!uts)
        return ocirt_error_set (err, 0, "hostname: setting it needs a uts namespace");
    }
  if (c->hostname && c->hostname[0] && sethostname (c->hostname, strlen (c->hostname)) < 0)
    return ocirt_error_errno (err, "sethostname %s", c->hostname);
  if (c->domainname && c->domainname[0] && setdomainname (c->domainname, strlen (c->domainname)) < 0)
    return ocirt_error_errno (err, "setdomainname %s", c->domainname);
  return 0;
}

static char **
env_with_home (const oci_process *p)
{
  size_t i;
  char **env;
  for (i = 0; i < p->env_len; i++)
    if (has_prefix (p->env[i], "HOME="))
      return p->env;
  /* runc sets HOME from the container's passwd when the config doesn't. */
  env = xmalloc ((p->env_len + 2) * sizeof (char *));
  memcpy (env, p->env, p->env_len * sizeof (char *));
  {
    cleanup_fclose FILE *f = fopen ("/etc/passwd", "re");
    char line[1024];
    char *home = NULL;
    while (f && home == NULL && fgets (line, sizeof line, f))
      {
        char *fields[7];
        char *s = line, *save = NULL;
        int n = 0;
        for (char *t = strtok_r (s, ":\n", &save); t && n < 7; t = strtok_r (NULL, ":\n", &save))
          fields[n++] = t;
        if (n >= 6 && (uint32_t) strtoul (fields[2], NULL, 10) == p->user.uid)
          home = xasprintf ("HOME=%s", fields[5]);
      }
    env[p->env_len] = home ? home : xstrdup ("HOME=/");
  }
  env[p->env_len + 1] = NULL;
  return env;
}

static int
wait_for_start (int fifo_fd, ocirt_error_t *err)
{
  char path[OCIRT_FD_PATH_MAX];
  int fd;

  /* Blocks until `start` opens the fifo for reading.  The fd stays open (close-on-exec): its
   * closing at execve tells `start` the program runs, so poststart hooks come after it. */
  do
    fd = open (ocirt_fd_path (fifo_fd, path), O_WRONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    return ocirt_error_errno (err, "open exec fifo");
  if (write_all (fd, "0", 1) < 0)
    {
      close (fd);
      return ocirt_error_errno (err, "write exec fifo");
    }
  return 0;
}

/* Everything up to READY: failures go back to the parent over the sync socket. */
static int
setup (struct ocirt_init_args *a, char **exec_path, ocirt_error_t *err)
{
  const oci_config *c = a->config;
  const oci_process *p = c->process;
  struct ocirt_sync_msg msg;
  cleanup_free char *console_path = NULL;
  struct ocirt_rootfs_ctx rctx = { 0 };
  uint64_t t;

  t = ocirt_step_begin ();
  if (a->cgroup_join && ocirt_cgroup_join_self (a->cgroup, err) < 0)
    return -1;
  if (a->cgroup_join)
    ocirt_step_end (t, "cgroup join");
  t = ocirt_step_begin ();
  if (a->ns->new_user && a->ns->clone_flags & CLONE_NEWUSER)
    {
      if (ocirt_sync_expect (a->sync_fd, SYNC_GO, &msg, NULL, err) < 0)
        return -1;
    }
  if (ocirt_ns_child_join (a->ns, err) < 0)
    return -1;
  if (a->unshare_cgroupns_after_join && unshare (CLONE_NEWCGROUP) < 0)
    return ocirt_error_errno (err, "unshare cgroup namespace");
  if (a->ns->new_user && !(a->ns->clone_flags & CLONE_NEWUSER))
    {
      /* The user namespace came from unshare: the parent maps it now. */
      if (ocirt_sync_send (a->sync_fd, SYNC_GO, 0, -1, err) < 0
          || ocirt_sync_expect (a->sync_fd, SYNC_GO, &msg, NULL, err) < 0)
        return -1;
    }
  /* Our host uid has no mapping in the new user namespace: become its root (when mapped) so
   * the files and dirs setup creates get an owner instead of failing with EOVERFLOW.  The uid
   * change clears dumpable, which would make /proc/self (exec.fifo's fd) unreachable. */
  if (a->ns->new_user)
    {
      if ((setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0) && errno != EINVAL)
        return ocirt_error_errno (err, "become root in the user namespace");
      prctl (PR_SET_DUMPABLE, 1, 0, 0, 0);
    }
  if (set_hostname (c, a->ns, err) < 0)
    return -1;
  ocirt_step_end (t, "namespaces and hostname");

  rctx.config = c;
  rctx.plan = a->mounts;
  rctx.rootfs = a->rootfs;
  rctx.cgroup_path = a->cgroup ? ocirt_cgroup_get_path (a->cgroup) : NULL;
  rctx.cgroup_mode = a->cgroup ? ocirt_cgroup_get_mode (a->cgroup) : ocirt_cgroup_detect_mode ();
  rctx.new_userns = a->ns->new_user;
  rctx.new_cgroupns = (a->ns->new_flags & CLONE_NEWCGROUP) != 0;
  rctx.new_netns = (a->ns->new_flags & CLONE_NEWNET) != 0;
  rctx.no_pivot = a->no_pivot;
  rctx.parent_mounts = !ocirt_ns_plan_joins (a->ns, CLONE_NEWNS);
  if (ocirt_rootfs_prepare (&rctx, err) < 0)
    return -1;

  if (a->parent_hooks)
    {
      if (ocirt_sync_send (a->sync_fd, SYNC_HOOKS, 0, -1, err) < 0
          || ocirt_sync_expect (a->sync_fd, SYNC_HOOKS_DONE, &msg, NULL, err) < 0)
        return -1;
    }
  if (c->hooks && ocirt_hooks_run_in_container (&c->hooks->create_container, "createContainer", a->state, "creating", err) < 0)
    return -1;

  t = ocirt_step_begin ();
  if (ocirt_rootfs_pivot (&rctx, err) < 0)
    return -1;
  ocirt_step_end (t, "pivot_root");
  /* Before root.readonly applies. */
  if (ocirt_process_prepare_cwd (p, err) < 0)
    return -1;

  if (p->terminal)
    {
      cleanup_close int master = ocirt_terminal_create (p, &console_path, err);
      if (master < 0)
        return -1;
      if (ocirt_sync_send (a->sync_fd, SYNC_CONSOLE, 0, master, err) < 0)
        return -1;
      rctx.console_path = console_path;
    }
  else if (setsid () < 0)
    {
      /* Always a session of its own, as runc's init: the container's processes must not
       * share a session with the runtime's caller (and criu can't dump a tree whose session
       * leader is outside its pid namespace). */
      return ocirt_error_errno (err, "setsid");
    }
  /* Before the read-only and masked paths, like runc: a read-only bind of /proc/sys is a
   * mount of its own, which the verified /proc open (RESOLVE_NO_XDEV) refuses to cross. */
  if (apply_sysctl (c->linux_, err) < 0)
    return -1;
  t = ocirt_step_begin ();
  if (ocirt_rootfs_finalize (&rctx, err) < 0)
    return -1;
  ocirt_step_end (t, "masked and read-only paths");
  t = ocirt_step_begin ();
  if (ocirt_process_apply_rlimits (p, err) < 0 || ocirt_process_apply_oom_score_adj (p, err) < 0
      || ocirt_process_apply_misc (p, c->linux_, err) < 0)
    return -1;
  if (!a->no_new_keyring)
    {
      cleanup_free char *name = xasprintf ("_ses.%s", a->id);
      /* A fresh session keyring so the container can't see the host's keys.  Kernels or
       * seccomp profiles without keyctl just keep the inherited one. */
      if (syscall (SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name) < 0 && errno != ENOSYS && errno != EPERM)
        return ocirt_error_errno (err, "join session keyring %s", name);
    }
  if (p->selinux_label && ocirt_selinux_set_exec_label (p->selinux_label, err) < 0)
    return -1;
  if (p->apparmor_profile && ocirt_apparmor_set_exec_profile (p->apparmor_profile, err) < 0)
    return -1;
  if (ocirt_process_close_fds (a->preserve_fds, err) < 0)
    return -1;
  if (ocirt_process_find_exec (p, exec_path, err) < 0)
    return -1;
  ocirt_step_end (t, "rlimits, keyring, labels, fds, exec lookup");
  if (a->seccomp && ocirt_seccomp_wants_notify (a->seccomp))
    {
      /* The listener must get the fd from the runtime (it knows our host pid), so a NOTIFY
       * profile is installed before READY, as runc does. */
      cleanup_close int notify_fd = -1;
      if (p->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return ocirt_error_errno (err, "prctl PR_SET_NO_NEW_PRIVS");
      if (ocirt_seccomp_install (a->seccomp, &notify_fd, err) < 0)
        return -1;
      if (ocirt_sync_send (a->sync_fd, SYNC_SECCOMP, 0, notify_fd, err) < 0)
        return -1;
      a->seccomp = NULL;
    }
  /* The container's credentials and capabilities before READY, as runc does: a created
   * container waits for start with no more privilege than its process will have, and a
   * failure is create's error. */
  t = ocirt_step_begin ();
  if (ocirt_process_drop_privileges (p, a->seccomp, a->ns->new_user, err) < 0)
    return -1;
  ocirt_step_end (t, "credentials, capabilities");
  return 0;
}

/* After start: errors can only go to the container's stderr (through the log handler). */
static int
finish (struct ocirt_init_args *a, ocirt_error_t *err)
{
  const oci_config *c = a->config;
  const oci_process *p = c->process;

  if (c->hooks && ocirt_hooks_run_in_container (&c->hooks->start_container, "startContainer", a->state, "created", err) < 0)
    return -1;
  return ocirt_process_seccomp_last (p, a->seccomp, err);
}

void
ocirt_init_run (struct ocirt_init_args *a)
{
  cleanup_error ocirt_error_t err = NULL;
  cleanup_free char *exec_path = NULL;
  const oci_process *p = a->config->process;
  char **env;
  uint64_t t;

  /* If the runtime dies during setup, so do we: nothing half-made survives. */
  prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (setup (a, &exec_path, &err) < 0)
    {
      ocirt_sync_send_error (a->sync_fd, err);
      _exit (1);
    }
  /* `create` exits once READY is read; that must not kill us. */
  prctl (PR_SET_PDEATHSIG, 0, 0, 0, 0);
  if (ocirt_sync_send (a->sync_fd, SYNC_READY, getpid (), -1, &err) < 0)
    _exit (1);
  close (a->sync_fd);
  /* From here nobody reads the sync socket: errors go to the log handler (stderr and
   * --log), named like the CLI's. */
  if (wait_for_start (a->fifo_fd, &err) < 0)
    {
      ocirt_log (OCIRT_LOG_ERROR, "%s: %s", a->id, err->msg);
      _exit (127);
    }
  t = ocirt_step_begin ();
  if (finish (a, &err) < 0)
    {
      ocirt_log (OCIRT_LOG_ERROR, "%s: %s", a->id, err->msg);
      _exit (127);
    }
  ocirt_step_end (t, "startContainer hooks, seccomp");
  env = env_with_home (p);
  if (ocirt_process_apply_final_affinity (p, &err) < 0)
    {
      ocirt_log (OCIRT_LOG_ERROR, "%s: %s", a->id, err->msg);
      _exit (127);
    }
  execve (exec_path, p->args, env);
  ocirt_error_errno (&err, "exec %s", exec_path);
  ocirt_log (OCIRT_LOG_ERROR, "%s: %s", a->id, err->msg);
  _exit (127);
}
