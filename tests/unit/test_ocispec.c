/* Unit tests for libocispec (TAP output, no root needed).  Fixtures live in
 * tests/data/configs: every good/ fixture must parse and round-trip; bad/NAME.json must fail with
 * exactly the message in bad/NAME.err. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocispec.h"

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif

static int n_tests, n_failed;
static const char *srcdir = TOP_SRCDIR;

static void
report (bool ok, const char *name)
{
  printf ("%s %d - %s\n", ok ? "ok" : "not ok", ++n_tests, name);
  if (!ok)
    n_failed++;
}

#define CHECK(cond)                                                                     \
  do                                                                                    \
    {                                                                                   \
      if (!(cond))                                                                      \
        {                                                                               \
          fprintf (stderr, "  %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
          ok = false;                                                                   \
        }                                                                               \
    }                                                                                   \
  while (0)

static bool
streq (const char *a, const char *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return strcmp (a, b) == 0;
}

#define CHECK_STR(a, b)                                                                       \
  do                                                                                          \
    {                                                                                         \
      if (!streq ((a), (b)))                                                                  \
        {                                                                                     \
          fprintf (stderr, "  %s:%d: %s: got [%s], want [%s]\n", __FILE__, __LINE__, #a,      \
                   (a) ? (a) : "(null)", (b) ? (b) : "(null)");                              \
          ok = false;                                                                         \
        }                                                                                     \
    }                                                                                         \
  while (0)

static char *
read_file (const char *path, size_t *len)
{
  FILE *f = fopen (path, "re");
  char *buf = NULL;
  size_t cap = 0, n;
  *len = 0;
  if (f == NULL)
    return NULL;
  do
    {
      if (cap - *len < 4096)
        {
          cap = cap ? cap * 2 : 8192;
          buf = realloc (buf, cap + 1);
          if (buf == NULL)
            abort ();
        }
      n = fread (buf + *len, 1, cap - *len, f);
      *len += n;
    }
  while (n > 0);
  fclose (f);
  buf[*len] = '\0';
  return buf;
}

static oci_config *
load_good (const char *name)
{
  char *path, *data, *err = NULL;
  size_t len;
  oci_config *c;
  if (asprintf (&path, "%s/tests/data/configs/good/%s", srcdir, name) < 0)
    abort ();
  data = read_file (path, &len);
  free (path);
  if (data == NULL)
    return NULL;
  c = oci_config_parse_data ("config.json", data, len, &err);
  if (c == NULL)
    fprintf (stderr, "  %s: %s\n", name, err);
  free (err);
  free (data);
  return c;
}

/* Parse `json` as config.json and return the error (malloc'd) or NULL. */
static char *
config_error (const char *json)
{
  char *err = NULL;
  oci_config *c = oci_config_parse_data ("config.json", json, strlen (json), &err);
  oci_config_free (c);
  return err;
}

static bool
check_error (const char *json, const char *want)
{
  bool ok = true;
  char *err = config_error (json);
  CHECK_STR (err, want);
  free (err);
  return ok;
}

/* ---- good fixtures ------------------------------------------------------------------------ */

static void
test_runc_default (void)
{
  bool ok = true;
  oci_config *c = load_good ("runc-default.json");
  CHECK (c != NULL);
  if (c)
    {
      CHECK_STR (c->oci_version, "1.0.2-dev");
      CHECK (c->process && c->process->terminal);
      CHECK (c->process->user.uid == 0 && c->process->user.gid == 0);
      CHECK (!c->process->user.has_umask);
      CHECK (c->process->args_len == 1 && streq (c->process->args[0], "sh") && c->process->args[1] == NULL);
      CHECK (c->process->env_len == 2 && streq (c->process->env[1], "TERM=xterm"));
      CHECK_STR (c->process->cwd, "/");
      CHECK (c->process->capabilities && c->process->capabilities->bounding_len == 3);
      CHECK_STR (c->process->capabilities->ambient[2], "CAP_NET_BIND_SERVICE");
      CHECK (c->process->capabilities->inheritable == NULL);
      CHECK (c->process->rlimits_len == 1 && c->process->rlimits[0].hard == 1024);
      CHECK_STR (c->process->rlimits[0].type, "RLIMIT_NOFILE");
      CHECK (c->process->no_new_privileges);
      CHECK (!c->process->has_oom_score_adj && c->process->scheduler == NULL);
      CHECK (c->root && c->root->readonly);
      CHECK_STR (c->root->path, "rootfs");
      CHECK_STR (c->hostname, "runc");
      CHECK (c->domainname == NULL);
      CHECK (c->mounts_len == 7);
      CHECK_STR (c->mounts[2].destination, "/dev/pts");
      CHECK_STR (c->mounts[2].options[5], "gid=5");
      CHECK (c->mounts[0].options == NULL && c->mounts[0].options_len == 0);
      CHECK (c->hooks == NULL && c->annotations.items == NULL);
      CHECK (c->linux_ && c->linux_->namespaces_len == 6);
      CHECK_STR (c->linux_->namespaces[5].type, "cgroup");
      CHECK (c->linux_->namespaces[5].path == NULL);
      CHECK (c->linux_->resources && c->linux_->resources->devices_len == 1);
      CHECK (!c->linux_->resources->devices[0].allow);
      CHECK (!c->linux_->resources->devices[0].has_major);
      CHECK_STR (c->linux_->resources->devices[0].access, "rwm");
      CHECK (c->linux_->masked_paths_len == 10 && c->linux_->readonly_paths_len == 5);
      CHECK (c->linux_->seccomp == NULL && c->linux_->uid_mappings == NULL);
    }
  oci_config_free (c);
  report (ok, "good/runc-default.json parses field by field");
}

static void
test_rootless (void)
{
  bool ok = true;
  oci_config *c = load_good ("rootless.json");
  CHECK (c != NULL);
  if (c)
    {
      CHECK (!c->process->terminal);
      CHECK (c->process->args_len == 3);
      CHECK_STR (c->process->args[2], "id -u");
      CHECK (c->linux_->uid_mappings_len == 1 && c->linux_->uid_mappings[0].host_id == 1000);
      CHECK (c->linux_->gid_mappings_len == 1 && c->linux_->gid_mappings[0].size == 1);
      CHECK_STR (c->linux_->namespaces[4].type, "user");
      CHECK (c->linux_->resources == NULL);
      CHECK_STR (c->mounts[5].type, "none");
      CHECK_STR (c->mounts[5].options[0], "rbind");
    }
  oci_config_free (c);
  report (ok, "good/rootless.json parses field by field");
}

static void
test_every_field (void)
{
  bool ok = true;
  oci_config *c = load_good ("every-field.json");
  oci_process *p;
  oci_linux *l;
  oci_resources *r;
  CHECK (c != NULL);
  if (c == NULL)
    {
      report (false, "good/every-field.json parses field by field");
      return;
    }
  p = c->process;
  l = c->linux_;
  r = l->resources;
  CHECK_STR (c->oci_version, "1.3.0-rc.1+build.7");
  CHECK (!c->root->readonly);
  CHECK (p->has_console_size && p->console_size.height == UINT32_MAX && p->console_size.width == 80);
  CHECK (p->user.uid == 4294967294u && p->user.gid == 65534 && p->user.has_umask && p->user.umask == 18);
  CHECK (p->user.additional_gids_len == 3 && p->user.additional_gids[1] == UINT32_MAX);
  CHECK_STR (p->user.username, "nobody");
  CHECK (p->args_len == 4);
  CHECK_STR (p->args[1], "quote \" backslash \\ tab \t");
  CHECK_STR (p->args[2], "ünïcödé ✓");
  CHECK_STR (p->args[3], "");
  CHECK_STR (p->command_line, "echo hi");
  CHECK_STR (p->env[1], "EMPTY=");
  CHECK (p->capabilities->effective != NULL && p->capabilities->effective_len == 0);
  CHECK_STR (p->capabilities->inheritable[1], "CAP_SETUID");
  CHECK (p->rlimits_len == 2 && p->rlimits[0].hard == UINT64_MAX && p->rlimits[0].soft == 0);
  CHECK_STR (p->apparmor_profile, "ocirt-default");
  CHECK (p->has_oom_score_adj && p->oom_score_adj == -1000);
  CHECK_STR (p->selinux_label, "system_u:system_r:container_t:s0:c1,c2");
  CHECK (p->io_priority && p->io_priority->priority == INT32_MIN);
  CHECK_STR (p->io_priority->class_, "IOPRIO_CLASS_IDLE");
  CHECK (p->scheduler && p->scheduler->has_nice && p->scheduler->nice == -20);
  CHECK (p->scheduler->priority == INT32_MAX && p->scheduler->runtime == UINT64_MAX);
  CHECK (p->scheduler->has_deadline && p->scheduler->deadline == 2 && p->scheduler->period == 3);
  CHECK_STR (p->scheduler->flags[0], "SCHED_FLAG_RESET_ON_FORK");
  CHECK_STR (p->exec_cpu_affinity->initial, "0-3, 7");
  CHECK_STR (p->exec_cpu_affinity->final, "1");
  CHECK_STR (c->domainname, "example.invalid");
  CHECK (c->mounts_len == 2 && c->mounts[0].uid_mappings_len == 1);
  CHECK (c->mounts[0].uid_mappings[0].host_id == 100000 && c->mounts[0].gid_mappings[0].size == UINT32_MAX);
  CHECK (c->mounts[1].options != NULL && c->mounts[1].options_len == 0 && c->mounts[1].type == NULL);
  CHECK (c->hooks->prestart.len == 1 && !c->hooks->prestart.items[0].has_timeout);
  CHECK (c->hooks->create_runtime.items[0].has_timeout
         && c->hooks->create_runtime.items[0].timeout == INT64_MAX);
  CHECK_STR (c->hooks->create_runtime.items[0].args[1], "create");
  CHECK (c->hooks->create_container.len == 2 && c->hooks->start_container.len == 0);
  CHECK (c->hooks->start_container.items != NULL);
  CHECK (c->hooks->poststop.items[0].args_len == 0 && c->hooks->poststop.items[0].args != NULL);
  CHECK (c->annotations.len == 3);
  CHECK_STR (c->annotations.items[2].key, "z-last");
  CHECK_STR (oci_map_get (&c->annotations, "empty"), "");
  CHECK (oci_map_get (&c->annotations, "missing") == NULL);
  CHECK (l->namespaces_len == 8);
  CHECK_STR (l->namespaces[1].path, "/run/netns/ocirt");
  CHECK (l->uid_mappings_len == 2 && l->uid_mappings[1].size == 65535);
  CHECK (l->time_offsets_len == 2);
  CHECK_STR (l->time_offsets[0].name, "monotonic");
  CHECK (l->time_offsets[0].secs == INT64_MIN && l->time_offsets[0].nanosecs == 999999999);
  CHECK_STR (l->time_offsets[1].name, "boottime");
  CHECK (l->devices_len == 3 && l->devices[0].major == 10 && l->devices[0].minor == 229);
  CHECK (l->devices[0].has_file_mode && l->devices[0].file_mode == 438 && l->devices[0].gid == UINT32_MAX);
  CHECK (!l->devices[1].has_uid && !l->devices[2].has_file_mode);
  CHECK (l->net_devices_len == 2);
  CHECK_STR (l->net_devices[0].key, "eth0");
  CHECK_STR (l->net_devices[0].name, "ctr0");
  CHECK (l->net_devices[1].name == NULL);
  CHECK_STR (l->cgroups_path, "/ocirt/every-field");
  CHECK (r->devices_len == 3 && r->devices[1].has_major && r->devices[1].major == -1);
  CHECK (r->memory->has_limit && r->memory->limit == -1);
  CHECK (r->memory->has_reservation && r->memory->reservation == 0);
  CHECK (r->memory->swap == INT64_MAX && r->memory->kernel_tcp == 1);
  CHECK (r->memory->swappiness == UINT64_MAX);
  CHECK (r->memory->has_disable_oom_killer && r->memory->disable_oom_killer);
  CHECK (r->memory->has_use_hierarchy && !r->memory->use_hierarchy && r->memory->check_before_update);
  CHECK (r->cpu->shares == 1024 && r->cpu->quota == -1 && r->cpu->has_burst && r->cpu->burst == 0);
  CHECK (r->cpu->realtime_runtime == INT64_MIN && r->cpu->realtime_period == UINT64_MAX);
  CHECK_STR (r->cpu->cpus, "0-3");
  CHECK (r->cpu->has_idle && r->cpu->idle == 1);
  CHECK (r->has_pids_limit && r->pids_limit == -1);
  CHECK (r->block_io->weight == 10 && r->block_io->leaf_weight == 65535);
  CHECK (r->block_io->weight_device_len == 2 && r->block_io->weight_device[0].leaf_weight == 300);
  CHECK (!r->block_io->weight_device[1].has_weight);
  CHECK (r->block_io->throttle_read_bps_device[0].rate == UINT64_MAX);
  CHECK (r->block_io->throttle_read_iops_device[0].rate == 1000);
  CHECK (r->block_io->throttle_write_iops_device_len == 0 && r->block_io->throttle_write_iops_device);
  CHECK (r->hugepage_limits_len == 2 && r->hugepage_limits[0].limit == UINT64_MAX);
  CHECK_STR (r->hugepage_limits[1].page_size, "1GB");
  CHECK (r->network->class_id == UINT32_MAX && r->network->priorities_len == 2);
  CHECK_STR (r->network->priorities[1].name, "lo");
  CHECK (r->rdma_len == 2 && r->rdma[0].hca_handles == 3 && r->rdma[0].hca_objects == 10000);
  CHECK_STR (r->rdma[1].device, "mlx4_0");
  CHECK (!r->rdma[1].has_hca_handles && r->rdma[1].has_hca_objects);
  CHECK_STR (oci_map_get (&r->unified, "io.weight"), "default 100");
  CHECK_STR (l->intel_rdt->clos_id, "guaranteed");
  CHECK_STR (l->intel_rdt->mem_bw_schema, "MB:0=20;1=70");
  CHECK (l->intel_rdt->schemata_len == 2 && l->intel_rdt->enable_cmt);
  CHECK (l->intel_rdt->has_enable_mbm && !l->intel_rdt->enable_mbm);
  CHECK_STR (oci_map_get (&l->sysctl, "net.ipv4.ip_forward"), "1");
  CHECK_STR (l->seccomp->default_action, "SCMP_ACT_ERRNO");
  CHECK (l->seccomp->has_default_errno_ret && l->seccomp->default_errno_ret == 38);
  CHECK (l->seccomp->architectures_len == 3 && l->seccomp->flags_len == 2);
  CHECK_STR (l->seccomp->listener_path, "/run/seccomp-agent.sock");
  CHECK_STR (l->seccomp->listener_metadata, "meta");
  CHECK (l->seccomp->syscalls_len == 3 && l->seccomp->syscalls[1].args_len == 2);
  CHECK (l->seccomp->syscalls[1].args[0].value == UINT64_MAX && !l->seccomp->syscalls[1].args[0].has_value_two);
  CHECK (l->seccomp->syscalls[1].args[1].index == UINT32_MAX);
  CHECK (l->seccomp->syscalls[1].args[1].value_two == UINT64_MAX);
  CHECK_STR (l->seccomp->syscalls[1].args[1].op, "SCMP_CMP_MASKED_EQ");
  CHECK (l->seccomp->syscalls[2].has_errno_ret && l->seccomp->syscalls[2].errno_ret == 1);
  CHECK_STR (l->rootfs_propagation, "rslave");
  CHECK (l->readonly_paths != NULL && l->readonly_paths_len == 0);
  CHECK_STR (l->mount_label, "system_u:object_r:container_file_t:s0:c1,c2");
  CHECK_STR (l->personality->domain, "LINUX32");
  CHECK (l->personality->flags_len == 0);
  CHECK_STR (l->memory_policy->mode, "MPOL_INTERLEAVE");
  CHECK_STR (l->memory_policy->nodes, "0-1");
  CHECK_STR (l->memory_policy->flags[0], "MPOL_F_STATIC_NODES");
  oci_config_free (c);
  report (ok, "good/every-field.json parses field by field (edge values)");
}

/* generate -> parse -> generate must be stable, and the re-parse must succeed. */
static bool
config_roundtrip (const oci_config *c, bool pretty)
{
  bool ok = true;
  char *err = NULL, *g1 = oci_config_generate (c, pretty), *g2 = NULL;
  oci_config *c2;
  CHECK (g1 != NULL);
  if (g1 == NULL)
    return false;
  c2 = oci_config_parse_data ("generated", g1, strlen (g1), &err);
  CHECK_STR (err, NULL);
  if (c2)
    {
      g2 = oci_config_generate (c2, pretty);
      CHECK_STR (g2, g1);
    }
  free (err);
  free (g1);
  free (g2);
  oci_config_free (c2);
  return ok;
}

static void
test_good_dir (void)
{
  char *dir;
  DIR *d;
  struct dirent *e;
  if (asprintf (&dir, "%s/tests/data/configs/good", srcdir) < 0)
    abort ();
  d = opendir (dir);
  report (d != NULL, "good fixture directory exists");
  while (d && (e = readdir (d)))
    {
      char name[512];
      oci_config *c;
      bool ok = true;
      size_t l = strlen (e->d_name);
      if (l < 6 || strcmp (e->d_name + l - 5, ".json") != 0)
        continue;
      c = load_good (e->d_name);
      CHECK (c != NULL);
      if (c)
        {
          CHECK (config_roundtrip (c, true));
          CHECK (config_roundtrip (c, false));
        }
      oci_config_free (c);
      snprintf (name, sizeof (name), "good/%s parses and round-trips", e->d_name);
      report (ok, name);
    }
  if (d)
    closedir (d);
  free (dir);
}

/* ---- bad fixtures ------------------------------------------------------------------------- */

static void
test_bad_dir (void)
{
  char *dir;
  DIR *d;
  struct dirent *e;
  int count = 0;
  if (asprintf (&dir, "%s/tests/data/configs/bad", srcdir) < 0)
    abort ();
  d = opendir (dir);
  while (d && (e = readdir (d)))
    {
      char name[512], *path, *data, *want, *err = NULL;
      size_t len, wlen, l = strlen (e->d_name);
      oci_config *c;
      bool ok = true;
      if (l < 6 || strcmp (e->d_name + l - 5, ".json") != 0)
        continue;
      count++;
      if (asprintf (&path, "%s/%s", dir, e->d_name) < 0)
        abort ();
      data = read_file (path, &len);
      strcpy (path + strlen (path) - 4, "err");
      want = read_file (path, &wlen);
      CHECK (data != NULL && want != NULL);
      if (data && want)
        {
          while (wlen > 0 && want[wlen - 1] == '\n')
            want[--wlen] = '\0';
          c = oci_config_parse_data ("config.json", data, len, &err);
          CHECK (c == NULL);
          CHECK_STR (err, want);
          oci_config_free (c);
        }
      snprintf (name, sizeof (name), "bad/%s fails with the expected message", e->d_name);
      report (ok, name);
      free (err);
      free (data);
      free (want);
      free (path);
    }
  if (d)
    closedir (d);
  free (dir);
  report (count >= 35, "at least 35 bad fixtures");
}

/* ---- error classes inline ----------------------------------------------------------------- */

#define MIN_CFG "\"ociVersion\": \"1.0.0\""

static void
test_errors_inline (void)
{
  bool ok = true;
  static const char nul_in_arg[] = "{" MIN_CFG ", \"process\": {\"cwd\": \"/\", \"args\": [\"a\\u0000b\"]}}";

  CHECK (check_error ("{" MIN_CFG ", \"process\": {\"cwd\": \"/\", \"args\": [\"a\", \"b\", 3]}}",
                      "config.json: process.args[2]: expected a string, got a number"));
  CHECK (check_error ("{" MIN_CFG ", \"linux\": {\"resources\": {\"memory\": {\"limit\": \"1\"}}}}",
                      "config.json: linux.resources.memory.limit: expected an integer, got a string"));
  CHECK (check_error ("{" MIN_CFG ", \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {}]}}",
                      "config.json: linux.namespaces[1].type: required"));
  CHECK (check_error ("{\"ociVersion\": \"2.1.0\"}",
                      "config.json: ociVersion: unsupported major version 2 (supported: 1.x)"));
  CHECK (check_error ("{\"ociVersion\": \"1.x.0\"}",
                      "config.json: ociVersion: invalid version \"1.x.0\" (expected MAJOR.MINOR.PATCH)"));
  CHECK (check_error ("{\"ociVersion\": \"1.0.0-\"}",
                      "config.json: ociVersion: invalid version \"1.0.0-\" (expected MAJOR.MINOR.PATCH)"));
  CHECK (check_error ("{\"ociVersion\": \"1.99.0\"}", NULL));
  CHECK (check_error ("{\"ociVersion\": null}", "config.json: ociVersion: required"));
  CHECK (check_error ("{" MIN_CFG ", \"process\": {\"cwd\": \"/\", \"args\": []}}",
                      "config.json: process.args: must not be empty"));
  CHECK (check_error ("{\n  \"ociVersion\": \"1.0.0\",\n  \"x\": [1 2]\n}",
                      "config.json: line 3, column 11: invalid JSON: parse error: after array element, I expect ',' or ']'"));
  CHECK (check_error ("{" MIN_CFG ", \"hostname\": \"x", "config.json: line 1, column 39: invalid JSON: parse error: premature EOF"));
  CHECK (check_error ("{" MIN_CFG "} {}", "config.json: line 1, column 25: invalid JSON: parse error: trailing garbage"));
  CHECK (check_error ("[" MIN_CFG "]", "config.json: line 1, column 14: invalid JSON: parse error: after array element, I expect ',' or ']'"));
  CHECK (check_error ("[]", "config.json: expected an object, got an array"));
  CHECK (check_error ("null", "config.json: expected an object, got null"));
  CHECK (check_error ("42", "config.json: expected an object, got a number"));
  CHECK (check_error (nul_in_arg, "config.json: process.args[0]: contains a NUL byte"));
  CHECK (check_error ("{" MIN_CFG ", \"a\\u0000\": 1}",
                      "config.json: line 1, column 33: invalid JSON: object key contains a NUL byte"));
  CHECK (check_error ("{" MIN_CFG ", \"linux\": {\"resources\": {\"blockIO\": {\"weightDevice\": [{\"major\": 8, \"minor\": 0, \"weight\": 70000}]}}}}",
                      "config.json: linux.resources.blockIO.weightDevice[0].weight: expected an integer in 0..65535, got 70000"));
  CHECK (check_error ("{" MIN_CFG ", \"linux\": {\"uidMappings\": [{\"containerID\": 0, \"hostID\": -5, \"size\": 1}]}}",
                      "config.json: linux.uidMappings[0].hostID: expected an integer in 0..4294967295, got -5"));
  CHECK (check_error ("{" MIN_CFG ", \"linux\": {\"resources\": {\"pids\": {\"limit\": 99999999999999999999999}}}}",
                      "config.json: linux.resources.pids.limit: expected an integer in -9223372036854775808..9223372036854775807, got 99999999999999999999999"));
  CHECK (check_error ("{" MIN_CFG ", \"linux\": {\"resources\": {\"memory\": {\"limit\": -9223372036854775809}}}}",
                      "config.json: linux.resources.memory.limit: expected an integer in -9223372036854775808..9223372036854775807, got -9223372036854775809"));
  CHECK (check_error ("{" MIN_CFG ", \"root\": []}", "config.json: root: expected an object, got an array"));
  CHECK (check_error ("{" MIN_CFG ", \"process\": {\"cwd\": \"/\", \"args\": [\"a\"], \"user\": {\"uid\": 1e3, \"gid\": 0}}}",
                      "config.json: process.user.uid: expected an integer, got a number"));
  report (ok, "error messages: type, range, required, version, syntax, NUL");
}

static void
test_lenient (void)
{
  bool ok = true;
  char *err = NULL;
  /* null == absent, unknown keys ignored, duplicate keys: last wins, -0 is 0 */
  static const char json[] = "{\"ociVersion\": \"1.0.0\", \"hostname\": null, \"root\": null,"
                             " \"future\": {\"x\": [1, {\"y\": null}]}, \"domainname\": \"first\","
                             " \"domainname\": \"second\", \"linux\": {\"resources\": {\"memory\":"
                             " {\"limit\": -0, \"swap\": null}}, \"devices\": [{\"path\": \"/dev/p\", \"type\": \"p\"}]}}";
  oci_config *c = oci_config_parse_data ("config.json", json, strlen (json), &err);
  CHECK_STR (err, NULL);
  CHECK (c != NULL);
  if (c)
    {
      CHECK (c->hostname == NULL && c->root == NULL && c->process == NULL);
      CHECK_STR (c->domainname, "second");
      CHECK (c->linux_->resources->memory->has_limit && c->linux_->resources->memory->limit == 0);
      CHECK (!c->linux_->resources->memory->has_swap);
      CHECK (c->linux_->devices_len == 1 && c->linux_->devices[0].major == 0);
    }
  oci_config_free (c);
  free (err);
  report (ok, "null is absent, unknown keys ignored, duplicate keys last wins");
}

static void
test_parse_file (void)
{
  bool ok = true;
  char *path, *err = NULL;
  oci_config *c;
  if (asprintf (&path, "%s/tests/data/configs/good/runc-default.json", srcdir) < 0)
    abort ();
  c = oci_config_parse_file (path, &err);
  CHECK (c != NULL && err == NULL);
  oci_config_free (c);
  free (path);
  c = oci_config_parse_file ("/nonexistent/config.json", &err);
  CHECK (c == NULL);
  CHECK_STR (err, "/nonexistent/config.json: cannot open: No such file or directory");
  free (err);
  report (ok, "oci_config_parse_file");
}

/* ---- other documents ---------------------------------------------------------------------- */

static void
test_process (void)
{
  bool ok = true;
  char *err = NULL, *g, *g2;
  static const char json[] = "{\"terminal\": true, \"consoleSize\": {\"height\": 25, \"width\": 80},"
                             " \"user\": {\"uid\": 1000, \"gid\": 1000, \"additionalGids\": [10]},"
                             " \"args\": [\"/bin/sh\", \"-l\"], \"env\": [\"TERM=xterm\"], \"cwd\": \"/home\","
                             " \"capabilities\": {\"bounding\": [\"CAP_CHOWN\"]}, \"noNewPrivileges\": true,"
                             " \"oomScoreAdj\": 500, \"apparmorProfile\": \"p\"}";
  oci_process *p = oci_process_parse_data ("process.json", json, strlen (json), &err), *p2;
  CHECK_STR (err, NULL);
  CHECK (p != NULL);
  if (p)
    {
      CHECK (p->terminal && p->console_size.height == 25 && p->user.uid == 1000);
      CHECK (p->user.additional_gids_len == 1 && p->user.additional_gids[0] == 10);
      CHECK (p->args_len == 2 && p->oom_score_adj == 500);
      g = oci_process_generate (p, false);
      p2 = oci_process_parse_data ("process.json", g, strlen (g), &err);
      CHECK (p2 != NULL);
      g2 = oci_process_generate (p2, false);
      CHECK_STR (g2, g);
      free (g);
      free (g2);
      oci_process_free (p2);
    }
  oci_process_free (p);
  p = oci_process_parse_data ("process.json", "{\"args\": [\"sh\"]}", 16, &err);
  CHECK (p == NULL);
  CHECK_STR (err, "process.json: cwd: required");
  free (err);
  report (ok, "process.json parse, errors and round-trip");
}

static void
test_resources (void)
{
  bool ok = true;
  char *err = NULL;
  static const char json[] = "{\"memory\": {\"limit\": 1048576}, \"pids\": {\"limit\": 10},"
                             " \"cpu\": {\"quota\": 50000, \"period\": 100000}}";
  oci_resources *r = oci_resources_parse_data ("resources.json", json, strlen (json), &err);
  CHECK (r != NULL);
  if (r)
    CHECK (r->memory->limit == 1048576 && r->pids_limit == 10 && r->cpu->quota == 50000);
  oci_resources_free (r);
  r = oci_resources_parse_data ("resources.json", "{\"cpu\": {\"shares\": true}}", 25, &err);
  CHECK (r == NULL);
  CHECK_STR (err, "resources.json: cpu.shares: expected an integer, got a boolean");
  free (err);
  report (ok, "bare linux.resources parse");
}

static void
test_state (void)
{
  bool ok = true;
  char *err = NULL, *g, *g2;
  static const char json[] = "{\"ociVersion\": \"1.2.0\", \"id\": \"c1\", \"status\": \"running\","
                             " \"pid\": 4242, \"bundle\": \"/b\", \"annotations\": {\"k\": \"v\"}}";
  oci_state *s = oci_state_parse_data ("state.json", json, strlen (json), &err), *s2;
  CHECK (s != NULL);
  if (s)
    {
      CHECK_STR (s->id, "c1");
      CHECK_STR (s->status, "running");
      CHECK (s->has_pid && s->pid == 4242);
      CHECK_STR (oci_map_get (&s->annotations, "k"), "v");
      g = oci_state_generate (s, true);
      s2 = oci_state_parse_data ("state.json", g, strlen (g), &err);
      CHECK (s2 != NULL);
      g2 = oci_state_generate (s2, true);
      CHECK_STR (g2, g);
      free (g);
      free (g2);
      oci_state_free (s2);
    }
  oci_state_free (s);
  s = oci_state_parse_data ("state.json", "{\"ociVersion\": \"1.2.0\", \"id\": \"c1\"}", 35, &err);
  CHECK (s == NULL);
  CHECK_STR (err, "state.json: status: required");
  free (err);
  report (ok, "state.json parse, errors and round-trip");
}

static void
test_status (void)
{
  bool ok = true;
  char *err = NULL, *g, *g2;
  static const char json[]
      = "{\"id\": \"ctr\", \"pid\": 77, \"pidStartTime\": 18446744073709551615, \"bundle\": \"/b\","
        " \"rootfs\": \"/b/rootfs\", \"configPath\": \"/b/config.json\", \"created\": \"2024-01-02T03:04:05Z\","
        " \"status\": \"created\", \"cgroupPath\": \"/sys/fs/cgroup/ocirt/ctr\", \"cgroupDriver\": \"v2\","
        " \"cgroupOwned\": true, \"systemdCgroup\": false, \"detached\": true, \"useTerminal\": true,"
        " \"noNewKeyring\": true, \"owner\": \"1000\", \"externalDescriptors\": [\"/dev/null\", \"pipe:[1]\", \"/dev/pts/0\"],"
        " \"annotations\": {\"a\": \"b\"}}";
  ocirt_status *s = ocirt_status_parse_data ("status.json", json, strlen (json), &err), *s2;
  CHECK_STR (err, NULL);
  CHECK (s != NULL);
  if (s)
    {
      CHECK_STR (s->id, "ctr");
      CHECK (s->pid == 77 && s->pid_start_time == UINT64_MAX);
      CHECK_STR (s->config_path, "/b/config.json");
      CHECK_STR (s->created, "2024-01-02T03:04:05Z");
      CHECK_STR (s->cgroup_path, "/sys/fs/cgroup/ocirt/ctr");
      CHECK_STR (s->cgroup_driver, "v2");
      CHECK (s->cgroup_owned && !s->systemd_cgroup && s->detached && s->use_terminal && s->no_new_keyring);
      CHECK_STR (s->owner, "1000");
      CHECK (s->external_descriptors_len == 3);
      CHECK_STR (s->external_descriptors[1], "pipe:[1]");
      g = ocirt_status_generate (s, false);
      s2 = ocirt_status_parse_data ("status.json", g, strlen (g), &err);
      CHECK (s2 != NULL);
      g2 = ocirt_status_generate (s2, false);
      CHECK_STR (g2, g);
      free (g);
      free (g2);
      ocirt_status_free (s2);
    }
  ocirt_status_free (s);
  s = ocirt_status_parse_data ("status.json", "{\"id\": \"x\", \"pid\": \"1\"}", 23, &err);
  CHECK (s == NULL);
  CHECK_STR (err, "status.json: pid: expected an integer, got a string");
  free (err);
  report (ok, "ocirt status parse, errors and round-trip");
}

/* Generation from a struct built in C (not parsed): absent optionals are omitted. */
static void
test_generate_from_struct (void)
{
  bool ok = true;
  char *args[] = { "sh", NULL };
  oci_process proc = { .args = args, .args_len = 1, .cwd = "/" };
  oci_config c = { .oci_version = "1.0.2", .process = &proc };
  oci_state st = { .oci_version = "1.0.2", .id = "x", .status = "stopped", .bundle = "/b" };
  char *g = oci_config_generate (&c, false);
  CHECK_STR (g, "{\"ociVersion\":\"1.0.2\",\"process\":{\"terminal\":false,\"user\":{\"uid\":0,\"gid\":0},"
                "\"args\":[\"sh\"],\"cwd\":\"/\",\"noNewPrivileges\":false}}");
  free (g);
  g = oci_state_generate (&st, false);
  CHECK_STR (g, "{\"ociVersion\":\"1.0.2\",\"id\":\"x\",\"status\":\"stopped\",\"bundle\":\"/b\"}");
  free (g);
  st.has_pid = true;
  st.pid = -1;
  g = oci_state_generate (&st, true);
  CHECK_STR (g, "{\n  \"ociVersion\": \"1.0.2\",\n  \"id\": \"x\",\n  \"status\": \"stopped\",\n"
                "  \"pid\": -1,\n  \"bundle\": \"/b\"\n}\n");
  free (g);
  CHECK (oci_config_generate (NULL, false) == NULL);
  report (ok, "generate from hand-built structs omits absent fields");
}

/* ---- writer and small helpers ------------------------------------------------------------- */

static void
test_writer (void)
{
  bool ok = true;
  char *s, *strv[] = { "a", "b\"c", NULL };
  size_t len = 0;
  ocispec_jw *w = ocispec_jw_new (false);

  ocispec_jw_begin_map (w);
  ocispec_jw_key (w, "s");
  ocispec_jw_string (w, "q\"b\\n\n\t\x01 é/");
  ocispec_jw_key (w, "i");
  ocispec_jw_int (w, INT64_MIN);
  ocispec_jw_key (w, "u");
  ocispec_jw_uint (w, UINT64_MAX);
  ocispec_jw_key (w, "d");
  ocispec_jw_double (w, 0.5);
  ocispec_jw_key (w, "b");
  ocispec_jw_bool (w, true);
  ocispec_jw_key (w, "n");
  ocispec_jw_null (w);
  ocispec_jw_key (w, "ns");
  ocispec_jw_string (w, NULL);
  ocispec_jw_key (w, "v");
  ocispec_jw_strv (w, strv, 2);
  ocispec_jw_key (w, "nested");
  ocispec_jw_begin_array (w);
  ocispec_jw_begin_map (w);
  ocispec_jw_end_map (w);
  ocispec_jw_begin_array (w);
  ocispec_jw_end_array (w);
  ocispec_jw_end_array (w);
  ocispec_jw_end_map (w);
  s = ocispec_jw_finish (w, &len);
  CHECK_STR (s, "{\"s\":\"q\\\"b\\\\n\\n\\t\\u0001 é/\",\"i\":-9223372036854775808,"
                "\"u\":18446744073709551615,\"d\":0.5,\"b\":true,\"n\":null,\"ns\":null,"
                "\"v\":[\"a\",\"b\\\"c\"],\"nested\":[{},[]]}");
  CHECK (s && len == strlen (s));
  free (s);

  w = ocispec_jw_new (true);
  ocispec_jw_begin_map (w);
  ocispec_jw_key (w, "a");
  ocispec_jw_begin_array (w);
  ocispec_jw_int (w, 1);
  ocispec_jw_end_array (w);
  ocispec_jw_end_map (w);
  s = ocispec_jw_finish (w, NULL);
  CHECK_STR (s, "{\n  \"a\": [\n    1\n  ]\n}\n");
  free (s);

  /* unbalanced or misused -> NULL */
  w = ocispec_jw_new (false);
  ocispec_jw_begin_map (w);
  CHECK (ocispec_jw_finish (w, NULL) == NULL);
  w = ocispec_jw_new (false);
  ocispec_jw_begin_array (w);
  ocispec_jw_end_map (w);
  CHECK (ocispec_jw_finish (w, NULL) == NULL);
  w = ocispec_jw_new (false);
  ocispec_jw_end_array (w);
  CHECK (ocispec_jw_finish (w, NULL) == NULL);
  w = ocispec_jw_new (false);
  ocispec_jw_begin_map (w);
  ocispec_jw_int (w, 1); /* value without key */
  ocispec_jw_end_map (w);
  CHECK (ocispec_jw_finish (w, NULL) == NULL);
  w = ocispec_jw_new (false);
  ocispec_jw_begin_map (w);
  ocispec_jw_key (w, "k"); /* key without value */
  ocispec_jw_end_map (w);
  CHECK (ocispec_jw_finish (w, NULL) == NULL);
  w = ocispec_jw_new (false);
  ocispec_jw_key (w, "k"); /* key outside a map */
  CHECK (ocispec_jw_finish (w, NULL) == NULL);
  w = ocispec_jw_new (false);
  ocispec_jw_int (w, 1);
  ocispec_jw_int (w, 2); /* two top-level values */
  CHECK (ocispec_jw_finish (w, NULL) == NULL);
  w = ocispec_jw_new (false);
  CHECK (ocispec_jw_finish (w, NULL) == NULL); /* nothing written */
  w = ocispec_jw_new (false);
  ocispec_jw_begin_array (w);
  ocispec_jw_double (w, 0.0 / 0.0); /* NaN is not JSON */
  ocispec_jw_end_array (w);
  CHECK (ocispec_jw_finish (w, NULL) == NULL);
  /* a top-level scalar is a valid document */
  w = ocispec_jw_new (false);
  ocispec_jw_uint (w, 7);
  s = ocispec_jw_finish (w, NULL);
  CHECK_STR (s, "7");
  free (s);
  report (ok, "writer: nesting, escaping, unbalanced -> NULL");
}

static void
test_quote_and_scalar (void)
{
  bool ok = true;
  char *s;
  static const char doc[] = "{\"a\": {\"b\": {\"c\": \"deep\"}, \"n\": -12, \"big\": 18446744073709551615,"
                            " \"t\": true, \"o\": {}, \"arr\": [1], \"nul\": null}, \"top\": \"x\"}";
  s = ocispec_json_quote ("a\"b\\c\n\x1f");
  CHECK_STR (s, "\"a\\\"b\\\\c\\n\\u001F\"");
  free (s);
  s = ocispec_json_quote ("");
  CHECK_STR (s, "\"\"");
  free (s);
#define SCALAR(path, want)                                         \
  do                                                               \
    {                                                              \
      s = ocispec_json_get_scalar (doc, strlen (doc), path);       \
      CHECK_STR (s, want);                                         \
      free (s);                                                    \
    }                                                              \
  while (0)
  SCALAR ("a.b.c", "deep");
  SCALAR ("a.n", "-12");
  SCALAR ("a.big", "18446744073709551615");
  SCALAR ("a.t", "true");
  SCALAR ("top", "x");
  SCALAR ("a.o", NULL);
  SCALAR ("a.arr", NULL);
  SCALAR ("a.nul", NULL);
  SCALAR ("a.missing", NULL);
  SCALAR ("top.x", NULL);
  s = ocispec_json_get_scalar ("{bad", 4, "a");
  CHECK (s == NULL);
  report (ok, "ocispec_json_quote and ocispec_json_get_scalar");
}

int
main (int argc, char **argv)
{
  if (argc > 1)
    srcdir = argv[1];
  else if (getenv ("OCIRT_SRCDIR"))
    srcdir = getenv ("OCIRT_SRCDIR");

  test_runc_default ();
  test_rootless ();
  test_every_field ();
  test_good_dir ();
  test_bad_dir ();
  test_errors_inline ();
  test_lenient ();
  test_parse_file ();
  test_process ();
  test_resources ();
  test_state ();
  test_status ();
  test_generate_from_struct ();
  test_writer ();
  test_quote_and_scalar ();

  printf ("1..%d\n", n_tests);
  return n_failed ? 1 : 0;
}
