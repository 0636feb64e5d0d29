/* ocirt: cgroup manager internals shared by cgroup.c, cgroup-v1.c, cgroup-v2.c, cgroup-ebpf.c,
 * cgroup-resources.c and cgroup-stats.c.  Not part of the library interface. */
#ifndef OCIRT_CGROUP_INTERNAL_H
#define OCIRT_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"
#include "error.h"
#include "ocispec.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

/* One hierarchy: on v1 one mount (possibly several co-mounted controllers such as
 * "cpu,cpuacct"), on v2 the single unified tree. */
struct cg_hier
{
  char *controllers; /* v1: comma-separated controllers of the mount; v2: "" */
  char *mnt;         /* mount point, e.g. /sys/fs/cgroup/memory */
  char *own;         /* cgroup of the calling process in this hierarchy (from /proc/self/cgroup) */
  char *dir;         /* mnt + cgroup path: the leaf directory */
  char **created;    /* directories we created (full paths), shallowest first */
  size_t n_created;
  int join_fd;     /* v1 tasks or v2 cgroup.procs, opened by prepare_join; -1 */
  char *join_path; /* its path (for errors) */
};

struct ocirt_cgroup
{
  ocirt_cgroup_mode mode;
  char *path; /* the cgroup path below each hierarchy root, starts with '/' */
  struct cg_hier *h;
  size_t nh;
  int clone_fd;
  int oom_fd;
};

/* Discover the hierarchies of `mode` (v1: every mounted known controller; v2: the root). */
int cg_discover (ocirt_cgroup_mode mode, struct cg_hier **out, size_t *n, ocirt_error_t *err);
void cg_hier_free (struct cg_hier *h, size_t n);
/* The v1 hierarchy that has `controller`, NULL if not mounted.  On v2 returns the only one. */
struct cg_hier *cg_find (ocirt_cgroup *cg, const char *controller);
bool cg_has_controller (const char *list, const char *controller);

/* File helpers: errors read "open <dir>/<file>: ..." and "write <value> to <dir>/<file>: ...". */
int cg_write (const char *dir, const char *file, const char *value, ocirt_error_t *err);
/* The same in two steps, for several values through one open (v1 device rules). */
int cg_open_write (const char *dir, const char *file, ocirt_error_t *err);
int cg_write_fd (int fd, const char *dir, const char *file, const char *value, ocirt_error_t *err);
int cg_writef (const char *dir, const char *file, ocirt_error_t *err, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));
int cg_read (const char *dir, const char *file, char **out, ocirt_error_t *err);
int cg_read_u64 (const char *dir, const char *file, uint64_t *out, ocirt_error_t *err);
bool cg_exists (const char *dir, const char *file);
/* Value of "key N" in a flat keyed file (memory.events, cpu.stat ...); 0 and false if absent. */
bool cg_keyed_value (const char *text, const char *key, uint64_t *out);

/* Conversions (runc semantics; see cgroup-resources.c). */
uint64_t cg_shares_to_weight (uint64_t shares);
uint64_t cg_blkio_weight_to_io_weight (uint64_t weight);
int cg_swap_to_v2 (int64_t swap, int64_t limit, int64_t *out, ocirt_error_t *err);
/* "maj:min" with -1 meaning "*" (v1 devices). */
void cg_devnum (char *buf, size_t len, int64_t v);

/* Drivers. */
int cg_v1_apply (ocirt_cgroup *cg, const oci_resources *res, ocirt_error_t *err);
int cg_v1_prepare_level (const char *parent, const char *dir, ocirt_error_t *err);
int cg_v1_freeze (ocirt_cgroup *cg, bool freeze, ocirt_error_t *err);
int cg_v1_is_frozen (ocirt_cgroup *cg, ocirt_error_t *err);

int cg_v2_enable_controllers (const char *dir, const oci_resources *res, ocirt_error_t *err);
int cg_v2_apply (ocirt_cgroup *cg, const oci_resources *res, ocirt_error_t *err);
int cg_v2_freeze (ocirt_cgroup *cg, bool freeze, ocirt_error_t *err);
int cg_v2_is_frozen (ocirt_cgroup *cg, ocirt_error_t *err);

/* eBPF device filter (v2). */
int cg_ebpf_apply_devices (const char *dir, const oci_device_cgroup *rules, size_t n, ocirt_error_t *err);
/* Number of BPF_CGROUP_DEVICE programs attached to dir (for tests and sanity checks). */
int cg_ebpf_count_programs (const char *dir, ocirt_error_t *err);

#endif
