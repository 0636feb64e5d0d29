/* ocirt pause: suspend every process of a running container (v1 freezer, v2 cgroup.freeze) */
#include <config.h>

#include "container.h"
#include "ocirt.h"

int
ocirt_command_pause (int argc, char **argv)
{
  static struct argp argp = { NULL, cli_parse_id, "CONTAINER-ID",
                              "ocirt pause: suspend every process of a running container (v1 freezer, v2 cgroup.freeze)", NULL, NULL, NULL };
  cleanup_error ocirt_error_t err = NULL;
  const char *id = NULL;

  cli_parse (&argp, argc, argv, &id);
  if (ocirt_container_pause (ocirt_opts.root, id, true, &err) < 0)
    return cli_fail (id, &err);
  return 0;
}
