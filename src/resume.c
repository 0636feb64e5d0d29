/* ocirt resume: resume the processes of a paused container */
#include <config.h>

#include "container.h"
#include "ocirt.h"

int
ocirt_command_resume (int argc, char **argv)
{
  static struct argp argp = { NULL, cli_parse_id, "CONTAINER-ID",
                              "ocirt resume: resume the processes of a paused container", NULL, NULL, NULL };
  cleanup_error ocirt_error_t err = NULL;
  const char *id = NULL;

  cli_parse (&argp, argc, argv, &id);
  if (ocirt_container_pause (ocirt_opts.root, id, false, &err) < 0)
    return cli_fail (id, &err);
  return 0;
}
