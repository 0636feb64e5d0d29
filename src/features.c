/* ocirt features: the runtime-spec features.json, built from the tables the code itself uses
 * (mount options, namespaces, capabilities, seccomp names), so it can't drift. */
#include <config.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>

#include "caps.h"
#include "criu.h"
#include "cgroup.h"
#include "lsm.h"
#include "mounts.h"
#include "namespaces.h"
#include "ocirt.h"
#include "seccomp.h"
#include "utils.h"

static void
strv (ocispec_jw *w, const char *key, const char *const *v)
{
  ocispec_jw_key (w, key);
  ocispec_jw_begin_array (w);
  for (; v && *v; v++)
    ocispec_jw_string (w, *v);
  ocispec_jw_end_array (w);
}

static void
enabled (ocispec_jw *w, const char *key, bool on)
{
  ocispec_jw_key (w, key);
  ocispec_jw_begin_map (w);
  ocispec_jw_key (w, "enabled");
  ocispec_jw_bool (w, on);
  ocispec_jw_end_map (w);
}

int
ocirt_command_features (int argc, char **argv)
{
  static struct argp argp = { NULL, NULL, NULL, "ocirt features: show the enabled features", NULL, NULL, NULL };
  static const char *const hooks[] = { "prestart", "createRuntime", "createContainer", "startContainer",
                                       "poststart", "poststop", NULL };
  const struct scmp_version *v = seccomp_version ();
  ocispec_jw *w = ocispec_jw_new (true);
  char *text, ver[64];
  const char *why;

  cli_parse (&argp, argc, argv, NULL);
  ocispec_jw_begin_map (w);
  ocispec_jw_key (w, "ociVersionMin");
  ocispec_jw_string (w, "1.0.0");
  ocispec_jw_key (w, "ociVersionMax");
  ocispec_jw_string (w, OCISPEC_VERSION);
  strv (w, "hooks", hooks);
  strv (w, "mountOptions", ocirt_mount_option_names ());
  ocispec_jw_key (w, "linux");
  ocispec_jw_begin_map (w);
  strv (w, "namespaces", ocirt_ns_types ());
  strv (w, "capabilities", ocirt_cap_names ());
  ocispec_jw_key (w, "cgroup");
  ocispec_jw_begin_map (w);
  ocispec_jw_key (w, "v1");
  ocispec_jw_bool (w, true);
  ocispec_jw_key (w, "v2");
  ocispec_jw_bool (w, true);
  ocispec_jw_key (w, "systemd");
  ocispec_jw_bool (w, false);
  ocispec_jw_key (w, "systemdUser");
  ocispec_jw_bool (w, false);
  ocispec_jw_key (w, "rdma");
  ocispec_jw_bool (w, true);
  ocispec_jw_end_map (w);
  ocispec_jw_key (w, "seccomp");
  ocispec_jw_begin_map (w);
  ocispec_jw_key (w, "enabled");
  ocispec_jw_bool (w, true);
  strv (w, "actions", ocirt_seccomp_actions ());
  strv (w, "operators", ocirt_seccomp_operators ());
  strv (w, "archs", ocirt_seccomp_archs ());
  strv (w, "knownFlags", ocirt_seccomp_flags ());
  strv (w, "supportedFlags", ocirt_seccomp_flags ());
  ocispec_jw_end_map (w);
  enabled (w, "apparmor", ocirt_apparmor_enabled ());
  enabled (w, "selinux", ocirt_selinux_enabled ());
  enabled (w, "intelRdt", false);
  ocispec_jw_key (w, "mountExtensions");
  ocispec_jw_begin_map (w);
  enabled (w, "idmap", false);
  ocispec_jw_end_map (w);
  ocispec_jw_end_map (w);
  ocispec_jw_key (w, "annotations");
  ocispec_jw_begin_map (w);
  snprintf (ver, sizeof ver, "%u.%u.%u", v->major, v->minor, v->micro);
  ocispec_jw_key (w, "io.github.seccomp.libseccomp.version");
  ocispec_jw_string (w, ver);
  ocispec_jw_key (w, "org.opencontainers.runc.checkpoint.enabled");
  ocispec_jw_string (w, ocirt_criu_available (&why) ? "true" : "false");
  ocispec_jw_end_map (w);
  ocispec_jw_end_map (w);
  text = ocispec_jw_finish (w, NULL);
  if (text == NULL)
    return cli_failf (NULL, "generate features: out of memory");
  printf ("%s\n", text);
  free (text);
  return 0;
}
