#!/bin/bash
# The project's test command (README): build from scratch with -Werror, then `make check`.
# make's own "*** [...] Error N" lines are dropped so that the last line printed is the
# summary of tests/run-tests; the exit status is make's.
set -euo pipefail
cd "$(dirname "$0")/.."

./autogen.sh
./configure --enable-werror
make -j2

set +e
make -j2 --no-print-directory check 2>&1 | grep --line-buffered -Ev '^make(\[[0-9]+\])?: \*\*\* '
rc=${PIPESTATUS[0]}
exit "$rc"
