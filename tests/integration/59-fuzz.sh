#!/bin/bash
# libFuzzer on the libocispec parsers (tests/fuzz/run-fuzz.sh) for a fixed budget of 60 s in
# total: a crash, a leak or a parse/generate round-trip mismatch fails.  Needs clang with the
# fuzzer runtime.  Slow: runs in CI (CI=true) or with OCIRT_TEST_FUZZ=1 (OCIRT_FUZZ_SECONDS).
. "$(dirname "$0")/../lib.sh"
[ "${CI:-}" = true ] || [ "${OCIRT_TEST_FUZZ:-0}" = 1 ] || skip_all "slow: set OCIRT_TEST_FUZZ=1 (CI runs it)"
[ -z "${OCIRT_IN_SANITIZER_RUN:-}" ] || skip_all "inside the sanitizer run"
require_cmd clang
echo 'int LLVMFuzzerTestOneInput(const char *d, long n){(void)d;(void)n;return 0;}' > "$TMP/probe.c"
clang -fsanitize=fuzzer -o "$TMP/probe" "$TMP/probe.c" > /dev/null 2>&1 || skip_all "clang has no libFuzzer runtime (libclang-rt-dev)"

fuzz () {
  local rc=0
  BUILDDIR=$OCIRT_BUILDDIR sh "$OCIRT_SRCDIR/tests/fuzz/run-fuzz.sh" "${OCIRT_FUZZ_SECONDS:-60}" > "$TMP/fuzz.log" 2>&1 || rc=$?
  for tgt in config process state; do
    grep -q "== fuzz_$tgt" "$TMP/fuzz.log" || _assert_fail "fuzz_$tgt did not run" "$(tail -30 "$TMP/fuzz.log")"
  done
  [ $rc -eq 0 ] || _assert_fail "run-fuzz.sh failed (status $rc): reproducers in $OCIRT_BUILDDIR/tests/fuzz/crash-*" \
    "$(grep -E 'ERROR|SUMMARY|FAILED|==[0-9]+==|mismatch' "$TMP/fuzz.log" | head -40)"
  grep 'number_of_executed_units' "$TMP/fuzz.log"
}
t "libFuzzer, 60 s over the config, process and state parsers: no crash, leak or mismatch" fuzz
done_testing
