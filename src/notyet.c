/* ocirt: commands not implemented yet.  Each fails with a clear message rather than
 * pretending; see the open issues for their status. */
#include <config.h>

#include "ocirt.h"

#define NOT_YET(name)                                                       \
  int ocirt_command_##name (int argc, char **argv)                          \
  {                                                                         \
    (void) argc;                                                            \
    (void) argv;                                                            \
    return cli_failf (NULL, "`" #name "` is not implemented yet in this version of ocirt"); \
  }

NOT_YET (checkpoint)
NOT_YET (events)
NOT_YET (exec)
NOT_YET (pause)
NOT_YET (ps)
NOT_YET (restore)
NOT_YET (resume)
NOT_YET (update)
