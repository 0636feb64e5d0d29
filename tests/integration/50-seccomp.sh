#!/bin/bash
# linux.seccomp end to end: the filter is in force in the container process (errno values,
# default actions, argument filters, flags), a real-world profile, the BPF cache and
# SCMP_ACT_NOTIFY with a listener agent.
. "$(dirname "$0")/../lib.sh"
require_root
require_cmd jq
require_ocirt
require_ocitest

PODMAN_PROFILE=$OCIRT_SRCDIR/tests/data/seccomp/podman-default-amd64.json

# seccomp_bundle DIR ARGS_JSON PROFILE_JSON
seccomp_bundle () {
  make_bundle "$1"
  cfg "$1" '.process.args=$a | .linux.seccomp=$s' --argjson a "$2" --argjson s "$3"
}

BLOCK_MKDIR='{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":42}]}'

test_errno_ret () {
  seccomp_bundle "$TMP/e" '["/init","mkdir","/tmp/x"]' "$BLOCK_MKDIR"
  ocirt_run e
  assert_status 1
  assert_match "$output" '^errno 42 '
  assert_no_leftovers e
}
t "a rule's errnoRet is what the blocked syscall returns" test_errno_ret

test_mode_filter () {
  seccomp_bundle "$TMP/m" '["/init","status","Seccomp","NoNewPrivs"]' "$BLOCK_MKDIR"
  ocirt_run m
  assert_success
  assert_match "$output" '^Seccomp 2$'
  assert_match "$output" '^NoNewPrivs 1$'
  # The same without noNewPrivileges: installed while init still has CAP_SYS_ADMIN.
  cfg "$TMP/m" '.process.noNewPrivileges=false'
  ocirt_run m
  assert_success
  assert_match "$output" '^Seccomp 2$'
  assert_match "$output" '^NoNewPrivs 0$'
}
t "Seccomp: 2 in the container's /proc/self/status (with and without noNewPrivileges)" test_mode_filter

# What the static payload needs for `status` and `mkdir` (strace), and nothing else.
ALLOW='["execve","brk","arch_prctl","set_tid_address","set_robust_list","rseq","prlimit64","mprotect","getrandom","readlink","readlinkat","newfstatat","fstat","openat","read","write","close","exit_group","exit","uname","ioctl","lseek","rt_sigreturn","rt_sigaction","rt_sigprocmask","munmap","mmap"]'

test_default_errno () {
  seccomp_bundle "$TMP/d" '["/init","mkdir","/tmp/x"]' \
    "$(jq -nc --argjson n "$ALLOW" '{defaultAction:"SCMP_ACT_ERRNO",syscalls:[{names:$n,action:"SCMP_ACT_ALLOW"}]}')"
  ocirt_run d
  assert_status 1
  assert_match "$output" '^errno 1 EPERM' "mkdir is not in the allow list: EPERM (the default errno)"
  cfg "$TMP/d" '.linux.seccomp.defaultErrnoRet=38 | .process.args=["/init","mkdir","/tmp/x"]'
  ocirt_run d
  assert_status 1
  assert_match "$output" '^errno 38 ENOSYS' "defaultErrnoRet"
  cfg "$TMP/d" '.process.args=["/init","status","Seccomp"]'
  ocirt_run d
  assert_success
  assert_match "$output" '^Seccomp 2$' "allowed syscalls work"
}
t "defaultAction SCMP_ACT_ERRNO with an allow list (and defaultErrnoRet)" test_default_errno

test_arg_filter () {
  # mkdir(path, mode): the payload uses mode 0755 (493).
  local prof
  prof=$(jq -nc --argjson v "$1" '{defaultAction:"SCMP_ACT_ALLOW",syscalls:[{names:["mkdir"],action:"SCMP_ACT_ERRNO",errnoRet:43,args:[{index:1,value:$v,op:"SCMP_CMP_EQ"}]}]}')
  seccomp_bundle "$TMP/a$1" '["/init","mkdir","/tmp/x"]' "$prof"
  ocirt_run "a$1"
  assert_status 1
  assert_match "$output" "^errno $2 "
}
t "argument filter that matches (mode == 0755): errnoRet" test_arg_filter 493 43
t "argument filter that does not match (mode == 0700): the real syscall (EROFS)" test_arg_filter 448 30

test_masked_eq () {
  # Allow only when (mode & 0700) == 0700, else errno 44: 0755 & 0700 = 0700, allowed.
  seccomp_bundle "$TMP/me" '["/init","mkdir","/tmp/x"]' \
    '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO","errnoRet":44,"args":[{"index":1,"value":448,"valueTwo":256,"op":"SCMP_CMP_MASKED_EQ"}]}]}'
  ocirt_run me
  assert_status 1
  assert_match "$output" '^errno 30 ' "(0755 & 0700) != 0400: not matched"
  cfg "$TMP/me" '.linux.seccomp.syscalls[0].args[0].valueTwo=448'
  ocirt_run me
  assert_status 1
  assert_match "$output" '^errno 44 ' "(0755 & 0700) == 0700: matched"
}
t "SCMP_CMP_MASKED_EQ argument filter" test_masked_eq

test_unknown_syscall () {
  seccomp_bundle "$TMP/u" '["/init","mkdir","/tmp/x"]' \
    '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["no_such_syscall_xyz","mkdir"],"action":"SCMP_ACT_ERRNO","errnoRet":42}]}'
  ocirt_run u
  assert_status 1
  assert_match "$output" '^errno 42 ' "the known names of the rule still apply"
  assert_match "$stderr" 'warning: .*no_such_syscall_xyz.*skipped'
}
t "a syscall unknown to libseccomp is skipped with a warning" test_unknown_syscall

test_flags () {
  seccomp_bundle "$TMP/f" '["/init","mkdir","/tmp/x"]' "$BLOCK_MKDIR"
  cfg "$TMP/f" '.linux.seccomp.flags=["SECCOMP_FILTER_FLAG_LOG","SECCOMP_FILTER_FLAG_SPEC_ALLOW","SECCOMP_FILTER_FLAG_TSYNC"]'
  ocirt_run f
  assert_status 1
  assert_match "$output" '^errno 42 '
  cfg "$TMP/f" '.linux.seccomp.flags=["SECCOMP_FILTER_FLAG_BOGUS"]'
  ocirt_run f
  assert_failure
  assert_match "$stderr" 'linux.seccomp.*SECCOMP_FILTER_FLAG_BOGUS'
  assert_no_leftovers f
}
t "flags: LOG, SPEC_ALLOW, TSYNC accepted; an unknown flag is an error naming it" test_flags

test_bad_action () {
  seccomp_bundle "$TMP/ba" '["/init","true"]' '{"defaultAction":"SCMP_ACT_BOGUS"}'
  ocirt_run ba
  assert_failure
  assert_match "$stderr" 'linux.seccomp.*SCMP_ACT_BOGUS'
  assert_no_leftovers ba
}
t "an unknown action is an error naming it, nothing left behind" test_bad_action

test_kill_actions () {
  # SIGSYS kills the process: run exits 128+31.
  local act
  for act in SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL_THREAD SCMP_ACT_KILL; do
    seccomp_bundle "$TMP/k" '["/init","mkdir","/tmp/x"]' \
      "$(jq -nc --arg a "$act" '{defaultAction:"SCMP_ACT_ALLOW",syscalls:[{names:["mkdir"],action:$a}]}')"
    ocirt_run k
    assert_status 159
    assert_no_match "$output" '^(ok|errno)' "$act: mkdir returned"
  done
  # SCMP_ACT_LOG and SCMP_ACT_TRACE without a tracer: the syscall is not run normally for
  # TRACE (ENOSYS), and runs for LOG (EROFS from the read-only rootfs).
  cfg "$TMP/k" '.linux.seccomp.syscalls[0].action="SCMP_ACT_LOG"'
  ocirt_run k
  assert_status 1
  assert_match "$output" '^errno 30 '
  cfg "$TMP/k" '.linux.seccomp.syscalls[0].action="SCMP_ACT_TRACE"'
  ocirt_run k
  assert_status 1
  assert_match "$output" '^errno 38 '
}
t "KILL_PROCESS, KILL_THREAD, KILL (SIGSYS), LOG and TRACE actions" test_kill_actions

test_podman_profile () {
  [ "$(uname -m)" = x86_64 ] || skip_test "the profile is the amd64 one"
  local n
  n=$(jq '[.syscalls[].names[]] | length' "$PODMAN_PROFILE")
  [ "$n" -gt 400 ] || _assert_fail "profile has only $n names"
  seccomp_bundle "$TMP/p" '["/init","true"]' "$(cat "$PODMAN_PROFILE")"
  ocirt_run p
  assert_success
  cfg "$TMP/p" '.process.args=["/bin/sh","-c","echo hi; /init status Seccomp"]'
  ocirt_run p
  assert_success
  assert_match "$output" '^hi$'
  assert_match "$output" '^Seccomp 2$'
  # unshare is only allowed with CAP_SYS_ADMIN in that profile.
  cfg "$TMP/p" '.process.args=["/bin/sh","-c","unshare -m true; echo rc=$?"]'
  ocirt_run p
  assert_match "$output" '^rc=[1-9]'
}
t "podman's default profile (~430 names, from containers-common): true, sh; unshare denied" test_podman_profile

test_cache () {
  [ "$(uname -m)" = x86_64 ] || skip_test "the profile is the amd64 one"
  local prof
  # A profile nobody else uses, so the first run is a miss.
  prof=$(jq -c --argjson e "$((1000 + RANDOM % 3000))" '.syscalls += [{names:["reboot"],action:"SCMP_ACT_ERRNO",errnoRet:$e}]' "$PODMAN_PROFILE")
  seccomp_bundle "$TMP/c" '["/init","status","Seccomp"]' "$prof"
  ocirt_cmd --debug run -b "$TMP/c" c
  assert_success
  assert_match "$stderr" 'seccomp cache: (miss|stored)'
  assert_match "$stderr" 'step seccomp compile'
  ocirt_cmd --debug run -b "$TMP/c" c
  assert_success
  assert_match "$output" '^Seccomp 2$'
  assert_match "$stderr" 'seccomp cache: hit'
  assert_no_match "$stderr" 'step seccomp compile' "the second run did not compile"
  assert_match "$stderr" 'step seccomp prepare'
  # The cache is root's and private.
  assert_eq "$(stat -c '%u %a' "$ROOT/.seccomp-cache")" "0 700"
  local f
  for f in "$ROOT"/.seccomp-cache/*; do
    assert_eq "$(stat -c '%u %a' "$f")" "0 600" "cache entry $f"
  done
}
t "second run is a cache hit; the cache dir is 0700 root, entries 0600" test_cache

test_cache_poison () {
  # A program planted by another user (or in a dir others can write) is never loaded.
  local prof=$BLOCK_MKDIR key f
  seccomp_bundle "$TMP/cp" '["/init","mkdir","/tmp/x"]' "$prof"
  ocirt_cmd --debug run -b "$TMP/cp" cp
  assert_status 1
  assert_match "$output" '^errno 42 '
  key=$(printf '%s\n' "$stderr" | sed -nE 's/.*seccomp cache: (miss|stored|hit) ([0-9a-f]{64}).*/\2/p' | head -1)
  [ -n "$key" ] || _assert_fail "no cache key in the debug output" "$stderr"
  f=$ROOT/.seccomp-cache/$key
  [ -f "$f" ] || _assert_fail "no cache entry $f"
  # Replace the entry by an allow-all program (BPF: ret SECCOMP_RET_ALLOW) and hand the dir
  # to uid 1000, as if a user had been able to write there.
  printf '\x06\x00\x00\x00\x00\x00\xff\x7f' > "$f"
  chown -R 1000:1000 "$ROOT/.seccomp-cache"
  ocirt_cmd --debug run -b "$TMP/cp" cp
  assert_status 1
  assert_match "$output" '^errno 42 ' "the planted program was not used"
  assert_match "$stderr" 'seccomp cache: .*not used'
  # Same with the dir root's but world-writable.
  chown -R 0:0 "$ROOT/.seccomp-cache"
  chmod 0777 "$ROOT/.seccomp-cache"
  ocirt_cmd --debug run -b "$TMP/cp" cp
  assert_match "$output" '^errno 42 '
  assert_match "$stderr" 'seccomp cache: .*not used'
  chmod 0700 "$ROOT/.seccomp-cache"
}
t "a cache dir not 0700 root is not used (no poisoning by another user)" test_cache_poison

test_notify () {
  require_python_fds || skip_test "python3 with socket.recv_fds is needed for the listener"
  local sock=$TMP/agent.sock st=$TMP/agent.state lp
  python3 "$OCIRT_SRCDIR/tests/integration/seccomp-listener.py" "$sock" "$st" 0 > "$TMP/agent.out" 2>&1 &
  lp=$!
  track_pid "$lp"
  wait_for 10 test -S "$sock" || _assert_fail "listener did not start" "$(cat "$TMP/agent.out")"
  # mkdir is answered by the agent with 0: the payload says ok although the rootfs is
  # read-only and nothing was created.
  seccomp_bundle "$TMP/n" '["/init","mkdir","/tmp/x"]' \
    "$(jq -nc --arg p "$sock" '{defaultAction:"SCMP_ACT_ALLOW",listenerPath:$p,listenerMetadata:"meta-42",syscalls:[{names:["mkdir","mkdirat"],action:"SCMP_ACT_NOTIFY"}]}')"
  cfg "$TMP/n" '.annotations={"org.test":"v1"}'
  ocirt_run n
  assert_success
  assert_match "$output" '^ok$' "the value the agent chose"
  [ ! -e "$TMP/n/rootfs/tmp/x" ] || _assert_fail "the real mkdir ran"
  wait "$lp" || _assert_fail "listener failed" "$(cat "$TMP/agent.out")"
  assert_eq "$(jq -r .metadata "$st")" meta-42
  assert_eq "$(jq -r '.fds | join(",")' "$st")" seccompFd
  assert_eq "$(jq -r ._nfds "$st")" 1
  assert_eq "$(jq -r .state.id "$st")" n
  assert_eq "$(jq -r .state.bundle "$st")" "$TMP/n"
  assert_eq "$(jq -r '.state.annotations["org.test"]' "$st")" v1
  local pid
  pid=$(jq -r .pid "$st")
  [ "$pid" -gt 1 ] || _assert_fail "pid $pid"
  assert_file_contains "$st.notif" "^pid $pid nr "
}
require_python_fds () { python3 -c 'import socket; socket.recv_fds' 2>/dev/null; }
t "SCMP_ACT_NOTIFY: the agent at listenerPath gets the fd and the state, answers mkdir" test_notify

test_notify_no_listener () {
  seccomp_bundle "$TMP/nl" '["/init","true"]' \
    "$(jq -nc --arg p "$TMP/nobody.sock" '{defaultAction:"SCMP_ACT_ALLOW",listenerPath:$p,syscalls:[{names:["mkdir"],action:"SCMP_ACT_NOTIFY"}]}')"
  ocirt_run nl
  assert_failure
  assert_match "$stderr" "nobody.sock"
  assert_no_leftovers nl
}
t "SCMP_ACT_NOTIFY with no agent listening: an error naming the path, nothing left" test_notify_no_listener

done_testing
