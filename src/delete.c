/* ocirt delete: remove a stopped container (with --force, any container) and what it owns. */
#include <config.h>
#include <errno.h>

#include "container.h"
#include "ocirt.h"

struct delete_args
{
  const char *id;
  bool force;
};

static struct argp_option delete_options[] = {
  { "force", 'f', NULL, 0, "forcibly delete the container if it is still running (uses SIGKILL)", 0 },
  { 0 }
};

static error_t
parse_delete (int key, char *arg, struct argp_state *state)
{
  struct delete_args *a = state->input;
  switch (key)
    {
    case 'f':
      a->force = true;
      break;
    default:
      return cli_parse_id_key (key, arg, state, &a->id);
    }
  return 0;
}

int
ocirt_command_delete (int argc, char **argv)
{
  static struct argp argp = { delete_options, parse_delete, "CONTAINER-ID", "ocirt delete: delete a container", NULL, NULL, NULL };
  struct delete_args a = { 0 };
  cleanup_error ocirt_error_t err = NULL;

  cli_parse (&argp, argc, argv, &a);
  if (ocirt_container_delete (ocirt_opts.root, a.id, a.force, &err) < 0)
    {
      /* runc: deleting a missing container with --force is not an error. */
      if (a.force && err && err->status == ENOENT)
        return 0;
      return cli_fail (a.id, &err);
    }
  return 0;
}
