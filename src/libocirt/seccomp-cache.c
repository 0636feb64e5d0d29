/* ocirt: on-disk cache of compiled seccomp programs.  Compiling a large profile (Docker's
 * default has ~350 rules) with libseccomp costs milliseconds on every container start; the
 * BPF only depends on the profile and on libseccomp, so it is kept under cache_dir, named by
 * a SHA-256 of both.  The directory is trusted only if it is ours and private: a program
 * planted there would be loaded into every container. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "seccomp-internal.h"
#include "sha256.h"
#include "utils.h"

#define CACHE_FORMAT "ocirt-seccomp-cache-1"

/* Canonical serialization, hashed as it is produced: every field in a fixed order,
 * integers as 8 little-endian bytes, strings length-prefixed and NULL distinct from "",
 * lists prefixed by their length, so two different profiles cannot serialize alike. */
static void
put_u64 (ocirt_sha256_ctx *c, uint64_t v)
{
  uint8_t b[8];
  int i;
  for (i = 0; i < 8; i++)
    b[i] = (uint8_t) (v >> (8 * i));
  ocirt_sha256_update (c, b, sizeof b);
}

static void
put_str (ocirt_sha256_ctx *c, const char *s)
{
  if (s == NULL)
    {
      put_u64 (c, 0);
      return;
    }
  put_u64 (c, 1 + (uint64_t) strlen (s));
  ocirt_sha256_update (c, s, strlen (s));
}

static void
put_strv (ocirt_sha256_ctx *c, char *const *v, size_t len)
{
  size_t i;
  put_u64 (c, v ? len + 1 : 0);
  for (i = 0; v && i < len; i++)
    put_str (c, v[i]);
}

char *
ocirt_seccomp_cache_key (const oci_seccomp *s)
{
  const struct scmp_version *v = seccomp_version ();
  uint8_t digest[OCIRT_SHA256_LEN];
  static const char hex[] = "0123456789abcdef";
  ocirt_sha256_ctx c;
  char *out;
  size_t i, j;

  ocirt_sha256_init (&c);
  put_str (&c, CACHE_FORMAT);
  put_u64 (&c, v->major);
  put_u64 (&c, v->minor);
  put_u64 (&c, v->micro);
  /* The API level records what libseccomp detected in the kernel, which can change output. */
  put_u64 (&c, seccomp_api_get ());
  put_u64 (&c, seccomp_arch_native ());

  /* listenerPath/listenerMetadata are left out: they do not reach the program. */
  put_str (&c, s->default_action);
  put_u64 (&c, s->has_default_errno_ret);
  put_u64 (&c, s->has_default_errno_ret ? s->default_errno_ret : 0);
  put_strv (&c, s->architectures, s->architectures_len);
  put_strv (&c, s->flags, s->flags_len);
  put_u64 (&c, s->syscalls_len);
  for (i = 0; i < s->syscalls_len; i++)
    {
      const oci_seccomp_syscall *sc = &s->syscalls[i];
      put_strv (&c, sc->names, sc->names_len);
      put_str (&c, sc->action);
      put_u64 (&c, sc->has_errno_ret);
      put_u64 (&c, sc->has_errno_ret ? sc->errno_ret : 0);
      put_u64 (&c, sc->args_len);
      for (j = 0; j < sc->args_len; j++)
        {
          put_u64 (&c, sc->args[j].index);
          put_u64 (&c, sc->args[j].value);
          put_u64 (&c, sc->args[j].has_value_two);
          put_u64 (&c, sc->args[j].has_value_two ? sc->args[j].value_two : 0);
          put_str (&c, sc->args[j].op);
        }
    }
  ocirt_sha256_final (&c, digest);

  out = xmalloc (2 * OCIRT_SHA256_LEN + 1);
  for (i = 0; i < OCIRT_SHA256_LEN; i++)
    {
      out[2 * i] = hex[digest[i] >> 4];
      out[2 * i + 1] = hex[digest[i] & 15];
    }
  out[2 * OCIRT_SHA256_LEN] = '\0';
  return out;
}

/* Create (0700) or open cache_dir; -1 when it is missing, a symlink, not ours or not private. */
static int
open_cache_dir (const char *dir)
{
  cleanup_error ocirt_error_t err = NULL;
  cleanup_close int fd = -1;
  struct stat st;

  if (mkdir_p (dir, 0700, &err) < 0)
    {
      ocirt_debug ("seccomp cache: %s, not used", err->msg);
      return -1;
    }
  fd = open (dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    {
      ocirt_debug ("seccomp cache: open %s: %s, not used", dir, strerror (errno));
      return -1;
    }
  if (fstat (fd, &st) < 0 || !S_ISDIR (st.st_mode) || st.st_uid != geteuid ()
      || (st.st_mode & 07777) != 0700)
    {
      ocirt_debug ("seccomp cache: %s is not a directory owned by uid %u with mode 0700, not used", dir,
                   (unsigned) geteuid ());
      return -1;
    }
  return steal_fd (&fd);
}

int
ocirt_seccomp_cache_load (const char *cache_dir, const char *key, struct sock_filter **bpf, size_t *len)
{
  cleanup_error ocirt_error_t err = NULL;
  cleanup_close int dfd = open_cache_dir (cache_dir);
  cleanup_close int fd = -1;
  cleanup_free char *buf = NULL;
  struct stat st;
  size_t size;

  if (dfd < 0)
    return 0;
  fd = openat (dfd, key, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    {
      ocirt_debug ("seccomp cache: miss %s", key);
      return 0;
    }
  if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) || st.st_uid != geteuid () || (st.st_mode & 077)
      || st.st_size <= 0 || st.st_size % sizeof (struct sock_filter)
      || st.st_size / sizeof (struct sock_filter) > BPF_MAXINSNS)
    goto invalid;
  if (read_all_fd (fd, key, &buf, &size, &err) < 0 || size != (size_t) st.st_size)
    goto invalid;
  *bpf = (struct sock_filter *) steal_pointer (&buf);
  *len = size / sizeof (struct sock_filter);
  ocirt_debug ("seccomp cache: hit %s", key);
  return 1;

invalid:
  /* Drop it so the program compiled next replaces it. */
  ocirt_debug ("seccomp cache: invalid entry %s, recompiling", key);
  unlinkat (dfd, key, 0);
  return 0;
}

void
ocirt_seccomp_cache_store (const char *cache_dir, const char *key, const struct sock_filter *bpf, size_t len)
{
  static unsigned int counter;
  cleanup_close int dfd = open_cache_dir (cache_dir);
  cleanup_close int fd = -1;
  cleanup_free char *tmp = NULL;

  if (dfd < 0)
    return;
  tmp = xasprintf ("%s.tmp.%d.%u", key, (int) getpid (), counter++);
  fd = openat (dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      ocirt_debug ("seccomp cache: create %s: %s", tmp, strerror (errno));
      return;
    }
  /* Readers see either no file or the complete program: write a temp file, then rename. */
  if (write_all (fd, bpf, len * sizeof *bpf) < 0 || renameat (dfd, tmp, dfd, key) < 0)
    {
      ocirt_debug ("seccomp cache: store %s: %s", key, strerror (errno));
      unlinkat (dfd, tmp, 0);
      return;
    }
  ocirt_debug ("seccomp cache: stored %s", key);
}
