/* ocirt: SELinux and AppArmor.  Each is a no-op (with a debug note) when the host does not
 * have that LSM enabled; writes to /proc attr files go through a procfs fd checked with fstatfs. */
#ifndef OCIRT_LSM_H
#define OCIRT_LSM_H

#include <stdbool.h>

#include "error.h"

bool ocirt_selinux_enabled (void);
bool ocirt_apparmor_enabled (void);
/* Label the next execve (setexeccon). */
int ocirt_selinux_set_exec_label (const char *label, ocirt_error_t *err);
/* Label keyrings created by the process (setkeycreatecon). */
int ocirt_selinux_set_keycreate_label (const char *label, ocirt_error_t *err);
/* Mount data with context="<label>" appended when SELinux is on; malloc'd (data may be NULL;
 * returns NULL when there is nothing to pass). */
char *ocirt_selinux_mount_data (const char *data, const char *mount_label);
/* The formatting part of ocirt_selinux_mount_data, without the enabled check (for tests):
 * "<data>,context=\"<label>\"", unless data already has a context= option. */
char *ocirt_selinux_mount_data_format (const char *data, const char *mount_label);
/* Switch to `profile` at the next exec: writes "exec <profile>" to
 * /proc/thread-self/attr/apparmor/exec (or attr/exec on older kernels).  Error if AppArmor is
 * enabled but the profile is not loaded. */
int ocirt_apparmor_set_exec_profile (const char *profile, ocirt_error_t *err);

#endif
