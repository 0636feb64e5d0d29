/* ocirt start: let a created container's process exec its program. */
#include <config.h>

#include "container.h"
#include "ocirt.h"

int
ocirt_command_start (int argc, char **argv)
{
  static struct argp argp = { NULL, cli_parse_id, "CONTAINER-ID", "ocirt start: start the process of a created container", NULL, NULL, NULL };
  cleanup_error ocirt_error_t err = NULL;
  const char *id = NULL;

  cli_parse (&argp, argc, argv, &id);
  if (ocirt_container_start (ocirt_opts.root, id, NULL, &err) < 0)
    return cli_fail (id, &err);
  return 0;
}

