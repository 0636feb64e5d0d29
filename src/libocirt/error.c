/* ocirt: the error type (see error.h). */
#include <config.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "utils.h"

int
ocirt_error_setv (ocirt_error_t *err, int status, const char *fmt, va_list ap)
{
  cleanup_free char *what = NULL;
  struct ocirt_error_s *e;

  if (vasprintf (&what, fmt, ap) < 0)
    oom ();
  e = xmalloc0 (sizeof *e);
  e->status = status;
  if (status)
    e->msg = xasprintf ("%s: %s", what, strerror (status));
  else
    {
      e->msg = what;
      what = NULL;
    }
  if (err)
    {
      ocirt_error_release (err);
      *err = e;
    }
  else
    {
      free (e->msg);
      free (e);
    }
  return status ? -status : -1;
}

int
ocirt_error_set (ocirt_error_t *err, int status, const char *fmt, ...)
{
  va_list ap;
  int ret;

  va_start (ap, fmt);
  ret = ocirt_error_setv (err, status, fmt, ap);
  va_end (ap);
  return ret;
}

int
ocirt_error_wrap (ocirt_error_t *err, const char *fmt, ...)
{
  cleanup_free char *ctx = NULL;
  va_list ap;
  char *msg;

  if (err == NULL || *err == NULL)
    return -1;
  va_start (ap, fmt);
  if (vasprintf (&ctx, fmt, ap) < 0)
    oom ();
  va_end (ap);
  msg = xasprintf ("%s: %s", ctx, (*err)->msg);
  free ((*err)->msg);
  (*err)->msg = msg;
  return (*err)->status ? -(*err)->status : -1;
}

void
ocirt_error_release (ocirt_error_t *err)
{
  if (err == NULL || *err == NULL)
    return;
  free ((*err)->msg);
  free (*err);
  *err = NULL;
}

void
ocirt_error_move (ocirt_error_t *dst, ocirt_error_t *src)
{
  ocirt_error_release (dst);
  *dst = *src;
  *src = NULL;
}
