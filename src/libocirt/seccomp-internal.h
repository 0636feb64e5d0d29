/* ocirt: shared between seccomp.c, seccomp-cache.c and seccomp-notify.c. */
#ifndef OCIRT_SECCOMP_INTERNAL_H
#define OCIRT_SECCOMP_INTERNAL_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>

#include "seccomp.h"

struct ocirt_seccomp
{
  struct sock_filter *bpf;
  size_t bpf_len;     /* instructions */
  unsigned int flags; /* SECCOMP_FILTER_FLAG_* requested by the profile */
  bool notify;        /* some rule uses SCMP_ACT_NOTIFY */
  bool cached;        /* bpf came from the cache, libseccomp was not called */
};

/* Cache key: hex SHA-256 of a canonical serialization of everything that shapes the program
 * (profile, libseccomp version and API level, native arch).  malloc'd. */
char *ocirt_seccomp_cache_key (const oci_seccomp *s);
/* 1 and *bpf and *len set on a valid hit, 0 otherwise (an unusable dir or file is only logged). */
int ocirt_seccomp_cache_load (const char *cache_dir, const char *key, struct sock_filter **bpf,
                              size_t *len);
/* Best effort: failures are logged at debug level, the caller has the program anyway. */
void ocirt_seccomp_cache_store (const char *cache_dir, const char *key, const struct sock_filter *bpf,
                                size_t len);

#endif
