/* ocirt: the container process's own attributes: user and groups, rlimits, oom score,
 * personality, I/O priority, scheduler, umask, inherited fds, and the executable lookup; and
 * the clone3 call that starts the init and exec processes. */
#ifndef OCIRT_PROCESS_H
#define OCIRT_PROCESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "ocispec.h"

/* "RLIMIT_NOFILE" -> RLIMIT_NOFILE; -1 when unknown. */
int ocirt_rlimit_from_name (const char *name);
const char *const *ocirt_rlimit_names (void);

/* Checked in the parent so config mistakes fail before any process exists. */
int ocirt_process_validate (const oci_process *p, const char *where, ocirt_error_t *err);

int ocirt_process_apply_rlimits (const oci_process *p, ocirt_error_t *err);
int ocirt_process_apply_oom_score_adj (const oci_process *p, ocirt_error_t *err);
/* personality, ioPriority, scheduler, execCPUAffinity.initial */
int ocirt_process_apply_misc (const oci_process *p, const oci_linux *l, ocirt_error_t *err);
/* setgroups/setresgid/setresuid, keeping capabilities for ocirt_caps_apply(). */
int ocirt_process_set_user (const oci_process *p, bool setgroups_allowed, ocirt_error_t *err);
/* Mark every fd >= 3 + preserve_fds close-on-exec (CVE-2024-21626: no host fd survives). */
int ocirt_process_close_fds (int preserve_fds, ocirt_error_t *err);
/* Resolve args[0] through PATH from process.env (or the default PATH), as execvp would, in
 * the current root; malloc'd absolute path.  Error names what was searched. */
int ocirt_process_find_exec (const oci_process *p, char **out, ocirt_error_t *err);
struct ocirt_seccomp;
/* The privileges of the container process, shared by create's init and exec: seccomp first
 * without no_new_privs (the filter then needs CAP_SYS_ADMIN), the bounding set, user and
 * groups (setgroups only where the user namespace allows it), the other capability sets, the
 * cwd check and no_new_privs.  `sc` may be NULL. */
int ocirt_process_drop_privileges (const oci_process *p, struct ocirt_seccomp *sc, bool in_userns,
                                   ocirt_error_t *err);
/* Then, as close to execve as possible: seccomp under no_new_privs (none otherwise). */
int ocirt_process_seccomp_last (const oci_process *p, struct ocirt_seccomp *sc, ocirt_error_t *err);
/* chdir(process.cwd) and check the result is inside the root (no /proc/self/fd escape). */
int ocirt_process_chdir (const oci_process *p, ocirt_error_t *err);
/* Before READY, as root after pivot: create a missing process.cwd; fail if it's no directory. */
int ocirt_process_prepare_cwd (const oci_process *p, ocirt_error_t *err);
/* Just before execve: process.execCPUAffinity.final, if set. */
/* clone3 like fork (0 in the child), with `flags` (CLONE_NEW*...) and SIGCHLD; CLONE_PIDFD into
 * *pidfd unless pidfd is NULL; with cgroup_fd >= 0, CLONE_INTO_CGROUP into that directory.
 * Kernels without clone3 get clone(2) (then cgroup_fd must be -1). */
pid_t ocirt_clone3 (uint64_t flags, int cgroup_fd, int *pidfd);
/* After ocirt_clone3 failed with cgroup_fd: true when the kernel refused CLONE_INTO_CGROUP
 * itself (before 5.7), so cloning without it and joining afterwards is the way. */
bool ocirt_clone3_no_cgroup_flag (int cgroup_fd);
int ocirt_process_apply_final_affinity (const oci_process *p, ocirt_error_t *err);

#endif
