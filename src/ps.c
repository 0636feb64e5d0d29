/* ocirt ps: the processes of a container, from its cgroup.  As runc: --format json prints the
 * pids as a JSON array; the table runs `ps` (default `-ef`, or the arguments after the id) and
 * keeps the header and the lines whose PID column is one of the container's pids. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "ocirt.h"
#include "utils.h"

struct ps_args
{
  const char *id;
  const char *format;
  char **ps_argv; /* "ps" + arguments, NULL-terminated */
  size_t n;
};

static struct argp_option ps_options[] = {
  { "format", 'f', "FORMAT", 0, "select one of: table (default) or json", 0 },
  { 0 }
};

static void
push (struct ps_args *a, char *s)
{
  a->ps_argv = xrealloc (a->ps_argv, (a->n + 2) * sizeof (char *));
  a->ps_argv[a->n++] = s;
  a->ps_argv[a->n] = NULL;
}

static error_t
parse_ps (int key, char *arg, struct argp_state *state)
{
  struct ps_args *a = state->input;
  switch (key)
    {
    case 'f':
      if (strcmp (arg, "table") && strcmp (arg, "json"))
        argp_error (state, "invalid --format `%s`: use table or json", arg);
      a->format = arg;
      break;
    case ARGP_KEY_ARG:
      a->id = arg;
      push (a, (char *) "ps");
      if (state->next < state->argc && strcmp (state->argv[state->next], "--") == 0)
        state->next++;
      while (state->next < state->argc)
        push (a, state->argv[state->next++]);
      break;
    case ARGP_KEY_END:
      if (a->id == NULL)
        argp_error (state, "missing container id");
      break;
    default:
      return ARGP_ERR_UNKNOWN;
    }
  return 0;
}

/* Run ps and capture its stdout. */
static int
run_ps (char **argv, char **out, ocirt_error_t *err)
{
  int p[2], status;
  pid_t pid;
  size_t len;
  int ret;

  if (pipe2 (p, O_CLOEXEC) < 0)
    return ocirt_error_errno (err, "pipe");
  pid = fork ();
  if (pid < 0)
    {
      close (p[0]);
      close (p[1]);
      return ocirt_error_errno (err, "fork ps");
    }
  if (pid == 0)
    {
      dup2 (p[1], 1);
      execvp ("ps", argv);
      fprintf (stderr, "ocirt: exec ps: %s\n", strerror (errno));
      _exit (127);
    }
  close (p[1]);
  ret = read_all_fd (p[0], "ps output", out, &len, err);
  close (p[0]);
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (ret < 0)
    return ret;
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return ocirt_error_set (err, 0, "ps exited with status %d", WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status));
  return 0;
}

static int
print_table (char **argv, const pid_t *pids, size_t n, ocirt_error_t *err)
{
  cleanup_free char *out = NULL;
  char *line, *save = NULL;
  int pid_col = -1, col;
  bool header = true;

  if (argv[1] == NULL)
    {
      static char *def[] = { (char *) "ps", (char *) "-ef", NULL };
      argv = def;
    }
  if (run_ps (argv, &out, err) < 0)
    return -1;
  for (line = strtok_r (out, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      cleanup_free char *copy = xstrdup (line);
      char *f, *s2 = NULL;
      if (header)
        {
          for (col = 0, f = strtok_r (copy, " \t", &s2); f; f = strtok_r (NULL, " \t", &s2), col++)
            if (strcmp (f, "PID") == 0)
              pid_col = col;
          if (pid_col < 0)
            return ocirt_error_set (err, EINVAL, "couldn't find the PID field in the ps output");
          printf ("%s\n", line);
          header = false;
          continue;
        }
      for (col = 0, f = strtok_r (copy, " \t", &s2); f && col < pid_col; f = strtok_r (NULL, " \t", &s2))
        col++;
      if (f)
        {
          long v = strtol (f, NULL, 10);
          size_t i;
          for (i = 0; i < n; i++)
            if (pids[i] == v)
              {
                printf ("%s\n", line);
                break;
              }
        }
    }
  return 0;
}

int
ocirt_command_ps (int argc, char **argv)
{
  static struct argp argp = { ps_options, parse_ps, "CONTAINER-ID [-- PS-ARGS...]",
                              "ocirt ps: display the processes running inside a container", NULL, NULL, NULL };
  struct ps_args a = { .format = "table" };
  cleanup_error ocirt_error_t err = NULL;
  cleanup_container ocirt_container *c = NULL;
  cleanup_free pid_t *pids = NULL;
  size_t n = 0, i;
  int ret = 0;

  cli_parse (&argp, argc, argv, &a);
  if (ocirt_container_load (ocirt_opts.root, a.id, false, &c, &err) < 0)
    ret = cli_fail (a.id, &err);
  else if (c->cgroup == NULL)
    ret = cli_failf (a.id, "ps: the container has no cgroup to list processes from");
  else if (ocirt_cgroup_pids (c->cgroup, &pids, &n, &err) < 0)
    ret = cli_fail (a.id, &err);
  else if (strcmp (a.format, "json") == 0)
    {
      printf ("[");
      for (i = 0; i < n; i++)
        printf ("%s%d", i ? "," : "", (int) pids[i]);
      printf ("]\n");
    }
  else if (print_table (a.ps_argv, pids, n, &err) < 0)
    ret = cli_fail (a.id, &err);
  free (a.ps_argv);
  return ret;
}
