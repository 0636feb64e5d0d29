/* ocirt: state directory (see state.h). */
#include <config.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "state.h"
#include "utils.h"

void
ocirt_state_dir_free (ocirt_state_dir *d)
{
  if (d->root_fd >= 0)
    close (d->root_fd);
  if (d->dir_fd >= 0)
    close (d->dir_fd);
  free (d->root);
  free (d->id);
  free (d->path);
  free (d);
}

void
ocirt_status_freep (ocirt_status **st)
{
  if (*st)
    ocirt_status_free (*st);
}

int
ocirt_validate_id (const char *id, ocirt_error_t *err)
{
  const char *p;
  if (id == NULL || *id == '\0')
    return ocirt_error_set (err, EINVAL, "container id must not be empty");
  if (strlen (id) > 1024)
    return ocirt_error_set (err, EINVAL, "invalid container id `%.32s...`: longer than 1024 characters", id);
  if (id[0] == '.' || id[0] == '-')
    return ocirt_error_set (err, EINVAL, "invalid container id `%s`: must not start with `%c`", id, id[0]);
  for (p = id; *p; p++)
    if (!isalnum ((unsigned char) *p) && *p != '_' && *p != '.' && *p != '+' && *p != '-')
      return ocirt_error_set (err, EINVAL, "invalid container id `%s`: only [A-Za-z0-9_.+-] are allowed", id);
  return 0;
}

static int
open_root (const char *root, bool create, ocirt_error_t *err)
{
  int fd;
  if (create && mkdir_p (root, 0711, err) < 0)
    return ocirt_error_wrap (err, "create state root");
  fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return ocirt_error_errno (err, "open state root %s", root);
  return fd;
}

static ocirt_state_dir *
new_dir (const char *root, const char *id)
{
  ocirt_state_dir *d = xmalloc0 (sizeof *d);
  d->root = xstrdup (root);
  d->id = xstrdup (id);
  d->path = xasprintf ("%s/%s", root, id);
  d->root_fd = d->dir_fd = -1;
  return d;
}

int
ocirt_state_dir_create (const char *root, const char *id, ocirt_state_dir **out, ocirt_error_t *err)
{
  cleanup_state_dir ocirt_state_dir *d = NULL;

  if (ocirt_validate_id (id, err) < 0)
    return -1;
  d = new_dir (root, id);
  d->root_fd = open_root (root, true, err);
  if (d->root_fd < 0)
    return -1;
  if (mkdirat (d->root_fd, id, 0711) < 0)
    {
      if (errno == EEXIST)
        return ocirt_error_set (err, EEXIST, "container already exists");
      return ocirt_error_errno (err, "create state dir %s", d->path);
    }
  d->dir_fd = openat (d->root_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (d->dir_fd < 0 || flock (d->dir_fd, LOCK_EX) < 0)
    {
      int r = ocirt_error_errno (err, "open state dir %s", d->path);
      unlinkat (d->root_fd, id, AT_REMOVEDIR);
      return r;
    }
  *out = steal_pointer (&d);
  return 0;
}

int
ocirt_state_dir_open (const char *root, const char *id, bool lock, ocirt_state_dir **out, ocirt_error_t *err)
{
  cleanup_state_dir ocirt_state_dir *d = NULL;

  if (ocirt_validate_id (id, err) < 0)
    return -1;
  d = new_dir (root, id);
  d->root_fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d->root_fd >= 0)
    d->dir_fd = openat (d->root_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (d->dir_fd < 0)
    {
      if (errno == ENOENT)
        return ocirt_error_set (err, ENOENT, "container does not exist");
      return ocirt_error_errno (err, "open state dir %s", d->path);
    }
  if (lock && ocirt_state_dir_relock (d, err) < 0)
    return -1;
  *out = steal_pointer (&d);
  return 0;
}

int
ocirt_state_dir_relock (ocirt_state_dir *d, ocirt_error_t *err)
{
  struct stat st;

  if (flock (d->dir_fd, LOCK_EX) < 0)
    return ocirt_error_errno (err, "lock state dir %s", d->path);
  /* A concurrent delete may have removed it while we waited. */
  if (fstat (d->dir_fd, &st) < 0 || st.st_nlink == 0)
    return ocirt_error_set (err, ENOENT, "container does not exist");
  return 0;
}

int
ocirt_state_dir_remove (ocirt_state_dir *d, ocirt_error_t *err)
{
  if (rm_rf_at (d->root_fd, d->id) < 0 && errno != ENOENT)
    return ocirt_error_errno (err, "remove state dir %s", d->path);
  return 0;
}

int
ocirt_status_save (ocirt_state_dir *d, const ocirt_status *st, ocirt_error_t *err)
{
  cleanup_free char *json = ocirt_status_generate (st, false);
  if (json == NULL)
    return ocirt_error_set (err, ENOMEM, "generate %s", OCIRT_STATUS_FILE);
  if (write_file_atomic_at (d->dir_fd, OCIRT_STATUS_FILE, json, strlen (json), 0600, err) < 0)
    return ocirt_error_wrap (err, "save state of %s", d->id);
  return 0;
}

int
ocirt_status_load (ocirt_state_dir *d, ocirt_status **out, ocirt_error_t *err)
{
  cleanup_free char *data = NULL;
  cleanup_free char *perr = NULL;
  size_t len;

  if (read_file_at (d->dir_fd, OCIRT_STATUS_FILE, &data, &len, err) < 0)
    {
      if ((*err)->status == ENOENT)
        {
          ocirt_error_release (err);
          return ocirt_error_set (err, ENOENT, "container is being created or deleted");
        }
      return -1;
    }
  *out = ocirt_status_parse_data (OCIRT_STATUS_FILE, data, len, &perr);
  if (*out == NULL)
    return ocirt_error_set (err, EINVAL, "%s/%s", d->path, perr ? perr : "invalid");
  return 0;
}

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

int
ocirt_state_list (const char *root, char ***ids, size_t *n, ocirt_error_t *err)
{
  DIR *d = opendir (root);
  struct dirent *de;
  char **v = NULL;
  size_t len = 0;

  *ids = NULL;
  *n = 0;
  if (d == NULL)
    {
      if (errno == ENOENT)
        {
          *ids = xmalloc0 (sizeof (char *));
          return 0;
        }
      return ocirt_error_errno (err, "open state root %s", root);
    }
  while ((de = readdir (d)))
    {
      if (de->d_name[0] == '.' || ocirt_validate_id (de->d_name, NULL) < 0)
        continue;
      if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
        continue;
      v = xrealloc (v, (len + 2) * sizeof (char *));
      v[len++] = xstrdup (de->d_name);
    }
  closedir (d);
  if (v == NULL)
    v = xmalloc0 (sizeof (char *));
  v[len] = NULL;
  qsort (v, len, sizeof (char *), cmp_str);
  *ids = v;
  *n = len;
  return 0;
}

uint64_t
ocirt_pid_start_time (pid_t pid)
{
  char path[64];
  cleanup_free char *data = NULL;
  char *p;
  int field;
  uint64_t v = 0;

  if (pid <= 0)
    return 0;
  snprintf (path, sizeof path, "/proc/%d/stat", pid);
  if (read_file_at (AT_FDCWD, path, &data, NULL, NULL) < 0)
    return 0;
  /* comm may contain spaces and ')': fields start after the last ')'. */
  p = strrchr (data, ')');
  if (p == NULL || p[1] == '\0' || p[2] == 'Z' || p[2] == 'X')
    return 0; /* zombies count as gone: the program has exited */
  for (field = 2, p++; *p && field < 22; p++)
    {
      if (*p == ' ')
        field++;
      /* PF_EXITING: an init that was killed stays in state S while its pid namespace is torn
       * down; its program is gone all the same. */
      if (field == 9 && *p == ' ' && (strtoull (p + 1, NULL, 10) & 0x4))
        return 0;
    }
  v = strtoull (p, NULL, 10);
  return v;
}

bool
ocirt_pid_alive (pid_t pid, uint64_t start_time)
{
  uint64_t now = ocirt_pid_start_time (pid);
  return now != 0 && (start_time == 0 || now == start_time);
}

char *
ocirt_rfc3339_now (void)
{
  struct timespec ts;
  struct tm tm;
  char buf[64];

  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  strftime (buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return xasprintf ("%s.%09ldZ", buf, ts.tv_nsec);
}

const char *
ocirt_state_status (ocirt_state_dir *d, const ocirt_status *st)
{
  if (st == NULL)
    return "creating";
  if (st->pid <= 0 || !ocirt_pid_alive (st->pid, st->pid_start_time))
    return "stopped";
  if (faccessat (d->dir_fd, OCIRT_EXEC_FIFO, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return "created";
  return "running";
}
