#!/bin/bash
# LSMs: process.selinuxLabel, linux.mountLabel and process.apparmorProfile.  On a host where
# the LSM is off, they are ignored with a debug note (the container runs, unconfined); where it
# is on, the label is applied (checked through /proc/self/attr/current in the container).
. "$(dirname "$0")/../lib.sh"
require_root
require_cmd jq
require_ocirt
require_ocitest

selinux_on () { [ -e /sys/fs/selinux/enforce ]; }
apparmor_on () { [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; }

test_selinux_off () {
  ! selinux_on || skip_test "SELinux is enabled on this host"
  make_bundle "$TMP/se"
  cfg "$TMP/se" '.process.selinuxLabel="system_u:system_r:container_t:s0:c1,c2"
                 | .linux.mountLabel="system_u:object_r:container_file_t:s0:c1,c2"
                 | .mounts += [{destination:"/mnt",type:"tmpfs",source:"tmpfs",options:["size=1m"]}]
                 | .process.args=["/bin/sh","-c","/init mountinfo | grep \" /mnt \""]'
  ocirt_cmd --debug run -b "$TMP/se" se
  assert_success
  assert_match "$stderr" 'selinux disabled, ignoring label system_u:system_r:container_t'
  assert_match "$stderr" 'selinux disabled, ignoring mount label system_u:object_r:container_file_t'
  assert_no_match "$output" 'context=' "no context= mount option without SELinux"
  # Without --debug, nothing is said.
  ocirt_run se
  assert_success
  assert_no_match "$stderr" 'selinux'
  assert_no_leftovers se
}
t "SELinux off: selinuxLabel and mountLabel ignored with a debug note" test_selinux_off

test_apparmor_off () {
  ! apparmor_on || skip_test "AppArmor is enabled on this host"
  make_bundle "$TMP/aa"
  cfg "$TMP/aa" '.process.apparmorProfile="ocirt-test-no-such-profile" | .process.args=["/init","true"]'
  ocirt_cmd --debug run -b "$TMP/aa" aa
  assert_success
  assert_match "$stderr" 'apparmor disabled, ignoring profile ocirt-test-no-such-profile'
  assert_no_leftovers aa
}
t "AppArmor absent: apparmorProfile ignored with a debug note" test_apparmor_off

test_apparmor_on () {
  apparmor_on || skip_test "AppArmor is not enabled on this host"
  make_bundle "$TMP/ap"
  cfg "$TMP/ap" '.process.apparmorProfile="ocirt-test-no-such-profile" | .process.args=["/init","true"]'
  ocirt_run ap
  assert_failure
  assert_match "$stderr" 'apparmor profile ocirt-test-no-such-profile is not loaded'
  assert_no_leftovers ap
  cfg "$TMP/ap" '.process.apparmorProfile="unconfined" | .process.args=["/init","cat","/proc/self/attr/current"]'
  ocirt_run ap
  assert_success
  assert_match "$output" 'unconfined'
}
t "AppArmor on: a missing profile is an error, unconfined applies" test_apparmor_on

test_selinux_on () {
  selinux_on || skip_test "SELinux is not enabled on this host"
  make_bundle "$TMP/so"
  cfg "$TMP/so" '.process.args=["/init","cat","/proc/self/attr/current"]'
  ocirt_run so
  assert_success
  [ -n "$output" ] || _assert_fail "no SELinux context in the container"
}
t "SELinux on: the container process has a context" test_selinux_on

done_testing
