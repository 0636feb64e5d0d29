#!/bin/bash
# process: args, env, cwd, user, umask, capabilities, noNewPrivileges, rlimits, oomScoreAdj,
# fds (--preserve-fds, LISTEN_FDS), personality, ioPriority, scheduler, execCPUAffinity.
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

test_args_env () {
  make_bundle "$TMP/ae"
  cfg "$TMP/ae" '.process.env=["A=1","B=with space","EMPTY=","HOME=/root"] | .process.args=["/init","echo","a b","","c"]'
  ocirt_run ae1
  assert_success
  assert_eq "$output" "a b  c"
  args "$TMP/ae" /init env
  ocirt_run ae2
  assert_success
  assert_eq "$output" "A=1
B=with space
EMPTY=
HOME=/root"
  # HOME from the container's passwd when the config has none
  cfg "$TMP/ae" '.process.env=["X=y"] | .process.user.uid=1000 | .process.user.gid=1000'
  ocirt_run ae3
  assert_success
  assert_eq "$output" "X=y
HOME=/home/user"
  # args[0] looked up in the config's PATH
  cfg "$TMP/ae" '.process.env=["PATH=/nothing:/bin"] | .process.args=["echo","from","path"] | .process.user.uid=0 | .process.user.gid=0'
  ocirt_run ae4
  assert_success
  assert_eq "$output" "from path"
  assert_no_leftovers ae4
}
t "args and env exactly; HOME default; PATH lookup" test_args_env

test_cwd () {
  make_bundle "$TMP/cw"
  mkdir -p "$TMP/cw/rootfs/work/dir"
  cfg "$TMP/cw" '.process.cwd="/work/dir"'
  args "$TMP/cw" /init cwd
  ocirt_run cw1
  assert_success
  assert_eq "$output" /work/dir
  # a missing cwd is created (as runc does)
  cfg "$TMP/cw" '.process.cwd="/new/cwd"'
  ocirt_run cw2
  assert_success
  assert_eq "$output" /new/cwd
  [ -d "$TMP/cw/rootfs/new/cwd" ]
  # a cwd that is a file fails at create, with nothing left
  cfg "$TMP/cw" '.process.cwd="/init"'
  ocirt_create cw3
  assert_status 1
  assert_match "$stderr" '^ocirt: cw3: process.cwd: /init: Not a directory$'
  assert_no_leftovers cw3
}
t "cwd, a missing cwd is created, a file cwd fails at create" test_cwd

test_user () {
  make_bundle "$TMP/us"
  cfg "$TMP/us" '.process.user={"uid":1000,"gid":1001,"additionalGids":[5,2000],"umask":63}'
  args "$TMP/us" /bin/sh -c '/init id; /init umask; /init status Uid Gid Groups'
  ocirt_run us1
  assert_success
  assert_match "$output" '^uid 1000$'
  assert_match "$output" '^gid 1001$'
  assert_match "$output" '^euid 1000$'
  assert_match "$output" '^groups 5 2000$'
  assert_match "$output" '^0077$'
  assert_match "$output" '^Uid 1000 1000 1000 1000$'
  assert_match "$output" '^Gid 1001 1001 1001 1001$'
  # the default umask is 0022
  cfg "$TMP/us" 'del(.process.user.umask)'
  args "$TMP/us" /init umask
  ocirt_run us2
  assert_eq "$output" 0022
  assert_no_leftovers us1
}
t "user uid/gid/additionalGids/umask" test_user

CAPS=(chown dac_override dac_read_search fowner fsetid kill setgid setuid setpcap linux_immutable
      net_bind_service net_broadcast net_admin net_raw ipc_lock ipc_owner sys_module sys_rawio
      sys_chroot sys_ptrace sys_pacct sys_admin sys_boot sys_nice sys_resource sys_time
      sys_tty_config mknod lease audit_write audit_control setfcap mac_override mac_admin syslog
      wake_alarm block_suspend audit_read perfmon bpf checkpoint_restore)
# mask NAME...: the hex mask (16 digits) of CAP_ names
mask () {
  local m=0 n i
  for n; do
    n=$(echo "${n#CAP_}" | tr 'A-Z' 'a-z')
    for i in "${!CAPS[@]}"; do
      [ "${CAPS[$i]}" = "$n" ] && m=$((m | (1 << i)))
    done
  done
  printf '%016x' "$m"
}
cap_of () { printf '%s\n' "$output" | awk -v k="$1" '$1 == k {print $2}'; }

test_caps () {
  local last
  last=$(cat /proc/sys/kernel/cap_last_cap)
  make_bundle "$TMP/cp"
  cfg "$TMP/cp" '.process.capabilities={
      "bounding":["CAP_CHOWN","CAP_KILL","CAP_NET_BIND_SERVICE","CAP_SETPCAP","CAP_SYS_ADMIN","CAP_SETUID"],
      "effective":["CAP_CHOWN","CAP_KILL","CAP_NET_BIND_SERVICE"],
      "permitted":["CAP_CHOWN","CAP_KILL","CAP_NET_BIND_SERVICE","CAP_SYS_ADMIN"],
      "inheritable":["CAP_KILL","CAP_NET_BIND_SERVICE"],
      "ambient":["CAP_NET_BIND_SERVICE"]}'
  args "$TMP/cp" /init caps
  ocirt_run cp1
  assert_success
  assert_eq "$(cap_of CapBnd)" "$(mask CHOWN KILL NET_BIND_SERVICE SETPCAP SYS_ADMIN SETUID)"
  assert_eq "$(cap_of CapPrm)" "$(mask CHOWN KILL NET_BIND_SERVICE SYS_ADMIN)"
  # execve as uid 0 raises effective to permitted (the kernel's rule for root)
  assert_eq "$(cap_of CapEff)" "$(mask CHOWN KILL NET_BIND_SERVICE SYS_ADMIN)"
  assert_eq "$(cap_of CapInh)" "$(mask KILL NET_BIND_SERVICE)"
  assert_eq "$(cap_of CapAmb)" "$(mask NET_BIND_SERVICE)"
  # as a non-root user, ambient caps survive the uid change and execve
  cfg "$TMP/cp" '.process.user.uid=1000 | .process.user.gid=1000'
  ocirt_run cp2
  assert_success
  assert_eq "$(cap_of CapAmb)" "$(mask NET_BIND_SERVICE)"
  assert_eq "$(cap_of CapEff)" "$(mask NET_BIND_SERVICE)"
  assert_eq "$(cap_of CapPrm)" "$(mask NET_BIND_SERVICE)"
  # an unknown name: a warning, the rest applies
  cfg "$TMP/cp" '.process.user.uid=0 | .process.user.gid=0 | .process.capabilities={"bounding":["CAP_CHOWN","CAP_BOGUS"],"effective":["CAP_CHOWN","CAP_BOGUS"],"permitted":["CAP_CHOWN"]}'
  ocirt_run cp3
  assert_success
  assert_match "$stderr" 'warning.*CAP_BOGUS'
  assert_eq "$(cap_of CapBnd)" "$(mask CHOWN)"
  assert_eq "$(cap_of CapEff)" "$(mask CHOWN)"
  assert_no_leftovers cp3
  # none at all
  cfg "$TMP/cp" '.process.capabilities={}'
  ocirt_run cp4
  assert_success
  assert_eq "$(cap_of CapEff)" 0000000000000000
  assert_eq "$(cap_of CapBnd)" 0000000000000000
  [ "$last" -ge 0 ]
}
t "capabilities: all five sets, unknown name warned" test_caps

test_created_privileges () {
  # A created container's init waits for start with the process's user and capabilities
  # already applied (as runc's does), not the runtime's.
  local pid st
  make_bundle "$TMP/cr"
  cfg "$TMP/cr" '.process.user={"uid":1000,"gid":1000}
    | .process.capabilities={"bounding":["CAP_KILL","CAP_CHOWN"],"effective":["CAP_KILL"],"permitted":["CAP_KILL"]}
    | .process.args=["/init","caps"]'
  ocirt_create cr1
  assert_success
  pid=$(ocirt_state cr1 pid)
  st=$(cat "/proc/$pid/status")
  assert_match "$st" $'^Uid:\t1000\t1000\t1000\t1000$' "the created init is not uid 1000"
  assert_match "$st" $'^CapBnd:\t'"$(mask KILL CHOWN)\$"
  assert_match "$st" $'^CapPrm:\t'"$(mask KILL)\$"
  assert_match "$st" $'^CapEff:\t'"$(mask KILL)\$"
  # and start still gets through the exec fifo
  ocirt_cmd start cr1
  assert_success
  wait_status cr1 stopped
  ocirt_cmd delete cr1
  assert_success
  assert_no_leftovers cr1
}
t "a created container's init already has the process's user and capabilities" test_created_privileges

test_nnp () {
  make_bundle "$TMP/nn"
  args "$TMP/nn" /init status NoNewPrivs
  cfg "$TMP/nn" '.process.noNewPrivileges=true'
  ocirt_run nn1
  assert_success
  assert_eq "$output" "NoNewPrivs 1"
  cfg "$TMP/nn" '.process.noNewPrivileges=false'
  ocirt_run nn2
  assert_success
  assert_eq "$output" "NoNewPrivs 0"
}
t "noNewPrivileges" test_nnp

test_rlimits () {
  make_bundle "$TMP/rl"
  cfg "$TMP/rl" '.process.rlimits=[{"type":"RLIMIT_NOFILE","soft":123,"hard":456},{"type":"RLIMIT_CORE","soft":0,"hard":1048576},{"type":"RLIMIT_NPROC","soft":1000,"hard":2000}]'
  args "$TMP/rl" /init rlimits
  ocirt_run rl1
  assert_success
  assert_match "$output" '^RLIMIT_NOFILE 123 456$'
  assert_match "$output" '^RLIMIT_CORE 0 1048576$'
  assert_match "$output" '^RLIMIT_NPROC 1000 2000$'
  assert_no_leftovers rl1
}
t "rlimits" test_rlimits

test_oom () {
  make_bundle "$TMP/oo"
  cfg "$TMP/oo" '.process.oomScoreAdj=345'
  args "$TMP/oo" /init oom-score-adj
  ocirt_run oo1
  assert_success
  assert_match "$output" '345'
}
t "oomScoreAdj" test_oom

test_fds () {
  make_bundle "$TMP/fd"
  args "$TMP/fd" /init fds
  echo data5 > "$TMP/f5"
  echo data6 > "$TMP/f6"
  exec 5< "$TMP/f5" 6< "$TMP/f6" 7< "$TMP/f6"
  ocirt_run fd1
  assert_success
  assert_no_match "$output" '^[3-9] '
  ocirt_run fd2 --preserve-fds 4
  assert_success
  assert_match "$output" "^5 $TMP/f5$"
  assert_match "$output" "^6 $TMP/f6$"
  assert_no_match "$output" '^7 '
  # LISTEN_FDS=2 passes 3 and 4 (here 3 and 4 are our dups of 5 and 6)
  exec 3< "$TMP/f5" 4< "$TMP/f6"
  LISTEN_FDS=2 ocirt_run fd3
  assert_success
  assert_match "$output" "^3 $TMP/f5$"
  assert_match "$output" "^4 $TMP/f6$"
  assert_no_match "$output" '^5 '
  exec 3<&- 4<&- 5<&- 6<&- 7<&-
  assert_no_leftovers fd3
}
t "fds above 2 closed unless --preserve-fds / LISTEN_FDS" test_fds

test_personality () {
  make_bundle "$TMP/pe"
  cfg "$TMP/pe" '.linux.personality={"domain":"LINUX32"}'
  args "$TMP/pe" /init personality
  ocirt_run pe1
  assert_success
  assert_eq "$output" 0x8
  cfg "$TMP/pe" '.linux.personality={"domain":"LINUX"}'
  ocirt_run pe2
  assert_eq "$output" 0x0
}
t "personality LINUX32" test_personality

test_ioprio_sched () {
  make_bundle "$TMP/is"
  cfg "$TMP/is" '.process.ioPriority={"class":"IOPRIO_CLASS_BE","priority":6} | .process.scheduler={"policy":"SCHED_BATCH","nice":7}'
  args "$TMP/is" /bin/sh -c 'cat /proc/self/sched | grep -E "^policy"; /init nice; cat /proc/self/stat | cut -d" " -f19'
  ocirt_run is1
  assert_success
  assert_match "$output" '^policy +: +3$'
  assert_match "$output" '7'
  # ioprio: read it back with ionice when the host has it
  if command -v ionice >/dev/null; then
    args "$TMP/is" /init pause
    ocirt_run is2 -d --pid-file "$TMP/is2.pid"
    assert_success
    local out
    out=$(ionice -p "$(cat "$TMP/is2.pid")")
    ocirt_cmd delete -f is2
    assert_match "$out" 'best-effort: prio 6'
  fi
}
t "ioPriority and scheduler SCHED_BATCH" test_ioprio_sched

test_cpu_affinity () {
  local n
  n=$(nproc)
  [ "$n" -ge 2 ] || skip_test "needs 2 cpus"
  make_bundle "$TMP/ca"
  cfg "$TMP/ca" '.process.execCPUAffinity={"initial":"1","final":"0-1"}'
  args "$TMP/ca" /init status Cpus_allowed_list
  ocirt_run ca1
  assert_success
  assert_eq "$output" "Cpus_allowed_list 0-1"
  cfg "$TMP/ca" '.process.execCPUAffinity={"initial":"1"}'
  ocirt_run ca2
  assert_success
  assert_eq "$output" "Cpus_allowed_list 1"
}
t "execCPUAffinity" test_cpu_affinity

done_testing
