/* ocirt update: change the resource limits of a created, running or paused container, like
 * `runc update`.  --resources FILE (or - for stdin) is a linux.resources JSON object; the flags
 * are applied on top of it.  Memory sizes take runc's units (1024-based: 64m, 1g ...); -1 means
 * unlimited.  Only the fields given are written to the cgroup. */
#include <config.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container.h"
#include "ocirt.h"
#include "utils.h"

enum
{
  OPT_RESOURCES = 0x100,
  OPT_MEMORY,
  OPT_MEMORY_SWAP,
  OPT_MEMORY_RESERVATION,
  OPT_KERNEL_MEMORY,
  OPT_KERNEL_MEMORY_TCP,
  OPT_CPU_SHARES,
  OPT_CPU_QUOTA,
  OPT_CPU_PERIOD,
  OPT_CPU_RT_RUNTIME,
  OPT_CPU_RT_PERIOD,
  OPT_CPUSET_CPUS,
  OPT_CPUSET_MEMS,
  OPT_PIDS_LIMIT,
  OPT_BLKIO_WEIGHT,
};

static struct argp_option update_options[] = {
  { "resources", 'r', "FILE", 0, "path to a file with a linux.resources JSON object, or - for stdin", 0 },
  { "memory", OPT_MEMORY, "N", 0, "memory limit in bytes (units k m g t p allowed; -1 = unlimited)", 0 },
  { "memory-swap", OPT_MEMORY_SWAP, "N", 0, "memory+swap limit in bytes (-1 = unlimited)", 0 },
  { "memory-reservation", OPT_MEMORY_RESERVATION, "N", 0, "memory reservation (soft limit) in bytes", 0 },
  { "kernel-memory", OPT_KERNEL_MEMORY, "N", 0, "kernel memory limit (deprecated, ignored)", 0 },
  { "kernel-memory-tcp", OPT_KERNEL_MEMORY_TCP, "N", 0, "kernel TCP buffer limit in bytes (cgroup v1)", 0 },
  { "cpu-shares", OPT_CPU_SHARES, "N", 0, "CPU shares (relative weight)", 0 },
  { "cpu-quota", OPT_CPU_QUOTA, "N", 0, "CPU CFS quota in microseconds per period (-1 = unlimited)", 0 },
  { "cpu-period", OPT_CPU_PERIOD, "N", 0, "CPU CFS period in microseconds", 0 },
  { "cpu-rt-runtime", OPT_CPU_RT_RUNTIME, "N", 0, "CPU realtime runtime in microseconds (cgroup v1)", 0 },
  { "cpu-rt-period", OPT_CPU_RT_PERIOD, "N", 0, "CPU realtime period in microseconds (cgroup v1)", 0 },
  { "cpuset-cpus", OPT_CPUSET_CPUS, "LIST", 0, "CPUs to use (0-3, 0,1)", 0 },
  { "cpuset-mems", OPT_CPUSET_MEMS, "LIST", 0, "memory nodes to use (0-3, 0,1)", 0 },
  { "pids-limit", OPT_PIDS_LIMIT, "N", 0, "maximum number of pids (-1 = unlimited)", 0 },
  { "blkio-weight", OPT_BLKIO_WEIGHT, "N", 0, "block IO weight, 10 to 1000", 0 },
  { 0 }
};

struct update_args
{
  const char *id;
  const char *resources;
  const char *val[OPT_BLKIO_WEIGHT - OPT_RESOURCES + 1];
};

static error_t
parse_update (int key, char *arg, struct argp_state *state)
{
  struct update_args *a = state->input;
  switch (key)
    {
    case 'r':
      a->resources = arg;
      break;
    case ARGP_KEY_ARG:
    case ARGP_KEY_END:
      return cli_parse_id_key (key, arg, state, &a->id);
    default:
      if (key > OPT_RESOURCES && key <= OPT_BLKIO_WEIGHT)
        {
          a->val[key - OPT_RESOURCES] = arg;
          break;
        }
      return ARGP_ERR_UNKNOWN;
    }
  return 0;
}

/* runc's units.RAMInBytes: an integer with an optional 1024-based suffix (k, m, g, t, p, with
 * an optional trailing b / ib), or -1. */
static int
parse_bytes (const char *flag, const char *s, int64_t *out, ocirt_error_t *err)
{
  char *end;
  long long v;
  int shift = 0;

  if (strcmp (s, "-1") == 0)
    {
      *out = -1;
      return 0;
    }
  errno = 0;
  v = strtoll (s, &end, 10);
  if (end == s || errno != 0 || v < 0)
    goto bad;
  switch (tolower ((unsigned char) *end))
    {
    case 'k': shift = 10; end++; break;
    case 'm': shift = 20; end++; break;
    case 'g': shift = 30; end++; break;
    case 't': shift = 40; end++; break;
    case 'p': shift = 50; end++; break;
    default: break;
    }
  if (shift && tolower ((unsigned char) *end) == 'i')
    end++;
  if (tolower ((unsigned char) *end) == 'b')
    end++;
  if (*end != '\0' || (shift && v > (INT64_MAX >> shift)))
    goto bad;
  *out = (int64_t) v << shift;
  return 0;
bad:
  return ocirt_error_set (err, EINVAL, "invalid value `%s` for --%s: expected bytes (e.g. 67108864, 64m) or -1", s,
                          flag);
}

static int
flag_i64 (const char *flag, const char *s, int64_t *out, ocirt_error_t *err)
{
  char *end;
  long long v;
  errno = 0;
  v = strtoll (s, &end, 10);
  if (end == s || *end != '\0' || errno != 0)
    return ocirt_error_set (err, EINVAL, "invalid value `%s` for --%s: expected an integer", s, flag);
  *out = v;
  return 0;
}

static int
flag_u64 (const char *flag, const char *s, uint64_t *out, ocirt_error_t *err)
{
  char *end;
  unsigned long long v;
  errno = 0;
  v = strtoull (s, &end, 10);
  if (end == s || *end != '\0' || errno != 0 || strchr (s, '-'))
    return ocirt_error_set (err, EINVAL, "invalid value `%s` for --%s: expected a non-negative integer", s, flag);
  *out = v;
  return 0;
}

static oci_resources *
read_resources (const char *file, ocirt_error_t *err)
{
  cleanup_free char *data = NULL;
  cleanup_free char *perr = NULL;
  size_t len = 0;
  oci_resources *r;

  if (strcmp (file, "-") == 0)
    {
      size_t cap = 0;
      ssize_t n;
      for (;;)
        {
          if (len + 4096 > cap)
            data = xrealloc (data, cap = cap * 2 + 4096);
          n = read (0, data + len, cap - len);
          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0)
            {
              ocirt_error_errno (err, "read resources from stdin");
              return NULL;
            }
          if (n == 0)
            break;
          len += n;
        }
    }
  else if (read_file_at (AT_FDCWD, file, &data, &len, err) < 0)
    return NULL;
  r = oci_resources_parse_data (strcmp (file, "-") == 0 ? "<stdin>" : file, data ? data : "", len, &perr);
  if (r == NULL)
    ocirt_error_set (err, EINVAL, "%s", perr ? perr : "cannot parse resources");
  return r;
}

#define FLAG(o) a.val[(o) - OPT_RESOURCES]

/* Apply the command-line flags on top of r; returns -1 with err on a bad value. */
static int
apply_flags (struct update_args *a_, oci_resources *r, ocirt_error_t *err)
{
  struct update_args a = *a_;
  int64_t i64;
  uint64_t u64;

#define MEM() (r->memory ? r->memory : (r->memory = xmalloc0 (sizeof *r->memory)))
#define CPU() (r->cpu ? r->cpu : (r->cpu = xmalloc0 (sizeof *r->cpu)))
  if (FLAG (OPT_MEMORY))
    {
      if (parse_bytes ("memory", FLAG (OPT_MEMORY), &i64, err) < 0)
        return -1;
      MEM ()->has_limit = true, r->memory->limit = i64;
    }
  if (FLAG (OPT_MEMORY_SWAP))
    {
      if (parse_bytes ("memory-swap", FLAG (OPT_MEMORY_SWAP), &i64, err) < 0)
        return -1;
      MEM ()->has_swap = true, r->memory->swap = i64;
    }
  if (FLAG (OPT_MEMORY_RESERVATION))
    {
      if (parse_bytes ("memory-reservation", FLAG (OPT_MEMORY_RESERVATION), &i64, err) < 0)
        return -1;
      MEM ()->has_reservation = true, r->memory->reservation = i64;
    }
  if (FLAG (OPT_KERNEL_MEMORY))
    {
      if (parse_bytes ("kernel-memory", FLAG (OPT_KERNEL_MEMORY), &i64, err) < 0)
        return -1;
      MEM ()->has_kernel = true, r->memory->kernel = i64;
    }
  if (FLAG (OPT_KERNEL_MEMORY_TCP))
    {
      if (parse_bytes ("kernel-memory-tcp", FLAG (OPT_KERNEL_MEMORY_TCP), &i64, err) < 0)
        return -1;
      MEM ()->has_kernel_tcp = true, r->memory->kernel_tcp = i64;
    }
  if (FLAG (OPT_CPU_SHARES))
    {
      if (flag_u64 ("cpu-shares", FLAG (OPT_CPU_SHARES), &u64, err) < 0)
        return -1;
      CPU ()->has_shares = true, r->cpu->shares = u64;
    }
  if (FLAG (OPT_CPU_QUOTA))
    {
      if (flag_i64 ("cpu-quota", FLAG (OPT_CPU_QUOTA), &i64, err) < 0)
        return -1;
      CPU ()->has_quota = true, r->cpu->quota = i64;
    }
  if (FLAG (OPT_CPU_PERIOD))
    {
      if (flag_u64 ("cpu-period", FLAG (OPT_CPU_PERIOD), &u64, err) < 0)
        return -1;
      CPU ()->has_period = true, r->cpu->period = u64;
    }
  if (FLAG (OPT_CPU_RT_RUNTIME))
    {
      if (flag_i64 ("cpu-rt-runtime", FLAG (OPT_CPU_RT_RUNTIME), &i64, err) < 0)
        return -1;
      CPU ()->has_realtime_runtime = true, r->cpu->realtime_runtime = i64;
    }
  if (FLAG (OPT_CPU_RT_PERIOD))
    {
      if (flag_u64 ("cpu-rt-period", FLAG (OPT_CPU_RT_PERIOD), &u64, err) < 0)
        return -1;
      CPU ()->has_realtime_period = true, r->cpu->realtime_period = u64;
    }
  if (FLAG (OPT_CPUSET_CPUS))
    {
      free (CPU ()->cpus);
      r->cpu->cpus = xstrdup (FLAG (OPT_CPUSET_CPUS));
    }
  if (FLAG (OPT_CPUSET_MEMS))
    {
      free (CPU ()->mems);
      r->cpu->mems = xstrdup (FLAG (OPT_CPUSET_MEMS));
    }
  if (FLAG (OPT_PIDS_LIMIT))
    {
      if (flag_i64 ("pids-limit", FLAG (OPT_PIDS_LIMIT), &i64, err) < 0)
        return -1;
      r->has_pids_limit = true, r->pids_limit = i64;
    }
  if (FLAG (OPT_BLKIO_WEIGHT))
    {
      if (flag_u64 ("blkio-weight", FLAG (OPT_BLKIO_WEIGHT), &u64, err) < 0)
        return -1;
      if (u64 < 10 || u64 > 1000)
        return ocirt_error_set (err, EINVAL, "invalid value `%s` for --blkio-weight: valid range is 10-1000",
                                FLAG (OPT_BLKIO_WEIGHT));
      if (r->block_io == NULL)
        r->block_io = xmalloc0 (sizeof *r->block_io);
      r->block_io->has_weight = true, r->block_io->weight = (uint16_t) u64;
    }
#undef MEM
#undef CPU
  return 0;
}

int
ocirt_command_update (int argc, char **argv)
{
  static struct argp argp = { update_options, parse_update, "CONTAINER-ID",
                              "ocirt update: update the resource constraints of a container", NULL, NULL, NULL };
  struct update_args a = { 0 };
  cleanup_error ocirt_error_t err = NULL;
  cleanup_container ocirt_container *c = NULL;
  oci_resources *r;
  oci_device_cgroup *devices;
  size_t n_devices;
  const char *status;
  int ret;

  cli_parse (&argp, argc, argv, &a);
  r = a.resources ? read_resources (a.resources, &err) : xmalloc0 (sizeof *r);
  if (r == NULL)
    return cli_fail (a.id, &err);
  if (apply_flags (&a, r, &err) < 0)
    {
      oci_resources_free (r);
      return cli_fail (a.id, &err);
    }
  if (ocirt_container_load (ocirt_opts.root, a.id, true, &c, &err) < 0)
    {
      oci_resources_free (r);
      return cli_fail (a.id, &err);
    }
  status = ocirt_container_status (c);
  if (strcmp (status, "stopped") == 0)
    {
      oci_resources_free (r);
      return cli_failf (a.id, "cannot update a container that is stopped");
    }
  if (c->cgroup == NULL)
    {
      oci_resources_free (r);
      return cli_failf (a.id, "cannot update: the container has no cgroup");
    }
  /* Like runc, device rules are not updated (they are set once at create). */
  devices = r->devices, n_devices = r->devices_len;
  r->devices = NULL, r->devices_len = 0;
  ret = ocirt_cgroup_update (c->cgroup, r, &err);
  r->devices = devices, r->devices_len = n_devices;
  oci_resources_free (r);
  if (ret < 0)
    {
      ocirt_error_wrap (&err, "update cgroup %s", ocirt_cgroup_get_path (c->cgroup));
      return cli_fail (a.id, &err);
    }
  return 0;
}
