#!/bin/bash
# ocirt events: --stats prints one runc-shaped stats object read from the container's cgroup;
# the stream prints stats every --interval and an "oom" event when the container is OOM-killed,
# and ends when the container stops.
. "$(dirname "$0")/../lib.sh"
require_root
require_cmd jq
require_ocirt
require_ocitest
. "$(dirname "$0")/../cgroup-lib.sh"

test_stats () {
  make_bundle "$TMP/e1"
  cfg "$BUNDLE" '.process.args = ["/init","sleep","300"] | .linux.resources.memory = {limit: 67108864}
    | .linux.resources.pids = {limit: 50}'
  ocirt_cmd run -d -b "$BUNDLE" e1
  echo "$BUNDLE" > "$TRACK/e1.bundle"
  assert_success
  wait_status e1 running
  ocirt_cmd events --stats e1
  assert_success
  assert_eq "$(printf '%s\n' "$output" | wc -l)" 1 "not one JSON line"
  assert_eq "$(jq -r .type <<< "$output")" stats
  assert_eq "$(jq -r .id <<< "$output")" e1
  assert_eq "$(jq -r '.data | has("cpu") and has("memory") and has("pids") and has("blkio") and has("hugetlb")' <<< "$output")" true
  assert_eq "$(jq -r .data.pids.current <<< "$output")" 1
  assert_eq "$(jq -r .data.pids.limit <<< "$output")" 50
  assert_eq "$(jq -r .data.memory.usage.limit <<< "$output")" 67108864
  # the numbers are the cgroup's own
  local usage
  usage=$(jq -r .data.memory.usage.usage <<< "$output")
  [ "$usage" -gt 0 ] || _assert_fail "memory usage $usage"
  [ "$(jq -r .data.cpu.usage.total <<< "$output")" -gt 0 ] || _assert_fail "no cpu usage" "$output"
  ocirt_cmd delete -f e1
  assert_no_leftovers e1
}
t "events --stats prints one stats object from the cgroup" test_stats

stats_lines_ge () { [ "$(grep -c '"type":"stats"' "$1")" -ge "$2" ]; }

test_stream () {
  make_bundle "$TMP/e2"
  cfg "$BUNDLE" '.process.args = ["/init","sleep","300"]'
  ocirt_cmd run -d -b "$BUNDLE" e2
  echo "$BUNDLE" > "$TRACK/e2.bundle"
  assert_success
  wait_status e2 running
  "$OCIRT" --root "$ROOT" events --interval 100ms e2 > "$TMP/e2.events" 2> "$TMP/e2.events.err" &
  local ev=$!
  track_pid $ev
  wait_for 20 stats_lines_ge "$TMP/e2.events" 3 || _assert_fail "fewer than 3 stats lines" "$(cut -c1-200 "$TMP/e2.events" "$TMP/e2.events.err")"
  # the stream ends when the container stops
  ocirt_cmd kill e2 KILL
  assert_success
  local rc=0
  wait_for 20 sh -c "! kill -0 $ev 2>/dev/null" || _assert_fail "events did not exit after the container stopped"
  wait $ev || rc=$?
  assert_eq "$rc" 0 "events exit status"
  jq -e -s 'all(.type == "stats" and .id == "e2")' "$TMP/e2.events" > /dev/null || _assert_fail "bad lines" "$(cut -c1-200 "$TMP/e2.events")"
  ocirt_cmd delete e2
  assert_success
  assert_no_leftovers e2
}
t "events streams stats every --interval until the container stops" test_stream

has_oom_fd () { ls -l "/proc/$1/fd" 2>/dev/null | grep -Eq 'eventfd|inotify'; }

test_oom () {
  make_bundle "$TMP/e3"
  local mem='{limit: 67108864}'
  if [ $CG_MODE = v2 ] || [ -e "$(cg_root memory)/memory.memsw.limit_in_bytes" ]; then mem='{limit: 67108864, swap: 67108864}'; fi
  cfg "$BUNDLE" ".linux.resources.memory = $mem | .process.args = [\"/init\",\"memhog\",\"200\"]"
  ocirt_create e3
  assert_success
  "$OCIRT" --root "$ROOT" events e3 > "$TMP/e3.events" 2> "$TMP/e3.events.err" &
  local ev=$! rc=0
  track_pid $ev
  # start once events watches for OOM (its eventfd / inotify fd is open)
  wait_for 30 has_oom_fd $ev || _assert_fail "events opened no OOM notifier" "$(cat "$TMP/e3.events.err")"
  ocirt_cmd start e3
  assert_success
  wait_for 30 sh -c "! kill -0 $ev 2>/dev/null" || _assert_fail "events did not exit after the OOM kill"
  wait $ev || rc=$?
  assert_eq "$rc" 0 "events exit status"
  assert_eq "$(jq -r 'select(.type == "oom") | .id' "$TMP/e3.events" | head -1)" e3 "no oom event"
  wait_status e3 stopped
  ocirt_cmd delete e3
  assert_success
  assert_no_leftovers e3
}
t "events reports the OOM kill of a memhog container" test_oom

test_errors () {
  make_bundle "$TMP/e4"
  ocirt_cmd run -d -b "$BUNDLE" e4
  echo "$BUNDLE" > "$TRACK/e4.bundle"
  wait_status e4 stopped
  ocirt_cmd events --stats e4
  assert_failure
  assert_match "$stderr" 'e4.*not running'
  ocirt_cmd events e4
  assert_failure
  ocirt_cmd delete e4
  ocirt_cmd events --interval 0s nosuch
  assert_failure
  assert_match "$stderr" 'interval'
  ocirt_cmd events --interval 5x nosuch
  assert_failure
  assert_match "$stderr" '5x'
  ocirt_cmd events --stats nosuch
  assert_failure
  assert_match "$stderr" 'nosuch'
}
t "events of a stopped or unknown container, bad --interval: errors" test_errors

done_testing
