/* libocispec: the table-driven generator.  It writes every field that is present (absent
 * optionals are omitted) in table order, so parse (generate (x)) == x. */
#include <string.h>

#include "ocispec_internal.h"

static void gen_fields (ocispec_jw *w, const desc *d, const char *base);

static bool
has_flag (const field *f, const char *base)
{
  return f->aux == NO_AUX || *(const bool *) (base + f->aux);
}

static bool
present (const field *f, const char *base)
{
  const char *p = base + f->off;
  switch (f->kind)
    {
    case K_STR:
    case K_STRV:
    case K_U32V:
    case K_OBJ:
    case K_ARR:
    case K_KEYED:
      return *(void *const *) p != NULL;
    case K_MAP:
      return ((const oci_map *) p)->items != NULL;
    case K_INLINE:
      return *(const bool *) (base + f->aux);
    case K_EMBED:
    case K_BOOL:
    case K_I64:
    case K_I32:
    case K_U64:
    case K_U32:
    case K_U16:
      return has_flag (f, base);
    }
  return false;
}

static void
gen_array (ocispec_jw *w, const field *f, const char *base)
{
  const desc *d = f->sub;
  const char *v = *(char *const *) (base + f->off);
  size_t n = *(const size_t *) (base + f->aux), i;

  if (f->kind == K_KEYED)
    ocispec_jw_begin_map (w);
  else
    ocispec_jw_begin_array (w);
  for (i = 0; i < n; i++)
    {
      const char *elem = v + i * d->size;
      if (f->kind == K_KEYED)
        ocispec_jw_key (w, *(char *const *) (elem + d->key_off));
      gen_fields (w, d, elem);
    }
  if (f->kind == K_KEYED)
    ocispec_jw_end_map (w);
  else
    ocispec_jw_end_array (w);
}

static void
gen_value (ocispec_jw *w, const field *f, const char *base)
{
  const char *p = base + f->off;
  size_t i;

  switch (f->kind)
    {
    case K_STR:
      ocispec_jw_string (w, *(char *const *) p);
      break;
    case K_BOOL:
      ocispec_jw_bool (w, *(const bool *) p);
      break;
    case K_I64:
      ocispec_jw_int (w, *(const int64_t *) p);
      break;
    case K_I32:
      ocispec_jw_int (w, *(const int32_t *) p);
      break;
    case K_U64:
      ocispec_jw_uint (w, *(const uint64_t *) p);
      break;
    case K_U32:
      ocispec_jw_uint (w, *(const uint32_t *) p);
      break;
    case K_U16:
      ocispec_jw_uint (w, *(const uint16_t *) p);
      break;
    case K_STRV:
      ocispec_jw_strv (w, *(char **const *) p, *(const size_t *) (base + f->aux));
      break;
    case K_U32V:
      ocispec_jw_begin_array (w);
      for (i = 0; i < *(const size_t *) (base + f->aux); i++)
        ocispec_jw_uint (w, (*(uint32_t *const *) p)[i]);
      ocispec_jw_end_array (w);
      break;
    case K_MAP:
      {
        const oci_map *m = (const oci_map *) p;
        ocispec_jw_begin_map (w);
        for (i = 0; i < m->len; i++)
          {
            ocispec_jw_key (w, m->items[i].key);
            ocispec_jw_string (w, m->items[i].value);
          }
        ocispec_jw_end_map (w);
        break;
      }
    case K_OBJ:
      gen_fields (w, f->sub, *(char *const *) p);
      break;
    case K_EMBED:
      gen_fields (w, f->sub, p);
      break;
    case K_INLINE:
      gen_fields (w, f->sub, base);
      break;
    case K_ARR:
    case K_KEYED:
      gen_array (w, f, base);
      break;
    }
}

static void
gen_fields (ocispec_jw *w, const desc *d, const char *base)
{
  size_t i;
  ocispec_jw_begin_map (w);
  for (i = 0; i < d->n_fields; i++)
    {
      const field *f = &d->fields[i];
      if (!present (f, base))
        continue;
      ocispec_jw_key (w, f->key);
      gen_value (w, f, base);
    }
  ocispec_jw_end_map (w);
}

char *
ocispec_generate_document (const desc *d, const void *obj, bool pretty)
{
  ocispec_jw *w;
  if (obj == NULL)
    return NULL;
  w = ocispec_jw_new (pretty);
  gen_fields (w, d, obj);
  return ocispec_jw_finish (w, NULL);
}
