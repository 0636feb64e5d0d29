/* ocirt: cgroup v2 driver: subtree_control, linux.resources -> v2 files, unified, freeze. */
#include <config.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgroup-internal.h"
#include "log.h"
#include "utils.h"

/* Controllers `res` needs (space separated), for subtree_control. */
static void
add_need (char *buf, size_t len, const char *c)
{
  if (strstr (buf, c) == NULL)
    {
      strncat (buf, c, len - strlen (buf) - 2);
      strcat (buf, " ");
    }
}

static void
needed (const oci_resources *res, char *buf, size_t len)
{
  size_t i;
  buf[0] = '\0';
  if (res == NULL)
    return;
  if (res->memory)
    add_need (buf, len, "memory");
  if (res->cpu && (res->cpu->has_shares || res->cpu->has_quota || res->cpu->has_period || res->cpu->has_burst
                   || res->cpu->has_idle))
    add_need (buf, len, "cpu");
  if (res->cpu && ((res->cpu->cpus && *res->cpu->cpus) || (res->cpu->mems && *res->cpu->mems)))
    add_need (buf, len, "cpuset");
  if (res->has_pids_limit)
    add_need (buf, len, "pids");
  if (res->block_io)
    add_need (buf, len, "io");
  if (res->hugepage_limits_len)
    add_need (buf, len, "hugetlb");
  if (res->rdma_len)
    add_need (buf, len, "rdma");
  for (i = 0; i < res->unified.len; i++)
    {
      char c[64];
      const char *dot = strchr (res->unified.items[i].key, '.');
      size_t l = dot ? (size_t) (dot - res->unified.items[i].key) : 0;
      if (l == 0 || l >= sizeof c)
        continue;
      memcpy (c, res->unified.items[i].key, l);
      c[l] = '\0';
      if (strcmp (c, "cgroup") != 0)
        add_need (buf, len, c);
    }
}

static bool
in_list (const char *list, const char *word)
{
  size_t l = strlen (word);
  const char *p = list;
  while ((p = strstr (p, word)) != NULL)
    {
      if ((p == list || p[-1] == ' ' || p[-1] == '\n') && (p[l] == ' ' || p[l] == '\n' || p[l] == '\0'))
        return true;
      p += l;
    }
  return false;
}

/* Enable in dir/cgroup.subtree_control every controller available in dir (those needed by
 * res must succeed; others may fail, e.g. a threaded or busy parent). */
int
cg_v2_enable_controllers (const char *dir, const oci_resources *res, ocirt_error_t *err)
{
  cleanup_free char *avail = NULL;
  cleanup_free char *enabled = NULL;
  char need[256], *tok, *save = NULL;
  int ret;

  needed (res, need, sizeof need);
  ret = cg_read (dir, "cgroup.controllers", &avail, err);
  if (ret < 0)
    return ret;
  ret = cg_read (dir, "cgroup.subtree_control", &enabled, err);
  if (ret < 0)
    return ret;
  for (tok = strtok_r (avail, " \n", &save); tok; tok = strtok_r (NULL, " \n", &save))
    {
      cleanup_error ocirt_error_t e = NULL;
      if (in_list (enabled, tok))
        continue;
      if (cg_writef (dir, "cgroup.subtree_control", &e, "+%s", tok) < 0)
        {
          if (in_list (need, tok))
            {
              ocirt_error_move (err, &e);
              return -1;
            }
          ocirt_debug ("cgroup: %s", e->msg);
        }
    }
  return 0;
}

static int
need_file (const char *dir, const char *file, const char *what, ocirt_error_t *err)
{
  if (!cg_exists (dir, file))
    return ocirt_error_set (err, ENOTSUP, "%s: %s/%s does not exist (controller not enabled?)", what, dir, file);
  return 0;
}

static int
w_limit (const char *dir, const char *file, int64_t v, ocirt_error_t *err)
{
  if (v < 0)
    return cg_write (dir, file, "max", err);
  return cg_writef (dir, file, err, "%" PRId64, v);
}

static int
apply_memory (const char *dir, const oci_memory *m, ocirt_error_t *err)
{
  int64_t limit = m->has_limit ? m->limit : 0, swap = 0;
  int ret;

  if ((ret = need_file (dir, "memory.max", "linux.resources.memory", err)) < 0)
    return ret;
  if (m->has_swap && m->swap > 0 && !m->has_limit)
    {
      /* `update --memory-swap` alone: memory+swap is relative to the current limit. */
      cleanup_free char *cur = NULL;
      if ((ret = cg_read (dir, "memory.max", &cur, err)) < 0)
        return ret;
      limit = strncmp (cur, "max", 3) == 0 ? -1 : strtoll (cur, NULL, 10);
    }
  ret = cg_swap_to_v2 (m->has_swap ? m->swap : 0, limit, &swap, err);
  if (ret < 0)
    return ret;
  /* Never write 0 (unset) to memory.swap.max: it would disable swap. */
  if (swap != 0)
    {
      if (!cg_exists (dir, "memory.swap.max"))
        {
          if (swap != -1)
            return need_file (dir, "memory.swap.max", "linux.resources.memory.swap", err);
        }
      else if ((ret = w_limit (dir, "memory.swap.max", swap, err)) < 0)
        return ret;
    }
  if (limit != 0 && (ret = w_limit (dir, "memory.max", limit, err)) < 0)
    return ret;
  if (m->has_reservation && m->reservation != 0 && (ret = w_limit (dir, "memory.low", m->reservation, err)) < 0)
    return ret;
  if (m->has_kernel && m->kernel != 0)
    ocirt_warn ("linux.resources.memory.kernel is not supported on cgroup v2, ignored");
  if (m->has_kernel_tcp && m->kernel_tcp != 0)
    ocirt_warn ("linux.resources.memory.kernelTCP is not supported on cgroup v2, ignored");
  if (m->has_swappiness && m->swappiness != 0)
    ocirt_warn ("linux.resources.memory.swappiness is not supported on cgroup v2, ignored");
  if (m->has_disable_oom_killer && m->disable_oom_killer)
    ocirt_warn ("linux.resources.memory.disableOOMKiller is not supported on cgroup v2, ignored");
  return 0;
}

static int
apply_cpu (const char *dir, const oci_cpu *c, ocirt_error_t *err)
{
  int ret;
  if (c->has_shares && c->shares != 0)
    {
      if ((ret = need_file (dir, "cpu.weight", "linux.resources.cpu.shares", err)) < 0)
        return ret;
      if ((ret = cg_writef (dir, "cpu.weight", err, "%" PRIu64, cg_shares_to_weight (c->shares))) < 0)
        return ret;
    }
  if ((c->has_quota && c->quota != 0) || (c->has_period && c->period != 0))
    {
      uint64_t period = c->has_period && c->period ? c->period : 0;
      if ((ret = need_file (dir, "cpu.max", "linux.resources.cpu.quota", err)) < 0)
        return ret;
      if (period == 0)
        {
          /* Keep the current period when only the quota changes. */
          cleanup_free char *cur = NULL;
          char *sp;
          if (cg_read (dir, "cpu.max", &cur, NULL) == 0 && (sp = strchr (cur, ' ')) != NULL)
            period = strtoull (sp + 1, NULL, 10);
          if (period == 0)
            period = 100000;
        }
      if (!c->has_quota)
        {
          /* Only the period changes: keep the current quota. */
          cleanup_free char *cur = NULL;
          char *sp;
          if ((ret = cg_read (dir, "cpu.max", &cur, err)) < 0)
            return ret;
          sp = strchr (cur, ' ');
          if (sp)
            *sp = '\0';
          ret = cg_writef (dir, "cpu.max", err, "%s %" PRIu64, cur, period);
        }
      else if (c->quota < 0)
        ret = cg_writef (dir, "cpu.max", err, "max %" PRIu64, period);
      else
        ret = cg_writef (dir, "cpu.max", err, "%" PRId64 " %" PRIu64, c->quota, period);
      if (ret < 0)
        return ret;
    }
  if (c->has_burst && (ret = cg_writef (dir, "cpu.max.burst", err, "%" PRIu64, c->burst)) < 0)
    return ret;
  if (c->has_idle && (ret = cg_writef (dir, "cpu.idle", err, "%" PRId64, c->idle)) < 0)
    return ret;
  if ((c->has_realtime_runtime && c->realtime_runtime != 0) || (c->has_realtime_period && c->realtime_period != 0))
    return ocirt_error_set (err, ENOTSUP, "linux.resources.cpu.realtime* is not supported on cgroup v2");
  if (c->cpus && *c->cpus && (ret = cg_write (dir, "cpuset.cpus", c->cpus, err)) < 0)
    return ret;
  if (c->mems && *c->mems && (ret = cg_write (dir, "cpuset.mems", c->mems, err)) < 0)
    return ret;
  return 0;
}

static int
write_iomax (const char *dir, const char *key, const oci_throttle_device *t, size_t n, ocirt_error_t *err)
{
  size_t i;
  for (i = 0; i < n; i++)
    {
      int ret;
      /* v1 semantics: a rate of 0 removes the limit. */
      if (t[i].rate == 0)
        ret = cg_writef (dir, "io.max", err, "%" PRId64 ":%" PRId64 " %s=max", t[i].major, t[i].minor, key);
      else
        ret = cg_writef (dir, "io.max", err, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, t[i].major, t[i].minor, key,
                         t[i].rate);
      if (ret < 0)
        return ret;
    }
  return 0;
}

static int
apply_io (const char *dir, const oci_block_io *b, ocirt_error_t *err)
{
  bool bfq = cg_exists (dir, "io.bfq.weight");
  size_t i;
  int ret;

  if (b->has_weight && b->weight != 0)
    {
      /* io.bfq.weight takes the blkio range (1..1000) as is; io.weight needs converting. */
      if (bfq)
        ret = cg_writef (dir, "io.bfq.weight", err, "%u", b->weight);
      else
        {
          if ((ret = need_file (dir, "io.weight", "linux.resources.blockIO.weight", err)) < 0)
            return ret;
          ret = cg_writef (dir, "io.weight", err, "default %" PRIu64, cg_blkio_weight_to_io_weight (b->weight));
        }
      if (ret < 0)
        return ret;
    }
  for (i = 0; i < b->weight_device_len; i++)
    {
      const oci_weight_device *d = &b->weight_device[i];
      if (!d->has_weight)
        continue;
      if (bfq)
        ret = cg_writef (dir, "io.bfq.weight", err, "%" PRId64 ":%" PRId64 " %u", d->major, d->minor, d->weight);
      else
        ret = cg_writef (dir, "io.weight", err, "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor,
                         cg_blkio_weight_to_io_weight (d->weight));
      if (ret < 0)
        return ret;
    }
  if ((b->throttle_read_bps_device_len || b->throttle_write_bps_device_len || b->throttle_read_iops_device_len
       || b->throttle_write_iops_device_len)
      && (ret = need_file (dir, "io.max", "linux.resources.blockIO throttle", err)) < 0)
    return ret;
  if ((ret = write_iomax (dir, "rbps", b->throttle_read_bps_device, b->throttle_read_bps_device_len, err)) < 0
      || (ret = write_iomax (dir, "wbps", b->throttle_write_bps_device, b->throttle_write_bps_device_len, err)) < 0
      || (ret = write_iomax (dir, "riops", b->throttle_read_iops_device, b->throttle_read_iops_device_len, err)) < 0
      || (ret = write_iomax (dir, "wiops", b->throttle_write_iops_device, b->throttle_write_iops_device_len, err))
             < 0)
    return ret;
  return 0;
}

static int
apply_unified (const char *dir, const oci_map *u, ocirt_error_t *err)
{
  cleanup_free char *avail = NULL;
  size_t i;
  int ret = cg_read (dir, "cgroup.controllers", &avail, err);
  if (ret < 0)
    return ret;
  for (i = 0; i < u->len; i++)
    {
      const char *key = u->items[i].key, *dot = strchr (key, '.');
      char c[64];
      size_t l = dot ? (size_t) (dot - key) : 0;
      if (*key == '\0' || strchr (key, '/') || strstr (key, "..") || dot == NULL || l == 0 || l >= sizeof c)
        return ocirt_error_set (err, EINVAL, "invalid linux.resources.unified key `%s`", key);
      memcpy (c, key, l);
      c[l] = '\0';
      if (strcmp (c, "cgroup") != 0 && !in_list (avail, c))
        return ocirt_error_set (err, ENOTSUP, "linux.resources.unified key `%s`: controller `%s` is not available in %s",
                                key, c, dir);
      if (!cg_exists (dir, key))
        return ocirt_error_set (err, ENOENT, "linux.resources.unified key `%s`: no such file %s/%s", key, dir, key);
      if ((ret = cg_write (dir, key, u->items[i].value ? u->items[i].value : "", err)) < 0)
        return ret;
    }
  return 0;
}

int
cg_v2_apply (ocirt_cgroup *cg, const oci_resources *res, ocirt_error_t *err)
{
  const char *dir = cg->h[0].dir;
  size_t i;
  int ret;

  if (res->memory && (ret = apply_memory (dir, res->memory, err)) < 0)
    return ret;
  if (res->cpu && (ret = apply_cpu (dir, res->cpu, err)) < 0)
    return ret;
  if (res->has_pids_limit)
    {
      if ((ret = need_file (dir, "pids.max", "linux.resources.pids", err)) < 0)
        return ret;
      if ((ret = w_limit (dir, "pids.max", res->pids_limit > 0 ? res->pids_limit : -1, err)) < 0)
        return ret;
    }
  if (res->block_io && (ret = apply_io (dir, res->block_io, err)) < 0)
    return ret;
  for (i = 0; i < res->hugepage_limits_len; i++)
    {
      const oci_hugepage_limit *l = &res->hugepage_limits[i];
      cleanup_free char *f = xasprintf ("hugetlb.%s.max", l->page_size);
      cleanup_free char *rsvd = xasprintf ("hugetlb.%s.rsvd.max", l->page_size);
      if (strchr (l->page_size, '/'))
        return ocirt_error_set (err, EINVAL, "invalid hugepage size `%s`", l->page_size);
      if ((ret = need_file (dir, f, "linux.resources.hugepageLimits", err)) < 0)
        return ret;
      if ((ret = cg_writef (dir, f, err, "%" PRIu64, l->limit)) < 0)
        return ret;
      if (cg_exists (dir, rsvd) && (ret = cg_writef (dir, rsvd, err, "%" PRIu64, l->limit)) < 0)
        return ret;
    }
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
      if ((ret = need_file (dir, "rdma.max", "linux.resources.rdma", err)) < 0)
        return ret;
      if ((ret = cg_writef (dir, "rdma.max", err, "%s%s%s", r->device, h, o)) < 0)
        return ret;
    }
  if (res->network && (res->network->has_class_id || res->network->priorities_len))
    ocirt_warn ("linux.resources.network is not supported on cgroup v2, ignored");
  if (res->unified.len > 0 && (ret = apply_unified (dir, &res->unified, err)) < 0)
    return ret;
  if (res->devices && (ret = cg_ebpf_apply_devices (dir, res->devices, res->devices_len, err)) < 0)
    return ret;
  return 0;
}

/* ---- freeze ------------------------------------------------------------------------------ */

int
cg_v2_is_frozen (ocirt_cgroup *cg, ocirt_error_t *err)
{
  cleanup_free char *ev = NULL;
  uint64_t v = 0;
  int ret = cg_read (cg->h[0].dir, "cgroup.events", &ev, err);
  if (ret < 0)
    return ret;
  cg_keyed_value (ev, "frozen", &v);
  return v ? 1 : 0;
}

int
cg_v2_freeze (ocirt_cgroup *cg, bool freeze, ocirt_error_t *err)
{
  const char *dir = cg->h[0].dir;
  int ret, i;

  if (!cg_exists (dir, "cgroup.freeze"))
    return ocirt_error_set (err, ENOTSUP, "%s/cgroup.freeze does not exist (kernel < 5.2?)", dir);
  ret = cg_write (dir, "cgroup.freeze", freeze ? "1" : "0", err);
  if (ret < 0)
    return ret;
  /* cgroup.events reports "frozen 1" once every task is stopped (bounded wait, ~5 s). */
  for (i = 0; i < 5000; i++)
    {
      struct timespec ts = { 0, 1000000 };
      ret = cg_v2_is_frozen (cg, err);
      if (ret < 0)
        return ret;
      if (ret == (freeze ? 1 : 0))
        return 0;
      nanosleep (&ts, NULL);
    }
  if (freeze)
    cg_write (dir, "cgroup.freeze", "0", NULL);
  return ocirt_error_set (err, ETIMEDOUT, "%s %s: cgroup.events did not report frozen %d", freeze ? "freeze" : "thaw",
                          dir, freeze ? 1 : 0);
}
