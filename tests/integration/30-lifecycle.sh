#!/bin/bash
# The create/start/state/kill/delete lifecycle, as runc's callers (containerd's shim, conmon,
# runtime-tools) drive it, checked against runtime-spec runtime.md.
. "$(dirname "$0")/../lib.sh"
require_root
require_cmd jq
require_ocirt
require_ocitest

# state JSON has exactly the runtime-spec keys (annotations only when there are some).
assert_state () {
  local id=$1 want=$2 st keys
  st=$("$OCIRT" --root "$ROOT" state "$id")
  keys=$(jq -c 'keys_unsorted' <<< "$st")
  assert_eq "$(jq -r .status <<< "$st")" "$want" "status of $id"
  assert_eq "$(jq -r .id <<< "$st")" "$id"
  assert_match "$(jq -r .ociVersion <<< "$st")" '^1\.[0-9]+\.[0-9]+'
  assert_eq "$(jq -r .bundle <<< "$st")" "$BUNDLE"
  case $want in
    created | running)
      assert_match "$(jq -r .pid <<< "$st")" '^[1-9][0-9]*$' "pid while $want"
      assert_eq "$keys" '["ociVersion","id","status","pid","bundle"]' ;;
    stopped)
      assert_match "$(jq -r '.pid // 0' <<< "$st")" '^0$' "no pid once stopped" ;;
  esac
}

test_create_waits_for_start () {
  make_bundle "$TMP/b1"
  cfg "$TMP/b1" '.root.readonly=false | .process.args=["/init","write","/tmp/started","yes"]'
  ocirt_create c1 --pid-file "$TMP/c1.pid"
  assert_success
  assert_state c1 created
  pid=$(ocirt_state c1 pid)
  assert_eq "$(cat "$TMP/c1.pid")" "$pid" "--pid-file holds the init pid"
  [ ! -e "$TMP/b1/rootfs/tmp/started" ] || _assert_fail "the program ran before start"
  # Still ocirt (blocked on exec.fifo), not the container's program.
  assert_match "$(tr '\0' ' ' < "/proc/$pid/cmdline")" "ocirt"
  assert_no_match "$(tr '\0' ' ' < "/proc/$pid/cmdline")" "write"
  sleep 0.3
  [ ! -e "$TMP/b1/rootfs/tmp/started" ] || _assert_fail "the program ran before start"
  ocirt_cmd start c1
  assert_success
  wait_for 10 test -e "$TMP/b1/rootfs/tmp/started"
  assert_eq "$(cat "$TMP/b1/rootfs/tmp/started")" yes
  wait_status c1 stopped
  assert_state c1 stopped
  ocirt_cmd delete c1
  assert_success
  assert_no_leftovers c1
}
t "create leaves the process waiting; start runs it; state at each step" test_create_waits_for_start

test_running_state () {
  make_bundle "$TMP/b2"
  cfg "$TMP/b2" '.process.args=["/init","sleep","100"] | .annotations={"org.test":"v1"}'
  ocirt_create c2
  assert_success
  st=$("$OCIRT" --root "$ROOT" state c2)
  assert_eq "$(jq -c .annotations <<< "$st")" '{"org.test":"v1"}'
  ocirt_cmd start c2
  assert_success
  assert_eq "$(ocirt_state c2 status)" running
  pid=$(ocirt_state c2 pid)
  assert_match "$(tr '\0' ' ' < "/proc/$pid/cmdline")" '^/init sleep 100'
  ocirt_cmd start c2
  assert_failure
  assert_match "$stderr" 'cannot start a container that is running'
  ocirt_cmd kill c2 KILL
  assert_success
  wait_status c2 stopped
  ocirt_cmd delete c2
  assert_success
  assert_no_leftovers c2
}
t "running state, annotations, start twice fails" test_running_state

test_run_detached () {
  make_bundle "$TMP/b3"
  cfg "$TMP/b3" '.process.args=["/init","sleep","100"]'
  ocirt_run c3 -d --pid-file "$TMP/c3.pid"
  assert_success
  assert_state c3 running
  assert_eq "$(cat "$TMP/c3.pid")" "$(ocirt_state c3 pid)"
  ocirt_cmd delete -f c3
  assert_success
  assert_no_leftovers c3
}
t "run -d: running, pid file" test_run_detached

test_run_foreground_exit_code () {
  make_bundle "$TMP/b4"
  cfg "$TMP/b4" '.process.args=["/init","exit","42"]'
  ocirt_run c4
  assert_status 42
  assert_no_leftovers c4
  # Killed by a signal: 128+N.  (Only SIGKILL reaches a pid-namespace init without a handler.)
  cfg "$TMP/b4" '.process.args=["/init","sleep","100"]'
  ocirt_bg c4b
  wait_status c4b running
  "$OCIRT" --root "$ROOT" kill c4b KILL
  wait "$BG_PID" && rc=0 || rc=$?
  assert_eq "$rc" 137
  assert_no_leftovers c4b
}
t "run in the foreground returns the exit code (128+signal) and deletes" test_run_foreground_exit_code

# busybox sh as the container's init: it installs handlers for trapped signals, so they
# reach it (a pid-namespace init ignores signals it has no handler for).
trap_payload='.root.readonly=false | .process.args=["/bin/sh","-c","for s in HUP TERM USR1; do trap \"echo $s > /tmp/sig; exit 3\" $s; done; echo ready > /tmp/ready; while :; do /init sleep 0.1; done"]'

kill_and_check () {
  local id=$1 want=$2
  shift 2
  rm -f "$TMP/b5/rootfs/tmp/sig" "$TMP/b5/rootfs/tmp/ready"
  ocirt_run "$id" -d
  assert_success
  wait_for 10 test -e "$TMP/b5/rootfs/tmp/ready"
  ocirt_cmd kill "$id" "$@"
  assert_success
  wait_status "$id" stopped
  assert_eq "$(cat "$TMP/b5/rootfs/tmp/sig")" "$want" "kill $* delivered $want"
  ocirt_cmd delete "$id"
  assert_success
}

test_kill_signals () {
  make_bundle "$TMP/b5"
  cfg "$TMP/b5" "$trap_payload"
  kill_and_check k1 HUP SIGHUP
  kill_and_check k2 HUP hup
  kill_and_check k3 USR1 10
  kill_and_check k4 TERM
  ocirt_run k5 -d
  ocirt_cmd kill k5 NOSUCHSIG
  assert_failure
  assert_match "$stderr" 'NOSUCHSIG'
  assert_eq "$(ocirt_state k5 status)" running
  ocirt_cmd kill k5 KILL
  assert_success
  wait_status k5 stopped
  ocirt_cmd kill k5 KILL
  assert_failure
  assert_match "$stderr" '^ocirt: k5: container is not running'
  ocirt_cmd delete k5
  assert_success
  assert_no_leftovers k5
}
t "kill: names with/without SIG, numbers, default TERM; stopped is an error" test_kill_signals

test_kill_all () {
  make_bundle "$TMP/b6"
  cfg "$TMP/b6" '.process.args=["/bin/sh","-c","/init sleep 100 & /init sleep 100 & wait"]'
  ocirt_run c6 -d
  assert_success
  wait_for 10 sh -c "[ \$(\"$OCIRT\" --root \"$ROOT\" ps --format json c6 | jq length) -ge 3 ]"
  ocirt_cmd kill --all c6 KILL
  assert_success
  wait_status c6 stopped
  ocirt_cmd delete c6
  assert_success
  assert_no_leftovers c6
}
t "kill --all signals every process" test_kill_all

test_delete_rules () {
  make_bundle "$TMP/b7"
  cfg "$TMP/b7" '.process.args=["/init","sleep","100"]'
  ocirt_create c7
  assert_success
  ocirt_cmd delete c7
  assert_failure
  assert_match "$stderr" 'cannot delete container that is created'
  assert_eq "$(ocirt_state c7 status)" created
  ocirt_cmd start c7
  ocirt_cmd delete c7
  assert_failure
  assert_match "$stderr" 'running'
  assert_eq "$(ocirt_state c7 status)" running
  cg=/sys/fs/cgroup/pids/$CGROUP_PREFIX/b7
  [ ! -d /sys/fs/cgroup/pids ] || [ -d "$cg" ] || _assert_fail "no cgroup $cg while running"
  ocirt_cmd delete -f c7
  assert_success
  assert_no_leftovers c7
  ocirt_cmd delete c7
  assert_failure
  assert_match "$stderr" 'container does not exist'
  ocirt_cmd delete -f c7
  assert_success
}
t "delete: created/running need -f; -f kills and removes everything" test_delete_rules

test_list () {
  make_bundle "$TMP/b8"
  cfg "$TMP/b8" '.process.args=["/init","sleep","100"]'
  ocirt_create l1
  ocirt_run l2 -d
  ocirt_cmd list -q
  assert_success
  assert_eq "$(grep '^l' <<< "$output")" "$(printf 'l1\nl2')"
  ocirt_cmd list
  assert_match "$output" '^ID +PID +STATUS +BUNDLE +CREATED +OWNER'
  assert_match "$output" "^l1 +[0-9]+ +created +$BUNDLE "
  assert_match "$output" "^l2 +[0-9]+ +running +$BUNDLE "
  ocirt_cmd list --format json
  assert_eq "$(jq -r '.[].id' <<< "$output" | grep '^l' | tr '\n' ' ')" "l1 l2 "
  assert_eq "$(jq -r '.[] | select(.id=="l2") | .status' <<< "$output")" running
  assert_eq "$(jq -r '.[] | select(.id=="l2") | .owner' <<< "$output")" "$(id -un)" "owner is a user name, as in runc"
  ocirt_cmd delete -f l1
  ocirt_cmd delete -f l2
  ocirt_cmd list -q
  assert_no_match "$output" '^l[12]$'
}
t "list: table, -q, --format json" test_list

test_ps () {
  command -v ps > /dev/null || skip_test "needs ps"
  make_bundle "$TMP/b9"
  cfg "$TMP/b9" '.process.args=["/init","sleep","100"]'
  ocirt_run p1 -d
  pid=$(ocirt_state p1 pid)
  ocirt_cmd ps --format json p1
  assert_success
  assert_eq "$output" "[$pid]"
  ocirt_cmd ps p1
  assert_success
  assert_match "$output" '^UID +PID +PPID'
  assert_match "$output" "^[a-z0-9]+ +$pid +.*sleep 100"
  assert_eq "$(printf '%s\n' "$output" | wc -l)" 2 "header and one process"
  ocirt_cmd ps p1 -- -o pid,args
  assert_success
  assert_match "$output" '^ *PID +COMMAND'
  assert_match "$output" "^ *$pid /init sleep 100"
  ocirt_cmd ps p1 -o stat
  assert_failure
  assert_match "$stderr" 'PID field'
  ocirt_cmd delete -f p1
}
t "ps: json pids, table filtered from ps -ef, ps arguments" test_ps

test_dead_process_is_stopped () {
  make_bundle "$TMP/b10"
  cfg "$TMP/b10" '.process.args=["/init","sleep","100"]'
  ocirt_run d1 -d
  pid=$(ocirt_state d1 pid)
  kill -9 "$pid"
  wait_status d1 stopped
  ocirt_cmd delete d1
  assert_success
  assert_no_leftovers d1
  # A reused pid: the record's start time no longer matches the live process.
  ocirt_run d2 -d
  assert_eq "$(ocirt_state d2 status)" running
  jq '.pidStartTime = 1' "$ROOT/d2/status.json" > "$TMP/st.json"
  cp "$TMP/st.json" "$ROOT/d2/status.json"
  assert_eq "$(ocirt_state d2 status)" stopped
  ocirt_cmd kill d2 KILL
  assert_failure
  ocirt_cmd delete -f d2
  assert_success
}
t "a container whose process died, or whose pid was reused, is stopped" test_dead_process_is_stopped

test_errors () {
  make_bundle "$TMP/b11"
  ocirt_cmd create -b "$TMP/nonexistent" e1
  assert_failure
  assert_match "$stderr" "^ocirt: e1: bundle $TMP/nonexistent: No such file"
  for bad in a/b .. ../x /abs; do
    ocirt_cmd create -b "$BUNDLE" "$bad"
    assert_failure
    assert_match "$stderr" 'invalid container id'
  done
  [ -z "$(ls -A "$ROOT")" ] || _assert_fail "something left in $ROOT" "$(ls -A "$ROOT")"
  cfg "$TMP/b11" '.process.args=["/init","sleep","100"]'
  ocirt_create e2
  assert_success
  ocirt_create e2
  assert_failure
  assert_match "$stderr" '^ocirt: e2: container already exists'
  assert_eq "$(ocirt_state e2 status)" created
  ocirt_cmd state nosuch
  assert_failure
  assert_match "$stderr" '^ocirt: nosuch: container does not exist'
  ocirt_cmd start nosuch
  assert_failure
  ocirt_cmd delete -f e2
  assert_no_leftovers e2
}
t "errors: missing bundle, bad ids, duplicate id, unknown container" test_errors

done_testing
