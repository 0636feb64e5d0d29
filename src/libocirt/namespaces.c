/* ocirt: namespaces (see namespaces.h). */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "namespaces.h"
#include "utils.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct
{
  const char *type;
  int flag;
  const char *proc; /* name under /proc/self/ns */
} ns_table[] = {
  /* join order: user first (it grants the rights to join the others), mount last */
  { "user", CLONE_NEWUSER, "user" },     { "pid", CLONE_NEWPID, "pid" },     { "network", CLONE_NEWNET, "net" },
  { "ipc", CLONE_NEWIPC, "ipc" },        { "uts", CLONE_NEWUTS, "uts" },     { "cgroup", CLONE_NEWCGROUP, "cgroup" },
  { "time", CLONE_NEWTIME, "time" },     { "mount", CLONE_NEWNS, "mnt" },
};

int
ocirt_ns_flag (const char *type)
{
  size_t i;
  for (i = 0; i < ARRAY_SIZE (ns_table); i++)
    if (strcmp (ns_table[i].type, type) == 0)
      return ns_table[i].flag;
  return 0;
}

const char *const *
ocirt_ns_types (void)
{
  static const char *types[ARRAY_SIZE (ns_table) + 1];
  size_t i;
  for (i = 0; i < ARRAY_SIZE (ns_table); i++)
    types[i] = ns_table[i].type;
  return types;
}

int
ocirt_ns_plan_build (const oci_linux *l, struct ocirt_ns_plan *plan, ocirt_error_t *err)
{
  size_t i, k;
  int seen = 0, joined_in_child = 0;

  memset (plan, 0, sizeof *plan);
  plan->saved_pid_fd = plan->saved_time_fd = -1;
  for (i = 0; l && i < l->namespaces_len; i++)
    {
      const oci_namespace *ns = &l->namespaces[i];
      int flag = ocirt_ns_flag (ns->type);
      if (flag == 0)
        return ocirt_error_set (err, 0, "linux.namespaces[%zu].type: unknown namespace type `%s`", i, ns->type);
      if (seen & flag)
        return ocirt_error_set (err, 0, "linux.namespaces[%zu].type: duplicate namespace type `%s`", i, ns->type);
      seen |= flag;
      if (ns->path && ns->path[0])
        {
          if (ns->path[0] != '/')
            return ocirt_error_set (err, 0, "linux.namespaces[%zu].path: `%s` is not an absolute path", i, ns->path);
        }
      else
        plan->new_flags |= flag;
    }
  /* Order joins as in ns_table. */
  for (k = 0; k < ARRAY_SIZE (ns_table); k++)
    for (i = 0; l && i < l->namespaces_len; i++)
      {
        const oci_namespace *ns = &l->namespaces[i];
        if (ns->path && ns->path[0] && strcmp (ns->type, ns_table[k].type) == 0)
          {
            struct ocirt_ns_join *j = &plan->join[plan->n_join++];
            j->flag = ns_table[k].flag;
            j->type = ns_table[k].type;
            j->path = ns->path;
            j->fd = -1;
            j->idx = i;
            if (j->flag != CLONE_NEWPID && j->flag != CLONE_NEWTIME)
              joined_in_child |= j->flag;
          }
      }
  plan->has_pid_ns = (seen & CLONE_NEWPID) != 0;
  plan->new_user = (plan->new_flags & CLONE_NEWUSER) != 0;
  /* pid and time namespaces apply to children, so the parent arranges them: a new time
   * namespace must get its offsets before any process is in it. */
  if (joined_in_child == 0)
    plan->clone_flags = plan->new_flags & ~CLONE_NEWTIME;
  else
    {
      /* Joining first keeps the rights (a new user namespace would lose them); the new pid
       * namespace still comes from clone3 so the child is its pid 1. */
      plan->clone_flags = plan->new_flags & CLONE_NEWPID;
      plan->unshare_flags = plan->new_flags & ~(CLONE_NEWPID | CLONE_NEWTIME);
    }
  return 0;
}

static int
open_ns (struct ocirt_ns_join *j, ocirt_error_t *err)
{
  j->fd = open (j->path, O_RDONLY | O_CLOEXEC);
  if (j->fd < 0)
    return ocirt_error_errno (err, "linux.namespaces[%zu].path: open %s namespace %s", j->idx, j->type, j->path);
  return 0;
}

int
ocirt_ns_parent_prepare (struct ocirt_ns_plan *plan, const oci_linux *l, ocirt_error_t *err)
{
  size_t i;

  for (i = 0; i < plan->n_join; i++)
    {
      struct ocirt_ns_join *j = &plan->join[i];
      if (open_ns (j, err) < 0)
        return -1;
      if (j->flag == CLONE_NEWPID || j->flag == CLONE_NEWTIME)
        {
          int *saved = j->flag == CLONE_NEWPID ? &plan->saved_pid_fd : &plan->saved_time_fd;
          *saved = open (j->flag == CLONE_NEWPID ? "/proc/self/ns/pid" : "/proc/self/ns/time", O_RDONLY | O_CLOEXEC);
          if (*saved < 0)
            return ocirt_error_errno (err, "open own %s namespace", j->type);
          if (setns (j->fd, j->flag) < 0)
            {
              if (errno == EINVAL)
                return ocirt_error_set (err, 0, "linux.namespaces[%zu].path: %s is not a %s namespace", j->idx, j->path,
                                    j->type);
              return ocirt_error_errno (err, "linux.namespaces[%zu].path: join %s namespace %s", j->idx, j->type, j->path);
            }
        }
    }
  if (plan->new_flags & CLONE_NEWTIME)
    {
      size_t k;
      plan->saved_time_fd = open ("/proc/self/ns/time", O_RDONLY | O_CLOEXEC);
      if (plan->saved_time_fd < 0)
        return ocirt_error_errno (err, "open own time namespace");
      if (unshare (CLONE_NEWTIME) < 0)
        return ocirt_error_errno (err, "unshare time namespace");
      for (k = 0; l && k < l->time_offsets_len; k++)
        {
          const oci_time_offset *o = &l->time_offsets[k];
          cleanup_free char *line = xasprintf ("%s %lld %u\n", o->name, (long long) o->secs, o->nanosecs);
          if (write_existing_at (AT_FDCWD, "/proc/self/timens_offsets", line, err) < 0)
            return ocirt_error_wrap (err, "linux.timeOffsets.%s", o->name);
        }
    }
  return 0;
}

void
ocirt_ns_parent_restore (struct ocirt_ns_plan *plan)
{
  if (plan->saved_pid_fd >= 0)
    {
      if (setns (plan->saved_pid_fd, CLONE_NEWPID) < 0)
        ocirt_warn ("restore own pid namespace: %s", strerror (errno));
      close (plan->saved_pid_fd);
      plan->saved_pid_fd = -1;
    }
  if (plan->saved_time_fd >= 0)
    {
      if (setns (plan->saved_time_fd, CLONE_NEWTIME) < 0)
        ocirt_warn ("restore own time namespace: %s", strerror (errno));
      close (plan->saved_time_fd);
      plan->saved_time_fd = -1;
    }
}

int
ocirt_ns_child_join (struct ocirt_ns_plan *plan, ocirt_error_t *err)
{
  size_t i;
  for (i = 0; i < plan->n_join; i++)
    {
      struct ocirt_ns_join *j = &plan->join[i];
      if (j->flag == CLONE_NEWPID || j->flag == CLONE_NEWTIME)
        continue;
      if (setns (j->fd, j->flag) < 0)
        {
          if (errno == EINVAL)
            return ocirt_error_set (err, 0, "linux.namespaces[%zu].path: %s is not a %s namespace", j->idx, j->path,
                                    j->type);
          return ocirt_error_errno (err, "linux.namespaces[%zu].path: join %s namespace %s", j->idx, j->type, j->path);
        }
    }
  if (plan->unshare_flags && unshare (plan->unshare_flags) < 0)
    return ocirt_error_errno (err, "unshare namespaces 0x%x", plan->unshare_flags);
  return 0;
}

bool
ocirt_ns_plan_joins (const struct ocirt_ns_plan *plan, int flag)
{
  for (size_t i = 0; i < plan->n_join; i++)
    if (plan->join[i].flag == flag)
      return true;
  return false;
}

void
ocirt_ns_plan_close (struct ocirt_ns_plan *plan)
{
  size_t i;
  for (i = 0; i < plan->n_join; i++)
    if (plan->join[i].fd >= 0)
      {
        close (plan->join[i].fd);
        plan->join[i].fd = -1;
      }
  ocirt_ns_parent_restore (plan);
}

static int
write_map (pid_t pid, const char *file, const oci_id_mapping *m, size_t n, ocirt_error_t *err)
{
  cleanup_free char *buf = NULL;
  size_t i, len = 0;
  char path[64];

  buf = xmalloc (n * 40 + 1);
  buf[0] = '\0';
  for (i = 0; i < n; i++)
    len += sprintf (buf + len, "%u %u %u\n", m[i].container_id, m[i].host_id, m[i].size);
  snprintf (path, sizeof path, "/proc/%d/%s", pid, file);
  return write_existing_at (AT_FDCWD, path, buf, err);
}

int
ocirt_ns_write_id_maps (pid_t pid, const oci_linux *l, ocirt_error_t *err)
{
  char path[64];

  if (l->uid_mappings_len && write_map (pid, "uid_map", l->uid_mappings, l->uid_mappings_len, err) < 0)
    return ocirt_error_wrap (err, "linux.uidMappings");
  if (geteuid () != 0)
    {
      /* Unprivileged writers must give up setgroups before writing gid_map. */
      snprintf (path, sizeof path, "/proc/%d/setgroups", pid);
      if (write_existing_at (AT_FDCWD, path, "deny", err) < 0)
        return -1;
    }
  if (l->gid_mappings_len && write_map (pid, "gid_map", l->gid_mappings, l->gid_mappings_len, err) < 0)
    return ocirt_error_wrap (err, "linux.gidMappings");
  return 0;
}
