/* ocirt: hooks (see hooks.h). */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hooks.h"
#include "log.h"
#include "utils.h"

static int
wait_hook (pid_t pid, const oci_hook *h, const char *stage, ocirt_error_t *err)
{
  int status = 0;
  cleanup_close int pfd = syscall (SYS_pidfd_open, pid, 0);

  if (h->has_timeout && pfd >= 0)
    {
      struct pollfd p = { .fd = pfd, .events = POLLIN };
      int r;
      do
        r = poll (&p, 1, (int) (h->timeout > 2000000 ? 2000000000 : h->timeout * 1000));
      while (r < 0 && errno == EINTR);
      if (r == 0)
        {
          /* The hook leads its own process group: whatever it started dies with it. */
          kill (-pid, SIGKILL);
          kill (pid, SIGKILL);
          waitpid (pid, NULL, 0);
          return ocirt_error_set (err, 0, "%s hook %s: timed out after %lld s", stage, h->path,
                                  (long long) h->timeout);
        }
    }
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return ocirt_error_errno (err, "wait for %s hook %s", stage, h->path);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  if (h->has_timeout)
    kill (-pid, SIGKILL); /* leftovers of a failed hook */
  if (WIFSIGNALED (status))
    return ocirt_error_set (err, 0, "%s hook %s: killed by signal %d", stage, h->path, WTERMSIG (status));
  return ocirt_error_set (err, 0, "%s hook %s: exited with status %d", stage, h->path, WEXITSTATUS (status));
}

static int
run_one (const oci_hook *h, const char *stage, const char *state_json, ocirt_error_t *err)
{
  int pipefd[2], errpipe[2];
  pid_t pid;
  char *empty_env[] = { NULL };
  char *default_argv[] = { h->path, NULL };
  int exec_errno = 0;

  /* A missing or non-executable hook is named with its cause, not as "status 127". */
  if (access (h->path, X_OK) < 0)
    return ocirt_error_errno (err, "%s hook %s", stage, h->path);
  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    return ocirt_error_errno (err, "pipe for %s hook", stage);
  /* A failed execve reports its errno here; a successful one closes it (O_CLOEXEC), so the
   * user sees one error line from us instead of a second one from the hook's child. */
  if (pipe2 (errpipe, O_CLOEXEC) < 0)
    {
      close (pipefd[0]);
      close (pipefd[1]);
      return ocirt_error_errno (err, "pipe for %s hook", stage);
    }
  pid = fork ();
  if (pid < 0)
    {
      close (pipefd[0]);
      close (pipefd[1]);
      close (errpipe[0]);
      close (errpipe[1]);
      return ocirt_error_errno (err, "fork %s hook %s", stage, h->path);
    }
  if (pid == 0)
    {
      sigset_t all;
      int e;
      sigemptyset (&all);
      sigprocmask (SIG_SETMASK, &all, NULL);
      setpgid (0, 0);
      if (dup2 (pipefd[0], 0) < 0)
        _exit (127);
      execve (h->path, h->args ? h->args : default_argv, h->env ? h->env : empty_env);
      e = errno;
      (void) write_all (errpipe[1], &e, sizeof e);
      _exit (127);
    }
  close (pipefd[0]);
  close (errpipe[1]);
  /* The hook may not read its stdin: ignore EPIPE, don't block on a full pipe forever. */
  {
    void (*old) (int) = signal (SIGPIPE, SIG_IGN);
    (void) write_all (pipefd[1], state_json, strlen (state_json));
    signal (SIGPIPE, old);
  }
  close (pipefd[1]);
  while (read (errpipe[0], &exec_errno, sizeof exec_errno) < 0 && errno == EINTR)
    ;
  close (errpipe[0]);
  if (exec_errno)
    {
      while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
        ;
      return ocirt_error_set (err, exec_errno, "%s hook %s: exec", stage, h->path);
    }
  return wait_hook (pid, h, stage, err);
}

int
ocirt_hooks_run (const oci_hook_list *list, const char *stage, const oci_state *state, ocirt_error_t *err)
{
  cleanup_free char *json = NULL;
  size_t i;

  if (list == NULL || list->len == 0)
    return 0;
  json = oci_state_generate (state, false);
  if (json == NULL)
    return ocirt_error_set (err, ENOMEM, "generate state for %s hooks", stage);
  for (i = 0; i < list->len; i++)
    {
      uint64_t t = ocirt_step_begin ();
      int ret = run_one (&list->items[i], stage, json, err);
      ocirt_step_end (t, stage);
      if (ret < 0)
        return ret;
    }
  return 0;
}

int
ocirt_hooks_run_in_container (const oci_hook_list *list, const char *stage, const oci_state *state, const char *status,
                              ocirt_error_t *err)
{
  oci_state copy = *state; /* shallow: only read by ocirt_hooks_run */

  if (list == NULL || list->len == 0)
    return 0;
  copy.status = (char *) status;
  copy.has_pid = true;
  copy.pid = getpid ();
  return ocirt_hooks_run (list, stage, &copy, err);
}
