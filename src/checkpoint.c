/* ocirt checkpoint: dump a running container with CRIU (see libocirt/criu.h). */
#include <config.h>
#include <stdlib.h>
#include <string.h>

#include "criu.h"
#include "ocirt.h"
#include "utils.h"

enum
{
  OPT_IMAGE_PATH = 3000,
  OPT_WORK_PATH,
  OPT_PARENT_PATH,
  OPT_LEAVE_RUNNING,
  OPT_TCP_ESTABLISHED,
  OPT_EXT_UNIX_SK,
  OPT_SHELL_JOB,
  OPT_FILE_LOCKS,
  OPT_PRE_DUMP,
  OPT_MANAGE_CGROUPS_MODE,
  OPT_IGNORED,
};

struct args
{
  ocirt_criu_opts o;
  const char *id;
};

static struct argp_option options[] = {
  { "image-path", OPT_IMAGE_PATH, "DIR", 0, "path for saving criu image files (default: ./checkpoint)", 0 },
  { "work-path", OPT_WORK_PATH, "DIR", 0, "path for saving work files and logs (default: the image path)", 0 },
  { "parent-path", OPT_PARENT_PATH, "DIR", 0, "path of the previous (pre-)dump, relative to the image path", 0 },
  { "leave-running", OPT_LEAVE_RUNNING, NULL, 0, "leave the process running after checkpointing", 0 },
  { "tcp-established", OPT_TCP_ESTABLISHED, NULL, 0, "allow open tcp connections", 0 },
  { "ext-unix-sk", OPT_EXT_UNIX_SK, NULL, 0, "allow external unix sockets", 0 },
  { "shell-job", OPT_SHELL_JOB, NULL, 0, "allow shell jobs", 0 },
  { "file-locks", OPT_FILE_LOCKS, NULL, 0, "handle file locks, for safety", 0 },
  { "pre-dump", OPT_PRE_DUMP, NULL, 0, "dump the memory only, leave the container running", 0 },
  { "manage-cgroups-mode", OPT_MANAGE_CGROUPS_MODE, "MODE", 0, "cgroups mode: soft (default), full, strict or ignore", 0 },
  { "page-server", OPT_IGNORED, "ADDR", OPTION_HIDDEN, "not supported", 0 },
  { "auto-dedup", OPT_IGNORED, NULL, OPTION_HIDDEN, "not supported", 0 },
  { "lazy-pages", OPT_IGNORED, NULL, OPTION_HIDDEN, "not supported", 0 },
  { "status-fd", OPT_IGNORED, "FD", OPTION_HIDDEN, "not supported", 0 },
  { "empty-ns", OPT_IGNORED, "NS", OPTION_HIDDEN, "not supported", 0 },
  { 0 }
};

static error_t
parse (int key, char *arg, struct argp_state *state)
{
  struct args *a = state->input;
  cleanup_error ocirt_error_t err = NULL;

  switch (key)
    {
    case OPT_IMAGE_PATH:
      a->o.image_path = arg;
      break;
    case OPT_WORK_PATH:
      a->o.work_path = arg;
      break;
    case OPT_PARENT_PATH:
      a->o.parent_path = arg;
      break;
    case OPT_LEAVE_RUNNING:
      a->o.leave_running = true;
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
    case OPT_PRE_DUMP:
      a->o.pre_dump = true;
      break;
    case OPT_MANAGE_CGROUPS_MODE:
      if (ocirt_criu_parse_cg_mode (arg, &a->o.manage_cgroups_mode, &err) < 0)
        argp_error (state, "%s", err->msg);
      break;
    case OPT_IGNORED:
      argp_error (state, "option `%s` is not supported by ocirt", state->argv[state->next - 1]);
      break;
    default:
      return cli_parse_id_key (key, arg, state, &a->id);
    }
  return 0;
}

/* `checkpoint --help` tells whether this host can checkpoint at all. */
static char *
help_filter (int key, const char *text, void *input)
{
  const char *why;
  (void) input;
  if (key != ARGP_KEY_HELP_POST_DOC)
    return (char *) text;
  if (ocirt_criu_available (&why))
    return xstrdup ("Checkpointing is available (CRIU found).");
  return xasprintf ("Checkpointing is NOT available here: %s.", why);
}

int
ocirt_command_checkpoint (int argc, char **argv)
{
  static struct argp argp = { options, parse, "CONTAINER-ID",
                              "ocirt checkpoint: checkpoint a running container with CRIU\v", NULL, help_filter, NULL };
  struct args a = { .o = { .manage_cgroups_mode = -1 } };
  cleanup_error ocirt_error_t err = NULL;

  cli_parse (&argp, argc, argv, &a);
  if (ocirt_container_checkpoint (ocirt_opts.root, a.id, &a.o, &err) < 0)
    {
      ocirt_error_wrap (&err, "checkpoint");
      return cli_fail (a.id, &err);
    }
  return 0;
}
