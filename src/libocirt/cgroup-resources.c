/* ocirt: cgroup file helpers and the value conversions shared by the v1 and v2 drivers. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup-internal.h"
#include "utils.h"

/* For messages: the value without a trailing newline. */
static char *
shown_value (const char *value)
{
  char *v = xstrdup (value);
  size_t l = strlen (v);
  while (l > 0 && v[l - 1] == '\n')
    v[--l] = '\0';
  return v;
}

int
cg_open_write (const char *dir, const char *file, ocirt_error_t *err)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, file);
  int fd = open (path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return ocirt_error_errno (err, "open %s", path);
  return fd;
}

int
cg_write_fd (int fd, const char *dir, const char *file, const char *value, ocirt_error_t *err)
{
  size_t len = strlen (value);
  ssize_t w;

  /* One write(2) a value: cgroup knobs parse the whole value at once. */
  do
    w = write (fd, value, len);
  while (w < 0 && errno == EINTR);
  if (w < 0 || (size_t) w != len)
    {
      int e = w < 0 ? errno : EIO;
      cleanup_free char *shown = shown_value (value);
      return ocirt_error_set (err, e, "write %s to %s/%s", shown, dir, file);
    }
  return 0;
}

int
cg_write (const char *dir, const char *file, const char *value, ocirt_error_t *err)
{
  cleanup_close int fd = cg_open_write (dir, file, err);
  if (fd < 0)
    return fd;
  return cg_write_fd (fd, dir, file, value, err);
}

int
cg_writef (const char *dir, const char *file, ocirt_error_t *err, const char *fmt, ...)
{
  cleanup_free char *value = NULL;
  va_list ap;

  va_start (ap, fmt);
  if (vasprintf (&value, fmt, ap) < 0)
    oom ();
  va_end (ap);
  return cg_write (dir, file, value, err);
}

int
cg_read (const char *dir, const char *file, char **out, ocirt_error_t *err)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, file);
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return ocirt_error_errno (err, "open %s", path);
  return read_all_fd (fd, path, out, NULL, err);
}

int
cg_read_u64 (const char *dir, const char *file, uint64_t *out, ocirt_error_t *err)
{
  cleanup_free char *s = NULL;
  size_t l;
  int ret = cg_read (dir, file, &s, err);
  if (ret < 0)
    return ret;
  l = strlen (s);
  while (l > 0 && (s[l - 1] == '\n' || s[l - 1] == ' '))
    s[--l] = '\0';
  if (strcmp (s, "max") == 0)
    {
      *out = UINT64_MAX;
      return 0;
    }
  if (parse_u64 (s, out) < 0)
    return ocirt_error_set (err, EINVAL, "parse %s/%s: unexpected content `%s`", dir, file, s);
  return 0;
}

bool
cg_exists (const char *dir, const char *file)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, file);
  return access (path, F_OK) == 0;
}

bool
cg_keyed_value (const char *text, const char *key, uint64_t *out)
{
  size_t kl = strlen (key);
  const char *p = text;

  *out = 0;
  while (p && *p)
    {
      if (strncmp (p, key, kl) == 0 && p[kl] == ' ')
        {
          *out = strtoull (p + kl + 1, NULL, 10);
          return true;
        }
      p = strchr (p, '\n');
      if (p)
        p++;
    }
  return false;
}

/* ---- conversions ------------------------------------------------------------------------- */

/* Natural log and exp without libm (ocirt does not link -lm).  Inputs are small and positive;
 * the series below are accurate to ~1e-15, plenty for the rounding guard in the caller. */
static double
cg_ln (double x)
{
  static const double LN2 = 0.69314718055994530942;
  double t, t2, term, sum = 0;
  int k = 0, i;

  while (x >= 2.0)
    {
      x /= 2.0;
      k++;
    }
  while (x < 1.0)
    {
      x *= 2.0;
      k--;
    }
  /* ln(x) = 2 atanh((x-1)/(x+1)), |t| <= 1/3 */
  t = (x - 1.0) / (x + 1.0);
  t2 = t * t;
  term = t;
  for (i = 1; i < 80; i += 2)
    {
      sum += term / i;
      term *= t2;
    }
  return k * LN2 + 2.0 * sum;
}

static double
cg_exp (double x)
{
  static const double E = 2.71828182845904523536;
  double r = 1.0, s = 1.0, term = 1.0, f;
  int n = (int) x, i;

  f = x - n;
  for (i = 0; i < n; i++)
    r *= E;
  for (i = 1; i < 40; i++)
    {
      term *= f / i;
      s += term;
    }
  return r * s;
}

/* cpu.shares [2, 262144] -> cpu.weight [1, 10000], the formula runc (opencontainers/cgroups
 * #20, runc >= 1.3.2) and crun (>= 1.23) use since 2025: quadratic in log space, so that the
 * defaults map onto each other (1024 -> 100) and the range ends onto the range ends:
 *   l = log2(shares); weight = ceil(10^((l^2 + 125 l) / 612 - 7/34))
 * 0 means unset and stays 0.  A computed power that is an integer up to floating noise is taken
 * as that integer before ceil(), so 1024 gives exactly 100. */
uint64_t
cg_shares_to_weight (uint64_t shares)
{
  double l, e, w, r;

  if (shares == 0)
    return 0;
  if (shares <= 2)
    return 1;
  if (shares >= 262144)
    return 10000;
  l = cg_ln ((double) shares) / cg_ln (2.0);
  e = (l * l + 125.0 * l) / 612.0 - 7.0 / 34.0;
  w = cg_exp (e * cg_ln (10.0));
  r = (double) (uint64_t) (w + 0.5);
  if (w - r < 1e-9 * r && r - w < 1e-9 * r)
    return (uint64_t) r;
  return (uint64_t) w + ((double) (uint64_t) w < w ? 1 : 0);
}

/* blkio.weight [10, 1000] -> io.weight [1, 10000] (runc ConvertBlkIOToIOWeightValue). */
uint64_t
cg_blkio_weight_to_io_weight (uint64_t weight)
{
  if (weight == 0)
    return 0;
  if (weight < 10)
    weight = 10;
  return 1 + (weight - 10) * 9999 / 990;
}

/* OCI memory.swap is memory+swap (v1 memsw); v2 memory.swap.max is swap only.  runc
 * ConvertMemorySwapToCgroupV2Value: -1 stays -1 (max); 0 stays 0 (unset); an unlimited memory
 * with swap unset means unlimited swap; otherwise swap - limit, which must not be negative. */
int
cg_swap_to_v2 (int64_t swap, int64_t limit, int64_t *out, ocirt_error_t *err)
{
  if (limit == -1 && swap == 0)
    {
      *out = -1;
      return 0;
    }
  if (swap == -1 || swap == 0)
    {
      *out = swap;
      return 0;
    }
  if (limit == 0 || limit == -1)
    return ocirt_error_set (err, 0, "memory.swap %" PRId64 " requires a memory limit", swap);
  if (limit < 0 || swap < 0)
    return ocirt_error_set (err, 0, "invalid memory limit %" PRId64 " / swap %" PRId64, limit, swap);
  if (swap < limit)
    return ocirt_error_set (err, 0, "memory.swap %" PRId64 " (memory+swap) is lower than memory.limit %" PRId64,
                            swap, limit);
  *out = swap - limit;
  return 0;
}

void
cg_devnum (char *buf, size_t len, int64_t v)
{
  if (v < 0)
    snprintf (buf, len, "*");
  else
    snprintf (buf, len, "%" PRId64, v);
}
