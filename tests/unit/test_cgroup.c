/* ocirt: cgroup manager tests against the real kernel (root).  TAP output.
 * Runs the v1 variants on a legacy/hybrid host and the v2 variants on a unified host (the v2vm
 * guest: `make check-v2`).  Uses only absolute paths below /ocirt-test-<pid>; everything made
 * there is removed at exit, even after failures. */
#include <config.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "utils.h"

static int n_test, n_fail;
static char base[64];
static ocirt_cgroup_mode mode;
static const char *const v1_dirs[] = { "cpuset", "cpu", "cpuacct", "memory", "devices", "freezer", "blkio", "pids",
                                      "hugetlb", "net_cls", "net_prio", "perf_event", "rdma", "misc", NULL };

static void __attribute__ ((format (printf, 2, 3)))
ok (bool cond, const char *fmt, ...)
{
  va_list ap;
  printf ("%sok %d - ", cond ? "" : "not ", ++n_test);
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  printf ("\n");
  fflush (stdout);
  if (!cond)
    n_fail++;
}

static void
skip (const char *why)
{
  printf ("ok %d # skip %s\n", ++n_test, why);
  fflush (stdout);
}

static void __attribute__ ((format (printf, 1, 2)))
diag (const char *fmt, ...)
{
  va_list ap;
  printf ("# ");
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  printf ("\n");
  fflush (stdout);
}

static bool
check_err (int ret, ocirt_error_t *err, const char *what)
{
  if (ret < 0)
    {
      diag ("%s: %s", what, *err ? (*err)->msg : "(no message)");
      ocirt_error_release (err);
      return false;
    }
  return true;
}

/* File content with trailing whitespace trimmed, "" if unreadable. */
static char *
slurp (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
static char *
slurp (const char *fmt, ...)
{
  cleanup_free char *path = NULL;
  char *out = NULL;
  size_t l;
  va_list ap;
  va_start (ap, fmt);
  if (vasprintf (&path, fmt, ap) < 0)
    abort ();
  va_end (ap);
  if (read_file_at (AT_FDCWD, path, &out, NULL, NULL) < 0)
    return xstrdup ("");
  l = strlen (out);
  while (l > 0 && (out[l - 1] == '\n' || out[l - 1] == ' '))
    out[--l] = '\0';
  return out;
}

/* Directory of cgroup `rel` (below base) in controller `c` (ignored on v2). */
static char *
cgdir (const char *c, const char *rel)
{
  if (mode == OCIRT_CGROUP_MODE_V2)
    return xasprintf ("/sys/fs/cgroup%s%s%s", base, *rel ? "/" : "", rel);
  return xasprintf ("/sys/fs/cgroup/%s%s%s%s", c, base, *rel ? "/" : "", rel);
}

static char *
cgfile (const char *c, const char *rel, const char *file)
{
  cleanup_free char *d = cgdir (c, rel);
  return slurp ("%s/%s", d, file);
}

static bool
exists (const char *p)
{
  return access (p, F_OK) == 0;
}

static char *
path_of (const char *rel)
{
  return xasprintf ("%s/%s", base, rel);
}

/* ---- cleanup ----------------------------------------------------------------------------- */

static void
kill_and_rmdir (const char *dir)
{
  DIR *d;
  struct dirent *de;
  cleanup_free char *procs = slurp ("%s/cgroup.procs", dir);
  char *p, *save = NULL;
  int i;

  /* Processes in our test cgroups are ours (children of this program). */
  for (p = strtok_r (procs, "\n", &save); p; p = strtok_r (NULL, "\n", &save))
    if (atoi (p) > 1 && atoi (p) != getpid ())
      kill (atoi (p), SIGKILL);
  d = opendir (dir);
  if (d)
    {
      while ((de = readdir (d)))
        if (de->d_type == DT_DIR && strcmp (de->d_name, ".") && strcmp (de->d_name, ".."))
          {
            cleanup_free char *sub = xasprintf ("%s/%s", dir, de->d_name);
            kill_and_rmdir (sub);
          }
      closedir (d);
    }
  {
    cleanup_free char *st = xasprintf ("%s/freezer.state", dir);
    cleanup_free char *fz = xasprintf ("%s/cgroup.freeze", dir);
    if (exists (st))
      write_existing_at (AT_FDCWD, st, "THAWED", NULL);
    if (exists (fz))
      write_existing_at (AT_FDCWD, fz, "0", NULL);
  }
  for (i = 0; i < 200 && rmdir (dir) < 0 && errno == EBUSY; i++)
    usleep (10000);
}

static void
cleanup_all (void)
{
  size_t i;
  while (waitpid (-1, NULL, WNOHANG) > 0)
    ;
  if (base[0] != '/' || strlen (base) < 12) /* never the root */
    return;
  if (mode == OCIRT_CGROUP_MODE_V2)
    {
      cleanup_free char *d = cgdir ("", "");
      if (exists (d))
        kill_and_rmdir (d);
    }
  else
    for (i = 0; v1_dirs[i]; i++)
      {
        cleanup_free char *d = cgdir (v1_dirs[i], "");
        if (exists (d))
          kill_and_rmdir (d);
      }
  while (waitpid (-1, NULL, WNOHANG) > 0)
    ;
}

static void
on_signal (int sig)
{
  cleanup_all ();
  signal (sig, SIG_DFL);
  raise (sig);
}

/* mkdir base/rel in every hierarchy ourselves (a "pre-existing" directory). */
static void
premake (const char *rel)
{
  size_t i;
  if (mode == OCIRT_CGROUP_MODE_V2)
    {
      cleanup_free char *d = cgdir ("", rel);
      mkdir (d, 0755);
      return;
    }
  for (i = 0; v1_dirs[i]; i++)
    {
      cleanup_free char *root = xasprintf ("/sys/fs/cgroup/%s", v1_dirs[i]);
      cleanup_free char *d = cgdir (v1_dirs[i], rel);
      if (!exists (root))
        continue;
      mkdir (d, 0755);
      if (strcmp (v1_dirs[i], "cpuset") == 0)
        {
          cleanup_free char *cpus = slurp ("%s/cpuset.cpus", root);
          cleanup_free char *mems = slurp ("%s/cpuset.mems", root);
          cleanup_free char *f1 = xasprintf ("%s/cpuset.cpus", d);
          cleanup_free char *f2 = xasprintf ("%s/cpuset.mems", d);
          write_existing_at (AT_FDCWD, f1, cpus, NULL);
          write_existing_at (AT_FDCWD, f2, mems, NULL);
        }
    }
}

/* ---- children ---------------------------------------------------------------------------- */

/* Fork a child that joins cg (prepare_join / join_self) and runs fn; returns once it joined. */
static pid_t
spawn_in (ocirt_cgroup *cg, int (*fn) (void *), void *arg)
{
  cleanup_error ocirt_error_t err = NULL;
  int p[2];
  pid_t pid;
  char c;

  if (ocirt_cgroup_prepare_join (cg, NULL, &err) < 0)
    {
      diag ("prepare_join: %s", err->msg);
      return -1;
    }
  if (pipe (p) < 0)
    return -1;
  pid = fork ();
  if (pid == 0)
    {
      ocirt_error_t e = NULL;
      signal (SIGINT, SIG_DFL);
      signal (SIGTERM, SIG_DFL);
      signal (SIGALRM, SIG_DFL);
      close (p[0]);
      if (ocirt_cgroup_join_self (cg, &e) < 0)
        {
          fprintf (stderr, "join_self: %s\n", e->msg);
          _exit (120);
        }
      ocirt_cgroup_close_join (cg);
      (void) !write (p[1], "x", 1);
      close (p[1]);
      _exit (fn ? fn (arg) : 0);
    }
  ocirt_cgroup_close_join (cg);
  close (p[1]);
  if (read (p[0], &c, 1) != 1)
    {
      close (p[0]);
      return pid; /* child failed to join; caller sees its exit status */
    }
  close (p[0]);
  return pid;
}

static int
fn_sleep (void *arg)
{
  (void) arg;
  for (;;)
    pause ();
  return 0;
}

static int
fn_fork_until_fail (void *arg)
{
  int i;
  (void) arg;
  for (i = 1; i <= 100; i++)
    {
      pid_t c = fork ();
      if (c == 0)
        {
          for (;;)
            pause ();
        }
      if (c < 0)
        /* exit code: successful forks before the failure, +100 if the error was not EAGAIN */
        return errno == EAGAIN ? i - 1 : 100 + (i - 1 > 99 ? 99 : i - 1) % 100;
    }
  return 101;
}

static int
fn_eat_memory (void *arg)
{
  size_t sz = 200u << 20, i;
  char *m = mmap (NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  (void) arg;
  if (m == MAP_FAILED)
    return 3;
  for (i = 0; i < sz; i += 4096)
    m[i] = 1;
  return 0;
}

static int
fn_open_null_zero (void *arg)
{
  int a = open ("/dev/null", O_RDWR), b = open ("/dev/zero", O_RDONLY);
  (void) arg;
  return (a >= 0 ? 1 : 0) | (b >= 0 ? 2 : 0) | (a < 0 && errno == EPERM ? 4 : 0);
}

static int
wait_status (pid_t pid)
{
  int st = 0;
  while (waitpid (pid, &st, 0) < 0 && errno == EINTR)
    ;
  return st;
}

static bool
procs_contains (const char *dir, pid_t pid)
{
  cleanup_free char *procs = slurp ("%s/cgroup.procs", dir);
  char *p, *save = NULL;
  for (p = strtok_r (procs, "\n", &save); p; p = strtok_r (NULL, "\n", &save))
    if (atoi (p) == pid)
      return true;
  return false;
}

/* ---- tests ------------------------------------------------------------------------------- */

static void
test_resolve (void)
{
  static const char *const bad[] = { "/", "", "..", "/a/../..", "a/..", "/a/../b", "//", "/./.", "x:y:z", NULL };
  cleanup_error ocirt_error_t err = NULL;
  size_t i;

  for (i = 0; bad[i]; i++)
    {
      char *out = NULL;
      int ret = ocirt_cgroup_resolve_path (bad[i], "id", &out, &err);
      ok (ret < 0 && out == NULL && err && err->msg[0], "resolve_path refuses \"%s\" (%s)", bad[i],
          err ? err->msg : "accepted!");
      free (out);
      ocirt_error_release (&err);
    }
  {
    char *out = NULL;
    int ret = ocirt_cgroup_resolve_path ("/a/./b//c/", "id", &out, &err);
    ok (ret == 0 && out && strcmp (out, "/a/b/c") == 0, "resolve_path normalizes /a/./b//c/ -> %s", out ? out : "?");
    free (out);
    ocirt_error_release (&err);
  }
  {
    char *out = NULL;
    int ret = ocirt_cgroup_resolve_path (NULL, "ct1", &out, &err);
    ok (ret == 0 && out && strcmp (out, "/ocirt/ct1") == 0, "resolve_path NULL -> %s", out ? out : "?");
    free (out);
    ocirt_error_release (&err);
  }
}

static char *
block_dev (void)
{
  DIR *d = opendir ("/sys/block");
  struct dirent *de;
  char *ret = NULL;
  if (d == NULL)
    return NULL;
  while (ret == NULL && (de = readdir (d)))
    {
      if (de->d_name[0] == '.' || has_prefix (de->d_name, "zram") || has_prefix (de->d_name, "ram"))
        continue;
      ret = slurp ("/sys/block/%s/dev", de->d_name);
      if (*ret == '\0')
        {
          free (ret);
          ret = NULL;
        }
    }
  closedir (d);
  return ret;
}

/* create + resources + update + destroy of owned levels, with a pre-existing parent. */
static void
test_create_resources (void)
{
  cleanup_error ocirt_error_t err = NULL;
  cleanup_cgroup ocirt_cgroup *cg = NULL;
  cleanup_free char *path = path_of ("pre/a/b");
  cleanup_free char *dev = block_dev ();
  oci_memory mem = { 0 };
  oci_cpu cpu = { 0 };
  oci_block_io bio = { 0 };
  oci_throttle_device thr = { 0 };
  oci_device_cgroup devs[3] = { { 0 } };
  oci_resources res = { 0 };
  int ret;

  premake ("");
  premake ("pre");
  mem.has_limit = true;
  mem.limit = 64 << 20;
  mem.has_swap = true;
  mem.swap = 128 << 20;
  mem.has_reservation = true;
  mem.reservation = 32 << 20;
  cpu.has_shares = true;
  cpu.shares = 1024;
  cpu.has_quota = true;
  cpu.quota = 50000;
  cpu.has_period = true;
  cpu.period = 100000;
  cpu.cpus = (char *) "0";
  cpu.mems = (char *) "0";
  res.memory = &mem;
  res.cpu = &cpu;
  res.has_pids_limit = true;
  res.pids_limit = 20;
  if (dev)
    {
      unsigned maj = 0, min = 0;
      sscanf (dev, "%u:%u", &maj, &min);
      thr.major = maj;
      thr.minor = min;
      thr.rate = 1048576;
      bio.throttle_read_bps_device = &thr;
      bio.throttle_read_bps_device_len = 1;
      res.block_io = &bio;
    }
  devs[0].allow = true; /* a *:* rwm */
  devs[1].allow = false;
  devs[1].type = (char *) "c";
  devs[1].has_major = devs[1].has_minor = true;
  devs[1].major = 1;
  devs[1].minor = 3;
  devs[1].access = (char *) "rwm";
  if (mode == OCIRT_CGROUP_MODE_V1)
    {
      /* v1 devices.list shows whitelist entries: deny all, then allow c 1:5 rw */
      devs[0].allow = true;
      devs[0].type = (char *) "c";
      devs[0].has_major = devs[0].has_minor = true;
      devs[0].major = 1;
      devs[0].minor = 5;
      devs[0].access = (char *) "rw";
      res.devices = devs;
      res.devices_len = 1;
    }

  ret = ocirt_cgroup_create (path, &res, &cg, &err);
  ok (check_err (ret, &err, "create"), "create %s with resources (%s)", path, ocirt_cgroup_mode_name (mode));
  if (ret < 0)
    return;
  ok (strcmp (ocirt_cgroup_get_path (cg), path) == 0, "get_path");
  if (mode == OCIRT_CGROUP_MODE_V1)
    {
      cleanup_free char *lim = cgfile ("memory", "pre/a/b", "memory.limit_in_bytes");
      cleanup_free char *sw = cgfile ("memory", "pre/a/b", "memory.memsw.limit_in_bytes");
      cleanup_free char *soft = cgfile ("memory", "pre/a/b", "memory.soft_limit_in_bytes");
      cleanup_free char *q = cgfile ("cpu", "pre/a/b", "cpu.cfs_quota_us");
      cleanup_free char *sh = cgfile ("cpu", "pre/a/b", "cpu.shares");
      cleanup_free char *cs = cgfile ("cpuset", "pre/a/b", "cpuset.cpus");
      cleanup_free char *pm = cgfile ("pids", "pre/a/b", "pids.max");
      cleanup_free char *dl = cgfile ("devices", "pre/a/b", "devices.list");
      cleanup_free char *cs_a = cgfile ("cpuset", "pre/a", "cpuset.cpus");
      ok (strcmp (lim, "67108864") == 0, "memory.limit_in_bytes = %s", lim);
      ok (strcmp (sw, "134217728") == 0, "memory.memsw.limit_in_bytes = %s", sw);
      ok (strcmp (soft, "33554432") == 0, "memory.soft_limit_in_bytes = %s", soft);
      ok (strcmp (q, "50000") == 0, "cpu.cfs_quota_us = %s", q);
      ok (strcmp (sh, "1024") == 0, "cpu.shares = %s", sh);
      ok (strcmp (cs, "0") == 0, "cpuset.cpus = %s", cs);
      ok (*cs_a != '\0', "intermediate cpuset level got cpus copied (%s)", cs_a);
      ok (strcmp (pm, "20") == 0, "pids.max = %s", pm);
      ok (strcmp (dl, "c 1:5 rw") == 0, "devices.list = %s", dl);
      if (dev)
        {
          cleanup_free char *t = cgfile ("blkio", "pre/a/b", "blkio.throttle.read_bps_device");
          cleanup_free char *want = xasprintf ("%s 1048576", dev);
          ok (strcmp (t, want) == 0, "blkio.throttle.read_bps_device = %s", t);
        }
      else
        skip ("no block device");
    }
  else
    {
      cleanup_free char *mx = cgfile ("", "pre/a/b", "memory.max");
      cleanup_free char *sw = cgfile ("", "pre/a/b", "memory.swap.max");
      cleanup_free char *low = cgfile ("", "pre/a/b", "memory.low");
      cleanup_free char *cm = cgfile ("", "pre/a/b", "cpu.max");
      cleanup_free char *w = cgfile ("", "pre/a/b", "cpu.weight");
      cleanup_free char *cs = cgfile ("", "pre/a/b", "cpuset.cpus");
      cleanup_free char *pm = cgfile ("", "pre/a/b", "pids.max");
      cleanup_free char *sc = cgfile ("", "pre/a", "cgroup.subtree_control");
      cleanup_free char *scl = cgfile ("", "pre/a/b", "cgroup.subtree_control");
      ok (strcmp (mx, "67108864") == 0, "memory.max = %s", mx);
      ok (strcmp (sw, "67108864") == 0, "memory.swap.max = %s (swap - limit)", sw);
      ok (strcmp (low, "33554432") == 0, "memory.low = %s", low);
      ok (strcmp (cm, "50000 100000") == 0, "cpu.max = %s", cm);
      ok (strcmp (w, "100") == 0, "cpu.weight = %s (shares 1024)", w);
      ok (strcmp (cs, "0") == 0, "cpuset.cpus = %s", cs);
      ok (strcmp (pm, "20") == 0, "pids.max = %s", pm);
      ok (strstr (sc, "memory") && strstr (sc, "pids") && strstr (sc, "cpu"), "parent subtree_control = %s", sc);
      ok (*scl == '\0', "leaf subtree_control untouched (%s)", scl);
      if (dev)
        {
          cleanup_free char *io = cgfile ("", "pre/a/b", "io.max");
          cleanup_free char *want = xasprintf ("%s rbps=1048576", dev);
          ok (has_prefix (io, want), "io.max = %s", io);
        }
      else
        skip ("no block device for io.max");
    }

  /* update: only the fields present */
  {
    oci_memory m2 = { 0 };
    oci_cpu c2 = { 0 };
    oci_resources r2 = { 0 };
    m2.has_limit = true;
    m2.limit = 256 << 20;
    m2.has_swap = true;
    m2.swap = 512 << 20; /* raising above the old memsw: memsw must be written first */
    c2.has_quota = true;
    c2.quota = -1;
    r2.memory = &m2;
    r2.cpu = &c2;
    ret = ocirt_cgroup_update (cg, &r2, &err);
    ok (check_err (ret, &err, "update"), "update raises memory above old memory+swap");
    if (mode == OCIRT_CGROUP_MODE_V1)
      {
        cleanup_free char *lim = cgfile ("memory", "pre/a/b", "memory.limit_in_bytes");
        cleanup_free char *sw = cgfile ("memory", "pre/a/b", "memory.memsw.limit_in_bytes");
        cleanup_free char *q = cgfile ("cpu", "pre/a/b", "cpu.cfs_quota_us");
        cleanup_free char *pm = cgfile ("pids", "pre/a/b", "pids.max");
        ok (strcmp (lim, "268435456") == 0 && strcmp (sw, "536870912") == 0, "updated limit %s memsw %s", lim, sw);
        ok (strcmp (q, "-1") == 0, "cpu.cfs_quota_us = %s after quota -1", q);
        ok (strcmp (pm, "20") == 0, "pids.max untouched by update (%s)", pm);
      }
    else
      {
        cleanup_free char *mx = cgfile ("", "pre/a/b", "memory.max");
        cleanup_free char *sw = cgfile ("", "pre/a/b", "memory.swap.max");
        cleanup_free char *cm = cgfile ("", "pre/a/b", "cpu.max");
        cleanup_free char *pm = cgfile ("", "pre/a/b", "pids.max");
        ok (strcmp (mx, "268435456") == 0 && strcmp (sw, "268435456") == 0, "updated memory.max %s swap.max %s", mx,
            sw);
        ok (strcmp (cm, "max 100000") == 0, "cpu.max = %s after quota -1", cm);
        ok (strcmp (pm, "20") == 0, "pids.max untouched by update (%s)", pm);
      }
    /* lower both again: limit first, then memsw */
    m2.limit = 32 << 20;
    m2.swap = 64 << 20;
    ret = ocirt_cgroup_update (cg, &r2, &err);
    ok (check_err (ret, &err, "update lower"), "update lowers memory and memory+swap");
  }

  /* rejected values name the file and the value */
  {
    oci_memory m3 = { 0 };
    oci_resources r3 = { 0 };
    m3.has_limit = true;
    m3.limit = 64 << 20;
    m3.has_swap = true;
    m3.swap = 16 << 20; /* memory+swap below memory */
    r3.memory = &m3;
    ret = ocirt_cgroup_update (cg, &r3, &err);
    ok (ret < 0 && err
            && (mode == OCIRT_CGROUP_MODE_V1 ? strstr (err->msg, "memory.memsw.limit_in_bytes") != NULL
                                             : strstr (err->msg, "swap") != NULL),
        "swap < limit refused: %s", err ? err->msg : "accepted!");
    ocirt_error_release (&err);
  }
  if (mode == OCIRT_CGROUP_MODE_V1)
    {
      oci_cpu c3 = { 0 };
      oci_resources r3 = { 0 };
      oci_kv kv = { (char *) "memory.max", (char *) "1" };
      oci_hugepage_limit hp = { (char *) "2MB", 1 << 21 };
      c3.has_period = true;
      c3.period = 1; /* below the kernel minimum */
      r3.cpu = &c3;
      ret = ocirt_cgroup_update (cg, &r3, &err);
      ok (ret < 0 && err && strstr (err->msg, "write 1 to ") && strstr (err->msg, "cpu.cfs_period_us: Invalid argument"),
          "kernel-rejected value: %s", err ? err->msg : "accepted!");
      ocirt_error_release (&err);
      memset (&r3, 0, sizeof r3);
      r3.unified.items = &kv;
      r3.unified.len = 1;
      ret = ocirt_cgroup_update (cg, &r3, &err);
      ok (ret < 0 && err && strstr (err->msg, "unified"), "unified on v1 refused: %s", err ? err->msg : "accepted!");
      ocirt_error_release (&err);
      if (!exists ("/sys/fs/cgroup/hugetlb"))
        {
          memset (&r3, 0, sizeof r3);
          r3.hugepage_limits = &hp;
          r3.hugepage_limits_len = 1;
          ret = ocirt_cgroup_update (cg, &r3, &err);
          ok (ret < 0 && err && strstr (err->msg, "hugetlb"), "missing controller named: %s",
              err ? err->msg : "accepted!");
          ocirt_error_release (&err);
        }
    }
  else
    {
      oci_resources r3 = { 0 };
      oci_kv kv[2] = { { (char *) "memory.high", (char *) "100000000" }, { (char *) "../memory.max", (char *) "1" } };
      cleanup_free char *high = NULL;
      r3.unified.items = kv;
      r3.unified.len = 1;
      ret = ocirt_cgroup_update (cg, &r3, &err);
      high = cgfile ("", "pre/a/b", "memory.high");
      ok (check_err (ret, &err, "unified") && strcmp (high, "99999744") == 0, "unified memory.high written (%s)", high);
      r3.unified.items = &kv[1];
      ret = ocirt_cgroup_update (cg, &r3, &err);
      ok (ret < 0 && err, "unified key with .. refused: %s", err ? err->msg : "accepted!");
      ocirt_error_release (&err);
      kv[0].key = (char *) "nosuch.max";
      r3.unified.items = kv;
      ret = ocirt_cgroup_update (cg, &r3, &err);
      ok (ret < 0 && err && strstr (err->msg, "nosuch.max"), "unified unknown controller refused: %s",
          err ? err->msg : "accepted!");
      ocirt_error_release (&err);
      /* hugetlb if the kernel has it */
      {
        cleanup_free char *hd = cgdir ("", "pre/a/b");
        cleanup_free char *hf = xasprintf ("%s/hugetlb.2MB.max", hd);
        if (exists (hf))
          {
            oci_hugepage_limit hp = { (char *) "2MB", 4 << 20 };
            cleanup_free char *v = NULL;
            memset (&r3, 0, sizeof r3);
            r3.hugepage_limits = &hp;
            r3.hugepage_limits_len = 1;
            ret = ocirt_cgroup_update (cg, &r3, &err);
            v = cgfile ("", "pre/a/b", "hugetlb.2MB.max");
            ok (check_err (ret, &err, "hugetlb") && strcmp (v, "4194304") == 0, "hugetlb.2MB.max = %s", v);
          }
        else
          skip ("no hugetlb.2MB.max");
      }
      /* io.weight / io.bfq.weight if present */
      {
        cleanup_free char *hd = cgdir ("", "pre/a/b");
        cleanup_free char *bfq = xasprintf ("%s/io.bfq.weight", hd);
        cleanup_free char *iow = xasprintf ("%s/io.weight", hd);
        if (exists (bfq) || exists (iow))
          {
            oci_block_io b = { 0 };
            cleanup_free char *v = NULL;
            b.has_weight = true;
            b.weight = 500;
            memset (&r3, 0, sizeof r3);
            r3.block_io = &b;
            ret = ocirt_cgroup_update (cg, &r3, &err);
            v = cgfile ("", "pre/a/b", exists (bfq) ? "io.bfq.weight" : "io.weight");
            ok (check_err (ret, &err, "io weight") && strstr (v, exists (bfq) ? "500" : "4950") != NULL,
                "%s = %s (blkio weight 500)", exists (bfq) ? "io.bfq.weight" : "io.weight", v);
          }
        else
          skip ("no io.weight / io.bfq.weight (no weight-capable io scheduler)");
      }
    }

  /* a child placed with prepare_join/join_self */
  {
    pid_t pid = spawn_in (cg, fn_sleep, NULL);
    cleanup_free char *own = slurp ("/proc/%d/cgroup", (int) pid);
    cleanup_free char *d = cgdir (mode == OCIRT_CGROUP_MODE_V1 ? "memory" : "", "pre/a/b");
    cleanup_free char *want = xasprintf (mode == OCIRT_CGROUP_MODE_V1 ? ":memory:%s\n" : "0::%s", path);
    cleanup_free char *d2 = cgdir ("pids", "pre/a/b");
    ok (pid > 0 && procs_contains (d, pid) && procs_contains (d2, pid), "child %d in cgroup.procs", (int) pid);
    ok (strstr (own, want) != NULL, "/proc/%d/cgroup shows %s", (int) pid, path);
    ret = ocirt_cgroup_destroy (cg, false, &err);
    ok (ret < 0 && err && strstr (err->msg, "still has processes"), "destroy without force refused: %s",
        err ? err->msg : "accepted!");
    ocirt_error_release (&err);
    ok (exists (d), "leaf still there after refused destroy");
    ret = ocirt_cgroup_destroy (cg, true, &err);
    ok (check_err (ret, &err, "destroy force"), "destroy(force) kills and removes");
    ok (WIFSIGNALED (wait_status (pid)), "child was killed by destroy(force)");
  }
  {
    size_t i;
    bool gone = true, kept = true;
    for (i = 0; v1_dirs[i]; i++)
      {
        cleanup_free char *root = xasprintf ("/sys/fs/cgroup/%s", v1_dirs[i]);
        cleanup_free char *a = cgdir (v1_dirs[i], "pre/a");
        cleanup_free char *pre = cgdir (v1_dirs[i], "pre");
        if (mode == OCIRT_CGROUP_MODE_V1 && !exists (root))
          continue;
        if (exists (a))
          gone = false;
        if (!exists (pre))
          kept = false;
        if (mode == OCIRT_CGROUP_MODE_V2)
          break;
      }
    ok (gone, "created levels a and a/b removed");
    ok (kept, "pre-existing parent survives destroy");
  }
}

static ocirt_cgroup *
make_cg (const char *rel, const oci_resources *res)
{
  cleanup_error ocirt_error_t err = NULL;
  cleanup_free char *path = path_of (rel);
  ocirt_cgroup *cg = NULL;
  if (ocirt_cgroup_create (path, res, &cg, &err) < 0)
    {
      diag ("create %s: %s", path, err->msg);
      return NULL;
    }
  return cg;
}

static void
test_pids_limit (void)
{
  cleanup_error ocirt_error_t err = NULL;
  oci_resources res = { 0 };
  cleanup_cgroup ocirt_cgroup *cg = NULL;
  pid_t pid;
  int st;

  res.has_pids_limit = true;
  res.pids_limit = 20;
  cg = make_cg ("pids20", &res);
  ok (cg != NULL, "create with pids limit 20");
  if (cg == NULL)
    return;
  pid = spawn_in (cg, fn_fork_until_fail, NULL);
  st = wait_status (pid);
  /* the child is process 1 of 20: 19 forks succeed, the next (21st process) fails with EAGAIN */
  ok (WIFEXITED (st) && WEXITSTATUS (st) == 19, "pids.max 20: 19 forks then EAGAIN (exit %d)",
      WIFEXITED (st) ? WEXITSTATUS (st) : -1);
  ok (check_err (ocirt_cgroup_destroy (cg, true, &err), &err, "destroy"), "destroy(force) pids cgroup");
}

static void
test_oom (void)
{
  cleanup_error ocirt_error_t err = NULL;
  oci_resources res = { 0 };
  oci_memory mem = { 0 };
  cleanup_cgroup ocirt_cgroup *cg = NULL;
  uint64_t before = 0, after = 0, ev = 0;
  int fd, st;
  pid_t pid;

  mem.has_limit = true;
  mem.limit = 64 << 20;
  mem.has_swap = true;
  mem.swap = 64 << 20; /* no swap: memory+swap == memory */
  res.memory = &mem;
  cg = make_cg ("oom", &res);
  ok (cg != NULL, "create with memory 64 MiB");
  if (cg == NULL)
    return;
  fd = ocirt_cgroup_oom_fd (cg, &err);
  ok (check_err (fd, &err, "oom_fd") && fd >= 0, "oom fd %d", fd);
  ok (check_err (ocirt_cgroup_oom_count (cg, &before, &err), &err, "oom_count"), "oom count before = %llu",
      (unsigned long long) before);
  pid = spawn_in (cg, fn_eat_memory, NULL);
  st = wait_status (pid);
  ok (WIFSIGNALED (st) && WTERMSIG (st) == SIGKILL, "child touching 200 MiB was SIGKILLed (status 0x%x)", st);
  ocirt_cgroup_oom_count (cg, &after, &err);
  ocirt_error_release (&err);
  ok (after > before, "oom_kill counter rose %llu -> %llu", (unsigned long long) before, (unsigned long long) after);
  if (mode == OCIRT_CGROUP_MODE_V1)
    {
      bool got = fd >= 0 && read (fd, &ev, sizeof ev) == sizeof ev;
      ok (got && ev > 0, "eventfd signalled (%llu)", (unsigned long long) ev);
    }
  else
    {
      char buf[4096];
      ok (fd >= 0 && read (fd, buf, sizeof buf) > 0, "inotify on memory.events signalled");
    }
  ok (check_err (ocirt_cgroup_destroy (cg, true, &err), &err, "destroy"), "destroy oom cgroup");
}

static void
test_freeze_kill (void)
{
  cleanup_error ocirt_error_t err = NULL;
  cleanup_cgroup ocirt_cgroup *cg = make_cg ("fz", NULL);
  pid_t pids[3];
  int i, killed = 0, ret;
  cleanup_free char *state = NULL;
  cleanup_free pid_t *list = NULL;
  size_t n = 0;

  ok (cg != NULL, "create fz");
  if (cg == NULL)
    return;
  for (i = 0; i < 3; i++)
    pids[i] = spawn_in (cg, fn_sleep, NULL);
  ret = ocirt_cgroup_pids (cg, &list, &n, &err);
  ok (check_err (ret, &err, "pids") && n == 3, "pids lists 3 processes (%zu)", n);
  ret = ocirt_cgroup_freeze (cg, true, &err);
  ok (check_err (ret, &err, "freeze"), "freeze");
  state = mode == OCIRT_CGROUP_MODE_V1 ? cgfile ("freezer", "fz", "freezer.state") : cgfile ("", "fz", "cgroup.freeze");
  ok (strcmp (state, mode == OCIRT_CGROUP_MODE_V1 ? "FROZEN" : "1") == 0, "frozen state reads %s", state);
  ok (ocirt_cgroup_is_frozen (cg, &err) == 1, "is_frozen = 1");
  {
    cleanup_free char *ps = slurp ("/proc/%d/stat", (int) pids[0]);
    diag ("frozen child stat: %.60s", ps);
  }
  ret = ocirt_cgroup_freeze (cg, false, &err);
  ok (check_err (ret, &err, "thaw"), "thaw");
  free (state);
  state = mode == OCIRT_CGROUP_MODE_V1 ? cgfile ("freezer", "fz", "freezer.state") : cgfile ("", "fz", "cgroup.freeze");
  ok (strcmp (state, mode == OCIRT_CGROUP_MODE_V1 ? "THAWED" : "0") == 0 && ocirt_cgroup_is_frozen (cg, &err) == 0,
      "thawed state reads %s", state);
  ret = ocirt_cgroup_kill_all (cg, SIGKILL, &err);
  ok (check_err (ret, &err, "kill_all"), "kill_all(SIGKILL)");
  for (i = 0; i < 3; i++)
    {
      int st = wait_status (pids[i]);
      if (WIFSIGNALED (st) && WTERMSIG (st) == SIGKILL)
        killed++;
    }
  ok (killed == 3, "kill_all killed %d/3 children", killed);
  /* kill_all with another signal goes through freeze + kill + thaw */
  for (i = 0; i < 2; i++)
    pids[i] = spawn_in (cg, fn_sleep, NULL);
  ret = ocirt_cgroup_kill_all (cg, SIGTERM, &err);
  killed = 0;
  for (i = 0; i < 2; i++)
    {
      int st = wait_status (pids[i]);
      if (WIFSIGNALED (st) && WTERMSIG (st) == SIGTERM)
        killed++;
    }
  ok (check_err (ret, &err, "kill_all TERM") && killed == 2 && ocirt_cgroup_is_frozen (cg, &err) == 0,
      "kill_all(SIGTERM) signalled %d/2 and left the cgroup thawed", killed);
  ok (check_err (ocirt_cgroup_destroy (cg, false, &err), &err, "destroy"), "destroy empty cgroup without force");
}

static void
test_load (void)
{
  cleanup_error ocirt_error_t err = NULL;
  cleanup_cgroup ocirt_cgroup *cg = make_cg ("ld/leaf", NULL);
  cleanup_cgroup ocirt_cgroup *cg2 = NULL;
  cleanup_free char *path = path_of ("ld/leaf");
  cleanup_free char *leaf = cgdir (mode == OCIRT_CGROUP_MODE_V1 ? "memory" : "", "ld/leaf");
  cleanup_free char *mid = cgdir (mode == OCIRT_CGROUP_MODE_V1 ? "memory" : "", "ld");
  int ret;

  ok (cg != NULL, "create ld/leaf");
  if (cg == NULL)
    return;
  ret = ocirt_cgroup_load (path, "cgroupfs", true, &cg2, &err);
  ok (check_err (ret, &err, "load"), "load owned");
  if (ret < 0)
    return;
  ret = ocirt_cgroup_destroy (cg2, false, &err);
  ok (check_err (ret, &err, "destroy") && !exists (leaf) && exists (mid), "destroy of loaded manager removes only the leaf");
  ret = ocirt_cgroup_load (path, "systemd", true, &cg2, &err);
  ok (ret < 0, "load with systemd driver refused: %s", err ? err->msg : "accepted");
  ocirt_error_release (&err);
}

/* v2: the eBPF device filter. */
static void
test_v2_devices (void)
{
  cleanup_error ocirt_error_t err = NULL;
  oci_device_cgroup devs[3] = { { 0 } };
  oci_resources res = { 0 };
  cleanup_cgroup ocirt_cgroup *cg = NULL;
  pid_t pid;
  int st, n, ret;

  devs[0].allow = true; /* a *:* rwm */
  devs[1].allow = false;
  devs[1].type = (char *) "c";
  devs[1].has_major = devs[1].has_minor = true;
  devs[1].major = 1;
  devs[1].minor = 3;
  devs[1].access = (char *) "rwm";
  res.devices = devs;
  res.devices_len = 2;
  cg = make_cg ("dev", &res);
  ok (cg != NULL, "create with device rules (allow all, deny c 1:3)");
  if (cg == NULL)
    return;
  n = ocirt_cgroup_device_programs (cg, &err);
  ok (n == 1, "one device program attached (%d)", n);
  pid = spawn_in (cg, fn_open_null_zero, NULL);
  st = wait_status (pid);
  ok (WIFEXITED (st) && WEXITSTATUS (st) == (2 | 4), "/dev/null denied (EPERM), /dev/zero allowed (exit %d)",
      WIFEXITED (st) ? WEXITSTATUS (st) : -1);
  /* last matching rule wins: allow 1:3 again after the deny */
  devs[2].allow = true;
  devs[2].type = (char *) "c";
  devs[2].has_major = devs[2].has_minor = true;
  devs[2].major = 1;
  devs[2].minor = 3;
  devs[2].access = (char *) "rw";
  res.devices_len = 3;
  ret = ocirt_cgroup_update (cg, &res, &err);
  ok (check_err (ret, &err, "update devices"), "update device rules");
  n = ocirt_cgroup_device_programs (cg, &err);
  ok (n == 1, "exactly one device program after update (%d)", n);
  pid = spawn_in (cg, fn_open_null_zero, NULL);
  st = wait_status (pid);
  ok (WIFEXITED (st) && WEXITSTATUS (st) == (1 | 2), "/dev/null allowed again by the later rule (exit %d)",
      WIFEXITED (st) ? WEXITSTATUS (st) : -1);
  /* default deny: only c 1:5 r allowed */
  devs[0].allow = true;
  devs[0].type = (char *) "c";
  devs[0].has_major = devs[0].has_minor = true;
  devs[0].major = 1;
  devs[0].minor = 5;
  devs[0].access = (char *) "r";
  res.devices_len = 1;
  ret = ocirt_cgroup_update (cg, &res, &err);
  pid = spawn_in (cg, fn_open_null_zero, NULL);
  st = wait_status (pid);
  ok (check_err (ret, &err, "update") && WIFEXITED (st) && WEXITSTATUS (st) == (2 | 4),
      "default deny: only c 1:5 r allowed (exit %d)", WIFEXITED (st) ? WEXITSTATUS (st) : -1);
  ok (check_err (ocirt_cgroup_destroy (cg, true, &err), &err, "destroy"), "destroy dev cgroup");
}

/* v2 (guest): a relative cgroupsPath resolves below our own cgroup; create/destroy it. */
static void
test_v2_relative (void)
{
  cleanup_error ocirt_error_t err = NULL;
  cleanup_free char *self = slurp ("/proc/self/cgroup");
  cleanup_free char *rel = xasprintf ("%s/rel/x", base + 1);
  cleanup_free char *want = NULL;
  cleanup_free char *out = NULL;
  cleanup_cgroup ocirt_cgroup *cg = NULL;
  const char *own = has_prefix (self, "0::") ? self + 3 : "/";
  int ret;

  want = xasprintf ("%s/%s", strcmp (own, "/") == 0 ? "" : own, rel);
  ret = ocirt_cgroup_resolve_path (rel, "id", &out, &err);
  ok (check_err (ret, &err, "resolve") && strcmp (out, want) == 0, "relative %s -> %s (own cgroup %s)", rel,
      out ? out : "?", own);
  if (ret < 0 || strcmp (own, "/") != 0)
    return; /* only create below our own cgroup when that is the root (the guest) */
  ret = ocirt_cgroup_create (out, NULL, &cg, &err);
  {
    cleanup_free char *d = xasprintf ("/sys/fs/cgroup%s", out);
    ok (check_err (ret, &err, "create relative") && exists (d), "created %s", d);
  }
  if (cg)
    ok (check_err (ocirt_cgroup_destroy (cg, false, &err), &err, "destroy"), "destroy relative");
  {
    cleanup_free char *def = NULL;
    ret = ocirt_cgroup_resolve_path (NULL, base + 1, &def, &err);
    ok (ret == 0 && def && has_prefix (def, "/ocirt/"), "default path %s", def ? def : "?");
  }
}

int
main (void)
{
  if (geteuid () != 0)
    {
      printf ("1..0 # skip needs root\n");
      return 0;
    }
  mode = ocirt_cgroup_detect_mode ();
  if (mode == OCIRT_CGROUP_MODE_NONE)
    {
      printf ("1..0 # skip no cgroup filesystem\n");
      return 0;
    }
  snprintf (base, sizeof base, "/ocirt-test-%d", (int) getpid ());
  atexit (cleanup_all);
  signal (SIGINT, on_signal);
  signal (SIGTERM, on_signal);
  signal (SIGALRM, on_signal);
  alarm (300);
  diag ("cgroup mode %s, base %s", ocirt_cgroup_mode_name (mode), base);

  test_resolve ();
  test_create_resources ();
  test_pids_limit ();
  test_oom ();
  test_freeze_kill ();
  test_load ();
  if (mode == OCIRT_CGROUP_MODE_V2)
    {
      test_v2_devices ();
      test_v2_relative ();
    }
  cleanup_all ();
  {
    cleanup_free char *d = cgdir (mode == OCIRT_CGROUP_MODE_V1 ? "memory" : "", "");
    ok (!exists (d), "test cgroups cleaned up");
  }
  printf ("1..%d\n", n_test);
  return n_fail ? 1 : 0;
}
