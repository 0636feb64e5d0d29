/* ocirt: cgroup statistics for `events --stats`, in the shape of runc's types/events.go "data"
 * object (Go omitempty fields are left out when zero).  Kept in its own object file: it is the
 * only cgroup code that needs the libocispec JSON writer. */
#include <config.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup-internal.h"
#include "utils.h"

static void
key_u64 (ocispec_jw *w, const char *key, uint64_t v, bool omitempty)
{
  if (omitempty && v == 0)
    return;
  ocispec_jw_key (w, key);
  ocispec_jw_uint (w, v);
}

/* A number file, 0 if missing; "max" is UINT64_MAX (runc reports it the same way). */
static uint64_t
num (const char *dir, const char *file)
{
  uint64_t v = 0;
  if (dir == NULL || cg_read_u64 (dir, file, &v, NULL) < 0)
    return 0;
  return v;
}

static char *
text (const char *dir, const char *file)
{
  char *s = NULL;
  if (dir == NULL || cg_read (dir, file, &s, NULL) < 0)
    return xstrdup ("");
  return s;
}

/* "k v\n" lines as a JSON object. */
static void
raw_map (ocispec_jw *w, const char *t)
{
  cleanup_free char *copy = xstrdup (t);
  char *line, *save = NULL;
  ocispec_jw_begin_map (w);
  for (line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char *sp = strchr (line, ' ');
      if (sp == NULL)
        continue;
      *sp = '\0';
      ocispec_jw_key (w, line);
      ocispec_jw_uint (w, strtoull (sp + 1, NULL, 10));
    }
  ocispec_jw_end_map (w);
}

static void
mem_entry (ocispec_jw *w, const char *key, uint64_t limit, uint64_t usage, uint64_t max, uint64_t failcnt)
{
  ocispec_jw_key (w, key);
  ocispec_jw_begin_map (w);
  key_u64 (w, "limit", limit, false);
  key_u64 (w, "usage", usage, true);
  key_u64 (w, "max", max, true);
  key_u64 (w, "failcnt", failcnt, false);
  ocispec_jw_end_map (w);
}

static void
blkio_entry (ocispec_jw *w, unsigned maj, unsigned min, const char *op, uint64_t v)
{
  ocispec_jw_begin_map (w);
  key_u64 (w, "major", maj, true);
  key_u64 (w, "minor", min, true);
  if (op && *op)
    {
      ocispec_jw_key (w, "op");
      ocispec_jw_string (w, op);
    }
  key_u64 (w, "value", v, true);
  ocispec_jw_end_map (w);
}

/* v1 blkio "maj:min Op value" lines (the trailing "Total N" is skipped). */
static void
blkio_v1_list (ocispec_jw *w, const char *key, const char *t)
{
  cleanup_free char *copy = xstrdup (t);
  char *line, *save = NULL;
  bool open = false;
  for (line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      unsigned maj, min;
      char op[32];
      unsigned long long v;
      if (sscanf (line, "%u:%u %31s %llu", &maj, &min, op, &v) != 4)
        continue;
      if (!open)
        {
          ocispec_jw_key (w, key);
          ocispec_jw_begin_array (w);
          open = true;
        }
      blkio_entry (w, maj, min, op, v);
    }
  if (open)
    ocispec_jw_end_array (w);
}

/* v2 io.stat: "maj:min rbytes=.. wbytes=.. rios=.. wios=.." */
static void
blkio_v2_list (ocispec_jw *w, const char *key, const char *t, const char *rk, const char *wk)
{
  cleanup_free char *copy = xstrdup (t);
  char *line, *save = NULL;
  bool open = false;
  for (line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      unsigned maj, min;
      uint64_t r = 0, wv = 0;
      char *p;
      if (sscanf (line, "%u:%u", &maj, &min) != 2)
        continue;
      if ((p = strstr (line, rk)) != NULL)
        r = strtoull (p + strlen (rk), NULL, 10);
      if ((p = strstr (line, wk)) != NULL)
        wv = strtoull (p + strlen (wk), NULL, 10);
      if (!open)
        {
          ocispec_jw_key (w, key);
          ocispec_jw_begin_array (w);
          open = true;
        }
      blkio_entry (w, maj, min, "Read", r);
      blkio_entry (w, maj, min, "Write", wv);
      blkio_entry (w, maj, min, "Total", r + wv);
    }
  if (open)
    ocispec_jw_end_array (w);
}

/* Hugepage sizes present in dir (from "hugetlb.<size>.<suffix>" file names). */
static void
hugetlb (ocispec_jw *w, const char *dir, bool v2)
{
  DIR *d = dir ? opendir (dir) : NULL;
  struct dirent *de;
  ocispec_jw_key (w, "hugetlb");
  ocispec_jw_begin_map (w);
  while (d && (de = readdir (d)))
    {
      const char *suffix = v2 ? ".max" : ".limit_in_bytes";
      char size[32];
      size_t l;
      if (!has_prefix (de->d_name, "hugetlb.") || !has_suffix (de->d_name, suffix) || strstr (de->d_name, ".rsvd."))
        continue;
      l = strlen (de->d_name) - strlen ("hugetlb.") - strlen (suffix);
      if (l == 0 || l >= sizeof size)
        continue;
      memcpy (size, de->d_name + strlen ("hugetlb."), l);
      size[l] = '\0';
      {
        cleanup_free char *fu = xasprintf ("hugetlb.%s.%s", size, v2 ? "current" : "usage_in_bytes");
        cleanup_free char *fm = xasprintf ("hugetlb.%s.max_usage_in_bytes", size);
        cleanup_free char *ff = xasprintf ("hugetlb.%s.%s", size, v2 ? "events" : "failcnt");
        uint64_t failcnt = 0;
        ocispec_jw_key (w, size);
        ocispec_jw_begin_map (w);
        key_u64 (w, "usage", num (dir, fu), true);
        /* v2 has no max-usage file (hugetlb.<size>.max is the limit): left out, as runc does. */
        key_u64 (w, "max", v2 ? 0 : num (dir, fm), true);
        if (v2)
          {
            cleanup_free char *ev = text (dir, ff);
            cg_keyed_value (ev, "max", &failcnt);
          }
        else
          failcnt = num (dir, ff);
        key_u64 (w, "failcnt", failcnt, false);
        ocispec_jw_end_map (w);
      }
    }
  if (d)
    closedir (d);
  ocispec_jw_end_map (w);
}

static const char *
dir_of (ocirt_cgroup *cg, const char *controller)
{
  struct cg_hier *h = cg_find (cg, controller);
  return h ? h->dir : NULL;
}

static void
stats_v1 (ocirt_cgroup *cg, ocispec_jw *w)
{
  const char *cpuacct = dir_of (cg, "cpuacct"), *cpu = dir_of (cg, "cpu"), *mem = dir_of (cg, "memory");
  const char *pids = dir_of (cg, "pids"), *blkio = dir_of (cg, "blkio");
  long hz = sysconf (_SC_CLK_TCK);
  uint64_t user = 0, sys = 0, v;

  if (hz <= 0)
    hz = 100;
  ocispec_jw_key (w, "cpu");
  ocispec_jw_begin_map (w);
  ocispec_jw_key (w, "usage");
  ocispec_jw_begin_map (w);
  key_u64 (w, "total", num (cpuacct, "cpuacct.usage"), true);
  {
    cleanup_free char *pc = text (cpuacct, "cpuacct.usage_percpu");
    cleanup_free char *st = text (cpuacct, "cpuacct.stat");
    char *tok, *save = NULL;
    bool open = false;
    for (tok = strtok_r (pc, " \n", &save); tok; tok = strtok_r (NULL, " \n", &save))
      {
        if (!open)
          {
            ocispec_jw_key (w, "percpu");
            ocispec_jw_begin_array (w);
            open = true;
          }
        ocispec_jw_uint (w, strtoull (tok, NULL, 10));
      }
    if (open)
      ocispec_jw_end_array (w);
    cg_keyed_value (st, "user", &user);
    cg_keyed_value (st, "system", &sys);
  }
  key_u64 (w, "kernel", sys * (1000000000ull / (uint64_t) hz), false);
  key_u64 (w, "user", user * (1000000000ull / (uint64_t) hz), false);
  ocispec_jw_end_map (w);
  {
    cleanup_free char *st = text (cpu, "cpu.stat");
    ocispec_jw_key (w, "throttling");
    ocispec_jw_begin_map (w);
    cg_keyed_value (st, "nr_periods", &v);
    key_u64 (w, "periods", v, true);
    cg_keyed_value (st, "nr_throttled", &v);
    key_u64 (w, "throttledPeriods", v, true);
    cg_keyed_value (st, "throttled_time", &v);
    key_u64 (w, "throttledTime", v, true);
    ocispec_jw_end_map (w);
  }
  ocispec_jw_end_map (w);

  ocispec_jw_key (w, "memory");
  ocispec_jw_begin_map (w);
  {
    cleanup_free char *st = text (mem, "memory.stat");
    cg_keyed_value (st, "cache", &v);
    key_u64 (w, "cache", v, true);
    mem_entry (w, "usage", num (mem, "memory.limit_in_bytes"), num (mem, "memory.usage_in_bytes"),
               num (mem, "memory.max_usage_in_bytes"), num (mem, "memory.failcnt"));
    mem_entry (w, "swap", num (mem, "memory.memsw.limit_in_bytes"), num (mem, "memory.memsw.usage_in_bytes"),
               num (mem, "memory.memsw.max_usage_in_bytes"), num (mem, "memory.memsw.failcnt"));
    mem_entry (w, "kernel", num (mem, "memory.kmem.limit_in_bytes"), num (mem, "memory.kmem.usage_in_bytes"),
               num (mem, "memory.kmem.max_usage_in_bytes"), num (mem, "memory.kmem.failcnt"));
    mem_entry (w, "kernelTCP", num (mem, "memory.kmem.tcp.limit_in_bytes"),
               num (mem, "memory.kmem.tcp.usage_in_bytes"), num (mem, "memory.kmem.tcp.max_usage_in_bytes"),
               num (mem, "memory.kmem.tcp.failcnt"));
    if (*st)
      {
        ocispec_jw_key (w, "raw");
        raw_map (w, st);
      }
  }
  ocispec_jw_end_map (w);

  ocispec_jw_key (w, "pids");
  ocispec_jw_begin_map (w);
  key_u64 (w, "current", num (pids, "pids.current"), true);
  v = num (pids, "pids.max");
  key_u64 (w, "limit", v == UINT64_MAX ? 0 : v, true);
  ocispec_jw_end_map (w);

  ocispec_jw_key (w, "blkio");
  ocispec_jw_begin_map (w);
  {
    static const char *const bytes[] = { "blkio.io_service_bytes_recursive", "blkio.bfq.io_service_bytes_recursive",
                                         "blkio.throttle.io_service_bytes_recursive" };
    static const char *const ios[] = { "blkio.io_serviced_recursive", "blkio.bfq.io_serviced_recursive",
                                       "blkio.throttle.io_serviced_recursive" };
    size_t i;
    for (i = 0; blkio && i < 3; i++)
      if (cg_exists (blkio, bytes[i]))
        {
          cleanup_free char *b = text (blkio, bytes[i]);
          cleanup_free char *s = text (blkio, ios[i]);
          blkio_v1_list (w, "ioServiceBytesRecursive", b);
          blkio_v1_list (w, "ioServicedRecursive", s);
          break;
        }
  }
  ocispec_jw_end_map (w);
  hugetlb (w, dir_of (cg, "hugetlb"), false);
}

static void
stats_v2 (ocirt_cgroup *cg, ocispec_jw *w)
{
  const char *dir = cg->h[0].dir;
  cleanup_free char *cpustat = text (dir, "cpu.stat");
  cleanup_free char *memstat = text (dir, "memory.stat");
  cleanup_free char *memev = text (dir, "memory.events");
  cleanup_free char *swapev = text (dir, "memory.swap.events");
  cleanup_free char *iostat = text (dir, "io.stat");
  uint64_t v, fail = 0;

  ocispec_jw_key (w, "cpu");
  ocispec_jw_begin_map (w);
  ocispec_jw_key (w, "usage");
  ocispec_jw_begin_map (w);
  cg_keyed_value (cpustat, "usage_usec", &v);
  key_u64 (w, "total", v * 1000, true);
  cg_keyed_value (cpustat, "system_usec", &v);
  key_u64 (w, "kernel", v * 1000, false);
  cg_keyed_value (cpustat, "user_usec", &v);
  key_u64 (w, "user", v * 1000, false);
  ocispec_jw_end_map (w);
  ocispec_jw_key (w, "throttling");
  ocispec_jw_begin_map (w);
  cg_keyed_value (cpustat, "nr_periods", &v);
  key_u64 (w, "periods", v, true);
  cg_keyed_value (cpustat, "nr_throttled", &v);
  key_u64 (w, "throttledPeriods", v, true);
  cg_keyed_value (cpustat, "throttled_usec", &v);
  key_u64 (w, "throttledTime", v * 1000, true);
  ocispec_jw_end_map (w);
  ocispec_jw_end_map (w);

  ocispec_jw_key (w, "memory");
  ocispec_jw_begin_map (w);
  cg_keyed_value (memstat, "file", &v);
  key_u64 (w, "cache", v, true);
  cg_keyed_value (memev, "max", &fail);
  mem_entry (w, "usage", num (dir, "memory.max"), num (dir, "memory.current"), num (dir, "memory.peak"), fail);
  cg_keyed_value (swapev, "max", &fail);
  mem_entry (w, "swap", num (dir, "memory.swap.max"), num (dir, "memory.swap.current"), num (dir, "memory.swap.peak"),
             fail);
  mem_entry (w, "kernel", 0, 0, 0, 0);
  mem_entry (w, "kernelTCP", 0, 0, 0, 0);
  if (*memstat)
    {
      ocispec_jw_key (w, "raw");
      raw_map (w, memstat);
    }
  ocispec_jw_end_map (w);

  ocispec_jw_key (w, "pids");
  ocispec_jw_begin_map (w);
  key_u64 (w, "current", num (dir, "pids.current"), true);
  v = num (dir, "pids.max");
  key_u64 (w, "limit", v == UINT64_MAX ? 0 : v, true);
  ocispec_jw_end_map (w);

  ocispec_jw_key (w, "blkio");
  ocispec_jw_begin_map (w);
  blkio_v2_list (w, "ioServiceBytesRecursive", iostat, "rbytes=", "wbytes=");
  blkio_v2_list (w, "ioServicedRecursive", iostat, "rios=", "wios=");
  ocispec_jw_end_map (w);
  hugetlb (w, dir, true);
}

int
ocirt_cgroup_write_stats (ocirt_cgroup *cg, ocispec_jw *w, ocirt_error_t *err)
{
  if (access (cg->h[0].dir, F_OK) < 0)
    return ocirt_error_errno (err, "stat %s", cg->h[0].dir);
  ocispec_jw_begin_map (w);
  if (cg->mode == OCIRT_CGROUP_MODE_V1)
    stats_v1 (cg, w);
  else
    stats_v2 (cg, w);
  ocispec_jw_end_map (w);
  return 0;
}
