/* ocirt: diagnostics from the library.  The library never prints; it hands warnings and debug
 * lines to a handler the CLI installs (text or JSON lines, to stderr or --log FILE). */
#ifndef OCIRT_LOG_H
#define OCIRT_LOG_H

#include <stdbool.h>
#include <stdint.h>

enum ocirt_log_level
{
  OCIRT_LOG_ERROR = 0,
  OCIRT_LOG_WARNING,
  OCIRT_LOG_INFO,
  OCIRT_LOG_DEBUG,
};

typedef void (*ocirt_log_fn) (enum ocirt_log_level level, const char *msg, void *data);

void ocirt_log_set_handler (ocirt_log_fn fn, void *data, enum ocirt_log_level max_level);
bool ocirt_log_enabled (enum ocirt_log_level level);
void ocirt_log (enum ocirt_log_level level, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
#define ocirt_warn(...) ocirt_log (OCIRT_LOG_WARNING, __VA_ARGS__)
#define ocirt_debug(...)                          \
  do                                              \
    {                                             \
      if (ocirt_log_enabled (OCIRT_LOG_DEBUG))    \
        ocirt_log (OCIRT_LOG_DEBUG, __VA_ARGS__); \
    }                                             \
  while (0)

/* --debug timeline: ocirt_step_begin() returns a token; ocirt_step_end() logs
 * "step <name>: <N> us" at debug level.  Cheap (one clock read) when debug is off. */
uint64_t ocirt_step_begin (void);
void ocirt_step_end (uint64_t begin, const char *name);

#endif
