#!/bin/bash
# The runc-compatible command line: global flags, --log/--log-format as containerd's shim reads
# them (JSON lines with level, msg and an RFC 3339 time), --version, --help of every command.
. "$(dirname "$0")/../lib.sh"
require_root
require_cmd jq
require_ocirt
require_ocitest

test_version_help () {
  ocirt_cmd --version
  assert_success
  assert_match "$output" '^ocirt version [0-9]+\.[0-9]+'
  assert_match "$output" '^spec: 1\.[0-9]+\.[0-9]+'
  ocirt_cmd --help
  assert_success
  help=$output
  for c in create start run state kill delete list exec ps spec; do
    assert_match "$help" "^ +$c\b" "--help lists $c"
    ocirt_cmd "$c" --help
    assert_success
    assert_match "$output" "^Usage: ocirt $c "
  done
  ocirt_cmd nosuchcommand
  assert_failure
  assert_match "$stderr" 'unknown command `nosuchcommand`'
  ocirt_cmd state
  assert_failure
  assert_match "$stderr" 'ocirt state: missing container id'
}
t "--version, --help, --help of every command, usage errors" test_version_help

test_log_json () {
  ocirt_cmd --log "$TMP/log.json" --log-format json state nosuch
  assert_failure
  line=$(tail -1 "$TMP/log.json")
  jq -e . <<< "$line" > /dev/null || _assert_fail "not JSON: $line"
  assert_eq "$(jq -r .level <<< "$line")" error
  assert_eq "ocirt: $(jq -r .msg <<< "$line")" "$stderr" "the log has the text printed on stderr"
  # RFC 3339 with fractional seconds: what Go's time.Time unmarshals
  assert_match "$(jq -r .time <<< "$line")" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$'
  assert_eq "$(jq -c 'keys' <<< "$line")" '["level","msg","time"]'
  # appended, one object a line, also for a create that fails inside the container init
  make_bundle "$TMP/b1"
  cfg "$TMP/b1" '.process.args=["/nonexistent"]'
  ocirt_cmd --log "$TMP/log.json" --log-format json create -b "$TMP/b1" j1
  assert_failure
  assert_eq "$(wc -l < "$TMP/log.json")" 2
  assert_eq "ocirt: $(tail -1 "$TMP/log.json" | jq -r .msg)" "$stderr"
  assert_match "$stderr" 'j1: .*/nonexistent'
  assert_no_leftovers j1
  ocirt_cmd --log-format yaml list
  assert_failure
  assert_match "$stderr" 'invalid --log-format `yaml`'
}
t "--log-format json: error lines as containerd reads them" test_log_json

test_log_text_debug () {
  ocirt_cmd --log "$TMP/log.txt" state 'bad"id'
  assert_failure
  assert_match "$(cat "$TMP/log.txt")" '^time="[^"]+" level=error msg="bad\\"id: invalid container id'
  make_bundle "$TMP/b2"
  ocirt_cmd --debug --log "$TMP/debug.json" --log-format json run -b "$TMP/b2" d1
  assert_success
  jq -e . "$TMP/debug.json" > /dev/null || _assert_fail "debug log is not JSON lines"
  assert_match "$(jq -r .msg "$TMP/debug.json")" '^step (clone|cgroup|pivot_root)' "--debug logs the setup timeline"
  assert_no_match "$stderr" 'debug' "debug lines go to the log file, not stderr"
  ocirt_cmd --systemd-cgroup --rootless false --root "$ROOT" list -q
  assert_success
}
t "--log text format, --debug timeline, --systemd-cgroup/--rootless accepted" test_log_text_debug

test_root_flag () {
  make_bundle "$TMP/b3"
  cfg "$TMP/b3" '.process.args=["/init","sleep","100"]'
  alt=$TMP/altroot
  "$OCIRT" --root "$alt" run -d -b "$TMP/b3" r1
  [ -f "$alt/r1/status.json" ] || _assert_fail "no state under --root $alt"
  [ ! -e "$ROOT/r1" ]
  assert_eq "$("$OCIRT" --root "$alt" state r1 | jq -r .status)" running
  ocirt_cmd state r1
  assert_failure
  "$OCIRT" --root "$alt" delete -f r1
  [ ! -e "$alt/r1" ]
  assert_no_leftovers r1
}
t "--root chooses the state directory" test_root_flag

done_testing
