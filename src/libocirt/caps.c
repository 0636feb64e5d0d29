/* ocirt: process.capabilities (see caps.h). */
#include <config.h>
#include <errno.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "caps.h"
#include "log.h"
#include "utils.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

/* Indexed by capability number (linux/capability.h).  Our own table rather than libcap's so
 * `features` lists the same names on every host and messages never depend on libcap's age. */
static const char *const cap_names[] = {
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
  "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
  "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
  "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
  "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
  "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
  "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE", NULL,
};

const char *const *
ocirt_cap_names (void)
{
  return cap_names;
}

/* Highest capability the running kernel knows (libcap reads /proc/sys/kernel/cap_last_cap
 * or probes the bounding set). */
static int
last_cap (void)
{
  int n = (int) cap_max_bits ();
  return n > 0 ? n - 1 : (int) ARRAY_SIZE (cap_names) - 2;
}

/* Number for a name, ignoring kernel support; -1 when unknown. */
static int
cap_number (const char *name)
{
  cap_value_t v;
  size_t i;

  if (name == NULL)
    return -1;
  for (i = 0; cap_names[i]; i++)
    if (strcmp (cap_names[i], name) == 0)
      return (int) i;
  /* Capabilities newer than our table, if libcap knows them.  The prefix check also keeps
   * libcap from accepting bare numbers. */
  if (has_prefix (name, "CAP_") && cap_from_name (name, &v) == 0 && v >= 0 && v < 64)
    return v;
  return -1;
}

int
ocirt_cap_from_name (const char *name)
{
  int v = cap_number (name);
  return v >= 0 && v <= last_cap () ? v : -1;
}

static const char *
cap_name (int v)
{
  return v >= 0 && (size_t) v < ARRAY_SIZE (cap_names) - 1 ? cap_names[v] : "capability";
}

/* runtime-spec 1.1: capabilities unknown to the runtime or the kernel are logged and
 * skipped, so one profile works across kernels. */
static uint64_t
list_mask (char *const *list, size_t len, const char *set)
{
  uint64_t mask = 0;
  size_t i;

  for (i = 0; list && i < len; i++)
    {
      int v = cap_number (list[i]);
      if (v < 0)
        ocirt_warn ("capabilities: unknown capability \"%s\" in %s, skipped", list[i], set);
      else if (v > last_cap ())
        ocirt_warn ("capabilities: %s in %s not supported by the kernel, skipped", list[i], set);
      else
        mask |= UINT64_C (1) << v;
    }
  return mask;
}

int
ocirt_caps_apply_bounding (const oci_capabilities *caps, ocirt_error_t *err)
{
  /* An absent bounding list is an empty one, as in runc: everything is dropped. */
  uint64_t keep = list_mask (caps->bounding, caps->bounding_len, "bounding");
  int c, last = last_cap ();

  for (c = 0; c <= last; c++)
    {
      if (keep & (UINT64_C (1) << c))
        continue;
      /* Drop first and ask only on failure (one syscall per capability, not two): a
       * capability already dropped or unknown to the kernel is not an error. */
      if (prctl (PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && prctl (PR_CAPBSET_READ, c, 0, 0, 0) == 1)
        return ocirt_error_errno (err, "capabilities: drop %s (%d) from the bounding set", cap_name (c), c);
    }
  return 0;
}

static void
cleanup_cap (cap_t *c)
{
  if (*c)
    cap_free (*c);
}

static int
set_flag (cap_t c, cap_flag_t flag, uint64_t mask, ocirt_error_t *err)
{
  cap_value_t v;
  for (v = 0; v < 64; v++)
    if ((mask & (UINT64_C (1) << v)) && cap_set_flag (c, flag, 1, &v, CAP_SET) < 0)
      return ocirt_error_errno (err, "capabilities: set %s", cap_name (v));
  return 0;
}

int
ocirt_caps_apply (const oci_capabilities *caps, ocirt_error_t *err)
{
  __attribute__ ((cleanup (cleanup_cap))) cap_t c = cap_init ();
  uint64_t eff = list_mask (caps->effective, caps->effective_len, "effective");
  uint64_t prm = list_mask (caps->permitted, caps->permitted_len, "permitted");
  uint64_t inh = list_mask (caps->inheritable, caps->inheritable_len, "inheritable");
  uint64_t amb = list_mask (caps->ambient, caps->ambient_len, "ambient");
  int v, ret;

  if (c == NULL)
    return ocirt_error_errno (err, "capabilities: cap_init");
  if ((ret = set_flag (c, CAP_EFFECTIVE, eff, err)) < 0 || (ret = set_flag (c, CAP_PERMITTED, prm, err)) < 0
      || (ret = set_flag (c, CAP_INHERITABLE, inh, err)) < 0)
    return ret;

  /* Whatever ambient set we inherited must not survive into the container. */
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && (errno != EINVAL || amb))
    return ocirt_error_errno (err, "capabilities: clear the ambient set");
  if (cap_set_proc (c) < 0)
    return ocirt_error_errno (err, "capabilities: set effective/permitted/inheritable");

  /* Ambient raise needs the capability in both permitted and inheritable, so it comes last. */
  for (v = 0; v < 64; v++)
    if ((amb & (UINT64_C (1) << v)) && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) < 0)
      {
        /* As runc: an ambient capability missing from permitted or inheritable is not fatal. */
        if (errno == EPERM)
          ocirt_debug ("capabilities: cannot raise ambient %s (not in permitted and inheritable)", cap_name (v));
        else
          return ocirt_error_errno (err, "capabilities: raise ambient %s", cap_name (v));
      }
  return 0;
}
