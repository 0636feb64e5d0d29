/* ocirt: re-exec from a sealed memfd copy of /proc/self/exe (see selfexe.h). */
#include <config.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

/* The main program's load bias and program headers (dl_iterate_phdr lists it first). */
struct main_image
{
  uintptr_t bias;
  const ElfW (Phdr) * phdr;
  size_t phnum;
};

static int
first_object (struct dl_phdr_info *info, size_t size, void *data)
{
  struct main_image *m = data;
  (void) size;
  m->bias = info->dlpi_addr;
  m->phdr = info->dlpi_phdr;
  m->phnum = info->dlpi_phnum;
  return 1;
}

static int
segment_prot (const ElfW (Phdr) * ph)
{
  return (ph->p_flags & PF_R ? PROT_READ : 0) | (ph->p_flags & PF_W ? PROT_WRITE : 0)
         | (ph->p_flags & PF_X ? PROT_EXEC : 0);
}

/* Replace every mapping of the binary with identical pages that are not the host file: the
 * segments the loader never writes come from the copy (same offsets, same bytes); the
 * written ones (RELRO after relocation, data, bss) become anonymous copies, moved in with one
 * mremap so that no global is ever missing.  The kernel copies them (/proc/self/mem), so a
 * sanitizer does not see a read across its redzones between globals.  Single-threaded
 * callers only, signals blocked: a global written between the copy and the mremap would be
 * lost. */
static int
remap_from_copy (int mfd)
{
  struct main_image m = { 0 };
  uintptr_t pg = (uintptr_t) sysconf (_SC_PAGESIZE), relro_lo = 0, relro_hi = 0;
  cleanup_close int mem = -1;
  struct stat st;
  size_t i;

  dl_iterate_phdr (first_object, &m);
  if (m.phdr == NULL || fstat (mfd, &st) < 0)
    return -1;
  mem = open ("/proc/self/mem", O_RDONLY | O_CLOEXEC);
  if (mem < 0)
    return -1;
  for (i = 0; i < m.phnum; i++)
    if (m.phdr[i].p_type == PT_GNU_RELRO)
      {
        relro_lo = (m.bias + m.phdr[i].p_vaddr) & ~(pg - 1);
        relro_hi = (m.bias + m.phdr[i].p_vaddr + m.phdr[i].p_memsz) & ~(pg - 1);
      }
  for (i = 0; i < m.phnum; i++)
    {
      const ElfW (Phdr) *ph = &m.phdr[i];
      uintptr_t lo, hi;
      void *copy;

      if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
        continue;
      lo = (m.bias + ph->p_vaddr) & ~(pg - 1);
      hi = (m.bias + ph->p_vaddr + ph->p_memsz + pg - 1) & ~(pg - 1);
      /* (a mapping past the copy's end, which holds only the loaded image, would fault) */
      if (!(ph->p_flags & PF_W) && ph->p_filesz == ph->p_memsz && (hi <= relro_lo || lo >= relro_hi)
          && (ph->p_offset & ~(pg - 1)) + (hi - lo) <= (uintptr_t) st.st_size)
        {
          if (mmap ((void *) lo, hi - lo, segment_prot (ph), MAP_PRIVATE | MAP_FIXED, mfd,
                    (off_t) (ph->p_offset & ~(pg - 1)))
              != (void *) lo)
            return -1;
          continue;
        }
      copy = mmap (NULL, hi - lo, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (copy == MAP_FAILED)
        return -1;
      if (pread (mem, copy, hi - lo, (off_t) lo) != (ssize_t) (hi - lo)
          || mprotect (copy, hi - lo, segment_prot (ph) | PROT_READ) < 0
          || mremap (copy, hi - lo, hi - lo, MREMAP_MAYMOVE | MREMAP_FIXED, (void *) lo) != (void *) lo)
        {
          munmap (copy, hi - lo);
          return -1;
        }
      /* ld.so made the relocated part read-only: keep it so. */
      if (relro_lo < hi && relro_hi > lo)
        {
          uintptr_t a = relro_lo > lo ? relro_lo : lo, b = relro_hi < hi ? relro_hi : hi;
          if (a < b && mprotect ((void *) a, b - a, PROT_READ) < 0)
            return -1;
        }
    }
  return 0;
}

/* The mm fields PR_SET_MM_MAP rewrites, as they are: fields 26-28 and 45-51 of
 * /proc/self/stat (after the comm's closing parenthesis), and the current brk. */
static int
current_mm_map (struct prctl_mm_map *map)
{
  cleanup_free char *data = NULL;
  unsigned long long v[52] = { 0 };
  char *p;
  int f;

  if (read_file_at (AT_FDCWD, "/proc/self/stat", &data, NULL, NULL) < 0)
    return -1;
  p = strrchr (data, ')');
  if (p == NULL)
    return -1;
  /* p + 2 is field 3 (state) */
  p += 2;
  for (f = 3; f <= 51 && *p; f++)
    {
      char *end;
      if (f == 3)
        end = p + 1;
      else
        v[f] = strtoull (p, &end, 10);
      if (end == p)
        return -1;
      p = end;
      while (*p == ' ')
        p++;
    }
  if (f <= 51)
    return -1;
  memset (map, 0, sizeof *map);
  map->start_code = v[26];
  map->end_code = v[27];
  map->start_stack = v[28];
  map->start_data = v[45];
  map->end_data = v[46];
  map->start_brk = v[47];
  map->arg_start = v[48];
  map->arg_end = v[49];
  map->env_start = v[50];
  map->env_end = v[51];
  map->brk = (unsigned long) syscall (SYS_brk, 0);
  return 0;
}

/* Make the sealed copy our /proc/self/exe without exec'ing it: after remap_from_copy, no
 * mapping of the host file is left, which is what prctl(PR_SET_MM_MAP, exe_fd) requires
 * (it fails with EBUSY otherwise, so a partial remap cannot pass for a whole one).  Needs
 * CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE.  This saves the second process start of a
 * re-exec (ld.so, libc's CPU probing, our own init): about a third of an `exec`. */
static int
swap_exe_in_place (int mfd)
{
  struct prctl_mm_map map;
  sigset_t all, old;
  int ret;

  sigfillset (&all);
  sigprocmask (SIG_BLOCK, &all, &old);
  ret = remap_from_copy (mfd);
  sigprocmask (SIG_SETMASK, &old, NULL);
  if (ret < 0 || current_mm_map (&map) < 0)
    return -1;
  map.exe_fd = (uint32_t) mfd;
  if (prctl (PR_SET_MM, PR_SET_MM_MAP, (unsigned long) &map, sizeof map, 0) < 0)
    return -1;
  return ocirt_self_is_sealed () ? 0 : -1;
}

/* Until our next execve, nobody below root can ptrace us or read our /proc entries; execve
 * resets it.  Only as root: rootless runs need their own /proc/self. */
static int
make_undumpable (ocirt_error_t *err)
{
  if (geteuid () == 0 && prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return ocirt_error_errno (err, "prctl PR_SET_DUMPABLE");
  return 0;
}

int
ocirt_ensure_sealed_self (ocirt_error_t *err)
{
  int mfd;

  if (ocirt_self_is_sealed ())
    {
      unsetenv (REEXEC_ENV);
      return make_undumpable (err);
    }
  if (getenv (REEXEC_ENV))
    return ocirt_error_set (err, EPERM, "re-exec from a sealed copy of ocirt: the copy is not sealed");
  if (saved_argv == NULL)
    return ocirt_error_set (err, EINVAL, "re-exec from a sealed copy of ocirt: no argv");
  mfd = sealed_copy (err);
  if (mfd < 0)
    return -1;
  if (swap_exe_in_place (mfd) == 0)
    {
      close (mfd);
      ocirt_debug ("running from a sealed memfd copy of the binary (swapped in place)");
      return make_undumpable (err);
    }
  ocirt_debug ("re-executing from a sealed memfd copy of the binary (in-place swap: %s)", strerror (errno));
  setenv (REEXEC_ENV, "1", 1);
  fexecve (mfd, saved_argv, environ);
  ocirt_error_errno (err, "fexecve the sealed copy of ocirt");
  unsetenv (REEXEC_ENV);
  close (mfd);
  return -1;
}
