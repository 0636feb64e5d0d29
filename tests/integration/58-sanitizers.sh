#!/bin/bash
# An ASan+UBSan build (./configure --enable-sanitizers) of the current source tree, in a
# separate build dir, runs the unit tests and the security/harness integration tests: a
# memory error, a leak at exit or undefined behaviour in ocirt makes them fail.  The static
# payload (ocitest) has no sanitizers.  Slow (a second full build): runs in CI (CI=true) or
# with OCIRT_TEST_SANITIZERS=1; OCIRT_SAN_ONLY overrides the run-tests --only pattern.
. "$(dirname "$0")/../lib.sh"
require_root
[ "${CI:-}" = true ] || [ "${OCIRT_TEST_SANITIZERS:-0}" = 1 ] \
  || skip_all "slow: set OCIRT_TEST_SANITIZERS=1 (CI runs it)"
[ -z "${OCIRT_IN_SANITIZER_RUN:-}" ] || skip_all "already inside the sanitizer run"
require_cmd git gcc make autoreconf
git -C "$OCIRT_SRCDIR" rev-parse --git-dir >/dev/null 2>&1 || skip_all "not a git checkout (the tree is copied with git ls-files)"

SAN=$TMP/san
ONLY=${OCIRT_SAN_ONLY:-'^(unit/|integration/(0[0-9]|1[0-9]|5[0-2])-)'}

build () {
  mkdir -p "$SAN"
  # The working tree as it is (tracked and new files, without build products).
  (cd "$OCIRT_SRCDIR" && git ls-files -z -co --exclude-standard | tar --null -T - -cf -) | tar -xf - -C "$SAN"
  cd "$SAN"
  ./autogen.sh > build.log 2>&1 || _assert_fail "autogen failed" "$(tail -30 build.log)"
  ./configure --enable-werror --enable-sanitizers >> build.log 2>&1 || _assert_fail "configure failed" "$(tail -30 build.log)"
  grep -q 'fsanitize=address' Makefile || _assert_fail "--enable-sanitizers did not add -fsanitize"
  local progs
  progs=$(sed -n 's/^check_PROGRAMS += //p' Makefile.am)
  # shellcheck disable=SC2086
  make -j2 all $progs >> build.log 2>&1 || _assert_fail "build failed" "$(grep -E 'error|Error' build.log | head -30)"
  nm -u ocirt | grep -q __asan_ || _assert_fail "ocirt is not instrumented"
}
t "configure --enable-sanitizers builds (ASan+UBSan)" build

[ -x "$SAN/ocirt" ] || { fail "no sanitizer build: nothing else can run"; done_testing; }

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export OCIRT_IN_SANITIZER_RUN=1
"$SAN/tests/run-tests" --builddir "$SAN" --srcdir "$SAN" --only "$ONLY" > "$TMP/san-run.log" 2>&1
files=$(sed -nE 's/^([a-z0-9_./-]+): (ok|not ok|SKIP).*/\1/p' "$TMP/san-run.log" | sort -u)
for f in $files; do
  check_file () {
    ! grep -Eq "^$1: not ok" "$TMP/san-run.log" \
      || _assert_fail "failed under ASan+UBSan" "$(grep -E "^$1: not ok" "$TMP/san-run.log")" \
                      "$(grep -E 'ERROR: AddressSanitizer|runtime error|LeakSanitizer' "$TMP/san-run.log" | head -20)"
  }
  t "sanitizers: $f" check_file "$f"
done
summary=$(tail -1 "$TMP/san-run.log")
check_summary () {
  assert_match "$summary" '^[0-9]+ passed, 0 failed, [0-9]+ skipped$'
  [ "${summary%% *}" -gt 0 ] || _assert_fail "nothing ran"
}
t "sanitizers: summary ($summary)" check_summary
done_testing
