/* ocirt: one error type for the whole library.
 *
 * Every fallible function takes `ocirt_error_t *err`, returns a negative value on failure and
 * leaves *err set (errno + message).  Callers add context with ocirt_error_wrap(), so the
 * final text reads "step path: cause: strerror".  Only the CLI prints or exits. */
#ifndef OCIRT_ERROR_H
#define OCIRT_ERROR_H

#include <stdarg.h>

struct ocirt_error_s
{
  int status; /* errno value, 0 when not a system error */
  char *msg;  /* full text, including strerror(status) when status != 0 */
};
typedef struct ocirt_error_s *ocirt_error_t;

/* Set *err from errno value `status` (0 for none); returns -1 (or -status if nonzero, so
 * callers can propagate it as a negative int). */
int ocirt_error_set (ocirt_error_t *err, int status, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
int ocirt_error_setv (ocirt_error_t *err, int status, const char *fmt, va_list ap)
    __attribute__ ((format (printf, 3, 0)));
/* Prepend "context: " to an existing error; returns the same negative value. */
int ocirt_error_wrap (ocirt_error_t *err, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
void ocirt_error_release (ocirt_error_t *err);
/* Move src into *dst (freeing what dst held). */
void ocirt_error_move (ocirt_error_t *dst, ocirt_error_t *src);

/* errno-style shortcut: returns ocirt_error_set(err, errno, ...) */
#define ocirt_error_errno(err, ...) ocirt_error_set ((err), errno, __VA_ARGS__)

static inline void
ocirt_error_cleanup (ocirt_error_t *e)
{
  ocirt_error_release (e);
}
#define cleanup_error __attribute__ ((cleanup (ocirt_error_cleanup)))

#endif
