#!/bin/bash
# Broken input: every config in tests/data/configs/bad gives its one parser error line,
# semantic errors the parser can't see, bad ids, a missing bundle, a duplicate id.  Each
# exits 1 with ONE clear line on stderr and leaves nothing behind.
. "$(dirname "$0")/../lib.sh"
require_root
require_cmd jq
require_ocirt
require_ocitest

BAD=$OCIRT_SRCDIR/tests/data/configs/bad

# expect_error ID ERE [ARGS...]: `run` (or create with ARGS) fails with exactly one stderr
# line `ocirt: ID: <match of ERE>`, status 1, nothing left.
expect_error () {
  local id=$1 re=$2
  shift 2
  if [ $# -gt 0 ]; then ocirt_cmd "$@"; else ocirt_run "$id"; fi
  assert_status 1
  assert_eq "$(printf '%s\n' "$stderr" | wc -l)" 1 "one line on stderr"
  assert_match "$stderr" "$re"
  assert_eq "$output" ""
  assert_no_leftovers "$id"
}

# A template bundle, copied per case (make_bundle once: it is the slow part).
make_bundle "$TMP/template"
cp "$TMP/template/config.json" "$TMP/good.json"

# new_case NAME: $TMP/NAME as a fresh bundle with the good config; sets BUNDLE.
new_case () {
  rm -rf "$TMP/$1"
  mkdir -p "$TMP/$1"
  cp -a "$TMP/template/rootfs" "$TMP/$1/rootfs"
  cp "$TMP/good.json" "$TMP/$1/config.json"
  BUNDLE=$TMP/$1
}

ere_quote () { printf '%s' "$1" | sed 's#[][\.*^$+?(){}|]#\\&#g'; }

test_parser_bad () {
  local f name msg n=0
  for f in "$BAD"/*.json; do
    name=$(basename "$f" .json)
    [ -f "$BAD/$name.err" ] || continue
    msg=$(cat "$BAD/$name.err")
    new_case "pb-$name"
    cp "$f" "$BUNDLE/config.json"
    expect_error "pb-$name" "^ocirt: pb-$name: $(ere_quote "$msg")\$"
    n=$((n + 1))
  done
  echo "$n parser cases"
  [ "$n" -ge 30 ]
}
t "every tests/data/configs/bad config: its parser error, one line, nothing left" test_parser_bad

# semantic NAME JQ ERE: the good config edited by JQ fails with ERE.
semantic () {
  new_case "se-$1"
  cfg "$BUNDLE" "$2"
  expect_error "se-$1" "^ocirt: se-$1: (config\\.json: )?$3"
}

test_semantic () {
  semantic dup-ns '.linux.namespaces += [{"type":"pid"}]' 'linux\.namespaces\[[0-9]+\]\.type: duplicate namespace type `pid`$'
  semantic unknown-ns '.linux.namespaces += [{"type":"bogus"}]' 'linux\.namespaces\[[0-9]+\]\.type: unknown namespace type `bogus`$'
  semantic rel-ns-path '.linux.namespaces |= map(if .type == "ipc" then .path = "ns/ipc" else . end)' 'linux\.namespaces\[[0-9]+\]\.path: `ns/ipc` is not an absolute path$'
  semantic rel-dest '.mounts += [{"destination":"rel/x","type":"tmpfs","source":"tmpfs"}]' 'mounts\[[0-9]+\]\.destination: `rel/x` is not an absolute path$'
  semantic bind-no-source '.mounts += [{"destination":"/x","type":"bind","options":["bind"]}]' 'mounts\[[0-9]+\]\.source: required for a bind mount$'
  semantic remount '.mounts += [{"destination":"/x","type":"tmpfs","source":"tmpfs","options":["remount"]}]' 'mounts\[[0-9]+\]\.options: `remount` is not supported in a config$'
  semantic bad-prop '.linux.rootfsPropagation="sideways"' 'linux\.rootfsPropagation: unknown value `sideways`$'
  semantic hostname-no-uts '.hostname="h" | .linux.namespaces |= map(select(.type != "uts"))' 'hostname: needs a uts namespace$'
  semantic rlimit-unknown '.process.rlimits=[{"type":"RLIMIT_BOGUS","soft":1,"hard":1}]' 'process\.rlimits\[0\]\.type: unknown rlimit `RLIMIT_BOGUS`$'
  semantic rlimit-soft-hard '.process.rlimits=[{"type":"RLIMIT_NOFILE","soft":10,"hard":5}]' 'process\.rlimits\[0\]: soft limit 10 is above hard limit 5$'
  semantic rlimit-dup '.process.rlimits=[{"type":"RLIMIT_NOFILE","soft":1,"hard":1},{"type":"RLIMIT_NOFILE","soft":1,"hard":1}]' 'process\.rlimits\[1\]\.type: duplicate rlimit'
  semantic userns-no-maps '.linux.namespaces += [{"type":"user"}] | del(.linux.uidMappings, .linux.gidMappings)' 'linux\.uidMappings, linux\.gidMappings: required with a new user namespace$'
  semantic maps-no-userns '.linux.uidMappings=[{"containerID":0,"hostID":1000,"size":1}]' 'linux\.uidMappings: needs a user namespace$'
  semantic cwd-relative '.process.cwd="rel"' 'process\.cwd: `rel` is not an absolute path$'
  semantic env-no-eq '.process.env += ["NOEQUALS"]' 'process\.env\[[0-9]+\]: `NOEQUALS` is not KEY=VALUE$'
  semantic oom-range '.process.oomScoreAdj=5000' 'process\.oomScoreAdj: 5000 is outside -1000\.\.1000$'
  semantic sched-policy '.process.scheduler={"policy":"SCHED_BOGUS"}' 'process\.scheduler\.policy: unknown policy `SCHED_BOGUS`$'
  semantic ioprio-class '.process.ioPriority={"class":"IOPRIO_CLASS_BOGUS","priority":1}' 'process\.ioPriority\.class: unknown class'
  semantic masked-rel '.linux.maskedPaths += ["proc/x"]' 'linux\.maskedPaths\[[0-9]+\]: `proc/x` is not an absolute path$'
  semantic sysctl-no-ns '.linux.sysctl={"net.ipv4.ip_forward":"1"} | .linux.namespaces=[{"type":"mount"},{"type":"pid"}] | del(.hostname)' 'linux\.sysctl: needs a network, ipc or uts namespace$'
  semantic no-rootfs '.root.path="no-such-rootfs"' 'root\.path no-such-rootfs: No such file or directory$'
  semantic exec-not-found '.process.args=["no-such-binary"]' 'exec no-such-binary: executable file not found in \$PATH \([^)]*\)$'
  semantic exec-abs-missing '.process.args=["/no/such/binary"]' 'exec /no/such/binary: executable file not found: No such file or directory$'
  semantic tmpfs-bad-opt '.mounts += [{"destination":"/badopt","type":"tmpfs","source":"tmpfs","options":["foo"]}]' 'mounts\[[0-9]+\]: mount tmpfs on /badopt: Invalid argument$'
  semantic bad-fstype '.mounts += [{"destination":"/x","type":"nosuchfs","source":"x"}]' 'mounts\[[0-9]+\]: mount nosuchfs on /x: No such device$'
  semantic bind-missing-src '.mounts += [{"destination":"/x","type":"bind","source":"/no/such/src","options":["bind"]}]' 'mounts\[[0-9]+\]: bind mount /no/such/src on /x: No such file or directory$'
  semantic device-type '.linux.devices=[{"path":"/dev/x","type":"z","major":1,"minor":3}]' 'linux\.devices\[0\]\.type: unknown device type `z`$'
  semantic device-path '.linux.devices=[{"path":"dev/x","type":"c","major":1,"minor":3}]' 'linux\.devices\[0\]\.path: `dev/x` is not a clean absolute path$'
  semantic cwd-file '.process.cwd="/init"' 'process\.cwd: /init: Not a directory$'
  semantic sysctl-bad-key '.linux.sysctl={"../../etc/passwd":"x"}' 'linux\.sysctl: invalid key'
  semantic sysctl-unknown '.linux.sysctl={"net.ipv4.no_such_key":"1"}' 'linux\.sysctl\.net\.ipv4\.no_such_key: .*No such file or directory$'
  semantic personality '.linux.personality={"domain":"WINDOWS"}' 'linux\.personality\.domain: unknown domain `WINDOWS`$'
  semantic ns-missing-path '.linux.namespaces |= map(if .type == "ipc" then .path = "/no/such/ns" else . end)' 'linux\.namespaces\[[0-9]+\]\.path: open ipc namespace /no/such/ns: No such file or directory$'
  semantic ns-wrong-type '.linux.namespaces |= map(if .type == "ipc" then .path = "/proc/self/ns/net" else . end)' 'linux\.namespaces\[[0-9]+\]\.path: /proc/self/ns/net is not a ipc namespace$'
  semantic no-process 'del(.process)' 'process: required$'
  semantic dest-under-file '.mounts += [{"destination":"/init/x","type":"tmpfs","source":"tmpfs"}]' 'mounts\[[0-9]+\]: open /init: Not a directory$'
  OCIRT_TEST_NO_OPENAT2=1 semantic dest-under-file-fb '.mounts += [{"destination":"/init/x","type":"tmpfs","source":"tmpfs"}]' 'mounts\[[0-9]+\]: open /init: Not a directory$'
  semantic hook-missing '.hooks={"prestart":[{"path":"/no/such/hook"}]}' 'prestart hook /no/such/hook: '
}
t "semantic config errors: one line with the JSON path, nothing left" test_semantic

test_terminal_no_socket () {
  new_case tn
  cfg "$BUNDLE" '.process.terminal=true'
  expect_error tn '^ocirt: tn: process\.terminal is true: --console-socket is required' create -b "$BUNDLE" tn
}
t "create with terminal=true needs --console-socket" test_terminal_no_socket

test_bad_ids () {
  new_case ids
  local id
  for id in 'a/b' '..' '.' 'a b' "$(printf 'a\nb')"; do
    ocirt_cmd run -b "$BUNDLE" "$id"
    assert_status 1
    assert_match "$stderr" 'invalid container id|container id'
    assert_eq "$(ls -A "$ROOT")" ""
  done
  ocirt_cmd run -b "$BUNDLE" ""
  assert_status 1
  assert_eq "$(ls -A "$ROOT")" ""
  # nothing escaped the root dir
  [ ! -e "$TMP/b" ] && [ ! -e "$(dirname "$ROOT")/a" ]
}
t "bad ids: a/b, .., empty" test_bad_ids

test_missing_bundle () {
  ocirt_cmd run -b "$TMP/no-such-bundle" mb
  assert_status 1
  assert_eq "$(printf '%s\n' "$stderr" | wc -l)" 1
  assert_match "$stderr" "^ocirt: mb: bundle $TMP/no-such-bundle: No such file or directory$"
  assert_no_leftovers mb
  mkdir -p "$TMP/empty-bundle"
  ocirt_cmd run -b "$TMP/empty-bundle" mb2
  assert_status 1
  assert_match "$stderr" '^ocirt: mb2: .*config\.json.*No such file or directory$'
  assert_no_leftovers mb2
}
t "missing bundle, bundle without config.json" test_missing_bundle

test_duplicate () {
  new_case dup
  cfg "$BUNDLE" '.process.args=["/init","pause"]'
  ocirt_run dup -d
  assert_success
  local pid
  pid=$(ocirt_state dup pid)
  ocirt_run dup
  assert_status 1
  assert_eq "$(printf '%s\n' "$stderr" | wc -l)" 1
  assert_match "$stderr" '^ocirt: dup: .*(exists|already)'
  # the first one is untouched
  assert_eq "$(ocirt_state dup status)" running
  assert_eq "$(ocirt_state dup pid)" "$pid"
  ocirt_cmd delete -f dup
  assert_no_leftovers dup
}
t "a duplicate id fails and leaves the first container alone" test_duplicate

done_testing
