#!/bin/bash
# The project's test command (README): build from scratch with -Werror, then `make check`
# with the pure cgroup v2 suite too (run-tests --v2: one v2vm guest boot; skipped with a
# reason where the guest can't run; OCIRT_CI_V2=0 leaves it out).
# make's own "*** [...] Error N" lines are dropped so that the last line printed is the
# summary of tests/run-tests; the exit status is make's.
set -euo pipefail
cd "$(dirname "$0")/.."

./autogen.sh
./configure --enable-werror
make -j2

set +e
flags=--v2
[ "${OCIRT_CI_V2:-1}" != 0 ] || flags=
make -j2 --no-print-directory check RUN_TESTS_FLAGS="$flags" 2>&1 | grep --line-buffered -Ev '^make(\[[0-9]+\])?: \*\*\* '
rc=${PIPESTATUS[0]}
exit "$rc"
