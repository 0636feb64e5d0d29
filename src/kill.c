/* ocirt kill: send a signal to the container's init (or, with --all, every process in it). */
#include <config.h>
#include <signal.h>
#include <string.h>

#include "container.h"
#include "ocirt.h"
#include "signals.h"

struct kill_args
{
  const char *id;
  const char *signal;
  bool all;
};

static struct argp_option kill_options[] = {
  { "all", 'a', NULL, 0, "send the signal to all processes inside the container", 0 },
  { 0 }
};

static error_t
parse_kill (int key, char *arg, struct argp_state *state)
{
  struct kill_args *a = state->input;
  switch (key)
    {
    case 'a':
      a->all = true;
      break;
    case ARGP_KEY_ARG:
      if (a->id == NULL)
        a->id = arg;
      else if (a->signal == NULL)
        a->signal = arg;
      else
        argp_error (state, "too many arguments: `%s`", arg);
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

int
ocirt_command_kill (int argc, char **argv)
{
  static struct argp argp = { kill_options, parse_kill, "CONTAINER-ID [SIGNAL]",
                              "ocirt kill: send SIGNAL (default SIGTERM; a name with or without SIG, or a number)", NULL, NULL, NULL };
  struct kill_args a = { 0 };
  cleanup_error ocirt_error_t err = NULL;
  int sig = SIGTERM;

  cli_parse (&argp, argc, argv, &a);
  if (a.signal && (sig = ocirt_signal_parse (a.signal, &err)) < 0)
    return cli_fail (a.id, &err);
  if (ocirt_container_kill (ocirt_opts.root, a.id, sig, a.all, &err) < 0)
    return cli_fail (a.id, &err);
  return 0;
}
