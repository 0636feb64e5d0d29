# tests/cgroup-lib.sh: cgroup helpers for tests/integration/4*.sh, sourced after lib.sh
# (82-docker.sh uses CG_MODE and cg_root).
#
#   CG_MODE                 v1 (legacy or hybrid host) or v2 (unified /sys/fs/cgroup)
#   cg_root CONTROLLER      the hierarchy root holding CONTROLLER (v2: /sys/fs/cgroup)
#   cg_dir NAME [CTRL]      the cgroup of a make_bundle container NAME (cgroupsPath /$CGROUP_PREFIX/NAME)
#   cg_file NAME CTRL FILE  the content of FILE in NAME's cgroup of CTRL
#   cg_has_controller C     C is usable (v1: mounted; v2: in the root's cgroup.controllers)
#   cg_probe CTRL GLOB      list the files matching GLOB that a non-root cgroup of CTRL has (v2
#                           roots lack most interface files): looks in the test prefix cgroup
#   cg_all_roots            every v1 hierarchy root, or /sys/fs/cgroup on v2
#   require_loop            (inside a test) attach a loop device for this test: LOOP_DEV,
#                           LOOP_MAJ, LOOP_MIN; detached when the test ends

if [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then CG_MODE=v2; else CG_MODE=v1; fi

cg_root () {
  local c=$1
  if [ $CG_MODE = v2 ]; then echo /sys/fs/cgroup; return; fi
  [ "$c" != io ] || c=blkio
  local d
  d=$(awk -v c="$c" '$9 == "cgroup" { n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) { print $5; exit } }' /proc/self/mountinfo)
  echo "${d:-/sys/fs/cgroup/$c}"
}
cg_ctl_dir () { cg_root "$@"; }
cg_dir () { echo "$(cg_root "${2:-memory}")/$CGROUP_PREFIX/$1"; }
cg_file () { cat "$(cg_dir "$1" "$2")/$3"; }
cg_has_controller () {
  if [ $CG_MODE = v2 ]; then
    grep -qw "$1" /sys/fs/cgroup/cgroup.controllers
  else
    awk -v c="$1" '$9 == "cgroup" { n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) f = 1 } END { exit !f }' /proc/self/mountinfo
  fi
}
cg_probe () {
  local d
  d=$(cg_root "$1")/$CGROUP_PREFIX
  mkdir -p "$d" 2>/dev/null || return 0
  (cd "$d" && ls -d $2 2>/dev/null)
}
cg_all_roots () {
  if [ $CG_MODE = v2 ]; then echo /sys/fs/cgroup; return; fi
  awk '$9 == "cgroup" && $NF !~ /name=/ { print $5 }' /proc/self/mountinfo | sort -u
}

require_loop () {
  command -v losetup >/dev/null || skip_test "no losetup"
  local img=$TMP/loop.$BASHPID.img i out
  truncate -s 4M "$img"
  LOOP_DEV= LOOP_MADE_NODE=
  for i in 1 2 3 4 5; do
    out=$(losetup -f 2>&1) || skip_test "no free loop device: $out"
    # without udev the node of a new loop device may be missing: make it (removed at the end)
    if [ ! -e "$out" ]; then
      mknod "$out" b 7 "${out#/dev/loop}" 2>/dev/null && LOOP_MADE_NODE=$out
    fi
    if losetup "$out" "$img" 2>/dev/null; then LOOP_DEV=$out; break; fi
    [ -z "$LOOP_MADE_NODE" ] || { rm -f "$LOOP_MADE_NODE"; LOOP_MADE_NODE=; }
    sleep 0.2
  done
  [ -n "$LOOP_DEV" ] || skip_test "cannot attach a loop device ($out)"
  trap 'losetup -d "$LOOP_DEV" 2>/dev/null; [ -z "$LOOP_MADE_NODE" ] || rm -f "$LOOP_MADE_NODE"; rm -f "$TMP/loop.$BASHPID.img"' EXIT
  LOOP_MAJ=$((0x$(stat -c %t "$LOOP_DEV")))
  LOOP_MIN=$((0x$(stat -c %T "$LOOP_DEV")))
}
