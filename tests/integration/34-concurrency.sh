#!/bin/bash
# Concurrency and robustness: many containers at once, racing deletes and creates of one id.
. "$(dirname "$0")/../lib.sh"
require_root
require_cmd jq
require_ocirt
require_ocitest

# par N OUTDIR CMD...: run `ocirt CMD` N times at once (CMD may use {} for the index); each
# run's exit status, stdout and stderr go to OUTDIR/<i>.{rc,out,err}.
par () {
  local n=$1 dir=$2 i
  shift 2
  mkdir -p "$dir"
  for i in $(seq 1 "$n"); do
    (
      args=("${@//\{\}/$i}")
      rc=0
      timeout -k 5 "$OCIRT_TEST_TIMEOUT" "$OCIRT" --root "$ROOT" "${args[@]}" > "$dir/$i.out" 2> "$dir/$i.err" || rc=$?
      echo $rc > "$dir/$i.rc"
    ) &
  done
  wait
}

test_many_parallel () {
  make_bundle "$TMP/m"
  cfg "$TMP/m" '.process.args=["/init","sleep","100"] | .root.path=$r' --arg r "$TMP/m/rootfs"
  # One bundle (config) per container, sharing the rootfs; each its own cgroup under the prefix.
  for i in $(seq 1 50); do
    mkdir "$TMP/m$i"
    jq --arg cg "/$CGROUP_PREFIX/m$i" '.linux.cgroupsPath=$cg' "$TMP/m/config.json" > "$TMP/m$i/config.json"
    echo "$TMP/m$i" > "$TRACK/m$i.bundle"
  done
  par 50 "$TMP/pc" create -b "$TMP/m{}" m{}
  for i in $(seq 1 50); do
    assert_eq "$(cat "$TMP/pc/$i.rc")" 0 "create m$i: $(cat "$TMP/pc/$i.err")"
  done
  ocirt_cmd list -q
  assert_eq "$(grep -c '^m[0-9]*$' <<< "$output")" 50
  pids=$(for i in $(seq 1 50); do ocirt_state "m$i" pid; done | sort -u | wc -l)
  assert_eq "$pids" 50 "50 distinct init processes"
  par 50 "$TMP/pd" delete -f m{}
  for i in $(seq 1 50); do
    assert_eq "$(cat "$TMP/pd/$i.rc")" 0 "delete m$i: $(cat "$TMP/pd/$i.err")"
    assert_no_leftovers "m$i"
  done
}
t "50 parallel creates and deletes of different ids" test_many_parallel

test_racing_deletes () {
  make_bundle "$TMP/r"
  cfg "$TMP/r" '.process.args=["/init","true"]'
  ocirt_run r1 -d
  assert_success
  wait_status r1 stopped
  par 10 "$TMP/rd" delete r1
  ok=0
  for i in $(seq 1 10); do
    if [ "$(cat "$TMP/rd/$i.rc")" = 0 ]; then
      ok=$((ok + 1))
      [ ! -s "$TMP/rd/$i.err" ] || _assert_fail "the winner printed" "$(cat "$TMP/rd/$i.err")"
    else
      assert_eq "$(cat "$TMP/rd/$i.err")" "ocirt: r1: container does not exist: No such file or directory" "loser $i"
    fi
  done
  assert_eq "$ok" 1 "exactly one delete wins"
  assert_no_leftovers r1
}
t "10 racing deletes of one id: one wins, the rest say it does not exist" test_racing_deletes

test_racing_creates () {
  make_bundle "$TMP/rc"
  cfg "$TMP/rc" '.process.args=["/init","sleep","100"]'
  echo "$TMP/rc" > "$TRACK/same.bundle"
  par 10 "$TMP/cr" create -b "$TMP/rc" --pid-file "$TMP/cr/{}.pid" same
  ok=0
  for i in $(seq 1 10); do
    if [ "$(cat "$TMP/cr/$i.rc")" = 0 ]; then
      ok=$((ok + 1))
      winner=$i
    else
      assert_match "$(cat "$TMP/cr/$i.err")" "^ocirt: same: container already exists(: File exists)?\$" "loser $i"
      [ ! -e "$TMP/cr/$i.pid" ] || _assert_fail "a loser wrote its pid file"
    fi
  done
  assert_eq "$ok" 1 "exactly one create wins"
  assert_eq "$(ocirt_state same status)" created
  assert_eq "$(cat "$TMP/cr/$winner.pid")" "$(ocirt_state same pid)"
  # one init process waiting on the fifo, nothing else left by the losers
  assert_eq "$(ocirt_cmd ps --format json same; jq length <<< "$output")" 1
  ocirt_cmd delete -f same
  assert_no_leftovers same
}
t "parallel creates of one id: one wins, the rest say it already exists" test_racing_creates

test_pid_file_atomic () {
  make_bundle "$TMP/pf"
  cfg "$TMP/pf" '.process.args=["/init","sleep","100"]'
  mkdir "$TMP/pfdir"
  echo stale > "$TMP/pfdir/c.pid"
  ocirt_create pf1 --pid-file "$TMP/pfdir/c.pid"
  assert_success
  assert_eq "$(cat "$TMP/pfdir/c.pid")" "$(ocirt_state pf1 pid)"
  assert_eq "$(ls -A "$TMP/pfdir")" c.pid "no temporary file left beside the pid file"
  # relative path: relative to the caller's cwd
  (cd "$TMP/pfdir" && "$OCIRT" --root "$ROOT" exec -d --pid-file rel.pid pf1 /init sleep 50) || true
  ocirt_cmd start pf1
  (cd "$TMP/pfdir" && "$OCIRT" --root "$ROOT" exec -d --pid-file rel.pid pf1 /init sleep 50)
  assert_match "$(cat "$TMP/pfdir/rel.pid")" '^[0-9]+$'
  kill -0 "$(cat "$TMP/pfdir/rel.pid")"
  ocirt_cmd delete -f pf1
  assert_no_leftovers pf1
}
t "--pid-file is replaced atomically (create and exec)" test_pid_file_atomic

test_missing_bundle_and_config () {
  mkdir -p "$TMP/empty"
  ocirt_cmd create -b "$TMP/empty" nb1
  assert_failure
  assert_match "$stderr" "^ocirt: nb1: load config: .*$TMP/empty/config.json: No such file"
  assert_no_leftovers nb1
  make_bundle "$TMP/norootfs"
  rm -rf "$TMP/norootfs/rootfs"
  ocirt_create nb2
  assert_failure
  assert_match "$stderr" 'root.path rootfs: No such file'
  assert_no_leftovers nb2
  [ -z "$(ls -A "$ROOT")" ] || _assert_fail "left in $ROOT: $(ls -A "$ROOT")"
}
t "missing bundle, config or rootfs: clear error, nothing left" test_missing_bundle_and_config

done_testing
