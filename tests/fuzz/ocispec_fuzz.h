/* Shared body of the libocispec fuzz targets: parse, generate, re-parse the generated text
 * (which must succeed and generate the same text), free. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocispec.h"

#define OCISPEC_FUZZ_TARGET(type, parse, generate, free_fn)                                  \
  int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);                            \
  int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)                             \
  {                                                                                         \
    char *err = NULL, *g, *g2;                                                              \
    type *x = parse ("fuzz.json", (const char *) data, size, &err), *y;                     \
    if (x == NULL)                                                                          \
      {                                                                                     \
        if (err == NULL)                                                                    \
          abort (); /* every failure must say why */                                        \
        free (err);                                                                         \
        return 0;                                                                           \
      }                                                                                     \
    g = generate (x, size & 1);                                                             \
    if (g == NULL)                                                                          \
      abort ();                                                                             \
    y = parse ("generated.json", g, strlen (g), &err);                                      \
    if (y == NULL)                                                                          \
      {                                                                                     \
        fprintf (stderr, "re-parse failed: %s\n%s\n", err, g);                              \
        abort ();                                                                           \
      }                                                                                     \
    g2 = generate (y, size & 1);                                                            \
    if (g2 == NULL || strcmp (g, g2) != 0)                                                  \
      {                                                                                     \
        fprintf (stderr, "round-trip differs:\n%s\n%s\n", g, g2 ? g2 : "(null)");           \
        abort ();                                                                           \
      }                                                                                     \
    free (g);                                                                               \
    free (g2);                                                                              \
    free_fn (y);                                                                            \
    free_fn (x);                                                                            \
    return 0;                                                                               \
  }
