#!/bin/bash
# checkpoint/restore through CRIU: a counting container is dumped, is gone, is restored and
# counts on from where it was; --leave-running; a terminal container with --console-socket;
# pre-dump + dump with --parent-path; restore under a new id; criu errors name the log.
# criu 3.17 fails on recent host kernels (`criu check`): then the file is skipped; `make
# check-criu` runs it in the v2vm guest (kernel 6.1), where criu works.
. "$(dirname "$0")/../lib.sh"
require_root
require_cmd jq
require_ocitest
require_ocirt
command -v criu >/dev/null || skip_all "criu is not installed"
criu check >/dev/null 2>&1 || skip_all "criu check fails on kernel $(uname -r) (run it in the guest: make check-criu)"

# The counter writes to /count in the rootfs: its stdio must be the container's own files,
# not ours, for criu to dump them.
count_bundle () {
  make_bundle "$1"
  cfg "$1" '.root.readonly=false | .process.args=["/bin/sh","-c","exec /init count 100 </dev/null >/count 2>&1"]'
}

# Highest value counted so far.
last_count () { tail -n 1 "$BUNDLE/rootfs/count" 2>/dev/null; }
counted () { [ "$(last_count)" -ge "$1" ] 2>/dev/null; }

# The file holds exactly 0..N, one per line (no value lost or repeated across the restore).
assert_contiguous () {
  local text n
  text=$(cat "$BUNDLE/rootfs/count")   # one read: the counter may still be appending
  n=${text##*$'\n'}
  [ "$text" = "$(seq 0 "$n")" ] || _assert_fail "count file is not 0..$n" "$(echo "$text" | tr '\n' ' ')"
}

pid_gone () { ! kill -0 "$1" 2>/dev/null || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]; }

assert_in_cgroup () {
  local pid=$1 cg=$2
  assert_match "$(cat "/proc/$pid/cgroup")" "$cg\$" "pid $pid is not in cgroup $cg"
}

test_checkpoint_restore () {
  local pid n pid2
  count_bundle "$TMP/b1"
  ocirt_cmd run -d -b "$BUNDLE" c1
  assert_success
  echo "$BUNDLE" > "$TRACK/c1.bundle"
  wait_for 20 counted 3
  pid=$(ocirt_state c1 pid)
  ocirt_cmd checkpoint --image-path "$TMP/img1" c1
  assert_success
  wait_for 10 pid_gone "$pid"
  assert_eq "$(ocirt_state c1 status)" stopped
  [ -s "$TMP/img1/inventory.img" ] || _assert_fail "no inventory.img in the image dir"
  [ -s "$TMP/img1/descriptors.json" ] || _assert_fail "no descriptors.json in the image dir"
  n=$(last_count)
  sleep 0.5
  assert_eq "$(last_count)" "$n" "still counting after checkpoint"
  # Same id: the stopped record makes way.
  ocirt_cmd restore -d -b "$BUNDLE" --image-path "$TMP/img1" c1
  assert_success
  assert_eq "$(ocirt_state c1 status)" running
  pid2=$(ocirt_state c1 pid)
  assert_in_cgroup "$pid2" "/$CGROUP_PREFIX/b1"
  wait_for 20 counted $((n + 3))
  assert_contiguous
  [ ! -e "$ROOT/c1/criu-root" ] || _assert_fail "criu-root left in the state dir"
  ocirt_cmd delete -f c1
  assert_success
  wait_for 10 pid_gone "$pid2"
  assert_no_leftovers c1
}
t "checkpoint stops the container; restore counts on from the same value" test_checkpoint_restore

test_leave_running () {
  local pid n
  count_bundle "$TMP/b2"
  ocirt_cmd run -d -b "$BUNDLE" c2
  assert_success
  wait_for 20 counted 2
  pid=$(ocirt_state c2 pid)
  ocirt_cmd checkpoint --leave-running --image-path "$TMP/img2" --work-path "$TMP/work2" c2
  assert_success
  [ -s "$TMP/img2/inventory.img" ] || _assert_fail "no images"
  [ -s "$TMP/work2/dump.log" ] || _assert_fail "no dump.log in --work-path"
  assert_eq "$(ocirt_state c2 status)" running
  assert_eq "$(ocirt_state c2 pid)" "$pid"
  n=$(last_count)
  wait_for 20 counted $((n + 3))
  assert_contiguous
  ocirt_cmd delete -f c2
  assert_success
  assert_no_leftovers c2
}
t "checkpoint --leave-running keeps it running" test_leave_running

CONSOLE_PY='
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(4)
out = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
while True:
    c, _ = s.accept()
    _, fds, _, _ = socket.recv_fds(c, 64, 4)
    c.close()
    for fd in fds:
        while True:
            try:
                d = os.read(fd, 4096)
            except OSError:
                break
            if not d:
                break
            os.write(out, d)
        os.close(fd)
'
tty_counted () { [ "$(tr -d '\r' < "$TMP/tty.out" | grep -c "^$1\$")" -ge 1 ]; }

test_terminal () {
  local pid n
  command -v python3 >/dev/null || skip_test "needs python3 for the console socket receiver"
  make_bundle "$TMP/b3"
  cfg "$BUNDLE" '.process.terminal=true | .process.args=["/init","count","100"]'
  python3 -c "$CONSOLE_PY" "$TMP/console.sock" "$TMP/tty.out" &
  track_pid $!
  wait_for 10 test -S "$TMP/console.sock"
  ocirt_cmd run -d -b "$BUNDLE" --console-socket "$TMP/console.sock" c3
  assert_success
  echo "$BUNDLE" > "$TRACK/c3.bundle"
  wait_for 20 tty_counted 3
  pid=$(ocirt_state c3 pid)
  ocirt_cmd checkpoint --image-path "$TMP/img3" c3
  assert_success
  wait_for 10 pid_gone "$pid"
  n=$(tr -d '\r' < "$TMP/tty.out" | tail -n 1)
  ocirt_cmd restore -d -b "$BUNDLE" --image-path "$TMP/img3" --console-socket "$TMP/console.sock" c3
  assert_success
  assert_eq "$(ocirt_state c3 status)" running
  # The restored process writes to the pty whose new master went to the socket.
  wait_for 20 tty_counted $((n + 3))
  ocirt_cmd delete -f c3
  assert_success
  assert_no_leftovers c3
}
t "terminal container: restore sends the pty master to --console-socket" test_terminal

test_pre_dump () {
  local n
  count_bundle "$TMP/b4"
  ocirt_cmd run -d -b "$BUNDLE" c4
  assert_success
  wait_for 20 counted 2
  mkdir -p "$TMP/img4"
  ocirt_cmd checkpoint --pre-dump --image-path "$TMP/img4/pre" c4
  assert_success
  assert_eq "$(ocirt_state c4 status)" running
  [ -n "$(ls "$TMP/img4/pre"/pages-*.img 2>/dev/null)" ] || _assert_fail "pre-dump wrote no pages"
  ocirt_cmd checkpoint --image-path "$TMP/img4/final" --parent-path ../pre c4
  assert_success
  assert_eq "$(ocirt_state c4 status)" stopped
  [ -L "$TMP/img4/final/parent" ] || _assert_fail "final dump has no parent link"
  n=$(last_count)
  ocirt_cmd restore -d -b "$BUNDLE" --image-path "$TMP/img4/final" c4
  assert_success
  wait_for 20 counted $((n + 3))
  assert_contiguous
  ocirt_cmd delete -f c4
  assert_success
  assert_no_leftovers c4
}
t "pre-dump, then dump with --parent-path, then restore" test_pre_dump

test_new_id () {
  local n pid
  count_bundle "$TMP/b5"
  # A bind mount from the bundle (an external mount for criu, mapped back on restore) that
  # the counter's file lives on.
  mkdir "$BUNDLE/data" "$BUNDLE/rootfs/data"
  cfg "$BUNDLE" '.mounts += [{"destination":"/data","type":"bind","source":"data","options":["rbind","rw"]}]
                 | .process.args=["/bin/sh","-c","exec /init count 100 </dev/null >/data/count 2>&1"]'
  ln -s ../data/count "$BUNDLE/rootfs/count"
  ocirt_cmd run -d -b "$BUNDLE" c5
  assert_success
  wait_for 20 counted 2
  ocirt_cmd checkpoint --image-path "$TMP/img5" c5
  assert_success
  n=$(last_count)
  # The new container gets a cgroup of its own (c5's record still names the old one).
  cfg "$BUNDLE" '.linux.cgroupsPath=$cg' --arg cg "/$CGROUP_PREFIX/b5new"
  echo "$BUNDLE" > "$TRACK/c5new.bundle"
  ocirt_cmd restore -d -b "$BUNDLE" --image-path "$TMP/img5" --pid-file "$TMP/c5new.pid" c5new
  assert_success
  pid=$(ocirt_state c5new pid)
  assert_eq "$(cat "$TMP/c5new.pid")" "$pid"
  assert_eq "$(ocirt_state c5 status)" stopped
  assert_eq "$(ocirt_state c5new status)" running
  assert_in_cgroup "$pid" "/$CGROUP_PREFIX/b5new"
  wait_for 20 counted $((n + 3))
  assert_contiguous
  ocirt_cmd delete c5
  assert_success
  ocirt_cmd delete -f c5new
  assert_success
  assert_no_leftovers c5
  assert_no_leftovers c5new
}
t "restore under a new id" test_new_id

test_foreground () {
  make_bundle "$TMP/b6"
  # Slow enough to be caught half way; the restored process then ends with status 0.
  cfg "$BUNDLE" '.root.readonly=false | .process.args=["/bin/sh","-c","exec /init count 500 30 </dev/null >/count 2>&1"]'
  ocirt_cmd run -d -b "$BUNDLE" c6
  assert_success
  wait_for 20 counted 1
  ocirt_cmd checkpoint --image-path "$TMP/img6" c6
  assert_success
  ocirt_cmd restore -b "$BUNDLE" --image-path "$TMP/img6" c6
  assert_success
  assert_eq "$(last_count)" 29
  assert_contiguous
  assert_no_leftovers c6
}
t "foreground restore waits for the process and deletes the container" test_foreground

test_errors () {
  make_bundle "$TMP/b7"
  cfg "$BUNDLE" '.process.args=["/init","sleep","100"]'
  ocirt_create c7
  assert_success
  ocirt_cmd checkpoint --image-path "$TMP/img7" c7
  assert_failure
  assert_match "$stderr" "c7: checkpoint: cannot checkpoint a container that is created"
  ocirt_cmd delete -f c7
  mkdir -p "$TMP/empty"
  ocirt_cmd restore -d -b "$BUNDLE" --image-path "$TMP/empty" c7
  assert_failure
  assert_match "$stderr" "c7: restore: criu failed: .*\\(see $TMP/empty/restore.log\\)"
  assert_no_leftovers c7
  ocirt_cmd restore -d -b "$BUNDLE" --image-path "$TMP/nonexistent" c7
  assert_failure
  assert_match "$stderr" "image-path.*$TMP/nonexistent"
  assert_no_leftovers c7
}
t "errors: not running; criu failure names restore.log; nothing left behind" test_errors

done_testing
