#!/bin/bash
# The unit tests (parser, spec, security, cgroup planning) under valgrind: no invalid access,
# no use of uninitialised memory, no definite or indirect leak.  (Not root-specific, but the
# unit tests themselves already run without it; this is the slower memory check.)
. "$(dirname "$0")/../lib.sh"
require_cmd valgrind

n=0
for prog in "$OCIRT_BUILDDIR"/tests/unit/test_*; do
  [ -f "$prog" ] && [ -x "$prog" ] || continue
  case $prog in *.c | *.o | *.h | *.log | *.trs) continue ;; esac
  n=$((n + 1))
  vg_one () {
    local log=$TMP/vg.$(basename "$1").log rc=0
    valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
      --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
      "$1" "$OCIRT_SRCDIR" > "$log" 2>&1 || rc=$?
    [ $rc -eq 0 ] || _assert_fail "valgrind: exit status $rc" "$(grep -E '^==|not ok|Bail' "$log" | head -60)"
    ! grep -q '^not ok' "$log" || _assert_fail "a unit test failed under valgrind" "$(grep '^not ok' "$log")"
    grep -Eq '^ok ' "$log" || _assert_fail "no TAP output" "$(head -20 "$log")"
  }
  t "valgrind: $(basename "$prog")" vg_one "$prog"
done
[ $n -gt 0 ] || skip_all "no unit test built in $OCIRT_BUILDDIR/tests/unit"
done_testing
