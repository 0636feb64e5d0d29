#!/bin/bash
# containerd 1.6 with its runc shim (io.containerd.runc.v2) driving ocirt through
# `ctr run --runc-binary $OCIRT`: run --rm/-d/--tty, task exec/kill/delete/pause/resume/ps,
# --memory-limit (checked in the v1 cgroup file), and the shim's error path: it runs ocirt with
# `--log <bundle>/log.json --log-format json` and puts the last message of that log into the
# error ctr prints, so ocirt's own error text must show up there.
#
# The test starts its own containerd (config, root, state, sockets under $TMP; CRI plugin
# off) and stops it by PID at exit, after deleting its containers.  ctr's namespace is
# $CGROUP_PREFIX, so the default cgroup of container ID is /$CGROUP_PREFIX/ID (lib.sh's cleanup
# removes it).  The image is the tiny busybox+ocitest rootfs, imported into Podman (own storage
# in $TMP) and exported as an OCI archive for `ctr image import` (no registry is reachable).
. "$(dirname "$0")/../lib.sh"
. "$OCIRT_SRCDIR/tests/callers/common.sh"
require_root
require_ocirt
require_ocitest
require_cmd containerd ctr containerd-shim-runc-v2 podman jq script

CD=$TMP/containerd
NS=$CGROUP_PREFIX
IMG=localhost/ocirt-test:latest
RROOT=$CD/runc            # ocirt's --root is $RROOT/$NS (the shim appends the namespace)
mkdir -p "$CD"

C () { timeout -k 5 60 ctr --address "$CD/containerd.sock" -n "$NS" "$@"; }
# crun ARGS...: `ctr run` with ocirt as the shim's runc; output (stdout+stderr) and status.
crun () { status=0; output=$(C run --runc-binary "$OCIRT" --runc-root "$RROOT" "$@" 2>&1 < /dev/null) || status=$?; }
no_state () { [ ! -e "$RROOT/$NS/$1" ] || _assert_fail "ocirt state $RROOT/$NS/$1 left behind"; }
no_cgroup () { [ ! -d "/sys/fs/cgroup/memory/$NS/$1" ] || _assert_fail "cgroup /$NS/$1 left behind"; }
# Remove a container whatever state its task is in.
c_rm () { C task kill -s KILL "$1"; sleep 0.2; C task delete -f "$1"; C container rm "$1"; } >/dev/null 2>&1

cat > "$CD/config.toml" <<TOML
version = 2
root = "$CD/root"
state = "$CD/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$CD/containerd.sock"
[ttrpc]
  address = "$CD/containerd.sock.ttrpc"
[debug]
  address = "$CD/debug.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$CD/opt"
TOML
# The shims' sockets go to /run/containerd/s and ctr's fifos to /run/containerd/fifo whatever
# the config says; podman's image cache to /var/lib/containers.
rmdir_if_new /run/containerd
remove_if_new /var/lib/containers
containerd --config "$CD/config.toml" > "$CD/containerd.log" 2>&1 < /dev/null &
CTD_PID=$!
track_pid "$CTD_PID"
# At exit (LIFO): delete our containers, stop containerd, then any shim of ours left (they
# daemonize; their command line names our socket).
on_exit 'for p in $(pgrep -f -- "-address $CD/containerd.sock"); do stop_pid "$p" 5; done'
on_exit 'stop_pid "$CTD_PID" 20'
on_exit 'for c in $(C container ls -q); do c_rm "$c"; done'
if ! wait_for 20 test -S "$CD/containerd.sock" || ! C version > /dev/null 2>&1; then
  echo "Bail out! containerd did not start: $(tail -5 "$CD/containerd.log")"
  exit 1
fi

# The image: rootfs tarball -> podman import -> OCI archive -> ctr image import.
PD=$TMP/podman
tar=$(caller_rootfs_tar) || { echo "Bail out! could not build the rootfs tarball"; exit 1; }
if ! { podman --root "$PD/storage" --runroot "$PD/run" --tmpdir "$PD/libpod" --storage-driver vfs \
         --events-backend file import --change 'ENV PATH=/bin' --change 'CMD ["/bin/sh"]' "$tar" "$IMG" \
       && podman --root "$PD/storage" --runroot "$PD/run" --tmpdir "$PD/libpod" --storage-driver vfs \
         --events-backend file save --format oci-archive -o "$TMP/image.tar" "$IMG" \
       && C image import --base-name localhost/ocirt-test "$TMP/image.tar"; } > "$TMP/import.log" 2>&1; then
  echo "Bail out! image import failed: $(tail -5 "$TMP/import.log")"
  exit 1
fi
rm -rf "$PD"

test_run_rm () {
  crun --rm "$IMG" rm1 ocitest echo hello
  assert_status 0
  assert_eq "$output" hello
  crun --rm "$IMG" rm2 sh -c 'exit 5'
  assert_status 5
  assert_eq "$(C container ls -q)" ""
  no_state rm1; no_state rm2; no_cgroup rm1
}
t "ctr run --rm: output and exit code" test_run_rm

test_error_text () {
  crun --rm "$IMG" bad1 /no/such/cmd
  assert_failure
  # The shim read ocirt's JSON log: ocirt's message, not a generic "exit status 1".
  assert_match "$output" 'OCI runtime create failed: .*bad1: exec /no/such/cmd: executable file not found: No such file or directory'
  C container rm bad1 > /dev/null 2>&1 || true
  no_state bad1; no_cgroup bad1
  crun --rm --memory-limit 1 "$IMG" bad2 true
  assert_failure
  assert_match "$output" 'OCI runtime create failed: .*bad2: container init was killed during setup by signal 9 .*memory.limit too low'
  C container rm bad2 > /dev/null 2>&1 || true
  no_state bad2; no_cgroup bad2
}
t "ctr run of a failing container shows ocirt's error text" test_error_text

test_mount_error () {
  crun --rm --mount "type=bind,src=$TMP/no-such-dir,dst=/x,options=rbind:ro" "$IMG" bad3 true
  assert_failure
  assert_match "$output" "OCI runtime create failed: .*bad3: mounts\\[[0-9]+\\].*$TMP/no-such-dir.*No such file or directory"
  C container rm bad3 > /dev/null 2>&1 || true
  no_state bad3; no_cgroup bad3
}
t "ctr run with a missing bind source: ocirt names the mount and the path" test_mount_error

test_parallel () {
  local i pids=()
  # The shims run ocirt for several containers at once.
  for i in 1 2 3 4 5 6; do
    C run --runc-binary "$OCIRT" --runc-root "$RROOT" --rm "$IMG" "par$i" ocitest echo "par-$i" \
      > "$TMP/par$i.out" 2>&1 < /dev/null &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || _assert_fail "par$((i + 1)) failed" "$(cat "$TMP/par$((i + 1)).out")"
  done
  for i in 1 2 3 4 5 6; do
    assert_eq "$(cat "$TMP/par$i.out")" "par-$i"
    no_state "par$i"; no_cgroup "par$i"
  done
}
t "six ctr run --rm at once" test_parallel

test_detach_limits () {
  local pid bundle=$CD/state/io.containerd.runtime.v2.task/$NS/d1
  crun -d --memory-limit 67108864 --cpus 0.5 "$IMG" d1 sleep 1000
  assert_status 0
  assert_match "$(C task ls)" '^d1 +[0-9]+ +RUNNING'
  pid=$(C task ls | awk '$1 == "d1" {print $2}')
  assert_eq "$("$OCIRT" --root "$RROOT/$NS" state d1 | jq -r '.status + " " + (.pid|tostring)')" "running $pid"
  assert_eq "$(cg_file memory "/$NS/d1" memory.limit_in_bytes)" 67108864
  assert_eq "$(cg_file cpu "/$NS/d1" cpu.cfs_quota_us)" 50000
  assert_match "$(cat "/proc/$pid/cgroup")" "memory:/$NS/d1\$"
  # The shim asked for the JSON log in the bundle.
  [ -e "$bundle/log.json" ] || _assert_fail "no $bundle/log.json"
  # metrics come from the cgroup ocirt made
  assert_match "$(C task metrics d1)" 'memory.limit_in_bytes +67108864'
  C task kill -s KILL d1
  wait_for 10 sh -c "ctr --address '$CD/containerd.sock' -n '$NS' task ls | grep -Eq '^d1 .*STOPPED'" \
    || _assert_fail "task d1 did not stop" "$(C task ls)"
  C task delete d1 > /dev/null
  no_state d1
  no_cgroup d1
  C container rm d1
}
t "ctr run -d --memory-limit --cpus, task kill/delete, metrics" test_detach_limits

test_exec () {
  need_cmd exec
  crun -d "$IMG" e1 sleep 1000
  assert_status 0
  status=0; output=$(C task exec --exec-id x1 e1 ocitest echo from-exec 2>&1) || status=$?
  assert_status 0
  assert_eq "$output" from-exec
  status=0; output=$(C task exec --exec-id x2 --user 1000 --cwd /tmp e1 sh -c 'echo $(id -u) $PWD' 2>&1) || status=$?
  assert_eq "$output" "1000 /tmp"
  status=0; output=$(C task exec --exec-id x3 e1 sh -c 'exit 4' 2>&1) || status=$?
  assert_status 4
  status=0
  output=$(timeout -k 5 60 script -qec "ctr --address '$CD/containerd.sock' -n '$NS' task exec --exec-id x5 --tty e1 ocitest isatty" /dev/null < /dev/null 2>&1) || status=$?
  assert_status 0
  assert_match "$output" 'yes /dev/pts/[0-9]+'
  status=0; output=$(C task exec --exec-id x4 e1 /no/such/cmd 2>&1) || status=$?
  assert_failure
  assert_match "$output" 'OCI runtime exec failed: .*/no/such/cmd'
  c_rm e1
  no_state e1
}
t "ctr task exec: output, --user/--cwd, exit code, error text" test_exec

test_pause () {
  need_cmd pause resume
  crun -d "$IMG" p1 sleep 1000
  assert_status 0
  C task pause p1
  assert_eq "$(cg_file freezer "/$NS/p1" freezer.state)" FROZEN
  assert_match "$(C task ls)" '^p1 .*PAUSED'
  C task resume p1
  assert_eq "$(cg_file freezer "/$NS/p1" freezer.state)" THAWED
  assert_match "$(C task ls)" '^p1 .*RUNNING'
  c_rm p1
}
t "ctr task pause/resume: freezer state" test_pause

test_ps () {
  local pid
  need_cmd ps
  crun -d "$IMG" ps1 sleep 1000
  assert_status 0
  pid=$(C task ls | awk '$1 == "ps1" {print $2}')
  assert_match "$(C task ps ps1)" "^$pid( |\$)"
  c_rm ps1
}
t "ctr task ps (ocirt ps --format json)" test_ps

test_tty () {
  # ctr wants a terminal on its own stdin: script(1) gives it one.
  status=0
  output=$(timeout -k 5 60 script -qec "ctr --address '$CD/containerd.sock' -n '$NS' run --rm -t --runc-binary '$OCIRT' --runc-root '$RROOT' '$IMG' tty1 ocitest isatty" /dev/null < /dev/null 2>&1) || status=$?
  assert_status 0
  assert_match "$output" 'yes /dev/pts/[0-9]+'
  no_state tty1
}
t "ctr run --tty: console socket to the shim" test_tty

test_kill_term () {
  crun -d "$IMG" k1 sh -c 'trap "exit 42" TERM; while :; do sleep 0.1; done'
  assert_status 0
  sleep 0.3
  C task kill k1
  wait_for 10 sh -c "ctr --address '$CD/containerd.sock' -n '$NS' task ls | grep -Eq '^k1 .*STOPPED'" \
    || _assert_fail "task k1 did not stop on SIGTERM" "$(C task ls)"
  output=$(C task delete k1 2>&1)
  assert_match "$output" '42'
  C container rm k1
  no_state k1
}
t "ctr task kill (SIGTERM) reaches the container; exit status kept" test_kill_term

done_testing
