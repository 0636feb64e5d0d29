/* ocirt: in-root path resolution (see paths.h). */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef HAVE_LINUX_OPENAT2_H
#include <linux/openat2.h>
#endif

#include "paths.h"
#include "utils.h"

static int force_fallback = -1; /* -1: decide from the environment once */

void
ocirt_paths_force_fallback (bool on)
{
  force_fallback = on;
}

static bool
use_fallback (void)
{
  if (force_fallback < 0)
    force_fallback = getenv ("OCIRT_TEST_NO_OPENAT2") != NULL;
  return force_fallback;
}

const char *
ocirt_fd_path (int fd, char buf[OCIRT_FD_PATH_MAX])
{
  snprintf (buf, OCIRT_FD_PATH_MAX, "/proc/self/fd/%d", fd);
  return buf;
}

char *
ocirt_path_clean (const char *path)
{
  size_t n = strlen (path);
  char *out = xmalloc (n + 2);
  size_t o = 0;
  const char *p = path;

  out[o++] = '/';
  while (*p)
    {
      const char *s;
      size_t len;
      while (*p == '/')
        p++;
      s = p;
      while (*p && *p != '/')
        p++;
      len = p - s;
      if (len == 0 || (len == 1 && s[0] == '.'))
        continue;
      if (len == 2 && s[0] == '.' && s[1] == '.')
        {
          while (o > 1 && out[o - 1] != '/')
            o--;
          if (o > 1)
            o--;
          continue;
        }
      if (o > 1)
        out[o++] = '/';
      memcpy (out + o, s, len);
      o += len;
    }
  out[o] = '\0';
  return out;
}

/* Component walk for kernels without openat2: every symlink is read and re-resolved from
 * rootfd; ".." never goes above rootfd.  Mirrors RESOLVE_IN_ROOT semantics. */
static int
walk_in_root (int rootfd, const char *path, int flags, ocirt_error_t *err)
{
  enum { MAX_DEPTH = 256 };
  int stack[MAX_DEPTH];
  size_t depth = 0;
  int links = 0, ret = -1;
  cleanup_free char *rest = xstrdup (path);
  char *p = rest;
  bool nofollow_last = (flags & O_NOFOLLOW) != 0;

  stack[depth++] = dup (rootfd);
  if (stack[0] < 0)
    return ocirt_error_errno (err, "dup rootfd");
  for (;;)
    {
      char *comp, *next;
      int fd;
      struct stat st;
      bool last;

      while (*p == '/')
        p++;
      if (*p == '\0')
        break;
      comp = p;
      next = strchr (p, '/');
      if (next)
        *next++ = '\0';
      else
        next = p + strlen (p);
      while (*next == '/')
        next++;
      last = *next == '\0';
      p = next;
      if (strcmp (comp, ".") == 0)
        continue;
      if (strcmp (comp, "..") == 0)
        {
          if (depth > 1)
            close (stack[--depth]);
          continue;
        }
      fd = openat (stack[depth - 1], comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0)
        {
          ret = ocirt_error_errno (err, "open %s", path);
          goto out;
        }
      if (fstat (fd, &st) < 0)
        {
          close (fd);
          ret = ocirt_error_errno (err, "stat %s", path);
          goto out;
        }
      if (S_ISLNK (st.st_mode) && !(last && nofollow_last))
        {
          char target[PATH_MAX];
          ssize_t n = readlinkat (fd, "", target, sizeof target - 1);
          char *joined;
          close (fd);
          if (n < 0 || ++links > 40)
            {
              ret = ocirt_error_set (err, n < 0 ? errno : ELOOP, "resolve %s", path);
              goto out;
            }
          target[n] = '\0';
          if (target[0] == '/')
            while (depth > 1)
              close (stack[--depth]);
          joined = xasprintf ("%s/%s", target, p);
          free (rest);
          rest = joined;
          p = rest;
          continue;
        }
      if (depth == MAX_DEPTH)
        {
          close (fd);
          ret = ocirt_error_set (err, ENAMETOOLONG, "resolve %s", path);
          goto out;
        }
      stack[depth++] = fd;
    }
  /* Reopen the final O_PATH fd with the requested flags. */
  {
    int want = flags & ~O_NOFOLLOW;
    struct stat st;
    /* O_PATH is a dup, which would skip the kernel's O_DIRECTORY check: do it here. */
    if ((want & O_DIRECTORY) && (fstat (stack[depth - 1], &st) < 0 || !S_ISDIR (st.st_mode)))
      {
        ret = ocirt_error_set (err, ENOTDIR, "open %s", path);
        goto out;
      }
    if ((want & O_PATH) == O_PATH)
      ret = dup (stack[depth - 1]);
    else
      {
        char buf[OCIRT_FD_PATH_MAX];
        ret = open (ocirt_fd_path (stack[depth - 1], buf), want | O_CLOEXEC);
      }
    if (ret < 0)
      ret = ocirt_error_errno (err, "open %s", path);
  }
out:
  while (depth > 0)
    close (stack[--depth]);
  return ret;
}

int
ocirt_open_in_root (int rootfd, const char *path, int flags, ocirt_error_t *err)
{
#ifdef HAVE_LINUX_OPENAT2_H
  if (!use_fallback ())
    {
      struct open_how how = { .flags = (uint64_t) ((flags & ~O_NOFOLLOW) | O_CLOEXEC),
                              .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
      int fd;
      if (flags & O_NOFOLLOW)
        how.flags |= O_NOFOLLOW;
      do
        fd = syscall (SYS_openat2, rootfd, path, &how, sizeof how);
      while (fd < 0 && errno == EAGAIN);
      if (fd >= 0)
        return fd;
      if (errno != ENOSYS)
        return ocirt_error_errno (err, "open %s", path);
    }
#endif
  return walk_in_root (rootfd, path, flags, err);
}

/* If NAME in PARENT is a symlink, set *NEXT to the cleaned in-root path it leads to followed by
 * REST, and return 1; 0 if it isn't a symlink. */
static int
follow_dangling (int rootfd, int parent, const char *name, const char *rest, char **next, ocirt_error_t *err)
{
  char buf[OCIRT_FD_PATH_MAX], target[PATH_MAX], proot[PATH_MAX], pdir[PATH_MAX];
  cleanup_free char *joined = NULL;
  struct stat st;
  ssize_t n, rl, pl;

  if (fstatat (parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISLNK (st.st_mode))
    return 0;
  n = readlinkat (parent, name, target, sizeof target - 1);
  if (n < 0)
    return ocirt_error_errno (err, "readlink %s", name);
  target[n] = '\0';
  if (target[0] == '/')
    joined = xasprintf ("%s/%s", target, rest);
  else
    {
      /* Relative: from the parent's real location below the root. */
      rl = readlink (ocirt_fd_path (rootfd, buf), proot, sizeof proot - 1);
      pl = readlink (ocirt_fd_path (parent, buf), pdir, sizeof pdir - 1);
      if (rl < 0 || pl < 0)
        return ocirt_error_errno (err, "readlink %s", name);
      proot[rl] = pdir[pl] = '\0';
      if (strcmp (proot, "/") == 0)
        rl = 0;
      if (strncmp (pdir, proot, rl) != 0 || (pdir[rl] != '/' && pdir[rl] != '\0'))
        return ocirt_error_set (err, EXDEV, "resolve %s: outside the root", name);
      joined = xasprintf ("/%s/%s/%s", pdir + rl, target, rest);
    }
  *next = ocirt_path_clean (joined);
  return 1;
}

/* Make component NAME in DIR (an fd resolved in the root; O_PATH is fine as a dirfd): a
 * directory, or with `file` an empty regular file.  One that exists already is fine. */
static int
make_one (int dir, const char *name, bool file, const char *what, ocirt_error_t *err)
{
  if (file)
    {
      int f = openat (dir, name, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0644);
      if (f < 0 && errno != EEXIST)
        return ocirt_error_errno (err, "create %s", what);
      if (f >= 0)
        close (f);
      return 0;
    }
  if (mkdirat (dir, name, 0755) < 0 && errno != EEXIST)
    return ocirt_error_errno (err, "mkdir %s", what);
  return 0;
}

int
ocirt_mkpath_in_root (int rootfd, const char *path, bool file, ocirt_error_t *err)
{
  cleanup_free char *clean = ocirt_path_clean (path);
  int links = 0;

  for (;;)
    {
      cleanup_close int dir = -1;
      char *name, *next = NULL;
      int fd, r;

      fd = ocirt_open_in_root (rootfd, clean, O_PATH, NULL);
      if (fd >= 0)
        return fd;
      /* (the in-root open returns -errno; errno itself may be stale after the walk) */
      if (strcmp (clean, "/") == 0)
        return ocirt_error_set (err, -fd, "open rootfs");
      /* The deepest level that exists, searched from the bottom (it is usually the parent):
       * `name` ends up at the '/' before the first missing component. */
      name = clean + strlen (clean);
      while (dir < 0)
        {
          do
            name--;
          while (*name != '/');
          *name = '\0';
          dir = ocirt_open_in_root (rootfd, name == clean ? "/" : clean, O_PATH | O_DIRECTORY, NULL);
          *name = '/';
          if (dir < 0 && (name == clean || dir != -ENOENT))
            {
              *name = '\0';
              ocirt_error_set (err, -dir, "open %s", name == clean ? "rootfs" : clean);
              *name = '/';
              return -1;
            }
        }
      /* Make each missing level through its parent's fd, so that a symlink can't redirect the
       * mkdir outside the root.  A dangling symlink on the way: make what it points to, inside
       * the root (as runc's securejoin.MkdirAll does), by starting over on the rewritten path. */
      for (;;)
        {
          char *comp = name + 1, *slash = strchr (comp, '/');
          bool last = slash == NULL;
          int sub;

          if (!last)
            *slash = '\0';
          r = follow_dangling (rootfd, dir, comp, last ? "" : slash + 1, &next, err);
          if (r == 0)
            r = make_one (dir, comp, last && file, last && file ? path : clean, err);
          if (!last)
            *slash = '/';
          if (r < 0)
            return -1;
          if (next)
            break;
          if (last)
            return ocirt_open_in_root (rootfd, clean, O_PATH, err);
          *slash = '\0';
          sub = openat (dir, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          *slash = '/';
          if (sub < 0)
            return ocirt_error_errno (err, "open %s", clean);
          close (dir);
          dir = sub;
          name = slash;
        }
      if (++links > 40)
        {
          free (next);
          return ocirt_error_set (err, ELOOP, "resolve %s", path);
        }
      free (clean);
      clean = next;
    }
}
