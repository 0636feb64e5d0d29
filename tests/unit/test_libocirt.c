/* Unit tests (TAP) for libocirt's pure pieces: errors, ids, signals, path resolution inside a
 * root (openat2 and the fallback walk), namespace and mount planning, process validation.
 * No root needed: the path tests build a small tree with hostile symlinks in a temp dir. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "mounts.h"
#include "namespaces.h"
#include "paths.h"
#include "process.h"
#include "signals.h"
#include "state.h"
#include "utils.h"

static int n_test, n_failed;

static void
check (bool ok, const char *name)
{
  printf ("%sok %d - %s\n", ok ? "" : "not ", ++n_test, name);
  if (!ok)
    n_failed++;
}

static void
check_str (const char *got, const char *want, const char *name)
{
  bool ok = got && want && strcmp (got, want) == 0;
  if (!ok)
    printf ("# got `%s`, want `%s`\n", got ? got : "(null)", want ? want : "(null)");
  check (ok, name);
}

static void
test_errors (void)
{
  ocirt_error_t err = NULL;
  int r = ocirt_error_set (&err, ENOENT, "open %s", "/x");
  check (r == -ENOENT && err && err->status == ENOENT, "error_set returns -errno and keeps it");
  check_str (err->msg, "open /x: No such file or directory", "error_set appends strerror");
  ocirt_error_wrap (&err, "mounts[%d]", 2);
  check_str (err->msg, "mounts[2]: open /x: No such file or directory", "error_wrap prepends context");
  ocirt_error_release (&err);
  check (err == NULL, "error_release clears");
  r = ocirt_error_set (&err, 0, "plain");
  check (r == -1 && strcmp (err->msg, "plain") == 0, "error without errno");
  ocirt_error_release (&err);
}

static void
test_ids (void)
{
  static const char *const good[] = { "a", "abc-DEF_1.2+3", "0", NULL };
  static const char *const bad[] = { "", "a/b", "..", ".hidden", "-x", "a b", "a\nb", "x/../y", NULL };
  size_t i;
  bool ok = true;
  char long_id[1100];

  for (i = 0; good[i]; i++)
    ok &= ocirt_validate_id (good[i], NULL) == 0;
  check (ok, "valid ids accepted");
  ok = true;
  for (i = 0; bad[i]; i++)
    {
      ocirt_error_t err = NULL;
      if (ocirt_validate_id (bad[i], &err) == 0)
        {
          printf ("# accepted `%s`\n", bad[i]);
          ok = false;
        }
      ocirt_error_release (&err);
    }
  check (ok, "ids with /, .., spaces or a leading dot are refused");
  memset (long_id, 'a', sizeof long_id - 1);
  long_id[sizeof long_id - 1] = '\0';
  check (ocirt_validate_id (long_id, NULL) < 0, "ids over 1024 characters are refused");
}

static void
test_signals (void)
{
  check (ocirt_signal_parse ("TERM", NULL) == SIGTERM, "signal TERM");
  check (ocirt_signal_parse ("SIGKILL", NULL) == SIGKILL, "signal SIGKILL");
  check (ocirt_signal_parse ("sigusr1", NULL) == SIGUSR1, "signal names are case-insensitive");
  check (ocirt_signal_parse ("9", NULL) == 9, "signal by number");
  check (ocirt_signal_parse ("RTMIN+3", NULL) == SIGRTMIN + 3, "signal RTMIN+3");
  check (ocirt_signal_parse ("SIGRTMAX-1", NULL) == SIGRTMAX - 1, "signal SIGRTMAX-1");
  check (ocirt_signal_parse ("FOO", NULL) < 0 && ocirt_signal_parse ("0", NULL) < 0
             && ocirt_signal_parse ("999", NULL) < 0 && ocirt_signal_parse ("9x", NULL) < 0,
         "bad signals refused");
}

static void
test_path_clean (void)
{
  static const char *const cases[][2] = {
    { "/", "/" },           { "", "/" },         { "a/b", "/a/b" },     { "//a///b/", "/a/b" },
    { "/a/./b/.", "/a/b" }, { "/a/../b", "/b" }, { "/../../x", "/x" }, { "/a/b/../../..", "/" },
  };
  size_t i;
  bool ok = true;
  for (i = 0; i < ARRAY_SIZE (cases); i++)
    {
      cleanup_free char *c = ocirt_path_clean (cases[i][0]);
      if (strcmp (c, cases[i][1]))
        {
          printf ("# clean(`%s`) = `%s`, want `%s`\n", cases[i][0], c, cases[i][1]);
          ok = false;
        }
    }
  check (ok, "path_clean never goes above /");
}

/* A root with: etc/ (real dir), abs -> / , rel -> ../../.., loop -> loop, etcl -> /etc,
 * deep -> etc/../../../etc, file. "Outside" is a sibling dir that must never be reached. */
static char root[PATH_MAX], outside[PATH_MAX];

static void
make_tree (const char *base)
{
  char p[PATH_MAX * 2];
  snprintf (root, sizeof root, "%s/root", base);
  snprintf (outside, sizeof outside, "%s/outside", base);
  mkdir (root, 0755);
  mkdir (outside, 0755);
  snprintf (p, sizeof p, "%s/etc", root);
  mkdir (p, 0755);
  snprintf (p, sizeof p, "%s/etc/marker", root);
  close (open (p, O_CREAT | O_WRONLY, 0644));
  snprintf (p, sizeof p, "%s/abs", root);
  symlink ("/", p);
  snprintf (p, sizeof p, "%s/rel", root);
  symlink ("../../..", p);
  snprintf (p, sizeof p, "%s/loop", root);
  symlink ("loop", p);
  snprintf (p, sizeof p, "%s/etcl", root);
  symlink ("/etc", p);
  snprintf (p, sizeof p, "%s/deep", root);
  symlink ("etc/../../../etc", p);
  snprintf (p, sizeof p, "%s/out", root);
  symlink (outside, p);
}

static bool
same_file (int fd, const char *path)
{
  struct stat a, b;
  return fstat (fd, &a) == 0 && stat (path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static void
test_paths (bool fallback)
{
  const char *mode = fallback ? "fallback walk" : "openat2";
  char name[160], p[PATH_MAX * 2];
  int rootfd, fd;
  ocirt_error_t err = NULL;

  ocirt_paths_force_fallback (fallback);
  rootfd = open (root, O_PATH | O_DIRECTORY);

  snprintf (p, sizeof p, "%s/etc", root);
  fd = ocirt_open_in_root (rootfd, "/abs/etc", O_PATH, NULL);
  snprintf (name, sizeof name, "%s: absolute symlink to / stays in the root", mode);
  check (fd >= 0 && same_file (fd, p), name);
  if (fd >= 0)
    close (fd);

  fd = ocirt_open_in_root (rootfd, "/rel/rel/etc/marker", O_RDONLY, NULL);
  snprintf (p, sizeof p, "%s/etc/marker", root);
  snprintf (name, sizeof name, "%s: ../ symlinks are clamped at the root", mode);
  check (fd >= 0 && same_file (fd, p), name);
  if (fd >= 0)
    close (fd);

  fd = ocirt_open_in_root (rootfd, "/deep/marker", O_RDONLY, NULL);
  snprintf (name, sizeof name, "%s: etc/../../../etc resolves to the root's etc", mode);
  check (fd >= 0 && same_file (fd, p), name);
  if (fd >= 0)
    close (fd);

  fd = ocirt_open_in_root (rootfd, "/etcl/marker", O_RDONLY, NULL);
  snprintf (name, sizeof name, "%s: /etc symlink means the root's /etc", mode);
  check (fd >= 0 && same_file (fd, p), name);
  if (fd >= 0)
    close (fd);

  fd = ocirt_open_in_root (rootfd, "/loop/x", O_PATH, &err);
  snprintf (name, sizeof name, "%s: symlink loops fail with ELOOP", mode);
  check (fd < 0 && err && err->status == ELOOP, name);
  ocirt_error_release (&err);

  fd = ocirt_open_in_root (rootfd, "/etcl", O_PATH | O_NOFOLLOW, NULL);
  {
    struct stat st;
    snprintf (name, sizeof name, "%s: O_NOFOLLOW opens the last symlink itself", mode);
    check (fd >= 0 && fstat (fd, &st) == 0 && S_ISLNK (st.st_mode), name);
    if (fd >= 0)
      close (fd);
  }

  /* mkpath through a symlink pointing outside must create inside the root. */
  fd = ocirt_mkpath_in_root (rootfd, "/out/newdir/sub", false, NULL);
  snprintf (p, sizeof p, "%s/newdir", outside);
  snprintf (name, sizeof name, "%s: mkpath through an outside symlink creates nothing outside", mode);
  {
    struct stat st;
    char inside[PATH_MAX * 3];
    snprintf (inside, sizeof inside, "%s%s/newdir/sub", root, outside);
    /* Refusing (the target doesn't exist in the root) is as safe as creating it inside. */
    check (stat (p, &st) < 0 && (fd < 0 || same_file (fd, inside)), name);
  }
  if (fd >= 0)
    close (fd);

  fd = ocirt_mkpath_in_root (rootfd, "/abs/made/file", true, NULL);
  snprintf (p, sizeof p, "%s/made/file", root);
  {
    struct stat st;
    snprintf (name, sizeof name, "%s: mkpath creates a file as the last component", mode);
    check (fd >= 0 && stat (p, &st) == 0 && S_ISREG (st.st_mode) && same_file (fd, p), name);
  }
  if (fd >= 0)
    close (fd);

  /* Several missing levels, each made below the last. */
  {
    const char *tag = fallback ? "fb" : "o2";
    char rel[64];
    struct stat st;
    snprintf (p, sizeof p, "%s/%s/one/two/three", root, tag);
    snprintf (rel, sizeof rel, "/%s/one/two/three", tag);
    fd = ocirt_mkpath_in_root (rootfd, rel, false, NULL);
    snprintf (name, sizeof name, "%s: mkpath makes every missing level", mode);
    check (fd >= 0 && stat (p, &st) == 0 && S_ISDIR (st.st_mode) && same_file (fd, p), name);
    if (fd >= 0)
      close (fd);

    /* A dangling relative symlink on the way: what it names is made, inside the root. */
    snprintf (p, sizeof p, "%s/%s/dangling", root, tag);
    snprintf (rel, sizeof rel, "../target-%s/inner", tag);
    if (symlink (rel, p) < 0)
      perror ("symlink");
    snprintf (rel, sizeof rel, "/%s/dangling/x", tag);
    fd = ocirt_mkpath_in_root (rootfd, rel, false, NULL);
    snprintf (p, sizeof p, "%s/target-%s/inner/x", root, tag);
    snprintf (name, sizeof name, "%s: mkpath through a dangling symlink makes its target", mode);
    check (fd >= 0 && stat (p, &st) == 0 && S_ISDIR (st.st_mode) && same_file (fd, p), name);
    if (fd >= 0)
      close (fd);

    /* Below a regular file: ENOTDIR, naming the file. */
    fd = ocirt_mkpath_in_root (rootfd, "/abs/made/file/below", false, &err);
    snprintf (name, sizeof name, "%s: mkpath below a file fails with ENOTDIR", mode);
    check (fd < 0 && err && err->status == ENOTDIR && strstr (err->msg, "/made/file") != NULL, name);
    ocirt_error_release (&err);
  }
  close (rootfd);
  ocirt_paths_force_fallback (false);
}

static oci_linux *
linux_with (const char *const *types, const char *const *paths, size_t n)
{
  oci_linux *l = xmalloc0 (sizeof *l);
  size_t i;
  l->namespaces = xmalloc0 (sizeof (oci_namespace) * n);
  for (i = 0; i < n; i++)
    {
      l->namespaces[i].type = (char *) types[i];
      l->namespaces[i].path = (char *) (paths ? paths[i] : NULL);
    }
  l->namespaces_len = n;
  return l;
}

static void
test_namespaces (void)
{
  static const char *const all[] = { "pid", "network", "ipc", "uts", "mount", "cgroup", "user" };
  static const char *const dup[] = { "pid", "network", "pid" };
  static const char *const unknown[] = { "pid", "bogus" };
  static const char *const joined[] = { "pid", "network", "mount" };
  static const char *const joined_paths[] = { NULL, "/var/run/netns/x", NULL };
  static const char *const relpath[] = { "network" };
  static const char *const relpath_p[] = { "netns/x" };
  struct ocirt_ns_plan plan;
  ocirt_error_t err = NULL;
  oci_linux *l;

  l = linux_with (all, NULL, ARRAY_SIZE (all));
  check (ocirt_ns_plan_build (l, &plan, NULL) == 0
             && plan.clone_flags
                    == (CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS | CLONE_NEWCGROUP
                        | CLONE_NEWUSER)
             && plan.unshare_flags == 0 && plan.new_user,
         "new namespaces all come from clone3");
  free (l->namespaces);
  free (l);

  l = linux_with (dup, NULL, ARRAY_SIZE (dup));
  check (ocirt_ns_plan_build (l, &plan, &err) < 0 && strstr (err->msg, "linux.namespaces[2].type: duplicate"),
         "duplicate namespace type is an error naming the path");
  ocirt_error_release (&err);
  free (l->namespaces);
  free (l);

  l = linux_with (unknown, NULL, ARRAY_SIZE (unknown));
  check (ocirt_ns_plan_build (l, &plan, &err) < 0 && strstr (err->msg, "unknown namespace type `bogus`"),
         "unknown namespace type is an error");
  ocirt_error_release (&err);
  free (l->namespaces);
  free (l);

  l = linux_with (joined, joined_paths, ARRAY_SIZE (joined));
  check (ocirt_ns_plan_build (l, &plan, NULL) == 0 && plan.clone_flags == CLONE_NEWPID
             && plan.unshare_flags == CLONE_NEWNS && plan.n_join == 1 && plan.join[0].flag == CLONE_NEWNET,
         "a joined namespace: join in the child, unshare the rest, pid still from clone3");
  free (l->namespaces);
  free (l);

  l = linux_with (relpath, relpath_p, 1);
  check (ocirt_ns_plan_build (l, &plan, &err) < 0 && strstr (err->msg, "not an absolute path"),
         "relative namespace path is refused");
  ocirt_error_release (&err);
  free (l->namespaces);
  free (l);
}

static void
test_mount_plan (void)
{
  static char *opts[] = { "nosuid", "rro", "rprivate", "size=64k", "mode=755", "noexec", "exec", NULL };
  static char *bind_opts[] = { "rbind", "ro", NULL };
  oci_mount m[2] = { { .destination = "/a", .type = "tmpfs", .source = "tmpfs", .options = opts, .options_len = 7 },
                     { .destination = "/b", .source = "rel/src", .options = bind_opts, .options_len = 2 } };
  oci_config c = { .mounts = m, .mounts_len = 2 };
  struct ocirt_mount_plan plan;
  oci_mount bad = { .destination = "rel", .type = "tmpfs" };
  oci_config cbad = { .mounts = &bad, .mounts_len = 1 };
  ocirt_error_t err = NULL;

  check (ocirt_mount_plan_build (&c, "/bundle", &plan, NULL) == 0, "mount plan builds");
  check ((plan.ops[0].flags & MS_NOSUID) && !(plan.ops[0].flags & MS_NOEXEC) && (plan.ops[0].clear & MS_NOEXEC),
         "flags: later `exec` clears an earlier `noexec`");
  check (plan.ops[0].attr_set == 0x1 /* MOUNT_ATTR_RDONLY */, "rro becomes a recursive attribute");
  check (plan.ops[0].propagation == (MS_PRIVATE | MS_REC), "rprivate propagation");
  check_str (plan.ops[0].data, "size=64k,mode=755", "unknown options become filesystem data in order");
  check (plan.ops[1].bind && plan.ops[1].recursive && (plan.ops[1].flags & MS_RDONLY), "rbind,ro");
  check_str (plan.ops[1].source, "/bundle/rel/src", "relative bind source is bundle-relative");
  check (plan.root_propagation == (MS_SLAVE | MS_REC), "default rootfs propagation is rslave");
  ocirt_mount_plan_free (&plan);
  check (ocirt_mount_plan_build (&cbad, "/bundle", &plan, &err) < 0 && strstr (err->msg, "mounts[0].destination"),
         "relative destination refused with its JSON path");
  ocirt_error_release (&err);
  ocirt_mount_plan_free (&plan);
}

static void
test_process_validate (void)
{
  static char *args[] = { "sh", NULL };
  static char *env_bad[] = { "NOEQUALS", NULL };
  oci_rlimit rl[2] = { { .type = "RLIMIT_NOFILE", .hard = 10, .soft = 20 }, { .type = "RLIMIT_BOGUS", .hard = 1, .soft = 1 } };
  oci_process p = { .args = args, .args_len = 1, .cwd = "/" };
  ocirt_error_t err = NULL;

  check (ocirt_process_validate (&p, "process", NULL) == 0, "minimal process is valid");
  p.cwd = "rel";
  check (ocirt_process_validate (&p, "process", &err) < 0 && strstr (err->msg, "process.cwd"), "relative cwd refused");
  ocirt_error_release (&err);
  p.cwd = "/";
  p.rlimits = rl;
  p.rlimits_len = 1;
  check (ocirt_process_validate (&p, "process", &err) < 0 && strstr (err->msg, "soft limit 20 is above hard limit 10"),
         "rlimit soft above hard refused");
  ocirt_error_release (&err);
  p.rlimits = rl + 1;
  check (ocirt_process_validate (&p, "process", &err) < 0 && strstr (err->msg, "process.rlimits[0].type: unknown rlimit"),
         "unknown rlimit refused");
  ocirt_error_release (&err);
  p.rlimits_len = 0;
  p.env = env_bad;
  p.env_len = 1;
  check (ocirt_process_validate (&p, "process", &err) < 0 && strstr (err->msg, "process.env[0]"), "env without = refused");
  ocirt_error_release (&err);
  check (ocirt_rlimit_from_name ("RLIMIT_NOFILE") == RLIMIT_NOFILE && ocirt_rlimit_from_name ("NOFILE") < 0,
         "rlimit names need the RLIMIT_ prefix");
}

int
main (void)
{
  char base[] = "/tmp/ocirt-unit-XXXXXX";

  test_errors ();
  test_ids ();
  test_signals ();
  test_path_clean ();
  if (mkdtemp (base) == NULL)
    {
      perror ("mkdtemp");
      return 1;
    }
  make_tree (base);
  test_paths (false);
  test_paths (true);
  test_namespaces ();
  test_mount_plan ();
  test_process_validate ();
  {
    cleanup_free char *cmd = xasprintf ("rm -rf '%s'", base);
    if (system (cmd) != 0)
      printf ("# could not remove %s\n", base);
  }
  printf ("1..%d\n", n_test);
  return n_failed ? 1 : 0;
}
