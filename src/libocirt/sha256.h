/* ocirt: SHA-256 (FIPS 180-4), used to name cached seccomp programs.  Small enough to carry
 * ourselves instead of depending on a crypto library for one digest. */
#ifndef OCIRT_SHA256_H
#define OCIRT_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define OCIRT_SHA256_LEN 32

typedef struct
{
  uint32_t h[8];
  uint64_t total; /* bytes hashed so far */
  uint8_t buf[64];
  size_t used; /* bytes pending in buf */
} ocirt_sha256_ctx;

void ocirt_sha256_init (ocirt_sha256_ctx *c);
void ocirt_sha256_update (ocirt_sha256_ctx *c, const void *data, size_t len);
void ocirt_sha256_final (ocirt_sha256_ctx *c, uint8_t out[OCIRT_SHA256_LEN]);
/* One-shot digest as 64 lowercase hex chars + NUL. */
void ocirt_sha256_hex (const void *data, size_t len, char out[2 * OCIRT_SHA256_LEN + 1]);

#endif
