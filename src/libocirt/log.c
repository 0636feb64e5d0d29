/* ocirt: library diagnostics (see log.h). */
#include <config.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "utils.h"

static ocirt_log_fn handler;
static void *handler_data;
static enum ocirt_log_level max_level = OCIRT_LOG_WARNING;

void
ocirt_log_set_handler (ocirt_log_fn fn, void *data, enum ocirt_log_level level)
{
  handler = fn;
  handler_data = data;
  max_level = level;
}

bool
ocirt_log_enabled (enum ocirt_log_level level)
{
  return handler && level <= max_level;
}

void
ocirt_log (enum ocirt_log_level level, const char *fmt, ...)
{
  cleanup_free char *msg = NULL;
  va_list ap;

  if (!ocirt_log_enabled (level))
    return;
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    oom ();
  va_end (ap);
  handler (level, msg, handler_data);
}

uint64_t
ocirt_step_begin (void)
{
  return ocirt_log_enabled (OCIRT_LOG_DEBUG) ? now_usec () : 0;
}

void
ocirt_step_end (uint64_t begin, const char *name)
{
  if (begin == 0 || !ocirt_log_enabled (OCIRT_LOG_DEBUG))
    return;
  ocirt_log (OCIRT_LOG_DEBUG, "step %s: %llu us", name, (unsigned long long) (now_usec () - begin));
}
