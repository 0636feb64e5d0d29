#!/bin/bash
# ocirt pause / resume: the freezer (v1 freezer.state, v2 cgroup.freeze) really stops the
# container's processes, `state` says "paused", only a running container can be paused, and
# `delete -f` of a paused container works.
. "$(dirname "$0")/../lib.sh"
require_root
require_cmd jq
require_ocirt
require_ocitest
. "$(dirname "$0")/../cgroup-lib.sh"

# counter NAME: a detached container printing 0 1 2 ... every 20 ms into $TMP/NAME.w/out
counter () {
  mkdir -p "$TMP/$1.w"
  make_bundle "$TMP/$1"
  cfg "$BUNDLE" '.mounts += [{destination: "/w", type: "bind", source: $w, options: ["rbind","rw"]}]
    | .process.args = ["/bin/sh","-c","exec /init count 20 > /w/out"]' --arg w "$TMP/$1.w"
  ocirt_cmd run -d -b "$BUNDLE" "$1"
  echo "$BUNDLE" > "$TRACK/$1.bundle"
  assert_success
  wait_status "$1" running
  wait_output "$TMP/$1.w/out" '^3$'
}

frozen_file () {
  if [ $CG_MODE = v1 ]; then cg_file "$1" freezer freezer.state
  else sed -n 's/^frozen //p' "$(cg_dir "$1")/cgroup.events"; fi
}

lines () { wc -l < "$1"; }

test_pause_resume () {
  counter p1
  local n1 n2 pid
  pid=$(ocirt_state p1 pid)
  ocirt_cmd pause p1
  assert_success
  assert_eq "$(ocirt_state p1 status)" paused
  if [ $CG_MODE = v1 ]; then assert_eq "$(frozen_file p1)" FROZEN; else assert_eq "$(frozen_file p1)" 1; fi
  # frozen: the counter does not advance
  n1=$(lines "$TMP/p1.w/out")
  sleep 0.5
  n2=$(lines "$TMP/p1.w/out")
  assert_eq "$n2" "$n1" "the paused container kept counting"
  # `list`-like commands still see it paused; state keeps the pid
  assert_eq "$(ocirt_state p1 pid)" "$pid"
  ocirt_cmd resume p1
  assert_success
  assert_eq "$(ocirt_state p1 status)" running
  if [ $CG_MODE = v1 ]; then assert_eq "$(frozen_file p1)" THAWED; else assert_eq "$(frozen_file p1)" 0; fi
  wait_output "$TMP/p1.w/out" "^$((n2 + 3))\$" || _assert_fail "the resumed container does not count"
  ocirt_cmd delete -f p1
  assert_success
  assert_no_leftovers p1
}
t "pause freezes the container (state paused), resume thaws it" test_pause_resume

test_errors () {
  counter p2
  ocirt_cmd resume p2
  assert_failure
  assert_match "$stderr" 'p2.*running'
  ocirt_cmd pause p2
  assert_success
  ocirt_cmd pause p2
  assert_failure
  assert_match "$stderr" 'p2.*paused'
  ocirt_cmd delete p2
  assert_failure
  assert_match "$stderr" 'paused'
  ocirt_cmd resume p2
  assert_success
  ocirt_cmd delete -f p2
  assert_success
  assert_no_leftovers p2
  # stopped / created / unknown
  make_bundle "$TMP/p3"
  ocirt_cmd run -d -b "$BUNDLE" p3
  echo "$BUNDLE" > "$TRACK/p3.bundle"
  wait_status p3 stopped
  ocirt_cmd pause p3
  assert_failure
  assert_match "$stderr" 'p3.*stopped'
  ocirt_cmd resume p3
  assert_failure
  ocirt_cmd delete p3
  assert_success
  make_bundle "$TMP/p4"
  ocirt_create p4
  assert_success
  ocirt_cmd pause p4
  assert_failure
  assert_match "$stderr" 'p4.*created'
  ocirt_cmd delete -f p4
  assert_no_leftovers p4
  ocirt_cmd pause nosuch
  assert_failure
  assert_match "$stderr" 'nosuch'
}
t "pause/resume of a container in the wrong state is an error" test_errors

test_delete_paused () {
  counter p5
  local pid
  pid=$(ocirt_state p5 pid)
  ocirt_cmd pause p5
  assert_success
  ocirt_cmd delete -f p5
  assert_success
  ! kill -0 "$pid" 2>/dev/null || [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] \
    || _assert_fail "init $pid of the paused container is still alive"
  assert_no_leftovers p5
}
t "delete -f of a paused container thaws and kills it" test_delete_paused

test_kill_paused () {
  counter p6
  ocirt_cmd pause p6
  assert_success
  ocirt_cmd kill p6 KILL
  assert_success
  # SIGKILL is delivered to frozen tasks (v2) or after a thaw: the container stops either way
  # once resumed
  [ "$(ocirt_state p6 status)" = stopped ] || { ocirt_cmd resume p6; wait_status p6 stopped; }
  ocirt_cmd delete p6
  assert_success
  assert_no_leftovers p6
}
t "a paused container can be killed and deleted" test_kill_paused

done_testing
