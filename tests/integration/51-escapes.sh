#!/bin/bash
# Known container escapes stay closed: CVE-2019-5736 (/proc/self/exe), CVE-2024-21626 (leaked
# fds, cwd), symlinks planted in the rootfs (mount destinations, maskedPaths, /dev/null,
# devices; CVE-2025-31133), ids and cgroup paths with "..", procfs/sysfs protection.  The
# symlink tests run with openat2 and with paths.c's fallback (OCIRT_TEST_NO_OPENAT2=1).
. "$(dirname "$0")/../lib.sh"
require_root
require_cmd jq sha256sum nsenter
require_ocirt
require_ocitest

# A host directory the symlinks point at; it must stay empty.
HOSTDIR=$TMP/host
mkdir -p "$HOSTDIR"
echo secret > "$TMP/host-secret"

assert_host_untouched () {
  local l
  l=$(ls -A "$HOSTDIR")
  [ -z "$l" ] || _assert_fail "files appeared in the host directory $HOSTDIR" "$l"
  assert_eq "$(cat "$TMP/host-secret")" secret "the host file was changed"
  l=$(_mounts_under "$HOSTDIR")
  [ -z "$l" ] || _assert_fail "something is mounted on the host directory" "$l"
}

# ---- CVE-2019-5736 --------------------------------------------------------------------------

# Container a (pid ns owner) runs; b is created joining a's pid namespace, so b's init (an
# ocirt process) waits on exec.fifo inside a's pid namespace.  A process of a opens its
# /proc/<pid>/exe, and after b's init has exec'd, tries to write through that fd.  The ocirt
# used is a copy in $TMP, so a regression corrupts only the copy.
test_cve_2019_5736 () {
  local rt=$TMP/ocirt-copy sum apid bpid inner link
  cp "$OCIRT" "$rt"
  sum=$(sha256sum < "$rt")
  make_bundle "$TMP/a"
  cfg "$TMP/a" '.process.args=["/init","sleep","300"] | .root.readonly=false'
  ocirt_bg a
  wait_status a running || _assert_fail "a did not start" "$(cat "$TMP/a.err")"
  apid=$(ocirt_state a pid)
  make_bundle "$TMP/b"
  cfg "$TMP/b" '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)' --arg p "/proc/$apid/ns/pid"
  OCIRT=$rt ocirt_create b
  assert_success
  bpid=$(ocirt_state b pid)
  inner=$(awk '/^NSpid:/ {print $3}' "/proc/$bpid/status")
  [ -n "$inner" ] || _assert_fail "b's init is not in a's pid namespace" "$(grep NSpid "/proc/$bpid/status")"
  # The attacker, inside a (its pid and mount namespaces).
  cat > "$TMP/a/rootfs/attack.sh" <<'SH'
p=$1
readlink /proc/$p/exe > /tmp/exe-link
exec 3< /proc/$p/exe || { echo "open-failed" > /tmp/result; exit 0; }
echo opened > /tmp/opened
while [ ! -e /tmp/go ]; do sleep 0.1; done
if ( printf 'PWNED' >> /proc/self/fd/3 ) 2> /tmp/write-err; then echo written > /tmp/result
else echo write-failed > /tmp/result; fi
SH
  nsenter -t "$apid" -p -m -- /bin/sh /attack.sh "$inner" > "$TMP/attack.out" 2>&1 &
  local attacker=$!
  track_pid "$attacker"
  wait_for 10 test -e "$TMP/a/rootfs/tmp/opened" -o -e "$TMP/a/rootfs/tmp/result" \
    || _assert_fail "attacker did not run" "$(cat "$TMP/attack.out")"
  link=$(cat "$TMP/a/rootfs/tmp/exe-link")
  OCIRT=$rt ocirt_cmd start b
  assert_success
  wait_for 10 test ! -d "/proc/$bpid" -o "$(readlink "/proc/$bpid/exe" 2>/dev/null)" != "$link" || true
  touch "$TMP/a/rootfs/tmp/go"
  wait "$attacker" || true
  assert_eq "$(sha256sum < "$rt")" "$sum" "the runtime binary on the host was changed"
  assert_match "$link" '^/memfd:' "b's init runs from a memfd copy, not the host binary"
  assert_match "$(cat "$TMP/a/rootfs/tmp/result")" '^(write-failed|open-failed)$'
}
t "CVE-2019-5736: init in a joined pid ns runs from a sealed copy; host binary unchanged" test_cve_2019_5736

test_cve_2019_5736_exec () {
  local rt=$TMP/ocirt-copy2 sum epid link=
  make_bundle "$TMP/x"
  cfg "$TMP/x" '.process.args=["/init","sleep","300"]'
  ocirt_bg x
  wait_status x running || _assert_fail "x did not start" "$(cat "$TMP/x.err")"
  ocirt_cmd exec x /init true
  if printf '%s\n' "$stderr" | grep -q 'not implemented'; then
    skip_test "ocirt exec is not implemented in this build ($stderr)"
  fi
  assert_success
  cp "$OCIRT" "$rt"
  sum=$(sha256sum < "$rt")
  # Every process exec forks into the container's namespaces is a fork of the exec process:
  # while it waits for its process, its exe must be the sealed copy, not $rt.
  "$rt" --root "$ROOT" exec x /init sleep 30 > "$TMP/exec.out" 2>&1 &
  epid=$!
  track_pid "$epid"
  wait_for 10 sh -c "readlink /proc/$epid/exe | grep -q '^/memfd:'" || true
  link=$(readlink "/proc/$epid/exe" || true)
  # The copy is the binary's loaded image: a prefix of the file up to the end of its last
  # segment (an unstripped build's symbols and debug info are left out), byte for byte.
  local size
  size=$(stat -L -c %s "/proc/$epid/exe" 2>/dev/null || echo 0)
  [ "$size" -gt 0 ] && [ "$size" -le "$(stat -c %s "$rt")" ] || _assert_fail "memfd copy size $size"
  cmp -n "$size" "/proc/$epid/exe" "$rt" || _assert_fail "the memfd copy differs from the binary"
  # Nothing of the host file stays mapped either (ocirt swaps its segments for the copy's in
  # place; the kernel only lets the exe link change then): no map_files way back to $rt.
  local ino maps
  ino=$(stat -c %i "$rt")
  maps=$(awk -v i="$ino" -v p="$rt" '$5 == i && index($6, p) == 1' "/proc/$epid/maps")
  [ -z "$maps" ] || _assert_fail "the exec process still maps the host binary" "$maps"
  kill "$epid" 2>/dev/null || true
  wait "$epid" 2>/dev/null || true
  assert_match "$link" '^/memfd:ocirt' "ocirt exec runs from a memfd copy (exe: $link)"
  assert_eq "$(sha256sum < "$rt")" "$sum" "the runtime binary on the host was changed"
}
t "CVE-2019-5736: ocirt exec runs from a sealed copy" test_cve_2019_5736_exec

# The window before exec's process execve()s: it is in the container (pid and mount
# namespaces) while it looks up its user, so an /etc/passwd that is a fifo holds it there.  An
# attacker in the container with every capability (nsenter: root with CAP_SYS_PTRACE, which
# gets past the process being non-dumpable) opens its /proc/<pid>/exe, lets it go on, and
# writes through the fd once it is gone.  Only a sealed copy as that process's exe keeps the
# host binary safe.
test_cve_2019_5736_exec_window () {
  local rt=$TMP/ocirt-copy3 sum ypid epid cpid inner
  make_bundle "$TMP/y"
  cfg "$TMP/y" '.process.args=["/init","sleep","300"] | .root.readonly=false'
  BUNDLE=$TMP/y ocirt_bg y
  wait_status y running || _assert_fail "y did not start" "$(cat "$TMP/y.err")"
  ypid=$(ocirt_state y pid)
  cp "$OCIRT" "$rt"
  sum=$(sha256sum < "$rt")
  rm -f "$TMP/y/rootfs/etc/passwd"
  mkdir -p "$TMP/y/rootfs/etc"
  mkfifo "$TMP/y/rootfs/etc/passwd"
  "$rt" --root "$ROOT" exec y /init true > "$TMP/win.out" 2>&1 &
  epid=$!
  track_pid "$epid"
  wait_for 10 sh -c "pgrep -P $epid > /dev/null" || _assert_fail "exec started no process" "$(cat "$TMP/win.out")"
  cpid=$(pgrep -P "$epid" | head -n 1)
  wait_for 10 sh -c "grep -q '^State:.*S' /proc/$cpid/status" || _assert_fail "exec's process did not block"
  inner=$(awk '/^NSpid:/ {print $NF}' "/proc/$cpid/status")
  cat > "$TMP/y/rootfs/attack.sh" <<'SH'
readlink /proc/$1/exe > /tmp/exe-link
exec 3< /proc/$1/exe || { echo open-failed > /tmp/result; exit 0; }
: > /etc/passwd
while [ -d /proc/$1 ]; do sleep 0.05; done
SH
  nsenter -t "$ypid" -p -m -- /bin/sh -c '. /attack.sh "$1"; while [ ! -e /tmp/go ]; do sleep 0.05; done
    if ( printf PWNED >> /proc/self/fd/3 ) 2> /tmp/write-err; then echo written > /tmp/result
    else echo write-failed > /tmp/result; fi' sh "$inner" > "$TMP/attack3.out" 2>&1 &
  local attacker=$!
  track_pid "$attacker"
  wait "$epid" || _assert_fail "exec failed" "$(cat "$TMP/win.out")"
  # The exec process (the last one that could hold the binary busy) has exited.
  touch "$TMP/y/rootfs/tmp/go"
  wait "$attacker" || true
  assert_match "$(cat "$TMP/y/rootfs/tmp/exe-link" 2>/dev/null)" '^/memfd:ocirt' "the exec process's exe is the sealed copy"
  assert_eq "$(sha256sum < "$rt")" "$sum" "the runtime binary on the host was changed"
  assert_match "$(cat "$TMP/y/rootfs/tmp/result" 2>/dev/null)" '^(write-failed|open-failed)$'
}
t "CVE-2019-5736: a container process holding exec's process in its window cannot reach the host binary" test_cve_2019_5736_exec_window

# ---- CVE-2024-21626 -------------------------------------------------------------------------

test_fds_closed () {
  make_bundle "$TMP/fd"
  cfg "$TMP/fd" '.process.args=["/init","fds"]'
  exec 7< "$TMP" 8< /etc/passwd 9< "$TMP/host-secret"
  ocirt_run fd
  assert_success
  assert_eq "$(printf '%s\n' "$output" | awk '{print $1}' | tr '\n' ' ')" "0 1 2 "
}
t "CVE-2024-21626: no host fd survives into the container (only 0, 1, 2)" test_fds_closed

test_preserve_fds () {
  make_bundle "$TMP/pf"
  cfg "$TMP/pf" '.process.args=["/init","fds"]'
  exec 3< /etc/passwd 4< /etc/hostname
  ocirt_run pf --preserve-fds 1
  assert_success
  assert_eq "$(printf '%s\n' "$output" | awk '{print $1}' | tr '\n' ' ')" "0 1 2 3 "
}
t "--preserve-fds 1 passes exactly fd 3" test_preserve_fds

test_cwd_leaked_fd () {
  local n
  make_bundle "$TMP/cw"
  for n in 3 4 5 6 7 8 9; do
    cfg "$TMP/cw" '.process.cwd=$c | .process.args=["/init","cwd"]' --arg c "/proc/self/fd/$n"
    exec 3< "$HOSTDIR"
    ocirt_run cw --preserve-fds 1
    if [ "$status" = 0 ]; then
      # Started: then the cwd must be inside the container root.
      assert_match "$output" '^/' "cwd $n"
      assert_no_match "$output" "$HOSTDIR|unreachable" "cwd $n"
    else
      assert_match "$stderr" "cwd|chdir|/proc/self/fd/$n" "error names the cwd"
    fi
    assert_host_untouched
  done
  # The preserved fd itself (3, a host directory) is refused.
  cfg "$TMP/cw" '.process.cwd="/proc/self/fd/3"'
  exec 3< "$HOSTDIR"
  ocirt_run cw --preserve-fds 1
  assert_failure
  assert_match "$stderr" 'outside the container root|/proc/self/fd/3'
}
t "CVE-2024-21626: process.cwd = /proc/self/fd/N never lands outside the rootfs" test_cwd_leaked_fd

test_cwd_inside () {
  make_bundle "$TMP/ci"
  cfg "$TMP/ci" '.process.cwd="/home/user" | .process.args=["/init","cwd"]'
  ocirt_run ci
  assert_success
  assert_eq "$output" /home/user
}
t "process.cwd is resolved inside the rootfs" test_cwd_inside

# ---- symlinks planted in the rootfs -----------------------------------------------------------

sym_mount_dest () {
  [ "${1:-}" != fallback ] || export OCIRT_TEST_NO_OPENAT2=1
  local b=$TMP/sm$1
  make_bundle "$b"
  mkdir -p "$b/rootfs/mnt"
  ln -s "$HOSTDIR" "$b/rootfs/mnt/abs"
  ln -s "../../../../../../../../../../$HOSTDIR" "$b/rootfs/mnt/rel"
  cfg "$b" '.process.args=["/bin/sh","-c","/init write /mnt/abs/new/f1 x; /init write /mnt/rel/new/f2 x; true"]
            | .mounts += [{destination:"/mnt/abs/new",type:"tmpfs",source:"tmpfs",options:["size=1m"]},
                          {destination:"/mnt/rel/new",type:"tmpfs",source:"tmpfs",options:["size=1m"]},
                          {destination:"/mnt/abs/bind",type:"bind",source:$s,options:["rbind","ro"]}]' \
      --arg s "$TMP/host-secret"
  ocirt_run "sm$1"
  assert_host_untouched
  [ "$status" = 0 ] || assert_match "$stderr" 'mnt|mounts' "a refusal names the mount"
  assert_no_leftovers "sm$1"
}
t "mount destinations through symlinks to a host dir stay in the rootfs" sym_mount_dest
t "mount destinations through symlinks to a host dir stay in the rootfs (no openat2)" sym_mount_dest fallback

sym_devnull () {
  [ "${1:-}" != fallback ] || export OCIRT_TEST_NO_OPENAT2=1
  local b=$TMP/dn$1
  make_bundle "$b"
  # No /dev tmpfs: the rootfs's own /dev, where /dev/null is a planted symlink.
  ln -s /proc/sys/kernel/domainname "$b/rootfs/dev/null"
  cfg "$b" '.mounts |= map(select(.destination != "/dev" and (.destination | startswith("/dev/") | not)))
            | .linux.maskedPaths=["/proc/keys","/proc/timer_list"]
            | .process.args=["/init","stat","/proc/keys"]'
  ocirt_run "dn$1"
  if [ "$status" = 0 ]; then
    assert_match "$output" '^type char' "/proc/keys masked by the null device"
    assert_match "$output" '^major 1$'
    assert_match "$output" '^minor 3$'
  else
    assert_match "$stderr" 'maskedPaths|/dev/null'
  fi
  assert_no_leftovers "dn$1"
}
t "CVE-2025-31133: a /dev/null symlink in the rootfs is not used for masking" sym_devnull
t "CVE-2025-31133: a /dev/null symlink in the rootfs is not used for masking (no openat2)" sym_devnull fallback

sym_masked_target () {
  [ "${1:-}" != fallback ] || export OCIRT_TEST_NO_OPENAT2=1
  local b=$TMP/mt$1
  make_bundle "$b"
  mkdir -p "$b/rootfs/mnt"
  ln -s "$TMP/host-secret" "$b/rootfs/mnt/secret"
  ln -s "$HOSTDIR" "$b/rootfs/mnt/dir"
  ln -s /proc/self/status "$b/rootfs/mnt/procfile"
  cfg "$b" '.linux.maskedPaths += ["/mnt/secret","/mnt/dir","/mnt/procfile"]
            | .linux.readonlyPaths += ["/mnt/dir/ro"]
            | .process.args=["/init","status","Seccomp"]'
  ocirt_run "mt$1"
  assert_host_untouched
  [ "$status" = 0 ] || assert_match "$stderr" 'maskedPaths|readonlyPaths'
  assert_no_leftovers "mt$1"
}
t "maskedPaths/readonlyPaths that are symlinks do not reach the host" sym_masked_target
t "maskedPaths/readonlyPaths that are symlinks do not reach the host (no openat2)" sym_masked_target fallback

sym_device () {
  [ "${1:-}" != fallback ] || export OCIRT_TEST_NO_OPENAT2=1
  local b=$TMP/dv$1
  make_bundle "$b"
  mkdir -p "$b/rootfs/mnt"
  ln -s "$HOSTDIR" "$b/rootfs/mnt/devs"
  cfg "$b" '.root.readonly=false | .linux.devices=[{path:"/mnt/devs/null2",type:"c",major:1,minor:3,fileMode:438}]
            | .process.args=["/init","stat","/mnt/devs/null2"]'
  ocirt_run "dv$1"
  assert_host_untouched
  [ "$status" = 0 ] || assert_match "$stderr" 'devices|null2'
  assert_no_leftovers "dv$1"
}
t "linux.devices path through a symlink stays in the rootfs" sym_device
t "linux.devices path through a symlink stays in the rootfs (no openat2)" sym_device fallback

sym_dev_dir () {
  [ "${1:-}" != fallback ] || export OCIRT_TEST_NO_OPENAT2=1
  local b=$TMP/dd$1
  make_bundle "$b"
  # /dev symlinks the runtime makes (fd, stdin, ptmx...) land in a /dev that is a symlink to
  # the host dir, when the rootfs has no /dev tmpfs.
  rmdir "$b/rootfs/dev"
  ln -s "$HOSTDIR" "$b/rootfs/dev"
  cfg "$b" '.mounts |= map(select(.destination != "/dev" and (.destination | startswith("/dev/") | not)))
            | .root.readonly=false'
  ocirt_run "dd$1"
  assert_host_untouched
  assert_no_leftovers "dd$1"
}
t "a rootfs whose /dev is a symlink to a host dir: nothing is created there" sym_dev_dir
t "a rootfs whose /dev is a symlink to a host dir: nothing is created there (no openat2)" sym_dev_dir fallback

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

sym_console () {
  [ "${1:-}" != fallback ] || export OCIRT_TEST_NO_OPENAT2=1
  python3 -c 'import socket; socket.recv_fds' 2>/dev/null || skip_test "needs python3 with socket.recv_fds"
  local b=$TMP/co$1 out=$TMP/tty$1.out pid
  make_bundle "$b"
  # CVE-2025-52565: the rootfs's own /dev (no tmpfs) with /dev/console a symlink to a procfs
  # file; the pty must not be mounted over the symlink's target.
  ln -s /proc/sys/kernel/domainname "$b/rootfs/dev/console"
  ln -s "$TMP/host-secret" "$b/rootfs/dev/tty0"
  mkdir -p "$b/rootfs/dev/pts"
  cfg "$b" '.mounts |= map(select(.destination == "/dev/pts" or (.destination != "/dev" and (.destination | startswith("/dev/") | not))))
            | .process.terminal=true
            | .process.args=["/bin/sh","-c","/init mountinfo | grep -E \" /(dev/console|proc/sys/kernel/domainname) \"; /init stat /dev/console; echo END"]'
  python3 -c "$CONSOLE_PY" "$TMP/console$1.sock" "$out" &
  track_pid $!
  wait_for 10 test -S "$TMP/console$1.sock"
  ocirt_cmd run -d -b "$b" --console-socket "$TMP/console$1.sock" "co$1"
  echo "$b" > "$TRACK/co$1.bundle"
  if [ "$status" = 0 ]; then
    wait_for 10 grep -q END "$out" || _assert_fail "no output on the pty" "$(cat "$out")"
    assert_no_match "$(cat "$out")" 'domainname' "something is mounted on /proc/sys/kernel/domainname"
    assert_match "$(tr -d '\r' < "$out")" '^type char$' "/dev/console is the pty"
    assert_match "$(tr -d '\r' < "$out")" '^major 136$'
    ocirt_cmd delete -f "co$1"
  else
    assert_match "$stderr" 'console'
  fi
  assert_host_untouched
  assert_no_leftovers "co$1"
}
t "CVE-2025-52565: /dev/console that is a symlink (terminal)" sym_console
t "CVE-2025-52565: /dev/console that is a symlink (terminal, no openat2)" sym_console fallback

test_exec_cwd_symlink () {
  make_bundle "$TMP/ec"
  mkdir -p "$TMP/ec/rootfs/mnt"
  ln -s "$HOSTDIR" "$TMP/ec/rootfs/mnt/out"
  cfg "$TMP/ec" '.process.args=["/init","sleep","300"]'
  ocirt_bg ec
  wait_status ec running || _assert_fail "ec did not start" "$(cat "$TMP/ec.err")"
  ocirt_cmd exec --cwd /mnt/out ec /init cwd
  if printf '%s\n' "$stderr" | grep -q 'not implemented'; then
    skip_test "ocirt exec is not implemented in this build"
  fi
  [ "$status" != 0 ] || assert_no_match "$output" "^$HOSTDIR"
  ocirt_cmd exec --cwd /mnt/out ec /init write newfile x
  assert_host_untouched
}
t "exec --cwd through a symlink stays in the rootfs" test_exec_cwd_symlink

# ---- ids and paths with ".." --------------------------------------------------------------------

test_bad_ids () {
  local id before
  make_bundle "$TMP/id"
  before=$(ls -A "$ROOT")
  for id in ../evil .. a/b /abs "" .; do
    ocirt_cmd create -b "$TMP/id" "$id"
    assert_failure
    [ -n "$stderr" ] || _assert_fail "no error for id '$id'"
  done
  [ ! -e "$TMP/evil" ] || _assert_fail "a state dir was made outside --root"
  assert_eq "$(ls -A "$ROOT")" "$before" "nothing new in --root"
}
t "container ids with '..' or '/' are rejected" test_bad_ids

test_bad_cgroup_path () {
  make_bundle "$TMP/cg"
  local p
  for p in "/$CGROUP_PREFIX/../$CGROUP_PREFIX-esc" "/$CGROUP_PREFIX/cg/../../../x"; do
    cfg "$TMP/cg" '.linux.cgroupsPath=$p' --arg p "$p"
    ocirt_run cg
    assert_failure
    assert_match "$stderr" 'cgroupsPath|\.\.'
  done
  [ ! -d "/sys/fs/cgroup/memory/$CGROUP_PREFIX-esc" ] && [ ! -d "/sys/fs/cgroup/unified/$CGROUP_PREFIX-esc" ] \
    || _assert_fail "a cgroup was made outside the prefix"
  assert_no_leftovers cg
}
t "linux.cgroupsPath with '..' is rejected" test_bad_cgroup_path

test_exec_cgroup () {
  make_bundle "$TMP/xc"
  cfg "$TMP/xc" '.process.args=["/init","sleep","300"]'
  ocirt_bg xc
  wait_status xc running || _assert_fail "xc did not start" "$(cat "$TMP/xc.err")"
  ocirt_cmd exec --cgroup ../x xc /init true
  if printf '%s\n' "$stderr" | grep -qE 'not implemented|unrecognized option|invalid option'; then
    skip_test "ocirt exec --cgroup is not implemented in this build ($stderr)"
  fi
  assert_failure
  assert_match "$stderr" '\.\.'
  ocirt_cmd exec --cgroup memory:a/../../b xc /init true
  assert_failure
  assert_match "$stderr" '\.\.'
  ocirt_cmd exec --cgroup /abs xc /init true
  assert_failure
  assert_match "$stderr" 'relative|/abs'
}
t "exec --cgroup ../x and absolute paths are rejected" test_exec_cgroup

# ---- procfs and sysfs ---------------------------------------------------------------------------

test_proc_protected () {
  make_bundle "$TMP/pr"
  cfg "$TMP/pr" '.process.args=["/bin/sh","-c","/init stat /proc/keys; /init stat /proc/timer_list; /init ls /proc/acpi; /init write /proc/sys/kernel/domainname x; /init mountinfo; true"]'
  ocirt_run pr
  assert_success
  assert_eq "$(printf '%s\n' "$output" | grep -c '^type char')" 2 "/proc/keys and /proc/timer_list are masked"
  assert_match "$stderr" 'domainname: Read-only file system' "/proc/sys is read-only"
  assert_match "$output" ' /proc/acpi ro[, ]' "/proc/acpi is a read-only empty mount"
  assert_match "$output" ' /proc/sys ro[, ]'
  assert_match "$output" ' /proc/bus ro[, ]'
}
t "maskedPaths and readonlyPaths in /proc" test_proc_protected

test_sys_userns () {
  make_bundle "$TMP/us"
  chmod 755 "$TMP/us"
  chown -R 200000:200000 "$TMP/us/rootfs"
  cfg "$TMP/us" '.linux.namespaces += [{type:"user"}]
                 | .linux.uidMappings=[{containerID:0,hostID:200000,size:65536}]
                 | .linux.gidMappings=[{containerID:0,hostID:200000,size:65536}]
                 | .mounts |= map(if .destination == "/sys" then .options=["rbind","nosuid","noexec","nodev","ro"] | .type="bind" | .source="/sys" else . end)
                 | .process.args=["/bin/sh","-c","/init write /sys/kernel/mm/transparent_hugepage/enabled never; /init write /sys/fs/cgroup/x x; /init mountinfo | grep \" /sys \"; true"]'
  local before
  before=$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)
  ocirt_run us
  if [ "$status" != 0 ] && printf '%s\n' "$stderr" | grep -qiE 'user namespace|uidMappings|newuidmap'; then
    skip_test "user namespaces not usable here: $stderr"
  fi
  assert_success
  assert_no_match "$output" '^ok$' "a write to sysfs succeeded"
  assert_match "$output" ' /sys .*\bro\b'
  assert_eq "$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)" "$before"
}
t "in a new user namespace, /sys is not writable host sysfs" test_sys_userns

done_testing
