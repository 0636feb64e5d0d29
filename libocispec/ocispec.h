/* libocispec: the OCI runtime-spec documents (config.json, process.json, state.json) as typed C,
 * plus ocirt's own status document and a small JSON writer.  This is the only part of ocirt
 * that knows about yajl: everything else reads and writes JSON through this header.
 *
 * Conventions
 * - Strings are NUL-terminated and owned by the document; NULL means "absent".
 * - String lists are `char **x; size_t x_len;` with x[x_len] == NULL (ready for execve);
 *   x == NULL when absent.  Other arrays are `T *x; size_t x_len;`.
 * - Optional scalars have a companion `bool has_x`.
 * - Maps (annotations, sysctl, unified ...) are ordered key/value lists (`oci_map`), in the
 *   order they appear in the file.
 * - Parse errors are returned as a malloc'd string: "<file>: <json.path>: <problem>" or, for
 *   malformed JSON, "<file>: line L, column C: <problem>".  Unknown keys are ignored. */
#ifndef OCISPEC_H
#define OCISPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Runtime-spec versions we accept: major 1, minor 0..3 (newer minors are parsed too;
 * unknown keys are ignored). */
#define OCISPEC_VERSION "1.3.0"

typedef struct
{
  char *key;
  char *value;
} oci_kv;

typedef struct
{
  oci_kv *items;
  size_t len;
} oci_map;

/* Lookup in a map; NULL when missing. */
const char *oci_map_get (const oci_map *m, const char *key);

/* ---- process ------------------------------------------------------------------------------ */

typedef struct
{
  uint32_t height;
  uint32_t width;
} oci_console_size;

typedef struct
{
  uint32_t uid;
  uint32_t gid;
  bool has_umask;
  uint32_t umask;
  uint32_t *additional_gids;
  size_t additional_gids_len;
  char *username; /* windows only; parsed, unused */
} oci_user;

typedef struct
{
  char **bounding;
  size_t bounding_len;
  char **effective;
  size_t effective_len;
  char **inheritable;
  size_t inheritable_len;
  char **permitted;
  size_t permitted_len;
  char **ambient;
  size_t ambient_len;
} oci_capabilities;

typedef struct
{
  char *type; /* "RLIMIT_NOFILE" ... */
  uint64_t hard;
  uint64_t soft;
} oci_rlimit;

typedef struct
{
  char *class_; /* IOPRIO_CLASS_RT | IOPRIO_CLASS_BE | IOPRIO_CLASS_IDLE */
  int32_t priority;
} oci_io_priority;

typedef struct
{
  char *policy; /* SCHED_OTHER ... */
  bool has_nice;
  int32_t nice;
  bool has_priority;
  int32_t priority;
  char **flags;
  size_t flags_len;
  bool has_runtime;
  uint64_t runtime;
  bool has_deadline;
  uint64_t deadline;
  bool has_period;
  uint64_t period;
} oci_scheduler;

typedef struct
{
  char *initial;
  char *final;
} oci_exec_cpu_affinity;

typedef struct
{
  bool terminal;
  bool has_console_size;
  oci_console_size console_size;
  oci_user user;
  char **args;
  size_t args_len;
  char *command_line; /* windows only */
  char **env;
  size_t env_len;
  char *cwd;
  oci_capabilities *capabilities; /* NULL when absent */
  oci_rlimit *rlimits;
  size_t rlimits_len;
  bool no_new_privileges;
  char *apparmor_profile;
  bool has_oom_score_adj;
  int32_t oom_score_adj;
  char *selinux_label;
  oci_io_priority *io_priority;
  oci_scheduler *scheduler;
  oci_exec_cpu_affinity *exec_cpu_affinity;
} oci_process;

/* ---- root, mounts, hooks ------------------------------------------------------------------ */

typedef struct
{
  char *path;
  bool readonly;
} oci_root;

typedef struct
{
  uint32_t container_id;
  uint32_t host_id;
  uint32_t size;
} oci_id_mapping;

typedef struct
{
  char *destination;
  char *source;
  char *type;
  char **options;
  size_t options_len;
  oci_id_mapping *uid_mappings;
  size_t uid_mappings_len;
  oci_id_mapping *gid_mappings;
  size_t gid_mappings_len;
} oci_mount;

typedef struct
{
  char *path;
  char **args;
  size_t args_len;
  char **env;
  size_t env_len;
  bool has_timeout;
  int64_t timeout; /* seconds, > 0 */
} oci_hook;

typedef struct
{
  oci_hook *items;
  size_t len;
} oci_hook_list;

typedef struct
{
  oci_hook_list prestart;
  oci_hook_list create_runtime;
  oci_hook_list create_container;
  oci_hook_list start_container;
  oci_hook_list poststart;
  oci_hook_list poststop;
} oci_hooks;

/* ---- linux -------------------------------------------------------------------------------- */

typedef struct
{
  char *type; /* pid network mount ipc uts user cgroup time */
  char *path;
} oci_namespace;

typedef struct
{
  char *name; /* "monotonic" or "boottime" */
  int64_t secs;
  uint32_t nanosecs;
} oci_time_offset;

typedef struct
{
  char *type; /* c b u p */
  char *path;
  int64_t major;
  int64_t minor;
  bool has_file_mode;
  uint32_t file_mode;
  bool has_uid;
  uint32_t uid;
  bool has_gid;
  uint32_t gid;
} oci_device;

typedef struct
{
  char *key;  /* host interface name */
  char *name; /* name inside the container, NULL = same */
} oci_net_device;

typedef struct
{
  bool allow;
  char *type; /* a c b, NULL = all */
  bool has_major;
  int64_t major; /* -1 = wildcard */
  bool has_minor;
  int64_t minor;
  char *access; /* rwm */
} oci_device_cgroup;

/* Memory values are int64 in the spec; -1 means unlimited. */
typedef struct
{
  bool has_limit;
  int64_t limit;
  bool has_reservation;
  int64_t reservation;
  bool has_swap;
  int64_t swap;
  bool has_kernel;
  int64_t kernel;
  bool has_kernel_tcp;
  int64_t kernel_tcp;
  bool has_swappiness;
  uint64_t swappiness;
  bool has_disable_oom_killer;
  bool disable_oom_killer;
  bool has_use_hierarchy;
  bool use_hierarchy;
  bool has_check_before_update;
  bool check_before_update;
} oci_memory;

typedef struct
{
  bool has_shares;
  uint64_t shares;
  bool has_quota;
  int64_t quota;
  bool has_burst;
  uint64_t burst;
  bool has_period;
  uint64_t period;
  bool has_realtime_runtime;
  int64_t realtime_runtime;
  bool has_realtime_period;
  uint64_t realtime_period;
  char *cpus;
  char *mems;
  bool has_idle;
  int64_t idle;
} oci_cpu;

typedef struct
{
  int64_t major;
  int64_t minor;
  bool has_weight;
  uint16_t weight;
  bool has_leaf_weight;
  uint16_t leaf_weight;
} oci_weight_device;

typedef struct
{
  int64_t major;
  int64_t minor;
  uint64_t rate;
} oci_throttle_device;

typedef struct
{
  bool has_weight;
  uint16_t weight;
  bool has_leaf_weight;
  uint16_t leaf_weight;
  oci_weight_device *weight_device;
  size_t weight_device_len;
  oci_throttle_device *throttle_read_bps_device;
  size_t throttle_read_bps_device_len;
  oci_throttle_device *throttle_write_bps_device;
  size_t throttle_write_bps_device_len;
  oci_throttle_device *throttle_read_iops_device;
  size_t throttle_read_iops_device_len;
  oci_throttle_device *throttle_write_iops_device;
  size_t throttle_write_iops_device_len;
} oci_block_io;

typedef struct
{
  char *page_size; /* "2MB", "1GB" ... */
  uint64_t limit;
} oci_hugepage_limit;

typedef struct
{
  char *name;
  uint32_t priority;
} oci_net_priority;

typedef struct
{
  bool has_class_id;
  uint32_t class_id;
  oci_net_priority *priorities;
  size_t priorities_len;
} oci_network;

typedef struct
{
  char *device; /* the map key */
  bool has_hca_handles;
  uint32_t hca_handles;
  bool has_hca_objects;
  uint32_t hca_objects;
} oci_rdma;

typedef struct
{
  oci_device_cgroup *devices;
  size_t devices_len;
  oci_memory *memory;
  oci_cpu *cpu;
  bool has_pids_limit; /* "pids": {"limit": N} */
  int64_t pids_limit;
  oci_block_io *block_io;
  oci_hugepage_limit *hugepage_limits;
  size_t hugepage_limits_len;
  oci_network *network;
  oci_rdma *rdma;
  size_t rdma_len;
  oci_map unified;
} oci_resources;

typedef struct
{
  char *clos_id;
  char *l3_cache_schema;
  char *mem_bw_schema;
  char **schemata;
  size_t schemata_len;
  bool has_enable_cmt;
  bool enable_cmt;
  bool has_enable_mbm;
  bool enable_mbm;
} oci_intel_rdt;

typedef struct
{
  uint32_t index;
  uint64_t value;
  bool has_value_two;
  uint64_t value_two;
  char *op; /* SCMP_CMP_NE ... */
} oci_seccomp_arg;

typedef struct
{
  char **names;
  size_t names_len;
  char *action;
  bool has_errno_ret;
  uint32_t errno_ret;
  oci_seccomp_arg *args;
  size_t args_len;
} oci_seccomp_syscall;

typedef struct
{
  char *default_action;
  bool has_default_errno_ret;
  uint32_t default_errno_ret;
  char **architectures;
  size_t architectures_len;
  char **flags;
  size_t flags_len;
  char *listener_path;
  char *listener_metadata;
  oci_seccomp_syscall *syscalls;
  size_t syscalls_len;
} oci_seccomp;

typedef struct
{
  char *domain; /* LINUX | LINUX32 */
  char **flags;
  size_t flags_len;
} oci_personality;

typedef struct
{
  char *mode;
  char *nodes;
  char **flags;
  size_t flags_len;
} oci_memory_policy;

typedef struct
{
  oci_namespace *namespaces;
  size_t namespaces_len;
  oci_id_mapping *uid_mappings;
  size_t uid_mappings_len;
  oci_id_mapping *gid_mappings;
  size_t gid_mappings_len;
  oci_time_offset *time_offsets;
  size_t time_offsets_len;
  oci_device *devices;
  size_t devices_len;
  oci_net_device *net_devices;
  size_t net_devices_len;
  char *cgroups_path;
  oci_resources *resources;
  oci_intel_rdt *intel_rdt;
  oci_map sysctl;
  oci_seccomp *seccomp;
  char *rootfs_propagation;
  char **masked_paths;
  size_t masked_paths_len;
  char **readonly_paths;
  size_t readonly_paths_len;
  char *mount_label;
  oci_personality *personality;
  oci_memory_policy *memory_policy;
} oci_linux;

typedef struct
{
  char *oci_version;
  oci_root *root;
  oci_process *process;
  char *hostname;
  char *domainname;
  oci_mount *mounts;
  size_t mounts_len;
  oci_hooks *hooks;
  oci_map annotations;
  oci_linux *linux_; /* `linux` is a predefined macro in GNU C */
} oci_config;

/* ---- state.json (runtime-spec "state") ---------------------------------------------------- */

typedef struct
{
  char *oci_version;
  char *id;
  char *status; /* creating created running stopped paused */
  bool has_pid;
  int64_t pid;
  char *bundle;
  oci_map annotations;
} oci_state;

/* ---- ocirt's own per-container record (status.json in the state dir) ---------------------- */

typedef struct
{
  char *id;
  int64_t pid;
  uint64_t pid_start_time; /* /proc/<pid>/stat field 22, guards against pid reuse */
  char *bundle;
  char *rootfs;
  char *config_path;
  char *created;       /* RFC 3339 */
  char *status;        /* recorded at create ("created") and checkpoint ("stopped"); the live
                        * status is computed from the pid and exec.fifo (state.h) */
  char *cgroup_path;   /* the cgroup path ocirt resolved and created, "" = none */
  char *cgroup_driver; /* "v1", "v2", "none" */
  bool cgroup_owned;   /* ocirt created the leaf and must remove it */
  bool systemd_cgroup;
  bool detached;
  bool use_terminal;
  bool no_new_keyring;
  char *owner; /* uid of the creator, as a string */
  char **external_descriptors; /* paths of fds 0-2 at create, for checkpoint */
  size_t external_descriptors_len;
  oci_map annotations;
} ocirt_status;

/* ---- parse / free ------------------------------------------------------------------------- */

/* `name` is used in messages only (e.g. "config.json"). On error returns NULL and sets *err to a
 * malloc'd message; the caller frees it. */
oci_config *oci_config_parse_data (const char *name, const char *data, size_t len, char **err);
oci_config *oci_config_parse_file (const char *path, char **err);
void oci_config_free (oci_config *c);

/* process.json as used by `exec --process` */
oci_process *oci_process_parse_data (const char *name, const char *data, size_t len, char **err);
oci_process *oci_process_parse_file (const char *path, char **err);
void oci_process_free (oci_process *p);

/* A bare linux.resources object (`update --resources FILE`) */
oci_resources *oci_resources_parse_data (const char *name, const char *data, size_t len, char **err);
void oci_resources_free (oci_resources *r);

oci_state *oci_state_parse_data (const char *name, const char *data, size_t len, char **err);
void oci_state_free (oci_state *s);

ocirt_status *ocirt_status_parse_data (const char *name, const char *data, size_t len, char **err);
void ocirt_status_free (ocirt_status *s);

/* ---- generate ----------------------------------------------------------------------------- */

/* Each returns a malloc'd NUL-terminated JSON text (pretty = indented), or NULL on OOM. */
char *oci_config_generate (const oci_config *c, bool pretty);
char *oci_process_generate (const oci_process *p, bool pretty);
char *oci_state_generate (const oci_state *s, bool pretty);
char *ocirt_status_generate (const ocirt_status *s, bool pretty);

/* A streaming JSON writer for documents without a typed model (features.json, events, log
 * lines, `list --format json`).  Calls after an error are ignored; ocispec_jw_finish reports. */
typedef struct ocispec_jw ocispec_jw;
ocispec_jw *ocispec_jw_new (bool pretty);
void ocispec_jw_begin_map (ocispec_jw *w);
void ocispec_jw_end_map (ocispec_jw *w);
void ocispec_jw_begin_array (ocispec_jw *w);
void ocispec_jw_end_array (ocispec_jw *w);
void ocispec_jw_key (ocispec_jw *w, const char *key); /* inside a map, before each value */
void ocispec_jw_string (ocispec_jw *w, const char *s); /* NULL writes null */
void ocispec_jw_int (ocispec_jw *w, int64_t v);
void ocispec_jw_uint (ocispec_jw *w, uint64_t v);
void ocispec_jw_double (ocispec_jw *w, double v);
void ocispec_jw_bool (ocispec_jw *w, bool v);
void ocispec_jw_null (ocispec_jw *w);
void ocispec_jw_strv (ocispec_jw *w, char *const *v, size_t len); /* array of strings */
/* Returns the text (malloc'd, caller frees) and frees w; NULL if the calls were unbalanced. */
char *ocispec_jw_finish (ocispec_jw *w, size_t *len);

/* Tiny reader for small untyped documents (the seccomp notify answer, criu's JSON, tests):
 * returns the string/number at a dotted path ("a.b.c") of a JSON object, malloc'd; NULL when
 * absent or not a scalar. */
char *ocispec_json_get_scalar (const char *data, size_t len, const char *path);

/* Escape a string as a JSON string literal (with quotes), malloc'd. */
char *ocispec_json_quote (const char *s);

#ifdef __cplusplus
}
#endif

#endif
