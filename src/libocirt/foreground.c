/* ocirt: `run` without --detach (see container.h). */
#include <config.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "container.h"
#include "log.h"
#include "terminal.h"
#include "utils.h"

static bool
copy_once (int from, int to)
{
  char buf[8192];
  ssize_t n = read (from, buf, sizeof buf);
  if (n <= 0)
    return n < 0 && (errno == EINTR || errno == EAGAIN);
  return write_all (to, buf, n) == 0;
}

static int
exit_code (int status)
{
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return 255;
}

int
ocirt_run_foreground (ocirt_container *c, bool keep, ocirt_error_t *err)
{
  sigset_t mask, old;
  cleanup_close int sfd = -1;
  struct termios saved;
  bool raw = false, stdin_open = true;
  int status = 0, code = -1;
  int master = c->terminal_master;

  sigfillset (&mask);
  sigdelset (&mask, SIGSEGV);
  sigdelset (&mask, SIGBUS);
  sigdelset (&mask, SIGILL);
  sigdelset (&mask, SIGFPE);
  sigprocmask (SIG_BLOCK, &mask, &old);
  sfd = signalfd (-1, &mask, SFD_CLOEXEC);
  if (sfd < 0)
    return ocirt_error_errno (err, "signalfd");
  if (master >= 0 && isatty (0))
    {
      cleanup_error ocirt_error_t e = NULL;
      ocirt_terminal_copy_size (0, master);
      raw = ocirt_terminal_raw (0, &saved, &e) == 0;
    }
  /* It may have exited before SIGCHLD was blocked (and that SIGCHLD was discarded). */
  if (waitpid (c->pid, &status, WNOHANG) == c->pid)
    code = exit_code (status);
  while (code < 0)
    {
      struct pollfd p[3] = { { .fd = sfd, .events = POLLIN }, { .fd = master, .events = POLLIN }, { .fd = stdin_open && master >= 0 ? 0 : -1, .events = POLLIN } };
      struct signalfd_siginfo si;

      if (poll (p, 3, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
        if (!copy_once (master, 1))
          {
            /* The slave side closed: the process is exiting; stop reading the pty. */
            master = -1;
          }
      if (p[2].revents & (POLLIN | POLLHUP))
        if (!copy_once (0, c->terminal_master))
          stdin_open = false;
      if (!(p[0].revents & POLLIN) || read (sfd, &si, sizeof si) != sizeof si)
        continue;
      if (si.ssi_signo == SIGCHLD)
        {
          pid_t r;
          /* Reap every exited child; the container's init decides our exit. */
          while ((r = waitpid (-1, &status, WNOHANG)) > 0)
            if (r == c->pid)
              code = exit_code (status);
          continue;
        }
      if (si.ssi_signo == SIGWINCH)
        {
          if (c->terminal_master >= 0)
            ocirt_terminal_copy_size (0, c->terminal_master);
          continue;
        }
      if (c->pidfd >= 0)
        syscall (SYS_pidfd_send_signal, c->pidfd, si.ssi_signo, NULL, 0);
      else
        kill (c->pid, si.ssi_signo);
    }
  if (master >= 0)
    {
      struct pollfd p = { .fd = master, .events = POLLIN };
      while (poll (&p, 1, 0) > 0 && (p.revents & POLLIN) && copy_once (master, 1))
        ;
    }
  if (raw)
    ocirt_terminal_restore (0, &saved);
  sigprocmask (SIG_SETMASK, &old, NULL);
  if (code < 0)
    return ocirt_error_errno (err, "wait for container process");
  if (!keep)
    {
      cleanup_error ocirt_error_t e = NULL;
      if (ocirt_container_delete_own (c, &e) < 0)
        ocirt_warn ("delete: %s", e->msg);
    }
  return code;
}
