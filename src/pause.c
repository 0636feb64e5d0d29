/* ocirt pause: suspend every process of a running container (v1 freezer, v2 cgroup.freeze). */
#include <config.h>
#include <string.h>

#include "container.h"
#include "ocirt.h"

int
ocirt_command_pause (int argc, char **argv)
{
  static struct argp argp = { NULL, cli_parse_id, "CONTAINER-ID", "ocirt pause: suspend every process of a running container (v1 freezer, v2 cgroup.freeze)", NULL, NULL, NULL };
  cleanup_error ocirt_error_t err = NULL;
  cleanup_container ocirt_container *c = NULL;
  const char *id = NULL;
  const char *status;

  cli_parse (&argp, argc, argv, &id);
  if (ocirt_container_load (ocirt_opts.root, id, true, &c, &err) < 0)
    return cli_fail (id, &err);
  status = ocirt_container_status (c);
  if (strcmp (status, "running") != 0)
    return cli_failf (id, "cannot pause a container that is %s (it must be running)", status);
  if (c->cgroup == NULL)
    return cli_failf (id, "cannot pause: the container has no cgroup");
  if (ocirt_cgroup_freeze (c->cgroup, true, &err) < 0)
    {
      ocirt_error_wrap (&err, "pause cgroup %s", ocirt_cgroup_get_path (c->cgroup));
      return cli_fail (id, &err);
    }
  return 0;
}
