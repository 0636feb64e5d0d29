/* ocirt resume: resume the processes of a paused container. */
#include <config.h>
#include <string.h>

#include "container.h"
#include "ocirt.h"

int
ocirt_command_resume (int argc, char **argv)
{
  static struct argp argp = { NULL, cli_parse_id, "CONTAINER-ID", "ocirt resume: resume the processes of a paused container", NULL, NULL, NULL };
  cleanup_error ocirt_error_t err = NULL;
  cleanup_container ocirt_container *c = NULL;
  const char *id = NULL;
  const char *status;

  cli_parse (&argp, argc, argv, &id);
  if (ocirt_container_load (ocirt_opts.root, id, true, &c, &err) < 0)
    return cli_fail (id, &err);
  status = ocirt_container_status (c);
  if (strcmp (status, "paused") != 0)
    return cli_failf (id, "cannot resume a container that is %s (it must be paused)", status);
  if (c->cgroup == NULL)
    return cli_failf (id, "cannot resume: the container has no cgroup");
  if (ocirt_cgroup_freeze (c->cgroup, false, &err) < 0)
    {
      ocirt_error_wrap (&err, "resume cgroup %s", ocirt_cgroup_get_path (c->cgroup));
      return cli_fail (id, &err);
    }
  return 0;
}
