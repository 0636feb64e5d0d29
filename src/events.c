/* ocirt events: container statistics and OOM notifications as JSON lines, like `runc events`.
 *   --stats           print one {"type":"stats","id":ID,"data":{cpu,memory,pids,blkio,hugetlb}}
 *   (default)         print stats every --interval (default 5s) and {"type":"oom","id":ID} on
 *                     each OOM kill, until the container's init exits. */
#include <config.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "container.h"
#include "log.h"
#include "ocirt.h"
#include "utils.h"

struct events_args
{
  const char *id;
  const char *interval;
  bool stats;
};

static struct argp_option events_options[] = {
  { "stats", 's', NULL, 0, "display the container's stats once, then exit", 0 },
  { "interval", 'i', "DURATION", 0, "interval between stats (Go duration: 5s, 500ms, 1m30s; default 5s)", 0 },
  { 0 }
};

static error_t
parse_events (int key, char *arg, struct argp_state *state)
{
  struct events_args *a = state->input;
  switch (key)
    {
    case 's':
      a->stats = true;
      break;
    case 'i':
      a->interval = arg;
      break;
    default:
      return cli_parse_id_key (key, arg, state, &a->id);
    }
  return 0;
}

/* A Go time.Duration string ("5s", "1.5s", "1m30s", "250ms") in milliseconds; must be > 0. */
static int
parse_duration (const char *s, int64_t *ms, ocirt_error_t *err)
{
  static const struct
  {
    const char *unit;
    double ms;
  } units[] = { { "ns", 1e-6 }, { "us", 1e-3 }, { "µs", 1e-3 }, { "ms", 1 }, { "s", 1e3 }, { "m", 60e3 }, { "h", 3600e3 } };
  const char *p = s;
  double total = 0;

  if (*p == '\0')
    goto bad;
  while (*p)
    {
      char *end;
      double v = strtod (p, &end);
      size_t i, best = 0, best_len = 0;
      if (end == p || v < 0 || *p == '-' || *p == '+')
        goto bad;
      for (i = 0; i < sizeof units / sizeof units[0]; i++)
        {
          size_t l = strlen (units[i].unit);
          if (strncmp (end, units[i].unit, l) == 0 && l > best_len)
            best = i, best_len = l;
        }
      if (best_len == 0)
        goto bad;
      total += v * units[best].ms;
      p = end + best_len;
    }
  if (total < 1 || total > 1e12)
    goto bad;
  *ms = (int64_t) total;
  return 0;
bad:
  return ocirt_error_set (err, EINVAL, "invalid --interval `%s`: expected a positive duration such as 5s or 500ms", s);
}

static int
print_stats (ocirt_container *c, const char *id, ocirt_error_t *err)
{
  ocispec_jw *w = ocispec_jw_new (false);
  char *json;

  ocispec_jw_begin_map (w);
  ocispec_jw_key (w, "type");
  ocispec_jw_string (w, "stats");
  ocispec_jw_key (w, "id");
  ocispec_jw_string (w, id);
  ocispec_jw_key (w, "data");
  if (ocirt_cgroup_write_stats (c->cgroup, w, err) < 0)
    {
      free (ocispec_jw_finish (w, NULL));
      return -1;
    }
  ocispec_jw_end_map (w);
  json = ocispec_jw_finish (w, NULL);
  if (json == NULL)
    return ocirt_error_set (err, ENOMEM, "generate stats JSON");
  printf ("%s\n", json);
  fflush (stdout);
  free (json);
  return 0;
}

static void
print_oom (const char *id)
{
  cleanup_free char *q = ocispec_json_quote (id);
  printf ("{\"type\":\"oom\",\"id\":%s}\n", q);
  fflush (stdout);
}

static int64_t
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* OOM kills since the last call (v2: memory.events oom_kill grew; v1: eventfd notifications). */
static uint64_t
new_ooms (ocirt_container *c, int oom_fd, uint64_t *last)
{
  uint64_t count = 0;
  if (ocirt_cgroup_get_mode (c->cgroup) == OCIRT_CGROUP_MODE_V1)
    {
      uint64_t v = 0;
      cleanup_error ocirt_error_t e = NULL;
      if (read (oom_fd, &v, sizeof v) != sizeof v)
        return 0;
      /* The eventfd also fires when the cgroup goes away: only count real kills/OOMs. */
      if (ocirt_cgroup_oom_count (c->cgroup, &count, &e) < 0)
        return 0;
      if (count > *last)
        {
          uint64_t n = count - *last;
          *last = count;
          return n;
        }
      return 1;
    }
  {
    char buf[4096];
    cleanup_error ocirt_error_t e = NULL;
    while (read (oom_fd, buf, sizeof buf) > 0)
      ;
    if (ocirt_cgroup_oom_count (c->cgroup, &count, &e) < 0 || count <= *last)
      return 0;
    count -= *last;
    *last += count;
    return count;
  }
}

static int
stream_events (ocirt_container *c, const char *id, int64_t interval, ocirt_error_t *err)
{
  cleanup_close int pidfd = syscall (SYS_pidfd_open, c->pid, 0);
  uint64_t last = 0;
  int oom_fd;
  int64_t next;

  if (pidfd < 0 || !ocirt_pid_alive (c->pid, c->status->pid_start_time))
    return ocirt_error_set (err, ESRCH, "container is not running");
  {
    cleanup_error ocirt_error_t e = NULL;
    oom_fd = ocirt_cgroup_oom_fd (c->cgroup, &e);
    if (oom_fd < 0 && e)
      ocirt_warn ("%s: OOM events unavailable: %s", id, e->msg);
    if (oom_fd >= 0)
      ocirt_cgroup_oom_count (c->cgroup, &last, NULL);
  }
  next = now_ms () + interval;
  for (;;)
    {
      struct pollfd p[2] = { { .fd = pidfd, .events = POLLIN }, { .fd = oom_fd, .events = POLLIN } };
      int64_t wait = next - now_ms ();
      uint64_t n;
      int r = poll (p, oom_fd >= 0 ? 2 : 1, wait < 0 ? 0 : (int) wait);
      if (r < 0 && errno != EINTR)
        return ocirt_error_errno (err, "poll");
      if (oom_fd >= 0 && (p[1].revents & POLLIN))
        for (n = new_ooms (c, oom_fd, &last); n > 0; n--)
          print_oom (id);
      if (p[0].revents & POLLIN)
        {
          /* init is gone; an OOM kill of init may be reported just after: look once more. */
          if (oom_fd >= 0)
            {
              struct pollfd q = { .fd = oom_fd, .events = POLLIN };
              if (poll (&q, 1, 100) > 0)
                for (n = new_ooms (c, oom_fd, &last); n > 0; n--)
                  print_oom (id);
            }
          return 0;
        }
      if (now_ms () >= next)
        {
          cleanup_error ocirt_error_t e = NULL;
          if (print_stats (c, id, &e) < 0)
            ocirt_debug ("stats of %s: %s", id, e->msg);
          next += interval;
          if (next < now_ms ())
            next = now_ms () + interval;
        }
    }
}

int
ocirt_command_events (int argc, char **argv)
{
  static struct argp argp = { events_options, parse_events, "CONTAINER-ID",
                              "ocirt events: display container events such as OOM notifications and resource statistics",
                              NULL, NULL, NULL };
  struct events_args a = { 0 };
  cleanup_error ocirt_error_t err = NULL;
  cleanup_container ocirt_container *c = NULL;
  int64_t interval = 5000;
  const char *status;

  cli_parse (&argp, argc, argv, &a);
  if (a.interval && parse_duration (a.interval, &interval, &err) < 0)
    return cli_fail (a.id, &err);
  if (ocirt_container_load (ocirt_opts.root, a.id, false, &c, &err) < 0)
    return cli_fail (a.id, &err);
  status = ocirt_container_status (c);
  if (strcmp (status, "stopped") == 0)
    return cli_failf (a.id, "container is not running");
  if (c->cgroup == NULL)
    return cli_failf (a.id, "cannot get events: the container has no cgroup");
  if (a.stats)
    {
      if (print_stats (c, a.id, &err) < 0)
        return cli_fail (a.id, &err);
      return 0;
    }
  if (stream_events (c, a.id, interval, &err) < 0)
    return cli_fail (a.id, &err);
  return 0;
}
