/* libocispec internals: every document struct is described once by a table of fields
 * (JSON key, kind, offsets).  One generic engine parses (parse.c), generates (generate.c) and
 * frees from those tables, so the three can never disagree. */
#ifndef OCISPEC_INTERNAL_H
#define OCISPEC_INTERNAL_H

#include <stddef.h>

#include "json_internal.h"
#include "ocispec.h"

typedef enum
{
  K_STR,    /* char * */
  K_BOOL,   /* bool */
  K_I64,    /* int64_t */
  K_I32,    /* int32_t */
  K_U64,    /* uint64_t */
  K_U32,    /* uint32_t */
  K_U16,    /* uint16_t */
  K_STRV,   /* char **, aux = size_t len; NULL-terminated */
  K_U32V,   /* uint32_t *, aux = size_t len */
  K_MAP,    /* oci_map (string -> string) */
  K_OBJ,    /* T * (sub) */
  K_EMBED,  /* T embedded (sub), aux = bool has (optional) */
  K_INLINE, /* a JSON object whose fields (sub) live in this same struct, aux = bool has */
  K_ARR,    /* T * (sub), aux = size_t len */
  K_KEYED,  /* JSON object of objects -> T * (sub, key stored at sub->key_off), aux = len */
} field_kind;

#define NO_AUX ((size_t) -1)

/* field flags */
#define F_REQ 1u     /* required */
#define F_POS 2u     /* integer must be > 0 */

typedef struct desc desc;
typedef struct pctx pctx;

typedef struct
{
  const char *key;
  field_kind kind;
  unsigned flags;
  size_t off;
  size_t aux; /* has-flag or length offset, NO_AUX when none */
  const desc *sub;
} field;

struct desc
{
  size_t size;
  const field *fields;
  size_t n_fields;
  size_t key_off; /* K_KEYED elements: where the map key goes */
  /* Extra validation after the fields were parsed; `obj` is the JSON object. */
  int (*check) (pctx *c, const oj_node *obj, void *out);
};

#define DESC(T, table) { sizeof (T), table, sizeof (table) / sizeof ((table)[0]), NO_AUX, NULL }

/* Table entry helpers: T is the C struct, f the member. */
#define FLD(k, kind, fl, T, f, aux, sub) { k, kind, fl, offsetof (T, f), aux, sub }
#define STR(k, T, f, fl) FLD (k, K_STR, fl, T, f, NO_AUX, NULL)
#define BOOL(k, T, f) FLD (k, K_BOOL, 0, T, f, NO_AUX, NULL)
#define BOOLH(k, T, f) FLD (k, K_BOOL, 0, T, f, offsetof (T, has_##f), NULL)
#define NUM(k, kind, T, f, fl) FLD (k, kind, fl, T, f, NO_AUX, NULL)
#define NUMH(k, kind, T, f) FLD (k, kind, 0, T, f, offsetof (T, has_##f), NULL)
#define STRV(k, T, f, fl) FLD (k, K_STRV, fl, T, f, offsetof (T, f##_len), NULL)
#define MAP(k, T, f) FLD (k, K_MAP, 0, T, f, NO_AUX, NULL)
#define OBJ(k, T, f, sub) FLD (k, K_OBJ, 0, T, f, NO_AUX, sub)
#define ARR(k, T, f, sub, fl) FLD (k, K_ARR, fl, T, f, offsetof (T, f##_len), sub)
#define KEYED(k, T, f, sub) FLD (k, K_KEYED, 0, T, f, offsetof (T, f##_len), sub)

/* Parsing context: file name, current JSON path and the first error. */
struct pctx
{
  const char *name;
  char *path;
  size_t path_len;
  size_t path_cap;
  char *err;
};

/* parse.c */
int ocispec_parse_fields (pctx *c, const desc *d, const oj_node *obj, void *out);
void ocispec_free_fields (const desc *d, void *obj);
void *ocispec_parse_document (const char *name, const char *data, size_t len, const desc *d,
                              char **err);
void *ocispec_parse_file (const char *path, const desc *d, char **err);
void ocispec_free_document (const desc *d, void *obj);
/* Error at the current path (+ optional child key); always returns -1. */
int ocispec_error (pctx *c, const char *key, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* generate.c */
char *ocispec_generate_document (const desc *d, const void *obj, bool pretty);

/* config.c: the document tables */
extern const desc ocispec_config_desc;
extern const desc ocispec_process_desc;
extern const desc ocispec_resources_desc;
extern const desc ocispec_state_desc;
extern const desc ocirt_status_desc;

#endif
