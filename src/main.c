/* ocirt: entry point.  Global flags (runc's), then one command, whose own file parses the
 * rest.  Errors are printed here as "ocirt: <id>: <what failed>: <why>", and mirrored to the
 * --log file in the --log-format containerd and conmon read. */
#include <config.h>
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "container.h"
#include "log.h"
#include "ocirt.h"
#include "ocispec.h"
#include "selfexe.h"
#include "utils.h"

struct ocirt_global_opts ocirt_opts = { .log_format = "text" };
static int log_fd = -1;

static void
write_log_line (enum ocirt_log_level level, const char *msg)
{
  static const char *const names[] = { "error", "warning", "info", "debug" };
  cleanup_free char *line = NULL;

  if (log_fd < 0)
    return;
  if (strcmp (ocirt_opts.log_format, "json") == 0)
    {
      cleanup_free char *q = ocispec_json_quote (msg);
      cleanup_free char *t = ocirt_rfc3339_now ();
      line = xasprintf ("{\"level\":\"%s\",\"msg\":%s,\"time\":\"%s\"}\n", names[level], q ? q : "\"\"", t);
    }
  else
    {
      /* logrus's text format, which quotes the message (JSON quoting is the same for it). */
      cleanup_free char *q = ocispec_json_quote (msg);
      cleanup_free char *t = ocirt_rfc3339_now ();
      line = xasprintf ("time=\"%s\" level=%s msg=%s\n", t, names[level], q ? q : "\"\"");
    }
  (void) write_all (log_fd, line, strlen (line));
}

static void
log_handler (enum ocirt_log_level level, const char *msg, void *data)
{
  (void) data;
  write_log_line (level, msg);
  /* People read stderr; callers that pass --log read the log file, and containerd's shim
   * gives us the container's own stdio, so with a log file only errors (cli_fail) also go to
   * stderr: a warning would end up in the container's output (`docker logs`), as runc avoids. */
  if (level != OCIRT_LOG_ERROR && log_fd >= 0)
    return;
  fprintf (stderr, "ocirt: %s%s\n",
           level == OCIRT_LOG_WARNING ? "warning: " : level == OCIRT_LOG_DEBUG ? "debug: " : "", msg);
}

int
cli_fail (const char *id, ocirt_error_t *err)
{
  cleanup_free char *msg = NULL;
  const char *text = err && *err ? (*err)->msg : "unknown error";

  msg = id ? xasprintf ("%s: %s", id, text) : xstrdup (text);
  write_log_line (OCIRT_LOG_ERROR, msg);
  fprintf (stderr, "ocirt: %s\n", msg);
  ocirt_error_release (err);
  return 1;
}

int
cli_failf (const char *id, const char *fmt, ...)
{
  ocirt_error_t err = NULL;
  va_list ap;
  va_start (ap, fmt);
  ocirt_error_setv (&err, 0, fmt, ap);
  va_end (ap);
  return cli_fail (id, &err);
}

error_t
cli_parse_id_key (int key, char *arg, struct argp_state *state, const char **id)
{
  switch (key)
    {
    case ARGP_KEY_ARG:
      if (*id)
        argp_error (state, "too many arguments: `%s`", arg);
      *id = arg;
      return 0;
    case ARGP_KEY_END:
      if (*id == NULL)
        argp_error (state, "missing container id");
      return 0;
    default:
      return ARGP_ERR_UNKNOWN;
    }
}

error_t
cli_parse_id (int key, char *arg, struct argp_state *state)
{
  return cli_parse_id_key (key, arg, state, state->input);
}

void
cli_parse (const struct argp *argp, int argc, char **argv, void *input)
{
  /* Usage and errors then read "ocirt exec: ...", not "exec: ...". */
  cleanup_free char *name = xasprintf ("ocirt %s", argv[0]);
  char *saved = argv[0];
  int ret;

  argv[0] = name;
  ret = argp_parse (argp, argc, argv, ARGP_IN_ORDER, NULL, input);
  argv[0] = saved;
  if (ret != 0)
    exit (1);
}

enum
{
  OPT_ROOT = 1000,
  OPT_LOG,
  OPT_LOG_FORMAT,
  OPT_DEBUG,
  OPT_SYSTEMD_CGROUP,
  OPT_ROOTLESS,
  OPT_CRIU,
};

static struct argp_option global_options[] = {
  { "root", OPT_ROOT, "DIR", 0, "root directory for storage of container state (default: /run/ocirt)", 0 },
  { "log", OPT_LOG, "FILE", 0, "set the log file to write ocirt logs to (default is stderr)", 0 },
  { "log-format", OPT_LOG_FORMAT, "FORMAT", 0, "set the log format ('text' (default), or 'json')", 0 },
  { "debug", OPT_DEBUG, NULL, 0, "enable debug logging, with a timeline of setup steps in microseconds", 0 },
  { "systemd-cgroup", OPT_SYSTEMD_CGROUP, NULL, 0, "accepted for runc compatibility (systemd driver not yet)", 0 },
  { "rootless", OPT_ROOTLESS, "VALUE", 0, "ignore cgroup permission errors ('true', 'false', or 'auto')", 0 },
  { "criu", OPT_CRIU, "PATH", OPTION_HIDDEN, "accepted for runc compatibility", 0 },
  { 0 }
};

static const char global_doc[] = "ocirt: an OCI container runtime\v"
                                 "COMMANDS:\n"
#define HELP_LINE(name, help) "  " #name "\t" help "\n"
                                 OCIRT_COMMANDS (HELP_LINE)
#undef HELP_LINE
    ;

const char *argp_program_version = PACKAGE_NAME " version " PACKAGE_VERSION "\nspec: " OCISPEC_VERSION;

static int command_index;

static error_t
parse_global (int key, char *arg, struct argp_state *state)
{
  switch (key)
    {
    case OPT_ROOT:
      ocirt_opts.root = arg;
      break;
    case OPT_LOG:
      ocirt_opts.log = arg;
      break;
    case OPT_LOG_FORMAT:
      if (strcmp (arg, "text") && strcmp (arg, "json"))
        argp_error (state, "invalid --log-format `%s`: use text or json", arg);
      ocirt_opts.log_format = arg;
      break;
    case OPT_DEBUG:
      ocirt_opts.debug = true;
      break;
    case OPT_SYSTEMD_CGROUP:
      ocirt_opts.systemd_cgroup = true;
      break;
    case OPT_ROOTLESS:
      ocirt_opts.rootless = arg;
      break;
    case OPT_CRIU:
      break;
    case ARGP_KEY_ARG:
      command_index = state->next - 1;
      state->next = state->argc; /* the rest belongs to the command */
      break;
    case ARGP_KEY_END:
      if (command_index == 0)
        argp_error (state, "missing command");
      break;
    default:
      return ARGP_ERR_UNKNOWN;
    }
  return 0;
}

static struct argp global_argp = { global_options, parse_global, "COMMAND [OPTIONS...]", global_doc, NULL, NULL, NULL };

static const struct
{
  const char *name;
  int (*fn) (int, char **);
} commands[] = {
#define ENTRY(name, help) { #name, ocirt_command_##name },
  OCIRT_COMMANDS (ENTRY)
#undef ENTRY
};

int
main (int argc, char **argv)
{
  size_t i;
  const char *cmd;

  ocirt_selfexe_init (argv);
  if (argp_parse (&global_argp, argc, argv, ARGP_IN_ORDER, NULL, NULL) != 0)
    return 1;
  if (ocirt_opts.root == NULL)
    ocirt_opts.root = ocirt_default_root ();
  if (ocirt_opts.log)
    {
      log_fd = open (ocirt_opts.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
      if (log_fd < 0)
        {
          fprintf (stderr, "ocirt: open log file %s: %s\n", ocirt_opts.log, strerror (errno));
          return 1;
        }
    }
  ocirt_log_set_handler (log_handler, NULL, ocirt_opts.debug ? OCIRT_LOG_DEBUG : OCIRT_LOG_WARNING);
  cmd = argv[command_index];
  /* exec puts a process of ours into the container's pid namespace (CVE-2019-5736). */
  if (strcmp (cmd, "exec") == 0)
    {
      cleanup_error ocirt_error_t err = NULL;
      if (ocirt_ensure_sealed_self (&err) < 0)
        return cli_fail (NULL, &err);
    }
  for (i = 0; i < ARRAY_SIZE (commands); i++)
    if (strcmp (commands[i].name, cmd) == 0)
      return commands[i].fn (argc - command_index, argv + command_index);
  return cli_failf (NULL, "unknown command `%s` (see ocirt --help)", cmd);
}
