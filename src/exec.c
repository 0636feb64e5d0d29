/* ocirt exec: run a new process in a running container (runc's flags). */
#include <config.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "ocirt.h"
#include "utils.h"

enum
{
  OPT_CONSOLE_SOCKET = 3000,
  OPT_PID_FILE,
  OPT_CWD,
  OPT_NO_NEW_PRIVS,
  OPT_PRESERVE_FDS,
  OPT_CGROUP,
  OPT_APPARMOR,
  OPT_LABEL,
  OPT_IGNORE_PAUSED,
};

struct exec_args
{
  ocirt_exec_opts o;
  ocirt_exec_overrides ov;
  const char *process_file;
  const char *cgroup;
  char **args, **env, **gids, **caps;
  size_t n_args, n_env, n_gids, n_caps;
};

static struct argp_option exec_options[] = {
  { "process", 'p', "FILE", 0, "path to the process.json (instead of ARGS and the flags below)", 0 },
  { "tty", 't', NULL, 0, "allocate a pseudo-TTY", 0 },
  { "detach", 'd', NULL, 0, "detach from the container's process", 0 },
  { "console-socket", OPT_CONSOLE_SOCKET, "SOCKET", 0, "AF_UNIX socket to receive the pty master (with -t)", 0 },
  { "pid-file", OPT_PID_FILE, "FILE", 0, "specify the file to write the process id to", 0 },
  { "cwd", OPT_CWD, "DIR", 0, "current working directory in the container", 0 },
  { "env", 'e', "KEY=VALUE", 0, "set an environment variable (repeatable)", 0 },
  { "user", 'u', "UID[:GID]", 0, "run as this uid (and gid)", 0 },
  { "additional-gids", 'g', "GID", 0, "additional gid (repeatable)", 0 },
  { "cap", 'c', "CAP", 0, "add a capability to the bounding, effective and permitted sets (repeatable)", 0 },
  { "no-new-privs", OPT_NO_NEW_PRIVS, NULL, 0, "set no_new_privs for the process", 0 },
  { "preserve-fds", OPT_PRESERVE_FDS, "N", 0, "pass N additional file descriptors (after stdio) to the process", 0 },
  { "cgroup", OPT_CGROUP, "[CONTROLLERS:]PATH", 0, "run in this sub-cgroup of the container's cgroup", 0 },
  { "apparmor", OPT_APPARMOR, "PROFILE", 0, "AppArmor profile for the process", 0 },
  { "process-label", OPT_LABEL, "LABEL", 0, "SELinux label for the process", 0 },
  { "ignore-paused", OPT_IGNORE_PAUSED, NULL, OPTION_HIDDEN, "accepted for runc compatibility", 0 },
  { 0 }
};

static void
push (char ***v, size_t *n, char *s)
{
  *v = xrealloc (*v, (*n + 2) * sizeof (char *));
  (*v)[(*n)++] = s;
  (*v)[*n] = NULL;
}

static error_t
parse_exec (int key, char *arg, struct argp_state *state)
{
  struct exec_args *a = state->input;
  char *end;

  switch (key)
    {
    case 'p':
      a->process_file = arg;
      break;
    case 't':
      a->ov.terminal = true;
      break;
    case 'd':
      a->o.detach = true;
      break;
    case OPT_CONSOLE_SOCKET:
      a->o.console_socket = arg;
      break;
    case OPT_PID_FILE:
      a->o.pid_file = arg;
      break;
    case OPT_CWD:
      a->ov.cwd = arg;
      break;
    case 'e':
      push (&a->env, &a->n_env, arg);
      break;
    case 'u':
      a->ov.user = arg;
      break;
    case 'g':
      push (&a->gids, &a->n_gids, arg);
      break;
    case 'c':
      push (&a->caps, &a->n_caps, arg);
      break;
    case OPT_NO_NEW_PRIVS:
      a->ov.no_new_privs = true;
      break;
    case OPT_PRESERVE_FDS:
      a->o.preserve_fds = strtol (arg, &end, 10);
      if (*end || *arg == '\0' || a->o.preserve_fds < 0)
        argp_error (state, "invalid --preserve-fds `%s`", arg);
      break;
    case OPT_CGROUP:
      a->cgroup = arg;
      break;
    case OPT_APPARMOR:
      a->ov.apparmor = arg;
      break;
    case OPT_LABEL:
      a->ov.label = arg;
      break;
    case OPT_IGNORE_PAUSED:
      break;
    case ARGP_KEY_ARG:
      /* CONTAINER-ID, then the command: everything after the id is the command's, options
       * included (`ocirt exec ID ls -l`). */
      a->o.id = arg;
      if (state->next < state->argc && strcmp (state->argv[state->next], "--") == 0)
        state->next++;
      while (state->next < state->argc)
        push (&a->args, &a->n_args, state->argv[state->next++]);
      break;
    case ARGP_KEY_END:
      if (a->o.id == NULL)
        argp_error (state, "missing container id");
      if (a->process_file == NULL && a->n_args == 0)
        argp_error (state, "missing the command to run (ARGS... or --process FILE)");
      break;
    default:
      return ARGP_ERR_UNKNOWN;
    }
  return 0;
}

int
ocirt_command_exec (int argc, char **argv)
{
  static struct argp argp = { exec_options, parse_exec, "CONTAINER-ID [COMMAND [ARGS...]]",
                              "ocirt exec: execute a new process inside a container", NULL, NULL, NULL };
  struct exec_args a = { 0 };
  cleanup_error ocirt_error_t err = NULL;
  int ret;

  cli_parse (&argp, argc, argv, &a);
  a.o.root = ocirt_opts.root;
  if (a.cgroup && ocirt_exec_parse_cgroup (a.cgroup, &a.o.cgroup_sub, &err) < 0)
    return cli_fail (a.o.id, &err);
  if (a.process_file)
    {
      if (a.n_args)
        return cli_failf (a.o.id, "exec: give either --process or a command, not both");
      if (ocirt_exec_process_from_file (a.process_file, &a.o.process, &err) < 0)
        return cli_fail (a.o.id, &err);
      /* -t still asks for a terminal, as in runc. */
      if (a.ov.terminal)
        a.o.process->terminal = true;
    }
  else
    {
      a.ov.args = a.args;
      a.ov.env = a.env;
      a.ov.additional_gids = a.gids;
      a.ov.caps = a.caps;
      a.o.overrides = &a.ov;
    }
  ret = ocirt_container_exec (&a.o, &err);
  free (a.args);
  free (a.env);
  free (a.gids);
  free (a.caps);
  if (ret < 0)
    return cli_fail (a.o.id, &err);
  return ret;
}
