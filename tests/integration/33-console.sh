#!/bin/bash
# process.terminal: the pty master goes to --console-socket (SCM_RIGHTS), consoleSize is
# applied, exec -t works through a console socket or the caller's stdio.
. "$(dirname "$0")/../lib.sh"
require_root
require_cmd jq
require_ocirt
require_ocitest

# recvtty NAME: a receiver on $TMP/NAME.sock writing what the pty prints to $TMP/NAME.tty.
recvtty () {
  rm -f "$TMP/$1.sock" "$TMP/$1.tty"
  "$OCITEST" recvtty "$TMP/$1.sock" "$TMP/$1.tty" ${2:+"$2"} > "$TMP/$1.recv.log" 2>&1 &
  RECV_PID=$!
  track_pid "$RECV_PID"
  wait_for 10 test -S "$TMP/$1.sock"
}
tty_text () { tr -d '\r' < "$TMP/$1.tty"; }

test_console_socket () {
  make_bundle "$TMP/b1"
  cfg "$TMP/b1" '.process.terminal=true | .process.consoleSize={"height":33,"width":111}
    | .process.args=["/bin/sh","-c","/init isatty 0; /init isatty 1; /init winsize; /init status NSpid"]'
  recvtty c1
  ocirt_run c1 -d --console-socket "$TMP/c1.sock"
  assert_success
  wait "$RECV_PID" || _assert_fail "recvtty failed" "$(cat "$TMP/c1.recv.log")"
  out=$(tty_text c1)
  assert_match "$out" '^recvtty: got a tty'
  assert_match "$out" '^yes /dev/pts/[0-9]+$' "stdin is the pty"
  assert_eq "$(grep -c '^yes /dev/pts/' <<< "$out")" 2 "stdin and stdout are the pty"
  assert_match "$out" '^rows 33$'
  assert_match "$out" '^cols 111$'
  wait_status c1 stopped
  ocirt_cmd delete c1
  assert_no_leftovers c1
}
t "--console-socket receives the pty master; consoleSize is applied" test_console_socket

test_console_input () {
  make_bundle "$TMP/b2"
  cfg "$TMP/b2" '.process.terminal=true | .process.args=["/bin/sh","-c","read line; echo got:$line"]'
  recvtty c2 "hello-tty"
  ocirt_run c2 -d --console-socket "$TMP/c2.sock"
  assert_success
  wait "$RECV_PID"
  assert_match "$(tty_text c2)" '^got:hello-tty$' "input written to the master reaches the program"
  ocirt_cmd delete -f c2
}
t "the program reads what is written to the pty master" test_console_input

test_terminal_errors () {
  make_bundle "$TMP/b3"
  cfg "$TMP/b3" '.process.terminal=true | .process.args=["/init","true"]'
  ocirt_create c3
  assert_failure
  assert_match "$stderr" 'process.terminal is true: --console-socket is required'
  assert_no_leftovers c3
  ocirt_create c3b --console-socket "$TMP/nonexistent.sock"
  assert_failure
  assert_match "$stderr" "connect to console socket $TMP/nonexistent.sock"
  assert_no_leftovers c3b
}
t "terminal without a console socket, or an unreachable one, fails cleanly" test_terminal_errors

test_run_foreground_tty () {
  make_bundle "$TMP/b4"
  cfg "$TMP/b4" '.process.terminal=true | .process.args=["/bin/sh","-c","/init isatty 1; exit 3"]'
  ocirt_run c4
  assert_status 3
  assert_match "$(tr -d '\r' <<< "$output")" '^yes /dev/pts/[0-9]+$' "run proxies the pty to its stdout"
  assert_no_leftovers c4
}
t "run in the foreground with a terminal proxies the pty" test_run_foreground_tty

test_exec_tty () {
  make_bundle "$TMP/b5"
  cfg "$TMP/b5" '.process.args=["/init","sleep","100"]'
  ocirt_run c5 -d
  assert_success
  recvtty e1
  ocirt_cmd exec -t -d --console-socket "$TMP/e1.sock" c5 /bin/sh -c '/init isatty 0; /init winsize; echo done'
  assert_success
  wait "$RECV_PID"
  out=$(tty_text e1)
  assert_match "$out" '^recvtty: got a tty'
  assert_match "$out" '^yes /dev/pts/[0-9]+$'
  assert_match "$out" '^done$'
  # foreground -t without a console socket: the pty is proxied to our stdout
  ocirt_cmd exec -t c5 /bin/sh -c '/init isatty 1; exit 4'
  assert_status 4
  assert_match "$(tr -d '\r' <<< "$output")" '^yes /dev/pts/[0-9]+$'
  # without -t the exec'd process shares our stdio, no pty
  ocirt_cmd exec c5 /init isatty 1
  assert_eq "$output" no
  ocirt_cmd exec -t -d c5 /init true
  assert_failure
  assert_match "$stderr" 'console-socket'
  ocirt_cmd exec --console-socket "$TMP/e1.sock" c5 /init true
  assert_failure
  assert_match "$stderr" 'needs a terminal'
  ocirt_cmd delete -f c5
  assert_no_leftovers c5
}
t "exec -t through a console socket or the caller's stdio" test_exec_tty

done_testing
