/* ocirt: hand the seccomp listener fd to the agent at linux.seccomp.listenerPath, with the
 * container process state (runtime-spec config-linux.md, "The Container Process State"). */
#include <config.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "seccomp-internal.h"
#include "utils.h"

static char *
process_state_json (const oci_seccomp *s, const oci_state *state, int pid, size_t *len)
{
  ocispec_jw *w = ocispec_jw_new (false);
  size_t i;

  if (w == NULL)
    return NULL;
  ocispec_jw_begin_map (w);
  ocispec_jw_key (w, "ociVersion");
  ocispec_jw_string (w, OCISPEC_VERSION);
  /* The fd travels in SCM_RIGHTS; "fds" names each descriptor in that order. */
  ocispec_jw_key (w, "fds");
  ocispec_jw_begin_array (w);
  ocispec_jw_string (w, "seccompFd");
  ocispec_jw_end_array (w);
  ocispec_jw_key (w, "pid");
  ocispec_jw_int (w, pid);
  if (s->listener_metadata)
    {
      ocispec_jw_key (w, "metadata");
      ocispec_jw_string (w, s->listener_metadata);
    }
  ocispec_jw_key (w, "state");
  ocispec_jw_begin_map (w);
  ocispec_jw_key (w, "ociVersion");
  ocispec_jw_string (w, state->oci_version ? state->oci_version : OCISPEC_VERSION);
  ocispec_jw_key (w, "id");
  ocispec_jw_string (w, state->id ? state->id : "");
  ocispec_jw_key (w, "status");
  ocispec_jw_string (w, state->status ? state->status : "creating");
  if (state->has_pid)
    {
      ocispec_jw_key (w, "pid");
      ocispec_jw_int (w, state->pid);
    }
  ocispec_jw_key (w, "bundle");
  ocispec_jw_string (w, state->bundle ? state->bundle : "");
  if (state->annotations.len)
    {
      ocispec_jw_key (w, "annotations");
      ocispec_jw_begin_map (w);
      for (i = 0; i < state->annotations.len; i++)
        {
          ocispec_jw_key (w, state->annotations.items[i].key);
          ocispec_jw_string (w, state->annotations.items[i].value);
        }
      ocispec_jw_end_map (w);
    }
  ocispec_jw_end_map (w);
  ocispec_jw_end_map (w);
  return ocispec_jw_finish (w, len);
}

int
ocirt_seccomp_send_listener (const oci_seccomp *s, int notify_fd, const oci_state *state, int pid,
                             ocirt_error_t *err)
{
  cleanup_close int sock = -1;
  cleanup_free char *json = NULL;
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } ctrl;
  struct iovec iov;
  struct msghdr msg = { 0 };
  struct cmsghdr *cmsg;
  size_t len = 0, sent;
  ssize_t r;

  if (s->listener_path == NULL || s->listener_path[0] == '\0')
    return ocirt_error_set (err, EINVAL, "seccomp: no listenerPath for the notify fd");
  if (strlen (s->listener_path) >= sizeof addr.sun_path)
    return ocirt_error_set (err, ENAMETOOLONG, "seccomp: connect %s", s->listener_path);
  strcpy (addr.sun_path, s->listener_path);

  json = process_state_json (s, state, pid, &len);
  if (json == NULL)
    return ocirt_error_set (err, ENOMEM, "seccomp: generate container process state");

  sock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return ocirt_error_errno (err, "seccomp: socket");
  if (connect (sock, (struct sockaddr *) &addr, sizeof addr) < 0)
    return ocirt_error_errno (err, "seccomp: connect %s", s->listener_path);

  memset (&ctrl, 0, sizeof ctrl);
  iov.iov_base = json;
  iov.iov_len = len;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = ctrl.buf;
  msg.msg_controllen = sizeof ctrl.buf;
  cmsg = CMSG_FIRSTHDR (&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cmsg), &notify_fd, sizeof (int));

  do
    r = sendmsg (sock, &msg, MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return ocirt_error_errno (err, "seccomp: send state to %s", s->listener_path);
  /* A stream socket may take the document in pieces; the fd went with the first one. */
  for (sent = (size_t) r; sent < len; sent += (size_t) r)
    {
      r = send (sock, json + sent, len - sent, MSG_NOSIGNAL);
      if (r < 0 && errno == EINTR)
        {
          r = 0;
          continue;
        }
      if (r < 0)
        return ocirt_error_errno (err, "seccomp: send state to %s", s->listener_path);
    }
  /* The spec wants exactly one state per connection, closed after sending. */
  return 0;
}
