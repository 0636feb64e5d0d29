/* ocirt: parent <-> child protocol (see sync.h). */
#include <config.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "sync.h"
#include "utils.h"

int
ocirt_send_fd (int sock, int fd, const void *data, size_t len, ocirt_error_t *err)
{
  char dummy = 0;
  struct iovec iov = { .iov_base = (void *) (data ? data : &dummy), .iov_len = data ? len : 1 };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
  ssize_t r;

  if (fd >= 0)
    {
      struct cmsghdr *c;
      memset (&u, 0, sizeof u);
      mh.msg_control = u.buf;
      mh.msg_controllen = sizeof u.buf;
      c = CMSG_FIRSTHDR (&mh);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN (sizeof (int));
      memcpy (CMSG_DATA (c), &fd, sizeof (int));
    }
  do
    r = sendmsg (sock, &mh, MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return ocirt_error_errno (err, "sendmsg");
  return 0;
}

int
ocirt_sync_send (int fd, enum ocirt_sync_type type, int64_t value, int passfd, ocirt_error_t *err)
{
  struct ocirt_sync_msg m = { .type = type, .value = value };
  /* Only the header travels unless there is text. */
  return ocirt_send_fd (fd, passfd, &m, offsetof (struct ocirt_sync_msg, text), err);
}

void
ocirt_sync_send_error (int fd, const ocirt_error_t e)
{
  struct ocirt_sync_msg m = { .type = SYNC_ERROR };
  size_t n;

  m.status = e ? e->status : 0;
  snprintf (m.text, sizeof m.text, "%s", e && e->msg ? e->msg : "unknown error");
  n = offsetof (struct ocirt_sync_msg, text) + strlen (m.text) + 1;
  (void) ocirt_send_fd (fd, -1, &m, n, NULL);
}

int
ocirt_sync_recv (int fd, struct ocirt_sync_msg *msg, int *passfd, ocirt_error_t *err)
{
  struct iovec iov = { .iov_base = msg, .iov_len = sizeof *msg };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  struct cmsghdr *c;
  ssize_t r;

  if (passfd)
    *passfd = -1;
  memset (msg, 0, sizeof *msg);
  do
    r = recvmsg (fd, &mh, MSG_CMSG_CLOEXEC);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return ocirt_error_errno (err, "receive from container init");
  if (r == 0)
    return ocirt_error_set (err, EPIPE, "container init exited during setup");
  if ((size_t) r < offsetof (struct ocirt_sync_msg, text))
    return ocirt_error_set (err, EPROTO, "short message from container init");
  msg->text[sizeof msg->text - 1] = '\0';
  for (c = CMSG_FIRSTHDR (&mh); c; c = CMSG_NXTHDR (&mh, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      {
        int got;
        memcpy (&got, CMSG_DATA (c), sizeof got);
        if (passfd)
          *passfd = got;
        else
          close (got);
      }
  return 0;
}

int
ocirt_sync_expect (int fd, enum ocirt_sync_type type, struct ocirt_sync_msg *msg, int *passfd,
                   ocirt_error_t *err)
{
  int ret = ocirt_sync_recv (fd, msg, passfd, err);
  if (ret < 0)
    return ret;
  if (msg->type == SYNC_ERROR)
    {
      /* The child already formatted errno into the text. */
      ocirt_error_set (err, 0, "%s", msg->text);
      (*err)->status = msg->status;
      return msg->status ? -msg->status : -1;
    }
  if (msg->type != (int32_t) type)
    return ocirt_error_set (err, EPROTO, "unexpected message %d from container init (wanted %d)", msg->type, type);
  return 0;
}
