/* ocitest: the payload that ocirt's integration tests run inside containers.
 *
 * One static, dependency-free binary (no libocirt, no libocispec) installed in test bundles
 * as /init.  The subcommand is argv[1] ("/init pid"), or the program name when it is called
 * through a symlink ("/bin/pid" -> /init).  Every subcommand prints machine-readable output,
 * one fact per line ("key value" where a key is useful), and exits 0 on success or 1 with a
 * message on stderr.  Commands that report an errno (open, mkdir, syscall-getcwd) print
 * "errno N NAME" on stdout as well, so a test can match it, and then exit 1.
 *
 * `ocitest --list` prints the subcommand names, one per line: make_bundle (tests/lib.sh)
 * uses it to create the /bin symlinks. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char *cmd_name = "ocitest";

static void __attribute__ ((noreturn, format (printf, 1, 2)))
die (const char *fmt, ...)
{
  va_list ap;
  fflush (stdout);
  fprintf (stderr, "ocitest: %s: ", cmd_name);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
  exit (1);
}

static const char *
errno_name (int e)
{
  const char *n = strerrorname_np (e);
  return n ? n : "UNKNOWN";
}

/* Print "errno N NAME" on stdout, the text on stderr, and exit 1. */
static void __attribute__ ((noreturn))
die_errno_fact (const char *what, int e)
{
  printf ("errno %d %s\n", e, errno_name (e));
  die ("%s: %s", what, strerror (e));
}

static void
need_args (int argc, int n, const char *usage)
{
  if (argc < n)
    die ("usage: %s %s", cmd_name, usage);
}

static long long
parse_ll (const char *s, const char *what)
{
  char *end;
  long long v;
  errno = 0;
  v = strtoll (s, &end, 10);
  if (errno || end == s || *end)
    die ("invalid %s: '%s'", what, s);
  return v;
}

static void
sleep_seconds (double secs)
{
  struct timespec ts;
  ts.tv_sec = (time_t) secs;
  ts.tv_nsec = (long) ((secs - (double) ts.tv_sec) * 1e9);
  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
}

/* Copy a whole file to stdout. */
static int
copy_file (const char *path)
{
  char buf[8192];
  ssize_t n;
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  fflush (stdout);
  while ((n = read (fd, buf, sizeof buf)) > 0)
    {
      ssize_t off = 0;
      while (off < n)
        {
          ssize_t w = write (STDOUT_FILENO, buf + off, (size_t) (n - off));
          if (w < 0)
            {
              if (errno == EINTR)
                continue;
              close (fd);
              return -1;
            }
          off += w;
        }
    }
  if (n < 0)
    {
      int e = errno;
      close (fd);
      errno = e;
      return -1;
    }
  close (fd);
  return 0;
}

/* Read a small file into buf, strip the trailing newline. */
static int
read_small (const char *path, char *buf, size_t size)
{
  ssize_t n;
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  n = read (fd, buf, size - 1);
  if (n < 0)
    {
      int e = errno;
      close (fd);
      errno = e;
      return -1;
    }
  close (fd);
  buf[n] = '\0';
  while (n > 0 && buf[n - 1] == '\n')
    buf[--n] = '\0';
  return 0;
}

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Sorted directory entry names (without . and ..); with skip_dirfd, the fd of the directory
 * stream itself is left out (for /proc/self/fd).
 * Returns the count; *out is malloc'd. */
static size_t
list_dir (const char *path, char ***out, int skip_dirfd)
{
  DIR *d = opendir (path);
  struct dirent *de;
  char **names = NULL;
  size_t n = 0, cap = 0;
  char skip[32] = "";

  if (d == NULL)
    die ("opendir %s: %s", path, strerror (errno));
  if (skip_dirfd)
    snprintf (skip, sizeof skip, "%d", dirfd (d));
  while ((errno = 0, de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (skip[0] && strcmp (de->d_name, skip) == 0)
        continue;
      if (n == cap)
        {
          cap = cap ? cap * 2 : 32;
          names = realloc (names, cap * sizeof *names);
          if (names == NULL)
            die ("out of memory");
        }
      names[n] = strdup (de->d_name);
      if (names[n] == NULL)
        die ("out of memory");
      n++;
    }
  if (errno)
    die ("readdir %s: %s", path, strerror (errno));
  closedir (d);
  if (n)
    qsort (names, n, sizeof *names, cmp_str);
  *out = names;
  return n;
}

static int
cmp_num (const void *a, const void *b)
{
  long x = atol (*(char *const *) a), y = atol (*(char *const *) b);
  return (x > y) - (x < y);
}

/* ---- subcommands ---------------------------------------------------------------------------- */

static int
cmd_true (int argc, char **argv)
{
  return 0;
}

static int
cmd_false (int argc, char **argv)
{
  return 1;
}

static int
cmd_exit (int argc, char **argv)
{
  need_args (argc, 2, "N");
  return (int) (parse_ll (argv[1], "exit code") & 0xff);
}

static int
cmd_echo (int argc, char **argv)
{
  int i;
  for (i = 1; i < argc; i++)
    printf ("%s%s", i > 1 ? " " : "", argv[i]);
  putchar ('\n');
  return 0;
}

static int
cmd_sleep (int argc, char **argv)
{
  char *end;
  double secs;
  need_args (argc, 2, "SECONDS");
  errno = 0;
  secs = strtod (argv[1], &end);
  if (errno || end == argv[1] || *end || secs < 0)
    die ("invalid duration '%s'", argv[1]);
  sleep_seconds (secs);
  return 0;
}

static volatile sig_atomic_t got_signal;

static void
on_signal (int sig)
{
  got_signal = sig;
}

static int
cmd_pause (int argc, char **argv)
{
  static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2 };
  struct sigaction sa;
  sigset_t block, old;
  size_t i;

  /* As pid 1 in a pid namespace, signals with the default action are ignored: handle them. */
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset (&sa.sa_mask);
  sigemptyset (&block);
  for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
    {
      if (sigaction (sigs[i], &sa, NULL) < 0)
        die ("sigaction: %s", strerror (errno));
      sigaddset (&block, sigs[i]);
    }
  /* Block them until we wait, so no signal is lost between the check and the wait. */
  sigprocmask (SIG_BLOCK, &block, &old);
  printf ("ready\n");
  fflush (stdout);
  while (!got_signal)
    sigsuspend (&old);
  printf ("signal %d\n", (int) got_signal);
  return 128 + got_signal;
}

static int
cmd_pid (int argc, char **argv)
{
  printf ("pid %d\nppid %d\n", (int) getpid (), (int) getppid ());
  return 0;
}

static int
cmd_id (int argc, char **argv)
{
  gid_t groups[NGROUPS_MAX];
  int n, i;
  n = getgroups (NGROUPS_MAX, groups);
  if (n < 0)
    die ("getgroups: %s", strerror (errno));
  printf ("uid %u\ngid %u\neuid %u\negid %u\ngroups", (unsigned) getuid (), (unsigned) getgid (),
          (unsigned) geteuid (), (unsigned) getegid ());
  for (i = 0; i < n; i++)
    printf (" %u", (unsigned) groups[i]);
  putchar ('\n');
  return 0;
}

static int
cmd_hostname (int argc, char **argv)
{
  struct utsname u;
  if (uname (&u) < 0)
    die ("uname: %s", strerror (errno));
  printf ("%s\n", strcmp (cmd_name, "domainname") == 0 ? u.domainname : u.nodename);
  return 0;
}

static int
cmd_cat (int argc, char **argv)
{
  int i;
  need_args (argc, 2, "FILE...");
  for (i = 1; i < argc; i++)
    if (copy_file (argv[i]) < 0)
      die ("%s: %s", argv[i], strerror (errno));
  return 0;
}

static int
cmd_write (int argc, char **argv)
{
  size_t len, off = 0;
  int fd;
  need_args (argc, 3, "FILE DATA");
  fd = open (argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    die ("open %s: %s", argv[1], strerror (errno));
  len = strlen (argv[2]);
  while (off < len)
    {
      ssize_t w = write (fd, argv[2] + off, len - off);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        die ("write %s: %s", argv[1], strerror (errno));
      off += (size_t) w;
    }
  if (close (fd) < 0)
    die ("close %s: %s", argv[1], strerror (errno));
  printf ("ok\n");
  return 0;
}

static int
cmd_ls (int argc, char **argv)
{
  char **names;
  size_t n, i;
  need_args (argc, 2, "DIR");
  n = list_dir (argv[1], &names, 0);
  for (i = 0; i < n; i++)
    {
      printf ("%s\n", names[i]);
      free (names[i]);
    }
  free (names);
  return 0;
}

static const char *
file_type (mode_t m)
{
  switch (m & S_IFMT)
    {
    case S_IFREG:
      return "file";
    case S_IFDIR:
      return "dir";
    case S_IFLNK:
      return "symlink";
    case S_IFCHR:
      return "char";
    case S_IFBLK:
      return "block";
    case S_IFIFO:
      return "fifo";
    case S_IFSOCK:
      return "socket";
    default:
      return "unknown";
    }
}

static int
cmd_stat (int argc, char **argv)
{
  struct stat st;
  int is_dev;
  need_args (argc, 2, "PATH");
  if (lstat (argv[1], &st) < 0)
    die_errno_fact (argv[1], errno);
  is_dev = S_ISCHR (st.st_mode) || S_ISBLK (st.st_mode);
  printf ("type %s\nmode %04o\nuid %u\ngid %u\nmajor %u\nminor %u\n", file_type (st.st_mode),
          (unsigned) (st.st_mode & 07777), (unsigned) st.st_uid, (unsigned) st.st_gid,
          is_dev ? major (st.st_rdev) : 0, is_dev ? minor (st.st_rdev) : 0);
  return 0;
}

static int
cmd_readlink (int argc, char **argv)
{
  char buf[PATH_MAX];
  ssize_t n;
  need_args (argc, 2, "PATH");
  n = readlink (argv[1], buf, sizeof buf - 1);
  if (n < 0)
    die ("readlink %s: %s", argv[1], strerror (errno));
  buf[n] = '\0';
  printf ("%s\n", buf);
  return 0;
}

static int
cmd_copy_proc (int argc, char **argv)
{
  const char *path = strcmp (cmd_name, "cgroup") == 0 ? "/proc/self/cgroup" : "/proc/self/mountinfo";
  if (copy_file (path) < 0)
    die ("%s: %s", path, strerror (errno));
  return 0;
}

/* Print "Key value" for /proc/self/status lines whose key is in keys (all if n == 0 and
 * prefix matches).  Returns how many were printed. */
static int
print_status (char **keys, int nkeys, const char *prefix)
{
  char line[4096];
  int found = 0;
  FILE *f = fopen ("/proc/self/status", "re");
  if (f == NULL)
    die ("/proc/self/status: %s", strerror (errno));
  while (fgets (line, sizeof line, f))
    {
      char *colon = strchr (line, ':'), *val, *p;
      int i, want = 0;
      if (colon == NULL)
        continue;
      *colon = '\0';
      if (prefix)
        want = strncmp (line, prefix, strlen (prefix)) == 0;
      for (i = 0; i < nkeys && !want; i++)
        want = strcmp (line, keys[i]) == 0;
      if (!want)
        continue;
      val = colon + 1;
      val += strspn (val, " \t");
      val[strcspn (val, "\n")] = '\0';
      for (p = val; *p; p++)
        if (*p == '\t')
          *p = ' ';
      p = val + strlen (val);
      while (p > val && p[-1] == ' ')
        *--p = '\0';
      printf ("%s %s\n", line, val);
      found++;
    }
  fclose (f);
  return found;
}

static int
cmd_caps (int argc, char **argv)
{
  static char *keys[] = { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" };
  if (print_status (keys, 5, NULL) != 5)
    die ("capability lines missing in /proc/self/status");
  return 0;
}

static int
cmd_status (int argc, char **argv)
{
  need_args (argc, 2, "FIELD...");
  if (print_status (argv + 1, argc - 1, NULL) != argc - 1)
    die ("some fields are missing in /proc/self/status");
  return 0;
}

static const struct
{
  int res;
  const char *name;
} rlimit_names[] = {
  { RLIMIT_AS, "RLIMIT_AS" },
  { RLIMIT_CORE, "RLIMIT_CORE" },
  { RLIMIT_CPU, "RLIMIT_CPU" },
  { RLIMIT_DATA, "RLIMIT_DATA" },
  { RLIMIT_FSIZE, "RLIMIT_FSIZE" },
  { RLIMIT_LOCKS, "RLIMIT_LOCKS" },
  { RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK" },
  { RLIMIT_MSGQUEUE, "RLIMIT_MSGQUEUE" },
  { RLIMIT_NICE, "RLIMIT_NICE" },
  { RLIMIT_NOFILE, "RLIMIT_NOFILE" },
  { RLIMIT_NPROC, "RLIMIT_NPROC" },
  { RLIMIT_RSS, "RLIMIT_RSS" },
  { RLIMIT_RTPRIO, "RLIMIT_RTPRIO" },
  { RLIMIT_RTTIME, "RLIMIT_RTTIME" },
  { RLIMIT_SIGPENDING, "RLIMIT_SIGPENDING" },
  { RLIMIT_STACK, "RLIMIT_STACK" },
};

static void
print_limit (rlim_t v)
{
  if (v == RLIM_INFINITY)
    printf (" unlimited");
  else
    printf (" %llu", (unsigned long long) v);
}

static int
cmd_rlimits (int argc, char **argv)
{
  size_t i;
  for (i = 0; i < sizeof rlimit_names / sizeof rlimit_names[0]; i++)
    {
      struct rlimit rl;
      if (getrlimit (rlimit_names[i].res, &rl) < 0)
        die ("getrlimit %s: %s", rlimit_names[i].name, strerror (errno));
      printf ("%s", rlimit_names[i].name);
      print_limit (rl.rlim_cur);
      print_limit (rl.rlim_max);
      putchar ('\n');
    }
  return 0;
}

static int
cmd_fds (int argc, char **argv)
{
  char **names;
  size_t n, i;
  n = list_dir ("/proc/self/fd", &names, 1);
  qsort (names, n, sizeof *names, cmp_num);
  for (i = 0; i < n; i++)
    {
      char path[64], target[PATH_MAX];
      ssize_t len;
      snprintf (path, sizeof path, "/proc/self/fd/%s", names[i]);
      len = readlink (path, target, sizeof target - 1);
      if (len < 0)
        snprintf (target, sizeof target, "?");
      else
        target[len] = '\0';
      printf ("%s %s\n", names[i], target);
      free (names[i]);
    }
  free (names);
  return 0;
}

static int
cmd_cwd (int argc, char **argv)
{
  char buf[PATH_MAX];
  if (getcwd (buf, sizeof buf) == NULL)
    die ("getcwd: %s", strerror (errno));
  printf ("%s\n", buf);
  return 0;
}

static int
cmd_env (int argc, char **argv)
{
  char **e;
  for (e = environ; e && *e; e++)
    printf ("%s\n", *e);
  return 0;
}

static int
cmd_umask (int argc, char **argv)
{
  mode_t m = umask (0);
  umask (m);
  printf ("%04o\n", (unsigned) m);
  return 0;
}

static int
cmd_isatty (int argc, char **argv)
{
  int fd = 0;
  if (argc > 1)
    fd = (int) parse_ll (argv[1], "fd");
  if (isatty (fd))
    {
      const char *name = ttyname (fd);
      printf ("yes %s\n", name ? name : "?");
    }
  else
    printf ("no\n");
  return 0;
}

static int
cmd_winsize (int argc, char **argv)
{
  struct winsize ws;
  if (ioctl (STDIN_FILENO, TIOCGWINSZ, &ws) < 0)
    die ("TIOCGWINSZ: %s", strerror (errno));
  printf ("rows %u\ncols %u\n", (unsigned) ws.ws_row, (unsigned) ws.ws_col);
  return 0;
}

static int
cmd_open (int argc, char **argv)
{
  int flags, fd;
  need_args (argc, 3, "PATH r|w|rw");
  if (strcmp (argv[2], "r") == 0)
    flags = O_RDONLY;
  else if (strcmp (argv[2], "w") == 0)
    flags = O_WRONLY;
  else if (strcmp (argv[2], "rw") == 0)
    flags = O_RDWR;
  else
    die ("invalid mode '%s' (r, w or rw)", argv[2]);
  fd = open (argv[1], flags | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    die_errno_fact (argv[1], errno);
  close (fd);
  printf ("ok\n");
  return 0;
}

static int
cmd_mkdir (int argc, char **argv)
{
  need_args (argc, 2, "PATH");
  if (mkdir (argv[1], 0755) < 0)
    die_errno_fact (argv[1], errno);
  printf ("ok\n");
  return 0;
}

static int
cmd_syscall_getcwd (int argc, char **argv)
{
  char buf[PATH_MAX];
  long r = syscall (SYS_getcwd, buf, sizeof buf);
  if (r < 0)
    die_errno_fact ("getcwd", errno);
  printf ("ret %ld\npath %s\n", r, buf);
  return 0;
}

static int
cmd_memhog (int argc, char **argv)
{
  const size_t mib = 1024 * 1024;
  long long mb, i;
  char *mem;
  long page = sysconf (_SC_PAGESIZE);
  need_args (argc, 2, "MB");
  mb = parse_ll (argv[1], "size");
  if (mb <= 0)
    die ("size must be positive");
  mem = mmap (NULL, (size_t) mb * mib, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED)
    die ("mmap %lld MiB: %s", mb, strerror (errno));
  for (i = 0; i < mb; i++)
    {
      size_t off;
      for (off = 0; off < mib; off += (size_t) page)
        mem[(size_t) i * mib + off] = (char) (i + 1);
      printf ("allocated %lld\n", i + 1);
      fflush (stdout);
    }
  munmap (mem, (size_t) mb * mib);
  return 0;
}

static int
cmd_forkbomb (int argc, char **argv)
{
  long long n, i, forked = 0;
  int first_errno = 0;
  pid_t *pids;
  need_args (argc, 2, "N");
  n = parse_ll (argv[1], "count");
  if (n <= 0)
    die ("count must be positive");
  pids = calloc ((size_t) n, sizeof *pids);
  if (pids == NULL)
    die ("out of memory");
  fflush (stdout);
  for (i = 0; i < n; i++)
    {
      pid_t p = fork ();
      if (p < 0)
        {
          first_errno = errno;
          break;
        }
      if (p == 0)
        {
          prctl (PR_SET_PDEATHSIG, SIGKILL);
          for (;;)
            pause ();
        }
      pids[forked++] = p;
    }
  printf ("forked %lld\n", forked);
  if (first_errno)
    printf ("errno %d %s\n", first_errno, errno_name (first_errno));
  for (i = 0; i < forked; i++)
    kill (pids[i], SIGKILL);
  for (i = 0; i < forked; i++)
    while (waitpid (pids[i], NULL, 0) < 0 && errno == EINTR)
      ;
  free (pids);
  return 0;
}

static int
cmd_count (int argc, char **argv)
{
  long long interval = 100, max = -1, i;
  if (argc > 1)
    interval = parse_ll (argv[1], "interval");
  if (argc > 2)
    max = parse_ll (argv[2], "count");
  if (interval < 0)
    die ("interval must not be negative");
  for (i = 0; max < 0 || i < max; i++)
    {
      printf ("%lld\n", i);
      fflush (stdout);
      sleep_seconds ((double) interval / 1000.0);
    }
  return 0;
}

static int
cmd_sysctl (int argc, char **argv)
{
  char path[PATH_MAX], buf[4096], *p;
  int i;
  need_args (argc, 2, "NAME...");
  for (i = 1; i < argc; i++)
    {
      if (strchr (argv[i], '/'))
        snprintf (path, sizeof path, "/proc/sys/%s", argv[i]);
      else
        {
          snprintf (path, sizeof path, "/proc/sys/%s", argv[i]);
          for (p = path + strlen ("/proc/sys/"); *p; p++)
            if (*p == '.')
              *p = '/';
        }
      if (read_small (path, buf, sizeof buf) < 0)
        die ("%s: %s", path, strerror (errno));
      for (p = buf; *p; p++)
        if (*p == '\t')
          *p = ' ';
      printf ("%s\n", buf);
    }
  return 0;
}

static int
cmd_oom_score_adj (int argc, char **argv)
{
  char buf[64];
  if (read_small ("/proc/self/oom_score_adj", buf, sizeof buf) < 0)
    die ("/proc/self/oom_score_adj: %s", strerror (errno));
  printf ("%s\n", buf);
  return 0;
}

static int
cmd_nice (int argc, char **argv)
{
  int v;
  errno = 0;
  v = getpriority (PRIO_PROCESS, 0);
  if (v == -1 && errno)
    die ("getpriority: %s", strerror (errno));
  printf ("%d\n", v);
  return 0;
}

static int
cmd_timens (int argc, char **argv)
{
  struct timespec mono, boot;
  if (clock_gettime (CLOCK_MONOTONIC, &mono) < 0 || clock_gettime (CLOCK_BOOTTIME, &boot) < 0)
    die ("clock_gettime: %s", strerror (errno));
  printf ("monotonic %lld\nboottime %lld\n", (long long) mono.tv_sec, (long long) boot.tv_sec);
  return 0;
}

static int
cmd_personality (int argc, char **argv)
{
  int p = personality (0xffffffff);
  if (p < 0)
    die ("personality: %s", strerror (errno));
  printf ("0x%x\n", (unsigned) p);
  return 0;
}

static int
cmd_ns (int argc, char **argv)
{
  char **names;
  size_t n, i;
  int j;
  n = list_dir ("/proc/self/ns", &names, 0);
  for (i = 0; i < n; i++)
    {
      char path[64], target[256];
      ssize_t len;
      int want = argc < 2;
      for (j = 1; j < argc && !want; j++)
        want = strcmp (argv[j], names[i]) == 0;
      if (want)
        {
          snprintf (path, sizeof path, "/proc/self/ns/%s", names[i]);
          len = readlink (path, target, sizeof target - 1);
          if (len < 0)
            die ("readlink %s: %s", path, strerror (errno));
          target[len] = '\0';
          printf ("%s %s\n", names[i], target);
        }
      free (names[i]);
    }
  free (names);
  return 0;
}

/* ---- recvtty (lifecycle tests: --console-socket) -------------------------------------------- */

#include <sys/socket.h>
#include <sys/un.h>

/* recvtty SOCKET OUTFILE [INPUT]: listen on the unix socket SOCKET, receive one pty master
 * (SCM_RIGHTS), write a "recvtty:" line to OUTFILE, then INPUT (if given) to the
 * master, and copy what the master reads to OUTFILE until the pty closes. */
static int
cmd_recvtty (int argc, char **argv)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int ls, c, master = -1, out;
  char name[256] = "";
  char buf[4096];
  union
  {
    char b[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct iovec iov = { .iov_base = name, .iov_len = sizeof name - 1 };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof u.b };
  struct cmsghdr *cm;
  ssize_t n;

  if (argc < 3)
    die ("usage: recvtty SOCKET OUTFILE [INPUT]");
  if (strlen (argv[1]) >= sizeof addr.sun_path)
    die ("socket path too long");
  strcpy (addr.sun_path, argv[1]);
  ls = socket (AF_UNIX, SOCK_STREAM, 0);
  if (ls < 0 || bind (ls, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (ls, 1) < 0)
    die ("listen on %s: %s", argv[1], strerror (errno));
  c = accept (ls, NULL, NULL);
  if (c < 0)
    die ("accept: %s", strerror (errno));
  n = recvmsg (c, &mh, 0);
  if (n < 0)
    die ("recvmsg: %s", strerror (errno));
  for (cm = CMSG_FIRSTHDR (&mh); cm; cm = CMSG_NXTHDR (&mh, cm))
    if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
      memcpy (&master, CMSG_DATA (cm), sizeof (int));
  if (master < 0)
    die ("no fd received");
  out = open (argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
  if (out < 0)
    die ("open %s: %s", argv[2], strerror (errno));
  if (isatty (master))
    dprintf (out, "recvtty: got a tty (%s)\n", name);
  else
    dprintf (out, "recvtty: got a non-tty fd\n");
  if (argc > 3)
    {
      size_t len = strlen (argv[3]);
      if (write (master, argv[3], len) != (ssize_t) len || write (master, "\n", 1) != 1)
        die ("write to master: %s", strerror (errno));
    }
  while ((n = read (master, buf, sizeof buf)) > 0)
    if (write (out, buf, n) != n)
      die ("write %s: %s", argv[2], strerror (errno));
  close (out);
  return 0;
}

/* ---- dispatch ------------------------------------------------------------------------------- */

static int cmd_list (int argc, char **argv);

static const struct
{
  const char *name;
  int (*fn) (int argc, char **argv);
  const char *usage;
} commands[] = {
  { "true", cmd_true, "" },
  { "false", cmd_false, "" },
  { "exit", cmd_exit, "N" },
  { "echo", cmd_echo, "ARGS..." },
  { "sleep", cmd_sleep, "SECONDS" },
  { "pause", cmd_pause, "" },
  { "pid", cmd_pid, "" },
  { "id", cmd_id, "" },
  { "hostname", cmd_hostname, "" },
  { "domainname", cmd_hostname, "" },
  { "cat", cmd_cat, "FILE..." },
  { "write", cmd_write, "FILE DATA" },
  { "ls", cmd_ls, "DIR" },
  { "stat", cmd_stat, "PATH" },
  { "readlink", cmd_readlink, "PATH" },
  { "mountinfo", cmd_copy_proc, "" },
  { "cgroup", cmd_copy_proc, "" },
  { "caps", cmd_caps, "" },
  { "status", cmd_status, "FIELD..." },
  { "rlimits", cmd_rlimits, "" },
  { "fds", cmd_fds, "" },
  { "cwd", cmd_cwd, "" },
  { "env", cmd_env, "" },
  { "umask", cmd_umask, "" },
  { "isatty", cmd_isatty, "[FD]" },
  { "winsize", cmd_winsize, "" },
  { "open", cmd_open, "PATH r|w|rw" },
  { "mkdir", cmd_mkdir, "PATH" },
  { "syscall-getcwd", cmd_syscall_getcwd, "" },
  { "memhog", cmd_memhog, "MB" },
  { "forkbomb", cmd_forkbomb, "N" },
  { "count", cmd_count, "[INTERVAL_MS [MAX]]" },
  { "sysctl", cmd_sysctl, "NAME..." },
  { "oom-score-adj", cmd_oom_score_adj, "" },
  { "nice", cmd_nice, "" },
  { "timens", cmd_timens, "" },
  { "personality", cmd_personality, "" },
  { "ns", cmd_ns, "[NAME...]" },
  { "recvtty", cmd_recvtty, "SOCKET OUTFILE [INPUT]" },
  { "--list", cmd_list, "" },
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static int
cmd_list (int argc, char **argv)
{
  size_t i;
  for (i = 0; i < N_COMMANDS; i++)
    if (commands[i].name[0] != '-')
      printf ("%s\n", commands[i].name);
  return 0;
}

static void __attribute__ ((noreturn))
usage (void)
{
  size_t i;
  fprintf (stderr, "usage: ocitest COMMAND [ARGS...]   (or call it through a symlink named COMMAND)\n");
  for (i = 0; i < N_COMMANDS; i++)
    fprintf (stderr, "  %s %s\n", commands[i].name, commands[i].usage);
  exit (1);
}

int
main (int argc, char **argv)
{
  const char *base;
  size_t i;

  if (argc < 1)
    usage ();
  base = strrchr (argv[0], '/');
  base = base ? base + 1 : argv[0];
  /* Called as itself (/init, ocitest, ./ocitest...): the command is argv[1]. */
  if (strcmp (base, "init") == 0 || strncmp (base, "ocitest", 7) == 0)
    {
      if (argc < 2)
        usage ();
      argc--;
      argv++;
      base = argv[0];
    }
  for (i = 0; i < N_COMMANDS; i++)
    if (strcmp (base, commands[i].name) == 0)
      {
        int rc;
        cmd_name = commands[i].name;
        rc = commands[i].fn (argc, argv);
        if (fflush (stdout) != 0 || ferror (stdout))
          die ("writing stdout: %s", strerror (errno));
        return rc;
      }
  fprintf (stderr, "ocitest: unknown command '%s'\n", base);
  usage ();
}
