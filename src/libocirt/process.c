/* ocirt: container process attributes (see process.h). */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/sched.h>

#include "caps.h"
#include "log.h"
#include "paths.h"
#include "procfs.h"
#include "process.h"
#include "seccomp.h"
#include "utils.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static const struct
{
  const char *name;
  int resource;
} rlimits[] = {
  { "RLIMIT_AS", RLIMIT_AS },           { "RLIMIT_CORE", RLIMIT_CORE },         { "RLIMIT_CPU", RLIMIT_CPU },
  { "RLIMIT_DATA", RLIMIT_DATA },       { "RLIMIT_FSIZE", RLIMIT_FSIZE },       { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_NOFILE", RLIMIT_NOFILE },   { "RLIMIT_NPROC", RLIMIT_NPROC },       { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },   { "RLIMIT_RTTIME", RLIMIT_RTTIME },     { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_STACK", RLIMIT_STACK },
};

int
ocirt_rlimit_from_name (const char *name)
{
  size_t i;
  for (i = 0; i < ARRAY_SIZE (rlimits); i++)
    if (strcmp (rlimits[i].name, name) == 0)
      return rlimits[i].resource;
  return -1;
}

const char *const *
ocirt_rlimit_names (void)
{
  static const char *names[ARRAY_SIZE (rlimits) + 1];
  size_t i;
  for (i = 0; i < ARRAY_SIZE (rlimits); i++)
    names[i] = rlimits[i].name;
  return names;
}

static const struct
{
  const char *name;
  int policy;
} sched_policies[] = {
  { "SCHED_OTHER", SCHED_OTHER }, { "SCHED_FIFO", SCHED_FIFO }, { "SCHED_RR", SCHED_RR },
  { "SCHED_BATCH", SCHED_BATCH }, { "SCHED_IDLE", SCHED_IDLE }, { "SCHED_DEADLINE", 6 },
};

static const struct
{
  const char *name;
  int cls;
} ioprio_classes[] = { { "IOPRIO_CLASS_RT", 1 }, { "IOPRIO_CLASS_BE", 2 }, { "IOPRIO_CLASS_IDLE", 3 } };

int
ocirt_process_validate (const oci_process *p, const char *where, ocirt_error_t *err)
{
  size_t i, j;

  if (p->args_len == 0 || p->args[0][0] == '\0')
    return ocirt_error_set (err, 0, "%s.args: must not be empty", where);
  if (p->cwd == NULL || p->cwd[0] != '/')
    return ocirt_error_set (err, 0, "%s.cwd: `%s` is not an absolute path", where, p->cwd ? p->cwd : "");
  for (i = 0; i < p->rlimits_len; i++)
    {
      if (ocirt_rlimit_from_name (p->rlimits[i].type) < 0)
        return ocirt_error_set (err, 0, "%s.rlimits[%zu].type: unknown rlimit `%s`", where, i, p->rlimits[i].type);
      if (p->rlimits[i].soft > p->rlimits[i].hard)
        return ocirt_error_set (err, 0, "%s.rlimits[%zu]: soft limit %llu is above hard limit %llu", where, i,
                                (unsigned long long) p->rlimits[i].soft, (unsigned long long) p->rlimits[i].hard);
      for (j = 0; j < i; j++)
        if (strcmp (p->rlimits[i].type, p->rlimits[j].type) == 0)
          return ocirt_error_set (err, 0, "%s.rlimits[%zu].type: duplicate rlimit `%s`", where, i, p->rlimits[i].type);
    }
  for (i = 0; i < p->env_len; i++)
    if (strchr (p->env[i], '=') == NULL)
      return ocirt_error_set (err, 0, "%s.env[%zu]: `%s` is not KEY=VALUE", where, i, p->env[i]);
  if (p->has_oom_score_adj && (p->oom_score_adj < -1000 || p->oom_score_adj > 1000))
    return ocirt_error_set (err, 0, "%s.oomScoreAdj: %d is outside -1000..1000", where, p->oom_score_adj);
  if (p->scheduler)
    {
      bool ok = false;
      for (i = 0; i < ARRAY_SIZE (sched_policies); i++)
        ok |= p->scheduler->policy && strcmp (p->scheduler->policy, sched_policies[i].name) == 0;
      if (!ok)
        return ocirt_error_set (err, 0, "%s.scheduler.policy: unknown policy `%s`", where,
                                p->scheduler->policy ? p->scheduler->policy : "");
    }
  if (p->io_priority)
    {
      bool ok = false;
      for (i = 0; i < ARRAY_SIZE (ioprio_classes); i++)
        ok |= p->io_priority->class_ && strcmp (p->io_priority->class_, ioprio_classes[i].name) == 0;
      if (!ok)
        return ocirt_error_set (err, 0, "%s.ioPriority.class: unknown class `%s`", where,
                                p->io_priority->class_ ? p->io_priority->class_ : "");
      if (p->io_priority->priority < 0 || p->io_priority->priority > 7)
        return ocirt_error_set (err, 0, "%s.ioPriority.priority: %d is outside 0..7", where, p->io_priority->priority);
    }
  return 0;
}

int
ocirt_process_apply_rlimits (const oci_process *p, ocirt_error_t *err)
{
  size_t i;
  for (i = 0; i < p->rlimits_len; i++)
    {
      struct rlimit rl = { .rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard };
      if (setrlimit (ocirt_rlimit_from_name (p->rlimits[i].type), &rl) < 0)
        return ocirt_error_errno (err, "setrlimit %s %llu %llu", p->rlimits[i].type, (unsigned long long) rl.rlim_cur,
                                  (unsigned long long) rl.rlim_max);
    }
  return 0;
}

int
ocirt_process_apply_oom_score_adj (const oci_process *p, ocirt_error_t *err)
{
  char buf[16];
  if (!p->has_oom_score_adj)
    return 0;
  snprintf (buf, sizeof buf, "%d", p->oom_score_adj);
  return ocirt_procfs_write ("self/oom_score_adj", buf, err);
}

static int
apply_cpu_affinity (const char *list, ocirt_error_t *err)
{
  cpu_set_t set;
  cleanup_free char *copy = xstrdup (list);
  char *tok, *save = NULL;

  CPU_ZERO (&set);
  for (tok = strtok_r (copy, ",", &save); tok; tok = strtok_r (NULL, ",", &save))
    {
      unsigned a, b;
      int n = sscanf (tok, "%u-%u", &a, &b);
      if (n == 1)
        b = a;
      if (n < 1 || a > b || b >= CPU_SETSIZE)
        return ocirt_error_set (err, 0, "process.execCPUAffinity: invalid cpu list `%s`", list);
      for (; a <= b; a++)
        CPU_SET (a, &set);
    }
  if (sched_setaffinity (0, sizeof set, &set) < 0)
    return ocirt_error_errno (err, "sched_setaffinity %s", list);
  return 0;
}

int
ocirt_process_apply_misc (const oci_process *p, const oci_linux *l, ocirt_error_t *err)
{
  size_t i;

  if (l && l->personality && l->personality->domain)
    {
      unsigned long pers;
      if (strcmp (l->personality->domain, "LINUX") == 0)
        pers = PER_LINUX;
      else if (strcmp (l->personality->domain, "LINUX32") == 0)
        pers = PER_LINUX32;
      else
        return ocirt_error_set (err, 0, "linux.personality.domain: unknown domain `%s`", l->personality->domain);
      if (personality (pers) < 0)
        return ocirt_error_errno (err, "personality %s", l->personality->domain);
    }
  if (p->io_priority)
    {
      int cls = 0;
      for (i = 0; i < ARRAY_SIZE (ioprio_classes); i++)
        if (strcmp (p->io_priority->class_, ioprio_classes[i].name) == 0)
          cls = ioprio_classes[i].cls;
      if (syscall (SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, (cls << 13) | p->io_priority->priority) < 0)
        return ocirt_error_errno (err, "ioprio_set %s %d", p->io_priority->class_, p->io_priority->priority);
    }
  if (p->scheduler)
    {
      struct
      {
        uint32_t size, policy;
        uint64_t flags;
        int32_t nice;
        uint32_t priority;
        uint64_t runtime, deadline, period;
      } attr = { .size = sizeof attr };
      for (i = 0; i < ARRAY_SIZE (sched_policies); i++)
        if (strcmp (p->scheduler->policy, sched_policies[i].name) == 0)
          attr.policy = sched_policies[i].policy;
      attr.nice = p->scheduler->nice;
      attr.priority = p->scheduler->priority;
      attr.runtime = p->scheduler->runtime;
      attr.deadline = p->scheduler->deadline;
      attr.period = p->scheduler->period;
      for (i = 0; i < p->scheduler->flags_len; i++)
        {
          static const char *const names[] = { "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN",
                                               "SCHED_FLAG_KEEP_POLICY",   "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
                                               "SCHED_FLAG_UTIL_CLAMP_MAX" };
          size_t k;
          bool ok = false;
          for (k = 0; k < ARRAY_SIZE (names); k++)
            if (strcmp (p->scheduler->flags[i], names[k]) == 0)
              {
                attr.flags |= 1ULL << (k == 5 ? 5 : k == 6 ? 6 : k);
                ok = true;
              }
          if (!ok)
            return ocirt_error_set (err, 0, "process.scheduler.flags[%zu]: unknown flag `%s`", i, p->scheduler->flags[i]);
        }
      if (syscall (SYS_sched_setattr, 0, &attr, 0) < 0)
        return ocirt_error_errno (err, "sched_setattr %s", p->scheduler->policy);
    }
  if (p->exec_cpu_affinity && p->exec_cpu_affinity->initial && apply_cpu_affinity (p->exec_cpu_affinity->initial, err) < 0)
    return -1;
  return 0;
}

int
ocirt_process_set_user (const oci_process *p, bool setgroups_allowed, ocirt_error_t *err)
{
  const oci_user *u = &p->user;

  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return ocirt_error_errno (err, "prctl PR_SET_KEEPCAPS");
  if (setgroups_allowed)
    {
      if (setgroups (u->additional_gids_len, (const gid_t *) u->additional_gids) < 0)
        return ocirt_error_errno (err, "setgroups");
    }
  else if (u->additional_gids_len)
    return ocirt_error_set (err, EPERM, "process.user.additionalGids: setgroups is denied in this user namespace");
  if (setresgid (u->gid, u->gid, u->gid) < 0)
    return ocirt_error_errno (err, "setresgid %u", u->gid);
  if (setresuid (u->uid, u->uid, u->uid) < 0)
    return ocirt_error_errno (err, "setresuid %u", u->uid);
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return ocirt_error_errno (err, "prctl PR_SET_KEEPCAPS");
  if (u->has_umask)
    umask (u->umask);
  else
    umask (0022);
  return 0;
}

int
ocirt_process_close_fds (int preserve_fds, ocirt_error_t *err)
{
  unsigned first = 3 + (preserve_fds > 0 ? preserve_fds : 0);
  if (syscall (SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
    return 0;
  /* Kernels before 5.11: walk /proc/self/fd. */
  {
    int fd;
    for (fd = first; fd < 65536; fd++)
      {
        int fl = fcntl (fd, F_GETFD);
        if (fl >= 0 && fcntl (fd, F_SETFD, fl | FD_CLOEXEC) < 0)
          return ocirt_error_errno (err, "set close-on-exec on fd %d", fd);
      }
  }
  return 0;
}

static const char *
env_path (const oci_process *p)
{
  size_t i;
  for (i = 0; i < p->env_len; i++)
    if (has_prefix (p->env[i], "PATH="))
      return p->env[i] + 5;
  return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

static bool
is_executable (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISREG (st.st_mode) && access (path, X_OK) == 0;
}

int
ocirt_process_find_exec (const oci_process *p, char **out, ocirt_error_t *err)
{
  const char *name = p->args[0];
  const char *path;
  cleanup_free char *copy = NULL;
  char *dir, *save = NULL;

  if (strchr (name, '/'))
    {
      struct stat st;
      /* Callers classify these by Go's lowercase texts (Docker's CLI maps "executable file not
       * found" to exit code 127 and "permission denied" to 126, case-sensitively), hence the
       * words before strerror's capitalized ones. */
      if (stat (name, &st) < 0)
        return ocirt_error_errno (err, errno == ENOENT ? "exec %s: executable file not found" : "exec %s", name);
      if (!S_ISREG (st.st_mode))
        return ocirt_error_set (err, EACCES, "exec %s: not a regular file, permission denied", name);
      /* As runc: refuse at create time rather than fail execve after start. */
      if ((st.st_mode & 0111) == 0)
        return ocirt_error_set (err, EACCES, "exec %s: not executable, permission denied", name);
      *out = xstrdup (name);
      return 0;
    }
  path = env_path (p);
  copy = xstrdup (path);
  for (dir = strtok_r (copy, ":", &save); dir; dir = strtok_r (NULL, ":", &save))
    {
      cleanup_free char *cand = xasprintf ("%s/%s", *dir ? dir : ".", name);
      if (is_executable (cand))
        {
          *out = steal_pointer (&cand);
          return 0;
        }
    }
  return ocirt_error_set (err, 0, "exec %s: executable file not found in $PATH (%s)", name, path);
}

int
ocirt_process_chdir (const oci_process *p, ocirt_error_t *err)
{
  char cwd[PATH_MAX];
  if (chdir (p->cwd) < 0)
    return ocirt_error_errno (err, "chdir %s", p->cwd);
  /* CVE-2024-21626: a cwd reached through a leaked fd is outside our root, and getcwd says so
   * with "(unreachable)" or ENOENT. */
  if (getcwd (cwd, sizeof cwd) == NULL || cwd[0] != '/')
    return ocirt_error_set (err, EPERM, "chdir %s: current directory is outside the container root", p->cwd);
  return 0;
}

int
ocirt_process_prepare_cwd (const oci_process *p, ocirt_error_t *err)
{
  cleanup_close int root = -1, fd = -1;
  struct stat st;

  /* runc creates a missing cwd; a cwd that is not a directory fails here, before READY,
   * where create can still report it. */
  root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return ocirt_error_errno (err, "open /");
  fd = ocirt_mkpath_in_root (root, p->cwd, false, err);
  if (fd < 0)
    return ocirt_error_wrap (err, "process.cwd");
  if (fstat (fd, &st) < 0)
    return ocirt_error_errno (err, "stat %s", p->cwd);
  if (!S_ISDIR (st.st_mode))
    return ocirt_error_set (err, ENOTDIR, "process.cwd: %s", p->cwd);
  return 0;
}

int
ocirt_process_apply_final_affinity (const oci_process *p, ocirt_error_t *err)
{
  /* "initial" covered the setup; "final" is what the process runs with. */
  if (p->exec_cpu_affinity && p->exec_cpu_affinity->final && p->exec_cpu_affinity->final[0])
    return apply_cpu_affinity (p->exec_cpu_affinity->final, err);
  return 0;
}

int
ocirt_process_drop_privileges (const oci_process *p, struct ocirt_seccomp *sc, bool in_userns, ocirt_error_t *err)
{
  bool setgroups_ok = true;

  if (sc && !p->no_new_privileges && ocirt_seccomp_install (sc, NULL, err) < 0)
    return -1;
  if (p->capabilities && ocirt_caps_apply_bounding (p->capabilities, err) < 0)
    return -1;
  if (in_userns)
    {
      cleanup_free char *sg = NULL;
      if (read_file_at (AT_FDCWD, "/proc/self/setgroups", &sg, NULL, NULL) == 0)
        setgroups_ok = has_prefix (sg, "allow");
    }
  if (ocirt_process_set_user (p, setgroups_ok, err) < 0)
    return -1;
  if (p->capabilities && ocirt_caps_apply (p->capabilities, err) < 0)
    return -1;
  if (ocirt_process_chdir (p, err) < 0)
    return -1;
  if (p->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return ocirt_error_errno (err, "prctl PR_SET_NO_NEW_PRIVS");
  return 0;
}

int
ocirt_process_seccomp_last (const oci_process *p, struct ocirt_seccomp *sc, ocirt_error_t *err)
{
  if (sc && p->no_new_privileges && ocirt_seccomp_install (sc, NULL, err) < 0)
    return -1;
  return 0;
}

pid_t
ocirt_clone3 (uint64_t flags, int cgroup_fd, int *pidfd)
{
  struct clone_args args = { 0 };
  pid_t pid;

  args.flags = flags | (pidfd ? CLONE_PIDFD : 0);
  args.pidfd = (uint64_t) (uintptr_t) pidfd;
  args.exit_signal = SIGCHLD;
  if (cgroup_fd >= 0)
    {
      args.flags |= CLONE_INTO_CGROUP;
      args.cgroup = (uint64_t) cgroup_fd;
    }
  pid = syscall (SYS_clone3, &args, sizeof args);
  if (pid < 0 && errno == ENOSYS && cgroup_fd < 0)
    {
      /* Kernels before 5.3: clone(2) with no stack behaves like fork. */
      pid = syscall (SYS_clone, (unsigned long) (args.flags | SIGCHLD), NULL, pidfd, NULL, 0);
    }
  return pid;
}

bool
ocirt_clone3_no_cgroup_flag (int cgroup_fd)
{
  return cgroup_fd >= 0 && (errno == EINVAL || errno == EOPNOTSUPP || errno == E2BIG || errno == ENOSYS);
}
