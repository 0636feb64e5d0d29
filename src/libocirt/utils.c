/* ocirt: helpers (see utils.h). */
#include <config.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "utils.h"

void
oom (void)
{
  static const char msg[] = "ocirt: out of memory\n";
  (void) !write (2, msg, sizeof msg - 1);
  abort ();
}

void *
xmalloc (size_t size)
{
  void *p = malloc (size ? size : 1);
  if (p == NULL)
    oom ();
  return p;
}

void *
xmalloc0 (size_t size)
{
  void *p = calloc (1, size ? size : 1);
  if (p == NULL)
    oom ();
  return p;
}

void *
xrealloc (void *p, size_t size)
{
  p = realloc (p, size ? size : 1);
  if (p == NULL)
    oom ();
  return p;
}

char *
xstrdup (const char *s)
{
  char *r;
  if (s == NULL)
    return NULL;
  r = strdup (s);
  if (r == NULL)
    oom ();
  return r;
}

char *
xasprintf (const char *fmt, ...)
{
  va_list ap;
  char *r;
  int n;

  va_start (ap, fmt);
  n = vasprintf (&r, fmt, ap);
  va_end (ap);
  if (n < 0)
    oom ();
  return r;
}

void
cleanup_strvp (char ***v)
{
  char **p;
  if (*v == NULL)
    return;
  for (p = *v; *p; p++)
    free (*p);
  free (*v);
}

int
read_all_fd (int fd, const char *what, char **out, size_t *len, ocirt_error_t *err)
{
  size_t alloc = 4096, used = 0;
  cleanup_free char *buf = xmalloc (alloc);

  for (;;)
    {
      ssize_t r;
      if (alloc - used < 2)
        buf = xrealloc (buf, alloc *= 2);
      r = read (fd, buf + used, alloc - used - 1);
      if (r < 0)
        {
          if (errno == EINTR)
            continue;
          return ocirt_error_errno (err, "read %s", what);
        }
      if (r == 0)
        break;
      used += r;
    }
  buf[used] = '\0';
  if (len)
    *len = used;
  *out = steal_pointer (&buf);
  return 0;
}

int
read_file_at (int dirfd, const char *path, char **out, size_t *len, ocirt_error_t *err)
{
  cleanup_close int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return ocirt_error_errno (err, "open %s", path);
  return read_all_fd (fd, path, out, len, err);
}

int
write_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;
  while (len > 0)
    {
      ssize_t w = write (fd, p, len);
      if (w < 0)
        {
          if (errno == EINTR)
            continue;
          return -1;
        }
      p += w;
      len -= w;
    }
  return 0;
}

int
write_file_at (int dirfd, const char *path, const void *data, size_t len, int mode, ocirt_error_t *err)
{
  cleanup_close int fd = openat (dirfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0)
    return ocirt_error_errno (err, "open %s", path);
  if (write_all (fd, data, len) < 0)
    return ocirt_error_errno (err, "write %s", path);
  return 0;
}

int
write_file_atomic_at (int dirfd, const char *path, const void *data, size_t len, int mode,
                      ocirt_error_t *err)
{
  cleanup_free char *tmp = xasprintf ("%s.tmp.%d", path, getpid ());
  int ret = write_file_at (dirfd, tmp, data, len, mode, err);
  if (ret < 0)
    {
      unlinkat (dirfd, tmp, 0);
      return ret;
    }
  if (renameat (dirfd, tmp, dirfd, path) < 0)
    {
      ret = ocirt_error_errno (err, "rename %s", path);
      unlinkat (dirfd, tmp, 0);
      return ret;
    }
  return 0;
}

int
write_existing_at (int dirfd, const char *path, const char *data, ocirt_error_t *err)
{
  cleanup_close int fd = openat (dirfd, path, O_WRONLY | O_CLOEXEC);
  size_t len = strlen (data);
  ssize_t w;

  if (fd < 0)
    return ocirt_error_errno (err, "open %s", path);
  /* One write(2): kernel knobs parse the whole value at once and reject partial writes. */
  w = write (fd, data, len);
  if (w < 0)
    return ocirt_error_errno (err, "write `%s` to %s", data, path);
  if ((size_t) w != len)
    return ocirt_error_set (err, EIO, "short write `%s` to %s", data, path);
  return 0;
}

int
mkdir_p_at (int dirfd, const char *path, int mode, ocirt_error_t *err)
{
  cleanup_free char *p = xstrdup (path);
  char *s = p;

  while (*s == '/')
    s++;
  for (;;)
    {
      char *slash = strchr (s, '/');
      if (slash)
        *slash = '\0';
      if (*p && mkdirat (dirfd, p, mode) < 0 && errno != EEXIST)
        return ocirt_error_errno (err, "mkdir %s", p);
      if (slash == NULL)
        break;
      *slash = '/';
      s = slash + 1;
      while (*s == '/')
        s++;
      if (*s == '\0')
        break;
    }
  return 0;
}

int
mkdir_p (const char *path, int mode, ocirt_error_t *err)
{
  return mkdir_p_at (AT_FDCWD, path, mode, err);
}

int
rm_rf_at (int parent, const char *name)
{
  cleanup_close int fd = -1;
  DIR *d;
  struct dirent *de;

  if (unlinkat (parent, name, 0) == 0 || errno == ENOENT)
    return 0;
  if (errno != EISDIR && errno != EPERM)
    return -1;
  fd = openat (parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return -1;
  d = fdopendir (fd);
  if (d == NULL)
    return -1;
  fd = -1; /* owned by d now */
  while ((de = readdir (d)))
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      rm_rf_at (dirfd (d), de->d_name);
    }
  closedir (d);
  return unlinkat (parent, name, AT_REMOVEDIR);
}

bool
has_prefix (const char *s, const char *prefix)
{
  return strncmp (s, prefix, strlen (prefix)) == 0;
}

bool
has_suffix (const char *s, const char *suffix)
{
  size_t a = strlen (s), b = strlen (suffix);
  return a >= b && strcmp (s + a - b, suffix) == 0;
}

int
parse_u64 (const char *s, uint64_t *out)
{
  char *end;
  unsigned long long v;

  if (s == NULL || *s < '0' || *s > '9')
    return -1;
  errno = 0;
  v = strtoull (s, &end, 10);
  if (errno || *end)
    return -1;
  *out = v;
  return 0;
}

uint64_t
now_usec (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000u + ts.tv_nsec / 1000;
}
