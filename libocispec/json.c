/* libocispec: the only file that talks to yajl.  Reading builds a small tree (so the typed
 * layer can report paths and check integer ranges exactly); writing wraps yajl_gen. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

#include "json_internal.h"
#include "ocispec.h"

/* Deeper documents are nonsense for OCI and would make the recursive free blow the stack. */
#define MAX_DEPTH 256

/* ---- allocation --------------------------------------------------------------------------- */

void
ocispec_oom (void)
{
  fputs ("libocispec: out of memory\n", stderr);
  abort ();
}

void *
ocispec_xmalloc0 (size_t size)
{
  void *p = calloc (1, size ? size : 1);
  if (p == NULL)
    ocispec_oom ();
  return p;
}

void *
ocispec_xrealloc (void *p, size_t size)
{
  p = realloc (p, size ? size : 1);
  if (p == NULL)
    ocispec_oom ();
  return p;
}

char *
ocispec_xstrndup (const char *s, size_t n)
{
  char *r = malloc (n + 1);
  if (r == NULL)
    ocispec_oom ();
  memcpy (r, s, n);
  r[n] = '\0';
  return r;
}

char *
ocispec_xstrdup (const char *s)
{
  return ocispec_xstrndup (s, strlen (s));
}

char *
ocispec_xasprintf (const char *fmt, ...)
{
  char *r;
  va_list ap;
  va_start (ap, fmt);
  if (vasprintf (&r, fmt, ap) < 0)
    ocispec_oom ();
  va_end (ap);
  return r;
}

/* ---- tree --------------------------------------------------------------------------------- */

void
ocispec_json_free (oj_node *n)
{
  size_t i;
  if (n == NULL)
    return;
  for (i = 0; i < n->len; i++)
    {
      ocispec_json_free (n->items[i]);
      if (n->keys)
        free (n->keys[i]);
    }
  free (n->items);
  free (n->keys);
  free (n->s);
  free (n);
}

const oj_node *
ocispec_json_member (const oj_node *obj, const char *key)
{
  size_t i;
  if (obj == NULL || obj->type != OJ_OBJECT)
    return NULL;
  for (i = 0; i < obj->len; i++)
    if (strcmp (obj->keys[i], key) == 0)
      return obj->items[i];
  return NULL;
}

const char *
ocispec_json_type_desc (const oj_node *n)
{
  switch (n->type)
    {
    case OJ_NULL:
      return "null";
    case OJ_BOOL:
      return "a boolean";
    case OJ_NUMBER:
      return "a number";
    case OJ_STRING:
      return "a string";
    case OJ_ARRAY:
      return "an array";
    case OJ_OBJECT:
      return "an object";
    }
  return "?";
}

typedef struct
{
  oj_node *root;
  oj_node *stack[MAX_DEPTH];
  size_t depth;
  char *key; /* pending key of the innermost object */
  const char *cancel_reason;
} builder;

static int
add_node (builder *b, oj_node *n)
{
  oj_node *top;
  size_t i;

  if (b->depth == 0)
    {
      b->root = n;
      return 1;
    }
  top = b->stack[b->depth - 1];
  if (top->type == OJ_OBJECT)
    {
      /* Duplicate keys: the last one wins, at the first one's position. */
      for (i = 0; i < top->len; i++)
        if (strcmp (top->keys[i], b->key) == 0)
          {
            ocispec_json_free (top->items[i]);
            top->items[i] = n;
            free (b->key);
            b->key = NULL;
            return 1;
          }
    }
  if (top->len == top->cap)
    {
      top->cap = top->cap ? top->cap * 2 : 4;
      top->items = ocispec_xrealloc (top->items, top->cap * sizeof (*top->items));
      if (top->type == OJ_OBJECT)
        top->keys = ocispec_xrealloc (top->keys, top->cap * sizeof (*top->keys));
    }
  if (top->type == OJ_OBJECT)
    {
      top->keys[top->len] = b->key;
      b->key = NULL;
    }
  top->items[top->len++] = n;
  return 1;
}

static oj_node *
new_node (oj_type t)
{
  oj_node *n = ocispec_xmalloc0 (sizeof (*n));
  n->type = t;
  return n;
}

static int
cb_null (void *ctx)
{
  return add_node (ctx, new_node (OJ_NULL));
}

static int
cb_bool (void *ctx, int v)
{
  oj_node *n = new_node (OJ_BOOL);
  n->b = v != 0;
  return add_node (ctx, n);
}

static int
cb_number (void *ctx, const char *s, size_t len)
{
  oj_node *n = new_node (OJ_NUMBER);
  const char *digits;

  n->s = ocispec_xstrndup (s, len);
  n->slen = len;
  n->is_int = strpbrk (n->s, ".eE") == NULL;
  if (n->is_int)
    {
      n->neg = n->s[0] == '-';
      digits = n->s + (n->neg ? 1 : 0);
      errno = 0;
      n->mag = strtoull (digits, NULL, 10);
      n->int_overflow = errno == ERANGE;
      if (n->mag == 0)
        n->neg = false; /* -0 is 0 */
    }
  return add_node (ctx, n);
}

static int
cb_string (void *ctx, const unsigned char *s, size_t len)
{
  oj_node *n = new_node (OJ_STRING);
  n->s = ocispec_xstrndup ((const char *) s, len);
  n->slen = len;
  return add_node (ctx, n);
}

static int
cb_map_key (void *ctx, const unsigned char *s, size_t len)
{
  builder *b = ctx;
  if (memchr (s, '\0', len))
    {
      b->cancel_reason = "object key contains a NUL byte";
      return 0;
    }
  free (b->key);
  b->key = ocispec_xstrndup ((const char *) s, len);
  return 1;
}

static int
open_container (builder *b, oj_type t)
{
  oj_node *n;
  if (b->depth == MAX_DEPTH)
    {
      b->cancel_reason = "nesting too deep";
      return 0;
    }
  n = new_node (t);
  add_node (b, n);
  b->stack[b->depth++] = n;
  return 1;
}

static int
cb_start_map (void *ctx)
{
  return open_container (ctx, OJ_OBJECT);
}

static int
cb_start_array (void *ctx)
{
  return open_container (ctx, OJ_ARRAY);
}

static int
cb_end (void *ctx)
{
  builder *b = ctx;
  b->depth--;
  return 1;
}

static const yajl_callbacks callbacks = {
  .yajl_null = cb_null,
  .yajl_boolean = cb_bool,
  .yajl_number = cb_number,
  .yajl_string = cb_string,
  .yajl_start_map = cb_start_map,
  .yajl_map_key = cb_map_key,
  .yajl_end_map = cb_end,
  .yajl_start_array = cb_start_array,
  .yajl_end_array = cb_end,
};

/* "line L, column C" of byte offset `off` (both 1-based; columns count bytes). */
static char *
location_error (const char *data, size_t len, size_t off, const char *msg)
{
  size_t i, line = 1, line_start = 0;
  if (off > len)
    off = len;
  for (i = 0; i < off; i++)
    if (data[i] == '\n')
      {
        line++;
        line_start = i + 1;
      }
  return ocispec_xasprintf ("line %zu, column %zu: invalid JSON: %s", line, off - line_start + 1, msg);
}

oj_node *
ocispec_json_parse (const char *data, size_t len, char **err)
{
  builder b = { 0 };
  yajl_handle h;
  yajl_status st;
  size_t off;

  *err = NULL;
  h = yajl_alloc (&callbacks, NULL, &b);
  if (h == NULL)
    ocispec_oom ();
  st = yajl_parse (h, (const unsigned char *) data, len);
  /* yajl stops just after the offending byte; at end of input, point just past it. */
  off = yajl_get_bytes_consumed (h);
  off = off ? off - 1 : 0;
  if (st == yajl_status_ok)
    {
      st = yajl_complete_parse (h);
      off = len;
    }
  if (st != yajl_status_ok)
    {
      if (b.cancel_reason)
        *err = location_error (data, len, off, b.cancel_reason);
      else
        {
          unsigned char *m = yajl_get_error (h, 0, NULL, 0);
          char *msg = ocispec_xstrdup (m ? (const char *) m : "syntax error");
          size_t l = strlen (msg);
          while (l > 0 && (msg[l - 1] == '\n' || msg[l - 1] == ' '))
            msg[--l] = '\0';
          if (m)
            yajl_free_error (h, m);
          *err = location_error (data, len, off, msg);
          free (msg);
        }
      free (b.key);
      ocispec_json_free (b.root);
      yajl_free (h);
      return NULL;
    }
  yajl_free (h);
  free (b.key);
  return b.root;
}

/* ---- ocispec_json_get_scalar -------------------------------------------------------------- */

char *
ocispec_json_get_scalar (const char *data, size_t len, const char *path)
{
  char *err = NULL;
  oj_node *root = ocispec_json_parse (data, len, &err);
  const oj_node *n = root;
  char *r = NULL;
  const char *p = path;

  free (err);
  if (root == NULL)
    return NULL;
  while (n && *p)
    {
      const char *dot = strchr (p, '.');
      size_t l = dot ? (size_t) (dot - p) : strlen (p);
      char *key = ocispec_xstrndup (p, l);
      n = ocispec_json_member (n, key);
      free (key);
      p += l;
      if (*p == '.')
        p++;
    }
  if (n && (n->type == OJ_STRING || n->type == OJ_NUMBER))
    r = ocispec_xstrdup (n->s);
  else if (n && n->type == OJ_BOOL)
    r = ocispec_xstrdup (n->b ? "true" : "false");
  ocispec_json_free (root);
  return r;
}

/* ---- writer ------------------------------------------------------------------------------- */

struct ocispec_jw
{
  yajl_gen g;
  bool failed;
  bool done;  /* a complete top-level value was written */
  size_t depth;
  /* Per open container: is it a map, and (maps) is a key expected next? */
  bool is_map[MAX_DEPTH];
  bool want_key[MAX_DEPTH];
};

ocispec_jw *
ocispec_jw_new (bool pretty)
{
  ocispec_jw *w = ocispec_xmalloc0 (sizeof (*w));
  w->g = yajl_gen_alloc (NULL);
  if (w->g == NULL)
    ocispec_oom ();
  if (pretty)
    {
      yajl_gen_config (w->g, yajl_gen_beautify, 1);
      yajl_gen_config (w->g, yajl_gen_indent_string, "  ");
    }
  return w;
}

/* Checks that a value may be written here, and records that one was. */
static bool
jw_value_ok (ocispec_jw *w)
{
  if (w->failed)
    return false;
  if (w->done)
    {
      w->failed = true;
      return false;
    }
  if (w->depth == 0)
    return true;
  if (w->is_map[w->depth - 1])
    {
      if (w->want_key[w->depth - 1])
        {
          w->failed = true;
          return false;
        }
      w->want_key[w->depth - 1] = true;
    }
  return true;
}

static void
jw_after_value (ocispec_jw *w, yajl_gen_status st)
{
  if (st != yajl_gen_status_ok)
    w->failed = true;
  if (w->depth == 0)
    w->done = true;
}

static void
jw_open (ocispec_jw *w, bool map)
{
  if (!jw_value_ok (w))
    return;
  if (w->depth == MAX_DEPTH)
    {
      w->failed = true;
      return;
    }
  if ((map ? yajl_gen_map_open (w->g) : yajl_gen_array_open (w->g)) != yajl_gen_status_ok)
    {
      w->failed = true;
      return;
    }
  w->is_map[w->depth] = map;
  w->want_key[w->depth] = true;
  w->depth++;
}

static void
jw_close (ocispec_jw *w, bool map)
{
  if (w->failed)
    return;
  if (w->depth == 0 || w->is_map[w->depth - 1] != map || (map && !w->want_key[w->depth - 1]))
    {
      w->failed = true;
      return;
    }
  w->depth--;
  jw_after_value (w, map ? yajl_gen_map_close (w->g) : yajl_gen_array_close (w->g));
}

void
ocispec_jw_begin_map (ocispec_jw *w)
{
  jw_open (w, true);
}

void
ocispec_jw_end_map (ocispec_jw *w)
{
  jw_close (w, true);
}

void
ocispec_jw_begin_array (ocispec_jw *w)
{
  jw_open (w, false);
}

void
ocispec_jw_end_array (ocispec_jw *w)
{
  jw_close (w, false);
}

void
ocispec_jw_key (ocispec_jw *w, const char *key)
{
  if (w->failed)
    return;
  if (w->depth == 0 || !w->is_map[w->depth - 1] || !w->want_key[w->depth - 1] || key == NULL)
    {
      w->failed = true;
      return;
    }
  w->want_key[w->depth - 1] = false;
  if (yajl_gen_string (w->g, (const unsigned char *) key, strlen (key)) != yajl_gen_status_ok)
    w->failed = true;
}

void
ocispec_jw_string (ocispec_jw *w, const char *s)
{
  if (s == NULL)
    {
      ocispec_jw_null (w);
      return;
    }
  if (jw_value_ok (w))
    jw_after_value (w, yajl_gen_string (w->g, (const unsigned char *) s, strlen (s)));
}

void
ocispec_jw_int (ocispec_jw *w, int64_t v)
{
  if (jw_value_ok (w))
    jw_after_value (w, yajl_gen_integer (w->g, (long long) v));
}

void
ocispec_jw_uint (ocispec_jw *w, uint64_t v)
{
  char buf[32];
  int n = snprintf (buf, sizeof (buf), "%llu", (unsigned long long) v);
  if (jw_value_ok (w))
    jw_after_value (w, yajl_gen_number (w->g, buf, (size_t) n));
}

void
ocispec_jw_double (ocispec_jw *w, double v)
{
  if (jw_value_ok (w))
    jw_after_value (w, yajl_gen_double (w->g, v));
}

void
ocispec_jw_bool (ocispec_jw *w, bool v)
{
  if (jw_value_ok (w))
    jw_after_value (w, yajl_gen_bool (w->g, v));
}

void
ocispec_jw_null (ocispec_jw *w)
{
  if (jw_value_ok (w))
    jw_after_value (w, yajl_gen_null (w->g));
}

void
ocispec_jw_strv (ocispec_jw *w, char *const *v, size_t len)
{
  size_t i;
  ocispec_jw_begin_array (w);
  for (i = 0; i < len; i++)
    ocispec_jw_string (w, v[i]);
  ocispec_jw_end_array (w);
}

char *
ocispec_jw_finish (ocispec_jw *w, size_t *len)
{
  const unsigned char *buf;
  size_t l;
  char *r = NULL;

  if (!w->failed && w->done && w->depth == 0
      && yajl_gen_get_buf (w->g, &buf, &l) == yajl_gen_status_ok)
    {
      r = ocispec_xstrndup ((const char *) buf, l);
      if (len)
        *len = l;
    }
  yajl_gen_free (w->g);
  free (w);
  return r;
}

char *
ocispec_json_quote (const char *s)
{
  ocispec_jw *w = ocispec_jw_new (false);
  ocispec_jw_string (w, s ? s : "");
  return ocispec_jw_finish (w, NULL);
}
