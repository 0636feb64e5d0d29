# tests/callers/common.sh: shared by tests/integration/8x-*.sh, which drive ocirt through real
# callers (Podman/conmon, containerd's runc shim, Docker).  Source it after tests/lib.sh.
#
#   caller_rootfs_tar        build $TMP/rootfs.tar (tests/callers/mkrootfs.sh) and print its path
#   ocirt_has CMD            true when this ocirt implements CMD (not the "not implemented" stub)
#   need_cmd CMD             inside a test: skip it when ocirt lacks CMD
#   cg_file CTRL PATH FILE   print /sys/fs/cgroup/CTRL/PATH/FILE (v1) for an absolute cgroup PATH
#   on_exit CMD...           run CMD (a shell string) at exit, before lib.sh's cleanup, LIFO
#   stop_pid PID [SECONDS]   SIGTERM PID, wait for it, SIGKILL after SECONDS (default 20)
#
# The callers are given cgroup parents under $CGROUP_PREFIX, so lib.sh's cleanup removes
# every cgroup they made (and kills what is left in them); their state, storage, sockets and
# logs all live in $TMP.

caller_rootfs_tar () {
  [ -s "$TMP/rootfs.tar" ] || "$OCIRT_SRCDIR/tests/callers/mkrootfs.sh" "$OCITEST" "$TMP/rootfs.tar" >&2 || return 1
  echo "$TMP/rootfs.tar"
}

ocirt_has () {
  local out
  out=$("$OCIRT" --root "$TMP/.has" "$1" ocirt-has-probe 2>&1)
  ! printf '%s\n' "$out" | grep -q 'not implemented'
}

need_cmd () {
  local c
  for c; do ocirt_has "$c" || skip_test "ocirt $c is not implemented yet"; done
}

cg_file () { cat "/sys/fs/cgroup/$1$2/$3"; }

_on_exit_cmds=()
on_exit () { _on_exit_cmds=("$*" "${_on_exit_cmds[@]}"); }
_callers_exit () {
  local rc=$? c
  for c in "${_on_exit_cmds[@]}"; do eval "$c" > /dev/null 2>&1 < /dev/null; done
  (exit $rc)
  _cleanup
}
trap _callers_exit EXIT

stop_pid () {
  local pid=$1 n=$(( ${2:-20} * 10 ))
  _is_ours "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null
  while [ $n -gt 0 ] && _is_ours "$pid" && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]; do
    sleep 0.1; n=$((n - 1))
  done
  _is_ours "$pid" && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

# remove_if_new PATH...: callers write a few things outside $TMP whatever they are told
# (containers/image's /var/lib/containers/cache, dockerd's /run/docker/plugins and
# the shims' /run/containerd/s): remove those at exit when this test
# file is what created them.
remove_if_new () {
  local p
  for p; do
    [ -e "$p" ] || on_exit "rm -rf --one-file-system '$p'"
  done
}
# rmdir_if_new DIR...: the same for shared directories, removed only when empty.
rmdir_if_new () {
  local p
  for p; do
    [ -e "$p" ] || on_exit "find '$p' -depth -type d -empty -delete"
  done
}
