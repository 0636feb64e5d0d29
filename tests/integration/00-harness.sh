#!/bin/bash
# Checks the test harness itself: make_bundle, cfg, the assertions, ocirt_* capture, the
# cleanup trap, and every ocitest subcommand run directly on the host.  With runc installed
# it also runs the bundles in a reference runtime, so a broken bundle is not blamed on ocirt.
. "$(dirname "$0")/../lib.sh"
require_root
require_cmd jq
require_ocitest

# ---- make_bundle / cfg ------------------------------------------------------------------------

test_bundle_tree () {
  local b=$TMP/b1 r=$TMP/b1/rootfs c d
  make_bundle "$b"
  assert_eq "$BUNDLE" "$b"
  [ -x "$r/init" ]
  cmp "$r/init" "$OCITEST"
  for c in $("$OCITEST" --list); do
    assert_eq "$(readlink "$r/bin/$c")" /init "bin/$c"
  done
  assert_match "$("$OCITEST" --list)" '^memhog$'
  cmp "$r/bin/busybox" /bin/busybox
  assert_eq "$(readlink "$r/bin/sh")" busybox
  for d in proc sys dev tmp etc; do
    [ -d "$r/$d" ] || { echo "no $d"; return 1; }
  done
  for d in proc sys dev; do
    assert_eq "$(ls -A "$r/$d")" "" "rootfs/$d is empty"
  done
  assert_file_contains "$r/etc/passwd" '^root:x:0:0:'
  assert_file_contains "$r/etc/passwd" '^[a-z]+:x:1000:1000:'
  assert_file_contains "$r/etc/group" '^root:x:0:'
  assert_file_contains "$r/etc/group" '^[a-z]+:x:1000:'
  # the static payload runs with nothing but the rootfs
  assert_eq "$(chroot "$r" /bin/echo in rootfs)" "in rootfs"
  assert_eq "$(chroot "$r" /bin/sh -c 'echo busybox sh')" "busybox sh"
}
t "make_bundle lays out the rootfs" test_bundle_tree

test_bundle_config () {
  make_bundle "$TMP/b2"
  assert_eq "$(cfg_get "$TMP/b2" .process.terminal)" false
  assert_eq "$(jq -c .process.args "$TMP/b2/config.json")" '["/init","true"]'
  assert_eq "$(cfg_get "$TMP/b2" .root.path)" rootfs
  assert_eq "$(cfg_get "$TMP/b2" .linux.cgroupsPath)" "/ocirt-test-$$/b2"
  assert_match "$(cfg_get "$TMP/b2" .ociVersion)" '^1\.'
  echo "config from $SPEC_SOURCE"
}
t "make_bundle writes config.json" test_bundle_config

test_cfg () {
  make_bundle "$TMP/b3"
  cfg "$TMP/b3" '.process.args=["/init","echo",$w]' --arg w "a b"
  assert_eq "$(jq -c .process.args "$TMP/b3/config.json")" '["/init","echo","a b"]'
  cp "$TMP/b3/config.json" "$TMP/before.json"
  ! cfg "$TMP/b3" '.process.args=[' 2>/dev/null
  cmp "$TMP/b3/config.json" "$TMP/before.json"
  [ ! -e "$TMP/b3/config.json.new" ]
}
t "cfg edits config.json and keeps it on a bad expression" test_cfg

# ---- assertions --------------------------------------------------------------------------------

test_assertions () {
  ( assert_eq a a ) && ! ( assert_eq a b ) 2>/dev/null
  ( assert_ne a b ) && ! ( assert_ne a a ) 2>/dev/null
  ( assert_match "$(printf 'x\nfoo 12\n')" '^foo [0-9]+$' ) && ! ( assert_match "foo" '^bar' ) 2>/dev/null
  ( assert_no_match "foo" '^bar' ) && ! ( assert_no_match "foo" 'o+' ) 2>/dev/null
  echo "hello 42" > "$TMP/f"
  ( assert_file_contains "$TMP/f" '^hello [0-9]+' ) && ! ( assert_file_contains "$TMP/f" nope ) 2>/dev/null
  ! ( assert_file_contains "$TMP/missing" x ) 2>/dev/null
  ( status=3; assert_status 3 ) && ! ( status=0; assert_status 3 ) 2>/dev/null
  ( status=0; assert_success ) && ! ( status=1; assert_success ) 2>/dev/null
  ( status=1; assert_failure ) && ! ( status=0; assert_failure ) 2>/dev/null
  # a failed assertion stops the test (the rest does not run)
  ! ( assert_eq 1 2; echo reached > "$TMP/reached" ) 2>/dev/null
  [ ! -e "$TMP/reached" ]
}
t "assertions pass and fail when they should" test_assertions

test_t_reports () {
  local out
  out=$(
    _tap_n=0 _tap_failed=0
    good () { true; }
    bad () { false; echo "not reached"; }
    skipped () { skip_test "no widget"; }
    t "good" good; t "bad" bad; t "skipped" skipped
  )
  assert_match "$out" '^ok 1 - good$'
  assert_match "$out" '^not ok 2 - bad$'
  assert_no_match "$out" 'not reached'
  assert_match "$out" '^ok 3 - skipped # SKIP no widget$'
}
t "t reports ok, not ok (set -e) and skip" test_t_reports

# ---- ocirt_* capture (with a fake runtime) ----------------------------------------------------

test_ocirt_capture () {
  cat > "$TMP/fake" <<'EOF'
#!/bin/sh
printf '%s\n' "$@"
echo "to stderr" >&2
exit 7
EOF
  chmod +x "$TMP/fake"
  OCIRT=$TMP/fake
  make_bundle "$TMP/b4"
  ocirt_run c1 --detach
  assert_status 7
  assert_eq "$output" "$(printf '%s\n' --root "$ROOT" run -b "$TMP/b4" --detach c1)"
  assert_eq "$stderr" "to stderr"
  ocirt_cmd state c1
  assert_eq "$output" "$(printf '%s\n' --root "$ROOT" state c1)"
  # bundles of containers are remembered for assert_no_leftovers
  assert_eq "$(cat "$TRACK/c1.bundle")" "$TMP/b4"
}
t "ocirt_run and ocirt_cmd capture stdout, stderr and status" test_ocirt_capture

# ---- ocitest on the host ------------------------------------------------------------------------

T=$OCITEST

test_basic () {
  "$T" true
  ! "$T" false
  local rc=0
  "$T" exit 3 || rc=$?
  assert_eq $rc 3
  assert_eq "$("$T" echo a "b c" d)" "a b c d"
  rc=0; "$T" no-such-command 2>/dev/null || rc=$?
  assert_eq $rc 1
  rc=0; "$T" exit 2>/dev/null || rc=$?
  assert_eq $rc 1 "missing argument"
  ln -s "$T" "$TMP/echo"
  assert_eq "$("$TMP/echo" via symlink)" "via symlink"
  local start end
  start=$(date +%s%N); "$T" sleep 0.3; end=$(date +%s%N)
  [ $(( (end - start) / 1000000 )) -ge 300 ]
}
t "ocitest true false exit echo sleep, symlink dispatch" test_basic

test_pid () {
  local child me=$BASHPID
  "$T" pid > "$TMP/pid.out" &
  child=$!
  wait $child
  assert_eq "$(cat "$TMP/pid.out")" "$(printf 'pid %d\nppid %d' "$child" "$me")"
}
t "ocitest pid" test_pid

test_id () {
  assert_match "$("$T" id)" '^uid 0$'
  assert_eq "$(setpriv --clear-groups "$T" id)" "$(printf 'uid 0\ngid 0\neuid 0\negid 0\ngroups')"
  local out
  out=$(setpriv --reuid 1000 --regid 1001 --groups 5,7 "$T" id)
  assert_eq "$out" "$(printf 'uid 1000\ngid 1001\neuid 1000\negid 1001\ngroups 5 7')"
}
t "ocitest id" test_id

test_names () {
  assert_eq "$("$T" hostname)" "$(uname -n)"
  assert_eq "$("$T" domainname)" "$(cat /proc/sys/kernel/domainname)"
}
t "ocitest hostname domainname" test_names

test_files () {
  mkdir "$TMP/d"
  "$T" write "$TMP/d/b" "data b" >/dev/null
  assert_eq "$("$T" write "$TMP/d/a" "x y")" ok
  touch "$TMP/d/c"
  assert_eq "$("$T" cat "$TMP/d/a" "$TMP/d/b")" "x ydata b"
  assert_eq "$("$T" ls "$TMP/d")" "$(printf 'a\nb\nc')"
  ! "$T" cat "$TMP/d/nope" 2>/dev/null
  ln -s target "$TMP/d/l"
  assert_eq "$("$T" readlink "$TMP/d/l")" target
  assert_eq "$("$T" stat /dev/null)" "$(printf 'type char\nmode 0666\nuid 0\ngid 0\nmajor 1\nminor 3')"
  chown 1000:5 "$TMP/d/a"; chmod 4750 "$TMP/d/a"
  assert_eq "$("$T" stat "$TMP/d/a")" "$(printf 'type file\nmode 4750\nuid 1000\ngid 5\nmajor 0\nminor 0')"
  assert_match "$("$T" stat "$TMP/d/l")" '^type symlink$'
  assert_match "$("$T" stat "$TMP/d")" '^type dir$'
}
t "ocitest write cat ls readlink stat" test_files

test_open_mkdir () {
  assert_eq "$("$T" open /dev/null r)" ok
  assert_eq "$("$T" open /dev/null rw)" ok
  local out rc=0
  out=$("$T" open "$TMP/nope" r 2>/dev/null) || rc=$?
  assert_eq "$out" "errno 2 ENOENT"; assert_eq $rc 1
  touch "$TMP/ro"; chmod 0400 "$TMP/ro"
  rc=0; out=$(setpriv --reuid 1000 --regid 1000 --clear-groups "$T" open "$TMP/ro" w 2>/dev/null) || rc=$?
  assert_eq "$out" "errno 13 EACCES"; assert_eq $rc 1
  assert_eq "$("$T" mkdir "$TMP/newdir")" ok
  [ -d "$TMP/newdir" ]
  rc=0; out=$("$T" mkdir "$TMP/newdir" 2>/dev/null) || rc=$?
  assert_eq "$out" "errno 17 EEXIST"; assert_eq $rc 1
}
t "ocitest open mkdir report errno names" test_open_mkdir

test_cwd () {
  assert_eq "$(cd "$TMP" && "$T" cwd)" "$TMP"
  assert_eq "$(cd "$TMP" && "$T" syscall-getcwd)" "$(printf 'ret %d\npath %s' $(( ${#TMP} + 1 )) "$TMP")"
}
t "ocitest cwd syscall-getcwd" test_cwd

test_env_umask () {
  assert_eq "$(env -i FOO=bar "X=a b" "$T" env)" "$(printf 'FOO=bar\nX=a b')"
  assert_eq "$(umask 027 && "$T" umask)" 0027
  assert_eq "$(umask 0 && "$T" umask)" 0000
}
t "ocitest env umask" test_env_umask

test_tty () {
  assert_eq "$("$T" isatty 0 < /dev/null)" no
  ! "$T" winsize < /dev/null 2>/dev/null
  local out
  # script(1) gives the command a pty of 24x80 unless told otherwise
  out=$(script -qec "stty rows 33 cols 111; $T isatty 0; $T winsize" /dev/null < /dev/null | tr -d '\r')
  assert_match "$out" '^yes /dev/pts/[0-9]+$'
  assert_match "$out" '^rows 33$'
  assert_match "$out" '^cols 111$'
}
t "ocitest isatty winsize" test_tty

test_caps () {
  local out k
  out=$("$T" caps)
  assert_eq "$(echo "$out" | wc -l)" 5
  for k in CapInh CapPrm CapEff CapBnd CapAmb; do
    assert_match "$out" "^$k $(awk -v k="$k:" '$1 == k {print $2}' /proc/self/status)\$"
  done
  out=$(setpriv --inh-caps=-all --bounding-set=-all,+kill,+chown "$T" caps)
  assert_match "$out" '^CapBnd 0000000000000021$'
}
t "ocitest caps" test_caps

test_status () {
  local out rc=0
  out=$("$T" status Seccomp NoNewPrivs)
  assert_match "$out" '^Seccomp 0$'
  assert_match "$out" '^NoNewPrivs 0$'
  assert_match "$(setpriv --no-new-privs "$T" status NoNewPrivs)" '^NoNewPrivs 1$'
  assert_match "$("$T" status Groups)" '^Groups'
  "$T" status NoSuchField > /dev/null 2>&1 || rc=$?
  assert_eq $rc 1
}
t "ocitest status" test_status

test_rlimits () {
  local out
  out=$(ulimit -n 512 && ulimit -c unlimited && ulimit -S -s 4096 && "$T" rlimits)
  assert_eq "$(echo "$out" | wc -l)" 16
  assert_match "$out" '^RLIMIT_NOFILE 512 512$'
  assert_match "$out" '^RLIMIT_CORE unlimited unlimited$'
  assert_match "$out" "^RLIMIT_STACK 4194304 "
  assert_match "$out" '^RLIMIT_NPROC [0-9]+ [0-9]+|unlimited'
}
t "ocitest rlimits" test_rlimits

test_fds () {
  local out
  out=$( exec 3< /dev/null 7> "$TMP/fd7"; "$T" fds )
  assert_match "$out" '^0 '
  assert_match "$out" '^3 /dev/null$'
  assert_match "$out" "^7 $TMP/fd7\$"
  assert_no_match "$out" '/proc/[0-9]+/fd'
  # numeric order
  assert_eq "$(echo "$out" | cut -d' ' -f1)" "$(echo "$out" | cut -d' ' -f1 | sort -n)"
}
t "ocitest fds" test_fds

test_proc () {
  assert_eq "$("$T" mountinfo)" "$(cat /proc/self/mountinfo)"
  assert_eq "$("$T" cgroup)" "$(cat /proc/self/cgroup)"
  assert_eq "$("$T" sysctl kernel.pid_max)" "$(cat /proc/sys/kernel/pid_max)"
  assert_eq "$("$T" sysctl kernel/ostype net.ipv4.ip_forward)" "$(printf 'Linux\n%s' "$(cat /proc/sys/net/ipv4/ip_forward)")"
  ! "$T" sysctl no.such.knob 2>/dev/null
  assert_eq "$(echo 321 > /proc/self/oom_score_adj && exec "$T" oom-score-adj)" 321
  assert_eq "$(nice -n 7 "$T" nice)" 7
  assert_eq "$("$T" personality)" 0x0
  assert_eq "$(setarch linux32 "$T" personality)" 0x8
}
t "ocitest mountinfo cgroup sysctl oom-score-adj nice personality" test_proc

test_timens () {
  local out up mono boot
  out=$("$T" timens)
  mono=$(echo "$out" | awk '$1 == "monotonic" {print $2}')
  boot=$(echo "$out" | awk '$1 == "boottime" {print $2}')
  up=$(cut -d. -f1 /proc/uptime)
  [ "$boot" -ge "$mono" ]
  [ $(( boot - up )) -le 2 ] && [ $(( up - boot )) -le 2 ]
}
t "ocitest timens" test_timens

test_ns () {
  local out n
  out=$("$T" ns)
  for n in ipc mnt net pid user uts; do
    assert_match "$out" "^$n $(readlink /proc/self/ns/$n | sed 's/[][]/\\&/g')\$"
  done
  assert_eq "$(echo "$out" | cut -d' ' -f1)" "$(ls /proc/self/ns | sort)"
  assert_eq "$("$T" ns uts)" "uts $(readlink /proc/self/ns/uts)"
  [ "$(unshare --uts "$T" ns uts)" != "$("$T" ns uts)" ]
}
t "ocitest ns" test_ns

test_pause () {
  local pid rc
  "$T" pause > "$TMP/pause.out" &
  pid=$!
  wait_output "$TMP/pause.out" '^ready$' 5
  kill -USR1 $pid
  rc=0; wait $pid || rc=$?
  assert_eq $rc 138
  assert_eq "$(cat "$TMP/pause.out")" "$(printf 'ready\nsignal 10')"
  # as pid 1 of a new pid namespace, where only handled signals are delivered
  unshare --pid --fork "$T" pause > "$TMP/pause1.out" &
  pid=$!
  wait_output "$TMP/pause1.out" '^ready$' 5
  pkill -TERM -P $pid
  rc=0; wait $pid || rc=$?
  assert_eq $rc 143
  assert_eq "$(cat "$TMP/pause1.out")" "$(printf 'ready\nsignal 15')"
}
t "ocitest pause reports the signal" test_pause

test_memhog () {
  assert_eq "$("$T" memhog 1)" "allocated 1"
  assert_eq "$("$T" memhog 3)" "$(printf 'allocated 1\nallocated 2\nallocated 3')"
  # the pages are really touched: RSS grows, so an address-space limit is hit
  ! (ulimit -v 20000 && "$T" memhog 64 >/dev/null 2>&1)
}
t "ocitest memhog" test_memhog

test_forkbomb () {
  assert_eq "$("$T" forkbomb 4)" "forked 4"
  local out
  out=$(setpriv --reuid 1000 --regid 1000 --clear-groups bash -c "ulimit -u 3; exec $T forkbomb 10")
  assert_match "$out" '^forked [0-2]$'
  assert_match "$out" '^errno 11 EAGAIN$'
  sleep 0.2
  [ -z "$(pgrep -u 1000 -x ocitest)" ]
}
t "ocitest forkbomb counts and reaps" test_forkbomb

test_count () {
  assert_eq "$("$T" count 10 3)" "$(printf '0\n1\n2')"
  local pid
  "$T" count 20 > "$TMP/count.out" &
  pid=$!
  wait_output "$TMP/count.out" '^5$' 5
  kill $pid; wait $pid || true
  assert_eq "$(head -6 "$TMP/count.out")" "$(seq 0 5)"
}
t "ocitest count" test_count

# ---- cleanup trap ------------------------------------------------------------------------------

test_cleanup () {
  local d inner_tmp sleeper pidfile_pid cgpid cgdir hier=
  for d in /sys/fs/cgroup/pids /sys/fs/cgroup/unified /sys/fs/cgroup; do
    [ -e "$d/cgroup.procs" ] && { hier=$d; break; }
  done
  # an outsider process: must survive
  sleep 60 &
  local outsider=$!
  bash -c '
    . "$1"
    mkdir -p "$TMP/m1" "$TMP/m2"
    mount -t tmpfs none "$TMP/m1"; mkdir "$TMP/m1/sub"; mount -t tmpfs none "$TMP/m1/sub"
    mount -t tmpfs none "$TMP/m2"
    sleep 300 & track_pid $!; sp=$!
    sleep 301 & echo $! > "$TMP/c.pid"; pp=$!
    cg=
    if [ -n "$2" ]; then
      cg=$2/$CGROUP_PREFIX/a/b; mkdir -p "$cg"
      sh -c "echo \$\$ > $cg/cgroup.procs; exec sleep 300" & cp=$!
      sleep 0.3
    fi
    echo "$TMP $sp $pp ${cp:-} $2/$CGROUP_PREFIX"
  ' _ "$OCIRT_SRCDIR/tests/lib.sh" "$hier" > "$TMP/cleanup.info"
  read -r inner_tmp sleeper pidfile_pid cgpid cgdir < "$TMP/cleanup.info"
  case $inner_tmp in /tmp/ocirt-test.*) ;; *) echo "bad TMP $inner_tmp"; return 1 ;; esac
  sleep 0.2
  [ ! -e "$inner_tmp" ]
  assert_eq "$(_mounts_under "$inner_tmp")" ""
  ! kill -0 "$sleeper" 2>/dev/null
  ! kill -0 "$pidfile_pid" 2>/dev/null
  if [ -n "$hier" ]; then
    ! kill -0 "$cgpid" 2>/dev/null
    [ ! -e "$cgdir" ]
  fi
  kill -0 $outsider
  kill $outsider
}
t "cleanup trap kills, unmounts and removes only what the tests made" test_cleanup

# ---- bundles in a reference runtime ------------------------------------------------------------

ref=$(command -v runc || command -v crun || true)

test_reference_run () {
  [ -n "$ref" ] || skip_test "no runc or crun"
  OCIRT=$ref
  make_bundle "$TMP/ref1"
  cfg "$TMP/ref1" '.process.args=["/init","pid"]'
  ocirt_run r1
  assert_success
  assert_eq "$output" "$(printf 'pid 1\nppid 0')"
  cfg "$TMP/ref1" '.process.args=["/init","caps"]'
  ocirt_run r2
  assert_success
  # runc's default: AUDIT_WRITE KILL NET_BIND_SERVICE
  assert_match "$output" '^CapEff 0000000020000420$'
  cfg "$TMP/ref1" '.process.args=["/bin/sh","-c","ls /bin | grep -c . ; hostname"]'
  ocirt_run r3
  assert_success
  assert_match "$output" "^$(( $("$OCITEST" --list | wc -l) + 2 ))\$"
  assert_match "$output" '^(runc|ocirt|crun)$'
  ocirt_run r3 # the name is free again
  assert_success
  assert_no_leftovers r1
  assert_no_leftovers r3
}
t "bundles run in a reference runtime ($(basename "${ref:-none}"))" test_reference_run

test_reference_cleanup () {
  [ -n "$ref" ] || skip_test "no runc or crun"
  local itmp ipid icg
  OCIRT=$ref bash -c '
    . "$1"
    make_bundle "$TMP/b"
    cfg "$TMP/b" ".process.args=[\"/init\",\"pause\"]"
    ocirt_run c1 --detach
    [ "$status" = 0 ] || { echo "run failed: $stderr" >&2; exit 1; }
    wait_status c1 running 5 || { echo "not running" >&2; exit 1; }
    echo "$TMP $(ocirt_state c1 pid) $(cfg_get "$TMP/b" .linux.cgroupsPath)"
  ' _ "$OCIRT_SRCDIR/tests/lib.sh" > "$TMP/rc.info"
  read -r itmp ipid icg < "$TMP/rc.info"
  [ -n "$ipid" ]
  sleep 0.2
  ! kill -0 "$ipid" 2>/dev/null
  [ ! -e "$itmp" ]
  [ -z "$(ls -d /sys/fs/cgroup/*"$icg" /sys/fs/cgroup"$icg" 2>/dev/null)" ]
  [ -z "$(ls -d /sys/fs/cgroup/*"${icg%/*}" /sys/fs/cgroup"${icg%/*}" 2>/dev/null)" ]
}
t "cleanup trap removes a detached container (reference runtime)" test_reference_cleanup

done_testing
