/* ocirt: exec (see exec.h). */
#include <config.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "container.h"
#include "exec.h"
#include "log.h"
#include "lsm.h"
#include "process.h"
#include "seccomp.h"
#include "sync.h"
#include "terminal.h"
#include "utils.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* Joined in this order: the user namespace first (it grants the rights to join the others),
 * the mount namespace last. */
static const struct
{
  const char *name;
  int flag;
} ns_order[] = {
  { "user", CLONE_NEWUSER }, { "time", CLONE_NEWTIME }, { "ipc", CLONE_NEWIPC },     { "uts", CLONE_NEWUTS },
  { "net", CLONE_NEWNET },   { "cgroup", CLONE_NEWCGROUP }, { "mnt", CLONE_NEWNS },
};

struct exec_ctx
{
  ocirt_exec_opts *o;
  ocirt_container *c;
  ocirt_seccomp *seccomp;
  int ns_fd[ARRAY_SIZE (ns_order)]; /* -1: same as ours, not joined */
  int pid_ns_fd;                    /* the container's pid ns, -1 when it is ours */
  int root_fd;                      /* the init's root directory */
  int sync[2];
  bool self_join; /* the child writes itself into the cgroup (not cloned into it) */
};

static void
exec_ctx_close (struct exec_ctx *x)
{
  size_t i;
  for (i = 0; i < ARRAY_SIZE (ns_order); i++)
    if (x->ns_fd[i] >= 0)
      close (x->ns_fd[i]);
  if (x->pid_ns_fd >= 0)
    close (x->pid_ns_fd);
  if (x->root_fd >= 0)
    close (x->root_fd);
  if (x->sync[0] >= 0)
    close (x->sync[0]);
  if (x->sync[1] >= 0)
    close (x->sync[1]);
  if (x->seccomp)
    ocirt_seccomp_free (x->seccomp);
}

/* ---- building the process ------------------------------------------------------------------ */

static size_t
strv_len (char *const *v)
{
  size_t n = 0;
  while (v && v[n])
    n++;
  return n;
}

static void
strv_free_n (char **v, size_t n)
{
  size_t i;
  for (i = 0; v && i < n; i++)
    free (v[i]);
  free (v);
}

static char **
strv_dup (char *const *v, size_t *len)
{
  size_t n = strv_len (v), i;
  char **r = xmalloc0 ((n + 1) * sizeof (char *));
  for (i = 0; i < n; i++)
    r[i] = xstrdup (v[i]);
  *len = n;
  return r;
}

/* Append `s` to a NULL-terminated vector of *len entries unless it is there already. */
static void
strv_add_unique (char ***v, size_t *len, const char *s)
{
  size_t i;
  for (i = 0; i < *len; i++)
    if (strcmp ((*v)[i], s) == 0)
      return;
  *v = xrealloc (*v, (*len + 2) * sizeof (char *));
  (*v)[(*len)++] = xstrdup (s);
  (*v)[*len] = NULL;
}

/* KEY=VALUE replaces an existing KEY, or is appended (the last -e wins, as in runc). */
static void
env_set (oci_process *p, const char *kv)
{
  size_t klen = strcspn (kv, "="), i;
  for (i = 0; i < p->env_len; i++)
    if (strncmp (p->env[i], kv, klen) == 0 && p->env[i][klen] == '=')
      {
        free (p->env[i]);
        p->env[i] = xstrdup (kv);
        return;
      }
  p->env = xrealloc (p->env, (p->env_len + 2) * sizeof (char *));
  p->env[p->env_len++] = xstrdup (kv);
  p->env[p->env_len] = NULL;
}

static int
parse_id (const char *s, const char *what, uint32_t *out, ocirt_error_t *err)
{
  uint64_t v;
  if (parse_u64 (s, &v) < 0 || v > UINT32_MAX)
    return ocirt_error_set (err, EINVAL, "invalid %s `%s`: must be a number", what, s);
  *out = (uint32_t) v;
  return 0;
}

static char *
cap_name (const char *s, ocirt_error_t *err)
{
  cleanup_free char *up = xasprintf ("%s%s", strncasecmp (s, "CAP_", 4) == 0 ? "" : "CAP_", s);
  char *q;
  for (q = up; *q; q++)
    *q = toupper ((unsigned char) *q);
  if (ocirt_cap_from_name (up) < 0)
    {
      ocirt_error_set (err, EINVAL, "--cap: unknown capability `%s`", s);
      return NULL;
    }
  return steal_pointer (&up);
}

static int
apply_overrides (oci_process *p, const ocirt_exec_overrides *ov, ocirt_error_t *err)
{
  size_t i;

  if (ov == NULL || ov->args == NULL || ov->args[0] == NULL)
    return ocirt_error_set (err, EINVAL, "exec: no command given (ARGS or --process)");
  strv_free_n (p->args, p->args_len);
  p->args = strv_dup (ov->args, &p->args_len);
  for (i = 0; ov->env && ov->env[i]; i++)
    {
      if (strchr (ov->env[i], '=') == NULL || ov->env[i][0] == '=')
        return ocirt_error_set (err, EINVAL, "--env `%s`: not KEY=VALUE", ov->env[i]);
      env_set (p, ov->env[i]);
    }
  if (ov->cwd)
    {
      free (p->cwd);
      p->cwd = xstrdup (ov->cwd);
    }
  if (ov->user)
    {
      cleanup_free char *u = xstrdup (ov->user);
      char *colon = strchr (u, ':');
      if (colon)
        *colon = '\0';
      if (parse_id (u, "--user uid", &p->user.uid, err) < 0
          || (colon && parse_id (colon + 1, "--user gid", &p->user.gid, err) < 0))
        return -1;
    }
  for (i = 0; ov->additional_gids && ov->additional_gids[i]; i++)
    {
      uint32_t g = 0;
      if (parse_id (ov->additional_gids[i], "--additional-gids", &g, err) < 0)
        return -1;
      p->user.additional_gids = xrealloc (p->user.additional_gids, (p->user.additional_gids_len + 1) * sizeof (uint32_t));
      p->user.additional_gids[p->user.additional_gids_len++] = g;
    }
  for (i = 0; ov->caps && ov->caps[i]; i++)
    {
      cleanup_free char *name = cap_name (ov->caps[i], err);
      if (name == NULL)
        return -1;
      if (p->capabilities == NULL)
        {
          p->capabilities = xmalloc0 (sizeof *p->capabilities);
          p->capabilities->bounding = xmalloc0 (sizeof (char *));
          p->capabilities->effective = xmalloc0 (sizeof (char *));
          p->capabilities->permitted = xmalloc0 (sizeof (char *));
        }
      strv_add_unique (&p->capabilities->bounding, &p->capabilities->bounding_len, name);
      strv_add_unique (&p->capabilities->effective, &p->capabilities->effective_len, name);
      strv_add_unique (&p->capabilities->permitted, &p->capabilities->permitted_len, name);
    }
  if (ov->apparmor)
    {
      free (p->apparmor_profile);
      p->apparmor_profile = xstrdup (ov->apparmor);
    }
  if (ov->label)
    {
      free (p->selinux_label);
      p->selinux_label = xstrdup (ov->label);
    }
  p->terminal = ov->terminal;
  if (ov->no_new_privs)
    p->no_new_privileges = true;
  return ocirt_process_validate (p, "exec process", err);
}

/* The container's own process (from its saved config.json) with the overrides applied. */
static int
process_from_config (const ocirt_container *c, const ocirt_exec_overrides *ov, oci_process **out, ocirt_error_t *err)
{
  cleanup_free char *json = NULL, *perr = NULL;
  oci_process *p;

  if (c->config == NULL || c->config->process == NULL)
    return ocirt_error_set (err, ENOENT, "exec: the saved config.json of the container is missing or invalid");
  /* A deep copy through the generator: the overrides then edit it freely. */
  json = oci_process_generate (c->config->process, false);
  if (json == NULL)
    return ocirt_error_set (err, ENOMEM, "exec: copy process");
  p = oci_process_parse_data ("process", json, strlen (json), &perr);
  if (p == NULL)
    return ocirt_error_set (err, EINVAL, "exec: copy process: %s", perr ? perr : "invalid");
  if (apply_overrides (p, ov, err) < 0)
    {
      oci_process_free (p);
      return -1;
    }
  *out = p;
  return 0;
}

int
ocirt_exec_process_from_file (const char *path, oci_process **out, ocirt_error_t *err)
{
  cleanup_free char *perr = NULL;
  oci_process *p = oci_process_parse_file (path, &perr);
  if (p == NULL)
    return ocirt_error_set (err, EINVAL, "--process %s: %s", path, perr ? perr : "invalid");
  if (ocirt_process_validate (p, "process", err) < 0)
    {
      oci_process_free (p);
      return ocirt_error_wrap (err, "--process %s", path);
    }
  *out = p;
  return 0;
}

int
ocirt_exec_parse_cgroup (const char *arg, const char **sub, ocirt_error_t *err)
{
  const char *path = strchr (arg, ':');
  const char *p;

  path = path ? path + 1 : arg;
  if (*path == '\0')
    return ocirt_error_set (err, EINVAL, "--cgroup `%s`: empty sub-cgroup path", arg);
  if (path[0] == '/')
    return ocirt_error_set (err, EINVAL, "--cgroup `%s`: the sub-cgroup must be a relative path", arg);
  /* Any ".." component could walk out of the container's cgroup. */
  for (p = path; *p;)
    {
      size_t n = strcspn (p, "/");
      if (n == 2 && p[0] == '.' && p[1] == '.')
        return ocirt_error_set (err, EINVAL, "--cgroup `%s`: `..` is not allowed in the sub-cgroup path", arg);
      p += n;
      while (*p == '/')
        p++;
    }
  *sub = path;
  return 0;
}

/* ---- the child ----------------------------------------------------------------------------- */

/* HOME from the container's /etc/passwd when the process has none (runc does the same). */
static char **
env_for_exec (const oci_process *p)
{
  char **env = xmalloc0 ((p->env_len + 2) * sizeof (char *));
  cleanup_fclose FILE *f = NULL;
  char line[1024];
  size_t i;

  for (i = 0; i < p->env_len; i++)
    env[i] = p->env[i];
  for (i = 0; i < p->env_len; i++)
    if (has_prefix (p->env[i], "HOME="))
      return env;
  f = fopen ("/etc/passwd", "re");
  while (f && fgets (line, sizeof line, f))
    {
      char *fields[7], *save = NULL, *t;
      int n = 0;
      for (t = strtok_r (line, ":\n", &save); t && n < 7; t = strtok_r (NULL, ":\n", &save))
        fields[n++] = t;
      if (n >= 6 && strtoul (fields[2], NULL, 10) == p->user.uid)
        {
          env[p->env_len] = xasprintf ("HOME=%s", fields[5]);
          return env;
        }
    }
  env[p->env_len] = xstrdup ("HOME=/");
  return env;
}

static int
child_setup (struct exec_ctx *x, char **exec_path, ocirt_error_t *err)
{
  const oci_process *p = x->o->process;
  const oci_linux *l = x->c->config ? x->c->config->linux_ : NULL;
  bool joined_user = false;
  size_t i;

  /* Into the cgroup first, so that what we allocate is charged there. */
  if (x->self_join && ocirt_cgroup_join_self (x->c->cgroup, err) < 0)
    return ocirt_error_wrap (err, "join the container's cgroup");
  /* Raising a hard rlimit needs CAP_SYS_RESOURCE in the initial user namespace: before setns. */
  if (ocirt_process_apply_rlimits (p, err) < 0)
    return -1;
  for (i = 0; i < ARRAY_SIZE (ns_order); i++)
    if (x->ns_fd[i] >= 0)
      {
        if (setns (x->ns_fd[i], ns_order[i].flag) < 0)
          return ocirt_error_errno (err, "join the container's %s namespace", ns_order[i].name);
        joined_user |= ns_order[i].flag == CLONE_NEWUSER;
      }
  /* The init's root (also right for a --no-pivot container, whose root is a chroot). */
  if (fchdir (x->root_fd) < 0 || chroot (".") < 0 || chdir ("/") < 0)
    return ocirt_error_errno (err, "enter the container's root directory");
  if (p->terminal)
    {
      cleanup_free char *slave = NULL;
      cleanup_close int master = ocirt_terminal_create (p, &slave, err);
      if (master < 0)
        return -1;
      if (ocirt_sync_send (x->sync[1], SYNC_CONSOLE, 0, master, err) < 0)
        return -1;
    }
  if (ocirt_process_apply_misc (p, l, err) < 0)
    return -1;
  if (p->selinux_label && ocirt_selinux_set_exec_label (p->selinux_label, err) < 0)
    return -1;
  if (p->apparmor_profile && ocirt_apparmor_set_exec_profile (p->apparmor_profile, err) < 0)
    return -1;
  /* CVE-2024-21626: no runtime fd (ns fds, the root fd, the log file) reaches the program. */
  if (ocirt_process_close_fds (x->o->preserve_fds, err) < 0)
    return -1;
  if (ocirt_process_find_exec (p, exec_path, err) < 0)
    return -1;
  if (x->seccomp && ocirt_seccomp_wants_notify (x->seccomp))
    {
      cleanup_close int notify_fd = -1;
      if (p->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return ocirt_error_errno (err, "prctl PR_SET_NO_NEW_PRIVS");
      if (ocirt_seccomp_install (x->seccomp, &notify_fd, err) < 0
          || ocirt_sync_send (x->sync[1], SYNC_SECCOMP, 0, notify_fd, err) < 0)
        return -1;
      x->seccomp = NULL;
    }
  if (ocirt_process_drop_privileges (p, x->seccomp, joined_user, err) < 0)
    return -1;
  return ocirt_process_seccomp_last (p, x->seccomp, err);
}

static void __attribute__ ((noreturn))
child_run (struct exec_ctx *x)
{
  cleanup_error ocirt_error_t err = NULL;
  cleanup_free char *exec_path = NULL;
  sigset_t none;

  /* CVE-2019-5736: nobody in the container may open /proc/<us>/exe (the runtime binary)
   * before execve replaces it; execve restores dumpability for the new program. */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  close (x->sync[0]);
  x->sync[0] = -1;
  if (child_setup (x, &exec_path, &err) == 0)
    {
      execve (exec_path, x->o->process->args, env_for_exec (x->o->process));
      ocirt_error_errno (&err, "exec %s", exec_path);
    }
  ocirt_sync_send_error (x->sync[1], err);
  _exit (127);
}

/* ---- the runtime side ---------------------------------------------------------------------- */

static bool
same_ns (const char *name, int fd)
{
  struct stat a, b;
  cleanup_free char *self = xasprintf ("/proc/self/ns/%s", name);
  return fstat (fd, &a) == 0 && stat (self, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

static int open_container_1 (struct exec_ctx *x, ocirt_error_t *err);

/* A failure because the init exited meanwhile is reported as what it is. */
static int
open_container (struct exec_ctx *x, ocirt_error_t *err)
{
  if (open_container_1 (x, err) == 0)
    return 0;
  if (!ocirt_pid_alive (x->c->pid, x->c->status->pid_start_time))
    {
      ocirt_error_release (err);
      return ocirt_error_set (err, ESRCH, "cannot exec in a stopped container");
    }
  return -1;
}

static int
open_container_1 (struct exec_ctx *x, ocirt_error_t *err)
{
  pid_t pid = x->c->pid;
  cleanup_close int pidfd = syscall (SYS_pidfd_open, pid, 0);
  char path[64];
  size_t i;

  if (pidfd < 0)
    return ocirt_error_set (err, ESRCH, "cannot exec in a stopped container");
  for (i = 0; i < ARRAY_SIZE (ns_order); i++)
    {
      int fd;
      snprintf (path, sizeof path, "/proc/%d/ns/%s", pid, ns_order[i].name);
      fd = open (path, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        {
          /* Kernels without time (or cgroup) namespaces: nothing to join. */
          if (errno == ENOENT)
            continue;
          return ocirt_error_errno (err, "open %s", path);
        }
      if (same_ns (ns_order[i].name, fd))
        close (fd);
      else
        x->ns_fd[i] = fd;
    }
  snprintf (path, sizeof path, "/proc/%d/ns/pid", pid);
  x->pid_ns_fd = open (path, O_RDONLY | O_CLOEXEC);
  if (x->pid_ns_fd < 0)
    return ocirt_error_errno (err, "open %s", path);
  if (same_ns ("pid", x->pid_ns_fd))
    {
      close (x->pid_ns_fd);
      x->pid_ns_fd = -1;
    }
  snprintf (path, sizeof path, "/proc/%d/root", pid);
  x->root_fd = open (path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (x->root_fd < 0)
    return ocirt_error_errno (err, "open %s", path);
  /* Everything above came from /proc/<pid>: make sure that pid was still the container's init
   * (not exited, not reused) when we opened it. */
  {
    struct pollfd pf = { .fd = pidfd, .events = POLLIN };
    if (poll (&pf, 1, 0) != 0 || !ocirt_pid_alive (pid, x->c->status->pid_start_time))
      return ocirt_error_set (err, ESRCH, "cannot exec in a stopped container");
  }
  return 0;
}

/* fork() with the child born in the container's pid namespace (setns(CLONE_NEWPID) only
 * applies to children), so it is our child and can be waited for; on v2 also born in the
 * container's cgroup (CLONE_INTO_CGROUP), else it joins by itself first thing. */
static pid_t
fork_in_pidns (struct exec_ctx *x, ocirt_error_t *err)
{
  cleanup_close int own = -1;
  int cgroup_fd = x->c->cgroup ? ocirt_cgroup_clone_fd (x->c->cgroup) : -1;
  pid_t pid;

  if (x->pid_ns_fd >= 0)
    {
      own = open ("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
      if (own < 0)
        return ocirt_error_errno (err, "open /proc/self/ns/pid");
      if (setns (x->pid_ns_fd, CLONE_NEWPID) < 0)
        return ocirt_error_errno (err, "join the container's pid namespace");
    }
  x->self_join = x->c->cgroup && cgroup_fd < 0;
  pid = ocirt_clone3 (0, cgroup_fd, NULL);
  if (pid < 0 && ocirt_clone3_no_cgroup_flag (cgroup_fd))
    {
      x->self_join = true;
      pid = ocirt_clone3 (0, -1, NULL);
    }
  if (pid == 0)
    child_run (x);
  if (own >= 0 && setns (own, CLONE_NEWPID) < 0)
    ocirt_warn ("restore pid namespace: %s", strerror (errno));
  if (pid < 0)
    return ocirt_error_errno (err, "fork exec process");
  return pid;
}

static int
write_pid_file (const char *path, pid_t pid, ocirt_error_t *err)
{
  char buf[32];
  int n = snprintf (buf, sizeof buf, "%d", (int) pid);
  if (write_file_atomic_at (AT_FDCWD, path, buf, n, 0644, err) < 0)
    return ocirt_error_wrap (err, "write pid file");
  return 0;
}

/* Until the child's socket end closes on execve: forward the pty and seccomp listener. */
static int
parent_loop (struct exec_ctx *x, pid_t pid, int *master, ocirt_error_t *err)
{
  const oci_config *cfg = x->c->config;

  for (;;)
    {
      struct ocirt_sync_msg msg;
      cleanup_close int fd = -1;
      cleanup_error ocirt_error_t e = NULL;

      if (ocirt_sync_recv (x->sync[0], &msg, &fd, &e) < 0)
        {
          if (e->status == EPIPE)
            return 0; /* closed by execve */
          ocirt_error_move (err, &e);
          return -1;
        }
      switch (msg.type)
        {
        case SYNC_ERROR:
          ocirt_error_set (err, 0, "%s", msg.text);
          (*err)->status = msg.status;
          return -1;
        case SYNC_CONSOLE:
          if (fd < 0)
            return ocirt_error_set (err, EPROTO, "no terminal received from the exec process");
          if (x->o->console_socket)
            {
              if (ocirt_terminal_send_to_socket (x->o->console_socket, fd, err) < 0)
                return -1;
            }
          else
            *master = steal_fd (&fd);
          break;
        case SYNC_SECCOMP:
          {
            oci_state *st = ocirt_container_make_state (x->c, "running");
            int r = fd < 0 ? ocirt_error_set (err, EPROTO, "no seccomp listener received from the exec process")
                           : ocirt_seccomp_send_listener (cfg->linux_->seccomp, fd, st, pid, err);
            oci_state_free (st);
            if (r < 0)
              return -1;
          }
          break;
        default:
          return ocirt_error_set (err, EPROTO, "unexpected message %d from the exec process", msg.type);
        }
    }
}

static int
exec_checks (ocirt_exec_opts *o, ocirt_container *c, ocirt_error_t *err)
{
  const char *status = ocirt_container_status (c);

  if (strcmp (status, "stopped") == 0)
    return ocirt_error_set (err, EINVAL, "cannot exec in a stopped container");
  if (strcmp (status, "paused") == 0)
    return ocirt_error_set (err, EINVAL, "cannot exec in a paused container (resume it first)");
  if (o->process->terminal && o->detach && o->console_socket == NULL)
    return ocirt_error_set (err, EINVAL, "cannot allocate a tty for a detached exec without --console-socket");
  if (!o->process->terminal && o->console_socket)
    return ocirt_error_set (err, EINVAL, "--console-socket needs a terminal (-t or process.terminal)");
  if (o->preserve_fds < 0)
    return ocirt_error_set (err, EINVAL, "--preserve-fds: must not be negative");
  return 0;
}

int
ocirt_container_exec (ocirt_exec_opts *o, ocirt_error_t *err)
{
  cleanup_container ocirt_container *c = NULL;
  struct exec_ctx x = { .o = o, .pid_ns_fd = -1, .root_fd = -1, .sync = { -1, -1 } };
  ocirt_container fg = { 0 };
  sigset_t saved_mask;
  bool restore_mask = false;
  int master = -1, ret = -1;
  pid_t pid = -1;
  size_t i;

  for (i = 0; i < ARRAY_SIZE (ns_order); i++)
    x.ns_fd[i] = -1;
  if (ocirt_container_load (o->root, o->id, false, &c, err) < 0)
    goto out;
  x.c = c;
  if (o->process == NULL && process_from_config (c, o->overrides, &o->process, err) < 0)
    goto out;
  if (exec_checks (o, c, err) < 0 || open_container (&x, err) < 0)
    goto out;
  if (c->config && c->config->linux_ && c->config->linux_->seccomp)
    {
      cleanup_free char *cache = xasprintf ("%s/.seccomp-cache", o->root);
      if (ocirt_seccomp_prepare (c->config->linux_->seccomp, cache, &x.seccomp, err) < 0)
        {
          ocirt_error_wrap (err, "linux.seccomp");
          goto out;
        }
    }
  if (c->cgroup == NULL && o->cgroup_sub)
    {
      ocirt_error_set (err, ENOENT, "--cgroup: the container has no cgroup");
      goto out;
    }
  if (c->cgroup && ocirt_cgroup_prepare_join (c->cgroup, o->cgroup_sub, err) < 0)
    {
      ocirt_error_wrap (err, "join the container's cgroup");
      goto out;
    }
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, x.sync) < 0)
    {
      ocirt_error_errno (err, "socketpair");
      goto out;
    }
  if (!o->detach)
    {
      /* From here on a signal for us is meant for the process: keep it pending until the
       * foreground loop forwards it (the child unblocks everything for itself). */
      sigset_t mask;
      sigfillset (&mask);
      sigdelset (&mask, SIGSEGV);
      sigdelset (&mask, SIGBUS);
      sigdelset (&mask, SIGILL);
      sigdelset (&mask, SIGFPE);
      sigprocmask (SIG_BLOCK, &mask, &saved_mask);
      restore_mask = true;
    }
  pid = fork_in_pidns (&x, err);
  if (c->cgroup)
    ocirt_cgroup_close_join (c->cgroup);
  if (pid < 0)
    goto out;
  close (x.sync[1]);
  x.sync[1] = -1;
  if (parent_loop (&x, pid, &master, err) < 0)
    goto out;
  if (o->pid_file && write_pid_file (o->pid_file, pid, err) < 0)
    goto out;
  if (o->detach)
    {
      pid = -1; /* keep running: it is reparented when we exit */
      ret = 0;
      goto out;
    }
  /* Foreground: the same loop as `run`, on our child, without deleting anything. */
  fg.pid = pid;
  fg.pidfd = syscall (SYS_pidfd_open, pid, 0);
  fg.terminal_master = master;
  ret = ocirt_run_foreground (&fg, true, err);
  if (fg.pidfd >= 0)
    close (fg.pidfd);
  pid = -1;

out:
  if (master >= 0)
    close (master);
  if (pid > 0)
    {
      /* Failed before the program ran: nothing may stay behind. */
      kill (pid, SIGKILL);
      while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
        ;
    }
  exec_ctx_close (&x);
  if (restore_mask)
    sigprocmask (SIG_SETMASK, &saved_mask, NULL);
  if (o->process)
    {
      oci_process_free (o->process);
      o->process = NULL;
    }
  return ret;
}
