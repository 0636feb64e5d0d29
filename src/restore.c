/* ocirt restore: recreate a container from a CRIU checkpoint (see libocirt/criu.h). */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "criu.h"
#include "ocirt.h"
#include "utils.h"

enum
{
  OPT_BUNDLE = 'b',
  OPT_DETACH = 'd',
  OPT_IMAGE_PATH = 3000,
  OPT_WORK_PATH,
  OPT_PID_FILE,
  OPT_CONSOLE_SOCKET,
  OPT_NO_PIVOT,
  OPT_NO_SUBREAPER,
  OPT_TCP_ESTABLISHED,
  OPT_EXT_UNIX_SK,
  OPT_SHELL_JOB,
  OPT_FILE_LOCKS,
  OPT_MANAGE_CGROUPS_MODE,
  OPT_KEEP,
  OPT_IGNORED,
};

struct args
{
  ocirt_criu_opts o;
  ocirt_create_opts co;
  bool detach;
  bool keep;
};

static struct argp_option options[] = {
  { "bundle", OPT_BUNDLE, "DIR", 0, "path to the root of the bundle directory, defaults to the current directory", 0 },
  { "image-path", OPT_IMAGE_PATH, "DIR", 0, "path to criu image files for restoring (default: ./checkpoint)", 0 },
  { "work-path", OPT_WORK_PATH, "DIR", 0, "path for saving work files and logs (default: the image path)", 0 },
  { "detach", OPT_DETACH, NULL, 0, "detach from the container's process", 0 },
  { "pid-file", OPT_PID_FILE, "FILE", 0, "specify the file to write the process id to", 0 },
  { "console-socket", OPT_CONSOLE_SOCKET, "SOCKET", 0,
    "path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console's pseudoterminal", 0 },
  { "no-pivot", OPT_NO_PIVOT, NULL, 0, "accepted for runc compatibility (criu sets the root up itself)", 0 },
  { "no-subreaper", OPT_NO_SUBREAPER, NULL, OPTION_HIDDEN, "accepted for runc compatibility", 0 },
  { "tcp-established", OPT_TCP_ESTABLISHED, NULL, 0, "allow open tcp connections", 0 },
  { "ext-unix-sk", OPT_EXT_UNIX_SK, NULL, 0, "allow external unix sockets", 0 },
  { "shell-job", OPT_SHELL_JOB, NULL, 0, "allow shell jobs", 0 },
  { "file-locks", OPT_FILE_LOCKS, NULL, 0, "handle file locks, for safety", 0 },
  { "manage-cgroups-mode", OPT_MANAGE_CGROUPS_MODE, "MODE", 0, "cgroups mode: soft (default), full, strict or ignore", 0 },
  { "keep", OPT_KEEP, NULL, 0, "do not delete the container after it exits (foreground)", 0 },
  { "auto-dedup", OPT_IGNORED, NULL, OPTION_HIDDEN, "not supported", 0 },
  { "lazy-pages", OPT_IGNORED, NULL, OPTION_HIDDEN, "not supported", 0 },
  { "empty-ns", OPT_IGNORED, "NS", OPTION_HIDDEN, "not supported", 0 },
  { "lsm-profile", OPT_IGNORED, "P", OPTION_HIDDEN, "not supported", 0 },
  { "lsm-mount-context", OPT_IGNORED, "C", OPTION_HIDDEN, "not supported", 0 },
  { 0 }
};

static error_t
parse (int key, char *arg, struct argp_state *state)
{
  struct args *a = state->input;
  cleanup_error ocirt_error_t err = NULL;

  switch (key)
    {
    case OPT_BUNDLE:
      a->co.bundle = arg;
      break;
    case OPT_IMAGE_PATH:
      a->o.image_path = arg;
      break;
    case OPT_WORK_PATH:
      a->o.work_path = arg;
      break;
    case OPT_DETACH:
      a->detach = true;
      break;
    case OPT_PID_FILE:
      a->co.pid_file = arg;
      break;
    case OPT_CONSOLE_SOCKET:
      a->co.console_socket = arg;
      break;
    case OPT_NO_PIVOT:
      a->co.no_pivot = true;
      break;
    case OPT_NO_SUBREAPER:
      break;
    case OPT_TCP_ESTABLISHED:
      a->o.tcp_established = true;
      break;
    case OPT_EXT_UNIX_SK:
      a->o.ext_unix_sk = true;
      break;
    case OPT_SHELL_JOB:
      a->o.shell_job = true;
      break;
    case OPT_FILE_LOCKS:
      a->o.file_locks = true;
      break;
    case OPT_MANAGE_CGROUPS_MODE:
      if (ocirt_criu_parse_cg_mode (arg, &a->o.manage_cgroups_mode, &err) < 0)
        argp_error (state, "%s", err->msg);
      break;
    case OPT_KEEP:
      a->keep = true;
      break;
    case OPT_IGNORED:
      argp_error (state, "option `%s` is not supported by ocirt", state->argv[state->next - 1]);
      break;
    default:
      return cli_parse_id_key (key, arg, state, &a->co.id);
    }
  return 0;
}

static char *
help_filter (int key, const char *text, void *input)
{
  const char *why;
  (void) input;
  if (key != ARGP_KEY_HELP_POST_DOC)
    return (char *) text;
  if (ocirt_criu_available (&why))
    return xstrdup ("Restoring is available (CRIU found).");
  return xasprintf ("Restoring is NOT available here: %s.", why);
}

int
ocirt_command_restore (int argc, char **argv)
{
  static struct argp argp = { options, parse, "CONTAINER-ID",
                              "ocirt restore: restore a container from a previous checkpoint\v", NULL, help_filter, NULL };
  struct args a = { .o = { .manage_cgroups_mode = -1 } };
  cleanup_error ocirt_error_t err = NULL;
  cleanup_container ocirt_container *c = NULL;
  int ret;

  cli_parse (&argp, argc, argv, &a);
  a.co.root = ocirt_opts.root;
  a.co.systemd_cgroup = ocirt_opts.systemd_cgroup;
  a.co.detached = a.detach;
  a.co.keep_terminal_master = !a.detach;
  if (ocirt_container_restore (&a.co, &a.o, &c, &err) < 0)
    {
      ocirt_error_wrap (&err, "restore");
      return cli_fail (a.co.id, &err);
    }
  if (a.detach)
    return 0;
  ret = ocirt_run_foreground (c, a.keep, &err);
  if (ret < 0)
    return cli_fail (a.co.id, &err);
  return ret;
}
