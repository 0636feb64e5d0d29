#!/bin/bash
# ocirt benchmark: ocirt against crun and runc on the same busybox bundle, in one invocation.
#
#   bench/run-bench.sh [--runs N] [--ocirt PATH] [--out DIR] [--only LIST]
#
#   --runs N      timed runs per hyperfine scenario (default 40; medians are reported)
#   --ocirt PATH  the ocirt binary (default: ./ocirt of the build tree, then $PATH)
#   --out DIR     keep hyperfine's JSON exports and the table there (default: a temp dir, removed)
#   --only LIST   comma-separated runtimes among ocirt,crun,runc (default: all three)
#
# Scenarios (see bench/README.md): run, run+seccomp (cached), create+start+delete, exec,
# peak RSS, 512 KiB memory limit, 100 parallel create/delete.  Needs root, hyperfine, jq,
# busybox (static), crun, runc and GNU time (/usr/bin/time, Debian package "time").
#
# Every container's cgroup is under /ocirt-bench-<pid>/ and is removed at exit, as are the
# bundles and state roots (under one temp dir).  crun refuses this hybrid cgroup host, so its
# scenarios run in a private mount namespace in which /sys/fs/cgroup/unified is unmounted; the
# host's mounts are never touched.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
runs=40
ocirt=
out=
only=ocirt,crun,runc
inner=

while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --ocirt) ocirt=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --inner) inner=$2; shift 2 ;;  # internal: run one runtime's scenarios (crun's namespace)
    -h | --help) sed -n '2,19s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "run-bench: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

die () { echo "run-bench: $*" >&2; exit 1; }
note () { echo "run-bench: $*" >&2; }

# ---------------------------------------------------------------------------------------------
# Per-runtime measurements.  Environment: BENCH_TMP, BENCH_CG, RUNS, and the binaries.

rt_cmd () {  # rt_cmd NAME: the command line prefix of runtime NAME with its private state root
  case $1 in
    ocirt) echo "$OCIRT_BIN --root $BENCH_ROOTS/ocirt" ;;
    crun) echo "crun --root $BENCH_ROOTS/crun" ;;
    runc) echo "runc --root $BENCH_ROOTS/runc" ;;
  esac
}

median () { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "NA"; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# The timed runs of a scenario are split into ROUNDS rounds, and each round runs the three
# runtimes one after the other, so that a change of the machine's load during the benchmark
# hits all of them alike.  The reported median is over the runs of all rounds.  Commands
# without a shell operator run with -N (no shell, so nothing to subtract).
hf () {  # hf RT SCENARIO CMD [hyperfine options...]: times into $BENCH_OUT/RT.SCENARIO.rROUND.json
  local rt=$1 sc=$2 cmd=$3 f
  f=$BENCH_OUT/$rt.$sc.r$ROUND
  shift 3
  if ! hyperfine --style basic --runs "$ROUND_RUNS" --warmup 2 "$@" \
      --export-json "$f.json" "$cmd" > "$f.log" 2>&1; then
    note "$rt $sc failed:"; tail -5 "$f.log" >&2
    echo NA > "$BENCH_OUT/$rt.$sc"
  fi
}

bench_runtime () {
  local rt=$1 r b
  r=$(rt_cmd "$rt")
  b=$BENCH_TMP/bundles
  mkdir -p "$BENCH_ROOTS/$rt"

  note "$rt: round $ROUND: run"
  hf "$rt" run "$r run -b $b/run b-$rt-run" -N
  note "$rt: run with seccomp (warmups fill the cache; timed runs use it)"
  hf "$rt" seccomp "$r run -b $b/seccomp b-$rt-sc" -N
  note "$rt: create+start+delete"
  hf "$rt" cycle "$r create -b $b/run b-$rt-cy && $r start b-$rt-cy && $r delete -f b-$rt-cy" \
    --cleanup "$r delete -f b-$rt-cy >/dev/null 2>&1 || true"

  note "$rt: exec"
  if [ "$rt" = ocirt ] && { $r exec --help 2>&1 || true; } | grep -q 'not implemented'; then
    echo "not-implemented" > "$BENCH_OUT/$rt.exec"
  elif [ -f "$BENCH_OUT/$rt.exec" ]; then
    :  # failed or not implemented in an earlier round
  elif $r run -d -b "$b/sleep" b-$rt-ex < /dev/null > /dev/null 2>&1; then
    hf "$rt" exec "$r exec b-$rt-ex /bin/true" -N
    $r delete -f b-$rt-ex > /dev/null 2>&1 || true
  else
    note "$rt: run -d of the exec target failed"; echo NA > "$BENCH_OUT/$rt.exec"
  fi

  [ "$ROUND" = 1 ] || return 0
  note "$rt: peak RSS"
  local i kb
  for i in $(seq 1 20); do
    # GNU time reports the largest max RSS of the runtime and the children it waited for
    /usr/bin/time -f %M -o "$BENCH_TMP/rss" $r run -b "$b/run" b-$rt-rss > /dev/null 2>&1 < /dev/null || true
    cat "$BENCH_TMP/rss"
  done | median > "$BENCH_OUT/$rt.rss"

  note "$rt: 512 KiB memory limit"
  if $r run -b "$b/small" b-$rt-small > "$BENCH_TMP/small.log" 2>&1 < /dev/null; then
    echo yes > "$BENCH_OUT/$rt.small"
  else
    echo "no (rc $?)" > "$BENCH_OUT/$rt.small"
    $r delete -f b-$rt-small > /dev/null 2>&1 || true
  fi

  note "$rt: 100 containers, 10 in parallel: create, then delete"
  local t0 t1 t2 fails
  t0=$(date +%s%N)
  fails=$(seq 1 100 | xargs -P10 -I{} sh -c "$r create -b $b/par/{} b-$rt-par-{} > /dev/null 2>&1 < /dev/null || echo fail" | wc -l)
  t1=$(date +%s%N)
  fails=$((fails + $(seq 1 100 | xargs -P10 -I{} sh -c "$r delete -f b-$rt-par-{} > /dev/null 2>&1 || echo fail" | wc -l)))
  t2=$(date +%s%N)
  echo "$(( 100 * 1000000000 / (t2 - t0) )) $(( (t1 - t0) / 1000000 )) $(( (t2 - t1) / 1000000 )) $fails" \
    > "$BENCH_OUT/$rt.par"
}

if [ -n "$inner" ]; then
  [ "$inner" = crun ] && umount /sys/fs/cgroup/unified 2> /dev/null || true
  bench_runtime "$inner"
  exit 0
fi

# ---------------------------------------------------------------------------------------------
# Setup: tools, bundles, cleanup.

[ "$(id -u)" = 0 ] || die "needs root"
for tool in hyperfine jq busybox /usr/bin/time; do
  command -v "$tool" > /dev/null || die "$tool not found (apt-get install hyperfine jq busybox-static time)"
done
if [ -z "$ocirt" ]; then
  if [ -x "$here/../ocirt" ]; then ocirt=$here/../ocirt; else ocirt=$(command -v ocirt) || die "no ocirt binary: build it or pass --ocirt"; fi
fi
export OCIRT_BIN=$(cd "$(dirname "$ocirt")" && pwd)/$(basename "$ocirt")
IFS=, read -r -a rts <<< "$only"
for rt in "${rts[@]}"; do
  [ "$rt" = ocirt ] || command -v "$rt" > /dev/null || die "$rt not found (apt-get install $rt)"
done
[ "$runs" -ge 40 ] || note "warning: --runs $runs is below the 40 runs the reported medians need"

rounds=8
[ "$runs" -ge "$rounds" ] || rounds=1
export RUNS=$runs ROUND_RUNS=$(( (runs + rounds - 1) / rounds ))
export BENCH_TMP=$(mktemp -d /tmp/ocirt-bench.XXXXXX)
export BENCH_CG=/ocirt-bench-$$
export BENCH_ROOTS=$BENCH_TMP/roots
export BENCH_OUT=${out:-$BENCH_TMP/out}
mkdir -p "$BENCH_OUT" "$BENCH_ROOTS"
BENCH_OUT=$(cd "$BENCH_OUT" && pwd)
# A reused --out dir: drop the results of an earlier invocation (a median file there is taken as
# this run's result).  Only the names this script writes.
for rt in ocirt crun runc; do
  for sc in run seccomp cycle exec rss small par; do
    rm -f "$BENCH_OUT/$rt.$sc" "$BENCH_OUT/$rt.$sc".r*.json "$BENCH_OUT/$rt.$sc".r*.log
  done
done
rm -f "$BENCH_OUT/table.md"

cleanup () {
  local rt id d
  for rt in ocirt crun runc; do
    [ -d "$BENCH_ROOTS/$rt" ] || continue
    for id in $(ls "$BENCH_ROOTS/$rt" 2> /dev/null); do
      case $rt in
        crun) unshare -m sh -c "umount /sys/fs/cgroup/unified 2>/dev/null; $(rt_cmd $rt) delete -f $id" > /dev/null 2>&1 || true ;;
        *) $(rt_cmd "$rt") delete -f "$id" > /dev/null 2>&1 || true ;;
      esac
    done
  done
  # our cgroups only: the /ocirt-bench-<pid> prefix, deepest first
  for d in /sys/fs/cgroup/*/"${BENCH_CG#/}" /sys/fs/cgroup/unified/"${BENCH_CG#/}"; do
    [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2> /dev/null
  done
  ! mountpoint -q "$BENCH_ROOTS" || umount "$BENCH_ROOTS"
  rm -rf "$BENCH_TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# The state roots on a tmpfs, as /run (where runtimes keep them by default) is on a usual host.
mount -t tmpfs -o size=64m,mode=0700 ocirt-bench "$BENCH_ROOTS"

# One rootfs, shared read-only by every bundle (root.path is absolute).
rootfs=$BENCH_TMP/rootfs
mkdir -p "$rootfs/bin" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$rootfs/tmp"
cp "$(command -v busybox)" "$rootfs/bin/busybox"
for a in sh true sleep; do ln -s busybox "$rootfs/bin/$a"; done

# The default `ocirt spec` config, with the ociVersion crun 1.8 accepts, no terminal, /bin/true,
# and a cgroup under our prefix with a memory limit.
base=$BENCH_TMP/base.json
(cd "$BENCH_TMP" && "$OCIRT_BIN" spec -b "$BENCH_TMP" && mv config.json base.json)
mkbundle () {  # mkbundle DIR CGROUP-NAME [jq filter]
  mkdir -p "$1"
  jq --arg root "$rootfs" --arg cg "$BENCH_CG/$2" "
    .ociVersion = \"1.0.2\" | .root.path = \$root | .process.terminal = false
    | .process.args = [\"/bin/true\"] | .linux.cgroupsPath = \$cg
    | .linux.resources.memory.limit = 67108864 | ${3:-.}" "$base" > "$1/config.json"
}
b=$BENCH_TMP/bundles
seccomp_profile=$("$here/gen-seccomp.sh")
mkbundle "$b/run" run
mkbundle "$b/seccomp" seccomp ".linux.seccomp = $seccomp_profile"
mkbundle "$b/sleep" sleep '.process.args = ["/bin/sleep", "100000"]'
mkbundle "$b/small" small '.linux.resources.memory.limit = 524288'
for i in $(seq 1 100); do mkbundle "$b/par/$i" "par-$i"; done

for ROUND in $(seq 1 "$rounds"); do
  export ROUND
  # Each round starts with the next runtime, so none always runs right after another.
  for k in $(seq 0 $(( ${#rts[@]} - 1 ))); do
    rt=${rts[$(( (ROUND - 1 + k) % ${#rts[@]} ))]}
    case $rt in
      crun) unshare -m --propagation private bash "$0" --inner crun ;;
      *) bash "$0" --inner "$rt" ;;
    esac
  done
done
# Median over every timed run of every round.
for rt in "${rts[@]}"; do
  for sc in run seccomp cycle exec; do
    [ -f "$BENCH_OUT/$rt.$sc" ] && continue
    ls "$BENCH_OUT/$rt.$sc".r*.json > /dev/null 2>&1 || continue
    jq -s '[.[].results[0].times[]] | sort | if length % 2 == 1 then .[length / 2 | floor]
           else (.[length / 2 - 1] + .[length / 2]) / 2 end' "$BENCH_OUT/$rt.$sc".r*.json > "$BENCH_OUT/$rt.$sc"
  done
done

# ---------------------------------------------------------------------------------------------
# Report: medians and ratios against the targets.

val () { cat "$BENCH_OUT/$1.$2" 2> /dev/null || echo NA; }
ms () { case $1 in NA | not-*) echo "$1" ;; *) awk -v v="$1" 'BEGIN {printf "%.2f ms", v * 1000}' ;; esac; }
ratio () { case "$1$2" in *N* | *n*) echo - ;; *) awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", a / b}' ;; esac; }
met () {  # met VALUE REF MAX: "yes" when VALUE/REF <= MAX
  case "$1$2" in *N* | *n*) echo - ;; *) awk -v a="$1" -v b="$2" -v m="$3" 'BEGIN {print (a / b <= m) ? "yes" : "NO"}' ;; esac
}

{
  echo "| scenario (median of $((ROUND_RUNS * rounds)), $rounds rounds) | ocirt | crun | runc | ocirt/crun | ocirt/runc | target | met |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  for sc in run seccomp cycle exec; do
    o=$(val ocirt $sc) c=$(val crun $sc) r=$(val runc $sc)
    case $sc in
      run) label="run /bin/true"; target="<= 0.7x crun, <= 0.25x runc"
           m1=$(met "$o" "$c" 0.7) m2=$(met "$o" "$r" 0.25); m="$m1/$m2" ;;
      seccomp) label="run + seccomp (~400 rules, cached)"; target="<= 0.7x crun"; m=$(met "$o" "$c" 0.7) ;;
      cycle) label="create+start+delete"; target="<= 0.7x crun"; m=$(met "$o" "$c" 0.7) ;;
      exec) label="exec /bin/true"; target="<= 0.7x crun"; m=$(met "$o" "$c" 0.7) ;;
    esac
    echo "| $label | $(ms "$o") | $(ms "$c") | $(ms "$r") | $(ratio "$o" "$c") | $(ratio "$o" "$r") | $target | $m |"
  done
  o=$(val ocirt rss) c=$(val crun rss) r=$(val runc rss)
  echo "| peak RSS (KiB, median of 20) | $o | $c | $r | $(ratio "$o" "$c") | $(ratio "$o" "$r") | <= crun | $(met "$o" "$c" 1) |"
  echo "| starts under memory.limit 512 KiB | $(val ocirt small) | $(val crun small) | $(val runc small) | | | | |"
  par () { set -- $(val "$1" par); [ $# -eq 4 ] && echo "$1/s ($2+$3 ms, $4 failed)" || echo NA; }
  echo "| 100 create+delete, 10 parallel | $(par ocirt) | $(par crun) | $(par runc) | | | 0 failures | |"
} | tee "$BENCH_OUT/table.md"
echo
echo "$(date -u +%F) on $(uname -r), $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1);" \
  "crun $(crun --version 2> /dev/null | sed -n 's/^crun version //p'), $(runc --version 2> /dev/null | head -1)"
