/* ocirt: re-exec from a sealed memfd copy of /proc/self/exe (see selfexe.h). */
#include <config.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
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

/* How much of the binary the kernel and ld.so read to run it: up to the end of the last
 * segment (the program headers name every byte that is mapped or read).  What follows, the
 * section headers, symbols and debug info, is three quarters of an unstripped build and is
 * not copied.  The whole file when it does not look like an ELF of ours. */
static off_t
image_size (int fd, off_t file_size)
{
  ElfW (Ehdr) eh;
  off_t end = 0;
  int i;

  if (pread (fd, &eh, sizeof eh, 0) != (ssize_t) sizeof eh || memcmp (eh.e_ident, ELFMAG, SELFMAG) != 0
      || eh.e_phentsize != sizeof (ElfW (Phdr)) || eh.e_phnum == 0 || eh.e_phnum == PN_XNUM)
    return file_size;
  end = (off_t) (eh.e_phoff + (ElfW (Off)) eh.e_phnum * sizeof (ElfW (Phdr)));
  for (i = 0; i < eh.e_phnum; i++)
    {
      ElfW (Phdr) ph;
      off_t seg_end;
      if (pread (fd, &ph, sizeof ph, (off_t) (eh.e_phoff + (ElfW (Off)) i * sizeof ph)) != (ssize_t) sizeof ph)
        return file_size;
      seg_end = (off_t) (ph.p_offset + ph.p_filesz);
      if (seg_end > end)
        end = seg_end;
    }
  return end > 0 && end < file_size ? end : file_size;
}

static int
sealed_copy (ocirt_error_t *err)
{
  cleanup_close int src = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  int mfd;
  struct stat st;
  off_t done = 0, size;

  if (src < 0)
    return ocirt_error_errno (err, "open /proc/self/exe");
  if (fstat (src, &st) < 0)
    return ocirt_error_errno (err, "stat /proc/self/exe");
  /* CLOEXEC is fine for an ELF binary (the kernel holds the file once exec starts) and keeps
   * the copy's fd out of the new image. */
  size = image_size (src, st.st_size);
  mfd = memfd_create ("ocirt", MFD_ALLOW_SEALING | MFD_CLOEXEC);
  if (mfd < 0)
    return ocirt_error_errno (err, "memfd_create");
  while (done < size)
    {
      ssize_t n = sendfile (mfd, src, NULL, (size_t) (size - done));
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
