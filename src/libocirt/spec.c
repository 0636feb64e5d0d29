/* ocirt: the default config.json (`ocirt spec`), field for field what runc 1.1.5 writes. */
#include <config.h>

#include <string.h>
#include <unistd.h>

#include "spec.h"
#include "utils.h"

/* Copy a NULL-terminated list of literals into an owned, NULL-terminated strv. */
static char **
strv_dup (const char *const *src, size_t *len)
{
  size_t n = 0, i;
  char **v;
  while (src[n])
    n++;
  v = xmalloc0 ((n + 1) * sizeof *v);
  for (i = 0; i < n; i++)
    v[i] = xstrdup (src[i]);
  *len = n;
  return v;
}

static const char *const default_caps[]
    = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL };

static const char *const default_env[]
    = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", NULL };

static const char *const masked_paths[]
    = { "/proc/acpi",       "/proc/asound",      "/proc/kcore",       "/proc/keys",
        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
        "/sys/firmware",    "/proc/scsi",        NULL };

static const char *const readonly_paths[]
    = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL };

struct mount_template
{
  const char *destination;
  const char *type;
  const char *source;
  const char *const options[8];
};

static const struct mount_template default_mounts[] = {
  { "/proc", "proc", "proc", { NULL } },
  { "/dev", "tmpfs", "tmpfs", { "nosuid", "strictatime", "mode=755", "size=65536k", NULL } },
  { "/dev/pts", "devpts", "devpts",
    { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL } },
  { "/dev/shm", "tmpfs", "shm", { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL } },
  { "/dev/mqueue", "mqueue", "mqueue", { "nosuid", "noexec", "nodev", NULL } },
  { "/sys", "sysfs", "sysfs", { "nosuid", "noexec", "nodev", "ro", NULL } },
  { "/sys/fs/cgroup", "cgroup", "cgroup", { "nosuid", "noexec", "nodev", "relatime", "ro", NULL } },
};

/* Without a user namespace owning a new sysfs, and with no gid 5 to map, rootless differs. */
static const struct mount_template rootless_devpts
    = { "/dev/pts", "devpts", "devpts",
        { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", NULL } };
static const struct mount_template rootless_sys
    = { "/sys", "none", "/sys", { "rbind", "nosuid", "noexec", "nodev", "ro", NULL } };

static const char *const default_namespaces[] = { "pid", "network", "ipc", "uts", "mount", NULL };
static const char *const rootless_namespaces[] = { "pid", "ipc", "uts", "mount", "user", NULL };

static void
fill_mount (oci_mount *m, const struct mount_template *t)
{
  m->destination = xstrdup (t->destination);
  m->type = xstrdup (t->type);
  m->source = xstrdup (t->source);
  if (t->options[0])
    m->options = strv_dup (t->options, &m->options_len);
}

static oci_process *
default_process (void)
{
  oci_process *p = xmalloc0 (sizeof *p);
  oci_capabilities *c = xmalloc0 (sizeof *c);
  static const char *const args[] = { "sh", NULL };

  p->terminal = true;
  p->user.uid = 0;
  p->user.gid = 0;
  p->args = strv_dup (args, &p->args_len);
  p->env = strv_dup (default_env, &p->env_len);
  p->cwd = xstrdup ("/");
  c->bounding = strv_dup (default_caps, &c->bounding_len);
  c->effective = strv_dup (default_caps, &c->effective_len);
  c->permitted = strv_dup (default_caps, &c->permitted_len);
  c->ambient = strv_dup (default_caps, &c->ambient_len);
  p->capabilities = c;
  p->rlimits = xmalloc0 (sizeof *p->rlimits);
  p->rlimits_len = 1;
  p->rlimits[0].type = xstrdup ("RLIMIT_NOFILE");
  p->rlimits[0].hard = 1024;
  p->rlimits[0].soft = 1024;
  p->no_new_privileges = true;
  return p;
}

static oci_id_mapping *
single_mapping (uint32_t host_id, size_t *len)
{
  oci_id_mapping *m = xmalloc0 (sizeof *m);
  m->container_id = 0;
  m->host_id = host_id;
  m->size = 1;
  *len = 1;
  return m;
}

oci_config *
ocirt_spec_default (bool rootless)
{
  oci_config *c = xmalloc0 (sizeof *c);
  oci_linux *l = xmalloc0 (sizeof *l);
  const char *const *ns = rootless ? rootless_namespaces : default_namespaces;
  size_t i, n;

  c->oci_version = xstrdup (OCIRT_SPEC_OCI_VERSION);
  c->process = default_process ();
  c->root = xmalloc0 (sizeof *c->root);
  c->root->path = xstrdup ("rootfs");
  c->root->readonly = true;
  c->hostname = xstrdup (OCIRT_SPEC_HOSTNAME);

  c->mounts_len = ARRAY_SIZE (default_mounts);
  c->mounts = xmalloc0 (c->mounts_len * sizeof *c->mounts);
  for (i = 0; i < c->mounts_len; i++)
    {
      const struct mount_template *t = &default_mounts[i];
      if (rootless && strcmp (t->destination, "/dev/pts") == 0)
        t = &rootless_devpts;
      else if (rootless && strcmp (t->destination, "/sys") == 0)
        t = &rootless_sys;
      fill_mount (&c->mounts[i], t);
    }

  if (rootless)
    {
      l->uid_mappings = single_mapping (geteuid (), &l->uid_mappings_len);
      l->gid_mappings = single_mapping (getegid (), &l->gid_mappings_len);
    }
  else
    {
      /* Deny every device; the runtime allows the default ones on top. */
      l->resources = xmalloc0 (sizeof *l->resources);
      l->resources->devices = xmalloc0 (sizeof *l->resources->devices);
      l->resources->devices_len = 1;
      l->resources->devices[0].allow = false;
      l->resources->devices[0].access = xstrdup ("rwm");
    }

  for (n = 0; ns[n]; n++)
    ;
  l->namespaces = xmalloc0 (n * sizeof *l->namespaces);
  l->namespaces_len = n;
  for (i = 0; i < n; i++)
    l->namespaces[i].type = xstrdup (ns[i]);
  l->masked_paths = strv_dup (masked_paths, &l->masked_paths_len);
  l->readonly_paths = strv_dup (readonly_paths, &l->readonly_paths_len);
  c->linux_ = l;
  return c;
}
