/* ocirt: resolving container paths inside the rootfs.
 * A rootfs is untrusted: any component may be a symlink to "/", "../../etc" or /proc/self/...
 * Every path is resolved as if rootfd were "/" (openat2 RESOLVE_IN_ROOT, or an equivalent
 * component walk on kernels without openat2), and callers then act on the resulting fd
 * (mount onto /proc/self/fd/N, fchown, ...), never on the path string again. */
#ifndef OCIRT_PATHS_H
#define OCIRT_PATHS_H

#include <stdbool.h>

#include "error.h"

/* Open `path` below rootfd with `flags` (O_PATH, O_RDONLY...).  O_NOFOLLOW in flags refuses a
 * symlink in the last component.  Returns the fd, or -errno (with *err set when err is given). */
int ocirt_open_in_root (int rootfd, const char *path, int flags, ocirt_error_t *err);
/* Like ocirt_open_in_root(O_PATH) but creates missing directories (0755) on the way and, when
 * `file` is true, the last component as an empty regular file (for file bind mounts, /dev nodes
 * bound from the host, /dev/console).  */
int ocirt_mkpath_in_root (int rootfd, const char *path, bool file, ocirt_error_t *err);
/* "/proc/self/fd/N" for an fd, to give to mount(2). */
#define OCIRT_FD_PATH_MAX 32
const char *ocirt_fd_path (int fd, char buf[OCIRT_FD_PATH_MAX]);
/* Force the component-walk fallback (tests exercise it on kernels that have openat2). */
void ocirt_paths_force_fallback (bool on);
/* Lexically clean an absolute path: collapse //, ".", and "..", never above "/". malloc'd. */
char *ocirt_path_clean (const char *path);

#endif
