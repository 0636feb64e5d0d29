/* ocirt: the parent <-> container-init protocol over a SOCK_SEQPACKET socketpair.
 * Each message is one datagram, so no framing is needed; an fd may ride along (SCM_RIGHTS).
 * Round trips are kept to what the setup needs: GO only with a new user namespace (the parent
 * writes the id maps), HOOKS only when prestart/createRuntime hooks exist. */
#ifndef OCIRT_SYNC_H
#define OCIRT_SYNC_H

#include <stdint.h>
#include <sys/types.h>

#include "error.h"

enum ocirt_sync_type
{
  SYNC_GO = 1,       /* parent -> child: id maps written, proceed */
  SYNC_HOOKS,        /* child -> parent: namespaces ready, run prestart+createRuntime */
  SYNC_HOOKS_DONE,   /* parent -> child */
  SYNC_CONSOLE,      /* child -> parent: pty master attached */
  SYNC_CONSOLE_DONE, /* parent -> child: forwarded to the console socket */
  SYNC_SECCOMP,      /* child -> parent: seccomp notify listener fd attached */
  SYNC_READY,        /* child -> parent: everything set up, waiting on exec.fifo */
  SYNC_ERROR,        /* child -> parent: setup failed; status = errno, text = message */
};

struct ocirt_sync_msg
{
  int32_t type;
  int32_t status;
  int64_t value;
  char text[4000];
};

int ocirt_sync_send (int fd, enum ocirt_sync_type type, int64_t value, int passfd, ocirt_error_t *err);
/* Send an error as SYNC_ERROR (best effort; used by the child just before it exits). */
void ocirt_sync_send_error (int fd, const ocirt_error_t e);
/* Receive one message; *passfd gets an fd if one came (else -1).  EOF is an error (EPIPE). */
int ocirt_sync_recv (int fd, struct ocirt_sync_msg *msg, int *passfd, ocirt_error_t *err);
/* Receive and require `type`; a SYNC_ERROR is turned into *err with the child's text. */
int ocirt_sync_expect (int fd, enum ocirt_sync_type type, struct ocirt_sync_msg *msg, int *passfd,
                       ocirt_error_t *err);

/* Send/receive one fd over any unix socket (console socket, seccomp listener). */
int ocirt_send_fd (int sock, int fd, const void *data, size_t len, ocirt_error_t *err);

#endif
