#!/bin/bash
# tests/callers/mkrootfs.sh OCITEST OUT.tar: a tiny image rootfs for the caller tests (no
# registry is reachable): the host's static /bin/busybox with a symlink per applet, the static
# ocitest payload at /bin/ocitest, passwd/group with root, user 1000 and nobody, and the usual
# empty directories.  The tarball is what `podman import` / `docker import` take.
set -euo pipefail
ocitest=$1 out=$2
r=$(mktemp -d /tmp/ocirt-rootfs.XXXXXX)
chmod 755 "$r"
trap 'rm -rf "$r"' EXIT
mkdir -p "$r"/{bin,proc,sys,dev,tmp,etc,root,home/user,run,var/tmp,mnt}
chmod 1777 "$r/tmp" "$r/var/tmp"
cp /bin/busybox "$r/bin/busybox"
for a in $(/bin/busybox --list); do
  [ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"
done
cp "$ocitest" "$r/bin/ocitest"
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'user:x:1000:1000:user:/home/user:/bin/sh' \
  'nobody:x:65534:65534:nobody:/:/bin/sh' > "$r/etc/passwd"
printf '%s\n' 'root:x:0:' 'tty:x:5:' 'user:x:1000:' 'nogroup:x:65534:' > "$r/etc/group"
chown 1000:1000 "$r/home/user"
# For tmpcopyup checks: a --read-only container gets a tmpfs here, seeded with this file.
echo from-image > "$r/var/tmp/image-file"
tar -C "$r" --numeric-owner -cf "$out" .
