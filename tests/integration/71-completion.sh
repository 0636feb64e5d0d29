#!/bin/bash
# bash completion (completion/bash/ocirt): commands, options of the command being typed,
# container IDs from `ocirt --root DIR list -q`, signal names for kill.
. "$(dirname "$0")/../lib.sh"
require_root
require_ocirt
require_ocitest
COMPL=$OCIRT_SRCDIR/completion/bash/ocirt

# complete WORDS...: the completions of the last word, one a line
complete_words () {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ocirt; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$COMPL" "$OCIRT" "$@"
}

test_commands () {
  local out; out=$(complete_words "")
  for c in create start run delete kill state list spec exec; do
    printf '%s\n' "$out" | grep -qx "$c" || _assert_fail "command $c not completed" "$out"
  done
  assert_eq "$(complete_words --root "$TMP" de)" delete
}
t "completes commands" test_commands

test_options () {
  local out; out=$(complete_words run --)
  for o in --bundle= --detach --pid-file= --console-socket= --keep; do
    printf '%s\n' "$out" | grep -qx -- "$o" || _assert_fail "run option $o not completed" "$out"
  done
  assert_eq "$(complete_words --deb)" --debug
  assert_eq "$(complete_words --log-format j)" json
}
t "completes options" test_options

test_ids () {
  make_bundle "$TMP/b"
  ocirt_create compl-one
  assert_success
  assert_eq "$(complete_words --root "$ROOT" start compl-)" compl-one
  assert_eq "$(complete_words --root "$ROOT" kill compl-one SIGKI)" ""
  assert_eq "$(complete_words --root "$ROOT" kill compl-one KI)" KILL
  ocirt_cmd delete -f compl-one
  assert_success
}
t "completes container IDs and signals" test_ids

done_testing
