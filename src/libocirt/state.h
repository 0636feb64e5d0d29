/* ocirt: the per-container state directory, --root/<id>/:
 *   status.json  ocirt_status, replaced atomically (write + rename)
 *   exec.fifo    exists from create until start: init blocks opening it for writing
 * A container is locked by flock(2) on its directory fd; mkdir(2) of the directory is what
 * makes an id taken, so two creates of one id can't both win. */
#ifndef OCIRT_STATE_H
#define OCIRT_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "ocispec.h"

#define OCIRT_DEFAULT_ROOT "/run/ocirt"
#define OCIRT_EXEC_FIFO "exec.fifo"
#define OCIRT_STATUS_FILE "status.json"

typedef struct
{
  char *root;
  char *id;
  char *path;   /* root/id */
  int root_fd;
  int dir_fd;   /* also the lock */
} ocirt_state_dir;

void ocirt_state_dir_free (ocirt_state_dir *d);
static inline void
ocirt_state_dir_freep (ocirt_state_dir **d)
{
  if (*d)
    ocirt_state_dir_free (*d);
}
#define cleanup_state_dir __attribute__ ((cleanup (ocirt_state_dir_freep)))

/* Ids: 1..1024 chars of [A-Za-z0-9_.+-], not starting with '.', so never "/" or "..". */
int ocirt_validate_id (const char *id, ocirt_error_t *err);

/* Make root/id (error "container already exists" if taken) and lock it exclusively. */
int ocirt_state_dir_create (const char *root, const char *id, ocirt_state_dir **out, ocirt_error_t *err);
/* Open an existing container's dir ("container does not exist" otherwise); lock if asked. */
int ocirt_state_dir_open (const char *root, const char *id, bool lock, ocirt_state_dir **out, ocirt_error_t *err);
/* Lock an open dir again; "container does not exist" if a delete removed it meanwhile. */
int ocirt_state_dir_relock (ocirt_state_dir *d, ocirt_error_t *err);
int ocirt_state_dir_remove (ocirt_state_dir *d, ocirt_error_t *err);

int ocirt_status_save (ocirt_state_dir *d, const ocirt_status *st, ocirt_error_t *err);
int ocirt_status_load (ocirt_state_dir *d, ocirt_status **out, ocirt_error_t *err);
void ocirt_status_freep (ocirt_status **st);
#define cleanup_status __attribute__ ((cleanup (ocirt_status_freep)))

/* List the ids under root (sorted); root missing = empty list. */
int ocirt_state_list (const char *root, char ***ids, size_t *n, ocirt_error_t *err);

/* Process identity: start time (clock ticks since boot, /proc/<pid>/stat field 22); 0 = gone. */
uint64_t ocirt_pid_start_time (pid_t pid);
/* The process still exists, is not a zombie, and is the same one (start time matches). */
bool ocirt_pid_alive (pid_t pid, uint64_t start_time);

/* Current RFC 3339 time with nanoseconds, as runc writes "created". */
char *ocirt_rfc3339_now (void);

/* The runtime-spec status of a container: "creating", "created", "running", "stopped" (the
 * caller checks "paused" through the cgroup).  */
const char *ocirt_state_status (ocirt_state_dir *d, const ocirt_status *st);

#endif
