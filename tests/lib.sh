# tests/lib.sh: sourced by every tests/integration/*.sh (bash).
#
#   . "$(dirname "$0")/../lib.sh"
#   require_root
#   test_pid () { make_bundle "$TMP/b"; cfg "$TMP/b" '.process.args=["/init","pid"]';
#                 ocirt_run c1; assert_status 0; assert_match "$output" '^pid 1$'; }
#   t "pid 1 in the container" test_pid
#   done_testing
#
# Each `t NAME FN [ARGS]` runs FN in a subshell with `set -e`; an assertion that does not hold
# prints a diagnostic and exits that subshell, so the test is reported "not ok" and the next
# one runs.  Output of a test is shown (as "# " lines) only when it fails, or always with
# OCIRT_TEST_VERBOSE=1.
#
# Everything a test file makes lives in $TMP (/tmp/ocirt-test.XXXXXX).  At exit a trap kills
# the processes the tests started, deletes the containers under $ROOT, unmounts what is still
# mounted under $TMP, removes the cgroups under the test prefix and removes $TMP.  It never
# touches anything outside those.

# ---- locations ---------------------------------------------------------------------------------

OCIRT_SRCDIR=${OCIRT_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
OCIRT_BUILDDIR=${OCIRT_BUILDDIR:-$OCIRT_SRCDIR}
OCIRT=${OCIRT:-$OCIRT_BUILDDIR/ocirt}
OCITEST=${OCITEST:-$OCIRT_BUILDDIR/tests/payload/ocitest}
OCIRT_TEST_TIMEOUT=${OCIRT_TEST_TIMEOUT:-60}
export OCIRT_SRCDIR OCIRT_BUILDDIR

TEST_FILE=$(basename "$0")
TMP=$(mktemp -d /tmp/ocirt-test.XXXXXX) || { echo "Bail out! mktemp failed"; exit 1; }
chmod 755 "$TMP"
ROOT=$TMP/root
TRACK=$TMP/.track
mkdir -p "$ROOT" "$TRACK"
# cgroups made by the tests live under this name in every hierarchy; make_bundle points
# linux.cgroupsPath there.
CGROUP_PREFIX=ocirt-test-$$
# Processes started after this (clock ticks since boot) can be ours; older ones never are.
_LIB_START=$(awk '{print $22}' "/proc/$$/stat")
BUNDLE=

_tap_n=0
_tap_failed=0
_tap_planned=

# ---- TAP ---------------------------------------------------------------------------------------

plan () { _tap_planned=$1; echo "1..$1"; }
diag () { local l; printf '%s\n' "$@" | while IFS= read -r l; do echo "# $l"; done; }
ok () { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }
fail () {
  _tap_n=$((_tap_n + 1)); _tap_failed=$((_tap_failed + 1))
  echo "not ok $_tap_n - $1"
  shift
  [ $# -eq 0 ] || diag "$@"
}
skip () { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1 # SKIP ${2:-}"; }
# Skip the whole file (before any test ran).
skip_all () { echo "1..0 # SKIP $*"; exit 0; }
require_root () { [ "$(id -u)" = 0 ] || skip_all "needs root"; }
require_cmd () { local c; for c; do command -v "$c" >/dev/null || skip_all "needs $c"; done; }
require_ocirt () { [ -x "$OCIRT" ] || skip_all "ocirt not built at $OCIRT"; }
require_ocitest () { [ -x "$OCITEST" ] || skip_all "ocitest not built at $OCITEST (make check builds it)"; }

# t NAME FN [ARGS...]: run one test.
t () {
  local name=$1 log=$TMP/.t.$BASHPID.$_tap_n.log _t_skip=$TMP/.t.$BASHPID.$_tap_n.skip rc
  shift
  rm -f "$_t_skip"
  ( set -e; "$@" ) > "$log" 2>&1 < /dev/null
  rc=$?
  if [ $rc -eq 0 ] && [ -f "$_t_skip" ]; then
    skip "$name" "$(cat "$_t_skip")"
  elif [ $rc -eq 0 ]; then
    ok "$name"
    [ "${OCIRT_TEST_VERBOSE:-0}" = 0 ] || [ ! -s "$log" ] || diag "$(cat "$log")"
  else
    fail "$name" "exit status $rc" "$(cat "$log")"
  fi
  rm -f "$log" "$_t_skip"
  return 0
}

# skip_test REASON: inside a test, stop it and report it skipped.
skip_test () { echo "$*" > "$_t_skip"; exit 0; }

# Print the plan if none was given; exit 1 if anything failed.
done_testing () {
  [ -n "$_tap_planned" ] || echo "1..$_tap_n"
  [ "$_tap_failed" -eq 0 ]
  exit $?
}

# ---- assertions (inside a test: print why and exit the test's subshell) -----------------------

_assert_fail () { { echo "assertion failed: $1"; shift; printf '  %s\n' "$@"; } >&2; exit 1; }
assert_eq () {
  [ "$1" = "$2" ] || _assert_fail "${3:-values differ}" "actual:   $(printf '%q' "$1")" "expected: $(printf '%q' "$2")"
}
assert_ne () { [ "$1" != "$2" ] || _assert_fail "${3:-values are equal}" "both: $(printf '%q' "$1")"; }
# assert_match TEXT ERE [MSG]: some line of TEXT matches ERE.
assert_match () {
  printf '%s\n' "$1" | grep -Eq -- "$2" || _assert_fail "${3:-no line matches /$2/}" "text:" "$1"
}
assert_no_match () {
  ! printf '%s\n' "$1" | grep -Eq -- "$2" || _assert_fail "${3:-a line matches /$2/}" "text:" "$1"
}
assert_file_contains () {
  [ -f "$1" ] || _assert_fail "no file $1"
  grep -Eq -- "$2" "$1" || _assert_fail "${3:-$1 has no line matching /$2/}" "content:" "$(head -c 4000 "$1")"
}
# assert_status N: the last ocirt_* command exited with N.
assert_status () {
  [ "$status" = "$1" ] || _assert_fail "exit status $status, expected $1" "stdout: $output" "stderr: $stderr"
}
assert_success () { assert_status 0; }
assert_failure () {
  [ "$status" != 0 ] || _assert_fail "command succeeded, expected a failure" "stdout: $output" "stderr: $stderr"
}

# ---- bundles -----------------------------------------------------------------------------------

# make_bundle DIR: DIR/rootfs with ocitest at /init (and /bin/<subcommand> -> /init),
# /bin/busybox, /bin/sh -> busybox, proc sys dev tmp etc, passwd/group with root and
# user 1000; DIR/config.json from `ocirt spec` (or `runc spec` while ocirt has none) with
# terminal=false, args ["/init","true"] and linux.cgroupsPath /ocirt-test-PID/BASENAME.
# Sets BUNDLE=DIR.
make_bundle () {
  local dir=$1 r=$1/rootfs tpl=$TMP/.bundle-template
  # The rootfs and config are built once per test file and copied: a handful of processes per
  # bundle instead of ~50 (it matters in the TCG guest of the v2 suite).
  [ -f "$tpl/config.json" ] || _make_bundle_template "$tpl" || return 1
  mkdir -p "$r" && cp -a "$tpl/rootfs/." "$r/" || return 1
  SPEC_SOURCE=$(cat "$tpl/source")
  jq '.linux.cgroupsPath=$cg' --arg cg "/$CGROUP_PREFIX/${dir##*/}" "$tpl/config.json" > "$dir/config.json" \
    || { echo "make_bundle: jq failed" >&2; return 1; }
  BUNDLE=$dir
}

_make_bundle_template () {
  local dir=$1 r=$1/rootfs c
  [ -x "$OCITEST" ] || { echo "make_bundle: $OCITEST is not built" >&2; return 1; }
  rm -rf "$dir"
  mkdir -p "$r/bin" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" "$r/etc" "$r/root" "$r/home/user" || return 1
  chmod 1777 "$r/tmp"
  cp "$OCITEST" "$r/init" || return 1
  for c in $("$OCITEST" --list); do ln -sf /init "$r/bin/$c"; done
  cp /bin/busybox "$r/bin/busybox" || return 1
  ln -sf busybox "$r/bin/sh"
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'user:x:1000:1000:user:/home/user:/bin/sh' > "$r/etc/passwd"
  printf '%s\n' 'root:x:0:' 'tty:x:5:' 'user:x:1000:' > "$r/etc/group"
  chown 1000:1000 "$r/home/user" 2>/dev/null || true
  if [ -x "$OCIRT" ] && "$OCIRT" spec --bundle "$dir" >/dev/null 2>&1 \
     && jq -e .ociVersion "$dir/config.json" >/dev/null 2>&1; then
    echo ocirt > "$dir/source"
  else
    rm -f "$dir/config.json"
    (cd "$dir" && runc spec) || { echo "make_bundle: neither 'ocirt spec' nor 'runc spec' worked" >&2; return 1; }
    echo runc > "$dir/source"
  fi
  cfg "$dir" '.process.terminal=false | .process.args=["/init","true"]'
}

# cfg DIR EXPR [JQ-ARGS...]: edit DIR/config.json with jq (e.g. --arg name value).
cfg () {
  local dir=$1 expr=$2
  shift 2
  jq "$@" "$expr" "$dir/config.json" > "$dir/config.json.new" \
    && mv "$dir/config.json.new" "$dir/config.json" \
    || { rm -f "$dir/config.json.new"; echo "cfg: jq '$expr' failed" >&2; return 1; }
}

# cfg_get DIR EXPR: print a value of DIR/config.json (jq -r).
cfg_get () { jq -r "$2" "$1/config.json"; }

# ---- running ocirt -----------------------------------------------------------------------------

# ocirt_cmd ARGS...: run `$OCIRT --root $ROOT ARGS`; sets output (stdout), stderr, status.
ocirt_cmd () {
  local out=$TMP/.out err=$TMP/.err
  status=0
  timeout -k 5 "$OCIRT_TEST_TIMEOUT" "$OCIRT" --root "$ROOT" "$@" > "$out" 2> "$err" || status=$?
  output=$(cat "$out")
  stderr=$(cat "$err")
  _track_containers
  return 0
}

# ocirt_run NAME [ARGS...]: `run -b $BUNDLE [ARGS] NAME` (foreground), like ocirt_cmd.
ocirt_run () {
  local name=$1
  shift
  echo "$BUNDLE" > "$TRACK/$name.bundle"
  ocirt_cmd run -b "$BUNDLE" "$@" "$name"
}

# ocirt_create NAME [ARGS...]: `create -b $BUNDLE [ARGS] NAME`, like ocirt_cmd.
ocirt_create () {
  local name=$1
  shift
  echo "$BUNDLE" > "$TRACK/$name.bundle"
  ocirt_cmd create -b "$BUNDLE" "$@" "$name"
}

# ocirt_bg NAME [ARGS...]: `run -b $BUNDLE [ARGS] NAME` in the background, stdout/stderr in
# $TMP/NAME.out and $TMP/NAME.err; BG_PID is the ocirt process (tracked for cleanup).
ocirt_bg () {
  local name=$1
  shift
  echo "$BUNDLE" > "$TRACK/$name.bundle"
  "$OCIRT" --root "$ROOT" run -b "$BUNDLE" "$@" "$name" > "$TMP/$name.out" 2> "$TMP/$name.err" < /dev/null &
  BG_PID=$!
  track_pid "$BG_PID"
}

# ocirt_state ID FIELD: print a field of `ocirt state ID` (jq path without the dot: pid, status).
ocirt_state () { "$OCIRT" --root "$ROOT" state "$1" 2>/dev/null | jq -r ".$2 // empty"; }

# track_pid PID: kill PID at exit (if it is still the process started after this file began).
track_pid () {
  local st
  st=$(_starttime "$1") || return 0
  echo "$1 $st" >> "$TRACK/pids"
}

# wait_for TIMEOUT_SECONDS CMD...: poll CMD every 0.1 s until it succeeds; 1 on timeout.
wait_for () {
  local end=$(( $(date +%s) + $1 ))
  shift
  until "$@"; do
    [ "$(date +%s)" -lt "$end" ] || return 1
    sleep 0.1
  done
}

# wait_output FILE ERE [TIMEOUT]: wait until FILE has a line matching ERE.
wait_output () { wait_for "${3:-10}" grep -Eq -- "$2" "$1"; }

# wait_status ID STATUS [TIMEOUT]: wait until `ocirt state ID` reports STATUS.
wait_status () { wait_for "${3:-10}" _status_is "$1" "$2"; }
_status_is () { [ "$(ocirt_state "$1" status)" = "$2" ]; }

_starttime () {
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  s=${s##*) }                       # the fields after "(comm) "
  set -- $s
  echo "${20}"                      # field 22 overall
}

# Ours: alive, and started after this test file began.
_is_ours () {
  local st
  st=$(_starttime "$1") || return 1
  [ "$st" -ge "$_LIB_START" ] && { [ -z "${2:-}" ] || [ "$st" = "$2" ]; }
}

# Record the init pid of every container under $ROOT (the latest one for each id).
_track_containers () {
  local d id pid
  for d in "$ROOT"/*/; do
    [ -d "$d" ] || continue
    id=$(basename "$d")
    pid=$(ocirt_state "$id" pid) || continue
    case $pid in '' | 0 | *[!0-9]*) continue ;; esac
    [ "$(cat "$TRACK/$id.pid" 2>/dev/null)" != "$pid" ] || continue
    echo "$pid" > "$TRACK/$id.pid"
    track_pid "$pid"
  done
}

# ---- leftovers ---------------------------------------------------------------------------------

# Mount points (unescaped) under $1, deepest first.
_mounts_under () {
  awk -v p="$1" '
    function unesc(s,   r, i, c) {
      r = ""
      for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (c == "\\" && substr(s, i + 1, 3) ~ /^[0-7][0-7][0-7]$/) {
          r = r sprintf("%c", (substr(s, i + 1, 1) * 64) + (substr(s, i + 2, 1) * 8) + substr(s, i + 3, 1)); i += 3
        } else r = r c
      }
      return r
    }
    { m = unesc($5); if (m == p || index(m, p "/") == 1) print length(m), m }' /proc/self/mountinfo \
    | sort -rn | cut -d' ' -f2-
}

# Every cgroup hierarchy's copy of the test prefix that exists.
_cgroup_prefix_dirs () {
  local d
  for d in /sys/fs/cgroup/"$CGROUP_PREFIX" /sys/fs/cgroup/*/"$CGROUP_PREFIX"; do
    [ -d "$d" ] && echo "$d"
  done
}

# assert_no_leftovers ID: no state dir, no live init process, no mount under the bundle, no
# cgroup for ID (its bundle's linux.cgroupsPath, or a directory named ID under the prefix).
assert_no_leftovers () {
  local id=$1 pid bundle cg d m
  [ ! -e "$ROOT/$id" ] || _assert_fail "state directory $ROOT/$id still exists"
  if [ -s "$TRACK/$id.pid" ]; then
    pid=$(cat "$TRACK/$id.pid")
    # Dead: gone, a zombie, or being reaped (X), also when it goes between the two reads.
    ! _is_ours "$pid" || [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" =~ ^(Z|X|)$ ]] \
      || _assert_fail "container process $pid is still alive" "$(grep -E '^(Name|State):' "/proc/$pid/status" 2>/dev/null)"
  fi
  if [ -s "$TRACK/$id.bundle" ]; then
    bundle=$(cat "$TRACK/$id.bundle")
    m=$(_mounts_under "$bundle")
    [ -z "$m" ] || _assert_fail "mounts left under $bundle" "$m"
    # (a broken config.json, as in the bad-config tests, has no cgroup to check)
    cg=$(jq -r '.linux.cgroupsPath // empty' "$bundle/config.json" 2>/dev/null) || cg=
    if [ -n "$cg" ] && [ "${cg#/}" != "$cg" ]; then
      for d in /sys/fs/cgroup"$cg" /sys/fs/cgroup/*"$cg"; do
        [ ! -d "$d" ] || _assert_fail "cgroup $d still exists"
      done
    fi
  fi
  for d in $(_cgroup_prefix_dirs); do
    m=$(find "$d" -mindepth 1 -type d -name "$id" 2>/dev/null)
    [ -z "$m" ] || _assert_fail "cgroup left for $id" "$m"
  done
}

# ---- cleanup at exit ---------------------------------------------------------------------------

_cleanup () {
  local rc=$? d id line pid st m i
  trap - EXIT INT TERM HUP
  # Thaw our frozen cgroups first: frozen tasks do not die.
  for d in $(_cgroup_prefix_dirs); do
    find "$d" -name freezer.state -exec sh -c 'echo THAWED > "$1"' _ {} \; 2>/dev/null
    find "$d" -name cgroup.freeze -exec sh -c 'echo 0 > "$1"' _ {} \; 2>/dev/null
  done
  # Containers under our --root.
  for d in "$ROOT"/*/; do
    [ -d "$d" ] || continue
    id=$(basename "$d")
    pid=$(ocirt_state "$id" pid 2>/dev/null)
    case $pid in '' | *[!0-9]*) ;; *) _is_ours "$pid" && kill -9 "$pid" 2>/dev/null ;; esac
    [ -x "$OCIRT" ] && timeout -k 2 20 "$OCIRT" --root "$ROOT" delete -f "$id" >/dev/null 2>&1
  done
  # Processes we recorded (ocirt_bg, container inits, track_pid).
  if [ -f "$TRACK/pids" ]; then
    while read -r pid st; do
      _is_ours "$pid" "$st" && kill -9 "$pid" 2>/dev/null
    done < "$TRACK/pids"
  fi
  # Pid files the tests asked for (--pid-file $TMP/...).
  find "$TMP" -xdev -maxdepth 3 -name '*.pid' -path "$TMP/*" ! -path "$TRACK/*" -type f 2>/dev/null \
    | while IFS= read -r m; do
        read -r pid < "$m" 2>/dev/null || continue
        case $pid in '' | *[!0-9]*) continue ;; esac
        _is_ours "$pid" && kill -9 "$pid" 2>/dev/null
      done
  # Everything in our cgroups is ours; then remove them, deepest first.
  for d in $(_cgroup_prefix_dirs); do
    for i in 1 2 3 4 5 6 7 8 9 10; do
      find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null | while read -r pid; do
        kill -9 "$pid" 2>/dev/null
      done
      find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
      [ -d "$d" ] || break
      sleep 0.2
    done
    [ ! -d "$d" ] || echo "# cleanup: could not remove cgroup $d" >&2
  done
  # Mounts under $TMP, deepest first.
  _mounts_under "$TMP" | while IFS= read -r m; do
    case $m in "$TMP"/*) umount -R -l "$m" 2>/dev/null ;; esac
  done
  m=$(_mounts_under "$TMP")
  if [ -n "$m" ]; then
    echo "# cleanup: still mounted, leaving $TMP: $m" >&2
  else
    rm -rf --one-file-system "$TMP"
  fi
  exit $rc
}
trap _cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
