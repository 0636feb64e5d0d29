/* ocirt: small helpers shared by the whole library: cleanup attributes, allocation that
 * aborts on OOM (as crun does: a runtime cannot do anything useful without memory), and
 * whole-file I/O that reports errors through ocirt_error_t. */
#ifndef OCIRT_UTILS_H
#define OCIRT_UTILS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#include "error.h"

#define ARRAY_SIZE(a) (sizeof (a) / sizeof ((a)[0]))
#define UNUSED __attribute__ ((unused))

void oom (void) __attribute__ ((noreturn));
void *xmalloc (size_t size);
void *xmalloc0 (size_t size);
void *xrealloc (void *p, size_t size);
char *xstrdup (const char *s);
char *xasprintf (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

static inline void
cleanup_freep (void *p)
{
  void **pp = (void **) p;
  free (*pp);
}
static inline void
cleanup_closep (int *fd)
{
  if (*fd >= 0)
    close (*fd);
}
static inline void
cleanup_fclosep (FILE **f)
{
  if (*f)
    fclose (*f);
}
void cleanup_strvp (char ***v);

#define cleanup_free __attribute__ ((cleanup (cleanup_freep)))
#define cleanup_close __attribute__ ((cleanup (cleanup_closep)))
#define cleanup_fclose __attribute__ ((cleanup (cleanup_fclosep)))
#define cleanup_strv __attribute__ ((cleanup (cleanup_strvp)))

/* Take ownership out of a cleanup variable. */
#define steal_pointer(pp) \
  ({ __typeof__ (*(pp)) _p = *(pp); *(pp) = NULL; _p; })
#define steal_fd(fdp) \
  ({ int _fd = *(fdp); *(fdp) = -1; _fd; })

/* I/O.  Paths are for messages; *_at variants read relative to dirfd. */
int read_all_fd (int fd, const char *what, char **out, size_t *len, ocirt_error_t *err);
int read_file_at (int dirfd, const char *path, char **out, size_t *len, ocirt_error_t *err);
int write_all (int fd, const void *buf, size_t len);
int write_file_at (int dirfd, const char *path, const void *data, size_t len, int mode, ocirt_error_t *err);
/* Write to a temp file in the same directory then rename(2): readers never see a partial file. */
int write_file_atomic_at (int dirfd, const char *path, const void *data, size_t len, int mode,
                          ocirt_error_t *err);
/* Write to an existing file (sysctl, cgroup, /proc knobs) without O_CREAT. */
int write_existing_at (int dirfd, const char *path, const char *data, ocirt_error_t *err);

int mkdir_p (const char *path, int mode, ocirt_error_t *err);
int mkdir_p_at (int dirfd, const char *path, int mode, ocirt_error_t *err);
/* Remove a directory tree (used for state dirs only, never on cgroupfs or the rootfs). */
int rm_rf_at (int dirfd, const char *name);

bool has_prefix (const char *s, const char *prefix);
bool has_suffix (const char *s, const char *suffix);
/* Parse a non-negative decimal integer; -1 on junk or overflow. */
int parse_u64 (const char *s, uint64_t *out);

/* Time in microseconds from CLOCK_MONOTONIC, for the --debug timeline. */
uint64_t now_usec (void);

#endif
