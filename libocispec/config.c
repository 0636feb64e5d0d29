/* libocispec: the field tables of config.json, process.json, state.json and ocirt's status
 * document, the few checks a table cannot express, and the public entry points.  The order of
 * the entries is the order generate() writes (the runtime-spec's order). */
#define _GNU_SOURCE
#include <ctype.h>
#include <string.h>

#include "ocispec_internal.h"

#define DESC_KEYED(T, table, keyf) \
  { sizeof (T), table, sizeof (table) / sizeof ((table)[0]), offsetof (T, keyf), NULL }
#define DESC_CHECK(T, table, fn) \
  { sizeof (T), table, sizeof (table) / sizeof ((table)[0]), NO_AUX, fn }

const char *
oci_map_get (const oci_map *m, const char *key)
{
  size_t i;
  for (i = 0; m && i < m->len; i++)
    if (strcmp (m->items[i].key, key) == 0)
      return m->items[i].value;
  return NULL;
}

/* ---- process ------------------------------------------------------------------------------ */

static const field console_size_fields[] = {
  NUM ("height", K_U32, oci_console_size, height, F_REQ),
  NUM ("width", K_U32, oci_console_size, width, F_REQ),
};
static const desc console_size_desc = DESC (oci_console_size, console_size_fields);

static const field user_fields[] = {
  NUM ("uid", K_U32, oci_user, uid, F_REQ),
  NUM ("gid", K_U32, oci_user, gid, F_REQ),
  NUMH ("umask", K_U32, oci_user, umask),
  FLD ("additionalGids", K_U32V, 0, oci_user, additional_gids,
       offsetof (oci_user, additional_gids_len), NULL),
  STR ("username", oci_user, username, 0),
};
static const desc user_desc = DESC (oci_user, user_fields);

static const field capabilities_fields[] = {
  STRV ("bounding", oci_capabilities, bounding, 0),
  STRV ("effective", oci_capabilities, effective, 0),
  STRV ("inheritable", oci_capabilities, inheritable, 0),
  STRV ("permitted", oci_capabilities, permitted, 0),
  STRV ("ambient", oci_capabilities, ambient, 0),
};
static const desc capabilities_desc = DESC (oci_capabilities, capabilities_fields);

static const field rlimit_fields[] = {
  STR ("type", oci_rlimit, type, F_REQ),
  NUM ("hard", K_U64, oci_rlimit, hard, F_REQ),
  NUM ("soft", K_U64, oci_rlimit, soft, F_REQ),
};
static const desc rlimit_desc = DESC (oci_rlimit, rlimit_fields);

static const field io_priority_fields[] = {
  STR ("class", oci_io_priority, class_, F_REQ),
  NUM ("priority", K_I32, oci_io_priority, priority, 0),
};
static const desc io_priority_desc = DESC (oci_io_priority, io_priority_fields);

static const field scheduler_fields[] = {
  STR ("policy", oci_scheduler, policy, F_REQ),
  NUMH ("nice", K_I32, oci_scheduler, nice),
  NUMH ("priority", K_I32, oci_scheduler, priority),
  STRV ("flags", oci_scheduler, flags, 0),
  NUMH ("runtime", K_U64, oci_scheduler, runtime),
  NUMH ("deadline", K_U64, oci_scheduler, deadline),
  NUMH ("period", K_U64, oci_scheduler, period),
};
static const desc scheduler_desc = DESC (oci_scheduler, scheduler_fields);

static const field exec_cpu_affinity_fields[] = {
  STR ("initial", oci_exec_cpu_affinity, initial, 0),
  STR ("final", oci_exec_cpu_affinity, final, 0),
};
static const desc exec_cpu_affinity_desc = DESC (oci_exec_cpu_affinity, exec_cpu_affinity_fields);

/* The schema allows an empty args (commandLine on Windows); on Linux nothing can run. */
static int
check_process (pctx *c, const oj_node *obj, void *out)
{
  oci_process *p = out;
  if (p->args_len == 0)
    return ocispec_error (c, "args", "must not be empty");
  return 0;
}

static const field process_fields[] = {
  BOOL ("terminal", oci_process, terminal),
  FLD ("consoleSize", K_EMBED, 0, oci_process, console_size,
       offsetof (oci_process, has_console_size), &console_size_desc),
  FLD ("user", K_EMBED, 0, oci_process, user, NO_AUX, &user_desc),
  STRV ("args", oci_process, args, F_REQ),
  STR ("commandLine", oci_process, command_line, 0),
  STRV ("env", oci_process, env, 0),
  STR ("cwd", oci_process, cwd, F_REQ),
  OBJ ("capabilities", oci_process, capabilities, &capabilities_desc),
  ARR ("rlimits", oci_process, rlimits, &rlimit_desc, 0),
  BOOL ("noNewPrivileges", oci_process, no_new_privileges),
  STR ("apparmorProfile", oci_process, apparmor_profile, 0),
  NUMH ("oomScoreAdj", K_I32, oci_process, oom_score_adj),
  STR ("selinuxLabel", oci_process, selinux_label, 0),
  OBJ ("ioPriority", oci_process, io_priority, &io_priority_desc),
  OBJ ("scheduler", oci_process, scheduler, &scheduler_desc),
  OBJ ("execCPUAffinity", oci_process, exec_cpu_affinity, &exec_cpu_affinity_desc),
};
const desc ocispec_process_desc = DESC_CHECK (oci_process, process_fields, check_process);

/* ---- root, mounts, hooks ------------------------------------------------------------------ */

static const field root_fields[] = {
  STR ("path", oci_root, path, F_REQ),
  BOOL ("readonly", oci_root, readonly),
};
static const desc root_desc = DESC (oci_root, root_fields);

static const field id_mapping_fields[] = {
  NUM ("containerID", K_U32, oci_id_mapping, container_id, F_REQ),
  NUM ("hostID", K_U32, oci_id_mapping, host_id, F_REQ),
  NUM ("size", K_U32, oci_id_mapping, size, F_REQ),
};
static const desc id_mapping_desc = DESC (oci_id_mapping, id_mapping_fields);

static const field mount_fields[] = {
  STR ("destination", oci_mount, destination, F_REQ),
  STR ("type", oci_mount, type, 0),
  STR ("source", oci_mount, source, 0),
  STRV ("options", oci_mount, options, 0),
  ARR ("uidMappings", oci_mount, uid_mappings, &id_mapping_desc, 0),
  ARR ("gidMappings", oci_mount, gid_mappings, &id_mapping_desc, 0),
};
static const desc mount_desc = DESC (oci_mount, mount_fields);

static const field hook_fields[] = {
  STR ("path", oci_hook, path, F_REQ),
  STRV ("args", oci_hook, args, 0),
  STRV ("env", oci_hook, env, 0),
  FLD ("timeout", K_I64, F_POS, oci_hook, timeout, offsetof (oci_hook, has_timeout), NULL),
};
static const desc hook_desc = DESC (oci_hook, hook_fields);

#define HOOKS(k, f) \
  FLD (k, K_ARR, 0, oci_hooks, f.items, offsetof (oci_hooks, f.len), &hook_desc)
static const field hooks_fields[] = {
  HOOKS ("prestart", prestart),
  HOOKS ("createRuntime", create_runtime),
  HOOKS ("createContainer", create_container),
  HOOKS ("startContainer", start_container),
  HOOKS ("poststart", poststart),
  HOOKS ("poststop", poststop),
};
static const desc hooks_desc = DESC (oci_hooks, hooks_fields);

/* ---- linux.resources ---------------------------------------------------------------------- */

static const field device_cgroup_fields[] = {
  FLD ("allow", K_BOOL, F_REQ, oci_device_cgroup, allow, NO_AUX, NULL),
  STR ("type", oci_device_cgroup, type, 0),
  NUMH ("major", K_I64, oci_device_cgroup, major),
  NUMH ("minor", K_I64, oci_device_cgroup, minor),
  STR ("access", oci_device_cgroup, access, 0),
};
static const desc device_cgroup_desc = DESC (oci_device_cgroup, device_cgroup_fields);

static const field memory_fields[] = {
  NUMH ("limit", K_I64, oci_memory, limit),
  NUMH ("reservation", K_I64, oci_memory, reservation),
  NUMH ("swap", K_I64, oci_memory, swap),
  NUMH ("kernel", K_I64, oci_memory, kernel),
  NUMH ("kernelTCP", K_I64, oci_memory, kernel_tcp),
  NUMH ("swappiness", K_U64, oci_memory, swappiness),
  BOOLH ("disableOOMKiller", oci_memory, disable_oom_killer),
  BOOLH ("useHierarchy", oci_memory, use_hierarchy),
  BOOLH ("checkBeforeUpdate", oci_memory, check_before_update),
};
static const desc memory_desc = DESC (oci_memory, memory_fields);

static const field cpu_fields[] = {
  NUMH ("shares", K_U64, oci_cpu, shares),
  NUMH ("quota", K_I64, oci_cpu, quota),
  NUMH ("burst", K_U64, oci_cpu, burst),
  NUMH ("period", K_U64, oci_cpu, period),
  NUMH ("realtimeRuntime", K_I64, oci_cpu, realtime_runtime),
  NUMH ("realtimePeriod", K_U64, oci_cpu, realtime_period),
  STR ("cpus", oci_cpu, cpus, 0),
  STR ("mems", oci_cpu, mems, 0),
  NUMH ("idle", K_I64, oci_cpu, idle),
};
static const desc cpu_desc = DESC (oci_cpu, cpu_fields);

static const field weight_device_fields[] = {
  NUM ("major", K_I64, oci_weight_device, major, F_REQ),
  NUM ("minor", K_I64, oci_weight_device, minor, F_REQ),
  NUMH ("weight", K_U16, oci_weight_device, weight),
  NUMH ("leafWeight", K_U16, oci_weight_device, leaf_weight),
};
static const desc weight_device_desc = DESC (oci_weight_device, weight_device_fields);

static const field throttle_device_fields[] = {
  NUM ("major", K_I64, oci_throttle_device, major, F_REQ),
  NUM ("minor", K_I64, oci_throttle_device, minor, F_REQ),
  NUM ("rate", K_U64, oci_throttle_device, rate, 0),
};
static const desc throttle_device_desc = DESC (oci_throttle_device, throttle_device_fields);

static const field block_io_fields[] = {
  NUMH ("weight", K_U16, oci_block_io, weight),
  NUMH ("leafWeight", K_U16, oci_block_io, leaf_weight),
  ARR ("weightDevice", oci_block_io, weight_device, &weight_device_desc, 0),
  ARR ("throttleReadBpsDevice", oci_block_io, throttle_read_bps_device, &throttle_device_desc, 0),
  ARR ("throttleWriteBpsDevice", oci_block_io, throttle_write_bps_device, &throttle_device_desc, 0),
  ARR ("throttleReadIOPSDevice", oci_block_io, throttle_read_iops_device, &throttle_device_desc, 0),
  ARR ("throttleWriteIOPSDevice", oci_block_io, throttle_write_iops_device, &throttle_device_desc,
       0),
};
static const desc block_io_desc = DESC (oci_block_io, block_io_fields);

static const field hugepage_limit_fields[] = {
  STR ("pageSize", oci_hugepage_limit, page_size, F_REQ),
  NUM ("limit", K_U64, oci_hugepage_limit, limit, F_REQ),
};
static const desc hugepage_limit_desc = DESC (oci_hugepage_limit, hugepage_limit_fields);

static const field net_priority_fields[] = {
  STR ("name", oci_net_priority, name, F_REQ),
  NUM ("priority", K_U32, oci_net_priority, priority, F_REQ),
};
static const desc net_priority_desc = DESC (oci_net_priority, net_priority_fields);

static const field network_fields[] = {
  NUMH ("classID", K_U32, oci_network, class_id),
  ARR ("priorities", oci_network, priorities, &net_priority_desc, 0),
};
static const desc network_desc = DESC (oci_network, network_fields);

static const field rdma_fields[] = {
  NUMH ("hcaHandles", K_U32, oci_rdma, hca_handles),
  NUMH ("hcaObjects", K_U32, oci_rdma, hca_objects),
};
static const desc rdma_desc = DESC_KEYED (oci_rdma, rdma_fields, device);

/* "pids": {"limit": N} is flattened into oci_resources. */
static const field pids_fields[] = {
  FLD ("limit", K_I64, F_REQ, oci_resources, pids_limit, offsetof (oci_resources, has_pids_limit),
       NULL),
};
static const desc pids_desc = DESC (oci_resources, pids_fields);

static const field resources_fields[] = {
  ARR ("devices", oci_resources, devices, &device_cgroup_desc, 0),
  OBJ ("memory", oci_resources, memory, &memory_desc),
  OBJ ("cpu", oci_resources, cpu, &cpu_desc),
  FLD ("pids", K_INLINE, 0, oci_resources, pids_limit, offsetof (oci_resources, has_pids_limit),
       &pids_desc),
  OBJ ("blockIO", oci_resources, block_io, &block_io_desc),
  ARR ("hugepageLimits", oci_resources, hugepage_limits, &hugepage_limit_desc, 0),
  OBJ ("network", oci_resources, network, &network_desc),
  KEYED ("rdma", oci_resources, rdma, &rdma_desc),
  MAP ("unified", oci_resources, unified),
};
const desc ocispec_resources_desc = DESC (oci_resources, resources_fields);

/* ---- linux -------------------------------------------------------------------------------- */

static const field namespace_fields[] = {
  STR ("type", oci_namespace, type, F_REQ),
  STR ("path", oci_namespace, path, 0),
};
static const desc namespace_desc = DESC (oci_namespace, namespace_fields);

static const field time_offset_fields[] = {
  NUM ("secs", K_I64, oci_time_offset, secs, 0),
  NUM ("nanosecs", K_U32, oci_time_offset, nanosecs, 0),
};
static const desc time_offset_desc = DESC_KEYED (oci_time_offset, time_offset_fields, name);

/* major/minor are meaningless for fifos but required for the other device types. */
static int
check_device (pctx *c, const oj_node *obj, void *out)
{
  oci_device *d = out;
  const oj_node *n;
  if (strcmp (d->type, "c") != 0 && strcmp (d->type, "b") != 0 && strcmp (d->type, "u") != 0)
    return 0;
  n = ocispec_json_member (obj, "major");
  if (n == NULL || n->type == OJ_NULL)
    return ocispec_error (c, "major", "required");
  n = ocispec_json_member (obj, "minor");
  if (n == NULL || n->type == OJ_NULL)
    return ocispec_error (c, "minor", "required");
  return 0;
}

static const field device_fields[] = {
  STR ("path", oci_device, path, F_REQ),
  STR ("type", oci_device, type, F_REQ),
  NUM ("major", K_I64, oci_device, major, 0),
  NUM ("minor", K_I64, oci_device, minor, 0),
  NUMH ("fileMode", K_U32, oci_device, file_mode),
  NUMH ("uid", K_U32, oci_device, uid),
  NUMH ("gid", K_U32, oci_device, gid),
};
static const desc device_desc = DESC_CHECK (oci_device, device_fields, check_device);

static const field net_device_fields[] = {
  STR ("name", oci_net_device, name, 0),
};
static const desc net_device_desc = DESC_KEYED (oci_net_device, net_device_fields, key);

static const field intel_rdt_fields[] = {
  STR ("closID", oci_intel_rdt, clos_id, 0),
  STR ("l3CacheSchema", oci_intel_rdt, l3_cache_schema, 0),
  STR ("memBwSchema", oci_intel_rdt, mem_bw_schema, 0),
  STRV ("schemata", oci_intel_rdt, schemata, 0),
  BOOLH ("enableCMT", oci_intel_rdt, enable_cmt),
  BOOLH ("enableMBM", oci_intel_rdt, enable_mbm),
};
static const desc intel_rdt_desc = DESC (oci_intel_rdt, intel_rdt_fields);

static const field seccomp_arg_fields[] = {
  NUM ("index", K_U32, oci_seccomp_arg, index, F_REQ),
  NUM ("value", K_U64, oci_seccomp_arg, value, F_REQ),
  NUMH ("valueTwo", K_U64, oci_seccomp_arg, value_two),
  STR ("op", oci_seccomp_arg, op, F_REQ),
};
static const desc seccomp_arg_desc = DESC (oci_seccomp_arg, seccomp_arg_fields);

static const field seccomp_syscall_fields[] = {
  STRV ("names", oci_seccomp_syscall, names, F_REQ),
  STR ("action", oci_seccomp_syscall, action, F_REQ),
  NUMH ("errnoRet", K_U32, oci_seccomp_syscall, errno_ret),
  ARR ("args", oci_seccomp_syscall, args, &seccomp_arg_desc, 0),
};
static const desc seccomp_syscall_desc = DESC (oci_seccomp_syscall, seccomp_syscall_fields);

static const field seccomp_fields[] = {
  STR ("defaultAction", oci_seccomp, default_action, F_REQ),
  NUMH ("defaultErrnoRet", K_U32, oci_seccomp, default_errno_ret),
  STRV ("architectures", oci_seccomp, architectures, 0),
  STRV ("flags", oci_seccomp, flags, 0),
  STR ("listenerPath", oci_seccomp, listener_path, 0),
  STR ("listenerMetadata", oci_seccomp, listener_metadata, 0),
  ARR ("syscalls", oci_seccomp, syscalls, &seccomp_syscall_desc, 0),
};
static const desc seccomp_desc = DESC (oci_seccomp, seccomp_fields);

static const field personality_fields[] = {
  STR ("domain", oci_personality, domain, F_REQ),
  STRV ("flags", oci_personality, flags, 0),
};
static const desc personality_desc = DESC (oci_personality, personality_fields);

static const field memory_policy_fields[] = {
  STR ("mode", oci_memory_policy, mode, F_REQ),
  STR ("nodes", oci_memory_policy, nodes, 0),
  STRV ("flags", oci_memory_policy, flags, 0),
};
static const desc memory_policy_desc = DESC (oci_memory_policy, memory_policy_fields);

static const field linux_fields[] = {
  ARR ("namespaces", oci_linux, namespaces, &namespace_desc, 0),
  ARR ("uidMappings", oci_linux, uid_mappings, &id_mapping_desc, 0),
  ARR ("gidMappings", oci_linux, gid_mappings, &id_mapping_desc, 0),
  KEYED ("timeOffsets", oci_linux, time_offsets, &time_offset_desc),
  ARR ("devices", oci_linux, devices, &device_desc, 0),
  KEYED ("netDevices", oci_linux, net_devices, &net_device_desc),
  STR ("cgroupsPath", oci_linux, cgroups_path, 0),
  OBJ ("resources", oci_linux, resources, &ocispec_resources_desc),
  OBJ ("intelRdt", oci_linux, intel_rdt, &intel_rdt_desc),
  MAP ("sysctl", oci_linux, sysctl),
  OBJ ("seccomp", oci_linux, seccomp, &seccomp_desc),
  STR ("rootfsPropagation", oci_linux, rootfs_propagation, 0),
  STRV ("maskedPaths", oci_linux, masked_paths, 0),
  STRV ("readonlyPaths", oci_linux, readonly_paths, 0),
  STR ("mountLabel", oci_linux, mount_label, 0),
  OBJ ("personality", oci_linux, personality, &personality_desc),
  OBJ ("memoryPolicy", oci_linux, memory_policy, &memory_policy_desc),
};
static const desc linux_desc = DESC (oci_linux, linux_fields);

/* ---- config ------------------------------------------------------------------------------- */

/* Span of decimal digits at s, 0 when none. */
static size_t
digits (const char *s)
{
  size_t n = 0;
  while (isdigit ((unsigned char) s[n]))
    n++;
  return n;
}

/* ociVersion is a SemVer 2.0 version (MAJOR.MINOR.PATCH[-pre][+build]) with major 1. */
static int
check_config (pctx *c, const oj_node *obj, void *out)
{
  const char *v = ((oci_config *) out)->oci_version;
  size_t major = digits (v), minor = 0, patch = 0;
  const char *rest = "";

  if (major && v[major] == '.')
    minor = digits (v + major + 1);
  if (minor && v[major + 1 + minor] == '.')
    patch = digits (v + major + minor + 2);
  if (patch)
    rest = v + major + minor + patch + 2;
  if (patch == 0 || (*rest && ((*rest != '-' && *rest != '+') || !rest[1])))
    return ocispec_error (c, "ociVersion", "invalid version \"%.64s\" (expected MAJOR.MINOR.PATCH)",
                          v);
  if (major != 1 || v[0] != '1')
    return ocispec_error (c, "ociVersion", "unsupported major version %.*s (supported: 1.x)",
                          (int) (major > 20 ? 20 : major), v);
  return 0;
}

static const field config_fields[] = {
  STR ("ociVersion", oci_config, oci_version, F_REQ),
  OBJ ("root", oci_config, root, &root_desc),
  OBJ ("process", oci_config, process, &ocispec_process_desc),
  STR ("hostname", oci_config, hostname, 0),
  STR ("domainname", oci_config, domainname, 0),
  ARR ("mounts", oci_config, mounts, &mount_desc, 0),
  OBJ ("hooks", oci_config, hooks, &hooks_desc),
  MAP ("annotations", oci_config, annotations),
  OBJ ("linux", oci_config, linux_, &linux_desc),
};
const desc ocispec_config_desc = DESC_CHECK (oci_config, config_fields, check_config);

/* ---- state.json and ocirt's status -------------------------------------------------------- */

static const field state_fields[] = {
  STR ("ociVersion", oci_state, oci_version, F_REQ),
  STR ("id", oci_state, id, F_REQ),
  STR ("status", oci_state, status, F_REQ),
  NUMH ("pid", K_I64, oci_state, pid),
  STR ("bundle", oci_state, bundle, F_REQ),
  MAP ("annotations", oci_state, annotations),
};
const desc ocispec_state_desc = DESC (oci_state, state_fields);

static const field status_fields[] = {
  STR ("id", ocirt_status, id, F_REQ),
  NUM ("pid", K_I64, ocirt_status, pid, 0),
  NUM ("pidStartTime", K_U64, ocirt_status, pid_start_time, 0),
  STR ("bundle", ocirt_status, bundle, 0),
  STR ("rootfs", ocirt_status, rootfs, 0),
  STR ("configPath", ocirt_status, config_path, 0),
  STR ("created", ocirt_status, created, 0),
  STR ("status", ocirt_status, status, 0),
  STR ("cgroupPath", ocirt_status, cgroup_path, 0),
  STR ("cgroupDriver", ocirt_status, cgroup_driver, 0),
  BOOL ("cgroupOwned", ocirt_status, cgroup_owned),
  BOOL ("systemdCgroup", ocirt_status, systemd_cgroup),
  BOOL ("detached", ocirt_status, detached),
  BOOL ("useTerminal", ocirt_status, use_terminal),
  BOOL ("noNewKeyring", ocirt_status, no_new_keyring),
  STR ("owner", ocirt_status, owner, 0),
  STRV ("externalDescriptors", ocirt_status, external_descriptors, 0),
  MAP ("annotations", ocirt_status, annotations),
};
const desc ocirt_status_desc = DESC (ocirt_status, status_fields);

/* ---- public entry points ------------------------------------------------------------------ */

oci_config *
oci_config_parse_data (const char *name, const char *data, size_t len, char **err)
{
  return ocispec_parse_document (name, data, len, &ocispec_config_desc, err);
}

oci_config *
oci_config_parse_file (const char *path, char **err)
{
  return ocispec_parse_file (path, &ocispec_config_desc, err);
}

void
oci_config_free (oci_config *c)
{
  ocispec_free_document (&ocispec_config_desc, c);
}

oci_process *
oci_process_parse_data (const char *name, const char *data, size_t len, char **err)
{
  return ocispec_parse_document (name, data, len, &ocispec_process_desc, err);
}

oci_process *
oci_process_parse_file (const char *path, char **err)
{
  return ocispec_parse_file (path, &ocispec_process_desc, err);
}

void
oci_process_free (oci_process *p)
{
  ocispec_free_document (&ocispec_process_desc, p);
}

oci_resources *
oci_resources_parse_data (const char *name, const char *data, size_t len, char **err)
{
  return ocispec_parse_document (name, data, len, &ocispec_resources_desc, err);
}

void
oci_resources_free (oci_resources *r)
{
  ocispec_free_document (&ocispec_resources_desc, r);
}

oci_state *
oci_state_parse_data (const char *name, const char *data, size_t len, char **err)
{
  return ocispec_parse_document (name, data, len, &ocispec_state_desc, err);
}

void
oci_state_free (oci_state *s)
{
  ocispec_free_document (&ocispec_state_desc, s);
}

ocirt_status *
ocirt_status_parse_data (const char *name, const char *data, size_t len, char **err)
{
  return ocispec_parse_document (name, data, len, &ocirt_status_desc, err);
}

void
ocirt_status_free (ocirt_status *s)
{
  ocispec_free_document (&ocirt_status_desc, s);
}

char *
oci_config_generate (const oci_config *c, bool pretty)
{
  return ocispec_generate_document (&ocispec_config_desc, c, pretty);
}

char *
oci_process_generate (const oci_process *p, bool pretty)
{
  return ocispec_generate_document (&ocispec_process_desc, p, pretty);
}

char *
oci_state_generate (const oci_state *s, bool pretty)
{
  return ocispec_generate_document (&ocispec_state_desc, s, pretty);
}

char *
ocirt_status_generate (const ocirt_status *s, bool pretty)
{
  return ocispec_generate_document (&ocirt_status_desc, s, pretty);
}
