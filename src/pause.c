/* ocirt pause: not implemented yet; fails with a clear message rather than pretending. */
#include <config.h>

#include "ocirt.h"

int
ocirt_command_pause (int argc, char **argv)
{
  (void) argc;
  (void) argv;
  return cli_failf (NULL, "`pause` is not implemented yet in this version of ocirt");
}
