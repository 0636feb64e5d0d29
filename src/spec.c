/* ocirt spec: write the default config.json (the same defaults as `runc spec`). */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ocirt.h"
#include "spec.h"
#include "utils.h"

struct spec_args
{
  const char *bundle;
  bool rootless;
};

static struct argp_option spec_options[] = {
  { "bundle", 'b', "DIR", 0, "path to the root of the bundle directory", 0 },
  { "rootless", 1, NULL, 0, "generate a configuration for a rootless container", 0 },
  { 0 }
};

static error_t
parse_spec (int key, char *arg, struct argp_state *state)
{
  struct spec_args *a = state->input;
  switch (key)
    {
    case 'b':
      a->bundle = arg;
      break;
    case 1:
      a->rootless = true;
      break;
    case ARGP_KEY_ARG:
      argp_error (state, "unexpected argument `%s`", arg);
      break;
    default:
      return ARGP_ERR_UNKNOWN;
    }
  return 0;
}

int
ocirt_command_spec (int argc, char **argv)
{
  static struct argp argp = { spec_options, parse_spec, NULL, "ocirt spec: create a new config.json in the bundle", NULL, NULL, NULL };
  struct spec_args a = { .bundle = "." };
  cleanup_error ocirt_error_t err = NULL;
  cleanup_free char *json = NULL, *path = NULL;
  oci_config *c;
  int fd;

  cli_parse (&argp, argc, argv, &a);
  c = ocirt_spec_default (a.rootless);
  json = oci_config_generate (c, true);
  oci_config_free (c);
  if (json == NULL)
    return cli_failf (NULL, "generate config.json: out of memory");
  path = xasprintf ("%s/config.json", a.bundle);
  /* runc refuses to overwrite an existing config. */
  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      if (errno == EEXIST)
        return cli_failf (NULL, "File %s exists. Remove it first", path);
      ocirt_error_errno (&err, "create %s", path);
      return cli_fail (NULL, &err);
    }
  if (write_all (fd, json, strlen (json)) < 0 || write_all (fd, "\n", 1) < 0)
    {
      ocirt_error_errno (&err, "write %s", path);
      close (fd);
      return cli_fail (NULL, &err);
    }
  close (fd);
  return 0;
}
