/* ocirt: the cgroup manager (see cgroup.h): mode detection, path resolution, creation and
 * removal of the directories, joining, freezing and killing.  Resource files are written by
 * cgroup-v1.c / cgroup-v2.c, the v2 device filter by cgroup-ebpf.c. */
#include <config.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>

#include "cgroup-internal.h"
#include "log.h"
#include "utils.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/* v1 controllers ocirt creates directories in (named hierarchies such as name=systemd and the
 * hybrid "unified" mount are left alone). */
static const char *const v1_known[] = { "cpuset", "cpu",      "cpuacct", "blkio", "memory", "devices", "freezer",
                                        "net_cls", "perf_event", "net_prio", "hugetlb", "pids", "rdma", "misc",
                                        NULL };

static const char *const features[] = { "cpuset", "cpu", "cpuacct", "blkio", "memory", "devices", "freezer",
                                        "net_cls", "net_prio", "hugetlb", "pids", "rdma", "io", "unified",
                                        "ebpf-devices", NULL };

const char *const *
ocirt_cgroup_controllers (void)
{
  return features;
}

static void
sleep_ms (long ms)
{
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  nanosleep (&ts, NULL);
}

bool
cg_has_controller (const char *list, const char *controller)
{
  size_t l = strlen (controller);
  const char *p = list;
  while (p && *p)
    {
      if (strncmp (p, controller, l) == 0 && (p[l] == ',' || p[l] == '\0'))
        return true;
      p = strchr (p, ',');
      if (p)
        p++;
    }
  return false;
}

/* /proc/self/mountinfo and /proc/self/cgroup, read once per command: neither the host's cgroup
 * mounts nor the runtime's own cgroup change under it, and `run` looks at both three times
 * (mode detection, discovery at create, discovery again at delete).  NULL if unreadable. */
static const char *
read_once (const char *path, char **cache, bool *done)
{
  if (!*done && read_file_at (AT_FDCWD, path, cache, NULL, NULL) < 0)
    *cache = NULL;
  *done = true;
  return *cache;
}

const char *
ocirt_cgroup_host_mountinfo (void)
{
  static char *text;
  static bool done;
  return read_once ("/proc/self/mountinfo", &text, &done);
}

static const char *
self_cgroup_file (void)
{
  static char *text;
  static bool done;
  return read_once ("/proc/self/cgroup", &text, &done);
}

static int
v1_mount_count (void)
{
  const char *p = ocirt_cgroup_host_mountinfo ();
  int count = 0;
  for (; p && (p = strstr (p, " - cgroup ")) != NULL; p++)
    count++;
  return count;
}

ocirt_cgroup_mode
ocirt_cgroup_detect_mode (void)
{
  /* The host's layout does not change under a running command: detect it once (create
   * asked three times, each a statfs plus a read of mountinfo). */
  static int cached = -1;
  struct statfs sfs;

  if (cached >= 0)
    return (ocirt_cgroup_mode) cached;
  if (statfs (CGROUP_ROOT, &sfs) < 0)
    return OCIRT_CGROUP_MODE_NONE;
  if (sfs.f_type == CGROUP2_SUPER_MAGIC)
    cached = OCIRT_CGROUP_MODE_V2;
  else if (sfs.f_type == TMPFS_MAGIC && v1_mount_count () > 0)
    cached = OCIRT_CGROUP_MODE_V1;
  else
    cached = OCIRT_CGROUP_MODE_NONE;
  return (ocirt_cgroup_mode) cached;
}

const char *
ocirt_cgroup_mode_name (ocirt_cgroup_mode mode)
{
  switch (mode)
    {
    case OCIRT_CGROUP_MODE_V1:
      return "v1";
    case OCIRT_CGROUP_MODE_V2:
      return "v2";
    default:
      return "none";
    }
}

/* ---- discovery --------------------------------------------------------------------------- */

void
cg_hier_free (struct cg_hier *h, size_t n)
{
  size_t i, j;
  for (i = 0; i < n; i++)
    {
      free (h[i].controllers);
      free (h[i].mnt);
      free (h[i].own);
      free (h[i].dir);
      for (j = 0; j < h[i].n_created; j++)
        free (h[i].created[j]);
      free (h[i].created);
      if (h[i].join_fd >= 0)
        close (h[i].join_fd);
      free (h[i].join_path);
    }
  free (h);
}

/* Is the first controller of `controllers` in the comma list `list`? */
static bool
first_in (const char *controllers, const char *list)
{
  cleanup_free char *first = xstrdup (controllers);
  char *comma = strchr (first, ',');
  if (comma)
    *comma = '\0';
  return cg_has_controller (list, first);
}

/* The cgroup of this process in the hierarchy with `controllers` ("" = the v2 "0::" line),
 * from `self_cgroup`, the contents of /proc/self/cgroup (read once by cg_discover). */
static char *
own_cgroup (const char *self_cgroup, const char *controllers)
{
  cleanup_free char *copy = self_cgroup ? xstrdup (self_cgroup) : NULL;
  char *line, *save = NULL, *ret = NULL;

  for (line = copy ? strtok_r (copy, "\n", &save) : NULL; line && ret == NULL; line = strtok_r (NULL, "\n", &save))
    {
      char *c1 = strchr (line, ':'), *c2;
      if (c1 == NULL || (c2 = strchr (c1 + 1, ':')) == NULL)
        continue;
      *c2 = '\0';
      if (controllers[0] == '\0' ? c1[1] == '\0' : (c1[1] != '\0' && first_in (controllers, c1 + 1)))
        ret = xstrdup (c2 + 1);
    }
  return ret;
}

static char *
first_known (const char *superopts)
{
  /* superopts like "rw,cpu,cpuacct": keep the known controllers, in order. */
  cleanup_free char *copy = xstrdup (superopts);
  char *tok, *save = NULL, *out = xstrdup ("");
  for (tok = strtok_r (copy, ",", &save); tok; tok = strtok_r (NULL, ",", &save))
    {
      size_t i;
      for (i = 0; v1_known[i]; i++)
        if (strcmp (tok, v1_known[i]) == 0)
          {
            char *n = xasprintf ("%s%s%s", out, *out ? "," : "", tok);
            free (out);
            out = n;
          }
    }
  if (*out == '\0')
    {
      free (out);
      return NULL;
    }
  return out;
}

int
cg_discover (ocirt_cgroup_mode mode, struct cg_hier **out, size_t *n, ocirt_error_t *err)
{
  struct cg_hier *h = NULL;
  size_t nh = 0;
  const char *self_cgroup = self_cgroup_file (), *mountinfo;
  cleanup_free char *lines = NULL;
  char *line, *lsave = NULL;

  if (mode == OCIRT_CGROUP_MODE_V2)
    {
      h = xmalloc0 (sizeof *h);
      h->controllers = xstrdup ("");
      h->mnt = xstrdup (CGROUP_ROOT);
      h->own = own_cgroup (self_cgroup, "");
      h->join_fd = -1;
      *out = h;
      *n = 1;
      return 0;
    }
  if (mode != OCIRT_CGROUP_MODE_V1)
    return ocirt_error_set (err, ENOTSUP, "no cgroup filesystem mounted at %s", CGROUP_ROOT);

  mountinfo = ocirt_cgroup_host_mountinfo ();
  if (mountinfo == NULL)
    return ocirt_error_set (err, EIO, "read /proc/self/mountinfo");
  lines = xstrdup (mountinfo);
  for (line = strtok_r (lines, "\n", &lsave); line; line = strtok_r (NULL, "\n", &lsave))
    {
      /* id parent maj:min root mountpoint opts [optional...] - fstype source superopts */
      char *sep = strstr (line, " - "), *fields[5], *p = line, *fstype, *src, *sopts, *save = NULL;
      int i;
      if (sep == NULL)
        continue;
      *sep = '\0';
      for (i = 0; i < 5; i++)
        {
          fields[i] = strtok_r (i == 0 ? p : NULL, " ", &save);
          if (fields[i] == NULL)
            break;
        }
      if (i < 5)
        continue;
      save = NULL;
      fstype = strtok_r (sep + 3, " ", &save);
      src = strtok_r (NULL, " ", &save);
      sopts = strtok_r (NULL, " \n", &save);
      if (fstype == NULL || src == NULL || sopts == NULL || strcmp (fstype, "cgroup") != 0)
        continue;
      if (!has_prefix (fields[4], CGROUP_ROOT "/"))
        continue;
      {
        char *ctrls = first_known (sopts);
        size_t j;
        bool dup = false;
        if (ctrls == NULL)
          continue;
        for (j = 0; j < nh; j++)
          if (strcmp (h[j].controllers, ctrls) == 0)
            dup = true;
        if (dup)
          {
            free (ctrls);
            continue;
          }
        h = xrealloc (h, (nh + 1) * sizeof *h);
        memset (&h[nh], 0, sizeof *h);
        h[nh].controllers = ctrls;
        h[nh].mnt = xstrdup (fields[4]);
        h[nh].own = own_cgroup (self_cgroup, ctrls);
        h[nh].join_fd = -1;
        nh++;
      }
    }
  if (nh == 0)
    return ocirt_error_set (err, ENOTSUP, "no cgroup v1 controllers mounted below %s", CGROUP_ROOT);
  *out = h;
  *n = nh;
  return 0;
}

struct cg_hier *
cg_find (ocirt_cgroup *cg, const char *controller)
{
  size_t i;
  if (cg->mode == OCIRT_CGROUP_MODE_V2)
    return &cg->h[0];
  for (i = 0; i < cg->nh; i++)
    if (cg_has_controller (cg->h[i].controllers, controller))
      return &cg->h[i];
  return NULL;
}

/* ---- path resolution --------------------------------------------------------------------- */

/* Normalize `p` into "/a/b/c": drop "." and empty components; refuse ".." and the root. */
static int
normalize (const char *p, char **out, ocirt_error_t *err)
{
  cleanup_free char *copy = xstrdup (p);
  cleanup_free char *res = xstrdup ("");
  char *tok, *save = NULL;

  for (tok = strtok_r (copy, "/", &save); tok; tok = strtok_r (NULL, "/", &save))
    {
      char *n;
      if (strcmp (tok, ".") == 0)
        continue;
      if (strcmp (tok, "..") == 0)
        return ocirt_error_set (err, EINVAL, "invalid cgroupsPath `%s`: \"..\" is not allowed", p);
      n = xasprintf ("%s/%s", res, tok);
      free (res);
      res = n;
    }
  if (*res == '\0')
    return ocirt_error_set (err, EINVAL, "invalid cgroupsPath `%s`: refers to the cgroup root", p);
  *out = steal_pointer (&res);
  return 0;
}

/* NULL: "/ocirt/<id>".  runc uses the relative path "<id>" (below its own cgroup, per v1
 * controller); ocirt uses an absolute default instead: below a caller's own cgroup is wrong on
 * v2 when that cgroup has processes (no internal processes rule), and on hybrid hosts a
 * caller's cgroup can belong to another manager.  An explicit relative path is resolved as
 * runc does: below the caller's cgroup (/proc/self/cgroup; on v1 per controller, so when the
 * controllers disagree about the caller's cgroup the result is not one path and is refused). */
int
ocirt_cgroup_resolve_path (const char *cgroups_path, const char *id, char **out, ocirt_error_t *err)
{
  cleanup_free char *norm = NULL;
  ocirt_cgroup_mode mode;
  struct cg_hier *h = NULL;
  size_t nh = 0, i;
  const char *own = NULL;
  int ret;

  if (cgroups_path == NULL)
    {
      if (id == NULL || *id == '\0' || strchr (id, '/') || strcmp (id, ".") == 0 || strcmp (id, "..") == 0)
        return ocirt_error_set (err, EINVAL, "invalid container id for the default cgroup path");
      *out = xasprintf ("/ocirt/%s", id);
      return 0;
    }
  if (*cgroups_path == '\0')
    return ocirt_error_set (err, EINVAL, "invalid cgroupsPath: empty");
  if (strchr (cgroups_path, ':'))
    return ocirt_error_set (err, ENOTSUP, "cgroupsPath `%s`: systemd cgroup driver not supported yet", cgroups_path);
  ret = normalize (cgroups_path, &norm, err);
  if (ret < 0)
    return ret;
  if (cgroups_path[0] == '/')
    {
      *out = steal_pointer (&norm);
      return 0;
    }

  mode = ocirt_cgroup_detect_mode ();
  ret = cg_discover (mode, &h, &nh, err);
  if (ret < 0)
    return ret;
  for (i = 0; i < nh; i++)
    {
      if (h[i].own == NULL)
        continue;
      if (own == NULL)
        own = h[i].own;
      else if (strcmp (own, h[i].own) != 0)
        {
          ret = ocirt_error_set (err, ENOTSUP,
                                 "relative cgroupsPath `%s`: this process is in different cgroups per v1 "
                                 "controller (%s in %s, %s in %s); use an absolute path",
                                 cgroups_path, own, h[0].controllers, h[i].own, h[i].controllers);
          cg_hier_free (h, nh);
          return ret;
        }
    }
  if (own == NULL)
    own = "/";
  *out = xasprintf ("%s%s", strcmp (own, "/") == 0 ? "" : own, norm);
  cg_hier_free (h, nh);
  return 0;
}

/* ---- create / load / free ---------------------------------------------------------------- */

static ocirt_cgroup *
cg_new (ocirt_cgroup_mode mode, const char *path)
{
  ocirt_cgroup *cg = xmalloc0 (sizeof *cg);
  cg->mode = mode;
  cg->path = xstrdup (path);
  cg->clone_fd = -1;
  cg->oom_fd = -1;
  return cg;
}

void
ocirt_cgroup_free (ocirt_cgroup *cg)
{
  if (cg == NULL)
    return;
  cg_hier_free (cg->h, cg->nh);
  if (cg->clone_fd >= 0)
    close (cg->clone_fd);
  if (cg->oom_fd >= 0)
    close (cg->oom_fd);
  free (cg->path);
  free (cg);
}

static int
check_path (const char *path, ocirt_error_t *err)
{
  cleanup_free char *norm = NULL;
  int ret;
  if (path == NULL || path[0] != '/')
    return ocirt_error_set (err, EINVAL, "invalid cgroup path `%s`: must be absolute", path ? path : "");
  ret = normalize (path, &norm, err);
  if (ret < 0)
    return ret;
  if (strcmp (norm, path) != 0)
    return ocirt_error_set (err, EINVAL, "invalid cgroup path `%s`: not normalized (%s)", path, norm);
  return 0;
}

static int
rmdir_retry (const char *dir, ocirt_error_t *err)
{
  int i;
  for (i = 0; i < 100; i++)
    {
      if (rmdir (dir) == 0 || errno == ENOENT)
        return 0;
      if (errno != EBUSY)
        break;
      sleep_ms (10);
    }
  return ocirt_error_errno (err, "rmdir %s", dir);
}

/* Remove sub-cgroups below an owned leaf (made by `exec --cgroup`), deepest first. */
static void
rmdir_children (const char *dir)
{
  DIR *d = opendir (dir);
  struct dirent *de;
  if (d == NULL)
    return;
  while ((de = readdir (d)))
    {
      cleanup_free char *sub = NULL;
      if (de->d_type != DT_DIR || strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      sub = xasprintf ("%s/%s", dir, de->d_name);
      rmdir_children (sub);
      rmdir_retry (sub, NULL);
    }
  closedir (d);
}

static int
remove_created (ocirt_cgroup *cg, ocirt_error_t *err)
{
  size_t i, j;
  int ret = 0;
  for (i = 0; i < cg->nh; i++)
    {
      struct cg_hier *h = &cg->h[i];
      for (j = h->n_created; j > 0; j--)
        {
          const char *dir = h->created[j - 1];
          /* Never the hierarchy root (paths are validated, this is a last guard). */
          if (strcmp (dir, h->mnt) == 0 || !has_prefix (dir, h->mnt))
            continue;
          /* The leaf is usually empty: one rmdir.  Busy, it may hold sub-cgroups: those first,
           * and its last processes may still be exiting: retry.  A level above that is busy has
           * another container's cgroup by now: it stays (one rmdir, no wait). */
          bool leaf = j == h->n_created, gone = rmdir (dir) == 0 || errno == ENOENT || !leaf;
          if (!gone)
            rmdir_children (dir);
          if (!gone && rmdir_retry (dir, ret < 0 ? NULL : err) < 0)
            ret = -1;
          else
            {
              free (h->created[j - 1]);
              h->created[j - 1] = NULL;
              h->n_created = j - 1;
            }
        }
    }
  return ret;
}

/* What must be enabled in v2 subtree_control: only controllers res needs are mandatory.
 * ENOENT below a level that existed: another container's runtime removed it meanwhile (its
 * failed create took back the levels it made); *again is set to walk once more. */
static int
create_levels_once (ocirt_cgroup *cg, struct cg_hier *h, const oci_resources *res, bool *again, ocirt_error_t *err)
{
  cleanup_free char *cur = xstrdup (h->mnt);
  cleanup_free char *copy = xstrdup (cg->path);
  char *tok, *save = NULL;
  int ret;

  for (tok = strtok_r (copy, "/", &save); tok; tok = strtok_r (NULL, "/", &save))
    {
      char *next = xasprintf ("%s/%s", cur, tok);
      if (cg->mode == OCIRT_CGROUP_MODE_V2)
        {
          ret = cg_v2_enable_controllers (cur, res, err);
          if (ret < 0)
            {
              free (next);
              return ret;
            }
        }
      if (mkdir (next, 0755) == 0)
        {
          h->created = xrealloc (h->created, (h->n_created + 1) * sizeof (char *));
          h->created[h->n_created++] = xstrdup (next);
        }
      else if (errno == ENOENT && strcmp (cur, h->mnt) != 0)
        {
          *again = true;
          free (next);
          return 0;
        }
      else if (errno != EEXIST)
        {
          ret = ocirt_error_errno (err, "mkdir %s", next);
          free (next);
          return ret;
        }
      /* Also a pre-existing level with empty cpus/mems (runc does the same): nothing could
       * join it otherwise.  Only empty values are filled in. */
      if (cg->mode == OCIRT_CGROUP_MODE_V1 && cg_has_controller (h->controllers, "cpuset"))
        {
          ret = cg_v1_prepare_level (cur, next, err);
          if (ret < 0)
            {
              free (next);
              return ret;
            }
        }
      free (cur);
      cur = next;
    }
  return 0;
}

static int
create_levels (ocirt_cgroup *cg, struct cg_hier *h, const oci_resources *res, ocirt_error_t *err)
{
  int tries;

  h->dir = xasprintf ("%s%s", h->mnt, cg->path);
  for (tries = 0; tries < 10; tries++)
    {
      bool again = false;
      int ret = create_levels_once (cg, h, res, &again, err);
      if (ret < 0 || !again)
        return ret;
    }
  return ocirt_error_set (err, ENOENT, "mkdir %s: its parent keeps being removed", h->dir);
}

static int
cg_apply (ocirt_cgroup *cg, const oci_resources *res, ocirt_error_t *err)
{
  if (res == NULL)
    return 0;
  if (cg->mode == OCIRT_CGROUP_MODE_V1)
    return cg_v1_apply (cg, res, err);
  return cg_v2_apply (cg, res, err);
}

int
ocirt_cgroup_create (const char *path, const oci_resources *res, ocirt_cgroup **out, ocirt_error_t *err)
{
  ocirt_cgroup_mode mode = ocirt_cgroup_detect_mode ();
  ocirt_cgroup *cg;
  size_t i;
  int ret;

  ret = check_path (path, err);
  if (ret < 0)
    return ret;
  cg = cg_new (mode, path);
  ret = cg_discover (mode, &cg->h, &cg->nh, err);
  if (ret < 0)
    goto fail;
  for (i = 0; i < cg->nh; i++)
    {
      ret = create_levels (cg, &cg->h[i], res, err);
      if (ret < 0)
        goto fail;
    }
  ret = cg_apply (cg, res, err);
  if (ret < 0)
    goto fail;
  *out = cg;
  return 0;

fail:
  remove_created (cg, NULL);
  ocirt_cgroup_free (cg);
  return ret;
}

/* Only the leaf is known to be ours after a reload (intermediate levels made at create time
 * are not recorded in the state), so destroy() removes only the leaf. */
int
ocirt_cgroup_load (const char *path, const char *driver, bool owned, ocirt_cgroup **out, ocirt_error_t *err)
{
  ocirt_cgroup_mode mode = ocirt_cgroup_detect_mode ();
  ocirt_cgroup *cg;
  size_t i;
  int ret;

  if (driver && *driver && strcmp (driver, "cgroupfs") != 0)
    return ocirt_error_set (err, ENOTSUP, "cgroup driver `%s` not supported yet", driver);
  ret = check_path (path, err);
  if (ret < 0)
    return ret;
  cg = cg_new (mode, path);
  ret = cg_discover (mode, &cg->h, &cg->nh, err);
  if (ret < 0)
    {
      ocirt_cgroup_free (cg);
      return ret;
    }
  for (i = 0; i < cg->nh; i++)
    {
      struct cg_hier *h = &cg->h[i];
      h->dir = xasprintf ("%s%s", h->mnt, path);
      if (owned)
        {
          h->created = xmalloc (sizeof (char *));
          h->created[0] = xstrdup (h->dir);
          h->n_created = 1;
        }
    }
  *out = cg;
  return 0;
}

void
ocirt_cgroup_disown_parents (ocirt_cgroup *cg)
{
  size_t i, j;
  for (i = 0; i < cg->nh; i++)
    {
      struct cg_hier *h = &cg->h[i];
      bool leaf = h->n_created > 0 && strcmp (h->created[h->n_created - 1], h->dir) == 0;
      for (j = 0; j + (leaf ? 1 : 0) < h->n_created; j++)
        free (h->created[j]);
      if (leaf)
        h->created[0] = h->created[h->n_created - 1];
      h->n_created = leaf ? 1 : 0;
    }
}

bool
ocirt_cgroup_owns_leaf (const ocirt_cgroup *cg)
{
  size_t i;
  for (i = 0; i < cg->nh; i++)
    {
      const struct cg_hier *h = &cg->h[i];
      if (h->n_created == 0 || strcmp (h->created[h->n_created - 1], h->dir) != 0)
        return false;
    }
  return cg->nh > 0;
}

const char *
ocirt_cgroup_get_path (const ocirt_cgroup *cg)
{
  return cg->path;
}

ocirt_cgroup_mode
ocirt_cgroup_get_mode (const ocirt_cgroup *cg)
{
  return cg->mode;
}

/* ---- joining ----------------------------------------------------------------------------- */

/* The file a process writes "0" to, to move itself into a hierarchy's leaf.  On v1 that is
 * `tasks`: it moves only the calling thread, which for the single-threaded processes that join
 * (a freshly cloned init or exec child) is the whole process, and the kernel then skips the
 * global cgroup_threadgroup_rwsem write lock, whose taker first waits for an RCU grace period
 * (1 to 15 ms on a 2-CPU host; cgroup.procs pays it, as runc and crun do).  v2 has no such
 * shortcut (and thread moves across domains fail there): cgroup.procs. */
static const char *
self_join_file (const ocirt_cgroup *cg)
{
  return cg->mode == OCIRT_CGROUP_MODE_V1 ? "tasks" : "cgroup.procs";
}

/* exec --cgroup SUB: make the sub-cgroup below the leaf of hierarchy h if needed. */
static int
make_sub (ocirt_cgroup *cg, const struct cg_hier *h, const char *dir, ocirt_error_t *err)
{
  if (mkdir (dir, 0755) < 0 && errno != EEXIST)
    return ocirt_error_errno (err, "mkdir %s", dir);
  if (cg->mode == OCIRT_CGROUP_MODE_V1 && cg_has_controller (h->controllers, "cpuset"))
    return cg_v1_prepare_level (h->dir, dir, err);
  return 0;
}

static int
open_join (ocirt_cgroup *cg, struct cg_hier *h, const char *sub, ocirt_error_t *err)
{
  cleanup_free char *dir = sub ? xasprintf ("%s/%s", h->dir, sub) : xstrdup (h->dir);

  if (sub && make_sub (cg, h, dir, err) < 0)
    return -1;
  h->join_path = xasprintf ("%s/%s", dir, self_join_file (cg));
  h->join_fd = open (h->join_path, O_WRONLY | O_CLOEXEC);
  if (h->join_fd < 0)
    return ocirt_error_errno (err, "open %s", h->join_path);
  if (cg->mode == OCIRT_CGROUP_MODE_V2)
    {
      cg->clone_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (cg->clone_fd < 0)
        return ocirt_error_errno (err, "open %s", dir);
    }
  return 0;
}

int
ocirt_cgroup_prepare_join (ocirt_cgroup *cg, const char *sub, ocirt_error_t *err)
{
  size_t i;

  if (sub && *sub == '\0')
    sub = NULL;
  if (sub)
    {
      cleanup_free char *norm = NULL;
      if (sub[0] == '/')
        return ocirt_error_set (err, EINVAL, "invalid sub-cgroup `%s`: must be relative", sub);
      if (normalize (sub, &norm, err) < 0)
        return -1;
    }
  ocirt_cgroup_close_join (cg);
  for (i = 0; i < cg->nh; i++)
    if (open_join (cg, &cg->h[i], sub, err) < 0)
      {
        ocirt_cgroup_close_join (cg);
        return -1;
      }
  return 0;
}

int
ocirt_cgroup_clone_fd (const ocirt_cgroup *cg)
{
  return cg->clone_fd;
}

int
ocirt_cgroup_join_self (ocirt_cgroup *cg, ocirt_error_t *err)
{
  size_t i;
  for (i = 0; i < cg->nh; i++)
    {
      if (cg->h[i].join_fd < 0)
        return ocirt_error_set (err, EBADF, "join cgroup %s: prepare_join was not called", cg->h[i].dir);
      if (write (cg->h[i].join_fd, "0", 1) != 1)
        return ocirt_error_errno (err, "write 0 to %s", cg->h[i].join_path);
    }
  return 0;
}

void
ocirt_cgroup_close_join (ocirt_cgroup *cg)
{
  size_t i;
  for (i = 0; i < cg->nh; i++)
    {
      if (cg->h[i].join_fd >= 0)
        close (cg->h[i].join_fd);
      cg->h[i].join_fd = -1;
      free (cg->h[i].join_path);
      cg->h[i].join_path = NULL;
    }
  if (cg->clone_fd >= 0)
    {
      close (cg->clone_fd);
      cg->clone_fd = -1;
    }
}

/* ---- update / freeze --------------------------------------------------------------------- */

int
ocirt_cgroup_update (ocirt_cgroup *cg, const oci_resources *res, ocirt_error_t *err)
{
  return cg_apply (cg, res, err);
}

int
ocirt_cgroup_freeze (ocirt_cgroup *cg, bool freeze, ocirt_error_t *err)
{
  if (cg->mode == OCIRT_CGROUP_MODE_V1)
    return cg_v1_freeze (cg, freeze, err);
  return cg_v2_freeze (cg, freeze, err);
}

int
ocirt_cgroup_is_frozen (ocirt_cgroup *cg, ocirt_error_t *err)
{
  if (cg->mode == OCIRT_CGROUP_MODE_V1)
    return cg_v1_is_frozen (cg, err);
  return cg_v2_is_frozen (cg, err);
}

/* ---- pids / kill / destroy --------------------------------------------------------------- */

static int
collect_pids (const char *dir, pid_t **pids, size_t *n, ocirt_error_t *err)
{
  cleanup_free char *procs = NULL;
  char *p, *save = NULL;
  DIR *d;
  struct dirent *de;
  int ret;

  ret = cg_read (dir, "cgroup.procs", &procs, err);
  if (ret < 0)
    return ret;
  for (p = strtok_r (procs, "\n", &save); p; p = strtok_r (NULL, "\n", &save))
    {
      *pids = xrealloc (*pids, (*n + 1) * sizeof (pid_t));
      (*pids)[(*n)++] = (pid_t) strtol (p, NULL, 10);
    }
  d = opendir (dir);
  if (d == NULL)
    return ocirt_error_errno (err, "opendir %s", dir);
  while ((de = readdir (d)))
    {
      cleanup_free char *sub = NULL;
      if (de->d_type != DT_DIR || strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      sub = xasprintf ("%s/%s", dir, de->d_name);
      ret = collect_pids (sub, pids, n, err);
      if (ret < 0)
        {
          closedir (d);
          return ret;
        }
    }
  closedir (d);
  return 0;
}

/* v1: the pids are read from the freezer hierarchy (the one kill_all freezes), else the first. */
static const char *
pids_dir (ocirt_cgroup *cg)
{
  struct cg_hier *h = cg_find (cg, "freezer");
  if (h == NULL)
    h = cg_find (cg, "pids");
  if (h == NULL)
    h = &cg->h[0];
  return h->dir;
}

int
ocirt_cgroup_pids (ocirt_cgroup *cg, pid_t **pids, size_t *n, ocirt_error_t *err)
{
  pid_t *list = NULL;
  size_t cnt = 0;
  int ret = collect_pids (pids_dir (cg), &list, &cnt, err);
  if (ret < 0)
    {
      free (list);
      return ret;
    }
  *pids = list;
  *n = cnt;
  return 0;
}

int
ocirt_cgroup_kill_all (ocirt_cgroup *cg, int sig, ocirt_error_t *err)
{
  cleanup_free pid_t *pids = NULL;
  size_t n = 0, i;
  bool frozen = false;
  int ret;

  if (cg->mode == OCIRT_CGROUP_MODE_V2 && sig == SIGKILL && cg_exists (cg->h[0].dir, "cgroup.kill"))
    return cg_write (cg->h[0].dir, "cgroup.kill", "1", err);

  if (cg->mode == OCIRT_CGROUP_MODE_V2 || cg_find (cg, "freezer") != NULL)
    {
      ret = ocirt_cgroup_freeze (cg, true, err);
      if (ret < 0)
        return ret;
      frozen = true;
    }
  ret = ocirt_cgroup_pids (cg, &pids, &n, err);
  if (ret == 0)
    for (i = 0; i < n; i++)
      if (kill (pids[i], sig) < 0 && errno != ESRCH)
        {
          ret = ocirt_error_errno (err, "kill %d", (int) pids[i]);
          break;
        }
  if (frozen)
    {
      cleanup_error ocirt_error_t thaw_err = NULL;
      if (ocirt_cgroup_freeze (cg, false, ret < 0 ? &thaw_err : err) < 0 && ret == 0)
        ret = -1;
    }
  return ret;
}

static int
count_pids (ocirt_cgroup *cg, size_t *n, ocirt_error_t *err)
{
  cleanup_free pid_t *pids = NULL;
  return ocirt_cgroup_pids (cg, &pids, n, err);
}

int
ocirt_cgroup_destroy (ocirt_cgroup *cg, bool force, ocirt_error_t *err)
{
  size_t n = 0;
  int ret, i;

  /* A leaf that is gone already (e.g. a second delete) has no processes. */
  if (access (pids_dir (cg), F_OK) == 0)
    {
      ret = count_pids (cg, &n, err);
      if (ret < 0)
        return ret;
    }
  if (n > 0)
    {
      if (!force)
        return ocirt_error_set (err, EBUSY, "cgroup %s still has processes", cg->path);
      ret = ocirt_cgroup_kill_all (cg, SIGKILL, err);
      if (ret < 0)
        return ret;
      for (i = 0; i < 500; i++)
        {
          ret = count_pids (cg, &n, err);
          if (ret < 0)
            return ret;
          if (n == 0)
            break;
          sleep_ms (10);
        }
      if (n > 0)
        return ocirt_error_set (err, EBUSY, "cgroup %s still has processes after SIGKILL", cg->path);
    }
  return remove_created (cg, err);
}

/* ---- OOM --------------------------------------------------------------------------------- */

int
ocirt_cgroup_oom_fd (ocirt_cgroup *cg, ocirt_error_t *err)
{
  struct cg_hier *h = cg_find (cg, "memory");
  if (cg->oom_fd >= 0)
    return cg->oom_fd;
  if (h == NULL)
    return -1;
  if (cg->mode == OCIRT_CGROUP_MODE_V1)
    {
      cleanup_free char *p = xasprintf ("%s/memory.oom_control", h->dir);
      cleanup_close int ofd = open (p, O_RDONLY | O_CLOEXEC);
      cleanup_close int efd = -1;
      int ret;
      if (ofd < 0)
        return ocirt_error_errno (err, "open %s", p);
      efd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
      if (efd < 0)
        return ocirt_error_errno (err, "eventfd");
      ret = cg_writef (h->dir, "cgroup.event_control", err, "%d %d", efd, ofd);
      if (ret < 0)
        return ret;
      cg->oom_fd = steal_fd (&efd);
    }
  else
    {
      cleanup_free char *p = xasprintf ("%s/memory.events", h->dir);
      cleanup_close int ifd = inotify_init1 (IN_NONBLOCK | IN_CLOEXEC);
      if (ifd < 0)
        return ocirt_error_errno (err, "inotify_init1");
      if (inotify_add_watch (ifd, p, IN_MODIFY) < 0)
        return ocirt_error_errno (err, "inotify_add_watch %s", p);
      cg->oom_fd = steal_fd (&ifd);
    }
  return cg->oom_fd;
}

int
ocirt_cgroup_oom_count (ocirt_cgroup *cg, uint64_t *count, ocirt_error_t *err)
{
  struct cg_hier *h = cg_find (cg, "memory");
  cleanup_free char *text = NULL;
  int ret;

  *count = 0;
  if (h == NULL)
    return ocirt_error_set (err, ENOTSUP, "memory controller not mounted");
  ret = cg_read (h->dir, cg->mode == OCIRT_CGROUP_MODE_V1 ? "memory.oom_control" : "memory.events", &text, err);
  if (ret < 0)
    return ret;
  cg_keyed_value (text, "oom_kill", count);
  return 0;
}

int
ocirt_cgroup_device_programs (ocirt_cgroup *cg, ocirt_error_t *err)
{
  if (cg->mode != OCIRT_CGROUP_MODE_V2)
    return 0;
  return cg_ebpf_count_programs (cg->h[0].dir, err);
}
