/* ocirt: re-exec from a sealed memfd copy of /proc/self/exe (see selfexe.h). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "selfexe.h"
#include "utils.h"

#define OCIRT_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)
/* Set across the re-exec only to stop a loop if the copy does not look sealed. */
#define REEXEC_ENV "_OCIRT_SEALED_REEXEC"

extern char **environ;
static char **saved_argv;

void
ocirt_selfexe_init (char **argv)
{
  saved_argv = argv;
}

bool
ocirt_self_is_sealed (void)
{
  cleanup_close int fd = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  int seals;

  if (fd < 0)
    return false;
  seals = fcntl (fd, F_GET_SEALS);
  return seals >= 0 && (seals & OCIRT_SEALS) == OCIRT_SEALS;
}

static int
sealed_copy (ocirt_error_t *err)
{
  cleanup_close int src = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  int mfd;
  struct stat st;
  off_t done = 0;

  if (src < 0)
    return ocirt_error_errno (err, "open /proc/self/exe");
  if (fstat (src, &st) < 0)
    return ocirt_error_errno (err, "stat /proc/self/exe");
  /* CLOEXEC is fine for an ELF binary (the kernel holds the file once exec starts) and keeps
   * the copy's fd out of the new image. */
  mfd = memfd_create ("ocirt", MFD_ALLOW_SEALING | MFD_CLOEXEC);
  if (mfd < 0)
    return ocirt_error_errno (err, "memfd_create");
  while (done < st.st_size)
    {
      ssize_t n = sendfile (mfd, src, NULL, (size_t) (st.st_size - done));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          ocirt_error_set (err, n < 0 ? errno : EIO, "copy /proc/self/exe to a memfd");
          close (mfd);
          return -1;
        }
      done += n;
    }
  if (fcntl (mfd, F_ADD_SEALS, OCIRT_SEALS) < 0)
    {
      ocirt_error_errno (err, "seal the memfd copy of /proc/self/exe");
      close (mfd);
      return -1;
    }
  return mfd;
}

int
ocirt_ensure_sealed_self (ocirt_error_t *err)
{
  int mfd;

  if (ocirt_self_is_sealed ())
    {
      unsetenv (REEXEC_ENV);
      /* Until our next execve, nobody below root can ptrace us or read our /proc entries;
       * execve resets it.  Only as root: rootless runs need their own /proc/self. */
      if (geteuid () == 0 && prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        return ocirt_error_errno (err, "prctl PR_SET_DUMPABLE");
      return 0;
    }
  if (getenv (REEXEC_ENV))
    return ocirt_error_set (err, EPERM, "re-exec from a sealed copy of ocirt: the copy is not sealed");
  if (saved_argv == NULL)
    return ocirt_error_set (err, EINVAL, "re-exec from a sealed copy of ocirt: no argv");
  mfd = sealed_copy (err);
  if (mfd < 0)
    return -1;
  ocirt_debug ("re-executing from a sealed memfd copy of the binary");
  setenv (REEXEC_ENV, "1", 1);
  fexecve (mfd, saved_argv, environ);
  ocirt_error_errno (err, "fexecve the sealed copy of ocirt");
  unsetenv (REEXEC_ENV);
  close (mfd);
  return -1;
}
