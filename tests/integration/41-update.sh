#!/bin/bash
# ocirt update: flags and --resources change the real cgroup files of a live container, the new
# limits are enforced, bad values are errors naming the file and value, a stopped container
# can't be updated.
. "$(dirname "$0")/../lib.sh"
require_root
require_cmd jq
require_ocirt
require_ocitest
. "$(dirname "$0")/../cgroup-lib.sh"

# start NAME: a detached `sleep 300` container with small initial limits
start () {
  make_bundle "$TMP/$1"
  cfg "$BUNDLE" '.process.args = ["/init","sleep","300"]
    | .linux.resources.memory = {limit: 67108864} | .linux.resources.pids = {limit: 100}
    | .linux.resources.cpu = {shares: 1024, quota: 20000, period: 100000}'
  ocirt_cmd run -d -b "$BUNDLE" "$1"
  echo "$BUNDLE" > "$TRACK/$1.bundle"
  assert_success
  wait_status "$1" running
}

finish () {
  ocirt_cmd delete -f "$1"
  assert_success
  assert_no_leftovers "$1"
}

test_flags () {
  start u1
  local swap=()
  if [ $CG_MODE = v2 ] || [ -e "$(cg_root memory)/memory.memsw.limit_in_bytes" ]; then swap=(--memory-swap 256m); fi
  ocirt_cmd update --memory 128m "${swap[@]}" --memory-reservation 32M --cpu-shares 2048 --cpu-quota 50000 \
    --cpu-period 200000 --cpuset-cpus 0 --cpuset-mems 0 --pids-limit 42 u1
  assert_success
  if [ $CG_MODE = v1 ]; then
    assert_eq "$(cg_file u1 memory memory.limit_in_bytes)" 134217728
    [ ${#swap[@]} = 0 ] || assert_eq "$(cg_file u1 memory memory.memsw.limit_in_bytes)" 268435456
    assert_eq "$(cg_file u1 memory memory.soft_limit_in_bytes)" 33554432
    assert_eq "$(cg_file u1 cpu cpu.shares)" 2048
    assert_eq "$(cg_file u1 cpu cpu.cfs_quota_us)" 50000
    assert_eq "$(cg_file u1 cpu cpu.cfs_period_us)" 200000
  else
    assert_eq "$(cg_file u1 memory memory.max)" 134217728
    [ ! -e "$(cg_dir u1)/memory.swap.max" ] || assert_eq "$(cg_file u1 memory memory.swap.max)" 134217728
    assert_eq "$(cg_file u1 memory memory.low)" 33554432
    assert_ne "$(cg_file u1 cpu cpu.weight)" 100
    assert_eq "$(cg_file u1 cpu cpu.max)" "50000 200000"
  fi
  assert_eq "$(cg_file u1 cpuset cpuset.cpus)" 0
  assert_eq "$(cg_file u1 pids pids.max)" 42
  # memory+swap alone is relative to the current limit
  if [ ${#swap[@]} != 0 ]; then
    ocirt_cmd update --memory-swap 192m u1
    assert_success
    if [ $CG_MODE = v1 ]; then assert_eq "$(cg_file u1 memory memory.memsw.limit_in_bytes)" 201326592
    else [ ! -e "$(cg_dir u1)/memory.swap.max" ] || assert_eq "$(cg_file u1 memory memory.swap.max)" 67108864; fi
  fi
  # only what is given changes
  ocirt_cmd update --pids-limit 43 u1
  assert_success
  assert_eq "$(cg_file u1 pids pids.max)" 43
  if [ $CG_MODE = v1 ]; then assert_eq "$(cg_file u1 memory memory.limit_in_bytes)" 134217728
  else assert_eq "$(cg_file u1 memory memory.max)" 134217728; fi
  # -1 is unlimited
  ocirt_cmd update --pids-limit -1 --memory -1 --cpu-quota -1 u1
  assert_success
  assert_eq "$(cg_file u1 pids pids.max)" max
  if [ $CG_MODE = v1 ]; then
    assert_eq "$(cg_file u1 cpu cpu.cfs_quota_us)" -1
    [ "$(cg_file u1 memory memory.limit_in_bytes)" -gt 1000000000000 ] || _assert_fail "memory not unlimited"
  else
    assert_eq "$(cg_file u1 memory memory.max)" max
    assert_match "$(cg_file u1 cpu cpu.max)" '^max 200000$'
  fi
  finish u1
}
t "update flags change the cgroup files (units, partial updates, -1 = unlimited)" test_flags

test_kernel_tcp_blkio () {
  start u2
  if [ $CG_MODE = v1 ] && [ -e "$(cg_dir u2)/memory.kmem.tcp.limit_in_bytes" ]; then
    ocirt_cmd update --kernel-memory-tcp 8m u2
    assert_success
    assert_eq "$(cg_file u2 memory memory.kmem.tcp.limit_in_bytes)" 8388608
  fi
  if [ -e "$(cg_dir u2 blkio)/blkio.weight" ] || [ -e "$(cg_dir u2 io)/io.weight" ] \
     || [ -e "$(cg_dir u2 io)/io.bfq.weight" ] || [ -e "$(cg_dir u2 blkio)/blkio.bfq.weight" ]; then
    ocirt_cmd update --blkio-weight 500 u2
    assert_success
  fi
  ocirt_cmd update --blkio-weight 5 u2
  assert_failure
  assert_match "$stderr" 'blkio-weight'
  finish u2
}
t "update --kernel-memory-tcp (v1) and --blkio-weight" test_kernel_tcp_blkio

test_resources_file () {
  start u3
  cat > "$TMP/res.json" <<'EOF'
{"memory": {"limit": 100663296, "reservation": 16777216}, "pids": {"limit": 33},
 "cpu": {"shares": 512, "cpus": "0"}}
EOF
  ocirt_cmd update --resources "$TMP/res.json" u3
  assert_success
  assert_eq "$(cg_file u3 pids pids.max)" 33
  if [ $CG_MODE = v1 ]; then
    assert_eq "$(cg_file u3 memory memory.limit_in_bytes)" 100663296
    assert_eq "$(cg_file u3 cpu cpu.shares)" 512
  else
    assert_eq "$(cg_file u3 memory memory.max)" 100663296
  fi
  # - reads stdin
  status=0
  echo '{"pids": {"limit": 34}}' | "$OCIRT" --root "$ROOT" update --resources - u3 || status=$?
  assert_success
  assert_eq "$(cg_file u3 pids pids.max)" 34
  # a malformed file is an error naming it
  echo '{"pids": {"limit": "x"}}' > "$TMP/bad.json"
  ocirt_cmd update -r "$TMP/bad.json" u3
  assert_failure
  assert_match "$stderr" 'bad\.json'
  assert_eq "$(cg_file u3 pids pids.max)" 34
  finish u3
}
t "update --resources FILE and - (linux.resources JSON)" test_resources_file

test_enforced () {
  # the new pids limit applies to the running container: it forks only when told to
  mkdir -p "$TMP/w"
  mkfifo "$TMP/w/go"
  make_bundle "$TMP/u4"
  cfg "$BUNDLE" '.mounts += [{destination: "/w", type: "bind", source: $w, options: ["rbind","rw"]}]
    | .linux.resources.pids = {limit: 100}
    | .process.args = ["/bin/sh","-c","read x < /w/go; /init forkbomb 30 > /w/out.tmp; mv /w/out.tmp /w/out"]' \
    --arg w "$TMP/w"
  ocirt_cmd run -d -b "$BUNDLE" u4
  echo "$BUNDLE" > "$TRACK/u4.bundle"
  assert_success
  ocirt_cmd update --pids-limit 10 u4
  assert_success
  echo go > "$TMP/w/go"
  wait_for 20 test -e "$TMP/w/out" || _assert_fail "the container did not finish"
  assert_match "$(cat "$TMP/w/out")" '^forked [0-9]$' "more than 9 forks under pids.max 10"
  assert_match "$(cat "$TMP/w/out")" 'EAGAIN'
  wait_status u4 stopped
  finish u4
}
t "an updated pids limit is enforced in the running container" test_enforced

test_invalid () {
  start u5
  ocirt_cmd update --cpuset-cpus 4096-5000 u5
  assert_failure
  assert_match "$stderr" 'cpuset\.cpus'
  assert_match "$stderr" '4096-5000'
  ocirt_cmd update --memory 12x u5
  assert_failure
  assert_match "$stderr" "--memory"
  assert_match "$stderr" "12x"
  ocirt_cmd update --cpu-period abc u5
  assert_failure
  assert_match "$stderr" "cpu-period"
  finish u5
}
t "invalid values are errors naming the file/flag and the value" test_invalid

test_stopped () {
  make_bundle "$TMP/u6"
  ocirt_cmd run -d -b "$BUNDLE" u6
  echo "$BUNDLE" > "$TRACK/u6.bundle"
  assert_success
  wait_status u6 stopped
  ocirt_cmd update --pids-limit 10 u6
  assert_failure
  assert_match "$stderr" 'u6.*stopped'
  ocirt_cmd update --pids-limit 10 nosuchcontainer
  assert_failure
  assert_match "$stderr" 'nosuchcontainer'
  finish u6
}
t "update of a stopped or unknown container is an error" test_stopped

done_testing
