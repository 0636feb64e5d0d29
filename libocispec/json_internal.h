/* libocispec internals: a small JSON tree built from yajl's streaming parser, plus the
 * allocation helpers shared by the libocispec sources.  Only json.c includes yajl. */
#ifndef OCISPEC_JSON_INTERNAL_H
#define OCISPEC_JSON_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

typedef enum
{
  OJ_NULL,
  OJ_BOOL,
  OJ_NUMBER,
  OJ_STRING,
  OJ_ARRAY,
  OJ_OBJECT,
} oj_type;

typedef struct oj_node oj_node;
struct oj_node
{
  oj_type type;
  bool b;
  /* OJ_STRING: the value (may contain NUL: see slen).  OJ_NUMBER: the raw number text, so
   * the typed layer can range-check integers exactly and quote them in messages. */
  char *s;
  size_t slen;
  /* OJ_NUMBER with integer syntax: sign and magnitude; int_overflow when |v| >= 2^64. */
  bool is_int;
  bool neg;
  bool int_overflow;
  uint64_t mag;
  /* OJ_ARRAY / OJ_OBJECT (keys only for objects, in file order, unique: last value wins). */
  oj_node **items;
  char **keys;
  size_t len;
  size_t cap;
};

/* Parse a complete JSON text.  On error returns NULL and sets *err (malloc'd) to
 * "line L, column C: invalid JSON: ...". */
oj_node *ocispec_json_parse (const char *data, size_t len, char **err);
void ocispec_json_free (oj_node *n);
/* Member of an object, NULL when absent or when `obj` is not an object. */
const oj_node *ocispec_json_member (const oj_node *obj, const char *key);
/* "a string", "an integer"... as used in "expected X, got Y". */
const char *ocispec_json_type_desc (const oj_node *n);

/* Allocation aborts: the callers cannot do anything useful without memory. */
void ocispec_oom (void) __attribute__ ((noreturn));
void *ocispec_xmalloc0 (size_t size);
void *ocispec_xrealloc (void *p, size_t size);
char *ocispec_xstrdup (const char *s);
char *ocispec_xstrndup (const char *s, size_t n);
char *ocispec_xasprintf (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

static inline void
ocispec_cleanup_freep (void *p)
{
  free (*(void **) p);
}
#define ocispec_cleanup_free __attribute__ ((cleanup (ocispec_cleanup_freep)))

#endif
