/* ocirt: cgroup v1 driver (legacy and hybrid hosts): linux.resources -> v1 files, freezer. */
#include <config.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cgroup-internal.h"
#include "log.h"
#include "utils.h"

/* The leaf of `controller`, or an error naming it when it is not mounted. */
static int
need (ocirt_cgroup *cg, const char *controller, const char **dir, ocirt_error_t *err)
{
  struct cg_hier *h = cg_find (cg, controller);
  if (h == NULL)
    return ocirt_error_set (err, ENOTSUP, "cgroup v1 controller `%s` is not mounted but linux.resources needs it",
                            controller);
  *dir = h->dir;
  return 0;
}

/* A new cpuset level starts with empty cpus/mems, and a process cannot join an empty cpuset:
 * copy the parent's values. */
int
cg_v1_prepare_level (const char *parent, const char *dir, ocirt_error_t *err)
{
  static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
  size_t i;
  for (i = 0; i < 2; i++)
    {
      cleanup_free char *cur = NULL;
      cleanup_free char *val = NULL;
      int ret = cg_read (dir, files[i], &cur, err);
      if (ret < 0)
        return ret;
      if (cur[0] != '\0' && cur[0] != '\n')
        continue;
      ret = cg_read (parent, files[i], &val, err);
      if (ret < 0)
        return ret;
      if (val[0] == '\0' || val[0] == '\n')
        continue;
      ret = cg_write (dir, files[i], val, err);
      if (ret < 0)
        return ret;
    }
  return 0;
}

static int
w_i64 (const char *dir, const char *file, int64_t v, ocirt_error_t *err)
{
  return cg_writef (dir, file, err, "%" PRId64, v);
}

static int
w_u64 (const char *dir, const char *file, uint64_t v, ocirt_error_t *err)
{
  return cg_writef (dir, file, err, "%" PRIu64, v);
}

static int
apply_memory (ocirt_cgroup *cg, const oci_memory *m, ocirt_error_t *err)
{
  const char *dir = NULL;
  int64_t limit = m->has_limit ? m->limit : 0, swap = m->has_swap ? m->swap : 0;
  int ret = need (cg, "memory", &dir, err);
  if (ret < 0)
    return ret;

  /* runc: an unlimited memory with swap unset also makes memory+swap unlimited. */
  if (limit == -1 && !m->has_swap && cg_exists (dir, "memory.memsw.limit_in_bytes"))
    swap = -1;
  if (limit != 0 && swap != 0)
    {
      /* memsw must stay >= limit at every step: when raising, memsw goes first. */
      uint64_t cur = 0;
      ret = cg_read_u64 (dir, "memory.limit_in_bytes", &cur, err);
      if (ret < 0)
        return ret;
      if (swap == -1 || (uint64_t) swap > cur)
        {
          ret = w_i64 (dir, "memory.memsw.limit_in_bytes", swap, err);
          if (ret == 0)
            ret = w_i64 (dir, "memory.limit_in_bytes", limit, err);
        }
      else
        {
          ret = w_i64 (dir, "memory.limit_in_bytes", limit, err);
          if (ret == 0)
            ret = w_i64 (dir, "memory.memsw.limit_in_bytes", swap, err);
        }
    }
  else
    {
      if (limit != 0)
        ret = w_i64 (dir, "memory.limit_in_bytes", limit, err);
      if (ret == 0 && swap != 0)
        ret = w_i64 (dir, "memory.memsw.limit_in_bytes", swap, err);
    }
  if (ret < 0)
    return ret;

  if (m->has_reservation && (ret = w_i64 (dir, "memory.soft_limit_in_bytes", m->reservation, err)) < 0)
    return ret;
  if (m->has_kernel && m->kernel != 0)
    ocirt_warn ("linux.resources.memory.kernel is deprecated and ignored");
  if (m->has_kernel_tcp && (ret = w_i64 (dir, "memory.kmem.tcp.limit_in_bytes", m->kernel_tcp, err)) < 0)
    return ret;
  if (m->has_swappiness)
    {
      if (m->swappiness > 100)
        return ocirt_error_set (err, EINVAL, "invalid memory swappiness %" PRIu64 ": valid range is 0-100",
                                m->swappiness);
      if ((ret = w_u64 (dir, "memory.swappiness", m->swappiness, err)) < 0)
        return ret;
    }
  if (m->has_disable_oom_killer && m->disable_oom_killer
      && (ret = cg_write (dir, "memory.oom_control", "1", err)) < 0)
    return ret;
  if (m->has_use_hierarchy && (ret = cg_write (dir, "memory.use_hierarchy", m->use_hierarchy ? "1" : "0", err)) < 0)
    return ret;
  return 0;
}

static int
apply_cpu (ocirt_cgroup *cg, const oci_cpu *c, ocirt_error_t *err)
{
  const char *dir = NULL;
  int ret;

  if (c->has_shares || c->has_quota || c->has_period || c->has_burst || c->has_realtime_runtime
      || c->has_realtime_period || c->has_idle)
    {
      ret = need (cg, "cpu", &dir, err);
      if (ret < 0)
        return ret;
      if (c->has_shares && c->shares != 0)
        {
          uint64_t got = 0;
          ret = w_u64 (dir, "cpu.shares", c->shares, err);
          if (ret < 0)
            return ret;
          /* The kernel clamps silently; runc reports it. */
          ret = cg_read_u64 (dir, "cpu.shares", &got, err);
          if (ret < 0)
            return ret;
          if (got != c->shares)
            return ocirt_error_set (err, ERANGE, "cpu.shares %" PRIu64 " out of range (kernel set %" PRIu64 ")",
                                    c->shares, got);
        }
      if (c->has_period && c->period != 0)
        {
          ret = w_u64 (dir, "cpu.cfs_period_us", c->period, err);
          if (ret == -EINVAL && c->has_quota && c->quota > 0)
            {
              /* A smaller period can be refused with the old quota: set quota first. */
              ocirt_error_release (err);
              ret = w_i64 (dir, "cpu.cfs_quota_us", c->quota, err);
              if (ret == 0)
                ret = w_u64 (dir, "cpu.cfs_period_us", c->period, err);
            }
          if (ret < 0)
            return ret;
        }
      if (c->has_quota && (ret = w_i64 (dir, "cpu.cfs_quota_us", c->quota <= 0 ? -1 : c->quota, err)) < 0)
        return ret;
      if (c->has_burst && (ret = w_u64 (dir, "cpu.cfs_burst_us", c->burst, err)) < 0)
        return ret;
      if (c->has_realtime_period && c->realtime_period != 0
          && (ret = w_u64 (dir, "cpu.rt_period_us", c->realtime_period, err)) < 0)
        return ret;
      if (c->has_realtime_runtime && c->realtime_runtime != 0
          && (ret = w_i64 (dir, "cpu.rt_runtime_us", c->realtime_runtime, err)) < 0)
        return ret;
      if (c->has_idle && (ret = w_i64 (dir, "cpu.idle", c->idle, err)) < 0)
        return ret;
    }
  if ((c->cpus && *c->cpus) || (c->mems && *c->mems))
    {
      ret = need (cg, "cpuset", &dir, err);
      if (ret < 0)
        return ret;
      if (c->cpus && *c->cpus && (ret = cg_write (dir, "cpuset.cpus", c->cpus, err)) < 0)
        return ret;
      if (c->mems && *c->mems && (ret = cg_write (dir, "cpuset.mems", c->mems, err)) < 0)
        return ret;
    }
  return 0;
}

static int
write_throttle (const char *dir, const char *file, const oci_throttle_device *t, size_t n, ocirt_error_t *err)
{
  size_t i;
  for (i = 0; i < n; i++)
    {
      int ret = cg_writef (dir, file, err, "%" PRId64 ":%" PRId64 " %" PRIu64, t[i].major, t[i].minor, t[i].rate);
      if (ret < 0)
        return ret;
    }
  return 0;
}

static int
apply_blkio (ocirt_cgroup *cg, const oci_block_io *b, ocirt_error_t *err)
{
  const char *dir = NULL, *wfile, *wdev;
  size_t i;
  int ret = need (cg, "blkio", &dir, err);
  if (ret < 0)
    return ret;
  /* CFQ's blkio.weight, or BFQ's blkio.bfq.weight on newer kernels (runc does the same). */
  if (cg_exists (dir, "blkio.weight") || !cg_exists (dir, "blkio.bfq.weight"))
    {
      wfile = "blkio.weight";
      wdev = "blkio.weight_device";
    }
  else
    {
      wfile = "blkio.bfq.weight";
      wdev = "blkio.bfq.weight_device";
    }
  if (b->has_weight && b->weight != 0 && (ret = w_u64 (dir, wfile, b->weight, err)) < 0)
    return ret;
  if (b->has_leaf_weight && b->leaf_weight != 0 && (ret = w_u64 (dir, "blkio.leaf_weight", b->leaf_weight, err)) < 0)
    return ret;
  for (i = 0; i < b->weight_device_len; i++)
    {
      const oci_weight_device *d = &b->weight_device[i];
      if (d->has_weight
          && (ret = cg_writef (dir, wdev, err, "%" PRId64 ":%" PRId64 " %u", d->major, d->minor, d->weight)) < 0)
        return ret;
      if (d->has_leaf_weight
          && (ret = cg_writef (dir, "blkio.leaf_weight_device", err, "%" PRId64 ":%" PRId64 " %u", d->major,
                               d->minor, d->leaf_weight))
                 < 0)
        return ret;
    }
  if ((ret = write_throttle (dir, "blkio.throttle.read_bps_device", b->throttle_read_bps_device,
                             b->throttle_read_bps_device_len, err))
          < 0
      || (ret = write_throttle (dir, "blkio.throttle.write_bps_device", b->throttle_write_bps_device,
                                b->throttle_write_bps_device_len, err))
             < 0
      || (ret = write_throttle (dir, "blkio.throttle.read_iops_device", b->throttle_read_iops_device,
                                b->throttle_read_iops_device_len, err))
             < 0
      || (ret = write_throttle (dir, "blkio.throttle.write_iops_device", b->throttle_write_iops_device,
                                b->throttle_write_iops_device_len, err))
             < 0)
    return ret;
  return 0;
}

static int
apply_devices (ocirt_cgroup *cg, const oci_device_cgroup *d, size_t n, ocirt_error_t *err)
{
  const char *dir = NULL;
  cleanup_close int deny = -1, allow = -1;
  size_t i;
  int ret = need (cg, "devices", &dir, err);
  if (ret < 0)
    return ret;
  /* As runc: start from "deny all", then the rules in order (later rules override).  Each
   * file is opened once: one write(2) is one rule. */
  deny = cg_open_write (dir, "devices.deny", err);
  if (deny < 0)
    return deny;
  ret = cg_write_fd (deny, dir, "devices.deny", "a", err);
  if (ret < 0)
    return ret;
  for (i = 0; i < n; i++)
    {
      char maj[24], min[24];
      cleanup_free char *rule = NULL;
      const char *type = d[i].type && *d[i].type ? d[i].type : "a";
      const char *access = d[i].access && *d[i].access ? d[i].access : "rwm";
      cg_devnum (maj, sizeof maj, d[i].has_major ? d[i].major : -1);
      cg_devnum (min, sizeof min, d[i].has_minor ? d[i].minor : -1);
      if (strlen (type) != 1 || strchr ("acb", type[0]) == NULL)
        return ocirt_error_set (err, EINVAL, "invalid device cgroup rule type `%s`", type);
      rule = xasprintf ("%s %s:%s %s", type, maj, min, access);
      if (d[i].allow && allow < 0 && (allow = cg_open_write (dir, "devices.allow", err)) < 0)
        return allow;
      ret = cg_write_fd (d[i].allow ? allow : deny, dir, d[i].allow ? "devices.allow" : "devices.deny", rule, err);
      if (ret < 0)
        return ret;
    }
  return 0;
}

static int
apply_hugetlb (ocirt_cgroup *cg, const oci_hugepage_limit *l, size_t n, ocirt_error_t *err)
{
  const char *dir = NULL;
  size_t i;
  int ret = need (cg, "hugetlb", &dir, err);
  if (ret < 0)
    return ret;
  for (i = 0; i < n; i++)
    {
      cleanup_free char *f = xasprintf ("hugetlb.%s.limit_in_bytes", l[i].page_size);
      cleanup_free char *rsvd = xasprintf ("hugetlb.%s.rsvd.limit_in_bytes", l[i].page_size);
      if (strchr (l[i].page_size, '/'))
        return ocirt_error_set (err, EINVAL, "invalid hugepage size `%s`", l[i].page_size);
      if ((ret = w_u64 (dir, f, l[i].limit, err)) < 0)
        return ret;
      if (cg_exists (dir, rsvd) && (ret = w_u64 (dir, rsvd, l[i].limit, err)) < 0)
        return ret;
    }
  return 0;
}

int
cg_v1_apply (ocirt_cgroup *cg, const oci_resources *res, ocirt_error_t *err)
{
  const char *dir = NULL;
  size_t i;
  int ret;

  if (res->unified.len > 0)
    return ocirt_error_set (err, ENOTSUP, "linux.resources.unified requires cgroup v2 (this host uses v1)");
  if (res->memory && (ret = apply_memory (cg, res->memory, err)) < 0)
    return ret;
  if (res->cpu && (ret = apply_cpu (cg, res->cpu, err)) < 0)
    return ret;
  if (res->has_pids_limit)
    {
      if ((ret = need (cg, "pids", &dir, err)) < 0)
        return ret;
      ret = res->pids_limit > 0 ? w_i64 (dir, "pids.max", res->pids_limit, err) : cg_write (dir, "pids.max", "max", err);
      if (ret < 0)
        return ret;
    }
  if (res->block_io && (ret = apply_blkio (cg, res->block_io, err)) < 0)
    return ret;
  if (res->hugepage_limits_len > 0 && (ret = apply_hugetlb (cg, res->hugepage_limits, res->hugepage_limits_len, err)) < 0)
    return ret;
  if (res->network)
    {
      if (res->network->has_class_id)
        {
          if ((ret = need (cg, "net_cls", &dir, err)) < 0)
            return ret;
          if ((ret = w_u64 (dir, "net_cls.classid", res->network->class_id, err)) < 0)
            return ret;
        }
      if (res->network->priorities_len > 0)
        {
          if ((ret = need (cg, "net_prio", &dir, err)) < 0)
            return ret;
          for (i = 0; i < res->network->priorities_len; i++)
            if ((ret = cg_writef (dir, "net_prio.ifpriomap", err, "%s %u", res->network->priorities[i].name,
                                  res->network->priorities[i].priority))
                < 0)
              return ret;
        }
    }
  if (res->rdma_len > 0)
    {
      if ((ret = need (cg, "rdma", &dir, err)) < 0)
        return ret;
      for (i = 0; i < res->rdma_len; i++)
        {
          const oci_rdma *r = &res->rdma[i];
          char h[32] = "", o[32] = "";
          if (r->has_hca_handles)
            snprintf (h, sizeof h, " hca_handle=%u", r->hca_handles);
          if (r->has_hca_objects)
            snprintf (o, sizeof o, " hca_object=%u", r->hca_objects);
          if (*h == '\0' && *o == '\0')
            continue;
          if ((ret = cg_writef (dir, "rdma.max", err, "%s%s%s", r->device, h, o)) < 0)
            return ret;
        }
    }
  if (res->devices && (ret = apply_devices (cg, res->devices, res->devices_len, err)) < 0)
    return ret;
  return 0;
}

/* ---- freezer ----------------------------------------------------------------------------- */

static int
freezer_state (const char *dir, char **state, ocirt_error_t *err)
{
  int ret = cg_read (dir, "freezer.state", state, err);
  char *nl;
  if (ret < 0)
    return ret;
  nl = strchr (*state, '\n');
  if (nl)
    *nl = '\0';
  return 0;
}

int
cg_v1_freeze (ocirt_cgroup *cg, bool freeze, ocirt_error_t *err)
{
  const char *dir = NULL;
  const char *want = freeze ? "FROZEN" : "THAWED";
  int ret = need (cg, "freezer", &dir, err), i;
  if (ret < 0)
    return ret;
  /* FREEZING can persist while tasks are in uninterruptible sleep: keep asking (bounded, ~2 s),
   * then give up and thaw rather than leave a half-frozen container. */
  for (i = 0; i < 2000; i++)
    {
      cleanup_free char *state = NULL;
      if (i % 10 == 0 && (ret = cg_write (dir, "freezer.state", want, err)) < 0)
        return ret;
      if ((ret = freezer_state (dir, &state, err)) < 0)
        return ret;
      if (strcmp (state, want) == 0)
        return 0;
      {
        struct timespec ts = { 0, 1000000 };
        nanosleep (&ts, NULL);
      }
    }
  if (freeze)
    cg_write (dir, "freezer.state", "THAWED", NULL);
  return ocirt_error_set (err, ETIMEDOUT, "%s %s: the freezer did not reach %s", freeze ? "freeze" : "thaw",
                          dir, want);
}

int
cg_v1_is_frozen (ocirt_cgroup *cg, ocirt_error_t *err)
{
  cleanup_free char *state = NULL;
  const char *dir = NULL;
  int ret = need (cg, "freezer", &dir, err);
  if (ret < 0)
    return ret;
  if ((ret = freezer_state (dir, &state, err)) < 0)
    return ret;
  return strcmp (state, "FROZEN") == 0 ? 1 : 0;
}
