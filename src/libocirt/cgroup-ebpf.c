/* ocirt: the cgroup v2 device filter.  v2 has no devices.allow: access is decided by a
 * BPF_PROG_TYPE_CGROUP_DEVICE program attached to the cgroup.  The program is generated from
 * linux.resources.devices with runc's semantics: the LAST matching rule decides, default deny.
 * It is built by walking the rules backwards, each rule a block that jumps to the next block
 * on mismatch and returns its verdict on match.  Loaded and attached with bpf(2) directly. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "cgroup-internal.h"
#include "utils.h"

static int
sys_bpf (int cmd, union bpf_attr *attr)
{
  return (int) syscall (__NR_bpf, cmd, attr, sizeof *attr);
}

struct prog
{
  struct bpf_insn *insns;
  size_t n;
};

static void
emit (struct prog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
  struct bpf_insn *i;
  p->insns = xrealloc (p->insns, (p->n + 1) * sizeof *p->insns);
  i = &p->insns[p->n++];
  memset (i, 0, sizeof *i);
  i->code = code;
  i->dst_reg = dst;
  i->src_reg = src;
  i->off = off;
  i->imm = imm;
}

/* Registers: r2 device type, r3 requested access, r4 major, r5 minor (r1 = ctx). */
#define R_TYPE 2
#define R_ACC 3
#define R_MAJ 4
#define R_MIN 5
#define R_TMP 6

static int
dev_type (const oci_device_cgroup *r, int *out, ocirt_error_t *err)
{
  const char *t = r->type && *r->type ? r->type : "a";
  if (strcmp (t, "a") == 0)
    *out = 0;
  else if (strcmp (t, "b") == 0)
    *out = BPF_DEVCG_DEV_BLOCK;
  else if (strcmp (t, "c") == 0)
    *out = BPF_DEVCG_DEV_CHAR;
  else
    return ocirt_error_set (err, EINVAL, "invalid device cgroup rule type `%s`", t);
  return 0;
}

static int
dev_access (const oci_device_cgroup *r, int *out, ocirt_error_t *err)
{
  const char *a = r->access && *r->access ? r->access : "rwm";
  int acc = 0;
  for (; *a; a++)
    switch (*a)
      {
      case 'r':
        acc |= BPF_DEVCG_ACC_READ;
        break;
      case 'w':
        acc |= BPF_DEVCG_ACC_WRITE;
        break;
      case 'm':
        acc |= BPF_DEVCG_ACC_MKNOD;
        break;
      default:
        return ocirt_error_set (err, EINVAL, "invalid device cgroup access `%s`", r->access);
      }
  *out = acc;
  return 0;
}

/* One rule block; jumps are patched to the end of the block.  *always is set when the rule
 * matches every access (no test emitted): nothing after it is reachable. */
static int
emit_rule (struct prog *p, const oci_device_cgroup *r, bool *always, ocirt_error_t *err)
{
  const int all = BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;
  size_t jumps[4], nj = 0, start = p->n, i;
  int type = 0, acc = 0, ret;
  int64_t maj = r->has_major ? r->major : -1, min = r->has_minor ? r->minor : -1;

  (void) start;
  if ((ret = dev_type (r, &type, err)) < 0 || (ret = dev_access (r, &acc, err)) < 0)
    return ret;
  if (maj > INT32_MAX || min > INT32_MAX)
    return ocirt_error_set (err, EINVAL, "device cgroup rule %" PRId64 ":%" PRId64 " out of range", maj, min);
  if (type != 0)
    {
      jumps[nj++] = p->n;
      emit (p, BPF_JMP | BPF_JNE | BPF_K, R_TYPE, 0, 0, type);
    }
  if (acc != all)
    {
      /* requested & ~allowed must be 0 */
      emit (p, BPF_ALU64 | BPF_MOV | BPF_X, R_TMP, R_ACC, 0, 0);
      emit (p, BPF_ALU64 | BPF_AND | BPF_K, R_TMP, 0, 0, ~acc & all);
      jumps[nj++] = p->n;
      emit (p, BPF_JMP | BPF_JNE | BPF_K, R_TMP, 0, 0, 0);
    }
  if (maj >= 0)
    {
      jumps[nj++] = p->n;
      emit (p, BPF_JMP | BPF_JNE | BPF_K, R_MAJ, 0, 0, (int32_t) maj);
    }
  if (min >= 0)
    {
      jumps[nj++] = p->n;
      emit (p, BPF_JMP | BPF_JNE | BPF_K, R_MIN, 0, 0, (int32_t) min);
    }
  emit (p, BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, r->allow ? 1 : 0);
  emit (p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
  for (i = 0; i < nj; i++)
    p->insns[jumps[i]].off = (int16_t) (p->n - jumps[i] - 1);
  *always = nj == 0;
  return 0;
}

static int
build (const oci_device_cgroup *rules, size_t n, struct prog *p, ocirt_error_t *err)
{
  size_t i;
  /* struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; } */
  emit (p, BPF_LDX | BPF_MEM | BPF_W, R_TYPE, 1, 0, 0);
  emit (p, BPF_ALU64 | BPF_AND | BPF_K, R_TYPE, 0, 0, 0xffff);
  emit (p, BPF_LDX | BPF_MEM | BPF_W, R_ACC, 1, 0, 0);
  emit (p, BPF_ALU64 | BPF_RSH | BPF_K, R_ACC, 0, 0, 16);
  emit (p, BPF_LDX | BPF_MEM | BPF_W, R_MAJ, 1, 4, 0);
  emit (p, BPF_LDX | BPF_MEM | BPF_W, R_MIN, 1, 8, 0);
  for (i = n; i > 0; i--)
    {
      bool always = false;
      int ret = emit_rule (p, &rules[i - 1], &always, err);
      if (ret < 0)
        return ret;
      /* The verifier refuses unreachable code: an unconditional rule ends the program (the
       * earlier rules it overrides are still validated). */
      if (always)
        {
          size_t j;
          for (j = 0; j + 1 < i; j++)
            {
              int t, a;
              if ((ret = dev_type (&rules[j], &t, err)) < 0 || (ret = dev_access (&rules[j], &a, err)) < 0)
                return ret;
            }
          return 0;
        }
    }
  /* No rule matched: deny. */
  emit (p, BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
  emit (p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
  return 0;
}

static int
load (struct prog *p, ocirt_error_t *err)
{
  static const char license[] = "GPL";
  union bpf_attr attr;
  int fd;

  memset (&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t) (uintptr_t) p->insns;
  attr.insn_cnt = (uint32_t) p->n;
  attr.license = (uint64_t) (uintptr_t) license;
  fd = sys_bpf (BPF_PROG_LOAD, &attr);
  if (fd < 0)
    {
      int e = errno;
      size_t logsz = 65536;
      cleanup_free char *log = xmalloc0 (logsz);
      attr.log_buf = (uint64_t) (uintptr_t) log;
      attr.log_size = (uint32_t) logsz;
      attr.log_level = 1;
      if (sys_bpf (BPF_PROG_LOAD, &attr) >= 0 || log[0] == '\0')
        return ocirt_error_set (err, e, "bpf(BPF_PROG_LOAD) device filter (%zu insns)", p->n);
      return ocirt_error_set (err, e, "bpf(BPF_PROG_LOAD) device filter: verifier: %.400s", log);
    }
  return fd;
}

/* Ids of the device programs attached to cgroup fd `cgfd`. */
static int
query (int cgfd, uint32_t *ids, uint32_t *n, ocirt_error_t *err)
{
  union bpf_attr attr;
  memset (&attr, 0, sizeof attr);
  attr.query.target_fd = cgfd;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = (uint64_t) (uintptr_t) ids;
  attr.query.prog_cnt = *n;
  if (sys_bpf (BPF_PROG_QUERY, &attr) < 0)
    return ocirt_error_errno (err, "bpf(BPF_PROG_QUERY)");
  *n = attr.query.prog_cnt;
  return 0;
}

int
cg_ebpf_count_programs (const char *dir, ocirt_error_t *err)
{
  cleanup_close int cgfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  uint32_t ids[64], n = 64;
  int ret;
  if (cgfd < 0)
    return ocirt_error_errno (err, "open %s", dir);
  ret = query (cgfd, ids, &n, err);
  if (ret < 0)
    return ret;
  return (int) n;
}

int
cg_ebpf_apply_devices (const char *dir, const oci_device_cgroup *rules, size_t n, ocirt_error_t *err)
{
  struct prog p = { NULL, 0 };
  cleanup_close int cgfd = -1;
  cleanup_close int progfd = -1;
  uint32_t old[64], nold = 64, i;
  union bpf_attr attr;
  int ret;

  ret = build (rules, n, &p, err);
  if (ret < 0)
    goto out;
  cgfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cgfd < 0)
    {
      ret = ocirt_error_errno (err, "open %s", dir);
      goto out;
    }
  /* The programs already there (a previous create/update of this container's leaf): they are
   * replaced, after the new one is in place so there is no window without a filter. */
  ret = query (cgfd, old, &nold, err);
  if (ret < 0)
    goto out;
  if (nold > 64)
    nold = 64;
  ret = progfd = load (&p, err);
  if (ret < 0)
    goto out;
  memset (&attr, 0, sizeof attr);
  attr.target_fd = cgfd;
  attr.attach_bpf_fd = progfd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf (BPF_PROG_ATTACH, &attr) < 0)
    {
      ret = ocirt_error_errno (err, "bpf(BPF_PROG_ATTACH) device filter to %s", dir);
      goto out;
    }
  for (i = 0; i < nold; i++)
    {
      cleanup_close int oldfd = -1;
      memset (&attr, 0, sizeof attr);
      attr.prog_id = old[i];
      oldfd = sys_bpf (BPF_PROG_GET_FD_BY_ID, &attr);
      if (oldfd < 0)
        {
          if (errno == ENOENT)
            continue;
          ret = ocirt_error_errno (err, "bpf(BPF_PROG_GET_FD_BY_ID) %u", old[i]);
          goto out;
        }
      memset (&attr, 0, sizeof attr);
      attr.target_fd = cgfd;
      attr.attach_bpf_fd = oldfd;
      attr.attach_type = BPF_CGROUP_DEVICE;
      if (sys_bpf (BPF_PROG_DETACH, &attr) < 0 && errno != ENOENT)
        {
          ret = ocirt_error_errno (err, "bpf(BPF_PROG_DETACH) old device filter %u from %s", old[i], dir);
          goto out;
        }
    }
  ret = 0;
out:
  free (p.insns);
  return ret;
}
