#!/bin/bash
# ocirt run: exit codes, stdio, state cleanup, --pid-file, -d, --no-pivot, --keep, signal
# forwarding and the interactive terminal, all through the real binary.
. "$(dirname "$0")/../lib.sh"
require_root
require_cmd jq
require_ocirt
require_ocitest

# args DIR WORD...: set process.args.
args () {
  local d=$1
  shift
  cfg "$d" '.process.args=$a' --argjson a "$(printf '%s\n' "$@" | jq -cR . | jq -cs .)"
}

test_exit_codes () {
  make_bundle "$TMP/ec"
  ocirt_run ec0
  assert_status 0
  assert_no_leftovers ec0
  args "$TMP/ec" /init exit 3
  ocirt_run ec3
  assert_status 3
  assert_no_leftovers ec3
  args "$TMP/ec" /init false
  ocirt_run ec1
  assert_status 1
  assert_no_leftovers ec1
  # The process kills itself: 128 + SIGKILL.  Not as pid 1 of a pid namespace, where the
  # kernel drops the signals it sends itself.
  cfg "$TMP/ec" '.linux.namespaces |= map(select(.type != "pid"))'
  args "$TMP/ec" /bin/sh -c 'kill -9 $$'
  ocirt_run ec9
  assert_status 137
  assert_no_leftovers ec9
  args "$TMP/ec" /bin/sh -c 'kill -SEGV $$'
  ocirt_run ec11
  assert_status 139
  assert_no_leftovers ec11
}
t "exit status of the process (0, 1, 3, 128+signal)" test_exit_codes

test_stdio () {
  make_bundle "$TMP/io"
  args "$TMP/io" /bin/sh -c 'echo to-out; echo to-err >&2; read l; echo "got $l"'
  local out=$TMP/io.out err=$TMP/io.err rc=0
  echo line-in | "$OCIRT" --root "$ROOT" run -b "$TMP/io" io1 > "$out" 2> "$err" || rc=$?
  assert_eq "$rc" 0
  assert_eq "$(cat "$out")" "to-out
got line-in"
  assert_eq "$(cat "$err")" "to-err"
  assert_no_leftovers io1
}
t "stdin, stdout and stderr pass through" test_stdio

test_pid_file () {
  make_bundle "$TMP/pf"
  args "$TMP/pf" /init pid
  ocirt_run pf1 --pid-file "$TMP/pf1.pid"
  assert_success
  assert_match "$output" '^pid 1$'
  assert_match "$(cat "$TMP/pf1.pid")" '^[0-9]+$'
  assert_no_leftovers pf1
  # relative to the cwd
  (cd "$TMP" && "$OCIRT" --root "$ROOT" run -b "$TMP/pf" --pid-file rel.pid pf2 >/dev/null)
  assert_match "$(cat "$TMP/rel.pid")" '^[0-9]+$'
}
t "--pid-file is written" test_pid_file

test_detach () {
  make_bundle "$TMP/dt"
  args "$TMP/dt" /init pause
  ocirt_run dt1 -d --pid-file "$TMP/dt1.pid"
  assert_success
  local pid
  pid=$(cat "$TMP/dt1.pid")
  assert_eq "$(ocirt_state dt1 status)" running
  assert_eq "$(ocirt_state dt1 pid)" "$pid"
  assert_eq "$(ocirt_state dt1 bundle)" "$TMP/dt"
  [ -d "/proc/$pid" ]
  ocirt_cmd delete dt1
  assert_failure
  ocirt_cmd delete -f dt1
  assert_success
  assert_no_leftovers dt1
  ! [ -d "/proc/$pid" ] || [ "$(awk '{print $3}' "/proc/$pid/stat")" = Z ]
}
t "-d detaches; state reports running; delete -f removes it" test_detach

test_detach_exit () {
  make_bundle "$TMP/de"
  args "$TMP/de" /init exit 5
  ocirt_run de1 -d
  assert_success
  wait_status de1 stopped
  ocirt_cmd delete de1
  assert_success
  assert_no_leftovers de1
}
t "-d with a process that exits: stopped, then delete" test_detach_exit

test_no_pivot () {
  make_bundle "$TMP/np"
  args "$TMP/np" /bin/sh -c 'ls /; cat /proc/self/mountinfo | head -1'
  ocirt_run np1 --no-pivot
  assert_success
  assert_match "$output" '^init$'
  assert_no_match "$output" '^(usr|lib|boot)$'
  assert_no_leftovers np1
  args "$TMP/np" /init cat /proc/self/mountinfo
  ocirt_run np2 --no-pivot
  assert_success
  # the root of the process is the rootfs mount
  [ "$(chroot "$TMP/np/rootfs" /bin/sh -c 'echo ok')" = ok ]
  args "$TMP/np" /init exit 4
  ocirt_run np3 --no-pivot
  assert_status 4
  assert_no_leftovers np3
}
t "--no-pivot runs in the rootfs" test_no_pivot

test_keep () {
  make_bundle "$TMP/kp"
  args "$TMP/kp" /init exit 2
  ocirt_run kp1 --keep
  assert_status 2
  assert_eq "$(ocirt_state kp1 status)" stopped
  ocirt_cmd delete kp1
  assert_success
  assert_no_leftovers kp1
}
t "--keep leaves a stopped container" test_keep

test_signal_forward () {
  make_bundle "$TMP/sg"
  args "$TMP/sg" /init pause
  ocirt_bg sg1
  wait_output "$TMP/sg1.out" '^ready$'
  kill -USR1 "$BG_PID"
  local rc=0
  wait "$BG_PID" || rc=$?
  assert_eq "$(cat "$TMP/sg1.out")" "ready
signal 10"
  assert_eq "$rc" $((128 + 10))
  assert_no_leftovers sg1
  # SIGTERM too
  ocirt_bg sg2
  wait_output "$TMP/sg2.out" '^ready$'
  kill -TERM "$BG_PID"
  rc=0
  wait "$BG_PID" || rc=$?
  assert_match "$(cat "$TMP/sg2.out")" '^signal 15$'
  assert_eq "$rc" 143
  assert_no_leftovers sg2
}
t "signals sent to ocirt run are forwarded" test_signal_forward

test_killed_from_outside () {
  make_bundle "$TMP/ko"
  args "$TMP/ko" /init pause
  ocirt_bg ko1 --pid-file "$TMP/ko1.pid"
  wait_output "$TMP/ko1.out" '^ready$'
  kill -KILL "$(cat "$TMP/ko1.pid")"
  local rc=0
  wait "$BG_PID" || rc=$?
  assert_eq "$rc" 137
  assert_no_leftovers ko1
}
t "the container's init killed from outside: ocirt run exits 137" test_killed_from_outside

# run deletes the container it made, not whatever holds the id by then: here another delete
# removes it and a new container takes the id while run is stopped.
test_run_leaves_a_new_container_alone () {
  make_bundle "$TMP/du"
  args "$TMP/du" /init pause
  ocirt_bg du1
  local first=$BG_PID rc=0
  wait_output "$TMP/du1.out" '^ready$'
  kill -STOP "$first"
  ocirt_cmd delete -f du1
  assert_success
  ocirt_cmd run -d -b "$TMP/du" du1
  assert_success
  kill -CONT "$first"
  wait "$first" || rc=$?
  assert_eq "$rc" 137
  assert_eq "$(ocirt_state du1 status)" running "the new du1 survives the first run's exit"
  ocirt_cmd delete -f du1
  assert_success
  assert_no_leftovers du1
}
t "run deletes only its own container, not a new one under the same id" test_run_leaves_a_new_container_alone

# run_tty CMD...: run CMD with a pty on stdin/stdout (python pty), print its output.
run_tty () {
  python3 - "$@" <<'EOF'
import fcntl, os, pty, struct, sys, termios
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 132, 0, 0))
    os.execvp(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        d = os.read(fd, 4096)
    except OSError:
        break
    if not d:
        break
    out += d
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r\n", "\n"))
sys.exit(os.waitstatus_to_exitcode(st))
EOF
}

test_terminal () {
  command -v python3 >/dev/null || skip_test "needs python3"
  make_bundle "$TMP/tt"
  cfg "$TMP/tt" '.process.terminal=true | .process.args=["/bin/sh","-c","/init isatty 0; /init isatty 1; /init winsize; echo hello; exit 6"]'
  local out rc=0
  out=$(run_tty "$OCIRT" --root "$ROOT" run -b "$TMP/tt" tt1) || rc=$?
  echo "$out"
  assert_eq "$rc" 6
  assert_match "$out" '^yes /dev/(pts/[0-9]+|console)$'
  assert_match "$out" '^hello$'
  # the size of ocirt's terminal, there before the process starts
  assert_match "$out" '^rows 40$'
  assert_match "$out" '^cols 132$'
  assert_no_leftovers tt1
}
t "terminal=true: the process gets a tty, its output comes back" test_terminal

test_terminal_script () {
  command -v script >/dev/null || skip_test "needs script (util-linux)"
  make_bundle "$TMP/ts"
  cfg "$TMP/ts" '.process.terminal=true | .process.args=["/init","isatty","0"]'
  local out
  out=$(script -qec "$OCIRT --root $ROOT run -b $TMP/ts ts1" /dev/null < /dev/null | tr -d '\r\000' | sed 's/\^@//g')
  assert_match "$out" '^yes '
  assert_no_leftovers ts1
}
t "terminal=true under script(1)" test_terminal_script

test_terminal_input () {
  command -v python3 >/dev/null || skip_test "needs python3"
  make_bundle "$TMP/ti"
  cfg "$TMP/ti" '.process.terminal=true | .process.args=["/bin/sh","-c","read l; echo \"got [$l]\""]'
  local out
  out=$(python3 - "$OCIRT" --root "$ROOT" run -b "$TMP/ti" ti1 <<'EOF'
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
time.sleep(0.5)
os.write(fd, b"typed\n")
out = b""
while True:
    try:
        d = os.read(fd, 4096)
    except OSError:
        break
    if not d:
        break
    out += d
os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r\n", "\n"))
EOF
)
  echo "$out"
  assert_match "$out" '^got \[typed\]$'
  assert_no_leftovers ti1
}
t "terminal=true: input reaches the process" test_terminal_input

test_terminal_no_tty () {
  # terminal=true but ocirt's stdin is not a tty: output still comes back
  make_bundle "$TMP/tn"
  cfg "$TMP/tn" '.process.terminal=true | .process.consoleSize={"height":25,"width":99} | .process.args=["/bin/sh","-c","/init isatty 0; /init winsize"]'
  ocirt_run tn1
  assert_success
  assert_match "$output" '^yes '
  assert_match "$output" '^rows 25'
  assert_match "$output" '^cols 99'
  assert_no_leftovers tn1
}
t "terminal=true without a tty on stdin" test_terminal_no_tty

test_error_after_start () {
  # exec fails after READY: only the init can tell, through the log handler
  make_bundle "$TMP/ea"
  printf 'not an executable format\n' > "$TMP/ea/rootfs/notelf"
  chmod 755 "$TMP/ea/rootfs/notelf"
  args "$TMP/ea" /notelf
  ocirt_run ea1
  assert_status 127
  assert_eq "$stderr" "ocirt: ea1: exec /notelf: Exec format error"
  assert_no_leftovers ea1
  ocirt_cmd --log "$TMP/ea.log" --log-format json run -b "$TMP/ea" ea2
  assert_status 127
  assert_eq "$(jq -r 'select(.level == "error") | .msg' "$TMP/ea.log")" "ea2: exec /notelf: Exec format error"
  assert_no_leftovers ea2
}
t "an exec failure after start: exit 127, the error on stderr and in --log" test_error_after_start

test_duplicate_id () {
  make_bundle "$TMP/du"
  args "$TMP/du" /init pause
  ocirt_run du1 -d
  assert_success
  ocirt_run du1 -d
  assert_status 1
  assert_match "$stderr" 'du1.*(exists|already)'
  assert_eq "$(ocirt_state du1 status)" running
  ocirt_cmd delete -f du1
  assert_no_leftovers du1
}
t "a duplicate id is refused and the first container survives" test_duplicate_id

done_testing
