/* ocirt: safe access to /proc.  The container's rootfs may plant symlinks or bind mounts over
 * /proc files (CVE-2019-16884, CVE-2025-52881), so every /proc write goes through an fd whose
 * filesystem is verified to be procfs. */
#ifndef OCIRT_PROCFS_H
#define OCIRT_PROCFS_H

#include "error.h"

/* Open /proc/<rel> (rel like "self/attr/exec", "sys/net/ipv4/ip_forward") without following
 * symlinks in the path, and check that both /proc and the opened file are on procfs. */
int ocirt_procfs_open (const char *rel, int flags, ocirt_error_t *err);
/* Write `data` with one write(2) to /proc/<rel>. */
int ocirt_procfs_write (const char *rel, const char *data, ocirt_error_t *err);
/* Forget the cached /proc fd (call after mounting a new /proc or pivot_root). */
void ocirt_procfs_reset (void);

#endif
