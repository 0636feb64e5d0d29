/* ocirt: signal names (see signals.h). */
#include <config.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "signals.h"
#include "utils.h"

static const struct
{
  const char *name;
  int sig;
} signals[] = {
  { "SIGABRT", SIGABRT }, { "SIGALRM", SIGALRM }, { "SIGBUS", SIGBUS },       { "SIGCHLD", SIGCHLD },
  { "SIGCLD", SIGCHLD },  { "SIGCONT", SIGCONT }, { "SIGFPE", SIGFPE },       { "SIGHUP", SIGHUP },
  { "SIGILL", SIGILL },   { "SIGINT", SIGINT },   { "SIGIO", SIGIO },         { "SIGIOT", SIGIOT },
  { "SIGKILL", SIGKILL }, { "SIGPIPE", SIGPIPE }, { "SIGPOLL", SIGPOLL },     { "SIGPROF", SIGPROF },
  { "SIGPWR", SIGPWR },   { "SIGQUIT", SIGQUIT }, { "SIGSEGV", SIGSEGV },     { "SIGSTKFLT", SIGSTKFLT },
  { "SIGSTOP", SIGSTOP }, { "SIGSYS", SIGSYS },   { "SIGTERM", SIGTERM },     { "SIGTRAP", SIGTRAP },
  { "SIGTSTP", SIGTSTP }, { "SIGTTIN", SIGTTIN }, { "SIGTTOU", SIGTTOU },     { "SIGURG", SIGURG },
  { "SIGUSR1", SIGUSR1 }, { "SIGUSR2", SIGUSR2 }, { "SIGVTALRM", SIGVTALRM }, { "SIGWINCH", SIGWINCH },
  { "SIGXCPU", SIGXCPU }, { "SIGXFSZ", SIGXFSZ },
};

const char *const *
ocirt_signal_names (void)
{
  static const char *names[ARRAY_SIZE (signals) + 1];
  size_t i;
  for (i = 0; i < ARRAY_SIZE (signals); i++)
    names[i] = signals[i].name;
  return names;
}

int
ocirt_signal_parse (const char *s, ocirt_error_t *err)
{
  const char *name = s;
  char *end;
  long n;
  size_t i;

  if (s == NULL || *s == '\0')
    return ocirt_error_set (err, EINVAL, "invalid signal: empty");
  if (*s >= '0' && *s <= '9')
    {
      n = strtol (s, &end, 10);
      if (*end || n <= 0 || n >= NSIG)
        return ocirt_error_set (err, EINVAL, "invalid signal `%s`", s);
      return (int) n;
    }
  if (strncasecmp (name, "SIG", 3) == 0)
    name += 3;
  if (strncasecmp (name, "RTMIN", 5) == 0 || strncasecmp (name, "RTMAX", 5) == 0)
    {
      bool min = strncasecmp (name, "RTMIN", 5) == 0;
      long off = 0;
      if (name[5])
        {
          off = strtol (name + 5, &end, 10);
          if (*end || (min && off < 0) || (!min && off > 0))
            return ocirt_error_set (err, EINVAL, "invalid signal `%s`", s);
        }
      n = (min ? SIGRTMIN : SIGRTMAX) + off;
      if (n < SIGRTMIN || n > SIGRTMAX)
        return ocirt_error_set (err, EINVAL, "invalid signal `%s`", s);
      return (int) n;
    }
  for (i = 0; i < ARRAY_SIZE (signals); i++)
    if (strcasecmp (signals[i].name + 3, name) == 0)
      return signals[i].sig;
  return ocirt_error_set (err, EINVAL, "invalid signal `%s`", s);
}
