/* ocirt: SELinux and AppArmor (see lsm.h).  libselinux tells whether SELinux is on; the
 * labels themselves are written by us through ocirt_procfs_write() so a container that planted
 * something over /proc/thread-self/attr cannot redirect the write (CVE-2019-16884).
 * libselinux (and the libpcre2 it pulls in, and its constructor's probing) is loaded with
 * dlopen only when a label is asked for or `features` reports on it: a container without
 * labels does not pay for it at every start. */
#include <config.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <selinux/selinux.h>
#include <string.h>

#include "log.h"
#include "lsm.h"
#include "procfs.h"
#include "utils.h"

#define APPARMOR_ENABLED "/sys/module/apparmor/parameters/enabled"
#define APPARMOR_PROFILES "/sys/kernel/security/apparmor/profiles"

bool
ocirt_selinux_enabled (void)
{
  static int enabled = -1;
  void *h;
  __typeof__ (is_selinux_enabled) *fn;

  if (enabled >= 0)
    return enabled;
  enabled = 0;
  h = dlopen ("libselinux.so.1", RTLD_NOW | RTLD_LOCAL);
  if (h == NULL)
    {
      ocirt_debug ("selinux: cannot load libselinux.so.1 (%s): taken as disabled", dlerror ());
      return false;
    }
  fn = (__typeof__ (is_selinux_enabled) *) dlsym (h, "is_selinux_enabled");
  if (fn == NULL)
    ocirt_debug ("selinux: libselinux.so.1 has no is_selinux_enabled: taken as disabled");
  else
    enabled = fn () > 0;
  return enabled;
}

static int
selinux_write_attr (const char *attr, const char *what, const char *label, ocirt_error_t *err)
{
  cleanup_free char *rel = NULL;

  if (label == NULL || label[0] == '\0')
    return 0;
  if (!ocirt_selinux_enabled ())
    {
      ocirt_debug ("selinux disabled, ignoring label %s", label);
      return 0;
    }
  rel = xasprintf ("thread-self/attr/%s", attr);
  if (ocirt_procfs_write (rel, label, err) < 0)
    return ocirt_error_wrap (err, "selinux: set %s label %s", what, label);
  return 0;
}

int
ocirt_selinux_set_exec_label (const char *label, ocirt_error_t *err)
{
  return selinux_write_attr ("exec", "exec", label, err);
}

int
ocirt_selinux_set_keycreate_label (const char *label, ocirt_error_t *err)
{
  return selinux_write_attr ("keycreate", "keyring", label, err);
}

char *
ocirt_selinux_mount_data_format (const char *data, const char *mount_label)
{
  bool has_data = data && data[0];

  if (mount_label == NULL || mount_label[0] == '\0'
      || (has_data && (has_prefix (data, "context=") || strstr (data, ",context="))))
    return has_data ? xstrdup (data) : NULL;
  if (has_data)
    return xasprintf ("%s,context=\"%s\"", data, mount_label);
  return xasprintf ("context=\"%s\"", mount_label);
}

char *
ocirt_selinux_mount_data (const char *data, const char *mount_label)
{
  if (mount_label && mount_label[0] && !ocirt_selinux_enabled ())
    {
      ocirt_debug ("selinux disabled, ignoring mount label %s", mount_label);
      mount_label = NULL;
    }
  return ocirt_selinux_mount_data_format (data, mount_label);
}

bool
ocirt_apparmor_enabled (void)
{
  cleanup_free char *buf = NULL;
  if (read_file_at (AT_FDCWD, APPARMOR_ENABLED, &buf, NULL, NULL) < 0)
    return false;
  return buf[0] == 'Y';
}

/* Each line of the profiles file is "<name> (<mode>)". */
static int
apparmor_profile_loaded (const char *profile)
{
  cleanup_free char *buf = NULL;
  size_t plen = strlen (profile);
  char *line, *save = NULL;

  if (strcmp (profile, "unconfined") == 0)
    return 1;
  if (read_file_at (AT_FDCWD, APPARMOR_PROFILES, &buf, NULL, NULL) < 0)
    return -1;
  for (line = strtok_r (buf, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    if (strncmp (line, profile, plen) == 0 && strncmp (line + plen, " (", 2) == 0)
      return 1;
  return 0;
}

int
ocirt_apparmor_set_exec_profile (const char *profile, ocirt_error_t *err)
{
  cleanup_free char *data = NULL;
  int loaded, ret;

  if (profile == NULL || profile[0] == '\0')
    return 0;
  if (!ocirt_apparmor_enabled ())
    {
      ocirt_debug ("apparmor disabled, ignoring profile %s", profile);
      return 0;
    }
  loaded = apparmor_profile_loaded (profile);
  if (loaded == 0)
    return ocirt_error_set (err, ENOENT, "apparmor profile %s is not loaded", profile);
  if (loaded < 0)
    ocirt_debug ("apparmor: cannot read %s, not checking that %s is loaded", APPARMOR_PROFILES, profile);

  data = xasprintf ("exec %s", profile);
  /* Kernels with LSM stacking (5.1+) have a per-LSM directory; older ones only attr/exec. */
  ret = ocirt_procfs_write ("thread-self/attr/apparmor/exec", data, err);
  if (ret < 0 && (*err)->status == ENOENT)
    {
      ocirt_error_release (err);
      ret = ocirt_procfs_write ("thread-self/attr/exec", data, err);
    }
  if (ret < 0)
    return ocirt_error_wrap (err, "apparmor: set exec profile %s", profile);
  return 0;
}
