/* ocirt: process.terminal.  The pty is allocated by the container init from the container's
 * own devpts instance (so the slave belongs to the container), the master goes back to the
 * runtime over the sync socket, then on to --console-socket (SCM_RIGHTS) or, for a
 * foreground `run`, to the caller's terminal through a copy loop. */
#ifndef OCIRT_TERMINAL_H
#define OCIRT_TERMINAL_H

#include <stdbool.h>
#include <sys/types.h>
#include <termios.h>

#include "error.h"
#include "ocispec.h"

/* Child, after pivot_root: open a pty, make the slave the controlling terminal and stdio.
 * Returns the master fd; *slave_path receives "/dev/pts/N" (malloc'd). */
int ocirt_terminal_create (const oci_process *p, char **slave_path, ocirt_error_t *err);
/* Parent: hand the master to the unix socket at `path`. */
int ocirt_terminal_send_to_socket (const char *path, int master, ocirt_error_t *err);
/* Put `fd` in raw mode, saving the old settings. */
int ocirt_terminal_raw (int fd, struct termios *saved, ocirt_error_t *err);
void ocirt_terminal_restore (int fd, const struct termios *saved);
/* Copy the size of `from` to `to` (SIGWINCH handling). */
void ocirt_terminal_copy_size (int from, int to);

#endif
