#!/bin/bash
# OCI hooks: when each runs (runtime-spec runtime.md lifecycle), in which mount namespace, with
# which state on stdin, args and env; failures and timeouts.
. "$(dirname "$0")/../lib.sh"
require_root
require_cmd jq
require_ocirt
require_ocitest

HOST_MNT=$(readlink /proc/self/ns/mnt)

# A host hook: records its stdin, mount namespace, env, args and order in $OUT.
cat > "$TMP/hook.sh" <<'EOF'
#!/bin/sh
out=$1 stage=$2
cat > "$out/$stage.state"
readlink /proc/self/ns/mnt > "$out/$stage.mnt"
echo "$HOOK_ENV" > "$out/$stage.env"
echo "$*" > "$out/$stage.args"
pid=$(sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' "$out/$stage.state")
[ -z "$pid" ] || tr '\0' ' ' < "/proc/$pid/cmdline" > "$out/$stage.cmdline" 2>/dev/null
echo "$stage" >> "$out/order"
EOF
chmod +x "$TMP/hook.sh"

host_hook () { jq -n --arg s "$1" --arg o "$OUT" --arg h "$TMP/hook.sh" \
  '{path:"/bin/sh", args:["sh",$h,$o,$s], env:["HOOK_ENV=env-"+$s]}'; }

# startContainer runs inside the container: its path resolves in the rootfs, output to /out.
START_HOOK='{"path":"/bin/sh","args":["sh","-c","cat > /out/startContainer.state; /bin/busybox readlink /proc/self/ns/mnt > /out/startContainer.mnt; echo \"$HOOK_ENV\" > /out/startContainer.env; echo startContainer >> /out/order"],"env":["HOOK_ENV=env-startContainer"]}'

hooked_bundle () {
  local dir=$1
  OUT=$TMP/out-$(basename "$dir")
  mkdir -p "$OUT"
  make_bundle "$dir"
  cfg "$dir" '.root.readonly=false
    | .mounts += [{"destination":"/out","type":"bind","source":$o,"options":["rbind","rw"]}]
    | .process.args=["/bin/sh","-c","echo program >> /out/order; exec /init sleep 100"]
    | .hooks={prestart:[$pre], createRuntime:[$cr], createContainer:[$cc], startContainer:[$sc],
              poststart:[$ps], poststop:[$pst]}' \
    --arg o "$OUT" --argjson pre "$(host_hook prestart)" --argjson cr "$(host_hook createRuntime)" \
    --argjson cc "$(host_hook createContainer)" --argjson sc "$START_HOOK" \
    --argjson ps "$(host_hook poststart)" --argjson pst "$(host_hook poststop)"
}

check_state () {
  local stage=$1 status=$2 pid=$3 f=$OUT/$1.state
  [ -s "$f" ] || _assert_fail "$stage got no state on stdin"
  assert_eq "$(jq -r .status "$f")" "$status" "$stage: status"
  assert_eq "$(jq -r .id "$f")" "$ID" "$stage: id"
  assert_eq "$(jq -r .bundle "$f")" "$BUNDLE" "$stage: bundle"
  assert_eq "$(jq -r '.pid // 0' "$f")" "$pid" "$stage: pid"
  assert_match "$(jq -r .ociVersion "$f")" '^1\.'
}

test_hooks_lifecycle () {
  ID=h1
  hooked_bundle "$TMP/h1"
  ocirt_create h1
  assert_success
  pid=$(ocirt_state h1 pid)
  cmnt=$(readlink "/proc/$pid/ns/mnt")
  assert_eq "$(cat "$OUT/order")" "$(printf 'prestart\ncreateRuntime\ncreateContainer')" "hooks run by create"
  check_state prestart creating "$pid"
  check_state createRuntime creating "$pid"
  check_state createContainer creating 1
  assert_eq "$(cat "$OUT/prestart.mnt")" "$HOST_MNT" "prestart runs in the runtime's mount namespace"
  assert_eq "$(cat "$OUT/createRuntime.mnt")" "$HOST_MNT" "createRuntime in the runtime's mount namespace"
  assert_eq "$(cat "$OUT/createContainer.mnt")" "$cmnt" "createContainer in the container's mount namespace"
  assert_eq "$(cat "$OUT/prestart.env")" env-prestart
  assert_eq "$(cat "$OUT/createContainer.env")" env-createContainer
  assert_eq "$(cat "$OUT/prestart.args")" "$OUT prestart"
  ocirt_cmd start h1
  assert_success
  wait_for 10 grep -q program "$OUT/order"
  assert_eq "$(head -4 "$OUT/order" | tail -1)" startContainer "startContainer after create, before the program"
  assert_eq "$(grep -n . "$OUT/order" | grep -E 'startContainer|program' | cut -d: -f2 | tr '\n' ' ')" "startContainer program "
  check_state startContainer created 1
  assert_eq "$(cat "$OUT/startContainer.mnt")" "$cmnt" "startContainer in the container"
  assert_eq "$(cat "$OUT/startContainer.env")" env-startContainer
  check_state poststart running "$pid"
  assert_eq "$(cat "$OUT/poststart.mnt")" "$HOST_MNT"
  # The init was still ocirt before execve: poststart must see the program (sh, or what it exec'd).
  assert_match "$(cat "$OUT/poststart.cmdline")" '^(/bin/sh -c|/init sleep 100)' "poststart runs after the program was exec'd"
  [ ! -e "$OUT/poststop.state" ] || _assert_fail "poststop ran before delete"
  ocirt_cmd kill h1 KILL
  wait_status h1 stopped
  ocirt_cmd delete h1
  assert_success
  check_state poststop stopped "$(jq -r '.pid // 0' "$OUT/poststop.state")"
  assert_eq "$(cat "$OUT/poststop.mnt")" "$HOST_MNT"
  assert_eq "$(tail -1 "$OUT/order")" poststop
  assert_no_leftovers h1
}
t "every hook runs at its step, in its namespace, with state, args and env" test_hooks_lifecycle

fail_hook () { jq -n --arg c "$1" '{path:"/bin/sh", args:["sh","-c",$c]}'; }

failing_create () {
  local id=$1 stage=$2 cmd=$3 extra=${4:-}
  make_bundle "$TMP/$id"
  cfg "$TMP/$id" ".process.args=[\"/init\",\"sleep\",\"100\"] | .hooks.$stage=[\$h] $extra" --argjson h "$(fail_hook "$cmd")"
  ocirt_create "$id"
  assert_failure
  assert_no_leftovers "$id"
}

test_failing_hooks_abort () {
  failing_create f1 prestart 'exit 3'
  assert_match "$stderr" '^ocirt: f1: prestart hook /bin/sh: exited with status 3'
  failing_create f2 createRuntime 'exit 4'
  assert_match "$stderr" 'createRuntime hook /bin/sh: exited with status 4'
  failing_create f3 createContainer 'exit 5'
  assert_match "$stderr" 'createContainer hook /bin/sh: exited with status 5'
  failing_create f4 prestart 'exit 0' '| .hooks.prestart += [{"path":"/nonexistent/hook"}]'
  assert_match "$stderr" 'prestart hook /nonexistent/hook: No such file or directory$'
}
t "a failing prestart/createRuntime/createContainer hook aborts create, nothing left" test_failing_hooks_abort

test_hook_timeout () {
  failing_create to1 prestart "/bin/sleep 100 & echo \$! > $TMP/bgpid; wait" '| .hooks.prestart[0].timeout=1'
  assert_match "$stderr" '^ocirt: to1: prestart hook /bin/sh: timed out after 1 s'
  bg=$(cat "$TMP/bgpid")
  wait_for 5 sh -c "! kill -0 $bg 2>/dev/null" || _assert_fail "the hook's child $bg survived the timeout"
  failing_create to2 createContainer 'exec /bin/sleep 100' '| .hooks.createContainer[0].timeout=1'
  assert_match "$stderr" 'createContainer hook /bin/sh: timed out after 1 s'
}
t "a hook timeout kills the hook (and its children) and fails create" test_hook_timeout

test_post_hooks_warn () {
  make_bundle "$TMP/w1"
  cfg "$TMP/w1" '.process.args=["/init","sleep","100"] | .hooks.poststart=[$h] | .hooks.poststop=[$h]' \
    --argjson h "$(fail_hook 'exit 1')"
  ocirt_create w1
  ocirt_cmd start w1
  assert_success
  assert_match "$stderr" 'warning: poststart hook /bin/sh: exited with status 1'
  assert_eq "$(ocirt_state w1 status)" running
  ocirt_cmd delete -f w1
  assert_success
  assert_match "$stderr" 'warning: poststop hook /bin/sh: exited with status 1'
  assert_no_leftovers w1
}
t "a failing poststart/poststop hook is a warning" test_post_hooks_warn

test_start_container_fails () {
  OUT=$TMP/out-s1
  mkdir -p "$OUT"
  make_bundle "$TMP/s1"
  cfg "$TMP/s1" '.root.readonly=false
    | .mounts += [{"destination":"/out","type":"bind","source":$o,"options":["rbind","rw"]}]
    | .process.args=["/bin/sh","-c","echo program >> /out/order"]
    | .hooks.startContainer=[{"path":"/bin/sh","args":["sh","-c","exit 6"]}]' --arg o "$OUT"
  ocirt_create s1
  assert_success
  ocirt_cmd start s1
  wait_status s1 stopped
  [ ! -e "$OUT/order" ] || _assert_fail "the program ran although startContainer failed"
  ocirt_cmd delete s1
  assert_success
  assert_no_leftovers s1
}
t "a failing startContainer hook stops the program from running" test_start_container_fails

done_testing
