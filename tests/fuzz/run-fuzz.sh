#!/bin/sh
# Build the libocispec fuzz targets (`make fuzz`) and run each for SECONDS/3 seconds, seeded
# with tests/data/configs/good plus a fresh corpus under a temp dir.  Exits non-zero on any
# crash, leak or round-trip mismatch; reproducers are kept as tests/fuzz/crash-* in the
# build dir.  Usage: tests/fuzz/run-fuzz.sh [SECONDS] (default 180); BUILDDIR=... if out of tree.
set -eu
secs=${1:-180}
per=$((secs / 3))
[ "$per" -ge 1 ] || per=1
top=$(cd "$(dirname "$0")/../.." && pwd)
builddir=${BUILDDIR:-$top}

make -C "$builddir" fuzz

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Small hand-written seeds for the documents that are not config.json.
mkdir -p "$tmp/seeds-process" "$tmp/seeds-state"
printf '%s' '{"terminal":true,"consoleSize":{"height":24,"width":80},"user":{"uid":1,"gid":2,"umask":18,"additionalGids":[3]},"args":["sh"],"env":["A=b"],"cwd":"/","capabilities":{"bounding":["CAP_KILL"]},"rlimits":[{"type":"RLIMIT_NOFILE","hard":1,"soft":1}],"oomScoreAdj":-1,"ioPriority":{"class":"IOPRIO_CLASS_BE","priority":4},"scheduler":{"policy":"SCHED_OTHER","nice":1},"execCPUAffinity":{"initial":"0"}}' \
  > "$tmp/seeds-process/full.json"
printf '%s' '{"ociVersion":"1.2.0","id":"c","status":"running","pid":42,"bundle":"/b","annotations":{"k":"v"}}' \
  > "$tmp/seeds-state/full.json"

fail=0
for t in config process state; do
  mkdir -p "$tmp/corpus-$t"
  seeds="$top/tests/data/configs/good"
  [ "$t" = config ] || seeds="$tmp/seeds-$t $seeds"
  echo "== fuzz_$t for ${per}s"
  # shellcheck disable=SC2086 # $seeds is a list of directories
  if ! "$builddir/tests/fuzz/fuzz_$t" -max_total_time="$per" -print_final_stats=1 \
       -artifact_prefix="$builddir/tests/fuzz/crash-$t-" "$tmp/corpus-$t" $seeds; then
    echo "fuzz_$t FAILED" >&2
    fail=1
  fi
done
exit $fail
