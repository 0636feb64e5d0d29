/* ocirt restore: not implemented yet; fails with a clear message rather than pretending. */
#include <config.h>

#include "ocirt.h"

int
ocirt_command_restore (int argc, char **argv)
{
  (void) argc;
  (void) argv;
  return cli_failf (NULL, "`restore` is not implemented yet in this version of ocirt");
}
