#!/bin/bash
# Cgroups through the real ocirt binary: linux.resources end up in the container's cgroup files
# (v1 on hybrid hosts, v2 in the v2vm guest) and are enforced (OOM kill, fork limit, device
# access); cgroupsPath handling; delete removes only what ocirt made.
. "$(dirname "$0")/../lib.sh"
require_root
require_cmd jq
require_ocirt
require_ocitest
. "$(dirname "$0")/../cgroup-lib.sh"

# ---- memory ----------------------------------------------------------------------------------

test_memory_files () {
  make_bundle "$TMP/mem"
  local swap=null tcp=null swappiness=null
  if [ $CG_MODE = v2 ] || [ -e "$(cg_ctl_dir memory)/memory.memsw.limit_in_bytes" ]; then swap=134217728; fi
  if [ $CG_MODE = v1 ]; then swappiness=10; fi
  if [ $CG_MODE = v1 ] && [ -e "$(cg_ctl_dir memory)/memory.kmem.tcp.limit_in_bytes" ]; then tcp=16777216; fi
  cfg "$BUNDLE" '.linux.resources.memory = ({limit: 67108864, reservation: 33554432}
      + (if $s == "null" then {} else {swap: ($s|tonumber)} end)
      + (if $w == "null" then {} else {swappiness: ($w|tonumber)} end)
      + (if $t == "null" then {} else {kernelTCP: ($t|tonumber)} end))
      | .process.args = ["/init","sleep","30"]' --arg s $swap --arg w $swappiness --arg t $tcp
  ocirt_create mem
  assert_success
  if [ $CG_MODE = v1 ]; then
    assert_eq "$(cg_file mem memory memory.limit_in_bytes)" 67108864
    assert_eq "$(cg_file mem memory memory.soft_limit_in_bytes)" 33554432
    assert_eq "$(cg_file mem memory memory.swappiness)" 10
    [ $swap = null ] || assert_eq "$(cg_file mem memory memory.memsw.limit_in_bytes)" 134217728
    [ $tcp = null ] || assert_eq "$(cg_file mem memory memory.kmem.tcp.limit_in_bytes)" 16777216
  else
    assert_eq "$(cg_file mem memory memory.max)" 67108864
    assert_eq "$(cg_file mem memory memory.low)" 33554432
    # runc semantics: swap is memory+swap, memory.swap.max = swap - limit
    [ ! -e "$(cg_dir mem)/memory.swap.max" ] || assert_eq "$(cg_file mem memory memory.swap.max)" 67108864
  fi
  # the init is in the cgroup
  assert_match "$(cg_file mem memory cgroup.procs)" "^$(ocirt_state mem pid)\$"
  ocirt_cmd delete -f mem
  assert_success
  assert_no_leftovers mem
}
t "memory limit, reservation, swap, swappiness, kernelTCP land in the cgroup files" test_memory_files

# The init and an exec process join on their own (v1: "0" to each hierarchy's tasks file; v2:
# CLONE_INTO_CGROUP): each must end up, as a whole process, in the leaf of every hierarchy.
_in_every_hierarchy () {  # PID...: exactly these processes are in the leaf, in every hierarchy
  local root n=0 want p
  want=$(printf '%s\n' "$@" | sort -n)
  for root in $(cg_all_roots); do
    [ -d "$root/$CGROUP_PREFIX/every" ] || _assert_fail "no cgroup in $root"
    assert_eq "$(sort -n "$root/$CGROUP_PREFIX/every/cgroup.procs")" "$want" "cgroup.procs of $root"
    n=$((n + 1))
  done
  [ $n -gt 0 ] || _assert_fail "no cgroup hierarchy found"
  # /proc/PID/cgroup names the container's cgroup for every controller hierarchy
  for p; do
    if [ $CG_MODE = v1 ]; then
      assert_eq "$(grep -Ec "^[0-9]+:[a-z_,]+:/$CGROUP_PREFIX/every\$" "/proc/$p/cgroup")" "$n" "/proc/$p/cgroup"
    else
      assert_eq "$(cat "/proc/$p/cgroup")" "0::/$CGROUP_PREFIX/every"
    fi
  done
}
test_init_in_every_hierarchy () {
  make_bundle "$TMP/every"
  cfg "$BUNDLE" '.process.args = ["/init","sleep","30"]'
  ocirt_create every
  assert_success
  local pid epid
  pid=$(ocirt_state every pid)
  _in_every_hierarchy "$pid"
  ocirt_cmd start every
  assert_success
  ocirt_cmd exec -d --pid-file "$TMP/every.epid" every /init sleep 30
  assert_success
  epid=$(cat "$TMP/every.epid")
  _in_every_hierarchy "$pid" "$epid"
  ocirt_cmd delete -f every
  assert_success
  assert_no_leftovers every
}
t "the init and an exec process are in the container's cgroup in every hierarchy" test_init_in_every_hierarchy

# What the init allocates while setting up (its mounts, its pages) is charged to the container:
# a limit far below what that needs makes create fail, naming the limit, and leaves nothing.
test_setup_is_charged () {
  make_bundle "$TMP/tiny"
  cfg "$BUNDLE" '.linux.resources.memory = {limit: 16384} | .process.args = ["/init","true"]'
  ocirt_create tiny
  assert_failure
  assert_match "$stderr" "linux.resources.memory.limit"
  assert_no_leftovers tiny
}
t "a 16 KiB memory limit fails create: the init's setup is charged to its cgroup" test_setup_is_charged

test_disable_oom_killer () {
  [ $CG_MODE = v1 ] || skip_test "disableOOMKiller is v1 only (warned and ignored on v2)"
  make_bundle "$TMP/nooom"
  cfg "$BUNDLE" '.linux.resources.memory = {limit: 67108864, disableOOMKiller: true}'
  ocirt_create nooom
  assert_success
  assert_match "$(cg_file nooom memory memory.oom_control)" '^oom_kill_disable 1$'
  ocirt_cmd delete -f nooom
  assert_success
  assert_no_leftovers nooom
}
t "disableOOMKiller sets memory.oom_control (v1)" test_disable_oom_killer

test_oom_kill () {
  make_bundle "$TMP/oom"
  local mem='{limit: 67108864}'
  # no swap either, so the hog is killed rather than swapped out
  if [ $CG_MODE = v2 ] || [ -e "$(cg_root memory)/memory.memsw.limit_in_bytes" ]; then mem='{limit: 67108864, swap: 67108864}'; fi
  cfg "$BUNDLE" ".linux.resources.memory = $mem | .process.args = [\"/init\",\"memhog\",\"200\"]"
  ocirt_run oom
  assert_status 137
  assert_match "$output" '^allocated [0-9]+$'
  assert_no_match "$output" '^allocated (6[4-9]|[7-9][0-9]|1[0-9][0-9]|200)$' "allocated past the 64 MiB limit"
  assert_no_leftovers oom
}
t "a 64 MiB limit OOM-kills memhog 200 (exit 137)" test_oom_kill

# ---- pids --------------------------------------------------------------------------------------

test_pids () {
  make_bundle "$TMP/pids"
  cfg "$BUNDLE" '.linux.resources.pids = {limit: 20} | .process.args = ["/init","forkbomb","30"]'
  ocirt_run pids
  assert_success
  assert_match "$output" '^forked (1[5-9]|20)$'
  assert_match "$output" '^errno [0-9]+ EAGAIN$'
  assert_no_leftovers pids
  make_bundle "$TMP/pids2"
  cfg "$BUNDLE" '.linux.resources.pids = {limit: 20} | .process.args = ["/init","sleep","30"]'
  ocirt_create pids2
  assert_success
  assert_eq "$(cg_file pids2 pids pids.max)" 20
  ocirt_cmd delete -f pids2
  assert_no_leftovers pids2
}
t "pids limit 20 stops the 21st fork with EAGAIN" test_pids

# ---- cpu ---------------------------------------------------------------------------------------

test_cpu () {
  make_bundle "$TMP/cpu"
  local extra='{}'
  [ -z "$(cg_probe cpu 'cpu.cfs_burst_us cpu.max.burst')" ] || extra='{burst: 1000}'
  cfg "$BUNDLE" ".linux.resources.cpu = ({shares: 2048, quota: 50000, period: 100000, cpus: \"0\", mems: \"0\"} + $extra)
      | .process.args = [\"/init\",\"sleep\",\"30\"]"
  ocirt_create cpu
  assert_success
  if [ $CG_MODE = v1 ]; then
    assert_eq "$(cg_file cpu cpu cpu.shares)" 2048
    assert_eq "$(cg_file cpu cpu cpu.cfs_quota_us)" 50000
    assert_eq "$(cg_file cpu cpu cpu.cfs_period_us)" 100000
    [ "$extra" = '{}' ] || assert_eq "$(cg_file cpu cpu cpu.cfs_burst_us)" 1000
  else
    assert_eq "$(cg_file cpu cpu cpu.max)" "50000 100000"
    local w
    w=$(cg_file cpu cpu cpu.weight)
    [ "$w" -gt 100 ] && [ "$w" -le 10000 ] || _assert_fail "cpu.weight $w for shares 2048 (default 100 is for 1024)"
    [ "$extra" = '{}' ] || assert_eq "$(cg_file cpu cpu cpu.max.burst)" 1000
  fi
  assert_eq "$(cg_file cpu cpuset cpuset.cpus)" 0
  assert_eq "$(cg_file cpu cpuset cpuset.mems)" 0
  ocirt_cmd delete -f cpu
  assert_success
  assert_no_leftovers cpu
}
t "cpu shares/quota/period/burst and cpuset cpus/mems" test_cpu

test_cpu_idle () {
  [ -n "$(cg_probe cpu cpu.idle)" ] || skip_test "this kernel has no cpu.idle"
  make_bundle "$TMP/idle"
  cfg "$BUNDLE" '.linux.resources.cpu = {idle: 1} | .process.args = ["/init","sleep","30"]'
  ocirt_create idle
  assert_success
  assert_eq "$(cg_file idle cpu cpu.idle)" 1
  ocirt_cmd delete -f idle
  assert_no_leftovers idle
}
t "cpu idle" test_cpu_idle

test_cpu_running () {
  # a process placed in a one-CPU cpuset reports exactly that CPU as allowed
  make_bundle "$TMP/cpus"
  cfg "$BUNDLE" '.linux.resources.cpu = {cpus: "0"} | .process.args = ["/init","status","Cpus_allowed_list"]'
  ocirt_run cpus
  assert_success
  assert_match "$output" '^Cpus_allowed_list:?[[:space:]]+0$'
  assert_no_leftovers cpus
}
t "cpuset.cpus restricts the container's Cpus_allowed_list" test_cpu_running

# ---- block IO (a loop device made here) -------------------------------------------------------

test_blkio () {
  require_loop
  make_bundle "$TMP/blk"
  cfg "$BUNDLE" '.linux.resources.blockIO = {
      throttleReadBpsDevice: [{major: $M, minor: $m, rate: 1048576}],
      throttleWriteBpsDevice: [{major: $M, minor: $m, rate: 2097152}],
      throttleReadIOPSDevice: [{major: $M, minor: $m, rate: 100}],
      throttleWriteIOPSDevice: [{major: $M, minor: $m, rate: 200}]}
    | .process.args = ["/init","sleep","30"]' --argjson M "$LOOP_MAJ" --argjson m "$LOOP_MIN"
  ocirt_create blk
  assert_success
  if [ $CG_MODE = v1 ]; then
    assert_match "$(cg_file blk blkio blkio.throttle.read_bps_device)" "^$LOOP_MAJ:$LOOP_MIN 1048576\$"
    assert_match "$(cg_file blk blkio blkio.throttle.write_bps_device)" "^$LOOP_MAJ:$LOOP_MIN 2097152\$"
    assert_match "$(cg_file blk blkio blkio.throttle.read_iops_device)" "^$LOOP_MAJ:$LOOP_MIN 100\$"
    assert_match "$(cg_file blk blkio blkio.throttle.write_iops_device)" "^$LOOP_MAJ:$LOOP_MIN 200\$"
  else
    assert_match "$(cg_file blk io io.max)" "^$LOOP_MAJ:$LOOP_MIN rbps=1048576 wbps=2097152 riops=100 wiops=200\$"
  fi
  ocirt_cmd delete -f blk
  assert_no_leftovers blk
}
t "blockIO throttles on a loop device" test_blkio

test_blkio_weight () {
  local f
  if [ $CG_MODE = v1 ]; then f=$(cg_probe blkio 'blkio.weight blkio.bfq.weight' | head -1)
  else f=$(cg_probe io 'io.bfq.weight io.weight' | head -1); fi
  [ -n "$f" ] || skip_test "no IO weight file (no BFQ/CFQ and no io.weight)"
  make_bundle "$TMP/blkw"
  cfg "$BUNDLE" '.linux.resources.blockIO = {weight: 300} | .process.args = ["/init","sleep","30"]'
  ocirt_create blkw
  assert_success
  case $f in
    blkio.weight | blkio.bfq.weight | io.bfq.weight) assert_match "$(cg_file blkw blkio "$f")" '(^| )300$' ;;
    io.weight) assert_match "$(cg_file blkw io io.weight)" '^default [0-9]+$'
      assert_no_match "$(cg_file blkw io io.weight)" '^default 100$' ;;
  esac
  ocirt_cmd delete -f blkw
  assert_no_leftovers blkw
}
t "blockIO weight" test_blkio_weight

# ---- hugetlb, network --------------------------------------------------------------------------

test_hugetlb () {
  cg_has_controller hugetlb || skip_test "hugetlb controller not available here"
  local size
  size=$(cg_probe hugetlb 'hugetlb.*' | sed -n 's/^hugetlb\.\([0-9]*[KMG]B\)\.\(limit_in_bytes\|max\)$/\1/p' | head -1)
  [ -n "$size" ] || skip_test "no hugepage size in the hugetlb controller"
  make_bundle "$TMP/huge"
  cfg "$BUNDLE" '.linux.resources.hugepageLimits = [{pageSize: $s, limit: 0}] | .process.args = ["/init","sleep","30"]' --arg s "$size"
  ocirt_create huge
  assert_success
  if [ $CG_MODE = v1 ]; then
    assert_eq "$(cg_file huge hugetlb "hugetlb.$size.limit_in_bytes")" 0
  else
    assert_eq "$(cg_file huge hugetlb "hugetlb.$size.max")" 0
  fi
  ocirt_cmd delete -f huge
  assert_no_leftovers huge
}
t "hugepageLimits" test_hugetlb

test_network () {
  [ $CG_MODE = v1 ] || skip_test "network (net_cls/net_prio) is v1 only"
  cg_has_controller net_cls || cg_has_controller net_prio || skip_test "net_cls and net_prio are not mounted on this host"
  local net='{}'
  cg_has_controller net_cls && net='{classID: 1048577}'
  cg_has_controller net_prio && net="$net + {priorities: [{name: \"lo\", priority: 5}]}"
  make_bundle "$TMP/net"
  cfg "$BUNDLE" ".linux.resources.network = ($net) | .process.args = [\"/init\",\"sleep\",\"30\"]"
  ocirt_create net
  assert_success
  ! cg_has_controller net_cls || assert_eq "$(cg_file net net_cls net_cls.classid)" 1048577
  ! cg_has_controller net_prio || assert_match "$(cg_file net net_prio net_prio.ifpriomap)" '^lo 5$'
  ocirt_cmd delete -f net
  assert_no_leftovers net
}
t "network classID and priorities (v1)" test_network

# ---- devices -----------------------------------------------------------------------------------

test_devices () {
  require_loop
  make_bundle "$TMP/dev"
  # the loop device is bound into the container (no mknod, which the cgroup would refuse) but
  # no rule allows it
  cfg "$BUNDLE" '.mounts += [{destination: "/dev/ocirtloop", type: "bind", source: $d, options: ["bind"]}]
    | .process.args = ["/bin/sh","-c","/init open /dev/ocirtloop r; /init open /dev/null r; /init open /dev/zero r"]' \
    --arg d "$LOOP_DEV"
  ocirt_run dev
  assert_success
  assert_match "$output$stderr" 'EPERM' "opening a denied device did not fail with EPERM"
  [ "$(printf '%s\n' "$output$stderr" | grep -c EPERM)" = 1 ] || _assert_fail "a default device was denied" "$output$stderr"
  assert_no_leftovers dev
  # with an allow rule it opens
  make_bundle "$TMP/dev2"
  cfg "$BUNDLE" '.mounts += [{destination: "/dev/ocirtloop", type: "bind", source: $d, options: ["bind"]}]
    | .linux.resources.devices += [{allow: true, type: "b", major: $M, minor: $m, access: "r"}]
    | .process.args = ["/init","open","/dev/ocirtloop","r"]' \
    --arg d "$LOOP_DEV" --argjson M "$LOOP_MAJ" --argjson m "$LOOP_MIN"
  ocirt_run dev2
  assert_success
  assert_no_match "$output$stderr" 'EPERM'
  assert_no_leftovers dev2
}
t "device cgroup: a device without a rule can't be opened, allowed and default ones can" test_devices

test_devices_default_rules () {
  # As with runc: mknod of any node is allowed (not its use), and /dev/net/tun opens.
  make_bundle "$TMP/devm"
  cfg "$BUNDLE" '.process.capabilities |= with_entries(.value += ["CAP_MKNOD"])
    | .process.args = ["/bin/sh","-c","mknod /dev/l0 b 7 0 && echo made-b; mknod /dev/t9 c 4 9 && echo made-c; mknod /dev/tun c 10 200 && echo made-tun; /init open /dev/l0 r; /init open /dev/t9 r; /init open /dev/tun rw"]'
  ocirt_run devm
  assert_match "$output" '^made-b$' "mknod of a block node refused"
  assert_match "$output" '^made-c$' "mknod of a char node refused"
  assert_match "$output" '^made-tun$'
  [ "$(printf '%s\n' "$output$stderr" | grep -c EPERM)" = 2 ] || _assert_fail "not exactly the two nodes without a rule were refused" "$output$stderr"
  assert_no_match "$stderr" '/dev/tun.*EPERM' "/dev/net/tun (10:200) refused"
  assert_no_leftovers devm
}
t "device cgroup defaults: mknod of any node, not its use; /dev/net/tun" test_devices_default_rules

test_devices_files () {
  make_bundle "$TMP/devf"
  cfg "$BUNDLE" '.process.args = ["/init","sleep","30"]'
  ocirt_create devf
  assert_success
  if [ $CG_MODE = v1 ]; then
    local l
    l=$(cg_file devf devices devices.list)
    assert_match "$l" '^c 1:3 rwm$' "/dev/null is not allowed"
    assert_no_match "$l" '^a \*:\* rwm$' "everything is allowed"
  else
    command -v bpftool >/dev/null || skip_test "no bpftool to list the BPF device program"
    assert_match "$(bpftool cgroup show "$(cg_dir devf)" 2>&1)" 'cgroup_device|device'
  fi
  ocirt_cmd delete -f devf
  assert_no_leftovers devf
}
t "device rules are installed (v1 devices.list, v2 BPF program)" test_devices_files

# ---- unified -----------------------------------------------------------------------------------

test_unified () {
  make_bundle "$TMP/uni"
  cfg "$BUNDLE" '.linux.resources.unified = {"memory.high": "104857600", "pids.max": "7"} | .process.args = ["/init","sleep","30"]'
  ocirt_create uni
  if [ $CG_MODE = v1 ]; then
    assert_failure
    assert_match "$stderr" 'unified.*cgroup v2'
    assert_no_leftovers uni
    return 0
  fi
  assert_success
  assert_eq "$(cg_file uni memory memory.high)" 104857600
  assert_eq "$(cg_file uni pids pids.max)" 7
  ocirt_cmd delete -f uni
  assert_no_leftovers uni
}
t "unified (v2: files written; v1: a clear error, nothing left)" test_unified

test_bad_resource () {
  make_bundle "$TMP/bad"
  cfg "$BUNDLE" '.linux.resources.cpu = {cpus: "4096-5000"}'
  ocirt_create bad
  assert_failure
  assert_match "$stderr" 'cpuset\.cpus'
  assert_match "$stderr" '4096-5000'
  assert_no_leftovers bad
}
t "an invalid value fails naming the file and value, leaving nothing" test_bad_resource

# ---- cgroupsPath -------------------------------------------------------------------------------

test_path_refused () {
  local p
  for p in / // /. "/$CGROUP_PREFIX/../x" "../x" "a/../../b"; do
    make_bundle "$TMP/refused"
    cfg "$BUNDLE" '.linux.cgroupsPath = $p' --arg p "$p"
    ocirt_create refused
    assert_failure
    assert_match "$stderr" 'cgroupsPath' "the error for '$p' does not name linux.cgroupsPath"
    [ ! -e "$ROOT/refused" ] || _assert_fail "state dir left for $p"
  done
}
t "cgroupsPath '/' and '..' are refused" test_path_refused

test_path_absolute_nested () {
  make_bundle "$TMP/abs"
  cfg "$BUNDLE" '.linux.cgroupsPath = $p | .process.args = ["/init","sleep","30"]' --arg p "/$CGROUP_PREFIX/a/b/abs"
  ocirt_create abs
  assert_success
  [ -d "$(cg_ctl_dir memory)/$CGROUP_PREFIX/a/b/abs" ] || _assert_fail "no cgroup $CGROUP_PREFIX/a/b/abs"
  assert_match "$(cat "$(cg_ctl_dir memory)/$CGROUP_PREFIX/a/b/abs/cgroup.procs")" "^$(ocirt_state abs pid)\$"
  ocirt_cmd delete -f abs
  assert_success
  # the leaf is gone; the levels above stay (other containers may share them)
  [ ! -e "$(cg_ctl_dir memory)/$CGROUP_PREFIX/a/b/abs" ] || _assert_fail "leaf $CGROUP_PREFIX/a/b/abs left behind"
  [ -d "$(cg_ctl_dir memory)/$CGROUP_PREFIX/a/b" ] || _assert_fail "parent $CGROUP_PREFIX/a/b removed"
}
t "absolute nested cgroupsPath: created, the leaf removed at delete" test_path_absolute_nested

test_run_shared_parent () {
  # Two `run` loops with leaves under one new level: a run that made that level must not take
  # it back at exit (the other container's leaf may be under it, or about to be made there).
  local n d fails loops=()
  for n in one two; do
    make_bundle "$TMP/sp-$n"
    cfg "$BUNDLE" '.linux.cgroupsPath = $p' --arg p "/$CGROUP_PREFIX/shared/$n"
  done
  for n in one two; do
    (for i in $(seq 100); do
       "$OCIRT" --root "$ROOT" run -b "$TMP/sp-$n" "sp-$n-$i" > /dev/null 2>> "$TMP/sp-$n.err" < /dev/null || echo "run $i: rc $?"
     done) > "$TMP/sp-$n.fails" &
    loops+=($!)
  done
  wait "${loops[@]}"
  fails=$(cat "$TMP"/sp-*.fails "$TMP"/sp-*.err)
  [ -z "$fails" ] || _assert_fail "parallel runs under one parent failed" "$(echo "$fails" | sort | uniq -c | head -5)"
  for d in $(cg_all_roots); do
    [ -d "$d/$CGROUP_PREFIX/shared" ] || _assert_fail "$d/$CGROUP_PREFIX/shared removed by a run"
    for n in one two; do [ ! -e "$d/$CGROUP_PREFIX/shared/$n" ] || _assert_fail "leaf $d/$CGROUP_PREFIX/shared/$n left"; done
  done
}
t "run under a shared new parent: 2x100 in parallel all succeed, the leaves go, the parent stays" test_run_shared_parent

test_path_not_owned () {
  # pre-existing levels (made here, not by ocirt) survive delete
  local d
  for d in $(cg_all_roots); do mkdir -p "$d/$CGROUP_PREFIX/keep/leaf"; done
  make_bundle "$TMP/keep"
  cfg "$BUNDLE" '.linux.cgroupsPath = $p | .process.args = ["/init","sleep","30"]' --arg p "/$CGROUP_PREFIX/keep/leaf"
  ocirt_create keep
  assert_success
  ocirt_cmd delete -f keep
  assert_success
  for d in $(cg_all_roots); do
    [ -d "$d/$CGROUP_PREFIX/keep/leaf" ] || _assert_fail "ocirt removed $d/$CGROUP_PREFIX/keep/leaf it did not create"
  done
  # a new leaf below a pre-existing parent: only the leaf goes
  make_bundle "$TMP/keep2"
  cfg "$BUNDLE" '.linux.cgroupsPath = $p | .process.args = ["/init","sleep","30"]' --arg p "/$CGROUP_PREFIX/keep/new"
  ocirt_create keep2
  assert_success
  ocirt_cmd delete -f keep2
  assert_success
  for d in $(cg_all_roots); do
    [ ! -e "$d/$CGROUP_PREFIX/keep/new" ] || _assert_fail "leaf $d/$CGROUP_PREFIX/keep/new left"
    [ -d "$d/$CGROUP_PREFIX/keep" ] || _assert_fail "removed the pre-existing $d/$CGROUP_PREFIX/keep"
  done
  for d in $(cg_all_roots); do rmdir "$d/$CGROUP_PREFIX/keep/leaf" "$d/$CGROUP_PREFIX/keep"; done
}
t "delete never removes cgroups ocirt did not create" test_path_not_owned

test_path_relative () {
  [ $CG_MODE = v2 ] || skip_test "on this host the caller's own cgroup belongs to another manager (tested in the v2 guest)"
  local own
  own=$(sed -n 's/^0:://p' /proc/self/cgroup)
  [ "$own" = / ] || [ -n "$own" ] || skip_test "unknown own cgroup"
  make_bundle "$TMP/rel"
  cfg "$BUNDLE" '.linux.cgroupsPath = $p | .process.args = ["/init","sleep","30"]' --arg p "$CGROUP_PREFIX/rel"
  ocirt_create rel
  assert_success
  local dir=/sys/fs/cgroup${own%/}/$CGROUP_PREFIX/rel
  [ -d "$dir" ] || _assert_fail "relative path not below the caller's cgroup: no $dir"
  assert_match "$(cat "$dir/cgroup.procs")" "^$(ocirt_state rel pid)\$"
  ocirt_cmd delete -f rel
  assert_success
  [ ! -e "$dir" ] || _assert_fail "$dir left"
  [ "${own%/}" != "" ] || [ ! -e "/sys/fs/cgroup/$CGROUP_PREFIX/rel" ]
}
t "relative cgroupsPath is below the caller's cgroup" test_path_relative

test_path_default () {
  [ $CG_MODE = v2 ] || skip_test "the default /ocirt/<id> is tested in the v2 guest only"
  local id=ocirt-test-$$-def
  make_bundle "$TMP/def"
  cfg "$BUNDLE" 'del(.linux.cgroupsPath) | .process.args = ["/init","sleep","30"]'
  ocirt_create "$id"
  assert_success
  [ -d "/sys/fs/cgroup/ocirt/$id" ] || _assert_fail "no default cgroup /sys/fs/cgroup/ocirt/$id"
  assert_match "$(cat "/sys/fs/cgroup/ocirt/$id/cgroup.procs")" "^$(ocirt_state "$id" pid)\$"
  ocirt_cmd delete -f "$id"
  assert_success
  [ ! -e "/sys/fs/cgroup/ocirt/$id" ] || _assert_fail "default cgroup left"
}
t "unset cgroupsPath defaults to /ocirt/<id>" test_path_default

# ---- delete ------------------------------------------------------------------------------------

test_delete_stray () {
  make_bundle "$TMP/stray"
  # no pid namespace, so the daemonized child outlives the init
  cfg "$BUNDLE" '.linux.namespaces |= map(select(.type != "pid"))
    | .process.args = ["/bin/sh","-c","/init sleep 300 </dev/null >/dev/null 2>&1 & exit 0"]'
  ocirt_cmd run -d -b "$BUNDLE" stray
  echo "$BUNDLE" > "$TRACK/stray.bundle"
  assert_success
  wait_status stray stopped
  local procs
  wait_for 10 grep -q . "$(cg_dir stray)/cgroup.procs"
  procs=$(cg_file stray memory cgroup.procs)
  [ -n "$procs" ] || _assert_fail "the daemonized child is not in the cgroup"
  for p in $procs; do track_pid "$p"; done
  ocirt_cmd delete stray
  assert_failure
  assert_match "$stderr" 'still has processes'
  ocirt_cmd delete --force stray
  assert_success
  for p in $procs; do
    ! kill -0 "$p" 2>/dev/null || [ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" = Z ] || _assert_fail "stray $p still alive"
  done
  assert_no_leftovers stray
}
t "delete --force cleans a stopped container's cgroup with stray processes" test_delete_stray

test_delete_removes () {
  make_bundle "$TMP/rm"
  ocirt_run rm
  assert_success
  assert_no_leftovers rm
  [ ! -e "$(cg_ctl_dir memory)/$CGROUP_PREFIX/rm" ]
}
t "run/delete removes the cgroup in every hierarchy" test_delete_removes

done_testing
