#!/bin/bash
# ocirt exec: a new process joins the container's namespaces, cgroup, root, and gets the
# process attributes (its own or the container's), with runc's flags.
. "$(dirname "$0")/../lib.sh"
require_root
require_cmd jq
require_ocirt
require_ocitest

# One long-running container shared by most tests.
start_box () {
  BOX=box$_tap_n
  make_bundle "$TMP/$BOX"
  cfg "$TMP/$BOX" '.root.readonly=false | .process.args=["/init","sleep","1000"] | .process.env += ["FROM_CONFIG=1"]'
  ocirt_run "$BOX" -d
  assert_success
  INIT=$(ocirt_state "$BOX" pid)
}

test_namespaces () {
  start_box
  ocirt_cmd exec "$BOX" /init ns
  assert_success
  for ns in cgroup ipc mnt net pid user uts; do
    want=$(readlink "/proc/$INIT/ns/$ns")
    assert_match "$output" "^$ns $(sed 's/[][]/\\&/g' <<< "$want")\$" "exec is in the container's $ns namespace"
  done
  ocirt_cmd exec "$BOX" /init pid
  assert_success
  assert_match "$output" '^pid [0-9]+$'
  assert_no_match "$output" '^pid 1$'
  assert_match "$output" '^ppid 0$' "the parent (ocirt) is outside the pid namespace"
  ocirt_cmd exec "$BOX" /init hostname
  assert_eq "$output" "$(cfg_get "$TMP/$BOX" .hostname)"
}
t "exec joins every namespace of the container (pid included)" test_namespaces

test_cgroup_root_and_pidfile () {
  start_box
  ocirt_cmd exec -d --pid-file "$TMP/e.pid" "$BOX" /init sleep 100
  assert_success
  pid=$(cat "$TMP/e.pid")
  assert_match "$pid" '^[0-9]+$'
  assert_eq "$(cat "/proc/$pid/cgroup")" "$(cat "/proc/$INIT/cgroup")" "same cgroups as the init"
  assert_eq "$(readlink "/proc/$pid/root")" "$(readlink "/proc/$INIT/root")" "same root"
  assert_match "$(grep NSpid "/proc/$pid/status")" '^NSpid:[[:space:]]+[0-9]+[[:space:]]+[0-9]+$' "born in the pid namespace"
  ocirt_cmd ps --format json "$BOX"
  assert_match "$output" "$pid"
  ocirt_cmd delete -f "$BOX"
  assert_no_leftovers "$BOX"
  ! kill -0 "$pid" 2>/dev/null || _assert_fail "exec'd process $pid survived delete -f"
}
t "exec -d: in the container's cgroup and root; --pid-file" test_cgroup_root_and_pidfile

test_exit_codes () {
  start_box
  ocirt_cmd exec "$BOX" /init echo hello world
  assert_success
  assert_eq "$output" "hello world"
  ocirt_cmd exec "$BOX" /init exit 7
  assert_status 7
  ocirt_cmd exec "$BOX" /bin/sh -c 'kill -9 $$'
  assert_status 137
  ocirt_cmd exec "$BOX" /nonexistent
  assert_failure
  assert_match "$stderr" "^ocirt: $BOX: exec /nonexistent: executable file not found: No such file or directory"
  ocirt_cmd exec "$BOX" nosuchcmd
  assert_failure
  assert_match "$stderr" 'nosuchcmd: executable file not found in \$PATH'
  # options after the command belong to it
  ocirt_cmd exec "$BOX" /init echo -e -t
  assert_eq "$output" "-e -t"
}
t "foreground exec: output, exit code, 128+signal, exec errors" test_exit_codes

test_env_user_cwd () {
  start_box
  ocirt_cmd exec -e FOO=bar -e PATH=/bin:/sbin "$BOX" /init env
  assert_success
  assert_match "$output" '^FOO=bar$'
  assert_match "$output" '^FROM_CONFIG=1$' "the container's env is kept"
  assert_match "$output" '^PATH=/bin:/sbin$' "-e replaces a variable"
  assert_eq "$(grep -c '^PATH=' <<< "$output")" 1
  assert_match "$output" '^HOME=/root$'
  ocirt_cmd exec -u 1000:1000 "$BOX" /init id
  assert_match "$output" '^uid 1000$'
  assert_match "$output" '^gid 1000$'
  ocirt_cmd exec -u 1000 "$BOX" /init env
  assert_match "$output" '^HOME=/home/user$' "HOME from the container's passwd"
  ocirt_cmd exec -u 1000 -g 5 -g 7 "$BOX" /init id
  assert_match "$output" '^groups 5 7$'
  ocirt_cmd exec --cwd /tmp "$BOX" /init cwd
  assert_eq "$output" /tmp
  ocirt_cmd exec --cwd /nonexistent "$BOX" /init cwd
  assert_failure
  assert_match "$stderr" 'chdir /nonexistent: No such file'
  ocirt_cmd exec -u abc "$BOX" /init id
  assert_failure
  assert_match "$stderr" 'invalid --user uid `abc`'
}
t "exec: env merged with -e, -u UID:GID, -g, --cwd" test_env_user_cwd

test_caps_nnp () {
  start_box
  ocirt_cmd exec "$BOX" /init caps
  base=$(awk '/^CapEff/ {print $2}' <<< "$output")
  assert_eq "$base" "$(awk '/^CapEff/ {print $2}' "/proc/$INIT/status")" "the container's capabilities"
  ocirt_cmd exec --cap CAP_SYS_ADMIN --cap net_raw "$BOX" /init caps
  assert_success
  eff=$(awk '/^CapEff/ {print $2}' <<< "$output")
  assert_eq "$(( 0x$eff ))" "$(( 0x$base | (1 << 21) | (1 << 13) ))" "--cap adds SYS_ADMIN and NET_RAW"
  ocirt_cmd exec --cap CAP_BOGUS "$BOX" /init caps
  assert_failure
  assert_match "$stderr" 'unknown capability `CAP_BOGUS`'
  ocirt_cmd exec "$BOX" /init status NoNewPrivs
  assert_eq "$output" "NoNewPrivs $(awk '/^NoNewPrivs/ {print $2}' "/proc/$INIT/status")"
  cfg "$TMP/$BOX" '.process.noNewPrivileges=false'
  ocirt_run "${BOX}b" -d
  ocirt_cmd exec "${BOX}b" /init status NoNewPrivs
  assert_eq "$output" "NoNewPrivs 0"
  ocirt_cmd exec --no-new-privs "${BOX}b" /init status NoNewPrivs
  assert_eq "$output" "NoNewPrivs 1"
}
t "exec: the container's capabilities, --cap, --no-new-privs" test_caps_nnp

test_fds () {
  start_box
  echo data > "$TMP/f"
  exec 7< "$TMP/f"
  ocirt_cmd exec "$BOX" /init fds
  exec 7<&-
  assert_success
  assert_eq "$(awk '{print $1}' <<< "$output" | tr '\n' ' ')" "0 1 2 " "no fd of the runtime or its caller leaks"
  ocirt_cmd exec --preserve-fds 1 "$BOX" /init fds 3< "$TMP/f"
  assert_success
  assert_match "$output" '^3 '
  assert_no_match "$output" '^4 '
}
t "exec closes every other fd (CVE-2024-21626); --preserve-fds" test_fds

test_process_file () {
  start_box
  cat > "$TMP/process.json" <<'EOF'
{ "args": ["/init", "env"], "env": ["ONLY=this", "PATH=/bin"], "cwd": "/etc",
  "user": { "uid": 1000, "gid": 1000 }, "terminal": false }
EOF
  ocirt_cmd exec --process "$TMP/process.json" "$BOX"
  assert_success
  assert_match "$output" '^ONLY=this$'
  assert_no_match "$output" '^FROM_CONFIG='
  cat > "$TMP/p2.json" <<'EOF'
{ "args": ["/init", "cwd"], "cwd": "/etc", "user": { "uid": 0, "gid": 0 } }
EOF
  ocirt_cmd exec -p "$TMP/p2.json" "$BOX"
  assert_eq "$output" /etc
  echo '{ "args": [], "cwd": "/" }' > "$TMP/p3.json"
  ocirt_cmd exec -p "$TMP/p3.json" "$BOX"
  assert_failure
  assert_match "$stderr" 'args'
  ocirt_cmd exec -p "$TMP/p2.json" "$BOX" /init true
  assert_failure
}
t "exec --process FILE" test_process_file

test_states () {
  make_bundle "$TMP/s"
  cfg "$TMP/s" '.process.args=["/init","sleep","100"]'
  ocirt_run s1 -d
  ocirt_cmd kill s1 KILL
  wait_status s1 stopped
  ocirt_cmd exec s1 /init true
  assert_failure
  assert_match "$stderr" '^ocirt: s1: cannot exec in a stopped container'
  ocirt_cmd exec nosuch /init true
  assert_failure
  assert_match "$stderr" '^ocirt: nosuch: container does not exist'
  ocirt_cmd delete s1
  assert_success
  assert_no_leftovers s1
}
t "exec into a stopped or missing container is an error" test_states

test_cgroup_sub () {
  start_box
  for bad in ../x /abs a/../../b 'cpu:../x'; do
    ocirt_cmd exec --cgroup "$bad" "$BOX" /init true
    assert_failure
    assert_match "$stderr" '--cgroup'
  done
}
t "exec --cgroup refuses absolute paths and .." test_cgroup_sub

test_cgroup_sub_ok () {
  # the v1 pids hierarchy's line, or the v2 one
  local line="^[0-9]+:pids:" d
  [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ] || line="^0::"
  start_box
  ocirt_cmd exec --cgroup sub "$BOX" /init cgroup
  assert_success
  assert_match "$output" "$line/$CGROUP_PREFIX/$BOX/sub\$" "in the sub-cgroup"
  ocirt_cmd exec -d --cgroup pids:sub2 "$BOX" /init sleep 100
  assert_success
  for d in /sys/fs/cgroup/pids /sys/fs/cgroup; do
    [ -e "$d/cgroup.procs" ] || continue
    grep -q . "$d/$CGROUP_PREFIX/$BOX/sub2/cgroup.procs" || _assert_fail "nothing in $d/$CGROUP_PREFIX/$BOX/sub2"
    break
  done
  ocirt_cmd delete -f "$BOX"
  assert_success
  assert_no_leftovers "$BOX"
  for d in /sys/fs/cgroup/pids /sys/fs/cgroup; do
    [ ! -e "$d/$CGROUP_PREFIX/$BOX" ] || _assert_fail "$d/$CGROUP_PREFIX/$BOX left"
  done
}
if [ -d /sys/fs/cgroup/pids ] || [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
  t "exec --cgroup SUB joins a sub-cgroup; delete removes it" test_cgroup_sub_ok
else
  skip "exec --cgroup SUB joins a sub-cgroup; delete removes it" "needs the v1 pids hierarchy or cgroup v2"
fi

test_paused () {
  start_box
  ocirt_cmd pause "$BOX"
  [ "$status" = 0 ] || skip_test "pause failed: $stderr"
  ocirt_cmd exec "$BOX" /init true
  assert_failure
  assert_match "$stderr" "^ocirt: $BOX: cannot exec in a paused container"
  ocirt_cmd resume "$BOX"
  assert_success
  ocirt_cmd exec "$BOX" /init true
  assert_success
}
t "exec into a paused container is an error" test_paused

test_seccomp_rlimits () {
  make_bundle "$TMP/sc"
  cfg "$TMP/sc" '.root.readonly=false | .process.args=["/init","sleep","100"]
    | .process.rlimits=[{"type":"RLIMIT_NOFILE","hard":777,"soft":555}]
    | .linux.seccomp={"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}'
  ocirt_run sc -d
  assert_success
  ocirt_cmd exec sc /init mkdir /tmp/x
  assert_failure
  assert_match "$output" 'errno 1 EPERM'
  [ ! -e "$TMP/sc/rootfs/tmp/x" ]
  ocirt_cmd exec sc /init rlimits
  assert_match "$output" '^RLIMIT_NOFILE 555 777$'
}
t "exec gets the container's seccomp profile and rlimits" test_seccomp_rlimits

test_signal_forwarding () {
  start_box
  "$OCIRT" --root "$ROOT" exec "$BOX" /bin/sh -c 'trap "exit 9" TERM; echo ready; while :; do /init sleep 0.1; done' > "$TMP/fw.out" 2>&1 &
  p=$!
  track_pid $p
  wait_output "$TMP/fw.out" '^ready$'
  kill -TERM $p
  wait $p && rc=0 || rc=$?
  assert_eq "$rc" 9 "TERM reached the process, its exit code came back"
}
t "foreground exec forwards signals" test_signal_forwarding

test_userns () {
  make_bundle "$TMP/us"
  chown -R 100000:100000 "$TMP/us/rootfs"
  cfg "$TMP/us" '.process.args=["/init","sleep","100"] | .linux.namespaces += [{"type":"user"},{"type":"cgroup"}]
    | .linux.uidMappings=[{"containerID":0,"hostID":100000,"size":65536}]
    | .linux.gidMappings=[{"containerID":0,"hostID":100000,"size":65536}]'
  ocirt_run us -d
  assert_success
  init=$(ocirt_state us pid)
  ocirt_cmd exec -d --pid-file "$TMP/us.pid" us /init sleep 100
  assert_success
  pid=$(cat "$TMP/us.pid")
  for ns in user cgroup mnt pid; do
    assert_eq "$(readlink "/proc/$pid/ns/$ns")" "$(readlink "/proc/$init/ns/$ns")" "$ns namespace"
  done
  assert_eq "$(awk '/^Uid/ {print $2}' "/proc/$pid/status")" 100000 "root in the container is host uid 100000"
  ocirt_cmd exec us /init cgroup
  if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
    assert_eq "$output" "0::/" "cgroup path relative to the container's cgroup namespace"
  else
    assert_match "$output" '^[0-9]+:pids:/$' "cgroup paths relative to the container's cgroup namespace"
  fi
  ocirt_cmd exec -u 1000 us /init id
  assert_match "$output" '^uid 1000$'
  ocirt_cmd delete -f us
  assert_no_leftovers us
}
t "exec into a container with user and cgroup namespaces" test_userns

test_no_pivot () {
  make_bundle "$TMP/np"
  cfg "$TMP/np" '.process.args=["/init","sleep","100"]'
  ocirt_run np -d --no-pivot
  assert_success
  ocirt_cmd exec np /init ls /
  assert_success
  assert_match "$output" '^init$' "exec sees the container's root, not the mount namespace's"
  assert_no_match "$output" '^rootfs$'
  ocirt_cmd exec np /init cwd
  assert_eq "$output" /
  ocirt_cmd delete -f np
  assert_no_leftovers np
}
t "exec into a --no-pivot container lands in its root" test_no_pivot

done_testing
