/* ocirt: verified /proc access (see procfs.h). */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef HAVE_LINUX_OPENAT2_H
#include <linux/openat2.h>
#endif

#include "procfs.h"
#include "utils.h"

static int proc_fd = -1;

void
ocirt_procfs_reset (void)
{
  if (proc_fd >= 0)
    close (proc_fd);
  proc_fd = -1;
}

static int
check_procfs (int fd, const char *what, ocirt_error_t *err)
{
  struct statfs sfs;
  if (fstatfs (fd, &sfs) < 0)
    return ocirt_error_errno (err, "fstatfs %s", what);
  if (sfs.f_type != PROC_SUPER_MAGIC)
    return ocirt_error_set (err, EXDEV, "%s is not on procfs", what);
  return 0;
}

static int
get_proc_fd (ocirt_error_t *err)
{
  int fd;
  if (proc_fd >= 0)
    return proc_fd;
  fd = open ("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return ocirt_error_errno (err, "open /proc");
  if (check_procfs (fd, "/proc", err) < 0)
    {
      close (fd);
      return -1;
    }
  proc_fd = fd;
  return fd;
}

int
ocirt_procfs_open (const char *rel, int flags, ocirt_error_t *err)
{
  int dfd = get_proc_fd (err);
  cleanup_close int fd = -1;

  if (dfd < 0)
    return dfd;
#ifdef HAVE_LINUX_OPENAT2_H
  {
    /* "self" and "thread-self" are symlinks inside procfs that we must follow; magic links
     * (fd/N, exe, root) and anything leaving /proc are refused. */
    struct open_how how = { .flags = (uint64_t) (flags | O_CLOEXEC),
                            .resolve = RESOLVE_NO_MAGICLINKS | RESOLVE_BENEATH | RESOLVE_NO_XDEV };
    fd = syscall (SYS_openat2, dfd, rel, &how, sizeof how);
    if (fd < 0 && errno != ENOSYS && errno != EINVAL && errno != EPERM)
      return ocirt_error_errno (err, "open /proc/%s", rel);
  }
#endif
  if (fd < 0)
    {
      fd = openat (dfd, rel, flags | O_CLOEXEC | O_NOFOLLOW);
      if (fd < 0)
        return ocirt_error_errno (err, "open /proc/%s", rel);
    }
  {
    cleanup_free char *what = xasprintf ("/proc/%s", rel);
    if (check_procfs (fd, what, err) < 0)
      return -1;
  }
  return steal_fd (&fd);
}

int
ocirt_procfs_write (const char *rel, const char *data, ocirt_error_t *err)
{
  cleanup_close int fd = ocirt_procfs_open (rel, O_WRONLY, err);
  size_t len = strlen (data);
  ssize_t w;

  if (fd < 0)
    return fd;
  w = write (fd, data, len);
  if (w < 0)
    return ocirt_error_errno (err, "write /proc/%s", rel);
  if ((size_t) w != len)
    return ocirt_error_set (err, EIO, "short write to /proc/%s", rel);
  return 0;
}
