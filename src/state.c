/* ocirt state: print the runtime-spec state of a container. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>

#include "container.h"
#include "ocirt.h"

int
ocirt_command_state (int argc, char **argv)
{
  static struct argp argp = { NULL, cli_parse_id, "CONTAINER-ID", "ocirt state: output the state of a container", NULL, NULL, NULL };
  cleanup_error ocirt_error_t err = NULL;
  const char *id = NULL;
  oci_state *st = NULL;
  char *json;

  cli_parse (&argp, argc, argv, &id);
  if (ocirt_container_state (ocirt_opts.root, id, &st, &err) < 0)
    return cli_fail (id, &err);
  json = oci_state_generate (st, true);
  oci_state_free (st);
  if (json == NULL)
    return cli_failf (id, "generate state: out of memory");
  printf ("%s\n", json);
  free (json);
  return 0;
}
