#!/bin/bash
# rootfs and mounts: pivot_root, propagation, readonly root, every mounts[] kind, flags as
# /proc/self/mountinfo shows them, devices, masked/readonly paths, sysctl, and symlinked
# destinations that must not escape the rootfs (with and without openat2).
. "$(dirname "$0")/../lib.sh"
require_root
require_cmd jq
require_ocirt
require_ocitest

args () {
  local d=$1
  shift
  cfg "$d" '.process.args=$a' --argjson a "$(printf '%s\n' "$@" | jq -cR . | jq -cs .)"
}

# addmount DIR JSON: append a mount to DIR/config.json.
addmount () { cfg "$1" '.mounts += [$m]' --argjson m "$2"; }

# mi FIELD MOUNTPOINT: from $output (a mountinfo), the last line for MOUNTPOINT; FIELD is
# opts (per-mount), optional (propagation fields), fstype, source, super, line.
mi () {
  printf '%s\n' "$output" | awk -v want="$1" -v mp="$2" '
    $5 == mp {
      opt = ""; i = 7
      while ($i != "-") { opt = opt (opt == "" ? "" : " ") $i; i++ }
      r["opts"] = $6; r["optional"] = opt; r["fstype"] = $(i + 1); r["source"] = $(i + 2)
      r["super"] = $(i + 3); r["line"] = $0; r["root"] = $4; found = 1
    }
    END { if (found) print r[want]; else exit 1 }'
}

# has_opt LIST OPT: comma-separated LIST contains OPT.
has_opt () { case ",$1," in *",$2,"*) return 0 ;; *) return 1 ;; esac; }
assert_opt () { has_opt "$(mi opts "$1")" "$2" || _assert_fail "$1 lacks mount option $2" "$(mi line "$1")"; }
assert_no_opt () { ! has_opt "$(mi opts "$1")" "$2" || _assert_fail "$1 has mount option $2" "$(mi line "$1")"; }

test_pivot () {
  make_bundle "$TMP/pv"
  mkdir -p "$TMP/host-only-marker"
  args "$TMP/pv" /init mountinfo
  ocirt_run pv1
  assert_success
  # the root mount is the rootfs, and nothing of the host is listed
  assert_eq "$(mi root /)" "$TMP/pv/rootfs"
  assert_no_match "$output" "host-only-marker"
  assert_no_match "$output" " $TMP "
  args "$TMP/pv" /init ls /
  ocirt_run pv2
  assert_success
  assert_match "$output" '^init$'
  assert_no_match "$output" '^(boot|usr|lib64|srv)$'
  assert_no_leftovers pv1
}
t "pivot_root: root is the rootfs, host invisible" test_pivot

test_rootfs_propagation () {
  local p
  # The bundle on a shared mount, so a slave has a master to show.
  mkdir -p "$TMP/rpm"
  mount --bind "$TMP/rpm" "$TMP/rpm"
  mount --make-shared "$TMP/rpm"
  make_bundle "$TMP/rpm/rp"
  args "$TMP/rpm/rp" /init mountinfo
  for p in shared slave private rshared rslave rprivate; do
    cfg "$TMP/rpm/rp" '.linux.rootfsPropagation=$p' --arg p "$p"
    ocirt_run "rp-$p"
    assert_success
    assert_eq "$(mi root /)" "$TMP/rpm/rp/rootfs"
    case $p in
      *shared) assert_match "$(mi optional /)" 'shared:' "/ is shared for $p" ;;
      rslave) assert_match "$(mi optional /)" 'master:' "/ is a slave for $p"
              assert_no_match "$(mi optional /)" 'shared:' ;;
      # non-recursive: the rootfs's parent must be made private for pivot_root, so the
      # rootfs bound from it is private too (as with runc)
      slave) assert_no_match "$(mi optional /)" 'shared:' ;;
      *private) assert_eq "$(mi optional /)" "" "/ is private for $p" ;;
    esac
    assert_no_leftovers "rp-$p"
    ocirt_run "rpn-$p" --no-pivot
    assert_success
    assert_no_leftovers "rpn-$p"
  done
  # nothing the container did is left on the shared host mount
  assert_eq "$(_mounts_under "$TMP/rpm")" "$TMP/rpm"
  umount "$TMP/rpm"
}
t "rootfsPropagation values show in mountinfo" test_rootfs_propagation

test_root_readonly () {
  make_bundle "$TMP/ro"
  cfg "$TMP/ro" '.root.readonly=true'
  args "$TMP/ro" /init write /newfile x
  ocirt_run ro1
  assert_failure
  assert_match "$stderr" 'Read-only file system'
  [ ! -e "$TMP/ro/rootfs/newfile" ]
  args "$TMP/ro" /init mountinfo
  ocirt_run ro2
  assert_success
  assert_opt / ro
  # /tmp (a tmpfs mount in the default spec? no: /dev is) stays writable
  args "$TMP/ro" /init write /dev/shm/x y
  ocirt_run ro3
  assert_success
  assert_no_leftovers ro1
}
t "root.readonly: writing / fails with EROFS" test_root_readonly

test_bind () {
  make_bundle "$TMP/bd"
  mkdir -p "$TMP/bd/data/sub" "$TMP/hostdir"
  echo bundle-rel > "$TMP/bd/data/file"
  echo host-file > "$TMP/hostfile"
  addmount "$TMP/bd" '{"destination":"/rel","type":"bind","source":"data","options":["bind"]}'
  addmount "$TMP/bd" "{\"destination\":\"/mnt/f\",\"type\":\"bind\",\"source\":\"$TMP/hostfile\",\"options\":[\"bind\",\"ro\"]}"
  addmount "$TMP/bd" "{\"destination\":\"/mnt/d\",\"type\":\"none\",\"source\":\"$TMP/hostdir\",\"options\":[\"rbind\",\"rw\"]}"
  args "$TMP/bd" /bin/sh -c 'cat /rel/file /mnt/f; echo new > /mnt/d/made; echo x > /mnt/f || echo ro-ok; /init mountinfo'
  ocirt_run bd1
  assert_success
  assert_match "$output" '^bundle-rel$'
  assert_match "$output" '^host-file$'
  assert_match "$output" '^ro-ok$'
  assert_eq "$(cat "$TMP/hostdir/made")" new
  assert_eq "$(cat "$TMP/hostfile")" host-file
  assert_opt /mnt/f ro
  assert_opt /mnt/d rw
  assert_eq "$(mi root /rel)" "$TMP/bd/data"
  # a file destination was created as a file
  [ -f "$TMP/bd/rootfs/mnt/f" ]
  assert_no_leftovers bd1
}
t "bind/rbind: file and dir sources, relative source from the bundle" test_bind

test_tmpfs () {
  make_bundle "$TMP/tf"
  addmount "$TMP/tf" '{"destination":"/t","type":"tmpfs","source":"tmpfs","options":["size=64k","mode=1750","nosuid","nodev","noexec"]}'
  args "$TMP/tf" /bin/sh -c '/init mountinfo; /init stat /t'
  ocirt_run tf1
  assert_success
  assert_eq "$(mi fstype /t)" tmpfs
  assert_opt /t nosuid
  assert_opt /t nodev
  assert_opt /t noexec
  assert_match "$(mi super /t)" 'size=64k'
  assert_match "$(mi super /t)" 'mode=1750'
  assert_match "$output" '^mode 1750$'
  assert_no_leftovers tf1
}
t "tmpfs with size and mode" test_tmpfs

test_kinds () {
  make_bundle "$TMP/kd"
  args "$TMP/kd" /init mountinfo
  addmount "$TMP/kd" '{"destination":"/mq","type":"mqueue","source":"mqueue","options":["nosuid","nodev","noexec"]}'
  addmount "$TMP/kd" '{"destination":"/pts2","type":"devpts","source":"devpts","options":["newinstance","ptmxmode=0666","mode=0620"]}'
  ocirt_run kd1
  assert_success
  assert_eq "$(mi fstype /proc)" proc
  assert_eq "$(mi fstype /sys)" sysfs
  assert_opt /sys ro
  assert_eq "$(mi fstype /dev)" tmpfs
  assert_eq "$(mi fstype /dev/pts)" devpts
  assert_match "$(mi super /dev/pts)" 'ptmxmode=0?666'
  assert_eq "$(mi fstype /dev/mqueue)" mqueue
  assert_eq "$(mi fstype /dev/shm)" tmpfs
  assert_eq "$(mi fstype /mq)" mqueue
  assert_opt /mq noexec
  assert_eq "$(mi fstype /pts2)" devpts
  assert_no_leftovers kd1
}
t "proc, sysfs, mqueue, devpts mounts" test_kinds

test_cgroup_mount () {
  make_bundle "$TMP/cg"
  cfg "$TMP/cg" '.mounts += [{"destination":"/sys/fs/cgroup","type":"cgroup","source":"cgroup","options":["nosuid","noexec","nodev","relatime","ro"]}]'
  args "$TMP/cg" /bin/sh -c '/init mountinfo; ls /sys/fs/cgroup; cat /proc/self/cgroup'
  ocirt_run cg1
  assert_success
  if [ -d /sys/fs/cgroup/memory ] && grep -q ' /sys/fs/cgroup/memory .* - cgroup ' /proc/self/mountinfo; then
    # v1 hybrid: one directory per controller
    assert_eq "$(mi fstype /sys/fs/cgroup/memory)" cgroup
    assert_match "$(mi super /sys/fs/cgroup/memory)" 'memory'
    assert_opt /sys/fs/cgroup/memory ro
    assert_match "$output" '^memory$'
    local c
    for c in $(awk '$9 == "cgroup" && $5 ~ "^/sys/fs/cgroup/" {print $5}' /proc/self/mountinfo); do
      assert_eq "$(mi fstype "$c")" cgroup "$c mounted in the container"
    done
  else
    assert_eq "$(mi fstype /sys/fs/cgroup)" cgroup2
  fi
  # with a cgroup namespace too
  cfg "$TMP/cg" '.linux.namespaces += [{"type":"cgroup"}]'
  ocirt_run cg2
  assert_success
  if [ -d /sys/fs/cgroup/memory ]; then
    assert_eq "$(mi fstype /sys/fs/cgroup/memory)" cgroup
    assert_eq "$(mi root /sys/fs/cgroup/memory)" /
    local c
    for c in $(awk '$9 == "cgroup" && $5 ~ "^/sys/fs/cgroup/" {print $5}' /proc/self/mountinfo); do
      assert_eq "$(mi fstype "$c")" cgroup "$c mounted in the container"
    done
  fi
  assert_no_leftovers cg1
  assert_no_leftovers cg2
}
t "cgroup mount (v1 hybrid: a directory per controller)" test_cgroup_mount

test_flags () {
  make_bundle "$TMP/fl"
  mkdir -p "$TMP/fl/src"
  local m
  for m in ro:ro nosuid:nosuid nodev:nodev noexec:noexec noatime:noatime relatime:relatime \
           strictatime:strictatime nodiratime:nodiratime; do
    addmount "$TMP/fl" "{\"destination\":\"/f/${m%%:*}\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"${m%%:*}\"]}"
    addmount "$TMP/fl" "{\"destination\":\"/b/${m%%:*}\",\"type\":\"bind\",\"source\":\"src\",\"options\":[\"rbind\",\"${m%%:*}\"]}"
  done
  args "$TMP/fl" /init mountinfo
  ocirt_run fl1
  assert_success
  for m in ro nosuid nodev noexec noatime relatime nodiratime; do
    assert_opt "/f/$m" "$m"
    assert_opt "/b/$m" "$m"
  done
  assert_no_opt /f/strictatime relatime
  assert_no_opt /f/strictatime noatime
  assert_no_opt /b/strictatime relatime
  assert_opt /f/nosuid rw
  assert_no_leftovers fl1
}
t "mount flags (ro nosuid nodev noexec atime...) per mount in mountinfo" test_flags

test_propagation_flags () {
  make_bundle "$TMP/pg"
  mkdir -p "$TMP/pg/src"
  # a shared source, so its rslave copy shows its master
  mount --bind "$TMP/pg/src" "$TMP/pg/src"
  mount --make-shared "$TMP/pg/src"
  addmount "$TMP/pg" '{"destination":"/shared","type":"tmpfs","source":"tmpfs","options":["shared"]}'
  addmount "$TMP/pg" '{"destination":"/private","type":"tmpfs","source":"tmpfs","options":["private"]}'
  addmount "$TMP/pg" '{"destination":"/slave","type":"bind","source":"src","options":["rbind","rslave"]}'
  args "$TMP/pg" /init mountinfo
  ocirt_run pg1
  assert_success
  assert_match "$(mi optional /shared)" '^shared:[0-9]+$'
  assert_eq "$(mi optional /private)" ""
  umount "$TMP/pg/src"
  assert_match "$(mi optional /slave)" 'master:[0-9]+'
  assert_no_leftovers pg1
}
t "propagation flags in mountinfo optional fields" test_propagation_flags

test_recursive_flags () {
  make_bundle "$TMP/rf"
  mkdir -p "$TMP/rsrc/sub"
  mount -t tmpfs -o size=64k tmpfs "$TMP/rsrc/sub"
  addmount "$TMP/rf" "{\"destination\":\"/r\",\"type\":\"bind\",\"source\":\"$TMP/rsrc\",\"options\":[\"rbind\",\"rro\",\"rnosuid\",\"rnodev\",\"rnoexec\"]}"
  addmount "$TMP/rf" "{\"destination\":\"/n\",\"type\":\"bind\",\"source\":\"$TMP/rsrc\",\"options\":[\"rbind\",\"ro\"]}"
  args "$TMP/rf" /init mountinfo
  ocirt_run rf1
  umount "$TMP/rsrc/sub"
  assert_success
  local m o
  for m in /r /r/sub; do
    for o in ro nosuid nodev noexec; do
      assert_opt "$m" "$o"
    done
  done
  # a plain ro applies to the top mount only
  assert_opt /n ro
  assert_opt /n/sub rw
  assert_no_leftovers rf1
}
t "recursive flags rro/rnosuid/rnodev/rnoexec reach the submount" test_recursive_flags

test_devices () {
  make_bundle "$TMP/dv"
  cfg "$TMP/dv" '.linux.devices=[{"path":"/dev/mydev","type":"c","major":1,"minor":5,"fileMode":416,"uid":1000,"gid":1001},{"path":"/dev/sub/fifo","type":"p","fileMode":384}]
                 | .linux.resources.devices += [{"allow":true,"type":"c","major":1,"minor":5,"access":"rwm"}]'
  args "$TMP/dv" /bin/sh -c 'for d in null zero full random urandom tty mydev sub/fifo; do echo "== $d"; /init stat /dev/$d; done; echo "== end"; for l in fd stdin stdout stderr ptmx; do echo "$l -> $(/init readlink /dev/$l)"; done; /init stat /dev/pts/ptmx; head -c 4 /dev/zero | od -An -tx1'
  ocirt_run dv1
  assert_success
  local d mm
  for d in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
    mm=$(printf '%s\n' "$output" | awk -v d="== ${d%%:*}" '$0 == d {f = 1; next} /^==/ {f = 0} f && /^(major|minor|mode|type) /{printf "%s ", $2}')
    IFS=: read -r _ ma mi_ <<< "$d"
    assert_eq "$mm" "char 0666 $ma $mi_ " "/dev/${d%%:*}"
  done
  mm=$(printf '%s\n' "$output" | awk '$0 == "== mydev" {f = 1; next} /^==/ {f = 0} f {printf "%s ", $2}')
  assert_eq "$mm" "char 0640 1000 1001 1 5 " "/dev/mydev"
  mm=$(printf '%s\n' "$output" | awk '$0 == "== sub/fifo" {f = 1; next} /^==/ {f = 0} f && /^(type|mode) / {printf "%s ", $2}')
  assert_eq "$mm" "fifo 0600 " "/dev/sub/fifo"
  assert_match "$output" '^fd -> /proc/self/fd$'
  assert_match "$output" '^stdin -> /proc/self/fd/0$'
  assert_match "$output" '^stdout -> /proc/self/fd/1$'
  assert_match "$output" '^stderr -> /proc/self/fd/2$'
  assert_match "$output" '^ptmx -> pts/ptmx$'
  mm=$(printf '%s\n' "$output" | awk '$0 == "== end" {f = 1; next} f && /^(type|major|minor) / {printf "%s ", $2}')
  assert_eq "$mm" "char 5 2 " "/dev/pts/ptmx"
  assert_match "$output" '^ 00 00 00 00$'
  assert_no_leftovers dv1
}
t "default devices, /dev symlinks, linux.devices with mode/uid/gid" test_devices

test_masked () {
  make_bundle "$TMP/mk"
  mkdir -p "$TMP/mk/rootfs/secret-dir" && echo s > "$TMP/mk/rootfs/secret-dir/f"
  echo s > "$TMP/mk/rootfs/secret-file"
  cfg "$TMP/mk" '.linux.maskedPaths += ["/secret-dir", "/secret-file", "/does/not/exist"]'
  args "$TMP/mk" /bin/sh -c 'echo "kcore[$(head -c 10 /proc/kcore | wc -c)]"; echo "acpi[$(ls -A /proc/acpi 2>&1)]"; echo "sd[$(ls -A /secret-dir)]"; echo "sf[$(cat /secret-file)]"; /init mountinfo; echo x > /secret-dir/y || echo masked-ro'
  ocirt_run mk1
  assert_success
  assert_match "$output" '^kcore\[0\]$'
  assert_match "$output" '^sd\[\]$'
  assert_match "$output" '^sf\[\]$'
  assert_match "$output" '^masked-ro$'
  [ ! -d /proc/acpi ] || assert_match "$output" '^acpi\[\]$'
  assert_eq "$(mi fstype /secret-dir)" tmpfs
  assert_opt /secret-dir ro
  assert_eq "$(mi root /secret-file)" "$(awk '$5 == "/dev" && $9 == "tmpfs" {print "/null"}' /dev/null)/null"
  assert_no_leftovers mk1
}
t "maskedPaths: files get /dev/null, dirs an empty ro tmpfs" test_masked

test_readonly_paths () {
  make_bundle "$TMP/rop"
  args "$TMP/rop" /bin/sh -c '/init mountinfo; echo 1 > /proc/sys/kernel/shm_rmid_forced || echo ro-ok'
  ocirt_run rop1
  assert_success
  assert_opt /proc/sys ro
  assert_match "$output" '^ro-ok$'
  assert_no_leftovers rop1
}
t "readonlyPaths: /proc/sys is read-only" test_readonly_paths

test_sysctl () {
  make_bundle "$TMP/sy"
  cfg "$TMP/sy" '.linux.sysctl={"net.ipv4.ip_forward":"1","kernel.shm_rmid_forced":"1"}'
  args "$TMP/sy" /init sysctl net.ipv4.ip_forward kernel.shm_rmid_forced
  local host_fwd
  host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
  ocirt_run sy1
  assert_success
  assert_eq "$output" "1
1"
  assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$host_fwd" "host value unchanged"
  assert_no_leftovers sy1
}
t "sysctl in the container's namespaces" test_sysctl

# The symlink escape tests, run with and without openat2.
symlink_escape () {
  local tag=$1 host=$TMP/host-$1
  mkdir -p "$host/etc"
  make_bundle "$TMP/sl$tag"
  local r=$TMP/sl$tag/rootfs
  ln -s "$host" "$r/evil"
  ln -s / "$r/evil-root"
  ln -s ../../../../../../../.. "$r/evil-up"
  ln -s "$host/etc/file" "$r/evil-file"
  addmount "$TMP/sl$tag" '{"destination":"/evil/x","type":"tmpfs","source":"tmpfs"}'
  addmount "$TMP/sl$tag" "{\"destination\":\"/evil-root/${host#/}/y\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}"
  addmount "$TMP/sl$tag" "{\"destination\":\"/evil-up${host}/z\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}"
  addmount "$TMP/sl$tag" "{\"destination\":\"/evil-file\",\"type\":\"bind\",\"source\":\"/etc/hostname\",\"options\":[\"bind\"]}"
  args "$TMP/sl$tag" /init mountinfo
  ocirt_run "sl$tag"
  assert_success
  assert_eq "$(ls -A "$host/etc")" "" "host dir stays empty"
  assert_eq "$(find "$host" -mindepth 1 | grep -v "^$host/etc$")" "" "nothing created on the host"
  assert_eq "$(_mounts_under "$host")" ""
  # the mounts landed inside the rootfs
  mi line "$host/x" >/dev/null
  mi line "$host/y" >/dev/null
  mi line "$host/z" >/dev/null
  assert_eq "$(mi root "$host/etc/file")" /etc/hostname
  [ -d "$r/$host/x" ] && [ -f "$r/$host/etc/file" ]
  assert_no_leftovers "sl$tag"
}

test_symlink_escape () { symlink_escape a; }
t "symlinked mount destinations stay in the rootfs" test_symlink_escape
test_symlink_escape_fallback () { OCIRT_TEST_NO_OPENAT2=1 symlink_escape b; }
t "symlinked mount destinations stay in the rootfs (no openat2)" test_symlink_escape_fallback

test_mask_symlink_fallback () {
  export OCIRT_TEST_NO_OPENAT2=1
  test_masked
  test_bind
  test_devices
}
t "masks, binds and devices with the no-openat2 walker" test_mask_symlink_fallback

done_testing
