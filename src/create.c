/* ocirt create: set the container up and leave its process waiting for `start`. */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container.h"
#include "ocirt.h"
#include "terminal.h"
#include "utils.h"

/* Flags shared by create, run and restore. */
enum
{
  OPT_BUNDLE = 'b',
  OPT_PID_FILE = 2000,
  OPT_CONSOLE_SOCKET,
  OPT_PRESERVE_FDS,
  OPT_NO_PIVOT,
  OPT_NO_NEW_KEYRING,
  OPT_DETACH = 'd',
  OPT_NO_SUBREAPER,
  OPT_KEEP,
};

struct create_args
{
  ocirt_create_opts o;
  bool detach;
  bool keep;
  bool is_run;
};

#define CREATE_OPTIONS \
  { "bundle", OPT_BUNDLE, "DIR", 0, "path to the root of the bundle directory, defaults to the current directory", 0 }, \
  { "pid-file", OPT_PID_FILE, "FILE", 0, "specify the file to write the process id to", 0 }, \
  { "console-socket", OPT_CONSOLE_SOCKET, "SOCKET", 0, \
    "path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console's pseudoterminal", 0 }, \
  { "preserve-fds", OPT_PRESERVE_FDS, "N", 0, "pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total)", 0 }, \
  { "no-pivot", OPT_NO_PIVOT, NULL, 0, "do not use pivot root to jail process inside rootfs (MS_MOVE + chroot instead)", 0 }, \
  { "no-new-keyring", OPT_NO_NEW_KEYRING, NULL, 0, "do not create a new session keyring for the container", 0 },

static struct argp_option create_options[] = { CREATE_OPTIONS { 0 } };

static struct argp_option run_options[] = {
  CREATE_OPTIONS
  { "detach", OPT_DETACH, NULL, 0, "detach from the container's process", 0 },
  { "keep", OPT_KEEP, NULL, 0, "do not delete the container after it exits", 0 },
  { "no-subreaper", OPT_NO_SUBREAPER, NULL, OPTION_HIDDEN, "accepted for runc compatibility", 0 },
  { 0 }
};

static error_t
parse_create (int key, char *arg, struct argp_state *state)
{
  struct create_args *a = state->input;
  char *end;

  switch (key)
    {
    case OPT_BUNDLE:
      a->o.bundle = arg;
      break;
    case OPT_PID_FILE:
      a->o.pid_file = arg;
      break;
    case OPT_CONSOLE_SOCKET:
      a->o.console_socket = arg;
      break;
    case OPT_PRESERVE_FDS:
      a->o.preserve_fds = strtol (arg, &end, 10);
      if (*end || a->o.preserve_fds < 0)
        argp_error (state, "invalid --preserve-fds `%s`", arg);
      break;
    case OPT_NO_PIVOT:
      a->o.no_pivot = true;
      break;
    case OPT_NO_NEW_KEYRING:
      a->o.no_new_keyring = true;
      break;
    case OPT_DETACH:
      a->detach = true;
      break;
    case OPT_KEEP:
      a->keep = true;
      break;
    case OPT_NO_SUBREAPER:
      break;
    default:
      return cli_parse_id_key (key, arg, state, &a->o.id);
    }
  return 0;
}

/* systemd socket activation: LISTEN_FDS fds after stdio are passed on like --preserve-fds. */
static int
listen_fds (void)
{
  const char *s = getenv ("LISTEN_FDS");
  int n = s ? atoi (s) : 0;
  return n > 0 ? n : 0;
}

static void
fill_common (struct create_args *a)
{
  a->o.root = ocirt_opts.root;
  a->o.systemd_cgroup = ocirt_opts.systemd_cgroup;
  a->o.preserve_fds += listen_fds ();
}

int
ocirt_command_create (int argc, char **argv)
{
  static struct argp argp = { create_options, parse_create, "CONTAINER-ID",
                              "ocirt create: create a container whose process waits for `ocirt start`", NULL, NULL, NULL };
  struct create_args a = { 0 };
  cleanup_error ocirt_error_t err = NULL;
  cleanup_container ocirt_container *c = NULL;

  cli_parse (&argp, argc, argv, &a);
  fill_common (&a);
  a.o.detached = true;
  if (ocirt_container_create (&a.o, &c, &err) < 0)
    return cli_fail (a.o.id, &err);
  return 0;
}

/* run = create + start, then (unless --detach) wait, forward signals and the terminal, and
 * delete the container when its process exits. */
int
ocirt_command_run (int argc, char **argv)
{
  static struct argp argp = { run_options, parse_create, "CONTAINER-ID", "ocirt run: create and run a container",
                              NULL, NULL, NULL };
  struct create_args a = { .is_run = true };
  cleanup_error ocirt_error_t err = NULL;
  cleanup_container ocirt_container *c = NULL;
  int ret;

  cli_parse (&argp, argc, argv, &a);
  fill_common (&a);
  a.o.detached = a.detach;
  a.o.keep_terminal_master = !a.detach;
  if (ocirt_container_create (&a.o, &c, &err) < 0)
    return cli_fail (a.o.id, &err);
  /* The process may read its size at once: give it ours before it starts. */
  if (!a.detach && c->terminal_master >= 0 && isatty (0))
    ocirt_terminal_copy_size (0, c->terminal_master);
  if (ocirt_container_start (NULL, NULL, c, &err) < 0)
    {
      cleanup_error ocirt_error_t e2 = NULL;
      ocirt_container_delete (ocirt_opts.root, a.o.id, true, &e2);
      return cli_fail (a.o.id, &err);
    }
  if (a.detach)
    return 0;
  ret = ocirt_run_foreground (c, a.keep, &err);
  if (ret < 0)
    return cli_fail (a.o.id, &err);
  return ret;
}
