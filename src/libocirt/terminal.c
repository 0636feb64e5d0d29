/* ocirt: terminal handling (see terminal.h). */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sync.h"
#include "terminal.h"
#include "utils.h"

int
ocirt_terminal_create (const oci_process *p, char **slave_path, ocirt_error_t *err)
{
  cleanup_close int master = -1, slave = -1;
  int unlock = 0, n = -1;

  master = open ("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    master = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    return ocirt_error_errno (err, "open /dev/pts/ptmx");
  if (ioctl (master, TIOCSPTLCK, &unlock) < 0)
    return ocirt_error_errno (err, "unlock pty");
  if (ioctl (master, TIOCGPTN, &n) < 0)
    return ocirt_error_errno (err, "get pty number");
  /* TIOCGPTPEER opens the slave through the master, so no path lookup can be redirected. */
  slave = ioctl (master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    return ocirt_error_errno (err, "open pty slave");
  if (p->has_console_size)
    {
      struct winsize ws = { .ws_row = p->console_size.height, .ws_col = p->console_size.width };
      if (ioctl (slave, TIOCSWINSZ, &ws) < 0)
        return ocirt_error_errno (err, "set console size");
    }
  if (setsid () < 0)
    return ocirt_error_errno (err, "setsid");
  if (ioctl (slave, TIOCSCTTY, 0) < 0)
    return ocirt_error_errno (err, "set controlling terminal");
  if (dup2 (slave, 0) < 0 || dup2 (slave, 1) < 0 || dup2 (slave, 2) < 0)
    return ocirt_error_errno (err, "dup pty slave to stdio");
  *slave_path = xasprintf ("/dev/pts/%d", n);
  return steal_fd (&master);
}

int
ocirt_terminal_send_to_socket (const char *path, int master, ocirt_error_t *err)
{
  cleanup_close int sock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  static const char name[] = "/dev/ptmx";

  if (sock < 0)
    return ocirt_error_errno (err, "console socket");
  if (strlen (path) >= sizeof addr.sun_path)
    return ocirt_error_set (err, ENAMETOOLONG, "console socket %s", path);
  strcpy (addr.sun_path, path);
  if (connect (sock, (struct sockaddr *) &addr, sizeof addr) < 0)
    return ocirt_error_errno (err, "connect to console socket %s", path);
  if (ocirt_send_fd (sock, master, name, sizeof name - 1, err) < 0)
    return ocirt_error_wrap (err, "send pty to console socket %s", path);
  return 0;
}

int
ocirt_terminal_raw (int fd, struct termios *saved, ocirt_error_t *err)
{
  struct termios t;
  if (tcgetattr (fd, saved) < 0)
    return ocirt_error_errno (err, "tcgetattr");
  t = *saved;
  cfmakeraw (&t);
  if (tcsetattr (fd, TCSANOW, &t) < 0)
    return ocirt_error_errno (err, "tcsetattr");
  return 0;
}

void
ocirt_terminal_restore (int fd, const struct termios *saved)
{
  tcsetattr (fd, TCSANOW, saved);
}

void
ocirt_terminal_copy_size (int from, int to)
{
  struct winsize ws;
  if (ioctl (from, TIOCGWINSZ, &ws) == 0)
    ioctl (to, TIOCSWINSZ, &ws);
}
