/* ocirt list: the containers under --root, as runc prints them. */
#include <config.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "ocirt.h"
#include "utils.h"

struct list_args
{
  bool quiet;
  const char *format;
};

static struct argp_option list_options[] = {
  { "format", 'f', "FORMAT", 0, "select one of: table (default) or json", 0 },
  { "quiet", 'q', NULL, 0, "display only container IDs", 0 },
  { 0 }
};

static error_t
parse_list (int key, char *arg, struct argp_state *state)
{
  struct list_args *a = state->input;
  switch (key)
    {
    case 'f':
      if (strcmp (arg, "table") && strcmp (arg, "json"))
        argp_error (state, "invalid format `%s`: use table or json", arg);
      a->format = arg;
      break;
    case 'q':
      a->quiet = true;
      break;
    case ARGP_KEY_ARG:
      argp_error (state, "unexpected argument `%s`", arg);
      break;
    default:
      return ARGP_ERR_UNKNOWN;
    }
  return 0;
}

/* runc shows the owner's user name; the state records the uid. */
static const char *
owner_name (const char *uid)
{
  struct passwd *pw;
  char *end;
  unsigned long v;

  if (uid == NULL)
    return "";
  v = strtoul (uid, &end, 10);
  if (*uid == '\0' || *end || (pw = getpwuid ((uid_t) v)) == NULL)
    return uid;
  return pw->pw_name;
}

int
ocirt_command_list (int argc, char **argv)
{
  static struct argp argp = { list_options, parse_list, NULL, "ocirt list: list containers", NULL, NULL, NULL };
  struct list_args a = { .format = "table" };
  cleanup_error ocirt_error_t err = NULL;
  cleanup_strv char **ids = NULL;
  ocispec_jw *w = NULL;
  size_t n, i;
  bool json;

  cli_parse (&argp, argc, argv, &a);
  if (ocirt_state_list (ocirt_opts.root, &ids, &n, &err) < 0)
    return cli_fail (NULL, &err);
  json = strcmp (a.format, "json") == 0;
  if (json)
    {
      w = ocispec_jw_new (false);
      ocispec_jw_begin_array (w);
    }
  else if (!a.quiet)
    printf ("%-12s %-10s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
  for (i = 0; i < n; i++)
    {
      cleanup_container ocirt_container *c = NULL;
      cleanup_error ocirt_error_t e = NULL;
      const char *status;

      if (ocirt_container_load (ocirt_opts.root, ids[i], false, &c, &e) < 0)
        continue; /* being created or deleted right now */
      status = ocirt_container_status (c);
      if (a.quiet)
        printf ("%s\n", ids[i]);
      else if (json)
        {
          ocispec_jw_begin_map (w);
          ocispec_jw_key (w, "ociVersion");
          ocispec_jw_string (w, c->config && c->config->oci_version ? c->config->oci_version : OCISPEC_VERSION);
          ocispec_jw_key (w, "id");
          ocispec_jw_string (w, ids[i]);
          ocispec_jw_key (w, "pid");
          ocispec_jw_int (w, strcmp (status, "stopped") ? c->status->pid : 0);
          ocispec_jw_key (w, "status");
          ocispec_jw_string (w, status);
          ocispec_jw_key (w, "bundle");
          ocispec_jw_string (w, c->status->bundle);
          ocispec_jw_key (w, "rootfs");
          ocispec_jw_string (w, c->status->rootfs);
          ocispec_jw_key (w, "created");
          ocispec_jw_string (w, c->status->created);
          ocispec_jw_key (w, "owner");
          ocispec_jw_string (w, owner_name (c->status->owner));
          ocispec_jw_end_map (w);
        }
      else
        printf ("%-12s %-10lld %-10s %-40s %-30s %s\n", ids[i], strcmp (status, "stopped") ? (long long) c->status->pid : 0LL,
                status, c->status->bundle, c->status->created, owner_name (c->status->owner));
    }
  if (json)
    {
      char *text;
      ocispec_jw_end_array (w);
      text = ocispec_jw_finish (w, NULL);
      if (text == NULL)
        return cli_failf (NULL, "generate list: out of memory");
      printf ("%s\n", text);
      free (text);
    }
  return 0;
}
