#!/bin/bash
# `ocirt spec` writes what `runc spec` writes (runc 1.1.5), but for ociVersion and hostname.
. "$(dirname "$0")/../lib.sh"
require_root
require_cmd jq runc
require_ocirt

# Compare ocirt's and runc's config.json, as sorted JSON, after checking and removing the
# two fields that differ on purpose.
compare_with_runc () {
  local flag=${1:-}
  local o=$TMP/ocirt$flag r=$TMP/runc$flag
  mkdir -p "$o" "$r"
  ocirt_cmd spec --bundle "$o" $flag
  if [ ! -e "$o/config.json" ] && { [ "$status" = 0 ] && [ -z "$output$stderr" ] \
       || printf '%s\n' "$stderr" | grep -Eqi 'unknown|unrecognized|invalid (command|option)'; }; then
    skip_test "ocirt spec${flag:+ $flag} is not implemented yet (status $status: $stderr)"
  fi
  assert_success
  (cd "$r" && runc spec $flag)
  assert_eq "$(jq -r .ociVersion "$o/config.json")" 1.2.0
  assert_eq "$(jq -r .hostname "$o/config.json")" ocirt
  assert_eq "$(jq -S 'del(.ociVersion, .hostname)' "$o/config.json")" \
            "$(jq -S 'del(.ociVersion, .hostname)' "$r/config.json")"
}

test_spec () { compare_with_runc; }
t "ocirt spec equals runc spec" test_spec

test_spec_rootless () { compare_with_runc --rootless; }
t "ocirt spec --rootless equals runc spec --rootless" test_spec_rootless

test_spec_exists () {
  local d=$TMP/exists
  mkdir -p "$d"
  echo '{"keep":1}' > "$d/config.json"
  ocirt_cmd spec --bundle "$d"
  if [ "$status" = 0 ] && [ -z "$output$stderr" ]; then
    skip_test "ocirt spec is not implemented yet"
  fi
  assert_failure
  assert_eq "$(cat "$d/config.json")" '{"keep":1}' "an existing config.json is not overwritten"
}
t "ocirt spec refuses to overwrite config.json" test_spec_exists

done_testing
