/* libocispec: the table-driven parser and free functions (see ocispec_internal.h).  Every
 * error names the JSON path ("linux.namespaces[1].type") and stops the parse; whatever was
 * built so far is owned by the output struct, so one free function covers every error path. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocispec_internal.h"

/* ---- path and errors ---------------------------------------------------------------------- */

static void
path_append (pctx *c, const char *s, size_t l)
{
  if (c->path_len + l + 1 > c->path_cap)
    {
      c->path_cap = (c->path_len + l + 1) * 2;
      c->path = ocispec_xrealloc (c->path, c->path_cap);
    }
  memcpy (c->path + c->path_len, s, l);
  c->path_len += l;
  c->path[c->path_len] = '\0';
}

/* Each push returns the previous length, to be passed to path_pop. */
static size_t
path_push_key (pctx *c, const char *key)
{
  size_t mark = c->path_len;
  if (c->path_len > 0)
    path_append (c, ".", 1);
  path_append (c, key, strlen (key));
  return mark;
}

static size_t
path_push_index (pctx *c, size_t i)
{
  char buf[32];
  size_t mark = c->path_len;
  int n = snprintf (buf, sizeof (buf), "[%zu]", i);
  path_append (c, buf, (size_t) n);
  return mark;
}

static void
path_pop (pctx *c, size_t mark)
{
  c->path_len = mark;
  if (c->path)
    c->path[mark] = '\0';
}

int
ocispec_error (pctx *c, const char *key, const char *fmt, ...)
{
  char *msg;
  size_t mark = c->path_len;
  va_list ap;

  if (c->err)
    return -1;
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    ocispec_oom ();
  va_end (ap);
  if (key)
    path_push_key (c, key);
  if (c->path_len > 0)
    c->err = ocispec_xasprintf ("%s: %s: %s", c->name, c->path, msg);
  else
    c->err = ocispec_xasprintf ("%s: %s", c->name, msg);
  path_pop (c, mark);
  free (msg);
  return -1;
}

static int
type_error (pctx *c, const char *expected, const oj_node *n)
{
  return ocispec_error (c, NULL, "expected %s, got %s", expected, ocispec_json_type_desc (n));
}

/* ---- scalars ------------------------------------------------------------------------------ */

static int
parse_string (pctx *c, const oj_node *n, char **out)
{
  if (n->type != OJ_STRING)
    return type_error (c, "a string", n);
  if (memchr (n->s, '\0', n->slen))
    return ocispec_error (c, NULL, "contains a NUL byte");
  *out = ocispec_xstrndup (n->s, n->slen);
  return 0;
}

/* An integer in [min, max]; the result is returned as sign and magnitude. */
static int
parse_integer (pctx *c, const oj_node *n, int64_t min, uint64_t max, bool *neg, uint64_t *mag)
{
  bool ok;
  if (n->type != OJ_NUMBER || !n->is_int)
    return type_error (c, "an integer", n);
  if (n->int_overflow)
    ok = false;
  else if (n->neg)
    ok = min < 0 && n->mag - 1 <= (uint64_t) (-(min + 1));
  else
    ok = n->mag <= max && (min <= 0 || n->mag >= (uint64_t) min);
  if (!ok)
    return ocispec_error (c, NULL, "expected an integer in %lld..%llu, got %.64s", (long long) min,
                          (unsigned long long) max, n->s);
  *neg = n->neg;
  *mag = n->mag;
  return 0;
}

static int
parse_number_field (pctx *c, const field *f, const oj_node *n, char *p)
{
  int64_t min = 0;
  uint64_t max = 0;
  bool neg = false;
  uint64_t mag = 0;
  int64_t sv;

  switch (f->kind)
    {
    case K_I64:
      min = INT64_MIN;
      max = INT64_MAX;
      break;
    case K_I32:
      min = INT32_MIN;
      max = INT32_MAX;
      break;
    case K_U64:
      max = UINT64_MAX;
      break;
    case K_U32:
      max = UINT32_MAX;
      break;
    case K_U16:
      max = UINT16_MAX;
      break;
    default:
      abort ();
    }
  if (f->flags & F_POS)
    min = 1;
  if (parse_integer (c, n, min, max, &neg, &mag) < 0)
    return -1;
  sv = neg ? -(int64_t) (mag - 1) - 1 : (int64_t) mag;
  switch (f->kind)
    {
    case K_I64:
      *(int64_t *) p = sv;
      break;
    case K_I32:
      *(int32_t *) p = (int32_t) sv;
      break;
    case K_U64:
      *(uint64_t *) p = mag;
      break;
    case K_U32:
      *(uint32_t *) p = (uint32_t) mag;
      break;
    default:
      *(uint16_t *) p = (uint16_t) mag;
      break;
    }
  return 0;
}

/* ---- containers --------------------------------------------------------------------------- */

static int
parse_strv (pctx *c, const oj_node *n, char ***out, size_t *len)
{
  size_t i, mark;
  char **v;
  if (n->type != OJ_ARRAY)
    return type_error (c, "an array", n);
  v = ocispec_xmalloc0 ((n->len + 1) * sizeof (char *));
  *out = v;
  *len = n->len;
  for (i = 0; i < n->len; i++)
    {
      mark = path_push_index (c, i);
      if (parse_string (c, n->items[i], &v[i]) < 0)
        return -1;
      path_pop (c, mark);
    }
  return 0;
}

static int
parse_u32v (pctx *c, const oj_node *n, uint32_t **out, size_t *len)
{
  static const field elem = { NULL, K_U32, 0, 0, NO_AUX, NULL };
  size_t i, mark;
  uint32_t *v;
  if (n->type != OJ_ARRAY)
    return type_error (c, "an array", n);
  v = ocispec_xmalloc0 (n->len * sizeof (uint32_t));
  *out = v;
  *len = n->len;
  for (i = 0; i < n->len; i++)
    {
      mark = path_push_index (c, i);
      if (parse_number_field (c, &elem, n->items[i], (char *) &v[i]) < 0)
        return -1;
      path_pop (c, mark);
    }
  return 0;
}

static int
parse_map (pctx *c, const oj_node *n, oci_map *m)
{
  size_t i, mark;
  if (n->type != OJ_OBJECT)
    return type_error (c, "an object", n);
  m->items = ocispec_xmalloc0 (n->len * sizeof (oci_kv));
  m->len = n->len;
  for (i = 0; i < n->len; i++)
    {
      m->items[i].key = ocispec_xstrdup (n->keys[i]);
      mark = path_push_key (c, n->keys[i]);
      if (parse_string (c, n->items[i], &m->items[i].value) < 0)
        return -1;
      path_pop (c, mark);
    }
  return 0;
}

static int
parse_array (pctx *c, const field *f, const oj_node *n, char *base)
{
  const desc *d = f->sub;
  bool keyed = f->kind == K_KEYED;
  size_t i, mark;
  char *v;

  if (n->type != (keyed ? OJ_OBJECT : OJ_ARRAY))
    return type_error (c, keyed ? "an object" : "an array", n);
  v = ocispec_xmalloc0 (n->len * d->size);
  *(void **) (base + f->off) = v;
  *(size_t *) (base + f->aux) = n->len;
  for (i = 0; i < n->len; i++)
    {
      char *elem = v + i * d->size;
      if (keyed)
        {
          *(char **) (elem + d->key_off) = ocispec_xstrdup (n->keys[i]);
          mark = path_push_key (c, n->keys[i]);
        }
      else
        mark = path_push_index (c, i);
      if (ocispec_parse_fields (c, d, n->items[i], elem) < 0)
        return -1;
      path_pop (c, mark);
    }
  return 0;
}

static int
parse_value (pctx *c, const field *f, const oj_node *n, char *base)
{
  char *p = base + f->off;

  switch (f->kind)
    {
    case K_STR:
      return parse_string (c, n, (char **) p);
    case K_BOOL:
      if (n->type != OJ_BOOL)
        return type_error (c, "a boolean", n);
      *(bool *) p = n->b;
      break;
    case K_I64:
    case K_I32:
    case K_U64:
    case K_U32:
    case K_U16:
      if (parse_number_field (c, f, n, p) < 0)
        return -1;
      break;
    case K_STRV:
      return parse_strv (c, n, (char ***) p, (size_t *) (base + f->aux));
    case K_U32V:
      return parse_u32v (c, n, (uint32_t **) p, (size_t *) (base + f->aux));
    case K_MAP:
      return parse_map (c, n, (oci_map *) p);
    case K_OBJ:
      *(void **) p = ocispec_xmalloc0 (f->sub->size);
      return ocispec_parse_fields (c, f->sub, n, *(void **) p);
    case K_EMBED:
      if (ocispec_parse_fields (c, f->sub, n, p) < 0)
        return -1;
      break;
    case K_INLINE:
      /* The sub-table's offsets are relative to this struct, not to a member. */
      if (ocispec_parse_fields (c, f->sub, n, base) < 0)
        return -1;
      return 0;
    case K_ARR:
    case K_KEYED:
      return parse_array (c, f, n, base);
    }
  if (f->aux != NO_AUX)
    *(bool *) (base + f->aux) = true;
  return 0;
}

int
ocispec_parse_fields (pctx *c, const desc *d, const oj_node *obj, void *out)
{
  size_t i, mark;

  if (obj->type != OJ_OBJECT)
    return type_error (c, "an object", obj);
  for (i = 0; i < d->n_fields; i++)
    {
      const field *f = &d->fields[i];
      const oj_node *n = ocispec_json_member (obj, f->key);
      /* null is the same as absent */
      if (n == NULL || n->type == OJ_NULL)
        {
          if (f->flags & F_REQ)
            return ocispec_error (c, f->key, "required");
          continue;
        }
      mark = path_push_key (c, f->key);
      if (parse_value (c, f, n, out) < 0)
        return -1;
      path_pop (c, mark);
    }
  if (d->check)
    return d->check (c, obj, out);
  return 0;
}

/* ---- free --------------------------------------------------------------------------------- */

void
ocispec_free_fields (const desc *d, void *obj)
{
  char *base = obj;
  size_t i, j;

  for (i = 0; i < d->n_fields; i++)
    {
      const field *f = &d->fields[i];
      char *p = base + f->off;
      switch (f->kind)
        {
        case K_STR:
        case K_U32V:
          free (*(void **) p);
          break;
        case K_STRV:
          {
            char **v = *(char ***) p;
            for (j = 0; v && j < *(size_t *) (base + f->aux); j++)
              free (v[j]);
            free (v);
            break;
          }
        case K_MAP:
          {
            oci_map *m = (oci_map *) p;
            for (j = 0; j < m->len; j++)
              {
                free (m->items[j].key);
                free (m->items[j].value);
              }
            free (m->items);
            break;
          }
        case K_OBJ:
          if (*(void **) p)
            ocispec_free_fields (f->sub, *(void **) p);
          free (*(void **) p);
          break;
        case K_EMBED:
          ocispec_free_fields (f->sub, p);
          break;
        case K_INLINE:
          ocispec_free_fields (f->sub, base);
          break;
        case K_ARR:
        case K_KEYED:
          {
            char *v = *(char **) p;
            size_t n = *(size_t *) (base + f->aux);
            for (j = 0; v && j < n; j++)
              {
                ocispec_free_fields (f->sub, v + j * f->sub->size);
                if (f->kind == K_KEYED)
                  free (*(char **) (v + j * f->sub->size + f->sub->key_off));
              }
            free (v);
            break;
          }
        default:
          break;
        }
    }
}

void
ocispec_free_document (const desc *d, void *obj)
{
  if (obj == NULL)
    return;
  ocispec_free_fields (d, obj);
  free (obj);
}

/* ---- documents ---------------------------------------------------------------------------- */

void *
ocispec_parse_document (const char *name, const char *data, size_t len, const desc *d, char **err)
{
  pctx c = { .name = name ? name : "JSON" };
  char *jerr = NULL;
  oj_node *root;
  void *out;

  *err = NULL;
  root = ocispec_json_parse (data, len, &jerr);
  if (root == NULL)
    {
      *err = ocispec_xasprintf ("%s: %s", c.name, jerr);
      free (jerr);
      return NULL;
    }
  out = ocispec_xmalloc0 (d->size);
  if (ocispec_parse_fields (&c, d, root, out) < 0)
    {
      ocispec_free_document (d, out);
      out = NULL;
      *err = c.err;
    }
  ocispec_json_free (root);
  free (c.path);
  return out;
}

void *
ocispec_parse_file (const char *path, const desc *d, char **err)
{
  FILE *f = fopen (path, "re");
  char *data = NULL;
  size_t len = 0, cap = 0, n;
  void *r;

  *err = NULL;
  if (f == NULL)
    {
      *err = ocispec_xasprintf ("%s: cannot open: %s", path, strerror (errno));
      return NULL;
    }
  do
    {
      if (cap - len < 65536)
        {
          cap = cap ? cap * 2 : 65536;
          data = ocispec_xrealloc (data, cap);
        }
      n = fread (data + len, 1, cap - len, f);
      len += n;
    }
  while (n > 0);
  if (ferror (f))
    {
      *err = ocispec_xasprintf ("%s: cannot read: %s", path, strerror (errno));
      fclose (f);
      free (data);
      return NULL;
    }
  fclose (f);
  r = ocispec_parse_document (path, data, len, d, err);
  free (data);
  return r;
}
