#!/bin/bash
# namespaces: new vs host for each type (inode comparison), joining by path, errors, user
# namespace mappings, time namespace offsets, cgroup namespace, hostname/domainname.
. "$(dirname "$0")/../lib.sh"
require_root
require_cmd jq
require_ocirt
require_ocitest

args () {
  local d=$1
  shift
  cfg "$d" '.process.args=$a' --argjson a "$(printf '%s\n' "$@" | jq -cR . | jq -cs .)"
}

# ns inode of the host (this shell) for the /proc/self/ns name
host_ns () { readlink "/proc/self/ns/$1"; }
# from $output of `ocitest ns`: the value for NAME
ns_of () { printf '%s\n' "$output" | awk -v n="$1" '$1 == n && $2 ~ /:\[/ {print $2}'; }

ALL_TYPES="pid network ipc uts mount cgroup"
proc_name () { case $1 in network) echo net ;; mount) echo mnt ;; *) echo "$1" ;; esac; }

test_pid1 () {
  make_bundle "$TMP/p1"
  args "$TMP/p1" /init pid
  ocirt_run p1
  assert_success
  assert_eq "$output" "pid 1
ppid 0"
  assert_no_leftovers p1
}
t "the process is pid 1 in its pid namespace" test_pid1

test_hostname () {
  make_bundle "$TMP/hn"
  cfg "$TMP/hn" '.hostname="ctr-host" | .domainname="ctr.domain"'
  args "$TMP/hn" /bin/sh -c '/init hostname; /init domainname'
  ocirt_run hn1
  assert_success
  assert_eq "$output" "ctr-host
ctr.domain"
  assert_ne "$(hostname)" ctr-host
  assert_no_leftovers hn1
}
t "hostname and domainname" test_hostname

test_new_vs_host () {
  local ty n
  make_bundle "$TMP/nh"
  args "$TMP/nh" /init ns
  cfg "$TMP/nh" '.linux.namespaces=[{"type":"pid"},{"type":"network"},{"type":"ipc"},{"type":"uts"},{"type":"mount"},{"type":"cgroup"}]'
  ocirt_run nh-all
  assert_success
  for ty in $ALL_TYPES; do
    n=$(proc_name "$ty")
    assert_ne "$(ns_of "$n")" "$(host_ns "$n")" "$ty is new"
  done
  if [ -e /proc/self/ns/time ]; then
    assert_eq "$(ns_of time)" "$(host_ns time)" "time is the host's when not asked"
  fi
  assert_eq "$(ns_of user)" "$(host_ns user)"
  # each type left out in turn is the host's (mount is always needed)
  for ty in pid network ipc uts cgroup; do
    n=$(proc_name "$ty")
    cfg "$TMP/nh" 'del(.hostname) | .linux.namespaces=([{"type":"pid"},{"type":"network"},{"type":"ipc"},{"type":"uts"},{"type":"mount"},{"type":"cgroup"}] | map(select(.type != $t)))' --arg t "$ty"
    ocirt_run "nh-$ty"
    assert_success
    assert_eq "$(ns_of "$n")" "$(host_ns "$n")" "without $ty it is the host's"
    assert_no_leftovers "nh-$ty"
  done
}
t "each namespace type: new when listed, the host's when not" test_new_vs_host

test_join_netns () {
  command -v ip >/dev/null || skip_test "needs ip"
  local name=ocirt-test-$$-j1
  ip netns add "$name"
  ip -n "$name" link set lo up
  make_bundle "$TMP/jn"
  cfg "$TMP/jn" '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' --arg p "/var/run/netns/$name"
  args "$TMP/jn" /bin/sh -c '/init ns net; cat /sys/class/net/lo/operstate'
  ocirt_run jn1
  local want
  want=$(ip netns exec "$name" readlink /proc/self/ns/net)
  ip netns del "$name"
  assert_success
  assert_eq "$(ns_of net)" "$want"
  assert_no_leftovers jn1
}
t "join a network namespace by path (ip netns)" test_join_netns

test_join_container () {
  make_bundle "$TMP/ja"
  args "$TMP/ja" /init pause
  cfg "$TMP/ja" '.hostname="first"'
  ocirt_run ja1 -d --pid-file "$TMP/ja1.pid"
  assert_success
  local pid
  pid=$(cat "$TMP/ja1.pid")
  make_bundle "$TMP/jb"
  cfg "$TMP/jb" '.linux.namespaces |= map(if (.type == "network" or .type == "ipc" or .type == "uts" or .type == "pid") then .path = ("/proc/" + $pid + "/ns/" + ({"network":"net"}[.type] // .type)) else . end) | del(.hostname)' --arg pid "$pid"
  args "$TMP/jb" /bin/sh -c '/init ns; /init hostname; /init pid'
  ocirt_run jb1
  assert_success
  local n
  for n in net ipc uts pid; do
    assert_eq "$(ns_of "$n")" "$(readlink "/proc/$pid/ns/$n")" "$n joined"
  done
  assert_ne "$(ns_of mnt)" "$(readlink "/proc/$pid/ns/mnt")"
  assert_match "$output" '^first$'
  assert_no_match "$output" '^pid 1$'
  ocirt_cmd delete -f ja1
  assert_no_leftovers ja1
  assert_no_leftovers jb1
}
t "join another container's namespaces via /proc/PID/ns" test_join_container

test_ns_errors () {
  make_bundle "$TMP/ne"
  cfg "$TMP/ne" '.linux.namespaces += [{"type":"bogus"}]'
  ocirt_run ne1
  assert_status 1
  assert_match "$stderr" '^ocirt: ne1: config.json: linux\.namespaces\[[0-9]+\]\.type: unknown namespace type `bogus`$'
  assert_no_leftovers ne1
  make_bundle "$TMP/ne"
  cfg "$TMP/ne" '.linux.namespaces += [{"type":"ipc"}]'
  ocirt_run ne2
  assert_status 1
  assert_match "$stderr" 'linux\.namespaces\[[0-9]+\]\.type: duplicate namespace type `ipc`'
  assert_no_leftovers ne2
  # a path of the wrong type
  make_bundle "$TMP/ne"
  cfg "$TMP/ne" '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/ipc" else . end)'
  ocirt_run ne3
  assert_status 1
  assert_eq "$stderr" 'ocirt: ne3: linux.namespaces[1].path: /proc/self/ns/ipc is not a network namespace'
  assert_eq "$(printf '%s\n' "$stderr" | wc -l)" 1
  assert_no_leftovers ne3
  # a path that does not exist
  make_bundle "$TMP/ne"
  cfg "$TMP/ne" '.linux.namespaces |= map(if .type == "uts" then .path = "/nonexistent/ns" else . end)'
  ocirt_run ne4
  assert_status 1
  assert_match "$stderr" '/nonexistent/ns: No such file or directory'
  assert_no_leftovers ne4
  # a path that is not a namespace at all
  make_bundle "$TMP/ne"
  cfg "$TMP/ne" '.linux.namespaces |= map(if .type == "uts" then .path = "/etc/hostname" else . end)'
  ocirt_run ne5
  assert_status 1
  assert_match "$stderr" '^ocirt: ne5: linux\.namespaces\[[0-9]+\]\.path: /etc/hostname is not a uts namespace$'
  assert_no_leftovers ne5
}
t "namespace errors: unknown, duplicate, wrong type, missing path" test_ns_errors

test_userns () {
  make_bundle "$TMP/un"
  mkdir -p "$TMP/un-shared"
  chmod 777 "$TMP/un-shared"
  chown -R 100000:100000 "$TMP/un/rootfs"
  cfg "$TMP/un" '.linux.namespaces += [{"type":"user"}]
                 | .linux.uidMappings=[{"containerID":0,"hostID":100000,"size":65536}]
                 | .linux.gidMappings=[{"containerID":0,"hostID":100000,"size":65536}]
                 | .mounts += [{"destination":"/shared","type":"bind","source":$s,"options":["rbind"]}]' \
      --arg s "$TMP/un-shared"
  args "$TMP/un" /bin/sh -c '/init id; cat /proc/self/uid_map /proc/self/gid_map; /init write /shared/f x; /init ns user'
  ocirt_run un1
  assert_success
  assert_match "$output" '^uid 0$'
  assert_match "$output" '^gid 0$'
  assert_match "$output" '^ +0 +100000 +65536$'
  assert_eq "$(stat -c %u:%g "$TMP/un-shared/f")" 100000:100000
  assert_ne "$(ns_of user)" "$(host_ns user)"
  assert_no_leftovers un1
  # without mappings: an error
  cfg "$TMP/un" 'del(.linux.uidMappings) | del(.linux.gidMappings)'
  ocirt_run un2
  assert_status 1
  assert_match "$stderr" 'uidMappings'
  assert_no_leftovers un2
}
t "user namespace with uid/gid mappings" test_userns

test_timens () {
  [ -e /proc/self/ns/time ] || skip_test "no time namespaces"
  make_bundle "$TMP/tn"
  cfg "$TMP/tn" '.linux.namespaces += [{"type":"time"}] | .linux.timeOffsets={"monotonic":{"secs":86400,"nanosecs":0},"boottime":{"secs":172800,"nanosecs":0}}'
  args "$TMP/tn" /bin/sh -c '/init timens; /init ns time'
  ocirt_run tn1
  assert_success
  local host_mono mono
  host_mono=$(awk '{print int($1)}' /proc/uptime)
  mono=$(printf '%s\n' "$output" | awk '$1 == "monotonic" {print $2}')
  assert_ne "$(ns_of time)" "$(host_ns time)"
  [ "$mono" -ge $((86400 + host_mono - 5)) ] || _assert_fail "monotonic $mono lacks the offset (host uptime $host_mono)"
  [ "$mono" -lt $((86400 + host_mono + 60)) ] || _assert_fail "monotonic $mono too large"
  assert_no_leftovers tn1
}
t "time namespace with timeOffsets" test_timens

test_cgroupns () {
  make_bundle "$TMP/cn"
  cfg "$TMP/cn" '.linux.namespaces += [{"type":"cgroup"}]'
  args "$TMP/cn" /init cat /proc/self/cgroup
  ocirt_run cn1
  assert_success
  # every hierarchy the container was placed in shows "/" (systemd's name= one is not managed)
  assert_match "$output" ':memory:/$'
  assert_no_match "$output" ":memory:.*$CGROUP_PREFIX"
  assert_no_leftovers cn1
  # without it the host path shows
  cfg "$TMP/cn" '.linux.namespaces |= map(select(.type != "cgroup"))'
  ocirt_run cn2
  assert_success
  assert_match "$output" "$CGROUP_PREFIX/cn"
}
t "cgroup namespace: /proc/self/cgroup shows /" test_cgroupns

test_hostname_without_uts () {
  make_bundle "$TMP/hu"
  cfg "$TMP/hu" '.hostname="x" | .linux.namespaces |= map(select(.type != "uts"))'
  ocirt_run hu1
  assert_status 1
  assert_match "$stderr" '^ocirt: hu1: config.json: hostname: needs a uts namespace$'
  assert_no_leftovers hu1
}
t "hostname without a uts namespace is an error" test_hostname_without_uts

done_testing
