/* ocirt: linux.seccomp (see seccomp.h).  The profile is validated and compiled with libseccomp
 * in the runtime, exported as raw BPF, and loaded by the container process with seccomp(2) so
 * that the process needs no libseccomp state after clone and the program can be cached. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "seccomp-internal.h"
#include "utils.h"

#ifndef SECCOMP_FILTER_FLAG_SPEC_ALLOW
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW (1UL << 2)
#endif
#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* The kernel clamps larger SECCOMP_RET_ERRNO data to MAX_ERRNO: refuse instead of silently
 * returning a different errno than the profile asked for. */
#define MAX_ERRNO 4095
/* SECCOMP_RET_TRACE carries 16 bits of data for the tracer. */
#define MAX_TRACE_DATA 0xffff

/* Each table is a NULL-terminated name list (handed out as-is for `features`) with a parallel
 * value list, so the names `features` reports are exactly the ones the code accepts. */
static const char *const action_names[] = {
  "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
  "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",
  "SCMP_ACT_NOTIFY", NULL,
};
static const uint32_t action_values[] = {
  SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP,
  SCMP_ACT_ERRNO (0), SCMP_ACT_TRACE (0), SCMP_ACT_ALLOW, SCMP_ACT_LOG,
  SCMP_ACT_NOTIFY,
};
_Static_assert (ARRAY_SIZE (action_names) == ARRAY_SIZE (action_values) + 1, "action table");

static const char *const operator_names[] = {
  "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
  "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};
static const enum scmp_compare operator_values[] = {
  SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ,
};
_Static_assert (ARRAY_SIZE (operator_names) == ARRAY_SIZE (operator_values) + 1, "operator table");

static const char *const arch_names[] = {
  "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64",
  "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",
  "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
  "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC",
  "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",
#ifdef SCMP_ARCH_LOONGARCH64
  "SCMP_ARCH_LOONGARCH64",
#endif
#ifdef SCMP_ARCH_M68K
  "SCMP_ARCH_M68K",
#endif
#ifdef SCMP_ARCH_SH
  "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
#endif
  NULL,
};
static const uint32_t arch_values[] = {
  SCMP_ARCH_X86, SCMP_ARCH_X86_64, SCMP_ARCH_X32, SCMP_ARCH_ARM, SCMP_ARCH_AARCH64,
  SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64, SCMP_ARCH_MIPS64N32, SCMP_ARCH_MIPSEL,
  SCMP_ARCH_MIPSEL64, SCMP_ARCH_MIPSEL64N32, SCMP_ARCH_PPC, SCMP_ARCH_PPC64,
  SCMP_ARCH_PPC64LE, SCMP_ARCH_S390, SCMP_ARCH_S390X, SCMP_ARCH_PARISC,
  SCMP_ARCH_PARISC64, SCMP_ARCH_RISCV64,
#ifdef SCMP_ARCH_LOONGARCH64
  SCMP_ARCH_LOONGARCH64,
#endif
#ifdef SCMP_ARCH_M68K
  SCMP_ARCH_M68K,
#endif
#ifdef SCMP_ARCH_SH
  SCMP_ARCH_SH, SCMP_ARCH_SHEB,
#endif
};
_Static_assert (ARRAY_SIZE (arch_names) == ARRAY_SIZE (arch_values) + 1, "arch table");

static const char *const flag_names[] = {
  "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
  "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL,
};
static const unsigned int flag_values[] = {
  SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
};
_Static_assert (ARRAY_SIZE (flag_names) == ARRAY_SIZE (flag_values) + 1, "flag table");

const char *const *
ocirt_seccomp_actions (void)
{
  return action_names;
}

const char *const *
ocirt_seccomp_operators (void)
{
  return operator_names;
}

const char *const *
ocirt_seccomp_archs (void)
{
  return arch_names;
}

const char *const *
ocirt_seccomp_flags (void)
{
  return flag_names;
}

static int
lookup (const char *const *names, const char *name)
{
  size_t i;
  for (i = 0; name && names[i]; i++)
    if (strcmp (names[i], name) == 0)
      return (int) i;
  return -1;
}

/* Profile mistakes are reported without an errno: the message says it all. */
static int
resolve_action (const char *where, const char *name, bool has_errno, uint32_t errno_ret, uint32_t *out,
                ocirt_error_t *err)
{
  int i = lookup (action_names, name);
  uint32_t v;

  if (i < 0)
    return ocirt_error_set (err, 0, "seccomp: %s: unknown action \"%s\"", where, name ? name : "(null)");
  v = action_values[i];
  if (v == SCMP_ACT_ERRNO (0) || v == SCMP_ACT_TRACE (0))
    {
      bool is_errno = v == SCMP_ACT_ERRNO (0);
      uint32_t ret = has_errno ? errno_ret : EPERM;
      uint32_t max = is_errno ? MAX_ERRNO : MAX_TRACE_DATA;

      if (ret > max)
        return ocirt_error_set (err, 0, "seccomp: %s: errnoRet %u out of range for %s (max %u)", where, ret, name,
                                max);
      *out = is_errno ? SCMP_ACT_ERRNO (ret) : SCMP_ACT_TRACE (ret);
      return 0;
    }
  /* runtime-spec: "When the action doesn't support an errno, the runtime MUST print and error
   * and fail." */
  if (has_errno)
    return ocirt_error_set (err, 0, "seccomp: %s: errnoRet is not supported by action %s", where, name);
  *out = v;
  return 0;
}

/* Kernel support for a filter flag: with a NULL program the kernel checks the flags first
 * (EINVAL when unknown) and then fails to copy the program (EFAULT). */
static bool
kernel_has_flag (unsigned int flag)
{
  if (flag & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
    flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER; /* not accepted alone */
  return syscall (__NR_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 && errno != EINVAL;
}

/* Everything that can be wrong with a profile is reported here, before the cache lookup, so a
 * cached program never hides an error or a warning. */
static int
check_profile (const oci_seccomp *s, uint32_t *default_act, unsigned int *flags, bool *notify,
               ocirt_error_t *err)
{
  size_t i, j;
  int ret;

  ret = resolve_action ("defaultAction", s->default_action, s->has_default_errno_ret, s->default_errno_ret,
                        default_act, err);
  if (ret < 0)
    return ret;
  if (*default_act == SCMP_ACT_NOTIFY)
    return ocirt_error_set (err, 0, "seccomp: SCMP_ACT_NOTIFY cannot be the default action");

  for (i = 0; i < s->architectures_len; i++)
    if (lookup (arch_names, s->architectures[i]) < 0)
      return ocirt_error_set (err, 0, "seccomp: unknown architecture \"%s\"", s->architectures[i]);

  *flags = 0;
  for (i = 0; i < s->flags_len; i++)
    {
      int f = lookup (flag_names, s->flags[i]);
      if (f < 0)
        return ocirt_error_set (err, 0, "seccomp: unknown flag \"%s\"", s->flags[i]);
      if (!kernel_has_flag (flag_values[f]))
        return ocirt_error_set (err, EOPNOTSUPP, "seccomp: flag %s not supported by the kernel", s->flags[i]);
      *flags |= flag_values[f];
    }

  *notify = false;
  for (i = 0; i < s->syscalls_len; i++)
    {
      const oci_seccomp_syscall *sc = &s->syscalls[i];
      cleanup_free char *where = xasprintf ("syscalls[%zu]", i);
      uint32_t act;

      ret = resolve_action (where, sc->action, sc->has_errno_ret, sc->errno_ret, &act, err);
      if (ret < 0)
        return ret;
      if (act == SCMP_ACT_NOTIFY)
        *notify = true;
      for (j = 0; j < sc->args_len; j++)
        {
          if (sc->args[j].index >= 6)
            return ocirt_error_set (err, 0, "seccomp: syscalls[%zu]: argument index %u out of range", i,
                                    sc->args[j].index);
          if (lookup (operator_names, sc->args[j].op) < 0)
            return ocirt_error_set (err, 0, "seccomp: syscalls[%zu]: unknown operator \"%s\"", i,
                                    sc->args[j].op ? sc->args[j].op : "(null)");
        }
      for (j = 0; j < sc->names_len; j++)
        if (seccomp_syscall_resolve_name (sc->names[j]) == __NR_SCMP_ERROR)
          ocirt_warn ("seccomp: syscall \"%s\" unknown, skipped", sc->names[j]);
    }
  if (s->listener_metadata && s->listener_path == NULL)
    return ocirt_error_set (err, 0, "seccomp: listenerMetadata set without listenerPath");
  /* Without an agent a notified syscall would block the container forever. */
  if (*notify && (s->listener_path == NULL || s->listener_path[0] == '\0'))
    return ocirt_error_set (err, 0, "seccomp: SCMP_ACT_NOTIFY requires listenerPath");
  return 0;
}

static void
cleanup_scmp (scmp_filter_ctx *ctx)
{
  if (*ctx)
    seccomp_release (*ctx);
}

/* As runc: conditions on different arguments are AND'ed in one rule, but when an argument
 * index repeats every condition becomes its own rule (OR), since libseccomp cannot AND two
 * conditions on the same argument. */
static int
add_rules (scmp_filter_ctx ctx, uint32_t act, int nr, const oci_seccomp_syscall *sc, ocirt_error_t *err)
{
  cleanup_free struct scmp_arg_cmp *conds = NULL;
  unsigned int count[6] = { 0 };
  bool repeated = false;
  size_t i;
  int ret;

  if (sc->args_len == 0)
    {
      ret = seccomp_rule_add_array (ctx, act, nr, 0, NULL);
      goto out;
    }
  conds = xmalloc0 (sc->args_len * sizeof *conds);
  for (i = 0; i < sc->args_len; i++)
    {
      const oci_seccomp_arg *a = &sc->args[i];
      conds[i].arg = a->index;
      conds[i].op = operator_values[lookup (operator_names, a->op)];
      /* MASKED_EQ: value is the mask, valueTwo the expected result (runc, libseccomp-golang). */
      conds[i].datum_a = a->value;
      conds[i].datum_b = conds[i].op == SCMP_CMP_MASKED_EQ ? a->value_two : 0;
      if (++count[a->index] > 1)
        repeated = true;
    }
  if (!repeated)
    ret = seccomp_rule_add_array (ctx, act, nr, sc->args_len, conds);
  else
    for (i = 0, ret = 0; i < sc->args_len && ret == 0; i++)
      ret = seccomp_rule_add_array (ctx, act, nr, 1, &conds[i]);
out:
  if (ret < 0)
    {
      cleanup_free char *name = seccomp_syscall_resolve_num_arch (SCMP_ARCH_NATIVE, nr);
      return ocirt_error_set (err, -ret, "seccomp: add rule for %s", name ? name : "?");
    }
  return 0;
}

static int
export_bpf (scmp_filter_ctx ctx, struct sock_filter **bpf, size_t *len, ocirt_error_t *err)
{
  cleanup_close int fd = memfd_create ("ocirt-seccomp-bpf", MFD_CLOEXEC);
  cleanup_free char *buf = NULL;
  size_t size;
  int ret;

  if (fd < 0)
    return ocirt_error_errno (err, "seccomp: memfd_create");
  ret = seccomp_export_bpf (ctx, fd);
  if (ret < 0)
    return ocirt_error_set (err, -ret, "seccomp: export bpf");
  if (lseek (fd, 0, SEEK_SET) < 0)
    return ocirt_error_errno (err, "seccomp: seek bpf");
  ret = read_all_fd (fd, "seccomp bpf", &buf, &size, err);
  if (ret < 0)
    return ret;
  if (size == 0 || size % sizeof (struct sock_filter) || size / sizeof (struct sock_filter) > BPF_MAXINSNS)
    return ocirt_error_set (err, EFBIG, "seccomp: compiled program has invalid size %zu", size);
  *bpf = (struct sock_filter *) steal_pointer (&buf);
  *len = size / sizeof (struct sock_filter);
  return 0;
}

static int
compile (const oci_seccomp *s, uint32_t default_act, struct sock_filter **bpf, size_t *len, ocirt_error_t *err)
{
  __attribute__ ((cleanup (cleanup_scmp))) scmp_filter_ctx ctx = seccomp_init (default_act);
  size_t i, j;
  int ret;

  if (ctx == NULL)
    return ocirt_error_set (err, ENOMEM, "seccomp: seccomp_init");
  /* The runtime sets NO_NEW_PRIVS itself, from process.noNewPrivileges. */
  ret = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0);
  if (ret < 0)
    return ocirt_error_set (err, -ret, "seccomp: clear CTL_NNP");

  for (i = 0; i < s->architectures_len; i++)
    {
      uint32_t arch = arch_values[lookup (arch_names, s->architectures[i])];
      ret = seccomp_arch_add (ctx, arch);
      if (ret < 0 && ret != -EEXIST)
        return ocirt_error_set (err, -ret, "seccomp: add architecture %s", s->architectures[i]);
    }

  for (i = 0; i < s->syscalls_len; i++)
    {
      const oci_seccomp_syscall *sc = &s->syscalls[i];
      uint32_t act;

      ret = resolve_action ("", sc->action, sc->has_errno_ret, sc->errno_ret, &act, err);
      if (ret < 0)
        return ret; /* not reached: check_profile accepted it */
      /* libseccomp rejects rules that repeat the default action; they change nothing. */
      if (act == default_act)
        {
          ocirt_debug ("seccomp: syscalls[%zu] has the default action, skipped", i);
          continue;
        }
      for (j = 0; j < sc->names_len; j++)
        {
          int nr = seccomp_syscall_resolve_name (sc->names[j]);
          if (nr == __NR_SCMP_ERROR)
            continue; /* warned about in check_profile */
          ret = add_rules (ctx, act, nr, sc, err);
          if (ret < 0)
            return ret;
        }
    }
  return export_bpf (ctx, bpf, len, err);
}

int
ocirt_seccomp_prepare (const oci_seccomp *s, const char *cache_dir, ocirt_seccomp **out, ocirt_error_t *err)
{
  uint64_t t = ocirt_step_begin ();
  cleanup_free ocirt_seccomp *sc = xmalloc0 (sizeof *sc);
  cleanup_free char *key = NULL;
  uint32_t default_act;
  int ret;

  ret = check_profile (s, &default_act, &sc->flags, &sc->notify, err);
  if (ret < 0)
    return ret;

  if (cache_dir)
    {
      key = ocirt_seccomp_cache_key (s);
      if (ocirt_seccomp_cache_load (cache_dir, key, &sc->bpf, &sc->bpf_len) > 0)
        {
          sc->cached = true;
          ocirt_step_end (t, "seccomp (cached)");
          *out = steal_pointer (&sc);
          return 0;
        }
    }

  ret = compile (s, default_act, &sc->bpf, &sc->bpf_len, err);
  if (ret < 0)
    return ret;
  if (cache_dir)
    ocirt_seccomp_cache_store (cache_dir, key, sc->bpf, sc->bpf_len);
  ocirt_step_end (t, "seccomp compile");
  *out = steal_pointer (&sc);
  return 0;
}

void
ocirt_seccomp_free (ocirt_seccomp *sc)
{
  if (sc == NULL)
    return;
  free (sc->bpf);
  free (sc);
}

bool
ocirt_seccomp_wants_notify (const ocirt_seccomp *sc)
{
  return sc->notify;
}

bool
ocirt_seccomp_was_cached (const ocirt_seccomp *sc)
{
  return sc->cached;
}

const void *
ocirt_seccomp_bpf (const ocirt_seccomp *sc, size_t *len)
{
  *len = sc->bpf_len * sizeof (struct sock_filter);
  return sc->bpf;
}

int
ocirt_seccomp_install (ocirt_seccomp *sc, int *notify_fd, ocirt_error_t *err)
{
  struct sock_fprog prog = { .len = (unsigned short) sc->bpf_len, .filter = sc->bpf };
  unsigned int flags = sc->flags;
  long ret;

  if (notify_fd)
    *notify_fd = -1;
  if (sc->notify && !notify_fd)
    return ocirt_error_set (err, EINVAL, "seccomp: SCMP_ACT_NOTIFY profile installed without a listener");
  if (sc->notify)
    {
      flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
      /* TSYNC and NEW_LISTENER both use the return value; TSYNC_ESRCH makes that unambiguous. */
      if (flags & SECCOMP_FILTER_FLAG_TSYNC)
        flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    }
  else
    flags &= ~SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV; /* only meaningful with a listener */

  ret = syscall (__NR_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
  if (ret < 0)
    return ocirt_error_errno (err, "seccomp: load filter");
  if (sc->notify)
    *notify_fd = (int) ret;
  else if (ret > 0)
    return ocirt_error_set (err, ESRCH, "seccomp: thread %ld could not be synchronized", ret);
  return 0;
}
