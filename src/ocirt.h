/* ocirt CLI: what the command files share.  Each src/<command>.c parses its own flags with
 * argp and calls into libocirt; only this layer prints and chooses exit codes. */
#ifndef OCIRT_CLI_H
#define OCIRT_CLI_H

#include <argp.h>
#include <stdbool.h>

#include "error.h"

struct ocirt_global_opts
{
  char *root;
  const char *log;
  const char *log_format; /* "text" or "json" */
  bool debug;
  bool systemd_cgroup;
  const char *rootless;
};

extern struct ocirt_global_opts ocirt_opts;

/* Print `err` as "ocirt: <id>: <message>" (to stderr and the --log file) and return 1. */
int cli_fail (const char *id, ocirt_error_t *err);
/* Same for a message without an error object. */
int cli_failf (const char *id, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
/* Parse argv with the command's argp; exits with 1 on a usage error (argp prints it). */
void cli_parse (const struct argp *argp, int argc, char **argv, void *input);

/* argp parser for commands whose only argument is the container id (input: const char **). */
error_t cli_parse_id (int key, char *arg, struct argp_state *state);
/* The same for a parser with options: call it from `default:`; it takes the one container id
 * into *id and returns ARGP_ERR_UNKNOWN for any other key. */
error_t cli_parse_id_key (int key, char *arg, struct argp_state *state, const char **id);

#define OCIRT_COMMANDS(X)                                                                        \
  X (checkpoint, "checkpoint a running container")                                               \
  X (create, "create a container")                                                               \
  X (delete, "delete any resources held by the container")                                       \
  X (events, "display container events such as OOM notifications and resource statistics")       \
  X (exec, "execute new process inside the container")                                           \
  X (features, "show the enabled features")                                                      \
  X (kill, "kill sends the specified signal (default: SIGTERM) to the container's init process") \
  X (list, "lists containers started by ocirt with the given root")                              \
  X (pause, "pause suspends all processes inside the container")                                 \
  X (ps, "ps displays the processes running inside a container")                                 \
  X (restore, "restore a container from a previous checkpoint")                                  \
  X (resume, "resumes all processes that have been previously paused")                           \
  X (run, "create and run a container")                                                          \
  X (spec, "create a new specification file")                                                    \
  X (start, "executes the user defined process in a created container")                          \
  X (state, "output the state of a container")                                                   \
  X (update, "update container resource constraints")

#define DECLARE_COMMAND(name, help) int ocirt_command_##name (int argc, char **argv);
OCIRT_COMMANDS (DECLARE_COMMAND)
#undef DECLARE_COMMAND

#endif
